/*
 * fetch_policy.h — what the fetcher refuses before a byte is sent (non-public addresses),
 * the retry schedule, and how long a private client may reuse an answer (Cache-Control).
 * Pure functions, so they can be tested without a network.
 */
#ifndef NW_FETCH_POLICY_H
#define NW_FETCH_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* True if sa (AF_INET or AF_INET6) is not a public unicast address: unspecified, loopback,
 * private (RFC 1918, RFC 4193), shared (100.64/10), link-local, multicast, reserved
 * (240/4), broadcast, or an IPv6 address that embeds one of those IPv4 addresses:
 * IPv4-mapped/compatible, NAT64 (64:ff9b::/96, 64:ff9b:1::/48), 6to4 (2002::/16) and
 * Teredo (2001:0::/32, server or client address). Unknown families count as not public. */
int nw_fetch_policy_address_denied(const struct sockaddr *sa);

/* Writes the numeric form of sa into out ("10.0.0.1", "::1"); "?" if it cannot. */
void nw_fetch_policy_address_str(const struct sockaddr *sa, char *out, size_t out_size);

/* Delay before retry number `retry` (1 = first retry): exponential from base_ms, capped at
 * max_ms, with "equal jitter" (a uniform pick in [d/2, d]) from the caller's PRNG state.
 * retry_after_ms >= 0 is the server's Retry-After, honoured up to max_ms. */
long nw_fetch_policy_backoff_ms(int retry, long base_ms, long max_ms, long retry_after_ms,
                                uint64_t *rng);

/* Longest freshness nw_fetch_policy_max_age_s reports: a year (RFC 9111 5.2.1.1 says
 * caches need not honour more). */
#define NW_FETCH_POLICY_MAX_AGE_CAP_S (365L * 86400)

/* The freshness lifetime a private client takes from one Cache-Control field value (n bytes,
 * not NUL-terminated), RFC 9111 5.2.2: 0 for no-cache or no-store (ask every time), else
 * max-age=N (quoted or not; capped at NW_FETCH_POLICY_MAX_AGE_CAP_S), else -1 (none given).
 * s-maxage is for shared caches only (5.2.2.10) and is ignored, as are private, public and
 * unknown directives. Directive names are case-insensitive; a malformed max-age counts as
 * none. Combine several fields with nw_fetch_policy_max_age_merge. */
long nw_fetch_policy_max_age_s(const char *value, size_t n);

/* Combines the results of two Cache-Control fields of one answer: 0 wins (no-cache /
 * no-store anywhere), then the smaller max-age, then whichever is given. */
long nw_fetch_policy_max_age_merge(long a, long b);

#endif
