/* lines.c — one line of plain text at a time, trimmed, forwards or backwards. */
#include "lines.h"

void nw_lines_next(const char *text, size_t len, size_t *pos, size_t *start, size_t *end)
{
    size_t i = *pos, s = i, e;

    while (i < len && text[i] != '\n')
        i++;
    e = i;
    if (i < len)
        i++;
    while (s < e && (text[s] == ' ' || text[s] == '\t'))
        s++;
    while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\r'))
        e--;
    *pos = i;
    *start = s;
    *end = e;
}

void nw_lines_prev(const char *text, size_t *pos, size_t *start, size_t *end)
{
    size_t e = *pos, s;

    if (e > 0 && text[e - 1] == '\n')
        e--;
    s = e;
    while (s > 0 && text[s - 1] != '\n')
        s--;
    *pos = s;
    while (s < e && (text[s] == ' ' || text[s] == '\t'))
        s++;
    while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\r'))
        e--;
    *start = s;
    *end = e;
}
