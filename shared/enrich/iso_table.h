/*
 * iso_table.h — Debian's iso-codes ISO 3166 lists as static tables, generated at build
 * time by gen/iso_table_gen.c from the same JSON files nw_gazetteer_create reads when given
 * a directory. Internal to the gazetteer. Strings are UTF-8; a field the JSON lacks is
 * NULL. Rows keep the files' order.
 */
#ifndef NW_ISO_TABLE_H
#define NW_ISO_TABLE_H

#include <stddef.h>

struct nw_iso_country {
    const char *alpha_2, *name, *common_name, *official_name;
};

/* A first-level subdivision (iso_3166-2 entries without a "parent"). */
struct nw_iso_subdiv {
    const char *code, *name, *type;
};

extern const struct nw_iso_country nw_iso_countries[];
extern const size_t nw_iso_ncountries;
extern const struct nw_iso_subdiv nw_iso_subdivs[];
extern const size_t nw_iso_nsubdivs;

#endif
