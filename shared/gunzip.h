/* gunzip.h — gzip/zlib decompression with a hard output bound (gzip bombs stop there). */
#ifndef NW_GUNZIP_H
#define NW_GUNZIP_H

#include <stddef.h>

#include "status.h"

/* True if data starts with the gzip magic bytes. */
int nw_gunzip_is_gzip(const void *data, size_t len);

/* Inflates gzip data into *out (nw_malloc'd, NUL-terminated, caller frees), at most
 * max_out bytes: NW_ETOOBIG past that (nothing returned), NW_EPARSE on corrupt input. */
enum nw_status nw_gunzip(const void *data, size_t len, size_t max_out, char **out, size_t *out_len);

/* Like nw_gunzip, but past max_out bytes it keeps the first max_out bytes, sets
 * *truncated to 1 and stops inflating (so a bomb costs at most max_out). */
enum nw_status nw_gunzip_head(const void *data, size_t len, size_t max_out, char **out,
                              size_t *out_len, int *truncated);

#endif
