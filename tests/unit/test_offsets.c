/* test_offsets.c — the per-partition offset tracker (shared/offsets.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "mem.h"
#include "offsets.h"

static void test_in_order(void **state)
{
    struct nw_offsets *o = nw_offsets_create();
    uint64_t gen = 0;
    int64_t off = -1;

    assert_non_null(o);
    assert_int_equal(nw_offsets_begin(o, 0, 10, &gen), NW_OK);
    assert_true(gen != 0);
    assert_int_equal(nw_offsets_begin(o, 0, 11, NULL), NW_OK);
    assert_int_equal(nw_offsets_in_flight(o, 0), 2);
    /* nothing finished yet: nothing to store */
    assert_int_equal(nw_offsets_committable(o, 0, &off), 0);
    assert_int_equal(nw_offsets_finish(o, 0, gen, 10), NW_OK);
    assert_int_equal(nw_offsets_committable(o, 0, &off), 1);
    assert_int_equal(off, 11);
    /* the same value is not reported twice */
    assert_int_equal(nw_offsets_committable(o, 0, &off), 0);
    assert_int_equal(nw_offsets_finish(o, 0, gen, 11), NW_OK);
    assert_int_equal(nw_offsets_committable(o, 0, &off), 1);
    assert_int_equal(off, 12);
    assert_int_equal(nw_offsets_total_in_flight(o), 0);
    nw_offsets_destroy(o);
}

static void test_out_of_order(void **state)
{
    struct nw_offsets *o = nw_offsets_create();
    uint64_t gen;
    int64_t off = -1;

    for (int64_t i = 100; i < 105; i++)
        assert_int_equal(nw_offsets_begin(o, 3, i, &gen), NW_OK);
    /* 101..103 finish first: the lowest unfinished stays 100 */
    assert_int_equal(nw_offsets_finish(o, 3, gen, 102), NW_OK);
    assert_int_equal(nw_offsets_finish(o, 3, gen, 101), NW_OK);
    assert_int_equal(nw_offsets_finish(o, 3, gen, 103), NW_OK);
    assert_int_equal(nw_offsets_committable(o, 3, &off), 1);
    assert_int_equal(off, 100);
    assert_int_equal(nw_offsets_in_flight(o, 3), 2);
    /* 100 finishes: everything up to 103 is done, 104 is the lowest unfinished */
    assert_int_equal(nw_offsets_finish(o, 3, gen, 100), NW_OK);
    assert_int_equal(nw_offsets_committable(o, 3, &off), 1);
    assert_int_equal(off, 104);
    assert_int_equal(nw_offsets_finish(o, 3, gen, 104), NW_OK);
    assert_int_equal(nw_offsets_committable(o, 3, &off), 1);
    assert_int_equal(off, 105);
    nw_offsets_destroy(o);
}

static void test_gaps_in_offsets(void **state)
{
    /* Compacted topics and transaction markers leave gaps between offsets. */
    struct nw_offsets *o = nw_offsets_create();
    uint64_t gen;
    int64_t off;

    assert_int_equal(nw_offsets_begin(o, 1, 5, &gen), NW_OK);
    assert_int_equal(nw_offsets_begin(o, 1, 9, &gen), NW_OK);
    assert_int_equal(nw_offsets_begin(o, 1, 20, &gen), NW_OK);
    assert_int_equal(nw_offsets_finish(o, 1, gen, 9), NW_OK);
    assert_int_equal(nw_offsets_finish(o, 1, gen, 5), NW_OK);
    assert_int_equal(nw_offsets_committable(o, 1, &off), 1);
    assert_int_equal(off, 20);
    /* unknown offset, finished twice */
    assert_int_equal(nw_offsets_finish(o, 1, gen, 7), NW_EINVAL);
    assert_int_equal(nw_offsets_finish(o, 1, gen, 9), NW_EINVAL);
    assert_int_equal(nw_offsets_in_flight(o, 1), 1);
    nw_offsets_destroy(o);
}

static void test_not_increasing(void **state)
{
    struct nw_offsets *o = nw_offsets_create();
    uint64_t gen;

    assert_int_equal(nw_offsets_begin(o, 0, 10, &gen), NW_OK);
    assert_int_equal(nw_offsets_begin(o, 0, 10, &gen), NW_EINVAL);
    assert_int_equal(nw_offsets_begin(o, 0, 3, &gen), NW_EINVAL);
    assert_int_equal(nw_offsets_begin(o, 0, -1, &gen), NW_EINVAL);
    assert_int_equal(nw_offsets_in_flight(o, 0), 1);
    nw_offsets_destroy(o);
}

static void test_failed_holds_offset(void **state)
{
    struct nw_offsets *o = nw_offsets_create();
    uint64_t gen;
    int64_t off;

    for (int64_t i = 0; i < 4; i++)
        assert_int_equal(nw_offsets_begin(o, 0, i, &gen), NW_OK);
    assert_int_equal(nw_offsets_finish(o, 0, gen, 0), NW_OK);
    assert_int_equal(nw_offsets_fail(o, 0, gen, 1), NW_OK);
    assert_int_equal(nw_offsets_finish(o, 0, gen, 2), NW_OK);
    assert_int_equal(nw_offsets_finish(o, 0, gen, 3), NW_OK);
    /* the failed job at 1 holds the offset; it no longer counts as in flight */
    assert_int_equal(nw_offsets_committable(o, 0, &off), 1);
    assert_int_equal(off, 1);
    assert_int_equal(nw_offsets_in_flight(o, 0), 0);
    assert_int_equal(nw_offsets_failed(o, 0), 1);
    /* later jobs still do not move it */
    assert_int_equal(nw_offsets_begin(o, 0, 4, &gen), NW_OK);
    assert_int_equal(nw_offsets_finish(o, 0, gen, 4), NW_OK);
    assert_int_equal(nw_offsets_committable(o, 0, &off), 0);
    assert_int_equal(nw_offsets_position(o, 0, &off), 1);
    assert_int_equal(off, 1);
    /* a failed job cannot be finished afterwards */
    assert_int_equal(nw_offsets_finish(o, 0, gen, 1), NW_EINVAL);
    nw_offsets_destroy(o);
}

static void test_partitions_independent(void **state)
{
    struct nw_offsets *o = nw_offsets_create();
    uint64_t g0, g1;
    int64_t off;

    assert_int_equal(nw_offsets_begin(o, 0, 0, &g0), NW_OK);
    assert_int_equal(nw_offsets_begin(o, 1, 0, &g1), NW_OK);
    assert_int_equal(nw_offsets_begin(o, 1, 1, &g1), NW_OK);
    assert_true(g0 != g1);
    assert_int_equal(nw_offsets_total_in_flight(o), 3);
    assert_int_equal(nw_offsets_finish(o, 1, g1, 0), NW_OK);
    assert_int_equal(nw_offsets_committable(o, 0, &off), 0);
    assert_int_equal(nw_offsets_committable(o, 1, &off), 1);
    assert_int_equal(off, 1);
    /* the wrong generation for a partition is rejected */
    assert_int_equal(nw_offsets_finish(o, 0, g1, 0), NW_EINVAL);
    assert_int_equal(nw_offsets_total_in_flight(o), 2);
    nw_offsets_destroy(o);
}

static void test_revoke_and_stale_jobs(void **state)
{
    struct nw_offsets *o = nw_offsets_create();
    uint64_t old_gen, new_gen;
    int64_t off;

    assert_int_equal(nw_offsets_begin(o, 2, 50, &old_gen), NW_OK);
    assert_int_equal(nw_offsets_begin(o, 2, 51, &old_gen), NW_OK);
    nw_offsets_revoke(o, 2);
    assert_false(nw_offsets_has(o, 2, NULL));
    assert_int_equal(nw_offsets_total_in_flight(o), 0);
    /* the partition comes back from the committed offset 50 */
    assert_int_equal(nw_offsets_assign(o, 2, &new_gen), NW_OK);
    assert_true(new_gen != old_gen);
    assert_int_equal(nw_offsets_begin(o, 2, 50, &new_gen), NW_OK);
    /* the old job at 50 finishing must not count for the new one */
    assert_int_equal(nw_offsets_finish(o, 2, old_gen, 50), NW_EINVAL);
    assert_int_equal(nw_offsets_committable(o, 2, &off), 0);
    assert_int_equal(nw_offsets_in_flight(o, 2), 1);
    assert_int_equal(nw_offsets_finish(o, 2, new_gen, 50), NW_OK);
    assert_int_equal(nw_offsets_committable(o, 2, &off), 1);
    assert_int_equal(off, 51);
    nw_offsets_destroy(o);
}

static void test_many_random_order(void **state)
{
    /* 5000 jobs finished in a shuffled order: the stored offset never passes an
     * unfinished job and ends one past the last. */
    enum { N = 5000 };
    struct nw_offsets *o = nw_offsets_create();
    int64_t *order = malloc(N * sizeof(*order));
    unsigned char *done = calloc(N, 1);
    uint64_t gen;
    int64_t off, lowest = 0;

    assert_non_null(order);
    assert_non_null(done);
    for (int64_t i = 0; i < N; i++) {
        assert_int_equal(nw_offsets_begin(o, 7, i, &gen), NW_OK);
        order[i] = i;
    }
    srand(12345);
    for (int i = N - 1; i > 0; i--) {
        int j = rand() % (i + 1);
        int64_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int i = 0; i < N; i++) {
        assert_int_equal(nw_offsets_finish(o, 7, gen, order[i]), NW_OK);
        done[order[i]] = 1;
        while (lowest < N && done[lowest])
            lowest++;
        if (nw_offsets_committable(o, 7, &off))
            assert_int_equal(off, lowest);
        assert_int_equal(nw_offsets_in_flight(o, 7), (size_t)(N - i - 1));
    }
    assert_int_equal(nw_offsets_position(o, 7, &off), 1);
    assert_int_equal(off, N);
    free(order);
    free(done);
    nw_offsets_destroy(o);
}

static void test_allocation_failure(void **state)
{
    struct nw_offsets *o = nw_offsets_create();
    uint64_t gen;

    assert_non_null(o);
    nw_mem_fail_after(1);
    assert_int_equal(nw_offsets_begin(o, 0, 0, &gen), NW_ENOMEM);
    nw_mem_fail_after(0);
    assert_int_equal(nw_offsets_total_in_flight(o), 0);
    assert_int_equal(nw_offsets_begin(o, 0, 0, &gen), NW_OK);
    assert_int_equal(nw_offsets_total_in_flight(o), 1);
    nw_offsets_destroy(o);
}

/* Finished jobs above an unfinished one are counted until the gap closes. */
static void test_done_above(void **state)
{
    struct nw_offsets *o = nw_offsets_create();
    uint64_t gen = 0;

    (void)state;
    assert_non_null(o);
    for (int64_t off = 0; off < 5; off++)
        assert_int_equal(nw_offsets_begin(o, 3, off, &gen), NW_OK);
    assert_int_equal(nw_offsets_done_above(o, 3), 0);
    assert_int_equal(nw_offsets_finish(o, 3, gen, 2), NW_OK);
    assert_int_equal(nw_offsets_finish(o, 3, gen, 4), NW_OK);
    assert_int_equal(nw_offsets_done_above(o, 3), 2);
    assert_int_equal(nw_offsets_finish(o, 3, gen, 0), NW_OK); /* 0 leaves; 1 still open */
    assert_int_equal(nw_offsets_done_above(o, 3), 2);
    assert_int_equal(nw_offsets_finish(o, 3, gen, 1), NW_OK); /* 0..2 leave, 3 open */
    assert_int_equal(nw_offsets_done_above(o, 3), 1);
    assert_int_equal(nw_offsets_done_above(o, 9), 0); /* unknown partition */
    nw_offsets_destroy(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_order),
        cmocka_unit_test(test_out_of_order),
        cmocka_unit_test(test_gaps_in_offsets),
        cmocka_unit_test(test_not_increasing),
        cmocka_unit_test(test_failed_holds_offset),
        cmocka_unit_test(test_partitions_independent),
        cmocka_unit_test(test_revoke_and_stale_jobs),
        cmocka_unit_test(test_many_random_order),
        cmocka_unit_test(test_done_above),
        cmocka_unit_test(test_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
