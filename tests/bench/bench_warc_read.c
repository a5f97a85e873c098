/*
 * bench_warc_read.c — the WARC reader alone (shared/warc.h, shared/warc_page.h), no
 * extraction: how fast a web archive is read, framed and its HTML responses decoded,
 * to set beside `zcat FILE > /dev/null` (bench_warc.sh does).
 *
 *   bench_warc_read FILE [--frames]
 *
 * Prints records, pages, compressed and decoded megabytes, seconds and MB/s. With
 * --frames only the records are read (no HTTP parsing or body decoding).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "warc.h"
#include "warc_page.h"

static long file_read(void *ctx, void *buf, size_t len)
{
    size_t n = fread(buf, 1, len, ctx);

    return n == 0 && ferror((FILE *)ctx) ? -1 : (long)n;
}

int main(int argc, char **argv)
{
    struct nw_warc_opts opts = {.max_block = (16u << 20) + (256u << 10)};
    unsigned long long records = 0, pages = 0, problems = 0, block_bytes = 0, body_bytes = 0;
    const struct nw_warc_record *rec;
    struct nw_warc_problem p;
    struct nw_warc_reader *r;
    enum nw_warc_event ev;
    struct timespec t0, t1;
    int frames = argc > 2 && !strcmp(argv[2], "--frames");
    FILE *f;
    double s;

    if (argc < 2) {
        fprintf(stderr, "usage: bench_warc_read FILE [--frames]\n");
        return 2;
    }
    f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = nw_warc_reader_create(file_read, f, &opts);
    if (!r)
        return 1;
    while ((ev = nw_warc_next(r, &rec, &p)) != NW_WARC_END) {
        if (ev != NW_WARC_RECORD) {
            problems++;
            continue;
        }
        records++;
        block_bytes += rec->block_len;
        if (!frames) {
            struct nw_warc_page page;
            enum nw_status status;
            char err[256];
            if (nw_warc_page_from_record(rec, 16u << 20, &page, &status, err, sizeof(err)) ==
                NW_WARC_PAGE_HTML) {
                pages++;
                body_bytes += page.body_len;
            }
            nw_warc_page_fini(&page);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%s: %llu records, %llu pages, %llu problems, %.1f MB read, %.1f MB of blocks, "
           "%.1f MB of page bodies in %.3f s: %.1f MB/s of blocks\n",
           frames ? "frames" : "pages", records, pages, problems,
           (double)nw_warc_reader_consumed(r) / 1e6, (double)block_bytes / 1e6,
           (double)body_bytes / 1e6, s, (double)block_bytes / 1e6 / s);
    nw_warc_reader_destroy(r);
    fclose(f);
    return 0;
}
