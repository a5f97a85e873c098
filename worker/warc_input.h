/*
 * warc_input.h — web archives as input to `newsworker extract` (cmd_extract.c): one
 * streaming pass over a WARC file (shared/warc.h), one record per HTML response
 * (shared/warc_page.h) through the processor to the sink, in file order.
 *
 * A record: url = WARC-Target-URI (the first URL of a redirect chain the archive holds,
 * final_url the page's own), fetched_at = WARC-Date, http from the HTTP headers,
 * job = {"url": url}, warc = {file, offset, record_id}. A record the reader or the page
 * check refuses: an error record (stage "warc", or "decode" for a broken HTTP message)
 * whose message names the file and offset; skipped bytes: a warning in the log. Reading
 * goes on past both. A summary line per file at info level.
 */
#ifndef NW_WARC_INPUT_H
#define NW_WARC_INPUT_H

#include <stdio.h>

#include <jansson.h>

#include "process.h"
#include "status.h"

/* A WARC reader's source (nw_warc_read_fn, warc.h) over a file whose first bytes were
 * already read from it: pre (pre_len bytes, borrowed), then the rest of f. */
struct nw_warc_file_source {
    FILE *f;
    const char *pre;
    size_t pre_len, pre_pos;
};
long nw_warc_file_source_read(void *ctx, void *buf, size_t len);

/* Where each record goes (the caller's sink: a JSONL stream or the lake); record is
 * borrowed. Non-zero status: the record was not written. */
typedef enum nw_status nw_extract_write_fn(void *ctx, const json_t *record);

/* Reads the web archive f (pre, pre_len: its first bytes, already read from f; path: its
 * name as given, file_url: its file:// URL for records with no target URI), writing every
 * record through write(write_ctx, record). Bodies are decoded up to max_body bytes
 * (extract.max_html_bytes). Returns 0, or -1 if the file could not be read to its end or a record
 * not written. The caller closes f. */
int nw_extract_warc(struct nw_processor *proc, nw_extract_write_fn *write, void *write_ctx,
                    const char *path, const char *file_url, FILE *f, const char *pre,
                    size_t pre_len, size_t max_body);

#endif
