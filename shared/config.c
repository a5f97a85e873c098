/* config.c — the key table, parsing and layering of configuration sources. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enrich/tagger.h"
#include "mem.h"

enum key_type { KEY_STRING, KEY_INT, KEY_BOOL, KEY_ENUM };

struct key_def {
    const char *name;
    enum key_type type;
    const char *def; /* default as text, NULL for none */
    long long min, max;
    const char *choices; /* KEY_ENUM: '|'-separated */
    const char *help;
    unsigned commands; /* NW_CMD_* bits: the commands that read it (0: every command) */
    unsigned flags;    /* KEY_NONEMPTY: an empty value makes no sense and is refused */
};

#define KEY_NONEMPTY 1u

/* The one table of known keys. Add a key here and nowhere else. */
static const struct key_def keys[] = {
    {"log.level", KEY_ENUM, "info", 0, 0, "error|warn|info|debug", "log verbosity", NW_CMD_ALL, 0},
    {"log.format", KEY_ENUM, "text", 0, 0, "text|json", "log line format on stderr", NW_CMD_ALL, 0},

    {"fetch.concurrency", KEY_INT, "64", 1, 10000, NULL, "transfers at once",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"fetch.per_host", KEY_INT, "4", 1, 1000, NULL, "transfers at once to one host",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"fetch.timeout_ms", KEY_INT, "30000", 100, 3600000, NULL, "total time for one transfer",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"fetch.connect_timeout_ms", KEY_INT, "10000", 100, 600000, NULL, "time to connect",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"fetch.low_speed_bytes", KEY_INT, "1000", 0, 1LL << 30, NULL,
     "abort a transfer slower than this many bytes/s ...", NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH,
     0},
    {"fetch.low_speed_time_s", KEY_INT, "15", 0, 3600, NULL, "... for this many seconds",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"fetch.max_redirects", KEY_INT, "5", 0, 50, NULL, "redirects followed",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"fetch.max_body_bytes", KEY_INT, "16777216", 1024, 1LL << 32, NULL,
     "largest decoded body accepted", NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"fetch.user_agent", KEY_STRING, "newsworker/0.1 (+https://github.com/newsworker)", 0, 0, NULL,
     "User-Agent header", NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, KEY_NONEMPTY},
    {"fetch.allow_file", KEY_BOOL, "false", 0, 0, NULL, "allow file:// URLs",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"fetch.allow_private", KEY_BOOL, "false", 0, 0, NULL,
     "allow loopback, private and link-local addresses", NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH,
     0},
    {"fetch.retries", KEY_INT, "3", 0, 100, NULL, "retries after a transient failure",
     NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"fetch.retry_backoff_ms", KEY_INT, "500", 0, 3600000, NULL, "first retry delay",
     NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"fetch.retry_backoff_max_ms", KEY_INT, "30000", 0, 86400000, NULL, "largest retry delay",
     NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"fetch.robots", KEY_BOOL, "false", 0, 0, NULL, "obey robots.txt (RFC 9309, Crawl-delay)",
     NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"fetch.robots_ttl_s", KEY_INT, "3600", 1, 86400, NULL, "how long a robots.txt is cached",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"fetch.job_timeout_ms", KEY_INT, "60000", 100, 86400000, NULL,
     "total time for one job: queueing, attempts and backoffs",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"fetch.host_delay_ms", KEY_INT, "0", 0, 3600000, NULL,
     "least time between request starts to one host", NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"fetch.host_parked_max", KEY_INT, "512", 0, 1000000, NULL,
     "jobs waiting on one busy host that do not count as in flight",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"fetch.parked_max", KEY_INT, "4096", 0, 10000000, NULL,
     "jobs waiting on busy hosts that do not count as in flight, in all",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"fetch.breaker_failures", KEY_INT, "5", 0, 1000, NULL,
     "connection failures in a row that open a host's circuit breaker (0: off)",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"fetch.breaker_cooldown_ms", KEY_INT, "30000", 100, 86400000, NULL,
     "time a host's jobs fail fast before one probe", NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},

    {"fetch.warc", KEY_BOOL, "false", 0, 0, NULL,
     "archive every HTTP exchange (each redirect hop, retry, robots.txt) as WARC/1.1 records",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"fetch.warc_dir", KEY_STRING, "warc", 0, 0, NULL,
     "directory of the WARC files (without output.dir; with it: OUTPUT_DIR/warc/dt=/hour=)",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, KEY_NONEMPTY},
    {"fetch.warc_max_bytes", KEY_INT, "1073741824", 4096, 1LL << 40, NULL,
     "a WARC file is closed (renamed to its final name) once it is this large",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},

    {"extract.max_html_bytes", KEY_INT, "16777216", 1024, 1LL << 32, NULL,
     "HTML beyond this is cut before parsing (noted in the record)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"extract.max_depth", KEY_INT, "512", 16, 100000, NULL,
     "DOM depth beyond which content is ignored", NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"extract.max_elements", KEY_INT, "300000", 1000, 100000000, NULL,
     "HTML is cut before parsing where its tags and attributes pass this (noted)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"extract.min_chars", KEY_INT, "0", 0, 1000000, NULL,
     "a body shorter than this is an error record", NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},

    {"output.file", KEY_STRING, "-", 0, 0, NULL, "JSONL sink without Kafka ('-' = stdout)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_WATCH, KEY_NONEMPTY},
    {"output.dir", KEY_STRING, NULL, 0, 0, NULL,
     "data lake folder: records as files in DIR/<kind>/dt=YYYY-MM-DD/hour=HH/ (instead of the "
     "JSONL stream or the output topics)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, KEY_NONEMPTY},
    {"output.format", KEY_ENUM, "jsonl.zst", 0, 0, "jsonl.zst|avro",
     "lake file format: zstd-compressed JSON lines, or Avro object container files "
     "(schemas/*.avsc)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"output.avro_codec", KEY_ENUM, "snappy", 0, 0, "snappy|deflate|null",
     "block codec of Avro lake files (snappy, as Spark writes by default; deflate is smaller "
     "and slower)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"output.partition_by", KEY_ENUM, "fetched_at", 0, 0, "fetched_at|published_at",
     "record time (UTC) naming a lake file's dt=/hour= folder",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"output.max_bytes", KEY_INT, "134217728", 1024, 1LL << 40, NULL,
     "a lake file closes at this size", NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH,
     0},
    {"output.max_records", KEY_INT, "100000", 1, 1000000000, NULL,
     "a lake file closes at this many records",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"output.max_age_ms", KEY_INT, "300000", 100, 86400000, NULL,
     "a lake file closes this long after it opened (run: offsets are committed then)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"output.max_open_files", KEY_INT, "64", 1, 100000, NULL,
     "lake files open at once (the least recently written closes first)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"output.zstd_level", KEY_INT, "3", 1, 19, NULL, "zstd compression level of jsonl.zst",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    /* ---- S3 upload of closed lake files (issue 19, worker/s3.h) ---- */
    {"output.s3.bucket", KEY_STRING, NULL, 0, 0, NULL,
     "bucket closed lake files are uploaded to (unset: no upload)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"output.s3.endpoint", KEY_STRING, NULL, 0, 0, NULL,
     "S3 endpoint URL, http:// or https:// (unset: https://s3.<region>.amazonaws.com)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"output.s3.prefix", KEY_STRING, "", 0, 0, NULL,
     "key prefix before the lake path ('lake' gives lake/articles/dt=.../...)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"output.s3.region", KEY_STRING, NULL, 0, 0, NULL,
     "signing region (unset: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"output.s3.access_key_id", KEY_STRING, NULL, 0, 0, NULL, "(unset: AWS_ACCESS_KEY_ID)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"output.s3.secret_access_key", KEY_STRING, NULL, 0, 0, NULL, "(unset: AWS_SECRET_ACCESS_KEY)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"output.s3.session_token", KEY_STRING, NULL, 0, 0, NULL,
     "temporary credentials' token (unset: AWS_SESSION_TOKEN)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"output.s3.path_style", KEY_BOOL, "false", 0, 0, NULL,
     "ENDPOINT/BUCKET/KEY addressing (false: BUCKET.ENDPOINT-HOST/KEY)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"output.s3.part_size", KEY_INT, "8388608", 5242880, 5368709120LL, NULL,
     "multipart upload part size; larger files are uploaded in parts",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"output.s3.retries", KEY_INT, "5", 0, 100, NULL,
     "retries of a request after 500, 503, a timeout or a connection error",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"output.s3.retry_backoff_ms", KEY_INT, "200", 0, 3600000, NULL,
     "first retry delay (doubles, with jitter)", NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"output.s3.retry_backoff_max_ms", KEY_INT, "20000", 0, 86400000, NULL, "largest retry delay",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"output.s3.timeout_ms", KEY_INT, "300000", 1000, 86400000, NULL,
     "total time for one request (one part or one whole small file)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"output.s3.connect_timeout_ms", KEY_INT, "10000", 100, 600000, NULL, "time to connect",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"output.s3.low_speed_time_s", KEY_INT, "30", 0, 3600, NULL,
     "abort a request that moves under 1 KiB/s for this long (0: off)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"output.s3.keep_local", KEY_BOOL, "false", 0, 0, NULL,
     "keep a lake file on disk after its upload is confirmed",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"output.topic", KEY_STRING, "news.articles", 0, 0, NULL, "article records topic",
     NW_CMD_FETCH | NW_CMD_RUN, KEY_NONEMPTY},
    {"errors.topic", KEY_STRING, "news.errors", 0, 0, NULL, "error records topic",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, KEY_NONEMPTY},
    {"input.warc_dir", KEY_STRING, "", 0, 0, NULL,
     "directory whose WARC files url jobs may name (\"warc\": {file, offset}); empty: such jobs "
     "are refused",
     NW_CMD_FETCH | NW_CMD_RUN, 0},
    {"input.topic", KEY_STRING, "news.urls", 0, 0, NULL, "url job topic", NW_CMD_RUN | NW_CMD_WATCH,
     KEY_NONEMPTY},
    {"route.rules", KEY_STRING, NULL, 0, 0, NULL, "routing rules file", NW_CMD_FETCH | NW_CMD_RUN,
     KEY_NONEMPTY},
    {"enrich.ner_model", KEY_STRING, "", 0, 0, NULL,
     "English entity tagger model file (empty: the built-in one)",
     NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN, 0},

    {"metrics.listen", KEY_STRING, NULL, 0, 0, NULL,
     "HOST:PORT serving /metrics, /healthz, /readyz (run, fetch, watch); unset = off",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"metrics.health_max_stall_ms", KEY_INT, "60000", 1000, 86400000, NULL,
     "/healthz fails when the worker loop has not turned for this long",
     NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    /* ---- watch (issue 13): feed and sitemap monitoring ---- */
    {"watch.sources", KEY_STRING, NULL, 0, 0, NULL,
     "file of sources: a URL or {\"url\",\"interval_s\",\"meta\"} per line", NW_CMD_WATCH,
     KEY_NONEMPTY},
    {"watch.sources.topic", KEY_STRING, NULL, 0, 0, NULL,
     "compacted topic of sources (key URL, value settings JSON, tombstone removes)", NW_CMD_WATCH,
     KEY_NONEMPTY},
    {"watch.state_file", KEY_STRING, NULL, 0, 0, NULL,
     "where seen items and validators persist without a broker", NW_CMD_WATCH, KEY_NONEMPTY},
    {"watch.state.topic", KEY_STRING, NULL, 0, 0, NULL,
     "compacted topic where seen items and validators persist", NW_CMD_WATCH, KEY_NONEMPTY},
    {"watch.group_id", KEY_STRING, "newsworker-watch", 0, 0, NULL,
     "consumer group of the watchers sharing watch.sources.topic", NW_CMD_WATCH, KEY_NONEMPTY},
    {"watch.interval_min_s", KEY_INT, "60", 1, 86400, NULL, "shortest time between polls",
     NW_CMD_WATCH, 0},
    {"watch.interval_max_s", KEY_INT, "3600", 1, 604800, NULL, "longest time between polls",
     NW_CMD_WATCH, 0},
    {"watch.max_feed_bytes", KEY_INT, "52428800", 1024, 1LL << 31, NULL,
     "largest feed or sitemap, after gzip inflation", NW_CMD_WATCH, 0},
    {"watch.max_items", KEY_INT, "50000", 1, 1000000, NULL, "items read from one document",
     NW_CMD_WATCH, 0},
    {"watch.seen_max", KEY_INT, "100000", 16, 10000000, NULL,
     "URLs and GUIDs remembered per source", NW_CMD_WATCH, 0},
    {"watch.seen_max_age_s", KEY_INT, "2592000", 60, 315360000, NULL,
     "an item gone from its source this long is forgotten", NW_CMD_WATCH, 0},
    {"watch.sitemap_max_depth", KEY_INT, "3", 0, 10, NULL,
     "sitemap index / robots.txt / home page levels followed", NW_CMD_WATCH, 0},
    {"watch.sitemap_max_children", KEY_INT, "1000", 0, 100000, NULL,
     "documents followed from one configured source", NW_CMD_WATCH, 0},
    {"watch.emit_existing", KEY_BOOL, "true", 0, 0, NULL,
     "emit the items a new source already lists (false: only later ones)", NW_CMD_WATCH, 0},
    {"watch.robots", KEY_BOOL, "true", 0, 0, NULL, "obey robots.txt for feed fetches", NW_CMD_WATCH,
     0},
    {"watch.errors_file", KEY_STRING, NULL, 0, 0, NULL,
     "without a broker: error records to this file (else as log lines on stderr)", NW_CMD_WATCH,
     KEY_NONEMPTY},
    {"watch.state_save_interval_s", KEY_INT, "30", 1, 86400, NULL,
     "how often the state is saved while running", NW_CMD_WATCH, 0},

    {"worker.max_in_flight", KEY_INT, "256", 1, 1000000, NULL,
     "jobs taken in at once (more wait in the consumer's prefetch)", NW_CMD_RUN, 0},
    {"worker.drain_timeout_ms", KEY_INT, "30000", 0, 3600000, NULL,
     "time to finish jobs in flight on shutdown or revoke", NW_CMD_RUN, 0},
    {"worker.delivery_timeout_ms", KEY_INT, "300000", 1000, 3600000, NULL,
     "producer delivery timeout", NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH, 0},
    {"worker.threads", KEY_INT, "0", 0, 256, NULL,
     "threads for parse, extract and enrich in run (0 = one per core)", NW_CMD_RUN, 0},
    {"worker.state_dir", KEY_STRING, "/var/tmp", 0, 0, NULL,
     "where run keeps its crash markers (a folder that survives a restart)", NW_CMD_RUN,
     KEY_NONEMPTY},
    {"worker.max_crashes", KEY_INT, "2", 0, 1000, NULL,
     "crashes of run on one job before it becomes a 'poison' error record (0 = never)", NW_CMD_RUN,
     0},
    {"worker.shutdown_timeout_ms", KEY_INT, "30000", 1000, 3600000, NULL,
     "longest shutdown after SIGTERM in total (run: drain, flush, commit, leave the group; "
     "watch: deliver the jobs found, save the state)",
     NW_CMD_RUN | NW_CMD_WATCH, 0},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

struct kafka_prop {
    char *name; /* full key, "kafka.bootstrap.servers" */
    char *value;
    struct kafka_prop *next;
};

struct nw_config {
    char *values[NKEYS];      /* NULL = default */
    struct kafka_prop *kafka; /* in order of setting (appended) */
};

struct nw_config *nw_config_create(void)
{
    return nw_calloc(1, sizeof(struct nw_config));
}

void nw_config_destroy(struct nw_config *cfg)
{
    struct kafka_prop *p, *next;

    if (!cfg)
        return;
    for (size_t i = 0; i < NKEYS; i++)
        nw_free(cfg->values[i]);
    for (p = cfg->kafka; p; p = next) {
        next = p->next;
        nw_free(p->name);
        nw_free(p->value);
        nw_free(p);
    }
    nw_free(cfg);
}

static const struct key_def *find_key(const char *name, size_t *index)
{
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcmp(keys[i].name, name) == 0) {
            if (index)
                *index = i;
            return &keys[i];
        }
    }
    return NULL;
}

static int parse_bool(const char *v, int *out)
{
    if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "yes") ||
        !strcasecmp(v, "on")) {
        *out = 1;
        return 0;
    }
    if (!strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "no") ||
        !strcasecmp(v, "off")) {
        *out = 0;
        return 0;
    }
    return -1;
}

static int parse_int(const char *v, long long *out)
{
    char *end;

    errno = 0;
    *out = strtoll(v, &end, 10);
    if (errno || end == v || *end != '\0')
        return -1;
    return 0;
}

static int enum_has(const char *choices, const char *v)
{
    size_t n = strlen(v);
    const char *p = choices;

    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0)
            return 1;
        if (!bar)
            break;
        p = bar + 1;
    }
    return 0;
}

static enum nw_status validate(const struct key_def *def, const char *value, char *errstr,
                               size_t errstr_size)
{
    long long n;
    int b;

    switch (def->type) {
    case KEY_STRING:
        /* Values end up in headers, topic names and paths: a CR or LF in fetch.user_agent
         * would add a header of its own to every request. */
        for (const char *p = value; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                return nw_fail(NW_ECONFIG, errstr, errstr_size,
                               "%s: control character 0x%02x in the value", def->name,
                               (unsigned char)*p);
        return NW_OK;
    case KEY_INT:
        if (parse_int(value, &n))
            return nw_fail(NW_ECONFIG, errstr, errstr_size, "%s: '%s' is not an integer", def->name,
                           value);
        if (n < def->min || n > def->max)
            return nw_fail(NW_ECONFIG, errstr, errstr_size, "%s: %lld is out of range [%lld, %lld]",
                           def->name, n, def->min, def->max);
        return NW_OK;
    case KEY_BOOL:
        if (parse_bool(value, &b))
            return nw_fail(NW_ECONFIG, errstr, errstr_size,
                           "%s: '%s' is not a boolean (true/false)", def->name, value);
        return NW_OK;
    case KEY_ENUM:
        if (!enum_has(def->choices, value))
            return nw_fail(NW_ECONFIG, errstr, errstr_size, "%s: '%s' is not one of %s", def->name,
                           value, def->choices);
        return NW_OK;
    }
    return NW_EINTERNAL;
}

static enum nw_status set_kafka(struct nw_config *cfg, const char *key, const char *value,
                                char *errstr, size_t errstr_size)
{
    struct kafka_prop *p, **tail;

    if (strlen(key) <= strlen("kafka.") || key[strlen(key) - 1] == '.')
        return nw_fail(NW_ECONFIG, errstr, errstr_size, "%s: missing librdkafka property", key);
    for (tail = &cfg->kafka; *tail; tail = &(*tail)->next) {
        if (strcmp((*tail)->name, key) == 0) {
            char *copy = nw_strdup(value);
            if (!copy)
                return NW_ENOMEM;
            nw_free((*tail)->value);
            (*tail)->value = copy;
            return NW_OK;
        }
    }
    p = nw_calloc(1, sizeof(*p));
    if (!p)
        return NW_ENOMEM;
    p->name = nw_strdup(key);
    p->value = nw_strdup(value);
    if (!p->name || !p->value) {
        nw_free(p->name);
        nw_free(p->value);
        nw_free(p);
        return NW_ENOMEM;
    }
    *tail = p;
    return NW_OK;
}

enum nw_status nw_config_set(struct nw_config *cfg, const char *key, const char *value,
                             char *errstr, size_t errstr_size)
{
    const struct key_def *def;
    enum nw_status result;
    size_t index;
    char *copy;

    if (strncmp(key, "kafka.", 6) == 0)
        return set_kafka(cfg, key, value, errstr, errstr_size);
    def = find_key(key, &index);
    if (!def)
        return nw_fail(NW_ECONFIG, errstr, errstr_size, "unknown configuration key '%s'", key);
    result = validate(def, value, errstr, errstr_size);
    if (result)
        return result;
    if (strcmp(key, "enrich.ner_model") == 0 && value[0]) {
        /* a model file that cannot serve is a configuration error, found at start-up */
        char msg[256];
        struct nw_tagger *tg = nw_tagger_load_file(value, msg, sizeof(msg));
        if (!tg)
            return nw_fail(NW_ECONFIG, errstr, errstr_size, "%s: %s", key, msg);
        nw_tagger_destroy(tg);
    }
    copy = nw_strdup(value);
    if (!copy)
        return NW_ENOMEM;
    nw_free(cfg->values[index]);
    cfg->values[index] = copy;
    return NW_OK;
}

/* Trims ASCII white space in place; returns the start. */
static char *trim(char *s)
{
    char *end;

    while (isspace((unsigned char)*s))
        s++;
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

enum nw_status nw_config_set_pair(struct nw_config *cfg, const char *pair, char *errstr,
                                  size_t errstr_size)
{
    enum nw_status result;
    char *copy, *eq;

    copy = nw_strdup(pair);
    if (!copy)
        return NW_ENOMEM;
    eq = strchr(copy, '=');
    if (!eq) {
        result = nw_fail(NW_ECONFIG, errstr, errstr_size, "'%s' is not key=value", pair);
        goto out;
    }
    *eq = '\0';
    result = nw_config_set(cfg, trim(copy), trim(eq + 1), errstr, errstr_size);
out:
    nw_free(copy);
    return result;
}

#define CONFIG_LINE_MAX 8192

/* Reads one line (up to CONFIG_LINE_MAX bytes, without its newline) into line. Returns its
 * length, -1 at the end of the file, -2 if it is too long, -3 if it holds a NUL byte. */
static long read_line(FILE *f, char *line)
{
    size_t n = 0;
    int c, nul = 0;

    while ((c = getc(f)) != EOF && c != '\n') {
        if (c == '\0')
            nul = 1;
        if (n >= CONFIG_LINE_MAX - 1)
            return -2;
        line[n++] = (char)c;
    }
    line[n] = '\0';
    if (c == EOF && n == 0 && !nul)
        return -1;
    return nul ? -3 : (long)n;
}

/* "v" or 'v' -> v (one pair of matching quotes around the whole value), in place. */
static char *unquote(char *v)
{
    size_t n = strlen(v);

    if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
        v[n - 1] = '\0';
        return v + 1;
    }
    return v;
}

/* The keys a file set so far, with their lines: a second setting is an error. */
struct seen_key {
    char *key;
    unsigned line;
};

static void seen_keys_free(struct seen_key *seen, size_t n)
{
    for (size_t i = 0; i < n; i++)
        nw_free(seen[i].key);
    nw_free(seen);
}

/* 0 if key is new (and remembered), else the line that set it before; UINT_MAX on ENOMEM. */
static unsigned seen_key_check(struct seen_key **seen, size_t *n, size_t *cap, const char *key,
                               unsigned line)
{
    struct seen_key *grown;

    for (size_t i = 0; i < *n; i++)
        if (strcmp((*seen)[i].key, key) == 0)
            return (*seen)[i].line;
    if (*n == *cap) {
        size_t want = *cap ? *cap * 2 : 32;
        grown = nw_realloc(*seen, want * sizeof(**seen));
        if (!grown)
            return UINT_MAX;
        *seen = grown;
        *cap = want;
    }
    (*seen)[*n].key = nw_strdup(key);
    if (!(*seen)[*n].key)
        return UINT_MAX;
    (*seen)[*n].line = line;
    (*n)++;
    return 0;
}

enum nw_status nw_config_load_file(struct nw_config *cfg, const char *path, char *errstr,
                                   size_t errstr_size)
{
    enum nw_status result = NW_OK;
    char line[CONFIG_LINE_MAX], inner[512];
    struct seen_key *seen = NULL;
    size_t n_seen = 0, seen_cap = 0;
    unsigned lineno = 0, before;
    long len;
    FILE *f;

    f = fopen(path, "r");
    if (!f)
        return nw_fail(NW_ECONFIG, errstr, errstr_size, "%s: cannot open: %s", path,
                       strerror(errno));
    while ((len = read_line(f, line)) != -1) {
        char *s, *eq, *key;

        lineno++;
        if (len == -2) {
            result =
                nw_fail(NW_ECONFIG, errstr, errstr_size, "%s:%u: line too long (over %d bytes)",
                        path, lineno, CONFIG_LINE_MAX - 1);
            goto out;
        }
        if (len == -3) {
            result = nw_fail(NW_ECONFIG, errstr, errstr_size,
                             "%s:%u: NUL byte in the line (not a text file?)", path, lineno);
            goto out;
        }
        s = trim(line);
        if (*s == '\0' || *s == '#' || *s == ';')
            continue;
        eq = strchr(s, '=');
        if (!eq) {
            result = nw_fail(NW_ECONFIG, errstr, errstr_size, "%s:%u: expected key = value", path,
                             lineno);
            goto out;
        }
        *eq = '\0';
        key = trim(s);
        before = seen_key_check(&seen, &n_seen, &seen_cap, key, lineno);
        if (before == UINT_MAX) {
            result = NW_ENOMEM;
            goto out;
        }
        if (before) {
            result = nw_fail(NW_ECONFIG, errstr, errstr_size,
                             "%s:%u: %s is given twice (lines %u and %u): keep one", path, lineno,
                             key, before, lineno);
            goto out;
        }
        result = nw_config_set(cfg, key, unquote(trim(eq + 1)), inner, sizeof(inner));
        if (result) {
            nw_fail(result, errstr, errstr_size, "%s:%u: %s", path, lineno, inner);
            goto out;
        }
    }
    if (ferror(f))
        result = nw_fail(NW_ECONFIG, errstr, errstr_size, "%s: read error", path);
out:
    seen_keys_free(seen, n_seen);
    fclose(f);
    return result;
}

/* NEWSWORKER_FETCH_TIMEOUT_MS -> the known key whose name, with '.' as '_', matches
 * case-insensitively; NEWSWORKER_KAFKA_X_Y -> kafka.x.y (librdkafka names use dots). */
static int env_to_key(const char *suffix, char *out, size_t out_size)
{
    size_t n = strlen(suffix);

    if (n + 1 > out_size)
        return -1;
    for (size_t i = 0; i < NKEYS; i++) {
        const char *k = keys[i].name;
        size_t j;
        if (strlen(k) != n)
            continue;
        for (j = 0; j < n; j++) {
            char a = (char)tolower((unsigned char)suffix[j]);
            char b = k[j] == '.' ? '_' : k[j];
            if (a != b)
                break;
        }
        if (j == n) {
            memcpy(out, k, n + 1);
            return 0;
        }
    }
    if (strncasecmp(suffix, "KAFKA_", 6) == 0) {
        for (size_t j = 0; j <= n; j++)
            out[j] = suffix[j] == '_' ? '.' : (char)tolower((unsigned char)suffix[j]);
        return 0;
    }
    return -1;
}

/* True for the variables Kubernetes injects for every Service in the namespace
 * (https://kubernetes.io/docs/concepts/services-networking/service/#environment-variables):
 * a Service "newsworker-metrics" gives NEWSWORKER_METRICS_SERVICE_HOST, _SERVICE_PORT,
 * _SERVICE_PORT_<NAME>, _PORT and _PORT_<n>_<TCP|UDP|SCTP>[_PROTO|_PORT|_ADDR]. suffix is
 * the name after NEWSWORKER_; a Service named "newsworker" leaves the tail alone. */
static int env_is_platform(const char *suffix)
{
    const char *t = suffix;

    for (;;) {
        if (strncasecmp(t, "SERVICE_HOST", 12) == 0 && t[12] == '\0')
            return 1;
        if (strncasecmp(t, "SERVICE_PORT", 12) == 0 && (t[12] == '\0' || t[12] == '_'))
            return 1;
        if (strncasecmp(t, "PORT", 4) == 0) {
            const char *p = t + 4, *proto;
            size_t digits = 0;

            if (*p == '\0')
                return 1;
            if (*p == '_') {
                p++;
                while (isdigit((unsigned char)p[digits]))
                    digits++;
                proto = p + digits;
                if (digits > 0 && digits <= 5 && *proto == '_') {
                    proto++;
                    size_t plen =
                        strncasecmp(proto, "SCTP", 4) == 0 ? 4
                        : (strncasecmp(proto, "TCP", 3) == 0 || strncasecmp(proto, "UDP", 3) == 0)
                            ? 3
                            : 0;
                    const char *rest = proto + plen;
                    if (plen && (*rest == '\0' || strcasecmp(rest, "_PROTO") == 0 ||
                                 strcasecmp(rest, "_PORT") == 0 || strcasecmp(rest, "_ADDR") == 0))
                        return 1;
                }
            }
        }
        t = strchr(t, '_');
        if (!t)
            return 0;
        t++;
    }
}

/* Edit distance between the variable's tail and a key's name spelled as a variable tail
 * (case-insensitive, '.' as '_'); both are short (names under 256 bytes). */
static size_t env_key_distance(const char *suffix, const char *key)
{
    size_t n = strlen(suffix), m = strlen(key), row[257];

    if (n > 256)
        n = 256;
    for (size_t j = 0; j <= m && j <= 256; j++)
        row[j] = j;
    if (m > 256)
        m = 256;
    for (size_t i = 1; i <= n; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            char a = (char)tolower((unsigned char)suffix[i - 1]);
            char b = key[j - 1] == '.' ? '_' : key[j - 1];
            size_t best = diag + (a != b);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diag = row[j];
            row[j] = best;
        }
    }
    return row[m];
}

/* The known key closest to the variable's tail (never NULL: the table is not empty). */
static const char *env_closest_key(const char *suffix)
{
    size_t best = (size_t)-1;
    const char *name = keys[0].name;

    for (size_t i = 0; i < NKEYS; i++) {
        size_t d = env_key_distance(suffix, keys[i].name);
        if (d < best) {
            best = d;
            name = keys[i].name;
        }
    }
    return name;
}

/* Appends one line to the warnings buffer; a full buffer keeps the lines it has whole. */
static void env_warn(char *warnings, size_t warnings_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void env_warn(char *warnings, size_t warnings_size, const char *fmt, ...)
{
    char line[512];
    size_t used, len;
    va_list ap;

    if (!warnings || warnings_size == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    used = strlen(warnings);
    len = strlen(line);
    if (used + len + 2 > warnings_size)
        return;
    memcpy(warnings + used, line, len);
    warnings[used + len] = '\n';
    warnings[used + len + 1] = '\0';
}

enum nw_status nw_config_load_env(struct nw_config *cfg, char *const *envp, char *warnings,
                                  size_t warnings_size, char *errstr, size_t errstr_size)
{
    static const char prefix[] = "NEWSWORKER_";
    char name[256], key[256], inner[512];
    enum nw_status result;

    if (warnings && warnings_size)
        warnings[0] = '\0';
    for (; envp && *envp; envp++) {
        const char *e = *envp, *eq;
        size_t len;

        if (strncmp(e, prefix, sizeof(prefix) - 1) != 0)
            continue;
        eq = strchr(e, '=');
        if (!eq)
            continue;
        len = (size_t)(eq - e) - (sizeof(prefix) - 1);
        if (len == 0 || len >= sizeof(name))
            continue;
        memcpy(name, e + sizeof(prefix) - 1, len);
        name[len] = '\0';
        /* a table key first; then what the platform injects (even NEWSWORKER_KAFKA_PORT
         * from a Service "newsworker-kafka"); then librdkafka's names under KAFKA_ */
        if (!env_to_key(name, key, sizeof(key)) && strncmp(key, "kafka.", 6) != 0) {
            /* found in the table */
        } else if (env_is_platform(name)) {
            continue;
        } else if (env_to_key(name, key, sizeof(key))) {
            const char *closest = env_closest_key(name);
            char var[256];
            size_t k;

            for (k = 0; closest[k] && k + 1 < sizeof(var); k++)
                var[k] = closest[k] == '.' ? '_' : (char)toupper((unsigned char)closest[k]);
            var[k] = '\0';
            env_warn(warnings, warnings_size,
                     "environment variable %.*s names no configuration key and is ignored "
                     "(closest key: %s, variable NEWSWORKER_%s)",
                     (int)(eq - e), e, closest, var);
            continue;
        }
        result = nw_config_set(cfg, key, eq + 1, inner, sizeof(inner));
        if (result)
            return nw_fail(result, errstr, errstr_size, "environment %.*s: %s", (int)(eq - e), e,
                           inner);
    }
    return NW_OK;
}

const char *nw_config_get(const struct nw_config *cfg, const char *key)
{
    size_t index;

    if (strncmp(key, "kafka.", 6) == 0) {
        for (const struct kafka_prop *p = cfg->kafka; p; p = p->next)
            if (strcmp(p->name, key) == 0)
                return p->value;
        return NULL;
    }
    if (!find_key(key, &index))
        return NULL;
    return cfg->values[index] ? cfg->values[index] : keys[index].def;
}

long long nw_config_get_int(const struct nw_config *cfg, const char *key)
{
    const char *v = nw_config_get(cfg, key);
    long long n = 0;

    if (v)
        parse_int(v, &n);
    return n;
}

int nw_config_get_bool(const struct nw_config *cfg, const char *key)
{
    const char *v = nw_config_get(cfg, key);
    int b = 0;

    if (v)
        parse_bool(v, &b);
    return b;
}

enum nw_status nw_config_check(const struct nw_config *cfg, char *errstr, size_t errstr_size)
{
    /* librdkafka properties where an empty value can only be a mistake (an empty
     * bootstrap.servers waits for brokers that can never come). */
    static const char *const kafka_not_empty[] = {
        "kafka.bootstrap.servers", "kafka.consumer.bootstrap.servers",
        "kafka.producer.bootstrap.servers", "kafka.group.id", "kafka.consumer.group.id"};
    long long backoff = nw_config_get_int(cfg, "fetch.retry_backoff_ms");
    long long backoff_max = nw_config_get_int(cfg, "fetch.retry_backoff_max_ms");

    if (backoff_max < backoff)
        return nw_fail(NW_ECONFIG, errstr, errstr_size,
                       "fetch.retry_backoff_max_ms: %lld is below fetch.retry_backoff_ms (%lld)",
                       backoff_max, backoff);
    for (size_t i = 0; i < NKEYS; i++)
        if ((keys[i].flags & KEY_NONEMPTY) && cfg->values[i] && !cfg->values[i][0])
            return nw_fail(NW_ECONFIG, errstr, errstr_size, "%s: must not be empty", keys[i].name);
    for (size_t i = 0; i < sizeof(kafka_not_empty) / sizeof(kafka_not_empty[0]); i++) {
        const char *v = nw_config_get(cfg, kafka_not_empty[i]);
        if (v && !*v)
            return nw_fail(NW_ECONFIG, errstr, errstr_size, "%s: must not be empty",
                           kafka_not_empty[i]);
    }
    {
        const char *bucket = nw_config_get(cfg, "output.s3.bucket");
        const char *dir = nw_config_get(cfg, "output.dir");
        if (bucket && bucket[0] && !(dir && dir[0]))
            return nw_fail(NW_ECONFIG, errstr, errstr_size,
                           "output.s3.bucket: needs output.dir (the lake folder whose closed "
                           "files are uploaded)");
    }
    return NW_OK;
}

int nw_config_is_set(const struct nw_config *cfg, const char *key)
{
    size_t index;

    if (strncmp(key, "kafka.", 6) == 0)
        return nw_config_get(cfg, key) != NULL;
    return find_key(key, &index) && cfg->values[index] != NULL;
}

void nw_config_foreach_kafka(const struct nw_config *cfg, const char *client,
                             nw_config_kafka_fn *fn, void *ctx)
{
    char scoped[64];
    size_t scoped_len;
    const struct kafka_prop *p;

    if (!client) {
        for (p = cfg->kafka; p; p = p->next)
            fn(p->name, p->value, ctx);
        return;
    }
    snprintf(scoped, sizeof(scoped), "kafka.%s.", client);
    scoped_len = strlen(scoped);
    /* Common keys first, so that client-scoped ones override them. */
    for (p = cfg->kafka; p; p = p->next) {
        if (strncmp(p->name, "kafka.consumer.", 15) == 0 ||
            strncmp(p->name, "kafka.producer.", 15) == 0)
            continue;
        fn(p->name + 6, p->value, ctx);
    }
    for (p = cfg->kafka; p; p = p->next)
        if (strncmp(p->name, scoped, scoped_len) == 0)
            fn(p->name + scoped_len, p->value, ctx);
}

void nw_config_describe_command(const struct nw_config *cfg, void *stream, unsigned commands)
{
    static const char *const type_names[] = {"string", "int", "bool", "enum"};
    FILE *f = stream;

    for (size_t i = 0; i < NKEYS; i++) {
        const char *v = cfg ? nw_config_get(cfg, keys[i].name) : keys[i].def;
        if (keys[i].commands && !(keys[i].commands & commands))
            continue;
        fprintf(f, "  %-28s %-6s %-14s %s%s%s\n", keys[i].name, type_names[keys[i].type],
                v ? v : "(none)", keys[i].help, keys[i].choices ? ": " : "",
                keys[i].choices ? keys[i].choices : "");
    }
    if (commands & NW_CMD_KAFKA)
        fprintf(f, "  %-28s %-6s %-14s %s\n", "kafka.*", "string", "",
                "passed to librdkafka (kafka.consumer.*, kafka.producer.*: one client)");
}

void nw_config_describe(const struct nw_config *cfg, void *stream)
{
    nw_config_describe_command(cfg, stream, NW_CMD_ALL);
}

int nw_config_key_read_by(const char *key, unsigned commands)
{
    const struct key_def *def;

    if (strncmp(key, "kafka.", 6) == 0)
        return (commands & NW_CMD_KAFKA) != 0;
    def = find_key(key, NULL);
    return def && (!def->commands || (def->commands & commands));
}
