/*
 * strmap.h — a small open-addressing hash map from byte strings to an int, with keys
 * copied into the map. Used by the enrichers for gazetteers, word sets and counters.
 * Bounded by max_entries given at init.
 */
#ifndef NW_STRMAP_H
#define NW_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

struct nw_strmap_slot {
    char *key; /* nw_malloc'd, NUL-terminated; NULL = empty slot */
    size_t klen;
    int value;
};

struct nw_strmap {
    struct nw_strmap_slot *slots;
    size_t cap; /* power of two */
    size_t n;
    size_t max;
};

enum nw_status nw_strmap_init(struct nw_strmap *m, size_t max_entries);
void nw_strmap_fini(struct nw_strmap *m);

/* Returns a pointer to the value of key, or NULL if absent. */
int *nw_strmap_get(const struct nw_strmap *m, const char *key, size_t klen);

/* Inserts key with value if absent; *slot_value points to the stored value either way.
 * NW_ETOOBIG when the map is full, NW_ENOMEM on allocation failure. */
enum nw_status nw_strmap_put(struct nw_strmap *m, const char *key, size_t klen, int value,
                             int **slot_value);

#endif
