/*
 * seen.h — the set of items a watched source has listed: 64-bit hashes (of item URLs and
 * GUIDs) with the time each was last listed, sorted by hash.
 *
 * Lookups are binary searches; a poll's new entries are merged in one pass, which also
 * drops entries not listed since a given time and, past a count, the oldest. The set
 * persists as a hex string (16 digits of hash, 8 of time, per entry).
 * Pure: no I/O. The set owns its array: nw_seen_fini frees it.
 */
#ifndef NW_SEEN_H
#define NW_SEEN_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

struct nw_seen_entry {
    uint64_t h;
    uint32_t t; /* unix seconds when last listed */
} __attribute__((packed));

struct nw_seen {
    struct nw_seen_entry *e; /* sorted by h, no repeats */
    size_t n, cap;
};

/* A stable 64-bit hash of s[0..n) (FNV-1a with a splitmix64 finish); seed separates kinds
 * (URLs from GUIDs). */
uint64_t nw_seen_hash(const char *s, size_t n, uint64_t seed);

/* The entry with hash h, or NULL. Its t may be updated in place. */
struct nw_seen_entry *nw_seen_find(struct nw_seen *s, uint64_t h);

/* Merges add[0..n) (any order, may repeat; sorted in place) into s, the newer time winning
 * on a repeat; then drops entries with t < min_t, then the oldest beyond max. NW_ENOMEM
 * leaves s as it was. */
enum nw_status nw_seen_merge(struct nw_seen *s, struct nw_seen_entry *add, size_t n, uint32_t min_t,
                             size_t max);

/* The set as hex (24 digits an entry), at most max entries: the newest. *out is nw_malloc'd
 * (caller frees), "" for an empty set. */
enum nw_status nw_seen_encode(const struct nw_seen *s, size_t max, char **out);

/* Replaces the content of s with the entries of a hex string (stops at the first bad
 * digit; a trailing partial entry is ignored). */
enum nw_status nw_seen_decode(struct nw_seen *s, const char *hex);

void nw_seen_fini(struct nw_seen *s);

#endif
