/*
 * fuzz_extract.c — libFuzzer target for the extractor (MyHTML parse, metadata, body).
 *
 * MyHTML's upstream is quiet, so this target covers it through our own code. See
 * tests/CMakeLists.txt: with -DNW_FUZZ=ON (clang) it is a libFuzzer binary; otherwise it
 * replays the committed corpus as a test.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "article.h"
#include "extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct nw_extractor *ex;
    if (!ex) {
        /* small bounds so that the fuzzer reaches the truncation and depth paths */
        struct nw_extract_opts opts = {.max_html_bytes = 100000, .max_depth = 64};
        ex = nw_extractor_create(&opts);
        if (!ex)
            return 0;
    }
    struct nw_article art;
    char err[256];
    nw_article_init(&art);
    /* the same extractor runs every input, as a worker thread does */
    nw_extractor_run(ex, (const char *)data, size, "https://example.com/a/b.html",
                     "2020-01-01T00:00:00Z", &art, err, sizeof(err));
    nw_article_fini(&art);
    return 0;
}

#include "replay_main.h"
