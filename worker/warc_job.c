/* warc_job.c — the archived response a url job names, read as a fetch result. */
#define _GNU_SOURCE /* realpath's PATH_MAX, fseeko */
#include "warc_job.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mem.h"
#include "record.h"
#include "warc.h"
#include "warc_input.h"

/* Header bytes kept around a record's block (its HTTP head), as warc_input.c keeps. */
#define WARC_JOB_HEAD_ROOM (256u << 10)

enum nw_status nw_warc_job_dir(const char *dir, char **out, char *errstr, size_t errstr_size)
{
    struct stat st;
    char *real;

    *out = NULL;
    if (!dir || !*dir)
        return NW_OK;
    real = realpath(dir, NULL);
    if (!real || stat(real, &st) || !S_ISDIR(st.st_mode)) {
        int err = errno;
        free(real);
        return nw_fail(NW_EINVAL, errstr, errstr_size,
                       "input.warc_dir: '%.300s' is not a directory (%s)", dir,
                       real ? "not a directory" : strerror(err));
    }
    *out = nw_strdup(real);
    free(real);
    return *out ? NW_OK : NW_ENOMEM;
}

/* out says the job failed: "FILE at offset N: what[: detail]". */
static void fail(struct nw_warc_job_result *out, const char *stage, const char *code,
                 const struct nw_job *job, const char *what, const char *detail)
{
    snprintf(out->message, sizeof(out->message), "%.300s at offset %llu: %.200s%s%.200s",
             job->warc_file, job->warc_offset, what, detail ? ": " : "", detail ? detail : "");
    out->stage = stage;
    out->res.status = NW_EINVAL;
    out->res.error_code = code;
    out->res.message = out->message;
}

/* 1 if path has a ".." component. */
static int has_dotdot(const char *path)
{
    for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2)
        if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
            return 1;
    return 0;
}

/* The file the job names, resolved, if it is under dir; else NULL with out failed. */
static char *allowed_path(const char *dir, const struct nw_job *job, struct nw_warc_job_result *out)
{
    const char *file = job->warc_file;
    char *joined = NULL, *real = NULL, *copy = NULL;
    struct stat st;
    size_t dlen;

    if (!dir) {
        fail(out, "job", "warc_not_allowed", job,
             "jobs naming a WARC file are refused: input.warc_dir is not set", NULL);
        return NULL;
    }
    if (has_dotdot(file)) {
        fail(out, "job", "warc_not_allowed", job, "a WARC file path may not contain '..'", NULL);
        return NULL;
    }
    if (file[0] == '/') {
        joined = nw_strdup(file);
    } else {
        joined = nw_malloc(strlen(dir) + strlen(file) + 2);
        if (joined)
            sprintf(joined, "%s/%s", dir, file);
    }
    if (!joined) {
        out->res.status = NW_ENOMEM;
        return NULL;
    }
    real = realpath(joined, NULL);
    dlen = strlen(dir);
    if (!real) {
        int err = errno;
        /* An absolute path outside: refused whether it exists or not (a job learns
         * nothing about files outside the directory). */
        if (file[0] == '/' && strcmp(dir, "/") != 0 &&
            (strncmp(file, dir, dlen) != 0 || file[dlen] != '/'))
            fail(out, "job", "warc_not_allowed", job, "the WARC file is outside input.warc_dir",
                 NULL);
        else
            fail(out, "warc", "warc_open", job, "cannot open the WARC file", strerror(err));
        nw_free(joined);
        return NULL;
    }
    nw_free(joined);
    /* dir is canonical: the file must be below it (symbolic links resolved). */
    if (strncmp(real, dir, dlen) != 0 || (real[dlen] != '/' && strcmp(dir, "/") != 0)) {
        free(real);
        fail(out, "job", "warc_not_allowed", job, "the WARC file is outside input.warc_dir", NULL);
        return NULL;
    }
    /* A FIFO or device would block or never end: only regular files are read. */
    if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
        free(real);
        fail(out, "warc", "warc_open", job, "cannot open the WARC file", "not a regular file");
        return NULL;
    }
    copy = nw_strdup(real);
    free(real);
    if (!copy)
        out->res.status = NW_ENOMEM;
    return copy;
}

/* Reads the one record at the offset and classifies it. */
static void read_record(FILE *f, const struct nw_job *job, size_t max_body,
                        struct nw_warc_job_result *out)
{
    char peek[8]; /* the bytes at the offset, then the file: the reader's source */
    struct nw_warc_file_source src = {.f = f, .pre = peek};
    struct nw_warc_opts opts = {.max_block = max_body + WARC_JOB_HEAD_ROOM};
    struct nw_warc_reader *reader = NULL;
    const struct nw_warc_record *rec;
    struct nw_warc_problem problem;
    enum nw_warc_page_kind kind;
    enum nw_status status;
    char errstr[512];

    if (job->warc_offset > (unsigned long long)LLONG_MAX ||
        fseeko(f, (off_t)job->warc_offset, SEEK_SET) != 0) {
        fail(out, "warc", "warc_bad_offset", job, "cannot seek there", NULL);
        return;
    }
    src.pre_len = fread(peek, 1, sizeof(peek), f);
    /* Only a record may start here: a gzip member, or a "WARC/" line. Checked first so a
     * wrong offset is an error at once, not a scan of the file for the next record. */
    if (!(src.pre_len >= 2 && (unsigned char)peek[0] == 0x1f && (unsigned char)peek[1] == 0x8b) &&
        !(src.pre_len >= 5 && !memcmp(peek, "WARC/", 5))) {
        fail(out, "warc", "warc_bad_offset", job,
             src.pre_len ? "no WARC record (nor gzip member) starts there"
                         : "the offset is at or past the end of the file",
             NULL);
        return;
    }
    reader = nw_warc_reader_create(nw_warc_file_source_read, &src, &opts);
    if (!reader) {
        out->res.status = NW_ENOMEM;
        return;
    }
    switch (nw_warc_next(reader, &rec, &problem)) {
    case NW_WARC_RECORD:
        break;
    case NW_WARC_ERROR:
        fail(out, "warc", problem.status == NW_ENOMEM ? "no_memory" : "warc_bad_record", job,
             problem.message, NULL);
        goto out;
    default: /* a warning (bytes skipped: no record here) or the end */
        fail(out, "warc", "warc_bad_offset", job, "no readable WARC record starts there", NULL);
        goto out;
    }
    if ((rec->record_id && !(out->record_id = nw_strdup(rec->record_id))) ||
        (rec->target_uri && !(out->target_uri = nw_strdup(rec->target_uri))) ||
        (rec->date && nw_rfc3339_valid(rec->date) && !(out->date = nw_strdup(rec->date)))) {
        out->res.status = NW_ENOMEM;
        goto out;
    }
    kind = nw_warc_page_from_record(rec, max_body, &out->page, &status, errstr, sizeof(errstr));
    if (kind == NW_WARC_PAGE_SKIP) {
        fail(out, "warc", "warc_not_page", job, "not an HTML page", out->page.skip);
        out->res.http_status = out->page.status;
    } else if (kind == NW_WARC_PAGE_ERROR) {
        fail(out, "warc", status == NW_ENOMEM ? "no_memory" : "warc_decode", job, errstr, NULL);
        out->res.http_status = out->page.status;
    } else if (!out->target_uri && !job->url) {
        fail(out, "warc", "warc_bad_record", job,
             "the record has no WARC-Target-URI and the job no url", NULL);
    } else {
        out->res.status = NW_OK;
        out->res.http_status = out->page.status;
        out->res.content_type = out->page.content_type;
        out->res.etag = out->page.etag;
        out->res.last_modified = out->page.last_modified;
        out->res.body = out->page.body;
        out->res.body_len = out->page.body_len;
    }
out:
    nw_warc_reader_destroy(reader);
}

enum nw_status nw_warc_job_read(const char *dir, const struct nw_job *job, size_t max_body,
                                struct nw_warc_job_result *out)
{
    char *path;
    FILE *f;

    memset(out, 0, sizeof(*out));
    out->res.attempts = 1;
    out->res.max_age_s = -1;
    out->res.retry_after_s = -1;
    out->res.message = "";
    path = allowed_path(dir, job, out);
    if (path) {
        f = fopen(path, "rb");
        if (!f)
            fail(out, "warc", "warc_open", job, "cannot open the WARC file", strerror(errno));
        else {
            read_record(f, job, max_body, out);
            fclose(f);
        }
        nw_free(path);
    }
    if (out->res.status == NW_ENOMEM)
        return NW_ENOMEM;
    out->res.url = job->url ? job->url : out->target_uri;
    out->res.final_url = out->target_uri ? out->target_uri : job->url;
    out->res.fetched_at = out->date;
    out->res.warc_file = job->warc_file;
    out->res.warc_offset = job->warc_offset;
    out->res.warc_record_id = out->record_id;
    return NW_OK;
}

void nw_warc_job_fini(struct nw_warc_job_result *out)
{
    if (!out)
        return;
    nw_free(out->target_uri);
    nw_free(out->record_id);
    nw_free(out->date);
    nw_warc_page_fini(&out->page);
    memset(out, 0, sizeof(*out));
}
