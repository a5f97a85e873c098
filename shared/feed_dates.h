/*
 * feed_dates.h — the dates feeds and sitemaps write, read strictly.
 *
 * Forms read:
 * - W3DTF (the ISO 8601 profile of sitemaps.org, Atom's RFC 3339 and JSON Feed): `YYYY`,
 *   `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mmTZD`, `YYYY-MM-DDThh:mm:ssTZD` and
 *   `YYYY-MM-DDThh:mm:ss.sTZD`; a partial date stands for its first day at midnight UTC; a
 *   space for `T` and a missing TZD (read as UTC) are tolerated.
 * - RFC 822 / RFC 5322 (RSS 2.0 pubDate): `[Day,] DD Mon YYYY hh:mm[:ss] zone` with a numeric
 *   zone, UT/UTC/GMT/Z, the North American zones (EST/EDT, CST/CDT, MST/MDT, PST/PDT and the
 *   bare ET/CT/MT/PT, AT, read as standard time), common European and Asian abbreviations
 *   (WET, CET/CEST, MET/MEST, EET, BST, MSK, IST, KST, JST, ...) and the military letters in
 *   their NATO sense (A = +01:00 ... M = +12:00, N = -01:00 ... Y = -12:00; RFC 1123 5.2.14
 *   notes RFC 822 gave them reversed signs); two- and three-digit years as RFC 5322 4.3 says
 *   (00-49 are 2000-2049, 50-99 and three digits add 1900); full month names too.
 * - asctime (`Sun Nov  6 08:49:37 1994`, optionally with a zone before the year).
 *
 * A field out of range (month 13, day 31 of a 30-day month, hour 25, minute 60, a zone like
 * `+zz:00` or `+25:00`) makes the whole date unreadable: it is never wrapped or guessed.
 * Years outside 1000-2199 are refused too (9999 is a "never" placeholder, not a date).
 *
 * Pure: no I/O, no locale, no global state.
 */
#ifndef NW_FEED_DATES_H
#define NW_FEED_DATES_H

#include <stddef.h>

#define NW_FEED_DATE_MIN_YEAR 1000
#define NW_FEED_DATE_MAX_YEAR 2199

/* Reads s[0..len) and writes it as RFC 3339 with the offset the date gave
 * ("2003-12-13T18:30:02+01:00", "...Z" for UTC or none) into out (at least 26 bytes).
 * Returns 0, or -1 if s is not a date in one of the forms above. */
int nw_feed_date_parse(const char *s, size_t len, char *out, size_t out_size);

#endif
