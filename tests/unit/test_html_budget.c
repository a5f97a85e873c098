/* test_html_budget.c — the pre-parse scan that cuts HTML at a budget of bytes, elements
 * and depth, and errs high rather than let markup hide work from it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_budget.h"

/* s repeated n times after prefix, in a new malloc'd string. */
static char *repeat(const char *prefix, const char *s, size_t n, size_t *len)
{
    size_t plen = strlen(prefix), slen = strlen(s);
    char *out = malloc(plen + slen * n + 1);
    assert_non_null(out);
    memcpy(out, prefix, plen);
    for (size_t i = 0; i < n; i++)
        memcpy(out + plen + i * slen, s, slen);
    *len = plen + slen * n;
    out[*len] = '\0';
    return out;
}

static struct nw_html_cut scan(const char *html, size_t len, size_t max_bytes, size_t max_elements,
                               long max_depth)
{
    struct nw_html_budget b = {max_bytes, max_elements, max_depth};
    struct nw_html_cut cut;
    memset(&cut, 0xff, sizeof(cut));
    nw_html_budget_scan(html, len, &b, &cut);
    return cut;
}

static void test_ordinary_page_is_not_cut(void **state)
{
    const char *page = "<!doctype html><html><head><title>T &lt;x&gt;</title>"
                       "<script>if (a<b && c>d) x = '<div>';</script></head>"
                       "<body><div class=\"a > b\"><p>One <b>two</b> three.</p>"
                       "<img src=x.png alt='1 > 0'/><br></div></body></html>";
    (void)state;
    struct nw_html_cut cut = scan(page, strlen(page), 1 << 20, 1000, 64);
    assert_int_equal(cut.reason, NW_HTML_CUT_NONE);
    assert_int_equal(cut.len, strlen(page));
    assert_true(cut.elements >= 10);
    assert_true(cut.elements < 60);
    assert_true(cut.depth >= 2);
    assert_true(cut.depth <= 4);
}

static void test_bytes_cut_keeps_utf8_whole(void **state)
{
    /* "é" is two bytes: a cut at byte 4 would split the second one. */
    const char *page = "<p>\xc3\xa9\xc3\xa9\xc3\xa9";
    (void)state;
    struct nw_html_cut cut = scan(page, strlen(page), 6, 0, 0);
    assert_int_equal(cut.reason, NW_HTML_CUT_BYTES);
    assert_int_equal(cut.len, 5);
}

static void test_elements_cut_at_a_tag(void **state)
{
    size_t len;
    char *page = repeat("<html><body><article>", "<p>a", 100000, &len);
    (void)state;
    struct nw_html_cut cut = scan(page, len, 0, 10000, 0);
    assert_int_equal(cut.reason, NW_HTML_CUT_ELEMENTS);
    assert_true(cut.elements <= 10000);
    assert_true(cut.elements > 9000);
    assert_true(cut.len < len);
    assert_int_equal(page[cut.len], '<');
    /* A tag and the text after it: about two elements per "<p>a". */
    assert_true(cut.len > 4 * 4000);
    assert_true(cut.len < 4 * 6000);
    char note[192];
    struct nw_html_budget b = {0, 10000, 0};
    nw_html_budget_note(&cut, len, &b, note, sizeof(note));
    assert_non_null(strstr(note, "10000 elements"));
    free(page);
}

/* "<!-->" ends a comment at once and a script may end where the scan does not expect:
 * tags after them still count. */
static void test_comments_and_scripts_hide_nothing(void **state)
{
    const char *prefixes[] = {"<!-->", "<!--", "<script>", "<style>", "<title>", "<svg><style>"};
    (void)state;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t len;
        char *page = repeat(prefixes[i], "<p>", 100000, &len);
        struct nw_html_cut cut = scan(page, len, 0, 10000, 0);
        assert_int_equal(cut.reason, NW_HTML_CUT_ELEMENTS);
        free(page);
    }
}

static void test_depth(void **state)
{
    size_t len;
    (void)state;
    /* "<div/>" is not self-closing in HTML: it nests. */
    const char *nesting[] = {"<div>", "<div/>", "<x></z>", "<b>", "<svg><div><g/>"};
    for (size_t i = 0; i < sizeof(nesting) / sizeof(nesting[0]); i++) {
        char *page = repeat("<body>", nesting[i], 5000, &len);
        struct nw_html_cut cut = scan(page, len, 0, 0, 1000);
        assert_int_equal(cut.reason, NW_HTML_CUT_DEPTH);
        assert_int_equal(cut.depth, 1000);
        assert_int_equal(page[cut.len], '<');
        free(page);
    }
    /* Closed, void, implicitly closed and SVG self-closed elements do not nest. */
    const char *flat[] = {"<div></div>", "<br>", "<p>x", "<li>x", "<svg><g/><path/></svg>"};
    for (size_t i = 0; i < sizeof(flat) / sizeof(flat[0]); i++) {
        char *page = repeat("<body>", flat[i], 5000, &len);
        struct nw_html_cut cut = scan(page, len, 0, 0, 1000);
        assert_int_equal(cut.reason, NW_HTML_CUT_NONE);
        assert_true(cut.depth <= 2);
        free(page);
    }
}

/* Formatting elements left open are reopened by the parser in every new block: each tag
 * after them costs as many elements as are open. */
static void test_reopened_formatting_elements_count(void **state)
{
    char *page = malloc(200000);
    size_t len = 0;
    (void)state;
    assert_non_null(page);
    for (int i = 0; i < 1000; i++)
        len += (size_t)sprintf(page + len, "<b id=%d>", i);
    for (int i = 0; i < 1000; i++)
        len += (size_t)sprintf(page + len, "<p>x");
    struct nw_html_cut cut = scan(page, len, 0, 0, 0);
    assert_true(cut.elements >= 1000 * 1000);
    cut = scan(page, len, 0, 100000, 0);
    assert_int_equal(cut.reason, NW_HTML_CUT_ELEMENTS);
    free(page);
}

static void test_attributes_count(void **state)
{
    char *page = malloc(100000);
    size_t len = 0;
    (void)state;
    assert_non_null(page);
    len += (size_t)sprintf(page, "<b");
    for (int i = 0; i < 5000; i++)
        len += (size_t)sprintf(page + len, " a%d=\"<i>\"", i);
    len += (size_t)sprintf(page + len, ">");
    struct nw_html_cut cut = scan(page, len, 0, 0, 0);
    assert_true(cut.elements >= 5000);
    assert_true(cut.elements < 5010); /* "<i>" inside quoted values is no tag */
    /* Repeated <body> tags merge their attributes into one element: quadratic. */
    len = 0;
    for (int i = 0; i < 3000; i++)
        len += (size_t)sprintf(page + len, "<body x%d>", i);
    cut = scan(page, len, 0, 0, 0);
    assert_true(cut.elements >= 3000u * 3000u / 2);
    free(page);
}

static void test_truncated_input_is_safe(void **state)
{
    const char *pages[] = {"<", "</", "<a", "<a b='", "<a b=\"x", "<script>", "</scr", "<!--", ""};
    (void)state;
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        struct nw_html_cut cut = scan(pages[i], strlen(pages[i]), 0, 10, 10);
        assert_true(cut.len <= strlen(pages[i]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ordinary_page_is_not_cut),
        cmocka_unit_test(test_bytes_cut_keeps_utf8_whole),
        cmocka_unit_test(test_elements_cut_at_a_tag),
        cmocka_unit_test(test_comments_and_scripts_hide_nothing),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_reopened_formatting_elements_count),
        cmocka_unit_test(test_attributes_count),
        cmocka_unit_test(test_truncated_input_is_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
