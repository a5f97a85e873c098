/*
 * fuzz_url.c — libFuzzer target for the URL functions (url.c), the userinfo strip, the
 * URL policy (nw_url_fetchable), the content sniff (sniff.c), the address policy and the
 * Cache-Control reading (fetch_policy.c), all of which take hostile input from jobs, pages
 * and the network. Invariants: a stripped URL has no userinfo left and is no longer than
 * the input; a normalized URL normalizes to itself; a fetchable URL has no userinfo, is
 * fetchable itself and within the length limit; a max-age is -1 or within its cap.
 */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fetch_policy.h"
#include "mem.h"
#include "sniff.h"
#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = nw_malloc(size + 1), *out = NULL, *again = NULL;
    char what[96];

    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    if (nw_url_strip_userinfo(s, &out) == NW_OK) {
        if (strlen(out) > strlen(s) || nw_url_has_userinfo(out))
            abort();
        nw_free(out);
        out = NULL;
    }
    if (nw_url_normalize(s, &out) == NW_OK) {
        if (nw_url_normalize(out, &again) != NW_OK || strcmp(out, again) != 0)
            abort();
        nw_free(again);
        nw_free(out);
        out = NULL;
    }
    {
        const char *code = NULL;
        char errstr[300];
        if (nw_url_fetchable(s, 0, &out, &code, errstr, sizeof(errstr)) == NW_OK) {
            if (nw_url_has_userinfo(out) ||
                nw_url_fetchable(out, 0, &again, &code, errstr, sizeof(errstr)) != NW_OK)
                abort();
            nw_free(again);
            nw_free(out);
            again = NULL;
        } else if (!code || (strcmp(code, "invalid_url") && strcmp(code, "denied_scheme"))) {
            abort();
        }
        out = NULL;
    }
    {
        long max_age = nw_fetch_policy_max_age_s((const char *)data, size);
        if (max_age < -1 || max_age > NW_FETCH_POLICY_MAX_AGE_CAP_S)
            abort();
    }
    if (nw_url_canonicalize(s, &out) == NW_OK)
        nw_free(out);
    out = NULL;
    if (nw_url_resolve("https://example.com/a/b?c=d", s, &out) == NW_OK)
        nw_free(out);
    (void)nw_sniff_not_html((const char *)data, size, size > 8 ? s + size - 8 : NULL, what,
                            sizeof(what));
    if (size >= 16) {
        struct sockaddr_in6 in6;
        memset(&in6, 0, sizeof(in6));
        in6.sin6_family = AF_INET6;
        memcpy(&in6.sin6_addr, data, 16);
        (void)nw_fetch_policy_address_denied((const struct sockaddr *)&in6);
    }
    nw_free(s);
    return 0;
}

#include "replay_main.h"
