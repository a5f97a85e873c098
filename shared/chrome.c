/*
 * chrome.c — is a line site chrome? Six shapes, each a general one:
 *   - consent: a line about cookies;
 *   - a teaser label: "Related:", "Read more:", "Also read", "See also", "Tags:" and
 *     what follows (a colon after the label, or a short line with no sentence end);
 *   - interface words only: every content word is interface vocabulary ("Skip to main
 *     content", "Sign in", "Story continues below advertisement"), one capitalized brand
 *     allowed beside two or more of them ("Follow Dawn on WhatsApp");
 *   - a menu or breadcrumb: three or more short items between separators ("World / Asia /
 *     Pakistan", "Privacy Policy | Terms of Use | Contact Us"), or two when the first is
 *     "Home";
 *   - a byline or time stamp with a date: "By Jane Roe | March 3, 2024", "Posted by X on 3
 *     March 2024", "Jane Roe | Updated: March 3, 2024";
 *   - a syndication line: "The post ... appeared first on Site.", "This article was
 *     originally published on Site."
 */
#include "chrome.h"

#include <string.h>

#include "words.h"

#define NW_CHROME_WORD_MAX 24
#define NW_CHROME_CONSENT_WORDS 60 /* a cookie notice is at most this long */
#define NW_CHROME_LABEL_WORDS 25   /* "Read more: <teaser title>" */
#define NW_CHROME_SHORT_WORDS 15   /* a label line without a colon or sentence end */
#define NW_CHROME_UI_WORDS 12
#define NW_CHROME_MENU_WORDS 24
#define NW_CHROME_ITEM_WORDS 4 /* words of one menu or breadcrumb item */
#define NW_CHROME_BYLINE_WORDS 15
#define NW_CHROME_STAMP_WORDS 8 /* a name or site and a date between separators */

/* Interface vocabulary of article pages (English). */
static const char *const ui_words[] = {
    "about",
    "accept",
    "account",
    "ad",
    "ads",
    "advertise",
    "advertisement",
    "advertising",
    "alerts",
    "all",
    "allow",
    "app",
    "apps",
    "article",
    "audio",
    "back",
    "below",
    "bookmark",
    "breaking",
    "browser",
    "channel",
    "click",
    "close",
    "comment",
    "comments",
    "conditions",
    "consent",
    "contact",
    "content",
    "continue",
    "continues",
    "conversation",
    "cookie",
    "cookies",
    "copy",
    "daily",
    "dark",
    "download",
    "e-paper",
    "edition",
    "email",
    "enable",
    "epaper",
    "facebook",
    "feedback",
    "follow",
    "font",
    "free",
    "full",
    "get",
    "google",
    "got",
    "here",
    "home",
    "inbox",
    "instagram",
    "javascript",
    "join",
    "jump",
    "latest",
    "like",
    "link",
    "linkedin",
    "listen",
    "live",
    "loading",
    "log",
    "login",
    "logout",
    "main",
    "manage",
    "menu",
    "mode",
    "more",
    "navigation",
    "network",
    "news",
    "newsletter",
    "newsletters",
    "next",
    "notifications",
    "now",
    "ok",
    "open",
    "options",
    "pinterest",
    "please",
    "podcast",
    "podcasts",
    "policy",
    "popular",
    "powered",
    "preferences",
    "previous",
    "print",
    "privacy",
    "profile",
    "read",
    "reddit",
    "register",
    "reject",
    "related",
    "reply",
    "rss",
    "save",
    "scroll",
    "search",
    "section",
    "settings",
    "share",
    "sign",
    "sitemap",
    "size",
    "skip",
    "sponsored",
    "stories",
    "story",
    "subscribe",
    "subscribers",
    "subscription",
    "telegram",
    "terms",
    "text",
    "threads",
    "tiktok",
    "today",
    "toggle",
    "top",
    "trending",
    "tv",
    "twitter",
    "up",
    "updates",
    "use",
    "video",
    "videos",
    "view",
    "watch",
    "weekly",
    "whatsapp",
    "x",
    "youtube",
};

/* Words that carry no content in an interface line. */
static const char *const function_words[] = {
    "a",  "an", "and", "at",  "by",   "for", "from", "in", "is",   "it",  "of",
    "on", "or", "our", "the", "this", "to",  "us",   "we", "with", "you", "your",
};

/* Labels that head a teaser or a term list. */
static const char *const labels[] = {
    "related",
    "read more",
    "read also",
    "also read",
    "see also",
    "more:",
    "read next",
    "tags:",
    "topics:",
    "filed under",
    "recommended",
    "more from",
    "more on",
    "you may also like",
    "you might also like",
    "don't miss",
    "must read",
    "trending:",
    "watch:",
    "listen:",
    "categories:",
    "category:",
    "disclaimer:",
    "editor's note:",
    "published by",
    "edited by",
    "written by",
    "reported by",
    "posted by",
};

/* Month and weekday names, for the byline's date. */
static const char *const months[] = {
    "apr",     "april",    "aug",      "august",  "dec",    "december",  "feb",      "february",
    "fri",     "friday",   "jan",      "january", "jul",    "july",      "jun",      "june",
    "mar",     "march",    "may",      "mon",     "monday", "nov",       "november", "oct",
    "october", "sat",      "saturday", "sep",     "sept",   "september", "sun",      "sunday",
    "thu",     "thursday", "tue",      "tuesday", "wed",    "wednesday",
};

static char lower_c(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static size_t count_words(const char *s, size_t n)
{
    char w[NW_CHROME_WORD_MAX];
    size_t pos = 0, words = 0;
    int cap, digit;
    while (nw_word_next(s, n, &pos, w, sizeof(w), NW_WORD_HYPHEN, &cap, &digit))
        words++;
    return words;
}

/* Ends with . ! ? (a closing quote or bracket after it aside). */
static int ends_sentence(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    while (n > 0) {
        if (u[n - 1] == ' ' || u[n - 1] == '"' || u[n - 1] == '\'' || u[n - 1] == ')')
            n--;
        else if (n >= 3 && u[n - 3] == 0xE2 && u[n - 2] == 0x80 &&
                 (u[n - 1] == 0x9D || u[n - 1] == 0x99))
            n -= 3;
        else
            break;
    }
    return n > 0 && (s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?');
}

/* needle (lower case ASCII) at s[i], case-insensitively. */
static int at_ci(const char *s, size_t n, size_t i, const char *needle)
{
    size_t m = strlen(needle);
    if (i + m > n)
        return 0;
    for (size_t k = 0; k < m; k++)
        if (lower_c(s[i + k]) != needle[k])
            return 0;
    return 1;
}

static int contains_ci(const char *s, size_t n, const char *needle)
{
    for (size_t i = 0; i < n; i++)
        if (lower_c(s[i]) == needle[0] && at_ci(s, n, i, needle))
            return 1;
    return 0;
}

static int is_consent(const char *s, size_t n, size_t words)
{
    return words <= NW_CHROME_CONSENT_WORDS && contains_ci(s, n, "cookie");
}

/* A label at the start, ending a word: "Related:", "Read more", "Also read |". */
static int is_label(const char *s, size_t n, size_t words)
{
    for (size_t k = 0; k < sizeof(labels) / sizeof(labels[0]); k++) {
        size_t m = strlen(labels[k]);
        if (!at_ci(s, n, 0, labels[k]))
            continue;
        if (labels[k][m - 1] == ':' || (m < n && s[m] == ':'))
            return words <= (labels[k][0] == 'd' || labels[k][0] == 'e' ? NW_CHROME_CONSENT_WORDS
                                                                        : NW_CHROME_LABEL_WORDS);
        if (m < n && nw_word_byte((unsigned char)s[m]))
            continue; /* "Relatedly", "Morello" */
        return words <= NW_CHROME_SHORT_WORDS && !ends_sentence(s, n);
    }
    return 0;
}

/* Every content word is interface vocabulary ("Sign up for our daily newsletter."); one
 * capitalized brand allowed beside two, or up to three after an interface word that opens
 * the line ("Follow the Harbour Times on X"). */
static int is_interface(const char *s, size_t n, size_t words)
{
    char w[NW_CHROME_WORD_MAX];
    size_t pos = 0, ui = 0, brands = 0, numbers = 0, k = 0;
    int cap, digit, opens = 0;
    if (words == 0 || words > NW_CHROME_UI_WORDS)
        return 0;
    while (nw_word_next(s, n, &pos, w, sizeof(w), NW_WORD_HYPHEN, &cap, &digit)) {
        k++;
        if (digit)
            numbers++;
        else if (NW_WORD_IN(w, ui_words))
            opens |= ++ui == 1 && k == 1;
        else if (NW_WORD_IN(w, function_words))
            continue;
        else if (cap)
            brands++;
        else
            return 0;
    }
    if (brands > 0 && ends_sentence(s, n))
        return 0; /* "Body text here.": a sentence with a name in it is the story's */
    return ui > 0 && numbers <= 1 &&
           (brands == 0 || (ui >= 2 && (brands == 1 || (opens && brands <= 3))));
}

/* The separator at s[i] (" | ", " / ", " » ", " › ", " > ", " · ", " • "): its length, or
 * 0. The spaces around it are part of it. */
static size_t separator_at(const char *s, size_t n, size_t i)
{
    static const char *const seps[] = {" | ", " / ",        " \xC2\xBB ",    " \xE2\x80\xBA ",
                                       " > ", " \xC2\xB7 ", " \xE2\x80\xA2 "};
    for (size_t k = 0; k < sizeof(seps) / sizeof(seps[0]); k++) {
        size_t m = strlen(seps[k]);
        if (i + m <= n && memcmp(s + i, seps[k], m) == 0)
            return m;
    }
    return 0;
}

/* A word of two letters or more in s[0, n). */
static int has_long_word(const char *s, size_t n)
{
    char w[NW_CHROME_WORD_MAX];
    size_t pos = 0;
    int cap, digit;
    while (nw_word_next(s, n, &pos, w, sizeof(w), NW_WORD_HYPHEN, &cap, &digit))
        if (!digit && strlen(w) >= 2)
            return 1;
    return 0;
}

/* Short items between separators: three or more, or two after "Home". */
static int is_menu(const char *s, size_t n, size_t words)
{
    size_t items = 0, start = 0, i = 0;
    int home = at_ci(s, n, 0, "home") && (n == 4 || !nw_word_byte((unsigned char)s[4]));
    if (words == 0 || words > NW_CHROME_MENU_WORDS || ends_sentence(s, n))
        return 0;
    while (i <= n) {
        size_t m = i < n ? separator_at(s, n, i) : 0;
        if (i == n || m) {
            size_t iw = count_words(s + start, i - start);
            if (iw == 0 || iw > NW_CHROME_ITEM_WORDS || !has_long_word(s + start, i - start))
                return 0; /* a table row ("Revenue N / A N / A") has items of letters */
            items++;
            if (i == n)
                break;
            i += m;
            start = i;
            continue;
        }
        i++;
    }
    /* two items: after "Home", or two short ones alone ("News / Pakistan") */
    return items >= 3 || (items == 2 && (home || words <= 4));
}

/* A date in the line: a month or weekday name, a number of four digits (a year) or one
 * with slashes (03/03/2024). */
static int has_date(const char *s, size_t n)
{
    char w[NW_CHROME_WORD_MAX];
    size_t pos = 0;
    int cap, digit;
    while (nw_word_next(s, n, &pos, w, sizeof(w), NW_WORD_HYPHEN, &cap, &digit)) {
        size_t wl = strlen(w);
        if (digit ? wl == 4 || (pos < n && s[pos] == '/') : NW_WORD_IN(w, months) && wl >= 3)
            return 1;
    }
    return 0;
}

/* A byline or a time stamp with a date: "By Jane Roe | March 3, 2024", "Posted by Jane Roe
 * on 03/03/2024", "Jane Roe | Updated: March 3, 2024 10:30 am", "Harbour Times · 3 March
 * 2024": a byline start, a separator or a stamp word, and a date. */
static int is_dated_byline(const char *s, size_t n, size_t words)
{
    int sep = 0;
    if (words < 3 || words > NW_CHROME_BYLINE_WORDS || ends_sentence(s, n))
        return 0;
    for (size_t i = 0; i + 1 < n && !sep; i++)
        sep = separator_at(s, n, i) > 0 && s[i + 1] != '/';
    if (!at_ci(s, n, 0, "by ") && !at_ci(s, n, 0, "posted by ") && !at_ci(s, n, 0, "written by ") &&
        !at_ci(s, n, 0, "published by ") && !contains_ci(s, n, "published") &&
        !contains_ci(s, n, "updated") && !contains_ci(s, n, "posted on") &&
        (!sep || words > NW_CHROME_STAMP_WORDS))
        return 0; /* a separator alone: only a short line ("Jane Roe | March 3, 2024") */
    return has_date(s, n);
}

/* A feed's or a syndicator's closing line: "The post <title> appeared first on <site>.",
 * "This article was originally published on <site>." */
static int is_syndication(const char *s, size_t n, size_t words)
{
    if (words > NW_CHROME_LABEL_WORDS + NW_CHROME_SHORT_WORDS)
        return 0;
    if (at_ci(s, n, 0, "the post ") && contains_ci(s, n, " appeared first on "))
        return 1;
    return (at_ci(s, n, 0, "this article") || at_ci(s, n, 0, "this story")) &&
           (contains_ci(s, n, "originally") || contains_ci(s, n, "first published") ||
            contains_ci(s, n, "first appeared") || contains_ci(s, n, "republished"));
}

int nw_chrome_line(const char *s, size_t n)
{
    size_t words;
    if (n == 0)
        return 0;
    words = count_words(s, n);
    return is_consent(s, n, words) || is_label(s, n, words) || is_interface(s, n, words) ||
           is_menu(s, n, words) || is_dated_byline(s, n, words) || is_syndication(s, n, words);
}
