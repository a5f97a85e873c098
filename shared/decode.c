/* decode.c — charset detection (BOM, header, meta prescan, guess) and iconv to UTF-8. */
#include "decode.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "utf8.h"

#define PRESCAN_BYTES 4096

static void lower_copy(char *dst, size_t dst_size, const char *src, size_t n)
{
    size_t i;

    if (!dst_size)
        return;
    for (i = 0; i < n && i + 1 < dst_size; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

/* Reads a charset token (quoted or not) starting at p into out. */
static int read_charset_token(const char *p, const char *end, char *out, size_t out_size)
{
    const char *start;

    while (p < end && (*p == ' ' || *p == '\t' || *p == '='))
        p++;
    if (p < end && (*p == '"' || *p == '\''))
        p++;
    start = p;
    while (p < end &&
           (isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.' || *p == ':'))
        p++;
    if (p == start || (size_t)(p - start) >= out_size)
        return -1;
    lower_copy(out, out_size, start, (size_t)(p - start));
    return 0;
}

/* Finds "charset" case-insensitively in [p, end) and reads the token after '='. */
static int find_charset(const char *p, const char *end, char *out, size_t out_size)
{
    for (; p + 7 <= end; p++) {
        if (strncasecmp(p, "charset", 7) != 0)
            continue;
        p += 7;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p < end && *p == '=')
            return read_charset_token(p + 1, end, out, out_size);
    }
    return -1;
}

int nw_decode_charset_param(const char *content_type, char *out, size_t out_size)
{
    if (!content_type)
        return -1;
    return find_charset(content_type, content_type + strlen(content_type), out, out_size);
}

/* Looks at each <meta ...> tag in the first bytes for charset= (covers both
 * <meta charset="x"> and <meta http-equiv content="text/html; charset=x">). */
static int prescan_meta(const char *data, size_t len, char *out, size_t out_size)
{
    const char *end = data + (len < PRESCAN_BYTES ? len : PRESCAN_BYTES);
    const char *p = data;

    while (p + 5 < end) {
        const char *tag_end;
        p = memchr(p, '<', (size_t)(end - p));
        if (!p || p + 5 >= end)
            return -1;
        if (strncasecmp(p + 1, "meta", 4) != 0 || isalnum((unsigned char)p[5])) {
            p++;
            continue;
        }
        tag_end = memchr(p, '>', (size_t)(end - p));
        if (!tag_end)
            tag_end = end;
        if (find_charset(p + 5, tag_end, out, out_size) == 0)
            return 0;
        p = tag_end;
    }
    return -1;
}

/* WHATWG label aliases that iconv names differently or that browsers override. */
static void canonical_label(char *label, size_t size)
{
    static const char *const cp1252[] = {
        "iso-8859-1", "iso8859-1", "latin1",         "l1",           "us-ascii", "ascii",
        "iso_8859-1", "cp819",     "ansi_x3.4-1968", "windows-1252", "cp1252",   "x-cp1252"};
    for (size_t i = 0; i < sizeof(cp1252) / sizeof(cp1252[0]); i++) {
        if (strcmp(label, cp1252[i]) == 0) {
            snprintf(label, size, "windows-1252");
            return;
        }
    }
    if (!strcmp(label, "utf8") || !strcmp(label, "unicode-1-1-utf-8"))
        snprintf(label, size, "utf-8");
    else if (!strcmp(label, "gb2312") || !strcmp(label, "x-gbk"))
        snprintf(label, size, "gbk");
    else if (!strcmp(label, "iso-8859-9") || !strcmp(label, "latin5"))
        snprintf(label, size, "windows-1254");
    else if (!strcmp(label, "tis-620") || !strcmp(label, "iso-8859-11"))
        snprintf(label, size, "windows-874");
}

/* Converts with iconv; invalid or incomplete input becomes U+FFFD. */
static enum nw_status convert(const char *data, size_t len, const char *charset,
                              struct nw_decoded *out)
{
    enum nw_status result = NW_OK;
    char *inp = (char *)data, *dst, *outp, *fixed = NULL;
    size_t inleft = len, cap, outleft, fixed_len;
    iconv_t cd;

    cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return NW_ECHARSET;
    if (len > ((size_t)-1) / 4 - 16) {
        iconv_close(cd);
        return NW_ETOOBIG;
    }
    cap = len * 4 + 16; /* no single-byte or double-byte charset expands past 4x */
    dst = nw_malloc(cap);
    if (!dst) {
        iconv_close(cd);
        return NW_ENOMEM;
    }
    outp = dst;
    outleft = cap - 1;
    while (inleft > 0) {
        size_t r = iconv(cd, &inp, &inleft, &outp, &outleft);
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG) {
            result = NW_ETOOBIG; /* cannot happen with cap = 4x + 16; bound anyway */
            goto out;
        }
        if (outleft < 3)
            break;
        memcpy(outp, "\xEF\xBF\xBD", 3);
        outp += 3;
        outleft -= 3;
        out->replaced++;
        if (errno == EINVAL) /* truncated sequence at the end */
            break;
        inp++;
        inleft--;
    }
    *outp = '\0';
    /* iconv passes NUL bytes through; the sanitizer drops them and re-checks UTF-8. */
    result = nw_utf8_sanitize(dst, (size_t)(outp - dst), &fixed, &fixed_len, NULL);
    if (result)
        goto out;
    out->text = fixed;
    out->len = fixed_len;
out:
    nw_free(dst);
    iconv_close(cd);
    return result;
}

enum nw_status nw_decode(const char *data, size_t len, const char *content_type, int is_html,
                         size_t max_bytes, struct nw_decoded *out, char *errstr, size_t errstr_size)
{
    const unsigned char *u = (const unsigned char *)data;
    enum nw_status result;
    char label[48] = "";

    memset(out, 0, sizeof(*out));
    if (len > max_bytes)
        return nw_fail(NW_ETOOBIG, errstr, errstr_size, "body of %zu bytes exceeds %zu", len,
                       max_bytes);
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        snprintf(label, sizeof(label), "utf-8");
        data += 3;
        len -= 3;
        out->source = "bom";
    } else if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
        snprintf(label, sizeof(label), "utf-16le");
        data += 2;
        len -= 2;
        out->source = "bom";
    } else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
        snprintf(label, sizeof(label), "utf-16be");
        data += 2;
        len -= 2;
        out->source = "bom";
    } else if (nw_decode_charset_param(content_type, label, sizeof(label)) == 0) {
        out->source = "header";
    } else if (is_html && prescan_meta(data, len, label, sizeof(label)) == 0) {
        out->source = "meta";
    }
    if (out->source) {
        canonical_label(label, sizeof(label));
        /* A page that claims UTF-16 in ASCII-compatible markup is lying (WHATWG). */
        if (strcmp(out->source, "bom") != 0 && !strncmp(label, "utf-16", 6))
            snprintf(label, sizeof(label), "utf-8");
    }
    if (!out->source || !strcmp(label, "utf-8")) {
        if (!out->source) {
            out->source = "guess";
            snprintf(label, sizeof(label), "%s",
                     nw_utf8_valid(data, len) ? "utf-8" : "windows-1252");
        }
    }
    if (!strcmp(label, "utf-8")) {
        result = nw_utf8_sanitize(data, len, &out->text, &out->len, &out->replaced);
    } else {
        result = convert(data, len, label, out);
        if (result == NW_ECHARSET) {
            /* Unknown label: decode as the guess would, and say so in charset. */
            out->source = "guess";
            snprintf(label, sizeof(label), "%s",
                     nw_utf8_valid(data, len) ? "utf-8" : "windows-1252");
            result = !strcmp(label, "utf-8")
                         ? nw_utf8_sanitize(data, len, &out->text, &out->len, &out->replaced)
                         : convert(data, len, label, out);
        }
    }
    if (result)
        return nw_fail(result, errstr, errstr_size, "decoding %s: %s", label,
                       nw_status_message(result));
    snprintf(out->charset, sizeof(out->charset), "%s", label);
    return NW_OK;
}

void nw_decoded_fini(struct nw_decoded *dec)
{
    if (!dec)
        return;
    nw_free(dec->text);
    dec->text = NULL;
    dec->len = 0;
}
