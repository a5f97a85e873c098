// lang.cc — CLD2 behind the C interface of lang.h. No exceptions cross the boundary:
// CLD2 does not throw, and nothing here allocates.
#include "lang.h"

#include <stdio.h> // compact_lang_det.h uses FILE without including it
#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>
#include <string.h>

// len cut to at most max bytes, not inside a UTF-8 sequence.
static size_t clip(const char *text, size_t len, size_t max)
{
    if (len <= max)
        return len;
    len = max;
    while (len > 0 && (static_cast<unsigned char>(text[len]) & 0xC0) == 0x80)
        len--;
    return len;
}

// CLD2's answer for the first len bytes; *reliable and *percent (of the text in that
// language) say how sure it is. The answer is not always CLD2's top language (it passes
// over English that is mostly boilerplate), so the percent is looked up by language.
static CLD2::Language detect(const char *text, size_t len, const CLD2::CLDHints *hints,
                             bool *reliable, int *percent)
{
    int percent3[3];
    CLD2::Language language3[3];
    double normalized_score3[3];
    int text_bytes = 0;
    CLD2::Language lang =
        CLD2::ExtDetectLanguageSummary(text, static_cast<int>(len), true, hints, 0, language3,
                                       percent3, normalized_score3, NULL, &text_bytes, reliable);
    *percent = 0;
    for (int i = 0; i < 3; i++)
        if (language3[i] == lang)
            *percent = percent3[i];
    return lang;
}

extern "C" int nw_lang_detect(const char *text, size_t len, const char *hint, char out[3])
{
    bool reliable = false;
    int percent = 0;
    char hint_code[8] = {0};
    CLD2::CLDHints hints = {NULL, NULL, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
    CLD2::Language lang;
    size_t prefix;
    const char *code;

    out[0] = '\0';
    if (!text || len == 0)
        return 0;
    if (hint) {
        size_t i = 0;
        for (; hint[i] && hint[i] != '-' && hint[i] != '_' && i + 1 < sizeof(hint_code); i++)
            hint_code[i] = static_cast<char>(hint[i] | 0x20);
        hints.language_hint = CLD2::GetLanguageFromName(hint_code);
    }
    // the lead first (see lang.h); the longer scan only when it is not conclusive
    prefix = clip(text, len, NW_LANG_PREFIX);
    lang = detect(text, prefix, &hints, &reliable, &percent);
    if (prefix < len && (!reliable || percent < NW_LANG_PREFIX_PERCENT ||
                         lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE))
        lang = detect(text, clip(text, len, NW_LANG_MAX_SCAN), &hints, &reliable, &percent);
    if (lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE)
        return 0;
    code = CLD2::LanguageCode(lang);
    // CLD2 codes are ISO 639-1 where one exists ("en", "zh-Hant" -> "zh")
    if (!code || strlen(code) < 2 || (code[2] != '\0' && code[2] != '-'))
        return 0;
    out[0] = code[0];
    out[1] = code[1];
    out[2] = '\0';
    return 1;
}
