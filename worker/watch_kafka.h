/*
 * watch_kafka.h — the watcher's Kafka side: sources from a compacted topic
 * (watch.sources.topic: key = source URL, value = settings JSON {"interval_s", "meta"} or
 * empty, a tombstone removes) read by a consumer group (watch.group_id), so a fleet splits
 * the sources by partition; and the state in a compacted topic (watch.state.topic: key =
 * configured source URL, value = its snapshot with its children's, see nw_watch_snapshot).
 *
 * Assignment: the partitions are read from the beginning (no offsets are committed: the
 * compacted topic is the list), their sources parked until every assigned partition has
 * been read to its end and the state topic has been read to its end and applied; then they
 * are polled. Revocation: jobs emitted so far are flushed, the snapshots of the sources of
 * the revoked partitions written and flushed, then the sources dropped. So a partition
 * that moves to another watcher carries its seen items along and nothing is emitted twice.
 *
 * The state topic is re-read in full at each assignment (cost: its size), and written every
 * watch.state_save_interval_s for sources polled since, and at the end. A snapshot holds at
 * most the newest 30,000 seen entries of a source (a Kafka message stays under 1 MB).
 *
 * Single-threaded, on the watcher's thread.
 */
#ifndef NW_WATCH_KAFKA_H
#define NW_WATCH_KAFKA_H

#include <signal.h>

#include "config.h"
#include "publish.h"
#include "status.h"
#include "watch.h"

struct nw_watch_kafka;

/* sources_topic and state_topic may each be NULL (not used). pub (borrowed) writes the
 * state; bootstrap replaces kafka.bootstrap.servers (embedded) if not NULL. With no
 * sources topic, the state topic is read once here and applied to the sources added so far.
 * abort_flag (borrowed, may be NULL): once it is non-zero (the shutdown budget is spent),
 * reading the state gives up and the close leaves the group without waiting for the
 * broker. NULL on failure; *status says config (NW_ECONFIG) or runtime error. */
struct nw_watch_kafka *nw_watch_kafka_create(const struct nw_config *cfg, struct nw_watch *w,
                                             struct nw_publisher *pub, const char *bootstrap,
                                             const volatile sig_atomic_t *abort_flag,
                                             enum nw_status *status, char *errstr,
                                             size_t errstr_size);

/* Serves the consumer (sources, rebalances) for up to timeout_ms. */
void nw_watch_kafka_poll(struct nw_watch_kafka *k, int timeout_ms);

/* True while assigned partitions are being loaded (their sources not polled yet). */
int nw_watch_kafka_loading(const struct nw_watch_kafka *k);

/* Writes the snapshots of the sources polled since the last save (all when all), after
 * flushing the jobs emitted so far. NW_OK when everything was delivered. */
enum nw_status nw_watch_kafka_save(struct nw_watch_kafka *k, int all);

/* Leaves the group (the revoked partitions' state is written first when may_save; pass 0
 * when jobs went undelivered, so that they are emitted again). Then destroy. Waits for the
 * broker only until the abort flag is set (then the group learns of the departure by the
 * session timeout). */
void nw_watch_kafka_close(struct nw_watch_kafka *k, int may_save);
void nw_watch_kafka_destroy(struct nw_watch_kafka *k);

#endif
