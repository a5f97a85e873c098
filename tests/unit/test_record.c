/* test_record.c — article and error records carry exactly the DESIGN.md fields, with the
 * types schemas/ requires (the integration test validates them with python-jsonschema). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "hash.h"
#include "mem.h"
#include "record.h"
#include "utf8.h"

static const char *const article_keys[] = {"schema",
                                           "id",
                                           "url",
                                           "final_url",
                                           "canonical_url",
                                           "domain",
                                           "fetched_at",
                                           "http",
                                           "title",
                                           "authors",
                                           "published_at",
                                           "modified_at",
                                           "site_name",
                                           "description",
                                           "image",
                                           "section",
                                           "tags",
                                           "language",
                                           "declared_language",
                                           "text",
                                           "stats",
                                           "hashes",
                                           "entities",
                                           "dateline",
                                           "quotes",
                                           "amounts",
                                           "keywords",
                                           "summary",
                                           "job",
                                           "warnings"};
static const char *const error_keys[] = {"schema",      "url",      "stage", "code", "message",
                                         "http_status", "attempts", "job",   "at"};

static void assert_exact_keys(const json_t *rec, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!json_object_get(rec, keys[i]))
            fail_msg("missing key %s", keys[i]);
    }
    assert_int_equal(json_object_size(rec), n);
}

static int is_hex(const char *s, size_t n)
{
    if (!s || strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789abcdef", s[i]))
            return 0;
    return 1;
}

static void fill_full(struct nw_article *art)
{
    nw_article_init(art);
    nw_article_set(&art->url, "https://a.com/s?utm_source=x");
    nw_article_set(&art->final_url, "https://www.a.com/s?utm_source=x");
    nw_article_set(&art->canonical_url, "https://www.a.com/s");
    nw_article_set(&art->domain, "www.a.com");
    nw_article_set(&art->fetched_at, "2026-11-23T10:00:00Z");
    art->http.present = 1;
    art->http.status = 200;
    nw_article_set(&art->http.content_type, "text/html; charset=utf-8");
    nw_article_set(&art->http.charset, "utf-8");
    art->http.bytes = 1234;
    art->http.elapsed_ms = 56;
    nw_article_set(&art->title, "Title");
    art->authors = json_pack("[s]", "A. Writer");
    nw_article_set(&art->published_at, "2026-11-22T08:00:00+01:00");
    nw_article_set(&art->modified_at, "2026-11-22T09:00:00.123Z");
    nw_article_set(&art->language, "en");
    nw_article_set(&art->declared_language, "en-GB");
    nw_article_set(&art->text, "First paragraph.\n\nSecond one.");
    art->stats.chars = 29;
    art->stats.words = 4;
    nw_sha256_hex(art->text, strlen(art->text), art->sha256);
    memcpy(art->simhash, "0123456789abcdef", 17);
    art->entities = json_pack("{s:[{s:s,s:i}], s:[], s:[{s:s,s:i,s:s}]}", "persons", "name",
                              "Erik Holm", "count", 2, "organizations", "locations", "name",
                              "Sweden", "count", 1, "code", "SE");
    art->dateline = json_pack("{s:s,s:n,s:s}", "place", "LONDON", "date", "agency", "Reuters");
    art->quotes = json_pack("[{s:s,s:n}]", "text", "We are back", "speaker");
    art->amounts =
        json_pack("[{s:s,s:f,s:s}]", "text", "$4.2 billion", "value", 4.2e9, "unit", "USD");
    art->keywords = json_pack("[{s:s,s:f}]", "term", "port", "score", 0.5);
    art->job = json_pack("{s:s,s:{s:s}}", "url", "https://a.com/s", "meta", "source", "rss");
    nw_article_warn(art, "input truncated");
}

static void test_article_full(void **state)
{
    struct nw_article art;
    char want_id[65];
    json_t *rec, *http;
    char *dump;

    (void)state;
    fill_full(&art);
    rec = nw_record_article(&art);
    assert_non_null(rec);
    assert_exact_keys(rec, article_keys, sizeof(article_keys) / sizeof(article_keys[0]));
    assert_string_equal(json_string_value(json_object_get(rec, "schema")), NW_ARTICLE_SCHEMA);
    /* id: SHA-256 of the canonical URL */
    nw_sha256_hex("https://www.a.com/s", 19, want_id);
    assert_string_equal(nw_record_id(rec), want_id);
    http = json_object_get(rec, "http");
    assert_int_equal(json_object_size(http), 7);
    assert_int_equal(json_integer_value(json_object_get(http, "status")), 200);
    assert_true(json_is_null(json_object_get(http, "etag")));
    assert_string_equal(json_string_value(json_object_get(rec, "published_at")),
                        "2026-11-22T08:00:00+01:00");
    assert_string_equal(json_string_value(json_object_get(rec, "modified_at")),
                        "2026-11-22T09:00:00.123Z");
    assert_string_equal(json_string_value(json_object_get(rec, "language")), "en");
    assert_int_equal(json_object_size(json_object_get(rec, "stats")), 5);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(rec, "hashes"), "sha256")), art.sha256);
    assert_int_equal(json_array_size(json_object_get(rec, "warnings")), 1);
    assert_int_equal(json_array_size(json_object_get(json_object_get(rec, "entities"), "persons")),
                     1);
    assert_true(json_is_object(json_object_get(rec, "dateline")));
    dump = nw_record_dump(rec);
    assert_non_null(dump);
    assert_null(strchr(dump, '\n')); /* one JSONL line */
    free(dump);
    json_decref(rec);
    nw_article_fini(&art);
}

static void test_article_minimal_defaults(void **state)
{
    struct nw_article art;
    char want[65];
    json_t *rec, *ent;
    const char *fetched;

    (void)state;
    nw_article_init(&art);
    nw_article_set(&art.url, "file:///tmp/x.html");
    nw_article_set(&art.text, "Body.");
    memcpy(art.simhash, "ffffffffffffffff", 17);
    rec = nw_record_article(&art);
    assert_non_null(rec);
    assert_exact_keys(rec, article_keys, sizeof(article_keys) / sizeof(article_keys[0]));
    /* no canonical, no final: id from url, final_url = url */
    nw_sha256_hex("file:///tmp/x.html", 18, want);
    assert_string_equal(nw_record_id(rec), want);
    assert_string_equal(json_string_value(json_object_get(rec, "final_url")), "file:///tmp/x.html");
    assert_true(json_is_null(json_object_get(rec, "http")));
    assert_true(json_is_null(json_object_get(rec, "canonical_url")));
    assert_true(json_is_null(json_object_get(rec, "dateline")));
    assert_true(json_is_null(json_object_get(rec, "job")));
    assert_true(json_is_array(json_object_get(rec, "authors")));
    assert_true(json_is_array(json_object_get(rec, "quotes")));
    assert_int_equal(json_array_size(json_object_get(rec, "warnings")), 0);
    ent = json_object_get(rec, "entities");
    assert_int_equal(json_object_size(ent), 3);
    assert_true(json_is_array(json_object_get(ent, "locations")));
    fetched = json_string_value(json_object_get(rec, "fetched_at"));
    assert_true(nw_rfc3339_valid(fetched));
    /* sha256 missing: computed from text */
    nw_sha256_hex("Body.", 5, want);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(rec, "hashes"), "sha256")), want);
    json_decref(rec);
    nw_article_fini(&art);
}

static void test_article_hostile_values(void **state)
{
    struct nw_article art;
    json_t *rec;
    const char *s;

    (void)state;
    nw_article_init(&art);
    nw_article_set(&art.url, "https://a.com/\xFF\xFE");
    nw_article_set(&art.title, "bad \xC3 utf8 \xED\xA0\x80");
    nw_article_set(&art.text, "text");
    nw_article_set(&art.published_at, "yesterday");
    nw_article_set(&art.modified_at, "2026-02-30T10:00:00Z");
    nw_article_set(&art.fetched_at, "Mon, 23 Nov 2026 10:00:00 GMT");
    nw_article_set(&art.language, "zh-Hant");
    nw_article_set(&art.declared_language, "x\xFF");
    rec = nw_record_article(&art);
    assert_non_null(rec);
    s = json_string_value(json_object_get(rec, "title"));
    assert_non_null(s);
    assert_true(nw_utf8_valid(s, strlen(s)));
    assert_non_null(strstr(s, "\xEF\xBF\xBD"));
    assert_non_null(json_string_value(json_object_get(rec, "url")));
    assert_true(json_is_null(json_object_get(rec, "published_at")));
    assert_true(json_is_null(json_object_get(rec, "modified_at")));
    assert_true(json_is_null(json_object_get(rec, "language")));
    assert_true(nw_rfc3339_valid(json_string_value(json_object_get(rec, "fetched_at"))));
    assert_true(is_hex(nw_record_id(rec), 64));
    json_decref(rec);
    nw_article_fini(&art);
}

static void test_error_record(void **state)
{
    json_t *job = json_pack("{s:s}", "url", "https://a.com/gone");
    struct nw_error_info info = {.url = "https://a.com/gone",
                                 .stage = "fetch",
                                 .code = "http_404",
                                 .message = "HTTP 404",
                                 .http_status = 404,
                                 .attempts = 2,
                                 .job = job,
                                 .at = "2026-11-23T10:00:00Z"};
    json_t *rec;

    (void)state;
    rec = nw_record_error(&info);
    assert_non_null(rec);
    assert_exact_keys(rec, error_keys, sizeof(error_keys) / sizeof(error_keys[0]));
    assert_string_equal(json_string_value(json_object_get(rec, "schema")), NW_ERROR_SCHEMA);
    assert_int_equal(json_integer_value(json_object_get(rec, "http_status")), 404);
    assert_int_equal(json_integer_value(json_object_get(rec, "attempts")), 2);
    assert_ptr_equal(json_object_get(rec, "job"), job); /* borrowed, one more reference */
    assert_string_equal(json_string_value(json_object_get(rec, "at")), "2026-11-23T10:00:00Z");
    assert_null(nw_record_id(rec));
    json_decref(rec);
    json_decref(job);
}

static void test_error_record_defaults(void **state)
{
    struct nw_error_info info = {0};
    json_t *rec;

    (void)state;
    info.message = "line \xFF not UTF-8";
    rec = nw_record_error(&info);
    assert_non_null(rec);
    assert_exact_keys(rec, error_keys, sizeof(error_keys) / sizeof(error_keys[0]));
    assert_true(json_is_null(json_object_get(rec, "url")));
    assert_true(json_is_null(json_object_get(rec, "http_status")));
    assert_true(json_is_null(json_object_get(rec, "job")));
    assert_string_equal(json_string_value(json_object_get(rec, "stage")), "unknown");
    assert_string_equal(json_string_value(json_object_get(rec, "code")), "unknown");
    assert_non_null(strstr(json_string_value(json_object_get(rec, "message")), "\xEF\xBF\xBD"));
    assert_true(nw_rfc3339_valid(json_string_value(json_object_get(rec, "at"))));
    json_decref(rec);
}

static void test_rfc3339(void **state)
{
    char out[32];

    (void)state;
    nw_rfc3339(0, out, sizeof(out));
    assert_string_equal(out, "1970-01-01T00:00:00Z");
    nw_rfc3339(1795428000LL, out, sizeof(out));
    assert_string_equal(out, "2026-11-23T10:00:00Z");
    nw_rfc3339(1LL << 62, out, sizeof(out)); /* clamped, still four-digit year */
    assert_string_equal(out, "9999-12-31T23:59:59Z");
    nw_rfc3339(-(1LL << 62), out, sizeof(out));
    assert_string_equal(out, "0000-01-01T00:00:00Z");
    assert_true(nw_rfc3339_valid("2024-02-29T23:59:60Z"));
    assert_true(nw_rfc3339_valid("2026-11-23t10:00:00.5-05:30"));
    assert_false(nw_rfc3339_valid("2023-02-29T00:00:00Z"));
    assert_false(nw_rfc3339_valid("2026-13-01T00:00:00Z"));
    assert_false(nw_rfc3339_valid("2026-11-23T24:00:00Z"));
    assert_false(nw_rfc3339_valid("2026-11-23T10:00:00"));
    assert_false(nw_rfc3339_valid("2026-11-23 10:00:00Z"));
    assert_false(nw_rfc3339_valid("2026-11-23T10:00:00.Z"));
    assert_false(nw_rfc3339_valid("2026-11-23T10:00:00+0100"));
    assert_false(nw_rfc3339_valid("2026-11-23T10:00:00Zjunk"));
    assert_false(nw_rfc3339_valid("2026-11-23"));
    assert_false(nw_rfc3339_valid(""));
    assert_false(nw_rfc3339_valid(NULL));
}

static void test_json_string(void **state)
{
    json_t *j;

    (void)state;
    j = nw_json_string(NULL);
    assert_true(json_is_null(j));
    j = nw_json_string("ok");
    assert_string_equal(json_string_value(j), "ok");
    json_decref(j);
    j = nw_json_string("\xC0\xAF");
    assert_string_equal(json_string_value(j), "\xEF\xBF\xBD\xEF\xBF\xBD");
    json_decref(j);
}

static void test_controls_removed(void **state)
{
    struct nw_article art;
    json_t *rec, *j;
    char *line;

    (void)state;
    j = nw_json_string("a\x01"
                       "b\rc\x7F"
                       "d\xC2\x85"
                       "e\xE2\x80\xA8"
                       "f\xE2\x80\xA9g\th\ni");
    assert_string_equal(json_string_value(j), "a b c d e f g\th\ni");
    json_decref(j);
    /* U+00A0 and other C2 characters stay */
    j = nw_json_string("x\xC2\xA0y\xE2\x80\x94z");
    assert_string_equal(json_string_value(j), "x\xC2\xA0y\xE2\x80\x94z");
    json_decref(j);

    nw_article_init(&art);
    nw_article_set(&art.url, "https://a.com/x");
    nw_article_set(&art.description, "one\xC2\x85two");
    nw_article_set(&art.text, "para one\xE2\x80\xA8still one\n\npara two");
    art.authors = json_pack("[s]", "Ann\x0BLee");
    art.entities = json_pack("{s:[{s:s,s:i}],s:[],s:[]}", "persons", "name", "Ann\xC2\x85Lee",
                             "count", 1, "organizations", "locations");
    rec = nw_record_article(&art);
    assert_non_null(rec);
    assert_string_equal(json_string_value(json_object_get(rec, "description")), "one two");
    assert_string_equal(json_string_value(json_object_get(rec, "text")),
                        "para one still one\n\npara two");
    assert_string_equal(json_string_value(json_array_get(json_object_get(rec, "authors"), 0)),
                        "Ann Lee");
    /* the article keeps its own values: the record holds cleaned copies */
    assert_string_equal(json_string_value(json_array_get(art.authors, 0)), "Ann\x0BLee");
    line = nw_record_dump(rec);
    assert_non_null(line);
    assert_null(strstr(line, "\xC2\x85"));
    assert_null(strstr(line, "\xE2\x80\xA8"));
    assert_non_null(strstr(line, "\"Ann Lee\""));
    free(line);
    json_decref(rec);
    nw_article_fini(&art);
}

/* A tree with nothing to clean is shared with the article, not copied; one that needs
 * cleaning is copied and the article's own stays as it was. */
static void test_clean_trees_shared(void **state)
{
    struct nw_article art;
    json_t *rec;

    (void)state;
    nw_article_init(&art);
    nw_article_set(&art.url, "https://a.com/x");
    nw_article_set(&art.text, "text");
    art.entities = json_pack("{s:[{s:s,s:i}],s:[],s:[]}", "persons", "name", "Ann Lee", "count", 1,
                             "organizations", "locations");
    art.quotes = json_pack("[{s:s}]", "text", "said\x0Bthis");
    rec = nw_record_article(&art);
    assert_non_null(rec);
    assert_ptr_equal(json_object_get(rec, "entities"), art.entities);
    assert_ptr_not_equal(json_object_get(rec, "quotes"), art.quotes);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(rec, "quotes"), 0), "text")),
                        "said this");
    assert_string_equal(json_string_value(json_object_get(json_array_get(art.quotes, 0), "text")),
                        "said\x0Bthis");
    json_decref(rec);
    nw_article_fini(&art);
}

static void test_error_record_meta(void **state)
{
    struct nw_article art;
    struct nw_error_info info = {.url = "https://a.com/video",
                                 .stage = "extract",
                                 .code = "no_content",
                                 .message = "no article text found",
                                 .attempts = 1};
    json_t *rec, *m;

    (void)state;
    nw_article_init(&art);
    /* nothing identifying: no "meta" */
    info.article = &art;
    nw_article_set(&art.description, "only a description");
    rec = nw_record_error(&info);
    assert_non_null(rec);
    assert_exact_keys(rec, error_keys, sizeof(error_keys) / sizeof(error_keys[0]));
    json_decref(rec);

    nw_article_set(&art.title, "Video: the council votes");
    nw_article_set(&art.published_at, "2019-05-03T10:00:00+02:00");
    nw_article_set(&art.declared_language, "de-AT");
    nw_article_set(&art.canonical_url, "https://a.com/v/1");
    nw_article_set(&art.site_name, "A News");
    rec = nw_record_error(&info);
    assert_non_null(rec);
    assert_int_equal(json_object_size(rec), 10);
    m = json_object_get(rec, "meta");
    assert_true(json_is_object(m));
    assert_string_equal(json_string_value(json_object_get(m, "title")), "Video: the council votes");
    assert_string_equal(json_string_value(json_object_get(m, "published_at")),
                        "2019-05-03T10:00:00+02:00");
    assert_string_equal(json_string_value(json_object_get(m, "language")), "de");
    assert_string_equal(json_string_value(json_object_get(m, "canonical_url")),
                        "https://a.com/v/1");
    assert_string_equal(json_string_value(json_object_get(m, "site_name")), "A News");
    assert_string_equal(json_string_value(json_object_get(m, "description")), "only a description");
    assert_true(json_is_null(json_object_get(m, "modified_at")));
    assert_true(json_is_array(json_object_get(m, "authors")));
    json_decref(rec);
    nw_article_fini(&art);
}

/* The source context: text keys as strings, binary keys as hex, long keys not echoed;
 * nw_record_source_key gives the original bytes back for the header. */
static void test_source(void **state)
{
    struct nw_error_info info = {
        .url = "http://x/", .stage = "fetch", .code = "timeout", .message = "m", .attempts = 1};
    static const char bin[] = {'k', '\0', '\n', (char)0xff};
    char big[NW_RECORD_SOURCE_KEY_MAX + 1], back[NW_RECORD_SOURCE_KEY_MAX];
    struct nw_record_source src = {"news.urls", 3, 42, "user-7", 6};
    json_t *rec, *so;

    (void)state;
    rec = nw_record_error(&info);
    assert_non_null(rec);
    assert_int_equal(nw_record_source_key(rec, back, sizeof(back)), -1);
    assert_int_equal(nw_record_set_source(rec, &src), NW_OK);
    so = json_object_get(rec, "source");
    assert_string_equal(json_string_value(json_object_get(so, "topic")), "news.urls");
    assert_int_equal(json_integer_value(json_object_get(so, "partition")), 3);
    assert_int_equal(json_integer_value(json_object_get(so, "offset")), 42);
    assert_string_equal(json_string_value(json_object_get(so, "key")), "user-7");
    assert_int_equal(nw_record_source_key(rec, back, sizeof(back)), 6);
    assert_memory_equal(back, "user-7", 6);

    src.key = bin;
    src.key_len = sizeof(bin);
    assert_int_equal(nw_record_set_source(rec, &src), NW_OK);
    so = json_object_get(rec, "source");
    assert_true(json_is_null(json_object_get(so, "key")));
    assert_string_equal(json_string_value(json_object_get(so, "key_hex")), "6b000aff");
    assert_int_equal(nw_record_source_key(rec, back, sizeof(back)), 4);
    assert_memory_equal(back, bin, 4);

    src.key = NULL;
    src.key_len = 0;
    assert_int_equal(nw_record_set_source(rec, &src), NW_OK);
    so = json_object_get(rec, "source");
    assert_true(json_is_null(json_object_get(so, "key")));
    assert_null(json_object_get(so, "key_hex"));
    assert_int_equal(nw_record_source_key(rec, back, sizeof(back)), -1);

    memset(big, 'a', sizeof(big));
    src.key = big;
    src.key_len = sizeof(big);
    assert_int_equal(nw_record_set_source(rec, &src), NW_OK);
    so = json_object_get(rec, "source");
    assert_true(json_is_null(json_object_get(so, "key")));
    assert_true(json_is_true(json_object_get(so, "key_truncated")));
    json_decref(rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_article_full),
        cmocka_unit_test(test_article_minimal_defaults),
        cmocka_unit_test(test_article_hostile_values),
        cmocka_unit_test(test_error_record),
        cmocka_unit_test(test_error_record_defaults),
        cmocka_unit_test(test_rfc3339),
        cmocka_unit_test(test_json_string),
        cmocka_unit_test(test_controls_removed),
        cmocka_unit_test(test_clean_trees_shared),
        cmocka_unit_test(test_error_record_meta),
        cmocka_unit_test(test_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
