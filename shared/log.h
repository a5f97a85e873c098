/*
 * log.h — leveled logging to one sink (stderr by default).
 *
 * Lines look like `2026-11-23T10:00:00Z warn fetch: message`. The worker may install
 * another sink (e.g. JSON lines for log shippers). Level and sink are process-wide
 * settings made once at start-up, before threads exist.
 */
#ifndef NW_LOG_H
#define NW_LOG_H

#include <stdarg.h>

enum nw_log_level {
    NW_LOG_ERROR = 0,
    NW_LOG_WARN = 1,
    NW_LOG_INFO = 2,
    NW_LOG_DEBUG = 3,
};

/* Receives each formatted message that passes the level filter. */
typedef void nw_log_sink_fn(enum nw_log_level level, const char *component, const char *message,
                            void *ctx);

void nw_log_set_level(enum nw_log_level level);
enum nw_log_level nw_log_get_level(void);

/* Parses "error", "warn", "info", "debug"; returns 0 on success, -1 if unknown. */
int nw_log_level_parse(const char *name, enum nw_log_level *out);
const char *nw_log_level_name(enum nw_log_level level);

/* Installs a sink; NULL restores the stderr text sink. */
void nw_log_set_sink(nw_log_sink_fn *sink, void *ctx);

void nw_log(enum nw_log_level level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void nw_vlog(enum nw_log_level level, const char *component, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#define NW_LOG_ERROR(comp, ...) nw_log(NW_LOG_ERROR, comp, __VA_ARGS__)
#define NW_LOG_WARN(comp, ...) nw_log(NW_LOG_WARN, comp, __VA_ARGS__)
#define NW_LOG_INFO(comp, ...) nw_log(NW_LOG_INFO, comp, __VA_ARGS__)
#define NW_LOG_DEBUG(comp, ...) nw_log(NW_LOG_DEBUG, comp, __VA_ARGS__)

#endif
