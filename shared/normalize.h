/*
 * normalize.h — the text form every record carries.
 *
 * Unicode NFC (utf8proc); carriage returns, U+2028, U+0085, vertical tab and form feed
 * become newlines and U+2029 a paragraph break; control and invisible format
 * characters (C0/C1 controls, U+200B, U+FEFF, U+00AD, U+2060) are removed; every run of
 * horizontal white space (tabs, NBSP, the U+2000 spaces, ...) becomes one ASCII space;
 * lines are trimmed; paragraphs (separated by one or more blank lines) are joined by
 * exactly one blank line; single newlines inside a paragraph stay. No leading or trailing
 * white space.
 */
#ifndef NW_NORMALIZE_H
#define NW_NORMALIZE_H

#include <stddef.h>

#include "status.h"

/* in must be valid UTF-8 (len bytes). *out is nw_malloc'd (caller frees), NUL-terminated.
 * NW_ETOOBIG if the result would pass max_out bytes; NW_EINVAL on invalid UTF-8. */
enum nw_status nw_normalize_text(const char *in, size_t len, size_t max_out, char **out,
                                 size_t *out_len);

#endif
