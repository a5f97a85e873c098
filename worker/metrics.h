/*
 * metrics.h — the process's metrics registry and its HTTP endpoint (libmicrohttpd).
 *
 * With metrics.listen = HOST:PORT (off when empty, the default) a thread of
 * libmicrohttpd's own (epoll; 256 connections, 64 per address, a request idle for 3 s
 * dropped, so slow clients cannot starve the probes) serves:
 *   /metrics  Prometheus text format 0.0.4 (every newsworker_* family, see metrics.c),
 *             rendered at most once per 250 ms (requests in between share the text)
 *   /healthz  200 while the worker's loop has ticked (nw_metrics_tick) within
 *             metrics.health_max_stall_ms, else 503 (with NW_METRICS_NEED_TICKS; a
 *             command without a service loop answers 200 while the process serves)
 *   /readyz   200 when what the command needs is there (NW_METRICS_NEED_*: partitions of
 *             the input topic assigned, the producer connected to a broker), else 503
 *             with the reason
 *
 * The registry is process-wide, so call sites stay one line: counters and gauges are
 * atomics, labelled series and histograms sit behind one mutex. Every call is safe from
 * any thread and cheap enough per job. Label sets are bounded: a family holds at most
 * NW_METRICS_MAX_SERIES series; past that, new label values count under "other".
 * Counting works whether or not the endpoint is on.
 *
 * librdkafka's statistics (statistics.interval.ms, set to 5000 ms by nw_kafka_conf_apply
 * when metrics are on unless kafka.statistics.interval.ms says otherwise) feed consumer
 * lag per partition, producer queue depth and broker connection state (nw_metrics_on_kafka_stats).
 */
#ifndef NW_METRICS_H
#define NW_METRICS_H

#include <stddef.h>

#include <jansson.h>
#include <librdkafka/rdkafka.h>

#include "config.h"

#define NW_METRICS_MAX_SERIES 128

enum nw_metrics_counter {
    NW_METRICS_JOBS_CONSUMED,    /* jobs taken in (Kafka messages, input lines) */
    NW_METRICS_JOBS_UNDELIVERED, /* jobs whose record could not be delivered (offset held) */
    NW_METRICS_DUPLICATES,       /* repeats announced ("possibly repeated") + offsets seen again */
    NW_METRICS_JOBS_HANDED_BACK, /* jobs withdrawn un-begun at a stop or revoke */
    NW_METRICS_FETCH_RETRIES,    /* fetch attempts retried after a transient failure */
    /* watch (rendered only when started with NW_METRICS_WATCH) */
    NW_METRICS_WATCH_POLLS,        /* source requests answered */
    NW_METRICS_WATCH_NEW_ITEMS,    /* url jobs emitted */
    NW_METRICS_WATCH_ERRORS,       /* error records */
    NW_METRICS_WATCH_NOT_MODIFIED, /* 304 answers */
    NW_METRICS_WATCH_STATE_WRITES, /* state saves (file or topic) that succeeded */
    NW_METRICS_NCOUNTERS
};

enum nw_metrics_gauge {
    NW_METRICS_JOBS_IN_FLIGHT,       /* jobs taken in and not yet completed */
    NW_METRICS_PARTITIONS_ASSIGNED,  /* input partitions this worker holds */
    NW_METRICS_FETCH_ACTIVE,         /* transfers inside libcurl */
    NW_METRICS_FETCH_PENDING,        /* URLs added to the fetcher and not yet done */
    NW_METRICS_FETCH_HOSTS,          /* hosts with transfers waiting for a slot */
    NW_METRICS_FETCH_HOST_QUEUE_MAX, /* longest per-host queue */
    NW_METRICS_WATCH_SOURCES,        /* watch: sources watched (configured and children) */
    NW_METRICS_WATCH_DUE,            /* watch: sources due, not yet requested */
    NW_METRICS_WATCH_OVERDUE,        /* watch: ... waiting longer than watch.interval_min_s */
    NW_METRICS_NGAUGES
};

enum nw_metrics_hist {
    NW_METRICS_H_FETCH, /* one URL's fetch, last attempt (seconds) */
    NW_METRICS_H_DECODE,
    NW_METRICS_H_EXTRACT,
    NW_METRICS_H_NORMALIZE,
    NW_METRICS_H_ENRICH,
    NW_METRICS_NHISTS
};

/* What /readyz waits for. */
#define NW_METRICS_NEED_PARTITIONS 1u /* at least one input partition assigned */
#define NW_METRICS_NEED_BROKER 2u     /* the producer connected to at least one broker */
#define NW_METRICS_NEED_TICKS 4u      /* /healthz: the loop calls nw_metrics_tick (else 200) */
#define NW_METRICS_WATCH 8u           /* the scrape has the newsworker_watch_* families */

/* Starts the endpoint if metrics.listen is set (else does nothing and returns 0).
 * Returns a process exit code: 0, or 2 (bad metrics.listen) / 1 (cannot listen), after
 * printing the reason on stderr. Call once, before the Kafka clients are created. */
int nw_metrics_start(const struct nw_config *cfg, unsigned need);
/* Stops the endpoint (if started). */
void nw_metrics_stop(void);
/* True between a start that opened the endpoint and the stop. */
int nw_metrics_enabled(void);
/* The port the endpoint listens on (0 if off): useful with metrics.listen=HOST:0. */
unsigned nw_metrics_port(void);

void nw_metrics_inc(enum nw_metrics_counter c);
void nw_metrics_add(enum nw_metrics_counter c, unsigned long long n);
void nw_metrics_set(enum nw_metrics_gauge g, long long value);
void nw_metrics_observe(enum nw_metrics_hist h, double seconds);

/* One job's record was built: newsworker_jobs_total{result}, and for an error record
 * newsworker_job_errors_total{stage,code} from its fields. record may be NULL (no memory). */
void nw_metrics_record(const json_t *record, int is_error);
/* One record message's delivery report: newsworker_records_produced_total{topic,result}. */
void nw_metrics_delivery(const char *topic, int ok);
/* One URL's fetch ended (after retries): newsworker_fetches_total{code,status_class},
 * bytes and the fetch duration histogram. code NULL = success. */
void nw_metrics_fetch(const char *code, long http_status, size_t body_bytes, long elapsed_ms);

/* The loop is alive; jobs_in_flight is its current count. Cheap: call every turn. */
void nw_metrics_tick(size_t jobs_in_flight);

/* librdkafka's stats callback (rd_kafka_conf_set_stats_cb). Returns 0: librdkafka frees json. */
int nw_metrics_on_kafka_stats(rd_kafka_t *rk, char *json, size_t json_len, void *opaque);

/* Renders the scrape into a new string (caller frees with free()); NULL on ENOMEM. */
char *nw_metrics_render(size_t *len);

/* 1 if ready; otherwise 0 and a reason in why. */
int nw_metrics_ready(char *why, size_t why_size);

#endif
