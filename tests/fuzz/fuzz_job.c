/*
 * fuzz_job.c — libFuzzer target for url job lines (bare URLs and JSON objects), the
 * first thing a worker reads from Kafka. A parsed job must have a URL that the URL
 * functions accept, or name an archived response (warc: a non-empty file, no inline page). See
 * tests/CMakeLists.txt for how it is built.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "mem.h"
#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nw_job job;
    char err[256], *canon = NULL, *line, *url;

    if (nw_job_parse((const char *)data, size, 1 << 20, &job, err, sizeof(err)) == NW_OK) {
        if ((!job.url && !job.warc_file) || !job.raw)
            abort();
        if (job.warc_file && (!*job.warc_file || job.html || job.text))
            abort();
        if (job.url && nw_url_canonicalize(job.url, &canon) == NW_OK)
            nw_free(canon);
        nw_job_fini(&job);
        return 0;
    }
    /* A refused line: the URL its error record carries, if any (never longer than it). */
    line = nw_strndup((const char *)data, size);
    if (!line)
        return 0;
    url = nw_job_url_of_bad_line(line);
    if (url && strlen(url) > strlen(line))
        abort();
    nw_free(url);
    nw_free(line);
    return 0;
}

#include "replay_main.h"
