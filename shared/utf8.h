/* utf8.h — UTF-8 validation and repair. */
#ifndef NW_UTF8_H
#define NW_UTF8_H

#include <stddef.h>

#include "status.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if s[0..] is not one
 * (overlong forms, surrogates and code points past U+10FFFF are invalid). */
size_t nw_utf8_seq_len(const unsigned char *s, size_t avail);

/* True if all len bytes are valid UTF-8 (NUL bytes count as valid here). */
int nw_utf8_valid(const char *s, size_t len);

/* A copy of s in which every invalid byte is replaced by U+FFFD and NUL bytes are
 * dropped. *out is nw_malloc'd (caller frees); *replaced counts replacements (may be NULL). */
enum nw_status nw_utf8_sanitize(const char *s, size_t len, char **out, size_t *out_len,
                                size_t *replaced);

#endif
