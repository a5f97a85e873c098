/* test_json_dump.c — nw_json_dump writes what json_dumps(v, JSON_COMPACT) writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_dump.h"

static void assert_same(const json_t *v)
{
    char *want = json_dumps(v, JSON_COMPACT), *got = nw_json_dump(v);
    assert_non_null(want);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(want);
    free(got);
}

static void test_strings(void **state)
{
    char all[64];
    json_t *o = json_object();
    (void)state;
    for (int c = 0; c < 0x20; c++)
        all[c] = (char)c; /* every control, NUL included */
    memcpy(all + 0x20, "\"\\/ab\x7f", 6);
    json_object_set_new(o, "controls", json_stringn(all, 0x26));
    json_object_set_new(o, "utf8",
                        json_string("Kābul – “quoted” \xE2\x80\xA8 \xF0\x9F\x98\x80 日本"));
    json_object_set_new(o, "empty", json_string(""));
    json_object_set_new(o, "key \"with\" \\ and \n", json_string("v"));
    json_object_set_new(o, "long", json_string("a plain run of text with no escape at all"));
    assert_same(o);
    json_decref(o);
}

static void test_numbers_and_literals(void **state)
{
    json_t *a =
        json_pack("[I,I,I,f,f,f,f,f,b,b,n,{},[],[{}]]", (json_int_t)0, (json_int_t)INT64_MIN,
                  (json_int_t)INT64_MAX, 0.1, -0.0, 3.0, 1e300, 123456.789, 1, 0);
    (void)state;
    assert_non_null(a);
    assert_same(a);
    json_decref(a);
}

static void test_not_a_container(void **state)
{
    json_t *s = json_string("x");
    (void)state;
    assert_null(nw_json_dump(s));
    assert_null(nw_json_dump(NULL));
    json_decref(s);
}

/* Nesting past NW_JSON_DUMP_DEPTH is handed to Jansson, with the same text. */
static void test_deep(void **state)
{
    json_t *root = json_array(), *cur = root;
    (void)state;
    for (int i = 0; i < NW_JSON_DUMP_DEPTH + 20; i++) {
        json_t *next = i % 2 ? json_array() : json_object();
        if (json_is_array(cur))
            json_array_append_new(cur, next);
        else
            json_object_set_new(cur, "k", next);
        cur = next;
    }
    assert_same(root);
    json_decref(root);
}

/* Random trees from a fixed seed: every kind of value, keys and strings from an alphabet
 * that has controls, quotes, backslashes and multi-byte characters. */
static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

static json_t *random_string(void)
{
    static const char *const parts[] = {
        "a",    "Z", " ", "\"", "\\", "/", "\n", "\t", "\x01", "\x1f", "é", "€", "\xF0\x9F\x98\x80",
        "\x7f", "0"};
    char s[64];
    size_t n = 0, k = rnd() % 8;
    for (size_t i = 0; i < k; i++) {
        const char *p = parts[rnd() % (sizeof(parts) / sizeof(parts[0]))];
        memcpy(s + n, p, strlen(p));
        n += strlen(p);
    }
    return json_stringn(s, n);
}

static json_t *random_value(int depth)
{
    switch (rnd() % (depth > 4 ? 6 : 8)) {
    case 0:
        return random_string();
    case 1:
        return json_integer((json_int_t)(rnd() % 200000) - 100000);
    case 2:
        return json_real((double)(rnd() % 100000) / 7.0);
    case 3:
        return json_true();
    case 4:
        return json_false();
    case 5:
        return json_null();
    case 6: {
        json_t *a = json_array();
        for (size_t i = 0, n = rnd() % 5; i < n; i++)
            json_array_append_new(a, random_value(depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (size_t i = 0, n = rnd() % 5; i < n; i++) {
            json_t *k = random_string();
            json_object_set_new(o, json_string_value(k), random_value(depth + 1));
            json_decref(k);
        }
        return o;
    }
    }
}

static void test_random_trees(void **state)
{
    (void)state;
    for (int i = 0; i < 2000; i++) {
        json_t *v = json_array();
        json_array_append_new(v, random_value(0));
        assert_same(v);
        json_decref(v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings),         cmocka_unit_test(test_numbers_and_literals),
        cmocka_unit_test(test_not_a_container), cmocka_unit_test(test_deep),
        cmocka_unit_test(test_random_trees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
