/* watch_kafka.c — sources from a compacted topic in a consumer group; state in another. */
#include "watch_kafka.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kafka_conf.h"
#include "log.h"
#include "mem.h"

#define STATE_SCHEMA "newsworker.watch-state/1"
#define STATE_MAX_SEEN 30000
#define STATE_READ_TIMEOUT_MS 60000
#define MAX_LOADING 4096

struct nw_watch_kafka {
    const struct nw_config *cfg;
    struct nw_watch *w;
    struct nw_publisher *pub;
    const char *bootstrap;
    const char *sources_topic, *state_topic;
    rd_kafka_t *consumer;
    int32_t loading[MAX_LOADING]; /* assigned partitions not yet read to their end */
    size_t n_loading;
    int load_pending; /* an assignment is being loaded: sources parked */
    int assigned;     /* an assignment came (before it, nothing is known) */
    int delivery_timeout_ms;
    int failed;  /* a state write failed */
    int no_save; /* jobs went undelivered: writing the state would lose them */
    const volatile sig_atomic_t *abort_flag;
};

static int aborted(const struct nw_watch_kafka *k)
{
    return k->abort_flag && *k->abort_flag;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- state topic ------------------------------------------------------------------------ */

static void send_state(const char *url, const json_t *state, void *ctx)
{
    struct nw_watch_kafka *k = ctx;
    char errstr[256];
    char *line = json_dumps(state, JSON_COMPACT);

    if (!line || nw_publisher_send(k->pub, k->state_topic, url, line, strlen(line), STATE_SCHEMA,
                                   NULL, errstr, sizeof(errstr)) != NW_OK) {
        NW_LOG_ERROR("watch", "cannot write the state of %s to %s: %s", url, k->state_topic,
                     line ? errstr : "out of memory");
        k->failed = 1;
    }
    free(line);
}

/* Flushes the jobs, writes the snapshots of tag (or all), flushes them. */
static enum nw_status save_tag(struct nw_watch_kafka *k, int tag, int only_dirty)
{
    if (!k->state_topic)
        return NW_OK;
    if (k->no_save)
        return NW_EKAFKA;
    if (nw_publisher_flush(k->pub, k->delivery_timeout_ms) != NW_OK) {
        NW_LOG_ERROR("watch", "jobs undelivered after %d ms: state not written",
                     k->delivery_timeout_ms);
        return NW_ETIMEOUT;
    }
    k->failed = 0;
    if (nw_watch_snapshot(k->w, tag, only_dirty, STATE_MAX_SEEN, send_state, k) != NW_OK)
        NW_LOG_ERROR("watch", "out of memory writing the state: some sources not saved");
    if (nw_publisher_flush(k->pub, k->delivery_timeout_ms) != NW_OK || k->failed)
        return NW_EKAFKA;
    return NW_OK;
}

enum nw_status nw_watch_kafka_save(struct nw_watch_kafka *k, int all)
{
    return save_tag(k, NW_WATCH_ANY_TAG, !all);
}

/* Reads the state topic from the beginning to its end and applies each snapshot to the
 * parked sources it names. */
static enum nw_status read_state(struct nw_watch_kafka *k)
{
    static const char *const defaults[][2] = {
        {"client.id", "newsworker-watch-state"},
        {"enable.auto.commit", "false"},
        {"enable.partition.eof", "true"},
        {"auto.offset.reset", "earliest"},
        {"log.queue", "false"},
    };
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_t *rk = NULL;
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_topic_partition_list_t *parts = NULL;
    rd_kafka_topic_t *rkt = NULL;
    enum nw_status result = NW_OK;
    char errstr[512], group[300];
    unsigned long applied = 0, bad = 0;
    int n_parts = 0, eofs = 0;
    long long deadline;

    if (!conf)
        return NW_ENOMEM;
    if (nw_kafka_conf_apply(conf, k->cfg, "consumer", defaults,
                            sizeof(defaults) / sizeof(defaults[0]), k->bootstrap, errstr,
                            sizeof(errstr))) {
        NW_LOG_ERROR("watch", "state reader: %s", errstr);
        rd_kafka_conf_destroy(conf);
        return NW_ECONFIG;
    }
    snprintf(group, sizeof(group), "%s-state-reader", nw_config_get(k->cfg, "watch.group_id"));
    rd_kafka_conf_set(conf, "group.id", group, NULL, 0);
    rd_kafka_conf_set_log_cb(conf, nw_kafka_conf_on_log);
    rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        NW_LOG_ERROR("watch", "state reader: %s", errstr);
        return NW_EKAFKA;
    }
    rkt = rd_kafka_topic_new(rk, k->state_topic, NULL);
    if (!rkt || rd_kafka_metadata(rk, 0, rkt, &md, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        md->topic_cnt != 1) {
        NW_LOG_ERROR("watch", "%s: no metadata", k->state_topic);
        result = NW_EKAFKA;
        goto out;
    }
    if (md->topics[0].err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
        NW_LOG_WARN("watch", "%s does not exist yet: starting with no state", k->state_topic);
        goto out;
    }
    n_parts = md->topics[0].partition_cnt;
    parts = rd_kafka_topic_partition_list_new(n_parts > 0 ? n_parts : 1);
    for (int i = 0; i < n_parts; i++)
        rd_kafka_topic_partition_list_add(parts, k->state_topic, md->topics[0].partitions[i].id)
            ->offset = RD_KAFKA_OFFSET_BEGINNING;
    if (rd_kafka_assign(rk, parts)) {
        result = NW_EKAFKA;
        goto out;
    }
    deadline = now_ms() + STATE_READ_TIMEOUT_MS;
    while (eofs < n_parts) {
        rd_kafka_message_t *m;
        if (aborted(k)) {
            result = NW_ETIMEOUT;
            break;
        }
        if (now_ms() > deadline) {
            NW_LOG_ERROR("watch", "%s not read to its end within %d ms", k->state_topic,
                         STATE_READ_TIMEOUT_MS);
            result = NW_ETIMEOUT;
            break;
        }
        m = rd_kafka_consumer_poll(rk, 200);
        if (!m)
            continue;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            eofs++;
        } else if (m->err) {
            NW_LOG_WARN("watch", "%s: %s", k->state_topic, rd_kafka_message_errstr(m));
        } else if (m->payload && m->len > 0) {
            json_t *o = json_loadb(m->payload, m->len, 0, NULL);
            enum nw_status r = o ? nw_watch_apply(k->w, o) : NW_EINVAL;
            if (r == NW_OK)
                applied++;
            else if (r == NW_EINVAL)
                bad++;
            else
                result = r;
            json_decref(o);
        }
        rd_kafka_message_destroy(m);
    }
    NW_LOG_INFO("watch", "%s read: %lu snapshots%s", k->state_topic, applied,
                bad ? " (some unreadable, ignored)" : "");
out:
    if (md)
        rd_kafka_metadata_destroy(md);
    if (parts)
        rd_kafka_topic_partition_list_destroy(parts);
    if (rkt)
        rd_kafka_topic_destroy(rkt);
    if (aborted(k)) {
        rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    } else {
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
    }
    return result;
}

/* ---- sources topic ---------------------------------------------------------------------- */

static void loading_remove(struct nw_watch_kafka *k, int32_t p)
{
    for (size_t i = 0; i < k->n_loading; i++) {
        if (k->loading[i] == p) {
            k->loading[i] = k->loading[--k->n_loading];
            return;
        }
    }
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *list, void *opaque)
{
    struct nw_watch_kafka *k = opaque;
    const char *protocol = rd_kafka_rebalance_protocol(rk);
    int cooperative = protocol && !strcmp(protocol, "COOPERATIVE");

    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        NW_LOG_INFO("watch", "assigned %d source partition(s)", list->cnt);
        k->assigned = 1;
        for (int i = 0; i < list->cnt; i++) {
            list->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
            if (k->n_loading < MAX_LOADING)
                k->loading[k->n_loading++] = list->elems[i].partition;
        }
        if (list->cnt > 0) {
            k->load_pending = 1;
            nw_watch_set_hold(k->w, 1);
        }
        if (cooperative)
            rd_kafka_incremental_assign(rk, list);
        else
            rd_kafka_assign(rk, list);
    } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
        int lost = rd_kafka_assignment_lost(rk);
        NW_LOG_INFO("watch", "%s %d source partition(s)", lost ? "lost" : "revoking", list->cnt);
        for (int i = 0; i < list->cnt; i++) {
            int32_t p = list->elems[i].partition;
            if (!lost && save_tag(k, p, 0) != NW_OK)
                NW_LOG_ERROR("watch",
                             "state of partition %d not saved: its next owner may "
                             "emit some items again",
                             (int)p);
            nw_watch_remove_tag(k->w, p);
            loading_remove(k, p);
        }
        if (cooperative)
            rd_kafka_incremental_unassign(rk, list);
        else
            rd_kafka_assign(rk, NULL);
    } else {
        NW_LOG_ERROR("watch", "rebalance failed: %s", rd_kafka_err2str(err));
        rd_kafka_assign(rk, NULL);
    }
}

static void take_source(struct nw_watch_kafka *k, const rd_kafka_message_t *m)
{
    char url[8200], errstr[512];
    json_t *o = NULL, *iv, *meta;
    long interval = 0;

    if (!m->key || m->key_len == 0 || m->key_len >= sizeof(url)) {
        NW_LOG_WARN("watch", "%s [%d] @%lld: message without a usable key (source URL) ignored",
                    k->sources_topic, (int)m->partition, (long long)m->offset);
        return;
    }
    memcpy(url, m->key, m->key_len);
    url[m->key_len] = '\0';
    if (!m->payload || m->len == 0) {
        NW_LOG_INFO("watch", "source removed: %s", url);
        nw_watch_remove(k->w, url);
        return;
    }
    o = json_loadb(m->payload, m->len, 0, NULL);
    iv = json_object_get(o, "interval_s");
    meta = json_object_get(o, "meta");
    if (!json_is_object(o) || (iv && !json_is_null(iv) && !json_is_integer(iv)) ||
        (meta && !json_is_null(meta) && !json_is_object(meta))) {
        NW_LOG_ERROR("watch",
                     "%s [%d] @%lld: settings of %s are not {\"interval_s\": int, "
                     "\"meta\": {...}}: source ignored",
                     k->sources_topic, (int)m->partition, (long long)m->offset, url);
        json_decref(o);
        return;
    }
    if (json_is_integer(iv))
        interval = (long)json_integer_value(iv);
    if (interval < 0 || interval > 604800)
        interval = 0;
    if (nw_watch_add_tagged(k->w, url, interval, meta, m->partition, errstr, sizeof(errstr)))
        NW_LOG_ERROR("watch", "%s [%d] @%lld: %s", k->sources_topic, (int)m->partition,
                     (long long)m->offset, errstr);
    json_decref(o);
}

void nw_watch_kafka_poll(struct nw_watch_kafka *k, int timeout_ms)
{
    if (!k->consumer)
        return;
    for (int i = 0; i < 10000; i++) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(k->consumer, i == 0 ? timeout_ms : 0);
        if (!m)
            break;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
            loading_remove(k, m->partition);
        else if (m->err)
            NW_LOG_WARN("watch", "%s: %s", k->sources_topic, rd_kafka_message_errstr(m));
        else
            take_source(k, m);
        rd_kafka_message_destroy(m);
    }
    if (k->load_pending && k->assigned && k->n_loading == 0) {
        if (k->state_topic && read_state(k) != NW_OK)
            NW_LOG_ERROR("watch", "%s could not be read: sources start without their state",
                         k->state_topic);
        k->load_pending = 0;
        nw_watch_set_hold(k->w, 0);
        NW_LOG_INFO("watch", "sources loaded");
    }
}

int nw_watch_kafka_loading(const struct nw_watch_kafka *k)
{
    return k->load_pending;
}

struct nw_watch_kafka *nw_watch_kafka_create(const struct nw_config *cfg, struct nw_watch *w,
                                             struct nw_publisher *pub, const char *bootstrap,
                                             const volatile sig_atomic_t *abort_flag,
                                             enum nw_status *status, char *errstr,
                                             size_t errstr_size)
{
    static const char *const defaults[][2] = {
        {"client.id", "newsworker-watch"},
        {"partition.assignment.strategy", "roundrobin"},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"enable.partition.eof", "true"},
        {"auto.offset.reset", "earliest"},
        {"log.queue", "false"},
    };
    struct nw_watch_kafka *k = nw_calloc(1, sizeof(*k));
    rd_kafka_conf_t *conf = NULL;
    rd_kafka_topic_partition_list_t *topics = NULL;
    enum nw_status result = NW_OK;

    if (!k) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto fail;
    }
    k->cfg = cfg;
    k->w = w;
    k->pub = pub;
    k->bootstrap = bootstrap;
    k->abort_flag = abort_flag;
    k->sources_topic = nw_config_get(cfg, "watch.sources.topic");
    k->state_topic = nw_config_get(cfg, "watch.state.topic");
    k->delivery_timeout_ms = (int)nw_config_get_int(cfg, "worker.delivery_timeout_ms");
    if (!k->sources_topic) {
        /* Sources from a file: their state is read once, now. */
        if (k->state_topic) {
            nw_watch_set_hold(w, 1);
            result = read_state(k);
            nw_watch_set_hold(w, 0);
            if (result) {
                nw_fail(result, errstr, errstr_size, "watch.state.topic %s could not be read",
                        k->state_topic);
                goto fail;
            }
        }
        return k;
    }
    conf = rd_kafka_conf_new();
    if (!conf) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto fail;
    }
    result =
        nw_kafka_conf_apply(conf, cfg, "consumer", defaults, sizeof(defaults) / sizeof(defaults[0]),
                            bootstrap, errstr, errstr_size);
    if (result)
        goto fail;
    if (rd_kafka_conf_set(conf, "group.id", nw_config_get(cfg, "watch.group_id"), errstr,
                          errstr_size) != RD_KAFKA_CONF_OK) {
        result = NW_ECONFIG;
        goto fail;
    }
    rd_kafka_conf_set_log_cb(conf, nw_kafka_conf_on_log);
    rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
    rd_kafka_conf_set_opaque(conf, k);
    k->consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, errstr_size);
    if (!k->consumer) {
        result = NW_EKAFKA;
        goto fail;
    }
    conf = NULL;
    rd_kafka_poll_set_consumer(k->consumer);
    topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, k->sources_topic, RD_KAFKA_PARTITION_UA);
    if (rd_kafka_subscribe(k->consumer, topics)) {
        result =
            nw_fail(NW_EKAFKA, errstr, errstr_size, "cannot subscribe to %s", k->sources_topic);
        goto fail;
    }
    rd_kafka_topic_partition_list_destroy(topics);
    /* Nothing is polled before the first assignment is loaded. */
    nw_watch_set_hold(w, 1);
    k->load_pending = 1;
    return k;
fail:
    if (status)
        *status = result;
    if (conf)
        rd_kafka_conf_destroy(conf);
    if (topics)
        rd_kafka_topic_partition_list_destroy(topics);
    nw_watch_kafka_destroy(k);
    return NULL;
}

/* Leaves the group through the close queue, serving it (the revoke callback runs there)
 * until the close is done or the abort flag is set; then destroys the consumer. */
static void close_consumer(struct nw_watch_kafka *k)
{
    rd_kafka_queue_t *q;
    rd_kafka_error_t *error;

    if (aborted(k)) {
        rd_kafka_destroy_flags(k->consumer, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
        k->consumer = NULL;
        return;
    }
    q = rd_kafka_queue_new(k->consumer);
    error = q ? rd_kafka_consumer_close_queue(k->consumer, q) : NULL;
    if (q && !error) {
        /* serves the rebalance callback (the revoke writes the state) */
        while (!rd_kafka_consumer_closed(k->consumer) && !aborted(k))
            rd_kafka_queue_poll_callback(q, 100);
    }
    if (error)
        rd_kafka_error_destroy(error);
    if (q)
        rd_kafka_queue_destroy(q);
    if (!rd_kafka_consumer_closed(k->consumer))
        NW_LOG_WARN("watch", "left the group without waiting for the broker (shutdown budget "
                             "spent)");
    rd_kafka_destroy_flags(k->consumer, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    k->consumer = NULL;
}

void nw_watch_kafka_close(struct nw_watch_kafka *k, int may_save)
{
    if (!k)
        return;
    k->no_save = !may_save;
    if (k->consumer)
        close_consumer(k);
}

void nw_watch_kafka_destroy(struct nw_watch_kafka *k)
{
    if (!k)
        return;
    if (k->consumer)
        close_consumer(k);
    nw_free(k);
}
