/*
 * util.c - errors, growable buffers, a string arena and UTF-8 helpers.
 *
 * The small pieces every module uses.  Nothing here knows about UN texts.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

rg_status rg_fail(rg_error *err, rg_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->status = status;
    }
    return status;
}

rg_status rg_write_failed(rg_error *err, const char *what)
{
    int e = errno ? errno : EIO;
    rg_status st = rg_fail(err, RG_EOUTPUT, "cannot write %s: %s", what, strerror(e));
    if (err)
        err->errnum = e;
    return st;
}

void *rg_xmalloc(size_t n)
{
    return malloc(n ? n : 1);
}

bool rg_grow(void *p, size_t *cap, size_t need, size_t elem)
{
    void **pp = p;
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return false;
        ncap *= 2;
    }
    void *np = realloc(*pp, ncap * elem);
    if (!np)
        return false;
    *pp = np;
    *cap = ncap;
    return true;
}

void rg_buf_add(rg_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (!rg_grow(&b->data, &b->cap, b->len + n + 1, 1)) {
        b->failed = true;
        return;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void rg_buf_puts(rg_buf *b, const char *s)
{
    rg_buf_add(b, s, strlen(s));
}

void rg_buf_printf(rg_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        rg_buf_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->failed = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    rg_buf_add(b, big, (size_t)n);
    free(big);
}

void rg_buf_free(rg_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

/* Arena: blocks of at least 16 KB, strings packed one after the other. */
struct rg_arena_block {
    struct rg_arena_block *next;
    size_t used, size;
    char mem[];
};

char *rg_arena_strndup(rg_arena *a, const char *s, size_t n)
{
    struct rg_arena_block *blk = a->head;
    if (!blk || blk->size - blk->used < n + 1) {
        size_t size = n + 1 > 16384 ? n + 1 : 16384;
        blk = malloc(sizeof *blk + size);
        if (!blk)
            return NULL;
        blk->used = 0;
        blk->size = size;
        blk->next = a->head;
        a->head = blk;
    }
    char *p = blk->mem + blk->used;
    memcpy(p, s, n);
    p[n] = '\0';
    blk->used += n + 1;
    return p;
}

char *rg_arena_strdup(rg_arena *a, const char *s)
{
    return rg_arena_strndup(a, s, strlen(s));
}

void rg_arena_free(rg_arena *a)
{
    struct rg_arena_block *blk = a->head;
    while (blk) {
        struct rg_arena_block *next = blk->next;
        free(blk);
        blk = next;
    }
    a->head = NULL;
}

size_t rg_utf8_count(const char *s, size_t n)
{
    /* every byte that is not a continuation byte starts a character (a stray
     * continuation byte of invalid text is not counted) */
    size_t count = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++)
        count += (p[i] & 0xC0) != 0x80;
    return count;
}

/* A string hash eight bytes at a time (a multiply-xorshift mix). */
uint64_t rg_str_hash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    const unsigned char *p = (const unsigned char *)s;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
        p += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w ^ ((uint64_t)n << 56)) * 0x94D049BB133111EBULL;
    h ^= h >> 29;
    return h;
}

static bool strmap_resize(rg_strmap *m, size_t cap)
{
    const char **keys = calloc(cap, sizeof *keys);
    size_t *vals = malloc(cap * sizeof *vals);
    uint64_t *hashes = malloc(cap * sizeof *hashes);
    if (!keys || !vals || !hashes) {
        free(keys);
        free(vals);
        free(hashes);
        return false;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = m->hashes[i] & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
        hashes[j] = m->hashes[i];
    }
    free(m->keys);
    free(m->vals);
    free(m->hashes);
    m->keys = keys;
    m->vals = vals;
    m->hashes = hashes;
    m->cap = cap;
    return true;
}

bool rg_strmap_put_h(rg_strmap *m, const char *key, size_t len, uint64_t h, size_t val,
                     size_t *found)
{
    if ((m->n + 1) * 2 > m->cap && !strmap_resize(m, m->cap ? m->cap * 2 : 64))
        return false;
    size_t j = h & (m->cap - 1);
    while (m->keys[j]) {
        if (m->hashes[j] == h && memcmp(m->keys[j], key, len + 1) == 0) {
            *found = m->vals[j];
            return true;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = key;
    m->vals[j] = val;
    m->hashes[j] = h;
    m->n++;
    *found = val;
    return true;
}

bool rg_strmap_put(rg_strmap *m, const char *key, size_t val, size_t *found)
{
    size_t len = strlen(key);
    return rg_strmap_put_h(m, key, len, rg_str_hash(key, len), val, found);
}

long rg_strmap_get_h(const rg_strmap *m, const char *key, size_t len, uint64_t h)
{
    if (!m->cap)
        return -1;
    size_t j = h & (m->cap - 1);
    while (m->keys[j]) {
        if (m->hashes[j] == h && memcmp(m->keys[j], key, len + 1) == 0)
            return (long)m->vals[j];
        j = (j + 1) & (m->cap - 1);
    }
    return -1;
}

long rg_strmap_get(const rg_strmap *m, const char *key)
{
    size_t len = strlen(key);
    return rg_strmap_get_h(m, key, len, rg_str_hash(key, len));
}

void rg_strmap_free(rg_strmap *m)
{
    free(m->keys);
    free(m->vals);
    free(m->hashes);
    memset(m, 0, sizeof *m);
}
