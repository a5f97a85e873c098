/* warc_build.c — WARC/1.1 records as gzip members, with SHA-1 base32 digests. */
#include "warc_build.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "mem.h"

void nw_warc_sha1_base32(const void *const *parts, const size_t *lens, size_t n, char out[40])
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL);
    char *o = out + 5;

    for (size_t i = 0; ok && i < n; i++)
        ok = !lens[i] || EVP_DigestUpdate(ctx, parts[i], lens[i]);
    ok = ok && EVP_DigestFinal_ex(ctx, md, &md_len) && md_len == 20;
    EVP_MD_CTX_free(ctx);
    memcpy(out, "sha1:", 5);
    if (!ok) {
        out[5] = '\0'; /* libcrypto failure only */
        return;
    }
    /* 20 bytes = 160 bits = 32 base32 digits, no padding. */
    for (size_t bit = 0; bit < 160; bit += 5) {
        size_t byte = bit / 8, shift = bit % 8;
        unsigned v = (unsigned)md[byte] << 8 | (byte + 1 < 20 ? md[byte + 1] : 0);
        *o++ = alphabet[(v >> (11 - shift)) & 31];
    }
    *o = '\0';
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

/* Deflates n parts into out as one gzip member. */
static enum nw_status gzip_parts(struct nw_buf *out, const void *const *parts, const size_t *lens,
                                 size_t n)
{
    enum nw_status result = NW_OK;
    unsigned char chunk[65536];
    z_stream zs = {0};
    int zr = Z_OK;

    zs.zalloc = zalloc;
    zs.zfree = zfree;
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NW_ENOMEM;
    for (size_t i = 0; i < n && !result; i++) {
        const unsigned char *p = parts[i];
        size_t left = lens[i];
        int last = i + 1 == n;
        do {
            uInt feed = left > (1u << 30) ? (1u << 30) : (uInt)left;
            zs.next_in = (Bytef *)p;
            zs.avail_in = feed;
            p += feed;
            left -= feed;
            do {
                zs.next_out = chunk;
                zs.avail_out = sizeof(chunk);
                zr = deflate(&zs, last && !left ? Z_FINISH : Z_NO_FLUSH);
                if (zr == Z_STREAM_ERROR) {
                    result = NW_EINTERNAL;
                    break;
                }
                result = nw_buf_append(out, chunk, sizeof(chunk) - zs.avail_out);
            } while (!result && (zs.avail_out == 0 || (last && !left && zr != Z_STREAM_END)));
        } while (!result && left);
    }
    deflateEnd(&zs);
    return result;
}

enum nw_status nw_warc_build(struct nw_buf *out, const char *type, const char *record_id,
                             const char *date, const struct nw_warc_header *fields, size_t n_fields,
                             const char *content_type, const struct nw_warc_block *block, int gzip)
{
    enum nw_status result;
    struct nw_buf head;
    char block_digest[40], payload_digest[40];
    const void *parts[4];
    size_t lens[4], start = out->len;
    size_t block_len = block->head_len + block->body_len;

    parts[0] = block->head;
    lens[0] = block->head_len;
    parts[1] = block->body;
    lens[1] = block->body_len;
    nw_warc_sha1_base32(parts, lens, 2, block_digest);
    if (block->payload_digest)
        nw_warc_sha1_base32(parts + 1, lens + 1, 1, payload_digest);
    nw_buf_init(&head, 1 << 20);
    result = nw_buf_printf(&head,
                           "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: %s\r\n"
                           "WARC-Date: %s\r\n",
                           type, record_id, date);
    for (size_t i = 0; i < n_fields && !result; i++)
        if (fields[i].value)
            result = nw_buf_printf(&head, "%s: %s\r\n", fields[i].name, fields[i].value);
    if (!result && content_type)
        result = nw_buf_printf(&head, "Content-Type: %s\r\n", content_type);
    if (!result)
        result = nw_buf_printf(&head, "WARC-Block-Digest: %s\r\n", block_digest);
    if (!result && block->payload_digest)
        result = nw_buf_printf(&head, "WARC-Payload-Digest: %s\r\n", payload_digest);
    if (!result)
        result = nw_buf_printf(&head, "Content-Length: %zu\r\n\r\n", block_len);
    if (result)
        goto out;
    parts[0] = head.data;
    lens[0] = head.len;
    parts[1] = block->head;
    lens[1] = block->head_len;
    parts[2] = block->body;
    lens[2] = block->body_len;
    parts[3] = "\r\n\r\n";
    lens[3] = 4;
    if (gzip) {
        result = gzip_parts(out, parts, lens, 4);
    } else {
        for (size_t i = 0; i < 4 && !result; i++)
            if (lens[i])
                result = nw_buf_append(out, parts[i], lens[i]);
    }
out:
    if (result)
        nw_buf_truncate(out, start);
    nw_buf_fini(&head);
    return result;
}
