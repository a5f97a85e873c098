/* httpmsg.c — HTTP/1.x response messages from WARC records: parse and decode the body. */
#include "httpmsg.h"

#include <brotli/decode.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "buf.h"
#include "mem.h"

/* The end of the header block (the byte after the blank line), or NULL. */
static const char *head_end(const char *data, size_t len)
{
    const char *p = data, *end = data + (len < NW_HTTPMSG_MAX_HEAD ? len : NW_HTTPMSG_MAX_HEAD);

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return NULL;
        if (nl == p || (nl == p + 1 && p[0] == '\r'))
            return nl + 1;
        p = nl + 1;
    }
    return NULL;
}

int nw_httpmsg_status(const char *data, size_t len)
{
    size_t at;

    /* "HTTP/1.1 200", and "HTTP/2 200" as some tools write HTTP/2 exchanges. */
    if (len < 10 || memcmp(data, "HTTP/", 5) != 0 || data[5] < '0' || data[5] > '9')
        return -1;
    if (data[6] == '.' && data[7] >= '0' && data[7] <= '9')
        at = 9;
    else
        at = 7;
    if (data[at - 1] != ' ' || len < at + 3)
        return -1;
    for (size_t i = at; i < at + 3; i++)
        if (data[i] < '0' || data[i] > '9')
            return -1;
    if (data[at] == '0' ||
        (len > at + 3 && data[at + 3] != ' ' && data[at + 3] != '\r' && data[at + 3] != '\n'))
        return -1;
    return (data[at] - '0') * 100 + (data[at + 1] - '0') * 10 + (data[at + 2] - '0');
}

enum nw_status nw_httpmsg_parse(const char *data, size_t len, struct nw_httpmsg *msg, char *errstr,
                                size_t errstr_size)
{
    const char *end;
    char *p, *stop, *line_end;
    size_t head_len;
    int status;

    memset(msg, 0, sizeof(*msg));
    status = nw_httpmsg_status(data, len);
    if (status < 0)
        return nw_fail(NW_EPARSE, errstr, errstr_size,
                       "not an HTTP response: no HTTP/1.x status line");
    end = head_end(data, len);
    if (!end) {
        if (len >= NW_HTTPMSG_MAX_HEAD)
            return nw_fail(NW_ETOOBIG, errstr, errstr_size,
                           "HTTP header block larger than %zu bytes", NW_HTTPMSG_MAX_HEAD);
        return nw_fail(NW_EPARSE, errstr, errstr_size,
                       "HTTP header block without its end (truncated)");
    }
    head_len = (size_t)(end - data);
    msg->head = nw_malloc(head_len + 1);
    if (!msg->head)
        return nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
    memcpy(msg->head, data, head_len);
    msg->head[head_len] = '\0';
    msg->status = status;
    msg->body = end;
    msg->body_len = len - head_len;
    /* Fields: skip the status line, split "Name: value" lines in place. */
    p = (char *)memchr(msg->head, '\n', head_len) + 1; /* found by head_end */
    stop = msg->head + head_len;
    while (p < stop) {
        char *colon, *v, *e;
        line_end = memchr(p, '\n', (size_t)(stop - p));
        if (!line_end)
            break;
        *line_end = '\0';
        if (line_end > p && line_end[-1] == '\r')
            line_end[-1] = '\0';
        colon = strchr(p, ':');
        if (colon && colon != p && msg->n_fields < NW_HTTPMSG_MAX_FIELDS) {
            *colon = '\0';
            v = colon + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            e = v + strlen(v);
            while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
                *--e = '\0';
            msg->names[msg->n_fields] = p;
            msg->values[msg->n_fields] = v;
            msg->n_fields++;
        }
        p = line_end + 1;
    }
    return NW_OK;
}

void nw_httpmsg_fini(struct nw_httpmsg *msg)
{
    if (!msg)
        return;
    nw_free(msg->head);
    memset(msg, 0, sizeof(*msg));
}

const char *nw_httpmsg_header(const struct nw_httpmsg *msg, const char *name)
{
    for (size_t i = msg->n_fields; i-- > 0;)
        if (!strcasecmp(msg->names[i], name))
            return msg->values[i];
    return NULL;
}

/* Parses a chunk size line at *p (hex digits, optional ";ext", CRLF). -1 if malformed,
 * 0 if the line is not complete, 1 with *size and *p after the line. */
static int chunk_size(const char **p, const char *end, size_t *size)
{
    const char *q = *p;
    size_t v = 0;
    int digits = 0;

    while (q < end && (*q == ' ' || *q == '\t'))
        q++;
    for (; q < end; q++) {
        int d;
        if (*q >= '0' && *q <= '9')
            d = *q - '0';
        else if ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'f')
            d = (*q | 0x20) - 'a' + 10;
        else
            break;
        if (v > (SIZE_MAX >> 4))
            return -1;
        v = v * 16 + (size_t)d;
        digits++;
    }
    if (!digits)
        return q < end ? -1 : 0;
    {
        const char *nl = memchr(q, '\n', (size_t)(end - q));
        if (!nl)
            return nl || (size_t)(end - q) < 4096 ? 0 : -1;
        if (nl - q > 4096)
            return -1;
        *p = nl + 1;
    }
    *size = v;
    return 1;
}

enum nw_status nw_httpmsg_dechunk(const char *data, size_t len, size_t max_out, char **out,
                                  size_t *out_len, int *truncated)
{
    enum nw_status result = NW_OK;
    const char *p = data, *end = data + len;
    struct nw_buf buf;
    int chunks = 0;

    *truncated = 0;
    nw_buf_init(&buf, max_out);
    for (;;) {
        size_t size = 0, take;
        int cs = chunk_size(&p, end, &size);
        if (cs == 0) {
            *truncated = 1;
            break;
        }
        if (cs < 0) {
            if (!chunks) {
                result = NW_EPARSE;
                goto out;
            }
            *truncated = 1; /* keep what decoded before the damage */
            break;
        }
        chunks++;
        if (size == 0)
            break; /* the last chunk; trailers are not kept */
        take = size < (size_t)(end - p) ? size : (size_t)(end - p);
        if (take > buf.max - buf.len) {
            take = buf.max - buf.len;
            *truncated = 1;
        }
        result = nw_buf_append(&buf, p, take);
        if (result)
            goto out;
        if (*truncated || size > (size_t)(end - p)) {
            *truncated = 1;
            break;
        }
        p += size;
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
    }
    *out = nw_buf_detach(&buf, out_len);
    if (!*out)
        result = NW_ENOMEM;
out:
    nw_buf_fini(&buf);
    return result;
}

static voidpf zalloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return nw_calloc(items, size);
}

static void zfree(voidpf opaque, voidpf ptr)
{
    (void)opaque;
    nw_free(ptr);
}

/* gzip or zlib (window_bits 15 + 32), or raw deflate (-15), into buf up to its max. */
static enum nw_status inflate_into(const char *data, size_t len, int window_bits,
                                   struct nw_buf *buf, int *truncated)
{
    enum nw_status result = NW_OK;
    unsigned char chunk[65536];
    z_stream zs = {0};
    int zr;

    zs.zalloc = zalloc;
    zs.zfree = zfree;
    if (inflateInit2(&zs, window_bits) != Z_OK)
        return NW_ENOMEM;
    zs.next_in = (Bytef *)data;
    zs.avail_in = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);
    for (;;) {
        size_t produced, room = buf->max - buf->len;
        zs.next_out = chunk;
        zs.avail_out = sizeof(chunk);
        zr = inflate(&zs, Z_NO_FLUSH);
        if (zr == Z_MEM_ERROR) {
            result = NW_ENOMEM;
            break;
        }
        if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
            result = NW_EPARSE;
            break;
        }
        produced = sizeof(chunk) - zs.avail_out;
        if (produced > room) {
            produced = room;
            *truncated = 1;
        }
        result = nw_buf_append(buf, chunk, produced);
        if (result || *truncated || zr == Z_STREAM_END)
            break;
        if (produced == 0 && zs.avail_in == 0) {
            *truncated = 1; /* the input ended inside the stream */
            break;
        }
    }
    inflateEnd(&zs);
    return result;
}

static enum nw_status brotli_into(const char *data, size_t len, struct nw_buf *buf, int *truncated)
{
    enum nw_status result = NW_OK;
    BrotliDecoderState *st = BrotliDecoderCreateInstance(NULL, NULL, NULL);
    const uint8_t *next_in = (const uint8_t *)data;
    size_t avail_in = len;

    if (!st)
        return NW_ENOMEM;
    for (;;) {
        uint8_t chunk[65536], *next_out = chunk;
        size_t avail_out = sizeof(chunk), produced, room = buf->max - buf->len;
        BrotliDecoderResult br =
            BrotliDecoderDecompressStream(st, &avail_in, &next_in, &avail_out, &next_out, NULL);
        if (br == BROTLI_DECODER_RESULT_ERROR) {
            result = NW_EPARSE;
            break;
        }
        produced = sizeof(chunk) - avail_out;
        if (produced > room) {
            produced = room;
            *truncated = 1;
        }
        result = nw_buf_append(buf, chunk, produced);
        if (result || *truncated || br == BROTLI_DECODER_RESULT_SUCCESS)
            break;
        if (br == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
            *truncated = 1;
            break;
        }
    }
    BrotliDecoderDestroyInstance(st);
    return result;
}

/* One content coding of data into *out. */
static enum nw_status decode_coding(const char *coding, size_t coding_len, const char *data,
                                    size_t len, size_t max_out, char **out, size_t *out_len,
                                    int *truncated)
{
    enum nw_status result;
    struct nw_buf buf;

    nw_buf_init(&buf, max_out);
#define IS(name) (coding_len == strlen(name) && !strncasecmp(coding, name, coding_len))
    if (IS("gzip") || IS("x-gzip")) {
        result = inflate_into(data, len, 15 + 32, &buf, truncated);
    } else if (IS("deflate")) {
        /* "deflate" is zlib-wrapped by the RFC, raw by some servers: as browsers do,
         * try the first, then the second. */
        result = inflate_into(data, len, 15, &buf, truncated);
        if (result == NW_EPARSE && buf.len == 0) {
            *truncated = 0;
            result = inflate_into(data, len, -15, &buf, truncated);
        }
    } else if (IS("br")) {
        result = brotli_into(data, len, &buf, truncated);
    } else if (IS("identity")) {
        size_t take = len < max_out ? len : max_out;
        if (take < len)
            *truncated = 1;
        result = nw_buf_append(&buf, data, take);
    } else {
        result = NW_EUNSUPPORTED;
    }
#undef IS
    if (!result) {
        *out = nw_buf_detach(&buf, out_len);
        if (!*out)
            result = NW_ENOMEM;
    }
    nw_buf_fini(&buf);
    return result;
}

/* 1 if the comma-separated list holds token (case-insensitive). */
static int has_token(const char *list, const char *token)
{
    size_t tl = strlen(token);

    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *start = p;
        while (*p && *p != ',' && *p != ' ' && *p != '\t' && *p != ';')
            p++;
        if ((size_t)(p - start) == tl && !strncasecmp(start, token, tl))
            return 1;
        while (*p && *p != ',')
            p++;
    }
    return 0;
}

enum nw_status nw_httpmsg_body_decoded(const struct nw_httpmsg *msg, size_t max_out, char **out,
                                       size_t *out_len, int *truncated, char *errstr,
                                       size_t errstr_size)
{
    enum nw_status result = NW_OK;
    const char *te = nw_httpmsg_header(msg, "Transfer-Encoding");
    const char *ce = nw_httpmsg_header(msg, "Content-Encoding");
    char *cur = NULL;
    size_t cur_len = 0;
    int cut = 0;

    *truncated = 0;
    if (te && has_token(te, "chunked")) {
        /* Bounded by the input: dechunking never grows it. */
        result = nw_httpmsg_dechunk(msg->body, msg->body_len, msg->body_len, &cur, &cur_len, &cut);
        if (result == NW_EPARSE) {
            /* A writer that stored the body dechunked but kept the header (as some do):
             * the body is used as it is. */
            result = NW_OK;
            cut = 0;
        } else if (result) {
            return nw_fail(result, errstr, errstr_size, "chunked body: %s",
                           nw_status_message(result));
        }
        if (cut)
            *truncated = 1;
    }
    if (!cur) {
        cur = nw_malloc(msg->body_len + 1);
        if (!cur)
            return nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        memcpy(cur, msg->body, msg->body_len);
        cur[msg->body_len] = '\0';
        cur_len = msg->body_len;
    }
    if (ce) {
        /* Codings apply in the order listed: undo them from the last. At most 4. */
        const char *codings[4];
        size_t lens[4], n = 0;
        const char *p = ce;
        while (*p) {
            const char *start, *stop;
            while (*p == ' ' || *p == '\t' || *p == ',')
                p++;
            start = p;
            while (*p && *p != ',' && *p != ' ' && *p != '\t' && *p != ';')
                p++;
            stop = p;
            while (*p && *p != ',')
                p++;
            if (stop == start)
                continue;
            if (n == 4) {
                result = nw_fail(NW_EUNSUPPORTED, errstr, errstr_size,
                                 "more than 4 content codings: %.80s", ce);
                goto out;
            }
            codings[n] = start;
            lens[n] = (size_t)(stop - start);
            n++;
        }
        while (n-- > 0) {
            char *next = NULL;
            size_t next_len = 0;
            cut = 0;
            result =
                decode_coding(codings[n], lens[n], cur, cur_len, max_out, &next, &next_len, &cut);
            if (result) {
                nw_fail(result, errstr, errstr_size, "Content-Encoding %.*s: %s", (int)lens[n],
                        codings[n],
                        result == NW_EUNSUPPORTED ? "unsupported coding"
                                                  : nw_status_message(result));
                goto out;
            }
            nw_free(cur);
            cur = next;
            cur_len = next_len;
            if (cut)
                *truncated = 1;
        }
    }
    if (cur_len > max_out) {
        cur_len = max_out;
        cur[cur_len] = '\0';
        *truncated = 1;
    }
    *out = cur;
    *out_len = cur_len;
    cur = NULL;
out:
    nw_free(cur);
    return result;
}
