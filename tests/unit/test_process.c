/* test_process.c — nw_processor_run end to end on hostile documents. Whatever the
 * extractor and the enrichers do with a page, these must hold: a status comes back, nothing
 * crashes or leaks, a failure names its stage, and on success the text is valid UTF-8 in
 * the normalized shape and the record builds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "article.h"
#include "mem.h"
#include "process.h"
#include "record.h"
#include "utf8.h"

static struct nw_processor *proc;

static int setup(void **state)
{
    char err[256] = "";

    (void)state;
    proc = nw_processor_create(NULL, err, sizeof(err));
    if (!proc)
        fprintf(stderr, "nw_processor_create: %s\n", err);
    return proc ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    nw_processor_destroy(proc);
    nw_processor_destroy(NULL);
    return 0;
}

/* Runs one input; checks the invariants; returns the status. */
static enum nw_status run(const char *data, size_t len, int is_text, const char *ctype,
                          struct nw_article *art)
{
    struct nw_input in = {.data = data,
                          .len = len,
                          .is_text = is_text,
                          .content_type = ctype,
                          .url = "https://news.example.com/a/story.html",
                          .fetched_at = "2026-11-23T10:00:00Z"};
    const char *stage = NULL;
    char err[512] = "";
    enum nw_status result;
    json_t *rec;

    nw_article_init(art);
    result = nw_processor_run(proc, &in, art, &stage, err, sizeof(err));
    assert_true(result <= 0 && result >= NW_ENOTHTML);
    assert_string_equal(art->url, "https://news.example.com/a/story.html");
    if (result) {
        assert_non_null(stage);
        assert_true(stage[0] != '\0');
        assert_true(err[0] != '\0');
        return result;
    }
    assert_non_null(art->text);
    assert_true(art->text[0] != '\0');
    assert_true(nw_utf8_valid(art->text, strlen(art->text)));
    assert_null(strstr(art->text, "\n\n\n"));
    assert_null(strstr(art->text, "  "));
    assert_int_not_equal(art->text[0], ' ');
    assert_int_not_equal(art->text[0], '\n');
    if (art->title)
        assert_true(nw_utf8_valid(art->title, strlen(art->title)));
    rec = nw_record_article(art);
    assert_non_null(rec);
    assert_string_equal(json_string_value(json_object_get(rec, "schema")), NW_ARTICLE_SCHEMA);
    json_decref(rec);
    return result;
}

#define PARA "<p>The harbour reopened on Monday after a three-week closure, officials said.</p>"

static void test_simple_article(void **state)
{
    static const char page[] =
        "<!DOCTYPE html><html lang=en><head><title>Harbour</title></head>"
        "<body><article><h1>Harbour reopens</h1>" PARA PARA "</article></body></html>";
    struct nw_article art;

    (void)state;
    assert_int_equal(run(page, sizeof(page) - 1, 0, "text/html; charset=utf-8", &art), NW_OK);
    assert_non_null(strstr(art.text, "harbour reopened on Monday"));
    assert_string_equal(art.domain, "news.example.com");
    nw_article_fini(&art);
}

static void test_html_without_body(void **state)
{
    static const char page[] = "<title>No body</title>" PARA "<p>Second paragraph of the "
                               "story, with more words in it than the first one had.</p>";
    struct nw_article art;
    enum nw_status r;

    (void)state;
    r = run(page, sizeof(page) - 1, 0, NULL, &art);
    assert_true(r == NW_OK || r == NW_ENOCONTENT);
    if (r == NW_OK)
        assert_non_null(strstr(art.text, "harbour reopened"));
    nw_article_fini(&art);
}

static void test_empty_input(void **state)
{
    struct nw_article art;

    (void)state;
    assert_int_equal(run("", 0, 0, NULL, &art), NW_ENOCONTENT);
    nw_article_fini(&art);
    assert_int_equal(run("", 0, 1, NULL, &art), NW_ENOCONTENT);
    nw_article_fini(&art);
    assert_int_equal(run(" \n\t ", 4, 1, NULL, &art), NW_ENOCONTENT);
    nw_article_fini(&art);
    assert_int_equal(run("<html><body></body></html>", 26, 0, NULL, &art), NW_ENOCONTENT);
    nw_article_fini(&art);
}

static void test_nul_bytes(void **state)
{
    static const char page[] = "<html><bo\0dy><article><h1>T\0itle</h1><p>The harbour\0 "
                               "reopened on Monday after a three-week closure.</p>\0"
                               "<p>Officials said traffic would return to normal.</p>"
                               "</article></body></html>";
    static const char text[] = "Plain\0 text\0 story.\n\nWith two paragraphs\0.";
    struct nw_article art;
    enum nw_status r;

    (void)state;
    r = run(page, sizeof(page) - 1, 0, NULL, &art);
    assert_true(r == NW_OK || r == NW_ENOCONTENT);
    if (r == NW_OK)
        assert_null(memchr(art.text, '\0', strlen(art.text)));
    nw_article_fini(&art);
    assert_int_equal(run(text, sizeof(text) - 1, 1, NULL, &art), NW_OK);
    assert_non_null(strstr(art.text, "Plain text story."));
    nw_article_fini(&art);
}

static void test_deep_nesting(void **state)
{
    const int depth = 100000;
    size_t cap = (size_t)depth * 15 + 4096, n = 0;
    char *page = nw_malloc(cap);
    struct nw_article art;
    enum nw_status r;

    (void)state;
    assert_non_null(page);
    n += (size_t)snprintf(page + n, cap - n, "<html><body>" PARA);
    for (int i = 0; i < depth; i++) {
        memcpy(page + n, i % 2 ? "<div>" : "<span>", i % 2 ? 5 : 6);
        n += i % 2 ? 5 : 6;
    }
    n += (size_t)snprintf(page + n, cap - n, "deep text" PARA);
    for (int i = depth - 1; i >= 0; i--) {
        memcpy(page + n, i % 2 ? "</div>" : "</span>", i % 2 ? 6 : 7);
        n += i % 2 ? 6 : 7;
    }
    n += (size_t)snprintf(page + n, cap - n, "</body></html>");
    r = run(page, n, 0, NULL, &art);
    assert_true(r == NW_OK || r == NW_ENOCONTENT || r == NW_ETOOBIG || r == NW_EPARSE);
    nw_article_fini(&art);
    /* unclosed nesting, and nesting of table parts that the HTML5 tree builder reorders */
    n = 0;
    for (int i = 0; i < depth; i++) {
        memcpy(page + n, "<table><tr><td>", 15);
        n += 15;
        if ((size_t)n + 4096 >= cap)
            break;
    }
    r = run(page, n, 0, NULL, &art);
    assert_true(r == NW_OK || r == NW_ENOCONTENT || r == NW_ETOOBIG || r == NW_EPARSE);
    nw_article_fini(&art);
    nw_free(page);
}

static void test_charsets_and_garbage(void **state)
{
    static const char latin[] = "<html><head><meta charset=\"iso-8859-1\"></head><body><article>"
                                "<p>Caf\xE9 owners in the old town said the closure had cost "
                                "them dearly over the summer.</p></article></body></html>";
    char garbage[4096];
    struct nw_article art;
    enum nw_status r;

    (void)state;
    assert_int_equal(run(latin, sizeof(latin) - 1, 0, NULL, &art), NW_OK);
    assert_non_null(strstr(art.text, "Caf\xC3\xA9"));
    nw_article_fini(&art);
    for (size_t i = 0; i < sizeof(garbage); i++)
        garbage[i] = (char)((i * 131 + 17) ^ (i >> 3));
    /* binary bytes served as HTML are not parsed at all */
    r = run(garbage, sizeof(garbage), 0, "text/html; charset=utf-8", &art);
    assert_int_equal(r, NW_ENOTHTML);
    nw_article_fini(&art);
    r = run(garbage, sizeof(garbage), 1, "text/plain; charset=shift_jis", &art);
    assert_true(r == NW_OK || r == NW_ENOCONTENT);
    nw_article_fini(&art);
}

/* gzip (not zlib) format, as servers and .html.gz files have it. */
static int gzip2(unsigned char *dst, uLongf *dst_len, const void *src, size_t len)
{
    z_stream zs = {0};
    int zr;

    if (deflateInit2(&zs, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return Z_MEM_ERROR;
    zs.next_in = (Bytef *)src;
    zs.avail_in = (uInt)len;
    zs.next_out = dst;
    zs.avail_out = (uInt)*dst_len;
    zr = deflate(&zs, Z_FINISH);
    *dst_len = zs.total_out;
    deflateEnd(&zs);
    return zr == Z_STREAM_END ? Z_OK : Z_BUF_ERROR;
}

static void test_gzip_input_and_bomb(void **state)
{
    static const char page[] = "<html><body><article>" PARA PARA "</article></body></html>";
    const size_t bomb_len = 40u << 20;
    unsigned char *z;
    uLongf zlen;
    char *zeros;
    struct nw_article art;
    enum nw_status r;

    (void)state;
    zlen = compressBound(bomb_len) + 64;
    z = nw_malloc(zlen);
    assert_non_null(z);
    assert_int_equal(gzip2(z, &zlen, page, sizeof(page) - 1), Z_OK);
    assert_int_equal(run((const char *)z, zlen, 0, NULL, &art), NW_OK);
    assert_non_null(strstr(art.text, "harbour reopened"));
    nw_article_fini(&art);
    /* truncated gzip: a decode error */
    r = run((const char *)z, zlen / 2, 0, NULL, &art);
    assert_int_equal(r, NW_EPARSE);
    nw_article_fini(&art);
    zlen = compressBound(bomb_len) + 64;
    /* 40 MB of zeros past the 16 MB default limit: inflated only up to the limit, with a
     * warning; zeros are binary bytes, not HTML. */
    zeros = nw_calloc(1, bomb_len);
    assert_non_null(zeros);
    zlen = compressBound(bomb_len) + 64;
    assert_int_equal(gzip2(z, &zlen, zeros, bomb_len), Z_OK);
    nw_free(zeros);
    r = run((const char *)z, zlen, 0, NULL, &art);
    assert_int_equal(r, NW_ENOTHTML);
    assert_non_null(art.warnings);
    assert_non_null(strstr(json_string_value(json_array_get(art.warnings, 0)), "truncated"));
    nw_article_fini(&art);
    /* a truncated bomb: cut at the bound before its broken end is reached */
    r = run((const char *)z, zlen / 2, 0, NULL, &art);
    assert_int_equal(r, NW_ENOTHTML);
    assert_non_null(art.warnings);
    nw_article_fini(&art);
    nw_free(z);
}

static void test_50mb_body(void **state)
{
    const size_t n = 50u << 20;
    char *big = nw_malloc(n);
    struct nw_article art;
    enum nw_status r;
    size_t off = 0;

    (void)state;
    assert_non_null(big);
    off += (size_t)snprintf(big, n, "<html><body><article>");
    while (off + sizeof(PARA) < n - 64) {
        memcpy(big + off, PARA, sizeof(PARA) - 1);
        off += sizeof(PARA) - 1;
    }
    memset(big + off, ' ', n - off);
    /* cut to extract.max_html_bytes (16 MB) with a warning, or refused: never a crash */
    r = run(big, n, 0, NULL, &art);
    assert_true(r == NW_OK || r == NW_ETOOBIG || r == NW_ENOCONTENT);
    if (r == NW_OK) {
        assert_true(strlen(art.text) <= (16u << 20));
        assert_non_null(art.warnings);
        assert_true(json_array_size(art.warnings) >= 1);
    }
    nw_article_fini(&art);
    nw_free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_article),      cmocka_unit_test(test_html_without_body),
        cmocka_unit_test(test_empty_input),         cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_deep_nesting),        cmocka_unit_test(test_charsets_and_garbage),
        cmocka_unit_test(test_gzip_input_and_bomb), cmocka_unit_test(test_50mb_body),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
