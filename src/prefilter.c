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
 *     12-34567) counts as an anchor of its own, and the stretch of W before it
 *     is handed over first: a position before it may start a token that runs
 *     through it.
 *   - Within a stretch, a character that no alternative can start with, given
 *     the character before it (the pattern's lookbehinds), is skipped.
 *
 * The trigger bytes are searched sixteen at a time where SSE2 is there.  Each
 * position is also given its class (what it starts with), so that extract.c
 * tries only the alternatives that can start there.  This file knows the
 * pattern's shape, not PCRE2.
 */
#include "internal.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* --- characters -------------------------------------------------------------- */

#define NONE 0xFFFFFFFFu /* no character: before the text, or invalid bytes */

static bool is_space(uint32_t c)
{
    /* PCRE2's \s with UCP, U+FEFF, and a few more: a superset is safe here */
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           c == 0x180E || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

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

#define DI 0x7B2C   /* 第 */
#define NIAN 0x5E74 /* 年 */

/* W: what may stand between a token's start and its first anchor. */
static bool in_w(uint32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '-' || is_space(c);
    return is_digit(c) || is_cn(c) || is_space(c) || c == DI || (c >= 0xFF21 && c <= 0xFF3A) ||
           c == 0xFF0D || (c >= 0x2010 && c <= 0x2015) || c == 0x2212;
}

/* The pattern's NOTAFTER: [A-Za-z0-9./-] and full-width digits. */
static bool blocks_start(uint32_t c)
{
    return (c < 0x80 && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '/' || c == '-')) ||
           (c >= 0xFF10 && c <= 0xFF19);
}

/* The character at p (p < n), its length in *len; NONE when invalid. */
static uint32_t char_at(const unsigned char *s, size_t p, size_t n, size_t *len)
{
    size_t l = rg_utf8_seqlen(s + p, n - p);
    *len = l ? l : 1;
    return l ? rg_utf8_decode(s + p, l) : NONE;
}

/* The character ending at p, its start in *start; NONE at 0 or when invalid. */
static uint32_t char_before(const unsigned char *s, size_t p, size_t *start)
{
    if (p == 0) {
        *start = 0;
        return NONE;
    }
    size_t q = p - 1;
    while (q > 0 && p - q < 4 && (s[q] & 0xC0) == 0x80)
        q--;
    *start = q;
    size_t l = rg_utf8_seqlen(s + q, p - q);
    return l == p - q ? rg_utf8_decode(s + q, l) : NONE;
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

/* The class of the alternatives that can start at p (character c), or -1 when
 * none can (the pattern's lookbehinds and line anchors, read off the text). */
static int may_start(const unsigned char *s, size_t n, size_t p, uint32_t c)
{
    size_t q;
    uint32_t prev = char_before(s, p, &q);
    bool line_start = p == 0 || s[p - 1] == '\n';
    if (c < 0x80 && c >= 'A' && c <= 'Z')
        return blocks_start(prev) ? -1 : RG_START_UPPER;
    if (c == DI)
        return blocks_start(prev) ? -1 : RG_START_DI;
    if (is_digit(c)) {
        /* a date may not follow a digit, a reference may not follow [A-Za-z0-9./-] */
        if (line_start || !is_digit(prev) || (c == '0' && cn_date_at(s, p, n)))
            return RG_START_DIGIT;
        return -1;
    }
    /* after 第 (or 第 and one space): 第 三九六(五) */
    size_t q2;
    bool after_di = prev == DI || (prev != NONE && is_space(prev) && char_before(s, q, &q2) == DI);
    if (is_cn(c))
        return line_start || after_di || cn_date_at(s, p, n) ? RG_START_CN : -1;
    if (is_space(c))
        return (line_start && (c == ' ' || c == '\t' || c == 0x3000)) || after_di ? RG_START_SPACE
                                                                               : -1;
    return -1; /* full-width letters, hyphens: only ever inside a token */
}

/* --- triggers ------------------------------------------------------------------ */

enum trig { TR_ANCHOR, TR_JUE, TR_LINK, TR_LINE };

/* Whether the bytes at p (p < n) are a trigger, and which. */
static bool trigger_at(const unsigned char *s, size_t p, size_t n, enum trig *kind)
{
    unsigned c = s[p];
    size_t left = n - p;
    switch (c) {
    case '/':
    case '(':
        *kind = TR_ANCHOR;
        return true;
    case '\n':
        *kind = TR_LINE;
        return true;
    case 'h':
        *kind = TR_LINK;
        return left >= 4 && !memcmp(s + p, "http", 4);
    case 0xEF: /* ／ （ */
        *kind = TR_ANCHOR;
        return left >= 3 && s[p + 1] == 0xBC && (s[p + 2] == 0x8F || s[p + 2] == 0x88);
    case 0xE5: /* 年, 决 */
        if (left < 3)
            return false;
        if (s[p + 1] == 0xB9 && s[p + 2] == 0xB4) {
            *kind = TR_ANCHOR;
            return true;
        }
        *kind = TR_JUE;
        return s[p + 1] == 0x86 && s[p + 2] == 0xB3;
    case 0xE6: /* 決 */
        *kind = TR_JUE;
        return left >= 3 && s[p + 1] == 0xB1 && s[p + 2] == 0xBA;
    default:
        return false;
    }
}

/* The first byte at or after p that may be a trigger (n when none). */
static size_t next_hit(const unsigned char *s, size_t p, size_t n)
{
#if defined(__SSE2__)
    const __m128i slash = _mm_set1_epi8('/'), paren = _mm_set1_epi8('('),
                  nl = _mm_set1_epi8('\n'), h = _mm_set1_epi8('h'), t = _mm_set1_epi8('t'),
                  ef = _mm_set1_epi8((char)0xEF), bc = _mm_set1_epi8((char)0xBC),
                  e5 = _mm_set1_epi8((char)0xE5), b9 = _mm_set1_epi8((char)0xB9),
                  x86 = _mm_set1_epi8((char)0x86), e6 = _mm_set1_epi8((char)0xE6),
                  b1 = _mm_set1_epi8((char)0xB1);
    for (; p + 17 <= n; p += 16) {
        __m128i a = _mm_loadu_si128((const __m128i *)(s + p));
        __m128i b = _mm_loadu_si128((const __m128i *)(s + p + 1));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, slash), _mm_cmpeq_epi8(a, paren)),
                                 _mm_cmpeq_epi8(a, nl));
        m = _mm_or_si128(m, _mm_and_si128(_mm_cmpeq_epi8(a, h), _mm_cmpeq_epi8(b, t)));
        m = _mm_or_si128(m, _mm_and_si128(_mm_cmpeq_epi8(a, ef), _mm_cmpeq_epi8(b, bc)));
        m = _mm_or_si128(m, _mm_and_si128(_mm_cmpeq_epi8(a, e5),
                                          _mm_or_si128(_mm_cmpeq_epi8(b, b9),
                                                       _mm_cmpeq_epi8(b, x86))));
        m = _mm_or_si128(m, _mm_and_si128(_mm_cmpeq_epi8(a, e6), _mm_cmpeq_epi8(b, b1)));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask)
            return p + (size_t)__builtin_ctz(mask);
    }
#endif
    for (; p < n; p++) {
        unsigned c = s[p];
        if (c == '/' || c == '(' || c == '\n' || c == 'h' || c == 0xEF || c == 0xE5 || c == 0xE6)
            return p;
    }
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

/* The start of the stretch of W characters ending at p, not before lo. */
static size_t stretch_before(const unsigned char *s, size_t p, size_t lo)
{
    while (p > lo) {
        size_t q;
        uint32_t c = char_before(s, p, &q);
        if (q < lo || c == NONE || !in_w(c))
            break;
        p = q;
    }
    return p;
}

/* --- public ------------------------------------------------------------------------ */

void rg_starts_init(rg_starts *st, const char *text, size_t len)
{
    memset(st, 0, sizeof *st);
    st->text = text;
    st->len = len;
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
    while (pos < n && (s[pos] & 0xC0) == 0x80)
        pos++; /* characters start at lead bytes */
    for (;;) {
        /* the stretch under way */
        for (size_t p = st->run > pos ? st->run : pos; p < st->run_end;) {
            size_t l;
            uint32_t c = char_at(s, p, n, &l);
            int k = c == NONE ? -1 : may_start(s, n, p, c);
            if (k >= 0) {
                st->run = p + l;
                *cls = (rg_start_class)k;
                return p;
            }
            p += l;
        }
        st->run = st->run_end = 0;
        /* the next trigger */
        size_t p = st->cursor > pos ? st->cursor : pos;
        enum trig kind = TR_ANCHOR;
        for (;;) {
            p = next_hit(s, p, n);
            if (p >= n) {
                st->cursor = n;
                return SIZE_MAX;
            }
            if (trigger_at(s, p, n, &kind))
                break;
            p++;
        }
        st->cursor = p + 1;
        switch (kind) {
        case TR_JUE:
            st->cursor = p + 3;
            *cls = RG_START_JUE;
            return p;
        case TR_LINK:
            *cls = RG_START_LINK;
            return p;
        case TR_ANCHOR:
            st->run = stretch_before(s, p, pos);
            st->run_end = p;
            break;
        case TR_LINE:
            if (p + 1 < n && footer_start(s, p + 1, n)) {
                size_t l;
                char_at(s, p + 1, n, &l);
                st->run = stretch_before(s, p + 1, pos);
                st->run_end = p + 1 + l;
            }
            break;
        }
    }
}
