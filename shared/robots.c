/* robots.c — robots.txt parsing and matching (RFC 9309). */
#define _GNU_SOURCE /* memmem: linear-time substring search */
#include "robots.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct rule {
    char *pattern; /* normalized: non-ASCII and controls percent-encoded, hex upper case */
    size_t len;
    int allow;
};

struct rule_list {
    struct rule *rules;
    size_t n, cap;
    long delay_ms; /* -1: none */
};

struct nw_robots {
    struct rule_list rules; /* the ones that apply to the agent */
    char **sitemaps;
    size_t n_sitemaps, cap_sitemaps;
};

static void list_fini(struct rule_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        nw_free(l->rules[i].pattern);
    nw_free(l->rules);
    l->rules = NULL;
    l->n = l->cap = 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-encodes octets that are not printable ASCII and upper-cases existing escapes,
 * so a pattern and a path written differently for the same octets compare equal.
 * Returns a new string (NULL on allocation failure). */
static char *normalize(const char *s, size_t len, size_t *out_len)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = nw_malloc(len * 3 + 1), *o = out;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            *o++ = '%';
            *o++ = (char)toupper((unsigned char)s[i + 1]);
            *o++ = (char)toupper((unsigned char)s[i + 2]);
            i += 2;
        } else if (c <= 0x20 || c >= 0x7f) {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        } else {
            *o++ = (char)c;
        }
    }
    *o = '\0';
    *out_len = (size_t)(o - out);
    return out;
}

static int list_add(struct rule_list *l, const char *value, size_t len, int allow)
{
    struct rule *r;

    if (l->n >= NW_ROBOTS_MAX_RULES)
        return 0; /* bounded: later rules are ignored */
    if (nw_grow_array((void **)&l->rules, &l->cap, l->n + 1, 16, sizeof(*l->rules)))
        return -1;
    r = &l->rules[l->n];
    r->pattern = normalize(value, len, &r->len);
    if (!r->pattern)
        return -1;
    r->allow = allow;
    l->n++;
    return 0;
}

/* Does pattern (with '*' and a final '$') match a prefix of path? Each literal segment
 * between stars is matched at its leftmost possible place, which is optimal for patterns
 * whose only wildcard is '*': linear per segment, no backtracking. */
static int pattern_matches(const char *pat, size_t plen, const char *path, size_t len)
{
    int anchored = plen > 0 && pat[plen - 1] == '$';
    size_t pos = 0, i = 0;
    int first = 1;

    if (anchored)
        plen--;
    while (i <= plen) {
        size_t j = i;
        while (j < plen && pat[j] != '*')
            j++;
        {
            size_t seg = j - i;
            int last = j >= plen;
            if (first) {
                if (seg > len || memcmp(path, pat + i, seg))
                    return 0;
                pos = seg;
                if (last)
                    return !anchored || pos == len;
            } else if (last && anchored) {
                /* The last segment must end the path, after what matched so far. */
                return len - pos >= seg && !memcmp(path + len - seg, pat + i, seg);
            } else if (seg > 0) {
                const char *hit = memmem(path + pos, len - pos, pat + i, seg);
                if (!hit)
                    return 0;
                pos = (size_t)(hit - path) + seg;
            }
            if (last)
                return 1;
        }
        first = 0;
        i = j + 1; /* past the star */
    }
    return 1;
}

/* ---- parsing -------------------------------------------------------------------------- */

struct parser {
    const char *token; /* our product token */
    size_t token_len;
    struct rule_list mine, star;
    int seen_mine; /* some group names our token */
    int in_agents; /* the last member line was a user-agent line */
    int cur_mine;  /* the current group applies to us */
    int cur_star;  /* the current group is a '*' group */
    int in_group;  /* a user-agent line has been seen */
    int failed;    /* out of memory */
    struct nw_robots *r;
};

static int key_is(const char *k, size_t klen, const char *name)
{
    return strlen(name) == klen && !strncasecmp(k, name, klen);
}

static int agent_matches(struct parser *p, const char *v, size_t vlen)
{
    size_t n = 0;

    /* "newsworker/1.0" or "newsworker (bot)" in the file names the product token. */
    while (n < vlen && v[n] != '/' && v[n] != ' ' && v[n] != '\t')
        n++;
    return n > 0 && n == p->token_len && !strncasecmp(v, p->token, n);
}

/* Seconds, possibly fractional ("2", "0.5"); -1 if not a number. */
static long parse_delay_ms(const char *v, size_t vlen)
{
    long long ms = 0;
    size_t i = 0;
    int digits = 0;

    for (; i < vlen && isdigit((unsigned char)v[i]); i++, digits++) {
        ms = ms * 10 + (v[i] - '0') * 1000;
        if (ms > NW_ROBOTS_MAX_DELAY_MS)
            return NW_ROBOTS_MAX_DELAY_MS;
    }
    if (i < vlen && v[i] == '.') {
        long long scale = 100;
        for (i++; i < vlen && isdigit((unsigned char)v[i]); i++, digits++) {
            ms += (v[i] - '0') * scale;
            scale /= 10;
        }
    }
    if (!digits || i != vlen)
        return -1;
    return (long)ms;
}

static void add_sitemap(struct parser *p, const char *v, size_t vlen)
{
    struct nw_robots *r = p->r;
    char *copy;

    if (!vlen || r->n_sitemaps >= NW_ROBOTS_MAX_SITEMAPS)
        return;
    if (nw_grow_array((void **)&r->sitemaps, &r->cap_sitemaps, r->n_sitemaps + 1, 4,
                      sizeof(*r->sitemaps))) {
        p->failed = 1;
        return;
    }
    copy = nw_malloc(vlen + 1);
    if (!copy) {
        p->failed = 1;
        return;
    }
    memcpy(copy, v, vlen);
    copy[vlen] = '\0';
    r->sitemaps[r->n_sitemaps++] = copy;
}

static void take_line(struct parser *p, const char *line, size_t len)
{
    const char *hash = memchr(line, '#', len);
    const char *colon, *k, *v;
    size_t klen, vlen;

    if (hash)
        len = (size_t)(hash - line);
    colon = memchr(line, ':', len);
    if (!colon)
        return;
    k = line;
    klen = (size_t)(colon - line);
    while (klen && isspace((unsigned char)*k))
        k++, klen--;
    while (klen && isspace((unsigned char)k[klen - 1]))
        klen--;
    v = colon + 1;
    vlen = len - (size_t)(v - line);
    while (vlen && isspace((unsigned char)*v))
        v++, vlen--;
    while (vlen && isspace((unsigned char)v[vlen - 1]))
        vlen--;

    if (key_is(k, klen, "user-agent")) {
        if (!p->in_agents) {
            p->cur_mine = p->cur_star = 0;
            p->in_agents = 1;
            p->in_group = 1;
        }
        if (vlen == 1 && v[0] == '*')
            p->cur_star = 1;
        else if (agent_matches(p, v, vlen))
            p->cur_mine = p->seen_mine = 1;
        return;
    }
    if (key_is(k, klen, "sitemap")) {
        add_sitemap(p, v, vlen); /* not a group member: the group goes on */
        return;
    }
    if (key_is(k, klen, "allow") || key_is(k, klen, "disallow")) {
        int allow = key_is(k, klen, "allow");
        p->in_agents = 0;
        if (!p->in_group || vlen == 0) /* "Disallow:" with no path is no rule */
            return;
        if ((p->cur_mine && list_add(&p->mine, v, vlen, allow)) ||
            (p->cur_star && list_add(&p->star, v, vlen, allow)))
            p->failed = 1;
        return;
    }
    if (key_is(k, klen, "crawl-delay")) {
        long ms = parse_delay_ms(v, vlen);
        p->in_agents = 0;
        if (!p->in_group || ms < 0)
            return;
        if (p->cur_mine && ms > p->mine.delay_ms)
            p->mine.delay_ms = ms;
        if (p->cur_star && ms > p->star.delay_ms)
            p->star.delay_ms = ms;
        return;
    }
    /* Other lines (Host:, Clean-param:, typos) are ignored and end no group. */
}

struct nw_robots *nw_robots_parse(const char *text, size_t len, const char *agent)
{
    struct parser p;
    size_t i = 0;

    memset(&p, 0, sizeof(p));
    p.mine.delay_ms = p.star.delay_ms = -1;
    p.token = agent ? agent : "";
    while (p.token[p.token_len] && (isalpha((unsigned char)p.token[p.token_len]) ||
                                    p.token[p.token_len] == '_' || p.token[p.token_len] == '-'))
        p.token_len++;
    p.r = nw_calloc(1, sizeof(*p.r));
    if (!p.r)
        return NULL;
    p.r->rules.delay_ms = -1;
    if (!text)
        len = 0;
    if (len > NW_ROBOTS_MAX_BYTES) {
        /* Cut at the last line end before the limit: half a rule ("Allow: /" of
         * "Allow: /public/") could allow more than the file does. */
        len = NW_ROBOTS_MAX_BYTES;
        while (len > 0 && text[len - 1] != '\n' && text[len - 1] != '\r')
            len--;
    }
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && !p.failed) {
        size_t start = i;
        while (i < len && text[i] != '\n' && text[i] != '\r')
            i++;
        if (i - start <= NW_ROBOTS_MAX_LINE)
            take_line(&p, text + start, i - start);
        if (i < len && text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
            i++;
        i++;
    }
    if (p.failed) {
        list_fini(&p.mine);
        list_fini(&p.star);
        nw_robots_destroy(p.r);
        return NULL;
    }
    if (p.seen_mine) {
        p.r->rules = p.mine;
        list_fini(&p.star);
    } else {
        p.r->rules = p.star;
        list_fini(&p.mine);
    }
    return p.r;
}

void nw_robots_destroy(struct nw_robots *r)
{
    if (!r)
        return;
    list_fini(&r->rules);
    for (size_t i = 0; i < r->n_sitemaps; i++)
        nw_free(r->sitemaps[i]);
    nw_free(r->sitemaps);
    nw_free(r);
}

int nw_robots_allowed(const struct nw_robots *r, const char *path)
{
    size_t len, best_len = 0;
    int found = 0, allow = 1;
    char *norm;

    if (!r || !r->rules.n || !path)
        return 1;
    if (!strcmp(path, "/robots.txt"))
        return 1;
    norm = normalize(path, strlen(path), &len);
    if (!norm)
        return 0; /* out of memory: do not fetch what we cannot check */
    for (size_t i = 0; i < r->rules.n; i++) {
        const struct rule *rule = &r->rules.rules[i];
        if (found && (rule->len < best_len || (rule->len == best_len && !rule->allow)))
            continue; /* cannot beat the current best */
        if (!pattern_matches(rule->pattern, rule->len, norm, len))
            continue;
        if (!found || rule->len > best_len || rule->allow) {
            found = 1;
            best_len = rule->len;
            allow = rule->allow;
        }
    }
    nw_free(norm);
    return allow;
}

long nw_robots_crawl_delay_ms(const struct nw_robots *r)
{
    return r ? r->rules.delay_ms : -1;
}

size_t nw_robots_sitemap_count(const struct nw_robots *r)
{
    return r ? r->n_sitemaps : 0;
}

const char *nw_robots_sitemap(const struct nw_robots *r, size_t i)
{
    return r && i < r->n_sitemaps ? r->sitemaps[i] : NULL;
}

size_t nw_robots_rule_count(const struct nw_robots *r)
{
    return r ? r->rules.n : 0;
}
