/* feeds.c — RSS, RDF, Atom, JSON Feed, sitemaps, robots.txt and HTML feed discovery. */
#include "feeds.h"

#include <ctype.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "gunzip.h"
#include "mem.h"
#include "meta.h"
#include "robots.h"

#define MAX_URL 4096
#define MAX_TITLE 1024
#define MAX_GUID 1024
#define MAX_DATE 128
#define MAX_NODES 2000000 /* elements visited in one document */

struct ctx {
    struct nw_feed *feed;
    const struct nw_feed_limits *lim;
    const char *base;
    size_t cap_items, cap_links;
    size_t visited;
    int oom;
};

const char *nw_feed_kind_name(enum nw_feed_kind kind)
{
    static const char *const names[] = {"unknown", "rss",          "rdf",    "atom", "json",
                                        "urlset",  "sitemapindex", "robots", "html"};
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

/* ---- strings ---------------------------------------------------------------------------- */

/* A copy of s[0..len) with white space runs folded to one space and the ends trimmed, cut
 * at max bytes on a UTF-8 character boundary. NULL if empty or on ENOMEM. */
static char *clean_copy(const char *s, size_t len, size_t max)
{
    char *out = nw_malloc(len < max ? len + 1 : max + 1);
    size_t n = 0;
    int space = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len && n < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = n > 0;
            continue;
        }
        if (c < 0x20)
            continue;
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

static int is_http_url(const char *u)
{
    return !strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8);
}

/* Resolves ref against base into an absolute http(s) URL, or NULL. */
static char *resolve(const char *base, const char *ref)
{
    char *trimmed, *abs;

    if (!ref)
        return NULL;
    trimmed = clean_copy(ref, strlen(ref), MAX_URL);
    if (!trimmed)
        return NULL;
    abs = nw_meta_resolve_url(base, trimmed, strlen(trimmed));
    nw_free(trimmed);
    if (abs && (!is_http_url(abs) || strlen(abs) > MAX_URL)) {
        nw_free(abs);
        abs = NULL;
    }
    return abs;
}

static char *date_copy(const char *s)
{
    char out[64];

    if (!s || strlen(s) > MAX_DATE)
        return NULL;
    if (nw_meta_parse_date(s, strlen(s), out, sizeof(out)) != 0)
        return NULL;
    return nw_strdup(out);
}

/* ---- results ---------------------------------------------------------------------------- */

/* Takes ownership of url, guid, title and date (frees them if not kept). */
static void add_item(struct ctx *c, char *url, char *guid, char *title, char *date)
{
    struct nw_feed *f = c->feed;
    struct nw_feed_item *it;

    if (!url || f->n_items >= c->lim->max_items) {
        if (url)
            f->dropped++;
        goto drop;
    }
    if (nw_grow_array((void **)&f->items, &c->cap_items, f->n_items + 1, 16, sizeof(*f->items))) {
        c->oom = 1;
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

/* Takes ownership of url. Duplicates are kept once. */
static void add_link(struct ctx *c, char *url)
{
    struct nw_feed *f = c->feed;

    if (!url)
        return;
    for (size_t i = 0; i < f->n_links; i++) {
        if (!strcmp(f->links[i], url)) {
            nw_free(url);
            return;
        }
    }
    if (f->n_links >= c->lim->max_links) {
        f->dropped++;
        nw_free(url);
        return;
    }
    if (nw_grow_array((void **)&f->links, &c->cap_links, f->n_links + 1, 8, sizeof(*f->links))) {
        c->oom = 1;
        nw_free(url);
        return;
    }
    f->links[f->n_links++] = url;
}

/* ---- XML helpers ------------------------------------------------------------------------ */

static int named(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name && !strcasecmp((const char *)n->name, name);
}

/* Namespace-prefix-free local name match, also for elements whose prefix was undeclared
 * (recovery keeps "news:title" as the name then). */
static int local_named(const xmlNode *n, const char *name)
{
    const char *colon;

    if (n->type != XML_ELEMENT_NODE || !n->name)
        return 0;
    if (!strcasecmp((const char *)n->name, name))
        return 1;
    colon = strrchr((const char *)n->name, ':');
    return colon && !strcasecmp(colon + 1, name);
}

static int prefixed(const xmlNode *n, const char *prefix)
{
    if (n->ns && n->ns->prefix && !strcasecmp((const char *)n->ns->prefix, prefix))
        return 1;
    return n->name && !strncasecmp((const char *)n->name, prefix, strlen(prefix)) &&
           n->name[strlen(prefix)] == ':';
}

/* The text of n's own text and CDATA children (entity references are not followed), folded
 * and bounded. NULL if empty. */
static char *text_of(const xmlNode *n, size_t max)
{
    struct nw_buf b;
    char *out;

    nw_buf_init(&b, max * 4 + 64);
    for (const xmlNode *k = n->children; k; k = k->next) {
        if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) && k->content) {
            if (nw_buf_puts(&b, (const char *)k->content) == NW_ETOOBIG)
                break;
        }
    }
    out = b.len ? clean_copy(b.data, b.len, max) : NULL;
    nw_buf_fini(&b);
    return out;
}

static char *attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        if (a->name && !strcasecmp((const char *)a->name, name) && a->children &&
            (a->children->type == XML_TEXT_NODE) && a->children->content)
            return clean_copy((const char *)a->children->content,
                              strlen((const char *)a->children->content), MAX_URL);
    }
    return NULL;
}

static const xmlNode *child(const xmlNode *n, const char *local)
{
    for (const xmlNode *k = n->children; k; k = k->next)
        if (local_named(k, local))
            return k;
    return NULL;
}

static char *child_text(const xmlNode *n, const char *local, size_t max)
{
    const xmlNode *k = child(n, local);
    return k ? text_of(k, max) : NULL;
}

/* The base for links under n: xml:base (resolved up the tree) or the document URL. */
static char *base_of(struct ctx *c, const xmlNode *n)
{
    xmlChar *b = xmlNodeGetBase(n->doc, n);
    char *out = NULL;

    if (b) {
        out = resolve(c->base, (const char *)b);
        xmlFree(b);
    }
    return out ? out : nw_strdup(c->base);
}

static long period_seconds(const char *p)
{
    if (!p)
        return -1;
    if (!strcasecmp(p, "hourly"))
        return 3600;
    if (!strcasecmp(p, "daily"))
        return 86400;
    if (!strcasecmp(p, "weekly"))
        return 7 * 86400L;
    if (!strcasecmp(p, "monthly"))
        return 30 * 86400L;
    if (!strcasecmp(p, "yearly"))
        return 365 * 86400L;
    return -1;
}

/* RSS ttl (minutes) and the syndication module's updatePeriod / updateFrequency. */
static void channel_hints(struct ctx *c, const xmlNode *chan)
{
    char *ttl = child_text(chan, "ttl", 32), *per = NULL, *freq = NULL;
    long period = -1, n = 1;

    if (ttl) {
        long m = strtol(ttl, NULL, 10);
        if (m > 0 && m < 1000000)
            c->feed->update_s = m * 60;
        nw_free(ttl);
    }
    for (const xmlNode *k = chan->children; k; k = k->next) {
        if (local_named(k, "updatePeriod") && !per)
            per = text_of(k, 32);
        else if (local_named(k, "updateFrequency") && !freq)
            freq = text_of(k, 32);
    }
    period = period_seconds(per);
    if (freq) {
        n = strtol(freq, NULL, 10);
        if (n < 1 || n > 1000000)
            n = 1;
    }
    if (period > 0 && c->feed->update_s < 0)
        c->feed->update_s = period / n > 0 ? period / n : 1;
    nw_free(per);
    nw_free(freq);
}

/* ---- RSS 2.0 and RDF -------------------------------------------------------------------- */

static void rss_item(struct ctx *c, const xmlNode *it)
{
    char *link = NULL, *guid = NULL, *title = NULL, *date = NULL, *url = NULL, *base;
    int guid_permalink = 1;

    for (const xmlNode *k = it->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        /* Atom links inside RSS items (atom:link) carry href; plain link carries text. */
        if (local_named(k, "link") && !link) {
            link = text_of(k, MAX_URL);
            if (!link)
                link = attr(k, "href");
        } else if (local_named(k, "guid") && !guid) {
            char *pl = attr(k, "isPermaLink");
            guid_permalink = !(pl && !strcasecmp(pl, "false"));
            nw_free(pl);
            guid = text_of(k, MAX_GUID);
        } else if (local_named(k, "title") && !title) {
            title = text_of(k, MAX_TITLE);
        } else if ((local_named(k, "pubDate") || (local_named(k, "date") && prefixed(k, "dc"))) &&
                   !date) {
            char *raw = text_of(k, MAX_DATE);
            date = date_copy(raw);
            nw_free(raw);
        }
    }
    if (!link) {
        char *about = attr(it, "about"); /* RDF items name their URL in rdf:about */
        if (about)
            link = about;
        else if (guid && guid_permalink)
            link = nw_strdup(guid);
    }
    base = base_of(c, it);
    url = resolve(base, link);
    nw_free(base);
    nw_free(link);
    add_item(c, url, guid, title, date);
}

static void rss_walk(struct ctx *c, const xmlNode *n, int depth)
{
    for (const xmlNode *k = n; k && !c->oom && c->visited < MAX_NODES; k = k->next) {
        c->visited++;
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (local_named(k, "item") || local_named(k, "entry")) {
            rss_item(c, k);
        } else if (local_named(k, "channel") && depth < 4) {
            if (!c->feed->title)
                c->feed->title = child_text(k, "title", MAX_TITLE);
            channel_hints(c, k);
            rss_walk(c, k->children, depth + 1);
        } else if (depth < 2 && !local_named(k, "image") && !local_named(k, "textinput")) {
            rss_walk(c, k->children, depth + 1);
        }
    }
}

/* ---- Atom ------------------------------------------------------------------------------- */

static char *atom_link(struct ctx *c, const xmlNode *entry)
{
    char *best = NULL;
    int best_rank = 0;

    for (const xmlNode *k = entry->children; k; k = k->next) {
        char *rel, *href;
        int rank;
        if (!local_named(k, "link"))
            continue;
        href = attr(k, "href");
        if (!href)
            continue;
        rel = attr(k, "rel");
        rank = !rel || !strcasecmp(rel, "alternate") ? 2 : 0;
        nw_free(rel);
        if (rank > best_rank) {
            char *base = base_of(c, k);
            nw_free(best);
            best = resolve(base, href);
            nw_free(base);
            if (best)
                best_rank = rank;
        }
        nw_free(href);
    }
    return best;
}

static void atom_feed(struct ctx *c, const xmlNode *root)
{
    c->feed->title = child_text(root, "title", MAX_TITLE);
    for (const xmlNode *k = root->children; k && !c->oom && c->visited < MAX_NODES; k = k->next) {
        char *date_raw, *url, *id;
        c->visited++;
        if (!local_named(k, "entry"))
            continue;
        url = atom_link(c, k);
        id = child_text(k, "id", MAX_GUID);
        if (!url && id && is_http_url(id))
            url = resolve(c->base, id);
        date_raw = child_text(k, "published", MAX_DATE);
        if (!date_raw)
            date_raw = child_text(k, "updated", MAX_DATE);
        add_item(c, url, id, child_text(k, "title", MAX_TITLE), date_copy(date_raw));
        nw_free(date_raw);
    }
}

/* ---- sitemaps --------------------------------------------------------------------------- */

static void urlset(struct ctx *c, const xmlNode *root)
{
    for (const xmlNode *k = root->children; k && !c->oom && c->visited < MAX_NODES; k = k->next) {
        char *loc, *date_raw = NULL, *title = NULL;
        const xmlNode *news;
        c->visited++;
        if (!local_named(k, "url"))
            continue;
        loc = child_text(k, "loc", MAX_URL);
        news = child(k, "news");
        if (news) {
            date_raw = child_text(news, "publication_date", MAX_DATE);
            title = child_text(news, "title", MAX_TITLE);
        }
        if (!date_raw)
            date_raw = child_text(k, "lastmod", MAX_DATE);
        add_item(c, resolve(c->base, loc), NULL, title, date_copy(date_raw));
        nw_free(loc);
        nw_free(date_raw);
    }
}

static void sitemapindex(struct ctx *c, const xmlNode *root)
{
    for (const xmlNode *k = root->children; k && !c->oom && c->visited < MAX_NODES; k = k->next) {
        char *loc;
        c->visited++;
        if (!local_named(k, "sitemap"))
            continue;
        loc = child_text(k, "loc", MAX_URL);
        add_link(c, resolve(c->base, loc));
        nw_free(loc);
    }
}

/* ---- HTML autodiscovery ----------------------------------------------------------------- */

static int feed_type(const char *t)
{
    static const char *const types[] = {"application/rss+xml", "application/atom+xml",
                                        "application/feed+json", "application/rdf+xml"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (!strncasecmp(t, types[i], strlen(types[i])))
            return 1;
    return 0;
}

static int rel_has(const char *rel, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = rel; *p;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        const char *e = p;
        while (*e && !isspace((unsigned char)*e))
            e++;
        if ((size_t)(e - p) == n && !strncasecmp(p, word, n))
            return 1;
        p = e;
    }
    return 0;
}

static void html_walk(struct ctx *c, const xmlNode *n, int depth)
{
    for (const xmlNode *k = n; k && !c->oom && c->visited < MAX_NODES; k = k->next) {
        c->visited++;
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (named(k, "link")) {
            char *rel = attr(k, "rel"), *type = attr(k, "type"), *href = attr(k, "href");
            if (rel && type && href && rel_has(rel, "alternate") && feed_type(type)) {
                char *base = base_of(c, k);
                add_link(c, resolve(base, href));
                nw_free(base);
            }
            nw_free(rel);
            nw_free(type);
            nw_free(href);
        } else if (depth < 64 && k->children) {
            html_walk(c, k->children, depth + 1);
        }
    }
}

/* ---- JSON Feed -------------------------------------------------------------------------- */

static char *jstr(json_t *o, const char *key, size_t max)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? clean_copy(s, strlen(s), max) : NULL;
}

static enum nw_status json_feed(struct ctx *c, const char *data, size_t len, char *errstr,
                                size_t errstr_size)
{
    json_error_t jerr;
    json_t *root = json_loadb(data, len, 0, &jerr), *items;
    const char *version;
    enum nw_status result = NW_OK;
    size_t i;

    if (!root || !json_is_object(root)) {
        result = nw_fail(NW_EPARSE, errstr, errstr_size, "not a JSON Feed: %s",
                         root ? "not an object" : jerr.text);
        goto out;
    }
    version = json_string_value(json_object_get(root, "version"));
    if (!version || strncmp(version, "https://jsonfeed.org/version/", 29)) {
        result = nw_fail(NW_EPARSE, errstr, errstr_size, "not a JSON Feed: no jsonfeed version");
        goto out;
    }
    c->feed->kind = NW_FEED_JSON;
    c->feed->title = jstr(root, "title", MAX_TITLE);
    items = json_object_get(root, "items");
    for (i = 0; i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        char *u, *date_raw;
        if (!json_is_object(it))
            continue;
        u = jstr(it, "url", MAX_URL);
        if (!u)
            u = jstr(it, "external_url", MAX_URL);
        date_raw = jstr(it, "date_published", MAX_DATE);
        if (!date_raw)
            date_raw = jstr(it, "date_modified", MAX_DATE);
        add_item(c, resolve(c->base, u), jstr(it, "id", MAX_GUID), jstr(it, "title", MAX_TITLE),
                 date_copy(date_raw));
        nw_free(u);
        nw_free(date_raw);
        if (c->oom)
            break;
    }
out:
    json_decref(root);
    return result;
}

/* ---- robots.txt ------------------------------------------------------------------------- */

static enum nw_status robots_doc(struct ctx *c, const char *data, size_t len)
{
    struct nw_robots *r = NULL;
    enum nw_status result = nw_robots_parse(data, len, "*", &r);

    if (result)
        return result;
    c->feed->kind = NW_FEED_ROBOTS;
    for (size_t i = 0; i < nw_robots_sitemap_count(r); i++)
        add_link(c, resolve(c->base, nw_robots_sitemap(r, i)));
    nw_robots_destroy(r);
    return NW_OK;
}

/* ---- dispatch --------------------------------------------------------------------------- */

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
    size_t i = 0;

    while (i < len && isspace((unsigned char)s[i]))
        i++;
    if (len - i >= 14 && !strncasecmp(s + i, "<!doctype html", 14))
        return 1;
    if (len - i >= 5 && !strncasecmp(s + i, "<html", 5))
        return 1;
    if (len - i >= 5 && !strncmp(s + i, "<?xml", 5))
        return 0;
    return content_type && !strncasecmp(content_type, "text/html", 9);
}

static enum nw_status xml_doc(struct ctx *c, const char *data, size_t len, int html, char *errstr,
                              size_t errstr_size)
{
    xmlDoc *doc;
    xmlNode *root;
    enum nw_status result = NW_OK;

    if (len > (size_t)INT32_MAX)
        return nw_fail(NW_ETOOBIG, errstr, errstr_size, "document too large");
    if (html)
        doc = htmlReadMemory(data, (int)len, c->base, NULL,
                             HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                 HTML_PARSE_NOWARNING | HTML_PARSE_NOBLANKS);
    else
        doc = xmlReadMemory(data, (int)len, c->base, NULL,
                            XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS);
    if (!doc)
        return nw_fail(NW_EPARSE, errstr, errstr_size, "not a feed, sitemap or page: %s",
                       html ? "HTML" : "XML could not be parsed");
    root = xmlDocGetRootElement(doc);
    if (!root) {
        result = nw_fail(NW_EPARSE, errstr, errstr_size, "empty document");
        goto out;
    }
    if (html || named(root, "html")) {
        c->feed->kind = NW_FEED_HTML;
        html_walk(c, root, 0);
    } else if (local_named(root, "rss")) {
        c->feed->kind = NW_FEED_RSS;
        rss_walk(c, root->children, 0);
    } else if (local_named(root, "RDF")) {
        c->feed->kind = NW_FEED_RDF;
        rss_walk(c, root->children, 0);
    } else if (local_named(root, "feed")) {
        c->feed->kind = NW_FEED_ATOM;
        atom_feed(c, root);
    } else if (local_named(root, "urlset")) {
        c->feed->kind = NW_FEED_URLSET;
        urlset(c, root);
    } else if (local_named(root, "sitemapindex")) {
        c->feed->kind = NW_FEED_SITEMAPINDEX;
        sitemapindex(c, root);
    } else {
        result = nw_fail(NW_EPARSE, errstr, errstr_size,
                         "not a feed or sitemap: root element <%.64s>", (const char *)root->name);
    }
out:
    xmlFreeDoc(doc);
    return result;
}

enum nw_status nw_feed_parse(const char *data, size_t len, const char *base_url,
                             const char *content_type, const struct nw_feed_limits *limits,
                             struct nw_feed **out, char *errstr, size_t errstr_size)
{
    struct ctx c = {0};
    char *inflated = NULL;
    enum nw_status result = NW_OK;
    size_t i = 0;

    *out = NULL;
    if (len > limits->max_bytes) {
        result =
            nw_fail(NW_ETOOBIG, errstr, errstr_size, "document over %zu bytes", limits->max_bytes);
        goto out;
    }
    if (nw_gunzip_is_gzip(data, len)) {
        size_t n;
        result = nw_gunzip(data, len, limits->max_bytes, &inflated, &n);
        if (result) {
            nw_fail(result, errstr, errstr_size, "gzip: %s",
                    result == NW_ETOOBIG ? "inflates past the size limit" : "corrupt data");
            goto out;
        }
        data = inflated;
        len = n;
    }
    c.feed = nw_calloc(1, sizeof(*c.feed));
    if (!c.feed) {
        result = NW_ENOMEM;
        goto out;
    }
    c.feed->update_s = -1;
    c.lim = limits;
    c.base = base_url ? base_url : "";
    /* A UTF-8 byte order mark, then white space, then the first significant byte. */
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && isspace((unsigned char)data[i]))
        i++;
    if (path_is_robots(base_url) && (i == len || data[i] != '<'))
        result = robots_doc(&c, data, len);
    else if (i < len && data[i] == '{')
        result = json_feed(&c, data + i, len - i, errstr, errstr_size);
    else if (i < len && data[i] == '<')
        result = xml_doc(&c, data, len, looks_html(data + i, len - i, content_type), errstr,
                         errstr_size);
    else
        result = nw_fail(NW_EPARSE, errstr, errstr_size, "not a feed, sitemap or page");
    if (!result && c.oom)
        result = NW_ENOMEM;
    if (result == NW_ENOMEM)
        nw_fail(result, errstr, errstr_size, "out of memory");
out:
    nw_free(inflated);
    if (result) {
        nw_feed_destroy(c.feed);
        return result;
    }
    *out = c.feed;
    return NW_OK;
}
