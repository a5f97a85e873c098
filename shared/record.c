/* record.c — JSON article and error records with Jansson. */
#include "record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hash.h"
#include "json_dump.h"
#include "mem.h"
#include "utf8.h"

/* Length of the character at s that a record must not carry (C0 but tab and newline, DEL,
 * C1, U+2028, U+2029), or 0. */
static size_t control_at(const unsigned char *s, size_t left)
{
    if (s[0] < 0x20)
        return s[0] == '\t' || s[0] == '\n' ? 0 : 1;
    if (s[0] == 0x7F)
        return 1;
    if (s[0] == 0xC2 && left >= 2 && s[1] >= 0x80 && s[1] <= 0x9F)
        return 2;
    if (s[0] == 0xE2 && left >= 3 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9))
        return 3;
    return 0;
}

/* A copy of s (len bytes) with those characters replaced by a space; NULL when s has
 * none (or on allocation failure, *failed set). */
static char *strip_controls(const char *s, size_t len, int *failed)
{
    size_t i = 0, n;
    char *out, *o;

    *failed = 0;
    while (i < len && !control_at((const unsigned char *)s + i, len - i))
        i++;
    if (i == len)
        return NULL;
    out = nw_malloc(len + 1);
    if (!out) {
        *failed = 1;
        return NULL;
    }
    memcpy(out, s, i);
    o = out + i;
    while (i < len) {
        n = control_at((const unsigned char *)s + i, len - i);
        if (n) {
            *o++ = ' ';
            i += n;
        } else {
            *o++ = s[i++];
        }
    }
    *o = '\0';
    return out;
}

/* Replaces the controls in every string below v (objects and arrays, bounded depth). */
static int clean_strings(json_t *v, int depth)
{
    const char *key;
    json_t *x;
    size_t i;
    int failed = 0;

    if (depth > 16)
        return 0;
    if (json_is_string(v)) {
        char *c = strip_controls(json_string_value(v), json_string_length(v), &failed);
        if (c) {
            failed = json_string_set(v, c) != 0;
            nw_free(c);
        }
        return failed ? -1 : 0;
    }
    if (json_is_object(v)) {
        json_object_foreach(v, key, x) if (clean_strings(x, depth + 1)) return -1;
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x) if (clean_strings(x, depth + 1)) return -1;
    }
    return 0;
}

/* Does any string below v (as clean_strings walks it) hold one of those characters? */
static int has_controls(const json_t *v, int depth)
{
    const char *key;
    json_t *x;
    size_t i;

    if (depth > 16)
        return 0;
    if (json_is_string(v)) {
        const unsigned char *s = (const unsigned char *)json_string_value(v);
        size_t len = json_string_length(v);
        for (i = 0; i < len; i++)
            if (control_at(s + i, len - i))
                return 1;
        return 0;
    }
    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, x) if (has_controls(x, depth + 1)) return 1;
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x) if (has_controls(x, depth + 1)) return 1;
    }
    return 0;
}

json_t *nw_json_string(const char *s)
{
    json_t *j;
    char *fixed;
    int failed = 0;

    if (!s)
        return json_null();
    fixed = strip_controls(s, strlen(s), &failed);
    if (failed)
        return NULL;
    if (fixed) {
        j = nw_json_string(fixed);
        nw_free(fixed);
        return j;
    }
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
    /* RFC 3339 has four-digit years: clamp to 0000-01-01 .. 9999-12-31. */
    const long long min = -62167219200LL, max = 253402300799LL;
    time_t t;
    struct tm tm;

    if (!out || !out_size)
        return;
    if (unix_seconds < min)
        unix_seconds = min;
    if (unix_seconds > max)
        unix_seconds = max;
    t = (time_t)unix_seconds;
    /* Not strftime's %Y, which writes year 0 as "0". */
    if (!gmtime_r(&t, &tm))
        snprintf(out, out_size, "%s", "1970-01-01T00:00:00Z");
    else
        /* The modulos cost nothing after the clamp above and let the compiler see that
         * every field fits its width (-Wformat-truncation in optimized builds). */
        snprintf(out, out_size, "%04u-%02u-%02uT%02u:%02u:%02uZ",
                 (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
                 (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u,
                 (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
}

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int num(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

int nw_rfc3339_valid(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int year, month, day;

    if (!s || strlen(s) < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2) || s[13] != ':' ||
        !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
        return 0;
    year = num(s, 4);
    month = num(s + 5, 2);
    day = num(s + 8, 2);
    if (month < 1 || month > 12 || day < 1 || day > mdays[month - 1])
        return 0;
    if (month == 2 && day == 29 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
        return 0;
    if (num(s + 11, 2) > 23 || num(s + 14, 2) > 59 || num(s + 17, 2) > 60)
        return 0;
    s += 19;
    if (*s == '.') {
        if (!digits(++s, 1))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
        return 1;
    return (*s == '+' || *s == '-') && digits(s + 1, 2) && s[3] == ':' && digits(s + 4, 2) &&
           s[6] == '\0' && num(s + 1, 2) <= 23 && num(s + 4, 2) <= 59;
}

/* A date field: kept only if it is RFC 3339, so a page's odd date never breaks a record. */
static json_t *date_or_null(const char *s)
{
    return nw_rfc3339_valid(s) ? json_string(s) : json_null();
}

/* ISO 639-1: two lower-case letters, else null. */
static json_t *language_or_null(const char *s)
{
    if (s && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z' && s[2] == '\0')
        return json_string(s);
    return json_null();
}

static int is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s[n] == '\0';
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
    const char *id_source, *text;
    char id[65], now[32], sha[65];
    json_t *rec;
    int bad = 0;

    id_source = art->canonical_url ? art->canonical_url
                : art->final_url   ? art->final_url
                : art->url         ? art->url
                                   : "";
    nw_sha256_hex(id_source, strlen(id_source), id);
    if (!nw_rfc3339_valid(art->fetched_at))
        nw_rfc3339((long long)time(NULL), now, sizeof(now));
    /* The text hash is a pure function of text: fill it if enrichment did not. */
    if (is_hex(art->sha256, 64)) {
        memcpy(sha, art->sha256, sizeof(sha));
    } else {
        text = art->text ? art->text : "";
        nw_sha256_hex(text, strlen(text), sha);
    }

    rec = json_object();
    if (!rec)
        return NULL;
    bad |= put(rec, "schema", json_string(NW_ARTICLE_SCHEMA));
    bad |= put(rec, "id", json_string(id));
    bad |= put(rec, "url", nw_json_string(art->url));
    bad |= put(rec, "final_url", nw_json_string(art->final_url ? art->final_url : art->url));
    bad |= put(rec, "canonical_url", nw_json_string(art->canonical_url));
    bad |= put(rec, "domain", nw_json_string(art->domain));
    bad |= put(rec, "fetched_at",
               nw_json_string(nw_rfc3339_valid(art->fetched_at) ? art->fetched_at : now));
    bad |= put(rec, "http", http_object(&art->http));
    bad |= put(rec, "title", nw_json_string(art->title));
    bad |= put(rec, "authors", array_or_empty(art->authors));
    bad |= put(rec, "published_at", date_or_null(art->published_at));
    bad |= put(rec, "modified_at", date_or_null(art->modified_at));
    bad |= put(rec, "site_name", nw_json_string(art->site_name));
    bad |= put(rec, "description", nw_json_string(art->description));
    bad |= put(rec, "image", nw_json_string(art->image));
    bad |= put(rec, "section", nw_json_string(art->section));
    bad |= put(rec, "tags", array_or_empty(art->tags));
    bad |= put(rec, "language", language_or_null(art->language));
    bad |= put(rec, "declared_language", nw_json_string(art->declared_language));
    bad |= put(rec, "text", nw_json_string(art->text ? art->text : ""));
    bad |= put(rec, "stats", stats_object(&art->stats));
    bad |= put(rec, "hashes", json_pack("{s:s, s:s}", "sha256", sha, "simhash", art->simhash));
    bad |= put(rec, "entities", entities_object(art->entities));
    bad |= put(rec, "dateline", art->dateline ? json_incref(art->dateline) : json_null());
    bad |= put(rec, "quotes", array_or_empty(art->quotes));
    bad |= put(rec, "amounts", array_or_empty(art->amounts));
    bad |= put(rec, "keywords", array_or_empty(art->keywords));
    bad |= put(rec, "summary", nw_json_string(art->summary));
    bad |= put(rec, "job", art->job ? json_incref(art->job) : json_null());
    bad |= put(rec, "warnings", array_or_empty(art->warnings));
    if (art->warc)
        bad |= put(rec, "warc", json_incref(art->warc));
    /* enrichment's own JSON (entities, quotes, keywords...) is cleaned like the strings;
     * these are shared with the article, so a tree that needs cleaning is copied first (the
     * others, nearly all, are shared as they are: the record never changes them) */
    if (!bad) {
        static const char *const keys[] = {"entities", "dateline", "quotes", "amounts",
                                           "keywords", "authors",  "tags",   NULL};
        for (size_t k = 0; keys[k] && !bad; k++) {
            json_t *cur = json_object_get(rec, keys[k]), *copy;
            if (cur && !has_controls(cur, 0))
                continue;
            copy = json_deep_copy(cur);
            bad |= !copy || clean_strings(copy, 0) || put(rec, keys[k], copy);
        }
    }
    if (bad) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}

/* The declared language ("de-AT", "pt_BR") as ISO 639-1, or NULL. */
static json_t *declared_language(const char *s, char *buf)
{
    if (!s || !((s[0] | 32) >= 'a' && (s[0] | 32) <= 'z') ||
        !((s[1] | 32) >= 'a' && (s[1] | 32) <= 'z') || (s[2] && s[2] != '-' && s[2] != '_'))
        return json_null();
    buf[0] = (char)(s[0] | 32);
    buf[1] = (char)(s[1] | 32);
    buf[2] = '\0';
    return json_string(buf);
}

/* "meta": what the page's metadata gave, when it gave any of the identifying fields. */
static int add_error_meta(json_t *rec, const struct nw_article *art)
{
    char lang[3];
    json_t *m, *language;
    int bad = 0;

    language = art->language ? language_or_null(art->language)
                             : declared_language(art->declared_language, lang);
    if (!language)
        return -1;
    if (!art->title && !nw_rfc3339_valid(art->published_at) && json_is_null(language) &&
        !art->canonical_url && !art->site_name) {
        json_decref(language);
        return 0;
    }
    m = json_object();
    if (!m) {
        json_decref(language);
        return -1;
    }
    bad |= put(m, "title", nw_json_string(art->title));
    bad |= put(m, "authors", array_or_empty(art->authors));
    bad |= put(m, "published_at", date_or_null(art->published_at));
    bad |= put(m, "modified_at", date_or_null(art->modified_at));
    bad |= put(m, "language", language);
    bad |= put(m, "canonical_url", nw_json_string(art->canonical_url));
    bad |= put(m, "site_name", nw_json_string(art->site_name));
    bad |= put(m, "description", nw_json_string(art->description));
    bad |= put(m, "image", nw_json_string(art->image));
    if (!bad) {
        json_t *copy = json_deep_copy(json_object_get(m, "authors"));
        bad |= !copy || clean_strings(copy, 0) || put(m, "authors", copy);
    }
    if (bad) {
        json_decref(m);
        return -1;
    }
    return put(rec, "meta", m);
}

json_t *nw_record_error(const struct nw_error_info *info)
{
    char now[32];
    json_t *rec;
    int bad = 0;

    if (!nw_rfc3339_valid(info->at))
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
    bad |= put(rec, "at", nw_json_string(nw_rfc3339_valid(info->at) ? info->at : now));
    if (!bad && info->article)
        bad |= add_error_meta(rec, info->article);
    if (!bad && info->warc)
        bad |= put(rec, "warc", json_incref(info->warc));
    if (bad) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}

/* UTF-8 text with no control characters (records never carry them): else shown as hex. */
static int key_is_text(const unsigned char *k, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (k[i] < 0x20 || k[i] == 0x7f)
            return 0;
    return nw_utf8_valid((const char *)k, len);
}

enum nw_status nw_record_set_source(json_t *record, const struct nw_record_source *src)
{
    static const char hex[] = "0123456789abcdef";
    json_t *o = json_object();
    int bad = !o;

    if (bad)
        return NW_ENOMEM;
    bad |= put(o, "topic", nw_json_string(src->topic ? src->topic : ""));
    bad |= put(o, "partition", json_integer(src->partition));
    bad |= put(o, "offset", json_integer(src->offset));
    if (!src->key) {
        bad |= put(o, "key", json_null());
    } else if (src->key_len > NW_RECORD_SOURCE_KEY_MAX) {
        bad |= put(o, "key", json_null());
        bad |= put(o, "key_truncated", json_true());
    } else if (key_is_text(src->key, src->key_len)) {
        bad |= put(o, "key", json_stringn(src->key, src->key_len));
    } else {
        char text[2 * NW_RECORD_SOURCE_KEY_MAX + 1];
        const unsigned char *k = src->key;
        for (size_t i = 0; i < src->key_len; i++) {
            text[2 * i] = hex[k[i] >> 4];
            text[2 * i + 1] = hex[k[i] & 15];
        }
        text[2 * src->key_len] = '\0';
        bad |= put(o, "key", json_null());
        bad |= put(o, "key_hex", json_string(text));
    }
    if (bad) {
        json_decref(o);
        return NW_ENOMEM;
    }
    return json_object_set_new(record, "source", o) ? NW_ENOMEM : NW_OK; /* o stolen */
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

long nw_record_source_key(const json_t *record, char *buf, size_t buf_size)
{
    json_t *src = json_object_get(record, "source");
    const char *key = json_string_value(json_object_get(src, "key"));
    const char *hexkey = json_string_value(json_object_get(src, "key_hex"));
    size_t n;

    if (key) {
        n = json_string_length(json_object_get(src, "key"));
        if (n > buf_size)
            return -1;
        memcpy(buf, key, n);
        return (long)n;
    }
    if (!hexkey || strlen(hexkey) % 2 || strlen(hexkey) / 2 > buf_size)
        return -1;
    n = strlen(hexkey) / 2;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_value(hexkey[2 * i]), lo = hex_value(hexkey[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        buf[i] = (char)(hi << 4 | lo);
    }
    return (long)n;
}

char *nw_record_dump(const json_t *record)
{
    return nw_json_dump(record);
}

const char *nw_record_id(const json_t *record)
{
    return json_string_value(json_object_get(record, "id"));
}

/* ---- size bound ----------------------------------------------------------------------- */

static size_t serialized_size(const json_t *record)
{
    return json_dumpb(record, NULL, 0, JSON_COMPACT);
}

/* Adds note to the record's warnings (article) or to its message (error record). */
static enum nw_status fit_note(json_t *record, const char *note)
{
    json_t *warnings = json_object_get(record, "warnings");

    if (json_is_array(warnings)) {
        /* The array may be the article's own: change a copy. */
        json_t *copy = json_copy(warnings);
        if (!copy || json_array_append_new(copy, json_string(note)) ||
            json_object_set_new(record, "warnings", copy))
            return NW_ENOMEM;
        return NW_OK;
    }
    const char *message = json_string_value(json_object_get(record, "message"));
    char buf[1024];
    snprintf(buf, sizeof(buf), "%s (%s)", message ? message : "", note);
    return json_object_set_new(record, "message", nw_json_string(buf)) ? NW_ENOMEM : NW_OK;
}

/* Drops from the job echo the keys longer than NW_RECORD_JOB_KEY_MAX: with known = 0 the
 * unknown ones only, with known = 1 meta and priority too. */
static enum nw_status fit_job(json_t *record, size_t max_bytes, int known)
{
    json_t *job = json_object_get(record, "job");
    const char *key;
    json_t *value;
    void *tmp;
    char dropped[512] = "";
    size_t used = 0;
    json_t *copy;

    if (!json_is_object(job))
        return NW_OK;
    copy = json_copy(job);
    if (!copy)
        return NW_ENOMEM;
    json_object_foreach_safe(copy, tmp, key, value)
    {
        int is_known = !strcmp(key, "meta") || !strcmp(key, "priority");
        if (!strcmp(key, "url") || is_known != known)
            continue;
        size_t n = json_dumpb(value, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
        if (n <= NW_RECORD_JOB_KEY_MAX)
            continue;
        if (used < sizeof(dropped) - 1)
            used += (size_t)snprintf(dropped + used, sizeof(dropped) - used,
                                     "%s'%.64s' (%zu bytes)", used ? ", " : "", key, n);
        json_object_del(copy, key);
    }
    if (json_object_set_new(record, "job", copy))
        return NW_ENOMEM;
    if (!used)
        return NW_OK;
    char note[768];
    snprintf(note, sizeof(note), "job keys dropped from the record to fit %zu bytes: %s", max_bytes,
             dropped);
    return fit_note(record, note);
}

/* Room kept for the note that fit_text adds. */
#define FIT_NOTE_ROOM 256

/* Cuts the article text until the record, with the note about the cut, fits in max_bytes
 * (or the text is empty). */
static enum nw_status fit_text(json_t *record, size_t max_bytes)
{
    const char *s = json_string_value(json_object_get(record, "text"));
    size_t len = json_string_length(json_object_get(record, "text")), keep = len;
    char *text;
    char note[160];
    enum nw_status result = NW_OK;

    if (!s || !len)
        return NW_OK;
    text = nw_strndup(s, len);
    if (!text)
        return NW_ENOMEM;
    /* Each byte of text takes at least one byte of JSON, so cutting the excess is enough,
     * unless a cut lands inside a word that moves the end back: bounded passes. */
    for (int pass = 0; pass < 4 && keep > 0; pass++) {
        size_t n = serialized_size(record);
        if (n + FIT_NOTE_ROOM <= max_bytes)
            break;
        size_t over = n + FIT_NOTE_ROOM - max_bytes;
        keep = keep > over ? keep - over : 0;
        while (keep > 0 && ((unsigned char)text[keep] & 0xC0) == 0x80)
            keep--;
        /* End at a word where one is near. */
        for (size_t i = keep; i > 0 && keep - i < 256; i--) {
            if (text[i - 1] == ' ' || text[i - 1] == '\n') {
                keep = i - 1;
                break;
            }
        }
        if (json_object_set_new(record, "text", json_stringn(text, keep))) {
            result = NW_ENOMEM;
            goto out;
        }
    }
    snprintf(note, sizeof(note),
             "text truncated from %zu to %zu bytes to fit the record in %zu bytes", len, keep,
             max_bytes);
    result = fit_note(record, note);
out:
    nw_free(text);
    return result;
}

/* Halves the lists that grow with the text. Returns 1 if any list got shorter. */
static int fit_lists(json_t *record)
{
    json_t *entities = json_object_get(record, "entities");
    json_t *lists[] = {
        json_object_get(record, "quotes"),          json_object_get(record, "amounts"),
        json_object_get(record, "keywords"),        json_object_get(entities, "persons"),
        json_object_get(entities, "organizations"), json_object_get(entities, "locations"),
    };
    int shrunk = 0;

    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        size_t n = json_array_size(lists[i]);
        if (!n)
            continue;
        for (size_t j = n; j > n / 2; j--)
            json_array_remove(lists[i], j - 1);
        shrunk = 1;
    }
    return shrunk;
}

enum nw_status nw_record_fit(json_t *record, size_t max_bytes, size_t *size)
{
    enum nw_status result = NW_OK;
    size_t n = serialized_size(record);
    int lists_noted = 0;

    if (n <= max_bytes)
        goto out;
    result = fit_job(record, max_bytes, 0);
    if (!result && (n = serialized_size(record)) > max_bytes)
        result = fit_job(record, max_bytes, 1);
    if (!result && (n = serialized_size(record)) > max_bytes)
        result = fit_text(record, max_bytes);
    /* Bounded: every pass halves the lists, which are finite. */
    while (!result && (n = serialized_size(record)) > max_bytes && fit_lists(record)) {
        if (!lists_noted) {
            lists_noted = 1;
            result = fit_note(record, "quotes, amounts, keywords and entities shortened to fit "
                                      "the record size");
        }
    }
    if (!result && (n = serialized_size(record)) > max_bytes)
        result = NW_ETOOBIG;
out:
    if (size)
        *size = n;
    return result;
}
