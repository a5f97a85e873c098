/* strmap.c — open addressing with linear probing, load factor at most 1/2. */
#include "strmap.h"

#include <string.h>

#include "mem.h"

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

enum nw_status nw_strmap_init(struct nw_strmap *m, size_t max_entries)
{
    size_t cap = 16;
    memset(m, 0, sizeof(*m));
    while (cap < 2 * max_entries + 2)
        cap *= 2;
    m->slots = nw_calloc(cap, sizeof(*m->slots));
    if (!m->slots)
        return NW_ENOMEM;
    m->cap = cap;
    m->max = max_entries;
    return NW_OK;
}

void nw_strmap_fini(struct nw_strmap *m)
{
    if (!m || !m->slots)
        return;
    for (size_t i = 0; i < m->cap; i++)
        nw_free(m->slots[i].key);
    nw_free(m->slots);
    memset(m, 0, sizeof(*m));
}

static size_t find(const struct nw_strmap *m, const char *key, size_t klen)
{
    size_t i = (size_t)hash_bytes(key, klen) & (m->cap - 1);
    while (m->slots[i].key &&
           !(m->slots[i].klen == klen && memcmp(m->slots[i].key, key, klen) == 0))
        i = (i + 1) & (m->cap - 1);
    return i;
}

int *nw_strmap_get(const struct nw_strmap *m, const char *key, size_t klen)
{
    size_t i;
    if (!m->slots)
        return NULL;
    i = find(m, key, klen);
    return m->slots[i].key ? &m->slots[i].value : NULL;
}

enum nw_status nw_strmap_put(struct nw_strmap *m, const char *key, size_t klen, int value,
                             int **slot_value)
{
    size_t i;
    if (!m->slots)
        return NW_EINVAL;
    i = find(m, key, klen);
    if (!m->slots[i].key) {
        if (m->n >= m->max)
            return NW_ETOOBIG;
        m->slots[i].key = nw_strndup(key, klen);
        if (!m->slots[i].key)
            return NW_ENOMEM;
        m->slots[i].klen = klen;
        m->slots[i].value = value;
        m->n++;
    }
    if (slot_value)
        *slot_value = &m->slots[i].value;
    return NW_OK;
}
