/*
 * amounts.c — numbers with what they count. A number token (digits with "," and "." inside,
 * an optional magnitude suffix "m", "bn", "k") may have a currency before it (a symbol,
 * "US$", an ISO 4217 code) or after it ("dollars", a code), a magnitude word after it
 * ("million"), and then "%" / "percent" or up to two adjectives and a people noun.
 */
#include "amounts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NW_AMOUNTS_WORD 32

static const struct {
    const char *word;
    double factor;
} magnitudes[] = {
    {"thousand", 1e3}, {"million", 1e6},  {"billion", 1e9},  {"trillion", 1e12}, {"mn", 1e6},
    {"mln", 1e6},      {"bn", 1e9},       {"b", 1e9},        {"m", 1e6},         {"k", 1e3},
    {"tn", 1e12},      {"trn", 1e12},     {"crore", 1e7},    {"crores", 1e7},    {"lakh", 1e5},
    {"lakhs", 1e5},    {"millions", 1e6}, {"billions", 1e9},
};

static const struct {
    const char *sym;
    const char *code;
} symbols[] = {
    {"$", "USD"},
    {"\xE2\x82\xAC", "EUR"},
    {"\xC2\xA3", "GBP"},
    {"\xC2\xA5", "JPY"},
    {"\xE2\x82\xB9", "INR"},
    {"\xE2\x82\xBD", "RUB"},
    {"\xE2\x82\xA9", "KRW"},
    {"\xE2\x82\xBA", "TRY"},
};

static const struct {
    const char *word;
    const char *code;
} currency_words[] = {
    {"dollars", "USD"}, {"dollar", "USD"},  {"euros", "EUR"},  {"euro", "EUR"},
    {"pounds", "GBP"},  {"yen", "JPY"},     {"yuan", "CNY"},   {"renminbi", "CNY"},
    {"rubles", "RUB"},  {"roubles", "RUB"}, {"riyals", "SAR"}, {"dirhams", "AED"},
    {"francs", "CHF"},  {"won", "KRW"},     {"lira", "TRY"},
};

/* Who is counted: a plural noun for people. */
static const char *const people_nouns[] = {
    "people",     "persons",    "refugees",   "migrants",       "civilians",
    "soldiers",   "troops",     "workers",    "children",       "women",
    "men",        "residents",  "students",   "patients",       "voters",
    "employees",  "pilgrims",   "prisoners",  "detainees",      "protesters",
    "casualties", "victims",    "citizens",   "nationals",      "fighters",
    "militants",  "passengers", "immigrants", "asylum-seekers", "teachers",
    "doctors",    "nurses",     "farmers",    "individuals",    "inhabitants",
    "tourists",   "visitors",   "staff",      "users",          "customers",
    "members",    "families",   "households", "adults",         "infants",
    "deaths",     "dead",       "killed",
};

enum nw_status nw_currencies_init(struct nw_currencies *cur, const char *iso_codes_dir,
                                  char *errstr, size_t errstr_size)
{
    enum nw_status result;
    char path[4096];
    json_error_t jerr;
    json_t *root, *arr, *item;
    size_t i;

    result = nw_strmap_init(&cur->codes, 512);
    if (result != NW_OK)
        return nw_fail(result, errstr, errstr_size, "amounts: out of memory");
    snprintf(path, sizeof(path), "%s/iso_4217.json",
             iso_codes_dir ? iso_codes_dir : NW_ISO_CODES_DIR);
    root = json_load_file(path, 0, &jerr);
    arr = root ? json_object_get(root, "4217") : NULL;
    if (!json_is_array(arr)) {
        json_decref(root);
        nw_currencies_fini(cur);
        return nw_fail(NW_EIO, errstr, errstr_size, "amounts: cannot read %s: %s", path,
                       root ? "no 4217 array" : jerr.text);
    }
    json_array_foreach(arr, i, item)
    {
        const char *code = json_string_value(json_object_get(item, "alpha_3"));
        if (code && strlen(code) == 3 &&
            (result = nw_strmap_put(&cur->codes, code, 3, 1, NULL)) == NW_ENOMEM)
            break;
        result = NW_OK;
    }
    json_decref(root);
    if (result != NW_OK) {
        nw_currencies_fini(cur);
        return nw_fail(result, errstr, errstr_size, "amounts: out of memory");
    }
    return NW_OK;
}

void nw_currencies_fini(struct nw_currencies *cur)
{
    if (cur)
        nw_strmap_fini(&cur->codes);
}

static const char *ttext(const struct nw_toks *t, size_t i)
{
    return t->text + t->v[i].off;
}

static int tok_equals(const struct nw_toks *t, size_t i, const char *s)
{
    return i < t->n && t->v[i].len == strlen(s) && memcmp(ttext(t, i), s, t->v[i].len) == 0;
}

static const char *symbol_code(const struct nw_toks *t, size_t i)
{
    for (size_t k = 0; k < sizeof(symbols) / sizeof(symbols[0]); k++)
        if (tok_equals(t, i, symbols[k].sym))
            return symbols[k].code;
    return NULL;
}

/* A currency code token: upper case and in ISO 4217. */
static int is_code(const struct nw_currencies *cur, const struct nw_toks *t, size_t i, char code[4])
{
    if (i >= t->n || t->v[i].len != 3 || !(t->v[i].flags & NW_TOK_UPPER))
        return 0;
    if (!nw_strmap_get(&cur->codes, ttext(t, i), 3))
        return 0;
    memcpy(code, ttext(t, i), 3);
    code[3] = '\0';
    return 1;
}

static double magnitude(const char *w)
{
    for (size_t k = 0; k < sizeof(magnitudes) / sizeof(magnitudes[0]); k++)
        if (strcmp(w, magnitudes[k].word) == 0)
            return magnitudes[k].factor;
    return 0;
}

/* Parses "2,867", "1.7", "900m", "1.2bn". Returns 0 if the token is no plain number. */
static int parse_number(const struct nw_toks *t, size_t i, double *value, double *factor)
{
    char digits[48], suffix[8];
    size_t nd = 0, ns = 0;
    const char *s = ttext(t, i);
    int dots = 0;
    *factor = 1;
    for (size_t k = 0; k < t->v[i].len; k++) {
        char c = s[k];
        if (c >= '0' && c <= '9' && ns == 0) {
            if (nd + 1 >= sizeof(digits))
                return 0;
            digits[nd++] = c;
        } else if (c == '.' && ns == 0) {
            if (++dots > 1 || nd + 1 >= sizeof(digits))
                return 0;
            digits[nd++] = '.';
        } else if (c == ',' && ns == 0) {
            continue;
        } else if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) && ns + 1 < sizeof(suffix)) {
            suffix[ns++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        } else {
            return 0;
        }
    }
    if (nd == 0)
        return 0;
    digits[nd] = '\0';
    suffix[ns] = '\0';
    if (ns) {
        *factor = magnitude(suffix);
        if (*factor == 0)
            return 0; /* "3rd", "10km": not an amount */
    }
    *value = strtod(digits, NULL);
    return 1;
}

static int is_demonym_plural(const struct nw_gazetteer *gaz, const struct nw_toks *t, size_t i)
{
    int hits[2];
    size_t n;
    if (i >= t->n || !(t->v[i].flags & NW_TOK_CAP) || t->v[i].base_len < 3 ||
        ttext(t, i)[t->v[i].base_len - 1] != 's')
        return 0;
    n = nw_gazetteer_lookup(gaz, ttext(t, i), t->v[i].base_len, hits, 2);
    return n > 0 && nw_gazetteer_entry(gaz, hits[0])->kind == NW_GAZ_COUNTRY;
}

static int is_adjective_like(const struct nw_toks *t, size_t i)
{
    /* a word, not a number or punctuation; capitalized adjectives ("Afghan") included */
    return i < t->n && (t->v[i].flags & NW_TOK_WORD) && !(t->v[i].flags & NW_TOK_NUM) &&
           t->v[i].len <= 20;
}

static enum nw_status emit(json_t *arr, const struct nw_toks *t, size_t a, size_t b, double v,
                           const char *unit)
{
    size_t start = t->v[a].off, end = t->v[b - 1].off + t->v[b - 1].len;
    json_t *value, *item;
    if (json_array_size(arr) >= NW_AMOUNTS_MAX)
        return NW_OK;
    if (v == floor(v) && fabs(v) < 9007199254740992.0)
        value = json_integer((json_int_t)v);
    else
        value = json_real(v);
    item = json_pack("{s:s%, s:o, s:s}", "text", t->text + start, end - start, "value", value,
                     "unit", unit);
    if (!item || json_array_append_new(arr, item))
        return NW_ENOMEM;
    return NW_OK;
}

enum nw_status nw_amounts_find(const struct nw_currencies *cur, const struct nw_gazetteer *gaz,
                               const struct nw_toks *t, json_t **out)
{
    json_t *arr = json_array();
    enum nw_status result = NW_OK;
    size_t i = 0;

    *out = NULL;
    if (!arr)
        return NW_ENOMEM;
    while (i < t->n && json_array_size(arr) < NW_AMOUNTS_MAX) {
        double value, factor, f2;
        size_t a = i, b = i + 1;
        const char *unit = NULL;
        char code[4], w[NW_AMOUNTS_WORD];

        if (!(t->v[i].flags & NW_TOK_NUM) || !parse_number(t, i, &value, &factor)) {
            i++;
            continue;
        }
        /* currency before: "$", "US$", "EUR", "Rs" is left out (ambiguous) */
        if (i > 0 && (unit = symbol_code(t, i - 1)) != NULL) {
            a = i - 1;
            if (a > 0 && t->v[a - 1].off + t->v[a - 1].len == t->v[a].off &&
                (tok_equals(t, a - 1, "US") || tok_equals(t, a - 1, "A") ||
                 tok_equals(t, a - 1, "C") || tok_equals(t, a - 1, "HK")) &&
                strcmp(unit, "USD") == 0) {
                a--;
                unit = tok_equals(t, a, "A")    ? "AUD"
                       : tok_equals(t, a, "C")  ? "CAD"
                       : tok_equals(t, a, "HK") ? "HKD"
                                                : "USD";
            }
        } else if (i > 0 && is_code(cur, t, i - 1, code)) {
            a = i - 1;
            unit = NULL;
        }
        /* magnitude word */
        if (b < t->n && (t->v[b].flags & NW_TOK_WORD)) {
            nw_tok_lower(t, b, w, sizeof(w));
            f2 = magnitude(w);
            if (f2 > 0 && factor == 1 && strcmp(w, "b") != 0 && strcmp(w, "m") != 0 &&
                strcmp(w, "k") != 0) {
                factor = f2;
                b++;
            }
        }
        value *= factor;
        if (a < i && !unit)
            unit = NULL; /* filled from the code below */
        if (a < i && t->v[a].len == 3 && (t->v[a].flags & NW_TOK_UPPER)) {
            memcpy(code, ttext(t, a), 3);
            code[3] = '\0';
            unit = code;
        }
        if (!unit && b < t->n) {
            /* currency after: "5 million euros", "300 USD" */
            if (is_code(cur, t, b, code)) {
                unit = code;
                b++;
            } else {
                nw_tok_lower(t, b, w, sizeof(w));
                for (size_t k = 0; k < sizeof(currency_words) / sizeof(currency_words[0]); k++)
                    if (strcmp(w, currency_words[k].word) == 0) {
                        unit = currency_words[k].code;
                        b++;
                        break;
                    }
            }
        }
        if (!unit && b < t->n &&
            (tok_equals(t, b, "%") || nw_tok_word_in(t, b, (const char *[]){"percent", "pc"}, 2))) {
            unit = "percent";
            b++;
        } else if (!unit && b + 1 < t->n && tok_equals(t, b, "per") &&
                   nw_tok_word_in(t, b + 1, (const char *[]){"cent"}, 1)) {
            unit = "percent";
            b += 2;
        }
        if (!unit) {
            /* people: up to two adjectives, then a people noun or a demonym plural */
            for (size_t k = 0; k <= 2 && b + k < t->n; k++) {
                size_t j = b + k;
                if (nw_tok_word_in(t, j, people_nouns,
                                   sizeof(people_nouns) / sizeof(people_nouns[0])) ||
                    is_demonym_plural(gaz, t, j)) {
                    unit = "people";
                    b = j + 1;
                    break;
                }
                if (!is_adjective_like(t, j))
                    break;
            }
        }
        if (unit && (result = emit(arr, t, a, b, value, unit)) != NW_OK)
            goto out;
        i = unit ? b : i + 1;
    }
out:
    if (result != NW_OK) {
        json_decref(arr);
        return result;
    }
    *out = arr;
    return NW_OK;
}
