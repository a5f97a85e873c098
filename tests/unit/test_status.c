/* test_status.c — status names, messages and nw_fail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "status.h"

static void test_every_status_has_a_distinct_name(void **state)
{
    (void)state;
    for (int a = NW_ENOTHTML; a <= NW_OK; a++) {
        const char *name = nw_status_name((enum nw_status)a);
        assert_non_null(name);
        assert_string_not_equal(name, "unknown");
        assert_string_not_equal(nw_status_message((enum nw_status)a), "unknown error");
        /* codes in error records: snake_case, matches error.v1.json's pattern */
        for (const char *p = name; *p; p++)
            assert_true((*p >= 'a' && *p <= 'z') || *p == '_');
        for (int b = NW_ENOTHTML; b < a; b++)
            assert_string_not_equal(name, nw_status_name((enum nw_status)b));
    }
    assert_string_equal(nw_status_name(NW_OK), "ok");
    assert_string_equal(nw_status_name(NW_ETOOBIG), "too_big");
}

static void test_unknown_status_is_not_null(void **state)
{
    (void)state;
    assert_string_equal(nw_status_name((enum nw_status) - 999), "unknown");
    assert_string_equal(nw_status_message((enum nw_status)42), "unknown error");
}

static void test_fail_formats_and_returns_status(void **state)
{
    char err[64];

    (void)state;
    assert_int_equal(nw_fail(NW_EINVAL, err, sizeof(err), "bad key %s (%d)", "x.y", 7), NW_EINVAL);
    assert_string_equal(err, "bad key x.y (7)");
}

static void test_fail_truncates_and_terminates(void **state)
{
    char err[8];

    (void)state;
    memset(err, 'Z', sizeof(err));
    assert_int_equal(nw_fail(NW_ETOOBIG, err, sizeof(err), "%s", "a long long message"),
                     NW_ETOOBIG);
    assert_int_equal(strlen(err), sizeof(err) - 1);
    assert_string_equal(err, "a long ");
}

static void test_fail_without_buffer(void **state)
{
    char err[4] = "abc";

    (void)state;
    assert_int_equal(nw_fail(NW_EIO, NULL, 0, "ignored %d", 1), NW_EIO);
    assert_int_equal(nw_fail(NW_EIO, err, 0, "ignored %d", 1), NW_EIO);
    assert_string_equal(err, "abc"); /* size 0: untouched */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_status_has_a_distinct_name),
        cmocka_unit_test(test_unknown_status_is_not_null),
        cmocka_unit_test(test_fail_formats_and_returns_status),
        cmocka_unit_test(test_fail_truncates_and_terminates),
        cmocka_unit_test(test_fail_without_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
