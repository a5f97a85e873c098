/* test_tagger.c — the entity tagger's model: the built-in one loads and tags, model
 * files round-trip, bad files are refused with a clear message (and, through the
 * enrich.ner_model key, as a configuration error). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "enrich/tagger.h"

static char dir[] = "/tmp/nw_test_tagger_XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void path_of(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static size_t tokens(const char *const *words, size_t n, struct nw_tagger_tok *v)
{
    for (size_t i = 0; i < n; i++) {
        v[i].s = words[i];
        v[i].len = (uint32_t)strlen(words[i]);
        v[i].flags = i == 0 ? NW_TAGGER_SENT_START : 0;
    }
    return n;
}

static void test_builtin_model_tags(void **state)
{
    static const char *const words[] = {"Marco", "Rubio",  "met",  "officials", "of",
                                        "the",   "World",  "Bank", "in",        "Washington",
                                        "on",    "Monday", "."};
    struct nw_tagger_tok v[16];
    uint8_t tags[16];
    char err[256] = "";
    size_t n = tokens(words, sizeof(words) / sizeof(words[0]), v);
    struct nw_tagger *tg = nw_tagger_load_default(err, sizeof(err));
    (void)state;
    assert_non_null(tg);
    assert_true(nw_tagger_features_count(tg) > 10000);
    assert_int_equal(nw_tagger_prepare(NULL, v, n), NW_OK);
    nw_tagger_tag(tg, v, n, tags);
    assert_int_equal(tags[0], NW_TAG_B_PER);
    assert_int_equal(tags[1], NW_TAG_I_PER);
    assert_int_equal(tags[2], NW_TAG_O);
    assert_int_equal(tags[6], NW_TAG_B_ORG);
    assert_int_equal(tags[7], NW_TAG_I_ORG);
    assert_int_equal(tags[9], NW_TAG_B_LOC);
    assert_int_equal(tags[11], NW_TAG_O);
    nw_tagger_destroy(tg);
}

/* The committed model, the one built in (whose checksum a start does not check), passes
 * the checks a model file gets, and has as many features as the built-in one. */
static void test_committed_model_checksum(void **state)
{
    char err[256] = "";
    struct nw_tagger *file =
        nw_tagger_load_file(NW_FIXTURES_DIR "/../../shared/enrich/ner-en.model", err, sizeof(err));
    struct nw_tagger *builtin = nw_tagger_load_default(err, sizeof(err));
    (void)state;
    assert_non_null(file);
    assert_non_null(builtin);
    assert_int_equal(nw_tagger_features_count(file), nw_tagger_features_count(builtin));
    nw_tagger_destroy(file);
    nw_tagger_destroy(builtin);
}

/* A model written by nw_tagger_write is read back, and its weights decide the tags. */
static void test_write_and_load_round_trip(void **state)
{
    static const char *const words[] = {"Zork", "ran"};
    struct nw_tagger_tok v[2];
    uint32_t f[NW_TAGGER_MAX_FEATURES];
    float w[NW_TAGGER_MAX_FEATURES * NW_TAG_COUNT];
    uint8_t tags[2];
    char path[256], err[256] = "";
    size_t n = tokens(words, 2, v), nf, nf2;
    struct nw_tagger *tg;
    (void)state;
    assert_int_equal(nw_tagger_prepare(NULL, v, n), NW_OK);
    /* every feature of "Zork" at the start votes B-LOC: then the tagger must say B-LOC */
    nf = nw_tagger_features(v, n, 0, -1, -1, f);
    assert_true(nf > 10 && nf <= NW_TAGGER_MAX_FEATURES);
    memset(w, 0, sizeof(w));
    for (size_t k = 0; k < nf; k++)
        w[k * NW_TAG_COUNT + NW_TAG_B_LOC] = 0.5f;
    /* the features of a token are distinct: the file's features must be */
    for (size_t a = 0; a < nf; a++)
        for (size_t b = a + 1; b < nf; b++)
            assert_true(f[a] != f[b]);
    path_of(path, sizeof(path), "tiny.model");
    assert_int_equal(nw_tagger_write(path, nf, f, w, err, sizeof(err)), NW_OK);
    tg = nw_tagger_load_file(path, err, sizeof(err));
    assert_non_null(tg);
    assert_int_equal(nw_tagger_features_count(tg), nf);
    nw_tagger_tag(tg, v, n, tags);
    assert_int_equal(tags[0], NW_TAG_B_LOC);
    /* "ran" after a B-LOC: only the features it shares with "Zork" (the bias, shapes)
     * vote, and never for an I- tag of another type */
    assert_true(tags[1] == NW_TAG_O || tags[1] == NW_TAG_B_LOC || tags[1] == NW_TAG_I_LOC);
    nf2 = nw_tagger_features(v, n, 1, NW_TAG_B_LOC, -1, f);
    assert_true(nf2 > 0);
    nw_tagger_destroy(tg);
}

static void expect_refused(const void *data, size_t size, const char *what)
{
    char path[256], err[256] = "";
    struct nw_tagger *tg;
    path_of(path, sizeof(path), "bad.model");
    write_file(path, data, size);
    tg = nw_tagger_load_file(path, err, sizeof(err));
    assert_null(tg);
    assert_non_null(strstr(err, path)); /* the message names the file */
    if (!strstr(err, what))
        fail_msg("message '%s' does not say '%s'", err, what);
}

static void test_bad_files_refused(void **state)
{
    char path[256], err[256] = "";
    uint32_t h[2] = {11, 12};
    float w[2 * NW_TAG_COUNT] = {1.0f};
    FILE *f;
    long size;
    unsigned char *data;
    (void)state;

    expect_refused("hello, this is no model\n", 24, "not a newsworker tagger model");
    expect_refused("", 0, "not a newsworker tagger model");

    path_of(path, sizeof(path), "good.model");
    assert_int_equal(nw_tagger_write(path, 2, h, w, err, sizeof(err)), NW_OK);
    f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc((size_t)size);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);

    expect_refused(data, (size_t)size - 7, "truncated");
    data[30] ^= 0x40; /* one weight changed */
    expect_refused(data, (size_t)size, "checksum");
    data[30] ^= 0x40;
    data[8] = 3; /* a model for another tag set */
    expect_refused(data, (size_t)size, "bad model header");
    free(data);

    path_of(path, sizeof(path), "missing.model");
    assert_null(nw_tagger_load_file(path, err, sizeof(err)));
    assert_non_null(strstr(err, "missing.model"));
}

static void test_config_key_refuses_bad_file(void **state)
{
    char path[256], err[512] = "";
    struct nw_config *cfg = nw_config_create();
    (void)state;
    assert_non_null(cfg);
    path_of(path, sizeof(path), "junk.model");
    write_file(path, "junk", 4);
    assert_int_equal(nw_config_set(cfg, "enrich.ner_model", path, err, sizeof(err)), NW_ECONFIG);
    assert_non_null(strstr(err, "enrich.ner_model"));
    assert_non_null(strstr(err, "not a newsworker tagger model"));
    /* empty: the built-in model */
    assert_int_equal(nw_config_set(cfg, "enrich.ner_model", "", err, sizeof(err)), NW_OK);
    nw_config_destroy(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_model_tags),
        cmocka_unit_test(test_committed_model_checksum),
        cmocka_unit_test(test_write_and_load_round_trip),
        cmocka_unit_test(test_bad_files_refused),
        cmocka_unit_test(test_config_key_refuses_bad_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
