/* log.c — leveled logging with a replaceable sink. */
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static enum nw_log_level current_level = NW_LOG_INFO;
static nw_log_sink_fn *current_sink;
static void *current_ctx;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void nw_log_set_level(enum nw_log_level level)
{
    current_level = level;
}

enum nw_log_level nw_log_get_level(void)
{
    return current_level;
}

int nw_log_level_parse(const char *name, enum nw_log_level *out)
{
    for (int i = 0; i <= NW_LOG_DEBUG; i++) {
        if (strcmp(name, level_names[i]) == 0) {
            *out = (enum nw_log_level)i;
            return 0;
        }
    }
    return -1;
}

const char *nw_log_level_name(enum nw_log_level level)
{
    return level <= NW_LOG_DEBUG ? level_names[level] : "?";
}

void nw_log_set_sink(nw_log_sink_fn *sink, void *ctx)
{
    current_sink = sink;
    current_ctx = ctx;
}

static void stderr_sink(enum nw_log_level level, const char *component, const char *message)
{
    char stamp[32];
    struct tm tm;
    time_t now = time(NULL);

    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(stderr, "%s %s %s: %s\n", stamp, nw_log_level_name(level), component, message);
}

void nw_vlog(enum nw_log_level level, const char *component, const char *fmt, va_list ap)
{
    char message[2048];

    if (level > current_level)
        return;
    vsnprintf(message, sizeof(message), fmt, ap);
    if (current_sink)
        current_sink(level, component, message, current_ctx);
    else
        stderr_sink(level, component, message);
}

void nw_log(enum nw_log_level level, const char *component, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    nw_vlog(level, component, fmt, ap);
    va_end(ap);
}
