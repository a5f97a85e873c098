/* test_log.c — level filter, level names and the replaceable sink. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <jansson.h>

#include "log.h"

struct capture {
    int calls;
    enum nw_log_level level;
    char component[32];
    char message[4096];
};

static void sink(enum nw_log_level level, const char *component, const char *message, void *ctx)
{
    struct capture *c = ctx;

    c->calls++;
    c->level = level;
    strncpy(c->component, component, sizeof(c->component) - 1);
    strncpy(c->message, message, sizeof(c->message) - 1);
}

static int teardown(void **state)
{
    (void)state;
    nw_log_set_sink(NULL, NULL);
    nw_log_set_level(NW_LOG_INFO);
    return 0;
}

static void test_level_names_round_trip(void **state)
{
    enum nw_log_level lv;

    (void)state;
    for (int i = NW_LOG_ERROR; i <= NW_LOG_DEBUG; i++) {
        assert_int_equal(nw_log_level_parse(nw_log_level_name((enum nw_log_level)i), &lv), 0);
        assert_int_equal(lv, i);
    }
    assert_int_equal(nw_log_level_parse("verbose", &lv), -1);
    assert_int_equal(nw_log_level_parse("", &lv), -1);
    assert_string_equal(nw_log_level_name((enum nw_log_level)17), "?");
}

static void test_filter_and_sink(void **state)
{
    struct capture c;

    (void)state;
    memset(&c, 0, sizeof(c));
    nw_log_set_sink(sink, &c);
    nw_log_set_level(NW_LOG_WARN);
    assert_int_equal(nw_log_get_level(), NW_LOG_WARN);
    NW_LOG_INFO("fetch", "not shown %d", 1);
    NW_LOG_DEBUG("fetch", "not shown");
    assert_int_equal(c.calls, 0);
    NW_LOG_WARN("fetch", "shown %s %d", "x", 2);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.level, NW_LOG_WARN);
    assert_string_equal(c.component, "fetch");
    assert_string_equal(c.message, "shown x 2");
    NW_LOG_ERROR("decode", "bad");
    assert_int_equal(c.calls, 2);
    assert_int_equal(c.level, NW_LOG_ERROR);
}

static void test_long_message_is_truncated_not_overflowed(void **state)
{
    static char big[10000];
    struct capture c;

    (void)state;
    memset(&c, 0, sizeof(c));
    memset(big, 'x', sizeof(big) - 1);
    nw_log_set_sink(sink, &c);
    NW_LOG_ERROR("test", "%s", big);
    assert_int_equal(c.calls, 1);
    assert_true(strlen(c.message) > 100);
    assert_true(strlen(c.message) < sizeof(big) - 1);
}

static void test_default_sink_writes_stderr(void **state)
{
    (void)state;
    nw_log_set_sink(NULL, NULL);
    NW_LOG_WARN("test", "default sink line (expected in test output)");
}

/* 2026-11-23T10:00:00.042Z */
#define TS_MS 1795428000042LL

static json_t *parse_line(const char *line)
{
    size_t n = strlen(line);
    json_error_t err;

    assert_true(n > 0);
    assert_int_equal(line[n - 1], '\n');
    assert_null(memchr(line, '\n', n - 1)); /* one line */
    return json_loadb(line, n - 1, 0, &err);
}

static void test_json_line_carries_fields(void **state)
{
    char line[4096];
    json_t *o;

    (void)state;
    nw_log_format_line(line, sizeof(line), NW_LOG_FORMAT_JSON, TS_MS, NW_LOG_WARN, "run",
                       &(struct nw_log_fields){.url = "http://a.example/x?q=\"1\"",
                                               .topic = "news.urls",
                                               .partition = 0,
                                               .offset = 17,
                                               .code = "http_404",
                                               .http_status = 404},
                       "job failed:\n\ttab \"quoted\" back\\slash");
    o = parse_line(line);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "ts")), "2026-11-23T10:00:00.042Z");
    assert_string_equal(json_string_value(json_object_get(o, "level")), "warn");
    assert_string_equal(json_string_value(json_object_get(o, "component")), "run");
    assert_string_equal(json_string_value(json_object_get(o, "msg")),
                        "job failed:\n\ttab \"quoted\" back\\slash");
    assert_string_equal(json_string_value(json_object_get(o, "url")), "http://a.example/x?q=\"1\"");
    assert_string_equal(json_string_value(json_object_get(o, "topic")), "news.urls");
    assert_int_equal(json_integer_value(json_object_get(o, "partition")), 0);
    assert_int_equal(json_integer_value(json_object_get(o, "offset")), 17);
    assert_string_equal(json_string_value(json_object_get(o, "code")), "http_404");
    assert_int_equal(json_integer_value(json_object_get(o, "http_status")), 404);
    json_decref(o);
}

static void test_json_line_omits_absent_fields(void **state)
{
    char line[4096];
    json_t *o;

    (void)state;
    /* No topic: partition 0 and offset 0 of a zeroed field set are not a position. */
    nw_log_format_line(line, sizeof(line), NW_LOG_FORMAT_JSON, TS_MS, NW_LOG_INFO, "fetch",
                       NW_LOG_URL("http://b.example/", NULL), "plain");
    o = parse_line(line);
    assert_non_null(o);
    assert_int_equal(json_object_size(o), 5);
    assert_null(json_object_get(o, "partition"));
    assert_null(json_object_get(o, "code"));
    json_decref(o);
    nw_log_format_line(line, sizeof(line), NW_LOG_FORMAT_JSON, TS_MS, NW_LOG_INFO, "fetch", NULL,
                       "no fields");
    o = parse_line(line);
    assert_non_null(o);
    assert_int_equal(json_object_size(o), 4);
    json_decref(o);
    /* A Kafka position with an unknown offset. */
    nw_log_format_line(line, sizeof(line), NW_LOG_FORMAT_JSON, TS_MS, NW_LOG_INFO, "run",
                       NW_LOG_AT("t", 3, -1), "x");
    o = parse_line(line);
    assert_non_null(o);
    assert_int_equal(json_integer_value(json_object_get(o, "partition")), 3);
    assert_null(json_object_get(o, "offset"));
    json_decref(o);
}

static void test_json_line_repairs_bad_utf8_and_stays_valid_when_cut(void **state)
{
    static char big[6000];
    char line[512];
    json_t *o;

    (void)state;
    nw_log_format_line(line, sizeof(line), NW_LOG_FORMAT_JSON, TS_MS, NW_LOG_ERROR, "fetch",
                       NW_LOG_URL("http://c.example/\xff\xfe", "x"),
                       "bad \xc3 byte, good \xc3\xa9");
    o = parse_line(line);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "msg")),
                        "bad \xef\xbf\xbd byte, good \xc3\xa9");
    json_decref(o);
    /* A message longer than the line: the line is cut in the message, fields kept. */
    memset(big, 'y', sizeof(big) - 1);
    memcpy(big + 100, "\xc3\xa9\"\x01", 4);
    nw_log_format_line(line, sizeof(line), NW_LOG_FORMAT_JSON, TS_MS, NW_LOG_ERROR, "fetch",
                       NW_LOG_AT("news.urls", 1, 2), big);
    assert_true(strlen(line) < sizeof(line));
    o = parse_line(line);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "topic")), "news.urls");
    assert_true(strlen(json_string_value(json_object_get(o, "msg"))) > 100);
    json_decref(o);
}

static void test_text_line_unchanged_by_fields(void **state)
{
    char a[256], b[256];

    (void)state;
    nw_log_format_line(a, sizeof(a), NW_LOG_FORMAT_TEXT, TS_MS, NW_LOG_WARN, "fetch", NULL, "m 1");
    nw_log_format_line(b, sizeof(b), NW_LOG_FORMAT_TEXT, TS_MS, NW_LOG_WARN, "fetch",
                       NW_LOG_AT("t", 1, 2), "m 1");
    assert_string_equal(a, "2026-11-23T10:00:00Z warn fetch: m 1\n");
    assert_string_equal(a, b);
}

/* A job URL carrying a newline must not forge a log line of its own: every control
 * character, LF and CR included, is escaped in text lines as in JSON lines. */
static void test_text_line_escapes_control_characters(void **state)
{
    char out[256];
    size_t n;

    (void)state;
    n = nw_log_format_line(out, sizeof(out), NW_LOG_FORMAT_TEXT, TS_MS, NW_LOG_WARN, "run", NULL,
                           "bad url http://a/\n2026 error forged\r\x01\x7f\tend");
    assert_string_equal(out, "2026-11-23T10:00:00Z warn run: bad url "
                             "http://a/\\n2026 error forged\\r\\x01\\x7f\\tend\n");
    assert_int_equal(n, strlen(out));
    /* one line: the only LF is the last byte */
    assert_ptr_equal(strchr(out, '\n'), out + n - 1);
    assert_null(strchr(out, '\r'));
}

static void test_format_names(void **state)
{
    enum nw_log_format f;

    (void)state;
    assert_int_equal(nw_log_format_parse("json", &f), 0);
    assert_int_equal(f, NW_LOG_FORMAT_JSON);
    assert_int_equal(nw_log_format_parse("text", &f), 0);
    assert_int_equal(f, NW_LOG_FORMAT_TEXT);
    assert_int_equal(nw_log_format_parse("JSON", &f), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_level_names_round_trip, teardown),
        cmocka_unit_test_teardown(test_filter_and_sink, teardown),
        cmocka_unit_test_teardown(test_long_message_is_truncated_not_overflowed, teardown),
        cmocka_unit_test_teardown(test_default_sink_writes_stderr, teardown),
        cmocka_unit_test(test_json_line_carries_fields),
        cmocka_unit_test(test_json_line_omits_absent_fields),
        cmocka_unit_test(test_json_line_repairs_bad_utf8_and_stays_valid_when_cut),
        cmocka_unit_test(test_text_line_unchanged_by_fields),
        cmocka_unit_test(test_text_line_escapes_control_characters),
        cmocka_unit_test(test_format_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
