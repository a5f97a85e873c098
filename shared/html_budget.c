/* html_budget.c — a cheap scan that cuts HTML to a budget of bytes, elements and depth. */
#include "html_budget.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Open element names tracked for the depth estimate; end tags are matched against the top
 * STACK_SEARCH entries only (an unmatched end tag is ignored: the estimate stays high). */
#define STACK_MAX 8192
#define STACK_SEARCH 64
#define NAME_MAX_LEN 16

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_name(unsigned char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == ':';
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int in_list(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(name, *list))
            return 1;
    return 0;
}

/* Elements the tree builder never keeps open (void) or closes on the next sibling. */
static int nests(const char *name)
{
    static const char *const flat[] = {
        "p",       "br",      "hr",       "li",       "dt",       "dd",     "tr",
        "td",      "th",      "rb",       "rt",       "rp",       "col",    "img",
        "wbr",     "area",    "base",     "link",     "meta",     "html",   "head",
        "body",    "embed",   "input",    "param",    "track",    "thead",  "tbody",
        "tfoot",   "frame",   "image",    "source",   "option",   "keygen", "caption",
        "bgsound", "isindex", "optgroup", "colgroup", "basefont", NULL,
    };
    return !in_list(name, flat);
}

/* Formatting elements: the parser reopens them in every new block while they are open. */
static const char *const formatting[] = {"a",      "b",      "big",  "code", "em",
                                         "font",   "i",      "nobr", "s",    "small",
                                         "strike", "strong", "tt",   "u",    NULL};
#define N_FORMATTING 14

static int formatting_index(const char *name)
{
    for (int i = 0; formatting[i]; i++)
        if (!strcmp(name, formatting[i]))
            return i;
    return -1;
}

/* HTML tags that end SVG/MathML content when they start inside it. */
static int breaks_out_of_foreign(const char *name)
{
    static const char *const names[] = {
        "b",     "big",     "blockquote", "body", "br",     "center", "code", "dd",
        "dd",    "div",     "dl",         "dt",   "em",     "embed",  "h1",   "h2",
        "h3",    "h4",      "h5",         "h6",   "head",   "hr",     "i",    "img",
        "li",    "listing", "menu",       "meta", "nobr",   "ol",     "p",    "pre",
        "ruby",  "s",       "small",      "span", "strong", "strike", "sub",  "sup",
        "table", "tt",      "u",          "ul",   "var",    "font",   NULL,
    };
    return in_list(name, names);
}

/* Elements whose content the tokenizer reads as text up to their end tag (in HTML
 * content, not inside SVG or MathML). */
static int is_raw_text(const char *name)
{
    static const char *const names[] = {"script", "style",   "textarea", "title", "xmp",
                                        "iframe", "noembed", "noframes", NULL};
    return in_list(name, names);
}

static uint32_t name_hash(const char *name)
{
    uint32_t h = 2166136261u;
    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 16777619u;
    return h;
}

/* Reads a tag name at p (lower-cased, cut at NAME_MAX_LEN - 1 bytes) into name; returns
 * the end of the name in the input. */
static const char *read_name(const char *p, const char *end, char *name)
{
    size_t n = 0;
    while (p < end && is_name((unsigned char)*p)) {
        if (n < NAME_MAX_LEN - 1) {
            char c = *p;
            name[n++] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
        }
        p++;
    }
    name[n] = '\0';
    return p;
}

/* Walks the attributes of a start tag from p; returns the position after its '>' (or end)
 * and counts the attributes in *attrs and whether it ends with "/>" in *self_closing.
 * Quoted values are skipped whole, as the tokenizer reads them. */
static const char *read_attributes(const char *p, const char *end, size_t *attrs, int *self_closing)
{
    int in_word = 0;
    *attrs = 0;
    *self_closing = 0;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c == '>') {
            *self_closing = p[-1] == '/';
            return p + 1;
        }
        if (c == '=') {
            p++;
            while (p < end && is_space((unsigned char)*p))
                p++;
            if (p < end && (*p == '"' || *p == '\'')) {
                const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));
                if (!q)
                    return end;
                p = q + 1;
            }
            in_word = 1; /* an unquoted value runs on as part of this attribute */
            continue;
        }
        if (is_space(c) || c == '/') {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            (*attrs)++;
        }
        p++;
    }
    return end;
}

void nw_html_budget_scan(const char *html, size_t len, const struct nw_html_budget *budget,
                         struct nw_html_cut *cut)
{
    uint32_t stack[STACK_MAX];
    size_t open_formatting[N_FORMATTING] = {0};
    size_t open_total = 0, elements = 0, top = 0, body_attrs = 0, html_attrs = 0;
    long depth = 0, deepest = 0, foreign = 0;
    const char *p, *end;
    char name[NAME_MAX_LEN];
    char raw[NAME_MAX_LEN] = ""; /* inside this raw text element (script, style, ...) */

    cut->reason = NW_HTML_CUT_NONE;
    if (budget->max_bytes && len > budget->max_bytes) {
        len = budget->max_bytes;
        /* never cut a UTF-8 sequence in half */
        while (len > 0 && ((unsigned char)html[len] & 0xC0) == 0x80)
            len--;
        cut->reason = NW_HTML_CUT_BYTES;
    }
    p = html;
    end = html + len;
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt || lt + 1 >= end)
            break;
        /* Text before the tag is a node too (and may reopen formatting elements). */
        size_t text = lt > p ? 1 + open_total : 0;
        p = lt + 1;
        int closing = *p == '/';
        if (closing)
            p++;
        if (p >= end || !is_alpha((unsigned char)*p))
            continue;
        p = read_name(p, end, name);
        /* An end tag can create an element too (</p>, </br>); every tag may make the
         * parser reopen the formatting elements left open. */
        elements += text + 1 + open_total;
        if (budget->max_elements && elements > budget->max_elements) {
            cut->reason = NW_HTML_CUT_ELEMENTS;
            elements -= text + 1 + open_total;
            p = lt;
            break;
        }
        /* Inside raw text, what looks like a tag still counts above (the estimate errs
         * high) but opens nothing; only the element's own end tag ends it. */
        if (raw[0]) {
            if (closing && !strcmp(name, raw))
                raw[0] = '\0';
            continue;
        }
        int fi = formatting_index(name);
        if (closing) {
            if (fi >= 0 && open_formatting[fi] > 0) {
                open_formatting[fi]--;
                open_total--;
            }
            if (!strcmp(name, "svg") || !strcmp(name, "math")) {
                if (foreign > 0)
                    foreign--;
            }
            if (nests(name)) {
                uint32_t h = name_hash(name);
                for (size_t i = top; i > 0 && top - i < STACK_SEARCH; i--) {
                    if (stack[i - 1] == h) {
                        depth -= (long)(top - (i - 1));
                        top = i - 1;
                        break;
                    }
                }
            }
            const char *gt = memchr(p, '>', (size_t)(end - p));
            p = gt ? gt + 1 : end;
            continue;
        }
        size_t attrs = 0;
        int self_closing = 0;
        p = read_attributes(p, end, &attrs, &self_closing);
        /* A second <html> or <body> adds its attributes to the first, each checked
         * against all it already has: quadratic, so they count that way. */
        if (!strcmp(name, "body") || !strcmp(name, "html")) {
            size_t *merged = name[0] == 'b' ? &body_attrs : &html_attrs;
            size_t own = attrs;
            attrs += own * *merged;
            *merged += own;
        }
        elements += attrs;
        if (budget->max_elements && elements > budget->max_elements) {
            cut->reason = NW_HTML_CUT_ELEMENTS;
            elements -= attrs + text + 1 + open_total;
            p = lt;
            break;
        }
        if (fi >= 0) {
            open_formatting[fi]++;
            open_total++;
        }
        int foreign_root = !strcmp(name, "svg") || !strcmp(name, "math");
        if (foreign && breaks_out_of_foreign(name))
            foreign = 0;
        /* "/>" closes an element only in SVG and MathML content. */
        if (self_closing && (foreign || foreign_root))
            continue;
        if (foreign_root)
            foreign++;
        if (!foreign && is_raw_text(name)) {
            memcpy(raw, name, sizeof(raw));
            continue;
        }
        if (!nests(name))
            continue;
        depth++;
        if (top < STACK_MAX)
            stack[top++] = name_hash(name);
        if (depth > deepest)
            deepest = depth;
        if (budget->max_depth && depth > budget->max_depth) {
            cut->reason = NW_HTML_CUT_DEPTH;
            deepest = budget->max_depth;
            p = lt;
            break;
        }
    }
    if (cut->reason == NW_HTML_CUT_ELEMENTS || cut->reason == NW_HTML_CUT_DEPTH)
        len = (size_t)(p - html);
    cut->len = len;
    cut->elements = elements;
    cut->depth = deepest;
}

void nw_html_budget_note(const struct nw_html_cut *cut, size_t original_len,
                         const struct nw_html_budget *budget, char *out, size_t out_size)
{
    if (!out_size)
        return;
    out[0] = '\0';
    switch (cut->reason) {
    case NW_HTML_CUT_NONE:
        break;
    case NW_HTML_CUT_BYTES:
        snprintf(out, out_size, "html truncated from %zu to %zu bytes (extract.max_html_bytes)",
                 original_len, cut->len);
        break;
    case NW_HTML_CUT_ELEMENTS:
        snprintf(out, out_size,
                 "html cut at byte %zu of %zu: more than %zu elements (extract.max_elements)",
                 cut->len, original_len, budget->max_elements);
        break;
    case NW_HTML_CUT_DEPTH:
        snprintf(out, out_size, "html cut at byte %zu of %zu: nested deeper than %ld elements",
                 cut->len, original_len, budget->max_depth);
        break;
    }
}
