/* gunzip.c — bounded inflate with zlib. */
#include "gunzip.h"

#include <zlib.h>

#include "buf.h"
#include "mem.h"

int nw_gunzip_is_gzip(const void *data, size_t len)
{
    const unsigned char *p = data;

    return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* zlib's allocations go through nw_calloc too, so fault injection reaches them. */
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

/* Inflates at most max_out bytes. Past that: with cut, keep the first max_out bytes and
 * set *truncated; without, fail with NW_ETOOBIG. */
static enum nw_status inflate_bounded(const void *data, size_t len, size_t max_out, int cut,
                                      char **out, size_t *out_len, int *truncated)
{
    enum nw_status result = NW_OK;
    unsigned char chunk[65536];
    struct nw_buf buf;
    z_stream zs = {0};
    size_t produced;
    int zr = Z_OK;

    nw_buf_init(&buf, max_out);
    zs.zalloc = zalloc;
    zs.zfree = zfree;
    /* 15 + 32: accept gzip and zlib headers. */
    zr = inflateInit2(&zs, 15 + 32);
    if (zr != Z_OK)
        return zr == Z_MEM_ERROR ? NW_ENOMEM : NW_EINTERNAL;
    zs.next_in = (Bytef *)data;
    /* Bounded: every round consumes input or produces output (capped by max_out), or ends. */
    for (;;) {
        uInt feed = len > (1u << 30) ? (1u << 30) : (uInt)len;
        if (zs.avail_in == 0 && feed) {
            zs.next_in = (Bytef *)data;
            zs.avail_in = feed;
            data = (const char *)data + feed;
            len -= feed;
        }
        zs.next_out = chunk;
        zs.avail_out = sizeof(chunk);
        zr = inflate(&zs, Z_NO_FLUSH);
        if (zr == Z_MEM_ERROR) {
            result = NW_ENOMEM;
            goto out;
        }
        if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
            result = NW_EPARSE; /* corrupt data, bad checksum, preset dictionary */
            goto out;
        }
        produced = sizeof(chunk) - zs.avail_out;
        if (cut && produced > buf.max - buf.len) {
            /* Keep what fits; the rest of the stream is not inflated at all. */
            result = nw_buf_append(&buf, chunk, buf.max - buf.len);
            if (result)
                goto out;
            *truncated = 1;
            break;
        }
        result = nw_buf_append(&buf, chunk, produced);
        if (result)
            goto out;
        if (zr == Z_STREAM_END) {
            /* Concatenated members (gzip -c a b) continue with the next one. Anything
             * else after a complete member (servers that pad with NULs) is ignored, as
             * gzip(1) does with trailing garbage. */
            if (zs.avail_in == 0 && len > 0)
                continue; /* refill, then look at the next bytes */
            if (zs.avail_in < 2 || zs.next_in[0] != 0x1f || zs.next_in[1] != 0x8b)
                break;
            if (inflateReset(&zs) != Z_OK) {
                result = NW_EPARSE;
                goto out;
            }
            continue;
        }
        if (zr == Z_BUF_ERROR && zs.avail_in == 0 && len == 0) {
            result = NW_EPARSE; /* truncated stream */
            goto out;
        }
    }
    *out = nw_buf_detach(&buf, out_len);
    if (!*out)
        result = NW_ENOMEM;
out:
    inflateEnd(&zs);
    nw_buf_fini(&buf);
    return result;
}

enum nw_status nw_gunzip(const void *data, size_t len, size_t max_out, char **out, size_t *out_len)
{
    int truncated = 0;

    return inflate_bounded(data, len, max_out, 0, out, out_len, &truncated);
}

enum nw_status nw_gunzip_head(const void *data, size_t len, size_t max_out, char **out,
                              size_t *out_len, int *truncated)
{
    *truncated = 0;
    return inflate_bounded(data, len, max_out, 1, out, out_len, truncated);
}
