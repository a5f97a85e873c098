/* test_fetch_policy.c — the non-public address check and the retry schedule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "fetch_policy.h"

static int denied4(const char *ip)
{
    struct sockaddr_in sin;

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    assert_int_equal(inet_pton(AF_INET, ip, &sin.sin_addr), 1);
    return nw_fetch_policy_address_denied((const struct sockaddr *)&sin);
}

static int denied6(const char *ip)
{
    struct sockaddr_in6 sin6;

    memset(&sin6, 0, sizeof(sin6));
    sin6.sin6_family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, ip, &sin6.sin6_addr), 1);
    return nw_fetch_policy_address_denied((const struct sockaddr *)&sin6);
}

static void test_ipv4_ranges(void **state)
{
    static const char *const denied[] = {
        "0.0.0.0",     "10.1.2.3",        "100.64.0.1",     "127.0.0.1",   "127.255.255.254",
        "169.254.1.1", "172.16.0.1",      "172.31.255.255", "192.168.1.1", "224.0.0.1",
        "240.0.0.1",   "255.255.255.255", "192.0.0.8",      "198.18.0.1",
    };
    static const char *const allowed[] = {
        "1.1.1.1",        "8.8.8.8",     "172.15.255.255", "172.32.0.1",
        "100.63.255.255", "100.128.0.1", "93.184.216.34",  "192.169.0.1",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
        assert_true(denied4(denied[i]));
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
        assert_false(denied4(allowed[i]));
}

static void test_ipv6_ranges(void **state)
{
    (void)state;
    assert_true(denied6("::"));
    assert_true(denied6("::1"));
    assert_true(denied6("fc00::1"));
    assert_true(denied6("fd12:3456::1"));
    assert_true(denied6("fe80::1"));
    assert_true(denied6("ff02::1"));
    /* IPv4-mapped forms of refused IPv4 addresses are refused too. */
    assert_true(denied6("::ffff:127.0.0.1"));
    assert_true(denied6("::ffff:10.0.0.1"));
    assert_false(denied6("::ffff:8.8.8.8"));
    assert_false(denied6("2001:4860:4860::8888"));
    assert_false(denied6("2a00:1450:4001::1"));
}

/* Tunnel and translation prefixes reach the IPv4 address they embed: judged by it. */
static void test_ipv6_embedding_ipv4(void **state)
{
    (void)state;
    /* 6to4: 2002:AABB:CCDD::/48 is a.b.c.d */
    assert_true(denied6("2002:7f00:1::"));     /* 127.0.0.1 */
    assert_true(denied6("2002:a00:1::1"));     /* 10.0.0.1 */
    assert_true(denied6("2002:a9fe:a9fe::1")); /* 169.254.169.254, cloud metadata */
    assert_false(denied6("2002:808:808::1"));  /* 8.8.8.8 */
    /* Teredo: server in bits 32-63, client inverted in the last 32 bits */
    assert_true(denied6("2001:0:4136:e378:8000:63bf:80ff:fffe"));  /* client 127.0.0.1 */
    assert_true(denied6("2001:0:7f00:1::808:808"));                /* server 127.0.0.1 */
    assert_true(denied6("2001:0:4136:e378:8000:63bf:f5ff:fffe"));  /* client 10.0.0.1 */
    assert_false(denied6("2001:0:4136:e378:8000:63bf:f7f7:f7f7")); /* client 8.8.8.8 */
    /* NAT64, well-known and local-use prefixes */
    assert_true(denied6("64:ff9b::7f00:1"));
    assert_true(denied6("64:ff9b::a9fe:a9fe"));
    assert_true(denied6("64:ff9b:1::c0a8:1"));
    assert_false(denied6("64:ff9b::808:808"));
    /* IPv4-translated (::ffff:0:a.b.c.d, RFC 2765) like the mapped form */
    assert_true(denied6("::ffff:0:127.0.0.1"));
    assert_true(denied6("::ffff:0:10.0.0.1"));
    assert_true(denied6("::ffff:0:169.254.169.254"));
    assert_false(denied6("::ffff:0:8.8.8.8"));
    /* other 2001: addresses are ordinary */
    assert_false(denied6("2001:db9::7f00:1"));
}

static long max_age(const char *v)
{
    return nw_fetch_policy_max_age_s(v, strlen(v));
}

/* RFC 9111 5.2.2: what a private client takes from Cache-Control. */
static void test_cache_control_max_age(void **state)
{
    (void)state;
    assert_int_equal(max_age("max-age=300"), 300);
    assert_int_equal(max_age("public, Max-Age = \"60\""), 60);
    assert_int_equal(max_age("no-cache"), 0);
    assert_int_equal(max_age("max-age=300, no-store"), 0);
    assert_int_equal(max_age("NO-CACHE=\"Set-Cookie\", max-age=5"), 0);
    /* s-maxage is for shared caches only: ignored by a private client */
    assert_int_equal(max_age("s-maxage=600"), -1);
    assert_int_equal(max_age("s-maxage=600, max-age=30"), 30);
    assert_int_equal(max_age("max-age=30, s-maxage=600"), 30);
    /* a directive whose name only contains max-age is another directive */
    assert_int_equal(max_age("x-max-age=99"), -1);
    assert_int_equal(max_age("private"), -1);
    assert_int_equal(max_age(""), -1);
    assert_int_equal(max_age("max-age="), -1);
    assert_int_equal(max_age("max-age=12abc"), -1);
    assert_int_equal(max_age("max-age=-5"), -1);
    assert_int_equal(max_age("max-age=99999999999999999999999"), NW_FETCH_POLICY_MAX_AGE_CAP_S);
    /* two directives: the smaller; several fields merge the same way */
    assert_int_equal(max_age("max-age=50, max-age=20"), 20);
    assert_int_equal(nw_fetch_policy_max_age_merge(-1, 30), 30);
    assert_int_equal(nw_fetch_policy_max_age_merge(30, -1), 30);
    assert_int_equal(nw_fetch_policy_max_age_merge(30, 0), 0);
    assert_int_equal(nw_fetch_policy_max_age_merge(-1, -1), -1);
    /* not NUL-terminated: only n bytes are read */
    assert_int_equal(nw_fetch_policy_max_age_s("max-age=123456", 10), 12);
}

static void test_unknown_family_is_denied(void **state)
{
    struct sockaddr sa;

    (void)state;
    memset(&sa, 0, sizeof(sa));
    sa.sa_family = AF_UNIX;
    assert_true(nw_fetch_policy_address_denied(&sa));
}

static void test_address_str(void **state)
{
    struct sockaddr_in sin;
    char out[64];

    (void)state;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    inet_pton(AF_INET, "10.0.0.1", &sin.sin_addr);
    nw_fetch_policy_address_str((const struct sockaddr *)&sin, out, sizeof(out));
    assert_string_equal(out, "10.0.0.1");
}

static void test_backoff_grows_is_capped_and_jittered(void **state)
{
    uint64_t rng = 42;
    long prev_max = 0;

    (void)state;
    for (int retry = 1; retry <= 10; retry++) {
        long full = 500L << (retry - 1);
        long cap = full < 8000 ? full : 8000;
        for (int k = 0; k < 50; k++) {
            long d = nw_fetch_policy_backoff_ms(retry, 500, 8000, -1, &rng);
            /* equal jitter: within [cap/2, cap] */
            assert_true(d >= cap / 2);
            assert_true(d <= cap);
            if (d > prev_max)
                prev_max = d;
        }
    }
    assert_true(prev_max <= 8000);
    /* Two draws with different PRNG states are not all the same (jitter exists). */
    {
        uint64_t a = 1, b = 2;
        int differ = 0;
        for (int k = 0; k < 20; k++)
            differ |= nw_fetch_policy_backoff_ms(5, 500, 100000, -1, &a) !=
                      nw_fetch_policy_backoff_ms(5, 500, 100000, -1, &b);
        assert_true(differ);
    }
}

static void test_backoff_honours_retry_after_up_to_cap(void **state)
{
    uint64_t rng = 7;
    long d;

    (void)state;
    d = nw_fetch_policy_backoff_ms(1, 500, 30000, 5000, &rng);
    assert_true(d >= 5000);
    assert_true(d <= 30000);
    d = nw_fetch_policy_backoff_ms(1, 500, 30000, 3600000, &rng);
    assert_true(d <= 30000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_ranges),
        cmocka_unit_test(test_ipv6_ranges),
        cmocka_unit_test(test_ipv6_embedding_ipv4),
        cmocka_unit_test(test_cache_control_max_age),
        cmocka_unit_test(test_unknown_family_is_denied),
        cmocka_unit_test(test_address_str),
        cmocka_unit_test(test_backoff_grows_is_capped_and_jittered),
        cmocka_unit_test(test_backoff_honours_retry_after_up_to_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
