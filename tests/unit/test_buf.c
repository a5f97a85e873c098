/* test_buf.c — the bounded buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "buf.h"
#include "mem.h"

static void test_empty_buffer(void **state)
{
    struct nw_buf b;
    size_t len = 99;
    char *s;

    (void)state;
    nw_buf_init(&b, 10);
    assert_string_equal(nw_buf_str(&b), "");
    assert_int_equal(b.len, 0);
    s = nw_buf_detach(&b, &len);
    assert_non_null(s);
    assert_string_equal(s, "");
    assert_int_equal(len, 0);
    nw_free(s);
    nw_buf_fini(&b);
    nw_buf_fini(NULL);
}

static void test_append_and_bound(void **state)
{
    struct nw_buf b;

    (void)state;
    nw_buf_init(&b, 10);
    assert_int_equal(nw_buf_puts(&b, "hello"), NW_OK);
    assert_int_equal(nw_buf_putc(&b, ' '), NW_OK);
    assert_int_equal(nw_buf_append(&b, "worl", 4), NW_OK);
    assert_int_equal(b.len, 10);
    assert_string_equal(nw_buf_str(&b), "hello worl");
    /* one more byte passes max: refused, content unchanged */
    assert_int_equal(nw_buf_putc(&b, 'd'), NW_ETOOBIG);
    assert_int_equal(nw_buf_append(&b, "", 0), NW_OK);
    assert_string_equal(nw_buf_str(&b), "hello worl");
    assert_true(b.cap <= 11); /* never allocates past max + terminator */
    nw_buf_fini(&b);
}

static void test_huge_lengths_do_not_wrap(void **state)
{
    struct nw_buf b;

    (void)state;
    nw_buf_init(&b, 100);
    assert_int_equal(nw_buf_puts(&b, "abc"), NW_OK);
    assert_int_equal(nw_buf_append(&b, "x", (size_t)-1), NW_ETOOBIG);
    assert_int_equal(nw_buf_append(&b, "x", (size_t)-1 - 2), NW_ETOOBIG);
    assert_string_equal(nw_buf_str(&b), "abc");
    nw_buf_fini(&b);
    /* an "unbounded" buffer: max + 1 must not wrap to 0 */
    nw_buf_init(&b, (size_t)-1);
    assert_int_equal(nw_buf_puts(&b, "abc"), NW_OK);
    assert_int_equal(nw_buf_puts(&b, "def"), NW_OK);
    assert_string_equal(nw_buf_str(&b), "abcdef");
    assert_int_equal(nw_buf_append(&b, "x", (size_t)-1 - 6), NW_ETOOBIG);
    nw_buf_fini(&b);
}

static void test_printf(void **state)
{
    struct nw_buf b;

    (void)state;
    nw_buf_init(&b, 16);
    assert_int_equal(nw_buf_printf(&b, "%d-%s", 42, "x"), NW_OK);
    assert_string_equal(nw_buf_str(&b), "42-x");
    assert_int_equal(nw_buf_printf(&b, "%s", "0123456789abcdef"), NW_ETOOBIG);
    assert_string_equal(nw_buf_str(&b), "42-x");
    assert_int_equal(nw_buf_printf(&b, "%s", "0123456789ab"), NW_OK);
    assert_int_equal(b.len, 16);
    nw_buf_fini(&b);
}

static void test_binary_and_growth(void **state)
{
    static char chunk[65536];
    struct nw_buf b;

    (void)state;
    memset(chunk, 0, sizeof(chunk));
    chunk[500] = 'x';
    nw_buf_init(&b, 1 << 20);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(nw_buf_append(&b, chunk, 1000), NW_OK);
    assert_int_equal(b.len, 1000000);
    assert_int_equal(b.data[1000 * 999 + 500], 'x');
    assert_int_equal(b.data[b.len], '\0');
    assert_int_equal(nw_buf_append(&b, chunk, 48577), NW_ETOOBIG);
    assert_int_equal(nw_buf_append(&b, chunk, 48576), NW_OK);
    assert_int_equal(b.len, 1 << 20);
    nw_buf_fini(&b);
}

static void test_truncate_reset_detach(void **state)
{
    struct nw_buf b;
    size_t len = 0;
    char *s;

    (void)state;
    nw_buf_init(&b, 64);
    nw_buf_puts(&b, "abcdef");
    nw_buf_truncate(&b, 3);
    assert_string_equal(nw_buf_str(&b), "abc");
    nw_buf_truncate(&b, 10); /* longer: no-op */
    assert_string_equal(nw_buf_str(&b), "abc");
    nw_buf_reset(&b);
    assert_string_equal(nw_buf_str(&b), "");
    nw_buf_puts(&b, "xyz");
    s = nw_buf_detach(&b, &len);
    assert_string_equal(s, "xyz");
    assert_int_equal(len, 3);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(nw_buf_puts(&b, "again"), NW_OK); /* reusable after detach */
    assert_string_equal(nw_buf_str(&b), "again");
    nw_free(s);
    nw_buf_fini(&b);
}

static void test_reserve(void **state)
{
    struct nw_buf b;
    char *data;

    (void)state;
    nw_buf_init(&b, 100);
    assert_int_equal(nw_buf_puts(&b, "ab"), NW_OK);
    /* room for 90 more bytes at once: appending them moves nothing */
    assert_int_equal(nw_buf_reserve(&b, 90), NW_OK);
    assert_true(b.cap >= 2 + 90 + 1);
    data = b.data;
    for (int i = 0; i < 90; i++)
        assert_int_equal(nw_buf_putc(&b, 'x'), NW_OK);
    assert_ptr_equal(b.data, data);
    assert_int_equal(b.len, 92);
    assert_int_equal(nw_buf_str(&b)[92], '\0');
    /* past the bound: refused, the buffer as it was */
    assert_int_equal(nw_buf_reserve(&b, 9), NW_ETOOBIG);
    assert_int_equal(b.len, 92);
    assert_int_equal(nw_buf_reserve(&b, 8), NW_OK);
    assert_int_equal(nw_buf_reserve(&b, (size_t)-1), NW_ETOOBIG);
    assert_int_equal(b.len, 92);
    /* reset keeps the memory for the next content */
    nw_buf_reset(&b);
    assert_ptr_equal(b.data, data);
    assert_string_equal(nw_buf_str(&b), "");
    nw_buf_fini(&b);
}

static void test_allocation_failure_leaves_buffer_intact(void **state)
{
    struct nw_buf b;
    char big[200];

    (void)state;
    memset(big, 'a', sizeof(big));
    nw_buf_init(&b, 1024);
    assert_int_equal(nw_buf_puts(&b, "keep"), NW_OK);
    nw_mem_fail_after(1);
    assert_int_equal(nw_buf_append(&b, big, sizeof(big)), NW_ENOMEM);
    nw_mem_fail_after(0);
    assert_string_equal(nw_buf_str(&b), "keep");
    assert_int_equal(b.len, 4);
    nw_buf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_buffer),
        cmocka_unit_test(test_append_and_bound),
        cmocka_unit_test(test_huge_lengths_do_not_wrap),
        cmocka_unit_test(test_printf),
        cmocka_unit_test(test_binary_and_growth),
        cmocka_unit_test(test_truncate_reset_detach),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_allocation_failure_leaves_buffer_intact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
