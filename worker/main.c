/* main.c — arguments, configuration layering and dispatch to the subcommands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "kafka_conf.h"
#include "log.h"
#include "route.h"

extern char **environ;

#ifndef NW_VERSION
#define NW_VERSION "0.0.0"
#endif

static void usage(FILE *f, const struct nw_config *cfg)
{
    fprintf(f, "usage: newsworker COMMAND [options] [args]\n"
               "\n"
               "commands:\n"
               "  extract [--text] FILE...        process local HTML (or .html.gz) files, or\n"
               "                                  plain text with --text; '-' is stdin;\n"
               "                                  one JSON record per line on stdout\n"
               "  fetch [URL...] [--input FILE|-] fetch URLs (or url-job JSON lines) and write\n"
               "                                  records to output.file (stdout) or Kafka\n"
               "  run                             the service: url jobs from Kafka in,\n"
               "                                  article and error records to Kafka out\n"
               "  watch [--once] [URL...]         poll feeds and sitemaps (watch.sources),\n"
               "                                  new article URLs as url jobs to input.topic\n"
               "                                  or output.file (stdout)\n"
               "\n"
               "options (every command):\n"
               "  -c FILE          configuration file (key = value lines)\n"
               "  -o KEY=VALUE     override one key (repeatable; wins over file and env)\n"
               "  -h, --help       this help; COMMAND --help: that command's help\n"
               "  -V, --version    print the version\n"
               "\n"
               "Environment: NEWSWORKER_<KEY> with dots as underscores, e.g.\n"
               "NEWSWORKER_FETCH_TIMEOUT_MS=5000. Exit codes: 0 done, 1 failure, 2 usage/config.\n"
               "\n"
               "configuration keys (current value):\n");
    nw_config_describe(cfg, f);
}

/* Per-command help: what the command does, its arguments, and the configuration keys it
 * reads (the key table's rows marked with the command's NW_CMD_* bit). */
struct command_help {
    const char *name;
    const char *text;
    unsigned command; /* NW_CMD_* */
};

static const struct command_help command_helps[] = {
    {"extract",
     "usage: newsworker extract [--text] FILE...\n"
     "\n"
     "Runs decode, extract, normalize and enrich on local files (HTML, or .html.gz) and\n"
     "prints one article record per line (JSONL) to stdout, in input order. '-' is stdin.\n"
     "With --text the files are already extracted plain text. No network, no Kafka.\n"
     "Web archives (.warc, .warc.gz: any file that starts with a WARC record) give one\n"
     "record per HTML response, with warc {file, offset, record_id}.\n"
     "With output.dir, records go to lake files instead (jsonl.zst or avro).\n",
     NW_CMD_EXTRACT},
    {"fetch",
     "usage: newsworker fetch [URL...] [--input FILE|-]\n"
     "\n"
     "Fetches the URLs (or url-job JSON lines from FILE, '-' = stdin; stdin when neither\n"
     "is given) and writes one record per input: to output.file (JSONL, '-' = stdout), or\n"
     "with kafka.bootstrap.servers to output.topic / errors.topic and routed topics; with\n"
     "output.dir to lake files (DIR/articles|errors/dt=/hour=/, jsonl.zst or avro), even\n"
     "when a broker is set.\n"
     "With metrics.listen set, serves /metrics, /healthz and /readyz while it runs.\n",
     NW_CMD_FETCH},
    {"run",
     "usage: newsworker run [options]\n"
     "\n"
     "The service: consumes url jobs from input.topic as a member of a Kafka consumer group\n"
     "(kafka.group.id), publishes one record per job (articles to output.topic and routed\n"
     "topics, errors to errors.topic) and stores each input offset once its record is\n"
     "delivered. kafka.bootstrap.servers is required ('embedded' starts an in-process mock\n"
     "cluster). SIGTERM/SIGINT drain and exit; a second signal exits at once.\n"
     "With metrics.listen set, serves /metrics (Prometheus), /healthz (the loop turns) and\n"
     "/readyz (partitions assigned, producer connected to a broker).\n"
     "With output.dir, records go to lake files named by source partition and first\n"
     "offset instead of output topics, and offsets are committed once their files are\n"
     "closed (exactly once into files).\n",
     NW_CMD_RUN},
    {"watch",
     "usage: newsworker watch [--once] [URL...] [options]\n"
     "\n"
     "Feed and sitemap monitoring: polls the feeds, sitemaps, robots.txt Sitemap lines and\n"
     "home pages (their feed links) listed in watch.sources, watch.sources.topic and the URLs\n"
     "given, and writes every newly seen item as a url job: to input.topic (keyed by URL)\n"
     "with kafka.bootstrap.servers, else as JSON lines to output.file ('-' = stdout), so\n"
     "'newsworker watch | newsworker fetch --input -' works. What was seen persists in\n"
     "watch.state_file or watch.state.topic, saved only once every job it marks as emitted\n"
     "was delivered. robots.txt is obeyed for feed fetches (watch.robots, on by default).\n"
     "\n"
     "  --once   poll each source once, deliver the jobs, save the state and exit:\n"
     "           0 when every source was read, 1 when any failed this pass (an error\n"
     "           record: fetch failure, robots.txt refusal, parse stopped part-way; the\n"
     "           jobs found before are still delivered and the state saved)\n"
     "\n"
     "SIGTERM/SIGINT: stop polling, deliver what was found and save the state, within\n"
     "worker.shutdown_timeout_ms; exit 1 if a job could not be delivered (its item is not\n"
     "marked seen, so the next run emits it again). With metrics.listen set, serves\n"
     "/metrics (newsworker_watch_* families), /healthz (the loop turns) and /readyz.\n",
     NW_CMD_WATCH},
};

static void command_usage(FILE *f, const struct command_help *h, const struct nw_config *cfg)
{
    fprintf(f, "%s", h->text);
    fprintf(f, "\noptions: -c FILE (configuration file), -o KEY=VALUE (override, repeatable),\n"
               "-h/--help, -V/--version; environment NEWSWORKER_<KEY>.\n");
    fprintf(f, "\nconfiguration keys it reads (current value):\n");
    nw_config_describe_command(cfg, f, h->command);
}

/* Splits argv into common options (applied after file and env) and the command's own
 * arguments, which are compacted into cmd_argv. */
static int parse_args(int argc, char **argv, const char **config_file, char **overrides,
                      int *n_overrides, char **cmd_argv, int *cmd_argc, int *want_help,
                      int *want_version)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-c") || !strcmp(a, "-o")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "newsworker: %s needs an argument\n", a);
                return -1;
            }
            if (a[1] == 'c') {
                /* One file: a second would silently replace the first. */
                if (*config_file) {
                    fprintf(stderr,
                            "newsworker: -c given twice ('%s', '%s'): one configuration file, "
                            "then -o KEY=VALUE to override\n",
                            *config_file, argv[i + 1]);
                    return -1;
                }
                *config_file = argv[++i];
            } else
                overrides[(*n_overrides)++] = argv[++i];
        } else if (!strncmp(a, "-o", 2) && a[2]) {
            overrides[(*n_overrides)++] = (char *)a + 2;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            *want_help = 1;
        } else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            *want_version = 1;
        } else {
            cmd_argv[(*cmd_argc)++] = argv[i];
        }
    }
    cmd_argv[*cmd_argc] = NULL;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(struct nw_config *, int, char **);
    } commands[] = {
        {"extract", nw_cmd_extract},
        {"fetch", nw_cmd_fetch},
        {"run", nw_cmd_run},
        {"watch", nw_cmd_watch},
    };
    char errstr[512], env_warnings[2048] = "", **overrides, **cmd_argv;
    const char *config_file = NULL;
    int n_overrides = 0, cmd_argc = 0, want_help = 0, want_version = 0;
    int code = NW_EXIT_USAGE;
    struct nw_config *cfg;
    enum nw_log_level level;
    enum nw_log_format format;

    cfg = nw_config_create();
    overrides = calloc((size_t)argc + 1, sizeof(char *));
    cmd_argv = calloc((size_t)argc + 1, sizeof(char *));
    if (!cfg || !overrides || !cmd_argv) {
        fprintf(stderr, "newsworker: out of memory\n");
        code = NW_EXIT_FAILURE;
        goto out;
    }
    if (parse_args(argc, argv, &config_file, overrides, &n_overrides, cmd_argv, &cmd_argc,
                   &want_help, &want_version))
        goto out;
    if (want_version) {
        printf("newsworker %s\n", NW_VERSION);
        code = NW_EXIT_OK;
        goto out;
    }
    if (config_file && nw_config_load_file(cfg, config_file, errstr, sizeof(errstr))) {
        fprintf(stderr, "newsworker: config error: %s\n", errstr);
        goto out;
    }
    if (nw_config_load_env(cfg, environ, env_warnings, sizeof(env_warnings), errstr,
                           sizeof(errstr))) {
        fprintf(stderr, "newsworker: config error: %s\n", errstr);
        goto out;
    }
    for (int i = 0; i < n_overrides; i++) {
        if (nw_config_set_pair(cfg, overrides[i], errstr, sizeof(errstr))) {
            /* errstr names the key; the value may hold the very newline it is refused for */
            fprintf(stderr, "newsworker: config error: -o %.*s: %s\n",
                    (int)strcspn(overrides[i], "=\r\n"), overrides[i], errstr);
            goto out;
        }
    }
    if (nw_config_check(cfg, errstr, sizeof(errstr))) {
        fprintf(stderr, "newsworker: config error: %s\n", errstr);
        goto out;
    }
    /* Every command, with or without a broker: a misspelled kafka.* key is refused here
     * rather than ignored where no client is built. */
    if (nw_kafka_conf_check(cfg, errstr, sizeof(errstr))) {
        fprintf(stderr, "newsworker: config error: %s\n", errstr);
        goto out;
    }
    /* A rules file that cannot be read is a config error for every command, with or
     * without a broker. */
    if (nw_config_get(cfg, "route.rules")) {
        struct nw_route *route = NULL;
        if (nw_route_load_file(nw_config_get(cfg, "route.rules"), &route, errstr, sizeof(errstr))) {
            fprintf(stderr, "newsworker: config error: %s\n", errstr);
            goto out;
        }
        nw_route_destroy(route);
    }
    if (want_help && cmd_argc > 0) {
        for (size_t i = 0; i < sizeof(command_helps) / sizeof(command_helps[0]); i++) {
            if (!strcmp(cmd_argv[0], command_helps[i].name)) {
                command_usage(stdout, &command_helps[i], cfg);
                code = NW_EXIT_OK;
                goto out;
            }
        }
    }
    if (want_help || cmd_argc == 0) {
        usage(want_help ? stdout : stderr, cfg);
        code = want_help ? NW_EXIT_OK : NW_EXIT_USAGE;
        goto out;
    }
    if (nw_log_level_parse(nw_config_get(cfg, "log.level"), &level) == 0)
        nw_log_set_level(level);
    if (nw_log_format_parse(nw_config_get(cfg, "log.format"), &format) == 0)
        nw_log_set_format(format);
    /* unknown NEWSWORKER_* names (a typo, a platform's variable): logged, never fatal */
    for (char *line = env_warnings, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        *nl = '\0';
        nw_log(NW_LOG_WARN, "config", "%s", line);
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (!strcmp(cmd_argv[0], commands[i].name)) {
            code = commands[i].fn(cfg, cmd_argc - 1, cmd_argv + 1);
            goto out;
        }
    }
    fprintf(stderr, "newsworker: unknown command '%s' (try --help)\n", cmd_argv[0]);
out:
    nw_config_destroy(cfg);
    free(overrides);
    free(cmd_argv);
    return code;
}
