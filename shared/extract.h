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
    NW_EXTRACT_RULE_WRAPPER_DROPS = 1u << 0,      /* furniture tags/roles kept as a wrapper */
    NW_EXTRACT_RULE_MIXED_CLASS = 1u << 1,        /* "entry share": a content token defers */
    NW_EXTRACT_RULE_HIDDEN = 1u << 2,             /* hidden/display:none subtrees skipped */
    NW_EXTRACT_RULE_CLASS_STRONG = 1u << 3,       /* strong furniture class words skip */
    NW_EXTRACT_RULE_CLASS_MEDIUM = 1u << 4,       /* medium furniture class words drop */
    NW_EXTRACT_RULE_CLASS_WEAK = 1u << 5,         /* weak furniture class words drop */
    NW_EXTRACT_RULE_CLASS_WRAPPERS = 1u << 6,     /* a class drop holding most text stays */
    NW_EXTRACT_RULE_INLINE_CARD = 1u << 7,        /* hover cards inside paragraphs skipped */
    NW_EXTRACT_RULE_SEMANTIC = 1u << 8,           /* tightest body container wins */
    NW_EXTRACT_RULE_TITLED_ARTICLE = 1u << 9,     /* the <article> holding the <h1> wins */
    NW_EXTRACT_RULE_LOOSE_TEXT = 1u << 10,        /* sibling/parent paragraphs recovered */
    NW_EXTRACT_RULE_LINKED_SENTENCE = 1u << 12,   /* a mostly linked sentence stays */
    NW_EXTRACT_RULE_ARTICLE_LISTS = 1u << 13,     /* lists whose items carry sentences stay */
    NW_EXTRACT_RULE_LINKED_HEADINGS = 1u << 14,   /* a linked heading over a paragraph stays */
    NW_EXTRACT_RULE_TEASER_RUNS = 1u << 15,       /* runs of headline+excerpt teasers go */
    NW_EXTRACT_RULE_TRAILING_LISTS = 1u << 16,    /* link lists after the last paragraph go */
    NW_EXTRACT_RULE_RETRY = 1u << 18,             /* passes with fewer class rules on too little */
    NW_EXTRACT_RULE_CHAR_LENGTH = 1u << 19,       /* lengths in characters (CJK wide = 2) */
    NW_EXTRACT_RULE_TABLES = 1u << 20,            /* a table row's cells on one line */
    NW_EXTRACT_RULE_EMBEDS = 1u << 21,            /* a furniture-named wrapper of a post stays */
    NW_EXTRACT_RULE_NOTICES = 1u << 22,           /* prompt lines around the article go */
    NW_EXTRACT_RULE_LEDES = 1u << 23,             /* the lede in the header stays */
    NW_EXTRACT_RULE_DEEP_SIBLINGS = 1u << 24,     /* siblings holding article-like parts */
    NW_EXTRACT_RULE_TRAILING_HEADINGS = 1u << 25, /* headings after the last paragraph go */
    NW_EXTRACT_RULE_PROSE_CELLS = 1u << 26,       /* a table cell of running text scores */
    NW_EXTRACT_RULE_WRAPPED_PARTS = 1u << 28,     /* siblings looked for past lone wrappers */
    NW_EXTRACT_RULE_DISTANT_LEDE = 1u << 27,      /* a lede between <h1> and body, far off */
    NW_EXTRACT_RULE_PROSE_HEADERS = 1u << 29,     /* a <header> of paragraphs is content */
    NW_EXTRACT_RULE_CONTROL_BOXES = 1u << 30,     /* a small box around a form control goes */
    NW_EXTRACT_RULE_AUTHOR_BOXES = 1u << 11,      /* a box under "About the author" goes */
    NW_EXTRACT_RULE_TITLED_WRAPPERS = 1u << 17,   /* a class drop around the titled story stays */
    NW_EXTRACT_RULE_FURNITURE_BOXES = 1ull << 32, /* disclaimer, affiliate, cta... boxes go */
    NW_EXTRACT_RULE_CREDIT_LINES = 1ull << 31,    /* "Foto: ...", "Quelle: ..." lines go */
    NW_EXTRACT_RULE_HEADER_LEDES = 1ull << 33,    /* a lede in a <header> the body holds */
    NW_EXTRACT_RULE_WRAPPED_H1 = 1ull << 34,      /* <h1><div>title</div></h1> is the h1 */
    NW_EXTRACT_RULE_DEEP_WRAPPERS = 1ull << 35,   /* wrapped_parts climbs 6 wrappers, not 4 */
    NW_EXTRACT_RULE_CLOSING_GREETINGS = 1ull << 36, /* boiler.c keeps "x Franzi" at the end */
    NW_EXTRACT_RULE_TEASER_LEDES = 1ull << 37,      /* a "teaser" before the body is the lede */
    NW_EXTRACT_RULE_TAKEN_HEADLINE = 1ull << 38,    /* lede looked for after a taken <h1> */
    NW_EXTRACT_RULE_SUPPORT_APPEALS = 1ull << 39,   /* "Únete", "support us" lines are notices */
    NW_EXTRACT_RULE_WRITTEN_URLS = 1ull << 40,      /* boiler.c keeps a line that is a URL */
    NW_EXTRACT_RULE_COMMAND_LINES = 1ull << 41,     /* boiler.c drops "Bild anzeigen", "Pinnen" */
    NW_EXTRACT_RULE_LICENCE_LINES = 1ull << 42,     /* boiler.c drops "... Lizenz CC-BY ..." */
    NW_EXTRACT_RULE_PICTURE_TEXT = 1ull << 43,      /* "figure > .description" is skipped */
    NW_EXTRACT_RULE_HEADING_ANCHORS = 1ull << 44,   /* a heading's id is no class word */
};

/* Switches the rules in rules_off off (0 = all on) for the following runs. */
void nw_extractor_set_rules_off(struct nw_extractor *ex, unsigned long long rules_off);

#endif
