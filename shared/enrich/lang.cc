// lang.cc — CLD2 behind the C interface of lang.h. No exceptions cross the boundary:
// CLD2 does not throw, and nothing here allocates.
#include "lang.h"

#include <stdio.h> // compact_lang_det.h uses FILE without including it
#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>
#include <string.h>

extern "C" int nw_lang_detect(const char *text, size_t len, const char *hint, char out[3])
{
    bool reliable = false;
    int percent3[3];
    CLD2::Language language3[3];
    double normalized_score3[3];
    int text_bytes = 0;
    char hint_code[8] = {0};
    CLD2::CLDHints hints = {NULL, NULL, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
    CLD2::Language lang;
    const char *code;

    out[0] = '\0';
    if (!text || len == 0)
        return 0;
    if (len > NW_LANG_MAX_SCAN) {
        len = NW_LANG_MAX_SCAN;
        // do not cut a UTF-8 sequence in half
        while (len > 0 && (static_cast<unsigned char>(text[len]) & 0xC0) == 0x80)
            len--;
    }
    if (hint) {
        size_t i = 0;
        for (; hint[i] && hint[i] != '-' && hint[i] != '_' && i + 1 < sizeof(hint_code); i++)
            hint_code[i] = static_cast<char>(hint[i] | 0x20);
        hints.language_hint = CLD2::GetLanguageFromName(hint_code);
    }
    lang =
        CLD2::ExtDetectLanguageSummary(text, static_cast<int>(len), true, &hints, 0, language3,
                                       percent3, normalized_score3, NULL, &text_bytes, &reliable);
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
