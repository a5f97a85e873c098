/*
 * url.h — URL parsing, normalization and canonical form (libcurl's URL API, no network).
 *
 * Every function returns a new nw_malloc'd string in *out (caller frees with nw_free) and
 * leaves *out untouched on failure. Only absolute http, https and file URLs are accepted
 * where a URL is required (NW_EINVAL otherwise, NW_EUNSUPPORTED for other schemes).
 */
#ifndef NW_URL_H
#define NW_URL_H

#include <stddef.h>

#include "status.h"

/* The longest URL any command fetches, watches or emits as a job, in bytes. */
#define NW_URL_MAX_BYTES 8192

/* The URL policy of every fetch, one rule for all commands (fetch, run, and watch's
 * sources, child documents and items): an absolute http or https URL (file too when
 * allow_file) of at most NW_URL_MAX_BYTES, with no space or control character and no user
 * name or password (refused, never sent). An internationalised host name is allowed and
 * *out gets the URL to send, with that host in its ASCII form (IDNA 2008 punycode, by
 * libcurl's IDN support, whatever the process locale); any other URL is copied as given.
 * On refusal: NW_EINVAL with *code "invalid_url", or NW_EDENIED with "denied_scheme"; errstr
 * says what is wrong ("URL is 9023 bytes, over the 8192-byte limit") and never repeats a
 * password. NW_ENOMEM if memory ran out. *out is the caller's (nw_free). */
enum nw_status nw_url_fetchable(const char *url, int allow_file, char **out, const char **code,
                                char *errstr, size_t errstr_size);

/* Normal form: scheme and host lower case, default port dropped, dot segments resolved,
 * percent-encoding of unreserved characters decoded, empty path "/", fragment removed. */
enum nw_status nw_url_normalize(const char *url, char **out);

/* Normal form without tracking parameters (utm_*, fbclid, gclid, dclid, msclkid, mc_cid,
 * mc_eid, igshid, yclid, _ga, ref_src, ...); the remaining parameters keep their order. */
enum nw_status nw_url_canonicalize(const char *url, char **out);

/* Resolves ref (absolute or relative) against base. Leading and trailing spaces and
 * controls are trimmed and tabs and newlines dropped (as browsers do), inner spaces are
 * percent-encoded, the host is lower-cased, other control characters are NW_EINVAL; a result whose
 * scheme is not http, https or file is NW_EUNSUPPORTED. */
enum nw_status nw_url_resolve(const char *base, const char *ref, char **out);

/* Host, lower case, without port or brackets' port ("www.example.com"). */
enum nw_status nw_url_host(const char *url, char **out);

/* Scheme, lower case ("https"). */
enum nw_status nw_url_scheme(const char *url, char **out);

/* 1 if url carries a user name or password ("http://user:pass@host/"). */
int nw_url_has_userinfo(const char *url);

/* url without its user name and password (a copy of url when it has none). Textual, so
 * it works on URLs the parser refuses too: the authority is what follows "://" up to the
 * first '/', '?', '#' or '\', and everything in it up to its last '@' goes. */
enum nw_status nw_url_strip_userinfo(const char *url, char **out);

/* file:// URL of a local path (made absolute against the current directory). */
enum nw_status nw_url_from_path(const char *path, char **out);

#endif
