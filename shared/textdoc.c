/*
 * textdoc.c — plain-text input: title line and body.
 *
 * Texts extracted by other tools often start with a few lines of page chrome ("Next
 * Story", the site name, a breadcrumb "Home » Title") before the headline. The title is
 * the first of the leading short lines that looks like a headline (three or more words,
 * no sentence end, not a prompt); a breadcrumb contributes its last segment. The lines
 * before the title are chrome and are dropped; everything after it is the body, which
 * boiler.c cleans further. If no leading line looks like a headline, the text is all body.
 */
#include "textdoc.h"

#include <string.h>

#include "lines.h"
#include "mem.h"

#define NW_TEXTDOC_TITLE_MAX 400 /* bytes */
#define NW_TEXTDOC_HEAD_LINES 6  /* non-empty lines searched for the title */
#define NW_TEXTDOC_TITLE_MIN_WORDS 3
#define NW_TEXTDOC_TITLE_MAX_WORDS 30
#define NW_TEXTDOC_PARA_WORDS 25 /* a line this long is article text, not a headline */

static size_t count_words(const char *s, size_t n)
{
    size_t words = 0;
    int in = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int sp = c == ' ' || c == '\t' || c == '\r';
        if (!sp && !in)
            words++;
        in = !sp;
    }
    return words;
}

/* Finds the last breadcrumb separator (" » ", " › ", " > ", " | ") and returns the offset
 * of the text after it, or 0 if the line is no breadcrumb. */
static size_t breadcrumb_tail(const char *s, size_t n)
{
    static const char *const seps[] = {" \xC2\xBB ", " \xE2\x80\xBA ", " > ", " | "};
    size_t best = 0;
    for (size_t k = 0; k < sizeof(seps) / sizeof(seps[0]); k++) {
        size_t sl = strlen(seps[k]);
        for (size_t i = 0; i + sl <= n; i++)
            if (memcmp(s + i, seps[k], sl) == 0 && i + sl > best)
                best = i + sl;
    }
    return best;
}

static int ends_sentence(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t'))
        n--;
    return n > 0 && (s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == ';');
}

enum nw_status nw_textdoc_load(const char *text, size_t len, struct nw_article *art)
{
    enum nw_status result = NW_OK;
    size_t i = 0, seen = 0, body = 0;

    if (!text)
        len = 0;
    while (i < len && seen < NW_TEXTDOC_HEAD_LINES) {
        size_t start, end, words, tail;
        nw_lines_next(text, len, &i, &start, &end);
        if (start == end)
            continue;
        seen++;
        words = count_words(text + start, end - start);
        if (words >= NW_TEXTDOC_PARA_WORDS)
            break; /* article text reached: no headline above it */
        tail = breadcrumb_tail(text + start, end - start);
        if (tail) {
            start += tail;
            words = count_words(text + start, end - start);
        }
        if (words < NW_TEXTDOC_TITLE_MIN_WORDS || words > NW_TEXTDOC_TITLE_MAX_WORDS ||
            end - start > NW_TEXTDOC_TITLE_MAX || ends_sentence(text + start, end - start))
            continue;
        result = nw_article_setn(&art->title, text + start, end - start);
        if (result != NW_OK)
            goto out;
        body = i;
        break;
    }
    result = nw_article_setn(&art->text, text ? text + body : "", len - body);
out:
    return result;
}
