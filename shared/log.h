/*
 * log.h — leveled logging to one sink (stderr by default), as text or JSON lines.
 *
 * Text lines look like `2026-11-23T10:00:00Z warn fetch: message` (the default).
 * With NW_LOG_FORMAT_JSON each line is one JSON object for log shippers:
 *   {"ts":"2026-11-23T10:00:00.123Z","level":"warn","component":"fetch","msg":"...",
 *    "url":"...","topic":"...","partition":3,"offset":42,"code":"http_404","http_status":404}
 * where the fields after msg appear only when the call gives them (nw_log_kv).
 * Text lines stay as they are whether or not a call gives fields.
 *
 * Level, format and sink are process-wide settings made once at start-up, before threads
 * exist. Logging itself may happen from any thread: a line is built whole and written
 * with one stdio call.
 */
#ifndef NW_LOG_H
#define NW_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum nw_log_level {
    NW_LOG_ERROR = 0,
    NW_LOG_WARN = 1,
    NW_LOG_INFO = 2,
    NW_LOG_DEBUG = 3,
};

enum nw_log_format {
    NW_LOG_FORMAT_TEXT = 0,
    NW_LOG_FORMAT_JSON = 1,
};

/* Structured fields of one log line. Strings are borrowed for the call; NULL = absent.
 * partition and offset are written only when topic is set, and only when >= 0: a caller
 * that sets topic sets both (-1 for unknown). http_status is written when > 0. */
struct nw_log_fields {
    const char *url;
    const char *topic;
    int32_t partition;
    int64_t offset;
    const char *code;
    long http_status;
};

/* Receives each formatted message that passes the level filter. */
typedef void nw_log_sink_fn(enum nw_log_level level, const char *component, const char *message,
                            void *ctx);

void nw_log_set_level(enum nw_log_level level);
enum nw_log_level nw_log_get_level(void);

/* Parses "error", "warn", "info", "debug"; returns 0 on success, -1 if unknown. */
int nw_log_level_parse(const char *name, enum nw_log_level *out);
const char *nw_log_level_name(enum nw_log_level level);

/* Parses "text", "json"; returns 0 on success, -1 if unknown. */
int nw_log_format_parse(const char *name, enum nw_log_format *out);
/* Format of the default (stderr) sink. */
void nw_log_set_format(enum nw_log_format format);

/* Installs a sink; NULL restores the stderr sink. A sink gets the message only. */
void nw_log_set_sink(nw_log_sink_fn *sink, void *ctx);

/* Writes one complete line (with its '\n') for the message into out (NUL-terminated,
 * cut to out_size - 1 bytes; a JSON line that would not fit loses the end of its msg
 * instead, so it stays valid JSON). ts_ms is milliseconds since the epoch. fields may be
 * NULL. Returns the length written. Pure: used by the stderr sink and by tests. */
size_t nw_log_format_line(char *out, size_t out_size, enum nw_log_format format, long long ts_ms,
                          enum nw_log_level level, const char *component,
                          const struct nw_log_fields *fields, const char *message);

void nw_log(enum nw_log_level level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void nw_vlog(enum nw_log_level level, const char *component, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* As nw_log, with structured fields (JSON format only; text lines show the message). */
void nw_log_kv(enum nw_log_level level, const char *component, const struct nw_log_fields *fields,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define NW_LOG_ERROR(comp, ...) nw_log(NW_LOG_ERROR, comp, __VA_ARGS__)
#define NW_LOG_WARN(comp, ...) nw_log(NW_LOG_WARN, comp, __VA_ARGS__)
#define NW_LOG_INFO(comp, ...) nw_log(NW_LOG_INFO, comp, __VA_ARGS__)
#define NW_LOG_DEBUG(comp, ...) nw_log(NW_LOG_DEBUG, comp, __VA_ARGS__)

/* Field sets for the common cases, as compound literals: NW_LOG_AT(topic, partition,
 * offset) for a Kafka position, NW_LOG_URL(url, code) for a page. */
#define NW_LOG_AT(t, p, o)                                                                         \
    (&(const struct nw_log_fields){.topic = (t), .partition = (p), .offset = (o)})
#define NW_LOG_URL(u, c) (&(const struct nw_log_fields){.url = (u), .code = (c)})

#endif
