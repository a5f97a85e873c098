/* sink_kafka.c — records to Kafka topics by kind and route rules. */
#include "sink_kafka.h"

#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "hash.h"
#include "mem.h"
#include "record.h"
#include "route.h"

struct nw_sink_kafka {
    struct nw_route *route; /* NULL without route.rules */
    struct nw_embedded *embedded;
    struct nw_publisher *publisher;
    const char *output_topic; /* borrowed from the config, which outlives the sink */
    const char *errors_topic;
    const char *bootstrap; /* the embedded cluster's address, else NULL: the kafka.* keys */
};

struct topic_list {
    const char *topics[NW_ROUTE_MAX_TOPICS];
    size_t n;
};

static void add_topic(const char *topic, void *ctx)
{
    struct topic_list *l = ctx;

    if (l->n < NW_ROUTE_MAX_TOPICS)
        l->topics[l->n++] = topic;
}

struct nw_sink_kafka *nw_sink_kafka_create(const struct nw_config *cfg,
                                           nw_publish_delivery_fn *on_delivery, void *ctx,
                                           enum nw_status *status, char *errstr, size_t errstr_size)
{
    const char *rules = nw_config_get(cfg, "route.rules");
    struct nw_sink_kafka *sink;
    enum nw_status result = NW_OK;

    sink = nw_calloc(1, sizeof(*sink));
    if (!sink) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto fail;
    }
    sink->output_topic = nw_config_get(cfg, "output.topic");
    sink->errors_topic = nw_config_get(cfg, "errors.topic");
    if (rules) {
        result = nw_route_load_file(rules, &sink->route, errstr, errstr_size);
        if (result)
            goto fail;
    }
    if (nw_embedded_wanted(cfg)) {
        struct topic_list extra = {{0}, 0};
        nw_route_foreach_topic(sink->route, add_topic, &extra);
        sink->embedded = nw_embedded_create(cfg, extra.topics, extra.n, errstr, errstr_size);
        if (!sink->embedded) {
            result = NW_EKAFKA;
            goto fail;
        }
        sink->bootstrap = nw_embedded_bootstraps(sink->embedded);
    }
    sink->publisher =
        nw_publisher_create(cfg, sink->bootstrap, on_delivery, ctx, errstr, errstr_size);
    if (!sink->publisher) {
        /* publish.c builds its librdkafka config from ours: a rejected key is config. */
        result = NW_ECONFIG;
        goto fail;
    }
    return sink;
fail:
    if (status)
        *status = result;
    nw_sink_kafka_destroy(sink);
    return NULL;
}

void nw_sink_kafka_destroy(struct nw_sink_kafka *sink)
{
    if (!sink)
        return;
    /* The producer goes before the cluster it talks to. */
    nw_publisher_destroy(sink->publisher);
    nw_embedded_destroy(sink->embedded);
    nw_route_destroy(sink->route);
    nw_free(sink);
}

enum nw_status nw_sink_kafka_send(struct nw_sink_kafka *sink, const json_t *record, int is_error,
                                  void *msg_opaque, size_t *accepted, char *errstr,
                                  size_t errstr_size)
{
    const char *topics[NW_ROUTE_MAX_TOPICS + 1];
    const char *key, *schema;
    enum nw_status result = NW_OK;
    char key_buf[65];
    size_t ntopics;
    char *line;

    *accepted = 0;
    key = nw_record_id(record);
    if (!key) {
        const char *url = json_string_value(json_object_get(record, "url"));
        if (url) {
            nw_sha256_hex(url, strlen(url), key_buf);
            key = key_buf;
        }
    }
    schema = json_string_value(json_object_get(record, "schema"));
    if (is_error) {
        topics[0] = sink->errors_topic;
        ntopics = 1;
    } else {
        ntopics = nw_route_topics(sink->route, record, sink->output_topic, topics,
                                  NW_ROUTE_MAX_TOPICS + 1);
    }
    line = nw_record_dump(record);
    if (!line)
        return nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory serializing a record");
    for (size_t i = 0; i < ntopics; i++) {
        enum nw_status r = nw_publisher_send(sink->publisher, topics[i], key, line, strlen(line),
                                             schema, msg_opaque, errstr, errstr_size);
        if (r == NW_OK)
            (*accepted)++;
        else if (!result)
            result = r;
    }
    free(line);
    return result;
}

enum nw_status nw_sink_kafka_check(struct nw_sink_kafka *sink, int timeout_ms, char *errstr,
                                   size_t errstr_size)
{
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err;

    /* Brokers only (no topic list): one round trip to any broker that answers. */
    err = rd_kafka_metadata(nw_publisher_handle(sink->publisher), 0, NULL, &md, timeout_ms);
    if (md)
        rd_kafka_metadata_destroy(md);
    if (err)
        return nw_fail(NW_EKAFKA, errstr, errstr_size, "no Kafka broker answered within %d ms (%s)",
                       timeout_ms, rd_kafka_err2str(err));
    return NW_OK;
}

struct nw_publisher *nw_sink_kafka_publisher(struct nw_sink_kafka *sink)
{
    return sink->publisher;
}

const char *nw_sink_kafka_bootstrap(const struct nw_sink_kafka *sink)
{
    return sink->bootstrap;
}

size_t nw_sink_kafka_route_count(const struct nw_sink_kafka *sink)
{
    return nw_route_count(sink->route);
}
