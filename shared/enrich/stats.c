/* stats.c — text statistics in one pass over the bytes. */
#include "stats.h"

#include <string.h>

#define NW_STATS_WPM 230

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* A byte that can be part of a word: ASCII letters and digits, and every byte of a
 * multibyte UTF-8 sequence (letters of other scripts; punctuation such as curly quotes
 * is handled by word_has_alnum below). */
static int is_word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* True if the UTF-8 sequence at s is general punctuation (U+2000..U+206F) or a
 * no-break space: those bytes must not make a word on their own. */
static int is_punct_seq(const unsigned char *s, size_t avail)
{
    if (avail >= 3 && s[0] == 0xE2 && (s[1] == 0x80 || s[1] == 0x81))
        return 1;
    if (avail >= 2 && s[0] == 0xC2 && (s[1] == 0xA0 || s[1] == 0xAB || s[1] == 0xBB))
        return 1;
    return 0;
}

void nw_stats_compute(const char *text, size_t len, struct nw_text_stats *out)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    int in_para = 0, in_word = 0, sentence_open = 0;
    size_t newlines = 0;

    memset(out, 0, sizeof(*out));
    if (!text)
        return;
    while (i < len) {
        unsigned char c = s[i];
        size_t step = 1;

        if ((c & 0xC0) != 0x80)
            out->chars++;
        if (c == '\n') {
            newlines++;
            in_word = 0;
            if (newlines >= 2 && in_para) {
                /* a blank line closes the paragraph and any open sentence */
                if (sentence_open)
                    out->sentences++;
                sentence_open = 0;
                in_para = 0;
            }
            i++;
            continue;
        }
        if (is_space(c)) {
            in_word = 0;
            i++;
            continue;
        }
        newlines = 0;
        if (!in_para) {
            in_para = 1;
            out->paragraphs++;
        }
        if (c >= 0x80) {
            if (c >= 0xF0)
                step = 4;
            else if (c >= 0xE0)
                step = 3;
            else if (c >= 0xC0)
                step = 2;
            if (step > len - i)
                step = len - i;
            for (size_t k = 1; k < step; k++)
                if ((s[i + k] & 0xC0) != 0x80) {
                    step = k;
                    break;
                }
            if (is_punct_seq(s + i, len - i)) {
                in_word = 0;
                i += step;
                continue;
            }
        }
        if (is_word_byte(c)) {
            if (!in_word) {
                out->words++;
                sentence_open = 1;
            }
            in_word = 1;
        } else {
            in_word = 0;
            if ((c == '.' || c == '!' || c == '?') && sentence_open) {
                /* a terminator ends a sentence when space, a quote or the end follows */
                size_t j = i + 1;
                while (j < len && (s[j] == '"' || s[j] == '\'' || s[j] == ')'))
                    j++;
                if (j >= len || is_space(s[j]) ||
                    (len - j >= 3 && s[j] == 0xE2 && s[j + 1] == 0x80 &&
                     (s[j + 2] == 0x9D || s[j + 2] == 0x99))) {
                    out->sentences++;
                    sentence_open = 0;
                }
            }
        }
        i += step;
    }
    if (sentence_open)
        out->sentences++;
    out->reading_time_s = (out->words * 60 + NW_STATS_WPM - 1) / NW_STATS_WPM;
}
