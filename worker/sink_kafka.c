/* sink_kafka.c — records to Kafka topics by kind and route rules. */
#include "sink_kafka.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "hash.h"
#include "mem.h"
#include "record.h"
#include "route.h"

/* Room left in a message for its key (64 hex digits), headers and Kafka's framing. */
#define RECORD_OVERHEAD 1024

struct nw_sink_kafka {
    size_t record_max;
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
    sink->record_max = nw_sink_kafka_record_max(cfg);
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

size_t nw_sink_kafka_record_max(const struct nw_config *cfg)
{
    const char *v = nw_config_get(cfg, "kafka.producer.message.max.bytes");
    long long max = 1000000;

    if (!v)
        v = nw_config_get(cfg, "kafka.message.max.bytes");
    if (v) {
        char *end;
        long long n = strtoll(v, &end, 10);
        if (end != v && !*end && n > 0)
            max = n;
    }
    return max > 2 * RECORD_OVERHEAD ? (size_t)(max - RECORD_OVERHEAD) : RECORD_OVERHEAD;
}

/* The line to send for a record over the size bound: the record shrunk to fit, or an
 * error record saying it could not be. *is_error is set for the latter. NULL on ENOMEM. */
static char *fit_line(struct nw_sink_kafka *sink, const json_t *record, size_t size, int *is_error)
{
    json_t *copy = json_deep_copy(record);
    char *line = NULL;
    enum nw_status result = copy ? nw_record_fit(copy, sink->record_max, &size) : NW_ENOMEM;

    if (result == NW_OK) {
        line = nw_record_dump(copy);
    } else if (result == NW_ETOOBIG) {
        const char *url = json_string_value(json_object_get(record, "url"));
        char message[256];
        json_t *job = json_object();
        snprintf(message, sizeof(message),
                 "the record (%zu bytes) does not fit the producer's message.max.bytes "
                 "(%zu bytes with room for key and headers)",
                 size, sink->record_max);
        struct nw_error_info info = {.url = url,
                                     .stage = "record",
                                     .code = "record_too_large",
                                     .message = message,
                                     .attempts = 1,
                                     .job = job};
        if (job && url)
            json_object_set_new(job, "url", nw_json_string(url));
        json_t *err = job ? nw_record_error(&info) : NULL;
        json_t *source = json_object_get(record, "source");
        if (err && source)
            json_object_set(err, "source", source);
        /* Only a URL near the bound itself can keep even this record out: drop it. */
        if (err && nw_record_fit(err, sink->record_max, NULL) == NW_ETOOBIG) {
            json_object_set_new(err, "url", json_null());
            json_object_set_new(err, "job", json_null());
        }
        if (err && nw_record_fit(err, sink->record_max, NULL) == NW_OK) {
            line = nw_record_dump(err);
            *is_error = 1;
        }
        json_decref(err);
        json_decref(job);
    }
    json_decref(copy);
    return line;
}

/* The headers that say where a record's job came from (its "source"), in the spirit of
 * Kafka Connect's dead-letter headers: an error record gets source-topic,
 * source-partition, source-offset and source-key; an article record the source-key only
 * (the input key passed through). Returns how many were set in h (at most 4); their
 * values point into record, nums and key. */
static size_t source_headers(const json_t *record, int is_error, struct nw_header *h,
                             char nums[2][24], char *key, size_t key_size)
{
    json_t *src = json_object_get(record, "source");
    const char *topic = json_string_value(json_object_get(src, "topic"));
    long klen = nw_record_source_key(record, key, key_size);
    size_t n = 0;

    if (!json_is_object(src))
        return 0;
    if (is_error && topic) {
        h[n++] = (struct nw_header){"source-topic", topic, strlen(topic)};
        snprintf(nums[0], 24, "%lld",
                 (long long)json_integer_value(json_object_get(src, "partition")));
        h[n++] = (struct nw_header){"source-partition", nums[0], strlen(nums[0])};
        snprintf(nums[1], 24, "%lld",
                 (long long)json_integer_value(json_object_get(src, "offset")));
        h[n++] = (struct nw_header){"source-offset", nums[1], strlen(nums[1])};
    }
    if (klen >= 0)
        h[n++] = (struct nw_header){"source-key", key, (size_t)klen};
    return n;
}

enum nw_status nw_sink_kafka_send(struct nw_sink_kafka *sink, const json_t *record, int is_error,
                                  void *msg_opaque, size_t *accepted, char *errstr,
                                  size_t errstr_size)
{
    const char *topics[NW_ROUTE_MAX_TOPICS + 1];
    const char *key, *schema;
    enum nw_status result = NW_OK;
    char key_buf[65], nums[2][24], source_key[NW_RECORD_SOURCE_KEY_MAX];
    struct nw_header headers[4];
    size_t ntopics, nheaders;
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
    line = nw_record_dump(record);
    if (line && strlen(line) > sink->record_max) {
        char *fitted = fit_line(sink, record, strlen(line), &is_error);
        free(line);
        line = fitted;
    }
    if (!line)
        return nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory serializing a record");
    schema = is_error ? NW_ERROR_SCHEMA : json_string_value(json_object_get(record, "schema"));
    if (is_error) {
        topics[0] = sink->errors_topic;
        ntopics = 1;
    } else {
        ntopics = nw_route_topics(sink->route, record, sink->output_topic, topics,
                                  NW_ROUTE_MAX_TOPICS + 1);
    }
    nheaders = source_headers(record, is_error, headers, nums, source_key, sizeof(source_key));
    for (size_t i = 0; i < ntopics; i++) {
        enum nw_status r =
            nw_publisher_send_headers(sink->publisher, topics[i], key, line, strlen(line), schema,
                                      headers, nheaders, msg_opaque, errstr, errstr_size);
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
