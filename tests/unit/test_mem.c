/* test_mem.c — allocation wrappers and the fault-injection hook. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mem.h"

static int teardown(void **state)
{
    (void)state;
    nw_mem_fail_after(0);
    return 0;
}

static void test_basic_allocations(void **state)
{
    char *p, *q;
    int *z;

    (void)state;
    p = nw_malloc(0); /* size 0 still gives a freeable, non-NULL pointer */
    assert_non_null(p);
    nw_free(p);
    z = nw_calloc(16, sizeof(int));
    assert_non_null(z);
    for (int i = 0; i < 16; i++)
        assert_int_equal(z[i], 0);
    q = nw_realloc(z, 1024);
    assert_non_null(q);
    nw_free(q);
    nw_free(NULL);
}

static void test_strdup_and_strndup(void **state)
{
    char *s;

    (void)state;
    s = nw_strdup("hello");
    assert_string_equal(s, "hello");
    nw_free(s);
    s = nw_strndup("hello", 3);
    assert_string_equal(s, "hel");
    nw_free(s);
    s = nw_strndup("hi", 100); /* n past the end: stops at the NUL */
    assert_string_equal(s, "hi");
    nw_free(s);
    s = nw_strndup("a\0b", 3); /* embedded NUL ends the copy */
    assert_string_equal(s, "a");
    nw_free(s);
    assert_null(nw_strdup(NULL));
    assert_null(nw_strndup(NULL, 4));
}

static void test_fail_after_counts_and_sticks(void **state)
{
    void *a, *b, *c;

    (void)state;
    nw_mem_fail_after(3);
    a = nw_malloc(8);
    b = nw_calloc(1, 8);
    assert_non_null(a);
    assert_non_null(b);
    c = nw_realloc(NULL, 8);
    assert_null(c); /* the third allocation fails */
    assert_null(nw_malloc(1));
    assert_null(nw_strdup("x")); /* and every later one */
    nw_mem_fail_after(0);
    c = nw_malloc(8);
    assert_non_null(c);
    nw_free(a);
    nw_free(b);
    nw_free(c);
}

static void test_failed_realloc_keeps_block(void **state)
{
    char *p = nw_malloc(4), *q;

    (void)state;
    assert_non_null(p);
    memcpy(p, "abc", 4);
    nw_mem_fail_after(1);
    q = nw_realloc(p, 4096);
    nw_mem_fail_after(0);
    assert_null(q);
    assert_string_equal(p, "abc"); /* like realloc: the old block is still ours */
    nw_free(p);
}

static void test_grow_array(void **state)
{
    int *arr = NULL;
    size_t cap = 0;

    (void)state;
    /* Empty: the first capacity; room already: nothing happens. */
    assert_int_equal(nw_grow_array((void **)&arr, &cap, 1, 4, sizeof(*arr)), NW_OK);
    assert_non_null(arr);
    assert_int_equal(cap, 4);
    arr[3] = 7;
    assert_int_equal(nw_grow_array((void **)&arr, &cap, 4, 4, sizeof(*arr)), NW_OK);
    assert_int_equal(cap, 4);
    /* One past: doubles and keeps the contents; far past: doubles until it fits. */
    assert_int_equal(nw_grow_array((void **)&arr, &cap, 5, 4, sizeof(*arr)), NW_OK);
    assert_int_equal(cap, 8);
    assert_int_equal(arr[3], 7);
    assert_int_equal(nw_grow_array((void **)&arr, &cap, 100, 4, sizeof(*arr)), NW_OK);
    assert_int_equal(cap, 128);
    /* A size that would overflow, and a failed allocation, leave the array as it was. */
    assert_int_equal(nw_grow_array((void **)&arr, &cap, ((size_t)-1) / 2, 4, sizeof(*arr)),
                     NW_ENOMEM);
    assert_int_equal(cap, 128);
    nw_mem_fail_after(1);
    assert_int_equal(nw_grow_array((void **)&arr, &cap, 129, 4, sizeof(*arr)), NW_ENOMEM);
    nw_mem_fail_after(0);
    assert_int_equal(cap, 128);
    assert_int_equal(arr[3], 7);
    nw_free(arr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_basic_allocations, teardown),
        cmocka_unit_test_teardown(test_strdup_and_strndup, teardown),
        cmocka_unit_test_teardown(test_fail_after_counts_and_sticks, teardown),
        cmocka_unit_test_teardown(test_failed_realloc_keeps_block, teardown),
        cmocka_unit_test_teardown(test_grow_array, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
