/* log.c — leveled logging with a replaceable sink, as text or JSON lines. */
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "utf8.h"

/* A JSON line keeps at least this much room for the fields and the closing brace. */
#define LINE_MAX_BYTES 4096
#define MESSAGE_MAX_BYTES 2048

static enum nw_log_level current_level = NW_LOG_INFO;
static enum nw_log_format current_format = NW_LOG_FORMAT_TEXT;
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

int nw_log_format_parse(const char *name, enum nw_log_format *out)
{
    if (!strcmp(name, "text"))
        *out = NW_LOG_FORMAT_TEXT;
    else if (!strcmp(name, "json"))
        *out = NW_LOG_FORMAT_JSON;
    else
        return -1;
    return 0;
}

void nw_log_set_format(enum nw_log_format format)
{
    current_format = format;
}

void nw_log_set_sink(nw_log_sink_fn *sink, void *ctx)
{
    current_sink = sink;
    current_ctx = ctx;
}

/* A bounded writer: appends while there is room, remembers the length it would need. */
struct line {
    char *out;
    size_t size, len;
};

static void put_bytes(struct line *l, const char *s, size_t n)
{
    if (l->len < l->size) {
        size_t room = l->size - 1 - l->len;
        memcpy(l->out + l->len, s, n < room ? n : room);
        l->out[l->len + (n < room ? n : room)] = '\0';
    }
    l->len += n;
}

static void put(struct line *l, const char *s)
{
    put_bytes(l, s, strlen(s));
}

/* Text-line form of a message: every control character (LF and CR too) as an escape
 * (backslash-n, -r, -t, else backslash-xNN), so that one message is one line whatever it carries.
 */
static void put_text_escaped(struct line *l, const char *s)
{
    char esc[8];

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p != 0x7f) {
            put_bytes(l, (const char *)p, 1);
            continue;
        }
        if (*p == '\n')
            put(l, "\\n");
        else if (*p == '\r')
            put(l, "\\r");
        else if (*p == '\t')
            put(l, "\\t");
        else {
            snprintf(esc, sizeof(esc), "\\x%02x", *p);
            put(l, esc);
        }
    }
}

/* A JSON string of at most max input bytes: control characters escaped, invalid UTF-8
 * bytes as U+FFFD, never cut inside a sequence. */
static void put_json_string(struct line *l, const char *s, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;
    char esc[8];

    put(l, "\"");
    while (i < n && i < max) {
        size_t k = nw_utf8_seq_len(p + i, n - i);
        if (k == 0) {
            put(l, "\\ufffd");
            i++;
        } else if (k > 1) {
            if (i + k > max)
                break;
            put_bytes(l, s + i, k);
            i += k;
        } else if (p[i] == '"' || p[i] == '\\') {
            esc[0] = '\\';
            esc[1] = (char)p[i];
            put_bytes(l, esc, 2);
            i++;
        } else if (p[i] < 0x20 || p[i] == 0x7f) {
            snprintf(esc, sizeof(esc), "\\u%04x", p[i]);
            put(l, esc);
            i++;
        } else {
            put_bytes(l, s + i, 1);
            i++;
        }
    }
    put(l, "\"");
}

static void put_field_str(struct line *l, const char *key, const char *value)
{
    if (!value)
        return;
    put(l, ",\"");
    put(l, key);
    put(l, "\":");
    put_json_string(l, value, 1024);
}

static void put_field_num(struct line *l, const char *key, long long value)
{
    char num[32];

    snprintf(num, sizeof(num), "%lld", value);
    put(l, ",\"");
    put(l, key);
    put(l, "\":");
    put(l, num);
}

static void put_json(struct line *l, const char *stamp, enum nw_log_level level,
                     const char *component, const struct nw_log_fields *f, const char *message,
                     size_t message_max)
{
    put(l, "{\"ts\":\"");
    put(l, stamp);
    put(l, "\",\"level\":\"");
    put(l, nw_log_level_name(level));
    put(l, "\",\"component\":");
    put_json_string(l, component, 64);
    put(l, ",\"msg\":");
    put_json_string(l, message, message_max);
    if (f) {
        put_field_str(l, "url", f->url);
        put_field_str(l, "topic", f->topic);
        if (f->topic && f->partition >= 0)
            put_field_num(l, "partition", f->partition);
        if (f->topic && f->offset >= 0)
            put_field_num(l, "offset", f->offset);
        put_field_str(l, "code", f->code);
        if (f->http_status > 0)
            put_field_num(l, "http_status", f->http_status);
    }
    put(l, "}\n");
}

size_t nw_log_format_line(char *out, size_t out_size, enum nw_log_format format, long long ts_ms,
                          enum nw_log_level level, const char *component,
                          const struct nw_log_fields *fields, const char *message)
{
    struct line l = {out, out_size, 0};
    char stamp[40], date[32];
    time_t secs = (time_t)(ts_ms / 1000);
    struct tm tm;

    if (out_size == 0)
        return 0;
    out[0] = '\0';
    gmtime_r(&secs, &tm);
    if (format == NW_LOG_FORMAT_TEXT) {
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
        put(&l, stamp);
        put(&l, " ");
        put(&l, nw_log_level_name(level));
        put(&l, " ");
        put(&l, component);
        put(&l, ": ");
        put_text_escaped(&l, message);
        if (l.len + 1 >= out_size) /* cut: still one line */
            l.len = out_size - 2;
        out[l.len] = '\n';
        out[l.len + 1] = '\0';
        return l.len + 1;
    }
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(stamp, sizeof(stamp), "%s.%03dZ", date, (int)(ts_ms % 1000));
    put_json(&l, stamp, level, component, fields, message, MESSAGE_MAX_BYTES);
    if (l.len >= out_size) {
        /* Too long: the fields stay, the message gives way. */
        /* Each message byte dropped drops at least one byte of the line. */
        size_t over = l.len - (out_size - 1), keep = strlen(message);
        if (keep > MESSAGE_MAX_BYTES)
            keep = MESSAGE_MAX_BYTES;
        keep = keep > over ? keep - over : 0;
        l = (struct line){out, out_size, 0};
        put_json(&l, stamp, level, component, fields, message,
                 keep < MESSAGE_MAX_BYTES ? keep : MESSAGE_MAX_BYTES);
        if (l.len >= out_size) {
            l = (struct line){out, out_size, 0};
            put_json(&l, stamp, level, "?", NULL, "", 0);
        }
    }
    return l.len < out_size ? l.len : out_size - 1;
}

static void stderr_sink(enum nw_log_level level, const char *component,
                        const struct nw_log_fields *fields, const char *message)
{
    char line[LINE_MAX_BYTES];
    struct timespec ts;
    size_t n;

    clock_gettime(CLOCK_REALTIME, &ts);
    n = nw_log_format_line(line, sizeof(line), current_format,
                           (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, level, component,
                           fields, message);
    fwrite(line, 1, n, stderr);
}

static void vlog_fields(enum nw_log_level level, const char *component,
                        const struct nw_log_fields *fields, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void vlog_fields(enum nw_log_level level, const char *component,
                        const struct nw_log_fields *fields, const char *fmt, va_list ap)
{
    char message[MESSAGE_MAX_BYTES];

    if (level > current_level)
        return;
    vsnprintf(message, sizeof(message), fmt, ap);
    if (current_sink)
        current_sink(level, component, message, current_ctx);
    else
        stderr_sink(level, component, fields, message);
}

void nw_vlog(enum nw_log_level level, const char *component, const char *fmt, va_list ap)
{
    vlog_fields(level, component, NULL, fmt, ap);
}

void nw_log(enum nw_log_level level, const char *component, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog_fields(level, component, NULL, fmt, ap);
    va_end(ap);
}

void nw_log_kv(enum nw_log_level level, const char *component, const struct nw_log_fields *fields,
               const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog_fields(level, component, fields, fmt, ap);
    va_end(ap);
}
