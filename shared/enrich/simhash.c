/* simhash.c — SimHash over word 3-grams with FNV-1a feature hashes. */
#include "simhash.h"

#define NW_SIMHASH_NGRAM 3

static int is_word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* FNV-1a of one lower-cased word, finished with a 64-bit mixer so that similar words
 * spread over all bits. */
static uint64_t word_hash(const unsigned char *w, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = w[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static void add_feature(int32_t v[64], uint64_t f)
{
    for (int b = 0; b < 64; b++)
        v[b] += (f >> b) & 1 ? 1 : -1;
}

uint64_t nw_simhash_compute(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    int32_t v[64] = {0};
    uint64_t window[NW_SIMHASH_NGRAM] = {0};
    size_t nwords = 0, i = 0;
    uint64_t out = 0;

    if (!text)
        return 0;
    if (len > NW_SIMHASH_MAX_SCAN)
        len = NW_SIMHASH_MAX_SCAN;
    while (i < len) {
        size_t start;
        if (!is_word_byte(s[i])) {
            i++;
            continue;
        }
        start = i;
        while (i < len && is_word_byte(s[i]))
            i++;
        window[nwords % NW_SIMHASH_NGRAM] = word_hash(s + start, i - start);
        nwords++;
        if (nwords >= NW_SIMHASH_NGRAM) {
            uint64_t f = 0;
            /* order matters: combine the window oldest first */
            for (size_t k = 0; k < NW_SIMHASH_NGRAM; k++)
                f = mix64(f ^ window[(nwords + k) % NW_SIMHASH_NGRAM]);
            add_feature(v, f);
        }
    }
    if (nwords > 0 && nwords < NW_SIMHASH_NGRAM) {
        /* too short for one n-gram: use the words themselves */
        for (size_t k = 0; k < nwords; k++)
            add_feature(v, mix64(window[k]));
    }
    for (int b = 0; b < 64; b++)
        if (v[b] > 0)
            out |= 1ULL << b;
    return out;
}

void nw_simhash_hex(uint64_t hash, char out[17])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++)
        out[i] = digits[(hash >> (60 - 4 * i)) & 0xF];
    out[16] = '\0';
}

int nw_simhash_distance(uint64_t a, uint64_t b)
{
    uint64_t x = a ^ b;
    int n = 0;
    while (x) {
        x &= x - 1;
        n++;
    }
    return n;
}
