/*
 * dates.h — the publication and modification dates of a page (internal to the extractor,
 * called by meta.c; other modules use extract.h).
 *
 * Sources, in the order they are trusted (the first source that gives a plausible date
 * wins; within a source, the first candidate in document order):
 *   1. JSON-LD: datePublished, dateCreated, uploadDate, publishedDate, dateIssued of the
 *      Article-like object, then of any object (also inside @graph, arrays, mainEntity);
 *      dateModified / dateUpdated for modified_at.
 *   2. <meta> names and properties: article:published_time, og:published_time,
 *      publication_date, citation_publication_date / citation_date /
 *      citation_online_date, dc.date(.issued/.created), dcterms.*, sw-pubdate, pubdate,
 *      parsely-pub-date, sailthru.date, date, ...; article:modified_time, og:updated_time,
 *      last-modified, dcterms.modified, ... for modified_at.
 *   3. Microdata: itemprop=datePublished / dateCreated / dateModified (content, datetime,
 *      or the element's text).
 *   4. The URL path: /2019/05/03/, /2019-05-03-, /20190503/ in the canonical URL, og:url
 *      or the page URL (a month alone is not a day).
 *   5. <time datetime> (one marked pubdate or with a publish-like class first; an unmarked
 *      one is skipped when three or more <time>s each fall on a day of their own, a list of
 *      other articles, and when it sits above the first <h1> in a <header> or <nav> outside
 *      any <article> or <main>, the site's clock or a menu's teasers), then other
 *      attributes on date-like elements: title=, data-date, data-published, data-time,
 *      data-timestamp (epoch seconds), <abbr class=published title=...>.
 *   6. Visible text: the text just after the first <h1> that is followed by a date (a page
 *      may open with a logo's h1), or after the first <h2>s on pages with no <h1>; a date
 *      more than 300 bytes below the headline's start yields to a date line in the 160
 *      bytes just above it (kicker, overline), and to the date of a date-like element
 *      (below) when the page has one; dates that are one end of a range of days
 *      ("23.-26.8.2017", "4. und 5. März 2022") are an event's and passed over; then the
 *      text of date-like elements (class/id naming date, time, publish, posted, datum,
 *      fecha first; then byline, meta, info, author, header...): numeric forms
 *      (2019-05-03, 2019/5/3, 03.05.2019, 3/5/2019 and 5/3/2019 decided by plausibility and
 *      the page language; 03.05.19, a two-digit year after a two-digit day and month)
 *      and month names in English, German, French, Spanish, Italian, Portuguese, Dutch,
 *      Russian, Ukrainian, Polish and Turkish, and the CJK forms 2019年5月3日 and
 *      2019년 5월 3일.
 *   7. Inline scripts that are not JSON-LD: "datePublished", "publishDate", "pubDate",
 *      "published_at", "publicationDate", "firstPublished"... keys with a date value.
 *
 * Then four corrections, each needing evidence from a second source:
 *   - a generic meta date (meta name=date, dc.date, dcterms.date, created) later than the
 *     labelled date the page shows (a date-like element, else the date by the headline)
 *     was the page's generation or last change: the shown day is taken;
 *   - the URL's day is the site's own day: a timestamp one day off it (converted to another
 *     zone) takes the URL's day;
 *   - a timestamp written in UTC (Z, +00:00) early or late in the day (where a zone between
 *     UTC-10 and UTC+10 moves the day) whose day the header does not show, while it shows
 *     the day before or after, takes the shown day;
 *   - original versus updated: the published date is the first plausible one in the order
 *     above, but when the header shows the modified date's day and not the published one's,
 *     the page states its update as its date (republished pages) and that is taken; so is
 *     a day later than a JSON-LD, meta, <time> or attribute date on which the date near the
 *     headline and a date-like element agree.
 * Machine-written values (meta content, JSON) with slashes are read month first
 * (11/01/2023); visible text is read day first unless the page is in US English.
 *
 * Plausibility: years before 1995 and dates after the fetch time are never used.
 * Output keeps the page's own UTC offset (RFC 3339, "2019-05-03T10:00:00+02:00"); "Z" when
 * the page says UTC or gives no zone; a bare day is midnight of that day.
 * Work is bounded: at most DATES_MAX_NODES elements, 64 KiB of text per script.
 */
#ifndef NW_DATES_H
#define NW_DATES_H

#include <jansson.h>
#include <stddef.h>

#include "html.h"

/* A calendar date with optional time and zone, as the page wrote it. */
struct nw_date {
    int year, month, day;
    int hour, minute, second;
    int has_time;
    int has_zone;   /* 1 if the page gave a zone (Z, +hh:mm, GMT...) */
    int offset_min; /* UTC offset in minutes when has_zone */
};

/* Parses a structured date value (ISO 8601 and its common variants, RFC 2822 with named
 * zones, YYYYMMDD, epoch seconds or milliseconds, else the first date found as free
 * text). Returns 0 and fills *d, or -1. */
int nw_dates_parse(const char *s, size_t len, struct nw_date *d);

/* Finds the first date written in free text (numeric and month-name forms, see above).
 * mdy: 1 to read an ambiguous a/b/YYYY as month/day (US English). Returns the offset just
 * after the match (> 0) and fills *d, or 0 if none. */
size_t nw_dates_scan_text(const char *s, size_t len, int mdy, struct nw_date *d);

/* Seconds since the epoch (UTC) of d. */
long long nw_dates_epoch(const struct nw_date *d);

/* RFC 3339 with the page's offset (or Z) into out (>= 26 bytes). */
void nw_dates_format(const struct nw_date *d, char *out, size_t out_size);

struct nw_dates_input {
    struct nw_html *html;  /* the parsed page */
    json_t *const *jsonld; /* parsed JSON-LD blocks (borrowed), may be NULL */
    size_t njsonld;
    const char *urls[3];    /* canonical, og:url, page URL: any may be NULL */
    const char *fetched_at; /* RFC 3339; NULL = no upper bound */
    const char *language;   /* declared language hint ("en-US"), may be NULL */
    int max_depth;
};

struct nw_dates_found {
    char published[40]; /* RFC 3339, "" when none */
    char modified[40];
    const char *source; /* static name of the source of published: "jsonld", "meta",
                           "microdata", "time", "attribute", "url", "text", "headline",
                           "script"; "" when none */
    int from_modified;  /* 1 when the visible date chose the modified date (see above) */
};

/* Finds the dates of the parsed page into *out. Never fails: on allocation failure
 * nothing is found. */
void nw_dates_find(const struct nw_dates_input *in, struct nw_dates_found *out);

#endif
