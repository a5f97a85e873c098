/*
 * consume.h — the Kafka consumer for url jobs: one member of a balanced consumer group.
 *
 * Defaults (kafka.* and kafka.consumer.* keys are applied after them and win):
 * group.id "newsworker"; partition.assignment.strategy roundrobin (eager: librdkafka
 * before 2.3.0 can abort in the sticky assignor when a member leaves during a rebalance;
 * cooperative-sticky still works when configured); enable.auto.offset.store false (only
 * the worker decides which offset is safe to store); enable.auto.commit true with
 * auto.commit.interval.ms 200 (stored offsets are committed in the background, at each
 * revoke and on close); auto.offset.reset earliest (a new group starts with the jobs
 * already waiting); queued.min.messages 2000 and queued.max.messages.kbytes 32768 (the
 * prefetch that waits locally while the worker is full: the worker polls only when it
 * has room, and does not pause for backpressure).
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
     * someone else (session timed out): storing offsets is pointless then. drain is 1
     * when finishing their jobs in flight is worth it (the coordinator still takes
     * commits); else they are to be dropped at once. */
    void (*revoking)(const int32_t *partitions, size_t n, int lost, int drain, void *ctx);
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

/* Commits the stored offsets now and waits up to timeout_ms for the answer: NW_OK
 * (also when nothing was stored), NW_EKAFKA (refused, logged), NW_ETIMEOUT. */
enum nw_status nw_consumer_commit(struct nw_consumer *c, int timeout_ms);

/* Leaves the group: runs the revoke callback for what is assigned, commits, closes; gives
 * up after timeout_ms (NW_ETIMEOUT; nw_consumer_destroy then skips the close). */
enum nw_status nw_consumer_close(struct nw_consumer *c, int timeout_ms);

/* After a failed commit at shutdown: counts (in nw_consumer_repeats) and logs the
 * finished jobs whose offsets the group does not have (asking it for up to timeout_ms). */
void nw_consumer_note_uncommitted(struct nw_consumer *c, int timeout_ms);

/* Finished jobs whose offsets a revoke could not commit (the coordinator refused): the
 * partitions' next owners repeat them. */
unsigned long long nw_consumer_repeats(const struct nw_consumer *c);

/* The librdkafka handle and the input topic name (both borrowed). */
rd_kafka_t *nw_consumer_handle(struct nw_consumer *c);
const char *nw_consumer_topic(const struct nw_consumer *c);

#endif
