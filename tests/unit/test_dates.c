/* test_dates.c — every date source on a small page of its own, the month names of each
 * language, numeric forms, zones, plausibility and the original-versus-updated rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dates.h"
#include "html.h"

#define FETCHED "2024-06-01T12:00:00Z"

struct fx {
    struct nw_html *html;
    json_t *ld[4];
    size_t nld;
    struct nw_dates_found found;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    f->html = nw_html_create();
    assert_non_null(f->html);
    *state = f;
    return 0;
}

static void drop_ld(struct fx *f)
{
    for (size_t i = 0; i < f->nld; i++)
        json_decref(f->ld[i]);
    f->nld = 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    drop_ld(f);
    nw_html_destroy(f->html);
    free(f);
    return 0;
}

/* Runs the finder on page (with an optional JSON-LD block and page URL). */
static void find(struct fx *f, const char *page, const char *jsonld, const char *url,
                 const char *lang)
{
    drop_ld(f);
    if (jsonld) {
        f->ld[0] = json_loads(jsonld, JSON_DECODE_ANY, NULL);
        assert_non_null(f->ld[0]);
        f->nld = 1;
    }
    assert_int_equal(nw_html_parse(f->html, page, strlen(page)), NW_OK);
    struct nw_dates_input in = {.html = f->html,
                                .jsonld = f->ld,
                                .njsonld = f->nld,
                                .urls = {NULL, NULL, url},
                                .fetched_at = FETCHED,
                                .language = lang,
                                .max_depth = 256};
    nw_dates_find(&in, &f->found);
}

static void test_jsonld_keys(void **state)
{
    struct fx *f = *state;
    find(f, "<html><body><p>text</p></body></html>",
         "{\"@graph\":[{\"@type\":\"Comment\",\"datePublished\":\"2020-01-01\"},"
         "{\"@type\":\"NewsArticle\",\"datePublished\":\"2019-05-03T10:00:00+02:00\","
         "\"dateModified\":\"2019-05-04T08:00:00+02:00\"}]}",
         NULL, NULL);
    assert_string_equal(f->found.published, "2019-05-03T10:00:00+02:00");
    assert_string_equal(f->found.modified, "2019-05-04T08:00:00+02:00");
    assert_string_equal(f->found.source, "jsonld");
    /* a video's uploadDate, a dateCreated */
    find(f, "<p>x</p>", "{\"@type\":\"VideoObject\",\"uploadDate\":\"2018-02-03\"}", NULL, NULL);
    assert_string_equal(f->found.published, "2018-02-03T00:00:00Z");
    find(f, "<p>x</p>", "[{\"@type\":\"WebPage\",\"dateCreated\":\"2017-04-05T06:07:08Z\"}]", NULL,
         NULL);
    assert_string_equal(f->found.published, "2017-04-05T06:07:08Z");
    /* JSON-LD that does not parse is still read for its date */
    find(f,
         "<script type='application/ld+json'>{\"@type\":\"Article\",\n"
         "\"datePublished\": \"2016-07-08T09:10:11+01:00\", \"x\": [,]}</script><p>x</p>",
         NULL, NULL, NULL);
    assert_string_equal(f->found.published, "2016-07-08T09:10:11+01:00");
    assert_string_equal(f->found.source, "jsonld");
}

static void test_meta_keys(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *attr, *key, *value, *want;
    } cases[] = {
        {"property", "article:published_time", "2019-05-03T10:00:00-04:00",
         "2019-05-03T10:00:00-04:00"},
        {"name", "publication_date", "2019-05-03", "2019-05-03T00:00:00Z"},
        {"name", "citation_publication_date", "2019/05/03", "2019-05-03T00:00:00Z"},
        {"name", "citation_online_date", "2019/05/03", "2019-05-03T00:00:00Z"},
        {"name", "sw-pubdate", "20190503", "2019-05-03T00:00:00Z"},
        {"name", "DC.date.issued", "2019-05-03T10:00Z", "2019-05-03T10:00:00Z"},
        {"name", "pubdate", "Fri, 03 May 2019 23:30:00 EST", "2019-05-03T23:30:00-05:00"},
        {"name", "parsely-pub-date", "1556870400", "2019-05-03T08:00:00Z"},
    };
    char page[512];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(page, sizeof(page), "<html><head><meta %s='%s' content='%s'></head></html>",
                 cases[i].attr, cases[i].key, cases[i].value);
        find(f, page, NULL, NULL, NULL);
        assert_string_equal(f->found.published, cases[i].want);
        assert_string_equal(f->found.source, "meta");
    }
    find(f,
         "<meta property='og:updated_time' content='2019-05-04T01:00:00Z'>"
         "<meta http-equiv='last-modified' content='2019-05-05'>",
         NULL, NULL, NULL);
    assert_string_equal(f->found.modified, "2019-05-04T01:00:00Z");
    assert_string_equal(f->found.published, "");
}

static void test_microdata_time_attributes(void **state)
{
    struct fx *f = *state;
    find(f, "<article><span itemprop='datePublished'>3. Mai 2019</span></article>", NULL, NULL,
         NULL);
    assert_string_equal(f->found.published, "2019-05-03T00:00:00Z");
    assert_string_equal(f->found.source, "microdata");
    find(f,
         "<p><time datetime='2019-01-01'>old</time></p>"
         "<p><time pubdate datetime='2019-05-03T10:00:00+09:00'>now</time></p>",
         NULL, NULL, NULL);
    assert_string_equal(f->found.published, "2019-05-03T10:00:00+09:00");
    assert_string_equal(f->found.source, "time");
    find(f, "<p><abbr class='published' title='2019-05-03T10:00:00Z'>May 3</abbr></p>", NULL, NULL,
         NULL);
    assert_string_equal(f->found.published, "2019-05-03T10:00:00Z");
    assert_string_equal(f->found.source, "attribute");
    find(f, "<p><span class='post-date' data-timestamp='1556870400'>3 days ago</span></p>", NULL,
         NULL, NULL);
    assert_string_equal(f->found.published, "2019-05-03T08:00:00Z");
}

static void test_url(void **state)
{
    struct fx *f = *state;
    find(f, "<p>no date</p>", NULL, "https://example.com/news/2019/05/03/story.html", NULL);
    assert_string_equal(f->found.published, "2019-05-03T00:00:00Z");
    assert_string_equal(f->found.source, "url");
    find(f, "<p>no date</p>", NULL, "https://example.com/a/20190503/story", NULL);
    assert_string_equal(f->found.published, "2019-05-03T00:00:00Z");
    /* a month alone is not a day */
    find(f, "<p>no date</p>", NULL, "https://example.com/2019/05/story", NULL);
    assert_string_equal(f->found.published, "");
    /* a timestamp one day off the URL's day (another zone) takes the URL's day */
    find(f, "<meta property='article:published_time' content='2019-05-04T03:00:00Z'>", NULL,
         "https://example.com/2019/05/03/story", NULL);
    assert_memory_equal(f->found.published, "2019-05-03", 10);
}

static void test_visible_text(void **state)
{
    struct fx *f = *state;
    /* the text after the headline first, then date-like elements anywhere */
    find(f,
         "<body><aside><p class='date'>01.01.2018</p></aside><h1>Headline</h1>"
         "<div class='article-meta'><span>Published 03.05.2019, 14:30</span></div>"
         "<p>Body</p></body>",
         NULL, NULL, NULL);
    assert_string_equal(f->found.published, "2019-05-03T14:30:00Z");
    assert_string_equal(f->found.source, "headline");
    find(f,
         "<body><div class='post-date'>Published 03.05.2019</div><h2>Headline</h2>"
         "<p>Body</p></body>",
         NULL, NULL, NULL);
    assert_string_equal(f->found.published, "2019-05-03T00:00:00Z");
    assert_string_equal(f->found.source, "text");
    /* a logo's h1 without a date, then the article's; h2 when there is no h1 */
    find(f,
         "<body><h1>Site</h1><nav>Home</nav><div style='height:3000px'>"
         "<h1>Story</h1><p>Datum: 04.05.2019</p></div></body>",
         NULL, NULL, NULL);
    assert_string_equal(f->found.published, "2019-05-04T00:00:00Z");
    find(f, "<body><h2>Post title</h2><p>Posted 2019/05/05 | Python</p></body>", NULL, NULL, NULL);
    assert_string_equal(f->found.published, "2019-05-05T00:00:00Z");
    find(f, "<body><h1>Headline</h1><p>By Ann Lee, May 3, 2019</p></body>", NULL, NULL, NULL);
    assert_string_equal(f->found.published, "2019-05-03T00:00:00Z");
    assert_string_equal(f->found.source, "headline");
}

/* A date that is one end of a range of days is an event's, not the page's. */
static void test_date_ranges(void **state)
{
    struct fx *f = *state;
    static const char *const ranges[] = {
        "Camp am 23.-26.8.2017 in Jura",
        "Wochenende in Wien 12.10. - 15.10.2023",
        "Spiele (4. und 5. M\xc3\xa4rz 2022 in Rio)",
        "Woche 31. Dezember 2021-06. Januar 2022",
        "Festival from 3 to 5 May 2019",
    };
    char page[512];
    for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        snprintf(page, sizeof(page), "<body><h1>Headline</h1><p>%s</p></body>", ranges[i]);
        find(f, page, NULL, NULL, NULL);
        if (f->found.published[0])
            fail_msg("\"%s\" gave %s", ranges[i], f->found.published);
    }
    /* a range further on does not hide the byline's date; a time after a dash is no range */
    find(f, "<body><h1>Headline</h1><p>06.05.2018 - 14:30</p><p>Camp 23.-26.8.2017</p></body>",
         NULL, NULL, NULL);
    assert_string_equal(f->found.published, "2018-05-06T00:00:00Z");
}

/* A date line just above the headline (a kicker or overline) is taken when no date is near
 * after the headline; a date next to the headline still comes first. */
static void test_date_above_headline(void **state)
{
    struct fx *f = *state;
    char page[4096];
    char filler[2001];
    memset(filler, 'x', 2000);
    for (size_t i = 60; i < 2000; i += 61)
        filler[i] = ' ';
    filler[2000] = '\0';
    find(f,
         "<body><nav>Home News</nav><div class='story'><h3>21.01.2022</h3>"
         "<h1>Headline</h1><p>Body without a date</p></div></body>",
         NULL, NULL, NULL);
    assert_string_equal(f->found.published, "2022-01-21T00:00:00Z");
    assert_string_equal(f->found.source, "headline");
    /* a date far down the page (a teaser list) loses to the line above the headline */
    snprintf(page, sizeof(page),
             "<body><small>31.01.2022 Sport</small><h1>Headline</h1><p>%s</p>"
             "<ul><li>Other story 30.01.2022</li></ul></body>",
             filler);
    find(f, page, NULL, NULL, NULL);
    assert_string_equal(f->found.published, "2022-01-31T00:00:00Z");
    /* near the headline, its byline wins over the line above */
    find(f, "<body><small>31.01.2022</small><h1>Headline</h1><p>By Ann, 02.02.2022</p></body>",
         NULL, NULL, NULL);
    assert_string_equal(f->found.published, "2022-02-02T00:00:00Z");
}

/* <time> elements each on a day of their own are a list of other articles. */
static void test_time_listing(void **state)
{
    struct fx *f = *state;
    find(f,
         "<body><h1>Headline</h1><p>Body</p><ul>"
         "<li><time datetime='2018-03-12'>12.3.</time> One</li>"
         "<li><time datetime='2018-03-19'>19.3.</time> Two</li>"
         "<li><time datetime='2018-03-14'>14.3.</time> Three</li></ul></body>",
         NULL, NULL, NULL);
    assert_string_equal(f->found.published, "");
    /* the page's own day written twice is no listing */
    find(f,
         "<body><h1>Headline</h1><p>Body</p>"
         "<time datetime='2018-03-12T10:00:00Z'>12.3.</time>"
         "<time datetime='2018-03-19'>19.3.</time>"
         "<time datetime='2018-03-12'>12.3.</time></body>",
         NULL, NULL, NULL);
    assert_string_equal(f->found.published, "2018-03-12T10:00:00Z");
    assert_string_equal(f->found.source, "time");
}

/* A republished page: the headline's date and a date element agree on a later day than the
 * structured date; one visible source alone, or an earlier visible day, does not win. */
static void test_republished_visible(void **state)
{
    struct fx *f = *state;
    const char *ld = "{\"@type\":\"NewsArticle\",\"datePublished\":\"2015-01-16T14:53:35+01:00\"}";
    find(f,
         "<body><h1>Headline</h1><div class='post-date'>1 December 2017</div>"
         "<p>Body</p></body>",
         ld, NULL, NULL);
    assert_string_equal(f->found.published, "2017-12-01T00:00:00Z");
    find(f, "<body><h1>Headline</h1><p>1 December 2017</p><p>Body</p></body>", ld, NULL, NULL);
    assert_string_equal(f->found.published, "2015-01-16T14:53:35+01:00");
    find(f,
         "<body><h1>Headline</h1><div class='post-date'>1 December 2014</div>"
         "<p>Body</p></body>",
         ld, NULL, NULL);
    assert_string_equal(f->found.published, "2015-01-16T14:53:35+01:00");
}

static void test_inline_script(void **state)
{
    struct fx *f = *state;
    find(f,
         "<script>window.__DATA__={\"article\":{\"publishDate\":\"2019-05-03T10:00:00Z\"}};"
         "</script><p>x</p>",
         NULL, NULL, NULL);
    assert_string_equal(f->found.published, "2019-05-03T10:00:00Z");
    assert_string_equal(f->found.source, "script");
}

static void test_order_of_sources(void **state)
{
    struct fx *f = *state;
    /* JSON-LD before meta before time before the URL before text */
    find(f,
         "<meta property='article:published_time' content='2019-05-02'>"
         "<h1>H</h1><p class='date'>01.05.2019</p><time datetime='2019-04-30'>x</time>",
         "{\"@type\":\"Article\",\"datePublished\":\"2019-05-03\"}",
         "https://example.com/2019/04/29/x", NULL);
    assert_string_equal(f->found.published, "2019-05-03T00:00:00Z");
    find(f,
         "<meta property='article:published_time' content='2019-05-02'>"
         "<h1>H</h1><p class='date'>01.05.2019</p><time datetime='2019-04-30'>x</time>",
         NULL, NULL, NULL);
    assert_string_equal(f->found.published, "2019-05-02T00:00:00Z");
    /* (a visible day later than the <time>'s is the republished rule's: see below) */
    find(f, "<h1>H</h1><p class='date'>01.05.2019</p><time datetime='2019-05-02'>x</time>", NULL,
         NULL, NULL);
    assert_string_equal(f->found.published, "2019-05-02T00:00:00Z");
    find(f, "<h1>H</h1><p class='date'>01.05.2019</p>", NULL, "https://example.com/2019/04/29/x",
         NULL);
    assert_string_equal(f->found.published, "2019-04-29T00:00:00Z");
}

static void test_plausibility(void **state)
{
    struct fx *f = *state;
    /* after the fetch, and before 1995: skipped for the next source */
    find(f,
         "<meta property='article:published_time' content='2030-01-01T00:00:00Z'>"
         "<meta name='date' content='1990-01-01'>"
         "<time datetime='2020-02-02'>x</time>",
         NULL, NULL, NULL);
    assert_string_equal(f->found.published, "2020-02-02T00:00:00Z");
    /* the fetch time is compared in UTC: 20:00+09:00 is before 12:00Z, 23:00+09:00 after */
    find(f, "<meta name='date' content='2024-06-01T20:00:00+09:00'>", NULL, NULL, NULL);
    assert_string_equal(f->found.published, "2024-06-01T20:00:00+09:00");
    find(f, "<meta name='date' content='2024-06-01T23:00:00+09:00'>", NULL, NULL, NULL);
    assert_string_equal(f->found.published, "");
    find(f, "<meta name='date' content='2024-06-01T13:00:00Z'>", NULL, NULL, NULL);
    assert_string_equal(f->found.published, "");
}

static void test_utc_timestamp_and_shown_day(void **state)
{
    struct fx *f = *state;
    /* a UTC timestamp early in the day, the page showing the day before: the page's day */
    find(f, "<h1>H</h1><p class='date'>November 8, 2023</p>",
         "{\"@type\":\"NewsArticle\",\"datePublished\":\"2023-11-09T03:30:00Z\"}", NULL, "en-US");
    assert_string_equal(f->found.published, "2023-11-08T00:00:00Z");
    /* at noon UTC no common zone moves the day: the timestamp stays */
    find(f, "<h1>H</h1><p class='date'>November 8, 2023</p>",
         "{\"@type\":\"NewsArticle\",\"datePublished\":\"2023-11-09T12:00:00Z\"}", NULL, "en-US");
    assert_string_equal(f->found.published, "2023-11-09T12:00:00Z");
    /* a timestamp with the page's own offset is never moved */
    find(f, "<h1>H</h1><p class='date'>November 8, 2023</p>",
         "{\"@type\":\"NewsArticle\",\"datePublished\":\"2023-11-09T03:30:00+01:00\"}", NULL,
         "en-US");
    assert_string_equal(f->found.published, "2023-11-09T03:30:00+01:00");
}

/* A generic meta date (meta name=date, dcterms.date) later than the labelled date the page
 * shows is the page's generation or change: the shown day wins. A specific key
 * (article:published_time) keeps its day, and so does a generic one that is not later. */
static void test_generic_meta_date(void **state)
{
    struct fx *f = *state;
    find(f,
         "<html><head><meta name='date' content='2020-04-30'></head><body><h1>H</h1>"
         "<ul class='infoline'><li class='date'><time>29.04.2020, 12:01 Uhr</time></li></ul>"
         "<p>Body</p></body></html>",
         NULL, NULL, NULL);
    assert_memory_equal(f->found.published, "2020-04-29", 10);
    find(f,
         "<html><head><meta name='dcterms.date' content='2020-04-29T11:52:23'></head><body>"
         "<h1>H</h1><p>Stand: 28.04.2020 18:00 Uhr</p><p>Body</p></body></html>",
         NULL, NULL, NULL);
    assert_memory_equal(f->found.published, "2020-04-28", 10);
    find(f,
         "<html><head><meta property='article:published_time' content='2020-04-30'></head>"
         "<body><h1>H</h1><div class='date'>29.04.2020</div><p>Body</p></body></html>",
         NULL, NULL, NULL);
    assert_memory_equal(f->found.published, "2020-04-30", 10);
    find(f,
         "<html><head><meta name='date' content='2020-04-28'></head><body><h1>H</h1>"
         "<p>29.04.2020</p><p>Body</p></body></html>",
         NULL, NULL, NULL);
    assert_memory_equal(f->found.published, "2020-04-28", 10);
}

/* The first date after the headline sits far below it (another item's, in a list after
 * the text): a date element of the page's own wins over it; with no date element the far
 * date is still taken. */
static void test_far_headline_date_yields_to_date_element(void **state)
{
    struct fx *f = *state;
    char page[2048];
    const char *para = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do "
                       "eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad "
                       "minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip "
                       "ex ea commodo consequat. Duis aute irure dolor in reprehenderit in "
                       "voluptate velit esse cillum dolore eu fugiat nulla pariatur.</p>";
    snprintf(page, sizeof(page),
             "<html><body><h1>H</h1>%s<ul><li>Older post, 12.05.2012</li></ul>"
             "<div class='entry-date'>13. Januar 2014</div></body></html>",
             para);
    find(f, page, NULL, NULL, NULL);
    assert_memory_equal(f->found.published, "2014-01-13", 10);
    snprintf(page, sizeof(page),
             "<html><body><h1>H</h1>%s<ul><li>Older post, 12.05.2012</li></ul></body></html>",
             para);
    find(f, page, NULL, NULL, NULL);
    assert_memory_equal(f->found.published, "2012-05-12", 10);
}

/* A <time> in the page's top bar (today's date, or a menu's teaser dates) above the
 * headline is the site's, not the article's: the article's date below the headline wins.
 * The same <time> in the article's own header stays the article's. */
static void test_page_clock_in_top_bar(void **state)
{
    struct fx *f = *state;
    find(f,
         "<html><body><header><nav><span class='mod_datetime'><time "
         "datetime='2023-11-01T13:56:20+01:00'>Mittwoch, 01. November 2023</time></span>"
         "</nav></header><div class='content'><h1>H</h1><p><span class='text_datum'>31. "
         "Oktober 2023.</span> Body</p></div></body></html>",
         NULL, NULL, NULL);
    assert_memory_equal(f->found.published, "2023-10-31", 10);
    find(f,
         "<html><body><article><header><time datetime='2023-11-01T13:56:20+01:00'>1. November "
         "2023</time></header><h1>H</h1><p>Body</p></article></body></html>",
         NULL, NULL, NULL);
    assert_memory_equal(f->found.published, "2023-11-01", 10);
}

static void test_logo_heading_skipped(void **state)
{
    struct fx *f = *state;
    /* the site's clock sits above the logo's h1; the story's h1 has its date below */
    find(f,
         "<html><body><ul class='topbar'><li>Tuesday, (08 Dec 2020)</li></ul>"
         "<h1 class='h1'><a href='https://www.example.az'><img alt='Example Logo' "
         "src='/l.png'></a></h1><div class='nav'>News Sport Culture</div>"
         "<div class='post'><h1>Story title</h1><ul class='meta'><li>13 Oct 2020 18:29</li>"
         "</ul><p>Body</p></div></body></html>",
         NULL, NULL, NULL);
    assert_memory_equal(f->found.published, "2020-10-13", 10);
    /* a logo linked to "/" with today's date right below it */
    find(f,
         "<html><body><h1><a href='/' class='brand'>Radio</a></h1><span>Mittwoch, "
         "26.02.2020</span><nav>A B C</nav><h1>Story</h1><p><span>01.05.2017</span> Body</p>"
         "</body></html>",
         NULL, NULL, NULL);
    assert_memory_equal(f->found.published, "2017-05-01", 10);
    /* a page whose only h1 is the logo still reads the date next to it */
    find(f, "<html><body><h1><a href='/'>Blog</a></h1><p>3. März 2021</p><p>Body</p></body></html>",
         NULL, NULL, NULL);
    assert_memory_equal(f->found.published, "2021-03-03", 10);
}

static void test_original_versus_updated(void **state)
{
    struct fx *f = *state;
    /* the page shows its update as its date */
    find(f, "<h1>H</h1><div class='meta'>Aktualisiert am 10.05.2019</div><p>Body</p>",
         "{\"@type\":\"Article\",\"datePublished\":\"2018-01-02T10:00:00+01:00\","
         "\"dateModified\":\"2019-05-10T09:00:00+02:00\"}",
         NULL, NULL);
    assert_string_equal(f->found.published, "2019-05-10T09:00:00+02:00");
    assert_int_equal(f->found.from_modified, 1);
    /* both days shown: the original stays */
    find(f, "<h1>H</h1><div class='meta'>02.01.2018, updated 10.05.2019</div><p>Body</p>",
         "{\"@type\":\"Article\",\"datePublished\":\"2018-01-02T10:00:00+01:00\","
         "\"dateModified\":\"2019-05-10T09:00:00+02:00\"}",
         NULL, NULL);
    assert_string_equal(f->found.published, "2018-01-02T10:00:00+01:00");
    assert_int_equal(f->found.from_modified, 0);
}

static void test_month_names(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *want; /* YYYY-MM-DD */
    } cases[] = {
        {"Posted on May 3rd, 2019 by", "2019-05-03"},
        {"3 September 2019", "2019-09-03"},
        {"Sept. 3, 2019", "2019-09-03"},
        {"Veröffentlicht am 3. März 2019", "2019-03-03"},
        {"am 24. Dezember 2020", "2020-12-24"},
        {"Jänner 5, 2021", "2021-01-05"},
        {"publié le 1er février 2019", "2019-02-01"},
        {"le 3 août 2019", "2019-08-03"},
        {"3 de mayo de 2019", "2019-05-03"},
        {"15 de septiembre del 2019", "2019-09-15"},
        {"3 maggio 2019", "2019-05-03"},
        {"12 dicembre 2018", "2018-12-12"},
        {"3 de março de 2019", "2019-03-03"},
        {"7 de outubro de 2020", "2020-10-07"},
        {"3 mei 2019", "2019-05-03"},
        {"14 maart 2020", "2020-03-14"},
        {"3 мая 2019 г.", "2019-05-03"},
        {"28 Февраля 2020", "2020-02-28"},
        {"3 травня 2019", "2019-05-03"},
        {"11 листопада 2021", "2021-11-11"},
        {"3 maja 2019", "2019-05-03"},
        {"22 października 2020", "2020-10-22"},
        {"3 Mayıs 2019", "2019-05-03"},
        {"29 Ağustos 2021 Pazar", "2021-08-29"},
        {"2019年5月3日", "2019-05-03"},
        {"2020년 7월 12일", "2020-07-12"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct nw_date d;
        char out[40];
        size_t end = nw_dates_scan_text(cases[i].text, strlen(cases[i].text), 0, &d);
        if (!end)
            fail_msg("no date in \"%s\"", cases[i].text);
        nw_dates_format(&d, out, sizeof(out));
        if (strncmp(out, cases[i].want, 10) != 0)
            fail_msg("\"%s\" gave %s", cases[i].text, out);
    }
}

static void test_numeric_forms(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int mdy;
        const char *want;
    } cases[] = {
        {"2019-05-03", 0, "2019-05-03"},
        {"2019/5/3", 0, "2019-05-03"},
        {"2019.05.03.", 0, "2019-05-03"},
        {"03.05.2019", 0, "2019-05-03"},
        {"3.5.2019", 0, "2019-05-03"},
        {"03/05/2019", 0, "2019-05-03"},
        {"05/03/2019", 1, "2019-05-03"},
        {"25/12/2019", 1, "2019-12-25"},
        {"12/25/2019", 0, "2019-12-25"},
        {"03-05-2019", 0, "2019-05-03"},
        /* spaced dotted forms, with plain, no-break and thin spaces */
        {"4. 2. 2022", 0, "2022-02-04"},
        {"4.\xc2\xa0"
         "2.\xc2\xa0"
         "2022",
         0, "2022-02-04"},
        {"Bund 4.\xe2\x80\x89"
         "2.\xe2\x80\x89"
         "2022.",
         0, "2022-02-04"},
        /* the dotted day with a two-digit year, day and month written with two digits */
        {"Party, 30.10.23", 0, "2023-10-30"},
        {"02.12.19 12:30", 0, "2019-12-02"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct nw_date d;
        char out[40];
        if (!nw_dates_scan_text(cases[i].text, strlen(cases[i].text), cases[i].mdy, &d))
            fail_msg("no date in \"%s\"", cases[i].text);
        nw_dates_format(&d, out, sizeof(out));
        if (strncmp(out, cases[i].want, 10) != 0)
            fail_msg("\"%s\" gave %s", cases[i].text, out);
    }
    static const char *const none[] = {"",
                                       "2019-13-45",
                                       "31.02.2019",
                                       "version 1.2.3",
                                       "May 2019",
                                       "1234567",
                                       "32 May 2019",
                                       "Mayday 3, 2019",
                                       "version 10.11.12.4",
                                       "3.5.19",
                                       "at 12.10.20:15",
                                       "10.11.123"};
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        struct nw_date d;
        if (nw_dates_scan_text(none[i], strlen(none[i]), 0, &d))
            fail_msg("a date in \"%s\"", none[i]);
    }
}

static void test_parse_values(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } ok[] = {
        {"2019-05-03", "2019-05-03T00:00:00Z"},
        {"2019-05-03T10:00:00.123+05:30", "2019-05-03T10:00:00+05:30"},
        {"2019-05-03 23:30:00 -0100", "2019-05-03T23:30:00-01:00"},
        {"2019-05-03T10:00:00+0200", "2019-05-03T10:00:00+02:00"},
        {"20190503T101112Z", "2019-05-03T10:11:12Z"},
        {"Fri, 03 May 2019 10:00:00 +0200", "2019-05-03T10:00:00+02:00"},
        {"Fri, 03 May 2019 10:00:00 CEST", "2019-05-03T10:00:00+02:00"},
        {"1556870400000", "2019-05-03T08:00:00Z"},
        {" \"2019-05-03T10:00Z\" ", "2019-05-03T10:00:00Z"},
        /* machine-written slash dates are month first */
        {"11/01/2023 12:43:42", "2023-11-01T12:43:42Z"},
        {"13/01/2023", "2023-01-13T00:00:00Z"},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        struct nw_date d;
        char out[40];
        assert_int_equal(nw_dates_parse(ok[i].in, strlen(ok[i].in), &d), 0);
        nw_dates_format(&d, out, sizeof(out));
        assert_string_equal(out, ok[i].out);
    }
    struct nw_date d;
    assert_int_equal(nw_dates_parse("2019-05-03T10:00:00+02:00", 25, &d), 0);
    assert_true(nw_dates_epoch(&d) == 1556870400LL);
    static const char *const bad[] = {"",           "yesterday", "2019-13-01",
                                      "2019-11-31", "12345",     "2019-02-29"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(nw_dates_parse(bad[i], strlen(bad[i]), &d), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_jsonld_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_meta_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_microdata_time_attributes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_url, setup, teardown),
        cmocka_unit_test_setup_teardown(test_visible_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_above_headline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time_listing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_republished_visible, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inline_script, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_of_sources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plausibility, setup, teardown),
        cmocka_unit_test_setup_teardown(test_utc_timestamp_and_shown_day, setup, teardown),
        cmocka_unit_test_setup_teardown(test_generic_meta_date, setup, teardown),
        cmocka_unit_test_setup_teardown(test_far_headline_date_yields_to_date_element, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_page_clock_in_top_bar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logo_heading_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_original_versus_updated, setup, teardown),
        cmocka_unit_test(test_month_names),
        cmocka_unit_test(test_numeric_forms),
        cmocka_unit_test(test_parse_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
