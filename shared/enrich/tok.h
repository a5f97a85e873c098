/*
 * tok.h — the tokenizer shared by the enrichers: words, numbers and punctuation of the
 * normalized text with byte offsets and a few shape flags. Bounded: at most max_tokens
 * tokens from at most NW_TOK_MAX_SCAN bytes.
 */
#ifndef NW_TOK_H
#define NW_TOK_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define NW_TOK_MAX_SCAN (256u * 1024u)

enum {
    NW_TOK_WORD = 1 << 0,       /* contains a letter */
    NW_TOK_NUM = 1 << 1,        /* starts with a digit */
    NW_TOK_CAP = 1 << 2,        /* first letter upper case */
    NW_TOK_UPPER = 1 << 3,      /* two or more letters, all upper case (an acronym) */
    NW_TOK_SENT_START = 1 << 4, /* first token of a sentence or paragraph */
    NW_TOK_PUNCT = 1 << 5,      /* one punctuation or symbol character */
    NW_TOK_PARA = 1 << 6,       /* a paragraph break (the token covers the blank line) */
    NW_TOK_QUOTE = 1 << 7,      /* a quotation mark (", “, ”, «, ») */
};

struct nw_tok {
    uint32_t off;
    uint32_t len;      /* bytes of the whole token */
    uint32_t base_len; /* without a possessive 's / ’s */
    uint32_t flags;
};

struct nw_toks {
    const char *text;
    struct nw_tok *v;
    size_t n;
};

/* Tokenizes text (UTF-8). toks->v is nw_malloc'd; free with nw_toks_fini. */
enum nw_status nw_toks_init(struct nw_toks *toks, const char *text, size_t len, size_t max_tokens);
void nw_toks_fini(struct nw_toks *toks);

/* True if token i is the punctuation character c (ASCII). */
int nw_tok_is(const struct nw_toks *toks, size_t i, char c);

/* True if token i's base text equals word (ASCII, case-insensitive). */
int nw_tok_eq(const struct nw_toks *toks, size_t i, const char *word);

/* Copies token i's base text lower-cased (ASCII letters only) into out (NUL-terminated,
 * truncated to fit). Returns the length written. */
size_t nw_tok_lower(const struct nw_toks *toks, size_t i, char *out, size_t out_size);

#define NW_TOK_WORD_IN_MAX 31

/* True if token i is a word whose lower-cased base text is one of the n words of list (each
 * lower case and at most NW_TOK_WORD_IN_MAX bytes: a longer token is compared cut to that). */
int nw_tok_word_in(const struct nw_toks *toks, size_t i, const char *const *list, size_t n);

#endif
