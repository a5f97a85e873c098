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
 *                "By", "Par", "Von", "Por", "Di"... prefixes, roles, e-mails, dates and
 *                lone initials are removed; names are split at and/&/commas and their
 *                equivalents, but "Surname, J." stays one name; a JSON-LD Organization is
 *                the author only when no person is named.
 *   published_at, modified_at: dates.c (sources, order and rules in dates.h), RFC 3339
 *                with the page's own UTC offset; never after fetched_at.
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
 * epoch seconds, free text; see nw_dates_parse) to RFC 3339 keeping its UTC offset
 * ("2019-11-19T10:00:00+01:00"; Z when it gives none; a bare date is midnight) in out
 * (at least 26 bytes). Returns 0 on success, -1 if the string is not a date. */
int nw_meta_parse_date(const char *s, size_t len, char *out, size_t out_size);

/* Resolves ref against base (either may be relative/NULL) into an nw_malloc'd absolute
 * http(s) URL; NULL if that is impossible or on allocation failure. */
char *nw_meta_resolve_url(const char *base, const char *ref, size_t ref_len);

#endif
