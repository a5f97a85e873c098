/* test_enrich_entities.c — persons, organizations, locations and their merging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "enrich/entities.h"
#include "enrich/gazetteer.h"
#include "enrich/tok.h"

static struct nw_gazetteer *gaz;
static struct nw_tagger *tagger;

static int setup(void **state)
{
    char err[256];
    (void)state;
    gaz = nw_gazetteer_create(NULL, err, sizeof(err));
    tagger = nw_tagger_load_default(err, sizeof(err));
    return gaz && tagger ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    nw_gazetteer_destroy(gaz);
    nw_tagger_destroy(tagger);
    return 0;
}

static const struct nw_ent *find(const struct nw_entities *e, int type, const char *name)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->v[i].type == type && e->v[i].count > 0 && strcmp(e->v[i].name, name) == 0)
            return &e->v[i];
    return NULL;
}

static void run(const char *text, struct nw_entities *e, struct nw_toks *t)
{
    assert_int_equal(nw_toks_init(t, text, strlen(text), 10000), NW_OK);
    assert_int_equal(nw_entities_extract(gaz, t, e), NW_OK);
}

/* English text through the trained tagger (nw_entities_extract_tagged). */
static void run_tagged(const char *text, struct nw_entities *e, struct nw_toks *t)
{
    assert_int_equal(nw_toks_init(t, text, strlen(text), 10000), NW_OK);
    assert_int_equal(nw_entities_extract_tagged(gaz, tagger, t, e), NW_OK);
}

static void expect_loc(const struct nw_entities *e, const char *name, const char *code)
{
    const struct nw_ent *l = find(e, NW_ENT_LOCATION, name);
    if (!l)
        fail_msg("no location %s", name);
    if (strcmp(l->code, code) != 0)
        fail_msg("location %s: code '%s', expected '%s'", name, l->code, code);
}

static void test_new_places(void **state)
{
    struct nw_entities e;
    struct nw_toks t;
    (void)state;
    run_tagged("New Zealand beat Australia in Wellington on Saturday.\n\n"
               "Traders in New York said the New York Stock Exchange opened higher while "
               "officials in New Jersey and New Mexico watched the storm. Police in Santa Fe "
               "said roads were closed.\n\n"
               "New South Wales reported floods.",
               &e, &t);
    expect_loc(&e, "New Zealand", "NZ");
    expect_loc(&e, "New York", "");
    expect_loc(&e, "New Jersey", "US-NJ");
    expect_loc(&e, "New Mexico", "US-NM");
    expect_loc(&e, "New South Wales", "AU-NSW");
    /* beside New Mexico, Santa Fe is not Argentina's province of that name */
    expect_loc(&e, "Santa Fe", "");
    assert_non_null(find(&e, NW_ENT_ORG, "New York Stock Exchange"));
    /* "New" is no stopword: no Mexico, Jersey, Wales or York on their own */
    assert_null(find(&e, NW_ENT_LOCATION, "Mexico"));
    assert_null(find(&e, NW_ENT_LOCATION, "Jersey"));
    assert_null(find(&e, NW_ENT_LOCATION, "Wales"));
    assert_null(find(&e, NW_ENT_ORG, "York Stock Exchange"));
    nw_entities_fini(&e);
    nw_toks_fini(&t);
}

static void test_tagged_names_as_written(void **state)
{
    struct nw_entities e;
    struct nw_toks t;
    const struct nw_ent *x;
    (void)state;
    run_tagged("President Mobutu Sese Seko of Zaire flew to Brussels. The U.S. and Turkey "
               "said the United States would help. Mobutu thanked Washington.",
               &e, &t);
    /* the article's own name, one entity per code, its fullest spelling */
    expect_loc(&e, "United States", "US");
    assert_null(find(&e, NW_ENT_LOCATION, "U.S."));
    expect_loc(&e, "Turkey", "TR");
    /* a historical name has its successor's code */
    expect_loc(&e, "Zaire", "CD");
    x = find(&e, NW_ENT_PERSON, "Mobutu Sese Seko");
    assert_non_null(x);
    assert_int_equal(x->count, 2); /* "Mobutu" merged into the full name */
    assert_null(find(&e, NW_ENT_PERSON, "President Mobutu Sese Seko"));
    nw_entities_fini(&e);
    nw_toks_fini(&t);
}

static void test_place_with_org_head_is_org(void **state)
{
    struct nw_entities e;
    struct nw_toks t;
    (void)state;
    run_tagged("Officials said the Kenya Army had moved north, and the Norway Council met "
               "in Oslo on Monday.",
               &e, &t);
    assert_non_null(find(&e, NW_ENT_ORG, "Kenya Army"));
    assert_null(find(&e, NW_ENT_LOCATION, "Kenya"));
    expect_loc(&e, "Oslo", "");
    nw_entities_fini(&e);
    nw_toks_fini(&t);
}

/* A title in headline case: the organizations inside it by their head words, not one
 * span running from the first capital to the last; the text's own lower-case words and
 * verbs ("warned") end a name. */
static void test_orgs_in_headline_case_title(void **state)
{
    struct nw_entities e;
    struct nw_toks t;
    (void)state;
    run_tagged("Harbour Board Says Talks With International Monetary Fund And Nordic Investment "
               "Bank Went Well\n\n"
               "Port Council Warns Ministry Of Foreign Affairs Of Norway About Fees\n\n"
               "The board said the talks went well and the council warned that fees would "
               "rise, officials said in Oslo on Monday.",
               &e, &t);
    assert_non_null(find(&e, NW_ENT_ORG, "International Monetary Fund"));
    assert_non_null(find(&e, NW_ENT_ORG, "Nordic Investment Bank"));
    assert_non_null(find(&e, NW_ENT_ORG, "Ministry Of Foreign Affairs Of Norway"));
    assert_non_null(find(&e, NW_ENT_ORG, "Harbour Board"));
    assert_non_null(find(&e, NW_ENT_ORG, "Port Council"));
    for (size_t i = 0; i < e.n; i++)
        if (e.v[i].count > 0 && (strstr(e.v[i].name, "Says") || strstr(e.v[i].name, "Warns") ||
                                 strstr(e.v[i].name, "Went")))
            fail_msg("entity '%s' runs over the headline's words", e.v[i].name);
    nw_entities_fini(&e);
    nw_toks_fini(&t);
    /* a common headline verb before the name, "For" with one word after the head, and a
     * name the tagger runs over "In" */
    run_tagged("Norway Thanks Nordic Investment Bank For Support\n\n"
               "Harbour Chief Meets Bank President Ola Berg In Oslo\n\n"
               "The government said on Monday that the plan was welcome.",
               &e, &t);
    assert_non_null(find(&e, NW_ENT_ORG, "Nordic Investment Bank"));
    for (size_t i = 0; i < e.n; i++)
        if (e.v[i].count > 0 && (strstr(e.v[i].name, "Thanks") || strstr(e.v[i].name, "Support") ||
                                 strstr(e.v[i].name, " In ")))
            fail_msg("entity '%s' runs over the headline's words", e.v[i].name);
    nw_entities_fini(&e);
    nw_toks_fini(&t);
}

/* Names with "and", "of", "for" and "on" inside are one organization; a company's "of"
 * is where it is, not its name. */
static void test_org_names_with_joiners(void **state)
{
    struct nw_entities e;
    struct nw_toks t;
    (void)state;
    run_tagged("The Food and Agriculture Organization of the United Nations met the Ministry "
               "of Foreign Affairs of Norway in Oslo on Monday.\n\n"
               "The Council on Foreign Relations and the Bill and Melinda Gates Foundation sent "
               "observers, as did Nordic Boats Inc of Bergen.",
               &e, &t);
    assert_non_null(
        find(&e, NW_ENT_ORG, "Food and Agriculture Organization of the United Nations"));
    assert_non_null(find(&e, NW_ENT_ORG, "Ministry of Foreign Affairs of Norway"));
    assert_non_null(find(&e, NW_ENT_ORG, "Council on Foreign Relations"));
    assert_non_null(find(&e, NW_ENT_ORG, "Bill and Melinda Gates Foundation"));
    assert_null(find(&e, NW_ENT_ORG, "Nordic Boats Inc of Bergen"));
    assert_null(find(&e, NW_ENT_ORG, "Food"));
    nw_entities_fini(&e);
    nw_toks_fini(&t);
    /* the words before "and" that the tagger left out, and a "person" ending in a head word */
    run_tagged("Officials praised the Harbour and Road Initiative, the country's flagship plan, "
               "on Monday.",
               &e, &t);
    assert_non_null(find(&e, NW_ENT_ORG, "Harbour and Road Initiative"));
    assert_null(find(&e, NW_ENT_PERSON, "Road Initiative"));
    nw_entities_fini(&e);
    nw_toks_fini(&t);
    /* an acronym, or a company with its legal form, joins nothing */
    run_tagged("Loans came from the NHB and Nordic Investment Bank, and boats from Ceres Marine "
               "and Tyvak Boats Inc, officials said.",
               &e, &t);
    assert_null(find(&e, NW_ENT_ORG, "NHB and Nordic Investment Bank"));
    assert_null(find(&e, NW_ENT_ORG, "Ceres Marine and Tyvak Boats Inc"));
    nw_entities_fini(&e);
    nw_toks_fini(&t);
}

static void test_titles_and_short_forms(void **state)
{
    struct nw_entities e;
    struct nw_toks t;
    const struct nw_ent *p;
    (void)state;
    run("Interim Prime Minister Jane Q Doerring met Foreign Minister Arvid Lund. "
        "Later, Minister Doerring spoke. Lund left.",
        &e, &t);
    p = find(&e, NW_ENT_PERSON, "Jane Q Doerring");
    assert_non_null(p);
    assert_int_equal(p->count, 2);
    p = find(&e, NW_ENT_PERSON, "Arvid Lund");
    assert_non_null(p);
    assert_int_equal(p->count, 2);
    assert_null(find(&e, NW_ENT_PERSON, "Interim Prime Minister Jane Q Doerring"));
    nw_entities_fini(&e);
    nw_toks_fini(&t);
}

static void test_acronyms_merge(void **state)
{
    struct nw_entities e;
    struct nw_toks t;
    const struct nw_ent *o;
    (void)state;
    run("The National Water Review Board approved it. The NWRB said more. "
        "The Harbour Pilots Union (HPU) objected, and the HPU will appeal.",
        &e, &t);
    o = find(&e, NW_ENT_ORG, "National Water Review Board");
    assert_non_null(o);
    assert_int_equal(o->count, 2);
    o = find(&e, NW_ENT_ORG, "Harbour Pilots Union");
    assert_non_null(o);
    assert_int_equal(o->count, 2);
    assert_null(find(&e, NW_ENT_ORG, "HPU"));
    nw_entities_fini(&e);
    nw_toks_fini(&t);
}

static void test_locations_with_codes(void **state)
{
    struct nw_entities e;
    struct nw_toks t;
    const struct nw_ent *l;
    (void)state;
    run("Pakistani officials in Balochistan and Sindh met envoys from Norway. "
        "In Pakistan, talks went on in Quetta.",
        &e, &t);
    l = find(&e, NW_ENT_LOCATION, "Pakistan");
    assert_non_null(l);
    assert_string_equal(l->code, "PK");
    assert_int_equal(l->count, 2);
    l = find(&e, NW_ENT_LOCATION, "Balochistan");
    assert_non_null(l);
    assert_string_equal(l->code, "PK-BA");
    l = find(&e, NW_ENT_LOCATION, "Sindh");
    assert_non_null(l);
    assert_string_equal(l->code, "PK-SD");
    l = find(&e, NW_ENT_LOCATION, "Quetta");
    assert_non_null(l);
    assert_string_equal(l->code, "");
    l = find(&e, NW_ENT_LOCATION, "Norway");
    assert_non_null(l);
    assert_string_equal(l->code, "NO");
    nw_entities_fini(&e);
    nw_toks_fini(&t);
}

static void test_sentence_starts_are_not_names(void **state)
{
    struct nw_entities e;
    struct nw_toks t;
    (void)state;
    run("Despite the rain, the fair opened. Critics argue the despite clause is weak. "
        "Infrastructure projects stand idle.",
        &e, &t);
    for (size_t i = 0; i < e.n; i++)
        assert_int_equal(e.v[i].count, 0);
    nw_entities_fini(&e);
    nw_toks_fini(&t);
}

static void test_lower_case_pronoun_is_not_us(void **state)
{
    struct nw_entities e;
    struct nw_toks t;
    (void)state;
    run("Tell us more about the US plan.", &e, &t);
    assert_int_equal(find(&e, NW_ENT_LOCATION, "United States")->count, 1);
    nw_entities_fini(&e);
    nw_toks_fini(&t);
}

static void test_single_words_resolve_to_persons(void **state)
{
    struct nw_entities e;
    struct nw_toks t;
    (void)state;
    run("Maria Kovacs Brandt spoke on Monday. Peter Brandt replied, and Olaf Sunde listened. "
        "Later, Brandt said the talks were over. Sunde agreed. Olaf left early.",
        &e, &t);
    /* a surname of one person only counts for that person */
    assert_non_null(find(&e, NW_ENT_PERSON, "Olaf Sunde"));
    /* "Sunde" as the last word, then "Olaf" as another word of the same name */
    assert_int_equal(find(&e, NW_ENT_PERSON, "Olaf Sunde")->count, 3);
    /* "Brandt" ends two names: ambiguous, counted for neither */
    assert_int_equal(find(&e, NW_ENT_PERSON, "Maria Kovacs Brandt")->count, 1);
    assert_int_equal(find(&e, NW_ENT_PERSON, "Peter Brandt")->count, 1);
    assert_null(find(&e, NW_ENT_PERSON, "Brandt"));
    nw_entities_fini(&e);
    nw_toks_fini(&t);
}

static size_t key_of(const char *s, char out[96])
{
    return nw_gazetteer_key(s, strlen(s), out, 96);
}

static void test_gazetteer_key_folds(void **state)
{
    char out[96], big[2048], bigout[2048];
    size_t n = 0;
    (void)state;
    /* case, diacritics, dots and runs of spaces */
    assert_int_equal(key_of("K\xC4\x81"
                            "bul",
                            out),
                     5);
    assert_string_equal(out, "kabul");
    assert_int_equal(key_of("S\xC3\xA3o  Paulo", out), 9);
    assert_string_equal(out, "sao paulo");
    assert_int_equal(key_of("U.S.", out), 2);
    assert_string_equal(out, "us");
    assert_int_equal(key_of("\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0", out), 12);
    assert_string_equal(out, "\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0"); /* москва */
    /* invalid UTF-8 is no key; a key too long for out is none either */
    assert_int_equal(key_of("\xC3", out), 0);
    /* a text longer than the fold buffer on the stack (300 non-ASCII letters) */
    for (int i = 0; i < 300; i++) {
        big[n++] = '\xC3';
        big[n++] = '\x89'; /* É */
    }
    assert_int_equal(nw_gazetteer_key(big, n, out, sizeof(out)), 0);
    assert_int_equal(nw_gazetteer_key(big, n, bigout, sizeof(bigout)), 300);
    for (int i = 0; i < 300; i++)
        assert_int_equal(bigout[i], 'e');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_places),
        cmocka_unit_test(test_tagged_names_as_written),
        cmocka_unit_test(test_orgs_in_headline_case_title),
        cmocka_unit_test(test_org_names_with_joiners),
        cmocka_unit_test(test_place_with_org_head_is_org),
        cmocka_unit_test(test_titles_and_short_forms),
        cmocka_unit_test(test_acronyms_merge),
        cmocka_unit_test(test_locations_with_codes),
        cmocka_unit_test(test_sentence_starts_are_not_names),
        cmocka_unit_test(test_lower_case_pronoun_is_not_us),
        cmocka_unit_test(test_single_words_resolve_to_persons),
        cmocka_unit_test(test_gazetteer_key_folds),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
