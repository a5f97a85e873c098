/*
 * test_warc.c — the WARC reader (shared/warc.h), HTTP messages in response records
 * (shared/httpmsg.h) and the page check (shared/warc_page.h): plain, per-record gzip and
 * whole-file gzip archives; offsets; every kind of bad input ends in an error or warning
 * and the records after it are still read; memory stays within the bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "buf.h"
#include "httpmsg.h"
#include "mem.h"
#include "warc.h"
#include "warc_page.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static unsigned char *gz(const void *src, size_t len, size_t *out_len)
{
    z_stream zs = {0};
    size_t cap = compressBound((uLong)len) + 64;
    unsigned char *out = nw_malloc(cap);

    assert_non_null(out);
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)src;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *out_len = zs.total_out;
    deflateEnd(&zs);
    return out;
}

/* A WARC record with the given type, id, URI and block. */
static void record(struct nw_buf *b, const char *type, const char *id, const char *uri,
                   const char *block)
{
    assert_int_equal(nw_buf_printf(b,
                                   "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%s>\r\n"
                                   "WARC-Date: 2026-11-23T10:15:03Z\r\n",
                                   type, id),
                     NW_OK);
    if (uri)
        assert_int_equal(nw_buf_printf(b, "WARC-Target-URI: %s\r\n", uri), NW_OK);
    if (!strcmp(type, "response") || !strcmp(type, "request"))
        assert_int_equal(nw_buf_printf(b, "Content-Type: application/http;msgtype=%s\r\n", type),
                         NW_OK);
    assert_int_equal(
        nw_buf_printf(b, "Content-Length: %zu\r\n\r\n%s\r\n\r\n", strlen(block), block), NW_OK);
}

static const char *page_response =
    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nETag: \"e1\"\r\n\r\n"
    "<html><head><title>T</title></head><body><p>Body text.</p></body></html>";

/* A source reading from memory, at most step bytes per call (0 = all). */
struct mem_src {
    const unsigned char *data;
    size_t len, pos, step;
    int fail_at; /* > 0: the read after pos >= fail_at fails */
};

static long mem_read(void *ctx, void *buf, size_t len)
{
    struct mem_src *m = ctx;
    size_t n = m->len - m->pos;

    if (m->fail_at > 0 && m->pos >= (size_t)m->fail_at)
        return -1;
    if (n > len)
        n = len;
    if (m->step && n > m->step)
        n = m->step;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (long)n;
}

/* What a whole read gave: one line per event, "R type offset id" / "E offset msg" /
 * "W offset". */
static char *read_all(const void *data, size_t len, size_t step, const struct nw_warc_opts *opts)
{
    struct mem_src m = {.data = data, .len = len, .step = step};
    struct nw_warc_reader *r = nw_warc_reader_create(mem_read, &m, opts);
    const struct nw_warc_record *rec;
    struct nw_warc_problem p;
    enum nw_warc_event ev;
    struct nw_buf out;
    int guard = 0;

    assert_non_null(r);
    nw_buf_init(&out, 1 << 20);
    while ((ev = nw_warc_next(r, &rec, &p)) != NW_WARC_END) {
        assert_true(++guard < 1000);
        if (ev == NW_WARC_RECORD)
            nw_buf_printf(&out, "R %s %llu %s %zu%s\n", rec->type, (unsigned long long)rec->offset,
                          rec->record_id, rec->block_len, rec->block_cut ? " cut" : "");
        else if (ev == NW_WARC_ERROR)
            nw_buf_printf(&out, "E %llu %s\n", (unsigned long long)p.offset, p.message);
        else
            nw_buf_printf(&out, "W %llu %s\n", (unsigned long long)p.offset, p.message);
    }
    assert_int_equal(nw_warc_next(r, &rec, &p), NW_WARC_END);
    nw_warc_reader_destroy(r);
    return nw_buf_detach(&out, NULL);
}

/* Fails with the whole event list when needle is not in got. */
#define assert_has(got, needle)                                                                    \
    do {                                                                                           \
        if (!strstr((got), (needle)))                                                              \
            fail_msg("'%s' not in:\n%s", (needle), (got));                                         \
    } while (0)

static int count_lines(const char *s, char kind)
{
    int n = 0;

    for (const char *p = s; *p; p = strchr(p, '\n') + 1) {
        if (*p == kind)
            n++;
        if (!strchr(p, '\n'))
            break;
    }
    return n;
}

/* ---- framing ---------------------------------------------------------------------------- */

static void test_plain_records_and_offsets(void **state)
{
    struct nw_buf b;
    size_t second;
    char *got, expect[256];

    (void)state;
    nw_buf_init(&b, 1 << 20);
    record(&b, "warcinfo", "1", NULL, "software: test\r\n");
    second = b.len;
    record(&b, "response", "2", "http://example.com/a", page_response);
    for (size_t step = 0; step <= 7; step += 7) {
        got = read_all(b.data, b.len, step, NULL);
        snprintf(expect, sizeof(expect),
                 "R warcinfo 0 <urn:uuid:1> 16\nR response %zu <urn:uuid:2> %zu\n", second,
                 strlen(page_response));
        assert_string_equal(got, expect);
        nw_free(got);
    }
    nw_buf_fini(&b);
}

static void test_fields(void **state)
{
    struct nw_buf b;
    struct mem_src m;
    struct nw_warc_reader *r;
    const struct nw_warc_record *rec;
    struct nw_warc_problem p;

    (void)state;
    nw_buf_init(&b, 1 << 20);
    assert_int_equal(
        nw_buf_puts(&b, "WARC/1.0\r\nWARC-Type: response\r\n"
                        "WARC-Target-URI: <http://example.com/x>\r\n"
                        "WARC-Record-ID: <urn:uuid:9>\r\nWARC-Date: 2026-01-02T03:04:05Z\r\n"
                        "X-Folded: first\r\n  second\r\n"
                        "Content-Length: 3\r\n\r\nabc\r\n\r\n"),
        NW_OK);
    m = (struct mem_src){.data = (unsigned char *)b.data, .len = b.len};
    r = nw_warc_reader_create(mem_read, &m, NULL);
    assert_int_equal(nw_warc_next(r, &rec, &p), NW_WARC_RECORD);
    assert_string_equal(rec->version, "WARC/1.0");
    assert_string_equal(rec->target_uri, "http://example.com/x");
    assert_string_equal(rec->date, "2026-01-02T03:04:05Z");
    assert_string_equal(nw_warc_field(rec, "x-folded"), "first second");
    assert_string_equal(rec->block, "abc");
    assert_int_equal(rec->content_length, 3);
    assert_int_equal(nw_warc_next(r, &rec, &p), NW_WARC_END);
    nw_warc_reader_destroy(r);
    nw_buf_fini(&b);
}

/* Per-record gzip members: offsets are the members' file offsets. */
static void test_gzip_members(void **state)
{
    struct nw_buf one, two, file;
    unsigned char *z1, *z2;
    size_t l1, l2;
    char *got, expect[256];

    (void)state;
    nw_buf_init(&one, 1 << 20);
    nw_buf_init(&two, 1 << 20);
    nw_buf_init(&file, 1 << 20);
    record(&one, "request", "1", "http://example.com/a", "GET /a HTTP/1.1\r\n\r\n");
    record(&two, "response", "2", "http://example.com/a", page_response);
    z1 = gz(one.data, one.len, &l1);
    z2 = gz(two.data, two.len, &l2);
    nw_buf_append(&file, z1, l1);
    nw_buf_append(&file, z2, l2);
    for (size_t step = 0; step <= 5; step += 5) {
        got = read_all(file.data, file.len, step, NULL);
        snprintf(expect, sizeof(expect),
                 "R request 0 <urn:uuid:1> 19\nR response %zu <urn:uuid:2> %zu\n", l1,
                 strlen(page_response));
        assert_string_equal(got, expect);
        nw_free(got);
    }
    /* The same records as one gzip stream: read too (offsets are the member's). */
    {
        struct nw_buf both;
        unsigned char *zb;
        size_t lb;
        nw_buf_init(&both, 1 << 20);
        nw_buf_append(&both, one.data, one.len);
        nw_buf_append(&both, two.data, two.len);
        zb = gz(both.data, both.len, &lb);
        got = read_all(zb, lb, 3, NULL);
        assert_int_equal(count_lines(got, 'R'), 2);
        assert_int_equal(count_lines(got, 'E') + count_lines(got, 'W'), 0);
        nw_free(got);
        nw_free(zb);
        nw_buf_fini(&both);
    }
    nw_free(z1);
    nw_free(z2);
    nw_buf_fini(&one);
    nw_buf_fini(&two);
    nw_buf_fini(&file);
}

/* ---- bad input -------------------------------------------------------------------------- */

static void test_truncated_plain(void **state)
{
    struct nw_buf b;
    char *got;

    (void)state;
    nw_buf_init(&b, 1 << 20);
    record(&b, "response", "1", "http://example.com/a", page_response);
    got = read_all(b.data, b.len - 30, 0, NULL);
    assert_has(got, "E 0 truncated record");
    assert_int_equal(count_lines(got, 'R'), 0);
    nw_free(got);
    /* Cut inside the header block. */
    got = read_all(b.data, 40, 0, NULL);
    assert_has(got, "E 0 truncated record: the input ends inside its header");
    nw_free(got);
    nw_buf_fini(&b);
}

/* Bad lengths and missing fields: an error each, and the next record is read. */
static void test_bad_headers_resync(void **state)
{
    static const char *bad[] = {
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:b>\r\n"
        "WARC-Date: 2026-11-23T10:15:03Z\r\nContent-Length: -5\r\n\r\nxxxxx\r\n\r\n",
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:b>\r\n"
        "WARC-Date: 2026-11-23T10:15:03Z\r\nContent-Length: "
        "99999999999999999999999\r\n\r\nxx\r\n\r\n",
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:b>\r\n"
        "WARC-Date: 2026-11-23T10:15:03Z\r\nContent-Length: 1000000000000\r\n\r\nxx\r\n\r\n",
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:b>\r\n"
        "WARC-Date: 2026-11-23T10:15:03Z\r\n\r\nno length\r\n\r\n",
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Date: 2026-11-23T10:15:03Z\r\n"
        "Content-Length: 2\r\n\r\nxx\r\n\r\n",
        "WARC/1.1\r\nthis line has no colon\r\nContent-Length: 2\r\n\r\nxx\r\n\r\n",
        "WARC/9.9\r\nContent-Length: 2\r\n\r\nxx\r\n\r\n",
    };
    static const char *why[] = {"not a length",
                                "not a length",
                                "larger than",
                                "Content-Length field is missing",
                                "WARC-Record-ID field is missing",
                                "malformed header line",
                                "unsupported version"};
    struct nw_warc_opts opts = {.max_record = 1 << 30};

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct nw_buf b;
        char *got;
        nw_buf_init(&b, 1 << 20);
        nw_buf_puts(&b, bad[i]);
        record(&b, "response", "good", "http://example.com/a", page_response);
        /* Plain and per-record gzip. */
        for (int z = 0; z < 2; z++) {
            if (z) {
                struct nw_buf g;
                size_t l1, l2, bad_len = strlen(bad[i]);
                unsigned char *z1 = gz(b.data, bad_len, &l1);
                unsigned char *z2 = gz(b.data + bad_len, b.len - bad_len, &l2);
                nw_buf_init(&g, 1 << 20);
                nw_buf_append(&g, z1, l1);
                nw_buf_append(&g, z2, l2);
                got = read_all(g.data, g.len, 0, &opts);
                nw_free(z1);
                nw_free(z2);
                nw_buf_fini(&g);
            } else {
                got = read_all(b.data, b.len, 0, &opts);
            }
            if (!strstr(got, why[i]) || !strstr(got, "R response") ||
                !strstr(got, "<urn:uuid:good>") || count_lines(got, 'E') != 1)
                fail_msg("case %zu (%s): got\n%s", i, z ? "gzip" : "plain", got);
            assert_true(strncmp(got, "E 0 ", 4) == 0);
            nw_free(got);
        }
        nw_buf_fini(&b);
    }
}

static void test_garbage_between_records(void **state)
{
    struct nw_buf b, g;
    size_t first, l1, l2;
    unsigned char *z1, *z2;
    char *got, expect[128];

    (void)state;
    nw_buf_init(&b, 1 << 20);
    record(&b, "request", "1", "http://example.com/a", "GET / HTTP/1.1\r\n\r\n");
    first = b.len;
    nw_buf_append(&b, "\x00\x01garbage\xff\xfe\nmore garbage\n", 25);
    record(&b, "response", "2", "http://example.com/a", page_response);
    got = read_all(b.data, b.len, 0, NULL);
    snprintf(expect, sizeof(expect), "W %zu skipped 25 bytes", first);
    assert_has(got, expect);
    assert_int_equal(count_lines(got, 'R'), 2);
    nw_free(got);
    /* gzip: garbage between members. */
    nw_buf_init(&g, 1 << 20);
    z1 = gz(b.data, first, &l1);
    z2 = gz(b.data + first + 25, b.len - first - 25, &l2);
    nw_buf_append(&g, z1, l1);
    nw_buf_append(&g, "\x00\x1f junk \x8b", 9);
    nw_buf_append(&g, z2, l2);
    got = read_all(g.data, g.len, 4, NULL);
    snprintf(expect, sizeof(expect), "W %zu skipped 9 bytes", l1);
    assert_has(got, expect);
    assert_int_equal(count_lines(got, 'R'), 2);
    snprintf(expect, sizeof(expect), "R response %zu", l1 + 9);
    assert_has(got, expect);
    nw_free(got);
    nw_free(z1);
    nw_free(z2);
    nw_buf_fini(&g);
    nw_buf_fini(&b);
}

/* A member that holds a short record and then inflates to 64 MB of zeros: the rest of
 * the member is dropped (not inflated into memory), and the next member is read. Also a
 * member of zeros alone, and corrupt deflate data. */
static void test_gzip_bomb_and_corrupt_members(void **state)
{
    size_t zeros_len = 64u << 20, l1, l2, l3;
    char *zeros = nw_calloc(1, zeros_len);
    struct nw_buf one, bomb, file, good;
    unsigned char *z1, *z2, *z3;
    char *got;

    (void)state;
    assert_non_null(zeros);
    nw_buf_init(&one, 1 << 20);
    nw_buf_init(&good, 1 << 20);
    nw_buf_init(&bomb, zeros_len + (1 << 20));
    nw_buf_init(&file, 1 << 24);
    record(&one, "response", "1", "http://example.com/a", page_response);
    nw_buf_append(&bomb, one.data, one.len);
    nw_buf_append(&bomb, zeros, zeros_len);
    record(&good, "response", "2", "http://example.com/b", page_response);
    z1 = gz(one.data, one.len, &l1); /* establishes the one-record-per-member layout */
    z2 = gz(bomb.data, bomb.len, &l2);
    z3 = gz(good.data, good.len, &l3);
    nw_buf_append(&file, z1, l1);
    nw_buf_append(&file, z2, l2);
    nw_buf_append(&file, z3, l3);
    got = read_all(file.data, file.len, 0, NULL);
    assert_int_equal(count_lines(got, 'R'), 3);
    assert_has(got, "skipped the rest of the gzip member");
    assert_has(got, "<urn:uuid:2>");
    nw_free(got);
    /* Corrupt data in the middle member. */
    nw_buf_reset(&file);
    nw_buf_append(&file, z1, l1);
    {
        unsigned char *bad = nw_malloc(l3);
        memcpy(bad, z3, l3);
        for (size_t i = 12; i < l3 - 8; i += 3)
            bad[i] ^= 0x5a;
        nw_buf_append(&file, bad, l3);
        nw_free(bad);
    }
    nw_buf_append(&file, z3, l3);
    got = read_all(file.data, file.len, 0, NULL);
    assert_int_equal(count_lines(got, 'R'), 2);
    assert_true(count_lines(got, 'E') >= 1);
    nw_free(got);
    nw_free(z1);
    nw_free(z2);
    nw_free(z3);
    nw_free(zeros);
    nw_buf_fini(&one);
    nw_buf_fini(&good);
    nw_buf_fini(&bomb);
    nw_buf_fini(&file);
}

/* Content-Length past the end of the record's own gzip member: an error, and the record
 * in the next member is read. A truncated last member: an error. */
static void test_length_past_member(void **state)
{
    struct nw_buf one, two, file;
    unsigned char *z1, *z2;
    size_t l1, l2;
    char *got;

    (void)state;
    nw_buf_init(&one, 1 << 20);
    nw_buf_init(&two, 1 << 20);
    nw_buf_init(&file, 1 << 20);
    nw_buf_puts(&one,
                "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
                "WARC-Date: 2026-11-23T10:15:03Z\r\nContent-Length: 5000\r\n\r\nshort\r\n\r\n");
    record(&two, "response", "2", "http://example.com/a", page_response);
    z1 = gz(one.data, one.len, &l1);
    z2 = gz(two.data, two.len, &l2);
    nw_buf_append(&file, z1, l1);
    nw_buf_append(&file, z2, l2);
    got = read_all(file.data, file.len, 0, NULL);
    assert_has(got, "E 0 Content-Length 5000 runs past the end");
    assert_has(got, "<urn:uuid:2>");
    nw_free(got);
    got = read_all(file.data, file.len - 10, 0, NULL);
    assert_has(got, "is truncated");
    nw_free(got);
    nw_free(z1);
    nw_free(z2);
    nw_buf_fini(&one);
    nw_buf_fini(&two);
    nw_buf_fini(&file);
}

/* A block over max_block is cut (and flagged); the record after it is read. A header
 * block over max_header is an error. */
static void test_bounds(void **state)
{
    struct nw_warc_opts opts = {.max_block = 100, .max_header = 512};
    struct nw_buf b;
    char big[5000];
    char *got;

    (void)state;
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    nw_buf_init(&b, 1 << 20);
    record(&b, "resource", "1", "http://example.com/big", big);
    nw_buf_printf(&b, "WARC/1.1\r\nX-Long: %s\r\nContent-Length: 1\r\n\r\nx\r\n\r\n", big);
    record(&b, "response", "3", "http://example.com/a", "HTTP/1.1 200 OK\r\n\r\n");
    got = read_all(b.data, b.len, 0, &opts);
    assert_has(got, "R resource 0 <urn:uuid:1> 100 cut\n");
    assert_has(got, "larger than 512 bytes");
    assert_has(got, "<urn:uuid:3>");
    nw_free(got);
    /* A first line over max_header (nothing of it can be kept): one error, and the
     * reader moves on to the next record instead of finding the same "WARC/" again. */
    nw_buf_reset(&b);
    nw_buf_printf(&b, "WARC/1.1 %s\r\n\r\n", big);
    record(&b, "response", "4", "http://example.com/b", "HTTP/1.1 200 OK\r\n\r\n");
    got = read_all(b.data, b.len, 0, &opts);
    assert_int_equal(count_lines(got, 'E'), 1);
    assert_has(got, "E 0 the WARC header block is larger than 512 bytes\n");
    assert_has(got, "<urn:uuid:4>");
    nw_free(got);
    nw_buf_fini(&b);
}

static void test_read_error_is_fatal(void **state)
{
    struct nw_buf b;
    struct mem_src m;
    struct nw_warc_reader *r;
    const struct nw_warc_record *rec;
    struct nw_warc_problem p;

    (void)state;
    nw_buf_init(&b, 1 << 20);
    record(&b, "response", "1", "http://example.com/a", page_response);
    m = (struct mem_src){.data = (unsigned char *)b.data, .len = b.len, .step = 16, .fail_at = 64};
    r = nw_warc_reader_create(mem_read, &m, NULL);
    assert_int_equal(nw_warc_next(r, &rec, &p), NW_WARC_ERROR);
    assert_true(p.fatal);
    assert_int_equal(p.status, NW_EIO);
    assert_int_equal(nw_warc_next(r, &rec, &p), NW_WARC_END);
    nw_warc_reader_destroy(r);
    nw_buf_fini(&b);
}

static void test_sniff(void **state)
{
    size_t l;
    unsigned char *z, *h = gz("<html>", 6, &l);

    (void)state;
    assert_true(nw_warc_sniff("WARC/1.0\r\n", 10));
    assert_false(nw_warc_sniff("<html>", 6));
    z = gz("WARC/1.1\r\nWARC-Type: x\r\n", 24, &l);
    assert_true(nw_warc_sniff(z, l));
    assert_false(nw_warc_sniff(h, 10));
    nw_free(z);
    nw_free(h);
}

/* ---- HTTP messages and pages ---------------------------------------------------------- */

static void test_httpmsg_chunked_gzip_br(void **state)
{
    const char *html = "<html><body><p>Brotli body</p></body></html>";
    static const unsigned char br[] =
        "\x1b\x2b\x00\xf8\x8d\xd4\x61\xcd\x9d\x07\x72\x1b\x5b\xb7\x35\xc4\xd1\x5b\x05\x46\x11\xc6"
        "\x4b\x43\x40\x8b\x30\x02\x49\x01\x30\x01\x46\x28\x8f\x38\x0f\x8e\xf9\x6b\x75\x00\xd1";
    struct nw_httpmsg msg;
    struct nw_buf m;
    unsigned char *z;
    size_t zl, out_len;
    char *out, err[128];
    int cut;

    (void)state;
    /* gzip content, chunked in three pieces, as received on the wire. */
    z = gz(html, strlen(html), &zl);
    nw_buf_init(&m, 1 << 20);
    nw_buf_printf(&m, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                      "Content-Encoding: gzip\r\nContent-Type: text/html\r\n\r\n");
    nw_buf_printf(&m, "%zx;ext=1\r\n", (size_t)10);
    nw_buf_append(&m, z, 10);
    nw_buf_printf(&m, "\r\n%zx\r\n", zl - 10);
    nw_buf_append(&m, z + 10, zl - 10);
    nw_buf_puts(&m, "\r\n0\r\nTrailer: x\r\n\r\n");
    assert_int_equal(nw_httpmsg_parse(m.data, m.len, &msg, err, sizeof(err)), NW_OK);
    assert_int_equal(msg.status, 200);
    assert_string_equal(nw_httpmsg_header(&msg, "content-type"), "text/html");
    assert_int_equal(nw_httpmsg_body_decoded(&msg, 1 << 20, &out, &out_len, &cut, err, sizeof(err)),
                     NW_OK);
    assert_string_equal(out, html);
    assert_false(cut);
    nw_free(out);
    /* Bounded output: cut at max_out. */
    assert_int_equal(nw_httpmsg_body_decoded(&msg, 10, &out, &out_len, &cut, err, sizeof(err)),
                     NW_OK);
    assert_int_equal(out_len, 10);
    assert_true(cut);
    nw_free(out);
    nw_httpmsg_fini(&msg);
    /* The same, cut short in the middle of the second chunk: what decoded is kept. */
    assert_int_equal(nw_httpmsg_parse(m.data, m.len - 30, &msg, err, sizeof(err)), NW_OK);
    assert_int_equal(nw_httpmsg_body_decoded(&msg, 1 << 20, &out, &out_len, &cut, err, sizeof(err)),
                     NW_OK);
    assert_true(cut);
    assert_true(out_len < strlen(html));
    nw_free(out);
    nw_httpmsg_fini(&msg);
    /* br. */
    nw_buf_reset(&m);
    nw_buf_puts(&m, "HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n");
    nw_buf_append(&m, br, sizeof(br) - 1);
    assert_int_equal(nw_httpmsg_parse(m.data, m.len, &msg, err, sizeof(err)), NW_OK);
    assert_int_equal(nw_httpmsg_body_decoded(&msg, 1 << 20, &out, &out_len, &cut, err, sizeof(err)),
                     NW_OK);
    assert_string_equal(out, html);
    nw_free(out);
    nw_httpmsg_fini(&msg);
    /* Unknown and corrupt codings are errors. */
    nw_buf_reset(&m);
    nw_buf_puts(&m, "HTTP/1.1 200 OK\r\nContent-Encoding: zstd-9000\r\n\r\nabc");
    assert_int_equal(nw_httpmsg_parse(m.data, m.len, &msg, err, sizeof(err)), NW_OK);
    assert_int_equal(nw_httpmsg_body_decoded(&msg, 1 << 20, &out, &out_len, &cut, err, sizeof(err)),
                     NW_EUNSUPPORTED);
    nw_httpmsg_fini(&msg);
    nw_buf_reset(&m);
    nw_buf_puts(&m, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n");
    /* A gzip header, then a deflate block of the reserved type 3. */
    nw_buf_append(&m, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x07xyz", 13);
    assert_int_equal(nw_httpmsg_parse(m.data, m.len, &msg, err, sizeof(err)), NW_OK);
    assert_int_equal(nw_httpmsg_body_decoded(&msg, 1 << 20, &out, &out_len, &cut, err, sizeof(err)),
                     NW_EPARSE);
    nw_httpmsg_fini(&msg);
    /* Not HTTP at all. */
    assert_int_equal(nw_httpmsg_parse("hello world, no status", 22, &msg, err, sizeof(err)),
                     NW_EPARSE);
    assert_int_equal(nw_httpmsg_parse("HTTP/1.1 200 OK\r\nNo-End: x", 26, &msg, err, sizeof(err)),
                     NW_EPARSE);
    nw_free(z);
    nw_buf_fini(&m);
}

/* Builds a record in memory and classifies it. */
static enum nw_warc_page_kind classify(const char *type, const char *rec_ct, const char *block,
                                       struct nw_warc_page *page, enum nw_status *status)
{
    struct nw_warc_field fields[1];
    struct nw_warc_record rec = {.type = type,
                                 .record_id = "<urn:uuid:1>",
                                 .date = "2026-11-23T10:15:03Z",
                                 .target_uri = "http://example.com/",
                                 .content_type = rec_ct,
                                 .block = block,
                                 .block_len = strlen(block),
                                 .content_length = strlen(block),
                                 .fields = fields,
                                 .n_fields = 0};
    char err[256];

    return nw_warc_page_from_record(&rec, 1 << 20, page, status, err, sizeof(err));
}

static void test_page_classes(void **state)
{
    const char *http = "application/http;msgtype=response";
    struct nw_warc_page page;
    enum nw_status st;

    (void)state;
    assert_int_equal(classify("response", http, page_response, &page, &st), NW_WARC_PAGE_HTML);
    assert_int_equal(page.status, 200);
    assert_string_equal(page.etag, "\"e1\"");
    assert_non_null(strstr(page.body, "Body text."));
    nw_warc_page_fini(&page);
    assert_int_equal(classify("request", http, "GET / HTTP/1.1\r\n\r\n", &page, &st),
                     NW_WARC_PAGE_SKIP);
    assert_string_equal(page.skip, "request record");
    nw_warc_page_fini(&page);
    assert_int_equal(classify("revisit", http, "HTTP/1.1 304 Not Modified\r\n\r\n", &page, &st),
                     NW_WARC_PAGE_SKIP);
    nw_warc_page_fini(&page);
    assert_int_equal(
        classify("response", "text/dns", "20260101 example.com. 60 IN A 1.2.3.4\n", &page, &st),
        NW_WARC_PAGE_SKIP);
    nw_warc_page_fini(&page);
    assert_int_equal(
        classify("response", http,
                 "HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Type: text/html\r\n\r\n", &page,
                 &st),
        NW_WARC_PAGE_SKIP);
    nw_warc_page_fini(&page);
    assert_int_equal(classify("response", http,
                              "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG", &page,
                              &st),
                     NW_WARC_PAGE_SKIP);
    nw_warc_page_fini(&page);
    /* No Content-Type: sniffed. */
    assert_int_equal(
        classify("response", http, "HTTP/1.1 200 OK\r\n\r\n  <!DOCTYPE html><p>x", &page, &st),
        NW_WARC_PAGE_HTML);
    nw_warc_page_fini(&page);
    assert_int_equal(
        classify("response", http, "HTTP/1.1 200 OK\r\n\r\nUser-agent: *\n", &page, &st),
        NW_WARC_PAGE_SKIP);
    nw_warc_page_fini(&page);
    /* A response record that claims HTTP but holds something else. */
    assert_int_equal(classify("response", http, "<html>not an HTTP message</html>", &page, &st),
                     NW_WARC_PAGE_ERROR);
    assert_int_equal(st, NW_EPARSE);
    nw_warc_page_fini(&page);
    /* A body shorter than its Content-Length: truncated. */
    assert_int_equal(
        classify("response", http,
                 "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 999\r\n\r\n<p>x",
                 &page, &st),
        NW_WARC_PAGE_HTML);
    assert_true(page.truncated);
    nw_warc_page_fini(&page);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_records_and_offsets),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_gzip_members),
        cmocka_unit_test(test_truncated_plain),
        cmocka_unit_test(test_bad_headers_resync),
        cmocka_unit_test(test_garbage_between_records),
        cmocka_unit_test(test_gzip_bomb_and_corrupt_members),
        cmocka_unit_test(test_length_past_member),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_read_error_is_fatal),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_httpmsg_chunked_gzip_br),
        cmocka_unit_test(test_page_classes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
