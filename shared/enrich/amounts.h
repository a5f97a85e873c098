/*
 * amounts.h — money (with ISO 4217 currency and value: "$25 billion" -> 25000000000 USD,
 * "$900m", "$1.2bn", "EUR 3 million", "5 million euros"), percentages ("29%",
 * "12 percent") and counts of people ("1.7 million Afghan refugees", "2,867 Pakistanis").
 */
#ifndef NW_AMOUNTS_H
#define NW_AMOUNTS_H

#include <jansson.h>
#include <stddef.h>

#include "gazetteer.h"
#include "status.h"
#include "strmap.h"
#include "tok.h"

#define NW_AMOUNTS_MAX 100

/* Currency codes, loaded once from iso_4217.json. */
struct nw_currencies {
    struct nw_strmap codes;
};

enum nw_status nw_currencies_init(struct nw_currencies *cur, const char *iso_codes_dir,
                                  char *errstr, size_t errstr_size);
void nw_currencies_fini(struct nw_currencies *cur);

/* *out is a new array [{text, value, unit}] (unit: ISO 4217 code, "percent", "people"),
 * at most NW_AMOUNTS_MAX items in text order. gaz tells demonyms ("Pakistanis"). */
enum nw_status nw_amounts_find(const struct nw_currencies *cur, const struct nw_gazetteer *gaz,
                               const struct nw_toks *toks, json_t **out);

#endif
