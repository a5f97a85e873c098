/*
 * json_dump.h — compact JSON text of a Jansson value, byte for byte what
 * json_dumps(v, JSON_COMPACT) writes, in one pass that copies each string's plain runs
 * whole (Jansson decodes every character of every string, which made dumping a record
 * cost as much as building it).
 */
#ifndef NW_JSON_DUMP_H
#define NW_JSON_DUMP_H

#include <jansson.h>

/* The compact text of v (an object or an array; anything else gives NULL, as json_dumps
 * without JSON_ENCODE_ANY), NUL-terminated, owned by the caller (free with free or
 * nw_free). NULL on allocation failure. Strings are written as Jansson holds them (its
 * constructors have checked them as UTF-8); reals and values nested deeper than
 * NW_JSON_DUMP_DEPTH are written by Jansson itself. */
char *nw_json_dump(const json_t *v);

#define NW_JSON_DUMP_DEPTH 64

#endif
