/* test_feeds.c — RSS, RDF, Atom, JSON Feed, sitemaps, robots.txt and HTML discovery. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <zlib.h>
#include <iconv.h>

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

/* ---- issue 21: classes of input read as the specifications say ------------------------- */

static struct nw_feed *parse_n(const char *doc, size_t len, const char *base, char *err,
                               size_t err_size)
{
    struct nw_feed *f = NULL;

    assert_int_equal(nw_feed_parse(doc, len, base, NULL, &lim, &f, err, err_size), NW_OK);
    assert_non_null(f);
    return f;
}

/* RSS 2.0 link is text; a raw `&` (invalid XML, common in feeds) is recovered as written,
 * in text and in attribute values, while real references are still decoded. */
static void test_raw_ampersand(void **state)
{
    const char *doc = "<rss version=\"2.0\"><channel><title>A &amp; B &#38; C & D</title>"
                      "<item><link>http://example/?a=1&b=2&c</link></item>"
                      "<item><link>http://example/?x=1&amp;y=2&#38;z=3</link></item>"
                      "<item><title><![CDATA[a & b &amp; c]]></title><!-- & -->"
                      "<link>http://example/p?q&ampx=1</link></item>"
                      "</channel></rss>";
    const char *atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>x</id>"
                       "<link href=\"http://example/?a=1&b=2\"/></entry></feed>";
    struct nw_feed *f = parse(doc, "http://example/", NULL);

    (void)state;
    assert_int_equal(f->n_items, 3);
    assert_string_equal(f->title, "A & B & C & D");
    assert_string_equal(f->items[0].url, "http://example/?a=1&b=2&c");
    assert_string_equal(f->items[1].url, "http://example/?x=1&y=2&z=3");
    assert_string_equal(f->items[2].title, "a & b &amp; c");
    assert_string_equal(f->items[2].url, "http://example/p?q&ampx=1");
    assert_int_equal(f->partial, 0);
    nw_feed_destroy(f);
    f = parse(atom, "http://example/", NULL);
    assert_int_equal(f->n_items, 1);
    assert_string_equal(f->items[0].url, "http://example/?a=1&b=2");
    nw_feed_destroy(f);
}

/* Writes src (UTF-8) in the wide encoding `to` into out; returns the byte count. */
static size_t widen(const char *src, const char *to, const char *bom, size_t bom_len, char *out,
                    size_t out_size)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    char *in = (char *)src, *o = out + bom_len;
    size_t in_left = strlen(src), o_left = out_size - bom_len;

    assert_true(cd != (iconv_t)-1);
    memcpy(out, bom, bom_len);
    assert_true(iconv(cd, &in, &in_left, &o, &o_left) != (size_t)-1);
    iconv_close(cd);
    return (size_t)(o - out);
}

/* XML 1.0 section 4.3.3 and appendix F: UTF-16 and UTF-32 documents are recognised by their
 * byte order mark or by the encoding of "<?xml". */
static void test_utf16_utf32(void **state)
{
    static const struct {
        const char *enc, *decl, *bom;
        size_t bom_len;
    } cases[] = {
        {"UTF-16LE", "", "\xFF\xFE", 2},
        {"UTF-16BE", "", "\xFE\xFF", 2},
        {"UTF-16LE", "<?xml version=\"1.0\" encoding=\"UTF-16\"?>", "", 0},
        {"UTF-16BE", "<?xml version=\"1.0\" encoding=\"UTF-16\"?>", "", 0},
        {"UTF-32LE", "", "\xFF\xFE\x00\x00", 4},
        {"UTF-32BE", "<?xml version=\"1.0\" encoding=\"UTF-32\"?>", "", 0},
    };
    (void)state;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        char utf8[1024], wide[8192], err[256] = "";
        size_t n;
        struct nw_feed *f;
        snprintf(utf8, sizeof(utf8),
                 "%s<rss version=\"2.0\"><channel><title>Caf\xC3\xA9 \xE2\x82\xAC</title>"
                 "<item><title>\xE3\x83\x84</title><link>https://ex.test/a?b=1&c=2</link></item>"
                 "</channel></rss>",
                 cases[k].decl);
        n = widen(utf8, cases[k].enc, cases[k].bom, cases[k].bom_len, wide, sizeof(wide));
        f = parse_n(wide, n, "https://ex.test/feed", err, sizeof(err));
        assert_int_equal(f->kind, NW_FEED_RSS);
        assert_string_equal(f->title, "Caf\xC3\xA9 \xE2\x82\xAC");
        assert_int_equal(f->n_items, 1);
        assert_string_equal(f->items[0].url, "https://ex.test/a?b=1&c=2");
        assert_string_equal(f->items[0].title, "\xE3\x83\x84");
        nw_feed_destroy(f);
    }
}

/* An Atom link given as text content (no href) is the entry's link; Atom 0.3 dates
 * (issued, modified, created) are read; issued (publication) is preferred. */
static void test_atom_text_link_and_03_dates(void **state)
{
    const char *doc =
        "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><title>Old</title>"
        "<entry><title>one</title><link>https://ex.test/one</link><id>tag:ex,1</id>"
        "<modified>2004-01-02T10:00:00Z</modified><issued>2004-01-01T09:00:00-05:00</issued>"
        "</entry>"
        "<entry><title>two</title><link rel=\"alternate\" type=\"text/html\" "
        "href=\"https://ex.test/two\"/><id>tag:ex,2</id>"
        "<created>2004-02-01T00:00:00Z</created><modified>2004-02-03T00:00:00Z</modified>"
        "</entry>"
        "<entry><title>three</title><id>tag:ex,3</id><link rel=\"enclosure\" "
        "href=\"https://ex.test/3.mp3\"/><link>https://ex.test/three</link>"
        "<modified>2004-03-03T00:00:00Z</modified></entry></feed>";
    struct nw_feed *f = parse(doc, "https://ex.test/atom.xml", NULL);

    (void)state;
    assert_int_equal(f->kind, NW_FEED_ATOM);
    assert_int_equal(f->n_items, 3);
    assert_string_equal(f->items[0].url, "https://ex.test/one");
    assert_string_equal(f->items[0].date, "2004-01-01T09:00:00-05:00");
    assert_string_equal(f->items[1].url, "https://ex.test/two");
    assert_string_equal(f->items[1].date, "2004-02-01T00:00:00Z");
    assert_string_equal(f->items[2].url, "https://ex.test/three");
    assert_string_equal(f->items[2].date, "2004-03-03T00:00:00Z");
    nw_feed_destroy(f);
}

/* RSS 1.0 (5.5): an item's rdf:about is its URI, the item's identity: the guid. */
static void test_rdf_about_is_guid(void **state)
{
    const char *doc =
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
        "xmlns=\"http://purl.org/rss/1.0/\"><channel rdf:about=\"https://ex.test/\">"
        "<title>R</title></channel>"
        "<item rdf:about=\"https://ex.test/id/1\"><title>one</title>"
        "<link>https://ex.test/page/1</link></item>"
        "<item rdf:about=\"https://ex.test/id/2\"><title>two</title></item></rdf:RDF>";
    struct nw_feed *f = parse(doc, "https://ex.test/rdf", NULL);

    (void)state;
    assert_int_equal(f->kind, NW_FEED_RDF);
    assert_int_equal(f->n_items, 2);
    assert_string_equal(f->items[0].url, "https://ex.test/page/1");
    assert_non_null(f->items[0].guid);
    assert_string_equal(f->items[0].guid, "https://ex.test/id/1");
    assert_string_equal(f->items[1].url, "https://ex.test/id/2");
    assert_string_equal(f->items[1].guid, "https://ex.test/id/2");
    nw_feed_destroy(f);
}

/* RFC 822 / RFC 5322 dates in RSS pubDate, W3DTF in dc:date: named zones keep their offset,
 * two-digit years (RFC 5322 4.3), asctime, partial W3DTF; an invalid field or a year 9999
 * gives no date (the item stays). */
static void test_dates(void **state)
{
    static const struct {
        const char *in, *want; /* want NULL: no date */
    } cases[] = {
        {"<pubDate>Mon, 30 Nov 2026 05:00:00 EST</pubDate>", "2026-11-30T05:00:00-05:00"},
        {"<pubDate>Sun, 29 Nov 2026 05:00:00 PDT</pubDate>", "2026-11-29T05:00:00-07:00"},
        {"<pubDate>Sun, 29 Nov 2026 05:00 CST</pubDate>", "2026-11-29T05:00:00-06:00"},
        {"<pubDate>Sun, 29 Nov 2026 05:00:00 MDT</pubDate>", "2026-11-29T05:00:00-06:00"},
        {"<pubDate>Sun, 29 Nov 2026 05:00:00 ET</pubDate>", "2026-11-29T05:00:00-05:00"},
        {"<pubDate>Sun, 29 Nov 2026 05:00:00 CEST</pubDate>", "2026-11-29T05:00:00+02:00"},
        {"<pubDate>Sun, 29 Nov 2026 05:00:00 MET</pubDate>", "2026-11-29T05:00:00+01:00"},
        {"<pubDate>Sun, 29 Nov 2026 05:00:00 JST</pubDate>", "2026-11-29T05:00:00+09:00"},
        {"<pubDate>Sun, 29 Nov 2026 05:00:00 KST</pubDate>", "2026-11-29T05:00:00+09:00"},
        {"<pubDate>Sun, 29 Nov 2026 05:00:00 AT</pubDate>", "2026-11-29T05:00:00-04:00"},
        {"<pubDate>Sun, 29 Nov 2026 05:00:00 A</pubDate>", "2026-11-29T05:00:00+01:00"},
        {"<pubDate>Sun, 29 Nov 2026 05:00:00 Z</pubDate>", "2026-11-29T05:00:00Z"},
        {"<pubDate>Sun, 29 Nov 2026 05:00:00 GMT</pubDate>", "2026-11-29T05:00:00Z"},
        {"<pubDate>Thu, 01 Jan 04 19:48:21 GMT</pubDate>", "2004-01-01T19:48:21Z"},
        {"<pubDate>Wed, 31 Dec 97 23:59:59 +0100</pubDate>", "1997-12-31T23:59:59+01:00"},
        {"<pubDate>Sun Nov  6 08:49:37 1994</pubDate>", "1994-11-06T08:49:37Z"},
        {"<dc:date>2003</dc:date>", "2003-01-01T00:00:00Z"},
        {"<dc:date>2003-12</dc:date>", "2003-12-01T00:00:00Z"},
        {"<dc:date>2003-12-13T18:30Z</dc:date>", "2003-12-13T18:30:00Z"},
        {"<dc:date>2003-12-13T18:30:02.25+01:00</dc:date>", "2003-12-13T18:30:02+01:00"},
        {"<pubDate>Sun, 29 Nov 2026 25:00:00 GMT</pubDate>", NULL},
        {"<pubDate>Sun, 29 Nov 2026 05:61:00 GMT</pubDate>", NULL},
        {"<pubDate>Sun, 31 Nov 2026 05:00:00 GMT</pubDate>", NULL},
        {"<pubDate>Sun, 29 Feb 2026 05:00:00 GMT</pubDate>", NULL},
        {"<dc:date>2003-12-13T18:30:02+zz:00</dc:date>", NULL},
        {"<dc:date>2003-12-13T18:30:02+25:00</dc:date>", NULL},
        {"<dc:date>2003-13-01</dc:date>", NULL},
        {"<dc:date>9999-12-31T23:59:59Z</dc:date>", NULL},
        {"<pubDate>Fri, 31 Dec 9999 23:59:59 GMT</pubDate>", NULL},
    };
    (void)state;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        char doc[1024];
        struct nw_feed *f;
        snprintf(doc, sizeof(doc),
                 "<rss xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><item>"
                 "<link>https://ex.test/%zu</link>%s</item></channel></rss>",
                 k, cases[k].in);
        f = parse(doc, "https://ex.test/", NULL);
        assert_int_equal(f->n_items, 1);
        if (cases[k].want) {
            if (!f->items[0].date || strcmp(f->items[0].date, cases[k].want))
                fail_msg("%s: got %s, want %s", cases[k].in,
                         f->items[0].date ? f->items[0].date : "(none)", cases[k].want);
        } else if (f->items[0].date) {
            fail_msg("%s: got %s, want no date", cases[k].in, f->items[0].date);
        }
        nw_feed_destroy(f);
    }
}

/* A URL that cannot be kept whole is dropped with a warning: over NW_FEED_MAX_URL bytes
 * (a 9,023-byte URL), or with control bytes inside (raw or as character references). The
 * item is never emitted under another URL (not cut, not cleaned, no guid fallback). */
static void test_urls_kept_whole_or_refused(void **state)
{
    static char doc[32768];
    char err[256] = "";
    size_t n = 0;
    struct nw_feed *f;

    (void)state;
    n += (size_t)snprintf(doc + n, sizeof(doc) - n,
                          "<rss><channel><item><guid>https://ex.test/g</guid><link>"
                          "https://ex.test/");
    memset(doc + n, 'a', 9023 - 16);
    n += 9023 - 16;
    n += (size_t)snprintf(doc + n, sizeof(doc) - n,
                          "</link></item>"
                          "<item><link>https://ex.test/ok</link></item>"
                          "<item><link>https://ex.test/c\x01"
                          "trl</link></item>"
                          "<item><link>https://ex.test/r&#1;ef</link></item>"
                          "<item><link>https://ex.test/d\x7F"
                          "el</link></item>"
                          "</channel></rss>");
    f = parse_n(doc, n, "https://ex.test/", err, sizeof(err));
    assert_int_equal(f->n_items, 1);
    assert_string_equal(f->items[0].url, "https://ex.test/ok");
    assert_int_equal(f->rejected, 4);
    assert_non_null(strstr(f->warning, "9023"));
    nw_feed_destroy(f);
}

/* libxml2 stops at 256 levels of nesting: the items before are kept, the result is marked
 * partial with the reason, so the caller reports the source as failed. */
static void test_partial_parse(void **state)
{
    static char doc[16384];
    char err[256] = "";
    size_t n = 0;
    struct nw_feed *f;

    (void)state;
    n += (size_t)snprintf(doc + n, sizeof(doc) - n,
                          "<rss><channel><item><link>https://ex.test/1</link></item>"
                          "<item><link>https://ex.test/2</link></item>");
    for (int k = 0; k < 300; k++)
        n += (size_t)snprintf(doc + n, sizeof(doc) - n, "<x>");
    for (int k = 0; k < 300; k++)
        n += (size_t)snprintf(doc + n, sizeof(doc) - n, "</x>");
    n += (size_t)snprintf(doc + n, sizeof(doc) - n,
                          "<item><link>https://ex.test/3</link></item></channel></rss>");
    f = parse_n(doc, n, "https://ex.test/", err, sizeof(err));
    assert_int_equal(f->n_items, 2);
    assert_string_equal(f->items[1].url, "https://ex.test/2");
    assert_int_equal(f->partial, 1);
    assert_true(strlen(err) > 0);
    nw_feed_destroy(f);

    /* A JSON Feed with a syntax error after two items. */
    const char *json = "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": ["
                       "{\"id\": \"1\", \"url\": \"https://ex.test/j1\"},"
                       "{\"id\": \"2\", \"url\": \"https://ex.test/j2\"},"
                       "{\"id\": \"3\", \"url\": \"https://ex.test/j3\" ]}";
    err[0] = '\0';
    f = parse_n(json, strlen(json), "https://ex.test/", err, sizeof(err));
    assert_int_equal(f->n_items, 2);
    assert_int_equal(f->partial, 1);
    assert_true(strlen(err) > 0);
    nw_feed_destroy(f);

    /* A complete document is not partial. */
    f = parse("<rss><channel><item><link>https://ex.test/1</link></item></channel></rss>",
              "https://ex.test/", NULL);
    assert_int_equal(f->partial, 0);
    nw_feed_destroy(f);
}

/* sitemaps.org "Text file": one URL per line, UTF-8, also gzip-compressed. */
static void test_text_sitemap(void **state)
{
    const char *txt = "https://ex.test/a\r\nhttp://ex.test/b?x=1&y=2\n\n   \nnot a url\n"
                      "https://ex.test/c\n";
    unsigned char gz[512];
    uLongf gz_len = sizeof(gz);
    z_stream zs;
    char err[256] = "";
    struct nw_feed *f = parse(txt, "https://ex.test/sitemap.txt", "text/plain");

    (void)state;
    assert_int_equal(f->kind, NW_FEED_URLLIST);
    assert_int_equal(f->n_items, 3);
    assert_string_equal(f->items[0].url, "https://ex.test/a");
    assert_string_equal(f->items[1].url, "http://ex.test/b?x=1&y=2");
    assert_string_equal(f->items[2].url, "https://ex.test/c");
    assert_int_equal(f->rejected, 1);
    nw_feed_destroy(f);

    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)txt;
    zs.avail_in = (uInt)strlen(txt);
    zs.next_out = gz;
    zs.avail_out = (uInt)gz_len;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    gz_len = zs.total_out;
    deflateEnd(&zs);
    f = parse_n((const char *)gz, gz_len, "https://ex.test/sitemap.txt.gz", err, sizeof(err));
    assert_int_equal(f->kind, NW_FEED_URLLIST);
    assert_int_equal(f->n_items, 3);
    nw_feed_destroy(f);
}

/* The parser reads documents in 64 KiB pieces: a reference, a raw `&`, a CDATA section or
 * a comment cut by a piece boundary reads the same as whole. The item is moved across the
 * first boundary one byte at a time; a UTF-16 document has surrogate pairs at every
 * alignment. */
static void test_chunk_boundaries(void **state)
{
    size_t cap = 1 << 20, n = 0;
    char *doc = malloc(cap), err[256] = "";
    struct nw_feed_limits big = {1 << 22, 2000, 20};
    struct nw_feed *f = NULL;
    const char *item = "<item><title><![CDATA[t&x > y &]]></title><!-- & > -->"
                       "<link>http://ex.test/?a=1&b=2&amp;c=3&#38;d&#x26;e&f</link></item>";

    (void)state;
    assert_non_null(doc);
    for (size_t k = 0; k < strlen(item) + 80; k++) {
        size_t head = 65536 - strlen(item) - 40 + k;
        n = (size_t)snprintf(doc, cap, "<rss><channel><!--");
        memset(doc + n, 'x', head - n - 3);
        n = head - 3;
        n += (size_t)snprintf(doc + n, cap - n, "-->%s%s</channel></rss>", item,
                              "<item><link>http://ex.test/2</link></item>");
        f = NULL;
        assert_int_equal(nw_feed_parse(doc, n, "http://ex.test/", NULL, &big, &f, err, sizeof(err)),
                         NW_OK);
        assert_int_equal(f->n_items, 2);
        assert_string_equal(f->items[0].title, "t&x > y &");
        assert_string_equal(f->items[0].url, "http://ex.test/?a=1&b=2&c=3&d&e&f");
        assert_int_equal(f->partial, 0);
        nw_feed_destroy(f);
    }

    /* UTF-16LE with astral characters (surrogate pairs) at every alignment. */
    {
        size_t u = 0;
        char *utf8 = malloc(cap), *wide = malloc(4 * cap);
        assert_non_null(utf8);
        assert_non_null(wide);
        u += (size_t)snprintf(utf8, cap, "<rss><channel>");
        for (size_t i = 0; i < 300; i++)
            u += (size_t)snprintf(utf8 + u, cap - u,
                                  "<item><title>%.*s\xF0\x9F\x98\x80\xE3\x83\x84</title>"
                                  "<link>http://ex.test/%zu</link></item>",
                                  (int)(i % 7), "abcdefg", i);
        for (size_t i = 0; u < 70000; i++)
            u += (size_t)snprintf(utf8 + u, cap - u, "<!-- pad %zu -->", i);
        for (size_t i = 300; i < 600; i++)
            u += (size_t)snprintf(utf8 + u, cap - u,
                                  "<item><title>%.*s\xF0\x9F\x98\x80\xE3\x83\x84</title>"
                                  "<link>http://ex.test/%zu</link></item>",
                                  (int)(i % 7), "abcdefg", i);
        u += (size_t)snprintf(utf8 + u, cap - u, "</channel></rss>");
        n = widen(utf8, "UTF-16LE", "\xFF\xFE", 2, wide, 4 * cap);
        f = NULL;
        assert_int_equal(
            nw_feed_parse(wide, n, "http://ex.test/", NULL, &big, &f, err, sizeof(err)), NW_OK);
        assert_int_equal(f->n_items, 600);
        for (size_t i = 0; i < 600; i++) {
            char title[32];
            snprintf(title, sizeof(title), "%.*s\xF0\x9F\x98\x80\xE3\x83\x84", (int)(i % 7),
                     "abcdefg");
            assert_string_equal(f->items[i].title, title);
        }
        nw_feed_destroy(f);
        free(utf8);
        free(wide);
    }
    free(doc);
}

/* HTML's document base URL: the first <base href> resolves the page's feed links. */
static void test_html_base(void **state)
{
    const char *doc = "<!DOCTYPE html><html><head><base href=\"https://cdn.ex.test/site/\">"
                      "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"rss.xml\">"
                      "</head><body></body></html>";
    struct nw_feed *f = parse(doc, "https://ex.test/", "text/html");

    (void)state;
    assert_int_equal(f->kind, NW_FEED_HTML);
    assert_int_equal(f->n_links, 1);
    assert_string_equal(f->links[0], "https://cdn.ex.test/site/rss.xml");
    nw_feed_destroy(f);
}

/* A tag with thousands of attributes (libxml2 compares them pairwise) stops the parse:
 * the items before stay, the result is partial. */
static void test_attribute_bomb(void **state)
{
    size_t cap = 1 << 20, n = 0;
    char *doc = malloc(cap), err[256] = "";
    struct nw_feed *f = NULL;

    (void)state;
    assert_non_null(doc);
    n += (size_t)snprintf(doc, cap, "<rss><channel><item><link>https://ex.test/1</link></item><x");
    for (int k = 0; k < 50000; k++)
        n += (size_t)snprintf(doc + n, cap - n, " a%d=''", k);
    n += (size_t)snprintf(doc + n, cap - n,
                          "/><item><link>https://ex.test/2</link></item></channel></rss>");
    f = parse_n(doc, n, "https://ex.test/", err, sizeof(err));
    assert_int_equal(f->n_items, 1);
    assert_int_equal(f->partial, 1);
    assert_non_null(strstr(err, "attributes"));
    nw_feed_destroy(f);
    free(doc);
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
        cmocka_unit_test(test_raw_ampersand),
        cmocka_unit_test(test_utf16_utf32),
        cmocka_unit_test(test_atom_text_link_and_03_dates),
        cmocka_unit_test(test_rdf_about_is_guid),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_urls_kept_whole_or_refused),
        cmocka_unit_test(test_partial_parse),
        cmocka_unit_test(test_text_sitemap),
        cmocka_unit_test(test_chunk_boundaries),
        cmocka_unit_test(test_html_base),
        cmocka_unit_test(test_attribute_bomb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
