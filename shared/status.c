/* status.c — names and messages for enum nw_status. */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>

const char *nw_status_name(enum nw_status status)
{
    switch (status) {
    case NW_OK:
        return "ok";
    case NW_ENOMEM:
        return "out_of_memory";
    case NW_EINVAL:
        return "invalid";
    case NW_ETOOBIG:
        return "too_big";
    case NW_EPARSE:
        return "parse_error";
    case NW_ECHARSET:
        return "charset";
    case NW_ENOCONTENT:
        return "no_content";
    case NW_EIO:
        return "io_error";
    case NW_ECONFIG:
        return "config";
    case NW_EUNSUPPORTED:
        return "unsupported";
    case NW_ETIMEOUT:
        return "timeout";
    case NW_EDENIED:
        return "denied";
    case NW_EHTTP:
        return "http_status";
    case NW_ENETWORK:
        return "network";
    case NW_EKAFKA:
        return "kafka";
    case NW_EINTERNAL:
        return "internal";
    case NW_ENOTHTML:
        return "not_html";
    }
    return "unknown";
}

const char *nw_status_message(enum nw_status status)
{
    switch (status) {
    case NW_OK:
        return "success";
    case NW_ENOMEM:
        return "out of memory";
    case NW_EINVAL:
        return "invalid input";
    case NW_ETOOBIG:
        return "input too large";
    case NW_EPARSE:
        return "parse error";
    case NW_ECHARSET:
        return "unsupported character set";
    case NW_ENOCONTENT:
        return "no article content found";
    case NW_EIO:
        return "I/O error";
    case NW_ECONFIG:
        return "configuration error";
    case NW_EUNSUPPORTED:
        return "not supported";
    case NW_ETIMEOUT:
        return "timed out";
    case NW_EDENIED:
        return "refused by policy";
    case NW_EHTTP:
        return "unexpected HTTP status";
    case NW_ENETWORK:
        return "network error";
    case NW_EKAFKA:
        return "Kafka error";
    case NW_EINTERNAL:
        return "internal error";
    case NW_ENOTHTML:
        return "not HTML";
    }
    return "unknown error";
}

enum nw_status nw_fail(enum nw_status status, char *errstr, size_t errstr_size, const char *fmt,
                       ...)
{
    va_list ap;

    if (errstr && errstr_size) {
        va_start(ap, fmt);
        vsnprintf(errstr, errstr_size, fmt, ap);
        va_end(ap);
    }
    return status;
}
