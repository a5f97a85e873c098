/*
 * entities.c — persons, organizations and locations from capitalized word chunks.
 *
 * Pass 1 chunks the tokens into runs of capitalized words (joined by "of", "and", name
 * particles) and classifies each run: a leading title ("Caretaker Prime Minister") makes
 * the rest a person; an organization head word ("Council", "Fund") or a following
 * "(ACRONYM)" makes an organization; the gazetteer makes a location; two to four
 * capitalized words that are no common words make a person. Single words wait for
 * pass 2: a surname of a known person, a defined acronym, or an acronym whose letters
 * are the initials of an earlier chunk ("SIFC" for "Special Investment Facilitation
 * Council"). Subdivisions count only when their country is mentioned (or they are a
 * unique first-level name), so "Punjab" lands in the right country.
 */
#include "entities.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "strmap.h"

#define NW_ENT_CHUNK_MAX 8
#define NW_ENT_PERSON_MAX_TOKENS 4
#define NW_ENT_GAZ_SPAN 5
#define NW_ENT_GAZ_HITS 8
#define NW_ENT_WORD 48
#define NW_ENT_PENDING_MAX 4096
#define NW_ENT_CHUNKS_MAX 2048

/* The word lists, merged into one table sorted by word (byte order) so that a word's
 * memberships cost one binary search, not one per list:
 *   WF_TITLE      titles and offices before a name ("Caretaker Prime Minister")
 *   WF_CONNECTOR  words that join capitalized words into one name ("Bank of England")
 *   WF_PARTICLE   lower-case particles that may stand inside a person's name
 *   WF_ORG_HEAD   head words of organizations ("Council", "Fund")
 *   WF_STOP_CAP   capitalized words that start sentences and are never names
 *   WF_ROMAN      roman numerals, which look like acronyms */
enum {
    WF_DONE = 1 << 0,
    WF_TITLE = 1 << 1,
    WF_CONNECTOR = 1 << 2,
    WF_PARTICLE = 1 << 3,
    WF_ORG_HEAD = 1 << 4,
    WF_STOP_CAP = 1 << 5,
    WF_ROMAN = 1 << 6,
    WF_SEEN_DONE = 1 << 7,
    WF_SEEN_LOWER = 1 << 8, /* the word occurs in lower case in the text */
    WF_GAZ_DONE = 1 << 9,
    WF_GAZ_HIT = 1 << 10, /* the token alone matches the gazetteer */
};

struct listed_word {
    const char *word;
    unsigned lists;
};

static const struct listed_word listed_words[] = {
    {"&", WF_CONNECTOR},
    {"a", WF_STOP_CAP},
    {"about", WF_STOP_CAP},
    {"academy", WF_ORG_HEAD},
    {"according", WF_STOP_CAP},
    {"act", WF_STOP_CAP},
    {"acting", WF_TITLE},
    {"acts", WF_STOP_CAP},
    {"added", WF_STOP_CAP},
    {"adm", WF_TITLE},
    {"admiral", WF_TITLE},
    {"adviser", WF_TITLE},
    {"advisor", WF_TITLE},
    {"affairs", WF_TITLE},
    {"after", WF_STOP_CAP},
    {"against", WF_STOP_CAP},
    {"agencies", WF_ORG_HEAD},
    {"agency", WF_ORG_HEAD},
    {"airlines", WF_ORG_HEAD},
    {"airways", WF_ORG_HEAD},
    {"al", WF_CONNECTOR | WF_PARTICLE},
    {"all", WF_STOP_CAP},
    {"alliance", WF_ORG_HEAD},
    {"also", WF_STOP_CAP},
    {"although", WF_STOP_CAP},
    {"ambassador", WF_TITLE},
    {"among", WF_STOP_CAP},
    {"an", WF_STOP_CAP},
    {"and", WF_CONNECTOR | WF_STOP_CAP},
    {"another", WF_STOP_CAP},
    {"apr", WF_STOP_CAP},
    {"april", WF_STOP_CAP},
    {"are", WF_STOP_CAP},
    {"army", WF_ORG_HEAD},
    {"article", WF_STOP_CAP},
    {"articles", WF_STOP_CAP},
    {"as", WF_STOP_CAP},
    {"assembly", WF_ORG_HEAD},
    {"assistant", WF_TITLE},
    {"association", WF_ORG_HEAD},
    {"at", WF_STOP_CAP},
    {"attorney", WF_TITLE},
    {"aug", WF_STOP_CAP},
    {"august", WF_STOP_CAP},
    {"authority", WF_ORG_HEAD},
    {"ayatollah", WF_TITLE},
    {"bank", WF_ORG_HEAD},
    {"be", WF_STOP_CAP},
    {"because", WF_STOP_CAP},
    {"been", WF_STOP_CAP},
    {"before", WF_STOP_CAP},
    {"between", WF_STOP_CAP},
    {"bin", WF_CONNECTOR | WF_PARTICLE},
    {"bishop", WF_TITLE},
    {"bloc", WF_ORG_HEAD},
    {"board", WF_ORG_HEAD},
    {"both", WF_STOP_CAP},
    {"brigade", WF_ORG_HEAD},
    {"brigadier", WF_TITLE},
    {"bureau", WF_ORG_HEAD},
    {"but", WF_STOP_CAP},
    {"by", WF_STOP_CAP},
    {"cabinet", WF_ORG_HEAD},
    {"can", WF_STOP_CAP},
    {"capt", WF_TITLE},
    {"captain", WF_TITLE},
    {"cardinal", WF_TITLE},
    {"caretaker", WF_TITLE},
    {"center", WF_ORG_HEAD},
    {"centre", WF_ORG_HEAD},
    {"ceo", WF_TITLE},
    {"chair", WF_TITLE},
    {"chairman", WF_TITLE},
    {"chairwoman", WF_TITLE},
    {"chancellor", WF_TITLE},
    {"chief", WF_TITLE},
    {"chief-executive", WF_TITLE},
    {"club", WF_ORG_HEAD},
    {"coalition", WF_ORG_HEAD},
    {"col", WF_TITLE},
    {"college", WF_ORG_HEAD},
    {"colonel", WF_TITLE},
    {"command", WF_ORG_HEAD},
    {"commander", WF_TITLE},
    {"commerce", WF_TITLE},
    {"commission", WF_ORG_HEAD},
    {"commissioner", WF_TITLE},
    {"committee", WF_ORG_HEAD},
    {"company", WF_ORG_HEAD},
    {"congress", WF_ORG_HEAD},
    {"corp", WF_ORG_HEAD},
    {"corporation", WF_ORG_HEAD},
    {"could", WF_STOP_CAP},
    {"council", WF_ORG_HEAD},
    {"court", WF_ORG_HEAD},
    {"crown", WF_TITLE},
    {"da", WF_CONNECTOR | WF_PARTICLE},
    {"de", WF_CONNECTOR | WF_PARTICLE},
    {"dec", WF_STOP_CAP},
    {"december", WF_STOP_CAP},
    {"defence", WF_TITLE},
    {"defense", WF_TITLE},
    {"del", WF_CONNECTOR},
    {"department", WF_ORG_HEAD},
    {"deputy", WF_TITLE},
    {"der", WF_CONNECTOR | WF_PARTICLE},
    {"despite", WF_STOP_CAP},
    {"di", WF_CONNECTOR | WF_PARTICLE},
    {"did", WF_STOP_CAP},
    {"director", WF_TITLE},
    {"do", WF_STOP_CAP},
    {"does", WF_STOP_CAP},
    {"dr", WF_TITLE | WF_STOP_CAP},
    {"du", WF_CONNECTOR | WF_PARTICLE},
    {"during", WF_STOP_CAP},
    {"each", WF_STOP_CAP},
    {"earlier", WF_STOP_CAP},
    {"economic", WF_TITLE},
    {"education", WF_TITLE},
    {"el", WF_CONNECTOR | WF_PARTICLE},
    {"emir", WF_TITLE},
    {"energy", WF_TITLE},
    {"envoy", WF_TITLE},
    {"even", WF_STOP_CAP},
    {"every", WF_STOP_CAP},
    {"exchange", WF_ORG_HEAD},
    {"external", WF_TITLE},
    {"feb", WF_STOP_CAP},
    {"february", WF_STOP_CAP},
    {"federal", WF_TITLE},
    {"federation", WF_ORG_HEAD},
    {"field", WF_TITLE},
    {"finance", WF_TITLE},
    {"first", WF_STOP_CAP},
    {"for", WF_CONNECTOR | WF_STOP_CAP},
    {"forces", WF_ORG_HEAD},
    {"foreign", WF_TITLE},
    {"former", WF_TITLE},
    {"forum", WF_ORG_HEAD},
    {"foundation", WF_ORG_HEAD},
    {"friday", WF_STOP_CAP},
    {"from", WF_STOP_CAP},
    {"front", WF_ORG_HEAD},
    {"fund", WF_ORG_HEAD},
    {"gen", WF_TITLE},
    {"general", WF_TITLE},
    {"gov", WF_TITLE},
    {"governor", WF_TITLE},
    {"group", WF_ORG_HEAD},
    {"group's", WF_ORG_HEAD},
    {"guard", WF_ORG_HEAD},
    {"had", WF_STOP_CAP},
    {"has", WF_STOP_CAP},
    {"have", WF_STOP_CAP},
    {"he", WF_STOP_CAP},
    {"head", WF_TITLE},
    {"health", WF_TITLE},
    {"her", WF_STOP_CAP},
    {"herald", WF_ORG_HEAD},
    {"here", WF_STOP_CAP},
    {"his", WF_STOP_CAP},
    {"holdings", WF_ORG_HEAD},
    {"home", WF_TITLE},
    {"hospital", WF_ORG_HEAD},
    {"how", WF_STOP_CAP},
    {"however", WF_STOP_CAP},
    {"i", WF_STOP_CAP},
    {"ibn", WF_CONNECTOR | WF_PARTICLE},
    {"if", WF_STOP_CAP},
    {"ii", WF_ROMAN},
    {"iii", WF_ROMAN},
    {"in", WF_STOP_CAP},
    {"inc", WF_ORG_HEAD},
    {"industries", WF_ORG_HEAD},
    {"information", WF_TITLE},
    {"initiative", WF_ORG_HEAD},
    {"institute", WF_ORG_HEAD},
    {"institution", WF_ORG_HEAD},
    {"intelligence", WF_ORG_HEAD},
    {"interim", WF_TITLE},
    {"interior", WF_TITLE},
    {"into", WF_STOP_CAP},
    {"is", WF_STOP_CAP},
    {"it", WF_STOP_CAP},
    {"its", WF_STOP_CAP},
    {"iv", WF_ROMAN},
    {"ix", WF_ROMAN},
    {"jamiat", WF_ORG_HEAD},
    {"jan", WF_STOP_CAP},
    {"january", WF_STOP_CAP},
    {"journal", WF_ORG_HEAD},
    {"judge", WF_TITLE},
    {"jul", WF_STOP_CAP},
    {"july", WF_STOP_CAP},
    {"jun", WF_STOP_CAP},
    {"june", WF_STOP_CAP},
    {"just", WF_STOP_CAP},
    {"justice", WF_TITLE},
    {"key", WF_STOP_CAP},
    {"king", WF_TITLE},
    {"la", WF_CONNECTOR | WF_PARTICLE},
    {"laboratory", WF_ORG_HEAD},
    {"labs", WF_ORG_HEAD},
    {"lady", WF_TITLE},
    {"last", WF_STOP_CAP},
    {"later", WF_STOP_CAP},
    {"law", WF_TITLE},
    {"le", WF_CONNECTOR | WF_PARTICLE},
    {"leader", WF_TITLE},
    {"league", WF_ORG_HEAD},
    {"lieutenant", WF_TITLE},
    {"like", WF_STOP_CAP},
    {"llc", WF_ORG_HEAD},
    {"lord", WF_TITLE},
    {"lt", WF_TITLE},
    {"ltd", WF_ORG_HEAD},
    {"maj", WF_TITLE},
    {"major", WF_TITLE},
    {"many", WF_STOP_CAP},
    {"mar", WF_STOP_CAP},
    {"march", WF_STOP_CAP},
    {"marshal", WF_TITLE},
    {"may", WF_STOP_CAP},
    {"mayor", WF_TITLE},
    {"meanwhile", WF_STOP_CAP},
    {"media", WF_ORG_HEAD},
    {"minister", WF_TITLE},
    {"minister-designate", WF_TITLE},
    {"ministers", WF_TITLE},
    {"ministry", WF_ORG_HEAD},
    {"monday", WF_STOP_CAP},
    {"more", WF_STOP_CAP},
    {"most", WF_STOP_CAP},
    {"movement", WF_ORG_HEAD},
    {"mp", WF_TITLE},
    {"mr", WF_TITLE | WF_STOP_CAP},
    {"mrs", WF_TITLE | WF_STOP_CAP},
    {"ms", WF_TITLE | WF_STOP_CAP},
    {"museum", WF_ORG_HEAD},
    {"must", WF_STOP_CAP},
    {"my", WF_STOP_CAP},
    {"national", WF_TITLE},
    {"nations", WF_ORG_HEAD},
    {"navy", WF_ORG_HEAD},
    {"network", WF_ORG_HEAD},
    {"new", WF_STOP_CAP},
    {"news", WF_ORG_HEAD},
    {"next", WF_STOP_CAP},
    {"no", WF_STOP_CAP},
    {"not", WF_STOP_CAP},
    {"nov", WF_STOP_CAP},
    {"november", WF_STOP_CAP},
    {"now", WF_STOP_CAP},
    {"oct", WF_STOP_CAP},
    {"october", WF_STOP_CAP},
    {"of", WF_CONNECTOR | WF_STOP_CAP},
    {"office", WF_ORG_HEAD},
    {"officer", WF_TITLE},
    {"on", WF_CONNECTOR | WF_STOP_CAP},
    {"one", WF_STOP_CAP},
    {"only", WF_STOP_CAP},
    {"opposition", WF_TITLE},
    {"or", WF_STOP_CAP},
    {"organisation", WF_ORG_HEAD},
    {"organisations", WF_ORG_HEAD},
    {"organization", WF_ORG_HEAD},
    {"organizations", WF_ORG_HEAD},
    {"other", WF_STOP_CAP},
    {"our", WF_STOP_CAP},
    {"over", WF_STOP_CAP},
    {"overall", WF_STOP_CAP},
    {"parliament", WF_ORG_HEAD},
    {"partners", WF_ORG_HEAD},
    {"party", WF_ORG_HEAD},
    {"people", WF_STOP_CAP},
    {"petroleum", WF_TITLE},
    {"planning", WF_TITLE},
    {"plc", WF_ORG_HEAD},
    {"police", WF_ORG_HEAD},
    {"pope", WF_TITLE},
    {"post", WF_ORG_HEAD},
    {"power", WF_TITLE},
    {"premier", WF_TITLE},
    {"president", WF_TITLE},
    {"president-designate", WF_TITLE},
    {"president-elect", WF_TITLE},
    {"press", WF_ORG_HEAD},
    {"prime", WF_TITLE},
    {"prince", WF_TITLE},
    {"princess", WF_TITLE},
    {"prof", WF_TITLE},
    {"professor", WF_TITLE},
    {"programme", WF_ORG_HEAD},
    {"provincial", WF_TITLE},
    {"queen", WF_TITLE},
    {"radio", WF_ORG_HEAD},
    {"regionally", WF_STOP_CAP},
    {"rep", WF_TITLE},
    {"representative", WF_TITLE},
    {"reserve", WF_ORG_HEAD},
    {"reuters", WF_ORG_HEAD},
    {"said", WF_STOP_CAP},
    {"saturday", WF_STOP_CAP},
    {"say", WF_STOP_CAP},
    {"says", WF_STOP_CAP},
    {"school", WF_ORG_HEAD},
    {"second", WF_STOP_CAP},
    {"secretariat", WF_ORG_HEAD},
    {"secretary", WF_TITLE},
    {"secretary-general", WF_TITLE},
    {"security", WF_TITLE},
    {"sen", WF_TITLE},
    {"senate", WF_ORG_HEAD},
    {"senator", WF_TITLE},
    {"senior", WF_TITLE},
    {"sep", WF_STOP_CAP},
    {"sept", WF_STOP_CAP},
    {"september", WF_STOP_CAP},
    {"sergeant", WF_TITLE},
    {"service", WF_ORG_HEAD},
    {"she", WF_STOP_CAP},
    {"sheikh", WF_TITLE},
    {"should", WF_STOP_CAP},
    {"since", WF_STOP_CAP},
    {"sir", WF_TITLE},
    {"so", WF_STOP_CAP},
    {"society", WF_ORG_HEAD},
    {"some", WF_STOP_CAP},
    {"speaker", WF_TITLE},
    {"special", WF_TITLE},
    {"spokesman", WF_TITLE},
    {"spokesperson", WF_TITLE},
    {"spokeswoman", WF_TITLE},
    {"state", WF_TITLE},
    {"still", WF_STOP_CAP},
    {"such", WF_STOP_CAP},
    {"sunday", WF_STOP_CAP},
    {"supreme", WF_TITLE},
    {"taliban", WF_ORG_HEAD},
    {"talks", WF_STOP_CAP},
    {"tehreek", WF_ORG_HEAD},
    {"television", WF_ORG_HEAD},
    {"that", WF_STOP_CAP},
    {"the", WF_CONNECTOR | WF_STOP_CAP},
    {"their", WF_STOP_CAP},
    {"then", WF_TITLE | WF_STOP_CAP},
    {"there", WF_STOP_CAP},
    {"these", WF_STOP_CAP},
    {"they", WF_STOP_CAP},
    {"third", WF_STOP_CAP},
    {"this", WF_STOP_CAP},
    {"those", WF_STOP_CAP},
    {"though", WF_STOP_CAP},
    {"three", WF_STOP_CAP},
    {"through", WF_STOP_CAP},
    {"thursday", WF_STOP_CAP},
    {"times", WF_ORG_HEAD},
    {"to", WF_STOP_CAP},
    {"told", WF_STOP_CAP},
    {"trade", WF_TITLE},
    {"tribunal", WF_ORG_HEAD},
    {"tribune", WF_ORG_HEAD},
    {"trust", WF_ORG_HEAD},
    {"tuesday", WF_STOP_CAP},
    {"two", WF_STOP_CAP},
    {"ul", WF_CONNECTOR | WF_PARTICLE},
    {"under", WF_STOP_CAP},
    {"union", WF_ORG_HEAD},
    {"unions", WF_ORG_HEAD},
    {"university", WF_ORG_HEAD},
    {"unless", WF_STOP_CAP},
    {"until", WF_STOP_CAP},
    {"van", WF_CONNECTOR | WF_PARTICLE},
    {"vi", WF_ROMAN},
    {"vice", WF_TITLE},
    {"vii", WF_ROMAN},
    {"viii", WF_ROMAN},
    {"von", WF_CONNECTOR | WF_PARTICLE},
    {"was", WF_STOP_CAP},
    {"water", WF_TITLE},
    {"we", WF_STOP_CAP},
    {"wednesday", WF_STOP_CAP},
    {"were", WF_STOP_CAP},
    {"what", WF_STOP_CAP},
    {"when", WF_STOP_CAP},
    {"where", WF_STOP_CAP},
    {"which", WF_STOP_CAP},
    {"while", WF_STOP_CAP},
    {"who", WF_STOP_CAP},
    {"why", WF_STOP_CAP},
    {"will", WF_STOP_CAP},
    {"with", WF_STOP_CAP},
    {"within", WF_STOP_CAP},
    {"without", WF_STOP_CAP},
    {"would", WF_STOP_CAP},
    {"xi", WF_ROMAN},
    {"xii", WF_ROMAN},
    {"year", WF_STOP_CAP},
    {"years", WF_STOP_CAP},
    {"yet", WF_STOP_CAP},
    {"your", WF_STOP_CAP},
};

struct loc_cand {
    size_t a, b;
    int hits[NW_ENT_GAZ_HITS];
    size_t nhits;
};

struct pending {
    size_t a;   /* token index */
    int titled; /* came after a title: a person even if unresolved */
};

struct chunk {
    size_t a, b;
};

struct ctx {
    const struct nw_gazetteer *gaz;
    const struct nw_toks *t;
    struct nw_entities *out;
    struct nw_strmap lower;    /* words seen in lower case */
    struct nw_strmap index;    /* "type|name" -> entity */
    struct nw_strmap acronyms; /* acronym -> entity */
    struct loc_cand *locs;
    size_t nlocs, locs_cap;
    struct pending *pend;
    size_t npend, pend_cap;
    struct chunk *chunks; /* unclassified multi-word chunks, for acronym initials */
    size_t nchunks, chunks_cap;
    uint16_t *facts; /* per token, see token_facts */
    size_t ment_cap, ent_cap;
    size_t skip_until; /* tokens already consumed (an acronym definition) */
    size_t tail_end;   /* tokens an organization's "of ..." tail took (org_tail) */
};

static int cmp_listed(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const struct listed_word *)elem)->word);
}

/* The lists (WF_ bits) that word w (lower case) is in; 0 for none. */
static unsigned listed(const char *w)
{
    const struct listed_word *lw =
        bsearch(w, listed_words, sizeof(listed_words) / sizeof(listed_words[0]),
                sizeof(listed_words[0]), cmp_listed);
    return lw ? lw->lists : 0;
}

static void lower(const struct ctx *c, size_t i, char *w)
{
    nw_tok_lower(c->t, i, w, NW_ENT_WORD);
}

/* What the word lists say about token i's lower-cased word, worked out once per token.
 * The chunker, is_common_cap, classify, is_person_shape and scan_locations all ask about
 * the same capitalized words, and each used to lower-case the word again and binary-search
 * the lists with strcmp; now the first question fills c->facts[i] and the rest read it.
 * Whether the word also occurs in lower case, and whether it is a place on its own, cost
 * a hash lookup each, so they are filled separately, on first use. */

static unsigned token_facts(const struct ctx *c, size_t i)
{
    char w[NW_ENT_WORD];
    unsigned f;
    if (i >= c->t->n)
        return WF_DONE;
    f = c->facts[i];
    if (f & WF_DONE)
        return f;
    lower(c, i, w);
    f |= WF_DONE | listed(w); /* keeps the gazetteer bits, which are filled separately */
    c->facts[i] = (uint16_t)f;
    return f;
}

static int has_fact(const struct ctx *c, size_t i, unsigned fact)
{
    return (token_facts(c, i) & fact) != 0;
}

static const char *ttext(const struct ctx *c, size_t i)
{
    return c->t->text + c->t->v[i].off;
}

static int is_word(const struct ctx *c, size_t i)
{
    return i < c->t->n && (c->t->v[i].flags & NW_TOK_WORD) && !(c->t->v[i].flags & NW_TOK_NUM);
}

static int is_cap(const struct ctx *c, size_t i)
{
    return is_word(c, i) && (c->t->v[i].flags & (NW_TOK_CAP | NW_TOK_UPPER)) &&
           ttext(c, i)[0] != '\0' && !(ttext(c, i)[0] >= 'a' && ttext(c, i)[0] <= 'z');
}

static int is_acronym(const struct ctx *c, size_t i)
{
    if (!is_word(c, i) || !(c->t->v[i].flags & NW_TOK_UPPER) || c->t->v[i].base_len > 12)
        return 0;
    return !has_fact(c, i, WF_ROMAN);
}

/* Token i's lower-cased word occurs in lower case somewhere in the text. */
static int seen_lower(const struct ctx *c, size_t i)
{
    unsigned f = token_facts(c, i);
    if (i >= c->t->n)
        return 0;
    if (!(f & WF_SEEN_DONE)) {
        char w[NW_ENT_WORD];
        lower(c, i, w);
        f |= WF_SEEN_DONE;
        if (nw_strmap_get(&c->lower, w, strlen(w)) != NULL)
            f |= WF_SEEN_LOWER;
        c->facts[i] = (uint16_t)f;
    }
    return (f & WF_SEEN_LOWER) != 0;
}

/* A capitalized word that is an ordinary word here (a sentence start, a month). */
static int is_common_cap(const struct ctx *c, size_t i)
{
    if (has_fact(c, i, WF_STOP_CAP))
        return 1;
    return (c->t->v[i].flags & NW_TOK_SENT_START) && seen_lower(c, i);
}

static size_t span_end_off(const struct ctx *c, size_t b)
{
    return c->t->v[b - 1].off + c->t->v[b - 1].base_len;
}

/* Copies the text of tokens [a, b) (base form of the last) into name. */
static void span_name(const struct ctx *c, size_t a, size_t b, char *name, size_t size)
{
    size_t start = c->t->v[a].off, end = span_end_off(c, b);
    size_t n = end - start;
    size_t k = 0;
    if (n >= size)
        n = size - 1;
    /* collapse line breaks and runs of spaces */
    for (size_t i = 0; i < n; i++) {
        char ch = c->t->text[start + i];
        if (ch == '\n' || ch == '\t')
            ch = ' ';
        if (ch == ' ' && k > 0 && name[k - 1] == ' ')
            continue;
        name[k++] = ch;
    }
    name[k] = '\0';
}

static enum nw_status add_mention(struct ctx *c, int ent, size_t a, size_t b)
{
    struct nw_entities *o = c->out;
    if (o->nm >= NW_ENT_MAX_MENTIONS)
        return NW_OK;
    if (nw_grow_array((void **)&o->m, &c->ment_cap, o->nm + 1, 128, sizeof(*o->m)))
        return NW_ENOMEM;
    o->m[o->nm].tok = a;
    o->m[o->nm].tok_end = b;
    o->m[o->nm].entity = ent;
    o->nm++;
    o->v[ent].count++;
    return NW_OK;
}

/* Finds or creates the entity (type, name); -1 when full, -2 on allocation failure. */
static int entity(struct ctx *c, int type, const char *name, const char *code, size_t tok)
{
    char key[NW_ENT_NAME_MAX + 4];
    int *slot;
    struct nw_entities *o = c->out;
    struct nw_ent *e;
    int n = snprintf(key, sizeof(key), "%d|%s", type, name);
    enum nw_status r;

    if (n < 0 || (size_t)n >= sizeof(key))
        return -1;
    slot = nw_strmap_get(&c->index, key, (size_t)n);
    if (slot)
        return *slot;
    if (o->n >= NW_ENT_MAX)
        return -1;
    if (nw_grow_array((void **)&o->v, &c->ent_cap, o->n + 1, 32, sizeof(*o->v)))
        return -2;
    e = &o->v[o->n];
    memset(e, 0, sizeof(*e));
    snprintf(e->name, sizeof(e->name), "%s", name);
    snprintf(e->code, sizeof(e->code), "%s", code ? code : "");
    e->type = type;
    e->first_tok = tok;
    r = nw_strmap_put(&c->index, key, (size_t)n, (int)o->n, NULL);
    if (r == NW_ENOMEM)
        return -2;
    return (int)o->n++;
}

/* Adds a mention of entity e (as entity() returns it: -2 out of memory, -1 none) over
 * tokens [a, b); *ent_out gets e. */
static enum nw_status mention_of(struct ctx *c, int e, size_t a, size_t b, int *ent_out)
{
    if (ent_out)
        *ent_out = e;
    if (e == -2)
        return NW_ENOMEM;
    if (e < 0)
        return NW_OK;
    return add_mention(c, e, a, b);
}

static enum nw_status count(struct ctx *c, int type, const char *name, const char *code, size_t a,
                            size_t b, int *ent_out)
{
    return mention_of(c, entity(c, type, name, code, a), a, b, ent_out);
}

/* Gazetteer entries for the text of tokens [a, b). A single token is asked about by
 * classify, is_person_shape and scan_locations, usually with no match: that answer is
 * kept in c->facts, so a word is folded and looked up once (a match is looked up again
 * for its entries, which are not kept). */
static size_t gaz_lookup(const struct ctx *c, size_t a, size_t b, int *hits)
{
    size_t start = c->t->v[a].off, end = span_end_off(c, b), n;
    if (b == a + 1 && (c->facts[a] & (WF_GAZ_DONE | WF_GAZ_HIT)) == WF_GAZ_DONE)
        return 0;
    n = nw_gazetteer_lookup(c->gaz, c->t->text + start, end - start, hits, NW_ENT_GAZ_HITS);
    if (b == a + 1)
        c->facts[a] |= (uint16_t)(WF_GAZ_DONE | (n ? WF_GAZ_HIT : 0));
    return n;
}

/* Token i alone is a place (gaz_lookup(c, i, i + 1, ...) as a truth value). */
static int gaz_single(const struct ctx *c, size_t i)
{
    if (!(c->facts[i] & WF_GAZ_DONE)) {
        int hits[NW_ENT_GAZ_HITS];
        gaz_lookup(c, i, i + 1, hits);
    }
    return (c->facts[i] & WF_GAZ_HIT) != 0;
}

static enum nw_status add_loc(struct ctx *c, size_t a, size_t b, const int *hits, size_t n)
{
    struct loc_cand *l;
    if (c->nlocs >= NW_ENT_MAX_MENTIONS)
        return NW_OK;
    if (nw_grow_array((void **)&c->locs, &c->locs_cap, c->nlocs + 1, 64, sizeof(*c->locs)) != NW_OK)
        return NW_ENOMEM;
    l = &c->locs[c->nlocs++];
    l->a = a;
    l->b = b;
    l->nhits = n;
    memcpy(l->hits, hits, n * sizeof(int));
    return NW_OK;
}

static enum nw_status add_pending(struct ctx *c, size_t a, int titled)
{
    if (c->npend >= NW_ENT_PENDING_MAX)
        return NW_OK;
    if (nw_grow_array((void **)&c->pend, &c->pend_cap, c->npend + 1, 64, sizeof(*c->pend)) != NW_OK)
        return NW_ENOMEM;
    c->pend[c->npend].a = a;
    c->pend[c->npend].titled = titled;
    c->npend++;
    return NW_OK;
}

static enum nw_status add_chunk(struct ctx *c, size_t a, size_t b)
{
    if (c->nchunks >= NW_ENT_CHUNKS_MAX)
        return NW_OK;
    if (nw_grow_array((void **)&c->chunks, &c->chunks_cap, c->nchunks + 1, 64,
                      sizeof(*c->chunks)) != NW_OK)
        return NW_ENOMEM;
    c->chunks[c->nchunks].a = a;
    c->chunks[c->nchunks].b = b;
    c->nchunks++;
    return NW_OK;
}

/* Gazetteer matches inside tokens [a, b), longest first; other capitalized words wait. */
static enum nw_status scan_locations(struct ctx *c, size_t a, size_t b, int pend_titled)
{
    enum nw_status r = NW_OK;
    size_t i = a;
    while (i < b) {
        size_t len = b - i < NW_ENT_GAZ_SPAN ? b - i : NW_ENT_GAZ_SPAN, found = 0;
        int hits[NW_ENT_GAZ_HITS];
        for (; len > 0; len--) {
            size_t nh;
            if (!is_cap(c, i) || !is_cap(c, i + len - 1))
                continue;
            nh = gaz_lookup(c, i, i + len, hits);
            if (nh) {
                if ((r = add_loc(c, i, i + len, hits, nh)) != NW_OK)
                    return r;
                found = len;
                break;
            }
        }
        if (found) {
            i += found;
            continue;
        }
        if (is_cap(c, i) && !has_fact(c, i, WF_CONNECTOR) && !is_common_cap(c, i)) {
            /* a hyphenated pair of places: "Pakistan-US", "Pakistan-led" */
            const char *s = ttext(c, i);
            size_t n = c->t->v[i].base_len, p = 0, parts = 0;
            while (p < n && memchr(s, '-', n)) {
                size_t q = p;
                while (q < n && s[q] != '-')
                    q++;
                if (q > p && s[p] >= 'A' && s[p] <= 'Z') {
                    size_t nh = nw_gazetteer_lookup(c->gaz, s + p, q - p, hits, NW_ENT_GAZ_HITS);
                    if (nh && (r = add_loc(c, i, i + 1, hits, nh)) != NW_OK)
                        return r;
                    parts += nh > 0;
                }
                p = q + 1;
            }
            if (!parts && (r = add_pending(c, i, pend_titled)) != NW_OK)
                return r;
        }
        i++;
    }
    return r;
}

static int is_person_shape(const struct ctx *c, size_t a, size_t b)
{
    size_t words = 0;
    for (size_t i = a; i < b; i++) {
        unsigned f = token_facts(c, i);
        if ((f & WF_PARTICLE) && i > a && i + 1 < b)
            continue;
        if (!is_cap(c, i) || (c->t->v[i].flags & NW_TOK_UPPER) ||
            (f & (WF_STOP_CAP | WF_TITLE | WF_ORG_HEAD | WF_CONNECTOR)) || seen_lower(c, i))
            return 0;
        if (gaz_single(c, i))
            return 0;
        words++;
    }
    return words >= 2 && words <= NW_ENT_PERSON_MAX_TOKENS;
}

static int has_org_head(const struct ctx *c, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        const char *s = ttext(c, i);
        size_t n = c->t->v[i].base_len;
        if (is_cap(c, i) && has_fact(c, i, WF_ORG_HEAD))
            return 1;
        /* hyphenated heads: "Tehreek-i-Taliban" */
        for (size_t p = 0; p < n; p++)
            if (s[p] == '-') {
                char part[NW_ENT_WORD];
                size_t q = p + 1, k = 0;
                while (q < n && s[q] != '-' && k + 1 < sizeof(part)) {
                    char ch = s[q++];
                    part[k++] = (char)((ch >= 'A' && ch <= 'Z') ? ch - 'A' + 'a' : ch);
                }
                part[k] = '\0';
                if (listed(part) & WF_ORG_HEAD)
                    return 1;
            }
    }
    return 0;
}

/* Upper-case initials of the capitalized parts of tokens [a, b), hyphen parts included. */
static size_t initials(const struct ctx *c, size_t a, size_t b, char *out, size_t size)
{
    size_t k = 0;
    for (size_t i = a; i < b; i++) {
        const char *s = ttext(c, i);
        size_t n = c->t->v[i].base_len;
        for (size_t p = 0; p < n; p++) {
            if ((p == 0 || s[p - 1] == '-') && s[p] >= 'A' && s[p] <= 'Z') {
                if (k + 1 >= size)
                    return 0;
                out[k++] = s[p];
            }
        }
    }
    out[k] = '\0';
    return k;
}

/* Letters of an acronym token ("JUI-F" -> "JUIF", "U.N." -> "UN"). */
static size_t acronym_letters(const struct ctx *c, size_t i, char *out, size_t size)
{
    const char *s = ttext(c, i);
    size_t k = 0;
    for (size_t p = 0; p < c->t->v[i].base_len; p++)
        if (s[p] >= 'A' && s[p] <= 'Z') {
            if (k + 1 >= size)
                return 0;
            out[k++] = s[p];
        }
    out[k] = '\0';
    return k;
}

static enum nw_status define_acronym(struct ctx *c, size_t acr_tok, int ent)
{
    char a[16];
    size_t n = c->t->v[acr_tok].base_len;
    if (ent < 0 || n >= sizeof(a))
        return NW_OK;
    memcpy(a, ttext(c, acr_tok), n);
    a[n] = '\0';
    snprintf(c->out->v[ent].acronym, sizeof(c->out->v[ent].acronym), "%s", a);
    return nw_strmap_put(&c->acronyms, a, n, ent, NULL) == NW_ENOMEM ? NW_ENOMEM : NW_OK;
}

static enum nw_status classify(struct ctx *c, size_t a, size_t b);

static enum nw_status classify(struct ctx *c, size_t a, size_t b)
{
    enum nw_status r = NW_OK;
    char name[NW_ENT_NAME_MAX];
    int hits[NW_ENT_GAZ_HITS], ent;
    size_t i = a, nh;
    int titled = 0;

    /* leading titles: "Caretaker Prime Minister", "U.S. Secretary of State" */
    while (i < b) {
        if (has_fact(c, i, WF_TITLE) && (i + 1 < b || titled || !is_person_shape(c, i, b))) {
            titled = 1;
            i++;
        } else if (titled && has_fact(c, i, WF_CONNECTOR)) {
            i++;
        } else if (i + 1 < b && (is_acronym(c, i) || gaz_single(c, i)) &&
                   has_fact(c, i + 1, WF_TITLE)) {
            i++; /* "UN Secretary-General", "US Secretary" */
        } else {
            break;
        }
    }
    if (titled && i < b && !has_org_head(c, i, b)) {
        if (b - i == 1)
            return add_pending(c, i, 1);
        /* the longest name right after the title; the rest of the chunk is classified
         * on its own ("... Stephen Biegun and UN Secretary-General ...") */
        for (size_t k = b - i < NW_ENT_PERSON_MAX_TOKENS ? b - i : NW_ENT_PERSON_MAX_TOKENS; k >= 2;
             k--) {
            if (is_person_shape(c, i, i + k)) {
                size_t rest = i + k;
                span_name(c, i, i + k, name, sizeof(name));
                if ((r = count(c, NW_ENT_PERSON, name, NULL, i, i + k, NULL)) != NW_OK)
                    return r;
                while (rest < b && has_fact(c, rest, WF_CONNECTOR))
                    rest++;
                return rest < b ? classify(c, rest, b) : NW_OK;
            }
        }
        return scan_locations(c, i, b, 1);
    }
    if (titled && i == b)
        return NW_OK; /* only a title: "The U.N. Secretary-General" */

    /* "Full Name (ACRONYM)" */
    if (b + 2 < c->t->n && nw_tok_is(c->t, b, '(') && is_acronym(c, b + 1) &&
        nw_tok_is(c->t, b + 2, ')') && b - a >= 2) {
        span_name(c, a, b, name, sizeof(name));
        if ((r = count(c, NW_ENT_ORG, name, NULL, a, b, &ent)) != NW_OK)
            return r;
        c->skip_until = b + 3;
        return define_acronym(c, b + 1, ent);
    }
    if (has_org_head(c, a, b) ||
        (b - a == 2 && (nw_tok_eq(c->t, a, "al") || nw_tok_eq(c->t, a, "el")))) {
        if (b - a == 1) {
            /* a head word alone is an organization only as a proper name: "Taliban" */
            if (seen_lower(c, a) || is_common_cap(c, a))
                return NW_OK;
        }
        span_name(c, a, b, name, sizeof(name));
        return count(c, NW_ENT_ORG, name, NULL, a, b, NULL);
    }
    nh = gaz_lookup(c, a, b, hits);
    if (nh)
        return add_loc(c, a, b, hits, nh);
    if (b - a == 1 && is_acronym(c, a))
        return add_pending(c, a, 0);
    if (is_person_shape(c, a, b)) {
        span_name(c, a, b, name, sizeof(name));
        return count(c, NW_ENT_PERSON, name, NULL, a, b, NULL);
    }
    if (b - a >= 2 && (r = add_chunk(c, a, b)) != NW_OK)
        return r;
    return scan_locations(c, a, b, 0);
}

/* Token i of person name (space-separated) equals the single word w? */
static int name_has_word(const char *name, const char *s, size_t n, int last_only)
{
    /* one pass over the name: this runs for every pending word against every person */
    const char *p = name;
    for (;;) {
        size_t len = 0;
        while (p[len] && p[len] != ' ')
            len++;
        if (len == n && memcmp(p, s, n) == 0 && (!last_only || !p[len]))
            return 1;
        if (!p[len])
            return 0;
        p += len + 1;
    }
}

/* The words of an entity's name as resolve_pending compares them: split at each space
 * exactly as name_has_word does (so empty words too), found once per name instead of
 * once per pending word. n is the word count plus one; 0 until computed. */
#define NW_ENT_NAME_WORDS 16

struct name_words {
    uint8_t n;
    uint8_t off[NW_ENT_NAME_WORDS];
    uint8_t len[NW_ENT_NAME_WORDS];
};

/* Like name_has_word(name of entity j, s, n, last_only), with the word boundaries kept
 * in nw[j]. Names of more words than fit are compared the slow way. */
static int person_has_word(const struct nw_entities *o, struct name_words *nw, size_t j,
                           const char *s, size_t n, int last_only)
{
    struct name_words *w = &nw[j];
    const char *name = o->v[j].name;
    size_t k, first;
    if (w->n == 0) {
        size_t pos = 0, words = 0;
        for (;;) {
            size_t len = 0;
            while (name[pos + len] && name[pos + len] != ' ')
                len++;
            if (words == NW_ENT_NAME_WORDS) {
                words = UINT8_MAX - 1; /* too many: the slow way */
                break;
            }
            w->off[words] = (uint8_t)pos; /* names are shorter than NW_ENT_NAME_MAX */
            w->len[words] = (uint8_t)len;
            words++;
            if (!name[pos + len])
                break;
            pos += len + 1;
        }
        w->n = (uint8_t)(words + 1);
    }
    if (w->n == UINT8_MAX)
        return name_has_word(name, s, n, last_only);
    first = last_only ? (size_t)w->n - 2 : 0;
    for (k = first; k + 1 < w->n; k++)
        if (w->len[k] == n && memcmp(name + w->off[k], s, n) == 0)
            return 1;
    return 0;
}

/* Persons whose name is a run of a longer person's words merge into it:
 * "Bilawal Bhutto" into "Bilawal Bhutto Zardari". */
static void merge_persons(struct ctx *c)
{
    struct nw_entities *o = c->out;
    for (size_t i = 0; i < o->n; i++) {
        int target = -1, ambiguous = 0;
        size_t li;
        if (o->v[i].type != NW_ENT_PERSON || o->v[i].count == 0)
            continue;
        li = strlen(o->v[i].name);
        for (size_t j = 0; j < o->n; j++) {
            const char *hay, *pos;
            if (j == i || o->v[j].type != NW_ENT_PERSON || strlen(o->v[j].name) <= li)
                continue;
            hay = o->v[j].name;
            pos = strstr(hay, o->v[i].name);
            if (pos && (pos == hay || pos[-1] == ' ') && (pos[li] == '\0' || pos[li] == ' ')) {
                if (target >= 0 && target != (int)j)
                    ambiguous = 1;
                target = (int)j;
            }
        }
        if (target < 0 || ambiguous)
            continue;
        o->v[target].count += o->v[i].count;
        if (o->v[i].first_tok < o->v[target].first_tok)
            o->v[target].first_tok = o->v[i].first_tok;
        o->v[i].count = 0;
        for (size_t m = 0; m < o->nm; m++)
            if (o->m[m].entity == (int)i)
                o->m[m].entity = target;
    }
}

static enum nw_status resolve_pending_with(struct ctx *c, struct nw_entities *o,
                                           struct name_words *nw);

static enum nw_status resolve_pending(struct ctx *c)
{
    enum nw_status r = NW_OK;
    struct nw_entities *o = c->out;
    /* every pending word is compared with every person: split each name only once */
    struct name_words *nw = c->npend ? nw_calloc(NW_ENT_MAX, sizeof(*nw)) : NULL;

    if (c->npend && !nw)
        return NW_ENOMEM;
    r = resolve_pending_with(c, o, nw);
    nw_free(nw);
    return r;
}

static enum nw_status resolve_pending_with(struct ctx *c, struct nw_entities *o,
                                           struct name_words *nw)
{
    enum nw_status r = NW_OK;

    for (size_t k = 0; k < c->npend; k++) {
        size_t a = c->pend[k].a;
        const char *s = ttext(c, a);
        size_t n = c->t->v[a].base_len;
        int target = -1, ambiguous = 0;
        char acr[16];

        /* a person's surname (or another word of the name) */
        for (int pass = 0; pass < 2 && target < 0; pass++)
            for (size_t j = 0; j < o->n; j++)
                if (o->v[j].type == NW_ENT_PERSON && o->v[j].count > 0 &&
                    person_has_word(o, nw, j, s, n, pass == 0)) {
                    if (target >= 0 && target != (int)j)
                        ambiguous = 1;
                    target = (int)j;
                }
        if (target >= 0 && !ambiguous) {
            if ((r = add_mention(c, target, a, a + 1)) != NW_OK)
                return r;
            continue;
        }
        if (is_acronym(c, a)) {
            int *def = nw_strmap_get(&c->acronyms, s, n);
            size_t al = acronym_letters(c, a, acr, sizeof(acr));
            char name[NW_ENT_NAME_MAX];
            if (def) {
                if ((r = add_mention(c, *def, a, a + 1)) != NW_OK)
                    return r;
                continue;
            }
            /* an earlier chunk or organization whose initials spell the acronym */
            for (size_t j = 0; j < c->nchunks && al >= 2; j++) {
                char ini[16];
                if (c->chunks[j].a > a)
                    break;
                if (initials(c, c->chunks[j].a, c->chunks[j].b, ini, sizeof(ini)) == al &&
                    strcmp(ini, acr) == 0) {
                    int ent;
                    span_name(c, c->chunks[j].a, c->chunks[j].b, name, sizeof(name));
                    if ((r = count(c, NW_ENT_ORG, name, NULL, c->chunks[j].a, c->chunks[j].b,
                                   &ent)) != NW_OK)
                        return r;
                    if ((r = define_acronym(c, a, ent)) != NW_OK)
                        return r;
                    def = nw_strmap_get(&c->acronyms, s, n);
                    break;
                }
            }
            if (!def)
                for (size_t j = 0; j < o->n && al >= 2; j++) {
                    char ini[16];
                    size_t q = 0, m = 0;
                    const char *nm = o->v[j].name;
                    if (o->v[j].type != NW_ENT_ORG || o->v[j].acronym[0])
                        continue;
                    for (; nm[q] && m + 1 < sizeof(ini); q++)
                        if ((q == 0 || nm[q - 1] == ' ' || nm[q - 1] == '-') && nm[q] >= 'A' &&
                            nm[q] <= 'Z')
                            ini[m++] = nm[q];
                    ini[m] = '\0';
                    if (strcmp(ini, acr) == 0) {
                        if ((r = define_acronym(c, a, (int)j)) != NW_OK)
                            return r;
                        def = nw_strmap_get(&c->acronyms, s, n);
                        break;
                    }
                }
            if (def) {
                if ((r = add_mention(c, *def, a, a + 1)) != NW_OK)
                    return r;
                continue;
            }
            snprintf(name, sizeof(name), "%.*s", (int)n, s);
            if ((r = count(c, NW_ENT_ORG, name, NULL, a, a + 1, NULL)) != NW_OK)
                return r;
            continue;
        }
        if (c->pend[k].titled) {
            char name[NW_ENT_NAME_MAX];
            snprintf(name, sizeof(name), "%.*s", (int)n, s);
            if ((r = count(c, NW_ENT_PERSON, name, NULL, a, a + 1, NULL)) != NW_OK)
                return r;
        }
    }
    return r;
}

static enum nw_status resolve_locations(struct ctx *c)
{
    enum nw_status r = NW_OK;
    char mentioned[64][3];
    size_t nm = 0;

    /* countries named, by name, adjective or a city of theirs */
    for (size_t k = 0; k < c->nlocs; k++) {
        const struct nw_gaz_entry *e = nw_gazetteer_entry(c->gaz, c->locs[k].hits[0]);
        size_t j;
        if (!e || e->kind == NW_GAZ_SUBDIV || !e->cc[0])
            continue;
        for (j = 0; j < nm && strcmp(mentioned[j], e->cc) != 0; j++)
            ;
        if (j == nm && nm < 64)
            memcpy(mentioned[nm++], e->cc, 3);
    }
    for (size_t k = 0; k < c->nlocs; k++) {
        const struct loc_cand *l = &c->locs[k];
        const struct nw_gaz_entry *best = NULL, *first = nw_gazetteer_entry(c->gaz, l->hits[0]);
        size_t majors = 0;
        if (!first)
            continue;
        if (first->kind != NW_GAZ_SUBDIV) {
            best = first;
        } else {
            for (size_t h = 0; h < l->nhits && !best; h++) {
                const struct nw_gaz_entry *e = nw_gazetteer_entry(c->gaz, l->hits[h]);
                for (size_t j = 0; j < nm && !best; j++)
                    if (strcmp(mentioned[j], e->cc) == 0)
                        best = e;
                majors += e->major;
            }
            if (!best && l->nhits == 1 && majors == 1)
                best = first; /* a unique state or province name */
        }
        if (!best)
            continue;
        r = count(c, NW_ENT_LOCATION, best->name, best->code, l->a, l->b, NULL);
        if (r != NW_OK)
            return r;
    }
    return r;
}

/* Mentions in text order (insertion sort: they come nearly sorted), for the quote
 * attribution. */
static void sort_mentions(struct nw_entities *out)
{
    for (size_t x = 1; x < out->nm; x++) {
        struct nw_ent_mention m = out->m[x];
        size_t y = x;
        while (y > 0 && out->m[y - 1].tok > m.tok) {
            out->m[y] = out->m[y - 1];
            y--;
        }
        out->m[y] = m;
    }
}

/* Frees what one text's scan built (both the rule and the tagger paths). */
static void ctx_fini(struct ctx *c)
{
    nw_strmap_fini(&c->lower);
    nw_strmap_fini(&c->index);
    nw_strmap_fini(&c->acronyms);
    nw_free(c->locs);
    nw_free(c->pend);
    nw_free(c->chunks);
    nw_free(c->facts);
}

enum nw_status nw_entities_extract(const struct nw_gazetteer *gaz, const struct nw_toks *toks,
                                   struct nw_entities *out)
{
    enum nw_status result = NW_OK;
    struct ctx c;
    size_t i;

    memset(out, 0, sizeof(*out));
    memset(&c, 0, sizeof(c));
    c.gaz = gaz;
    c.t = toks;
    c.out = out;
    c.facts = nw_calloc(toks->n ? toks->n : 1, sizeof(*c.facts));
    if (!c.facts) {
        result = NW_ENOMEM;
        goto out;
    }
    if ((result = nw_strmap_init(&c.lower, 8192)) != NW_OK ||
        (result = nw_strmap_init(&c.index, NW_ENT_MAX)) != NW_OK ||
        (result = nw_strmap_init(&c.acronyms, 256)) != NW_OK)
        goto out;
    /* one allocation for the lower-case words instead of one per doubling */
    {
        size_t nwords = 0, bytes = 0;
        for (i = 0; i < toks->n; i++)
            if (is_word(&c, i) && !(toks->v[i].flags & (NW_TOK_CAP | NW_TOK_UPPER))) {
                nwords++;
                bytes +=
                    (toks->v[i].base_len < NW_ENT_WORD ? toks->v[i].base_len : NW_ENT_WORD) + 1;
            }
        if ((result = nw_strmap_reserve(&c.lower, nwords, bytes)) != NW_OK)
            goto out;
    }
    for (i = 0; i < toks->n; i++) {
        char w[NW_ENT_WORD];
        if (!is_word(&c, i) || (toks->v[i].flags & (NW_TOK_CAP | NW_TOK_UPPER)))
            continue;
        size_t n = nw_tok_lower(toks, i, w, sizeof(w));
        if (nw_strmap_put(&c.lower, w, n, 1, NULL) == NW_ENOMEM) {
            result = NW_ENOMEM;
            goto out;
        }
    }
    i = 0;
    while (i < toks->n) {
        size_t a = i, b;
        if (!is_cap(&c, i) || i < c.skip_until) {
            i++;
            continue;
        }
        b = a + 1;
        while (b < toks->n && b - a < NW_ENT_CHUNK_MAX &&
               toks->v[b - 1].base_len == toks->v[b - 1].len) {
            if (is_cap(&c, b)) {
                b++;
                continue;
            }
            if (is_word(&c, b) && has_fact(&c, b, WF_CONNECTOR) && is_cap(&c, b + 1) &&
                !(toks->v[b + 1].flags & NW_TOK_SENT_START)) {
                b += 2;
                continue;
            }
            break;
        }
        i = b;
        /* drop ordinary words at the start: "Despite Pakistan's ...", "The SIFC" */
        while (a < b && is_common_cap(&c, a))
            a++;
        if (a >= b)
            continue;
        if ((result = classify(&c, a, b)) != NW_OK)
            goto out;
    }
    if ((result = resolve_locations(&c)) != NW_OK)
        goto out;
    merge_persons(&c);
    if ((result = resolve_pending(&c)) != NW_OK)
        goto out;
    /* mentions in text order for the quote attribution */
    sort_mentions(out);
out:
    ctx_fini(&c);
    if (result != NW_OK)
        nw_entities_fini(out);
    return result;
}

void nw_entities_fini(struct nw_entities *ents)
{
    if (!ents)
        return;
    nw_free(ents->v);
    nw_free(ents->m);
    memset(ents, 0, sizeof(*ents));
}

static int cmp_rank(const struct nw_ent *x, const struct nw_ent *y)
{
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->first_tok < y->first_tok ? -1 : (x->first_tok > y->first_tok);
}

enum nw_status nw_entities_to_json(const struct nw_entities *ents, json_t **out)
{
    static const char *const keys[] = {"persons", "organizations", "locations"};
    json_t *obj = json_object();
    size_t *order = NULL;

    *out = NULL;
    if (!obj)
        return NW_ENOMEM;
    if (ents->n) {
        order = nw_malloc(ents->n * sizeof(*order));
        if (!order)
            goto fail;
    }
    for (size_t i = 0; i < ents->n; i++) {
        size_t j = i;
        order[i] = i;
        while (j > 0 && cmp_rank(&ents->v[order[j - 1]], &ents->v[i]) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    for (int t = 0; t < 3; t++) {
        json_t *arr = json_array();
        size_t emitted = 0;
        if (!arr || json_object_set_new(obj, keys[t], arr))
            goto fail;
        for (size_t k = 0; k < ents->n && emitted < NW_ENT_JSON_MAX; k++) {
            const struct nw_ent *e = &ents->v[order[k]];
            json_t *item;
            if (e->type != t + 1 || e->count == 0)
                continue;
            item = json_pack("{s:s, s:I}", "name", e->name, "count", (json_int_t)e->count);
            if (!item)
                goto fail;
            if (e->type == NW_ENT_LOCATION && e->code[0] &&
                json_object_set_new(item, "code", json_string(e->code))) {
                json_decref(item);
                goto fail;
            }
            if (json_array_append_new(arr, item))
                goto fail;
            emitted++;
        }
    }
    nw_free(order);
    *out = obj;
    return NW_OK;
fail:
    nw_free(order);
    json_decref(obj);
    return NW_ENOMEM;
}

int nw_entities_person_in(const struct nw_entities *ents, size_t from, size_t to)
{
    int found = -1;
    for (size_t i = 0; i < ents->nm; i++) {
        const struct nw_ent_mention *m = &ents->m[i];
        if (m->tok >= from && m->tok < to && ents->v[m->entity].type == NW_ENT_PERSON)
            found = m->entity;
    }
    return found;
}

int nw_entities_first_person(const struct nw_entities *ents, size_t from, size_t to)
{
    /* the mentions are in text order (sort_mentions) */
    for (size_t i = 0; i < ents->nm && ents->m[i].tok < to; i++)
        if (ents->m[i].tok >= from && ents->v[ents->m[i].entity].type == NW_ENT_PERSON)
            return ents->m[i].entity;
    return -1;
}

int nw_entities_last_person(const struct nw_entities *ents, size_t before)
{
    int found = -1;
    for (size_t i = 0; i < ents->nm && ents->m[i].tok < before; i++)
        if (ents->v[ents->m[i].entity].type == NW_ENT_PERSON)
            found = ents->m[i].entity;
    return found;
}

/* ------------------------------------------------------------------ tagged (English) */

/* Finds or creates the entity of type under a case-folded key; its display name becomes
 * the most complete spelling seen: a mixed-case one over an all-caps one, and for
 * locations sharing a code the longest ("United States" over "U.S."). */
static int same_ci(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return *a == *b;
}

static int entity_keyed(struct ctx *c, int type, const char *key_name, const char *name,
                        const char *code, const char *preferred, size_t tok)
{
    char key[NW_ENT_NAME_MAX + 8];
    int n = snprintf(key, sizeof(key), "k%d|%s", type, key_name), e;
    struct nw_ent *x;
    if (n < 0 || (size_t)n >= sizeof(key))
        return -1;
    for (int i = 0; i < n; i++)
        if (key[i] >= 'A' && key[i] <= 'Z')
            key[i] = (char)(key[i] - 'A' + 'a');
    e = entity(c, type, key, code, tok);
    if (e < 0)
        return e;
    x = &c->out->v[e];
    {
        int had_lower = 0, has_lower = 0;
        size_t old_len = strlen(x->name), new_len = strlen(name);
        for (const char *p = x->name; *p; p++)
            had_lower |= *p >= 'a' && *p <= 'z';
        for (const char *p = name; *p; p++)
            has_lower |= *p >= 'a' && *p <= 'z';
        int had_pref = preferred && same_ci(x->name, preferred);
        int has_pref = preferred && same_ci(name, preferred);
        if (x->count == 0 || strcmp(x->name, key) == 0 ||
            (!had_pref && (has_pref || (has_lower && !had_lower) ||
                           (has_lower == had_lower && new_len > old_len && code && code[0]))))
            snprintf(x->name, sizeof(x->name), "%s", name);
    }
    return e;
}

static enum nw_status count_keyed(struct ctx *c, int type, const char *key_name, const char *name,
                                  const char *code, size_t a, size_t b, int *ent_out)
{
    return mention_of(c, entity_keyed(c, type, key_name, name, code, NULL, a), a, b, ent_out);
}

/* Locations the tagger found: the code from the gazetteer (a subdivision only when its
 * country is mentioned or its name is a unique first-level one), the name as written. */
/* The country of location candidate k's first entry when that place names its country
 * plainly: a country or city, or a subdivision with only one reading (own = 1); NULL
 * otherwise. */
static const char *cand_country(const struct ctx *c, size_t k, int *subdiv)
{
    const struct nw_gaz_entry *e;
    if (!c->locs[k].nhits)
        return NULL;
    e = nw_gazetteer_entry(c->gaz, c->locs[k].hits[0]);
    if (!e || !e->cc[0] || (e->kind == NW_GAZ_SUBDIV && c->locs[k].nhits > 1))
        return NULL;
    *subdiv = e->kind == NW_GAZ_SUBDIV;
    return e->cc;
}

/* Is country cc named in the article by some place other than candidate k (a country, a
 * city, or another unambiguous subdivision)? *any tells whether an unambiguous
 * subdivision of another country is named. */
static int cc_named_elsewhere(const struct ctx *c, size_t k, const char *cc, int *any)
{
    int found = 0;
    *any = 0;
    for (size_t j = 0; j < c->nlocs; j++) {
        int subdiv = 0;
        const char *x = cand_country(c, j, &subdiv);
        if (!x || (subdiv && c->locs[j].hits[0] == c->locs[k].hits[0]))
            continue;
        if (strcmp(x, cc) == 0)
            found = 1;
        else if (subdiv)
            *any = 1;
    }
    return found;
}

/* Locations the tagger found: the code from the gazetteer (a subdivision only when its
 * country is named by another place of the article, or its name is a unique first-level
 * one and no subdivision of another country is named: "Santa Fe" beside New Mexico is not
 * Argentina's), the name as written. */
static enum nw_status resolve_tagged_locations(struct ctx *c)
{
    enum nw_status r = NW_OK;

    for (size_t k = 0; k < c->nlocs; k++) {
        const struct loc_cand *l = &c->locs[k];
        const struct nw_gaz_entry *best = NULL;
        char name[NW_ENT_NAME_MAX];
        const char *code = NULL;
        size_t majors = 0;
        int any = 0;
        span_name(c, l->a, l->b, name, sizeof(name));
        for (size_t h = 0; h < l->nhits && !best; h++) {
            const struct nw_gaz_entry *e = nw_gazetteer_entry(c->gaz, l->hits[h]);
            if (!e)
                continue;
            if (e->kind != NW_GAZ_SUBDIV) {
                best = e;
                break;
            }
            if (cc_named_elsewhere(c, k, e->cc, &any))
                best = e;
            majors += e->major;
        }
        if (!best && l->nhits == 1 && majors == 1 && !any)
            best = nw_gazetteer_entry(c->gaz, l->hits[0]);
        if (best && best->code[0])
            code = best->code;
        {
            /* one entity per code, named by the article: the gazetteer's own name when the
             * article uses it ("United States" beside "U.S."), else its fullest spelling */
            int e = entity_keyed(c, NW_ENT_LOCATION, code ? code : name, name, code,
                                 code ? best->name : NULL, l->a);
            if (e == -2)
                return NW_ENOMEM;
            if (e >= 0 && (r = add_mention(c, e, l->a, l->b)) != NW_OK)
                return r;
        }
    }
    return r;
}

/* A capital initial or a short title or company abbreviation written with a dot. */
static int is_abbrev(const struct nw_toks *toks, size_t i)
{
    static const char *const abbrevs[] = {"mr",   "mrs",  "ms",   "dr",  "st",  "jr",   "sr",
                                          "gen",  "lt",   "col",  "sgt", "gov", "sen",  "rep",
                                          "prof", "rev",  "mt",   "ft",  "co",  "corp", "inc",
                                          "ltd",  "bros", "capt", "maj", "adm", "cmdr"};
    const struct nw_tok *t = &toks->v[i];
    const char *s = toks->text + t->off;
    if (!(t->flags & NW_TOK_WORD) || !(s[0] >= 'A' && s[0] <= 'Z'))
        return 0;
    if (t->len == 1)
        return 1;
    return nw_tok_word_in(toks, i, abbrevs, sizeof(abbrevs) / sizeof(abbrevs[0]));
}

static enum nw_status tagged_span(struct ctx *c, int tag, size_t a, size_t b)
{
    char name[NW_ENT_NAME_MAX];
    int hits[NW_ENT_GAZ_HITS], ent;
    int letters = 0;

    for (size_t i = a; i < b; i++)
        letters |= (c->t->v[i].flags & NW_TOK_WORD) != 0;
    if (!letters)
        return NW_OK;
    /* a name followed by its own "(ACRONYM)" is an organization, not a person; a country
     * in parentheses after a player's name is no acronym of it */
    if (tag == NW_TAG_B_PER && b + 2 < c->t->n && nw_tok_is(c->t, b, '(') && is_acronym(c, b + 1) &&
        nw_tok_is(c->t, b + 2, ')')) {
        char ini[16], acr[16];
        size_t ni = initials(c, a, b, ini, sizeof(ini));
        size_t na = acronym_letters(c, b + 1, acr, sizeof(acr));
        size_t m = ni < na ? ni : na;
        if (m >= 2 && memcmp(ini, acr, m) == 0)
            tag = NW_TAG_B_ORG;
    }
    /* a name right after a title ("Defence Secretary Lloyd Austin") is a person */
    if (tag == NW_TAG_B_ORG && a > 0 && b - a >= 2 && b - a <= NW_ENT_PERSON_MAX_TOKENS &&
        is_cap(c, a - 1) && has_fact(c, a - 1, WF_TITLE) && is_person_shape(c, a, b) &&
        !has_org_head(c, a, b))
        tag = NW_TAG_B_PER;
    if (tag == NW_TAG_B_PER)
        while (b - a > 1 && has_fact(c, a, WF_TITLE) && is_cap(c, a + 1))
            a++; /* "Gen Munir": the title is no part of the name */
    span_name(c, a, b, name, sizeof(name));
    if (tag == NW_TAG_B_PER)
        return count_keyed(c, NW_ENT_PERSON, name, name, NULL, a, b, NULL);
    if (tag == NW_TAG_B_ORG) {
        if (b - a == 1 && is_acronym(c, a)) {
            int *def = nw_strmap_get(&c->acronyms, ttext(c, a), c->t->v[a].base_len);
            if (def)
                return add_mention(c, *def, a, b);
        }
        enum nw_status r = count_keyed(c, NW_ENT_ORG, name, name, NULL, a, b, &ent);
        /* "Full Name (ACRONYM)": later mentions of the acronym count for the name */
        if (r == NW_OK && b + 2 < c->t->n && nw_tok_is(c->t, b, '(') && is_acronym(c, b + 1) &&
            nw_tok_is(c->t, b + 2, ')') && b - a >= 2) {
            c->skip_until = b + 3;
            r = define_acronym(c, b + 1, ent);
        }
        return r;
    }
    if (tag == NW_TAG_B_LOC) {
        size_t nh = gaz_lookup(c, a, b, hits);
        /* "Kenya Army": a place name ending in an organization's head word, unless the
         * whole is a place ("West Bank") */
        if (!nh && b - a >= 2 && is_cap(c, b - 1) && has_fact(c, b - 1, WF_ORG_HEAD))
            return count_keyed(c, NW_ENT_ORG, name, name, NULL, a, b, NULL);
        return add_loc(c, a, b, hits, nh);
    }
    return NW_OK;
}

static void merge_into(struct ctx *c, size_t from, size_t to)
{
    struct nw_entities *o = c->out;
    o->v[to].count += o->v[from].count;
    if (o->v[from].first_tok < o->v[to].first_tok)
        o->v[to].first_tok = o->v[from].first_tok;
    o->v[from].count = 0;
    for (size_t m = 0; m < o->nm; m++)
        if (o->m[m].entity == (int)from)
            o->m[m].entity = (int)to;
}

/* Upper-case initials of a name's words and hyphen parts ("Tehreek-i-Taliban Pakistan"
 * -> "TTP"); 0 if they do not fit. */
static size_t name_initials(const char *name, char *out, size_t size)
{
    size_t k = 0;
    for (size_t q = 0; name[q]; q++)
        if ((q == 0 || name[q - 1] == ' ' || name[q - 1] == '-') && name[q] >= 'A' &&
            name[q] <= 'Z') {
            if (k + 1 >= size)
                return 0;
            out[k++] = name[q];
        }
    out[k] = '\0';
    return k;
}

/* An acronym's letters ("U.N." -> "UN"); 0 if the name is no acronym. */
static size_t name_acronym(const char *name, char *out, size_t size)
{
    size_t k = 0;
    for (size_t q = 0; name[q]; q++) {
        char ch = name[q];
        if (ch >= 'A' && ch <= 'Z') {
            if (k + 1 >= size)
                return 0;
            out[k++] = ch;
        } else if (ch != '.' && ch != '-' && ch != '&') {
            return 0;
        }
    }
    out[k] = '\0';
    return k >= 2 ? k : 0;
}

/* Word run: small is a sequence of whole words of big. */
static int word_run(const char *big, const char *small)
{
    size_t n = strlen(small);
    const char *p = big;
    if (!n || strlen(big) <= n)
        return 0;
    while ((p = strstr(p, small)) != NULL) {
        if ((p == big || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return 1;
        p++;
    }
    return 0;
}

/* One article, one reading of a name: an acronym counts for the organization whose initials it
 * spells; a shorter run of a person's name ("Bilawal Bhutto") is that person. */
static void consolidate(struct ctx *c)
{
    struct nw_entities *o = c->out;
    for (size_t i = 0; i < o->n; i++) {
        char acr[16], ini[16];
        int target = -1;
        if (o->v[i].type != NW_ENT_ORG || !o->v[i].count ||
            !name_acronym(o->v[i].name, acr, sizeof(acr)))
            continue;
        for (size_t j = 0; j < o->n; j++)
            if (j != i && o->v[j].type == NW_ENT_ORG && o->v[j].count &&
                strchr(o->v[j].name, ' ') && name_initials(o->v[j].name, ini, sizeof(ini)) &&
                strcmp(ini, acr) == 0 && (!o->v[j].acronym[0] || strcmp(o->v[j].acronym, acr) == 0))
                target = target < 0 ? (int)j : -2;
        if (target >= 0)
            merge_into(c, i, (size_t)target);
    }
    for (size_t i = 0; i < o->n; i++) {
        int target = -1;
        if (o->v[i].type == NW_ENT_PERSON || !o->v[i].count || !strchr(o->v[i].name, ' '))
            continue;
        for (size_t j = 0; j < o->n; j++)
            if (o->v[j].type == NW_ENT_PERSON && o->v[j].count &&
                word_run(o->v[j].name, o->v[i].name))
                target = target < 0 ? (int)j : -2;
        if (target >= 0)
            merge_into(c, i, (size_t)target);
    }
}

/* ------------------------------------------------------- names with "and", "of", "on" */

/* A company's legal form ends its name. */
static const char *const company_heads[] = {"co",    "company",  "corp", "corporation",
                                            "group", "holdings", "inc",  "industries",
                                            "llc",   "ltd",      "plc"};

/* Head words that take "on" in a name: "Council on Foreign Relations". */
static const char *const on_heads[] = {"commission", "committee", "conference", "council", "forum"};

/* Tagger span [k, e) (tagger tokens; toks through map/map_end) is a short name without a
 * head word, "and" or "&" follows, and then a span of a person or an organization ending
 * in a head word ("Food and Agriculture Organization", "Bill and Melinda Gates
 * Foundation"): the whole is one organization. Returns the new end, and sets *tag. */
static size_t joined_org(const struct ctx *c, const uint8_t *tags, const size_t *map,
                         const size_t *map_end, size_t n, size_t k, size_t e, int *tag)
{
    size_t a = map[k], b = map_end[e - 1] + 1, e2, last;
    int t2;
    /* a person's span ending in a head word is an organization: "Road Initiative" */
    last = b - 1;
    if (*tag == NW_TAG_B_PER && b - a >= 2 && is_cap(c, last) &&
        !(c->t->v[last].flags & NW_TOK_UPPER) && has_fact(c, last, WF_ORG_HEAD))
        *tag = NW_TAG_B_ORG;
    if ((*tag != NW_TAG_B_ORG && *tag != NW_TAG_B_PER) || b - a > 2 || e + 1 >= n || map[e] != b ||
        !(nw_tok_eq(c->t, b, "and") || nw_tok_is(c->t, b, '&')) ||
        (c->t->v[b].flags & NW_TOK_CAP) || c->t->v[b - 1].base_len != c->t->v[b - 1].len ||
        has_org_head(c, a, b))
        return e;
    t2 = tags[e + 1];
    if (t2 != NW_TAG_B_ORG && t2 != NW_TAG_B_PER)
        return e;
    e2 = e + 2;
    while (e2 < n && tags[e2] == t2 + 1)
        e2++;
    last = map_end[e2 - 1];
    if (!is_cap(c, last) || (c->t->v[last].flags & NW_TOK_UPPER) ||
        !has_fact(c, last, WF_ORG_HEAD) ||
        nw_tok_word_in(c->t, last, company_heads, sizeof(company_heads) / sizeof(*company_heads)))
        return e; /* "Ceres Robotics and Tyvak Systems Inc": two companies */
    for (size_t q = a; q < b; q++)
        if (c->t->v[q].flags & NW_TOK_UPPER)
            return e; /* "SBI and ICICI Bank": an acronym is a whole name */
    *tag = NW_TAG_B_ORG;
    return e2;
}

/* An organization, tagger span [k, e), ending in a head word, after "and" and one or two
 * capitalized words the tagger left out or took for a name of no kind kept here ("the Belt
 * and Road Initiative"): the token where the whole name starts. */
static size_t joined_before(const struct ctx *c, const struct nw_tagger_tok *v, const uint8_t *tags,
                            const size_t *map, const size_t *map_end, size_t k, size_t e, int tag)
{
    size_t last = map_end[e - 1], j;
    if (tag != NW_TAG_B_ORG || k < 2 || tags[k - 1] != NW_TAG_O || map[k - 1] != map_end[k - 1] ||
        !(nw_tok_eq(c->t, map[k - 1], "and") || nw_tok_is(c->t, map[k - 1], '&')) ||
        (c->t->v[map[k - 1]].flags & NW_TOK_CAP) || !is_cap(c, last) ||
        !has_fact(c, last, WF_ORG_HEAD))
        return map[k];
    j = k - 1;
    while (
        j > 0 && k - 1 - j < 2 &&
        (tags[j - 1] == NW_TAG_O || tags[j - 1] == NW_TAG_B_MISC || tags[j - 1] == NW_TAG_I_MISC) &&
        map[j - 1] == map_end[j - 1] && is_cap(c, map[j - 1]) &&
        !(v[j - 1].flags & NW_TAGGER_SENT_START) &&
        !has_fact(c, map[j - 1], WF_STOP_CAP | WF_ORG_HEAD) &&
        c->t->v[map[j - 1]].base_len == c->t->v[map[j - 1]].len)
        j--;
    return j < k - 1 ? map[j] : map[k];
}

/* An organization [a, b) with a head word, followed by lower-case "of"/"for" (or "on"
 * after a council or committee), maybe "the", and up to four capitalized words: the name
 * goes on over them ("Ministry of Foreign Affairs of Pakistan", "Council on Foreign
 * Relations"). Returns the new end and records it in c->tail_end. */
static size_t org_tail(struct ctx *c, int tag, size_t a, size_t b)
{
    size_t f = b + 1, g;
    if (tag != NW_TAG_B_ORG || f >= c->t->n || c->t->v[b - 1].base_len != c->t->v[b - 1].len ||
        (c->t->v[b].flags & NW_TOK_CAP) || !has_org_head(c, a, b) ||
        nw_tok_word_in(c->t, b - 1, company_heads, sizeof(company_heads) / sizeof(*company_heads)))
        return b; /* "Acme Inc of Springfield": where the company is, not its name */
    if (!nw_tok_eq(c->t, b, "of") && !nw_tok_eq(c->t, b, "for") &&
        !(nw_tok_eq(c->t, b, "on") &&
          nw_tok_word_in(c->t, b - 1, on_heads, sizeof(on_heads) / sizeof(*on_heads))))
        return b;
    if (nw_tok_eq(c->t, f, "the") && !(c->t->v[f].flags & NW_TOK_CAP))
        f++;
    g = f;
    while (g < c->t->n && g - f < 4 && is_cap(c, g) && !has_fact(c, g, WF_STOP_CAP) &&
           (g == f || c->t->v[g - 1].base_len == c->t->v[g - 1].len))
        g++;
    if (g == f || (g < c->t->n && nw_tok_is(c->t, g, '.') && c->t->v[g - 1].len <= 3))
        return b; /* nothing, or a cut abbreviation ("of St. Petersburg") */
    c->tail_end = g;
    return g;
}

/* ------------------------------------------------------------ headline lines (tagged) */

/* In a line written in headline case ("Finance Ministry Says Talks With International
 * Monetary Fund Went Well") every word is capitalized, so the tagger, which leans on case,
 * runs the names and the words between them into one span. There the organizations are
 * found by rule instead: a head word ("Fund", "Ministry") and the name words around it,
 * up to a word the text writes in lower case elsewhere or a function word ("Says",
 * "With"); "of"/"for" joins the name words after the head ("Ministry Of Foreign Affairs Of
 * China"), "and"/"&" the ones before it when only one side has a head ("Food And
 * Agriculture Organization"). The tagger's spans that overlap such an organization are
 * dropped; its other spans in the line stay. */

#define NW_ENT_HEADLINE_TOKENS 48 /* a longer paragraph is no headline */
#define NW_ENT_HEAD_LEFT 5        /* name words before a head word */
#define NW_ENT_ORG_TOKENS 12      /* tokens of one organization found by rule */
#define NW_ENT_HEADLINE_ORGS 64   /* organizations found by rule in one text */

/* Verbs of headlines, which a name never runs over ("Pakistan Thanks International Monetary
 * Fund"): the common ones; others are known by their stem in the text (headline_verb). */
static const char *const headline_verbs[] = {
    "accuses",  "adopts", "announces", "appoints", "approves", "asks",    "backs",   "bans",
    "blames",   "calls",  "claims",    "closes",   "condemns", "cuts",    "denies",  "discusses",
    "elects",   "ends",   "expects",   "extends",  "eyes",     "faces",   "gets",    "gives",
    "hails",    "halts",  "hikes",     "holds",    "hosts",    "joins",   "keeps",   "lauds",
    "launches", "lifts",  "makes",     "meets",    "names",    "opens",   "orders",  "plans",
    "praises",  "raises", "receives",  "rejects",  "releases", "resumes", "reviews", "says",
    "seeks",    "sees",   "sends",     "sets",     "signs",    "slams",   "starts",  "sues",
    "summons",  "takes",  "thanks",    "urges",    "visits",   "vows",    "warns",   "welcomes",
    "wins"};

/* Words that end a name in a headline and are no stop word of the chunker. */
static const char *const headline_breaks[] = {
    "across", "ahead", "amid",   "amidst",  "around", "beyond", "following", "near", "off",
    "onto",   "out",   "toward", "towards", "upon",   "versus", "via",       "vs"};

/* Paragraph tokens [a, b) are a headline-case line: mostly capitalized words (lower-case
 * ones of up to three letters aside), not in capitals throughout, no sentence end. */
static int is_headline_line(const struct ctx *c, size_t a, size_t b)
{
    size_t caps = 0, content = 0, upper = 0, last = b;
    if (b - a > NW_ENT_HEADLINE_TOKENS)
        return 0;
    while (last > a && (c->t->v[last - 1].flags & NW_TOK_QUOTE))
        last--;
    if (last == a || nw_tok_is(c->t, last - 1, '.') || nw_tok_is(c->t, last - 1, '!') ||
        nw_tok_is(c->t, last - 1, '?'))
        return 0;
    for (size_t i = a; i < b; i++) {
        if (!is_word(c, i))
            continue;
        if (is_cap(c, i)) {
            caps++;
            content++;
            upper += (c->t->v[i].flags & NW_TOK_UPPER) != 0;
        } else if (c->t->v[i].base_len > 3) {
            content++;
        }
    }
    return content >= 4 && caps * 4 >= content * 3 && upper * 2 < caps;
}

/* The lower-case words of the whole text, filled on first use. */
static enum nw_status headline_lower_words(struct ctx *c, struct nw_strmap *m, int *built)
{
    if (*built)
        return NW_OK;
    *built = 1;
    for (size_t i = 0; i < c->t->n; i++) {
        char w[NW_ENT_WORD];
        size_t n;
        if (!is_word(c, i) || (c->t->v[i].flags & (NW_TOK_CAP | NW_TOK_UPPER)))
            continue;
        n = nw_tok_lower(c->t, i, w, sizeof(w));
        if (nw_strmap_put(m, w, n, 1, NULL) == NW_ENOMEM)
            return NW_ENOMEM;
    }
    return NW_OK;
}

/* Token i is a verb of the headline: a capitalized word ending in -s whose stem the text
 * writes in lower case as a verb ("Warns": "warned", "warning", "warn"; "Pledges":
 * "pledged"). */
static int headline_verb(const struct ctx *c, const struct nw_strmap *lower, const char *w,
                         size_t n)
{
    static const char *const endings[] = {"", "ed", "ing", "d"};
    char stem[NW_ENT_WORD + 4];
    (void)c;
    if (n < 4 || w[n - 1] != 's' || w[n - 2] == 's' || w[n - 2] == 'u' || w[n - 2] == 'i')
        return 0; /* "Congress", "Campus", "Analysis" */
    if (n >= NW_ENT_WORD)
        return 0;
    for (size_t cut = 1; cut <= 2 && cut < n; cut++) {
        size_t m = n - cut;
        if (cut == 2 && w[n - 2] != 'e')
            break;
        for (size_t k = 0; k < sizeof(endings) / sizeof(*endings); k++) {
            size_t el = strlen(endings[k]);
            if (m > NW_ENT_WORD || el > 3)
                continue;
            memcpy(stem, w, m);
            memcpy(stem + m, endings[k], el);
            if (nw_strmap_get(lower, stem, m + el) != NULL)
                return 1;
        }
    }
    return 0;
}

/* Token i is a stop word, a break word or a common verb of a headline. */
static int headline_break(const struct ctx *c, size_t i)
{
    return has_fact(c, i, WF_STOP_CAP) ||
           nw_tok_word_in(c->t, i, headline_breaks,
                          sizeof(headline_breaks) / sizeof(*headline_breaks)) ||
           nw_tok_word_in(c->t, i, headline_verbs,
                          sizeof(headline_verbs) / sizeof(*headline_verbs));
}

/* Token i can be part of an organization's name in a headline line. loose: it follows
 * "of"/"for" after the head ("Of Foreign Affairs"), where a word the text also writes in
 * lower case ("foreign") is still a name word. */
static int headline_name_word(const struct ctx *c, const struct nw_strmap *lower, size_t i,
                              int loose)
{
    char w[NW_ENT_WORD];
    size_t n;
    if (!is_cap(c, i) || has_fact(c, i, WF_STOP_CAP))
        return 0;
    if (c->t->v[i].flags & NW_TOK_UPPER)
        return 1; /* an acronym */
    if (headline_break(c, i))
        return 0;
    n = nw_tok_lower(c->t, i, w, sizeof(w));
    if (headline_verb(c, lower, w, n))
        return 0;
    return loose || nw_strmap_get(lower, w, n) == NULL;
}

static int is_joiner(const struct ctx *c, size_t i)
{
    return nw_tok_eq(c->t, i, "and") || nw_tok_is(c->t, i, '&');
}

/* The organizations of headline line [a, b): each is added to spans (pairs of token
 * offsets, at most max_spans) and its tokens marked in cover. */
static enum nw_status headline_orgs(struct ctx *c, struct nw_strmap *lower, int *lower_built,
                                    size_t a, size_t b, uint8_t *cover, size_t *spans,
                                    size_t *nspans, size_t max_spans)
{
    enum nw_status r;
    size_t i = a;
    while (i < b && *nspans < max_spans) {
        size_t s, e;
        if (!is_cap(c, i) || (c->t->v[i].flags & NW_TOK_UPPER) || !has_fact(c, i, WF_ORG_HEAD)) {
            i++;
            continue;
        }
        if ((r = headline_lower_words(c, lower, lower_built)) != NW_OK)
            return r;
        s = i;
        while (s > a && i - s < NW_ENT_HEAD_LEFT && !cover[s - 1] &&
               c->t->v[s - 1].base_len == c->t->v[s - 1].len &&
               headline_name_word(c, lower, s - 1, 0))
            s--;
        /* "Food And Agriculture Organization": a name word without a head before "and" */
        if (s > a + 1 && s < i + 1 && is_joiner(c, s - 1) && !cover[s - 2] &&
            headline_name_word(c, lower, s - 2, 0) && !has_fact(c, s - 2, WF_ORG_HEAD)) {
            size_t k = s - 2;
            while (k > a && s - k < 3 && !cover[k - 1] && headline_name_word(c, lower, k - 1, 0) &&
                   !has_fact(c, k - 1, WF_ORG_HEAD))
                k--;
            s = k;
        }
        e = i + 1;
        for (;;) {
            /* more head words ("Bank Group"), then "of" and one to three name words, or
             * "for" and two or three */
            while (e < b && e - s < NW_ENT_ORG_TOKENS &&
                   c->t->v[e - 1].base_len == c->t->v[e - 1].len && is_cap(c, e) &&
                   !(c->t->v[e].flags & NW_TOK_UPPER) && has_fact(c, e, WF_ORG_HEAD))
                e++;
            if (e + 1 < b && c->t->v[e - 1].base_len == c->t->v[e - 1].len &&
                (nw_tok_eq(c->t, e, "of") || nw_tok_eq(c->t, e, "for"))) {
                size_t f = e + 1, g;
                if (nw_tok_eq(c->t, f, "the") && f + 1 < b)
                    f++;
                g = f;
                while (g < b && g - f < 3 &&
                       (g == f || c->t->v[g - 1].base_len == c->t->v[g - 1].len) &&
                       headline_name_word(c, lower, g, 1))
                    g++;
                /* "For Strategic Studies", not "For Support" */
                if (g > f + (nw_tok_eq(c->t, e, "for") ? 1 : 0) && g - s <= NW_ENT_ORG_TOKENS) {
                    e = g;
                    continue;
                }
            }
            break;
        }
        if (e - s >= 2) {
            for (size_t k = s; k < e; k++)
                cover[k] = 1;
            spans[2 * *nspans] = s;
            spans[2 * *nspans + 1] = e;
            (*nspans)++;
        }
        i = e;
    }
    return NW_OK;
}

/* Words at which a tagger span in a headline line is cut: prepositions and conjunctions a
 * headline capitalizes, besides its verbs and break words (not "New", "A." or "Jan", which
 * stand inside names). */
static const char *const headline_cuts[] = {"after", "against", "as",     "at",    "before", "but",
                                            "by",    "despite", "during", "from",  "in",     "into",
                                            "on",    "over",    "to",     "under", "with"};

static int headline_cut(const struct ctx *c, size_t i)
{
    return nw_tok_word_in(c->t, i, headline_cuts, sizeof(headline_cuts) / sizeof(*headline_cuts)) ||
           nw_tok_word_in(c->t, i, headline_breaks,
                          sizeof(headline_breaks) / sizeof(*headline_breaks)) ||
           nw_tok_word_in(c->t, i, headline_verbs,
                          sizeof(headline_verbs) / sizeof(*headline_verbs));
}

/* A tagger span [a, b) in a headline line, outside its organizations: cut at the
 * headline's own words ("Ajay Banga In Washington"); the first part keeps the tagger's
 * label, a later part counts only as a place the gazetteer knows. */
static enum nw_status headline_span(struct ctx *c, int tag, size_t a, size_t b)
{
    enum nw_status r = NW_OK;
    size_t p = a;
    int first = 1;
    while (p < b && r == NW_OK) {
        size_t q = p;
        int hits[NW_ENT_GAZ_HITS];
        while (q < b && !(is_cap(c, q) && headline_cut(c, q)))
            q++;
        if (q > p) {
            if (first)
                r = tagged_span(c, tag, p, q);
            else if (gaz_lookup(c, p, q, hits) > 0)
                r = tagged_span(c, NW_TAG_B_LOC, p, q);
        }
        first = 0;
        p = q + 1;
    }
    return r;
}

/* The organizations of every headline line of the text, by rule; *nspans of them. */
static enum nw_status find_headline_orgs(struct ctx *c, uint8_t *cover, size_t *spans,
                                         size_t *nspans, size_t max_spans)
{
    struct nw_strmap lower;
    int built = 0;
    enum nw_status r = NW_OK;
    size_t a = 0;
    *nspans = 0;
    if ((r = nw_strmap_init(&lower, 256)) != NW_OK)
        return r;
    while (a < c->t->n && r == NW_OK) {
        size_t b = a;
        while (b < c->t->n && !(c->t->v[b].flags & NW_TOK_PARA))
            b++;
        if (b > a && is_headline_line(c, a, b)) {
            r = headline_orgs(c, &lower, &built, a, b, cover, spans, nspans, max_spans);
            for (size_t k = a; k < b; k++)
                if (!cover[k])
                    cover[k] = 2; /* in a headline line, in no organization */
        }
        a = b + 1;
    }
    nw_strmap_fini(&lower);
    return r;
}

enum nw_status nw_entities_extract_tagged(const struct nw_gazetteer *gaz,
                                          const struct nw_tagger *tagger,
                                          const struct nw_toks *toks, struct nw_entities *out)
{
    enum nw_status result = NW_OK;
    struct ctx c;
    struct nw_tagger_tok *v = NULL;
    size_t *map = NULL, *map_end = NULL, n = 0;
    uint8_t *tags = NULL, *cover = NULL;
    size_t hl_spans[2 * NW_ENT_HEADLINE_ORGS], n_hl = 0;
    int para = 1, abbrev_before = 0;

    memset(out, 0, sizeof(*out));
    memset(&c, 0, sizeof(c));
    c.gaz = gaz;
    c.t = toks;
    c.out = out;
    c.facts = nw_calloc(toks->n ? toks->n : 1, sizeof(*c.facts));
    /* a token with a possessive becomes two: "Dar" and "'s", as the corpus writes them */
    v = nw_malloc((2 * toks->n + 1) * sizeof(*v));
    map = nw_malloc((2 * toks->n + 1) * sizeof(*map));
    map_end = nw_malloc((2 * toks->n + 1) * sizeof(*map_end));
    tags = nw_malloc(2 * toks->n + 1);
    cover = nw_calloc(toks->n + 1, 1);
    if (!c.facts || !v || !map || !map_end || !tags || !cover) {
        result = NW_ENOMEM;
        goto out;
    }
    if ((result = nw_strmap_init(&c.lower, 16)) != NW_OK ||
        (result = nw_strmap_init(&c.index, NW_ENT_MAX)) != NW_OK ||
        (result = nw_strmap_init(&c.acronyms, 256)) != NW_OK)
        goto out;
    for (size_t i = 0; i < toks->n; i++) {
        const struct nw_tok *t = &toks->v[i];
        if (t->flags & NW_TOK_PARA) {
            para = 1;
            continue;
        }
        v[n].s = toks->text + t->off;
        v[n].len = t->base_len;
        v[n].flags =
            (para || ((t->flags & NW_TOK_SENT_START) && !abbrev_before)) ? NW_TAGGER_SENT_START : 0;
        map[n] = map_end[n] = i;
        abbrev_before = 0;
        para = 0;
        /* initials and short titles keep their dot, as the corpus writes them ("C.",
         * "Mr."), and start no sentence */
        if (t->base_len == t->len && i + 1 < toks->n && nw_tok_is(toks, i + 1, '.') &&
            toks->v[i + 1].off == t->off + t->len && is_abbrev(toks, i)) {
            v[n].len++;
            map_end[n] = ++i;
            abbrev_before = 1;
        }
        n++;
        if (t->base_len < t->len) {
            v[n].s = toks->text + t->off + t->base_len;
            v[n].len = t->len - t->base_len;
            v[n].flags = 0;
            map[n] = map_end[n] = i;
            n++;
        }
    }
    if ((result = nw_tagger_prepare(gaz, v, n)) != NW_OK)
        goto out;
    nw_tagger_tag(tagger, v, n, tags);
    if ((result = find_headline_orgs(&c, cover, hl_spans, &n_hl, NW_ENT_HEADLINE_ORGS)) != NW_OK)
        goto out;
    for (size_t k = 0; k < n_hl; k++)
        if ((result = tagged_span(&c, NW_TAG_B_ORG, hl_spans[2 * k], hl_spans[2 * k + 1])) != NW_OK)
            goto out;
    for (size_t k = 0; k < n;) {
        int tag = tags[k];
        size_t e = k + 1;
        int covered = 0;
        if (tag == NW_TAG_O || (tag & 1) == 0) { /* O, or an I- the decoder never starts */
            k++;
            continue;
        }
        while (e < n && tags[e] == tag + 1)
            e++;
        for (size_t q = map[k]; n_hl && q <= map_end[e - 1] && !covered; q++)
            covered = cover[q] == 1;
        if (covered) { /* a headline's organization found by rule */
            k = e;
            continue;
        }
        /* a place and an organization's head word after it is the organization:
         * "Pakistan Army", "Kenya Airways" */
        if (tag == NW_TAG_B_LOC && e < n && tags[e] == NW_TAG_O && map[e] == map_end[e] &&
            !(v[e].flags & NW_TAGGER_SENT_START) && is_cap(&c, map[e]) &&
            !(toks->v[map[e]].flags & NW_TOK_UPPER) && has_fact(&c, map[e], WF_ORG_HEAD)) {
            tag = NW_TAG_B_ORG;
            e++;
        }
        if (cover[map[k]] == 2) { /* a name the tagger ran over a headline's words */
            if ((result = headline_span(&c, tag, map[k], map_end[e - 1] + 1)) != NW_OK)
                goto out;
            k = e;
            continue;
        }
        e = joined_org(&c, tags, map, map_end, n, k, e, &tag);
        if (map[k] >= c.skip_until &&
            (result = tagged_span(&c, tag, joined_before(&c, v, tags, map, map_end, k, e, tag),
                                  org_tail(&c, tag, map[k], map_end[e - 1] + 1))) != NW_OK)
            goto out;
        k = e;
        while (k < n && map[k] < c.tail_end)
            k++; /* the tokens an organization's "of ..." took */
    }
    if ((result = resolve_tagged_locations(&c)) != NW_OK)
        goto out;
    consolidate(&c);
    merge_persons(&c);
    sort_mentions(out);
out:
    ctx_fini(&c);
    nw_free(v);
    nw_free(map);
    nw_free(map_end);
    nw_free(tags);
    nw_free(cover);
    if (result != NW_OK)
        nw_entities_fini(out);
    return result;
}
