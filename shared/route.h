/*
 * route.h — which topics an article record goes to (the `route.rules` file).
 *
 * One rule a line, `#` starts a comment:
 *
 *     language=de          -> news.articles.de
 *     entity=Pakistan      -> news.watch.pakistan
 *     domain=example.com   -> news.example
 *     keyword=election     -> news.elections, news.politics
 *     domain=spam.example  -> !output
 *
 * A condition is FIELD=VALUE with FIELD one of
 *   language  the record's detected `language` (case-insensitive)
 *   domain    the record's `domain`, or any subdomain of it
 *   entity    a name (or ISO code) among `entities` persons, organizations, locations
 *             (case-insensitive)
 *   keyword   a `keywords` term or a `tags` entry (case-insensitive)
 * Targets after `->` are topic names separated by commas or spaces. Every matching rule
 * adds its topics; the record also goes to the default topic (output.topic) unless a
 * matching rule lists the target `!output`. Each topic appears once in the result, the
 * default topic first. Error records are not routed (they go to errors.topic).
 *
 * Bounds: 1 MiB per file, 4096 rules, 1024 bytes per line, 249 bytes per topic name
 * (Kafka's limit) of [A-Za-z0-9._-].
 */
#ifndef NW_ROUTE_H
#define NW_ROUTE_H

#include <jansson.h>
#include <stddef.h>

#include "status.h"

#define NW_ROUTE_MAX_RULES 4096
#define NW_ROUTE_MAX_TOPICS 64 /* distinct topics in one rule set, plus the default */

struct nw_route;

/* Parses rules from text (len bytes). `name` is used in messages ("FILE:LINE: ..."). On
 * success *out is a new rule set (free with nw_route_destroy). NW_ECONFIG naming the line
 * for a bad rule; NW_ENOMEM. */
enum nw_status nw_route_parse(const char *text, size_t len, const char *name, struct nw_route **out,
                              char *errstr, size_t errstr_size);

/* Reads and parses a rules file. NW_EIO if it cannot be read, else as nw_route_parse. */
enum nw_status nw_route_load_file(const char *path, struct nw_route **out, char *errstr,
                                  size_t errstr_size);

/* Frees a rule set. NULL-safe. */
void nw_route_destroy(struct nw_route *route);

/* Number of rules (for logs). A NULL rule set has none. */
size_t nw_route_count(const struct nw_route *route);

/* Writes up to max topic names for an article record into topics (borrowed: from the
 * rule set or default_topic) and returns how many. route may be NULL (no rules: just the
 * default). Can return 0 when a rule suppresses the default and adds nothing. */
size_t nw_route_topics(const struct nw_route *route, const json_t *record,
                       const char *default_topic, const char **topics, size_t max);

/* Calls fn for every distinct topic named by the rules (to create or check them). */
typedef void nw_route_topic_fn(const char *topic, void *ctx);
void nw_route_foreach_topic(const struct nw_route *route, nw_route_topic_fn *fn, void *ctx);

#endif
