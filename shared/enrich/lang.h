/*
 * lang.h — language of a text with CLD2 (a few lines of C++ in lang.cc).
 */
#ifndef NW_LANG_H
#define NW_LANG_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the ISO 639-1 code of the text's language ("en") into out (3 bytes) and returns
 * 1, or returns 0 if CLD2 cannot tell (too little text, unknown language). hint is the
 * page's declared language ("en-US", may be NULL): only a hint. Reads the first
 * NW_LANG_PREFIX bytes, and at most NW_LANG_MAX_SCAN bytes when those do not settle it. */
int nw_lang_detect(const char *text, size_t len, const char *hint, char out[3]);

/* CLD2's cost grows with the bytes it scores, and a paragraph names the language of an
 * article as well as its whole text does: on the 90 evaluation pages and the seed texts,
 * even 512 bytes give the same language as 16 KB, and none of them needs the longer scan
 * below at 1 KB (150-odd words; CLD2 itself is built for snippets of a few hundred
 * bytes). The lead's answer stands only when CLD2 calls it reliable and gives that
 * language NW_LANG_PREFIX_PERCENT of the lead; otherwise (a mixed or thin lead) the
 * longer scan decides, as before. */
#define NW_LANG_PREFIX 1024u
#define NW_LANG_PREFIX_PERCENT 80

/* 16 KB of text (a long article's first pages) decide the language as well as the whole
 * text does. */
#define NW_LANG_MAX_SCAN (16u * 1024u)

#ifdef __cplusplus
}
#endif

#endif
