/*
 * watch.h — the feed watcher: polls sources (feeds, sitemaps, robots.txt, home pages) and
 * hands every item not seen before to an emit callback as a url job.
 *
 * Each source has its own schedule: a conditional GET (its ETag and Last-Modified), then
 * the next poll after an interval that halves when new items came and grows by half when
 * none did, between watch.interval_min_s and watch.interval_max_s, never sooner than the
 * answer's Cache-Control max-age, the feed's ttl / sy:updatePeriod (both capped at the
 * maximum) or a Retry-After. A source line's interval_s fixes its interval. Failures back
 * off exponentially from the minimum and each one is an error record (stage "watch").
 *
 * Requests go through the fetcher every command uses (fetch.h), one attempt each (the
 * schedule is the retry), so its rules hold here too: the URL policy (no user name or
 * password, IDN hosts in their ASCII form, the length limit), non-public addresses refused
 * (denied_address), and politeness per origin (scheme, host, port): with watch.robots its
 * robots.txt first, kept for fetch.robots_ttl_s (4xx = allow all, 5xx or no answer =
 * allow nothing for now: robots_unreachable), disallowed sources never requested
 * (robots_disallowed, asked again after watch.interval_max_s); request starts
 * fetch.host_delay_ms (or a longer Crawl-delay) apart, at most fetch.per_host at once, and
 * fetch.concurrency requests in flight overall; the circuit breaker. Sources, child
 * documents and items the URL policy refuses are not added or emitted (a warning says why).
 *
 * Documents that point to others (sitemap index, robots.txt Sitemap lines, a home page's
 * feed links) add them as child sources, at most watch.sitemap_max_depth levels below a
 * configured source and watch.sitemap_max_children under it; a URL already watched is not
 * added again, which cuts cycles. A child no longer listed by its parent is dropped.
 *
 * Seen items: per source, 64-bit hashes of item URLs and GUIDs with the time each was last
 * listed; an item is new if neither its URL nor its GUID was seen. Entries not listed for
 * watch.seen_max_age_s are forgotten, and past watch.seen_max the oldest go first.
 *
 * Single-threaded.
 */
#ifndef NW_WATCH_H
#define NW_WATCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "status.h"

struct nw_watch_emit {
    /* A new item. job is the url-job object {url, meta} (borrowed); NW_OK if it was taken.
     * On failure the item stays unseen and the source's next poll is unconditional. */
    enum nw_status (*job)(const json_t *job, const char *url, void *ctx);
    /* An error record (borrowed). */
    void (*error)(const json_t *record, void *ctx);
};

struct nw_watch_stats {
    unsigned long polls;        /* source requests answered (any status) */
    unsigned long not_modified; /* 304s */
    unsigned long items_new;    /* jobs emitted */
    unsigned long errors;       /* error records */
    unsigned long robots;       /* robots.txt requests */
    size_t sources;             /* sources watched now (configured and children) */
    size_t seen;                /* seen entries held */
    size_t due;                 /* sources whose time has come, not yet requested */
    size_t overdue;             /* ... of them waiting more than watch.interval_min_s */
};

struct nw_watch;

/* once: every source (and child found on the way) is polled exactly once, then
 * nw_watch_done is true. NULL on failure with a message. */
struct nw_watch *nw_watch_create(const struct nw_config *cfg, const struct nw_watch_emit *emit,
                                 void *ctx, int once, char *errstr, size_t errstr_size);
void nw_watch_destroy(struct nw_watch *w);

/* Adds (or updates the settings of) a configured source. interval_s 0 = adaptive. meta
 * (borrowed, may be NULL) is passed into every job's meta. NW_EINVAL for a URL that is not
 * absolute http(s). */
enum nw_status nw_watch_add(struct nw_watch *w, const char *url, long interval_s,
                            const json_t *meta, char *errstr, size_t errstr_size);

/* Like nw_watch_add, with a tag (the sources-topic partition it came from) that
 * nw_watch_remove_tag and nw_watch_snapshot select by. nw_watch_add uses tag -1. */
enum nw_status nw_watch_add_tagged(struct nw_watch *w, const char *url, long interval_s,
                                   const json_t *meta, int tag, char *errstr, size_t errstr_size);

/* Parses one source line: a bare URL or {"url", "interval_s", "meta"}, and adds it. Blank
 * lines and '#' comments are NW_OK and add nothing. */
enum nw_status nw_watch_add_line(struct nw_watch *w, const char *line, size_t len, char *errstr,
                                 size_t errstr_size);

/* Stops watching a configured source and its children. NW_OK also if unknown. */
enum nw_status nw_watch_remove(struct nw_watch *w, const char *url);

/* State: one JSON object per source (validators, schedule, seen items). Loading applies
 * the state of sources added already (call after adding them) and recreates their
 * children; the state of other sources is ignored. A file that does not exist is NW_OK. */
enum nw_status nw_watch_state_load(struct nw_watch *w, const char *path, char *errstr,
                                   size_t errstr_size);
/* Writes the state atomically (temporary file, fsync, rename). */
enum nw_status nw_watch_state_save(struct nw_watch *w, const char *path, char *errstr,
                                   size_t errstr_size);

/* While hold is on, configured sources added are parked: not polled, but their state may
 * be applied (nw_watch_apply). Turning hold off schedules every parked source. In once
 * mode nw_watch_done is false while hold is on. */
void nw_watch_set_hold(struct nw_watch *w, int hold);

/* Stops watching every configured source with this tag (and their children). */
void nw_watch_remove_tag(struct nw_watch *w, int tag);

/* The state of a configured source and its children as one object ({..., "tree": [...]}),
 * for a compacted state topic keyed by url. fn gets a borrowed object. */
#define NW_WATCH_ANY_TAG (-2)
typedef void nw_watch_state_fn(const char *url, const json_t *state, void *ctx);
/* Calls fn for each configured source with tag (or any, NW_WATCH_ANY_TAG), only those polled
 * since their last snapshot when only_dirty, with at most max_seen seen entries each (the
 * newest). Parked sources are skipped. */
enum nw_status nw_watch_snapshot(struct nw_watch *w, int tag, int only_dirty, size_t max_seen,
                                 nw_watch_state_fn *fn, void *ctx);
/* Applies a snapshot to its configured source and recreates its children, if that source
 * is parked (a source already running keeps its newer state). NW_EINVAL if it is not a
 * snapshot. */
enum nw_status nw_watch_apply(struct nw_watch *w, const json_t *state);

/* Starts due requests, waits up to max_wait_ms for answers, handles them. */
void nw_watch_step(struct nw_watch *w, int max_wait_ms);

/* once mode: true when every source has been polled. Otherwise: false. */
int nw_watch_done(const struct nw_watch *w);

/* Requests in flight. */
size_t nw_watch_active(const struct nw_watch *w);

void nw_watch_stats(const struct nw_watch *w, struct nw_watch_stats *out);

#endif
