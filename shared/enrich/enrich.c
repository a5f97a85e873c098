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
#include "tagger.h"
#include "tok.h"

#define NW_ENRICH_MAX_TOKENS 60000
#define NW_ENRICH_TITLE_MAX 1024 /* bytes of the title scanned for entities */

struct nw_enrich {
    struct nw_gazetteer *gaz;
    struct nw_currencies cur;
    int cur_ok;
    struct nw_keywords *kw;
    struct nw_tagger *tagger; /* English entities; NULL: the rules for every language */
};

struct nw_enrich *nw_enrich_create(const char *iso_codes_dir, char *errstr, size_t errstr_size)
{
    return nw_enrich_create_model(iso_codes_dir, NULL, errstr, errstr_size);
}

struct nw_enrich *nw_enrich_create_model(const char *iso_codes_dir, const char *ner_model,
                                         char *errstr, size_t errstr_size)
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
    if (ner_model && ner_model[0]) {
        en->tagger = nw_tagger_load_file(ner_model, errstr, errstr_size);
        if (!en->tagger) {
            nw_enrich_destroy(en);
            return NULL;
        }
    } else {
        char ignored[128];
        /* NULL only when the build had no model file: then the rules serve English too */
        en->tagger = nw_tagger_load_default(ignored, sizeof(ignored));
    }
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
    nw_tagger_destroy(en->tagger);
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
    struct nw_toks toks, body;
    struct nw_entities ents;
    char *scan = NULL; /* title and text, for the entities and quotes */
    size_t tl = art->title ? strlen(art->title) : 0;
    json_t *j = NULL;
    char lang[3];
    char *summary = NULL;

    memset(&ents, 0, sizeof(ents));
    memset(&toks, 0, sizeof(toks)); /* nw_toks_fini at out: even when a step before fails */
    memset(&body, 0, sizeof(body));
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
    if (tl > NW_ENRICH_TITLE_MAX)
        tl = 0;
    if (tl) {
        scan = nw_malloc(tl + 2 + len + 1);
        if (!scan) {
            result = NW_ENOMEM;
            goto out;
        }
        memcpy(scan, art->title, tl);
        memcpy(scan + tl, "\n\n", 2);
        memcpy(scan + tl + 2, text, len + 1);
    }
    result = nw_toks_init(&toks, tl ? scan : text, tl ? tl + 2 + len : len, NW_ENRICH_MAX_TOKENS);
    if (result != NW_OK)
        goto out;
    /* the text's own tokens, for the enrichers that read the body only */
    body = toks;
    while (tl && body.n > 0 && body.v[0].off < tl + 2) {
        body.v++;
        body.n--;
    }
    if (en->tagger && (!art->language || strcmp(art->language, "en") == 0))
        result = nw_entities_extract_tagged(en->gaz, en->tagger, &toks, &ents);
    else
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
    if ((result = nw_amounts_find(&en->cur, en->gaz, &body, &j)) != NW_OK)
        goto out;
    set_json(&art->amounts, j);
    j = NULL;
    if ((result = nw_keywords_find(en->kw, &body, art->language, &j)) != NW_OK)
        goto out;
    set_json(&art->keywords, j);
    j = NULL;
    if ((result = nw_summary_make(&body, &summary)) != NW_OK)
        goto out;
    nw_free(art->summary);
    art->summary = summary;
out:
    nw_entities_fini(&ents);
    nw_toks_fini(&toks);
    nw_free(scan);
    return result;
}
