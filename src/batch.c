/*
 * batch.c - many documents read at once, handed back in order.
 *
 * Worker threads read and scan the files (the expensive part), at most
 * WINDOW documents and about HELD_MAX bytes of them ahead of the caller (a
 * slow caller does not make memory grow); the caller's function sees each
 * document, in the order of the paths, in the caller's own thread.  The
 * output therefore does not depend on the number of threads.
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WINDOW 64              /* documents read ahead of the one being handed back */
#define HELD_MAX (32u << 20)   /* bytes of documents read and not handed back yet */

typedef struct slot {
    rg_doc *doc;
    rg_error err;
    rg_status st;
    size_t bytes; /* what doc holds */
    bool ready;
} slot;

typedef struct batch {
    const char *const *paths;
    size_t n;
    const rg_read_options *opt;
    slot ring[WINDOW];
    size_t next;     /* next path a worker takes */
    size_t consumed; /* documents handed back so far */
    size_t waiting;  /* the document the caller waits for, or SIZE_MAX */
    size_t held;     /* bytes of the documents ready and not handed back */
    int blocked;     /* workers waiting for room in the window */
    bool stop;
    pthread_mutex_t lock;
    pthread_cond_t have_doc;  /* the caller's: the document it waits for is ready */
    pthread_cond_t have_room; /* the workers': the window moved on, or stop */
} batch;

/* Takes the next path, reads it (without the lock, held on entry and on
 * return) into its slot; returns its number.  The slot is the reader's until
 * it is ready: the document before in it was handed back, and the slot
 * emptied, before the path could be taken (room()).  Its error is written in
 * place (a kilobyte, copied and cleared only when there is one). */
static size_t read_next(batch *b)
{
    size_t i = b->next++;
    slot *s = &b->ring[i % WINDOW];
    pthread_mutex_unlock(&b->lock);
    rg_doc *doc = NULL;
    rg_status st = rg_doc_read(b->paths[i], b->opt, &doc, &s->err);
    pthread_mutex_lock(&b->lock);
    s->doc = doc;
    s->st = st;
    s->bytes = doc ? rg_doc_bytes(doc) : 0;
    s->ready = true;
    b->held += s->bytes;
    return i;
}

/* Whether another path may be taken: the window has room, and the documents
 * read ahead hold less than HELD_MAX (the one the caller waits for is always
 * taken, so that the caller never waits for nothing). */
static bool room(const batch *b)
{
    return b->next < b->n && b->next < b->consumed + WINDOW &&
           (b->held < HELD_MAX || b->next == b->consumed);
}

/* Each side wakes the other only when it waits: documents are small and many,
 * and a wake-up per document costs more than reading it. */
static void *worker(void *arg)
{
    batch *b = arg;
    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (!b->stop && b->next < b->n && !room(b)) {
            b->blocked++;
            pthread_cond_wait(&b->have_room, &b->lock);
            b->blocked--;
        }
        if (b->stop || b->next >= b->n)
            break;
        size_t i = read_next(b);
        if (b->waiting == i)
            pthread_cond_signal(&b->have_doc);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

int rg_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

rg_status rg_docs_each(const char *const *paths, size_t n, const rg_read_options *opt, int threads,
                       rg_doc_fn fn, void *ctx)
{
    if (threads < 1)
        threads = 1;
    if ((size_t)threads > n)
        threads = n ? (int)n : 1;
    if (threads == 1 || n < 2) {
        /* one at a time, in this thread */
        rg_error err = {0};
        for (size_t i = 0; i < n; i++) {
            rg_doc *doc = NULL;
            rg_status st = rg_doc_read(paths[i], opt, &doc, &err);
            rg_status r = fn(ctx, i, st == RG_OK ? doc : NULL, st == RG_OK ? NULL : &err);
            rg_doc_free(doc);
            if (r != RG_OK)
                return r;
            if (st != RG_OK)
                memset(&err, 0, sizeof err);
        }
        return RG_OK;
    }
    batch *b = calloc(1, sizeof *b);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    if (!b || !tid) {
        free(b);
        free(tid);
        return RG_ENOMEM;
    }
    b->paths = paths;
    b->n = n;
    b->opt = opt;
    b->waiting = SIZE_MAX;
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->have_doc, NULL);
    pthread_cond_init(&b->have_room, NULL);
    int started = 0;
    /* the caller reads too, while it waits: one thread a processor in all
     * (one more only switched back and forth: 7,000 switches for 20,000 files) */
    for (int t = 0; t < threads - 1; t++)
        if (pthread_create(&tid[t], NULL, worker, b) == 0)
            started++;
    rg_status r = RG_OK;
    for (size_t i = 0; i < n; i++) {
        pthread_mutex_lock(&b->lock);
        slot *s = &b->ring[i % WINDOW];
        while (!s->ready && started > 0) {
            if (room(b)) {
                read_next(b); /* rather than wait, read the next document here */
                continue;
            }
            b->waiting = i;
            pthread_cond_wait(&b->have_doc, &b->lock);
        }
        b->waiting = SIZE_MAX;
        rg_doc *doc = s->doc;
        rg_status st = s->st;
        bool ready = s->ready;
        rg_error err; /* set when there is an error */
        if (ready && st != RG_OK) {
            err = s->err;
            memset(&s->err, 0, sizeof s->err);
        }
        b->held -= s->bytes;
        s->doc = NULL;
        s->st = RG_OK;
        s->bytes = 0;
        s->ready = false;
        b->consumed = i + 1;
        if (b->blocked)
            pthread_cond_broadcast(&b->have_room);
        pthread_mutex_unlock(&b->lock);
        if (!ready) { /* no worker could start: read it here */
            memset(&err, 0, sizeof err);
            st = rg_doc_read(paths[i], opt, &doc, &err);
        }
        if (r == RG_OK)
            r = fn(ctx, i, st == RG_OK ? doc : NULL, st == RG_OK ? NULL : &err);
        rg_doc_free(doc);
        if (r != RG_OK) {
            pthread_mutex_lock(&b->lock);
            b->stop = true;
            pthread_cond_broadcast(&b->have_room);
            pthread_mutex_unlock(&b->lock);
            break;
        }
    }
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    /* documents read ahead but not handed back (after a stop) */
    for (size_t k = 0; k < WINDOW; k++)
        rg_doc_free(b->ring[k].doc);
    pthread_mutex_destroy(&b->lock);
    pthread_cond_destroy(&b->have_doc);
    pthread_cond_destroy(&b->have_room);
    free(tid);
    free(b);
    return r;
}
