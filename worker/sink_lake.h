/*
 * sink_lake.h — records into a data lake folder (output.dir): Hive-style partitions
 * DIR/<kind>/dt=YYYY-MM-DD/hour=HH/<file>, kind articles / errors / jobs, by the record's
 * fetched_at (error records: at) in UTC, or with output.partition_by=published_at by
 * published_at converted to UTC (dt=unknown/hour=unknown when the record has none); url
 * jobs (watch) by the time they are written.
 *
 * Files are atomic: written as DIR/<kind>/<dt>/<hour>/.nw-<pid>-<n>.tmp (hidden: Spark,
 * Trino and DuckDB skip names starting with '.'), with an flock held while open, then
 * flushed, fsynced, renamed to their visible name and the folder fsynced. A file closes
 * when it reaches output.max_bytes or output.max_records, when it is output.max_age_ms old,
 * when more than output.max_open_files are open (the least recently written closes), and
 * at the end. At start, hidden temp files whose writer is gone (no lock) are removed.
 *
 * Without a source (extract, fetch) a file is named <kind>+local-<start>-<pid>+<n>.<ext>.
 *
 * With a source (run: records of url jobs consumed from a Kafka topic), files are named
 * <kind>+<topic>+<partition>+<first offset>.<ext> (first offset zero-padded to 10 digits,
 * as Kafka Connect's S3 sink names files) and offsets are grouped into segments: a run of
 * a partition's offsets [start, end) whose records go to that segment's files only. A
 * rotation cuts the open segment at the highest offset taken in so far; the segment's
 * files close once every job below its end is done (the caller says so through
 * nw_lake_done_fn), and only then may offsets up to its end be stored: nw_lake_durable
 * bounds the offset a caller stores. After a crash, kill -9 or a rebalance the partition is
 * consumed again from the last stored offset C, which is always a segment boundary: the
 * first job taken in for a partition (nw_lake_begin) removes the visible files of that
 * partition whose first offset is C or more (written by the attempt that did not commit)
 * before anything new is written, so every job's record ends in exactly one visible file.
 *
 * Publishing: an optional hook (nw_lake_set_publish) is called with each closed file's
 * path and its key relative to output.dir (e.g. an upload that removes the local copy).
 * A file counts as durable only once the hook returned NW_OK; failures are retried by
 * nw_lake_service, and hold the segment (and the offsets) back meanwhile. A second hook
 * (nw_lake_set_unpublish) removes the published copies of an uncommitted attempt's files.
 *
 * Single-threaded. Memory: one block (256 KiB) per open file, at most output.max_open_files.
 */
#ifndef NW_SINK_LAKE_H
#define NW_SINK_LAKE_H

#include <jansson.h>
#include <stdint.h>

#include "config.h"
#include "lake_format.h"
#include "status.h"

struct nw_lake;

/* True when output.dir is set. */
int nw_lake_configured(const struct nw_config *cfg);

/* Checks and opens output.dir (it must exist and be a writable folder: NW_ECONFIG
 * otherwise, naming the key), removes stale temp files. topic: the source topic of
 * records written with a partition (run), or NULL. NULL on failure, *status says why. */
struct nw_lake *nw_lake_create(const struct nw_config *cfg, const char *topic,
                               enum nw_status *status, char *errstr, size_t errstr_size);

/* Removes the temp files of files still open (they were not closed: nothing of them is
 * visible) and frees. Close files first with nw_lake_close_all or nw_lake_flush. */
void nw_lake_destroy(struct nw_lake *lake);

/* path: a closed file's local path; key: its path relative to output.dir. */
typedef enum nw_status nw_lake_publish_fn(void *ctx, const char *path, const char *key,
                                          char *errstr, size_t errstr_size);
void nw_lake_set_publish(struct nw_lake *lake, nw_lake_publish_fn *fn, void *ctx);

/* With a source: called by nw_lake_begin, at a partition's first job, to remove the
 * published copies (e.g. S3 objects) of the partition's files whose first offset is
 * `from` or more, written by an attempt whose offsets were not committed (their local
 * copies may be gone already). On failure the partition's new segment is broken, so the
 * caller resets it and begins it again later (the hook is called again). */
typedef enum nw_status nw_lake_unpublish_fn(void *ctx, const char *topic, int32_t partition,
                                            int64_t from, char *errstr, size_t errstr_size);
void nw_lake_set_unpublish(struct nw_lake *lake, nw_lake_unpublish_fn *fn, void *ctx);

/* 1 with *partition and *offset when name (a file name, no folder) is a visible file of a
 * source topic: <kind>+<topic>+<partition>+<first offset>.<ext>. */
int nw_lake_name_source(const char *name, const char *topic, int32_t *partition, int64_t *offset);

/* Writes record (borrowed) of the kind. partition < 0: no source (offset ignored).
 * NW_EINVAL: the record does not fit the format's schema (nothing written); NW_EIO: a
 * write failed (disk full...): the file's records are lost (for a source partition, its
 * segment is broken: nw_lake_broken). */
enum nw_status nw_lake_write(struct nw_lake *lake, const json_t *record, enum nw_lake_kind kind,
                             int32_t partition, int64_t offset, char *errstr, size_t errstr_size);

/* Closes every open file (extract, fetch: at the end). NW_EIO if any close failed. */
enum nw_status nw_lake_close_all(struct nw_lake *lake, char *errstr, size_t errstr_size);

/* ---- with a source (run) ---- */

/* Whether every job of the partition below `end` is done (its record written). */
typedef int nw_lake_done_fn(void *ctx, int32_t partition, int64_t end);

/* A job at `offset` of `partition` was taken in (offsets of a partition increasing).
 * The first one after nw_lake_create or nw_lake_revoke removes the partition's visible
 * files from `offset` on (see above). */
void nw_lake_begin(struct nw_lake *lake, int32_t partition, int64_t offset);

/* Periodic work: closes files past output.max_age_ms (no source), cuts segments past it,
 * closes the cut segments whose jobs are done, retries failed publishes. force: cut every
 * open segment now (at a stop). Returns how many segments became durable. */
size_t nw_lake_service(struct nw_lake *lake, int force, nw_lake_done_fn *done, void *ctx);

/* 1 and *offset when the partition has records not yet durable: offsets from *offset on
 * must not be stored. 0 when everything written is durable. */
int nw_lake_durable(const struct nw_lake *lake, int32_t partition, int64_t *offset);

/* 1 and *offset when a write or close of the partition failed (a broken segment): its
 * records from *offset on are lost and must be consumed again. */
int nw_lake_broken(const struct nw_lake *lake, int32_t partition, int64_t *offset);

/* Forgets the partition (revoked, or reset after a failure): cuts its open segment,
 * closes the segments that are done, drops the rest (their temp files removed). Returns 1
 * and *offset when something was dropped: offsets from *offset on must not be stored. */
int nw_lake_revoke(struct nw_lake *lake, int32_t partition, nw_lake_done_fn *done, void *ctx,
                   int64_t *offset);

#endif
