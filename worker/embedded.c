/* embedded.c — librdkafka's mock cluster in the worker process. */
#include "embedded.h"

#include <string.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "log.h"
#include "mem.h"

struct nw_embedded {
    rd_kafka_t *rk; /* the handle the mock cluster lives in; never produces */
    rd_kafka_mock_cluster_t *mc;
};

struct find_ctx {
    int found;
};

static void find_embedded(const char *property, const char *value, void *opaque)
{
    struct find_ctx *f = opaque;

    if (!strcmp(property, "bootstrap.servers"))
        f->found = !strcmp(value, "embedded");
}

int nw_embedded_wanted(const struct nw_config *cfg)
{
    struct find_ctx f = {0};

    nw_config_foreach_kafka(cfg, "consumer", find_embedded, &f);
    return f.found;
}

static enum nw_status create_topic(struct nw_embedded *e, const char *topic, char *errstr,
                                   size_t errstr_size)
{
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(e->mc, topic, NW_EMBEDDED_PARTITIONS, 1);

    if (err)
        return nw_fail(NW_EKAFKA, errstr, errstr_size, "embedded topic %s: %s", topic,
                       rd_kafka_err2str(err));
    return NW_OK;
}

struct nw_embedded *nw_embedded_create(const struct nw_config *cfg, const char *const *extra_topics,
                                       size_t n, char *errstr, size_t errstr_size)
{
    static const char *const keys[] = {"input.topic", "output.topic", "errors.topic"};
    struct nw_embedded *e = nw_calloc(1, sizeof(*e));
    rd_kafka_conf_t *conf;
    char msg[256];

    if (!e) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "client.id", "newsworker-embedded", NULL, 0);
    /* This handle only hosts the mock cluster and never connects anywhere: without this,
     * librdkafka warns on stderr that it has no bootstrap.servers. */
    rd_kafka_conf_set(conf, "log_level", "3", NULL, 0);
    e->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, msg, sizeof(msg));
    if (!e->rk) {
        rd_kafka_conf_destroy(conf);
        nw_fail(NW_EKAFKA, errstr, errstr_size, "embedded cluster: %s", msg);
        goto fail;
    }
    e->mc = rd_kafka_mock_cluster_new(e->rk, 1);
    if (!e->mc) {
        nw_fail(NW_EKAFKA, errstr, errstr_size, "embedded cluster: could not start");
        goto fail;
    }
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (create_topic(e, nw_config_get(cfg, keys[i]), errstr, errstr_size))
            goto fail;
    for (size_t i = 0; i < n; i++)
        if (create_topic(e, extra_topics[i], errstr, errstr_size))
            goto fail;
    NW_LOG_INFO("embedded", "embedded Kafka mock cluster at %s (data in memory only)",
                rd_kafka_mock_cluster_bootstraps(e->mc));
    return e;
fail:
    nw_embedded_destroy(e);
    return NULL;
}

const char *nw_embedded_bootstraps(const struct nw_embedded *e)
{
    return rd_kafka_mock_cluster_bootstraps(e->mc);
}

void nw_embedded_destroy(struct nw_embedded *e)
{
    if (!e)
        return;
    if (e->mc)
        rd_kafka_mock_cluster_destroy(e->mc);
    if (e->rk)
        rd_kafka_destroy(e->rk);
    nw_free(e);
}
