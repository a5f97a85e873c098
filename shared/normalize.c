/* normalize.c — NFC, white space and paragraph shape. */
#include "normalize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "buf.h"
#include "mem.h"

static int is_removed(utf8proc_int32_t cp)
{
    if (cp == 0x200B || cp == 0xFEFF || cp == 0x00AD || cp == 0x2060)
        return 1;
    if (cp == '\n' || cp == '\t')
        return 0;
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_CC;
}

static int is_hspace(utf8proc_int32_t cp)
{
    if (cp == ' ' || cp == '\t')
        return 1;
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

/* Length of the leading run of ASCII bytes in p, eight at a time where it can. */
static size_t ascii_prefix(const unsigned char *p, size_t len)
{
    const uint64_t high = 0x8080808080808080ull;
    size_t i = 0;

    while (i + 8 <= len) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (w & high)
            break;
        i += 8;
    }
    while (i < len && p[i] < 0x80)
        i++;
    return i;
}

/* Code points already known, per call, to be NFC-inert or not (direct-mapped). */
#define NFC_MEMO 256
struct nfc_memo {
    utf8proc_int32_t cp[NFC_MEMO]; /* 0: empty (only non-ASCII code points are asked) */
    unsigned char inert[NFC_MEMO];
};

/*
 * 1 if NFC leaves cp alone wherever it stands between starters: a starter (combining class
 * 0) that is no mark, no Hangul jamo (composed algorithmically), and so never the second
 * part of a composition, and whose own NFC is itself. A run of such characters, between
 * ASCII characters, is its own NFC.
 */
static int nfc_inert(struct nfc_memo *memo, utf8proc_int32_t cp, const unsigned char *s, size_t n)
{
    size_t slot = (size_t)cp % NFC_MEMO;
    const utf8proc_property_t *p;
    utf8proc_uint8_t *one = NULL;
    utf8proc_ssize_t one_len;
    int inert = 0;

    if (memo->cp[slot] == cp)
        return memo->inert[slot];
    p = utf8proc_get_property(cp);
    if (p->combining_class == 0 && p->category != UTF8PROC_CATEGORY_MN &&
        p->category != UTF8PROC_CATEGORY_MC && p->category != UTF8PROC_CATEGORY_ME &&
        !(cp >= 0x1100 && cp <= 0x11FF) && !(cp >= 0xA960 && cp <= 0xA97F) &&
        !(cp >= 0xD7B0 && cp <= 0xD7FF)) {
        one_len = utf8proc_map(s, (utf8proc_ssize_t)n, &one, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        inert = one_len == (utf8proc_ssize_t)n && memcmp(one, s, n) == 0;
        free(one);
    }
    memo->cp[slot] = cp;
    memo->inert[slot] = (unsigned char)inert;
    return inert;
}

/* 1 if the non-ASCII run s[0, n) is valid UTF-8 of NFC-inert characters only. */
static int run_inert(struct nfc_memo *memo, const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0 || !nfc_inert(memo, cp, s + i, (size_t)k))
            return 0;
        i += (size_t)k;
    }
    return 1;
}

/*
 * NFC of in into buf. ASCII text is its own NFC, and no canonical composition has an ASCII
 * character as its second part, so NFC never reaches across an ASCII character that
 * follows: the text splits into independent pieces before every ASCII byte. A run of
 * non-ASCII characters is copied when all of them are NFC-inert (curly quotes, dashes,
 * precomposed letters: the common case); otherwise the run, together with the ASCII
 * character before it (which a combining mark may compose with, e + U+0301), goes
 * through utf8proc. The result is the same as NFC of the whole text at once.
 */
static enum nw_status nfc_pieces(const unsigned char *in, size_t len, struct nw_buf *buf)
{
    enum nw_status result = NW_OK;
    struct nfc_memo memo;
    size_t i = 0;

    memset(&memo, 0, sizeof(memo));
    while (i < len) {
        size_t run = ascii_prefix(in + i, len - i), start, end;
        utf8proc_uint8_t *nfc = NULL;
        utf8proc_ssize_t nfc_len;

        if (run) {
            result = nw_buf_append(buf, in + i, run);
            if (result)
                return result;
            i += run;
            if (i >= len)
                break;
        }
        end = i;
        while (end < len && in[end] >= 0x80)
            end++;
        if (run_inert(&memo, in + i, end - i)) {
            result = nw_buf_append(buf, in + i, end - i);
            if (result)
                return result;
            i = end;
            continue;
        }
        /* [start, end): the ASCII character before the run (if any) and the run */
        start = i;
        if (i > 0) {
            start = i - 1;
            nw_buf_truncate(buf, buf->len - 1);
        }
        nfc_len = utf8proc_map(in + start, (utf8proc_ssize_t)(end - start), &nfc,
                               UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (nfc_len < 0)
            return nfc_len == UTF8PROC_ERROR_NOMEM ? NW_ENOMEM : NW_EINVAL;
        result = nw_buf_append(buf, nfc, (size_t)nfc_len);
        free(nfc);
        if (result)
            return result;
        i = end;
    }
    return result;
}

/* White space and paragraph shape, as the header says, over NFC text. The output never
 * grows: every separator written stands for at least as many input bytes that are not
 * written (one per space or newline, U+2029 for two newlines), so it goes straight into
 * an array of the input's size. */
struct shaper {
    char *out;
    size_t o;
    int pending_space; /* a space to write before the next visible character */
    int newlines;      /* newlines seen since the last visible character */
    int started;
};

/* Writes what is pending before a visible character. */
static void shaper_visible(struct shaper *sh)
{
    if (sh->started) {
        if (sh->newlines >= 2) {
            sh->out[sh->o++] = '\n';
            sh->out[sh->o++] = '\n';
        } else if (sh->newlines == 1) {
            sh->out[sh->o++] = '\n';
        } else if (sh->pending_space) {
            sh->out[sh->o++] = ' ';
        }
    }
    sh->started = 1;
    sh->newlines = 0;
    sh->pending_space = 0;
}

static void shaper_newline(struct shaper *sh)
{
    if (sh->newlines < 2) /* only "one" and "more than one" matter */
        sh->newlines++;
    sh->pending_space = 0; /* trailing space of a line is dropped */
}

static enum nw_status shape(const unsigned char *s, size_t len, struct shaper *sh)
{
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        utf8proc_int32_t cp;
        utf8proc_ssize_t n;

        if (c > 0x20 && c < 0x7F) {
            /* a run of visible ASCII goes out in one piece */
            size_t j = i + 1;
            while (j < len && s[j] > 0x20 && s[j] < 0x7F)
                j++;
            shaper_visible(sh);
            memcpy(sh->out + sh->o, s + i, j - i);
            sh->o += j - i;
            i = j;
            continue;
        }
        if (c < 0x80) {
            if (c == '\r') {
                /* \r\n counts once; a lone \r is a newline. */
                if (!(i + 1 < len && s[i + 1] == '\n'))
                    shaper_newline(sh);
            } else if (c == '\n' || c == '\v' || c == '\f') {
                shaper_newline(sh);
            } else if (c == ' ' || c == '\t') {
                sh->pending_space = 1;
            }
            /* other C0 controls and DEL are dropped */
            i++;
            continue;
        }
        n = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return NW_EINVAL;
        if (cp == 0x2029) {
            /* PARAGRAPH SEPARATOR ends a paragraph. */
            sh->newlines = 2;
            sh->pending_space = 0;
        } else if (cp == 0x2028 || cp == 0x0085) {
            /* LINE SEPARATOR and NEXT LINE end a line. */
            shaper_newline(sh);
        } else if (is_removed(cp)) {
            /* dropped */
        } else if (is_hspace(cp)) {
            sh->pending_space = 1;
        } else {
            shaper_visible(sh);
            memcpy(sh->out + sh->o, s + i, (size_t)n);
            sh->o += (size_t)n;
        }
        i += (size_t)n;
    }
    return NW_OK;
}

enum nw_status nw_normalize_text(const char *in, size_t len, size_t max_out, char **out,
                                 size_t *out_len)
{
    enum nw_status result = NW_OK;
    const unsigned char *text = (const unsigned char *)in;
    size_t text_len = len;
    struct nw_buf nfc;
    struct shaper sh = {0};

    nw_buf_init(&nfc, (size_t)PTRDIFF_MAX);
    if (len > (size_t)PTRDIFF_MAX / 8) /* utf8proc works in 4-byte code points */
        return NW_ETOOBIG;
    if (ascii_prefix(text, len) < len) {
        result = nfc_pieces(text, len, &nfc);
        if (result)
            goto out;
        text = (const unsigned char *)nw_buf_str(&nfc);
        text_len = nfc.len;
    }
    sh.out = nw_malloc(text_len + 1);
    if (!sh.out) {
        result = NW_ENOMEM;
        goto out;
    }
    result = shape(text, text_len, &sh);
    if (!result && sh.o > max_out)
        result = NW_ETOOBIG;
    if (result) {
        nw_free(sh.out);
        goto out;
    }
    sh.out[sh.o] = '\0';
    *out = sh.out;
    if (out_len)
        *out_len = sh.o;
out:
    nw_buf_fini(&nfc);
    return result;
}
