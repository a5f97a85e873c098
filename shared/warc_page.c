/* warc_page.c — WARC response records to pages: classification and body decoding. */
#include "warc_page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "httpmsg.h"
#include "mem.h"

void nw_warc_page_fini(struct nw_warc_page *page)
{
    if (!page)
        return;
    nw_free(page->content_type);
    nw_free(page->etag);
    nw_free(page->last_modified);
    nw_free(page->body);
    nw_free(page->location);
    memset(page, 0, sizeof(*page));
}

/* Case-insensitive prefix match of a media type up to ';' or whitespace. */
static int media_is(const char *ct, const char *type)
{
    size_t n = strlen(type);

    while (*ct == ' ' || *ct == '\t')
        ct++;
    return !strncasecmp(ct, type, n) &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}

int nw_warc_page_sniff_html(const char *data, size_t len)
{
    /* WHATWG MIME Sniffing 7.1: tags that make unlabeled bytes text/html. */
    static const char *const tags[] = {
        "!DOCTYPE HTML", "HTML",  "HEAD", "SCRIPT", "IFRAME", "H1", "DIV", "FONT", "TABLE", "A",
        "STYLE",         "TITLE", "B",    "BODY",   "BR",     "P",  "!--", NULL};
    const unsigned char *p = (const unsigned char *)data, *end = p + len;

    if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
        p += 3;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f'))
        p++;
    if (p >= end || *p != '<')
        return 0;
    p++;
    for (size_t i = 0; tags[i]; i++) {
        size_t n = strlen(tags[i]);
        if ((size_t)(end - p) <= n || strncasecmp((const char *)p, tags[i], n) != 0)
            continue;
        if (p[n] == ' ' || p[n] == '>' || (!strcmp(tags[i], "!--") && p[n] == '-') ||
            p[n] == '\t' || p[n] == '\n' || p[n] == '\r' || p[n] == '\f' || p[n] == '/')
            return 1;
    }
    /* <?xml ...?> followed by an XHTML root is common in XHTML pages served unlabeled. */
    return 0;
}

static enum nw_status set_copy(char **field, const char *value)
{
    if (!value)
        return NW_OK;
    *field = nw_strdup(value);
    return *field ? NW_OK : NW_ENOMEM;
}

enum nw_warc_page_kind nw_warc_page_from_record(const struct nw_warc_record *rec, size_t max_body,
                                                struct nw_warc_page *page, enum nw_status *status,
                                                char *errstr, size_t errstr_size)
{
    struct nw_httpmsg msg;
    const char *ct, *type = rec->type ? rec->type : "";
    enum nw_status result;
    int html, cut = 0;
    char why[200];

    memset(page, 0, sizeof(*page));
    *status = NW_OK;
    if (strcasecmp(type, "response") != 0) {
        page->skip = !strcasecmp(type, "request")    ? "request record"
                     : !strcasecmp(type, "revisit")  ? "revisit record"
                     : !strcasecmp(type, "warcinfo") ? "warcinfo record"
                     : !strcasecmp(type, "metadata") ? "metadata record"
                     : !strcasecmp(type, "resource") ? "resource record"
                                                     : "other record type";
        return NW_WARC_PAGE_SKIP;
    }
    if (rec->content_type && !media_is(rec->content_type, "application/http")) {
        page->skip = "response that is not HTTP";
        return NW_WARC_PAGE_SKIP;
    }
    page->status = nw_httpmsg_status(rec->block, rec->block_len);
    if (page->status >= 0 && (page->status < 200 || page->status > 299)) {
        /* Whatever follows the status line: a fetcher that stops reading at an error
         * status (newsworker does) stores the status line alone. */
        page->skip = "response that is not 2xx";
        if (page->status >= 300 && page->status <= 399 &&
            nw_httpmsg_parse(rec->block, rec->block_len, &msg, why, sizeof(why)) == NW_OK) {
            if (set_copy(&page->location, nw_httpmsg_header(&msg, "Location")) != NW_OK)
                page->location = NULL; /* no memory: the chain is simply not followed */
            nw_httpmsg_fini(&msg);
        }
        return NW_WARC_PAGE_SKIP;
    }
    result = nw_httpmsg_parse(rec->block, rec->block_len, &msg, why, sizeof(why));
    if (result) {
        *status = result;
        nw_fail(result, errstr, errstr_size, "response record without an HTTP response: %s", why);
        return NW_WARC_PAGE_ERROR;
    }
    page->status = msg.status;
    ct = nw_httpmsg_header(&msg, "Content-Type");
    html = ct && (media_is(ct, "text/html") || media_is(ct, "application/xhtml+xml"));
    if (!html && ct && *ct && !media_is(ct, "application/octet-stream") &&
        !media_is(ct, "binary/octet-stream") && !media_is(ct, "text/plain") &&
        !media_is(ct, "unknown/unknown") && !media_is(ct, "application/unknown")) {
        page->skip = "response that is not HTML";
        nw_httpmsg_fini(&msg);
        return NW_WARC_PAGE_SKIP;
    }
    result = nw_httpmsg_body_decoded(&msg, max_body, &page->body, &page->body_len, &cut, why,
                                     sizeof(why));
    if (result) {
        *status = result;
        nw_fail(result, errstr, errstr_size, "HTTP body: %s", why);
        nw_httpmsg_fini(&msg);
        return NW_WARC_PAGE_ERROR;
    }
    if (!html && !nw_warc_page_sniff_html(page->body, page->body_len)) {
        page->skip = "response that is not HTML";
        nw_httpmsg_fini(&msg);
        return NW_WARC_PAGE_SKIP;
    }
    page->truncated = cut || rec->block_cut || nw_warc_field(rec, "WARC-Truncated") != NULL;
    {
        /* A block shorter than its own Content-Length was cut by the writer. */
        const char *cl = nw_httpmsg_header(&msg, "Content-Length");
        if (cl && !nw_httpmsg_header(&msg, "Transfer-Encoding")) {
            unsigned long long want = strtoull(cl, NULL, 10);
            if (want > msg.body_len)
                page->truncated = 1;
        }
    }
    result = set_copy(&page->content_type, ct);
    if (!result)
        result = set_copy(&page->etag, nw_httpmsg_header(&msg, "ETag"));
    if (!result)
        result = set_copy(&page->last_modified, nw_httpmsg_header(&msg, "Last-Modified"));
    nw_httpmsg_fini(&msg);
    if (result) {
        *status = result;
        nw_fail(result, errstr, errstr_size, "out of memory");
        return NW_WARC_PAGE_ERROR;
    }
    return NW_WARC_PAGE_HTML;
}
