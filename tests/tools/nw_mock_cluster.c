/*
 * nw_mock_cluster — librdkafka's mock Kafka cluster as a process of its own, for tests
 * and benchmarks.
 *
 *   nw_mock_cluster [--brokers N] [--max-seconds S] [--schedule "MS CMD;MS CMD..."] [--debug]
 *                   [TOPIC[:PARTITIONS] ...]
 *
 * Prints the bootstrap address ("127.0.0.1:PORT,...") as the first line of stdout, then
 * creates the topics (4 partitions unless given). --debug logs every request, log append
 * and fetch the mock serves (librdkafka debug=mock) on stderr, for chasing lost records.
 * Fault injection: commands, one a line, on stdin (use a FIFO) or in --schedule with a
 * delay in milliseconds since start:
 *
 *   broker-down ID | broker-up ID          take a broker off the network and back
 *   rtt ID MS                              add round-trip delay to a broker
 *   push-errors API CNT ERR[,ERR...]       the next CNT requests of API (Produce, Fetch,
 *                                          Metadata, OffsetCommit, JoinGroup, ... or a
 *                                          number) fail with ERR (a librdkafka error name
 *                                          without RD_KAFKA_RESP_ERR_, or a number), the
 *                                          error list used cyclically
 *   clear-errors API
 *   leader TOPIC PARTITION ID              move a partition's leader
 *   create-topic TOPIC PARTITIONS
 *   quit
 *
 * Each command is acknowledged on stderr. Exits on SIGTERM/SIGINT, "quit", or after
 * --max-seconds (default 600), so a test that dies cannot leave it running for ever.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_LINE 1024
#define MAX_SCHEDULE 64

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    if (!s)
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int api_key(const char *name)
{
    static const struct {
        const char *name;
        int key;
    } apis[] = {
        {"Produce", 0},          {"Fetch", 1},
        {"ListOffsets", 2},      {"Metadata", 3},
        {"OffsetCommit", 8},     {"OffsetFetch", 9},
        {"FindCoordinator", 10}, {"JoinGroup", 11},
        {"Heartbeat", 12},       {"LeaveGroup", 13},
        {"SyncGroup", 14},       {"ApiVersions", 18},
        {"InitProducerId", 22},  {"AddPartitionsToTxn", 24},
    };
    long v;

    for (size_t i = 0; i < sizeof(apis) / sizeof(apis[0]); i++)
        if (!strcasecmp(apis[i].name, name))
            return apis[i].key;
    if (parse_long(name, 0, 100, &v) == 0)
        return (int)v;
    return -1;
}

static int error_code(const char *name, rd_kafka_resp_err_t *out)
{
    const struct rd_kafka_err_desc *descs;
    size_t n;
    long v;

    if (parse_long(name, -200, 1000, &v) == 0) {
        *out = (rd_kafka_resp_err_t)v;
        return 0;
    }
    if (!strncmp(name, "RD_KAFKA_RESP_ERR_", 18))
        name += 18;
    rd_kafka_get_err_descs(&descs, &n);
    for (size_t i = 0; i < n; i++) {
        if (descs[i].name && !strcasecmp(descs[i].name, name)) {
            *out = descs[i].code;
            return 0;
        }
    }
    return -1;
}

/* Splits s in place at any of the separator characters; empty fields are skipped. */
static int split(char *s, const char *seps, char **out, int max)
{
    int n = 0;

    while (*s && n < max) {
        s += strspn(s, seps);
        if (!*s)
            break;
        out[n++] = s;
        s += strcspn(s, seps);
        if (*s)
            *s++ = '\0';
    }
    return n;
}

/* Runs one command line. Returns 1 for "quit", 0 otherwise (errors are reported). */
static int run_command(rd_kafka_mock_cluster_t *mc, char *line)
{
    char *argv[8];
    int argc = 0;
    long a, b;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;

    line[strcspn(line, "\r\n")] = '\0';
    argc = split(line, " \t", argv, 8);
    if (argc == 0 || argv[0][0] == '#')
        return 0;
    if (!strcmp(argv[0], "quit"))
        return 1;
    if ((!strcmp(argv[0], "broker-down") || !strcmp(argv[0], "broker-up")) && argc == 2 &&
        parse_long(argv[1], 1, 1000, &a) == 0) {
        err = argv[0][7] == 'd' ? rd_kafka_mock_broker_set_down(mc, (int32_t)a)
                                : rd_kafka_mock_broker_set_up(mc, (int32_t)a);
    } else if (!strcmp(argv[0], "rtt") && argc == 3 && parse_long(argv[1], 1, 1000, &a) == 0 &&
               parse_long(argv[2], 0, 600000, &b) == 0) {
        err = rd_kafka_mock_broker_set_rtt(mc, (int32_t)a, (int)b);
    } else if (!strcmp(argv[0], "push-errors") && argc == 4 && api_key(argv[1]) >= 0 &&
               parse_long(argv[2], 1, 100000, &a) == 0) {
        rd_kafka_resp_err_t errs[16];
        size_t nerrs = 0;
        char *names[16];
        int nnames = split(argv[3], ",", names, 16);
        for (int i = 0; i < nnames; i++) {
            if (error_code(names[i], &errs[nerrs]) != 0) {
                fprintf(stderr, "nw_mock_cluster: unknown error '%s'\n", names[i]);
                return 0;
            }
            nerrs++;
        }
        /* The mock takes one error per request; repeat the list to cover cnt requests. */
        rd_kafka_resp_err_t *all = calloc((size_t)a, sizeof(*all));
        if (!all || nerrs == 0) {
            free(all);
            fprintf(stderr, "nw_mock_cluster: push-errors: nothing to push\n");
            return 0;
        }
        for (long i = 0; i < a; i++)
            all[i] = errs[(size_t)i % nerrs];
        rd_kafka_mock_push_request_errors_array(mc, (int16_t)api_key(argv[1]), (size_t)a, all);
        free(all);
    } else if (!strcmp(argv[0], "clear-errors") && argc == 2 && api_key(argv[1]) >= 0) {
        rd_kafka_mock_clear_request_errors(mc, (int16_t)api_key(argv[1]));
    } else if (!strcmp(argv[0], "leader") && argc == 4 && parse_long(argv[2], 0, 100000, &a) == 0 &&
               parse_long(argv[3], -1, 1000, &b) == 0) {
        err = rd_kafka_mock_partition_set_leader(mc, argv[1], (int32_t)a, (int32_t)b);
    } else if (!strcmp(argv[0], "create-topic") && argc == 3 &&
               parse_long(argv[2], 1, 10000, &a) == 0) {
        err = rd_kafka_mock_topic_create(mc, argv[1], (int)a, 1);
    } else {
        fprintf(stderr, "nw_mock_cluster: bad command '%s' (argc %d)\n", argv[0], argc);
        return 0;
    }
    if (err)
        fprintf(stderr, "nw_mock_cluster: %s: %s\n", argv[0], rd_kafka_err2str(err));
    else
        fprintf(stderr, "nw_mock_cluster: ok %s\n", argv[0]);
    return 0;
}

struct scheduled {
    long long at_ms;
    char cmd[MAX_LINE];
    int done;
};

static int parse_schedule(const char *spec, struct scheduled *out, int max)
{
    int n = 0;
    const char *p = spec;

    while (*p && n < max) {
        const char *semi = strchr(p, ';');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        char item[MAX_LINE], *sp;
        long ms;

        if (len >= sizeof(item))
            return -1;
        memcpy(item, p, len);
        item[len] = '\0';
        sp = strchr(item, ' ');
        if (!sp)
            return -1;
        *sp = '\0';
        if (parse_long(item, 0, 86400000, &ms) != 0)
            return -1;
        out[n].at_ms = ms;
        snprintf(out[n].cmd, sizeof(out[n].cmd), "%s", sp + 1);
        out[n].done = 0;
        n++;
        if (!semi)
            break;
        p = semi + 1;
    }
    return n;
}

int main(int argc, char **argv)
{
    static struct scheduled sched[MAX_SCHEDULE];
    long brokers = 3, max_seconds = 600;
    int nsched = 0, stdin_open = 1, quit = 0, debug = 0;
    char errstr[512], line[MAX_LINE];
    size_t line_len = 0;
    rd_kafka_conf_t *conf;
    rd_kafka_t *rk;
    rd_kafka_mock_cluster_t *mc;
    struct sigaction sa;
    long long start, deadline;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--brokers") && i + 1 < argc) {
            if (parse_long(argv[++i], 1, 16, &brokers)) {
                fprintf(stderr, "nw_mock_cluster: --brokers 1..16\n");
                return 2;
            }
        } else if (!strcmp(argv[i], "--max-seconds") && i + 1 < argc) {
            if (parse_long(argv[++i], 1, 86400, &max_seconds)) {
                fprintf(stderr, "nw_mock_cluster: --max-seconds 1..86400\n");
                return 2;
            }
        } else if (!strcmp(argv[i], "--schedule") && i + 1 < argc) {
            nsched = parse_schedule(argv[++i], sched, MAX_SCHEDULE);
            if (nsched < 0) {
                fprintf(stderr, "nw_mock_cluster: --schedule \"MS CMD;MS CMD\"\n");
                return 2;
            }
        } else if (!strcmp(argv[i], "--debug")) {
            debug = 1;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: nw_mock_cluster [--brokers N] [--max-seconds S] "
                            "[--schedule \"MS CMD;...\"] [--debug] [TOPIC[:PARTITIONS] ...]\n");
            return 2;
        }
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "log_level", debug ? "7" : "3", errstr, sizeof(errstr)) !=
            RD_KAFKA_CONF_OK ||
        (debug &&
         rd_kafka_conf_set(conf, "debug", "mock", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK)) {
        fprintf(stderr, "nw_mock_cluster: %s\n", errstr);
        return 1;
    }
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!rk) {
        fprintf(stderr, "nw_mock_cluster: %s\n", errstr);
        return 1;
    }
    mc = rd_kafka_mock_cluster_new(rk, (int)brokers);
    if (!mc) {
        fprintf(stderr, "nw_mock_cluster: could not start the mock cluster\n");
        rd_kafka_destroy(rk);
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        char topic[256], *colon;
        long parts = 4;

        if (!strcmp(argv[i], "--brokers") || !strcmp(argv[i], "--max-seconds") ||
            !strcmp(argv[i], "--schedule")) {
            i++;
            continue;
        }
        if (!strcmp(argv[i], "--debug"))
            continue;
        snprintf(topic, sizeof(topic), "%s", argv[i]);
        colon = strrchr(topic, ':');
        if (colon) {
            *colon = '\0';
            if (parse_long(colon + 1, 1, 10000, &parts)) {
                fprintf(stderr, "nw_mock_cluster: bad partition count in '%s'\n", argv[i]);
                parts = 4;
            }
        }
        rd_kafka_resp_err_t err =
            rd_kafka_mock_topic_create(mc, topic, (int)parts, brokers >= 3 ? 3 : (int)brokers);
        if (err)
            fprintf(stderr, "nw_mock_cluster: topic %s: %s\n", topic, rd_kafka_err2str(err));
    }
    printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
    fflush(stdout);
    fprintf(stderr, "nw_mock_cluster: %ld brokers at %s\n", brokers,
            rd_kafka_mock_cluster_bootstraps(mc));

    start = now_ms();
    deadline = start + max_seconds * 1000LL;
    while (!stop_requested && !quit && now_ms() < deadline) {
        struct pollfd pfd = {.fd = 0, .events = POLLIN};
        int n = stdin_open ? poll(&pfd, 1, 50) : (usleep(50 * 1000), 0);

        for (int i = 0; i < nsched && !quit; i++) {
            if (!sched[i].done && now_ms() - start >= sched[i].at_ms) {
                sched[i].done = 1;
                fprintf(stderr, "nw_mock_cluster: scheduled: %s\n", sched[i].cmd);
                quit = run_command(mc, sched[i].cmd);
            }
        }
        if (n > 0) {
            ssize_t r = read(0, line + line_len, sizeof(line) - 1 - line_len);
            if (r <= 0) {
                stdin_open = 0;
                continue;
            }
            line_len += (size_t)r;
            line[line_len] = '\0';
            for (;;) {
                char *nl = strchr(line, '\n');
                if (!nl)
                    break;
                size_t used = (size_t)(nl + 1 - line);
                *nl = '\0';
                quit = quit || run_command(mc, line);
                memmove(line, line + used, line_len - used + 1);
                line_len -= used;
            }
            if (line_len == sizeof(line) - 1)
                line_len = 0; /* an over-long line: drop it */
        }
    }
    fprintf(stderr, "nw_mock_cluster: stopping\n");
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
    return 0;
}
