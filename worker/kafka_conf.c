/* kafka_conf.c — configuration steps shared by the Kafka consumer and producer. */
#include "kafka_conf.h"

#include <string.h>

#include "log.h"
#include "metrics.h"

struct conf_ctx {
    rd_kafka_conf_t *conf;
    const char *client;
    const char *bootstrap;
    char *errstr;
    size_t errstr_size;
    int failed;
};

static void apply_prop(const char *property, const char *value, void *opaque)
{
    struct conf_ctx *c = opaque;
    char err[256];

    if (c->failed)
        return;
    /* kafka.group.id is newsworker's documented key for the consumer group; given to the
     * producer too, librdkafka would warn at every start that it ignores it. */
    if (!strcmp(c->client, "producer") && !strcmp(property, "group.id"))
        return;
    if (c->bootstrap && !strcmp(property, "bootstrap.servers"))
        value = c->bootstrap;
    if (rd_kafka_conf_set(c->conf, property, value, err, sizeof(err)) != RD_KAFKA_CONF_OK) {
        nw_fail(NW_ECONFIG, c->errstr, c->errstr_size, "kafka.%s: %s", property, err);
        c->failed = 1;
    }
}

enum nw_status nw_kafka_conf_apply(rd_kafka_conf_t *conf, const struct nw_config *cfg,
                                   const char *client, const char *const (*defaults)[2],
                                   size_t n_defaults, const char *bootstrap, char *errstr,
                                   size_t errstr_size)
{
    enum nw_status result = NW_OK;
    struct conf_ctx cc;
    char err[256];

    for (size_t i = 0; i < n_defaults; i++) {
        if (rd_kafka_conf_set(conf, defaults[i][0], defaults[i][1], err, sizeof(err))) {
            result =
                nw_fail(NW_EKAFKA, errstr, errstr_size, "%s %s: %s", client, defaults[i][0], err);
            goto out;
        }
    }
    /* Statistics feed the metrics (lag, queue depth, broker state for /readyz);
     * kafka.statistics.interval.ms still wins. */
    if (nw_metrics_enabled()) {
        rd_kafka_conf_set(conf, "statistics.interval.ms", "5000", err, sizeof(err));
        rd_kafka_conf_set_stats_cb(conf, nw_metrics_on_kafka_stats);
    }
    cc = (struct conf_ctx){conf, client, bootstrap, errstr, errstr_size, 0};
    nw_config_foreach_kafka(cfg, client, apply_prop, &cc);
    if (cc.failed) {
        result = NW_ECONFIG;
        goto out;
    }
    /* Also when no kafka.bootstrap.servers key is set (apply_prop replaced one that is). */
    if (bootstrap && rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, err, sizeof(err))) {
        result = nw_fail(NW_EKAFKA, errstr, errstr_size, "%s bootstrap.servers: %s", client, err);
        goto out;
    }
out:
    return result;
}

struct check_ctx {
    char *errstr;
    size_t errstr_size;
    int failed;
};

static void check_key(const char *key, const char *value, void *opaque)
{
    struct check_ctx *c = opaque;
    const char *property = key + strlen("kafka.");
    rd_kafka_conf_t *scratch;
    rd_kafka_conf_res_t res;
    char err[256];

    if (c->failed)
        return;
    if (!strncmp(property, "consumer.", 9) || !strncmp(property, "producer.", 9))
        property += 9;
    scratch = rd_kafka_conf_new();
    if (!scratch) {
        c->failed = 1;
        nw_fail(NW_ENOMEM, c->errstr, c->errstr_size, "out of memory checking %s", key);
        return;
    }
    res = rd_kafka_conf_set(scratch, property, value, err, sizeof(err));
    rd_kafka_conf_destroy(scratch);
    if (res == RD_KAFKA_CONF_UNKNOWN) {
        nw_fail(NW_ECONFIG, c->errstr, c->errstr_size,
                "%s: librdkafka has no property '%s' (a typo?)", key, property);
        c->failed = 1;
    } else if (res != RD_KAFKA_CONF_OK) {
        nw_fail(NW_ECONFIG, c->errstr, c->errstr_size, "%s: %s", key, err);
        c->failed = 1;
    }
}

enum nw_status nw_kafka_conf_check(const struct nw_config *cfg, char *errstr, size_t errstr_size)
{
    struct check_ctx c = {errstr, errstr_size, 0};

    nw_config_foreach_kafka(cfg, NULL, check_key, &c);
    return c.failed ? NW_ECONFIG : NW_OK;
}

void nw_kafka_conf_on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    enum nw_log_level l = level <= 3   ? NW_LOG_ERROR
                          : level == 4 ? NW_LOG_WARN
                          : level <= 6 ? NW_LOG_INFO
                                       : NW_LOG_DEBUG;

    /* A background commit that meets a group change fails by design (the generation
     * moved on, or the coordinator holds commits while the group re-forms); what such a
     * failure costs is counted where it matters, at the revoke (consume.c). Not a
     * warning at every group change. */
    if (l == NW_LOG_WARN && !strcmp(fac, "COMMITFAIL") &&
        (strstr(buf, "rebalance in progress") || strstr(buf, "generation") ||
         strstr(buf, "Generation")))
        l = NW_LOG_INFO;
    nw_log(l, "kafka", "%s: %s: %s", rd_kafka_name(rk), fac, buf);
}
