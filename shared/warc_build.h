/*
 * warc_build.h — one WARC/1.1 record as bytes: the header block, the block, the digests
 * (sha1, base32, as the WARC 1.1 guidelines describe), each record its own gzip member.
 * Pure: the caller gives the record id and date (worker/warc_writer.c makes them), and
 * writes the bytes where it wants.
 */
#ifndef NW_WARC_BUILD_H
#define NW_WARC_BUILD_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

struct nw_warc_header {
    const char *name;
    const char *value; /* NULL: the field is left out */
};

struct nw_warc_block {
    const void *head; /* e.g. an HTTP message's status line and header fields */
    size_t head_len;
    const void *body; /* the payload: e.g. the HTTP body as received */
    size_t body_len;
    int payload_digest; /* 1: WARC-Payload-Digest over body */
};

/* "sha1:" and the base32 (RFC 4648) SHA-1 of the n parts: 38 characters and a NUL. */
void nw_warc_sha1_base32(const void *const *parts, const size_t *lens, size_t n, char out[40]);

/* Appends the record to out: "WARC/1.1", WARC-Type, WARC-Record-ID, WARC-Date, the given
 * fields in order, Content-Type, WARC-Block-Digest, WARC-Payload-Digest (if asked),
 * Content-Length, the block, CRLF CRLF; with gzip, as one gzip member. NW_ETOOBIG when out
 * cannot hold it (out is then as before), NW_ENOMEM. */
enum nw_status nw_warc_build(struct nw_buf *out, const char *type, const char *record_id,
                             const char *date, const struct nw_warc_header *fields, size_t n_fields,
                             const char *content_type, const struct nw_warc_block *block, int gzip);

#endif
