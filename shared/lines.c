/* lines.c — one line of plain text at a time, trimmed. */
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
