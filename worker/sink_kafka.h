/*
 * sink_kafka.h — where records go with a broker: article records to output.topic and the
 * topics route.rules adds (or only those, with `!output`), error records to errors.topic.
 * Each message is keyed by the record id (an error record by the SHA-256 of its url, the
 * id its article would have had, so a compacted topic keeps the latest outcome per URL).
 *
 * It owns the route rules, the producer (publish.h) and, with
 * kafka.bootstrap.servers=embedded, the in-process mock cluster (embedded.h).
 * Single-threaded, like the producer.
 */
#ifndef NW_SINK_KAFKA_H
#define NW_SINK_KAFKA_H

#include <jansson.h>
#include <stddef.h>

#include "config.h"
#include "publish.h"
#include "status.h"

struct nw_sink_kafka;

/* Loads route.rules (NW_ECONFIG naming FILE:LINE), starts the embedded cluster if asked
 * for, builds the producer. on_delivery gets one call per accepted message. NULL on
 * failure with the reason in errstr; *status (if not NULL) says config or runtime error. */
struct nw_sink_kafka *nw_sink_kafka_create(const struct nw_config *cfg,
                                           nw_publish_delivery_fn *on_delivery, void *ctx,
                                           enum nw_status *status, char *errstr,
                                           size_t errstr_size);
/* Destroys without waiting (flush first with nw_publisher_flush). NULL-safe. */
void nw_sink_kafka_destroy(struct nw_sink_kafka *sink);

/* Queues record (borrowed) on each of its topics with msg_opaque. *accepted counts the
 * messages queued, each followed by one delivery callback; 0 for an article that the
 * rules send nowhere. A record larger than nw_sink_kafka_record_max is shrunk
 * (nw_record_fit) on a copy; one that still does not fit is replaced by an error record
 * (code record_too_large) on errors.topic, so the job still ends in one record. NW_OK if every
 * topic accepted it; otherwise the first failure, with the reason in errstr (some topics may still
 * have accepted it). */
enum nw_status nw_sink_kafka_send(struct nw_sink_kafka *sink, const json_t *record, int is_error,
                                  void *msg_opaque, size_t *accepted, char *errstr,
                                  size_t errstr_size);

/* The largest record (serialized) the producer can send: its message.max.bytes
 * (kafka.producer.message.max.bytes, else kafka.message.max.bytes, else librdkafka's
 * 1000000) less room for the key, headers and framing. */
size_t nw_sink_kafka_record_max(const struct nw_config *cfg);
/* Asks the cluster for its broker list, waiting at most timeout_ms: NW_OK if a broker
 * answered, else NW_EKAFKA with librdkafka's reason in errstr. For batch commands, so an
 * unreachable cluster fails at start instead of after worker.delivery_timeout_ms. */
enum nw_status nw_sink_kafka_check(struct nw_sink_kafka *sink, int timeout_ms, char *errstr,
                                   size_t errstr_size);

/* The producer (borrowed) for polling, flushing and the abort flag. */
struct nw_publisher *nw_sink_kafka_publisher(struct nw_sink_kafka *sink);

/* How many route rules were loaded (0 without route.rules). */
size_t nw_sink_kafka_route_count(const struct nw_sink_kafka *sink);

/* The embedded cluster's address when kafka.bootstrap.servers=embedded, else NULL (the
 * clients take bootstrap.servers from the kafka.* keys). Pass it on to a consumer. */
const char *nw_sink_kafka_bootstrap(const struct nw_sink_kafka *sink);

#endif
