/*
 * meta.h — article metadata from a parsed page (internal to the extractor; other modules
 * use extract.h).
 *
 * Each field is taken from the first source that has it, in this order:
 *   title:       JSON-LD headline/name, og:title, twitter:title, <meta name=title>,
 *                itemprop=headline, the first <h1>, <title>; " | Site" style suffixes
 *                (and prefixes) naming the site are cut.
 *   authors:     JSON-LD author (string, object or array, also inside @graph),
 *                <meta name=author>, article:author (when not a URL), itemprop=author,
 *                rel=author links, byline elements (class/id "byline"/"author");
 *                "By", e-mails, "Staff" and "Email the author" are removed.
 *   published_at: JSON-LD datePublished, article:published_time, og:published_time,
 *                <meta name=pubdate/date/publish-date/dc.date...>, itemprop=datePublished,
 *                the first <time datetime>, a date in the URL path (/2019/11/19/).
 *   modified_at: JSON-LD dateModified, article:modified_time, og:updated_time,
 *                itemprop=dateModified.
 *                Dates become RFC 3339 UTC; a date later than fetched_at is dropped.
 *                Script contents are never read, except JSON-LD.
 *   site_name:   og:site_name, JSON-LD publisher.name, application-name, twitter:site.
 *   description: og:description, <meta name=description>, twitter:description,
 *                JSON-LD description.
 *   image:       og:image, twitter:image, JSON-LD image, itemprop=image (absolute).
 *   section:     article:section, JSON-LD articleSection, <meta name=section>.
 *   tags:        article:tag (all), JSON-LD keywords, <meta name=keywords/news_keywords>.
 *   canonical_url: <link rel=canonical>, og:url, JSON-LD url/mainEntityOfPage,
 *                resolved against base_url; only http(s) results are kept.
 *   declared_language: <html lang>, <meta http-equiv=content-language>, og:locale,
 *                JSON-LD inLanguage.
 */
#ifndef NW_META_H
#define NW_META_H

#include "article.h"
#include "html.h"
#include "status.h"

/* Fills the metadata fields of art from the parsed page (fields found are replaced, the
 * others set to NULL). base_url and fetched_at may be NULL. Only NW_ENOMEM fails. */
enum nw_status nw_meta_extract(struct nw_html *html, const char *base_url, const char *fetched_at,
                               int max_depth, struct nw_article *art);

/* Converts a date/time string (ISO 8601 variants, RFC 2822, "2019-11-19 10:00:00",
 * with or without zone; a bare date is taken as midnight UTC) to RFC 3339 UTC
 * ("2019-11-19T10:00:00Z") in out (at least 21 bytes). Returns 0 on success, -1 if the
 * string is not a date. */
int nw_meta_parse_date(const char *s, size_t len, char *out, size_t out_size);

/* Resolves ref against base (either may be relative/NULL) into an nw_malloc'd absolute
 * http(s) URL; NULL if that is impossible or on allocation failure. */
char *nw_meta_resolve_url(const char *base, const char *ref, size_t ref_len);

#endif
