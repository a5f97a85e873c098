/* test_keywords.c — one keywords object across many texts and languages: its per-language
 * lexicon (kept between texts) must never change an answer: stopwords follow each text's
 * language, also past the number of languages with a stemmer of their own, and a
 * lexicon that fills up and starts over gives the same keywords as before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "enrich/keywords.h"
#include "enrich/tok.h"

static const char *const french =
    "Les pompiers et les habitants ont sauvé les archives de la mairie. Les archives "
    "datent du moulin et les pompiers ont travaillé toute la nuit avec les habitants.";

static const char *const english =
    "Harbour workers repaired the harbour crane on Monday. The crane lifts containers, "
    "and the workers said the harbour would reopen once the crane passed its inspection.";

/* Keywords of text in lang, as a new array (caller frees). */
static json_t *keywords(struct nw_keywords *kw, const char *text, const char *lang)
{
    struct nw_toks t;
    json_t *out = NULL;
    assert_int_equal(nw_toks_init(&t, text, strlen(text), 100000), NW_OK);
    assert_int_equal(nw_keywords_find(kw, &t, lang, &out), NW_OK);
    nw_toks_fini(&t);
    assert_non_null(out);
    return out;
}

static int has_term(const json_t *arr, const char *term)
{
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(arr, i), "term")), term) == 0)
            return 1;
    return 0;
}

static void test_stopwords_follow_the_language(void **state)
{
    static const char *const others[] = {"de", "es", "it", "pt", "nl", "sv", "da", "fi", "ro"};
    struct nw_keywords *kw = nw_keywords_create();
    json_t *fr, *en, *fr_late, *en_again, *first_en;
    (void)state;
    assert_non_null(kw);
    first_en = keywords(kw, english, "en");
    /* "les" is a French stopword, not an English one */
    fr = keywords(kw, french, "fr");
    en = keywords(kw, french, "en");
    assert_false(has_term(fr, "les"));
    assert_true(has_term(en, "les"));
    assert_true(has_term(fr, "pompiers") || has_term(fr, "archives"));
    /* more languages than the object keeps stemmers for; French texts still drop French
     * stopwords, and English answers do not change */
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        json_decref(keywords(kw, english, others[i]));
    fr_late = keywords(kw, french, "fr");
    assert_false(has_term(fr_late, "les"));
    assert_true(json_equal(fr, fr_late));
    en_again = keywords(kw, english, "en");
    assert_true(json_equal(first_en, en_again));
    /* no language: English stopwords, unstemmed */
    json_decref(en);
    en = keywords(kw, english, NULL);
    assert_true(has_term(en, "harbour"));
    assert_false(has_term(en, "the"));
    json_decref(fr);
    json_decref(en);
    json_decref(fr_late);
    json_decref(en_again);
    json_decref(first_en);
    nw_keywords_destroy(kw);
}

static void test_full_lexicon_starts_over(void **state)
{
    struct nw_keywords *kw = nw_keywords_create();
    size_t cap = 15000 * 12, n;
    char *big = malloc(cap);
    json_t *before, *after;
    (void)state;
    assert_non_null(kw);
    assert_non_null(big);
    before = keywords(kw, english, "en");
    /* 60000 distinct words in four texts: more than the lexicon keeps between texts */
    for (int text = 0; text < 4; text++) {
        n = 0;
        for (int i = 0; i < 15000; i++) {
            int v = text * 15000 + i, k = 0;
            char w[16];
            w[k++] = 'z';
            do {
                w[k++] = (char)('a' + v % 26);
                v /= 26;
            } while (v);
            w[k++] = ' ';
            assert_true(n + (size_t)k < cap);
            memcpy(big + n, w, (size_t)k);
            n += (size_t)k;
        }
        big[n] = '\0';
        json_decref(keywords(kw, big, "en"));
    }
    after = keywords(kw, english, "en");
    assert_true(json_equal(before, after));
    assert_true(has_term(after, "harbour"));
    json_decref(before);
    json_decref(after);
    free(big);
    nw_keywords_destroy(kw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stopwords_follow_the_language),
        cmocka_unit_test(test_full_lexicon_starts_over),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
