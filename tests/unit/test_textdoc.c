/* test_textdoc.c — the headline among leading chrome lines. */
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

static void test_title_after_chrome(void **state)
{
    struct nw_article art;
    (void)state;
    load("Next Story\nSite\n\nCouncil approves the harbour budget\n\nBody text here.", &art);
    assert_string_equal(art.title, "Council approves the harbour budget");
    assert_string_equal(art.text, "\nBody text here.");
    nw_article_fini(&art);
}

static void test_breadcrumb_title(void **state)
{
    struct nw_article art;
    (void)state;
    load("Home \xC2\xBB Council approves the harbour budget\n\nBody.", &art);
    assert_string_equal(art.title, "Council approves the harbour budget");
    nw_article_fini(&art);
}

static void test_no_title_when_text_starts(void **state)
{
    struct nw_article art;
    const char *text = "The council met on Tuesday and approved the harbour budget after a "
                       "long debate that lasted most of the afternoon and part of the night.";
    (void)state;
    load(text, &art);
    assert_null(art.title);
    assert_string_equal(art.text, text);
    nw_article_fini(&art);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_title_after_chrome),
        cmocka_unit_test(test_breadcrumb_title),
        cmocka_unit_test(test_no_title_when_text_starts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
