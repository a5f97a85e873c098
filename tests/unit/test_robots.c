/* test_robots.c — RFC 9309 robots.txt rules for our user agent. */
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

static struct nw_robots *parse(const char *txt, const char *ua)
{
    struct nw_robots *r = NULL;

    assert_int_equal(nw_robots_parse(txt, strlen(txt), ua, &r), NW_OK);
    assert_non_null(r);
    return r;
}

static void test_groups(void **state)
{
    const char *txt = "# comment\n"
                      "User-agent: otherbot\nDisallow: /\n\n"
                      "User-agent: *\nDisallow: /private/\nCrawl-delay: 9\n\n"
                      "User-agent: NewsWorker\nUser-agent: thirdbot\n"
                      "Disallow: /nw-only/\nCrawl-delay: 1.5\n"
                      "Sitemap: https://ex.test/sitemap.xml\n";
    struct nw_robots *r = parse(txt, UA);

    (void)state;
    assert_false(nw_robots_allowed(r, "/nw-only/x"));
    assert_true(nw_robots_allowed(r, "/private/x")); /* * group does not apply to us */
    assert_int_equal(nw_robots_crawl_delay_ms(r), 1500);
    assert_int_equal(nw_robots_sitemap_count(r), 1);
    assert_string_equal(nw_robots_sitemap(r, 0), "https://ex.test/sitemap.xml");
    nw_robots_destroy(r);

    r = parse(txt, "somebot/2.0");
    assert_false(nw_robots_allowed(r, "/private/x"));
    assert_true(nw_robots_allowed(r, "/nw-only/x"));
    assert_int_equal(nw_robots_crawl_delay_ms(r), 9000);
    assert_int_equal(nw_robots_sitemap_count(r), 1);
    nw_robots_destroy(r);
}

static void test_longest_match(void **state)
{
    const char *txt = "user-agent: *\n"
                      "disallow: /a\n"
                      "allow: /a/b\n"
                      "disallow: /a/b/c\n"
                      "allow: /x\n"
                      "disallow: /x\n"
                      "disallow: /*.pdf$\n"
                      "disallow: /img*/thumb\n"
                      "allow: /p$\n"
                      "disallow: /p\n"
                      "disallow:\n";
    struct nw_robots *r = parse(txt, UA);

    (void)state;
    assert_false(nw_robots_allowed(r, "/a"));
    assert_false(nw_robots_allowed(r, "/abc"));
    assert_true(nw_robots_allowed(r, "/a/b"));
    assert_true(nw_robots_allowed(r, "/a/bz"));
    assert_false(nw_robots_allowed(r, "/a/b/c/d"));
    assert_true(nw_robots_allowed(r, "/x/y")); /* tie: allow wins */
    assert_false(nw_robots_allowed(r, "/files/doc.pdf"));
    assert_true(nw_robots_allowed(r, "/files/doc.pdf?x=1"));
    assert_false(nw_robots_allowed(r, "/img2026/11/thumb.jpg"));
    assert_true(nw_robots_allowed(r, "/p"));
    assert_false(nw_robots_allowed(r, "/p/q"));
    assert_true(nw_robots_allowed(r, "/other"));
    assert_true(nw_robots_allowed(r, "https://ex.test/other"));
    assert_false(nw_robots_allowed(r, "https://ex.test/a?q"));
    assert_true(nw_robots_allowed(r, "/robots.txt"));
    assert_int_equal(nw_robots_crawl_delay_ms(r), -1);
    nw_robots_destroy(r);
}

static void test_percent_encoding(void **state)
{
    struct nw_robots *r = parse("User-agent: *\nDisallow: /%7Ejoe/\nDisallow: /a%2fb\n", UA);

    (void)state;
    assert_false(nw_robots_allowed(r, "/~joe/index.html"));
    assert_false(nw_robots_allowed(r, "/%7ejoe/"));
    assert_true(nw_robots_allowed(r, "/a/b")); /* %2F is reserved: not decoded */
    assert_false(nw_robots_allowed(r, "/a%2Fb"));
    nw_robots_destroy(r);
}

static void test_all(void **state)
{
    struct nw_robots *r = NULL;

    (void)state;
    assert_int_equal(nw_robots_create_all(0, &r), NW_OK);
    assert_false(nw_robots_allowed(r, "/"));
    assert_true(nw_robots_allowed(r, "/robots.txt"));
    nw_robots_destroy(r);
    assert_int_equal(nw_robots_create_all(1, &r), NW_OK);
    assert_true(nw_robots_allowed(r, "/anything"));
    nw_robots_destroy(r);
    r = parse("", UA);
    assert_true(nw_robots_allowed(r, "/"));
    nw_robots_destroy(r);
    r = parse("garbage\n\n:::\nuser-agent\nDisallow /x\n", UA);
    assert_true(nw_robots_allowed(r, "/x"));
    nw_robots_destroy(r);
    nw_robots_destroy(NULL);
}

static void test_pathological_pattern(void **state)
{
    /* Many stars against a long path stays polynomial and correct. */
    char txt[600], path[4100];
    struct nw_robots *r;

    (void)state;
    strcpy(txt, "User-agent: *\nDisallow: /");
    for (int i = 0; i < 100; i++)
        strcat(txt, "*a");
    strcat(txt, "b$\n");
    path[0] = '/';
    memset(path + 1, 'a', 4000);
    path[4001] = '\0';
    r = parse(txt, UA);
    assert_true(nw_robots_allowed(r, path));
    path[4000] = 'b';
    assert_false(nw_robots_allowed(r, path));
    nw_robots_destroy(r);
}

/* RFC 9309 2.1: only user-agent and rule lines structure groups. A Sitemap line or an
 * unrecognised line between a group's user-agent lines and its rules does not end them. */
static void test_group_lines(void **state)
{
    const char *txt = "User-agent: BarBot\n"
                      "Sitemap: https://ex.test/sitemap.xml\n"
                      "User-agent: *\n"
                      "Disallow: /\n";
    const char *txt2 = "User-agent: BarBot\n"
                       "Unknown-field: whatever\n"
                       "User-agent: newsworker\n"
                       "Disallow: /private/\n";
    struct nw_robots *r = parse(txt, "BarBot/1.0");

    (void)state;
    assert_false(nw_robots_allowed(r, "/"));
    assert_false(nw_robots_allowed(r, "/page"));
    assert_int_equal(nw_robots_sitemap_count(r), 1);
    nw_robots_destroy(r);
    r = parse(txt2, "BarBot/1.0");
    assert_false(nw_robots_allowed(r, "/private/x"));
    nw_robots_destroy(r);
    r = parse(txt2, UA);
    assert_false(nw_robots_allowed(r, "/private/x"));
    nw_robots_destroy(r);
}

/* A UTF-8 byte order mark before the first line, and CR-only line ends (RFC 9309 2.2's EOL
 * is CR, LF or CR LF). */
static void test_bom_and_cr(void **state)
{
    struct nw_robots *r = parse("\xEF\xBB\xBFUser-agent: *\nDisallow: /private/\n", UA);

    (void)state;
    assert_false(nw_robots_allowed(r, "/private/x"));
    assert_true(nw_robots_allowed(r, "/public"));
    nw_robots_destroy(r);
    r = parse("User-agent: *\rDisallow: /private/\rAllow: /private/ok\r", UA);
    assert_false(nw_robots_allowed(r, "/private/x"));
    assert_true(nw_robots_allowed(r, "/private/ok"));
    nw_robots_destroy(r);
    r = parse("User-agent: *\r\nDisallow: /a/\r\n\r\nUser-agent: other\rDisallow: /b/\r", UA);
    assert_false(nw_robots_allowed(r, "/a/x"));
    assert_true(nw_robots_allowed(r, "/b/x"));
    nw_robots_destroy(r);
}

/* RFC 9309 2.2.2: octets are compared with one encoding on both sides: non-ASCII rule paths
 * percent-encoded, hex case not significant. */
static void test_percent_forms(void **state)
{
    struct nw_robots *r = parse("User-agent: *\nDisallow: /\nAllow: /foo/bar/\xE3\x83\x84\n"
                                "Allow: /a%3cb\nAllow: /%7Ejoe/\n",
                                UA);

    (void)state;
    assert_true(nw_robots_allowed(r, "/foo/bar/%E3%83%84"));
    assert_true(nw_robots_allowed(r, "/foo/bar/%e3%83%84"));
    assert_true(nw_robots_allowed(r, "/foo/bar/\xE3\x83\x84"));
    assert_false(nw_robots_allowed(r, "/foo/bar/%E3%83%85"));
    assert_true(nw_robots_allowed(r, "/a%3Cb"));
    assert_true(nw_robots_allowed(r, "/~joe/x"));
    assert_false(nw_robots_allowed(r, "/a/b"));
    nw_robots_destroy(r);
    /* A reserved character and its escape differ: "/a%2Fb" is not "/a/b". */
    r = parse("User-agent: *\nDisallow: /a/b\n", UA);
    assert_true(nw_robots_allowed(r, "/a%2Fb"));
    assert_false(nw_robots_allowed(r, "/a/b"));
    nw_robots_destroy(r);
}

/* RFC 9309 2.5: a file over the limit is parsed up to at least 500 KiB; a line cut by the
 * limit is not read as a shorter rule. */
static void test_over_limit(void **state)
{
    size_t size = 700 * 1024, n = 0;
    char *txt = malloc(size + 1);
    struct nw_robots *r = NULL;
    const char *tail = "Disallow: /abcdefghij\n";

    (void)state;
    assert_non_null(txt);
    n += (size_t)snprintf(txt, size, "User-agent: *\nDisallow: /early/\n");
    while (n < NW_ROBOTS_MAX_BYTES - 13 - 100)
        n += (size_t)snprintf(txt + n, size - n, "# filler line\n");
    /* A comment line up to 13 bytes before the bound, then a rule that crosses it: its
     * start "Disallow: /ab" is inside. */
    memset(txt + n, '#', NW_ROBOTS_MAX_BYTES - 13 - 1 - n);
    n = NW_ROBOTS_MAX_BYTES - 13;
    txt[n - 1] = '\n';
    memcpy(txt + n, tail, strlen(tail));
    n += strlen(tail);
    while (n < size - 40)
        n += (size_t)snprintf(txt + n, size - n, "Disallow: /late/\n");
    assert_int_equal(nw_robots_parse(txt, n, UA, &r), NW_OK);
    assert_false(nw_robots_allowed(r, "/early/x"));
    assert_true(nw_robots_allowed(r, "/abcX"));
    assert_true(nw_robots_allowed(r, "/late/x"));
    nw_robots_destroy(r);
    free(txt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_longest_match),
        cmocka_unit_test(test_percent_encoding),
        cmocka_unit_test(test_all),
        cmocka_unit_test(test_pathological_pattern),
        cmocka_unit_test(test_group_lines),
        cmocka_unit_test(test_bom_and_cr),
        cmocka_unit_test(test_percent_forms),
        cmocka_unit_test(test_over_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
