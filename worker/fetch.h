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
 * Scheduling and politeness, per host: at most fetch.per_host transfers, request starts
 * at least fetch.host_delay_ms apart (or the robots.txt Crawl-delay, if longer), with
 * fetch.robots its robots.txt obeyed (a disallowed URL ends as robots_disallowed without
 * a request). A circuit breaker: after fetch.breaker_failures connection-level failures
 * in a row (timeout, refused, reset, empty reply) the host's waiting and new jobs fail at
 * once with host_unavailable for fetch.breaker_cooldown_ms, then one probe decides.
 * Every job ends within fetch.job_timeout_ms of its add (queueing, attempts and backoffs
 * included); past it, the code is job_timeout.
 *
 * URL policy (nw_url_fetchable, the same for every command): absolute http(s) only, at most
 * NW_URL_MAX_BYTES, no user name or password (refused as invalid_url, never sent nor
 * repeated), internationalised host names sent in their ASCII (punycode) form.
 *
 * Conditional GETs (for the feed watcher): a request may carry an ETag and a Last-Modified
 * date; a 304 then ends as a success with no body (not_modified). Every result carries the
 * caching headers of the last answer: ETag, Last-Modified, the Cache-Control freshness a
 * private client may use (max-age; no-cache and no-store as 0; s-maxage ignored) and
 * Retry-After. NW_FETCH_ONE_ATTEMPT hands transient failures back at once instead of
 * retrying, for a caller whose own schedule is the retry.
 *
 * Single-threaded: all calls from the thread that created the fetcher.
 */
#ifndef NW_FETCH_H
#define NW_FETCH_H

#include <stddef.h>

#include "config.h"
#include "status.h"

struct nw_fetch_result {
    enum nw_status status;  /* NW_OK: a 2xx body is in body/body_len, or not_modified */
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
    /* fetch.warc: the WARC response record of the last exchange (NULL file: none). */
    const char *warc_file;
    unsigned long long warc_offset;
    const char *warc_record_id;
    int not_modified;   /* 304 to a conditional request: status NW_OK, no body */
    long max_age_s;     /* Cache-Control max-age of the last answer (0: no-cache or
                           no-store; s-maxage is for shared caches and ignored); -1 none */
    long retry_after_s; /* Retry-After of the last answer, seconds (an HTTP date is
                           converted; capped at a day); -1 none */
};

/* Called once per added URL, when it is done (after retries). Everything in res is
 * borrowed and valid only during the call. */
typedef void nw_fetch_done_fn(void *opaque, const struct nw_fetch_result *res, void *ctx);

struct nw_fetcher;

struct nw_fetcher *nw_fetcher_create(const struct nw_config *cfg, char *errstr, size_t errstr_size);
void nw_fetcher_destroy(struct nw_fetcher *f);

/* What a command may choose differently from the fetch.* keys (nw_fetcher_options_init
 * fills it from them). */
struct nw_fetcher_options {
    int robots;      /* obey robots.txt: fetch.robots (watch: watch.robots) */
    size_t max_body; /* default body limit: fetch.max_body_bytes */
};
void nw_fetcher_options_init(struct nw_fetcher_options *opts, const struct nw_config *cfg);

/* nw_fetcher_create with opts (copied) instead of the defaults from cfg. */
struct nw_fetcher *nw_fetcher_create_with(const struct nw_config *cfg,
                                          const struct nw_fetcher_options *opts, char *errstr,
                                          size_t errstr_size);

/* Hand transient failures (429, 5xx, timeouts, resets) back after one attempt, with the
 * answer's Retry-After in the result, instead of retrying them. */
#define NW_FETCH_ONE_ATTEMPT 1u

/* The job's fetch.job_timeout_ms starts with its first attempt rather than at the add: it
 * may wait on its host (politeness, Crawl-delay, robots.txt) as long as that takes. For a
 * caller that bounds what it hands over per host itself (nw_fetcher_host_load). Such jobs
 * are not offered to nw_fetcher_withdraw before their first attempt. */
#define NW_FETCH_WAIT_FOR_HOST 2u

/* One request. Everything is borrowed for the call only (the fetcher copies). */
struct nw_fetch_request {
    const char *url;
    void *opaque;              /* comes back in the done callback */
    const char *etag;          /* If-None-Match; NULL or "" for none */
    const char *last_modified; /* If-Modified-Since; NULL or "" for none */
    size_t max_body;           /* decoded body limit; 0: the fetcher's (fetch.max_body_bytes) */
    unsigned flags;            /* NW_FETCH_* */
};

/* Queues a request. A URL that policy refuses (nw_url_fetchable: scheme, length,
 * credentials, a host that is no valid IDN) is not an error here: it completes with a
 * failure result on the next poll. NW_ENOMEM if it cannot be queued (no callback then). */
enum nw_status nw_fetcher_add_request(struct nw_fetcher *f, const struct nw_fetch_request *req);

/* nw_fetcher_add_request for a plain GET of url with the defaults. */
enum nw_status nw_fetcher_add(struct nw_fetcher *f, const char *url, void *opaque);

/* Runs transfers for at most timeout_ms (less if something finishes) and calls done for
 * every finished URL. Returns NW_OK or a fatal error (allocation failure). */
enum nw_status nw_fetcher_poll(struct nw_fetcher *f, int timeout_ms, nw_fetch_done_fn *done,
                               void *ctx);

/* Jobs of url's host (scheme, host and port) not yet done: queued, waiting for a retry or
 * in transfer (a robots.txt transfer in curl counts too). 0 for a host the fetcher does
 * not know.
 * Costs one small allocation and a hash lookup. */
size_t nw_fetcher_host_load(const struct nw_fetcher *f, const char *url);

/* URLs added and not yet completed (queued, in transfer or waiting for a retry). */
size_t nw_fetcher_pending(const struct nw_fetcher *f);

/* Of the pending URLs, how many are "parked": waiting on their own host alone (it has
 * fetch.per_host transfers running, its delay or Crawl-delay has not run down, its
 * robots.txt is being fetched, or the URL waits for a retry), counted up to
 * fetch.host_parked_max per host and fetch.parked_max in all. They take no transfer slot
 * and cost only memory, so a caller that bounds its jobs in flight should count
 * pending - parked against that bound: one slow host then holds at most
 * fetch.host_parked_max jobs beyond it, never the slots other hosts' jobs need.
 * Cheap (a counter): call it as often as needed. */
size_t nw_fetcher_parked(const struct nw_fetcher *f);

/* Asked, for one waiting job, whether to take it back: returns 1 to withdraw it (its
 * opaque is the caller's again and its done callback is never called), 0 to leave it. */
typedef int nw_fetch_withdraw_fn(void *opaque, void *ctx);

/* Withdraws jobs that wait with no transfer in curl: queued for a slot or for their
 * host, or between attempts (a retry wait). With parked_only, only those waiting on
 * their own host (what nw_fetcher_parked counts, without its caps): a job whose host is
 * free and that waits only for a slot of fetch.concurrency stays. Each candidate is
 * offered to want() once, oldest first; want may free its opaque when it returns 1.
 * Jobs in curl, and jobs already failed and waiting to be reported, are never offered.
 * Returns how many were withdrawn. For a caller that stops, or loses the jobs' source,
 * and hands the jobs back un-begun rather than waiting for a slow host. */
size_t nw_fetcher_withdraw(struct nw_fetcher *f, int parked_only, nw_fetch_withdraw_fn *want,
                           void *ctx);

/* Holds (hold != 0) or releases the start of transfers: while held, none starts (first
 * attempts, retries, robots.txt), those in curl go on, and every job keeps its deadline.
 * For a caller whose stage after the fetch is full, so that fetched bodies do not pile up
 * there: its jobs then wait here, un-begun. */
void nw_fetcher_hold(struct nw_fetcher *f, int hold);

/* Transfers in curl now. Cheap. */
size_t nw_fetcher_active(const struct nw_fetcher *f);

/* Counters since create, and the state now, for logs and metrics. */
struct nw_fetch_stats {
    size_t pending;                      /* now: as nw_fetcher_pending */
    size_t active;                       /* now: transfers in curl */
    size_t parked;                       /* now: as nw_fetcher_parked */
    size_t hosts;                        /* now: hosts known (with jobs, or idle with state kept) */
    size_t hosts_open;                   /* now: hosts whose circuit breaker is open */
    unsigned long long job_timeouts;     /* jobs ended by fetch.job_timeout_ms */
    unsigned long long host_unavailable; /* jobs failed fast by an open breaker */
    unsigned long long breaker_opened;   /* times a breaker opened */
    unsigned long long robots_fetches;   /* robots.txt transfers started */
    unsigned long long robots_disallowed; /* jobs refused by robots.txt */
};
void nw_fetcher_stats(const struct nw_fetcher *f, struct nw_fetch_stats *out);

#endif
