/*
 * simhash.h — 64-bit SimHash of the normalized text (Charikar), for near-duplicate
 * detection downstream: texts that differ in a few words differ in a few bits.
 * Features are overlapping word 3-grams (lower-cased ASCII, other bytes kept as is).
 */
#ifndef NW_SIMHASH_H
#define NW_SIMHASH_H

#include <stddef.h>
#include <stdint.h>

/* SimHash of text (len bytes). Only the first NW_SIMHASH_MAX_SCAN bytes are read. */
uint64_t nw_simhash_compute(const char *text, size_t len);

/* Writes 16 lower-case hex digits and a NUL. */
void nw_simhash_hex(uint64_t hash, char out[17]);

/* Number of differing bits between two hashes. */
int nw_simhash_distance(uint64_t a, uint64_t b);

#define NW_SIMHASH_MAX_SCAN (1024u * 1024u)

#endif
