/* warc_capture.c — one curl transfer's exchanges, as sent and received, for the archive. */
#include "warc_capture.h"

#include <string.h>
#include <time.h>

#include "buf.h"
#include "log.h"
#include "mem.h"

#define HEAD_MAX ((size_t)256 << 10)

struct hop {
    char *url;
    char ip[64];
    struct timespec when;
    struct nw_buf request;
    struct nw_buf response;
    size_t head_bytes; /* response header bytes (bounded by HEAD_MAX) */
    int cut;           /* the body passed max_body: the rest was not kept */
};

struct nw_warc_capture {
    CURL *easy;
    size_t max_body;
    struct hop hops[NW_WARC_CAPTURE_MAX_HOPS];
    size_t n;
    int overflow; /* more hops than kept */
    struct nw_warc_ref ref;
    int has_ref;
};

static void hop_fini(struct hop *h)
{
    nw_free(h->url);
    nw_buf_fini(&h->request);
    nw_buf_fini(&h->response);
    memset(h, 0, sizeof(*h));
}

void nw_warc_capture_reset(struct nw_warc_capture *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        hop_fini(&c->hops[i]);
    c->n = 0;
    c->overflow = 0;
}

void nw_warc_capture_destroy(struct nw_warc_capture *c)
{
    if (!c)
        return;
    nw_warc_capture_reset(c);
    nw_free(c);
}

/* A request head is starting: a new hop, unless the current one has no answer yet (curl
 * passes one request head in pieces on some versions). */
static struct hop *hop_for_request(struct nw_warc_capture *c)
{
    struct hop *h = c->n ? &c->hops[c->n - 1] : NULL;
    char *url = NULL, *ip = NULL;

    if (h && h->response.len == 0) {
        /* No answer to the last request: more of its head, or curl sending it again (a
         * reused connection that had closed), which replaces it. */
        if (h->request.len >= 4 && !memcmp(h->request.data + h->request.len - 4, "\r\n\r\n", 4))
            nw_buf_reset(&h->request);
        return h;
    }
    if (c->n == NW_WARC_CAPTURE_MAX_HOPS) {
        c->overflow = 1;
        return NULL;
    }
    h = &c->hops[c->n++];
    memset(h, 0, sizeof(*h));
    nw_buf_init(&h->request, HEAD_MAX);
    nw_buf_init(&h->response, HEAD_MAX + c->max_body);
    clock_gettime(CLOCK_REALTIME, &h->when);
    if (curl_easy_getinfo(c->easy, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url)
        h->url = nw_strdup(url);
    if (curl_easy_getinfo(c->easy, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip)
        snprintf(h->ip, sizeof(h->ip), "%s", ip);
    return h;
}

static int on_debug(CURL *easy, curl_infotype type, char *data, size_t size, void *userp)
{
    struct nw_warc_capture *c = userp;
    struct hop *h = c->n ? &c->hops[c->n - 1] : NULL;

    (void)easy;
    switch (type) {
    case CURLINFO_HEADER_OUT:
        h = hop_for_request(c);
        if (h)
            nw_buf_append(&h->request, data, size); /* past HEAD_MAX: the rest is dropped */
        break;
    case CURLINFO_DATA_OUT:
        if (h && h->response.len == 0)
            nw_buf_append(&h->request, data, size);
        break;
    case CURLINFO_HEADER_IN:
        if (h && h->head_bytes + size <= HEAD_MAX &&
            nw_buf_append(&h->response, data, size) == NW_OK)
            h->head_bytes += size;
        break;
    case CURLINFO_DATA_IN:
        if (h && h->response.len > 0 && !h->cut) {
            size_t room = h->response.max - h->response.len;
            if (size > room) {
                size = room;
                h->cut = 1;
            }
            if (size)
                nw_buf_append(&h->response, data, size);
        }
        break;
    default:
        break; /* text and TLS data are not part of the HTTP messages */
    }
    return 0;
}

enum nw_status nw_warc_capture_attach(struct nw_warc_capture **out, CURL *easy, size_t max_body)
{
    struct nw_warc_capture *c = nw_calloc(1, sizeof(*c));

    if (!c)
        return NW_ENOMEM;
    c->easy = easy;
    c->max_body = max_body;
    if (curl_easy_setopt(easy, CURLOPT_DEBUGFUNCTION, on_debug) != CURLE_OK ||
        curl_easy_setopt(easy, CURLOPT_DEBUGDATA, c) != CURLE_OK ||
        curl_easy_setopt(easy, CURLOPT_VERBOSE, 1L) != CURLE_OK ||
        curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1) != CURLE_OK) {
        nw_free(c);
        return NW_EINTERNAL;
    }
    *out = c;
    return NW_OK;
}

/* The WARC-Truncated reason for how the transfer ended, or NULL. */
static const char *truncated_reason(CURLcode rc)
{
    switch (rc) {
    case CURLE_OK:
    case CURLE_HTTP_RETURNED_ERROR: /* an error status: its body is not wanted */
        return NULL;
    case CURLE_OPERATION_TIMEDOUT:
        return "time";
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_WRITE_ERROR: /* the fetcher's own body limit stops the transfer this way */
        return "length";
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
        return "disconnect";
    default:
        return "unspecified";
    }
}

void nw_warc_capture_flush(struct nw_warc_capture *c, struct nw_warc_writer *w, CURLcode rc)
{
    struct nw_warc_hop hops[NW_WARC_CAPTURE_MAX_HOPS];
    struct nw_warc_ref ref;
    char errstr[512];
    size_t n = 0;

    if (!c || !w)
        return;
    for (size_t i = 0; i < c->n; i++) {
        struct hop *h = &c->hops[i];
        int last = i + 1 == c->n;
        if (h->request.len == 0)
            continue;
        hops[n] = (struct nw_warc_hop){.url = h->url,
                                       .ip = h->ip,
                                       .when = h->when,
                                       .request = h->request.data,
                                       .request_len = h->request.len,
                                       .response = h->response.data,
                                       .response_len = h->response.len,
                                       .truncated = h->cut ? "length"
                                                    : last ? truncated_reason(rc)
                                                           : NULL};
        /* An error status ends the transfer at its headers: nothing was cut that was
         * sent, but the body was not read. */
        if (last && rc == CURLE_HTTP_RETURNED_ERROR && h->response.len == h->head_bytes)
            hops[n].truncated = "unspecified";
        n++;
    }
    if (!n)
        return;
    memset(&ref, 0, sizeof(ref));
    if (nw_warc_writer_write(w, hops, n, &ref, errstr, sizeof(errstr)) != NW_OK) {
        NW_LOG_ERROR("warc", "exchange not archived: %s", errstr);
        return;
    }
    if (ref.record_id[0]) {
        c->ref = ref;
        c->has_ref = 1;
    }
}

const struct nw_warc_ref *nw_warc_capture_ref(const struct nw_warc_capture *c)
{
    return c && c->has_ref ? &c->ref : NULL;
}
