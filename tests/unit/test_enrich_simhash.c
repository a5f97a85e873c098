/* test_enrich_simhash.c — SimHash: stable, near duplicates close, unrelated texts far;
 * the strmap it shares with the other enrichers (growth, clear, bounds); keywords. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "enrich/keywords.h"
#include "enrich/simhash.h"
#include "enrich/strmap.h"
#include "enrich/tok.h"

static const char *const article =
    "Pakistan's foreign policy gains will remain fragile unless it confronts internal "
    "governance failures, regional inequalities and political mistrust, a report said on "
    "Friday. It stated that Islamabad's recent outreach to Washington centred on offering "
    "access to rare earth minerals, many of which are located in the volatile province of "
    "Balochistan. According to the report, while the deal may seem to be a win-win on paper, "
    "with Pakistan attracting investment and the US gaining critical resources, the "
    "underlying reality is darker. Infrastructure projects stand underused, airports lie "
    "empty and unemployment remains stubbornly high in the province.";

static void test_simhash_stable_and_case_blind(void **state)
{
    char upper[2048];
    size_t n = strlen(article);
    (void)state;
    assert_true(n < sizeof(upper));
    for (size_t i = 0; i <= n; i++)
        upper[i] = (article[i] >= 'a' && article[i] <= 'z') ? (char)(article[i] - 32) : article[i];
    assert_int_equal(nw_simhash_compute(article, n), nw_simhash_compute(article, n));
    assert_int_equal(nw_simhash_compute(article, n), nw_simhash_compute(upper, n));
    assert_int_equal(nw_simhash_compute(NULL, 0), 0);
    assert_int_equal(nw_simhash_compute("", 0), 0);
    /* one or two words still give a hash */
    assert_true(nw_simhash_compute("Islamabad", 9) != 0);
    assert_true(nw_simhash_compute("Islamabad talks", 15) != nw_simhash_compute("Islamabad", 9));
}

static void test_simhash_near_and_far(void **state)
{
    char edited[2048], other[2048];
    uint64_t h = nw_simhash_compute(article, strlen(article)), he, ho;
    const char *p;
    (void)state;
    /* a near duplicate: one word changed and a sentence appended */
    snprintf(edited, sizeof(edited), "%s Officials declined to comment.", article);
    p = strstr(edited, "Friday");
    assert_non_null(p);
    memcpy(edited + (p - edited), "Monday", 6);
    he = nw_simhash_compute(edited, strlen(edited));
    /* the same words in another order share no 3-gram */
    snprintf(other, sizeof(other),
             "Unemployment stubbornly remains high; airports stand empty and projects lie "
             "underused. Investment, resources and minerals: the report on Washington and "
             "Islamabad says Balochistan province is volatile, paper deals darker, reality "
             "critical, failures internal, mistrust political, inequalities regional.");
    ho = nw_simhash_compute(other, strlen(other));
    assert_true(nw_simhash_distance(h, he) <= 12);
    assert_true(nw_simhash_distance(h, ho) >= 16);
    assert_true(nw_simhash_distance(h, he) < nw_simhash_distance(h, ho));
}

static void test_simhash_hex(void **state)
{
    char hex[17];
    (void)state;
    nw_simhash_hex(0x0123456789abcdefULL, hex);
    assert_string_equal(hex, "0123456789abcdef");
    assert_int_equal(nw_simhash_distance(0, ~0ULL), 64);
}

static void test_strmap_grow_clear_bound(void **state)
{
    struct nw_strmap m;
    char key[32];
    int *v;
    (void)state;
    assert_int_equal(nw_strmap_init(&m, 3000), NW_OK);
    assert_null(nw_strmap_get(&m, "a", 1));
    for (int i = 0; i < 3000; i++) {
        int n = snprintf(key, sizeof(key), "key-%d", i);
        assert_int_equal(nw_strmap_put(&m, key, (size_t)n, i, NULL), NW_OK);
    }
    assert_int_equal(nw_strmap_put(&m, "one more", 8, 1, NULL), NW_ETOOBIG);
    /* an existing key is found, not added */
    assert_int_equal(nw_strmap_put(&m, "key-7", 5, 99, &v), NW_OK);
    assert_int_equal(*v, 7);
    for (int i = 0; i < 3000; i += 37) {
        int n = snprintf(key, sizeof(key), "key-%d", i);
        v = nw_strmap_get(&m, key, (size_t)n);
        assert_non_null(v);
        assert_int_equal(*v, i);
    }
    assert_null(nw_strmap_get(&m, "key-3000", 8));
    assert_null(nw_strmap_get(&m, "key-1", 4)); /* a prefix is another key */
    /* cleared many times (past the generation counter's wrap): empty, and reusable */
    for (int round = 0; round < 70000; round++) {
        nw_strmap_clear(&m);
        assert_null(nw_strmap_get(&m, "key-7", 5));
        assert_null(nw_strmap_get(&m, "key-2999", 8));
        assert_int_equal(nw_strmap_put(&m, "key-7", 5, round, NULL), NW_OK);
        v = nw_strmap_get(&m, "key-7", 5);
        assert_non_null(v);
        assert_int_equal(*v, round);
    }
    nw_strmap_fini(&m);
    nw_strmap_fini(&m); /* twice is harmless */
}

static void test_strmap_long_keys(void **state)
{
    /* keys that share their first 8 or 16 bytes, and keys that are prefixes of others:
     * the hash reads 8-byte blocks and a tail, so each must still tell them apart */
    static const char *const keys[] = {
        "international", "internationale",   "internat",          "internati", "internationally",
        "abcdefgh",      "abcdefghabcdefgh", "abcdefghabcdefghX", "abcdefg",   ""};
    struct nw_strmap m;
    size_t n = sizeof(keys) / sizeof(keys[0]);
    (void)state;
    assert_int_equal(nw_strmap_init(&m, 100), NW_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(nw_strmap_put(&m, keys[i], strlen(keys[i]), (int)i, NULL), NW_OK);
    assert_int_equal(m.n, n);
    for (size_t i = 0; i < n; i++) {
        int *v = nw_strmap_get(&m, keys[i], strlen(keys[i]));
        assert_non_null(v);
        assert_int_equal(*v, (int)i);
    }
    assert_null(nw_strmap_get(&m, "abcdefghabcdefgY", 16));
    assert_null(nw_strmap_get(&m, "internationa", 12));
    nw_strmap_fini(&m);
}

static void test_strmap_reserve(void **state)
{
    struct nw_strmap m;
    struct nw_strmap_slot *slots;
    char *keys;
    char key[32];
    int *v;
    (void)state;
    assert_int_equal(nw_strmap_init(&m, 1000), NW_OK);
    assert_int_equal(nw_strmap_put(&m, "first", 5, 42, NULL), NW_OK);
    /* room for 700 keys of up to 9 bytes: filling to that moves neither table nor arena */
    assert_int_equal(nw_strmap_reserve(&m, 700, 700 * 10), NW_OK);
    assert_true(m.cap >= 1400);
    slots = m.slots;
    keys = m.keys;
    v = nw_strmap_get(&m, "first", 5);
    assert_non_null(v);
    assert_int_equal(*v, 42);
    for (int i = 1; i < 700; i++) {
        int n = snprintf(key, sizeof(key), "k%d", i);
        assert_int_equal(nw_strmap_put(&m, key, (size_t)n, i, NULL), NW_OK);
    }
    assert_ptr_equal(m.slots, slots);
    assert_ptr_equal(m.keys, keys);
    for (int i = 1; i < 700; i += 13) {
        int n = snprintf(key, sizeof(key), "k%d", i);
        v = nw_strmap_get(&m, key, (size_t)n);
        assert_non_null(v);
        assert_int_equal(*v, i);
    }
    /* a smaller reservation changes nothing; a larger one is bounded by max_entries */
    assert_int_equal(nw_strmap_reserve(&m, 10, 10), NW_OK);
    assert_ptr_equal(m.slots, slots);
    assert_int_equal(nw_strmap_reserve(&m, 1u << 20, 16), NW_OK);
    assert_true(m.cap >= 2000 && m.cap <= 4096);
    v = nw_strmap_get(&m, "k699", 4);
    assert_non_null(v);
    assert_int_equal(*v, 699);
    nw_strmap_fini(&m);
}

static void test_keywords_reused(void **state)
{
    struct nw_keywords *kw = nw_keywords_create();
    struct nw_toks t;
    json_t *a = NULL, *b = NULL, *c = NULL;
    const char *other = "Cricket board names a new selection committee. The committee meets "
                        "the board on Monday; the selection of the committee is final.";
    (void)state;
    assert_non_null(kw);
    assert_int_equal(nw_toks_init(&t, article, strlen(article), 10000), NW_OK);
    assert_int_equal(nw_keywords_find(kw, &t, "en", &a), NW_OK);
    nw_toks_fini(&t);
    assert_int_equal(nw_toks_init(&t, other, strlen(other), 10000), NW_OK);
    assert_int_equal(nw_keywords_find(kw, &t, "en", &c), NW_OK);
    /* the first term of the second text is its own, nothing left from the first */
    assert_true(json_array_size(c) > 0);
    assert_string_equal(json_string_value(json_object_get(json_array_get(c, 0), "term")),
                        "committee");
    nw_toks_fini(&t);
    /* the same text again gives the same answer after the tables were reused */
    assert_int_equal(nw_toks_init(&t, article, strlen(article), 10000), NW_OK);
    assert_int_equal(nw_keywords_find(kw, &t, "en", &b), NW_OK);
    assert_true(json_array_size(a) > 0);
    assert_true(json_equal(a, b));
    /* "province" twice, stemmed with "provinces"-style forms; stopwords never */
    for (size_t i = 0; i < json_array_size(a); i++) {
        const char *term = json_string_value(json_object_get(json_array_get(a, i), "term"));
        assert_non_null(term);
        assert_true(strcmp(term, "the") != 0 && strcmp(term, "and") != 0);
    }
    nw_toks_fini(&t);
    json_decref(a);
    json_decref(b);
    json_decref(c);
    nw_keywords_destroy(kw);
}

/* More distinct words than the term tables hold: the tables stop growing at their bound
 * and the repeated words still win. */
static void test_keywords_bounded(void **state)
{
    struct nw_keywords *kw = nw_keywords_create();
    struct {
        char *p;
        size_t n;
    } b;
    struct nw_toks t;
    json_t *a = NULL;
    size_t cap = 40000 * 12;
    (void)state;
    assert_non_null(kw);
    b.p = malloc(cap);
    assert_non_null(b.p);
    b.n = 0;
    for (int i = 0; i < 40000; i++) {
        /* letters only: "wq" + base-26 digits, plus a repeated word every 4th */
        char w[16];
        int v = i, k = 0;
        w[k++] = 'w';
        w[k++] = 'q';
        do {
            w[k++] = (char)('a' + v % 26);
            v /= 26;
        } while (v);
        memcpy(b.p + b.n, w, (size_t)k);
        b.n += (size_t)k;
        b.p[b.n++] = ' ';
        if (i % 4 == 0) {
            memcpy(b.p + b.n, "harbour ", 8);
            b.n += 8;
        }
    }
    assert_true(b.n < cap);
    assert_int_equal(nw_toks_init(&t, b.p, b.n, 100000), NW_OK);
    assert_int_equal(nw_keywords_find(kw, &t, "en", &a), NW_OK);
    assert_true(json_array_size(a) > 0);
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "term")),
                        "harbour");
    json_decref(a);
    nw_toks_fini(&t);
    free(b.p);
    nw_keywords_destroy(kw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simhash_stable_and_case_blind),
        cmocka_unit_test(test_simhash_near_and_far),
        cmocka_unit_test(test_simhash_hex),
        cmocka_unit_test(test_strmap_grow_clear_bound),
        cmocka_unit_test(test_strmap_long_keys),
        cmocka_unit_test(test_strmap_reserve),
        cmocka_unit_test(test_keywords_reused),
        cmocka_unit_test(test_keywords_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
