/* process.c — runs one document through the pure stages of the pipeline. */
#include "process.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "boiler.h"
#include "decode.h"
#include "enrich/enrich.h"
#include "extract.h"
#include "gunzip.h"
#include "html_budget.h"
#include "mem.h"
#include "normalize.h"
#include "record.h"
#include "sniff.h"
#include "textdoc.h"
#include "url.h"

struct nw_processor {
    struct nw_extractor *extractor;
    struct nw_enrich *enrich;
    size_t max_html_bytes;
    size_t max_input_bytes; /* before cutting: what we accept to decode at all */
    size_t min_chars;
    struct nw_html_budget budget;       /* what one page may cost the HTML parser */
    double stage_s[NW_PROCESS_NSTAGES]; /* the last run's stage times */
    struct timespec mark;               /* start of the stage being timed */
};

/* Ends the timing of stage `ended` (if >= 0) and starts the next one. */
static void stage_mark(struct nw_processor *proc, int ended)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (ended >= 0)
        proc->stage_s[ended] = (double)(now.tv_sec - proc->mark.tv_sec) +
                               (double)(now.tv_nsec - proc->mark.tv_nsec) / 1e9;
    proc->mark = now;
}

void nw_processor_stage_seconds(const struct nw_processor *proc, double seconds[NW_PROCESS_NSTAGES])
{
    memcpy(seconds, proc->stage_s, sizeof(proc->stage_s));
}

struct nw_processor *nw_processor_create(const struct nw_config *cfg, char *errstr,
                                         size_t errstr_size)
{
    struct nw_extract_opts opts = {.max_html_bytes = 16u << 20, .max_depth = 512};
    struct nw_processor *proc;

    proc = nw_calloc(1, sizeof(*proc));
    if (!proc) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    if (cfg) {
        opts.max_html_bytes = (size_t)nw_config_get_int(cfg, "extract.max_html_bytes");
        opts.max_depth = (int)nw_config_get_int(cfg, "extract.max_depth");
        proc->min_chars = (size_t)nw_config_get_int(cfg, "extract.min_chars");
    }
    proc->budget.max_bytes = opts.max_html_bytes;
    proc->budget.max_elements =
        cfg ? (size_t)nw_config_get_int(cfg, "extract.max_elements") : NW_PROCESS_MAX_ELEMENTS;
    proc->budget.max_depth = NW_PROCESS_MAX_PARSE_DEPTH;
    proc->max_html_bytes = opts.max_html_bytes;
    /* Anything larger is cut before decoding; the extractor notes the cut. */
    proc->max_input_bytes = opts.max_html_bytes;
    proc->extractor = nw_extractor_create(&opts);
    if (!proc->extractor) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "cannot create the HTML extractor");
        goto fail;
    }
    proc->enrich = nw_enrich_create_model(NULL, cfg ? nw_config_get(cfg, "enrich.ner_model") : NULL,
                                          errstr, errstr_size);
    if (!proc->enrich)
        goto fail;
    return proc;
fail:
    nw_processor_destroy(proc);
    return NULL;
}

void nw_processor_destroy(struct nw_processor *proc)
{
    if (!proc)
        return;
    nw_extractor_destroy(proc->extractor);
    nw_enrich_destroy(proc->enrich);
    nw_free(proc);
}

/* url, final_url, domain and fetched_at, from the input. */
static enum nw_status set_identity(struct nw_article *art, const struct nw_input *in)
{
    enum nw_status result;
    char now[32];
    char *host = NULL;

    result = nw_article_set(&art->url, in->url);
    if (!result)
        result = nw_article_set(&art->final_url, in->final_url ? in->final_url : in->url);
    if (result)
        return result;
    if (art->final_url && nw_url_host(art->final_url, &host) == NW_OK) {
        nw_free(art->domain);
        art->domain = host;
    }
    if (!in->fetched_at)
        nw_rfc3339((long long)time(NULL), now, sizeof(now));
    return nw_article_set(&art->fetched_at, in->fetched_at ? in->fetched_at : now);
}

/* Replaces art->text by its normalized, leftover-free form. */
static enum nw_status clean_text(struct nw_processor *proc, struct nw_article *art)
{
    enum nw_status result;
    char *norm = NULL, *clean = NULL;
    size_t norm_len = 0, clean_len = 0;
    const char *text = art->text ? art->text : "";

    result = nw_normalize_text(text, strlen(text), proc->max_html_bytes, &norm, &norm_len);
    if (result)
        return result;
    result = nw_boiler_strip(norm, norm_len, art->title, &clean, &clean_len);
    nw_free(norm);
    if (result)
        return result;
    nw_free(art->text);
    art->text = clean;
    /* The title goes through the same normalization, so dedup and display agree. */
    if (art->title) {
        result = nw_normalize_text(art->title, strlen(art->title), 4096, &norm, NULL);
        if (result == NW_OK) {
            nw_free(art->title);
            art->title = norm;
        }
    }
    return NW_OK;
}

enum nw_status nw_processor_run(struct nw_processor *proc, const struct nw_input *in,
                                struct nw_article *art, const char **stage, char *errstr,
                                size_t errstr_size)
{
    enum nw_status result;
    struct nw_decoded dec = {0};
    char *inflated = NULL;
    const char *data = in->data;
    size_t len = in->len;
    char note[128];
    char cut_note[192] = "";

    *stage = "decode";
    memset(proc->stage_s, 0, sizeof(proc->stage_s));
    stage_mark(proc, -1);
    result = set_identity(art, in);
    if (result)
        goto out;
    if (nw_gunzip_is_gzip(data, len)) {
        size_t inflated_len = 0;
        int truncated = 0;
        /* A large gzipped page is cut with a warning like a large plain one; inflating
         * stops at the bound, so a gzip bomb costs no more than a large page. */
        result =
            nw_gunzip_head(data, len, proc->max_input_bytes, &inflated, &inflated_len, &truncated);
        if (!result && truncated) {
            snprintf(note, sizeof(note), "gzip input truncated at %zu inflated bytes",
                     proc->max_input_bytes);
            result = nw_article_warn(art, note);
        }
        if (result) {
            nw_fail(result, errstr, errstr_size, "gzip: %s", nw_status_message(result));
            goto out;
        }
        data = inflated;
        len = inflated_len;
    }
    if (len > proc->max_input_bytes) {
        snprintf(note, sizeof(note), "input truncated from %zu to %zu bytes", len,
                 proc->max_input_bytes);
        len = proc->max_input_bytes;
        result = nw_article_warn(art, note);
        if (result)
            goto out;
    }
    if (!in->is_text) {
        char what[96];
        if (nw_sniff_not_html(data, len, in->content_type, what, sizeof(what))) {
            result = nw_fail(NW_ENOTHTML, errstr, errstr_size, "not HTML: %s", what);
            goto out;
        }
    }
    result = nw_decode(data, len, in->content_type, !in->is_text, proc->max_input_bytes, &dec,
                       errstr, errstr_size);
    if (result)
        goto out;
    if (dec.declared[0]) {
        snprintf(note, sizeof(note),
                 "charset %s declared (%s) but the bytes are UTF-8: decoded as UTF-8", dec.declared,
                 dec.source);
        result = nw_article_warn(art, note);
        if (result)
            goto out;
    }
    if (art->http.present && !art->http.charset) {
        result = nw_article_set(&art->http.charset, dec.charset);
        if (result)
            goto out;
    }

    stage_mark(proc, NW_PROCESS_DECODE);
    if (in->is_text) {
        *stage = "extract";
        result = nw_textdoc_load(dec.text, dec.len, art);
    } else {
        /* The page's cost is bounded before the parser allocates: cut at the budget. */
        struct nw_html_cut cut;
        size_t html_len = dec.len;
        nw_html_budget_scan(dec.text, dec.len, &proc->budget, &cut);
        if (cut.reason != NW_HTML_CUT_NONE) {
            nw_html_budget_note(&cut, dec.len, &proc->budget, cut_note, sizeof(cut_note));
            html_len = cut.len;
            result = nw_article_warn(art, cut_note);
            if (result)
                goto out;
        }
        *stage = "extract";
        result = nw_extractor_run(proc->extractor, dec.text, html_len, art->final_url,
                                  art->fetched_at, art, errstr, errstr_size);
    }
    if (result && result != NW_ENOCONTENT)
        goto out;

    stage_mark(proc, NW_PROCESS_EXTRACT);
    *stage = "normalize";
    result = clean_text(proc, art);
    if (result) {
        nw_fail(result, errstr, errstr_size, "normalize: %s", nw_status_message(result));
        goto out;
    }
    if (!art->text[0] || strlen(art->text) < proc->min_chars) {
        *stage = "extract";
        result = nw_fail(NW_ENOCONTENT, errstr, errstr_size,
                         "no article text found (%zu characters)", strlen(art->text));
        goto out;
    }

    stage_mark(proc, NW_PROCESS_NORMALIZE);
    *stage = "enrich";
    result = nw_enrich_run(proc->enrich, art);
    stage_mark(proc, NW_PROCESS_ENRICH);
    if (result)
        nw_fail(result, errstr, errstr_size, "enrich: %s", nw_status_message(result));
out:
    /* An error record has no warnings: its message says what was cut. */
    if (result && cut_note[0] && errstr && errstr_size) {
        size_t used = strlen(errstr);
        if (used + 3 < errstr_size)
            snprintf(errstr + used, errstr_size - used, " (%s)", cut_note);
    }
    nw_decoded_fini(&dec);
    nw_free(inflated);
    return result;
}
