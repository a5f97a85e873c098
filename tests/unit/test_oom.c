/* test_oom.c — allocation failure injection (curl's torture mode): for each operation, fail
 * allocation 1, 2, ... N in turn. Every call must return an error or succeed; it must never
 * crash, and (under the ASan build) never leak. A success under injection must also be a
 * correct result. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "buf.h"
#include "decode.h"
#include "gunzip.h"
#include "job.h"
#include "mem.h"
#include "normalize.h"
#include "record.h"
#include "url.h"
#include "utf8.h"

#define ROUNDS 400 /* more than any operation below allocates */

/* One operation under test: returns 0 on success, 1 on a clean failure. Anything else
 * (a wrong result) fails the test inside. */
typedef int op_fn(void);

static void torture(op_fn *op, const char *name)
{
    int successes_in_a_row = 0, failures = 0;

    for (long n = 1; n <= ROUNDS; n++) {
        int r;
        nw_mem_fail_after(n);
        r = op();
        nw_mem_fail_after(0);
        if (r)
            failures++;
        /* Once the op succeeds with the n-th allocation failing, it did fewer than n
         * allocations: later rounds would repeat it. Stop after a few. */
        successes_in_a_row = r ? 0 : successes_in_a_row + 1;
        if (successes_in_a_row >= 3)
            break;
    }
    if (!failures)
        fail_msg("%s never saw an allocation fail", name);
    assert_int_equal(op(), 0); /* and it still works normally */
}

static int op_buf(void)
{
    struct nw_buf b;
    char *s;
    int r = 0;

    nw_buf_init(&b, 1 << 20);
    for (int i = 0; i < 100 && !r; i++)
        r = nw_buf_printf(&b, "line %d of some text that grows the buffer\n", i) != NW_OK;
    if (!r) {
        s = nw_buf_detach(&b, NULL);
        if (!s)
            r = 1;
        else
            assert_non_null(strstr(s, "line 99 "));
        nw_free(s);
    }
    nw_buf_fini(&b);
    return r;
}

static int op_decode(void)
{
    static const char page[] = "<html><head><meta charset=\"windows-1252\"></head>"
                               "<body>caf\xE9 \x93quoted\x94</body></html>";
    struct nw_decoded dec;
    enum nw_status r = nw_decode(page, sizeof(page) - 1, NULL, 1, 1 << 20, &dec, NULL, 0);

    if (r) {
        assert_int_equal(r, NW_ENOMEM);
        assert_null(dec.text);
        return 1;
    }
    assert_non_null(strstr(dec.text, "caf\xC3\xA9 \xE2\x80\x9Cquoted"));
    nw_decoded_fini(&dec);
    return 0;
}

static int op_decode_utf8(void)
{
    struct nw_decoded dec;
    enum nw_status r =
        nw_decode("ok \xC3\xA9 \xFF", 8, "text/html; charset=utf-8", 1, 1 << 20, &dec, NULL, 0);

    if (r)
        return 1;
    assert_true(nw_utf8_valid(dec.text, dec.len));
    nw_decoded_fini(&dec);
    return 0;
}

static int op_normalize(void)
{
    static const char in[] = "  First\xC2\xA0paragraph e\xCC\x81 \n\n\n Second \t line.  ";
    char *out = NULL;
    enum nw_status r = nw_normalize_text(in, sizeof(in) - 1, 1 << 16, &out, NULL);

    if (r) {
        assert_null(out);
        return 1;
    }
    assert_string_equal(out, "First paragraph \xC3\xA9\n\nSecond line.");
    nw_free(out);
    return 0;
}

static int op_gunzip(void)
{
    /* gzip of "hello hello hello\n" */
    static const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03,
                                       0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0xc8, 0x40, 0x90, 0x5c,
                                       0x00, 0x3b, 0x7c, 0x8a, 0xdf, 0x12, 0x00, 0x00, 0x00};
    char *out = NULL;
    size_t len = 0;
    enum nw_status r = nw_gunzip(gz, sizeof(gz), 1024, &out, &len);

    if (r) {
        assert_int_equal(r, NW_ENOMEM);
        assert_null(out);
        return 1;
    }
    assert_string_equal(out, "hello hello hello\n");
    nw_free(out);
    return 0;
}

static int op_url(void)
{
    char *a = NULL, *b = NULL, *c = NULL;
    int r = 0;

    if (nw_url_canonicalize("HTTPS://Example.com/a/../b?utm_source=x&id=1#f", &a))
        r = 1;
    else
        assert_string_equal(a, "https://example.com/b?id=1");
    if (nw_url_resolve("https://example.com/a/b.html", " ../c d.html", &b))
        r = 1;
    else
        assert_string_equal(b, "https://example.com/c%20d.html");
    if (nw_url_from_path("/tmp/x y.html", &c))
        r = 1;
    else
        assert_string_equal(c, "file:///tmp/x%20y.html");
    nw_free(a);
    nw_free(b);
    nw_free(c);
    return r;
}

static int op_job(void)
{
    static const char line[] = "{\"url\":\"https://a.com/x\",\"meta\":{\"k\":[1,2,3]},"
                               "\"html\":\"<p>x</p>\",\"text\":\"t\",\"priority\":3}";
    struct nw_job job;
    char err[128];
    enum nw_status r = nw_job_parse(line, sizeof(line) - 1, 1 << 20, &job, err, sizeof(err));

    if (r) {
        assert_null(job.url);
        assert_null(job.raw);
        return 1;
    }
    assert_string_equal(job.url, "https://a.com/x");
    assert_string_equal(job.html, "<p>x</p>");
    nw_job_fini(&job);
    return 0;
}

static int op_job_bare(void)
{
    struct nw_job job;
    enum nw_status r = nw_job_parse("https://a.com/y", 15, 1 << 20, &job, NULL, 0);

    if (r) {
        assert_null(job.url);
        return 1;
    }
    assert_string_equal(job.url, "https://a.com/y");
    nw_job_fini(&job);
    return 0;
}

static int op_record(void)
{
    struct nw_article art;
    json_t *rec, *err_rec;
    char *dump = NULL;
    int r = 0;
    struct nw_error_info info = {
        .url = "https://a.com/\xFF", .stage = "fetch", .code = "timeout", .message = "m"};

    nw_article_init(&art);
    if (nw_article_set(&art.url, "https://a.com/x") || nw_article_set(&art.text, "Body \xFF") ||
        nw_article_set(&art.title, "T") || nw_article_warn(&art, "w")) {
        nw_article_fini(&art);
        return 1;
    }
    rec = nw_record_article(&art);
    if (!rec) {
        r = 1;
    } else {
        dump = nw_record_dump(rec);
        if (!dump)
            r = 1;
        else
            assert_non_null(strstr(dump, "\"schema\":\"newsworker.article/1\""));
    }
    err_rec = nw_record_error(&info);
    if (!err_rec)
        r = 1;
    free(dump);
    json_decref(rec);
    json_decref(err_rec);
    nw_article_fini(&art);
    return r;
}

static void *jansson_malloc(size_t n)
{
    return nw_malloc(n);
}

static void jansson_free(void *p)
{
    nw_free(p);
}

static void test_buf(void **state)
{
    (void)state;
    torture(op_buf, "buf");
}

static void test_decode(void **state)
{
    (void)state;
    torture(op_decode, "decode");
    torture(op_decode_utf8, "decode utf-8");
}

static void test_normalize(void **state)
{
    (void)state;
    torture(op_normalize, "normalize");
}

static void test_gunzip(void **state)
{
    (void)state;
    torture(op_gunzip, "gunzip");
}

static void test_url(void **state)
{
    (void)state;
    torture(op_url, "url");
}

static void test_job(void **state)
{
    (void)state;
    torture(op_job, "job");
    torture(op_job_bare, "job (bare URL)");
}

static void test_record(void **state)
{
    (void)state;
    torture(op_record, "record");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf),       cmocka_unit_test(test_decode),
        cmocka_unit_test(test_normalize), cmocka_unit_test(test_gunzip),
        cmocka_unit_test(test_url),       cmocka_unit_test(test_job),
        cmocka_unit_test(test_record),
    };

    /* Jansson's allocations go through nw_malloc too, so its failures are injected. */
    json_set_alloc_funcs(jansson_malloc, jansson_free);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
