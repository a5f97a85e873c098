/*
 * enrich.h — everything computed from the normalized text: stats, hashes, language,
 * entities, dateline, quotes, amounts, keywords, summary.
 *
 * One nw_enrich per thread (it holds read-only resources loaded once: ISO 3166 names,
 * stopwords, stemmers, the entity tagger's model). English text (the detected language, or
 * none detected) gets its entities from the tagger; other languages from the rules.
 * The title is scanned for entities together with the text. nw_enrich_run reads art->text (and
 * title, declared_language) and fills the enrichment fields of art, replacing what was there. Each
 * enricher is its own module in shared/enrich/ with its own header.
 */
#ifndef NW_ENRICH_H
#define NW_ENRICH_H

#include <stddef.h>

#include "article.h"
#include "status.h"

struct nw_enrich;

/* Loads resources (iso_codes_dir: Debian's /usr/share/iso-codes/json; NULL = the built-in
 * default). NULL on failure with a message in errstr. Free with nw_enrich_destroy. */
struct nw_enrich *nw_enrich_create(const char *iso_codes_dir, char *errstr, size_t errstr_size);

/* The same with the English entity tagger's model read from ner_model (a file written by
 * tests/tools/nw_train_ner; NULL or "" = the model built into the binary). A missing or
 * bad file fails with a message naming it. */
struct nw_enrich *nw_enrich_create_model(const char *iso_codes_dir, const char *ner_model,
                                         char *errstr, size_t errstr_size);
void nw_enrich_destroy(struct nw_enrich *en);

enum nw_status nw_enrich_run(struct nw_enrich *en, struct nw_article *art);

#endif
