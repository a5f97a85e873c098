/* test_textdoc.c — the title of a plain text, and every other line kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "article.h"
#include "textdoc.h"

static void load(const char *text, struct nw_article *art)
{
    nw_article_init(art);
    assert_int_equal(nw_textdoc_load(text, strlen(text), art), NW_OK);
}

static const char *body_para =
    "The harbour council met on Tuesday and approved the budget for the coming year after a "
    "long debate that lasted most of the afternoon.";

static void test_title_after_chrome_lines_kept(void **state)
{
    struct nw_article art;
    (void)state;
    load("Sitename\n12:30 PM\n\nCouncil approves the harbour budget\n\nBody text here.", &art);
    assert_string_equal(art.title, "Council approves the harbour budget");
    /* furniture stays in the body (boiler.c removes it by its class), nothing is lost */
    assert_string_equal(art.text, "Sitename\n12:30 PM\n\n\nBody text here.");
    nw_article_fini(&art);
}

/* Site chrome above the headline and below the story goes; the story's own lines stay,
 * a "Read more" sentence inside it too. */
static void test_edge_chrome_dropped(void **state)
{
    char text[2048];
    struct nw_article art;
    (void)state;
    snprintf(text, sizeof(text),
             "Skip to main content\nSign in\nWorld / Europe / Harbour towns\n\n"
             "Council approves the harbour budget\n\n"
             "By Jane Roe | March 3, 2024\n\n%s\n\n"
             "Read more about the plan on page four of the council's report.\n\n%s\n\n"
             "Related: Harbour towns ask for more money\n"
             "Share on Facebook Share on X\n"
             "We use cookies to improve your experience. By using the site you agree.\n"
             "Privacy Policy | Terms of Use | Contact Us\n",
             body_para, body_para);
    load(text, &art);
    assert_string_equal(art.title, "Council approves the harbour budget");
    assert_null(strstr(art.text, "Skip to"));
    assert_null(strstr(art.text, "Sign in"));
    assert_null(strstr(art.text, "Europe"));
    assert_null(strstr(art.text, "Jane Roe"));
    assert_null(strstr(art.text, "Related"));
    assert_null(strstr(art.text, "Facebook"));
    assert_null(strstr(art.text, "cookies"));
    assert_null(strstr(art.text, "Privacy"));
    assert_non_null(strstr(art.text, "Read more about the plan"));
    /* the story is the first line left (the title's and the chrome's line breaks aside) */
    assert_int_equal(strncmp(art.text + strspn(art.text, "\n"), "The harbour council met", 23), 0);
    nw_article_fini(&art);
}

/* More chrome shapes, each at an edge: feed footers, stamps, promotions, labels. */
static void test_edge_chrome_shapes(void **state)
{
    static const char *const top[] = {
        "Listen to this article",
        "Follow the Harbour Times on X",
        "News / Europe",
        "Harbour Times \xC2\xB7 3 March 2024",
        "Jane Roe | Updated: March 3, 2024 10:30 am",
        "Published By: Jane Roe",
    };
    static const char *const bottom[] = {
        "Tags: Harbour, Budget, Council",
        "The post Council approves the harbour budget appeared first on Harbour Times.",
        "This article was originally published on Harbour Times.",
        "Sign up for our daily newsletter to get the latest news.",
        "Story continues below advertisement",
        "About Us Contact Us Privacy Policy",
    };
    char text[2048];
    struct nw_article art;
    (void)state;
    for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++) {
        snprintf(text, sizeof(text), "%s\n\nCouncil approves the harbour budget\n\n%s\n\n%s",
                 top[i], body_para, bottom[i]);
        load(text, &art);
        assert_string_equal(art.title, "Council approves the harbour budget");
        if (strstr(art.text, top[i]) || strstr(art.text, bottom[i]))
            fail_msg("chrome kept: '%s' / '%s' in '%s'", top[i], bottom[i], art.text);
        nw_article_fini(&art);
    }
}

/* Lines shaped like chrome inside the story, and a table row with slashes at its end, stay:
 * only the edges are cut. */
static void test_chrome_inside_story_kept(void **state)
{
    char text[2048];
    struct nw_article art;
    (void)state;
    snprintf(text, sizeof(text),
             "Council approves the harbour budget\n\n%s\n\nRelated: the port\n\n%s\n\n"
             "- Revenue N / A N / A",
             body_para, body_para);
    load(text, &art);
    assert_non_null(strstr(art.text, "Related: the port"));
    assert_non_null(strstr(art.text, "- Revenue N / A N / A"));
    nw_article_fini(&art);
}

static void test_breadcrumb_title(void **state)
{
    struct nw_article art;
    (void)state;
    load("Home \xC2\xBB Council approves the harbour budget\n\nBody text that follows it.", &art);
    assert_string_equal(art.title, "Council approves the harbour budget");
    assert_string_equal(art.text, "\nBody text that follows it.");
    nw_article_fini(&art);
}

static void test_headline_with_full_stop_and_dateline(void **state)
{
    char text[1024];
    struct nw_article art;
    (void)state;
    snprintf(text, sizeof(text),
             "Harbour council backs budget after long debate.\n\n"
             "PORTSMOUTH 2024-03-05\n\n%s\n\n%s",
             body_para, body_para);
    load(text, &art);
    assert_string_equal(art.title, "Harbour council backs budget after long debate.");
    /* the dateline is no title and stays first in the body */
    assert_non_null(strstr(art.text, "PORTSMOUTH 2024-03-05\n\n"));
    assert_null(strstr(art.text, "backs budget"));
    nw_article_fini(&art);
}

static void test_headline_byline_dateline(void **state)
{
    const char *text = "Harbour pilots ' strike ends.\n\nJane Roe\n\n"
                       "PORTSMOUTH, England 2024-03-05\n\nThe pilots went back to work.\n";
    struct nw_article art;
    (void)state;
    load(text, &art);
    assert_string_equal(art.title, "Harbour pilots ' strike ends.");
    assert_string_equal(art.text, text + strlen("Harbour pilots ' strike ends.\n"));
    nw_article_fini(&art);
}

static void test_capitals_headline_with_full_stop(void **state)
{
    char text[1024];
    struct nw_article art;
    (void)state;
    snprintf(text, sizeof(text), "SAILING - HARBOUR CUP ENDS IN A DRAW.\n\n%s", body_para);
    load(text, &art);
    assert_string_equal(art.title, "SAILING - HARBOUR CUP ENDS IN A DRAW.");
    assert_string_equal(art.text, text + strlen("SAILING - HARBOUR CUP ENDS IN A DRAW.\n"));
    nw_article_fini(&art);
}

static void test_dateline_first_is_no_title(void **state)
{
    char text[1024];
    struct nw_article art;
    (void)state;
    snprintf(text, sizeof(text), "PORTSMOUTH, England 2024-03-05\n\n%s", body_para);
    load(text, &art);
    assert_null(art.title);
    assert_string_equal(art.text, text);
    nw_article_fini(&art);
}

static void test_signoff_is_no_title(void **state)
{
    /* a short text whose sign-off follows one short sentence: no title, nothing lost */
    const char *text = "Shares in the harbour operator rose 3 percent.\n\n"
                       "-- Portsmouth newsroom +44 23 9200 0000";
    struct nw_article art;
    (void)state;
    load(text, &art);
    assert_null(art.title);
    assert_string_equal(art.text, text);
    nw_article_fini(&art);
}

static void test_one_paragraph_article(void **state)
{
    struct nw_article art;
    (void)state;
    load(body_para, &art);
    assert_null(art.title);
    assert_string_equal(art.text, body_para);
    nw_article_fini(&art);
    /* a short one: still no title, as nothing follows it */
    load("Council approves the harbour budget", &art);
    assert_null(art.title);
    assert_string_equal(art.text, "Council approves the harbour budget");
    nw_article_fini(&art);
}

static void test_sentence_first_line_is_no_title(void **state)
{
    /* a first paragraph that is a plain sentence, followed by one no longer than it */
    const char *text = "The council met on Tuesday and approved the budget for next year.\n\n"
                       "Members said the plan would be reviewed again in the spring.";
    struct nw_article art;
    (void)state;
    load(text, &art);
    assert_null(art.title);
    assert_string_equal(art.text, text);
    nw_article_fini(&art);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_title_after_chrome_lines_kept),
        cmocka_unit_test(test_edge_chrome_dropped),
        cmocka_unit_test(test_edge_chrome_shapes),
        cmocka_unit_test(test_chrome_inside_story_kept),
        cmocka_unit_test(test_breadcrumb_title),
        cmocka_unit_test(test_headline_with_full_stop_and_dateline),
        cmocka_unit_test(test_headline_byline_dateline),
        cmocka_unit_test(test_capitals_headline_with_full_stop),
        cmocka_unit_test(test_dateline_first_is_no_title),
        cmocka_unit_test(test_signoff_is_no_title),
        cmocka_unit_test(test_one_paragraph_article),
        cmocka_unit_test(test_sentence_first_line_is_no_title),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
