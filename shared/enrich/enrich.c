/*
 * enrich.c — the dispatcher: runs every enricher over art->text in order and stores
 * the results in the article. Each enricher lives in its own module; the text is
 * tokenized once (tok.h) and shared by those that need words.
 */
#include "enrich.h"

#include <string.h>

#include "amounts.h"
#include "dateline.h"
#include "entities.h"
#include "gazetteer.h"
#include "hash.h"
#include "keywords.h"
#include "lang.h"
#include "mem.h"
#include "simhash.h"
#include "quotes.h"
#include "stats.h"
#include "tok.h"

#define NW_ENRICH_MAX_TOKENS 60000

struct nw_enrich {
    struct nw_gazetteer *gaz;
    struct nw_currencies cur;
    int cur_ok;
    struct nw_keywords *kw;
};

struct nw_enrich *nw_enrich_create(const char *iso_codes_dir, char *errstr, size_t errstr_size)
{
    struct nw_enrich *en = nw_calloc(1, sizeof(*en));
    if (!en) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "enrich: out of memory");
        return NULL;
    }
    en->gaz = nw_gazetteer_create(iso_codes_dir, errstr, errstr_size);
    if (!en->gaz) {
        nw_enrich_destroy(en);
        return NULL;
    }
    if (nw_currencies_init(&en->cur, iso_codes_dir, errstr, errstr_size) != NW_OK) {
        nw_enrich_destroy(en);
        return NULL;
    }
    en->cur_ok = 1;
    en->kw = nw_keywords_create();
    if (!en->kw) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "enrich: out of memory");
        nw_enrich_destroy(en);
        return NULL;
    }
    return en;
}

void nw_enrich_destroy(struct nw_enrich *en)
{
    if (!en)
        return;
    nw_gazetteer_destroy(en->gaz);
    if (en->cur_ok)
        nw_currencies_fini(&en->cur);
    nw_keywords_destroy(en->kw);
    nw_free(en);
}

static void set_json(json_t **field, json_t *value)
{
    json_decref(*field);
    *field = value;
}

enum nw_status nw_enrich_run(struct nw_enrich *en, struct nw_article *art)
{
    enum nw_status result = NW_OK;
    const char *text = art->text ? art->text : "";
    size_t len = strlen(text);
    struct nw_toks toks;
    struct nw_entities ents;
    json_t *j = NULL;
    char lang[3];
    char *summary = NULL;

    memset(&ents, 0, sizeof(ents));
    memset(&toks, 0, sizeof(toks)); /* nw_toks_fini at out: even when a step before fails */
    nw_stats_compute(text, len, &art->stats);
    nw_sha256_hex(text, len, art->sha256);
    nw_simhash_hex(nw_simhash_compute(text, len), art->simhash);

    result = nw_article_set(&art->language,
                            nw_lang_detect(text, len, art->declared_language, lang) ? lang : NULL);
    if (result != NW_OK)
        goto out;
    result = nw_dateline_find(text, len, &j);
    if (result != NW_OK)
        goto out;
    set_json(&art->dateline, j);
    j = NULL;
    result = nw_toks_init(&toks, text, len, NW_ENRICH_MAX_TOKENS);
    if (result != NW_OK)
        goto out;
    result = nw_entities_extract(en->gaz, &toks, &ents);
    if (result != NW_OK)
        goto out;
    result = nw_entities_to_json(&ents, &j);
    if (result != NW_OK)
        goto out;
    set_json(&art->entities, j);
    j = NULL;
    if ((result = nw_quotes_find(&toks, &ents, &j)) != NW_OK)
        goto out;
    set_json(&art->quotes, j);
    j = NULL;
    if ((result = nw_amounts_find(&en->cur, en->gaz, &toks, &j)) != NW_OK)
        goto out;
    set_json(&art->amounts, j);
    j = NULL;
    if ((result = nw_keywords_find(en->kw, &toks, art->language, &j)) != NW_OK)
        goto out;
    set_json(&art->keywords, j);
    j = NULL;
    if ((result = nw_summary_make(&toks, &summary)) != NW_OK)
        goto out;
    nw_free(art->summary);
    art->summary = summary;
out:
    nw_entities_fini(&ents);
    nw_toks_fini(&toks);
    return result;
}
