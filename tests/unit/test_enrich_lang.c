/* test_enrich_lang.c — language detection with CLD2: plain texts in a few languages, the
 * page's declared language only as a hint, and the lead-first scan (lang.h): a clear lead
 * decides alone, a mixed lead hands over to the longer scan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "enrich/lang.h"

static const char *const english[] = {
    "The city council voted on Tuesday to extend the night bus service to the northern "
    "suburbs, after months of complaints from workers who finish their shifts late. ",
    "Officials said the new routes would cost less than expected because the buses are "
    "already owned by the municipal transport company and only drivers must be hired. ",
    "Residents welcomed the decision but warned that the timetable still leaves long gaps "
    "between midnight and four in the morning, when most hospital staff travel home. ",
    "The mayor promised to review the schedule in the spring and to publish the number of "
    "passengers every month, so that the service can grow where it is really used. ",
};

static const char *const german[] = {
    "Der Stadtrat hat am Dienstag beschlossen, den Nachtbus bis in die nördlichen Vororte "
    "zu verlängern, nachdem sich Beschäftigte monatelang über späte Schichten beschwert hatten. ",
    "Nach Angaben der Verwaltung werden die neuen Linien weniger kosten als erwartet, weil "
    "die Busse bereits dem städtischen Verkehrsbetrieb gehören und nur Fahrer fehlen. ",
    "Die Anwohner begrüßten die Entscheidung, warnten aber, dass der Fahrplan zwischen "
    "Mitternacht und vier Uhr morgens große Lücken lässt, wenn das Klinikpersonal heimfährt. ",
    "Die Bürgermeisterin versprach, den Fahrplan im Frühjahr zu prüfen und jeden Monat die "
    "Zahl der Fahrgäste zu veröffentlichen, damit der Dienst dort wächst, wo er gebraucht wird. ",
};

/* Appends sentences of list (cycling) to buf until it holds about want bytes. */
static size_t fill(char *buf, size_t len, size_t size, const char *const *list, size_t n,
                   size_t want)
{
    for (size_t i = 0; len < want; i++) {
        size_t l = strlen(list[i % n]);
        assert_true(len + l < size);
        memcpy(buf + len, list[i % n], l);
        len += l;
    }
    buf[len] = '\0';
    return len;
}

static void test_lang_plain_texts(void **state)
{
    char buf[4096], out[3];
    size_t n;
    (void)state;
    n = fill(buf, 0, sizeof(buf), english, 4, 600);
    assert_int_equal(nw_lang_detect(buf, n, NULL, out), 1);
    assert_string_equal(out, "en");
    n = fill(buf, 0, sizeof(buf), german, 4, 600);
    assert_int_equal(nw_lang_detect(buf, n, NULL, out), 1);
    assert_string_equal(out, "de");
    /* the declared language is a hint, not an answer */
    assert_int_equal(nw_lang_detect(buf, n, "en-US", out), 1);
    assert_string_equal(out, "de");
    assert_int_equal(nw_lang_detect("", 0, NULL, out), 0);
    assert_string_equal(out, "");
    assert_int_equal(nw_lang_detect(NULL, 0, "de", out), 0);
}

static void test_lang_clear_lead_decides(void **state)
{
    static char buf[NW_LANG_MAX_SCAN + 4096];
    char out[3];
    size_t n;
    (void)state;
    /* a whole English lead, then much more German: the lead is conclusive */
    n = fill(buf, 0, sizeof(buf), english, 4, NW_LANG_PREFIX + 200);
    n = fill(buf, n, sizeof(buf), german, 4, NW_LANG_MAX_SCAN);
    assert_int_equal(nw_lang_detect(buf, n, NULL, out), 1);
    assert_string_equal(out, "en");
}

static void test_lang_mixed_lead_scans_on(void **state)
{
    static char buf[NW_LANG_MAX_SCAN + 4096];
    char out[3];
    size_t n;
    (void)state;
    /* a lead a little more German than English, then only English: the lead alone says
     * German but is not conclusive, so the longer scan decides */
    n = fill(buf, 0, sizeof(buf), german, 4, NW_LANG_PREFIX * 6 / 10);
    n = fill(buf, n, sizeof(buf), english, 4, NW_LANG_MAX_SCAN);
    assert_int_equal(nw_lang_detect(buf, NW_LANG_PREFIX, NULL, out), 1);
    assert_string_equal(out, "de");
    assert_int_equal(nw_lang_detect(buf, n, NULL, out), 1);
    assert_string_equal(out, "en");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lang_plain_texts),
        cmocka_unit_test(test_lang_clear_lead_decides),
        cmocka_unit_test(test_lang_mixed_lead_scans_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
