/*
 * status.h — newsworker's one error vocabulary.
 *
 * Every function that can fail returns an enum nw_status: NW_OK (0) or a negative
 * error. Callers hold it in a variable named `result` and leave through one `out:` label.
 * Where a human-readable message is needed the caller also passes
 * `char *errstr, size_t errstr_size`, filled only on failure.
 */
#ifndef NW_STATUS_H
#define NW_STATUS_H

#include <stddef.h>

enum nw_status {
    NW_OK = 0,
    NW_ENOMEM = -1,       /* an allocation failed: fails the job, never the process */
    NW_EINVAL = -2,       /* bad argument or malformed input */
    NW_ETOOBIG = -3,      /* input exceeds a configured bound */
    NW_EPARSE = -4,       /* input could not be parsed */
    NW_ECHARSET = -5,     /* unknown or unsupported character set */
    NW_ENOCONTENT = -6,   /* no article text could be found */
    NW_EIO = -7,          /* file or stream I/O failed */
    NW_ECONFIG = -8,      /* configuration key or value rejected */
    NW_EUNSUPPORTED = -9, /* scheme, format or feature not supported */
    NW_ETIMEOUT = -10,    /* a bounded wait ran out */
    NW_EDENIED = -11,     /* refused by policy: scheme, private address, robots.txt */
    NW_EHTTP = -12,       /* the server answered with a non-success status */
    NW_ENETWORK = -13,    /* DNS, connect, TLS or transfer failure */
    NW_EKAFKA = -14,      /* Kafka client failure */
    NW_EINTERNAL = -15,   /* a bug: an invariant did not hold */
    NW_ENOTHTML = -16,    /* the content is not HTML or text (a PDF, an image, binary) */
};

/* Stable snake_case name of a status ("too_big"), used as `code` in error records.
 * Returns a static string; never NULL. */
const char *nw_status_name(enum nw_status status);

/* Short English description of a status. Returns a static string; never NULL. */
const char *nw_status_message(enum nw_status status);

/* Writes a formatted message into errstr (if errstr and errstr_size are non-zero),
 * always NUL-terminated, truncated to fit. Returns `status` so callers can write
 * `return nw_fail(NW_EINVAL, errstr, errstr_size, "bad key %s", key);`. */
enum nw_status nw_fail(enum nw_status status, char *errstr, size_t errstr_size, const char *fmt,
                       ...) __attribute__((format(printf, 4, 5)));

#endif
