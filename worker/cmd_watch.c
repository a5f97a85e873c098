/*
 * cmd_watch.c — `newsworker watch [--once] [URL...]`: polls feeds and sitemaps (watch.h)
 * and writes each new item as a url job: to input.topic keyed by URL with a broker, else as
 * JSONL to output.file (stdout), so `newsworker watch | newsworker fetch --input -` works.
 * Error records go to errors.topic, or without a broker to watch.errors_file (else they are
 * logged on stderr).
 *
 * The state (watch.state_file) is saved every watch.state_save_interval_s and at the end,
 * each time only after every job emitted so far has been delivered: a restart repeats
 * nothing that was saved as emitted, and loses nothing that was not.
 *
 * Shutdown: the first SIGTERM/SIGINT stops polling and arms a timer for
 * worker.shutdown_timeout_ms less a reserve for the teardown; the jobs found are
 * delivered and the state saved until then. When the timer fires (or a second signal
 * comes) every wait on the broker gives up: nothing more is saved, so the items whose jobs
 * were not delivered stay unseen and the next run emits them; exit 1.
 *
 * With --once the exit status is 1 when any source failed in the pass (st.errors > 0: one
 * error record per failed source), once the jobs found were delivered and the state saved.
 *
 * With metrics.listen: /metrics (the newsworker_watch_* families, kept up to date from
 * nw_watch_stats once a second), /healthz (the loop turns), /readyz (with a broker: the
 * producer is connected).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "commands.h"
#include "embedded.h"
#include "hash.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "publish.h"
#include "record.h"
#include "sink.h"
#include "lake_s3.h"
#include "sink_lake.h"
#include "watch.h"
#include "watch_kafka.h"

#define URL_JOB_SCHEMA "newsworker.url-job/1"

/* stop_flag: a first signal came (stop polling, deliver, save). abort_flag: the shutdown
 * budget is spent or a second signal came (every wait on the broker gives up). */
static volatile sig_atomic_t stop_flag, abort_flag;
/* When abort_flag is raised after the first signal (set before the handlers are). */
static struct itimerval abort_timer;

static void on_signal(int sig)
{
    (void)sig;
    if (stop_flag) {
        abort_flag = 1;
        return;
    }
    stop_flag = 1;
    setitimer(ITIMER_REAL, &abort_timer, NULL); /* async-signal-safe */
}

static void on_alarm(int sig)
{
    (void)sig;
    abort_flag = 1;
}

/* Handlers for SIGTERM, SIGINT (stop, then abort) and SIGALRM (the budget is spent). The
 * teardown after the abort (purging the producer, destroying the clients) gets a reserve
 * of a quarter of the budget, at most 2 s. */
static void install_signals(long long shutdown_ms)
{
    long long reserve = shutdown_ms / 4 < 2000 ? shutdown_ms / 4 : 2000;
    long long budget = shutdown_ms - reserve;
    struct sigaction sa;

    stop_flag = abort_flag = 0;
    memset(&abort_timer, 0, sizeof(abort_timer));
    abort_timer.it_value.tv_sec = (time_t)(budget / 1000);
    abort_timer.it_value.tv_usec = (suseconds_t)(budget % 1000) * 1000;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* The watcher's statistics into the metrics: counters by their growth since last time. */
static void publish_stats(struct nw_watch *w, struct nw_watch_stats *last)
{
    struct nw_watch_stats st;

    nw_watch_stats(w, &st);
    nw_metrics_add(NW_METRICS_WATCH_POLLS, st.polls - last->polls);
    nw_metrics_add(NW_METRICS_WATCH_NEW_ITEMS, st.items_new - last->items_new);
    nw_metrics_add(NW_METRICS_WATCH_ERRORS, st.errors - last->errors);
    nw_metrics_add(NW_METRICS_WATCH_NOT_MODIFIED, st.not_modified - last->not_modified);
    nw_metrics_set(NW_METRICS_WATCH_SOURCES, (long long)st.sources);
    nw_metrics_set(NW_METRICS_WATCH_DUE, (long long)st.due);
    nw_metrics_set(NW_METRICS_WATCH_OVERDUE, (long long)st.overdue);
    *last = st;
}

struct run {
    const struct nw_config *cfg;
    struct nw_embedded *embedded;
    struct nw_publisher *pub;
    const char *input_topic;
    const char *errors_topic;
    struct nw_sink_file *jobs;   /* without a broker */
    struct nw_sink_file *errors; /* without a broker, with watch.errors_file */
    struct nw_lake *lake;        /* with output.dir: jobs and error records to lake files */
    struct nw_lake_s3 *lake_s3;  /* with output.s3.bucket: uploads the closed files */
    unsigned long jobs_out, errors_out, undelivered;
    int write_failed;
};

static void on_delivery(void *msg_opaque, const struct nw_delivery *dr, void *ctx)
{
    struct run *run = ctx;

    (void)msg_opaque;
    if (!dr->ok) {
        run->undelivered++;
        NW_LOG_ERROR("watch", "a message to %s could not be delivered: %s",
                     dr->topic ? dr->topic : "?", dr->errmsg ? dr->errmsg : "unknown error");
    }
}

static enum nw_status emit_job(const json_t *job, const char *url, void *ctx)
{
    struct run *run = ctx;
    enum nw_status result;
    char errstr[256];
    char *line;

    if (run->lake) {
        result = nw_lake_write(run->lake, job, NW_LAKE_JOBS, -1, 0, errstr, sizeof(errstr));
        if (result) {
            NW_LOG_ERROR("watch", "cannot write a job to output.dir: %s", errstr);
            run->write_failed = 1;
        } else {
            run->jobs_out++;
        }
        return result;
    }
    if (!run->pub) {
        result = nw_sink_file_write(run->jobs, job);
        if (result) {
            NW_LOG_ERROR("watch", "cannot write a job to output.file");
            run->write_failed = 1;
        } else {
            run->jobs_out++;
        }
        return result;
    }
    line = json_dumps(job, JSON_COMPACT);
    if (!line)
        return NW_ENOMEM;
    result = nw_publisher_send(run->pub, run->input_topic, url, line, strlen(line), URL_JOB_SCHEMA,
                               NULL, errstr, sizeof(errstr));
    free(line);
    if (result) {
        NW_LOG_ERROR("watch", "cannot queue a job for %s: %s", url, errstr);
        run->write_failed = 1;
    } else {
        run->jobs_out++;
    }
    return result;
}

static void emit_error(const json_t *rec, void *ctx)
{
    struct run *run = ctx;
    const char *url = json_string_value(json_object_get(rec, "url"));
    char key[65], errstr[256];
    char *line = json_dumps(rec, JSON_COMPACT);

    run->errors_out++;
    if (!line) {
        NW_LOG_ERROR("watch", "out of memory writing an error record");
        return;
    }
    if (run->lake) {
        if (nw_lake_write(run->lake, rec, NW_LAKE_ERRORS, -1, 0, errstr, sizeof(errstr)) != NW_OK) {
            NW_LOG_ERROR("watch", "cannot write an error record to output.dir: %s", errstr);
            run->write_failed = 1;
        }
    } else if (run->pub) {
        nw_sha256_hex(url ? url : "", url ? strlen(url) : 0, key);
        if (nw_publisher_send(run->pub, run->errors_topic, key, line, strlen(line), NW_ERROR_SCHEMA,
                              NULL, errstr, sizeof(errstr)) != NW_OK) {
            NW_LOG_ERROR("watch", "cannot queue an error record: %s", errstr);
            run->write_failed = 1;
        }
    } else if (run->errors) {
        if (nw_sink_file_write(run->errors, rec) != NW_OK) {
            NW_LOG_ERROR("watch", "cannot write to watch.errors_file");
            run->write_failed = 1;
        }
    } else {
        NW_LOG_WARN("watch", "error record: %s", line);
    }
    free(line);
}

/* Waits until every message so far is delivered; false if any was not. */
static int flush(struct run *run)
{
    int timeout_ms = (int)nw_config_get_int(run->cfg, "worker.delivery_timeout_ms");
    char errstr[512];

    /* Lake files are closed (durable) before the state marks their jobs as emitted. */
    if (run->lake && nw_lake_close_all(run->lake, errstr, sizeof(errstr)) != NW_OK) {
        NW_LOG_ERROR("watch", "output.dir: %s", errstr);
        run->write_failed = 1;
    }
    if (!run->pub)
        return !run->write_failed;
    /* Up to worker.delivery_timeout_ms, or until the shutdown budget is spent. */
    if (nw_publisher_flush(run->pub, timeout_ms) != NW_OK) {
        NW_LOG_ERROR("watch", "%d messages still undelivered %s", nw_publisher_outq_len(run->pub),
                     abort_flag ? "when the shutdown budget (worker.shutdown_timeout_ms) was spent"
                                : "after worker.delivery_timeout_ms");
        return 0;
    }
    return run->undelivered == 0 && !run->write_failed;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: newsworker watch [--once] [URL...] [options]\n"
               "  Polls feeds, sitemaps, robots.txt Sitemap lines and home pages (their feed\n"
               "  links) from watch.sources and the URLs given, and writes every new item as a\n"
               "  url job: to input.topic with kafka.bootstrap.servers, else as JSON lines to\n"
               "  output.file ('-' = stdout). With --once, polls each source once, saves\n"
               "  watch.state_file and exits (1 if any source failed). 'newsworker watch\n"
               "  --help' lists its keys.\n");
}

static int load_sources(struct nw_watch *w, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL, errstr[512];
    size_t cap = 0;
    ssize_t n;
    unsigned long lineno = 0;
    int code = NW_EXIT_OK;

    if (!f) {
        fprintf(stderr, "newsworker watch: watch.sources %s: %s\n", path, strerror(errno));
        return NW_EXIT_USAGE;
    }
    while ((n = getline(&line, &cap, f)) > 0) {
        enum nw_status result;
        lineno++;
        result = nw_watch_add_line(w, line, (size_t)n, errstr, sizeof(errstr));
        if (result) {
            fprintf(stderr, "newsworker watch: watch.sources %s:%lu: %s\n", path, lineno, errstr);
            code = result == NW_ENOMEM ? NW_EXIT_FAILURE : NW_EXIT_USAGE;
            break;
        }
    }
    if (code == NW_EXIT_OK && ferror(f)) {
        fprintf(stderr, "newsworker watch: watch.sources %s: read error\n", path);
        code = NW_EXIT_FAILURE;
    }
    free(line);
    fclose(f);
    return code;
}

static long long mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec;
}

int nw_cmd_watch(struct nw_config *cfg, int argc, char **argv)
{
    static const struct nw_watch_emit emit = {emit_job, emit_error};
    struct run run = {0};
    struct nw_watch *w = NULL;
    struct nw_watch_kafka *wk = NULL;
    struct nw_watch_stats st, last_st;
    long long last_stats;
    const char *sources = nw_config_get(cfg, "watch.sources");
    const char *state_file = nw_config_get(cfg, "watch.state_file");
    const char *errors_file = nw_config_get(cfg, "watch.errors_file");
    long long save_every = nw_config_get_int(cfg, "watch.state_save_interval_s"), last_save;
    char errstr[512];
    int once = 0, n_urls = 0, code = NW_EXIT_OK;

    run.cfg = cfg;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--once")) {
            once = 1;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "newsworker watch: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return NW_EXIT_USAGE;
        } else {
            n_urls++;
        }
    }
    for (int i = 0; i < 2; i++) {
        const char *key = i ? "watch.state.topic" : "watch.sources.topic";
        if (nw_config_get(cfg, key) && !nw_config_get(cfg, "kafka.bootstrap.servers")) {
            fprintf(stderr, "newsworker watch: %s needs kafka.bootstrap.servers\n", key);
            return NW_EXIT_USAGE;
        }
    }
    if (!sources && n_urls == 0 && !nw_config_get(cfg, "watch.sources.topic")) {
        fprintf(stderr, "newsworker watch: no sources: set watch.sources or give URLs\n");
        usage(stderr);
        return NW_EXIT_USAGE;
    }
    /* Before the Kafka clients (their statistics feed /readyz), and the handlers before
     * anything that may wait on a broker. */
    code = nw_metrics_start(
        cfg, NW_METRICS_NEED_TICKS | NW_METRICS_WATCH |
                 (nw_config_get(cfg, "kafka.bootstrap.servers") ? NW_METRICS_NEED_BROKER : 0));
    if (code != NW_EXIT_OK)
        return code;
    install_signals(nw_config_get_int(cfg, "worker.shutdown_timeout_ms"));
    if (nw_config_get(cfg, "kafka.bootstrap.servers")) {
        const char *bootstrap = NULL;
        if (nw_embedded_wanted(cfg)) {
            const char *extra[2];
            size_t n_extra = 0;
            if (nw_config_get(cfg, "watch.sources.topic"))
                extra[n_extra++] = nw_config_get(cfg, "watch.sources.topic");
            if (nw_config_get(cfg, "watch.state.topic"))
                extra[n_extra++] = nw_config_get(cfg, "watch.state.topic");
            run.embedded = nw_embedded_create(cfg, extra, n_extra, errstr, sizeof(errstr));
            if (!run.embedded) {
                fprintf(stderr, "newsworker watch: %s\n", errstr);
                return NW_EXIT_FAILURE;
            }
            bootstrap = nw_embedded_bootstraps(run.embedded);
        }
        run.pub = nw_publisher_create(cfg, bootstrap, on_delivery, &run, errstr, sizeof(errstr));
        if (!run.pub) {
            fprintf(stderr, "newsworker watch: config error: %s\n", errstr);
            code = NW_EXIT_USAGE;
            goto out;
        }
        /* On SIGTERM the jobs and the state are still flushed, until the shutdown budget
         * is spent (abort_flag): then sends and flushes give up. */
        nw_publisher_set_abort_flag(run.pub, &abort_flag);
        run.input_topic = nw_config_get(cfg, "input.topic");
        run.errors_topic = nw_config_get(cfg, "errors.topic");
    } else {
        run.jobs = nw_sink_file_create(nw_config_get(cfg, "output.file"), errstr, sizeof(errstr));
        if (run.jobs && errors_file)
            run.errors = nw_sink_file_create(errors_file, errstr, sizeof(errstr));
        if (!run.jobs || (errors_file && !run.errors)) {
            fprintf(stderr, "newsworker watch: %s\n", errstr);
            code = NW_EXIT_FAILURE;
            goto out;
        }
    }
    if (nw_lake_configured(cfg)) {
        /* output.dir takes the jobs and error records (a broker, if set, still serves
         * watch.sources.topic and watch.state.topic). */
        enum nw_status status = NW_OK;
        if (nw_config_is_set(cfg, "output.file")) {
            fprintf(stderr, "newsworker watch: output.file and output.dir exclude each other\n");
            code = NW_EXIT_USAGE;
            goto out;
        }
        run.lake = nw_lake_create(cfg, NULL, &status, errstr, sizeof(errstr));
        if (!run.lake) {
            fprintf(stderr, "newsworker watch: %s\n", errstr);
            code = status == NW_ECONFIG ? NW_EXIT_USAGE : NW_EXIT_FAILURE;
            goto out;
        }
        run.lake_s3 = nw_lake_s3_attach(run.lake, cfg, &status, errstr, sizeof(errstr));
        if (!run.lake_s3 && status) {
            fprintf(stderr, "newsworker watch: %s\n", errstr);
            code = status == NW_ECONFIG ? NW_EXIT_USAGE : NW_EXIT_FAILURE;
            goto out;
        }
    }
    w = nw_watch_create(cfg, &emit, &run, once, errstr, sizeof(errstr));
    if (!w) {
        fprintf(stderr, "newsworker watch: %s\n", errstr);
        code = strstr(errstr, "watch.") ? NW_EXIT_USAGE : NW_EXIT_FAILURE;
        goto out;
    }
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] == '-')
            continue;
        if (nw_watch_add(w, argv[i], 0, NULL, errstr, sizeof(errstr))) {
            fprintf(stderr, "newsworker watch: %s\n", errstr);
            code = NW_EXIT_USAGE;
            goto out;
        }
    }
    if (sources && (code = load_sources(w, sources)) != NW_EXIT_OK)
        goto out;
    if (state_file && nw_watch_state_load(w, state_file, errstr, sizeof(errstr))) {
        fprintf(stderr, "newsworker watch: %s\n", errstr);
        code = NW_EXIT_FAILURE;
        goto out;
    }

    if (nw_config_get(cfg, "watch.sources.topic") || nw_config_get(cfg, "watch.state.topic")) {
        enum nw_status status = NW_OK;
        wk = nw_watch_kafka_create(cfg, w, run.pub,
                                   run.embedded ? nw_embedded_bootstraps(run.embedded) : NULL,
                                   &abort_flag, &status, errstr, sizeof(errstr));
        if (!wk) {
            fprintf(stderr, "newsworker watch: %s%s\n",
                    status == NW_ECONFIG ? "config error: " : "", errstr);
            code = status == NW_ECONFIG ? NW_EXIT_USAGE : NW_EXIT_FAILURE;
            goto out;
        }
    }

    nw_watch_stats(w, &st);
    memset(&last_st, 0, sizeof(last_st));
    NW_LOG_INFO("watch", "watching %zu sources%s", st.sources, once ? " once" : "");
    last_save = mono_s();
    last_stats = mono_s();
    publish_stats(w, &last_st);
    while (!stop_flag && !nw_watch_done(w)) {
        if (wk)
            nw_watch_kafka_poll(wk, 0);
        nw_watch_step(w, wk ? 100 : 200);
        nw_metrics_tick(nw_watch_active(w));
        if (mono_s() != last_stats) {
            publish_stats(w, &last_st);
            last_stats = mono_s();
        }
        if (run.lake)
            nw_lake_service(run.lake, 0, NULL, NULL);
        if (run.pub) {
            nw_publisher_poll(run.pub, 0);
            if (run.undelivered || nw_publisher_fatal(run.pub, errstr, sizeof(errstr)))
                break;
        }
        if (run.write_failed)
            break;
        if (!once && (state_file || wk) && mono_s() - last_save >= save_every) {
            if (!flush(&run))
                break;
            if (state_file && nw_watch_state_save(w, state_file, errstr, sizeof(errstr)))
                NW_LOG_ERROR("watch", "%s", errstr);
            else if (state_file)
                nw_metrics_inc(NW_METRICS_WATCH_STATE_WRITES);
            if (wk && nw_watch_kafka_save(wk, 0) != NW_OK)
                NW_LOG_ERROR("watch", "the state could not be written to watch.state.topic");
            else if (wk)
                nw_metrics_inc(NW_METRICS_WATCH_STATE_WRITES);
            last_save = mono_s();
        }
    }
    if (stop_flag)
        NW_LOG_INFO("watch", "stopping: delivering the jobs found and saving the state (up to "
                             "worker.shutdown_timeout_ms)");
    /* The state is saved only when everything it marks as emitted was delivered. */
    if (run.undelivered || !flush(&run)) {
        NW_LOG_ERROR("watch", "not every job was delivered: state not saved, the undelivered "
                              "items will be emitted again");
        code = NW_EXIT_FAILURE;
    } else {
        if (state_file && nw_watch_state_save(w, state_file, errstr, sizeof(errstr))) {
            NW_LOG_ERROR("watch", "%s", errstr);
            code = NW_EXIT_FAILURE;
        } else if (state_file) {
            nw_metrics_inc(NW_METRICS_WATCH_STATE_WRITES);
        }
        if (wk && nw_watch_kafka_save(wk, 1) != NW_OK) {
            NW_LOG_ERROR("watch", "the state could not be written to watch.state.topic");
            code = NW_EXIT_FAILURE;
        } else if (wk) {
            nw_metrics_inc(NW_METRICS_WATCH_STATE_WRITES);
        }
    }
    /* Leaving the group hands the partitions over (their state was just written). */
    if (wk)
        nw_watch_kafka_close(wk, code == NW_EXIT_OK);
    publish_stats(w, &last_st);
    nw_watch_stats(w, &st);
    NW_LOG_INFO("watch",
                "%lu polls (%lu not modified, %lu robots.txt), %lu new items, %lu errors, "
                "%zu sources, %zu seen entries",
                st.polls, st.not_modified, st.robots, st.items_new, st.errors, st.sources, st.seen);
    /* --once: a source that failed this pass (each failure is one error record) makes the
     * exit status 1, after its good jobs were delivered and the state saved. */
    if (once && code == NW_EXIT_OK && st.errors > 0) {
        NW_LOG_WARN("watch", "%lu sources failed this pass (see the error records): exit 1",
                    st.errors);
        code = NW_EXIT_FAILURE;
    }
out:
    nw_metrics_stop();
    nw_watch_kafka_destroy(wk);
    nw_watch_destroy(w);
    nw_publisher_destroy(run.pub);
    nw_embedded_destroy(run.embedded);
    nw_sink_file_destroy(run.jobs);
    nw_sink_file_destroy(run.errors);
    nw_lake_destroy(run.lake);
    nw_lake_s3_destroy(run.lake_s3);
    return code;
}
