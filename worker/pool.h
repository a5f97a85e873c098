/*
 * pool.h — a fixed set of threads that run tasks for one owner thread, and hand them back
 * in the order they were submitted.
 *
 * `run` keeps Kafka and curl on its own thread and gives the CPU work of a job (parse,
 * extract, enrich: shared/process) to the pool. Each pool thread has its own context
 * (the caller's, e.g. one nw_pipeline per thread: shared/ is single-threaded by design).
 * Tasks come back through nw_pool_take strictly in submission order, so the threads add
 * no reordering: with the same inputs, records leave in the same order whatever
 * worker.threads is.
 *
 * Tasks are the caller's structs with a struct nw_pool_task embedded (no allocation per
 * task). A task belongs to the pool from nw_pool_submit until nw_pool_take returns it;
 * the caller must not touch it in between. nw_pool_submit, nw_pool_take, nw_pool_wait and
 * nw_pool_outstanding are for the owner thread only.
 */
#ifndef NW_POOL_H
#define NW_POOL_H

#include <stddef.h>

#include "status.h"

struct nw_pool_task {
    struct nw_pool_task *next_in;  /* queue of tasks waiting for a thread */
    struct nw_pool_task *next_out; /* submission order */
    int done;
    int exclusive; /* set by the caller: runs with no other task running */
};

/* Runs one task on a pool thread with that thread's context. */
typedef void nw_pool_work_fn(struct nw_pool_task *task, void *thread_ctx);

struct nw_pool;

/* Starts nthreads (>= 1) threads; thread i gets thread_ctxs[i] (borrowed: they must
 * outlive the pool). NULL on failure with a message in errstr. */
struct nw_pool *nw_pool_create(size_t nthreads, void *const *thread_ctxs, nw_pool_work_fn *work,
                               char *errstr, size_t errstr_size);

/* Stops the threads (each finishes the task it is running; queued tasks are not run) and
 * frees the pool. Tasks still inside belong to the caller again: it finds them with
 * nw_pool_abandon before. NULL-safe. */
void nw_pool_destroy(struct nw_pool *p);

/* Hands a task to the threads. An exclusive task waits until no task runs and holds the
 * tasks behind it until it is done. */
void nw_pool_submit(struct nw_pool *p, struct nw_pool_task *task);

/* The oldest submitted task if it is done (removed from the pool), else NULL: a done task
 * behind an unfinished older one waits. */
struct nw_pool_task *nw_pool_take(struct nw_pool *p);

/* Waits up to timeout_ms until the oldest task is done (returns at once if it is, or if
 * nothing is outstanding). */
void nw_pool_wait(struct nw_pool *p, int timeout_ms);

/* Tasks submitted and not yet taken back. */
size_t nw_pool_outstanding(const struct nw_pool *p);

/* Stops the threads and returns every task still inside (done or not) in submission
 * order, linked by next_out; the pool takes no more tasks. For teardown. */
struct nw_pool_task *nw_pool_abandon(struct nw_pool *p);

#endif
