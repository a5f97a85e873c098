/*
 * robots.h — robots.txt rules (RFC 9309) for one user agent, pure: text in, rules out.
 *
 * Parsing keeps only what applies to our agent: the groups whose user-agent line names
 * our product token (case-insensitive; "newsworker" of "newsworker/0.1 (+url)"), all of
 * them merged; if none names it, the "*" groups merged; if there is neither, everything
 * is allowed. A rule matches a path by prefix, with '*' for any run of octets and a final
 * '$' anchoring the end. The longest matching pattern wins and allow wins a tie; no match
 * allows; "/robots.txt" itself is always allowed. Crawl-delay (seconds, fractions allowed)
 * is taken from the same groups; Sitemap lines are collected wherever they are.
 *
 * Hostile input is bounded: only the first NW_ROBOTS_MAX_BYTES are read (RFC 9309 asks
 * for at least 500 KiB), lines longer than NW_ROBOTS_MAX_LINE are skipped, and at most
 * NW_ROBOTS_MAX_RULES rules and NW_ROBOTS_MAX_SITEMAPS sitemaps are kept. Matching is
 * linear in the path for each rule (no backtracking).
 */
#ifndef NW_ROBOTS_H
#define NW_ROBOTS_H

#include <stddef.h>

#define NW_ROBOTS_MAX_BYTES (512u * 1024u)
#define NW_ROBOTS_MAX_LINE 4096u
#define NW_ROBOTS_MAX_RULES 10000u
#define NW_ROBOTS_MAX_SITEMAPS 256u
#define NW_ROBOTS_MAX_DELAY_MS 86400000L

struct nw_robots;

/* Parses len bytes of text (NULL/0: an empty file, which allows everything) for agent (a
 * product token or a whole User-Agent string). NULL only when memory runs out. The caller
 * frees the result with nw_robots_destroy. */
struct nw_robots *nw_robots_parse(const char *text, size_t len, const char *agent);
void nw_robots_destroy(struct nw_robots *r);

/* 1 if path (the URL's path and query, starting with '/', percent-encoded as sent) may
 * be fetched, else 0. A NULL r allows everything. */
int nw_robots_allowed(const struct nw_robots *r, const char *path);

/* The Crawl-delay of the groups that apply, in milliseconds (at most
 * NW_ROBOTS_MAX_DELAY_MS), or -1 if they set none. */
long nw_robots_crawl_delay_ms(const struct nw_robots *r);

/* Sitemap URLs in file order: count, and the i-th (borrowed from r). */
size_t nw_robots_sitemap_count(const struct nw_robots *r);
const char *nw_robots_sitemap(const struct nw_robots *r, size_t i);

/* How many allow/disallow rules apply to the agent (for tests and logs). */
size_t nw_robots_rule_count(const struct nw_robots *r);

#endif
