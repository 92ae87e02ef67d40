/*
 * ids.c - canonical identifiers of UN texts, and what can be read off them.
 *
 * Every cited item becomes one canonical id, its UN document symbol as the
 * UN Digital Library catalogues it: A/RES/36/103, A/RES/43/78[H],
 * A/RES/2625(XXV), S/RES/1325(2000), E/RES/2006/46, A/HRC/RES/7/36,
 * E/CN.4/RES/2005/69, A/78/265.  This file builds them from parsed
 * references, normalises symbols and ids given by users, and derives labels,
 * links, bodies, sessions and years from them.  Pure string work: no regular
 * expressions, no graph.
 */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define BODY_NAME(s) {s, sizeof s - 1}
const rg_body_name_len rg_body_names[RG_BODY_OWN + 1] = {
    [RG_BODY_NONE] = BODY_NAME("other"), [RG_BODY_GA] = BODY_NAME("GA"),
    [RG_BODY_SC] = BODY_NAME("SC"),      [RG_BODY_ECOSOC] = BODY_NAME("ECOSOC"),
    [RG_BODY_HRC] = BODY_NAME("HRC"),    [RG_BODY_CHR] = BODY_NAME("CHR"),
    [RG_BODY_OWN] = BODY_NAME("GA"),
};
#undef BODY_NAME

const char *rg_body_name(rg_body b)
{
    return rg_body_names[b].s;
}

rg_body rg_ref_body(const rg_ref *r, rg_body word, rg_body own)
{
    /* the body named, or the document's: each answer below only asks whether
     * it is one of three bodies, so that no body and the document's own
     * (the Assembly's, then) need no test of their own */
    rg_body b = word == RG_BODY_OWN || word == RG_BODY_NONE ? own : word;
    if (r->shape == RG_SHAPE_YEAR)
        return RG_BODY_SC; /* 1325(2000): only the Council numbers this way */
    if (r->shape == RG_SHAPE_ROMAN)
        return b == RG_BODY_ECOSOC ? RG_BODY_ECOSOC : RG_BODY_GA;
    /* S-10/2, ES-11/1 (special sessions), and N/N with N < 1946, which SC,
     * ECOSOC and CHR never number so */
    if (r->prefix[0] || r->a < 1946)
        return b == RG_BODY_HRC ? RG_BODY_HRC : RG_BODY_GA;
    /* 2006/46: a year first is ECOSOC or the Commission */
    return b == RG_BODY_CHR ? RG_BODY_CHR : RG_BODY_ECOSOC;
}

static const char *const romans[] = {
    "",     "I",     "II",     "III",     "IV",    "V",     "VI",     "VII",     "VIII",
    "IX",   "X",     "XI",     "XII",     "XIII",  "XIV",   "XV",     "XVI",     "XVII",
    "XVIII", "XIX",  "XX",     "XXI",     "XXII",  "XXIII", "XXIV",   "XXV",     "XXVI",
    "XXVII", "XXVIII", "XXIX", "XXX",     "XXXI",  "XXXII", "XXXIII", "XXXIV",   "XXXV",
    "XXXVI", "XXXVII", "XXXVIII", "XXXIX", "XL",   "XLI",   "XLII",   "XLIII",   "XLIV",
    "XLV",  "XLVI",  "XLVII",  "XLVIII",  "XLIX",  "L",     "LI",     "LII",     "LIII",
    "LIV",  "LV",    "LVI",    "LVII",    "LVIII", "LIX",   "LX",     "LXI",     "LXII",
    "LXIII", "LXIV", "LXV",    "LXVI",    "LXVII", "LXVIII", "LXIX",  "LXX",     "LXXI",
    "LXXII", "LXXIII", "LXXIV", "LXXV",   "LXXVI", "LXXVII", "LXXVIII", "LXXIX", "LXXX",
};
#define MAX_ROMAN 80

/* The value of one Roman digit, 0 for another character. */
static int roman_digit(char c)
{
    return c == 'I' ? 1 : c == 'V' ? 5 : c == 'X' ? 10 : c == 'L' ? 50 : 0;
}

int rg_roman_value(const char *s, size_t n)
{
    /* Read the usual way (a digit before a larger one subtracts), then taken
     * only when spelt as romans[] spells that value: one pass and one
     * comparison, where a search of the table compared up to 80 spellings. */
    if (n == 0 || n > 8) /* the longest spelling, XXXVIII, has 7 */
        return 0;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        int d = roman_digit(s[i]);
        if (!d)
            return 0;
        v += i + 1 < n && d < roman_digit(s[i + 1]) ? -d : d;
    }
    if (v < 1 || v > MAX_ROMAN)
        return 0;
    return strlen(romans[v]) == n && memcmp(romans[v], s, n) == 0 ? v : 0;
}

/* The id builder below runs once per mention: it writes without bounds, into
 * out itself when out is long enough for any id (callers give 256 bytes), and
 * an id is at most 7 + 4 + 3 + 1 + 20 + 1 + 20 + 3 bytes (E/CN.4/, RES/, a
 * prefix and '-', two numbers of a long, a part).  The series is moved as 16
 * bytes, so that bytes of out after the id's NUL may change too (within its
 * first REF_ID_MAX). */
#define REF_ID_MAX 64

#define PUT_LIT(o, lit) (memcpy(o, lit, sizeof lit - 1), (o) + sizeof lit - 1)

/* A string of at most max bytes (romans, prefixes: a few), up to its NUL. */
static char *put_short(char *o, const char *s, size_t max)
{
    for (size_t i = 0; i < max && s[i]; i++)
        *o++ = s[i];
    return o;
}

/* v in decimal, with its sign. */
static char *put_dec_long(char *o, long v)
{
    unsigned long u = (unsigned long)v;
    if (v < 0) {
        *o++ = '-';
        u = 0 - u;
    }
    return rg_put_dec(o, u);
}

/* v in decimal.  The numbers of ids are sessions, numbers within them and
 * years, below 10000: those are one or two pairs here, without the count of
 * digits and the loop of put_dec_long(). */
static inline char *put_dec(char *o, long v)
{
    unsigned long u = (unsigned long)v; /* a negative v is large: the long way */
    return u < 10000 ? rg_put_dec4(o, (unsigned)u) : put_dec_long(o, v);
}

/* The series and kind that begin a numbered id, by body and by whether it is a
 * decision, each in 16 bytes (zeros after it): copied whole and moved on by
 * its length, where a switch on the body and a test of the type took a few
 * compares.  The bodies not named are the Assembly's.  The lengths are a
 * table of their own, so that an entry is 16 bytes and found by a shift. */
static const char id_heads[][2][16] = {
    [RG_BODY_NONE] = {"A/RES/", "A/DEC/"},
    [RG_BODY_GA] = {"A/RES/", "A/DEC/"},
    [RG_BODY_SC] = {"A/RES/", "A/DEC/"},
    [RG_BODY_ECOSOC] = {"E/RES/", "E/DEC/"},
    [RG_BODY_HRC] = {"A/HRC/RES/", "A/HRC/DEC/"},
    [RG_BODY_CHR] = {"E/CN.4/RES/", "E/CN.4/DEC/"},
    [RG_BODY_OWN] = {"A/RES/", "A/DEC/"},
};
static const unsigned char id_head_len[][2] = {
    [RG_BODY_NONE] = {6, 6}, [RG_BODY_GA] = {6, 6},   [RG_BODY_SC] = {6, 6},
    [RG_BODY_ECOSOC] = {6, 6}, [RG_BODY_HRC] = {10, 10}, [RG_BODY_CHR] = {11, 11},
    [RG_BODY_OWN] = {6, 6},
};

/* The id of rg_ref_id() at out, which has REF_ID_MAX bytes at least; its
 * length.  small: both numbers are known to be below 10000, and are written
 * without a test of their size (rg_ref_id() makes most ids so, in a function
 * that calls nothing and so saves no registers), by rg_put_dec4(): such
 * an id is less than 32 bytes, so that the four bytes a number takes there fit
 * (those past its digits are written over, or left past the id's NUL). */
static inline __attribute__((always_inline)) size_t ref_id_put(const rg_ref *r, rg_body body,
                                                               rg_type type, char *out,
                                                               bool small)
{
    char *o = out;
    if (r->shape == RG_SHAPE_YEAR) {
        o = PUT_LIT(o, "S/RES/");
        o = small ? rg_put_dec4(o, (unsigned)r->a) : put_dec(o, r->a);
        *o++ = '(';
        o = small ? rg_put_dec4(o, (unsigned)r->b) : put_dec(o, r->b);
        *o++ = ')';
        *o = '\0';
        return (size_t)(o - out);
    }
    size_t b = (unsigned)body <= RG_BODY_OWN ? (size_t)body : RG_BODY_NONE;
    size_t d = type == RG_DECISION;
    memcpy(o, id_heads[b][d], sizeof id_heads[b][d]);
    o += id_head_len[b][d];
    if (r->shape == RG_SHAPE_ROMAN) {
        o = small ? rg_put_dec4(o, (unsigned)r->a) : put_dec(o, r->a);
        *o++ = '(';
        o = put_short(o, r->b > 0 && r->b <= MAX_ROMAN ? romans[r->b] : "?", 8);
        *o++ = ')';
    } else {
        if (r->prefix[0]) {
            o = put_short(o, r->prefix, sizeof r->prefix);
            *o++ = '-';
        }
        o = small ? rg_put_dec4(o, (unsigned)r->a) : put_dec(o, r->a);
        *o++ = '/';
        o = small ? rg_put_dec4(o, (unsigned)r->b) : put_dec(o, r->b);
    }
    if (r->part) {
        o[0] = '[';
        o[1] = r->part;
        o[2] = ']';
        o += 3;
    }
    *o = '\0';
    return (size_t)(o - out);
}

/* rg_ref_id() for what its quick way leaves: numbers of any size, and out of
 * n bytes, fewer than REF_ID_MAX (made in full, then cut to n, as a bounded
 * writer would have it). */
__attribute__((noinline)) static size_t ref_id_long(const rg_ref *r, rg_body body, rg_type type,
                                                    char *out, size_t n)
{
    if (n >= REF_ID_MAX)
        return ref_id_put(r, body, type, out, false);
    if (n == 0)
        return 0;
    char buf[REF_ID_MAX];
    size_t len = ref_id_put(r, body, type, buf, false);
    if (len > n - 1)
        len = n - 1;
    memcpy(out, buf, len);
    out[len] = '\0';
    return len;
}

size_t rg_ref_id(const rg_ref *r, rg_body body, rg_type type, char *out, size_t n)
{
    /* callers give 256 bytes, written in place; a negative number is large */
    if (n < REF_ID_MAX || (unsigned long)r->a >= 10000 || (unsigned long)r->b >= 10000)
        return ref_id_long(r, body, type, out, n);
    return ref_id_put(r, body, type, out, true);
}

/* Full-width forms (U+FF01..U+FF5E) to ASCII, ideographic and no-break spaces
 * to a space; copies other bytes as they are.  Returns the new length. */
static size_t fold_ascii(const char *s, size_t n, char *out, size_t outn)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n && o + 1 < outn;) {
        size_t l = rg_utf8_seqlen(p + i, n - i);
        if (l == 0)
            l = 1;
        uint32_t c = l > 1 ? rg_utf8_decode(p + i, l) : p[i];
        if (c >= 0xFF01 && c <= 0xFF5E) {
            out[o++] = (char)(c - 0xFF01 + 0x21);
        } else if (c == 0x3000 || c == 0xA0 || c == 0x2009 || c == 0x202F) {
            out[o++] = ' ';
        } else {
            if (o + l >= outn)
                break;
            memcpy(out + o, s + i, l);
            o += l;
        }
        i += l;
    }
    out[o] = '\0';
    return o;
}

/* What compact() makes of each byte: most are copied with nothing to do but
 * note a digit or a '/', in one table look-up. */
enum { SYM_SKIP = 1, SYM_STOP = 2, SYM_ELL = 4, SYM_DIGIT = 8, SYM_SLASH = 16 };
#define SYM_ROW(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
static const unsigned char sym_class[256] = {
    ['\t'] = SYM_SKIP, ['\n'] = SYM_SKIP, ['\v'] = SYM_SKIP, ['\f'] = SYM_SKIP, ['\r'] = SYM_SKIP,
    [' '] = SYM_SKIP, ['/'] = SYM_SLASH, ['l'] = SYM_ELL,
    ['0'] = SYM_DIGIT, ['1'] = SYM_DIGIT, ['2'] = SYM_DIGIT, ['3'] = SYM_DIGIT, ['4'] = SYM_DIGIT,
    ['5'] = SYM_DIGIT, ['6'] = SYM_DIGIT, ['7'] = SYM_DIGIT, ['8'] = SYM_DIGIT, ['9'] = SYM_DIGIT,
    [0x80] = SYM_ROW(SYM_STOP), SYM_ROW(SYM_STOP), SYM_ROW(SYM_STOP), SYM_ROW(SYM_STOP),
    SYM_ROW(SYM_STOP), SYM_ROW(SYM_STOP), SYM_ROW(SYM_STOP), SYM_ROW(SYM_STOP)};
#undef SYM_ROW

#if defined(__SSE2__)
#include <emmintrin.h>

/* The bytes of a block of 16 that compact() must look at one by one: spaces
 * and controls, bytes of non-ASCII characters (negative as signed bytes) and
 * 'l'.  The other bytes are copied as they are. */
static unsigned sym_look(__m128i v)
{
    __m128i look = _mm_cmplt_epi8(v, _mm_set1_epi8(0x21));
    look = _mm_or_si128(look, _mm_cmpeq_epi8(v, _mm_set1_epi8('l')));
    return (unsigned)_mm_movemask_epi8(look);
}

/* Per byte of v: 0x80 for a digit, 0x40 for '/' (for _mm_movemask_epi8 and a
 * shift, after the blocks are ORed together). */
static __m128i sym_marks(__m128i v)
{
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    __m128i slash = _mm_cmpeq_epi8(v, _mm_set1_epi8('/'));
    return _mm_or_si128(_mm_and_si128(digit, _mm_set1_epi8((char)0x80)),
                        _mm_and_si128(slash, _mm_set1_epi8(0x40)));
}
#endif

/* The symbol's characters without spaces into out; -1 when a character is not
 * ASCII (or out is too short).  Says whether a digit, a '/' and ".l" occur. */
static long compact(const char *src, size_t len, char *out, size_t outn, bool *digit, bool *slash,
                    bool *dot_l)
{
    unsigned seen = 0; /* the classes met, in a local: stores through out could change *digit */
    bool dl = false;
    size_t o = 0, i = 0;
#if defined(__SSE2__)
    /* Symbols of hyperlinks are mostly plain ASCII of 11 to 18 bytes
     * (A/DEC/44/493): blocks of 16 with nothing to look at are copied whole,
     * noting digits and '/' by vector tests, and so are the last bytes, fewer
     * than 16, as the string's last 16 when the block before was copied (the
     * bytes both share are written again, the same); shorter ones were
     * symbol_quick()'s.  out has room when
     * len < outn (the copy is never longer than src).  What has something to
     * look at goes byte by byte below. */
    if (len < outn && len >= 16) {
        __m128i v, marks = _mm_setzero_si128(); /* digits and '/' among the bytes copied whole */
        bool copied = false;                  /* the block before was */
        for (; len - i >= 16; i += 16) {
            v = _mm_loadu_si128((const __m128i *)(src + i));
            if (sym_look(v)) {
                copied = false;
                break; /* the rest byte by byte */
            }
            _mm_storeu_si128((__m128i *)(out + o), v);
            o += 16;
            marks = _mm_or_si128(marks, sym_marks(v));
            copied = true;
        }
        if (i < len && copied) {
            size_t rest = len - i;
            v = _mm_loadu_si128((const __m128i *)(src + len - 16));
            if (!sym_look(v)) {
                _mm_storeu_si128((__m128i *)(out + o + rest - 16), v);
                o += rest;
                i = len;
                marks = _mm_or_si128(marks, sym_marks(v));
            }
        }
        if (_mm_movemask_epi8(marks))
            seen |= SYM_DIGIT;
        if (_mm_movemask_epi8(_mm_slli_epi16(marks, 1)))
            seen |= SYM_SLASH;
    }
#endif
    for (; i < len; i++) {
        unsigned char c = (unsigned char)src[i];
        unsigned k = sym_class[c];
        if (k & (SYM_SKIP | SYM_STOP | SYM_ELL)) {
            if (k & SYM_SKIP)
                continue;
            if (k & SYM_STOP)
                return -1;
            dl |= o > 0 && out[o - 1] == '.';
        }
        if (o + 1 >= outn)
            return -1;
        seen |= k;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    *digit = seen & SYM_DIGIT;
    *slash = seen & SYM_SLASH;
    *dot_l = dl;
    return (long)o;
}

#if defined(__SSE2__)
/* Whether a symbol copied to out has a digit and a '/', from v, its bytes
 * (and zeros). */
static int symbol_marks(__m128i v)
{
    unsigned marks = (unsigned)_mm_movemask_epi8(sym_marks(v)) |
                     (unsigned)_mm_movemask_epi8(_mm_slli_epi16(sym_marks(v), 1)) << 16;
    return (marks & 0xFFFF) && (marks >> 16);
}

/* symbol_quick() for 4 to 7 bytes, n < outn (the page headers of a
 * document, A/71/49): its first and last four bytes. */
static int symbol_quick_short(const char *s, size_t n, char *out)
{
    uint32_t head, tail;
    memcpy(&head, s, 4);
    memcpy(&tail, s + n - 4, 4);
    __m128i v = _mm_unpacklo_epi32(_mm_cvtsi32_si128((int)head), _mm_cvtsi32_si128((int)tail));
    if (sym_look(v) & 0xFF) /* (the zeros after them are not looked at) */
        return -1;
    memcpy(out, &head, 4);
    memcpy(out + n - 4, &tail, 4);
    out[n] = '\0';
    return symbol_marks(v);
}

/* Most symbols are 8 to 16 bytes of plain ASCII with nothing for compact() to
 * look at (A/DEC/44/493, A/70/1, S/RES/1325(2000)): those are copied here as
 * their first and last eight bytes and judged by their digits and '/', as
 * compact() and rg_symbol_canonical() would (with no 'l' there is no Rev.l to
 * mend), without the call and the flags passed back through memory.  1 or 0:
 * what rg_symbol_canonical() returns; -1: the symbol goes the long way. */
static int symbol_quick(const char *s, size_t n, char *out, size_t outn)
{
    if (n >= outn)
        return -1;
    if (n - 8 > 8) /* (for n < 8 too) */
        return n - 4 < 4 ? symbol_quick_short(s, n, out) : -1;
    __m128i v = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)s),
                                   _mm_loadl_epi64((const __m128i *)(s + n - 8)));
    if (sym_look(v))
        return -1;
    _mm_storel_epi64((__m128i *)out, v);
    _mm_storel_epi64((__m128i *)(out + n - 8), _mm_unpackhi_epi64(v, v));
    out[n] = '\0';
    return symbol_marks(v); /* a digit and a '/' */
}
#endif

/* The longest symbol taken, and the room to fold one. */
#define SYMBOL_ROOM 256

/* rg_symbol_canonical() for what symbol_quick() leaves: through compact(),
 * folded to ASCII when it must be, and with Rev.l mended.  A function of its
 * own so that the quick path does not pay for this one's frame. */
static bool symbol_canonical_long(const char *s, size_t n, char *out, size_t outn)
{
    char tmp[SYMBOL_ROOM];
    bool digit, slash, dot_l;
    if (compact(s, n, out, outn, &digit, &slash, &dot_l) < 0) {
        /* full-width forms and other spaces folded to ASCII first */
        size_t len = fold_ascii(s, n, tmp, sizeof tmp);
        if (compact(tmp, len, out, outn, &digit, &slash, &dot_l) < 0)
            return false;
    }
    if (!digit || !slash)
        return false;
    if (!dot_l)
        return true;
    /* OCR reads 1 as l after Rev., Add., Corr., L., Amend.: A/54/L.81/Rev.l */
    for (char *p = out; *p; p++) {
        if (*p != 'l' || p == out || p[-1] != '.')
            continue;
        const char *seg = p - 1;
        while (seg > out && seg[-1] != '/')
            seg--;
        bool numeric_part = (size_t)(p - seg) <= 6 && isupper((unsigned char)seg[0]);
        bool ends = p[1] == '\0' || p[1] == '/' || isdigit((unsigned char)p[1]);
        if (numeric_part && ends)
            *p = '1';
    }
    return true;
}


bool rg_symbol_canonical(const char *s, size_t n, char *out, size_t outn)
{
    if (n >= SYMBOL_ROOM || outn == 0)
        return false;
#if defined(__SSE2__)
    int quick = symbol_quick(s, n, out, outn);
    if (quick >= 0)
        return quick;
#endif
    return symbol_canonical_long(s, n, out, outn);
}

/* Parses "36/103", "43/78 H", "S-10/2", "1325 (2000)", "2625 (XXV)",
 * "217 A (III)" (already folded to ASCII, spaces kept). */
static bool parse_short(const char *s, rg_ref *r)
{
    memset(r, 0, sizeof *r);
    const char *p = s;
    while (*p == ' ')
        p++;
    if ((p[0] == 'S' || (p[0] == 'E' && p[1] == 'S')) && strchr(p, '-')) {
        size_t k = p[0] == 'S' ? 1 : 2;
        if (p[k] != '-')
            return false;
        memcpy(r->prefix, p, k);
        r->prefix[k] = '\0';
        p += k + 1;
    }
    if (!isdigit((unsigned char)*p))
        return false;
    char *end;
    r->a = strtol(p, &end, 10);
    p = end;
    while (*p == ' ')
        p++;
    if (*p == '/') {
        p++;
        while (*p == ' ')
            p++;
        if (!isdigit((unsigned char)*p))
            return false;
        r->b = strtol(p, &end, 10);
        p = end;
        r->shape = RG_SHAPE_SLASH;
        while (*p == ' ')
            p++;
        if (*p == '[')
            p++;
        if (isupper((unsigned char)*p) && !isalnum((unsigned char)p[1])) {
            r->part = *p++;
            if (*p == ']')
                p++;
        }
        while (*p == ' ')
            p++;
        return *p == '\0';
    }
    if (r->prefix[0])
        return false;
    if (isupper((unsigned char)*p) && !isalpha((unsigned char)p[1]) && p[0] != 'I' &&
        p[0] != 'V' && p[0] != 'X' && p[0] != 'L') {
        r->part = *p++; /* 217 A (III) */
        while (*p == ' ')
            p++;
    }
    if (*p != '(')
        return false;
    p++;
    const char *q = strchr(p, ')');
    if (!q)
        return false;
    if (isdigit((unsigned char)*p)) {
        r->b = strtol(p, &end, 10);
        if (end != q || r->b < 1946 || r->part)
            return false;
        r->shape = RG_SHAPE_YEAR;
    } else {
        r->b = rg_roman_value(p, (size_t)(q - p));
        if (!r->b)
            return false;
        r->shape = RG_SHAPE_ROMAN;
    }
    p = q + 1;
    if (*p == '[' && isupper((unsigned char)p[1]) && p[2] == ']') {
        r->part = p[1];
        p += 3;
    }
    while (*p == ' ')
        p++;
    return *p == '\0';
}

rg_status rg_id_canonical(const char *in, char *out, size_t n, rg_error *err)
{
    char tmp[256];
    size_t len = strlen(in);
    if (len == 0 || len >= sizeof tmp)
        return rg_fail(err, RG_EUSAGE, "'%s' is not a document id", in);
    fold_ascii(in, len, tmp, sizeof tmp);
    rg_ref r;
    /* A/RES/43/78 H and A/RES/43/78[H]: a symbol with a part */
    char *sp = tmp + strlen(tmp);
    while (sp > tmp && sp[-1] == ' ')
        *--sp = '\0';
    char part = 0;
    size_t tl = strlen(tmp);
    if (tl > 3 && tmp[tl - 1] == ']' && tmp[tl - 3] == '[' && isupper((unsigned char)tmp[tl - 2])) {
        part = tmp[tl - 2];
        tmp[tl - 3] = '\0';
    } else if (tl > 2 && tmp[tl - 2] == ' ' && isupper((unsigned char)tmp[tl - 1]) &&
               strchr(tmp, '/')) {
        part = tmp[tl - 1];
        tmp[tl - 2] = '\0';
    }
    if (isalpha((unsigned char)tmp[0]) && strchr(tmp, '/') && !parse_short(tmp, &r)) {
        if (!rg_symbol_canonical(tmp, strlen(tmp), out, n))
            return rg_fail(err, RG_EUSAGE, "'%s' is not a document id", in);
        if (part && strlen(out) + 4 < n) {
            size_t ol = strlen(out);
            out[ol] = '[';
            out[ol + 1] = part;
            out[ol + 2] = ']';
            out[ol + 3] = '\0';
        }
        return RG_OK;
    }
    if (part) { /* put the part back for the short form: 43/78 H */
        size_t l = strlen(tmp);
        tmp[l] = ' ';
        tmp[l + 1] = part;
        tmp[l + 2] = '\0';
    }
    if (!parse_short(tmp, &r))
        return rg_fail(err, RG_EUSAGE,
                       "'%s' is not a document id (try A/RES/36/103, 36/103, 43/78 H, "
                       "1325 (2000) or a symbol such as A/78/265)",
                       in);
    rg_ref_id(&r, rg_ref_body(&r, RG_BODY_NONE, RG_BODY_GA), RG_RESOLUTION, out, n);
    return RG_OK;
}

/* p: not empty.  Most ids differ from p at their first byte: no call for them. */
static bool starts(const char *s, const char *p)
{
    return s[0] == p[0] && strncmp(s, p, strlen(p)) == 0;
}

rg_body rg_id_body(const char *id)
{
    /* a character at a time (no character after a NUL is read), where
     * comparisons with A/HRC/, A/, S/, E/CN.4/ and E/ called strncmp() */
    if (id[0] == 'A' && id[1] == '/')
        return id[2] == 'H' && id[3] == 'R' && id[4] == 'C' && id[5] == '/' ? RG_BODY_HRC
                                                                            : RG_BODY_GA;
    if (id[0] == 'S' && id[1] == '/')
        return RG_BODY_SC;
    if (id[0] == 'E' && id[1] == '/')
        return id[2] == 'C' && id[3] == 'N' && id[4] == '.' && id[5] == '4' && id[6] == '/'
                   ? RG_BODY_CHR
                   : RG_BODY_ECOSOC;
    return RG_BODY_NONE;
}

rg_type rg_id_type(const char *id)
{
    /* /RES/ anywhere, else /DEC/ anywhere: one pass over the id, where two
     * calls of strstr() made two for most (documents have neither) */
    bool dec = false;
    for (const char *p = id; *p; p++) {
        if (*p != '/')
            continue;
        if (p[1] == 'R' && p[2] == 'E' && p[3] == 'S' && p[4] == '/')
            return RG_RESOLUTION;
        if (p[1] == 'D' && p[2] == 'E' && p[3] == 'C' && p[4] == '/')
            dec = true;
    }
    return dec ? RG_DECISION : RG_DOCUMENT;
}

void rg_id_base(const char *id, char *out, size_t n)
{
    size_t l = strlen(id);
    if (l > 3 && id[l - 1] == ']' && id[l - 3] == '[')
        l -= 3;
    if (n == 0)
        return;
    if (l >= n)
        l = n - 1;
    memcpy(out, id, l);
    out[l] = '\0';
}

/* The part of an id after its series and kind: A/RES/36/103 -> 36/103.  Read
 * as a series (A/HRC/, E/CN.4/, A/, S/, E/: rg_id_body()) and a kind (RES/,
 * DEC/) a character at a time, where a comparison with each head called
 * strncmp() for most; no character after a NUL is read. */
static const char *numbered_tail(const char *id, const char **series_end)
{
    static const char *const heads[] = {"A/HRC/RES/", "A/HRC/DEC/", "E/CN.4/RES/", "E/CN.4/DEC/",
                                        "A/RES/",     "A/DEC/",     "S/RES/",      "E/RES/",
                                        "E/DEC/"};
    /* the series as rg_id_body() reads it: its length, and the index of its
     * RES/ head (DEC/ is the one after it) */
    size_t len, h;
    switch (rg_id_body(id)) {
    case RG_BODY_HRC:
        len = 6, h = 0;
        break;
    case RG_BODY_CHR:
        len = 7, h = 2;
        break;
    case RG_BODY_GA:
        len = 2, h = 4;
        break;
    case RG_BODY_SC:
        len = 2, h = 6;
        break;
    case RG_BODY_ECOSOC:
        len = 2, h = 7;
        break;
    default:
        return NULL;
    }
    const char *p = id + len;
    if (!(p[0] == 'R' && p[1] == 'E' && p[2] == 'S' && p[3] == '/')) {
        if (h == 6 || !(p[0] == 'D' && p[1] == 'E' && p[2] == 'C' && p[3] == '/'))
            return NULL; /* (the Council's decisions have no head) */
        h++;
    }
    if (series_end)
        *series_end = heads[h];
    return p + 4;
}

void rg_id_label(const char *id, char *out, size_t n)
{
    const char *head = NULL;
    const char *tail = numbered_tail(id, &head);
    if (!tail) {
        snprintf(out, n, "%s", id);
        return;
    }
    char num[128];
    snprintf(num, sizeof num, "%s", tail);
    char part = 0;
    size_t l = strlen(num);
    if (l > 3 && num[l - 1] == ']' && num[l - 3] == '[') {
        part = num[l - 2];
        num[l - 3] = '\0';
    }
    char shown[160];
    char *paren = strchr(num, '(');
    if (paren) { /* 2625(XXV) -> 2625 (XXV); 217(III)[A] -> 217 A (III) */
        *paren = '\0';
        if (part)
            snprintf(shown, sizeof shown, "%s %c (%s", num, part, paren + 1);
        else
            snprintf(shown, sizeof shown, "%s (%s", num, paren + 1);
    } else if (part) {
        snprintf(shown, sizeof shown, "%s %c", num, part);
    } else {
        snprintf(shown, sizeof shown, "%s", num);
    }
    const char *prefix = "";
    if (starts(head, "A/HRC/RES/"))
        prefix = "HRC ";
    else if (starts(head, "A/HRC/DEC/"))
        prefix = "HRC decision ";
    else if (starts(head, "E/CN.4/RES/"))
        prefix = "CHR ";
    else if (starts(head, "E/CN.4/DEC/"))
        prefix = "CHR decision ";
    else if (starts(head, "E/RES/"))
        prefix = "ECOSOC ";
    else if (starts(head, "E/DEC/"))
        prefix = "ECOSOC decision ";
    else if (starts(head, "A/DEC/"))
        prefix = "decision ";
    snprintf(out, n, "%s%s", prefix, shown);
}

void rg_id_url(const char *id, char *out, size_t n)
{
    char base[256];
    rg_id_base(id, base, sizeof base);
    snprintf(out, n, "https://undocs.org/ch/%s", base);
}

static bool all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* The number of digits at s, and in *v their value when there are at most
 * nine (what atoi() would give of them, without its call). */
static size_t lead_digits(const char *s, int *v)
{
    size_t n = 0;
    unsigned x = 0;
    for (; s[n] >= '0' && s[n] <= '9'; n++)
        x = x * 10 + (unsigned)(s[n] - '0');
    *v = (int)x;
    return n;
}

int rg_id_session(const char *id)
{
    const char *tail = numbered_tail(id, NULL);
    int v;
    if (tail) {
        if (starts(id, "S/") || starts(id, "E/"))
            return 0;
        if (!isdigit((unsigned char)tail[0]))
            return 0; /* special sessions */
        /* 78/123: the tail has a '/', and its number is the session */
        size_t n = lead_digits(tail, &v);
        if (tail[n] == '/' && n <= 9)
            return v;
        const char *paren = strchr(tail, '(');
        if (paren && !strchr(tail, '/')) {
            const char *close = strchr(paren, ')');
            return close ? rg_roman_value(paren + 1, (size_t)(close - paren - 1)) : 0;
        }
        return atoi(tail);
    }
    if (!starts(id, "A/"))
        return 0;
    /* A/C.1/78/L.11, A/78/265: the first numeric component, when it is a session */
    for (const char *p = id + 2; *p;) {
        size_t n = lead_digits(p, &v);
        if (n && (p[n] == '/' || p[n] == '\0')) {
            if (n > 9)
                v = atoi(p);
            return v < 200 ? v : 0;
        }
        const char *e = p + n; /* to the component's end */
        while (*e && *e != '/')
            e++;
        if (!*e)
            break;
        p = e + 1;
    }
    return 0;
}

int rg_id_year(const char *id)
{
    const char *tail = numbered_tail(id, NULL);
    if (tail) {
        if (starts(id, "S/RES/")) {
            const char *paren = strchr(tail, '(');
            return paren ? atoi(paren + 1) : 0;
        }
        if (!isdigit((unsigned char)tail[0]))
            return 0;
        int a = atoi(tail);
        if (a >= 1946)
            return a; /* ECOSOC and the Commission: 2006/46 */
        if (starts(id, "A/HRC/")) /* three sessions a year from 2007 */
            return a <= 3 ? 2006 : 2007 + (a - 4) / 3;
        if (starts(id, "E/")) { /* early ECOSOC, two sessions a year */
            int s = rg_id_session(id);
            const char *paren = strchr(tail, '(');
            if (paren) {
                const char *close = strchr(paren, ')');
                s = close ? rg_roman_value(paren + 1, (size_t)(close - paren - 1)) : 0;
            }
            return s ? 1946 + (s - 1) / 2 : 0;
        }
        int s = rg_id_session(id);
        return s ? 1945 + s : 0;
    }
    /* A year among the components: A/AC.292/2023/INF/5, S/PRST/2004/40 */
    for (const char *p = id; *p;) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 4 && all_digits(p, len)) {
            int y = atoi(p);
            if (y >= 1946 && y <= 2100)
                return y;
        }
        if (!e)
            break;
        p = e + 1;
    }
    int s = rg_id_session(id);
    return s ? 1945 + s : 0;
}

void rg_id_filename(const char *id, char *out, size_t n)
{
    size_t o = 0;
    if (n == 0)
        return;
    for (const unsigned char *p = (const unsigned char *)id; *p && o + 1 < n; p++) {
        unsigned char c = *p;
        bool keep = isalnum(c) || c == '.' || c == '-' || c == '_' || c == '(' || c == ')';
        if (c == ']')
            continue;
        char ch = keep && c < 0x80 ? (char)c : '-';
        if (ch == '-' && o > 0 && out[o - 1] == '-')
            continue; /* one dash for a run of what cannot stand in a name */
        if (o == 0 && (ch == '.' || ch == '-'))
            continue;
        out[o++] = ch;
    }
    while (o > 0 && out[o - 1] == '-')
        o--;
    if (o == 0 && n > 9)
        o = (size_t)snprintf(out, n, "document");
    out[o] = '\0';
}
