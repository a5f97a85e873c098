/*
 * bench_pages.h — reading the benchmark pages into memory: a whole file as stored, or a gzip
 * file inflated. Header-only, for the programs of tests/bench. Returned buffers are malloc'd;
 * the caller frees them with free().
 */
#ifndef NW_BENCH_PAGES_H
#define NW_BENCH_PAGES_H

#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

/* Reads up to want bytes into buf; 0 at the end or on an error. */
typedef size_t (*bench_read_fn)(void *src, char *buf, size_t want);

/* Reads src to its end into a buffer that starts at first bytes and doubles while fewer than
 * chunk bytes are free, up to max bytes (a longer input is cut there). NULL when out of
 * memory; the length read in *len. */
static inline char *bench_read_all(bench_read_fn rd, void *src, size_t first, size_t chunk,
                                   size_t max, size_t *len)
{
    size_t cap = first, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (cap - n < chunk) {
            if (cap >= max)
                break;
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = rd(src, buf + n, cap - n);
        if (r == 0)
            break;
        n += r;
    }
    *len = n;
    return buf;
}

static inline size_t bench_fread(void *src, char *buf, size_t want)
{
    return fread(buf, 1, want, (FILE *)src);
}

static inline size_t bench_gzread(void *src, char *buf, size_t want)
{
    int r = gzread((gzFile)src, buf, want > 65536 ? 65536 : (unsigned)want);
    return r > 0 ? (size_t)r : 0;
}

/* The bytes of the file at path as stored, at most max. */
static inline char *bench_read_file(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    if (!f)
        return NULL;
    buf = bench_read_all(bench_fread, f, 1u << 16, 4096, max, len);
    fclose(f);
    return buf;
}

/* The inflated bytes of the gzip file at path, at most max (zlib reads a plain file as is). */
static inline char *bench_gunzip_file(const char *path, size_t max, size_t *len)
{
    gzFile f = gzopen(path, "rb");
    char *buf;
    if (!f)
        return NULL;
    buf = bench_read_all(bench_gzread, f, 1u << 20, 65536, max, len);
    gzclose(f);
    return buf;
}

#endif
