/*
 * job.h — url jobs (schemas/url-job.v1.json): a bare URL line, or a JSON object
 * {url?, meta?, html?, text?, warc?, priority?}. `html` or `text` skips the fetch; `warc`
 * ({file, offset}) names an archived response to process instead of fetching the URL
 * (worker/warc_job.c reads it); with warc, url may be left out (the record's
 * WARC-Target-URI is then used).
 */
#ifndef NW_JOB_H
#define NW_JOB_H

#include <jansson.h>
#include <stddef.h>

#include "status.h"

/* The longest "warc.file" accepted (PATH_MAX on Linux). */
#define NW_JOB_WARC_FILE_MAX 4096

struct nw_job {
    char *url;    /* as given (trimmed); set on success unless warc_file is set */
    json_t *meta; /* the job's "meta" object, or NULL */
    char *html;   /* inline page, or NULL */
    size_t html_len;
    char *text; /* inline plain text, or NULL */
    size_t text_len;
    char *warc_file;                /* "warc": {"file"}: as given (not checked here), or NULL */
    unsigned long long warc_offset; /* "warc": {"offset"} */
    int priority;                   /* 0 if absent */
    json_t *raw; /* the job as a JSON object (a bare URL becomes {"url": ...}); passed
                    through into records as "job" */
};

/* Parses one line (len bytes, no trailing newline needed; surrounding white space
 * ignored). NW_EINVAL with a message for: empty line, invalid JSON, a JSON value that is
 * not an object, missing or non-string url, wrong field types, a line over max_bytes
 * (NW_ETOOBIG), a URL that is not absolute http(s)/file, a "warc" that is not
 * {file: non-empty string, offset: integer >= 0}, warc with html or text. On failure the
 * job is empty. */
enum nw_status nw_job_parse(const char *line, size_t len, size_t max_bytes, struct nw_job *job,
                            char *errstr, size_t errstr_size);

void nw_job_fini(struct nw_job *job);

/* For a line nw_job_parse refused: the URL it names, if one can be read, so the error
 * record can carry it: the "url" string of a JSON object (whatever else is wrong), else the
 * line itself when it is one token holding "://" (a URL of a refused scheme, say). line is
 * NUL-terminated (the caller cuts hostile lines first). A new string (nw_free) or NULL. */
char *nw_job_url_of_bad_line(const char *line);

#endif
