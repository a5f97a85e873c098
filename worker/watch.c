/*
 * watch.c — the feed watcher: sources, schedule, seen sets, state.
 *
 *   source heap (by due time) ─due─▶ fetcher (fetch.c: URL policy, addresses, robots.txt,
 *   per-host politeness, conditional GET) ─answer─▶ parse ─▶ new items emitted, children
 *   added, next due time ─▶ source heap
 *
 * Requests go through the one fetcher every command uses, one attempt each (the schedule
 * is the retry). Due sources are handed to it while fewer than twice fetch.concurrency of
 * them wait for a slot (those parked on their own host do not count), so one slow host
 * cannot hold the others back and the fetcher's queues stay small however many are due.
 */
#include "watch.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "feeds.h"
#include "fetch.h"
#include "log.h"
#include "mem.h"
#include "record.h"
#include "seen.h"
#include "url.h"

#define NOT_IN_HEAP ((size_t)-1)
#define HOST_BUSY_RETRY_MS 250

struct source {
    char *url;
    struct source *root;   /* self for a configured source */
    struct source *parent; /* NULL for a configured source */
    struct source *first_child, *next_sibling;
    struct source *hash_next; /* URL table chain */
    json_t *meta;             /* configured sources only */
    long fixed_interval_s;    /* 0 = adaptive */
    size_t n_desc;            /* configured sources: children created under it */
    int depth;
    char *etag, *last_modified;
    long interval_s;
    long update_s; /* the document's own refresh hint (ttl, sy:updatePeriod); -1 none */
    long long due_ms;
    size_t heap_idx;
    int failures;
    int tag; /* configured sources: the caller's tag (sources topic partition) */
    unsigned in_flight : 1, removed : 1, ok_once : 1, polled : 1;
    unsigned parked : 1; /* not scheduled until nw_watch_set_hold(w, 0) */
    unsigned dirty : 1;  /* configured sources: polled since the last snapshot */
    struct nw_seen seen;
};

struct nw_watch {
    const struct nw_watch_emit *emit;
    void *ctx;
    int once;
    struct nw_fetcher *fetcher;
    size_t waiting_max; /* sources handed to the fetcher that wait for a slot, at most */
    size_t host_max;    /* sources of one origin in the fetcher, at most */

    long min_s, max_s;
    int emit_existing;
    int max_depth;
    size_t max_children;
    size_t seen_max;
    long seen_max_age_s;
    struct nw_feed_limits limits;

    struct source **src_buckets;
    size_t n_src_buckets, n_sources;

    struct source **heap; /* due times */
    size_t heap_n, heap_cap;

    struct source *limbo; /* removed while in flight (linked by hash_next) */
    int hold;             /* new configured sources are parked */
    size_t once_pending;  /* once mode: sources not yet polled */
    struct nw_watch_stats stats;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- heaps ------------------------------------------------------------------------------ */

static void sheap_swap(struct nw_watch *w, size_t a, size_t b)
{
    struct source *t = w->heap[a];
    w->heap[a] = w->heap[b];
    w->heap[b] = t;
    w->heap[a]->heap_idx = a;
    w->heap[b]->heap_idx = b;
}

static void sheap_up(struct nw_watch *w, size_t i)
{
    while (i > 0 && w->heap[(i - 1) / 2]->due_ms > w->heap[i]->due_ms) {
        sheap_swap(w, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void sheap_down(struct nw_watch *w, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < w->heap_n && w->heap[l]->due_ms < w->heap[m]->due_ms)
            m = l;
        if (r < w->heap_n && w->heap[r]->due_ms < w->heap[m]->due_ms)
            m = r;
        if (m == i)
            return;
        sheap_swap(w, i, m);
        i = m;
    }
}

static enum nw_status sheap_push(struct nw_watch *w, struct source *s)
{
    if (nw_grow_array((void **)&w->heap, &w->heap_cap, w->heap_n + 1, 64, sizeof(*w->heap)))
        return NW_ENOMEM;
    s->heap_idx = w->heap_n;
    w->heap[w->heap_n++] = s;
    sheap_up(w, s->heap_idx);
    return NW_OK;
}

static void sheap_remove(struct nw_watch *w, struct source *s)
{
    size_t i = s->heap_idx;

    if (i == NOT_IN_HEAP)
        return;
    w->heap_n--;
    if (i != w->heap_n) {
        w->heap[i] = w->heap[w->heap_n];
        w->heap[i]->heap_idx = i;
        sheap_down(w, i);
        sheap_up(w, i);
    }
    s->heap_idx = NOT_IN_HEAP;
}

/* ---- tables ----------------------------------------------------------------------------- */

static size_t str_hash(const char *s)
{
    return (size_t)nw_seen_hash(s, strlen(s), 0);
}

static struct source *source_find(struct nw_watch *w, const char *url)
{
    for (struct source *s = w->src_buckets[str_hash(url) & (w->n_src_buckets - 1)]; s;
         s = s->hash_next)
        if (!strcmp(s->url, url))
            return s;
    return NULL;
}

static void table_grow(void ***buckets, size_t *n_buckets, size_t next_offset, size_t key_offset)
{
    size_t n = *n_buckets * 2;
    void **b = nw_calloc(n, sizeof(*b));

    if (!b)
        return; /* longer chains, still correct */
    for (size_t i = 0; i < *n_buckets; i++) {
        void *e = (*buckets)[i], *next;
        for (; e; e = next) {
            const char *key = *(char **)((char *)e + key_offset);
            size_t j = str_hash(key) & (n - 1);
            next = *(void **)((char *)e + next_offset);
            *(void **)((char *)e + next_offset) = b[j];
            b[j] = e;
        }
    }
    nw_free(*buckets);
    *buckets = b;
    *n_buckets = n;
}

static void source_link(struct nw_watch *w, struct source *s)
{
    size_t i;

    if (w->n_sources >= w->n_src_buckets)
        table_grow((void ***)&w->src_buckets, &w->n_src_buckets, offsetof(struct source, hash_next),
                   offsetof(struct source, url));
    i = str_hash(s->url) & (w->n_src_buckets - 1);
    s->hash_next = w->src_buckets[i];
    w->src_buckets[i] = s;
    w->n_sources++;
}

static void source_unlink(struct nw_watch *w, struct source *s)
{
    struct source **pp = &w->src_buckets[str_hash(s->url) & (w->n_src_buckets - 1)];

    for (; *pp; pp = &(*pp)->hash_next) {
        if (*pp == s) {
            *pp = s->hash_next;
            w->n_sources--;
            return;
        }
    }
}

/* ---- sources ---------------------------------------------------------------------------- */

static void source_free(struct source *s)
{
    json_decref(s->meta);
    nw_free(s->url);
    nw_free(s->etag);
    nw_free(s->last_modified);
    nw_seen_fini(&s->seen);
    nw_free(s);
}

/* NW_OK if the fetcher would take url (nw_url_fetchable: the rule every command follows),
 * else the reason in errstr, which never repeats a password. */
static enum nw_status url_policy(const char *url, char *errstr, size_t errstr_size)
{
    const char *code = NULL;
    char *send = NULL;
    enum nw_status result = nw_url_fetchable(url, 0, &send, &code, errstr, errstr_size);

    nw_free(send);
    return result;
}

static struct source *source_new(struct nw_watch *w, const char *url, struct source *parent)
{
    struct source *s = nw_calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->heap_idx = NOT_IN_HEAP;
    s->url = nw_strdup(url);
    if (!s->url) {
        source_free(s);
        return NULL;
    }
    s->interval_s = w->min_s;
    s->update_s = -1;
    s->root = parent ? parent->root : s;
    s->parent = parent;
    s->depth = parent ? parent->depth + 1 : 0;
    if (parent) {
        s->next_sibling = parent->first_child;
        parent->first_child = s;
        s->root->n_desc++;
    }
    source_link(w, s);
    if (w->once)
        w->once_pending++;
    return s;
}

/* Removes s and its children from every table; frees what is not in flight (those are
 * freed when their answer comes). */
static void source_remove(struct nw_watch *w, struct source *s)
{
    struct source *c, *next;

    for (c = s->first_child; c; c = next) {
        next = c->next_sibling;
        source_remove(w, c);
    }
    s->first_child = NULL;
    if (s->parent) {
        struct source **pp = &s->parent->first_child;
        for (; *pp; pp = &(*pp)->next_sibling) {
            if (*pp == s) {
                *pp = s->next_sibling;
                break;
            }
        }
        if (s->root->n_desc > 0)
            s->root->n_desc--;
        s->parent = NULL;
    }
    if (w->once && !s->polled && w->once_pending > 0)
        w->once_pending--;
    s->polled = 1;
    source_unlink(w, s);
    sheap_remove(w, s);
    s->removed = 1;
    if (!s->in_flight) {
        source_free(s);
    } else {
        s->hash_next = w->limbo;
        w->limbo = s;
    }
}

/* Frees a removed source whose answer came. */
static void limbo_free(struct nw_watch *w, struct source *s)
{
    for (struct source **pp = &w->limbo; *pp; pp = &(*pp)->hash_next) {
        if (*pp == s) {
            *pp = s->hash_next;
            break;
        }
    }
    source_free(s);
}

static enum nw_status schedule_at(struct nw_watch *w, struct source *s, long long due_ms)
{
    sheap_remove(w, s);
    s->due_ms = due_ms;
    if (s->parked || s->root->parked) {
        s->parked = 1;
        return NW_OK;
    }
    return sheap_push(w, s);
}

enum nw_status nw_watch_add(struct nw_watch *w, const char *url, long interval_s,
                            const json_t *meta, char *errstr, size_t errstr_size)
{
    return nw_watch_add_tagged(w, url, interval_s, meta, -1, errstr, errstr_size);
}

enum nw_status nw_watch_add_tagged(struct nw_watch *w, const char *url, long interval_s,
                                   const json_t *meta, int tag, char *errstr, size_t errstr_size)
{
    struct source *s;
    char why[400];
    enum nw_status refused = url_policy(url, why, sizeof(why));

    if (refused == NW_ENOMEM)
        return nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
    if (refused)
        return nw_fail(NW_EINVAL, errstr, errstr_size, "source refused: %s", why);
    s = source_find(w, url);
    if (s && s->parent) {
        /* Watched as a child so far: it becomes a configured source of its own. */
        source_remove(w, s);
        s = NULL;
    }
    if (!s) {
        s = source_new(w, url, NULL);
        if (s)
            s->parked = (unsigned)(w->hold != 0);
        if (!s || schedule_at(w, s, now_ms())) {
            if (s)
                source_remove(w, s);
            return nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        }
    }
    s->fixed_interval_s = interval_s > 0 ? interval_s : 0;
    s->tag = tag;
    json_decref(s->meta);
    s->meta = meta && json_is_object(meta) ? json_deep_copy(meta) : NULL;
    return NW_OK;
}

enum nw_status nw_watch_add_line(struct nw_watch *w, const char *line, size_t len, char *errstr,
                                 size_t errstr_size)
{
    json_error_t jerr;
    json_t *o, *iv, *meta;
    enum nw_status result;
    const char *url;
    char *copy;
    long interval = 0;

    while (len > 0 && (*line == ' ' || *line == '\t'))
        line++, len--;
    while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r' ||
                       line[len - 1] == '\n'))
        len--;
    if (len == 0 || line[0] == '#')
        return NW_OK;
    if (line[0] != '{') {
        copy = nw_strndup(line, len);
        if (!copy)
            return NW_ENOMEM;
        result = nw_watch_add(w, copy, 0, NULL, errstr, errstr_size);
        nw_free(copy);
        return result;
    }
    o = json_loadb(line, len, 0, &jerr);
    if (!json_is_object(o)) {
        json_decref(o);
        return nw_fail(NW_EINVAL, errstr, errstr_size, "source line is not a JSON object: %s",
                       jerr.text);
    }
    url = json_string_value(json_object_get(o, "url"));
    iv = json_object_get(o, "interval_s");
    meta = json_object_get(o, "meta");
    if (!url) {
        result = nw_fail(NW_EINVAL, errstr, errstr_size, "source line has no \"url\" string");
    } else if (iv && !json_is_null(iv) &&
               (!json_is_integer(iv) || json_integer_value(iv) < 1 ||
                json_integer_value(iv) > 604800)) {
        result = nw_fail(NW_EINVAL, errstr, errstr_size,
                         "source %.200s: interval_s must be an integer in [1, 604800]", url);
    } else if (meta && !json_is_null(meta) && !json_is_object(meta)) {
        result =
            nw_fail(NW_EINVAL, errstr, errstr_size, "source %.200s: meta must be an object", url);
    } else {
        if (json_is_integer(iv))
            interval = (long)json_integer_value(iv);
        result = nw_watch_add(w, url, interval, meta, errstr, errstr_size);
    }
    json_decref(o);
    return result;
}

enum nw_status nw_watch_remove(struct nw_watch *w, const char *url)
{
    struct source *s = source_find(w, url);

    if (s && !s->parent)
        source_remove(w, s);
    return NW_OK;
}

/* ---- records ---------------------------------------------------------------------------- */

static void emit_error(struct nw_watch *w, struct source *s, const char *code, long http_status,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void emit_error(struct nw_watch *w, struct source *s, const char *code, long http_status,
                       const char *fmt, ...)
{
    struct nw_error_info info = {0};
    char message[768];
    json_t *job, *rec;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    job = json_pack("{s:s, s:{s:s}}", "url", s->url, "meta", "source", s->root->url);
    info.url = s->url;
    info.stage = "watch";
    info.code = code;
    info.message = message;
    info.http_status = http_status;
    info.attempts = 1;
    info.job = job;
    rec = nw_record_error(&info);
    w->stats.errors++;
    NW_LOG_DEBUG("watch", "%s: %s", s->url, message);
    if (rec)
        w->emit->error(rec, w->ctx);
    else
        NW_LOG_ERROR("watch", "out of memory building an error record for %s: %s", s->url, message);
    json_decref(rec);
    json_decref(job);
}

static enum nw_status emit_item(struct nw_watch *w, struct source *s, const struct nw_feed *feed,
                                const struct nw_feed_item *it)
{
    json_t *job = json_object(), *meta = json_object();
    enum nw_status result = NW_ENOMEM;

    if (!job || !meta)
        goto out;
    if (s->root->meta && json_object_update(meta, s->root->meta))
        goto out;
    if (json_object_set_new(meta, "source", json_string(s->root->url)) ||
        (s != s->root && json_object_set_new(meta, "feed", json_string(s->url))) ||
        (feed->title && json_object_set_new(meta, "feed_title", nw_json_string(feed->title))) ||
        (it->title && json_object_set_new(meta, "item_title", nw_json_string(it->title))) ||
        (it->date && json_object_set_new(meta, "item_date", json_string(it->date))) ||
        (it->guid && json_object_set_new(meta, "guid", nw_json_string(it->guid))) ||
        json_object_set_new(job, "url", json_string(it->url)) || json_object_set(job, "meta", meta))
        goto out;
    result = w->emit->job(job, it->url, w->ctx);
out:
    json_decref(meta);
    json_decref(job);
    return result;
}

/* ---- answers ---------------------------------------------------------------------------- */

static void schedule_next(struct nw_watch *w, struct source *s, int failed, int new_items,
                          long hint_s, long retry_after_s)
{
    long iv;

    if (w->once)
        return;
    if (failed) {
        int shift = s->failures < 12 ? s->failures : 12;
        iv = w->min_s << (shift > 0 ? shift - 1 : 0);
        if (iv > w->max_s)
            iv = w->max_s;
    } else if (s->fixed_interval_s) {
        iv = s->fixed_interval_s;
    } else {
        if (new_items)
            s->interval_s = s->interval_s / 2;
        else
            s->interval_s = s->interval_s + s->interval_s / 2 + 1;
        if (s->interval_s < w->min_s)
            s->interval_s = w->min_s;
        if (s->interval_s > w->max_s)
            s->interval_s = w->max_s;
        iv = s->interval_s;
    }
    if (hint_s > iv && !s->fixed_interval_s)
        iv = hint_s < w->max_s ? hint_s : w->max_s;
    if (retry_after_s > iv)
        iv = retry_after_s;
    if (schedule_at(w, s, now_ms() + (long long)iv * 1000))
        NW_LOG_ERROR("watch", "out of memory scheduling %s: it is no longer polled", s->url);
}

/* Adds the children a parent lists and drops those it no longer lists. */
static void update_children(struct nw_watch *w, struct source *s, const struct nw_feed *feed,
                            int parent_was_ok)
{
    struct source *c, *next;

    for (c = s->first_child; c; c = next) {
        int listed = 0;
        next = c->next_sibling;
        for (size_t i = 0; i < feed->n_links && !listed; i++)
            listed = !strcmp(feed->links[i], c->url);
        if (!listed)
            source_remove(w, c);
    }
    for (size_t i = 0; i < feed->n_links; i++) {
        const char *u = feed->links[i];
        struct source *known = source_find(w, u);
        if (known) {
            if (known->parent != s)
                NW_LOG_DEBUG("watch", "%s: %s is watched already (cycle or duplicate): skipped",
                             s->url, u);
            continue;
        }
        if (s->depth + 1 > w->max_depth) {
            NW_LOG_DEBUG("watch", "%s: %s is past watch.sitemap_max_depth=%d: skipped", s->url, u,
                         w->max_depth);
            continue;
        }
        if (s->root->n_desc >= w->max_children) {
            NW_LOG_WARN("watch",
                        "%s: watch.sitemap_max_children=%zu reached: %s and later "
                        "documents skipped",
                        s->root->url, w->max_children, u);
            break;
        }
        {
            char why[400];
            enum nw_status refused = url_policy(u, why, sizeof(why));
            if (refused == NW_ENOMEM) {
                NW_LOG_ERROR("watch", "out of memory checking a document named by %s", s->url);
                break;
            }
            if (refused) {
                NW_LOG_WARN("watch", "%s: a document it names is not watched: %s", s->url, why);
                continue;
            }
        }
        c = source_new(w, u, s);
        if (!c || schedule_at(w, c, now_ms())) {
            if (c)
                source_remove(w, c);
            NW_LOG_ERROR("watch", "out of memory adding %s", u);
            break;
        }
        /* A document that appears later (today's sitemap) is new content: all its items
         * count; one found on the parent's first poll follows watch.emit_existing. */
        c->ok_once = parent_was_ok;
    }
}

/* Emits the new items of a parsed document and refreshes the seen set. Returns how many
 * were new. */
static size_t take_items(struct nw_watch *w, struct source *s, const struct nw_feed *feed)
{
    uint32_t now = (uint32_t)time(NULL);
    struct nw_seen_entry *add = NULL;
    size_t n_add = 0, n_new = 0, cap = feed->n_items * 2;
    int emit = s->ok_once || w->emit_existing, emit_failed = 0;
    /* One set per configured source, shared by the documents under it: an article that
     * moves from today's sitemap to the archive's, or that two of a site's feeds list, is
     * one item. */
    struct nw_seen *set = &s->root->seen;
    char why[400];

    if (cap)
        add = nw_malloc(cap * sizeof(*add));
    if (cap && !add) {
        emit_error(w, s, "no_memory", 0, "out of memory reading %zu items", feed->n_items);
        return 0;
    }
    for (size_t i = 0; i < feed->n_items; i++) {
        const struct nw_feed_item *it = &feed->items[i];
        uint64_t hu = nw_seen_hash(it->url, strlen(it->url), 0);
        uint64_t hg = it->guid ? nw_seen_hash(it->guid, strlen(it->guid), 0x67756964) : 0;
        struct nw_seen_entry *eu = nw_seen_find(set, hu), *eg = hg ? nw_seen_find(set, hg) : NULL;
        int dup = 0;

        if (eu)
            eu->t = now;
        if (eg)
            eg->t = now;
        if (eu || eg)
            continue;
        /* The same item twice in one document: once. */
        for (size_t k = 0; k < n_add && !dup; k++)
            dup = add[k].h == hu || (hg && add[k].h == hg);
        if (dup)
            continue;
        if (emit && url_policy(it->url, why, sizeof(why)) != NW_OK) {
            /* A job the fetcher would refuse is no job: said once, remembered as seen. */
            NW_LOG_WARN("watch", "%s: item not emitted: %s", s->url, why);
        } else if (emit) {
            if (emit_item(w, s, feed, it) != NW_OK) {
                emit_failed = 1;
                continue;
            }
            n_new++;
        }
        add[n_add].h = hu;
        add[n_add++].t = now;
        if (hg) {
            add[n_add].h = hg;
            add[n_add++].t = now;
        }
    }
    if (nw_seen_merge(set, add, n_add,
                      now > (uint32_t)w->seen_max_age_s ? now - (uint32_t)w->seen_max_age_s : 0,
                      w->seen_max)) {
        emit_error(w, s, "no_memory", 0, "out of memory remembering items");
        emit_failed = 1;
    }
    nw_free(add);
    if (emit_failed) {
        /* The items not taken must come back: the next poll may not be answered 304. */
        nw_free(s->etag);
        nw_free(s->last_modified);
        s->etag = s->last_modified = NULL;
    }
    w->stats.items_new += n_new;
    return n_new;
}

static void set_str(char **dst, const char *v)
{
    char *copy = v ? nw_strdup(v) : NULL;
    nw_free(*dst);
    *dst = copy;
}

static void source_done(struct nw_watch *w, struct source *s, const struct nw_fetch_result *res)
{
    struct nw_feed *feed = NULL;
    char errstr[512];
    enum nw_status result;
    size_t n_new = 0;
    long hint = res->max_age_s;
    int was_ok;

    w->stats.polls++;
    s->root->dirty = 1;
    if (w->once && !s->polled && w->once_pending > 0)
        w->once_pending--;
    s->polled = 1;
    if (res->status != NW_OK) {
        const char *code = res->error_code ? res->error_code : nw_status_name(res->status);
        s->failures++;
        emit_error(w, s, code, res->http_status, "source %.2000s: %s", s->url, res->message);
        /* Disallowed by robots.txt: no failure, only asked again after the longest interval. */
        if (!strcmp(code, "robots_disallowed"))
            schedule_next(w, s, 0, 0, w->max_s, -1);
        else
            schedule_next(w, s, 1, 0, -1, res->retry_after_s);
        return;
    }
    if (res->not_modified) {
        w->stats.not_modified++;
        s->failures = 0;
        if (res->etag)
            set_str(&s->etag, res->etag);
        if (res->last_modified)
            set_str(&s->last_modified, res->last_modified);
        /* The unchanged document's ttl / sy:updatePeriod still holds. */
        if (s->update_s > hint)
            hint = s->update_s;
        schedule_next(w, s, 0, 0, hint, res->retry_after_s);
        return;
    }
    result = nw_feed_parse(res->body, res->body_len, res->final_url, res->content_type, &w->limits,
                           &feed, errstr, sizeof(errstr));
    if (result) {
        s->failures++;
        emit_error(w, s, nw_status_name(result), res->http_status, "source %.2000s: %s", s->url,
                   errstr);
        /* A document we could not read is fetched whole next time. */
        set_str(&s->etag, NULL);
        set_str(&s->last_modified, NULL);
        schedule_next(w, s, 1, 0, -1, res->retry_after_s);
        return;
    }
    if (feed->partial) {
        /* The parser stopped part-way: the items before that point are taken below, and
         * the source counts as failed (error record, error count, backoff, no validators). */
        s->failures++;
        NW_LOG_WARN("watch", "%s: read only in part: %s", s->url, errstr);
        emit_error(w, s, "partial_parse", res->http_status, "source %.2000s: %s", s->url, errstr);
        set_str(&s->etag, NULL);
        set_str(&s->last_modified, NULL);
    } else {
        s->failures = 0;
        set_str(&s->etag, res->etag);
        set_str(&s->last_modified, res->last_modified);
    }
    if (feed->rejected)
        NW_LOG_WARN("watch", "%s: %zu entries dropped, their URL cannot be kept whole; first: %s",
                    s->url, feed->rejected, feed->warning);
    if (feed->dropped)
        NW_LOG_WARN("watch", "%s: %zu entries past watch.max_items or the link bound ignored",
                    s->url, feed->dropped);
    n_new = take_items(w, s, feed);
    was_ok = s->ok_once;
    s->ok_once = 1;
    if (feed->kind == NW_FEED_SITEMAPINDEX || feed->kind == NW_FEED_ROBOTS ||
        feed->kind == NW_FEED_HTML)
        update_children(w, s, feed, was_ok);
    s->update_s = feed->update_s;
    if (feed->update_s > hint)
        hint = feed->update_s;
    NW_LOG_DEBUG("watch", "%s: %s, %zu items, %zu new, %zu links", s->url,
                 nw_feed_kind_name(feed->kind), feed->n_items, n_new, feed->n_links);
    schedule_next(w, s, feed->partial, n_new > 0, hint, res->retry_after_s);
    nw_feed_destroy(feed);
}

static void on_answer(void *opaque, const struct nw_fetch_result *res, void *ctx)
{
    struct nw_watch *w = ctx;
    struct source *s = opaque;

    s->in_flight = 0;
    if (s->removed)
        limbo_free(w, s);
    else
        source_done(w, s, res);
}

/* ---- the loop --------------------------------------------------------------------------- */

/* Sources handed to the fetcher that wait for a slot of fetch.concurrency (not those
 * parked on their own host: busy, delayed, robots.txt coming). */
static size_t waiting(const struct nw_watch *w)
{
    size_t pending = nw_fetcher_pending(w->fetcher), parked = nw_fetcher_parked(w->fetcher);
    size_t active = nw_fetcher_active(w->fetcher);

    return pending > parked + active ? pending - parked - active : 0;
}

/* Hands the due sources to the fetcher, earliest first, while few wait for a slot. A
 * source whose origin has 2 x fetch.per_host of them in the fetcher already waits here a
 * little (HOST_BUSY_RETRY_MS): a slow or Crawl-delayed site then holds a few sources
 * there, not the slots the other sites' sources need, and no source times out waiting for
 * its turn (NW_FETCH_WAIT_FOR_HOST). */
static void start_due(struct nw_watch *w, long long now)
{
    /* Bounded: every turn hands a source over or moves it later than now. */
    while (w->heap_n > 0 && w->heap[0]->due_ms <= now && waiting(w) < w->waiting_max) {
        struct source *s = w->heap[0];
        struct nw_fetch_request req = {.url = s->url,
                                       .opaque = s,
                                       .etag = s->etag,
                                       .last_modified = s->last_modified,
                                       .max_body = w->limits.max_bytes,
                                       .flags = NW_FETCH_ONE_ATTEMPT | NW_FETCH_WAIT_FOR_HOST};

        if (nw_fetcher_host_load(w->fetcher, s->url) >= w->host_max) {
            s->due_ms = now + HOST_BUSY_RETRY_MS;
            sheap_down(w, 0);
            continue;
        }
        sheap_remove(w, s);
        if (nw_fetcher_add_request(w->fetcher, &req) != NW_OK) {
            NW_LOG_ERROR("watch", "out of memory starting a request for %s", s->url);
            s->failures++;
            if (w->once && !s->polled && w->once_pending > 0)
                w->once_pending--;
            s->polled = 1;
            schedule_next(w, s, 1, 0, -1, -1);
            break;
        }
        s->in_flight = 1;
    }
}

void nw_watch_step(struct nw_watch *w, int max_wait_ms)
{
    long long now = now_ms(), next = now + max_wait_ms;
    int wait;

    start_due(w, now);
    if (w->heap_n > 0 && w->heap[0]->due_ms < next && waiting(w) < w->waiting_max)
        next = w->heap[0]->due_ms;
    wait = next > now ? (int)(next - now) : 0;
    if (nw_fetcher_pending(w->fetcher) > 0) {
        if (nw_fetcher_poll(w->fetcher, wait, on_answer, w) != NW_OK)
            NW_LOG_ERROR("watch", "the fetcher failed (out of memory?); retrying");
    } else if (wait > 0) {
        usleep((useconds_t)(wait > 1000 ? 1000 : wait) * 1000);
    }
}

int nw_watch_done(const struct nw_watch *w)
{
    return w->once && !w->hold && w->once_pending == 0 && nw_fetcher_pending(w->fetcher) == 0;
}

size_t nw_watch_active(const struct nw_watch *w)
{
    return nw_fetcher_pending(w->fetcher);
}

void nw_watch_stats(const struct nw_watch *w, struct nw_watch_stats *out)
{
    struct nw_fetch_stats fs;

    nw_fetcher_stats(w->fetcher, &fs);
    long long now = now_ms();

    *out = w->stats;
    out->robots = (unsigned long)fs.robots_fetches;
    out->sources = w->n_sources;
    out->seen = 0;
    out->due = out->overdue = 0;
    for (size_t i = 0; i < w->n_src_buckets; i++) {
        for (struct source *s = w->src_buckets[i]; s; s = s->hash_next) {
            out->seen += s->seen.n;
            /* due: its time has come and no request is out (queued on its host, or
             * still in the heap); overdue: waiting longer than the shortest interval */
            if (s->in_flight || s->removed || s->parked || (w->once && s->polled) ||
                s->due_ms > now)
                continue;
            out->due++;
            if (now - s->due_ms > (long long)w->min_s * 1000)
                out->overdue++;
        }
    }
}

/* ---- state ------------------------------------------------------------------------------ */

/* The state of one source; at most max_seen seen entries (the newest). */
static json_t *state_of(const struct source *s, long long now_mono, long long now_wall,
                        size_t max_seen)
{
    char *seen = NULL;
    json_t *o;

    if (nw_seen_encode(&s->seen, max_seen, &seen))
        return NULL;
    o = json_pack(
        "{s:s, s:s?, s:s?, s:i, s:s?, s:s?, s:i, s:I, s:I, s:b, s:i, s:s}", "url", s->url, "root",
        s->parent ? s->root->url : NULL, "parent", s->parent ? s->parent->url : NULL, "depth",
        s->depth, "etag", s->etag, "last_modified", s->last_modified, "interval_s",
        (int)s->interval_s, "update_s", (json_int_t)s->update_s, "next_at",
        (json_int_t)(now_wall + (s->due_ms > now_mono ? (s->due_ms - now_mono) / 1000 : 0)), "ok",
        s->ok_once, "failures", s->failures, "seen", seen);
    nw_free(seen);
    return o;
}

static enum nw_status apply_state(struct nw_watch *w, const json_t *o, long long now_mono,
                                  long long now_wall, int only_parked)
{
    const char *url = json_string_value(json_object_get(o, "url"));
    const char *root = json_string_value(json_object_get(o, "root"));
    const char *seen = json_string_value(json_object_get(o, "seen"));
    struct source *s;
    json_int_t next_at;

    if (!url)
        return NW_EINVAL;
    s = source_find(w, url);
    if (!s && root) {
        /* A child found earlier: watched again if its parent still is (parents come first in
         * the file) under the same configured source. */
        const char *parent_url = json_string_value(json_object_get(o, "parent"));
        struct source *r = source_find(w, root), *p = parent_url ? source_find(w, parent_url) : r;
        if (!r || r->parent || !p || p->root != r || p->depth + 1 > w->max_depth ||
            (only_parked && !r->parked) || r->n_desc >= w->max_children ||
            url_policy(url, NULL, 0) != NW_OK)
            return NW_OK;
        s = source_new(w, url, p);
        if (!s)
            return NW_ENOMEM;
    }
    if (!s || (only_parked && !(s->parked || s->root->parked)))
        return NW_OK;
    set_str(&s->etag, json_string_value(json_object_get(o, "etag")));
    set_str(&s->last_modified, json_string_value(json_object_get(o, "last_modified")));
    s->interval_s = (long)json_integer_value(json_object_get(o, "interval_s"));
    s->update_s = json_is_integer(json_object_get(o, "update_s"))
                      ? (long)json_integer_value(json_object_get(o, "update_s"))
                      : -1;
    if (s->interval_s < w->min_s)
        s->interval_s = w->min_s;
    if (s->interval_s > w->max_s)
        s->interval_s = w->max_s;
    s->ok_once = json_is_true(json_object_get(o, "ok"));
    s->failures = (int)json_integer_value(json_object_get(o, "failures"));
    if (nw_seen_decode(&s->seen, seen))
        return NW_ENOMEM;
    next_at = json_integer_value(json_object_get(o, "next_at"));
    if (!w->once && !s->in_flight) {
        long long due = now_mono + (next_at > now_wall ? (next_at - now_wall) * 1000 : 0);
        /* Never later than the longest interval from now (a clock jump, a bad file). */
        if (due > now_mono + (long long)w->max_s * 1000)
            due = now_mono + (long long)w->max_s * 1000;
        if (schedule_at(w, s, due))
            return NW_ENOMEM;
    } else if (w->once && s->heap_idx == NOT_IN_HEAP && !s->in_flight) {
        if (schedule_at(w, s, now_mono))
            return NW_ENOMEM;
    }
    return NW_OK;
}

enum nw_status nw_watch_state_load(struct nw_watch *w, const char *path, char *errstr,
                                   size_t errstr_size)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long lineno = 0, bad = 0;
    enum nw_status result = NW_OK;
    long long now_mono = now_ms(), now_wall = (long long)time(NULL);

    if (!f) {
        if (errno == ENOENT)
            return NW_OK;
        return nw_fail(NW_EIO, errstr, errstr_size, "watch.state_file %s: %s", path,
                       strerror(errno));
    }
    /* Parents come before their children in the file (see save), so children find them. */
    while ((n = getline(&line, &cap, f)) > 0) {
        json_t *o;
        lineno++;
        o = json_loadb(line, (size_t)n, 0, NULL);
        if (!json_is_object(o)) {
            bad++;
        } else if (json_object_get(o, "newsworker_watch_state")) {
            /* header */
        } else {
            result = apply_state(w, o, now_mono, now_wall, 0);
            if (result == NW_EINVAL) {
                bad++;
                result = NW_OK;
            }
        }
        json_decref(o);
        if (result)
            break;
    }
    if (ferror(f))
        result = nw_fail(NW_EIO, errstr, errstr_size, "watch.state_file %s: read error", path);
    else if (result)
        nw_fail(result, errstr, errstr_size, "watch.state_file %s: %s", path,
                nw_status_message(result));
    if (bad)
        NW_LOG_WARN("watch", "watch.state_file %s: %lu of %lu lines unreadable, ignored", path, bad,
                    lineno);
    free(line);
    fclose(f);
    return result;
}

static int write_source(FILE *f, const struct source *s, long long now_mono, long long now_wall,
                        int *failed)
{
    json_t *o = state_of(s, now_mono, now_wall, (size_t)-1);

    if (!o || json_dumpf(o, f, JSON_COMPACT) || fputc('\n', f) == EOF)
        *failed = 1;
    json_decref(o);
    for (const struct source *c = s->first_child; c && !*failed; c = c->next_sibling)
        write_source(f, c, now_mono, now_wall, failed);
    return *failed;
}

enum nw_status nw_watch_state_save(struct nw_watch *w, const char *path, char *errstr,
                                   size_t errstr_size)
{
    char tmp[4096];
    FILE *f;
    int failed = 0, fd;
    long long now_mono = now_ms(), now_wall = (long long)time(NULL);

    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= sizeof(tmp))
        return nw_fail(NW_EINVAL, errstr, errstr_size, "watch.state_file: path too long");
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return nw_fail(NW_EIO, errstr, errstr_size, "watch.state_file %s: %s", tmp,
                       strerror(errno));
    f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        return nw_fail(NW_EIO, errstr, errstr_size, "watch.state_file %s: %s", tmp,
                       strerror(errno));
    }
    fprintf(f, "{\"newsworker_watch_state\":1,\"saved_at\":%lld}\n", now_wall);
    for (size_t i = 0; i < w->n_src_buckets && !failed; i++)
        for (struct source *s = w->src_buckets[i]; s && !failed; s = s->hash_next)
            if (!s->parent)
                write_source(f, s, now_mono, now_wall, &failed);
    if (fflush(f) || fsync(fileno(f)))
        failed = 1;
    if (fclose(f))
        failed = 1;
    if (failed || rename(tmp, path)) {
        int e = errno;
        unlink(tmp);
        return nw_fail(NW_EIO, errstr, errstr_size, "watch.state_file %s: cannot write: %s", path,
                       strerror(e));
    }
    return NW_OK;
}

void nw_watch_set_hold(struct nw_watch *w, int hold)
{
    w->hold = hold;
    if (hold)
        return;
    for (size_t i = 0; i < w->n_src_buckets; i++) {
        for (struct source *s = w->src_buckets[i]; s; s = s->hash_next) {
            if (!s->parked)
                continue;
            s->parked = 0;
            if (s->heap_idx == NOT_IN_HEAP && !s->in_flight && sheap_push(w, s))
                NW_LOG_ERROR("watch", "out of memory scheduling %s: it is not polled", s->url);
        }
    }
}

static void tree_states(const struct source *s, json_t *arr, long long now_mono, long long now_wall,
                        size_t max_seen, int *failed)
{
    for (const struct source *c = s->first_child; c && !*failed; c = c->next_sibling) {
        json_t *o = state_of(c, now_mono, now_wall, max_seen);
        if (!o || json_array_append_new(arr, o)) {
            *failed = 1;
            return;
        }
        tree_states(c, arr, now_mono, now_wall, max_seen, failed);
    }
}

enum nw_status nw_watch_snapshot(struct nw_watch *w, int tag, int only_dirty, size_t max_seen,
                                 nw_watch_state_fn *fn, void *ctx)
{
    long long now_mono = now_ms(), now_wall = (long long)time(NULL);
    enum nw_status result = NW_OK;

    for (size_t i = 0; i < w->n_src_buckets; i++) {
        for (struct source *s = w->src_buckets[i]; s; s = s->hash_next) {
            json_t *o, *tree;
            int failed = 0;
            if (s->parent || (tag != NW_WATCH_ANY_TAG && s->tag != tag) ||
                (only_dirty && !s->dirty) || s->parked)
                continue;
            o = state_of(s, now_mono, now_wall, max_seen);
            tree = json_array();
            if (o && tree)
                tree_states(s, tree, now_mono, now_wall, max_seen, &failed);
            if (!o || !tree || failed || json_object_set_new(o, "tree", tree)) {
                if (!o || json_object_get(o, "tree") != tree)
                    json_decref(tree);
                json_decref(o);
                result = NW_ENOMEM;
                continue;
            }
            s->dirty = 0;
            fn(s->url, o, ctx);
            json_decref(o);
        }
    }
    return result;
}

enum nw_status nw_watch_apply(struct nw_watch *w, const json_t *state)
{
    long long now_mono = now_ms(), now_wall = (long long)time(NULL);
    const json_t *tree = json_object_get(state, "tree");
    enum nw_status result;
    size_t i;

    if (!json_is_object(state) || json_is_string(json_object_get(state, "root")))
        return NW_EINVAL;
    result = apply_state(w, state, now_mono, now_wall, 1);
    for (i = 0; !result && i < json_array_size(tree); i++)
        result = apply_state(w, json_array_get(tree, i), now_mono, now_wall, 1);
    return result;
}

void nw_watch_remove_tag(struct nw_watch *w, int tag)
{
    int again = 1;

    /* Removal changes the chains being walked: restart the walk after each one. */
    while (again) {
        again = 0;
        for (size_t i = 0; i < w->n_src_buckets && !again; i++) {
            for (struct source *s = w->src_buckets[i]; s; s = s->hash_next) {
                if (!s->parent && s->tag == tag) {
                    source_remove(w, s);
                    again = 1;
                    break;
                }
            }
        }
    }
}

/* ---- life ------------------------------------------------------------------------------- */

struct nw_watch *nw_watch_create(const struct nw_config *cfg, const struct nw_watch_emit *emit,
                                 void *ctx, int once, char *errstr, size_t errstr_size)
{
    struct nw_watch *w = nw_calloc(1, sizeof(*w));
    struct nw_fetcher_options opts;

    if (!w) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    w->emit = emit;
    w->ctx = ctx;
    w->once = once;
    w->min_s = (long)nw_config_get_int(cfg, "watch.interval_min_s");
    w->max_s = (long)nw_config_get_int(cfg, "watch.interval_max_s");
    if (w->max_s < w->min_s) {
        nw_fail(NW_ECONFIG, errstr, errstr_size,
                "watch.interval_max_s (%ld) is less than watch.interval_min_s (%ld)", w->max_s,
                w->min_s);
        goto fail;
    }
    w->waiting_max = (size_t)nw_config_get_int(cfg, "fetch.concurrency") * 2;
    w->host_max = (size_t)nw_config_get_int(cfg, "fetch.per_host") * 2;
    w->emit_existing = nw_config_get_bool(cfg, "watch.emit_existing");
    w->max_depth = (int)nw_config_get_int(cfg, "watch.sitemap_max_depth");
    w->max_children = (size_t)nw_config_get_int(cfg, "watch.sitemap_max_children");
    w->seen_max = (size_t)nw_config_get_int(cfg, "watch.seen_max");
    w->seen_max_age_s = (long)nw_config_get_int(cfg, "watch.seen_max_age_s");
    w->limits.max_bytes = (size_t)nw_config_get_int(cfg, "watch.max_feed_bytes");
    w->limits.max_items = (size_t)nw_config_get_int(cfg, "watch.max_items");
    w->limits.max_links = w->max_children > 0 ? w->max_children : 1;
    w->n_src_buckets = 256;
    w->src_buckets = nw_calloc(w->n_src_buckets, sizeof(*w->src_buckets));
    if (!w->src_buckets) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto fail;
    }
    nw_fetcher_options_init(&opts, cfg);
    opts.robots = nw_config_get_bool(cfg, "watch.robots");
    opts.max_body = w->limits.max_bytes;
    w->fetcher = nw_fetcher_create_with(cfg, &opts, errstr, errstr_size);
    if (!w->fetcher)
        goto fail;
    return w;
fail:
    nw_watch_destroy(w);
    return NULL;
}

void nw_watch_destroy(struct nw_watch *w)
{
    if (!w)
        return;
    /* Requests in flight point at sources: abandon them first (no callbacks). */
    nw_fetcher_destroy(w->fetcher);
    for (size_t i = 0; w->src_buckets && i < w->n_src_buckets; i++) {
        struct source *s = w->src_buckets[i], *next;
        for (; s; s = next) {
            next = s->hash_next;
            source_free(s);
        }
    }
    while (w->limbo) {
        struct source *s = w->limbo;
        w->limbo = s->hash_next;
        source_free(s);
    }
    nw_free(w->src_buckets);
    nw_free(w->heap);
    nw_free(w);
}
