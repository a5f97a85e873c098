/*
 * nw_train_ner — trains the English entity tagger (shared/enrich/tagger.h) with liblinear.
 *
 *   nw_train_ner [--min-count N] [--c C] [--solver S] TRAIN.txt MODEL.out
 *
 * TRAIN.txt is CoNLL-2003 style: one "token TAG" line per token (BIO2 tags over PER,
 * ORG, LOC, MISC; extra columns between are ignored), a blank line after each sentence,
 * "-DOCSTART-" before each document. Every token becomes one training instance whose
 * features are the tagger's own (nw_tagger_features, with the gold tags of the two
 * tokens before it); features seen fewer than --min-count times (default 2) are dropped,
 * and so are features whose trained weights round to zero. The model is written in the
 * tagger's file format. Only the train part of the corpus may be given: the dev part is
 * for measuring (newsworker extract --text + score_entities.py). --heldout N keeps the last
 * N documents out of training and prints the mention-level P/R/F1 on them, for choosing
 * the options on train data alone.
 *
 * The model committed as shared/enrich/ner-en.model was made with:
 *   build/tests/nw_train_ner ../shared/eval/entities-dev/train.txt shared/enrich/ner-en.model
 */
#include <linear.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enrich/gazetteer.h"
#include "enrich/tagger.h"

#define MAX_LINE 4096

struct doc {
    size_t first, n; /* tokens [first, first + n) of the corpus */
};

static char *arena;
static size_t arena_n, arena_cap;
static struct nw_tagger_tok *toks;
static size_t ntoks, toks_cap;
static uint8_t *gold;
static size_t *tok_off; /* offset of each token's text in the arena (arena moves) */

static void die(const char *msg)
{
    fprintf(stderr, "nw_train_ner: %s\n", msg);
    exit(1);
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die("out of memory");
    return q;
}

static int tag_of(const char *s)
{
    static const char *const names[NW_TAG_COUNT] = {"O",     "B-PER", "I-PER",  "B-ORG", "I-ORG",
                                                    "B-LOC", "I-LOC", "B-MISC", "I-MISC"};
    for (int t = 0; t < NW_TAG_COUNT; t++)
        if (strcmp(s, names[t]) == 0)
            return t;
    return -1;
}

static void add_token(const char *w, size_t len, int tag, int sent_start)
{
    if (arena_n + len + 1 > arena_cap) {
        arena_cap = (arena_cap + len + 1) * 2;
        arena = xrealloc(arena, arena_cap);
    }
    if (ntoks == toks_cap) {
        toks_cap = toks_cap ? toks_cap * 2 : 4096;
        toks = xrealloc(toks, toks_cap * sizeof(*toks));
        gold = xrealloc(gold, toks_cap);
        tok_off = xrealloc(tok_off, toks_cap * sizeof(*tok_off));
    }
    memcpy(arena + arena_n, w, len);
    arena[arena_n + len] = '\0';
    tok_off[ntoks] = arena_n;
    toks[ntoks].len = (uint32_t)len;
    toks[ntoks].flags = sent_start ? NW_TAGGER_SENT_START : 0;
    gold[ntoks] = (uint8_t)tag;
    arena_n += len + 1;
    ntoks++;
}

/* feature hash -> count, then -> column (open addressing) */
struct fmap {
    uint32_t *key;
    uint32_t *val;
    size_t mask, n;
};

static void fmap_init(struct fmap *m, size_t cap)
{
    m->key = calloc(cap, sizeof(uint32_t));
    m->val = calloc(cap, sizeof(uint32_t));
    if (!m->key || !m->val)
        die("out of memory");
    m->mask = cap - 1;
    m->n = 0;
}

static uint32_t *fmap_slot(struct fmap *m, uint32_t h)
{
    size_t k = h & m->mask;
    while (m->key[k] && m->key[k] != h)
        k = (k + 1) & m->mask;
    if (!m->key[k]) {
        if (m->n * 2 > m->mask)
            die("feature table full");
        m->key[k] = h;
        m->n++;
    }
    return &m->val[k];
}

static int cmp_node(const void *a, const void *b)
{
    const struct feature_node *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

/* Mention-level precision, recall and F1 of the written model on the held-out documents
 * (exact spans and types of PER, ORG, LOC, MISC). */
static void score_heldout(const char *model_path, const struct doc *hd, size_t n, size_t total)
{
    char err[256];
    struct nw_tagger *tg = nw_tagger_load_file(model_path, err, sizeof(err));
    size_t tp = 0, npred = 0, ngold = 0;
    uint8_t *pred = malloc(total + 1);
    if (!tg || !pred)
        die(tg ? "out of memory" : err);
    for (size_t d = 0; d < n; d++) {
        const struct nw_tagger_tok *v = toks + hd[d].first;
        const uint8_t *g = gold + hd[d].first;
        size_t m = hd[d].n;
        nw_tagger_tag(tg, v, m, pred);
        for (size_t i = 0; i < m; i++) {
            int gb = g[i] != NW_TAG_O && (g[i] & 1), pb = pred[i] != NW_TAG_O && (pred[i] & 1);
            ngold += gb;
            npred += pb;
            if (gb && pb && g[i] == pred[i]) {
                size_t e = i + 1;
                while (e < m && g[e] == g[i] + 1 && pred[e] == g[i] + 1)
                    e++;
                if ((e == m || g[e] != g[i] + 1) && (e == m || pred[e] != g[i] + 1))
                    tp++;
            }
        }
    }
    double p = npred ? (double)tp / npred : 0, r = ngold ? (double)tp / ngold : 0;
    printf("heldout %zu documents: mentions gold %zu predicted %zu correct %zu: P %.4f R %.4f "
           "F1 %.4f\n",
           n, ngold, npred, tp, p, r, p + r > 0 ? 2 * p * r / (p + r) : 0);
    nw_tagger_destroy(tg);
    free(pred);
}

static void quiet(const char *s)
{
    (void)s;
}

int main(int argc, char **argv)
{
    const char *train_path = NULL, *model_path = NULL;
    unsigned min_count = 2;
    size_t heldout = 0; /* documents at the end of TRAIN kept out of training, to score on */
    double C = 0.1;
    int solver = L2R_L2LOSS_SVC_DUAL;
    char line[MAX_LINE], errstr[256];
    struct doc *docs = NULL;
    size_t ndocs = 0, docs_cap = 0;
    int sent_start = 1;
    struct nw_gazetteer *gaz;
    struct fmap fm;
    clock_t t0 = clock();
    FILE *f;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--min-count") == 0 && i + 1 < argc)
            min_count = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "--c") == 0 && i + 1 < argc)
            C = atof(argv[++i]);
        else if (strcmp(argv[i], "--solver") == 0 && i + 1 < argc)
            solver = atoi(argv[++i]);
        else if (strcmp(argv[i], "--heldout") == 0 && i + 1 < argc)
            heldout = (size_t)atol(argv[++i]);
        else if (!train_path)
            train_path = argv[i];
        else if (!model_path)
            model_path = argv[i];
        else
            train_path = NULL, i = argc;
    }
    if (!train_path || !model_path) {
        fprintf(stderr, "usage: nw_train_ner [--min-count N] [--c C] [--solver S] [--heldout N] "
                        "TRAIN.txt MODEL.out\n");
        return 2;
    }
    f = fopen(train_path, "r");
    if (!f) {
        perror(train_path);
        return 2;
    }
    while (fgets(line, sizeof(line), f)) {
        char *sp, *tag;
        size_t n = strcspn(line, "\r\n");
        int t;
        while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
            n--; /* the copy of the corpus ends its lines with a space */
        line[n] = '\0';
        if (n == 0) {
            sent_start = 1;
            continue;
        }
        if (strncmp(line, "-DOCSTART-", 10) == 0) {
            if (ndocs == docs_cap) {
                docs_cap = docs_cap ? docs_cap * 2 : 1024;
                docs = xrealloc(docs, docs_cap * sizeof(*docs));
            }
            docs[ndocs].first = ntoks;
            docs[ndocs].n = 0;
            ndocs++;
            sent_start = 1;
            continue;
        }
        sp = strchr(line, ' ');
        tag = strrchr(line, ' ');
        if (!sp || !tag || (t = tag_of(tag + 1)) < 0) {
            fprintf(stderr, "nw_train_ner: %s: bad line: %s\n", train_path, line);
            return 2;
        }
        if (ndocs == 0) {
            docs = xrealloc(docs, 1024 * sizeof(*docs));
            docs_cap = 1024;
            docs[0].first = 0;
            docs[0].n = 0;
            ndocs = 1;
        }
        add_token(line, (size_t)(sp - line), t, sent_start);
        docs[ndocs - 1].n++;
        sent_start = 0;
    }
    fclose(f);
    for (size_t i = 0; i < ntoks; i++)
        toks[i].s = arena + tok_off[i];
    fprintf(stderr, "nw_train_ner: %zu documents, %zu tokens\n", ndocs, ntoks);
    if (heldout >= ndocs)
        die("--heldout leaves no document to train on");
    size_t all_docs = ndocs, all_toks = ntoks;
    ndocs -= heldout;
    ntoks = ndocs ? docs[ndocs - 1].first + docs[ndocs - 1].n : 0;

    gaz = nw_gazetteer_create(NULL, errstr, sizeof(errstr));
    if (!gaz)
        die(errstr);
    for (size_t d = 0; d < all_docs; d++)
        if (nw_tagger_prepare(gaz, toks + docs[d].first, docs[d].n) != 0)
            die("out of memory");

    /* pass 1: count features */
    fmap_init(&fm, 1u << 23);
    for (size_t d = 0; d < ndocs; d++) {
        const struct nw_tagger_tok *v = toks + docs[d].first;
        const uint8_t *g = gold + docs[d].first;
        for (size_t i = 0; i < docs[d].n; i++) {
            uint32_t h[NW_TAGGER_MAX_FEATURES];
            int p1 = -1, p2 = -1;
            if (i > 0 && !(v[i].flags & NW_TAGGER_SENT_START)) {
                p1 = g[i - 1];
                if (i > 1 && !(v[i - 1].flags & NW_TAGGER_SENT_START))
                    p2 = g[i - 2];
            }
            size_t nf = nw_tagger_features(v, docs[d].n, i, p1, p2, h);
            for (size_t k = 0; k < nf; k++)
                (*fmap_slot(&fm, h[k]))++;
        }
    }
    /* columns for the features kept */
    uint32_t ncol = 0;
    uint32_t *col_hash = malloc((fm.n + 1) * sizeof(uint32_t));
    if (!col_hash)
        die("out of memory");
    for (size_t k = 0; k <= fm.mask; k++) {
        if (!fm.key[k])
            continue;
        if (fm.val[k] >= min_count) {
            col_hash[ncol] = fm.key[k];
            fm.val[k] = ++ncol; /* liblinear columns start at 1 */
        } else {
            fm.val[k] = 0;
        }
    }
    fprintf(stderr, "nw_train_ner: %zu features, %u kept (count >= %u)\n", fm.n, ncol, min_count);

    /* pass 2: the problem */
    struct problem prob;
    struct feature_node *nodes = malloc(ntoks * (NW_TAGGER_MAX_FEATURES + 1) * sizeof(*nodes));
    prob.l = (int)ntoks;
    prob.n = (int)ncol;
    prob.bias = -1;
    prob.y = malloc(ntoks * sizeof(double));
    prob.x = malloc(ntoks * sizeof(struct feature_node *));
    if (!nodes || !prob.y || !prob.x)
        die("out of memory");
    size_t used = 0, inst = 0;
    for (size_t d = 0; d < ndocs; d++) {
        const struct nw_tagger_tok *v = toks + docs[d].first;
        const uint8_t *g = gold + docs[d].first;
        for (size_t i = 0; i < docs[d].n; i++, inst++) {
            uint32_t h[NW_TAGGER_MAX_FEATURES];
            int p1 = -1, p2 = -1;
            struct feature_node *x = nodes + used;
            size_t m = 0;
            if (i > 0 && !(v[i].flags & NW_TAGGER_SENT_START)) {
                p1 = g[i - 1];
                if (i > 1 && !(v[i - 1].flags & NW_TAGGER_SENT_START))
                    p2 = g[i - 2];
            }
            size_t nf = nw_tagger_features(v, docs[d].n, i, p1, p2, h);
            for (size_t k = 0; k < nf; k++) {
                uint32_t c = *fmap_slot(&fm, h[k]);
                if (c)
                    x[m++] = (struct feature_node){.index = (int)c, .value = 1.0};
            }
            qsort(x, m, sizeof(*x), cmp_node);
            size_t u = 0;
            for (size_t k = 0; k < m; k++)
                if (u == 0 || x[u - 1].index != x[k].index)
                    x[u++] = x[k];
            x[u].index = -1;
            used += u + 1;
            prob.x[inst] = x;
            prob.y[inst] = g[i];
        }
    }

    struct parameter param;
    memset(&param, 0, sizeof(param));
    param.solver_type = solver;
    param.C = C;
    param.eps = 0.1;
    param.p = 0.1;
    const char *err = check_parameter(&prob, &param);
    if (err)
        die(err);
    set_print_string_function(quiet);
    struct model *model = train(&prob, &param);
    if (!model)
        die("training failed");
    int nr_class = get_nr_class(model);
    int labels[NW_TAG_COUNT];
    if (nr_class != NW_TAG_COUNT)
        die("the training data does not have every tag");
    get_labels(model, labels);

    /* weights by tag; drop features whose weights are all near zero */
    float *w = calloc((size_t)ncol * NW_TAG_COUNT, sizeof(float));
    uint32_t *keep_hash = malloc((size_t)ncol * sizeof(uint32_t));
    float maxw = 0;
    size_t kept = 0;
    if (!w || !keep_hash)
        die("out of memory");
    for (uint32_t c = 0; c < ncol; c++)
        for (int k = 0; k < nr_class; k++) {
            double x = get_decfun_coef(model, (int)c + 1, k);
            if (x > maxw || -x > maxw)
                maxw = (float)(x > 0 ? x : -x);
        }
    for (uint32_t c = 0; c < ncol; c++) {
        float row[NW_TAG_COUNT], big = 0;
        for (int k = 0; k < nr_class; k++) {
            row[labels[k]] = (float)get_decfun_coef(model, (int)c + 1, k);
            if (row[labels[k]] > big || -row[labels[k]] > big)
                big = row[labels[k]] > 0 ? row[labels[k]] : -row[labels[k]];
        }
        if (big < maxw / 2000.0f)
            continue;
        memcpy(w + kept * NW_TAG_COUNT, row, sizeof(row));
        keep_hash[kept++] = col_hash[c];
    }
    if (nw_tagger_write(model_path, kept, keep_hash, w, errstr, sizeof(errstr)) != 0)
        die(errstr);
    fprintf(stderr, "nw_train_ner: wrote %s: %zu features, %.1f s\n", model_path, kept,
            (double)(clock() - t0) / CLOCKS_PER_SEC);
    if (heldout)
        score_heldout(model_path, docs + ndocs, heldout, all_toks);
    free_and_destroy_model(&model);
    nw_gazetteer_destroy(gaz);
    free(w);
    free(keep_hash);
    free(col_hash);
    free(nodes);
    free(prob.x);
    free(prob.y);
    free(fm.key);
    free(fm.val);
    free(docs);
    free(toks);
    free(gold);
    free(tok_off);
    free(arena);
    return 0;
}
