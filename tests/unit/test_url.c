/* test_url.c — normal form, canonical form without tracking, resolution, hostile URLs. */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "mem.h"
#include "url.h"

typedef enum nw_status url_fn(const char *, char **);

static void expect_url(url_fn *fn, const char *in, const char *want)
{
    char *out = NULL;

    assert_int_equal(fn(in, &out), NW_OK);
    assert_non_null(out);
    assert_string_equal(out, want);
    nw_free(out);
}

static void expect_fail(url_fn *fn, const char *in, enum nw_status want)
{
    char *out = (char *)"untouched";

    assert_int_equal(fn(in, &out), want);
    assert_string_equal(out, "untouched");
}

static void test_normalize(void **state)
{
    (void)state;
    expect_url(nw_url_normalize, "HTTP://WWW.Example.COM", "http://www.example.com/");
    expect_url(nw_url_normalize, "https://Example.com:443/a/./b/../c?x=1#frag",
               "https://example.com/a/c?x=1");
    expect_url(nw_url_normalize, "http://example.com:80/", "http://example.com/");
    expect_url(nw_url_normalize, "http://example.com:8080/", "http://example.com:8080/");
    expect_url(nw_url_normalize, "file:///tmp/a.html", "file:///tmp/a.html");
    /* tracking parameters stay in the normal form */
    expect_url(nw_url_normalize, "https://a.com/?utm_source=x", "https://a.com/?utm_source=x");
}

static void test_canonicalize_strips_tracking(void **state)
{
    (void)state;
    expect_url(nw_url_canonicalize,
               "https://News.Example.com/story?utm_source=rss&utm_medium=feed&id=42"
               "&UTM_Campaign=x&fbclid=abc&gclid=1&page=2#comments",
               "https://news.example.com/story?id=42&page=2");
    expect_url(nw_url_canonicalize, "https://a.com/p?fbclid=1", "https://a.com/p");
    expect_url(nw_url_canonicalize,
               "https://a.com/p?msclkid=1&dclid=2&mc_cid=3&mc_eid=4&igshid=5&yclid=6&_ga=7",
               "https://a.com/p");
    expect_url(nw_url_canonicalize, "https://a.com/p?b=2&a=1&utm_term=z",
               "https://a.com/p?b=2&a=1");
    /* look-alikes are content, not tracking */
    expect_url(nw_url_canonicalize, "https://a.com/p?utm=1&utm_=2&ref=home&gclidx=3",
               "https://a.com/p?utm=1&utm_=2&ref=home&gclidx=3");
    expect_url(nw_url_canonicalize, "https://a.com/p?&&id=1&", "https://a.com/p?id=1");
    expect_url(nw_url_canonicalize, "https://a.com/p?flag&utm_source", "https://a.com/p?flag");
}

static void test_scheme_and_host(void **state)
{
    (void)state;
    expect_url(nw_url_host, "https://WWW.Example.COM:8443/x", "www.example.com");
    expect_url(nw_url_scheme, "HTTPS://a.com/", "https");
    expect_url(nw_url_host, "http://[::1]:8080/", "[::1]");
    expect_fail(nw_url_host, "file:///etc/hosts", NW_EINVAL);
}

static void test_rejects(void **state)
{
    static char huge[20000];

    (void)state;
    expect_fail(nw_url_normalize, "ftp://example.com/file", NW_EUNSUPPORTED);
    expect_fail(nw_url_normalize, "javascript:alert(1)", NW_EINVAL);
    expect_fail(nw_url_normalize, "mailto:a@b.c", NW_EINVAL);
    expect_fail(nw_url_normalize, "/relative/path", NW_EINVAL);
    expect_fail(nw_url_normalize, "", NW_EINVAL);
    expect_fail(nw_url_normalize, NULL, NW_EINVAL);
    expect_fail(nw_url_normalize, "http://exa mple.com/", NW_EINVAL);
    expect_fail(nw_url_normalize, "http://example.com/a b", NW_EINVAL);
    expect_fail(nw_url_normalize, " http://example.com/", NW_EINVAL);
    expect_fail(nw_url_normalize, "http://example.com/\r\nX-Injected: 1", NW_EINVAL);
    expect_fail(nw_url_normalize, "http://example.com/\x01", NW_EINVAL);
    expect_fail(nw_url_normalize, "http://example.com/\x7f", NW_EINVAL);
    expect_fail(nw_url_normalize, "http://", NW_EINVAL);
    expect_fail(nw_url_canonicalize, "gopher://example.com/", NW_EUNSUPPORTED);
    expect_fail(nw_url_canonicalize, "data:text/html,<p>x</p>", NW_EINVAL);
    memcpy(huge, "http://example.com/", 19);
    memset(huge + 19, 'a', sizeof(huge) - 20);
    expect_fail(nw_url_normalize, huge, NW_EINVAL);
    expect_fail(nw_url_canonicalize, huge, NW_EINVAL);
    expect_fail(nw_url_host, huge, NW_EINVAL);
}

static void test_hostile_but_parsable(void **state)
{
    char *out = NULL;
    enum nw_status r;

    (void)state;
    /* non-ASCII bytes (UTF-8 path, even invalid UTF-8): an error or a URL, never a crash */
    r = nw_url_normalize("http://example.com/caf\xC3\xA9?q=\xFF", &out);
    assert_true(r == NW_OK || r == NW_EINVAL);
    if (r == NW_OK) {
        assert_non_null(out);
        assert_memory_equal(out, "http://example.com/", 19);
    }
    nw_free(out);
    out = NULL;
    r = nw_url_canonicalize("http://user:pass@EXAMPLE.com:99999999/", &out);
    assert_true(r == NW_OK || r == NW_EINVAL);
    nw_free(out);
}

static void resolve(const char *base, const char *ref, const char *want)
{
    char *out = NULL;

    assert_int_equal(nw_url_resolve(base, ref, &out), NW_OK);
    assert_string_equal(out, want);
    nw_free(out);
}

static void test_resolve(void **state)
{
    char *out = NULL;

    (void)state;
    resolve("https://a.com/news/2026/story.html", "other.html",
            "https://a.com/news/2026/other.html");
    resolve("https://a.com/news/2026/story.html", "../x", "https://a.com/news/x");
    resolve("https://a.com/news/2026/story.html", "/abs", "https://a.com/abs");
    resolve("https://a.com/news/story.html", "//cdn.b.com/i.jpg", "https://cdn.b.com/i.jpg");
    resolve("https://a.com/news/story.html", "?page=2", "https://a.com/news/story.html?page=2");
    resolve("https://a.com/news/story.html", "https://B.com/x", "https://b.com/x");
    resolve("https://a.com/n/s.html", "with space.html", "https://a.com/n/with%20space.html");
    /* as browsers: surrounding white space trimmed, newlines inside dropped */
    resolve("https://a.com/n/s.html", "  \n /canon\n/ical \t", "https://a.com/canon/ical");
    /* schemes we cannot use */
    assert_int_equal(nw_url_resolve("https://a.com/", "ftp://b.com/x", &out), NW_EUNSUPPORTED);
    assert_int_not_equal(nw_url_resolve("https://a.com/", "javascript:alert(1)", &out), NW_OK);
    assert_int_not_equal(nw_url_resolve("https://a.com/", "mailto:x@y.z", &out), NW_OK);
    assert_int_equal(nw_url_resolve("https://a.com/",
                                    "/a\x01"
                                    "b",
                                    &out),
                     NW_EINVAL);
    assert_int_equal(nw_url_resolve("not a url", "/x", &out), NW_EINVAL);
    assert_int_equal(nw_url_resolve("https://a.com/", NULL, &out), NW_EINVAL);
    assert_null(out);
}

static void test_from_path(void **state)
{
    char *out = NULL;

    (void)state;
    assert_int_equal(nw_url_from_path("/tmp/a b/c%d.html", &out), NW_OK);
    assert_string_equal(out, "file:///tmp/a%20b/c%25d.html");
    nw_free(out);
    assert_int_equal(nw_url_from_path("rel/x.html", &out), NW_OK);
    assert_memory_equal(out, "file:///", 8);
    assert_non_null(strstr(out, "/rel/x.html"));
    nw_free(out);
}

static void test_userinfo(void **state)
{
    char *out = NULL;
    (void)state;
    assert_true(nw_url_has_userinfo("http://user:pass@example.com/a"));
    assert_true(nw_url_has_userinfo("https://user@example.com"));
    assert_true(nw_url_has_userinfo("http://a@b:c@example.com:8080/?x=@"));
    assert_false(nw_url_has_userinfo("http://example.com/a@b"));
    assert_false(nw_url_has_userinfo("http://example.com?u=a@b"));
    assert_false(nw_url_has_userinfo("not a url @ all"));
    assert_int_equal(nw_url_strip_userinfo("http://user:pass@example.com/a@b", &out), NW_OK);
    assert_string_equal(out, "http://example.com/a@b");
    nw_free(out);
    assert_int_equal(nw_url_strip_userinfo("http://a@b:c@example.com:8080/?x=@", &out), NW_OK);
    assert_string_equal(out, "http://example.com:8080/?x=@");
    nw_free(out);
    assert_int_equal(nw_url_strip_userinfo("https://example.com/", &out), NW_OK);
    assert_string_equal(out, "https://example.com/");
    nw_free(out);
}

/* fetchable URL, or "!code: message" */
static char *fetchable(const char *url, int allow_file)
{
    static char got[600];
    char errstr[512] = "", *out = NULL;
    const char *code = NULL;
    enum nw_status result = nw_url_fetchable(url, allow_file, &out, &code, errstr, sizeof(errstr));

    if (result == NW_OK) {
        assert_non_null(out);
        snprintf(got, sizeof(got), "%s", out);
        nw_free(out);
    } else {
        assert_null(out);
        snprintf(got, sizeof(got), "!%s: %s", code, errstr);
    }
    return got;
}

/* One URL policy for every command: length, userinfo, scheme, IDN. */
static void test_fetchable(void **state)
{
    char *longurl;
    (void)state;
    assert_string_equal(fetchable("http://example.com/a?b=c", 0), "http://example.com/a?b=c");
    /* an internationalised host goes out in its ASCII form; the rest stays as given */
    assert_string_equal(fetchable("http://b\xc3\xbc"
                                  "cher.example/x?q=1",
                                  0),
                        "http://xn--bcher-kva.example/x?q=1");
    assert_string_equal(fetchable("https://B\xc3\x9c"
                                  "CHER.example:8443/",
                                  0),
                        "https://xn--bcher-kva.example:8443/");
    /* fullwidth letters map to ASCII (UTS 46): the address check still sees what it is */
    assert_string_equal(
        fetchable("http://\xef\xbd\x8c\xef\xbd\x8f\xef\xbd\x83\xef\xbd\x81"
                  "\xef\xbd\x8c\xef\xbd\x88\xef\xbd\x8f\xef\xbd\x93\xef\xbd\x94:81/",
                  0),
        "http://localhost:81/");
    assert_string_equal(fetchable("http://xn--bcher-kva.example/", 0),
                        "http://xn--bcher-kva.example/");
    /* a host that is not valid UTF-8 / IDNA is refused, saying so */
    assert_non_null(strstr(fetchable("http://b\xff"
                                     "cher.example/",
                                     0),
                           "!invalid_url: host name of"));
    /* a character UTS 46 maps to ASCII no host may hold (full-width comma to ',', found by
     * fuzz_url) is refused, not sent on as a URL that does not parse */
    assert_non_null(strstr(fetchable("https://\xef\xbc\x8c_/", 0), "!invalid_url: host name of"));
    assert_non_null(strstr(fetchable("https://a\xef\xbc\x8c"
                                     "b.example/",
                                     0),
                           "!invalid_url: host name of"));
    /* ... and so is one whose mapping would move the host: a full-width solidus or
     * commercial at becomes '/' or '@' ("a/b.example" would fetch from "a") */
    assert_non_null(strstr(fetchable("https://a\xef\xbc\x8f"
                                     "b.example/x",
                                     0),
                           "!invalid_url: host name of"));
    assert_non_null(strstr(fetchable("https://evil\xef\xbc\xa0"
                                     "bank.example/",
                                     0),
                           "!invalid_url: host name of"));
    /* credentials are refused and never repeated */
    assert_string_equal(fetchable("http://user:s3cret@example.com/feed", 0),
                        "!invalid_url: user name or password in the URL (not sent): "
                        "http://example.com/feed");
    assert_null(strstr(fetchable("https://u:s3cret@[::1]/", 0), "s3cret"));
    /* userinfo the URL parser finds where the string check sees no authority (one slash,
     * found by fuzz_url): refused all the same, the password not repeated */
    assert_string_equal(fetchable("https:/user:s3cret@example.com:8080/a", 0),
                        "!invalid_url: user name or password in the URL (not sent): "
                        "https://example.com:8080/a");
    assert_null(
        strstr(fetchable("https:/*u:s3cret@\xef\xbd\x8c\xef\xbd\x8f.example/", 0), "s3cret"));
    /* schemes */
    assert_non_null(strstr(fetchable("ftp://example.com/", 0), "!denied_scheme:"));
    assert_non_null(strstr(fetchable("file:///etc/passwd", 0), "!denied_scheme: file URLs"));
    assert_string_equal(fetchable("file:///tmp/x.html", 1), "file:///tmp/x.html");
    assert_non_null(strstr(fetchable("example.com/a", 0), "!invalid_url: 'example.com/a' is not"));
    assert_non_null(strstr(fetchable("http://exa mple.com/", 0), "!invalid_url: URL has a space"));
    assert_string_equal(fetchable("", 0), "!invalid_url: empty URL");
    /* the parser's verdict where the quick path does not decide */
    assert_string_equal(fetchable("HTTPS://Example.COM:443", 0), "HTTPS://Example.COM:443");
    assert_string_equal(fetchable("http://[::1]:8080/x", 0), "http://[::1]:8080/x");
    assert_non_null(strstr(fetchable("http://example.com:99999/", 0), "!invalid_url:"));
    assert_non_null(strstr(fetchable("http://[zz]/", 0), "!invalid_url:"));
    /* the length limit says what is wrong */
    longurl = nw_malloc(9024);
    assert_non_null(longurl);
    memcpy(longurl, "http://example.com/", 19);
    memset(longurl + 19, 'a', 9023 - 19);
    longurl[9023] = '\0';
    assert_string_equal(fetchable(longurl, 0),
                        "!invalid_url: URL is 9023 bytes, over the 8192-byte limit");
    longurl[NW_URL_MAX_BYTES] = '\0';
    {
        char errstr[128], *out = NULL;
        const char *code = NULL;
        assert_int_equal(nw_url_fetchable(longurl, 0, &out, &code, errstr, sizeof(errstr)), NW_OK);
        assert_string_equal(out, longurl);
        nw_free(out);
    }
    nw_free(longurl);
}

/* Each code point up to U+33FF and from U+F900 to U+FFFF, where the compatibility and
 * full-width forms that UTS 46 maps to ASCII are; every 13th in the CJK blocks between,
 * every 97th above the BMP. */
static unsigned long every_code_point_step(unsigned long cp)
{
    if (cp < 0x3400 || (cp >= 0xF900 && cp < 0x10000))
        return 1;
    return cp < 0x10000 ? 13 : 97;
}

/* Code points inside a host, one at a time ("https://a<cp>b.example/x?q=1"): a URL that
 * is fetchable keeps its path and query, its host is ASCII letters, digits, '-', '.' and
 * '_' (UTS 46 must not turn it into '/', '@', ':' or ','), and it is fetchable as it is;
 * one that is not is refused as an invalid URL. */
static void test_fetchable_every_code_point(void **state)
{
    unsigned long checked = 0, refused = 0;
    (void)state;
    for (unsigned long cp = 0x80; cp <= 0x10FFFF; cp += every_code_point_step(cp)) {
        char url[32], errstr[256], *out = NULL, *again = NULL;
        const char *code = NULL, *p;
        utf8proc_uint8_t u[4];
        utf8proc_ssize_t n;

        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        n = utf8proc_encode_char((utf8proc_int32_t)cp, u);
        snprintf(url, sizeof(url), "https://a%.*sb.example/x?q=1", (int)n, (const char *)u);
        checked++;
        if (nw_url_fetchable(url, 0, &out, &code, errstr, sizeof(errstr)) != NW_OK) {
            assert_null(out);
            assert_string_equal(code, "invalid_url");
            refused++;
            continue;
        }
        assert_memory_equal(out, "https://", 8);
        for (p = out + 8; isalnum((unsigned char)*p) || *p == '-' || *p == '.' || *p == '_'; p++)
            ;
        if (strcmp(p, "/x?q=1") != 0)
            fail_msg("U+%04lX: %s gave %s", cp, url, out);
        assert_int_equal(nw_url_fetchable(out, 0, &again, &code, errstr, sizeof(errstr)), NW_OK);
        assert_string_equal(again, out);
        nw_free(again);
        nw_free(out);
    }
    assert_true(checked > 25000);
    assert_true(refused > 0 && refused < checked);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_userinfo),
        cmocka_unit_test(test_canonicalize_strips_tracking),
        cmocka_unit_test(test_scheme_and_host),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_hostile_but_parsable),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_from_path),
        cmocka_unit_test(test_fetchable),
        cmocka_unit_test(test_fetchable_every_code_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
