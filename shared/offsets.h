/*
 * offsets.h — which input offset may be stored, per partition, when jobs finish out of
 * order (at-least-once processing).
 *
 * The consumer hands out messages of one partition in increasing offset order, but their
 * jobs finish in any order (a slow page, a retry, a delivery report that takes a while).
 * The offset a worker may store for a partition is the lowest offset not yet finished: a
 * restart resumes there, repeating only jobs after it. A job whose record could not be
 * delivered in the end is marked failed: it keeps holding the partition's offset (it is
 * never finished) but no longer counts as in flight, so it does not block backpressure
 * or draining forever.
 *
 * Partitions carry a generation. Revoking a partition forgets it; a job that began under
 * an old generation and finishes later is ignored, so a stale job can never move the
 * offset of a partition that was assigned again in the meantime.
 *
 * Pure data structure: no Kafka, no clock, no threads. One tracker serves one topic.
 * Memory: one 16-byte entry per begun job, kept until every job before it is finished
 * (a failed job therefore keeps the entries after it until its partition is revoked).
 */
#ifndef NW_OFFSETS_H
#define NW_OFFSETS_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

struct nw_offsets;

/* A new, empty tracker, or NULL on allocation failure. Free with nw_offsets_destroy. */
struct nw_offsets *nw_offsets_create(void);

/* Frees the tracker and everything in it. NULL-safe. */
void nw_offsets_destroy(struct nw_offsets *o);

/* Starts tracking a partition afresh (forgetting any earlier state for it) and returns
 * its new generation in *generation (never 0). NW_ENOMEM on allocation failure. */
enum nw_status nw_offsets_assign(struct nw_offsets *o, int32_t partition, uint64_t *generation);

/* Forgets a partition: its unfinished jobs will be ignored when they finish. No-op for a
 * partition that is not tracked. */
void nw_offsets_revoke(struct nw_offsets *o, int32_t partition);

/* True if the partition is tracked; its generation goes to *generation if not NULL. */
int nw_offsets_has(const struct nw_offsets *o, int32_t partition, uint64_t *generation);

/* Records that the job at `offset` started (assigning the partition first if it is not
 * tracked). Offsets of one partition must be begun in strictly increasing order:
 * NW_EINVAL otherwise (the caller then processes that message without tracking it).
 * The partition's generation goes to *generation. NW_ENOMEM on allocation failure. */
enum nw_status nw_offsets_begin(struct nw_offsets *o, int32_t partition, int64_t offset,
                                uint64_t *generation);

/* Records that the job at `offset` (begun under `generation`) is done: its record was
 * delivered. NW_EINVAL if the partition, generation or offset is unknown (a stale job,
 * or a job finished twice); nothing changes then. */
enum nw_status nw_offsets_finish(struct nw_offsets *o, int32_t partition, uint64_t generation,
                                 int64_t offset);

/* Records that the job at `offset` failed for good: its partition's stored offset will
 * not pass it. NW_EINVAL as for nw_offsets_finish. */
enum nw_status nw_offsets_fail(struct nw_offsets *o, int32_t partition, uint64_t generation,
                               int64_t offset);

/* The offset to store for the partition: the lowest unfinished (or failed) offset, or
 * one past the highest finished one when nothing is pending. Returns 1 and writes
 * *offset when that offset is known and differs from the one last returned by this
 * function for this generation; 0 otherwise (nothing new to store). */
int nw_offsets_committable(struct nw_offsets *o, int32_t partition, int64_t *offset);

/* Like nw_offsets_committable but without remembering: 1 and *offset if any job of the
 * partition has finished (so there is an offset worth storing), else 0. */
int nw_offsets_position(const struct nw_offsets *o, int32_t partition, int64_t *offset);

/* Jobs begun and neither finished nor failed, for one partition / for all partitions. */
size_t nw_offsets_in_flight(const struct nw_offsets *o, int32_t partition);
size_t nw_offsets_total_in_flight(const struct nw_offsets *o);

/* Jobs of one partition finished above a lower unfinished (or failed) one: their
 * offsets cannot be stored yet, so whoever resumes the partition from the stored offset
 * does them again. */
size_t nw_offsets_done_above(const struct nw_offsets *o, int32_t partition);

/* Jobs marked failed, for one partition (they hold its offset back). */
size_t nw_offsets_failed(const struct nw_offsets *o, int32_t partition);

#endif
