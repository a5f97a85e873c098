/* test_log.c — level filter, level names and the replaceable sink. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_level_names_round_trip, teardown),
        cmocka_unit_test_teardown(test_filter_and_sink, teardown),
        cmocka_unit_test_teardown(test_long_message_is_truncated_not_overflowed, teardown),
        cmocka_unit_test_teardown(test_default_sink_writes_stderr, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
