/*
 * meta.c — article metadata from several sources per field (the order is documented in
 * meta.h). One bounded walk over the document gathers the candidates (meta tags, links,
 * JSON-LD blocks, microdata, <time>, bylines, headings), then each field takes the first
 * source that has a usable value.
 */
#include "meta.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "dates.h"
#include "mem.h"

#define META_MAX_TAGS 512
#define META_MAX_JSONLD 16
#define META_JSONLD_MAX_BYTES (1024u * 1024u)
#define META_TEXT_MAX 4096

struct meta_tag {
    const char *key; /* property / name / itemprop / http-equiv, borrowed */
    size_t key_len;
    const char *value;
    size_t value_len;
};

struct meta_ctx {
    struct nw_html *html;
    struct meta_tag tags[META_MAX_TAGS];
    size_t ntags;
    json_t *ld[META_MAX_JSONLD]; /* parsed JSON-LD blocks (owned) */
    size_t nld;
    json_t *article; /* borrowed from ld: the Article-like object */
    json_t *any_obj; /* borrowed: the first typed object (fallback) */
    const char *canonical;
    size_t canonical_len;
    const char *lang;
    size_t lang_len;
    myhtml_tree_node_t *title_el;
    myhtml_tree_node_t *h1;
    myhtml_tree_node_t *time_el;
    myhtml_tree_node_t *itemprop_author;
    myhtml_tree_node_t *itemprop_headline;
    myhtml_tree_node_t *byline;
    myhtml_tree_node_t *rel_author;
    int max_depth;
};

/* ---- small string helpers ---- */

static int eq_ci(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    return alen == blen && strncasecmp(a, b, blen) == 0;
}

static int starts_ci(const char *a, size_t alen, const char *prefix)
{
    size_t plen = strlen(prefix);
    return alen >= plen && strncasecmp(a, prefix, plen) == 0;
}

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static const char *meta_get(const struct meta_ctx *mc, const char *key, size_t *len)
{
    for (size_t i = 0; i < mc->ntags; i++) {
        const struct meta_tag *t = &mc->tags[i];
        if (t->value_len && eq_ci(t->key, t->key_len, key)) {
            *len = t->value_len;
            return t->value;
        }
    }
    return NULL;
}

/* Sets *field from s (len bytes) with white space collapsed and trimmed; empty = unset.
 * Returns NW_OK also when nothing was set; *set tells. */
static enum nw_status set_clean(char **field, const char *s, size_t len, int *set)
{
    struct nw_buf b;
    enum nw_status result = NW_OK;
    *set = 0;
    if (!s || !len)
        return NW_OK;
    nw_buf_init(&b, META_TEXT_MAX * 4);
    result = nw_html_append_collapsed(&b, s, len);
    if (result == NW_ETOOBIG)
        result = NW_OK;
    if (result)
        goto out;
    nw_html_rtrim(&b);
    const char *p = nw_buf_str(&b);
    while (*p == ' ')
        p++;
    if (*p) {
        result = nw_article_set(field, p);
        *set = !result;
    }
out:
    nw_buf_fini(&b);
    return result;
}

/* Text of an element, collapsed, into b (reset first). */
static enum nw_status node_text(myhtml_tree_node_t *node, struct nw_buf *b, int max_depth)
{
    nw_buf_reset(b);
    enum nw_status result = nw_html_collect_text(node, b, max_depth);
    if (result == NW_ETOOBIG)
        result = NW_OK;
    nw_html_rtrim(b);
    return result;
}

/* ---- the gathering walk ---- */

static int attr_is(myhtml_tree_node_t *node, const char *key, const char *value)
{
    size_t len = 0;
    const char *v = nw_html_attr(node, key, &len);
    return v && eq_ci(v, len, value);
}

/* needle (lower case, no NUL) anywhere in v[0, len), ASCII case-insensitively; the
 * first byte is tested inline, as most positions fail there. */
static int has_ci(const char *v, size_t len, const char *needle)
{
    size_t nlen = strlen(needle);
    unsigned char first = (unsigned char)needle[0];
    unsigned char upper = first >= 'a' && first <= 'z' ? (unsigned char)(first - 32) : first;
    for (size_t i = 0; nlen && i + nlen <= len; i++) {
        unsigned char c = (unsigned char)v[i];
        if ((c == first || c == upper) && strncasecmp(v + i + 1, needle + 1, nlen - 1) == 0)
            return 1;
    }
    return 0;
}

/* The attributes the walk reads on every element, from one pass over its list (the
 * first occurrence of each wins, as nw_html_attr finds it). */
struct meta_attrs {
    const char *itemprop, *content, *datetime, *cls, *rel;
    size_t itemprop_len, content_len, datetime_len, cls_len, rel_len;
};

static void gather_attrs(myhtml_tree_node_t *node, struct meta_attrs *a)
{
    memset(a, 0, sizeof(*a));
    for (myhtml_tree_attr_t *at = myhtml_node_attribute_first(node); at;
         at = myhtml_attribute_next(at)) {
        size_t klen = 0, vlen = 0;
        const char *key = myhtml_attribute_key(at, &klen), *value;
        const char **slot = NULL;
        size_t *slot_len = NULL;
        if (!key)
            continue;
        if (klen == 8 && strncasecmp(key, "itemprop", 8) == 0) {
            slot = &a->itemprop;
            slot_len = &a->itemprop_len;
        } else if (klen == 7 && strncasecmp(key, "content", 7) == 0) {
            slot = &a->content;
            slot_len = &a->content_len;
        } else if (klen == 8 && strncasecmp(key, "datetime", 8) == 0) {
            slot = &a->datetime;
            slot_len = &a->datetime_len;
        } else if (klen == 5 && strncasecmp(key, "class", 5) == 0) {
            slot = &a->cls;
            slot_len = &a->cls_len;
        } else if (klen == 3 && strncasecmp(key, "rel", 3) == 0) {
            slot = &a->rel;
            slot_len = &a->rel_len;
        }
        if (!slot || *slot)
            continue;
        value = myhtml_attribute_value(at, &vlen);
        if (!value) {
            value = "";
            vlen = 0;
        }
        *slot = value;
        *slot_len = vlen;
    }
}

/* A byline element: class "byline" or "author-name", or rel=author. */
static int is_byline_el(const struct meta_attrs *a)
{
    if (a->cls &&
        (has_ci(a->cls, a->cls_len, "byline") || has_ci(a->cls, a->cls_len, "author-name")))
        return 1;
    return a->rel && eq_ci(a->rel, a->rel_len, "author");
}

static void add_tag(struct meta_ctx *mc, const char *key, size_t key_len, const char *value,
                    size_t value_len)
{
    if (mc->ntags >= META_MAX_TAGS || !key || !value)
        return;
    mc->tags[mc->ntags++] = (struct meta_tag){key, key_len, value, value_len};
}

static int is_article_type(json_t *type)
{
    static const char *const types[] = {
        "NewsArticle",
        "Article",
        "BlogPosting",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "TechArticle",
        "ScholarlyArticle",
        "LiveBlogPosting",
        "Report",
        "SocialMediaPosting",
        "Review",
        NULL,
    };
    if (json_is_array(type)) {
        size_t i;
        json_t *t;
        json_array_foreach(type, i, t) if (is_article_type(t)) return 1;
        return 0;
    }
    const char *s = json_string_value(type);
    if (!s)
        return 0;
    for (size_t i = 0; types[i]; i++)
        if (strcasecmp(s, types[i]) == 0)
            return 1;
    return 0;
}

/* Finds the article object in a JSON-LD value (arrays, @graph), bounded in depth. */
static void find_article(struct meta_ctx *mc, json_t *v, int depth)
{
    if (!v || depth > 8 || mc->article)
        return;
    if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            if (i >= 256)
                break;
            find_article(mc, item, depth + 1);
        }
        return;
    }
    if (!json_is_object(v))
        return;
    json_t *type = json_object_get(v, "@type");
    if (is_article_type(type)) {
        mc->article = v;
        return;
    }
    if (type && !mc->any_obj) {
        const char *t = json_string_value(type);
        if (t && (strcasecmp(t, "WebPage") == 0 || strcasecmp(t, "ItemPage") == 0))
            mc->any_obj = v;
    }
    find_article(mc, json_object_get(v, "@graph"), depth + 1);
    json_t *main = json_object_get(v, "mainEntity");
    if (json_is_object(main))
        find_article(mc, main, depth + 1);
}

static void gather_jsonld(struct meta_ctx *mc, myhtml_tree_node_t *script)
{
    if (mc->nld >= META_MAX_JSONLD)
        return;
    myhtml_tree_node_t *child = myhtml_node_child(script);
    size_t len = 0;
    const char *text = child ? nw_html_text(child, &len) : NULL;
    if (!text || len == 0 || len > META_JSONLD_MAX_BYTES)
        return;
    json_error_t err;
    json_t *v = json_loadb(text, len, JSON_DECODE_ANY, &err);
    if (!v)
        return;
    mc->ld[mc->nld++] = v;
}

static void gather(struct meta_ctx *mc, myhtml_tree_node_t *root)
{
    int depth = 0;
    myhtml_tree_node_t *node = root;
    while (node) {
        myhtml_tag_id_t tag = nw_html_tag(node);
        int skip = 0;
        size_t len = 0, vlen = 0;
        const char *v;
        switch (tag) {
        case MyHTML_TAG_HTML:
            v = nw_html_attr(node, "lang", &len);
            if (!v)
                v = nw_html_attr(node, "xml:lang", &len);
            if (v && len) {
                mc->lang = v;
                mc->lang_len = len;
            }
            break;
        case MyHTML_TAG_META: {
            const char *content = nw_html_attr(node, "content", &vlen);
            if (!content)
                break;
            if ((v = nw_html_attr(node, "property", &len)) != NULL)
                add_tag(mc, v, len, content, vlen);
            if ((v = nw_html_attr(node, "name", &len)) != NULL)
                add_tag(mc, v, len, content, vlen);
            if ((v = nw_html_attr(node, "itemprop", &len)) != NULL)
                add_tag(mc, v, len, content, vlen);
            if ((v = nw_html_attr(node, "http-equiv", &len)) != NULL)
                add_tag(mc, v, len, content, vlen);
            break;
        }
        case MyHTML_TAG_LINK:
            if (nw_html_attr_has_word(node, "rel", "canonical") && !mc->canonical) {
                v = nw_html_attr(node, "href", &len);
                if (v && len) {
                    mc->canonical = v;
                    mc->canonical_len = len;
                }
            }
            if ((v = nw_html_attr(node, "itemprop", &len)) != NULL) {
                const char *href = nw_html_attr(node, "href", &vlen);
                if (href)
                    add_tag(mc, v, len, href, vlen);
            }
            break;
        case MyHTML_TAG_SCRIPT:
            if (attr_is(node, "type", "application/ld+json"))
                gather_jsonld(mc, node);
            skip = 1; /* never read dates or text from scripts */
            break;
        case MyHTML_TAG_STYLE:
        case MyHTML_TAG_NOSCRIPT:
        case MyHTML_TAG_TEMPLATE:
            skip = 1;
            break;
        case MyHTML_TAG_TITLE:
            if (!mc->title_el)
                mc->title_el = node;
            skip = 1;
            break;
        case MyHTML_TAG_H1:
            if (!mc->h1)
                mc->h1 = node;
            break;
        case MyHTML_TAG_TIME:
            if (!mc->time_el && nw_html_attr(node, "datetime", NULL))
                mc->time_el = node;
            break;
        case MyHTML_TAG_A:
            if (!mc->rel_author && nw_html_attr_has_word(node, "rel", "author"))
                mc->rel_author = node;
            break;
        default:
            break;
        }
        if (tag != MyHTML_TAG__TEXT && tag != MyHTML_TAG_META && tag != MyHTML_TAG_LINK) {
            struct meta_attrs a;
            gather_attrs(node, &a);
            if (a.itemprop && a.itemprop_len) {
                const char *content = a.content;
                vlen = a.content_len;
                if (!content && tag == MyHTML_TAG_TIME) {
                    content = a.datetime;
                    vlen = a.datetime_len;
                }
                v = a.itemprop;
                len = a.itemprop_len;
                if (content)
                    add_tag(mc, v, len, content, vlen);
                else if (eq_ci(v, len, "author") && !mc->itemprop_author)
                    mc->itemprop_author = node;
                else if (eq_ci(v, len, "headline") && !mc->itemprop_headline)
                    mc->itemprop_headline = node;
            }
            if (!mc->byline && tag != MyHTML_TAG_BODY && tag != MyHTML_TAG_HTML && is_byline_el(&a))
                mc->byline = node;
        }
        node = nw_html_next(root, node, &depth, mc->max_depth, skip);
    }
    for (size_t i = 0; i < mc->nld && !mc->article; i++)
        find_article(mc, mc->ld[i], 0);
}

/* ---- JSON-LD accessors ---- */

static const char *ld_str(json_t *obj, const char *key)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;
    if (json_is_array(v))
        v = json_array_get(v, 0);
    if (json_is_object(v)) {
        json_t *inner = json_object_get(v, "name");
        if (!inner)
            inner = json_object_get(v, "@id");
        if (!inner)
            inner = json_object_get(v, "url");
        v = inner;
    }
    return json_string_value(v);
}

/* ---- dates (dates.c) ---- */

int nw_meta_parse_date(const char *s, size_t len, char *out, size_t out_size)
{
    struct nw_date d;
    if (!s || out_size < 26 || nw_dates_parse(s, len, &d) != 0)
        return -1;
    nw_dates_format(&d, out, out_size);
    return 0;
}

/* ---- URLs ---- */

char *nw_meta_resolve_url(const char *base, const char *ref, size_t ref_len)
{
    char *result = NULL;
    char *refz = NULL;
    char *full = NULL;
    CURLU *u = NULL;
    if (!ref || ref_len == 0 || ref_len > 8192)
        return NULL;
    refz = nw_malloc(ref_len + 1);
    if (!refz)
        return NULL;
    /* trim and drop control characters / spaces at the ends */
    size_t a = 0, b = ref_len;
    while (a < b && is_ws((unsigned char)ref[a]))
        a++;
    while (b > a && is_ws((unsigned char)ref[b - 1]))
        b--;
    memcpy(refz, ref + a, b - a);
    refz[b - a] = '\0';
    if (!*refz || memchr(refz, '\0', b - a))
        goto out;
    u = curl_url();
    if (!u)
        goto out;
    if (strncmp(refz, "//", 2) == 0) {
        /* protocol-relative: take the base's scheme if it is http(s), else https */
        const char *scheme = (base && strncasecmp(base, "http:", 5) == 0) ? "http:" : "https:";
        size_t need = strlen(scheme) + strlen(refz) + 1;
        full = nw_malloc(need);
        if (!full)
            goto out;
        snprintf(full, need, "%s%s", scheme, refz);
        if (curl_url_set(u, CURLUPART_URL, full, CURLU_URLENCODE) != CURLUE_OK)
            goto out;
    } else if (curl_url_set(u, CURLUPART_URL, refz, CURLU_URLENCODE) != CURLUE_OK) {
        /* relative: resolve against the base */
        if (!base || curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
            curl_url_set(u, CURLUPART_URL, refz, CURLU_URLENCODE) != CURLUE_OK)
            goto out;
    }
    char *scheme = NULL;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
        goto out;
    int ok = strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0;
    curl_free(scheme);
    if (!ok)
        goto out;
    char *s = NULL;
    if (curl_url_get(u, CURLUPART_URL, &s, 0) != CURLUE_OK)
        goto out;
    result = nw_strdup(s);
    curl_free(s);
out:
    if (u)
        curl_url_cleanup(u);
    nw_free(refz);
    nw_free(full);
    return result;
}

/* ---- title ---- */

static int word_count(const char *s, size_t len)
{
    int n = 0, in = 0;
    for (size_t i = 0; i < len; i++) {
        if (is_ws((unsigned char)s[i])) {
            in = 0;
        } else if (!in) {
            in = 1;
            n++;
        }
    }
    return n;
}

static int same_site(const char *part, size_t len, const char *site, const char *host)
{
    while (len && is_ws((unsigned char)part[len - 1]))
        len--;
    while (len && is_ws((unsigned char)*part)) {
        part++;
        len--;
    }
    if (!len)
        return 0;
    if (site && eq_ci(part, len, site))
        return 1;
    if (host) {
        /* "Example.com" / "The Example" against www.example.com */
        const char *h = strncasecmp(host, "www.", 4) == 0 ? host + 4 : host;
        if (eq_ci(part, len, h))
            return 1;
        size_t hl = strcspn(h, ".");
        char comp[128];
        size_t n = 0;
        for (size_t i = 0; i < len && n + 1 < sizeof(comp); i++)
            if (part[i] != ' ' && part[i] != '\'' && part[i] != '-')
                comp[n++] = part[i];
        comp[n] = '\0';
        if (n && hl == n && strncasecmp(comp, h, n) == 0)
            return 1;
        if (n > 3 && strncasecmp(comp, "the", 3) == 0 && hl == n - 3 &&
            strncasecmp(comp + 3, h, n - 3) == 0)
            return 1;
    }
    return 0;
}

/* Cuts " | Site" suffixes and "Site | " prefixes. from_title_tag: <title> may carry
 * a short suffix that is not the exact site name ("... - Sports"). */
static void clean_title(char *title, const char *site, const char *host, int from_title_tag)
{
    static const char *const seps[] = {
        " | ", " - ", " – ", " — ", " :: ", " · ", " • ", " « ", " » ", NULL};
    for (int round = 0; round < 3; round++) {
        size_t len = strlen(title);
        int cut = 0;
        for (size_t k = 0; seps[k] && !cut; k++) {
            size_t sl = strlen(seps[k]);
            /* suffix: last separator */
            const char *last = NULL;
            for (const char *p = strstr(title, seps[k]); p; p = strstr(p + 1, seps[k]))
                last = p;
            if (last) {
                const char *suf = last + sl;
                size_t suf_len = len - (size_t)(suf - title);
                size_t pre_len = (size_t)(last - title);
                int short_suffix = word_count(suf, suf_len) <= 4 &&
                                   word_count(title, pre_len) >= 4 && from_title_tag &&
                                   strcmp(seps[k], " | ") == 0;
                if (same_site(suf, suf_len, site, host) || short_suffix) {
                    title[pre_len] = '\0';
                    cut = 1;
                    break;
                }
            }
            const char *first = strstr(title, seps[k]);
            if (first && same_site(title, (size_t)(first - title), site, host)) {
                memmove(title, first + sl, strlen(first + sl) + 1);
                cut = 1;
            }
        }
        if (!cut)
            break;
    }
}

/* ---- authors ---- */

static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return 0;
}

static int has_letter(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
            (unsigned char)s[i] >= 0x80)
            return 1;
    return 0;
}

/* Words that open a byline ("By", "Par", "Von", "Por", "Di", ...), followed by a space or
 * a colon. min_words: how many words must follow for the prefix to be cut (a short word
 * like "Di" or "Von" can also begin a surname). */
static const struct {
    const char *word;
    int min_words;
} byline_prefixes[] = {
    {"written by", 1}, {"posted by", 1}, {"reporting by", 1}, {"text by", 1}, {"by", 1},
    {"par", 2},        {"von", 2},       {"por", 2},          {"di", 2},      {"door", 2},
    {"av", 2},         {"autor", 1},     {"autorin", 1},      {"author", 1},  {"auteur", 1},
    {"autore", 1},     {"text", 1},      {"texto", 1},        {"testo", 1},   {NULL, 0},
};

/* Cuts byline prefixes from the start of p (at most two, "Text: von X"). */
static char *strip_byline_prefix(char *p)
{
    for (int round = 0; round < 2; round++) {
        int cut = 0;
        for (size_t k = 0; byline_prefixes[k].word && !cut; k++) {
            size_t n = strlen(byline_prefixes[k].word);
            if (strncasecmp(p, byline_prefixes[k].word, n) != 0 || (p[n] != ' ' && p[n] != ':'))
                continue;
            char *rest = p + n;
            while (*rest == ' ' || *rest == ':')
                rest++;
            if (word_count(rest, strlen(rest)) < byline_prefixes[k].min_words)
                continue;
            p = rest;
            cut = 1;
        }
        if (!cut)
            break;
    }
    return p;
}

/* Job titles and other words that make a byline part a role, not a name. */
static int is_role(const char *name)
{
    static const char *const roles[] = {"staff",
                                        "contributor",
                                        "editor",
                                        "email the author",
                                        "writer",
                                        "reporter",
                                        "correspondent",
                                        "columnist",
                                        "photographer",
                                        "redakteur",
                                        "redaktion",
                                        "korrespondent",
                                        "journalist",
                                        "rédaction",
                                        "redacción",
                                        "redazione",
                                        "agency",
                                        "updated",
                                        "published",
                                        "aktualisiert",
                                        "min read",
                                        "read more",
                                        "follow",
                                        "comment",
                                        "kommentar",
                                        "uncategorized",
                                        NULL};
    for (size_t k = 0; roles[k]; k++)
        if (contains_ci(name, roles[k]))
            return 1;
    return 0;
}

/* 1 if s (len bytes) is only initials: "J", "J.", "J. R.", "JR" (at most 3 letters). */
static int only_initials(const char *s, size_t len)
{
    size_t letters = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.' || c == ' ' || c == '-')
            continue;
        if (!((c >= 'A' && c <= 'Z')))
            return 0;
        letters++;
    }
    return letters >= 1 && letters <= 3;
}

/* 1 if some word of name has at least two letters ("J J" has none). */
static int has_long_word(const char *name)
{
    size_t run = 0;
    for (const char *p = name;; p++) {
        unsigned char c = (unsigned char)*p;
        if (c && c != ' ' && c != '.' && c != '-' && c != '\'') {
            if (++run >= 2)
                return 1;
        } else {
            run = 0;
        }
        if (!c)
            return 0;
    }
}

/* Offset of the first separator between author names in p (strlen(p) if none); *skip
 * receives its length. */
static size_t next_author_sep(const char *p, size_t *skip)
{
    static const char *const seps[] = {",",    " and ", " & ", ";",    " | ", " und ", " y ",
                                       " et ", " e ",   " i ", " og ", " и ", " - ",   " – ",
                                       " — ",  " / ",   "、",  " · ",  " • ", NULL};
    size_t cut = strlen(p);
    *skip = 0;
    for (size_t k = 0; seps[k]; k++) {
        const char *q = strstr(p, seps[k]);
        if (q && (size_t)(q - p) < cut) {
            cut = (size_t)(q - p);
            *skip = strlen(seps[k]);
        }
    }
    return cut;
}

/* Adds one cleaned name (or several) to arr. A byline prefix ("By", "Par", "Von", "Por",
 * "Di"...) is cut; names are split at ",", ";", " and ", "&", " und ", " y ", " et ",
 * " e ", " i ", " og ", " и ", "|", " - " and the like, but a "Surname, Initial" pair stays
 * one name; parts that are roles, e-mails, URLs, dates or lone initials are dropped. */
static enum nw_status add_author(json_t *arr, const char *s, size_t len)
{
    enum nw_status result = NW_OK;
    struct nw_buf b;
    nw_buf_init(&b, 1024);
    if (!s || len == 0 || len > 1000)
        goto out;
    result = nw_html_append_collapsed(&b, s, len);
    if (result)
        goto out;
    nw_html_rtrim(&b);
    char *p = b.data;
    while (*p == ' ')
        p++;
    p = strip_byline_prefix(p);
    while (*p == ' ')
        p++;
    /* split at separators */
    for (int parts = 0; *p && parts < 64; parts++) {
        size_t n = strlen(p), skip = 0;
        size_t cut = next_author_sep(p, &skip);
        /* "Surname, J." stays one name */
        if (cut < n && p[cut] == ',' && word_count(p, cut) == 1) {
            const char *next = p + cut + 1;
            size_t skip2 = 0, nl = next_author_sep(next, &skip2);
            size_t lead = 0;
            while (lead < nl && next[lead] == ' ')
                lead++;
            size_t tl = nl;
            while (tl > lead && next[tl - 1] == ' ')
                tl--;
            if (only_initials(next + lead, tl - lead)) {
                cut = (size_t)(next - p) + nl;
                skip = skip2;
            }
        }
        char name[256];
        size_t a = 0, e = cut;
        while (a < e && p[a] == ' ')
            a++;
        /* trailing spaces, dashes and dots, but not the dot of a final initial ("Smith, J.") */
        for (int trimmed = 1; trimmed && e > a;) {
            trimmed = 0;
            if (p[e - 1] == ' ' || p[e - 1] == '-' || p[e - 1] == '|' ||
                (p[e - 1] == '.' && !(e - a >= 2 && p[e - 2] >= 'A' && p[e - 2] <= 'Z' &&
                                      (e - a == 2 || p[e - 3] == ' ' || p[e - 3] == '.')))) {
                e--;
                trimmed = 1;
            } else if (e - a >= 3 && (unsigned char)p[e - 3] == 0xE2 &&
                       (unsigned char)p[e - 2] == 0x80 &&
                       ((unsigned char)p[e - 1] == 0x93 || (unsigned char)p[e - 1] == 0x94)) {
                e -= 3; /* an en or em dash */
                trimmed = 1;
            }
        }
        if (e - a < sizeof(name)) {
            memcpy(name, p + a, e - a);
            name[e - a] = '\0';
            int digits = 0;
            for (size_t i = 0; name[i]; i++)
                digits |= name[i] >= '0' && name[i] <= '9';
            /* a name begins with a capital, or with a particle (von, de, van...) */
            static const char *const particles[] = {
                "von ", "van ", "de ",  "di ",  "da ", "del ", "der ", "den ", "le ",  "la ", "du ",
                "dos ", "das ", "ten ", "ter ", "zu ", "al ",  "el ",  "bin ", "ibn ", NULL};
            /* (a single lower-case word is a handle, "jdoe", and is kept) */
            int lower = name[0] >= 'a' && name[0] <= 'z' && word_count(name, e - a) > 1;
            for (size_t k = 0; lower && particles[k]; k++)
                if (strncmp(name, particles[k], strlen(particles[k])) == 0)
                    lower = 0;
            int bad = e == a || lower || strchr(name, '@') || strncasecmp(name, "http", 4) == 0 ||
                      digits || is_role(name) || !has_letter(name, e - a) || !has_long_word(name) ||
                      word_count(name, e - a) > 5;
            if (!bad) {
                int dup = 0;
                size_t i;
                json_t *x;
                json_array_foreach(arr, i, x) if (strcasecmp(json_string_value(x), name) == 0) dup =
                    1;
                if (!dup && json_array_size(arr) < 32 &&
                    json_array_append_new(arr, json_string(name)) != 0) {
                    result = NW_ENOMEM;
                    goto out;
                }
            }
        }
        if (cut >= n)
            break;
        p += cut + skip;
    }
out:
    nw_buf_fini(&b);
    return result;
}

/* The name of the first Organization among JSON-LD authors, or NULL (borrowed). */
static const char *ld_org_author(json_t *v, int depth)
{
    if (!v || depth > 3)
        return NULL;
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            const char *s = i < 32 ? ld_org_author(x, depth + 1) : NULL;
            if (s)
                return s;
        }
        return NULL;
    }
    const char *t = json_string_value(json_object_get(v, "@type"));
    if (t && (strcasecmp(t, "Organization") == 0 || strcasecmp(t, "NewsMediaOrganization") == 0))
        return json_string_value(json_object_get(v, "name"));
    return NULL;
}

static enum nw_status ld_authors(json_t *arr, json_t *v, int depth)
{
    enum nw_status result = NW_OK;
    if (!v || depth > 3)
        return NW_OK;
    if (json_is_string(v))
        return add_author(arr, json_string_value(v), json_string_length(v));
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            if (i >= 32)
                break;
            result = ld_authors(arr, x, depth + 1);
            if (result)
                return result;
        }
        return NW_OK;
    }
    if (json_is_object(v)) {
        json_t *type = json_object_get(v, "@type");
        const char *t = json_string_value(type);
        if (t &&
            (strcasecmp(t, "Organization") == 0 || strcasecmp(t, "NewsMediaOrganization") == 0))
            return NW_OK;
        json_t *name = json_object_get(v, "name");
        if (json_is_string(name))
            return add_author(arr, json_string_value(name), json_string_length(name));
    }
    return NW_OK;
}

/* ---- tags ---- */

static enum nw_status add_tags(json_t *arr, const char *s, size_t len, int split)
{
    size_t i = 0;
    while (i < len && json_array_size(arr) < 64) {
        size_t start = i;
        while (i < len && (!split || s[i] != ','))
            i++;
        size_t a = start, e = i;
        while (a < e && is_ws((unsigned char)s[a]))
            a++;
        while (e > a && is_ws((unsigned char)s[e - 1]))
            e--;
        if (e > a && e - a < 200) {
            int dup = 0;
            size_t k;
            json_t *x;
            json_array_foreach(arr, k, x)
            {
                const char *xs = json_string_value(x);
                if (strlen(xs) == e - a && strncasecmp(xs, s + a, e - a) == 0)
                    dup = 1;
            }
            if (!dup && json_array_append_new(arr, json_stringn(s + a, e - a)) != 0)
                return NW_ENOMEM;
        }
        i++;
    }
    return NW_OK;
}

/* ---- the fields ---- */

static enum nw_status fill(struct meta_ctx *mc, const char *base_url, const char *fetched_at,
                           struct nw_article *art)
{
    enum nw_status result = NW_OK;
    struct nw_buf tb;
    json_t *authors = NULL, *tags = NULL;
    char *host = NULL;
    const char *v;
    size_t len = 0;
    int set = 0;
    json_t *ld = mc->article ? mc->article : mc->any_obj;
    nw_buf_init(&tb, META_TEXT_MAX);

    /* host of the page, for title suffixes */
    if (base_url) {
        CURLU *u = curl_url();
        char *h = NULL;
        if (u && curl_url_set(u, CURLUPART_URL, base_url, 0) == CURLUE_OK &&
            curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
            host = nw_strdup(h);
            curl_free(h);
        }
        if (u)
            curl_url_cleanup(u);
    }

    /* site_name */
    static const char *const site_keys[] = {"og:site_name", "application-name",
                                            "apple-mobile-web-app-title", NULL};
    for (size_t k = 0; site_keys[k] && !set; k++)
        if ((v = meta_get(mc, site_keys[k], &len)) != NULL)
            if ((result = set_clean(&art->site_name, v, len, &set)))
                goto out;
    if (!set && ld) {
        json_t *pub = json_object_get(ld, "publisher");
        const char *s = ld_str(pub ? ld : NULL, "publisher");
        if (s && strncasecmp(s, "http", 4) != 0 &&
            (result = set_clean(&art->site_name, s, strlen(s), &set)))
            goto out;
    }

    /* canonical_url: link rel=canonical, og:url, JSON-LD url / mainEntityOfPage */
    {
        char *canon = NULL;
        if (mc->canonical)
            canon = nw_meta_resolve_url(base_url, mc->canonical, mc->canonical_len);
        if (!canon && (v = meta_get(mc, "og:url", &len)) != NULL)
            canon = nw_meta_resolve_url(base_url, v, len);
        if (!canon && ld) {
            const char *s = ld_str(ld, "mainEntityOfPage");
            if (!s)
                s = ld_str(ld, "url");
            if (s)
                canon = nw_meta_resolve_url(base_url, s, strlen(s));
        }
        nw_free(art->canonical_url);
        art->canonical_url = canon;
    }

    /* title */
    set = 0;
    {
        int from_tag = 0;
        const char *s = ld ? ld_str(ld, "headline") : NULL;
        if (!s && mc->article)
            s = ld_str(mc->article, "name");
        if (s)
            result = set_clean(&art->title, s, strlen(s), &set);
        static const char *const keys[] = {"og:title", "twitter:title", "title", "headline", NULL};
        for (size_t k = 0; keys[k] && !set && !result; k++)
            if ((v = meta_get(mc, keys[k], &len)) != NULL)
                result = set_clean(&art->title, v, len, &set);
        if (result)
            goto out;
        myhtml_tree_node_t *els[] = {mc->itemprop_headline, mc->h1, mc->title_el};
        for (size_t k = 0; k < 3 && !set; k++) {
            if (!els[k])
                continue;
            if ((result = node_text(els[k], &tb, mc->max_depth)))
                goto out;
            if ((result = set_clean(&art->title, tb.data, tb.len, &set)))
                goto out;
            from_tag = k == 2;
        }
        if (set)
            clean_title(art->title, art->site_name, host, from_tag);
        if (!set)
            nw_article_set(&art->title, NULL);
    }

    /* authors */
    authors = json_array();
    if (!authors) {
        result = NW_ENOMEM;
        goto out;
    }
    if (ld && (result = ld_authors(authors, json_object_get(ld, "author"), 0)))
        goto out;
    if (json_array_size(authors) == 0) {
        static const char *const keys[] = {"author",     "article:author", "byl", "sailthru.author",
                                           "dc.creator", "parsely-author", NULL};
        for (size_t k = 0; keys[k] && json_array_size(authors) == 0; k++) {
            if ((v = meta_get(mc, keys[k], &len)) == NULL)
                continue;
            if (starts_ci(v, len, "http") || memchr(v, '/', len))
                continue;
            if ((result = add_author(authors, v, len)))
                goto out;
        }
    }
    myhtml_tree_node_t *by_els[] = {mc->itemprop_author, mc->rel_author, mc->byline};
    for (size_t k = 0; k < 3 && json_array_size(authors) == 0; k++) {
        if (!by_els[k])
            continue;
        if ((result = node_text(by_els[k], &tb, mc->max_depth)))
            goto out;
        if (tb.len < 200 && (result = add_author(authors, tb.data, tb.len)))
            goto out;
    }
    /* an organisation as author only when no person is named anywhere */
    if (json_array_size(authors) == 0 && ld) {
        const char *org = ld_org_author(json_object_get(ld, "author"), 0);
        if (org && strlen(org) < 200 && !strchr(org, '@') && strncasecmp(org, "http", 4) != 0 &&
            !is_role(org) && json_array_append_new(authors, json_string(org)) != 0) {
            result = NW_ENOMEM;
            goto out;
        }
    }
    json_decref(art->authors);
    art->authors = authors;
    authors = NULL;

    /* dates: dates.c, after canonical_url and declared language are known */
    {
        struct nw_dates_input din = {.html = mc->html,
                                     .jsonld = mc->ld,
                                     .njsonld = mc->nld,
                                     .urls = {art->canonical_url, NULL, base_url},
                                     .fetched_at = fetched_at,
                                     .language = mc->lang,
                                     .max_depth = mc->max_depth};
        struct nw_dates_found found;
        char lang[16];
        char *og = NULL;
        if ((v = meta_get(mc, "og:url", &len)) != NULL)
            og = nw_meta_resolve_url(base_url, v, len);
        din.urls[1] = og;
        if (!mc->lang && (v = meta_get(mc, "og:locale", &len)) != NULL && len < sizeof(lang)) {
            memcpy(lang, v, len);
            lang[len] = '\0';
            din.language = lang;
        } else if (mc->lang && mc->lang_len < sizeof(lang)) {
            memcpy(lang, mc->lang, mc->lang_len);
            lang[mc->lang_len] = '\0';
            din.language = lang;
        }
        nw_dates_find(&din, &found);
        nw_free(og);
        result = nw_article_set(&art->published_at, found.published[0] ? found.published : NULL);
        if (!result)
            result = nw_article_set(&art->modified_at, found.modified[0] ? found.modified : NULL);
        if (result)
            goto out;
    }

    /* description */
    set = 0;
    {
        static const char *const keys[] = {"og:description", "description", "twitter:description",
                                           NULL};
        for (size_t k = 0; keys[k] && !set; k++)
            if ((v = meta_get(mc, keys[k], &len)) != NULL &&
                (result = set_clean(&art->description, v, len, &set)))
                goto out;
        const char *s = ld ? ld_str(ld, "description") : NULL;
        if (!set && s && (result = set_clean(&art->description, s, strlen(s), &set)))
            goto out;
        if (!set)
            nw_article_set(&art->description, NULL);
    }

    /* image */
    {
        char *img = NULL;
        static const char *const keys[] = {
            "og:image",      "og:image:url",      "og:image:secure_url",
            "twitter:image", "twitter:image:src", NULL};
        for (size_t k = 0; keys[k] && !img; k++)
            if ((v = meta_get(mc, keys[k], &len)) != NULL)
                img = nw_meta_resolve_url(base_url, v, len);
        if (!img && ld) {
            const char *s = ld_str(ld, "image");
            if (s)
                img = nw_meta_resolve_url(base_url, s, strlen(s));
        }
        if (!img && (v = meta_get(mc, "image", &len)) != NULL)
            img = nw_meta_resolve_url(base_url, v, len);
        nw_free(art->image);
        art->image = img;
    }

    /* section */
    set = 0;
    {
        if ((v = meta_get(mc, "article:section", &len)) != NULL &&
            (result = set_clean(&art->section, v, len, &set)))
            goto out;
        const char *s = ld ? ld_str(ld, "articleSection") : NULL;
        if (!set && s && (result = set_clean(&art->section, s, strlen(s), &set)))
            goto out;
        static const char *const keys[] = {"section", "articleSection", "category",
                                           "parsely-section", NULL};
        for (size_t k = 0; keys[k] && !set; k++)
            if ((v = meta_get(mc, keys[k], &len)) != NULL &&
                (result = set_clean(&art->section, v, len, &set)))
                goto out;
        if (!set)
            nw_article_set(&art->section, NULL);
    }

    /* tags */
    tags = json_array();
    if (!tags) {
        result = NW_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < mc->ntags; i++)
        if (eq_ci(mc->tags[i].key, mc->tags[i].key_len, "article:tag") &&
            (result = add_tags(tags, mc->tags[i].value, mc->tags[i].value_len, 0)))
            goto out;
    if (json_array_size(tags) == 0 && ld) {
        json_t *kw = json_object_get(ld, "keywords");
        if (json_is_string(kw)) {
            result = add_tags(tags, json_string_value(kw), json_string_length(kw), 1);
        } else if (json_is_array(kw)) {
            size_t i;
            json_t *x;
            json_array_foreach(kw, i, x) if (json_is_string(x) && !result) result =
                add_tags(tags, json_string_value(x), json_string_length(x), 0);
        }
        if (result)
            goto out;
    }
    static const char *const tkeys[] = {"news_keywords", "keywords", NULL};
    for (size_t k = 0; tkeys[k] && json_array_size(tags) == 0; k++)
        if ((v = meta_get(mc, tkeys[k], &len)) != NULL && (result = add_tags(tags, v, len, 1)))
            goto out;
    json_decref(art->tags);
    art->tags = tags;
    tags = NULL;

    /* declared language */
    set = 0;
    if (mc->lang && (result = set_clean(&art->declared_language, mc->lang, mc->lang_len, &set)))
        goto out;
    static const char *const lkeys[] = {"content-language", "og:locale",  "language",
                                        "dc.language",      "inLanguage", NULL};
    for (size_t k = 0; lkeys[k] && !set; k++)
        if ((v = meta_get(mc, lkeys[k], &len)) != NULL &&
            (result = set_clean(&art->declared_language, v, len, &set)))
            goto out;
    if (!set && ld) {
        const char *s = ld_str(ld, "inLanguage");
        if (s && (result = set_clean(&art->declared_language, s, strlen(s), &set)))
            goto out;
    }
    if (!set)
        nw_article_set(&art->declared_language, NULL);
    else
        for (char *p = art->declared_language; *p; p++)
            if (*p == '_')
                *p = '-';
out:
    json_decref(authors);
    json_decref(tags);
    nw_free(host);
    nw_buf_fini(&tb);
    return result;
}

enum nw_status nw_meta_extract(struct nw_html *html, const char *base_url, const char *fetched_at,
                               int max_depth, struct nw_article *art)
{
    enum nw_status result = NW_OK;
    struct meta_ctx *mc = nw_calloc(1, sizeof(*mc));
    if (!mc)
        return NW_ENOMEM;
    mc->html = html;
    mc->max_depth = max_depth > 0 ? max_depth : 512;
    myhtml_tree_node_t *root = nw_html_root(html);
    if (root)
        gather(mc, root);
    nw_article_set(&art->site_name, NULL);
    result = fill(mc, base_url, fetched_at, art);
    for (size_t i = 0; i < mc->nld; i++)
        json_decref(mc->ld[i]);
    nw_free(mc);
    return result;
}
