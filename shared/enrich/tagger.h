/*
 * tagger.h — a statistical named-entity tagger for English: a linear model over sparse
 * features (the word, its lower-case form, shape, prefixes and suffixes, the words and
 * shapes around it, the two previous tags, gazetteer matches, and what the document says
 * of the word elsewhere: seen in lower case, seen capitalized inside a sentence), decoded
 * greedily left to right with BIO constraints. Tags are BIO over PER, ORG, LOC and MISC.
 *
 * The weights come from a model file written by tests/tools/nw_train_ner.c (liblinear,
 * trained on the CoNLL-2003 English train part). The model committed in the repository
 * is built into the binary (nw_tagger_load_default); a file given by path replaces it.
 * A model is read-only after loading: one may serve many threads.
 *
 * Feature extraction is shared by the trainer and the tagger, so both see the same
 * features for the same tokens.
 */
#ifndef NW_TAGGER_H
#define NW_TAGGER_H

#include <stddef.h>
#include <stdint.h>

#include "gazetteer.h"
#include "status.h"

enum nw_tag {
    NW_TAG_O = 0,
    NW_TAG_B_PER,
    NW_TAG_I_PER,
    NW_TAG_B_ORG,
    NW_TAG_I_ORG,
    NW_TAG_B_LOC,
    NW_TAG_I_LOC,
    NW_TAG_B_MISC,
    NW_TAG_I_MISC,
    NW_TAG_COUNT
};

/* Token flags: NW_TAGGER_SENT_START is set by the caller, the others by
 * nw_tagger_prepare. */
enum {
    NW_TAGGER_SENT_START = 1u << 0,
    NW_TAGGER_CAPS_SENT = 1u << 1,  /* the sentence is (nearly) all upper case: a headline */
    NW_TAGGER_DOC_LOWER = 1u << 2,  /* the word occurs in lower case in the document */
    NW_TAGGER_DOC_CAPMID = 1u << 3, /* ... capitalized inside a sentence */
    NW_TAGGER_GAZ_B = 1u << 4,      /* first token of a gazetteer match */
    NW_TAGGER_GAZ_I = 1u << 5,      /* later token of a gazetteer match */
    /* bits 8..11: the kind (enum nw_gaz_kind) of the match */
};
#define NW_TAGGER_GAZ_KIND_SHIFT 8

struct nw_tagger_tok {
    const char *s; /* the token's text (not NUL-terminated) */
    uint32_t len;
    uint32_t flags;
};

struct nw_tagger;

/* The model built into the binary; NULL with a message when none was built in. */
struct nw_tagger *nw_tagger_load_default(char *errstr, size_t errstr_size);

/* A model file. NULL with a message naming the file and what is wrong with it (missing,
 * not a model, truncated, corrupt). Free with nw_tagger_destroy. */
struct nw_tagger *nw_tagger_load_file(const char *path, char *errstr, size_t errstr_size);

/* A model in memory (size bytes, copied). */
struct nw_tagger *nw_tagger_load_mem(const void *data, size_t size, char *errstr,
                                     size_t errstr_size);

void nw_tagger_destroy(struct nw_tagger *tg);

/* Number of features in the model. */
size_t nw_tagger_features_count(const struct nw_tagger *tg);

/* Sets the gazetteer, headline and document flags of v[0, n) (gaz may be NULL).
 * Returns NW_ENOMEM on allocation failure (flags then stay as they were). */
enum nw_status nw_tagger_prepare(const struct nw_gazetteer *gaz, struct nw_tagger_tok *v, size_t n);

#define NW_TAGGER_MAX_FEATURES 64

/* Writes the feature hashes of token i (given the tags of the two tokens before it,
 * -1 for none in the sentence) to out (at least NW_TAGGER_MAX_FEATURES) and returns how
 * many. */
size_t nw_tagger_features(const struct nw_tagger_tok *v, size_t n, size_t i, int p1, int p2,
                          uint32_t *out);

/* Tags v[0, n) (after nw_tagger_prepare): tags[i] is an enum nw_tag. */
void nw_tagger_tag(const struct nw_tagger *tg, const struct nw_tagger_tok *v, size_t n,
                   uint8_t *tags);

/* Writes a model file: nfeat features (hashes, all distinct and non-zero) with
 * NW_TAG_COUNT weights each (w[f * NW_TAG_COUNT + tag]). */
enum nw_status nw_tagger_write(const char *path, size_t nfeat, const uint32_t *hashes,
                               const float *w, char *errstr, size_t errstr_size);

#endif
