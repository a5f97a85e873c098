/* consume.c — the url job consumer: balanced group member with manual offset storing. */
#include "consume.h"

#include <stdio.h>
#include <string.h>

#include "kafka_conf.h"
#include "log.h"
#include "mem.h"

struct nw_consumer {
    rd_kafka_t *rk;
    char *topic;
    struct nw_consumer_callbacks cbs;
    void *ctx;
    int paused;
    int closed;
    int cooperative; /* the configured assignment strategy is cooperative-sticky */
};

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
        if (c->cbs.revoking)
            c->cbs.revoking(parts, n, lost, c->ctx);
        if (!lost) {
            rd_kafka_resp_err_t cerr = rd_kafka_commit(rk, NULL, 0);
            if (cerr && cerr != RD_KAFKA_RESP_ERR__NO_OFFSET)
                NW_LOG_WARN("consume", "commit on revoke: %s", rd_kafka_err2str(cerr));
        }
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
        {"partition.assignment.strategy", "cooperative-sticky"},
        {"enable.auto.offset.store", "false"},
        {"enable.auto.commit", "true"},
        {"auto.offset.reset", "earliest"},
        {"enable.partition.eof", "false"},
        {"log.queue", "true"},
        /* Each pause drops the prefetched messages and each resume fetches again, but
         * the broker holds an open fetch at the end of the log up to this long before the
         * new one can go out: librdkafka's 500 ms capped a worker at max_in_flight 64 to
         * ~130 jobs/s on a backlog (tests/bench/bench_run.sh), 100 ms gives ~400. */
        {"fetch.wait.max.ms", "100"},
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
        nw_consumer_close(c);
        rd_kafka_destroy(c->rk);
    }
    nw_free(c->topic);
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

enum nw_status nw_consumer_commit(struct nw_consumer *c)
{
    rd_kafka_resp_err_t err = rd_kafka_commit(c->rk, NULL, 0);

    if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
        NW_LOG_WARN("consume", "commit: %s", rd_kafka_err2str(err));
        return NW_EKAFKA;
    }
    return NW_OK;
}

void nw_consumer_close(struct nw_consumer *c)
{
    rd_kafka_resp_err_t err;

    if (c->closed)
        return;
    c->closed = 1;
    err = rd_kafka_consumer_close(c->rk);
    if (err)
        NW_LOG_WARN("consume", "close: %s", rd_kafka_err2str(err));
}

rd_kafka_t *nw_consumer_handle(struct nw_consumer *c)
{
    return c->rk;
}

const char *nw_consumer_topic(const struct nw_consumer *c)
{
    return c->topic;
}
