/* s3_xml.c — a root element's name, one child's text and a listing's keys from an S3 XML
 * answer (libxml2). */
#include "s3_xml.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <string.h>

/* Parses xml into *doc and finds its root element *top; with want, the root must be named
 * so. NW_EPARSE (not XML, no root) or NW_EINVAL (another root): *doc may then still be set,
 * and is the caller's to free either way. */
static enum nw_status parse_root(const char *xml, size_t len, const char *want, xmlDocPtr *doc,
                                 xmlNodePtr *top)
{
    *doc = NULL;
    if (!xml || len == 0 || len > INT_MAX)
        return NW_EPARSE;
    *doc = xmlReadMemory(xml, (int)len, "s3.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                             XML_PARSE_NOBLANKS | XML_PARSE_NOCDATA);
    *top = *doc ? xmlDocGetRootElement(*doc) : NULL;
    if (!*top)
        return NW_EPARSE;
    return want && strcmp((const char *)(*top)->name, want) != 0 ? NW_EINVAL : NW_OK;
}

/* A control character (C0 or DEL). */
static int is_control(char c)
{
    return (unsigned char)c < 0x20 || c == 0x7f;
}

static void copy_clean(const char *s, char *out, size_t out_size)
{
    size_t n = 0;

    if (!out_size)
        return;
    for (; s && *s && n + 1 < out_size; s++)
        out[n++] = is_control(*s) ? ' ' : *s;
    out[n] = '\0';
}

/* 1 if s holds a control character. */
static int has_control(const char *s)
{
    for (; *s; s++)
        if (is_control(*s))
            return 1;
    return 0;
}

static int named(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

enum nw_status nw_s3_xml_root(const char *xml, size_t len, char *out, size_t out_size)
{
    xmlDocPtr doc;
    xmlNodePtr root;
    enum nw_status result = parse_root(xml, len, NULL, &doc, &root);

    if (out_size)
        out[0] = '\0';
    if (!result)
        copy_clean((const char *)root->name, out, out_size);
    xmlFreeDoc(doc);
    return result;
}

enum nw_status nw_s3_xml_text(const char *xml, size_t len, const char *root, const char *element,
                              char *out, size_t out_size)
{
    xmlDocPtr doc;
    xmlNodePtr top, child;
    xmlChar *text = NULL;
    enum nw_status result = parse_root(xml, len, root, &doc, &top);

    if (out_size)
        out[0] = '\0';
    if (result)
        goto out;
    result = NW_EINVAL;
    for (child = top->children; child; child = child->next) {
        if (named(child, element))
            break;
    }
    if (!child)
        goto out;
    text = xmlNodeGetContent(child);
    copy_clean((const char *)text, out, out_size);
    result = NW_OK;
out:
    xmlFree(text);
    xmlFreeDoc(doc);
    return result;
}

enum nw_status nw_s3_xml_list(const char *xml, size_t len, nw_s3_xml_key_fn *fn, void *ctx,
                              int *truncated, char *token, size_t token_size)
{
    xmlDocPtr doc;
    xmlNodePtr top, child, k;
    xmlChar *text = NULL;
    int stop = 0;
    enum nw_status result = parse_root(xml, len, "ListBucketResult", &doc, &top);

    *truncated = 0;
    if (token_size)
        token[0] = '\0';
    if (result)
        goto out;
    result = NW_EINVAL;
    for (child = top->children; child; child = child->next) {
        if (named(child, "IsTruncated")) {
            text = xmlNodeGetContent(child);
            *truncated = text && strcmp((const char *)text, "true") == 0;
        } else if (named(child, "NextContinuationToken")) {
            text = xmlNodeGetContent(child);
            if (!text || strlen((const char *)text) >= token_size ||
                has_control((const char *)text))
                goto out; /* an opaque token cannot be cleaned: the listing is refused */
            memcpy(token, text, strlen((const char *)text) + 1);
        } else if (named(child, "Contents") && !stop) {
            for (k = child->children; k && !named(k, "Key"); k = k->next)
                ;
            if (k) {
                text = xmlNodeGetContent(k);
                if (text && text[0])
                    stop = fn(ctx, (const char *)text);
            }
        }
        xmlFree(text);
        text = NULL;
    }
    result = (*truncated && (!token_size || !token[0])) ? NW_EINVAL : NW_OK;
out:
    xmlFree(text);
    xmlFreeDoc(doc);
    return result;
}
