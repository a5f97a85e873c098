/* sink_lake.c — partitioned, rotated, atomic lake files; exactly once with a source.
 * See sink_lake.h. */
#include "sink_lake.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"

#define HIVE_MAX 40
#define TMP_PREFIX ".nw-"
#define TMP_SUFFIX ".tmp"

struct seg;

struct lfile {
    struct lfile *prev, *next; /* open files, most recently written first */
    enum nw_lake_kind kind;
    char hive[HIVE_MAX]; /* "dt=2026-12-06/hour=13" */
    struct seg *seg;     /* NULL without a source */
    int32_t partition;
    int64_t min_offset;
    uint64_t records;
    long long opened_ms;
    struct nw_lake_file *file;
    char *tmp_path;
};

/* A closed file whose publish hook has not succeeded yet. */
struct unpub {
    struct unpub *next;
    char *path, *key;
};

struct seg {
    struct seg *next;
    int64_t start, end; /* end INT64_MAX while open */
    long long opened_ms;
    size_t nopen; /* its files still open */
    int broken;   /* a write or close failed: never durable */
    struct unpub *unpub;
};

struct src {
    struct src *next;
    int32_t partition;
    int started;
    int64_t high;
    struct seg *segs; /* oldest first; the last one may be open */
};

struct nw_lake {
    char *dir;
    char *topic;
    enum nw_lake_format format;
    int by_published;
    uint64_t max_bytes, max_records;
    long long max_age_ms;
    size_t max_open;
    struct nw_lake_codec *codec;
    nw_lake_publish_fn *publish;
    void *publish_ctx;
    nw_lake_unpublish_fn *unpublish;
    void *unpublish_ctx;

    struct lfile *files, *files_tail;
    size_t nfiles;
    struct src *srcs;
    struct unpub *unpub;      /* files without a source */
    unsigned long long seq;   /* temp file names */
    unsigned long long names; /* visible names without a source */
    char run_id[64];
};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int nw_lake_configured(const struct nw_config *cfg)
{
    const char *d = nw_config_get(cfg, "output.dir");
    return d && d[0];
}

/* ---- paths --------------------------------------------------------------------------- */

/* snprintf for paths and names: -1 when the result did not fit (the caller fails or skips). */
__attribute__((format(printf, 3, 4))) static int pathf(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

static void fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* mkdir -p for DIR/kind/dt=/hour= (dir itself exists); new folders are made durable. */
static enum nw_status make_dirs(const char *path, char *errstr, size_t errstr_size)
{
    char buf[PATH_MAX];
    size_t n = strlen(path);

    if (n >= sizeof(buf))
        return nw_fail(NW_EIO, errstr, errstr_size, "path too long: %s", path);
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) == 0) {
            char *slash = strrchr(buf, '/');
            *slash = '\0';
            fsync_dir(buf[0] ? buf : "/");
            *slash = '/';
        } else if (errno != EEXIST) {
            return nw_fail(NW_EIO, errstr, errstr_size, "mkdir %s: %s", buf, strerror(errno));
        }
        *p = '/';
    }
    if (mkdir(buf, 0777) == 0) {
        char *slash = strrchr(buf, '/');
        *slash = '\0';
        fsync_dir(buf);
    } else if (errno != EEXIST) {
        return nw_fail(NW_EIO, errstr, errstr_size, "mkdir %s: %s", buf, strerror(errno));
    }
    return NW_OK;
}

/* The record's partition folder from an RFC 3339 time (converted to UTC). */
static void hive_of(const char *t, char out[HIVE_MAX])
{
    struct tm tm = {0};
    int y, mo, d, h, mi, s, oh = 0, om = 0, n = 0;
    const char *z;
    time_t secs;

    snprintf(out, HIVE_MAX, "dt=unknown/hour=unknown");
    if (!t || sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6)
        return;
    z = t + n;
    while (*z == '.' || (*z >= '0' && *z <= '9'))
        z++;
    if (*z == '+' || *z == '-') {
        if (sscanf(z + 1, "%2d:%2d", &oh, &om) != 2)
            return;
        if (*z == '-') {
            oh = -oh;
            om = -om;
        }
    } else if (*z != 'Z' && *z != 'z') {
        return;
    }
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    secs = timegm(&tm) - (time_t)(oh * 3600 + om * 60);
    if (!gmtime_r(&secs, &tm) || tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999)
        return;
    snprintf(out, HIVE_MAX, "dt=%04d-%02d-%02d/hour=%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour);
}

static void record_hive(const struct nw_lake *lake, const json_t *rec, enum nw_lake_kind kind,
                        char out[HIVE_MAX])
{
    const char *t;

    if (kind == NW_LAKE_JOBS) {
        /* A url job carries no time of its own: the hour it was emitted. */
        char now[32];
        time_t secs = time(NULL);
        struct tm tm;
        gmtime_r(&secs, &tm);
        strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
        hive_of(now, out);
        return;
    }

    if (lake->by_published) {
        t = json_string_value(json_object_get(rec, "published_at"));
        if (!t)
            t = json_string_value(json_object_get(json_object_get(rec, "meta"), "published_at"));
    } else {
        t = json_string_value(json_object_get(rec, "fetched_at"));
        if (!t)
            t = json_string_value(json_object_get(rec, "at"));
    }
    hive_of(t, out);
}

static char *final_name(const struct nw_lake *lake, const struct lfile *f, unsigned long long seq)
{
    char buf[512];

    if (f->seg)
        pathf(buf, sizeof(buf), "%s+%s+%d+%010lld.%s", nw_lake_kind_name(f->kind), lake->topic,
              (int)f->partition, (long long)f->min_offset, nw_lake_format_ext(lake->format));
    else
        pathf(buf, sizeof(buf), "%s+%s+%06llu.%s", nw_lake_kind_name(f->kind), lake->run_id, seq,
              nw_lake_format_ext(lake->format));
    return nw_strdup(buf);
}

/* ---- walking the lake ------------------------------------------------------------------ */

typedef void walk_fn(struct nw_lake *lake, const char *folder, const char *name, void *ctx);

/* Calls fn for every entry in DIR/<kind>/<dt>/<hour>/. */
static void walk_lake(struct nw_lake *lake, walk_fn *fn, void *ctx)
{
    char p1[PATH_MAX], p2[PATH_MAX], p3[PATH_MAX];

    for (int k = 0; k < NW_LAKE_NKINDS; k++) {
        DIR *d1, *d2, *d3;
        struct dirent *e1, *e2, *e3;
        pathf(p1, sizeof(p1), "%s/%s", lake->dir, nw_lake_kind_name((enum nw_lake_kind)k));
        if (!(d1 = opendir(p1)))
            continue;
        while ((e1 = readdir(d1))) {
            if (strncmp(e1->d_name, "dt=", 3))
                continue;
            if (snprintf(p2, sizeof(p2), "%s/%s", p1, e1->d_name) >= (int)sizeof(p2) ||
                !(d2 = opendir(p2)))
                continue;
            while ((e2 = readdir(d2))) {
                if (strncmp(e2->d_name, "hour=", 5))
                    continue;
                if (snprintf(p3, sizeof(p3), "%s/%s", p2, e2->d_name) >= (int)sizeof(p3) ||
                    !(d3 = opendir(p3)))
                    continue;
                while ((e3 = readdir(d3)))
                    if (e3->d_name[0] != '.' || strncmp(e3->d_name, TMP_PREFIX, 4) == 0)
                        fn(lake, p3, e3->d_name, ctx);
                closedir(d3);
            }
            closedir(d2);
        }
        closedir(d1);
    }
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* A temp file nobody holds a lock on: its writer is gone. */
static void remove_stale(struct nw_lake *lake, const char *folder, const char *name, void *ctx)
{
    char path[PATH_MAX];
    size_t *removed = ctx;
    int fd;

    (void)lake;
    if (strncmp(name, TMP_PREFIX, 4) || !ends_with(name, TMP_SUFFIX))
        return;
    pathf(path, sizeof(path), "%s/%s", folder, name);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0 && unlink(path) == 0)
        (*removed)++;
    close(fd);
}

struct truncate_ctx {
    int32_t partition;
    int64_t from;
    size_t removed;
};

int nw_lake_name_source(const char *name, const char *topic, int32_t *partition, int64_t *offset)
{
    const char *p;
    char *end;
    size_t tlen = strlen(topic);
    long part;
    long long off;

    if (name[0] == '.' || !(p = strchr(name, '+')) || strncmp(p + 1, topic, tlen) ||
        p[1 + tlen] != '+')
        return 0;
    p += tlen + 2;
    if (*p < '0' || *p > '9')
        return 0;
    errno = 0;
    part = strtol(p, &end, 10);
    if (errno || end == p || *end != '+' || part > INT32_MAX)
        return 0;
    p = end + 1;
    if (*p < '0' || *p > '9')
        return 0;
    off = strtoll(p, &end, 10);
    if (errno || end == p || *end != '.')
        return 0;
    *partition = (int32_t)part;
    *offset = off;
    return 1;
}

/* Visible files of the partition from the offset on: written by an attempt whose offsets
 * were not committed; the replay writes them again. */
static void remove_replayed(struct nw_lake *lake, const char *folder, const char *name, void *ctx)
{
    struct truncate_ctx *t = ctx;
    char path[PATH_MAX];
    int32_t part;
    int64_t off;

    if (!nw_lake_name_source(name, lake->topic, &part, &off) || part != t->partition ||
        off < t->from)
        return;
    pathf(path, sizeof(path), "%s/%s", folder, name);
    if (unlink(path) == 0) {
        t->removed++;
        fsync_dir(folder);
    }
}

/* ---- files --------------------------------------------------------------------------- */

static void unlink_list(struct lfile *f, struct nw_lake *lake)
{
    if (f->prev)
        f->prev->next = f->next;
    else
        lake->files = f->next;
    if (f->next)
        f->next->prev = f->prev;
    else
        lake->files_tail = f->prev;
    f->prev = f->next = NULL;
    lake->nfiles--;
}

static void free_lfile(struct nw_lake *lake, struct lfile *f, int remove_tmp)
{
    unlink_list(f, lake);
    if (f->seg)
        f->seg->nopen--;
    if (remove_tmp && f->tmp_path)
        unlink(f->tmp_path);
    nw_lake_file_destroy(f->file); /* releases the lock after the unlink */
    nw_free(f->tmp_path);
    nw_free(f);
}

static enum nw_status publish_one(struct nw_lake *lake, struct unpub **list, char *path, char *key)
{
    char errstr[512];
    struct unpub *u;

    if (!lake->publish ||
        lake->publish(lake->publish_ctx, path, key, errstr, sizeof(errstr)) == NW_OK) {
        nw_free(path);
        nw_free(key);
        return NW_OK;
    }
    NW_LOG_WARN("lake", "publishing %s failed (will retry): %s", key, errstr);
    u = nw_calloc(1, sizeof(*u));
    if (!u) {
        nw_free(path);
        nw_free(key);
        return NW_ENOMEM;
    }
    u->path = path;
    u->key = key;
    u->next = *list;
    *list = u;
    return NW_EIO;
}

/* Makes the file visible: finish (flush, fsync), rename, fsync the folder, publish. */
static enum nw_status close_file(struct nw_lake *lake, struct lfile *f, char *errstr,
                                 size_t errstr_size)
{
    enum nw_status result;
    char folder[PATH_MAX], *name = NULL, *path = NULL, *key = NULL;
    struct seg *seg = f->seg;
    size_t n;

    pathf(folder, sizeof(folder), "%s/%s/%s", lake->dir, nw_lake_kind_name(f->kind), f->hive);
    result = nw_lake_file_finish(f->file, errstr, errstr_size);
    if (result)
        goto out;
    name = final_name(lake, f, f->seg ? 0 : ++lake->names);
    n = strlen(folder) + (name ? strlen(name) : 0) + 2;
    path = name ? nw_malloc(n) : NULL;
    key = name ? nw_malloc(n) : NULL;
    if (!path || !key) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }
    snprintf(path, n, "%s/%s", folder, name);
    snprintf(key, n, "%s/%s/%s", nw_lake_kind_name(f->kind), f->hive, name);
    if (rename(f->tmp_path, path) != 0) {
        result = nw_fail(NW_EIO, errstr, errstr_size, "rename %s: %s", path, strerror(errno));
        goto out;
    }
    fsync_dir(folder);
    NW_LOG_DEBUG("lake", "closed %s (%llu records)", key, (unsigned long long)f->records);
    free_lfile(lake, f, 0);
    f = NULL;
    if (publish_one(lake, seg ? &seg->unpub : &lake->unpub, path, key) == NW_ENOMEM && seg)
        seg->broken = 1;
    path = key = NULL;
out:
    nw_free(name);
    nw_free(path);
    nw_free(key);
    if (result && f) {
        if (f->seg)
            f->seg->broken = 1;
        free_lfile(lake, f, 1);
    }
    return result;
}

static enum nw_status open_file(struct nw_lake *lake, enum nw_lake_kind kind, const char *hive,
                                struct seg *seg, int32_t partition, int64_t offset,
                                size_t avro_block, struct lfile **out, char *errstr,
                                size_t errstr_size)
{
    enum nw_status result;
    char folder[PATH_MAX], path[PATH_MAX];
    struct lfile *f;
    int fd;

    /* The cap on open files: the least recently written one closes. */
    while (lake->nfiles >= lake->max_open && lake->files_tail) {
        char err2[512];
        if (close_file(lake, lake->files_tail, err2, sizeof(err2)))
            NW_LOG_ERROR("lake", "closing a file: %s", err2);
    }
    pathf(folder, sizeof(folder), "%s/%s/%s", lake->dir, nw_lake_kind_name(kind), hive);
    result = make_dirs(folder, errstr, errstr_size);
    if (result)
        return result;
    pathf(path, sizeof(path), "%s/" TMP_PREFIX "%ld-%llu" TMP_SUFFIX, folder, (long)getpid(),
          ++lake->seq);
    f = nw_calloc(1, sizeof(*f));
    if (!f || !(f->tmp_path = nw_strdup(path))) {
        nw_free(f);
        return nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
    }
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0) {
        result = nw_fail(NW_EIO, errstr, errstr_size, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        nw_free(f->tmp_path);
        nw_free(f);
        return result;
    }
    f->file = nw_lake_file_open(lake->codec, kind, fd, path, avro_block, errstr, errstr_size);
    if (!f->file) {
        unlink(path);
        nw_free(f->tmp_path);
        nw_free(f);
        return NW_EIO;
    }
    f->kind = kind;
    snprintf(f->hive, sizeof(f->hive), "%s", hive);
    f->seg = seg;
    f->partition = partition;
    f->min_offset = offset;
    f->opened_ms = now_ms();
    if (seg)
        seg->nopen++;
    f->next = lake->files;
    if (lake->files)
        lake->files->prev = f;
    else
        lake->files_tail = f;
    lake->files = f;
    lake->nfiles++;
    *out = f;
    return NW_OK;
}

/* ---- sources ------------------------------------------------------------------------- */

static struct src *find_src(const struct nw_lake *lake, int32_t partition)
{
    for (struct src *s = lake->srcs; s; s = s->next)
        if (s->partition == partition)
            return s;
    return NULL;
}

static struct src *get_src(struct nw_lake *lake, int32_t partition)
{
    struct src *s = find_src(lake, partition);

    if (s)
        return s;
    s = nw_calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->partition = partition;
    s->high = -1;
    s->next = lake->srcs;
    lake->srcs = s;
    return s;
}

static void free_unpub(struct unpub *u)
{
    while (u) {
        struct unpub *next = u->next;
        nw_free(u->path);
        nw_free(u->key);
        nw_free(u);
        u = next;
    }
}

static void free_seg(struct nw_lake *lake, struct seg *g)
{
    struct lfile *f, *next;

    for (f = lake->files; f; f = next) {
        next = f->next;
        if (f->seg == g)
            free_lfile(lake, f, 1);
    }
    free_unpub(g->unpub);
    nw_free(g);
}

static struct seg *seg_of(struct src *s, int64_t offset)
{
    for (struct seg *g = s->segs; g; g = g->next)
        if (offset >= g->start && offset < g->end)
            return g;
    return NULL;
}

static struct seg *last_seg(struct src *s)
{
    struct seg *g = s->segs;

    while (g && g->next)
        g = g->next;
    return g;
}

static void cut(struct src *s, struct seg *g)
{
    if (g->end == INT64_MAX)
        g->end = s->high + 1;
}

void nw_lake_begin(struct nw_lake *lake, int32_t partition, int64_t offset)
{
    struct src *s = get_src(lake, partition);
    struct seg *last;
    int unclean = 0;

    if (!s)
        return; /* nw_lake_write fails for it: the job is held */
    if (!s->started) {
        struct truncate_ctx t = {partition, offset, 0};
        char errstr[512];
        if (lake->unpublish && lake->unpublish(lake->unpublish_ctx, lake->topic, partition, offset,
                                               errstr, sizeof(errstr)) != NW_OK) {
            /* published copies of the uncommitted attempt may remain: write nothing (the
             * segment is broken, so the partition is reset and begun again later) */
            NW_LOG_ERROR("lake",
                         "partition %d: the published files of an uncommitted attempt from "
                         "offset %lld could not be removed (will retry): %s",
                         (int)partition, (long long)offset, errstr);
            unclean = 1;
        }
        walk_lake(lake, remove_replayed, &t);
        if (t.removed)
            NW_LOG_INFO("lake",
                        "partition %d resumes at offset %lld: removed %zu file(s) from an "
                        "attempt whose offsets were not committed (their jobs are redone)",
                        (int)partition, (long long)offset, t.removed);
        s->started = 1;
    }
    if (offset > s->high)
        s->high = offset;
    last = last_seg(s);
    if (!last || last->end != INT64_MAX) {
        struct seg *g = nw_calloc(1, sizeof(*g));
        if (!g)
            return;
        g->start = offset;
        g->end = INT64_MAX;
        g->broken = unclean;
        g->opened_ms = now_ms();
        if (last)
            last->next = g;
        else
            s->segs = g;
    }
}

/* ---- writing ------------------------------------------------------------------------- */

enum nw_status nw_lake_write(struct nw_lake *lake, const json_t *record, enum nw_lake_kind kind,
                             int32_t partition, int64_t offset, char *errstr, size_t errstr_size)
{
    enum nw_status result;
    char hive[HIVE_MAX];
    struct seg *g = NULL;
    struct src *s = NULL;
    struct lfile *f;

    if (partition >= 0) {
        s = find_src(lake, partition);
        g = s ? seg_of(s, offset) : NULL;
        if (!g)
            return nw_fail(NW_EINTERNAL, errstr, errstr_size,
                           "offset %lld of partition %d was not begun", (long long)offset,
                           (int)partition);
        if (g->broken)
            return nw_fail(NW_EIO, errstr, errstr_size, "an earlier write of partition %d failed",
                           (int)partition);
    }
    record_hive(lake, record, kind, hive);
    for (f = lake->files; f; f = f->next)
        if (f->kind == kind && f->seg == g && (!g || f->partition == partition) &&
            !strcmp(f->hive, hive))
            break;
    if (!f) {
        result = open_file(lake, kind, hive, g, partition, offset, 0, &f, errstr, errstr_size);
        if (result) {
            if (g)
                g->broken = 1;
            return result;
        }
    }
    result = nw_lake_file_append(f->file, record, errstr, errstr_size);
    if (result == NW_ETOOBIG) {
        /* A record larger than the Avro block: the open file closes and the record gets a
         * file of its own, with a block that holds it, closed at once (its memory too). */
        size_t block = nw_lake_file_needed(f->file);
        result = close_file(lake, f, errstr, errstr_size);
        if (!result)
            result =
                open_file(lake, kind, hive, g, partition, offset, block, &f, errstr, errstr_size);
        if (!result) {
            result = nw_lake_file_append(f->file, record, errstr, errstr_size);
            if (!result) {
                f->records++;
                return close_file(lake, f, errstr, errstr_size);
            }
            if (result != NW_EINVAL && result != NW_ENOMEM)
                free_lfile(lake, f, 1);
        }
        if (result && result != NW_EINVAL && g)
            g->broken = 1;
        return result;
    }
    if (result == NW_EINVAL || result == NW_ENOMEM)
        return result;
    if (result) {
        if (g)
            g->broken = 1;
        free_lfile(lake, f, 1);
        return result;
    }
    f->records++;
    if (offset < f->min_offset)
        f->min_offset = offset;
    if (f != lake->files) { /* most recently written first */
        unlink_list(f, lake);
        f->next = lake->files;
        lake->files->prev = f;
        lake->files = f;
        lake->nfiles++;
    }
    if (f->records >= lake->max_records || nw_lake_file_bytes(f->file) >= lake->max_bytes) {
        if (g)
            cut(s, g);
        return close_file(lake, f, errstr, errstr_size);
    }
    return NW_OK;
}

enum nw_status nw_lake_close_all(struct nw_lake *lake, char *errstr, size_t errstr_size)
{
    enum nw_status result = NW_OK;

    while (lake->files) {
        enum nw_status r = close_file(lake, lake->files, errstr, errstr_size);
        if (r && !result)
            result = r;
    }
    for (struct unpub *u = lake->unpub; u; u = u->next)
        if (!result)
            result = nw_fail(NW_EIO, errstr, errstr_size, "%s was not published", u->key);
    return result;
}

static void retry_publish(struct nw_lake *lake, struct unpub **list)
{
    struct unpub *u = *list;

    *list = NULL;
    while (u) {
        struct unpub *next = u->next;
        publish_one(lake, list, u->path, u->key);
        nw_free(u);
        u = next;
    }
}

/* Closes the segment's files; 1 when it is durable (all closed and published). */
static int close_seg(struct nw_lake *lake, struct seg *g)
{
    struct lfile *f, *next;
    char errstr[512];

    for (f = lake->files; f; f = next) {
        next = f->next;
        if (f->seg == g && close_file(lake, f, errstr, sizeof(errstr)))
            NW_LOG_ERROR("lake", "offsets from %lld are not committed: %s", (long long)g->start,
                         errstr);
    }
    retry_publish(lake, &g->unpub);
    return !g->broken && g->nopen == 0 && !g->unpub;
}

size_t nw_lake_service(struct nw_lake *lake, int force, nw_lake_done_fn *done, void *ctx)
{
    long long now = now_ms();
    struct lfile *f, *next;
    size_t durable = 0;
    char errstr[512];

    for (f = lake->files; f; f = next) {
        next = f->next;
        if (!f->seg && now - f->opened_ms >= lake->max_age_ms &&
            close_file(lake, f, errstr, sizeof(errstr)))
            NW_LOG_ERROR("lake", "%s", errstr);
    }
    retry_publish(lake, &lake->unpub);
    for (struct src *s = lake->srcs; s; s = s->next) {
        while (s->segs) {
            struct seg *g = s->segs;
            if (g->end == INT64_MAX && (force || now - g->opened_ms >= lake->max_age_ms))
                cut(s, g);
            if (g->end == INT64_MAX || g->broken || !done(ctx, s->partition, g->end))
                break;
            if (!close_seg(lake, g))
                break;
            s->segs = g->next;
            free_seg(lake, g);
            durable++;
        }
    }
    return durable;
}

int nw_lake_durable(const struct nw_lake *lake, int32_t partition, int64_t *offset)
{
    const struct src *s = find_src(lake, partition);

    if (!s || !s->segs)
        return 0;
    *offset = s->segs->start;
    return 1;
}

int nw_lake_broken(const struct nw_lake *lake, int32_t partition, int64_t *offset)
{
    const struct src *s = find_src(lake, partition);

    for (const struct seg *g = s ? s->segs : NULL; g; g = g->next) {
        if (g->broken) {
            *offset = s->segs->start;
            return 1;
        }
    }
    return 0;
}

int nw_lake_revoke(struct nw_lake *lake, int32_t partition, nw_lake_done_fn *done, void *ctx,
                   int64_t *offset)
{
    struct src *s = find_src(lake, partition), **pp;
    int bounded = 0;

    if (!s)
        return 0;
    while (s->segs) {
        struct seg *g = s->segs;
        cut(s, g);
        if (g->broken || !done(ctx, partition, g->end) || !close_seg(lake, g))
            break;
        s->segs = g->next;
        free_seg(lake, g);
    }
    if (s->segs) {
        *offset = s->segs->start;
        bounded = 1;
        NW_LOG_WARN("lake",
                    "partition %d: records from offset %lld on were not closed in files; "
                    "they are dropped and their jobs redone by the partition's next owner",
                    (int)partition, (long long)*offset);
    }
    while (s->segs) {
        struct seg *g = s->segs;
        s->segs = g->next;
        free_seg(lake, g);
    }
    for (pp = &lake->srcs; *pp != s; pp = &(*pp)->next)
        ;
    *pp = s->next;
    nw_free(s);
    return bounded;
}

/* ---- life cycle ---------------------------------------------------------------------- */

void nw_lake_set_publish(struct nw_lake *lake, nw_lake_publish_fn *fn, void *ctx)
{
    lake->publish = fn;
    lake->publish_ctx = ctx;
}

void nw_lake_set_unpublish(struct nw_lake *lake, nw_lake_unpublish_fn *fn, void *ctx)
{
    lake->unpublish = fn;
    lake->unpublish_ctx = ctx;
}

/* output.dir must be a folder where this process can create, write and remove a file. */
static enum nw_status probe_dir(const char *dir, char *errstr, size_t errstr_size)
{
    char path[PATH_MAX];
    struct stat st;
    int fd;

    /* Room for <kind>/dt=../hour=../<name>: no path built below can be cut short. */
    if (strlen(dir) > PATH_MAX - 1024)
        return nw_fail(NW_ECONFIG, errstr, errstr_size,
                       "output.dir: a path of %zu bytes is too long", strlen(dir));
    if (stat(dir, &st) != 0)
        return nw_fail(NW_ECONFIG, errstr, errstr_size, "output.dir %s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return nw_fail(NW_ECONFIG, errstr, errstr_size, "output.dir %s: not a folder", dir);
    pathf(path, sizeof(path), "%s/" TMP_PREFIX "probe-%ld" TMP_SUFFIX, dir, (long)getpid());
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return nw_fail(NW_ECONFIG, errstr, errstr_size, "output.dir %s is not writable: %s", dir,
                       strerror(errno));
    close(fd);
    unlink(path);
    return NW_OK;
}

struct nw_lake *nw_lake_create(const struct nw_config *cfg, const char *topic,
                               enum nw_status *status, char *errstr, size_t errstr_size)
{
    struct nw_lake *lake = nw_calloc(1, sizeof(*lake));
    const char *dir = nw_config_get(cfg, "output.dir");
    enum nw_status result;
    size_t removed = 0;
    char stamp[32];
    time_t t = time(NULL);
    struct tm tm;

    if (!lake) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto fail;
    }
    result = probe_dir(dir, errstr, errstr_size);
    if (result)
        goto fail;
    lake->dir = nw_strdup(dir);
    lake->topic = nw_strdup(topic ? topic : "");
    if (!lake->dir || !lake->topic) {
        result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto fail;
    }
    lake->format =
        !strcmp(nw_config_get(cfg, "output.format"), "avro") ? NW_LAKE_AVRO : NW_LAKE_JSONL_ZST;
    lake->by_published = !strcmp(nw_config_get(cfg, "output.partition_by"), "published_at");
    lake->max_bytes = (uint64_t)nw_config_get_int(cfg, "output.max_bytes");
    lake->max_records = (uint64_t)nw_config_get_int(cfg, "output.max_records");
    lake->max_age_ms = nw_config_get_int(cfg, "output.max_age_ms");
    lake->max_open = (size_t)nw_config_get_int(cfg, "output.max_open_files");
    lake->codec =
        nw_lake_codec_create(lake->format, (int)nw_config_get_int(cfg, "output.zstd_level"),
                             nw_config_get(cfg, "output.avro_codec"), errstr, errstr_size);
    if (!lake->codec) {
        result = NW_EINTERNAL;
        goto fail;
    }
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    snprintf(lake->run_id, sizeof(lake->run_id), "local-%s-%ld", stamp, (long)getpid());
    walk_lake(lake, remove_stale, &removed);
    if (removed)
        NW_LOG_INFO("lake", "removed %zu temp file(s) left by a writer that stopped", removed);
    return lake;
fail:
    if (status)
        *status = result;
    nw_lake_destroy(lake);
    return NULL;
}

void nw_lake_destroy(struct nw_lake *lake)
{
    if (!lake)
        return;
    while (lake->files)
        free_lfile(lake, lake->files, 1);
    while (lake->srcs) {
        struct src *s = lake->srcs;
        lake->srcs = s->next;
        while (s->segs) {
            struct seg *g = s->segs;
            s->segs = g->next;
            free_seg(lake, g);
        }
        nw_free(s);
    }
    free_unpub(lake->unpub);
    nw_lake_codec_destroy(lake->codec);
    nw_free(lake->dir);
    nw_free(lake->topic);
    nw_free(lake);
}
