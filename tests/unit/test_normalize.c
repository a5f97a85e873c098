/* test_normalize.c — NFC, white space, controls and paragraph shape. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mem.h"
#include "normalize.h"
#include "utf8.h"

#define S(lit) (lit), sizeof(lit) - 1

static void norm(const char *in, size_t len, const char *want)
{
    char *out = NULL;
    size_t out_len = 0;

    assert_int_equal(nw_normalize_text(in, len, 1 << 20, &out, &out_len), NW_OK);
    assert_non_null(out);
    assert_string_equal(out, want);
    assert_int_equal(out_len, strlen(want));
    assert_true(nw_utf8_valid(out, out_len));
    nw_free(out);
}

static void test_empty_and_blank(void **state)
{
    (void)state;
    norm("", 0, "");
    norm(S("   \t\n\n \r\n  "), "");
    norm(S("\0\0\0"), "");
    norm(S("\xE2\x80\x8B\xEF\xBB\xBF"), ""); /* ZWSP and BOM only */
}

static void test_whitespace(void **state)
{
    (void)state;
    norm(S("  hello \t  world  "), "hello world");
    norm(S("a\xC2\xA0\xC2\xA0"
           "b"),
         "a b"); /* NBSP */
    norm(S("a\xE2\x80\x83\xE3\x80\x80"
           "b"),
         "a b"); /* em space, ideographic space */
    norm(S("line one  \nline two"), "line one\nline two");
    norm(S("a\r\nb\rc"), "a\nb\nc");
}

static void test_paragraphs(void **state)
{
    (void)state;
    norm(S("p1\n\np2"), "p1\n\np2");
    norm(S("p1\n\n\n\n\np2"), "p1\n\np2");
    norm(S("p1\n \t \n  \r\n\r\np2"), "p1\n\np2");
    norm(S("\n\n\np1\n\n"), "p1");
    norm(S("a\xE2\x80\xA9"
           "b"),
         "a\n\nb"); /* PARAGRAPH SEPARATOR */
    norm(S("a\xE2\x80\xA8"
           "b"),
         "a\nb"); /* LINE SEPARATOR */
    norm(S("a\xC2\x85"
           "b\fc"),
         "a\nb\nc"); /* NEL, form feed */
}

static void test_controls_removed(void **state)
{
    (void)state;
    norm(S("a\x01\x02\x1B[31mb\x7F"
           "c"),
         "a[31mbc");
    norm(S("a\0b"), "ab");
    norm(S("soft\xC2\xADhyphen"), "softhyphen");
    norm(S("zero\xE2\x80\x8Bwidth\xE2\x81\xA0joiner"), "zerowidthjoiner");
    norm(S("c1\xC2\x9F"
           "x"),
         "c1x");
    /* ZWJ stays: it is part of emoji sequences */
    norm(S("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x92\xBB"),
         "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x92\xBB");
}

static void test_nfc(void **state)
{
    (void)state;
    norm(S("e\xCC\x81"), "\xC3\xA9");                    /* e + combining acute -> é */
    norm(S("\xE1\x84\x80\xE1\x85\xA1"), "\xEA\xB0\x80"); /* Hangul jamo -> 가 */
    norm(S("\xC3\xA9"), "\xC3\xA9");
    norm(S("\xEF\xAC\x81"), "\xEF\xAC\x81"); /* NFC keeps the ﬁ ligature (not NFKC) */
}

static void test_invalid_utf8_rejected(void **state)
{
    char *out = NULL;
    size_t out_len;

    (void)state;
    assert_int_equal(nw_normalize_text(S("ok\xC3"), 1024, &out, &out_len), NW_EINVAL);
    assert_int_equal(nw_normalize_text(S("\xED\xA0\x80"), 1024, &out, &out_len), NW_EINVAL);
    assert_int_equal(nw_normalize_text(S("\xC0\xAF"), 1024, &out, &out_len), NW_EINVAL);
    assert_null(out);
}

static void test_bound(void **state)
{
    char *out = NULL;
    size_t out_len;

    (void)state;
    assert_int_equal(nw_normalize_text(S("0123456789"), 10, &out, &out_len), NW_OK);
    nw_free(out);
    out = NULL;
    assert_int_equal(nw_normalize_text(S("0123456789a"), 10, &out, &out_len), NW_ETOOBIG);
    assert_null(out);
    /* white space collapses before the bound applies */
    assert_int_equal(nw_normalize_text(S("a          b"), 3, &out, &out_len), NW_OK);
    assert_string_equal(out, "a b");
    nw_free(out);
}

static void test_50mb_body(void **state)
{
    const size_t n = 50u << 20;
    char *big = nw_malloc(n), *out = NULL;
    size_t out_len = 0;

    (void)state;
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (i % 100 == 99) ? '\n' : (i % 7 == 6) ? ' ' : 'x';
    /* with a 16 MB bound: refused, nothing returned */
    assert_int_equal(nw_normalize_text(big, n, 16u << 20, &out, &out_len), NW_ETOOBIG);
    assert_null(out);
    /* with room: done, and the shape invariants hold */
    assert_int_equal(nw_normalize_text(big, n, 64u << 20, &out, &out_len), NW_OK);
    assert_true(out_len > 0 && out_len <= n);
    assert_null(strstr(out, "  "));
    assert_null(strstr(out, "\n\n\n"));
    assert_int_not_equal(out[0], '\n');
    assert_int_not_equal(out[out_len - 1], ' ');
    nw_free(out);
    nw_free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_and_blank),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_paragraphs),
        cmocka_unit_test(test_controls_removed),
        cmocka_unit_test(test_nfc),
        cmocka_unit_test(test_invalid_utf8_rejected),
        cmocka_unit_test(test_bound),
        cmocka_unit_test(test_50mb_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
