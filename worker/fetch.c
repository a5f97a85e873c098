/*
 * fetch.c — the libcurl multi fetcher.
 *
 * Every URL becomes one transfer (struct xfer) that lives until its done callback:
 *
 *   add ─▶ host queue ─▶ (host and slot free) in curl ─▶ done ─▶ callback
 *            ▲   │                               │
 *            │   └─ breaker open, robots.txt     │
 *            │      disallow, job deadline ─▶ failed list ─▶ callback
 *            └── delayed (retry wait) ◀──────────┘ transient failure
 *
 * Slots: at most fetch.concurrency transfers in curl, at most fetch.per_host of them to
 * one host. Hosts that could start a transfer now sit on a FIFO "ready" list, so filling
 * slots is O(1) per transfer however many hosts wait. A host that must wait for time
 * (fetch.host_delay_ms, Crawl-delay) sleeps on a timer list instead. The per-host gate is
 * ours rather than only CURLMOPT_MAX_HOST_CONNECTIONS because curl's own pending queue
 * counts against the transfer's timeout.
 *
 * Per host, besides its queue: the politeness clock (start of the last request), the
 * circuit breaker (connection-level failures in a row; open = fail fast, then one probe),
 * and with fetch.robots its robots.txt rules, fetched once per fetch.robots_ttl_s by an
 * internal transfer that goes first in the host's queue. Hosts with nothing queued keep
 * that state on an idle LRU list (bounded) so politeness survives a quiet moment.
 *
 * Every job has a deadline (fetch.job_timeout_ms from its add): queue waits, transfers
 * (their curl timeout is cut to what is left), retries and backoffs all count. Jobs live
 * on an add-ordered "age" list, so expiring the overdue ones costs nothing when none are.
 *
 * "Parked" jobs wait on their host alone (host busy or delayed, robots.txt coming, retry
 * backoff): nw_fetcher_parked() counts them, bounded per host and in all, so a caller
 * can keep taking jobs for other hosts while one host is slow.
 */
#include "fetch.h"

#include <curl/curl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <ctype.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fetch_policy.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "record.h"
#include "robots.h"
#include "url.h"
#include "warc_capture.h"
#include "warc_writer.h"

#define HOST_BUCKETS_MIN 64
/* One response's header block: more is no web page (curl's own limit is 100 KB a line). */
#define HEADER_BYTES_MAX (256u * 1024u)
#define HEADER_LINES_MAX 1000u
#define HOST_IDLE_MAX 10000         /* idle hosts whose state (robots, clock) is kept */
#define ROBOTS_UNREACHABLE_MS 60000 /* an unreachable robots.txt is asked again after */

struct host;

enum xstate { X_NEW, X_QUEUED, X_DELAYED, X_CURL, X_FAILED };

struct xfer {
    struct nw_fetcher *f;
    struct host *host;
    struct xfer *next;              /* link in a host queue, the delayed list or the failed list */
    struct xfer *prev;              /* back link in a host queue or the delayed list */
    struct xfer *in_prev, *in_next; /* link in the list of transfers inside curl */
    struct xfer *age_prev, *age_next; /* link in the add-ordered list of jobs */
    enum xstate state;
    int robots;            /* the internal robots.txt transfer of its host, not a job */
    int probe;             /* the half-open breaker's probe */
    int clamped;           /* this attempt's timeout was cut to the job's time left */
    long long deadline_ms; /* fetch.job_timeout_ms after the add */
    char last_error[160];  /* the last failed attempt, for a job_timeout message */
    CURL *easy;
    char *url;      /* as asked (without credentials): reported back */
    char *send_url; /* the form sent, when it differs (punycode host); else NULL */
    void *opaque;
    size_t max_body;                /* decoded body limit of this request */
    unsigned flags;                 /* NW_FETCH_* */
    int conditional;                /* If-None-Match / If-Modified-Since sent: 304 is success */
    struct curl_slist *req_headers; /* the conditional headers */
    int attempts;
    long long due_ms; /* when a delayed retry may start */
    struct nw_buf body;
    int too_big;
    int denied; /* the address connected to was refused */
    int oom;
    int headers_too_large;
    int in_headers;                    /* a status line came, the blank line not yet */
    size_t header_bytes, header_lines; /* of the response being received */
    char denied_addr[64];
    char errbuf[CURL_ERROR_SIZE];
    /* A refusal before any transfer (scheme, bad URL, no memory): reported by poll. */
    enum nw_status fail_status;
    const char *fail_code;
    char fail_msg[256];
    struct nw_warc_capture *warc; /* fetch.warc: this transfer's exchanges (warc_capture.h) */
};

enum robots_state { R_NONE, R_FETCHING, R_READY, R_UNREACHABLE };

struct host {
    char *name;
    struct host *chain;                 /* hash bucket chain */
    struct host *ready_next;            /* ready list link */
    struct host *sleep_next;            /* sleeping list link */
    struct host *idle_prev, *idle_next; /* idle LRU links */
    struct xfer *queue, *queue_tail;    /* waiting for a slot */
    size_t queued;                      /* jobs in queue (not the robots transfer) */
    size_t delayed;                     /* jobs waiting for a retry */
    size_t parked;                      /* this host's share of f->parked_sum */
    size_t active;                      /* transfers in curl */
    size_t refs;                        /* transfers attached in any state */
    int ready;                          /* on the ready list */
    int sleeping;                       /* on the sleeping list */
    int idle;                           /* on the idle list */
    long long wake_ms;                  /* sleeping until */
    long long next_start_ms;            /* politeness: no request starts before */
    long delay_ms;                      /* fetch.host_delay_ms or a longer Crawl-delay */
    /* circuit breaker */
    int failures;          /* connection-level failures in a row */
    long long open_until;  /* 0: closed; else open until then, half-open after */
    int probing;           /* the half-open probe is in curl */
    char last_failure[32]; /* code of the last connection failure */
    /* robots.txt */
    enum robots_state robots_state;
    struct nw_robots *rules; /* NULL: everything allowed */
    long long robots_expires;
    char robots_failure[160];
    struct xfer *robots_xfer; /* while R_FETCHING */
    char *robots_url;         /* scheme://host[:port]/robots.txt of the first job that needed it */
};

struct nw_fetcher {
    CURLM *multi;
    int curl_global;

    long concurrency;
    long per_host;
    long timeout_ms;
    long connect_timeout_ms;
    long low_speed_bytes;
    long low_speed_time_s;
    long max_redirects;
    size_t max_body;
    char *user_agent;
    int allow_file;
    int allow_private;
    int retries;
    long backoff_ms;
    long backoff_max_ms;
    long job_timeout_ms;
    long host_delay_ms;
    size_t host_parked_max;
    size_t parked_max;
    int breaker_failures; /* 0: no breaker */
    long breaker_cooldown_ms;
    int robots;
    long robots_ttl_ms;

    struct host **buckets;
    size_t n_buckets;
    size_t n_hosts;
    struct host *ready_head, *ready_tail;
    struct host *sleeping;              /* hosts waiting for their clock (unordered) */
    struct host *idle_head, *idle_tail; /* hosts with nothing attached, oldest first */
    size_t n_idle;
    struct xfer *delayed;                   /* waiting for a retry (unordered) */
    struct xfer *failed_head, *failed_tail; /* refused at add, to report */
    struct xfer *in_curl;                   /* transfers inside curl */
    struct xfer *age_head, *age_tail;       /* jobs in add order (= deadline order) */
    CURL **spare;                           /* finished easy handles kept for reuse */
    size_t n_spare;                         /* at most fetch.concurrency */

    size_t pending; /* added, not yet reported */
    size_t active;  /* in curl */
    int hold;       /* no transfer starts (nw_fetcher_hold) */
    size_t parked_sum;
    struct nw_fetch_stats stats;
    uint64_t rng;
    struct nw_warc_writer *warc; /* fetch.warc: the archive every exchange goes to, or NULL */
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- hosts ---------------------------------------------------------------------------- */

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static enum nw_status hosts_grow(struct nw_fetcher *f)
{
    size_t n = f->n_buckets * 2;
    struct host **b = nw_calloc(n, sizeof(*b));

    if (!b)
        return NW_ENOMEM;
    for (size_t i = 0; i < f->n_buckets; i++) {
        struct host *h = f->buckets[i], *next;
        for (; h; h = next) {
            size_t j = hash_str(h->name) & (n - 1);
            next = h->chain;
            h->chain = b[j];
            b[j] = h;
        }
    }
    nw_free(f->buckets);
    f->buckets = b;
    f->n_buckets = n;
    return NW_OK;
}

static void idle_unlink(struct nw_fetcher *f, struct host *h)
{
    if (!h->idle)
        return;
    if (h->idle_prev)
        h->idle_prev->idle_next = h->idle_next;
    else
        f->idle_head = h->idle_next;
    if (h->idle_next)
        h->idle_next->idle_prev = h->idle_prev;
    else
        f->idle_tail = h->idle_prev;
    h->idle_prev = h->idle_next = NULL;
    h->idle = 0;
    f->n_idle--;
}

/* The host record for name, created on first use. NULL on allocation failure. */
static struct host *host_get(struct nw_fetcher *f, const char *name)
{
    size_t i = hash_str(name) & (f->n_buckets - 1);
    struct host *h;

    for (h = f->buckets[i]; h; h = h->chain) {
        if (!strcmp(h->name, name)) {
            idle_unlink(f, h);
            return h;
        }
    }
    if (f->n_hosts >= f->n_buckets && hosts_grow(f) == NW_OK)
        i = hash_str(name) & (f->n_buckets - 1);
    h = nw_calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->name = nw_strdup(name);
    if (!h->name) {
        nw_free(h);
        return NULL;
    }
    h->delay_ms = f->host_delay_ms;
    h->chain = f->buckets[i];
    f->buckets[i] = h;
    f->n_hosts++;
    return h;
}

static void host_free(struct nw_fetcher *f, struct host *h)
{
    struct host **pp;

    for (pp = &f->buckets[hash_str(h->name) & (f->n_buckets - 1)]; *pp; pp = &(*pp)->chain) {
        if (*pp == h) {
            *pp = h->chain;
            break;
        }
    }
    f->n_hosts--;
    nw_robots_destroy(h->rules);
    nw_free(h->robots_url);
    nw_free(h->name);
    nw_free(h);
}

/* Drops a host once nothing refers to it, so a long run over many sites stays small. A
 * host whose state still matters (robots.txt, breaker, politeness clock) is kept on the
 * idle list instead, the least recently used dropped beyond HOST_IDLE_MAX. */
static void host_release(struct nw_fetcher *f, struct host *h)
{
    if (--h->refs > 0 || h->ready || h->sleeping)
        return;
    if (h->robots_state != R_NONE || h->failures > 0 || h->open_until > 0 ||
        h->next_start_ms > now_ms()) {
        h->idle = 1;
        h->idle_prev = f->idle_tail;
        h->idle_next = NULL;
        if (f->idle_tail)
            f->idle_tail->idle_next = h;
        else
            f->idle_head = h;
        f->idle_tail = h;
        f->n_idle++;
        while (f->n_idle > HOST_IDLE_MAX) {
            struct host *old = f->idle_head;
            idle_unlink(f, old);
            host_free(f, old);
        }
        return;
    }
    host_free(f, h);
}

/* Keeps f->parked_sum equal to the sum over hosts of their jobs that wait on the host
 * alone: retry waits, and the queue unless the host is on the ready list (then only a
 * global slot is missing). */
static void host_account(struct nw_fetcher *f, struct host *h)
{
    size_t n = h->delayed + (h->ready ? 0 : h->queued);

    if (n > f->host_parked_max)
        n = f->host_parked_max;
    f->parked_sum = f->parked_sum - h->parked + n;
    h->parked = n;
}

static void queue_push(struct nw_fetcher *f, struct host *h, struct xfer *x, int front)
{
    x->state = X_QUEUED;
    if (front) {
        x->prev = NULL;
        x->next = h->queue;
        if (h->queue)
            h->queue->prev = x;
        else
            h->queue_tail = x;
        h->queue = x;
    } else {
        x->next = NULL;
        x->prev = h->queue_tail;
        if (h->queue_tail)
            h->queue_tail->next = x;
        else
            h->queue = x;
        h->queue_tail = x;
    }
    if (!x->robots)
        h->queued++;
    host_account(f, h);
}

static void queue_remove(struct nw_fetcher *f, struct host *h, struct xfer *x)
{
    if (x->prev)
        x->prev->next = x->next;
    else
        h->queue = x->next;
    if (x->next)
        x->next->prev = x->prev;
    else
        h->queue_tail = x->prev;
    x->prev = x->next = NULL;
    x->state = X_NEW;
    if (!x->robots)
        h->queued--;
    host_account(f, h);
}

static void delayed_add(struct nw_fetcher *f, struct xfer *x)
{
    x->state = X_DELAYED;
    x->prev = NULL;
    x->next = f->delayed;
    if (f->delayed)
        f->delayed->prev = x;
    f->delayed = x;
    if (!x->robots)
        x->host->delayed++;
    host_account(f, x->host);
}

static void delayed_remove(struct nw_fetcher *f, struct xfer *x)
{
    if (x->prev)
        x->prev->next = x->next;
    else
        f->delayed = x->next;
    if (x->next)
        x->next->prev = x->prev;
    x->prev = x->next = NULL;
    x->state = X_NEW;
    if (!x->robots)
        x->host->delayed--;
    host_account(f, x->host);
}

/* Puts x last on the age list (its deadline is the latest). */
static void age_append(struct nw_fetcher *f, struct xfer *x)
{
    x->age_next = NULL;
    x->age_prev = f->age_tail;
    if (f->age_tail)
        f->age_tail->age_next = x;
    else
        f->age_head = x;
    f->age_tail = x;
}

static void age_unlink(struct nw_fetcher *f, struct xfer *x)
{
    if (!x->age_prev && f->age_head != x)
        return; /* not on the list (robots transfer) */
    if (x->age_prev)
        x->age_prev->age_next = x->age_next;
    else
        f->age_head = x->age_next;
    if (x->age_next)
        x->age_next->age_prev = x->age_prev;
    else
        f->age_tail = x->age_prev;
    x->age_prev = x->age_next = NULL;
}

static int breaker_open(const struct host *h, long long now)
{
    return h->open_until > now;
}

static int breaker_half_open(const struct host *h, long long now)
{
    return h->open_until > 0 && h->open_until <= now;
}

static void host_sleep(struct nw_fetcher *f, struct host *h, long long until)
{
    h->wake_ms = until;
    if (h->sleeping)
        return;
    h->sleeping = 1;
    h->sleep_next = f->sleeping;
    f->sleeping = h;
}

static void start_robots(struct nw_fetcher *f, struct host *h);

/* Puts h on the ready list if it has queued work it may start now: a free per-host slot,
 * its robots.txt known (or its fetch is next), no open breaker (one probe when half-open),
 * and its politeness clock run down; a host that only waits for the clock sleeps. */
static void host_maybe_ready(struct nw_fetcher *f, struct host *h)
{
    long long now;

    if (h->ready || h->sleeping || !h->queue)
        return;
    now = now_ms();
    if (f->robots && h->robots_url && h->robots_state != R_FETCHING &&
        (h->robots_state == R_NONE || h->robots_expires <= now))
        start_robots(f, h);
    if (h->robots_state == R_FETCHING) {
        struct xfer *rx = h->robots_xfer;
        if (rx->state != X_QUEUED)
            return; /* in curl or waiting for a retry: the rules come first */
        if (h->queue != rx) {
            /* A retry went to the front meanwhile: the rules still come first. */
            queue_remove(f, h, rx);
            queue_push(f, h, rx, 1);
        }
    }
    if (breaker_open(h, now)) {
        host_sleep(f, h, h->open_until); /* only the robots.txt transfer can be queued */
        return;
    }
    if (h->active >= (size_t)f->per_host)
        return;
    if (breaker_half_open(h, now) && h->probing)
        return;
    if (h->next_start_ms > now) {
        host_sleep(f, h, h->next_start_ms);
        host_account(f, h);
        return;
    }
    h->ready = 1;
    h->ready_next = NULL;
    if (f->ready_tail)
        f->ready_tail->ready_next = h;
    else
        f->ready_head = h;
    f->ready_tail = h;
    host_account(f, h);
}

/* Wakes the sleeping hosts whose clock has run down. Returns the next wake time, or -1. */
static long long wake_hosts(struct nw_fetcher *f, long long now)
{
    struct host **pp = &f->sleeping;
    long long next = -1;

    while (*pp) {
        struct host *h = *pp;
        if (h->wake_ms <= now) {
            *pp = h->sleep_next;
            h->sleeping = 0;
            h->sleep_next = NULL;
            if (h->refs == 0) {
                h->refs = 1; /* released while asleep: release again to free or idle */
                host_release(f, h);
            } else {
                host_maybe_ready(f, h);
            }
        } else {
            if (next < 0 || h->wake_ms < next)
                next = h->wake_ms;
            pp = &h->sleep_next;
        }
    }
    return next;
}

/* ---- transfers ------------------------------------------------------------------------ */

/* Frees x. Its easy handle (out of curl by now) is kept for the next transfer while fewer
 * than fetch.concurrency are kept: a handle costs some 20 KB of allocations to make. */
static void xfer_free(struct xfer *x)
{
    if (!x)
        return;
    if (x->easy && x->f->spare && x->f->n_spare < (size_t)x->f->concurrency)
        x->f->spare[x->f->n_spare++] = x->easy;
    else if (x->easy)
        curl_easy_cleanup(x->easy);
    nw_warc_capture_destroy(x->warc);
    curl_slist_free_all(x->req_headers);
    nw_buf_fini(&x->body);
    nw_free(x->url);
    nw_free(x->send_url);
    nw_free(x);
}

/* The URL curl is given: the ASCII form when the asked one has an IDN host. */
static const char *xfer_target(const struct xfer *x)
{
    return x->send_url ? x->send_url : x->url;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct xfer *x = userdata;
    size_t n = size * nmemb;
    enum nw_status result;

    if (x->robots && n > x->body.max - x->body.len) {
        /* robots.txt keeps its first NW_ROBOTS_MAX_BYTES whole (RFC 9309 2.5), then stops. */
        result = nw_buf_append(&x->body, data, x->body.max - x->body.len);
        if (result == NW_OK)
            result = NW_ETOOBIG;
    } else {
        result = nw_buf_append(&x->body, data, n);
    }
    if (result == NW_ETOOBIG)
        x->too_big = 1;
    else if (result)
        x->oom = 1;
    return result ? 0 : n; /* a short count makes curl abort the transfer */
}

/* Bounds the header block of each response (a redirect starts a new one). */
static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct xfer *x = userdata;
    size_t n = size * nmemb;

    if (n >= 5 && !memcmp(data, "HTTP/", 5)) {
        x->header_bytes = x->header_lines = 0;
        x->in_headers = 1;
    } else if (n <= 2 && (data[0] == '\r' || data[0] == '\n')) {
        x->in_headers = 0;
    }
    x->header_bytes += n;
    x->header_lines++;
    if (x->header_bytes > HEADER_BYTES_MAX || x->header_lines > HEADER_LINES_MAX) {
        x->headers_too_large = 1;
        return 0; /* aborts the transfer */
    }
    return n;
}

/* Every connection goes through here, after DNS and before connect(): the one place
 * where the address really used is known, whatever the URL, redirect or resolver said. */
static curl_socket_t on_open_socket(void *clientp, curlsocktype purpose,
                                    struct curl_sockaddr *address)
{
    struct xfer *x = clientp;

    if (!x->f->allow_private && nw_fetch_policy_address_denied(&address->addr)) {
        x->denied = 1;
        nw_fetch_policy_address_str(&address->addr, x->denied_addr, sizeof(x->denied_addr));
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

/* Fails the transfer before it starts; poll reports it. */
static void xfer_refuse(struct nw_fetcher *f, struct xfer *x, enum nw_status status,
                        const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void xfer_refuse(struct nw_fetcher *f, struct xfer *x, enum nw_status status,
                        const char *code, const char *fmt, ...)
{
    va_list ap;

    x->fail_status = status;
    x->fail_code = code;
    va_start(ap, fmt);
    vsnprintf(x->fail_msg, sizeof(x->fail_msg), fmt, ap);
    va_end(ap);
    x->next = NULL;
    if (f->failed_tail)
        f->failed_tail->next = x;
    else
        f->failed_head = x;
    f->failed_tail = x;
}

#define SETOPT(opt, val)                                                                           \
    do {                                                                                           \
        if (curl_easy_setopt(e, opt, val) != CURLE_OK)                                             \
            goto fail;                                                                             \
    } while (0)

static enum nw_status xfer_setup(struct nw_fetcher *f, struct xfer *x)
{
    const char *protocols = f->allow_file ? "http,https,file" : "http,https";
    CURL *e;

    if (f->n_spare > 0) {
        e = f->spare[--f->n_spare];
        curl_easy_reset(e);
    } else {
        e = curl_easy_init();
    }
    if (!e)
        return NW_ENOMEM;
    x->easy = e;
    SETOPT(CURLOPT_URL, xfer_target(x));
    SETOPT(CURLOPT_PRIVATE, x);
    SETOPT(CURLOPT_NOSIGNAL, 1L);
    SETOPT(CURLOPT_PROTOCOLS_STR, protocols);
    /* A page may never send us to a local file, whatever fetch.allow_file says. */
    SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SETOPT(CURLOPT_FOLLOWLOCATION, 1L);
    SETOPT(CURLOPT_MAXREDIRS, f->max_redirects);
    SETOPT(CURLOPT_AUTOREFERER, 1L);
    SETOPT(CURLOPT_ACCEPT_ENCODING, "");
    SETOPT(CURLOPT_USERAGENT, f->user_agent);
    SETOPT(CURLOPT_TIMEOUT_MS, f->timeout_ms);
    SETOPT(CURLOPT_CONNECTTIMEOUT_MS, f->connect_timeout_ms);
    if (f->low_speed_bytes > 0 && f->low_speed_time_s > 0) {
        SETOPT(CURLOPT_LOW_SPEED_LIMIT, f->low_speed_bytes);
        SETOPT(CURLOPT_LOW_SPEED_TIME, f->low_speed_time_s);
    }
    /* A declared length over the limit fails before the body is read. */
    SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max_body);
    if (x->req_headers)
        SETOPT(CURLOPT_HTTPHEADER, x->req_headers);
    /* Error statuses end the transfer at the headers: their bodies are not needed. */
    SETOPT(CURLOPT_FAILONERROR, 1L);
    SETOPT(CURLOPT_WRITEFUNCTION, on_body);
    SETOPT(CURLOPT_WRITEDATA, x);
    SETOPT(CURLOPT_HEADERFUNCTION, on_header);
    SETOPT(CURLOPT_HEADERDATA, x);
    SETOPT(CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    SETOPT(CURLOPT_OPENSOCKETDATA, x);
    SETOPT(CURLOPT_ERRORBUFFER, x->errbuf);
    /* No proxy from the environment: the address check must see the real peer. */
    SETOPT(CURLOPT_PROXY, "");
    if (f->warc && nw_warc_capture_attach(&x->warc, e, f->max_body) != NW_OK)
        goto fail;
    return NW_OK;
fail:
    return NW_EINTERNAL;
}

#undef SETOPT

static void robots_start_failed(struct nw_fetcher *f, struct xfer *x, enum nw_status status);

/* Hands x to curl. On failure x is moved to the failed list (a robots.txt transfer ends
 * as an unreachable robots.txt instead). */
static void age_append(struct nw_fetcher *f, struct xfer *x);

static void xfer_start(struct nw_fetcher *f, struct xfer *x)
{
    enum nw_status result = NW_OK;
    long long left;

    if (x->deadline_ms == LLONG_MAX && !x->robots) {
        /* NW_FETCH_WAIT_FOR_HOST: the job's time starts with its first attempt. Every job
         * gets the same fetch.job_timeout_ms, so appending keeps the age list in deadline
         * order. */
        x->deadline_ms = now_ms() + f->job_timeout_ms;
        age_append(f, x);
    }
    left = x->deadline_ms - now_ms();

    x->attempts++;
    x->too_big = x->denied = x->oom = x->headers_too_large = x->in_headers = 0;
    x->header_bytes = x->header_lines = 0;
    x->errbuf[0] = '\0';
    nw_buf_reset(&x->body);
    nw_warc_capture_reset(x->warc);
    if (!x->easy)
        result = xfer_setup(f, x);
    /* The transfer may not outlive its job: its timeout is what the job has left. */
    x->clamped = left < f->timeout_ms;
    if (!result && x->clamped &&
        (curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, left > 1 ? (long)left : 1L) != CURLE_OK ||
         curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS,
                          left < f->connect_timeout_ms ? (left > 1 ? (long)left : 1L)
                                                       : f->connect_timeout_ms) != CURLE_OK))
        result = NW_EINTERNAL;
    if (!result && curl_multi_add_handle(f->multi, x->easy) != CURLM_OK)
        result = NW_ENOMEM;
    if (result) {
        if (x->robots)
            robots_start_failed(f, x, result);
        else
            xfer_refuse(f, x, result, nw_status_name(result), "cannot start the transfer");
        return;
    }
    x->state = X_CURL;
    x->host->active++;
    f->active++;
    x->in_prev = NULL;
    x->in_next = f->in_curl;
    if (f->in_curl)
        f->in_curl->in_prev = x;
    f->in_curl = x;
}

/* Fails a job that has not started (or waits between attempts) with code; it is reported
 * on the next poll. Takes it out of its queue first. */
static void job_fail(struct nw_fetcher *f, struct xfer *x, enum nw_status status, const char *code,
                     const char *msg)
{
    if (x->state == X_QUEUED)
        queue_remove(f, x->host, x);
    else if (x->state == X_DELAYED)
        delayed_remove(f, x);
    x->state = X_FAILED;
    xfer_refuse(f, x, status, code, "%s", msg);
}

/* The breaker of h opened: every job of h not in curl fails now with host_unavailable. */
static void host_fail_all(struct nw_fetcher *f, struct host *h, long long now)
{
    char msg[256];
    struct xfer *x, *next;

    snprintf(msg, sizeof(msg),
             "host %s is unavailable: %d connection failures in a row (last: %s); "
             "circuit breaker open for %lld ms more",
             h->name, h->failures, h->last_failure[0] ? h->last_failure : "?", h->open_until - now);
    for (x = h->queue; x; x = next) {
        next = x->next;
        if (x->robots)
            continue;
        f->stats.host_unavailable++;
        job_fail(f, x, NW_ENETWORK, "host_unavailable", msg);
    }
    for (x = f->delayed; x; x = next) {
        next = x->next;
        if (x->host != h || x->robots)
            continue;
        f->stats.host_unavailable++;
        job_fail(f, x, NW_ENETWORK, "host_unavailable", msg);
    }
}

/* The path and query of url for robots.txt matching, or NULL. Caller frees. */
static char *url_robots_path(const char *url)
{
    CURLU *u = curl_url();
    char *path = NULL, *query = NULL, *out = NULL;

    if (!u)
        return NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK) {
        curl_url_get(u, CURLUPART_QUERY, &query, 0);
        out = nw_malloc(strlen(path) + (query ? strlen(query) + 1 : 0) + 1);
        if (out)
            sprintf(out, "%s%s%s", path, query ? "?" : "", query ? query : "");
    }
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    return out;
}

/* scheme://host[:port]/robots.txt of url, or NULL. Caller frees. */
static char *url_robots_url(const char *url)
{
    CURLU *u = curl_url();
    char *s = NULL, *out = NULL;

    if (!u)
        return NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_PATH, "/robots.txt", 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_QUERY, NULL, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_USER, NULL, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK)
        out = nw_strdup(s);
    curl_free(s);
    curl_url_cleanup(u);
    return out;
}

/* Queues the internal robots.txt transfer of h at the head of its queue. */
static void start_robots(struct nw_fetcher *f, struct host *h)
{
    struct xfer *x = nw_calloc(1, sizeof(*x));

    if (x)
        x->url = nw_strdup(h->robots_url);
    if (!x || !x->url) {
        nw_free(x);
        h->robots_state = R_UNREACHABLE;
        h->robots_expires = now_ms() + 1000;
        snprintf(h->robots_failure, sizeof(h->robots_failure), "out of memory");
        return;
    }
    x->f = f;
    x->host = h;
    x->robots = 1;
    /* No refusal of a declared length: an over-size robots.txt is read up to its first
     * NW_ROBOTS_MAX_BYTES (on_body stops there) and those are parsed. */
    x->max_body = 0;
    x->deadline_ms = now_ms() + f->job_timeout_ms;
    nw_buf_init(&x->body, NW_ROBOTS_MAX_BYTES);
    h->refs++;
    h->robots_xfer = x;
    h->robots_state = R_FETCHING;
    f->stats.robots_fetches++;
    queue_push(f, h, x, 1);
}

/* A job about to start: 0 if robots.txt (or its absence) keeps it from starting, and then
 * it has been failed. */
static int robots_permit(struct nw_fetcher *f, struct xfer *x)
{
    struct host *h = x->host;
    char msg[400];
    char *path;

    if (!f->robots || x->robots || !h->robots_url)
        return 1;
    if (h->robots_state == R_UNREACHABLE) {
        snprintf(msg, sizeof(msg),
                 "robots.txt of %s could not be fetched (%s): everything counts as "
                 "disallowed until it can (RFC 9309)",
                 h->name, h->robots_failure);
        f->stats.robots_disallowed++;
        job_fail(f, x, NW_EDENIED, "robots_unreachable", msg);
        return 0;
    }
    if (!h->rules)
        return 1; /* no robots.txt (4xx) or no rules: everything allowed, no path needed */
    path = url_robots_path(xfer_target(x));
    if (path && nw_robots_allowed(h->rules, path)) {
        nw_free(path);
        return 1;
    }
    snprintf(msg, sizeof(msg), "robots.txt of %s disallows %.200s for our user agent", h->name,
             path ? path : x->url);
    nw_free(path);
    f->stats.robots_disallowed++;
    job_fail(f, x, NW_EDENIED, "robots_disallowed", msg);
    return 0;
}

/* Fills free slots from the ready hosts, oldest first. */
static void fill_slots(struct nw_fetcher *f)
{
    /* Bounded: every turn starts a transfer, fails a job or takes a host off the list. */
    while (!f->hold && f->active < (size_t)f->concurrency && f->ready_head) {
        struct host *h = f->ready_head;
        struct xfer *x;
        long long now;

        f->ready_head = h->ready_next;
        if (!f->ready_head)
            f->ready_tail = NULL;
        h->ready = 0;
        host_account(f, h);
        if (!h->queue) {
            if (h->refs == 0) {
                h->refs = 1;
                host_release(f, h);
            }
            continue;
        }
        x = h->queue;
        if (h->robots_state == R_FETCHING && !x->robots)
            continue; /* rules not in yet: host_maybe_ready sees it again when they are */
        queue_remove(f, h, x);
        if (!robots_permit(f, x)) {
            host_maybe_ready(f, h);
            continue;
        }
        now = now_ms();
        if (breaker_half_open(h, now)) {
            h->probing = 1;
            x->probe = 1;
        }
        h->next_start_ms = now + h->delay_ms;
        xfer_start(f, x);
        host_maybe_ready(f, h);
    }
}

/* Moves delayed transfers whose time has come back to the front of their host queue. */
static void promote_delayed(struct nw_fetcher *f, long long now)
{
    struct xfer *x = f->delayed, *next;

    for (; x; x = next) {
        next = x->next;
        if (x->due_ms <= now) {
            delayed_remove(f, x);
            queue_push(f, x->host, x, 1);
            host_maybe_ready(f, x->host);
        }
    }
}

static long long next_due_ms(const struct nw_fetcher *f)
{
    long long next_due = -1;

    for (const struct xfer *x = f->delayed; x; x = x->next)
        if (next_due < 0 || x->due_ms < next_due)
            next_due = x->due_ms;
    return next_due;
}

/* Fails the jobs whose deadline has passed while they wait (in curl, their own timeout
 * ends them). Returns the next deadline of a waiting job, or -1. */
static long long expire_jobs(struct nw_fetcher *f, long long now)
{
    struct xfer *x = f->age_head, *next;
    char msg[400];

    /* Bounded: past the jobs in curl (at most fetch.concurrency) every job visited is
     * failed, until the first one not yet due. */
    for (; x; x = next) {
        next = x->age_next;
        if (x->deadline_ms > now)
            return x->deadline_ms;
        if (x->state != X_QUEUED && x->state != X_DELAYED)
            continue;
        if (x->attempts > 0)
            snprintf(msg, sizeof(msg),
                     "gave up after %ld ms (fetch.job_timeout_ms) and %d attempt(s); last: %s",
                     f->job_timeout_ms, x->attempts, x->last_error);
        else
            snprintf(msg, sizeof(msg),
                     "not started within fetch.job_timeout_ms (%ld ms): host %s was busy%s",
                     f->job_timeout_ms, x->host->name,
                     x->host->robots_state == R_FETCHING ? " (fetching its robots.txt)" : "");
        f->stats.job_timeouts++;
        job_fail(f, x, NW_ETIMEOUT, "job_timeout", msg);
    }
    return -1;
}

/* ---- results -------------------------------------------------------------------------- */

struct outcome {
    enum nw_status status;
    const char *code;
    char code_buf[16];
    char message[CURL_ERROR_SIZE + 128];
    int transient;
};

static void classify(struct xfer *x, CURLcode rc, long http_status, struct outcome *o)
{
    const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);

    o->status = NW_OK;
    o->code = NULL;
    o->transient = 0;
    o->message[0] = '\0';
    if (rc == CURLE_OK && (http_status == 0 || (http_status >= 200 && http_status < 300) ||
                           (http_status == 304 && x->conditional)))
        return;
    if (x->denied) {
        o->status = NW_EDENIED;
        o->code = "denied_address";
        snprintf(o->message, sizeof(o->message),
                 "refused to connect to non-public address %s (fetch.allow_private is off)",
                 x->denied_addr);
        return;
    }
    if (x->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        o->status = NW_ETOOBIG;
        o->code = "too_big";
        if (x->max_body == x->f->max_body)
            snprintf(o->message, sizeof(o->message), "body larger than fetch.max_body_bytes (%zu)",
                     x->max_body);
        else
            snprintf(o->message, sizeof(o->message), "body larger than the %zu-byte limit",
                     x->max_body);
        return;
    }
    /* curl refuses one header line over 100 KB itself: "out of memory" in the middle of a
     * header block, or a receive error naming the header. Neither is transient. */
    if (x->headers_too_large || (rc == CURLE_OUT_OF_MEMORY && x->in_headers) ||
        ((rc == CURLE_OUT_OF_MEMORY || rc == CURLE_RECV_ERROR) && strstr(detail, "header"))) {
        o->status = NW_ETOOBIG;
        o->code = "headers_too_large";
        snprintf(o->message, sizeof(o->message),
                 "response headers larger than %u bytes or %u lines (%s)", HEADER_BYTES_MAX,
                 HEADER_LINES_MAX, x->headers_too_large ? "stopped reading" : detail);
        return;
    }
    if (x->oom) {
        o->status = NW_ENOMEM;
        o->code = nw_status_name(NW_ENOMEM);
        snprintf(o->message, sizeof(o->message), "out of memory while receiving the body");
        return;
    }
    if (rc == CURLE_OK || rc == CURLE_HTTP_RETURNED_ERROR) {
        o->status = NW_EHTTP;
        snprintf(o->code_buf, sizeof(o->code_buf), "http_%ld", http_status);
        o->code = o->code_buf;
        snprintf(o->message, sizeof(o->message), "HTTP status %ld", http_status);
        o->transient = http_status == 429 || (http_status >= 500 && http_status <= 599);
        return;
    }
    snprintf(o->message, sizeof(o->message), "%s", detail);
    o->status = NW_ENETWORK;
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        o->status = NW_ETIMEOUT;
        o->code = "timeout";
        o->transient = 1;
        break;
    case CURLE_COULDNT_CONNECT:
        o->code = "refused";
        o->transient = 1;
        break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        o->code = "dns";
        break;
    case CURLE_TOO_MANY_REDIRECTS:
        o->code = "too_many_redirects";
        break;
    case CURLE_UNSUPPORTED_PROTOCOL:
        /* curl says so too of an answer with no HTTP status line (HTTP/0.9 or garbage):
         * the server's fault, not the scheme's. */
        if (strstr(detail, "HTTP/0.9")) {
            o->status = NW_EPARSE;
            o->code = "bad_response";
            snprintf(o->message, sizeof(o->message),
                     "the server's answer is not HTTP/1.x or later (%s)", detail);
            break;
        }
        o->status = NW_EDENIED;
        o->code = "denied_scheme";
        break;
    case CURLE_WEIRD_SERVER_REPLY:
        o->status = NW_EPARSE;
        o->code = "bad_response";
        break;
    case CURLE_URL_MALFORMAT:
        o->status = NW_EINVAL;
        o->code = "invalid_url";
        break;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
        o->code = "reset";
        o->transient = 1;
        break;
    case CURLE_GOT_NOTHING:
        o->code = "empty_reply";
        o->transient = 1;
        break;
    case CURLE_PARTIAL_FILE:
        o->code = "partial";
        o->transient = 1;
        break;
    case CURLE_BAD_CONTENT_ENCODING:
        o->code = "bad_encoding";
        break;
    case CURLE_FILE_COULDNT_READ_FILE:
    case CURLE_READ_ERROR:
        o->status = NW_EIO;
        o->code = "not_found";
        break;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        o->code = "tls";
        break;
    case CURLE_OUT_OF_MEMORY:
        o->status = NW_ENOMEM;
        o->code = nw_status_name(NW_ENOMEM);
        break;
    default:
        o->code = "network";
        break;
    }
}

/* A header of the last response, or NULL. Borrowed from curl until the handle changes. */
static const char *last_header(CURL *e, const char *name)
{
    struct curl_header *h = NULL;

    if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h)
        return NULL;
    return h->value;
}

/* The freshness a private client may give the last answer (nw_fetch_policy_max_age_s over
 * every Cache-Control field); -1 if none. */
static long last_max_age_s(CURL *e)
{
    struct curl_header *h = NULL;
    long max_age = -1;
    size_t amount = 1;

    /* Bounded by the header count curl kept (at most HEADER_LINES_MAX lines). */
    for (size_t i = 0; i < amount; i++) {
        if (curl_easy_header(e, "Cache-Control", i, CURLH_HEADER, -1, &h) != CURLHE_OK || !h)
            break;
        amount = h->amount;
        max_age = nw_fetch_policy_max_age_merge(
            max_age, nw_fetch_policy_max_age_s(h->value, strlen(h->value)));
    }
    return max_age;
}

/* Retry-After of the last answer in seconds (curl reads both forms), at most a day; -1 if
 * none (curl reports an absent header and "0" alike: both mean "no wait"). */
static long last_retry_after_s(CURL *e)
{
    curl_off_t s = 0;

    if (curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &s) != CURLE_OK || s <= 0)
        return -1;
    return s > 86400 ? 86400 : (long)s;
}

/* Calls done for a transfer that ended for good, then frees it. */
static void report(struct nw_fetcher *f, struct xfer *x, const struct outcome *o, long http_status,
                   nw_fetch_done_fn *done, void *ctx)
{
    struct nw_fetch_result res = {0};
    char fetched_at[32];
    char *final_url = NULL, *content_type = NULL;
    curl_off_t total_us = 0;

    nw_rfc3339((long long)time(NULL), fetched_at, sizeof(fetched_at));
    res.status = o->status;
    res.error_code = o->code;
    res.message = o->message;
    res.http_status = http_status;
    res.url = x->url;
    res.final_url = x->url;
    res.attempts = x->attempts;
    res.fetched_at = fetched_at;
    res.max_age_s = res.retry_after_s = -1;
    if (x->easy && !x->fail_code) {
        /* Not redirected from the ASCII form of an IDN host: the URL as asked. */
        if (curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &final_url) == CURLE_OK &&
            final_url && !(x->send_url && !strcmp(final_url, x->send_url)))
            res.final_url = final_url;
        if (curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK)
            res.content_type = content_type;
        if (curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &total_us) == CURLE_OK)
            res.elapsed_ms = (long)(total_us / 1000);
        if (http_status > 0) {
            res.etag = last_header(x->easy, "ETag");
            res.last_modified = last_header(x->easy, "Last-Modified");
            res.max_age_s = last_max_age_s(x->easy);
            res.retry_after_s = last_retry_after_s(x->easy);
        }
    }
    if (nw_warc_capture_ref(x->warc)) {
        const struct nw_warc_ref *ref = nw_warc_capture_ref(x->warc);
        res.warc_file = ref->file;
        res.warc_offset = ref->offset;
        res.warc_record_id = ref->record_id;
    }
    res.not_modified = o->status == NW_OK && http_status == 304;
    if (o->status == NW_OK && !res.not_modified) {
        res.body = x->body.data ? x->body.data : "";
        res.body_len = x->body.len;
    }
    f->pending--;
    nw_metrics_fetch(o->code, http_status, x->body.len, x->fail_code ? -1 : res.elapsed_ms);
    age_unlink(f, x);
    done(x->opaque, &res, ctx);
    host_release(f, x->host);
    xfer_free(x);
}

/* The robots.txt transfer of h ended for good (o: its outcome). */
static void robots_done(struct nw_fetcher *f, struct xfer *x, const struct outcome *o,
                        long http_status)
{
    struct host *h = x->host;
    long long now = now_ms();
    long delay;

    h->robots_xfer = NULL;
    nw_robots_destroy(h->rules);
    h->rules = NULL;
    h->robots_state = R_READY;
    h->robots_expires = now + f->robots_ttl_ms;
    h->robots_failure[0] = '\0';
    if (o->status == NW_OK || o->status == NW_ETOOBIG) {
        /* Too big: the first NW_ROBOTS_MAX_BYTES are what a parser must read anyway. */
        if (nw_robots_parse(x->body.data, x->body.len, f->user_agent, &h->rules) != NW_OK) {
            h->rules = NULL;
            h->robots_state = R_UNREACHABLE;
            h->robots_expires = now + 1000;
            snprintf(h->robots_failure, sizeof(h->robots_failure), "out of memory");
        }
    } else if (o->status == NW_EHTTP && http_status >= 400 && http_status < 500) {
        /* 4xx: "unavailable", so no rules apply (RFC 9309 2.3.1.3). */
    } else if (o->status == NW_EDENIED) {
        /* The host itself is refused (private address): the job says so on its own. */
    } else {
        /* 5xx or no answer: "unreachable", assume everything disallowed (2.3.1.4). */
        h->robots_state = R_UNREACHABLE;
        h->robots_expires = now + ROBOTS_UNREACHABLE_MS;
        snprintf(h->robots_failure, sizeof(h->robots_failure), "%s: %.120s",
                 o->code ? o->code : "?", o->message);
    }
    delay = nw_robots_crawl_delay_ms(h->rules);
    h->delay_ms = delay > f->host_delay_ms ? delay : f->host_delay_ms;
    if (delay > 0 && h->next_start_ms < now + delay && h->next_start_ms > 0)
        h->next_start_ms = now + delay;
    NW_LOG_DEBUG("fetch", "robots.txt of %s: %s, %zu rules, delay %ld ms", h->name,
                 h->robots_state == R_READY ? "ready" : "unreachable",
                 nw_robots_rule_count(h->rules), h->delay_ms);
    host_release(f, h);
    xfer_free(x);
}

static void robots_start_failed(struct nw_fetcher *f, struct xfer *x, enum nw_status status)
{
    struct outcome o = {.status = status, .code = nw_status_name(status)};

    snprintf(o.message, sizeof(o.message), "cannot start the transfer");
    robots_done(f, x, &o, 0);
}

/* Whether a failure says the host itself is not answering (not this page's problem). */
static int connection_failure(const struct outcome *o, long http_status)
{
    if (http_status > 0 || !o->code)
        return 0;
    return o->status == NW_ETIMEOUT || !strcmp(o->code, "refused") || !strcmp(o->code, "reset") ||
           !strcmp(o->code, "empty_reply");
}

/* Feeds the outcome of one attempt to h's circuit breaker. */
static void breaker_update(struct nw_fetcher *f, struct host *h, struct xfer *x,
                           const struct outcome *o, long http_status, long long now)
{
    if (x->probe) {
        x->probe = 0;
        h->probing = 0;
    }
    if (o->status == NW_ETIMEOUT && x->clamped)
        return; /* cut short by its own job's deadline: says nothing about the host */
    if (!connection_failure(o, http_status)) {
        if (h->open_until)
            NW_LOG_INFO("fetch", "host %s answers again: circuit breaker closed", h->name);
        h->failures = 0;
        h->open_until = 0;
        return;
    }
    h->failures++;
    snprintf(h->last_failure, sizeof(h->last_failure), "%s", o->code);
    if (f->breaker_failures <= 0 || breaker_open(h, now))
        return; /* off, or already open (transfers that started before it opened) */
    if (h->failures >= f->breaker_failures || breaker_half_open(h, now)) {
        int was_closed = h->open_until == 0;
        h->open_until = now + f->breaker_cooldown_ms;
        f->stats.breaker_opened++;
        NW_LOG_WARN("fetch",
                    "host %s: %d connection failures in a row (last: %s): its jobs fail fast "
                    "with host_unavailable for %ld ms%s",
                    h->name, h->failures, o->code, f->breaker_cooldown_ms,
                    was_closed ? "" : " (the probe failed)");
        host_fail_all(f, h, now);
    }
}

/* One transfer came back from curl: retry it later or report it. */
static int finish(struct nw_fetcher *f, struct xfer *x, CURLcode rc, nw_fetch_done_fn *done,
                  void *ctx)
{
    struct host *h = x->host;
    struct outcome o;
    long http_status = 0;
    curl_off_t retry_after_s = -1;
    long long now = now_ms();

    curl_multi_remove_handle(f->multi, x->easy);
    x->state = X_NEW;
    h->active--;
    f->active--;
    if (x->in_prev)
        x->in_prev->in_next = x->in_next;
    else
        f->in_curl = x->in_next;
    if (x->in_next)
        x->in_next->in_prev = x->in_prev;
    x->in_prev = x->in_next = NULL;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &http_status);
    nw_warc_capture_flush(x->warc, f->warc, x->too_big ? CURLE_FILESIZE_EXCEEDED : rc);
    classify(x, rc, http_status, &o);
    breaker_update(f, h, x, &o, http_status, now);
    if (o.status != NW_OK)
        snprintf(x->last_error, sizeof(x->last_error), "%s: %.140s", o.code ? o.code : "?",
                 o.message);
    if (x->flags & NW_FETCH_ONE_ATTEMPT)
        o.transient = 0; /* the caller's schedule is the retry */
    if (o.transient && x->attempts <= f->retries && !breaker_open(h, now)) {
        long wait;
        if (curl_easy_getinfo(x->easy, CURLINFO_RETRY_AFTER, &retry_after_s) != CURLE_OK ||
            retry_after_s <= 0)
            retry_after_s = -1;
        wait = nw_fetch_policy_backoff_ms(x->attempts, f->backoff_ms, f->backoff_max_ms,
                                          retry_after_s < 0 ? -1
                                          : retry_after_s > f->backoff_max_ms / 1000
                                              ? f->backoff_max_ms
                                              : (long)retry_after_s * 1000,
                                          &f->rng);
        if (now + wait < x->deadline_ms) {
            nw_metrics_inc(NW_METRICS_FETCH_RETRIES);
            nw_log_kv(NW_LOG_DEBUG, "fetch", NW_LOG_URL(x->url, o.code),
                      "%s: %s (attempt %d), retrying in %ld ms", x->url, o.code, x->attempts, wait);
            x->due_ms = now + wait;
            delayed_add(f, x);
            host_maybe_ready(f, h);
            return 0;
        }
    }
    if (x->robots) {
        robots_done(f, x, &o, http_status);
        host_maybe_ready(f, h);
        return 0;
    }
    if (o.status != NW_OK && now >= x->deadline_ms - 10 &&
        (o.transient || o.status == NW_ETIMEOUT)) {
        /* The job's time ran out during (or before) what would have been a retry. */
        f->stats.job_timeouts++;
        o.status = NW_ETIMEOUT;
        o.code = "job_timeout";
        snprintf(o.message, sizeof(o.message),
                 "gave up after %ld ms (fetch.job_timeout_ms) and %d attempt(s); last: %s",
                 f->job_timeout_ms, x->attempts, x->last_error);
    } else if (o.transient && breaker_open(h, now) && x->attempts <= f->retries) {
        /* A retry would go to a host known to be down. */
        f->stats.host_unavailable++;
        o.status = NW_ENETWORK;
        o.code = "host_unavailable";
        snprintf(o.message, sizeof(o.message),
                 "host %s is unavailable (circuit breaker open after %d connection failures "
                 "in a row); last attempt: %s",
                 h->name, h->failures, x->last_error);
    } else if (o.transient && x->attempts <= f->retries) {
        /* No time left for the backoff. */
        f->stats.job_timeouts++;
        o.status = NW_ETIMEOUT;
        o.code = "job_timeout";
        snprintf(o.message, sizeof(o.message),
                 "no time left in fetch.job_timeout_ms (%ld ms) for retry %d; last: %s",
                 f->job_timeout_ms, x->attempts, x->last_error);
    }
    host_maybe_ready(f, h);
    report(f, x, &o, http_status, done, ctx);
    return 1;
}

/* ---- public API ----------------------------------------------------------------------- */

void nw_fetcher_options_init(struct nw_fetcher_options *opts, const struct nw_config *cfg)
{
    opts->robots = nw_config_get_bool(cfg, "fetch.robots");
    opts->max_body = (size_t)nw_config_get_int(cfg, "fetch.max_body_bytes");
}

struct nw_fetcher *nw_fetcher_create(const struct nw_config *cfg, char *errstr, size_t errstr_size)
{
    struct nw_fetcher_options opts;

    nw_fetcher_options_init(&opts, cfg);
    return nw_fetcher_create_with(cfg, &opts, errstr, errstr_size);
}

struct nw_fetcher *nw_fetcher_create_with(const struct nw_config *cfg,
                                          const struct nw_fetcher_options *opts, char *errstr,
                                          size_t errstr_size)
{
    struct nw_fetcher *f = nw_calloc(1, sizeof(*f));

    if (!f) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        nw_fail(NW_EINTERNAL, errstr, errstr_size, "libcurl initialisation failed");
        goto fail;
    }
    f->curl_global = 1;
    f->concurrency = (long)nw_config_get_int(cfg, "fetch.concurrency");
    f->per_host = (long)nw_config_get_int(cfg, "fetch.per_host");
    f->timeout_ms = (long)nw_config_get_int(cfg, "fetch.timeout_ms");
    f->connect_timeout_ms = (long)nw_config_get_int(cfg, "fetch.connect_timeout_ms");
    f->low_speed_bytes = (long)nw_config_get_int(cfg, "fetch.low_speed_bytes");
    f->low_speed_time_s = (long)nw_config_get_int(cfg, "fetch.low_speed_time_s");
    f->max_redirects = (long)nw_config_get_int(cfg, "fetch.max_redirects");
    f->max_body = opts->max_body;
    f->allow_file = nw_config_get_bool(cfg, "fetch.allow_file");
    f->allow_private = nw_config_get_bool(cfg, "fetch.allow_private");
    f->retries = (int)nw_config_get_int(cfg, "fetch.retries");
    f->backoff_ms = (long)nw_config_get_int(cfg, "fetch.retry_backoff_ms");
    f->backoff_max_ms = (long)nw_config_get_int(cfg, "fetch.retry_backoff_max_ms");
    if (f->backoff_max_ms < f->backoff_ms)
        f->backoff_max_ms = f->backoff_ms;
    f->job_timeout_ms = (long)nw_config_get_int(cfg, "fetch.job_timeout_ms");
    f->host_delay_ms = (long)nw_config_get_int(cfg, "fetch.host_delay_ms");
    f->host_parked_max = (size_t)nw_config_get_int(cfg, "fetch.host_parked_max");
    f->parked_max = (size_t)nw_config_get_int(cfg, "fetch.parked_max");
    f->breaker_failures = (int)nw_config_get_int(cfg, "fetch.breaker_failures");
    f->breaker_cooldown_ms = (long)nw_config_get_int(cfg, "fetch.breaker_cooldown_ms");
    f->robots = opts->robots;
    f->robots_ttl_ms = (long)nw_config_get_int(cfg, "fetch.robots_ttl_s") * 1000;
    f->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)f;
    f->user_agent = nw_strdup(nw_config_get(cfg, "fetch.user_agent"));
    f->n_buckets = HOST_BUCKETS_MIN;
    f->buckets = nw_calloc(f->n_buckets, sizeof(*f->buckets));
    f->multi = curl_multi_init();
    f->spare = nw_calloc((size_t)f->concurrency, sizeof(*f->spare));
    if (!f->user_agent || !f->buckets || !f->multi || !f->spare) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto fail;
    }
    curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, f->per_host);
    curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, f->concurrency);
    /* Keep idle connections for reuse, but not without bound. */
    curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS, f->concurrency * 2);
    if (nw_config_get_bool(cfg, "fetch.warc")) {
        f->warc = nw_warc_writer_create(cfg, errstr, errstr_size);
        if (!f->warc)
            goto fail;
    }
    return f;
fail:
    nw_fetcher_destroy(f);
    return NULL;
}

static void free_list(struct xfer *x)
{
    while (x) {
        struct xfer *next = x->next;
        xfer_free(x);
        x = next;
    }
}

void nw_fetcher_destroy(struct nw_fetcher *f)
{
    if (!f)
        return;
    for (size_t i = 0; f->buckets && i < f->n_buckets; i++) {
        struct host *h = f->buckets[i], *next;
        for (; h; h = next) {
            next = h->chain;
            free_list(h->queue);
            nw_robots_destroy(h->rules);
            nw_free(h->robots_url);
            nw_free(h->name);
            nw_free(h);
        }
    }
    free_list(f->delayed);
    free_list(f->failed_head);
    while (f->in_curl) {
        struct xfer *x = f->in_curl;
        f->in_curl = x->in_next;
        curl_multi_remove_handle(f->multi, x->easy);
        xfer_free(x);
    }
    while (f->n_spare > 0)
        curl_easy_cleanup(f->spare[--f->n_spare]);
    nw_free(f->spare);
    f->spare = NULL; /* xfer_free from here on cleans up at once */
    if (f->multi)
        curl_multi_cleanup(f->multi);
    nw_warc_writer_destroy(f->warc); /* closes and renames the open WARC file */
    nw_free(f->buckets);
    nw_free(f->user_agent);
    if (f->curl_global)
        curl_global_cleanup();
    nw_free(f);
}

/* A job with a URL the fetcher may try: onto its host's queue, or failed at once when
 * the host's breaker is open. */
static void job_admit(struct nw_fetcher *f, struct xfer *x, int is_file)
{
    struct host *h = x->host;
    long long now = now_ms();

    if (breaker_open(h, now)) {
        char msg[256];
        snprintf(msg, sizeof(msg),
                 "host %s is unavailable: %d connection failures in a row (last: %s); "
                 "circuit breaker open for %lld ms more",
                 h->name, h->failures, h->last_failure, h->open_until - now);
        f->stats.host_unavailable++;
        job_fail(f, x, NW_ENETWORK, "host_unavailable", msg);
        return;
    }
    if (f->robots && !h->robots_url && !is_file) {
        h->robots_url = url_robots_url(xfer_target(x));
        if (!h->robots_url) {
            job_fail(f, x, NW_ENOMEM, nw_status_name(NW_ENOMEM),
                     "out of memory building the robots.txt URL");
            return;
        }
    }
    queue_push(f, h, x, 0);
    host_maybe_ready(f, h);
}

/* The key of a URL's host state (queue, politeness clock, circuit breaker, robots.txt): its
 * scheme and authority, "http://example.com:8080", lower-cased, without user info. Services
 * on other ports or schemes of one host name are other servers (RFC 9309 applies robots.txt
 * per scheme, host and port too): a refused port must not open the breaker of a live one.
 * Replaces *key (the bare host name) on success. */
static enum nw_status host_key(const char *url, char **key)
{
    const char *auth = strstr(url, "://"), *end, *at;
    char *out;
    size_t scheme_len, n;

    if (!auth)
        return NW_EINVAL;
    scheme_len = (size_t)(auth - url);
    auth += 3;
    end = auth + strcspn(auth, "/?#");
    at = memchr(auth, '@', (size_t)(end - auth));
    while (at) {
        auth = at + 1;
        at = memchr(auth, '@', (size_t)(end - auth));
    }
    n = scheme_len + 3 + (size_t)(end - auth);
    out = nw_malloc(n + 1);
    if (!out)
        return NW_ENOMEM;
    memcpy(out, url, scheme_len + 3);
    memcpy(out + scheme_len + 3, auth, (size_t)(end - auth));
    out[n] = '\0';
    for (size_t i = 0; i < n; i++)
        out[i] = (char)tolower((unsigned char)out[i]);
    nw_free(*key);
    *key = out;
    return NW_OK;
}

/* If-None-Match / If-Modified-Since for x. A value with a line break or over 1 KB is not
 * sent (the request goes unconditional). */
static enum nw_status xfer_conditional(struct xfer *x, const char *etag, const char *last_modified)
{
    const char *names[2] = {"If-None-Match", "If-Modified-Since"};
    const char *values[2] = {etag, last_modified};
    char line[1100];

    for (int i = 0; i < 2; i++) {
        struct curl_slist *l;
        const char *v = values[i];
        if (!v || !*v || strlen(v) > 1024 || strpbrk(v, "\r\n"))
            continue;
        snprintf(line, sizeof(line), "%s: %s", names[i], v);
        l = curl_slist_append(x->req_headers, line);
        if (!l)
            return NW_ENOMEM;
        x->req_headers = l;
        x->conditional = 1;
    }
    return NW_OK;
}

enum nw_status nw_fetcher_add_request(struct nw_fetcher *f, const struct nw_fetch_request *req)
{
    enum nw_status result, refused;
    struct xfer *x;
    char *send = NULL, *hostname = NULL;
    const char *code = NULL;
    int is_file = 0;
    char msg[sizeof(x->fail_msg)];

    x = nw_calloc(1, sizeof(*x));
    if (!x)
        return NW_ENOMEM;
    x->f = f;
    x->opaque = req->opaque;
    x->flags = req->flags;
    x->max_body = req->max_body ? req->max_body : f->max_body;
    nw_buf_init(&x->body, x->max_body);
    /* Credentials are never sent, nor repeated in the result or its message. */
    result = nw_url_strip_userinfo(req->url ? req->url : "", &x->url);
    if (result)
        goto out;
    result = xfer_conditional(x, req->etag, req->last_modified);
    if (result)
        goto out;
    refused = nw_url_fetchable(req->url, f->allow_file, &send, &code, msg, sizeof(msg));
    if (refused == NW_ENOMEM) {
        result = NW_ENOMEM;
        goto out;
    }
    if (!refused) {
        if (strcmp(send, x->url)) {
            x->send_url = send;
            send = NULL;
        }
        /* Checked by nw_url_fetchable: an absolute URL, so its scheme ends at the ':'. */
        is_file = !strncasecmp(xfer_target(x), "file:", 5);
        if (!is_file) {
            result = host_key(xfer_target(x), &hostname);
            if (result == NW_ENOMEM)
                goto out;
            if (result) {
                refused = NW_EINVAL;
                code = "invalid_url";
                snprintf(msg, sizeof(msg), "'%.200s' is not an absolute URL", x->url);
            }
            result = NW_OK;
        }
    }
    /* file:// URLs, and refused ones, have no host; they share one queue. */
    x->host = host_get(f, !refused && hostname ? hostname : "");
    if (!x->host) {
        result = NW_ENOMEM;
        goto out;
    }
    x->host->refs++;
    f->pending++;
    if ((x->flags & NW_FETCH_WAIT_FOR_HOST) && !refused) {
        x->deadline_ms = LLONG_MAX; /* set, and listed, by its first xfer_start */
    } else {
        x->deadline_ms = now_ms() + f->job_timeout_ms;
        age_append(f, x);
    }
    if (refused)
        xfer_refuse(f, x, refused, code, "%s", msg);
    else
        job_admit(f, x, is_file);
out:
    nw_free(send);
    nw_free(hostname);
    if (result)
        xfer_free(x);
    return result;
}

enum nw_status nw_fetcher_add(struct nw_fetcher *f, const char *url, void *opaque)
{
    struct nw_fetch_request req = {.url = url, .opaque = opaque};

    return nw_fetcher_add_request(f, &req);
}

size_t nw_fetcher_pending(const struct nw_fetcher *f)
{
    return f->pending;
}

size_t nw_fetcher_host_load(const struct nw_fetcher *f, const char *url)
{
    char *key = NULL;
    size_t load = 0;

    if (host_key(url, &key) != NW_OK)
        return 0;
    for (const struct host *h = f->buckets[hash_str(key) & (f->n_buckets - 1)]; h; h = h->chain) {
        if (!strcmp(h->name, key)) {
            load = h->queued + h->delayed + h->active;
            break;
        }
    }
    nw_free(key);
    return load;
}

/* The fetcher's gauges for the metrics: transfers and URLs now, and (at most once a
 * second, it walks the hosts) how many hosts have work and the longest host queue. */
static void export_gauges(const struct nw_fetcher *f)
{
    static _Thread_local long long next_scan;
    long long now = now_ms();
    size_t hosts = 0, longest = 0;

    nw_metrics_set(NW_METRICS_FETCH_ACTIVE, (long long)f->active);
    nw_metrics_set(NW_METRICS_FETCH_PENDING, (long long)f->pending);
    if (f->pending == 0) {
        nw_metrics_set(NW_METRICS_FETCH_HOSTS, 0);
        nw_metrics_set(NW_METRICS_FETCH_HOST_QUEUE_MAX, 0);
        return;
    }
    if (now < next_scan)
        return;
    next_scan = now + 1000;
    for (size_t i = 0; i < f->n_buckets; i++) {
        for (const struct host *h = f->buckets[i]; h; h = h->chain) {
            hosts += h->refs > 0;
            if (h->refs > longest)
                longest = h->refs;
        }
    }
    nw_metrics_set(NW_METRICS_FETCH_HOSTS, (long long)hosts);
    nw_metrics_set(NW_METRICS_FETCH_HOST_QUEUE_MAX, (long long)longest);
}

void nw_fetcher_hold(struct nw_fetcher *f, int hold)
{
    f->hold = hold != 0;
}

size_t nw_fetcher_active(const struct nw_fetcher *f)
{
    return f->active;
}

size_t nw_fetcher_withdraw(struct nw_fetcher *f, int parked_only, nw_fetch_withdraw_fn *want,
                           void *ctx)
{
    struct xfer *x, *next;
    size_t n = 0;

    /* The age list holds every job (never the robots.txt transfers); freeing a host
     * frees no job, so the saved next link stays valid. Bounded by the jobs pending. */
    for (x = f->age_head; x; x = next) {
        struct host *h = x->host;
        next = x->age_next;
        if (x->state != X_QUEUED && x->state != X_DELAYED)
            continue;
        if (parked_only && x->state == X_QUEUED && h->ready)
            continue;
        if (!want(x->opaque, ctx))
            continue;
        if (x->state == X_QUEUED)
            queue_remove(f, h, x);
        else
            delayed_remove(f, x);
        f->pending--;
        age_unlink(f, x);
        host_release(f, h);
        xfer_free(x);
        n++;
    }
    return n;
}

size_t nw_fetcher_parked(const struct nw_fetcher *f)
{
    return f->parked_sum < f->parked_max ? f->parked_sum : f->parked_max;
}

void nw_fetcher_stats(const struct nw_fetcher *f, struct nw_fetch_stats *out)
{
    long long now = now_ms();

    *out = f->stats;
    out->pending = f->pending;
    out->active = f->active;
    out->parked = nw_fetcher_parked(f);
    out->hosts = f->n_hosts;
    out->hosts_open = 0;
    for (size_t i = 0; i < f->n_buckets; i++)
        for (const struct host *h = f->buckets[i]; h; h = h->chain)
            out->hosts_open += breaker_open(h, now);
}

/* Reports transfers refused before they started. Returns how many. */
static int report_failed(struct nw_fetcher *f, nw_fetch_done_fn *done, void *ctx)
{
    int n = 0;

    while (f->failed_head) {
        struct xfer *x = f->failed_head;
        struct outcome o = {.status = x->fail_status, .code = x->fail_code};
        f->failed_head = x->next;
        if (!f->failed_head)
            f->failed_tail = NULL;
        snprintf(o.message, sizeof(o.message), "%s", x->fail_msg);
        if (x->attempts == 0)
            x->attempts = 1;
        report(f, x, &o, 0, done, ctx);
        n++;
    }
    return n;
}

enum nw_status nw_fetcher_poll(struct nw_fetcher *f, int timeout_ms, nw_fetch_done_fn *done,
                               void *ctx)
{
    long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    int finished = 0;

    /* Bounded: each turn either finishes something, or waits until the deadline. */
    for (;;) {
        long long now = now_ms(), next_due, next_wake, next_deadline;
        int running = 0, msgs = 0;
        long wait_ms;
        CURLMsg *msg;
        CURLMcode mc;

        promote_delayed(f, now);
        next_wake = wake_hosts(f, now);
        next_deadline = expire_jobs(f, now);
        fill_slots(f);
        finished += report_failed(f, done, ctx);
        mc = curl_multi_perform(f->multi, &running);
        if (mc == CURLM_OUT_OF_MEMORY)
            return NW_ENOMEM;
        if (mc != CURLM_OK) {
            NW_LOG_ERROR("fetch", "curl_multi_perform: %s", curl_multi_strerror(mc));
            return NW_EINTERNAL;
        }
        while ((msg = curl_multi_info_read(f->multi, &msgs))) {
            struct xfer *x = NULL;
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            finished += finish(f, x, msg->data.result, done, ctx);
        }
        /* Slots freed above are refilled at once, before anyone waits. */
        fill_slots(f);
        finished += report_failed(f, done, ctx);
        now = now_ms();
        if (finished || now >= deadline || f->pending == 0) {
            export_gauges(f);
            return NW_OK;
        }
        next_due = next_due_ms(f);
        if (next_wake >= 0 && (next_due < 0 || next_wake < next_due))
            next_due = next_wake;
        if (next_deadline >= 0 && (next_due < 0 || next_deadline < next_due))
            next_due = next_deadline;
        wait_ms = (long)(deadline - now);
        if (next_due >= 0 && next_due - now < wait_ms)
            wait_ms = next_due > now ? (long)(next_due - now) : 0;
        if (f->active == 0 && next_due < 0 && !f->ready_head) {
            /* Nothing can progress: only possible if pending transfers are all refused
             * and reported, which the check above handles. Avoid a spin anyway. */
            return NW_OK;
        }
        if (f->active > 0) {
            mc = curl_multi_poll(f->multi, NULL, 0, (int)wait_ms, NULL);
            if (mc != CURLM_OK && mc != CURLM_UNRECOVERABLE_POLL) {
                NW_LOG_ERROR("fetch", "curl_multi_poll: %s", curl_multi_strerror(mc));
                return NW_EINTERNAL;
            }
        } else if (wait_ms > 0) {
            struct timespec ts = {.tv_sec = wait_ms / 1000, .tv_nsec = (wait_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
}
