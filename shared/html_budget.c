/* html_budget.c — a cheap scan that cuts HTML to a budget of bytes, elements and depth. */
#include "html_budget.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* What the scan needs to know of a tag name. */
#define TAG_FLAT 1u          /* void, or closed by the next sibling: never nests */
#define TAG_BREAKOUT 2u      /* an HTML tag that ends SVG/MathML content */
#define TAG_RAW 4u           /* its content is text up to its end tag (in HTML content) */
#define TAG_FOREIGN_ROOT 8u  /* <svg>, <math> */
#define TAG_MERGES_ATTRS 16u /* a second <body>/<html> merges its attributes into the first */
#define N_FORMATTING 14      /* formatting elements: the parser reopens them while open */

struct tag_info {
    uint64_t packed; /* the name's first 8 bytes, little-endian, zero-padded */
    unsigned len;
    unsigned flags;
    int formatting; /* index among the formatting elements, or -1 */
};

/* Sorted by (len, packed) for bsearch: a lookup compares integers, not strings. Names not
 * here (custom elements, ...) nest and are nothing else. */
static const struct tag_info tags[] = {
    {0x0000000000000061ull, 1, 0, 0},                                           /* a */
    {0x0000000000000062ull, 1, TAG_BREAKOUT, 1},                                /* b */
    {0x0000000000000069ull, 1, TAG_BREAKOUT, 6},                                /* i */
    {0x0000000000000070ull, 1, TAG_FLAT | TAG_BREAKOUT, -1},                    /* p */
    {0x0000000000000073ull, 1, TAG_BREAKOUT, 8},                                /* s */
    {0x0000000000000075ull, 1, TAG_BREAKOUT, 13},                               /* u */
    {0x0000000000003168ull, 2, TAG_BREAKOUT, -1},                               /* h1 */
    {0x0000000000003268ull, 2, TAG_BREAKOUT, -1},                               /* h2 */
    {0x0000000000003368ull, 2, TAG_BREAKOUT, -1},                               /* h3 */
    {0x0000000000003468ull, 2, TAG_BREAKOUT, -1},                               /* h4 */
    {0x0000000000003568ull, 2, TAG_BREAKOUT, -1},                               /* h5 */
    {0x0000000000003668ull, 2, TAG_BREAKOUT, -1},                               /* h6 */
    {0x0000000000006272ull, 2, TAG_FLAT, -1},                                   /* rb */
    {0x0000000000006464ull, 2, TAG_FLAT | TAG_BREAKOUT, -1},                    /* dd */
    {0x0000000000006474ull, 2, TAG_FLAT, -1},                                   /* td */
    {0x0000000000006874ull, 2, TAG_FLAT, -1},                                   /* th */
    {0x000000000000696cull, 2, TAG_FLAT | TAG_BREAKOUT, -1},                    /* li */
    {0x0000000000006c64ull, 2, TAG_BREAKOUT, -1},                               /* dl */
    {0x0000000000006c6full, 2, TAG_BREAKOUT, -1},                               /* ol */
    {0x0000000000006c75ull, 2, TAG_BREAKOUT, -1},                               /* ul */
    {0x0000000000006d65ull, 2, TAG_BREAKOUT, 4},                                /* em */
    {0x0000000000007072ull, 2, TAG_FLAT, -1},                                   /* rp */
    {0x0000000000007262ull, 2, TAG_FLAT | TAG_BREAKOUT, -1},                    /* br */
    {0x0000000000007268ull, 2, TAG_FLAT | TAG_BREAKOUT, -1},                    /* hr */
    {0x0000000000007274ull, 2, TAG_FLAT, -1},                                   /* tr */
    {0x0000000000007464ull, 2, TAG_FLAT | TAG_BREAKOUT, -1},                    /* dt */
    {0x0000000000007472ull, 2, TAG_FLAT, -1},                                   /* rt */
    {0x0000000000007474ull, 2, TAG_BREAKOUT, 12},                               /* tt */
    {0x0000000000627573ull, 3, TAG_BREAKOUT, -1},                               /* sub */
    {0x0000000000657270ull, 3, TAG_BREAKOUT, -1},                               /* pre */
    {0x0000000000676962ull, 3, TAG_BREAKOUT, 2},                                /* big */
    {0x0000000000676d69ull, 3, TAG_FLAT | TAG_BREAKOUT, -1},                    /* img */
    {0x0000000000677673ull, 3, TAG_FOREIGN_ROOT, -1},                           /* svg */
    {0x00000000006c6f63ull, 3, TAG_FLAT, -1},                                   /* col */
    {0x0000000000706d78ull, 3, TAG_RAW, -1},                                    /* xmp */
    {0x0000000000707573ull, 3, TAG_BREAKOUT, -1},                               /* sup */
    {0x0000000000726176ull, 3, TAG_BREAKOUT, -1},                               /* var */
    {0x0000000000726277ull, 3, TAG_FLAT, -1},                                   /* wbr */
    {0x0000000000766964ull, 3, TAG_BREAKOUT, -1},                               /* div */
    {0x0000000061657261ull, 4, TAG_FLAT, -1},                                   /* area */
    {0x000000006174656dull, 4, TAG_FLAT | TAG_BREAKOUT, -1},                    /* meta */
    {0x0000000064616568ull, 4, TAG_FLAT | TAG_BREAKOUT, -1},                    /* head */
    {0x0000000065646f63ull, 4, TAG_BREAKOUT, 3},                                /* code */
    {0x0000000065736162ull, 4, TAG_FLAT, -1},                                   /* base */
    {0x000000006874616dull, 4, TAG_FOREIGN_ROOT, -1},                           /* math */
    {0x000000006b6e696cull, 4, TAG_FLAT, -1},                                   /* link */
    {0x000000006c6d7468ull, 4, TAG_FLAT | TAG_MERGES_ATTRS, -1},                /* html */
    {0x000000006e617073ull, 4, TAG_BREAKOUT, -1},                               /* span */
    {0x0000000072626f6eull, 4, TAG_BREAKOUT, 7},                                /* nobr */
    {0x00000000746e6f66ull, 4, TAG_BREAKOUT, 5},                                /* font */
    {0x00000000756e656dull, 4, TAG_BREAKOUT, -1},                               /* menu */
    {0x0000000079627572ull, 4, TAG_BREAKOUT, -1},                               /* ruby */
    {0x0000000079646f62ull, 4, TAG_FLAT | TAG_BREAKOUT | TAG_MERGES_ATTRS, -1}, /* body */
    {0x0000006461656874ull, 5, TAG_FLAT, -1},                                   /* thead */
    {0x0000006465626d65ull, 5, TAG_FLAT | TAG_BREAKOUT, -1},                    /* embed */
    {0x0000006567616d69ull, 5, TAG_FLAT, -1},                                   /* image */
    {0x000000656c626174ull, 5, TAG_BREAKOUT, -1},                               /* table */
    {0x000000656c746974ull, 5, TAG_RAW, -1},                                    /* title */
    {0x000000656c797473ull, 5, TAG_RAW, -1},                                    /* style */
    {0x000000656d617266ull, 5, TAG_FLAT, -1},                                   /* frame */
    {0x0000006b63617274ull, 5, TAG_FLAT, -1},                                   /* track */
    {0x0000006c6c616d73ull, 5, TAG_BREAKOUT, 9},                                /* small */
    {0x0000006d61726170ull, 5, TAG_FLAT, -1},                                   /* param */
    {0x000000746f6f6674ull, 5, TAG_FLAT, -1},                                   /* tfoot */
    {0x0000007475706e69ull, 5, TAG_FLAT, -1},                                   /* input */
    {0x00000079646f6274ull, 5, TAG_FLAT, -1},                                   /* tbody */
    {0x0000656372756f73ull, 6, TAG_FLAT, -1},                                   /* source */
    {0x0000656b69727473ull, 6, TAG_BREAKOUT, 10},                               /* strike */
    {0x0000656d61726669ull, 6, TAG_RAW, -1},                                    /* iframe */
    {0x0000676e6f727473ull, 6, TAG_BREAKOUT, 11},                               /* strong */
    {0x00006e656779656bull, 6, TAG_FLAT, -1},                                   /* keygen */
    {0x00006e6f6974706full, 6, TAG_FLAT, -1},                                   /* option */
    {0x00007265746e6563ull, 6, TAG_BREAKOUT, -1},                               /* center */
    {0x0000747069726373ull, 6, TAG_RAW, -1},                                    /* script */
    {0x006465626d656f6eull, 7, TAG_RAW, -1},                                    /* noembed */
    {0x00646e756f736762ull, 7, TAG_FLAT, -1},                                   /* bgsound */
    {0x00676e697473696cull, 7, TAG_BREAKOUT, -1},                               /* listing */
    {0x006e6f6974706163ull, 7, TAG_FLAT, -1},                                   /* caption */
    {0x007865646e697369ull, 7, TAG_FLAT, -1},                                   /* isindex */
    {0x6165726174786574ull, 8, TAG_RAW, -1},                                    /* textarea */
    {0x70756f72676c6f63ull, 8, TAG_FLAT, -1},                                   /* colgroup */
    {0x70756f726774706full, 8, TAG_FLAT, -1},                                   /* optgroup */
    {0x73656d6172666f6eull, 8, TAG_RAW, -1},                                    /* noframes */
    {0x746e6f6665736162ull, 8, TAG_FLAT, -1},                                   /* basefont */
    {0x6f75716b636f6c62ull, 10, TAG_BREAKOUT, -1},                              /* blockquote */
};

/* The first 8 bytes of a name as one integer (no known tag name is longer than 10 bytes,
 * and none shares its first 8 bytes and its length with another). */
static uint64_t pack_name(const char *name, size_t len)
{
    uint64_t v = 0;
    for (size_t i = 0; i < len && i < 8; i++)
        v |= (uint64_t)(unsigned char)name[i] << (8 * i);
    return v;
}

static const struct tag_info *tag_lookup(const char *name, size_t len)
{
    static const struct tag_info other = {0, 0, 0, -1};
    uint64_t packed = pack_name(name, len);
    size_t lo = 0, hi = sizeof(tags) / sizeof(tags[0]);

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct tag_info *t = &tags[mid];
        if (t->len == len && t->packed == packed)
            return t;
        if (t->len < len || (t->len == len && t->packed < packed))
            lo = mid + 1;
        else
            hi = mid;
    }
    return &other;
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
        const struct tag_info *tag = tag_lookup(name, strlen(name));
        int fi = tag->formatting;
        if (closing) {
            if (fi >= 0 && open_formatting[fi] > 0) {
                open_formatting[fi]--;
                open_total--;
            }
            if ((tag->flags & TAG_FOREIGN_ROOT) && foreign > 0)
                foreign--;
            if (!(tag->flags & TAG_FLAT)) {
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
        if (tag->flags & TAG_MERGES_ATTRS) {
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
        int foreign_root = (tag->flags & TAG_FOREIGN_ROOT) != 0;
        if (foreign && (tag->flags & TAG_BREAKOUT))
            foreign = 0;
        /* "/>" closes an element only in SVG and MathML content. */
        if (self_closing && (foreign || foreign_root))
            continue;
        if (foreign_root)
            foreign++;
        if (!foreign && (tag->flags & TAG_RAW)) {
            memcpy(raw, name, sizeof(raw));
            continue;
        }
        if (tag->flags & TAG_FLAT)
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
