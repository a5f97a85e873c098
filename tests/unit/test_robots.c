/* test_robots.c — robots.txt groups, longest match, wildcards, Crawl-delay, Sitemap, bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robots.h"

#define UA "newsworker/0.1 (+https://github.com/newsworker)"

static struct nw_robots *parse(const char *text)
{
    struct nw_robots *r = nw_robots_parse(text, strlen(text), UA);
    assert_non_null(r);
    return r;
}

static void test_empty_allows_all(void **state)
{
    struct nw_robots *r = nw_robots_parse(NULL, 0, UA);

    (void)state;
    assert_non_null(r);
    assert_true(nw_robots_allowed(r, "/"));
    assert_true(nw_robots_allowed(r, "/any/thing?x=1"));
    assert_int_equal(nw_robots_crawl_delay_ms(r), -1);
    assert_int_equal(nw_robots_sitemap_count(r), 0);
    nw_robots_destroy(r);
    assert_true(nw_robots_allowed(NULL, "/x"));
}

static void test_star_group(void **state)
{
    struct nw_robots *r = parse("User-agent: *\nDisallow: /private/\nDisallow: /tmp\n");

    (void)state;
    assert_false(nw_robots_allowed(r, "/private/a.html"));
    assert_false(nw_robots_allowed(r, "/tmp"));
    assert_false(nw_robots_allowed(r, "/tmp/x"));
    assert_false(nw_robots_allowed(r, "/tmpfile")); /* prefix match */
    assert_true(nw_robots_allowed(r, "/private"));  /* no trailing slash: no match */
    assert_true(nw_robots_allowed(r, "/public/a.html"));
    assert_true(nw_robots_allowed(r, "/robots.txt"));
    nw_robots_destroy(r);
}

static void test_own_group_beats_star(void **state)
{
    /* Our group replaces the '*' group entirely; other agents' groups do not apply. */
    struct nw_robots *r = parse("User-agent: *\nDisallow: /\n\n"
                                "User-agent: NewsWorker\nDisallow: /drafts/\n\n"
                                "User-agent: otherbot\nDisallow: /news/\n");

    (void)state;
    assert_true(nw_robots_allowed(r, "/news/1.html"));
    assert_false(nw_robots_allowed(r, "/drafts/1.html"));
    assert_int_equal(nw_robots_rule_count(r), 1);
    nw_robots_destroy(r);

    /* Another agent's file alone: nothing applies to us. */
    r = parse("User-agent: otherbot\nDisallow: /\n");
    assert_true(nw_robots_allowed(r, "/x"));
    nw_robots_destroy(r);

    /* "newsworker/2.0" names our product token; "newsworkers" does not. */
    r = parse(
        "User-agent: newsworker/2.0\nDisallow: /a\n\nUser-agent: newsworkers\nDisallow: /b\n");
    assert_false(nw_robots_allowed(r, "/a"));
    assert_true(nw_robots_allowed(r, "/b"));
    nw_robots_destroy(r);
}

static void test_groups_merge(void **state)
{
    /* Several user-agent lines share one group; two groups for us are merged. */
    struct nw_robots *r = parse("User-agent: foo\nUser-agent: newsworker\nDisallow: /one\n"
                                "\nUser-agent: bar\nDisallow: /bar\n"
                                "\nUser-agent: newsworker\nDisallow: /two\n");

    (void)state;
    assert_false(nw_robots_allowed(r, "/one"));
    assert_false(nw_robots_allowed(r, "/two"));
    assert_true(nw_robots_allowed(r, "/bar"));
    nw_robots_destroy(r);
}

static void test_longest_match_and_ties(void **state)
{
    struct nw_robots *r = parse("User-agent: *\n"
                                "Disallow: /news/\n"
                                "Allow: /news/public/\n"
                                "Allow: /page\n"
                                "Disallow: /page\n"
                                "Disallow: /a/b\n"
                                "Allow: /a\n");

    (void)state;
    assert_false(nw_robots_allowed(r, "/news/x"));
    assert_true(nw_robots_allowed(r, "/news/public/x"));
    assert_true(nw_robots_allowed(r, "/page")); /* a tie: allow wins */
    assert_true(nw_robots_allowed(r, "/page2"));
    assert_false(nw_robots_allowed(r, "/a/b/c")); /* longer disallow beats shorter allow */
    assert_true(nw_robots_allowed(r, "/a/c"));
    nw_robots_destroy(r);
}

static void test_wildcards(void **state)
{
    struct nw_robots *r = parse("User-agent: *\n"
                                "Disallow: /*.pdf$\n"
                                "Disallow: /*?sessionid=\n"
                                "Disallow: /x*y*z\n"
                                "Allow: /exact$\n"
                                "Disallow: /exact\n");

    (void)state;
    assert_false(nw_robots_allowed(r, "/doc/file.pdf"));
    assert_true(nw_robots_allowed(r, "/doc/file.pdf?download=1")); /* $ anchors the end */
    assert_true(nw_robots_allowed(r, "/doc/file.pdfx"));
    assert_false(nw_robots_allowed(r, "/a/b?sessionid=42"));
    assert_true(nw_robots_allowed(r, "/a/b?session=42"));
    assert_false(nw_robots_allowed(r, "/x-1-y-2-z-3"));
    assert_true(nw_robots_allowed(r, "/x-1-z-2-y"));
    assert_true(nw_robots_allowed(r, "/exact"));    /* "/exact$" (7 octets) beats "/exact" */
    assert_false(nw_robots_allowed(r, "/exactly")); /* only "/exact" matches */
    nw_robots_destroy(r);
}

static void test_wildcard_no_backtracking(void **state)
{
    /* A pattern built to make a backtracking matcher take exponential time. */
    char text[9000], path[4096];
    size_t n = 0;
    struct nw_robots *r;

    (void)state;
    n += (size_t)snprintf(text + n, sizeof(text) - n, "User-agent: *\nDisallow: /");
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "a*");
    snprintf(text + n, sizeof(text) - n, "b$\n");
    memset(path, 'a', sizeof(path) - 1);
    path[0] = '/';
    path[sizeof(path) - 1] = '\0';
    r = parse(text);
    assert_true(nw_robots_allowed(r, path));
    path[sizeof(path) - 2] = 'b';
    assert_false(nw_robots_allowed(r, path));
    nw_robots_destroy(r);
}

static void test_percent_encoding(void **state)
{
    /* The same octets percent-encoded differently, or raw UTF-8 in the file. */
    struct nw_robots *r = parse("User-agent: *\nDisallow: /caf\xc3\xa9/\nDisallow: /a%2fb\n");

    (void)state;
    assert_false(nw_robots_allowed(r, "/caf%C3%A9/menu"));
    assert_false(nw_robots_allowed(r, "/caf%c3%a9/menu"));
    assert_false(nw_robots_allowed(r, "/a%2Fb"));
    assert_true(nw_robots_allowed(r, "/cafe/menu"));
    nw_robots_destroy(r);
}

static void test_syntax_tolerance(void **state)
{
    /* BOM, CR and CRLF line ends, comments, odd case and spacing, an empty Disallow,
     * rules before any user-agent line, unknown keys. */
    struct nw_robots *r = parse("\xEF\xBB\xBF"
                                "Disallow: /before-any-group\r\n"
                                "# a comment\r\n"
                                "USER-AGENT :  *   # us too\r"
                                "Host: example.com\n"
                                "disallow:/x  # trailing comment\n"
                                "Disallow:\n"
                                "Clean-param: ref /articles/\n"
                                "allow : /x/ok\n");

    (void)state;
    assert_true(nw_robots_allowed(r, "/before-any-group"));
    assert_false(nw_robots_allowed(r, "/x/1"));
    assert_true(nw_robots_allowed(r, "/x/ok/1"));
    assert_int_equal(nw_robots_rule_count(r), 2);
    nw_robots_destroy(r);
}

static void test_crawl_delay_and_sitemaps(void **state)
{
    struct nw_robots *r = parse("Sitemap: https://example.com/sitemap.xml\n"
                                "User-agent: *\nCrawl-delay: 10\nDisallow: /p/\n"
                                "Sitemap: https://example.com/news.xml\n"
                                "Disallow: /q/\n"
                                "\nUser-agent: otherbot\nCrawl-delay: 99\n");

    (void)state;
    assert_int_equal(nw_robots_crawl_delay_ms(r), 10000);
    assert_int_equal(nw_robots_sitemap_count(r), 2);
    assert_string_equal(nw_robots_sitemap(r, 0), "https://example.com/sitemap.xml");
    assert_string_equal(nw_robots_sitemap(r, 1), "https://example.com/news.xml");
    assert_null(nw_robots_sitemap(r, 2));
    /* A Sitemap line does not end the group: /q/ still belongs to '*'. */
    assert_false(nw_robots_allowed(r, "/q/1"));
    nw_robots_destroy(r);

    r = parse("User-agent: newsworker\nCrawl-delay: 0.5\n");
    assert_int_equal(nw_robots_crawl_delay_ms(r), 500);
    nw_robots_destroy(r);
    r = parse("User-agent: *\nCrawl-delay: soon\n");
    assert_int_equal(nw_robots_crawl_delay_ms(r), -1);
    nw_robots_destroy(r);
    r = parse("User-agent: *\nCrawl-delay: 99999999999999\n");
    assert_int_equal(nw_robots_crawl_delay_ms(r), NW_ROBOTS_MAX_DELAY_MS);
    nw_robots_destroy(r);
}

static void test_bounds(void **state)
{
    /* More than the size limit: rules past it are not read. Over-long lines are skipped. */
    size_t cap = NW_ROBOTS_MAX_BYTES + 65536, n = 0;
    char *text = malloc(cap + 1);
    struct nw_robots *r;

    (void)state;
    assert_non_null(text);
    n += (size_t)snprintf(text + n, cap - n, "User-agent: *\nDisallow: /");
    memset(text + n, 'x', NW_ROBOTS_MAX_LINE + 10);
    n += NW_ROBOTS_MAX_LINE + 10;
    n += (size_t)snprintf(text + n, cap - n, "\nDisallow: /kept\n");
    while (n < NW_ROBOTS_MAX_BYTES)
        n += (size_t)snprintf(text + n, cap - n, "# padding padding padding padding\n");
    n += (size_t)snprintf(text + n, cap - n, "Disallow: /beyond-the-limit\n");
    r = nw_robots_parse(text, n, UA);
    assert_non_null(r);
    assert_int_equal(nw_robots_rule_count(r), 1);
    assert_false(nw_robots_allowed(r, "/kept"));
    assert_true(nw_robots_allowed(r, "/beyond-the-limit"));
    assert_true(nw_robots_allowed(r, "/xxxx"));
    nw_robots_destroy(r);

    /* At most NW_ROBOTS_MAX_RULES rules. */
    n = (size_t)snprintf(text, cap, "User-agent: *\n");
    for (unsigned i = 0; i < NW_ROBOTS_MAX_RULES + 100 && n + 32 < cap; i++)
        n += (size_t)snprintf(text + n, cap - n, "Disallow: /r%u\n", i);
    r = nw_robots_parse(text, n, UA);
    assert_non_null(r);
    assert_int_equal(nw_robots_rule_count(r), NW_ROBOTS_MAX_RULES);
    nw_robots_destroy(r);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_allows_all),
        cmocka_unit_test(test_star_group),
        cmocka_unit_test(test_own_group_beats_star),
        cmocka_unit_test(test_groups_merge),
        cmocka_unit_test(test_longest_match_and_ties),
        cmocka_unit_test(test_wildcards),
        cmocka_unit_test(test_wildcard_no_backtracking),
        cmocka_unit_test(test_percent_encoding),
        cmocka_unit_test(test_syntax_tolerance),
        cmocka_unit_test(test_crawl_delay_and_sitemaps),
        cmocka_unit_test(test_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
