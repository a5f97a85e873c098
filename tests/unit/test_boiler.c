/* test_boiler.c — leftovers go, subheads and article text stay. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "boiler.h"
#include "mem.h"

static const char *para =
    "The committee met on Tuesday to discuss the budget, and members agreed that the "
    "spending plan needed a second reading before the vote at the end of the month.";

static char *strip(const char *text, const char *title)
{
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(nw_boiler_strip(text, strlen(text), title, &out, &len), NW_OK);
    assert_non_null(out);
    assert_int_equal(strlen(out), len);
    return out;
}

static void test_prompts_and_copyright_go(void **state)
{
    char text[2048];
    char *out;
    (void)state;
    snprintf(text, sizeof(text),
             "Send Push\n\n%s\n\nLoving Brandname? Download the app now\n\n0 comments\n\n"
             "\xC2\xA9 2024 Some Media. All Rights Reserved.",
             para);
    out = strip(text, NULL);
    assert_string_equal(out, para);
    nw_free(out);
}

static void test_subhead_stays(void **state)
{
    char text[2048];
    char *out;
    (void)state;
    snprintf(text, sizeof(text), "%s\n\nBudget talks resume in March\n\n%s", para, para);
    out = strip(text, NULL);
    assert_non_null(strstr(out, "\n\nBudget talks resume in March\n\n"));
    nw_free(out);
}

static void test_list_header_and_teasers_go(void **state)
{
    char text[2048];
    char *out;
    (void)state;
    snprintf(text, sizeof(text),
             "%s\n\nYou may also like\n\nMayor opens new bridge over the river\n\n"
             "Storm closes schools across the county\n\n%s",
             para, para);
    out = strip(text, NULL);
    assert_null(strstr(out, "also like"));
    assert_null(strstr(out, "Mayor opens"));
    assert_null(strstr(out, "Storm closes"));
    assert_non_null(strstr(out, para));
    nw_free(out);
}

static void test_title_repeat_byline_and_signoff_go(void **state)
{
    char text[2048];
    char *out;
    (void)state;
    snprintf(text, sizeof(text),
             "Budget vote delayed\n\nby Staff Reporter\n\nDecember 31, 2023\n\n%s\n\n--AGENCY\n\n"
             "ab/cd",
             para);
    out = strip(text, "Budget vote delayed");
    assert_string_equal(out, para);
    nw_free(out);
}

static void test_empty_and_null(void **state)
{
    char *out = NULL;
    size_t len = 1;
    (void)state;
    assert_int_equal(nw_boiler_strip(NULL, 0, NULL, &out, &len), NW_OK);
    assert_string_equal(out, "");
    assert_int_equal(len, 0);
    nw_free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prompts_and_copyright_go),
        cmocka_unit_test(test_subhead_stays),
        cmocka_unit_test(test_list_header_and_teasers_go),
        cmocka_unit_test(test_title_repeat_byline_and_signoff_go),
        cmocka_unit_test(test_empty_and_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
