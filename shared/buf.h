/*
 * buf.h — a growable byte buffer with a hard maximum size (after curl's dynbuf).
 *
 * Every buffer is created with the largest size it may ever reach; an append that would
 * pass it fails with NW_ETOOBIG and leaves the buffer as it was. The content is always
 * NUL-terminated (the terminator is not counted in len and not in max).
 * The buffer owns its memory: nw_buf_fini frees it, nw_buf_detach hands it to the caller.
 */
#ifndef NW_BUF_H
#define NW_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "status.h"

struct nw_buf {
    char *data; /* NULL until the first append */
    size_t len;
    size_t cap;
    size_t max;
};

/* Initialises an empty buffer that may grow to max bytes. */
void nw_buf_init(struct nw_buf *buf, size_t max);

/* Frees the content and resets the buffer to empty (keeping max). NULL-safe. */
void nw_buf_fini(struct nw_buf *buf);

/* Empties the buffer, keeping its memory. */
void nw_buf_reset(struct nw_buf *buf);

/* Makes room for extra more bytes (and the terminator) at once, so that appending that
 * much later costs no reallocation; NW_ETOOBIG past max, NW_ENOMEM on allocation failure
 * (the buffer stays as it was either way). */
enum nw_status nw_buf_reserve(struct nw_buf *buf, size_t extra);

/* Appends; NW_ETOOBIG past max, NW_ENOMEM on allocation failure. */
enum nw_status nw_buf_append(struct nw_buf *buf, const void *data, size_t len);
enum nw_status nw_buf_puts(struct nw_buf *buf, const char *s);
enum nw_status nw_buf_putc(struct nw_buf *buf, char c);
enum nw_status nw_buf_printf(struct nw_buf *buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum nw_status nw_buf_vprintf(struct nw_buf *buf, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Removes bytes from the end so that len becomes new_len (no-op if already shorter). */
void nw_buf_truncate(struct nw_buf *buf, size_t new_len);

/* The content as a C string: "" for an empty buffer, never NULL. Borrowed. */
const char *nw_buf_str(const struct nw_buf *buf);

/* Hands the content to the caller (free with nw_free) and empties the buffer.
 * Returns a NUL-terminated copy even when empty; NULL only on allocation failure. */
char *nw_buf_detach(struct nw_buf *buf, size_t *len_out);

#endif
