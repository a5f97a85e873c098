/* fetch_policy.c — address refusal and retry backoff for the fetcher. */
#include "fetch_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* a.b.c.d as a host-order integer, for readable range checks. */
#define V4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

static int in_v4(uint32_t ip, uint32_t net, int prefix)
{
    uint32_t mask = prefix ? 0xffffffffu << (32 - prefix) : 0;
    return (ip & mask) == (net & mask);
}

static int v4_denied(uint32_t ip)
{
    static const struct {
        uint32_t net;
        int prefix;
    } nets[] = {
        {V4(0, 0, 0, 0), 8},      /* "this" network */
        {V4(10, 0, 0, 0), 8},     /* RFC 1918 */
        {V4(100, 64, 0, 0), 10},  /* carrier-grade NAT */
        {V4(127, 0, 0, 0), 8},    /* loopback */
        {V4(169, 254, 0, 0), 16}, /* link-local, cloud metadata */
        {V4(172, 16, 0, 0), 12},  /* RFC 1918 */
        {V4(192, 0, 0, 0), 24},   /* IETF protocol assignments */
        {V4(192, 168, 0, 0), 16}, /* RFC 1918 */
        {V4(198, 18, 0, 0), 15},  /* benchmarking */
        {V4(224, 0, 0, 0), 4},    /* multicast */
        {V4(240, 0, 0, 0), 4},    /* reserved, includes 255.255.255.255 */
    };
    for (size_t i = 0; i < sizeof(nets) / sizeof(nets[0]); i++)
        if (in_v4(ip, nets[i].net, nets[i].prefix))
            return 1;
    return 0;
}

static int v6_denied(const unsigned char *a)
{
    static const unsigned char zero[16];
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const unsigned char translated[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0};

    if (!memcmp(a, zero, 15) && (a[15] == 0 || a[15] == 1))
        return 1; /* :: and ::1 */
    /* IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d, RFC 2765 SIIT) and
     * the deprecated IPv4-compatible (::a.b.c.d) forms reach the IPv4 address: judge that
     * address. NAT64 (64:ff9b::/96) likewise. */
    if (!memcmp(a, mapped, 12) || !memcmp(a, translated, 12) || !memcmp(a, zero, 12) ||
        (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b && !memcmp(a + 4, zero, 8)))
        return v4_denied(V4(a[12], a[13], a[14], a[15]));
    /* NAT64 local use (64:ff9b:1::/48, RFC 8215) carries the IPv4 address last too. */
    if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b && a[4] == 0x00 &&
        a[5] == 0x01)
        return v4_denied(V4(a[12], a[13], a[14], a[15]));
    /* 6to4 (2002::/16) tunnels to the IPv4 address in bits 16-47. */
    if (a[0] == 0x20 && a[1] == 0x02)
        return v4_denied(V4(a[2], a[3], a[4], a[5]));
    /* Teredo (2001:0::/32): the server's IPv4 address in bits 32-63 and the client's,
     * inverted, in the last 32 bits; either one private is refused. */
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x00 && a[3] == 0x00)
        return v4_denied(V4(a[4], a[5], a[6], a[7])) ||
               v4_denied(V4(a[12] ^ 0xff, a[13] ^ 0xff, a[14] ^ 0xff, a[15] ^ 0xff));
    if ((a[0] & 0xfe) == 0xfc)
        return 1; /* fc00::/7 unique local */
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
        return 1; /* fe80::/10 link-local */
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
        return 1; /* fec0::/10 site-local (deprecated, still routed inside sites) */
    if (a[0] == 0xff)
        return 1; /* ff00::/8 multicast */
    return 0;
}

int nw_fetch_policy_address_denied(const struct sockaddr *sa)
{
    if (!sa)
        return 1;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in4 = (const struct sockaddr_in *)(const void *)sa;
        return v4_denied(ntohl(in4->sin_addr.s_addr));
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        return v6_denied(in6->sin6_addr.s6_addr);
    }
    return 1;
}

void nw_fetch_policy_address_str(const struct sockaddr *sa, char *out, size_t out_size)
{
    const void *addr = NULL;

    if (!out_size)
        return;
    if (sa && sa->sa_family == AF_INET)
        addr = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
    else if (sa && sa->sa_family == AF_INET6)
        addr = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
    if (!addr || !inet_ntop(sa->sa_family, addr, out, (socklen_t)out_size))
        snprintf(out, out_size, "?");
}

/* xorshift64*: enough to spread retries apart, not for secrets. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dull;
}

long nw_fetch_policy_backoff_ms(int retry, long base_ms, long max_ms, long retry_after_ms,
                                uint64_t *rng)
{
    long delay = base_ms;

    for (int i = 1; i < retry && delay < max_ms; i++)
        delay = delay > max_ms / 2 ? max_ms : delay * 2;
    if (delay > max_ms)
        delay = max_ms;
    if (delay > 1)
        delay = delay / 2 + (long)(next_random(rng) % (uint64_t)(delay - delay / 2 + 1));
    /* The server knows when it will be ready; waiting less only earns another refusal. */
    if (retry_after_ms >= 0 && delay < retry_after_ms)
        delay = retry_after_ms < max_ms ? retry_after_ms : max_ms;
    return delay;
}

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

long nw_fetch_policy_max_age_s(const char *value, size_t n)
{
    const char *p = value, *end = value + n;
    long max_age = -1;

    /* Bounded: each turn consumes one comma-separated directive. */
    while (p < end) {
        const char *d = p, *name_end, *v = NULL, *v_end;
        size_t len;

        while (p < end && *p != ',')
            p++;
        v_end = p;
        if (p < end)
            p++; /* the comma */
        while (d < v_end && is_ows(*d))
            d++;
        while (v_end > d && is_ows(v_end[-1]))
            v_end--;
        for (name_end = d; name_end < v_end && *name_end != '='; name_end++)
            ;
        if (name_end < v_end)
            v = name_end + 1;
        while (name_end > d && is_ows(name_end[-1]))
            name_end--;
        len = (size_t)(name_end - d);
        if ((len == 8 && !strncasecmp(d, "no-cache", 8)) ||
            (len == 8 && !strncasecmp(d, "no-store", 8)))
            return 0;
        if (len != 7 || strncasecmp(d, "max-age", 7) || !v)
            continue; /* s-maxage, private, public, extensions */
        while (v < v_end && is_ows(*v))
            v++;
        if (v < v_end && *v == '"') {
            v++;
            if (v_end > v && v_end[-1] == '"')
                v_end--;
        }
        if (v >= v_end)
            continue;
        {
            long secs = 0;
            const char *q = v;
            for (; q < v_end && *q >= '0' && *q <= '9'; q++)
                if (secs < NW_FETCH_POLICY_MAX_AGE_CAP_S)
                    secs = secs * 10 + (*q - '0');
            if (q != v_end)
                continue; /* not a delta-seconds */
            if (secs > NW_FETCH_POLICY_MAX_AGE_CAP_S)
                secs = NW_FETCH_POLICY_MAX_AGE_CAP_S;
            max_age = nw_fetch_policy_max_age_merge(max_age, secs);
        }
    }
    return max_age;
}

long nw_fetch_policy_max_age_merge(long a, long b)
{
    if (a < 0)
        return b;
    if (b < 0)
        return a;
    return a < b ? a : b;
}
