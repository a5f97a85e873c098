/* test_utf8.c — strict UTF-8 validation and repair (RFC 3629). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mem.h"
#include "utf8.h"

#define S(lit) (lit), sizeof(lit) - 1
#define FFFD "\xEF\xBF\xBD"

static void test_seq_len(void **state)
{
    (void)state;
    assert_int_equal(nw_utf8_seq_len((const unsigned char *)"a", 1), 1);
    assert_int_equal(nw_utf8_seq_len((const unsigned char *)"\xC3\xA9", 2), 2);
    assert_int_equal(nw_utf8_seq_len((const unsigned char *)"\xE2\x82\xAC", 3), 3);
    assert_int_equal(nw_utf8_seq_len((const unsigned char *)"\xF0\x9F\x98\x80", 4), 4);
    /* truncated: the bytes are there in memory but not within avail */
    assert_int_equal(nw_utf8_seq_len((const unsigned char *)"\xE2\x82\xAC", 2), 0);
    assert_int_equal(nw_utf8_seq_len((const unsigned char *)"\xF0\x9F\x98\x80", 3), 0);
    /* lone continuation, invalid lead bytes */
    assert_int_equal(nw_utf8_seq_len((const unsigned char *)"\x80", 1), 0);
    assert_int_equal(nw_utf8_seq_len((const unsigned char *)"\xFF", 1), 0);
    assert_int_equal(nw_utf8_seq_len((const unsigned char *)"\xFE\x80", 2), 0);
    assert_int_equal(nw_utf8_seq_len((const unsigned char *)"\xF5\x80\x80\x80", 4), 0);
}

static void test_overlong_surrogate_and_range(void **state)
{
    static const char *const bad[] = {
        "\xC0\xAF",         /* overlong '/' */
        "\xC1\xBF",         /* overlong */
        "\xE0\x80\xAF",     /* overlong '/' in 3 bytes */
        "\xE0\x9F\xBF",     /* overlong U+07FF */
        "\xF0\x80\x80\xAF", /* overlong '/' in 4 bytes */
        "\xF0\x8F\xBF\xBF", /* overlong U+FFFF */
        "\xED\xA0\x80",     /* U+D800 high surrogate */
        "\xED\xBF\xBF",     /* U+DFFF low surrogate */
        "\xF4\x90\x80\x80", /* U+110000 */
        "\xC3\x28",         /* bad continuation */
        "\xE2\x28\xA1",     "\xF0\x28\x8C\x28",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(nw_utf8_valid(bad[i], strlen(bad[i])));
        assert_int_equal(nw_utf8_seq_len((const unsigned char *)bad[i], strlen(bad[i])), 0);
    }
    /* boundaries that are valid */
    assert_true(nw_utf8_valid(S("\xED\x9F\xBF")));     /* U+D7FF */
    assert_true(nw_utf8_valid(S("\xEE\x80\x80")));     /* U+E000 */
    assert_true(nw_utf8_valid(S("\xF4\x8F\xBF\xBF"))); /* U+10FFFF */
    assert_true(nw_utf8_valid(S("\xEF\xBF\xBF")));     /* U+FFFF (noncharacter, valid) */
    assert_true(nw_utf8_valid(S("\xC2\x80")));         /* U+0080 */
}

static void test_valid(void **state)
{
    (void)state;
    assert_true(nw_utf8_valid("", 0));
    assert_true(nw_utf8_valid(S("plain ascii")));
    assert_true(nw_utf8_valid(S("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80")));
    assert_true(nw_utf8_valid(S("a\0b")));     /* NUL is valid UTF-8 here */
    assert_false(nw_utf8_valid(S("caf\xC3"))); /* truncated at the end */
    assert_false(nw_utf8_valid(S("caf\xE9"))); /* latin-1 byte */
}

static void check_sanitize(const char *in, size_t len, const char *want, size_t want_bad)
{
    char *out = NULL;
    size_t out_len = 0, bad = 99;

    assert_int_equal(nw_utf8_sanitize(in, len, &out, &out_len, &bad), NW_OK);
    assert_non_null(out);
    assert_int_equal(out_len, strlen(want));
    assert_memory_equal(out, want, out_len);
    assert_int_equal(out[out_len], '\0');
    assert_int_equal(bad, want_bad);
    assert_true(nw_utf8_valid(out, out_len));
    assert_null(memchr(out, '\0', out_len));
    nw_free(out);
}

static void test_sanitize(void **state)
{
    (void)state;
    check_sanitize("", 0, "", 0);
    check_sanitize(S("ok \xC3\xA9"), "ok \xC3\xA9", 0);
    check_sanitize(S("a\0b\0"), "ab", 0);                          /* NULs dropped */
    check_sanitize(S("caf\xE9!"), "caf" FFFD "!", 1);              /* latin-1 byte */
    check_sanitize(S("x\xE2\x82"), "x" FFFD FFFD, 2);              /* truncated at end */
    check_sanitize(S("\xC0\xAF"), FFFD FFFD, 2);                   /* overlong */
    check_sanitize(S("\xED\xA0\x80z"), FFFD FFFD FFFD "z", 3);     /* surrogate */
    check_sanitize(S("\xF4\x90\x80\x80"), FFFD FFFD FFFD FFFD, 4); /* past U+10FFFF */
    check_sanitize(S("\xFF\xFE"), FFFD FFFD, 2);
    /* a valid sequence right after a broken one is kept */
    check_sanitize(S("\xE2\x82\xC3\xA9"), FFFD FFFD "\xC3\xA9", 2);
}

static void test_sanitize_all_bad_bytes(void **state)
{
    char in[256], *out = NULL;
    size_t out_len = 0, bad = 0;

    (void)state;
    for (int i = 0; i < 128; i++)
        in[i] = (char)(0x80 + i); /* all continuation bytes and invalid leads */
    assert_int_equal(nw_utf8_sanitize(in, 128, &out, &out_len, &bad), NW_OK);
    assert_true(nw_utf8_valid(out, out_len));
    /* no byte is followed by a continuation byte after a lead, so each is replaced */
    assert_int_equal(bad, 128);
    assert_int_equal(out_len, 128 * 3);
    nw_free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seq_len),
        cmocka_unit_test(test_overlong_surrogate_and_range),
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_sanitize),
        cmocka_unit_test(test_sanitize_all_bad_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
