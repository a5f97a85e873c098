/* test_config.c — key table, validation, layering (file, env, -o) and the kafka pass-through. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static struct nw_config *cfg;

static int setup(void **state)
{
    (void)state;
    cfg = nw_config_create();
    return cfg ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    nw_config_destroy(cfg);
    cfg = NULL;
    return 0;
}

static void write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static void test_defaults(void **state)
{
    (void)state;
    assert_int_equal(nw_config_get_int(cfg, "fetch.concurrency"), 64);
    assert_int_equal(nw_config_get_bool(cfg, "fetch.allow_file"), 0);
    assert_string_equal(nw_config_get(cfg, "log.level"), "info");
    assert_false(nw_config_is_set(cfg, "fetch.concurrency"));
    assert_null(nw_config_get(cfg, "no.such.key"));
    assert_null(nw_config_get(cfg, "kafka.bootstrap.servers"));
    nw_config_destroy(NULL);
}

static void test_set_and_validate(void **state)
{
    char err[256];

    (void)state;
    assert_int_equal(nw_config_set(cfg, "fetch.concurrency", "8", err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_get_int(cfg, "fetch.concurrency"), 8);
    assert_true(nw_config_is_set(cfg, "fetch.concurrency"));
    assert_int_equal(nw_config_set(cfg, "fetch.allow_file", "yes", err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_get_bool(cfg, "fetch.allow_file"), 1);

    assert_int_equal(nw_config_set(cfg, "fetch.concurrnecy", "8", err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, "fetch.concurrnecy"));
    assert_int_equal(nw_config_set(cfg, "fetch.concurrency", "lots", err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, "fetch.concurrency"));
    assert_int_equal(nw_config_set(cfg, "fetch.concurrency", "0", err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, "range"));
    assert_int_equal(nw_config_set(cfg, "fetch.concurrency", "8x", err, sizeof(err)), NW_ECONFIG);
    assert_int_equal(nw_config_set(cfg, "fetch.concurrency", "", err, sizeof(err)), NW_ECONFIG);
    assert_int_equal(
        nw_config_set(cfg, "fetch.concurrency", "99999999999999999999999", err, sizeof(err)),
        NW_ECONFIG);
    assert_int_equal(nw_config_set(cfg, "fetch.allow_file", "maybe", err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, "fetch.allow_file"));
    assert_int_equal(nw_config_set(cfg, "log.level", "loud", err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, "log.level"));
    /* rejected values leave the old value */
    assert_int_equal(nw_config_get_int(cfg, "fetch.concurrency"), 8);
}

static void test_set_pair(void **state)
{
    char err[256];

    (void)state;
    assert_int_equal(nw_config_set_pair(cfg, " fetch.timeout_ms = 1234 ", err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_get_int(cfg, "fetch.timeout_ms"), 1234);
    assert_int_equal(nw_config_set_pair(cfg, "fetch.timeout_ms", err, sizeof(err)), NW_ECONFIG);
    assert_int_equal(nw_config_set_pair(cfg, "=5", err, sizeof(err)), NW_ECONFIG);
    assert_int_equal(nw_config_set_pair(cfg, "fetch.user_agent=a=b", err, sizeof(err)), NW_OK);
    assert_string_equal(nw_config_get(cfg, "fetch.user_agent"), "a=b");
}

static void test_file(void **state)
{
    char path[] = "/tmp/nw_test_config_XXXXXX", err[512];
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    close(fd);
    write_file(path, "# comment\n\n  fetch.concurrency = 16  \n; also comment\n"
                     "kafka.bootstrap.servers = localhost:9092\nlog.level=debug\n");
    assert_int_equal(nw_config_load_file(cfg, path, err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_get_int(cfg, "fetch.concurrency"), 16);
    assert_string_equal(nw_config_get(cfg, "kafka.bootstrap.servers"), "localhost:9092");
    assert_string_equal(nw_config_get(cfg, "log.level"), "debug");

    write_file(path, "fetch.concurrency = 4\nbogus.key = 1\n");
    assert_int_equal(nw_config_load_file(cfg, path, err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, ":2:"));
    assert_non_null(strstr(err, "bogus.key"));

    write_file(path, "just words\n");
    assert_int_equal(nw_config_load_file(cfg, path, err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, ":1:"));

    /* a line longer than the reader's buffer is an error, not two lines */
    {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs("fetch.user_agent = ", f);
        for (int i = 0; i < 10000; i++)
            fputc('a', f);
        fputs("\n", f);
        fclose(f);
    }
    assert_int_equal(nw_config_load_file(cfg, path, err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, "too long"));
    unlink(path);
    assert_int_equal(nw_config_load_file(cfg, path, err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, path));
}

static void test_env(void **state)
{
    char err[256], warn[1024];
    char *env_ok[] = {"PATH=/bin", "NEWSWORKER_FETCH_TIMEOUT_MS=4321",
                      "NEWSWORKER_KAFKA_BOOTSTRAP_SERVERS=broker:9092", "NEWSWORKERX=1", NULL};
    char *env_bad_value[] = {"NEWSWORKER_FETCH_CONCURRENCY=-3", NULL};

    (void)state;
    assert_int_equal(nw_config_load_env(cfg, env_ok, warn, sizeof(warn), err, sizeof(err)), NW_OK);
    assert_string_equal(warn, "");
    assert_int_equal(nw_config_get_int(cfg, "fetch.timeout_ms"), 4321);
    assert_string_equal(nw_config_get(cfg, "kafka.bootstrap.servers"), "broker:9092");
    assert_int_equal(nw_config_load_env(cfg, env_bad_value, warn, sizeof(warn), err, sizeof(err)),
                     NW_ECONFIG);
    assert_non_null(strstr(err, "fetch.concurrency"));
    assert_int_equal(nw_config_load_env(cfg, NULL, warn, sizeof(warn), err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_load_env(cfg, env_ok, NULL, 0, err, sizeof(err)), NW_OK);
}

/* A typo in a real key's variable is a warning naming the closest key, not an exit. */
static void test_env_unknown_warns(void **state)
{
    char err[256], warn[1024];
    char *env[] = {"NEWSWORKER_FETCH_TIMEOUT=5", "NEWSWORKER_WORKER_STATEDIR=/x",
                   "NEWSWORKER_FETCH_CONCURRENCY=7", NULL};
    char *first, *second;

    (void)state;
    assert_int_equal(nw_config_load_env(cfg, env, warn, sizeof(warn), err, sizeof(err)), NW_OK);
    /* the good variable beside the typos still applies */
    assert_int_equal(nw_config_get_int(cfg, "fetch.concurrency"), 7);
    assert_int_equal(nw_config_is_set(cfg, "fetch.timeout_ms"), 0);
    first = warn;
    second = strchr(first, '\n');
    assert_non_null(second);
    *second++ = '\0';
    assert_non_null(strstr(first, "NEWSWORKER_FETCH_TIMEOUT "));
    assert_non_null(strstr(first, "closest key: fetch.timeout_ms"));
    assert_non_null(strstr(first, "NEWSWORKER_FETCH_TIMEOUT_MS"));
    assert_non_null(strstr(second, "NEWSWORKER_WORKER_STATEDIR"));
    assert_non_null(strstr(second, "closest key: worker.state_dir"));
    assert_string_equal(strchr(second, '\n'), "\n");
    /* the value is never echoed (it may be a secret) */
    assert_null(strstr(second, "/x"));
}

/* Kubernetes' service-link variables for Services named newsworker*, newsworker-kafka*:
 * skipped silently, and never handed to librdkafka as kafka.* properties. */
static void test_env_platform_ignored(void **state)
{
    char err[256], warn[1024];
    char *env[] = {"NEWSWORKER_METRICS_SERVICE_HOST=10.0.0.7",
                   "NEWSWORKER_METRICS_SERVICE_PORT=9464",
                   "NEWSWORKER_METRICS_SERVICE_PORT_METRICS=9464",
                   "NEWSWORKER_METRICS_PORT=tcp://10.0.0.7:9464",
                   "NEWSWORKER_METRICS_PORT_9464_TCP=tcp://10.0.0.7:9464",
                   "NEWSWORKER_METRICS_PORT_9464_TCP_PROTO=tcp",
                   "NEWSWORKER_METRICS_PORT_9464_TCP_PORT=9464",
                   "NEWSWORKER_METRICS_PORT_9464_TCP_ADDR=10.0.0.7",
                   "NEWSWORKER_SERVICE_HOST=10.0.0.8",
                   "NEWSWORKER_PORT=tcp://10.0.0.8:80",
                   "NEWSWORKER_PORT_80_UDP_ADDR=10.0.0.8",
                   "NEWSWORKER_KAFKA_SERVICE_HOST=10.0.0.9",
                   "NEWSWORKER_KAFKA_PORT=tcp://10.0.0.9:9092",
                   "NEWSWORKER_KAFKA_PORT_9092_SCTP_PORT=9092",
                   NULL};
    char *near_misses[] = {"NEWSWORKER_METRICS_PORT_9464_HTTP=1",
                           "NEWSWORKER_METRICS_SERVICE_HOSTS=1", "NEWSWORKER_PORTAL=1", NULL};

    (void)state;
    assert_int_equal(nw_config_load_env(cfg, env, warn, sizeof(warn), err, sizeof(err)), NW_OK);
    assert_string_equal(warn, "");
    assert_null(nw_config_get(cfg, "kafka.port"));
    assert_null(nw_config_get(cfg, "kafka.service.host"));
    /* names that only look like them are reported, one line each */
    assert_int_equal(nw_config_load_env(cfg, near_misses, warn, sizeof(warn), err, sizeof(err)),
                     NW_OK);
    assert_non_null(strstr(warn, "NEWSWORKER_METRICS_PORT_9464_HTTP"));
    assert_non_null(strstr(warn, "NEWSWORKER_METRICS_SERVICE_HOSTS"));
    assert_non_null(strstr(warn, "NEWSWORKER_PORTAL"));
}

/* A small warnings buffer keeps whole lines only. */
static void test_env_warnings_bounded(void **state)
{
    char err[256], warn[300];
    char *env[] = {"NEWSWORKER_AAAA=1", "NEWSWORKER_BBBB=1", "NEWSWORKER_CCCC=1", NULL};
    size_t len;

    (void)state;
    assert_int_equal(nw_config_load_env(cfg, env, warn, sizeof(warn), err, sizeof(err)), NW_OK);
    len = strlen(warn);
    assert_true(len > 0 && len < sizeof(warn));
    assert_int_equal(warn[len - 1], '\n');
    assert_non_null(strstr(warn, "NEWSWORKER_AAAA"));
    assert_null(strstr(warn, "NEWSWORKER_CCCC"));
}

struct kv {
    int n;
    char names[8][64];
    char values[8][64];
};

static void collect(const char *property, const char *value, void *ctx)
{
    struct kv *kv = ctx;

    assert_true(kv->n < 8);
    snprintf(kv->names[kv->n], 64, "%s", property);
    snprintf(kv->values[kv->n], 64, "%s", value);
    kv->n++;
}

static void test_kafka_passthrough(void **state)
{
    struct kv kv = {0};
    char err[256];

    (void)state;
    assert_int_equal(nw_config_set(cfg, "kafka.bootstrap.servers", "b:1", err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_set(cfg, "kafka.consumer.group.id", "g", err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_set(cfg, "kafka.producer.linger.ms", "5", err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_set(cfg, "kafka.bootstrap.servers", "b:2", err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_set(cfg, "kafka.", "x", err, sizeof(err)), NW_ECONFIG);
    assert_int_equal(nw_config_set(cfg, "kafka.consumer.", "x", err, sizeof(err)), NW_ECONFIG);
    nw_config_foreach_kafka(cfg, "consumer", collect, &kv);
    assert_int_equal(kv.n, 2);
    assert_string_equal(kv.names[0], "bootstrap.servers");
    assert_string_equal(kv.values[0], "b:2");
    assert_string_equal(kv.names[1], "group.id");
    memset(&kv, 0, sizeof(kv));
    nw_config_foreach_kafka(cfg, "producer", collect, &kv);
    assert_int_equal(kv.n, 2);
    assert_string_equal(kv.names[1], "linger.ms");
    assert_true(nw_config_is_set(cfg, "kafka.bootstrap.servers"));
}

static void test_describe(void **state)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    (void)state;
    assert_non_null(f);
    nw_config_describe(cfg, f);
    fclose(f);
    assert_non_null(strstr(text, "fetch.concurrency"));
    assert_non_null(strstr(text, "kafka.*"));
    free(text);
}

static void test_cross_key_checks(void **state)
{
    char err[256];

    (void)state;
    assert_int_equal(nw_config_check(cfg, err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_set(cfg, "fetch.retry_backoff_ms", "1000", err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_set(cfg, "fetch.retry_backoff_max_ms", "999", err, sizeof(err)),
                     NW_OK);
    assert_int_equal(nw_config_check(cfg, err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, "fetch.retry_backoff_max_ms"));
    assert_int_equal(nw_config_set(cfg, "fetch.retry_backoff_max_ms", "1000", err, sizeof(err)),
                     NW_OK);
    assert_int_equal(nw_config_check(cfg, err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_set(cfg, "kafka.group.id", "", err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_check(cfg, err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, "kafka.group.id"));
    assert_int_equal(nw_config_set(cfg, "kafka.group.id", "g", err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_set(cfg, "input.topic", "", err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_check(cfg, err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, "input.topic"));
    assert_int_equal(nw_config_set(cfg, "input.topic", "t", err, sizeof(err)), NW_OK);
    /* uploads need the lake they upload */
    assert_int_equal(nw_config_set(cfg, "output.s3.bucket", "lake", err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_check(cfg, err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, "output.s3.bucket"));
    assert_non_null(strstr(err, "output.dir"));
    assert_int_equal(nw_config_set(cfg, "output.dir", "/tmp", err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_check(cfg, err, sizeof(err)), NW_OK);
}

static void test_control_characters_and_nul(void **state)
{
    char err[256], path[] = "/tmp/nw_test_config_nul.XXXXXX";
    int fd;

    (void)state;
    assert_int_equal(nw_config_set(cfg, "fetch.user_agent", "bot\r\nX-Evil: 1", err, sizeof(err)),
                     NW_ECONFIG);
    assert_non_null(strstr(err, "fetch.user_agent"));
    assert_int_equal(
        nw_config_set(cfg, "fetch.user_agent", "bot/1.0 (+https://x.example)", err, sizeof(err)),
        NW_OK);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "fetch.retries = 2\nfetch.timeout_ms = 5\0\n", 40), 40);
    close(fd);
    assert_int_equal(nw_config_load_file(cfg, path, err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, ":2: NUL byte"));
    unlink(path);
}

static char *describe_for(unsigned commands)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    assert_non_null(f);
    nw_config_describe_command(cfg, f, commands);
    fclose(f);
    return text;
}

/* Each command's help shows exactly the keys it reads: extract no kafka.* or fetch.*. */
static void test_describe_per_command(void **state)
{
    char *text;

    (void)state;
    text = describe_for(NW_CMD_EXTRACT);
    assert_null(strstr(text, "kafka."));
    assert_null(strstr(text, "fetch."));
    assert_null(strstr(text, "watch."));
    assert_null(strstr(text, "worker."));
    assert_non_null(strstr(text, "extract.max_html_bytes"));
    assert_non_null(strstr(text, "log.level"));
    free(text);
    text = describe_for(NW_CMD_WATCH);
    assert_non_null(strstr(text, "watch.sources"));
    assert_non_null(strstr(text, "kafka.*"));
    assert_non_null(strstr(text, "metrics.listen"));
    assert_non_null(strstr(text, "worker.shutdown_timeout_ms"));
    assert_null(strstr(text, "extract."));
    assert_null(strstr(text, "worker.max_in_flight"));
    free(text);
    text = describe_for(NW_CMD_RUN);
    assert_null(strstr(text, "watch."));
    assert_null(strstr(text, "output.file"));
    assert_non_null(strstr(text, "worker.max_in_flight"));
    free(text);
    assert_true(nw_config_key_read_by("kafka.bootstrap.servers", NW_CMD_FETCH));
    assert_false(nw_config_key_read_by("kafka.bootstrap.servers", NW_CMD_EXTRACT));
    assert_false(nw_config_key_read_by("watch.sources", NW_CMD_RUN));
    assert_false(nw_config_key_read_by("no.such.key", NW_CMD_ALL));
}

/* Empty values where empty makes no sense: refused by the check, naming the key. */
static void test_empty_values_refused(void **state)
{
    static const char *const keys[] = {
        "kafka.bootstrap.servers",         "worker.state_dir", "fetch.user_agent",
        "kafka.consumer.group.id",         "watch.state_file", "errors.topic",
        "kafka.producer.bootstrap.servers"};
    char err[256];

    (void)state;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        nw_config_destroy(cfg);
        cfg = nw_config_create();
        assert_int_equal(nw_config_set(cfg, keys[i], "", err, sizeof(err)), NW_OK);
        assert_int_equal(nw_config_check(cfg, err, sizeof(err)), NW_ECONFIG);
        assert_non_null(strstr(err, keys[i]));
        assert_non_null(strstr(err, "empty"));
    }
    /* empty means "off" or "the default" here: accepted */
    nw_config_destroy(cfg);
    cfg = nw_config_create();
    assert_int_equal(nw_config_set(cfg, "metrics.listen", "", err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_set(cfg, "enrich.ner_model", "", err, sizeof(err)), NW_OK);
    assert_int_equal(nw_config_check(cfg, err, sizeof(err)), NW_OK);
}

static void file_with(char *path, const char *content)
{
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
}

/* key = "v" in a file: one pair of matching quotes goes; nothing else is touched. */
static void test_file_quotes(void **state)
{
    char err[256], path[] = "/tmp/nw_test_config_q.XXXXXX";

    (void)state;
    file_with(path, "fetch.user_agent = \"bot/1 (x)\"\n"
                    "input.topic = 'jobs'\n"
                    "errors.topic = \"a\"b\"\n"
                    "output.topic = \"half\n"
                    "route.rules = \"x'\n"
                    "kafka.client.id = \"cid\"\n"
                    "fetch.retries = \"2\"\n");
    assert_int_equal(nw_config_load_file(cfg, path, err, sizeof(err)), NW_OK);
    assert_string_equal(nw_config_get(cfg, "fetch.user_agent"), "bot/1 (x)");
    assert_string_equal(nw_config_get(cfg, "input.topic"), "jobs");
    assert_string_equal(nw_config_get(cfg, "errors.topic"), "a\"b");
    assert_string_equal(nw_config_get(cfg, "output.topic"), "\"half");
    assert_string_equal(nw_config_get(cfg, "route.rules"), "\"x'");
    assert_string_equal(nw_config_get(cfg, "kafka.client.id"), "cid");
    assert_int_equal(nw_config_get_int(cfg, "fetch.retries"), 2);
    unlink(path);
}

/* A key given twice in one file is an error naming both lines. */
static void test_file_duplicate_key(void **state)
{
    char err[256], path[] = "/tmp/nw_test_config_d.XXXXXX";
    char path2[] = "/tmp/nw_test_config_d2.XXXXXX";

    (void)state;
    file_with(path, "fetch.retries = 2\n# comment\nfetch.timeout_ms = 500\n"
                    "  fetch.retries=3\n");
    assert_int_equal(nw_config_load_file(cfg, path, err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, "fetch.retries"));
    assert_non_null(strstr(err, "lines 1 and 4"));
    unlink(path);
    file_with(path2, "kafka.linger.ms = 5\nkafka.linger.ms = 6\n");
    assert_int_equal(nw_config_load_file(cfg, path2, err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, "kafka.linger.ms"));
    assert_non_null(strstr(err, "lines 1 and 2"));
    unlink(path2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cross_key_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control_characters_and_nul, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_and_validate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_pair, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env_unknown_warns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env_platform_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env_warnings_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kafka_passthrough, setup, teardown),
        cmocka_unit_test_setup_teardown(test_describe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_describe_per_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_values_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_quotes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_duplicate_key, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
