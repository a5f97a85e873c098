/*
 * keywords.h — the text's top terms and two-word phrases, scored by frequency in the text
 * against a background (stopwords dropped, very common news words damped), with Snowball
 * stemming (libstemmer) for the detected language so "talks" and "talk" count together.
 * Also the summary: the lead sentences up to about NW_SUMMARY_WORDS words.
 */
#ifndef NW_KEYWORDS_H
#define NW_KEYWORDS_H

#include <jansson.h>

#include "status.h"
#include "tok.h"

#define NW_KEYWORDS_MAX 10
#define NW_SUMMARY_WORDS 60

/* Per thread: a lexicon per language, created on first use with its Snowball stemmer,
 * that keeps the words met so far (their stopword bits and stems; up to 32768 words
 * between texts, 2-3 MB, more only while a text of many distinct words is scored),
 * and the tables of the last text, reused by the next. */
struct nw_keywords;

struct nw_keywords *nw_keywords_create(void);
void nw_keywords_destroy(struct nw_keywords *kw);

/* *out is a new array [{term, score}] (score in (0, 1], best first). lang is ISO 639-1
 * or NULL (then English stopwords, no stemming). */
enum nw_status nw_keywords_find(struct nw_keywords *kw, const struct nw_toks *toks,
                                const char *lang, json_t **out);

/* The lead sentences of the text up to about NW_SUMMARY_WORDS words (at least one
 * sentence, cut with "…" if the first is longer). *out is nw_malloc'd (caller frees);
 * NULL for an empty text. */
enum nw_status nw_summary_make(const struct nw_toks *toks, char **out);

#endif
