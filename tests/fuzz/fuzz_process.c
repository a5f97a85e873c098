/*
 * fuzz_process.c — libFuzzer target for the whole offline core: arbitrary bytes through
 * gunzip, charset decoding, extraction (or text loading), normalization, leftover removal,
 * enrichment and record building. The first byte picks HTML or text input and whether a
 * Content-Type with a charset is claimed. See tests/CMakeLists.txt for how it is built.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "article.h"
#include "process.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const content_types[] = {NULL, "text/html; charset=windows-1252",
                                                "text/html; charset=shift_jis",
                                                "text/html; charset=utf-16"};
    static struct nw_processor *proc;
    struct nw_article art;
    const char *stage = NULL;
    char err[256];
    json_t *rec;

    if (size < 1)
        return 0;
    if (!proc) {
        proc = nw_processor_create(NULL, err, sizeof(err));
        if (!proc)
            abort();
    }
    struct nw_input in = {.data = (const char *)data + 1,
                          .len = size - 1,
                          .is_text = data[0] & 1,
                          .content_type = content_types[(data[0] >> 1) & 3],
                          .url = "https://example.com/news/a.html",
                          .fetched_at = "2026-01-01T00:00:00Z"};
    nw_article_init(&art);
    if (nw_processor_run(proc, &in, &art, &stage, err, sizeof(err)) == NW_OK) {
        /* A successful run must always give a serializable record. */
        rec = nw_record_article(&art);
        if (!rec)
            abort();
        free(nw_record_dump(rec));
        json_decref(rec);
    }
    nw_article_fini(&art);
    return 0;
}

#include "replay_main.h"
