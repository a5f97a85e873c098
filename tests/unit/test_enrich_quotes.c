/* test_enrich_quotes.c — quotes and their speakers, named before or after the quote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "enrich/entities.h"
#include "enrich/gazetteer.h"
#include "enrich/quotes.h"
#include "enrich/tagger.h"
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

/* The speaker of the quote starting with `starts` (NULL if none), checked against want. */
static void expect_speaker(const char *text, const char *starts, const char *want)
{
    struct nw_toks t;
    struct nw_entities e;
    json_t *q = NULL, *item;
    size_t i;
    int found = 0;
    assert_int_equal(nw_toks_init(&t, text, strlen(text), 10000), NW_OK);
    assert_int_equal(nw_entities_extract_tagged(gaz, tagger, &t, &e), NW_OK);
    assert_int_equal(nw_quotes_find(&t, &e, &q), NW_OK);
    json_array_foreach(q, i, item)
    {
        const char *qt = json_string_value(json_object_get(item, "text"));
        json_t *sp = json_object_get(item, "speaker");
        if (!qt || strncmp(qt, starts, strlen(starts)) != 0)
            continue;
        found = 1;
        if (!want)
            assert_true(json_is_null(sp));
        else if (!json_is_string(sp) || strcmp(json_string_value(sp), want) != 0)
            fail_msg("quote '%s': speaker %s, expected %s", starts,
                     json_is_string(sp) ? json_string_value(sp) : "null", want);
    }
    if (!found)
        fail_msg("no quote starting '%s'", starts);
    json_decref(q);
    nw_entities_fini(&e);
    nw_toks_fini(&t);
}

static void test_speaker_before(void **state)
{
    (void)state;
    expect_speaker("Foreign Minister Ishaq Dar told reporters on Monday that \"the talks with "
                   "Washington are going well and will go on,\" before he left.",
                   "the talks", "Ishaq Dar");
    expect_speaker("According to the ministry, \"the visit was a success for both sides and "
                   "will be repeated.\"",
                   "the visit", "the ministry");
    /* a lead-in paragraph ending with a colon */
    expect_speaker("Marco Rubio said in a statement:\n\n\"We value the partnership and we will "
                   "keep working on it together.\"",
                   "We value", "Marco Rubio");
}

static void test_speaker_after(void **state)
{
    (void)state;
    expect_speaker("\"Nothing has been decided yet about the new terminal,\" said harbour chief "
                   "Jane Roe.",
                   "Nothing has", "Jane Roe");
    expect_speaker("Jane Roe runs the harbour. \"We will open the terminal in the spring as "
                   "planned,\" she said.",
                   "We will open", "Jane Roe");
}

/* The speaker named only in the sentence after the quote, in the same paragraph. */
static void test_speaker_in_next_sentence(void **state)
{
    (void)state;
    expect_speaker("The council met for three hours. \"Nothing has been decided about the fees "
                   "for the smaller boats yet.\" The deputy mayor, Anna Berg, said so after the "
                   "meeting.",
                   "Nothing has been", "Anna Berg");
    expect_speaker("\"The ferries will run again once the new quay is finished next year\". "
                   "So said harbour chief Peter Lindqvist on Tuesday.",
                   "The ferries", "Peter Lindqvist");
    /* a pronoun with nobody named before it: the person the next sentence names */
    expect_speaker("\"We will open the new terminal in the spring and the ferries will follow,\" "
                   "he said. Peter Lindqvist, the harbour chief, spoke after the vote.",
                   "We will open", "Peter Lindqvist");
    /* the next paragraph, when its sentence points back at the quote; the words' maker */
    expect_speaker("\"Nothing has been decided about the fees for the smaller boats yet.\"\n\n"
                   "This was stated by the deputy mayor, Anna Berg, after the meeting.",
                   "Nothing has been", "Anna Berg");
    expect_speaker("\"Nothing has been decided about the fees for the smaller boats yet.\" The "
                   "remarks were made by Anna Berg after the meeting.",
                   "Nothing has been", "Anna Berg");
    /* no speech verb in the next sentence, or the next sentence is another paragraph */
    expect_speaker("\"Nothing in this plan is new to anyone in the town.\" Critics were not "
                   "convinced, and Olaf Hansen, a fisherman, left early.",
                   "Nothing in this", NULL);
    expect_speaker("\"Nothing in this plan is new to anyone in the town.\"\n\nOlaf Hansen, a "
                   "fisherman, said the fees were too high.",
                   "Nothing in this", NULL);
}

/* A quote that goes on after its attribution keeps its speaker; not across a paragraph. */
static void test_continued_quote(void **state)
{
    (void)state;
    expect_speaker("\"We have met every condition the board set for the loan,\" the harbour chief "
                   "told reporters. \"There is nothing left to negotiate with them.\"",
                   "There is nothing", "the harbour chief");
    expect_speaker("\"We have met every condition the board set for the loan,\" the harbour chief "
                   "told reporters.\n\n\"There is nothing left to negotiate with them.\"",
                   "There is nothing", NULL);
}

static void test_no_speaker(void **state)
{
    (void)state;
    /* a quoted phrase with no speech verb near it */
    expect_speaker("The city wants the \"strongest ties with the harbour towns of the coast\" "
                   "despite the costs.",
                   "strongest ties", NULL);
}

/* A quote mark at the very end of the text: the closing-mark test reads the token, not
 * the bytes after it (the text sits in a buffer of its exact size, so a sanitizer build
 * sees an overread). A curly quote is not closed by a straight one. */
static void test_quote_mark_at_the_end(void **state)
{
    static const char src[] = "\xE2\x80\x9CWe will win the vote today and tomorrow,\" said "
                              "Jane Smith on Monday. \"";
    char *text = malloc(sizeof(src));
    struct nw_toks t;
    struct nw_entities e;
    json_t *q = NULL, *item;
    size_t i;

    (void)state;
    assert_non_null(text);
    memcpy(text, src, sizeof(src));
    assert_int_equal(nw_toks_init(&t, text, sizeof(src) - 1, 10000), NW_OK);
    assert_int_equal(nw_entities_extract_tagged(gaz, tagger, &t, &e), NW_OK);
    assert_int_equal(nw_quotes_find(&t, &e, &q), NW_OK);
    json_array_foreach(q, i, item)
    {
        const char *qt = json_string_value(json_object_get(item, "text"));
        assert_non_null(qt);
        assert_null(strstr(qt, "We will win"));
    }
    json_decref(q);
    nw_entities_fini(&e);
    nw_toks_fini(&t);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_speaker_before),
        cmocka_unit_test(test_speaker_after),
        cmocka_unit_test(test_speaker_in_next_sentence),
        cmocka_unit_test(test_continued_quote),
        cmocka_unit_test(test_no_speaker),
        cmocka_unit_test(test_quote_mark_at_the_end),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
