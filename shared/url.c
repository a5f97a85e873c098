/* url.c — URL handling on top of libcurl's CURLU parser (pure parsing, no transfers). */
#include "url.h"

#include <ctype.h>
#include <curl/curl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "mem.h"

#define URL_MAX NW_URL_MAX_BYTES

/* Query parameters that only track the click, never select content. */
static int is_tracking_param(const char *name, size_t len)
{
    static const char *const exact[] = {
        "fbclid",     "gclid",     "dclid",       "gbraid",  "wbraid", "msclkid", "mc_cid",
        "mc_eid",     "igshid",    "yclid",       "_ga",     "_gl",    "ref_src", "ref_url",
        "twclid",     "ttclid",    "li_fat_id",   "mkt_tok", "_hsenc", "_hsmi",   "oly_anon_id",
        "oly_enc_id", "vero_id",   "wickedid",    "s_cid",   "cmpid",  "ocid",    "ncid",
        "sr_share",   "at_medium", "at_campaign", "smid",
    };
    if (len > 4 && strncasecmp(name, "utm_", 4) == 0)
        return 1;
    for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
        if (strlen(exact[i]) == len && strncasecmp(name, exact[i], len) == 0)
            return 1;
    return 0;
}

static enum nw_status copy_out(const char *s, char **out)
{
    char *copy = nw_strdup(s);

    if (!copy)
        return NW_ENOMEM;
    *out = copy;
    return NW_OK;
}

/* NW_OK if the URL in h has an http, https or file scheme. */
static enum nw_status check_scheme(CURLU *h)
{
    enum nw_status result = NW_OK;
    char *scheme = NULL;

    if (curl_url_get(h, CURLUPART_SCHEME, &scheme, 0))
        return NW_EINVAL;
    if (strcmp(scheme, "http") && strcmp(scheme, "https") && strcmp(scheme, "file"))
        result = NW_EUNSUPPORTED;
    curl_free(scheme);
    return result;
}

/* Parses url into h, accepting absolute http/https/file only. */
static enum nw_status parse(CURLU *h, const char *url)
{
    CURLUcode uc;

    if (!url || strlen(url) > URL_MAX)
        return NW_EINVAL;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return NW_EINVAL; /* spaces and controls: reject rather than guess */
    uc = curl_url_set(h, CURLUPART_URL, url, 0);
    if (uc == CURLUE_OUT_OF_MEMORY)
        return NW_ENOMEM;
    if (uc)
        return NW_EINVAL;
    return check_scheme(h);
}

/* Lower-cases the host in place inside h. */
static enum nw_status lower_host(CURLU *h)
{
    char *host = NULL;
    CURLUcode uc;

    if (curl_url_get(h, CURLUPART_HOST, &host, 0))
        return NW_OK; /* file:// URLs have no host */
    for (char *p = host; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    uc = curl_url_set(h, CURLUPART_HOST, host, 0);
    curl_free(host);
    return uc ? NW_EINVAL : NW_OK;
}

static enum nw_status emit(CURLU *h, char **out)
{
    enum nw_status result;
    char *s = NULL;

    if (curl_url_get(h, CURLUPART_URL, &s, CURLU_NO_DEFAULT_PORT))
        return NW_EINVAL;
    result = copy_out(s, out);
    curl_free(s);
    return result;
}

static enum nw_status normalize_into(CURLU *h, const char *url)
{
    enum nw_status result = parse(h, url);

    if (result)
        return result;
    result = lower_host(h);
    if (result)
        return result;
    if (curl_url_set(h, CURLUPART_FRAGMENT, NULL, 0))
        return NW_ENOMEM;
    return NW_OK;
}

/* Rebuilds the query without tracking parameters. */
static enum nw_status strip_tracking(CURLU *h)
{
    enum nw_status result = NW_OK;
    char *query = NULL;
    struct nw_buf kept;
    const char *p;

    if (curl_url_get(h, CURLUPART_QUERY, &query, 0))
        return NW_OK; /* no query */
    nw_buf_init(&kept, URL_MAX);
    for (p = query; *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t name_len = eq ? (size_t)(eq - p) : len;

        if (len && !is_tracking_param(p, name_len)) {
            if (kept.len)
                result = nw_buf_putc(&kept, '&');
            if (!result)
                result = nw_buf_append(&kept, p, len);
            if (result)
                goto out;
        }
        if (!amp)
            break;
        p = amp + 1;
    }
    if (curl_url_set(h, CURLUPART_QUERY, kept.len ? nw_buf_str(&kept) : NULL, 0))
        result = NW_ENOMEM;
out:
    nw_buf_fini(&kept);
    curl_free(query);
    return result;
}

/* nw_url_normalize, and with strip also nw_url_canonicalize: one parse, one emit. */
static enum nw_status normalize_once(const char *url, int strip, char **out)
{
    enum nw_status result;
    CURLU *h = curl_url();

    if (!h)
        return NW_ENOMEM;
    result = normalize_into(h, url);
    if (!result && strip)
        result = strip_tracking(h);
    if (!result)
        result = emit(h, out);
    curl_url_cleanup(h);
    return result;
}

static enum nw_status normalize_url(const char *url, int strip, char **out)
{
    enum nw_status result = normalize_once(url, strip, out);
    char *again = NULL;

    if (result)
        return result;
    /* libcurl can write out what it does not read back the same (a file URL whose "host"
     * is a colon: "file::/x" becomes "file://:/x"; "file:/.." becomes "file:///", which it
     * then refuses): such an input has no stable form and is refused, so that a normalized
     * URL always normalizes to itself (fuzz_url checks it). */
    result = normalize_once(*out, 0, &again);
    if (result == NW_OK && strcmp(again, *out))
        result = NW_EINVAL;
    if (result && result != NW_ENOMEM)
        result = NW_EINVAL;
    if (result) {
        nw_free(*out);
        *out = NULL;
    }
    nw_free(again);
    return result;
}

enum nw_status nw_url_normalize(const char *url, char **out)
{
    return normalize_url(url, 0, out);
}

enum nw_status nw_url_canonicalize(const char *url, char **out)
{
    return normalize_url(url, 1, out);
}

enum nw_status nw_url_resolve(const char *base, const char *ref, char **out)
{
    enum nw_status result;
    CURLU *h = curl_url();
    struct nw_buf clean;
    CURLUcode uc;

    nw_buf_init(&clean, URL_MAX);
    if (!h)
        return NW_ENOMEM;
    result = parse(h, base);
    if (result)
        goto out;
    if (!ref || strlen(ref) > URL_MAX) {
        result = NW_EINVAL;
        goto out;
    }
    /* As browsers do (WHATWG URL): trim leading and trailing controls and spaces, drop
     * tabs and newlines inside (hrefs wrapped across lines); other controls are refused. */
    {
        const char *start = ref, *end = ref + strlen(ref);
        while (start < end && (unsigned char)*start <= 0x20)
            start++;
        while (end > start && (unsigned char)end[-1] <= 0x20)
            end--;
        for (const char *p = start; p < end && !result; p++) {
            if (*p == '\t' || *p == '\n' || *p == '\r')
                continue;
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                result = NW_EINVAL;
            else
                result = nw_buf_putc(&clean, *p);
        }
    }
    if (result)
        goto out;
    /* Relative references are resolved against the URL already in the handle. */
    uc = curl_url_set(h, CURLUPART_URL, nw_buf_str(&clean), CURLU_URLENCODE);
    if (uc) {
        result = uc == CURLUE_OUT_OF_MEMORY ? NW_ENOMEM : NW_EINVAL;
        goto out;
    }
    /* "mailto:x" or "ftp://h/" resolve fine but are nothing we can use. */
    result = check_scheme(h);
    if (!result)
        result = lower_host(h);
    if (!result)
        result = emit(h, out);
out:
    nw_buf_fini(&clean);
    curl_url_cleanup(h);
    return result;
}

static enum nw_status get_part(const char *url, CURLUPart part, int lower, char **out)
{
    enum nw_status result;
    char *s = NULL;
    CURLU *h = curl_url();

    if (!h)
        return NW_ENOMEM;
    result = parse(h, url);
    if (result)
        goto out;
    if (curl_url_get(h, part, &s, 0)) {
        result = NW_EINVAL;
        goto out;
    }
    if (lower)
        for (char *p = s; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    result = copy_out(s, out);
out:
    curl_free(s);
    curl_url_cleanup(h);
    return result;
}

enum nw_status nw_url_host(const char *url, char **out)
{
    return get_part(url, CURLUPART_HOST, 1, out);
}

enum nw_status nw_url_scheme(const char *url, char **out)
{
    return get_part(url, CURLUPART_SCHEME, 1, out);
}

/* The userinfo of url ("user:pass@", '@' included): *start and *len; 0 if none. */
static int find_userinfo(const char *url, size_t *start, size_t *len)
{
    const char *sep = url ? strstr(url, "://") : NULL;
    const char *auth, *at = NULL;
    size_t n;

    if (!sep)
        return 0;
    auth = sep + 3;
    n = strcspn(auth, "/?#\\");
    for (size_t i = 0; i < n; i++)
        if (auth[i] == '@')
            at = auth + i;
    if (!at)
        return 0;
    *start = (size_t)(auth - url);
    *len = (size_t)(at + 1 - auth);
    return 1;
}

int nw_url_has_userinfo(const char *url)
{
    size_t start, len;
    return find_userinfo(url, &start, &len);
}

enum nw_status nw_url_strip_userinfo(const char *url, char **out)
{
    size_t start, len, total;
    char *s;

    if (!url)
        return NW_EINVAL;
    if (!find_userinfo(url, &start, &len))
        return copy_out(url, out);
    total = strlen(url);
    s = nw_malloc(total - len + 1);
    if (!s)
        return NW_ENOMEM;
    memcpy(s, url, start);
    memcpy(s + start, url + start + len, total - start - len + 1);
    *out = s;
    return NW_OK;
}

enum nw_status nw_url_from_path(const char *path, char **out)
{
    enum nw_status result;
    struct nw_buf buf;
    char cwd[PATH_MAX];

    nw_buf_init(&buf, URL_MAX);
    result = nw_buf_puts(&buf, "file://");
    if (!result && path[0] != '/') {
        if (!getcwd(cwd, sizeof(cwd))) {
            result = NW_EIO;
            goto out;
        }
        result = nw_buf_puts(&buf, cwd);
        if (!result)
            result = nw_buf_putc(&buf, '/');
    }
    /* Percent-encode what may not stand in a URL path. */
    for (const char *p = path; !result && *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) || strchr("/-._~!$&'()*+,;=:@", c))
            result = nw_buf_putc(&buf, (char)c);
        else
            result = nw_buf_printf(&buf, "%%%02X", c);
    }
    if (result)
        goto out;
    *out = nw_buf_detach(&buf, NULL);
    if (!*out)
        result = NW_ENOMEM;
out:
    nw_buf_fini(&buf);
    return result;
}

/* Length of the run at p of what an ASCII host name or IPv4 address is made of: letters,
 * digits, '-', '.' and '_'. */
static size_t host_name_span(const char *p)
{
    size_t n = 0;

    while (isalnum((unsigned char)p[n]) || p[n] == '-' || p[n] == '.' || p[n] == '_')
        n++;
    return n;
}

/* url with its host in ASCII (punycode) form, from h (parsed from url). libcurl converts
 * with libidn2 from the locale's character set, so the conversion runs under a UTF-8
 * LC_CTYPE for this thread only (uselocale), whatever the process set. UTS #46 maps some
 * characters to ASCII that no host name may hold: a full-width solidus, commercial at or
 * comma becomes '/', '@' or ',', which would move the host ("a\xef\xbc\x8fb.example" would
 * fetch from "a"). The ASCII host must be letters, digits, '-', '.' and '_' only, or the
 * name is refused. */
static enum nw_status punycode_url(CURLU *h, char **out)
{
    locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0), old;
    enum nw_status result = NW_EINVAL;
    char *s = NULL, *host = NULL;
    CURLUcode uc;

    if (!utf8)
        return NW_EINVAL;
    old = uselocale(utf8);
    uc = curl_url_get(h, CURLUPART_HOST, &host, CURLU_PUNYCODE);
    if (uc == CURLUE_OK)
        uc = curl_url_get(h, CURLUPART_URL, &s, CURLU_PUNYCODE);
    uselocale(old);
    freelocale(utf8);
    if (uc == CURLUE_OK && host[0] && !host[host_name_span(host)])
        result = copy_out(s, out);
    curl_free(host);
    curl_free(s);
    return result;
}

/* The common case, decided without the parser: "http://" or "https://", an ASCII host name
 * or IPv4 address (letters, digits, '-', '.', '_'), an optional port 1-65535, then the end
 * or '/', '?', '#'. Every such URL parses (what follows the authority is not judged by
 * the parser either), and its host needs no IDN conversion. */
static int plain_http_url(const char *url)
{
    const char *p, *start;
    long port = 0;

    if (!strncasecmp(url, "http://", 7))
        p = url + 7;
    else if (!strncasecmp(url, "https://", 8))
        p = url + 8;
    else
        return 0;
    start = p;
    p += host_name_span(p);
    if (p == start)
        return 0;
    if (*p == ':') {
        for (start = ++p; isdigit((unsigned char)*p) && p - start < 6; p++)
            port = port * 10 + (*p - '0');
        if (p == start || p - start > 5 || port < 1 || port > 65535)
            return 0;
    }
    return *p == '\0' || *p == '/' || *p == '?' || *p == '#';
}

/* NW_EINVAL with the URL shown without them when the parsed URL h has a user name or a
 * password; NW_OK when it has neither. */
static enum nw_status parsed_userinfo_refused(CURLU *h, char *errstr, size_t errstr_size)
{
    char *user = NULL, *pass = NULL, *shown = NULL;
    int has;

    has = curl_url_get(h, CURLUPART_USER, &user, 0) == CURLUE_OK ||
          curl_url_get(h, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK;
    curl_free(user);
    curl_free(pass);
    if (!has)
        return NW_OK;
    curl_url_set(h, CURLUPART_USER, NULL, 0);
    curl_url_set(h, CURLUPART_PASSWORD, NULL, 0);
    if (curl_url_get(h, CURLUPART_URL, &shown, 0) != CURLUE_OK)
        shown = NULL;
    nw_fail(NW_EINVAL, errstr, errstr_size, "user name or password in the URL (not sent): %.200s",
            shown ? shown : "(unprintable)");
    curl_free(shown);
    return NW_EINVAL;
}

enum nw_status nw_url_fetchable(const char *url, int allow_file, char **out, const char **code,
                                char *errstr, size_t errstr_size)
{
    enum nw_status result = NW_OK;
    size_t n = url ? strlen(url) : 0;
    char *scheme = NULL, *host = NULL, *shown = NULL, *ascii = NULL;
    int idn = 0;
    CURLU *h = NULL;

    *code = "invalid_url";
    if (n == 0)
        return nw_fail(NW_EINVAL, errstr, errstr_size, "empty URL");
    if (n > NW_URL_MAX_BYTES)
        return nw_fail(NW_EINVAL, errstr, errstr_size, "URL is %zu bytes, over the %d-byte limit",
                       n, NW_URL_MAX_BYTES);
    if (nw_url_has_userinfo(url)) {
        if (nw_url_strip_userinfo(url, &shown))
            return NW_ENOMEM;
        result = nw_fail(NW_EINVAL, errstr, errstr_size,
                         "user name or password in the URL (not sent): %.200s", shown);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= 0x20 || c == 0x7f) {
            result = nw_fail(NW_EINVAL, errstr, errstr_size,
                             "URL has a space or control character (byte %zu): %.200s", i, url);
            goto out;
        }
    }
    if (plain_http_url(url)) {
        result = copy_out(url, out);
        goto out;
    }
    h = curl_url();
    if (!h) {
        result = NW_ENOMEM;
        goto out;
    }
    switch (curl_url_set(h, CURLUPART_URL, url, 0)) {
    case CURLUE_OK:
        break;
    case CURLUE_OUT_OF_MEMORY:
        result = NW_ENOMEM;
        goto out;
    default:
        result = nw_fail(NW_EINVAL, errstr, errstr_size, "'%.200s' is not an absolute URL", url);
        goto out;
    }
    if (curl_url_get(h, CURLUPART_SCHEME, &scheme, 0)) {
        result = nw_fail(NW_EINVAL, errstr, errstr_size, "'%.200s' is not an absolute URL", url);
        goto out;
    }
    /* Userinfo as the URL parser sees it: forms the string check above does not take for
     * an authority ("https:/u:p@host", one slash) still carry one. */
    result = parsed_userinfo_refused(h, errstr, errstr_size);
    if (result)
        goto out;
    if (!strcmp(scheme, "file") && !allow_file) {
        *code = "denied_scheme";
        result = nw_fail(NW_EDENIED, errstr, errstr_size,
                         "file URLs are not allowed (fetch.allow_file is off): %.180s", url);
        goto out;
    }
    if (strcmp(scheme, "http") && strcmp(scheme, "https") && strcmp(scheme, "file")) {
        *code = "denied_scheme";
        result = nw_fail(NW_EDENIED, errstr, errstr_size, "scheme of '%.200s' is not allowed", url);
        goto out;
    }
    if (strcmp(scheme, "file") && curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK)
        for (const char *p = host; *p && !idn; p++)
            idn = (unsigned char)*p >= 0x80;
    if (!idn) {
        result = copy_out(url, out);
        goto out;
    }
    result = punycode_url(h, &ascii);
    if (result == NW_EINVAL)
        nw_fail(NW_EINVAL, errstr, errstr_size,
                "host name of '%.200s' is not a valid internationalised domain name (IDNA)", url);
    if (result == NW_OK && strlen(ascii) > NW_URL_MAX_BYTES)
        result = nw_fail(NW_EINVAL, errstr, errstr_size,
                         "URL is %zu bytes in its ASCII form, over the %d-byte limit",
                         strlen(ascii), NW_URL_MAX_BYTES);
    if (result == NW_OK) {
        *out = ascii;
        ascii = NULL;
    }
out:
    curl_free(scheme);
    curl_free(host);
    nw_free(shown);
    nw_free(ascii);
    curl_url_cleanup(h);
    return result;
}
