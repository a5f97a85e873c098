/* test_pool.c — the worker's thread pool (worker/pool.c, compiled in here: unit tests link
 * only the shared library): tasks come back in submission order whatever order the
 * threads finish them in, and an exclusive task never runs beside another. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "../../worker/pool.c"

struct task {
    struct nw_pool_task t; /* first: the test casts back */
    int n;
    int sleep_us;
    int overlapped; /* saw another task running at the same time (exclusive only) */
};

struct counter {
    pthread_mutex_t lock;
    int running;
    int bad;
};

static struct counter counter = {PTHREAD_MUTEX_INITIALIZER, 0, 0};

static void work(struct nw_pool_task *t, void *ctx)
{
    struct task *task = (struct task *)t;
    struct timespec ts = {0, (long)task->sleep_us * 1000L};

    (void)ctx;
    pthread_mutex_lock(&counter.lock);
    counter.running++;
    if (task->t.exclusive && counter.running != 1)
        task->overlapped = 1;
    pthread_mutex_unlock(&counter.lock);
    nanosleep(&ts, NULL);
    pthread_mutex_lock(&counter.lock);
    if (task->t.exclusive && counter.running != 1)
        task->overlapped = 1;
    counter.running--;
    pthread_mutex_unlock(&counter.lock);
}

static void run_tasks(size_t nthreads, int with_exclusive)
{
    enum { N = 300 };
    static struct task tasks[N];
    void *ctxs[8] = {0};
    char errstr[128];
    struct nw_pool *p = nw_pool_create(nthreads, ctxs, work, errstr, sizeof(errstr));
    int next = 0;

    assert_non_null(p);
    srand(7);
    for (int i = 0; i < N; i++) {
        tasks[i] = (struct task){.n = i, .sleep_us = rand() % 300};
        tasks[i].t.exclusive = with_exclusive && i % 37 == 5;
        nw_pool_submit(p, &tasks[i].t);
        /* Take back now and then, as the owner thread does between its other turns. */
        if (i % 7 == 0) {
            struct nw_pool_task *t;
            while ((t = nw_pool_take(p)))
                assert_int_equal(((struct task *)t)->n, next++);
        }
    }
    while (next < N) {
        struct nw_pool_task *t;
        nw_pool_wait(p, 100);
        while ((t = nw_pool_take(p)))
            assert_int_equal(((struct task *)t)->n, next++);
    }
    assert_int_equal(nw_pool_outstanding(p), 0);
    assert_null(nw_pool_take(p));
    for (int i = 0; i < N; i++)
        assert_false(tasks[i].overlapped);
    nw_pool_destroy(p);
}

static void test_order_one_thread(void **state)
{
    (void)state;
    run_tasks(1, 0);
}

static void test_order_many_threads(void **state)
{
    (void)state;
    run_tasks(4, 0);
}

static void test_exclusive(void **state)
{
    (void)state;
    run_tasks(4, 1);
}

static void test_abandon(void **state)
{
    static struct task tasks[20];
    void *ctxs[2] = {0};
    char errstr[128];
    struct nw_pool *p = nw_pool_create(2, ctxs, work, errstr, sizeof(errstr));
    struct nw_pool_task *t;
    int n = 0;

    (void)state;
    assert_non_null(p);
    for (int i = 0; i < 20; i++) {
        tasks[i] = (struct task){.n = i, .sleep_us = 2000};
        nw_pool_submit(p, &tasks[i].t);
    }
    /* Every task comes back, in order, done or not. */
    for (t = nw_pool_abandon(p); t; t = t->next_out)
        assert_int_equal(((struct task *)t)->n, n++);
    assert_int_equal(n, 20);
    nw_pool_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_one_thread),
        cmocka_unit_test(test_order_many_threads),
        cmocka_unit_test(test_exclusive),
        cmocka_unit_test(test_abandon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
