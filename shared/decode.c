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

/* Labels of the WHATWG Encoding standard (the ones pages actually use) and the encoding
 * each names. Only these are passed to iconv: a page cannot pick an arbitrary iconv
 * converter (UTF-7, UTF-32, EBCDIC...) that no browser would apply. */
static const struct {
    const char *label;
    const char *name; /* what we report and look up in iconv_names */
} labels[] = {
    {"utf-8", "utf-8"},
    {"utf8", "utf-8"},
    {"unicode-1-1-utf-8", "utf-8"},
    {"unicode11utf8", "utf-8"},
    {"unicode20utf8", "utf-8"},
    {"x-unicode20utf8", "utf-8"},
    {"windows-1252", "windows-1252"},
    {"cp1252", "windows-1252"},
    {"x-cp1252", "windows-1252"},
    {"iso-8859-1", "windows-1252"},
    {"iso8859-1", "windows-1252"},
    {"iso88591", "windows-1252"},
    {"iso_8859-1", "windows-1252"},
    {"iso_8859-1:1987", "windows-1252"},
    {"latin1", "windows-1252"},
    {"l1", "windows-1252"},
    {"cp819", "windows-1252"},
    {"ibm819", "windows-1252"},
    {"csisolatin1", "windows-1252"},
    {"us-ascii", "windows-1252"},
    {"ascii", "windows-1252"},
    {"ansi_x3.4-1968", "windows-1252"},
    {"iso-8859-2", "iso-8859-2"},
    {"iso8859-2", "iso-8859-2"},
    {"latin2", "iso-8859-2"},
    {"iso-8859-3", "iso-8859-3"},
    {"latin3", "iso-8859-3"},
    {"iso-8859-4", "iso-8859-4"},
    {"latin4", "iso-8859-4"},
    {"iso-8859-5", "iso-8859-5"},
    {"cyrillic", "iso-8859-5"},
    {"iso-8859-6", "iso-8859-6"},
    {"arabic", "iso-8859-6"},
    {"iso-8859-7", "iso-8859-7"},
    {"greek", "iso-8859-7"},
    {"iso-8859-8", "iso-8859-8"},
    {"iso-8859-8-i", "iso-8859-8"},
    {"hebrew", "iso-8859-8"},
    {"iso-8859-10", "iso-8859-10"},
    {"latin6", "iso-8859-10"},
    {"iso-8859-13", "iso-8859-13"},
    {"iso-8859-14", "iso-8859-14"},
    {"iso-8859-15", "iso-8859-15"},
    {"iso8859-15", "iso-8859-15"},
    {"latin9", "iso-8859-15"},
    {"iso-8859-16", "iso-8859-16"},
    {"iso-8859-9", "windows-1254"},
    {"iso8859-9", "windows-1254"},
    {"latin5", "windows-1254"},
    {"iso-8859-11", "windows-874"},
    {"tis-620", "windows-874"},
    {"windows-874", "windows-874"},
    {"windows-1250", "windows-1250"},
    {"cp1250", "windows-1250"},
    {"windows-1251", "windows-1251"},
    {"cp1251", "windows-1251"},
    {"x-cp1251", "windows-1251"},
    {"windows-1253", "windows-1253"},
    {"windows-1254", "windows-1254"},
    {"windows-1255", "windows-1255"},
    {"windows-1256", "windows-1256"},
    {"windows-1257", "windows-1257"},
    {"windows-1258", "windows-1258"},
    {"koi8-r", "koi8-r"},
    {"koi8", "koi8-r"},
    {"koi", "koi8-r"},
    {"koi8-u", "koi8-u"},
    {"koi8-ru", "koi8-u"},
    {"ibm866", "ibm866"},
    {"cp866", "ibm866"},
    {"866", "ibm866"},
    {"macintosh", "macintosh"},
    {"mac", "macintosh"},
    {"x-mac-roman", "macintosh"},
    {"x-mac-cyrillic", "x-mac-cyrillic"},
    {"x-mac-ukrainian", "x-mac-cyrillic"},
    {"shift_jis", "shift_jis"},
    {"shift-jis", "shift_jis"},
    {"sjis", "shift_jis"},
    {"x-sjis", "shift_jis"},
    {"ms_kanji", "shift_jis"},
    {"ms932", "shift_jis"},
    {"windows-31j", "shift_jis"},
    {"csshiftjis", "shift_jis"},
    {"euc-jp", "euc-jp"},
    {"x-euc-jp", "euc-jp"},
    {"iso-2022-jp", "iso-2022-jp"},
    {"gbk", "gbk"},
    {"gb2312", "gbk"},
    {"gb_2312", "gbk"},
    {"gb_2312-80", "gbk"},
    {"x-gbk", "gbk"},
    {"chinese", "gbk"},
    {"csgb2312", "gbk"},
    {"gb18030", "gb18030"},
    {"big5", "big5"},
    {"big5-hkscs", "big5"},
    {"cn-big5", "big5"},
    {"x-x-big5", "big5"},
    {"euc-kr", "euc-kr"},
    {"ks_c_5601-1987", "euc-kr"},
    {"windows-949", "euc-kr"},
    {"korean", "euc-kr"},
    {"utf-16le", "utf-16le"},
    {"utf-16", "utf-16le"},
    {"unicode", "utf-16le"},
    {"ucs-2", "utf-16le"},
    {"utf-16be", "utf-16be"},
};

/* The iconv converter for an encoding name: the WHATWG decoders are supersets of the
 * ISO names (Shift_JIS is Microsoft's CP932, GBK decodes as GB18030, ...). */
static const char *iconv_name(const char *name)
{
    if (!strcmp(name, "shift_jis"))
        return "CP932";
    if (!strcmp(name, "gbk"))
        return "GB18030";
    if (!strcmp(name, "euc-kr"))
        return "CP949";
    if (!strcmp(name, "big5"))
        return "BIG5-HKSCS";
    if (!strcmp(name, "x-mac-cyrillic"))
        return "MACCYRILLIC";
    if (!strcmp(name, "ibm866"))
        return "CP866";
    return name;
}

/* Replaces label by the encoding it names; returns -1 (label untouched) if unknown. */
static int canonical_label(char *label, size_t size)
{
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        if (strcmp(label, labels[i].label) == 0) {
            snprintf(label, size, "%s", labels[i].name);
            return 0;
        }
    }
    return -1;
}

/* True if the first bytes look like UTF-16 (ASCII text in UTF-16 is half NUL bytes). */
static int looks_utf16(const char *data, size_t len)
{
    size_t n = len < 512 ? len : 512, zeros = 0;

    for (size_t i = 0; i < n; i++)
        zeros += data[i] == '\0';
    return n >= 2 && zeros * 4 >= n;
}

/* Converts with iconv; invalid or incomplete input becomes U+FFFD. */
static enum nw_status convert(const char *data, size_t len, const char *charset,
                              struct nw_decoded *out)
{
    enum nw_status result = NW_OK;
    char *inp = (char *)data, *dst, *outp, *fixed = NULL;
    size_t inleft = len, cap, outleft, fixed_len;
    iconv_t cd;

    cd = iconv_open("UTF-8", iconv_name(charset));
    if (cd == (iconv_t)-1)
        return NW_ECHARSET;
    if (len > ((size_t)-1) / 4 - 16) {
        iconv_close(cd);
        return NW_ETOOBIG;
    }
    /* Every input byte yields at most 3 output bytes (a U+FFFD, or one byte of a
     * single-byte charset), and a 4-byte UTF-8 sequence needs at least 2 input bytes
     * (UTF-16 surrogate pair: 4), so 4x plus room for a final shift reset is enough. */
    cap = len * 4 + 16;
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
    /* Stateful encodings (ISO-2022-JP) may hold a pending shift state: flush it. */
    iconv(cd, NULL, NULL, &outp, &outleft);
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

/* The guess for unlabeled (or wrongly labeled) bytes: UTF-8 when they are valid UTF-8,
 * else windows-1252, what browsers assume for Western pages. */
static const char *guess(const char *data, size_t len)
{
    return nw_utf8_valid(data, len) ? "utf-8" : "windows-1252";
}

/* Valid UTF-8 that holds at least one multi-byte sequence (pure ASCII reads the same in
 * every ASCII-compatible charset, so it proves nothing). */
static int is_multibyte_utf8(const char *data, size_t len)
{
    int high = 0;
    for (size_t i = 0; i < len && !high; i++)
        high = (unsigned char)data[i] >= 0x80;
    return high && nw_utf8_valid(data, len);
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
    if (!data || !len) {
        /* Nothing to decode; also keeps NULL + 0 pointer arithmetic out of the scanners. */
        data = "";
        len = 0;
        u = (const unsigned char *)data;
    }
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
    } else if (nw_decode_charset_param(content_type, label, sizeof(label)) == 0 &&
               canonical_label(label, sizeof(label)) == 0) {
        out->source = "header";
        /* A UTF-16 label on bytes that are plainly not UTF-16 is a server misconfiguration;
         * decoding them as UTF-16 would only produce noise. */
        if (!strncmp(label, "utf-16", 6) && !looks_utf16(data, len))
            out->source = NULL;
    }
    if (!out->source && is_html && prescan_meta(data, len, label, sizeof(label)) == 0 &&
        canonical_label(label, sizeof(label)) == 0) {
        out->source = "meta";
        /* A page that claims UTF-16 in ASCII-compatible markup is lying (WHATWG). */
        if (!strncmp(label, "utf-16", 6))
            snprintf(label, sizeof(label), "utf-8");
    }
    if (out->source && strcmp(label, "utf-8") != 0 && strncmp(label, "utf-16", 6) != 0 &&
        is_multibyte_utf8(data, len)) {
        snprintf(out->declared, sizeof(out->declared), "%s", label);
        snprintf(label, sizeof(label), "utf-8");
    }
    if (!out->source) {
        /* No label, or one no browser knows: decode as the guess would. */
        out->source = "guess";
        snprintf(label, sizeof(label), "%s", guess(data, len));
    }
    if (!strcmp(label, "utf-8")) {
        result = nw_utf8_sanitize(data, len, &out->text, &out->len, &out->replaced);
    } else {
        result = convert(data, len, label, out);
        if (result == NW_ECHARSET) {
            /* Known label, but this system's iconv lacks the converter. */
            out->source = "guess";
            out->replaced = 0;
            snprintf(label, sizeof(label), "%s", guess(data, len));
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
