/*
 * fuzz_warc.c — libFuzzer target for the WARC reader (shared/warc.h) and the response
 * record check (shared/warc_page.h): web archives come from anyone. The input is a whole
 * file (plain or gzip), read in pieces whose size its first byte chooses, so buffer
 * boundaries fall everywhere. Every event must respect the bounds: kept blocks within
 * max_block, offsets within the input, and the reader must end.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "warc.h"
#include "warc_page.h"

#define MAX_BLOCK 4096
#define MAX_BODY 8192

struct src {
    const uint8_t *data;
    size_t len, pos, step;
};

static long src_read(void *ctx, void *buf, size_t len)
{
    struct src *s = ctx;
    size_t n = s->len - s->pos;

    if (n > len)
        n = len;
    if (n > s->step)
        n = s->step;
    memcpy(buf, s->data + s->pos, n);
    s->pos += n;
    return (long)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct src s = {.data = data, .len = size, .step = size ? (size_t)data[0] * 97 + 1 : 1};
    struct nw_warc_opts opts = {.max_block = MAX_BLOCK, .max_header = 2048, .max_record = 1 << 20};
    struct nw_warc_reader *r = nw_warc_reader_create(src_read, &s, &opts);
    const struct nw_warc_record *rec;
    struct nw_warc_problem p;
    enum nw_warc_event ev;
    size_t events = 0;

    if (!r)
        return 0;
    while ((ev = nw_warc_next(r, &rec, &p)) != NW_WARC_END) {
        /* Every event consumes input: never more events than bytes (plus the end). */
        if (++events > size + 2)
            abort();
        if (ev == NW_WARC_RECORD) {
            struct nw_warc_page page;
            enum nw_status status;
            char err[256];
            if (rec->block_len > MAX_BLOCK || rec->block_len > rec->content_length ||
                rec->block[rec->block_len] != '\0')
                abort();
            if (nw_warc_page_from_record(rec, MAX_BODY, &page, &status, err, sizeof(err)) ==
                    NW_WARC_PAGE_HTML &&
                (page.body_len > MAX_BODY || page.body[page.body_len] != '\0'))
                abort();
            nw_warc_page_fini(&page);
        } else if (ev == NW_WARC_ERROR && p.fatal && p.status != NW_ENOMEM) {
            abort(); /* the source never fails */
        }
        if (ev != NW_WARC_RECORD && p.message[0] == '\0')
            abort();
    }
    nw_warc_reader_destroy(r);
    return 0;
}

#include "replay_main.h"
