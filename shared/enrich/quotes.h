/*
 * quotes.h — quoted passages of at least NW_QUOTES_MIN_WORDS words with their speaker:
 * the person named in the attribution next to the quote ("..., Kakar said"), a pronoun
 * resolved to the last person named before it ("he told reporters"), "it" resolved to
 * the previous quote's speaker, or the attributing phrase itself ("the report said").
 */
#ifndef NW_QUOTES_H
#define NW_QUOTES_H

#include <jansson.h>

#include "entities.h"
#include "status.h"
#include "tok.h"

#define NW_QUOTES_MIN_WORDS 5
#define NW_QUOTES_MAX 50
#define NW_QUOTES_MAX_TOKENS 600 /* a quote longer than this is a mismatched mark */

/* *out is a new array [{text, speaker}] (speaker may be null), in text order. */
enum nw_status nw_quotes_find(const struct nw_toks *toks, const struct nw_entities *ents,
                              json_t **out);

#endif
