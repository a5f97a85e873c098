/*
 * words.h — the words of one line of text, as the line classifiers read them (boiler.c's
 * leftover lines, chrome.c's site chrome): runs of ASCII letters and digits and of any
 * non-ASCII byte, lower-cased, and a look-up in a word list. Header-only (static inline),
 * as the classifiers call them for every word of every line. Pure; nothing is allocated.
 */
#ifndef NW_WORDS_H
#define NW_WORDS_H

#include <stddef.h>
#include <string.h>

/* nw_word_next flag: a hyphen between two word bytes stays inside the word ("e-mail"). */
#define NW_WORD_HYPHEN 1u

/* An ASCII letter or digit, or any byte of a multi-byte UTF-8 character. */
static inline int nw_word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* The next word of s[*pos..n): word bytes with apostrophes (and, with NW_WORD_HYPHEN,
 * hyphens) between them, its ASCII lower-cased into w (wsize bytes, cut to fit,
 * NUL-terminated). *cap: it starts with an ASCII capital; *digit: with a digit. Moves *pos
 * past it. 0 at the end of s. */
static inline int nw_word_next(const char *s, size_t n, size_t *pos, char *w, size_t wsize,
                               unsigned flags, int *cap, int *digit)
{
    size_t i = *pos, k = 0;

    while (i < n && !nw_word_byte((unsigned char)s[i]))
        i++;
    if (i >= n)
        return 0;
    *cap = s[i] >= 'A' && s[i] <= 'Z';
    *digit = s[i] >= '0' && s[i] <= '9';
    while (i < n && (nw_word_byte((unsigned char)s[i]) ||
                     ((s[i] == '\'' || (s[i] == '-' && (flags & NW_WORD_HYPHEN))) && i + 1 < n &&
                      nw_word_byte((unsigned char)s[i + 1])))) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (k + 1 < wsize)
            w[k++] = c;
        i++;
    }
    w[k] = '\0';
    *pos = i;
    return 1;
}

/* 1 if w is one of the n words of list. */
static inline int nw_word_in(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w, list[i]) == 0)
            return 1;
    return 0;
}

#define NW_WORD_IN(w, l) nw_word_in(w, l, sizeof(l) / sizeof(l[0]))

#endif
