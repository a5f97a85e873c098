/*
 * metrics.c — the metrics registry, the Prometheus text rendering and the HTTP endpoint.
 *
 * Families (all prefixed newsworker_; units in the name, seconds and bytes):
 *   jobs_consumed_total, jobs_total{result}, job_errors_total{stage,code},
 *   jobs_undelivered_total, duplicate_jobs_total, records_produced_total{topic,result},
 *   fetches_total{code,status_class}, fetch_retries_total, fetch_body_bytes_total,
 *   fetch_duration_seconds, stage_duration_seconds{stage},
 *   jobs_in_flight, partitions_assigned, fetch_active_transfers, fetch_pending_urls,
 *   fetch_hosts_waiting, fetch_host_queue_max, kafka_consumer_lag{topic,partition},
 *   kafka_producer_queue_messages, kafka_producer_queue_bytes, kafka_brokers_up{client},
 *   watch (watch only): watch_polls_total, watch_new_items_total, watch_errors_total,
 *   watch_not_modified_total, watch_state_writes_total, watch_sources, watch_sources_due,
 *   watch_sources_overdue;
 *   loop_last_tick_timestamp_seconds, ready, start_time_seconds, metrics_renders_total,
 *   build_info{version}.
 */
#include "metrics.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "buf.h"
#include "log.h"

#ifndef NW_VERSION
#define NW_VERSION "0.0.0"
#endif

#define LABEL_MAX 64
#define MAX_LABELS 3
#define RENDER_MAX (8u << 20)

/* The endpoint's limits (measured in /work/notes/ops.md: 40 slow clients sending a
 * header line every 4 s left /healthz unanswered with 32 slots and a 10 s idle timeout).
 * A request that idles this long between its bytes is dropped: scrapers and probes send
 * a request at once, a slow client ("slowloris") loses its slot. */
#define HTTP_IDLE_TIMEOUT_S 3u
/* Connections at once, and from one address: far more slots than probes and scrapers
 * need, so idle or slow clients cannot hold them all; one address cannot take more than
 * a quarter. Kept well below a container's usual 1024 file descriptors. */
#define HTTP_MAX_CONNECTIONS 256u
#define HTTP_MAX_PER_ADDRESS 64u
/* /metrics is rendered at most once per this many ms; requests in between get the same
 * text, so a flood of scrapes costs copying, not rendering. */
#define RENDER_MIN_INTERVAL_MS 250

/* ---- labelled families ------------------------------------------------------------- */

enum family_id { F_JOBS, F_JOB_ERRORS, F_PRODUCED, F_FETCHES, F_LAG, F_BROKERS_UP, NFAMILIES };

struct family_def {
    const char *name, *type, *help;
    int nlabels;
    const char *labels[MAX_LABELS];
};

static const struct family_def families[NFAMILIES] = {
    [F_JOBS] = {"newsworker_jobs_total",
                "counter",
                "Jobs that ended in a record, by result (article or error).",
                1,
                {"result"}},
    [F_JOB_ERRORS] = {"newsworker_job_errors_total",
                      "counter",
                      "Error records by the stage that failed and the error code.",
                      2,
                      {"stage", "code"}},
    [F_PRODUCED] = {"newsworker_records_produced_total",
                    "counter",
                    "Record messages by topic and delivery result (delivered or failed).",
                    2,
                    {"topic", "result"}},
    [F_FETCHES] = {"newsworker_fetches_total",
                   "counter",
                   "Fetches ended (after retries) by code (ok or the error code) and HTTP "
                   "status class (2xx..5xx, none when no response).",
                   2,
                   {"code", "status_class"}},
    [F_LAG] = {"newsworker_kafka_consumer_lag",
               "gauge",
               "Messages between the consumer's position and the partition end, from "
               "librdkafka statistics.",
               2,
               {"topic", "partition"}},
    [F_BROKERS_UP] = {"newsworker_kafka_brokers_up",
                      "gauge",
                      "Brokers the Kafka client is connected to, from librdkafka statistics.",
                      1,
                      {"client"}},
};

struct series {
    char labels[MAX_LABELS][LABEL_MAX];
    double value;
};

struct family {
    struct series series[NW_METRICS_MAX_SERIES];
    size_t n;
};

/* ---- histograms -------------------------------------------------------------------- */

static const double bucket_bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                       0.25,   0.5,   1,      2.5,   5,    10,    30,   60};
#define NBUCKETS (sizeof(bucket_bounds) / sizeof(bucket_bounds[0]))

struct hist {
    unsigned long long buckets[NBUCKETS + 1]; /* last: +Inf */
    unsigned long long count;
    double sum;
};

static const char *const stage_names[NW_METRICS_NHISTS] = {
    [NW_METRICS_H_DECODE] = "decode",
    [NW_METRICS_H_EXTRACT] = "extract",
    [NW_METRICS_H_NORMALIZE] = "normalize",
    [NW_METRICS_H_ENRICH] = "enrich",
};

/* ---- the registry ---------------------------------------------------------------- */

static const struct {
    const char *name, *help;
} counter_defs[NW_METRICS_NCOUNTERS] = {
    [NW_METRICS_JOBS_CONSUMED] = {"newsworker_jobs_consumed_total",
                                  "Jobs taken in (Kafka messages or input lines)."},
    [NW_METRICS_JOBS_UNDELIVERED] = {"newsworker_jobs_undelivered_total",
                                     "Jobs whose record could not be delivered; their input "
                                     "offset is held back."},
    [NW_METRICS_DUPLICATES] =
        {"newsworker_duplicate_jobs_total",
         "Jobs the worker announces as possibly repeated (records sent but not "
         "confirmed when partitions were lost or revoked, finished jobs "
         "whose offsets could not be committed) plus offsets consumed "
         "again within one assignment."},
    [NW_METRICS_JOBS_HANDED_BACK] = {"newsworker_jobs_handed_back_total",
                                     "Jobs withdrawn un-begun at a stop or revoke (parked on a "
                                     "slow host); the next owner consumes them again."},
    [NW_METRICS_FETCH_RETRIES] = {"newsworker_fetch_retries_total",
                                  "Fetch attempts retried after a transient failure."},
    [NW_METRICS_WATCH_POLLS] = {"newsworker_watch_polls_total",
                                "Feed, sitemap and home page requests answered (any status)."},
    [NW_METRICS_WATCH_NEW_ITEMS] = {"newsworker_watch_new_items_total",
                                    "Items seen for the first time, emitted as url jobs."},
    [NW_METRICS_WATCH_ERRORS] = {"newsworker_watch_errors_total",
                                 "Error records of the watcher (failed polls, bad documents)."},
    [NW_METRICS_WATCH_NOT_MODIFIED] = {"newsworker_watch_not_modified_total",
                                       "Polls answered 304 Not Modified."},
    [NW_METRICS_WATCH_STATE_WRITES] = {"newsworker_watch_state_writes_total",
                                       "State saves (watch.state_file or watch.state.topic) "
                                       "that succeeded."},
};

static const struct {
    const char *name, *help;
} gauge_defs[NW_METRICS_NGAUGES] = {
    [NW_METRICS_JOBS_IN_FLIGHT] = {"newsworker_jobs_in_flight",
                                   "Jobs taken in and not yet completed."},
    [NW_METRICS_PARTITIONS_ASSIGNED] = {"newsworker_partitions_assigned",
                                        "Input topic partitions assigned to this worker."},
    [NW_METRICS_FETCH_ACTIVE] = {"newsworker_fetch_active_transfers",
                                 "HTTP transfers in progress."},
    [NW_METRICS_FETCH_PENDING] = {"newsworker_fetch_pending_urls",
                                  "URLs queued, in transfer or waiting for a retry."},
    [NW_METRICS_FETCH_HOSTS] = {"newsworker_fetch_hosts",
                                "Hosts with URLs queued, in transfer or waiting for a retry."},
    [NW_METRICS_FETCH_HOST_QUEUE_MAX] = {"newsworker_fetch_host_queue_max",
                                         "URLs of the busiest host (queued, in transfer or "
                                         "waiting for a retry)."},
    [NW_METRICS_WATCH_SOURCES] = {"newsworker_watch_sources",
                                  "Sources watched (configured ones and the children found)."},
    [NW_METRICS_WATCH_DUE] = {"newsworker_watch_sources_due",
                              "Sources whose poll time has come and that are not requested yet "
                              "(waiting for a slot, their host's delay or robots.txt)."},
    [NW_METRICS_WATCH_OVERDUE] = {"newsworker_watch_sources_overdue",
                                  "Sources due for longer than watch.interval_min_s: the "
                                  "watcher does not keep up."},
};

static int is_watch_counter(int c)
{
    return c >= NW_METRICS_WATCH_POLLS && c <= NW_METRICS_WATCH_STATE_WRITES;
}

static int is_watch_gauge(int g)
{
    return g >= NW_METRICS_WATCH_SOURCES && g <= NW_METRICS_WATCH_OVERDUE;
}

static struct {
    _Atomic unsigned long long counters[NW_METRICS_NCOUNTERS];
    _Atomic long long gauges[NW_METRICS_NGAUGES];
    _Atomic unsigned long long fetch_bytes;
    _Atomic long long last_tick_ms; /* CLOCK_MONOTONIC */
    _Atomic long long last_tick_wall_ms;

    pthread_mutex_t lock; /* everything below */
    struct family fam[NFAMILIES];
    struct hist hists[NW_METRICS_NHISTS];
    long long producer_queue_msgs, producer_queue_bytes;
    int producer_brokers_up; /* -1 until the first statistics */
    int consumer_brokers_up;

    unsigned need;
    long long stall_ms;
    double start_time;
    struct MHD_Daemon *daemon;
    unsigned port;

    pthread_mutex_t scrape_lock;   /* the cached scrape below */
    struct MHD_Response *scrape;   /* the last rendering, one reference ours */
    long long scrape_at_ms;        /* CLOCK_MONOTONIC of that rendering */
    _Atomic unsigned long renders; /* renderings done for /metrics */
} reg = {.lock = PTHREAD_MUTEX_INITIALIZER,
         .scrape_lock = PTHREAD_MUTEX_INITIALIZER,
         .producer_brokers_up = -1};

static long long mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void nw_metrics_inc(enum nw_metrics_counter c)
{
    if (c < NW_METRICS_NCOUNTERS)
        atomic_fetch_add_explicit(&reg.counters[c], 1, memory_order_relaxed);
}

void nw_metrics_add(enum nw_metrics_counter c, unsigned long long n)
{
    if (c < NW_METRICS_NCOUNTERS)
        atomic_fetch_add_explicit(&reg.counters[c], n, memory_order_relaxed);
}

void nw_metrics_set(enum nw_metrics_gauge g, long long value)
{
    if (g < NW_METRICS_NGAUGES)
        atomic_store_explicit(&reg.gauges[g], value, memory_order_relaxed);
}

void nw_metrics_observe(enum nw_metrics_hist h, double seconds)
{
    size_t b = 0;

    if (h >= NW_METRICS_NHISTS || !(seconds >= 0))
        return;
    while (b < NBUCKETS && seconds > bucket_bounds[b])
        b++;
    pthread_mutex_lock(&reg.lock);
    reg.hists[h].buckets[b]++;
    reg.hists[h].count++;
    reg.hists[h].sum += seconds;
    pthread_mutex_unlock(&reg.lock);
}

/* The series of family f with these label values, created if new; the family's last slot
 * collects every label set past its bound as "other". Under reg.lock. */
static struct series *series_get(enum family_id f, const char *const *values)
{
    struct family *fam = &reg.fam[f];
    int nl = families[f].nlabels;
    char clean[MAX_LABELS][LABEL_MAX];
    struct series *s;

    for (int i = 0; i < nl; i++)
        snprintf(clean[i], LABEL_MAX, "%s", values[i] ? values[i] : "");
    for (size_t k = 0; k < fam->n; k++) {
        int same = 1;
        for (int i = 0; i < nl && same; i++)
            same = !strcmp(fam->series[k].labels[i], clean[i]);
        if (same)
            return &fam->series[k];
    }
    if (fam->n >= NW_METRICS_MAX_SERIES - 1) {
        s = &fam->series[NW_METRICS_MAX_SERIES - 1];
        if (fam->n == NW_METRICS_MAX_SERIES - 1) {
            for (int i = 0; i < nl; i++)
                snprintf(s->labels[i], LABEL_MAX, "other");
            s->value = 0;
            fam->n++;
        }
        return s;
    }
    s = &fam->series[fam->n++];
    memcpy(s->labels, clean, sizeof(clean));
    s->value = 0;
    return s;
}

static void family_add(enum family_id f, const char *const *values, double delta)
{
    pthread_mutex_lock(&reg.lock);
    series_get(f, values)->value += delta;
    pthread_mutex_unlock(&reg.lock);
}

void nw_metrics_record(const json_t *record, int is_error)
{
    const char *result[1] = {is_error ? "error" : "article"};

    family_add(F_JOBS, result, 1);
    if (is_error) {
        const char *v[2] = {json_string_value(json_object_get(record, "stage")),
                            json_string_value(json_object_get(record, "code"))};
        if (!v[0])
            v[0] = "unknown";
        if (!v[1])
            v[1] = "unknown";
        family_add(F_JOB_ERRORS, v, 1);
    }
}

void nw_metrics_delivery(const char *topic, int ok)
{
    const char *v[2] = {topic ? topic : "unknown", ok ? "delivered" : "failed"};

    family_add(F_PRODUCED, v, 1);
}

void nw_metrics_fetch(const char *code, long http_status, size_t body_bytes, long elapsed_ms)
{
    static const char *const classes[] = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};
    const char *v[2] = {code ? code : "ok", http_status >= 100 && http_status < 600
                                                ? classes[http_status / 100]
                                                : "none"};

    family_add(F_FETCHES, v, 1);
    atomic_fetch_add_explicit(&reg.fetch_bytes, body_bytes, memory_order_relaxed);
    if (elapsed_ms >= 0)
        nw_metrics_observe(NW_METRICS_H_FETCH, (double)elapsed_ms / 1000.0);
}

void nw_metrics_tick(size_t jobs_in_flight)
{
    atomic_store_explicit(&reg.last_tick_ms, mono_ms(), memory_order_relaxed);
    atomic_store_explicit(&reg.last_tick_wall_ms, wall_ms(), memory_order_relaxed);
    nw_metrics_set(NW_METRICS_JOBS_IN_FLIGHT, (long long)jobs_in_flight);
}

/* ---- librdkafka statistics ---------------------------------------------------------- */

static int brokers_up(json_t *brokers)
{
    const char *name;
    json_t *b;
    int up = 0;

    json_object_foreach(brokers, name, b)
    {
        const char *state = json_string_value(json_object_get(b, "state"));
        const char *source = json_string_value(json_object_get(b, "source"));
        (void)name;
        /* internal and logical brokers (the coordinator alias) are not connections. */
        if (state && !strcmp(state, "UP") && source &&
            (!strcmp(source, "learned") || !strcmp(source, "configured")))
            up++;
    }
    return up;
}

static void consumer_stats(json_t *root)
{
    json_t *topics = json_object_get(root, "topics"), *t, *parts, *p;
    const char *tname, *pname;

    /* The lag series are replaced as a whole: partitions revoked since vanish. */
    reg.fam[F_LAG].n = 0;
    json_object_foreach(topics, tname, t)
    {
        parts = json_object_get(t, "partitions");
        json_object_foreach(parts, pname, p)
        {
            json_t *lag = json_object_get(p, "consumer_lag");
            const char *state = json_string_value(json_object_get(p, "fetch_state"));
            const char *v[2] = {tname, pname};
            if (!strcmp(pname, "-1") || !json_is_integer(lag) || json_integer_value(lag) < 0)
                continue;
            if (state && !strcmp(state, "none"))
                continue;
            series_get(F_LAG, v)->value = (double)json_integer_value(lag);
        }
    }
}

int nw_metrics_on_kafka_stats(rd_kafka_t *rk, char *json, size_t json_len, void *opaque)
{
    json_error_t err;
    json_t *root = json_loadb(json, json_len, 0, &err);
    int producer = rd_kafka_type(rk) == RD_KAFKA_PRODUCER;
    const char *client[1] = {producer ? "producer" : "consumer"};

    (void)opaque;
    if (!root) {
        NW_LOG_WARN("metrics", "librdkafka statistics not parsed: %s", err.text);
        return 0;
    }
    pthread_mutex_lock(&reg.lock);
    if (producer) {
        reg.producer_queue_msgs = json_integer_value(json_object_get(root, "msg_cnt"));
        reg.producer_queue_bytes = json_integer_value(json_object_get(root, "msg_size"));
        reg.producer_brokers_up = brokers_up(json_object_get(root, "brokers"));
        series_get(F_BROKERS_UP, client)->value = reg.producer_brokers_up;
    } else {
        reg.consumer_brokers_up = brokers_up(json_object_get(root, "brokers"));
        series_get(F_BROKERS_UP, client)->value = reg.consumer_brokers_up;
        consumer_stats(root);
    }
    pthread_mutex_unlock(&reg.lock);
    json_decref(root);
    return 0;
}

/* ---- readiness and health ------------------------------------------------------------ */

int nw_metrics_ready(char *why, size_t why_size)
{
    int brokers;

    if ((reg.need & NW_METRICS_NEED_PARTITIONS) &&
        atomic_load(&reg.gauges[NW_METRICS_PARTITIONS_ASSIGNED]) <= 0) {
        snprintf(why, why_size, "no input partitions assigned");
        return 0;
    }
    pthread_mutex_lock(&reg.lock);
    brokers = reg.producer_brokers_up;
    pthread_mutex_unlock(&reg.lock);
    if ((reg.need & NW_METRICS_NEED_BROKER) && brokers <= 0) {
        snprintf(why, why_size, "%s",
                 brokers < 0 ? "no producer statistics yet"
                             : "the producer is not connected to any broker");
        return 0;
    }
    snprintf(why, why_size, "ready");
    return 1;
}

static int healthy(long long *stalled_ms)
{
    *stalled_ms = mono_ms() - atomic_load(&reg.last_tick_ms);
    return !(reg.need & NW_METRICS_NEED_TICKS) || *stalled_ms <= reg.stall_ms;
}

/* ---- rendering ---------------------------------------------------------------------- */

static void put_label_value(struct nw_buf *b, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            nw_buf_printf(b, "\\%c", *v);
        else if (*v == '\n')
            nw_buf_puts(b, "\\n");
        else
            nw_buf_putc(b, *v);
    }
}

static void put_header(struct nw_buf *b, const char *name, const char *type, const char *help)
{
    nw_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void put_hist(struct nw_buf *b, const char *name, const char *stage, const struct hist *h)
{
    unsigned long long cum = 0;
    char lbl[64] = "";

    if (stage)
        snprintf(lbl, sizeof(lbl), "stage=\"%s\",", stage);
    for (size_t i = 0; i < NBUCKETS; i++) {
        cum += h->buckets[i];
        nw_buf_printf(b, "%s_bucket{%sle=\"%g\"} %llu\n", name, lbl, bucket_bounds[i], cum);
    }
    cum += h->buckets[NBUCKETS];
    nw_buf_printf(b, "%s_bucket{%sle=\"+Inf\"} %llu\n", name, lbl, cum);
    if (stage)
        snprintf(lbl, sizeof(lbl), "{stage=\"%s\"}", stage);
    nw_buf_printf(b, "%s_sum%s %.9g\n%s_count%s %llu\n", name, lbl, h->sum, name, lbl, h->count);
}

char *nw_metrics_render(size_t *len)
{
    struct nw_buf b;
    char why[128];
    long long tick;
    char *out;

    nw_buf_init(&b, RENDER_MAX);
    for (int c = 0; c < NW_METRICS_NCOUNTERS; c++) {
        if (is_watch_counter(c) && !(reg.need & NW_METRICS_WATCH))
            continue;
        put_header(&b, counter_defs[c].name, "counter", counter_defs[c].help);
        nw_buf_printf(&b, "%s %llu\n", counter_defs[c].name, atomic_load(&reg.counters[c]));
    }
    put_header(&b, "newsworker_fetch_body_bytes_total", "counter",
               "Response body bytes received by successful and failed fetches (decoded).");
    nw_buf_printf(&b, "newsworker_fetch_body_bytes_total %llu\n", atomic_load(&reg.fetch_bytes));
    for (int g = 0; g < NW_METRICS_NGAUGES; g++) {
        if (is_watch_gauge(g) && !(reg.need & NW_METRICS_WATCH))
            continue;
        put_header(&b, gauge_defs[g].name, "gauge", gauge_defs[g].help);
        nw_buf_printf(&b, "%s %lld\n", gauge_defs[g].name, atomic_load(&reg.gauges[g]));
    }

    pthread_mutex_lock(&reg.lock);
    for (int f = 0; f < NFAMILIES; f++) {
        put_header(&b, families[f].name, families[f].type, families[f].help);
        for (size_t k = 0; k < reg.fam[f].n; k++) {
            const struct series *s = &reg.fam[f].series[k];
            nw_buf_printf(&b, "%s{", families[f].name);
            for (int i = 0; i < families[f].nlabels; i++) {
                nw_buf_printf(&b, "%s%s=\"", i ? "," : "", families[f].labels[i]);
                put_label_value(&b, s->labels[i]);
                nw_buf_putc(&b, '"');
            }
            nw_buf_printf(&b, "} %.17g\n", s->value);
        }
    }
    put_header(&b, "newsworker_fetch_duration_seconds", "histogram",
               "Time of a URL's last fetch attempt (connect to last byte).");
    put_hist(&b, "newsworker_fetch_duration_seconds", NULL, &reg.hists[NW_METRICS_H_FETCH]);
    put_header(&b, "newsworker_stage_duration_seconds", "histogram",
               "Time of each pipeline stage for one document.");
    for (int h = NW_METRICS_H_DECODE; h < NW_METRICS_NHISTS; h++)
        put_hist(&b, "newsworker_stage_duration_seconds", stage_names[h], &reg.hists[h]);
    put_header(&b, "newsworker_kafka_producer_queue_messages", "gauge",
               "Messages in the producer's queues (not yet acknowledged), from librdkafka "
               "statistics.");
    nw_buf_printf(&b, "newsworker_kafka_producer_queue_messages %lld\n", reg.producer_queue_msgs);
    put_header(&b, "newsworker_kafka_producer_queue_bytes", "gauge",
               "Bytes of the messages in the producer's queues, from librdkafka statistics.");
    nw_buf_printf(&b, "newsworker_kafka_producer_queue_bytes %lld\n", reg.producer_queue_bytes);
    pthread_mutex_unlock(&reg.lock);

    tick = atomic_load(&reg.last_tick_wall_ms);
    put_header(&b, "newsworker_loop_last_tick_timestamp_seconds", "gauge",
               "When the worker's loop last went round (Unix time).");
    nw_buf_printf(&b, "newsworker_loop_last_tick_timestamp_seconds %.3f\n", (double)tick / 1000.0);
    put_header(&b, "newsworker_ready", "gauge", "1 when /readyz answers 200.");
    nw_buf_printf(&b, "newsworker_ready %d\n", nw_metrics_ready(why, sizeof(why)));
    put_header(&b, "newsworker_start_time_seconds", "gauge", "Process start (Unix time).");
    nw_buf_printf(&b, "newsworker_start_time_seconds %.3f\n", reg.start_time);
    put_header(&b, "newsworker_metrics_renders_total", "counter",
               "Renderings of this scrape (at most one per 250 ms, however many requests).");
    nw_buf_printf(&b, "newsworker_metrics_renders_total %lu\n", atomic_load(&reg.renders) + 1);
    put_header(&b, "newsworker_build_info", "gauge", "Always 1; the version as a label.");
    nw_buf_printf(&b, "newsworker_build_info{version=\"%s\"} 1\n", NW_VERSION);

    if (!b.data) {
        nw_buf_fini(&b);
        return NULL;
    }
    out = strdup(b.data);
    *len = out ? b.len : 0;
    nw_buf_fini(&b);
    return out;
}

/* ---- the endpoint ------------------------------------------------------------------- */

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type,
                             char *body, size_t len, int owned)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, body, owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret;

    if (!r) {
        if (owned)
            free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Queues the scrape, rendered again only when the last rendering is
 * RENDER_MIN_INTERVAL_MS old. The cache keeps one reference to the response; queueing
 * takes another (MHD counts them), so a replaced rendering lives until sent. MHD_NO
 * with *nomem set when there is nothing to send. */
static enum MHD_Result queue_scrape(struct MHD_Connection *conn, int *nomem)
{
    enum MHD_Result ret = MHD_NO;
    long long now = mono_ms();

    pthread_mutex_lock(&reg.scrape_lock);
    if (!reg.scrape || now - reg.scrape_at_ms >= RENDER_MIN_INTERVAL_MS) {
        size_t len = 0;
        char *body = nw_metrics_render(&len);
        struct MHD_Response *fresh =
            body ? MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE) : NULL;
        if (body && !fresh)
            free(body);
        if (fresh) {
            MHD_add_response_header(fresh, "Content-Type",
                                    "text/plain; version=0.0.4; charset=utf-8");
            MHD_add_response_header(fresh, "Cache-Control", "no-store");
            if (reg.scrape)
                MHD_destroy_response(reg.scrape);
            reg.scrape = fresh;
            reg.scrape_at_ms = now;
            atomic_fetch_add(&reg.renders, 1);
        }
    }
    *nomem = !reg.scrape;
    if (reg.scrape)
        ret = MHD_queue_response(conn, MHD_HTTP_OK, reg.scrape);
    pthread_mutex_unlock(&reg.scrape_lock);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    char text[256], why[128];
    long long stalled;

    (void)cls;
    (void)version;
    (void)upload_data;
    (void)con_cls;
    if (*upload_data_size)
        return MHD_NO; /* no bodies here */
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        snprintf(text, sizeof(text), "method not allowed\n");
        return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", text, strlen(text), 0);
    }
    if (!strcmp(url, "/metrics")) {
        int nomem = 0;
        enum MHD_Result ret = queue_scrape(conn, &nomem);
        if (nomem) {
            snprintf(text, sizeof(text), "out of memory\n");
            return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", text, strlen(text), 0);
        }
        return ret;
    }
    if (!strcmp(url, "/healthz")) {
        int ok = healthy(&stalled);
        snprintf(text, sizeof(text), ok ? "ok\n" : "loop stalled for %lld ms\n", stalled);
        return reply(conn, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", text,
                     strlen(text), 0);
    }
    if (!strcmp(url, "/readyz")) {
        int ok = nw_metrics_ready(why, sizeof(why));
        snprintf(text, sizeof(text), "%s\n", why);
        return reply(conn, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", text,
                     strlen(text), 0);
    }
    snprintf(text, sizeof(text), "not found: try /metrics, /healthz, /readyz\n");
    return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain", text, strlen(text), 0);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    size_t n;

    (void)cls;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    NW_LOG_WARN("metrics", "%s", msg);
}

/* "HOST:PORT" or "[V6]:PORT" into a socket address. 0 on success. */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *sslen,
                        char *errstr, size_t errstr_size)
{
    const char *given = spec, *colon, *port;
    char host[256];
    struct addrinfo hints, *res = NULL;
    size_t hlen;
    int rc;

    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (!close || close[1] != ':') {
            snprintf(errstr, errstr_size, "metrics.listen: '%s' is not [ADDRESS]:PORT", spec);
            return -1;
        }
        hlen = (size_t)(close - spec - 1);
        colon = close + 1;
        spec++;
    } else {
        colon = strrchr(spec, ':');
        if (!colon) {
            snprintf(errstr, errstr_size, "metrics.listen: '%s' is not HOST:PORT", spec);
            return -1;
        }
        hlen = (size_t)(colon - spec);
    }
    port = colon + 1;
    if (hlen == 0 || hlen >= sizeof(host) || !port[0] ||
        strspn(port, "0123456789") != strlen(port) || atol(port) > 65535) {
        snprintf(errstr, errstr_size, "metrics.listen: '%s' is not HOST:PORT", given);
        return -1;
    }
    memcpy(host, spec, hlen);
    host[hlen] = '\0';
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc || !res) {
        snprintf(errstr, errstr_size, "metrics.listen: %s: %s", host, gai_strerror(rc));
        return -1;
    }
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *sslen = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

int nw_metrics_start(const struct nw_config *cfg, unsigned need)
{
    const char *spec = nw_config_get(cfg, "metrics.listen");
    struct sockaddr_storage ss;
    socklen_t sslen = 0;
    char errstr[512];
    const union MHD_DaemonInfo *info;
    /* One internal thread polling with epoll (MHD_USE_AUTO): no FD_SETSIZE limit on the
     * number of connections, no thread per client. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;

    reg.need = need;
    reg.stall_ms = nw_config_get_int(cfg, "metrics.health_max_stall_ms");
    reg.start_time = (double)wall_ms() / 1000.0;
    nw_metrics_tick(0);
    if (!spec || !spec[0])
        return 0;
    if (parse_listen(spec, &ss, &sslen, errstr, sizeof(errstr))) {
        fprintf(stderr, "newsworker: config error: %s\n", errstr);
        return 2;
    }
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    reg.daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT,
        HTTP_MAX_CONNECTIONS, MHD_OPTION_PER_IP_CONNECTION_LIMIT, HTTP_MAX_PER_ADDRESS,
        MHD_OPTION_CONNECTION_TIMEOUT, HTTP_IDLE_TIMEOUT_S, MHD_OPTION_END);
    if (!reg.daemon) {
        fprintf(stderr, "newsworker: metrics.listen %s: cannot listen (address in use?)\n", spec);
        return 1;
    }
    info = MHD_get_daemon_info(reg.daemon, MHD_DAEMON_INFO_BIND_PORT);
    reg.port = info ? info->port : 0;
    NW_LOG_INFO("metrics", "serving /metrics, /healthz and /readyz on %s (port %u)", spec,
                reg.port);
    return 0;
}

void nw_metrics_stop(void)
{
    if (reg.daemon)
        MHD_stop_daemon(reg.daemon);
    reg.daemon = NULL;
    pthread_mutex_lock(&reg.scrape_lock);
    if (reg.scrape)
        MHD_destroy_response(reg.scrape);
    reg.scrape = NULL;
    pthread_mutex_unlock(&reg.scrape_lock);
    reg.port = 0;
}

int nw_metrics_enabled(void)
{
    return reg.daemon != NULL;
}

unsigned nw_metrics_port(void)
{
    return reg.port;
}
