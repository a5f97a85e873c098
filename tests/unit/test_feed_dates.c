/* test_feed_dates.c — feed dates read as W3DTF, RFC 822/5322 and asctime say, refused when
 * a field is invalid. Cases are taken from the specifications' grammars. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "feed_dates.h"

static void check(const char *in, const char *want)
{
    char out[64] = "";
    int r = nw_feed_date_parse(in, strlen(in), out, sizeof(out));

    if (want && (r != 0 || strcmp(out, want)))
        fail_msg("\"%s\": got %s, want %s", in, r ? "(refused)" : out, want);
    if (!want && r == 0)
        fail_msg("\"%s\": got %s, want it refused", in, out);
}

/* W3DTF (https://www.w3.org/TR/NOTE-datetime): the six forms, TZD Z or +hh:mm. */
static void test_w3dtf(void **state)
{
    (void)state;
    check("1997", "1997-01-01T00:00:00Z");
    check("1997-07", "1997-07-01T00:00:00Z");
    check("1997-07-16", "1997-07-16T00:00:00Z");
    check("1997-07-16T19:20+01:00", "1997-07-16T19:20:00+01:00");
    check("1997-07-16T19:20:30+01:00", "1997-07-16T19:20:30+01:00");
    check("1997-07-16T19:20:30.45+01:00", "1997-07-16T19:20:30+01:00");
    check("1997-07-16T19:20:30Z", "1997-07-16T19:20:30Z");
    check("1997-07-16T19:20:30-00:00", "1997-07-16T19:20:30Z");
    check(" 2024-02-29T23:59:59-12:30 ", "2024-02-29T23:59:59-12:30");
    check("2024-02-29 10:00:00", "2024-02-29T10:00:00Z");
    check("2024-02-29 10:00:00 +0100", "2024-02-29T10:00:00+01:00");
    check("2024-02-29T10:00:00 +0100", NULL);
    check("1997-7-16", NULL);
    check("1997-07-16T19", NULL);
    check("1997-07-16T19:20:30+0100x", NULL);
    check("2023-02-29", NULL);
    check("1997-00", NULL);
    check("1997-07-00", NULL);
    check("1997-07-16T24:00:00Z", NULL);
    check("1997-07-16T19:20:60Z", NULL);
    check("1997-07-16T19:20:30+24:00", NULL);
    check("1997-07-16T19:20:30+01:60", NULL);
    check("9999-12-31T23:59:59Z", NULL);
    check("0001-01-01T00:00:00Z", NULL);
}

/* RFC 5322 3.3 date-time with the obsolete forms of 4.3 (two- and three-digit years, named
 * and military zones), RFC 822 5.1 zones. */
static void test_rfc822(void **state)
{
    (void)state;
    check("Fri, 21 Nov 1997 09:55:06 -0600", "1997-11-21T09:55:06-06:00");
    check("21 Nov 1997 09:55:06 GMT", "1997-11-21T09:55:06Z");
    check("Fri, 21 Nov 1997 09:55 UT", "1997-11-21T09:55:00Z");
    check("Fri, 21 Nov 97 09:55:06 GMT", "1997-11-21T09:55:06Z");
    check("Fri, 21 Nov 49 09:55:06 GMT", "2049-11-21T09:55:06Z");
    check("Fri, 21 Nov 50 09:55:06 GMT", "1950-11-21T09:55:06Z");
    check("Fri, 21 Nov 103 09:55:06 GMT", "2003-11-21T09:55:06Z");
    check("Fri, 21 Nov 1997 09:55:06 EST", "1997-11-21T09:55:06-05:00");
    check("Fri, 21 Nov 1997 09:55:06 EDT", "1997-11-21T09:55:06-04:00");
    check("Fri, 21 Nov 1997 09:55:06 CST", "1997-11-21T09:55:06-06:00");
    check("Fri, 21 Nov 1997 09:55:06 CDT", "1997-11-21T09:55:06-05:00");
    check("Fri, 21 Nov 1997 09:55:06 MST", "1997-11-21T09:55:06-07:00");
    check("Fri, 21 Nov 1997 09:55:06 PST", "1997-11-21T09:55:06-08:00");
    check("Fri, 21 Nov 1997 09:55:06 PDT", "1997-11-21T09:55:06-07:00");
    check("Fri, 21 Nov 1997 09:55:06 PT", "1997-11-21T09:55:06-08:00");
    check("Fri, 21 Nov 1997 09:55:06 MT", "1997-11-21T09:55:06-07:00");
    check("Fri, 21 Nov 1997 09:55:06 CT", "1997-11-21T09:55:06-06:00");
    check("Fri, 21 Nov 1997 09:55:06 MEST", "1997-11-21T09:55:06+02:00");
    check("Fri, 21 Nov 1997 09:55:06 CET", "1997-11-21T09:55:06+01:00");
    check("Fri, 21 Nov 1997 09:55:06 M", "1997-11-21T09:55:06+12:00");
    check("Fri, 21 Nov 1997 09:55:06 N", "1997-11-21T09:55:06-01:00");
    check("Fri, 21 Nov 1997 09:55:06 Y", "1997-11-21T09:55:06-12:00");
    check("Fri, 21 November 1997 9:55:06 +0000", "1997-11-21T09:55:06Z");
    check("Fri, 21 Nov 1997 09:55:06 +0100 (CET)", "1997-11-21T09:55:06+01:00");
    check("Fri, 21 Nov 1997 09:55:06 +0100 (CET", "1997-11-21T09:55:06+01:00");
    check("Fri, 21 Nov 1997 09:55:06 J", NULL);
    check("Fri, 21 Nov 1997 09:55:06 XYZ", NULL);
    check("Fri, 21 Nov 1997 09:55:06 +2400", NULL);
    check("Fri, 21 Nov 1997 09:55:06 +zz00", NULL);
    check("Fri, 21 Nov 1997 25:55:06 GMT", NULL);
    check("Fri, 32 Nov 1997 09:55:06 GMT", NULL);
    check("Fri, 21 Nox 1997 09:55:06 GMT", NULL);
    check("Fri, 21 Nov 9999 09:55:06 GMT", NULL);
}

/* asctime (C, and RFC 9110's obsolete HTTP date form). */
static void test_asctime(void **state)
{
    (void)state;
    check("Sun Nov  6 08:49:37 1994", "1994-11-06T08:49:37Z");
    check("Sun Nov 6 08:49:37 GMT 1994", "1994-11-06T08:49:37Z");
    check("Sun Nov 31 08:49:37 1994", NULL);
    check("Sun Nov  6 08:49:37", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_w3dtf),
        cmocka_unit_test(test_rfc822),
        cmocka_unit_test(test_asctime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
