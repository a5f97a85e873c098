/* offsets.c — per-partition tracking of unfinished input offsets. */
#include "offsets.h"

#include "mem.h"

enum entry_state { ENTRY_IN_FLIGHT = 0, ENTRY_DONE = 1, ENTRY_FAILED = 2 };

struct entry {
    int64_t offset;
    int state;
};

/* Entries of one partition in a ring buffer, in increasing offset order. Done entries at
 * the front are popped at once, so the front is always the lowest unfinished offset. */
struct part {
    int32_t partition;
    uint64_t generation;
    struct entry *ring;
    size_t cap, head, count;
    size_t in_flight, failed;
    int64_t last_begun;
    int have_begun;
    int64_t next; /* one past the highest offset popped as done */
    int have_finished;
    int64_t last_taken; /* last value returned by nw_offsets_committable */
    int have_taken;
};

struct nw_offsets {
    struct part *parts;
    size_t nparts, cap;
    size_t total_in_flight;
    uint64_t next_generation;
};

struct nw_offsets *nw_offsets_create(void)
{
    struct nw_offsets *o = nw_calloc(1, sizeof(*o));

    if (o)
        o->next_generation = 1;
    return o;
}

void nw_offsets_destroy(struct nw_offsets *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->nparts; i++)
        nw_free(o->parts[i].ring);
    nw_free(o->parts);
    nw_free(o);
}

static struct part *find(const struct nw_offsets *o, int32_t partition)
{
    for (size_t i = 0; i < o->nparts; i++)
        if (o->parts[i].partition == partition)
            return &o->parts[i];
    return NULL;
}

static struct entry *at(const struct part *p, size_t i)
{
    return &p->ring[(p->head + i) % p->cap];
}

/* Index of offset among the entries (binary search), or -1. */
static long find_entry(const struct part *p, int64_t offset)
{
    size_t lo = 0, hi = p->count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t v = at(p, mid)->offset;
        if (v == offset)
            return (long)mid;
        if (v < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static void part_reset(struct nw_offsets *o, struct part *p)
{
    o->total_in_flight -= p->in_flight;
    nw_free(p->ring);
    p->ring = NULL;
    p->cap = p->head = p->count = 0;
    p->in_flight = p->failed = 0;
    p->have_begun = p->have_finished = p->have_taken = 0;
    p->last_begun = p->next = p->last_taken = 0;
    p->generation = o->next_generation++;
}

enum nw_status nw_offsets_assign(struct nw_offsets *o, int32_t partition, uint64_t *generation)
{
    struct part *p = find(o, partition);

    if (!p) {
        if (nw_grow_array((void **)&o->parts, &o->cap, o->nparts + 1, 8, sizeof(*o->parts)))
            return NW_ENOMEM;
        p = &o->parts[o->nparts++];
        *p = (struct part){.partition = partition};
    }
    part_reset(o, p);
    if (generation)
        *generation = p->generation;
    return NW_OK;
}

void nw_offsets_revoke(struct nw_offsets *o, int32_t partition)
{
    struct part *p = find(o, partition);

    if (!p)
        return;
    o->total_in_flight -= p->in_flight;
    nw_free(p->ring);
    *p = o->parts[--o->nparts];
}

int nw_offsets_has(const struct nw_offsets *o, int32_t partition, uint64_t *generation)
{
    const struct part *p = find(o, partition);

    if (p && generation)
        *generation = p->generation;
    return p != NULL;
}

enum nw_status nw_offsets_begin(struct nw_offsets *o, int32_t partition, int64_t offset,
                                uint64_t *generation)
{
    struct part *p = find(o, partition);
    enum nw_status result;

    if (!p) {
        result = nw_offsets_assign(o, partition, NULL);
        if (result)
            return result;
        p = find(o, partition);
    }
    if (generation)
        *generation = p->generation;
    if (offset < 0 || (p->have_begun && offset <= p->last_begun))
        return NW_EINVAL;
    if (p->count == p->cap) {
        size_t ncap = p->cap ? p->cap * 2 : 16;
        struct entry *nr = nw_malloc(ncap * sizeof(*nr));
        if (!nr)
            return NW_ENOMEM;
        for (size_t i = 0; i < p->count; i++)
            nr[i] = *at(p, i);
        nw_free(p->ring);
        p->ring = nr;
        p->cap = ncap;
        p->head = 0;
    }
    *at(p, p->count) = (struct entry){.offset = offset, .state = ENTRY_IN_FLIGHT};
    p->count++;
    p->in_flight++;
    o->total_in_flight++;
    p->last_begun = offset;
    p->have_begun = 1;
    return NW_OK;
}

static enum nw_status settle(struct nw_offsets *o, int32_t partition, uint64_t generation,
                             int64_t offset, int state)
{
    struct part *p = find(o, partition);
    struct entry *e;
    long i;

    if (!p || p->generation != generation)
        return NW_EINVAL;
    i = find_entry(p, offset);
    if (i < 0)
        return NW_EINVAL;
    e = at(p, (size_t)i);
    if (e->state != ENTRY_IN_FLIGHT)
        return NW_EINVAL;
    e->state = state;
    p->in_flight--;
    o->total_in_flight--;
    p->have_finished = 1;
    if (state == ENTRY_FAILED) {
        p->failed++;
        return NW_OK;
    }
    while (p->count > 0 && at(p, 0)->state == ENTRY_DONE) {
        p->next = at(p, 0)->offset + 1;
        p->head = (p->head + 1) % p->cap;
        p->count--;
    }
    return NW_OK;
}

enum nw_status nw_offsets_finish(struct nw_offsets *o, int32_t partition, uint64_t generation,
                                 int64_t offset)
{
    return settle(o, partition, generation, offset, ENTRY_DONE);
}

enum nw_status nw_offsets_fail(struct nw_offsets *o, int32_t partition, uint64_t generation,
                               int64_t offset)
{
    return settle(o, partition, generation, offset, ENTRY_FAILED);
}

int nw_offsets_position(const struct nw_offsets *o, int32_t partition, int64_t *offset)
{
    const struct part *p = find(o, partition);

    if (!p || !p->have_finished)
        return 0;
    *offset = p->count > 0 ? at(p, 0)->offset : p->next;
    return 1;
}

int nw_offsets_committable(struct nw_offsets *o, int32_t partition, int64_t *offset)
{
    struct part *p = find(o, partition);
    int64_t pos;

    if (!p || !nw_offsets_position(o, partition, &pos))
        return 0;
    if (p->have_taken && p->last_taken == pos)
        return 0;
    p->last_taken = pos;
    p->have_taken = 1;
    *offset = pos;
    return 1;
}

size_t nw_offsets_in_flight(const struct nw_offsets *o, int32_t partition)
{
    const struct part *p = find(o, partition);

    return p ? p->in_flight : 0;
}

size_t nw_offsets_total_in_flight(const struct nw_offsets *o)
{
    return o->total_in_flight;
}

size_t nw_offsets_failed(const struct nw_offsets *o, int32_t partition)
{
    const struct part *p = find(o, partition);

    return p ? p->failed : 0;
}

size_t nw_offsets_done_above(const struct nw_offsets *o, int32_t partition)
{
    const struct part *p = find(o, partition);
    size_t n = 0;

    for (size_t i = 0; p && i < p->count; i++)
        if (at(p, i)->state == ENTRY_DONE)
            n++;
    return n;
}
