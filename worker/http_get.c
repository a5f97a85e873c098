/* http_get.c — conditional GETs on a libcurl multi handle, easy handles reused. */
#include "http_get.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "buf.h"
#include "fetch_policy.h"
#include "mem.h"

#define MAX_HEADER 512

struct req {
    struct nw_http_get *h;
    struct req *next;              /* free list */
    struct req *in_prev, *in_next; /* list of requests inside curl */
    CURL *easy;
    struct curl_slist *headers;
    char *url;
    void *opaque;
    struct nw_buf body;
    int too_big, denied, oom;
    char etag[MAX_HEADER], last_modified[MAX_HEADER], content_type[MAX_HEADER];
    long max_age_s, retry_after_s;
    char errbuf[CURL_ERROR_SIZE];
};

struct nw_http_get {
    CURLM *multi;
    int curl_global;
    struct req *free_reqs;
    struct req *in_curl;
    size_t active;
    size_t max_body;
    long timeout_ms, connect_timeout_ms, max_redirects;
    int allow_private;
    char *user_agent;
};

static void req_free(struct req *r)
{
    if (!r)
        return;
    if (r->easy)
        curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->headers);
    nw_buf_fini(&r->body);
    nw_free(r->url);
    nw_free(r);
}

struct nw_http_get *nw_http_get_create(const struct nw_config *cfg, size_t max_body, char *errstr,
                                       size_t errstr_size)
{
    struct nw_http_get *h = nw_calloc(1, sizeof(*h));
    long concurrency = (long)nw_config_get_int(cfg, "fetch.concurrency");

    if (!h) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        nw_fail(NW_EINTERNAL, errstr, errstr_size, "libcurl initialisation failed");
        goto fail;
    }
    h->curl_global = 1;
    h->max_body = max_body;
    h->timeout_ms = (long)nw_config_get_int(cfg, "fetch.timeout_ms");
    h->connect_timeout_ms = (long)nw_config_get_int(cfg, "fetch.connect_timeout_ms");
    h->max_redirects = (long)nw_config_get_int(cfg, "fetch.max_redirects");
    h->allow_private = nw_config_get_bool(cfg, "fetch.allow_private");
    h->user_agent = nw_strdup(nw_config_get(cfg, "fetch.user_agent"));
    h->multi = curl_multi_init();
    if (!h->user_agent || !h->multi) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto fail;
    }
    /* Idle connections are kept for the next poll of the same host. */
    curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, concurrency * 4);
    return h;
fail:
    nw_http_get_destroy(h);
    return NULL;
}

void nw_http_get_destroy(struct nw_http_get *h)
{
    if (!h)
        return;
    while (h->free_reqs) {
        struct req *r = h->free_reqs;
        h->free_reqs = r->next;
        req_free(r);
    }
    while (h->in_curl) {
        struct req *r = h->in_curl;
        h->in_curl = r->in_next;
        curl_multi_remove_handle(h->multi, r->easy);
        req_free(r);
    }
    if (h->multi)
        curl_multi_cleanup(h->multi);
    nw_free(h->user_agent);
    if (h->curl_global)
        curl_global_cleanup();
    nw_free(h);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct req *r = userdata;
    size_t n = size * nmemb;
    enum nw_status result = nw_buf_append(&r->body, data, n);

    if (result == NW_ETOOBIG)
        r->too_big = 1;
    else if (result)
        r->oom = 1;
    return result ? 0 : n;
}

/* Copies a header value, trimmed, bounded. */
static void copy_value(char *dst, size_t dst_size, const char *v, size_t n)
{
    while (n > 0 && isspace((unsigned char)*v)) {
        v++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)v[n - 1]))
        n--;
    if (n >= dst_size)
        n = 0; /* an oversized value is not kept at all rather than cut */
    memcpy(dst, v, n);
    dst[n] = '\0';
}

static long parse_max_age(const char *v, size_t n)
{
    char buf[MAX_HEADER];
    const char *p;

    copy_value(buf, sizeof(buf), v, n);
    for (char *c = buf; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    if (strstr(buf, "no-cache") || strstr(buf, "no-store"))
        return 0;
    p = strstr(buf, "s-maxage=");
    if (!p)
        p = strstr(buf, "max-age=");
    if (!p)
        return -1;
    p = strchr(p, '=') + 1;
    if (*p == '"')
        p++;
    if (!isdigit((unsigned char)*p))
        return -1;
    return strtol(p, NULL, 10) > 86400L * 365 ? 86400L * 365 : strtol(p, NULL, 10);
}

static long parse_retry_after(const char *v, size_t n)
{
    char buf[MAX_HEADER];
    time_t when;

    copy_value(buf, sizeof(buf), v, n);
    if (buf[0] == '\0')
        return -1;
    if (isdigit((unsigned char)buf[0])) {
        long s = strtol(buf, NULL, 10);
        return s > 86400 ? 86400 : s;
    }
    when = curl_getdate(buf, NULL);
    if (when < 0)
        return -1;
    when -= time(NULL);
    return when < 0 ? 0 : when > 86400 ? 86400 : (long)when;
}

static int header_is(const char *line, size_t n, const char *name, const char **value, size_t *vlen)
{
    size_t k = strlen(name);

    if (n <= k || line[k] != ':' || strncasecmp(line, name, k))
        return 0;
    *value = line + k + 1;
    *vlen = n - k - 1;
    return 1;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct req *r = userdata;
    size_t n = size * nmemb;
    const char *v;
    size_t vlen;

    /* A new status line (a redirect was followed): forget the previous answer's headers. */
    if (n >= 5 && !strncmp(data, "HTTP/", 5)) {
        r->etag[0] = r->last_modified[0] = r->content_type[0] = '\0';
        r->max_age_s = r->retry_after_s = -1;
    } else if (header_is(data, n, "etag", &v, &vlen)) {
        copy_value(r->etag, sizeof(r->etag), v, vlen);
    } else if (header_is(data, n, "last-modified", &v, &vlen)) {
        copy_value(r->last_modified, sizeof(r->last_modified), v, vlen);
    } else if (header_is(data, n, "content-type", &v, &vlen)) {
        copy_value(r->content_type, sizeof(r->content_type), v, vlen);
    } else if (header_is(data, n, "cache-control", &v, &vlen)) {
        r->max_age_s = parse_max_age(v, vlen);
    } else if (header_is(data, n, "retry-after", &v, &vlen)) {
        r->retry_after_s = parse_retry_after(v, vlen);
    }
    return n;
}

static curl_socket_t on_open_socket(void *clientp, curlsocktype purpose,
                                    struct curl_sockaddr *address)
{
    struct req *r = clientp;

    (void)purpose;
    if (!r->h->allow_private && nw_fetch_policy_address_denied(&address->addr)) {
        r->denied = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

#define SETOPT(opt, val)                                                                           \
    do {                                                                                           \
        if (curl_easy_setopt(e, opt, val) != CURLE_OK)                                             \
            return NW_EINTERNAL;                                                                   \
    } while (0)

static enum nw_status req_setup(struct nw_http_get *h, struct req *r, const char *etag,
                                const char *last_modified)
{
    CURL *e = r->easy;
    char line[MAX_HEADER + 32];

    curl_easy_reset(e);
    SETOPT(CURLOPT_URL, r->url);
    SETOPT(CURLOPT_PRIVATE, r);
    SETOPT(CURLOPT_NOSIGNAL, 1L);
    SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
    SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SETOPT(CURLOPT_FOLLOWLOCATION, 1L);
    SETOPT(CURLOPT_MAXREDIRS, h->max_redirects);
    SETOPT(CURLOPT_ACCEPT_ENCODING, "");
    SETOPT(CURLOPT_USERAGENT, h->user_agent);
    SETOPT(CURLOPT_TIMEOUT_MS, h->timeout_ms);
    SETOPT(CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms);
    SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->max_body);
    SETOPT(CURLOPT_WRITEFUNCTION, on_body);
    SETOPT(CURLOPT_WRITEDATA, r);
    SETOPT(CURLOPT_HEADERFUNCTION, on_header);
    SETOPT(CURLOPT_HEADERDATA, r);
    SETOPT(CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    SETOPT(CURLOPT_OPENSOCKETDATA, r);
    SETOPT(CURLOPT_ERRORBUFFER, r->errbuf);
    SETOPT(CURLOPT_PROXY, "");
    curl_slist_free_all(r->headers);
    r->headers = NULL;
    if (etag && *etag && strlen(etag) < MAX_HEADER && !strpbrk(etag, "\r\n")) {
        struct curl_slist *l;
        snprintf(line, sizeof(line), "If-None-Match: %s", etag);
        l = curl_slist_append(r->headers, line);
        if (!l)
            return NW_ENOMEM;
        r->headers = l;
    }
    if (last_modified && *last_modified && strlen(last_modified) < MAX_HEADER &&
        !strpbrk(last_modified, "\r\n")) {
        struct curl_slist *l;
        snprintf(line, sizeof(line), "If-Modified-Since: %s", last_modified);
        l = curl_slist_append(r->headers, line);
        if (!l)
            return NW_ENOMEM;
        r->headers = l;
    }
    if (r->headers)
        SETOPT(CURLOPT_HTTPHEADER, r->headers);
    return NW_OK;
}

#undef SETOPT

enum nw_status nw_http_get_add(struct nw_http_get *h, const char *url, const char *etag,
                               const char *last_modified, void *opaque)
{
    enum nw_status result = NW_OK;
    struct req *r = h->free_reqs;

    if (r) {
        h->free_reqs = r->next;
    } else {
        r = nw_calloc(1, sizeof(*r));
        if (!r)
            return NW_ENOMEM;
        r->h = h;
        nw_buf_init(&r->body, h->max_body);
        r->easy = curl_easy_init();
        if (!r->easy) {
            req_free(r);
            return NW_ENOMEM;
        }
    }
    r->next = NULL;
    r->opaque = opaque;
    r->too_big = r->denied = r->oom = 0;
    r->errbuf[0] = '\0';
    r->etag[0] = r->last_modified[0] = r->content_type[0] = '\0';
    r->max_age_s = r->retry_after_s = -1;
    nw_buf_reset(&r->body);
    nw_free(r->url);
    r->url = nw_strdup(url);
    if (!r->url) {
        result = NW_ENOMEM;
        goto out;
    }
    result = req_setup(h, r, etag, last_modified);
    if (!result && curl_multi_add_handle(h->multi, r->easy) != CURLM_OK)
        result = NW_ENOMEM;
    if (!result) {
        h->active++;
        r->in_prev = NULL;
        r->in_next = h->in_curl;
        if (h->in_curl)
            h->in_curl->in_prev = r;
        h->in_curl = r;
    }
out:
    if (result) {
        r->next = h->free_reqs;
        h->free_reqs = r;
    }
    return result;
}

static void finish(struct nw_http_get *h, struct req *r, CURLcode code, nw_http_get_done_fn *done,
                   void *ctx)
{
    struct nw_http_get_result res = {0};
    char message[CURL_ERROR_SIZE + 64], err_code[32];
    char *final_url = NULL;
    double total = 0;

    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &res.http_status);
    curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &final_url);
    curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME, &total);
    res.url = r->url;
    res.final_url = final_url ? final_url : r->url;
    res.elapsed_ms = (long)(total * 1000);
    res.content_type = r->content_type[0] ? r->content_type : NULL;
    res.etag = r->etag[0] ? r->etag : NULL;
    res.last_modified = r->last_modified[0] ? r->last_modified : NULL;
    res.max_age_s = r->max_age_s;
    res.retry_after_s = r->retry_after_s;
    res.message = "";
    message[0] = '\0';
    if (r->denied) {
        res.status = NW_EDENIED;
        res.error_code = "denied_address";
        snprintf(message, sizeof(message), "address not public (fetch.allow_private=false)");
    } else if (r->too_big || code == CURLE_FILESIZE_EXCEEDED) {
        res.status = NW_ETOOBIG;
        res.error_code = "too_big";
        snprintf(message, sizeof(message), "body over %zu bytes", h->max_body);
    } else if (r->oom) {
        res.status = NW_ENOMEM;
        res.error_code = "no_memory";
        snprintf(message, sizeof(message), "out of memory");
    } else if (code != CURLE_OK) {
        res.status = NW_ENETWORK;
        res.error_code = "network";
        if (code == CURLE_OPERATION_TIMEDOUT) {
            res.status = NW_ETIMEOUT;
            res.error_code = "timeout";
        } else if (code == CURLE_COULDNT_RESOLVE_HOST) {
            res.error_code = "dns";
        } else if (code == CURLE_COULDNT_CONNECT) {
            res.error_code = "connect";
        } else if (code == CURLE_SSL_CONNECT_ERROR || code == CURLE_PEER_FAILED_VERIFICATION) {
            res.error_code = "tls";
        } else if (code == CURLE_TOO_MANY_REDIRECTS) {
            res.error_code = "redirects";
        }
        snprintf(message, sizeof(message), "%s",
                 r->errbuf[0] ? r->errbuf : curl_easy_strerror(code));
    } else if (res.http_status == 304) {
        res.not_modified = 1;
    } else if (res.http_status >= 200 && res.http_status < 300) {
        res.body = r->body.data ? r->body.data : "";
        res.body_len = r->body.len;
    } else {
        res.status = NW_EHTTP;
        snprintf(err_code, sizeof(err_code), "http_%ld", res.http_status);
        res.error_code = err_code;
        snprintf(message, sizeof(message), "HTTP status %ld", res.http_status);
    }
    if (message[0])
        res.message = message;
    done(r->opaque, &res, ctx);
}

void nw_http_get_poll(struct nw_http_get *h, int timeout_ms, nw_http_get_done_fn *done, void *ctx)
{
    CURLMsg *msg;
    int running = 0, msgs, finished = 0;

    for (int round = 0; round < 2 && !finished; round++) {
        curl_multi_perform(h->multi, &running);
        while ((msg = curl_multi_info_read(h->multi, &msgs))) {
            struct req *r = NULL;
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
            curl_multi_remove_handle(h->multi, msg->easy_handle);
            h->active--;
            if (r->in_prev)
                r->in_prev->in_next = r->in_next;
            else
                h->in_curl = r->in_next;
            if (r->in_next)
                r->in_next->in_prev = r->in_prev;
            finished++;
            finish(h, r, msg->data.result, done, ctx);
            /* Keep small buffers for reuse; give a big sitemap's memory back. */
            if (r->body.cap > 256 * 1024)
                nw_buf_fini(&r->body);
            else
                nw_buf_reset(&r->body);
            r->next = h->free_reqs;
            h->free_reqs = r;
        }
        if (finished || round == 1 || timeout_ms <= 0)
            break;
        curl_multi_poll(h->multi, NULL, 0, timeout_ms, NULL);
    }
}

size_t nw_http_get_active(const struct nw_http_get *h)
{
    return h->active;
}
