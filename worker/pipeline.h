/*
 * pipeline.h — turns a url job plus its fetched (or inline) content into exactly one
 * record: an article record, or an error record saying which stage failed and why.
 *
 * Used by `fetch` (records to a file sink) and `run` (records to Kafka). One pipeline per
 * thread (it owns an nw_processor); `run` keeps one per pool thread (pool.h).
 */
#ifndef NW_PIPELINE_H
#define NW_PIPELINE_H

#include <jansson.h>

#include "config.h"
#include "fetch.h"
#include "job.h"
#include "status.h"

struct nw_pipeline;

struct nw_pipeline *nw_pipeline_create(const struct nw_config *cfg, char *errstr,
                                       size_t errstr_size);
void nw_pipeline_destroy(struct nw_pipeline *p);

/* True if the job must be fetched (no inline html or text). */
int nw_pipeline_needs_fetch(const struct nw_job *job);

/* The record for a job: from res when it was fetched, from the job's inline html/text
 * when res is NULL. *is_error tells which kind was built. Returns a new reference, or
 * NULL only if even the error record could not be allocated. */
json_t *nw_pipeline_record(struct nw_pipeline *p, const struct nw_job *job,
                           const struct nw_fetch_result *res, int *is_error);

/* The error record (stage "process", code "poison") for a job that crashed the worker
 * `crashes` times and is not processed again. New reference or NULL on ENOMEM. */
json_t *nw_pipeline_poison_record(const struct nw_job *job, int crashes);

/* An owned copy of a fetch result (its strings and body copied into one block), so a
 * finished fetch can be handed to another thread. NULL on ENOMEM. Free with nw_free. */
struct nw_fetch_result *nw_pipeline_result_dup(const struct nw_fetch_result *res);

/* The error record for a line that is not a valid job (stage "job"). raw_line is kept in
 * the record's job field as a string. New reference or NULL on ENOMEM. */
json_t *nw_pipeline_job_error(const char *raw_line, size_t len, const char *message);

#endif
