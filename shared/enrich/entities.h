/*
 * entities.h — named entities of the text: persons (titles stripped, later short forms
 * merged: "Secretary Blinken" counts for "Antony Blinken"), organizations (acronyms
 * merged with their definitions) and locations (gazetteer.h codes), each with a count.
 *
 * Rules, not lists: capitalized word sequences are chunked and classified by title
 * words, organization head words, acronym definitions, the gazetteer and the shape of
 * person names. Bounded by NW_ENT_MAX entities and NW_ENT_MAX_MENTIONS mentions.
 */
#ifndef NW_ENTITIES_H
#define NW_ENTITIES_H

#include <jansson.h>
#include <stddef.h>

#include "gazetteer.h"
#include "status.h"
#include "tagger.h"
#include "tok.h"

#define NW_ENT_MAX 512
#define NW_ENT_MAX_MENTIONS 4096
#define NW_ENT_NAME_MAX 128
#define NW_ENT_JSON_MAX 200 /* per type in the record (a results table names many teams) */

enum nw_ent_type {
    NW_ENT_PERSON = 1,
    NW_ENT_ORG = 2,
    NW_ENT_LOCATION = 3,
};

struct nw_ent {
    char name[NW_ENT_NAME_MAX];
    char acronym[16]; /* organizations: their defined or matched acronym, or "" */
    char code[8];     /* locations: ISO 3166 code or "" */
    int type;
    size_t count;
    size_t first_tok;
};

struct nw_ent_mention {
    size_t tok;     /* first token of the mention */
    size_t tok_end; /* one past its last token */
    int entity;     /* index into nw_entities.v */
};

struct nw_entities {
    struct nw_ent *v;
    size_t n;
    struct nw_ent_mention *m; /* in text order */
    size_t nm;
};

/* Finds the entities of toks. out is filled (free with nw_entities_fini). */
enum nw_status nw_entities_extract(const struct nw_gazetteer *gaz, const struct nw_toks *toks,
                                   struct nw_entities *out);

/* The same for English text, with the statistical tagger (tagger.h) finding the names:
 * persons, organizations and locations as the tagger spans them (MISC names are not
 * kept), then the rules: ISO 3166 codes for places (the name stays as written, its most
 * complete spelling; one entity per code), acronyms defined in parentheses counted for
 * their organization, and a person's shorter mentions ("Rubio") merged into the full
 * name ("Marco Rubio"). */
enum nw_status nw_entities_extract_tagged(const struct nw_gazetteer *gaz,
                                          const struct nw_tagger *tagger,
                                          const struct nw_toks *toks, struct nw_entities *out);
void nw_entities_fini(struct nw_entities *ents);

/* The record's {persons, organizations, locations} object: [{name, count, code?}], most
 * frequent first. New reference in *out. */
enum nw_status nw_entities_to_json(const struct nw_entities *ents, json_t **out);

/* Index of the person entity mentioned in tokens [from, to), the last one if several;
 * -1 if none. */
int nw_entities_person_in(const struct nw_entities *ents, size_t from, size_t to);

/* Index of the last person mentioned before token `before`, or -1. */
int nw_entities_last_person(const struct nw_entities *ents, size_t before);

/* Index of the first person mentioned in tokens [from, to), or -1. */
int nw_entities_first_person(const struct nw_entities *ents, size_t from, size_t to);

#endif
