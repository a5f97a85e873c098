/*
 * boiler.h — removes the leftovers that extracted article text carries: standalone short
 * lines that are navigation, share, app or comment prompts ("Next Story", "Send Push",
 * "Loving X? Download the app now"), "More stories"/"You may also like" headers with
 * their counters and teaser titles, copyright and image-credit lines, breadcrumb lines.
 * Real subheads (a short line followed by article paragraphs) stay. General rules, never
 * a list of one site's strings. Runs on normalized text (paragraphs separated by "\n\n")
 * from both HTML and plain-text input.
 */
#ifndef NW_BOILER_H
#define NW_BOILER_H

#include <stddef.h>

#include "status.h"

/* What kind of line s (n bytes, one line) is, by its shape. */
enum nw_line_kind {
    NW_LINE_TEXT = 0,  /* article text, a headline or a subhead */
    NW_LINE_FURNITURE, /* a prompt, credit, copyright, byline, date, lone word, [note] */
    NW_LINE_DATELINE,  /* a place and a date on their own: "LONDON 1996-08-30" */
    NW_LINE_SIGNOFF,   /* a desk's sign-off: "-- Milan newsroom +39 2 6612 0000" */
};

enum nw_line_kind nw_boiler_line_kind(const char *s, size_t n);

/* Writes the cleaned text to *out (nw_malloc'd, caller frees with nw_free) and its
 * length to *out_len. title (may be NULL) lets a repeat of the title be dropped. */
enum nw_status nw_boiler_strip(const char *text, size_t len, const char *title, char **out,
                               size_t *out_len);

/* nw_boiler_strip with the line rules in rules_off (NW_EXTRACT_RULE_* bits of extract.h
 * that belong to this file: NW_EXTRACT_RULE_CLOSING_GREETINGS) switched off, for the
 * evaluation of shared/extract.md; products call nw_boiler_strip. */
enum nw_status nw_boiler_strip_rules(const char *text, size_t len, const char *title,
                                     unsigned long long rules_off, char **out, size_t *out_len);

#endif
