/* sink_file.c — JSONL records to stdout or a file. */
#include "sink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "record.h"

struct nw_sink_file {
    FILE *f;
    int owned; /* 0 for stdout */
};

struct nw_sink_file *nw_sink_file_create(const char *path, char *errstr, size_t errstr_size)
{
    struct nw_sink_file *sink = nw_calloc(1, sizeof(*sink));

    if (!sink) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    if (!strcmp(path, "-")) {
        sink->f = stdout;
        return sink;
    }
    sink->f = fopen(path, "a");
    if (!sink->f) {
        nw_fail(NW_EIO, errstr, errstr_size, "output.file %s: %s", path, strerror(errno));
        nw_free(sink);
        return NULL;
    }
    sink->owned = 1;
    return sink;
}

void nw_sink_file_destroy(struct nw_sink_file *sink)
{
    if (!sink)
        return;
    if (sink->owned)
        fclose(sink->f);
    else
        fflush(sink->f);
    nw_free(sink);
}

enum nw_status nw_sink_file_write(struct nw_sink_file *sink, const json_t *record)
{
    char *line = nw_record_dump(record);
    size_t len;
    int bad;

    if (!line)
        return NW_ENOMEM;
    len = strlen(line);
    bad =
        fwrite(line, 1, len, sink->f) != len || fputc('\n', sink->f) == EOF || fflush(sink->f) != 0;
    free(line);
    return bad ? NW_EIO : NW_OK;
}
