/* tok.c — a small Unicode-aware tokenizer over the normalized text. */
#include "tok.h"

#include <string.h>
#include <utf8proc.h>

#include "mem.h"

static int32_t decode(const unsigned char *s, size_t len, size_t i, size_t *step)
{
    utf8proc_int32_t cp = -1;
    utf8proc_ssize_t n;
    if (s[i] < 0x80) {
        *step = 1; /* most of the text: no need for the full decoder */
        return s[i];
    }
    n = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
    if (n <= 0) {
        *step = 1;
        return -1;
    }
    *step = (size_t)n;
    return cp;
}

static int is_letter(int32_t cp)
{
    utf8proc_category_t c;
    if (cp < 0)
        return 0;
    if (cp < 128)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) || c == UTF8PROC_CATEGORY_MN ||
           c == UTF8PROC_CATEGORY_MC;
}

static int is_digit(int32_t cp)
{
    return cp >= '0' && cp <= '9';
}

static int is_space(int32_t cp)
{
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0)
        return 1;
    return cp > 127 && utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

static int is_apostrophe(int32_t cp)
{
    return cp == '\'' || cp == 0x2019;
}

static int is_hyphen(int32_t cp)
{
    return cp == '-' || cp == 0x2010 || cp == 0x2011;
}

static int is_quote(int32_t cp)
{
    return cp == '"' || cp == 0x201C || cp == 0x201D || cp == 0x201E || cp == 0xAB || cp == 0xBB;
}

static enum nw_status push(struct nw_toks *t, size_t *cap, size_t max, uint32_t off, uint32_t len,
                           uint32_t flags)
{
    if (t->n >= max)
        return NW_ETOOBIG;
    if (t->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 256;
        struct nw_tok *nv;
        if (ncap > max)
            ncap = max;
        nv = nw_realloc(t->v, ncap * sizeof(*nv));
        if (!nv)
            return NW_ENOMEM;
        t->v = nv;
        *cap = ncap;
    }
    t->v[t->n].off = off;
    t->v[t->n].len = len;
    t->v[t->n].base_len = len;
    t->v[t->n].flags = flags;
    t->n++;
    return NW_OK;
}

/* Scans one word or number starting at i; returns its end and sets flags. */
static size_t scan_word(const unsigned char *s, size_t len, size_t i, uint32_t *flags,
                        uint32_t *base_len)
{
    size_t start = i, step, letters = 0, upper = 0, end_base = 0;
    int32_t cp = decode(s, len, i, &step);
    int first_letter_seen = 0;

    *flags = is_digit(cp) ? NW_TOK_NUM : 0;
    while (i < len) {
        cp = decode(s, len, i, &step);
        if (is_letter(cp) || is_digit(cp)) {
            if (is_letter(cp)) {
                utf8proc_category_t c = cp < 128 ? ((cp >= 'A' && cp <= 'Z') ? UTF8PROC_CATEGORY_LU
                                                                             : UTF8PROC_CATEGORY_LL)
                                                 : utf8proc_category(cp);
                letters++;
                if (c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT) {
                    upper++;
                    if (!first_letter_seen)
                        *flags |= NW_TOK_CAP;
                }
                first_letter_seen = 1;
            }
            i += step;
            continue;
        }
        /* joiners inside a word: hyphen, apostrophe, and separators inside numbers */
        if (i + step < len) {
            size_t step2;
            int32_t next = decode(s, len, i + step, &step2);
            int next_word = is_letter(next) || is_digit(next);
            if ((is_hyphen(cp) || is_apostrophe(cp)) && next_word) {
                if (is_apostrophe(cp) && (next == 's' || next == 'S') &&
                    (i + step + step2 >= len ||
                     !is_letter(decode(s, len, i + step + step2, &step2))))
                    end_base = i;
                i += step;
                continue;
            }
            if ((*flags & NW_TOK_NUM) && (cp == ',' || cp == '.') && is_digit(next) &&
                letters == 0) {
                i += step;
                continue;
            }
            /* abbreviations with dots: U.S., U.N., U.K. */
            if (cp == '.' && letters == upper && i - start <= 5 && is_letter(next) && letters > 0 &&
                (i - start == 1 || s[i - 2] == '.')) {
                i += step;
                continue;
            }
        }
        if (cp == '.' && letters > 0 && letters == upper && i >= start + 3 && s[i - 2] == '.') {
            i += step; /* closing dot of U.S. */
        }
        break;
    }
    if (letters > 0)
        *flags |= NW_TOK_WORD;
    if (letters >= 2 && upper == letters)
        *flags |= NW_TOK_UPPER;
    *base_len = (uint32_t)((end_base ? end_base : i) - start);
    return i;
}

enum nw_status nw_toks_init(struct nw_toks *toks, const char *text, size_t len, size_t max_tokens)
{
    enum nw_status result = NW_OK;
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, cap = 0, step;
    int sent_start = 1;

    memset(toks, 0, sizeof(*toks));
    toks->text = text;
    if (!text)
        return NW_OK;
    if (len > NW_TOK_MAX_SCAN)
        len = NW_TOK_MAX_SCAN;
    while (i < len) {
        int32_t cp = decode(s, len, i, &step);
        if (cp == '\n') {
            size_t j = i + 1, nl = 1;
            while (j < len && (s[j] == '\n' || s[j] == ' ' || s[j] == '\r' || s[j] == '\t')) {
                if (s[j] == '\n')
                    nl++;
                j++;
            }
            if (nl >= 2) {
                result = push(toks, &cap, max_tokens, (uint32_t)i, (uint32_t)(j - i),
                              NW_TOK_PARA | NW_TOK_PUNCT);
                if (result != NW_OK)
                    goto out;
                sent_start = 1;
            }
            i = j;
            continue;
        }
        if (is_space(cp)) {
            i += step;
            continue;
        }
        if (is_letter(cp) || is_digit(cp)) {
            uint32_t flags, base;
            size_t end = scan_word(s, len, i, &flags, &base);
            if (sent_start)
                flags |= NW_TOK_SENT_START;
            sent_start = 0;
            result = push(toks, &cap, max_tokens, (uint32_t)i, (uint32_t)(end - i), flags);
            if (result != NW_OK)
                goto out;
            toks->v[toks->n - 1].base_len = base;
            i = end;
            continue;
        }
        {
            uint32_t flags = NW_TOK_PUNCT | (is_quote(cp) ? NW_TOK_QUOTE : 0);
            result = push(toks, &cap, max_tokens, (uint32_t)i, (uint32_t)step, flags);
            if (result != NW_OK)
                goto out;
            if (cp == '.' || cp == '!' || cp == '?')
                sent_start = 1;
            i += step;
        }
    }
out:
    if (result == NW_ETOOBIG)
        result = NW_OK; /* a bounded prefix of a huge text is still useful */
    return result;
}

void nw_toks_fini(struct nw_toks *toks)
{
    if (!toks)
        return;
    nw_free(toks->v);
    memset(toks, 0, sizeof(*toks));
}

int nw_tok_is(const struct nw_toks *toks, size_t i, char c)
{
    return i < toks->n && toks->v[i].len == 1 && toks->text[toks->v[i].off] == c;
}

int nw_tok_eq(const struct nw_toks *toks, size_t i, const char *word)
{
    size_t n = strlen(word);
    const char *p;
    if (i >= toks->n || toks->v[i].base_len != n)
        return 0;
    p = toks->text + toks->v[i].off;
    for (size_t k = 0; k < n; k++) {
        char a = p[k], b = word[k];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

size_t nw_tok_lower(const struct nw_toks *toks, size_t i, char *out, size_t out_size)
{
    size_t n = 0;
    if (!out_size)
        return 0;
    if (i < toks->n) {
        const char *p = toks->text + toks->v[i].off;
        size_t len = toks->v[i].base_len;
        for (; n < len && n + 1 < out_size; n++) {
            char c = p[n];
            out[n] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
    }
    out[n] = '\0';
    return n;
}

int nw_tok_word_in(const struct nw_toks *toks, size_t i, const char *const *list, size_t n)
{
    char w[NW_TOK_WORD_IN_MAX + 1];
    if (i >= toks->n || !(toks->v[i].flags & NW_TOK_WORD))
        return 0;
    nw_tok_lower(toks, i, w, sizeof(w));
    for (size_t k = 0; k < n; k++)
        if (strcmp(w, list[k]) == 0)
            return 1;
    return 0;
}
