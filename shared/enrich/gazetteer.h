/*
 * gazetteer.h — place names: ISO 3166-1 countries and ISO 3166-2 subdivisions from
 * Debian's iso-codes (built in, or its JSON), plus embedded country aliases ("U.S."),
 * adjectives and demonyms ("Pakistani" -> PK), major cities and regions (no code).
 *
 * Lookups fold case and diacritics ("Kābul" = "kabul") and drop dots ("U.S." = "US").
 * Read-only after creation, so one gazetteer may serve many threads.
 */
#ifndef NW_GAZETTEER_H
#define NW_GAZETTEER_H

#include <stddef.h>

#include "status.h"

enum nw_gaz_kind {
    NW_GAZ_COUNTRY = 1,
    NW_GAZ_SUBDIV = 2,
    NW_GAZ_CITY = 3,
    NW_GAZ_REGION = 4,
};

struct nw_gaz_entry {
    const char *name; /* display name (owned by the gazetteer) */
    char code[8];     /* ISO 3166-1 alpha-2 or ISO 3166-2 code; "" for none */
    char cc[3];       /* country of the place ("" for regions) */
    int kind;         /* enum nw_gaz_kind */
    int major;        /* subdivision of a first-level type (state, province, ...) */
};

struct nw_gazetteer;

/* Loads iso_3166-1.json and iso_3166-2.json from iso_codes_dir; NULL takes the same lists
 * built into the program (iso_table.h, generated from the build machine's iso-codes), which
 * spares parsing 500 KB of JSON at every start. NULL on failure with a message in errstr.
 * Free with nw_gazetteer_destroy. */
struct nw_gazetteer *nw_gazetteer_create(const char *iso_codes_dir, char *errstr,
                                         size_t errstr_size);
void nw_gazetteer_destroy(struct nw_gazetteer *gaz);

/* Writes to out (up to max) the indexes of the entries whose name matches s (len bytes)
 * and returns how many. Keys of three letters or fewer match only when s has no lower-case
 * letter ("US", not "us"). Countries come first, then cities, regions, subdivisions. */
size_t nw_gazetteer_lookup(const struct nw_gazetteer *gaz, const char *s, size_t len, int *out,
                           size_t max);

/* Entry by index (from lookup); NULL if out of range. Borrowed. */
const struct nw_gaz_entry *nw_gazetteer_entry(const struct nw_gazetteer *gaz, int index);

/* Index of the country entry with alpha-2 code cc, or -1. */
int nw_gazetteer_country(const struct nw_gazetteer *gaz, const char *cc);

/* Writes the lookup key of s: case- and diacritic-folded, dots dropped, spaces single.
 * Returns its length (0 if it does not fit or s is empty). */
size_t nw_gazetteer_key(const char *s, size_t len, char *out, size_t out_size);

#endif
