/*
 * internal.h - what the library's modules share and users do not see.
 *
 * Small building blocks (errors, growable buffers, a string arena, UTF-8
 * helpers) and the interfaces between stages that are not public: the text a
 * scan reads, the parsed form of a reference, the graph's plain arrays.
 * No third-party header may be included here.
 */
#ifndef RG_INTERNAL_H
#define RG_INTERNAL_H

#include "resgraph.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#if defined(__GNUC__)
#define RG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define RG_PRINTF(a, b)
#endif

/* Whether the loops written for AVX2 (or SSSE3) may run: the processor has the
 * instructions and the build does not forbid them.  Built with -DRG_NO_AVX2
 * (and -DRG_NO_SSSE3), the library takes the loops of an older processor,
 * which is how `make test-portable` tests them on one that has AVX2. */
static inline bool rg_cpu_avx2(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(RG_NO_AVX2)
    return __builtin_cpu_supports("avx2");
#else
    return false;
#endif
}

static inline bool rg_cpu_ssse3(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(RG_NO_SSSE3)
    return __builtin_cpu_supports("ssse3");
#else
    return false;
#endif
}

/* util.c ------------------------------------------------------------------ */

/* Fills err (if not NULL) and returns status, so callers write
 * `return rg_fail(err, RG_EINPUT, "%s: ...", path);`. */
rg_status rg_fail(rg_error *err, rg_status status, const char *fmt, ...) RG_PRINTF(3, 4);
void *rg_xmalloc(size_t n);  /* NULL on failure, like malloc; n == 0 allowed */
/* RG_EOUTPUT for a failed write of `what`, keeping errno in err->errnum. */
rg_status rg_write_failed(rg_error *err, const char *what);
/* Grows *p (array of elem-sized items, capacity *cap) to hold need items.
 * Inline as far as the test of room, which most calls (an item added) pass. */
bool rg_grow_to(void *p, size_t *cap, size_t need, size_t elem);
static inline bool rg_grow(void *p, size_t *cap, size_t need, size_t elem)
{
    return need <= *cap || rg_grow_to(p, cap, need, elem);
}

/* A growable byte string, always NUL-terminated when data != NULL. */
typedef struct rg_buf {
    char *data;
    size_t len, cap;
    bool failed; /* an allocation failed; later appends are ignored */
} rg_buf;

void rg_buf_add(rg_buf *b, const char *s, size_t n);
void rg_buf_puts(rg_buf *b, const char *s);
void rg_buf_printf(rg_buf *b, const char *fmt, ...) RG_PRINTF(2, 3);
void rg_buf_free(rg_buf *b);

/* A string arena: many small strings freed together. */
typedef struct rg_arena {
    struct rg_arena_block *head;
} rg_arena;

char *rg_arena_strndup(rg_arena *a, const char *s, size_t n); /* NULL when out of memory */
char *rg_arena_strdup(rg_arena *a, const char *s);
/* Moves the strings of from into to (from is left empty). */
void rg_arena_take(rg_arena *to, rg_arena *from);
void rg_arena_free(rg_arena *a);
size_t rg_arena_bytes(const rg_arena *a); /* the memory it holds */

/* UTF-8 --------------------------------------------------------------------- */

/* Decodes one valid sequence (as checked by rg_utf8_seqlen). */
static inline uint32_t rg_utf8_decode(const unsigned char *s, size_t len)
{
    switch (len) {
    case 1:
        return s[0];
    case 2:
        return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    case 3:
        return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    default:
        return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
               ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    }
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static inline size_t rg_utf8_seqlen(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xE1 && c <= 0xEC && n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80)
        return 3; /* the common case: Chinese */
    size_t len;
    uint32_t min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    uint32_t cp = rg_utf8_decode(s, len);
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* The code point at p (U+FFFD for a byte that starts no valid sequence) and
 * the bytes it takes (1 for such a byte, and at end). */
static inline size_t rg_cp_at(const char *p, const char *end, uint32_t *cp)
{
    if (p < end && (unsigned char)*p < 0x80) {
        *cp = (unsigned char)*p;
        return 1;
    }
    size_t l = rg_utf8_seqlen((const unsigned char *)p, (size_t)(end - p));
    if (l == 0) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = rg_utf8_decode((const unsigned char *)p, l);
    return l;
}

/* The citation pattern's space (PCRE2's \s under UCP, and U+FEFF), and U+200B:
 * what may stand between the parts of a reference.  One set for the pattern's
 * readers (extract.c) and for where a token may start (prefilter.c). */
static inline bool rg_is_space(uint32_t c)
{
    if (c < 0x80)
        return c == ' ' || (c >= '\t' && c <= '\r');
    return c == 0x85 || c == 0xA0 || c == 0x1680 || c == 0x180E || (c >= 0x2000 && c <= 0x200B) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

/* The decimal digits of v, by comparisons: the numbers written (positions,
 * lines, lengths, the numbers of references) are mostly short, and the
 * comparisons cost less than a division a digit. */
static inline size_t rg_dec_digits(size_t v)
{
    size_t n = 1;
    for (;;) {
        if (v < 10)
            return n;
        if (v < 100)
            return n + 1;
        if (v < 1000)
            return n + 2;
        if (v < 10000)
            return n + 3;
        v /= 10000;
        n += 4;
    }
}

/* The numbers 00 to 99, two digits each: what the writers of numbers copy
 * instead of dividing by ten for each digit. */
extern const char rg_dec_pairs[201];

/* The numbers 0 to 999 as their digits (one to three, then zeros) and, in the
 * fourth byte, their count. */
extern const char rg_dec3[1000][4];

/* v (below 10000) in decimal at o, which has room for four bytes whatever the
 * count of digits (the bytes past the number are written over by what
 * follows): the place after it.  Most numbers written are this short: below
 * 1000 one move from rg_dec3 and its count, without the tests of one, two or
 * three digits, whose outcome changes from number to number (columns of one
 * digit or two, numbers of resolutions of one to three). */
static inline char *rg_put_dec4(char *o, unsigned v)
{
    if (v < 1000) {
        memcpy(o, rg_dec3[v], 4);
        return o + (unsigned char)rg_dec3[v][3];
    }
    unsigned hi = v / 100, lo = v - hi * 100;
    memcpy(o, rg_dec_pairs + 2 * hi, 2);
    memcpy(o + 2, rg_dec_pairs + 2 * lo, 2);
    return o + 4;
}

/* v in decimal at o, written from its last digit two digits a step: the
 * place after it.  For any v (rg_put_dec4() is the quicker for small ones). */
char *rg_put_dec(char *o, size_t v);

/* Number of characters in s[0..n); an invalid byte counts as one. */
size_t rg_utf8_count(const char *s, size_t n);
/* Number of line breaks in s[0..n); *after_last: the place after the last (0: none). */
size_t rg_count_lines(const char *s, size_t n, size_t *after_last);
/* Number of line breaks in s[0..n); *chars: the characters after the last
 * (all of s[0..n) when there is none), as rg_utf8_count() counts them.  One
 * pass where the processor can. */
size_t rg_count_lines_chars(const char *s, size_t n, size_t *chars);
/* The same by one way for the tests: 0 plain, 2 AVX2; false when this
 * processor has not got it. */
bool rg_count_lines_chars_by(int way, const char *s, size_t n, size_t *lines, size_t *chars);
/* The lines (from 0) and columns (as rg_count_lines_chars() counts) of np
 * places of s[0..n), in order, the first column col: each is a pair {line,
 * col} every stride bytes from lc, whose line holds the place when called (a
 * place before the last is given the last's).  Returns the line breaks of
 * s[0..n). */
size_t rg_lines_cols(const char *s, size_t n, size_t col, size_t *lc, size_t np, size_t stride);
/* The length of the run of printable ASCII ('!' to '~') at the start of s[0..n). */
size_t rg_graphic_span(const char *s, size_t n);
/* The start of the line that holds s[at - 1]: the place after the last line
 * break of s[lo..at), or lo when there is none. */
size_t rg_line_start(const char *s, size_t lo, size_t at);
/* Whether s[0..n) is valid UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing past U+10FFFF), 16 or 32 bytes at a time where the processor can. */
bool rg_utf8_valid(const char *s, size_t n);
/* The same by one way for the tests: 0 plain, 1 SSSE3, 2 AVX2; -1 when this
 * processor has not got it. */
int rg_utf8_valid_by(int way, const char *s, size_t n);

/* text.c -------------------------------------------------------------------- */

/* A document's text as UTF-8, with the way back to the original bytes. */
typedef struct rg_text {
    char *utf8;       /* the text, NUL-terminated */
    size_t len;
    const char *encoding; /* "UTF-8", "UTF-16LE", "UTF-16BE", "GB18030" */
    size_t skip;      /* bytes of byte-order mark before the text */
    bool valid;       /* the text is valid UTF-8 (converted text always is) */
    bool borrowed;    /* utf8 is the caller's buffer (rg_text_load_in_place) */
    /* For converted text: checkpoints (utf8 offset, original offset) every
     * few dozen characters, with the original bytes to walk between them, and
     * how long each character is there (src_kind; for an encoding named with
     * --encoding, srclen[u] is the length of the character at utf8 offset u). */
    unsigned char *orig;
    size_t orig_len;
    size_t *cp_utf8, *cp_orig, ncp;
    int src_kind;
    unsigned char *srclen;
} rg_text;

/* Loads a file or a buffer as UTF-8; warnings (invalid bytes) go to warn. */
rg_status rg_text_load(const char *name, const char *data, size_t len, const char *encoding,
                       rg_text *t, rg_buf *warnings, rg_error *err);
/* data[0..len) in enc, converted: a part of a text at byte `at` of the input
 * (for the offsets of warnings; the text's own offsets start at 0).  *seen
 * counts the bad sequences over the parts: only the first few are told of,
 * and rg_text_warn_more_converted() tells how many more there were. */
rg_status rg_text_convert(const char *name, const char *data, size_t len, const char *enc,
                          size_t at, size_t *seen, rg_text *t, rg_buf *warnings, rg_error *err);
void rg_text_warn_more_converted(const char *name, const char *enc, rg_buf *warnings, size_t seen);
/* What text.c keeps of the encodings it has read (rg_cleanup()). */
void rg_text_cleanup(void);
/* Whether data is read converted, by the encoding named (not UTF-8) or by a
 * UTF-16 byte-order mark: then enc receives the encoding as iconv is given it
 * and *bom the bytes of the mark.  (GB18030 found by its bytes is not told
 * here: rg_text_gb18030_opening().) */
bool rg_text_converted(const char *data, size_t len, const char *named, char enc[32], size_t *bom);
/* Whether a text is GB18030: its opening (a megabyte, up to its last line
 * break) converts without a fault. */
bool rg_text_gb18030_opening(const char *buf, size_t n);
/* For the encodings whose bytes show where a text may be cut (GB18030,
 * UTF-16LE, UTF-16BE, and those measured by iconv whose bytes below 0x80 are
 * characters of their own: no shift states): the end of the last line break of buf[0..n)
 * (0: none), and the end of its last whole character, reading from buf (a
 * character's start; for a measured encoding, one that the byte after it
 * shows to be whole). */
bool rg_text_cuttable(const char *enc);
size_t rg_text_last_break(const char *enc, const char *buf, size_t n);
size_t rg_text_whole_chars(const char *enc, const char *buf, size_t n);
/* The same reading data itself when it is UTF-8 (NUL bytes are replaced there,
 * and data[len] must be writable): the text lives as long as data. */
rg_status rg_text_load_in_place(const char *name, char *data, size_t len, const char *encoding,
                                rg_text *t, rg_buf *warnings, rg_error *err);
void rg_text_free(rg_text *t);
/* Whether bytes look binary: NUL bytes make more than one in a hundred of the
 * opening; *first_nul receives where the first one is (SIZE_MAX if none). */
bool rg_text_binary(const unsigned char *s, size_t n, size_t *first_nul);
/* Replaces NUL bytes of text by spaces, warning about the first of them
 * (offset base + its place); *seen counts them over calls. */
void rg_text_nuls(char *s, size_t n, size_t base, const char *name, rg_buf *warnings,
                  size_t *seen);
/* Warnings for the invalid UTF-8 of s[0..n) (offset base + its place), the
 * first few only: *seen counts them over calls; then the count of the rest. */
void rg_text_warn_invalid(const unsigned char *s, size_t n, size_t base, const char *name,
                          rg_buf *warnings, size_t *seen);
void rg_text_warn_more_invalid(const char *name, rg_buf *warnings, size_t seen);
/* Whether invalid sequences make most of the non-ASCII of s: not UTF-8 at all
 * (legacy Chinese text, GB18030). */
bool rg_text_mostly_invalid(const unsigned char *s, size_t n);
/* The original byte offset of a UTF-8 offset of the text. */
size_t rg_text_orig_offset(const rg_text *t, size_t utf8_off);

/* prefilter.c --------------------------------------------------------------------- */

/* What a position may start with: the class of the pattern's alternatives
 * that can match there (extract.c tries only those). */
typedef enum rg_start_class {
    RG_START_LINK,  /* https:// */
    RG_START_UPPER, /* A-Z: a symbol, S-10/2 */
    RG_START_JUE,   /* 决 決: 决议, 决定, 决议案 */
    RG_START_DI,    /* 第 */
    RG_START_DIGIT, /* ASCII and full-width digits */
    RG_START_CN,    /* Chinese digits */
    RG_START_SPACE, /* spaces and line breaks */
    RG_START_CLASSES
} rg_start_class;

/* The positions of a text where a token of the citation pattern may start,
 * in increasing order: a superset of where an unanchored search finds one. */
typedef struct rg_starts {
    const char *text;
    size_t len;
    size_t cursor;       /* the text before it has been searched for triggers */
    size_t run, run_end; /* a stretch whose characters are handed over in turn */
    size_t block_start;  /* the last block searched at once for triggers */
    size_t block_end;
    uint64_t block_mask; /* its places flagged and not yet looked at */
    bool vectors32;      /* blocks of 64 and 32 (AVX2), else 16 */
} rg_starts;

void rg_starts_init(rg_starts *st, const char *text, size_t len);
/* The first position at or after pos where a token may start, and its class;
 * SIZE_MAX when there is none.  pos must not decrease from call to call. */
size_t rg_starts_next(rg_starts *st, size_t pos, rg_start_class *cls);

/* paragraphs.c ---------------------------------------------------------------- */

typedef struct rg_para {
    size_t start;     /* UTF-8 offset where the paragraph (or its resumption) starts */
    char label[16];   /* P3, O1, F2, or "" outside the body (headers, titles) */
    const char *verb; /* the verb opening it (a static string), or "" */
} rg_para;

/* A line of page furniture: a hyperlink, a symbol or footer alone, a rule, or blank. */
bool rg_is_furniture_line(const char *p, const char *end);
/* What goes on from one segment of a text to the next. */
typedef struct rg_para_state {
    bool in_body;      /* the subject has been seen */
    bool operative;    /* an operative paragraph has been seen */
    bool in_notes;     /* below a footnote rule */
    int preamble, last_op, notes;
    bool ended;        /* the last text line ended a clause (ends_paragraph()) */
    char label[16], body_label[16];     /* the paragraph in force; the body's, resumed
                                           after footnotes */
    const char *verb, *body_verb;       /* their verbs (static strings, "" for none) */
} rg_para_state;

void rg_para_init(rg_para_state *ps);
/* The paragraphs of a segment of text starting at offset base, into *v (of
 * *cap, grown as needed; the caller frees it): the first is the one in force
 * at the segment's start; offsets are base + local ones.  False when out of
 * memory. */
bool rg_paragraphs_feed(rg_para_state *ps, const char *text, size_t len, size_t base,
                        rg_para **v, size_t *cap, size_t *count);

/* records.c: citations files ---------------------------------------------------- */

/* One record of a citations file; strings are valid during the callback only,
 * absent fields are NULL (strings) or -1 (numbers). */
typedef struct rg_citation {
    const char *doc, *id, *type, *body, *date, *surface, *file, *para, *verb, *kind, *form;
    long line, col, offset, list;
} rg_citation;

typedef rg_status (*rg_citation_fn)(void *ctx, const rg_citation *c, rg_error *err);

/* Reads JSON Lines records (as `extract` writes them) and calls fn for each;
 * name is used in messages ("cites.jsonl:12: ..."). */
rg_status rg_citations_read(FILE *in, const char *name, rg_citation_fn fn, void *ctx,
                            rg_error *err);

/* records.c: writing records ---------------------------------------------------------- */

/* What every record of one document shares: its id and file, escaped once,
 * with what stands around them (doc: the record up to the mention's id; file:
 * from after the date up to the line number). */
typedef struct rg_record_doc {
    rg_record_format fmt;
    char *doc, *file;
    size_t doc_len, file_len;
} rg_record_doc;

bool rg_record_doc_init(rg_record_doc *h, rg_record_format fmt, const char *doc, const char *file);
void rg_record_doc_free(rg_record_doc *h);
/* The format of the records made when doc was read, or -1 (document.c). */
int rg_doc_records_format(const rg_doc *doc);
/* The memory a document read holds, about (document.c). */
size_t rg_doc_bytes(const rg_doc *doc);
/* What a record is written from: a mention's fields, and the lengths of its
 * strings (0 for NULL), which then need not end with a NUL (the surface may
 * be the text itself).  Compact, as a segment's reader keeps one for each of
 * its mentions until they are written. */
typedef struct rg_record_src {
    const char *id, *body, *date, *surface, *para, *verb;
    size_t offset, length, line, col, list;
    uint32_t id_len, surface_len;
    uint8_t type, form; /* rg_type, rg_form */
    uint8_t body_len, date_len, para_len, verb_len;
} rg_record_src;
/* Appends the records of the n sources from r, stride bytes apart, to b
 * (b->failed when out of memory); valid: their strings are known to be valid
 * UTF-8. */
void rg_record_append(rg_buf *b, const rg_record_doc *h, const rg_record_src *r, size_t n,
                      size_t stride, bool valid);

/* ids.c ---------------------------------------------------------------------- */

/* Which body's series a reference belongs to. */
typedef enum rg_body {
    RG_BODY_NONE = 0, RG_BODY_GA, RG_BODY_SC, RG_BODY_ECOSOC, RG_BODY_HRC, RG_BODY_CHR,
    RG_BODY_OWN /* "its": the citing document's own body */
} rg_body;

/* The shape of a numbered reference, as printed. */
typedef enum rg_shape {
    RG_SHAPE_SLASH,   /* 36/103, 2006/46, S-10/2, ES-11/1 */
    RG_SHAPE_ROMAN,   /* 2625(XXV), 217 A(III) */
    RG_SHAPE_YEAR     /* 1325(2000) */
} rg_shape;

/* A numbered reference taken apart. */
typedef struct rg_ref {
    rg_shape shape;
    char prefix[4];   /* "", "S", "ES" */
    long a, b;        /* 36/103: a=36 b=103; 1325(2000): a=1325 b=2000; 2625(XXV): a=2625 b=25 */
    char part;        /* 'H' for 43/78 H, 0 when none */
} rg_ref;

const char *rg_body_name(rg_body b);
/* The names of rg_body_name() with their lengths, by body. */
typedef struct rg_body_name_len {
    const char *s;
    size_t n;
} rg_body_name_len;
extern const rg_body_name_len rg_body_names[RG_BODY_OWN + 1];
/* The body a reference belongs to, from the word before it, its shape and the
 * citing document's body. */
rg_body rg_ref_body(const rg_ref *r, rg_body word, rg_body own);
/* Canonical id of a reference of the given body and type into out; its length
 * (what strlen() gives of out). */
size_t rg_ref_id(const rg_ref *r, rg_body body, rg_type type, char *out, size_t n);
/* Canonical form of a document symbol as printed (spaces dropped, OCR l->1
 * in Rev.l, S/RES/N (YYYY) -> S/RES/N(YYYY)).  Returns false if not a symbol. */
bool rg_symbol_canonical(const char *s, size_t n, char *out, size_t outn);
/* The body and type of a canonical id (A/RES/.. is a GA resolution ...). */
rg_body rg_id_body(const char *id);
rg_type rg_id_type(const char *id);
/* Session of a canonical id (A/RES/36/103 -> 36, A/C.1/78/L.11 -> 78), 0 if none. */
int rg_id_session(const char *id);
/* Year an id belongs to when no date is known (session, SC year...), 0 if none. */
int rg_id_year(const char *id);
/* Roman numeral value of s[0..n) (I..LXXX), 0 if not one. */
int rg_roman_value(const char *s, size_t n);
/* A/RES/43/78[H] -> A/RES/43/78 (into out). */
void rg_id_base(const char *id, char *out, size_t n);

/* A map from strings (not owned) to indices, open addressing. */
typedef struct rg_strmap_entry {
    uint64_t hash;
    const char *key; /* NULL: a free place */
    size_t val;
} rg_strmap_entry;

typedef struct rg_strmap {
    rg_strmap_entry *e;
    size_t cap, n;
} rg_strmap;

/* Adds key -> val unless key is there; *found receives the value in the map.
 * False when out of memory. */
bool rg_strmap_put(rg_strmap *m, const char *key, size_t val, size_t *found);
/* The value of key, or -1. */
long rg_strmap_get(const rg_strmap *m, const char *key);
/* The hash of s[0..n) that the map keeps: rg_str_hash_words() (util.c), inline
 * for 9 to 15 bytes (most ids), where it is one word, then the rest as the
 * last word's bytes. */
uint64_t rg_str_hash_words(const char *s, size_t n);
static inline uint64_t rg_str_hash(const char *s, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n > 8 && n < 16) {
        uint64_t w, t, h = 0x9E3779B97F4A7C15ULL;
        memcpy(&w, s, 8);
        memcpy(&t, s + n - 8, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
        h = (h ^ t >> (128 - 8 * n) ^ (uint64_t)(n - 8) << 56) * 0x94D049BB133111EBULL;
        return h ^ h >> 29;
    }
#endif
    return rg_str_hash_words(s, n);
}
/* Put and get with the key's length and rg_str_hash() given: key[0..len) is
 * the key, whatever follows it (a key put must still end with its NUL). */
bool rg_strmap_put_h(rg_strmap *m, const char *key, size_t len, uint64_t h, size_t val,
                     size_t *found);
long rg_strmap_probe(const rg_strmap *m, const char *key, size_t len, uint64_t h);
/* Inline as far as the key's first place, which a key not in the map mostly
 * finds free (the ids of a segment's mentions looked up among the document's
 * own); rg_strmap_probe() reads on from there. */
static inline long rg_strmap_get_h(const rg_strmap *m, const char *key, size_t len, uint64_t h)
{
    if (!m->cap || !m->e[h & (m->cap - 1)].key)
        return -1;
    return rg_strmap_probe(m, key, len, h);
}
/* Empties the map, keeping its room for the next keys. */
void rg_strmap_clear(rg_strmap *m);
void rg_strmap_free(rg_strmap *m);

/* graph.c -------------------------------------------------------------------- */

typedef struct rg_node_info {
    const char *id, *label, *type, *body, *date, *url;
    int session, year;
    bool source;          /* a document that was read */
} rg_node_info;

typedef struct rg_edge_info {
    size_t from, to;
    rg_edge_kind kind;
    size_t weight;        /* mentions merged into this edge */
    /* the first mention (in file name and offset order); NULL and 0 when the
     * edge came from a citations file that did not give them */
    const char *surface;
    const char *file;
    size_t line;
    const char *para;     /* P3, O1, F1 ... or NULL */
    const char *verb;     /* 回顾, 支持 ... or NULL */
    const char *context;  /* the citing sentence, or NULL */
    const char *form;     /* text, symbol or link, or NULL */
} rg_edge_info;

const rg_node_info *rg_graph_node(const rg_graph *g, size_t v);
/* Edge e (edges are sorted by tail, head, kind). */
rg_edge_info rg_graph_edge(const rg_graph *g, size_t e);

/* One place an edge was read from. */
typedef struct rg_place_info {
    const char *file, *surface, *para, *verb, *context;
    size_t line, col, offset;
} rg_place_info;

/* The places of edge e in file and offset order: writes at most max into out
 * and returns how many there are. */
size_t rg_graph_edge_places(const rg_graph *g, size_t e, rg_place_info *out, size_t max);


/* render.c: frees what the renderer keeps for the process (rg_cleanup). */
void rg_render_cleanup(void);

/* graph.c <-> lineage.c ------------------------------------------------------ */

/* The graph as plain arrays, for the algorithms of lineage.c.  Edges of each
 * node are sorted by head; parallel edges of different kinds are kept. */
typedef struct rg_csr {
    size_t n, m;
    size_t *out_start;     /* n + 1 entries */
    const uint32_t *out_head; /* m entries */
    const uint8_t *out_kind;  /* rg_edge_kind of each */
    const uint32_t *out_edge; /* the graph's edge number of each; NULL: the same number */
    size_t *topo;          /* a topological order (citing before cited), n entries */
} rg_csr;

const rg_csr *rg_graph_csr(const rg_graph *g);

#endif
