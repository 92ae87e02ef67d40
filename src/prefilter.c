/*
 * prefilter.c - where a token of the citation pattern may start.
 *
 * extract.c tries its pattern anchored at each position this file hands it,
 * in increasing order, instead of searching every byte.  That gives exactly
 * the tokens of an unanchored search as long as every position where some
 * alternative of the pattern can match is handed over.  The rules below are
 * written from the pattern's alternatives and must change with them:
 *
 *   - Every token either starts at a trigger of its own (https:// links, 决 and
 *     決, a page footer at a line start) or holds an anchor: '/' or '(' (ASCII
 *     or full-width) or 年 (a date), and everything between its start and its
 *     first anchor belongs to the class W below (digits, Chinese digits, spaces
 *     and line breaks, 第, A-Z, hyphens).  So the candidates before an anchor
 *     are the characters of the stretch of W right before it.
 *   - A line start that may open a footer without '/' or '(' (spaces, then
 *     12-34567, found from its '-') counts as an anchor of its own, and the
 *     stretch of W before it is handed over first: a position before it may
 *     start a token that runs through it.
 *   - Within a stretch, a character that no alternative can start with, given
 *     the character before it (the pattern's lookbehinds), is skipped, and so
 *     is a space at a line start when the line's spaces are not followed by a
 *     footer's 12- or 2/ or a heading's CN{2,5}(.
 *   - A trigger that no alternative can go on from is passed over: 年 with no
 *     digit, space or CNP after it (only a date has 年 before its first '/' or
 *     '('), 决 and 決 with no 议, 議, 定 or space after them.
 *
 * The triggers are searched sixteen places at a time where SSE2 is there (64
 * with AVX2, as two halves of 32), and the flags of the last block are kept
 * from call to call.  Each position is also given its class (what it starts
 * with), so that extract.c tries only the alternatives that can start there.
 * This file knows the pattern's shape, not PCRE2.
 */
#include "internal.h"

#include <string.h>


/* --- characters -------------------------------------------------------------- */

/* For a function the compiler would otherwise leave a call in rg_starts_next()
 * (instructions a run of 8 MB with the call: after_di() about 0.7M more,
 * stretch_before() 1.6M more). */
#if defined(__GNUC__) || defined(__clang__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

#define NONE 0xFFFFFFFFu /* no character: before the text, or invalid bytes */

static bool is_digit(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

/* 〇零○一二三四五六七八九 (and the ASCII 0 of the pattern's CN class) */
static bool is_cn(uint32_t c)
{
    switch (c) {
    case '0': case 0x3007: case 0x96F6: case 0x25CB: case 0x4E00: case 0x4E8C: case 0x4E09:
    case 0x56DB: case 0x4E94: case 0x516D: case 0x4E03: case 0x516B: case 0x4E5D:
        return true;
    default:
        return false;
    }
}

/* 一二三四五六七八九十〇零: the pattern's CNP, digits of a number written with
 * 十 (二十一) */
static bool is_cnp(uint32_t c)
{
    switch (c) {
    case 0x4E00: case 0x4E8C: case 0x4E09: case 0x56DB: case 0x4E94: case 0x516D: case 0x4E03:
    case 0x516B: case 0x4E5D: case 0x5341: case 0x3007: case 0x96F6:
        return true;
    default:
        return false;
    }
}

#define DI 0x7B2C   /* 第 */
#define NIAN 0x5E74 /* 年 */

/* W's ASCII characters, one byte each (0 for every byte from 0x80 on): most of
 * a stretch is ASCII (digits, spaces, line breaks), read back a byte a look-up:
 * \t-\r, ' ', '-', 0-9 and A-Z. */
static const unsigned char w_byte[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, /* \t-\r */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, /* ' ', '-' */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, /* 0-9 */
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* A-O */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, /* P-Z */
};

/* W from U+3001 to U+FEFE: 第, 〇 and the Chinese digits, whose low bytes
 * differ, so that each is found at its low byte (0: none). */
static const uint16_t w_cjk[256] = {
    [0x2C] = DI,     [0x07] = 0x3007, [0xF6] = 0x96F6, [0x00] = 0x4E00, [0x8C] = 0x4E8C,
    [0x09] = 0x4E09, [0xDB] = 0x56DB, [0x94] = 0x4E94, [0x6D] = 0x516D, [0x03] = 0x4E03,
    [0x6B] = 0x516B, [0x5D] = 0x4E5D,
};

/* W: what may stand between a token's start and its first anchor. */
static bool in_w(uint32_t c)
{
    if (c < 0x80)
        return w_byte[c];
    /* most characters that end a stretch are Chinese or CJK punctuation (、。《》
     * from U+3001 on): from U+3001 to U+FEFE only 〇, 第 and the Chinese digits
     * are in W (the other characters of W lie outside) */
    if (c > 0x3000 && c < 0xFEFF)
        return w_cjk[c & 0xFF] == c;
    return is_digit(c) || is_cn(c) || rg_is_space(c) || (c >= 0xFF21 && c <= 0xFF3A) ||
           c == 0xFF0D || (c >= 0x2010 && c <= 0x2015) || c == 0x2212;
}

/* The character at p (p < n), its length in *len; NONE when invalid. */
static inline uint32_t char_at(const unsigned char *s, size_t p, size_t n, size_t *len)
{
    if (s[p] < 0x80) {
        *len = 1;
        return s[p];
    }
    size_t l = rg_utf8_seqlen(s + p, n - p);
    *len = l ? l : 1;
    return l ? rg_utf8_decode(s + p, l) : NONE;
}

/* The character at p in a stretch, its length in *len.  A stretch holds valid
 * characters of W, none of four bytes (stretch_before() decoded them, and
 * footer_of_dash() adds a space or digit), so the lead byte gives the length
 * and no test of the bytes is needed. */
static inline uint32_t stretch_char(const unsigned char *s, size_t p, size_t *len)
{
    unsigned b = s[p];
    if (b < 0x80) {
        *len = 1;
        return b;
    }
    if (b < 0xE0) {
        *len = 2;
        return (b & 0x1Fu) << 6 | (s[p + 1] & 0x3Fu);
    }
    *len = 3;
    return (b & 0x0Fu) << 12 | (s[p + 1] & 0x3Fu) << 6 | (s[p + 2] & 0x3Fu);
}

/* char_before() for what its quick tests leave: two- and four-byte characters,
 * three-byte ones with an E0 or ED lead, invalid bytes. */
static uint32_t char_before_rare(const unsigned char *s, size_t p, size_t *start)
{
    size_t q = p - 1;
    while (q > 0 && p - q < 4 && (s[q] & 0xC0) == 0x80)
        q--;
    *start = q;
    size_t l = rg_utf8_seqlen(s + q, p - q);
    return l == p - q ? rg_utf8_decode(s + q, l) : NONE;
}

/* The character ending at p, its start in *start; NONE at 0 or when invalid. */
static inline uint32_t char_before(const unsigned char *s, size_t p, size_t *start)
{
    if (p == 0) {
        *start = 0;
        return NONE;
    }
    if (s[p - 1] < 0x80) {
        *start = p - 1;
        return s[p - 1];
    }
    /* the common case, a three-byte character: what char_before_rare() finds
     * for it (rg_utf8_seqlen() needs no more tests for E1-EC, EE and EF leads) */
    if (p >= 3 && (s[p - 3] & 0xF0) == 0xE0 && s[p - 3] != 0xE0 && s[p - 3] != 0xED &&
        (s[p - 2] & 0xC0) == 0x80 && (s[p - 1] & 0xC0) == 0x80) {
        *start = p - 3;
        return rg_utf8_decode(s + p - 3, 3);
    }
    return char_before_rare(s, p, start);
}

/* CN{4}年 at p: a date written in Chinese digits. */
static bool cn_date_at(const unsigned char *s, size_t p, size_t n)
{
    for (int k = 0; k < 4; k++) {
        size_t l;
        if (p >= n || !is_cn(char_at(s, p, n, &l)))
            return false;
        p += l;
    }
    size_t l;
    return p < n && char_at(s, p, n, &l) == NIAN;
}

/* The tests of the character before p that may_start() makes, on its bytes:
 * each gives what decoding it with char_before() and testing it gives (a
 * full-width digit, EF BC 90-99, and 第, E7 AC AC, are read whole by the quick
 * case of char_before()), without the decoding. */
static bool fw_digit_before(const unsigned char *s, size_t p)
{
    return p >= 3 && s[p - 1] >= 0x90 && s[p - 1] <= 0x99 && s[p - 2] == 0xBC && s[p - 3] == 0xEF;
}

static bool di_before(const unsigned char *s, size_t p)
{
    return p >= 3 && s[p - 1] == 0xAC && s[p - 2] == 0xAC && s[p - 3] == 0xE7;
}

static bool digit_before(const unsigned char *s, size_t p)
{
    return p > 0 && ((s[p - 1] >= '0' && s[p - 1] <= '9') || fw_digit_before(s, p));
}

/* The pattern's NOTAFTER: [A-Za-z0-9./-] (below 64 the run '-' to '9') and
 * full-width digits. */
#define NOTAFTER_ASCII_LOW ((uint64_t)0x1FFF << '-')
#define NOTAFTER_ASCII_HIGH ((uint64_t)0x3FFFFFF << ('A' - 64) | (uint64_t)0x3FFFFFF << ('a' - 64))

static bool blocks_start(const unsigned char *s, size_t p)
{
    if (p == 0)
        return false;
    unsigned b = s[p - 1];
    if (b >= 0x80)
        return fw_digit_before(s, p);
    return (b < 64 ? NOTAFTER_ASCII_LOW : NOTAFTER_ASCII_HIGH) >> (b & 63) & 1;
}

/* After 第, or 第 and one space: 第 三九六(五). */
static ALWAYS_INLINE bool after_di(const unsigned char *s, size_t p)
{
    if (di_before(s, p))
        return true;
    size_t q;
    if (p > 0 && s[p - 1] < 0x80) {
        if (!rg_is_space(s[p - 1]))
            return false;
        q = p - 1;
    } else {
        /* the other spaces have two or three bytes: most characters here are
         * Chinese ones with no 第 before them, found without a decoding */
        if (p < 5 || !(di_before(s, p - 2) || di_before(s, p - 3)))
            return false;
        uint32_t prev = char_before(s, p, &q);
        if (prev == NONE || !rg_is_space(prev))
            return false;
    }
    return di_before(s, q);
}

/* Whether the spaces at p, a line start, may open a footer or a heading: of
 * the alternatives that start with a space only those do without 第 before it,
 * and after up to 16 of [ \t\x{3000}] they go on with [0-9]{2}- or
 * [0-9]{1,3}/ (a footer: 12-34567, 2/4 12-34567) or CN{2,5} and '(' or '（'
 * (a heading: 二一五九(二十一)).  Not the space of a line that holds nothing
 * else, nor of a footnote (  1 A/71/450。) or a date ( 2016年12月4日). */
static bool line_spaces_lead(const unsigned char *s, size_t p, size_t n)
{
    for (int k = 0; k < 16 && p < n; k++) {
        if (s[p] == ' ' || s[p] == '\t')
            p++;
        else if (n - p >= 3 && s[p] == 0xE3 && s[p + 1] == 0x80 && s[p + 2] == 0x80)
            p += 3; /* U+3000 */
        else
            break;
    }
    size_t d = 0;
    while (d < 3 && p + d < n && s[p + d] >= '0' && s[p + d] <= '9')
        d++;
    if (d && p + d < n && (s[p + d] == '/' || (d == 2 && s[p + d] == '-')))
        return true;
    int k = 0;
    size_t l;
    while (k < 5 && p < n && is_cn(char_at(s, p, n, &l))) {
        p += l;
        k++;
    }
    if (k < 2 || p >= n)
        return false;
    uint32_t c = char_at(s, p, n, &l);
    return c == '(' || c == 0xFF08;
}

/* The class of the alternatives that can start at p (character c), or -1 when
 * none can (the pattern's lookbehinds and line anchors, read off the text). */
/* Whether p is a line start (the pattern's (?m:^) with '\n' the newline); it
 * is tested only by the classes that need it. */
static inline bool at_line_start(const unsigned char *s, size_t p)
{
    return p == 0 || s[p - 1] == '\n';
}

static int may_start(const unsigned char *s, size_t n, size_t p, uint32_t c)
{
    /* a date may not follow a digit, a reference may not follow [A-Za-z0-9./-] */
    bool digit = c < 0x80 ? c >= '0' && c <= '9' : c >= 0xFF10 && c <= 0xFF19;
    if (digit)
        return at_line_start(s, p) || !digit_before(s, p) || (c == '0' && cn_date_at(s, p, n))
                   ? RG_START_DIGIT
                   : -1;
    if (c < 0x80) {
        if (rg_is_space(c)) /* before A-Z: ten times as many spaces come here */
            return ((c == ' ' || c == '\t') && at_line_start(s, p) && line_spaces_lead(s, p, n)) ||
                           after_di(s, p)
                       ? RG_START_SPACE
                       : -1;
        if (c >= 'A' && c <= 'Z')
            return blocks_start(s, p) ? -1 : RG_START_UPPER;
        return -1; /* hyphens: only ever inside a token */
    }
    if (c == DI)
        return blocks_start(s, p) ? -1 : RG_START_DI;
    if (is_cn(c))
        return at_line_start(s, p) || after_di(s, p) || cn_date_at(s, p, n) ? RG_START_CN : -1;
    if (rg_is_space(c))
        return (at_line_start(s, p) && c == 0x3000 && line_spaces_lead(s, p, n)) || after_di(s, p)
                   ? RG_START_SPACE
                   : -1;
    return -1; /* full-width letters, hyphens: only ever inside a token */
}

/* --- triggers ------------------------------------------------------------------ */

/* The first bytes of the triggers: '/' '(' ／ （ (EF BC 8F, EF BC 88); 年 (E5 B9 B4),
 * 决 (E5 86 B3), 決 (E6 B1 BA); "http"; the '-' of a footer.  rg_starts_next()
 * tests the bytes after them. */
static const bool trigger_lead[256] = {
    ['/'] = 1, ['('] = 1, ['-'] = 1, ['h'] = 1, [0xE5] = 1, [0xE6] = 1, [0xEF] = 1,
};

/* The places of a block that may hold a trigger: each byte tested with the two
 * after it, so that what is flagged is a trigger but for "ht" without "tp".
 * (The caller leaves two bytes of room after the block.) */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_VECTORS 1
#define TRIGGER_MASK(W, LOAD, SET1, EQ, OR, AND, MOVEMASK)                                       \
    static unsigned W(const unsigned char *s)                                                  \
    {                                                                                          \
        __typeof__(LOAD(s)) a = LOAD(s), b = LOAD(s + 1), c = LOAD(s + 2);                    \
        __typeof__(a) m = OR(OR(EQ(a, SET1('/')), EQ(a, SET1('('))), EQ(a, SET1('-')));       \
        m = OR(m, AND(EQ(a, SET1('h')), EQ(b, SET1('t'))));                                  \
        /* ／ （: EF BC 8F, EF BC 88 */                                                        \
        m = OR(m, AND(AND(EQ(a, SET1((char)0xEF)), EQ(b, SET1((char)0xBC))),                 \
                      OR(EQ(c, SET1((char)0x8F)), EQ(c, SET1((char)0x88)))));                \
        /* 年 E5 B9 B4, 决 E5 86 B3, 決 E6 B1 BA */                                             \
        __typeof__(a) e5 = EQ(a, SET1((char)0xE5));                                          \
        m = OR(m, AND(AND(e5, EQ(b, SET1((char)0xB9))), EQ(c, SET1((char)0xB4))));           \
        m = OR(m, AND(AND(e5, EQ(b, SET1((char)0x86))), EQ(c, SET1((char)0xB3))));           \
        m = OR(m, AND(AND(EQ(a, SET1((char)0xE6)), EQ(b, SET1((char)0xB1))),                 \
                      EQ(c, SET1((char)0xBA))));                                              \
        return (unsigned)MOVEMASK(m);                                                          \
    }

#define LOAD16(p) _mm_loadu_si128((const __m128i *)(p))
TRIGGER_MASK(mask16, LOAD16, _mm_set1_epi8, _mm_cmpeq_epi8, _mm_or_si128, _mm_and_si128,
             _mm_movemask_epi8)

/* With AVX2 a byte is classed by its two halves, each looked up in a table of
 * sixteen (PSHUFB), rather than compared with each of seventeen values: fewer
 * than half the instructions a block, and no broadcast constants for the
 * compiler to rebuild.  Each bit of the tables is one form of trigger; a byte
 * keeps a bit when both its halves have it, and a place is flagged when its
 * byte and the two after it keep a bit in common:
 *
 *   1  2F 28 2D (/ ( -), then any two     8  E5 B9 B4 (年)
 *   2  68 74 (ht), then any               16 E5 86 B3 (决)
 *   4  EF BC 8F|88 (／ （)                 32 E6 B1 BA (決)
 *
 * Each form's set of bytes at each place is a set of high halves by one of low
 * halves, so this would flag exactly what mask16 flags.  The second and third
 * bytes are classed by their low halves alone, which flags a few places more
 * (？ EF BC 9F for ／ EF BC 8F, 婴 E5 A9 B4 for 年 E5 B9 B4, 摊 E6 91 8A for 決
 * E6 B1 BA …; 550 places in 8 MB of the bench text): rg_starts_next() tests all
 * three bytes, and each half of a block takes eight instructions fewer. */
#define LANES(...) {__VA_ARGS__, __VA_ARGS__} /* PSHUFB looks up within each 16-byte lane */
static const unsigned char trig_class[4][32] = {
    /* first byte: low half 0-F, then high half */
    LANES(0, 0, 0, 0, 0, 8 | 16, 32, 0, 1 | 2, 0, 0, 0, 0, 1, 0, 1 | 4),
    LANES(0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 4 | 8 | 16 | 32, 0),
    /* second byte, low half only (1 takes any; the high halves would be 7 for 2,
     * 8 for 16, B for 4, 8 and 32) */
    LANES(1, 1 | 32, 1, 1, 1 | 2, 1, 1 | 16, 1, 1, 1 | 8, 1, 1, 1 | 4, 1, 1, 1),
    /* third byte, low half only (1 and 2 take any; the high halves would be 8
     * for 4, B for 8, 16 and 32) */
    LANES(3, 3, 3, 3 | 16, 3 | 8, 3, 3, 3, 3 | 4, 3, 3 | 32, 3, 3, 3, 3, 3 | 4),
};

#define LOAD32(p) _mm256_loadu_si256((const __m256i *)(p))
/* The bits of trig_class that the 32 bytes x keep at the first place of a form. */
__attribute__((target("avx2"))) static inline __m256i first_class(__m256i x)
{
    __m256i half = _mm256_set1_epi8(0x0F);
    __m256i lo = _mm256_shuffle_epi8(LOAD32(trig_class[0]), _mm256_and_si256(x, half));
    __m256i hi = _mm256_shuffle_epi8(LOAD32(trig_class[1]),
                                     _mm256_and_si256(_mm256_srli_epi16(x, 4), half));
    return _mm256_and_si256(lo, hi);
}

/* The same at place k (1-2), by the bytes' low halves alone. */
__attribute__((target("avx2"))) static inline __m256i next_class(__m256i x, int k)
{
    return _mm256_shuffle_epi8(LOAD32(trig_class[k + 1]),
                               _mm256_and_si256(x, _mm256_set1_epi8(0x0F)));
}

/* The trigger bits of the 32 bytes at b, one place a byte. */
__attribute__((target("avx2"))) static inline __m256i block_bits(const unsigned char *b)
{
    __m256i m = _mm256_and_si256(first_class(LOAD32(b)), next_class(LOAD32(b + 1), 1));
    return _mm256_and_si256(m, next_class(LOAD32(b + 2), 2));
}

/* The flags of a block's places from its bits: the six bits of trig_class
 * leave a byte's sign bit clear, so a byte that keeps any is above 0 as a
 * signed one (the flags of the bytes equal to 0 would need a NOT). */
__attribute__((target("avx2"))) static inline uint32_t block_flags(__m256i m)
{
    return (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(m, _mm256_setzero_si256()));
}

/* The flags of the first block from q on with a place flagged, its start and
 * end (64 bytes on, or 32 near the end of the text) set in st; 0 when the
 * blocks end, both set where they end.  Most blocks have no trigger: the bits
 * of a block are tested at once (VPTEST) before its flags are made.  About two
 * blocks of 32 in five have a trigger: a block of 64, its halves tested
 * together, takes fewer calls, each of which loads the tables anew. */
__attribute__((target("avx2"))) static uint64_t scan64(rg_starts *st, const unsigned char *s,
                                                       size_t q, size_t n)
{
    /* a pointer against its last place: GCC keeps one counter for the loop
     * and branches on the VPTEST itself (with q and q + 66 <= n it kept three
     * and set a flag to test) */
    const unsigned char *b = s + q;
    if (n >= 66)
        for (const unsigned char *last = s + n - 66; b <= last; b += 64) {
            __m256i m0 = block_bits(b), m1 = block_bits(b + 32);
            __m256i m = _mm256_or_si256(m0, m1);
            if (!_mm256_testz_si256(m, m)) {
                st->block_start = (size_t)(b - s);
                st->block_end = st->block_start + 64;
                return (uint64_t)block_flags(m1) << 32 | block_flags(m0);
            }
        }
    q = (size_t)(b - s);
    for (; q + 34 <= n; q += 32) {
        __m256i m = block_bits(s + q);
        if (!_mm256_testz_si256(m, m)) {
            st->block_start = q;
            st->block_end = q + 32;
            return block_flags(m);
        }
    }
    st->block_start = st->block_end = q;
    return 0;
}

static uint64_t scan16(rg_starts *st, const unsigned char *s, size_t q, size_t n)
{
    for (; q + 18 <= n; q += 16) {
        unsigned mask = mask16(s + q);
        if (mask) {
            st->block_start = q;
            st->block_end = q + 16;
            return mask;
        }
    }
    st->block_start = st->block_end = q;
    return 0;
}
#endif

/* The first place at or after p that may hold a trigger: its first byte is
 * one, and with vectors the bytes after it mostly are too (the caller tests
 * them); n when there is none.  The flags of the last block searched are kept
 * in st: the next search, from just after the place found, goes on with them
 * instead of searching the block's bytes again. */
static size_t next_place(rg_starts *st, const unsigned char *s, size_t p, size_t n)
{
#ifdef HAVE_VECTORS
    /* the places of the last block at or after p (p lies in the block when
     * before its end: the search never goes back, and only goes on from a
     * place of it) */
    uint64_t mask = 0;
    if (p < st->block_end)
        mask = st->block_mask & ~(uint64_t)0 << (p - st->block_start);
    if (!mask) {
        if (p < st->block_end)
            p = st->block_end;
        mask = st->vectors32 ? scan64(st, s, p, n) : scan16(st, s, p, n);
        p = st->block_end;
    }
    if (mask) {
        st->block_mask = mask & (mask - 1);
        return st->block_start + (size_t)__builtin_ctzll(mask);
    }
#else
    (void)st;
#endif
    for (; p < n; p++)
        if (trigger_lead[s[p]])
            return p;
    return n;
}

/* A line start that may open a page footer with no '/' or '(' in it (the
 * others are found from those): up to 16 spaces, then 12-34567. */
static bool footer_start(const unsigned char *s, size_t p, size_t n)
{
    for (int k = 0; k <= 16 && p < n; k++) {
        if (s[p] >= '0' && s[p] <= '9') {
            if (n - p < 8 || !(s[p + 1] >= '0' && s[p + 1] <= '9') || s[p + 2] != '-')
                return false;
            for (int i = 3; i < 8; i++)
                if (!(s[p + i] >= '0' && s[p + i] <= '9'))
                    return false;
            return true;
        }
        if (s[p] == ' ' || s[p] == '\t')
            p++;
        else if (n - p >= 3 && s[p] == 0xE3 && s[p + 1] == 0x80 && s[p + 2] == 0x80)
            p += 3; /* U+3000 */
        else
            return false;
    }
    return false;
}

/* The line start of a footer whose '-' (12-34567) is at q, when there is one
 * and it is not the text's first line (rg_starts_init() tries that one). */
static bool footer_of_dash(const unsigned char *s, size_t q, size_t n, size_t *line)
{
    if (q < 2 || !(s[q - 1] >= '0' && s[q - 1] <= '9') || !(s[q - 2] >= '0' && s[q - 2] <= '9'))
        return false;
    size_t p = q - 2;
    for (int k = 0;; k++) {
        if (p > 0 && s[p - 1] == '\n')
            break;
        if (p == 0 || k == 16)
            return false;
        if (s[p - 1] == ' ' || s[p - 1] == '\t')
            p--;
        else if (p >= 3 && s[p - 3] == 0xE3 && s[p - 2] == 0x80 && s[p - 1] == 0x80)
            p -= 3; /* U+3000 */
        else
            return false;
    }
    *line = p;
    return footer_start(s, p, n);
}


/* What stands before a stretch, when stretch_before() knows it without a
 * test more: a byte of ASCII outside W, a valid character from 0x80 on outside
 * W (neither a digit nor a full-width one, nor [A-Za-z0-9./-]), or neither
 * known (the bound lo, invalid bytes). */
enum { BEFORE_UNKNOWN, BEFORE_ASCII, BEFORE_WIDE };

#ifdef HAVE_VECTORS
/* How many of the 16 bytes before p (p >= 16, lo <= p) the stretch of W
 * ending at p takes, not before lo: the bytes of w_byte and the whole 第s
 * (E7 AC AC) among them, found at once from the bytes' flags and a count of
 * leading ones.  Most stretches are shorter than 12 bytes (a number, 第 and a
 * number, A/): a loop a byte at a time left its exit to be guessed at each
 * one.  A 第 that begins before lo or before the 16 bytes is not taken (the
 * caller finds what stands there). */
static ALWAYS_INLINE size_t w_run16(const unsigned char *s, size_t p, size_t lo)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(s + p - 16));
    /* the bytes from a to b: x - a below b - a + 1, unsigned, as a signed
     * compare of both moved down by 128 */
#define W_RANGE(a, b)                                                                              \
    _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - (a)))),                             \
                   _mm_set1_epi8((char)(-128 + (b) - (a) + 1)))
    __m128i w = _mm_or_si128(_mm_or_si128(W_RANGE('\t', '\r'), W_RANGE('0', '9')), W_RANGE('A', 'Z'));
#undef W_RANGE
    w = _mm_or_si128(w, _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
                                     _mm_cmpeq_epi8(x, _mm_set1_epi8('-'))));
    unsigned ascii = (unsigned)_mm_movemask_epi8(w);
    unsigned e7 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xE7)));
    unsigned ac = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xAC)));
    unsigned di = e7 & ac >> 1 & ac >> 2; /* where a 第 begins (bit i: the byte at p - 16 + i) */
    unsigned run = ascii | di | di << 1 | di << 2;
    /* the leading ones of the 16 bits (the bit below them stops the count at
     * 16), not beyond lo: stretch_before() moves a start within a 第 to its end */
    size_t k = (size_t)__builtin_clz(~run << 16 | 0x8000u);
    return k < p - lo ? k : p - lo;
}
#endif

/* The start of the stretch of W characters ending at p, not before lo; what
 * stands before it in *before. */
static ALWAYS_INLINE size_t stretch_before(const unsigned char *s, size_t p, size_t lo, int *before)
{
    for (;;) {
#ifdef HAVE_VECTORS
        if (p >= 16 && lo <= p) {
            size_t k = w_run16(s, p, lo);
            p -= k;
            if (k == 16)
                continue; /* the stretch may go on before the 16 bytes */
        } else
#endif
            while (p > lo && w_byte[s[p - 1]])
                p--;
        if (p == lo) {
#ifdef HAVE_VECTORS
            /* lo within a 第 that w_run16() took: the stretch starts after it,
             * where the character before it no longer lies from lo on */
            if ((s[p] & 0xC0) == 0x80)
                p += s[p - 1] == 0xE7 ? 2 : 1;
#endif
            *before = BEFORE_UNKNOWN;
            return p;
        }
        if (s[p - 1] < 0x80) {
            *before = BEFORE_ASCII;
            return p;
        }
        /* the common case, a three-byte character within the bounds: what
         * char_before() finds for it, from its bytes read once */
        size_t q;
        uint32_t c;
        unsigned b0, b1, b2 = s[p - 1];
        if (b2 == 0xAC && p - lo >= 3 && s[p - 2] == 0xAC && s[p - 3] == 0xE7) {
            p -= 3; /* 第, before most numbers: with no decoding */
            continue;
        }
        if (b2 == 0x81 && p - lo >= 3 && s[p - 2] == 0x80 && s[p - 3] == 0xE3) {
            *before = BEFORE_WIDE; /* 、, before most of the others */
            return p;
        }
        if (p - lo >= 3 && (b0 = s[p - 3]) - 0xE1u < 15 && b0 != 0xED &&
            (((b1 = s[p - 2]) ^ 0x80) | (b2 ^ 0x80)) < 0x40) { /* E1-EC EE EF, 80-BF twice */
            q = p - 3;
            c = (b0 & 0x0Fu) << 12 | (b1 & 0x3Fu) << 6 | (b2 & 0x3Fu);
            /* in_w()'s common case, without a call */
            if (c > 0x3000 && c < 0xFEFF) {
                if (w_cjk[c & 0xFF] != c) {
                    *before = BEFORE_WIDE;
                    return p;
                }
                p = q;
                continue;
            }
        } else {
            c = char_before(s, p, &q);
            if (q < lo || c == NONE) {
                *before = BEFORE_UNKNOWN;
                return p;
            }
        }
        if (!in_w(c)) {
            *before = BEFORE_WIDE;
            return p;
        }
        p = q;
    }
}

/* --- triggers passed over ---------------------------------------------------------- */

/* Whether 年, ending at p, is an anchor.  Of the alternatives only a date has 年
 * before its first '/' or '(': YEAR SPS 年 SPS NUM2, CN{4}年CNP.  So a stretch
 * before 年 is handed over only when a digit, a space or CNP comes after it,
 * not for a year alone (2030年议程, 2021-2025年信息). */
static bool nian_anchors(const unsigned char *s, size_t p, size_t n)
{
    if (p >= n)
        return false;
    if (s[p] < 0x80) /* most often a digit (2016年12月) */
        return (s[p] >= '0' && s[p] <= '9') || s[p] == ' ' || (s[p] >= '\t' && s[p] <= '\r');
    /* then a Chinese character (2030年议程): from U+4000 to U+9FFF (leads E4-E9)
     * there is no digit or space, only CNP */
    if (s[p] >= 0xE4 && s[p] <= 0xE9 && n - p >= 3 && (s[p + 1] & 0xC0) == 0x80 &&
        (s[p + 2] & 0xC0) == 0x80)
        return is_cnp((s[p] & 0x0Fu) << 12 | (s[p + 1] & 0x3Fu) << 6 | (s[p + 2] & 0x3Fu));
    size_t l;
    uint32_t c = char_at(s, p, n, &l);
    return c == NONE || is_digit(c) || rg_is_space(c) || is_cnp(c); /* invalid: as before */
}

/* Whether 决 or 決, ending at p, may start a token: 议 or 議 (决议案, 决议) or 定
 * must follow it, or spaces before them (SPS).  Not the 决 of 解决, 决心. */
static bool jue_starts(const unsigned char *s, size_t p, size_t n)
{
    if (n - p >= 3 && ((s[p] == 0xE8 && s[p + 1] == 0xAE && s[p + 2] == 0xAE) || /* 议 */
                       (s[p] == 0xE8 && s[p + 1] == 0xAD && s[p + 2] == 0xB0) || /* 議 */
                       (s[p] == 0xE5 && s[p + 1] == 0xAE && s[p + 2] == 0x9A)))  /* 定 */
        return true;
    if (p >= n)
        return false;
    size_t l;
    uint32_t c = char_at(s, p, n, &l);
    return c == NONE || rg_is_space(c); /* invalid: as before */
}

/* Whether the byte AC, which ends 第, is among the four before p (p >= 4), or
 * a line break right before it: the places a 第 or a 第 and a space before an
 * ASCII space may end, and a line start.  Tested on the four bytes at once
 * (a byte of v ^ ACACACAC is 0). */
static inline bool ac_or_lf_before(const unsigned char *s, size_t p)
{
    uint32_t v;
    memcpy(&v, s + p - 4, 4);
    v ^= 0xACACACACu;
    return ((v - 0x01010101u) & ~v & 0x80808080u) | (s[p - 1] == '\n');
}

/* --- public ------------------------------------------------------------------------ */

void rg_starts_init(rg_starts *st, const char *text, size_t len)
{
    memset(st, 0, sizeof *st);
    st->text = text;
    st->len = len;
#ifdef HAVE_VECTORS
    st->vectors32 = rg_cpu_avx2();
#endif
    /* the text's first line start is a trigger too */
    if (len && footer_start((const unsigned char *)text, 0, len)) {
        size_t l;
        char_at((const unsigned char *)text, 0, len, &l);
        st->run_end = l;
    }
}

size_t rg_starts_next(rg_starts *st, size_t pos, rg_start_class *cls)
{
    const unsigned char *s = (const unsigned char *)st->text;
    size_t n = st->len;
    for (;;) {
        /* the stretch under way: its characters start at lead bytes, pos may
         * not (the search for triggers and stretch_before() need no lead byte) */
        size_t p = st->run;
        if (pos > p)
            for (p = pos; p < st->run_end && (s[p] & 0xC0) == 0x80; p++)
                ;
        while (p < st->run_end) {
            size_t l = 3;
            int k;
            if (s[p] == 0xE7) {
                /* 第, the only character of W with an E7 lead, and the first of
                 * most references: what may_start() says of it, without a
                 * decoding */
                k = blocks_start(s, p) ? -1 : RG_START_DI;
            } else if (s[p] <= ' ' && p >= 5 && !ac_or_lf_before(s, p)) {
                /* an ASCII space (the only bytes of W up to ' ') after neither
                 * 第 nor a space after 第 (no byte AC among the four before
                 * it), at no line start: what may_start() says of it
                 * (after_di()) */
                l = 1;
                k = -1;
            } else if (s[p] >= '1' && s[p] <= '9') {
                l = 1;
                k = at_line_start(s, p) || !digit_before(s, p) ? RG_START_DIGIT : -1;
            } else {
                k = may_start(s, n, p, stretch_char(s, p, &l));
            }
            if (k >= 0) {
                st->run = p + l;
                *cls = (rg_start_class)k;
                return p;
            }
            p += l;
        }
        st->run_end = 0; /* the stretch is done (st->run needs no change for it) */
        /* the next trigger */
        p = next_place(st, s, st->cursor > pos ? st->cursor : pos, n);
        if (p >= n) {
            st->cursor = n;
            return SIZE_MAX;
        }
        st->cursor = p + 1;
        size_t left = n - p;
        /* the most frequent first (a switch tests 'h' and the bytes below it
         * before these) */
        if (s[p] == 0xE5)
            goto e5;
        if (s[p] == '/')
            goto anchor;
        switch (s[p]) {
        case 0xE5:
        e5: /* 年, 决 */
            if (left >= 3 && s[p + 1] == 0xB9 && s[p + 2] == 0xB4) {
                if (!nian_anchors(s, p + 3, n))
                    break;
                goto anchor;
            }
            if (!(left >= 3 && s[p + 1] == 0x86 && s[p + 2] == 0xB3))
                break;
            goto jue;
        case 0xE6: /* 決 */
            if (!(left >= 3 && s[p + 1] == 0xB1 && s[p + 2] == 0xBA))
                break;
        jue:
            st->cursor = p + 3;
            if (!jue_starts(s, p + 3, n))
                break;
            *cls = RG_START_JUE;
            return p;
        case 'h':
            if (!(left >= 4 && !memcmp(s + p, "http", 4)))
                break;
            *cls = RG_START_LINK;
            return p;
        case 0xEF: /* ／ （ */
            if (!(left >= 3 && s[p + 1] == 0xBC && (s[p + 2] == 0x8F || s[p + 2] == 0x88)))
                break;
            /* fall through */
        case '/':
        case '(':
        anchor: {
            int before;
            size_t q = stretch_before(s, p, pos, &before);
            st->run_end = p;
            /* the stretch's first character handed over at once when what
             * stands before it says what may_start() would: a digit after no
             * digit, 第 after a character that is not [A-Za-z0-9./-] (tested
             * on its bytes when not known to be wide: most often the stretch
             * reaches pos, the end of the token before it, as in
             * 2001年5月8日第2001/5号) */
            if ((q < p) & (before != BEFORE_UNKNOWN) & ((unsigned)(s[q] - '0') < 10)) {
                st->run = q + 1;
                *cls = RG_START_DIGIT;
                return q;
            }
            if (((q < p) & (s[q] == 0xE7)) && (before == BEFORE_WIDE || !blocks_start(s, q))) {
                st->run = q + 3;
                *cls = RG_START_DI;
                return q;
            }
            st->run = q;
            break;
        }
        case '-': {
            /* only spaces and two digits stand between the line start and the '-':
             * no other trigger comes between them */
            size_t line;
            if (footer_of_dash(s, p, n, &line)) {
                size_t l;
                int before;
                char_at(s, line, n, &l);
                st->run = stretch_before(s, line, pos, &before);
                st->run_end = line + l;
            }
            break;
        }
        }
    }
}
