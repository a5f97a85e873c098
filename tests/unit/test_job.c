/* test_job.c — url job lines: bare URLs and url-job JSON, and everything that is not one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "job.h"
#include "mem.h"

#define MAXB (1u << 20)
#define S(lit) (lit), sizeof(lit) - 1

static void parse_ok(const char *line, struct nw_job *job)
{
    char err[256] = "";

    assert_int_equal(nw_job_parse(line, strlen(line), MAXB, job, err, sizeof(err)), NW_OK);
    assert_non_null(job->url);
    assert_true(json_is_object(job->raw));
}

/* Asserts a rejection whose message contains want_msg; the job is left empty. */
static void parse_bad(const char *line, size_t len, enum nw_status want, const char *want_msg)
{
    struct nw_job job;
    char err[256] = "";

    assert_int_equal(nw_job_parse(line, len, MAXB, &job, err, sizeof(err)), want);
    if (!strstr(err, want_msg))
        print_error("message: %s\n", err);
    assert_non_null(strstr(err, want_msg));
    assert_null(job.url);
    assert_null(job.raw);
    assert_null(job.meta);
    assert_null(job.html);
    assert_null(job.warc_file);
    nw_job_fini(&job);
}

static void test_bare_url(void **state)
{
    struct nw_job job;

    (void)state;
    parse_ok("  https://example.com/a?b=1 \r\n", &job);
    assert_string_equal(job.url, "https://example.com/a?b=1");
    assert_string_equal(json_string_value(json_object_get(job.raw, "url")), job.url);
    assert_int_equal(json_object_size(job.raw), 1);
    assert_null(job.meta);
    assert_null(job.html);
    assert_null(job.text);
    assert_int_equal(job.priority, 0);
    nw_job_fini(&job);
    nw_job_fini(&job); /* idempotent */
    nw_job_fini(NULL);
}

static void test_json_job(void **state)
{
    struct nw_job job;

    (void)state;
    parse_ok("{\"url\":\"https://example.com/x\",\"meta\":{\"source\":\"rss\",\"n\":[1,2]},"
             "\"priority\":-7,\"html\":\"<p>caf\\u00e9</p>\",\"text\":null,\"extra\":true}",
             &job);
    assert_string_equal(job.url, "https://example.com/x");
    assert_true(json_is_object(job.meta));
    assert_string_equal(json_string_value(json_object_get(job.meta, "source")), "rss");
    assert_int_equal(job.priority, -7);
    assert_string_equal(job.html, "<p>caf\xC3\xA9</p>");
    assert_int_equal(job.html_len, strlen(job.html));
    assert_null(job.text);
    assert_true(json_is_true(json_object_get(job.raw, "extra"))); /* passed through */
    nw_job_fini(&job);

    parse_ok("{\"url\":\"http://e.com/\",\"text\":\"Plain.\\n\\nText.\",\"meta\":null}", &job);
    assert_string_equal(job.text, "Plain.\n\nText.");
    assert_int_equal(job.text_len, 13);
    assert_null(job.meta);
    nw_job_fini(&job);
}

static void test_invalid_json_and_shapes(void **state)
{
    (void)state;
    parse_bad(S(""), NW_EINVAL, "empty");
    parse_bad(S(" \t\r\n"), NW_EINVAL, "empty");
    parse_bad(S("{\"url\":"), NW_EINVAL, "invalid JSON");
    parse_bad(S("{url: 'x'}"), NW_EINVAL, "invalid JSON");
    parse_bad(S("{\"url\":\"http://a.com/\"} trailing"), NW_EINVAL, "invalid JSON");
    parse_bad(S("[\"http://a.com/\"]"), NW_EINVAL, "object");
    parse_bad(S("\"http://a.com/\""), NW_EINVAL, "object");
    parse_bad(S("{}"), NW_EINVAL, "url");
    parse_bad(S("{\"meta\":{}}"), NW_EINVAL, "url");
    parse_bad(S("{\"url\":\"\"}"), NW_EINVAL, "url");
    parse_bad(S("{\"url\":42}"), NW_EINVAL, "url");
    parse_bad(S("{\"url\":null}"), NW_EINVAL, "url");
    parse_bad(S("{\"url\":\"http://a.com/\",\"url\":\"http://b.com/\"}"), NW_EINVAL,
              "invalid JSON");
}

static void test_wrong_types(void **state)
{
    (void)state;
    parse_bad(S("{\"url\":\"http://a.com/\",\"meta\":\"x\"}"), NW_EINVAL, "meta");
    parse_bad(S("{\"url\":\"http://a.com/\",\"meta\":[1]}"), NW_EINVAL, "meta");
    parse_bad(S("{\"url\":\"http://a.com/\",\"priority\":\"high\"}"), NW_EINVAL, "priority");
    parse_bad(S("{\"url\":\"http://a.com/\",\"priority\":1.5}"), NW_EINVAL, "priority");
    parse_bad(S("{\"url\":\"http://a.com/\",\"priority\":99999999999}"), NW_EINVAL, "priority");
    parse_bad(S("{\"url\":\"http://a.com/\",\"html\":5}"), NW_EINVAL, "html");
    parse_bad(S("{\"url\":\"http://a.com/\",\"text\":{}}"), NW_EINVAL, "text");
}

static void test_bad_urls(void **state)
{
    (void)state;
    parse_bad(S("ftp://example.com/file"), NW_EINVAL, "scheme");
    parse_bad(S("{\"url\":\"ftp://example.com/\"}"), NW_EINVAL, "scheme");
    parse_bad(S("example.com/news"), NW_EINVAL, "absolute");
    parse_bad(S("http://exa mple.com/"), NW_EINVAL, "absolute");
    parse_bad(S("{\"url\":\" http://a.com/\"}"), NW_EINVAL, "absolute");
    parse_bad(S("javascript:alert(1)"), NW_EINVAL, "URL");
    parse_bad(S("http://a.com/\xFF\xFE"), NW_EINVAL, "");
}

static void test_nul_bytes(void **state)
{
    (void)state;
    parse_bad(S("http://a.com/\0evil"), NW_EINVAL, "NUL");
    parse_bad(S("{\"url\":\"http://a.com/\"}\0"), NW_EINVAL, "NUL");
    /* an escaped NUL inside a JSON string is refused by the parser */
    parse_bad(S("{\"url\":\"http://a.com/\\u0000x\"}"), NW_EINVAL, "invalid JSON");
}

static void test_over_long_line(void **state)
{
    const size_t n = 2 * MAXB;
    char *line = nw_malloc(n), err[128] = "";
    struct nw_job job;

    (void)state;
    assert_non_null(line);
    memset(line, 'a', n);
    memcpy(line, "http://a.com/", 13);
    assert_int_equal(nw_job_parse(line, n, MAXB, &job, err, sizeof(err)), NW_ETOOBIG);
    assert_null(job.url);
    /* a long but allowed URL is still refused (URLs are bounded at 8 KB) */
    assert_int_equal(nw_job_parse(line, MAXB, MAXB, &job, err, sizeof(err)), NW_EINVAL);
    assert_null(job.url);
    nw_free(line);
}

static void test_deeply_nested_meta(void **state)
{
    const int depth = 100000;
    char *line = nw_malloc(2 * depth + 64), *p, err[128] = "";
    struct nw_job job;
    enum nw_status r;

    (void)state;
    assert_non_null(line);
    p = line;
    memcpy(p, "{\"url\":\"http://a.com/\",\"meta\":", 30);
    p += 30;
    for (int i = 0; i < depth; i++)
        *p++ = '[';
    for (int i = 0; i < depth; i++)
        *p++ = ']';
    *p++ = '}';
    r = nw_job_parse(line, (size_t)(p - line), 4 * MAXB, &job, err, sizeof(err));
    assert_int_equal(r, NW_EINVAL); /* too deep for the parser, or not an object */
    nw_job_fini(&job);
    nw_free(line);
}

/* "warc": {file, offset}: an archived response instead of a fetch; url optional then. */
static void test_warc_job(void **state)
{
    struct nw_job job;
    char err[256] = "";
    const char *line;

    (void)state;
    parse_ok("{\"url\": \"https://example.com/a\", \"warc\": {\"file\": \"cc/x.warc.gz\", "
             "\"offset\": 1834211, \"length\": 7}}",
             &job);
    assert_string_equal(job.url, "https://example.com/a");
    assert_string_equal(job.warc_file, "cc/x.warc.gz");
    assert_true(job.warc_offset == 1834211ULL);
    /* passed through whole into the record's job echo, unknown keys too */
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(job.raw, "warc"), "length")), 7);
    nw_job_fini(&job);

    /* without url (null or absent): the record's WARC-Target-URI names the page later */
    line = "{\"warc\": {\"file\": \"/data/warc/a.warc\", \"offset\": 0}}";
    assert_int_equal(nw_job_parse(line, strlen(line), MAXB, &job, err, sizeof(err)), NW_OK);
    assert_null(job.url);
    assert_string_equal(job.warc_file, "/data/warc/a.warc");
    assert_true(job.warc_offset == 0);
    nw_job_fini(&job);
    line = "{\"url\": null, \"warc\": {\"file\": \"a.warc\", \"offset\": 9007199254740993}}";
    assert_int_equal(nw_job_parse(line, strlen(line), MAXB, &job, err, sizeof(err)), NW_OK);
    assert_null(job.url);
    assert_true(job.warc_offset == 9007199254740993ULL);
    nw_job_fini(&job);
    /* a warc null is no warc: url is needed again */
    parse_bad(S("{\"warc\": null}"), NW_EINVAL, "no string field 'url'");
    /* the url, when given, is checked as ever */
    parse_bad(S("{\"url\": \"ftp://x/y\", \"warc\": {\"file\": \"a\", \"offset\": 0}}"), NW_EINVAL,
              "scheme");
    parse_bad(S("{\"url\": 5, \"warc\": {\"file\": \"a\", \"offset\": 0}}"), NW_EINVAL,
              "no string field 'url'");
    /* shapes */
    parse_bad(S("{\"warc\": \"a.warc\"}"), NW_EINVAL, "'warc' must be an object");
    parse_bad(S("{\"warc\": {\"offset\": 0}}"), NW_EINVAL, "no string field 'file'");
    parse_bad(S("{\"warc\": {\"file\": \"\", \"offset\": 0}}"), NW_EINVAL,
              "no string field 'file'");
    parse_bad(S("{\"warc\": {\"file\": 3, \"offset\": 0}}"), NW_EINVAL, "no string field 'file'");
    parse_bad(S("{\"warc\": {\"file\": \"a\"}}"), NW_EINVAL, "'warc.offset' must be");
    parse_bad(S("{\"warc\": {\"file\": \"a\", \"offset\": -1}}"), NW_EINVAL,
              "'warc.offset' must be");
    parse_bad(S("{\"warc\": {\"file\": \"a\", \"offset\": 1.5}}"), NW_EINVAL,
              "'warc.offset' must be");
    parse_bad(S("{\"warc\": {\"file\": \"a\", \"offset\": \"12\"}}"), NW_EINVAL,
              "'warc.offset' must be");
    parse_bad(S("{\"warc\": {\"file\": \"a\\u0000b\", \"offset\": 0}}"), NW_EINVAL,
              "invalid JSON" /* NUL refused by the decoder */);
    /* not with an inline page */
    parse_bad(S("{\"url\": \"https://e.com/\", \"html\": \"<p>x</p>\", "
                "\"warc\": {\"file\": \"a\", \"offset\": 0}}"),
              NW_EINVAL, "at most one of");
    parse_bad(S("{\"text\": \"x\", \"warc\": {\"file\": \"a\", \"offset\": 0}}"), NW_EINVAL,
              "at most one of");
}

/* A warc.file over NW_JOB_WARC_FILE_MAX bytes is refused. */
static void test_warc_file_too_long(void **state)
{
    size_t n = NW_JOB_WARC_FILE_MAX + 1;
    char *line = nw_malloc(n + 64);
    int len;

    (void)state;
    assert_non_null(line);
    len = sprintf(line, "{\"warc\": {\"offset\": 0, \"file\": \"");
    memset(line + len, 'a', n);
    len += (int)n;
    len += sprintf(line + len, "\"}}");
    parse_bad(line, (size_t)len, NW_EINVAL, "over 4096 bytes");
    nw_free(line);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bare_url),
        cmocka_unit_test(test_json_job),
        cmocka_unit_test(test_invalid_json_and_shapes),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_bad_urls),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_over_long_line),
        cmocka_unit_test(test_deeply_nested_meta),
        cmocka_unit_test(test_warc_job),
        cmocka_unit_test(test_warc_file_too_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
