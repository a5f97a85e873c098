/*
 * record.h — article and error records as JSON (schemas/article.v1.json, error.v1.json).
 *
 * Builders return a new Jansson object (one reference, released with json_decref) or NULL
 * on allocation failure. Strings that are not valid UTF-8 (a hostile URL in a job, say)
 * are repaired with U+FFFD rather than dropped. Record strings never carry C0/C1 control
 * characters (tab and newline excepted), DEL, U+2028 or U+2029: each becomes a space, so
 * readers that split lines on Unicode line separators see one record per line.
 */
#ifndef NW_RECORD_H
#define NW_RECORD_H

#include <jansson.h>
#include <stdint.h>

#include "article.h"
#include "status.h"

#define NW_ARTICLE_SCHEMA "newsworker.article/1"
#define NW_ERROR_SCHEMA "newsworker.error/1"

/* Builds the article record. id = hex SHA-256 of canonical_url, else final_url, else url.
 * Values that would break the schema are not passed on: published_at/modified_at that are
 * not RFC 3339 and a language that is not two lower-case letters become null; fetched_at
 * that is not RFC 3339 becomes now; an empty sha256 is computed from text. */
json_t *nw_record_article(const struct nw_article *art);

struct nw_error_info {
    const char *url;     /* may be NULL (a job that had no URL) */
    const char *stage;   /* "job", "fetch", "decode", "extract", "normalize", "enrich", ... */
    const char *code;    /* machine code, e.g. nw_status_name() or "http_404" */
    const char *message; /* human message */
    long http_status;    /* 0 = null */
    int attempts;
    json_t *job;    /* borrowed; the input job (object or the raw line as string) */
    const char *at; /* RFC 3339 UTC; NULL = now */
    /* Borrowed, may be NULL: what the page's metadata gave before the job failed (a page
     * with metadata but no article text). When it holds a title, date, language, canonical
     * URL or site name, the record carries them under "meta" (schemas/error.v1.json). */
    const struct nw_article *article;
    /* Borrowed, may be NULL: {file, offset, record_id} of the WARC record the failed
     * response is archived in (or was read from); the record's "warc" when set. */
    json_t *warc;
};

json_t *nw_record_error(const struct nw_error_info *info);

/* A job key (other than url) whose JSON is longer than this is the first thing dropped
 * from the record's job echo when the record is too large. */
#define NW_RECORD_JOB_KEY_MAX 1024

/* Makes record (an article or error record built above) fit in max_bytes serialized
 * (nw_record_dump), changing it in place, in this order, each step only while it is still
 * too large: job keys other than url, meta and priority longer than NW_RECORD_JOB_KEY_MAX
 * are dropped from the job echo; then meta and priority if as long; then the article text
 * is cut at a UTF-8 boundary (its stats and hashes still describe the whole text); then
 * the quotes, amounts, keywords and entity lists lose their tail halves. Each step is
 * noted in the record's warnings (an error record's message). The record's job object is
 * replaced by a copy, never changed in place (it may be shared with the job).
 * NW_OK if it fits; NW_ETOOBIG if it still does not (the caller then sends an error
 * record instead); NW_ENOMEM. *size (may be NULL) receives the final serialized size. */
enum nw_status nw_record_fit(json_t *record, size_t max_bytes, size_t *size);

/* Serializes compactly on one line (no newline). Caller frees with free(). NULL on ENOMEM. */
char *nw_record_dump(const json_t *record);

/* Where a job came from: the Kafka message that carried it (run). */
struct nw_record_source {
    const char *topic;
    int32_t partition;
    int64_t offset;
    const void *key; /* NULL: the message had no key */
    size_t key_len;
};

/* A key longer than this is not echoed (the record says key_truncated instead). */
#define NW_RECORD_SOURCE_KEY_MAX 1024

/* Sets record["source"] = {topic, partition, offset, key}: key is the message key as a
 * string when it is UTF-8 text without NUL bytes, else null with key_hex (its bytes in
 * lower-case hex) beside it; a key over NW_RECORD_SOURCE_KEY_MAX bytes is null with
 * "key_truncated": true. Works on article and error records alike (both schemas have the
 * optional "source"). NW_OK or NW_ENOMEM (the record is then unchanged). */
enum nw_status nw_record_set_source(json_t *record, const struct nw_record_source *src);

/* The message key bytes of a record's "source" (the key string, or key_hex decoded) into
 * buf (at most buf_size bytes). Returns the length, or -1 when the record has no source
 * key. For the `source-key` header. */
long nw_record_source_key(const json_t *record, char *buf, size_t buf_size);

/* The record's "id" (articles) or NULL (errors). Borrowed from the record. */
const char *nw_record_id(const json_t *record);

/* A UTF-8-safe Jansson string (invalid bytes repaired, controls and line separators
 * replaced as above). NULL in -> json null. */
json_t *nw_json_string(const char *s);

/* Formats a UNIX time as RFC 3339 UTC ("2026-11-23T10:00:00Z") into out (>= 21 bytes).
 * Times outside years 0000-9999 are clamped to that range. */
void nw_rfc3339(long long unix_seconds, char *out, size_t out_size);

/* True if s is an RFC 3339 date-time (section 5.6: "2026-11-23T10:00:00Z",
 * "2026-11-23T10:00:00.5+01:00"), with real calendar dates. NULL is not. */
int nw_rfc3339_valid(const char *s);

#endif
