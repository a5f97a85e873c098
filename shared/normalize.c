/* normalize.c — NFC, white space and paragraph shape. */
#include "normalize.h"

#include <stdint.h>
#include <stdlib.h>
#include <utf8proc.h>

#include "buf.h"
#include "mem.h"

static int is_removed(utf8proc_int32_t cp)
{
    if (cp == 0x200B || cp == 0xFEFF || cp == 0x00AD || cp == 0x2060)
        return 1;
    if (cp == '\n' || cp == '\t')
        return 0;
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_CC;
}

static int is_hspace(utf8proc_int32_t cp)
{
    if (cp == ' ' || cp == '\t')
        return 1;
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

enum nw_status nw_normalize_text(const char *in, size_t len, size_t max_out, char **out,
                                 size_t *out_len)
{
    enum nw_status result = NW_OK;
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t nfc_len, i = 0;
    struct nw_buf buf;
    int pending_space = 0; /* a space to write before the next visible character */
    int newlines = 0;      /* newlines seen since the last visible character */
    int started = 0;

    nw_buf_init(&buf, max_out);
    if (len > (size_t)PTRDIFF_MAX / 8) /* utf8proc works in 4-byte code points */
        return NW_ETOOBIG;
    nfc_len = utf8proc_map((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)len, &nfc,
                           UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (nfc_len < 0)
        return nfc_len == UTF8PROC_ERROR_NOMEM ? NW_ENOMEM : NW_EINVAL;

    while (i < nfc_len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(nfc + i, nfc_len - i, &cp);
        if (n <= 0) {
            result = NW_EINVAL;
            goto out;
        }
        if (cp == '\r') {
            /* \r\n counts once; a lone \r is a newline. */
            if (i + 1 < nfc_len && nfc[i + 1] == '\n') {
                i += n;
                continue;
            }
            cp = '\n';
        }
        if (cp == 0x2029) {
            /* PARAGRAPH SEPARATOR ends a paragraph. */
            newlines = 2;
            pending_space = 0;
        } else if (cp == '\n' || cp == 0x2028 || cp == 0x0085 || cp == '\v' || cp == '\f') {
            /* LINE SEPARATOR, NEXT LINE, vertical tab and form feed end a line. */
            if (newlines < 2) /* only "one" and "more than one" matter */
                newlines++;
            pending_space = 0; /* trailing space of a line is dropped */
        } else if (is_removed(cp)) {
            /* dropped */
        } else if (is_hspace(cp)) {
            pending_space = 1;
        } else {
            if (started && newlines >= 2)
                result = nw_buf_append(&buf, "\n\n", 2);
            else if (started && newlines == 1)
                result = nw_buf_putc(&buf, '\n');
            else if (started && pending_space)
                result = nw_buf_putc(&buf, ' ');
            if (!result)
                result = nw_buf_append(&buf, nfc + i, (size_t)n);
            if (result)
                goto out;
            started = 1;
            newlines = 0;
            pending_space = 0;
        }
        i += n;
    }
    *out = nw_buf_detach(&buf, out_len);
    if (!*out)
        result = NW_ENOMEM;
out:
    free(nfc);
    nw_buf_fini(&buf);
    return result;
}
