/*
 * process.h — the offline core of the pipeline: one document's bytes to a filled article.
 *
 *   bytes ─▶ gunzip (if gzip) ─▶ decode (UTF-8) ─▶ extract (HTML) or textdoc (text)
 *         ─▶ normalize ─▶ boiler (leftover lines) ─▶ enrich
 *
 * One nw_processor per thread; it owns the reusable extractor and enrichment resources.
 * The worker's fetch and extract commands and the Kafka service all go through here, so a
 * page gives the same record whichever way it came in.
 */
#ifndef NW_PROCESS_H
#define NW_PROCESS_H

#include <stddef.h>

#include "article.h"
#include "config.h"
#include "status.h"

struct nw_processor;

/* Parse budget (see html_budget.h): extract.max_elements' default, and the nesting depth
 * beyond which a page is cut (MyHTML's scope checks cost time quadratic in depth). */
#define NW_PROCESS_MAX_ELEMENTS 300000
#define NW_PROCESS_MAX_PARSE_DEPTH 1024

/* Builds a processor from the extract.* settings of cfg (NULL = defaults).
 * NULL on failure, with a message in errstr. Free with nw_processor_destroy (NULL-safe). */
struct nw_processor *nw_processor_create(const struct nw_config *cfg, char *errstr,
                                         size_t errstr_size);
void nw_processor_destroy(struct nw_processor *proc);

struct nw_input {
    const char *data; /* raw bytes as received (transfer encodings already removed) */
    size_t len;
    int is_text;              /* 1: already extracted plain text; 0: HTML */
    const char *content_type; /* HTTP Content-Type or NULL */
    const char *url;          /* the job's URL (or file:// URL) */
    const char *final_url;    /* after redirects; NULL = url */
    const char *fetched_at;   /* RFC 3339 UTC; NULL = now */
};

/* Runs the stages above and fills art (initialised by the caller with nw_article_init;
 * fields the caller set before, such as http and job, are kept). On failure, *stage names
 * the stage that failed ("decode", "extract", ...) and errstr says why; art may be half
 * filled and must still be finished with nw_article_fini. */
enum nw_status nw_processor_run(struct nw_processor *proc, const struct nw_input *in,
                                struct nw_article *art, const char **stage, char *errstr,
                                size_t errstr_size);

/* Seconds each stage took in the last nw_processor_run (0 for stages it did not reach;
 * gunzip counts as decode, boiler as normalize), for metrics. */
enum {
    NW_PROCESS_DECODE,
    NW_PROCESS_EXTRACT,
    NW_PROCESS_NORMALIZE,
    NW_PROCESS_ENRICH,
    NW_PROCESS_NSTAGES
};
void nw_processor_stage_seconds(const struct nw_processor *proc,
                                double seconds[NW_PROCESS_NSTAGES]);

#endif
