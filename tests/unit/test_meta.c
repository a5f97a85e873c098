/* test_meta.c — metadata sources, one small page per source, and their precedence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "article.h"
#include "html.h"
#include "meta.h"
#include "mem.h"

#define BASE "https://www.example.com/news/2019/11/19/story.html"
#define FETCHED "2019-11-20T12:00:00Z"

struct fx {
    struct nw_html *html;
    struct nw_article art;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    f->html = nw_html_create();
    assert_non_null(f->html);
    nw_article_init(&f->art);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    nw_article_fini(&f->art);
    nw_html_destroy(f->html);
    free(f);
    return 0;
}

static void meta(struct fx *f, const char *page)
{
    nw_article_fini(&f->art);
    nw_article_init(&f->art);
    assert_int_equal(nw_html_parse(f->html, page, strlen(page)), NW_OK);
    assert_int_equal(nw_meta_extract(f->html, BASE, FETCHED, 256, &f->art), NW_OK);
}

static const char *author(struct fx *f, size_t i)
{
    return json_string_value(json_array_get(f->art.authors, i));
}

static void test_jsonld_graph(void **state)
{
    struct fx *f = *state;
    meta(f,
         "<html><head><script type='application/ld+json'>{\"@context\":\"https://schema.org\","
         "\"@graph\":[{\"@type\":\"WebSite\",\"name\":\"Example\"},{\"@type\":\"NewsArticle\","
         "\"headline\":\"Council approves budget\",\"datePublished\":\"2019-11-19T10:30:00-05:00\","
         "\"dateModified\":\"2019-11-19T18:00:00Z\",\"author\":[{\"@type\":\"Person\","
         "\"name\":\"By Jane Doe\"},{\"@type\":\"Person\",\"name\":\"John Roe\"}],"
         "\"articleSection\":\"Politics\",\"keywords\":\"budget, council\","
         "\"image\":{\"@type\":\"ImageObject\",\"url\":\"/img/a.jpg\"},"
         "\"publisher\":{\"@type\":\"Organization\",\"name\":\"Example News\"},"
         "\"inLanguage\":\"en-US\"}]}</script></head><body></body></html>");
    assert_string_equal(f->art.title, "Council approves budget");
    assert_string_equal(f->art.published_at, "2019-11-19T10:30:00-05:00");
    assert_string_equal(f->art.modified_at, "2019-11-19T18:00:00Z");
    assert_int_equal(json_array_size(f->art.authors), 2);
    assert_string_equal(author(f, 0), "Jane Doe");
    assert_string_equal(author(f, 1), "John Roe");
    assert_string_equal(f->art.section, "Politics");
    assert_int_equal(json_array_size(f->art.tags), 2);
    assert_string_equal(json_string_value(json_array_get(f->art.tags, 1)), "council");
    assert_string_equal(f->art.image, "https://www.example.com/img/a.jpg");
    assert_string_equal(f->art.site_name, "Example News");
    assert_string_equal(f->art.declared_language, "en-US");
}

static void test_opengraph(void **state)
{
    struct fx *f = *state;
    meta(f, "<html lang='de'><head>"
            "<meta property='og:title' content='Budget passes - Example News'>"
            "<meta property='og:site_name' content='Example News'>"
            "<meta property='og:description' content='  The  council voted. '>"
            "<meta property='og:image' content='//cdn.example.com/a.jpg'>"
            "<meta property='og:url' content='/news/budget?x=1'>"
            "<meta property='article:published_time' content='2019-11-19T08:00:00+01:00'>"
            "<meta property='article:modified_time' content='2019-11-19T09:00:00Z'>"
            "<meta property='article:section' content='Local'>"
            "<meta property='article:tag' content='budget'>"
            "<meta property='article:tag' content='city hall'>"
            "<meta property='article:author' content='https://www.facebook.com/jane'>"
            "</head><body></body></html>");
    assert_string_equal(f->art.title, "Budget passes");
    assert_string_equal(f->art.site_name, "Example News");
    assert_string_equal(f->art.description, "The council voted.");
    assert_string_equal(f->art.image, "https://cdn.example.com/a.jpg");
    assert_string_equal(f->art.canonical_url, "https://www.example.com/news/budget?x=1");
    assert_string_equal(f->art.published_at, "2019-11-19T08:00:00+01:00");
    assert_string_equal(f->art.modified_at, "2019-11-19T09:00:00Z");
    assert_string_equal(f->art.section, "Local");
    assert_int_equal(json_array_size(f->art.tags), 2);
    assert_string_equal(json_string_value(json_array_get(f->art.tags, 1)), "city hall");
    /* a profile URL is not a name */
    assert_int_equal(json_array_size(f->art.authors), 0);
    assert_string_equal(f->art.declared_language, "de");
}

static void test_twitter_and_meta_names(void **state)
{
    struct fx *f = *state;
    meta(f, "<html><head><title>Ignored | Example</title>"
            "<meta name='twitter:title' content='Twitter title'>"
            "<meta name='twitter:description' content='Twitter description'>"
            "<meta name='twitter:image' content='https://img.example.com/t.png'>"
            "<meta name='author' content='By Jane Doe, jane@example.com and Staff Reporter'>"
            "<meta name='keywords' content='one, two ,three'>"
            "<meta name='pubdate' content='Tue, 19 Nov 2019 10:00:00 GMT'>"
            "<meta http-equiv='content-language' content='fr_FR'>"
            "</head><body></body></html>");
    assert_string_equal(f->art.title, "Twitter title");
    assert_string_equal(f->art.description, "Twitter description");
    assert_string_equal(f->art.image, "https://img.example.com/t.png");
    assert_int_equal(json_array_size(f->art.authors), 1);
    assert_string_equal(author(f, 0), "Jane Doe");
    assert_int_equal(json_array_size(f->art.tags), 3);
    assert_string_equal(json_string_value(json_array_get(f->art.tags, 2)), "three");
    assert_string_equal(f->art.published_at, "2019-11-19T10:00:00Z");
    assert_string_equal(f->art.declared_language, "fr-FR");
}

static void test_microdata_and_time(void **state)
{
    struct fx *f = *state;
    meta(f, "<html><head><title>A headline here for the test | Site</title></head><body>"
            "<article itemscope itemtype='https://schema.org/NewsArticle'>"
            "<h1 itemprop='headline'>Microdata headline</h1>"
            "<span itemprop='author' itemscope><span itemprop='name'>Ann Smith</span></span>"
            "<time itemprop='datePublished' datetime='2019-11-18'>Nov 18</time>"
            "<meta itemprop='dateModified' content='2019-11-19T01:02:03Z'>"
            "</article></body></html>");
    assert_string_equal(f->art.title, "Microdata headline");
    assert_int_equal(json_array_size(f->art.authors), 1);
    assert_string_equal(author(f, 0), "Ann Smith");
    assert_string_equal(f->art.published_at, "2019-11-18T00:00:00Z");
    assert_string_equal(f->art.modified_at, "2019-11-19T01:02:03Z");
}

static void test_title_tag_byline_url(void **state)
{
    struct fx *f = *state;
    meta(f, "<html><head><title>Council approves the new city budget | Example News</title>"
            "<link rel='canonical' href='https://www.example.com/news/budget'>"
            "</head><body><div class='byline'>By Jane Doe and John Roe</div>"
            "<time datetime='2019-11-25T00:00:00Z'>later</time>"
            "<script>var date = '2019-11-01T00:00:00Z';</script></body></html>");
    assert_string_equal(f->art.title, "Council approves the new city budget");
    assert_string_equal(f->art.canonical_url, "https://www.example.com/news/budget");
    assert_int_equal(json_array_size(f->art.authors), 2);
    assert_string_equal(author(f, 1), "John Roe");
    /* the <time> is after the fetch, the script is never read: the URL's date remains */
    assert_string_equal(f->art.published_at, "2019-11-19T00:00:00Z");
    assert_null(f->art.modified_at);
}

static void test_future_dates_dropped(void **state)
{
    struct fx *f = *state;
    meta(f, "<html><head><meta property='article:published_time' content='2031-01-01T00:00:00Z'>"
            "<meta property='article:modified_time' content='2031-01-01T00:00:00Z'>"
            "</head><body></body></html>");
    /* the URL's date still gives a published date; nothing gives a modified one */
    assert_string_equal(f->art.published_at, "2019-11-19T00:00:00Z");
    assert_null(f->art.modified_at);
}

/* The authors a byline gives, as one "|"-joined string. */
static const char *byline(struct fx *f, const char *text)
{
    static char out[512];
    char page[1024];
    snprintf(page, sizeof(page), "<html><body><h1>T</h1><div class='byline'>%s</div></body></html>",
             text);
    meta(f, page);
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(f->art.authors); i++) {
        if (i)
            strcat(out, "|");
        strcat(out, author(f, i));
    }
    return out;
}

static void test_bylines(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"By Jane Doe", "Jane Doe"},
        {"by: Jane Doe and John Roe", "Jane Doe|John Roe"},
        {"Par Marie Dupont et Jean Martin", "Marie Dupont|Jean Martin"},
        {"Von Anna Schmidt und Peter Müller", "Anna Schmidt|Peter Müller"},
        {"Por Juan Pérez y Ana López", "Juan Pérez|Ana López"},
        {"Di Mario Rossi e Luca Bianchi", "Mario Rossi|Luca Bianchi"},
        {"Jane Doe, John Roe", "Jane Doe|John Roe"},
        {"Jane Doe & John Roe", "Jane Doe|John Roe"},
        {"Smith, J.", "Smith, J."},
        {"Smith, J. and Jones, K.", "Smith, J.|Jones, K."},
        {"By Jane Doe, Staff Writer", "Jane Doe"},
        {"Jane Doe - Senior Correspondent", "Jane Doe"},
        {"Jane Doe | May 3, 2019", "Jane Doe"},
        {"J J", ""},
        {"Di Stefano", "Di Stefano"},
        {"Von Trier", "Von Trier"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = byline(f, cases[i].in);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("byline \"%s\" gave \"%s\", want \"%s\"", cases[i].in, got, cases[i].want);
    }
    /* an organisation is the author only when no person is named */
    meta(f, "<html><head><script type='application/ld+json'>{\"@type\":\"NewsArticle\","
            "\"author\":{\"@type\":\"Organization\",\"name\":\"Example Wire\"}}</script>"
            "</head><body></body></html>");
    assert_int_equal(json_array_size(f->art.authors), 1);
    assert_string_equal(author(f, 0), "Example Wire");
    meta(f, "<html><head><script type='application/ld+json'>{\"@type\":\"NewsArticle\","
            "\"author\":{\"@type\":\"Organization\",\"name\":\"Example Wire\"}}</script>"
            "</head><body><span class='byline'>By Jane Doe</span></body></html>");
    assert_int_equal(json_array_size(f->art.authors), 1);
    assert_string_equal(author(f, 0), "Jane Doe");
}

static void test_nothing(void **state)
{
    struct fx *f = *state;
    meta(f, "");
    assert_null(f->art.title);
    assert_null(f->art.canonical_url);
    assert_int_equal(json_array_size(f->art.authors), 0);
    meta(f, "<html><head><script type='application/ld+json'>{broken json</script>"
            "<link rel='canonical' href='javascript:alert(1)'></head></html>");
    assert_null(f->art.canonical_url);
    assert_null(f->art.title);
}

static void test_parse_date(void **state)
{
    (void)state;
    char out[32];
    static const struct {
        const char *in, *out;
    } ok[] = {
        {"2019-11-19", "2019-11-19T00:00:00Z"},
        {"2019-11-19T10:00:00.123+05:30", "2019-11-19T10:00:00+05:30"},
        {"2019-11-19 23:30:00 -0100", "2019-11-19T23:30:00-01:00"},
        {"20191119T101112Z", "2019-11-19T10:11:12Z"},
        {"Tue, 19 Nov 2019 10:00:00 +0200", "2019-11-19T10:00:00+02:00"},
        {"Tue, 19 Nov 2019 10:00:00 GMT", "2019-11-19T10:00:00Z"},
        {"19 November 2019", "2019-11-19T00:00:00Z"},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(nw_meta_parse_date(ok[i].in, strlen(ok[i].in), out, sizeof(out)), 0);
        assert_string_equal(out, ok[i].out);
    }
    static const char *const bad[] = {"", "yesterday", "2019-13-01", "2019-11-32", "12345"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(nw_meta_parse_date(bad[i], strlen(bad[i]), out, sizeof(out)), -1);
}

static void test_resolve_url(void **state)
{
    (void)state;
    char *u = nw_meta_resolve_url(BASE, "../a.html#x", 11);
    assert_non_null(u);
    assert_string_equal(u, "https://www.example.com/news/2019/11/a.html#x");
    nw_free(u);
    assert_null(nw_meta_resolve_url(BASE, "mailto:a@b.c", 12));
    assert_null(nw_meta_resolve_url("file:///tmp/x.html", "/rel", 4));
    assert_null(nw_meta_resolve_url(NULL, "", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_jsonld_graph, setup, teardown),
        cmocka_unit_test_setup_teardown(test_opengraph, setup, teardown),
        cmocka_unit_test_setup_teardown(test_twitter_and_meta_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_microdata_and_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_tag_byline_url, setup, teardown),
        cmocka_unit_test_setup_teardown(test_future_dates_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing, setup, teardown),
        cmocka_unit_test(test_parse_date),
        cmocka_unit_test_setup_teardown(test_bylines, setup, teardown),
        cmocka_unit_test(test_resolve_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
