/* test_lines.c — trimmed lines out of plain text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "lines.h"

/* Splits text and writes the lines joined by '|' into out. Returns the number of lines. */
static size_t split(const char *text, char *out, size_t out_size)
{
    size_t len = strlen(text), pos = 0, n = 0, o = 0;

    out[0] = '\0';
    while (pos < len) {
        size_t start, end, before = pos;
        nw_lines_next(text, len, &pos, &start, &end);
        assert_true(pos > before);
        assert_true(start <= end && end <= len);
        if (n++ > 0 && o + 1 < out_size)
            out[o++] = '|';
        for (size_t i = start; i < end && o + 1 < out_size; i++)
            out[o++] = text[i];
        out[o] = '\0';
    }
    return n;
}

/* Each input, its line count and its lines joined by '|'. */
static const struct {
    const char *text;
    size_t lines;
    const char *joined;
} cases[] = {
    {" \tfirst line  \r\nsecond\n\n  \t \r\nlast", 5, "first line|second|||last"},
    {"one\ntwo\n", 2, "one|two"}, /* a trailing newline starts no further line */
    {"\n", 1, ""},
    {"", 0, ""},
    /* only leading spaces/tabs and trailing spaces/CRs are trimmed */
    {"\ra\tb\t\n", 1, "\ra\tb\t"},
};

static void test_cases(void **state)
{
    char out[128];
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(split(cases[i].text, out, sizeof(out)), cases[i].lines);
        assert_string_equal(out, cases[i].joined);
    }
}

static void test_offsets_point_into_text(void **state)
{
    const char *text = "  abc \ndef";
    size_t pos = 0, start, end;
    (void)state;
    nw_lines_next(text, strlen(text), &pos, &start, &end);
    assert_int_equal(start, 2);
    assert_int_equal(end, 5);
    assert_int_equal(pos, 7);
    nw_lines_next(text, strlen(text), &pos, &start, &end);
    assert_int_equal(start, 7);
    assert_int_equal(end, 10);
    assert_int_equal(pos, 10);
}

/* Walking back from the end gives the same lines in reverse order. */
static void test_prev_mirrors_next(void **state)
{
    char fwd[128], back[128];
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *text = cases[i].text;
        size_t len = strlen(text), pos = len, n = 0, o = 0;
        size_t starts[16], ends[16];
        assert_int_equal(split(text, fwd, sizeof(fwd)), cases[i].lines);
        while (pos > 0 && n < 16) {
            size_t before = pos;
            nw_lines_prev(text, &pos, &starts[n], &ends[n]);
            assert_true(pos < before);
            assert_true(starts[n] <= ends[n] && ends[n] <= len);
            n++;
        }
        assert_int_equal(n, cases[i].lines);
        back[0] = '\0';
        for (size_t k = n; k-- > 0;) {
            if (k + 1 < n)
                back[o++] = '|';
            memcpy(back + o, text + starts[k], ends[k] - starts[k]);
            o += ends[k] - starts[k];
            back[o] = '\0';
        }
        assert_string_equal(back, fwd);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_offsets_point_into_text),
        cmocka_unit_test(test_prev_mirrors_next),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
