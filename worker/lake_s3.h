/*
 * lake_s3.h — uploading a lake's closed files to S3 (output.s3.*): the glue between the
 * lake sink (sink_lake.h) and the uploader (s3.h), used by every command that writes a
 * lake.
 *
 * nw_lake_s3_attach creates the uploader, checks the bucket and credentials at start,
 * and sets the lake's two hooks:
 * - publish: a closed file is uploaded to key = its path relative to output.dir (after
 *   output.s3.prefix); after a confirmed upload the local copy is removed unless
 *   output.s3.keep_local=true. A file (in run, its segment's offsets) is durable only
 *   once the upload is confirmed. After a failed upload the next tries wait (1 s,
 *   doubling up to 30 s) so the lake's retries do not hammer a store that is down.
 * - unpublish (run): at a partition's first job, the objects of that partition whose
 *   first offset is at or past the resumed offset (written by an attempt that did not
 *   commit) are listed (ListObjectsV2 of each kind's prefix) and deleted, so a replay
 *   that cuts its files at other offsets leaves no duplicate in the bucket.
 *
 * The nw_lake_s3 is owned by the command; destroy it after the lake. Single-threaded,
 * like the lake.
 */
#ifndef NW_LAKE_S3_H
#define NW_LAKE_S3_H

#include <stddef.h>

#include "config.h"
#include "sink_lake.h"
#include "status.h"

struct nw_lake_s3;

/* When output.s3.bucket is set: creates the uploader, checks it (nw_s3_check) and sets the
 * lake's hooks. Returns NULL with *status NW_OK when S3 is not configured; NULL with
 * *status NW_ECONFIG (bad key or refused credentials: exit 2, errstr names the key) or
 * another status (S3 unreachable: exit 1) on failure. */
struct nw_lake_s3 *nw_lake_s3_attach(struct nw_lake *lake, const struct nw_config *cfg,
                                     enum nw_status *status, char *errstr, size_t errstr_size);

/* Logs the upload counters and frees. NULL-safe. */
void nw_lake_s3_destroy(struct nw_lake_s3 *ls);

#endif
