/*
 * fetch.h — the HTTP fetcher: libcurl multi interface, many transfers at once.
 *
 * Bounds: fetch.concurrency transfers at once (fetch.per_host per host), connect, total
 * and low-speed timeouts, fetch.max_redirects, fetch.max_body_bytes of decoded body,
 * compressed encodings accepted, http and https only (file:// only with
 * fetch.allow_file). Loopback, private, link-local, multicast and other non-public
 * addresses are refused unless fetch.allow_private — checked on the address actually
 * connected (CURLOPT_OPENSOCKETFUNCTION), so redirects and DNS tricks cannot reach them.
 * Transient failures (connect errors, timeouts, 429, 5xx) are retried fetch.retries
 * times with exponential backoff and jitter, honouring Retry-After.
 *
 * Single-threaded: all calls from the thread that created the fetcher.
 */
#ifndef NW_FETCH_H
#define NW_FETCH_H

#include <stddef.h>

#include "config.h"
#include "status.h"

struct nw_fetch_result {
    enum nw_status status;  /* NW_OK: a 2xx body is in body/body_len */
    const char *error_code; /* for failures: "http_404", "timeout", "refused", "too_big",
                               "denied_scheme", "denied_address", "dns", "tls", ... */
    const char *message;    /* human-readable failure message ("" on success) */
    long http_status;       /* last HTTP status, 0 if none */
    const char *url;        /* the URL that was asked for */
    const char *final_url;  /* after redirects */
    const char *content_type;
    const char *etag;
    const char *last_modified;
    const char *body; /* decoded (no gzip) body bytes, not NUL-terminated */
    size_t body_len;
    long elapsed_ms; /* of the last attempt */
    int attempts;
    const char *fetched_at; /* RFC 3339 UTC */
};

/* Called once per added URL, when it is done (after retries). Everything in res is
 * borrowed and valid only during the call. */
typedef void nw_fetch_done_fn(void *opaque, const struct nw_fetch_result *res, void *ctx);

struct nw_fetcher;

struct nw_fetcher *nw_fetcher_create(const struct nw_config *cfg, char *errstr, size_t errstr_size);
void nw_fetcher_destroy(struct nw_fetcher *f);

/* Queues url. opaque comes back in the done callback. A URL that policy refuses
 * (scheme) is not an error here: it completes with a failure result on the next poll. */
enum nw_status nw_fetcher_add(struct nw_fetcher *f, const char *url, void *opaque);

/* Runs transfers for at most timeout_ms (less if something finishes) and calls done for
 * every finished URL. Returns NW_OK or a fatal error (allocation failure). */
enum nw_status nw_fetcher_poll(struct nw_fetcher *f, int timeout_ms, nw_fetch_done_fn *done,
                               void *ctx);

/* URLs added and not yet completed (queued, in transfer or waiting for a retry). */
size_t nw_fetcher_pending(const struct nw_fetcher *f);

#endif
