/*
 * feeds_int.h — what the feed parsers share (private to feeds*.c): the result being built,
 * the URL-keeping rule and bounded string copies. The format parsers (feeds_xml.c,
 * feeds_json.c, feeds.c's plain-text sitemap) are streams: they are given the document in
 * chunks and add items as they read them, so nothing holds a tree of the document.
 */
#ifndef NW_FEEDS_INT_H
#define NW_FEEDS_INT_H

#include <stddef.h>

#include "feeds.h"

#define NW_FEEDS_MAX_TITLE 1024
#define NW_FEEDS_MAX_GUID 1024
#define NW_FEEDS_MAX_DATE 128

/* The parse in progress: the result, its limits and the first problem seen. */
struct nw_feeds_run {
    struct nw_feed *feed;
    const struct nw_feed_limits *lim;
    const char *base;
    size_t cap_items, cap_links;
    int oom;
    char *errstr; /* the caller's message buffer */
    size_t errstr_size;
};

/* A copy of s[0..len) with white space runs folded to one space and the ends trimmed, cut
 * at max bytes on a UTF-8 character boundary (for titles and ids, never for URLs). NULL if
 * empty or on ENOMEM. */
char *nw_feeds_clean_copy(const char *s, size_t len, size_t max);

/* Keeps a URL whole or not at all: ref (len bytes, may be relative) with white space at the
 * ends trimmed is resolved against base. A ref over NW_FEED_MAX_URL bytes, with a control
 * byte inside, or that does not resolve to an absolute http(s) URL is refused: NULL, and
 * the item or link it named is counted in feed->rejected with the first reason kept in
 * feed->warning. Returns an nw_malloc'd URL. An empty or NULL ref is NULL without warning. */
char *nw_feeds_keep_url(struct nw_feeds_run *run, const char *base, const char *ref, size_t len);

/* Counts an item or link refused for its URL; the first reason is kept in feed->warning. */
void nw_feeds_reject(struct nw_feeds_run *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The RFC 3339 form of a feed date (feed_dates.h), nw_malloc'd; NULL if unreadable. */
char *nw_feeds_date_copy(const char *s, size_t len);

/* True once max_items items are kept: later items are only counted (nw_feeds_add_item with
 * any non-NULL url counts one), so their URLs need not be resolved. */
int nw_feeds_full(const struct nw_feeds_run *run);

/* Adds an item; takes ownership of all four strings (frees them if not kept). A NULL url
 * adds nothing (its reason was counted by nw_feeds_keep_url). */
void nw_feeds_add_item(struct nw_feeds_run *run, char *url, char *guid, char *title, char *date);

/* Adds a link to a further document; takes ownership; duplicates are kept once. */
void nw_feeds_add_link(struct nw_feeds_run *run, char *url);

/* Marks the result partial: the parser stopped before the end of the document. The items
 * read so far stay; the first reason is kept in the caller's errstr. */
void nw_feeds_partial(struct nw_feeds_run *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A streaming parser: fed the (UTF-8 or ASCII-compatible) document in chunks, then
 * finished. feed returns nonzero once the parser wants no more input (stopped or
 * refused); finish returns NW_OK (the result may be partial) or an error for a document
 * that is not of its format. destroy accepts NULL. */
struct nw_feeds_parser {
    void *state;
    int (*feed)(void *state, const char *data, size_t len);
    enum nw_status (*finish)(void *state);
    void (*destroy)(void *state);
};

/* XML feeds and sitemaps (RSS, RDF, Atom, urlset, sitemapindex, XHTML discovery); html
 * selects libxml2's HTML parser for feed discovery in a page. first is the start of the
 * document (for sniffing only). utf8 says the input was transcoded to UTF-8, so an
 * encoding declaration is ignored. */
enum nw_status nw_feeds_xml_create(struct nw_feeds_run *run, int html, int utf8,
                                   struct nw_feeds_parser *out);

/* JSON Feed 1.0 / 1.1. */
enum nw_status nw_feeds_json_create(struct nw_feeds_run *run, struct nw_feeds_parser *out);

#endif
