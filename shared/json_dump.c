/* json_dump.c — compact JSON text in one pass over the value (see json_dump.h). */
#include "json_dump.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

#define DUMP_MAX ((size_t)1 << 40) /* no bound of its own: as json_dumps */

/* Bytes that end a plain run inside a string: controls, '"' and '\\'. */
static int ends_run(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

static enum nw_status put_string(struct nw_buf *b, const char *s, size_t len)
{
    enum nw_status result = nw_buf_putc(b, '"');
    size_t i = 0;

    while (result == NW_OK && i < len) {
        size_t start = i;
        while (i < len && !ends_run((unsigned char)s[i]))
            i++;
        if (i > start && (result = nw_buf_append(b, s + start, i - start)) != NW_OK)
            break;
        if (i == len)
            break;
        unsigned char c = (unsigned char)s[i++];
        switch (c) {
        case '\\':
            result = nw_buf_append(b, "\\\\", 2);
            break;
        case '"':
            result = nw_buf_append(b, "\\\"", 2);
            break;
        case '\b':
            result = nw_buf_append(b, "\\b", 2);
            break;
        case '\f':
            result = nw_buf_append(b, "\\f", 2);
            break;
        case '\n':
            result = nw_buf_append(b, "\\n", 2);
            break;
        case '\r':
            result = nw_buf_append(b, "\\r", 2);
            break;
        case '\t':
            result = nw_buf_append(b, "\\t", 2);
            break;
        default: {
            static const char hex[] = "0123456789ABCDEF";
            char seq[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            result = nw_buf_append(b, seq, sizeof(seq));
        }
        }
    }
    return result == NW_OK ? nw_buf_putc(b, '"') : result;
}

/* What Jansson writes for v on its own (a real, or a value too deep for put_value). */
static enum nw_status put_by_jansson(struct nw_buf *b, const json_t *v)
{
    enum nw_status result;
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text)
        return NW_ENOMEM;
    result = nw_buf_puts(b, text);
    free(text);
    return result;
}

static enum nw_status put_value(struct nw_buf *b, const json_t *v, int depth)
{
    enum nw_status result = NW_OK;
    const char *key;
    json_t *x;
    size_t i;
    int first = 1;
    char num[32];

    if (depth > NW_JSON_DUMP_DEPTH)
        return put_by_jansson(b, v);
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        result = nw_buf_putc(b, '{');
        json_object_foreach((json_t *)v, key, x)
        {
            if (result == NW_OK && !first)
                result = nw_buf_putc(b, ',');
            first = 0;
            if (result == NW_OK)
                result = put_string(b, key, strlen(key));
            if (result == NW_OK)
                result = nw_buf_putc(b, ':');
            if (result == NW_OK)
                result = put_value(b, x, depth + 1);
            if (result != NW_OK)
                return result;
        }
        return result == NW_OK ? nw_buf_putc(b, '}') : result;
    case JSON_ARRAY:
        result = nw_buf_putc(b, '[');
        json_array_foreach(v, i, x)
        {
            if (result == NW_OK && i > 0)
                result = nw_buf_putc(b, ',');
            if (result == NW_OK)
                result = put_value(b, x, depth + 1);
            if (result != NW_OK)
                return result;
        }
        return result == NW_OK ? nw_buf_putc(b, ']') : result;
    case JSON_STRING:
        return put_string(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return nw_buf_puts(b, num);
    case JSON_REAL:
        return put_by_jansson(b, v);
    case JSON_TRUE:
        return nw_buf_append(b, "true", 4);
    case JSON_FALSE:
        return nw_buf_append(b, "false", 5);
    case JSON_NULL:
        return nw_buf_append(b, "null", 4);
    }
    return NW_EINVAL;
}

char *nw_json_dump(const json_t *v)
{
    struct nw_buf b;
    char *out;

    if (!json_is_object(v) && !json_is_array(v))
        return NULL;
    nw_buf_init(&b, DUMP_MAX);
    if (nw_buf_reserve(&b, 4096) != NW_OK || put_value(&b, v, 0) != NW_OK) {
        nw_buf_fini(&b);
        return NULL;
    }
    out = nw_buf_detach(&b, NULL);
    return out;
}
