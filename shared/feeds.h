/*
 * feeds.h — what a watched source says: the items of a feed or sitemap, and the further
 * documents it points to (child sitemaps of a sitemap index, `Sitemap:` lines of a
 * robots.txt, feeds announced by an HTML page's <link rel="alternate">).
 *
 * Formats: RSS 2.0 (and 0.9x), RSS 1.0 (RDF), Atom 1.0 and 0.3, JSON Feed 1.0/1.1, XML
 * sitemaps (urlset, with the news extension's publication_date and title), sitemap indexes,
 * plain-text sitemaps (one URL per line), gzip-compressed forms of all of these, robots.txt,
 * and HTML home pages. UTF-16 and UTF-32 documents (byte order mark, or an XML declaration
 * written in them) are transcoded to UTF-8 first.
 *
 * Inputs are hostile, and parsed as streams in bounded memory: gzip is inflated in chunks
 * (at most limits->max_bytes in all), XML goes through libxml2's push parser with our own
 * SAX handlers (no tree is built; no network access, no DTD loading, no entity
 * substitution, so an entity bomb is never expanded) and JSON through yajl's event parser.
 * Peak memory is the input itself plus the kept items plus a few hundred KiB. A raw `&`
 * that starts no character or entity reference is read as written (recovery in the spirit
 * of RSS practice: `<link>http://x/?a=1&b=2</link>` keeps `&b=2`). At most
 * limits->max_items items and limits->max_links links are kept (the rest are counted in
 * `dropped`); every string is bounded.
 *
 * URLs are kept whole or not at all: an item URL longer than NW_FEED_MAX_URL bytes or
 * with a control byte inside is never cut or cleaned, it is refused and counted in
 * `rejected`, with the first reason in `warning` (for the caller's log).
 *
 * When a parser stops before the end of a document it had recognised (elements nested over
 * 256 deep, over 100,000 distinct element names, a fatal XML error, a document that ends
 * inside its root element, a truncated or corrupt gzip stream, gzip inflating past
 * max_bytes, a JSON syntax error after the version), the items read before that point are
 * returned with `partial` set and the reason in errstr: the caller keeps the items and
 * reports the source failed.
 *
 * Pure: no I/O, no global state of our own.
 */
#ifndef NW_FEEDS_H
#define NW_FEEDS_H

#include <stddef.h>

#include "status.h"

enum nw_feed_kind {
    NW_FEED_UNKNOWN = 0,
    NW_FEED_RSS,          /* RSS 0.9x / 2.0 */
    NW_FEED_RDF,          /* RSS 1.0 */
    NW_FEED_ATOM,         /* Atom 1.0 */
    NW_FEED_JSON,         /* JSON Feed */
    NW_FEED_URLSET,       /* XML sitemap (urlset), news sitemaps included */
    NW_FEED_SITEMAPINDEX, /* sitemap index: links only */
    NW_FEED_ROBOTS,       /* robots.txt: its Sitemap: lines as links */
    NW_FEED_HTML,         /* an HTML page: its announced feeds as links */
    NW_FEED_URLLIST,      /* plain-text sitemap: one URL per line */
};

#define NW_FEED_MAX_URL 8192 /* longest URL kept (the fetcher's own bound) */

struct nw_feed_item {
    char *url;   /* absolute http(s) URL; never NULL */
    char *guid;  /* RSS guid, Atom id, JSON Feed id; NULL if none */
    char *title; /* NULL if none */
    char *date;  /* RFC 3339 UTC publication (else modification) date; NULL if none */
};

struct nw_feed {
    enum nw_feed_kind kind;
    char *title; /* channel / feed title; NULL if none */
    struct nw_feed_item *items;
    size_t n_items;
    char **links; /* absolute URLs of further documents to poll (see above) */
    size_t n_links;
    long update_s;     /* the feed's own refresh hint in seconds (RSS ttl, sy:updatePeriod and
                          sy:updateFrequency); -1 if none */
    size_t dropped;    /* items or links beyond the limits, not returned */
    size_t rejected;   /* items or links whose URL could not be kept whole (see above) */
    char warning[256]; /* why the first of them was refused; "" if none */
    int partial;       /* the parser stopped part-way: items after that point are missing */
};

struct nw_feed_limits {
    size_t max_bytes; /* largest document, after gzip inflation */
    size_t max_items;
    size_t max_links;
};

/* Parses one fetched document. base_url (the URL it was fetched from, after redirects)
 * resolves relative links and tells a robots.txt by its path; content_type (may be NULL)
 * helps tell HTML from XML. On success *out is a new feed that the caller frees with
 * nw_feed_destroy; a document that is none of the formats above is NW_EPARSE, one over
 * max_bytes NW_ETOOBIG, each with a message in errstr. A result with (*out)->partial set is
 * NW_OK too, with the reason in errstr. */
enum nw_status nw_feed_parse(const char *data, size_t len, const char *base_url,
                             const char *content_type, const struct nw_feed_limits *limits,
                             struct nw_feed **out, char *errstr, size_t errstr_size);

void nw_feed_destroy(struct nw_feed *feed);

/* Stable lower-case name of a kind ("rss", "atom", "sitemapindex", ...). Static string. */
const char *nw_feed_kind_name(enum nw_feed_kind kind);

#endif
