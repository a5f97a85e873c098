/* test_hash.c — SHA-256 hex against the FIPS 180-2 test vectors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "hash.h"
#include "mem.h"

static void test_vectors(void **state)
{
    char out[65];

    (void)state;
    nw_sha256_hex("", 0, out);
    assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    nw_sha256_hex("abc", 3, out);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    nw_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, out);
    assert_string_equal(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a_and_binary(void **state)
{
    char out[65], out2[65];
    char *a = nw_malloc(1000000);

    (void)state;
    assert_non_null(a);
    memset(a, 'a', 1000000);
    nw_sha256_hex(a, 1000000, out);
    assert_string_equal(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* NUL bytes are hashed, not a terminator */
    nw_sha256_hex("a\0b", 3, out);
    nw_sha256_hex("a", 1, out2);
    assert_string_not_equal(out, out2);
    assert_int_equal(strlen(out), 64);
    nw_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_million_a_and_binary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
