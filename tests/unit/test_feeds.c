/* test_feeds.c — RSS, RDF, Atom, JSON Feed, sitemaps, robots.txt and HTML discovery. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <stdio.h>
#include <zlib.h>

#include "feeds.h"
#include "mem.h"

static const struct nw_feed_limits lim = {1 << 20, 100, 20};

static struct nw_feed *parse(const char *doc, const char *base, const char *ctype)
{
    struct nw_feed *f = NULL;
    char err[256] = "";

    assert_int_equal(nw_feed_parse(doc, strlen(doc), base, ctype, &lim, &f, err, sizeof(err)),
                     NW_OK);
    assert_non_null(f);
    return f;
}

/* Item dates keep the offset the feed wrote (RFC 3339), as published_at keeps the page's:
 * the day a source states is the day in the job. */
static void test_rss2(void **state)
{
    const char *doc =
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\" "
        "xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>"
        "<title> Example  News </title><link>https://ex.test/</link><ttl>15</ttl>"
        "<image><url>https://ex.test/logo.png</url><title>logo</title></image>"
        "<item><title>First &amp; foremost</title><link>https://ex.test/a/1</link>"
        "<guid isPermaLink=\"false\">id-1</guid>"
        "<pubDate>Mon, 30 Nov 2026 05:00:00 +0100</pubDate></item>"
        "<item><title><![CDATA[Second <b>bold</b>]]></title><link> /a/2 </link>"
        "<dc:date>2026-11-29T10:00:00Z</dc:date></item>"
        "<item><guid>https://ex.test/a/3</guid></item>"
        "<item><title>no link at all</title><guid isPermaLink=\"false\">x</guid></item>"
        "</channel></rss>";
    struct nw_feed *f = parse(doc, "https://ex.test/feed.xml", NULL);

    (void)state;
    assert_int_equal(f->kind, NW_FEED_RSS);
    assert_string_equal(f->title, "Example News");
    assert_int_equal(f->update_s, 15 * 60);
    assert_int_equal(f->n_items, 3);
    assert_string_equal(f->items[0].url, "https://ex.test/a/1");
    assert_string_equal(f->items[0].guid, "id-1");
    assert_string_equal(f->items[0].title, "First & foremost");
    assert_string_equal(f->items[0].date, "2026-11-30T05:00:00+01:00");
    assert_string_equal(f->items[1].url, "https://ex.test/a/2");
    assert_string_equal(f->items[1].title, "Second <b>bold</b>");
    assert_string_equal(f->items[1].date, "2026-11-29T10:00:00Z");
    assert_null(f->items[1].guid);
    assert_string_equal(f->items[2].url, "https://ex.test/a/3");
    nw_feed_destroy(f);
}

static void test_sy_update(void **state)
{
    const char *doc = "<rss xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\"><channel>"
                      "<sy:updatePeriod>hourly</sy:updatePeriod>"
                      "<sy:updateFrequency>4</sy:updateFrequency>"
                      "<item><link>http://ex.test/x</link></item></channel></rss>";
    struct nw_feed *f = parse(doc, "http://ex.test/", NULL);

    (void)state;
    assert_int_equal(f->update_s, 900);
    nw_feed_destroy(f);
}

static void test_rdf(void **state)
{
    const char *doc =
        "<?xml version=\"1.0\"?><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
        "xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
        "<channel rdf:about=\"http://ex.test/\"><title>RDF site</title></channel>"
        "<item rdf:about=\"http://ex.test/r/1\"><title>One</title><link>http://ex.test/r/1</link>"
        "<dc:date>2026-01-02</dc:date></item>"
        "<item rdf:about=\"http://ex.test/r/2\"><title>Two</title></item></rdf:RDF>";
    struct nw_feed *f = parse(doc, "http://ex.test/index.rdf", NULL);

    (void)state;
    assert_int_equal(f->kind, NW_FEED_RDF);
    assert_string_equal(f->title, "RDF site");
    assert_int_equal(f->n_items, 2);
    assert_string_equal(f->items[0].date, "2026-01-02T00:00:00Z");
    assert_string_equal(f->items[1].url, "http://ex.test/r/2");
    nw_feed_destroy(f);
}

static void test_atom(void **state)
{
    const char *doc =
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://ex.test/blog/\">"
        "<title type=\"text\">Atom blog</title>"
        "<entry><title>E1</title><id>urn:uuid:1</id>"
        "<link rel=\"edit\" href=\"https://ex.test/edit/1\"/>"
        "<link rel=\"alternate\" type=\"text/html\" href=\"posts/1\"/>"
        "<updated>2026-11-01T00:00:00Z</updated><published>2026-10-31T23:00:00-01:00</published>"
        "</entry>"
        "<entry><title>E2</title><id>https://ex.test/p/2</id><updated>2026-11-02T00:00:00Z</"
        "updated>"
        "</entry>"
        "<entry><title>no url</title><id>tag:ex.test,2026:3</id></entry></feed>";
    struct nw_feed *f = parse(doc, "https://ex.test/atom.xml", NULL);

    (void)state;
    assert_int_equal(f->kind, NW_FEED_ATOM);
    assert_string_equal(f->title, "Atom blog");
    assert_int_equal(f->n_items, 2);
    assert_string_equal(f->items[0].url, "https://ex.test/blog/posts/1");
    assert_string_equal(f->items[0].guid, "urn:uuid:1");
    assert_string_equal(f->items[0].date, "2026-10-31T23:00:00-01:00");
    assert_string_equal(f->items[1].url, "https://ex.test/p/2");
    nw_feed_destroy(f);
}

static void test_json_feed(void **state)
{
    const char *doc = "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"JF\","
                      "\"items\": [{\"id\": \"1\", \"url\": \"https://ex.test/j/1\", \"title\": "
                      "\"J one\", \"date_published\": \"2026-11-30T01:02:03+00:00\"},"
                      "{\"id\": \"2\", \"external_url\": \"/j/2\"}, {\"id\": \"3\"}, 7]}";
    struct nw_feed *f = parse(doc, "https://ex.test/feed.json", NULL);

    (void)state;
    assert_int_equal(f->kind, NW_FEED_JSON);
    assert_string_equal(f->title, "JF");
    assert_int_equal(f->n_items, 2);
    assert_string_equal(f->items[0].date, "2026-11-30T01:02:03Z");
    assert_string_equal(f->items[1].url, "https://ex.test/j/2");
    nw_feed_destroy(f);
}

static const char *news_sitemap =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
    "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">"
    "<url><loc>https://ex.test/n/1</loc><news:news><news:publication>"
    "<news:name>Ex</news:name><news:language>en</news:language></news:publication>"
    "<news:publication_date>2026-11-30T06:00:00+02:00</news:publication_date>"
    "<news:title>Headline one</news:title></news:news></url>"
    "<url><loc>https://ex.test/n/2</loc><lastmod>2026-11-29</lastmod></url>"
    "</urlset>";

static void test_news_sitemap(void **state)
{
    struct nw_feed *f = parse(news_sitemap, "https://ex.test/sitemap.xml", NULL);

    (void)state;
    assert_int_equal(f->kind, NW_FEED_URLSET);
    assert_int_equal(f->n_items, 2);
    assert_string_equal(f->items[0].title, "Headline one");
    assert_string_equal(f->items[0].date, "2026-11-30T06:00:00+02:00");
    assert_string_equal(f->items[1].date, "2026-11-29T00:00:00Z");
    nw_feed_destroy(f);
}

static void test_gzip_sitemap(void **state)
{
    unsigned char gz[4096];
    z_stream zs = {0};
    struct nw_feed *f = NULL;
    char err[256];

    (void)state;
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (unsigned char *)news_sitemap;
    zs.avail_in = (unsigned)strlen(news_sitemap);
    zs.next_out = gz;
    zs.avail_out = sizeof(gz);
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    deflateEnd(&zs);
    assert_int_equal(nw_feed_parse((char *)gz, zs.total_out, "https://ex.test/s.xml.gz", NULL, &lim,
                                   &f, err, sizeof(err)),
                     NW_OK);
    assert_int_equal(f->n_items, 2);
    nw_feed_destroy(f);
    /* Inflating past the bound is refused. */
    {
        struct nw_feed_limits small = {200, 100, 20};
        assert_int_equal(nw_feed_parse((char *)gz, zs.total_out, "https://ex.test/s.xml.gz", NULL,
                                       &small, &f, err, sizeof(err)),
                         NW_ETOOBIG);
        assert_null(f);
    }
}

static void test_sitemap_index(void **state)
{
    const char *doc = "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                      "<sitemap><loc>https://ex.test/s1.xml</loc></sitemap>"
                      "<sitemap><loc>/s2.xml.gz</loc><lastmod>2026-01-01</lastmod></sitemap>"
                      "<sitemap><loc>https://ex.test/s1.xml</loc></sitemap>"
                      "<sitemap><loc>javascript:alert(1)</loc></sitemap>"
                      "</sitemapindex>";
    struct nw_feed *f = parse(doc, "https://ex.test/index.xml", NULL);

    (void)state;
    assert_int_equal(f->kind, NW_FEED_SITEMAPINDEX);
    assert_int_equal(f->n_items, 0);
    assert_int_equal(f->n_links, 2);
    assert_string_equal(f->links[0], "https://ex.test/s1.xml");
    assert_string_equal(f->links[1], "https://ex.test/s2.xml.gz");
    nw_feed_destroy(f);
}

static void test_robots_sitemaps(void **state)
{
    const char *doc = "User-agent: *\nDisallow: /private/\n"
                      "Sitemap: https://ex.test/news-sitemap.xml\nsitemap:/relative.xml # c\n";
    struct nw_feed *f = parse(doc, "https://ex.test/robots.txt", "text/plain");

    (void)state;
    assert_int_equal(f->kind, NW_FEED_ROBOTS);
    assert_int_equal(f->n_links, 2);
    assert_string_equal(f->links[0], "https://ex.test/news-sitemap.xml");
    assert_string_equal(f->links[1], "https://ex.test/relative.xml");
    nw_feed_destroy(f);
}

static void test_html_discovery(void **state)
{
    const char *doc =
        "<!DOCTYPE html><html><head><title>Home</title>"
        "<link rel=\"stylesheet\" href=\"/s.css\">"
        "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"RSS\" href=\"/rss.xml\">"
        "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"https://ex.test/atom\">"
        "<link rel=\"Alternate\" type=\"application/feed+json\" href=\"feed.json\">"
        "<link rel=\"alternate\" hreflang=\"de\" href=\"/de/\">"
        "</head><body><p>hi</body></html>";
    struct nw_feed *f = parse(doc, "https://ex.test/news/", "text/html");

    (void)state;
    assert_int_equal(f->kind, NW_FEED_HTML);
    assert_int_equal(f->n_links, 3);
    assert_string_equal(f->links[0], "https://ex.test/rss.xml");
    assert_string_equal(f->links[1], "https://ex.test/atom");
    assert_string_equal(f->links[2], "https://ex.test/news/feed.json");
    nw_feed_destroy(f);
}

static void test_malformed_recovers(void **state)
{
    /* Unclosed tags, a stray ampersand, an undeclared prefix: recovery keeps what it can. */
    const char *doc = "<rss><channel><title>Broken & co</title>"
                      "<item><title>ok</title><link>http://ex.test/ok</link></item>"
                      "<item><title>half<link>http://ex.test/half</link>";
    struct nw_feed *f = parse(doc, "http://ex.test/", NULL);

    (void)state;
    assert_int_equal(f->kind, NW_FEED_RSS);
    assert_true(f->n_items >= 1);
    assert_string_equal(f->items[0].url, "http://ex.test/ok");
    nw_feed_destroy(f);
}

static void test_entities_not_expanded(void **state)
{
    /* A billion-laughs document: no expansion, no external entity read, bounded time. */
    const char *doc = "<?xml version=\"1.0\"?><!DOCTYPE rss ["
                      "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">"
                      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                      "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
                      "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
                      "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
                      "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"
                      "<!ENTITY x SYSTEM \"file:///etc/passwd\">"
                      "]><rss><channel><title>&f;</title><item><title>&x;</title>"
                      "<link>http://ex.test/e</link></item></channel></rss>";
    struct nw_feed *f = NULL;
    char err[256];
    enum nw_status r;

    (void)state;
    /* libxml2 stops at the amplification (recovery keeps what came before it) or keeps the
     * references unexpanded; either way no text holds the expansion or the file. */
    r = nw_feed_parse(doc, strlen(doc), "http://ex.test/", NULL, &lim, &f, err, sizeof(err));
    assert_true(r == NW_OK || r == NW_EPARSE);
    if (f) {
        assert_true(f->title == NULL || strlen(f->title) < 100);
        for (size_t i = 0; i < f->n_items; i++)
            assert_true(f->items[i].title == NULL || !strstr(f->items[i].title, "root:"));
        nw_feed_destroy(f);
    }
}

static void test_external_entity_not_read(void **state)
{
    const char *doc = "<?xml version=\"1.0\"?><!DOCTYPE rss ["
                      "<!ENTITY x SYSTEM \"file:///etc/passwd\">"
                      "<!ENTITY y SYSTEM \"http://127.0.0.1:1/evil\">"
                      "]><rss><channel><title>&x;&y;</title><item><title>a&x;b</title>"
                      "<link>http://ex.test/e</link></item></channel></rss>";
    struct nw_feed *f = parse(doc, "http://ex.test/", NULL);

    (void)state;
    assert_int_equal(f->n_items, 1);
    assert_null(f->title);
    assert_string_equal(f->items[0].title, "ab");
    nw_feed_destroy(f);
}

static void test_limits(void **state)
{
    char doc[8192];
    size_t n = 0;
    struct nw_feed_limits small = {1 << 20, 5, 2};
    struct nw_feed *f = NULL;
    char err[256];

    (void)state;
    n += (size_t)snprintf(doc + n, sizeof(doc) - n, "<rss><channel>");
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(doc + n, sizeof(doc) - n,
                              "<item><link>http://e.test/%d</link></item>", i);
    snprintf(doc + n, sizeof(doc) - n, "</channel></rss>");
    assert_int_equal(
        nw_feed_parse(doc, strlen(doc), "http://e.test/", NULL, &small, &f, err, sizeof(err)),
        NW_OK);
    assert_int_equal(f->n_items, 5);
    assert_int_equal(f->dropped, 15);
    nw_feed_destroy(f);
    small.max_bytes = 100;
    assert_int_equal(
        nw_feed_parse(doc, strlen(doc), "http://e.test/", NULL, &small, &f, err, sizeof(err)),
        NW_ETOOBIG);
}

static void test_not_a_feed(void **state)
{
    struct nw_feed *f = NULL;
    char err[256] = "";

    (void)state;
    assert_int_equal(
        nw_feed_parse("hello world", 11, "http://e.test/x", NULL, &lim, &f, err, sizeof(err)),
        NW_EPARSE);
    assert_null(f);
    assert_int_equal(
        nw_feed_parse("<svg><g/></svg>", 15, "http://e.test/x", NULL, &lim, &f, err, sizeof(err)),
        NW_EPARSE);
    assert_non_null(strstr(err, "svg"));
    assert_int_equal(
        nw_feed_parse("{\"a\":1}", 7, "http://e.test/x", NULL, &lim, &f, err, sizeof(err)),
        NW_EPARSE);
    assert_int_equal(nw_feed_parse("", 0, "http://e.test/x", NULL, &lim, &f, err, sizeof(err)),
                     NW_EPARSE);
    assert_string_equal(nw_feed_kind_name(NW_FEED_SITEMAPINDEX), "sitemapindex");
}

static void test_oom(void **state)
{
    (void)state;
    /* Every allocation failure point gives ENOMEM or a complete result, never a crash. */
    for (long n = 1; n < 200; n++) {
        struct nw_feed *f = NULL;
        char err[256];
        enum nw_status r;
        nw_mem_fail_after(n);
        r = nw_feed_parse(news_sitemap, strlen(news_sitemap), "https://ex.test/s.xml", NULL, &lim,
                          &f, err, sizeof(err));
        nw_mem_fail_after(0);
        assert_true(r == NW_OK || r == NW_ENOMEM);
        if (r == NW_OK) {
            assert_non_null(f);
            nw_feed_destroy(f);
        } else {
            assert_null(f);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rss2),
        cmocka_unit_test(test_sy_update),
        cmocka_unit_test(test_rdf),
        cmocka_unit_test(test_atom),
        cmocka_unit_test(test_json_feed),
        cmocka_unit_test(test_news_sitemap),
        cmocka_unit_test(test_gzip_sitemap),
        cmocka_unit_test(test_sitemap_index),
        cmocka_unit_test(test_robots_sitemaps),
        cmocka_unit_test(test_html_discovery),
        cmocka_unit_test(test_malformed_recovers),
        cmocka_unit_test(test_entities_not_expanded),
        cmocka_unit_test(test_external_entity_not_read),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_not_a_feed),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
