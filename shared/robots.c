/* robots.c — RFC 9309 robots.txt: groups, longest-match rules, Crawl-delay, Sitemap. */
#include "robots.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"

#define MAX_RULES NW_ROBOTS_MAX_RULES
#define MAX_SITEMAPS NW_ROBOTS_MAX_SITEMAPS
#define MAX_LINE 8192
#define MAX_AGENTS 64

struct rule {
    char *pattern;
    size_t len;
    int allow;
};

struct nw_robots {
    int deny_all;
    struct rule *rules;
    size_t n_rules, cap_rules;
    long delay_ms;
    char **sitemaps;
    size_t n_sitemaps, cap_sitemaps;
};

void nw_robots_destroy(struct nw_robots *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_rules; i++)
        nw_free(r->rules[i].pattern);
    for (size_t i = 0; i < r->n_sitemaps; i++)
        nw_free(r->sitemaps[i]);
    nw_free(r->rules);
    nw_free(r->sitemaps);
    nw_free(r);
}

enum nw_status nw_robots_create_all(int allow, struct nw_robots **out)
{
    struct nw_robots *r = nw_calloc(1, sizeof(*r));

    *out = NULL;
    if (!r)
        return NW_ENOMEM;
    r->delay_ms = -1;
    r->deny_all = !allow;
    *out = r;
    return NW_OK;
}

/* Our product token: the user agent up to '/', ' ' or ';'. */
static size_t token_len(const char *ua)
{
    return strcspn(ua, "/ ;(\t");
}

static enum nw_status add_rule(struct nw_robots *r, const char *p, size_t n, int allow)
{
    struct rule *ru;

    if (r->n_rules >= MAX_RULES)
        return NW_OK;
    if (nw_grow_array((void **)&r->rules, &r->cap_rules, r->n_rules + 1, 8, sizeof(*r->rules)))
        return NW_ENOMEM;
    ru = &r->rules[r->n_rules];
    /* All n bytes (a NUL inside is just a byte that no path has). */
    ru->pattern = nw_malloc(n + 1);
    if (!ru->pattern)
        return NW_ENOMEM;
    memcpy(ru->pattern, p, n);
    ru->pattern[n] = '\0';
    ru->len = n;
    ru->allow = allow;
    r->n_rules++;
    return NW_OK;
}

static enum nw_status add_sitemap(struct nw_robots *r, const char *p, size_t n)
{
    char *s;

    if (r->n_sitemaps >= MAX_SITEMAPS || n == 0)
        return NW_OK;
    if (nw_grow_array((void **)&r->sitemaps, &r->cap_sitemaps, r->n_sitemaps + 1, 4,
                      sizeof(*r->sitemaps)))
        return NW_ENOMEM;
    s = nw_strndup(p, n);
    if (!s)
        return NW_ENOMEM;
    r->sitemaps[r->n_sitemaps++] = s;
    return NW_OK;
}

struct line {
    const char *key, *val;
    size_t key_len, val_len;
};

/* Splits "key : value # comment" into trimmed key and value; 0 if not such a line. */
static int split_line(const char *s, size_t n, struct line *l)
{
    const char *colon, *end;
    const char *hash = memchr(s, '#', n);

    if (hash)
        n = (size_t)(hash - s);
    colon = memchr(s, ':', n);
    if (!colon)
        return 0;
    l->key = s;
    end = colon;
    while (l->key < end && isspace((unsigned char)*l->key))
        l->key++;
    while (end > l->key && isspace((unsigned char)end[-1]))
        end--;
    l->key_len = (size_t)(end - l->key);
    l->val = colon + 1;
    end = s + n;
    while (l->val < end && isspace((unsigned char)*l->val))
        l->val++;
    while (end > l->val && isspace((unsigned char)end[-1]))
        end--;
    l->val_len = (size_t)(end - l->val);
    return l->key_len > 0;
}

static int key_is(const struct line *l, const char *k)
{
    return l->key_len == strlen(k) && !strncasecmp(l->key, k, l->key_len);
}

/* One pass over the file. which = 1: rules of groups naming token; which = 0: rules of
 * the `*` groups. Returns how many groups matched (-1 on ENOMEM). Sitemaps are collected
 * when collect_sitemaps. */
static int pass(struct nw_robots *r, const char *txt, size_t len, const char *token, size_t tlen,
                int which, int collect_sitemaps)
{
    int in_agents = 0, applies = 0, groups = 0;
    size_t pos = 0;

    while (pos < len) {
        const char *s = txt + pos;
        size_t n = 0;
        struct line l;

        /* A line ends at LF, CR or CR LF (RFC 9309 2.2: EOL). */
        while (pos + n < len && s[n] != '\n' && s[n] != '\r')
            n++;
        pos += n;
        if (pos < len && txt[pos++] == '\r' && pos < len && txt[pos] == '\n')
            pos++;
        if (n > MAX_LINE || !split_line(s, n, &l))
            continue;
        if (key_is(&l, "user-agent")) {
            size_t vlen = 0;
            /* The value is not NUL-terminated: scan within it. */
            while (vlen < l.val_len && !strchr("/ ;(\t", l.val[vlen]))
                vlen++;
            int match = which ? (vlen == tlen && tlen > 0 && !strncasecmp(l.val, token, tlen))
                              : (vlen == 1 && l.val[0] == '*');
            if (!in_agents)
                applies = 0;
            in_agents = 1;
            if (match && !applies) {
                applies = 1;
                groups++;
            }
            continue;
        }
        if (key_is(&l, "sitemap")) {
            if (collect_sitemaps && add_sitemap(r, l.val, l.val_len))
                return -1;
            continue;
        }
        /* Only user-agent and rule lines structure groups (RFC 9309 2.1): a Sitemap,
         * Crawl-delay or unknown line between a group's user-agent lines and its rules
         * does not end the user-agent lines. */
        if (key_is(&l, "allow") || key_is(&l, "disallow"))
            in_agents = 0;
        if (!applies)
            continue;
        if (key_is(&l, "allow") || key_is(&l, "disallow")) {
            /* An empty disallow allows everything: it adds no rule. */
            if (l.val_len > 0 && add_rule(r, l.val, l.val_len, key_is(&l, "allow")))
                return -1;
        } else if (key_is(&l, "crawl-delay")) {
            char buf[32];
            double d;
            char *end;
            if (l.val_len < sizeof(buf)) {
                memcpy(buf, l.val, l.val_len);
                buf[l.val_len] = '\0';
                d = strtod(buf, &end);
                if (end != buf && d >= 0 && d * 1000 <= NW_ROBOTS_MAX_DELAY_MS &&
                    r->delay_ms < (long)(d * 1000))
                    r->delay_ms = (long)(d * 1000);
            }
        }
    }
    return groups;
}

enum nw_status nw_robots_parse(const char *txt, size_t len, const char *user_agent,
                               struct nw_robots **out)
{
    struct nw_robots *r = NULL;
    enum nw_status result;
    size_t tlen = token_len(user_agent);
    int groups = 0;

    result = nw_robots_create_all(1, &r);
    if (result)
        goto out;
    /* A UTF-8 byte order mark is not part of the first line. */
    if (len >= 3 && !memcmp(txt, "\xEF\xBB\xBF", 3)) {
        txt += 3;
        len -= 3;
    }
    /* Past the bound, the lines that end within it are read (RFC 9309 2.5). */
    if (len > NW_ROBOTS_MAX_BYTES) {
        len = NW_ROBOTS_MAX_BYTES;
        while (len > 0 && txt[len - 1] != '\n' && txt[len - 1] != '\r')
            len--;
    }
    if (!(tlen == 1 && user_agent[0] == '*'))
        groups = pass(r, txt, len, user_agent, tlen, 1, 1);
    if (groups == 0)
        groups = pass(r, txt, len, user_agent, tlen, 0, r->n_sitemaps == 0);
    if (groups < 0)
        result = NW_ENOMEM;
out:
    if (result) {
        nw_robots_destroy(r);
        r = NULL;
    }
    *out = r;
    return result;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int is_unreserved(int c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static int is_reserved(int c)
{
    return c && strchr(":/?#[]@!$&'()*+,;=", c) != NULL;
}

/* Next octet of a path or pattern in one comparable form (RFC 9309 2.2.2): an escaped
 * unreserved character is the character ("/%7Efoo" is "/~foo"); any other escape, with
 * its hex case folded, and a raw octet that must be escaped in a URI (non-ASCII, controls,
 * space, ...) are the escaped octet, so "/foo/bar/ツ" is "/foo/bar/%E3%83%84"; reserved
 * characters stay themselves ("/a%2Fb" is not "/a/b"). Advances *i. */
static int next_byte(const char *s, size_t n, size_t *i)
{
    unsigned char c = (unsigned char)s[*i];

    if (c == '%' && *i + 2 < n) {
        int h = hexval((unsigned char)s[*i + 1]), lo = hexval((unsigned char)s[*i + 2]);
        if (h >= 0 && lo >= 0) {
            int v = h * 16 + lo;
            *i += 3;
            return is_unreserved(v) ? v : 256 + v;
        }
    }
    (*i)++;
    if (c == '%' || is_unreserved(c) || is_reserved(c))
        return c;
    return 256 + c;
}

/* Matches pattern p (with '*' and a final '$') against the start of path s. Iterative with
 * one backtrack point per '*': O(len(p) * len(s)) at worst. */
static int match(const char *p, size_t pn, const char *s, size_t sn)
{
    size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;
    int anchored = pn > 0 && p[pn - 1] == '$';

    if (anchored)
        pn--;
    for (;;) {
        if (pi == pn) {
            if (!anchored || si == sn)
                return 1;
        } else if (p[pi] == '*') {
            while (pi < pn && p[pi] == '*')
                pi++;
            if (pi == pn && !anchored)
                return 1;
            star_p = pi;
            star_s = si;
            continue;
        } else if (si < sn) {
            size_t pj = pi, sj = si;
            if (next_byte(p, pn, &pj) == next_byte(s, sn, &sj)) {
                pi = pj;
                si = sj;
                continue;
            }
        }
        if (star_p == (size_t)-1 || star_s >= sn)
            return 0;
        star_s++;
        pi = star_p;
        si = star_s;
    }
}

int nw_robots_allowed(const struct nw_robots *r, const char *path)
{
    const struct rule *best = NULL;
    const char *scheme = strstr(path, "://");
    size_t sn;

    if (scheme && scheme < path + strcspn(path, "/?")) {
        path = strchr(scheme + 3, '/');
        if (!path)
            path = "/";
    }
    sn = strcspn(path, "#");
    if (sn >= 11 && !strncmp(path, "/robots.txt", 11) && (sn == 11 || path[11] == '?'))
        return 1;
    if (!r)
        return 1;
    if (r->deny_all)
        return 0;
    for (size_t i = 0; i < r->n_rules; i++) {
        const struct rule *ru = &r->rules[i];
        if (best && (ru->len < best->len || (ru->len == best->len && best->allow)))
            continue;
        if (match(ru->pattern, ru->len, path, sn))
            best = ru;
    }
    return !best || best->allow;
}

long nw_robots_crawl_delay_ms(const struct nw_robots *r)
{
    return r ? r->delay_ms : -1;
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
    return r ? r->n_rules : 0;
}
