/*
 * dates.c — publication and modification dates from every source a page offers, in the
 * order documented in dates.h. One bounded walk gathers the candidates; the sources are
 * then tried in order, each candidate checked for plausibility (1995 .. fetch time).
 */
#define _GNU_SOURCE /* memmem */
#include "dates.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "buf.h"
#include "mem.h"

#define DATES_MIN_YEAR 1995
#define DATES_MAX_NODES 400000
#define DATES_MAX_TAGS 256
#define DATES_MAX_EL 24
#define DATES_MAX_SCRIPTS 24
#define DATES_SCRIPT_MAX 65536
#define DATES_HEAD_TEXT 1500
#define DATES_EL_TEXT 400
#define DATES_MAX_VIS 32
#define DATES_MAX_HEADS 3
#define DATES_MAX_TIMES 8
#define DATES_PRE_TEXT 160 /* bytes of text before a headline */
#define DATES_NEAR 300     /* bytes after a headline's start where its byline is */

/* ---- characters and numbers ---- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Reads 1..max digits at *i (at least min); -1 if fewer than min. */
static int read_digits(const char *s, size_t len, size_t *i, int min, int max, int *out)
{
    int v = 0, n = 0;
    while (*i < len && n < max && is_digit(s[*i])) {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        n++;
    }
    if (n < min)
        return -1;
    *out = v;
    return n;
}

static int is_leap(int y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int valid_ymd(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

long long nw_dates_epoch(const struct nw_date *d)
{
    long long t = days_from_civil(d->year, (unsigned)d->month, (unsigned)d->day) * 86400LL +
                  d->hour * 3600LL + d->minute * 60LL + d->second;
    return d->has_zone ? t - d->offset_min * 60LL : t;
}

static void civil_from_days(long long z, int *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long yy = (long long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static void from_epoch(long long t, struct nw_date *d)
{
    long long days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    long long rem = t - days * 86400;
    memset(d, 0, sizeof(*d));
    civil_from_days(days, &d->year, &d->month, &d->day);
    d->hour = (int)(rem / 3600);
    d->minute = (int)(rem / 60 % 60);
    d->second = (int)(rem % 60);
    d->has_time = 1;
    d->has_zone = 1;
}

void nw_dates_format(const struct nw_date *d, char *out, size_t out_size)
{
    int off = d->has_zone ? d->offset_min : 0;
    if (off == 0) {
        snprintf(out, out_size, "%04d-%02d-%02dT%02d:%02d:%02dZ", d->year % 10000, d->month % 100,
                 d->day % 100, d->hour % 100, d->minute % 100, d->second % 100);
        return;
    }
    char sign = off < 0 ? '-' : '+';
    int a = off < 0 ? -off : off;
    snprintf(out, out_size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", d->year % 10000,
             d->month % 100, d->day % 100, d->hour % 100, d->minute % 100, d->second % 100, sign,
             (a / 60) % 100, a % 60);
}

/* ---- zones and times ---- */

static const struct {
    const char *name;
    int minutes;
} zone_names[] = {
    {"UTC", 0},    {"GMT", 0},    {"UT", 0},     {"Z", 0},      {"EST", -300}, {"EDT", -240},
    {"CST", -360}, {"CDT", -300}, {"MST", -420}, {"MDT", -360}, {"PST", -480}, {"PDT", -420},
    {"CET", 60},   {"CEST", 120}, {"MEZ", 60},   {"MESZ", 120}, {"BST", 60},   {"IST", 330},
    {"EET", 120},  {"EEST", 180}, {"MSK", 180},  {"JST", 540},  {"KST", 540},  {"AEST", 600},
    {"AEDT", 660}, {"WIB", 420},  {NULL, 0},
};

/* A zone at *i: Z, +hh:mm, +hhmm, +hh, or a name from the table. */
static int read_zone(const char *s, size_t len, size_t *i, struct nw_date *d)
{
    size_t k = *i;
    while (k < len && s[k] == ' ')
        k++;
    if (k < len && (s[k] == '+' || s[k] == '-')) {
        int sign = s[k] == '-' ? -1 : 1, hh = 0, mm = 0;
        k++;
        size_t start = k;
        if (read_digits(s, len, &k, 2, 2, &hh) < 0)
            return 0;
        if (k < len && s[k] == ':')
            k++;
        if (k < len && is_digit(s[k]) && read_digits(s, len, &k, 2, 2, &mm) < 0)
            return 0;
        if (k - start < 2 || hh > 14 || mm > 59 || (k < len && is_digit(s[k])))
            return 0;
        d->has_zone = 1;
        d->offset_min = sign * (hh * 60 + mm);
        *i = k;
        return 1;
    }
    size_t w = k;
    while (w < len && w - k < 5 && s[w] >= 'A' && s[w] <= 'Z')
        w++;
    if (w == k || (w < len && is_alpha(s[w])))
        return 0;
    for (size_t z = 0; zone_names[z].name; z++) {
        if (strlen(zone_names[z].name) == w - k && strncmp(s + k, zone_names[z].name, w - k) == 0) {
            d->has_zone = 1;
            d->offset_min = zone_names[z].minutes;
            *i = w;
            /* "GMT+2", "UTC+01:00" */
            if (w < len && (s[w] == '+' || s[w] == '-')) {
                struct nw_date z2 = *d;
                size_t k2 = w;
                int sign = s[w] == '-' ? -1 : 1, hh = 0, mm = 0;
                k2++;
                if (read_digits(s, len, &k2, 1, 2, &hh) > 0 && hh <= 14) {
                    if (k2 + 2 < len && s[k2] == ':' && is_digit(s[k2 + 1]))
                        k2++, read_digits(s, len, &k2, 2, 2, &mm);
                    z2.offset_min = sign * (hh * 60 + mm);
                    *d = z2;
                    *i = k2;
                }
            }
            return 1;
        }
    }
    return 0;
}

/* An optional time after a date: [T| |, ]hh:mm[:ss][.frac][ zone]. */
static void read_time(const char *s, size_t len, size_t *i, struct nw_date *d)
{
    size_t k = *i;
    int h = 0, m = 0, sec = 0;
    if (k < len && (s[k] == 'T' || s[k] == 't'))
        k++;
    else {
        int n = 0;
        while (k < len && n < 3 && (s[k] == ' ' || s[k] == ',')) {
            k++;
            n++;
        }
        if (n == 0)
            return;
    }
    if (read_digits(s, len, &k, 2, 2, &h) < 0 || k >= len || s[k] != ':')
        return;
    k++;
    if (read_digits(s, len, &k, 2, 2, &m) < 0)
        return;
    if (k < len && s[k] == ':') {
        size_t k2 = k + 1;
        if (read_digits(s, len, &k2, 2, 2, &sec) < 0)
            return;
        k = k2;
        if (k < len && (s[k] == '.' || s[k] == ',') && k + 1 < len && is_digit(s[k + 1]))
            for (k++; k < len && is_digit(s[k]); k++)
                ;
    }
    if (h > 23 || m > 59 || sec > 60)
        return;
    d->hour = h;
    d->minute = m;
    d->second = sec > 59 ? 59 : sec;
    d->has_time = 1;
    if (k < len && (s[k] == 'Z' || s[k] == 'z') && (k + 1 >= len || !is_alpha(s[k + 1]))) {
        d->has_zone = 1;
        d->offset_min = 0;
        k++;
    } else {
        read_zone(s, len, &k, d);
    }
    *i = k;
}

/* ---- month names ---- */

static const struct {
    const char *name; /* lower case, UTF-8 */
    int month;
} month_names[] = {
    /* en */
    {"january", 1},
    {"february", 2},
    {"march", 3},
    {"april", 4},
    {"may", 5},
    {"june", 6},
    {"july", 7},
    {"august", 8},
    {"september", 9},
    {"october", 10},
    {"november", 11},
    {"december", 12},
    {"jan", 1},
    {"feb", 2},
    {"mar", 3},
    {"apr", 4},
    {"jun", 6},
    {"jul", 7},
    {"aug", 8},
    {"sep", 9},
    {"sept", 9},
    {"oct", 10},
    {"nov", 11},
    {"dec", 12},
    /* de */
    {"januar", 1},
    {"jänner", 1},
    {"februar", 2},
    {"feber", 2},
    {"märz", 3},
    {"mär", 3},
    {"mrz", 3},
    {"mai", 5},
    {"juni", 6},
    {"juli", 7},
    {"oktober", 10},
    {"okt", 10},
    {"dezember", 12},
    {"dez", 12},
    /* fr */
    {"janvier", 1},
    {"janv", 1},
    {"février", 2},
    {"fevrier", 2},
    {"févr", 2},
    {"fév", 2},
    {"mars", 3},
    {"avril", 4},
    {"avr", 4},
    {"juin", 6},
    {"juillet", 7},
    {"juil", 7},
    {"août", 8},
    {"aout", 8},
    {"septembre", 9},
    {"octobre", 10},
    {"novembre", 11},
    {"décembre", 12},
    {"decembre", 12},
    {"déc", 12},
    /* es */
    {"enero", 1},
    {"ene", 1},
    {"febrero", 2},
    {"marzo", 3},
    {"abril", 4},
    {"abr", 4},
    {"mayo", 5},
    {"junio", 6},
    {"julio", 7},
    {"agosto", 8},
    {"ago", 8},
    {"septiembre", 9},
    {"setiembre", 9},
    {"octubre", 10},
    {"noviembre", 11},
    {"diciembre", 12},
    {"dic", 12},
    /* it */
    {"gennaio", 1},
    {"gen", 1},
    {"febbraio", 2},
    {"aprile", 4},
    {"maggio", 5},
    {"mag", 5},
    {"giugno", 6},
    {"giu", 6},
    {"luglio", 7},
    {"lug", 7},
    {"settembre", 9},
    {"set", 9},
    {"ottobre", 10},
    {"ott", 10},
    {"dicembre", 12},
    /* pt */
    {"janeiro", 1},
    {"fevereiro", 2},
    {"fev", 2},
    {"março", 3},
    {"marco", 3},
    {"maio", 5},
    {"junho", 6},
    {"julho", 7},
    {"setembro", 9},
    {"outubro", 10},
    {"out", 10},
    {"novembro", 11},
    {"dezembro", 12},
    /* nl */
    {"januari", 1},
    {"februari", 2},
    {"maart", 3},
    {"mrt", 3},
    {"mei", 5},
    {"augustus", 8},
    /* ru */
    {"января", 1},
    {"февраля", 2},
    {"марта", 3},
    {"апреля", 4},
    {"мая", 5},
    {"июня", 6},
    {"июля", 7},
    {"августа", 8},
    {"сентября", 9},
    {"октября", 10},
    {"ноября", 11},
    {"декабря", 12},
    {"январь", 1},
    {"февраль", 2},
    {"март", 3},
    {"апрель", 4},
    {"май", 5},
    {"июнь", 6},
    {"июль", 7},
    {"август", 8},
    {"сентябрь", 9},
    {"октябрь", 10},
    {"ноябрь", 11},
    {"декабрь", 12},
    {"янв", 1},
    {"фев", 2},
    {"мар", 3},
    {"апр", 4},
    {"июн", 6},
    {"июл", 7},
    {"авг", 8},
    {"сен", 9},
    {"сент", 9},
    {"окт", 10},
    {"ноя", 11},
    {"дек", 12},
    /* uk */
    {"січня", 1},
    {"лютого", 2},
    {"березня", 3},
    {"квітня", 4},
    {"травня", 5},
    {"червня", 6},
    {"липня", 7},
    {"серпня", 8},
    {"вересня", 9},
    {"жовтня", 10},
    {"листопада", 11},
    {"грудня", 12},
    {"січень", 1},
    {"лютий", 2},
    {"березень", 3},
    {"квітень", 4},
    {"травень", 5},
    {"червень", 6},
    {"липень", 7},
    {"серпень", 8},
    {"вересень", 9},
    {"жовтень", 10},
    {"листопад", 11},
    {"грудень", 12},
    /* pl */
    {"stycznia", 1},
    {"lutego", 2},
    {"marca", 3},
    {"kwietnia", 4},
    {"maja", 5},
    {"czerwca", 6},
    {"lipca", 7},
    {"sierpnia", 8},
    {"września", 9},
    {"października", 10},
    {"listopada", 11},
    {"grudnia", 12},
    {"styczeń", 1},
    {"luty", 2},
    {"marzec", 3},
    {"kwiecień", 4},
    {"maj", 5},
    {"czerwiec", 6},
    {"lipiec", 7},
    {"sierpień", 8},
    {"wrzesień", 9},
    {"październik", 10},
    {"grudzień", 12},
    /* tr */
    {"ocak", 1},
    {"şubat", 2},
    {"mart", 3},
    {"nisan", 4},
    {"mayıs", 5},
    {"haziran", 6},
    {"temmuz", 7},
    {"ağustos", 8},
    {"eylül", 9},
    {"ekim", 10},
    {"kasım", 11},
    {"aralık", 12},
    {NULL, 0},
};

/* Letters of the word at s[*i] folded to lower case into out; returns the byte length of
 * the folded word (0 when s[*i] is not a letter) and advances *i past it. */
static size_t read_word(const char *s, size_t len, size_t *i, char *out, size_t out_size)
{
    size_t k = *i, n = 0;
    while (k < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t step =
            utf8proc_iterate((const utf8proc_uint8_t *)s + k, (utf8proc_ssize_t)(len - k), &cp);
        if (step <= 0)
            break;
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_LO)
            break;
        utf8proc_uint8_t enc[4];
        /* Turkish dotted capital I folds to plain i */
        utf8proc_int32_t lower = cp == 0x130 ? 'i' : utf8proc_tolower(cp);
        utf8proc_ssize_t elen = utf8proc_encode_char(lower, enc);
        if (n + (size_t)elen + 1 > out_size) {
            n = out_size; /* too long to be a month: mark and keep skipping */
        } else if (n < out_size) {
            memcpy(out + n, enc, (size_t)elen);
            n += (size_t)elen;
        }
        k += (size_t)step;
    }
    *i = k;
    if (n >= out_size)
        return 0;
    out[n] = '\0';
    return n;
}

static int month_lookup(const char *word)
{
    /* the first byte rules out most entries before a full compare */
    for (size_t k = 0; month_names[k].name; k++)
        if (month_names[k].name[0] == word[0] && strcmp(word, month_names[k].name) == 0)
            return month_names[k].month;
    return 0;
}

/* 1 if the byte before s[i] ends a letter or digit (so s[i] does not start a token). */
static int inside_token(const char *s, size_t i)
{
    if (i == 0)
        return 0;
    unsigned char c = (unsigned char)s[i - 1];
    if (is_digit((char)c) || is_alpha((char)c))
        return 1;
    if (c >= 0x80) {
        /* step back to the start of the UTF-8 sequence */
        size_t k = i - 1;
        while (k > 0 && i - k < 4 && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
        utf8proc_int32_t cp;
        if (utf8proc_iterate((const utf8proc_uint8_t *)s + k, (utf8proc_ssize_t)(i - k), &cp) > 0) {
            utf8proc_category_t cat = utf8proc_category(cp);
            return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
        }
    }
    return 0;
}

static void skip_spaces(const char *s, size_t len, size_t *i)
{
    while (*i < len) {
        if (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\n' || s[*i] == '\r') {
            (*i)++;
        } else if (*i + 1 < len && (unsigned char)s[*i] == 0xC2 &&
                   (unsigned char)s[*i + 1] == 0xA0) {
            *i += 2;
        } else if (*i + 2 < len && (unsigned char)s[*i] == 0xE2 &&
                   (unsigned char)s[*i + 1] == 0x80 &&
                   ((unsigned char)s[*i + 2] == 0x89 || (unsigned char)s[*i + 2] == 0x8A ||
                    (unsigned char)s[*i + 2] == 0xAF)) {
            *i += 3; /* thin, hair and narrow no-break spaces */
        } else {
            break;
        }
    }
}

/* Skips one of the given words ("de", "del") with its spaces; 1 if skipped. */
static int skip_filler(const char *s, size_t len, size_t *i)
{
    static const char *const words[] = {"de", "del", "di", "of", "du", NULL};
    for (size_t k = 0; words[k]; k++) {
        size_t n = strlen(words[k]);
        if (*i + n < len && strncasecmp(s + *i, words[k], n) == 0 && s[*i + n] == ' ') {
            *i += n;
            skip_spaces(s, len, i);
            return 1;
        }
    }
    return 0;
}

static int finish(struct nw_date *d, int y, int m, int day)
{
    if (!valid_ymd(y, m, day))
        return 0;
    memset(d, 0, sizeof(*d));
    d->year = y;
    d->month = m;
    d->day = day;
    return 1;
}

/* A 4-digit year at *i not followed by another digit. */
static int read_year(const char *s, size_t len, size_t *i, int *y)
{
    size_t k = *i;
    if (read_digits(s, len, &k, 4, 4, y) != 4 || (k < len && is_digit(s[k])))
        return 0;
    *i = k;
    return 1;
}

/* A two-digit year closing a dotted day ("30.10.23", when allowed: day and month written
 * with two digits each, as German and Austrian pages shorten the date): the year must end
 * the number (no further digit, dot-digit or colon: not a version or a time), and is read
 * in this century (plausibility later drops one beyond the fetch time). */
static int short_year(const char *s, size_t len, size_t *i, int allowed, int *y)
{
    size_t k = *i;
    int yy = 0;
    if (!allowed || read_digits(s, len, &k, 2, 2, &yy) != 2)
        return 0;
    if (k < len &&
        (is_digit(s[k]) || s[k] == ':' || (s[k] == '.' && k + 1 < len && is_digit(s[k + 1]))))
        return 0;
    *y = 2000 + yy;
    *i = k;
    return 1;
}

/* Tries the forms that begin with a number at s[i]. Returns the end offset or 0. */
static size_t match_numeric(const char *s, size_t len, size_t i, int mdy, struct nw_date *d)
{
    size_t k = i;
    int a = 0, b = 0, c = 0;
    int na = read_digits(s, len, &k, 1, 4, &a);
    if (na < 0 || (k < len && is_digit(s[k])))
        return 0;
    if (na == 4) {
        /* Y-M-D, Y/M/D, Y.M.D; CJK Y年M月D日, Korean Y년 M월 D일, "2019. 5. 3." */
        if (k + 1 < len && (s[k] == '-' || s[k] == '/' || s[k] == '.')) {
            char sep = s[k++];
            skip_spaces(s, len, &k);
            if (read_digits(s, len, &k, 1, 2, &b) < 0 || k >= len || s[k] != sep)
                return 0;
            k++;
            skip_spaces(s, len, &k);
            if (read_digits(s, len, &k, 1, 2, &c) < 0 || (k < len && is_digit(s[k])))
                return 0;
            if (!finish(d, a, b, c))
                return 0;
            return k;
        }
        if (k + 3 <= len && (memcmp(s + k, "年", 3) == 0 || memcmp(s + k, "년", 3) == 0)) {
            int korean = memcmp(s + k, "년", 3) == 0;
            k += 3;
            skip_spaces(s, len, &k);
            if (read_digits(s, len, &k, 1, 2, &b) < 0 || k + 3 > len ||
                memcmp(s + k, korean ? "월" : "月", 3) != 0)
                return 0;
            k += 3;
            skip_spaces(s, len, &k);
            if (read_digits(s, len, &k, 1, 2, &c) < 0 || k + 3 > len ||
                memcmp(s + k, korean ? "일" : "日", 3) != 0)
                return 0;
            k += 3;
            return finish(d, a, b, c) ? k : 0;
        }
        return 0;
    }
    if (na > 2)
        return 0;
    /* D.M.Y, D/M/Y, D-M-Y, M/D/Y */
    /* "4. 2. 2022": German and Scandinavian pages space the dotted form */
    size_t sp = k + 1;
    if (k < len && s[k] == '.')
        skip_spaces(s, len, &sp);
    if (k + 1 < len && (s[k] == '.' || s[k] == '/' || s[k] == '-') &&
        (is_digit(s[k + 1]) || (sp < len && is_digit(s[sp])))) {
        char sep = s[k];
        int spaced = !is_digit(s[k + 1]);
        k = sp;
        int nb = read_digits(s, len, &k, 1, 2, &b);
        if (nb < 0 || k >= len || s[k] != sep)
            return 0;
        k++;
        if (spaced)
            skip_spaces(s, len, &k);
        int y = 0;
        if (!read_year(s, len, &k, &y) &&
            !short_year(s, len, &k, na == 2 && nb == 2 && sep == '.' && !spaced, &y))
            return 0;
        int day = a, mon = b;
        if (a <= 12 && b > 12) {
            day = b;
            mon = a;
        } else if (a <= 12 && b <= 12 && mdy && sep == '/') {
            day = b;
            mon = a;
        }
        return finish(d, y, mon, day) ? k : 0;
    }
    /* D[.] [de] Month[.] [,] [de] YYYY */
    size_t k2 = k;
    if (k2 < len && s[k2] == '.')
        k2++;
    else if (k2 + 1 < len && (strncmp(s + k2, "st", 2) == 0 || strncmp(s + k2, "nd", 2) == 0 ||
                              strncmp(s + k2, "rd", 2) == 0 || strncmp(s + k2, "th", 2) == 0 ||
                              strncmp(s + k2, "er", 2) == 0))
        k2 += 2;
    skip_spaces(s, len, &k2);
    skip_filler(s, len, &k2);
    char word[48];
    size_t w = k2;
    if (!read_word(s, len, &w, word, sizeof(word)))
        return 0;
    int mon = month_lookup(word);
    if (!mon)
        return 0;
    k2 = w;
    if (k2 < len && s[k2] == '.')
        k2++;
    if (k2 < len && s[k2] == ',')
        k2++;
    skip_spaces(s, len, &k2);
    skip_filler(s, len, &k2);
    int y = 0;
    if (!read_year(s, len, &k2, &y))
        return 0;
    return finish(d, y, mon, a) ? k2 : 0;
}

/* Month D[st][,] YYYY at a word start. */
static size_t match_month_first(const char *s, size_t len, size_t i, struct nw_date *d)
{
    char word[48];
    size_t k = i;
    if (!read_word(s, len, &k, word, sizeof(word)))
        return 0;
    int mon = month_lookup(word);
    if (!mon)
        return 0;
    if (k < len && s[k] == '.')
        k++;
    skip_spaces(s, len, &k);
    int day = 0;
    if (read_digits(s, len, &k, 1, 2, &day) < 0 || (k < len && is_digit(s[k])))
        return 0;
    if (k + 1 < len && (strncmp(s + k, "st", 2) == 0 || strncmp(s + k, "nd", 2) == 0 ||
                        strncmp(s + k, "rd", 2) == 0 || strncmp(s + k, "th", 2) == 0))
        k += 2;
    if (k < len && (s[k] == ',' || s[k] == '.'))
        k++;
    skip_spaces(s, len, &k);
    int y = 0;
    if (!read_year(s, len, &k, &y))
        return 0;
    return finish(d, y, mon, day) ? k : 0;
}

static size_t scan_text_at(const char *s, size_t len, int mdy, struct nw_date *d, size_t *start);

size_t nw_dates_scan_text(const char *s, size_t len, int mdy, struct nw_date *d)
{
    size_t start = 0;
    return scan_text_at(s, len, mdy, d, &start);
}

/* As nw_dates_scan_text; *start is the offset where the match begins. */
static size_t scan_text_at(const char *s, size_t len, int mdy, struct nw_date *d, size_t *start)
{
    size_t nd = 0; /* the next digit at or after i: every form has one within 48 bytes */
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        size_t end = 0;
        if (nd < i)
            nd = i;
        while (nd < len && !is_digit(s[nd]))
            nd++;
        if (nd >= len)
            return 0;
        if (nd - i > 48) {
            i = nd - 49; /* the loop's i++ lands 48 bytes before the digit */
            continue;
        }
        if (!(is_digit(c) || is_alpha(c) || (unsigned char)c >= 0xC0) || inside_token(s, i))
            continue;
        if (is_digit(c))
            end = match_numeric(s, len, i, mdy, d);
        else
            end = match_month_first(s, len, i, d);
        if (end) {
            *start = i;
            read_time(s, len, &end, d);
            return end;
        }
        /* skip the rest of this token */
        while (i + 1 < len && (is_digit(s[i + 1]) || is_alpha(s[i + 1])))
            i++;
    }
    return 0;
}

/* ISO 8601 at the start: YYYY-MM-DD[Thh:mm[:ss[.f]][zone]], YYYY/MM/DD, YYYYMMDD[Thhmmss]. */
static int parse_iso(const char *s, size_t len, struct nw_date *d)
{
    size_t k = 0;
    int y = 0, m = 0, day = 0;
    if (read_digits(s, len, &k, 4, 4, &y) != 4)
        return -1;
    if (k < len && (s[k] == '-' || s[k] == '/' || s[k] == '.')) {
        char sep = s[k++];
        if (read_digits(s, len, &k, 1, 2, &m) < 0 || k >= len || s[k] != sep)
            return -1;
        k++;
        if (read_digits(s, len, &k, 1, 2, &day) < 0 || (k < len && is_digit(s[k])))
            return -1;
        if (!finish(d, y, m, day))
            return -1;
        read_time(s, len, &k, d);
        return 0;
    }
    /* basic format */
    if (read_digits(s, len, &k, 2, 2, &m) != 2 || read_digits(s, len, &k, 2, 2, &day) != 2 ||
        (k < len && is_digit(s[k])))
        return -1;
    if (!finish(d, y, m, day))
        return -1;
    if (k < len && (s[k] == 'T' || s[k] == 't')) {
        size_t k2 = k + 1;
        int h = 0, mi = 0, sec = 0;
        if (read_digits(s, len, &k2, 2, 2, &h) == 2 && read_digits(s, len, &k2, 2, 2, &mi) == 2 &&
            h < 24 && mi < 60) {
            if (read_digits(s, len, &k2, 2, 2, &sec) != 2)
                sec = 0;
            d->hour = h;
            d->minute = mi;
            d->second = sec > 59 ? 59 : sec;
            d->has_time = 1;
            if (k2 < len && (s[k2] == 'Z' || s[k2] == 'z')) {
                d->has_zone = 1;
                d->offset_min = 0;
            } else {
                read_zone(s, len, &k2, d);
            }
        }
    }
    return 0;
}

int nw_dates_parse(const char *s, size_t len, struct nw_date *d)
{
    if (!s)
        return -1;
    while (len && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '"')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\r' ||
                   s[len - 1] == '"' || s[len - 1] == '\t'))
        len--;
    if (!len || len > 256)
        return -1;
    size_t digits = 0;
    while (digits < len && is_digit(s[digits]))
        digits++;
    if (digits == len && (len == 10 || len == 13)) {
        /* epoch seconds or milliseconds */
        long long t = 0;
        for (size_t k = 0; k < 10; k++)
            t = t * 10 + (s[k] - '0');
        from_epoch(t, d);
        return 0;
    }
    if (digits == len && len != 8)
        return -1;
    if (digits >= 4 && parse_iso(s, len, d) == 0)
        return 0;
    /* machine-written values with slashes follow the US order (11/01/2023 12:43:42) */
    return nw_dates_scan_text(s, len, 1, d) ? 0 : -1;
}

/* ---- candidates from the page ---- */

struct dtag {
    const char *key, *value;
    size_t key_len, value_len;
};

struct dctx {
    const struct nw_dates_input *in;
    long long limit; /* fetch time, or -1 */
    int mdy;
    struct dtag tags[DATES_MAX_TAGS];
    size_t ntags;
    /* microdata */
    const char *ip_pub, *ip_mod;
    size_t ip_pub_len, ip_mod_len;
    myhtml_tree_node_t *ip_pub_el;
    /* <time> and attributes */
    myhtml_tree_node_t *time_marked, *time_first;
    struct nw_date time_days[DATES_MAX_TIMES]; /* days of the first <time datetime>s */
    size_t ntimes;
    struct nw_date attr_date;
    int has_attr_date;
    /* visible text */
    myhtml_tree_node_t *date_els[DATES_MAX_EL];
    unsigned char date_el_strong[DATES_MAX_EL]; /* 1: class/id names a date */
    size_t ndate_els;
    myhtml_tree_node_t *heads[DATES_MAX_HEADS]; /* the first h1s, then h2s if no h1 */
    unsigned char head_logo[DATES_MAX_HEADS];   /* 1: the h1 holds the site's logo */
    size_t nheads, nh2;
    myhtml_tree_node_t *h2s[2];
    myhtml_tree_node_t *scripts[DATES_MAX_SCRIPTS];
    unsigned char script_ld[DATES_MAX_SCRIPTS]; /* 1: application/ld+json */
    size_t nscripts;
    struct nw_date vis[DATES_MAX_VIS]; /* plausible days seen in visible header text */
    size_t nvis;
    size_t first_off; /* offset of the first plausible date of the last scan */
    int head_far;     /* 1: the headline's date lies far below it */
    /* the text just before each headline of heads[] (a date line above the headline) */
    char pre[DATES_MAX_HEADS][DATES_PRE_TEXT + 1];
    char tail[2 * DATES_PRE_TEXT + 1]; /* the last text seen while gathering */
    size_t ntail;
};

static int plausible(const struct dctx *c, const struct nw_date *d)
{
    if (d->year < DATES_MIN_YEAR)
        return 0;
    if (c->limit < 0)
        return 1;
    /* A bare day is plausible if the day began before the fetch. */
    return nw_dates_epoch(d) <= c->limit;
}

static int try_value(const struct dctx *c, const char *s, size_t len, struct nw_date *d)
{
    return s && nw_dates_parse(s, len, d) == 0 && plausible(c, d);
}

static int eq_ci(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    return alen == blen && strncasecmp(a, b, blen) == 0;
}

static int has_ci(const char *v, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n && i + n <= len; i++)
        if ((v[i] | 32) == (needle[0] | 32) && strncasecmp(v + i, needle, n) == 0)
            return 1;
    return 0;
}

/* Lower-case copy of a class or id value (at most 200 bytes) for the word tests below;
 * 0 if v is absent or too long. */
static int lower_name(const char *v, size_t len, char *out)
{
    if (!v || !len || len > 200)
        return 0;
    for (size_t i = 0; i < len; i++)
        out[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
    out[len] = '\0';
    return 1;
}

/* The set of letters a-z in s, one bit each. */
static uint32_t letter_set(const char *s)
{
    uint32_t m = 0;
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            m |= 1u << (*s - 'a');
    return m;
}

/* strstr(lower, word) != NULL, where letters is letter_set(lower) and word starts with
 * three letters a-z: a word whose first three letters are not all in lower is not searched
 * for (most class names lack one of them for every word). */
static int has_word(const char *lower, uint32_t letters, const char *word)
{
    uint32_t first3 = 1u << (word[0] - 'a') | 1u << (word[1] - 'a') | 1u << (word[2] - 'a');
    return (first3 & ~letters) == 0 && strstr(lower, word);
}

/* A class or id that names a date, a byline or an article's meta line. */
/* lower: a lower-case class or id (lower_name). */
static int date_like_name(const char *lower)
{
    static const char *const words[] = {
        "byline", "dateline", "meta",     "author", "info",   "update", "zeit",   "stand", "header",
        "entry-", "post-",    "article-", "story-", "credit", "source", "kicker", "data",  NULL};
    uint32_t letters = letter_set(lower);
    for (size_t k = 0; words[k]; k++)
        if (has_word(lower, letters, words[k]))
            return 1;
    return 0;
}

static int strongly_date_like(const char *lower)
{
    static const char *const words[] = {"date",  "time",   "publish", "posted", "datum",
                                        "fecha", "pubdat", "created", NULL};
    uint32_t letters = letter_set(lower);
    for (size_t k = 0; words[k]; k++)
        if (has_word(lower, letters, words[k]))
            return 1;
    return 0;
}

static void add_tag(struct dctx *c, const char *key, size_t klen, const char *v, size_t vlen)
{
    if (c->ntags < DATES_MAX_TAGS && key && v && vlen)
        c->tags[c->ntags++] = (struct dtag){key, v, klen, vlen};
}

/* Keeps the last DATES_PRE_TEXT..2*DATES_PRE_TEXT bytes of text, spaces collapsed. */
static void keep_tail(struct dctx *c, myhtml_tree_node_t *node)
{
    size_t tl = 0;
    const char *t = nw_html_text(node, &tl);
    if (!t)
        return;
    if (tl > DATES_PRE_TEXT)
        t += tl - DATES_PRE_TEXT, tl = DATES_PRE_TEXT;
    for (size_t i = 0; i <= tl; i++) {
        char ch = i < tl ? t[i] : ' ';
        int space = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
        if (space && (!c->ntail || c->tail[c->ntail - 1] == ' '))
            continue;
        if (c->ntail >= 2 * DATES_PRE_TEXT) {
            memmove(c->tail, c->tail + c->ntail - DATES_PRE_TEXT, DATES_PRE_TEXT);
            c->ntail = DATES_PRE_TEXT;
        }
        c->tail[c->ntail++] = space ? ' ' : ch;
    }
}

/* An unmarked <time> above the page's first <h1> inside the page's chrome (a <header> or
 * <nav> that no <article> or <main> holds): the site's clock or today's date in the top
 * bar, written when the page was generated, not the article's date. */
static int page_clock(const struct dctx *c, myhtml_tree_node_t *node)
{
    if (c->nheads > 0)
        return 0;
    int chrome = 0;
    for (myhtml_tree_node_t *a = myhtml_node_parent(node); a; a = myhtml_node_parent(a)) {
        myhtml_tag_id_t t = nw_html_tag(a);
        if (t == MyHTML_TAG_ARTICLE || t == MyHTML_TAG_MAIN)
            return 0;
        if (t == MyHTML_TAG_HEADER || t == MyHTML_TAG_NAV)
            chrome = 1;
    }
    return chrome;
}

/* 1 when a link's href is the site's root: "/" or a scheme and host with no path. */
static int root_href(const char *v, size_t len)
{
    if (len == 1 && v[0] == '/')
        return 1;
    for (size_t i = 0; i + 2 < len; i++) {
        if (v[i] != ':' || v[i + 1] != '/' || v[i + 2] != '/')
            continue;
        for (size_t j = i + 3; j < len; j++)
            if (v[j] == '/' || v[j] == '?' || v[j] == '#')
                return j + 1 == len && v[j] == '/';
        return 1;
    }
    return 0;
}

/* A heading that is the site's logo, not the story's title: its class or id, or a class or
 * image alt text inside it, says "logo", or it links to the site's root. Dates next to it
 * belong to the page's top bar (today's date) rather than to the story. */
static int logo_heading(const struct dctx *c, myhtml_tree_node_t *head)
{
    int depth = 0;
    size_t n = 0;
    for (myhtml_tree_node_t *node = head; node && n < 24; n++) {
        size_t len = 0;
        const char *v;
        myhtml_tag_id_t tag = nw_html_tag(node);
        if (((v = nw_html_attr(node, "class", &len)) && has_ci(v, len, "logo")) ||
            ((v = nw_html_attr(node, "id", &len)) && has_ci(v, len, "logo")))
            return 1;
        if (tag == MyHTML_TAG_IMG && (v = nw_html_attr(node, "alt", &len)) &&
            has_ci(v, len, "logo"))
            return 1;
        if (tag == MyHTML_TAG_A && (v = nw_html_attr(node, "href", &len)) && root_href(v, len))
            return 1;
        node = nw_html_next(head, node, &depth, c->in->max_depth, 0);
    }
    return 0;
}

static void gather(struct dctx *c)
{
    myhtml_tree_node_t *root = nw_html_root(c->in->html);
    int depth = 0;
    size_t nodes = 0;
    for (myhtml_tree_node_t *node = root; node && nodes < DATES_MAX_NODES; nodes++) {
        myhtml_tag_id_t tag = nw_html_tag(node);
        int skip = 0;
        size_t len = 0, vlen = 0;
        const char *v, *content;
        if (tag == MyHTML_TAG__TEXT)
            keep_tail(c, node);
        if (tag == MyHTML_TAG__TEXT || tag == MyHTML_TAG__COMMENT) {
            node = nw_html_next(root, node, &depth, c->in->max_depth, 1);
            continue;
        }
        switch (tag) {
        case MyHTML_TAG_META:
            content = nw_html_attr(node, "content", &vlen);
            if (!content)
                break;
            if ((v = nw_html_attr(node, "property", &len)) != NULL)
                add_tag(c, v, len, content, vlen);
            if ((v = nw_html_attr(node, "name", &len)) != NULL)
                add_tag(c, v, len, content, vlen);
            if ((v = nw_html_attr(node, "http-equiv", &len)) != NULL)
                add_tag(c, v, len, content, vlen);
            break;
        case MyHTML_TAG_SCRIPT:
            if (c->nscripts < DATES_MAX_SCRIPTS) {
                v = nw_html_attr(node, "type", &len);
                c->script_ld[c->nscripts] = v && eq_ci(v, len, "application/ld+json");
                c->scripts[c->nscripts++] = node;
            }
            skip = 1;
            break;
        case MyHTML_TAG_STYLE:
        case MyHTML_TAG_NOSCRIPT:
        case MyHTML_TAG_TEMPLATE:
        case MyHTML_TAG_SELECT:
            skip = 1;
            break;
        case MyHTML_TAG_H1:
            if (c->nheads < DATES_MAX_HEADS) {
                size_t from = c->ntail > DATES_PRE_TEXT ? c->ntail - DATES_PRE_TEXT : 0;
                memcpy(c->pre[c->nheads], c->tail + from, c->ntail - from);
                c->pre[c->nheads][c->ntail - from] = '\0';
                c->head_logo[c->nheads] = (unsigned char)logo_heading(c, node);
                c->heads[c->nheads++] = node;
            }
            break;
        case MyHTML_TAG_H2:
            if (c->nh2 < 2)
                c->h2s[c->nh2++] = node;
            break;
        case MyHTML_TAG_TIME:
            if (nw_html_attr(node, "datetime", NULL)) {
                size_t cl = 0;
                const char *cls = nw_html_attr(node, "class", &cl);
                if (!c->time_marked &&
                    (nw_html_attr(node, "pubdate", NULL) || has_ci(cls ? cls : "", cl, "publi")))
                    c->time_marked = node;
                if (!c->time_first && !page_clock(c, node))
                    c->time_first = node;
                size_t tl = 0;
                const char *tv = nw_html_attr(node, "datetime", &tl);
                if (c->ntimes < DATES_MAX_TIMES && try_value(c, tv, tl, &c->time_days[c->ntimes]))
                    c->ntimes++;
            }
            break;
        default:
            break;
        }
        /* microdata */
        if ((v = nw_html_attr(node, "itemprop", &len)) != NULL) {
            int pub = eq_ci(v, len, "datePublished") || eq_ci(v, len, "dateCreated");
            int mod = eq_ci(v, len, "dateModified");
            if (pub || mod) {
                content = nw_html_attr(node, "content", &vlen);
                if (!content)
                    content = nw_html_attr(node, "datetime", &vlen);
                if (pub && !c->ip_pub && content) {
                    c->ip_pub = content;
                    c->ip_pub_len = vlen;
                } else if (pub && !c->ip_pub && !c->ip_pub_el) {
                    c->ip_pub_el = node;
                }
                if (mod && !c->ip_mod && content) {
                    c->ip_mod = content;
                    c->ip_mod_len = vlen;
                }
            }
        }
        /* date-like elements: attributes and visible text */
        if (tag != MyHTML_TAG_HTML && tag != MyHTML_TAG_BODY && tag != MyHTML_TAG_META &&
            tag != MyHTML_TAG_SCRIPT) {
            size_t cl = 0, il = 0;
            char lc[201], li[201];
            const char *cls = nw_html_attr(node, "class", &cl);
            const char *id = nw_html_attr(node, "id", &il);
            int has_c = lower_name(cls, cl, lc), has_i = lower_name(id, il, li);
            int strong = (has_c && strongly_date_like(lc)) || (has_i && strongly_date_like(li));
            if (!c->has_attr_date && (strong || tag == MyHTML_TAG_ABBR)) {
                static const char *const keys[] = {"title",     "data-date",      "data-published",
                                                   "data-time", "data-timestamp", "data-datetime",
                                                   "datetime",  "content",        NULL};
                for (size_t k = 0; keys[k] && !c->has_attr_date; k++) {
                    v = nw_html_attr(node, keys[k], &len);
                    struct nw_date d;
                    if (v && len >= 6 && len < 64 && try_value(c, v, len, &d)) {
                        c->attr_date = d;
                        c->has_attr_date = 1;
                    }
                }
            }
            if (c->ndate_els < DATES_MAX_EL &&
                (strong || (has_c && date_like_name(lc)) || (has_i && date_like_name(li)))) {
                c->date_el_strong[c->ndate_els] = (unsigned char)strong;
                c->date_els[c->ndate_els++] = node;
            }
        }
        node = nw_html_next(root, node, &depth, c->in->max_depth, skip);
    }
}

/* ---- JSON-LD ---- */

static int ld_is_article(json_t *type)
{
    static const char *const types[] = {"NewsArticle",
                                        "Article",
                                        "BlogPosting",
                                        "ReportageNewsArticle",
                                        "Report",
                                        "AnalysisNewsArticle",
                                        "OpinionNewsArticle",
                                        "LiveBlogPosting",
                                        "TechArticle",
                                        "ScholarlyArticle",
                                        "SocialMediaPosting",
                                        "Review",
                                        "BackgroundNewsArticle",
                                        "ReviewNewsArticle",
                                        "VideoObject",
                                        "Recipe",
                                        "PodcastEpisode",
                                        "MedicalWebPage",
                                        "Blog",
                                        NULL};
    if (json_is_array(type)) {
        size_t i;
        json_t *t;
        json_array_foreach(type, i, t) if (i < 8 && ld_is_article(t)) return 1;
        return 0;
    }
    const char *s = json_string_value(type);
    for (size_t k = 0; s && types[k]; k++)
        if (strcasecmp(s, types[k]) == 0)
            return 1;
    return 0;
}

static int ld_is_excluded(json_t *type)
{
    const char *s = json_string_value(type);
    return s && (strcasecmp(s, "Comment") == 0 || strcasecmp(s, "Answer") == 0 ||
                 strcasecmp(s, "Event") == 0 || strcasecmp(s, "Person") == 0 ||
                 strcasecmp(s, "Offer") == 0 || strcasecmp(s, "Product") == 0);
}

/* First plausible value of keys in an object of the wanted kind (articles_only), searched
 * depth-first through arrays, @graph, mainEntity and the like. */
static int ld_find(const struct dctx *c, json_t *v, const char *const *keys, int articles_only,
                   int depth, struct nw_date *d)
{
    if (!v || depth > 6)
        return 0;
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            if (i >= 64)
                break;
            if (ld_find(c, x, keys, articles_only, depth + 1, d))
                return 1;
        }
        return 0;
    }
    if (!json_is_object(v))
        return 0;
    json_t *type = json_object_get(v, "@type");
    if (ld_is_excluded(type))
        return 0;
    if (!articles_only || ld_is_article(type)) {
        for (size_t k = 0; keys[k]; k++) {
            json_t *x = json_object_get(v, keys[k]);
            if (json_is_array(x))
                x = json_array_get(x, 0);
            if (json_is_string(x) && try_value(c, json_string_value(x), json_string_length(x), d))
                return 1;
        }
    }
    static const char *const inner[] = {"@graph",  "mainEntity",      "mainEntityOfPage",
                                        "hasPart", "itemListElement", NULL};
    for (size_t k = 0; inner[k]; k++)
        if (ld_find(c, json_object_get(v, inner[k]), keys, articles_only, depth + 1, d))
            return 1;
    return 0;
}

static int ld_date(const struct dctx *c, const char *const *keys, struct nw_date *d)
{
    for (int pass = 1; pass >= 0; pass--)
        for (size_t i = 0; i < c->in->njsonld; i++)
            if (ld_find(c, c->in->jsonld[i], keys, pass, 0, d))
                return 1;
    return 0;
}

/* ---- meta tags ---- */

/* The first plausible value of the first key of keys that the page has; *key (may be
 * NULL) gets that key. */
static int meta_date_key(const struct dctx *c, const char *const *keys, struct nw_date *d,
                         const char **key)
{
    for (size_t k = 0; keys[k]; k++)
        for (size_t i = 0; i < c->ntags; i++)
            if (eq_ci(c->tags[i].key, c->tags[i].key_len, keys[k]) &&
                try_value(c, c->tags[i].value, c->tags[i].value_len, d)) {
                if (key)
                    *key = keys[k];
                return 1;
            }
    return 0;
}

static int meta_date(const struct dctx *c, const char *const *keys, struct nw_date *d)
{
    return meta_date_key(c, keys, d, NULL);
}

/* Meta keys that name no event of the article: a CMS writes the page's generation or last
 * change into them as often as its publication. */
static int generic_meta_key(const char *key)
{
    static const char *const generic[] = {"date",    "dc.date",       "dcterms.date",
                                          "created", "creation_date", NULL};
    for (size_t i = 0; key && generic[i]; i++)
        if (strcmp(key, generic[i]) == 0)
            return 1;
    return 0;
}

/* ---- URL ---- */

static int url_date(const struct dctx *c, const char *url, struct nw_date *d)
{
    if (!url)
        return 0;
    size_t n = strlen(url);
    const char *path = strstr(url, "://");
    size_t start = path ? (size_t)(path - url) + 3 : 0;
    for (size_t i = start; i < n && i < 2048; i++) {
        if (url[i] != '/' && url[i] != '-' && url[i] != '_')
            continue;
        const char *p = url + i + 1;
        size_t rem = n - i - 1, k = 0;
        int y = 0, m = 0, day = 0;
        if (read_digits(p, rem, &k, 4, 4, &y) != 4 || y < DATES_MIN_YEAR)
            continue;
        if (k < rem && (p[k] == '/' || p[k] == '-' || p[k] == '_')) {
            char sep = p[k++];
            if (read_digits(p, rem, &k, 2, 2, &m) != 2)
                continue;
            if (k < rem && p[k] == sep && read_digits(p, rem, &(size_t){k + 1}, 2, 2, &day) == 2 &&
                (k + 3 >= rem || !is_digit(p[k + 3]))) {
                /* full day */
            } else {
                continue; /* a month alone is not a day */
            }
        } else if (k + 4 <= rem && read_digits(p, rem, &k, 2, 2, &m) == 2 &&
                   read_digits(p, rem, &k, 2, 2, &day) == 2 && (k >= rem || !is_digit(p[k]))) {
            /* /20190503 */
        } else {
            continue;
        }
        if (finish(d, y, m, day) && plausible(c, d))
            return 1;
    }
    return 0;
}

/* ---- visible text ---- */

/* A dash ("-", en dash) or "und"/"and"/"to"/"bis"/"au"/"al" between spaces at s[*i];
 * moves *i past it. */
static int skip_range_mark(const char *s, size_t len, size_t *i, int backwards)
{
    static const char *const words[] = {"-",   "\xe2\x80\x93", "und", "and", "to",
                                        "bis", "au",           "al",  NULL};
    for (size_t k = 0; words[k]; k++) {
        size_t n = strlen(words[k]);
        if (!backwards && *i + n <= len && memcmp(s + *i, words[k], n) == 0 &&
            (n == 1 || (unsigned char)words[k][0] >= 0x80 || *i + n == len || s[*i + n] == ' ')) {
            *i += n;
            return 1;
        }
        if (backwards && *i >= n && memcmp(s + *i - n, words[k], n) == 0 &&
            (n == 1 || (unsigned char)words[k][0] >= 0x80 || *i == n || s[*i - n - 1] == ' ')) {
            *i -= n;
            return 1;
        }
    }
    return 0;
}

/* 1 if the date at s[start..end) is one end of a range of days ("23.-26.8.2017",
 * "12.10. - 15.10.2023", "4. und 5. März 2022", "31. Dezember 2021-06. Januar 2022"):
 * an event's dates, not the day the page was published. */
static int in_range(const char *s, size_t len, size_t start, size_t end)
{
    size_t i = start;
    while (i > 0 && s[i - 1] == ' ')
        i--;
    if (skip_range_mark(s, len, &i, 1)) {
        while (i > 0 && s[i - 1] == ' ')
            i--;
        if (i > 0 && (is_digit(s[i - 1]) || (s[i - 1] == '.' && i > 1 && is_digit(s[i - 2]))))
            return 1;
    }
    i = end;
    while (i < len && s[i] == ' ')
        i++;
    if (skip_range_mark(s, len, &i, 0)) {
        while (i < len && s[i] == ' ')
            i++;
        /* a day follows, not a time ("03.05.2019 - 10:30") */
        size_t k = i;
        while (k < len && k < i + 2 && is_digit(s[k]))
            k++;
        if (k > i && (k >= len || s[k] != ':'))
            return 1;
    }
    return 0;
}

/* First plausible date in s; remembers every plausible day it passes in c->vis. Dates that
 * are one end of a range of days are passed over. */
static int scan_plausible(struct dctx *c, const char *s, size_t len, struct nw_date *d)
{
    size_t off = 0;
    int found = 0;
    struct nw_date x;
    for (int tries = 0; tries < 16 && off < len; tries++) {
        size_t start = 0;
        size_t end = scan_text_at(s + off, len - off, c->mdy, &x, &start);
        if (!end)
            break;
        if (plausible(c, &x) && !in_range(s, len, off + start, off + end)) {
            if (!found)
                c->first_off = off + end;
            if (c->nvis < DATES_MAX_VIS)
                c->vis[c->nvis++] = x;
            if (!found && d) {
                *d = x;
                found = 1;
            }
        }
        off += end;
    }
    return found;
}

static int text_date(struct dctx *c, myhtml_tree_node_t *node, struct nw_date *d)
{
    struct nw_buf b;
    nw_buf_init(&b, DATES_EL_TEXT);
    (void)nw_html_collect_text(node, &b, c->in->max_depth);
    int found = scan_plausible(c, nw_buf_str(&b), b.len, d);
    nw_buf_fini(&b);
    return found;
}

/* The text that follows a headline in document order, up to DATES_HEAD_TEXT bytes. */
static int after_heading(struct dctx *c, myhtml_tree_node_t *head, struct nw_date *d)
{
    struct nw_buf b;
    int depth = 0;
    myhtml_tree_node_t *root = nw_html_root(c->in->html);
    nw_buf_init(&b, DATES_HEAD_TEXT + 256);
    myhtml_tree_node_t *node = head;
    for (size_t n = 0; node && n < 4000 && b.len < DATES_HEAD_TEXT; n++) {
        myhtml_tag_id_t tag = nw_html_tag(node);
        int skip = tag == MyHTML_TAG_SCRIPT || tag == MyHTML_TAG_STYLE ||
                   tag == MyHTML_TAG_NOSCRIPT || tag == MyHTML_TAG_TEMPLATE;
        if (tag == MyHTML_TAG__TEXT) {
            size_t tl = 0;
            const char *t = nw_html_text(node, &tl);
            if (t && nw_html_append_collapsed(&b, t, tl) != NW_OK)
                break;
            if (nw_buf_append(&b, " ", 1) != NW_OK)
                break;
        }
        depth = 0;
        node = nw_html_next(root, node, &depth, c->in->max_depth, skip);
    }
    int found = scan_plausible(c, nw_buf_str(&b), b.len, d);
    nw_buf_fini(&b);
    return found;
}

/* The last date in the text just before headline k (a date line above the headline). */
static int before_heading(struct dctx *c, size_t k, struct nw_date *d)
{
    const char *s = c->pre[k];
    size_t len = strlen(s), off = 0;
    int found = 0;
    struct nw_date x;
    for (int tries = 0; tries < 8 && off < len; tries++) {
        size_t start = 0;
        size_t end = scan_text_at(s + off, len - off, c->mdy, &x, &start);
        if (!end)
            break;
        if (plausible(c, &x) && !in_range(s, len, off + start, off + end)) {
            *d = x;
            found = 1;
        }
        off += end;
    }
    if (found && c->nvis < DATES_MAX_VIS)
        c->vis[c->nvis++] = *d;
    return found;
}

/* The first date after the first <h1> that has one (a page may begin with a logo's h1),
 * else after the first <h2>s when the page has no <h1>. */
static int after_headline(struct dctx *c, struct nw_date *d)
{
    size_t logos = 0;
    for (size_t k = 0; k < c->nheads; k++)
        logos += c->head_logo[k];
    for (size_t k = 0; k < c->nheads; k++) {
        /* a logo's heading is skipped while a story's heading follows */
        if (c->head_logo[k] && logos < c->nheads)
            continue;
        if (after_heading(c, c->heads[k], d) && c->first_off <= DATES_NEAR)
            return 1;
        if (before_heading(c, k, d))
            return 1;
        if (after_heading(c, c->heads[k], d)) {
            c->head_far = 1;
            return 1;
        }
    }
    for (size_t k = 0; !c->nheads && k < c->nh2; k++)
        if (after_heading(c, c->h2s[k], d))
            return 1;
    return 0;
}

static int visible_day(const struct dctx *c, const struct nw_date *d)
{
    for (size_t i = 0; i < c->nvis; i++)
        if (c->vis[i].year == d->year && c->vis[i].month == d->month && c->vis[i].day == d->day)
            return 1;
    return 0;
}

/* ---- inline scripts ---- */

/* Keys with a date value in script text; ld: 1 = JSON-LD scripts only (text that did not
 * parse as JSON), 0 = all scripts. */
static int script_date(const struct dctx *c, const char *const *keys, int ld, struct nw_date *d)
{
    for (size_t i = 0; i < c->nscripts; i++) {
        if (ld && !c->script_ld[i])
            continue;
        myhtml_tree_node_t *child = myhtml_node_child(c->scripts[i]);
        size_t len = 0;
        const char *s = child ? nw_html_text(child, &len) : NULL;
        if (!s)
            continue;
        if (len > DATES_SCRIPT_MAX)
            len = DATES_SCRIPT_MAX;
        for (size_t k = 0; keys[k]; k++) {
            size_t kl = strlen(keys[k]);
            for (size_t p = 0; p + kl < len; p++) {
                const char *hit = memmem(s + p, len - p, keys[k], kl);
                if (!hit)
                    break;
                p = (size_t)(hit - s);
                size_t q = p + kl;
                if (q < len && (s[q] == '"' || s[q] == '\''))
                    q++;
                else if (q < len && s[q] == '\\' && q + 1 < len && s[q + 1] == '"')
                    q += 2;
                else if (p > 0 && (is_alpha(s[p - 1]) || s[p - 1] == '_'))
                    continue;
                while (q < len && s[q] == ' ')
                    q++;
                if (q >= len || (s[q] != ':' && s[q] != '='))
                    continue;
                q++;
                while (q < len && (s[q] == ' ' || s[q] == '\\'))
                    q++;
                char quote = q < len ? s[q] : 0;
                if (quote == '"' || quote == '\'')
                    q++;
                size_t e = q;
                while (e < len && e - q < 48 && s[e] != '"' && s[e] != '\'' && s[e] != '\\' &&
                       s[e] != ',' && s[e] != '}')
                    e++;
                if (e > q && is_digit(s[q]) && try_value(c, s + q, e - q, d))
                    return 1;
            }
        }
    }
    return 0;
}

/* ---- the choice ---- */

static const char *const ld_pub_keys[] = {
    "datePublished", "dateCreated",   "uploadDate", "publishedDate",
    "dateIssued",    "datepublished", NULL};
static const char *const ld_mod_keys[] = {"dateModified", "dateUpdated", NULL};
static const char *const meta_pub_keys[] = {"article:published_time",
                                            "og:published_time",
                                            "og:article:published_time",
                                            "published_time",
                                            "article:published",
                                            "datePublished",
                                            "publication_date",
                                            "publication-date",
                                            "citation_publication_date",
                                            "citation_date",
                                            "citation_online_date",
                                            "dc.date.issued",
                                            "dc.date.created",
                                            "dc.date",
                                            "dcterms.issued",
                                            "dcterms.created",
                                            "dcterms.date",
                                            "dc.date.published",
                                            "sw-pubdate",
                                            "pubdate",
                                            "publishdate",
                                            "publish-date",
                                            "publish_date",
                                            "pub_date",
                                            "parsely-pub-date",
                                            "sailthru.date",
                                            "article.published",
                                            "article_date_original",
                                            "original-publish-date",
                                            "cxenseparse:recs:publishtime",
                                            "date",
                                            "created",
                                            "creation_date",
                                            "og:regdate",
                                            NULL};
static const char *const meta_mod_keys[] = {"article:modified_time",
                                            "og:updated_time",
                                            "modified_time",
                                            "article:modified",
                                            "dateModified",
                                            "last-modified",
                                            "dcterms.modified",
                                            "dc.date.modified",
                                            "lastmod",
                                            "revised",
                                            NULL};
static const char *const script_pub_keys[] = {"datePublished",    "publishDate",
                                              "publishedDate",    "published_at",
                                              "publishedAt",      "publicationDate",
                                              "publication_date", "date_published",
                                              "pubDate",          "firstPublished",
                                              "first_published",  "publish_date",
                                              "dateCreated",      NULL};
static const char *const script_mod_keys[] = {"dateModified", "modified_at", "updatedAt",
                                              "lastModified", NULL};

static int same_day(const struct nw_date *a, const struct nw_date *b)
{
    return a->year == b->year && a->month == b->month && a->day == b->day;
}

/* Days between two dates' calendar days (b - a). */
static long long day_diff(const struct nw_date *a, const struct nw_date *b)
{
    return days_from_civil(b->year, (unsigned)b->month, (unsigned)b->day) -
           days_from_civil(a->year, (unsigned)a->month, (unsigned)a->day);
}

/* Three or more <time> elements, each on a day of its own: a list of other articles (a
 * page's own date is written twice, or once), so the first is no publication date. */
static int time_listing(const struct dctx *c)
{
    if (c->ntimes < 3)
        return 0;
    for (size_t i = 0; i < c->ntimes; i++)
        for (size_t j = i + 1; j < c->ntimes; j++)
            if (same_day(&c->time_days[i], &c->time_days[j]))
                return 0;
    return 1;
}

void nw_dates_find(const struct nw_dates_input *in, struct nw_dates_found *out)
{
    struct dctx *c = nw_calloc(1, sizeof(*c));
    struct nw_date pub, mod, u;
    int has_pub = 0, has_mod = 0, has_url = 0;
    memset(out, 0, sizeof(*out));
    out->source = "";
    if (!c || !in->html)
        goto out;
    c->in = in;
    c->limit = -1;
    if (in->fetched_at) {
        struct nw_date f;
        if (nw_dates_parse(in->fetched_at, strlen(in->fetched_at), &f) == 0)
            c->limit = nw_dates_epoch(&f);
    }
    c->mdy = in->language && (eq_ci(in->language, strlen(in->language), "en") ||
                              eq_ci(in->language, strlen(in->language), "en-us"));
    gather(c);

    /* modified: JSON-LD, meta, microdata, scripts */
    has_mod = ld_date(c, ld_mod_keys, &mod) || meta_date(c, meta_mod_keys, &mod) ||
              try_value(c, c->ip_mod, c->ip_mod_len, &mod) ||
              script_date(c, script_mod_keys, 0, &mod);

    /* the visible dates near the headline, for the choices below */
    struct nw_date vis_el, vis_weak;
    struct nw_date vis_head;
    int has_vis_el = 0, has_vis_weak = 0, has_vis_head = 0;
    for (size_t k = 0; k < c->ndate_els; k++) {
        struct nw_date x;
        if (!text_date(c, c->date_els[k], &x))
            continue;
        if (c->date_el_strong[k] && !has_vis_el) {
            vis_el = x;
            has_vis_el = 1;
        } else if (!c->date_el_strong[k] && !has_vis_weak) {
            vis_weak = x;
            has_vis_weak = 1;
        }
    }
    has_vis_head = after_headline(c, &vis_head);
    for (size_t k = 0; k < 3 && !has_url; k++)
        has_url = url_date(c, in->urls[k], &u);

    /* published: the sources in order */
    const char *src = "", *meta_key = NULL;
    if ((has_pub = ld_date(c, ld_pub_keys, &pub) || script_date(c, ld_pub_keys, 1, &pub)))
        src = "jsonld";
    else if ((has_pub = meta_date_key(c, meta_pub_keys, &pub, &meta_key)))
        src = "meta";
    else if ((has_pub = try_value(c, c->ip_pub, c->ip_pub_len, &pub) ||
                        (c->ip_pub_el && text_date(c, c->ip_pub_el, &pub))))
        src = "microdata";
    if (!has_pub && has_url) {
        pub = u;
        has_pub = 1;
        src = "url";
    }
    if (!has_pub && (c->time_marked || (c->time_first && !time_listing(c)))) {
        size_t len = 0;
        const char *v =
            nw_html_attr(c->time_marked ? c->time_marked : c->time_first, "datetime", &len);
        if ((has_pub = try_value(c, v, len, &pub)))
            src = "time";
    }
    if (!has_pub && c->has_attr_date) {
        pub = c->attr_date;
        has_pub = 1;
        src = "attribute";
    }
    /* a date far below the headline is likely another item's: a date element wins then */
    if (!has_pub && has_vis_head && !(c->head_far && has_vis_el)) {
        pub = vis_head;
        has_pub = 1;
        src = "headline";
    }
    if (!has_pub && (has_vis_el || has_vis_weak)) {
        pub = has_vis_el ? vis_el : vis_weak;
        has_pub = 1;
        src = "text";
    }
    if (!has_pub && (has_pub = script_date(c, script_pub_keys, 0, &pub)))
        src = "script";

    /* Republished pages: when the date next to the headline and a date-like element agree
     * on a day later than the structured published date, the page states that day as its
     * date (the structured one is the first version's). */
    if (has_pub && has_vis_head && !c->head_far && has_vis_el && same_day(&vis_head, &vis_el) &&
        day_diff(&pub, &vis_head) > 0 &&
        (!strcmp(src, "jsonld") || !strcmp(src, "meta") || !strcmp(src, "time") ||
         !strcmp(src, "attribute"))) {
        pub = vis_head;
        src = "headline";
    }
    /* A generic meta date (meta name=date, dc.date, dcterms.date) yields to a labelled date
     * the page shows (a date element, else the date right by the headline) on an earlier
     * day: the meta value was the page's generation or its last change. */
    if (has_pub && !strcmp(src, "meta") && generic_meta_key(meta_key)) {
        const struct nw_date *shown =
            has_vis_el ? &vis_el : (has_vis_head && !c->head_far ? &vis_head : NULL);
        if (shown && day_diff(shown, &pub) > 0) {
            pub = *shown;
            src = has_vis_el ? "text" : "headline";
        }
    }
    /* The URL's day is the site's own day: a timestamp one day off (converted to another
     * zone) takes the URL's day. */
    if (has_pub && pub.has_time && has_url && !same_day(&pub, &u) && day_diff(&u, &pub) >= -1 &&
        day_diff(&u, &pub) <= 1) {
        pub = u;
    }
    /* A timestamp written in UTC falls on the page's own day only where the page's zone is
     * UTC: when the header shows a day one off it, and not its UTC day, the page's day is
     * the shown one. */
    if (has_pub && !has_url && pub.has_time && pub.has_zone && pub.offset_min == 0 &&
        !visible_day(c, &pub)) {
        for (size_t k = 0; k < c->nvis; k++) {
            long long dd = day_diff(&pub, &c->vis[k]);
            int minutes = pub.hour * 60 + pub.minute;
            /* only where a zone between UTC-10 and UTC+10 can move the day */
            if ((dd == 1 && minutes >= 14 * 60) || (dd == -1 && minutes < 10 * 60)) {
                pub = c->vis[k];
                pub.hour = pub.minute = pub.second = 0;
                pub.has_time = 0;
                pub.has_zone = 0;
                break;
            }
        }
    }
    /* Original versus updated: the page states its update as its date. */
    if (has_pub && has_mod && !same_day(&pub, &mod) && visible_day(c, &mod) &&
        !visible_day(c, &pub) && day_diff(&pub, &mod) > 0) {
        pub = mod;
        out->from_modified = 1;
    }

    if (has_pub) {
        nw_dates_format(&pub, out->published, sizeof(out->published));
        out->source = src;
    }
    if (has_mod)
        nw_dates_format(&mod, out->modified, sizeof(out->modified));
out:
    nw_free(c);
}
