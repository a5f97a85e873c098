/*
 * stats.h — size figures of the normalized text: code points, words, sentences,
 * paragraphs and reading time (230 words per minute, rounded up).
 */
#ifndef NW_STATS_H
#define NW_STATS_H

#include <stddef.h>

#include "article.h"

/* Fills *out from text (UTF-8, len bytes; paragraphs separated by a blank line).
 * Cannot fail; scans the text once. */
void nw_stats_compute(const char *text, size_t len, struct nw_text_stats *out);

#endif
