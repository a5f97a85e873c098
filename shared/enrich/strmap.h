/*
 * strmap.h — a small open-addressing hash map from byte strings to an int, with keys
 * copied into the map. Used by the enrichers for gazetteers, word sets and counters.
 * Bounded by max_entries given at init; the table starts small and doubles as it fills,
 * and all keys live in one growing arena, so a map costs two allocations however many
 * keys it holds, and a map reused with nw_strmap_clear costs none.
 */
#ifndef NW_STRMAP_H
#define NW_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

struct nw_strmap_slot {
    uint32_t hash;
    uint32_t koff; /* key offset in the arena */
    uint16_t klen;
    uint16_t gen; /* the slot is in use when gen equals the map's gen */
    int value;
};

struct nw_strmap {
    struct nw_strmap_slot *slots;
    size_t cap; /* power of two, or 0 before the first insertion */
    size_t n;
    size_t max;
    uint16_t gen; /* bumped by nw_strmap_clear, so clearing touches no slot */
    char *keys;   /* arena of NUL-terminated keys */
    size_t keys_len, keys_cap;
};

/* Sets up an empty map of at most max_entries keys. Allocates nothing yet. */
enum nw_status nw_strmap_init(struct nw_strmap *m, size_t max_entries);
void nw_strmap_fini(struct nw_strmap *m);

/* Makes room for n entries (bounded by max_entries) whose keys total key_bytes bytes, so
 * that filling a fresh map to that size costs two allocations instead of a doubling and a
 * rehash at every power of two. NW_ENOMEM on allocation failure (the map stays usable). */
enum nw_status nw_strmap_reserve(struct nw_strmap *m, size_t n, size_t key_bytes);

/* Removes every key but keeps the memory for reuse; O(1) (the slots are zeroed once in
 * 65535 clears). */
void nw_strmap_clear(struct nw_strmap *m);

/* Returns a pointer to the value of key, or NULL if absent. The pointer is valid until
 * the next nw_strmap_put or nw_strmap_clear. */
int *nw_strmap_get(const struct nw_strmap *m, const char *key, size_t klen);

/* Inserts key with value if absent; *slot_value points to the stored value either way
 * (valid until the next put or clear). NW_ETOOBIG when the map is full, NW_ENOMEM on
 * allocation failure (the map stays usable). */
enum nw_status nw_strmap_put(struct nw_strmap *m, const char *key, size_t klen, int value,
                             int **slot_value);

/* The key stored in slot s (NUL-terminated, owned by the map). */
static inline const char *nw_strmap_key(const struct nw_strmap *m, const struct nw_strmap_slot *s)
{
    return m->keys + s->koff;
}

#endif
