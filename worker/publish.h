/*
 * publish.h — the Kafka producer for records.
 *
 * Idempotent (enable.idempotence=true, so retries cannot duplicate or reorder within a
 * partition), zstd-compressed unless kafka.compression.* says otherwise, with
 * delivery.timeout.ms from worker.delivery_timeout_ms. kafka.* and kafka.producer.* keys
 * are applied after these defaults, so the operator has the last word.
 *
 * Every message is keyed (the record id) and carries the headers `schema` and
 * `content-type: application/json`. The delivery report is the truth: a message counts
 * as written only when the delivery callback says so, and exactly one delivery callback
 * comes for every message that nw_publisher_send accepted.
 *
 * Single-threaded: callbacks (delivery, librdkafka logs and errors) run inside
 * nw_publisher_send, nw_publisher_poll and nw_publisher_flush on the calling thread.
 */
#ifndef NW_PUBLISH_H
#define NW_PUBLISH_H

#include <signal.h>
#include <stddef.h>

#include <librdkafka/rdkafka.h>

#include "config.h"
#include "status.h"

/* Outcome of one accepted message. ok is 1 when the broker acknowledged it; otherwise
 * errmsg says why (borrowed, valid during the call). topic/partition/offset describe
 * where it went (partition -1 and offset -1 when unknown). */
struct nw_delivery {
    int ok;
    const char *errmsg;
    const char *topic;
    int32_t partition;
    int64_t offset;
};
typedef void nw_publish_delivery_fn(void *msg_opaque, const struct nw_delivery *dr, void *ctx);

struct nw_publisher;

/* Builds the producer. bootstrap, if not NULL, replaces kafka.bootstrap.servers (the
 * embedded cluster). NULL on failure (a rejected librdkafka property names the key). */
struct nw_publisher *nw_publisher_create(const struct nw_config *cfg, const char *bootstrap,
                                         nw_publish_delivery_fn *on_delivery, void *ctx,
                                         char *errstr, size_t errstr_size);

/* Destroys the producer without waiting: undelivered messages get failed delivery
 * callbacks first (purged). Call nw_publisher_flush before, to deliver them. NULL-safe. */
void nw_publisher_destroy(struct nw_publisher *p);

/* While *flag is non-zero, a send stuck on a full queue gives up at once. */
void nw_publisher_set_abort_flag(struct nw_publisher *p, const volatile sig_atomic_t *flag);

/* Queues one message (value and key are copied). key may be NULL. On a full local queue
 * it serves delivery reports and tries again, for at most worker.delivery_timeout_ms.
 * NW_OK: accepted, a delivery callback will follow. Otherwise no callback will come:
 * NW_ETIMEOUT (queue stayed full), NW_EKAFKA (rejected: message too large, unknown
 * topic, fatal producer error) with the reason in errstr. */
enum nw_status nw_publisher_send(struct nw_publisher *p, const char *topic, const char *key,
                                 const char *value, size_t value_len, const char *schema,
                                 void *msg_opaque, char *errstr, size_t errstr_size);

/* One extra header of a message (value of value_len bytes, copied). */
struct nw_header {
    const char *name;
    const void *value;
    size_t value_len;
};

/* nw_publisher_send with n_extra more headers after `schema` and `content-type`. */
enum nw_status nw_publisher_send_headers(struct nw_publisher *p, const char *topic, const char *key,
                                         const char *value, size_t value_len, const char *schema,
                                         const struct nw_header *extra, size_t n_extra,
                                         void *msg_opaque, char *errstr, size_t errstr_size);

/* Serves delivery reports and client events for up to timeout_ms. Returns the number of
 * events served. */
int nw_publisher_poll(struct nw_publisher *p, int timeout_ms);

/* Waits up to timeout_ms for every queued message to be delivered (or to fail).
 * NW_OK when nothing is left, NW_ETIMEOUT otherwise. Stops early if the abort flag is set. */
enum nw_status nw_publisher_flush(struct nw_publisher *p, int timeout_ms);

/* Messages queued or in flight (not yet reported). */
int nw_publisher_outq_len(struct nw_publisher *p);

/* True (with the reason) once the producer hit a fatal error (idempotence guarantees
 * could not be kept); it accepts nothing more and the process should restart. */
int nw_publisher_fatal(struct nw_publisher *p, char *errstr, size_t errstr_size);

/* The librdkafka handle (borrowed), for statistics. */
rd_kafka_t *nw_publisher_handle(struct nw_publisher *p);

#endif
