/*
 * decode.h — bytes in some character set to valid UTF-8.
 *
 * The charset is taken, in order, from a byte order mark, the Content-Type header's
 * charset parameter, a <meta charset> or <meta http-equiv="Content-Type"> in the first
 * 4096 bytes (HTML only), else guessed: UTF-8 when the bytes are valid UTF-8, otherwise
 * windows-1252 (what browsers assume for unlabeled Western pages). Labels are mapped as
 * the WHATWG Encoding standard does (latin1, iso-8859-1 and us-ascii mean windows-1252,
 * shift_jis decodes as Windows-31J, gbk as GB18030); only WHATWG labels are honoured.
 * An unknown label falls back to the next source, then to the guess. A <meta> that claims
 * UTF-16 means UTF-8; a header that claims it is believed only if the bytes look like it.
 * A legacy label (anything but UTF-8/UTF-16) on bytes that are valid UTF-8 and hold
 * multi-byte sequences is a mislabeled UTF-8 page (a CMS that stores UTF-8 under an old
 * template's charset): it is decoded as UTF-8 and `declared` keeps the label for a
 * warning. The
 * output is always valid UTF-8: invalid input sequences become U+FFFD and NUL bytes are dropped,
 * never passed on.
 */
#ifndef NW_DECODE_H
#define NW_DECODE_H

#include <stddef.h>

#include "status.h"

struct nw_decoded {
    char *text; /* valid UTF-8, NUL-terminated; owned, freed by nw_decoded_fini */
    size_t len;
    char charset[48];   /* the charset actually used, lower case, e.g. "utf-8" */
    const char *source; /* where it came from: "bom", "header", "meta", "guess" (static) */
    size_t replaced;    /* invalid sequences replaced by U+FFFD */
    char declared[48];  /* a legacy label overridden because the bytes are UTF-8, else "" */
};

/* Decodes data (len bytes). is_html enables the <meta> prescan. content_type may be NULL.
 * NW_ETOOBIG if len > max_bytes. */
enum nw_status nw_decode(const char *data, size_t len, const char *content_type, int is_html,
                         size_t max_bytes, struct nw_decoded *out, char *errstr,
                         size_t errstr_size);

void nw_decoded_fini(struct nw_decoded *dec);

/* Extracts the charset parameter of a Content-Type value into out (lower case);
 * returns 0 if found, -1 otherwise. */
int nw_decode_charset_param(const char *content_type, char *out, size_t out_size);

#endif
