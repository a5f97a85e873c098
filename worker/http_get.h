/*
 * http_get.h — single conditional GETs for the feed watcher (libcurl multi).
 *
 * Unlike the article fetcher (fetch.h) this one sends If-None-Match / If-Modified-Since,
 * reports 304 as a success with no body, keeps the caching headers the watcher schedules
 * by (ETag, Last-Modified, Cache-Control max-age, Retry-After), hands back non-2xx
 * statuses instead of retrying (the watcher's schedule is the retry), and leaves the
 * order and pacing of requests to its caller (watch.c: per-host delay, robots.txt).
 *
 * Shares the fetcher's policy: fetch.timeout_ms, fetch.connect_timeout_ms,
 * fetch.max_redirects, fetch.user_agent, http and https only, non-public addresses refused
 * on the address actually connected unless fetch.allow_private. Bodies are bounded by
 * max_body (decoded; Content-Encoding gzip/deflate/br is decoded, a .gz file is not).
 *
 * Single-threaded: every call from the thread that created it.
 */
#ifndef NW_HTTP_GET_H
#define NW_HTTP_GET_H

#include <stddef.h>

#include "config.h"
#include "status.h"

struct nw_http_get_result {
    enum nw_status status;  /* NW_OK for 2xx (body) and 304 (not_modified) */
    const char *error_code; /* failures: "http_404", "timeout", "dns", "connect",
                               "denied_address", "too_big", "tls", "network" */
    const char *message;    /* "" on success */
    long http_status;       /* 0 if no answer */
    int not_modified;       /* 304 */
    const char *url;        /* as asked */
    const char *final_url;  /* after redirects */
    const char *content_type;
    const char *etag; /* NULL if the answer had none */
    const char *last_modified;
    long max_age_s;     /* Cache-Control max-age (0 for no-cache/no-store); -1 if none */
    long retry_after_s; /* Retry-After (seconds or HTTP date); -1 if none */
    const char *body;   /* not NUL-terminated; NULL for 304 and failures */
    size_t body_len;
    long elapsed_ms;
};

/* Called once per added request when it ends. Everything in res is borrowed, valid only
 * during the call. */
typedef void nw_http_get_done_fn(void *opaque, const struct nw_http_get_result *res, void *ctx);

struct nw_http_get;

struct nw_http_get *nw_http_get_create(const struct nw_config *cfg, size_t max_body, char *errstr,
                                       size_t errstr_size);
/* Abandons requests in flight (no callbacks). NULL-safe. */
void nw_http_get_destroy(struct nw_http_get *h);

/* Starts a GET of url (copied). etag and last_modified (may be NULL) make it conditional.
 * opaque comes back in the done callback. NW_ENOMEM or NW_EINTERNAL if it cannot start
 * (no callback then). */
enum nw_status nw_http_get_add(struct nw_http_get *h, const char *url, const char *etag,
                               const char *last_modified, void *opaque);

/* Runs transfers for at most timeout_ms (returns early when one ends) and calls done for
 * every finished request. */
void nw_http_get_poll(struct nw_http_get *h, int timeout_ms, nw_http_get_done_fn *done, void *ctx);

/* Requests in flight. */
size_t nw_http_get_active(const struct nw_http_get *h);

#endif
