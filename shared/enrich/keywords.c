/*
 * keywords.c — term scoring: tf * weight, where stopwords weigh 0 and words of a small
 * background list of frequent news words weigh less; phrases are adjacent non-stopword
 * pairs within a sentence that occur at least twice.
 */
#include "keywords.h"

#include <libstemmer.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "mem.h"
#include "strmap.h"

#define NW_KW_MAX_TERMS 8192
#define NW_KW_WORD 40
#define NW_KW_STEMMERS 8
#define NW_KW_BACKGROUND_WEIGHT 0.35
#define NW_KW_PHRASE_BONUS 1.6
#define NW_KW_MAX_WORDS 20000

struct stemmer_slot {
    char lang[3];
    struct sb_stemmer *st; /* NULL: no Snowball stemmer for the language */
};

struct nw_keywords {
    struct stemmer_slot slots[NW_KW_STEMMERS];
    size_t n;
    struct nw_strmap words; /* stopword -> language bits, background word -> BG bit */
};

enum { W_EN = 1, W_FR = 2, W_DE = 4, W_ES = 8, W_BG = 16 };

static const char *const stop_en[] = {
    "a",       "about",     "above",  "after",     "again",      "against",  "all",     "also",
    "am",      "an",        "and",    "any",       "are",        "as",       "at",      "be",
    "because", "been",      "before", "being",     "below",      "between",  "both",    "but",
    "by",      "can",       "could",  "did",       "do",         "does",     "doing",   "down",
    "during",  "each",      "even",   "few",       "for",        "from",     "further", "had",
    "has",     "have",      "having", "he",        "her",        "here",     "hers",    "herself",
    "him",     "himself",   "his",    "how",       "i",          "if",       "in",      "into",
    "is",      "it",        "its",    "itself",    "just",       "may",      "me",      "might",
    "more",    "most",      "much",   "must",      "my",         "myself",   "no",      "nor",
    "not",     "now",       "of",     "off",       "on",         "once",     "only",    "or",
    "other",   "our",       "ours",   "ourselves", "out",        "over",     "own",     "same",
    "shall",   "she",       "should", "so",        "some",       "such",     "than",    "that",
    "the",     "their",     "theirs", "them",      "themselves", "then",     "there",   "these",
    "they",    "this",      "those",  "through",   "to",         "too",      "under",   "until",
    "up",      "upon",      "us",     "very",      "was",        "we",       "were",    "what",
    "when",    "where",     "which",  "while",     "who",        "whom",     "whose",   "why",
    "will",    "with",      "within", "without",   "would",      "you",      "your",    "yours",
    "s",       "t",         "said",   "says",      "one",        "two",      "three",   "however",
    "since",   "still",     "yet",    "already",   "another",    "many",     "several", "per",
    "via",     "towards",   "toward", "among",     "despite",    "although", "though",  "whether",
    "either",  "neither",   "every",  "like",      "well",       "back",     "around",  "across",
    "along",   "according", "don't",  "it's",      "he's",       "she's",    "there's", "mr",
    "ms",      "mrs",
};

/* Small stopword lists for other main languages (most frequent function words). */
static const char *const stop_fr[] = {"le",   "la",  "les", "de",    "des",  "du",  "un",   "une",
                                      "et",   "en",  "à",   "au",    "aux",  "que", "qui",  "dans",
                                      "pour", "par", "sur", "est",   "sont", "a",   "ont",  "il",
                                      "elle", "ils", "ce",  "cette", "ne",   "pas", "plus", "se",
                                      "son",  "sa",  "ses", "avec",  "l",    "d",   "qu"};
static const char *const stop_de[] = {
    "der", "die", "das",  "den", "dem", "des",  "ein",  "eine",  "einer", "und",  "in",   "zu",
    "mit", "von", "auf",  "für", "ist", "sind", "im",   "nicht", "sich",  "auch", "es",   "er",
    "sie", "wir", "dass", "als", "an",  "bei",  "nach", "aus",   "wie",   "hat",  "haben"};
static const char *const stop_es[] = {"el",  "la",   "los", "las", "de",   "del",  "un",  "una",
                                      "y",   "en",   "a",   "que", "por",  "para", "con", "se",
                                      "es",  "son",  "al",  "lo",  "su",   "sus",  "no",  "como",
                                      "más", "pero", "ha",  "han", "este", "esta"};

/* Frequent words of news English: present in most articles, so weak as keywords. */
static const char *const background_en[] = {
    "year",          "years",     "new",         "people",  "time",   "government", "country",
    "countries",     "first",     "last",        "made",    "make",   "including",  "part",
    "number",        "day",       "days",        "week",    "month",  "months",     "report",
    "reported",      "told",      "added",       "percent", "world",  "state",      "states",
    "official",      "officials", "way",         "need",    "use",    "used",       "take",
    "taken",         "high",      "long",        "major",   "public", "local",      "national",
    "international", "today",     "recent",      "past",    "ahead",  "future",     "across",
    "key",           "important", "significant", "set",     "become", "remain",     "remains",
    "continue",      "continues", "show",        "shows",   "region", "also",
};

static enum nw_status add_words(struct nw_strmap *m, const char *const *list, size_t n, int bit)
{
    for (size_t i = 0; i < n; i++) {
        int *v;
        enum nw_status r = nw_strmap_put(m, list[i], strlen(list[i]), 0, &v);
        if (r != NW_OK)
            return r;
        *v |= bit;
    }
    return NW_OK;
}

#define ADD_WORDS(m, l, bit) add_words(m, l, sizeof(l) / sizeof(l[0]), bit)

struct nw_keywords *nw_keywords_create(void)
{
    struct nw_keywords *kw = nw_calloc(1, sizeof(struct nw_keywords));
    if (!kw)
        return NULL;
    /* one hash lookup per word instead of scanning the lists */
    if (nw_strmap_init(&kw->words, 1024) != NW_OK || ADD_WORDS(&kw->words, stop_en, W_EN) ||
        ADD_WORDS(&kw->words, stop_fr, W_FR) || ADD_WORDS(&kw->words, stop_de, W_DE) ||
        ADD_WORDS(&kw->words, stop_es, W_ES) || ADD_WORDS(&kw->words, background_en, W_BG)) {
        nw_keywords_destroy(kw);
        return NULL;
    }
    return kw;
}

void nw_keywords_destroy(struct nw_keywords *kw)
{
    if (!kw)
        return;
    for (size_t i = 0; i < kw->n; i++)
        if (kw->slots[i].st)
            sb_stemmer_delete(kw->slots[i].st);
    nw_strmap_fini(&kw->words);
    nw_free(kw);
}

static struct sb_stemmer *stemmer_for(struct nw_keywords *kw, const char *lang)
{
    if (!lang || strlen(lang) != 2)
        return NULL;
    for (size_t i = 0; i < kw->n; i++)
        if (strcmp(kw->slots[i].lang, lang) == 0)
            return kw->slots[i].st;
    if (kw->n >= NW_KW_STEMMERS)
        return NULL;
    /* libstemmer knows ISO 639-1 codes; NULL when it has no stemmer (or no memory:
     * then the keywords are unstemmed, which is still useful) */
    memcpy(kw->slots[kw->n].lang, lang, 3);
    kw->slots[kw->n].st = sb_stemmer_new(lang, NULL);
    return kw->slots[kw->n++].st;
}

static int word_bits(const struct nw_keywords *kw, const char *w, size_t n)
{
    const int *v = nw_strmap_get(&kw->words, w, n);
    return v ? *v : 0;
}

static int is_stop(int bits, const char *lang)
{
    if (bits & W_EN)
        return 1;
    if (!lang)
        return 0;
    if (strcmp(lang, "fr") == 0)
        return (bits & W_FR) != 0;
    if (strcmp(lang, "de") == 0)
        return (bits & W_DE) != 0;
    if (strcmp(lang, "es") == 0)
        return (bits & W_ES) != 0;
    return 0;
}

struct term {
    double tf;
    char surface[NW_KW_WORD * 2 + 2];
    double weight;
};

struct scored {
    const char *term;
    double score;
};

/* Lower-case copy of a token's base text (ASCII letters folded; other bytes kept). */
static size_t word_of(const struct nw_toks *t, size_t i, char *w, size_t size)
{
    return nw_tok_lower(t, i, w, size);
}

enum nw_status nw_keywords_find(struct nw_keywords *kw, const struct nw_toks *t, const char *lang,
                                json_t **out)
{
    enum nw_status result = NW_OK;
    struct nw_strmap map;
    struct term *terms = NULL;
    struct scored *best = NULL;
    size_t nterms = 0, nbest = 0, words = 0;
    struct sb_stemmer *st = stemmer_for(kw, lang);
    char prev_stem[NW_KW_WORD * 2] = "", prev_word[NW_KW_WORD] = "";
    json_t *arr = NULL;
    double top = 0;

    /* at most two terms per token (the word and its pair), so size by the text */
    size_t max_terms = 2 * t->n + 16 < NW_KW_MAX_TERMS ? 2 * t->n + 16 : NW_KW_MAX_TERMS;

    *out = NULL;
    if ((result = nw_strmap_init(&map, max_terms)) != NW_OK)
        return result;
    terms = nw_malloc(max_terms * sizeof(*terms));
    if (!terms) {
        result = NW_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < t->n && words < NW_KW_MAX_WORDS; i++) {
        char w[NW_KW_WORD], stem[NW_KW_WORD * 2], key[NW_KW_WORD * 4 + 2];
        size_t wl, sl;
        int *slot, bits;
        const sb_symbol *s;

        if (!(t->v[i].flags & NW_TOK_WORD) || (t->v[i].flags & NW_TOK_NUM) ||
            t->v[i].base_len >= NW_KW_WORD) {
            prev_stem[0] = '\0';
            continue;
        }
        if (t->v[i].flags & NW_TOK_SENT_START)
            prev_stem[0] = '\0';
        words++;
        wl = word_of(t, i, w, sizeof(w));
        bits = word_bits(kw, w, wl);
        if (wl < 3 || is_stop(bits, lang)) {
            prev_stem[0] = '\0';
            continue;
        }
        s = st ? sb_stemmer_stem(st, (const sb_symbol *)w, (int)wl) : NULL;
        sl = s ? (size_t)sb_stemmer_length(st) : wl;
        if (sl >= sizeof(stem))
            sl = sizeof(stem) - 1;
        memcpy(stem, s ? (const char *)s : w, sl);
        stem[sl] = '\0';
        /* the word itself, then the pair with the previous word */
        for (int pass = 0; pass < 2; pass++) {
            int n;
            if (pass == 0)
                n = snprintf(key, sizeof(key), "%s", stem);
            else if (prev_stem[0])
                n = snprintf(key, sizeof(key), "%s %s", prev_stem, stem);
            else
                break;
            if (n < 0 || (size_t)n >= sizeof(key))
                continue;
            result = nw_strmap_put(&map, key, (size_t)n, (int)nterms, &slot);
            if (result == NW_ETOOBIG) {
                result = NW_OK;
                continue;
            }
            if (result != NW_OK)
                goto out;
            if (*slot == (int)nterms) {
                struct term *tm = &terms[nterms++];
                tm->tf = 0;
                double wgt = (bits & W_BG) ? NW_KW_BACKGROUND_WEIGHT : 1.0;
                if (pass == 1) {
                    snprintf(tm->surface, sizeof(tm->surface), "%s %s", prev_word, w);
                    wgt *= NW_KW_PHRASE_BONUS;
                } else {
                    snprintf(tm->surface, sizeof(tm->surface), "%s", w);
                }
                tm->weight = wgt;
            }
            terms[*slot].tf += 1;
        }
        snprintf(prev_stem, sizeof(prev_stem), "%s", stem);
        snprintf(prev_word, sizeof(prev_word), "%s", w);
    }
    best = nw_calloc(NW_KEYWORDS_MAX + 1, sizeof(*best));
    if (!best) {
        result = NW_ENOMEM;
        goto out;
    }
    for (size_t k = 0; k < nterms; k++) {
        int phrase = strchr(terms[k].surface, ' ') != NULL;
        double score;
        size_t j;
        if (phrase && terms[k].tf < 2)
            continue;
        /* sublinear tf, so one word repeated everywhere does not drown the rest */
        score = (1.0 + log(terms[k].tf)) * terms[k].weight;
        if (terms[k].tf < 2 && words > 50)
            continue;
        j = nbest;
        while (j > 0 && best[j - 1].score < score) {
            if (j < NW_KEYWORDS_MAX)
                best[j] = best[j - 1];
            j--;
        }
        if (j < NW_KEYWORDS_MAX) {
            best[j].term = terms[k].surface;
            best[j].score = score;
            if (nbest < NW_KEYWORDS_MAX)
                nbest++;
        }
    }
    arr = json_array();
    if (!arr) {
        result = NW_ENOMEM;
        goto out;
    }
    top = nbest ? best[0].score : 1;
    for (size_t k = 0; k < nbest; k++) {
        json_t *item = json_pack("{s:s, s:f}", "term", best[k].term, "score",
                                 round(best[k].score / top * 1000) / 1000);
        if (!item || json_array_append_new(arr, item)) {
            result = NW_ENOMEM;
            goto out;
        }
    }
    *out = arr;
    arr = NULL;
out:
    json_decref(arr);
    nw_free(best);
    nw_free(terms);
    nw_strmap_fini(&map);
    return result;
}

enum nw_status nw_summary_make(const struct nw_toks *t, char **out)
{
    size_t words = 0, end = 0, sent_words = 0, i, cut = 0;
    struct nw_buf buf;

    *out = NULL;
    if (t->n == 0)
        return NW_OK;
    /* end of the last whole sentence within the word budget */
    for (i = 0; i < t->n; i++) {
        if ((t->v[i].flags & NW_TOK_SENT_START) && i > 0) {
            if (words > NW_SUMMARY_WORDS)
                break;
            end = t->v[i - 1].off + t->v[i - 1].len;
            sent_words = words;
        }
        if (t->v[i].flags & NW_TOK_WORD || t->v[i].flags & NW_TOK_NUM) {
            words++;
            if (words == NW_SUMMARY_WORDS)
                cut = t->v[i].off + t->v[i].len;
        }
    }
    if (i == t->n && words <= NW_SUMMARY_WORDS) {
        end = t->v[t->n - 1].off + t->v[t->n - 1].len;
        sent_words = words;
    }
    nw_buf_init(&buf, t->v[t->n - 1].off + t->v[t->n - 1].len + 8);
    if (sent_words == 0 || end == 0) {
        /* the first sentence alone is too long: cut it at the budget */
        if (nw_buf_append(&buf, t->text + t->v[0].off, cut - t->v[0].off) != NW_OK ||
            nw_buf_puts(&buf, "\xE2\x80\xA6") != NW_OK)
            goto fail;
    } else if (nw_buf_append(&buf, t->text + t->v[0].off, end - t->v[0].off) != NW_OK) {
        goto fail;
    }
    /* paragraph breaks become one space */
    {
        size_t w = 0;
        for (size_t k = 0; k < buf.len; k++) {
            char c = buf.data[k] == '\n' ? ' ' : buf.data[k];
            if (c == ' ' && w > 0 && buf.data[w - 1] == ' ')
                continue;
            buf.data[w++] = c;
        }
        nw_buf_truncate(&buf, w);
    }
    *out = nw_buf_detach(&buf, NULL);
    nw_buf_fini(&buf);
    return *out ? NW_OK : NW_ENOMEM;
fail:
    nw_buf_fini(&buf);
    return NW_ENOMEM;
}
