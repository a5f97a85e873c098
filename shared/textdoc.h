/*
 * textdoc.h — plain-text input (`newsworker extract --text`, url jobs with "text"):
 * text that another tool already extracted. The first line becomes the title when it
 * looks like one; the rest becomes art->text (still to be normalized and stripped of
 * leftovers by boiler.c).
 */
#ifndef NW_TEXTDOC_H
#define NW_TEXTDOC_H

#include <stddef.h>

#include "article.h"
#include "status.h"

/* text is valid UTF-8 (len bytes). Sets art->title (if found) and art->text. */
enum nw_status nw_textdoc_load(const char *text, size_t len, struct nw_article *art);

#endif
