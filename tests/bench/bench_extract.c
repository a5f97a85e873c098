/*
 * bench_extract.c — parse and extraction speed over the eval pages, held in memory.
 *
 * Usage: bench_extract [DIR] [ROUNDS]
 *   DIR defaults to ../shared/eval/extraction-dev/html (beside the checkout); every
 *   *.html.gz in it is gunzipped into memory first. Each page is then timed ROUNDS times
 *   (default 5, the best round counts) with: libxml2 htmlReadMemory (parse only), MyHTML
 *   (parse only, one reused tree), nw_extractor_run (parse + metadata + body) and the
 *   whole offline pipeline nw_processor_run (decode -> extract -> normalize -> boiler ->
 *   enrich), i.e. what `newsworker extract` does per page minus file reading, gunzip and
 *   JSON output. Like the libxml2 baseline, the pipeline starts from the already
 *   decompressed HTML; gunzip of the stored .gz bytes (nw_gunzip) is timed and printed
 *   separately, as is the charset decode stage alone. Prints per page and in total, with
 *   the ratios extract/libxml2 and pipeline/libxml2 (issue goal: pipeline <= 0.8x libxml2
 *   parse-only), pages per second, and the peak RSS after each pass so that flat memory
 *   over many pages can be seen.
 */
#include <dirent.h>
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "article.h"
#include "bench_pages.h"
#include "decode.h"
#include "extract.h"
#include "gunzip.h"
#include "html.h"
#include "mem.h"
#include "process.h"

#define MAX_PAGES 4096
#define MAX_PAGE_BYTES (64u * 1024u * 1024u)

struct page {
    char *name;
    char *data; /* gunzipped HTML */
    size_t len;
    char *raw; /* the file's bytes as stored (gzip), for the gunzip timing only */
    size_t raw_len;
    double t_xml, t_myhtml, t_extract, t_pipe, t_unzip, t_decode;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct page *)a)->name, ((const struct page *)b)->name);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "../shared/eval/extraction-dev/html";
    int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 5;
    if (rounds < 1)
        rounds = 1;
    static struct page pages[MAX_PAGES];
    size_t npages = 0, total_bytes = 0;

    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "bench_extract: cannot open %s\n", dir);
        return 1;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL && npages < MAX_PAGES) {
        size_t nl = strlen(de->d_name);
        if (nl < 8 || strcmp(de->d_name + nl - 8, ".html.gz") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        struct page *p = &pages[npages];
        p->data = bench_gunzip_file(path, MAX_PAGE_BYTES, &p->len);
        if (!p->data)
            continue;
        p->raw = bench_read_file(path, MAX_PAGE_BYTES, &p->raw_len);
        if (!p->raw) {
            free(p->data);
            continue;
        }
        p->name = strdup(de->d_name);
        total_bytes += p->len;
        npages++;
    }
    closedir(d);
    if (npages == 0) {
        fprintf(stderr, "bench_extract: no *.html.gz pages in %s\n", dir);
        return 1;
    }
    qsort(pages, npages, sizeof(pages[0]), by_name);
    printf("pages: %zu, %.1f MB in memory, best of %d rounds\n", npages, (double)total_bytes / 1e6,
           rounds);

    /* libxml2: parse only */
    xmlInitParser();
    for (size_t i = 0; i < npages; i++) {
        pages[i].t_xml = 1e9;
        for (int r = 0; r < rounds; r++) {
            double t0 = now();
            htmlDocPtr doc = htmlReadMemory(pages[i].data, (int)pages[i].len, NULL, "UTF-8",
                                            HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                                HTML_PARSE_NONET | HTML_PARSE_RECOVER);
            double t = now() - t0;
            xmlFreeDoc(doc);
            if (t < pages[i].t_xml)
                pages[i].t_xml = t;
        }
    }
    long rss_xml = peak_rss_kb();

    /* MyHTML: parse only, one reused tree */
    struct nw_html *html = nw_html_create();
    if (!html) {
        fprintf(stderr, "bench_extract: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < npages; i++) {
        pages[i].t_myhtml = 1e9;
        for (int r = 0; r < rounds; r++) {
            double t0 = now();
            nw_html_parse(html, pages[i].data, pages[i].len);
            double t = now() - t0;
            if (t < pages[i].t_myhtml)
                pages[i].t_myhtml = t;
        }
    }
    nw_html_destroy(html);
    long rss_myhtml = peak_rss_kb();

    /* full extraction */
    struct nw_extract_opts opts = {.max_html_bytes = 16u * 1024u * 1024u, .max_depth = 512};
    struct nw_extractor *ex = nw_extractor_create(&opts);
    if (!ex) {
        fprintf(stderr, "bench_extract: out of memory\n");
        return 1;
    }
    long rss_first_pass = 0;
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < npages; i++) {
            struct nw_article art;
            char err[256];
            nw_article_init(&art);
            double t0 = now();
            nw_extractor_run(ex, pages[i].data, pages[i].len, "https://www.example.com/a.html",
                             "2030-01-01T00:00:00Z", &art, err, sizeof(err));
            double t = now() - t0;
            nw_article_fini(&art);
            if (r == 0 || t < pages[i].t_extract)
                pages[i].t_extract = t;
        }
        if (r == 0)
            rss_first_pass = peak_rss_kb();
    }
    long rss_last_pass = peak_rss_kb();
    nw_extractor_destroy(ex);

    /* stages outside the fair comparison and the first pipeline stage alone: gunzip of
     * the stored bytes (not part of the pipeline timing, as libxml2 is given decompressed
     * HTML too) and charset decode of the decompressed HTML (part of the pipeline) */
    for (size_t i = 0; i < npages; i++) {
        pages[i].t_unzip = 1e9;
        pages[i].t_decode = 1e9;
        for (int r = 0; r < rounds; r++) {
            char *inflated = NULL;
            size_t inflated_len = 0;
            double t0 = now();
            (void)nw_gunzip(pages[i].raw, pages[i].raw_len, MAX_PAGE_BYTES, &inflated,
                            &inflated_len);
            double t = now() - t0;
            nw_free(inflated);
            if (t < pages[i].t_unzip)
                pages[i].t_unzip = t;

            struct nw_decoded dec = {0};
            char derr[128];
            t0 = now();
            (void)nw_decode(pages[i].data, pages[i].len, NULL, 1, MAX_PAGE_BYTES, &dec, derr,
                            sizeof(derr));
            t = now() - t0;
            nw_decoded_fini(&dec);
            if (t < pages[i].t_decode)
                pages[i].t_decode = t;
        }
    }

    /* whole offline pipeline, from the decompressed HTML (as libxml2 gets it), one
     * processor for all pages */
    char perr[256] = "";
    struct nw_processor *proc = nw_processor_create(NULL, perr, sizeof(perr));
    if (!proc) {
        fprintf(stderr, "bench_extract: processor: %s\n", perr);
        return 1;
    }
    long rss_pipe[64];
    int failed = 0;
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < npages; i++) {
            struct nw_article art;
            const char *stage = "";
            char url[600];
            snprintf(url, sizeof(url), "https://www.example.com/%s", pages[i].name);
            struct nw_input in = {.data = pages[i].data,
                                  .len = pages[i].len,
                                  .url = url,
                                  .fetched_at = "2030-01-01T00:00:00Z"};
            nw_article_init(&art);
            double t0 = now();
            enum nw_status st = nw_processor_run(proc, &in, &art, &stage, perr, sizeof(perr));
            double t = now() - t0;
            nw_article_fini(&art);
            if (r == 0 && st != NW_OK) {
                failed++;
                fprintf(stderr, "bench_extract: %s: %s: %s\n", pages[i].name, stage, perr);
            }
            if (r == 0 || t < pages[i].t_pipe)
                pages[i].t_pipe = t;
        }
        if (r < (int)(sizeof(rss_pipe) / sizeof(rss_pipe[0])))
            rss_pipe[r] = peak_rss_kb();
    }
    nw_processor_destroy(proc);

    double sx = 0, sm = 0, se = 0, sp = 0, su = 0, sd = 0, worst = 0, worst_pipe = 0;
    const char *worst_name = "", *worst_pipe_name = "";
    printf("%-20s %9s %10s %10s %10s %11s %8s %8s %8s\n", "page", "bytes", "libxml2_ms",
           "myhtml_ms", "extract_ms", "pipeline_ms", "my/xml", "ex/xml", "pipe/xml");
    for (size_t i = 0; i < npages; i++) {
        struct page *p = &pages[i];
        sx += p->t_xml;
        sm += p->t_myhtml;
        se += p->t_extract;
        sp += p->t_pipe;
        su += p->t_unzip;
        sd += p->t_decode;
        if (p->t_extract > worst) {
            worst = p->t_extract;
            worst_name = p->name;
        }
        if (p->t_pipe > worst_pipe) {
            worst_pipe = p->t_pipe;
            worst_pipe_name = p->name;
        }
        printf("%-20.20s %9zu %10.3f %10.3f %10.3f %11.3f %8.2f %8.2f %8.2f\n", p->name, p->len,
               p->t_xml * 1e3, p->t_myhtml * 1e3, p->t_extract * 1e3, p->t_pipe * 1e3,
               p->t_myhtml / p->t_xml, p->t_extract / p->t_xml, p->t_pipe / p->t_xml);
    }
    printf("\ntotal: libxml2 parse %.1f ms (%.0f pages/s, %.0f MB/s)\n", sx * 1e3,
           (double)npages / sx, (double)total_bytes / 1e6 / sx);
    printf("total: MyHTML parse  %.1f ms (%.0f pages/s), ratio to libxml2 %.2f\n", sm * 1e3,
           (double)npages / sm, sm / sx);
    printf("total: extract       %.1f ms (%.0f pages/s), ratio to libxml2 %.2f (goal <= 0.80)\n",
           se * 1e3, (double)npages / se, se / sx);
    printf("total: pipeline      %.1f ms (%.0f pages/s), ratio to libxml2 %.2f (goal <= 0.80)\n",
           sp * 1e3, (double)npages / sp, sp / sx);
    printf("  (from decompressed HTML, as libxml2; of which decode %.1f ms, extract %.1f ms,\n"
           "   normalize+boiler+enrich ~%.1f ms)\n",
           sd * 1e3, se * 1e3, (sp - sd - se) * 1e3);
    printf("not in the pipeline figure: gunzip of the stored .gz bytes %.1f ms\n", su * 1e3);
    printf("slowest extract: %s %.2f ms; slowest pipeline: %s %.2f ms (bound 50 ms)\n", worst_name,
           worst * 1e3, worst_pipe_name, worst_pipe * 1e3);
    printf("pipeline failures (first round): %d of %zu pages\n", failed, npages);
    printf("peak RSS (KB): after libxml2 %ld, after MyHTML %ld, after extract pass 1 %ld, "
           "after pass %d %ld\n",
           rss_xml, rss_myhtml, rss_first_pass, rounds, rss_last_pass);
    printf("peak RSS (KB) after each pipeline round:");
    for (int r = 0; r < rounds && r < (int)(sizeof(rss_pipe) / sizeof(rss_pipe[0])); r++)
        printf(" %ld", rss_pipe[r]);
    printf("\n");
    for (size_t i = 0; i < npages; i++) {
        free(pages[i].data);
        free(pages[i].raw);
        free(pages[i].name);
    }
    xmlCleanupParser();
    return 0;
}
