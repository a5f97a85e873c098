/*
 * httpmsg.h — an HTTP/1.x response message as stored in a WARC response record: the
 * status line, the header fields and the body as they came off the wire, and the body
 * decoded as a client would (chunked transfer coding removed, then gzip, deflate or br
 * content codings), with hard bounds on everything.
 *
 * The parser borrows nothing after it returns: header names and values are copied into
 * the message (freed by nw_httpmsg_fini); body points into the caller's data.
 */
#ifndef NW_HTTPMSG_H
#define NW_HTTPMSG_H

#include <stddef.h>

#include "status.h"

#define NW_HTTPMSG_MAX_FIELDS 256
#define NW_HTTPMSG_MAX_HEAD ((size_t)256 << 10) /* status line and header fields */

struct nw_httpmsg {
    int status; /* 100-999 */
    char *head; /* owned copy of the header block, split into the fields below */
    const char *names[NW_HTTPMSG_MAX_FIELDS];
    const char *values[NW_HTTPMSG_MAX_FIELDS];
    size_t n_fields;
    const char *body; /* borrowed from the parsed data: the body as received */
    size_t body_len;
};

/* Parses data (len bytes) as an HTTP/1.x response. NW_EPARSE with a message if it is not
 * one (no "HTTP/1.x NNN" status line, no end of the header block), NW_ETOOBIG past
 * NW_HTTPMSG_MAX_HEAD, NW_ENOMEM. msg is filled only on success; finish with
 * nw_httpmsg_fini. */
enum nw_status nw_httpmsg_parse(const char *data, size_t len, struct nw_httpmsg *msg, char *errstr,
                                size_t errstr_size);
void nw_httpmsg_fini(struct nw_httpmsg *msg);

/* The status code of data's "HTTP/x.y NNN" status line, or -1 if it does not start with
 * one (whether or not a complete header block follows). */
int nw_httpmsg_status(const char *data, size_t len);

/* The last value of header field name (case-insensitive), or NULL. Borrowed. */
const char *nw_httpmsg_header(const struct nw_httpmsg *msg, const char *name);

/* The body as a client sees it: Transfer-Encoding chunked removed, then the
 * Content-Encoding (gzip, x-gzip, deflate, br, identity; a list applied in reverse)
 * decoded, into *out (nw_malloc'd, NUL-terminated, caller frees), at most max_out bytes.
 * Input that ends early (a body cut by a writer's limit) keeps what it decoded and sets
 * *truncated, as does output past max_out (inflating stops there: a bomb costs max_out).
 * NW_EUNSUPPORTED for an unknown coding, NW_EPARSE for corrupt data, NW_ENOMEM. */
enum nw_status nw_httpmsg_body_decoded(const struct nw_httpmsg *msg, size_t max_out, char **out,
                                       size_t *out_len, int *truncated, char *errstr,
                                       size_t errstr_size);

/* Removes the chunked transfer coding from data into *out (nw_malloc'd, caller frees), at
 * most max_out bytes. Input that ends inside a chunk keeps what came and sets *truncated.
 * NW_EPARSE if a chunk size line is malformed before any data; NW_ENOMEM. */
enum nw_status nw_httpmsg_dechunk(const char *data, size_t len, size_t max_out, char **out,
                                  size_t *out_len, int *truncated);

#endif
