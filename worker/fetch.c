/*
 * fetch.c — the libcurl multi fetcher.
 *
 * Every URL becomes one transfer (struct xfer) that lives until its done callback:
 *
 *   add ─▶ host queue ─▶ (slot free) in curl ─▶ done ─▶ callback
 *            ▲                          │
 *            └── delayed (retry wait) ◀─┘ transient failure
 *
 * Slots: at most fetch.concurrency transfers in curl, at most fetch.per_host of them to
 * one host. Hosts with queued work and a free per-host slot sit on a FIFO "ready" list,
 * so filling slots is O(1) per transfer however many hosts wait. The per-host gate is
 * ours rather than only CURLMOPT_MAX_HOST_CONNECTIONS because curl's own pending queue
 * counts against the transfer's timeout.
 */
#include "fetch.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
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
#include "url.h"

#define HOST_BUCKETS_MIN 64
/* One response's header block: more is no web page (curl's own limit is 100 KB a line). */
#define HEADER_BYTES_MAX (256u * 1024u)
#define HEADER_LINES_MAX 1000u

struct host;

struct xfer {
    struct nw_fetcher *f;
    struct host *host;
    struct xfer *next;              /* link in a host queue, the delayed list or the failed list */
    struct xfer *in_prev, *in_next; /* link in the list of transfers inside curl */
    CURL *easy;
    char *url;
    void *opaque;
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
};

struct host {
    char *name;
    struct host *chain;              /* hash bucket chain */
    struct host *ready_next;         /* ready list link */
    struct xfer *queue, *queue_tail; /* waiting for a slot */
    size_t active;                   /* transfers in curl */
    size_t refs;                     /* transfers attached in any state */
    int ready;                       /* on the ready list */
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

    struct host **buckets;
    size_t n_buckets;
    size_t n_hosts;
    struct host *ready_head, *ready_tail;
    struct xfer *delayed;                   /* waiting for a retry (unordered) */
    struct xfer *failed_head, *failed_tail; /* refused at add, to report */
    struct xfer *in_curl;                   /* transfers inside curl */

    size_t pending; /* added, not yet reported */
    size_t active;  /* in curl */
    uint64_t rng;
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

/* The host record for name, created on first use. NULL on allocation failure. */
static struct host *host_get(struct nw_fetcher *f, const char *name)
{
    size_t i = hash_str(name) & (f->n_buckets - 1);
    struct host *h;

    for (h = f->buckets[i]; h; h = h->chain)
        if (!strcmp(h->name, name))
            return h;
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
    h->chain = f->buckets[i];
    f->buckets[i] = h;
    f->n_hosts++;
    return h;
}

/* Drops a host once nothing refers to it, so a long run over many sites stays small. */
static void host_release(struct nw_fetcher *f, struct host *h)
{
    struct host **pp;

    if (--h->refs > 0 || h->ready)
        return;
    for (pp = &f->buckets[hash_str(h->name) & (f->n_buckets - 1)]; *pp; pp = &(*pp)->chain) {
        if (*pp == h) {
            *pp = h->chain;
            break;
        }
    }
    f->n_hosts--;
    nw_free(h->name);
    nw_free(h);
}

/* Puts h on the ready list if it has queued work and a free slot. */
static void host_maybe_ready(struct nw_fetcher *f, struct host *h)
{
    if (h->ready || !h->queue || h->active >= (size_t)f->per_host)
        return;
    h->ready = 1;
    h->ready_next = NULL;
    if (f->ready_tail)
        f->ready_tail->ready_next = h;
    else
        f->ready_head = h;
    f->ready_tail = h;
}

static void host_enqueue(struct nw_fetcher *f, struct host *h, struct xfer *x, int front)
{
    if (front) {
        x->next = h->queue;
        h->queue = x;
        if (!h->queue_tail)
            h->queue_tail = x;
    } else {
        x->next = NULL;
        if (h->queue_tail)
            h->queue_tail->next = x;
        else
            h->queue = x;
        h->queue_tail = x;
    }
    host_maybe_ready(f, h);
}

/* ---- transfers ------------------------------------------------------------------------ */

static void xfer_free(struct xfer *x)
{
    if (!x)
        return;
    if (x->easy)
        curl_easy_cleanup(x->easy);
    nw_buf_fini(&x->body);
    nw_free(x->url);
    nw_free(x);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct xfer *x = userdata;
    size_t n = size * nmemb;
    enum nw_status result = nw_buf_append(&x->body, data, n);

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
    CURL *e = curl_easy_init();

    if (!e)
        return NW_ENOMEM;
    x->easy = e;
    SETOPT(CURLOPT_URL, x->url);
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
    SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->max_body);
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
    return NW_OK;
fail:
    return NW_EINTERNAL;
}

#undef SETOPT

/* Hands x to curl. On failure x is moved to the failed list. */
static void xfer_start(struct nw_fetcher *f, struct xfer *x)
{
    enum nw_status result = NW_OK;

    x->attempts++;
    x->too_big = x->denied = x->oom = x->headers_too_large = x->in_headers = 0;
    x->header_bytes = x->header_lines = 0;
    x->errbuf[0] = '\0';
    nw_buf_reset(&x->body);
    if (!x->easy)
        result = xfer_setup(f, x);
    if (!result && curl_multi_add_handle(f->multi, x->easy) != CURLM_OK)
        result = NW_ENOMEM;
    if (result) {
        xfer_refuse(f, x, result, nw_status_name(result), "cannot start the transfer");
        return;
    }
    x->host->active++;
    f->active++;
    x->in_prev = NULL;
    x->in_next = f->in_curl;
    if (f->in_curl)
        f->in_curl->in_prev = x;
    f->in_curl = x;
}

/* Fills free slots from the ready hosts, oldest first. */
static void fill_slots(struct nw_fetcher *f)
{
    while (f->active < (size_t)f->concurrency && f->ready_head) {
        struct host *h = f->ready_head;
        struct xfer *x;

        f->ready_head = h->ready_next;
        if (!f->ready_head)
            f->ready_tail = NULL;
        h->ready = 0;
        if (!h->queue || h->active >= (size_t)f->per_host)
            continue;
        x = h->queue;
        h->queue = x->next;
        if (!h->queue)
            h->queue_tail = NULL;
        x->next = NULL;
        xfer_start(f, x);
        host_maybe_ready(f, h);
    }
}

/* Moves delayed transfers whose time has come back to the front of their host queue. */
static void promote_delayed(struct nw_fetcher *f, long long now)
{
    struct xfer **pp = &f->delayed;

    while (*pp) {
        struct xfer *x = *pp;
        if (x->due_ms <= now) {
            *pp = x->next;
            host_enqueue(f, x->host, x, 1);
        } else {
            pp = &x->next;
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
    if (rc == CURLE_OK && (http_status == 0 || (http_status >= 200 && http_status < 300)))
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
        snprintf(o->message, sizeof(o->message), "body larger than fetch.max_body_bytes (%zu)",
                 x->f->max_body);
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
    if (x->easy && !x->fail_code) {
        if (curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &final_url) == CURLE_OK && final_url)
            res.final_url = final_url;
        if (curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK)
            res.content_type = content_type;
        if (curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &total_us) == CURLE_OK)
            res.elapsed_ms = (long)(total_us / 1000);
        if (http_status > 0) {
            res.etag = last_header(x->easy, "ETag");
            res.last_modified = last_header(x->easy, "Last-Modified");
        }
    }
    if (o->status == NW_OK) {
        res.body = x->body.data ? x->body.data : "";
        res.body_len = x->body.len;
    }
    f->pending--;
    nw_metrics_fetch(o->code, http_status, x->body.len, x->fail_code ? -1 : res.elapsed_ms);
    done(x->opaque, &res, ctx);
    host_release(f, x->host);
    xfer_free(x);
}

/* One transfer came back from curl: retry it later or report it. */
static int finish(struct nw_fetcher *f, struct xfer *x, CURLcode rc, nw_fetch_done_fn *done,
                  void *ctx)
{
    struct outcome o;
    long http_status = 0;
    curl_off_t retry_after_s = -1;

    curl_multi_remove_handle(f->multi, x->easy);
    x->host->active--;
    f->active--;
    if (x->in_prev)
        x->in_prev->in_next = x->in_next;
    else
        f->in_curl = x->in_next;
    if (x->in_next)
        x->in_next->in_prev = x->in_prev;
    x->in_prev = x->in_next = NULL;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &http_status);
    classify(x, rc, http_status, &o);
    if (o.transient && x->attempts <= f->retries) {
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
        nw_metrics_inc(NW_METRICS_FETCH_RETRIES);
        nw_log_kv(NW_LOG_DEBUG, "fetch", NW_LOG_URL(x->url, o.code),
                  "%s: %s (attempt %d), retrying in %ld ms", x->url, o.code, x->attempts, wait);
        x->due_ms = now_ms() + wait;
        x->next = f->delayed;
        f->delayed = x;
        host_maybe_ready(f, x->host);
        return 0;
    }
    host_maybe_ready(f, x->host);
    report(f, x, &o, http_status, done, ctx);
    return 1;
}

/* ---- public API ----------------------------------------------------------------------- */

struct nw_fetcher *nw_fetcher_create(const struct nw_config *cfg, char *errstr, size_t errstr_size)
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
    if (nw_config_get_bool(cfg, "fetch.robots")) {
        /* Crawling on while the operator asked for robots.txt to be obeyed would be worse
         * than not starting. */
        nw_fail(NW_EUNSUPPORTED, errstr, errstr_size,
                "fetch.robots=true: robots.txt rules are not supported by this build yet");
        goto fail;
    }
    f->concurrency = (long)nw_config_get_int(cfg, "fetch.concurrency");
    f->per_host = (long)nw_config_get_int(cfg, "fetch.per_host");
    f->timeout_ms = (long)nw_config_get_int(cfg, "fetch.timeout_ms");
    f->connect_timeout_ms = (long)nw_config_get_int(cfg, "fetch.connect_timeout_ms");
    f->low_speed_bytes = (long)nw_config_get_int(cfg, "fetch.low_speed_bytes");
    f->low_speed_time_s = (long)nw_config_get_int(cfg, "fetch.low_speed_time_s");
    f->max_redirects = (long)nw_config_get_int(cfg, "fetch.max_redirects");
    f->max_body = (size_t)nw_config_get_int(cfg, "fetch.max_body_bytes");
    f->allow_file = nw_config_get_bool(cfg, "fetch.allow_file");
    f->allow_private = nw_config_get_bool(cfg, "fetch.allow_private");
    f->retries = (int)nw_config_get_int(cfg, "fetch.retries");
    f->backoff_ms = (long)nw_config_get_int(cfg, "fetch.retry_backoff_ms");
    f->backoff_max_ms = (long)nw_config_get_int(cfg, "fetch.retry_backoff_max_ms");
    if (f->backoff_max_ms < f->backoff_ms)
        f->backoff_max_ms = f->backoff_ms;
    f->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)f;
    f->user_agent = nw_strdup(nw_config_get(cfg, "fetch.user_agent"));
    f->n_buckets = HOST_BUCKETS_MIN;
    f->buckets = nw_calloc(f->n_buckets, sizeof(*f->buckets));
    f->multi = curl_multi_init();
    if (!f->user_agent || !f->buckets || !f->multi) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto fail;
    }
    curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, f->per_host);
    curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, f->concurrency);
    /* Keep idle connections for reuse, but not without bound. */
    curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS, f->concurrency * 2);
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
    if (f->multi)
        curl_multi_cleanup(f->multi);
    nw_free(f->buckets);
    nw_free(f->user_agent);
    if (f->curl_global)
        curl_global_cleanup();
    nw_free(f);
}

enum nw_status nw_fetcher_add(struct nw_fetcher *f, const char *url, void *opaque)
{
    enum nw_status result;
    struct xfer *x;
    char *scheme = NULL, *hostname = NULL;

    x = nw_calloc(1, sizeof(*x));
    if (!x)
        return NW_ENOMEM;
    x->f = f;
    x->opaque = opaque;
    nw_buf_init(&x->body, f->max_body);
    x->url = nw_strdup(url);
    if (!x->url) {
        xfer_free(x);
        return NW_ENOMEM;
    }
    result = nw_url_scheme(url, &scheme);
    if (result == NW_ENOMEM)
        goto out;
    if (!result && strcmp(scheme, "file")) {
        result = nw_url_host(url, &hostname);
        if (result == NW_ENOMEM)
            goto out;
    }
    /* file:// URLs have no host; they share one queue. */
    x->host = host_get(f, hostname ? hostname : "");
    if (!x->host) {
        result = NW_ENOMEM;
        goto out;
    }
    x->host->refs++;
    f->pending++;
    if (!result && nw_url_has_userinfo(url)) {
        /* Credentials in a job's URL are never sent (nor repeated in the message). */
        char *shown = NULL;
        if (nw_url_strip_userinfo(url, &shown) == NW_OK) {
            nw_free(x->url);
            x->url = shown;
        }
        xfer_refuse(f, x, NW_EINVAL, "invalid_url",
                    "user name or password in the URL (not sent): %.200s", x->url);
    } else if (result == NW_EUNSUPPORTED)
        xfer_refuse(f, x, NW_EDENIED, "denied_scheme", "scheme of '%.200s' is not allowed", url);
    else if (result)
        xfer_refuse(f, x, NW_EINVAL, "invalid_url", "'%.200s' is not an absolute URL", url);
    else if (!strcmp(scheme, "file") && !f->allow_file)
        xfer_refuse(f, x, NW_EDENIED, "denied_scheme",
                    "file URLs are not allowed (fetch.allow_file is off): %.180s", url);
    else if (strcmp(scheme, "http") && strcmp(scheme, "https") && strcmp(scheme, "file"))
        xfer_refuse(f, x, NW_EDENIED, "denied_scheme", "scheme of '%.200s' is not allowed", url);
    else
        host_enqueue(f, x->host, x, 0);
    result = NW_OK;
out:
    nw_free(scheme);
    nw_free(hostname);
    if (result)
        xfer_free(x);
    return result;
}

size_t nw_fetcher_pending(const struct nw_fetcher *f)
{
    return f->pending;
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
        long long now = now_ms(), next_due;
        int running = 0, msgs = 0;
        long wait_ms;
        CURLMsg *msg;
        CURLMcode mc;

        promote_delayed(f, now);
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
