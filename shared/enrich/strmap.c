/* strmap.c — open addressing with linear probing, load factor at most 1/2. */
#include "strmap.h"

#include <string.h>

#include "mem.h"

#define NW_STRMAP_MIN_CAP 64
#define NW_STRMAP_MAX_ARENA (64u * 1024u * 1024u)

/* Eight bytes at a time, each block folded in with a multiply, then a finalizer that
 * spreads every input bit over the low bits the table mask keeps. Most keys are words of
 * a few bytes, so the hash is one or two multiplies instead of FNV-1a's multiply per
 * byte, whose serial latency every lookup used to wait for. Nothing depends on the
 * hash values beyond the lookups themselves (no caller walks the slots). */
static uint32_t hash_bytes(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n;
    uint64_t v;
    while (n >= 8) {
        memcpy(&v, p, 8);
        h = (h ^ v) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        v = 0;
        for (size_t i = 0; i < n; i++)
            v |= (uint64_t)p[i] << (8 * i);
        h = (h ^ v) * 0x94D049BB133111EBULL;
    }
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ULL;
    h ^= h >> 32;
    return (uint32_t)h;
}

enum nw_status nw_strmap_init(struct nw_strmap *m, size_t max_entries)
{
    memset(m, 0, sizeof(*m));
    if (max_entries > (1u << 28))
        max_entries = 1u << 28;
    m->max = max_entries;
    m->gen = 1;
    return NW_OK;
}

void nw_strmap_fini(struct nw_strmap *m)
{
    if (!m)
        return;
    nw_free(m->slots);
    nw_free(m->keys);
    memset(m, 0, sizeof(*m));
}

void nw_strmap_clear(struct nw_strmap *m)
{
    if (m->n > 0 && ++m->gen == 0) {
        memset(m->slots, 0, m->cap * sizeof(*m->slots));
        m->gen = 1;
    }
    m->n = 0;
    m->keys_len = 0;
}

static size_t find(const struct nw_strmap *m, uint32_t h, const char *key, size_t klen)
{
    size_t mask = m->cap - 1, i = h & mask;
    while (m->slots[i].gen == m->gen && !(m->slots[i].hash == h && m->slots[i].klen == klen &&
                                          memcmp(m->keys + m->slots[i].koff, key, klen) == 0))
        i = (i + 1) & mask;
    return i;
}

int *nw_strmap_get(const struct nw_strmap *m, const char *key, size_t klen)
{
    size_t i;
    if (!m->slots || m->n == 0)
        return NULL;
    i = find(m, hash_bytes(key, klen), key, klen);
    return m->slots[i].gen == m->gen ? &m->slots[i].value : NULL;
}

/* Moves the entries into a table of ncap slots (a power of two, larger than the
 * current one), rehashing by the stored hashes. */
static enum nw_status grow_to(struct nw_strmap *m, size_t ncap)
{
    struct nw_strmap_slot *ns = nw_calloc(ncap, sizeof(*ns));
    if (!ns)
        return NW_ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        size_t j;
        if (m->slots[i].gen != m->gen)
            continue;
        j = m->slots[i].hash & (ncap - 1);
        while (ns[j].gen == m->gen)
            j = (j + 1) & (ncap - 1);
        ns[j] = m->slots[i];
    }
    nw_free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    return NW_OK;
}

/* Doubles the table. */
static enum nw_status grow(struct nw_strmap *m)
{
    return grow_to(m, m->cap ? m->cap * 2 : NW_STRMAP_MIN_CAP);
}

enum nw_status nw_strmap_reserve(struct nw_strmap *m, size_t n, size_t key_bytes)
{
    enum nw_status result;
    size_t ncap = m->cap ? m->cap : NW_STRMAP_MIN_CAP;
    if (n > m->max)
        n = m->max;
    while (2 * n > ncap)
        ncap *= 2;
    if (ncap > m->cap && (result = grow_to(m, ncap)) != NW_OK)
        return result;
    if (key_bytes > NW_STRMAP_MAX_ARENA)
        key_bytes = NW_STRMAP_MAX_ARENA;
    if (m->keys_len + key_bytes > m->keys_cap) {
        char *nk = nw_realloc(m->keys, m->keys_len + key_bytes);
        if (!nk)
            return NW_ENOMEM;
        m->keys = nk;
        m->keys_cap = m->keys_len + key_bytes;
    }
    return NW_OK;
}

/* Appends key and its NUL to the arena; its offset in *off. */
static enum nw_status store_key(struct nw_strmap *m, const char *key, size_t klen, uint32_t *off)
{
    if (klen >= NW_STRMAP_MAX_ARENA || m->keys_len + klen + 1 > NW_STRMAP_MAX_ARENA)
        return NW_ETOOBIG;
    if (m->keys_len + klen + 1 > m->keys_cap) {
        size_t ncap = m->keys_cap ? m->keys_cap : 1024;
        char *nk;
        while (ncap < m->keys_len + klen + 1)
            ncap *= 2;
        nk = nw_realloc(m->keys, ncap);
        if (!nk)
            return NW_ENOMEM;
        m->keys = nk;
        m->keys_cap = ncap;
    }
    memcpy(m->keys + m->keys_len, key, klen);
    m->keys[m->keys_len + klen] = '\0';
    *off = (uint32_t)m->keys_len;
    m->keys_len += klen + 1;
    return NW_OK;
}

enum nw_status nw_strmap_put(struct nw_strmap *m, const char *key, size_t klen, int value,
                             int **slot_value)
{
    enum nw_status result;
    uint32_t h = hash_bytes(key, klen), off;
    size_t i;

    if (m->max == 0 || klen > UINT16_MAX)
        return NW_ETOOBIG;
    if (m->slots) {
        i = find(m, h, key, klen);
        if (m->slots[i].gen == m->gen) {
            if (slot_value)
                *slot_value = &m->slots[i].value;
            return NW_OK;
        }
    }
    if (m->n >= m->max)
        return NW_ETOOBIG;
    if (2 * (m->n + 1) > m->cap && (result = grow(m)) != NW_OK)
        return result;
    if ((result = store_key(m, key, klen, &off)) != NW_OK)
        return result;
    i = find(m, h, key, klen);
    m->slots[i].hash = h;
    m->slots[i].koff = off;
    m->slots[i].klen = (uint16_t)klen;
    m->slots[i].gen = m->gen;
    m->slots[i].value = value;
    m->n++;
    if (slot_value)
        *slot_value = &m->slots[i].value;
    return NW_OK;
}
