/* pool.c — worker threads for the CPU stages, results in submission order. */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "mem.h"

struct pool_thread {
    struct nw_pool *pool;
    void *ctx;
    pthread_t tid;
    int started;
};

struct nw_pool {
    pthread_mutex_t lock;
    pthread_cond_t work_cv; /* a task was queued, or stop */
    pthread_cond_t done_cv; /* a task finished */
    struct nw_pool_task *in_head, *in_tail;
    struct nw_pool_task *out_head, *out_tail;
    size_t outstanding;
    size_t running;
    int exclusive_running;
    int stop;
    nw_pool_work_fn *work;
    struct pool_thread *threads;
    size_t nthreads;
};

static void *thread_main(void *arg)
{
    struct pool_thread *t = arg;
    struct nw_pool *p = t->pool;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        struct nw_pool_task *task;
        while (!p->stop &&
               (!p->in_head || p->exclusive_running || (p->in_head->exclusive && p->running > 0)))
            pthread_cond_wait(&p->work_cv, &p->lock);
        if (p->stop)
            break;
        task = p->in_head;
        p->in_head = task->next_in;
        if (!p->in_head)
            p->in_tail = NULL;
        p->running++;
        p->exclusive_running = task->exclusive;
        pthread_mutex_unlock(&p->lock);
        p->work(task, t->ctx);
        pthread_mutex_lock(&p->lock);
        p->running--;
        if (task->exclusive)
            p->exclusive_running = 0;
        task->done = 1;
        if (task == p->out_head)
            pthread_cond_signal(&p->done_cv);
        /* Threads held back for (or by) an exclusive task may go on now. */
        if (p->in_head && (task->exclusive || p->in_head->exclusive))
            pthread_cond_broadcast(&p->work_cv);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

static void stop_threads(struct nw_pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < p->nthreads; i++) {
        if (p->threads[i].started)
            pthread_join(p->threads[i].tid, NULL);
        p->threads[i].started = 0;
    }
}

struct nw_pool *nw_pool_create(size_t nthreads, void *const *thread_ctxs, nw_pool_work_fn *work,
                               char *errstr, size_t errstr_size)
{
    struct nw_pool *p = nw_calloc(1, sizeof(*p));
    pthread_condattr_t ca;

    if (!p || !(p->threads = nw_calloc(nthreads ? nthreads : 1, sizeof(*p->threads)))) {
        nw_free(p);
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work_cv, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->done_cv, &ca);
    pthread_condattr_destroy(&ca);
    p->work = work;
    p->nthreads = nthreads;
    for (size_t i = 0; i < nthreads; i++) {
        int err;
        p->threads[i].pool = p;
        p->threads[i].ctx = thread_ctxs[i];
        err = pthread_create(&p->threads[i].tid, NULL, thread_main, &p->threads[i]);
        if (err) {
            nw_fail(NW_ENOMEM, errstr, errstr_size, "cannot start pool thread %zu: %s", i,
                    strerror(err));
            nw_pool_destroy(p);
            return NULL;
        }
        p->threads[i].started = 1;
    }
    return p;
}

void nw_pool_destroy(struct nw_pool *p)
{
    if (!p)
        return;
    stop_threads(p);
    pthread_cond_destroy(&p->work_cv);
    pthread_cond_destroy(&p->done_cv);
    pthread_mutex_destroy(&p->lock);
    nw_free(p->threads);
    nw_free(p);
}

void nw_pool_submit(struct nw_pool *p, struct nw_pool_task *task)
{
    task->next_in = task->next_out = NULL;
    task->done = 0; /* exclusive stays as the caller set it */
    pthread_mutex_lock(&p->lock);
    if (p->in_tail)
        p->in_tail->next_in = task;
    else
        p->in_head = task;
    p->in_tail = task;
    if (p->out_tail)
        p->out_tail->next_out = task;
    else
        p->out_head = task;
    p->out_tail = task;
    p->outstanding++;
    pthread_cond_signal(&p->work_cv);
    pthread_mutex_unlock(&p->lock);
}

struct nw_pool_task *nw_pool_take(struct nw_pool *p)
{
    struct nw_pool_task *task = NULL;

    if (!p->outstanding)
        return NULL; /* only the owner thread changes outstanding */
    pthread_mutex_lock(&p->lock);
    if (p->out_head && p->out_head->done) {
        task = p->out_head;
        p->out_head = task->next_out;
        if (!p->out_head)
            p->out_tail = NULL;
        task->next_out = NULL;
        p->outstanding--;
    }
    pthread_mutex_unlock(&p->lock);
    return task;
}

void nw_pool_wait(struct nw_pool *p, int timeout_ms)
{
    struct timespec ts;

    if (!p->outstanding || timeout_ms <= 0)
        return;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&p->lock);
    while (p->out_head && !p->out_head->done) {
        if (pthread_cond_timedwait(&p->done_cv, &p->lock, &ts) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&p->lock);
}

size_t nw_pool_outstanding(const struct nw_pool *p)
{
    return p->outstanding;
}

struct nw_pool_task *nw_pool_abandon(struct nw_pool *p)
{
    struct nw_pool_task *all;

    stop_threads(p);
    pthread_mutex_lock(&p->lock);
    all = p->out_head;
    p->out_head = p->out_tail = p->in_head = p->in_tail = NULL;
    p->outstanding = 0;
    pthread_mutex_unlock(&p->lock);
    return all;
}
