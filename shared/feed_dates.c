/* feed_dates.c — W3DTF, RFC 822/5322 and asctime dates, refused when a field is invalid. */
#include "feed_dates.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

struct when {
    int year, month, day, hour, minute, second;
    int offset_min; /* east of UTC */
};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Exactly n digits at s[*i]; -1 if not. */
static int digits(const char *s, size_t len, size_t *i, int n)
{
    int v = 0;

    if (*i + (size_t)n > len)
        return -1;
    for (int k = 0; k < n; k++) {
        if (!is_digit(s[*i + (size_t)k]))
            return -1;
        v = v * 10 + (s[*i + (size_t)k] - '0');
    }
    *i += (size_t)n;
    return v;
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

static int valid(const struct when *w)
{
    return w->year >= NW_FEED_DATE_MIN_YEAR && w->year <= NW_FEED_DATE_MAX_YEAR && w->month >= 1 &&
           w->month <= 12 && w->day >= 1 && w->day <= days_in(w->year, w->month) && w->hour >= 0 &&
           w->hour <= 23 && w->minute >= 0 && w->minute <= 59 && w->second >= 0 &&
           w->second <= 59 && w->offset_min > -24 * 60 && w->offset_min < 24 * 60;
}

static int format(const struct when *w, char *out, size_t out_size)
{
    int n;

    if (!valid(w) || out_size < 26)
        return -1;
    if (w->offset_min == 0)
        n = snprintf(out, out_size, "%04d-%02d-%02dT%02d:%02d:%02dZ", w->year, w->month, w->day,
                     w->hour, w->minute, w->second);
    else
        n = snprintf(out, out_size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", w->year, w->month,
                     w->day, w->hour, w->minute, w->second, w->offset_min < 0 ? '-' : '+',
                     (w->offset_min < 0 ? -w->offset_min : w->offset_min) / 60,
                     (w->offset_min < 0 ? -w->offset_min : w->offset_min) % 60);
    return n > 0 && (size_t)n < out_size ? 0 : -1;
}

/* A numeric offset: +hh:mm, +hhmm or +hh (hh 00-23, mm 00-59). Advances *i. */
static int numeric_offset(const char *s, size_t len, size_t *i, int *offset_min)
{
    int sign, hh, mm = 0;

    if (*i >= len || (s[*i] != '+' && s[*i] != '-'))
        return -1;
    sign = s[*i] == '-' ? -1 : 1;
    (*i)++;
    hh = digits(s, len, i, 2);
    if (hh < 0 || hh > 23)
        return -1;
    if (*i < len && s[*i] == ':') {
        (*i)++;
        mm = digits(s, len, i, 2);
    } else if (*i < len && is_digit(s[*i])) {
        mm = digits(s, len, i, 2);
    }
    if (mm < 0 || mm > 59)
        return -1;
    *offset_min = sign * (hh * 60 + mm);
    return 0;
}

/* ---- W3DTF / RFC 3339 ------------------------------------------------------------------- */

static int w3dtf(const char *s, size_t len, struct when *w)
{
    size_t i = 0;
    int spaced;

    memset(w, 0, sizeof(*w));
    w->month = w->day = 1;
    if ((w->year = digits(s, len, &i, 4)) < 0)
        return -1;
    if (i == len)
        return 0;
    if (s[i++] != '-' || (w->month = digits(s, len, &i, 2)) < 0)
        return -1;
    if (i == len)
        return 0;
    if (s[i++] != '-' || (w->day = digits(s, len, &i, 2)) < 0)
        return -1;
    if (i == len)
        return 0;
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
        return -1;
    spaced = s[i++] == ' ';
    if ((w->hour = digits(s, len, &i, 2)) < 0 || i >= len || s[i++] != ':' ||
        (w->minute = digits(s, len, &i, 2)) < 0)
        return -1;
    if (i < len && s[i] == ':') {
        i++;
        if ((w->second = digits(s, len, &i, 2)) < 0)
            return -1;
        if (i < len && (s[i] == '.' || s[i] == ',')) {
            size_t start = ++i;
            while (i < len && is_digit(s[i]))
                i++;
            if (i == start)
                return -1;
        }
    }
    if (spaced) /* "2003-12-13 18:30:02 +01:00", as SQL writes it */
        while (i < len && is_space(s[i]))
            i++;
    if (i < len && (s[i] == 'Z' || s[i] == 'z'))
        i++;
    else if (i < len && numeric_offset(s, len, &i, &w->offset_min))
        return -1;
    return i == len ? 0 : -1;
}

/* ---- RFC 822 / 5322 and asctime --------------------------------------------------------- */

struct token {
    const char *s;
    size_t n;
};

static int month_of(const struct token *t)
{
    static const char *const names[] = {"january",   "february", "march",    "april",
                                        "may",       "june",     "july",     "august",
                                        "september", "october",  "november", "december"};
    if (t->n < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(names[m]);
        if ((t->n == 3 || t->n == full || (m == 8 && t->n == 4)) && t->n <= full &&
            !strncasecmp(t->s, names[m], t->n))
            return m + 1;
    }
    return 0;
}

static int is_day_name(const struct token *t)
{
    static const char *const names[] = {"monday", "tuesday",  "wednesday", "thursday",
                                        "friday", "saturday", "sunday"};
    for (int d = 0; d < 7; d++)
        if ((t->n == 3 || t->n == strlen(names[d])) && !strncasecmp(t->s, names[d], t->n))
            return 1;
    return 0;
}

/* A named zone's offset in minutes east of UTC; 0 on success, -1 if unknown. */
static int named_zone(const struct token *t, int *offset_min)
{
    static const struct {
        const char *name;
        int minutes;
    } zones[] = {
        {"UT", 0},         {"UTC", 0},        {"GMT", 0},        {"Z", 0},
        {"EST", -5 * 60},  {"EDT", -4 * 60},  {"CST", -6 * 60},  {"CDT", -5 * 60},
        {"MST", -7 * 60},  {"MDT", -6 * 60},  {"PST", -8 * 60},  {"PDT", -7 * 60},
        {"ET", -5 * 60},   {"CT", -6 * 60},   {"MT", -7 * 60},   {"PT", -8 * 60},
        {"AT", -4 * 60},   {"AST", -4 * 60},  {"ADT", -3 * 60},  {"NST", -210},
        {"NDT", -150},     {"AKST", -9 * 60}, {"AKDT", -8 * 60}, {"HST", -10 * 60},
        {"WET", 0},        {"WEST", 60},      {"BST", 60},       {"CET", 60},
        {"CEST", 120},     {"MET", 60},       {"MEST", 120},     {"MEZ", 60},
        {"MESZ", 120},     {"EET", 120},      {"EEST", 180},     {"MSK", 180},
        {"IST", 330},      {"SGT", 8 * 60},   {"HKT", 8 * 60},   {"KST", 9 * 60},
        {"JST", 9 * 60},   {"AWST", 8 * 60},  {"ACST", 570},     {"ACDT", 630},
        {"AEST", 10 * 60}, {"AEDT", 11 * 60}, {"NZST", 12 * 60}, {"NZDT", 13 * 60},
    };

    for (size_t k = 0; k < sizeof(zones) / sizeof(zones[0]); k++) {
        if (t->n == strlen(zones[k].name) && !strncasecmp(t->s, zones[k].name, t->n)) {
            *offset_min = zones[k].minutes;
            return 0;
        }
    }
    if (t->n == 1 && is_alpha(t->s[0]) && t->s[0] != 'J' && t->s[0] != 'j') {
        int c = t->s[0] & ~0x20; /* upper case */
        if (c <= 'I')
            *offset_min = (c - 'A' + 1) * 60;
        else if (c <= 'M')
            *offset_min = (c - 'A') * 60; /* K = 10 ... M = 12 (J is not a zone) */
        else
            *offset_min = -(c - 'N' + 1) * 60;
        return 0;
    }
    return -1;
}

/* A zone token: numeric, named, or "GMT+hhmm" style. */
static int zone_of(const struct token *t, int *offset_min)
{
    size_t i = 0;

    if (t->n > 0 && (t->s[0] == '+' || t->s[0] == '-'))
        return numeric_offset(t->s, t->n, &i, offset_min) == 0 && i == t->n ? 0 : -1;
    if (t->n > 3 && (t->s[3] == '+' || t->s[3] == '-') &&
        (!strncasecmp(t->s, "GMT", 3) || !strncasecmp(t->s, "UTC", 3))) {
        i = 3;
        return numeric_offset(t->s, t->n, &i, offset_min) == 0 && i == t->n ? 0 : -1;
    }
    return named_zone(t, offset_min);
}

static int number_of(const struct token *t, size_t min_digits, size_t max_digits)
{
    int v = 0;

    if (t->n < min_digits || t->n > max_digits)
        return -1;
    for (size_t k = 0; k < t->n; k++) {
        if (!is_digit(t->s[k]))
            return -1;
        v = v * 10 + (t->s[k] - '0');
    }
    return v;
}

/* RFC 5322 4.3: two-digit years 00-49 are 2000-2049, 50-99 and three-digit years add 1900. */
static int year_of(const struct token *t)
{
    int y = number_of(t, 2, 4);

    if (y < 0)
        return -1;
    if (t->n == 2)
        return y < 50 ? 2000 + y : 1900 + y;
    if (t->n == 3)
        return 1900 + y;
    return y;
}

/* hh:mm[:ss] */
static int time_of(const struct token *t, struct when *w)
{
    size_t i = 0;

    if ((w->hour = digits(t->s, t->n, &i, 2)) < 0) {
        i = 0; /* one-digit hour, as in "8:49:37" */
        if ((w->hour = digits(t->s, t->n, &i, 1)) < 0)
            return -1;
    }
    if (i >= t->n || t->s[i++] != ':' || (w->minute = digits(t->s, t->n, &i, 2)) < 0)
        return -1;
    if (i < t->n && t->s[i] == ':') {
        i++;
        if ((w->second = digits(t->s, t->n, &i, 2)) < 0)
            return -1;
    }
    return i == t->n ? 0 : -1;
}

#define MAX_TOKENS 10

static size_t tokenize(const char *s, size_t len, struct token *tok)
{
    size_t n = 0, i = 0;

    while (i < len) {
        size_t start;
        while (i < len && (is_space(s[i]) || s[i] == ','))
            i++;
        if (i == len)
            break;
        if (s[i] == '(') { /* an RFC 5322 comment: "+0100 (CET)" */
            int depth = 0;
            do {
                depth += s[i] == '(' ? 1 : s[i] == ')' ? -1 : 0;
                i++;
            } while (i < len && depth > 0);
            continue;
        }
        if (n == MAX_TOKENS)
            return MAX_TOKENS + 1;
        start = i;
        while (i < len && !is_space(s[i]) && s[i] != ',')
            i++;
        tok[n].s = s + start;
        tok[n].n = i - start;
        n++;
    }
    return n;
}

/* [Day,] DD Mon YY[YY] [hh:mm[:ss] [zone]]  or  Day Mon DD hh:mm:ss [zone] YYYY */
static int rfc822_or_asctime(const char *s, size_t len, struct when *w)
{
    struct token tok[MAX_TOKENS];
    size_t n = tokenize(s, len, tok), i = 0;

    memset(w, 0, sizeof(*w));
    if (n > MAX_TOKENS || n < 3)
        return -1;
    if (is_day_name(&tok[0]))
        i = 1;
    if (n - i < 3)
        return -1;
    if (month_of(&tok[i])) { /* asctime */
        w->month = month_of(&tok[i]);
        if ((w->day = number_of(&tok[i + 1], 1, 2)) < 0)
            return -1;
        i += 2;
        if (i < n && time_of(&tok[i], w) == 0)
            i++;
        else
            return -1;
        if (i + 1 < n && zone_of(&tok[i], &w->offset_min) == 0)
            i++;
        if (i >= n || tok[i].n != 4 || (w->year = number_of(&tok[i], 4, 4)) < 0)
            return -1;
        return i + 1 == n ? 0 : -1;
    }
    if ((w->day = number_of(&tok[i], 1, 2)) < 0 || !(w->month = month_of(&tok[i + 1])) ||
        (w->year = year_of(&tok[i + 2])) < 0)
        return -1;
    i += 3;
    if (i < n) {
        if (time_of(&tok[i], w))
            return -1;
        i++;
    }
    if (i < n) {
        if (zone_of(&tok[i], &w->offset_min))
            return -1;
        i++;
    }
    return i == n ? 0 : -1;
}

int nw_feed_date_parse(const char *s, size_t len, char *out, size_t out_size)
{
    struct when w;

    while (len > 0 && is_space(s[0])) {
        s++;
        len--;
    }
    while (len > 0 && is_space(s[len - 1]))
        len--;
    if (len == 0 || len > 64)
        return -1;
    if (w3dtf(s, len, &w) == 0 || rfc822_or_asctime(s, len, &w) == 0)
        return format(&w, out, out_size);
    return -1;
}
