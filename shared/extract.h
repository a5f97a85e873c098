/*
 * extract.h — HTML (UTF-8) to article body and metadata.
 *
 * One nw_extractor per thread: it owns a reusable MyHTML parser so that a page costs
 * only its own parse. nw_extractor_run parses the page once and fills, in the caller's
 * article: title, authors, published_at, modified_at (RFC 3339 UTC, never later than
 * fetched_at), site_name, description, image, section, tags, canonical_url (absolute,
 * resolved against base_url), declared_language, and text (the article body as
 * paragraphs separated by "\n\n"; normalize.c cleans it afterwards).
 * Internals live in html.c (DOM helpers over MyHTML), extract.c (body) and meta.c
 * (metadata); other modules see only this header.
 */
#ifndef NW_EXTRACT_H
#define NW_EXTRACT_H

#include <stddef.h>

#include "article.h"
#include "status.h"

struct nw_extract_opts {
    size_t max_html_bytes; /* input beyond this is cut (a warning goes into the article) */
    int max_depth;         /* DOM depth beyond which subtrees are not walked */
};

struct nw_extractor;

/* A new extractor; NULL on allocation failure. Free with nw_extractor_destroy (NULL-safe). */
struct nw_extractor *nw_extractor_create(const struct nw_extract_opts *opts);
void nw_extractor_destroy(struct nw_extractor *ex);

/* Parses html (valid UTF-8, len bytes, need not be NUL-terminated) and fills art as
 * described above. base_url resolves relative URLs; fetched_at (RFC 3339) bounds dates
 * and may be NULL. NW_ENOCONTENT when no body text was found (metadata is still filled).
 * Fields already set in art are replaced. */
enum nw_status nw_extractor_run(struct nw_extractor *ex, const char *html, size_t len,
                                const char *base_url, const char *fetched_at,
                                struct nw_article *art, char *errstr, size_t errstr_size);

/* The extractor's rules that an evaluation can switch off one by one to measure what
 * each contributes (shared/extract.md lists them with their figures). Products never
 * call this: every rule is on by default. */
enum nw_extract_rule {
    NW_EXTRACT_RULE_WRAPPER_DROPS = 1u << 0, /* furniture tags/roles dropped unless a wrapper */
    NW_EXTRACT_RULE_MIXED_CLASS = 1u << 1,   /* "entry share": a content token defers the drop */
    NW_EXTRACT_RULE_JS_HOOKS = 1u << 2,      /* "js-..." class tokens are ignored */
};
#define NW_EXTRACT_RULES_ALL 0x1u

/* Switches the rules in rules_off off (0 = all on) for the following runs. */
void nw_extractor_set_rules_off(struct nw_extractor *ex, unsigned rules_off);

#endif
