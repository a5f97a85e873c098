/*
 * article.h — the in-memory article: every field of an article record (DESIGN.md,
 * schemas/article.v1.json) before it becomes JSON.
 *
 * This is plain data, filled stage by stage (meta, extract, normalize, enrich) and read
 * by record.c. Every char * is owned by the article (nw_malloc'd, freed by
 * nw_article_fini) or NULL for "absent". The json_t * fields hold one reference each,
 * released by nw_article_fini. Setters replace and free the old value.
 */
#ifndef NW_ARTICLE_H
#define NW_ARTICLE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

struct nw_http_info {
    int present; /* 0 for offline input: http is null in the record */
    long status;
    char *content_type;
    char *charset; /* charset the body was decoded from */
    size_t bytes;  /* body bytes received (after content decoding) */
    long elapsed_ms;
    char *etag;
    char *last_modified;
};

struct nw_text_stats {
    size_t chars; /* Unicode code points */
    size_t words;
    size_t sentences;
    size_t paragraphs;
    size_t reading_time_s; /* at 230 words per minute, rounded up */
};

struct nw_article {
    char *url;           /* as given in the job (or file:// URL) */
    char *final_url;     /* after redirects */
    char *canonical_url; /* page-declared canonical, absolute; NULL if none */
    char *domain;        /* host of final_url, lower case */
    char *fetched_at;    /* RFC 3339 UTC */
    struct nw_http_info http;

    char *title;
    json_t *authors; /* array of strings; NULL = [] */
    char *published_at;
    char *modified_at;
    char *site_name;
    char *description;
    char *image;
    char *section;
    json_t *tags;            /* array of strings; NULL = [] */
    char *declared_language; /* from <html lang>, og:locale, ...: a hint only */
    char *language;          /* ISO 639-1 detected from the text, NULL if unknown */

    char *text; /* normalized body: paragraphs separated by one blank line */
    struct nw_text_stats stats;
    char sha256[65];  /* hex of text; "" until computed */
    char simhash[17]; /* 16 hex digits; "" until computed */

    json_t *entities; /* {persons, organizations, locations}; NULL = empty lists */
    json_t *dateline; /* {place, date, agency} or NULL */
    json_t *quotes;   /* [{text, speaker}] */
    json_t *amounts;  /* [{text, value, unit}] */
    json_t *keywords; /* [{term, score}] */
    char *summary;

    json_t *job;      /* the input job's metadata, passed through; NULL = null */
    json_t *warc;     /* {file, offset, record_id} of the archived response; NULL = absent */
    json_t *warnings; /* array of strings: truncations and other notes; NULL = none */
};

void nw_article_init(struct nw_article *art);
void nw_article_fini(struct nw_article *art);

/* Replaces *field with a copy of value (NULL allowed). NW_ENOMEM on failure. */
enum nw_status nw_article_set(char **field, const char *value);
/* Same with a length (value need not be NUL-terminated). */
enum nw_status nw_article_setn(char **field, const char *value, size_t len);

/* Appends a note to art->warnings (e.g. "html truncated at 16777216 bytes"). */
enum nw_status nw_article_warn(struct nw_article *art, const char *note);

#endif
