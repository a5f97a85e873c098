/*
 * cmd_run.c — `newsworker run`: the service. Url jobs from input.topic in, one record per
 * job out (articles to output.topic and routed topics, errors to errors.topic), input
 * offsets stored only after the record's delivery report.
 *
 * One thread keeps Kafka and curl and takes turns: the consumer (new jobs, rebalances),
 * the fetcher (transfers, finished pages), the pool's results and the producer (delivery
 * reports). The CPU work of a job (parse, extract, enrich) runs on worker.threads pool
 * threads (pool.h), each with its own pipeline; results come back in the order the jobs
 * went in, so the threads add no reordering. A job lives from its message to the
 * delivery report of its last record message:
 *
 *   message -> parse -> [fetch] -> pool: pipeline record -> produce to each topic
 *           -> all delivered: offset finished / any failed for good: offset held
 *
 * Backpressure: at most worker.max_in_flight jobs are taken in, not counting the jobs
 * parked in the fetcher on a busy or slow host (nw_fetcher_parked: bounded per host and in
 * all by fetch.host_parked_max and fetch.parked_max), so one slow host cannot hold the
 * slots other hosts' jobs need (and while worker.max_in_flight jobs are begun, the
 * fetcher starts no transfer: the extra jobs wait un-begun, not as fetched pages); beyond
 * that the consumer
 * is not polled for messages and librdkafka's prefetch (queued.min.messages,
 * queued.max.messages.kbytes) holds the input back. Pausing the partitions instead would
 * drop that prefetch and cost a fetch round trip (about a second on librdkafka 2.0.2) at
 * every resume. While full, the consumer is still polled every KEEPALIVE_MS so that
 * rebalances are served and max.poll.interval.ms never runs out; a message that comes
 * then waits in a small local backlog (and only if that fills up are the partitions
 * paused).
 *
 * Signals only set flags. The first SIGTERM/SIGINT stops consuming and drains (jobs in
 * flight finish within worker.drain_timeout_ms, the producer is flushed, offsets stored
 * and committed, the group left, all within worker.shutdown_timeout_ms); the second exits
 * at once. The exit code is 1 when some job's record was not delivered.
 *
 * Hand-back: jobs waiting in the fetcher with no transfer running were not begun. At a
 * stop, and at a revoke for the revoked partitions, those parked on their host are
 * withdrawn at once, and whatever still waits when the drain ends too: no record, no
 * error, not unfinished. Their offsets are marked held in the tracker (never finished),
 * so the stored offset stays at or below them and the partition's next owner, or this
 * worker after a restart, consumes them again; jobs done above them are repeated then,
 * and counted as such. Like the backlog's messages, nothing is dropped.
 *
 * With output.dir the records go to lake files (sink_lake.h) instead of the output topics
 * (the producer stays idle): a job is done once its record is written to its partition's
 * open segment, and a partition's offset is stored only up to the first segment whose
 * files are not yet closed (store_bounded): exactly once into files. A failed lake write
 * (a full disk) resets the partition to its durable offset after a pause (lake_reset).
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <sched.h>
#include <signal.h>
#include <stddef.h>
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
#include "poison.h"
#include "pool.h"
#include "publish.h"
#include "record.h"
#include "sink_kafka.h"
#include "lake_s3.h"
#include "sink_lake.h"

#define INTAKE_BATCH 64   /* messages taken per turn before serving the others */
#define IDLE_WAIT_MS 10   /* longest wait in one turn */
#define KEEPALIVE_MS 500  /* longest time without a consumer poll while full */
#define BACKLOG_MIN 16    /* messages polled while full that may wait locally */
#define CLOSE_MIN_MS 1000 /* of the shutdown time, kept for commit and leaving */
#define TEARDOWN_MS 300   /* ... and of that, for freeing everything */
#define STATS_INTERVAL_MS 30000
#define DRAIN_FIRST_MS 2000     /* a drain's first look at whether it can finish in time */
#define DRAIN_CHECK_MS 1000     /* ... and its next ones */
#define LAKE_RETRY_MIN_MS 1000  /* a partition whose lake file failed waits this long ... */
#define LAKE_RETRY_MAX_MS 30000 /* ... doubling up to this, before it is consumed again */

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
    struct nw_pool_task task; /* while the pool has it */
    struct run *run;
    struct run_job *prev, *next;
    int32_t partition;
    int64_t offset;
    uint64_t generation;
    int tracked; /* counted in the offset tracker */
    struct nw_job job;
    struct nw_fetch_result *res; /* owned copy for the pool, NULL for inline pages */
    json_t *record;              /* the pool's result */
    int is_error;
    int suspect; /* a crash is on record for its offset: processed alone */
    int pending; /* messages produced and not yet reported */
    int hold;    /* still producing: do not complete yet */
    int failed;  /* some message failed for good */
    char *key;   /* the input message's key (owned), NULL when it had none */
    size_t key_len;
    int redo; /* failed on a lake write: its partition is consumed again (lake_reset) */
};

/* What a pool thread owns. */
struct run_thread {
    struct run *run;
    struct nw_pipeline *pipeline;
    size_t slot; /* its crash marker slot */
};

struct run {
    const struct nw_config *cfg;
    struct nw_consumer *consumer;
    struct nw_sink_kafka *sink;     /* routes, producer, embedded cluster */
    struct nw_publisher *publisher; /* the sink's, borrowed */
    struct nw_lake *lake;           /* with output.dir: records to files, not to topics */
    struct nw_lake_s3 *lake_s3;     /* with output.s3.bucket: uploads the closed files */
    long long lake_hold_until;      /* after a failed lake write: no intake until then */
    long long lake_retry_ms;
    struct nw_fetcher *fetcher;
    struct run_thread *threads; /* one per pool thread */
    size_t nthreads;
    struct nw_poison *poison; /* crash markers, NULL with worker.max_crashes=0 */
    int max_crashes;
    struct nw_pool *pool;
    struct nw_offsets *offsets;
    const char *input_topic;
    size_t max_in_flight;
    long long drain_ms, shutdown_ms;
    size_t max_job_bytes;

    struct run_job *jobs; /* every job not yet completed */
    size_t njobs;
    rd_kafka_message_t **backlog; /* ring of messages polled while full */
    size_t backlog_cap, backlog_head, backlog_len, backlog_max;
    long long last_poll;
    int32_t *assigned;
    size_t nassigned, assigned_cap;
    int offsets_dirty;
    int closing; /* leaving the group: revoke does not wait */

    unsigned long long consumed, articles, errors, held, suppressed, delivered_msgs;
    unsigned long long poisoned;
    unsigned long long dropped;     /* jobs of revoked partitions whose records were not sent */
    unsigned long long repeated;    /* ... whose records may be sent twice (the next owner) */
    unsigned long long handed_back; /* jobs withdrawn un-begun at a stop or revoke */
};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- offsets ----------------------------------------------------------------------- */

/* With output.dir an offset is stored only once the records below it are in closed
 * lake files: never past `bound` (the first offset not durable; INT64_MAX for none). */
static void store_bounded(struct run *run, int32_t partition, int force, int64_t bound)
{
    int64_t offset;
    int have = force || run->lake ? nw_offsets_position(run->offsets, partition, &offset)
                                  : nw_offsets_committable(run->offsets, partition, &offset);

    if (have && offset > bound)
        offset = bound;
    if (have)
        nw_consumer_store(run->consumer, partition, offset);
}

static void store_partition(struct run *run, int32_t partition, int force)
{
    int64_t bound = INT64_MAX;

    if (run->lake)
        nw_lake_durable(run->lake, partition, &bound);
    store_bounded(run, partition, force, bound);
}

/* For the lake: whether every job of the partition below `end` is done. */
static int lake_done(void *ctx, int32_t partition, int64_t end)
{
    struct run *run = ctx;
    int64_t position;

    return nw_offsets_position(run->offsets, partition, &position) && position >= end;
}

static void store_offsets(struct run *run)
{
    if (!run->offsets_dirty)
        return;
    run->offsets_dirty = 0;
    for (size_t i = 0; i < run->nassigned; i++)
        store_partition(run, run->assigned[i], 0);
}

/* Jobs that count against worker.max_in_flight: all but those parked in the fetcher
 * (waiting on their own host, bounded by fetch.host_parked_max and fetch.parked_max), so
 * a slow host never holds the slots other hosts' jobs need. Parked jobs have not begun:
 * a stop or a revoke hands back (withdraw_waiting) what it cannot finish in time. */
static size_t counted_in_flight(const struct run *run)
{
    size_t parked = nw_fetcher_parked(run->fetcher);

    return run->njobs > parked ? run->njobs - parked : 0;
}

/* ---- the local backlog --------------------------------------------------------------- */

static void backlog_push(struct run *run, rd_kafka_message_t *msg)
{
    run->backlog[(run->backlog_head + run->backlog_len) % run->backlog_cap] = msg;
    run->backlog_len++;
}

static rd_kafka_message_t *backlog_pop(struct run *run)
{
    rd_kafka_message_t *msg = run->backlog[run->backlog_head];

    run->backlog_head = (run->backlog_head + 1) % run->backlog_cap;
    run->backlog_len--;
    return msg;
}

/* Drops the backlog's messages of one partition (all partitions if partition < 0): they
 * were never begun, so whoever consumes the partition next reads them again. */
static void backlog_drop(struct run *run, int32_t partition)
{
    size_t n = run->backlog_len;

    for (size_t i = 0; i < n; i++) {
        rd_kafka_message_t *msg = backlog_pop(run);
        if (partition < 0 || msg->partition == partition)
            rd_kafka_message_destroy(msg);
        else
            backlog_push(run, msg);
    }
}

/* ---- job lifecycle ----------------------------------------------------------------- */

static struct run_job *job_of_task(struct nw_pool_task *task)
{
    return (struct run_job *)(void *)((char *)task - offsetof(struct run_job, task));
}

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
    nw_free(j->key);
    nw_free(j->res);
    json_decref(j->record);
    nw_job_fini(&j->job);
    nw_free(j);
}

/* True when the job's partition was revoked (or revoked and assigned again) since the
 * job began: its record would only repeat what the partition's next owner does. */
static int job_stale(const struct run_job *j)
{
    uint64_t gen;

    return j->tracked &&
           (!nw_offsets_has(j->run->offsets, j->partition, &gen) || gen != j->generation);
}

/* Called whenever a job might be complete: nothing left to produce or to be reported. */
static void job_maybe_complete(struct run_job *j)
{
    struct run *run = j->run;

    if (j->hold || j->pending > 0)
        return;
    if (j->failed && !j->redo) {
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

/* The job's record into the lake file of its partition's segment. A record the Avro
 * schema refuses becomes an error record (code record_invalid), so the job still ends in
 * one record; a failed write holds the job (and the partition's offsets). */
static void lake_write(struct run_job *j, const json_t *record, int is_error)
{
    struct run *run = j->run;
    char errstr[512];
    enum nw_status r =
        nw_lake_write(run->lake, record, is_error ? NW_LAKE_ERRORS : NW_LAKE_ARTICLES, j->partition,
                      j->offset, errstr, sizeof(errstr));

    if (r == NW_EINVAL) {
        struct nw_error_info info = {
            .url = json_string_value(json_object_get(record, "url")),
            .stage = "publish",
            .code = "record_invalid",
            .message = errstr,
            .attempts = 1,
        };
        json_t *err = nw_record_error(&info);
        NW_LOG_ERROR("run", "offset %lld: %s", (long long)j->offset, errstr);
        r = err ? nw_lake_write(run->lake, err, NW_LAKE_ERRORS, j->partition, j->offset, errstr,
                                sizeof(errstr))
                : NW_ENOMEM;
        json_decref(err);
    }
    if (r) {
        nw_log_kv(NW_LOG_ERROR, "run", NW_LOG_AT(run->input_topic, j->partition, j->offset),
                  "record for %s [%d] offset %lld not written to output.dir: %s", run->input_topic,
                  (int)j->partition, (long long)j->offset, errstr);
        j->failed = 1;
        j->redo = r == NW_EIO; /* the partition is reset and the job done again */
    }
}

/* Produces the job's record (consumed: reference released) to its topics. */
static void job_publish(struct run_job *j, json_t *record, int is_error)
{
    struct run *run = j->run;
    char errstr[256];
    size_t accepted = 0;

    if (job_stale(j)) {
        /* Dropped at a revoke: the offset was not stored past it, the next owner does it. */
        json_decref(record);
        job_free(j);
        return;
    }
    j->hold = 1;
    if (!record) {
        NW_LOG_ERROR("run", "out of memory building the record for offset %lld",
                     (long long)j->offset);
        j->failed = 1;
        goto out;
    }
    {
        /* where the job came from, in the record and (sink_kafka.c) as headers */
        struct nw_record_source src = {run->input_topic, j->partition, j->offset, j->key,
                                       j->key_len};
        if (nw_record_set_source(record, &src) != NW_OK)
            NW_LOG_WARN("run", "out of memory adding the source to the record of offset %lld",
                        (long long)j->offset);
    }
    if (run->lake) {
        if (j->tracked)
            lake_write(j, record, is_error);
        /* else: its offset came twice; the record of its first take goes to the lake. */
    } else if (nw_sink_kafka_send(run->sink, record, is_error, j, &accepted, errstr,
                                  sizeof(errstr))) {
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
        if (accepted == 0 && !j->failed && !run->lake)
            run->suppressed++;
    }
out:
    json_decref(record);
    j->hold = 0;
    job_maybe_complete(j);
}

/* On a pool thread: the job's record from its fetched or inline content. Touches only the
 * job's task, res, record and is_error (and reads job). */
static void pool_work(struct nw_pool_task *task, void *thread_ctx)
{
    struct run_thread *t = thread_ctx;
    struct run_job *j = job_of_task(task);
    const struct nw_fetch_result *res = j->res;
    struct nw_fetch_result oom = {.status = NW_ENOMEM,
                                  .error_code = nw_status_name(NW_ENOMEM),
                                  .message = "out of memory taking the response",
                                  .url = j->job.url,
                                  .final_url = j->job.url,
                                  .attempts = 1};

    if (!res && nw_pipeline_needs_fetch(&j->job))
        res = &oom;
    if (t->run->poison && j->tracked)
        nw_poison_begin(t->run->poison, t->slot, j->partition, j->offset);
#ifdef NW_TEST_CRASH
    /* Test builds only (tests/integration/test_run_poison.sh): a page carrying this
     * marker crashes the process, as a parser bug would. */
    {
        const char *data = res ? res->body : j->job.html;
        size_t len = res ? res->body_len : j->job.html_len;
        if (data && memmem(data, len, "nw-test-crash", 13))
            raise(SIGSEGV);
    }
#endif
    j->record = nw_pipeline_record(t->pipeline, &j->job, res, &j->is_error);
    if (t->run->poison && j->tracked)
        nw_poison_end(t->run->poison, t->slot);
    nw_free(j->res);
    j->res = NULL;
}

/* Publishes what the pool has finished, in the order it was handed in. */
static void take_results(struct run *run)
{
    struct nw_pool_task *task;

    while ((task = nw_pool_take(run->pool))) {
        struct run_job *j = job_of_task(task);
        json_t *record = j->record;
        j->record = NULL;
        if (j->suspect) {
            NW_LOG_INFO("run", "offset %lld of partition %d went through alone: not poison",
                        (long long)j->offset, (int)j->partition);
            nw_poison_forget(run->poison, j->partition, j->offset);
        }
        job_publish(j, record, j->is_error);
    }
}

static void on_fetched(void *opaque, const struct nw_fetch_result *res, void *ctx)
{
    struct run_job *j = opaque;

    (void)ctx;
    if (job_stale(j)) {
        job_free(j);
        return;
    }
    j->res = nw_pipeline_result_dup(res); /* NULL: the pool makes an out_of_memory record */
    nw_pool_submit(j->run->pool, &j->task);
}

/* Takes one job message in. */
static void intake(struct run *run, rd_kafka_message_t *msg)
{
    struct run_job *j = nw_calloc(1, sizeof(*j));
    char errstr[512];
    enum nw_status r;

    run->consumed++;
    nw_metrics_inc(NW_METRICS_JOBS_CONSUMED);
    if (!j) {
        /* Cannot even hold the job: read it again later rather than lose it. */
        NW_LOG_ERROR("run", "out of memory taking offset %lld; will read it again",
                     (long long)msg->offset);
        backlog_drop(run, msg->partition);
        nw_consumer_rewind(run->consumer, msg->partition, msg->offset);
        return;
    }
    j->run = run;
    j->partition = msg->partition;
    j->offset = msg->offset;
    /* The key goes into every record of the job ("source"); a key that cannot be held
     * is one less echo, not a lost job. */
    if (msg->key && msg->key_len > 0 && msg->key_len <= NW_RECORD_SOURCE_KEY_MAX + 1) {
        j->key = nw_malloc(msg->key_len);
        if (j->key) {
            memcpy(j->key, msg->key, msg->key_len);
            j->key_len = msg->key_len;
        }
    } else if (msg->key && msg->key_len > 0) {
        j->key = nw_malloc(1); /* over the bound: the record says key_truncated */
        j->key_len = msg->key_len;
    }
    r = nw_offsets_begin(run->offsets, msg->partition, msg->offset, &j->generation);
    if (r == NW_ENOMEM) {
        NW_LOG_ERROR("run", "out of memory tracking offset %lld; will read it again",
                     (long long)msg->offset);
        nw_free(j);
        backlog_drop(run, msg->partition);
        nw_consumer_rewind(run->consumer, msg->partition, msg->offset);
        return;
    }
    j->tracked = r == NW_OK;
    if (j->tracked && run->lake)
        nw_lake_begin(run->lake, msg->partition, msg->offset);
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
    if (run->poison && j->tracked) {
        int crashes = nw_poison_crashes(run->poison, j->partition, j->offset);
        if (crashes >= run->max_crashes) {
            NW_LOG_ERROR("run",
                         "offset %lld of partition %d crashed the worker %d times: poison, "
                         "not processed again",
                         (long long)j->offset, (int)j->partition, crashes);
            run->poisoned++;
            job_publish(j, nw_pipeline_poison_record(&j->job, crashes), 1);
            return;
        }
        if (crashes > 0) {
            NW_LOG_WARN("run",
                        "offset %lld of partition %d was in progress at %d crash(es): "
                        "processing it alone",
                        (long long)j->offset, (int)j->partition, crashes);
            j->suspect = 1;
            j->task.exclusive = 1;
        }
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
    nw_pool_submit(run->pool, &j->task);
}

/* ---- the lake ----------------------------------------------------------------------- */

static void lake_reset(struct run *run, int32_t partition);

/* Closes the lake segments that are done (their offsets may then be stored) and resets a
 * partition whose lake write failed. force: cut every open segment (at a stop). */
static void lake_service(struct run *run, int force)
{
    if (nw_lake_service(run->lake, force, lake_done, run) > 0) {
        run->offsets_dirty = 1;
        run->lake_retry_ms = 0;
    }
    for (size_t i = 0; i < run->nassigned; i++) {
        int64_t from;
        if (nw_lake_broken(run->lake, run->assigned[i], &from))
            lake_reset(run, run->assigned[i]);
    }
}

/* A lake file of the partition failed (a full disk...): its records from the first
 * offset not durable are lost from memory, and that offset is not committed. Forget the
 * partition's jobs (as at a lost revoke), keep what is durable, and consume it again from
 * there after a pause that doubles while it keeps failing. */
static void lake_reset(struct run *run, int32_t partition)
{
    int64_t bound = INT64_MAX;
    uint64_t gen;

    backlog_drop(run, partition);
    nw_lake_revoke(run->lake, partition, lake_done, run, &bound);
    store_bounded(run, partition, 1, bound);
    nw_offsets_revoke(run->offsets, partition); /* its jobs in flight are stale now */
    if (nw_offsets_assign(run->offsets, partition, &gen))
        NW_LOG_ERROR("run", "out of memory tracking partition %d", (int)partition);
    if (bound != INT64_MAX)
        nw_consumer_rewind(run->consumer, partition, bound);
    /* One pause for the partitions that fail together; it doubles when a retry fails. */
    if (run->lake_hold_until <= now_ms()) {
        run->lake_retry_ms = run->lake_retry_ms ? run->lake_retry_ms * 2 : LAKE_RETRY_MIN_MS;
        if (run->lake_retry_ms > LAKE_RETRY_MAX_MS)
            run->lake_retry_ms = LAKE_RETRY_MAX_MS;
        run->lake_hold_until = now_ms() + run->lake_retry_ms;
    }
    NW_LOG_ERROR("run",
                 "output.dir: a file of partition %d could not be written; its offsets are not "
                 "committed past %lld, and it is consumed again from there in %lld ms",
                 (int)partition, (long long)bound, run->lake_retry_ms);
}

/* ---- the loop's turns -------------------------------------------------------------- */

/* Serves the fetcher, the pool and the producer once; waits up to wait_ms if there is
 * nothing to do. */
static void serve_work(struct run *run, int wait_ms)
{
    size_t pooled = nw_pool_outstanding(run->pool);
    size_t pending = nw_fetcher_pending(run->fetcher);
    enum nw_status r;

    if (pending > 0) {
        /* Jobs begun (in a transfer, fetched, in the pool, producing) stay within
         * worker.max_in_flight: parked jobs let in beyond it wait un-begun in the fetcher
         * rather than as fetched pages waiting for a pipeline thread. */
        size_t active = nw_fetcher_active(run->fetcher); /* robots.txt ones too */
        size_t waiting = pending > active ? pending - active : 0;
        nw_fetcher_hold(run->fetcher,
                        run->njobs > waiting && run->njobs - waiting >= run->max_in_flight);
        r = nw_fetcher_poll(run->fetcher, pooled && wait_ms > 1 ? 1 : wait_ms, on_fetched, run);
        if (r)
            NW_LOG_ERROR("run", "fetcher: %s", nw_status_message(r));
        nw_publisher_poll(run->publisher, 0);
    } else if (pooled) {
        nw_pool_wait(run->pool, wait_ms);
        nw_publisher_poll(run->publisher, 0);
    } else {
        nw_publisher_poll(run->publisher, wait_ms);
    }
    take_results(run);
    if (run->lake)
        lake_service(run, 0);
    store_offsets(run);
    nw_metrics_tick(run->njobs);
}

/* Takes jobs in while there is room: the backlog first, then the consumer (waiting up to
 * wait_ms for the first message). While full, polls only to keep the group membership
 * and rebalances served. Returns the number of jobs taken in. */
static int take_in(struct run *run, int wait_ms)
{
    int taken = 0;
    rd_kafka_message_t *msg;

    if (run->lake_hold_until > now_ms()) {
        /* After a failed lake write: nothing new until the pause is over, but the group
         * membership and rebalances are still served. */
        if (!nw_consumer_paused(run->consumer))
            nw_consumer_pause(run->consumer);
        if (now_ms() - run->last_poll >= KEEPALIVE_MS) {
            msg = nw_consumer_poll(run->consumer, 0);
            run->last_poll = now_ms();
            if (msg && run->backlog_len < run->backlog_cap)
                backlog_push(run, msg);
            else if (msg) {
                nw_consumer_rewind(run->consumer, msg->partition, msg->offset);
                rd_kafka_message_destroy(msg);
            }
        }
        return 0;
    }

    while (counted_in_flight(run) < run->max_in_flight && run->backlog_len > 0) {
        msg = backlog_pop(run);
        intake(run, msg);
        rd_kafka_message_destroy(msg);
        taken++;
    }
    for (int i = 0;
         i < INTAKE_BATCH && counted_in_flight(run) < run->max_in_flight && !stop_requested; i++) {
        msg = nw_consumer_poll(run->consumer, i == 0 && !taken ? wait_ms : 0);
        run->last_poll = now_ms();
        if (!msg)
            break;
        intake(run, msg);
        rd_kafka_message_destroy(msg);
        taken++;
    }
    if (counted_in_flight(run) >= run->max_in_flight && now_ms() - run->last_poll >= KEEPALIVE_MS &&
        !stop_requested) {
        msg = nw_consumer_poll(run->consumer, 0);
        run->last_poll = now_ms();
        if (msg && run->backlog_len < run->backlog_cap) {
            backlog_push(run, msg);
        } else if (msg) {
            /* Paused and still a message (one polled before the pause took hold): one
             * job over the bound rather than a lost message. */
            intake(run, msg);
            rd_kafka_message_destroy(msg);
        }
        if (run->backlog_len >= run->backlog_max && !nw_consumer_paused(run->consumer)) {
            NW_LOG_DEBUG("run", "pausing: %zu jobs in flight, %zu waiting", run->njobs,
                         run->backlog_len);
            nw_consumer_pause(run->consumer);
        }
    }
    if (nw_consumer_paused(run->consumer) && run->backlog_len == 0 && !stop_requested) {
        NW_LOG_DEBUG("run", "resuming: %zu jobs in flight", run->njobs);
        nw_consumer_resume(run->consumer);
    }
    return taken;
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

static int in_parts(int32_t partition, const int32_t *parts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (parts[i] == partition)
            return 1;
    return 0;
}

static size_t in_flight_of(const struct run *run, const int32_t *parts, size_t n)
{
    size_t total = 0;

    for (size_t i = 0; i < n; i++)
        total += nw_offsets_in_flight(run->offsets, parts[i]);
    return total;
}

struct withdraw_sel {
    struct run *run;
    const int32_t *parts; /* the partitions whose jobs go back; NULL: every partition */
    size_t nparts;
};

static int withdraw_one(void *opaque, void *ctx)
{
    struct withdraw_sel *sel = ctx;
    struct run_job *j = opaque;

    /* An untracked job (its offset came twice) holds no offset: leave it to finish. */
    if (!j->tracked || (sel->parts && !in_parts(j->partition, sel->parts, sel->nparts)))
        return 0;
    /* Not finished: the partition's stored offset stays at or below it, so the next
     * owner (or this worker after a restart) consumes it again; and no longer in flight,
     * so neither a drain nor the unfinished count waits for it. A stale job (partition
     * revoked meanwhile) only goes away. */
    if (!job_stale(j))
        nw_offsets_fail(sel->run->offsets, j->partition, j->generation, j->offset);
    job_free(j);
    return 1;
}

/* Hands back the jobs of the partitions (all with parts NULL) that wait in the fetcher
 * with no transfer running (parked_only: only those waiting on their own host): they
 * were not begun, no record was made, the stored offset does not pass them. No error
 * record and not unfinished: like the backlog's messages, whoever consumes the partition
 * next does them. Returns how many went back. */
static size_t withdraw_waiting(struct run *run, const int32_t *parts, size_t n, int parked_only)
{
    struct withdraw_sel sel = {run, parts, n};
    size_t k = nw_fetcher_withdraw(run->fetcher, parked_only, withdraw_one, &sel);

    run->handed_back += k;
    nw_metrics_add(NW_METRICS_JOBS_HANDED_BACK, k);
    return k;
}

/* A drain's look at its own progress: after DRAIN_FIRST_MS and then every DRAIN_CHECK_MS,
 * if the jobs left cannot all finish before the deadline at the rate jobs finished since
 * the drain began, the jobs parked on their host go back at once (a slow host's would
 * hold the drain to its end and still not be done); otherwise they are waited for, so
 * that no done job above them has to be repeated by the next owner. */
struct drain_watch {
    long long start, next_check;
    size_t at_start;
    int handed; /* the parked jobs went back already */
};

static void drain_watch_init(struct drain_watch *w, size_t left)
{
    w->start = now_ms();
    w->next_check = w->start + DRAIN_FIRST_MS;
    w->at_start = left;
    w->handed = 0;
}

/* Returns the jobs handed back by this call. */
static size_t drain_watch_check(struct run *run, struct drain_watch *w, size_t left,
                                long long deadline, const int32_t *parts, size_t n)
{
    long long now = now_ms();
    double rate, can;
    size_t back;

    if (w->handed || now < w->next_check || left == 0)
        return 0;
    w->next_check = now + DRAIN_CHECK_MS;
    rate = (double)(w->at_start > left ? w->at_start - left : 0) / (double)(now - w->start);
    can = rate * (double)(deadline - now);
    if ((double)left <= can)
        return 0;
    w->handed = 1;
    back = withdraw_waiting(run, parts, n, 1);
    NW_LOG_INFO("run",
                "%zu job(s) left after %lld ms of draining, about %.0f more in the time left "
                "at %.0f jobs/s: %zu job(s) parked on their host handed back un-begun",
                left, now - w->start, can, rate * 1000.0, back);
    return back;
}

/* Jobs done above an unfinished (or handed back) one, over the given partitions: the
 * stored offset stays below them, so the next owner does them again. */
static size_t done_above_of(const struct run *run, const int32_t *parts, size_t n)
{
    size_t total = 0;

    for (size_t i = 0; i < n; i++)
        total += nw_offsets_done_above(run->offsets, parts[i]);
    return total;
}

static void on_revoking(const int32_t *parts, size_t n, int lost, int drain, void *ctx)
{
    struct run *run = ctx;
    long long t0 = now_ms(), deadline = t0 + run->drain_ms;
    size_t dropped = 0, repeated = 0, back = 0;

    /* Messages not begun yet are the next owner's. */
    for (size_t i = 0; i < n; i++)
        backlog_drop(run, parts[i]);
    /* No new jobs come from these partitions. Give their jobs in flight a bounded time
     * (handing back the parked ones if they cannot all be done in it), then store what
     * finished (the consumer commits it before letting them go); what still waits for a
     * transfer then goes back too. */
    if (!lost && drain && !run->closing) {
        struct drain_watch w;
        size_t left;
        drain_watch_init(&w, in_flight_of(run, parts, n));
        while ((left = in_flight_of(run, parts, n)) > 0 && now_ms() < deadline &&
               !abort_requested) {
            serve_work(run, 5);
            back += drain_watch_check(run, &w, left, deadline, parts, n);
        }
    }
    back += withdraw_waiting(run, parts, n, 0);
    /* What is still in flight is dropped: a record not sent yet never will be (the job is
     * stale from now on); one sent but not confirmed may be written twice. */
    for (struct run_job *j = run->jobs; j; j = j->next) {
        if (!j->tracked || j->failed || !in_parts(j->partition, parts, n) || job_stale(j))
            continue;
        if (j->pending > 0)
            repeated++;
        else
            dropped++;
    }
    /* Done, but above an unfinished one: the stored offset stays below them. */
    if (!lost)
        repeated += done_above_of(run, parts, n);
    run->dropped += dropped;
    run->repeated += repeated;
    /* Every repeat the worker announces ("possibly repeated") is counted, whatever its
     * cause: alerts on newsworker_duplicate_jobs_total see them. */
    nw_metrics_add(NW_METRICS_DUPLICATES, repeated);
    if (dropped + repeated + back > 0)
        NW_LOG_WARN("run",
                    "%s %zu partition(s) after %lld ms: %zu job(s) left to the next owner, "
                    "%zu waiting job(s) handed back un-begun, %zu record(s) sent but not "
                    "confirmed or not storable (they may be written twice)",
                    lost ? "lost" : "revoking", n, now_ms() - t0, dropped, back, repeated);
    else
        NW_LOG_INFO("run", "%s %zu partition(s): every job taken from them is done (%lld ms)",
                    lost ? "lost" : "revoking", n, now_ms() - t0);
    for (size_t i = 0; i < n; i++) {
        /* At the close the drain stored and committed already; librdkafka has let go of
         * the partitions by the time the close's revoke arrives (storing fails then). */
        int64_t bound = INT64_MAX;
        /* The lake closes the partition's segments that are done and drops the rest;
         * what it dropped is not stored. */
        if (run->lake)
            nw_lake_revoke(run->lake, parts[i], lake_done, run, &bound);
        if (!lost && !run->closing)
            store_bounded(run, parts[i], 1, bound);
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

struct group_name {
    const char *name;
};

static void find_group(const char *property, const char *value, void *ctx)
{
    if (!strcmp(property, "group.id") && value[0])
        ((struct group_name *)ctx)->name = value;
}

/* worker.threads, with 0 meaning the CPUs this process may run on. */
static size_t thread_count(const struct nw_config *cfg)
{
    long long n = nw_config_get_int(cfg, "worker.threads");
    cpu_set_t set;

    if (n > 0)
        return (size_t)n;
    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
        n = CPU_COUNT(&set);
    else
        n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)(n < 256 ? n : 256) : 1;
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
    run->drain_ms = nw_config_get_int(cfg, "worker.drain_timeout_ms");
    run->shutdown_ms = nw_config_get_int(cfg, "worker.shutdown_timeout_ms");
    max_html = nw_config_get_int(cfg, "extract.max_html_bytes");
    run->max_job_bytes = (size_t)max_html * 2 + 65536;
    run->nthreads = thread_count(cfg);

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
    if (nw_lake_configured(cfg)) {
        enum nw_status status = NW_OK;
        run->lake = nw_lake_create(cfg, run->input_topic, &status, errstr, sizeof(errstr));
        if (!run->lake) {
            fprintf(stderr, "newsworker run: %s\n", errstr);
            return status == NW_ECONFIG ? NW_EXIT_USAGE : NW_EXIT_FAILURE;
        }
        run->lake_s3 = nw_lake_s3_attach(run->lake, cfg, &status, errstr, sizeof(errstr));
        if (!run->lake_s3 && status) {
            fprintf(stderr, "newsworker run: %s\n", errstr);
            return status == NW_ECONFIG ? NW_EXIT_USAGE : NW_EXIT_FAILURE;
        }
    }
    run->offsets = nw_offsets_create();
    run->backlog_max = BACKLOG_MIN;
    run->backlog_cap = run->backlog_max + 1;
    run->backlog = nw_calloc(run->backlog_cap, sizeof(*run->backlog));
    run->threads = nw_calloc(run->nthreads, sizeof(*run->threads));
    run->max_crashes = (int)nw_config_get_int(cfg, "worker.max_crashes");
    if (!run->offsets || !run->backlog || !run->threads) {
        fprintf(stderr, "newsworker run: out of memory\n");
        return NW_EXIT_FAILURE;
    }
    nw_publisher_set_abort_flag(run->publisher, &abort_requested);
    run->fetcher = nw_fetcher_create(cfg, errstr, sizeof(errstr));
    if (!run->fetcher) {
        fprintf(stderr, "newsworker run: %s\n", errstr);
        return NW_EXIT_FAILURE;
    }
    if (run->max_crashes > 0) {
        struct group_name gn = {"newsworker"};
        nw_config_foreach_kafka(cfg, "consumer", find_group, &gn);
        run->poison = nw_poison_open(nw_config_get(cfg, "worker.state_dir"), gn.name,
                                     run->input_topic, errstr, sizeof(errstr));
        if (!run->poison) {
            fprintf(stderr, "newsworker run: %s\n", errstr);
            return NW_EXIT_FAILURE;
        }
        if (nw_poison_found(run->poison))
            NW_LOG_WARN("run",
                        "the previous run died with %d job(s) in progress: each is processed "
                        "alone now, and after %d crash(es) it becomes a 'poison' error record",
                        nw_poison_found(run->poison), run->max_crashes);
    }
    {
        void *ctxs[256];
        for (size_t i = 0; i < run->nthreads; i++) {
            run->threads[i].run = run;
            run->threads[i].slot = i;
            run->threads[i].pipeline = nw_pipeline_create(cfg, errstr, sizeof(errstr));
            if (!run->threads[i].pipeline) {
                fprintf(stderr, "newsworker run: %s\n", errstr);
                return NW_EXIT_FAILURE;
            }
            ctxs[i] = &run->threads[i];
        }
        json_object_seed(0); /* before any thread builds an object */
        run->pool = nw_pool_create(run->nthreads, ctxs, pool_work, errstr, sizeof(errstr));
    }
    if (!run->pool) {
        fprintf(stderr, "newsworker run: %s\n", errstr);
        return NW_EXIT_FAILURE;
    }
    run->consumer = nw_consumer_create(cfg, nw_sink_kafka_bootstrap(run->sink), &cbs, run, errstr,
                                       sizeof(errstr));
    if (!run->consumer) {
        fprintf(stderr, "newsworker run: %s\n", errstr);
        return NW_EXIT_USAGE;
    }
    run->last_poll = now_ms();
    if (run->lake)
        NW_LOG_INFO("run",
                    "consuming %s, records to files in output.dir %s (%s; not to output topics), "
                    "offsets committed as their files close, max_in_flight %zu, %zu pipeline "
                    "thread(s)",
                    run->input_topic, nw_config_get(cfg, "output.dir"),
                    nw_config_get(cfg, "output.format"), run->max_in_flight, run->nthreads);
    else
        NW_LOG_INFO("run",
                    "consuming %s, articles to %s (+%zu routing rules), errors to %s, "
                    "max_in_flight %zu, %zu pipeline thread(s)",
                    run->input_topic, nw_config_get(cfg, "output.topic"),
                    nw_sink_kafka_route_count(run->sink), nw_config_get(cfg, "errors.topic"),
                    run->max_in_flight, run->nthreads);
    return NW_EXIT_OK;
}

static void run_teardown(struct run *run)
{
    /* The pool stops first (its threads touch jobs), then the fetcher, which drops
     * transfers without calling back. The producer then purges what is left, which
     * reports (as failed) to jobs still alive. */
    if (run->pool)
        nw_pool_abandon(run->pool); /* the jobs stay on run->jobs and are freed below */
    nw_fetcher_destroy(run->fetcher);
    run->fetcher = NULL;
    nw_consumer_destroy(run->consumer);
    nw_sink_kafka_destroy(run->sink); /* the producer, then the embedded cluster */
    run->publisher = NULL;
    while (run->jobs)
        job_free(run->jobs);
    nw_pool_destroy(run->pool);
    for (size_t i = 0; run->threads && i < run->nthreads; i++)
        nw_pipeline_destroy(run->threads[i].pipeline);
    nw_free(run->threads);
    nw_poison_close(run->poison);
    if (run->backlog)
        backlog_drop(run, -1);
    nw_free(run->backlog);
    nw_offsets_destroy(run->offsets);
    nw_lake_destroy(run->lake); /* what was not closed leaves no visible file */
    nw_lake_s3_destroy(run->lake_s3);
    nw_free(run->assigned);
}

static void log_stats(const struct run *run, const char *when)
{
    NW_LOG_INFO("run",
                "%s: %llu jobs consumed, %llu articles, %llu errors, %llu held back, "
                "%llu routed nowhere, %llu messages delivered, %zu in flight, "
                "%llu left to other owners at revokes, %llu handed back un-begun, "
                "%llu possibly repeated, %llu poison",
                when, run->consumed, run->articles, run->errors, run->held, run->suppressed,
                run->delivered_msgs, run->njobs, run->dropped, run->handed_back,
                run->repeated + (run->consumer ? nw_consumer_repeats(run->consumer) : 0),
                run->poisoned);
}

/* The first signal: stop taking jobs, finish what is in flight, flush, commit, leave,
 * all within worker.shutdown_timeout_ms. Exit 1 when a job's record was not delivered. */
static int drain_and_close(struct run *run, int fatal)
{
    long long start = now_ms(), end = start + run->shutdown_ms;
    long long reserve = run->shutdown_ms / 4 > CLOSE_MIN_MS ? run->shutdown_ms / 4 : CLOSE_MIN_MS;
    long long drain_end =
        start + run->drain_ms < end - reserve ? start + run->drain_ms : end - reserve;
    long long left;
    size_t unfinished, back = 0, above;
    struct drain_watch w;
    char errstr[512];
    int code = NW_EXIT_OK;

    nw_consumer_pause(run->consumer);
    backlog_drop(run, -1);
    NW_LOG_INFO("run", "stopping: draining %zu job(s) (up to %lld ms)", run->njobs,
                drain_end - start);
    /* Jobs parked on a slow host go back un-begun if the drain cannot finish them. */
    drain_watch_init(&w, run->njobs);
    while (run->njobs > 0 && now_ms() < drain_end && !abort_requested && !fatal) {
        serve_work(run, 5);
        fatal = nw_publisher_fatal(run->publisher, NULL, 0);
        back += drain_watch_check(run, &w, run->njobs, drain_end, NULL, 0);
    }
    left = drain_end - now_ms();
    if (nw_publisher_flush(run->publisher, left > 0 ? (int)left : 0))
        NW_LOG_WARN("run", "stopping: %d message(s) not delivered in time",
                    nw_publisher_outq_len(run->publisher));
    take_results(run);
    /* What still waits for a transfer goes back too: it was never begun. */
    back += withdraw_waiting(run, NULL, 0, 0);
    if (run->lake)
        lake_service(run, 1); /* the segments that are done close; offsets follow */
    run->offsets_dirty = 1;
    store_offsets(run);
    above = done_above_of(run, run->assigned, run->nassigned); /* counted by the revoke */
    if (back > 0)
        NW_LOG_WARN("run",
                    "stopping: %zu job(s) handed back un-begun (the stored offsets stay at or "
                    "below them: they will be consumed again), %zu job(s) done above them "
                    "will be done again",
                    back, above);
    if (abort_requested) {
        NW_LOG_WARN("run", "second signal: exiting at once");
        return NW_EXIT_FAILURE;
    }
    unfinished = run->njobs;
    if (unfinished > 0)
        NW_LOG_WARN("run", "stopping: %zu job(s) unfinished; they will be consumed again",
                    unfinished);
    left = end - now_ms();
    if (nw_consumer_commit(run->consumer, left > 4 ? (int)(left / 4) : 1) != NW_OK) {
        left = end - now_ms();
        nw_consumer_note_uncommitted(run->consumer, left > 4 ? (int)(left / 4) : 1);
    }
    run->closing = 1;
    left = end - now_ms() - TEARDOWN_MS;
    nw_consumer_close(run->consumer, left > 1 ? (int)left : 1);
    log_stats(run, "stopped");
    if (nw_publisher_fatal(run->publisher, errstr, sizeof(errstr))) {
        NW_LOG_ERROR("run", "exiting after a fatal producer error: %s", errstr);
        code = NW_EXIT_FAILURE;
    }
    if (unfinished > 0 || run->held > 0) {
        NW_LOG_ERROR("run",
                     "exiting with %zu job(s) unfinished and %llu record(s) not delivered "
                     "(their offsets were not committed: they will be consumed again)",
                     unfinished, run->held);
        code = NW_EXIT_FAILURE;
    }
    NW_LOG_INFO("run", "stopped in %lld ms", now_ms() - start);
    return code;
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
        int busy = nw_fetcher_pending(run.fetcher) > 0 || nw_pool_outstanding(run.pool) > 0;
        int producing = nw_publisher_outq_len(run.publisher) > 0;
        /* The consumer waits only when nothing else is going on; otherwise the fetcher,
         * the pool or the producer waits. Rebalance callbacks run in here too. */
        int taken = take_in(&run, !busy && !producing ? IDLE_WAIT_MS : 0);

        serve_work(&run, taken ? 0 : busy ? 5 : producing ? 2 : 0);
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
        /* Exit at once: skip every wait in the orderly teardown. The jobs in progress
         * did not crash anything. */
        nw_poison_clear_slots(run.poison);
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
