/* warc_input.c — web archives as input: records to article and error records. */
#include "warc_input.h"

#include <stdint.h>
#include <string.h>

#include "article.h"
#include "log.h"
#include "mem.h"
#include "record.h"
#include "url.h"
#include "warc.h"
#include "warc_page.h"

long nw_warc_file_source_read(void *ctx, void *buf, size_t len)
{
    struct nw_warc_file_source *src = ctx;
    size_t n;

    if (src->pre_pos < src->pre_len) {
        n = src->pre_len - src->pre_pos < len ? src->pre_len - src->pre_pos : len;
        memcpy(buf, src->pre + src->pre_pos, n);
        src->pre_pos += n;
        return (long)n;
    }
    n = fread(buf, 1, len, src->f);
    if (n == 0 && ferror(src->f))
        return -1;
    return (long)n;
}

/* {file, offset, record_id}: record_id may be NULL or "" (null). New reference or NULL. */
static json_t *warc_ref(const char *path, uint64_t offset, const char *record_id)
{
    return json_pack("{s:s, s:I, s:o}", "file", path, "offset", (json_int_t)offset, "record_id",
                     record_id && *record_id ? nw_json_string(record_id) : json_null());
}

/* Redirect chains in an archive: a crawler that followed a redirect stored the 3xx response
 * and, later in the file, the page it led to. The page's record then names the chain's
 * first URL as `url` and its own as `final_url`, as a live fetch would. The last
 * REDIRECTS_KEPT redirects are remembered (bounded memory). */
#define REDIRECTS_KEPT 64

struct redirects {
    char *to[REDIRECTS_KEPT];     /* the resolved Location */
    char *origin[REDIRECTS_KEPT]; /* the first URL of its chain */
    size_t next;
};

static const char *redirect_origin(const struct redirects *r, const char *url)
{
    for (size_t i = 0; url && i < REDIRECTS_KEPT; i++)
        if (r->to[i] && !strcmp(r->to[i], url))
            return r->origin[i];
    return NULL;
}

static void redirect_note(struct redirects *r, const char *from, const char *location)
{
    const char *origin = redirect_origin(r, from);
    char *to = NULL, *copy;
    size_t i = r->next;

    if (!from || nw_url_resolve(from, location, &to) != NW_OK)
        return;
    copy = nw_strdup(origin ? origin : from);
    if (!copy) {
        nw_free(to);
        return;
    }
    nw_free(r->to[i]);
    nw_free(r->origin[i]);
    r->to[i] = to;
    r->origin[i] = copy;
    r->next = (i + 1) % REDIRECTS_KEPT;
}

static void redirects_fini(struct redirects *r)
{
    for (size_t i = 0; i < REDIRECTS_KEPT; i++) {
        nw_free(r->to[i]);
        nw_free(r->origin[i]);
    }
}

struct warc_counts {
    unsigned long records, pages, skipped, errors, warnings;
};

/* One response record that is a page, into an article or error record. */
static json_t *warc_page_record(struct nw_processor *proc, const char *path,
                                const struct nw_warc_record *rec, struct nw_warc_page *page,
                                json_t *ref, const char *origin)
{
    enum nw_status result;
    struct nw_article art;
    const char *stage = "decode";
    char errstr[512] = "";
    json_t *out;

    nw_article_init(&art);
    art.warc = json_incref(ref);
    /* The job that would fetch the page again, as a bare URL line's job echo is. */
    art.job = json_pack("{s:o}", "url", nw_json_string(origin ? origin : rec->target_uri));
    art.http.present = 1;
    art.http.status = page->status;
    art.http.bytes = page->body_len;
    art.http.elapsed_ms = 0; /* not recorded in a WARC */
    result = nw_article_set(&art.http.content_type, page->content_type);
    if (!result)
        result = nw_article_set(&art.http.etag, page->etag);
    if (!result)
        result = nw_article_set(&art.http.last_modified, page->last_modified);
    if (!result && page->truncated)
        result = nw_article_warn(&art, "the archived response body is truncated");
    if (!result) {
        struct nw_input in = {.data = page->body,
                              .len = page->body_len,
                              .content_type = page->content_type,
                              .url = origin ? origin : rec->target_uri,
                              .final_url = rec->target_uri,
                              .fetched_at = nw_rfc3339_valid(rec->date) ? rec->date : NULL};
        result = nw_processor_run(proc, &in, &art, &stage, errstr, sizeof(errstr));
    } else {
        nw_fail(result, errstr, sizeof(errstr), "out of memory");
    }
    if (result) {
        struct nw_error_info info = {.url = origin ? origin : rec->target_uri,
                                     .stage = stage,
                                     .code = nw_status_name(result),
                                     .message = errstr,
                                     .http_status = page->status,
                                     .attempts = 1,
                                     .article = &art,
                                     .job = art.job,
                                     .warc = ref};
        NW_LOG_INFO("extract", "%s at offset %llu (%s): %s failed: %s", path,
                    (unsigned long long)rec->offset, rec->target_uri, stage, errstr);
        out = nw_record_error(&info);
    } else {
        out = nw_record_article(&art);
    }
    nw_article_fini(&art);
    return out;
}

/* The error record for a record the reader or the page check refused. */
static json_t *warc_error_record(const char *path, const char *file_url, const char *target,
                                 const char *stage, enum nw_status status, uint64_t offset,
                                 const char *message, long http_status, json_t *ref)
{
    char msg[768];
    struct nw_error_info info = {.url = target && *target ? target : file_url,
                                 .stage = stage,
                                 .code = nw_status_name(status),
                                 .message = msg,
                                 .http_status = http_status,
                                 .attempts = 1,
                                 .warc = ref};

    snprintf(msg, sizeof(msg), "%s at offset %llu: %s", path, (unsigned long long)offset, message);
    NW_LOG_WARN("extract", "%s", msg);
    return nw_record_error(&info);
}

int nw_extract_warc(struct nw_processor *proc, nw_extract_write_fn *write, void *write_ctx,
                    const char *path, const char *file_url, FILE *f, const char *pre,
                    size_t pre_len, size_t max_body)
{
    struct nw_warc_file_source src = {.f = f, .pre = pre, .pre_len = pre_len};
    struct nw_warc_opts opts = {.max_block = max_body + (256u << 10)};
    struct nw_warc_reader *reader = nw_warc_reader_create(nw_warc_file_source_read, &src, &opts);
    struct warc_counts n = {0};
    struct redirects redirects = {0};
    const struct nw_warc_record *rec;
    struct nw_warc_problem problem;
    enum nw_warc_event ev;
    int failed = 0;

    if (!reader) {
        NW_LOG_ERROR("extract", "%s: out of memory", path);
        return -1;
    }
    while ((ev = nw_warc_next(reader, &rec, &problem)) != NW_WARC_END) {
        json_t *ref = NULL, *out = NULL;
        if (ev == NW_WARC_WARNING) {
            NW_LOG_WARN("extract", "%s at offset %llu: %s", path,
                        (unsigned long long)problem.offset, problem.message);
            n.warnings++;
            continue;
        }
        if (ev == NW_WARC_ERROR) {
            n.errors++;
            ref = warc_ref(path, problem.offset, problem.record_id);
            out = ref ? warc_error_record(path, file_url, problem.target_uri, "warc",
                                          problem.status, problem.offset, problem.message, 0, ref)
                      : NULL;
            if (problem.fatal)
                failed = 1;
        } else {
            struct nw_warc_page page;
            enum nw_status status;
            char errstr[512];
            enum nw_warc_page_kind kind;
            n.records++;
            kind = nw_warc_page_from_record(rec, max_body, &page, &status, errstr, sizeof(errstr));
            if (kind == NW_WARC_PAGE_SKIP && page.location)
                redirect_note(&redirects, rec->target_uri, page.location);
            if (kind == NW_WARC_PAGE_SKIP) {
                NW_LOG_DEBUG("extract", "%s at offset %llu: passed over: %s", path,
                             (unsigned long long)rec->offset, page.skip);
                n.skipped++;
                nw_warc_page_fini(&page);
                continue;
            }
            ref = warc_ref(path, rec->offset, rec->record_id);
            if (!ref)
                out = NULL;
            else if (kind == NW_WARC_PAGE_ERROR) {
                n.errors++;
                out = warc_error_record(path, file_url, rec->target_uri,
                                        status == NW_ENOMEM ? "warc" : "decode", status,
                                        rec->offset, errstr, page.status, ref);
            } else {
                n.pages++;
                out = warc_page_record(proc, path, rec, &page, ref,
                                       redirect_origin(&redirects, rec->target_uri));
            }
            nw_warc_page_fini(&page);
        }
        if (!out || write(write_ctx, out)) {
            NW_LOG_ERROR("extract", "%s: cannot write a record", path);
            failed = 1;
        }
        json_decref(out);
        json_decref(ref);
        if (failed)
            break;
    }
    NW_LOG_INFO("extract",
                "%s: web archive (%s): %lu records, %lu HTML responses, %lu passed over, "
                "%lu errors, %lu warnings",
                path, nw_warc_reader_gzip(reader) ? "gzip" : "plain", n.records, n.pages, n.skipped,
                n.errors, n.warnings);
    nw_warc_reader_destroy(reader);
    redirects_fini(&redirects);
    return failed ? -1 : 0;
}
