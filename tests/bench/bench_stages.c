/*
 * bench_stages.c — per-stage time over the evaluation pages: parse+extract, normalize,
 * boiler, and each enricher, through the modules' public APIs. Prints a table; asserts
 * nothing. Usage: bench_stages [DIR] [ROUNDS] (default: ../shared/eval/extraction-dev/html,
 * 3 rounds).
 *
 * Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so other processes on a busy
 * machine do not inflate them, and each stage's figure is its best round: the rounds read
 * the same pages, so the minimum is the least disturbed measurement of the same work.
 */
#include <dirent.h>
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "article.h"
#include "bench_pages.h"
#include "boiler.h"
#include "enrich/amounts.h"
#include "enrich/dateline.h"
#include "enrich/entities.h"
#include "enrich/gazetteer.h"
#include "enrich/keywords.h"
#include "enrich/lang.h"
#include "enrich/quotes.h"
#include "enrich/simhash.h"
#include "enrich/stats.h"
#include "enrich/tagger.h"
#include "enrich/tok.h"
#include "extract.h"
#include "gunzip.h"
#include "hash.h"
#include "mem.h"
#include "normalize.h"

#define MAX_FILE (32u * 1024u * 1024u)
#define NW_EVAL_DIR_DEFAULT "/work/shared/eval/extraction-dev/html"

enum {
    S_LIBXML2, /* the yardstick, not a stage */
    S_EXTRACT,
    S_NORMALIZE,
    S_BOILER,
    S_STATS,
    S_SHA256,
    S_SIMHASH,
    S_LANG,
    S_TOKENS,
    S_ENTITIES,
    S_DATELINE,
    S_QUOTES,
    S_AMOUNTS,
    S_KEYWORDS,
    S_SUMMARY,
    S_COUNT
};

static const char *const stage_names[S_COUNT] = {
    "libxml2 parse", "parse+extract", "normalize", "boiler",   "stats",
    "sha256",        "simhash",       "lang",      "tokenize", "entities",
    "dateline",      "quotes",        "amounts",   "keywords", "summary"};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct bench {
    struct nw_extractor *ex;
    struct nw_gazetteer *gaz;
    struct nw_currencies cur;
    struct nw_keywords *kw;
    struct nw_tagger *tagger; /* English entities; NULL: rules only */
};

/* One pass over the pages of dir, adding each stage's time to t. */
static int run_round(struct bench *bn, const char *dir, double t[S_COUNT], size_t *npages,
                     size_t *nbytes)
{
    struct nw_extractor *ex = bn->ex;
    struct nw_gazetteer *gaz = bn->gaz;
    struct nw_keywords *kw = bn->kw;
    char errstr[256];
    size_t pages = 0, bytes = 0;
    double t0;
    DIR *d = opendir(dir);
    struct dirent *de;

    if (!d)
        return -1;
    while ((de = readdir(d)) != NULL) {
        char path[4096], *raw, *html = NULL, *norm = NULL, *clean = NULL, *summary = NULL;
        size_t rlen, hlen, nlen, clen;
        struct nw_article art;
        struct nw_toks toks;
        struct nw_entities ents;
        json_t *j = NULL;
        char code[3], hex[65];

        if (!strstr(de->d_name, ".html"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        raw = bench_read_file(path, MAX_FILE, &rlen);
        if (!raw)
            continue;
        if (nw_gunzip_is_gzip(raw, rlen)) {
            if (nw_gunzip(raw, rlen, MAX_FILE, &html, &hlen) != NW_OK) {
                free(raw);
                continue;
            }
            free(raw);
        } else {
            html = raw;
            hlen = rlen;
        }
        t0 = now();
        {
            htmlDocPtr doc = htmlReadMemory(html, (int)hlen, NULL, "UTF-8",
                                            HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                                HTML_PARSE_NONET | HTML_PARSE_RECOVER);
            xmlFreeDoc(doc);
        }
        t[S_LIBXML2] += now() - t0;
        nw_article_init(&art);
        t0 = now();
        nw_extractor_run(ex, html, hlen, "http://example.com/", NULL, &art, errstr, sizeof(errstr));
        t[S_EXTRACT] += now() - t0;
        pages++;
        bytes += hlen;
        if (art.text) {
            t0 = now();
            if (nw_normalize_text(art.text, strlen(art.text), MAX_FILE, &norm, &nlen) != NW_OK)
                norm = NULL;
            t[S_NORMALIZE] += now() - t0;
        }
        if (norm) {
            t0 = now();
            nw_boiler_strip(norm, nlen, art.title, &clean, &clen);
            t[S_BOILER] += now() - t0;
        }
        if (clean) {
            t0 = now();
            nw_stats_compute(clean, clen, &art.stats);
            t[S_STATS] += now() - t0;
            t0 = now();
            nw_sha256_hex(clean, clen, hex);
            t[S_SHA256] += now() - t0;
            t0 = now();
            (void)nw_simhash_compute(clean, clen);
            t[S_SIMHASH] += now() - t0;
            t0 = now();
            nw_lang_detect(clean, clen, NULL, code);
            t[S_LANG] += now() - t0;
            t0 = now();
            nw_toks_init(&toks, clean, clen, 60000);
            t[S_TOKENS] += now() - t0;
            t0 = now();
            /* as enrich.c does: the trained tagger for English, the rules otherwise */
            if (bn->tagger && (!code[0] || strcmp(code, "en") == 0))
                nw_entities_extract_tagged(gaz, bn->tagger, &toks, &ents);
            else
                nw_entities_extract(gaz, &toks, &ents);
            nw_entities_to_json(&ents, &j);
            json_decref(j);
            t[S_ENTITIES] += now() - t0;
            t0 = now();
            nw_dateline_find(clean, clen, &j);
            json_decref(j);
            t[S_DATELINE] += now() - t0;
            t0 = now();
            nw_quotes_find(&toks, &ents, &j);
            json_decref(j);
            t[S_QUOTES] += now() - t0;
            t0 = now();
            nw_amounts_find(&bn->cur, gaz, &toks, &j);
            json_decref(j);
            t[S_AMOUNTS] += now() - t0;
            t0 = now();
            nw_keywords_find(kw, &toks, code[0] ? code : NULL, &j);
            json_decref(j);
            t[S_KEYWORDS] += now() - t0;
            t0 = now();
            nw_summary_make(&toks, &summary);
            t[S_SUMMARY] += now() - t0;
            nw_free(summary);
            nw_entities_fini(&ents);
            nw_toks_fini(&toks);
        }
        nw_free(clean);
        nw_free(norm);
        nw_article_fini(&art);
        if (html != raw)
            nw_free(html);
        else
            free(html);
    }
    closedir(d);
    *npages = pages;
    *nbytes = bytes;
    return 0;
}

static void print_row(const char *name, double seconds, size_t pages, double xml)
{
    printf("%-14s %10.1f %12.1f %10.2f\n", name, seconds * 1e3, pages ? seconds * 1e6 / pages : 0,
           xml > 0 ? seconds / xml : 0);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : NW_EVAL_DIR_DEFAULT;
    int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
    double best[S_COUNT], enrich = 0, extract = 0;
    size_t pages = 0, bytes = 0;
    char errstr[256] = "";
    struct nw_extract_opts opts = {MAX_FILE, 256};
    struct bench bn;

    if (rounds < 1 || rounds > 100)
        rounds = 3;
    memset(&bn, 0, sizeof(bn));
    bn.ex = nw_extractor_create(&opts);
    {
        double t0 = now();
        bn.gaz = nw_gazetteer_create(NULL, errstr, sizeof(errstr));
        if (bn.gaz)
            printf("start-up: gazetteer built in %.1f ms\n", (now() - t0) * 1e3);
    }
    bn.kw = nw_keywords_create();
    {
        double t0 = now();
        bn.tagger = nw_tagger_load_default(errstr, sizeof(errstr));
        if (bn.tagger)
            printf("start-up: entity tagger model loaded in %.1f ms (%zu features)\n",
                   (now() - t0) * 1e3, nw_tagger_features_count(bn.tagger));
        else
            printf("start-up: no entity tagger model (%s): rules only\n", errstr);
    }
    if (!bn.ex || !bn.gaz || !bn.kw ||
        nw_currencies_init(&bn.cur, NULL, errstr, sizeof(errstr)) != NW_OK) {
        fprintf(stderr, "bench_stages: setup failed: %s\n", errstr);
        return 1;
    }
    xmlInitParser();
    for (int r = 0; r < rounds; r++) {
        double t[S_COUNT] = {0};
        if (run_round(&bn, dir, t, &pages, &bytes) != 0) {
            fprintf(stderr, "bench_stages: cannot read %s\n", dir);
            return 1;
        }
        for (int s = 0; s < S_COUNT; s++)
            best[s] = r == 0 || t[s] < best[s] ? t[s] : best[s];
    }
    printf("bench_stages: %zu pages, %.1f MB of HTML from %s\n", pages, bytes / 1e6, dir);
    printf("thread CPU time, best of %d rounds per stage\n", rounds);
    printf("%-14s %10s %12s %10s\n", "stage", "total ms", "us/page", "x libxml2");
    for (int s = 0; s < S_COUNT; s++) {
        print_row(stage_names[s], best[s], pages, best[S_LIBXML2]);
        if (s >= S_STATS)
            enrich += best[s];
        else if (s > S_LIBXML2)
            extract += best[s];
    }
    print_row("extract (all)", extract, pages, best[S_LIBXML2]);
    print_row("enrich (all)", enrich, pages, best[S_LIBXML2]);
    print_row("all stages", extract + enrich, pages, best[S_LIBXML2]);
    printf("enrich / parse+extract = %.2f\n", best[S_EXTRACT] > 0 ? enrich / best[S_EXTRACT] : 0);
    nw_extractor_destroy(bn.ex);
    nw_gazetteer_destroy(bn.gaz);
    nw_currencies_fini(&bn.cur);
    nw_keywords_destroy(bn.kw);
    nw_tagger_destroy(bn.tagger);
    xmlCleanupParser();
    return 0;
}
