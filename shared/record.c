/* record.c — JSON article and error records with Jansson. */
#include "record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hash.h"
#include "mem.h"
#include "utf8.h"

json_t *nw_json_string(const char *s)
{
    json_t *j;
    char *fixed;

    if (!s)
        return json_null();
    j = json_string(s);
    if (j)
        return j;
    /* Invalid UTF-8 (or allocation failure): repair and try once more. */
    if (nw_utf8_sanitize(s, strlen(s), &fixed, NULL, NULL))
        return NULL;
    j = json_string(fixed);
    nw_free(fixed);
    return j;
}

void nw_rfc3339(long long unix_seconds, char *out, size_t out_size)
{
    time_t t = (time_t)unix_seconds;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, out_size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Sets key to value (stolen); a NULL value (allocation failure) marks the build failed. */
static int put(json_t *obj, const char *key, json_t *value)
{
    if (!value)
        return -1;
    return json_object_set_new(obj, key, value);
}

static json_t *array_or_empty(json_t *a)
{
    return a ? json_incref(a) : json_array();
}

static json_t *http_object(const struct nw_http_info *h)
{
    json_t *o;
    int bad = 0;

    if (!h->present)
        return json_null();
    o = json_object();
    if (!o)
        return NULL;
    bad |= put(o, "status", json_integer(h->status));
    bad |= put(o, "content_type", nw_json_string(h->content_type));
    bad |= put(o, "charset", nw_json_string(h->charset));
    bad |= put(o, "bytes", json_integer((json_int_t)h->bytes));
    bad |= put(o, "elapsed_ms", json_integer(h->elapsed_ms));
    bad |= put(o, "etag", nw_json_string(h->etag));
    bad |= put(o, "last_modified", nw_json_string(h->last_modified));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *stats_object(const struct nw_text_stats *s)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I}", "chars", (json_int_t)s->chars, "words",
                     (json_int_t)s->words, "sentences", (json_int_t)s->sentences, "paragraphs",
                     (json_int_t)s->paragraphs, "reading_time_s", (json_int_t)s->reading_time_s);
}

static json_t *entities_object(const json_t *entities)
{
    if (entities)
        return json_incref((json_t *)entities);
    return json_pack("{s:[], s:[], s:[]}", "persons", "organizations", "locations");
}

json_t *nw_record_article(const struct nw_article *art)
{
    const char *id_source;
    char id[65], now[32];
    json_t *rec;
    int bad = 0;

    id_source = art->canonical_url ? art->canonical_url
                : art->final_url   ? art->final_url
                : art->url         ? art->url
                                   : "";
    nw_sha256_hex(id_source, strlen(id_source), id);
    if (!art->fetched_at)
        nw_rfc3339((long long)time(NULL), now, sizeof(now));

    rec = json_object();
    if (!rec)
        return NULL;
    bad |= put(rec, "schema", json_string(NW_ARTICLE_SCHEMA));
    bad |= put(rec, "id", json_string(id));
    bad |= put(rec, "url", nw_json_string(art->url));
    bad |= put(rec, "final_url", nw_json_string(art->final_url ? art->final_url : art->url));
    bad |= put(rec, "canonical_url", nw_json_string(art->canonical_url));
    bad |= put(rec, "domain", nw_json_string(art->domain));
    bad |= put(rec, "fetched_at", nw_json_string(art->fetched_at ? art->fetched_at : now));
    bad |= put(rec, "http", http_object(&art->http));
    bad |= put(rec, "title", nw_json_string(art->title));
    bad |= put(rec, "authors", array_or_empty(art->authors));
    bad |= put(rec, "published_at", nw_json_string(art->published_at));
    bad |= put(rec, "modified_at", nw_json_string(art->modified_at));
    bad |= put(rec, "site_name", nw_json_string(art->site_name));
    bad |= put(rec, "description", nw_json_string(art->description));
    bad |= put(rec, "image", nw_json_string(art->image));
    bad |= put(rec, "section", nw_json_string(art->section));
    bad |= put(rec, "tags", array_or_empty(art->tags));
    bad |= put(rec, "language", nw_json_string(art->language));
    bad |= put(rec, "declared_language", nw_json_string(art->declared_language));
    bad |= put(rec, "text", nw_json_string(art->text ? art->text : ""));
    bad |= put(rec, "stats", stats_object(&art->stats));
    bad |=
        put(rec, "hashes", json_pack("{s:s, s:s}", "sha256", art->sha256, "simhash", art->simhash));
    bad |= put(rec, "entities", entities_object(art->entities));
    bad |= put(rec, "dateline", art->dateline ? json_incref(art->dateline) : json_null());
    bad |= put(rec, "quotes", array_or_empty(art->quotes));
    bad |= put(rec, "amounts", array_or_empty(art->amounts));
    bad |= put(rec, "keywords", array_or_empty(art->keywords));
    bad |= put(rec, "summary", nw_json_string(art->summary));
    bad |= put(rec, "job", art->job ? json_incref(art->job) : json_null());
    bad |= put(rec, "warnings", array_or_empty(art->warnings));
    if (bad) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}

json_t *nw_record_error(const struct nw_error_info *info)
{
    char now[32];
    json_t *rec;
    int bad = 0;

    if (!info->at)
        nw_rfc3339((long long)time(NULL), now, sizeof(now));
    rec = json_object();
    if (!rec)
        return NULL;
    bad |= put(rec, "schema", json_string(NW_ERROR_SCHEMA));
    bad |= put(rec, "url", nw_json_string(info->url));
    bad |= put(rec, "stage", nw_json_string(info->stage ? info->stage : "unknown"));
    bad |= put(rec, "code", nw_json_string(info->code ? info->code : "unknown"));
    bad |= put(rec, "message", nw_json_string(info->message ? info->message : ""));
    bad |= put(rec, "http_status",
               info->http_status > 0 ? json_integer(info->http_status) : json_null());
    bad |= put(rec, "attempts", json_integer(info->attempts));
    bad |= put(rec, "job", info->job ? json_incref(info->job) : json_null());
    bad |= put(rec, "at", nw_json_string(info->at ? info->at : now));
    if (bad) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}

char *nw_record_dump(const json_t *record)
{
    return json_dumps(record, JSON_COMPACT);
}

const char *nw_record_id(const json_t *record)
{
    return json_string_value(json_object_get(record, "id"));
}
