/* test_decode.c — charset detection and conversion; the output is always valid UTF-8. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "mem.h"
#include "utf8.h"

#define S(lit) (lit), sizeof(lit) - 1
#define MAX (64u << 20)

/* Decodes and checks the invariants every result must hold. */
static void decode_ok(const char *data, size_t len, const char *ctype, int is_html,
                      struct nw_decoded *dec)
{
    char err[256] = "";

    assert_int_equal(nw_decode(data, len, ctype, is_html, MAX, dec, err, sizeof(err)), NW_OK);
    assert_non_null(dec->text);
    assert_true(nw_utf8_valid(dec->text, dec->len));
    assert_int_equal(strlen(dec->text), dec->len); /* no NUL inside */
    assert_non_null(dec->source);
    assert_true(dec->charset[0] != '\0');
}

static void expect(const char *data, size_t len, const char *ctype, int is_html,
                   const char *want_text, const char *want_charset, const char *want_source)
{
    struct nw_decoded dec;

    decode_ok(data, len, ctype, is_html, &dec);
    if (want_text)
        assert_non_null(strstr(dec.text, want_text));
    assert_string_equal(dec.charset, want_charset);
    assert_string_equal(dec.source, want_source);
    nw_decoded_fini(&dec);
}

static void test_empty_body(void **state)
{
    struct nw_decoded dec;

    (void)state;
    decode_ok("", 0, NULL, 1, &dec);
    assert_int_equal(dec.len, 0);
    assert_string_equal(dec.text, "");
    nw_decoded_fini(&dec);
    decode_ok(NULL, 0, "text/html; charset=iso-8859-2", 1, &dec);
    assert_string_equal(dec.text, "");
    nw_decoded_fini(&dec);
    nw_decoded_fini(&dec); /* twice is harmless */
    nw_decoded_fini(NULL);
}

static void test_guess(void **state)
{
    (void)state;
    expect(S("plain ascii"), NULL, 1, "plain ascii", "utf-8", "guess");
    expect(S("caf\xC3\xA9"), NULL, 1, "caf\xC3\xA9", "utf-8", "guess");
    /* not UTF-8: windows-1252, where 0x93/0x94 are curly quotes and 0x80 the euro */
    expect(S("\x93quoted\x94 caf\xE9 \x80"), NULL, 1,
           "\xE2\x80\x9Cquoted\xE2\x80\x9D caf\xC3\xA9 \xE2\x82\xAC", "windows-1252", "guess");
}

static void test_header_labels(void **state)
{
    (void)state;
    expect(S("caf\xE9"), "text/html; charset=ISO-8859-1", 1, "caf\xC3\xA9", "windows-1252",
           "header");
    expect(S("\x80"), "text/html;charset=\"latin1\"", 1, "\xE2\x82\xAC", "windows-1252", "header");
    expect(S("\xB3\xF3"
             "d\xBC"),
           "text/html; charset=iso-8859-2", 1,
           "\xC5\x82\xC3\xB3"
           "d\xC5\xBA",
           "iso-8859-2", "header"); /* łódź */
    expect(S("\xB4"), "text/html; charset=iso-8859-5", 1, "\xD0\x94", "iso-8859-5", "header");
    expect(S("\xA4"), "text/html; charset=iso-8859-15", 1, "\xE2\x82\xAC", "iso-8859-15", "header");
    expect(S("\xCF\xF0\xE8\xE2\xE5\xF2"), "text/html; charset=windows-1251", 1,
           "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", "windows-1251", "header");
    /* Shift_JIS 日本, GBK 中文, EUC-KR 한 */
    expect(S("\x93\xFA\x96\x7B"), "text/html; charset=Shift_JIS", 1, "\xE6\x97\xA5\xE6\x9C\xAC",
           "shift_jis", "header");
    expect(S("\xD6\xD0\xCE\xC4"), "text/html; charset=GBK", 1, "\xE4\xB8\xAD\xE6\x96\x87", "gbk",
           "header");
    expect(S("\xD6\xD0\xCE\xC4"), "text/html; charset=gb2312", 1, "\xE4\xB8\xAD\xE6\x96\x87", "gbk",
           "header");
    expect(S("\xC7\xD1"), "text/html; charset=euc-kr", 1, "\xED\x95\x9C", "euc-kr", "header");
    /* the header beats a meta tag */
    expect(S("<meta charset=\"shift_jis\">caf\xE9"), "text/html; charset=windows-1252", 1,
           "caf\xC3\xA9", "windows-1252", "header");
}

static void test_meta_labels(void **state)
{
    (void)state;
    expect(S("<html><head><meta charset=\"windows-1252\"></head><body>caf\xE9</body>"), NULL, 1,
           "caf\xC3\xA9", "windows-1252", "meta");
    expect(S("<HTML><HEAD><META CHARSET=shift_jis><body>\x93\xFA\x96\x7B"), NULL, 1,
           "\xE6\x97\xA5\xE6\x9C\xAC", "shift_jis", "meta");
    expect(S("<head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">"
             "\xD6\xD0\xCE\xC4"),
           "text/html", 1, "\xE4\xB8\xAD\xE6\x96\x87", "gbk", "meta");
    expect(S("<meta http-equiv='content-type' content='text/html;charset=iso-8859-2'>\xB3"), NULL,
           1, "\xC5\x82", "iso-8859-2", "meta");
    /* meta is not looked at for plain text */
    expect(S("<meta charset=\"iso-8859-5\">\xC3\xA9"), NULL, 0, "\xC3\xA9", "utf-8", "guess");
    /* <metadata> is not <meta> */
    expect(S("<metadata charset=\"iso-8859-5\">\xC3\xA9"), NULL, 1, "\xC3\xA9", "utf-8", "guess");
    /* a meta claiming UTF-16 in ASCII markup means UTF-8 (WHATWG) */
    expect(S("<meta charset=\"utf-16\">caf\xC3\xA9"), NULL, 1, "caf\xC3\xA9", "utf-8", "meta");
}

static void test_utf8_under_legacy_label(void **state)
{
    struct nw_decoded dec;

    (void)state;
    /* valid UTF-8 labeled ISO-8859-2 (header), EUC-KR and GB2312 (meta): decoded as UTF-8 */
    decode_ok(S("\xC5\x82\xC3\xB3"
                "d\xC5\xBA"),
              "text/html; charset=iso-8859-2", 1, &dec);
    assert_string_equal(dec.text, "\xC5\x82\xC3\xB3"
                                  "d\xC5\xBA");
    assert_string_equal(dec.charset, "utf-8");
    assert_string_equal(dec.declared, "iso-8859-2");
    assert_string_equal(dec.source, "header");
    nw_decoded_fini(&dec);
    decode_ok(S("<meta charset=euc-kr>\xED\x95\x9C\xEA\xB5\xAD"), NULL, 1, &dec);
    assert_non_null(strstr(dec.text, "\xED\x95\x9C\xEA\xB5\xAD")); /* 한국 */
    assert_string_equal(dec.declared, "euc-kr");
    assert_string_equal(dec.source, "meta");
    nw_decoded_fini(&dec);
    decode_ok(S("<meta http-equiv=Content-Type content='text/html; charset=gb2312'>"
                "\xE4\xB8\xAD\xE6\x96\x87"),
              NULL, 1, &dec);
    assert_non_null(strstr(dec.text, "\xE4\xB8\xAD\xE6\x96\x87"));
    assert_string_equal(dec.declared, "gbk");
    nw_decoded_fini(&dec);
    /* pure ASCII proves nothing: the label stays; a UTF-8 label declares nothing */
    decode_ok(S("plain"), "text/html; charset=iso-8859-2", 1, &dec);
    assert_string_equal(dec.charset, "iso-8859-2");
    assert_string_equal(dec.declared, "");
    nw_decoded_fini(&dec);
    decode_ok(S("caf\xC3\xA9"), "text/html; charset=utf-8", 1, &dec);
    assert_string_equal(dec.declared, "");
    nw_decoded_fini(&dec);
    /* real legacy bytes are not valid UTF-8: the label is honoured */
    decode_ok(S("caf\xE9 cr\xE8me"), "text/html; charset=iso-8859-1", 1, &dec);
    assert_string_equal(dec.charset, "windows-1252");
    assert_string_equal(dec.declared, "");
    nw_decoded_fini(&dec);
}

static void test_meta_past_prescan_window_is_ignored(void **state)
{
    static char page[8192];
    size_t n;

    (void)state;
    memset(page, ' ', sizeof(page));
    n = sizeof(page) - 64;
    memcpy(page + n, "<meta charset=\"iso-8859-5\">\xC3\xA9", 29);
    expect(page, n + 29, NULL, 1, "\xC3\xA9", "utf-8", "guess");
}

static void test_boms(void **state)
{
    struct nw_decoded dec;

    (void)state;
    /* the BOM wins over header and meta, and is removed */
    decode_ok(S("\xEF\xBB\xBF<meta charset=\"iso-8859-5\">caf\xC3\xA9"),
              "text/html; charset=iso-8859-2", 1, &dec);
    assert_string_equal(dec.charset, "utf-8");
    assert_string_equal(dec.source, "bom");
    assert_memory_equal(dec.text, "<meta", 5);
    nw_decoded_fini(&dec);

    decode_ok(S("\xFF\xFEh\0i\0 \0\xAC\x20"), "text/html; charset=windows-1252", 1, &dec);
    assert_string_equal(dec.charset, "utf-16le");
    assert_string_equal(dec.text, "hi \xE2\x82\xAC");
    nw_decoded_fini(&dec);

    decode_ok(S("\xFE\xFF\0h\0i\x20\xAC"), NULL, 1, &dec);
    assert_string_equal(dec.charset, "utf-16be");
    assert_string_equal(dec.text, "hi\xE2\x82\xAC");
    nw_decoded_fini(&dec);

    /* UTF-16 with a lone surrogate and an odd trailing byte: replaced, still valid */
    decode_ok(S("\xFF\xFE"
                "a\0\x00\xD8"
                "b\0"
                "c"),
              NULL, 1, &dec);
    assert_string_equal(dec.charset, "utf-16le");
    assert_true(dec.replaced >= 1);
    assert_non_null(strstr(dec.text, "\xEF\xBF\xBD"));
    nw_decoded_fini(&dec);

    /* only a BOM */
    decode_ok(S("\xEF\xBB\xBF"), NULL, 1, &dec);
    assert_int_equal(dec.len, 0);
    nw_decoded_fini(&dec);
}

static void test_utf16_header_without_utf16_bytes(void **state)
{
    (void)state;
    /* a header claiming UTF-16 on ASCII bytes is a misconfigured server */
    expect(S("<p>plain ascii page</p>"), "text/html; charset=utf-16", 1, "plain ascii page",
           "utf-8", "guess");
    /* ... but real UTF-16 bytes with a header and no BOM are honoured */
    expect(S("h\0e\0l\0l\0o\0"), "text/plain; charset=utf-16le", 0, "hello", "utf-16le", "header");
}

static void test_unknown_charset_falls_back(void **state)
{
    (void)state;
    expect(S("caf\xC3\xA9"), "text/html; charset=x-no-such-thing", 1, "caf\xC3\xA9", "utf-8",
           "guess");
    expect(S("caf\xE9"), "text/html; charset=bogus", 1, "caf\xC3\xA9", "windows-1252", "guess");
    /* labels iconv knows but browsers do not: never used */
    expect(S("+AGEAYgBj-"), "text/html; charset=utf-7", 1, "+AGEAYgBj-", "utf-8", "guess");
    expect(S("abcd"), "text/html; charset=utf-32", 1, "abcd", "utf-8", "guess");
    expect(S("<meta charset=\"ebcdic-us\">abc"), NULL, 1, "abc", "utf-8", "guess");
    /* a hostile label: long, with path characters */
    expect(S("abc"), "text/html; charset=../../../../etc/passwd", 1, "abc", "utf-8", "guess");
    expect(S("abc"),
           "text/html; charset=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
           1, "abc", "utf-8", "guess");
    expect(S("abc"), "text/html; charset=", 1, "abc", "utf-8", "guess");
    expect(S("abc"), "charset", 1, "abc", "utf-8", "guess");
    /* unknown header, but a usable meta: the meta is used */
    expect(S("<meta charset=\"iso-8859-2\">\xB3"), "text/html; charset=nope", 1, "\xC5\x82",
           "iso-8859-2", "meta");
}

static void test_invalid_bytes_in_labeled_input(void **state)
{
    struct nw_decoded dec;

    (void)state;
    /* declared UTF-8, but truncated / overlong / surrogates / NULs inside */
    decode_ok(S("a\xC0\xAF"
                "b\xED\xA0\x80"
                "c\0d\xE2\x82"),
              "text/html; charset=utf-8", 1, &dec);
    assert_string_equal(dec.source, "header");
    assert_true(dec.replaced >= 4);
    assert_non_null(strstr(dec.text, "cd"));
    nw_decoded_fini(&dec);
    /* truncated Shift_JIS double-byte character at the end */
    decode_ok(S("\x93\xFA\x96"), "text/html; charset=shift_jis", 1, &dec);
    assert_non_null(strstr(dec.text, "\xE6\x97\xA5"));
    assert_true(dec.replaced >= 1);
    nw_decoded_fini(&dec);
    /* NUL bytes in a single-byte charset are dropped too */
    decode_ok(S("a\0b\xE9"), "text/html; charset=windows-1252", 1, &dec);
    assert_string_equal(dec.text, "ab\xC3\xA9");
    nw_decoded_fini(&dec);
    /* ISO-2022-JP left in a shifted state */
    decode_ok(S("\x1B$B\x46\x7C"), "text/html; charset=iso-2022-jp", 1, &dec);
    assert_string_equal(dec.charset, "iso-2022-jp");
    nw_decoded_fini(&dec);
}

static void test_all_byte_values_every_charset(void **state)
{
    static const char *const labels[] = {
        "utf-8",     "windows-1252", "iso-8859-2", "iso-8859-5", "iso-8859-7", "iso-8859-8",
        "koi8-r",    "windows-1251", "shift_jis",  "euc-jp",     "gbk",        "gb18030",
        "big5",      "euc-kr",       "utf-16le",   "utf-16be",   "ibm866",     "x-mac-cyrillic",
        "macintosh", "windows-874",  "iso-2022-jp"};
    char data[512], ctype[64];

    (void)state;
    for (int i = 0; i < 512; i++)
        data[i] = (char)(i * 7 + 3);
    for (size_t l = 0; l < sizeof(labels) / sizeof(labels[0]); l++) {
        struct nw_decoded dec;
        snprintf(ctype, sizeof(ctype), "text/html; charset=%s", labels[l]);
        decode_ok(data, sizeof(data), ctype, 1, &dec);
        nw_decoded_fini(&dec);
    }
}

static void test_too_big_and_50mb(void **state)
{
    const size_t n = 50u << 20;
    struct nw_decoded dec;
    char err[128] = "";
    char *big = nw_malloc(n);

    (void)state;
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    memcpy(big + 1000, "\xE9\xFF\xC3", 3); /* not UTF-8: guessed windows-1252 */
    assert_int_equal(nw_decode(big, n, NULL, 1, 16u << 20, &dec, err, sizeof(err)), NW_ETOOBIG);
    assert_null(dec.text);
    assert_non_null(strstr(err, "exceeds"));
    decode_ok(big, n, NULL, 1, &dec);
    assert_string_equal(dec.charset, "windows-1252");
    assert_true(dec.len >= n);
    nw_decoded_fini(&dec);
    decode_ok(big, n, "text/html; charset=utf-8", 1, &dec);
    assert_int_equal(dec.replaced, 3);
    nw_decoded_fini(&dec);
    nw_free(big);
}

static void test_charset_param(void **state)
{
    char out[48];

    (void)state;
    assert_int_equal(nw_decode_charset_param("text/html; charset=UTF-8", out, sizeof(out)), 0);
    assert_string_equal(out, "utf-8");
    assert_int_equal(nw_decode_charset_param("text/html;CHARSET = 'Big5'", out, sizeof(out)), 0);
    assert_string_equal(out, "big5");
    assert_int_equal(nw_decode_charset_param("text/html", out, sizeof(out)), -1);
    assert_int_equal(nw_decode_charset_param(NULL, out, sizeof(out)), -1);
    assert_int_equal(nw_decode_charset_param("text/html; charset=", out, sizeof(out)), -1);
    assert_int_equal(nw_decode_charset_param("text/html; charset=abcdefgh", out, 4), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_body),
        cmocka_unit_test(test_guess),
        cmocka_unit_test(test_header_labels),
        cmocka_unit_test(test_meta_labels),
        cmocka_unit_test(test_meta_past_prescan_window_is_ignored),
        cmocka_unit_test(test_utf8_under_legacy_label),
        cmocka_unit_test(test_boms),
        cmocka_unit_test(test_utf16_header_without_utf16_bytes),
        cmocka_unit_test(test_unknown_charset_falls_back),
        cmocka_unit_test(test_invalid_bytes_in_labeled_input),
        cmocka_unit_test(test_all_byte_values_every_charset),
        cmocka_unit_test(test_too_big_and_50mb),
        cmocka_unit_test(test_charset_param),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
