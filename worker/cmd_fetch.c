/*
 * cmd_fetch.c — `newsworker fetch [URL...] [--input FILE|-]`: url jobs from arguments and
 * lines, fetched many at once, one record each to the JSONL sink (output.file) or, with
 * kafka.bootstrap.servers, to Kafka (sink_kafka.h: output.topic, routes, errors.topic), in
 * completion order.
 *
 * Input is read only as fast as slots free up (a window of jobs in flight), so a file of a
 * million URLs takes the memory of a few hundred. While transfers run, input is read only
 * when it is ready (poll), so a slow pipe on stdin does not stall them.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "commands.h"
#include "fetch.h"
#include "job.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "pipeline.h"
#include "record.h"
#include "sink.h"
#include "sink_kafka.h"
#include "lake_s3.h"
#include "sink_lake.h"

#define POLL_MS 1000
#define KAFKA_CHECK_MS 10000  /* a cluster that does not answer by then fails the command */
#define FLUSH_REPORT_MS 10000 /* how often a long flush says what it waits for */
#define FLUSH_MARGIN_MS 15000 /* librdkafka times queued messages out up to ~10 s late */

/* ---- input lines ---------------------------------------------------------------------- */

struct line_reader {
    int fd;
    int owned;
    int eof;
    int failed;
    int skipping;      /* inside a line that was too long: drop until its newline */
    size_t max_line;   /* a longer line becomes a job error */
    struct nw_buf buf; /* bytes read, not yet returned */
    size_t start;      /* first unreturned byte in buf */
    const char *name;
};

static enum nw_status reader_open(struct line_reader *r, const char *path, size_t max_line,
                                  char *errstr, size_t errstr_size)
{
    memset(r, 0, sizeof(*r));
    r->name = path;
    r->max_line = max_line;
    nw_buf_init(&r->buf, max_line + 65536);
    if (!strcmp(path, "-")) {
        r->fd = STDIN_FILENO;
        return NW_OK;
    }
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0)
        return nw_fail(NW_EIO, errstr, errstr_size, "%s: %s", path, strerror(errno));
    r->owned = 1;
    return NW_OK;
}

static void reader_close(struct line_reader *r)
{
    if (r->owned && r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    nw_buf_fini(&r->buf);
}

/* Reads once; blocks only if may_block, else only when poll says data is there.
 * Returns 1 if something happened (data or end of input), 0 if nothing was ready. */
static int reader_fill(struct line_reader *r, int may_block)
{
    char chunk[65536];
    ssize_t n;

    if (r->eof)
        return 0;
    if (!may_block) {
        struct pollfd pfd = {.fd = r->fd, .events = POLLIN};
        if (poll(&pfd, 1, 0) <= 0)
            return 0;
    }
    if (r->start > 0) {
        /* Compact so the buffer holds at most one partial line. */
        memmove(r->buf.data, r->buf.data + r->start, r->buf.len - r->start);
        nw_buf_truncate(&r->buf, r->buf.len - r->start);
        r->start = 0;
    }
    do {
        n = read(r->fd, chunk, sizeof(chunk));
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        NW_LOG_ERROR("fetch", "%s: read error: %s", r->name, strerror(errno));
        r->failed = 1;
        r->eof = 1;
        return 1;
    }
    if (n == 0) {
        r->eof = 1;
        return 1;
    }
    if (nw_buf_append(&r->buf, chunk, (size_t)n) != NW_OK) {
        /* Only a line longer than max_line fills the buffer: drop what we have of it. */
        r->skipping = 1;
        nw_buf_reset(&r->buf);
        r->start = 0;
        nw_buf_append(&r->buf, chunk, (size_t)n);
    }
    return 1;
}

enum line_kind { LINE_NONE, LINE_OK, LINE_TOO_LONG };

/* Next line (without its newline) or LINE_NONE if none is available now. */
static enum line_kind reader_next(struct line_reader *r, int may_block, const char **line,
                                  size_t *len)
{
    for (int turns = 0; turns < 1 << 20; turns++) {
        char *base = r->buf.data ? r->buf.data + r->start : NULL;
        size_t avail = r->buf.len - r->start;
        char *nl = avail ? memchr(base, '\n', avail) : NULL;

        if (nl) {
            int was_skipping = r->skipping;
            *line = base;
            *len = (size_t)(nl - base);
            r->start += *len + 1;
            r->skipping = 0;
            if (was_skipping || *len > r->max_line)
                return LINE_TOO_LONG;
            return LINE_OK;
        }
        if (avail > r->max_line) {
            r->skipping = 1;
            r->start = r->buf.len;
        }
        if (r->eof) {
            int was_skipping = r->skipping;
            r->skipping = 0;
            if (!avail && !was_skipping)
                return LINE_NONE;
            *line = base ? base : "";
            *len = avail;
            r->start = r->buf.len;
            return was_skipping ? LINE_TOO_LONG : LINE_OK;
        }
        if (!reader_fill(r, may_block))
            return LINE_NONE; /* nothing ready yet */
    }
    return LINE_NONE;
}

/* ---- the run -------------------------------------------------------------------------- */

struct run {
    struct nw_pipeline *pipeline;
    struct nw_fetcher *fetcher;
    struct nw_sink_file *sink;   /* without a broker */
    struct nw_sink_kafka *kafka; /* with kafka.bootstrap.servers */
    struct nw_lake *lake;        /* with output.dir (wins over Kafka) */
    struct nw_lake_s3 *lake_s3;  /* with output.s3.bucket: uploads the closed files */
    unsigned long delivered;
    unsigned long undelivered;
    size_t max_job_bytes;
    unsigned long inputs;
    unsigned long records;
    unsigned long errors;
    int write_failed;
};

/* Delivery reports from the producer: the record counts as written only here. */
static void on_delivery(void *msg_opaque, const struct nw_delivery *dr, void *ctx)
{
    struct run *run = ctx;

    nw_metrics_delivery(dr->topic, dr->ok);
    if (dr->ok) {
        run->delivered++;
    } else {
        run->undelivered++;
        NW_LOG_ERROR("fetch", "a record for %s could not be delivered: %s",
                     dr->topic ? dr->topic : "?", dr->errmsg ? dr->errmsg : "unknown error");
    }
}

static void emit(struct run *run, json_t *rec, int is_error)
{
    char errstr[256];
    size_t accepted;

    nw_metrics_record(rec, is_error);
    if (!rec) {
        NW_LOG_ERROR("fetch", "out of memory building a record");
        run->write_failed = 1;
    } else if (run->lake) {
        if (nw_lake_write(run->lake, rec, is_error ? NW_LAKE_ERRORS : NW_LAKE_ARTICLES, -1, 0,
                          errstr, sizeof(errstr)) != NW_OK) {
            NW_LOG_ERROR("fetch", "cannot write a record to output.dir: %s", errstr);
            run->write_failed = 1;
        } else {
            run->records++;
            run->errors += is_error ? 1 : 0;
        }
    } else if (run->kafka) {
        if (nw_sink_kafka_send(run->kafka, rec, is_error, NULL, &accepted, errstr,
                               sizeof(errstr)) != NW_OK) {
            NW_LOG_ERROR("fetch", "cannot queue a record: %s", errstr);
            run->write_failed = 1;
        }
        run->records++;
        run->errors += is_error ? 1 : 0;
        nw_publisher_poll(nw_sink_kafka_publisher(run->kafka), 0);
    } else if (nw_sink_file_write(run->sink, rec) != NW_OK) {
        NW_LOG_ERROR("fetch", "cannot write a record to output.file");
        run->write_failed = 1;
    } else {
        run->records++;
        run->errors += is_error ? 1 : 0;
    }
    json_decref(rec);
}

/* Waits for the delivery of everything queued; false if anything was not delivered.
 * It says every few seconds what it waits for (an unreachable cluster looks like a hang
 * otherwise), and waits a little past the producer's own delivery timeout, so that every
 * record that cannot be delivered fails with its own reason ("Message timed out") rather
 * than being purged at exit. */
static int flush_kafka(struct run *run, const struct nw_config *cfg)
{
    struct nw_publisher *pub = nw_sink_kafka_publisher(run->kafka);
    long long timeout_ms = nw_config_get_int(cfg, "worker.delivery_timeout_ms") + FLUSH_MARGIN_MS;
    long long waited = 0;

    while (nw_publisher_outq_len(pub) > 0 && waited < timeout_ms) {
        long long slice =
            timeout_ms - waited < FLUSH_REPORT_MS ? timeout_ms - waited : FLUSH_REPORT_MS;
        if (nw_publisher_flush(pub, (int)slice) == NW_OK)
            break;
        waited += slice;
        if (nw_publisher_outq_len(pub) > 0 && waited < timeout_ms)
            NW_LOG_WARN("fetch",
                        "waiting for Kafka: %d record(s) not yet delivered after %lld s "
                        "(%lu delivered); giving up after worker.delivery_timeout_ms",
                        nw_publisher_outq_len(pub), waited / 1000, run->delivered);
    }
    nw_publisher_poll(pub, 0);
    if (nw_publisher_outq_len(pub) > 0) {
        NW_LOG_ERROR("fetch", "%d records still undelivered after %lld ms",
                     nw_publisher_outq_len(pub), timeout_ms);
        return 0;
    }
    NW_LOG_INFO("fetch", "%lu messages delivered to Kafka, %lu failed", run->delivered,
                run->undelivered);
    return run->undelivered == 0;
}

static void on_done(void *opaque, const struct nw_fetch_result *res, void *ctx)
{
    struct run *run = ctx;
    struct nw_job *job = opaque;
    int is_error = 1;
    json_t *rec = nw_pipeline_record(run->pipeline, job, res, &is_error);

    emit(run, rec, is_error);
    nw_job_fini(job);
    nw_free(job);
}

/* Jobs that hold a place in the window: those parked on a busy or slow host do not (up to
 * the fetcher's own bounds), so one slow host cannot keep the other hosts' jobs out. */
static size_t in_window(const struct run *run)
{
    return nw_fetcher_pending(run->fetcher) - nw_fetcher_parked(run->fetcher);
}

/* One input line: a record now (bad job, inline content) or a queued fetch. */
static void take_line(struct run *run, const char *line, size_t len, int too_long)
{
    char errstr[512];
    struct nw_job *job;
    enum nw_status result;
    int is_error = 1;

    /* Blank lines separate nothing and ask for nothing: they are not inputs. */
    if (!too_long) {
        size_t i = 0;
        while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
            i++;
        if (i == len)
            return;
    }
    run->inputs++;
    nw_metrics_inc(NW_METRICS_JOBS_CONSUMED);
    if (too_long) {
        snprintf(errstr, sizeof(errstr), "job line longer than %zu bytes", run->max_job_bytes);
        emit(run, nw_pipeline_job_error(line, len, errstr), 1);
        return;
    }
    job = nw_calloc(1, sizeof(*job));
    if (!job) {
        emit(run, nw_pipeline_job_error(line, len, "out of memory"), 1);
        return;
    }
    result = nw_job_parse(line, len, run->max_job_bytes, job, errstr, sizeof(errstr));
    if (result) {
        emit(run, nw_pipeline_job_error(line, len, errstr), 1);
        nw_free(job);
        return;
    }
    if (!nw_pipeline_needs_fetch(job)) {
        json_t *rec = nw_pipeline_record(run->pipeline, job, NULL, &is_error);
        emit(run, rec, is_error);
        nw_job_fini(job);
        nw_free(job);
        return;
    }
    result = nw_fetcher_add(run->fetcher, job->url, job);
    if (result) {
        struct nw_fetch_result res = {.status = result,
                                      .error_code = nw_status_name(result),
                                      .message = nw_status_message(result),
                                      .url = job->url,
                                      .attempts = 1};
        on_done(job, &res, run);
    }
}

static void usage(FILE *f)
{
    fprintf(f, "usage: newsworker fetch [URL...] [--input FILE|-]\n"
               "  Fetches each URL (or url-job JSON line) and writes one record per input to\n"
               "  output.file ('-' = stdout): an article record or an error record.\n"
               "  With no URL and no --input, reads jobs from stdin.\n");
}

int nw_cmd_fetch(struct nw_config *cfg, int argc, char **argv)
{
    struct run run = {0};
    struct line_reader reader;
    const char *input = NULL;
    char errstr[512];
    size_t window;
    int n_urls = 0, have_reader = 0, code = NW_EXIT_OK;
    enum nw_status result = NW_OK;

    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--input") || !strcmp(argv[i], "-i")) {
            if (i + 1 >= argc || input) {
                fprintf(stderr, "newsworker fetch: %s\n",
                        input ? "--input given twice" : "--input needs a file name or '-'");
                return NW_EXIT_USAGE;
            }
            input = argv[++i];
        } else if (!strncmp(argv[i], "--input=", 8) && !input) {
            input = argv[i] + 8;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "newsworker fetch: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return NW_EXIT_USAGE;
        } else {
            n_urls++;
        }
    }
    if (!n_urls && !input)
        input = "-";

    {
        long long html_max = nw_config_get_int(cfg, "extract.max_html_bytes");
        /* An inline-html job is JSON-escaped HTML: allow for the escaping. */
        run.max_job_bytes = (size_t)(html_max * 2 + (1 << 20));
    }
    window = (size_t)nw_config_get_int(cfg, "fetch.concurrency") * 4;
    if (window < 64)
        window = 64;

    if (input) {
        if (reader_open(&reader, input, run.max_job_bytes, errstr, sizeof(errstr))) {
            fprintf(stderr, "newsworker fetch: %s\n", errstr);
            return NW_EXIT_USAGE;
        }
        have_reader = 1;
    }
    code = nw_metrics_start(cfg, nw_config_get(cfg, "kafka.bootstrap.servers") &&
                                         !nw_lake_configured(cfg)
                                     ? NW_METRICS_NEED_BROKER
                                     : 0);
    if (code != NW_EXIT_OK)
        goto out;
    if (nw_lake_configured(cfg)) {
        /* output.dir is the sink when set, with or without a broker: fetch reads its jobs
         * from arguments and files, so Kafka has nothing to do then. */
        enum nw_status status = NW_OK;
        if (nw_config_is_set(cfg, "output.file")) {
            fprintf(stderr, "newsworker fetch: output.file and output.dir exclude each other\n");
            code = NW_EXIT_USAGE;
            goto out;
        }
        run.lake = nw_lake_create(cfg, NULL, &status, errstr, sizeof(errstr));
        if (!run.lake) {
            fprintf(stderr, "newsworker fetch: %s\n", errstr);
            code = status == NW_ECONFIG ? NW_EXIT_USAGE : NW_EXIT_FAILURE;
            goto out;
        }
        run.lake_s3 = nw_lake_s3_attach(run.lake, cfg, &status, errstr, sizeof(errstr));
        if (!run.lake_s3 && status) {
            fprintf(stderr, "newsworker fetch: %s\n", errstr);
            code = status == NW_ECONFIG ? NW_EXIT_USAGE : NW_EXIT_FAILURE;
            goto out;
        }
    } else if (nw_config_get(cfg, "kafka.bootstrap.servers")) {
        enum nw_status status = NW_OK;
        run.kafka = nw_sink_kafka_create(cfg, on_delivery, &run, &status, errstr, sizeof(errstr));
        if (!run.kafka) {
            fprintf(stderr, "newsworker fetch: %s%s\n",
                    status == NW_ECONFIG ? "config error: " : "", errstr);
            code = status == NW_ECONFIG ? NW_EXIT_USAGE : NW_EXIT_FAILURE;
            goto out;
        }
        /* Fail now, before fetching anything, rather than fetch every page and then wait
         * worker.delivery_timeout_ms (5 minutes by default) to learn that nothing can be
         * delivered. */
        if (nw_sink_kafka_check(run.kafka, KAFKA_CHECK_MS, errstr, sizeof(errstr)) != NW_OK) {
            fprintf(stderr, "newsworker fetch: %s\n", errstr);
            code = NW_EXIT_FAILURE;
            goto out;
        }
    } else {
        run.sink = nw_sink_file_create(nw_config_get(cfg, "output.file"), errstr, sizeof(errstr));
        if (!run.sink) {
            fprintf(stderr, "newsworker fetch: %s\n", errstr);
            code = NW_EXIT_FAILURE;
            goto out;
        }
    }
    run.pipeline = nw_pipeline_create(cfg, errstr, sizeof(errstr));
    if (run.pipeline)
        run.fetcher = nw_fetcher_create(cfg, errstr, sizeof(errstr));
    if (!run.pipeline || !run.fetcher) {
        fprintf(stderr, "newsworker fetch: %s\n", errstr);
        code = NW_EXIT_FAILURE;
        goto out;
    }

    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--input") || !strcmp(argv[i], "-i")) {
            i++;
            continue;
        }
        if (!strncmp(argv[i], "--input=", 8))
            continue;
        take_line(&run, argv[i], strlen(argv[i]), 0);
        /* Many URLs on the command line: keep the same window as for files. */
        while (in_window(&run) >= window && !result)
            result = nw_fetcher_poll(run.fetcher, POLL_MS, on_done, &run);
    }
    while (have_reader && !result) {
        const char *line;
        size_t len;
        enum line_kind kind = LINE_OK;

        while (in_window(&run) < window) {
            /* Block for input only when there is nothing else to do. */
            kind = reader_next(&reader, nw_fetcher_pending(run.fetcher) == 0, &line, &len);
            if (kind == LINE_NONE)
                break;
            take_line(&run, line, len, kind == LINE_TOO_LONG);
        }
        if (kind == LINE_NONE && reader.eof)
            break;
        if (nw_fetcher_pending(run.fetcher) > 0)
            result = nw_fetcher_poll(run.fetcher, kind == LINE_NONE ? 50 : POLL_MS, on_done, &run);
        if (run.lake)
            nw_lake_service(run.lake, 0, NULL, NULL);
    }
    while (!result && nw_fetcher_pending(run.fetcher) > 0) {
        result = nw_fetcher_poll(run.fetcher, POLL_MS, on_done, &run);
        if (run.lake)
            nw_lake_service(run.lake, 0, NULL, NULL);
    }
    if (run.lake && nw_lake_close_all(run.lake, errstr, sizeof(errstr)) != NW_OK) {
        NW_LOG_ERROR("fetch", "output.dir: %s", errstr);
        run.write_failed = 1;
    }

    if (run.kafka && !flush_kafka(&run, cfg))
        run.write_failed = 1;
    if (result) {
        fprintf(stderr, "newsworker fetch: %s\n", nw_status_message(result));
        code = NW_EXIT_FAILURE;
    } else if (run.write_failed || (have_reader && reader.failed)) {
        code = NW_EXIT_FAILURE;
    }
    NW_LOG_INFO("fetch", "%lu inputs, %lu records (%lu errors)", run.inputs, run.records,
                run.errors);
out:
    if (have_reader)
        reader_close(&reader);
    nw_fetcher_destroy(run.fetcher);
    nw_pipeline_destroy(run.pipeline);
    nw_sink_file_destroy(run.sink);
    nw_sink_kafka_destroy(run.kafka);
    nw_lake_destroy(run.lake);
    nw_lake_s3_destroy(run.lake_s3);
    nw_metrics_stop();
    return code;
}
