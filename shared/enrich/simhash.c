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

/* Per-bit counts of set bits over the features, eight at a time: acc[k] holds, in byte
 * lane j, how many features had bit 8j+k set since the last flush. A lane overflows after
 * 255 features, so the lanes are flushed into 32-bit counters before that. */
struct bitcount {
    uint64_t acc[8];
    uint32_t ones[64];
    uint32_t pending;
    uint32_t total;
};

static void flush(struct bitcount *bc)
{
    for (int k = 0; k < 8; k++) {
        uint64_t a = bc->acc[k];
        for (int j = 0; j < 8; j++)
            bc->ones[8 * j + k] += (uint32_t)((a >> (8 * j)) & 0xFF);
        bc->acc[k] = 0;
    }
    bc->pending = 0;
}

static void add_feature(struct bitcount *bc, uint64_t f)
{
    const uint64_t lanes = 0x0101010101010101ULL;
    for (int k = 0; k < 8; k++)
        bc->acc[k] += (f >> k) & lanes;
    bc->total++;
    if (++bc->pending == 255)
        flush(bc);
}

uint64_t nw_simhash_compute(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    struct bitcount bc = {{0}, {0}, 0, 0};
    uint64_t w0 = 0, w1 = 0; /* the two words before the current one */
    size_t nwords = 0, i = 0;
    uint64_t out = 0;

    if (!text)
        return 0;
    if (len > NW_SIMHASH_MAX_SCAN)
        len = NW_SIMHASH_MAX_SCAN;
    while (i < len) {
        size_t start;
        uint64_t w;
        if (!is_word_byte(s[i])) {
            i++;
            continue;
        }
        start = i;
        while (i < len && is_word_byte(s[i]))
            i++;
        w = word_hash(s + start, i - start);
        nwords++;
        if (nwords >= NW_SIMHASH_NGRAM) {
            /* order matters: rotate each word by its place in the 3-gram */
            add_feature(&bc, mix64(w0 ^ ((w1 << 21) | (w1 >> 43)) ^ ((w << 42) | (w >> 22))));
        } else if (nwords == 1) {
            w1 = w;
            continue;
        }
        w0 = w1;
        w1 = w;
    }
    if (nwords > 0 && nwords < NW_SIMHASH_NGRAM) {
        /* too short for one n-gram: use the words themselves */
        if (nwords == 2)
            add_feature(&bc, mix64(w0));
        add_feature(&bc, mix64(w1));
    }
    flush(&bc);
    /* a bit is set when more than half of the features have it */
    for (int b = 0; b < 64; b++)
        if (2 * (uint64_t)bc.ones[b] > bc.total)
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
