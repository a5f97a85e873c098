/*
 * fuzz_feeds.c — libFuzzer target for the feed, sitemap, robots.txt and page parsers
 * (feeds.h, robots.h), which read whatever a watched source sends. The first byte picks
 * the base URL (a robots.txt or a page), the rest is the document. Every item must have
 * an absolute http(s) URL kept whole (no longer than NW_FEED_MAX_URL, no control bytes), a
 * refused URL or a partial parse must carry its reason, and every robots answer must be
 * computable.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feeds.h"
#include "robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct nw_feed_limits lim = {1 << 20, 1000, 100};
    const char *base;
    struct nw_feed *f = NULL;
    struct nw_robots *r = NULL;
    char err[256] = "";

    if (size < 1)
        return 0;
    base = data[0] & 1 ? "https://fuzz.test/robots.txt" : "https://fuzz.test/dir/feed.xml";
    if (nw_feed_parse((const char *)data + 1, size - 1, base, data[0] & 2 ? "text/html" : NULL,
                      &lim, &f, err, sizeof(err)) == NW_OK) {
        for (size_t i = 0; i < f->n_items; i++)
            if (!f->items[i].url || strncmp(f->items[i].url, "http", 4) ||
                strlen(f->items[i].url) > NW_FEED_MAX_URL || strpbrk(f->items[i].url, "\r\n\t"))
                abort();
        /* A refused URL leaves its reason; a partial result says why it stopped. */
        if ((f->rejected && !f->warning[0]) || (f->partial && !err[0]))
            abort();
        for (size_t i = 0; i < f->n_links; i++)
            if (strncmp(f->links[i], "http", 4))
                abort();
        nw_feed_destroy(f);
    }
    if (nw_robots_parse((const char *)data + 1, size - 1, "newsworker/0.1", &r) == NW_OK) {
        nw_robots_allowed(r, "/dir/a*b$?x=%7E");
        nw_robots_allowed(r, "/");
        nw_robots_destroy(r);
    }
    return 0;
}

#include "replay_main.h"
