/* test_gazetteer.c — the built-in ISO 3166 tables (generated at build time from Debian's
 * iso-codes) give the same gazetteer as reading iso-codes' JSON, and lookups fold names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "enrich/gazetteer.h"

#define ISO_JSON_DIR "/usr/share/iso-codes/json"

static struct nw_gazetteer *builtin, *fromjson;

static int setup(void **state)
{
    char err[256];
    (void)state;
    builtin = nw_gazetteer_create(NULL, err, sizeof(err));
    fromjson = nw_gazetteer_create(ISO_JSON_DIR, err, sizeof(err));
    return builtin && fromjson ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    nw_gazetteer_destroy(builtin);
    nw_gazetteer_destroy(fromjson);
    return 0;
}

static size_t count(const struct nw_gazetteer *g)
{
    size_t n = 0;
    while (nw_gazetteer_entry(g, (int)n))
        n++;
    return n;
}

/* Entry by entry, in order: the same names, codes, countries, kinds and major flags. */
static void test_builtin_equals_json(void **state)
{
    size_t n = count(builtin), subdivs = 0, countries = 0;
    (void)state;
    assert_int_equal(n, count(fromjson));
    for (size_t i = 0; i < n; i++) {
        const struct nw_gaz_entry *a = nw_gazetteer_entry(builtin, (int)i);
        const struct nw_gaz_entry *b = nw_gazetteer_entry(fromjson, (int)i);
        assert_string_equal(a->name, b->name);
        assert_string_equal(a->code, b->code);
        assert_string_equal(a->cc, b->cc);
        assert_int_equal(a->kind, b->kind);
        assert_int_equal(a->major, b->major);
        subdivs += a->kind == NW_GAZ_SUBDIV;
        countries += a->kind == NW_GAZ_COUNTRY;
    }
    /* iso-codes lists about 250 countries and several thousand first-level subdivisions */
    assert_true(countries > 200);
    assert_true(subdivs > 1000);
}

/* Each key maps to the same entries in the same order in both. */
static void test_same_lookups(void **state)
{
    static const char *const names[] = {
        "Germany",       "U.S.",   "Kābul",   "Bayern",    "Islamabad",
        "Côte d'Ivoire", "Punjab", "Georgia", "Pakistani", "Nordrhein-Westfalen",
        "California",    "Zaire"};
    (void)state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        int a[16], b[16];
        size_t na = nw_gazetteer_lookup(builtin, names[i], strlen(names[i]), a, 16);
        size_t nb = nw_gazetteer_lookup(fromjson, names[i], strlen(names[i]), b, 16);
        assert_true(na > 0);
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na * sizeof(int));
    }
}

static void test_subdivision_codes(void **state)
{
    int idx[16];
    size_t n = nw_gazetteer_lookup(builtin, "Punjab", 6, idx, 16), i;
    (void)state;
    for (i = 0; i < n; i++)
        if (strcmp(nw_gazetteer_entry(builtin, idx[i])->code, "PK-PB") == 0)
            break;
    assert_true(i < n);
    assert_int_equal(nw_gazetteer_entry(builtin, idx[i])->kind, NW_GAZ_SUBDIV);
    assert_string_equal(nw_gazetteer_entry(builtin, idx[i])->cc, "PK");
    assert_true(nw_gazetteer_entry(builtin, idx[i])->major);
    /* the city Islamabad is also a subdivision and carries its code */
    n = nw_gazetteer_lookup(builtin, "Islamabad", 9, idx, 16);
    for (i = 0; i < n; i++)
        if (nw_gazetteer_entry(builtin, idx[i])->kind == NW_GAZ_CITY)
            break;
    assert_true(i < n);
    assert_string_equal(nw_gazetteer_entry(builtin, idx[i])->code, "PK-IS");
    /* "Kabul" without its mark finds what "Kābul" finds */
    assert_int_equal(nw_gazetteer_lookup(builtin, "Kabul", 5, idx, 16),
                     nw_gazetteer_lookup(builtin, "Kābul", strlen("Kābul"), idx, 16));
    /* a country by its code */
    assert_true(nw_gazetteer_country(builtin, "PK") >= 0);
    assert_string_equal(nw_gazetteer_entry(builtin, nw_gazetteer_country(builtin, "PK"))->name,
                        "Pakistan");
}

static void test_missing_dir_fails(void **state)
{
    char err[256] = "";
    (void)state;
    assert_null(nw_gazetteer_create("/nonexistent-iso-codes", err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent-iso-codes/iso_3166-1.json"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_equals_json),
        cmocka_unit_test(test_same_lookups),
        cmocka_unit_test(test_subdivision_codes),
        cmocka_unit_test(test_missing_dir_fails),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
