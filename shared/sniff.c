/* sniff.c — declared type and leading bytes: HTML (or text), or something else. */
#include "sniff.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SNIFF_WINDOW 4096
#define SNIFF_MAX_BINARY 8 /* binary data bytes tolerated in the window (stray controls) */

/* The media type of a Content-Type header, lower case, without parameters. */
static void media_type(const char *content_type, char *out, size_t out_size)
{
    size_t n = 0;
    const char *p = content_type;
    while (*p == ' ' || *p == '\t')
        p++;
    for (; *p && *p != ';' && *p != ' ' && *p != '\t' && n + 1 < out_size; p++)
        out[n++] = (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
    out[n] = '\0';
}

static int declared_binary(const char *type)
{
    static const char *const prefixes[] = {"image/", "audio/", "video/", "font/", NULL};
    static const char *const exact[] = {
        "application/pdf",
        "application/zip",
        "application/x-zip-compressed",
        "application/msword",
        "application/ogg",
        "application/x-shockwave-flash",
        "application/postscript",
        "application/wasm",
        "application/vnd.ms-excel",
        "application/x-tar",
        "application/x-7z-compressed",
        "application/x-rar-compressed",
        "application/vnd.rar",
        NULL,
    };
    for (size_t i = 0; prefixes[i]; i++)
        if (!strncmp(type, prefixes[i], strlen(prefixes[i])))
            return 1;
    for (size_t i = 0; exact[i]; i++)
        if (!strcmp(type, exact[i]))
            return 1;
    return !strncmp(type, "application/vnd.openxmlformats", 30);
}

struct signature {
    const char *bytes;
    size_t len;
    const char *name;
};

static const char *signature_of(const unsigned char *d, size_t len)
{
    static const struct signature sigs[] = {
        {"%PDF-", 5, "a PDF document"},
        {"\x89PNG\r\n\x1a\n", 8, "a PNG image"},
        {"GIF87a", 6, "a GIF image"},
        {"GIF89a", 6, "a GIF image"},
        {"\xff\xd8\xff", 3, "a JPEG image"},
        {"PK\x03\x04", 4, "a ZIP archive (or office document)"},
        {"OggS\x00", 5, "an Ogg stream"},
        {"\x7f"
         "ELF",
         4, "an executable"},
        {"%!PS", 4, "a PostScript document"},
        {"{\\rtf", 5, "an RTF document"},
        {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "an OLE (office) document"},
        {"Rar!\x1a\x07", 6, "a RAR archive"},
        {"7z\xbc\xaf\x27\x1c", 6, "a 7z archive"},
        {"\x00\x00\x01\x00", 4, "an icon"},
        {"ID3", 3, "an MP3 file"},
        {"wOFF", 4, "a web font"},
        {"wOF2", 4, "a web font"},
        {"\x00\x61\x73\x6d", 4, "a WebAssembly module"},
    };
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        if (len >= sigs[i].len && !memcmp(d, sigs[i].bytes, sigs[i].len))
            return sigs[i].name;
    if (len >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4))
        return "a WebP image";
    if (len >= 12 && !memcmp(d, "RIFF", 4))
        return "a RIFF (audio/video) file";
    if (len >= 12 && !memcmp(d + 4, "ftyp", 4))
        return "an MP4/HEIF file";
    return NULL;
}

/* A byte order mark, or a declared charset whose text holds NUL bytes. */
static int wide_text(const unsigned char *d, size_t len, const char *content_type)
{
    if (len >= 2 && ((d[0] == 0xff && d[1] == 0xfe) || (d[0] == 0xfe && d[1] == 0xff)))
        return 1;
    if (len >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf)
        return 0; /* UTF-8: its text has no controls either */
    if (content_type) {
        for (const char *p = content_type; *p; p++)
            if (!strncasecmp(p, "utf-16", 6) || !strncasecmp(p, "utf-32", 6) ||
                !strncasecmp(p, "ucs-2", 5))
                return 1;
    }
    /* UTF-16 without a mark still starts with '<' and a NUL on one side. */
    return len >= 4 && ((d[0] == '<' && d[1] == 0) || (d[0] == 0 && d[1] == '<'));
}

int nw_sniff_not_html(const char *data, size_t len, const char *content_type, char *what,
                      size_t what_size)
{
    const unsigned char *d = (const unsigned char *)data;
    char type[96] = "";
    const char *sig;
    size_t window = len < SNIFF_WINDOW ? len : SNIFF_WINDOW, binary = 0;

    if (what_size)
        what[0] = '\0';
    if (content_type) {
        media_type(content_type, type, sizeof(type));
        if (declared_binary(type)) {
            if (what_size)
                snprintf(what, what_size, "Content-Type %s", type);
            return 1;
        }
    }
    if (!data || !len)
        return 0;
    /* Leading white space does not hide a signature from us (nor from browsers). */
    size_t skip = 0;
    while (skip < window &&
           (d[skip] == ' ' || d[skip] == '\t' || d[skip] == '\n' || d[skip] == '\r'))
        skip++;
    sig = signature_of(d + skip, len - skip);
    if (!sig && skip)
        sig = signature_of(d, len);
    if (sig) {
        if (what_size)
            snprintf(what, what_size, "%s", sig);
        return 1;
    }
    if (wide_text(d, len, content_type))
        return 0;
    for (size_t i = 0; i < window; i++) {
        unsigned char c = d[i];
        if (c <= 0x08 || c == 0x0b || (c >= 0x0e && c <= 0x1a) || (c >= 0x1c && c <= 0x1f))
            binary++;
    }
    if (binary > SNIFF_MAX_BINARY) {
        if (what_size)
            snprintf(what, what_size, "binary data (%zu control bytes in the first %zu)", binary,
                     window);
        return 1;
    }
    return 0;
}
