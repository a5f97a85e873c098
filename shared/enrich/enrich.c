/*
 * enrich.c — the dispatcher: runs every enricher over art->text in order and stores
 * the results in the article. Each enricher lives in its own module.
 */
#include "enrich.h"

#include <string.h>

#include "hash.h"
#include "mem.h"
#include "simhash.h"
#include "stats.h"

struct nw_enrich {
    int unused;
};

struct nw_enrich *nw_enrich_create(const char *iso_codes_dir, char *errstr, size_t errstr_size)
{
    struct nw_enrich *en = nw_calloc(1, sizeof(*en));
    (void)iso_codes_dir;
    if (!en) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "enrich: out of memory");
        return NULL;
    }
    return en;
}

void nw_enrich_destroy(struct nw_enrich *en)
{
    nw_free(en);
}

enum nw_status nw_enrich_run(struct nw_enrich *en, struct nw_article *art)
{
    enum nw_status result = NW_OK;
    const char *text = art->text ? art->text : "";
    size_t len = strlen(text);

    (void)en;
    nw_stats_compute(text, len, &art->stats);
    nw_sha256_hex(text, len, art->sha256);
    nw_simhash_hex(nw_simhash_compute(text, len), art->simhash);
    return result;
}
