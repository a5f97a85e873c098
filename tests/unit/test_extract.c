/* test_extract.c — body extraction: furniture removal, structure, and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "article.h"
#include "buf.h"
#include "extract.h"
#include "mem.h"

#define PARA1                                                                                      \
    "The city council voted on Tuesday to approve the new budget, which adds money for "           \
    "schools, parks and road repairs across all districts."
#define PARA2                                                                                      \
    "Opponents said the plan relies on optimistic revenue forecasts, while supporters "            \
    "argued that delaying the repairs would cost far more in the long run."
#define PARA3                                                                                      \
    "The mayor is expected to sign the budget next week, after a final review by the "             \
    "finance committee and a public hearing on the tax changes."

struct fx {
    struct nw_extractor *ex;
    struct nw_article art;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct nw_extract_opts opts = {.max_html_bytes = 4u * 1024u * 1024u, .max_depth = 256};
    f->ex = nw_extractor_create(&opts);
    assert_non_null(f->ex);
    nw_article_init(&f->art);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    nw_article_fini(&f->art);
    nw_extractor_destroy(f->ex);
    free(f);
    return 0;
}

static enum nw_status run(struct fx *f, const char *html, size_t len)
{
    char err[256] = "";
    nw_article_fini(&f->art);
    nw_article_init(&f->art);
    return nw_extractor_run(f->ex, html, len, "https://news.example.com/2019/11/19/story.html",
                            "2019-11-20T00:00:00Z", &f->art, err, sizeof(err));
}

static void test_furniture_removed(void **state)
{
    struct fx *f = *state;
    const char *html =
        "<html><head><title>Budget passes | Example News</title></head><body>"
        "<header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></header>"
        "<div class='cookie-banner'>We use cookies to improve your experience.</div>"
        "<main><article><h1>Budget passes</h1>"
        "<div class='byline'>By Jane Doe</div>"
        "<div class='share-bar'><a href='#'>Share on Facebook</a> <a href='#'>Tweet</a></div>"
        "<div class='article-body'><p>" PARA1 "</p>"
        "<figure><img src='a.jpg'><figcaption>The council chamber on Tuesday.</figcaption>"
        "</figure><p>" PARA2 "</p><h2>What comes next</h2><p>" PARA3 "</p>"
        "<ul class='related-links'><li><a href='/a'>Another story about the council "
        "meeting</a></li><li><a href='/b'>Yet another story about the city</a></li></ul>"
        "</div></article></main>"
        "<aside><h3>Most read</h3><p>Some other article teaser with enough words in it to "
        "look like a paragraph of text, which it is not.</p></aside>"
        "<div id='comments'><p>Great article, thanks for writing it, I agree with all of "
        "this and more.</p></div>"
        "<footer>Copyright 2019 Example News. All rights reserved.</footer></body></html>";
    assert_int_equal(run(f, html, strlen(html)), NW_OK);
    const char *t = f->art.text;
    assert_non_null(t);
    const char *p1 = strstr(t, PARA1), *p2 = strstr(t, PARA2), *p3 = strstr(t, PARA3);
    assert_non_null(p1);
    assert_non_null(p2);
    assert_non_null(p3);
    assert_true(p1 < p2 && p2 < p3);
    assert_non_null(strstr(t, PARA1 "\n\n" PARA2));
    assert_non_null(strstr(t, "What comes next"));
    assert_null(strstr(t, "cookies"));
    assert_null(strstr(t, "Share on Facebook"));
    assert_null(strstr(t, "By Jane Doe"));
    assert_null(strstr(t, "council chamber"));
    assert_null(strstr(t, "Another story"));
    assert_null(strstr(t, "teaser"));
    assert_null(strstr(t, "Great article"));
    assert_null(strstr(t, "Copyright"));
    assert_null(strstr(t, "Home"));
}

static void test_whitespace_collapsed(void **state)
{
    struct fx *f = *state;
    const char *html = "<body><div><p>  The   quick\n\n brown\tfox &nbsp; jumps over the lazy dog "
                       "again and again, all day long.  </p><p>Second <b>paragraph</b> with "
                       "<a href='/x'>a link</a> inside, long enough to count as text.</p>"
                       "</div></body>";
    assert_int_equal(run(f, html, strlen(html)), NW_OK);
    assert_string_equal(f->art.text, "The quick brown fox jumps over the lazy dog again and "
                                     "again, all day long.\n\nSecond paragraph with a link "
                                     "inside, long enough to count as text.");
}

static void test_empty_input(void **state)
{
    struct fx *f = *state;
    assert_int_equal(run(f, "", 0), NW_ENOCONTENT);
    assert_null(f->art.text);
    assert_int_equal(run(f, NULL, 0), NW_ENOCONTENT);
}

static void test_no_body(void **state)
{
    struct fx *f = *state;
    const char *html = "<html><head><title>Only a title</title>"
                       "<meta property='og:title' content='Only a title'></head></html>";
    assert_int_equal(run(f, html, strlen(html)), NW_ENOCONTENT);
    /* metadata is still filled */
    assert_string_equal(f->art.title, "Only a title");
    /* text with no tags at all still parses into a body */
    const char *plain = PARA1;
    assert_int_equal(run(f, plain, strlen(plain)), NW_OK);
    assert_string_equal(f->art.text, PARA1);
}

static void test_nul_bytes(void **state)
{
    struct fx *f = *state;
    char html[512];
    int n = snprintf(html, sizeof(html), "<body><p>%s</p><p>%s</p></body>", PARA1, PARA2);
    assert_true(n > 0 && (size_t)n < sizeof(html));
    html[20] = '\0';
    html[60] = '\0';
    assert_int_equal(run(f, html, (size_t)n), NW_OK);
    assert_non_null(f->art.text);
    assert_null(memchr(f->art.text, '\0', strlen(f->art.text)));
    assert_non_null(strstr(f->art.text, PARA2));
}

static void test_deep_nesting(void **state)
{
    struct fx *f = *state;
    const size_t levels = 100000;
    struct nw_buf b;
    nw_buf_init(&b, 64u * 1024u * 1024u);
    assert_int_equal(nw_buf_puts(&b, "<body><p>" PARA1 "</p>"), NW_OK);
    for (size_t i = 0; i < levels; i++)
        assert_int_equal(nw_buf_puts(&b, "<span>"), NW_OK);
    assert_int_equal(nw_buf_puts(&b, "deep text"), NW_OK);
    for (size_t i = 0; i < levels; i++)
        assert_int_equal(nw_buf_puts(&b, "</span>"), NW_OK);
    assert_int_equal(nw_buf_puts(&b, "<p>" PARA2 "</p></body>"), NW_OK);
    assert_int_equal(run(f, b.data, b.len), NW_OK);
    assert_non_null(strstr(f->art.text, PARA1));
    /* nesting that deep is cut before parsing, with a note */
    assert_null(strstr(f->art.text, "deep text"));
    assert_non_null(f->art.warnings);
    assert_non_null(strstr(json_string_value(json_array_get(f->art.warnings, 0)), "nested"));

    /* 300 levels: parsed whole, but the walk stops at max_depth (256) */
    nw_buf_reset(&b);
    assert_int_equal(nw_buf_puts(&b, "<body><p>" PARA1 "</p>"), NW_OK);
    for (size_t i = 0; i < 300; i++)
        assert_int_equal(nw_buf_puts(&b, "<div>"), NW_OK);
    assert_int_equal(nw_buf_puts(&b, "deep text"), NW_OK);
    for (size_t i = 0; i < 300; i++)
        assert_int_equal(nw_buf_puts(&b, "</div>"), NW_OK);
    assert_int_equal(nw_buf_puts(&b, "<p>" PARA2 "</p></body>"), NW_OK);
    assert_int_equal(run(f, b.data, b.len), NW_OK);
    assert_non_null(strstr(f->art.text, PARA2));
    assert_null(strstr(f->art.text, "deep text"));
    assert_null(f->art.warnings);

    nw_buf_reset(&b);
    for (size_t i = 0; i < levels; i++)
        assert_int_equal(nw_buf_puts(&b, "<div>"), NW_OK);
    assert_int_equal(nw_buf_puts(&b, PARA3), NW_OK);
    enum nw_status st = run(f, b.data, b.len);
    assert_true(st == NW_OK || st == NW_ENOCONTENT);
    nw_buf_fini(&b);
}

static void test_huge_input_truncated(void **state)
{
    struct fx *f = *state;
    /* 50 MB page against a 4 MB limit: cut, with a warning, and the text before the cut kept */
    size_t size = 50u * 1024u * 1024u;
    char *html = malloc(size);
    assert_non_null(html);
    const char *head = "<body><p>" PARA1 "</p><p>";
    size_t hl = strlen(head);
    memcpy(html, head, hl);
    for (size_t i = hl; i < size; i++)
        html[i] = (char)("abcdefghij "[i % 11]);
    assert_int_equal(run(f, html, size), NW_OK);
    free(html);
    assert_non_null(strstr(f->art.text, PARA1));
    assert_true(strlen(f->art.text) <= 4u * 1024u * 1024u);
    assert_non_null(f->art.warnings);
    assert_int_equal(json_array_size(f->art.warnings), 1);
    assert_non_null(strstr(json_string_value(json_array_get(f->art.warnings, 0)), "truncated"));
}

static void test_malformed_tags(void **state)
{
    struct fx *f = *state;
    const char *html = "<body><div><p>" PARA1 "<p>" PARA2 "</div></span></b><i><b>" PARA3
                       "</i></b><p <<<>>> <a href='x' <p>tail text \"'< / > <!-- unclosed "
                       "comment <script>var x = '</p>'";
    assert_int_equal(run(f, html, strlen(html)), NW_OK);
    assert_non_null(strstr(f->art.text, PARA1));
    assert_non_null(strstr(f->art.text, PARA2));
    assert_non_null(strstr(f->art.text, PARA3));
    assert_null(strstr(f->art.text, "var x"));
}

static void test_reuse_many_pages(void **state)
{
    struct fx *f = *state;
    /* the same extractor gives the same answer for page A after other pages */
    const char *a = "<body><article><p>" PARA1 "</p><p>" PARA2 "</p></article></body>";
    const char *b = "<body><div class='content'><p>" PARA3 "</p></div></body>";
    assert_int_equal(run(f, a, strlen(a)), NW_OK);
    char *first = strdup(f->art.text);
    for (int i = 0; i < 50; i++) {
        assert_int_equal(run(f, b, strlen(b)), NW_OK);
        assert_string_equal(f->art.text, PARA3);
    }
    assert_int_equal(run(f, a, strlen(a)), NW_OK);
    assert_string_equal(f->art.text, first);
    free(first);
}

static void test_wrapper_named_like_furniture(void **state)
{
    struct fx *f = *state;
    /* a page wrapper whose class looks like furniture still yields the article */
    const char *html = "<body><div class='page-ad-margins'><div class='content-with-sidebar'>"
                       "<div class='story'><p>" PARA1 "</p><p>" PARA2 "</p><p>" PARA3 "</p>"
                       "</div><div class='sidebar'><p>Sidebar teaser text that is long enough "
                       "to be a paragraph of its own, but is not.</p></div></div></div></body>";
    assert_int_equal(run(f, html, strlen(html)), NW_OK);
    assert_non_null(strstr(f->art.text, PARA1));
    assert_non_null(strstr(f->art.text, PARA3));
    assert_null(strstr(f->art.text, "Sidebar teaser"));
}

static void test_titled_article_among_teasers(void **state)
{
    struct fx *f = *state;
    /* a short post followed by longer "you may also like" posts, each an <article> */
    const char *html =
        "<body><div id='primary'><article class='post'><h1>Budget passes</h1><p>" PARA1
        "</p><p>" PARA2 "</p></article><article class='post'><h3>More posts</h3>"
        "<article class='post'><p>Teaser one about something else entirely, with enough "
        "words, commas, and clauses to score well as a paragraph of running text.</p>"
        "</article><article class='post'><p>Teaser two about another topic again, also "
        "long enough, with commas, clauses, and words to look like article text.</p>"
        "</article><article class='post'><p>Teaser three, the last one, still long enough "
        "and written like a paragraph, so that the teasers outweigh the post.</p>"
        "</article></article></div></body>";
    assert_int_equal(run(f, html, strlen(html)), NW_OK);
    assert_non_null(strstr(f->art.text, PARA1));
    assert_null(strstr(f->art.text, "Teaser"));
}

static void test_embedded_tweet_kept(void **state)
{
    struct fx *f = *state;
    const char *html = "<body><div class='article-body'><p>" PARA1 "</p>"
                       "<blockquote class='twitter-tweet'><p>We will keep fighting for the "
                       "budget.</p>&mdash; The Mayor (@mayor) November 19, 2019</blockquote>"
                       "<p>" PARA2 "</p></div></body>";
    assert_int_equal(run(f, html, strlen(html)), NW_OK);
    assert_non_null(strstr(f->art.text, "We will keep fighting for the budget."));
    assert_non_null(strstr(f->art.text, PARA2));
}

static void test_list_of_linked_headlines_kept(void **state)
{
    struct fx *f = *state;
    /* a briefing: each item is a linked headline and a sentence; the headline makes some
     * items mostly link text, but the list is the article's own */
    const char *html =
        "<body><div class='article-body'><p>" PARA1 "</p><ul>"
        "<li><b><a href='/1'>The council approved the new budget for schools and parks "
        "after a long debate</a>.</b> The vote was close.</li>"
        "<li><b><a href='/2'>Road repairs</a>.</b> Crews will start in the north district "
        "in March, and finish the south district by the end of the summer.</li>"
        "<li><b><a href='/3'>Parks</a>.</b> Three new playgrounds open next year, the first "
        "of them beside the river, the other two in the older neighbourhoods.</li>"
        "<li><b><a href='/4'>Taxes</a>.</b> The property tax rate stays the same for the "
        "third year in a row, although fees for permits rise slightly.</li>"
        "</ul><p>" PARA2 "</p><ul class='list'><li><a href='/x'>Other story one</a></li>"
        "<li><a href='/y'>Other story two</a></li><li><a href='/z'>Other story three</a>"
        "</li></ul></div></body>";
    assert_int_equal(run(f, html, strlen(html)), NW_OK);
    assert_non_null(strstr(f->art.text, "The vote was close."));
    assert_non_null(strstr(f->art.text, "Three new playgrounds"));
    assert_null(strstr(f->art.text, "Other story"));
}

static void test_teaser_run_dropped(void **state)
{
    struct fx *f = *state;
    const char *html =
        "<body><div class='article-body'><p>" PARA1 "</p><p>" PARA2 "</p><p>" PARA3 "</p>"
        "<div class='row'><a href='/1'><h5>First other story headline</h5></a>"
        "<p>A short excerpt of the first other story.</p><label>Author</label></div>"
        "<div class='row'><a href='/2'><h5>Second other story headline</h5></a>"
        "<p>A short excerpt of the second other story.</p><label>Author</label></div>"
        "<div class='row'><a href='/3'><h5>Third other story headline</h5></a>"
        "<p>A short excerpt of the third other story.</p><label>Author</label></div>"
        "</div></body>";
    assert_int_equal(run(f, html, strlen(html)), NW_OK);
    assert_non_null(strstr(f->art.text, PARA3));
    assert_null(strstr(f->art.text, "excerpt"));

    /* deals: a linked headline, a short note, then a paragraph: the article's own */
    const char *deals =
        "<body><div class='article-body'><p>" PARA1 "</p>"
        "<h3><a href='/1'>A television for half price</a></h3><p>Use the code on the page</p>"
        "<p>" PARA2 "</p><h3><a href='/2'>A laptop for less than ever</a></h3>"
        "<p>Clip the coupon first</p><p>" PARA3 "</p>"
        "<h3><a href='/3'>A router that people love</a></h3><p>Only today at this price</p>"
        "<p>" PARA1 "</p></div></body>";
    assert_int_equal(run(f, deals, strlen(deals)), NW_OK);
    assert_non_null(strstr(f->art.text, "Clip the coupon first"));
    assert_non_null(strstr(f->art.text, "Only today at this price"));
}

static void test_hover_card_dropped(void **state)
{
    struct fx *f = *state;
    const char *html =
        "<body><div class='article-body'><p>Rep. <span class='person'><a href='/p/1'>Jane "
        "Roe</a><span class='card'><span><img src='r.jpg'><a href='/p/1'>Jane Roe</a>"
        "<a href='/s/1'>Latest story about her votes</a> <a href='/s/2'>Another story "
        "about her</a> <a href='/s/3'>A third story</a></span></span></span> (D-Minn.) "
        "said the budget was fair.</p><p>" PARA1 "</p><p>" PARA2 "</p></div></body>";
    assert_int_equal(run(f, html, strlen(html)), NW_OK);
    assert_non_null(strstr(f->art.text, "Rep. Jane Roe (D-Minn.) said the budget was fair."));
    assert_null(strstr(f->art.text, "Latest story"));
}

static void test_inline_furniture_span(void **state)
{
    struct fx *f = *state;
    /* a furniture class on an inline element drops its text, not the block around it */
    const char *html =
        "<body><div class='article-body'><div class='title'><h1>Budget</h1>"
        "<span class='timestamp'>Updated 11:21 pm, Tuesday</span></div><p>" PARA1 "</p><p>" PARA2
        " <span class='promo'>Subscribe now</span></p><p>" PARA3 "</p></div></body>";
    assert_int_equal(run(f, html, strlen(html)), NW_OK);
    assert_null(strstr(f->art.text, "Updated"));
    assert_null(strstr(f->art.text, "Subscribe"));
    assert_non_null(strstr(f->art.text, PARA2));
}

static void test_trailing_link_list_dropped(void **state)
{
    struct fx *f = *state;
    const char *html =
        "<body><div class='article-body'><p>" PARA1 "</p><ul><li>Schools get more "
        "money</li><li>Parks get new playgrounds</li><li>Roads get repaired</li></ul><p>" PARA2
        "</p><p>" PARA3 "</p><hr><div>More Great Stories</div><ul>"
        "<li>Why the council <a href='/1'>voted as it did</a></li>"
        "<li>The mayor, <a href='/2'>a profile</a></li>"
        "<li><a href='/3'>What the budget means for you</a> and your family</li></ul>"
        "</div></body>";
    assert_int_equal(run(f, html, strlen(html)), NW_OK);
    assert_non_null(strstr(f->art.text, "Parks get new playgrounds"));
    assert_non_null(strstr(f->art.text, PARA3));
    assert_null(strstr(f->art.text, "More Great Stories"));
    assert_null(strstr(f->art.text, "a profile"));
}

static void test_noscript_class_dropped(void **state)
{
    struct fx *f = *state;
    const char *html =
        "<body><div class='article-body'><p>" PARA1 "</p>"
        "<p class='slideshow-noscript'>This slideshow requires JavaScript.</p>"
        "<p>[Editor's note: this story was updated on Wednesday.]</p><p>" PARA2 "</p></div></body>";
    assert_int_equal(run(f, html, strlen(html)), NW_OK);
    assert_null(strstr(f->art.text, "requires JavaScript"));
    assert_non_null(strstr(f->art.text, "[Editor's note"));
    assert_non_null(strstr(f->art.text, PARA2));
}

static void test_linked_heading_over_paragraph_kept(void **state)
{
    struct fx *f = *state;
    const char *html = "<body><div class='article-body'><p>" PARA1 "</p>"
                       "<h3><a href='https://shop.example/1'>Budget Binder Deluxe</a></h3><p>" PARA2
                       " " PARA3 "</p><h3><a href='/more'>Other budget news</a></h3>"
                       "<p>Short note.</p></div></body>";
    assert_int_equal(run(f, html, strlen(html)), NW_OK);
    assert_non_null(strstr(f->art.text, "Budget Binder Deluxe"));
    assert_null(strstr(f->art.text, "Other budget news"));
}

static void test_allocation_failure(void **state)
{
    struct fx *f = *state;
    const char *html = "<body><p>" PARA1 "</p><p>" PARA2 "</p></body>";
    /* every allocation in turn fails: the run fails cleanly or succeeds, never crashes */
    for (long n = 1; n < 40; n++) {
        nw_article_fini(&f->art);
        nw_article_init(&f->art);
        char err[128];
        nw_mem_fail_after(n);
        enum nw_status st =
            nw_extractor_run(f->ex, html, strlen(html), NULL, NULL, &f->art, err, sizeof(err));
        nw_mem_fail_after(0);
        assert_true(st == NW_OK || st == NW_ENOMEM);
    }
    assert_int_equal(run(f, html, strlen(html)), NW_OK);
    assert_non_null(strstr(f->art.text, PARA2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_furniture_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_whitespace_collapsed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nul_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_nesting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_huge_input_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_tags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reuse_many_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrapper_named_like_furniture, setup, teardown),
        cmocka_unit_test_setup_teardown(test_titled_article_among_teasers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_embedded_tweet_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_of_linked_headlines_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_teaser_run_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hover_card_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inline_furniture_span, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trailing_link_list_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_noscript_class_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_linked_heading_over_paragraph_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocation_failure, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
