/*
 * sink.h — where records go without Kafka: a JSONL stream (stdout or output.file).
 * One record per line, written whole and flushed, so a reader never sees half a record.
 */
#ifndef NW_SINK_H
#define NW_SINK_H

#include <jansson.h>
#include <stdio.h>

#include "status.h"

struct nw_sink_file;

/* path "-" is stdout. NULL on failure with a message in errstr. */
struct nw_sink_file *nw_sink_file_create(const char *path, char *errstr, size_t errstr_size);
void nw_sink_file_destroy(struct nw_sink_file *sink);

/* Writes record (borrowed) as one line. NW_EIO if the write fails. */
enum nw_status nw_sink_file_write(struct nw_sink_file *sink, const json_t *record);

#endif
