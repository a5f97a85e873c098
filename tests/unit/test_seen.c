/* test_seen.c — the watcher's seen sets: lookups, merges, age and count bounds, hex form. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mem.h"
#include "seen.h"

static void add(struct nw_seen *s, const uint64_t *h, const uint32_t *t, size_t n, uint32_t min_t,
                size_t max)
{
    struct nw_seen_entry e[64];

    for (size_t i = 0; i < n; i++) {
        e[i].h = h[i];
        e[i].t = t[i];
    }
    assert_int_equal(nw_seen_merge(s, e, n, min_t, max), NW_OK);
    for (size_t i = 1; i < s->n; i++)
        assert_true(s->e[i - 1].h < s->e[i].h); /* sorted, no repeats */
}

static void test_merge_find(void **state)
{
    struct nw_seen s = {0};
    const uint64_t h1[] = {30, 10, 20, 10};
    const uint32_t t1[] = {100, 100, 100, 150};
    const uint64_t h2[] = {20, 40};
    const uint32_t t2[] = {200, 200};

    (void)state;
    add(&s, h1, t1, 4, 0, 100);
    assert_int_equal(s.n, 3);
    assert_int_equal(nw_seen_find(&s, 10)->t, 150); /* the newer time of a repeat */
    assert_null(nw_seen_find(&s, 15));
    add(&s, h2, t2, 2, 0, 100);
    assert_int_equal(s.n, 4);
    assert_int_equal(nw_seen_find(&s, 20)->t, 200);
    assert_non_null(nw_seen_find(&s, 40));
    nw_seen_fini(&s);
    nw_seen_fini(&s);
}

static void test_age_and_count(void **state)
{
    struct nw_seen s = {0};
    const uint64_t h[] = {1, 2, 3, 4, 5, 6};
    const uint32_t t[] = {10, 20, 30, 40, 50, 50};

    (void)state;
    /* Not listed since 25: 1 and 2 go. */
    add(&s, h, t, 6, 25, 100);
    assert_int_equal(s.n, 4);
    assert_null(nw_seen_find(&s, 2));
    /* At most 3: the oldest (3 at 30) goes, the two at 50 and 4 at 40 stay. */
    add(&s, NULL, NULL, 0, 0, 3);
    assert_int_equal(s.n, 3);
    assert_null(nw_seen_find(&s, 3));
    assert_non_null(nw_seen_find(&s, 4));
    /* At most 1 with a tie at the newest time: exactly one of the two stays. */
    add(&s, NULL, NULL, 0, 0, 1);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.e[0].t, 50);
    nw_seen_fini(&s);
}

static void test_hex(void **state)
{
    struct nw_seen s = {0}, back = {0};
    const uint64_t h[] = {0xffffffffffffffffull, 1, 0x0123456789abcdefull};
    const uint32_t t[] = {7, 8, 9};
    char *hex = NULL;

    (void)state;
    add(&s, h, t, 3, 0, 100);
    assert_int_equal(nw_seen_encode(&s, 100, &hex), NW_OK);
    assert_int_equal(strlen(hex), 72);
    assert_int_equal(nw_seen_decode(&back, hex), NW_OK);
    assert_int_equal(back.n, 3);
    assert_memory_equal(back.e, s.e, 3 * sizeof(*s.e));
    nw_free(hex);
    /* Capped: the newest two. */
    assert_int_equal(nw_seen_encode(&s, 2, &hex), NW_OK);
    assert_int_equal(nw_seen_decode(&back, hex), NW_OK);
    assert_int_equal(back.n, 2);
    assert_null(nw_seen_find(&back, 0xffffffffffffffffull));
    nw_free(hex);
    /* A bad digit ends the list; a partial entry is ignored. */
    assert_int_equal(nw_seen_decode(&back, "00000000000000010000000a0000000000000002zz"), NW_OK);
    assert_int_equal(back.n, 1);
    assert_int_equal(nw_seen_decode(&back, ""), NW_OK);
    assert_int_equal(back.n, 0);
    nw_seen_fini(&s);
    nw_seen_fini(&back);
}

static void test_hash(void **state)
{
    (void)state;
    /* Stable across versions: the state files depend on it. */
    assert_true(nw_seen_hash("https://example.com/a", 21, 0) ==
                nw_seen_hash("https://example.com/a", 21, 0));
    assert_true(nw_seen_hash("a", 1, 0) != nw_seen_hash("a", 1, 1));
    assert_true(nw_seen_hash("a", 1, 0) != nw_seen_hash("b", 1, 0));
}

static void test_oom(void **state)
{
    struct nw_seen s = {0};
    const uint64_t h[] = {1, 2, 3};
    const uint32_t t[] = {1, 2, 3};
    struct nw_seen_entry e[3];

    (void)state;
    add(&s, h, t, 3, 0, 100);
    for (int i = 0; i < 3; i++) {
        e[i].h = 10 + (uint64_t)i;
        e[i].t = 5;
    }
    nw_mem_fail_after(1);
    assert_int_equal(nw_seen_merge(&s, e, 3, 0, 2), NW_ENOMEM);
    nw_mem_fail_after(0);
    assert_int_equal(s.n, 3); /* unchanged */
    nw_seen_fini(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_find), cmocka_unit_test(test_age_and_count),
        cmocka_unit_test(test_hex),        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
