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

bool rg_grow_to(void *p, size_t *cap, size_t need, size_t elem)
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

/* s[0..n) and a NUL at the end of blk's strings, which has room for them. */
static inline char *arena_put(struct rg_arena_block *blk, const char *s, size_t n)
{
    char *p = blk->mem + blk->used;
    blk->used += n + 1;
    p[n] = '\0';
    /* most strings here are ids of 8 to 16 bytes: two overlapping moves in
     * place of a call */
    if (n >= 8 && n <= 16) {
        memcpy(p, s, 8);
        memcpy(p + n - 8, s + n - 8, 8);
        return p;
    }
    return memcpy(p, s, n);
}

/* The string in a new block, out of line: those that fit the last block take
 * no frame for the call to malloc(). */
__attribute__((noinline)) static char *arena_put_new(rg_arena *a, const char *s, size_t n)
{
    size_t size = n + 1 > 16384 ? n + 1 : 16384;
    struct rg_arena_block *blk = malloc(sizeof *blk + size);
    if (!blk)
        return NULL;
    blk->used = 0;
    blk->size = size;
    blk->next = a->head;
    a->head = blk;
    return arena_put(blk, s, n);
}

char *rg_arena_strndup(rg_arena *a, const char *s, size_t n)
{
    struct rg_arena_block *blk = a->head;
    if (!blk || blk->size - blk->used < n + 1)
        return arena_put_new(a, s, n);
    return arena_put(blk, s, n);
}

char *rg_arena_strdup(rg_arena *a, const char *s)
{
    return rg_arena_strndup(a, s, strlen(s));
}

void rg_arena_take(rg_arena *to, rg_arena *from)
{
    if (!from->head)
        return;
    struct rg_arena_block *last = from->head;
    while (last->next)
        last = last->next;
    last->next = to->head;
    to->head = from->head;
    from->head = NULL;
}

size_t rg_arena_bytes(const rg_arena *a)
{
    size_t n = 0;
    for (const struct rg_arena_block *blk = a->head; blk; blk = blk->next)
        n += sizeof *blk + blk->size;
    return n;
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

/* UTF-8 validation.  The vector version is the "lookup" algorithm of
 * Keiser and Lemire (Validating UTF-8 in less than one instruction per byte,
 * 2021): three table lookups on the high and low nibbles of each byte and the
 * one before it flag every malformed pair; the third and fourth bytes of long
 * sequences are checked by where lead bytes stood two and three places back. */
static bool utf8_valid_scalar(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t l = rg_utf8_seqlen(s + i, n - i);
        if (l == 0)
            return false;
        i += l;
    }
    return true;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define TOO_SHORT (1 << 0)  /* a lead byte or ASCII, then a lead byte or ASCII */
#define TOO_LONG (1 << 1)   /* ASCII, then a continuation byte */
#define OVERLONG_3 (1 << 2) /* E0, then 80..9F */
#define TOO_LARGE (1 << 3)  /* F4, then 90..BF; F5.., then 90..BF */
#define SURROGATE (1 << 4)  /* ED, then A0..BF */
#define OVERLONG_2 (1 << 5) /* C0 or C1, then a continuation byte */
#define TOO_LARGE_1000 (1 << 6) /* F5.., then 80..8F */
#define OVERLONG_4 (1 << 6) /* F0, then 80..8F */
#define TWO_CONTS (1 << 7)  /* two continuation bytes */
#define CARRY (TOO_SHORT | TOO_LONG | TWO_CONTS)

/* The three tables, by the nibble that indexes them. */
#define BYTE_1_HIGH                                                                           \
    TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,           \
        (char)TWO_CONTS, (char)TWO_CONTS, (char)TWO_CONTS, (char)TWO_CONTS,                   \
        TOO_SHORT | OVERLONG_2, TOO_SHORT, TOO_SHORT | OVERLONG_3 | SURROGATE,                \
        (char)(TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4)
#define BIG (char)(CARRY | TOO_LARGE | TOO_LARGE_1000)
#define BYTE_1_LOW                                                                            \
    (char)(CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4), (char)(CARRY | OVERLONG_2),         \
        (char)CARRY, (char)CARRY, (char)(CARRY | TOO_LARGE), BIG, BIG, BIG, BIG, BIG, BIG,    \
        BIG, BIG, (char)(CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE), BIG, BIG
#define BYTE_2_HIGH                                                                           \
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,   \
        (char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4), \
        (char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE),                   \
        (char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE),                    \
        (char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE), TOO_SHORT,         \
        TOO_SHORT, TOO_SHORT, TOO_SHORT

static bool none_set(__m128i v)
{
    return _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) == 0xFFFF;
}

__attribute__((target("ssse3"))) static bool utf8_valid_ssse3(const unsigned char *s, size_t n)
{
    const __m128i byte_1_high = _mm_setr_epi8(BYTE_1_HIGH);
    const __m128i byte_1_low = _mm_setr_epi8(BYTE_1_LOW);
    const __m128i byte_2_high = _mm_setr_epi8(BYTE_2_HIGH);
    /* a sequence still open at the end of a block: a lead byte in the last
     * three places that its length does not fit */
    const __m128i max_open = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                           (char)(0xF0 - 1), (char)(0xE0 - 1), (char)(0xC0 - 1));
    const __m128i nib = _mm_set1_epi8(0x0F);
    __m128i prev = _mm_setzero_si128(), open = _mm_setzero_si128(), error = _mm_setzero_si128();
    size_t i = 0;
    for (;; i += 16) {
        __m128i in;
        if (i + 16 <= n) {
            in = _mm_loadu_si128((const __m128i *)(s + i));
        } else {
            unsigned char tail[16] = {0}; /* padded with ASCII */
            if (i < n)
                memcpy(tail, s + i, n - i);
            in = _mm_loadu_si128((const __m128i *)tail);
        }
        if (_mm_movemask_epi8(in) == 0) {
            error = _mm_or_si128(error, open); /* ASCII after an open sequence */
            open = _mm_setzero_si128();
        } else {
            __m128i prev1 = _mm_alignr_epi8(in, prev, 15);
            __m128i sc = _mm_and_si128(
                _mm_and_si128(_mm_shuffle_epi8(byte_1_high, _mm_and_si128(_mm_srli_epi16(prev1, 4), nib)),
                              _mm_shuffle_epi8(byte_1_low, _mm_and_si128(prev1, nib))),
                _mm_shuffle_epi8(byte_2_high, _mm_and_si128(_mm_srli_epi16(in, 4), nib)));
            __m128i prev2 = _mm_alignr_epi8(in, prev, 14), prev3 = _mm_alignr_epi8(in, prev, 13);
            __m128i must23 = _mm_or_si128(_mm_subs_epu8(prev2, _mm_set1_epi8((char)(0xE0 - 0x80))),
                                          _mm_subs_epu8(prev3, _mm_set1_epi8((char)(0xF0 - 0x80))));
            __m128i must23_80 = _mm_and_si128(must23, _mm_set1_epi8((char)0x80));
            error = _mm_or_si128(error, _mm_xor_si128(must23_80, sc));
            open = _mm_subs_epu8(in, max_open);
        }
        prev = in;
        if (i + 16 >= n)
            break;
        if ((i & 1023) == 1008 && !none_set(error))
            return false; /* give up early on invalid text */
    }
    return none_set(_mm_or_si128(error, open));
}

/* The same, 32 bytes at a time (the 16-byte tables in both lanes). */
__attribute__((target("avx2"))) static bool none_set32(__m256i v)
{
    return _mm256_testz_si256(v, v);
}

__attribute__((target("avx2"))) static __m256i prev_bytes(__m256i in, __m256i prev, int k)
{
    /* in shifted right by k bytes across the lanes, prev's last bytes coming in */
    __m256i joined = _mm256_permute2x128_si256(prev, in, 0x21);
    switch (k) {
    case 1: return _mm256_alignr_epi8(in, joined, 15);
    case 2: return _mm256_alignr_epi8(in, joined, 14);
    default: return _mm256_alignr_epi8(in, joined, 13);
    }
}

/* The tables and masks of utf8_errors32(), made once and hidden from the
 * compiler, which would rather build the masks again in the loop than keep
 * them in registers. */
typedef struct {
    __m256i byte_1_high, byte_1_low, byte_2_high, nib, third, high;
} utf8_consts32;

__attribute__((target("avx2"))) static void utf8_consts_init(utf8_consts32 *k)
{
#define TABLE(...) _mm256_broadcastsi128_si256(_mm_setr_epi8(__VA_ARGS__))
    k->byte_1_high = TABLE(BYTE_1_HIGH);
    k->byte_1_low = TABLE(BYTE_1_LOW);
    k->byte_2_high = TABLE(BYTE_2_HIGH);
#undef TABLE
    k->nib = _mm256_set1_epi8(0x0F);
    k->third = _mm256_set1_epi8(0xFF - 0xE0);
    k->high = _mm256_set1_epi8((char)0x80);
    __asm__("" : "+x"(k->byte_1_high), "+x"(k->byte_1_low), "+x"(k->byte_2_high), "+x"(k->nib),
            "+x"(k->third), "+x"(k->high));
}

/* The errors of a block that is not all ASCII, given itself and itself one,
 * two and three bytes back.  The third and fourth bytes of a sequence are
 * told by the average (x + c + 1) / 2 of the byte x two or three places back,
 * which has its high bit where x >= 0xFF - c: like a saturating subtraction,
 * but both ways round, so that the bytes come straight from memory. */
__attribute__((target("avx2"), always_inline)) static inline __m256i
utf8_errors32(const utf8_consts32 *k, __m256i in, __m256i prev1, __m256i prev2, __m256i prev3)
{
    __m256i sc = _mm256_and_si256(
        _mm256_and_si256(_mm256_shuffle_epi8(k->byte_1_high,
                                             _mm256_and_si256(_mm256_srli_epi16(prev1, 4), k->nib)),
                         _mm256_shuffle_epi8(k->byte_1_low, _mm256_and_si256(prev1, k->nib))),
        _mm256_shuffle_epi8(k->byte_2_high, _mm256_and_si256(_mm256_srli_epi16(in, 4), k->nib)));
    /* (nib is 0xFF - 0xF0) */
    __m256i must23 = _mm256_or_si256(_mm256_avg_epu8(prev2, k->third),
                                     _mm256_avg_epu8(prev3, k->nib));
    return _mm256_xor_si256(_mm256_and_si256(must23, k->high), sc);
}

/* The errors of the block at p, whose three bytes before are in the text:
 * read again from there, they cost fewer instructions than shifting them in
 * from the block before. */
__attribute__((target("avx2"), always_inline)) static inline __m256i
utf8_errors_at(const utf8_consts32 *k, const unsigned char *p)
{
    return utf8_errors32(k, _mm256_loadu_si256((const __m256i *)p),
                         _mm256_loadu_si256((const __m256i *)(p - 1)),
                         _mm256_loadu_si256((const __m256i *)(p - 2)),
                         _mm256_loadu_si256((const __m256i *)(p - 3)));
}

/* A sequence still open at the end of the block in: a lead byte in the last
 * three places that its length does not fit.  An error before a block told
 * ASCII (not checked against the bytes before it) and at the end. */
__attribute__((target("avx2"))) static __m256i utf8_open32(__m256i in)
{
    const __m256i max_open = _mm256_setr_epi8(
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, (char)(0xF0 - 1), (char)(0xE0 - 1), (char)(0xC0 - 1));
    return _mm256_subs_epu8(in, max_open);
}

/* The errors of a block in after the block prev (zero if none), both in
 * registers. */
__attribute__((target("avx2"), always_inline)) static inline __m256i
utf8_errors_after(const utf8_consts32 *k, __m256i in, __m256i prev)
{
    if (_mm256_movemask_epi8(in) == 0)
        return utf8_open32(prev);
    return utf8_errors32(k, in, prev_bytes(in, prev, 1), prev_bytes(in, prev, 2),
                         prev_bytes(in, prev, 3));
}

/* The first block alone (nothing before it), then whole blocks in runs of
 * 16 KB with no other test between them than the loop's own (whose end is
 * mispredicted once a run: runs of 2 KB paid that eight times as often); an
 * error ends the check after the run it is in.  The last bytes, fewer than 32, go as one
 * block padded with ASCII. */
__attribute__((target("avx2"))) static bool utf8_valid_avx2(const unsigned char *s, size_t n)
{
    utf8_consts32 k;
    utf8_consts_init(&k);
    __m256i error = _mm256_setzero_si256(), last = _mm256_setzero_si256();
    const unsigned char *p = s, *end = s + n;
    if (n >= 32) {
        last = _mm256_loadu_si256((const __m256i *)s);
        error = utf8_errors_after(&k, last, _mm256_setzero_si256());
        p += 32;
    }
    while (end - p >= 32) {
        /* four blocks a step, told ASCII together: text with any other
         * characters has them in most steps, and the test is paid once */
        const unsigned char *stop = end - p >= 16384 ? p + 16384 : p + (end - p) / 128 * 128;
        for (; p < stop; p += 128) {
            /* a chain of ORs, each taking its block from memory (paired
             * off by the compiler, they take two loads of their own) */
            __m256i any = _mm256_loadu_si256((const __m256i *)p);
            for (int b = 32; b < 128; b += 32) {
                any = _mm256_or_si256(any, _mm256_loadu_si256((const __m256i *)(p + b)));
                __asm__("" : "+x"(any));
            }
            if (_mm256_testz_si256(any, k.high)) {
                error = _mm256_or_si256(
                    error, utf8_open32(_mm256_loadu_si256((const __m256i *)(p - 32))));
                continue;
            }
            /* the blocks read again and checked one by one: kept from the
             * test, or checked side by side, they take more registers than
             * there are, and the compiler spills */
            __asm__("" : "+r"(p));
            for (int b = 0; b < 128; b += 32) {
                error = _mm256_or_si256(error, utf8_errors_at(&k, p + b));
                __asm__("" : "+x"(error));
            }
        }
        for (; end - p >= 32 && end - p < 128; p += 32) {
            if (_mm256_testz_si256(_mm256_loadu_si256((const __m256i *)p), k.high))
                error = _mm256_or_si256(
                    error, utf8_open32(_mm256_loadu_si256((const __m256i *)(p - 32))));
            else
                error = _mm256_or_si256(error, utf8_errors_at(&k, p));
        }
        if (!none_set32(error))
            return false; /* give up early on invalid text */
    }
    if (p > s)
        last = _mm256_loadu_si256((const __m256i *)(p - 32));
    if (p < end || n == 0) {
        unsigned char tail[32] = {0}; /* padded with ASCII */
        if (p < end)
            memcpy(tail, p, (size_t)(end - p));
        __m256i a = _mm256_loadu_si256((const __m256i *)tail);
        error = _mm256_or_si256(error, utf8_errors_after(&k, a, last));
        last = a;
    }
    return none_set32(_mm256_or_si256(error, utf8_open32(last)));
}
#endif

int rg_utf8_valid_by(int way, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    switch (way) {
    case 0:
        return utf8_valid_scalar(u, n);
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    case 1:
        return __builtin_cpu_supports("ssse3") ? utf8_valid_ssse3(u, n) : -1;
    case 2:
        return __builtin_cpu_supports("avx2") ? utf8_valid_avx2(u, n) : -1;
#endif
    default:
        return -1;
    }
}

bool rg_utf8_valid(const char *s, size_t n)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (rg_cpu_avx2())
        return utf8_valid_avx2((const unsigned char *)s, n);
    if (rg_cpu_ssse3())
        return utf8_valid_ssse3((const unsigned char *)s, n);
#endif
    return utf8_valid_scalar((const unsigned char *)s, n);
}

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__SSE2__)
/* The lanes that count: '\n' (what 0) or a byte that starts a character (what
 * 1: continuation bytes, 80..BF, are the bytes below -64 as signed ones). */
static inline __m128i count_pick(__m128i v, int what)
{
    return what ? _mm_cmpgt_epi8(v, _mm_set1_epi8(-65)) : _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'));
}

static size_t count_fold(__m128i acc)
{
    __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
    return (size_t)_mm_cvtsi128_si32(sums) + (size_t)_mm_extract_epi16(sums, 4);
}

/* The bytes of p[0..n), n >= 16, that count_pick() sets, in byte counters
 * (a set lane is -1) folded into the total before they can overflow.  64
 * bytes a round, so that the loop's own work is shared by four blocks; the
 * last bytes, fewer than 16, are counted in the last 16 with the lanes
 * already counted masked off.  The spans of advance() (document.c) between
 * two mentions are a few hundred bytes: the ends matter. */
static inline size_t count16(const unsigned char *p, size_t n, int what)
{
    static const unsigned char tail_mask[32] = {
        0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
#define LOAD(at) _mm_loadu_si128((const __m128i *)(p + (at)))
    size_t total = 0, i = 0;
    __m128i acc = _mm_setzero_si128();
    for (int rounds = 0; n - i >= 64; i += 64, rounds++) {
        if (rounds == 60) { /* at most 4 a round in a lane, and 4 after the rounds */
            total += count_fold(acc);
            acc = _mm_setzero_si128();
            rounds = 0;
        }
        __m128i a = _mm_add_epi8(count_pick(LOAD(i), what), count_pick(LOAD(i + 16), what));
        __m128i b = _mm_add_epi8(count_pick(LOAD(i + 32), what), count_pick(LOAD(i + 48), what));
        acc = _mm_sub_epi8(acc, _mm_add_epi8(a, b));
    }
    for (; n - i >= 16; i += 16)
        acc = _mm_sub_epi8(acc, count_pick(LOAD(i), what));
    if (i < n) {
        __m128i keep = _mm_loadu_si128((const __m128i *)(tail_mask + (n - i)));
        acc = _mm_sub_epi8(acc, _mm_and_si128(count_pick(LOAD(n - 16), what), keep));
    }
#undef LOAD
    return total + count_fold(acc);
}
#endif

const char rg_dec_pairs[201] = "00010203040506070809101112131415161718192021222324"
                               "25262728293031323334353637383940414243444546474849"
                               "50515253545556575859606162636465666768697071727374"
                               "75767778798081828384858687888990919293949596979899";

char *rg_put_dec(char *o, size_t v)
{
    char *e = o + rg_dec_digits(v), *b = e;
    while (v >= 100) {
        b -= 2;
        memcpy(b, rg_dec_pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    if (v >= 10)
        memcpy(b - 2, rg_dec_pairs + 2 * v, 2);
    else
        b[-1] = (char)('0' + v);
    return e;
}

size_t rg_utf8_count(const char *s, size_t n)
{
    /* every byte that is not a continuation byte starts a character (a stray
     * continuation byte of invalid text is not counted) */
    const unsigned char *p = (const unsigned char *)s;
#if defined(__SSE2__)
    if (n >= 16)
        return count16(p, n, 1);
#endif
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += (p[i] & 0xC0) != 0x80;
    return count;
}

size_t rg_count_lines(const char *s, size_t n, size_t *after_last)
{
    size_t lines = 0;
    const unsigned char *p = (const unsigned char *)s;
#if defined(__SSE2__)
    if (n >= 16) {
        lines = count16(p, n, 0);
    } else
#endif
    {
        for (size_t i = 0; i < n; i++)
            lines += p[i] == '\n';
    }
    *after_last = lines ? rg_line_start(s, 0, n) : 0;
    return lines;
}

size_t rg_graphic_span(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
#if defined(__SSE2__)
    /* b - 0xA1 is (b - '!') with its top bit flipped: as a signed byte it is
     * below '~' - '!' + 1 - 128 exactly for '!' to '~' */
    for (; n - i >= 16; i += 16) {
        __m128i v = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(p + i)), _mm_set1_epi8((char)0xA1));
        unsigned out = ~(unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(-34))) & 0xFFFF;
        if (out)
            return i + (size_t)__builtin_ctz(out);
    }
#endif
    while (i < n && p[i] >= '!' && p[i] <= '~')
        i++;
    return i;
}

size_t rg_line_start(const char *s, size_t lo, size_t at)
{
#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
    /* sixty-four bytes at a time back to the block that holds it: lines run
     * for dozens of bytes, and the first block holds the start of most (a
     * step of sixteen took one to five, an end of the loop no better than a
     * toss); sixteen at a time near lo */
    const unsigned char *p = (const unsigned char *)s;
    const __m128i nl = _mm_set1_epi8('\n');
    for (; at >= lo + 64; at -= 64) {
        const __m128i *b = (const __m128i *)(p + at - 64);
        uint64_t m = (uint64_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(b), nl)) |
                     (uint64_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(b + 1), nl)) << 16 |
                     (uint64_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(b + 2), nl)) << 32 |
                     (uint64_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(b + 3), nl)) << 48;
        if (m)
            return at - (size_t)__builtin_clzll(m); /* after the highest lane set */
    }
    for (; at >= lo + 16; at -= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + at - 16));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));
        if (m)
            return at - 16 + (size_t)(32 - __builtin_clz(m)); /* after the highest lane set */
    }
#endif
    while (at > lo && s[at - 1] != '\n')
        at--;
    return at;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CURSOR_TARGET __attribute__((target("avx2,popcnt")))

/* The bits of p[0..32) that are '\n' (nl) and that start a character (cs). */
CURSOR_TARGET static inline void masks32(const unsigned char *p, uint64_t *nl, uint64_t *cs)
{
    __m256i v = _mm256_loadu_si256((const __m256i *)p);
    *nl = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n')));
    *cs = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(v, _mm256_set1_epi8(-65)));
}

CURSOR_TARGET static inline void masks64(const unsigned char *p, uint64_t *nl, uint64_t *cs)
{
    uint64_t nh, ch;
    masks32(p, nl, cs);
    masks32(p + 32, &nh, &ch);
    *nl |= nh << 32;
    *cs |= ch << 32;
}

/* The same bits of p[0..n), n < 64, from loads inside it: two that overlap,
 * whose bits agree where they do. */
CURSOR_TARGET static inline void masks_short(const unsigned char *p, size_t n, uint64_t *nl,
                                             uint64_t *cs)
{
    if (n >= 32) {
        uint64_t nh, ch;
        masks32(p, nl, cs);
        masks32(p + n - 32, &nh, &ch);
        *nl |= nh << (n - 32);
        *cs |= ch << (n - 32);
    } else if (n >= 8) {
        /* 16 or 8 bytes at each end (the upper half of an 8-byte load is zeros,
         * which count as starts: cut off) */
        size_t w = n >= 16 ? 16 : 8;
        __m128i a = w == 16 ? _mm_loadu_si128((const __m128i *)p)
                            : _mm_loadl_epi64((const __m128i *)p);
        __m128i b = w == 16 ? _mm_loadu_si128((const __m128i *)(p + n - 16))
                            : _mm_loadl_epi64((const __m128i *)(p + n - 8));
        uint64_t cut = w == 16 ? 0xFFFF : 0xFF;
        const __m128i line = _mm_set1_epi8('\n'), start = _mm_set1_epi8(-65);
        *nl = ((uint64_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, line)) & cut) |
              ((uint64_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, line)) & cut) << (n - w);
        *cs = ((uint64_t)_mm_movemask_epi8(_mm_cmpgt_epi8(a, start)) & cut) |
              ((uint64_t)_mm_movemask_epi8(_mm_cmpgt_epi8(b, start)) & cut) << (n - w);
    } else {
        *nl = *cs = 0;
        for (size_t i = 0; i < n; i++) {
            *nl |= (uint64_t)(p[i] == '\n') << i;
            *cs |= (uint64_t)((p[i] & 0xC0) != 0x80) << i;
        }
    }
}

/* The line breaks of p[0..m), where p[m..m + 64) may be read too: byte
 * counters over 128 bytes a round, folded before they can overflow (a lane
 * gains at most 4 a round), then 64-bit masks. */
CURSOR_TARGET static size_t newlines_avx2(const unsigned char *p, size_t m)
{
    const __m256i line = _mm256_set1_epi8('\n');
    size_t total = 0, i = 0;
#define EQ(at) _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + (at))), line)
    while (m - i >= 128) {
        size_t rounds = (m - i) / 128;
        size_t stop = i + (rounds > 63 ? 63 : rounds) * 128;
        __m256i acc = _mm256_setzero_si256();
        for (; i < stop; i += 128)
            acc = _mm256_sub_epi8(acc, _mm256_add_epi8(_mm256_add_epi8(EQ(i), EQ(i + 32)),
                                                       _mm256_add_epi8(EQ(i + 64), EQ(i + 96))));
        __m256i sums = _mm256_sad_epu8(acc, _mm256_setzero_si256());
        __m128i two =
            _mm_add_epi64(_mm256_castsi256_si128(sums), _mm256_extracti128_si256(sums, 1));
        total += (size_t)_mm_cvtsi128_si64(two) +
                 (size_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(two, two));
    }
#undef EQ
    /* the last bytes, fewer than 128: two blocks of 64 (the second at i + 64,
     * or at i again where there are fewer than 64 bytes) cut by masks, with
     * no test of how many there are (a loop of no turn or one, no better
     * than a toss) */
    size_t r = m - i;
    uint64_t big = -(uint64_t)(r >= 64), low = (1ULL << (r & 63)) - 1, nl, nl2, cs;
    masks64(p + i, &nl, &cs);
    masks64(p + i + (64 & big), &nl2, &cs);
    return total + (size_t)__builtin_popcountll(nl & (low | big)) +
           (size_t)__builtin_popcountll(nl2 & low & big);
}

/* rg_count_lines_chars() by blocks of 64 bytes from the end back to the one
 * with the last line break, whose characters after it end the count; the
 * line breaks before it by newlines_avx2().  Each byte is read once, and the
 * spans of advance() (document.c), mostly 16 to 64 bytes, take one or two
 * loads. */
CURSOR_TARGET static size_t lines_chars_avx2(const unsigned char *p, size_t n, size_t *chars)
{
    uint64_t nl, cs;
    size_t count = 0, end = n;
    if (n < 64) {
        masks_short(p, n, &nl, &cs);
    } else {
        for (;;) {
            masks64(p + end - 64, &nl, &cs);
            if (nl) {
                int last = 63 - __builtin_clzll(nl);
                *chars = count + (size_t)__builtin_popcountll(cs >> last >> 1);
                return (size_t)__builtin_popcountll(nl) + newlines_avx2(p, end - 64);
            }
            count += (size_t)__builtin_popcountll(cs);
            end -= 64;
            if (end < 64)
                break;
        }
        /* the first bytes: the block at the start, cut to those not counted */
        masks64(p, &nl, &cs);
        uint64_t keep = (1ULL << end) - 1;
        nl &= keep;
        cs &= keep;
    }
    if (!nl) {
        *chars = count + (size_t)__builtin_popcountll(cs);
        return 0;
    }
    int last = 63 - __builtin_clzll(nl);
    *chars = count + (size_t)__builtin_popcountll(cs >> last >> 1);
    return (size_t)__builtin_popcountll(nl);
}
#endif

/* The plain way, two passes, out of line so that rg_count_lines_chars() reaches
 * the AVX2 way by a jump. */
__attribute__((noinline)) static size_t lines_chars_plain(const char *s, size_t n, size_t *chars)
{
    size_t after, lines = rg_count_lines(s, n, &after);
    *chars = rg_utf8_count(s + after, n - after);
    return lines;
}

size_t rg_count_lines_chars(const char *s, size_t n, size_t *chars)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (rg_cpu_avx2() && __builtin_cpu_supports("popcnt"))
        return lines_chars_avx2((const unsigned char *)s, n, chars);
#endif
    return lines_chars_plain(s, n, chars);
}

bool rg_count_lines_chars_by(int way, const char *s, size_t n, size_t *lines, size_t *chars)
{
    switch (way) {
    case 0:
        *lines = lines_chars_plain(s, n, chars);
        return true;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    case 2:
        if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("popcnt"))
            return false;
        *lines = lines_chars_avx2((const unsigned char *)s, n, chars);
        return true;
#endif
    default:
        return false;
    }
}

/* A place's line and column moved on by the counts of the span to the next. */
static inline void lines_cols_add(size_t *line, size_t *col, size_t lines, size_t chars)
{
    /* the column restarts after a line break: by a conditional move, as
     * whether a span holds one is no better than a toss */
    *line += lines;
    *col = (lines ? 1 : *col) + chars;
}

/* lines_cols_step() without vectors. */
static void lines_cols_step_plain(const char *s, size_t *at, size_t pos, size_t *line,
                                  size_t *col)
{
    if (pos <= *at)
        return;
    size_t chars, lines = lines_chars_plain(s + *at, pos - *at, &chars);
    lines_cols_add(line, col, lines, chars);
    *at = pos;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* The line and column at pos from those at *at (a place before *at leaves
 * them): a span shorter than 64 bytes (most: the places of an enumeration are
 * a few dozen bytes apart) is counted here, from the block of 64 that ends at
 * pos (or from loads inside the span near the text's start), a longer one by
 * lines_chars_avx2(). */
CURSOR_TARGET static inline void lines_cols_step(const unsigned char *p, size_t *at, size_t pos,
                                                 size_t *line, size_t *col)
{
    if (pos <= *at)
        return;
    size_t n = pos - *at, chars, lines;
    if (n < 64) {
        uint64_t nl, cs;
        if (pos >= 64) {
            masks64(p + pos - 64, &nl, &cs);
            uint64_t keep = ~0ULL << (64 - n);
            nl &= keep;
            cs &= keep;
        } else {
            /* moved up as from the block that ends at pos */
            masks_short(p + *at, n, &nl, &cs);
            nl <<= 64 - n;
            cs <<= 64 - n;
        }
        /* the characters after the last line break, or all where there is
         * none, with no test of which: bit 0 (a byte before the span) is
         * clear, and stands for the last line break where nl has none */
        lines = (size_t)__builtin_popcountll(nl);
        chars = (size_t)__builtin_popcountll(cs >> (63 - __builtin_clzll(nl | 1)) >> 1);
    } else {
        lines = lines_chars_avx2(p + *at, n, &chars);
    }
    lines_cols_add(line, col, lines, chars);
    *at = pos;
}

CURSOR_TARGET static size_t lines_cols_avx2(const unsigned char *p, size_t n, size_t col,
                                            unsigned char *lc, size_t np, size_t stride)
{
    size_t at = 0, line = 0;
    for (size_t i = 0; i < np; i++) {
        size_t *pl = (size_t *)(lc + i * stride);
        lines_cols_step(p, &at, pl[0], &line, &col);
        pl[0] = line;
        pl[1] = col;
    }
    lines_cols_step(p, &at, n, &line, &col);
    return line;
}
#endif

size_t rg_lines_cols(const char *s, size_t n, size_t col, size_t *lc, size_t np, size_t stride)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (rg_cpu_avx2() && __builtin_cpu_supports("popcnt"))
        return lines_cols_avx2((const unsigned char *)s, n, col, (unsigned char *)lc, np, stride);
#endif
    size_t at = 0, line = 0;
    for (size_t i = 0; i < np; i++) {
        size_t *pl = (size_t *)((unsigned char *)lc + i * stride);
        lines_cols_step_plain(s, &at, pl[0], &line, &col);
        pl[0] = line;
        pl[1] = col;
    }
    lines_cols_step_plain(s, &at, n, &line, &col);
    return line;
}

/* The last n bytes (n < 8) of a string as a little-endian word, as memcpy()
 * into a zeroed word would give them: ids are mostly 9 to 15 bytes, and a
 * copy of a variable length is a byte loop.  With total bytes before and with
 * them, loads that stay inside the string and overlap. */
static inline uint64_t tail_word(const unsigned char *p, size_t n, size_t total)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n == 0)
        return 0;
    if (total >= 8) { /* the word that ends with them, the bytes before shifted out */
        uint64_t w;
        memcpy(&w, p + n - 8, 8);
        return w >> (64 - 8 * n);
    }
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + n - 4, 4);
        return (uint64_t)lo | (uint64_t)hi << (8 * (n - 4));
    }
    return (uint64_t)p[0] | (uint64_t)p[n / 2] << (8 * (n / 2)) | (uint64_t)p[n - 1] << (8 * (n - 1));
#else
    uint64_t w = 0;
    memcpy(&w, p, n);
    (void)total;
    return w;
#endif
}

/* A string hash eight bytes at a time (a multiply-xorshift mix). */
uint64_t rg_str_hash_words(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t total = n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
        p += 8;
        n -= 8;
    }
    uint64_t w = tail_word(p, n, total);
    h = (h ^ w ^ ((uint64_t)n << 56)) * 0x94D049BB133111EBULL;
    h ^= h >> 29;
    return h;
}

/* Open addressing over entries that hold their hash beside their key, so that
 * a probe reads one cache line. */
static bool strmap_resize(rg_strmap *m, size_t cap)
{
    rg_strmap_entry *e = calloc(cap, sizeof *e);
    if (!e)
        return false;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->e[i].key)
            continue;
        size_t j = m->e[i].hash & (cap - 1);
        while (e[j].key)
            j = (j + 1) & (cap - 1);
        e[j] = m->e[i];
    }
    free(m->e);
    m->e = e;
    m->cap = cap;
    return true;
}

/* Whether the stored key k is key[0..len) (which need not end there). */
static bool same_key(const char *k, const char *key, size_t len)
{
    return memcmp(k, key, len) == 0 && k[len] == '\0';
}

bool rg_strmap_put_h(rg_strmap *m, const char *key, size_t len, uint64_t h, size_t val,
                     size_t *found)
{
    if ((m->n + 1) * 2 > m->cap && !strmap_resize(m, m->cap ? m->cap * 2 : 64))
        return false;
    size_t j = h & (m->cap - 1);
    while (m->e[j].key) {
        if (m->e[j].hash == h && same_key(m->e[j].key, key, len)) {
            *found = m->e[j].val;
            return true;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->e[j] = (rg_strmap_entry){h, key, val};
    m->n++;
    *found = val;
    return true;
}

bool rg_strmap_put(rg_strmap *m, const char *key, size_t val, size_t *found)
{
    size_t len = strlen(key);
    return rg_strmap_put_h(m, key, len, rg_str_hash(key, len), val, found);
}

long rg_strmap_probe(const rg_strmap *m, const char *key, size_t len, uint64_t h)
{
    size_t j = h & (m->cap - 1);
    while (m->e[j].key) {
        if (m->e[j].hash == h && same_key(m->e[j].key, key, len))
            return (long)m->e[j].val;
        j = (j + 1) & (m->cap - 1);
    }
    return -1;
}

long rg_strmap_get(const rg_strmap *m, const char *key)
{
    size_t len = strlen(key);
    return rg_strmap_get_h(m, key, len, rg_str_hash(key, len));
}

void rg_strmap_clear(rg_strmap *m)
{
    if (m->n)
        memset(m->e, 0, m->cap * sizeof *m->e);
    m->n = 0;
}

void rg_strmap_free(rg_strmap *m)
{
    free(m->e);
    memset(m, 0, sizeof *m);
}
