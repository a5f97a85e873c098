/*
 * extract.c — the article body.
 *
 * One walk over <body> (iterative, depth-capped) builds two flat arrays: the kept elements
 * (subtrees that are boilerplate by tag, role, class, id or visibility are skipped whole
 * or become deferred drops) and the text blocks (paragraph-level runs of text, each tied
 * to the element that holds it). Scoring then works on the arrays only, as Readability
 * does; the best element is the candidate, and the blocks inside it and the siblings that
 * continue it become the text, minus the blocks that the block rules drop. Lengths are in
 * characters (CJK counted by display width), never bytes or space-separated words.
 *
 * Every rule, why it exists and what it contributes on both dev sets (ablation) is in
 * shared/extract.md; each has a bit in enum nw_extract_rule (extract.h) so that
 * tests/bench/extract_ablation.sh can switch it off alone.
 */
#include "extract.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "buf.h"
#include "html.h"
#include "mem.h"
#include "meta.h"

#define NW_EXTRACT_TEXT_MAX (64u * 1024u * 1024u)

enum nw_block_kind {
    NW_BLOCK_TEXT = 0,
    NW_BLOCK_PARA,
    NW_BLOCK_HEADING,
    NW_BLOCK_ITEM,
    NW_BLOCK_QUOTE,
    NW_BLOCK_PRE,
    NW_BLOCK_CELL,
};

/* Element flags */
#define EL_POSITIVE 0x01u /* class/id suggests article content */
#define EL_SEMANTIC 0x02u /* itemprop=articleBody or a typical body class */
#define EL_ARTICLE 0x04u  /* <article> */
#define EL_LINK 0x08u     /* <a href> */
#define EL_BLOCK 0x10u    /* block-level: starts and ends a text block */
#define EL_CDROP 0x20u    /* furniture by class: dropped unless it holds most of the text */
#define EL_LEDE 0x80u     /* class names the article's lede ("lead", "standfirst") */
#define EL_TDROP 0x40u    /* the drop is by tag or role (an unclosed <header> may wrap all) */
#define EL_KEEPOUT 0x100u /* a drop that no share of the page's text takes back (a bio) */
#define EL_TEASER 0x200u  /* class names a teaser ("artikel-teaser"): a lede before the body */

struct nw_elem {
    myhtml_tree_node_t *node;
    int parent;
    myhtml_tag_id_t tag;
    unsigned flags;
    int class_weight;
    size_t text;                   /* bytes of kept text below */
    size_t link;                   /* bytes of it inside links */
    size_t first_block, end_block; /* blocks [first, end) lie inside this element */
    size_t end_elem;               /* elements (this one, end_elem) are its descendants */
    double score;
    int scored;
    int included;
    int list_keep; /* for lists: -1 undecided, else whether all items stay */
};

struct nw_block {
    size_t off, len;
    size_t chars; /* length in characters, East Asian wide ones counting two */
    size_t link;
    int elem;
    enum nw_block_kind kind;
    int commas;
    int excluded; /* inside furniture that stays dropped */
    int take;     /* part of the output */
    int teaser;   /* part of a run of teasers (linked headline + short excerpt) */
};

struct nw_frame {
    myhtml_tree_node_t *node;
    int elem;
};

#define NW_CONTROLS_MAX 256 /* form controls remembered per page (the rest are ignored) */
#define NW_CLASS_CACHE 512
struct nw_class_cache {
    uint64_t hash;
    size_t len;
    unsigned mask;
    int valid;
};

/* The class/id word lists as one table: every distinct needle once, with the lists it is
 * in as a mask, chained in buckets by its first two bytes (every needle has at least
 * two), so that one pass over a class string finds all lists it matches. */
#define NW_NEEDLES_MAX 256
#define NW_NEEDLE_BUCKETS 1024
struct nw_needle {
    const char *s;
    size_t len;
    unsigned mask;
    int next; /* next needle in the bucket, -1 ends */
};

struct nw_extractor {
    struct nw_extract_opts opts;
    struct nw_class_cache class_cache[NW_CLASS_CACHE];
    struct nw_needle needles[NW_NEEDLES_MAX];
    size_t nneedles;
    int needle_head[NW_NEEDLE_BUCKETS];
    struct nw_html *html;
    struct nw_elem *elems;
    size_t nelems, elems_cap;
    struct nw_block *blocks;
    size_t nblocks, blocks_cap;
    struct nw_frame *stack;
    size_t stack_cap;
    struct nw_buf text; /* block texts, each followed by '\n' */
    struct nw_buf out;
    struct nw_buf attr; /* scratch: lower-cased class + id */
    size_t block_start;
    int in_link;
    int strict;
    int lone_article;              /* the candidate is the titled one of several <article>s */
    unsigned long long rules_off;  /* NW_EXTRACT_RULE_* switched off (evaluation only) */
    int wrappers;                  /* furniture tags and roles are deferred drops (last passes) */
    const char *page_title;        /* the page's title from its metadata, or NULL */
    uint64_t label_lens;           /* byte lengths of label_lines (bit n: n bytes) */
    uint64_t author_lens;          /* the same for the author labels */
    int controls[NW_CONTROLS_MAX]; /* elements that hold a form control (walk) */
    size_t ncontrols;
};

static void needles_init(struct nw_extractor *ex);
static void label_lens_init(struct nw_extractor *ex);

static int rule_on(const struct nw_extractor *ex, unsigned long long rule)
{
    return (ex->rules_off & rule) == 0;
}

void nw_extractor_set_rules_off(struct nw_extractor *ex, unsigned long long rules_off)
{
    if (ex)
        ex->rules_off = rules_off;
}

struct nw_extractor *nw_extractor_create(const struct nw_extract_opts *opts)
{
    struct nw_extractor *ex = nw_calloc(1, sizeof(*ex));
    if (!ex)
        return NULL;
    if (opts)
        ex->opts = *opts;
    if (ex->opts.max_html_bytes == 0)
        ex->opts.max_html_bytes = 16u * 1024u * 1024u;
    if (ex->opts.max_depth <= 0)
        ex->opts.max_depth = 512;
    ex->html = nw_html_create();
    if (!ex->html) {
        nw_extractor_destroy(ex);
        return NULL;
    }
    nw_buf_init(&ex->text, NW_EXTRACT_TEXT_MAX);
    nw_buf_init(&ex->out, NW_EXTRACT_TEXT_MAX);
    nw_buf_init(&ex->attr, 4096);
    needles_init(ex);
    label_lens_init(ex);
    return ex;
}

void nw_extractor_destroy(struct nw_extractor *ex)
{
    if (!ex)
        return;
    nw_html_destroy(ex->html);
    nw_free(ex->elems);
    nw_free(ex->blocks);
    nw_free(ex->stack);
    nw_buf_fini(&ex->text);
    nw_buf_fini(&ex->out);
    nw_buf_fini(&ex->attr);
    nw_free(ex);
}

/* ---- classification of elements ---- */

/* The six heading levels, h1 to h6. */
static int is_heading_tag(myhtml_tag_id_t tag)
{
    switch (tag) {
    case MyHTML_TAG_H1:
    case MyHTML_TAG_H2:
    case MyHTML_TAG_H3:
    case MyHTML_TAG_H4:
    case MyHTML_TAG_H5:
    case MyHTML_TAG_H6:
        return 1;
    default:
        return 0;
    }
}

static int is_block_tag(myhtml_tag_id_t tag)
{
    if (is_heading_tag(tag))
        return 1;
    switch (tag) {
    case MyHTML_TAG_P:
    case MyHTML_TAG_DIV:
    case MyHTML_TAG_SECTION:
    case MyHTML_TAG_ARTICLE:
    case MyHTML_TAG_MAIN:
    case MyHTML_TAG_HEADER:
    case MyHTML_TAG_FOOTER:
    case MyHTML_TAG_ASIDE:
    case MyHTML_TAG_NAV:
    case MyHTML_TAG_UL:
    case MyHTML_TAG_OL:
    case MyHTML_TAG_LI:
    case MyHTML_TAG_DL:
    case MyHTML_TAG_DT:
    case MyHTML_TAG_DD:
    case MyHTML_TAG_BLOCKQUOTE:
    case MyHTML_TAG_PRE:
    case MyHTML_TAG_TABLE:
    case MyHTML_TAG_TR:
    case MyHTML_TAG_TD:
    case MyHTML_TAG_TH:
    case MyHTML_TAG_THEAD:
    case MyHTML_TAG_TBODY:
    case MyHTML_TAG_TFOOT:
    case MyHTML_TAG_CAPTION:
    case MyHTML_TAG_FIGURE:
    case MyHTML_TAG_FIGCAPTION:
    case MyHTML_TAG_FORM:
    case MyHTML_TAG_FIELDSET:
    case MyHTML_TAG_ADDRESS:
    case MyHTML_TAG_HR:
    case MyHTML_TAG_BR:
    case MyHTML_TAG_CENTER:
    case MyHTML_TAG_DETAILS:
    case MyHTML_TAG_SUMMARY:
    case MyHTML_TAG_HGROUP:
    case MyHTML_TAG_BODY:
    case MyHTML_TAG_HTML:
    case MyHTML_TAG_LISTING:
    case MyHTML_TAG_MENU:
    case MyHTML_TAG_IMG:
    case MyHTML_TAG_VIDEO:
    case MyHTML_TAG_AUDIO:
        return 1;
    default:
        return 0;
    }
}

/* Subtrees that never hold article text. */
static int is_dropped_tag(myhtml_tag_id_t tag)
{
    switch (tag) {
    case MyHTML_TAG__COMMENT:
    case MyHTML_TAG_SCRIPT:
    case MyHTML_TAG_STYLE:
    case MyHTML_TAG_NOSCRIPT:
    case MyHTML_TAG_TEMPLATE:
    case MyHTML_TAG_IFRAME:
    case MyHTML_TAG_OBJECT:
    case MyHTML_TAG_EMBED:
    case MyHTML_TAG_SVG:
    case MyHTML_TAG_MATH:
    case MyHTML_TAG_CANVAS:
    case MyHTML_TAG_NAV:
    case MyHTML_TAG_FOOTER:
    case MyHTML_TAG_ASIDE:
    case MyHTML_TAG_HEADER:
    case MyHTML_TAG_FIGCAPTION:
    case MyHTML_TAG_BUTTON:
    case MyHTML_TAG_SELECT:
    case MyHTML_TAG_TEXTAREA:
    case MyHTML_TAG_INPUT:
    case MyHTML_TAG_LABEL:
    case MyHTML_TAG_OPTION:
    case MyHTML_TAG_DIALOG:
    case MyHTML_TAG_MENU:
    case MyHTML_TAG_HEAD:
    case MyHTML_TAG_TITLE:
    case MyHTML_TAG_META:
    case MyHTML_TAG_LINK:
    case MyHTML_TAG_AUDIO:
    case MyHTML_TAG_VIDEO:
        return 1;
    default:
        return 0;
    }
}

/* Furniture tags that a page's markup may leave open around the article (an unclosed
 * <header>, a <noscript> whose end tag the parser ignores): their drop is deferred to
 * settle_drops, which keeps one that holds most of the page's text. */
static int is_wrapper_tag(myhtml_tag_id_t tag)
{
    switch (tag) {
    case MyHTML_TAG_HEADER:
    case MyHTML_TAG_FOOTER:
    case MyHTML_TAG_ASIDE:
    case MyHTML_TAG_NAV:
    case MyHTML_TAG_NOSCRIPT:
        return 1;
    default:
        return 0;
    }
}

/* Class/id words of furniture that is never article text, whatever else the class says. */
static const char *const strong_negative[] = {
    "comment",       "share",      "sharing",  "social",     "related",
    "newsletter",    "recommend",  "outbrain", "taboola",    "byline",
    "caption",       "breadcrumb", "disqus",   "author-bio", "authorbio",
    "author-info",   "most-read",  "mostread", "also-read",  "see-also",
    "more-stories",  "read-more",  "readmore", "credit",     "follow-us",
    "dateline",      "skip-link",  "skiplink", "sr-only",    "visually-hidden",
    "screen-reader", "gpt-ad",     "dfp-",     "ad-slot",    "adslot",
    "ad-container",  "ad-wrapper", "ad-unit",  "adunit",     "inline-ad",
    "noscript",      "nocontent",  NULL,
};

/* Furniture words that a content class ("article-content paywall") outweighs. */
static const char *const medium_negative[] = {
    "subscri",      "promo",        "cookie",        "consent",        "gdpr",
    "paywall",      "sponsor",      "sidebar",       "popular",        "trending",
    "advert",       "signup",       "sign-up",       "toolbar",        "nav-",
    "-nav",         "navbar",       "navigation",    "masthead",       "tag-list",
    "taglist",      "article-tags", "post-tags",     "entry-tags",     "topics-list",
    "-ad-",         "piano",        "modal",         "popup",          "overlay",
    "banner",       "footer",       "pagination",    "pager",          "print-only",
    "copyright",    "rating",       "timestamp",     "published-date", "pubdate",
    "post-meta",    "entry-meta",   "article-meta",  "story-meta",     "meta-data",
    "app-promo",    "download-app", "widget",        "jump-link",      "embed-",
    "instagram",    "video-",       "player",        "gallery",        "slideshow",
    "carousel",     "teaser",       "headline-list", "more-from",      "next-article",
    "prev-article", "contributor",  "utility",       "tools",          "next-prev",
    "prev-next",    "ticker",       "breaking-news", "latest-",        "recent",
    "more-news",    "you-may",      "also-like",     "promoted",       "partner",
    NULL,
};

/* Weaker furniture words: dropped unless the class also says "article"/"content"/... */
static const char *const weak_negative[] = {
    "header", "menu",     "meta",       "tags",   "author",  "extra",     "hidden",  "rss",
    "print",  "date",     "time",       "topic",  "keyword", "label",     "badge",   "supplement",
    "combx",  "shoutbox", "skyscraper", "remark", "replies", "community", "agegate", NULL,
};

static const char *const maybe_candidate[] = {
    "article", "body", "content", "main", "story", "entry", "post-text", "text", NULL,
};

static const char *const positive_words[] = {
    "article", "body", "content", "entry", "hentry", "main",
    "page",    "post", "text",    "blog",  "story",  NULL,
};

static const char *const negative_words[] = {
    "hidden",     "banner",   "combx",    "comment", "contact", "foot",   "masthead", "media",
    "meta",       "outbrain", "promo",    "related", "scroll",  "share",  "shoutbox", "sidebar",
    "skyscraper", "sponsor",  "shopping", "tags",    "tool",    "widget", NULL,
};

/* Boxes inside the article container that are not the story: disclaimers and
 * disclosures, affiliate and buy boxes, calls to action, info boxes and breakers, author
 * boxes; with their names in the dev sets' other languages. Medium weight: a content
 * class of the same element outweighs them. */
static const char *const box_words[] = {
    "disclaimer",  "disclosure", "haftungsausschluss",
    "infobox",     "info-box",   "breaker",
    "affiliate",   "buybox",     "buy-box",
    "-cta",        "cta-",       "_cta",
    "author-box",  "authorbox",  "about-author",
    "saboxplugin", NULL,
};

/* Wrappers of embedded posts ("social-embed", "embed-twitter"): named like furniture,
 * but the post they hold is quoted by the article. */
static const char *const embed_words[] = {"social", "embed",    "tweet",   "twitter",  "instagram",
                                          "tiktok", "facebook", "bluesky", "mastodon", NULL};

/* Classes that name the article body itself. */
static const char *const body_classes[] = {
    "articlebody",     "article-body",   "article__body",
    "article_body",    "story-body",     "storybody",
    "story__body",     "post-content",   "entry-content",
    "article-content", "articlecontent", "article__content",
    "story-content",   "post-body",      "postbody",
    "entry-body",      "body-text",      "article-text",
    "articletext",     "story-text",     "content-body",
    "main-content",    "article-main",   "post__content",
    "rich-text",       "richtext",       NULL,
};

/* The attributes classification looks at, gathered in one pass over the node's list. */
struct nw_attrs {
    const char *cls, *id, *style, *role, *itemprop, *aria_hidden;
    size_t cls_len, id_len, style_len, role_len, itemprop_len, aria_hidden_len;
    int hidden, href;
};

static int key_is(const char *key, size_t len, const char *name)
{
    size_t n = strlen(name);
    return len == n && memcmp(key, name, n) == 0;
}

/* A repeated attribute keeps its first value, as in the DOM. */
static void keep_first(const char **v, size_t *v_len, const char *value, size_t len)
{
    if (!*v) {
        *v = value;
        *v_len = len;
    }
}

static void gather_attrs(myhtml_tree_node_t *node, struct nw_attrs *a)
{
    memset(a, 0, sizeof(*a));
    int budget = 256; /* a hostile element may carry thousands of attributes */
    for (myhtml_tree_attr_t *at = myhtml_node_attribute_first(node); at && budget-- > 0;
         at = myhtml_attribute_next(at)) {
        size_t klen = 0, vlen = 0;
        const char *key = myhtml_attribute_key(at, &klen);
        if (!key || klen < 2)
            continue;
        const char *value = myhtml_attribute_value(at, &vlen);
        if (!value) {
            value = "";
            vlen = 0;
        }
        if (key_is(key, klen, "class"))
            keep_first(&a->cls, &a->cls_len, value, vlen);
        else if (key_is(key, klen, "id"))
            keep_first(&a->id, &a->id_len, value, vlen);
        else if (key_is(key, klen, "style"))
            keep_first(&a->style, &a->style_len, value, vlen);
        else if (key_is(key, klen, "role"))
            keep_first(&a->role, &a->role_len, value, vlen);
        else if (key_is(key, klen, "itemprop"))
            keep_first(&a->itemprop, &a->itemprop_len, value, vlen);
        else if (key_is(key, klen, "aria-hidden"))
            keep_first(&a->aria_hidden, &a->aria_hidden_len, value, vlen);
        else if (key_is(key, klen, "hidden"))
            a->hidden = 1;
        else if (key_is(key, klen, "href"))
            a->href = 1;
    }
}

static int is_space_char(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Lower-cased "class id" into ex->attr; returns its string ("" when none). */
static const char *class_id_of(struct nw_extractor *ex, const struct nw_attrs *a)
{
    nw_buf_reset(&ex->attr);
    if (a->cls)
        (void)nw_buf_append(&ex->attr, a->cls, a->cls_len);
    if (a->id) {
        (void)nw_buf_putc(&ex->attr, ' ');
        (void)nw_buf_append(&ex->attr, a->id, a->id_len);
    }
    for (size_t i = 0; i < ex->attr.len; i++) {
        char c = ex->attr.data[i];
        if (c >= 'A' && c <= 'Z')
            ex->attr.data[i] = (char)(c - 'A' + 'a');
        else if (c == '_')
            ex->attr.data[i] = '-';
    }
    return nw_buf_str(&ex->attr);
}

static const char *class_id(struct nw_extractor *ex, myhtml_tree_node_t *node)
{
    struct nw_attrs a;
    gather_attrs(node, &a);
    return class_id_of(ex, &a);
}

static int contains_ci(const char *v, size_t len, const char *needle)
{
    size_t nlen = strlen(needle);
    if (!v || len < nlen)
        return 0;
    for (size_t i = 0; i + nlen <= len; i++)
        if (strncasecmp(v + i, needle, nlen) == 0)
            return 1;
    return 0;
}

/* 1 if the class attribute holds one of the words (ASCII case-insensitive). */
static int class_has_word(const struct nw_attrs *a, const char *const *words)
{
    size_t i = 0, len = a->cls_len;
    const char *v = a->cls;
    while (v && i < len) {
        while (i < len && is_space_char(v[i]))
            i++;
        size_t start = i;
        while (i < len && !is_space_char(v[i]))
            i++;
        for (size_t w = 0; words[w] && i > start; w++)
            if (strlen(words[w]) == i - start && strncasecmp(v + start, words[w], i - start) == 0)
                return 1;
    }
    return 0;
}

static int is_hidden(const struct nw_attrs *a)
{
    if (a->hidden)
        return 1;
    /* the usual utility classes for display:none (style sheets are not read) */
    static const char *const hidden_classes[] = {"hidden", "hide", "d-none", "is-hidden", NULL};
    if (class_has_word(a, hidden_classes))
        return 1;
    if (a->style && a->style_len) {
        /* "display: none" / "visibility:hidden" with any spacing */
        char compact[256];
        size_t n = 0;
        for (size_t i = 0; i < a->style_len && n + 1 < sizeof(compact); i++) {
            char c = a->style[i];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
                continue;
            compact[n++] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
        }
        compact[n] = '\0';
        if (strstr(compact, "display:none") || strstr(compact, "visibility:hidden"))
            return 1;
    }
    if (a->aria_hidden && a->aria_hidden_len == 4 && strncasecmp(a->aria_hidden, "true", 4) == 0)
        return 1;
    return 0;
}

static int is_furniture_role(const struct nw_attrs *a)
{
    if (!a->role)
        return 0;
    static const char *const roles[] = {"navigation", "banner",  "complementary", "contentinfo",
                                        "menu",       "menubar", "dialog",        "alert",
                                        "search",     "toolbar", "tablist",       NULL};
    for (size_t i = 0; roles[i]; i++)
        if (strlen(roles[i]) == a->role_len && strncasecmp(a->role, roles[i], a->role_len) == 0)
            return 1;
    return 0;
}

/* Which word lists a "class id" string matches, as a bit mask; pages repeat the same
 * class strings many times, so results are cached per extractor by hash. */
#define CW_MAYBE 0x01u
#define CW_STRONG 0x02u
#define CW_MEDIUM 0x04u
#define CW_WEAK 0x08u
#define CW_POSITIVE 0x10u
#define CW_NEGATIVE 0x20u
#define CW_BODY 0x40u
#define CW_EMBED 0x80u
#define CW_BOX 0x100u

static unsigned needle_bucket(const char *s)
{
    return ((unsigned)(unsigned char)s[0] * 31u + (unsigned char)s[1]) % NW_NEEDLE_BUCKETS;
}

static void needles_add(struct nw_extractor *ex, const char *const *list, unsigned mask)
{
    for (size_t i = 0; list[i]; i++) {
        size_t len = strlen(list[i]), n;
        for (n = 0; n < ex->nneedles; n++)
            if (strcmp(ex->needles[n].s, list[i]) == 0)
                break;
        if (n < ex->nneedles) {
            ex->needles[n].mask |= mask;
            continue;
        }
        if (ex->nneedles >= NW_NEEDLES_MAX || len < 2)
            continue; /* cannot happen with the lists above */
        unsigned b = needle_bucket(list[i]);
        ex->needles[n] = (struct nw_needle){list[i], len, mask, ex->needle_head[b]};
        ex->needle_head[b] = (int)n;
        ex->nneedles++;
    }
}

static void needles_init(struct nw_extractor *ex)
{
    for (size_t b = 0; b < NW_NEEDLE_BUCKETS; b++)
        ex->needle_head[b] = -1;
    needles_add(ex, maybe_candidate, CW_MAYBE);
    needles_add(ex, strong_negative, CW_STRONG);
    needles_add(ex, medium_negative, CW_MEDIUM);
    needles_add(ex, weak_negative, CW_WEAK);
    needles_add(ex, positive_words, CW_POSITIVE);
    needles_add(ex, negative_words, CW_NEGATIVE);
    needles_add(ex, body_classes, CW_BODY);
    needles_add(ex, embed_words, CW_EMBED);
    needles_add(ex, box_words, CW_BOX);
}

static unsigned class_words(struct nw_extractor *ex, const char *ci, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)ci[i];
        h *= 1099511628211ull;
    }
    struct nw_class_cache *c = &ex->class_cache[h % NW_CLASS_CACHE];
    if (c->valid && c->hash == h && c->len == len)
        return c->mask;
    unsigned mask = 0;
    /* a substring search for every needle of every list (as strstr: up to a NUL) */
    const char *nul = memchr(ci, '\0', len);
    size_t n = nul ? (size_t)(nul - ci) : len;
    for (size_t i = 0; i + 1 < n; i++) {
        for (int k = ex->needle_head[needle_bucket(ci + i)]; k >= 0; k = ex->needles[k].next) {
            const struct nw_needle *nd = &ex->needles[k];
            if (nd->len <= n - i && memcmp(ci + i, nd->s, nd->len) == 0)
                mask |= nd->mask;
        }
    }
    c->valid = 1;
    c->hash = h;
    c->len = len;
    c->mask = mask;
    return mask;
}

/* 1 if a class token of its own names content ("entry", "article-body") and no
 * furniture: the other tokens of the class then only qualify the element. */
static int has_content_token(struct nw_extractor *ex, const char *cls, size_t len)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && is_space_char(cls[i]))
            i++;
        size_t start = i;
        while (i < len && !is_space_char(cls[i]))
            i++;
        if (i - start < 2)
            continue;
        unsigned m = class_words(ex, cls + start, i - start);
        if ((m & (CW_MAYBE | CW_BODY)) && !(m & (CW_STRONG | CW_MEDIUM | CW_BOX)))
            return 1;
    }
    return 0;
}

/* An embedded social post below node: a <blockquote> whose class names a network or an
 * embed ("twitter-tweet", "instagram-media", "tiktok-embed"), the markup the networks'
 * embed codes put in the page. Looks at a few hundred nodes at most. */
static int holds_quoted_post(myhtml_tree_node_t *node)
{
    static const char *const marks[] = {"tweet",    "instagram", "tiktok",  "embed", "bluesky",
                                        "mastodon", "facebook",  "threads", NULL};
    int depth = 0, budget = 300;
    for (myhtml_tree_node_t *n = nw_html_next(node, node, &depth, 16, 0); n && budget-- > 0;
         n = nw_html_next(node, n, &depth, 16, 0)) {
        if (nw_html_tag(n) != MyHTML_TAG_BLOCKQUOTE)
            continue;
        size_t len = 0;
        const char *cls = nw_html_attr(n, "class", &len);
        for (size_t i = 0; cls && marks[i]; i++)
            if (contains_ci(cls, len, marks[i]))
                return 1;
    }
    return 0;
}

/* Parts of class names that name an article's lede, deck or standfirst, in the dev sets'
 * languages ("article__lead", "Post__lead", "article-deck", "perex", "vorspann"). */
static const char *const lede_words[] = {
    "lead",  "lede",     "abstract", "excerpt",    "deck",        "intro",       "standfirst",
    "perex", "vorspann", "sapo",     "entradilla", "subheadline", "kicker-text", NULL};

/* 1 if a class token, or a part of one between '-' or '_', is one of words. */
static int class_part_is(const char *cls, size_t len, const char *const *words)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && (is_space_char(cls[i]) || cls[i] == '-' || cls[i] == '_'))
            i++;
        size_t start = i;
        while (i < len && !is_space_char(cls[i]) && cls[i] != '-' && cls[i] != '_')
            i++;
        for (size_t w = 0; words[w] && i > start; w++)
            if (strlen(words[w]) == i - start && strncasecmp(cls + start, words[w], i - start) == 0)
                return 1;
    }
    return 0;
}

static int is_lede_class(const char *cls, size_t len)
{
    return class_part_is(cls, len, lede_words);
}

/* "teaser" names the standfirst of the story in the headline block ("mosi-artikel-teaser",
 * "ArticleHeroBlack__teaser--light", "figure.teaser > p") as often as a box of other
 * stories: taken as the lede only where take_lede and take_distant_lede look (the last
 * lede before the body), never kept from a class drop elsewhere. */
static const char *const teaser_words[] = {"teaser", NULL};

/* The text a picture carries beside its <img> (a credit, a caption) that no <figcaption>
 * holds: "figure > span.description", "div.visual > div.description > strong.title". */
static const char *const description_words[] = {"description", NULL};
static const char *const picture_words[] = {"visual",  "image", "img",    "photo",
                                            "picture", "media", "figure", NULL};

/* 1 when node holds a paragraph or a heading among its children or theirs: running text
 * (a page builder's "image-text-description" module), not a picture's line. */
static int node_holds_prose(myhtml_tree_node_t *node)
{
    for (myhtml_tree_node_t *c = myhtml_node_child(node); c; c = myhtml_node_next(c)) {
        myhtml_tag_id_t t = nw_html_tag(c);
        if (t == MyHTML_TAG_P || is_heading_tag(t))
            return 1;
        for (myhtml_tree_node_t *g = myhtml_node_child(c); g; g = myhtml_node_next(g)) {
            myhtml_tag_id_t u = nw_html_tag(g);
            if (u == MyHTML_TAG_P || is_heading_tag(u))
                return 1;
        }
    }
    return 0;
}

static int in_picture(myhtml_tree_node_t *node)
{
    if (node_holds_prose(node))
        return 0;
    myhtml_tree_node_t *p = myhtml_node_parent(node);
    for (int hops = 0; p && hops < 2; hops++, p = myhtml_node_parent(p)) {
        if (nw_html_tag(p) == MyHTML_TAG_FIGURE)
            return 1;
        struct nw_attrs a;
        gather_attrs(p, &a);
        if (a.cls && class_part_is(a.cls, a.cls_len, picture_words))
            return 1;
    }
    return 0;
}

/* Decides whether an element's subtree is skipped; sets flags and class weight otherwise. */
static int classify(struct nw_extractor *ex, myhtml_tree_node_t *node, myhtml_tag_id_t tag,
                    unsigned *flags, int *weight)
{
    *flags = 0;
    *weight = 0;
    if (tag == MyHTML_TAG_BODY || tag == MyHTML_TAG_HTML)
        return 0;
    int wrappers = ex->wrappers;
    if (is_dropped_tag(tag)) {
        /* a <header> is walked for the lede it may hold; the rest of it goes */
        int header = tag == MyHTML_TAG_HEADER && rule_on(ex, NW_EXTRACT_RULE_LEDES);
        if (!header && (!wrappers || !is_wrapper_tag(tag)))
            return 1;
        *flags |= EL_CDROP | EL_TDROP;
    }
    struct nw_attrs a;
    gather_attrs(node, &a);
    if (rule_on(ex, NW_EXTRACT_RULE_HIDDEN) && is_hidden(&a))
        return 1;
    if (is_furniture_role(&a)) {
        if (!wrappers)
            return 1;
        *flags |= EL_CDROP | EL_TDROP;
    }
    /* a heading's id is the anchor a table of contents made of its text
     * ("schwerpunkt-...-partner-ist-..."), not a class of furniture */
    if (is_heading_tag(tag) && rule_on(ex, NW_EXTRACT_RULE_HEADING_ANCHORS)) {
        a.id = NULL;
        a.id_len = 0;
    }
    if (contains_ci(a.itemprop, a.itemprop_len, "articlebody"))
        *flags |= EL_SEMANTIC;
    /* schema.org's summary of the page, set on the deck: a lede by markup */
    if (a.itemprop_len == 11 && strncasecmp(a.itemprop, "description", 11) == 0 &&
        rule_on(ex, NW_EXTRACT_RULE_LEDES))
        *flags |= EL_LEDE;
    if (a.cls || a.id) {
        (void)class_id_of(ex, &a);
        /* no needle holds a space, so the class and the id are matched apart: classes
         * repeat across elements and hit the cache, ids are often unique */
        char *ci = ex->attr.data;
        size_t len = ex->attr.len, cls_len = a.cls ? a.cls_len : 0;
        if (cls_len > len)
            cls_len = len;
        unsigned cw = 0;
        if (cls_len > 0 && cls_len < len) {
            ci[cls_len] = '\0';
            cw = class_words(ex, ci, cls_len);
            ci[cls_len] = ' ';
            cw |= class_words(ex, ci + cls_len + 1, len - cls_len - 1);
        } else if (len > 0) {
            size_t skip = a.cls ? 0 : 1; /* id only: skip the separator */
            if (skip > len)
                skip = len;
            cw = class_words(ex, ci + skip, len - skip);
        }
        int maybe = (cw & CW_MAYBE) != 0;
        if (a.cls && rule_on(ex, NW_EXTRACT_RULE_LEDES) && is_lede_class(a.cls, a.cls_len)) {
            *flags |= EL_LEDE;
            maybe = 1; /* "article-teaser text-intro": the lede, not a teaser */
        }
        if (a.cls && rule_on(ex, NW_EXTRACT_RULE_PICTURE_TEXT) &&
            class_part_is(a.cls, a.cls_len, description_words) && in_picture(node))
            return 1;
        if (a.cls && rule_on(ex, NW_EXTRACT_RULE_TEASER_LEDES) &&
            class_part_is(a.cls, a.cls_len, teaser_words))
            *flags |= EL_TEASER;
        int embed = (cw & CW_EMBED) && (cw & (CW_STRONG | CW_MEDIUM)) &&
                    rule_on(ex, NW_EXTRACT_RULE_EMBEDS) && holds_quoted_post(node);
        if (ex->strict && !(*flags & EL_SEMANTIC) && tag != MyHTML_TAG_ARTICLE &&
            tag != MyHTML_TAG_MAIN && !embed) {
            if ((cw & CW_STRONG) && rule_on(ex, NW_EXTRACT_RULE_CLASS_STRONG)) {
                /* "entry share": the entry, marked as shareable; "entry-share" is not */
                if (!rule_on(ex, NW_EXTRACT_RULE_MIXED_CLASS) || !maybe ||
                    !has_content_token(ex, ci, cls_len))
                    return 1;
                *flags |= EL_CDROP;
            }
            if (!maybe && (cw & CW_MEDIUM) && rule_on(ex, NW_EXTRACT_RULE_CLASS_MEDIUM))
                *flags |= EL_CDROP;
            /* "affiliate-text": the box, not a text; "entry-content disclaimer" is the entry */
            if ((cw & CW_BOX) && rule_on(ex, NW_EXTRACT_RULE_FURNITURE_BOXES) &&
                !has_content_token(ex, ci, cls_len))
                *flags |= EL_CDROP | EL_KEEPOUT;
            if (ex->strict > 1 && !maybe && (cw & CW_WEAK) &&
                rule_on(ex, NW_EXTRACT_RULE_CLASS_WEAK))
                *flags |= EL_CDROP;
        }
        if (cw & CW_POSITIVE) {
            *weight += 25;
            *flags |= EL_POSITIVE;
        }
        if (cw & CW_NEGATIVE)
            *weight -= 25;
        if (cw & CW_BODY)
            *flags |= EL_SEMANTIC;
    }
    if (tag == MyHTML_TAG_ARTICLE)
        *flags |= EL_ARTICLE;
    if (tag == MyHTML_TAG_A && a.href)
        *flags |= EL_LINK;
    return 0;
}

/* ---- the walk ---- */

/* A hover card inside running text (a person's name that opens a box with a photo and
 * links to their latest stories): an inline element inside a paragraph holding an image
 * and three or more links, and little else. Its text would split the sentence it sits
 * in. Looks at most a few hundred nodes. */
static int is_inline_card(myhtml_tree_node_t *node, int outermost)
{
    int depth = 0, links = 0, img = 0, budget = 400;
    size_t text = 0, link_text = 0;
    for (myhtml_tree_node_t *n = nw_html_next(node, node, &depth, 32, 0); n && budget-- > 0;
         n = nw_html_next(node, n, &depth, 32, 0)) {
        myhtml_tag_id_t tag = nw_html_tag(n);
        if (tag == MyHTML_TAG_IMG)
            img = 1;
        else if (tag == MyHTML_TAG_A && nw_html_attr(n, "href", NULL))
            links++;
        else if (tag == MyHTML_TAG__TEXT) {
            size_t len = 0;
            (void)nw_html_text(n, &len);
            text += len;
            for (myhtml_tree_node_t *a = myhtml_node_parent(n); a && a != node;
                 a = myhtml_node_parent(a))
                if (nw_html_tag(a) == MyHTML_TAG_A) {
                    link_text += len;
                    break;
                }
        }
    }
    if (budget <= 0 || !img || links < 3 || link_text * 10 < text * 8)
        return 0;
    /* the card itself, not the span around the name that opens it */
    if (outermost)
        for (myhtml_tree_node_t *c = myhtml_node_child(node); c; c = myhtml_node_next(c))
            if (nw_html_tag(c) == MyHTML_TAG_SPAN && is_inline_card(c, 0))
                return 0;
    return 1;
}

static int in_paragraph(const struct nw_extractor *ex, int elem)
{
    for (int hops = 0; elem >= 0 && hops < 8; hops++, elem = ex->elems[elem].parent)
        if (ex->elems[elem].tag == MyHTML_TAG_P)
            return 1;
    return 0;
}

static enum nw_block_kind kind_of(myhtml_tag_id_t tag)
{
    if (is_heading_tag(tag))
        return NW_BLOCK_HEADING;
    switch (tag) {
    case MyHTML_TAG_P:
        return NW_BLOCK_PARA;
    case MyHTML_TAG_LI:
    case MyHTML_TAG_DD:
    case MyHTML_TAG_DT:
        return NW_BLOCK_ITEM;
    case MyHTML_TAG_BLOCKQUOTE:
        return NW_BLOCK_QUOTE;
    case MyHTML_TAG_PRE:
        return NW_BLOCK_PRE;
    case MyHTML_TAG_TD:
    case MyHTML_TAG_TH:
        return NW_BLOCK_CELL;
    default:
        return NW_BLOCK_TEXT;
    }
}

/* A block's length in characters (utf8proc's display width: a Han, kana or Hangul
 * character counts two, a combining mark none) and its commas, the ideographic and
 * Arabic ones too. With the rule off, bytes and ASCII commas as before. */
static void measure_block(const struct nw_extractor *ex, struct nw_block *b)
{
    const unsigned char *s = (const unsigned char *)ex->text.data + b->off;
    size_t n = b->len, chars = 0;
    int commas = 0;
    if (!rule_on(ex, NW_EXTRACT_RULE_CHAR_LENGTH)) {
        for (size_t i = 0; i < n; i++)
            commas += s[i] == ',';
        b->chars = n;
        b->commas = commas;
        return;
    }
    for (size_t i = 0; i < n;) {
        if (s[i] < 0x80) {
            commas += s[i] == ',';
            chars++;
            i++;
            continue;
        }
        utf8proc_int32_t cp = -1;
        utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            chars++;
            i++;
            continue;
        }
        if (cp == 0x3001 || cp == 0xFF0C || cp == 0x060C)
            commas++;
        int w = utf8proc_charwidth(cp);
        chars += w < 0 ? 1 : (size_t)w;
        i += (size_t)k;
    }
    b->chars = chars;
    b->commas = commas;
}

/* Ends the current text block; it belongs to element elem. */
static enum nw_status flush_block(struct nw_extractor *ex, int elem)
{
    enum nw_status result = NW_OK;
    nw_html_rtrim(&ex->text);
    if (ex->text.len < ex->block_start)
        nw_buf_truncate(&ex->text, ex->block_start);
    size_t len = ex->text.len > ex->block_start ? ex->text.len - ex->block_start : 0;
    if (len == 0)
        goto out;
    result = nw_grow_array((void **)&ex->blocks, &ex->blocks_cap, ex->nblocks + 1, 256,
                           sizeof(*ex->blocks));
    if (result)
        goto out;
    struct nw_block *b = &ex->blocks[ex->nblocks++];
    b->off = ex->block_start;
    b->len = len;
    b->link = 0;
    b->elem = elem;
    /* the nearest ancestor that gives the block its kind */
    b->kind = NW_BLOCK_TEXT;
    for (int e = elem, hops = 0; e >= 0 && hops < 4; e = ex->elems[e].parent, hops++) {
        enum nw_block_kind k = kind_of(ex->elems[e].tag);
        if (k != NW_BLOCK_TEXT) {
            b->kind = k;
            break;
        }
    }
    measure_block(ex, b);
    result = nw_buf_putc(&ex->text, '\n');
    if (result)
        goto out;
out:
    ex->block_start = ex->text.len;
    return result;
}

static enum nw_status add_elem(struct nw_extractor *ex, myhtml_tree_node_t *node,
                               myhtml_tag_id_t tag, int parent, unsigned flags, int weight)
{
    enum nw_status result =
        nw_grow_array((void **)&ex->elems, &ex->elems_cap, ex->nelems + 1, 256, sizeof(*ex->elems));
    if (result)
        return result;
    struct nw_elem *e = &ex->elems[ex->nelems++];
    memset(e, 0, sizeof(*e));
    e->node = node;
    e->parent = parent;
    e->tag = tag;
    e->flags = flags | (is_block_tag(tag) || (flags & EL_CDROP) ? EL_BLOCK : 0);
    e->class_weight = weight;
    e->first_block = ex->nblocks;
    e->end_block = ex->nblocks;
    e->end_elem = ex->nelems;
    return NW_OK;
}

static enum nw_status leave_elem(struct nw_extractor *ex, int idx)
{
    enum nw_status result = NW_OK;
    struct nw_elem *e = &ex->elems[idx];
    if (e->flags & EL_BLOCK) {
        result = flush_block(ex, idx);
        if (result)
            return result;
    }
    e = &ex->elems[idx];
    if (e->flags & EL_LINK)
        ex->in_link--;
    e->end_block = ex->nblocks;
    e->end_elem = ex->nelems;
    if (e->parent >= 0) {
        ex->elems[e->parent].text += e->text;
        ex->elems[e->parent].link += e->link;
    }
    return NW_OK;
}

static enum nw_status add_text(struct nw_extractor *ex, myhtml_tree_node_t *node, int elem)
{
    size_t len = 0;
    const char *s = nw_html_text(node, &len);
    size_t before = ex->text.len;
    /* a block starts without a leading space */
    if (ex->text.len == ex->block_start && ex->block_start > 0) {
        /* text.data[len-1] is '\n', which append_collapsed treats as a space */
    }
    enum nw_status result = nw_html_append_collapsed(&ex->text, s, len);
    if (result)
        return result;
    if (ex->text.len == ex->block_start + 1 && ex->text.data[ex->block_start] == ' ')
        nw_buf_truncate(&ex->text, ex->block_start);
    size_t added = ex->text.len - before;
    ex->elems[elem].text += added;
    if (ex->in_link > 0)
        ex->elems[elem].link += added;
    return NW_OK;
}

/* A control a reader operates (a button, a check box, an input field), not a hidden
 * form value. */
static int is_control(myhtml_tree_node_t *node, myhtml_tag_id_t tag)
{
    if (tag == MyHTML_TAG_BUTTON || tag == MyHTML_TAG_SELECT || tag == MyHTML_TAG_TEXTAREA)
        return 1;
    if (tag != MyHTML_TAG_INPUT)
        return 0;
    size_t len = 0;
    const char *type = nw_html_attr(node, "type", &len);
    return !(type && len == 6 && strncasecmp(type, "hidden", 6) == 0);
}

static enum nw_status walk(struct nw_extractor *ex, myhtml_tree_node_t *root)
{
    enum nw_status result = NW_OK;
    size_t max_depth = (size_t)ex->opts.max_depth;
    ex->nelems = 0;
    ex->nblocks = 0;
    ex->ncontrols = 0;
    ex->in_link = 0;
    nw_buf_reset(&ex->text);
    ex->block_start = 0;

    result = add_elem(ex, root, nw_html_tag(root), -1, 0, 0);
    if (result)
        goto out;
    result = nw_grow_array((void **)&ex->stack, &ex->stack_cap, 1, 256, sizeof(*ex->stack));
    if (result)
        goto out;
    size_t sp = 0;
    ex->stack[sp++] = (struct nw_frame){root, 0};
    myhtml_tree_node_t *node = myhtml_node_child(root);
    while (node) {
        int parent = ex->stack[sp - 1].elem;
        myhtml_tag_id_t tag = nw_html_tag(node);
        int descend = 0;
        if (tag == MyHTML_TAG__TEXT) {
            result = add_text(ex, node, parent);
            if (result)
                goto out;
        } else if (tag == MyHTML_TAG_BR || tag == MyHTML_TAG_HR) {
            result = flush_block(ex, parent);
            if (result)
                goto out;
        } else {
            unsigned flags = 0;
            int weight = 0;
            if (classify(ex, node, tag, &flags, &weight) ||
                (tag == MyHTML_TAG_SPAN && myhtml_node_child(node) && in_paragraph(ex, parent) &&
                 rule_on(ex, NW_EXTRACT_RULE_INLINE_CARD) && is_inline_card(node, 1))) {
                if (is_control(node, tag) && ex->ncontrols < NW_CONTROLS_MAX &&
                    (ex->ncontrols == 0 || ex->controls[ex->ncontrols - 1] != parent))
                    ex->controls[ex->ncontrols++] = parent;
                if (is_block_tag(tag)) {
                    result = flush_block(ex, parent);
                    if (result)
                        goto out;
                }
            } else {
                /* furniture by class keeps its text in blocks of its own, so that a
                 * "timestamp" span can go without the line it sits in */
                if (is_block_tag(tag) || (flags & EL_CDROP)) {
                    result = flush_block(ex, parent);
                    if (result)
                        goto out;
                }
                result = add_elem(ex, node, tag, parent, flags, weight);
                if (result)
                    goto out;
                int idx = (int)ex->nelems - 1;
                if (flags & EL_LINK)
                    ex->in_link++;
                if (myhtml_node_child(node) && sp < max_depth) {
                    result = nw_grow_array((void **)&ex->stack, &ex->stack_cap, sp + 1, 256,
                                           sizeof(*ex->stack));
                    if (result)
                        goto out;
                    ex->stack[sp++] = (struct nw_frame){node, idx};
                    node = myhtml_node_child(node);
                    descend = 1;
                } else {
                    result = leave_elem(ex, idx);
                    if (result)
                        goto out;
                }
            }
        }
        if (descend)
            continue;
        /* next sibling, or climb (leaving elements) until one exists */
        while (node) {
            myhtml_tree_node_t *next = myhtml_node_next(node);
            if (next) {
                node = next;
                break;
            }
            if (sp <= 1) {
                node = NULL;
                break;
            }
            sp--;
            node = ex->stack[sp].node;
            result = leave_elem(ex, ex->stack[sp].elem);
            if (result)
                goto out;
        }
    }
    result = leave_elem(ex, 0);
out:
    return result;
}

/* ---- scoring ---- */

static double link_density(const struct nw_elem *e)
{
    return e->text ? (double)e->link / (double)e->text : 0.0;
}

static int tag_bonus(myhtml_tag_id_t tag)
{
    if (is_heading_tag(tag))
        return -5;
    switch (tag) {
    case MyHTML_TAG_DIV:
    case MyHTML_TAG_ARTICLE:
    case MyHTML_TAG_SECTION:
    case MyHTML_TAG_MAIN:
        return 5;
    case MyHTML_TAG_PRE:
    case MyHTML_TAG_TD:
    case MyHTML_TAG_BLOCKQUOTE:
        return 3;
    case MyHTML_TAG_ADDRESS:
    case MyHTML_TAG_OL:
    case MyHTML_TAG_UL:
    case MyHTML_TAG_DL:
    case MyHTML_TAG_DD:
    case MyHTML_TAG_DT:
    case MyHTML_TAG_LI:
    case MyHTML_TAG_FORM:
        return -3;
    case MyHTML_TAG_TH:
        return -5;
    default:
        return 0;
    }
}

static void init_score(struct nw_elem *e)
{
    if (e->scored)
        return;
    e->scored = 1;
    e->score = tag_bonus(e->tag) + e->class_weight;
}

static size_t block_chars(const struct nw_extractor *ex, const struct nw_block *b)
{
    (void)ex;
    return b->chars;
}

/* A cell of running text: the block holds a sentence end and the table cell holding it
 * has 300 characters or more (a data table's cells are short, lists of names have no
 * sentences). */
static int in_prose_cell(const struct nw_extractor *ex, const struct nw_block *b)
{
    const char *t = ex->text.data + b->off;
    int sentence = 0;
    for (size_t i = 0; i < b->len && !sentence; i++)
        sentence =
            (t[i] == '.' || t[i] == '!' || t[i] == '?') && (i + 1 == b->len || t[i + 1] == ' ');
    if (!sentence)
        return 0;
    for (int e = b->elem, hops = 0; e >= 0 && hops < 4; e = ex->elems[e].parent, hops++)
        if (ex->elems[e].tag == MyHTML_TAG_TD || ex->elems[e].tag == MyHTML_TAG_TH)
            return ex->elems[e].text >= 300;
    return 0;
}

static void score_blocks(struct nw_extractor *ex)
{
    for (size_t i = 0; i < ex->nblocks; i++) {
        struct nw_block *b = &ex->blocks[i];
        /* a data table's cells do not score; a cell of running text (the article in a
         * layout table of an old blog or forum) does */
        if (b->excluded || b->kind == NW_BLOCK_HEADING ||
            (b->kind == NW_BLOCK_CELL &&
             !(rule_on(ex, NW_EXTRACT_RULE_PROSE_CELLS) && in_prose_cell(ex, b))))
            continue;
        size_t len = block_chars(ex, b);
        if (len < 25)
            continue;
        /* link text of the block: from its element when the element is the block itself */
        double s = 1.0 + b->commas + fmin((double)len / 100.0, 3.0);
        int e = ex->elems[b->elem].parent;
        if (e < 0 || !(ex->elems[b->elem].flags & EL_BLOCK) ||
            ex->elems[b->elem].tag == MyHTML_TAG_DIV)
            e = b->elem;
        for (int level = 0; e >= 0 && level < 5; level++, e = ex->elems[e].parent) {
            struct nw_elem *el = &ex->elems[e];
            init_score(el);
            double div = level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0;
            el->score += s / div;
        }
    }
    for (size_t i = 0; i < ex->nelems; i++) {
        struct nw_elem *el = &ex->elems[i];
        if (el->scored)
            el->score *= 1.0 - link_density(el);
    }
}

static int titled_article(struct nw_extractor *ex, int top);

/* An <article>, or a wrapper holding one and nothing else (the only-child rule climbs
 * from a story to the list item around it). */
static int is_article_wrap(const struct nw_extractor *ex, int top)
{
    const struct nw_elem *t = &ex->elems[top];
    if (t->flags & EL_ARTICLE)
        return 1;
    if (!rule_on(ex, NW_EXTRACT_RULE_TITLED_ARTICLE))
        return 0;
    for (size_t i = (size_t)top + 1; i < t->end_elem && i < (size_t)top + 8; i++)
        if ((ex->elems[i].flags & EL_ARTICLE) && ex->elems[i].text == t->text)
            return 1;
    return 0;
}

static int pick_candidate(struct nw_extractor *ex)
{
    int top = -1;
    for (size_t i = 0; i < ex->nelems; i++) {
        struct nw_elem *el = &ex->elems[i];
        if (!el->scored)
            continue;
        if (top < 0 || el->score > ex->elems[top].score)
            top = (int)i;
    }
    if (top < 0)
        return -1;
    /* Widen to a parent whose score says it holds the same article. */
    double last = ex->elems[top].score;
    double threshold = last / 3.0;
    for (int p = ex->elems[top].parent; p > 0; p = ex->elems[p].parent) {
        struct nw_elem *pe = &ex->elems[p];
        if (!pe->scored)
            continue;
        if (pe->score < threshold)
            break;
        if (pe->score > last) {
            top = p;
            break;
        }
        last = pe->score;
    }
    /* An only child says nothing: use the parent. */
    while (ex->elems[top].parent > 0) {
        int p = ex->elems[top].parent;
        if (ex->elems[p].text != ex->elems[top].text)
            break;
        top = p;
    }
    /* Semantic markup: a body container that holds most of the candidate's text, or that
     * lies inside the candidate and holds most of it. */
    struct nw_elem *t = &ex->elems[top];
    size_t top_text = 0;
    for (size_t b = t->first_block; b < t->end_block; b++)
        if (ex->blocks[b].chars >= 25)
            top_text += ex->blocks[b].len;
    /* the tightest such container: a "main-content" wrapper around the article and its
     * sidebars covers the candidate too, but so does the article body inside it */
    int best_sem = -1;
    for (size_t i = 1; i < ex->nelems; i++) {
        struct nw_elem *s = &ex->elems[i];
        if (!(s->flags & EL_SEMANTIC) || s->text < 200 || link_density(s) >= 0.5)
            continue;
        /* overlap: blocks of top inside s */
        size_t lo = s->first_block > t->first_block ? s->first_block : t->first_block;
        size_t hi = s->end_block < t->end_block ? s->end_block : t->end_block;
        size_t overlap = 0;
        for (size_t b = lo; b < hi; b++)
            overlap += ex->blocks[b].len;
        if (overlap * 10 < top_text * 6)
            continue;
        if (best_sem < 0 || s->text < ex->elems[best_sem].text)
            best_sem = (int)i;
    }
    if (best_sem >= 0 && rule_on(ex, NW_EXTRACT_RULE_SEMANTIC))
        top = best_sem;
    if (!rule_on(ex, NW_EXTRACT_RULE_TITLED_ARTICLE))
        return top;
    int titled = titled_article(ex, top);
    /* the candidate may itself be one of the teaser articles beside the titled one */
    if (titled == top && is_article_wrap(ex, top) && ex->elems[top].parent > 0) {
        int parent = ex->elems[top].parent;
        titled = titled_article(ex, parent);
        if (titled == parent)
            titled = top;
        /* each of the stories a page loads below may sit in a wrapper of its own */
        for (int hops = 0; titled == top && rule_on(ex, NW_EXTRACT_RULE_TITLED_ARTICLE) &&
                           hops < 3 && ex->elems[parent].parent > 0;
             hops++) {
            parent = ex->elems[parent].parent;
            titled = titled_article(ex, parent);
            if (titled == parent)
                titled = top;
        }
    }
    if (titled != top && (ex->elems[titled].flags & EL_ARTICLE)) {
        ex->lone_article = 1;
        return titled;
    }
    return top;
}

/* Several <article> elements side by side inside the candidate (a post followed by
 * "you may also like" posts, a blog page listing its posts): the one that holds the
 * page's <h1> is the article, the others are teasers. Returns the index of that article,
 * or top when the rule does not apply. */
/* 1 if the heading element h (its first block) is named in the page's <title>. */
static int names_page(const struct nw_extractor *ex, int h)
{
    const struct nw_elem *e = &ex->elems[h];
    if (!ex->page_title || e->first_block >= e->end_block)
        return 0;
    const struct nw_block *b = &ex->blocks[e->first_block];
    if (b->chars < 10 || b->len >= 512)
        return 0;
    char head[512];
    const char *t = ex->text.data + b->off;
    size_t len = b->len;
    while (len > 0 && *t == ' ') { /* a block may start with the space before its text */
        t++;
        len--;
    }
    memcpy(head, t, len);
    head[len] = '\0';
    return len > 0 && strstr(ex->page_title, head) != NULL;
}

static int titled_article(struct nw_extractor *ex, int top)
{
    const struct nw_elem *t = &ex->elems[top];
    int titled = -1, articles = 0, named = -1, titles = 0;
    for (size_t i = (size_t)top + 1; i < t->end_elem; i++) {
        struct nw_elem *el = &ex->elems[i];
        if (!(el->flags & EL_ARTICLE))
            continue;
        articles++;
        for (size_t j = i + 1; j < el->end_elem; j++)
            if (ex->elems[j].tag == MyHTML_TAG_H1) {
                titles++;
                titled = (int)i;
                if (named < 0 && names_page(ex, (int)j))
                    named = (int)i;
                break;
            }
        i = el->end_elem - 1; /* nested articles count with their outer one */
    }
    /* several titled articles (a page that loads the next stories below): the one whose
     * <h1> is the page's title */
    if (titles > 1)
        titled = rule_on(ex, NW_EXTRACT_RULE_TITLED_ARTICLE) ? named : -1;
    if (articles < 2 || titled < 0 || ex->elems[titled].text < 150)
        return top;
    return titled;
}

/* 1 if an element holds a heading block (a story's headline). */
static int has_heading(const struct nw_extractor *ex, int elem)
{
    const struct nw_elem *e = &ex->elems[elem];
    for (size_t b = e->first_block; b < e->end_block; b++)
        if (ex->blocks[b].kind == NW_BLOCK_HEADING)
            return 1;
    return 0;
}

#define DEEP_SHARE 0.3
#define NW_WRAPPER_HOPS 4      /* wrappers climbed to find the parts beside the candidate */
#define NW_DEEP_WRAPPER_HOPS 6 /* the same with `deep_wrappers` (section > wrapper > row > col) */
#define NW_WRAPPER_SLACK 20    /* characters a wrapper may hold beside the candidate */
#define DEEP_MIN 3.0
static void mark_included(struct nw_extractor *ex, int top)
{
    for (size_t i = 0; i < ex->nelems; i++)
        ex->elems[i].included = 0;
    struct nw_elem *t = &ex->elems[top];
    t->included = 1;
    /* siblings are looked for beside the candidate's outermost wrapper that holds no other
     * text ("container > section" repeated per part of the article) */
    int level = top;
    int max_hops =
        rule_on(ex, NW_EXTRACT_RULE_DEEP_WRAPPERS) ? NW_DEEP_WRAPPER_HOPS : NW_WRAPPER_HOPS;
    for (int hops = 0; hops < max_hops && rule_on(ex, NW_EXTRACT_RULE_WRAPPED_PARTS) &&
                       ex->elems[level].parent > 0;
         hops++) {
        int p = ex->elems[level].parent;
        /* an <article> is a whole story: the wrappers around it hold the next ones */
        if (((ex->elems[level].flags & EL_ARTICLE) && has_heading(ex, level)) || ex->lone_article ||
            ex->elems[p].text > t->text + NW_WRAPPER_SLACK)
            break;
        level = p;
    }
    int parent = ex->elems[level].parent;
    if (parent < 0)
        return;
    double threshold = fmax(10.0, t->score * 0.2);
    /* the best score inside the candidate (it may have climbed to an unscored wrapper) */
    double top_best = t->scored ? t->score : 0.0;
    for (size_t j = (size_t)top + 1; j < t->end_elem; j++)
        if (ex->elems[j].scored && ex->elems[j].score > top_best)
            top_best = ex->elems[j].score;
    for (size_t i = (size_t)parent + 1; i < ex->nelems; i++) {
        struct nw_elem *s = &ex->elems[i];
        if (s->parent != parent || (int)i == level)
            continue;
        if (ex->lone_article && (s->flags & EL_ARTICLE))
            continue;
        double bonus = 0.0;
        if ((s->flags & EL_POSITIVE) && (t->flags & EL_POSITIVE))
            bonus = t->score * 0.2;
        if (s->scored && s->score + bonus >= threshold) {
            s->included = 1;
            continue;
        }
        /* a later section of the article, wrapped as deep as the candidate is: an
         * element inside it scores like a part of the article */
        if (rule_on(ex, NW_EXTRACT_RULE_DEEP_SIBLINGS) && s->end_elem > i + 1 &&
            link_density(s) < 0.3) {
            double best = 0.0;
            for (size_t j = i + 1; j < s->end_elem; j++)
                if (ex->elems[j].scored && ex->elems[j].score > best)
                    best = ex->elems[j].score;
            if (best >= fmax(DEEP_MIN, top_best * DEEP_SHARE)) {
                s->included = 1;
                continue;
            }
        }
        if (rule_on(ex, NW_EXTRACT_RULE_LOOSE_TEXT) &&
            (s->tag == MyHTML_TAG_P || !(s->flags & EL_BLOCK))) {
            double ld = link_density(s);
            if (s->text > 80 && ld < 0.25)
                s->included = 1;
            else if (s->text > 0 && s->text <= 80 && ld == 0.0 && s->first_block < s->end_block) {
                const struct nw_block *b = &ex->blocks[s->first_block];
                if (memchr(ex->text.data + b->off, '.', b->len))
                    s->included = 1;
            }
        }
    }
}

/* Link text inside one block: sum over the link elements whose blocks are this one. */
static void block_links(struct nw_extractor *ex)
{
    for (size_t i = 0; i < ex->nelems; i++) {
        struct nw_elem *el = &ex->elems[i];
        if (!(el->flags & EL_LINK))
            continue;
        /* a link's text belongs to the block that was open when it ended */
        size_t b = el->end_block;
        if (el->first_block < el->end_block)
            b = el->first_block;
        if (b < ex->nblocks) {
            /* count only when the link lies inside that block's element */
            ex->blocks[b].link += el->text;
        }
    }
}

/* A URL written out as the link's text ("http://amzn.to/x"): the author shows the
 * address on purpose, which menus and teaser lists never do. */
static int is_written_url(const char *s, size_t len)
{
    if (memchr(s, ' ', len))
        return 0;
    return (len > 8 && strncasecmp(s, "https://", 8) == 0) ||
           (len > 7 && strncasecmp(s, "http://", 7) == 0) ||
           (len > 4 && strncasecmp(s, "www.", 4) == 0);
}

/* A paragraph sentence that links most of its words ("The case was <a>re-opened after
 * his eviction</a>."): a clause of plain text before the link and a sentence end. */
static int is_linked_sentence(const struct nw_extractor *ex, const struct nw_block *b)
{
    if (b->kind != NW_BLOCK_PARA || b->link >= b->len || b->len - b->link < 40)
        return 0;
    const char *s = ex->text.data + b->off;
    size_t n = b->len;
    while (n > 0 && (s[n - 1] == '"' || s[n - 1] == '\'' || s[n - 1] == ')'))
        n--;
    if (n >= 3 && (unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80 &&
        ((unsigned char)s[n - 1] == 0x9D || (unsigned char)s[n - 1] == 0x99))
        n -= 3; /* closing curly quote */
    return n > 0 && (s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?');
}

static int keep_block(const struct nw_extractor *ex, const struct nw_block *b)
{
    /* the page title: the body leaves it out */
    if (b->kind == NW_BLOCK_HEADING && ex->elems[b->elem].tag == MyHTML_TAG_H1)
        return 0;
    if (b->excluded)
        return 0;
    double ld = b->len ? (double)b->link / (double)b->len : 0.0;
    if (ld > 0.5 && b->chars < 400 &&
        !(b->kind == NW_BLOCK_CELL && rule_on(ex, NW_EXTRACT_RULE_TABLES)) &&
        !is_written_url(ex->text.data + b->off, b->len) &&
        !(rule_on(ex, NW_EXTRACT_RULE_LINKED_SENTENCE) && is_linked_sentence(ex, b)))
        return 0;
    (void)ex;
    return 1;
}

/* The <ul>/<ol> that holds an item block (a few levels up), or -1. */
static int list_of(const struct nw_extractor *ex, const struct nw_block *b)
{
    int e = b->elem;
    for (int hops = 0; e >= 0 && hops < 6; hops++, e = ex->elems[e].parent)
        if (ex->elems[e].tag == MyHTML_TAG_UL || ex->elems[e].tag == MyHTML_TAG_OL)
            return e;
    return -1;
}

/* An article's own list whose items lead with a linked headline ("<b><a>Story</a>.</b>
 * One sentence.") looks like a teaser list item by item; but when most items of the
 * list carry enough plain text to stay, the list is the article's and every item stays.
 * A teaser list has (almost) no item that stays on its own, so it is not rescued. */
static int list_keeps_all(struct nw_extractor *ex, int list)
{
    struct nw_elem *l = &ex->elems[list];
    if (l->list_keep >= 0)
        return l->list_keep;
    size_t items = 0, kept = 0;
    for (size_t bi = l->first_block; bi < l->end_block; bi++) {
        const struct nw_block *b = &ex->blocks[bi];
        if (b->kind != NW_BLOCK_ITEM || b->excluded || !b->take)
            continue;
        items++;
        /* a sentence of its own beside the link, not a headline split by a link */
        if (keep_block(ex, b) &&
            (b->len - (b->link < b->len ? b->link : b->len)) * b->chars >= 60 * b->len)
            kept++;
    }
    l->list_keep = items >= 3 && kept * 2 >= items;
    return l->list_keep;
}

/* A linked headline: short, (almost) all link text, and words rather than a bare URL. */
static int is_headline_link(const struct nw_extractor *ex, const struct nw_block *b)
{
    return b->chars <= 150 && b->link * 10 >= b->len * 8 &&
           memchr(ex->text.data + b->off, ' ', b->len) != NULL;
}

/* A teaser's excerpt: one short line of plain text. */
static int is_excerpt(const struct nw_block *b)
{
    return b->link == 0 && b->chars >= 20 && b->chars <= 180;
}

/* Teaser grids and "more stories" rows inside the chosen container: a linked headline
 * followed by a short excerpt, three or more times in a row (a byline or a label may sit
 * between two teasers, a paragraph may not). Each excerpt passes the link-density test on its own;
 * the run does not. Marks the blocks from the first headline to the last excerpt. */
static int visible(const struct nw_block *b)
{
    return b->take && !b->excluded;
}

static void end_teaser_run(struct nw_extractor *ex, size_t *pairs, size_t start, size_t end)
{
    if (*pairs >= 3)
        for (size_t k = start; k <= end; k++)
            ex->blocks[k].teaser = 1;
    *pairs = 0;
}

static void mark_teaser_runs(struct nw_extractor *ex)
{
    size_t start = 0, end = 0, pairs = 0, gap = 0;
    for (size_t bi = 0; bi < ex->nblocks; bi++) {
        if (!visible(&ex->blocks[bi]))
            continue;
        if (is_headline_link(ex, &ex->blocks[bi])) {
            size_t next = bi + 1;
            while (next < ex->nblocks && !visible(&ex->blocks[next]))
                next++;
            if (next < ex->nblocks && is_excerpt(&ex->blocks[next])) {
                if (pairs > 0 && gap > 2)
                    end_teaser_run(ex, &pairs, start, end);
                if (pairs == 0)
                    start = bi;
                pairs++;
                end = next;
                gap = 0;
                bi = next;
                continue;
            }
        }
        /* article text between two teasers: they are the article's own links */
        if (++gap > 2 || ex->blocks[bi].chars > 80)
            end_teaser_run(ex, &pairs, start, end);
    }
    end_teaser_run(ex, &pairs, start, end);
}

/* Word stems of the prompts and notices that pages put around an article: subscription
 * and paywall offers, log-in walls, newsletter boxes, cookie and browser notices, share
 * and donation prompts, in the languages of the dev sets and their neighbours. Matched
 * as lower-cased substrings of a short line. */
static const char *const notice_stems[] = {
    "subscri",    "abonn",      "abbona",      "suscri",       "assinante",   "subskryp",
    "подпис",     "newsletter", "log in",      "login",        "log-in",      "sign in",
    "sign up",    "einlogg",    "eingeloggt",  "registrier",   "connectez",   "cookie",
    "javascript", "browser",    "navigateur",  "przeglądar",   "share this",  "teilen",
    "partager",   "compartir",  "condividi",   "spende",       "donate",      "donation",
    "donativo",   "comments",   "kommentare",  "commentaires", "comentarios", "commenti",
    "komentarze", "posted in",  "filed under", NULL,
};

/* Appeals for the reader's support, membership or follow, with the rule `support_appeals`:
 * notices like the prompts above ("Únete a nuestro canal", "Hilf mit und unterstütze
 * unser Magazin", "Membership perks"). The line is lower-cased in ASCII only: a stem
 * that starts with a capital outside it is listed in both cases. */
static const char *const appeal_stems[] = {
    "únete",          "Únete",      "unete",     "síguenos",        "follow us",
    "folgen sie uns", "folge uns",  "apóyanos",  "unterstütze",     "unterstützen sie",
    "support us",     "membership", "membresía", "mitglied werden", NULL,
};

static int is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* 1 if one of stems starts a word of low (a NUL-terminated lower-cased line). */
static int has_stem(const char *low, const char *const *stems)
{
    for (size_t i = 0; stems[i]; i++)
        for (const char *hit = strstr(low, stems[i]); hit; hit = strstr(hit + 1, stems[i]))
            if (hit == low || !is_word_byte((unsigned char)hit[-1]))
                return 1; /* at a word's start: "suspended" holds no "spende" */
    return 0;
}

static int is_notice(const struct nw_extractor *ex, const struct nw_block *b)
{
    char low[512];
    size_t n = b->len < sizeof(low) - 1 ? b->len : sizeof(low) - 1;
    const char *s = ex->text.data + b->off;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
    low[n] = '\0';
    return has_stem(low, notice_stems) ||
           (rule_on(ex, NW_EXTRACT_RULE_SUPPORT_APPEALS) && has_stem(low, appeal_stems));
}

/* The byte length of the block's text without leading spaces and a closing colon: the
 * length lower_line's result has (the labels' letters keep their length in either case;
 * a typographic apostrophe is two bytes longer than the ASCII one). */
static size_t trimmed_len(const struct nw_extractor *ex, const struct nw_block *b)
{
    const char *s = ex->text.data + b->off;
    size_t start = 0, end = b->len;
    while (start < end && s[start] == ' ')
        start++;
    while (end > start && (s[end - 1] == ':' || s[end - 1] == ' '))
        end--;
    return end - start;
}

/* Bit n of the mask for every list entry of n bytes (and n + 2 per apostrophe, which a
 * page may write as the typographic one). */
static uint64_t lens_of(const char *const *list)
{
    uint64_t mask = 0;
    for (size_t i = 0; list[i]; i++) {
        size_t n = strlen(list[i]), quotes = 0;
        for (size_t k = 0; k < n; k++)
            quotes += list[i][k] == '\'';
        for (size_t q = 0; q <= quotes; q++)
            if (n + 2 * q < 64)
                mask |= (uint64_t)1 << (n + 2 * q);
    }
    return mask;
}

static int len_in(uint64_t mask, size_t len)
{
    return len < 64 && ((mask >> len) & 1u);
}

/* The block's text lower-cased (any script), without leading spaces and without a
 * closing colon, typographic apostrophes as ASCII ones, into low (size bytes); 0 when it
 * does not fit. */
static int lower_line(const struct nw_extractor *ex, const struct nw_block *b, char *low,
                      size_t size)
{
    size_t n = 0, len = b->len;
    const unsigned char *s = (const unsigned char *)ex->text.data + b->off;
    while (len > 0 && *s == ' ') {
        s++;
        len--;
    }
    if (size < 8 || len >= size - 4)
        return 0;
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp = -1;
        utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0)
            return 0;
        i += (size_t)k;
        if (cp == 0x2019)
            cp = '\''; /* the typographic apostrophe */
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t w = utf8proc_encode_char(utf8proc_tolower(cp), enc);
        if (w <= 0 || n + (size_t)w >= size)
            return 0;
        memcpy(low + n, enc, (size_t)w);
        n += (size_t)w;
    }
    while (n > 0 && (low[n - 1] == ':' || low[n - 1] == ' '))
        n--;
    low[n] = '\0';
    return n > 0;
}

/* Whole lines that label furniture wherever they sit: the heading of a "see also" box
 * whose links were dropped ("Lesen Sie auch", "Mehr zum Thema", "Explore further"), and
 * the lines of share and like widgets ("Gefällt mir:", "Like this:", "Liken Lade …"). */
static const char *const label_lines[] = {
    "lesen sie auch",
    "lies auch",
    "auch interessant",
    "mehr zum thema",
    "weitere artikel",
    "zum weiterlesen",
    "ähnliche beiträge",
    "ähnliche artikel",
    "verwandte artikel",
    "read more",
    "read also",
    "see also",
    "related",
    "related articles",
    "related posts",
    "related stories",
    "more on this story",
    "you may also like",
    "you might also like",
    "explore further",
    "further reading",
    "lire aussi",
    "à lire aussi",
    "a lire aussi",
    "voir aussi",
    "sur le même sujet",
    "lee también",
    "te puede interesar",
    "noticias relacionadas",
    "leggi anche",
    "czytaj też",
    "czytaj także",
    "zobacz też",
    "читайте также",
    "leia também",
    "veja também",
    "like this",
    "gefällt mir",
    "j'aime",
    "me gusta",
    "mi piace",
    "liken",
    "share this",
    "teilen mit",
    "teilen sie dies mit",
    "like loading…",
    "like loading...",
    "liken lade …",
    "lade …",
    "wird geladen …",
    NULL,
};

static int is_label_line(const struct nw_extractor *ex, const struct nw_block *b)
{
    char low[64];
    if (b->chars > 40 || !len_in(ex->label_lens, trimmed_len(ex, b)) ||
        !lower_line(ex, b, low, sizeof(low)))
        return 0;
    for (size_t i = 0; label_lines[i]; i++)
        if (strcmp(low, label_lines[i]) == 0)
            return 1;
    return 0;
}

/* Short prompt lines before the article's first paragraph or after its last one
 * ("Subscribe now for the full story", "Sie sind nicht eingeloggt", "Jede Spende
 * hilft"): notices around the article, never its text. Lines between paragraphs stay,
 * but for whole label lines (is_label_line), which go wherever they sit. */
static void mark_notices(struct nw_extractor *ex)
{
    size_t first = ex->nblocks, last = ex->nblocks;
    for (size_t bi = 0; bi < ex->nblocks; bi++)
        if (visible(&ex->blocks[bi]) && is_label_line(ex, &ex->blocks[bi]))
            ex->blocks[bi].teaser = 1; /* wherever it sits */
    for (size_t bi = 0; bi < ex->nblocks; bi++) {
        const struct nw_block *b = &ex->blocks[bi];
        if (visible(b) && !b->teaser && b->kind == NW_BLOCK_PARA && b->chars >= 150 &&
            b->link * 2 < b->len && !is_notice(ex, b)) {
            if (first == ex->nblocks)
                first = bi;
            last = bi;
        }
    }
    if (first == ex->nblocks)
        return;
    /* a heading after the last paragraph heads no text of the article: it heads the
     * "more on this" links that follow ("Mehr zum Thema", "You might also like:") */
    if (rule_on(ex, NW_EXTRACT_RULE_TRAILING_HEADINGS))
        for (size_t bi = last + 1; bi < ex->nblocks; bi++) {
            struct nw_block *b = &ex->blocks[bi];
            if (!visible(b) || b->chars > 80)
                continue;
            const char *t = ex->text.data + b->off;
            if (b->kind != NW_BLOCK_HEADING && t[b->len - 1] != ':')
                continue;
            size_t next = bi + 1; /* a heading over a closing paragraph stays */
            while (next < ex->nblocks && !visible(&ex->blocks[next]))
                next++;
            const struct nw_block *n = next < ex->nblocks ? &ex->blocks[next] : NULL;
            if (!n || n->kind == NW_BLOCK_HEADING || n->link * 2 >= n->len || n->chars < 40)
                b->teaser = 1;
        }
    for (size_t bi = 0; bi < ex->nblocks; bi++) {
        struct nw_block *b = &ex->blocks[bi];
        if (bi == first) {
            bi = last;
            continue;
        }
        if (visible(b) && b->chars <= 160 && is_notice(ex, b))
            b->teaser = 1;
    }
}

/* Labels of a credit or source line, compared with the start of a line up to the colon
 * that ends them (a space before it allowed, as French writes it), in either case of
 * their first letter. */
static const char *const credit_labels[] = {
    "quelle",       "quellen",      "quellenangabe", "quellenangaben", "bildquelle",
    "bildquellen",  "bildnachweis", "bildrechte",    "titelbild",      "beitragsbild",
    "titelfoto",    "foto",         "fotos",         "bild",           "bilder",
    "abbildung",    "grafik",       "source",        "sources",        "photo",
    "photos",       "photo credit", "image",         "image credit",   "featured image",
    "header image", "cover image",  "credit",        "credits",        "illustration",
    "fuente",       "fuentes",      "imagen",        "fonte",          "fonti",
    "crédit photo", "crédits",      "źródło",        "Źródło",         "zdjęcie",
    NULL,
};

/* A credit or source line ("Foto: dpa", "Quelle: Deutscher Jagdverband", "Titelbild:
 * Flickr, CC BY 2.0", "Abbildung: ..."): a short line that starts with one of the labels
 * above and its colon (the rest of the label in any ASCII case). Such a line credits a picture or
 * names where the story came from; it is never the story's own text. */
static int is_credit_line(const struct nw_extractor *ex, const struct nw_block *b)
{
    if (b->chars > 300)
        return 0;
    const char *s = ex->text.data + b->off;
    size_t n = b->len;
    while (n > 0 && *s == ' ') {
        s++;
        n--;
    }
    for (size_t i = 0; credit_labels[i]; i++) {
        const char *l = credit_labels[i];
        size_t k = strlen(l);
        if (n <= k || strncasecmp(s + 1, l + 1, k - 1) != 0)
            continue;
        /* the first letter in either case (the list spells a non-ASCII capital out) */
        char c = s[0];
        if (!(c == l[0] || (c >= 'A' && c <= 'Z' && c - 'A' + 'a' == l[0])))
            continue;
        size_t j = k;
        if (j < n && s[j] == ' ')
            j++;
        if (j < n && s[j] == ':')
            return 1;
    }
    return 0;
}

/* Credit and source lines go wherever they sit (captions left in the text, the source
 * under a table or a story). */
static void mark_credit_lines(struct nw_extractor *ex)
{
    for (size_t bi = 0; bi < ex->nblocks; bi++)
        if (visible(&ex->blocks[bi]) && is_credit_line(ex, &ex->blocks[bi]))
            ex->blocks[bi].teaser = 1;
}

/* "More stories" lists after the article's last paragraph: every item short and linked.
 * The list goes, and so does the short line that heads it. */
static void mark_trailing_link_lists(struct nw_extractor *ex)
{
    size_t last_para = ex->nblocks;
    for (size_t bi = ex->nblocks; bi-- > 0;) {
        const struct nw_block *b = &ex->blocks[bi];
        if (visible(b) && !b->teaser && b->kind == NW_BLOCK_PARA && b->chars >= 100 &&
            b->link * 2 < b->len) {
            last_para = bi;
            break;
        }
    }
    if (last_para == ex->nblocks)
        return;
    for (size_t bi = last_para + 1; bi < ex->nblocks; bi++) {
        const struct nw_block *b = &ex->blocks[bi];
        if (!visible(b) || b->kind != NW_BLOCK_ITEM)
            continue;
        int list = list_of(ex, b);
        if (list < 0)
            continue;
        const struct nw_elem *l = &ex->elems[list];
        size_t items = 0, linked = 0;
        for (size_t k = l->first_block; k < l->end_block; k++) {
            const struct nw_block *it = &ex->blocks[k];
            if (!visible(it))
                continue;
            items++;
            if (it->kind == NW_BLOCK_ITEM && it->link > 0 && it->chars <= 150)
                linked++;
        }
        if (items < 3 || linked < items || l->first_block <= last_para) {
            bi = l->end_block > bi + 1 ? l->end_block - 1 : bi; /* each list once */
            continue;
        }
        for (size_t k = l->first_block; k < l->end_block; k++)
            ex->blocks[k].teaser = 1;
        /* the header right before the list */
        for (size_t k = l->first_block; k-- > last_para + 1;) {
            struct nw_block *h = &ex->blocks[k];
            if (!visible(h))
                continue;
            if (h->chars <= 60 && (h->kind == NW_BLOCK_HEADING || h->kind == NW_BLOCK_TEXT))
                h->teaser = 1;
            break;
        }
        bi = l->end_block - 1;
    }
}

/* The table row (<tr>) whose cell holds a cell block, or -1. */
static int row_of(const struct nw_extractor *ex, const struct nw_block *b)
{
    if (b->kind != NW_BLOCK_CELL)
        return -1;
    int e = b->elem;
    for (int hops = 0; e >= 0 && hops < 5; hops++, e = ex->elems[e].parent)
        if (ex->elems[e].tag == MyHTML_TAG_TR)
            return e;
    return -1;
}

/* A linked heading over a real paragraph heads a section of the article (a gift guide's
 * product names link to the shop); a teaser's linked headline sits over a short excerpt
 * at most. */
static int heads_paragraph(const struct nw_extractor *ex, size_t bi)
{
    size_t next = bi + 1;
    while (next < ex->nblocks && !visible(&ex->blocks[next]))
        next++;
    if (next >= ex->nblocks)
        return 0;
    const struct nw_block *p = &ex->blocks[next];
    return p->kind == NW_BLOCK_PARA && p->chars >= 150 && p->link * 4 < p->len;
}

/* keep_block's reasons other than link density: the h1 stays out, so do drops. */
static int keep_block_kind_ok(const struct nw_extractor *ex, const struct nw_block *b)
{
    return !(b->kind == NW_BLOCK_HEADING && ex->elems[b->elem].tag == MyHTML_TAG_H1) &&
           !b->excluded;
}

static int in_lede(const struct nw_extractor *ex, const struct nw_block *b)
{
    for (int e = b->elem, hops = 0; e >= 0 && hops < 4; e = ex->elems[e].parent, hops++)
        if (ex->elems[e].flags & (EL_LEDE | EL_TEASER))
            return 1;
    return 0;
}

/* The lede among blocks [from, to): the last one in_lede names, taken (even from inside the
 * dropped header or teaser box that holds it) when it is lede-sized and not mostly links.
 * With stop_at_taken, a taken block met first (searching back from `to`) ends the search. */
static void take_last_lede(struct nw_extractor *ex, size_t from, size_t to, int stop_at_taken)
{
    for (size_t bi = to; bi-- > from;) {
        struct nw_block *b = &ex->blocks[bi];
        if (stop_at_taken && b->take)
            return;
        if (!in_lede(ex, b))
            continue;
        if (b->chars >= 30 && b->chars <= 800 && b->link * 4 < b->len) {
            b->take = 1;
            b->excluded = 0;
        }
        return;
    }
}

/* The first block of the body: taken, and not inside furniture that stays dropped (the
 * candidate may hold its <header>, whose blocks are marked taken but stay out). With the
 * rule `header_ledes` off, the first taken block. */
static size_t first_body_block(const struct nw_extractor *ex)
{
    int header = rule_on(ex, NW_EXTRACT_RULE_HEADER_LEDES);
    for (size_t bi = 0; bi < ex->nblocks; bi++)
        if (ex->blocks[bi].take && !(header && ex->blocks[bi].excluded))
            return bi;
    return ex->nblocks;
}

/* The lede that sits before the body, in the article's header beside the body rather
 * than in it: plain text in an element named as a lede, inside the candidate's
 * grandparent (or closer) and before the first block taken. */
static void take_lede(struct nw_extractor *ex, int top)
{
    int scope = top;
    for (int hops = 0; hops < 2 && ex->elems[scope].parent > 0; hops++)
        scope = ex->elems[scope].parent;
    size_t first_taken = first_body_block(ex);
    /* one lede: the last one before the body (a list of teasers has one per item) */
    const struct nw_elem *s = &ex->elems[scope];
    size_t end = first_taken < s->end_block ? first_taken : s->end_block;
    take_last_lede(ex, s->first_block, end, 0);
}

/* 1 when the block is the page's <h1>; with `wrapped_h1`, also a block an <h1> wraps
 * ("<h1><div>Title</div></h1>": the block belongs to the inner element). */
static int block_in_h1(const struct nw_extractor *ex, const struct nw_block *b)
{
    int hops = rule_on(ex, NW_EXTRACT_RULE_WRAPPED_H1) ? 3 : 1;
    for (int e = b->elem; e >= 0 && hops > 0; e = ex->elems[e].parent, hops--)
        if (ex->elems[e].tag == MyHTML_TAG_H1)
            return 1;
    return 0;
}

#define NW_HEADLINE_BLOCKS 24 /* blocks after the first taken one where the <h1> is looked for */

/* The candidate's siblings brought the headline block in with the body (the <h1>, byline
 * and date lines are taken, so no <h1> lies before the first taken block): the body
 * starts at the first paragraph taken after the <h1>, and the lede is the last
 * lede-named block between them. */
static void take_lede_after_h1(struct nw_extractor *ex, size_t first_taken)
{
    size_t h1 = ex->nblocks, body;
    for (size_t bi = first_taken; bi < ex->nblocks && bi < first_taken + NW_HEADLINE_BLOCKS; bi++)
        if (ex->blocks[bi].kind == NW_BLOCK_HEADING && block_in_h1(ex, &ex->blocks[bi])) {
            h1 = bi;
            break;
        }
    if (h1 >= ex->nblocks)
        return;
    for (body = h1 + 1; body < ex->nblocks; body++) {
        const struct nw_block *b = &ex->blocks[body];
        if (b->take && !b->excluded && (b->kind == NW_BLOCK_PARA || b->chars >= 150))
            break;
    }
    take_last_lede(ex, h1 + 1, body, 0);
}

/* A lede outside the candidate's grandparent: between the page's <h1> and the body, the
 * last block in an element whose class names a lede (take_lede's classes), when the page
 * builds its headline block apart from the body. */
static void take_distant_lede(struct nw_extractor *ex)
{
    size_t first_taken = first_body_block(ex), h1 = ex->nblocks;
    for (size_t bi = first_taken; bi-- > 0;) {
        if (ex->blocks[bi].kind == NW_BLOCK_HEADING && block_in_h1(ex, &ex->blocks[bi])) {
            h1 = bi;
            break;
        }
    }
    if (h1 >= ex->nblocks && rule_on(ex, NW_EXTRACT_RULE_TAKEN_HEADLINE)) {
        take_lede_after_h1(ex, first_taken);
        return;
    }
    if (h1 >= ex->nblocks)
        return;
    take_last_lede(ex, h1 + 1, first_taken, 1); /* a taken block: take_lede found one */
}

static enum nw_status assemble(struct nw_extractor *ex, int top, size_t *chars)
{
    enum nw_status result = NW_OK;
    nw_buf_reset(&ex->out);
    for (size_t bi = 0; bi < ex->nblocks; bi++) {
        ex->blocks[bi].take = 0;
        ex->blocks[bi].teaser = 0;
    }
    for (size_t i = 0; i < ex->nelems; i++)
        ex->elems[i].list_keep = -1;
    for (size_t i = 0; i < ex->nelems; i++) {
        const struct nw_elem *el = &ex->elems[i];
        if (el->included)
            for (size_t bi = el->first_block; bi < el->end_block; bi++)
                ex->blocks[bi].take = 1;
    }
    if (rule_on(ex, NW_EXTRACT_RULE_LEDES))
        take_lede(ex, top);
    if (rule_on(ex, NW_EXTRACT_RULE_DISTANT_LEDE))
        take_distant_lede(ex);
    /* Loose text of the candidate's parent (text outside any block element, e.g. after
     * misnested tags) continues the article when it reads like a paragraph. */
    int parent = ex->elems[top].parent;
    if (parent >= 0)
        for (size_t bi = ex->elems[parent].first_block; bi < ex->elems[parent].end_block; bi++) {
            struct nw_block *b = &ex->blocks[bi];
            if (rule_on(ex, NW_EXTRACT_RULE_LOOSE_TEXT) && b->elem == parent && b->chars > 80 &&
                b->link * 4 < b->len)
                b->take = 1;
        }
    if (rule_on(ex, NW_EXTRACT_RULE_TEASER_RUNS))
        mark_teaser_runs(ex);
    int last_row = -1;
    if (rule_on(ex, NW_EXTRACT_RULE_TRAILING_LISTS))
        mark_trailing_link_lists(ex);
    if (rule_on(ex, NW_EXTRACT_RULE_NOTICES))
        mark_notices(ex);
    if (rule_on(ex, NW_EXTRACT_RULE_CREDIT_LINES))
        mark_credit_lines(ex);
    for (size_t bi = 0; bi < ex->nblocks; bi++) {
        const struct nw_block *b = &ex->blocks[bi];
        if (!b->take || b->teaser)
            continue;
        if (!keep_block(ex, b) && !(b->kind == NW_BLOCK_HEADING && !b->excluded &&
                                    rule_on(ex, NW_EXTRACT_RULE_LINKED_HEADINGS) &&
                                    heads_paragraph(ex, bi) && keep_block_kind_ok(ex, b))) {
            int list = -1;
            if (b->excluded || b->kind != NW_BLOCK_ITEM || (list = list_of(ex, b)) < 0 ||
                !rule_on(ex, NW_EXTRACT_RULE_ARTICLE_LISTS) || !list_keeps_all(ex, list))
                continue;
        }
        /* a data table stays a table: the cells of a row on one line */
        int row = rule_on(ex, NW_EXTRACT_RULE_TABLES) ? row_of(ex, b) : -1;
        if (ex->out.len) {
            if (row >= 0 && row == last_row)
                result = nw_buf_append(&ex->out, " | ", 3);
            else
                result = nw_buf_append(&ex->out, "\n\n", 2);
            if (result)
                goto out;
        }
        last_row = row;
        result = nw_buf_append(&ex->out, ex->text.data + b->off, b->len);
        if (result)
            goto out;
    }
out:
    *chars = ex->out.len;
    return result;
}

/* Words that label an author box, in the languages of the dev sets and their neighbours;
 * compared with the whole line, lower-cased, without a closing colon. A bare "Author"
 * labels a box as a heading only: as a line of text it may introduce the byline. */
static const char *const author_words[] = {
    "autor",       "autorin",  "autoren",   "autorinnen", "autor:innen", "autor*innen",
    "autor_innen", "author",   "authors",   "the author", "l'auteur",    "les auteurs",
    "l'autore",    "el autor", "la autora", "o autor",    "автор",       NULL,
};
static const char *const about_author[] = {
    "über den autor",
    "über die autorin",
    "über die autoren",
    "über den author",
    "zum autor",
    "zur autorin",
    "about the author",
    "about the authors",
    "about author",
    "à propos de l'auteur",
    "sobre el autor",
    "sobre la autora",
    "sobre o autor",
    "sull'autore",
    "об авторе",
    "o autorze",
    NULL,
};

static void label_lens_init(struct nw_extractor *ex)
{
    ex->label_lens = lens_of(label_lines);
    ex->author_lens = lens_of(about_author) | lens_of(author_words);
}

/* 1 if the block's text, lower-cased (any script), is an author label; bare author words
 * count in a heading only. */
static int is_author_label(const struct nw_extractor *ex, const struct nw_block *b, int heading)
{
    char low[64];
    if (!len_in(ex->author_lens, trimmed_len(ex, b)) || !lower_line(ex, b, low, sizeof(low)))
        return 0;
    for (size_t i = 0; about_author[i]; i++)
        if (strcmp(low, about_author[i]) == 0)
            return 1;
    for (size_t i = 0; heading && author_words[i]; i++)
        if (strcmp(low, author_words[i]) == 0)
            return 1;
    return 0;
}

/* An author box: a heading or a line of its own that labels it ("About the author") and
 * the elements that follow the label in its parent up to the next heading, when they hold a box's
 * worth of text. Drops that stay dropped: a bio may be the longest text of a page whose article is
 * a graphic with one sentence. */
#define NW_AUTHOR_BOX_MAX 1500    /* bytes of text under an author label */
#define NW_AUTHOR_BOX_SIBLINGS 64 /* elements after the label at most */
static void mark_author_boxes(struct nw_extractor *ex)
{
    for (size_t bi = 0; bi < ex->nblocks; bi++) {
        const struct nw_block *b = &ex->blocks[bi];
        int heading = b->kind == NW_BLOCK_HEADING;
        if ((!heading && b->kind != NW_BLOCK_PARA) || b->chars > 40 ||
            !is_author_label(ex, b, heading))
            continue;
        /* the heading or the paragraph that the label is */
        myhtml_tag_id_t want = heading ? MyHTML_TAG__UNDEF : MyHTML_TAG_P;
        int h = b->elem;
        for (int hops = 0; h > 0 && hops < 4; hops++, h = ex->elems[h].parent)
            if (heading ? is_heading_tag(ex->elems[h].tag) : ex->elems[h].tag == want)
                break;
        int parent = h > 0 ? ex->elems[h].parent : -1;
        if (parent < 0 || ex->elems[h].tag == MyHTML_TAG_H1 ||
            !(heading ? is_heading_tag(ex->elems[h].tag) : ex->elems[h].tag == want) ||
            ex->elems[h].text > b->len + 2)
            continue;
        /* the siblings after the heading, up to the next heading */
        size_t box = 0, end = ex->elems[parent].end_elem, stop = end, siblings = 0;
        for (size_t i = ex->elems[h].end_elem; i < end; i = ex->elems[i].end_elem) {
            if (is_heading_tag(ex->elems[i].tag)) {
                stop = i;
                break;
            }
            box += ex->elems[i].text;
            if (box > NW_AUTHOR_BOX_MAX || ++siblings > NW_AUTHOR_BOX_SIBLINGS) {
                box = 0; /* too much for a box: not one */
                break;
            }
        }
        if (box == 0 || box > NW_AUTHOR_BOX_MAX)
            continue;
        ex->elems[h].flags |= EL_CDROP | EL_KEEPOUT;
        for (size_t i = ex->elems[h].end_elem; i < stop; i = ex->elems[i].end_elem)
            ex->elems[i].flags |= EL_CDROP | EL_KEEPOUT;
        bi = ex->elems[parent].end_block > bi + 1 ? ex->elems[parent].end_block - 1 : bi;
    }
}

/* A box around a form control: the nearest element above a button, check box or input
 * field that holds text, when it holds little (a consent placeholder for an embedded
 * post, a newsletter or log-in box, a paywall offer) and is a block, not a paragraph
 * or a heading (a footnote button in a sentence), nor the page's headline block (a
 * product's name, description and buy button). It becomes a deferred drop, so that a
 * box that holds most of the page's text still stays. */
/* 1 if the element holds an <h1> (the page's headline block: a product's buy box). */
#define NW_CONTROL_BOX_ELEMS 1024 /* a box with more elements is no small widget */
static int holds_h1(const struct nw_extractor *ex, int elem)
{
    if (ex->elems[elem].end_elem - (size_t)elem > NW_CONTROL_BOX_ELEMS)
        return 1; /* not looked at: kept */
    for (size_t i = (size_t)elem + 1; i < ex->elems[elem].end_elem; i++)
        if (ex->elems[i].tag == MyHTML_TAG_H1)
            return 1;
    return 0;
}

#define NW_CONTROL_BOX_MAX 800 /* bytes of text in a control's box */
#define NW_CONTROL_HOPS 4
static void mark_control_boxes(struct nw_extractor *ex)
{
    for (size_t i = 0; i < ex->ncontrols; i++) {
        int e = ex->controls[i];
        for (int hops = 0; e > 0 && ex->elems[e].text == 0 && hops < NW_CONTROL_HOPS; hops++)
            e = ex->elems[e].parent;
        if (e <= 0)
            continue;
        struct nw_elem *el = &ex->elems[e];
        if (el->text == 0 || el->text > NW_CONTROL_BOX_MAX || !(el->flags & EL_BLOCK) ||
            el->tag == MyHTML_TAG_P || is_heading_tag(el->tag) || el->tag == MyHTML_TAG_BODY ||
            (el->flags & (EL_ARTICLE | EL_SEMANTIC)) || holds_h1(ex, e))
            continue;
        el->flags |= EL_CDROP;
    }
}

/* The <article> that holds the first <h1> that the page's <title> names, or -1: the story
 * the page is about, which no furniture box holds ("row non-paywall" around a paywalled
 * story). One pass over the elements. */
static int titled_story(const struct nw_extractor *ex)
{
    for (size_t i = 0; i < ex->nelems; i++) {
        if (ex->elems[i].tag != MyHTML_TAG_H1 || !names_page(ex, (int)i))
            continue;
        for (int e = ex->elems[i].parent; e > 0; e = ex->elems[e].parent)
            if (ex->elems[e].flags & EL_ARTICLE)
                return e;
        return -1;
    }
    return -1;
}

/* A <header> that holds paragraphs of running text, two or more of 80 characters and
 * 400 together, is no headline block (whose deck is one paragraph): page builders put
 * the text of each part of an article in the <header> of an <article> of its own. */
#define NW_PROSE_PARA_MIN 80
#define NW_PROSE_PARAS 2
#define NW_PROSE_TOTAL 400
static int holds_prose(const struct nw_extractor *ex, const struct nw_elem *el)
{
    size_t paras = 0, chars = 0;
    for (size_t b = el->first_block; b < el->end_block; b++) {
        const struct nw_block *bl = &ex->blocks[b];
        if (bl->kind == NW_BLOCK_PARA && bl->chars >= NW_PROSE_PARA_MIN && bl->link * 4 < bl->len) {
            paras++;
            chars += bl->chars;
            if (paras >= NW_PROSE_PARAS && chars >= NW_PROSE_TOTAL)
                return 1;
        }
    }
    return paras >= NW_PROSE_PARAS && chars >= NW_PROSE_TOTAL;
}

/* Decides the deferred class drops: an element named like furniture ("page-ad-margins",
 * "content-with-sidebar") that holds most of the page's paragraph text is a wrapper, not
 * furniture. Then marks the blocks inside the remaining drops and recounts element text
 * and link text from the blocks that stay. */
static void settle_drops(struct nw_extractor *ex)
{
    size_t total = 0;
    int story = rule_on(ex, NW_EXTRACT_RULE_TITLED_WRAPPERS) ? titled_story(ex) : -1;
    for (size_t i = 0; i < ex->nblocks; i++)
        if (ex->blocks[i].chars >= 25)
            total += ex->blocks[i].len;
    for (size_t i = 0; i < ex->nelems; i++) {
        struct nw_elem *el = &ex->elems[i];
        if (!(el->flags & EL_CDROP))
            continue;
        size_t mine = 0;
        for (size_t b = el->first_block; b < el->end_block; b++) {
            const struct nw_block *bl = &ex->blocks[b];
            /* a furniture tag counts its running text only: a tag cloud is no wrapper */
            if (bl->chars >= 25 && (!(el->flags & EL_TDROP) || bl->link * 2 < bl->len))
                mine += bl->len;
        }
        if (mine * 10 > total * 4 && !(el->flags & EL_KEEPOUT) &&
            ((el->flags & EL_TDROP) || rule_on(ex, NW_EXTRACT_RULE_CLASS_WRAPPERS)))
            el->flags &= ~EL_CDROP;
        else if (!(el->flags & (EL_TDROP | EL_KEEPOUT)) && story > (int)i &&
                 (size_t)story < el->end_elem)
            el->flags &= ~EL_CDROP;
        else if (el->tag == MyHTML_TAG_HEADER && (el->flags & EL_TDROP) &&
                 rule_on(ex, NW_EXTRACT_RULE_PROSE_HEADERS) && holds_prose(ex, el))
            el->flags &= ~EL_CDROP;
    }
    for (size_t i = 0; i < ex->nelems; i++) {
        ex->elems[i].text = 0;
        ex->elems[i].link = 0;
    }
    for (size_t i = 0; i < ex->nblocks; i++) {
        struct nw_block *b = &ex->blocks[i];
        b->excluded = 0;
        for (int e = b->elem; e >= 0; e = ex->elems[e].parent)
            if (ex->elems[e].flags & EL_CDROP) {
                b->excluded = 1;
                break;
            }
        if (b->excluded)
            continue;
        for (int e = b->elem; e >= 0; e = ex->elems[e].parent) {
            ex->elems[e].text += b->len;
            ex->elems[e].link += b->link;
        }
    }
}

static enum nw_status extract_body(struct nw_extractor *ex, myhtml_tree_node_t *root, size_t *chars)
{
    enum nw_status result = walk(ex, root);
    *chars = 0;
    if (result)
        return result;
    block_links(ex);
    if (rule_on(ex, NW_EXTRACT_RULE_CONTROL_BOXES))
        mark_control_boxes(ex);
    if (rule_on(ex, NW_EXTRACT_RULE_AUTHOR_BOXES))
        mark_author_boxes(ex);
    settle_drops(ex);
    score_blocks(ex);
    ex->lone_article = 0;
    int top = pick_candidate(ex);
    if (top < 0) {
        nw_buf_reset(&ex->out);
        return NW_OK;
    }
    if (getenv("NWX_DEBUG")) {
        size_t n = 0;
        const char *nm = nw_html_tag_name(ex->html, ex->elems[top].node, &n);
        fprintf(stderr, "top %d <%.*s> %s score %.1f text %zu\n", top, (int)n, nm,
                class_id(ex, ex->elems[top].node), ex->elems[top].score, ex->elems[top].text);
    }
    mark_included(ex, top);
    return assemble(ex, top, chars);
}

/* Tags that the parser keeps open until an explicit end tag (no void elements, none of the
 * ones that an opening sibling closes implicitly). */
static int nests(const char *name, size_t len)
{
    /* by length, so that the scan over every tag of a page costs one short compare */
    static const char *const flat[9][14] = {
        [1] = {"p", NULL},
        [2] = {"br", "hr", "li", "dt", "dd", "tr", "td", "th", "rb", "rt", "rp", NULL},
        [3] = {"col", "img", "wbr", NULL},
        [4] = {"area", "base", "link", "meta", "html", "head", "body", NULL},
        [5] = {"embed", "input", "param", "track", "thead", "tbody", "tfoot", "frame", "image",
               NULL},
        [6] = {"source", "option", "keygen", NULL},
        [7] = {"caption", "bgsound", "isindex", NULL},
        [8] = {"optgroup", "colgroup", "basefont", NULL},
    };
    char lower[8];
    if (len == 0 || len >= sizeof(flat) / sizeof(flat[0]))
        return 1;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        lower[i] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
    }
    for (size_t i = 0; flat[len][i]; i++)
        if (memcmp(lower, flat[len][i], len) == 0)
            return 0;
    return 1;
}

/* MyHTML's tree builder checks element scopes by walking its stack of open elements, so
 * markup nested tens of thousands deep costs quadratic time. A cheap scan estimates the
 * nesting (start tags minus end tags that the parser keeps open) and returns the offset
 * where it first passes NW_EXTRACT_PARSE_DEPTH, or len. Script, style and comments are
 * skipped; the estimate only ever shortens a page that is nested absurdly deep. */
#define NW_EXTRACT_PARSE_DEPTH 4096
static size_t nesting_cut(const char *html, size_t len)
{
    long depth = 0;
    const char *p = html, *end = html + len;
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt || lt + 1 >= end)
            break;
        p = lt + 1;
        if (*p == '!') {
            if (end - p >= 3 && p[1] == '-' && p[2] == '-') {
                const char *q = p + 3;
                while (q + 2 < end && !(q[0] == '-' && q[1] == '-' && q[2] == '>'))
                    q++;
                p = q;
            }
            continue;
        }
        int closing = *p == '/';
        if (closing)
            p++;
        const char *name = p;
        while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                           (*p >= '0' && *p <= '9') || *p == '-'))
            p++;
        size_t nlen = (size_t)(p - name);
        if (nlen == 0 ||
            !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
            continue;
        const char *gt = memchr(p, '>', (size_t)(end - p));
        if (!gt)
            break;
        int self_closing = gt > p && gt[-1] == '/';
        p = gt + 1;
        int raw = !closing && ((nlen == 6 && strncasecmp(name, "script", 6) == 0) ||
                               (nlen == 5 && strncasecmp(name, "style", 5) == 0) ||
                               (nlen == 8 && strncasecmp(name, "textarea", 8) == 0));
        if (raw) {
            /* skip to the matching end tag */
            while (p < end) {
                const char *q = memchr(p, '<', (size_t)(end - p));
                if (!q || q + 2 + nlen > end) {
                    p = end;
                    break;
                }
                p = q + 1;
                if (*p == '/' && strncasecmp(p + 1, name, nlen) == 0)
                    break;
            }
            continue;
        }
        if (!nests(name, nlen) || self_closing)
            continue;
        if (closing) {
            if (depth > 0)
                depth--;
        } else if (++depth > NW_EXTRACT_PARSE_DEPTH) {
            return (size_t)(lt - html);
        }
    }
    return len;
}

enum nw_status nw_extractor_run(struct nw_extractor *ex, const char *html, size_t len,
                                const char *base_url, const char *fetched_at,
                                struct nw_article *art, char *errstr, size_t errstr_size)
{
    enum nw_status result = NW_OK;
    if (!ex || !art || (!html && len))
        return nw_fail(NW_EINVAL, errstr, errstr_size, "extract: bad arguments");
    if (len > ex->opts.max_html_bytes) {
        char note[96];
        snprintf(note, sizeof(note), "html truncated at %zu bytes", ex->opts.max_html_bytes);
        len = ex->opts.max_html_bytes;
        /* do not cut a UTF-8 sequence in half */
        while (len > 0 && ((unsigned char)html[len] & 0xC0) == 0x80)
            len--;
        result = nw_article_warn(art, note);
        if (result)
            goto out;
    }
    size_t cut = nesting_cut(html, len);
    if (cut < len) {
        char note[128];
        snprintf(note, sizeof(note), "html nested deeper than %d elements: truncated at %zu bytes",
                 NW_EXTRACT_PARSE_DEPTH, cut);
        len = cut;
        result = nw_article_warn(art, note);
        if (result)
            goto out;
    }
    result = nw_html_parse(ex->html, html, len);
    if (result) {
        nw_fail(result, errstr, errstr_size, "extract: HTML parser failed");
        goto out;
    }
    result = nw_meta_extract(ex->html, base_url, fetched_at, ex->opts.max_depth, art);
    if (result) {
        nw_fail(result, errstr, errstr_size, "extract: out of memory (metadata)");
        goto out;
    }
    ex->page_title = art->title;
    myhtml_tree_node_t *root = nw_html_body(ex->html);
    if (!root)
        root = nw_html_root(ex->html);
    size_t chars = 0;
    if (root) {
        /* Class-based removal may take the article with the furniture (a wrapper named
         * "content-with-sidebar"): when a pass finds too little, retry with fewer rules. */
        /* The last passes keep a furniture tag that holds most of the running text (an
         * unclosed <header> or <noscript> swallowing the page): only when the others
         * found too little. */
        static const int passes[][2] = {{2, 0}, {1, 0}, {0, 0}, {2, 1}, {0, 1}};
        size_t npasses = rule_on(ex, NW_EXTRACT_RULE_WRAPPER_DROPS) ? 5 : 3;
        for (size_t pass = 0; pass < npasses && !result; pass++) {
            int level = passes[pass][0];
            ex->strict = level;
            ex->wrappers = passes[pass][1];
            size_t got = 0;
            struct nw_buf keep = ex->out;
            nw_buf_init(&ex->out, NW_EXTRACT_TEXT_MAX);
            result = extract_body(ex, root, &got);
            if (getenv("NWX_DEBUG"))
                fprintf(stderr, "level %d chars %zu\n", level, got);
            if (!result && got > chars) {
                nw_buf_fini(&keep);
                chars = got;
            } else {
                nw_buf_fini(&ex->out);
                ex->out = keep;
            }
            if (chars >= 250 || !rule_on(ex, NW_EXTRACT_RULE_RETRY))
                break;
        }
        if (result) {
            nw_fail(result, errstr, errstr_size, "extract: %s", nw_status_message(result));
            goto out;
        }
    }
    if (chars == 0) {
        result = nw_article_set(&art->text, NULL);
        if (!result)
            result = nw_fail(NW_ENOCONTENT, errstr, errstr_size, "extract: no article text");
        goto out;
    }
    result = nw_article_setn(&art->text, ex->out.data, ex->out.len);
    if (result)
        nw_fail(result, errstr, errstr_size, "extract: out of memory");
out:
    return result;
}
