/*
 * cmd_run.c — `newsworker run`: the service. Url jobs from input.topic in, one record per
 * job out (articles to output.topic and routed topics, errors to errors.topic), input
 * offsets stored only after the record's delivery report.
 *
 * One thread runs one loop that takes turns: the consumer (new jobs, rebalances), the
 * fetcher (transfers, finished pages) and the producer (delivery reports). A job lives
 * from its message to the delivery report of its last record message:
 *
 *   message -> parse -> [fetch] -> pipeline record -> produce to each topic
 *           -> all delivered: offset finished / any failed for good: offset held
 *
 * Signals only set flags. The first SIGTERM/SIGINT stops consuming and drains (jobs in
 * flight finish within worker.drain_timeout_ms, the producer is flushed, offsets stored
 * and committed, the group left); the second exits at once.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "consume.h"
#include "fetch.h"
#include "job.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "offsets.h"
#include "pipeline.h"
#include "publish.h"
#include "sink_kafka.h"

#define INTAKE_BATCH 64 /* messages taken per turn before serving the others */
#define IDLE_WAIT_MS 10 /* longest wait in one turn */
#define STATS_INTERVAL_MS 30000

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t abort_requested;

static void on_signal(int sig)
{
    (void)sig;
    if (stop_requested)
        abort_requested = 1;
    stop_requested = 1;
}

struct run;

struct run_job {
    struct run *run;
    struct run_job *prev, *next;
    int32_t partition;
    int64_t offset;
    uint64_t generation;
    int tracked; /* counted in the offset tracker */
    struct nw_job job;
    int pending; /* messages produced and not yet reported */
    int hold;    /* still producing: do not complete yet */
    int failed;  /* some message failed for good */
};

struct run {
    const struct nw_config *cfg;
    struct nw_consumer *consumer;
    struct nw_sink_kafka *sink;     /* routes, producer, embedded cluster */
    struct nw_publisher *publisher; /* the sink's, borrowed */
    struct nw_fetcher *fetcher;
    struct nw_pipeline *pipeline;
    struct nw_offsets *offsets;
    const char *input_topic;
    size_t max_in_flight, resume_below;
    long long drain_ms;
    size_t max_job_bytes;

    struct run_job *jobs; /* every job not yet completed */
    size_t njobs;
    int32_t *assigned;
    size_t nassigned, assigned_cap;
    int offsets_dirty;
    int closing; /* leaving the group: revoke does not wait */

    unsigned long long consumed, articles, errors, held, suppressed, delivered_msgs;
};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- offsets ----------------------------------------------------------------------- */

static void store_partition(struct run *run, int32_t partition, int force)
{
    int64_t offset;
    int have = force ? nw_offsets_position(run->offsets, partition, &offset)
                     : nw_offsets_committable(run->offsets, partition, &offset);

    if (have)
        nw_consumer_store(run->consumer, partition, offset);
}

static void store_offsets(struct run *run)
{
    if (!run->offsets_dirty)
        return;
    run->offsets_dirty = 0;
    for (size_t i = 0; i < run->nassigned; i++)
        store_partition(run, run->assigned[i], 0);
}

/* ---- job lifecycle ----------------------------------------------------------------- */

static void job_free(struct run_job *j)
{
    struct run *run = j->run;

    if (j->prev)
        j->prev->next = j->next;
    else
        run->jobs = j->next;
    if (j->next)
        j->next->prev = j->prev;
    run->njobs--;
    nw_job_fini(&j->job);
    nw_free(j);
}

/* Called whenever a job might be complete: nothing left to produce or to be reported. */
static void job_maybe_complete(struct run_job *j)
{
    struct run *run = j->run;

    if (j->hold || j->pending > 0)
        return;
    if (j->failed) {
        run->held++;
        nw_metrics_inc(NW_METRICS_JOBS_UNDELIVERED);
        nw_log_kv(NW_LOG_ERROR, "run", NW_LOG_AT(run->input_topic, j->partition, j->offset),
                  "job at %s [%d] offset %lld: its record could not be delivered; the "
                  "partition's stored offset stays at or below it",
                  run->input_topic, (int)j->partition, (long long)j->offset);
    }
    if (j->tracked) {
        enum nw_status r =
            j->failed ? nw_offsets_fail(run->offsets, j->partition, j->generation, j->offset)
                      : nw_offsets_finish(run->offsets, j->partition, j->generation, j->offset);
        if (r == NW_OK)
            run->offsets_dirty = 1;
        /* else: the partition was revoked meanwhile; its new owner redoes the job. */
    }
    job_free(j);
}

static void on_delivery(void *msg_opaque, const struct nw_delivery *dr, void *ctx)
{
    struct run_job *j = msg_opaque;
    struct run *run = ctx;

    j->pending--;
    nw_metrics_delivery(dr->topic, dr->ok);
    if (dr->ok) {
        run->delivered_msgs++;
    } else {
        j->failed = 1;
        nw_log_kv(NW_LOG_ERROR, "run", NW_LOG_AT(run->input_topic, j->partition, j->offset),
                  "record for %s [%d] offset %lld not delivered to %s: %s", run->input_topic,
                  (int)j->partition, (long long)j->offset, dr->topic, dr->errmsg);
    }
    job_maybe_complete(j);
}

/* One line per failed job, with the fields log shippers index (log.format=json). */
static void log_job_error(const struct run_job *j, const json_t *record)
{
    const char *stage = json_string_value(json_object_get(record, "stage"));
    const char *message = json_string_value(json_object_get(record, "message"));
    struct nw_log_fields f = {.url = json_string_value(json_object_get(record, "url")),
                              .topic = j->run->input_topic,
                              .partition = j->partition,
                              .offset = j->offset,
                              .code = json_string_value(json_object_get(record, "code")),
                              .http_status =
                                  (long)json_integer_value(json_object_get(record, "http_status"))};

    nw_log_kv(NW_LOG_INFO, "run", &f, "job at offset %lld failed at %s: %s", (long long)j->offset,
              stage ? stage : "?", message ? message : "");
}

/* Produces the job's record (consumed: reference released) to its topics. */
static void job_publish(struct run_job *j, json_t *record, int is_error)
{
    struct run *run = j->run;
    char errstr[256];
    size_t accepted = 0;

    j->hold = 1;
    if (!record) {
        NW_LOG_ERROR("run", "out of memory building the record for offset %lld",
                     (long long)j->offset);
        j->failed = 1;
        goto out;
    }
    if (nw_sink_kafka_send(run->sink, record, is_error, j, &accepted, errstr, sizeof(errstr))) {
        NW_LOG_ERROR("run", "record for offset %lld: %s", (long long)j->offset, errstr);
        j->failed = 1;
    }
    /* Each accepted message gets exactly one delivery report, failed ones none. */
    j->pending += (int)accepted;
    nw_metrics_record(record, is_error);
    if (is_error) {
        log_job_error(j, record);
        run->errors++;
    } else {
        run->articles++;
        if (accepted == 0 && !j->failed)
            run->suppressed++;
    }
out:
    json_decref(record);
    j->hold = 0;
    job_maybe_complete(j);
}

static void on_fetched(void *opaque, const struct nw_fetch_result *res, void *ctx)
{
    struct run_job *j = opaque;
    int is_error = 1;
    json_t *record = nw_pipeline_record(j->run->pipeline, &j->job, res, &is_error);

    job_publish(j, record, is_error);
}

/* Takes one job message in. */
static void intake(struct run *run, rd_kafka_message_t *msg)
{
    struct run_job *j = nw_calloc(1, sizeof(*j));
    char errstr[512];
    enum nw_status r;
    int is_error = 1;
    json_t *record;

    run->consumed++;
    nw_metrics_inc(NW_METRICS_JOBS_CONSUMED);
    if (!j) {
        /* Cannot even hold the job: read it again later rather than lose it. */
        NW_LOG_ERROR("run", "out of memory taking offset %lld; will read it again",
                     (long long)msg->offset);
        nw_consumer_rewind(run->consumer, msg->partition, msg->offset);
        return;
    }
    j->run = run;
    j->partition = msg->partition;
    j->offset = msg->offset;
    r = nw_offsets_begin(run->offsets, msg->partition, msg->offset, &j->generation);
    if (r == NW_ENOMEM) {
        NW_LOG_ERROR("run", "out of memory tracking offset %lld; will read it again",
                     (long long)msg->offset);
        nw_free(j);
        nw_consumer_rewind(run->consumer, msg->partition, msg->offset);
        return;
    }
    j->tracked = r == NW_OK;
    nw_metrics_add(NW_METRICS_DUPLICATES, !j->tracked);
    if (!j->tracked)
        nw_log_kv(NW_LOG_WARN, "run", NW_LOG_AT(run->input_topic, msg->partition, msg->offset),
                  "offset %lld of partition %d came again (a rewind?): processed "
                  "without tracking",
                  (long long)msg->offset, (int)msg->partition);
    j->next = run->jobs;
    if (run->jobs)
        run->jobs->prev = j;
    run->jobs = j;
    run->njobs++;

    r = nw_job_parse(msg->payload ? msg->payload : "", msg->len, run->max_job_bytes, &j->job,
                     errstr, sizeof(errstr));
    if (r) {
        job_publish(j, nw_pipeline_job_error(msg->payload, msg->payload ? msg->len : 0, errstr), 1);
        return;
    }
    if (nw_pipeline_needs_fetch(&j->job)) {
        r = nw_fetcher_add(run->fetcher, j->job.url, j);
        if (r) {
            struct nw_fetch_result res = {.status = r,
                                          .error_code = nw_status_name(r),
                                          .message = "could not queue the fetch",
                                          .url = j->job.url,
                                          .final_url = j->job.url,
                                          .attempts = 0};
            on_fetched(j, &res, run);
        }
        return;
    }
    record = nw_pipeline_record(run->pipeline, &j->job, NULL, &is_error);
    job_publish(j, record, is_error);
}

/* ---- the loop's turns -------------------------------------------------------------- */

/* Serves the fetcher and the producer once; waits up to wait_ms if there is nothing. */
static void serve_work(struct run *run, int wait_ms)
{
    enum nw_status r;

    if (nw_fetcher_pending(run->fetcher) > 0) {
        r = nw_fetcher_poll(run->fetcher, wait_ms, on_fetched, run);
        if (r)
            NW_LOG_ERROR("run", "fetcher: %s", nw_status_message(r));
        nw_publisher_poll(run->publisher, 0);
    } else {
        nw_publisher_poll(run->publisher, wait_ms);
    }
    store_offsets(run);
    nw_metrics_tick(run->njobs);
}

static void backpressure(struct run *run)
{
    if (!nw_consumer_paused(run->consumer) && run->njobs >= run->max_in_flight) {
        NW_LOG_DEBUG("run", "pausing: %zu jobs in flight", run->njobs);
        nw_consumer_pause(run->consumer);
    } else if (nw_consumer_paused(run->consumer) && run->njobs < run->resume_below) {
        NW_LOG_DEBUG("run", "resuming: %zu jobs in flight", run->njobs);
        nw_consumer_resume(run->consumer);
    }
}

/* ---- rebalance ------------------------------------------------------------------- */

static void on_assigned(const int32_t *parts, size_t n, void *ctx)
{
    struct run *run = ctx;

    for (size_t i = 0; i < n; i++) {
        uint64_t gen;
        if (nw_grow_array((void **)&run->assigned, &run->assigned_cap, run->nassigned + 1, 16,
                          sizeof(*run->assigned))) {
            NW_LOG_ERROR("run", "out of memory recording an assignment");
            continue; /* offsets of this partition will not be stored; jobs repeat */
        }
        run->assigned[run->nassigned++] = parts[i];
        if (nw_offsets_assign(run->offsets, parts[i], &gen))
            NW_LOG_ERROR("run", "out of memory tracking partition %d", (int)parts[i]);
    }
    nw_metrics_set(NW_METRICS_PARTITIONS_ASSIGNED, (long long)run->nassigned);
}

static size_t in_flight_of(const struct run *run, const int32_t *parts, size_t n)
{
    size_t total = 0;

    for (size_t i = 0; i < n; i++)
        total += nw_offsets_in_flight(run->offsets, parts[i]);
    return total;
}

static void on_revoking(const int32_t *parts, size_t n, int lost, void *ctx)
{
    struct run *run = ctx;
    long long deadline = now_ms() + run->drain_ms;
    size_t left;

    /* No new jobs come from these partitions: every message polled so far is taken in
     * already. Give their jobs in flight a bounded time, then store what finished. */
    if (!lost && !run->closing) {
        while ((left = in_flight_of(run, parts, n)) > 0 && now_ms() < deadline && !abort_requested)
            serve_work(run, 5);
    }
    left = in_flight_of(run, parts, n);
    if (left)
        NW_LOG_INFO("run", "revoke: leaving %zu unfinished job(s) to the next owner", left);
    for (size_t i = 0; i < n; i++) {
        if (!lost)
            store_partition(run, parts[i], 1);
        nw_offsets_revoke(run->offsets, parts[i]);
        for (size_t k = 0; k < run->nassigned; k++) {
            if (run->assigned[k] == parts[i]) {
                run->assigned[k] = run->assigned[--run->nassigned];
                break;
            }
        }
    }
    nw_metrics_set(NW_METRICS_PARTITIONS_ASSIGNED, (long long)run->nassigned);
}

/* ---- set-up and the loop ----------------------------------------------------------- */

struct bootstrap_check {
    int set;
};

static void check_bootstrap(const char *property, const char *value, void *ctx)
{
    if (!strcmp(property, "bootstrap.servers") && value[0])
        ((struct bootstrap_check *)ctx)->set = 1;
}

static int run_setup(struct run *run, const struct nw_config *cfg)
{
    struct nw_consumer_callbacks cbs = {on_assigned, on_revoking};
    struct bootstrap_check bc = {0};
    char errstr[512];
    long long max_html;

    run->cfg = cfg;
    run->input_topic = nw_config_get(cfg, "input.topic");
    run->max_in_flight = (size_t)nw_config_get_int(cfg, "worker.max_in_flight");
    /* Resume at half: each pause drops librdkafka's prefetched messages, so resuming
     * costs a fetch round trip; hysteresis keeps that rare. */
    run->resume_below = run->max_in_flight - run->max_in_flight / 2;
    run->drain_ms = nw_config_get_int(cfg, "worker.drain_timeout_ms");
    max_html = nw_config_get_int(cfg, "extract.max_html_bytes");
    run->max_job_bytes = (size_t)max_html * 2 + 65536;

    nw_config_foreach_kafka(cfg, "consumer", check_bootstrap, &bc);
    if (!bc.set) {
        fprintf(stderr, "newsworker run: kafka.bootstrap.servers is required "
                        "(a broker list, or 'embedded')\n");
        return NW_EXIT_USAGE;
    }
    {
        enum nw_status status = NW_OK;
        run->sink = nw_sink_kafka_create(cfg, on_delivery, run, &status, errstr, sizeof(errstr));
        if (!run->sink) {
            fprintf(stderr, "newsworker run: %s%s\n", status == NW_ECONFIG ? "config error: " : "",
                    errstr);
            return status == NW_ECONFIG ? NW_EXIT_USAGE : NW_EXIT_FAILURE;
        }
        run->publisher = nw_sink_kafka_publisher(run->sink);
    }
    run->offsets = nw_offsets_create();
    if (!run->offsets) {
        fprintf(stderr, "newsworker run: out of memory\n");
        return NW_EXIT_FAILURE;
    }
    nw_publisher_set_abort_flag(run->publisher, &abort_requested);
    run->fetcher = nw_fetcher_create(cfg, errstr, sizeof(errstr));
    if (!run->fetcher) {
        fprintf(stderr, "newsworker run: %s\n", errstr);
        return NW_EXIT_FAILURE;
    }
    run->pipeline = nw_pipeline_create(cfg, errstr, sizeof(errstr));
    if (!run->pipeline) {
        fprintf(stderr, "newsworker run: %s\n", errstr);
        return NW_EXIT_FAILURE;
    }
    run->consumer = nw_consumer_create(cfg, nw_sink_kafka_bootstrap(run->sink), &cbs, run, errstr,
                                       sizeof(errstr));
    if (!run->consumer) {
        fprintf(stderr, "newsworker run: %s\n", errstr);
        return NW_EXIT_USAGE;
    }
    NW_LOG_INFO("run",
                "consuming %s, articles to %s (+%zu routing rules), errors to %s, "
                "max_in_flight %zu",
                run->input_topic, nw_config_get(cfg, "output.topic"),
                nw_sink_kafka_route_count(run->sink), nw_config_get(cfg, "errors.topic"),
                run->max_in_flight);
    return NW_EXIT_OK;
}

static void run_teardown(struct run *run)
{
    /* The fetcher goes first: it drops transfers without calling back. The producer
     * then purges what is left, which reports (as failed) to jobs still alive. */
    nw_fetcher_destroy(run->fetcher);
    run->fetcher = NULL;
    nw_consumer_destroy(run->consumer);
    nw_sink_kafka_destroy(run->sink); /* the producer, then the embedded cluster */
    run->publisher = NULL;
    while (run->jobs)
        job_free(run->jobs);
    nw_pipeline_destroy(run->pipeline);
    nw_offsets_destroy(run->offsets);
    nw_free(run->assigned);
}

static void log_stats(const struct run *run, const char *when)
{
    NW_LOG_INFO("run",
                "%s: %llu jobs consumed, %llu articles, %llu errors, %llu held back, "
                "%llu routed nowhere, %llu messages delivered, %zu in flight",
                when, run->consumed, run->articles, run->errors, run->held, run->suppressed,
                run->delivered_msgs, run->njobs);
}

/* The first signal: stop taking jobs, finish what is in flight, flush, commit, leave. */
static int drain_and_close(struct run *run, int fatal)
{
    long long deadline = now_ms() + run->drain_ms, left;
    char errstr[512];

    nw_consumer_pause(run->consumer);
    NW_LOG_INFO("run", "stopping: draining %zu job(s) (up to %lld ms)", run->njobs, run->drain_ms);
    while (run->njobs > 0 && now_ms() < deadline && !abort_requested && !fatal) {
        serve_work(run, 5);
        fatal = nw_publisher_fatal(run->publisher, NULL, 0);
    }
    left = deadline - now_ms();
    if (nw_publisher_flush(run->publisher, left > 1000 ? (int)left : 1000))
        NW_LOG_WARN("run", "stopping: %d message(s) not delivered in time",
                    nw_publisher_outq_len(run->publisher));
    store_offsets(run);
    if (abort_requested) {
        NW_LOG_WARN("run", "second signal: exiting at once");
        return NW_EXIT_FAILURE;
    }
    if (run->njobs > 0)
        NW_LOG_WARN("run", "stopping: %zu job(s) unfinished; they will be consumed again",
                    run->njobs);
    nw_consumer_commit(run->consumer);
    run->closing = 1;
    nw_consumer_close(run->consumer);
    log_stats(run, "stopped");
    if (nw_publisher_fatal(run->publisher, errstr, sizeof(errstr))) {
        NW_LOG_ERROR("run", "exiting after a fatal producer error: %s", errstr);
        return NW_EXIT_FAILURE;
    }
    return NW_EXIT_OK;
}

int nw_cmd_run(struct nw_config *cfg, int argc, char **argv)
{
    struct run run;
    struct sigaction sa, old_term, old_int;
    long long next_stats;
    int code, fatal = 0;

    if (argc > 0) {
        fprintf(stderr, "newsworker run: unexpected argument '%s'\n", argv[0]);
        return NW_EXIT_USAGE;
    }
    memset(&run, 0, sizeof(run));
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGINT, &sa, &old_int);
    signal(SIGPIPE, SIG_IGN);

    code = nw_metrics_start(cfg, NW_METRICS_NEED_PARTITIONS | NW_METRICS_NEED_BROKER |
                                     NW_METRICS_NEED_TICKS);
    if (code == NW_EXIT_OK)
        code = run_setup(&run, cfg);
    if (code != NW_EXIT_OK)
        goto out;
    next_stats = now_ms() + STATS_INTERVAL_MS;
    while (!stop_requested) {
        int fetching = nw_fetcher_pending(run.fetcher) > 0;
        int producing = nw_publisher_outq_len(run.publisher) > 0;
        int taken = 0;

        /* Turn 1: the consumer (rebalance callbacks run in here too). It waits only when
         * nothing else is going on; otherwise the fetcher or the producer waits. */
        for (int i = 0; i < INTAKE_BATCH && !stop_requested; i++) {
            int wait = i == 0 && !fetching && !producing ? IDLE_WAIT_MS : 0;
            rd_kafka_message_t *msg = nw_consumer_poll(run.consumer, wait);
            if (!msg)
                break;
            taken++;
            intake(&run, msg);
            rd_kafka_message_destroy(msg);
            backpressure(&run);
            if (nw_consumer_paused(run.consumer))
                break;
        }
        /* Turns 2 and 3: transfers and delivery reports. */
        serve_work(&run, taken ? 0 : fetching ? 5 : producing ? 2 : 0);
        backpressure(&run);
        if (nw_publisher_fatal(run.publisher, NULL, 0)) {
            fatal = 1;
            break;
        }
        if (now_ms() >= next_stats) {
            log_stats(&run, "progress");
            next_stats = now_ms() + STATS_INTERVAL_MS;
        }
    }
    code = drain_and_close(&run, fatal);
    if (abort_requested) {
        /* Exit at once: skip every wait in the orderly teardown. */
        fflush(NULL);
        _exit(NW_EXIT_FAILURE);
    }
    if (fatal)
        code = NW_EXIT_FAILURE;
out:
    run_teardown(&run);
    nw_metrics_stop();
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGINT, &old_int, NULL);
    return code;
}
