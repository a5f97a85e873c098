/*
 * warc_page.h — which WARC records are web pages, and their HTTP facts and decoded body.
 *
 * A record becomes a page when it is a `response` record holding an HTTP response
 * (record Content-Type application/http, or none) with a 2xx status whose body is HTML:
 * Content-Type text/html or application/xhtml+xml, or (no Content-Type, or a generic one:
 * application/octet-stream, text/plain, unknown) a body that starts like HTML by the WHATWG
 * MIME sniffing patterns (<!DOCTYPE HTML, <html, <head, <body, <p, <div, <!-- ...).
 * Everything else is passed over, with the reason: `request`, `metadata`, `warcinfo`,
 * `resource`, `conversion`, `continuation` records; `revisit` records (they hold only the
 * headers of a capture whose payload is identical to an earlier one's, or one the server
 * answered 304 Not Modified: the earlier response record gives the article); responses
 * that are not HTTP (dns: records, Content-Type text/dns), not 2xx (redirects, 404s),
 * or not HTML (images, scripts, robots.txt, feeds).
 *
 * A `response` record that claims HTTP but does not hold an HTTP response, a body whose
 * content coding is corrupt or unknown: an error with a message.
 */
#ifndef NW_WARC_PAGE_H
#define NW_WARC_PAGE_H

#include <stddef.h>

#include "status.h"
#include "warc.h"

enum nw_warc_page_kind {
    NW_WARC_PAGE_HTML,  /* a page: see struct nw_warc_page */
    NW_WARC_PAGE_SKIP,  /* passed over: page->skip says why */
    NW_WARC_PAGE_ERROR, /* a broken response: the status and errstr say why */
};

struct nw_warc_page {
    int status;          /* HTTP status */
    char *content_type;  /* owned, or NULL */
    char *etag;          /* owned, or NULL */
    char *last_modified; /* owned, or NULL */
    char *body;          /* owned, NUL-terminated: transfer and content codings removed */
    size_t body_len;
    int truncated;    /* the body is incomplete: cut by the writer (WARC-Truncated, a
                         block shorter than its HTTP message), or by max_body */
    const char *skip; /* static reason for NW_WARC_PAGE_SKIP ("request record", ...) */
    char *location;   /* owned: a 3xx response's Location header (passed over), or NULL */
};

/* Classifies rec; for a page, fills page with the body decoded up to max_body bytes.
 * On NW_WARC_PAGE_ERROR *status and errstr say what is wrong. page must be finished with
 * nw_warc_page_fini whatever the result. */
enum nw_warc_page_kind nw_warc_page_from_record(const struct nw_warc_record *rec, size_t max_body,
                                                struct nw_warc_page *page, enum nw_status *status,
                                                char *errstr, size_t errstr_size);
void nw_warc_page_fini(struct nw_warc_page *page);

/* 1 if data starts (after whitespace and a BOM) with an HTML tag by the WHATWG MIME
 * sniffing rules for text/html. */
int nw_warc_page_sniff_html(const char *data, size_t len);

#endif
