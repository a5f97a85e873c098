/*
 * robots.h — robots.txt rules (RFC 9309) for one user agent.
 *
 * The groups whose user-agent line names our product token (case-insensitive; the token is
 * the user agent up to its first '/' or space) apply, all of them merged; if there are
 * none, the `*` groups do; if there are none either, everything is allowed. Only
 * user-agent and allow/disallow lines structure groups (RFC 9309 2.1): a Sitemap, Crawl-delay
 * or unknown line between a group's user-agent lines and its rules does not end them.
 * Lines end at LF, CR or CR LF; a UTF-8 byte order mark before the first line is skipped.
 * A path is matched against each allow and disallow rule of the groups (with `*` for any
 * bytes and a trailing `$` for the end), both sides in one percent-encoding form (RFC 9309
 * 2.2.2: an escaped unreserved character is the character, other escapes compare with
 * their hex case folded, and raw octets that a URI must escape, such as UTF-8, compare as
 * their escapes, so `Allow: /foo/bar/ツ` matches /foo/bar/%E3%83%84); the longest matching
 * pattern wins and allow wins a tie; /robots.txt itself is always allowed. Crawl-delay (not
 * in the RFC, widely used) is read from the same groups. Sitemap lines are collected
 * wherever they stand.
 *
 * Bounds: the first 512 KiB of the file are read (RFC 9309 2.5 asks for at least 500 KiB;
 * a longer file is parsed, not refused: a caller that fetched only the head passes that,
 * and the line cut by the bound is not read), at most 10,000 rules and 1,000 sitemaps are
 * kept, and a line over 8 KiB is skipped.
 * Pure: no I/O.
 */
#ifndef NW_ROBOTS_H
#define NW_ROBOTS_H

#include <stddef.h>

#include "status.h"

#define NW_ROBOTS_MAX_BYTES (512u * 1024u)
#define NW_ROBOTS_MAX_RULES 10000u
#define NW_ROBOTS_MAX_SITEMAPS 1000u
#define NW_ROBOTS_MAX_DELAY_MS 86400000L /* a longer Crawl-delay is ignored */

struct nw_robots;

/* Parses a robots.txt body for user_agent (a full User-Agent header or a bare product
 * token; "*" takes the `*` groups). *out is freed with nw_robots_destroy. Never fails on
 * content (anything unreadable is ignored); NW_ENOMEM only. */
enum nw_status nw_robots_parse(const char *txt, size_t len, const char *user_agent,
                               struct nw_robots **out);

/* A robots object that allows everything (for a robots.txt answered with 4xx) or
 * disallows everything (RFC 9309 2.3.1.4: an unreachable robots.txt, 5xx). */
enum nw_status nw_robots_create_all(int allow, struct nw_robots **out);

void nw_robots_destroy(struct nw_robots *r);

/* True if the path (with its query: "/a/b?c=d"; a full URL is reduced to its path) may
 * be fetched. A NULL r (no robots.txt, or one answered 4xx) allows everything; the getters
 * below accept NULL too. */
int nw_robots_allowed(const struct nw_robots *r, const char *path);

/* Crawl-delay of the matching groups in milliseconds, or -1 if none was given. */
long nw_robots_crawl_delay_ms(const struct nw_robots *r);

/* Sitemap URLs as written in the file (borrowed, valid until destroy). */
size_t nw_robots_sitemap_count(const struct nw_robots *r);
const char *nw_robots_sitemap(const struct nw_robots *r, size_t i);

/* How many allow/disallow rules apply to the agent (for logs and tests). */
size_t nw_robots_rule_count(const struct nw_robots *r);

#endif
