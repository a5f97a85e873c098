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
#include "mem.h"
#include "normalize.h"
#include "record.h"
#include "textdoc.h"
#include "url.h"

struct nw_processor {
    struct nw_extractor *extractor;
    struct nw_enrich *enrich;
    size_t max_html_bytes;
    size_t max_input_bytes; /* before cutting: what we accept to decode at all */
    size_t min_chars;
};

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
    proc->max_html_bytes = opts.max_html_bytes;
    /* Anything larger is cut before decoding; the extractor notes the cut. */
    proc->max_input_bytes = opts.max_html_bytes;
    proc->extractor = nw_extractor_create(&opts);
    if (!proc->extractor) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "cannot create the HTML extractor");
        goto fail;
    }
    proc->enrich = nw_enrich_create(NULL, errstr, errstr_size);
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

    *stage = "decode";
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

    if (in->is_text) {
        *stage = "extract";
        result = nw_textdoc_load(dec.text, dec.len, art);
    } else {
        *stage = "extract";
        result = nw_extractor_run(proc->extractor, dec.text, dec.len, art->final_url,
                                  art->fetched_at, art, errstr, errstr_size);
    }
    if (result && result != NW_ENOCONTENT)
        goto out;

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

    *stage = "enrich";
    result = nw_enrich_run(proc->enrich, art);
    if (result)
        nw_fail(result, errstr, errstr_size, "enrich: %s", nw_status_message(result));
out:
    nw_decoded_fini(&dec);
    nw_free(inflated);
    return result;
}
