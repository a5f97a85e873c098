/* lake_s3.c — the lake's publish and unpublish hooks backed by the S3 uploader. */
#include "lake_s3.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lake_format.h"
#include "log.h"
#include "mem.h"
#include "s3.h"

#define BACKOFF_FIRST_MS 1000
#define BACKOFF_MAX_MS 30000

struct nw_lake_s3 {
    struct nw_s3 *s3;
    int keep_local;
    long long next_try_ms; /* no upload before this after a failure */
    long long backoff_ms;
    unsigned long long removed; /* objects of uncommitted attempts deleted */
};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum nw_status publish(void *ctx, const char *path, const char *key, char *errstr,
                              size_t errstr_size)
{
    struct nw_lake_s3 *ls = ctx;
    enum nw_status result;
    long long now = now_ms();

    if (now < ls->next_try_ms)
        return nw_fail(NW_EIO, errstr, errstr_size, "uploads paused for %lld ms after a failure",
                       ls->next_try_ms - now);
    result = nw_s3_put_file(ls->s3, path, key, errstr, errstr_size);
    if (result) {
        ls->backoff_ms = ls->backoff_ms ? ls->backoff_ms * 2 : BACKOFF_FIRST_MS;
        if (ls->backoff_ms > BACKOFF_MAX_MS)
            ls->backoff_ms = BACKOFF_MAX_MS;
        ls->next_try_ms = now_ms() + ls->backoff_ms;
        return result;
    }
    ls->backoff_ms = 0;
    ls->next_try_ms = 0;
    if (!ls->keep_local && unlink(path) != 0 && errno != ENOENT)
        NW_LOG_WARN("lake", "%s uploaded, but the local copy could not be removed: %s", path,
                    strerror(errno));
    return NW_OK;
}

struct doomed {
    const char *topic;
    int32_t partition;
    int64_t from;
    char **keys;
    size_t n, cap;
    int nomem;
};

static int collect(void *ctx, const char *key)
{
    struct doomed *d = ctx;
    const char *name = strrchr(key, '/');
    int32_t part;
    int64_t off;

    name = name ? name + 1 : key;
    if (!nw_lake_name_source(name, d->topic, &part, &off) || part != d->partition || off < d->from)
        return 0;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        char **keys = nw_realloc(d->keys, cap * sizeof(*keys));
        if (!keys) {
            d->nomem = 1;
            return 1;
        }
        d->keys = keys;
        d->cap = cap;
    }
    if (!(d->keys[d->n] = nw_strdup(key))) {
        d->nomem = 1;
        return 1;
    }
    d->n++;
    return 0;
}

static enum nw_status unpublish(void *ctx, const char *topic, int32_t partition, int64_t from,
                                char *errstr, size_t errstr_size)
{
    struct nw_lake_s3 *ls = ctx;
    enum nw_status result = NW_OK;
    struct doomed d = {topic, partition, from, NULL, 0, 0, 0};
    char prefix[64], object[1200];
    size_t i;

    for (int k = 0; k < NW_LAKE_NKINDS && !result; k++) {
        snprintf(prefix, sizeof(prefix), "%s/", nw_lake_kind_name((enum nw_lake_kind)k));
        result = nw_s3_list(ls->s3, prefix, collect, &d, errstr, errstr_size);
        if (!result && d.nomem)
            result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
    }
    for (i = 0; i < d.n && !result; i++) {
        result = nw_s3_delete(ls->s3, d.keys[i], errstr, errstr_size);
        if (!result) {
            ls->removed++;
            NW_LOG_INFO("lake", "removed %s (partition %d resumes at offset %lld)",
                        nw_s3_object_name(ls->s3, d.keys[i], object, sizeof(object)),
                        (int)partition, (long long)from);
        }
    }
    for (i = 0; i < d.n; i++)
        nw_free(d.keys[i]);
    nw_free(d.keys);
    return result;
}

struct nw_lake_s3 *nw_lake_s3_attach(struct nw_lake *lake, const struct nw_config *cfg,
                                     enum nw_status *status, char *errstr, size_t errstr_size)
{
    struct nw_lake_s3 *ls = NULL;

    *status = NW_OK;
    if (!nw_s3_enabled(cfg))
        return NULL;
    ls = nw_calloc(1, sizeof(*ls));
    if (!ls) {
        *status = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    ls->s3 = nw_s3_create(cfg, errstr, errstr_size);
    if (!ls->s3) {
        *status = NW_ECONFIG; /* errstr names the key */
        goto fail;
    }
    *status = nw_s3_check(ls->s3, errstr, errstr_size);
    if (*status)
        goto fail;
    ls->keep_local = nw_s3_keep_local(ls->s3);
    nw_lake_set_publish(lake, publish, ls);
    nw_lake_set_unpublish(lake, unpublish, ls);
    return ls;
fail:
    nw_lake_s3_destroy(ls);
    return NULL;
}

void nw_lake_s3_destroy(struct nw_lake_s3 *ls)
{
    struct nw_s3_stats st;

    if (!ls)
        return;
    if (ls->s3) {
        nw_s3_get_stats(ls->s3, &st);
        NW_LOG_INFO("lake",
                    "s3: %llu file(s) uploaded (%llu bytes), %llu failed upload(s), %llu "
                    "request(s), %llu retried, %llu object(s) of uncommitted attempts removed",
                    (unsigned long long)st.files, (unsigned long long)st.bytes,
                    (unsigned long long)st.failures, (unsigned long long)st.requests,
                    (unsigned long long)st.retries, ls->removed);
    }
    nw_s3_destroy(ls->s3);
    nw_free(ls);
}
