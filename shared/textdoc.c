/* textdoc.c — plain-text input: title line and body. */
#include "textdoc.h"

#include <string.h>

#include "mem.h"

#define NW_TEXTDOC_TITLE_MAX 300

enum nw_status nw_textdoc_load(const char *text, size_t len, struct nw_article *art)
{
    enum nw_status result = NW_OK;
    size_t i = 0, line_end;

    while (i < len && (text[i] == '\n' || text[i] == '\r' || text[i] == ' '))
        i++;
    line_end = i;
    while (line_end < len && text[line_end] != '\n')
        line_end++;
    if (line_end > i && line_end - i <= NW_TEXTDOC_TITLE_MAX && text[line_end - 1] != '.') {
        result = nw_article_setn(&art->title, text + i, line_end - i);
        if (result != NW_OK)
            goto out;
        i = line_end;
    }
    result = nw_article_setn(&art->text, text + i, len - i);
out:
    return result;
}
