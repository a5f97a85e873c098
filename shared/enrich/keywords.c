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
/* Words per language kept from text to text. The 84 English pages of the evaluation set
 * alone use 8500 distinct words, and a lexicon that fills up starts over (every word of
 * the next texts stemmed again), so it holds a much larger news vocabulary: 32000 words
 * take 1.7 MB, so a language costs 2-3 MB at most. */
#define NW_KW_LEX_KEEP 32768

/* What a lower-cased word is in one language's texts. */
struct lex_word {
    uint32_t stem;   /* stem id (keywords only) */
    uint8_t bits;    /* W_ bits from the word lists */
    uint8_t keyword; /* three letters or more, and no stopword in this language */
};

/* A language's lexicon: its Snowball stemmer, every word met so far with its stopword
 * bits and the id of its stem, and the stems' terms in the current text. A worker sees
 * the same words article after article, so a word of a text costs one hash lookup here
 * (a Snowball stem costs far more), and a word's term in the text is found by stem id
 * in an array instead of through per-text tables of words and stems: fewer lookups, and
 * fewer cold cache lines per distinct word once the rest of the pipeline has run. */
struct lexicon {
    char lang[3]; /* "" for texts of no (or an unusable) language code */
    int ready;
    struct sb_stemmer *st;  /* NULL: words are their own stems */
    struct nw_strmap words; /* lower-cased word -> index in v */
    struct lex_word *v;
    size_t nv, v_cap;
    struct nw_strmap stems; /* stem -> stem id (ids count up from 0) */
    uint32_t *stem_term;    /* per stem id: its term in the current text, */
    uint32_t *stem_gen;     /* valid when stem_gen equals gen */
    size_t stems_cap;
    uint32_t gen; /* bumped per text */
};

/* A candidate keyword: a stem, or a pair of adjacent stems (a phrase). Its surface is
 * the lower-cased text of its first occurrence, kept as token indexes until output. */
struct term {
    double tf;
    double weight;
    uint32_t tok_a; /* first word of a phrase; NW_KW_NONE for a single word */
    uint32_t tok_b; /* the (last) word */
};

#define NW_KW_NONE UINT32_MAX

/* A phrase by the single-word terms of its two words: (first term << 32) | second term.
 * Within one text a stem has one term, so the pair of term indexes names the phrase
 * "stem stem" exactly (stems hold no space), and looking it up costs one integer hash
 * instead of building and hashing the joined string for every adjacent pair of words. */
struct pair_slot {
    uint64_t key;
    uint32_t gen; /* in use when equal to the table's gen */
    uint32_t term;
};

struct pair_map {
    struct pair_slot *slots;
    size_t cap; /* power of two, or 0 */
    size_t n;
    uint32_t gen; /* bumped per text, so clearing touches no slot */
};

/* Reused from call to call, so that a text costs no allocation once the buffers have
 * grown to the size of a typical article. */
struct nw_keywords {
    struct lexicon langs[NW_KW_STEMMERS];
    size_t n;
    struct lexicon none;     /* texts without a language code */
    struct lexicon overflow; /* one language at a time once langs is full (unstemmed) */
    struct nw_strmap words;  /* stopword -> language bits, background word -> BG bit */
    struct pair_map pairs;   /* phrase -> term index */
    struct term *terms;
    size_t terms_cap;
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

static void lex_fini(struct lexicon *lx)
{
    if (lx->st)
        sb_stemmer_delete(lx->st);
    nw_strmap_fini(&lx->words);
    nw_strmap_fini(&lx->stems);
    nw_free(lx->v);
    nw_free(lx->stem_term);
    nw_free(lx->stem_gen);
    memset(lx, 0, sizeof(*lx));
}

void nw_keywords_destroy(struct nw_keywords *kw)
{
    if (!kw)
        return;
    for (size_t i = 0; i < kw->n; i++)
        lex_fini(&kw->langs[i]);
    lex_fini(&kw->none);
    lex_fini(&kw->overflow);
    nw_strmap_fini(&kw->words);
    nw_free(kw->pairs.slots);
    nw_free(kw->terms);
    nw_free(kw);
}

/* Sets up an empty lexicon (allocates nothing yet). A text adds at most NW_KW_MAX_WORDS
 * words and the lexicon is emptied before a text when it holds over NW_KW_LEX_KEEP, so
 * its maps never fill. */
static void lex_init(struct lexicon *lx, const char *lang, struct sb_stemmer *st)
{
    memset(lx, 0, sizeof(*lx));
    snprintf(lx->lang, sizeof(lx->lang), "%s", lang);
    lx->st = st;
    nw_strmap_init(&lx->words, NW_KW_LEX_KEEP + NW_KW_MAX_WORDS);
    nw_strmap_init(&lx->stems, NW_KW_LEX_KEEP + NW_KW_MAX_WORDS);
    lx->ready = 1;
}

/* Forgets every word (keeps the memory). Only between texts: stem ids restart. */
static void lex_reset(struct lexicon *lx)
{
    nw_strmap_clear(&lx->words);
    nw_strmap_clear(&lx->stems);
    lx->nv = 0;
}

/* The lexicon for texts in lang, as the stemmer choice always was: a Snowball stemmer
 * per ISO 639-1 code for the first NW_KW_STEMMERS languages (none if libstemmer has
 * none), unstemmed words past that or without a code. */
static struct lexicon *lexicon_for(struct nw_keywords *kw, const char *lang)
{
    struct lexicon *lx;
    if (!lang || strlen(lang) != 2) {
        if (!kw->none.ready)
            lex_init(&kw->none, "", NULL);
        return &kw->none;
    }
    for (size_t i = 0; i < kw->n; i++)
        if (strcmp(kw->langs[i].lang, lang) == 0)
            return &kw->langs[i];
    if (kw->n < NW_KW_STEMMERS) {
        /* libstemmer knows ISO 639-1 codes; NULL when it has no stemmer (or no memory:
         * then the keywords are unstemmed, which is still useful) */
        lx = &kw->langs[kw->n++];
        lex_init(lx, lang, sb_stemmer_new(lang, NULL));
        return lx;
    }
    /* stopwords still follow the language, so the overflow lexicon holds one at a time */
    if (!kw->overflow.ready || strcmp(kw->overflow.lang, lang) != 0) {
        lex_fini(&kw->overflow);
        lex_init(&kw->overflow, lang, NULL);
    }
    return &kw->overflow;
}

/* Readies lx for a new text: a lexicon grown past NW_KW_LEX_KEEP starts over, and no
 * stem has a term yet. */
static void lex_begin_text(struct lexicon *lx)
{
    if (lx->nv > NW_KW_LEX_KEEP || lx->stems.n > NW_KW_LEX_KEEP)
        lex_reset(lx);
    if (++lx->gen == 0) {
        if (lx->stem_gen)
            memset(lx->stem_gen, 0, lx->stems_cap * sizeof(*lx->stem_gen));
        lx->gen = 1;
    }
}

/* The id of stem s (sl bytes) in *id, a new one if unseen. */
static enum nw_status stem_id(struct lexicon *lx, const char *s, size_t sl, uint32_t *id)
{
    int *slot;
    enum nw_status result = nw_strmap_put(&lx->stems, s, sl, (int)lx->stems.n, &slot);
    if (result != NW_OK)
        return result; /* NW_ETOOBIG cannot happen: see lex_init */
    *id = (uint32_t)*slot;
    if (*id >= lx->stems_cap) {
        size_t ncap = lx->stems_cap ? lx->stems_cap * 2 : 1024;
        uint32_t *nt = nw_realloc(lx->stem_term, ncap * sizeof(*nt)), *ng;
        if (!nt)
            return NW_ENOMEM;
        lx->stem_term = nt;
        ng = nw_realloc(lx->stem_gen, ncap * sizeof(*ng));
        if (!ng)
            return NW_ENOMEM;
        memset(ng + lx->stems_cap, 0, (ncap - lx->stems_cap) * sizeof(*ng));
        lx->stem_gen = ng;
        lx->stems_cap = ncap;
    }
    return NW_OK;
}

static int word_bits(const struct nw_keywords *kw, const char *w, size_t n);
static int is_stop(int bits, const char *lang);

/* What word w (wl bytes, lower case) is in lx's language, into *e: from the lexicon, or
 * worked out (word lists, stem) and added to it. */
static enum nw_status lex_word(struct nw_keywords *kw, struct lexicon *lx, const char *w, size_t wl,
                               struct lex_word *e)
{
    const int *known = nw_strmap_get(&lx->words, w, wl);
    enum nw_status result;
    int keep = 1;

    if (known) {
        *e = lx->v[*known];
        return NW_OK;
    }
    e->bits = (uint8_t)word_bits(kw, w, wl);
    e->keyword = wl >= 3 && !is_stop(e->bits, lx->lang[0] ? lx->lang : NULL);
    e->stem = 0;
    if (e->keyword) {
        const char *stem = w;
        size_t sl = wl;
        if (lx->st) {
            const sb_symbol *s = sb_stemmer_stem(lx->st, (const sb_symbol *)w, (int)wl);
            if (s) {
                stem = (const char *)s;
                sl = (size_t)sb_stemmer_length(lx->st);
                if (sl >= NW_KW_WORD * 2)
                    sl = NW_KW_WORD * 2 - 1;
            } else {
                keep = 0; /* out of memory in libstemmer: unstemmed, and not kept */
            }
        }
        if ((result = stem_id(lx, stem, sl, &e->stem)) != NW_OK)
            return result;
    }
    if (!keep)
        return NW_OK;
    if (nw_grow_array((void **)&lx->v, &lx->v_cap, lx->nv + 1, 1024, sizeof(*lx->v)))
        return NW_ENOMEM;
    if ((result = nw_strmap_put(&lx->words, w, wl, (int)lx->nv, NULL)) != NW_OK)
        return result;
    lx->v[lx->nv++] = *e;
    return NW_OK;
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

struct scored {
    size_t term;
    double score;
};

/* Appends a new term; its index in *idx. */
static enum nw_status new_term(struct nw_keywords *kw, size_t *nterms, double weight,
                               uint32_t tok_a, uint32_t tok_b, size_t *idx)
{
    struct term *tm;
    if (nw_grow_array((void **)&kw->terms, &kw->terms_cap, *nterms + 1, 512, sizeof(*kw->terms)))
        return NW_ENOMEM;
    tm = &kw->terms[*nterms];
    tm->tf = 0;
    tm->weight = weight;
    tm->tok_a = tok_a;
    tm->tok_b = tok_b;
    *idx = (*nterms)++;
    return NW_OK;
}

static size_t pair_hash(uint64_t key)
{
    key ^= key >> 31;
    key *= 0x9E3779B97F4A7C15ULL;
    return (size_t)(key ^ (key >> 29));
}

static enum nw_status pairs_grow(struct pair_map *pm)
{
    size_t ncap = pm->cap ? pm->cap * 2 : 1024;
    struct pair_slot *ns = nw_calloc(ncap, sizeof(*ns));
    if (!ns)
        return NW_ENOMEM;
    for (size_t i = 0; i < pm->cap; i++) {
        size_t j;
        if (pm->slots[i].gen != pm->gen)
            continue;
        j = pair_hash(pm->slots[i].key) & (ncap - 1);
        while (ns[j].gen == pm->gen)
            j = (j + 1) & (ncap - 1);
        ns[j] = pm->slots[i];
    }
    nw_free(pm->slots);
    pm->slots = ns;
    pm->cap = ncap;
    return NW_OK;
}

/* The term of the phrase of single-word terms a then b (created with weight and surface
 * tokens if new): its index in *idx, or -1 when the text has NW_KW_MAX_TERMS terms. */
static enum nw_status phrase_of(struct nw_keywords *kw, size_t *nterms, uint32_t a, uint32_t b,
                                double weight, uint32_t tok_a, uint32_t tok_b, long *idx)
{
    struct pair_map *pm = &kw->pairs;
    uint64_t key = ((uint64_t)a << 32) | b;
    size_t i = 0, ti;
    enum nw_status result;

    *idx = -1;
    if (pm->cap) {
        for (i = pair_hash(key) & (pm->cap - 1); pm->slots[i].gen == pm->gen;
             i = (i + 1) & (pm->cap - 1))
            if (pm->slots[i].key == key) {
                *idx = pm->slots[i].term;
                return NW_OK;
            }
    }
    if (*nterms >= NW_KW_MAX_TERMS)
        return NW_OK;
    if (2 * (pm->n + 1) > pm->cap) {
        if ((result = pairs_grow(pm)) != NW_OK)
            return result;
        for (i = pair_hash(key) & (pm->cap - 1); pm->slots[i].gen == pm->gen;
             i = (i + 1) & (pm->cap - 1))
            ;
    }
    if ((result = new_term(kw, nterms, weight, tok_a, tok_b, &ti)) != NW_OK)
        return result;
    pm->slots[i].key = key;
    pm->slots[i].gen = pm->gen;
    pm->slots[i].term = (uint32_t)ti;
    pm->n++;
    *idx = (long)ti;
    return NW_OK;
}

/* Empties the phrase table for a text of up to n phrases. A table much larger than that
 * (from an earlier, longer text) is dropped for a small one, so that a text's phrases
 * share few cache lines instead of being scattered over a table sized for the longest
 * text so far (its lines are cold once the rest of the pipeline has run). */
static void pairs_clear(struct pair_map *pm, size_t n)
{
    size_t fit = 1024;
    while (2 * n > fit)
        fit *= 2;
    if (pm->cap > 4 * fit) {
        nw_free(pm->slots);
        pm->slots = NULL;
        pm->cap = 0;
        pm->n = 0;
        return; /* grows on the first insertion */
    }
    if (++pm->gen == 0) {
        if (pm->slots)
            memset(pm->slots, 0, pm->cap * sizeof(*pm->slots));
        pm->gen = 1;
    }
    pm->n = 0;
}

/* The lower-cased surface of term tm into out. */
static void surface(const struct nw_toks *t, const struct term *tm, char *out, size_t size)
{
    size_t n = 0;
    if (tm->tok_a != NW_KW_NONE) {
        n = nw_tok_lower(t, tm->tok_a, out, size);
        if (n + 2 < size)
            out[n++] = ' ';
    }
    nw_tok_lower(t, tm->tok_b, out + n, size - n);
}

enum nw_status nw_keywords_find(struct nw_keywords *kw, const struct nw_toks *t, const char *lang,
                                json_t **out)
{
    enum nw_status result = NW_OK;
    struct scored best[NW_KEYWORDS_MAX + 1];
    size_t nterms = 0, nbest = 0, words = 0;
    struct lexicon *lx = lexicon_for(kw, lang);
    long prev = -1; /* single-word term of the previous word, if it can start a phrase */
    uint32_t prev_tok = 0;
    json_t *arr = NULL;
    double top = 0;

    *out = NULL;
    /* the text has at most this many distinct words and phrases */
    for (size_t i = 0; i < t->n; i++)
        words += (t->v[i].flags & NW_TOK_WORD) != 0;
    if (words > NW_KW_MAX_TERMS)
        words = NW_KW_MAX_TERMS;
    pairs_clear(&kw->pairs, words);
    lex_begin_text(lx);
    words = 0;
    for (size_t i = 0; i < t->n && words < NW_KW_MAX_WORDS; i++) {
        char w[NW_KW_WORD];
        size_t wl;
        long ti, pi;
        struct lex_word e;

        if (!(t->v[i].flags & NW_TOK_WORD) || (t->v[i].flags & NW_TOK_NUM) ||
            t->v[i].base_len >= NW_KW_WORD) {
            prev = -1;
            continue;
        }
        if (t->v[i].flags & NW_TOK_SENT_START)
            prev = -1;
        words++;
        wl = nw_tok_lower(t, i, w, sizeof(w));
        if ((result = lex_word(kw, lx, w, wl, &e)) != NW_OK)
            goto out;
        if (!e.keyword) {
            prev = -1;
            continue;
        }
        /* the stem's term in this text, created at its first word */
        if (lx->stem_gen[e.stem] == lx->gen) {
            ti = (long)lx->stem_term[e.stem];
        } else if (nterms >= NW_KW_MAX_TERMS) {
            prev = -1;
            continue;
        } else {
            size_t nt;
            if ((result = new_term(kw, &nterms, (e.bits & W_BG) ? NW_KW_BACKGROUND_WEIGHT : 1.0,
                                   NW_KW_NONE, (uint32_t)i, &nt)) != NW_OK)
                goto out;
            lx->stem_gen[e.stem] = lx->gen;
            lx->stem_term[e.stem] = (uint32_t)nt;
            ti = (long)nt;
        }
        kw->terms[ti].tf += 1;
        if (prev >= 0) {
            /* the pair with the previous word: "stem stem" */
            result =
                phrase_of(kw, &nterms, (uint32_t)prev, (uint32_t)ti,
                          ((e.bits & W_BG) ? NW_KW_BACKGROUND_WEIGHT : 1.0) * NW_KW_PHRASE_BONUS,
                          prev_tok, (uint32_t)i, &pi);
            if (result != NW_OK)
                goto out;
            if (pi >= 0)
                kw->terms[pi].tf += 1;
        }
        prev = ti;
        prev_tok = (uint32_t)i;
    }
    for (size_t k = 0; k < nterms; k++) {
        const struct term *tm = &kw->terms[k];
        double score;
        size_t j;
        if (tm->tok_a != NW_KW_NONE && tm->tf < 2)
            continue;
        if (tm->tf < 2 && words > 50)
            continue;
        /* sublinear tf, so one word repeated everywhere does not drown the rest */
        score = (1.0 + log(tm->tf)) * tm->weight;
        j = nbest;
        while (j > 0 && best[j - 1].score < score) {
            if (j < NW_KEYWORDS_MAX)
                best[j] = best[j - 1];
            j--;
        }
        if (j < NW_KEYWORDS_MAX) {
            best[j].term = k;
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
        char sf[NW_KW_WORD * 2 + 2];
        json_t *item;
        surface(t, &kw->terms[best[k].term], sf, sizeof(sf));
        item =
            json_pack("{s:s, s:f}", "term", sf, "score", round(best[k].score / top * 1000) / 1000);
        if (!item || json_array_append_new(arr, item)) {
            result = NW_ENOMEM;
            goto out;
        }
    }
    *out = arr;
    arr = NULL;
out:
    json_decref(arr);
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
