/*
 * replay_main.h — the standalone main shared by the fuzz targets: without libFuzzer
 * (NW_FUZZ_STANDALONE, the default gcc build) a target replays the files named on its
 * command line, so the committed corpus and crash reproducers run as ordinary tests.
 */
#ifndef NW_FUZZ_REPLAY_MAIN_H
#define NW_FUZZ_REPLAY_MAIN_H

#ifdef NW_FUZZ_STANDALONE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        size_t cap = 1u << 16, len = 0, n;
        uint8_t *buf;

        if (!f) {
            perror(argv[i]);
            return 1;
        }
        buf = malloc(cap);
        while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
            len += n;
            if (len == cap) {
                uint8_t *grown = realloc(buf, cap * 2);
                if (!grown) {
                    free(buf);
                    buf = NULL;
                    break;
                }
                buf = grown;
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

#endif
