/*
 * s3.c — uploads to an S3-compatible bucket over one libcurl easy handle, signed by
 * libcurl's AWS SigV4. Requests are built here (URL, canonical query, payload hash
 * header), retried here, and their XML answers read by shared/s3_xml.
 */
#include "s3.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "hash.h"
#include "log.h"
#include "mem.h"
#include "s3_xml.h"

#define MAX_RESPONSE (64 * 1024) /* an S3 answer we read; the rest is dropped */
#define MAX_PARTS 10000          /* S3's limit on parts of one upload */
#define MAX_KEY 1024             /* S3's limit on a key's UTF-8 bytes */
#define READ_CHUNK (256 * 1024)  /* hashing buffer */
#define LOW_SPEED_BYTES 1024L
#define CHECK_PREFIX "_newsworker_check_"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct nw_s3 {
    CURL *easy;
    int curl_global;
    char *origin;    /* "http://host:port", with "bucket." before host for virtual hosts */
    char *base_path; /* the endpoint's own path, no trailing '/' ("" mostly) */
    char *bucket, *prefix, *region, *sigv4, *key_id, *secret, *token;
    int path_style, keep_local;
    long long part_size;
    long retries, backoff_ms, backoff_max_ms, timeout_ms, connect_timeout_ms, low_speed_time_s;
    uint64_t rng;
    unsigned char *chunk; /* READ_CHUNK bytes for hashing */
    struct nw_s3_stats stats;
};

/* What one request sends. The body is a region of an open file, a memory block, or
 * nothing (length 0). */
struct request {
    const char *method; /* PUT, POST, GET, DELETE */
    const char *key;    /* the object's full key (prefix included), NULL for the bucket */
    const char *query;  /* canonical query string (sorted, encoded), NULL for none */
    const char *content_type;
    FILE *file;
    off_t offset;
    uint64_t length;
    const char *mem;
    size_t max_body; /* of the answer kept; 0: MAX_RESPONSE */
    char sha[65];    /* hex SHA-256 of the body */
    /* read state, reset before every attempt */
    uint64_t sent;
    int short_read;
};

struct response {
    long http_status;
    struct nw_buf body;
    char etag[128];
    char s3_code[64];
    char s3_message[256];
    char errbuf[CURL_ERROR_SIZE];
};

/* ---- small helpers ---- */

static int unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* RFC 3986 percent-encoding with upper-case hex, as SigV4 canonicalizes; '/' kept when
 * keep_slash (object keys), encoded otherwise (query values). */
static enum nw_status encode(struct nw_buf *out, const char *s, int keep_slash)
{
    enum nw_status result = NW_OK;

    for (const unsigned char *p = (const unsigned char *)s; *p && !result; p++) {
        if (unreserved(*p) || (keep_slash && *p == '/'))
            result = nw_buf_putc(out, (char)*p);
        else
            result = nw_buf_printf(out, "%%%02X", *p);
    }
    return result;
}

static uint64_t next_random(struct nw_s3 *s3)
{
    /* xorshift64*: jitter only, never security */
    s3->rng ^= s3->rng >> 12;
    s3->rng ^= s3->rng << 25;
    s3->rng ^= s3->rng >> 27;
    return s3->rng * 2685821657736338717ULL;
}

static long backoff_delay(struct nw_s3 *s3, long attempt)
{
    long long delay = s3->backoff_ms;

    for (long i = 0; i < attempt && delay < s3->backoff_max_ms; i++)
        delay *= 2;
    if (delay > s3->backoff_max_ms)
        delay = s3->backoff_max_ms;
    /* equal jitter: half fixed, half random, so retries from many workers spread out */
    if (delay > 1)
        delay = delay / 2 + (long long)(next_random(s3) % (uint64_t)(delay / 2 + 1));
    return (long)delay;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);

    return v && *v ? v : fallback;
}

static int has_control(const char *s)
{
    for (; s && *s; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    }
    return 0;
}

static int valid_bucket(const char *b, int path_style)
{
    size_t n = strlen(b);

    if (n < 3 || n > 63 || !isalnum((unsigned char)b[0]) || !isalnum((unsigned char)b[n - 1]))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)b[i];
        if (islower(c) || isdigit(c) || c == '-' || c == '.')
            continue;
        /* legacy names with capitals or '_' only work path-style */
        if (path_style && (isupper(c) || c == '_'))
            continue;
        return 0;
    }
    return 1;
}

static int is_ip_literal(const char *host)
{
    if (host[0] == '[')
        return 1;
    for (; *host; host++) {
        if (!isdigit((unsigned char)*host) && *host != '.')
            return 0;
    }
    return 1;
}

/* ---- create / destroy ---- */

int nw_s3_enabled(const struct nw_config *cfg)
{
    const char *bucket = nw_config_get(cfg, "output.s3.bucket");

    return bucket && *bucket;
}

static enum nw_status set_endpoint(struct nw_s3 *s3, const char *endpoint, char *errstr,
                                   size_t errstr_size)
{
    enum nw_status result = NW_ECONFIG;
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
    struct nw_buf b;
    size_t plen;

    nw_buf_init(&b, 4096);
    if (!u) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }
    if (curl_url_set(u, CURLUPART_URL, endpoint, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
        nw_fail(NW_ECONFIG, errstr, errstr_size,
                "output.s3.endpoint: '%s' is not an http:// or https:// URL", endpoint);
        goto out;
    }
    if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK)
        port = NULL;
    if (curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
        path = NULL;
    if (!s3->path_style && is_ip_literal(host)) {
        nw_fail(NW_ECONFIG, errstr, errstr_size,
                "output.s3.path_style: virtual-host addressing needs a DNS name in "
                "output.s3.endpoint, not %s (set output.s3.path_style=true)",
                host);
        goto out;
    }
    if (nw_buf_printf(&b, "%s://%s%s%s%s", scheme, s3->path_style ? "" : s3->bucket,
                      s3->path_style ? "" : ".", host, port ? ":" : "") ||
        (port && nw_buf_puts(&b, port))) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }
    s3->origin = nw_buf_detach(&b, NULL);
    plen = path ? strlen(path) : 0;
    while (plen > 0 && path[plen - 1] == '/')
        plen--;
    s3->base_path = nw_strndup(path ? path : "", plen);
    if (!s3->origin || !s3->base_path) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }
    result = NW_OK;
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_url_cleanup(u);
    nw_buf_fini(&b);
    return result;
}

static enum nw_status set_credentials(struct nw_s3 *s3, const struct nw_config *cfg, char *errstr,
                                      size_t errstr_size)
{
    const char *id, *secret, *token;
    int from_config = nw_config_is_set(cfg, "output.s3.access_key_id");

    /* The key, secret and token come as a set: all from the config when it names a key,
     * otherwise all from the environment, so a session token of another identity in the
     * environment never joins a key from the config. */
    if (from_config) {
        id = nw_config_get(cfg, "output.s3.access_key_id");
        secret = nw_config_get(cfg, "output.s3.secret_access_key");
        token = nw_config_get(cfg, "output.s3.session_token");
    } else {
        id = env_or("AWS_ACCESS_KEY_ID", NULL);
        secret = env_or("AWS_SECRET_ACCESS_KEY", NULL);
        token = env_or("AWS_SESSION_TOKEN", NULL);
        if (nw_config_is_set(cfg, "output.s3.secret_access_key") ||
            nw_config_is_set(cfg, "output.s3.session_token"))
            return nw_fail(NW_ECONFIG, errstr, errstr_size,
                           "output.s3.access_key_id: not set, but output.s3.secret_access_key "
                           "or output.s3.session_token is (set the key id too)");
    }
    if (!id || !*id)
        return nw_fail(NW_ECONFIG, errstr, errstr_size,
                       "output.s3.access_key_id: no access key (set it or AWS_ACCESS_KEY_ID)");
    if (!secret || !*secret)
        return nw_fail(NW_ECONFIG, errstr, errstr_size,
                       "output.s3.secret_access_key: no secret for access key %s (set it%s)", id,
                       from_config ? "" : " or AWS_SECRET_ACCESS_KEY");
    if (has_control(id) || has_control(secret) || has_control(token))
        return nw_fail(NW_ECONFIG, errstr, errstr_size,
                       "output.s3.access_key_id: credentials contain control characters");
    s3->key_id = nw_strdup(id);
    s3->secret = nw_strdup(secret);
    s3->token = token && *token ? nw_strdup(token) : NULL;
    if (!s3->key_id || !s3->secret || (token && *token && !s3->token))
        return nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
    return NW_OK;
}

struct nw_s3 *nw_s3_create(const struct nw_config *cfg, char *errstr, size_t errstr_size)
{
    enum nw_status result;
    struct nw_s3 *s3 = NULL;
    const char *bucket = nw_config_get(cfg, "output.s3.bucket");
    const char *region, *endpoint, *prefix;
    struct nw_buf b;
    struct timespec now;

    nw_buf_init(&b, 4096);
    if (!bucket || !*bucket) {
        result = nw_fail(NW_ECONFIG, errstr, errstr_size, "output.s3.bucket: not set");
        goto out;
    }
    s3 = nw_calloc(1, sizeof(*s3));
    if (!s3) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }
    s3->path_style = nw_config_get_bool(cfg, "output.s3.path_style");
    s3->keep_local = nw_config_get_bool(cfg, "output.s3.keep_local");
    s3->part_size = nw_config_get_int(cfg, "output.s3.part_size");
    s3->retries = (long)nw_config_get_int(cfg, "output.s3.retries");
    s3->backoff_ms = (long)nw_config_get_int(cfg, "output.s3.retry_backoff_ms");
    s3->backoff_max_ms = (long)nw_config_get_int(cfg, "output.s3.retry_backoff_max_ms");
    s3->timeout_ms = (long)nw_config_get_int(cfg, "output.s3.timeout_ms");
    s3->connect_timeout_ms = (long)nw_config_get_int(cfg, "output.s3.connect_timeout_ms");
    s3->low_speed_time_s = (long)nw_config_get_int(cfg, "output.s3.low_speed_time_s");
    if (s3->backoff_max_ms < s3->backoff_ms) {
        result = nw_fail(NW_ECONFIG, errstr, errstr_size,
                         "output.s3.retry_backoff_max_ms: %ld is below "
                         "output.s3.retry_backoff_ms (%ld)",
                         s3->backoff_max_ms, s3->backoff_ms);
        goto out;
    }
    if (!valid_bucket(bucket, s3->path_style)) {
        result = nw_fail(NW_ECONFIG, errstr, errstr_size,
                         "output.s3.bucket: '%s' is not a bucket name (3-63 of a-z 0-9 . -%s)",
                         bucket, s3->path_style ? ", or A-Z _ path-style" : "");
        goto out;
    }
    region = nw_config_get(cfg, "output.s3.region");
    if (!region || !*region)
        region = env_or("AWS_REGION", env_or("AWS_DEFAULT_REGION", "us-east-1"));
    for (const char *p = region; *p; p++) {
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-') {
            result = nw_fail(NW_ECONFIG, errstr, errstr_size,
                             "output.s3.region: '%s' is not a region name", region);
            goto out;
        }
    }
    s3->bucket = nw_strdup(bucket);
    s3->region = nw_strdup(region);
    if (!s3->bucket || !s3->region || nw_buf_printf(&b, "aws:amz:%s:s3", region)) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }
    s3->sigv4 = nw_buf_detach(&b, NULL);
    /* the prefix ends in '/' unless empty: "lake" and "lake/" both give lake/articles/... */
    prefix = nw_config_get(cfg, "output.s3.prefix");
    while (prefix && *prefix == '/')
        prefix++;
    if (prefix && *prefix && nw_buf_puts(&b, prefix)) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }
    if (b.len > 0 && b.data[b.len - 1] != '/' && nw_buf_putc(&b, '/')) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }
    if (has_control(nw_buf_str(&b)) || b.len > MAX_KEY / 2) {
        result =
            nw_fail(NW_ECONFIG, errstr, errstr_size,
                    "output.s3.prefix: control characters or longer than %d bytes", MAX_KEY / 2);
        goto out;
    }
    s3->prefix = nw_buf_detach(&b, NULL);
    if (!s3->sigv4 || !s3->prefix) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }
    endpoint = nw_config_get(cfg, "output.s3.endpoint");
    if (endpoint && *endpoint) {
        result = set_endpoint(s3, endpoint, errstr, errstr_size);
    } else {
        nw_buf_reset(&b);
        if (nw_buf_printf(&b, "https://s3.%s.amazonaws.com", region)) {
            result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
            goto out;
        }
        result = set_endpoint(s3, nw_buf_str(&b), errstr, errstr_size);
    }
    if (result)
        goto out;
    result = set_credentials(s3, cfg, errstr, errstr_size);
    if (result)
        goto out;
    s3->chunk = nw_malloc(READ_CHUNK);
    if (!s3->chunk) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        result = nw_fail(NW_EINTERNAL, errstr, errstr_size, "libcurl initialisation failed");
        goto out;
    }
    s3->curl_global = 1;
    s3->easy = curl_easy_init();
    if (!s3->easy) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory (curl handle)");
        goto out;
    }
    clock_gettime(CLOCK_REALTIME, &now);
    s3->rng = ((uint64_t)now.tv_nsec << 20) ^ (uint64_t)now.tv_sec ^ ((uint64_t)getpid() << 40);
    if (!s3->rng)
        s3->rng = 88172645463325252ULL;
    result = NW_OK;
out:
    nw_buf_fini(&b);
    if (result) {
        nw_s3_destroy(s3);
        return NULL;
    }
    return s3;
}

void nw_s3_destroy(struct nw_s3 *s3)
{
    if (!s3)
        return;
    if (s3->easy)
        curl_easy_cleanup(s3->easy);
    if (s3->curl_global)
        curl_global_cleanup();
    nw_free(s3->origin);
    nw_free(s3->base_path);
    nw_free(s3->bucket);
    nw_free(s3->prefix);
    nw_free(s3->region);
    nw_free(s3->sigv4);
    nw_free(s3->key_id);
    if (s3->secret) {
        /* do not leave the secret in freed memory */
        volatile char *p = s3->secret;
        while (*p)
            *p++ = '\0';
    }
    nw_free(s3->secret);
    nw_free(s3->token);
    nw_free(s3->chunk);
    nw_free(s3);
}

int nw_s3_keep_local(const struct nw_s3 *s3)
{
    return s3 && s3->keep_local;
}

void nw_s3_get_stats(const struct nw_s3 *s3, struct nw_s3_stats *stats)
{
    memset(stats, 0, sizeof(*stats));
    if (s3)
        *stats = s3->stats;
}

const char *nw_s3_object_name(const struct nw_s3 *s3, const char *key, char *out, size_t out_size)
{
    while (key && *key == '/')
        key++;
    snprintf(out, out_size, "s3://%s/%s%s", s3->bucket, s3->prefix, key ? key : "");
    return out;
}

/* ---- one HTTP request ---- */

static size_t on_read(char *ptr, size_t size, size_t nitems, void *userdata)
{
    struct request *req = userdata;
    size_t want = size * nitems, got;
    uint64_t left = req->length - req->sent;

    if (want > left)
        want = (size_t)left;
    if (want == 0)
        return 0;
    if (req->mem) {
        memcpy(ptr, req->mem + req->sent, want);
        got = want;
    } else {
        got = fread(ptr, 1, want, req->file);
        if (got == 0) {
            req->short_read = 1; /* the file shrank or cannot be read */
            return CURL_READFUNC_ABORT;
        }
    }
    req->sent += got;
    return got;
}

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct response *resp = userdata;
    size_t n = size * nmemb;
    size_t room = resp->body.max - resp->body.len;

    /* keep the start of a large answer; the rest is dropped, not an error */
    if (room > 0)
        nw_buf_append(&resp->body, ptr, n < room ? n : room);
    return n;
}

static size_t on_header(char *buffer, size_t size, size_t nitems, void *userdata)
{
    struct response *resp = userdata;
    size_t n = size * nitems, len;
    const char *v;

    if (n > 5 && strncasecmp(buffer, "etag:", 5) == 0) {
        v = buffer + 5;
        len = n - 5;
        while (len > 0 && (*v == ' ' || *v == '\t')) {
            v++;
            len--;
        }
        while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
            len--;
        if (len < sizeof(resp->etag)) {
            memcpy(resp->etag, v, len);
            resp->etag[len] = '\0';
        }
    } else if (n > 5 && strncmp(buffer, "HTTP/", 5) == 0) {
        resp->etag[0] = '\0'; /* a new status line (after 100 Continue) */
    }
    return n;
}

static enum nw_status build_url(const struct nw_s3 *s3, const struct request *req,
                                struct nw_buf *url)
{
    enum nw_status result;

    result = nw_buf_printf(url, "%s%s", s3->origin, s3->base_path);
    if (!result && s3->path_style)
        result = nw_buf_printf(url, "/%s", s3->bucket);
    if (!result && req->key) {
        result = nw_buf_putc(url, '/');
        if (!result)
            result = encode(url, req->key, 1);
    } else if (!result && !s3->path_style) {
        result = nw_buf_putc(url, '/');
    }
    if (!result && req->query)
        result = nw_buf_printf(url, "?%s", req->query);
    return result;
}

#define SETOPT(opt, val)                                                                           \
    do {                                                                                           \
        if (curl_easy_setopt(easy, opt, val) != CURLE_OK)                                          \
            goto setopt_failed;                                                                    \
    } while (0)

/* Sends the request once. Returns the curl code; resp holds the status, body, ETag. */
static CURLcode send_once(struct nw_s3 *s3, struct request *req, const char *url,
                          struct curl_slist *headers, struct response *resp)
{
    CURL *easy = s3->easy;
    CURLcode cc;

    curl_easy_reset(easy);
    SETOPT(CURLOPT_URL, url);
    SETOPT(CURLOPT_NOSIGNAL, 1L);
    SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
    SETOPT(CURLOPT_PATH_AS_IS, 1L);
    SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
    SETOPT(CURLOPT_TIMEOUT_MS, s3->timeout_ms);
    SETOPT(CURLOPT_CONNECTTIMEOUT_MS, s3->connect_timeout_ms);
    if (s3->low_speed_time_s > 0) {
        SETOPT(CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_BYTES);
        SETOPT(CURLOPT_LOW_SPEED_TIME, s3->low_speed_time_s);
    }
    SETOPT(CURLOPT_USERAGENT, "newsworker");
    SETOPT(CURLOPT_AWS_SIGV4, s3->sigv4);
    SETOPT(CURLOPT_USERNAME, s3->key_id);
    SETOPT(CURLOPT_PASSWORD, s3->secret);
    SETOPT(CURLOPT_HTTPHEADER, headers);
    SETOPT(CURLOPT_ERRORBUFFER, resp->errbuf);
    SETOPT(CURLOPT_WRITEFUNCTION, on_write);
    SETOPT(CURLOPT_WRITEDATA, resp);
    SETOPT(CURLOPT_HEADERFUNCTION, on_header);
    SETOPT(CURLOPT_HEADERDATA, resp);
    if (strcmp(req->method, "PUT") == 0) {
        SETOPT(CURLOPT_UPLOAD, 1L);
        SETOPT(CURLOPT_READFUNCTION, on_read);
        SETOPT(CURLOPT_READDATA, req);
        SETOPT(CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->length);
    } else if (strcmp(req->method, "POST") == 0) {
        SETOPT(CURLOPT_POST, 1L);
        SETOPT(CURLOPT_POSTFIELDS, req->mem ? req->mem : "");
        SETOPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->length);
    } else if (strcmp(req->method, "GET") == 0) {
        SETOPT(CURLOPT_HTTPGET, 1L);
    } else {
        SETOPT(CURLOPT_CUSTOMREQUEST, req->method);
    }
    cc = curl_easy_perform(easy);
    if (curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &resp->http_status) != CURLE_OK)
        resp->http_status = 0;
    return cc;
setopt_failed:
    snprintf(resp->errbuf, sizeof(resp->errbuf), "libcurl refused an option");
    return CURLE_FAILED_INIT;
}

static int retryable_code(const char *code)
{
    static const char *const codes[] = {"InternalError",        "SlowDown",
                                        "ServiceUnavailable",   "RequestTimeout",
                                        "RequestTimeTooSkewed", NULL};

    for (size_t i = 0; codes[i]; i++) {
        if (strcmp(code, codes[i]) == 0)
            return 1;
    }
    return 0;
}

/* Sends req with retries. NW_OK on a 2xx whose body is not an <Error>; otherwise the
 * status, with errstr naming the method and object and S3's Code and Message. */
static enum nw_status perform(struct nw_s3 *s3, struct request *req, struct response *resp,
                              char *errstr, size_t errstr_size)
{
    enum nw_status result = NW_OK;
    struct nw_buf url;
    struct curl_slist *headers = NULL, *h;
    char line[4096], object[MAX_KEY + 200], what[64];
    long attempt;

    nw_buf_init(&url, 4 * MAX_KEY + 4096);
    nw_buf_init(&resp->body, req->max_body ? req->max_body : MAX_RESPONSE);
    snprintf(object, sizeof(object), "s3://%s/%s", s3->bucket, req->key ? req->key : "");
    if (build_url(s3, req, &url)) {
        result =
            nw_fail(NW_ENOMEM, errstr, errstr_size, "%s %s: out of memory", req->method, object);
        goto out;
    }
    snprintf(line, sizeof(line), "x-amz-content-sha256: %s", req->sha);
    h = curl_slist_append(headers, line);
    if (h)
        headers = h;
    if (h && s3->token) {
        snprintf(line, sizeof(line), "x-amz-security-token: %s", s3->token);
        h = curl_slist_append(headers, line);
    }
    if (h && req->content_type) {
        snprintf(line, sizeof(line), "Content-Type: %s", req->content_type);
        h = curl_slist_append(headers, line);
    }
    /* No "Expect:" line to turn 100-continue off: libcurl would sign it, and S3 and
     * botocore leave Expect out of the signature, so the request would be refused. */
    if (!h) {
        result =
            nw_fail(NW_ENOMEM, errstr, errstr_size, "%s %s: out of memory", req->method, object);
        goto out;
    }

    for (attempt = 0;; attempt++) {
        CURLcode cc;
        int retry = 0;

        nw_buf_reset(&resp->body);
        resp->http_status = 0;
        resp->etag[0] = resp->s3_code[0] = resp->s3_message[0] = resp->errbuf[0] = '\0';
        req->sent = 0;
        req->short_read = 0;
        if (req->file && fseeko(req->file, req->offset, SEEK_SET) != 0) {
            result = nw_fail(NW_EIO, errstr, errstr_size, "%s %s: cannot seek the file: %s",
                             req->method, object, strerror(errno));
            goto out;
        }
        s3->stats.requests++;
        cc = send_once(s3, req, nw_buf_str(&url), headers, resp);
        if (resp->body.len > 0) {
            char root[32];
            if (nw_s3_xml_root(resp->body.data, resp->body.len, root, sizeof(root)) == NW_OK &&
                strcmp(root, "Error") == 0) {
                nw_s3_xml_text(resp->body.data, resp->body.len, "Error", "Code", resp->s3_code,
                               sizeof(resp->s3_code));
                nw_s3_xml_text(resp->body.data, resp->body.len, "Error", "Message",
                               resp->s3_message, sizeof(resp->s3_message));
                if (!resp->s3_code[0])
                    snprintf(resp->s3_code, sizeof(resp->s3_code), "(no Code)");
            }
        }
        if (cc != CURLE_OK) {
            if (req->short_read || cc == CURLE_READ_ERROR) {
                result = nw_fail(NW_EIO, errstr, errstr_size,
                                 "%s %s: the local file changed or could not be read while "
                                 "uploading",
                                 req->method, object);
                goto out;
            }
            switch (cc) {
            case CURLE_OUT_OF_MEMORY:
                result = NW_ENOMEM;
                break;
            case CURLE_FAILED_INIT:
            case CURLE_URL_MALFORMAT:
            case CURLE_UNSUPPORTED_PROTOCOL:
            case CURLE_PEER_FAILED_VERIFICATION:
            case CURLE_SSL_CACERT_BADFILE:
            case CURLE_SSL_CERTPROBLEM:
                result = NW_ENETWORK; /* will not get better by trying again */
                break;
            case CURLE_OPERATION_TIMEDOUT:
                result = NW_ETIMEOUT;
                retry = 1;
                break;
            default:
                result = NW_ENETWORK;
                retry = 1;
                break;
            }
            snprintf(what, sizeof(what), "%s", curl_easy_strerror(cc));
            nw_fail(result, errstr, errstr_size, "%s %s: %s%s%s", req->method, object, what,
                    resp->errbuf[0] ? ": " : "", resp->errbuf);
        } else if (resp->http_status >= 200 && resp->http_status < 300 && !resp->s3_code[0]) {
            result = NW_OK;
            goto out;
        } else {
            long st = resp->http_status;
            if (resp->s3_code[0])
                retry = retryable_code(resp->s3_code);
            if (st >= 500 || st == 429 || st == 408)
                retry = 1;
            result = (st == 401 || st == 403) ? NW_EDENIED : NW_EHTTP;
            nw_fail(result, errstr, errstr_size, "%s %s: HTTP %ld%s%s%s%s", req->method, object, st,
                    resp->s3_code[0] ? " " : "", resp->s3_code, resp->s3_message[0] ? ": " : "",
                    resp->s3_message);
            if (result == NW_EDENIED)
                retry = 0;
        }
        if (!retry || attempt >= s3->retries) {
            if (retry && errstr && errstr_size) {
                size_t n = strlen(errstr);
                snprintf(errstr + n, errstr_size - n, " (gave up after %ld attempts)", attempt + 1);
            }
            goto out;
        }
        {
            long delay = backoff_delay(s3, attempt);
            NW_LOG_WARN("s3", "%s; retry %ld of %ld in %ld ms", errstr ? errstr : object,
                        attempt + 1, s3->retries, delay);
            s3->stats.retries++;
            sleep_ms(delay);
        }
    }
out:
    curl_slist_free_all(headers);
    nw_buf_fini(&url);
    return result;
}

/* ---- payload hashes ---- */

static enum nw_status hash_file_region(struct nw_s3 *s3, FILE *f, off_t offset, uint64_t length,
                                       char out[65])
{
    enum nw_status result = NW_EIO;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    uint64_t left = length;

    if (!ctx)
        return NW_ENOMEM;
    if (fseeko(f, offset, SEEK_SET) != 0 || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
        goto out;
    while (left > 0) {
        size_t want = left < READ_CHUNK ? (size_t)left : READ_CHUNK;
        size_t got = fread(s3->chunk, 1, want, f);
        if (got == 0)
            goto out;
        if (EVP_DigestUpdate(ctx, s3->chunk, got) != 1)
            goto out;
        left -= got;
    }
    if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)
        goto out;
    for (unsigned int i = 0; i < mdlen; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    result = NW_OK;
out:
    EVP_MD_CTX_free(ctx);
    return result;
}

/* ---- check ---- */

enum nw_status nw_s3_check(struct nw_s3 *s3, char *errstr, size_t errstr_size)
{
    enum nw_status result;
    struct request req = {.method = "GET"};
    struct response resp;
    struct nw_buf query;

    nw_buf_init(&query, 4 * MAX_KEY);
    memset(&resp, 0, sizeof(resp));
    /* A prefix that holds no object: the answer is as small as a listing gets and never
     * truncated (some S3-compatible stores, s3rver among them, fail on a truncated one),
     * and it still proves the endpoint, bucket, region and credentials. */
    result = nw_buf_puts(&query, "list-type=2&max-keys=1&prefix=");
    if (!result)
        result = encode(&query, s3->prefix, 0);
    if (!result)
        result = nw_buf_puts(&query, CHECK_PREFIX);
    if (result) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }
    req.query = nw_buf_str(&query);
    memcpy(req.sha, EMPTY_SHA256, sizeof(req.sha));
    result = perform(s3, &req, &resp, errstr, errstr_size);
    if (result == NW_OK) {
        NW_LOG_INFO("s3", "s3://%s/%s reachable at %s%s (region %s)", s3->bucket, s3->prefix,
                    s3->origin, s3->base_path, s3->region);
        goto out;
    }
    if (strcmp(resp.s3_code, "AccessDenied") == 0) {
        NW_LOG_WARN("s3",
                    "s3://%s/%s: the credentials may not list the bucket (AccessDenied), so "
                    "they are not checked at start; uploads will tell",
                    s3->bucket, s3->prefix);
        result = NW_OK;
        goto out;
    }
    /* any other refusal of a plain listing is a configuration error: unknown key, wrong
     * secret, bad token, no such bucket, wrong region or endpoint */
    if (resp.http_status >= 300 && resp.http_status < 500 && resp.http_status != 408 &&
        resp.http_status != 429) {
        char msg[1024];
        snprintf(msg, sizeof(msg), "%s", errstr && errstr_size ? errstr : "");
        result = nw_fail(NW_ECONFIG, errstr, errstr_size,
                         "output.s3: bucket or credentials refused: %s", msg);
    }
out:
    nw_buf_fini(&resp.body);
    nw_buf_fini(&query);
    return result;
}

/* ---- listing and deleting ---- */

#define LIST_MAX_BODY (4 * 1024 * 1024) /* a page of 1000 keys of up to 1 KiB, and more */

struct list_ctx {
    const struct nw_s3 *s3;
    nw_s3_key_fn *fn;
    void *ctx;
    int stopped;
};

static int on_listed_key(void *ctx, const char *key)
{
    struct list_ctx *l = ctx;
    size_t n = strlen(l->s3->prefix);

    if (strncmp(key, l->s3->prefix, n) != 0)
        return 0; /* not under our prefix: S3 would not list it */
    l->stopped = l->fn(l->ctx, key + n);
    return l->stopped;
}

enum nw_status nw_s3_list(struct nw_s3 *s3, const char *key_prefix, nw_s3_key_fn *fn, void *ctx,
                          char *errstr, size_t errstr_size)
{
    enum nw_status result = NW_OK;
    struct list_ctx l = {s3, fn, ctx, 0};
    struct nw_buf query, full;
    char token[2048] = "";
    int truncated = 1;

    nw_buf_init(&query, 8 * MAX_KEY + 3 * sizeof(token));
    nw_buf_init(&full, 2 * MAX_KEY);
    if (nw_buf_printf(&full, "%s%s", s3->prefix, key_prefix ? key_prefix : "")) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }
    while (truncated && !l.stopped) {
        struct request req = {.method = "GET", .max_body = LIST_MAX_BODY};
        struct response resp;

        nw_buf_reset(&query);
        result = NW_OK;
        if (token[0]) {
            result = nw_buf_puts(&query, "continuation-token=");
            if (!result)
                result = encode(&query, token, 0);
            if (!result)
                result = nw_buf_putc(&query, '&');
        }
        if (!result)
            result = nw_buf_puts(&query, "list-type=2&max-keys=1000");
        if (!result && full.len) {
            result = nw_buf_puts(&query, "&prefix=");
            if (!result)
                result = encode(&query, nw_buf_str(&full), 0);
        }
        if (result) {
            result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
            goto out;
        }
        req.query = nw_buf_str(&query);
        memcpy(req.sha, EMPTY_SHA256, sizeof(req.sha));
        memset(&resp, 0, sizeof(resp));
        result = perform(s3, &req, &resp, errstr, errstr_size);
        if (!result && nw_s3_xml_list(resp.body.data, resp.body.len, on_listed_key, &l, &truncated,
                                      token, sizeof(token)) != NW_OK)
            result = nw_fail(NW_EPARSE, errstr, errstr_size,
                             "listing s3://%s/%s: the answer is not a ListBucketResult (or over "
                             "%d bytes)",
                             s3->bucket, nw_buf_str(&full), LIST_MAX_BODY);
        nw_buf_fini(&resp.body);
        if (result)
            goto out;
    }
out:
    nw_buf_fini(&query);
    nw_buf_fini(&full);
    return result;
}

enum nw_status nw_s3_delete(struct nw_s3 *s3, const char *key, char *errstr, size_t errstr_size)
{
    enum nw_status result;
    struct request req = {.method = "DELETE"};
    struct response resp;
    char *full_key = NULL;
    size_t n;

    while (key && *key == '/')
        key++;
    if (!key || !*key || has_control(key) || strlen(s3->prefix) + strlen(key) > MAX_KEY)
        return nw_fail(NW_EINVAL, errstr, errstr_size, "s3 delete: bad key");
    n = strlen(s3->prefix) + strlen(key) + 1;
    full_key = nw_malloc(n);
    if (!full_key)
        return nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
    snprintf(full_key, n, "%s%s", s3->prefix, key);
    req.key = full_key;
    memcpy(req.sha, EMPTY_SHA256, sizeof(req.sha));
    memset(&resp, 0, sizeof(resp));
    result = perform(s3, &req, &resp, errstr, errstr_size);
    if (result && resp.http_status == 404)
        result = NW_OK; /* already gone */
    nw_buf_fini(&resp.body);
    nw_free(full_key);
    return result;
}

/* ---- uploads ---- */

static enum nw_status put_single(struct nw_s3 *s3, FILE *f, const char *full_key, uint64_t size,
                                 char *errstr, size_t errstr_size)
{
    enum nw_status result;
    struct request req = {.method = "PUT",
                          .key = full_key,
                          .content_type = "application/octet-stream",
                          .file = f,
                          .length = size};
    struct response resp;

    memset(&resp, 0, sizeof(resp));
    result = hash_file_region(s3, f, 0, size, req.sha);
    if (result) {
        nw_fail(result, errstr, errstr_size, "PUT s3://%s/%s: cannot read the local file",
                s3->bucket, full_key);
        goto out;
    }
    result = perform(s3, &req, &resp, errstr, errstr_size);
out:
    nw_buf_fini(&resp.body);
    return result;
}

static void abort_upload(struct nw_s3 *s3, const char *full_key, const char *query)
{
    struct request req = {.method = "DELETE", .key = full_key, .query = query};
    struct response resp;
    char err[512];

    memset(&resp, 0, sizeof(resp));
    memcpy(req.sha, EMPTY_SHA256, sizeof(req.sha));
    if (perform(s3, &req, &resp, err, sizeof(err)) != NW_OK)
        NW_LOG_WARN("s3",
                    "%s (the parts stay in the bucket until a lifecycle rule for incomplete "
                    "multipart uploads removes them)",
                    err);
    nw_buf_fini(&resp.body);
}

static enum nw_status put_multipart(struct nw_s3 *s3, FILE *f, const char *full_key, uint64_t size,
                                    char *errstr, size_t errstr_size)
{
    enum nw_status result;
    uint64_t part_size = (uint64_t)s3->part_size;
    uint64_t nparts = (size + part_size - 1) / part_size;
    struct request req;
    struct response resp;
    struct nw_buf upload_id, query, done;
    char id[1024];
    int created = 0;

    memset(&resp, 0, sizeof(resp));
    nw_buf_init(&upload_id, 3 * sizeof(id));
    nw_buf_init(&query, 4 * sizeof(id));
    nw_buf_init(&done, 256 + nparts * 256);
    if (nparts > MAX_PARTS) {
        result = nw_fail(NW_ETOOBIG, errstr, errstr_size,
                         "PUT s3://%s/%s: %" PRIu64 " bytes need %" PRIu64
                         " parts of output.s3.part_size=%" PRIu64 ", S3 takes at most %d",
                         s3->bucket, full_key, size, nparts, part_size, MAX_PARTS);
        goto out;
    }

    /* CreateMultipartUpload */
    memset(&req, 0, sizeof(req));
    req.method = "POST";
    req.key = full_key;
    req.query = "uploads=";
    req.content_type = "application/octet-stream";
    memcpy(req.sha, EMPTY_SHA256, sizeof(req.sha));
    result = perform(s3, &req, &resp, errstr, errstr_size);
    if (result)
        goto out;
    if (nw_s3_xml_text(resp.body.data, resp.body.len, "InitiateMultipartUploadResult", "UploadId",
                       id, sizeof(id)) != NW_OK ||
        !id[0]) {
        result =
            nw_fail(NW_EHTTP, errstr, errstr_size,
                    "POST s3://%s/%s?uploads: no UploadId in the answer", s3->bucket, full_key);
        goto out;
    }
    created = 1;
    if (nw_buf_puts(&upload_id, "uploadId=") || encode(&upload_id, id, 0) ||
        nw_buf_puts(
            &done, "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">")) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }

    /* UploadPart, one at a time, each streamed from the file */
    for (uint64_t n = 1; n <= nparts; n++) {
        off_t offset = (off_t)((n - 1) * part_size);
        uint64_t len = n < nparts ? part_size : size - (n - 1) * part_size;

        memset(&req, 0, sizeof(req));
        req.method = "PUT";
        req.key = full_key;
        req.file = f;
        req.offset = offset;
        req.length = len;
        result = hash_file_region(s3, f, offset, len, req.sha);
        if (result) {
            nw_fail(result, errstr, errstr_size, "PUT s3://%s/%s: cannot read the local file",
                    s3->bucket, full_key);
            goto out;
        }
        nw_buf_reset(&query);
        if (nw_buf_printf(&query, "partNumber=%" PRIu64 "&%s", n, nw_buf_str(&upload_id))) {
            result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
            goto out;
        }
        req.query = nw_buf_str(&query);
        nw_buf_fini(&resp.body);
        result = perform(s3, &req, &resp, errstr, errstr_size);
        if (result)
            goto out;
        if (!resp.etag[0] || strpbrk(resp.etag, "<&")) {
            result = nw_fail(NW_EHTTP, errstr, errstr_size,
                             "PUT s3://%s/%s part %" PRIu64 ": no usable ETag in the answer",
                             s3->bucket, full_key, n);
            goto out;
        }
        if (nw_buf_printf(&done, "<Part><PartNumber>%" PRIu64 "</PartNumber><ETag>%s</ETag></Part>",
                          n, resp.etag)) {
            result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
            goto out;
        }
    }
    if (nw_buf_puts(&done, "</CompleteMultipartUpload>")) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }

    /* CompleteMultipartUpload: a 200 may still carry an <Error> (perform checks) */
    memset(&req, 0, sizeof(req));
    req.method = "POST";
    req.key = full_key;
    req.query = nw_buf_str(&upload_id);
    req.content_type = "application/xml";
    req.mem = done.data;
    req.length = done.len;
    nw_sha256_hex(done.data, done.len, req.sha);
    nw_buf_fini(&resp.body);
    result = perform(s3, &req, &resp, errstr, errstr_size);
    if (result)
        goto out;
    created = 0;
out:
    if (created)
        abort_upload(s3, full_key, nw_buf_str(&upload_id));
    nw_buf_fini(&resp.body);
    nw_buf_fini(&upload_id);
    nw_buf_fini(&query);
    nw_buf_fini(&done);
    return result;
}

enum nw_status nw_s3_put_file(struct nw_s3 *s3, const char *local_path, const char *key,
                              char *errstr, size_t errstr_size)
{
    enum nw_status result;
    FILE *f = NULL;
    struct stat before, after;
    char *full_key = NULL;
    size_t klen;

    while (key && *key == '/')
        key++;
    if (!key || !*key || has_control(key)) {
        result = nw_fail(NW_EINVAL, errstr, errstr_size,
                         "s3 upload of %s: the key is empty or has control characters", local_path);
        goto out;
    }
    klen = strlen(s3->prefix) + strlen(key);
    if (klen > MAX_KEY) {
        result = nw_fail(NW_EINVAL, errstr, errstr_size,
                         "s3 upload of %s: key %s%s is %zu bytes, S3 takes at most %d", local_path,
                         s3->prefix, key, klen, MAX_KEY);
        goto out;
    }
    full_key = nw_malloc(klen + 1);
    if (!full_key) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }
    snprintf(full_key, klen + 1, "%s%s", s3->prefix, key);
    f = fopen(local_path, "rb");
    if (!f || fstat(fileno(f), &before) != 0) {
        result = nw_fail(NW_EIO, errstr, errstr_size, "s3 upload to s3://%s/%s: cannot read %s: %s",
                         s3->bucket, full_key, local_path, strerror(errno));
        goto out;
    }
    if (!S_ISREG(before.st_mode)) {
        result = nw_fail(NW_EIO, errstr, errstr_size,
                         "s3 upload to s3://%s/%s: %s is not a regular file", s3->bucket, full_key,
                         local_path);
        goto out;
    }
    if ((uint64_t)before.st_size <= (uint64_t)s3->part_size)
        result = put_single(s3, f, full_key, (uint64_t)before.st_size, errstr, errstr_size);
    else
        result = put_multipart(s3, f, full_key, (uint64_t)before.st_size, errstr, errstr_size);
    if (result)
        goto out;
    if (fstat(fileno(f), &after) != 0 || after.st_size != before.st_size ||
        after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
        after.st_mtim.tv_nsec != before.st_mtim.tv_nsec) {
        result = nw_fail(NW_EIO, errstr, errstr_size,
                         "s3 upload to s3://%s/%s: %s changed while it was uploaded", s3->bucket,
                         full_key, local_path);
        goto out;
    }
    s3->stats.files++;
    s3->stats.bytes += (uint64_t)before.st_size;
    NW_LOG_DEBUG("s3", "uploaded %s to s3://%s/%s (%lld bytes)", local_path, s3->bucket, full_key,
                 (long long)before.st_size);
out:
    if (result && s3)
        s3->stats.failures++;
    if (f)
        fclose(f);
    nw_free(full_key);
    return result;
}
