/* publish.c — the record producer: idempotent, compressed, delivery reports as the truth. */
#include "publish.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kafka_conf.h"
#include "log.h"
#include "mem.h"

struct nw_publisher {
    rd_kafka_t *rk;
    nw_publish_delivery_fn *on_delivery;
    void *ctx;
    const volatile sig_atomic_t *abort_flag;
    long long queue_full_max_ms;
    int fatal;
    char fatal_reason[512];
};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    struct nw_publisher *p = opaque;

    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char why[256];
        rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, why, sizeof(why));
        p->fatal = 1;
        snprintf(p->fatal_reason, sizeof(p->fatal_reason), "%s: %s", rd_kafka_err2name(orig), why);
        NW_LOG_ERROR("publish", "fatal producer error: %s", p->fatal_reason);
        return;
    }
    /* Broker connection errors are transient: librdkafka reconnects and retries. */
    NW_LOG_WARN("publish", "%s: %s", rd_kafka_err2name(err), reason);
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
    struct nw_publisher *p = opaque;
    struct nw_delivery dr = {
        .ok = msg->err == RD_KAFKA_RESP_ERR_NO_ERROR,
        .errmsg = msg->err ? rd_kafka_err2str(msg->err) : "",
        .topic = msg->rkt ? rd_kafka_topic_name(msg->rkt) : "?",
        .partition = msg->partition,
        .offset = msg->offset,
    };

    /* With idempotence, a message reported as persisted-but-unsure is not a success. */
    if (dr.ok && rd_kafka_message_status(msg) != RD_KAFKA_MSG_STATUS_PERSISTED) {
        dr.ok = 0;
        dr.errmsg = "delivery not confirmed";
    }
    NW_LOG_DEBUG("publish", "delivery %s [%d] @ %lld: %s", dr.topic, (int)dr.partition,
                 (long long)dr.offset, dr.ok ? "ok" : dr.errmsg);
    p->on_delivery(msg->_private, &dr, p->ctx);
}

struct nw_publisher *nw_publisher_create(const struct nw_config *cfg, const char *bootstrap,
                                         nw_publish_delivery_fn *fn, void *ctx, char *errstr,
                                         size_t errstr_size)
{
    struct nw_publisher *p = nw_calloc(1, sizeof(*p));
    rd_kafka_conf_t *conf = NULL;
    char timeout[32], err[256];
    /* timeout is written from worker.delivery_timeout_ms before the defaults are applied. */
    const char *const defaults[][2] = {
        {"client.id", "newsworker"},   {"enable.idempotence", "true"},
        {"compression.codec", "zstd"}, {"linger.ms", "5"},
        {"log.queue", "true"},         {"delivery.timeout.ms", timeout},
    };

    if (!p) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    p->on_delivery = fn;
    p->ctx = ctx;
    p->queue_full_max_ms = nw_config_get_int(cfg, "worker.delivery_timeout_ms");
    conf = rd_kafka_conf_new();
    snprintf(timeout, sizeof(timeout), "%lld", p->queue_full_max_ms);
    if (nw_kafka_conf_apply(conf, cfg, "producer", defaults, sizeof(defaults) / sizeof(defaults[0]),
                            bootstrap, errstr, errstr_size) != NW_OK)
        goto fail;
    rd_kafka_conf_set_opaque(conf, p);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_error_cb(conf, on_error);
    rd_kafka_conf_set_log_cb(conf, nw_kafka_conf_on_log);
    p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    if (!p->rk) {
        nw_fail(NW_EKAFKA, errstr, errstr_size, "producer: %s", err);
        goto fail;
    }
    conf = NULL; /* owned by rk now */
    rd_kafka_set_log_queue(p->rk, NULL);
    return p;
fail:
    if (conf)
        rd_kafka_conf_destroy(conf);
    nw_free(p);
    return NULL;
}

void nw_publisher_destroy(struct nw_publisher *p)
{
    if (!p)
        return;
    if (p->rk) {
        /* Anything still queued gets a failed delivery callback, so no job is left
         * waiting for a report that never comes. */
        rd_kafka_purge(p->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_poll(p->rk, 0);
        rd_kafka_destroy(p->rk);
    }
    nw_free(p);
}

void nw_publisher_set_abort_flag(struct nw_publisher *p, const volatile sig_atomic_t *flag)
{
    p->abort_flag = flag;
}

enum nw_status nw_publisher_send(struct nw_publisher *p, const char *topic, const char *key,
                                 const char *value, size_t value_len, const char *schema,
                                 void *msg_opaque, char *errstr, size_t errstr_size)
{
    return nw_publisher_send_headers(p, topic, key, value, value_len, schema, NULL, 0, msg_opaque,
                                     errstr, errstr_size);
}

enum nw_status nw_publisher_send_headers(struct nw_publisher *p, const char *topic, const char *key,
                                         const char *value, size_t value_len, const char *schema,
                                         const struct nw_header *extra, size_t n_extra,
                                         void *msg_opaque, char *errstr, size_t errstr_size)
{
    long long deadline = now_ms() + p->queue_full_max_ms;
    enum nw_status result = NW_OK;

    for (;;) {
        rd_kafka_headers_t *hdrs = rd_kafka_headers_new(2 + n_extra);
        rd_kafka_resp_err_t err;

        if (p->fatal) {
            rd_kafka_headers_destroy(hdrs);
            result =
                nw_fail(NW_EKAFKA, errstr, errstr_size, "producer failed: %s", p->fatal_reason);
            goto out;
        }
        if (schema)
            rd_kafka_header_add(hdrs, "schema", -1, schema, -1);
        rd_kafka_header_add(hdrs, "content-type", -1, "application/json", -1);
        for (size_t i = 0; i < n_extra; i++)
            rd_kafka_header_add(hdrs, extra[i].name, -1, extra[i].value,
                                (ssize_t)extra[i].value_len);
        err = rd_kafka_producev(
            p->rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY(key, key ? strlen(key) : 0), RD_KAFKA_V_VALUE((void *)value, value_len),
            RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(msg_opaque), RD_KAFKA_V_END);
        if (!err)
            goto out; /* the headers belong to the message now */
        rd_kafka_headers_destroy(hdrs);
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            result = nw_fail(NW_EKAFKA, errstr, errstr_size, "produce to %s: %s", topic,
                             rd_kafka_err2str(err));
            goto out;
        }
        /* The local queue holds both unsent and unacknowledged messages: serving
         * delivery reports is what makes room. */
        if (now_ms() >= deadline || (p->abort_flag && *p->abort_flag)) {
            result = nw_fail(NW_ETIMEOUT, errstr, errstr_size,
                             "produce to %s: local queue stayed full", topic);
            goto out;
        }
        rd_kafka_poll(p->rk, 10);
    }
out:
    return result;
}

int nw_publisher_poll(struct nw_publisher *p, int timeout_ms)
{
    return rd_kafka_poll(p->rk, timeout_ms);
}

enum nw_status nw_publisher_flush(struct nw_publisher *p, int timeout_ms)
{
    long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);

    /* In slices, so a second signal is noticed. */
    while (rd_kafka_outq_len(p->rk) > 0) {
        long long left = deadline - now_ms();
        if (left <= 0 || (p->abort_flag && *p->abort_flag))
            return NW_ETIMEOUT;
        rd_kafka_flush(p->rk, left < 100 ? (int)left : 100);
    }
    /* Serve the last reports (flush may leave some undispatched). */
    rd_kafka_poll(p->rk, 0);
    return NW_OK;
}

int nw_publisher_outq_len(struct nw_publisher *p)
{
    return rd_kafka_outq_len(p->rk);
}

int nw_publisher_fatal(struct nw_publisher *p, char *errstr, size_t errstr_size)
{
    if (p->fatal && errstr && errstr_size)
        snprintf(errstr, errstr_size, "%s", p->fatal_reason);
    return p->fatal;
}

rd_kafka_t *nw_publisher_handle(struct nw_publisher *p)
{
    return p->rk;
}
