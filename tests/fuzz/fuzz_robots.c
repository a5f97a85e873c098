/*
 * fuzz_robots.c — libFuzzer target for robots.txt (a file any site may serve us). The
 * input is split at its first NUL byte: before it the file, after it paths to check,
 * one a line. Parsing and matching must stay within bounds and never crash; the rules
 * kept stay within NW_ROBOTS_MAX_RULES. See tests/CMakeLists.txt for how it is built.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nul = memchr(text, '\0', size);
    size_t text_len = nul ? (size_t)(nul - text) : size;
    struct nw_robots *r = NULL;
    char path[2048];

    if (nw_robots_parse(text, text_len, "newsworker/0.1 (+https://x)", &r) != NW_OK)
        r = NULL;
    if (!r)
        return 0; /* only when memory runs out */
    if (nw_robots_rule_count(r) > NW_ROBOTS_MAX_RULES ||
        nw_robots_sitemap_count(r) > NW_ROBOTS_MAX_SITEMAPS)
        abort();
    if (nw_robots_crawl_delay_ms(r) > NW_ROBOTS_MAX_DELAY_MS)
        abort();
    if (!nw_robots_allowed(r, "/robots.txt"))
        abort();
    nw_robots_allowed(r, "/");
    if (nul) {
        const char *p = nul + 1, *end = text + size;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
            if (len + 2 <= sizeof(path)) {
                path[0] = '/';
                memcpy(path + 1, p, len);
                path[len + 1] = '\0';
                nw_robots_allowed(r, path);
            }
            p += len + 1;
        }
    }
    nw_robots_destroy(r);
    return 0;
}

#include "replay_main.h"
