/* seen.c — sorted hash sets with last-listed times, bounded by age and count. */
#include "seen.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

uint64_t nw_seen_hash(const char *s, size_t n, uint64_t seed)
{
    uint64_t h = 1469598103934665603ull ^ seed;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    /* splitmix64 finalizer: spreads FNV's weak low bits. */
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}

struct nw_seen_entry *nw_seen_find(struct nw_seen *s, uint64_t h)
{
    size_t lo = 0, hi = s->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->e[mid].h < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && s->e[lo].h == h ? &s->e[lo] : NULL;
}

static int cmp_entry(const void *a, const void *b)
{
    uint64_t x = ((const struct nw_seen_entry *)a)->h, y = ((const struct nw_seen_entry *)b)->h;
    return x < y ? -1 : x > y;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The time of the oldest entry among the newest max, and how many entries at exactly that
 * time belong to them. NW_ENOMEM possible. Only called when n > max. */
static enum nw_status newest_cut(const struct nw_seen_entry *e, size_t n, size_t max, uint32_t *cut,
                                 size_t *at_cut)
{
    uint32_t *times = nw_malloc(n * sizeof(*times));

    if (!times)
        return NW_ENOMEM;
    for (size_t i = 0; i < n; i++)
        times[i] = e[i].t;
    qsort(times, n, sizeof(*times), cmp_u32);
    *cut = times[n - max];
    *at_cut = 0;
    for (size_t i = n - max; i < n && times[i] == *cut; i++)
        (*at_cut)++;
    nw_free(times);
    return NW_OK;
}

enum nw_status nw_seen_merge(struct nw_seen *s, struct nw_seen_entry *add, size_t n, uint32_t min_t,
                             size_t max)
{
    struct nw_seen_entry *out;
    size_t i = 0, j = 0, k = 0, cap;

    if (n > 0)
        qsort(add, n, sizeof(*add), cmp_entry);
    cap = s->n + n;
    out = nw_malloc((cap ? cap : 1) * sizeof(*out));
    if (!out)
        return NW_ENOMEM;
    while (i < s->n || j < n) {
        struct nw_seen_entry e;
        if (j >= n || (i < s->n && s->e[i].h <= add[j].h))
            e = s->e[i++];
        else
            e = add[j++];
        if (e.t < min_t)
            continue;
        if (k > 0 && out[k - 1].h == e.h) {
            if (e.t > out[k - 1].t)
                out[k - 1].t = e.t;
            continue;
        }
        out[k++] = e;
    }
    if (k > max) {
        uint32_t cut;
        size_t at_cut, m = 0;
        if (newest_cut(out, k, max, &cut, &at_cut)) {
            nw_free(out);
            return NW_ENOMEM;
        }
        for (size_t x = 0; x < k; x++) {
            if (out[x].t < cut || (out[x].t == cut && at_cut == 0))
                continue;
            if (out[x].t == cut)
                at_cut--;
            out[m++] = out[x];
        }
        k = m;
    }
    nw_free(s->e);
    s->e = out;
    s->n = k;
    s->cap = cap;
    if (k > 0 && k < cap / 2) {
        struct nw_seen_entry *shrunk = nw_realloc(out, k * sizeof(*out));
        if (shrunk) {
            s->e = shrunk;
            s->cap = k;
        }
    }
    return NW_OK;
}

enum nw_status nw_seen_encode(const struct nw_seen *s, size_t max, char **out)
{
    static const char hex[] = "0123456789abcdef";
    uint32_t cut = 0;
    size_t at_cut = 0, m = 0;
    int capped = s->n > max;
    char *buf;

    *out = NULL;
    if (capped && newest_cut(s->e, s->n, max, &cut, &at_cut))
        return NW_ENOMEM;
    buf = nw_malloc((capped ? max : s->n) * 24 + 1);
    if (!buf)
        return NW_ENOMEM;
    for (size_t i = 0; i < s->n; i++) {
        uint64_t h = s->e[i].h;
        uint32_t t = s->e[i].t;
        if (capped) {
            if (t < cut || (t == cut && at_cut == 0))
                continue;
            if (t == cut)
                at_cut--;
        }
        for (int d = 0; d < 16; d++)
            buf[m * 24 + (size_t)d] = hex[(h >> (60 - 4 * d)) & 15];
        for (int d = 0; d < 8; d++)
            buf[m * 24 + 16 + (size_t)d] = hex[(t >> (28 - 4 * d)) & 15];
        m++;
    }
    buf[m * 24] = '\0';
    *out = buf;
    return NW_OK;
}

static int hexv(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

enum nw_status nw_seen_decode(struct nw_seen *s, const char *hex)
{
    size_t n = hex ? strlen(hex) / 24 : 0, k = 0;
    struct nw_seen_entry *e = NULL;

    if (n) {
        e = nw_malloc(n * sizeof(*e));
        if (!e)
            return NW_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t h = 0;
        uint32_t t = 0;
        int bad = 0;
        for (int d = 0; d < 16; d++) {
            int v = hexv(hex[i * 24 + (size_t)d]);
            bad |= v < 0;
            h = (h << 4) | (uint64_t)(v & 15);
        }
        for (int d = 0; d < 8; d++) {
            int v = hexv(hex[i * 24 + 16 + (size_t)d]);
            bad |= v < 0;
            t = (t << 4) | (uint32_t)(v & 15);
        }
        if (bad)
            break;
        e[k].h = h;
        e[k++].t = t;
    }
    nw_seen_fini(s);
    if (k > 0)
        qsort(e, k, sizeof(*e), cmp_entry);
    /* Repeats in a hand-edited file: keep one. */
    {
        size_t m = 0;
        for (size_t i = 0; i < k; i++)
            if (m == 0 || e[m - 1].h != e[i].h)
                e[m++] = e[i];
        k = m;
    }
    s->e = e;
    s->n = k;
    s->cap = n;
    return NW_OK;
}

void nw_seen_fini(struct nw_seen *s)
{
    nw_free(s->e);
    s->e = NULL;
    s->n = s->cap = 0;
}
