/*
 * mem.h — allocation wrappers for all of newsworker.
 *
 * They behave like the libc functions, except that a test may ask the N-th allocation
 * from now to fail (nw_mem_fail_after), as curl's torture mode does, to prove that a
 * failed allocation fails the job and never the process. Memory from these functions
 * is freed with nw_free (or free: they are the same allocator).
 */
#ifndef NW_MEM_H
#define NW_MEM_H

#include <stddef.h>

#include "status.h"

void *nw_malloc(size_t size);
void *nw_calloc(size_t n, size_t size);
void *nw_realloc(void *ptr, size_t size);
void nw_free(void *ptr);

/* Copies of a string; NULL on allocation failure (or if s is NULL). Caller frees. */
char *nw_strdup(const char *s);
char *nw_strndup(const char *s, size_t n);

/* Makes room for need elements of elem_size bytes in the array *arr of capacity *cap
 * (elements): nothing if it has room, else doubles from first_cap (or the old capacity)
 * until need fits and reallocates. On NW_ENOMEM (also when the size would overflow)
 * *arr and *cap are unchanged. The one growth rule of every array that grows by one. */
enum nw_status nw_grow_array(void **arr, size_t *cap, size_t need, size_t first_cap,
                             size_t elem_size);

/* Test hook: the n-th allocation from now (1 = the next one) fails, and so do all after it
 * until nw_mem_fail_after(0) turns failures off. Process-global; tests only. */
void nw_mem_fail_after(long n);

#endif
