/*
 * html_budget.h — bounded work per page, decided before the HTML parser allocates.
 *
 * MyHTML builds a node for every tag and text run, reconstructs unclosed formatting
 * elements (<b>, <font>, <a>, ...) at every new block, and walks its stack of open
 * elements for scope checks: a 16 MB page of tiny tags costs gigabytes and seconds, and
 * deep nesting costs quadratic time. nw_html_budget_scan reads the bytes once (memchr
 * from one '<' to the next) and returns where to cut so that the parse stays within the
 * budget:
 *   - bytes: at most max_bytes (never inside a UTF-8 sequence);
 *   - elements: an upper estimate of the nodes the tree builder can create. Every '<'
 *     followed by a letter, or by '/' and a letter, counts (inside scripts and comments
 *     too, so no markup can hide tags from the count), plus, for each such tag, the
 *     formatting elements left open so far, which the parser may reconstruct;
 *   - depth: start tags minus end tags of the elements that stay open until closed.
 * The estimate only ever errs high, so a page is cut early rather than late. Pure
 * function, no allocation.
 */
#ifndef NW_HTML_BUDGET_H
#define NW_HTML_BUDGET_H

#include <stddef.h>

struct nw_html_budget {
    size_t max_bytes;    /* 0 = no byte limit */
    size_t max_elements; /* 0 = no element limit */
    long max_depth;      /* 0 = no depth limit */
};

enum nw_html_cut_reason {
    NW_HTML_CUT_NONE = 0,
    NW_HTML_CUT_BYTES,
    NW_HTML_CUT_ELEMENTS,
    NW_HTML_CUT_DEPTH,
};

struct nw_html_cut {
    size_t len;                     /* bytes to keep (== input len when nothing is cut) */
    enum nw_html_cut_reason reason; /* why it was cut, NW_HTML_CUT_NONE if not */
    size_t elements;                /* element estimate of the kept part */
    long depth;                     /* deepest nesting estimate seen in the kept part */
};

/* Scans html (len bytes, need not be NUL-terminated) and fills cut. */
void nw_html_budget_scan(const char *html, size_t len, const struct nw_html_budget *budget,
                         struct nw_html_cut *cut);

/* A one-line note for the record's warnings ("html cut at 123 bytes: more than 200000
 * elements"), written into out (always NUL-terminated). Empty when nothing was cut. */
void nw_html_budget_note(const struct nw_html_cut *cut, size_t original_len,
                         const struct nw_html_budget *budget, char *out, size_t out_size);

#endif
