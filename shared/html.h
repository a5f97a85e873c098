/*
 * html.h — thin DOM helpers over MyHTML for the extractor (extract.c, meta.c).
 *
 * Internal to the extractor: other modules go through extract.h. A struct nw_html owns one
 * MyHTML instance (single-threaded parse mode) and one tree that is cleaned and reused for
 * every page, so memory stays flat however many pages one extractor parses. Nodes and
 * strings returned by these helpers are borrowed from the tree and stay valid until the
 * next nw_html_parse or nw_html_destroy.
 */
#ifndef NW_HTML_H
#define NW_HTML_H

#include <myhtml/api.h>
#include <stddef.h>

#include "buf.h"
#include "status.h"

struct nw_html;

/* A parser with an empty tree; NULL on allocation failure. Free with nw_html_destroy. */
struct nw_html *nw_html_create(void);
void nw_html_destroy(struct nw_html *html);

/* Parses len bytes of UTF-8 (need not be NUL-terminated), replacing the previous tree.
 * NW_EPARSE if MyHTML fails (typically out of memory inside MyHTML). */
enum nw_status nw_html_parse(struct nw_html *html, const char *data, size_t len);

/* The tree of the last parse (borrowed). */
myhtml_tree_t *nw_html_tree(struct nw_html *html);
/* The <html>, <head> and <body> elements of the last parse; may be NULL. */
myhtml_tree_node_t *nw_html_root(struct nw_html *html);
myhtml_tree_node_t *nw_html_head(struct nw_html *html);
myhtml_tree_node_t *nw_html_body(struct nw_html *html);

/* The node's tag id (MyHTML_TAG_*; text is MyHTML_TAG__TEXT). */
myhtml_tag_id_t nw_html_tag(myhtml_tree_node_t *node);

/* Tag name in lower case (borrowed, not NUL-terminated; *len set). "" when unknown. */
const char *nw_html_tag_name(struct nw_html *html, myhtml_tree_node_t *node, size_t *len);

/* Value of the attribute named key (lower case), borrowed and NUL-terminated; NULL if the
 * attribute is absent. *len (may be NULL) receives its length. */
const char *nw_html_attr(myhtml_tree_node_t *node, const char *key, size_t *len);

/* 1 if the attribute's value, split at whitespace, contains word (ASCII case-insensitive). */
int nw_html_attr_has_word(myhtml_tree_node_t *node, const char *key, const char *word);

/* Raw text of a text node (borrowed, not NUL-terminated); NULL for other nodes. */
const char *nw_html_text(myhtml_tree_node_t *node, size_t *len);

/* Next node in document order below top, descending into children only while
 * *depth < max_depth; *depth tracks the depth relative to top. NULL when the walk is done.
 * With skip_children set, the children of node are not visited. Iterative, so any depth of
 * markup is safe. */
myhtml_tree_node_t *nw_html_next(myhtml_tree_node_t *top, myhtml_tree_node_t *node, int *depth,
                                 int max_depth, int skip_children);

/* Appends the text below node to out with runs of white space (ASCII and U+00A0) collapsed
 * to one space, skipping <script>, <style>, <template> and <noscript>. A leading space is
 * never written into an empty buffer. NW_ETOOBIG when out is full (out keeps what fit). */
enum nw_status nw_html_collect_text(myhtml_tree_node_t *node, struct nw_buf *out, int max_depth);

/* Appends s (len bytes) to out with white space collapsed as above. */
enum nw_status nw_html_append_collapsed(struct nw_buf *out, const char *s, size_t len);

/* Removes trailing white space from out. */
void nw_html_rtrim(struct nw_buf *out);

#endif
