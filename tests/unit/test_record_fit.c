/* test_record_fit.c — nw_record_fit: records shrink to a size bound (job echo first, then
 * text, then lists) with a note saying what was cut, or say they cannot. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "mem.h"
#include "record.h"

static char *filled(size_t n, char c)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, c, n);
    for (size_t i = 79; i < n; i += 80)
        s[i] = ' ';
    s[n] = '\0';
    return s;
}

static json_t *article(size_t text_len, json_t *job)
{
    struct nw_article art;
    char *text = filled(text_len, 'a');
    nw_article_init(&art);
    assert_int_equal(nw_article_set(&art.url, "https://example.com/a"), NW_OK);
    assert_int_equal(nw_article_set(&art.final_url, "https://example.com/a"), NW_OK);
    assert_int_equal(nw_article_set(&art.fetched_at, "2026-11-30T06:00:00Z"), NW_OK);
    assert_int_equal(nw_article_set(&art.text, text), NW_OK);
    art.job = job;
    json_t *rec = nw_record_article(&art);
    assert_non_null(rec);
    nw_article_fini(&art);
    free(text);
    return rec;
}

static size_t dumped(const json_t *rec)
{
    char *s = nw_record_dump(rec);
    size_t n = strlen(s);
    free(s);
    return n;
}

static int warned(const json_t *rec, const char *what)
{
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(rec, "warnings"), i, w)
    {
        if (strstr(json_string_value(w), what))
            return 1;
    }
    return 0;
}

static void test_small_record_unchanged(void **state)
{
    (void)state;
    json_t *rec = article(1000, json_pack("{s:s}", "url", "https://example.com/a"));
    json_t *before = json_deep_copy(rec);
    size_t size = 0;
    assert_int_equal(nw_record_fit(rec, 100000, &size), NW_OK);
    assert_true(json_equal(rec, before));
    assert_int_equal(size, dumped(rec));
    json_decref(before);
    json_decref(rec);
}

static void test_long_text_is_cut_with_a_warning(void **state)
{
    (void)state;
    json_t *rec = article(2u << 20, json_pack("{s:s}", "url", "https://example.com/a"));
    size_t size = 0;
    assert_int_equal(nw_record_fit(rec, 1000000, &size), NW_OK);
    assert_true(size <= 1000000);
    assert_int_equal(size, dumped(rec));
    assert_true(size > 900000); /* cut to fit, not to nothing */
    assert_true(warned(rec, "text truncated from 2097152"));
    json_decref(rec);
}

static void test_large_unknown_job_keys_go_first(void **state)
{
    (void)state;
    char *big = filled(600000, 'j');
    json_t *job = json_pack("{s:s, s:{s:s}, s:s, s:s, s:i}", "url", "https://example.com/a", "meta",
                            "source", "feed", "blob", big, "small", "kept", "priority", 3);
    json_t *shared_job = json_incref(job);
    json_t *rec = article(1000, job);
    assert_int_equal(nw_record_fit(rec, 500000, NULL), NW_OK);
    json_t *echo = json_object_get(rec, "job");
    assert_null(json_object_get(echo, "blob"));
    assert_string_equal(json_string_value(json_object_get(echo, "small")), "kept");
    assert_non_null(json_object_get(echo, "meta"));
    assert_int_equal(json_integer_value(json_object_get(echo, "priority")), 3);
    assert_true(warned(rec, "'blob' (600002 bytes)"));
    /* the text was not touched: dropping the key was enough */
    assert_int_equal(json_string_length(json_object_get(rec, "text")), 1000);
    /* the job object the record shared is not changed */
    assert_non_null(json_object_get(shared_job, "blob"));
    json_decref(shared_job);
    json_decref(rec);
    free(big);
}

static void test_error_record_notes_in_message(void **state)
{
    (void)state;
    char *big = filled(300000, 'e');
    json_t *job = json_pack("{s:s, s:s}", "url", "https://example.com/a", "extra", big);
    struct nw_error_info info = {.url = "https://example.com/a",
                                 .stage = "fetch",
                                 .code = "http_404",
                                 .message = "HTTP status 404",
                                 .attempts = 1,
                                 .job = job};
    json_t *rec = nw_record_error(&info);
    assert_int_equal(nw_record_fit(rec, 100000, NULL), NW_OK);
    assert_null(json_object_get(json_object_get(rec, "job"), "extra"));
    assert_non_null(strstr(json_string_value(json_object_get(rec, "message")), "'extra'"));
    json_decref(rec);
    json_decref(job);
    free(big);
}

static void test_what_cannot_fit_says_so(void **state)
{
    (void)state;
    /* a url longer than the bound: nothing may be cut from it */
    char *path = filled(5000, 'u');
    for (char *p = path; *p; p++)
        if (*p == ' ')
            *p = 'v';
    char url[5100];
    snprintf(url, sizeof(url), "https://example.com/%s", path);
    struct nw_error_info info = {
        .url = url, .stage = "fetch", .code = "timeout", .message = "m", .attempts = 1};
    json_t *rec = nw_record_error(&info);
    size_t size = 0;
    assert_int_equal(nw_record_fit(rec, 2000, &size), NW_ETOOBIG);
    assert_true(size > 2000);
    json_decref(rec);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_record_unchanged),
        cmocka_unit_test(test_long_text_is_cut_with_a_warning),
        cmocka_unit_test(test_large_unknown_job_keys_go_first),
        cmocka_unit_test(test_error_record_notes_in_message),
        cmocka_unit_test(test_what_cannot_fit_says_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
