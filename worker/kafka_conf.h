/*
 * kafka_conf.h — the librdkafka configuration steps the consumer and the producer share:
 * the client's own defaults, then the operator's kafka.* keys passed through unchanged,
 * then a bootstrap address that replaces kafka.bootstrap.servers; and the log callback
 * that routes librdkafka's logs into shared/log.h.
 *
 * Nothing here allocates or keeps memory: the conf object stays the caller's.
 */
#ifndef NW_KAFKA_CONF_H
#define NW_KAFKA_CONF_H

#include <stddef.h>

#include <librdkafka/rdkafka.h>

#include "config.h"
#include "status.h"

/**
 * Sets on conf, in this order: the n_defaults {property, value} pairs of defaults; every
 * kafka.X and kafka.<client>.X key of cfg (client is "consumer" or "producer"), so the
 * operator wins over the defaults; and bootstrap, if not NULL, in place of any configured
 * bootstrap.servers. Stops at the first property librdkafka rejects and writes
 * "<client> <property>: <reason>" (a default, NW_EKAFKA) or "kafka.<property>: <reason>"
 * (a configured key, NW_ECONFIG) into errstr. conf may hold some of the properties then;
 * the caller still owns and destroys it.
 */
enum nw_status nw_kafka_conf_apply(rd_kafka_conf_t *conf, const struct nw_config *cfg,
                                   const char *client, const char *const (*defaults)[2],
                                   size_t n_defaults, const char *bootstrap, char *errstr,
                                   size_t errstr_size);

/**
 * Asks librdkafka, without building a client, whether it knows every kafka.* key's
 * property (kafka.X, kafka.consumer.X, kafka.producer.X) and accepts its value, each on a
 * scratch configuration. NW_ECONFIG with "kafka.bootstrap.server: No such configuration
 * property ..." in errstr for the first that it refuses. Every command calls it at start,
 * with or without a broker, so a typo never goes unnoticed.
 */
enum nw_status nw_kafka_conf_check(const struct nw_config *cfg, char *errstr, size_t errstr_size);

/** A librdkafka log callback (rd_kafka_conf_set_log_cb) that logs under "kafka" at the
 * nw_log level matching the syslog level librdkafka gives. */
void nw_kafka_conf_on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf);

#endif
