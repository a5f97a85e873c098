/*
 * boiler.c — removal of leftover lines from extracted article text.
 *
 * The text is cut into lines (paragraphs are separated by blank lines, and a paragraph
 * may hold several short lines). Each line is judged by its shape, never by a list of
 * one site's strings:
 *   - a repeat of the title (or a breadcrumb ending in it);
 *   - copyright lines (©, "all rights reserved"), licence and disclaimer notes ("unter
 *     der Lizenz CC-BY", "Alle Angaben ohne Gewähr") and image credits ("Photo: ...");
 *   - prompts: short lines without a sentence end whose content words are all
 *     interface vocabulary (share, download, app, comment, next, story, related, ...),
 *     allowing one capitalized brand name ("Loving Brand? Download the app now");
 *   - rows of German interface buttons ("Bild anzeigen Bild schließen", "Drucken Pinnen");
 *   - list headers among those prompts ("More stories", "You may also like") start a
 *     list: the short teaser lines after them go too, until article text resumes;
 *   - bylines ("by Desk Name"), date-only lines, bare counters;
 *   - single-token lines ("--AGENCY", "ed/xy") unless they are a capitalized subhead
 *     followed by article text or a written-out address ("www.example.org");
 *   - short non-sentence lines after the last article paragraph (sign-offs, widgets),
 *     except an author's closing greeting ("x Franzi", "Euer Hans", "Liebe Grüße").
 * Short lines followed by article paragraphs (subheads) and decks stay.
 */
#include "boiler.h"

#include <string.h>

#include <utf8proc.h>

#include "buf.h"
#include "extract.h"
#include "lines.h"
#include "mem.h"
#include "words.h"

#define NW_BOILER_MAX_LINES 20000
#define NW_BOILER_SHORT_WORDS 12  /* a line this short, without a sentence end, is "short" */
#define NW_BOILER_PROMPT_WORDS 10 /* prompts are at most this long */
#define NW_BOILER_LONG_WORDS 20   /* a paragraph this long is article text */
/* After the last article paragraph, a non-sentence this short is a sign-off ("--IANS",
 * "scor/as", "Follow us"). Longer ones are kept: on HTML pages they are mostly the
 * article's own closing list items and notes (measured on the dev pages: a 12-word bound
 * cost 0.5 points of recall, 3 words cost nothing). */
#define NW_BOILER_SIGNOFF_WORDS 3
#define NW_BOILER_CREDIT_WORDS 15
#define NW_BOILER_COPYRIGHT_WORDS 30
#define NW_BOILER_LICENCE_WORDS 40
#define NW_BOILER_WORD_MAX 32

struct line {
    size_t off, len;
    size_t words;
    int para_start; /* first line of a paragraph */
    int sentence;   /* ends with . ! ? (optionally followed by a closing quote) */
    int drop;
    int list_header;
};

/* Interface vocabulary of news pages (English). A line made only of these words (plus
 * function words and at most one brand name) is a prompt, not article text. */
static const char *const ui_words[] = {
    "advertisement", "advert",        "ad",           "ads",       "app",
    "apps",          "article",       "articles",     "back",      "banner",
    "blog",          "blogs",         "bookmark",     "click",     "comment",
    "comments",      "copy",          "download",     "email",     "enjoy",
    "facebook",      "feed",          "follow",       "gallery",   "get",
    "google",        "home",          "install",      "latest",    "like",
    "link",          "linkedin",      "listen",       "load",      "loading",
    "login",         "logout",        "loving",       "menu",      "more",
    "most",          "newsletter",    "newsletters",  "next",      "now",
    "photos",        "popular",       "post",         "posts",     "prev",
    "previous",      "print",         "push",         "read",      "recommended",
    "register",      "related",       "reply",        "save",      "search",
    "see",           "send",          "share",        "shares",    "sign",
    "skip",          "sponsored",     "stories",      "story",     "subscribe",
    "subscription",  "tap",           "telegram",     "top",       "trending",
    "tweet",         "twitter",       "up",           "video",     "videos",
    "view",          "views",         "watch",        "whatsapp",  "x",
    "content",       "notifications", "notification", "allow",     "continue",
    "reading",       "full",          "open",         "close",     "topics",
    "tags",          "news",          "headlines",    "also",      "min",
    "mins",          "minute",        "minutes",      "pinterest", "reddit",
    "instagram",     "youtube",       "must",         "missed",    "might",
    "coverage",      "case",          "check",        "out",
};

/* Words that make a prompt a list header: what follows it is a list of teasers. */
static const char *const list_words[] = {"related",     "more",     "latest", "popular",
                                         "recommended", "trending", "like",   "read",
                                         "stories",     "articles", "top",    "headlines"};

/* Function words that do not count as content in a prompt. */
static const char *const function_words[] = {
    "the",  "a",   "an",   "to",  "of",   "on",   "in", "for",   "and", "or",   "you",
    "your", "may", "our",  "we",  "us",   "this", "it", "is",    "be",  "with", "from",
    "at",   "by",  "here", "all", "what", "are",  "do", "don't", "not", "miss", "s",
};

static const char *const months[] = {
    "january",   "february", "march",     "april",    "may",    "june",     "july",   "august",
    "september", "october",  "november",  "december", "jan",    "feb",      "mar",    "apr",
    "jun",       "jul",      "aug",       "sep",      "sept",   "oct",      "nov",    "dec",
    "monday",    "tuesday",  "wednesday", "thursday", "friday", "saturday", "sunday", "updated",
    "published", "am",       "pm",        "gmt",      "utc",    "ist",      "pst",    "est",
    "pkt",       "mon",      "tue",       "wed",      "thu",    "fri",      "sat",    "sun",
    "on",        "at",       "last",
};

/* A letter of a script written without spaces between words: wide (utf8proc display width
 * two) and a letter (Lo), which holds Han, Hiragana, Katakana, Bopomofo and Yi but not
 * Hangul (Korean puts spaces between words, so a Hangul run is measured as a word). */
static int is_spaceless_letter(utf8proc_int32_t cp)
{
    if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F) ||
        (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xAC00 && cp <= 0xD7FF))
        return 0; /* Hangul jamo and syllables */
    return utf8proc_charwidth(cp) == 2 && utf8proc_category(cp) == UTF8PROC_CATEGORY_LO;
}

/* The length in bytes of the character at s[i] when it is a letter of a spaceless script,
 * else 0. */
static size_t spaceless_at(const char *s, size_t n, size_t i)
{
    utf8proc_int32_t cp = -1;
    utf8proc_ssize_t k;
    if ((unsigned char)s[i] < 0xE1)
        return 0; /* such letters start at U+1100: three bytes or more */
    k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
    return k > 0 && is_spaceless_letter(cp) ? (size_t)k : 0;
}

/* The number of words in a line: runs of letters/digits as nw_word_next sees them, except that
 * in a script written without spaces (Chinese, Japanese) every letter counts as a word, so
 * a paragraph of such text is as long as its characters say, not one "word". */
static size_t count_words(const char *s, size_t n)
{
    size_t i = 0, words = 0;
    while (i < n) {
        size_t k = spaceless_at(s, n, i);
        if (k > 0) {
            words++;
            i += k;
            continue;
        }
        if (!nw_word_byte((unsigned char)s[i])) {
            i++;
            continue;
        }
        words++;
        while (i < n && spaceless_at(s, n, i) == 0 &&
               (nw_word_byte((unsigned char)s[i]) ||
                (s[i] == '\'' && i + 1 < n && nw_word_byte((unsigned char)s[i + 1]))))
            i++;
    }
    return words;
}

/* Full-width sentence ends (。！？ and the half-width ｡) count as well as . ! ?, and closing
 * brackets (」』）) are skipped like quotes. */
static int ends_sentence(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    while (n > 0) {
        unsigned char c = u[n - 1];
        if (c == ' ' || c == '"' || c == '\'' || c == ')')
            n--;
        else if (n >= 3 && u[n - 3] == 0xE2 && u[n - 2] == 0x80 && (c == 0x9D || c == 0x99))
            n -= 3; /* closing curly quote */
        else if (n >= 3 && ((u[n - 3] == 0xE3 && u[n - 2] == 0x80 && (c == 0x8D || c == 0x8F)) ||
                            (u[n - 3] == 0xEF && u[n - 2] == 0xBC && c == 0x89)))
            n -= 3; /* 」 』 ） */
        else
            break;
    }
    if (n >= 3 &&
        ((u[n - 3] == 0xE3 && u[n - 2] == 0x80 && u[n - 1] == 0x82) ||
         (u[n - 3] == 0xEF && u[n - 2] == 0xBC && (u[n - 1] == 0x81 || u[n - 1] == 0x9F)) ||
         (u[n - 3] == 0xEF && u[n - 2] == 0xBD && u[n - 1] == 0xA1)))
        return 1; /* 。 ！ ？ ｡ */
    return n > 0 && (s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?');
}

/* needle (lower case) in s[0, n), ASCII case-insensitively. Most positions fail on the
 * first byte, which is tested inline against both of its cases. */
static int contains_ci(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    if (m == 0)
        return 1;
    unsigned char first = (unsigned char)needle[0];
    unsigned char upper = first >= 'a' && first <= 'z' ? (unsigned char)(first - 32) : first;
    for (size_t i = 0; i + m <= n; i++) {
        unsigned char c0 = (unsigned char)s[i];
        if (c0 != first && c0 != upper)
            continue;
        size_t k = 1;
        for (; k < m; k++) {
            char c = s[i + k];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != needle[k])
                break;
        }
        if (k == m)
            return 1;
    }
    return 0;
}

/* Byte string needle (m > 0 bytes, no letters) in s[0, n): memchr finds its last byte,
 * which is rare in text. */
static int contains_bytes(const char *s, size_t n, const char *needle, size_t m)
{
    const char *p, *end = s + n;
    unsigned char last = (unsigned char)needle[m - 1];
    if (n < m)
        return 0;
    p = s + m - 1;
    while (p < end) {
        const char *q = memchr(p, last, (size_t)(end - p));
        if (!q)
            return 0;
        if (memcmp(q - (m - 1), needle, m) == 0)
            return 1;
        p = q + 1;
    }
    return 0;
}

static int starts_ci(const char *s, size_t n, const char *prefix)
{
    size_t m = strlen(prefix);
    return n >= m && contains_ci(s, m, prefix);
}

/* Compares letters and digits only, case-insensitively: "Title!" equals "title". */
static int same_letters(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < an && !nw_word_byte((unsigned char)a[i]))
            i++;
        while (j < bn && !nw_word_byte((unsigned char)b[j]))
            j++;
        if (i >= an || j >= bn)
            return i >= an && j >= bn;
        char x = a[i], y = b[j];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
        i++;
        j++;
    }
}

static int is_title_repeat(const char *s, size_t n, const char *title)
{
    size_t tl;
    if (!title)
        return 0;
    tl = strlen(title);
    if (tl == 0)
        return 0;
    if (same_letters(s, n, title, tl))
        return 1;
    /* a breadcrumb ending in the title: "Home » Section » Title" */
    if (n > tl && (contains_bytes(s, n, "\xC2\xBB", 2) || contains_bytes(s, n, " > ", 3) ||
                   contains_bytes(s, n, "\xE2\x80\xBA", 3)))
        return same_letters(s + n - tl, tl, title, tl);
    return 0;
}

/* Licence and disclaimer notes: "Dieser Text wurde veröffentlicht unter der Lizenz
 * CC-BY-NC-ND", "Leena Simon, CC-BY-SA 4.0", "(Alle Angaben ohne Gewähr)". A line about
 * Creative Commons itself names no licence code and stays. */
static const char *const licence_phrases[] = {
    "cc-by", "cc by-",           "cc by 2",        "cc by 3",     "cc by 4",
    "cc0 ",  "unter der lizenz", "licensed under", "ohne gewähr", "ohne gewaehr",
};

static int is_licence(const char *s, size_t n, size_t words)
{
    if (words > NW_BOILER_LICENCE_WORDS)
        return 0;
    for (size_t i = 0; i < sizeof(licence_phrases) / sizeof(licence_phrases[0]); i++)
        if (contains_ci(s, n, licence_phrases[i]))
            return 1;
    return 0;
}

static int is_copyright(const char *s, size_t n, size_t words)
{
    if (words > NW_BOILER_COPYRIGHT_WORDS)
        return 0;
    return contains_ci(s, n, "\xC2\xA9") || contains_ci(s, n, "all rights reserved") ||
           starts_ci(s, n, "copyright") || contains_ci(s, n, "(c) 20") ||
           contains_ci(s, n, "(c) 19");
}

static int is_credit(const char *s, size_t n, size_t words)
{
    static const char *const starts[] = {
        "photo:",        "photo credit",   "photo by",         "photos:",
        "image:",        "image credit",   "image by",         "picture:",
        "credit:",       "credits:",       "illustration:",    "file photo",
        "courtesy",      "source:",        "photograph:",      "pic:",
        "image source",  "picture credit", "pic credit",       "(photo",
        "(image",        "(file",          "representational", "representative image",
        "photograph by", "file image",     "file picture",     "images:",
        "video:"};
    /* a credit anywhere in a short line: "Ishaq Dar in Washington. (Photo: AFP)" */
    static const char *const inside[] = {"(photo:",
                                         "(image:",
                                         "(photo credit",
                                         "(image credit",
                                         "(pic:",
                                         "| photo",
                                         "| image",
                                         "photo credit:",
                                         "image credit:",
                                         "image source:",
                                         "getty images",
                                         "shutterstock",
                                         "/ afp",
                                         "/ reuters",
                                         "/ ap photo",
                                         "afp via getty",
                                         "reuters/file",
                                         "afp/file",
                                         "ap/file",
                                         "(file photo)",
                                         "(representational",
                                         "(representative image"};
    if (words > NW_BOILER_CREDIT_WORDS)
        return 0;
    for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
        if (starts_ci(s, n, starts[i]))
            return 1;
    for (size_t i = 0; i < sizeof(inside) / sizeof(inside[0]); i++)
        if (contains_ci(s, n, inside[i]))
            return 1;
    return 0;
}

/* A prompt: short, no sentence end, every content word is interface vocabulary except
 * at most one capitalized word (the site's brand). Sets *list when it heads a list. */
static int is_prompt(const char *s, size_t n, size_t words, int *list)
{
    size_t pos = 0, ui = 0, brands = 0, other = 0, listy = 0, numbers = 0;
    char w[NW_BOILER_WORD_MAX];
    int cap, digit, lower = 0;

    *list = 0;
    if (words == 0 || words > NW_BOILER_PROMPT_WORDS || ends_sentence(s, n))
        return 0;
    for (size_t i = 0; i < n && !lower; i++)
        lower = s[i] >= 'a' && s[i] <= 'z';
    while (nw_word_next(s, n, &pos, w, sizeof(w), 0, &cap, &digit)) {
        if (digit) {
            if (++numbers > 1)
                return 0; /* a table row ("Reading 4 1 1 2 5 10 4"), not a counter */
            continue;     /* counters: "0 comment", "Share 12" */
        }
        if (NW_WORD_IN(w, ui_words)) {
            ui++;
            if (NW_WORD_IN(w, list_words))
                listy++;
        } else if (NW_WORD_IN(w, function_words)) {
            continue;
        } else if (cap && lower) {
            brands++; /* in an all-caps line ("LATEST PREVIOUS ACTUAL") no word is a brand */
        } else {
            other++;
        }
    }
    if (ui == 0 || other > 0 || brands > 1 || (brands == 1 && ui < 2))
        return 0;
    *list = listy > 0;
    return 1;
}

static int is_byline(const char *s, size_t n, size_t words)
{
    return words >= 2 && words <= 6 && !ends_sentence(s, n) &&
           (starts_ci(s, n, "by ") || starts_ci(s, n, "written by ") ||
            starts_ci(s, n, "reported by ") || starts_ci(s, n, "edited by "));
}

/* Only dates, times and numbers: "December 31, 2023", "Updated: 10:30 AM PKT". */
static int is_date_only(const char *s, size_t n, size_t words)
{
    size_t pos = 0, month = 0;
    char w[NW_BOILER_WORD_MAX];
    int cap, digit;
    if (words == 0 || words > 8)
        return 0;
    while (nw_word_next(s, n, &pos, w, sizeof(w), 0, &cap, &digit)) {
        if (digit)
            continue;
        if (!NW_WORD_IN(w, months))
            return 0;
        month++;
    }
    return month > 0 || words <= 2;
}

/* A line with a figure ("Attendance: 850", "Vidadi Rzayev (28th)") is the article's own
 * data, not a sign-off; so is a label introducing what follows ("Scorers:"). */
static int has_figure(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= '0' && s[i] <= '9')
            return 1;
    return 0;
}

/* No space inside: "--AGENCY", "ed/xy", "banner". In a script written without spaces, a
 * line of more than two letters is words, not one chunk ("分享" is a chunk). */
static int is_single_chunk(const char *s, size_t n)
{
    size_t spaceless = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k;
        if (s[i] == ' ' || s[i] == '\t')
            return 0;
        k = spaceless_at(s, n, i);
        if (k > 0) {
            if (++spaceless > 2)
                return 0;
            i += k - 1;
        }
    }
    return 1;
}

/* A written-out address ("http://www.openpetition.de/...", "www.example.at"): the
 * article's own reference, which both dev truths keep, not a lone token of furniture. */
static int is_written_url(const char *s, size_t n)
{
    return (starts_ci(s, n, "http://") && n > 7) || (starts_ci(s, n, "https://") && n > 8) ||
           (starts_ci(s, n, "www.") && n > 6 && memchr(s + 4, '.', n - 4));
}

/* German interface commands: a row of buttons whose labels are verbs in the infinitive,
 * each after at most one noun or name ("Bild anzeigen Bild schließen", "Drucken Pinnen",
 * "Rezept drucken Bei Pinterest speichern"; German capitalizes every noun). */
static const char *const command_verbs[] = {
    "anzeigen",    "drucken",    "ausdrucken",   "pinnen",        "teilen",     "merken",
    "speichern",   "bewerten",   "kommentieren", "herunterladen", "ausblenden", "einblenden",
    "weiterlesen", "abonnieren", "vergrößern",   "schließen",     "öffnen",     "laden",
};
static const char *const command_fillers[] = {"bei", "auf", "in", "per", "als", "zu"};

static int is_command(const char *s, size_t n, size_t words)
{
    size_t pos = 0, verbs = 0, others = 0, since_verb = 0;
    char w[NW_BOILER_WORD_MAX];
    int cap, digit;
    if (words == 0 || words > 8 || ends_sentence(s, n))
        return 0;
    while (nw_word_next(s, n, &pos, w, sizeof(w), 0, &cap, &digit)) {
        if (NW_WORD_IN(w, command_verbs)) {
            verbs++;
            since_verb = 0;
        } else if (!NW_WORD_IN(w, command_fillers)) {
            if (digit || ++since_verb > 1)
                return 0; /* two words before a verb: a phrase, not a button */
            others++;
        }
    }
    return verbs > 0 && since_verb == 0 && others <= verbs;
}

/* "LONDON 1996-08-30", "AL-AIN, United Arab Emirates 1996-12-06", "WASHINGTON, Oct 3":
 * a capitalized place and a date, nothing else, no sentence end. */
static int is_dateline(const char *s, size_t n, size_t words)
{
    size_t pos = 0, k = 0, last_month = 0, last_num = 0, iso = 0;
    char w[NW_BOILER_WORD_MAX];
    int cap, digit;
    if (words < 2 || words > 12 || ends_sentence(s, n) || !(s[0] >= 'A' && s[0] <= 'Z'))
        return 0;
    /* an ISO date at the end: dddd-dd-dd */
    while (n > 0 && s[n - 1] == ' ')
        n--;
    if (n >= 10 && s[n - 6] == '-' && s[n - 3] == '-') {
        iso = 1;
        for (size_t i = n - 10; i < n; i++)
            if (i != n - 6 && i != n - 3 && !(s[i] >= '0' && s[i] <= '9'))
                iso = 0;
    }
    if (iso)
        return 1;
    /* else "Month D[, YYYY]" ending the line, after a place */
    while (nw_word_next(s, n, &pos, w, sizeof(w), 0, &cap, &digit)) {
        k++;
        if (digit)
            last_num = k;
        else if (NW_WORD_IN(w, months) && strlen(w) >= 3 && k > 1)
            last_month = k;
    }
    return last_month && last_num > last_month && last_num == k && k - last_month <= 2;
}

/* "-- Milan newsroom +39 2 6612", "— Reporting by A. B.; editing by C." */
static int is_signoff(const char *s, size_t n, size_t words)
{
    if (words == 0 || words > 25)
        return 0;
    return (n >= 2 && s[0] == '-' && s[1] == '-') ||
           (n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
            ((unsigned char)s[2] == 0x94 || (unsigned char)s[2] == 0x93));
}

/* Words that open an author's closing greeting ("x Franzi", "XX, Die Redaktion", "Euer
 * Hans", "Deine Mady", "Cheers, Anna"), and words that make one wherever they sit ("Liebe
 * Grüße", "Kind regards"). */
static const char *const greeting_openers[] = {
    "x",     "xx",     "xxx",   "xo",      "xoxo",    "euer", "eure",   "dein",
    "deine", "gruß",   "gruss", "grüße",   "grüsse",  "lg",   "cheers", "love",
    "yours", "bisous", "besos", "saludos", "abrazos", "ciao", "baci",   "bises",
};
static const char *const greeting_words[] = {
    "gruß", "gruss", "grüße", "grüsse", "regards", "greetings", "wishes", "saludos", "abrazos",
};

/* A closing greeting of at most NW_BOILER_SIGNOFF_WORDS words: kept after the last
 * paragraph, where other short lines go. */
static int is_greeting(const char *s, size_t n)
{
    size_t pos = 0, k = 0;
    char w[NW_BOILER_WORD_MAX];
    int cap, digit;
    while (nw_word_next(s, n, &pos, w, sizeof(w), 0, &cap, &digit)) {
        if ((k == 0 && NW_WORD_IN(w, greeting_openers)) || NW_WORD_IN(w, greeting_words))
            return 1;
        k++;
    }
    return 0;
}

static int is_bracketed(const char *s, size_t n)
{
    while (n > 0 && s[n - 1] == ' ')
        n--;
    return n >= 2 && ((s[0] == '[' && s[n - 1] == ']') || (s[0] == '(' && s[n - 1] == ')'));
}

enum nw_line_kind nw_boiler_line_kind(const char *s, size_t n)
{
    size_t words = count_words(s, n);
    int list;
    if (is_signoff(s, n, words))
        return NW_LINE_SIGNOFF;
    if (is_dateline(s, n, words))
        return NW_LINE_DATELINE;
    if (words == 0 || is_copyright(s, n, words) || is_credit(s, n, words) ||
        is_byline(s, n, words) || is_date_only(s, n, words) || is_prompt(s, n, words, &list) ||
        (is_single_chunk(s, n) && !ends_sentence(s, n)) || is_bracketed(s, n))
        return NW_LINE_FURNITURE;
    return NW_LINE_TEXT;
}

enum nw_status nw_boiler_strip(const char *text, size_t len, const char *title, char **out,
                               size_t *out_len)
{
    return nw_boiler_strip_rules(text, len, title, 0, out, out_len);
}

enum nw_status nw_boiler_strip_rules(const char *text, size_t len, const char *title,
                                     unsigned long long rules_off, char **out, size_t *out_len)
{
    int greetings = !(rules_off & NW_EXTRACT_RULE_CLOSING_GREETINGS);
    int urls = !(rules_off & NW_EXTRACT_RULE_WRITTEN_URLS);
    int commands = !(rules_off & NW_EXTRACT_RULE_COMMAND_LINES);
    int licences = !(rules_off & NW_EXTRACT_RULE_LICENCE_LINES);
    enum nw_status result = NW_OK;
    struct line *lines = NULL;
    size_t nlines = 0, cap = 0, i = 0, last_long = (size_t)-1;
    struct nw_buf buf;
    int in_list = 0, blank = 1;

    nw_buf_init(&buf, len + 1);
    *out = NULL;
    *out_len = 0;
    if (!text)
        len = 0;
    while (i < len) {
        size_t start, end;
        nw_lines_next(text, len, &i, &start, &end);
        if (start == end) {
            blank = 1;
            continue;
        }
        if (nlines >= NW_BOILER_MAX_LINES)
            break;
        result = nw_grow_array((void **)&lines, &cap, nlines + 1, 64, sizeof(*lines));
        if (result)
            goto out;
        memset(&lines[nlines], 0, sizeof(lines[nlines]));
        lines[nlines].off = start;
        lines[nlines].len = end - start;
        lines[nlines].words = count_words(text + start, end - start);
        lines[nlines].sentence = ends_sentence(text + start, end - start);
        lines[nlines].para_start = blank;
        blank = 0;
        nlines++;
    }

    for (i = 0; i < nlines; i++) {
        struct line *l = &lines[i];
        const char *s = text + l->off;
        int list = 0;
        int long_para = l->words >= NW_BOILER_LONG_WORDS;

        if (long_para)
            in_list = 0;
        if (is_title_repeat(s, l->len, title) || is_copyright(s, l->len, l->words) ||
            is_credit(s, l->len, l->words) || is_byline(s, l->len, l->words) ||
            is_date_only(s, l->len, l->words) || (licences && is_licence(s, l->len, l->words))) {
            l->drop = 1;
        } else if (is_prompt(s, l->len, l->words, &list) ||
                   (commands && is_command(s, l->len, l->words))) {
            l->drop = 1;
            if (list)
                in_list = 1;
        } else if (in_list && !l->sentence && l->words <= 2 * NW_BOILER_SHORT_WORDS) {
            l->drop = 1; /* a teaser title under a list header */
        } else if (l->words == 0) {
            l->drop = 1; /* punctuation only */
        } else if (is_single_chunk(s, l->len) && !l->sentence && s[l->len - 1] != ':' &&
                   !(urls && is_written_url(s, l->len))) {
            /* keep a one-word subhead only if it is capitalized and article text follows */
            int subhead = s[0] >= 'A' && s[0] <= 'Z' && i + 1 < nlines &&
                          lines[i + 1].words >= NW_BOILER_LONG_WORDS;
            int caps = 1; /* "KOMPAS": a name in capitals heading a paragraph */
            for (size_t k = 1; k < l->len; k++)
                caps &= (s[k] >= 'A' && s[k] <= 'Z');
            for (size_t k = 1; subhead && !caps && k < l->len; k++)
                if (!((s[k] >= 'a' && s[k] <= 'z') || (unsigned char)s[k] >= 0x80))
                    subhead = 0;
            l->drop = !subhead;
        }
        if (!l->drop && (long_para || (l->sentence && l->words >= 8)))
            last_long = i;
    }
    /* after the last article paragraph, very short non-sentences are sign-offs */
    if (last_long != (size_t)-1)
        for (i = last_long + 1; i < nlines; i++)
            if (!lines[i].sentence && lines[i].words <= NW_BOILER_SIGNOFF_WORDS &&
                !has_figure(text + lines[i].off, lines[i].len) &&
                text[lines[i].off + lines[i].len - 1] != ':' &&
                !(greetings && is_greeting(text + lines[i].off, lines[i].len)))
                lines[i].drop = 1;

    {
        int first = 1, para_open = 0;
        for (i = 0; i < nlines; i++) {
            if (lines[i].para_start)
                para_open = 0;
            if (lines[i].drop)
                continue;
            if (!first) {
                result = nw_buf_puts(&buf, para_open ? "\n" : "\n\n");
                if (result != NW_OK)
                    goto out;
            }
            result = nw_buf_append(&buf, text + lines[i].off, lines[i].len);
            if (result != NW_OK)
                goto out;
            first = 0;
            para_open = 1;
        }
    }
    *out = nw_buf_detach(&buf, out_len);
    if (!*out)
        result = NW_ENOMEM;
out:
    nw_buf_fini(&buf);
    nw_free(lines);
    return result;
}
