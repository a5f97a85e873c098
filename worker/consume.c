/* consume.c — the url job consumer: balanced group member with manual offset storing. */
#include "consume.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kafka_conf.h"
#include "log.h"
#include "metrics.h"
#include "mem.h"

struct nw_consumer {
    rd_kafka_t *rk;
    char *topic;
    struct nw_consumer_callbacks cbs;
    void *ctx;
    int paused;
    int closed;
    int cooperative; /* the configured assignment strategy is cooperative-sticky */
    int revoke_commit_ms;
    int closing;     /* nw_consumer_close runs */
    int64_t *stored; /* last offset stored per partition (-1: none since assigned) */
    size_t nstored;
    unsigned long long repeats; /* finished jobs whose commit failed at a revoke */
};

/* A commit on revoke waits at most this long (a broker that is gone must not hold the
 * rebalance, or the shutdown, for librdkafka's socket timeouts). */
#define REVOKE_COMMIT_MS 10000

static enum nw_status commit_wait(struct nw_consumer *c, int timeout_ms, rd_kafka_resp_err_t *errp);
static unsigned long long uncommitted(struct nw_consumer *c, const int32_t *parts, size_t n,
                                      int timeout_ms);

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    NW_LOG_WARN("consume", "%s: %s", rd_kafka_err2name(err), reason);
}

/* The input topic's partitions in list, as a plain array (at most max). */
static size_t partitions_of(const struct nw_consumer *c,
                            const rd_kafka_topic_partition_list_t *list, int32_t *out, size_t max)
{
    size_t n = 0;

    for (int i = 0; i < list->cnt && n < max; i++)
        if (!strcmp(list->elems[i].topic, c->topic))
            out[n++] = list->elems[i].partition;
    return n;
}

static void log_error_obj(const char *what, rd_kafka_error_t *error)
{
    if (!error)
        return;
    NW_LOG_ERROR("consume", "%s: %s", what, rd_kafka_error_string(error));
    rd_kafka_error_destroy(error);
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *list, void *opaque)
{
    struct nw_consumer *c = opaque;
    const char *protocol = rd_kafka_rebalance_protocol(rk);
    /* NULL while the group is being left or re-joined: go by the configured strategy. */
    int cooperative = protocol ? !strcmp(protocol, "COOPERATIVE") : c->cooperative;
    int32_t *parts = nw_calloc((size_t)list->cnt + 1, sizeof(*parts));
    size_t n = parts ? partitions_of(c, list, parts, (size_t)list->cnt) : 0;

    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        NW_LOG_INFO("consume", "assigned %d partition(s) (%s)", list->cnt,
                    cooperative ? "incremental" : "eager");
        if (cooperative)
            log_error_obj("incremental assign", rd_kafka_incremental_assign(rk, list));
        else
            rd_kafka_assign(rk, list);
        if (c->paused)
            rd_kafka_pause_partitions(rk, list);
        if (c->cbs.assigned)
            c->cbs.assigned(parts, n, c->ctx);
    } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
        int lost = rd_kafka_assignment_lost(rk);
        NW_LOG_INFO("consume", "%s %d partition(s)", lost ? "lost" : "revoking", list->cnt);
        /* First what is stored already: if the coordinator refuses commits now (it may
         * once the group started to re-form; librdkafka's mock cluster does), finishing
         * the jobs in flight would only make records that the next owner repeats, so the
         * callback drops them instead of draining. */
        int drain = !lost;
        if (!lost && !c->closing) {
            rd_kafka_resp_err_t perr;
            if (commit_wait(c, c->revoke_commit_ms, &perr) != NW_OK) {
                drain = 0;
                NW_LOG_INFO("consume", "commit before the revoke: %s: not draining",
                            rd_kafka_err2str(perr));
            }
        }
        if (c->cbs.revoking)
            c->cbs.revoking(parts, n, lost, drain, c->ctx);
        /* What the callback stored is committed before the partitions go, while this
         * member's generation is still valid (with the eager protocol the revoke comes
         * before the group re-forms; Kafka accepts commits until then), so the next owner
         * starts after it. A coordinator that refuses costs repeats: counted and logged.
         * Not at the close: the drain committed and counted already, and librdkafka 2.0.2
         * asserts (rd_kafka_cgrp_terminated) on an application commit that reaches a group
         * it has begun to terminate. */
        if (!lost && !c->closing) {
            rd_kafka_resp_err_t cerr;
            if (commit_wait(c, c->revoke_commit_ms, &cerr) != NW_OK) {
                unsigned long long rep = uncommitted(c, parts, n, c->revoke_commit_ms);
                c->repeats += rep;
                nw_metrics_add(NW_METRICS_DUPLICATES, rep);
                nw_log(rep ? NW_LOG_WARN : NW_LOG_INFO, "consume",
                       "commit on revoke: %s: %llu finished job(s) not committed, the next "
                       "owner repeats them",
                       rd_kafka_err2str(cerr), rep);
            }
        }
        for (size_t i = 0; i < n; i++)
            if ((size_t)parts[i] < c->nstored)
                c->stored[parts[i]] = -1;
        if (cooperative)
            log_error_obj("incremental unassign", rd_kafka_incremental_unassign(rk, list));
        else
            rd_kafka_assign(rk, NULL);
    } else {
        NW_LOG_ERROR("consume", "rebalance failed: %s", rd_kafka_err2str(err));
        rd_kafka_assign(rk, NULL);
    }
    nw_free(parts);
}

struct nw_consumer *nw_consumer_create(const struct nw_config *cfg, const char *bootstrap,
                                       const struct nw_consumer_callbacks *cbs, void *ctx,
                                       char *errstr, size_t errstr_size)
{
    static const char *const defaults[][2] = {
        {"client.id", "newsworker"},
        {"group.id", "newsworker"},
        /* Eager: librdkafka before 2.3.0 can abort in its sticky assignor (assertion
         * 'assignor_state') when a member leaves during a rebalance; Debian ships 2.0.2.
         * The revoke callback finishes or drops the jobs of every partition and commits
         * before the group re-forms, so a handover repeats nothing that was done. */
        {"partition.assignment.strategy", "roundrobin"},
        {"enable.auto.offset.store", "false"},
        {"enable.auto.commit", "true"},
        /* Stored offsets reach the group five times a second (librdkafka: every 5 s;
         * only changed offsets are sent): what a crash, or a coordinator that refuses
         * commits during a rebalance, makes the next owner repeat is that much work. */
        {"auto.commit.interval.ms", "200"},
        {"auto.offset.reset", "earliest"},
        {"enable.partition.eof", "false"},
        {"log.queue", "true"},
        /* Each pause drops the prefetched messages and each resume fetches again, but
         * the broker holds an open fetch at the end of the log up to this long before the
         * new one can go out: librdkafka's 500 ms capped a worker at max_in_flight 64 to
         * ~130 jobs/s on a backlog (tests/bench/bench_run.sh), 100 ms gives ~400. */
        {"fetch.wait.max.ms", "100"},
        /* Backpressure is the prefetch bound: the worker polls only when it has room,
         * and librdkafka stops fetching a partition once this much waits locally. */
        {"queued.min.messages", "2000"},
        {"queued.max.messages.kbytes", "32768"},
    };
    struct nw_consumer *c = nw_calloc(1, sizeof(*c));
    rd_kafka_conf_t *conf = NULL;
    rd_kafka_topic_partition_list_t *sub = NULL;
    rd_kafka_resp_err_t err;
    char msg[256];

    if (!c || !(c->topic = nw_strdup(nw_config_get(cfg, "input.topic")))) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto fail;
    }
    if (cbs)
        c->cbs = *cbs;
    c->ctx = ctx;
    c->revoke_commit_ms = REVOKE_COMMIT_MS;
    conf = rd_kafka_conf_new();
    if (nw_kafka_conf_apply(conf, cfg, "consumer", defaults, sizeof(defaults) / sizeof(defaults[0]),
                            bootstrap, errstr, errstr_size) != NW_OK)
        goto fail;
    {
        char strategy[128];
        size_t size = sizeof(strategy);
        if (rd_kafka_conf_get(conf, "partition.assignment.strategy", strategy, &size) ==
            RD_KAFKA_CONF_OK)
            c->cooperative = strstr(strategy, "cooperative") != NULL;
    }
    rd_kafka_conf_set_opaque(conf, c);
    rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
    rd_kafka_conf_set_error_cb(conf, on_error);
    rd_kafka_conf_set_log_cb(conf, nw_kafka_conf_on_log);
    c->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, msg, sizeof(msg));
    if (!c->rk) {
        nw_fail(NW_EKAFKA, errstr, errstr_size, "consumer: %s", msg);
        goto fail;
    }
    conf = NULL;
    rd_kafka_set_log_queue(c->rk, NULL);
    rd_kafka_poll_set_consumer(c->rk);
    sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, c->topic, RD_KAFKA_PARTITION_UA);
    err = rd_kafka_subscribe(c->rk, sub);
    rd_kafka_topic_partition_list_destroy(sub);
    if (err) {
        nw_fail(NW_EKAFKA, errstr, errstr_size, "subscribe %s: %s", c->topic,
                rd_kafka_err2str(err));
        goto fail;
    }
    return c;
fail:
    if (conf)
        rd_kafka_conf_destroy(conf);
    if (c && c->rk) {
        rd_kafka_destroy_flags(c->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
        c->rk = NULL;
    }
    if (c)
        nw_free(c->topic);
    nw_free(c);
    return NULL;
}

void nw_consumer_destroy(struct nw_consumer *c)
{
    if (!c)
        return;
    if (c->rk) {
        if (!c->closed)
            nw_consumer_close(c, REVOKE_COMMIT_MS);
        /* A close that did not finish in time (a broker that is gone) would make
         * rd_kafka_destroy wait for it again, seconds past the shutdown budget: the
         * handle is left to the process exit then. */
        if (rd_kafka_consumer_closed(c->rk))
            rd_kafka_destroy(c->rk);
        else
            NW_LOG_WARN("consume", "leaving the unclosed consumer to the process exit");
    }
    nw_free(c->topic);
    nw_free(c->stored);
    nw_free(c);
}

rd_kafka_message_t *nw_consumer_poll(struct nw_consumer *c, int timeout_ms)
{
    rd_kafka_message_t *msg = rd_kafka_consumer_poll(c->rk, timeout_ms);

    if (!msg)
        return NULL;
    if (msg->err) {
        if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
            NW_LOG_WARN("consume", "%s [%d]: %s", msg->rkt ? rd_kafka_topic_name(msg->rkt) : "-",
                        (int)msg->partition, rd_kafka_message_errstr(msg));
        rd_kafka_message_destroy(msg);
        return NULL;
    }
    return msg;
}

static void pause_resume(struct nw_consumer *c, int pause)
{
    rd_kafka_topic_partition_list_t *assigned = NULL;

    c->paused = pause;
    if (rd_kafka_assignment(c->rk, &assigned) || !assigned)
        return;
    if (assigned->cnt > 0) {
        if (pause)
            rd_kafka_pause_partitions(c->rk, assigned);
        else
            rd_kafka_resume_partitions(c->rk, assigned);
    }
    rd_kafka_topic_partition_list_destroy(assigned);
}

void nw_consumer_pause(struct nw_consumer *c)
{
    if (!c->paused)
        pause_resume(c, 1);
}

void nw_consumer_resume(struct nw_consumer *c)
{
    if (c->paused)
        pause_resume(c, 0);
}

int nw_consumer_paused(const struct nw_consumer *c)
{
    return c->paused;
}

void nw_consumer_rewind(struct nw_consumer *c, int32_t partition, int64_t offset)
{
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_error_t *error;

    rd_kafka_topic_partition_list_add(list, c->topic, partition)->offset = offset;
    error = rd_kafka_seek_partitions(c->rk, list, 1000);
    log_error_obj("seek", error);
    rd_kafka_topic_partition_list_destroy(list);
}

enum nw_status nw_consumer_store(struct nw_consumer *c, int32_t partition, int64_t offset)
{
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_resp_err_t err;

    rd_kafka_topic_partition_list_add(list, c->topic, partition)->offset = offset;
    if (partition >= 0 && partition < 65536) {
        size_t want = (size_t)partition + 1;
        if (want > c->nstored) {
            size_t cap = c->nstored;
            if (nw_grow_array((void **)&c->stored, &cap, want, 16, sizeof(*c->stored)) == NW_OK) {
                for (size_t i = c->nstored; i < cap; i++)
                    c->stored[i] = -1;
                c->nstored = cap;
            }
        }
        if ((size_t)partition < c->nstored)
            c->stored[partition] = offset;
    }
    err = rd_kafka_offsets_store(c->rk, list);
    if (!err)
        err = list->elems[0].err;
    rd_kafka_topic_partition_list_destroy(list);
    if (err) {
        NW_LOG_WARN("consume", "store offset %s [%d] @ %lld: %s", c->topic, (int)partition,
                    (long long)offset, rd_kafka_err2str(err));
        return NW_EKAFKA;
    }
    NW_LOG_DEBUG("consume", "stored %s [%d] @ %lld", c->topic, (int)partition, (long long)offset);
    return NW_OK;
}

/* Commits the stored offsets, waiting up to timeout_ms; *errp gets the error (or
 * RD_KAFKA_RESP_ERR__TIMED_OUT). Logs nothing. */
static enum nw_status commit_wait(struct nw_consumer *c, int timeout_ms, rd_kafka_resp_err_t *errp)
{
    rd_kafka_queue_t *q = rd_kafka_queue_new(c->rk);
    long long deadline = now_ms() + timeout_ms;
    rd_kafka_resp_err_t err;
    int done = 0;

    if (!q)
        return NW_ENOMEM;
    /* The result comes as an event on q (the event API: no callback). */
    err = rd_kafka_commit_queue(c->rk, NULL, q, NULL, NULL);
    done = err != RD_KAFKA_RESP_ERR_NO_ERROR;
    while (!done && now_ms() < deadline) {
        rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 50);
        if (!ev)
            continue;
        if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_OFFSET_COMMIT) {
            const rd_kafka_topic_partition_list_t *list = rd_kafka_event_topic_partition_list(ev);
            err = rd_kafka_event_error(ev);
            for (int i = 0; list && !err && i < list->cnt; i++)
                err = list->elems[i].err;
            done = 1;
        }
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_queue_destroy(q);
    if (!done) {
        *errp = RD_KAFKA_RESP_ERR__TIMED_OUT;
        return NW_ETIMEOUT;
    }
    *errp = err == RD_KAFKA_RESP_ERR__NO_OFFSET ? RD_KAFKA_RESP_ERR_NO_ERROR : err;
    return *errp ? NW_EKAFKA : NW_OK;
}

enum nw_status nw_consumer_commit(struct nw_consumer *c, int timeout_ms)
{
    rd_kafka_resp_err_t err;
    enum nw_status result = commit_wait(c, timeout_ms, &err);

    /* Refused while the group re-forms: the revoke that follows commits again and counts
     * what a refusal costs. */
    if (result)
        nw_log(err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS ||
                       err == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION
                   ? NW_LOG_INFO
                   : NW_LOG_WARN,
               "consume", "commit: %s", rd_kafka_err2str(err));
    return result;
}

/* After a failed commit at a revoke: how many offsets past the committed one were stored
 * (finished jobs that the next owner will do again). Asks the group coordinator. */
static unsigned long long uncommitted(struct nw_consumer *c, const int32_t *parts, size_t n,
                                      int timeout_ms)
{
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)n + 1);
    unsigned long long total = 0;

    if (!list)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((size_t)parts[i] < c->nstored && c->stored[parts[i]] >= 0)
            rd_kafka_topic_partition_list_add(list, c->topic, parts[i]);
    if (list->cnt > 0 &&
        rd_kafka_committed(c->rk, list, timeout_ms) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        for (int i = 0; i < list->cnt; i++) {
            int64_t stored = c->stored[list->elems[i].partition];
            int64_t committed = list->elems[i].offset;
            /* Nothing committed yet: the next owner starts at the beginning
             * (auto.offset.reset earliest). */
            if (committed < 0)
                committed = 0;
            if (!list->elems[i].err && stored > committed)
                total += (unsigned long long)(stored - committed);
        }
    }
    rd_kafka_topic_partition_list_destroy(list);
    return total;
}

enum nw_status nw_consumer_close(struct nw_consumer *c, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    rd_kafka_queue_t *q;
    rd_kafka_error_t *error;

    if (c->closed)
        return rd_kafka_consumer_closed(c->rk) ? NW_OK : NW_ETIMEOUT;
    c->closed = 1;
    q = rd_kafka_queue_new(c->rk);
    if (!q)
        return NW_ENOMEM;
    c->revoke_commit_ms = timeout_ms / 3;
    c->closing = 1;
    /* Asynchronously, so a broker that is gone cannot hold the exit: the revoke
     * callback runs on this queue, and what is not done by the deadline is given up. */
    error = rd_kafka_consumer_close_queue(c->rk, q);
    if (error) {
        log_error_obj("close", error);
    } else {
        while (!rd_kafka_consumer_closed(c->rk) && now_ms() < deadline) {
            rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 50);
            if (!ev)
                continue;
            if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_REBALANCE)
                on_rebalance(
                    c->rk, rd_kafka_event_error(ev),
                    (rd_kafka_topic_partition_list_t *)rd_kafka_event_topic_partition_list(ev), c);
            rd_kafka_event_destroy(ev);
        }
    }
    rd_kafka_queue_destroy(q);
    if (!rd_kafka_consumer_closed(c->rk)) {
        NW_LOG_WARN("consume", "close: not finished within %d ms; leaving without it", timeout_ms);
        return NW_ETIMEOUT;
    }
    return NW_OK;
}

void nw_consumer_note_uncommitted(struct nw_consumer *c, int timeout_ms)
{
    int32_t *parts = nw_calloc(c->nstored + 1, sizeof(*parts));
    size_t n = 0;
    unsigned long long rep;

    if (!parts)
        return;
    for (size_t p = 0; p < c->nstored; p++)
        if (c->stored[p] >= 0)
            parts[n++] = (int32_t)p;
    rep = n ? uncommitted(c, parts, n, timeout_ms) : 0;
    c->repeats += rep;
    nw_metrics_add(NW_METRICS_DUPLICATES, rep);
    if (rep)
        NW_LOG_WARN("consume",
                    "stopping: %llu finished job(s) not committed, the next owner repeats them",
                    rep);
    for (size_t i = 0; i < n; i++)
        c->stored[parts[i]] = -1; /* counted once, not again at the revoke of the close */
    nw_free(parts);
}

unsigned long long nw_consumer_repeats(const struct nw_consumer *c)
{
    return c->repeats;
}

rd_kafka_t *nw_consumer_handle(struct nw_consumer *c)
{
    return c->rk;
}

const char *nw_consumer_topic(const struct nw_consumer *c)
{
    return c->topic;
}
