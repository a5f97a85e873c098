/* html.c — DOM helpers over MyHTML: one reusable parser and tree per extractor. */
#include "html.h"

#include <string.h>
#include <strings.h>

#include "mem.h"

struct nw_html {
    myhtml_t *myhtml;
    myhtml_tree_t *tree;
    int parsed; /* the tree holds a page and must be cleaned before the next */
};

struct nw_html *nw_html_create(void)
{
    struct nw_html *html = nw_calloc(1, sizeof(*html));
    if (!html)
        return NULL;
    html->myhtml = myhtml_create();
    if (!html->myhtml)
        goto fail;
    /* Single mode: no parser threads, so an extractor is exactly one thread's worth. */
    if (myhtml_init(html->myhtml, MyHTML_OPTIONS_PARSE_MODE_SINGLE, 1, 0) != MyHTML_STATUS_OK) {
        myhtml_destroy(html->myhtml);
        html->myhtml = NULL;
        goto fail;
    }
    html->tree = myhtml_tree_create();
    if (!html->tree)
        goto fail;
    if (myhtml_tree_init(html->tree, html->myhtml) != MyHTML_STATUS_OK) {
        myhtml_tree_destroy(html->tree);
        html->tree = NULL;
        goto fail;
    }
    return html;
fail:
    nw_html_destroy(html);
    return NULL;
}

void nw_html_destroy(struct nw_html *html)
{
    if (!html)
        return;
    if (html->tree)
        myhtml_tree_destroy(html->tree);
    if (html->myhtml)
        myhtml_destroy(html->myhtml);
    nw_free(html);
}

enum nw_status nw_html_parse(struct nw_html *html, const char *data, size_t len)
{
    /* The cleaned tree keeps its node pools: the next page reuses them instead of
     * allocating anew, which keeps memory flat across pages. */
    if (html->parsed)
        myhtml_tree_clean(html->tree);
    html->parsed = 1;
    if (myhtml_parse_single(html->tree, MyENCODING_UTF_8, data ? data : "", data ? len : 0) !=
        MyHTML_STATUS_OK)
        return NW_EPARSE;
    return NW_OK;
}

myhtml_tree_t *nw_html_tree(struct nw_html *html)
{
    return html->tree;
}

myhtml_tree_node_t *nw_html_root(struct nw_html *html)
{
    return myhtml_tree_get_node_html(html->tree);
}

myhtml_tree_node_t *nw_html_head(struct nw_html *html)
{
    return myhtml_tree_get_node_head(html->tree);
}

myhtml_tree_node_t *nw_html_body(struct nw_html *html)
{
    return myhtml_tree_get_node_body(html->tree);
}

myhtml_tag_id_t nw_html_tag(myhtml_tree_node_t *node)
{
    return myhtml_node_tag_id(node);
}

const char *nw_html_tag_name(struct nw_html *html, myhtml_tree_node_t *node, size_t *len)
{
    size_t n = 0;
    const char *name = myhtml_tag_name_by_id(html->tree, myhtml_node_tag_id(node), &n);
    if (!name)
        n = 0;
    *len = n;
    return name ? name : "";
}

const char *nw_html_attr(myhtml_tree_node_t *node, const char *key, size_t *len)
{
    myhtml_tree_attr_t *attr = myhtml_attribute_by_key(node, key, strlen(key));
    if (!attr)
        return NULL;
    size_t n = 0;
    const char *value = myhtml_attribute_value(attr, &n);
    if (!value) {
        value = "";
        n = 0;
    }
    if (len)
        *len = n;
    return value;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int nw_html_attr_has_word(myhtml_tree_node_t *node, const char *key, const char *word)
{
    size_t len = 0;
    const char *value = nw_html_attr(node, key, &len);
    size_t wlen = strlen(word);
    if (!value || wlen == 0)
        return 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && is_space((unsigned char)value[i]))
            i++;
        size_t start = i;
        while (i < len && !is_space((unsigned char)value[i]))
            i++;
        if (i - start == wlen && strncasecmp(value + start, word, wlen) == 0)
            return 1;
    }
    return 0;
}

const char *nw_html_text(myhtml_tree_node_t *node, size_t *len)
{
    if (myhtml_node_tag_id(node) != MyHTML_TAG__TEXT)
        return NULL;
    size_t n = 0;
    const char *text = myhtml_node_text(node, &n);
    if (!text)
        n = 0;
    *len = n;
    return text ? text : "";
}

myhtml_tree_node_t *nw_html_next(myhtml_tree_node_t *top, myhtml_tree_node_t *node, int *depth,
                                 int max_depth, int skip_children)
{
    if (!skip_children && *depth < max_depth) {
        myhtml_tree_node_t *child = myhtml_node_child(node);
        if (child) {
            (*depth)++;
            return child;
        }
    }
    while (node && node != top) {
        myhtml_tree_node_t *next = myhtml_node_next(node);
        if (next)
            return next;
        node = myhtml_node_parent(node);
        (*depth)--;
    }
    return NULL;
}

enum nw_status nw_html_append_collapsed(struct nw_buf *out, const char *s, size_t len)
{
    enum nw_status result = NW_OK;
    size_t i = 0;
    int space = out->len == 0 || out->data[out->len - 1] == ' ' || out->data[out->len - 1] == '\n';
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t run = 0;
        if (is_space(c))
            run = 1;
        else if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0)
            run = 2;
        if (run) {
            if (!space) {
                result = nw_buf_putc(out, ' ');
                if (result)
                    goto out;
                space = 1;
            }
            i += run;
            continue;
        }
        /* Copy the longest run of ordinary bytes at once; the table marks the bytes
         * that may end it (white space, and 0xC2 that may start a NBSP). */
        static const unsigned char may_end[256] = {
            ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1, [0xC2] = 1,
        };
        size_t start = i;
        while (i < len) {
            c = (unsigned char)s[i];
            if (may_end[c] && (c != 0xC2 || (i + 1 < len && (unsigned char)s[i + 1] == 0xA0)))
                break;
            i++;
        }
        result = nw_buf_append(out, s + start, i - start);
        if (result)
            goto out;
        space = 0;
    }
out:
    return result;
}

void nw_html_rtrim(struct nw_buf *out)
{
    size_t n = out->len;
    while (n > 0 && is_space((unsigned char)out->data[n - 1]))
        n--;
    nw_buf_truncate(out, n);
}

static int is_invisible(myhtml_tag_id_t tag)
{
    return tag == MyHTML_TAG_SCRIPT || tag == MyHTML_TAG_STYLE || tag == MyHTML_TAG_TEMPLATE ||
           tag == MyHTML_TAG_NOSCRIPT || tag == MyHTML_TAG__COMMENT;
}

enum nw_status nw_html_collect_text(myhtml_tree_node_t *node, struct nw_buf *out, int max_depth)
{
    enum nw_status result = NW_OK;
    int depth = 0;
    myhtml_tree_node_t *cur = node;
    while (cur) {
        myhtml_tag_id_t tag = myhtml_node_tag_id(cur);
        int skip = is_invisible(tag);
        if (tag == MyHTML_TAG__TEXT) {
            size_t len = 0;
            const char *text = nw_html_text(cur, &len);
            result = nw_html_append_collapsed(out, text, len);
            if (result)
                goto out;
        } else if (tag == MyHTML_TAG_BR && out->len && out->data[out->len - 1] != ' ') {
            result = nw_buf_putc(out, ' ');
            if (result)
                goto out;
        }
        cur = nw_html_next(node, cur, &depth, max_depth, skip);
    }
out:
    return result;
}
