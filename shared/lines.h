/*
 * lines.h — walking plain text line by line, as the text paths (boiler.c, textdoc.c)
 * read the extractor's output and --text input. Nothing is copied or allocated: a line
 * is a pair of offsets into the caller's text.
 */
#ifndef NW_LINES_H
#define NW_LINES_H

#include <stddef.h>

/**
 * Takes the line that begins at *pos in text[0..len) (up to '\n' or the end) and moves
 * *pos past it and its '\n'. [*start, *end) is that line without its leading spaces and
 * tabs and its trailing spaces and carriage returns; *start == *end for a blank line.
 * Call only while *pos < len: each call then moves *pos forward by at least one byte, so
 * a loop `while (pos < len)` ends after at most len calls.
 */
void nw_lines_next(const char *text, size_t len, size_t *pos, size_t *start, size_t *end);

#endif
