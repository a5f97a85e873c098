/*
 * fuzz_extract.c — libFuzzer target for the extractor (MyHTML parse, metadata, body).
 *
 * MyHTML's upstream is quiet, so this target covers it through our own code. CMake does
 * not build it (tests/fuzz is not globbed). Build with clang and libFuzzer:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L \
 *       -D_DEFAULT_SOURCE -Ishared tests/fuzz/fuzz_extract.c shared/html.c shared/extract.c \
 *       shared/meta.c shared/article.c shared/buf.c shared/mem.c shared/status.c \
 *       -lmodest -ljansson -lcurl -lm -o fuzz_extract
 *   ./fuzz_extract -max_len=200000 corpus/
 *
 * Without libFuzzer (gcc), add -DNW_FUZZ_STANDALONE and drop -fsanitize=fuzzer: the main
 * below replays the files given on the command line (e.g. crash reproducers).
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

#ifdef NW_FUZZ_STANDALONE
int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 1;
        }
        size_t cap = 1u << 16, len = 0;
        uint8_t *buf = malloc(cap);
        size_t n;
        while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
            len += n;
            if (len == cap) {
                uint8_t *nb = realloc(buf, cap * 2);
                if (!nb)
                    break;
                buf = nb;
                cap *= 2;
            }
        }
        fclose(f);
        if (!buf)
            return 1;
        LLVMFuzzerTestOneInput(buf, len);
        free(buf);
        printf("%s: ok\n", argv[i]);
    }
    return 0;
}
#endif
