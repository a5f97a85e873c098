/*
 * extract_ablate.c — the text side of `newsworker extract` (gunzip, decode, extract,
 * normalize, boiler) with some of the extractor's rules switched off, for the ablation
 * table of shared/extract.md.
 *
 *   extract_ablate [--rules-off MASK] [--list] FILE...
 *
 * MASK is a number (0x.. allowed) of NW_EXTRACT_RULE_* bits, or a rule name from --list.
 * Prints one JSON line per file, {"url": "file://PATH", "text": ...}, which the scorers in
 * ../shared/eval read like newsworker's own records (with MASK 0 the texts are the same).
 * tests/bench/extract_ablation.sh runs it over both dev sets for every rule.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "bench_pages.h"
#include "boiler.h"
#include "decode.h"
#include "extract.h"
#include "mem.h"
#include "normalize.h"

#define MAX_PAGE (16u << 20)

static const struct {
    const char *name;
    unsigned long long bit;
} rules[] = {
    {"wrapper_drops", NW_EXTRACT_RULE_WRAPPER_DROPS},
    {"mixed_class", NW_EXTRACT_RULE_MIXED_CLASS},
    {"hidden", NW_EXTRACT_RULE_HIDDEN},
    {"class_strong", NW_EXTRACT_RULE_CLASS_STRONG},
    {"class_medium", NW_EXTRACT_RULE_CLASS_MEDIUM},
    {"class_weak", NW_EXTRACT_RULE_CLASS_WEAK},
    {"class_wrappers", NW_EXTRACT_RULE_CLASS_WRAPPERS},
    {"inline_card", NW_EXTRACT_RULE_INLINE_CARD},
    {"semantic", NW_EXTRACT_RULE_SEMANTIC},
    {"titled_article", NW_EXTRACT_RULE_TITLED_ARTICLE},
    {"loose_text", NW_EXTRACT_RULE_LOOSE_TEXT},
    {"linked_sentence", NW_EXTRACT_RULE_LINKED_SENTENCE},
    {"article_lists", NW_EXTRACT_RULE_ARTICLE_LISTS},
    {"linked_headings", NW_EXTRACT_RULE_LINKED_HEADINGS},
    {"teaser_runs", NW_EXTRACT_RULE_TEASER_RUNS},
    {"trailing_lists", NW_EXTRACT_RULE_TRAILING_LISTS},
    {"retry", NW_EXTRACT_RULE_RETRY},
    {"char_length", NW_EXTRACT_RULE_CHAR_LENGTH},
    {"tables", NW_EXTRACT_RULE_TABLES},
    {"embeds", NW_EXTRACT_RULE_EMBEDS},
    {"notices", NW_EXTRACT_RULE_NOTICES},
    {"ledes", NW_EXTRACT_RULE_LEDES},
    {"deep_siblings", NW_EXTRACT_RULE_DEEP_SIBLINGS},
    {"trailing_headings", NW_EXTRACT_RULE_TRAILING_HEADINGS},
    {"prose_cells", NW_EXTRACT_RULE_PROSE_CELLS},
    {"distant_lede", NW_EXTRACT_RULE_DISTANT_LEDE},
    {"wrapped_parts", NW_EXTRACT_RULE_WRAPPED_PARTS},
    {"prose_headers", NW_EXTRACT_RULE_PROSE_HEADERS},
    {"control_boxes", NW_EXTRACT_RULE_CONTROL_BOXES},
    {"author_boxes", NW_EXTRACT_RULE_AUTHOR_BOXES},
    {"titled_wrappers", NW_EXTRACT_RULE_TITLED_WRAPPERS},
    {"credit_lines", NW_EXTRACT_RULE_CREDIT_LINES},
    {"furniture_boxes", NW_EXTRACT_RULE_FURNITURE_BOXES},
    {"header_ledes", NW_EXTRACT_RULE_HEADER_LEDES},
    {"wrapped_h1", NW_EXTRACT_RULE_WRAPPED_H1},
    {"deep_wrappers", NW_EXTRACT_RULE_DEEP_WRAPPERS},
    {"closing_greetings", NW_EXTRACT_RULE_CLOSING_GREETINGS},
    {"teaser_ledes", NW_EXTRACT_RULE_TEASER_LEDES},
    {"taken_headline", NW_EXTRACT_RULE_TAKEN_HEADLINE},
    {"support_appeals", NW_EXTRACT_RULE_SUPPORT_APPEALS},
    {"written_urls", NW_EXTRACT_RULE_WRITTEN_URLS},
    {"command_lines", NW_EXTRACT_RULE_COMMAND_LINES},
    {"licence_lines", NW_EXTRACT_RULE_LICENCE_LINES},
    {"picture_text", NW_EXTRACT_RULE_PICTURE_TEXT},
    {"heading_anchors", NW_EXTRACT_RULE_HEADING_ANCHORS},
};

static int parse_mask(const char *s, unsigned long long *mask)
{
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        if (strcmp(s, rules[i].name) == 0) {
            *mask = rules[i].bit;
            return 0;
        }
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 0);
    if (!end || *end || end == s)
        return -1;
    *mask = v;
    return 0;
}

/* The page's text as newsworker prints it, or NULL when none is found. Caller frees. */
static char *page_text(struct nw_extractor *ex, unsigned long long rules_off, const char *path,
                       const char *url)
{
    size_t len = 0;
    char *raw = bench_gunzip_file(path, MAX_PAGE, &len), *text = NULL;
    struct nw_decoded dec = {0};
    struct nw_article art;
    char err[256];
    nw_article_init(&art);
    if (!raw) {
        fprintf(stderr, "extract_ablate: cannot read %s\n", path);
        goto out;
    }
    if (nw_decode(raw, len, NULL, 1, MAX_PAGE, &dec, err, sizeof(err)) != NW_OK) {
        fprintf(stderr, "extract_ablate: %s: %s\n", path, err);
        goto out;
    }
    enum nw_status st = nw_extractor_run(ex, dec.text, dec.len, url, NULL, &art, err, sizeof(err));
    if (st != NW_OK || !art.text)
        goto out;
    char *norm = NULL, *clean = NULL;
    size_t norm_len = 0, clean_len = 0;
    if (nw_normalize_text(art.text, strlen(art.text), MAX_PAGE, &norm, &norm_len) != NW_OK)
        goto out;
    if (nw_boiler_strip_rules(norm, norm_len, art.title, rules_off, &clean, &clean_len) == NW_OK)
        text = clean;
    nw_free(norm);
out:
    nw_decoded_fini(&dec);
    nw_article_fini(&art);
    free(raw);
    return text;
}

int main(int argc, char **argv)
{
    unsigned long long off = 0;
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
            printf("%s 0x%llx\n", rules[i].name, rules[i].bit);
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "--rules-off") == 0) {
        if (parse_mask(argv[2], &off) != 0) {
            fprintf(stderr, "extract_ablate: bad rule mask or name: %s\n", argv[2]);
            return 2;
        }
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: extract_ablate [--rules-off MASK|NAME] [--list] FILE...\n");
        return 2;
    }
    struct nw_extractor *ex = nw_extractor_create(NULL);
    if (!ex) {
        fprintf(stderr, "extract_ablate: out of memory\n");
        return 1;
    }
    nw_extractor_set_rules_off(ex, off);
    for (int i = first; i < argc; i++) {
        char url[4200];
        snprintf(url, sizeof(url), "file://%s", argv[i]);
        char *text = page_text(ex, off, argv[i], url);
        json_t *rec = json_pack("{s:s, s:s?}", "url", url, "text", text);
        nw_free(text);
        char *line = rec ? json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
        if (line)
            puts(line);
        free(line);
        json_decref(rec);
    }
    nw_extractor_destroy(ex);
    return 0;
}
