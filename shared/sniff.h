/*
 * sniff.h — is this HTML at all? A look at the declared type and the first bytes, before
 * decoding and parsing, so that a PDF, an image or random bytes served as text/html ends
 * as a not_html error instead of an "article" of garbled text.
 *
 * Refused: a Content-Type naming a binary format (image/, audio/, video/, font/,
 * application/pdf, zip, ...); content starting with a known binary signature (%PDF-,
 * PNG, GIF, JPEG, WebP, ZIP, Ogg, ELF, ...) whatever the declared type; and content
 * whose first 4 KB hold more than a few of the bytes that never appear in text (WHATWG
 * MIME sniffing's "binary data bytes": controls other than tab, newlines, form feed and
 * escape), unless a byte order mark or a UTF-16/32 charset explains them. Pure function.
 */
#ifndef NW_SNIFF_H
#define NW_SNIFF_H

#include <stddef.h>

/* 1 if data (len bytes, as received: transfer and content encodings removed) with the
 * given Content-Type (may be NULL) is not HTML or text; what (out_size bytes, may be 0)
 * then says why ("a PDF document", "Content-Type image/png", "binary data"). 0 otherwise. */
int nw_sniff_not_html(const char *data, size_t len, const char *content_type, char *what,
                      size_t what_size);

#endif
