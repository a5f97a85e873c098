/* feeds_xml.c — RSS 2.0, RSS 1.0, Atom 1.0 / 0.3, sitemaps and feed discovery as a stream:
 * libxml2's push parser with our own SAX handlers (no tree), fed through a filter that
 * keeps a raw `&` as written. */
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "feeds_int.h"
#include "mem.h"

#define OUT_CHUNK (64 * 1024)
#define MAX_BASES 32     /* nested xml:base attributes followed */
#define MAX_NAMES 100000 /* distinct names in one document (libxml2's dictionary) */
#define MAX_ATTRS 1024   /* attributes in one tag */
#define MAX_DEPTH 256    /* element nesting (libxml2's push parser has no bound of its own) */
#define MAX_LOOKAHEAD 72 /* bytes looked at after '<' or '&' */
#define MAX_REF_NAME 64  /* longest entity name taken as a reference */

/* ---- raw '&' recovery --------------------------------------------------------------------
 * XML forbids a bare `&` in text and attribute values, and libxml2's recovery drops the
 * name after it (`a=1&b=2` becomes `a=1=2`). Feeds write them anyway, mostly in URLs. This
 * filter sits before the parser and writes a `&` that starts no character or entity
 * reference as `&amp;`, outside comments, CDATA sections, processing instructions and
 * declarations, so the parser reads the text as written. It works on the document's bytes,
 * which are UTF-8 or ASCII-compatible here (UTF-16/32 is transcoded before). */

/* A control byte that XML does not allow is dropped by libxml2 without a trace; the filter
 * writes it as U+FDD0 (a noncharacter, legal in XML), which nw_feeds_keep_url refuses and
 * nw_feeds_clean_copy drops, so a URL with one is refused, never silently joined. Character
 * references to such bytes (`&#1;`) are written the same way. */
#define CTL_MARK "\xEF\xB7\x90"

static int is_bad_ctl(unsigned char c)
{
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

enum amp_state { A_TEXT, A_TAG, A_TAG_QUOTE, A_COMMENT, A_CDATA, A_PI, A_DECL };

struct amp {
    enum amp_state state;
    char quote;
    int run;     /* consecutive '-' (comment), ']' (CDATA) or '?' (PI) just seen */
    int bracket; /* '[' depth in a DOCTYPE */
    int values;  /* quoted attribute values in the current tag */
    char carry[MAX_LOOKAHEAD];
    size_t n_carry;
};

enum field {
    F_NONE,
    F_FEED_TITLE,
    F_TTL,
    F_UPDATE_PERIOD,
    F_UPDATE_FREQ,
    F_LINK,
    F_GUID,
    F_ID,
    F_TITLE,
    F_DATE,
    F_LOC,
};

struct pending_item {
    char *url;     /* resolved link (Atom: the best one) */
    int link_rank; /* Atom: 2 alternate / no rel, 1 other; RSS: 1 once a link was seen */
    int link_bad;  /* a link was there but could not be kept: no fallback to another URL */
    char *guid;    /* guid / id text */
    int permalink; /* RSS guid isPermaLink (default true) */
    char *about;   /* RSS 1.0 rdf:about */
    char *title;
    char *date;
    int date_rank; /* lower is better */
};

struct xml_parser {
    struct nw_feeds_run *run;
    xmlParserCtxtPtr ctxt;
    int html, utf8;
    struct amp amp;
    char out[OUT_CHUNK + MAX_LOOKAHEAD * 2];
    size_t n_out;
    int stopped;
    /* the document */
    int depth;
    int root_seen, root_closed, refused;
    char root_name[64];
    struct {
        int depth;
        char *url;
    } bases[MAX_BASES];
    int n_bases;
    int channel_depth;  /* RSS channel, 0 if not inside */
    int excluded_depth; /* RSS image / textinput, 0 if not inside */
    int item_depth;     /* the current item / entry / url / sitemap, 0 if none */
    int news_depth;     /* a sitemap url's news:news, 0 if not inside */
    struct pending_item it;
    /* the element whose text is being read */
    int cap_depth;
    enum field cap_field;
    int cap_rank;
    size_t cap_len; /* bytes seen, also past the buffer's bound */
    struct nw_buf text;
    /* channel refresh hints */
    long ttl_min, period_s, freq;
    char last_error[160];
    int last_error_line;
};

static void emit(struct xml_parser *x, const char *s, size_t n);
static void flush(struct xml_parser *x, int terminate);
static void halt(struct xml_parser *x);

static int is_name_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static int is_name_char(unsigned char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static int is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Whether s[0..n) (s[0] == '&') starts a reference: 1 yes, 2 a character reference to a
 * control character XML forbids, 0 no, -1 cannot tell yet. */
static int starts_reference(const char *s, size_t n)
{
    size_t j = 1, start;

    if (j >= n)
        return -1;
    if (s[j] == '#') {
        int hex = 0;
        j++;
        if (j >= n)
            return -1;
        if (s[j] == 'x') {
            hex = 1;
            j++;
        }
        start = j;
        while (j < n && j - start <= 10 &&
               (hex ? is_hex((unsigned char)s[j]) : (s[j] >= '0' && s[j] <= '9')))
            j++;
        if (j >= n)
            return -1;
        if (j > start && s[j] == ';') {
            long v = strtol(s + start, NULL, hex ? 16 : 10);
            return v < 0x20 && v != '\t' && v != '\n' && v != '\r' ? 2 : 1;
        }
        return 0;
    }
    if (!is_name_start((unsigned char)s[j]))
        return 0;
    while (j < n && j <= MAX_REF_NAME && is_name_char((unsigned char)s[j]))
        j++;
    if (j >= n)
        return -1;
    return s[j] == ';';
}

/* Runs the filter over s[0..n); bytes it cannot decide on yet are carried to the next call
 * (final: there is no next call). */
static void amp_filter(struct xml_parser *x, const char *s, size_t n, int final)
{
    struct amp *a = &x->amp;
    char head[MAX_LOOKAHEAD * 2];
    size_t i = 0;

    /* Finish the carried bytes with the start of s first. */
    if (a->n_carry) {
        size_t take = n < MAX_LOOKAHEAD ? n : MAX_LOOKAHEAD, done;
        size_t carried = a->n_carry;
        memcpy(head, a->carry, carried);
        memcpy(head + carried, s, take);
        a->n_carry = 0;
        /* Process head as far as the carried bytes reach; the rest is taken from s. */
        amp_filter(x, head, carried + take, final && take == n);
        /* amp_filter may have carried again from within head: keep only what is from s. */
        done = carried + take - a->n_carry;
        if (done < carried) { /* still undecided: all of head carried (short input) */
            return;
        }
        i = done - carried;
        a->n_carry = 0;
        if (i >= n)
            return;
        s += i;
        n -= i;
        i = 0;
    }
    while (i < n && !x->stopped) {
        unsigned char c = (unsigned char)s[i];
        size_t j;
        switch (a->state) {
        case A_TEXT:
        case A_TAG_QUOTE:
            j = i;
            while (j < n && s[j] != '&' && s[j] != '<' && !is_bad_ctl((unsigned char)s[j]) &&
                   !(a->state == A_TAG_QUOTE && s[j] == a->quote))
                j++;
            emit(x, s + i, j - i);
            i = j;
            if (i == n)
                break;
            c = (unsigned char)s[i];
            if (is_bad_ctl(c)) {
                emit(x, CTL_MARK, 3);
                i++;
            } else if (c == '&') {
                int r = starts_reference(s + i, n - i);
                if (r < 0 && !final)
                    goto carry;
                if (r == 2) { /* the whole reference becomes the mark */
                    emit(x, CTL_MARK, 3);
                    i = (size_t)((const char *)memchr(s + i, ';', n - i) - s) + 1;
                } else {
                    emit(x, r == 1 ? "&" : "&amp;", r == 1 ? 1 : 5);
                    i++;
                }
            } else if (a->state == A_TAG_QUOTE && c == (unsigned char)a->quote) {
                emit(x, s + i++, 1);
                a->state = A_TAG;
            } else if (a->state == A_TAG_QUOTE) { /* '<' in a value: the parser's business */
                emit(x, s + i++, 1);
            } else { /* '<' in text: what starts here? */
                if (n - i < 9 && !final)
                    goto carry;
                if (n - i >= 4 && !memcmp(s + i, "<!--", 4)) {
                    a->state = A_COMMENT;
                    a->run = 0;
                    emit(x, s + i, 4);
                    i += 4;
                } else if (n - i >= 9 && !memcmp(s + i, "<![CDATA[", 9)) {
                    a->state = A_CDATA;
                    a->run = 0;
                    emit(x, s + i, 9);
                    i += 9;
                } else if (n - i >= 2 && s[i + 1] == '!') {
                    a->state = A_DECL;
                    a->quote = 0;
                    a->bracket = 0;
                    emit(x, s + i, 2);
                    i += 2;
                } else if (n - i >= 2 && s[i + 1] == '?') {
                    a->state = A_PI;
                    a->run = 0;
                    emit(x, s + i, 2);
                    i += 2;
                } else {
                    a->state = A_TAG;
                    a->values = 0;
                    emit(x, s + i++, 1);
                }
            }
            break;
        case A_TAG:
            j = i;
            while (j < n && s[j] != '"' && s[j] != '\'' && s[j] != '>' &&
                   !is_bad_ctl((unsigned char)s[j]))
                j++;
            if (j < n && is_bad_ctl((unsigned char)s[j])) {
                emit(x, s + i, j - i);
                emit(x, CTL_MARK, 3);
                i = j + 1;
                break;
            }
            if (j < n) {
                if (s[j] == '>') {
                    a->state = A_TEXT;
                    a->values = 0;
                } else {
                    a->state = A_TAG_QUOTE;
                    a->quote = s[j];
                    /* libxml2 checks attributes for duplicates pairwise: bound them. */
                    if (++a->values > MAX_ATTRS) {
                        emit(x, s + i, j - i);
                        flush(x, 0); /* the parser reads what came before */
                        nw_feeds_partial(x->run,
                                         "XML parsing stopped: a tag with over %d "
                                         "attributes",
                                         MAX_ATTRS);
                        halt(x);
                        return;
                    }
                }
                j++;
            }
            emit(x, s + i, j - i);
            i = j;
            break;
        case A_COMMENT:
        case A_CDATA:
            if (is_bad_ctl(c)) {
                emit(x, CTL_MARK, 3);
                i++;
                a->run = 0;
                break;
            }
            if (c == '>' && a->run >= 2)
                a->state = A_TEXT;
            a->run = c == (a->state == A_COMMENT ? '-' : ']') ? a->run + 1 : 0;
            emit(x, s + i++, 1);
            break;
        case A_PI:
            if (c == '>' && a->run)
                a->state = A_TEXT;
            a->run = c == '?';
            emit(x, s + i++, 1);
            break;
        case A_DECL:
            if (a->quote) {
                if (c == (unsigned char)a->quote)
                    a->quote = 0;
            } else if (c == '"' || c == '\'') {
                a->quote = (char)c;
            } else if (c == '[') {
                a->bracket++;
            } else if (c == ']') {
                a->bracket--;
            } else if (c == '>' && a->bracket <= 0) {
                a->state = A_TEXT;
            }
            emit(x, s + i++, 1);
            break;
        }
    }
    return;
carry:
    memcpy(a->carry, s + i, n - i);
    a->n_carry = n - i;
}

/* ---- libxml2 plumbing ------------------------------------------------------------------- */

static void halt(struct xml_parser *x)
{
    x->stopped = 1;
    if (x->ctxt)
        xmlStopParser(x->ctxt);
}

static void check_halted(struct xml_parser *x)
{
    if (x->stopped || !x->ctxt)
        return;
    if (x->ctxt->instate == XML_PARSER_EOF || x->ctxt->disableSAX) {
        x->stopped = 1;
        if (x->root_seen && !x->root_closed && !x->refused && !x->html)
            nw_feeds_partial(x->run, "XML parsing stopped inside <%s> at line %d: %s", x->root_name,
                             x->last_error_line,
                             x->last_error[0] ? x->last_error : "unknown error");
    }
}

static void flush(struct xml_parser *x, int terminate)
{
    if (x->stopped && !terminate)
        return;
    if (!x->stopped) {
        if (x->html)
            htmlParseChunk(x->ctxt, x->out, (int)x->n_out, terminate);
        else
            xmlParseChunk(x->ctxt, x->out, (int)x->n_out, terminate);
    }
    x->n_out = 0;
    if (!terminate)
        check_halted(x);
}

static void emit(struct xml_parser *x, const char *s, size_t n)
{
    while (n > 0 && !x->stopped) {
        size_t room = OUT_CHUNK - x->n_out, take = n < room ? n : room;
        memcpy(x->out + x->n_out, s, take);
        x->n_out += take;
        s += take;
        n -= take;
        if (x->n_out >= OUT_CHUNK)
            flush(x, 0);
    }
}

static void on_error(void *user, xmlErrorPtr err)
{
    struct xml_parser *x = user;
    size_t n;

    if (!err || !err->message)
        return;
    snprintf(x->last_error, sizeof(x->last_error), "%s", err->message);
    n = strlen(x->last_error);
    while (n > 0 && (x->last_error[n - 1] == '\n' || x->last_error[n - 1] == ' '))
        x->last_error[--n] = '\0';
    x->last_error_line = err->line;
}

/* ---- names and attributes --------------------------------------------------------------- */

/* The local name, also of a name whose prefix was undeclared (recovery keeps "news:title"). */
static const char *local_of(const xmlChar *name)
{
    const char *colon = strrchr((const char *)name, ':');
    return colon ? colon + 1 : (const char *)name;
}

static int is(const char *local, const char *name)
{
    return !strcasecmp(local, name);
}

/* SAX2 attributes: 5 pointers each (localname, prefix, URI, value, end). */
static const xmlChar **attr_of(int n, const xmlChar **attrs, const char *local)
{
    for (int k = 0; k < n; k++)
        if (!strcasecmp(local_of(attrs[5 * k]), local))
            return &attrs[5 * k];
    return NULL;
}

/* An attribute value as written: libxml2 (with entities not replaced) hands every `&` of a
 * value as "&#38;", so that sequence is decoded, and nothing else. nw_malloc'd. */
static char *attr_value(const xmlChar **a, size_t *len)
{
    const char *v = (const char *)a[3], *end = (const char *)a[4];
    char *out = nw_malloc((size_t)(end - v) + 1);
    size_t n = 0;

    if (!out)
        return NULL;
    while (v < end) {
        if (*v == '&' && end - v >= 5 && !memcmp(v, "&#38;", 5)) {
            out[n++] = '&';
            v += 5;
        } else {
            out[n++] = *v++;
        }
    }
    out[n] = '\0';
    *len = n;
    return out;
}

static char *attr_copy(int n, const xmlChar **attrs, const char *local, size_t max)
{
    const xmlChar **a = attr_of(n, attrs, local);
    size_t len;
    char *v = a ? attr_value(a, &len) : NULL, *out;

    if (!v)
        return NULL;
    out = nw_feeds_clean_copy(v, len, max);
    nw_free(v);
    return out;
}

static const char *base_now(const struct xml_parser *x)
{
    return x->n_bases ? x->bases[x->n_bases - 1].url : x->run->base;
}

static char *keep_attr_url(struct xml_parser *x, const xmlChar **a)
{
    size_t len;
    char *v = attr_value(a, &len), *out;

    if (!v) {
        x->run->oom = 1;
        return NULL;
    }
    out = nw_feeds_keep_url(x->run, base_now(x), v, len);
    nw_free(v);
    return out;
}

/* ---- items ------------------------------------------------------------------------------ */

static void item_clear(struct pending_item *it)
{
    nw_free(it->url);
    nw_free(it->guid);
    nw_free(it->about);
    nw_free(it->title);
    nw_free(it->date);
    memset(it, 0, sizeof(*it));
    it->permalink = 1;
}

static void item_done(struct xml_parser *x)
{
    struct pending_item *it = &x->it;
    enum nw_feed_kind kind = x->run->feed->kind;
    char *url = it->url;

    it->url = NULL;
    if (kind != NW_FEED_SITEMAPINDEX && kind != NW_FEED_HTML && nw_feeds_full(x->run)) {
        x->run->feed->dropped++;
        nw_free(url);
        item_clear(it);
        return;
    }
    if (kind == NW_FEED_SITEMAPINDEX) {
        nw_feeds_add_link(x->run, url);
        item_clear(it);
        return;
    }
    if (!url && !it->link_bad) {
        if (kind == NW_FEED_ATOM) {
            if (it->guid &&
                (!strncasecmp(it->guid, "http://", 7) || !strncasecmp(it->guid, "https://", 8)))
                url = nw_feeds_keep_url(x->run, base_now(x), it->guid, strlen(it->guid));
        } else if (it->about) { /* RDF items name their URL in rdf:about */
            url = nw_feeds_keep_url(x->run, base_now(x), it->about, strlen(it->about));
        } else if (it->guid && it->permalink) {
            url = nw_feeds_keep_url(x->run, base_now(x), it->guid, strlen(it->guid));
        }
    }
    if (!it->guid && it->about) { /* RSS 1.0: rdf:about identifies the item */
        it->guid = it->about;
        it->about = NULL;
    }
    nw_feeds_add_item(x->run, url, it->guid, it->title, it->date);
    it->guid = it->title = it->date = NULL;
    item_clear(it);
}

static void capture(struct xml_parser *x, enum field f, int rank)
{
    size_t max = f == F_LINK || f == F_LOC || f == F_ID || f == F_GUID ? NW_FEED_MAX_URL + 16
                 : f == F_TITLE || f == F_FEED_TITLE                   ? NW_FEEDS_MAX_TITLE * 4 + 64
                                                                       : 256;
    x->cap_depth = x->depth;
    x->cap_field = f;
    x->cap_rank = rank;
    x->cap_len = 0;
    nw_buf_fini(&x->text);
    nw_buf_init(&x->text, max);
}

static void on_text(void *user, const xmlChar *s, int len)
{
    struct xml_parser *x = user;

    if (!x->cap_depth || len <= 0)
        return;
    if (x->text.len == 0 && (x->cap_field == F_LINK || x->cap_field == F_LOC)) {
        while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
            s++;
            len--;
        }
        if (len == 0)
            return;
    }
    x->cap_len += (size_t)len;
    if (nw_buf_append(&x->text, s, (size_t)len) == NW_ENOMEM)
        x->run->oom = 1;
}

static long period_seconds(const char *p)
{
    static const struct {
        const char *name;
        long s;
    } periods[] = {{"hourly", 3600},
                   {"daily", 86400},
                   {"weekly", 7 * 86400L},
                   {"monthly", 30 * 86400L},
                   {"yearly", 365 * 86400L}};
    for (size_t k = 0; p && k < sizeof(periods) / sizeof(periods[0]); k++)
        if (!strcasecmp(p, periods[k].name))
            return periods[k].s;
    return -1;
}

static void capture_done(struct xml_parser *x)
{
    struct pending_item *it = &x->it;
    const char *s = x->text.data ? x->text.data : "";
    size_t n = x->text.len;
    char *v;

    x->cap_depth = 0;
    switch (x->cap_field) {
    case F_LINK:
    case F_LOC:
        if (x->cap_rank <= it->link_rank || x->cap_len == 0)
            break;
        if (nw_feeds_full(x->run) && x->run->feed->kind != NW_FEED_SITEMAPINDEX)
            break;          /* past max_items: item_done only counts it */
        if (x->cap_len > n) /* over the bound: refused, never cut */
            nw_feeds_reject(x->run, "URL of %zu bytes over the %d-byte limit dropped: %.60s...",
                            x->cap_len, NW_FEED_MAX_URL, s);
        else
            it->url = nw_feeds_keep_url(x->run, base_now(x), s, n);
        if (it->url)
            it->link_rank = x->cap_rank;
        else
            it->link_bad = 1;
        break;
    case F_GUID:
    case F_ID:
        if (!it->guid)
            it->guid = nw_feeds_clean_copy(s, n, NW_FEEDS_MAX_GUID);
        break;
    case F_TITLE:
        if (!it->title)
            it->title = nw_feeds_clean_copy(s, n, NW_FEEDS_MAX_TITLE);
        break;
    case F_FEED_TITLE:
        if (!x->run->feed->title)
            x->run->feed->title = nw_feeds_clean_copy(s, n, NW_FEEDS_MAX_TITLE);
        break;
    case F_DATE:
        if (!it->date || x->cap_rank < it->date_rank) {
            v = nw_feeds_date_copy(s, n);
            if (v) {
                nw_free(it->date);
                it->date = v;
                it->date_rank = x->cap_rank;
            }
        }
        break;
    case F_TTL:
    case F_UPDATE_PERIOD:
    case F_UPDATE_FREQ:
        v = nw_feeds_clean_copy(s, n, 32);
        if (v && x->cap_field == F_TTL)
            x->ttl_min = strtol(v, NULL, 10);
        else if (v && x->cap_field == F_UPDATE_PERIOD)
            x->period_s = period_seconds(v);
        else if (v)
            x->freq = strtol(v, NULL, 10);
        nw_free(v);
        break;
    case F_NONE:
        break;
    }
    nw_buf_fini(&x->text);
}

/* ---- elements --------------------------------------------------------------------------- */

static int is_date_name(const char *local, const xmlChar *prefix, enum nw_feed_kind kind, int *rank)
{
    static const char *const atom[] = {"published", "issued", "created", "updated", "modified"};

    if (kind == NW_FEED_ATOM)
        for (int k = 0; k < 5; k++)
            if (is(local, atom[k])) {
                *rank = k;
                return 1;
            }
    if (kind != NW_FEED_ATOM && is(local, "pubDate")) {
        *rank = 0;
        return 1;
    }
    if (is(local, "date") && prefix && !strncasecmp((const char *)prefix, "dc", 2) &&
        (prefix[2] == '\0' || prefix[2] == ':')) {
        *rank = 6;
        return 1;
    }
    return 0;
}

static void start_root(struct xml_parser *x, const char *local)
{
    static const struct {
        const char *name;
        enum nw_feed_kind kind;
    } roots[] = {{"rss", NW_FEED_RSS},
                 {"RDF", NW_FEED_RDF},
                 {"feed", NW_FEED_ATOM},
                 {"urlset", NW_FEED_URLSET},
                 {"sitemapindex", NW_FEED_SITEMAPINDEX},
                 {"html", NW_FEED_HTML}};

    x->root_seen = 1;
    snprintf(x->root_name, sizeof(x->root_name), "%s", local);
    for (size_t k = 0; k < sizeof(roots) / sizeof(roots[0]); k++) {
        if (is(local, roots[k].name)) {
            x->run->feed->kind = roots[k].kind;
            return;
        }
    }
    x->refused = 1;
    halt(x);
}

static void html_link(struct xml_parser *x, const char *rel, const char *type, const char *href,
                      size_t href_len);

static void on_start(void *user, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
                     int nb_ns, const xmlChar **ns, int nb_attrs, int nb_defaulted,
                     const xmlChar **attrs)
{
    struct xml_parser *x = user;
    const char *local = local_of(name);
    enum nw_feed_kind kind;
    /* A name whose prefix was undeclared comes whole ("dc:date"), its prefix NULL. */
    const xmlChar *pfx = prefix ? prefix : local != (const char *)name ? name : NULL;
    const xmlChar **a;
    int rank;

    (void)uri;
    (void)nb_ns;
    (void)ns;
    (void)nb_defaulted;
    x->depth++;
    if (x->stopped || x->run->oom)
        return;
    if (x->depth > MAX_DEPTH) {
        nw_feeds_partial(x->run, "XML parsing stopped inside <%s>: elements nested deeper than %d",
                         x->root_name, MAX_DEPTH);
        halt(x);
        return;
    }
    if (xmlDictSize(x->ctxt->dict) > MAX_NAMES) {
        nw_feeds_partial(x->run, "more than %d distinct XML names: not a feed", MAX_NAMES);
        halt(x);
        return;
    }
    /* xml:base (XML Base, used by Atom) applies to the element and its content. */
    for (int k = 0; k < nb_attrs; k++) {
        if (!strcmp((const char *)attrs[5 * k], "base") && attrs[5 * k + 1] &&
            !strcmp((const char *)attrs[5 * k + 1], "xml") && x->n_bases < MAX_BASES) {
            char *b = keep_attr_url(x, &attrs[5 * k]);
            if (b) {
                x->bases[x->n_bases].depth = x->depth;
                x->bases[x->n_bases++].url = b;
            }
        }
    }
    if (x->depth == 1) {
        start_root(x, local);
        return;
    }
    if (x->cap_depth)
        return; /* markup inside a text field (an Atom xhtml title) */
    kind = x->run->feed->kind;
    if (kind == NW_FEED_HTML) {
        if (is(local, "link")) {
            const xmlChar **h = attr_of(nb_attrs, attrs, "href");
            char *rel = attr_copy(nb_attrs, attrs, "rel", 256);
            char *type = attr_copy(nb_attrs, attrs, "type", 256);
            size_t len;
            char *href = h ? attr_value(h, &len) : NULL;
            if (href)
                html_link(x, rel, type, href, len);
            nw_free(href);
            nw_free(rel);
            nw_free(type);
        }
        return;
    }
    if (!x->item_depth) {
        if (x->excluded_depth)
            return;
        if ((kind == NW_FEED_RSS || kind == NW_FEED_RDF) && x->depth <= 3) {
            if (is(local, "item") || is(local, "entry")) {
                x->item_depth = x->depth;
                x->it.about = attr_copy(nb_attrs, attrs, "about", NW_FEEDS_MAX_GUID);
            } else if (is(local, "image") || is(local, "textinput")) {
                x->excluded_depth = x->depth;
            } else if (x->depth == 2 && is(local, "channel")) {
                x->channel_depth = x->depth;
            } else if (x->channel_depth && x->depth == x->channel_depth + 1) {
                if (is(local, "title"))
                    capture(x, F_FEED_TITLE, 0);
                else if (is(local, "ttl"))
                    capture(x, F_TTL, 0);
                else if (is(local, "updatePeriod"))
                    capture(x, F_UPDATE_PERIOD, 0);
                else if (is(local, "updateFrequency"))
                    capture(x, F_UPDATE_FREQ, 0);
            }
        } else if (x->depth == 2) {
            if ((kind == NW_FEED_ATOM && is(local, "entry")) ||
                (kind == NW_FEED_URLSET && is(local, "url")) ||
                (kind == NW_FEED_SITEMAPINDEX && is(local, "sitemap")))
                x->item_depth = x->depth;
            else if (kind == NW_FEED_ATOM && is(local, "title"))
                capture(x, F_FEED_TITLE, 0);
        }
        return;
    }
    /* Inside an item. */
    if (x->depth == x->item_depth + 1) {
        if (kind == NW_FEED_URLSET || kind == NW_FEED_SITEMAPINDEX) {
            if (is(local, "loc"))
                capture(x, F_LOC, 1);
            else if (kind == NW_FEED_URLSET && is(local, "lastmod"))
                capture(x, F_DATE, 2);
            else if (kind == NW_FEED_URLSET && is(local, "news"))
                x->news_depth = x->depth;
        } else if (is(local, "link")) {
            /* rel absent or "alternate" is the item's page (RFC 4287 4.2.7.2; an atom:link
             * in RSS the same); the first such link wins. No href: the text is the URL (RSS,
             * and Atom links written that way). */
            char *rel = attr_copy(nb_attrs, attrs, "rel", 64);
            rank = !rel || is(rel, "alternate") ? 2 : 0;
            nw_free(rel);
            a = attr_of(nb_attrs, attrs, "href");
            if (rank > x->it.link_rank) {
                if (a) {
                    char *u = keep_attr_url(x, a);
                    if (u) {
                        x->it.url = u;
                        x->it.link_rank = rank;
                    } else {
                        x->it.link_bad = 1;
                    }
                } else {
                    capture(x, F_LINK, rank);
                }
            }
        } else if (is(local, "guid")) {
            char *pl = attr_copy(nb_attrs, attrs, "isPermaLink", 16);
            x->it.permalink = !(pl && is(pl, "false"));
            nw_free(pl);
            capture(x, F_GUID, 0);
        } else if (is(local, "id") && kind == NW_FEED_ATOM) {
            capture(x, F_ID, 0);
        } else if (is(local, "title")) {
            capture(x, F_TITLE, 0);
        } else if (is_date_name(local, pfx, kind, &rank)) {
            capture(x, F_DATE, rank);
        }
    } else if (kind == NW_FEED_URLSET && x->depth == x->item_depth + 2 && x->news_depth) {
        /* Google News sitemaps: <news:news><news:publication_date>, <news:title>. */
        if (is(local, "publication_date"))
            capture(x, F_DATE, 0);
        else if (is(local, "title"))
            capture(x, F_TITLE, 0);
    }
}

static void on_end(void *user, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
    struct xml_parser *x = user;

    (void)name;
    (void)prefix;
    (void)uri;
    if (x->cap_depth == x->depth)
        capture_done(x);
    if (x->item_depth == x->depth) {
        item_done(x);
        x->item_depth = 0;
    }
    if (x->excluded_depth == x->depth)
        x->excluded_depth = 0;
    if (x->news_depth == x->depth)
        x->news_depth = 0;
    if (x->channel_depth == x->depth)
        x->channel_depth = 0;
    if (x->n_bases && x->bases[x->n_bases - 1].depth == x->depth)
        nw_free(x->bases[--x->n_bases].url);
    if (--x->depth == 0 && x->root_seen)
        x->root_closed = 1;
}

/* ---- HTML feed discovery (<link rel="alternate" type="application/rss+xml" href>) ------- */

static int feed_type(const char *t)
{
    static const char *const types[] = {"application/rss+xml", "application/atom+xml",
                                        "application/feed+json", "application/rdf+xml"};
    for (size_t i = 0; t && i < sizeof(types) / sizeof(types[0]); i++)
        if (!strncasecmp(t, types[i], strlen(types[i])))
            return 1;
    return 0;
}

static int rel_has(const char *rel, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = rel; p && *p;) {
        const char *e;
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
            p++;
        e = p;
        while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r' && *e != '\f')
            e++;
        if ((size_t)(e - p) == n && !strncasecmp(p, word, n))
            return 1;
        p = e;
    }
    return 0;
}

static void html_link(struct xml_parser *x, const char *rel, const char *type, const char *href,
                      size_t href_len)
{
    if (rel_has(rel, "alternate") && feed_type(type))
        nw_feeds_add_link(x->run, nw_feeds_keep_url(x->run, base_now(x), href, href_len));
}

static void on_html_start(void *user, const xmlChar *name, const xmlChar **attrs)
{
    struct xml_parser *x = user;
    const char *rel = NULL, *type = NULL, *href = NULL;

    if (x->stopped || !name || !attrs)
        return;
    if (!strcasecmp((const char *)name, "base") && x->n_bases == 0) {
        /* The first <base href> is the base of the page's links (HTML, "document base URL"). */
        for (int k = 0; attrs[k] && k < 256; k += 2) {
            if (!strcasecmp((const char *)attrs[k], "href") && attrs[k + 1]) {
                char *b = nw_feeds_keep_url(x->run, x->run->base, (const char *)attrs[k + 1],
                                            strlen((const char *)attrs[k + 1]));
                if (b) {
                    x->bases[0].depth = -1; /* never popped */
                    x->bases[0].url = b;
                    x->n_bases = 1;
                }
                break;
            }
        }
        return;
    }
    if (strcasecmp((const char *)name, "link"))
        return;
    for (int k = 0; attrs[k] && k < 256; k += 2) {
        const char *v = (const char *)attrs[k + 1];
        if (!v)
            continue;
        if (!strcasecmp((const char *)attrs[k], "rel"))
            rel = v;
        else if (!strcasecmp((const char *)attrs[k], "type"))
            type = v;
        else if (!strcasecmp((const char *)attrs[k], "href"))
            href = v;
    }
    if (href)
        html_link(x, rel, type, href, strlen(href));
}

/* ---- the parser ------------------------------------------------------------------------- */

static int xml_feed(void *state, const char *data, size_t len)
{
    struct xml_parser *x = state;

    if (x->html)
        emit(x, data, len);
    else
        amp_filter(x, data, len, 0);
    return x->stopped || x->run->oom;
}

static enum nw_status xml_finish(void *state)
{
    struct xml_parser *x = state;
    struct nw_feed *f = x->run->feed;

    if (!x->html && x->amp.n_carry) {
        size_t n = x->amp.n_carry;
        char tail[MAX_LOOKAHEAD];
        memcpy(tail, x->amp.carry, n);
        x->amp.n_carry = 0;
        amp_filter(x, tail, n, 1);
    }
    check_halted(x);
    flush(x, 1);
    if (x->html) {
        f->kind = NW_FEED_HTML;
        return NW_OK;
    }
    if (x->refused)
        return nw_fail(NW_EPARSE, x->run->errstr, x->run->errstr_size,
                       "not a feed or sitemap: root element <%.64s>", x->root_name);
    if (!x->root_seen)
        return nw_fail(NW_EPARSE, x->run->errstr, x->run->errstr_size,
                       "not a feed, sitemap or page: XML could not be parsed");
    if (!x->root_closed)
        nw_feeds_partial(x->run, "XML parsing stopped inside <%s> at line %d: %s", x->root_name,
                         x->last_error_line, x->last_error[0] ? x->last_error : "premature end");
    if (x->ttl_min > 0 && x->ttl_min < 1000000)
        f->update_s = x->ttl_min * 60;
    if (x->period_s > 0 && f->update_s < 0) {
        long n = x->freq >= 1 && x->freq <= 1000000 ? x->freq : 1;
        f->update_s = x->period_s / n > 0 ? x->period_s / n : 1;
    }
    return NW_OK;
}

static void xml_destroy(void *state)
{
    struct xml_parser *x = state;

    if (!x)
        return;
    if (x->ctxt) {
        if (x->ctxt->myDoc) /* none is built; a recovered internal subset may be */
            xmlFreeDoc(x->ctxt->myDoc);
        x->ctxt->myDoc = NULL;
        if (x->html)
            htmlFreeParserCtxt(x->ctxt);
        else
            xmlFreeParserCtxt(x->ctxt);
    }
    item_clear(&x->it);
    for (int k = 0; k < x->n_bases; k++)
        nw_free(x->bases[k].url);
    nw_buf_fini(&x->text);
    nw_free(x);
}

enum nw_status nw_feeds_xml_create(struct nw_feeds_run *run, int html, int utf8,
                                   struct nw_feeds_parser *out)
{
    xmlSAXHandler sax; /* copied by libxml2 into the context */
    struct xml_parser *x = nw_calloc(1, sizeof(*x));

    if (!x)
        return NW_ENOMEM;
    x->run = run;
    x->html = html;
    x->utf8 = utf8;
    x->ttl_min = x->period_s = x->freq = -1;
    x->it.permalink = 1;
    if (html) {
        memset(&sax, 0, sizeof(sax));
        sax.startElement = on_html_start;
        sax.serror = on_error;
        sax.initialized = XML_SAX2_MAGIC;
        x->ctxt = htmlCreatePushParserCtxt(&sax, x, NULL, 0, run->base, XML_CHAR_ENCODING_NONE);
        if (x->ctxt)
            htmlCtxtUseOptions(x->ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                            HTML_PARSE_NOWARNING);
    } else {
        memset(&sax, 0, sizeof(sax));
        sax.initialized = XML_SAX2_MAGIC;
        sax.startElementNs = on_start;
        sax.endElementNs = on_end;
        sax.characters = on_text;
        sax.cdataBlock = on_text;
        sax.serror = on_error;
        x->ctxt = xmlCreatePushParserCtxt(&sax, x, NULL, 0, run->base);
        if (x->ctxt)
            xmlCtxtUseOptions(x->ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR |
                                           XML_PARSE_NOWARNING | (utf8 ? XML_PARSE_IGNORE_ENC : 0));
    }
    if (!x->ctxt) {
        xml_destroy(x);
        return NW_ENOMEM;
    }
    out->state = x;
    out->feed = xml_feed;
    out->finish = xml_finish;
    out->destroy = xml_destroy;
    return NW_OK;
}
