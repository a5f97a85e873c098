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
 * page's declared language ("en-US", may be NULL): only a hint. Reads at most
 * NW_LANG_MAX_SCAN bytes. */
int nw_lang_detect(const char *text, size_t len, const char *hint, char out[3]);

/* 16 KB of text (a long article's first pages) decide the language as well as the whole
 * text does, and CLD2's cost grows with the bytes it scores. */
#define NW_LANG_MAX_SCAN (16u * 1024u)

#ifdef __cplusplus
}
#endif

#endif
