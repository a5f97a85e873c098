/* buf.c — bounded growable buffer. */
#include "buf.h"

#include <stdio.h>
#include <string.h>

#include "mem.h"

void nw_buf_init(struct nw_buf *buf, size_t max)
{
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->max = max;
}

void nw_buf_fini(struct nw_buf *buf)
{
    if (!buf)
        return;
    nw_free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

void nw_buf_reset(struct nw_buf *buf)
{
    if (!buf)
        return;
    buf->len = 0;
    if (buf->data)
        buf->data[0] = '\0';
}

/* Makes room for `extra` more bytes plus the terminator. */
static enum nw_status reserve(struct nw_buf *buf, size_t extra)
{
    size_t need, cap;
    char *data;

    if (extra > buf->max || buf->len > buf->max - extra)
        return NW_ETOOBIG;
    if (buf->len + extra == (size_t)-1)
        return NW_ETOOBIG; /* no room for the terminator (max == SIZE_MAX) */
    need = buf->len + extra + 1;
    if (need <= buf->cap)
        return NW_OK;
    cap = buf->cap ? buf->cap : 64;
    while (cap < need)
        cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    /* max + 1 would wrap for an "unbounded" SIZE_MAX buffer. */
    if (buf->max < (size_t)-1 && cap > buf->max + 1)
        cap = buf->max + 1;
    data = nw_realloc(buf->data, cap);
    if (!data)
        return NW_ENOMEM;
    buf->data = data;
    buf->cap = cap;
    return NW_OK;
}

enum nw_status nw_buf_reserve(struct nw_buf *buf, size_t extra)
{
    return reserve(buf, extra);
}

enum nw_status nw_buf_append(struct nw_buf *buf, const void *data, size_t len)
{
    enum nw_status result = reserve(buf, len);

    if (result)
        return result;
    if (len)
        memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return NW_OK;
}

enum nw_status nw_buf_puts(struct nw_buf *buf, const char *s)
{
    return nw_buf_append(buf, s, strlen(s));
}

enum nw_status nw_buf_putc(struct nw_buf *buf, char c)
{
    return nw_buf_append(buf, &c, 1);
}

enum nw_status nw_buf_vprintf(struct nw_buf *buf, const char *fmt, va_list ap)
{
    enum nw_status result;
    va_list copy;
    int n;

    va_copy(copy, ap);
    n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return NW_EINVAL;
    result = reserve(buf, (size_t)n);
    if (result)
        return result;
    vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
    buf->len += (size_t)n;
    return NW_OK;
}

enum nw_status nw_buf_printf(struct nw_buf *buf, const char *fmt, ...)
{
    enum nw_status result;
    va_list ap;

    va_start(ap, fmt);
    result = nw_buf_vprintf(buf, fmt, ap);
    va_end(ap);
    return result;
}

void nw_buf_truncate(struct nw_buf *buf, size_t new_len)
{
    if (new_len < buf->len) {
        buf->len = new_len;
        buf->data[new_len] = '\0';
    }
}

const char *nw_buf_str(const struct nw_buf *buf)
{
    return buf->data ? buf->data : "";
}

char *nw_buf_detach(struct nw_buf *buf, size_t *len_out)
{
    char *data = buf->data;
    size_t len = buf->len;

    if (!data) {
        data = nw_strdup("");
        if (!data)
            return NULL;
    }
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    if (len_out)
        *len_out = len;
    return data;
}
