/*
 * dateline.c — PLACE[, STATE][, DATE] [(AGENCY)] [— | – | - | :] at the start of the text.
 * The place is one to four capitalized words. Without an agency or a date, a dash (or
 * colon after an all-capitals place) must follow, so that "Pakistan has embarked ..."
 * is no dateline. An all-capitals place is given in title case.
 */
#include "dateline.h"

#include <string.h>

#define NW_DATELINE_PLACE_WORDS 4
#define NW_DATELINE_FIELD 64

static const char *const month_names[] = {
    "january",   "february", "march",    "april",    "may",  "june", "july", "august",
    "september", "october",  "november", "december", "jan",  "feb",  "mar",  "apr",
    "jun",       "jul",      "aug",      "sep",      "sept", "oct",  "nov",  "dec"};

static int is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static int is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

static int is_month(const char *s, size_t n)
{
    char w[12];
    if (n == 0 || n >= sizeof(w))
        return 0;
    for (size_t i = 0; i < n; i++)
        w[i] = (char)(is_upper(s[i]) ? s[i] - 'A' + 'a' : s[i]);
    w[n] = '\0';
    for (size_t i = 0; i < sizeof(month_names) / sizeof(month_names[0]); i++)
        if (strcmp(w, month_names[i]) == 0)
            return 1;
    return 0;
}

/* Length of a dash at s: "—", "–", "-" (surrounded by spaces), or 0. */
static size_t dash_len(const char *s, size_t n)
{
    if (n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        ((unsigned char)s[2] == 0x94 || (unsigned char)s[2] == 0x93))
        return 3;
    if (n >= 2 && s[0] == '-' && (s[1] == ' ' || s[1] == '-'))
        return s[1] == '-' ? 2 : 1;
    return 0;
}

static size_t skip_spaces(const char *s, size_t i, size_t n)
{
    while (i < n && s[i] == ' ')
        i++;
    return i;
}

/* One word of letters (UTF-8 letters allowed), dots and apostrophes; returns its end. */
static size_t word_end(const char *s, size_t i, size_t n)
{
    while (i < n && (is_upper(s[i]) || is_lower(s[i]) || (unsigned char)s[i] >= 0x80 ||
                     s[i] == '.' || s[i] == '\'' || (s[i] == '-' && i + 1 < n && s[i + 1] != ' ')))
        i++;
    return i;
}

static json_t *title_case(const char *s, size_t n)
{
    char buf[NW_DATELINE_FIELD];
    int all_caps = 1, start = 1;
    if (n >= sizeof(buf))
        n = sizeof(buf) - 1;
    for (size_t i = 0; i < n; i++)
        if (is_lower(s[i]))
            all_caps = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (all_caps && !start && is_upper(c))
            c = (char)(c - 'A' + 'a');
        start = c == ' ' || c == '-';
        buf[i] = c;
    }
    buf[n] = '\0';
    return json_stringn(buf, n);
}

enum nw_status nw_dateline_find(const char *text, size_t len, json_t **out)
{
    size_t n = len < NW_DATELINE_SCAN ? len : NW_DATELINE_SCAN;
    size_t i = 0, place_end = 0, date_start = 0, date_end = 0, ag_start = 0, ag_end = 0;
    size_t words = 0;
    int all_caps = 1, has_dash = 0, has_colon = 0;
    json_t *obj;

    *out = NULL;
    if (!text)
        return NW_OK;
    i = skip_spaces(text, 0, n);
    /* the place: capitalized words, and ", STATE" */
    while (i < n && words < NW_DATELINE_PLACE_WORDS && (is_upper(text[i]))) {
        size_t e = word_end(text, i, n);
        if (e == i || is_month(text + i, e - i))
            break;
        for (size_t k = i; k < e; k++)
            if (is_lower(text[k]))
                all_caps = 0;
        place_end = e;
        words++;
        i = e;
        if (i < n && text[i] == ' ' && i + 1 < n && is_upper(text[i + 1]))
            i++;
        else
            break;
    }
    if (words == 0)
        return NW_OK;
    i = place_end;
    /* ", Oct 31" or ", October 31, 2025" */
    if (i < n && text[i] == ',') {
        size_t j = skip_spaces(text, i + 1, n), e = word_end(text, j, n);
        if (is_month(text + j, e - j - (e > j && text[e - 1] == '.'))) {
            size_t k = skip_spaces(text, e, n), d = k;
            while (d < n && d - k < 2 && text[d] >= '0' && text[d] <= '9')
                d++;
            if (d > k) {
                date_start = j;
                date_end = d;
                if (d + 2 < n && text[d] == ',' && text[d + 1] == ' ' && text[d + 2] >= '0' &&
                    text[d + 2] <= '9') {
                    size_t y = d + 2;
                    while (y < n && y - d - 2 < 4 && text[y] >= '0' && text[y] <= '9')
                        y++;
                    if (y - d - 2 == 4)
                        date_end = y;
                }
                i = date_end;
            }
        }
    }
    i = skip_spaces(text, i, n);
    /* "(AGENCY)" */
    if (i < n && text[i] == '(') {
        size_t j = i + 1;
        while (j < n && j - i <= 32 && text[j] != ')' && text[j] != '\n')
            j++;
        if (j < n && text[j] == ')' && j > i + 1 && is_upper(text[i + 1])) {
            ag_start = i + 1;
            ag_end = j;
            i = skip_spaces(text, j + 1, n);
        }
    }
    if (dash_len(text + i, n - i)) {
        has_dash = 1;
    } else if (i < n && text[i] == ':' && all_caps) {
        has_colon = 1;
    }
    if (!ag_end && !date_end && !has_dash && !has_colon)
        return NW_OK;
    if (!ag_end && !date_end && !all_caps && words > 2)
        return NW_OK;
    obj = json_object();
    if (!obj || json_object_set_new(obj, "place", title_case(text, place_end)) ||
        json_object_set_new(obj, "date",
                            date_end ? json_stringn(text + date_start, date_end - date_start)
                                     : json_null()) ||
        json_object_set_new(obj, "agency",
                            ag_end ? json_stringn(text + ag_start, ag_end - ag_start)
                                   : json_null())) {
        json_decref(obj);
        return NW_ENOMEM;
    }
    *out = obj;
    return NW_OK;
}
