/* test_sniff.c — not HTML: binary types, binary signatures, binary bytes; and what passes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "sniff.h"

static int not_html(const char *data, size_t len, const char *type)
{
    char what[96];
    int r = nw_sniff_not_html(data, len, type, what, sizeof(what));
    assert_true(r ? what[0] != '\0' : what[0] == '\0');
    return r;
}

#define S(lit) lit, sizeof(lit) - 1

static void test_html_and_text_pass(void **state)
{
    (void)state;
    assert_false(not_html(S("<!doctype html><p>Hi</p>"), "text/html; charset=utf-8"));
    assert_false(not_html(S("\xef\xbb\xbf<html>caf\xc3\xa9</html>"), NULL));
    assert_false(not_html(S("Plain text article.\n\nSecond paragraph.\f"), "text/plain"));
    assert_false(not_html(S("<html>\x1b[0m a stray escape and \x01 one control</html>"), NULL));
    /* served as octet-stream, but HTML inside: the bytes decide */
    assert_false(not_html(S("<html><body>x</body></html>"), "application/octet-stream"));
    /* UTF-16 has NUL bytes everywhere */
    assert_false(
        not_html(S("\xff\xfe<\0h\0t\0m\0l\0>\0\x01\0\x02\0\x03\0\x04\0\x05\0\x06\0"), NULL));
    assert_false(not_html(S("<\0h\0t\0m\0l\0>\0\x01\0\x02\0\x03\0\x04\0\x05\0\x06\0\x07\0"), NULL));
    assert_false(not_html("", 0, NULL));
}

static void test_declared_binary_types(void **state)
{
    (void)state;
    assert_true(not_html(S("<html></html>"), "application/pdf"));
    assert_true(not_html(S("<html></html>"), "IMAGE/PNG; q=1"));
    assert_true(not_html(S("x"), "video/mp4"));
    assert_true(not_html(
        S("x"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"));
}

static void test_signatures_whatever_the_type(void **state)
{
    (void)state;
    assert_true(not_html(S("%PDF-1.7\n%\xe2\xe3\xcf\xd3"), "text/html"));
    assert_true(not_html(S("\r\n  %PDF-1.4"), "text/html"));
    assert_true(not_html(S("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "text/html"));
    assert_true(not_html(S("GIF89a\x01\0\x01\0"), NULL));
    assert_true(not_html(S("\xff\xd8\xff\xe0\0\x10JFIF"), "text/html"));
    assert_true(not_html(S("RIFF\x10\0\0\0WEBPVP8 "), NULL));
    assert_true(not_html(S("PK\x03\x04\x14\0"), "text/html"));
}

static void test_random_bytes(void **state)
{
    char data[4096];
    uint32_t x = 12345;
    (void)state;
    for (size_t i = 0; i < sizeof(data); i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (char)(x >> 16);
    }
    assert_true(not_html(data, sizeof(data), "text/html; charset=utf-8"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_and_text_pass),
        cmocka_unit_test(test_declared_binary_types),
        cmocka_unit_test(test_signatures_whatever_the_type),
        cmocka_unit_test(test_random_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
