/* utf8.c — strict UTF-8 decoding per RFC 3629. */
#include "utf8.h"

#include <string.h>

#include "mem.h"

size_t nw_utf8_seq_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return avail >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (avail < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && s[1] >= 0xA0)
            return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (avail < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0; /* overlong */
        if (c == 0xF4 && s[1] >= 0x90)
            return 0; /* past U+10FFFF */
        return 4;
    }
    return 0;
}

int nw_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        size_t n;
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        n = nw_utf8_seq_len(p + i, len - i);
        if (!n)
            return 0;
        i += n;
    }
    return 1;
}

enum nw_status nw_utf8_sanitize(const char *s, size_t len, char **out, size_t *out_len,
                                size_t *replaced)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0, bad = 0;
    char *dst;

    /* First pass: the exact output size, so that a large body is not given 3x its size
     * up front (each invalid byte grows to the 3-byte U+FFFD). */
    while (i < len) {
        size_t n = nw_utf8_seq_len(p + i, len - i);
        if (n == 1 && p[i] == 0) {
            i++;
        } else if (!n) {
            if (o > ((size_t)-1) / 2 - 3)
                return NW_ETOOBIG;
            o += 3;
            i++;
        } else {
            o += n;
            i += n;
        }
    }
    dst = nw_malloc(o + 1);
    if (!dst)
        return NW_ENOMEM;
    i = 0;
    o = 0;
    while (i < len) {
        size_t n = nw_utf8_seq_len(p + i, len - i);
        if (n == 1 && p[i] == 0) {
            i++;
            continue;
        }
        if (!n) {
            memcpy(dst + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
            bad++;
            continue;
        }
        memcpy(dst + o, p + i, n);
        o += n;
        i += n;
    }
    dst[o] = '\0';
    *out = dst;
    if (out_len)
        *out_len = o;
    if (replaced)
        *replaced = bad;
    return NW_OK;
}
