/*
 * tagger.c — sparse features, the model file and greedy BIO decoding.
 *
 * Model file (little-endian):
 *   "NWNER01\n"                 8 bytes
 *   uint32 tags                 must be NW_TAG_COUNT
 *   uint32 nfeat
 *   float  scale                weight = int16 * scale
 *   uint32 reserved (0)
 *   nfeat x { uint32 hash; int16 w[tags]; }
 *   uint32 FNV-1a of every byte before it
 * Features are 32-bit hashes of a template number and the strings it joins; the file
 * holds no text. Loading a file checks the size and the checksum, so a truncated or
 * corrupt file is refused instead of tagging nonsense (the built-in model, the committed
 * file, is checked by the unit tests instead of at every start).
 */
#include "tagger.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"

#define NW_TAGGER_MAGIC "NWNER01\n"
#define NW_TAGGER_HEADER 24
#define NW_TAGGER_MAX_FEAT (8u << 20) /* sanity bound on nfeat */
#define NW_TAGGER_FILE_MAX (256u << 20)
#define NW_TAGGER_GAZ_SPAN 4
#define NW_TAGGER_SPAN_BYTES 128
#define NW_TAGGER_SHAPE 12
#define NW_TAGGER_AFFIX 4

#ifdef NW_NER_MODEL_FILE
/* The committed model, built into the binary: no path to get wrong at deployment. */
__asm__(".section .rodata.nw_ner_model,\"a\",@progbits\n"
        ".balign 16\n"
        ".globl nw_ner_model_start\n"
        ".hidden nw_ner_model_start\n"
        "nw_ner_model_start:\n"
        ".incbin \"" NW_NER_MODEL_FILE "\"\n"
        ".globl nw_ner_model_end\n"
        ".hidden nw_ner_model_end\n"
        "nw_ner_model_end:\n"
        ".previous\n");
extern const unsigned char nw_ner_model_start[], nw_ner_model_end[];
#endif

struct nw_tagger {
    uint32_t *keys; /* open addressing, 0 = empty */
    uint32_t *slot; /* feature index of keys[k] */
    size_t mask;
    size_t nfeat;
    int16_t *w; /* nfeat * NW_TAG_COUNT */
    float scale;
};

/* ------------------------------------------------------------------ hashing */

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

static uint32_t fnv(uint32_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= FNV_PRIME;
    }
    return h;
}

static uint32_t h_byte(uint32_t h, unsigned b)
{
    h ^= b & 0xFFu;
    return h * FNV_PRIME;
}

static uint32_t h_start(unsigned tmpl)
{
    return h_byte(FNV_OFFSET, tmpl);
}

static uint32_t h_lower(uint32_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        h ^= c;
        h *= FNV_PRIME;
    }
    return h;
}

static uint32_t h_end(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x7feb352du;
    h ^= h >> 15;
    h *= 0x846ca68bu;
    h ^= h >> 16;
    return h ? h : 1;
}

/* ------------------------------------------------------------------ token facts */

static int is_upper_ascii(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static int is_lower_ascii(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

/* First letter upper case (ASCII), or a non-ASCII first byte followed by... treated as
 * capitalized when the token has no lower-case ASCII letter first. */
static int tok_cap(const struct nw_tagger_tok *t)
{
    for (uint32_t i = 0; i < t->len; i++) {
        unsigned char c = (unsigned char)t->s[i];
        if (is_upper_ascii(c))
            return 1;
        if (is_lower_ascii(c))
            return 0;
        if (c >= 0x80)
            return (c == 0xC3 && i + 1 < t->len && (unsigned char)t->s[i + 1] < 0x9F);
    }
    return 0;
}

static int tok_has_lower(const struct nw_tagger_tok *t)
{
    for (uint32_t i = 0; i < t->len; i++)
        if (is_lower_ascii((unsigned char)t->s[i]))
            return 1;
    return 0;
}

static int tok_has_upper(const struct nw_tagger_tok *t)
{
    for (uint32_t i = 0; i < t->len; i++)
        if (is_upper_ascii((unsigned char)t->s[i]))
            return 1;
    return 0;
}

static int tok_has_letter(const struct nw_tagger_tok *t)
{
    for (uint32_t i = 0; i < t->len; i++) {
        unsigned char c = (unsigned char)t->s[i];
        if (is_upper_ascii(c) || is_lower_ascii(c) || c >= 0x80)
            return 1;
    }
    return 0;
}

/* Word shape: X x d and punctuation, runs collapsed ("Xx", "X.X.", "d-d"). */
static size_t shape(const struct nw_tagger_tok *t, char *out)
{
    size_t k = 0;
    for (uint32_t i = 0; i < t->len && k < NW_TAGGER_SHAPE; i++) {
        unsigned char c = (unsigned char)t->s[i];
        char m;
        if (is_upper_ascii(c))
            m = 'X';
        else if (is_lower_ascii(c))
            m = 'x';
        else if (c >= '0' && c <= '9')
            m = 'd';
        else if (c >= 0xC0)
            m = 'u';
        else if (c >= 0x80)
            continue; /* continuation byte */
        else
            m = (char)c;
        if (k > 0 && out[k - 1] == m)
            continue;
        out[k++] = m;
    }
    return k;
}

/* ------------------------------------------------------------------ prepare */

struct hset {
    uint32_t *v;
    size_t mask;
};

static enum nw_status hset_init(struct hset *s, size_t n)
{
    size_t cap = 64;
    while (cap < 2 * n + 16)
        cap *= 2;
    s->v = nw_calloc(cap, sizeof(*s->v));
    s->mask = cap - 1;
    return s->v ? NW_OK : NW_ENOMEM;
}

static void hset_put(struct hset *s, uint32_t h)
{
    size_t k = h & s->mask;
    while (s->v[k] && s->v[k] != h)
        k = (k + 1) & s->mask;
    s->v[k] = h;
}

static int hset_has(const struct hset *s, uint32_t h)
{
    size_t k = h & s->mask;
    while (s->v[k]) {
        if (s->v[k] == h)
            return 1;
        k = (k + 1) & s->mask;
    }
    return 0;
}

static uint32_t word_key(const struct nw_tagger_tok *t)
{
    return h_end(h_lower(FNV_OFFSET, t->s, t->len));
}

static int is_joiner(const struct nw_tagger_tok *t)
{
    static const char *const j[] = {"of", "and", "de", "del", "la", "upon", "on"};
    for (size_t k = 0; k < sizeof(j) / sizeof(j[0]); k++)
        if (t->len == strlen(j[k]) && memcmp(t->s, j[k], t->len) == 0)
            return 1;
    return 0;
}

static void mark_gazetteer(const struct nw_gazetteer *gaz, struct nw_tagger_tok *v, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t found = 0;
        int kind = 0;
        if (!tok_cap(&v[i]) || !tok_has_letter(&v[i])) {
            i++;
            continue;
        }
        for (size_t len = NW_TAGGER_GAZ_SPAN; len >= 1 && !found; len--) {
            char buf[NW_TAGGER_SPAN_BYTES];
            size_t k = 0, j;
            int hits[4], ok = 1;
            if (i + len > n)
                continue;
            for (j = i; j < i + len && ok; j++) {
                if (j > i && (v[j].flags & NW_TAGGER_SENT_START))
                    ok = 0;
                else if (!tok_cap(&v[j]) && !(j > i && j + 1 < i + len && is_joiner(&v[j])))
                    ok = 0;
                else if (k + v[j].len + 1 >= sizeof(buf))
                    ok = 0;
                else {
                    if (j > i)
                        buf[k++] = ' ';
                    memcpy(buf + k, v[j].s, v[j].len);
                    k += v[j].len;
                }
            }
            if (!ok)
                continue;
            if (nw_gazetteer_lookup(gaz, buf, k, hits, 4) > 0) {
                const struct nw_gaz_entry *e = nw_gazetteer_entry(gaz, hits[0]);
                found = len;
                kind = e ? e->kind : 0;
            }
        }
        if (!found) {
            i++;
            continue;
        }
        for (size_t j = i; j < i + found; j++)
            v[j].flags |= (j == i ? NW_TAGGER_GAZ_B : NW_TAGGER_GAZ_I) |
                          ((uint32_t)kind << NW_TAGGER_GAZ_KIND_SHIFT);
        i += found;
    }
}

enum nw_status nw_tagger_prepare(const struct nw_gazetteer *gaz, struct nw_tagger_tok *v, size_t n)
{
    enum nw_status result = NW_OK;
    struct hset lower = {0}, capmid = {0};
    size_t i, s;

    for (i = 0; i < n; i++)
        v[i].flags &= NW_TAGGER_SENT_START;
    /* headlines: sentences whose words are (nearly) all upper case */
    for (s = 0; s < n;) {
        size_t e = s + 1, words = 0, upper = 0;
        while (e < n && !(v[e].flags & NW_TAGGER_SENT_START))
            e++;
        for (i = s; i < e; i++)
            if (tok_has_letter(&v[i]) && (tok_has_upper(&v[i]) || tok_has_lower(&v[i]))) {
                words++;
                upper += !tok_has_lower(&v[i]);
            }
        if (words >= 2 && upper * 4 >= words * 3)
            for (i = s; i < e; i++)
                v[i].flags |= NW_TAGGER_CAPS_SENT;
        s = e;
    }
    if ((result = hset_init(&lower, n)) != NW_OK || (result = hset_init(&capmid, n)) != NW_OK)
        goto out;
    for (i = 0; i < n; i++) {
        if (!tok_has_letter(&v[i]))
            continue;
        if (!tok_has_upper(&v[i]))
            hset_put(&lower, word_key(&v[i]));
        else if (tok_cap(&v[i]) && tok_has_lower(&v[i]) &&
                 !(v[i].flags & (NW_TAGGER_SENT_START | NW_TAGGER_CAPS_SENT)))
            hset_put(&capmid, word_key(&v[i]));
    }
    for (i = 0; i < n; i++) {
        uint32_t k;
        if (!tok_has_upper(&v[i]))
            continue;
        k = word_key(&v[i]);
        if (hset_has(&lower, k))
            v[i].flags |= NW_TAGGER_DOC_LOWER;
        if (hset_has(&capmid, k))
            v[i].flags |= NW_TAGGER_DOC_CAPMID;
    }
    if (gaz)
        mark_gazetteer(gaz, v, n);
out:
    nw_free(lower.v);
    nw_free(capmid.v);
    return result;
}

/* ------------------------------------------------------------------ features */

enum {
    T_BIAS = 1,
    T_W,
    T_LW,
    T_SHAPE,
    T_PRE, /* + length */
    T_SUF = T_PRE + 8,
    T_LW_M1 = T_SUF + 8,
    T_LW_P1,
    T_LW_M2,
    T_LW_P2,
    T_SH_M1,
    T_SH_P1,
    T_BI_M1,
    T_BI_P1,
    T_SH3,
    T_P1,
    T_P2P1,
    T_P1_LW,
    T_P1_SH,
    T_DOC,
    T_DOC_SH,
    T_CAPS_LW,
    T_GAZ,
    T_GAZ_M1,
    T_GAZ_P1,
    T_GAZ_LW,
    T_LEN,
};

static const struct nw_tagger_tok boundary_before = {"<S>", 3, 0};
static const struct nw_tagger_tok boundary_after = {"</S>", 4, 0};

static const struct nw_tagger_tok *neighbour(const struct nw_tagger_tok *v, size_t n, size_t i,
                                             int d)
{
    if (d < 0) {
        size_t back = (size_t)(-d);
        for (size_t k = 0; k < back; k++)
            if (i - k == 0 || (v[i - k].flags & NW_TAGGER_SENT_START))
                return &boundary_before;
        return &v[i - back];
    }
    for (size_t k = 1; k <= (size_t)d; k++)
        if (i + k >= n || (v[i + k].flags & NW_TAGGER_SENT_START))
            return &boundary_after;
    return &v[i + (size_t)d];
}

static uint32_t gaz_code(const struct nw_tagger_tok *t)
{
    uint32_t f = t->flags;
    if (!(f & (NW_TAGGER_GAZ_B | NW_TAGGER_GAZ_I)))
        return 0;
    return ((f >> NW_TAGGER_GAZ_KIND_SHIFT) & 0xF) * 2 + ((f & NW_TAGGER_GAZ_B) ? 1 : 2);
}

size_t nw_tagger_features(const struct nw_tagger_tok *v, size_t n, size_t i, int p1, int p2,
                          uint32_t *out)
{
    const struct nw_tagger_tok *t = &v[i];
    const struct nw_tagger_tok *m1 = neighbour(v, n, i, -1), *m2 = neighbour(v, n, i, -2);
    const struct nw_tagger_tok *q1 = neighbour(v, n, i, 1), *q2 = neighbour(v, n, i, 2);
    char sh[NW_TAGGER_SHAPE], shm[NW_TAGGER_SHAPE], shp[NW_TAGGER_SHAPE];
    size_t shn = shape(t, sh), shmn = shape(m1, shm), shpn = shape(q1, shp);
    size_t k = 0;
    uint32_t h, doc;
    unsigned caps = (t->flags & NW_TAGGER_CAPS_SENT) ? 1 : 0;

    out[k++] = h_end(h_start(T_BIAS));
    out[k++] = h_end(fnv(h_start(T_W), t->s, t->len));
    out[k++] = h_end(h_lower(h_start(T_LW), t->s, t->len));
    out[k++] = h_end(fnv(h_byte(h_start(T_SHAPE), caps), sh, shn));
    for (size_t a = 1; a <= NW_TAGGER_AFFIX && a < t->len; a++) {
        out[k++] = h_end(h_lower(h_start(T_PRE + (unsigned)a), t->s, a));
        out[k++] = h_end(h_lower(h_start(T_SUF + (unsigned)a), t->s + t->len - a, a));
    }
    out[k++] = h_end(h_lower(h_start(T_LW_M1), m1->s, m1->len));
    out[k++] = h_end(h_lower(h_start(T_LW_P1), q1->s, q1->len));
    out[k++] = h_end(h_lower(h_start(T_LW_M2), m2->s, m2->len));
    out[k++] = h_end(h_lower(h_start(T_LW_P2), q2->s, q2->len));
    out[k++] = h_end(fnv(h_start(T_SH_M1), shm, shmn));
    out[k++] = h_end(fnv(h_start(T_SH_P1), shp, shpn));
    h = h_lower(h_start(T_BI_M1), m1->s, m1->len);
    out[k++] = h_end(h_lower(h_byte(h, 0x1F), t->s, t->len));
    h = h_lower(h_start(T_BI_P1), t->s, t->len);
    out[k++] = h_end(h_lower(h_byte(h, 0x1F), q1->s, q1->len));
    h = fnv(h_start(T_SH3), shm, shmn);
    h = fnv(h_byte(h, 0x1F), sh, shn);
    out[k++] = h_end(fnv(h_byte(h, 0x1F), shp, shpn));
    out[k++] = h_end(h_byte(h_start(T_P1), (unsigned)(p1 + 1)));
    out[k++] = h_end(h_byte(h_byte(h_start(T_P2P1), (unsigned)(p2 + 1)), (unsigned)(p1 + 1)));
    out[k++] = h_end(h_lower(h_byte(h_start(T_P1_LW), (unsigned)(p1 + 1)), t->s, t->len));
    out[k++] = h_end(fnv(h_byte(h_start(T_P1_SH), (unsigned)(p1 + 1)), sh, shn));
    doc = ((t->flags & NW_TAGGER_SENT_START) ? 1u : 0u) | (caps << 1) |
          ((t->flags & NW_TAGGER_DOC_LOWER) ? 4u : 0u) |
          ((t->flags & NW_TAGGER_DOC_CAPMID) ? 8u : 0u);
    out[k++] = h_end(h_byte(h_start(T_DOC), doc));
    out[k++] = h_end(fnv(h_byte(h_start(T_DOC_SH), doc), sh, shn));
    if (caps)
        out[k++] = h_end(h_lower(h_start(T_CAPS_LW), t->s, t->len));
    out[k++] = h_end(h_byte(h_start(T_GAZ), gaz_code(t)));
    out[k++] = h_end(h_byte(h_byte(h_start(T_GAZ_M1), gaz_code(m1)), gaz_code(t)));
    out[k++] = h_end(h_byte(h_byte(h_start(T_GAZ_P1), gaz_code(q1)), gaz_code(t)));
    if (gaz_code(t))
        out[k++] = h_end(h_lower(h_byte(h_start(T_GAZ_LW), gaz_code(t)), t->s, t->len));
    out[k++] = h_end(h_byte(h_start(T_LEN), t->len > 12 ? 12 : t->len));
    return k;
}

/* ------------------------------------------------------------------ model */

static const int32_t *find(const struct nw_tagger *tg, uint32_t h, size_t *idx)
{
    size_t k = h & tg->mask;
    while (tg->keys[k]) {
        if (tg->keys[k] == h) {
            *idx = tg->slot[k];
            return (const int32_t *)1;
        }
        k = (k + 1) & tg->mask;
    }
    return NULL;
}

/* Could token t begin a name: an upper-case ASCII letter or a non-ASCII byte in it? */
static int starts_name(const struct nw_tagger_tok *t)
{
    for (uint32_t i = 0; i < t->len; i++) {
        unsigned char c = (unsigned char)t->s[i];
        if (is_upper_ascii(c) || c >= 0x80)
            return 1;
    }
    return 0;
}

static int allowed(int prev, int tag)
{
    if (tag == NW_TAG_I_PER || tag == NW_TAG_I_ORG || tag == NW_TAG_I_LOC || tag == NW_TAG_I_MISC)
        return prev == tag || prev == tag - 1;
    return 1;
}

void nw_tagger_tag(const struct nw_tagger *tg, const struct nw_tagger_tok *v, size_t n,
                   uint8_t *tags)
{
    uint32_t f[NW_TAGGER_MAX_FEATURES];
    for (size_t i = 0; i < n; i++) {
        int p1 = -1, p2 = -1, best = NW_TAG_O;
        int32_t score[NW_TAG_COUNT] = {0};
        size_t nf;
        if (!(v[i].flags & NW_TAGGER_SENT_START) && i > 0) {
            p1 = tags[i - 1];
            if (!(v[i - 1].flags & NW_TAGGER_SENT_START) && i > 1)
                p2 = tags[i - 2];
        }
        /* a name starts with a capital (or a letter beyond ASCII): outside a name, a
         * token without one is O, and most of a text is such tokens */
        if ((p1 == -1 || p1 == NW_TAG_O) && !starts_name(&v[i])) {
            tags[i] = NW_TAG_O;
            continue;
        }
        nf = nw_tagger_features(v, n, i, p1, p2, f);
        for (size_t k = 0; k < nf; k++) {
            size_t idx;
            if (find(tg, f[k], &idx)) {
                const int16_t *w = &tg->w[idx * NW_TAG_COUNT];
                for (int t = 0; t < NW_TAG_COUNT; t++)
                    score[t] += w[t];
            }
        }
        for (int t = 1; t < NW_TAG_COUNT; t++)
            if (allowed(p1, t) && score[t] > score[best])
                best = t;
        tags[i] = (uint8_t)best;
    }
}

size_t nw_tagger_features_count(const struct nw_tagger *tg)
{
    return tg ? tg->nfeat : 0;
}

void nw_tagger_destroy(struct nw_tagger *tg)
{
    if (!tg)
        return;
    nw_free(tg->keys);
    nw_free(tg->slot);
    nw_free(tg->w);
    nw_free(tg);
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* verify: check the checksum (a model read at run time). The built-in model is the
 * committed file, whose checksum test_tagger checks: summing its 1.4 MB at every start
 * would be a sixth of the start-up's own instructions. */
static struct nw_tagger *parse(const unsigned char *p, size_t size, const char *what, int verify,
                               char *errstr, size_t errstr_size)
{
    struct nw_tagger *tg = NULL;
    uint32_t ntags, nfeat, scale_bits;
    size_t rec = 4 + 2 * NW_TAG_COUNT, cap = 16;
    float scale;

    if (size < NW_TAGGER_HEADER + 4 || memcmp(p, NW_TAGGER_MAGIC, 8) != 0) {
        nw_fail(NW_EINVAL, errstr, errstr_size, "%s: not a newsworker tagger model", what);
        return NULL;
    }
    ntags = rd32(p + 8);
    nfeat = rd32(p + 12);
    scale_bits = rd32(p + 16);
    memcpy(&scale, &scale_bits, sizeof(scale));
    if (ntags != NW_TAG_COUNT || nfeat == 0 || nfeat > NW_TAGGER_MAX_FEAT || !isfinite(scale) ||
        scale <= 0) {
        nw_fail(NW_EINVAL, errstr, errstr_size, "%s: bad model header (%u tags, %u features)", what,
                ntags, nfeat);
        return NULL;
    }
    if (size != NW_TAGGER_HEADER + (size_t)nfeat * rec + 4) {
        nw_fail(NW_EINVAL, errstr, errstr_size,
                "%s: model is %zu bytes, its header says %zu (truncated or corrupt)", what, size,
                NW_TAGGER_HEADER + (size_t)nfeat * rec + 4);
        return NULL;
    }
    if (verify && fnv(FNV_OFFSET, p, size - 4) != rd32(p + size - 4)) {
        nw_fail(NW_EINVAL, errstr, errstr_size, "%s: model checksum mismatch (corrupt file)", what);
        return NULL;
    }
    tg = nw_calloc(1, sizeof(*tg));
    while (cap < 2 * (size_t)nfeat)
        cap *= 2;
    if (!tg || !(tg->keys = nw_calloc(cap, sizeof(uint32_t))) ||
        !(tg->slot = nw_calloc(cap, sizeof(uint32_t))) ||
        !(tg->w = nw_calloc((size_t)nfeat * NW_TAG_COUNT, sizeof(int16_t)))) {
        nw_tagger_destroy(tg);
        nw_fail(NW_ENOMEM, errstr, errstr_size, "%s: out of memory loading the model", what);
        return NULL;
    }
    tg->mask = cap - 1;
    tg->nfeat = nfeat;
    tg->scale = scale;
    for (size_t f = 0; f < nfeat; f++) {
        const unsigned char *r = p + NW_TAGGER_HEADER + f * rec;
        uint32_t h = rd32(r);
        size_t k = h & tg->mask;
        if (h == 0) {
            nw_tagger_destroy(tg);
            nw_fail(NW_EINVAL, errstr, errstr_size, "%s: bad feature record %zu", what, f);
            return NULL;
        }
        while (tg->keys[k] && tg->keys[k] != h)
            k = (k + 1) & tg->mask;
        tg->keys[k] = h;
        tg->slot[k] = (uint32_t)f;
        for (int t = 0; t < NW_TAG_COUNT; t++)
            tg->w[f * NW_TAG_COUNT + (size_t)t] =
                (int16_t)(uint16_t)(r[4 + 2 * t] | (unsigned)r[5 + 2 * t] << 8);
    }
    return tg;
}

struct nw_tagger *nw_tagger_load_mem(const void *data, size_t size, char *errstr,
                                     size_t errstr_size)
{
    return parse(data, size, "model", 1, errstr, errstr_size);
}

struct nw_tagger *nw_tagger_load_default(char *errstr, size_t errstr_size)
{
#ifdef NW_NER_MODEL_FILE
    return parse(nw_ner_model_start, (size_t)(nw_ner_model_end - nw_ner_model_start),
                 "built-in model", 0, errstr, errstr_size);
#else
    nw_fail(NW_EINVAL, errstr, errstr_size, "no tagger model was built in");
    return NULL;
#endif
}

struct nw_tagger *nw_tagger_load_file(const char *path, char *errstr, size_t errstr_size)
{
    struct nw_tagger *tg = NULL;
    unsigned char *data = NULL;
    FILE *f = fopen(path, "rb");
    long size;

    if (!f) {
        nw_fail(NW_EIO, errstr, errstr_size, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        nw_fail(NW_EIO, errstr, errstr_size, "%s: cannot read", path);
        goto out;
    }
    if ((unsigned long)size > NW_TAGGER_FILE_MAX) {
        nw_fail(NW_EINVAL, errstr, errstr_size, "%s: %ld bytes is too large for a model", path,
                size);
        goto out;
    }
    data = nw_malloc((size_t)size + 1);
    if (!data) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "%s: out of memory", path);
        goto out;
    }
    if (fread(data, 1, (size_t)size, f) != (size_t)size) {
        nw_fail(NW_EIO, errstr, errstr_size, "%s: short read", path);
        goto out;
    }
    tg = parse(data, (size_t)size, path, 1, errstr, errstr_size);
out:
    nw_free(data);
    fclose(f);
    return tg;
}

enum nw_status nw_tagger_write(const char *path, size_t nfeat, const uint32_t *hashes,
                               const float *w, char *errstr, size_t errstr_size)
{
    enum nw_status result = NW_OK;
    size_t rec = 4 + 2 * NW_TAG_COUNT, size = NW_TAGGER_HEADER + nfeat * rec + 4;
    unsigned char *buf = nw_calloc(1, size);
    float maxw = 0, scale;
    uint32_t bits;
    FILE *f = NULL;

    if (!buf)
        return nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
    for (size_t i = 0; i < nfeat * NW_TAG_COUNT; i++)
        if (fabsf(w[i]) > maxw)
            maxw = fabsf(w[i]);
    scale = maxw > 0 ? maxw / 32767.0f : 1.0f;
    memcpy(buf, NW_TAGGER_MAGIC, 8);
    wr32(buf + 8, NW_TAG_COUNT);
    wr32(buf + 12, (uint32_t)nfeat);
    memcpy(&bits, &scale, sizeof(bits));
    wr32(buf + 16, bits);
    for (size_t i = 0; i < nfeat; i++) {
        unsigned char *r = buf + NW_TAGGER_HEADER + i * rec;
        wr32(r, hashes[i]);
        for (int t = 0; t < NW_TAG_COUNT; t++) {
            long q = lroundf(w[i * NW_TAG_COUNT + (size_t)t] / scale);
            uint16_t u = (uint16_t)(int16_t)(q > 32767 ? 32767 : q < -32767 ? -32767 : q);
            r[4 + 2 * t] = (unsigned char)u;
            r[5 + 2 * t] = (unsigned char)(u >> 8);
        }
    }
    wr32(buf + size - 4, fnv(FNV_OFFSET, buf, size - 4));
    f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, size, f) != size) {
        result = nw_fail(NW_EIO, errstr, errstr_size, "%s: %s", path, strerror(errno));
        goto out;
    }
out:
    if (f && fclose(f) != 0 && result == NW_OK)
        result = nw_fail(NW_EIO, errstr, errstr_size, "%s: %s", path, strerror(errno));
    nw_free(buf);
    return result;
}
