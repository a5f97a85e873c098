/* pipeline.c — one url job plus its content (fetched or inline) to exactly one record. */
#include "pipeline.h"

#include <stdio.h>
#include <string.h>

#include "article.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "process.h"
#include "record.h"
#include "sink_kafka.h"
#include "url.h"
#include "warc_job.h"

/* A malformed job line is kept in its error record up to this size: enough to find it in
 * the producer's logs, not enough to make the dead-letter message huge. */
#define JOB_ERROR_RAW_MAX 4096

struct nw_pipeline {
    struct nw_processor *proc;
    size_t record_max;    /* with a broker: the largest record the producer sends; 0 = none */
    char *warc_dir;       /* input.warc_dir, canonical; NULL: jobs naming a WARC file refused */
    size_t warc_max_body; /* extract.max_html_bytes: body kept from an archived response */
};

struct nw_pipeline *nw_pipeline_create(const struct nw_config *cfg, char *errstr,
                                       size_t errstr_size)
{
    struct nw_pipeline *p = nw_calloc(1, sizeof(*p));

    if (!p) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    if (nw_config_get(cfg, "kafka.bootstrap.servers"))
        p->record_max = nw_sink_kafka_record_max(cfg);
    p->warc_max_body = (size_t)nw_config_get_int(cfg, "extract.max_html_bytes");
    if (nw_warc_job_dir(nw_config_get(cfg, "input.warc_dir"), &p->warc_dir, errstr, errstr_size)) {
        nw_pipeline_destroy(p);
        return NULL;
    }
    p->proc = nw_processor_create(cfg, errstr, errstr_size);
    if (!p->proc) {
        nw_pipeline_destroy(p);
        return NULL;
    }
    return p;
}

void nw_pipeline_destroy(struct nw_pipeline *p)
{
    if (!p)
        return;
    nw_processor_destroy(p->proc);
    nw_free(p->warc_dir);
    nw_free(p);
}

/* The stage times of the processor's last run into the metrics (stages not reached: 0). */
static void observe_stages(const struct nw_processor *proc)
{
    double s[NW_PROCESS_NSTAGES];

    nw_processor_stage_seconds(proc, s);
    for (int i = 0; i < NW_PROCESS_NSTAGES; i++)
        if (s[i] > 0)
            nw_metrics_observe(NW_METRICS_H_DECODE + i, s[i]);
}

int nw_pipeline_needs_fetch(const struct nw_job *job)
{
    return !job->html && !job->text && !job->warc_file;
}

/* The job as it passes through into records: its JSON without the inline page, which
 * would otherwise travel twice (once as the record's text). NULL on ENOMEM. */
static json_t *job_passthrough(const struct nw_job *job, const char *shown_url)
{
    json_t *copy;

    if (!job->raw)
        return json_null();
    if (!json_object_get(job->raw, "html") && !json_object_get(job->raw, "text") && !shown_url)
        return json_incref(job->raw);
    copy = json_copy(job->raw);
    if (!copy)
        return NULL;
    json_object_del(copy, "html");
    json_object_del(copy, "text");
    if (shown_url && json_object_set_new(copy, "url", nw_json_string(shown_url))) {
        json_decref(copy);
        return NULL;
    }
    return copy;
}

/* An error record; art (or NULL) is what processing found before it failed, carried as the
 * record's "meta" (title, dates, language, canonical URL...) so that it is not lost. */
static json_t *error_record_warc(const struct nw_job *job, json_t *job_json, const char *stage,
                                 const char *code, const char *message, long http_status,
                                 int attempts, const struct nw_article *art, json_t *warc)
{
    struct nw_error_info info = {.url = job->url,
                                 .warc = warc,
                                 .stage = stage,
                                 .code = code,
                                 .message = message,
                                 .http_status = http_status,
                                 .attempts = attempts > 0 ? attempts : 1,
                                 .job = job_json,
                                 .article = art};
    return nw_record_error(&info);
}

static json_t *error_record_meta(const struct nw_job *job, json_t *job_json, const char *stage,
                                 const char *code, const char *message, long http_status,
                                 int attempts, const struct nw_article *art)
{
    return error_record_warc(job, job_json, stage, code, message, http_status, attempts, art, NULL);
}

static json_t *error_record(const struct nw_job *job, json_t *job_json, const char *stage,
                            const char *code, const char *message, long http_status, int attempts)
{
    return error_record_meta(job, job_json, stage, code, message, http_status, attempts, NULL);
}

/* {file, offset, record_id} of the archived response (fetch.warc), or NULL when there is
 * none (or no memory: the record then goes without it). New reference. */
static json_t *warc_ref(const struct nw_fetch_result *res)
{
    if (!res || !res->warc_file || !res->warc_record_id)
        return NULL;
    return json_pack("{s:s, s:I, s:s}", "file", res->warc_file, "offset",
                     (json_int_t)res->warc_offset, "record_id", res->warc_record_id);
}

/* Copies the response facts into art->http. */
static enum nw_status set_http(struct nw_article *art, const struct nw_fetch_result *res)
{
    enum nw_status result;

    /* file:// responses have no HTTP exchange: their http object stays null. */
    if (res->http_status <= 0)
        return NW_OK;
    art->http.present = 1;
    art->http.status = res->http_status;
    art->http.bytes = res->body_len;
    art->http.elapsed_ms = res->elapsed_ms;
    result = nw_article_set(&art->http.content_type, res->content_type);
    if (!result)
        result = nw_article_set(&art->http.etag, res->etag);
    if (!result)
        result = nw_article_set(&art->http.last_modified, res->last_modified);
    return result;
}

/* A URL that policy refuses (scheme, non-public address) is a bad job, not a failed
 * fetch: the job is at fault, and no retry or other worker would do better. Only when the
 * job's own URL was refused; a redirect to a refused URL is the site's doing. */
static const char *fetch_failure_stage(const struct nw_job *job, const struct nw_fetch_result *res)
{
    const char *code = res->error_code ? res->error_code : "";
    const char *stage = "job";
    char *asked = NULL, *got = NULL;

    if (strncmp(code, "denied_", 7) != 0 && strcmp(code, "invalid_url") != 0)
        return "fetch";
    if (!res->final_url || !job->url || !strcmp(res->final_url, job->url))
        return "job";
    /* The URL curl ended on is written its way ("http://127.1" as
     * "http://127.0.0.1/"): a redirect only if the normal forms differ. */
    if (nw_url_normalize(job->url, &asked) || nw_url_normalize(res->final_url, &got) ||
        strcmp(asked, got) != 0)
        stage = "fetch";
    nw_free(asked);
    nw_free(got);
    return stage;
}

/* With a broker, every record must fit in one message: text and job echo are cut to fit
 * (with a warning), and a record that still does not fit becomes an error record. */
static json_t *fit_record(struct nw_pipeline *p, const struct nw_job *job, json_t *rec,
                          int *is_error, long http_status, int attempts)
{
    enum nw_status result;
    size_t size = 0;
    char message[256];
    json_t *url_only, *err;

    if (!rec || !p->record_max)
        return rec;
    result = nw_record_fit(rec, p->record_max, &size);
    if (result == NW_OK)
        return rec;
    json_decref(rec);
    *is_error = 1;
    if (result == NW_ENOMEM)
        return error_record(job, NULL, "record", nw_status_name(NW_ENOMEM),
                            "out of memory fitting the record", http_status, attempts);
    snprintf(message, sizeof(message),
             "the record (%zu bytes) does not fit in %zu bytes (the producer's "
             "message.max.bytes less room for key and headers)",
             size, p->record_max);
    url_only = json_object();
    if (url_only && job->url)
        json_object_set_new(url_only, "url", nw_json_string(job->url));
    err = error_record(job, url_only, "record", "record_too_large", message, http_status, attempts);
    json_decref(url_only);
    return err;
}

static json_t *build_record(struct nw_pipeline *p, const struct nw_job *job,
                            const struct nw_fetch_result *res, const char *note, int *is_error);

/* A job naming an archived response: the record read (worker/warc_job.c) is processed as
 * a fetched page; a record that cannot be (not allowed, missing, bad offset, not a page)
 * gives an error record naming file and offset. */
static json_t *warc_job_record(struct nw_pipeline *p, const struct nw_job *job, int *is_error)
{
    struct nw_warc_job_result wr;
    struct nw_job shown = *job;
    json_t *rec, *job_json, *ref;
    char *stripped = NULL;

    *is_error = 1;
    if (nw_warc_job_read(p->warc_dir, job, p->warc_max_body, &wr)) {
        nw_warc_job_fini(&wr);
        return error_record(job, NULL, "warc", nw_status_name(NW_ENOMEM), "out of memory", 0, 1);
    }
    if (!shown.url)
        shown.url = wr.target_uri;
    if (wr.res.status == NW_OK) {
        rec = build_record(p, &shown, &wr.res,
                           wr.page.truncated ? "the archived response body is truncated" : NULL,
                           is_error);
        nw_warc_job_fini(&wr);
        return rec;
    }
    /* As build_record does: a user name or password in the URL is never repeated. */
    if (shown.url && nw_url_has_userinfo(shown.url)) {
        if (nw_url_strip_userinfo(shown.url, &stripped)) {
            nw_warc_job_fini(&wr);
            return error_record(&(struct nw_job){0}, NULL, "job", nw_status_name(NW_ENOMEM),
                                "out of memory", 0, 1);
        }
        shown.url = stripped;
    }
    nw_log_kv(NW_LOG_INFO, "pipeline", NW_LOG_URL(shown.url, wr.res.error_code), "%s",
              wr.res.message);
    job_json = job_passthrough(&shown, stripped);
    ref =
        json_pack("{s:s, s:I, s:o}", "file", job->warc_file, "offset", (json_int_t)job->warc_offset,
                  "record_id", wr.record_id ? nw_json_string(wr.record_id) : json_null());
    rec = error_record_warc(&shown, job_json, wr.stage, wr.res.error_code, wr.res.message,
                            wr.res.http_status, 1, NULL, ref);
    json_decref(ref);
    rec = fit_record(p, &shown, rec, is_error, wr.res.http_status, 1);
    json_decref(job_json);
    nw_free(stripped);
    nw_warc_job_fini(&wr);
    return rec;
}

json_t *nw_pipeline_record(struct nw_pipeline *p, const struct nw_job *job,
                           const struct nw_fetch_result *res, int *is_error)
{
    if (!res && job->warc_file)
        return warc_job_record(p, job, is_error);
    return build_record(p, job, res, NULL, is_error);
}

/* The record for a job and its content; note (or NULL) becomes an article warning. */
static json_t *build_record(struct nw_pipeline *p, const struct nw_job *job,
                            const struct nw_fetch_result *res, const char *note, int *is_error)
{
    enum nw_status result;
    struct nw_article art;
    struct nw_input in = {0};
    const char *stage = "fetch";
    char errstr[512] = "";
    json_t *job_json, *rec = NULL;
    long http_status = res ? res->http_status : 0;
    int attempts = res ? res->attempts : 1;
    struct nw_job shown = *job;
    char *shown_url = NULL;

    *is_error = 1;
    /* A user name or password in the job's URL is never repeated in a record. */
    if (job->url && nw_url_has_userinfo(job->url)) {
        shown.url = NULL;
        if (nw_url_strip_userinfo(job->url, &shown_url))
            return error_record(&shown, NULL, "job", nw_status_name(NW_ENOMEM), "out of memory", 0,
                                1);
        shown.url = shown_url;
        job = &shown;
    }
    job_json = job_passthrough(job, shown_url);
    if (!job_json) {
        rec = error_record(job, NULL, "job", nw_status_name(NW_ENOMEM), "out of memory", 0, 1);
        nw_free(shown_url);
        return rec;
    }
    if (res && res->status != NW_OK) {
        json_t *warc = warc_ref(res);
        rec = error_record_warc(job, job_json, fetch_failure_stage(job, res), res->error_code,
                                res->message, http_status, attempts, NULL, warc);
        json_decref(warc);
        rec = fit_record(p, job, rec, is_error, http_status, attempts);
        json_decref(job_json);
        nw_free(shown_url);
        return rec;
    }

    nw_article_init(&art);
    art.job = json_incref(job_json);
    if (res) {
        in.data = res->body;
        in.len = res->body_len;
        in.content_type = res->content_type;
        in.final_url = res->final_url;
        in.fetched_at = res->fetched_at;
        art.warc = warc_ref(res);
        result = set_http(&art, res);
        if (!result && note)
            result = nw_article_warn(&art, note);
        if (result) {
            stage = "fetch";
            nw_fail(result, errstr, sizeof(errstr), "out of memory");
            goto out;
        }
    } else if (job->html) {
        in.data = job->html;
        in.len = job->html_len;
    } else {
        in.data = job->text ? job->text : "";
        in.len = job->text ? job->text_len : 0;
        in.is_text = 1;
    }
    in.url = job->url;
    result = nw_processor_run(p->proc, &in, &art, &stage, errstr, sizeof(errstr));
    observe_stages(p->proc);
out:
    if (result) {
        nw_log_kv(NW_LOG_INFO, "pipeline", NW_LOG_URL(job->url, nw_status_name(result)),
                  "%s: %s failed: %s", job->url, stage, errstr);
        rec = error_record_warc(job, job_json, stage, nw_status_name(result),
                                errstr[0] ? errstr : nw_status_message(result), http_status,
                                attempts, &art, art.warc);
    } else {
        rec = nw_record_article(&art);
        if (rec)
            *is_error = 0;
        else
            rec = error_record(job, job_json, "record", nw_status_name(NW_ENOMEM),
                               "out of memory building the record", http_status, attempts);
    }
    nw_article_fini(&art);
    rec = fit_record(p, job, rec, is_error, http_status, attempts);
    json_decref(job_json);
    nw_free(shown_url);
    return rec;
}

json_t *nw_pipeline_poison_record(const struct nw_job *job, int crashes)
{
    char message[160];
    struct nw_job shown = *job;
    char *shown_url = NULL;
    json_t *job_json, *rec;

    /* As in every record: a user name or password in the URL is never repeated. */
    if (job->url && nw_url_has_userinfo(job->url)) {
        if (nw_url_strip_userinfo(job->url, &shown_url))
            return NULL;
        shown.url = shown_url;
    }
    job_json = job_passthrough(&shown, shown_url);
    snprintf(message, sizeof(message),
             "the worker crashed %d times while processing this job; it is not processed again",
             crashes);
    rec = error_record(&shown, job_json, "process", "poison", message, 0, crashes);
    json_decref(job_json);
    nw_free(shown_url);
    return rec;
}

json_t *nw_pipeline_job_error(const char *raw_line, size_t len, const char *message)
{
    struct nw_error_info info = {.stage = "job",
                                 .code = "invalid_job",
                                 .message = message ? message : "invalid job",
                                 .attempts = 1};
    char *copy, *url;
    json_t *rec;

    /* The line is hostile: cut it, and let nw_json_string repair what the cut or the
     * sender broke in its UTF-8. An embedded NUL simply ends the kept text. */
    copy = nw_strndup(raw_line ? raw_line : "", len < JOB_ERROR_RAW_MAX ? len : JOB_ERROR_RAW_MAX);
    if (!copy)
        return NULL;
    info.job = nw_json_string(copy);
    url = nw_job_url_of_bad_line(copy);
    info.url = url; /* nw_record_error repairs its UTF-8 and control characters */
    nw_free(copy);
    if (!info.job) {
        nw_free(url);
        return NULL;
    }
    rec = nw_record_error(&info);
    json_decref(info.job);
    nw_free(url);
    return rec;
}

/* Length of s with its NUL, 0 for NULL. */
static size_t str_size(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

/* Copies s to *at (advancing it) and returns the copy; NULL stays NULL. */
static const char *str_put(char **at, const char *s, size_t size)
{
    char *copy = *at;

    if (!s)
        return NULL;
    memcpy(copy, s, size);
    *at += size;
    return copy;
}

struct nw_fetch_result *nw_pipeline_result_dup(const struct nw_fetch_result *res)
{
    const char *strs[] = {
        res->error_code, res->message,       res->url,        res->final_url, res->content_type,
        res->etag,       res->last_modified, res->fetched_at, res->warc_file, res->warc_record_id};
    size_t sizes[sizeof(strs) / sizeof(strs[0])], total = sizeof(*res) + res->body_len + 1;
    struct nw_fetch_result *copy;
    char *at;

    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        sizes[i] = str_size(strs[i]);
        total += sizes[i];
    }
    copy = nw_malloc(total);
    if (!copy)
        return NULL;
    *copy = *res;
    at = (char *)(copy + 1);
    copy->error_code = str_put(&at, strs[0], sizes[0]);
    copy->message = str_put(&at, strs[1], sizes[1]);
    copy->url = str_put(&at, strs[2], sizes[2]);
    copy->final_url = str_put(&at, strs[3], sizes[3]);
    copy->content_type = str_put(&at, strs[4], sizes[4]);
    copy->etag = str_put(&at, strs[5], sizes[5]);
    copy->last_modified = str_put(&at, strs[6], sizes[6]);
    copy->fetched_at = str_put(&at, strs[7], sizes[7]);
    copy->warc_file = str_put(&at, strs[8], sizes[8]);
    copy->warc_record_id = str_put(&at, strs[9], sizes[9]);
    if (res->body && res->body_len) {
        memcpy(at, res->body, res->body_len);
        copy->body = at;
    } else {
        copy->body = NULL;
        copy->body_len = 0;
    }
    return copy;
}
