/* route.c — routing rules: parse `FIELD=VALUE -> TOPIC...` lines, match article records. */
#include "route.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mem.h"

#define MAX_FILE_BYTES (1024 * 1024)
#define MAX_LINE_BYTES 1024
#define MAX_TOPIC_LEN 249
#define MAX_TARGETS 16        /* targets in one rule */
#define MAX_MATCH_ITEMS 10000 /* array entries looked at in one record field */

enum route_field { FIELD_LANGUAGE, FIELD_DOMAIN, FIELD_ENTITY, FIELD_KEYWORD };

struct rule {
    enum route_field field;
    char *value;
    int suppress_default;
    size_t targets[MAX_TARGETS]; /* indexes into nw_route.topics */
    size_t ntargets;
};

struct nw_route {
    struct rule *rules;
    size_t nrules;
    char *topics[NW_ROUTE_MAX_TOPICS];
    size_t ntopics;
};

void nw_route_destroy(struct nw_route *route)
{
    if (!route)
        return;
    for (size_t i = 0; i < route->nrules; i++)
        nw_free(route->rules[i].value);
    nw_free(route->rules);
    for (size_t i = 0; i < route->ntopics; i++)
        nw_free(route->topics[i]);
    nw_free(route);
}

size_t nw_route_count(const struct nw_route *route)
{
    return route ? route->nrules : 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Trims white space at both ends of [*s, *s + *len). */
static void trim(const char **s, size_t *len)
{
    while (*len && is_space(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len && is_space((*s)[*len - 1]))
        (*len)--;
}

static int topic_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

/* Index of topic t (len bytes) in the pool, adding it if new; -1 if the pool is full or
 * allocation fails (*nomem set then). */
static long intern_topic(struct nw_route *route, const char *t, size_t len, int *nomem)
{
    for (size_t i = 0; i < route->ntopics; i++)
        if (strlen(route->topics[i]) == len && !memcmp(route->topics[i], t, len))
            return (long)i;
    if (route->ntopics >= NW_ROUTE_MAX_TOPICS - 1) /* one slot stays for the default */
        return -1;
    route->topics[route->ntopics] = nw_strndup(t, len);
    if (!route->topics[route->ntopics]) {
        *nomem = 1;
        return -1;
    }
    return (long)route->ntopics++;
}

static enum nw_status parse_line(struct nw_route *route, const char *line, size_t len,
                                 const char *name, size_t lineno, char *errstr, size_t errstr_size)
{
    static const struct {
        const char *name;
        enum route_field field;
    } fields[] = {
        {"language", FIELD_LANGUAGE},
        {"domain", FIELD_DOMAIN},
        {"entity", FIELD_ENTITY},
        {"keyword", FIELD_KEYWORD},
    };
    const char *arrow = NULL, *eq, *cond, *targets;
    size_t cond_len, targets_len, field_len, value_len;
    struct rule rule = {0};
    const char *field, *value;
    int found = 0, nomem = 0;

    for (size_t i = 0; i + 1 < len; i++) {
        if (line[i] == '-' && line[i + 1] == '>') {
            arrow = line + i;
            break;
        }
    }
    if (!arrow)
        return nw_fail(NW_ECONFIG, errstr, errstr_size, "%s:%zu: expected 'FIELD=VALUE -> TOPIC'",
                       name, lineno);
    cond = line;
    cond_len = (size_t)(arrow - line);
    trim(&cond, &cond_len);
    targets = arrow + 2;
    targets_len = len - (size_t)(targets - line);
    trim(&targets, &targets_len);

    eq = memchr(cond, '=', cond_len);
    if (!eq)
        return nw_fail(NW_ECONFIG, errstr, errstr_size,
                       "%s:%zu: condition must be FIELD=VALUE (language, domain, entity, keyword)",
                       name, lineno);
    field = cond;
    field_len = (size_t)(eq - cond);
    trim(&field, &field_len);
    value = eq + 1;
    value_len = (size_t)(cond + cond_len - value);
    trim(&value, &value_len);
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (strlen(fields[i].name) == field_len && !strncmp(fields[i].name, field, field_len)) {
            rule.field = fields[i].field;
            found = 1;
        }
    }
    if (!found)
        return nw_fail(NW_ECONFIG, errstr, errstr_size,
                       "%s:%zu: unknown field '%.*s' (language, domain, entity, keyword)", name,
                       lineno, (int)field_len, field);
    if (value_len == 0)
        return nw_fail(NW_ECONFIG, errstr, errstr_size, "%s:%zu: empty value for '%.*s'", name,
                       lineno, (int)field_len, field);
    if (targets_len == 0)
        return nw_fail(NW_ECONFIG, errstr, errstr_size, "%s:%zu: no topic after '->'", name,
                       lineno);

    /* Targets: topic names or !output, separated by commas and/or spaces. */
    for (size_t i = 0; i < targets_len;) {
        size_t start, tlen;
        long idx;

        while (i < targets_len && (targets[i] == ',' || is_space(targets[i])))
            i++;
        if (i >= targets_len)
            break;
        start = i;
        while (i < targets_len && targets[i] != ',' && !is_space(targets[i]))
            i++;
        tlen = i - start;
        if (tlen == 7 && !memcmp(targets + start, "!output", 7)) {
            rule.suppress_default = 1;
            continue;
        }
        if (tlen > MAX_TOPIC_LEN)
            return nw_fail(NW_ECONFIG, errstr, errstr_size,
                           "%s:%zu: topic name longer than %d bytes", name, lineno, MAX_TOPIC_LEN);
        for (size_t k = start; k < i; k++) {
            if (!topic_char_ok(targets[k]))
                return nw_fail(NW_ECONFIG, errstr, errstr_size,
                               "%s:%zu: bad topic name '%.*s' (letters, digits, '.', '_', '-')",
                               name, lineno, (int)tlen, targets + start);
        }
        if ((tlen == 1 && targets[start] == '.') ||
            (tlen == 2 && !memcmp(targets + start, "..", 2)))
            return nw_fail(NW_ECONFIG, errstr, errstr_size, "%s:%zu: bad topic name '%.*s'", name,
                           lineno, (int)tlen, targets + start);
        if (rule.ntargets >= MAX_TARGETS)
            return nw_fail(NW_ECONFIG, errstr, errstr_size, "%s:%zu: more than %d topics", name,
                           lineno, MAX_TARGETS);
        idx = intern_topic(route, targets + start, tlen, &nomem);
        if (nomem)
            return NW_ENOMEM;
        if (idx < 0)
            return nw_fail(NW_ECONFIG, errstr, errstr_size,
                           "%s:%zu: more than %d distinct topics in the rules", name, lineno,
                           NW_ROUTE_MAX_TOPICS - 1);
        rule.targets[rule.ntargets++] = (size_t)idx;
    }
    if (route->nrules >= NW_ROUTE_MAX_RULES)
        return nw_fail(NW_ECONFIG, errstr, errstr_size, "%s:%zu: more than %d rules", name, lineno,
                       NW_ROUTE_MAX_RULES);
    rule.value = nw_strndup(value, value_len);
    if (!rule.value)
        return NW_ENOMEM;
    {
        struct rule *nr = nw_realloc(route->rules, (route->nrules + 1) * sizeof(*nr));
        if (!nr) {
            nw_free(rule.value);
            return NW_ENOMEM;
        }
        route->rules = nr;
    }
    route->rules[route->nrules++] = rule;
    return NW_OK;
}

enum nw_status nw_route_parse(const char *text, size_t len, const char *name, struct nw_route **out,
                              char *errstr, size_t errstr_size)
{
    enum nw_status result = NW_OK;
    struct nw_route *route;
    size_t pos = 0, lineno = 0;

    *out = NULL;
    if (len > MAX_FILE_BYTES)
        return nw_fail(NW_ECONFIG, errstr, errstr_size, "%s: larger than %d bytes", name,
                       MAX_FILE_BYTES);
    route = nw_calloc(1, sizeof(*route));
    if (!route)
        return nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
    while (pos < len) {
        const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
        size_t line_len = nl ? (size_t)(nl - line) : len - pos;
        const char *hash;

        pos += line_len + (nl ? 1 : 0);
        lineno++;
        if (line_len > MAX_LINE_BYTES) {
            result = nw_fail(NW_ECONFIG, errstr, errstr_size, "%s:%zu: line longer than %d bytes",
                             name, lineno, MAX_LINE_BYTES);
            goto out;
        }
        if (memchr(line, '\0', line_len)) {
            result = nw_fail(NW_ECONFIG, errstr, errstr_size, "%s:%zu: NUL byte", name, lineno);
            goto out;
        }
        hash = memchr(line, '#', line_len);
        if (hash)
            line_len = (size_t)(hash - line);
        trim(&line, &line_len);
        if (line_len == 0)
            continue;
        result = parse_line(route, line, line_len, name, lineno, errstr, errstr_size);
        if (result == NW_ENOMEM)
            nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        if (result)
            goto out;
    }
out:
    if (result)
        nw_route_destroy(route);
    else
        *out = route;
    return result;
}

enum nw_status nw_route_load_file(const char *path, struct nw_route **out, char *errstr,
                                  size_t errstr_size)
{
    enum nw_status result;
    char *data = NULL;
    size_t len = 0;
    FILE *f;

    *out = NULL;
    f = fopen(path, "rb");
    if (!f)
        return nw_fail(NW_EIO, errstr, errstr_size, "route.rules %s: %s", path, strerror(errno));
    data = nw_malloc(MAX_FILE_BYTES + 1);
    if (!data) {
        fclose(f);
        return nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
    }
    len = fread(data, 1, MAX_FILE_BYTES + 1, f);
    if (ferror(f)) {
        result = nw_fail(NW_EIO, errstr, errstr_size, "route.rules %s: read error", path);
        goto out;
    }
    result = nw_route_parse(data, len, path, out, errstr, errstr_size);
out:
    fclose(f);
    nw_free(data);
    return result;
}

static int str_ieq(const json_t *s, const char *value)
{
    return json_is_string(s) && !strcasecmp(json_string_value(s), value);
}

/* True if host is value or a subdomain of it (case-insensitive). */
static int domain_match(const json_t *host_json, const char *value)
{
    const char *host;
    size_t hl, vl = strlen(value);

    if (!json_is_string(host_json))
        return 0;
    host = json_string_value(host_json);
    hl = strlen(host);
    if (hl == vl)
        return !strcasecmp(host, value);
    return hl > vl && host[hl - vl - 1] == '.' && !strcasecmp(host + hl - vl, value);
}

/* True if an element of array (strings, or objects whose `key` or `key2` matches). */
static int array_has(const json_t *array, const char *key, const char *key2, const char *value)
{
    size_t n = json_array_size(array);

    if (n > MAX_MATCH_ITEMS)
        n = MAX_MATCH_ITEMS;
    for (size_t i = 0; i < n; i++) {
        const json_t *item = json_array_get(array, i);
        if (!key && str_ieq(item, value))
            return 1;
        if (key && json_is_object(item) &&
            (str_ieq(json_object_get(item, key), value) ||
             (key2 && str_ieq(json_object_get(item, key2), value))))
            return 1;
    }
    return 0;
}

static int rule_matches(const struct rule *rule, const json_t *record)
{
    const json_t *entities;

    switch (rule->field) {
    case FIELD_LANGUAGE:
        return str_ieq(json_object_get(record, "language"), rule->value);
    case FIELD_DOMAIN:
        return domain_match(json_object_get(record, "domain"), rule->value);
    case FIELD_ENTITY:
        entities = json_object_get(record, "entities");
        return array_has(json_object_get(entities, "persons"), "name", NULL, rule->value) ||
               array_has(json_object_get(entities, "organizations"), "name", NULL, rule->value) ||
               array_has(json_object_get(entities, "locations"), "name", "code", rule->value);
    case FIELD_KEYWORD:
        return array_has(json_object_get(record, "keywords"), "term", NULL, rule->value) ||
               array_has(json_object_get(record, "tags"), NULL, NULL, rule->value);
    }
    return 0;
}

static size_t add_unique(const char **topics, size_t n, size_t max, const char *t)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(topics[i], t))
            return n;
    if (n < max)
        topics[n++] = t;
    return n;
}

size_t nw_route_topics(const struct nw_route *route, const json_t *record,
                       const char *default_topic, const char **topics, size_t max)
{
    unsigned char chosen[NW_ROUTE_MAX_TOPICS] = {0};
    int suppress = 0;
    size_t n = 0;

    if (route) {
        for (size_t i = 0; i < route->nrules; i++) {
            const struct rule *rule = &route->rules[i];
            if (!rule_matches(rule, record))
                continue;
            suppress |= rule->suppress_default;
            for (size_t k = 0; k < rule->ntargets; k++)
                chosen[rule->targets[k]] = 1;
        }
    }
    if (!suppress && default_topic)
        n = add_unique(topics, n, max, default_topic);
    if (route)
        for (size_t i = 0; i < route->ntopics; i++)
            if (chosen[i])
                n = add_unique(topics, n, max, route->topics[i]);
    return n;
}

void nw_route_foreach_topic(const struct nw_route *route, nw_route_topic_fn *fn, void *ctx)
{
    if (!route)
        return;
    for (size_t i = 0; i < route->ntopics; i++)
        fn(route->topics[i], ctx);
}
