/*
 * bench_stages.c — per-stage time over the evaluation pages: parse+extract, normalize,
 * boiler, and each enricher, through the modules' public APIs. Prints a table; asserts
 * nothing. Usage: bench_stages [DIR] (default: ../shared/eval/extraction-dev/html).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "article.h"
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
#include "enrich/tok.h"
#include "extract.h"
#include "gunzip.h"
#include "hash.h"
#include "mem.h"
#include "normalize.h"

#define MAX_FILE (32u * 1024u * 1024u)
#define NW_EVAL_DIR_DEFAULT "/work/shared/eval/extraction-dev/html"

enum {
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
    "parse+extract", "normalize", "boiler",   "stats",  "sha256",  "simhash",  "lang",
    "tokenize",      "entities",  "dateline", "quotes", "amounts", "keywords", "summary"};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n = 0, cap = 1 << 16;
    if (!f)
        return NULL;
    buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
        if (n == cap) {
            char *nb = cap < MAX_FILE ? realloc(buf, cap * 2) : NULL;
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : NW_EVAL_DIR_DEFAULT;
    double t[S_COUNT] = {0}, t0;
    size_t pages = 0, bytes = 0;
    char errstr[256];
    struct nw_extract_opts opts = {MAX_FILE, 256};
    struct nw_extractor *ex = nw_extractor_create(&opts);
    struct nw_gazetteer *gaz = nw_gazetteer_create(NULL, errstr, sizeof(errstr));
    struct nw_currencies cur;
    struct nw_keywords *kw = nw_keywords_create();
    DIR *d = opendir(dir);
    struct dirent *de;

    if (!ex || !gaz || !kw || !d || nw_currencies_init(&cur, NULL, errstr, sizeof(errstr))) {
        fprintf(stderr, "bench_stages: setup failed (%s): %s\n", dir, errstr);
        return 1;
    }
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
        raw = read_file(path, &rlen);
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
            nw_amounts_find(&cur, gaz, &toks, &j);
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
    {
        double enrich = 0;
        printf("bench_stages: %zu pages, %.1f MB of HTML from %s\n", pages, bytes / 1e6, dir);
        printf("%-14s %10s %12s\n", "stage", "total ms", "us/page");
        for (int s = 0; s < S_COUNT; s++) {
            printf("%-14s %10.1f %12.1f\n", stage_names[s], t[s] * 1e3,
                   pages ? t[s] * 1e6 / pages : 0);
            if (s >= S_STATS)
                enrich += t[s];
        }
        printf("%-14s %10.1f %12.1f\n", "enrich (all)", enrich * 1e3,
               pages ? enrich * 1e6 / pages : 0);
        printf("enrich / parse+extract = %.2f\n", t[S_EXTRACT] > 0 ? enrich / t[S_EXTRACT] : 0);
    }
    nw_extractor_destroy(ex);
    nw_gazetteer_destroy(gaz);
    nw_currencies_fini(&cur);
    nw_keywords_destroy(kw);
    return 0;
}
