/* utf8.c — strict UTF-8 decoding per RFC 3629. */
#include "utf8.h"

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* Length of the leading run of ASCII bytes other than NUL, sixteen or eight at a time
 * where it can: news pages are mostly markup, so this is where decoding spends its time. */
static size_t ascii_run(const unsigned char *p, size_t len)
{
    const uint64_t high = 0x8080808080808080ull, ones = 0x0101010101010101ull;
    size_t i = 0;

#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= len) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        /* the high bit of a byte >= 0x80, or of the 0xFF that marks a zero byte */
        int mask = _mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, zero)));
        if (mask)
            return i + (size_t)__builtin_ctz((unsigned)mask);
        i += 16;
    }
#endif
    while (i + 8 <= len) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        /* any byte >= 0x80, or any zero byte */
        if ((w & high) || ((w - ones) & ~w & high))
            break;
        i += 8;
    }
    while (i < len && p[i] > 0 && p[i] < 0x80)
        i++;
    return i;
}

int nw_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        size_t n;
        i += ascii_run(p + i, len - i);
        if (i >= len)
            break;
        if (p[i] < 0x80) { /* NUL is valid UTF-8 */
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
    int changed = 0; /* any NUL dropped or byte replaced */
    char *dst;

    /* The common case first: valid and NUL-free, copied while it is checked, in one pass
     * over the bytes. At the first NUL or invalid byte, the careful two passes below. */
    dst = nw_malloc(len + 1);
    if (!dst)
        return NW_ENOMEM;
    while (i < len) {
        size_t run = ascii_run(p + i, len - i), n;
        memcpy(dst + i, p + i, run);
        i += run;
        if (i >= len)
            break;
        n = nw_utf8_seq_len(p + i, len - i);
        if (!n || (n == 1 && p[i] == 0)) {
            changed = 1;
            break;
        }
        memcpy(dst + i, p + i, n);
        i += n;
    }
    if (!changed) {
        dst[len] = '\0';
        *out = dst;
        if (out_len)
            *out_len = len;
        if (replaced)
            *replaced = 0;
        return NW_OK;
    }
    nw_free(dst);

    /* The exact output size, so that a large body is not given 3x its size up front
     * (each invalid byte grows to the 3-byte U+FFFD). The bytes before i are valid. */
    o = i;
    while (i < len) {
        size_t run = ascii_run(p + i, len - i), n;
        i += run;
        o += run;
        if (i >= len)
            break;
        n = nw_utf8_seq_len(p + i, len - i);
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
