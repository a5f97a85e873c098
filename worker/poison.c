/* poison.c — crash markers in a shared-mapped state file. */
#include "poison.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"

#define STATE_MAGIC "nwcrash1"
#define MAX_CRASHES 64 /* entries in the crash table */
#define MAX_FILES 64   /* processes sharing one state_dir for one group and topic */

struct state_slot {
    volatile int32_t active;
    volatile int32_t partition;
    volatile int64_t offset;
};

struct state_crash {
    int32_t used;
    int32_t count;
    int32_t partition;
    int32_t pad;
    int64_t offset;
    uint64_t stamp; /* order of recording, for replacing the oldest */
};

struct state_file {
    char magic[8];
    uint64_t next_stamp;
    struct state_slot slots[NW_POISON_MAX_SLOTS];
    struct state_crash crashes[MAX_CRASHES];
};

struct nw_poison {
    int fd;
    struct state_file *f;
    int found;
};

/* Keeps [A-Za-z0-9._-] of s, the rest becomes '_'. */
static void safe_name(char *out, size_t size, const char *s)
{
    size_t n = 0;

    for (; *s && n + 1 < size; s++)
        out[n++] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                           (*s >= '0' && *s <= '9') || *s == '.' || *s == '-'
                       ? *s
                       : '_';
    out[n] = '\0';
}

static struct state_crash *find_crash(const struct nw_poison *p, int32_t partition, int64_t offset)
{
    for (size_t i = 0; i < MAX_CRASHES; i++) {
        struct state_crash *c = &p->f->crashes[i];
        if (c->used && c->partition == partition && c->offset == offset)
            return c;
    }
    return NULL;
}

static void record_crash(struct nw_poison *p, int32_t partition, int64_t offset)
{
    struct state_crash *c = find_crash(p, partition, offset), *oldest = NULL;

    if (!c) {
        for (size_t i = 0; i < MAX_CRASHES && !c; i++) {
            if (!p->f->crashes[i].used)
                c = &p->f->crashes[i];
            else if (!oldest || p->f->crashes[i].stamp < oldest->stamp)
                oldest = &p->f->crashes[i];
        }
        if (!c)
            c = oldest;
        *c = (struct state_crash){.used = 1, .partition = partition, .offset = offset};
    }
    c->count++;
    c->stamp = p->f->next_stamp++;
}

struct nw_poison *nw_poison_open(const char *dir, const char *group, const char *topic,
                                 char *errstr, size_t errstr_size)
{
    struct nw_poison *p = nw_calloc(1, sizeof(*p));
    char g[96], t[96], path[512];
    void *map;

    if (!p) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    p->fd = -1;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        nw_fail(NW_EIO, errstr, errstr_size, "worker.state_dir %s: %s", dir, strerror(errno));
        goto fail;
    }
    safe_name(g, sizeof(g), group);
    safe_name(t, sizeof(t), topic);
    for (int i = 0; i < MAX_FILES && p->fd < 0; i++) {
        snprintf(path, sizeof(path), "%s/newsworker-%s-%s.%d.state", dir, g, t, i);
        p->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (p->fd < 0) {
            nw_fail(NW_EIO, errstr, errstr_size, "worker.state_dir: %s: %s", path, strerror(errno));
            goto fail;
        }
        if (flock(p->fd, LOCK_EX | LOCK_NB) != 0) {
            close(p->fd); /* a live process holds it */
            p->fd = -1;
        }
    }
    if (p->fd < 0) {
        nw_fail(NW_EIO, errstr, errstr_size, "worker.state_dir %s: %d state files in use", dir,
                MAX_FILES);
        goto fail;
    }
    if (ftruncate(p->fd, sizeof(struct state_file)) != 0) {
        nw_fail(NW_EIO, errstr, errstr_size, "worker.state_dir: %s: %s", path, strerror(errno));
        goto fail;
    }
    map = mmap(NULL, sizeof(struct state_file), PROT_READ | PROT_WRITE, MAP_SHARED, p->fd, 0);
    if (map == MAP_FAILED) {
        nw_fail(NW_EIO, errstr, errstr_size, "worker.state_dir: %s: %s", path, strerror(errno));
        goto fail;
    }
    p->f = map;
    if (memcmp(p->f->magic, STATE_MAGIC, 8) != 0) {
        memset(p->f, 0, sizeof(*p->f));
        memcpy(p->f->magic, STATE_MAGIC, 8);
    }
    for (size_t i = 0; i < NW_POISON_MAX_SLOTS; i++) {
        struct state_slot *s = &p->f->slots[i];
        if (s->active) {
            record_crash(p, s->partition, s->offset);
            p->found++;
        }
    }
    nw_poison_clear_slots(p);
    return p;
fail:
    nw_poison_close(p);
    return NULL;
}

void nw_poison_clear_slots(struct nw_poison *p)
{
    if (p && p->f)
        memset((void *)p->f->slots, 0, sizeof(p->f->slots));
}

void nw_poison_close(struct nw_poison *p)
{
    if (!p)
        return;
    if (p->f) {
        nw_poison_clear_slots(p);
        munmap(p->f, sizeof(*p->f));
    }
    if (p->fd >= 0)
        close(p->fd);
    nw_free(p);
}

int nw_poison_crashes(const struct nw_poison *p, int32_t partition, int64_t offset)
{
    const struct state_crash *c = find_crash(p, partition, offset);

    return c ? c->count : 0;
}

void nw_poison_forget(struct nw_poison *p, int32_t partition, int64_t offset)
{
    struct state_crash *c = find_crash(p, partition, offset);

    if (c)
        memset(c, 0, sizeof(*c));
}

void nw_poison_begin(struct nw_poison *p, size_t slot, int32_t partition, int64_t offset)
{
    struct state_slot *s = &p->f->slots[slot];

    s->partition = partition;
    s->offset = offset;
    __atomic_store_n(&s->active, 1, __ATOMIC_RELEASE);
}

void nw_poison_end(struct nw_poison *p, size_t slot)
{
    __atomic_store_n(&p->f->slots[slot].active, 0, __ATOMIC_RELEASE);
}

int nw_poison_found(const struct nw_poison *p)
{
    return p->found;
}
