/*
 * embedded.h — `kafka.bootstrap.servers = embedded`: librdkafka's mock cluster inside
 * the worker process, for demos and tests on a machine without a broker.
 *
 * The mock cluster speaks the Kafka protocol on loopback (so kcat can attach to the
 * address it logs) and keeps all data in memory: it is gone when the process exits.
 */
#ifndef NW_EMBEDDED_H
#define NW_EMBEDDED_H

#include <stddef.h>

#include "config.h"
#include "status.h"

#define NW_EMBEDDED_PARTITIONS 4

struct nw_embedded;

/* True if the configuration asks for the embedded cluster. */
int nw_embedded_wanted(const struct nw_config *cfg);

/* Starts a one-broker mock cluster and creates the input, output and errors topics
 * (NW_EMBEDDED_PARTITIONS partitions each) plus extra_topics (n of them, may be NULL).
 * Logs the bootstrap address. NULL on failure with a message. */
struct nw_embedded *nw_embedded_create(const struct nw_config *cfg, const char *const *extra_topics,
                                       size_t n, char *errstr, size_t errstr_size);

/* The bootstrap address ("127.0.0.1:PORT"), borrowed from e. */
const char *nw_embedded_bootstraps(const struct nw_embedded *e);

/* Stops the cluster. Destroy the clients that use it first. NULL-safe. */
void nw_embedded_destroy(struct nw_embedded *e);

#endif
