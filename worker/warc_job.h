/*
 * warc_job.h — url jobs that name an archived response ("warc": {file, offset}) instead of
 * a URL to fetch: the one WARC record at that offset is read and turned into what a fetch
 * would have given (an nw_fetch_result), for the pipeline to process like a fetched page.
 *
 * Safety: a job (from Kafka, say) may only name files under the configured directory
 * (input.warc_dir); with none, every such job is refused. A path with a ".." component, an
 * absolute path outside the directory, or one that resolves (symbolic links) outside it is
 * refused. Memory is bounded: one record's header block and at most max_body + 256 KiB of
 * its block are held, whatever the file or the record.
 *
 * Owns: the result's strings and body (freed by nw_warc_job_fini). Does not own the job.
 */
#ifndef NW_WARC_JOB_H
#define NW_WARC_JOB_H

#include <stddef.h>

#include "fetch.h"
#include "job.h"
#include "status.h"
#include "warc_page.h"

struct nw_warc_job_result {
    /* status NW_OK: a page (2xx HTML response) in res, as a fetch gives it, with res.warc_*
     * naming the record. Otherwise res.error_code ("warc_not_allowed", "warc_open",
     * "warc_bad_offset", "warc_bad_record", "warc_not_page", "warc_decode", or a status
     * name) and res.message (naming file and offset), and stage ("job" when the job is at
     * fault: a file it may not name; else "warc"). */
    struct nw_fetch_result res;
    const char *stage;
    char *target_uri; /* the record's WARC-Target-URI, or NULL */
    char *record_id;  /* the record's WARC-Record-ID, or NULL */
    char *date;       /* its WARC-Date when valid RFC 3339, or NULL */
    struct nw_warc_page page;
    char message[768];
};

/* The canonical form of dir (realpath) for nw_warc_job_read, or NULL when dir is NULL or
 * empty (WARC jobs refused). NW_EINVAL with a message naming input.warc_dir when it is not
 * an existing directory. *out is a new string (nw_free). */
enum nw_status nw_warc_job_dir(const char *dir, char **out, char *errstr, size_t errstr_size);

/* Reads the record job->warc_file/job->warc_offset names, under dir (from nw_warc_job_dir;
 * NULL: refused). Fills out (see above); returns NW_OK whenever out says what happened,
 * NW_ENOMEM only when it could not. out must be finished with nw_warc_job_fini. */
enum nw_status nw_warc_job_read(const char *dir, const struct nw_job *job, size_t max_body,
                                struct nw_warc_job_result *out);

void nw_warc_job_fini(struct nw_warc_job_result *out);

#endif
