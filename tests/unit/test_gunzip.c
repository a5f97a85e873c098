/* test_gunzip.c — bounded inflate: bombs stop at the bound, corrupt input is an error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <zlib.h>

#include "gunzip.h"
#include "mem.h"

/* gzip-compresses src with zlib (windowBits 31 = gzip wrapper); caller frees. */
static unsigned char *gz(const void *src, size_t len, size_t *out_len)
{
    z_stream zs = {0};
    size_t cap = compressBound((uLong)len) + 64;
    unsigned char *out = nw_malloc(cap);

    assert_non_null(out);
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)src;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *out_len = zs.total_out;
    deflateEnd(&zs);
    return out;
}

static void test_magic(void **state)
{
    (void)state;
    assert_true(nw_gunzip_is_gzip("\x1f\x8b\x08", 3));
    assert_false(nw_gunzip_is_gzip("\x1f", 1));
    assert_false(nw_gunzip_is_gzip("", 0));
    assert_false(nw_gunzip_is_gzip("<html>", 6));
}

static void test_round_trip(void **state)
{
    const char *text = "<html><body><p>Hello, gzip.</p></body></html>";
    size_t zlen, out_len = 0;
    unsigned char *z = gz(text, strlen(text), &zlen);
    char *out = NULL;

    (void)state;
    assert_int_equal(nw_gunzip(z, zlen, 1 << 20, &out, &out_len), NW_OK);
    assert_int_equal(out_len, strlen(text));
    assert_string_equal(out, text);
    nw_free(out);
    nw_free(z);
}

static void test_concatenated_members_and_trailing_garbage(void **state)
{
    size_t alen, blen, out_len;
    unsigned char *a = gz("first ", 6, &alen), *b = gz("second", 6, &blen);
    unsigned char both[512];
    char *out = NULL;

    (void)state;
    memcpy(both, a, alen);
    memcpy(both + alen, b, blen);
    assert_int_equal(nw_gunzip(both, alen + blen, 1024, &out, &out_len), NW_OK);
    assert_string_equal(out, "first second");
    nw_free(out);
    /* NUL padding after the member, as some servers send: ignored */
    memset(both + alen, 0, 16);
    assert_int_equal(nw_gunzip(both, alen + 16, 1024, &out, &out_len), NW_OK);
    assert_string_equal(out, "first ");
    nw_free(out);
    /* a second member that is corrupt is an error */
    memcpy(both + alen, b, blen);
    both[alen + 12] ^= 0xFF;
    out = NULL;
    assert_int_not_equal(nw_gunzip(both, alen + blen, 1024, &out, &out_len), NW_OK);
    assert_null(out);
    nw_free(a);
    nw_free(b);
}

static void test_truncated_and_corrupt(void **state)
{
    static char text[100000];
    size_t zlen, out_len;
    unsigned char *z;
    char *out = NULL;

    (void)state;
    for (size_t i = 0; i < sizeof(text); i++)
        text[i] = (char)('a' + (i * 7919) % 26);
    z = gz(text, sizeof(text), &zlen);
    /* every truncation point is an error, never a crash or a short success */
    for (size_t cut = 0; cut < zlen; cut += (cut < 64 ? 1 : 97)) {
        out = NULL;
        assert_int_equal(nw_gunzip(z, cut, 1 << 20, &out, &out_len), NW_EPARSE);
        assert_null(out);
    }
    /* a flipped byte in the body or the CRC */
    z[zlen / 2] ^= 0x55;
    assert_int_equal(nw_gunzip(z, zlen, 1 << 20, &out, &out_len), NW_EPARSE);
    z[zlen / 2] ^= 0x55;
    z[zlen - 6] ^= 0x01;
    assert_int_equal(nw_gunzip(z, zlen, 1 << 20, &out, &out_len), NW_EPARSE);
    z[zlen - 6] ^= 0x01;
    assert_int_equal(nw_gunzip(z, zlen, 1 << 20, &out, &out_len), NW_OK);
    assert_int_equal(out_len, sizeof(text));
    nw_free(out);
    /* not gzip at all */
    assert_int_equal(nw_gunzip("\x1f\x8bhello world", 13, 1024, &out, &out_len), NW_EPARSE);
    assert_int_equal(nw_gunzip("", 0, 1024, &out, &out_len), NW_EPARSE);
    nw_free(z);
}

static void test_bomb_is_bounded(void **state)
{
    const size_t n = 64u << 20; /* 64 MB of zeros compress to ~64 KB */
    char *zeros = nw_calloc(1, n), *out = NULL;
    size_t zlen, out_len = 0;
    unsigned char *z;

    (void)state;
    assert_non_null(zeros);
    z = gz(zeros, n, &zlen);
    nw_free(zeros);
    assert_true(zlen < n / 500);
    assert_int_equal(nw_gunzip(z, zlen, 1u << 20, &out, &out_len), NW_ETOOBIG);
    assert_null(out);
    /* exactly at the bound is fine */
    assert_int_equal(nw_gunzip(z, zlen, n, &out, &out_len), NW_OK);
    assert_int_equal(out_len, n);
    nw_free(out);
    assert_int_equal(nw_gunzip(z, zlen, n - 1, &out, &out_len), NW_ETOOBIG);
    nw_free(z);
}

/* nw_gunzip_head keeps the first max_out bytes of a large stream instead of failing. */
static void test_head_cuts_at_the_bound(void **state)
{
    const size_t n = 300000;
    char *text = nw_malloc(n), *out = NULL;
    size_t zlen, out_len = 0;
    unsigned char *z;
    int truncated = -1;

    (void)state;
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        text[i] = (char)('a' + i % 26);
    z = gz(text, n, &zlen);
    assert_int_equal(nw_gunzip_head(z, zlen, 100000, &out, &out_len, &truncated), NW_OK);
    assert_int_equal(truncated, 1);
    assert_int_equal(out_len, 100000);
    assert_memory_equal(out, text, 100000);
    assert_int_equal(out[out_len], '\0');
    nw_free(out);
    /* Under the bound: the whole stream, not truncated. */
    assert_int_equal(nw_gunzip_head(z, zlen, n, &out, &out_len, &truncated), NW_OK);
    assert_int_equal(truncated, 0);
    assert_int_equal(out_len, n);
    nw_free(out);
    /* Corrupt input is still an error. */
    z[zlen / 2] ^= 0xff;
    out = NULL;
    assert_int_not_equal(nw_gunzip_head(z, zlen, n, &out, &out_len, &truncated), NW_OK);
    assert_null(out);
    nw_free(z);
    nw_free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_magic),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_concatenated_members_and_trailing_garbage),
        cmocka_unit_test(test_truncated_and_corrupt),
        cmocka_unit_test(test_bomb_is_bounded),
        cmocka_unit_test(test_head_cuts_at_the_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
