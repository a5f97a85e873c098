/*
 * dateline.h — the dateline that opens a news text: "Islamabad, Oct 31 (IANS) ..." gives
 * place, date and agency; "WASHINGTON — ..." gives the place.
 */
#ifndef NW_DATELINE_H
#define NW_DATELINE_H

#include <jansson.h>
#include <stddef.h>

#include "status.h"

/* Looks at the start of text (at most NW_DATELINE_SCAN bytes). *out is a new
 * {place, date, agency} object (date and agency may be null), or NULL when the text opens
 * with no dateline. */
enum nw_status nw_dateline_find(const char *text, size_t len, json_t **out);

#define NW_DATELINE_SCAN 160

#endif
