/* test_enrich_amounts.c — money, percentages, people; and the dateline and quotes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "enrich/amounts.h"
#include "enrich/dateline.h"
#include "enrich/entities.h"
#include "enrich/quotes.h"
#include "enrich/stats.h"
#include "enrich/tok.h"

static struct nw_gazetteer *gaz;
static struct nw_currencies cur;

static int setup(void **state)
{
    char err[256];
    (void)state;
    gaz = nw_gazetteer_create(NULL, err, sizeof(err));
    return gaz && nw_currencies_init(&cur, NULL, err, sizeof(err)) == NW_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    nw_gazetteer_destroy(gaz);
    nw_currencies_fini(&cur);
    return 0;
}

static json_t *amounts(const char *text)
{
    struct nw_toks t;
    json_t *out = NULL;
    assert_int_equal(nw_toks_init(&t, text, strlen(text), 1000), NW_OK);
    assert_int_equal(nw_amounts_find(&cur, gaz, &t, &out), NW_OK);
    nw_toks_fini(&t);
    return out;
}

static void check(json_t *a, size_t i, const char *text, double value, const char *unit)
{
    json_t *item = json_array_get(a, i);
    assert_non_null(item);
    assert_string_equal(json_string_value(json_object_get(item, "text")), text);
    assert_true(json_number_value(json_object_get(item, "value")) == value);
    assert_string_equal(json_string_value(json_object_get(item, "unit")), unit);
}

static void test_money(void **state)
{
    json_t *a;
    (void)state;
    a = amounts("It cost $25 billion, then $900m and $1.2bn; EUR 3 million and 40 euros.");
    assert_int_equal(json_array_size(a), 5);
    check(a, 0, "$25 billion", 25e9, "USD");
    check(a, 1, "$900m", 900e6, "USD");
    check(a, 2, "$1.2bn", 1.2e9, "USD");
    check(a, 3, "EUR 3 million", 3e6, "EUR");
    check(a, 4, "40 euros", 40, "EUR");
    json_decref(a);
}

static void test_percent_and_people(void **state)
{
    json_t *a;
    (void)state;
    a = amounts("A 29% rise, 12 percent more, 1.7 million Afghan refugees and 2,867 "
                "Pakistanis; in 2023 the 3rd round.");
    assert_int_equal(json_array_size(a), 4);
    check(a, 0, "29%", 29, "percent");
    check(a, 1, "12 percent", 12, "percent");
    check(a, 2, "1.7 million Afghan refugees", 1.7e6, "people");
    check(a, 3, "2,867 Pakistanis", 2867, "people");
    json_decref(a);
}

static void test_dateline(void **state)
{
    json_t *d = NULL;
    const char *t1 = "Islamabad, Oct 31 (IANS) Pakistan's policy gains.";
    const char *t2 = "WASHINGTON \xE2\x80\x94 The talks ended.";
    const char *t3 = "Pakistan has embarked on a shift.";
    (void)state;
    assert_int_equal(nw_dateline_find(t1, strlen(t1), &d), NW_OK);
    assert_string_equal(json_string_value(json_object_get(d, "place")), "Islamabad");
    assert_string_equal(json_string_value(json_object_get(d, "date")), "Oct 31");
    assert_string_equal(json_string_value(json_object_get(d, "agency")), "IANS");
    json_decref(d);
    assert_int_equal(nw_dateline_find(t2, strlen(t2), &d), NW_OK);
    assert_string_equal(json_string_value(json_object_get(d, "place")), "Washington");
    assert_true(json_is_null(json_object_get(d, "agency")));
    json_decref(d);
    assert_int_equal(nw_dateline_find(t3, strlen(t3), &d), NW_OK);
    assert_null(d);
}

static void test_quotes_with_speakers(void **state)
{
    const char *text = "Minister Omar Faruk spoke on Monday. \xE2\x80\x9CWe will build the new "
                       "port this year,\xE2\x80\x9D he told reporters. \xE2\x80\x9CThe plan is "
                       "late and far too costly,\xE2\x80\x9D the report said. \xE2\x80\x9CToo "
                       "short\xE2\x80\x9D, Faruk said.";
    struct nw_toks t;
    struct nw_entities e;
    json_t *q = NULL;
    (void)state;
    assert_int_equal(nw_toks_init(&t, text, strlen(text), 1000), NW_OK);
    assert_int_equal(nw_entities_extract(gaz, &t, &e), NW_OK);
    assert_int_equal(nw_quotes_find(&t, &e, &q), NW_OK);
    assert_int_equal(json_array_size(q), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(q, 0), "text")),
                        "We will build the new port this year");
    assert_string_equal(json_string_value(json_object_get(json_array_get(q, 0), "speaker")),
                        "Omar Faruk");
    assert_string_equal(json_string_value(json_object_get(json_array_get(q, 1), "speaker")),
                        "the report");
    json_decref(q);
    nw_entities_fini(&e);
    nw_toks_fini(&t);
}

static void test_stats(void **state)
{
    struct nw_text_stats st;
    const char *text = "One two three. Four five!\n\nSix \xC3\xA9t\xC3\xA9 seven?";
    (void)state;
    nw_stats_compute(text, strlen(text), &st);
    assert_int_equal(st.words, 8);
    assert_int_equal(st.sentences, 3);
    assert_int_equal(st.paragraphs, 2);
    assert_int_equal(st.chars, strlen(text) - 2);
    assert_int_equal(st.reading_time_s, 3); /* 8 words at 230 wpm, rounded up */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_money),    cmocka_unit_test(test_percent_and_people),
        cmocka_unit_test(test_dateline), cmocka_unit_test(test_quotes_with_speakers),
        cmocka_unit_test(test_stats),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
