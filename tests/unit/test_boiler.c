/* test_boiler.c — leftovers go, subheads and article text stay. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "boiler.h"
#include "extract.h"
#include "mem.h"

static const char *para =
    "The committee met on Tuesday to discuss the budget, and members agreed that the "
    "spending plan needed a second reading before the vote at the end of the month.";

static char *strip(const char *text, const char *title)
{
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(nw_boiler_strip(text, strlen(text), title, &out, &len), NW_OK);
    assert_non_null(out);
    assert_int_equal(strlen(out), len);
    return out;
}

static void test_prompts_and_copyright_go(void **state)
{
    char text[2048];
    char *out;
    (void)state;
    snprintf(text, sizeof(text),
             "Send Push\n\n%s\n\nLoving Brandname? Download the app now\n\n0 comments\n\n"
             "\xC2\xA9 2024 Some Media. All Rights Reserved.",
             para);
    out = strip(text, NULL);
    assert_string_equal(out, para);
    nw_free(out);
}

static void test_subhead_stays(void **state)
{
    char text[2048];
    char *out;
    (void)state;
    snprintf(text, sizeof(text), "%s\n\nBudget talks resume in March\n\n%s", para, para);
    out = strip(text, NULL);
    assert_non_null(strstr(out, "\n\nBudget talks resume in March\n\n"));
    nw_free(out);
}

static void test_list_header_and_teasers_go(void **state)
{
    char text[2048];
    char *out;
    (void)state;
    snprintf(text, sizeof(text),
             "%s\n\nYou may also like\n\nMayor opens new bridge over the river\n\n"
             "Storm closes schools across the county\n\n%s",
             para, para);
    out = strip(text, NULL);
    assert_null(strstr(out, "also like"));
    assert_null(strstr(out, "Mayor opens"));
    assert_null(strstr(out, "Storm closes"));
    assert_non_null(strstr(out, para));
    nw_free(out);
}

static void test_title_repeat_byline_and_signoff_go(void **state)
{
    char text[2048];
    char *out;
    (void)state;
    snprintf(text, sizeof(text),
             "Budget vote delayed\n\nby Staff Reporter\n\nDecember 31, 2023\n\n%s\n\n--AGENCY\n\n"
             "ab/cd",
             para);
    out = strip(text, "Budget vote delayed");
    assert_string_equal(out, para);
    nw_free(out);
}

static void test_line_kinds(void **state)
{
    (void)state;
#define KIND(s) nw_boiler_line_kind(s, strlen(s))
    assert_int_equal(KIND("LONDON 1996-08-30"), NW_LINE_DATELINE);
    assert_int_equal(KIND("AL-AIN, United Arab Emirates 1996-12-06"), NW_LINE_DATELINE);
    assert_int_equal(KIND("WASHINGTON, Oct 3"), NW_LINE_DATELINE);
    assert_int_equal(KIND("-- Milan newsroom +39 2 6612 0000"), NW_LINE_SIGNOFF);
    assert_int_equal(KIND("\xE2\x80\x94 Reporting by Jane Roe; editing by John Doe"),
                     NW_LINE_SIGNOFF);
    assert_int_equal(KIND("Next Story"), NW_LINE_FURNITURE);
    assert_int_equal(KIND("Sitename"), NW_LINE_FURNITURE);
    assert_int_equal(KIND("[CORRECTED 14:06 GMT]"), NW_LINE_FURNITURE);
    assert_int_equal(KIND("Photo credit: Jane Roe"), NW_LINE_FURNITURE);
    assert_int_equal(KIND("Council approves the harbour budget"), NW_LINE_TEXT);
    assert_int_equal(KIND("Harbour council backs budget after long debate."), NW_LINE_TEXT);
    /* a sentence ending in a date is text, not a dateline */
    assert_int_equal(KIND("The vote was held on March 3."), NW_LINE_TEXT);
#undef KIND
}

static void test_credits_and_related_headlines_go(void **state)
{
    char text[2048];
    char *out;
    (void)state;
    snprintf(text, sizeof(text),
             "%s\n\nThe mayor at the harbour on Monday. (Photo: Jane Roe / Harbour Times)\n\n"
             "Image source: Harbour Times\n\n%s\n\nRelated coverage\n\n"
             "Ferry operator names new chief executive\n\nMayor Smith visits the new terminal\n\n"
             "Must read",
             para, para);
    out = strip(text, NULL);
    assert_null(strstr(out, "Photo"));
    assert_null(strstr(out, "Image source"));
    assert_null(strstr(out, "Related"));
    assert_null(strstr(out, "Ferry operator"));
    assert_null(strstr(out, "Mayor Smith"));
    assert_null(strstr(out, "Must read"));
    assert_non_null(strstr(out, para));
    nw_free(out);
}

static void test_tables_and_data_lines_stay(void **state)
{
    char text[2048];
    char *out;
    (void)state;
    /* an all-capitals table header, a table row that starts with a word a prompt could
     * use, a label line and result lines after the last paragraph are the article's */
    snprintf(text, sizeof(text),
             "%s\n\nLATEST PREVIOUS ACTUAL\n\nReading 4 1 1 2 5 10 4\n\n%s\n\nScorers:\n\n"
             "Jane Roe (28th)\n\nAttendance: 850",
             para, para);
    out = strip(text, NULL);
    assert_non_null(strstr(out, "LATEST PREVIOUS ACTUAL"));
    assert_non_null(strstr(out, "Reading 4 1 1 2 5 10 4"));
    assert_non_null(strstr(out, "Scorers:"));
    assert_non_null(strstr(out, "Jane Roe (28th)"));
    assert_non_null(strstr(out, "Attendance: 850"));
    nw_free(out);
}

static void test_cjk_paragraph_stays_short_cjk_furniture_goes(void **state)
{
    /* Chinese and Japanese are written without spaces: a paragraph is one space-free run,
     * which must be measured in characters, not taken for a single token. */
    static const char *zh =
        "\xE5\xB8\x82\xE6\x94\xBF\xE5\xBA\x9C\xE5\x91\xA8\xE4\xBA\x8C"
        "\xE5\x8F\xAC\xE5\xBC\x80\xE4\xBC\x9A\xE8\xAE\xAE\xEF\xBC\x8C"
        "\xE8\xAE\xA8\xE8\xAE\xBA\xE6\x98\x8E\xE5\xB9\xB4\xE7\x9A\x84"
        "\xE9\xA2\x84\xE7\xAE\x97\xE5\x92\x8C\xE6\x96\xB0\xE6\xA1\xA5"
        "\xE7\x9A\x84\xE5\xBB\xBA\xE8\xAE\xBE\xE8\xAE\xA1\xE5\x88\x92"
        "\xE3\x80\x82"; /* 市政府周二召开会议，讨论明年的预算和新桥的建设计划。 */
    static const char *ja =
        "\xE5\xB8\x82\xE8\xAD\xB0\xE4\xBC\x9A\xE3\x81\xAF\xE7\x81\xAB"
        "\xE6\x9B\x9C\xE6\x97\xA5\xE3\x81\xAB\xE6\x96\xB0\xE3\x81\x97"
        "\xE3\x81\x84\xE6\xA9\x8B\xE3\x81\xAE\xE8\xA8\x88\xE7\x94\xBB"
        "\xE3\x82\x92\xE6\x89\xBF\xE8\xAA\x8D\xE3\x81\x97\xE3\x81\xBE"
        "\xE3\x81\x97\xE3\x81\x9F\xE3\x80\x82"; /* 市議会は火曜日に新しい橋の計画を承認しました。 */
    static const char *share = "\xE5\x88\x86\xE4\xBA\xAB";              /* 分享 */
    static const char *thanks = "\xE8\xB0\xA2\xE8\xB0\xA2\xE3\x80\x82"; /* 谢谢。 */
    char text[2048], want[2048];
    char *out;
    (void)state;
    snprintf(text, sizeof(text), "%s\n\n%s\n\n%s\n\n%s\n\n%s", share, zh, ja, thanks, share);
    out = strip(text, NULL);
    /* the paragraphs stay; so does the short line that ends with a full-width full stop
     * (a sentence); the two-character share button goes before and after the text */
    snprintf(want, sizeof(want), "%s\n\n%s\n\n%s", zh, ja, thanks);
    assert_string_equal(out, want);
    nw_free(out);
}

/* An author's closing greeting after the last paragraph stays, other short lines there go;
 * with the rule off the greetings go too. */
static void test_closing_greetings_stay(void **state)
{
    const char *greetings[] = {"x Franzi", "XX, Die Redaktion", "Euer HansEhrlich", "Liebe Grüße",
                               "Cheers, Anna"};
    char text[2048];
    (void)state;
    for (size_t i = 0; i < sizeof(greetings) / sizeof(greetings[0]); i++) {
        char *out = NULL;
        size_t len = 0;
        snprintf(text, sizeof(text), "%s\n\nHave a lovely Sunday!\n\n%s\n\nAlle Beiträge", para,
                 greetings[i]);
        out = strip(text, NULL);
        assert_non_null(strstr(out, greetings[i]));
        assert_non_null(strstr(out, "lovely Sunday"));
        assert_null(strstr(out, "Alle Beiträge"));
        nw_free(out);
        assert_int_equal(nw_boiler_strip_rules(text, strlen(text), NULL,
                                               NW_EXTRACT_RULE_CLOSING_GREETINGS, &out, &len),
                         NW_OK);
        assert_null(strstr(out, greetings[i]));
        nw_free(out);
    }
}

/* A line that is a written-out address (the article's reference, a petition, a shop link)
 * stays; other one-token lines go; with the rule off the addresses go too. */
static void test_written_urls_stay(void **state)
{
    const char *urls[] = {"http://www.openpetition.de/petition/online/gegen-die-reform",
                          "https://doi.org/10.1002/ange.202312147", "www.jugend-forscht.de"};
    char text[2048];
    (void)state;
    for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
        char *out = NULL;
        size_t len = 0;
        snprintf(text, sizeof(text), "%s\n\n%s\n\nab/cd\n\n%s", para, urls[i], para);
        out = strip(text, NULL);
        assert_non_null(strstr(out, urls[i]));
        assert_null(strstr(out, "ab/cd"));
        nw_free(out);
        assert_int_equal(nw_boiler_strip_rules(text, strlen(text), NULL,
                                               NW_EXTRACT_RULE_WRITTEN_URLS, &out, &len),
                         NW_OK);
        assert_null(strstr(out, urls[i]));
        nw_free(out);
    }
}

/* A row of German interface buttons ("Bild anzeigen Bild schließen", "Drucken Pinnen")
 * goes; a subhead and a step that use such a verb in a phrase stay; with the rule off the
 * buttons stay. */
static void test_command_lines_go(void **state)
{
    char text[2048];
    char *out = NULL;
    size_t len = 0;
    (void)state;
    snprintf(text, sizeof(text),
             "%s\n\nBild anzeigen Bild schließen\n\nDen Teig dünn ausrollen und Plätzchen "
             "ausstechen\n\nDrucken Pinnen\n\nRezept drucken Bei Pinterest speichern\n\n"
             "Wie wir die Daten teilen\n\n%s",
             para, para);
    out = strip(text, NULL);
    assert_null(strstr(out, "Bild anzeigen"));
    assert_null(strstr(out, "Drucken Pinnen"));
    assert_null(strstr(out, "Rezept drucken"));
    assert_non_null(strstr(out, "Plätzchen ausstechen"));
    assert_non_null(strstr(out, "Wie wir die Daten teilen"));
    nw_free(out);
    assert_int_equal(
        nw_boiler_strip_rules(text, strlen(text), NULL, NW_EXTRACT_RULE_COMMAND_LINES, &out, &len),
        NW_OK);
    assert_non_null(strstr(out, "Bild anzeigen Bild schließen"));
    assert_non_null(strstr(out, "Drucken Pinnen"));
    nw_free(out);
}

/* Licence and disclaimer notes go wherever they sit; a sentence about Creative Commons (no
 * licence code) stays; with the rule off the notes stay. */
static void test_licence_lines_go(void **state)
{
    char text[2048];
    char *out = NULL;
    size_t len = 0;
    (void)state;
    snprintf(text, sizeof(text),
             "%s\n\n(Alle Angaben ohne Gewähr)\n\nCreative Commons helps you share your work "
             "with others.\n\n%s\n\nDieser Text wurde veröffentlicht unter der Lizenz "
             "CC-BY-NC-ND-4.0-DE. Die Fotos dürfen nicht verwendet werden.",
             para, para);
    out = strip(text, NULL);
    assert_null(strstr(out, "ohne Gewähr"));
    assert_null(strstr(out, "Lizenz"));
    assert_non_null(strstr(out, "Creative Commons helps you"));
    nw_free(out);
    assert_int_equal(
        nw_boiler_strip_rules(text, strlen(text), NULL, NW_EXTRACT_RULE_LICENCE_LINES, &out, &len),
        NW_OK);
    assert_non_null(strstr(out, "ohne Gewähr"));
    assert_non_null(strstr(out, "Lizenz"));
    nw_free(out);
}

static void test_empty_and_null(void **state)
{
    char *out = NULL;
    size_t len = 1;
    (void)state;
    assert_int_equal(nw_boiler_strip(NULL, 0, NULL, &out, &len), NW_OK);
    assert_string_equal(out, "");
    assert_int_equal(len, 0);
    nw_free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prompts_and_copyright_go),
        cmocka_unit_test(test_subhead_stays),
        cmocka_unit_test(test_list_header_and_teasers_go),
        cmocka_unit_test(test_title_repeat_byline_and_signoff_go),
        cmocka_unit_test(test_line_kinds),
        cmocka_unit_test(test_credits_and_related_headlines_go),
        cmocka_unit_test(test_tables_and_data_lines_stay),
        cmocka_unit_test(test_cjk_paragraph_stays_short_cjk_furniture_goes),
        cmocka_unit_test(test_closing_greetings_stay),
        cmocka_unit_test(test_written_urls_stay),
        cmocka_unit_test(test_command_lines_go),
        cmocka_unit_test(test_licence_lines_go),
        cmocka_unit_test(test_empty_and_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
