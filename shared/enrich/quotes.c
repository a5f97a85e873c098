/*
 * quotes.c — quotation marks pair up (“ with ”, " with the next "), within
 * NW_QUOTES_MAX_TOKENS tokens. The attribution is looked for after the closing mark
 * (", the report said", "Kakar added", "said Kakar") and then before the opening mark
 * in the sentence that leads into it ("Kakar said: “...”", "Dar told reporters that “...”",
 * "according to the ministry, “...”", a lead-in paragraph ending with a colon), within a
 * few tokens. A quote that ends its sentence with no attribution around it is given the
 * person who speaks in the sentence after it ("“...” The minister, John Smith, said so on
 * Monday."), in the same paragraph or, pointing back at it, in the next; "he said" with no person
 * named before the quote is the first person named in the sentence that follows ("“...,” he said.
 * Smith also ...").
 */
#include "quotes.h"

#include <string.h>

#define NW_QUOTES_ATTR_TOKENS 8
#define NW_QUOTES_SPEAKER_MAX 80
#define NW_QUOTES_NEXT_TOKENS 24 /* tokens of the sentence after a quote that are read */

static const char *const speech_verbs[] = {
    "said",         "says",       "say",         "added",      "adds",       "noted",
    "notes",        "stressed",   "detailed",    "told",       "tells",      "asserted",
    "stated",       "states",     "explained",   "warned",     "argued",     "insisted",
    "wrote",        "writes",     "remarked",    "declared",   "announced",  "observed",
    "commented",    "continued",  "concluded",   "claimed",    "emphasised", "emphasized",
    "acknowledged", "admitted",   "replied",     "responded",  "urged",      "asked",
    "according",    "underlined", "highlighted", "maintained",
};

static const char *const pronouns[] = {"he", "she"};
static const char *const inversions[] = {"so", "thus", "as"};
/* Words of a sentence that point back at the quote before it. */
static const char *const pointers[] = {"so", "this", "these", "remarks", "comments", "words"};
/* Nouns for what a speaker said ("the remarks were made by ..."). */
static const char *const words_nouns[] = {"remarks", "comments", "statement", "words"};
static const char *const it_pronouns[] = {"it", "they"};

#define WORD_IN(t, i, l) nw_tok_word_in(t, i, l, sizeof(l) / sizeof(l[0]))

/* Does token i begin with the n bytes of lit? Never reads past the token: a one-byte
 * quote at the very end of the text is followed by its terminator only. */
static int tok_starts(const struct nw_toks *t, size_t i, const char *lit, size_t n)
{
    return t->v[i].len >= n && memcmp(t->text + t->v[i].off, lit, n) == 0;
}

static int is_open(const struct nw_toks *t, size_t i)
{
    return (t->v[i].flags & NW_TOK_QUOTE) &&
           (tok_starts(t, i, "\"", 1) || tok_starts(t, i, "\xE2\x80\x9C", 3) ||
            tok_starts(t, i, "\xC2\xAB", 2) || tok_starts(t, i, "\xE2\x80\x9E", 3));
}

static int is_close_for(const struct nw_toks *t, size_t open, size_t i)
{
    if (!(t->v[i].flags & NW_TOK_QUOTE))
        return 0;
    if (tok_starts(t, open, "\"", 1))
        return tok_starts(t, i, "\"", 1);
    if (tok_starts(t, open, "\xC2", 1))
        return tok_starts(t, i, "\xC2\xBB", 2);
    return tok_starts(t, i, "\xE2\x80\x9D", 3) || tok_starts(t, i, "\xE2\x80\x9C", 3);
}

static int ends_sentence_tok(const struct nw_toks *t, size_t i)
{
    return nw_tok_is(t, i, '.') || nw_tok_is(t, i, '!') || nw_tok_is(t, i, '?');
}

/* The end (exclusive) of the sentence after the one that token i stands in: past the
 * first sentence end at or after i, to the next one, never past a paragraph break, at most
 * NW_QUOTES_NEXT_TOKENS tokens of it; i itself if a paragraph ends first. */
static size_t next_sentence_end(const struct nw_toks *t, size_t i)
{
    size_t k = i, start;
    while (k < t->n && !(t->v[k].flags & NW_TOK_PARA) && !ends_sentence_tok(t, k))
        k++;
    if (k >= t->n || (t->v[k].flags & NW_TOK_PARA))
        return i;
    start = ++k;
    while (k < t->n && k - start < NW_QUOTES_NEXT_TOKENS && !(t->v[k].flags & NW_TOK_PARA) &&
           !ends_sentence_tok(t, k))
        k++;
    return k;
}

/* The speaker named by tokens [a, b) (the subject next to a speech verb). */
static json_t *speaker_of(const struct nw_toks *t, const struct nw_entities *ents, size_t a,
                          size_t b, size_t quote_start, json_t *prev)
{
    int p;
    if (a >= b)
        return NULL;
    p = nw_entities_person_in(ents, a, b);
    if (p >= 0)
        return json_string(ents->v[p].name);
    if (b - a == 1 && WORD_IN(t, a, pronouns)) {
        p = nw_entities_last_person(ents, quote_start);
        if (p < 0) /* nobody named yet: the person the next sentence names */
            p = nw_entities_first_person(ents, b, next_sentence_end(t, b));
        return p >= 0 ? json_string(ents->v[p].name) : NULL;
    }
    if (b - a == 1 && WORD_IN(t, a, it_pronouns))
        return prev && json_is_string(prev) ? json_incref(prev) : NULL;
    /* a short noun phrase: "the report", "the ministry", "officials" */
    if (b - a <= 4) {
        size_t start = t->v[a].off, end = t->v[b - 1].off + t->v[b - 1].len;
        for (size_t k = a; k < b; k++)
            if (!(t->v[k].flags & NW_TOK_WORD))
                return NULL;
        if (end - start <= NW_QUOTES_SPEAKER_MAX)
            return json_stringn(t->text + start, end - start);
    }
    return NULL;
}

/* A quote that ends its sentence ("...loan.”" or "...loan”.") and the sentence after it
 * has a speech verb with a person before it ("The minister, John Smith, said so") or right
 * after it ("said Smith", "was stated by Smith"), or names the words' maker ("The remarks
 * were made by Smith"): that person. The sentence after may open the next paragraph when
 * it points back at the quote ("so", "this", "these", "remarks"). */
static json_t *speaker_after(const struct nw_toks *t, const struct nw_entities *ents, size_t open,
                             size_t close)
{
    size_t a = close + 1, end;
    int p, crossed = 0, back = 0;
    if (close < open + 2 ||
        !(ends_sentence_tok(t, close - 1) || (a < t->n && ends_sentence_tok(t, a))))
        return NULL;
    if (a < t->n && ends_sentence_tok(t, a))
        a++;
    if (a < t->n && (t->v[a].flags & NW_TOK_PARA)) {
        a++;
        crossed = 1;
    }
    if (a >= t->n || !(t->v[a].flags & NW_TOK_CAP))
        return NULL;
    end = a;
    while (end < t->n && end - a < NW_QUOTES_NEXT_TOKENS && !(t->v[end].flags & NW_TOK_PARA) &&
           !ends_sentence_tok(t, end) && !(t->v[end].flags & NW_TOK_QUOTE)) {
        back |= WORD_IN(t, end, pointers);
        end++;
    }
    if (crossed && !back)
        return NULL;
    for (size_t v = a; v < end; v++) {
        int maker = WORD_IN(t, v, words_nouns) && v + 4 < end;
        if (maker) { /* "the remarks were made by Smith" */
            size_t b = v + 1;
            while (b < v + 4 && !nw_tok_eq(t, b, "by"))
                b++;
            p = nw_tok_eq(t, b, "by")
                    ? nw_entities_first_person(ents, b + 1, b + 4 < end ? b + 4 : end)
                    : -1;
            if (p >= 0)
                return json_string(ents->v[p].name);
        }
        if (!WORD_IN(t, v, speech_verbs) || nw_tok_eq(t, v, "according"))
            continue;
        p = nw_entities_person_in(ents, a, v);
        if (p < 0) /* "said Smith"; "stated by the mayor, Anna Berg," */
            p = nw_entities_first_person(ents, v + 1,
                                         v + 5 < end && !nw_tok_eq(t, v + 1, "by") ? v + 5 : end);
        return p >= 0 ? json_string(ents->v[p].name) : NULL;
    }
    return NULL;
}

static json_t *attribution(const struct nw_toks *t, const struct nw_entities *ents, size_t open,
                           size_t close, json_t *prev)
{
    size_t i = close + 1, verb = 0, end;
    json_t *sp;

    /* after: [,] SUBJECT VERB | [,] VERB SUBJECT */
    if (i < t->n && (nw_tok_is(t, i, ',') || nw_tok_is(t, i, '.')))
        i++;
    end = i;
    while (end < t->n && end - i < NW_QUOTES_ATTR_TOKENS && !(t->v[end].flags & NW_TOK_PUNCT))
        end++;
    for (size_t k = i; k < end; k++)
        if (WORD_IN(t, k, speech_verbs)) {
            verb = k + 1;
            break;
        }
    if (verb) {
        size_t v = verb - 1;
        if (v == i + 1 && WORD_IN(t, i, inversions))
            i++; /* "So said the minister": the subject follows the verb */
        if (v > i && (sp = speaker_of(t, ents, i, v, open, prev)) != NULL)
            return sp;
        if (v == i && (sp = speaker_of(t, ents, v + 1, end, open, prev)) != NULL)
            return sp;
    }
    /* before, in the sentence or paragraph that leads into the quote:
     * SUBJECT VERB [...] [:|,] “  ("Kakar said: “", "Dar told reporters that “"),
     * VERB SUBJECT ... “, or "according to SUBJECT, “" */
    if (open >= 2) {
        size_t k = open,
               stop = open > 2 * NW_QUOTES_ATTR_TOKENS ? open - 2 * NW_QUOTES_ATTR_TOKENS : 0;
        while (k > stop && ((t->v[k - 1].flags & NW_TOK_PARA) || nw_tok_is(t, k - 1, ':') ||
                            nw_tok_is(t, k - 1, ',')))
            k--; /* a lead-in ending with a colon may stand in the paragraph before */
        for (size_t v = k; v > stop; v--) {
            size_t w = v - 1, s2 = w, e2 = w + 1;
            if (t->v[w].flags & NW_TOK_PARA || nw_tok_is(t, w, '.') || nw_tok_is(t, w, '!') ||
                nw_tok_is(t, w, '?'))
                break; /* the sentence before is another one */
            if (!WORD_IN(t, w, speech_verbs))
                continue;
            while (s2 > stop && !(t->v[s2 - 1].flags & NW_TOK_PUNCT))
                s2--;
            if ((sp = speaker_of(t, ents, s2, w, open, prev)) != NULL)
                return sp;
            /* "said Foreign Minister Ishaq Dar", "according to the ministry" */
            if (e2 < k && nw_tok_eq(t, e2, "to"))
                e2++;
            {
                size_t f = e2;
                while (f < k && !(t->v[f].flags & NW_TOK_PUNCT) && f - e2 < NW_QUOTES_ATTR_TOKENS)
                    f++;
                int p = nw_entities_person_in(ents, e2, f);
                if (p >= 0)
                    return json_string(ents->v[p].name);
                if (nw_tok_eq(t, w, "according") && f > e2 &&
                    (sp = speaker_of(t, ents, e2, f, open, prev)) != NULL)
                    return sp;
            }
            return NULL;
        }
    }
    return speaker_after(t, ents, open, close);
}

/* A quote that goes on after its attribution, in the same paragraph: "“...,” the minister
 * said. “...”" The tokens between the last quote (closed at prev_close) and this one are
 * one short sentence end or attribution. */
static json_t *continued(const struct nw_toks *t, size_t prev_close, size_t open, json_t *prev)
{
    int ended = 0;
    if (!prev || !json_is_string(prev) || prev_close >= open ||
        open - prev_close > NW_QUOTES_ATTR_TOKENS + 2 || open + 1 >= t->n ||
        (t->v[open + 1].flags & NW_TOK_PARA))
        return NULL; /* a mark that opens at a paragraph's end pairs badly */
    for (size_t k = prev_close + 1; k < open; k++) {
        if (t->v[k].flags & NW_TOK_PARA)
            return NULL;
        ended |= ends_sentence_tok(t, k);
    }
    return ended ? json_incref(prev) : NULL;
}

enum nw_status nw_quotes_find(const struct nw_toks *t, const struct nw_entities *ents, json_t **out)
{
    json_t *arr = json_array(), *prev = NULL;
    size_t prev_close = (size_t)-1;
    size_t i = 0;

    *out = NULL;
    if (!arr)
        return NW_ENOMEM;
    while (i < t->n && json_array_size(arr) < NW_QUOTES_MAX) {
        size_t close = 0, words = 0, j;
        json_t *item, *speaker;
        if (!is_open(t, i)) {
            i++;
            continue;
        }
        for (j = i + 1; j < t->n && j - i <= NW_QUOTES_MAX_TOKENS; j++) {
            if (is_close_for(t, i, j)) {
                close = j;
                break;
            }
            if (t->v[j].flags & NW_TOK_WORD)
                words++;
        }
        if (!close) {
            i++;
            continue;
        }
        if (words >= NW_QUOTES_MIN_WORDS) {
            size_t last = close - 1, start = t->v[i + 1].off, end;
            while (last > i + 1 && nw_tok_is(t, last, ','))
                last--; /* the comma before the attribution is not quoted text */
            end = t->v[last].off + t->v[last].len;
            speaker = attribution(t, ents, i, close, prev);
            if (!speaker)
                speaker = continued(t, prev_close, i, prev);
            prev_close = close;
            item = json_pack("{s:s%, s:o}", "text", t->text + start, end - start, "speaker",
                             speaker ? speaker : json_null());
            if (!item || json_array_append_new(arr, item)) {
                json_decref(arr);
                return NW_ENOMEM;
            }
            prev = json_object_get(item, "speaker");
        }
        i = close + 1;
    }
    *out = arr;
    return NW_OK;
}
