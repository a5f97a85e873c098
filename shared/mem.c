/* mem.c — allocation wrappers with a fault-injection hook for tests. */
#include "mem.h"

#include <stdlib.h>
#include <string.h>

/* The only mutable global in shared/: a test hook, zero (off) in production. */
static long fail_countdown;

static int should_fail(void)
{
    if (fail_countdown <= 0)
        return 0;
    if (fail_countdown == 1)
        return 1; /* stays at 1: every later allocation fails too */
    fail_countdown--;
    return 0;
}

void nw_mem_fail_after(long n)
{
    fail_countdown = n;
}

void *nw_malloc(size_t size)
{
    return should_fail() ? NULL : malloc(size ? size : 1);
}

void *nw_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1);
}

void *nw_realloc(void *ptr, size_t size)
{
    return should_fail() ? NULL : realloc(ptr, size ? size : 1);
}

enum nw_status nw_grow_array(void **arr, size_t *cap, size_t need, size_t first_cap,
                             size_t elem_size)
{
    size_t ncap;
    void *p;

    if (need <= *cap)
        return NW_OK;
    ncap = *cap ? *cap : first_cap ? first_cap : 1;
    while (ncap < need) {
        if (ncap > ((size_t)-1) / 2)
            return NW_ENOMEM;
        ncap *= 2;
    }
    if (elem_size && ncap > ((size_t)-1) / elem_size)
        return NW_ENOMEM;
    p = nw_realloc(*arr, ncap * elem_size);
    if (!p)
        return NW_ENOMEM;
    *arr = p;
    *cap = ncap;
    return NW_OK;
}

void nw_free(void *ptr)
{
    free(ptr);
}

char *nw_strndup(const char *s, size_t n)
{
    char *copy;
    size_t len;

    if (!s)
        return NULL;
    len = strnlen(s, n);
    copy = nw_malloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *nw_strdup(const char *s)
{
    return s ? nw_strndup(s, strlen(s)) : NULL;
}
