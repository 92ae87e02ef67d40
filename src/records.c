/*
 * records.c - citation records as JSON Lines or TSV.
 *
 * One record per mention, in document order, with the same columns in both
 * formats.  Text from documents is escaped so that no surface can break a
 * line, a field or the JSON.  This file only formats; it finds nothing.
 */
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *const columns[] = {"doc",    "id",     "type",    "body", "date",
                                      "file",   "line",   "col",     "offset", "length",
                                      "surface", "form",  "list",    "para", "verb"};
#define NCOLUMNS (sizeof columns / sizeof *columns)

/* --- writing records -------------------------------------------------------------- */

/* The keys and values of type and form in JSON with the keys after them, each
 * in 32 bytes with its length in the last (zeros between): a record copies
 * all 32 and moves on by the length, in two moves and no test (what follows
 * is written over the bytes past it).  Index: what type_index(), form_index()
 * give; an entry of 32 bytes is found with a shift. */
#define PART_ROOM 32
static const struct {
    char s[PART_ROOM - 1];
    unsigned char n;
} json_types[] = {{",\"type\":\"resolution\",\"body\":", 28},
                  {",\"type\":\"decision\",\"body\":", 26},
                  {",\"type\":\"document\",\"body\":", 26}},
  json_forms[] = {{",\"form\":\"text\",\"list\":", 22},
                  {",\"form\":\"symbol\",\"list\":", 24},
                  {",\"form\":\"link\",\"list\":", 22}};

/* The same in TSV, with the tabs around them, in 16 bytes. */
#define TSV_PART_ROOM 16
static const struct {
    char s[TSV_PART_ROOM - 1];
    unsigned char n;
} tsv_types[] = {{"\tresolution\t", 12}, {"\tdecision\t", 10}, {"\tdocument\t", 10}},
  tsv_forms[] = {{"\ttext\t", 6}, {"\tsymbol\t", 8}, {"\tlink\t", 6}};

/* The tables are in the order of the enums' values, so that the value is the
 * index (one compare for a value out of range, where a chain of compares
 * took the three apart); any other value is a resolution, a text. */
_Static_assert(sizeof json_types[0] == PART_ROOM && sizeof json_forms[0] == PART_ROOM,
               "a part and its length in 32 bytes");
_Static_assert(sizeof tsv_types[0] == TSV_PART_ROOM && sizeof tsv_forms[0] == TSV_PART_ROOM,
               "a part and its length in 16 bytes");
_Static_assert(RG_RESOLUTION == 0 && RG_DECISION == 1 && RG_DOCUMENT == 2, "json_types' order");
_Static_assert(RG_FORM_TEXT == 0 && RG_FORM_SYMBOL == 1 && RG_FORM_LINK == 2, "json_forms' order");

static size_t type_index(rg_type t)
{
    return (unsigned)t <= RG_DOCUMENT ? (size_t)t : 0;
}

static size_t form_index(rg_form f)
{
    return (unsigned)f <= RG_FORM_LINK ? (size_t)f : 0;
}

/* The writers below write into room reserved beforehand: a string of n bytes
 * takes at most 6n + 4 bytes once escaped (\u001f, \ufffd for a byte of invalid
 * UTF-8, null). */
#define ESCAPED_MAX(n) (6 * (n) + 4)

/* JSON string with quotes (null for NULL); control characters as \uXXXX,
 * invalid UTF-8 as U+FFFD, U+2028 and U+2029 escaped (they break JavaScript
 * readers). */
#define ASCII_CLASSES                                                                         \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   \
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   \
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,   \
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
#define ROW(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x

/* How put_json() takes each byte: 0, as it is; 1, escaped; 2, the start of a
 * multi-byte character (or not: checked); 3, in text known to be valid, E2,
 * which may start U+2028 or U+2029 (escaped: they break JavaScript readers). */
static const unsigned char any_class[256] = {
    ASCII_CLASSES, ROW(2), ROW(2), ROW(2), ROW(2), ROW(2), ROW(2), ROW(2), ROW(2)};
static const unsigned char valid_class[256] = {
    ASCII_CLASSES, ROW(0), ROW(0), ROW(0), ROW(0), ROW(0), ROW(0),
    0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ROW(0)};

/* The bytes among the eight at p that put_json() must look at: a control
 * character, '"', '\\' or DEL, and E2 (valid text) or any byte of a
 * multi-byte character (other text).  0 when there is none; else
 * first_look() gives the first one's index.  With SSE2 the tests are one
 * instruction each, where the word-wide tests take four and a 64-bit
 * constant. */
#if defined(__SSE2__)
#include <emmintrin.h>

typedef unsigned look_bits; /* bit k for p[k] */

/* Bit k for each lane k of v that put_json() must look at. */
static unsigned look_mask(__m128i v, bool valid)
{
    /* control characters and '"': with bit 1 flipped, '"' (0x22) is ' '
     * (0x20) and a control character another, and no other byte is below
     * 0x21 unsigned (valid text) or signed (other text, where bytes from 0x80
     * are negative and wanted too) */
    __m128i q = _mm_xor_si128(v, _mm_set1_epi8(0x02));
    __m128i look = valid ? _mm_cmpeq_epi8(_mm_min_epu8(q, _mm_set1_epi8(0x20)), q)
                         : _mm_cmplt_epi8(q, _mm_set1_epi8(0x21));
    look = _mm_or_si128(look, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    look = _mm_or_si128(look, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
    if (valid)
        look = _mm_or_si128(look, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE2)));
    return (unsigned)_mm_movemask_epi8(look);
}

/* look_mask() of the eight bytes at p (the upper eight lanes, zeros, left out). */
static look_bits look_mask8(const unsigned char *p, bool valid)
{
    return look_mask(_mm_loadl_epi64((const __m128i *)p), valid) & 0xFF;
}

static size_t first_look(look_bits mask)
{
    return (size_t)__builtin_ctz(mask);
}

static bool needs_look(const unsigned char *p, bool valid)
{
    return look_mask8(p, valid) != 0;
}

#else
/* The mask: 0x80 in each byte looked at (byte k of the word for p[k]), and
 * maybe in bytes after the first such (a borrow may run on), never before
 * it. */
typedef uint64_t look_bits;

static look_bits look_mask8(const unsigned char *p, bool valid)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t w = 0;
    for (int k = 0; k < 8; k++) /* p[0] the lowest byte whatever the machine's order */
        w |= (uint64_t)p[k] << (8 * k);
#define HAS_ZERO(v) (((v) - ones) & ~(v) & highs)
    return ((w - 0x20 * ones) & ~w & highs) | HAS_ZERO(w ^ ('"' * ones)) |
           HAS_ZERO(w ^ ('\\' * ones)) | HAS_ZERO(w ^ (0x7F * ones)) |
           (valid ? HAS_ZERO(w ^ (0xE2 * ones)) : w & highs);
#undef HAS_ZERO
}

static size_t first_look(look_bits mask)
{
    size_t k = 0;
    while (!(mask & 0x80)) {
        mask >>= 8;
        k++;
    }
    return k;
}

static bool needs_look(const unsigned char *p, bool valid)
{
    return look_mask8(p, valid) != 0;
}

static bool needs_look_short(const unsigned char *p, size_t n)
{
    return needs_look(p, true) || needs_look(p + n - 8, true);
}

static bool needs_look_mid(const unsigned char *p, size_t n)
{
    return needs_look(p, true) || needs_look(p + 8, true) || needs_look(p + n - 16, true) ||
           needs_look(p + n - 8, true);
}
#endif

/* What put_json() writes for the byte at p[*i] of class k (not 0) and the
 * bytes of its character: an escape, U+FFFD for a byte of invalid UTF-8, or
 * the character as it is.  *i moves past them. */
static inline char *put_looked(char *o, const unsigned char *p, size_t *at, size_t n, unsigned k)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = *at;
    unsigned c = p[i];
    if (k >= 2) {
        size_t l = k == 3 ? (n - i >= 3 ? 3 : 1) : rg_utf8_seqlen(p + i, n - i);
        if (l == 0) {
            memcpy(o, "\\ufffd", 6);
            o += 6;
            i++;
        } else if (l == 3 && c == 0xE2 && p[i + 1] == 0x80 && (p[i + 2] & 0xFE) == 0xA8) {
            memcpy(o, p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
            o += 6;
            i += 3;
        } else {
            for (size_t e = i + l; i < e; i++)
                *o++ = (char)p[i];
        }
        *at = i;
        return o;
    }
    *o++ = '\\';
    switch (c) {
    case '"': *o++ = '"'; break;
    case '\\': *o++ = '\\'; break;
    case '\n': *o++ = 'n'; break;
    case '\r': *o++ = 'r'; break;
    case '\t': *o++ = 't'; break;
    default:
        memcpy(o, "u00", 3);
        o[3] = hex[c >> 4];
        o[4] = hex[c & 15];
        o += 5;
    }
    *at = i + 1;
    return o;
}

static char *put_json_any(char *o, const char *s, size_t n, bool valid)
{
    if (!s) {
        memcpy(o, "null", 4);
        return o + 4;
    }
    const unsigned char *cls = valid ? valid_class : any_class;
    const unsigned char *p = (const unsigned char *)s;
    *o++ = '"';
    /* Eight bytes at a time while none needs a look.  In a word that has one,
     * the bytes before the first such are copied (the whole word moved, o
     * moved on by their count), that one is taken, and the next word starts
     * after it: surfaces broken by line ends (第\n\n50/515 号) cost a test a
     * line end, not a byte loop over the words that hold them.  The last
     * bytes, fewer than eight, are tested as the string's last word when the
     * word before was copied as it is: the bytes both share are then written
     * again, unchanged; else they go byte by byte. */
    bool copied = false; /* the last eight bytes written are the input's */
    for (size_t i = 0; i < n;) {
        if (n - i >= 8) {
            look_bits look = look_mask8(p + i, valid);
            size_t k = look ? first_look(look) : 8;
            memcpy(o, p + i, 8);
            o += k;
            i += k;
            copied = k == 8;
            if (!copied)
                o = put_looked(o, p, &i, n, cls[p[i]]);
            continue;
        }
        if (copied && !needs_look(p + n - 8, valid)) {
            size_t rest = n - i;
            memcpy(o + rest - 8, p + n - 8, 8);
            o += rest;
            break;
        }
        copied = false;
        while (i < n) {
            unsigned k = cls[p[i]];
            if (k == 0)
                *o++ = (char)p[i++];
            else
                o = put_looked(o, p, &i, n, k);
        }
    }
    *o++ = '"';
    return o;
}

#if defined(__SSE2__)
/* Bit k for each lane k of v that holds a line end. */
static unsigned break_mask(__m128i v)
{
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                                                    _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
}

/* The string of n bytes (8 to 32) copied to t, with the line ends marked
 * (bit k of marks for the byte at k) escaped, at o, and with tsv the tabs
 * and backslashes marked too: the pieces between them are moved as 32 bytes,
 * the most a piece has (t has room to read them; the bytes past a piece are
 * written over by what follows). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline char *put_pieces(char *o, const unsigned char *t, size_t n, unsigned marks,
                               bool tsv)
{
    size_t at = 0;
    for (; marks; marks &= marks - 1) {
        size_t k = (size_t)__builtin_ctz(marks);
        memcpy(o, t + at, 32);
        o += k - at;
        o[0] = '\\';
        o[1] = t[k] == '\n' ? 'n' : !tsv || t[k] == '\r' ? 'r' : t[k] == '\t' ? 't' : '\\';
        o += 2;
        at = k + 1;
    }
    memcpy(o, t + at, 32);
    return o + n - at;
}

/* put_pieces() of the string of n bytes (8 to 16) whose first eight and last
 * eight v holds, bit k of marks for lane k. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline char *put_pieces_short(char *o, __m128i v, size_t n, unsigned marks, bool tsv)
{
    unsigned char t[64] = {0}; /* the string, and room to read 32 past any piece */
    _mm_storel_epi64((__m128i *)t, v);
    _mm_storel_epi64((__m128i *)(t + n - 8), _mm_unpackhi_epi64(v, v));
    return put_pieces(o, t, n, (marks & 0xFF) | (marks >> 8) << (n - 8), tsv);
}

/* The same for 17 to 32 bytes, the first sixteen in a and the last in b. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline char *put_pieces_mid(char *o, __m128i a, __m128i b, size_t n, unsigned ma,
                                   unsigned mb, bool tsv)
{
    unsigned char t[64] = {0}; /* as in put_pieces_short() */
    _mm_storeu_si128((__m128i *)t, a);
    _mm_storeu_si128((__m128i *)(t + n - 16), b);
    return put_pieces(o, t, n, ma | mb << (n - 16), tsv);
}

/* Surfaces broken across lines (第\n\n50/515 号, an eighth of them) are
 * mostly 8 to 32 bytes of valid text whose only bytes to look at are line
 * ends: these write them from the vectors put_json() tested, and the lanes it
 * found to look at, without put_json_any()'s loop.  NULL when a lane looked
 * at is not a line end.  For 8 to 16 bytes: v holds the first eight and the
 * last eight. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static char *put_breaks_short(char *o, __m128i v, size_t n, unsigned look)
{
    unsigned breaks = break_mask(v);
    if (look != breaks)
        return NULL;
    *o++ = '"';
    o = put_pieces_short(o, v, n, breaks, false);
    *o++ = '"';
    return o;
}

/* The same for 17 to 32 bytes, the first sixteen in a and the last in b. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static char *put_breaks_mid(char *o, __m128i a, __m128i b, size_t n, unsigned la, unsigned lb)
{
    unsigned ba = break_mask(a), bb = break_mask(b);
    if (la != ba || lb != bb)
        return NULL;
    *o++ = '"';
    o = put_pieces_mid(o, a, b, n, ba, bb, false);
    *o++ = '"';
    return o;
}
#endif

/* Ids and surfaces of valid text are mostly 8 to 32 bytes with nothing to
 * escape ("A/RES/36/103", "第 44/493 号", "https://undocs.org/ch/A/70/1"):
 * those take one test and two overlapping moves here, without the call and
 * the loop of put_json_any(). */
static inline char *put_json(char *o, const char *s, size_t n, bool valid)
{
    const unsigned char *p = (const unsigned char *)s;
#if defined(__SSE2__)
    if (valid && s && n >= 8 && n <= 16) {
        /* the first and last eight bytes, overlapping when n < 16 */
        __m128i v = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)p),
                                       _mm_loadl_epi64((const __m128i *)(p + n - 8)));
        unsigned look = look_mask(v, true);
        if (!look) {
            o[0] = '"';
            memcpy(o + 1, p, 8);
            memcpy(o + 1 + n - 8, p + n - 8, 8);
            o[n + 1] = '"';
            return o + n + 2;
        }
        char *e = put_breaks_short(o, v, n, look);
        if (e)
            return e;
    } else if (valid && s && n > 16 && n <= 32) {
        __m128i a = _mm_loadu_si128((const __m128i *)p),
                b = _mm_loadu_si128((const __m128i *)(p + n - 16));
        unsigned la = look_mask(a, true), lb = look_mask(b, true);
        if (!(la | lb)) {
            o[0] = '"';
            memcpy(o + 1, p, 16);
            memcpy(o + 1 + n - 16, p + n - 16, 16);
            o[n + 1] = '"';
            return o + n + 2;
        }
        char *e = put_breaks_mid(o, a, b, n, la, lb);
        if (e)
            return e;
    }
#else
    if (valid && s && n >= 8 && n <= 16 && !needs_look_short(p, n)) {
        o[0] = '"';
        memcpy(o + 1, p, 8);
        memcpy(o + 1 + n - 8, p + n - 8, 8);
        o[n + 1] = '"';
        return o + n + 2;
    }
    if (valid && s && n > 16 && n <= 32 && !needs_look_mid(p, n)) {
        o[0] = '"';
        memcpy(o + 1, p, 16);
        memcpy(o + 1 + n - 16, p + n - 16, 16);
        o[n + 1] = '"';
        return o + n + 2;
    }
#endif
    return put_json_any(o, s, n, valid);
}

#if defined(__SSE2__)
/* Bit k for each lane k of v that put_tsv() escapes. */
static unsigned tsv_mask(__m128i v)
{
    __m128i look = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')),
                                _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
    look = _mm_or_si128(look, _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
    look = _mm_or_si128(look, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    return (unsigned)_mm_movemask_epi8(look);
}

static bool tsv_look(__m128i v)
{
    return tsv_mask(v) != 0;
}

/* A field of 8 to 16 bytes with something to escape (a surface broken across
 * lines), its first eight and last eight in v: each byte tsv_mask() finds is
 * one to escape, so the pieces between them go as put_breaks_short() has
 * them, without put_tsv()'s loop over the bytes. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static char *put_tsv_short(char *o, __m128i v, size_t n)
{
    return put_pieces_short(o, v, n, tsv_mask(v), true);
}

/* The same for 17 to 32 bytes, the first sixteen in a and the last in b. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static char *put_tsv_mid(char *o, __m128i a, __m128i b, size_t n)
{
    return put_pieces_mid(o, a, b, n, tsv_mask(a), tsv_mask(b), true);
}
#endif

/* TSV field: tab, newline, carriage return and backslash escaped; NULL is empty. */
static char *put_tsv(char *o, const char *s, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    /* Blocks of sixteen bytes with nothing to escape are moved whole, and so
     * are the last bytes, as the string's last sixteen, when the block before
     * was (the bytes both share are written again, the same); a string of 8
     * to 15 bytes is tested as its first and last eight.  The rest goes byte
     * by byte from where this stopped. */
    if (s && n >= 16) {
        for (; n - i >= 16; i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
            if (tsv_look(v))
                break;
            _mm_storeu_si128((__m128i *)o, v);
            o += 16;
        }
        if (n - i < 16 && i < n) {
            __m128i v = _mm_loadu_si128((const __m128i *)(s + n - 16));
            if (!tsv_look(v)) {
                _mm_storeu_si128((__m128i *)(o + (n - i) - 16), v);
                return o + (n - i);
            }
        }
    } else if (s && n >= 8) {
        __m128i v = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)s),
                                       _mm_loadl_epi64((const __m128i *)(s + n - 8)));
        if (!tsv_look(v)) {
            memcpy(o, s, 8);
            memcpy(o + n - 8, s + n - 8, 8);
            return o + n;
        }
    }
#endif
    for (; s && i < n; i++) {
        char c = s[i];
        switch (c) {
        case '\t': memcpy(o, "\\t", 2); o += 2; break;
        case '\n': memcpy(o, "\\n", 2); o += 2; break;
        case '\r': memcpy(o, "\\r", 2); o += 2; break;
        case '\\': memcpy(o, "\\\\", 2); o += 2; break;
        default: *o++ = c;
        }
    }
    return o;
}

/* put_tsv() for the id and the surface, mostly 8 to 32 bytes: one test and
 * two moves, without the call and the loops. */
static inline char *put_tsv_field(char *o, const char *s, size_t n)
{
#if defined(__SSE2__)
    if (s && n >= 8 && n <= 16) {
        __m128i v = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)s),
                                       _mm_loadl_epi64((const __m128i *)(s + n - 8)));
        if (tsv_look(v))
            return put_tsv_short(o, v, n);
        memcpy(o, s, 8);
        memcpy(o + n - 8, s + n - 8, 8);
        return o + n;
    }
    if (s && n > 16 && n <= 32) {
        __m128i a = _mm_loadu_si128((const __m128i *)s),
                b = _mm_loadu_si128((const __m128i *)(s + n - 16));
        if (tsv_mask(a) | tsv_mask(b))
            return put_tsv_mid(o, a, b, n);
        _mm_storeu_si128((__m128i *)o, a);
        _mm_storeu_si128((__m128i *)(o + n - 16), b);
        return o + n;
    }
#endif
    return put_tsv(o, s, n);
}

/* Most strings of a record are short (the body, the date, the paragraph's
 * label and verb, often the document's id): up to 16 bytes they are copied
 * with two overlapping moves in place of a call to memcpy(); with n known at
 * compile time, all this folds to the moves. */
static inline char *put_lit(char *o, const char *s, size_t n)
{
    if (n >= 8 && n <= 16) {
        memcpy(o, s, 8);
        memcpy(o + n - 8, s + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(o, s, 4);
        memcpy(o + n - 4, s + n - 4, 4);
    } else if (n > 0 && n < 4) {
        o[0] = s[0];
        o[n / 2] = s[n / 2];
        o[n - 1] = s[n - 1];
    } else if (n > 16) {
        memcpy(o, s, n);
    }
    return o + n;
}
#define PUT(o, lit) put_lit(o, lit, sizeof lit - 1)

/* The parts of a record made by rg_record_doc_init(), mostly 16 to 64 bytes
 * ({"doc":"A/71/49","id":): up to 64 they are moved as 64, in four moves and
 * no test of the length (rg_record_doc_init() leaves room to read them so). */
#define DOC_PART_ROOM 64
static inline char *put_part(char *o, const char *s, size_t n)
{
    if (n <= DOC_PART_ROOM) {
        memcpy(o, s, DOC_PART_ROOM);
        return o + n;
    }
    memcpy(o, s, n);
    return o + n;
}

/* put_part() for the doc part, which a document's symbol mostly keeps to 32
 * bytes ({"doc":"A/C.1/74/L.4","id":, 28): those take two moves. */
static inline char *put_doc_part(char *o, const char *s, size_t n)
{
    if (n <= 32) {
        memcpy(o, s, 32);
        return o + n;
    }
    return put_part(o, s, n);
}

/* A JSON string of the library's own words, which need no escaping; NULL is null. */
static inline char *put_own(char *o, const char *s, size_t n)
{
    if (!s)
        return PUT(o, "null");
    *o++ = '"';
    o = put_lit(o, s, n);
    *o++ = '"';
    return o;
}

/* put_lit() for the body, the paragraph's label and the verb, which are mostly
 * of 2 or 3 bytes (GA, HRC, O1, P12) or of 4 to 7 (ECOSOC, 回顾): those sizes
 * are tested first, and 2 or 3 bytes take two moves, where put_lit() tests for
 * 8 to 16 and 4 to 7 bytes first and moves 1 to 3 as three. */
static inline char *put_word_bytes(char *o, const char *s, size_t n)
{
    if (n - 2 <= 1) {
        memcpy(o, s, 2);
        o[n - 1] = s[n - 1];
        return o + n;
    }
    if (n - 4 <= 3) {
        memcpy(o, s, 4);
        memcpy(o + n - 4, s + n - 4, 4);
        return o + n;
    }
    return put_lit(o, s, n);
}

/* put_own() of put_word_bytes(). */
static inline char *put_word(char *o, const char *s, size_t n)
{
    if (!s)
        return PUT(o, "null");
    *o++ = '"';
    o = put_word_bytes(o, s, n);
    *o++ = '"';
    return o;
}

/* The eight decimal digits of u < 100000000, most significant first, as the
 * bytes of a word in memory order (digit values 0..9, not yet characters):
 * the number is split into halves of four digits, each half into pairs and
 * each pair into digits, all lanes of a step by one multiplication (the
 * divisions by 100 and 10 as multiplications and shifts that are exact for
 * the lanes' ranges: n / 100 == n * 5243 >> 19 for n < 10000, n / 10 ==
 * n * 103 >> 10 for n < 100).  About twenty instructions for any count of
 * digits, where the pairs one by one took some fifteen a pair. */
static inline uint64_t dec8_digits(uint32_t u)
{
    uint64_t halves = u / 10000 | (uint64_t)(u % 10000) << 32;      /* 2 lanes of 32 bits */
    uint64_t hundreds = (halves * 5243 >> 19) & 0x0000007F0000007Fu; /* each half / 100 */
    uint64_t pairs = hundreds | (halves - hundreds * 100) << 16;    /* 4 lanes of 16 bits */
    uint64_t tens = (pairs * 103 >> 10) & 0x000F000F000F000Fu;      /* each pair / 10 */
    return tens | (pairs - tens * 10) << 8;                         /* 8 lanes of 8 bits */
}

/* The count of leading zero digits in a word of dec8_digits() that is not 0. */
static inline unsigned dec8_zeros(uint64_t d)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(d) / 8; /* the first digit is the lowest byte */
#else
    unsigned z = 0;
    while (!(d & 0xFF)) {
        d >>= 8;
        z++;
    }
    return z;
#endif
}

/* rg_dec3: each number's digits from the first, by constant expressions */
#define DEC3(v)                                                                                    \
    {(char)('0' + ((v) >= 100 ? (v) / 100 : (v) >= 10 ? (v) / 10 : (v))),                         \
     (char)((v) >= 100 ? '0' + (v) / 10 % 10 : (v) >= 10 ? '0' + (v) % 10 : 0),                   \
     (char)((v) >= 100 ? '0' + (v) % 10 : 0), (char)((v) >= 100 ? 3 : (v) >= 10 ? 2 : 1)}
#define DEC3_10(v)                                                                                 \
    DEC3(v), DEC3(v + 1), DEC3(v + 2), DEC3(v + 3), DEC3(v + 4), DEC3(v + 5), DEC3(v + 6),         \
        DEC3(v + 7), DEC3(v + 8), DEC3(v + 9)
#define DEC3_100(v)                                                                                \
    DEC3_10(v), DEC3_10(v + 10), DEC3_10(v + 20), DEC3_10(v + 30), DEC3_10(v + 40),                \
        DEC3_10(v + 50), DEC3_10(v + 60), DEC3_10(v + 70), DEC3_10(v + 80), DEC3_10(v + 90)
const char rg_dec3[1000][4] = {DEC3_100(0),   DEC3_100(100), DEC3_100(200), DEC3_100(300),
                               DEC3_100(400), DEC3_100(500), DEC3_100(600), DEC3_100(700),
                               DEC3_100(800), DEC3_100(900)};
#undef DEC3_100
#undef DEC3_10
#undef DEC3

/* Inlined in each place (GCC would otherwise call it from the record's
 * writer once that grows), the long numbers apart. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline char *put_num(char *o, size_t v)
{
    if (v < 10000) /* lengths, columns, list numbers */
        return rg_put_dec4(o, (unsigned)v);
    if (v < 100000000) {
        /* offsets and lines: all eight digits made at once, then moved as one
         * word without the leading zeros (the bytes after the number, zeros,
         * are written over by what follows; the room is reserved) */
        uint64_t d = dec8_digits((uint32_t)v);
        unsigned z = dec8_zeros(d);
        uint64_t chars = (d + 0x3030303030303030u) >> (8 * z);
        unsigned char w[8];
        for (int k = 0; k < 8; k++) /* in memory order whatever the machine's */
            w[k] = (unsigned char)(chars >> (8 * k));
        memcpy(o, w, 8);
        return o + 8 - z;
    }
    return rg_put_dec(o, v); /* (out of line) */
}

/* An offset, a line or a list number from 10000 to 99999999 as its digits
 * above the last four, kept as those of the record before (the records of a
 * segment are mostly less than 10000 bytes, lines and lists apart, and
 * segments are written in order), then the last four as two pairs: about
 * half the instructions of making all eight.  The number's distance from the
 * kept ten thousands is its last four when below 10000, without a division.
 * For the line and the list, this is in place of a memo of the whole number,
 * whose test (the line is the last record's about every other record, the
 * list in four of five) went with the text. */
typedef struct high_memo {
    size_t base; /* the number's ten thousands (hi * 10000), or 0 for none yet */
    char s[4];   /* the digits of hi (it is below 10000) */
    size_t n;
} high_memo;
static _Thread_local high_memo last_offset, last_line, last_list;

static inline char *put_high(char *o, high_memo *k, size_t v)
{
    if (v < 10000 || v >= 100000000)
        return put_num(o, v);
    size_t lo = v - k->base; /* (huge below it) */
    if (lo >= 10000) {
        size_t hi = v / 10000;
        k->n = (size_t)(rg_put_dec4(k->s, (unsigned)hi) - k->s);
        k->base = hi * 10000;
        lo = v - k->base;
    }
    unsigned lh = (unsigned)lo / 100;
    memcpy(o, k->s, 4);
    o += k->n;
    memcpy(o, rg_dec_pairs + 2 * lh, 2);
    memcpy(o + 2, rg_dec_pairs + 2 * ((unsigned)lo - lh * 100), 2);
    return o + 4;
}

static size_t len_of(const char *s)
{
    return s ? strlen(s) : 0;
}

/* The parts of a record that are the same for all of a document's records
 * are made once: in JSON, {"doc":<id>,"id": and ,"file":<file>,"line":, the
 * keys about them included; in TSV, the id and a tab, and a tab, the file and
 * a tab. */
bool rg_record_doc_init(rg_record_doc *h, rg_record_format fmt, const char *doc, const char *file)
{
    memset(h, 0, sizeof *h);
    h->fmt = fmt;
    size_t dn = len_of(doc), fn = len_of(file);
    /* room for zeros after the parts, so that put_part() reads DOC_PART_ROOM
     * bytes (not calloc(), which glibc serves the slow way for small blocks) */
    h->doc = malloc(ESCAPED_MAX(dn) + ESCAPED_MAX(fn) + 32 + DOC_PART_ROOM);
    if (!h->doc)
        return false;
    char *e = h->doc;
    if (fmt == RG_RECORDS_JSONL) {
        e = PUT(e, "{\"doc\":");
        e = put_json_any(e, doc, dn, false);
        e = PUT(e, ",\"id\":");
        h->doc_len = (size_t)(e - h->doc);
        h->file = e;
        e = PUT(e, ",\"file\":");
        e = put_json_any(e, file, fn, false);
        e = PUT(e, ",\"line\":");
    } else {
        e = put_tsv(e, doc, dn);
        *e++ = '\t';
        h->doc_len = (size_t)(e - h->doc);
        h->file = e;
        *e++ = '\t';
        e = put_tsv(e, file, fn);
        *e++ = '\t';
    }
    h->file_len = (size_t)(e - h->file);
    memset(e, 0, DOC_PART_ROOM); /* the doc part is followed by the file part */
    return true;
}

void rg_record_doc_free(rg_record_doc *h)
{
    free(h->doc);
    memset(h, 0, sizeof *h);
}

/* A record in JSON at o; the place after it.  Inlined twice, for valid text
 * and for other, so that the tests of `valid` fold away. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline char *json_record(char *o, const rg_record_doc *h, const rg_record_src *r,
                                bool valid)
{
    o = put_doc_part(o, h->doc, h->doc_len); /* {"doc":...,"id": */
    o = put_json(o, r->id, r->id_len, valid);
    size_t ti = type_index(r->type);
    memcpy(o, &json_types[ti], PART_ROOM); /* ,"type":"...","body": */
    o += json_types[ti].n;
    /* the body, the date, the paragraph's label and verb are the library's
     * own words (names, digits, labels, the verbs of paragraphs.c) */
    o = put_word(o, r->body, r->body_len);
    o = PUT(o, ",\"date\":");
    o = put_own(o, r->date, r->date_len);
    o = put_part(o, h->file, h->file_len); /* ,"file":...,"line": */
    o = put_high(o, &last_line, r->line);
    o = PUT(o, ",\"col\":");
    o = put_num(o, r->col);
    o = PUT(o, ",\"offset\":");
    o = put_high(o, &last_offset, r->offset);
    o = PUT(o, ",\"length\":");
    o = put_num(o, r->length);
    o = PUT(o, ",\"surface\":");
    o = put_json(o, r->surface, r->surface_len, valid);
    size_t fi = form_index(r->form);
    memcpy(o, &json_forms[fi], PART_ROOM); /* ,"form":"...","list": */
    o += json_forms[fi].n;
    o = put_high(o, &last_list, r->list);
    o = PUT(o, ",\"para\":");
    o = put_word(o, r->para, r->para_len);
    o = PUT(o, ",\"verb\":");
    o = put_word(o, r->verb, r->verb_len);
    o = PUT(o, "}\n");
    return o;
}

/* A record in TSV at o; the place after it. */
static char *tsv_record(char *o, const rg_record_doc *h, const rg_record_src *r)
{
    o = put_doc_part(o, h->doc, h->doc_len); /* with its tab */
    o = put_tsv_field(o, r->id, r->id_len);
    size_t ti = type_index(r->type);
    memcpy(o, &tsv_types[ti], TSV_PART_ROOM); /* with its tabs */
    o += tsv_types[ti].n;
    o = put_word_bytes(o, r->body, r->body_len); /* the library's own words, as in JSON */
    *o++ = '\t';
    o = put_lit(o, r->date, r->date_len);
    o = put_part(o, h->file, h->file_len); /* with its tabs */
    o = put_high(o, &last_line, r->line);
    *o++ = '\t';
    o = put_num(o, r->col);
    *o++ = '\t';
    o = put_high(o, &last_offset, r->offset);
    *o++ = '\t';
    o = put_num(o, r->length);
    *o++ = '\t';
    o = put_tsv_field(o, r->surface, r->surface_len);
    size_t fi = form_index(r->form);
    memcpy(o, &tsv_forms[fi], TSV_PART_ROOM);
    o += tsv_forms[fi].n;
    o = put_high(o, &last_list, r->list);
    *o++ = '\t';
    o = put_word_bytes(o, r->para, r->para_len);
    *o++ = '\t';
    o = put_word_bytes(o, r->verb, r->verb_len);
    *o++ = '\n';
    return o;
}

/* rg_grow() of b for need bytes more, out of the way of the records' writer
 * (inlined, it had GCC split the writer in two, with a call between);
 * false, and b failed, when b has failed or the memory is not there. */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static bool make_room(rg_buf *b, size_t need)
{
    if (b->failed || !rg_grow(&b->data, &b->cap, b->len + need, 1)) {
        b->failed = true;
        return false;
    }
    return true;
}

void rg_record_append(rg_buf *b, const rg_record_doc *h, const rg_record_src *r, size_t n,
                      size_t stride, bool valid)
{
    if (b->failed || n == 0)
        return;
    /* room for the keys and numbers, and for what put_part() and the moves of
     * type and form write past their ends; the body, the date, the label and
     * the verb go as they are, and their lengths fit in a byte: the room for
     * the most they can be is a constant, where their sum took eight
     * instructions.  The NUL after the last record is the 1. */
    const size_t fixed = 320 + DOC_PART_ROOM + 4 * UINT8_MAX + h->doc_len + h->file_len + 1;
    if (!b->data && !make_room(b, fixed + ESCAPED_MAX((size_t)r->id_len + r->surface_len)))
        return;
    /* all of a segment's records in one loop, with the place to write in a
     * local: a call and a test of b a record took some thirty instructions */
    char *o = b->data + b->len, *end = b->data + b->cap;
    for (size_t i = 0; i < n; i++, r = (const rg_record_src *)((const char *)r + stride)) {
        size_t need = fixed + ESCAPED_MAX((size_t)r->id_len + r->surface_len);
        if ((size_t)(end - o) < need) { /* mostly the room is there: no call */
            b->len = (size_t)(o - b->data);
            if (!make_room(b, need))
                return;
            o = b->data + b->len;
            end = b->data + b->cap;
        }
        if (h->fmt != RG_RECORDS_JSONL)
            o = tsv_record(o, h, r);
        else if (valid)
            o = json_record(o, h, r, true);
        else
            o = json_record(o, h, r, false);
    }
    b->len = (size_t)(o - b->data);
    *o = '\0';
}

/* The record source of a mention kept by its document: its strings measured.
 * The library's own words (body, date, label, verb) are short. */
static rg_record_src record_src(const rg_mention *m)
{
    size_t idn = len_of(m->id), surfn = len_of(m->surface);
    return (rg_record_src){.id = m->id,
                           .body = m->body,
                           .date = m->date,
                           .surface = m->surface,
                           .para = m->para,
                           .verb = m->verb,
                           .offset = m->offset,
                           .length = m->length,
                           .line = m->line,
                           .col = m->col,
                           .list = m->list,
                           .id_len = (uint32_t)idn,
                           .surface_len = (uint32_t)surfn,
                           .type = (uint8_t)m->type,
                           .form = (uint8_t)m->form,
                           .body_len = (uint8_t)len_of(m->body),
                           .date_len = (uint8_t)len_of(m->date),
                           .para_len = (uint8_t)len_of(m->para),
                           .verb_len = (uint8_t)len_of(m->verb)};
}

rg_status rg_records_begin(FILE *out, rg_record_format fmt, rg_error *err)
{
    if (fmt != RG_RECORDS_TSV)
        return RG_OK;
    for (size_t i = 0; i < NCOLUMNS; i++) {
        fputs(columns[i], out);
        fputc(i + 1 < NCOLUMNS ? '\t' : '\n', out);
    }
    if (ferror(out))
        return rg_write_failed(err, "records");
    return RG_OK;
}

/* Records from this many bytes on go out from where they are: stdio copies
 * into its buffer what is left past the whole buffers it writes directly (a
 * streamed document's records come a megabyte at a time). */
#define PUT_DIRECT (64u << 10)

rg_status rg_records_put(FILE *out, const char *data, size_t len, rg_error *err)
{
    if (len >= PUT_DIRECT)
        return rg_records_put_many(out, &data, &len, 1, err);
    if (len && fwrite(data, 1, len, out) != len)
        return rg_write_failed(err, "records");
    return RG_OK;
}

/* Buffers at a time in one writev(): POSIX promises 16 (IOV_MAX, at least). */
#define PUT_MANY 16

rg_status rg_records_put_many(FILE *out, const char *const *records, const size_t *len, size_t n,
                              rg_error *err)
{
    int fd = fileno(out);
    if (fflush(out) != 0 || fd < 0)
        return rg_write_failed(err, "records");
    struct iovec v[PUT_MANY];
    size_t next = 0, nv = 0; /* the buffers next to go in v; v's count */
    for (;;) {
        for (; nv < PUT_MANY && next < n; next++)
            if (len[next])
                v[nv++] = (struct iovec){.iov_base = (char *)records[next], .iov_len = len[next]};
        if (!nv)
            return RG_OK;
        ssize_t w = writev(fd, v, (int)nv);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return rg_write_failed(err, "records");
        /* what was written leaves v; a buffer written in part keeps its rest */
        size_t done = (size_t)w, k = 0;
        for (; k < nv && done >= v[k].iov_len; k++)
            done -= v[k].iov_len;
        if (k < nv) {
            v[k].iov_base = (char *)v[k].iov_base + done;
            v[k].iov_len -= done;
        }
        memmove(v, v + k, (nv - k) * sizeof *v);
        nv -= k;
    }
}

rg_status rg_records_write(FILE *out, rg_record_format fmt, const rg_doc *doc, rg_error *err)
{
    size_t have;
    const char *ready = rg_doc_records(doc, &have);
    if (ready && rg_doc_records_format(doc) == (int)fmt)
        return rg_records_put(out, ready, have, err);
    if (rg_doc_records_format(doc) >= 0) /* its mentions went into those records */
        return rg_fail(err, RG_EUSAGE, "%s: read with its records in the other format",
                       rg_doc_file(doc));
    rg_record_doc h;
    if (!rg_record_doc_init(&h, fmt, rg_doc_id(doc), rg_doc_file(doc)))
        return rg_fail(err, RG_ENOMEM, "out of memory writing records");
    rg_buf b = {0};
    rg_status st = RG_OK;
    for (size_t i = 0; i < rg_doc_mention_count(doc) && st == RG_OK; i++) {
        rg_record_src r = record_src(rg_doc_mention(doc, i));
        rg_record_append(&b, &h, &r, 1, sizeof r, false);
        if (b.failed)
            st = rg_fail(err, RG_ENOMEM, "out of memory writing records");
        else if (b.len > 60000) {
            st = rg_records_put(out, b.data, b.len, err);
            b.len = 0;
        }
    }
    if (st == RG_OK)
        st = rg_records_put(out, b.data, b.len, err);
    rg_buf_free(&b);
    rg_record_doc_free(&h);
    return st;
}

/* --- reading citations files ------------------------------------------------------- */

typedef struct jp {
    char *p, *end;
    const char *name;
    size_t line;
    const char *start; /* of the line, for columns in messages */
} jp;

static void ws(jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r'))
        j->p++;
}

static rg_status bad(jp *j, rg_error *err, const char *what)
{
    return rg_fail(err, RG_EINPUT, "%s:%zu:%zu: %s", j->name, j->line,
                   (size_t)(j->p - j->start) + 1, what);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static size_t put_utf8(char *o, uint32_t c)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char)(0xC0 | (c >> 6));
        o[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | (c >> 12));
        o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (c >> 18));
    o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    o[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

static bool read_u4(jp *j, uint32_t *v)
{
    if (j->end - j->p < 4)
        return false;
    uint32_t x = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(j->p[i]);
        if (h < 0)
            return false;
        x = x * 16 + (uint32_t)h;
    }
    j->p += 4;
    *v = x;
    return true;
}

/* A JSON string at j->p (after its opening quote), decoded in place and
 * NUL-terminated; *out points to it. */
static rg_status string(jp *j, char **out, rg_error *err)
{
    *out = j->p;
    /* most strings hold no escape: nothing to move */
    while (j->p < j->end && *j->p != '"' && *j->p != '\\' && (unsigned char)*j->p >= 0x20)
        j->p++;
    char *o = j->p;
    while (j->p < j->end) {
        char c = *j->p;
        if (c == '"') {
            j->p++;
            *o = '\0';
            return RG_OK;
        }
        if ((unsigned char)c < 0x20)
            return bad(j, err, "control character inside a string");
        if (c != '\\') {
            *o++ = c;
            j->p++;
            continue;
        }
        j->p++;
        if (j->p >= j->end)
            break;
        char e = *j->p++;
        switch (e) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            uint32_t u;
            if (!read_u4(j, &u))
                return bad(j, err, "bad \\u escape");
            if (u >= 0xD800 && u <= 0xDBFF && j->end - j->p >= 6 && j->p[0] == '\\' &&
                j->p[1] == 'u') {
                uint32_t lo;
                j->p += 2;
                if (!read_u4(j, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    return bad(j, err, "bad surrogate pair");
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            } else if (u >= 0xD800 && u <= 0xDFFF) {
                u = 0xFFFD;
            }
            o += put_utf8(o, u);
            break;
        }
        default:
            return bad(j, err, "bad escape in a string");
        }
    }
    return bad(j, err, "the record ends inside a string");
}

/* An object member's name and its colon: "name" : */
static rg_status member_name(jp *j, char **name, rg_error *err)
{
    ws(j);
    if (j->p >= j->end || *j->p != '"')
        return bad(j, err, "field name expected");
    j->p++;
    rg_status st = string(j, name, err);
    if (st)
        return st;
    ws(j);
    if (j->p >= j->end || *j->p != ':')
        return bad(j, err, "':' expected");
    j->p++;
    return RG_OK;
}

/* Skips any JSON value (for fields resgraph does not use). */
static rg_status skip_value(jp *j, rg_error *err, int depth)
{
    ws(j);
    if (j->p >= j->end)
        return bad(j, err, "value expected");
    if (depth > 64)
        return bad(j, err, "values nested too deeply");
    char c = *j->p;
    if (c == '"') {
        j->p++;
        char *s;
        return string(j, &s, err);
    }
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        j->p++;
        ws(j);
        if (j->p < j->end && *j->p == close) {
            j->p++;
            return RG_OK;
        }
        for (;;) {
            char *k;
            rg_status st = c == '{' ? member_name(j, &k, err) : RG_OK;
            if (st == RG_OK)
                st = skip_value(j, err, depth + 1);
            if (st)
                return st;
            ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == close) {
                j->p++;
                return RG_OK;
            }
            return bad(j, err, "',' or a closing bracket expected");
        }
    }
    /* number, true, false, null */
    char *s = j->p;
    while (j->p < j->end && (strchr("+-.eE", *j->p) || (*j->p >= '0' && *j->p <= '9') ||
                             (*j->p >= 'a' && *j->p <= 'z')))
        j->p++;
    if (j->p == s)
        return bad(j, err, "value expected");
    return RG_OK;
}

/* The fields resgraph reads: strings first, then whole numbers. */
static const char *const fields[] = {"doc",  "id",   "type", "body", "date", "surface", "file",
                                     "para", "verb", "kind", "form", "line", "col",  "offset",
                                     "list"};
#define NSTRING 11

/* The index of key in fields, or -1: one comparison, chosen by the first letter. */
static int field_of(const char *key)
{
    int i;
    switch (key[0]) {
    case 'd': i = key[1] == 'o' ? 0 : 4; break;
    case 'i': i = 1; break;
    case 't': i = 2; break;
    case 'b': i = 3; break;
    case 's': i = 5; break;
    case 'f': i = key[1] == 'i' ? 6 : 10; break;
    case 'p': i = 7; break;
    case 'v': i = 8; break;
    case 'k': i = 9; break;
    case 'l': i = key[1] == 'i' && key[2] == 'n' ? 11 : 14; break;
    case 'c': i = 12; break;
    case 'o': i = 13; break;
    default: return -1;
    }
    return strcmp(key, fields[i]) == 0 ? i : -1;
}

/* Parses one line holding one JSON object into c. */
static rg_status parse_record(jp *j, rg_citation *c, rg_error *err)
{
    const char **strs[] = {&c->doc,  &c->id,   &c->type, &c->body, &c->date, &c->surface,
                           &c->file, &c->para, &c->verb, &c->kind, &c->form};
    long *nums[] = {&c->line, &c->col, &c->offset, &c->list};
    memset(c, 0, sizeof *c);
    c->line = c->col = c->offset = c->list = -1;
    ws(j);
    if (j->p >= j->end || *j->p != '{')
        return bad(j, err, "not a JSON object");
    j->p++;
    ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
    } else {
        for (;;) {
            ws(j);
            if (j->p >= j->end)
                return bad(j, err, "the record ends early (truncated?)");
            char *key;
            rg_status st = member_name(j, &key, err);
            if (st)
                return st;
            ws(j);
            int f = field_of(key);
            bool done = f >= 0;
            if (f >= 0 && f < NSTRING) {
                if (j->end - j->p >= 4 && !memcmp(j->p, "null", 4)) {
                    j->p += 4;
                } else if (j->p < j->end && *j->p == '"') {
                    j->p++;
                    char *v;
                    if ((st = string(j, &v, err)))
                        return st;
                    *strs[f] = v;
                } else {
                    char msg[96];
                    snprintf(msg, sizeof msg, "field \"%s\" must be a string", fields[f]);
                    return bad(j, err, msg);
                }
            } else if (f >= NSTRING) {
                if (j->end - j->p >= 4 && !memcmp(j->p, "null", 4)) {
                    j->p += 4;
                } else {
                    long v = 0;
                    char *s0 = j->p;
                    while (j->p < j->end && *j->p >= '0' && *j->p <= '9' && v < 1000000000000L)
                        v = v * 10 + (*j->p++ - '0');
                    if (j->p == s0 || (j->p < j->end && strchr(".eE-+0123456789", *j->p))) {
                        char msg[96];
                        j->p = s0;
                        snprintf(msg, sizeof msg, "field \"%s\" must be a whole number",
                                 fields[f]);
                        return bad(j, err, msg);
                    }
                    *nums[f - NSTRING] = v;
                }
            }
            if (!done && (st = skip_value(j, err, 0)))
                return st;
            ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == '}') {
                j->p++;
                break;
            }
            if (j->p >= j->end)
                return bad(j, err, "the record ends early (truncated?)");
            return bad(j, err, "',' or '}' expected");
        }
    }
    ws(j);
    if (j->p < j->end)
        return bad(j, err, "text after the record");
    if (!c->doc || !*c->doc)
        return bad(j, err, "record without \"doc\" (the citing document)");
    if (!c->id || !*c->id)
        return bad(j, err, "record without \"id\" (the cited item)");
    if (c->kind && strcmp(c->kind, "cites") && strcmp(c->kind, "succeeds"))
        return bad(j, err, "field \"kind\" must be \"cites\" or \"succeeds\"");
    return RG_OK;
}

/* The reader runs a step ahead of the caller, in a thread of its own: while the
 * caller builds from one batch of records, the next is read and parsed.  The
 * records reach the caller in file order, and an error in the file after all
 * the records before it. */
#define BATCH_BYTES ((size_t)1 << 20)
#define QUEUE 2

typedef struct cbatch {
    char *buf; /* the lines, decoded in place; the records point into it */
    rg_citation *recs;
    size_t n, cap;
    rg_status st; /* RG_OK, or what ends the file after these records */
    rg_error err;
} cbatch;

typedef struct creader {
    FILE *in;
    const char *name;
    rg_citation_fn fn;
    void *ctx;
    rg_status st; /* the caller's side: the first failure */
    rg_error *err;
    bool threaded, stop, nomem;
    cbatch *queue[QUEUE];
    size_t head, count;
    pthread_mutex_t lock;
    pthread_cond_t changed;
} creader;

static void cbatch_free(cbatch *b)
{
    if (b) {
        free(b->buf);
        free(b->recs);
        free(b);
    }
}

/* The caller's side: fn on each record of b, then b's own ending. */
static bool consume(creader *r, cbatch *b)
{
    for (size_t i = 0; i < b->n && r->st == RG_OK; i++)
        r->st = r->fn(r->ctx, &b->recs[i], r->err);
    if (r->st == RG_OK && b->st != RG_OK) {
        r->st = b->st;
        *r->err = b->err;
    }
    bool more = r->st == RG_OK;
    cbatch_free(b);
    return more;
}

/* The reader's side: hands b over; false when the caller wants no more. */
static bool deliver(creader *r, cbatch *b)
{
    if (!r->threaded)
        return consume(r, b);
    pthread_mutex_lock(&r->lock);
    while (r->count == QUEUE && !r->stop)
        pthread_cond_wait(&r->changed, &r->lock);
    bool stop = r->stop;
    if (!stop) {
        r->queue[(r->head + r->count) % QUEUE] = b;
        r->count++;
        pthread_cond_broadcast(&r->changed);
    }
    pthread_mutex_unlock(&r->lock);
    if (stop)
        cbatch_free(b);
    return !stop;
}

static cbatch *new_batch(size_t bytes)
{
    cbatch *b = calloc(1, sizeof *b);
    if (b && !(b->buf = malloc(bytes))) {
        free(b);
        b = NULL;
    }
    return b;
}

/* Reads and parses the whole file, batch by batch; the last batch carries the
 * file's ending (RG_OK at its end, or the error). */
static void produce(creader *r)
{
    size_t cap = BATCH_BYTES, have = 0, lineno = 0;
    cbatch *b = new_batch(cap);
    rg_error err = {0};
    rg_status st = b ? RG_OK : rg_fail(&err, RG_ENOMEM, "out of memory");
    bool eof = false;
    while (st == RG_OK && !eof) {
        if (have == cap) { /* one line longer than the buffer: no record points into it */
            char *nb = realloc(b->buf, cap * 2);
            if (!nb) {
                st = rg_fail(&err, RG_ENOMEM, "%s:%zu: out of memory (a line of %zu bytes)",
                             r->name, lineno + 1, have);
                break;
            }
            b->buf = nb;
            cap *= 2;
        }
        size_t got = fread(b->buf + have, 1, cap - have, r->in);
        if (got == 0) {
            if (ferror(r->in)) {
                st = rg_fail(&err, RG_EINPUT, "%s: cannot read: %s", r->name, strerror(errno));
                break;
            }
            eof = true;
        }
        have += got;
        char *p = b->buf, *end = b->buf + have;
        for (;;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl && !(eof && p < end))
                break;
            char *le = nl ? nl : end;
            lineno++;
            jp j = {p, le, r->name, lineno, p};
            ws(&j);
            if (j.p < le) {
                if (!rg_grow(&b->recs, &b->cap, b->n + 1, sizeof *b->recs)) {
                    st = rg_fail(&err, RG_ENOMEM, "out of memory");
                    break;
                }
                st = parse_record(&j, &b->recs[b->n], &err);
                if (st != RG_OK) {
                    if (!nl)
                        rg_fail(&err, RG_EINPUT, "%s:%zu: the last record is cut short "
                                                 "(the file ends without a newline inside it)",
                                r->name, lineno);
                    break;
                }
                b->n++;
            }
            p = nl ? nl + 1 : end;
        }
        if (st != RG_OK || eof || b->n == 0) {
            have = (size_t)(end - p);
            if (b->n == 0)
                memmove(b->buf, p, have);
            continue;
        }
        /* hand these records over; the line begun at p goes on in a new buffer */
        size_t rest = (size_t)(end - p);
        cap = rest + BATCH_BYTES;
        cbatch *next = new_batch(cap);
        if (!next) {
            st = rg_fail(&err, RG_ENOMEM, "out of memory");
            break;
        }
        memcpy(next->buf, p, rest);
        have = rest;
        if (!deliver(r, b)) {
            cbatch_free(next);
            return;
        }
        b = next;
    }
    if (!b && !(b = calloc(1, sizeof *b))) {
        r->nomem = true; /* nothing left to tell it with; read after the join */
        return;
    }
    b->st = st;
    b->err = err;
    deliver(r, b);
}

static void *producer(void *arg)
{
    creader *r = arg;
    produce(r);
    pthread_mutex_lock(&r->lock);
    r->stop = true; /* the end: the caller takes what is queued, then stops */
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

rg_status rg_citations_read(FILE *in, const char *name, rg_citation_fn fn, void *ctx,
                            rg_error *err)
{
    creader r = {.in = in, .name = name, .fn = fn, .ctx = ctx, .err = err};
    pthread_t tid;
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.changed, NULL);
    r.threaded = pthread_create(&tid, NULL, producer, &r) == 0;
    if (!r.threaded) {
        produce(&r);
    } else {
        for (;;) {
            pthread_mutex_lock(&r.lock);
            while (r.count == 0 && !r.stop)
                pthread_cond_wait(&r.changed, &r.lock);
            cbatch *b = NULL;
            if (r.count > 0) {
                b = r.queue[r.head];
                r.head = (r.head + 1) % QUEUE;
                r.count--;
                pthread_cond_broadcast(&r.changed);
            }
            pthread_mutex_unlock(&r.lock);
            if (!b || !consume(&r, b))
                break;
        }
        pthread_mutex_lock(&r.lock);
        r.stop = true;
        pthread_cond_broadcast(&r.changed);
        pthread_mutex_unlock(&r.lock);
        pthread_join(tid, NULL);
        for (; r.count > 0; r.count--, r.head = (r.head + 1) % QUEUE)
            cbatch_free(r.queue[r.head]);
    }
    pthread_mutex_destroy(&r.lock);
    pthread_cond_destroy(&r.changed);
    if (r.st == RG_OK && r.nomem)
        return rg_fail(err, RG_ENOMEM, "%s: out of memory", name);
    return r.st;
}
