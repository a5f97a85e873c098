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

/**
 * The same walk backwards: takes the line that ends at *pos (the text before *pos is
 * unread; a '\n' right before *pos ends that line) and moves *pos to the line's first
 * byte. [*start, *end) is the line trimmed as nw_lines_next trims it. Call only while
 * *pos > 0: each call then moves *pos back by at least one byte. Starting at len, the
 * lines come out as nw_lines_next gives them, in reverse order.
 */
void nw_lines_prev(const char *text, size_t *pos, size_t *start, size_t *end);

#endif
