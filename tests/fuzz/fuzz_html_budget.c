/*
 * fuzz_html_budget.c — libFuzzer target for the pre-parse budget scan (html_budget.c):
 * every input is scanned under small budgets, the cut must lie inside the input, the
 * element estimate must respect the budget, and scanning the kept part again must keep
 * all of it (the cut is stable). The kept part then goes through MyHTML (the extractor),
 * as it does in the pipeline.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "article.h"
#include "extract.h"
#include "html_budget.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct nw_extractor *ex;
    const char *html = (const char *)data;
    struct nw_html_budget budget = {.max_bytes = 50000, .max_elements = 500, .max_depth = 32};
    struct nw_html_cut cut, again;

    nw_html_budget_scan(html, size, &budget, &cut);
    if (cut.len > size || (budget.max_elements && cut.elements > budget.max_elements) ||
        cut.depth > budget.max_depth)
        abort();
    if (cut.reason == NW_HTML_CUT_NONE && cut.len != size)
        abort();
    nw_html_budget_scan(html, cut.len, &budget, &again);
    if (again.len != cut.len || again.reason != NW_HTML_CUT_NONE)
        abort();
    if (!ex) {
        struct nw_extract_opts opts = {.max_html_bytes = 100000, .max_depth = 64};
        ex = nw_extractor_create(&opts);
        if (!ex)
            return 0;
    }
    struct nw_article art;
    char err[256];
    nw_article_init(&art);
    nw_extractor_run(ex, html, cut.len, "https://example.com/a", NULL, &art, err, sizeof(err));
    nw_article_fini(&art);
    return 0;
}

#include "replay_main.h"
