/* gazetteer.c — ISO 3166 names and embedded place tables behind one folded-key map. */
#include "gazetteer.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "gazetteer_data.h"
#include "iso_table.h"
#include "mem.h"
#include "strmap.h"

#define NW_GAZ_MAX_ENTRIES 20000
#define NW_GAZ_KEY_MAX 96
#define NW_GAZ_FOLD_MAX 256 /* code points folded on the stack; longer text uses the heap */
#define NW_GAZ_MIN_SUBDIV_NAME 4
#define NW_GAZ_FILE_MAX (64u << 20) /* an iso-codes file larger than this is refused */

struct chain {
    int entry;
    int next; /* next chain node of the same key, or -1 */
};

struct nw_gazetteer {
    struct nw_gaz_entry *v;
    size_t n, cap;
    struct chain *nodes; /* one per (key, entry) pair */
    size_t nnodes, nodes_cap;
    struct nw_strmap map; /* key -> first chain node */
};

/* Subdivision names that are ordinary words in English text ("Central Command"). */
static const char *const generic_names[] = {
    "central",    "north",      "south",      "east",      "west",      "northern",  "southern",
    "eastern",    "western",    "capital",    "centre",    "center",    "coast",     "coastal",
    "islands",    "island",     "lakes",      "lake",      "upper",     "lower",     "north-east",
    "north-west", "south-east", "south-west", "northeast", "northwest", "southeast", "southwest",
    "mountain",   "mountains",  "plateau",    "valley",    "river",     "federal",   "national",
    "interior",   "littoral",   "highlands",  "lowlands",  "border",    "frontier",  "orient",
    "oriental",   "occidental", "sud",        "nord",      "est",       "ouest",     "la",
    "le",         "city",       "district",   "region",    "province",  "state",     "territory",
    "metro",      "greater",    "inner",      "outer",     "middle",    "mid",       "great",
    "little",     "saint",      "santa",      "san",       "grand",     "new",       "old",

    "bay",
};

static int is_generic(const char *key)
{
    for (size_t i = 0; i < sizeof(generic_names) / sizeof(generic_names[0]); i++)
        if (key[0] == generic_names[i][0] && strcmp(key, generic_names[i]) == 0)
            return 1;
    return 0;
}

/* snprintf(out, size, "%.*s", (int)len, s) without the formatting machinery (thousands
 * of names at every start): at most size - 1 bytes of s, NUL-terminated. */
static void copy_name(char *out, size_t size, const char *s, size_t len)
{
    if (len > size - 1)
        len = size - 1;
    memcpy(out, s, len);
    out[len] = '\0';
}

size_t nw_gazetteer_key(const char *s, size_t len, char *out, size_t out_size)
{
    unsigned char *folded = NULL;
    utf8proc_int32_t cps[NW_GAZ_FOLD_MAX]; /* the folded text of a short name, see below */
    const unsigned char *src = (const unsigned char *)s;
    size_t n = 0, srclen = len;
    int space = 0, ascii = 1;

    if (!s || !len || out_size < 2)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (src[i] >= 0x80) {
            ascii = 0;
            break;
        }
    if (!ascii) {
        const utf8proc_option_t opts =
            UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD;
        /* what utf8proc_map does (decompose, then compose and re-encode in place), into a
         * buffer on the stack: names are short, and the entity pass folds hundreds of
         * capitalized words per text, each a malloc and free with utf8proc_map */
        utf8proc_ssize_t r =
            utf8proc_decompose(src, (utf8proc_ssize_t)len, cps, NW_GAZ_FOLD_MAX, opts);
        if (r < 0)
            return 0;
        if (r <= NW_GAZ_FOLD_MAX) {
            r = utf8proc_reencode(cps, r, opts);
            if (r < 0)
                return 0;
            src = (const unsigned char *)cps;
        } else {
            r = utf8proc_map(src, (utf8proc_ssize_t)len, &folded, opts);
            if (r < 0)
                return 0;
            src = folded;
        }
        srclen = (size_t)r;
    }
    for (size_t i = 0; i < srclen; i++) {
        unsigned char c = src[i];
        if (c == '.')
            continue;
        if (c == ' ' || c == '\t' || c == '\n') {
            space = n > 0;
            continue;
        }
        if (i + 2 < srclen && c == 0xE2 && src[i + 1] == 0x80 && src[i + 2] == 0x99) {
            c = '\'';
            i += 2;
        }
        if (space) {
            if (n + 1 >= out_size)
                goto toolong;
            out[n++] = ' ';
            space = 0;
        }
        if (n + 1 >= out_size)
            goto toolong;
        out[n++] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
    }
    out[n] = '\0';
    free(folded);
    return n;
toolong:
    free(folded);
    out[0] = '\0';
    return 0;
}

static int add_entry(struct nw_gazetteer *g, const char *name, const char *code, const char *cc,
                     int kind)
{
    struct nw_gaz_entry *e;
    if (g->n >= NW_GAZ_MAX_ENTRIES)
        return -1;
    if (nw_grow_array((void **)&g->v, &g->cap, g->n + 1, 512, sizeof(*g->v)))
        return -1;
    e = &g->v[g->n];
    memset(e, 0, sizeof(*e));
    e->name = nw_strdup(name);
    if (!e->name)
        return -1;
    if (code)
        copy_name(e->code, sizeof(e->code), code, strlen(code));
    if (cc)
        copy_name(e->cc, sizeof(e->cc), cc, strlen(cc));
    e->kind = kind;
    return (int)g->n++;
}

static int add_node(struct nw_gazetteer *g, int entry, int next)
{
    if (g->nnodes >= 2 * NW_GAZ_MAX_ENTRIES)
        return -1;
    if (nw_grow_array((void **)&g->nodes, &g->nodes_cap, g->nnodes + 1, 1024, sizeof(*g->nodes)))
        return -1;
    g->nodes[g->nnodes].entry = entry;
    g->nodes[g->nnodes].next = next;
    return (int)g->nnodes++;
}

/* Maps key (klen bytes; 0: nothing) to entry idx, appending to the list of an existing key
 * (an entry already listed under the key is not added twice). */
static enum nw_status map_key(struct nw_gazetteer *g, const char *key, size_t klen, int idx)
{
    int *slot, cur, node;
    enum nw_status result;

    if (klen == 0)
        return NW_OK;
    slot = nw_strmap_get(&g->map, key, klen);
    if (!slot) {
        node = add_node(g, idx, -1);
        if (node < 0)
            return NW_ENOMEM;
        result = nw_strmap_put(&g->map, key, klen, node, NULL);
        return result;
    }
    for (cur = *slot;; cur = g->nodes[cur].next) {
        if (g->nodes[cur].entry == idx)
            return NW_OK;
        if (g->nodes[cur].next < 0)
            break;
    }
    node = add_node(g, idx, -1);
    if (node < 0)
        return NW_ENOMEM;
    g->nodes[cur].next = node;
    return NW_OK;
}

/* map_key for the key of name (len bytes). */
static enum nw_status map_name(struct nw_gazetteer *g, const char *name, size_t len, int idx)
{
    char key[NW_GAZ_KEY_MAX];
    return map_key(g, key, nw_gazetteer_key(name, len, key, sizeof(key)), idx);
}

int nw_gazetteer_country(const struct nw_gazetteer *g, const char *cc)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->v[i].kind == NW_GAZ_COUNTRY && strcmp(g->v[i].code, cc) == 0)
            return (int)i;
    return -1;
}

/* Reads the file at path whole into a NUL-terminated nw_malloc'd buffer (*len bytes);
 * NULL when it cannot be read (errno says why) or is larger than NW_GAZ_FILE_MAX. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f;
    char *data = NULL;
    long size;

    errno = 0;
    f = fopen(path, "rb");
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
        (unsigned long)size <= NW_GAZ_FILE_MAX && fseek(f, 0, SEEK_SET) == 0 &&
        (data = nw_malloc((size_t)size + 1)) != NULL) {
        if (fread(data, 1, (size_t)size, f) == (size_t)size) {
            data[size] = '\0';
            *len = (size_t)size;
        } else {
            nw_free(data);
            data = NULL;
        }
    }
    fclose(f);
    return data;
}

/* Loads iso-codes' iso_<standard>.json from dir; *arr is its "<standard>" array, owned by
 * *root (the caller json_decref's *root, also on failure, where it may be NULL). The file
 * is read whole and parsed from memory, which spares Jansson's one-fgetc-a-byte reader.
 * Only for an explicit directory: the default lists are built in (iso_table.h). */
static enum nw_status load_iso_list(const char *dir, const char *standard, json_t **root,
                                    json_t **arr, char *errstr, size_t errstr_size)
{
    char path[4096];
    json_error_t jerr;
    size_t len = 0;
    char *data;

    snprintf(path, sizeof(path), "%s/iso_%s.json", dir, standard);
    data = read_file(path, &len);
    if (!data) {
        *root = NULL;
        return nw_fail(NW_EIO, errstr, errstr_size, "gazetteer: cannot read %s: %s", path,
                       errno ? strerror(errno) : "too large or unreadable");
    }
    *root = json_loadb(data, len, 0, &jerr);
    nw_free(data);
    *arr = *root ? json_object_get(*root, standard) : NULL;
    if (json_is_array(*arr))
        return NW_OK;
    if (*root)
        return nw_fail(NW_EIO, errstr, errstr_size, "gazetteer: cannot read %s: no %s array", path,
                       standard);
    return nw_fail(NW_EIO, errstr, errstr_size, "gazetteer: cannot read %s: %s", path, jerr.text);
}

/* Adds the country of one iso_3166-1 row (any field may be NULL: the row is skipped
 * without code or name). */
static enum nw_status add_country(struct nw_gazetteer *g, const char *code, const char *name,
                                  const char *common, const char *official)
{
    enum nw_status result;
    const char *display = common ? common : name;
    char shortname[128];
    int idx;

    if (!code || !name || strlen(code) != 2)
        return NW_OK;
    /* "Palestine, State of" reads better as "Palestine" */
    if (!common && strchr(name, ',')) {
        snprintf(shortname, sizeof(shortname), "%.*s", (int)(strchr(name, ',') - name), name);
        display = shortname;
    }
    /* an alias marked '*' names the country better than ISO does */
    for (size_t k = 0; k < sizeof(nw_gaz_aliases) / sizeof(nw_gaz_aliases[0]); k++) {
        const char *a = nw_gaz_aliases[k], *bar = strchr(a, '|');
        if (bar && strcmp(bar + 1, code) == 0 && bar > a && bar[-1] == '*') {
            snprintf(shortname, sizeof(shortname), "%.*s", (int)(bar - a - 1), a);
            display = shortname;
        }
    }
    idx = add_entry(g, display, code, code, NW_GAZ_COUNTRY);
    if (idx < 0)
        return NW_ENOMEM;
    if ((result = map_name(g, name, strlen(name), idx)) != NW_OK ||
        (result = map_name(g, display, strlen(display), idx)) != NW_OK ||
        (common && (result = map_name(g, common, strlen(common), idx)) != NW_OK) ||
        (official && (result = map_name(g, official, strlen(official), idx)) != NW_OK))
        return result;
    if (strchr(name, ','))
        return map_name(g, name, (size_t)(strchr(name, ',') - name), idx);
    return NW_OK;
}

/* The countries of iso_3166-1.json in dir, or of the built-in table when dir is NULL. */
static enum nw_status load_countries(struct nw_gazetteer *g, const char *dir, char *errstr,
                                     size_t errstr_size)
{
    enum nw_status result = NW_OK;
    json_t *root = NULL, *arr;
    size_t i;
    json_t *item;

    if (!dir) {
        for (i = 0; i < nw_iso_ncountries && result == NW_OK; i++) {
            const struct nw_iso_country *c = &nw_iso_countries[i];
            result = add_country(g, c->alpha_2, c->name, c->common_name, c->official_name);
        }
        goto out;
    }
    result = load_iso_list(dir, "3166-1", &root, &arr, errstr, errstr_size);
    if (result != NW_OK)
        goto out;
    json_array_foreach(arr, i, item)
    {
        result = add_country(g, json_string_value(json_object_get(item, "alpha_2")),
                             json_string_value(json_object_get(item, "name")),
                             json_string_value(json_object_get(item, "common_name")),
                             json_string_value(json_object_get(item, "official_name")));
        if (result != NW_OK)
            goto out;
    }
out:
    if (result != NW_OK && result != NW_EIO)
        nw_fail(result, errstr, errstr_size, "gazetteer: out of memory");
    json_decref(root);
    return result;
}

static enum nw_status load_table(struct nw_gazetteer *g, const char *const *table, size_t n,
                                 int kind)
{
    enum nw_status result = NW_OK;
    for (size_t i = 0; i < n; i++) {
        const char *a = table[i], *bar = strchr(a, '|');
        size_t nlen = bar ? (size_t)(bar - a) : strlen(a);
        char name[128];
        int idx;

        if (nlen > 0 && a[nlen - 1] == '*')
            nlen--;
        snprintf(name, sizeof(name), "%.*s", (int)nlen, a);
        if (kind == NW_GAZ_COUNTRY) {
            /* aliases and adjectives point at the country entry */
            idx = bar ? nw_gazetteer_country(g, bar + 1) : -1;
            if (idx < 0)
                continue;
        } else {
            idx = add_entry(g, name, "", bar ? bar + 1 : "", kind);
            if (idx < 0)
                return NW_ENOMEM;
        }
        result = map_name(g, name, nlen, idx);
        if (result != NW_OK)
            return result;
    }
    return result;
}

static int is_major_type(const char *type)
{
    static const char *const majors[] = {
        "State",      "Province",          "province", "Territory",    "territory",
        "Emirate",    "Governorate",       "Country",  "Nation",       "Federal district",
        "Autonomous", "administered area", "Region",   "Municipality", "Special administrative"};
    if (!type)
        return 0;
    for (size_t i = 0; i < sizeof(majors) / sizeof(majors[0]); i++)
        if (strstr(type, majors[i]))
            return 1;
    return 0;
}

/* Adds the subdivision of one first-level iso_3166-2 row (code or name NULL: skipped). */
static enum nw_status add_subdivision(struct nw_gazetteer *g, const char *code, const char *name,
                                      const char *type)
{
    char key[NW_GAZ_KEY_MAX], cc[3];
    size_t nlen, klen;
    int idx, *first;

    if (!code || !name || strlen(code) < 4 || strlen(code) >= 8)
        return NW_OK;
    nlen = strcspn(name, "([,");
    while (nlen > 0 && name[nlen - 1] == ' ')
        nlen--;
    klen = nw_gazetteer_key(name, nlen, key, sizeof(key));
    if (klen < NW_GAZ_MIN_SUBDIV_NAME || is_generic(key) || strpbrk(key, "0123456789"))
        return NW_OK;
    cc[0] = code[0];
    cc[1] = code[1];
    cc[2] = '\0';
    first = nw_strmap_get(&g->map, key, klen);
    if (first) {
        /* a city of the same name that is itself this subdivision (capital territory,
         * city municipality) carries its code: Islamabad -> PK-IS */
        for (int node = *first; node >= 0; node = g->nodes[node].next) {
            struct nw_gaz_entry *c = &g->v[g->nodes[node].entry];
            if (c->kind == NW_GAZ_CITY && strcmp(c->cc, cc) == 0 && type &&
                (strstr(type, "apital") || strstr(type, "ity") || strstr(type, "unicipality")))
                snprintf(c->code, sizeof(c->code), "%s", code);
        }
    }
    {
        char display[128];
        copy_name(display, sizeof(display), name, nlen);
        idx = add_entry(g, display, code, cc, NW_GAZ_SUBDIV);
    }
    if (idx < 0)
        return NW_ENOMEM;
    g->v[idx].major = is_major_type(type);
    return map_key(g, key, klen, idx); /* the key of name[0, nlen), as map_name would fold it */
}

/* The first-level subdivisions of iso_3166-2.json in dir, or of the built-in table when
 * dir is NULL (second-level ones, with a "parent", are too fine for news text). */
static enum nw_status load_subdivisions(struct nw_gazetteer *g, const char *dir, char *errstr,
                                        size_t errstr_size)
{
    enum nw_status result = NW_OK;
    json_t *root = NULL, *arr, *item;
    size_t i;

    if (!dir) {
        for (i = 0; i < nw_iso_nsubdivs && result == NW_OK; i++)
            result = add_subdivision(g, nw_iso_subdivs[i].code, nw_iso_subdivs[i].name,
                                     nw_iso_subdivs[i].type);
    } else {
        result = load_iso_list(dir, "3166-2", &root, &arr, errstr, errstr_size);
        if (result != NW_OK)
            goto out;
        json_array_foreach(arr, i, item)
        {
            if (json_object_get(item, "parent"))
                continue;
            result = add_subdivision(g, json_string_value(json_object_get(item, "code")),
                                     json_string_value(json_object_get(item, "name")),
                                     json_string_value(json_object_get(item, "type")));
            if (result != NW_OK)
                break;
        }
    }
    if (result == NW_ENOMEM)
        nw_fail(result, errstr, errstr_size, "gazetteer: out of memory");
    else if (result != NW_OK)
        nw_fail(result, errstr, errstr_size, "gazetteer: too many names");
out:
    json_decref(root);
    return result;
}

struct nw_gazetteer *nw_gazetteer_create(const char *iso_codes_dir, char *errstr,
                                         size_t errstr_size)
{
    enum nw_status result;
    struct nw_gazetteer *g = nw_calloc(1, sizeof(*g));
    const char *dir = iso_codes_dir; /* NULL: the tables built in from NW_ISO_CODES_DIR */

    if (!g) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "gazetteer: out of memory");
        return NULL;
    }
    result = nw_strmap_init(&g->map, NW_GAZ_MAX_ENTRIES);
    if (result != NW_OK) {
        nw_fail(result, errstr, errstr_size, "gazetteer: out of memory");
        goto out;
    }
    if ((result = load_countries(g, dir, errstr, errstr_size)) != NW_OK)
        goto out;
    if ((result = load_table(g, nw_gaz_aliases, sizeof(nw_gaz_aliases) / sizeof(char *),
                             NW_GAZ_COUNTRY)) != NW_OK ||
        (result = load_table(g, nw_gaz_adjectives, sizeof(nw_gaz_adjectives) / sizeof(char *),
                             NW_GAZ_COUNTRY)) != NW_OK ||
        (result = load_table(g, nw_gaz_cities, sizeof(nw_gaz_cities) / sizeof(char *),
                             NW_GAZ_CITY)) != NW_OK ||
        (result = load_table(g, nw_gaz_regions, sizeof(nw_gaz_regions) / sizeof(char *),
                             NW_GAZ_REGION)) != NW_OK) {
        nw_fail(result, errstr, errstr_size, "gazetteer: out of memory");
        goto out;
    }
    result = load_subdivisions(g, dir, errstr, errstr_size);
out:
    if (result != NW_OK) {
        nw_gazetteer_destroy(g);
        return NULL;
    }
    return g;
}

void nw_gazetteer_destroy(struct nw_gazetteer *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n; i++)
        nw_free((char *)g->v[i].name);
    nw_free(g->v);
    nw_free(g->nodes);
    nw_strmap_fini(&g->map);
    nw_free(g);
}

size_t nw_gazetteer_lookup(const struct nw_gazetteer *g, const char *s, size_t len, int *out,
                           size_t max)
{
    char key[NW_GAZ_KEY_MAX];
    size_t klen = nw_gazetteer_key(s, len, key, sizeof(key)), n = 0;
    int *first;

    if (klen == 0)
        return 0;
    if (klen <= 3) {
        /* short keys ("US", "UK", "UAE") only in capitals: "us" is a pronoun */
        for (size_t i = 0; i < len; i++)
            if (s[i] >= 'a' && s[i] <= 'z')
                return 0;
    }
    first = nw_strmap_get(&g->map, key, klen);
    for (int node = first ? *first : -1; node >= 0 && n < max; node = g->nodes[node].next)
        out[n++] = g->nodes[node].entry;
    return n;
}

const struct nw_gaz_entry *nw_gazetteer_entry(const struct nw_gazetteer *g, int index)
{
    if (index < 0 || (size_t)index >= g->n)
        return NULL;
    return &g->v[index];
}
