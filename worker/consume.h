/*
 * consume.h — the Kafka consumer for url jobs: one member of a balanced consumer group.
 *
 * Defaults (kafka.* and kafka.consumer.* keys are applied after them and win):
 * group.id "newsworker", partition.assignment.strategy cooperative-sticky (a rebalance
 * moves only the partitions that change owner), enable.auto.offset.store false (only the
 * worker decides which offset is safe to store), enable.auto.commit true (stored offsets
 * are committed in the background and on close), auto.offset.reset earliest (a new group
 * starts with the jobs already waiting).
 *
 * Rebalances are handled inside nw_consumer_poll: for revoked partitions the revoke
 * callback runs while the partitions are still assigned (so it may still store their
 * offsets), then the stored offsets are committed and the partitions unassigned. Both
 * incremental (cooperative) and eager protocols are handled.
 *
 * Single-threaded: every call and callback on the thread that polls.
 */
#ifndef NW_CONSUME_H
#define NW_CONSUME_H

#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "config.h"
#include "status.h"

struct nw_consumer_callbacks {
    /* Partitions (of the input topic) just assigned; they are paused already when the
     * consumer is paused. */
    void (*assigned)(const int32_t *partitions, size_t n, void *ctx);
    /* Partitions about to be taken away. lost is 1 when the group already gave them to
     * someone else (session timed out): storing offsets is pointless then. */
    void (*revoking)(const int32_t *partitions, size_t n, int lost, void *ctx);
};

struct nw_consumer;

/* Subscribes to input.topic. bootstrap, if not NULL, replaces kafka.bootstrap.servers.
 * NULL on failure, with a message naming a rejected key. */
struct nw_consumer *nw_consumer_create(const struct nw_config *cfg, const char *bootstrap,
                                       const struct nw_consumer_callbacks *cbs, void *ctx,
                                       char *errstr, size_t errstr_size);

/* Closes (if not closed yet: see nw_consumer_close) and frees. NULL-safe. */
void nw_consumer_destroy(struct nw_consumer *c);

/* Next job message, or NULL if none came within timeout_ms. Consumer errors are logged
 * here and not returned. The caller destroys the message (rd_kafka_message_destroy). */
rd_kafka_message_t *nw_consumer_poll(struct nw_consumer *c, int timeout_ms);

/* Stops fetching from every assigned partition (and from partitions assigned later) /
 * fetches again. Idempotent. */
void nw_consumer_pause(struct nw_consumer *c);
void nw_consumer_resume(struct nw_consumer *c);
int nw_consumer_paused(const struct nw_consumer *c);

/* Puts a partition back to `offset` so that its messages from there are delivered again
 * (after a message could not be taken in). */
void nw_consumer_rewind(struct nw_consumer *c, int32_t partition, int64_t offset);

/* Stores `offset` (the next offset to consume) for a partition of the input topic; the
 * commit follows in the background or in nw_consumer_commit. */
enum nw_status nw_consumer_store(struct nw_consumer *c, int32_t partition, int64_t offset);

/* Commits the stored offsets now and waits for the answer. */
enum nw_status nw_consumer_commit(struct nw_consumer *c);

/* Leaves the group: runs the revoke callback for what is assigned, commits, closes. */
void nw_consumer_close(struct nw_consumer *c);

/* The librdkafka handle and the input topic name (both borrowed). */
rd_kafka_t *nw_consumer_handle(struct nw_consumer *c);
const char *nw_consumer_topic(const struct nw_consumer *c);

#endif
