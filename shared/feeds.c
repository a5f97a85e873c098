/* feeds.c — the feed parse as a stream: gzip inflation, UTF-16/32 transcoding, format
 * sniffing, the result being built (items, links, URL keeping), plain-text sitemaps and
 * robots.txt. The XML and JSON formats are in feeds_xml.c and feeds_json.c. */
#include "feeds.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "buf.h"
#include "feed_dates.h"
#include "feeds_int.h"
#include "gunzip.h"
#include "mem.h"
#include "meta.h"
#include "robots.h"

#define CHUNK (64 * 1024) /* bytes handed to a parser at a time */

const char *nw_feed_kind_name(enum nw_feed_kind kind)
{
    static const char *const names[] = {"unknown", "rss",          "rdf",    "atom", "json",
                                        "urlset",  "sitemapindex", "robots", "html", "urllist"};
    return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "unknown";
}

static void item_fini(struct nw_feed_item *it)
{
    nw_free(it->url);
    nw_free(it->guid);
    nw_free(it->title);
    nw_free(it->date);
}

void nw_feed_destroy(struct nw_feed *feed)
{
    if (!feed)
        return;
    for (size_t i = 0; i < feed->n_items; i++)
        item_fini(&feed->items[i]);
    for (size_t i = 0; i < feed->n_links; i++)
        nw_free(feed->links[i]);
    nw_free(feed->items);
    nw_free(feed->links);
    nw_free(feed->title);
    nw_free(feed);
}

/* ---- strings, URLs, dates --------------------------------------------------------------- */

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char *nw_feeds_clean_copy(const char *s, size_t len, size_t max)
{
    char *out = nw_malloc(len < max ? len + 1 : max + 1);
    size_t n = 0;
    int space = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len && n < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_ws(c)) {
            space = n > 0;
            continue;
        }
        if (c < 0x20)
            continue;
        if (c == 0xEF && i + 2 < len && (unsigned char)s[i + 1] == 0xB7 &&
            (unsigned char)s[i + 2] == 0x90) { /* U+FDD0: a control byte (feeds_xml.c) */
            i += 2;
            continue;
        }
        if (space) {
            if (n + 1 >= max)
                break;
            out[n++] = ' ';
            space = 0;
        }
        out[n++] = (char)c;
    }
    /* Do not end inside a multi-byte character. */
    if (n == max) {
        size_t k = n;
        while (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
            k--;
        if (k > 0 && (unsigned char)out[k - 1] >= 0xC0) {
            unsigned char lead = (unsigned char)out[k - 1];
            size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (n - (k - 1) < need)
                n = k - 1;
        }
    }
    out[n] = '\0';
    if (n == 0) {
        nw_free(out);
        return NULL;
    }
    return out;
}

void nw_feeds_reject(struct nw_feeds_run *run, const char *fmt, ...)
{
    va_list ap;

    if (run->feed->rejected++ == 0) {
        va_start(ap, fmt);
        vsnprintf(run->feed->warning, sizeof(run->feed->warning), fmt, ap);
        va_end(ap);
    }
}

static int is_http_url(const char *u)
{
    return !strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8);
}

char *nw_feeds_keep_url(struct nw_feeds_run *run, const char *base, const char *ref, size_t len)
{
    char *abs;

    if (!ref)
        return NULL;
    while (len > 0 && is_ws((unsigned char)ref[0])) {
        ref++;
        len--;
    }
    while (len > 0 && is_ws((unsigned char)ref[len - 1]))
        len--;
    if (len == 0)
        return NULL;
    if (len > NW_FEED_MAX_URL) {
        nw_feeds_reject(run, "URL of %zu bytes over the %d-byte limit dropped: %.*s...", len,
                        NW_FEED_MAX_URL, 60, ref);
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)ref[i];
        if (c == 0xEF && i + 2 < len && (unsigned char)ref[i + 1] == 0xB7 &&
            (unsigned char)ref[i + 2] == 0x90)
            c = 0; /* U+FDD0: where the XML filter found a control byte (feeds_xml.c) */
        if (c < 0x20 || c == 0x7F) {
            nw_feeds_reject(run, "URL with control byte 0x%02X at offset %zu dropped: %.*s", c, i,
                            (int)(i < 60 ? i : 60), ref);
            return NULL;
        }
    }
    abs = nw_meta_resolve_url(base, ref, len);
    if (!abs || !is_http_url(abs) || strlen(abs) > NW_FEED_MAX_URL) {
        nw_feeds_reject(run, "not an http(s) URL, dropped: %.*s", len > 80 ? 80 : (int)len, ref);
        nw_free(abs);
        return NULL;
    }
    return abs;
}

char *nw_feeds_date_copy(const char *s, size_t len)
{
    char out[64];

    if (!s || len > NW_FEEDS_MAX_DATE || nw_feed_date_parse(s, len, out, sizeof(out)))
        return NULL;
    return nw_strdup(out);
}

/* ---- results ---------------------------------------------------------------------------- */

int nw_feeds_full(const struct nw_feeds_run *run)
{
    return run->feed->n_items >= run->lim->max_items;
}

void nw_feeds_add_item(struct nw_feeds_run *run, char *url, char *guid, char *title, char *date)
{
    struct nw_feed *f = run->feed;
    struct nw_feed_item *it;

    if (!url || f->n_items >= run->lim->max_items) {
        if (url)
            f->dropped++;
        goto drop;
    }
    if (nw_grow_array((void **)&f->items, &run->cap_items, f->n_items + 1, 16, sizeof(*f->items))) {
        run->oom = 1;
        goto drop;
    }
    it = &f->items[f->n_items++];
    it->url = url;
    it->guid = guid;
    it->title = title;
    it->date = date;
    return;
drop:
    nw_free(url);
    nw_free(guid);
    nw_free(title);
    nw_free(date);
}

void nw_feeds_add_link(struct nw_feeds_run *run, char *url)
{
    struct nw_feed *f = run->feed;

    if (!url)
        return;
    for (size_t i = 0; i < f->n_links; i++) {
        if (!strcmp(f->links[i], url)) {
            nw_free(url);
            return;
        }
    }
    if (f->n_links >= run->lim->max_links) {
        f->dropped++;
        nw_free(url);
        return;
    }
    if (nw_grow_array((void **)&f->links, &run->cap_links, f->n_links + 1, 8, sizeof(*f->links))) {
        run->oom = 1;
        nw_free(url);
        return;
    }
    f->links[f->n_links++] = url;
}

void nw_feeds_partial(struct nw_feeds_run *run, const char *fmt, ...)
{
    va_list ap;

    if (run->feed->partial)
        return;
    run->feed->partial = 1;
    if (run->errstr && run->errstr_size) {
        va_start(ap, fmt);
        vsnprintf(run->errstr, run->errstr_size, fmt, ap);
        va_end(ap);
    }
}

/* ---- plain-text sitemap (sitemaps.org: one absolute URL per line, UTF-8) ---------------- */

struct text_sitemap {
    struct nw_feeds_run *run;
    struct nw_buf line;
    int too_long; /* the current line passed NW_FEED_MAX_URL */
    size_t line_len;
};

static void text_line(struct text_sitemap *t)
{
    const char *s = t->line.data ? t->line.data : "";
    size_t n = t->line.len;

    if (t->too_long) {
        nw_feeds_reject(t->run, "URL of %zu bytes over the %d-byte limit dropped: %.60s...",
                        t->line_len, NW_FEED_MAX_URL, s);
    } else {
        while (n > 0 && is_ws((unsigned char)s[0])) {
            s++;
            n--;
        }
        if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
            s += 3;
            n -= 3;
        }
        while (n > 0 && is_ws((unsigned char)s[n - 1]))
            n--;
        if (n > 0) {
            if (n < 8 || (strncasecmp(s, "http://", 7) && strncasecmp(s, "https://", 8)))
                nw_feeds_reject(t->run, "not an absolute http(s) URL, dropped: %.*s",
                                n > 80 ? 80 : (int)n, s);
            else
                nw_feeds_add_item(t->run, nw_feeds_keep_url(t->run, NULL, s, n), NULL, NULL, NULL);
        }
    }
    nw_buf_reset(&t->line);
    t->too_long = 0;
    t->line_len = 0;
}

static int text_feed(void *state, const char *data, size_t len)
{
    struct text_sitemap *t = state;

    for (size_t i = 0; i < len && !t->run->oom; i++) {
        if (data[i] == '\n' || data[i] == '\r') {
            text_line(t);
            continue;
        }
        t->line_len++;
        if (t->too_long)
            continue;
        if (nw_buf_putc(&t->line, data[i]) == NW_ETOOBIG)
            t->too_long = 1;
        else if (!t->line.data)
            t->run->oom = 1;
    }
    return t->run->oom;
}

static enum nw_status text_finish(void *state)
{
    struct text_sitemap *t = state;

    text_line(t);
    return NW_OK;
}

static void text_destroy(void *state)
{
    struct text_sitemap *t = state;

    if (!t)
        return;
    nw_buf_fini(&t->line);
    nw_free(t);
}

static enum nw_status text_create(struct nw_feeds_run *run, struct nw_feeds_parser *out)
{
    struct text_sitemap *t = nw_calloc(1, sizeof(*t));

    if (!t)
        return NW_ENOMEM;
    t->run = run;
    nw_buf_init(&t->line, NW_FEED_MAX_URL + 8);
    run->feed->kind = NW_FEED_URLLIST;
    out->state = t;
    out->feed = text_feed;
    out->finish = text_finish;
    out->destroy = text_destroy;
    return NW_OK;
}

/* ---- robots.txt: its Sitemap lines (the first NW_ROBOTS_MAX_BYTES are read) ------------- */

struct robots_doc {
    struct nw_feeds_run *run;
    struct nw_buf text;
};

static int robots_feed(void *state, const char *data, size_t len)
{
    struct robots_doc *r = state;
    size_t room = NW_ROBOTS_MAX_BYTES - r->text.len;

    if (nw_buf_append(&r->text, data, len < room ? len : room) == NW_ENOMEM)
        r->run->oom = 1;
    return r->run->oom || r->text.len >= NW_ROBOTS_MAX_BYTES;
}

static enum nw_status robots_finish(void *state)
{
    struct robots_doc *d = state;
    struct nw_robots *r = NULL;
    enum nw_status result = nw_robots_parse(d->text.data ? d->text.data : "", d->text.len, "*", &r);

    if (result)
        return result;
    for (size_t i = 0; i < nw_robots_sitemap_count(r); i++) {
        const char *u = nw_robots_sitemap(r, i);
        nw_feeds_add_link(d->run, nw_feeds_keep_url(d->run, d->run->base, u, strlen(u)));
    }
    nw_robots_destroy(r);
    return NW_OK;
}

static void robots_destroy(void *state)
{
    struct robots_doc *r = state;

    if (!r)
        return;
    nw_buf_fini(&r->text);
    nw_free(r);
}

static enum nw_status robots_create(struct nw_feeds_run *run, struct nw_feeds_parser *out)
{
    struct robots_doc *r = nw_calloc(1, sizeof(*r));

    if (!r)
        return NW_ENOMEM;
    r->run = run;
    nw_buf_init(&r->text, NW_ROBOTS_MAX_BYTES);
    run->feed->kind = NW_FEED_ROBOTS;
    out->state = r;
    out->feed = robots_feed;
    out->finish = robots_finish;
    out->destroy = robots_destroy;
    return NW_OK;
}

/* ---- sniffing --------------------------------------------------------------------------- */

static int path_is_robots(const char *url)
{
    const char *p = strstr(url ? url : "", "://");
    const char *q;

    if (!p)
        return 0;
    p = strchr(p + 3, '/');
    if (!p)
        return 0;
    q = p + strcspn(p, "?#");
    return (size_t)(q - p) == 11 && !strncasecmp(p, "/robots.txt", 11);
}

/* True if the document looks like HTML rather than XML: a doctype html or an html
 * element first, or a text/html content type with no XML declaration. */
static int looks_html(const char *s, size_t len, const char *content_type)
{
    if (len >= 14 && !strncasecmp(s, "<!doctype html", 14))
        return 1;
    if (len >= 5 && !strncasecmp(s, "<html", 5))
        return 1;
    if (len >= 5 && !strncmp(s, "<?xml", 5))
        return 0;
    return content_type && !strncasecmp(content_type, "text/html", 9);
}

enum wide { WIDE_NONE, WIDE_16LE, WIDE_16BE, WIDE_32LE, WIDE_32BE };

/* UTF-16 / UTF-32 by byte order mark, or by "<?" / "<" written in them (XML 1.0 F.1). */
static enum wide sniff_wide(const unsigned char *s, size_t n)
{
    if (n >= 4 && !memcmp(s, "\x00\x00\xFE\xFF", 4))
        return WIDE_32BE;
    if (n >= 4 && !memcmp(s, "\xFF\xFE\x00\x00", 4))
        return WIDE_32LE;
    if (n >= 2 && !memcmp(s, "\xFE\xFF", 2))
        return WIDE_16BE;
    if (n >= 2 && !memcmp(s, "\xFF\xFE", 2))
        return WIDE_16LE;
    if (n >= 4 && !memcmp(s, "\x00\x00\x00\x3C", 4))
        return WIDE_32BE;
    if (n >= 4 && !memcmp(s, "\x3C\x00\x00\x00", 4))
        return WIDE_32LE;
    if (n >= 4 && !memcmp(s, "\x00\x3C\x00\x3F", 4))
        return WIDE_16BE;
    if (n >= 4 && !memcmp(s, "\x3C\x00\x3F\x00", 4))
        return WIDE_16LE;
    return WIDE_NONE;
}

/* ---- the pipeline: source → [inflate] → [transcode] → sniff → parser -------------------- */

struct pipe {
    struct nw_feeds_run *run;
    const char *content_type;
    int sniffed;
    int stopped; /* the parser wants no more */
    enum nw_status result;
    struct nw_feeds_parser parser;
    size_t total; /* bytes after inflation */
    /* transcoding */
    int wide_checked;
    iconv_t cd;
    size_t unit; /* bytes per code unit of the wide encoding */
    char carry[8];
    size_t n_carry;
};

static enum nw_status choose_parser(struct pipe *p, const char *s, size_t n)
{
    struct nw_feeds_run *run = p->run;
    size_t i = 0;

    if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    if (path_is_robots(run->base) && (i == n || s[i] != '<'))
        return robots_create(run, &p->parser);
    if (i < n && s[i] == '{')
        return nw_feeds_json_create(run, &p->parser);
    if (i < n && s[i] == '<')
        return nw_feeds_xml_create(run, looks_html(s + i, n - i, p->content_type),
                                   p->cd != (iconv_t)-1, &p->parser);
    if (n - i >= 8 && (!strncasecmp(s + i, "http://", 7) || !strncasecmp(s + i, "https://", 8)))
        return text_create(run, &p->parser);
    return nw_fail(NW_EPARSE, run->errstr, run->errstr_size, "not a feed, sitemap or page");
}

/* Hands UTF-8 (or ASCII-compatible) bytes to the parser, choosing it on the first call. */
static void to_parser(struct pipe *p, const char *s, size_t n)
{
    if (p->stopped || n == 0)
        return;
    if (!p->sniffed) {
        p->sniffed = 1;
        p->result = choose_parser(p, s, n);
        if (p->result) {
            p->stopped = 1;
            return;
        }
    }
    if (p->parser.feed(p->parser.state, s, n))
        p->stopped = 1;
}

/* Transcodes a UTF-16/32 document to UTF-8 on the way (n is at most CHUNK); other
 * documents pass through. */
static void transcode(struct pipe *p, const char *s, size_t n)
{
    char out[CHUNK];
    char joined[sizeof(p->carry) + CHUNK];
    char *in = joined;
    size_t in_left;

    if (!p->wide_checked) {
        static const char *const names[] = {NULL, "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"};
        enum wide w = sniff_wide((const unsigned char *)s, n);
        p->wide_checked = 1;
        if (w != WIDE_NONE) {
            p->unit = w == WIDE_16LE || w == WIDE_16BE ? 2 : 4;
            p->cd = iconv_open("UTF-8", names[w]);
            if (p->cd == (iconv_t)-1) {
                p->result = nw_fail(NW_ECHARSET, p->run->errstr, p->run->errstr_size,
                                    "%s: not supported here", names[w]);
                p->stopped = 1;
                return;
            }
        }
    }
    if (p->cd == (iconv_t)-1) {
        to_parser(p, s, n);
        return;
    }
    /* The bytes of a character cut at the last chunk's end come first. */
    memcpy(joined, p->carry, p->n_carry);
    memcpy(joined + p->n_carry, s, n);
    in_left = p->n_carry + n;
    p->n_carry = 0;
    while (in_left > 0 && !p->stopped) {
        char *o = out;
        size_t o_left = sizeof(out);
        size_t r = iconv(p->cd, &in, &in_left, &o, &o_left);
        int err = r == (size_t)-1 ? errno : 0;
        to_parser(p, out, sizeof(out) - o_left);
        if (err == EINVAL) { /* a character cut at the end: keep its bytes for the next */
            if (in_left < sizeof(p->carry)) {
                memcpy(p->carry, in, in_left);
                p->n_carry = in_left;
            }
            break;
        }
        if (err == EILSEQ) { /* not a character: U+FFFD, skip one code unit */
            size_t unit = in_left < p->unit ? in_left : p->unit;
            to_parser(p, "\xEF\xBF\xBD", 3);
            in += unit;
            in_left -= unit;
        }
    }
}

/* Inflates gzip input in chunks, at most max_bytes in all. */
static void inflate_all(struct pipe *p, const char *data, size_t len)
{
    z_stream zs;
    char out[CHUNK];
    int zr;

    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 15 + 32) != Z_OK) {
        p->run->oom = 1;
        return;
    }
    zs.next_in = (Bytef *)(uintptr_t)data;
    zs.avail_in = (uInt)len;
    for (;;) {
        size_t got;
        zs.next_out = (Bytef *)out;
        zs.avail_out = sizeof(out);
        zr = inflate(&zs, Z_NO_FLUSH);
        got = sizeof(out) - zs.avail_out;
        if (got > p->run->lim->max_bytes - p->total) {
            got = p->run->lim->max_bytes - p->total;
            p->total += got;
            transcode(p, out, got);
            if (!p->stopped && p->sniffed)
                nw_feeds_partial(p->run, "gzip: inflates past the %zu-byte limit",
                                 p->run->lim->max_bytes);
            else if (!p->sniffed)
                p->result = nw_fail(NW_ETOOBIG, p->run->errstr, p->run->errstr_size,
                                    "gzip: inflates past the size limit");
            break;
        }
        p->total += got;
        transcode(p, out, got);
        if (p->stopped)
            break;
        if (zr == Z_STREAM_END) {
            /* Concatenated gzip members are one stream (RFC 1952 2.2). */
            if (zs.avail_in >= 2 && nw_gunzip_is_gzip(zs.next_in, zs.avail_in) &&
                inflateReset(&zs) == Z_OK)
                continue;
            break;
        }
        if (zr == Z_BUF_ERROR && zs.avail_in == 0) {
            if (p->sniffed)
                nw_feeds_partial(p->run, "gzip: the stream ends early");
            else
                p->result =
                    nw_fail(NW_EPARSE, p->run->errstr, p->run->errstr_size, "gzip: truncated data");
            break;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            if (zr == Z_MEM_ERROR)
                p->run->oom = 1;
            else if (p->sniffed)
                nw_feeds_partial(p->run, "gzip: corrupt data after %zu bytes", p->total);
            else
                p->result =
                    nw_fail(NW_EPARSE, p->run->errstr, p->run->errstr_size, "gzip: corrupt data");
            break;
        }
    }
    inflateEnd(&zs);
}

enum nw_status nw_feed_parse(const char *data, size_t len, const char *base_url,
                             const char *content_type, const struct nw_feed_limits *limits,
                             struct nw_feed **out, char *errstr, size_t errstr_size)
{
    struct nw_feeds_run run = {0};
    struct pipe p = {0};
    enum nw_status result = NW_OK;

    *out = NULL;
    if (errstr_size)
        errstr[0] = '\0';
    p.cd = (iconv_t)-1;
    if (len > limits->max_bytes) {
        result =
            nw_fail(NW_ETOOBIG, errstr, errstr_size, "document over %zu bytes", limits->max_bytes);
        goto out;
    }
    run.feed = nw_calloc(1, sizeof(*run.feed));
    if (!run.feed) {
        result = NW_ENOMEM;
        goto out;
    }
    run.feed->update_s = -1;
    run.lim = limits;
    run.base = base_url ? base_url : "";
    run.errstr = errstr;
    run.errstr_size = errstr_size;
    p.run = &run;
    p.content_type = content_type;
    if (nw_gunzip_is_gzip(data, len)) {
        inflate_all(&p, data, len);
    } else {
        for (size_t i = 0; i < len && !p.stopped; i += CHUNK)
            transcode(&p, data + i, len - i < CHUNK ? len - i : CHUNK);
    }
    result = p.result;
    if (!result && !p.sniffed)
        result = nw_fail(NW_EPARSE, errstr, errstr_size, "not a feed, sitemap or page");
    if (!result && !run.oom)
        result = p.parser.finish(p.parser.state);
    if (!result && run.oom)
        result = NW_ENOMEM;
    if (result == NW_ENOMEM)
        nw_fail(result, errstr, errstr_size, "out of memory");
out:
    if (p.parser.destroy)
        p.parser.destroy(p.parser.state);
    if (p.cd != (iconv_t)-1)
        iconv_close(p.cd);
    if (result) {
        nw_feed_destroy(run.feed);
        return result;
    }
    *out = run.feed;
    return NW_OK;
}
