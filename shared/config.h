/*
 * config.h — newsworker's configuration: a table of known keys with types, defaults and
 * bounds, plus the `kafka.*` pass-through to librdkafka.
 *
 * Sources, later wins: a properties file (`key = value`, `#` comments), environment
 * variables (NEWSWORKER_FETCH_TIMEOUT_MS sets fetch.timeout_ms), then `-o key=value`.
 * In a file, white space around key and value is dropped, and a value wrapped in one
 * pair of matching quotes (`key = "v"` or `key = 'v'`) loses them (`"a"b"` keeps all: the
 * first and last characters are the pair); inside, nothing is unescaped. A key given twice
 * in one file is an error naming both lines (a silent "last wins" hides the mistake of
 * editing the first of two lines). -o and environment values are taken as they are.
 * An unknown key or a value of the wrong type or out of range is NW_ECONFIG with a
 * message that names the key (and the file and line, for files).
 * Keys under `kafka.` are not checked here (this core has no librdkafka): the worker asks
 * librdkafka whether it knows each property at start (kafka_conf.h).
 * `kafka.consumer.X` and `kafka.producer.X` reach one client only.
 */
#ifndef NW_CONFIG_H
#define NW_CONFIG_H

#include <stddef.h>

#include "status.h"

struct nw_config;

/* A new configuration holding only defaults. Caller frees with nw_config_destroy. */
struct nw_config *nw_config_create(void);
void nw_config_destroy(struct nw_config *cfg);

/* Sets one key (validated). The strings are copied. */
enum nw_status nw_config_set(struct nw_config *cfg, const char *key, const char *value,
                             char *errstr, size_t errstr_size);

/* Parses "key=value" (as given to -o) and sets it. */
enum nw_status nw_config_set_pair(struct nw_config *cfg, const char *pair, char *errstr,
                                  size_t errstr_size);

/* Loads a properties file. Messages name "FILE:LINE". */
enum nw_status nw_config_load_file(struct nw_config *cfg, const char *path, char *errstr,
                                   size_t errstr_size);

/* Applies NEWSWORKER_* variables from envp (NULL-terminated, like environ).
 * Variables the platform injects are skipped: Kubernetes' NEWSWORKER_<X>_SERVICE_HOST,
 * _SERVICE_PORT[_<NAME>], _PORT and _PORT_<n>_<TCP|UDP|SCTP>[_PROTO|_PORT|_ADDR] for a
 * Service whose name starts with "newsworker". Any other name that is no key is not an
 * error: a line naming the closest key is appended to warnings (caller's buffer, reset
 * here, '\n'-terminated lines, lines that do not fit are dropped; NULL = none) for the
 * caller to log once logging is set up. A bad value for a real key is NW_ECONFIG. */
enum nw_status nw_config_load_env(struct nw_config *cfg, char *const *envp, char *warnings,
                                  size_t warnings_size, char *errstr, size_t errstr_size);

/* Value of a known key (its default if unset), or NULL for a key with no value.
 * Borrowed: valid until the key is set again or cfg is destroyed.
 * Asking for a key that is not in the table is a bug and returns NULL. */
const char *nw_config_get(const struct nw_config *cfg, const char *key);
long long nw_config_get_int(const struct nw_config *cfg, const char *key);
int nw_config_get_bool(const struct nw_config *cfg, const char *key);

/* Checks what no single source can: fetch.retry_backoff_max_ms not below
 * fetch.retry_backoff_ms; string keys where empty makes no sense (topics, files, folders,
 * fetch.user_agent, worker.state_dir, watch.*), kafka.bootstrap.servers and
 * kafka.group.id (and their consumer./producer. forms) not set empty. NW_ECONFIG with a
 * message naming the key. Call once every source is loaded. */
enum nw_status nw_config_check(const struct nw_config *cfg, char *errstr, size_t errstr_size);

/* True if the key was set explicitly by file, env or -o (not a default). */
int nw_config_is_set(const struct nw_config *cfg, const char *key);

/* Calls fn for each kafka.* key set for `client` ("consumer" or "producer"): first the
 * common kafka.X keys, then kafka.<client>.X, with the librdkafka property name X.
 * With client NULL: every kafka.* key, by its full name ("kafka.consumer.X"). */
typedef void nw_config_kafka_fn(const char *property, const char *value, void *ctx);
void nw_config_foreach_kafka(const struct nw_config *cfg, const char *client,
                             nw_config_kafka_fn *fn, void *ctx);

/* The commands, as bits: each key in the table says which of them read it. */
#define NW_CMD_EXTRACT 1u
#define NW_CMD_FETCH 2u
#define NW_CMD_RUN 4u
#define NW_CMD_WATCH 8u
#define NW_CMD_ALL (NW_CMD_EXTRACT | NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH)
/* The commands that build Kafka clients (so read kafka.*). */
#define NW_CMD_KAFKA (NW_CMD_FETCH | NW_CMD_RUN | NW_CMD_WATCH)

/* Writes the key table (name, type, current value or default, description) to a stream,
 * for --help: every key, or only the keys read by one of the given NW_CMD_* commands. */
void nw_config_describe(const struct nw_config *cfg, void *stream);
void nw_config_describe_command(const struct nw_config *cfg, void *stream, unsigned commands);

/* 1 if one of the NW_CMD_* commands reads the key (kafka.* by the Kafka commands). */
int nw_config_key_read_by(const char *key, unsigned commands);

#endif
