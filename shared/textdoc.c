/*
 * textdoc.c — plain-text input: title line and body.
 *
 * Site chrome at the edges of the text goes first (chrome.h: "Skip to main content",
 * cookie notices, menus and breadcrumbs, dated bylines, "Related:" lines): the lines from
 * the top down to the first line of article text, and from the bottom up to the last,
 * that are chrome, at most NW_TEXTDOC_EDGE_LINES from each end (a headline, one short line
 * with no sentence end, does not end the top edge). Every other line is kept:
 * the title, when there is one, is lifted out of the text, and the lines around it stay
 * in the body, where boiler.c removes the ones that are page furniture by their class
 * (prompts, credits, lone words); such furniture does not end the edge either.
 *
 * The title is the first line that is not furniture (boiler.h's line kinds: "Next Story",
 * a site name, a date), and only when it clearly is one: short (three to thirty words),
 * not a dateline ("LONDON 1996-08-30") or a sign-off ("-- Milan newsroom"), with more
 * text after it. A headline may end with a full stop (news agencies write them so); such
 * a line is a title only when a dateline follows it, or it is written in headline case,
 * or it is at most NW_TEXTDOC_DOT_TITLE_WORDS words with a paragraph twice as long after it
 * or a dateline (a short byline or place line may stand between). A
 * breadcrumb ("Home » Title") contributes its last segment. Otherwise the text is all
 * body: a one-paragraph text has no title.
 */
#include "textdoc.h"

#include <string.h>

#include "boiler.h"
#include "buf.h"
#include "chrome.h"
#include "lines.h"
#include "mem.h"

#define NW_TEXTDOC_TITLE_MAX 400 /* bytes */
#define NW_TEXTDOC_HEAD_LINES 6  /* non-empty lines searched for the title */
#define NW_TEXTDOC_TITLE_MIN_WORDS 3
#define NW_TEXTDOC_TITLE_MAX_WORDS 30
#define NW_TEXTDOC_PARA_WORDS 25 /* a line this long is article text, not a headline */
#define NW_TEXTDOC_DOT_TITLE_WORDS 14
#define NW_TEXTDOC_SHORT_WORDS 6 /* a byline or a place between a headline and the text */
#define NW_TEXTDOC_EDGE_LINES 40 /* non-blank lines looked at from each end for chrome */

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

/* Most words capitalized (short function words aside): "Leicestershire Take Over At
 * Top", or all upper case. */
static int headline_case(const char *s, size_t n)
{
    size_t words = 0, caps = 0, i = 0;
    while (i < n) {
        size_t start;
        while (i < n && s[i] == ' ')
            i++;
        start = i;
        while (i < n && s[i] != ' ')
            i++;
        if (i == start)
            break;
        if (!((s[start] >= 'A' && s[start] <= 'Z') || (s[start] >= 'a' && s[start] <= 'z')))
            continue;
        if (i - start <= 3 && s[start] >= 'a' && s[start] <= 'z')
            continue; /* of, in, to, the, and */
        words++;
        caps += s[start] >= 'A' && s[start] <= 'Z';
    }
    return words >= 2 && caps * 4 >= words * 3;
}

struct head_line {
    size_t start, end, words;
};

/* A line at an edge that does not end the edge: blank, chrome (dropped) or furniture that
 * boiler.c drops by its class (kept here). */
static int edge_line(const char *text, size_t start, size_t end, int *chrome)
{
    enum nw_line_kind kind;
    *chrome = 0;
    if (start == end)
        return 1;
    if (nw_chrome_line(text + start, end - start)) {
        *chrome = 1;
        return 1;
    }
    kind = nw_boiler_line_kind(text + start, end - start);
    return kind == NW_LINE_FURNITURE || kind == NW_LINE_SIGNOFF;
}

struct cut {
    size_t from, to; /* bytes dropped: a whole line with its line break */
};

/* Copies text to out without the chrome lines at its two edges. */
static enum nw_status drop_edge_chrome(const char *text, size_t len, struct nw_buf *out)
{
    struct cut cuts[2 * NW_TEXTDOC_EDGE_LINES];
    size_t ncuts = 0, nhead, pos = 0, head_end = 0, seen = 0, copied = 0;
    enum nw_status result;
    int chrome, headline = 0;

    while (pos < len && seen < NW_TEXTDOC_EDGE_LINES) {
        size_t line = pos, start, end;
        nw_lines_next(text, len, &pos, &start, &end);
        if (!edge_line(text, start, end, &chrome)) {
            /* the headline does not end the top edge: a dated byline may follow it */
            if (headline || ends_sentence(text + start, end - start) ||
                count_words(text + start, end - start) > NW_TEXTDOC_TITLE_MAX_WORDS)
                break;
            headline = 1;
        }
        seen += start != end;
        head_end = pos;
        if (chrome)
            cuts[ncuts++] = (struct cut){line, pos};
    }
    nhead = ncuts;
    pos = len;
    seen = 0;
    while (pos > head_end && seen < NW_TEXTDOC_EDGE_LINES) {
        size_t line_end = pos, start, end;
        nw_lines_prev(text, &pos, &start, &end);
        if (pos < head_end || !edge_line(text, start, end, &chrome))
            break;
        seen += start != end;
        if (chrome)
            cuts[ncuts++] = (struct cut){pos, line_end};
    }
    /* the tail's cuts were found from the end: put them in text order */
    for (size_t a = nhead, b = ncuts; a + 1 < b; a++, b--) {
        struct cut tmp = cuts[a];
        cuts[a] = cuts[b - 1];
        cuts[b - 1] = tmp;
    }
    for (size_t k = 0; k < ncuts; k++) {
        if ((result = nw_buf_append(out, text + copied, cuts[k].from - copied)) != NW_OK)
            return result;
        copied = cuts[k].to;
    }
    return nw_buf_append(out, text + copied, len - copied);
}

enum nw_status nw_textdoc_load(const char *text, size_t len, struct nw_article *art)
{
    enum nw_status result = NW_OK;
    struct head_line h[NW_TEXTDOC_HEAD_LINES + 1];
    size_t nh = 0, i = 0, cut_start = 0, cut_end = 0;
    struct nw_buf buf, trimmed;

    nw_buf_init(&buf, len + 1);
    nw_buf_init(&trimmed, len + 1);
    if (!text)
        len = 0;
    if (len > 0) {
        if ((result = drop_edge_chrome(text, len, &trimmed)) != NW_OK)
            goto out;
        text = nw_buf_str(&trimmed);
        len = trimmed.len;
    }
    while (i < len && nh <= NW_TEXTDOC_HEAD_LINES) {
        size_t start, end;
        nw_lines_next(text, len, &i, &start, &end);
        if (start == end)
            continue;
        h[nh].start = start;
        h[nh].end = end;
        h[nh].words = count_words(text + start, end - start);
        nh++;
    }
    for (size_t k = 0; k < nh && k < NW_TEXTDOC_HEAD_LINES; k++) {
        const char *s = text + h[k].start;
        size_t n = h[k].end - h[k].start, words = h[k].words, tail;
        enum nw_line_kind kind = nw_boiler_line_kind(s, n);
        if (kind == NW_LINE_FURNITURE || kind == NW_LINE_SIGNOFF)
            continue; /* chrome above the headline: stays in the body for boiler.c */
        if (kind == NW_LINE_DATELINE || words >= NW_TEXTDOC_PARA_WORDS || k + 1 >= nh)
            break; /* the article starts here, or nothing follows: no title */
        tail = breadcrumb_tail(s, n);
        if (tail) {
            s += tail;
            n -= tail;
            words = count_words(s, n);
        }
        if (words < NW_TEXTDOC_TITLE_MIN_WORDS || words > NW_TEXTDOC_TITLE_MAX_WORDS ||
            n > NW_TEXTDOC_TITLE_MAX)
            break;
        if (ends_sentence(s, n)) {
            const char *next = text + h[k + 1].start;
            size_t next_n = h[k + 1].end - h[k + 1].start;
            int ok = nw_boiler_line_kind(next, next_n) == NW_LINE_DATELINE || headline_case(s, n);
            /* a short line, then at most two short ones (a byline, a place), then a
             * dateline or a paragraph twice as long */
            for (size_t j = k + 1;
                 !ok && words <= NW_TEXTDOC_DOT_TITLE_WORDS && j < nh && j <= k + 3; j++) {
                if (h[j].words >= 2 * words ||
                    nw_boiler_line_kind(text + h[j].start, h[j].end - h[j].start) ==
                        NW_LINE_DATELINE)
                    ok = 1;
                else if (h[j].words > NW_TEXTDOC_SHORT_WORDS)
                    break;
            }
            if (!ok)
                break;
        }
        result = nw_article_setn(&art->title, s, n);
        if (result != NW_OK)
            goto out;
        cut_start = h[k].start;
        cut_end = h[k].end;
        break;
    }
    /* the body: everything but the title line (its line break goes with it) */
    if (cut_end > cut_start) {
        size_t after = cut_end;
        if (after < len && text[after] == '\r')
            after++;
        if (after < len && text[after] == '\n')
            after++;
        if ((result = nw_buf_append(&buf, text, cut_start)) != NW_OK ||
            (result = nw_buf_append(&buf, text + after, len - after)) != NW_OK)
            goto out;
    } else if ((result = nw_buf_append(&buf, text ? text : "", len)) != NW_OK) {
        goto out;
    }
    result = nw_article_setn(&art->text, nw_buf_str(&buf), buf.len);
out:
    nw_buf_fini(&buf);
    nw_buf_fini(&trimmed);
    return result;
}
