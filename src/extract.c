/*
 * extract.c - finds every reference to another UN text, and who is citing.
 *
 * One PCRE2 pattern cuts the text into tokens: hyperlinks, page footers,
 * document symbols, dates, numbered references (第 36/103 号, 43/78 H,
 * 1325(2000), 2625(XXV)), old-style references (决议案三九六(五)) and the
 * closing words 决议 / 决定.  A small state machine then reads the tokens as
 * a careful reader does:
 *
 *   - numbered references chained by separators (、 和 及 以及 与, or nothing)
 *     become citations only when a closing word ends the chain; the closing
 *     word gives the type of every item before it;
 *   - a date belongs to the reference right after it;
 *   - the body (GA, SC, ECOSOC, HRC, CHR) comes from the nearest body word
 *     before the reference in the same clause, else from the citing
 *     document's own body;
 *   - page furniture (footers, a symbol alone on its line, link-only lines)
 *     is transparent, so a list broken by a page turn still reads as one.
 *
 * The pattern is tried, anchored, only at the positions prefilter.c hands
 * over, with only the alternatives that can start there; the search of every
 * byte (`reference`) gives the same tokens and is kept to check that.
 *
 * The scan of a segment ends here, with its references (raws), hyperlinks
 * and the candidates for the citing document's identity; identity.c settles
 * that identity, document.c resolves, places and writes the references, and
 * stream.c cuts long inputs into segments (scan.h).  This is the only file
 * that includes pcre2.h.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "scan.h"

#include <pcre2.h>
#include <pthread.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* --- the pattern ---------------------------------------------------------- */

/* PCRE2's \s with PCRE2_UCP, written out: JIT code tests these ranges without a
 * Unicode property lookup per character.  (Checked against PCRE2 10.42 for every
 * code point.) */
#define WS "\\t-\\r \\x{85}\\x{a0}\\x{1680}\\x{180e}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}"
#define SP "[" WS "\\x{feff}]"
/* Every run of spaces is bounded (RUN characters at most): a longer one ends a
 * reference (see README, "Known limits"). */
#define RUN "{0,16}"
#define RUN1 "{1,16}"
#define SPS SP RUN
#define D "[0-9\\x{ff10}-\\x{ff19}]"
#define SL "[/\\x{ff0f}]"
#define LP "[(\\x{ff08}]"
#define RP "[)\\x{ff09}]"
#define HY "[-\\x{ff0d}\\x{2010}-\\x{2015}\\x{2212}]"
#define UP "[A-Z\\x{ff21}-\\x{ff3a}]"
/* a line break may split a number, as text taken from a PDF has it: 6⏎9/28.
 * "D|BRK D" is "(?:BRK)?D" with the digit tried first: a break starts with a
 * space or a line break, never a digit, so the two cannot both match. */
#define BRK "[ \\t\\x{3000}\\x{a0}]" RUN "\\r?\\n[" WS "]" RUN
#define NUM4 D "(?:" D "|" BRK D "){0,3}" /* 1 to 4 digits */
#define YEAR D "(?:" D "|" BRK D "){3}"   /* 4 digits */
#define NUM2 D "(?:" D "|" BRK D ")?"      /* 1 or 2 digits: month, day */
#define CN "[0〇零○一二三四五六七八九]"  /* digits written one by one: 三九六 */
#define CNP "[一二三四五六七八九十〇零]" /* positional: 二十一 */
#define NOTAFTER "(?<![A-Za-z0-9./\\-\\x{ff10}-\\x{ff19}])"
#define ROOTS                                                                                   \
    "(?:A|S|E|ST|SC|GA|CD|DP|TD|UNEP|HRI|CCPR|CAT|CRC|CEDAW|CERD|CMW|CRPD|ICCD|FCCC|ECE|JIU|"  \
    "IDB|PBC|ISBA|SPLOS|UNW|ICEF|DC|NPT|CCW|APLC|BWC|CTBT|ITLOS|OPCW|UNCTAD)"
#define PART "(?:" UP "(?![A-Za-z0-9/\\x{ff21}-\\x{ff3a}]))"
#define PARTSEP "(?:[、和及与與至到~～]|以及|" HY ")"

enum tok {
    T_NONE = 0,
    T_LINK = 1,    /* https://undocs.org/ch/A/RES/36/103 */
    T_FURN = 2,    /* a page footer: 23-18952 2/4 */
    T_SYMBOL = 3,  /* A/78/265, S/RES/1325 (2000) */
    T_OLD = 4,     /* 决议案三九六(五) */
    T_DATE = 5,    /* 1981年 12月 9日 */
    T_HEADCN = 6,  /* 二一五九(二十一)、 at the start of a line */
    T_ITEM = 7,    /* 第 36/103 号, 43/78 H, 1325(2000), 217 A(III) */
    T_CLOSER = 8,  /* 决议, 决定 */
    T_COUNT
};

/* The alternatives, one capture group each in the whole pattern (group k is
 * token kind k).  prefilter.c knows which characters each can start with and
 * what stands between its start and its first '/', '(' or 年: keep the two in
 * step.  The quick readers mirror them too and must change with them:
 * quick_token() and what it calls (quick_item(), quick_item_prefixed(),
 * quick_item_end(), quick_parts(), quick_partsep(), quick_paren(), quick_item_upper(),
 * quick_item_broken(), quick_stops(),
 * quick_date(), quick_date_wide(), quick_furn(), quick_symbol() and its
 * ROOTS), and their tables space_lead (SPS), not_after_ascii (NOTAFTER) and
 * symbol_byte (SYMBOL's parts). */
static const char *const alternatives[T_COUNT] = {
    [T_LINK] = "https?://(?:www\\.)?undocs\\.org/[!-~]+",
    [T_FURN] = "(?m:^)[ \\t\\x{3000}]" RUN "[0-9]{2}-[0-9]{5}(?:[ \\t]" RUN "\\(C\\))?"
               "(?:[ \\t]" RUN1 "[0-9]{1,3}/[0-9]{1,3})?"
               "[ \\t\\r]" RUN "(?m:$)"
               "|(?m:^)[ \\t\\x{3000}]" RUN "[0-9]{1,3}/[0-9]{1,3}[ \\t]" RUN1 "[0-9]{2}-[0-9]{5}"
               "(?:[ \\t]" RUN "\\(C\\))?"
               "[ \\t\\r]" RUN "(?m:$)",
    [T_SYMBOL] = NOTAFTER ROOTS "(?:" SL "[A-Za-z0-9][A-Za-z0-9\\-]*(?:\\.[A-Za-z0-9]+)*)+"
                 "(?:[ \\x{a0}]?" LP "[0-9]{4}" RP ")?(?:" SPS "[号號](?:[决決](?:[议議]|定)|文件)?)?",
    [T_OLD] = "[决決][议議]案" SPS "(?:" CN "{2,5}|" D "{1,4})" SPS LP SPS
              "(?:" CNP "{1,4}|[IVXL]{1,7})" SPS RP,
    [T_DATE] = "(?<![0-9\\x{ff10}-\\x{ff19}])" YEAR SPS "年" SPS NUM2 SPS "月" SPS NUM2 SPS "日"
               "|" CN "{4}年" CNP "{1,3}月" CNP "{1,3}日",
    [T_HEADCN] = "(?m:^)[ \\t\\x{3000}]" RUN CN "{2,5}" LP CNP "{1,4}" RP "(?=" SPS "[、.．])",
    [T_ITEM] = NOTAFTER "(?:第" SPS ")?"
               "(?:(?:(?:E" SPS ")?S" SPS HY SPS ")?" NUM4 SPS SL SPS NUM4 "(?!" D "|" SPS
               SL ")(?:" SPS PART "(?:" SPS PARTSEP SPS PART ")*)?"
               "|" NUM4 SPS "(?:" UP SPS ")?" LP SPS "(?:" YEAR "|[IVXL]{1,7})" SPS RP
               "|(?<=第)" SPS CN "{2,5}" SPS LP SPS CNP "{1,4}" SPS RP
               "|(?<=第" SP ")" SPS CN "{2,5}" SPS LP SPS CNP "{1,4}" SPS RP
               ")(?:" SPS "[号號])?",
    [T_CLOSER] = "[决決]" SPS "(?:[议議]|定)",
};

/* The alternatives that can match at a position of each class, in the
 * pattern's order: they are tried one by one in it, so that the first that
 * matches is the one the whole pattern would take. */
static const enum tok class_kinds[RG_START_CLASSES][5] = {
    [RG_START_LINK] = {T_LINK},
    [RG_START_UPPER] = {T_SYMBOL, T_ITEM},
    [RG_START_JUE] = {T_OLD, T_CLOSER},
    [RG_START_DI] = {T_ITEM},
    [RG_START_DIGIT] = {T_FURN, T_DATE, T_HEADCN, T_ITEM},
    [RG_START_CN] = {T_DATE, T_HEADCN, T_ITEM},
    [RG_START_SPACE] = {T_FURN, T_HEADCN, T_ITEM},
};

/* Each set is compiled when first needed: the JIT compilation of one costs
 * about 3M instructions a pattern set, more than the scan of a few megabytes,
 * and most runs need only at_valid (valid UTF-8, not --reference).  The
 * anchored sets hold each alternative alone, not one pattern a class: T_ITEM,
 * most of the cost, can start at five classes and is compiled once, not five
 * times; the JIT code is asked about few tokens, which then take a call for
 * each alternative tried. */
static struct {
    pthread_once_t once;                 /* index_words() and at_valid */
    pthread_once_t once_at;              /* at */
    pthread_once_t once_re;              /* re */
    pcre2_code *re;                      /* the whole pattern, searched */
    pcre2_code *at[T_COUNT];             /* each alternative alone, anchored */
    pcre2_code *at_valid[T_COUNT];       /* the same for valid UTF-8 (faster) */
    bool jit_at, jit_valid;              /* all of the set compiled by the JIT */
    char error[256];                     /* why re was rejected */
} compiled = {PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, NULL, {NULL}, {NULL},
              false, false, ""};

/* "(A)|(B)|..." of the given kinds, in their order, so that group g is kinds[g - 1]
 * (T_NONE ends the list; NULL: every kind, group g being kind g). */
static bool build_pattern(rg_buf *b, const enum tok *kinds)
{
    size_t most = kinds ? sizeof class_kinds[0] / sizeof class_kinds[0][0] : T_COUNT - 1;
    for (size_t i = 0; i < most; i++) {
        enum tok k = kinds ? kinds[i] : (enum tok)(T_LINK + i);
        if (k == T_NONE)
            break;
        rg_buf_puts(b, i ? "|(" : "(");
        rg_buf_puts(b, alternatives[k]);
        rg_buf_puts(b, ")");
    }
    return !b->failed;
}

/* flags: PCRE2_ANCHORED; PCRE2_MATCH_INVALID_UTF, for text that may hold invalid
 * UTF-8 (without it, JIT code reads faster but must only see valid UTF-8).
 * *jit becomes false when the JIT cannot take it; error (if not NULL) says
 * why PCRE2 rejected it. */
static pcre2_code *compile_one(const char *src, uint32_t flags, bool *jit, char *error,
                               size_t error_size)
{
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
    if (cc)
        pcre2_set_newline(cc, PCRE2_NEWLINE_LF); /* prefilter.c's line starts follow '\n' */
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
                                   flags | PCRE2_UTF | PCRE2_UCP,
                                   &errcode, &erroff, cc);
    pcre2_compile_context_free(cc);
    if (!re) {
        if (error) {
            PCRE2_UCHAR msg[200];
            pcre2_get_error_message(errcode, msg, sizeof msg);
            snprintf(error, error_size, "PCRE2 rejected the citation pattern at offset %zu: %s",
                     (size_t)erroff, (const char *)msg);
        }
        *jit = false;
        return NULL;
    }
    if (pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) != 0)
        *jit = false;
    return re;
}

static void index_words(void);

/* The anchored alternatives, for valid text (flags 0) or any (into at[]):
 * *jit stays true only when every one was compiled by the JIT. */
static void compile_kinds(pcre2_code **set, uint32_t flags, bool *jit)
{
    rg_buf b = {0};
    *jit = true;
    for (int k = T_LINK; k < T_COUNT && *jit; k++) {
        const enum tok one[2] = {(enum tok)k, T_NONE};
        b.len = 0;
        if (!build_pattern(&b, one) ||
            !(set[k] = compile_one(b.data, PCRE2_ANCHORED | flags, jit, NULL, 0)))
            *jit = false; /* without them, every byte is searched */
    }
    rg_buf_free(&b);
}

static void compile_patterns(void)
{
    index_words(); /* for the scan, as the patterns */
    compile_kinds(compiled.at_valid, 0, &compiled.jit_valid);
}

static void compile_at(void)
{
    compile_kinds(compiled.at, PCRE2_MATCH_INVALID_UTF, &compiled.jit_at);
}

static void compile_re(void)
{
    rg_buf b = {0};
    bool jit = true;
    if (!build_pattern(&b, NULL))
        snprintf(compiled.error, sizeof compiled.error, "out of memory");
    else
        compiled.re = compile_one(b.data, PCRE2_MATCH_INVALID_UTF, &jit, compiled.error,
                                  sizeof compiled.error);
    rg_buf_free(&b);
}

/* The match data a thread keeps from one text to the next, in the room
 * document.c keeps for it (rg_kept_match()).  Not inlined, so that the
 * tokenizer's functions stay small enough to be. */
__attribute__((noinline)) static void kept_match_take(pcre2_match_data **md,
                                                      pcre2_match_context **mc)
{
    rg_match_room *k = rg_kept_match();
    *md = NULL;
    *mc = NULL;
    if (k) {
        *md = k->md;
        *mc = k->mc;
        k->md = NULL;
        k->mc = NULL;
    }
}

__attribute__((noinline)) static void kept_match_give(pcre2_match_data *md,
                                                      pcre2_match_context *mc)
{
    rg_match_room *k = rg_kept_match();
    if (k && !k->md && !k->mc) {
        k->md = md;
        k->mc = mc;
        return;
    }
    pcre2_match_data_free(md);
    pcre2_match_context_free(mc);
}

void rg_scan_init(void)
{
    pthread_once(&compiled.once, compile_patterns);
}

void rg_scan_match_free(rg_match_room *k)
{
    pcre2_match_data_free(k->md);
    pcre2_match_context_free(k->mc);
    k->md = k->mc = NULL;
}

void rg_scan_cleanup(void)
{
    if (compiled.re) {
        pcre2_code_free(compiled.re);
        compiled.re = NULL;
    }
    for (int k = 0; k < T_COUNT; k++) {
        pcre2_code_free(compiled.at[k]);
        pcre2_code_free(compiled.at_valid[k]);
        compiled.at[k] = compiled.at_valid[k] = NULL;
    }
}

/* --- characters ------------------------------------------------------------ */

/* The length rg_cp_at() would step over, without decoding. */
static size_t char_len(const char *p, const char *end)
{
    if ((unsigned char)*p < 0x80)
        return 1;
    size_t l = rg_utf8_seqlen((const unsigned char *)p, (size_t)(end - p));
    return l ? l : 1;
}

static int digit_value(uint32_t c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    if (c >= 0xFF10 && c <= 0xFF19)
        return (int)(c - 0xFF10);
    switch (c) {
    case 0x3007: /* 〇 */
    case 0x96F6: /* 零 */
    case 0x25CB: /* ○ */
        return 0;
    case 0x4E00: return 1; /* 一 */
    case 0x4E8C: return 2; /* 二 */
    case 0x4E09: return 3; /* 三 */
    case 0x56DB: return 4; /* 四 */
    case 0x4E94: return 5; /* 五 */
    case 0x516D: return 6; /* 六 */
    case 0x4E03: return 7; /* 七 */
    case 0x516B: return 8; /* 八 */
    case 0x4E5D: return 9; /* 九 */
    default: return -1;
    }
}

const char *rg_skip_spaces(const char *p, const char *end)
{
    while (p < end) {
        unsigned char b = (unsigned char)*p;
        if (b < 0x80) {
            if (b != ' ' && !(b >= '\t' && b <= '\r'))
                break;
            p++;
            continue;
        }
        /* the spaces past ASCII start with C2, E1, E2, E3 or EF (U+00A0,
         * U+1680, U+2000-U+205F, U+3000, U+FEFF): not Chinese text's E4-E9 */
        if (b != 0xC2 && (b < 0xE1 || b > 0xE3) && b != 0xEF)
            break;
        uint32_t c;
        size_t l = rg_cp_at(p, end, &c);
        if (!rg_is_space(c))
            break;
        p += l;
    }
    return p;
}

/* rg_skip_spaces() where most places start no space: a Chinese character
 * (leads E4 to E9) or ASCII other than a space is told without a call. */
static inline const char *skip_spaces_at(const char *p, const char *end)
{
    if (p < end) {
        unsigned char b = (unsigned char)*p;
        if (b < 0x80 ? b != ' ' && !(b >= '\t' && b <= '\r') : b >= 0xE4 && b <= 0xE9)
            return p;
    }
    return rg_skip_spaces(p, end);
}

/* Reads digits written one by one (ASCII, full-width or Chinese); a line
 * break between two digits (6⏎9/28) does not end the number. */
static const char *read_digits(const char *p, const char *end, long *val, int *ndig)
{
    long v = 0;
    int n = 0;
    while (p < end) {
        unsigned char b = (unsigned char)*p;
        if (b >= '0' && b <= '9' && n < 9) { /* the common case */
            v = v * 10 + (b - '0');
            p++;
            n++;
            continue;
        }
        /* any other ASCII but a space ends the number (a tenth digit too) */
        if (b < 0x80 && b != ' ' && !(b >= '\t' && b <= '\r'))
            break;
        if (b < 0x80) {
            if (n == 0)
                break;
            /* ASCII spaces: the number goes on only past a newline and to a
             * digit; most spaces have no newline (2006 年), so the character
             * after them is decoded only when they have one */
            const char *q = p;
            bool newline = false;
            for (; q < end && (*q == ' ' || (*q >= '\t' && *q <= '\r')); q++)
                newline |= *q == '\n';
            unsigned char nb = q < end ? (unsigned char)*q : 0;
            if (nb == 0xC2 || (nb >= 0xE1 && nb <= 0xE3) || nb == 0xEF) {
                /* other spaces may follow (see rg_skip_spaces()) */
                q = rg_skip_spaces(q, end);
                newline = memchr(p, '\n', (size_t)(q - p)) != NULL;
            }
            uint32_t c2;
            if (!newline || q >= end || (rg_cp_at(q, end, &c2), digit_value(c2) < 0))
                break;
            p = q;
            continue;
        }
        /* past ASCII, only these lead bytes start a digit or a space: EF
         * (full-width digits, U+FEFF), E2 E3 E4 E9 (○ 〇 一二三五七九 零, spaces)
         * and E5 85 / E5 9B (六八 四), C2 and E1 (spaces).  Most characters after
         * a number are none of them (年 号 月 日) and need no decoding. */
        if (!(b == 0xEF || (b >= 0xE1 && b <= 0xE4) || b == 0xE9 || b == 0xC2 ||
              (b == 0xE5 && end - p >= 2 && (p[1] == (char)0x85 || p[1] == (char)0x9B))))
            break;
        uint32_t c;
        size_t l = rg_cp_at(p, end, &c);
        int d = digit_value(c);
        if (d < 0 && n > 0 && rg_is_space(c)) {
            const char *q = rg_skip_spaces(p, end);
            uint32_t c2;
            bool newline = memchr(p, '\n', (size_t)(q - p)) != NULL;
            if (newline && q < end && (rg_cp_at(q, end, &c2), digit_value(c2) >= 0)) {
                p = q;
                continue;
            }
        }
        if (d < 0 || n >= 9)
            break;
        v = v * 10 + d;
        n++;
        p += l;
    }
    *val = v;
    *ndig = n;
    return p;
}

/* Reads a positional Chinese numeral: 五, 十六, 二十一, 七十八. */
const char *rg_read_positional(const char *p, const char *end, long *val)
{
    long total = 0, cur = 0;
    bool any = false;
    while (p < end) {
        uint32_t c;
        size_t l = rg_cp_at(p, end, &c);
        if (c == 0x5341) { /* 十 */
            total += (cur ? cur : 1) * 10;
            cur = 0;
        } else if (c == 0x767E) { /* 百 */
            total += (cur ? cur : 1) * 100;
            cur = 0;
        } else {
            int d = digit_value(c);
            if (d < 0 || c < 0x80 || (c >= 0xFF10 && c <= 0xFF19))
                break;
            cur = d;
        }
        any = true;
        p += l;
    }
    *val = any ? total + cur : 0;
    return p;
}

/* --- words around references ------------------------------------------------ */

typedef struct word {
    const char *s;
    unsigned char len; /* bytes */
    unsigned char body; /* rg_body, or for separators: 1 when it says "to" */
} word;

#define W(s, b) {s, sizeof s - 1, b}

/* Longest first where one contains another. */
static const word body_words[] = {
    W("经济及社会理事会", RG_BODY_ECOSOC), W("經濟及社會理事會", RG_BODY_ECOSOC),
    W("经济和社会理事会", RG_BODY_ECOSOC), W("经社理事会", RG_BODY_ECOSOC),
    W("經社理事會", RG_BODY_ECOSOC),       W("安全理事会", RG_BODY_SC),
    W("安全理事會", RG_BODY_SC),           W("人权理事会", RG_BODY_HRC),
    W("人權理事會", RG_BODY_HRC),          W("人权委员会", RG_BODY_CHR),
    W("人權委員會", RG_BODY_CHR),          W("联合国大会", RG_BODY_GA),
    W("聯合國大會", RG_BODY_GA),           W("安理会", RG_BODY_SC),
    W("安理會", RG_BODY_SC),               W("理事会", RG_BODY_OWN),
    W("理事會", RG_BODY_OWN),              W("委员会", RG_BODY_OWN),
    W("委員會", RG_BODY_OWN),              W("大会", RG_BODY_GA),
    W("大會", RG_BODY_GA),                 W("其", RG_BODY_OWN),
};

/* Words that may stand between the items of one enumeration; 1: "to". */
static const word separators[] = {
    W("以及", 0), W("、", 0), W("和", 0), W("及", 0), W("与", 0), W("與", 0), W("并", 0),
    W("並", 0),   W("暨", 0), W("的", 0), W("至", 1), W("到", 1), W("~", 1), W("～", 1),
    W("－", 1),   W("-", 1),
};

/* For each list, which of its words start with each byte, and which have each
 * byte second (or are one byte long): most positions are rejected by two
 * lookups.  Words are tried in list order. */
typedef struct word_index {
    uint32_t first[256], second[256], short1;
    bool no_ascii; /* no word starts with an ASCII byte */
} word_index;

static word_index body_index, sep_index; /* built with the patterns */

static void index_list(word_index *x, const word *ws, size_t n)
{
    x->no_ascii = true;
    for (size_t i = 0; i < n; i++) {
        x->no_ascii &= (unsigned char)ws[i].s[0] >= 0x80;
        x->first[(unsigned char)ws[i].s[0]] |= 1u << i;
        if (ws[i].len == 1) {
            x->short1 |= 1u << i;
            for (int b = 0; b < 256; b++)
                x->second[b] |= 1u << i;
        } else {
            x->second[(unsigned char)ws[i].s[1]] |= 1u << i;
        }
    }
}

static void index_words(void)
{
    index_list(&body_index, body_words, sizeof body_words / sizeof *body_words);
    index_list(&sep_index, separators, sizeof separators / sizeof *separators);
}

/* Whether p starts with w, of len bytes: most words are of one Chinese
 * character or two, compared in place rather than by a call of memcmp(). */
static inline bool word_eq(const char *p, const char *w, size_t len)
{
    if (len == 3)
        return !memcmp(p, w, 3);
    if (len == 6)
        return !memcmp(p, w, 6);
    return !memcmp(p, w, len);
}

/* (always inlined, as match_body() is: their callers read most characters) */
__attribute__((always_inline)) static inline size_t match_in(const word *ws, const word_index *x,
                                                            const char *p, const char *end,
                                                            int *tag)
{
    size_t avail = (size_t)(end - p);
    if (avail == 0)
        return 0;
    uint32_t m = x->first[(unsigned char)p[0]];
    if (!m)
        return 0;
    m &= avail >= 2 ? x->second[(unsigned char)p[1]] : x->short1;
    for (; m; m &= m - 1) {
        const word *w = &ws[__builtin_ctz(m)];
        if (w->len <= avail && word_eq(p, w->s, w->len)) {
            *tag = w->body;
            return w->len;
        }
    }
    return 0;
}

__attribute__((always_inline)) static inline size_t match_body(const char *p, const char *end,
                                                              rg_body *body)
{
    int tag;
    size_t n = match_in(body_words, &body_index, p, end, &tag);
    if (n)
        *body = (rg_body)tag;
    return n;
}

size_t rg_match_body(const char *p, const char *end, rg_body *body)
{
    return match_body(p, end, body);
}

/* The value of the digit at p (ASCII or full-width) and *len its bytes; -1
 * when there is none. */
static int plain_digit(const char *p, const char *end, size_t *len)
{
    const unsigned char *u = (const unsigned char *)p;
    if (p < end && u[0] >= '0' && u[0] <= '9') {
        *len = 1;
        return u[0] - '0';
    }
    if (end - p >= 3 && u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99) {
        *len = 3;
        return u[2] - 0x90;
    }
    return -1;
}

/* What is left of a date that lost some of its words, as text taken from a
 * PDF or a web page has it: a year (1900 to 2100), then at most a month and a
 * day, each number followed by spaces and at most its own word (年, 月, 日) or
 * a mark ('-', '.', '－', '．'), and at least one such word or mark or a
 * second number (2022 年 12 月 7, 1998 12 4, 2022-12-07, 2022年).  Its
 * length, or 0.  An enumeration goes on past it, as past a date; the date is
 * not given to the item, its pieces being unsure. */
static size_t date_remnant(const char *s, const char *end)
{
    static const int most[3] = {2100, 12, 31};
    static const char unit[3][4] = {"年", "月", "日"};
    const char *p = s;
    int groups = 0;
    bool marked = false;
    while (groups < 3) {
        const char *q = p;
        long v = 0;
        int nd = 0, d;
        size_t l;
        while (nd < 5 && (d = plain_digit(q, end, &l)) >= 0) {
            v = v * 10 + d;
            nd++;
            q += l;
        }
        if (groups == 0 ? nd != 4 || v < 1900 : nd == 0 ? false : nd > 2 || v < 1)
            return 0;
        if (nd == 0 || v > most[groups])
            break;
        p = q;
        groups++;
        const char *r = skip_spaces_at(p, end), *m = r;
        if (end - r >= 3 && (!memcmp(r, unit[groups - 1], 3) || !memcmp(r, "－", 3) ||
                             !memcmp(r, "．", 3)))
            r += 3;
        else if (r < end && (*r == '-' || *r == '.'))
            r++;
        marked |= r != m;
        r = skip_spaces_at(r, end);
        if (r == p)
            break;
        p = r;
    }
    return groups && (marked || groups >= 2) ? (size_t)(p - s) : 0;
}

/* A topic between two items, 关于裁军的 in 第 53/70 号、关于裁军的第 54/49 号决议:
 * 关于 (關於), then words up to the last 的 of the gap, with no clause end
 * between (a topic may hold 、 and 和: 关于妇女、和平与安全的).  Its length, or 0. */
static size_t topic_phrase(const char *s, const char *end)
{
    if (end - s < 9 || (memcmp(s, "关于", 6) && memcmp(s, "關於", 6)))
        return 0;
    size_t n = 0;
    for (const char *p = s + 6; p < end;) {
        uint32_t c;
        size_t l = rg_cp_at(p, end, &c);
        if (rg_is_clause_end(c))
            break;
        p += l;
        if (c == 0x7684 && p - s > 9) /* 的, after a word at least */
            n = (size_t)(p - s);
    }
    return n;
}

/* gap_is_filler() past its common gaps. */
__attribute__((noinline)) static bool gap_is_filler_words(const char *s, const char *end,
                                                        rg_body *body, bool *range,
                                                        bool *topic, bool item)
{
    /* most gaps here are one separator that does not say "to" (和, 及, 、 …)
     * between spaces: no body word starts with one, so the loop below would
     * find the separator alone */
    const char *first = skip_spaces_at(s, end);
    int to;
    size_t n = match_in(separators, &sep_index, first, end, &to);
    if (n && !to && skip_spaces_at(first + n, end) == end)
        return true;
    bool dated = false; /* the gap holds what is left of a date */
    for (const char *p = first; p < end; p = skip_spaces_at(p, end)) {
        rg_body b;
        n = match_body(p, end, &b);
        if (n) {
            *body = b;
            p += n;
            continue;
        }
        n = match_in(separators, &sep_index, p, end, &to);
        if (n) {
            if (to)
                *range = true;
            p += n;
            continue;
        }
        if (item && (n = topic_phrase(p, end)) != 0) {
            *topic = true;
            p += n;
            continue;
        }
        n = item ? date_remnant(p, end) : 0;
        if (!n)
            return false;
        p += n;
        /* a 至 beside it says "from a year to another" (2007年至2008年), not
         * "from an item to the next" */
        dated = true;
        /* a 第 right after its last digit (1999 12 1第54/49) is part of the
         * gap: the pattern starts no item after a digit, and the item's
         * surface starts after it */
        if (end - p >= 3 && !memcmp(p, "第", 3) && rg_only_spaces(p + 3, end))
            break;
    }
    if (dated || *topic)
        *range = false;
    return true;
}

/* True when s[0..n) holds only what may stand between two items of one
 * enumeration.  Sets *body to the last body word in it (unchanged if none),
 * *range when it says "to" (至, 到, -) and *topic when it holds a topic
 * (topic_phrase()).  item: an item follows the gap, which may then hold what
 * is left of its date (date_remnant()) or its topic; before a token passed
 * over, a date or page furniture, it may not (nothing says an item comes
 * after). */
static inline bool gap_is_filler(const char *s, const char *end, rg_body *body, bool *range,
                                 bool *topic, bool item)
{
    *range = *topic = false;
    /* the common gaps, read directly: none (a run of items), 、 alone or
     * before one space, and one or two ASCII spaces (a line break, a line
     * between); none holds a body word or says "to".  Four gaps in five are
     * one of eight (none, a space, a line break, two, 、 or 和 alone or before
     * a space), told by the four bytes at s masked to the gap's length and
     * compared with the one or two of that length, rather than by tests of
     * the length and the bytes in turn, each of which the text decides.  (The
     * four bytes are the text's: the gap ends where a token of three bytes at
     * least starts, and the text ends with a NUL.) */
    static const uint32_t mask[6] = {0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF, 0},
                          one[6] = {0, ' ', 0x0A0A, 0x8180E3, 0x208180E3, 1},
                          two[6] = {0, '\n', 0x0A0A, 0x8C92E5, 0x208C92E5, 1}; /* 和, 和 and a space */
    size_t n = (size_t)(end - s);
    const unsigned char *u = (const unsigned char *)s;
    uint32_t w = (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
    size_t k = n < 5 ? n : 5; /* a longer gap: none of them */
    w &= mask[k];
    if ((w == one[k]) | (w == two[k]))
        return true;
    if (n <= 2) {
        unsigned char a = (unsigned char)s[0], z = (unsigned char)s[n - 1];
        if ((a == ' ' || (a >= '\t' && a <= '\r')) && (z == ' ' || (z >= '\t' && z <= '\r')))
            return true;
    }
    return gap_is_filler_words(s, end, body, range, topic, item);
}

bool rg_is_clause_end(uint32_t c)
{
    switch (c) {
    case 0xFF0C: /* ， */
    case ',':
    case 0x3002: /* 。 */
    case 0xFF1B: /* ； */
    case ';':
    case 0xFF1A: /* ： */
    case ':':
    case 0xFF01:
    case '!':
    case 0xFF1F:
    case '?':
    case '|':
        return true;
    default:
        return false;
    }
}

#define LOOKBACK_CHARS 48 /* how far before a reference its body word may stand */
#define GAP_MAX 200       /* bytes: a longer stretch without a token ends an enumeration */
#define DATE_GAP_CHARS 40 /* how far before a reference its date may stand */

/* The start of the line that ends just before position `at` (text[at - 1] is
 * a newline), and whether that line is page furniture, which the words of the
 * text run across. */
static bool furniture_before(const char *text, size_t lo, size_t at, size_t *start)
{
    size_t s = rg_line_start(text, lo, at - 1);
    *start = s;
    return s < at - 1 && rg_is_furniture_line(text + s, text + at - 1);
}

static bool furniture_after(const char *text, size_t at, size_t hi, size_t *next)
{
    const char *nl = memchr(text + at, '\n', hi - at);
    size_t e = nl ? (size_t)(nl - text) : hi;
    *next = nl ? e + 1 : hi;
    return e > at && rg_is_furniture_line(text + at, text + e);
}

/* Whether s[0..n) is all ASCII. */
static bool ascii_only(const char *s, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    /* sixteen bytes at a time, the last sixteen read again at the end: the
     * lines asked about are mostly links, of a few dozen bytes */
    if (n >= 16) {
        for (; i + 16 < n; i += 16)
            if (_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(s + i))))
                return false;
        return !_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(s + n - 16)));
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080u)
            return false;
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

/* Whether a body word may start at p (before end): match_in()'s two lookups. */
static inline bool body_start(const char *text, size_t p, size_t end)
{
    uint32_t m = body_index.first[(unsigned char)text[p]];
    return m && (end - p < 2 ? m & body_index.short1
                             : m & body_index.second[(unsigned char)text[p + 1]]);
}

/* The last body word in the clause before the reference at `item`, looking
 * back LOOKBACK_CHARS characters from `from` (the reference, or the date
 * that belongs to it, which ends at `past`; else past is from) and across
 * lines of page furniture.  valid: the text is valid UTF-8, so that the
 * characters stepped over backwards are those read forwards. */
__attribute__((always_inline)) static inline rg_body body_before_in(const char *text, size_t from,
                                                                    size_t past, size_t item,
                                                                    bool valid)
{
    size_t start = from;
    /* the first character back there that may start a body word (match_in()'s
     * two lookups): the words are looked for from it, none standing before */
    size_t first = from;
    for (int n = 0; n < LOOKBACK_CHARS && start > 0;) {
        unsigned char last = (unsigned char)text[start - 1];
        if (last == '\n') {
            size_t ls;
            /* an empty line (a newline before this one) is no furniture, and
             * needs no search for its start */
            if (start >= 2 && text[start - 2] != '\n' && furniture_before(text, 0, start, &ls) &&
                ls > 0) {
                /* a link, header or footer line: read on above it, and look for
                 * the words in it too (most such lines are ASCII, which starts
                 * none of them) */
                if (!body_index.no_ascii || !ascii_only(text + ls, start - ls))
                    for (size_t c = ls; c < start; c += char_len(text + c, text + start))
                        if (body_start(text, c, item)) {
                            first = c;
                            break;
                        }
                start = ls;
                continue;
            }
        }
        size_t q = start - 1;
        if (last >= 0x80) {
            /* to the character's lead byte: two bytes back for most (three-byte
             * Chinese characters), else byte by byte */
            unsigned char b2 = q >= 2 ? (unsigned char)text[q - 2] : 0;
            if (valid && b2 >= 0xE4 && b2 <= 0xE9) {
                /* most often a Chinese character (leads E4 to E9), and a run of
                 * them: no clause end, and item at least their three bytes on,
                 * so that body_start() is its two lookups alone.  (In valid
                 * UTF-8 such a lead three bytes back leads the character.) */
                do {
                    start -= 3;
                    if (body_index.first[b2] &
                        body_index.second[(unsigned char)text[start + 1]])
                        first = start;
                } while (++n < LOOKBACK_CHARS && start >= 3 &&
                         (b2 = (unsigned char)text[start - 3]) >= 0xE4 && b2 <= 0xE9);
                continue;
            }
            if (valid ? b2 >= 0xE0 && b2 <= 0xEF
                      : q >= 2 && (last & 0xC0) == 0x80 &&
                            ((unsigned char)text[q - 1] & 0xC0) == 0x80 && (b2 & 0xC0) != 0x80)
                q -= 2; /* valid UTF-8: a lead of three bytes there leads this one */
            else
                while (q > 0 && ((unsigned char)text[q] & 0xC0) == 0x80)
                    q--;
            /* the clause ends of three bytes start with EF or E3; others need no
             * decoding.  In valid UTF-8 such a lead starts the three bytes before
             * start, read as they stand: ，；：！？ are EF BC 8C/9B/9A/81/9F, 。 E3 80 82 */
            unsigned char lead = (unsigned char)text[q];
            if (valid && lead == 0xEF) {
                unsigned char c3 = (unsigned char)text[q + 2];
                if ((unsigned char)text[q + 1] == 0xBC &&
                    (c3 == 0x8C || c3 == 0x9B || c3 == 0x9A || c3 == 0x81 || c3 == 0x9F))
                    break;
            } else if (valid && lead == 0xE3) {
                if ((unsigned char)text[q + 1] == 0x80 && (unsigned char)text[q + 2] == 0x82)
                    break;
            } else if (lead == 0xEF || lead == 0xE3) {
                uint32_t c;
                rg_cp_at(text + q, text + start, &c);
                if (rg_is_clause_end(c))
                    break;
            }
        } else if (rg_is_clause_end(last)) {
            break;
        } else if (body_index.no_ascii) {
            start = q; /* ASCII, which starts no body word */
            n++;
            continue;
        }
        if (body_start(text, q, item))
            first = q;
        start = q;
        n++;
    }
    rg_body found = RG_BODY_NONE;
    const char *end = text + item, *p = text + (valid ? first : start);
    /* read up to the date, then after it: none of a date's characters (T_DATE:
     * digits, spaces, 年 月 日, Chinese digits) starts a body word */
    for (const char *lim = text + from;; lim = end) {
        while (p < lim) {
            rg_body b;
            size_t n = match_body(p, end, &b);
            if (n) {
                /* 其 ("its") is the body named before it in the clause (大会在其…决议中),
                 * else the citing document's; and only right before a reference */
                if (b == RG_BODY_OWN && n == 3 && !strncmp(p, "其", 3)) {
                    const char *q = rg_skip_spaces(p + n, end);
                    if (q != end || found != RG_BODY_NONE)
                        b = found;
                }
                found = b;
                p += n;
            } else if (valid) {
                /* valid UTF-8, at a character's lead: its length from its top bits */
                static const unsigned char lead_len[16] = {1, 1, 1, 1, 1, 1, 1, 1,
                                                           1, 1, 1, 1, 2, 2, 3, 4};
                p += lead_len[(unsigned char)*p >> 4];
            } else {
                p += char_len(p, end);
            }
        }
        if (lim == end)
            break;
        if (p < text + past)
            p = text + past;
    }
    return found;
}

/* The place after the lines of page furniture that start at p (a line start),
 * before b.  *cut becomes true when a line was looked at that runs on past b:
 * what was said of its part before b may not hold of the whole line. */
static size_t skip_furniture_lines(const char *text, size_t p, size_t b, bool *cut)
{
    while (p < b) {
        size_t next;
        bool furniture = furniture_after(text, p, b, &next);
        *cut |= text[next - 1] != '\n'; /* no line end before b */
        if (!furniture || next > b || next <= p)
            break;
        p = next; /* after the line's end, a line start again (or b) */
    }
    return p;
}

/* body_before_in() of a text not valid UTF-8, apart: the tests of valid fold
 * away in the copy for valid text, which nearly all texts are. */
__attribute__((noinline)) static rg_body body_before_invalid(const char *text, size_t from,
                                                             size_t past, size_t item)
{
    return body_before_in(text, from, past, item, false);
}

/* body_before_in() of valid text, apart from on_item() too: inlined there, its
 * walk shares the registers of on_item() and pays for it. */
__attribute__((noinline)) static rg_body body_before_valid(const char *text, size_t from,
                                                           size_t past, size_t item)
{
    return body_before_in(text, from, past, item, true);
}

static inline rg_body body_before(const char *text, size_t from, size_t past, size_t item,
                                  bool valid)
{
    if (valid)
        return body_before_valid(text, from, past, item);
    return body_before_invalid(text, from, past, item);
}

/* True when the text between a and b has no clause end and is short, not
 * counting lines of page furniture (a page break inside a recital).  Lines
 * start at a after a line end, and after each line end the walk steps over:
 * only there are lines of furniture looked for, not at every character.
 * When false, *final says whether it is false for every b after this one too:
 * the walk then stopped at a character read whole before b (four bytes
 * before it at least) and looked at no line that runs on past b, so that a
 * walk to a later b reads the same characters up to the same stop. */
static bool same_clause_walk(const char *text, size_t a, size_t b, int max_chars, bool *final)
{
    bool cut = false;
    size_t p = a > 0 && text[a - 1] == '\n' ? skip_furniture_lines(text, a, b, &cut) : a;
    size_t at; /* the character read */
    int n = 0;
    while (p < b) {
        /* the clause ends past ASCII start with EF or E3: no other character
         * needs decoding, and a Chinese one (E4 to E9) no test */
        at = p;
        unsigned char lead = (unsigned char)text[p];
        if (lead - 0xE4u <= 0xE9 - 0xE4 && b - p >= 3) {
            uint16_t tail; /* its two continuation bytes, tested as one */
            memcpy(&tail, text + p + 1, 2);
            if ((tail & 0xC0C0) == 0x8080) {
                p += 3;
                if (++n > max_chars)
                    goto stop;
                continue;
            }
        }
        uint32_t c = lead;
        if (lead < 0x80) {
            p++;
            if (lead == '\n') {
                if (++n > max_chars)
                    goto stop;
                p = skip_furniture_lines(text, p, b, &cut);
                continue;
            }
        } else if (lead == 0xEF || lead == 0xE3) {
            p += rg_cp_at(text + p, text + b, &c);
        } else {
            p += char_len(text + p, text + b);
        }
        if (rg_is_clause_end(c) || ++n > max_chars)
            goto stop;
    }
    return true;
stop:
    *final = !cut && b - at >= 4;
    return false;
}

/* Most dates end where their reference starts (2006 年 3 月 15 日第 60/251 号)
 * or a space before it (2006 年 3 月 15 日 第 60/251 号): nothing to walk.  (A
 * space is no clause end, and one character is within max_chars, which is
 * at least 1; after a line break it is a line of furniture of its own, and
 * skipped.) */
static inline bool same_clause_near(const char *text, size_t a, size_t b, int max_chars,
                                    bool *final)
{
    return a >= b || (b - a == 1 && text[a] == ' ' && max_chars >= 1) ||
           same_clause_walk(text, a, b, max_chars, final);
}

/* --- parsing a reference token ------------------------------------------- */

#define MAX_PARTS 26

/* Whether c between two parts says "to" (A 至 C, A-C): the parts between are
 * spread. */
static inline bool part_to(uint32_t c)
{
    return c == 0x81F3 || c == 0x5230 || c == '-' || c == 0xFF0D || c == '~' || c == 0xFF5E ||
           (c >= 0x2010 && c <= 0x2015) || c == 0x2212;
}

/* The part letter after parts[0..*k): with the letters between when range
 * said "to" before it (A 至 C: A, B, C); at most MAX_PARTS. */
static inline void add_part(char *parts, size_t *k, char letter, bool range)
{
    if (range && *k > 0 && letter > parts[*k - 1]) {
        for (char x = (char)(parts[*k - 1] + 1); x <= letter && *k < MAX_PARTS; x++)
            parts[(*k)++] = x;
    } else if (*k < MAX_PARTS) {
        parts[(*k)++] = letter;
    }
}

static bool ascii_space(char b)
{
    return b == ' ' || (b >= '\t' && b <= '\r');
}

/* ASCII digits at *p (at most 5: more is no number of a reference), their
 * count in *nd; *p moves past them. */
static long ascii_digits(const char **p, const char *end, int *nd)
{
    long v = 0;
    int n = 0;
    const char *q = *p;
    for (; q < end && *q >= '0' && *q <= '9' && n <= 5; q++, n++)
        v = v * 10 + (*q - '0');
    *p = q;
    *nd = n;
    return v;
}

/* Whether a/b may be a reference: a session (1 to 99) or a year (1946 to
 * 2100), and a number. */
static inline bool slash_ok(long a, long b)
{
    return a >= 1 && b >= 1 && !(a > 99 && a < 1946) && a <= 2100;
}

/* Whether y may be the year of a reference (2625(XXV) is not). */
static inline bool year_ok(long y)
{
    return y >= 1946 && y <= 2100;
}

/* The reference a/b (both read) into refs[0]: 1, or 0 when it is none. */
static size_t slash_ref(long a, long b, rg_ref *refs)
{
    if (!slash_ok(a, b))
        return 0;
    memset(&refs[0], 0, sizeof refs[0]);
    refs[0].shape = RG_SHAPE_SLASH;
    refs[0].a = a;
    refs[0].b = b;
    return 1;
}

/* parse_ref() of the most common shape, all ASCII but 第 and 号: 第 44/493 号,
 * 44/493.  SIZE_MAX when the token is of another shape, or may be read
 * otherwise by parse_ref() (other spaces, a line break inside a number,
 * parts, S- and ES-): then parse_ref() must read it. */
static size_t parse_slash(const char *p, const char *end, rg_ref *refs)
{
    while (p < end && ascii_space(*p))
        p++;
    if (end - p >= 3 && !memcmp(p, "第", 3))
        p += 3;
    while (p < end && ascii_space(*p))
        p++;
    int na, nb;
    long a = ascii_digits(&p, end, &na);
    if (na == 0 || na > 5)
        return SIZE_MAX;
    /* spaces before the slash: no newline, which may join two numbers */
    for (; p < end && ascii_space(*p); p++)
        if (*p == '\n')
            return SIZE_MAX;
    if (p >= end || *p != '/')
        return SIZE_MAX;
    p++;
    while (p < end && ascii_space(*p))
        p++;
    long b = ascii_digits(&p, end, &nb);
    if (nb == 0 || nb > 5)
        return SIZE_MAX;
    /* then only spaces and 号: no digit a newline may join, no part */
    while (p < end && ascii_space(*p))
        p++;
    if (end - p == 3 && (!memcmp(p, "号", 3) || !memcmp(p, "號", 3)))
        p += 3;
    if (p != end)
        return SIZE_MAX;
    return slash_ref(a, b, refs);
}

/* Parses the text of a T_ITEM, T_OLD or T_HEADCN token into refs (one per
 * part).  Returns the number of refs, 0 when it is not a valid reference. */
static size_t parse_ref(const char *p, const char *end, rg_ref *refs)
{
    size_t quick = parse_slash(p, end, refs);
    if (quick != SIZE_MAX)
        return quick;
    rg_ref r;
    memset(&r, 0, sizeof r);
    uint32_t c;
    size_t l;
    /* leading 第 or 决议案 and spaces */
    for (;;) {
        p = rg_skip_spaces(p, end);
        if (p >= end)
            return 0;
        l = rg_cp_at(p, end, &c);
        if (c == 0x7B2C /* 第 */ || c == 0x51B3 || c == 0x6C7A /* 决 決 */ ||
            c == 0x8BAE || c == 0x8B70 /* 议 議 */ || c == 0x6848 /* 案 */) {
            p += l;
            continue;
        }
        break;
    }
    /* S- and ES- of special sessions */
    if (*p == 'E' || *p == 'S') {
        size_t k = 0;
        if (*p == 'E') {
            r.prefix[k++] = 'E';
            p = rg_skip_spaces(p + 1, end);
        }
        if (p >= end || *p != 'S')
            return 0;
        r.prefix[k++] = 'S';
        r.prefix[k] = '\0';
        p = rg_skip_spaces(p + 1, end);
        l = rg_cp_at(p, end, &c); /* the hyphen */
        p = rg_skip_spaces(p + l, end);
    }
    int nd;
    p = read_digits(p, end, &r.a, &nd);
    if (nd == 0 || nd > 5)
        return 0;
    p = rg_skip_spaces(p, end);
    if (p >= end)
        return 0;
    l = rg_cp_at(p, end, &c);
    char parts[MAX_PARTS];
    size_t nparts = 0;
    if (c == '/' || c == 0xFF0F) {
        r.shape = RG_SHAPE_SLASH;
        p = rg_skip_spaces(p + l, end);
        p = read_digits(p, end, &r.b, &nd);
        if (nd == 0 || !slash_ok(r.a, r.b))
            return 0;
        /* parts: A, A 和 B, A 至 C */
        bool range = false;
        for (;;) {
            const char *q = rg_skip_spaces(p, end);
            if (q >= end)
                break;
            l = rg_cp_at(q, end, &c);
            char letter = 0;
            if (c >= 'A' && c <= 'Z')
                letter = (char)c;
            else if (c >= 0xFF21 && c <= 0xFF3A)
                letter = (char)('A' + (c - 0xFF21));
            if (letter) {
                add_part(parts, &nparts, letter, range);
                range = false;
                p = q + l;
                continue;
            }
            if (nparts == 0)
                break;
            /* a separator between two letters */
            if (part_to(c))
                range = true;
            else if (!(c == 0x3001 || c == 0x548C || c == 0x53CA || c == 0x4EE5 || c == 0x4E0E ||
                       c == 0x8207))
                break;
            p = q + l;
        }
    } else {
        /* 217 A(III), 1325(2000), 2625(XXV), 三九六(五) */
        if ((c >= 'A' && c <= 'Z') || (c >= 0xFF21 && c <= 0xFF3A)) {
            parts[nparts++] = c < 0x80 ? (char)c : (char)('A' + (c - 0xFF21));
            p = rg_skip_spaces(p + l, end);
            l = rg_cp_at(p, end, &c);
        }
        if (c != '(' && c != 0xFF08)
            return 0;
        p = rg_skip_spaces(p + l, end);
        l = rg_cp_at(p, end, &c);
        if (digit_value(c) >= 0 && (c < 0x80 || (c >= 0xFF10 && c <= 0xFF19))) {
            p = read_digits(p, end, &r.b, &nd);
            if (nd != 4 || !year_ok(r.b) || nparts)
                return 0;
            r.shape = RG_SHAPE_YEAR;
        } else if (c == 'I' || c == 'V' || c == 'X' || c == 'L') {
            const char *q = p;
            while (q < end && (*q == 'I' || *q == 'V' || *q == 'X' || *q == 'L'))
                q++;
            r.b = rg_roman_value(p, (size_t)(q - p));
            if (!r.b)
                return 0;
            r.shape = RG_SHAPE_ROMAN;
            p = q;
        } else {
            p = rg_read_positional(p, end, &r.b);
            if (r.b < 1 || r.b > 80)
                return 0;
            r.shape = RG_SHAPE_ROMAN;
        }
    }
    if (nparts == 0) {
        refs[0] = r;
        return 1;
    }
    for (size_t i = 0; i < nparts; i++) {
        refs[i] = r;
        refs[i].part = parts[i];
    }
    return nparts;
}

/* Parses a date token into y, m, d; false when it is not a real date. */
static bool parse_date(const char *p, const char *end, int *y, int *m, int *d)
{
    long v[3];
    for (int i = 0; i < 3; i++) {
        p = rg_skip_spaces(p, end);
        int nd;
        const char *q = read_digits(p, end, &v[i], &nd);
        if (i > 0 && q == p) {
            q = rg_read_positional(p, end, &v[i]);
        } else if (i > 0 && nd == 1 && end - q >= 3 && !memcmp(q, "十", 3)) {
            /* 十二 after a first digit is positional: re-read */
            q = rg_read_positional(p, end, &v[i]);
        }
        if (q == p)
            return false;
        p = rg_skip_spaces(q, end);
        p += p < end ? char_len(p, end) : 1; /* 年 月 日 */
    }
    if (v[0] < 1900 || v[0] > 2100 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31)
        return false;
    *y = (int)v[0];
    *m = (int)v[1];
    *d = (int)v[2];
    return true;
}

/* YYYY-MM-DD of a date parse_date() accepted (1900..2100, 1..12, 1..31). */
static void format_date(char out[11], int y, int m, int d)
{
    /* by pairs of digits: one division of the year, none of the rest */
    memcpy(out, rg_dec_pairs + 2 * (y / 100), 2);
    memcpy(out + 2, rg_dec_pairs + 2 * (y % 100), 2);
    out[4] = '-';
    memcpy(out + 5, rg_dec_pairs + 2 * m, 2);
    out[7] = '-';
    memcpy(out + 8, rg_dec_pairs + 2 * d, 2);
    out[10] = '\0';
}

/* The end of a meeting's number at p: digits, or Chinese numerals with 十 百 千. */
const char *rg_skip_meeting_number(const char *p, const char *end)
{
    while (p < end) {
        if ((unsigned char)*p - (unsigned)'0' <= 9) { /* most numbers: ASCII digits */
            p++;
            continue;
        }
        uint32_t c;
        size_t l = rg_cp_at(p, end, &c);
        if (digit_value(c) < 0 && c != 0x5341 && c != 0x767E && c != 0x5343) /* 十 百 千 */
            break;
        p += l;
    }
    return p;
}

/* After a date, words that make it the document's own adoption date:
 * "…日第93次全体会议", "…日安全理事会第4213次会议通过", "…日通过的决议". */
static bool adoption_after(const char *p, const char *end)
{
    const char *lim = end - p > 90 ? p + 90 : end;
    for (int words = 0; p < lim && words < 3;) {
        const char *q = rg_skip_spaces(p, lim);
        /* (the spaces after a comma: q stands at none when there is no comma) */
        if (q < lim && (*q == ',' || !strncmp(q, "，", 3) || !strncmp(q, "、", 3)))
            q = rg_skip_spaces(q + (*q == ',' ? 1 : 3), lim);
        rg_body b;
        size_t n = match_body(q, lim, &b);
        if (n && b != RG_BODY_OWN) {
            p = q + n;
            words++;
            continue;
        }
        p = q;
        break;
    }
    if ((size_t)(lim - p) >= 6 && !memcmp(p, "通过", 6))
        return true;
    if ((size_t)(lim - p) < 3 || memcmp(p, "第", 3))
        return false;
    /* 第 + number (digits or Chinese) + 次 + 全体会议 / 会议 */
    p += 3;
    const char *q = rg_skip_meeting_number(p, lim);
    if (q == p || (size_t)(lim - q) < 3 || memcmp(q, "次", 3))
        return false;
    q += 3;
    return ((size_t)(lim - q) >= 12 && !memcmp(q, "全体会议", 12)) ||
           ((size_t)(lim - q) >= 12 && !memcmp(q, "全體會議", 12)) ||
           ((size_t)(lim - q) >= 6 && (!memcmp(q, "会议", 6) || !memcmp(q, "會議", 6)));
}


static raw *add_raw(scan *sc)
{
    if (!rg_grow(&sc->raws, &sc->rcap, sc->nraws + 1, sizeof *sc->raws)) {
        sc->nomem = true;
        return NULL;
    }
    raw *r = &sc->raws[sc->nraws++];
    memset(r, 0, sizeof *r);
    return r;
}


bool rg_only_spaces(const char *s, const char *end)
{
    return rg_skip_spaces(s, end) == end;
}

/* Forgets references still waiting for a closing word: they were numbers in
 * running text, not citations. */
static void break_run(scan *sc)
{
    sc->nraws = sc->pend_start;
    sc->pend_group = sc->nraws;
    sc->run_active = false;
}

/* Whether the date not yet given (have_date) stands in the clause of the
 * reference at item (same_clause_near()).  A date that cannot stand in the
 * clause of a later reference either is forgotten: the references after it
 * would walk the same text to the same answer. */
static bool date_near(scan *sc, size_t item)
{
    bool final = false;
    if (same_clause_near(sc->text, sc->date_e, item, DATE_GAP_CHARS, &final))
        return true;
    if (final)
        sc->have_date = false;
    return false;
}

/* near: what date_near() said of the date and the item, if known (-1: not) */
static void take_date(scan *sc, size_t item_start, raw *first, size_t n, int near)
{
    if (!sc->have_date || sc->date_e > item_start ||
        !(near >= 0 ? near : date_near(sc, item_start)))
        return;
    for (size_t i = 0; i < n; i++)
        memcpy(first[i].date, sc->date, sizeof sc->date);
    sc->have_date = false;
}

/* Numbers n1..n2 of one session, cited as 61/244 至 61/246: adds the ones
 * between as refs of the same group. */
static void expand_range(scan *sc, size_t group_start)
{
    if (sc->nraws - group_start != 1 || group_start == 0 || group_start <= sc->pend_start)
        return;
    raw lo = sc->raws[group_start - 1], top = sc->raws[group_start];
    if (lo.ref.shape != RG_SHAPE_SLASH || top.ref.shape != RG_SHAPE_SLASH || lo.ref.part ||
        top.ref.part || lo.ref.a != top.ref.a || strcmp(lo.ref.prefix, top.ref.prefix) ||
        top.ref.b <= lo.ref.b || top.ref.b - lo.ref.b > 50)
        return;
    sc->nraws--; /* the numbers between, then the top again */
    for (long b = lo.ref.b + 1; b <= top.ref.b; b++) {
        raw *r = add_raw(sc);
        if (!r)
            return;
        *r = top;
        r->ref.b = b;
    }
    /* the whole range is the surface of each of its items, and its date theirs */
    for (size_t i = group_start - 1; i < sc->nraws; i++) {
        sc->raws[i].s = lo.s;
        sc->raws[i].e = top.e;
        memcpy(sc->raws[i].date, lo.date[0] ? lo.date : top.date, sizeof lo.date);
    }
    sc->pend_group = group_start - 1;
}

/* False when the token is no valid reference.  known: its reference when
 * quick_item() read it as parse_ref() would (NULL: parse_ref() reads it), with
 * nknown refs, one for each of its parts (NULL: none). */
static bool on_item(scan *sc, size_t s, size_t e, bool old, const rg_ref *known, size_t nknown,
                    const char *parts)
{
    rg_ref refs[MAX_PARTS];
    size_t n = nknown;
    if (!known)
        n = parse_ref(sc->text + s, sc->text + e, refs);
    const rg_ref *first = known ? known : refs; /* the first ref (with no part, if known) */
    if (n == 0) {
        break_run(sc);
        return false;
    }
    /* A bare reference followed by '.': the document's own heading (54/254.) */
    if (!old && n == 1) {
        const char *p = sc->text + s, *q = sc->text + e;
        /* (the text ends with a NUL, which stops each test at its end) */
        bool dot = *q == '.' ? !(q[1] >= '0' && q[1] <= '9')
                             : (unsigned char)q[0] == 0xEF && (unsigned char)q[1] == 0xBC &&
                                   (unsigned char)q[2] == 0x8E; /* ． */
        if (dot && strncmp(p, "第", 3) != 0 &&
            !(e - s >= 3 && (!memcmp(q - 3, "号", 3) || !memcmp(q - 3, "號", 3)))) {
            /* bare: no 第 before it, no 号 after it */
            rg_ref r = *first;
            if (known && parts)
                r.part = parts[0];
            idcand c = {.kind = ID_HEADING, .ref = r, .first = s};
            rg_identity_candidate(sc, &c);
            break_run(sc);
            return true;
        }
    }
    rg_body gap_body = RG_BODY_NONE;
    bool range = false, topic = false;
    int near = -1; /* the date near it (take_date()), once known */
    if (sc->run_active &&
        (s - sc->run_end > GAP_MAX ||
         !gap_is_filler(sc->text + sc->run_end, sc->text + s, &gap_body, &range, &topic, true)))
        break_run(sc);
    if (!sc->run_active) {
        sc->run_active = true;
        sc->list++;
        /* the body word may stand before the date that belongs to the reference, or
         * between the two (回顾 2006 年 3 月 15 日大会第 60/251 号决议) */
        bool dated = false;
        if (sc->have_date && sc->date_e <= s)
            near = dated = date_near(sc, s);
        sc->run_body = body_before(sc->text, dated ? sc->date_s : s, dated ? sc->date_e : s, s,
                                   sc->t->valid);
        sc->pend_start = sc->nraws;
        range = false;
    } else {
        if (gap_body != RG_BODY_NONE)
            sc->run_body = gap_body;
        /* the items on either side of a topic share the closing word, not a
         * line of resolutions (no item succeeds the one before it) */
        if (topic)
            sc->list++;
    }
    size_t group = sc->nraws;
    for (size_t i = 0; i < n; i++) {
        raw *r = add_raw(sc);
        if (!r)
            return true;
        r->s = s;
        r->e = e;
        r->ref = known ? *known : refs[i];
        if (known && parts)
            r->ref.part = parts[i];
        r->word = sc->run_body;
        r->list = sc->list;
        r->form = RG_FORM_TEXT;
    }
    sc->pend_group = group;
    take_date(sc, s, &sc->raws[group], n, near);
    if (range)
        expand_range(sc, group);
    sc->run_end = e;
    if (old) { /* 决议案三九六(五): closed by its own first word */
        for (size_t i = sc->pend_start; i < sc->nraws; i++)
            sc->raws[i].type = RG_RESOLUTION;
        sc->pend_start = sc->pend_group = sc->nraws;
    }
    return true;
}

static void on_closer(scan *sc, size_t s, size_t e)
{
    if (!sc->run_active || sc->pend_start == sc->nraws || s - sc->run_end > GAP_MAX ||
        !rg_only_spaces(sc->text + sc->run_end, sc->text + s)) {
        if (sc->run_active && sc->pend_start != sc->nraws)
            break_run(sc);
        return;
    }
    rg_type type = strncmp(sc->text + e - 3, "定", 3) == 0 ? RG_DECISION : RG_RESOLUTION;
    /* one walk over the raws pending (one at least, as tested above): the
     * type of each, and the last item's surface to the end of the closing
     * word (pend_group is no less than pend_start) */
    size_t i = sc->pend_start;
    do {
        sc->raws[i].type = type;
        if (i >= sc->pend_group)
            sc->raws[i].e = e;
    } while (++i < sc->nraws);
    sc->pend_start = sc->pend_group = sc->nraws;
    sc->run_end = e;
}

/* transparent() past its common case. */
__attribute__((noinline)) static bool transparent_spaces(const scan *sc, size_t s, size_t e)
{
    /* only spaces between the start of the line and s, and between e and its end */
    const char *t = sc->text;
    for (size_t p = s; p > 0;) {
        unsigned char last = (unsigned char)t[p - 1];
        if (last < 0x80) { /* the common case: a newline, or ASCII */
            if (last == '\n')
                break;
            if (!rg_is_space(last))
                return false;
            p--;
            continue;
        }
        size_t q = p - 1;
        while (q > 0 && p - q < 4 && ((unsigned char)t[q] & 0xC0) == 0x80)
            q--;
        uint32_t c;
        if (rg_cp_at(t + q, t + p, &c) != p - q)
            return false; /* invalid UTF-8 is no space */
        if (!rg_is_space(c)) /* (past ASCII: no newline) */
            return false;
        p = q;
    }
    for (size_t p = e; p < sc->len;) {
        unsigned char b = (unsigned char)t[p];
        if (b < 0x80) {
            if (b == '\n')
                break;
            if (!rg_is_space(b))
                return false;
            p++;
            continue;
        }
        uint32_t c;
        size_t l = rg_cp_at(t + p, t + sc->len, &c);
        if (!rg_is_space(c))
            return false;
        p += l;
    }
    return true;
}

/* Line-level tokens that do not interrupt an enumeration. */
static inline bool transparent(const scan *sc, size_t s, size_t e)
{
    /* most are a whole line (a link, a page header) */
    if ((s == 0 || sc->text[s - 1] == '\n') && (e == sc->len || sc->text[e] == '\n'))
        return true;
    return transparent_spaces(sc, s, e);
}

/* A token that may stand inside an enumeration (a date, page furniture):
 * the enumeration goes on past it if only filler came before it. */
static void pass_over(scan *sc, size_t s, size_t e)
{
    if (!sc->run_active)
        return;
    rg_body body = RG_BODY_NONE;
    bool range, topic;
    if (s - sc->run_end > GAP_MAX ||
        !gap_is_filler(sc->text + sc->run_end, sc->text + s, &body, &range, &topic, false)) {
        break_run(sc);
        return;
    }
    if (body != RG_BODY_NONE)
        sc->run_body = body;
    sc->run_end = e;
}

static void on_symbol(scan *sc, size_t s, size_t e)
{
    /* the symbol proper: without 号决定 and, except S/RES, without (YYYY) */
    size_t se = e;
    const char *hao = NULL;
    for (const char *p = sc->text + s; p + 3 <= sc->text + e; p++) /* (most bytes ASCII) */
        if ((unsigned char)*p >= 0x80 && (!memcmp(p, "号", 3) || !memcmp(p, "號", 3))) {
            hao = p;
            break;
        }
    if (hao)
        se = (size_t)(hao - sc->text);
    while (se > s && (sc->text[se - 1] == ' ' || (unsigned char)sc->text[se - 1] >= 0x80))
        se--; /* spaces before 号 */
    char sym[256];
    if (!rg_symbol_canonical(sc->text + s, se - s, sym, sizeof sym))
        return;
    char *paren = strchr(sym, '(');
    if (paren && strncmp(sym, "S/RES/", 6) != 0) {
        /* A/52/231 (2000) is not one symbol: keep A/52/231 */
        *paren = '\0';
        const char *p = memchr(sc->text + s, '(', se - s);
        if (!p)
            p = strstr(sc->text + s, "（");
        e = se = p ? (size_t)(p - sc->text) : se;
        while (e > s && sc->text[e - 1] == ' ')
            e--;
    }
    const char *csym = rg_arena_strdup(&sc->arena, sym);
    if (!csym) {
        sc->nomem = true;
        return;
    }
    raw x = {.s = s, .e = e, .symbol = csym, .form = RG_FORM_SYMBOL, .type = rg_id_type(csym)};
    if (transparent(sc, s, e)) {
        /* a symbol alone on its line: a page header inside the text, not in the way
         * of an enumeration; kept aside and put in its place at the end */
        idcand c = {.kind = ID_SYMBOL_LINE, .symbol = csym, .first = s};
        rg_identity_candidate(sc, &c);
        pass_over(sc, s, e);
        if (!rg_grow(&sc->aside, &sc->acap, sc->naside + 1, sizeof *sc->aside)) {
            sc->nomem = true;
            return;
        }
        sc->aside[sc->naside++] = x;
        return;
    }
    break_run(sc);
    raw *r = add_raw(sc);
    if (!r)
        return;
    *r = x;
    sc->pend_start = sc->pend_group = sc->nraws;
}


/* trailing punctuation is not part of a link; a ')' is when it closes a '(' of it */
static const bool link_trailing[256] = {['.'] = 1, [','] = 1, [';'] = 1, [':'] = 1,
                                        [']'] = 1, ['}'] = 1, ['\''] = 1, ['"'] = 1};

/* The count of '(' less the count of ')' in p[0..n). */
static int paren_depth(const char *p, size_t n)
{
    int depth = 0;
    size_t i = 0;
#if defined(__SSE2__)
    /* sixteen bytes at a time: a link that ends with ')' is read whole each
     * time one comes off it */
    for (; n - i >= 16; i += 16) {
        /* each lane 1 at a '(' (a ')'), summed by lanes of eight bytes */
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i)), one = _mm_set1_epi8(1);
        __m128i o = _mm_sad_epu8(_mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('(')), one),
                                 _mm_setzero_si128());
        __m128i c = _mm_sad_epu8(_mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(')')), one),
                                 _mm_setzero_si128());
        __m128i d = _mm_sub_epi64(o, c);
        depth += _mm_cvtsi128_si32(d) + _mm_cvtsi128_si32(_mm_srli_si128(d, 8));
    }
#endif
    for (; i < n; i++)
        depth += p[i] == '(' ? 1 : p[i] == ')' ? -1 : 0;
    return depth;
}

__attribute__((noinline)) static void on_link_full(scan *sc, size_t s, size_t e)
{
    const bool *trailing = link_trailing;
    for (;;) {
        unsigned char last = e > s ? (unsigned char)sc->text[e - 1] : 0;
        if (trailing[last]) {
            e--;
            continue;
        }
        if (e > s && sc->text[e - 1] == ')') {
            if (paren_depth(sc->text + s, e - s) < 0) {
                e--;
                continue;
            }
        }
        break;
    }
    /* a link line does nothing when links are not kept and no enumeration goes
     * on (pass_over()), whatever its target */
    if (!sc->ds->links && !sc->run_active && transparent(sc, s, e))
        return;
    /* what the pattern matched: https?://(?:www\.)?undocs\.org/ and the path */
    const char *u = sc->text + s;
    const char *path = u + (u[4] == 's' ? 8 : 7);
    if (path[0] == 'w' && path[1] == 'w' && path[2] == 'w' && path[3] == '.')
        path += 4;
    path += strlen("undocs.org/");
    if (path >= sc->text + e)
        return;
    /* a language segment: ch/, zh/, en/ ... */
    if (sc->text + e - path > 3 && path[2] == '/' && path[0] >= 'a' && path[0] <= 'z' &&
        path[1] >= 'a' && path[1] <= 'z')
        path += 3;
    char sym[256];
    if (!rg_symbol_canonical(path, (size_t)(sc->text + e - path), sym, sizeof sym))
        return;
    const char *target = NULL; /* sym in the arena, once needed */
    if (sc->ds->links) {
        if (!rg_grow(&sc->links, &sc->lcap, sc->nlinks + 1, sizeof *sc->links)) {
            sc->nomem = true;
            return;
        }
        rg_link *k = &sc->links[sc->nlinks++];
        memset(k, 0, sizeof *k);
        k->target = target = rg_arena_strdup(&sc->arena, sym);
        k->url = rg_arena_strndup(&sc->arena, u, e - s);
        k->offset = s; /* in the segment until it is placed */
        if (!k->target || !k->url)
            sc->nomem = true;
    }
    if (transparent(sc, s, e)) {
        pass_over(sc, s, e); /* a link line: evidence for the text, not a citation */
        return;
    }
    /* A link in running text right after a reference backs that reference;
     * standing alone it is a citation of its own. */
    bool backs = false;
    if (sc->nraws > 0 && sc->raws[sc->nraws - 1].e <= s && s - sc->raws[sc->nraws - 1].e <= 12) {
        backs = true;
        for (const char *p = sc->text + sc->raws[sc->nraws - 1].e; p < u && backs;) {
            uint32_t c;
            p += rg_cp_at(p, u, &c);
            backs = rg_is_space(c) || c == '(' || c == 0xFF08 || c == ':' || c == 0xFF1A ||
                    c == 0x3001 || c == ',' || c == 0xFF0C;
        }
    }
    break_run(sc);
    if (backs)
        return;
    if (!target && !(target = rg_arena_strdup(&sc->arena, sym))) {
        sc->nomem = true;
        return;
    }
    raw *r = add_raw(sc);
    if (!r)
        return;
    r->s = s;
    r->e = e;
    r->symbol = target;
    r->form = RG_FORM_LINK;
    r->type = rg_id_type(target);
    sc->pend_start = sc->pend_group = sc->nraws;
}

static inline void on_link(scan *sc, size_t s, size_t e)
{
    /* most links are a line of their own, with no punctuation to take off
     * (on_link_full()) and, when links are not kept and no enumeration goes
     * on, nothing to do */
    unsigned char last = (unsigned char)sc->text[e - 1];
    if (!sc->ds->links && !sc->run_active && !link_trailing[last] && last != ')' &&
        transparent(sc, s, e))
        return;
    on_link_full(sc, s, e);
}

/* The tokens of a text, in order.  The fast path tries the pattern only where
 * prefilter.c says a token may start, anchored and with only the alternatives
 * that can start there; it finds exactly what the search of every byte finds
 * (`reference`), which the tests check. */
typedef struct tokenizer {
    const char *text;
    size_t len;
    bool fast;
    uint32_t options;      /* PCRE2_NOTBOL when the text starts inside a line */
    pcre2_code *const *at; /* the anchored alternatives for this text */
    bool valid;            /* the text is valid UTF-8: quick_token() may read it */
    rg_starts starts;
    pcre2_match_data *md;
    pcre2_match_context *mc;
    int date[3]; /* year, month, day of the last token when quick_date() read it, else 0s */
    /* the reference of the last token when quick_item() read it as
     * parse_ref() would (ref_known): nref refs (0 or 1) in ref, so that
     * on_item() need not read it again */
    bool ref_known;
    size_t nref;
    rg_ref ref;
    char parts[MAX_PARTS]; /* ref's parts, a ref each (nparts, 0: none) */
    size_t nparts;
} tokenizer;

static bool tokenizer_init(tokenizer *tz, const scan *sc, bool fast)
{
    memset(tz, 0, sizeof *tz);
    tz->text = sc->text;
    tz->len = sc->len;
    tz->fast = fast; /* the anchored alternatives, as rg_scan_run() compiled them */
    tz->options = sc->col0 ? PCRE2_NOTBOL : 0;
    tz->at = sc->t->valid ? compiled.at_valid : compiled.at;
    tz->valid = sc->t->valid;
    rg_starts_init(&tz->starts, sc->text, sc->len);
    kept_match_take(&tz->md, &tz->mc);
    if (tz->md && tz->mc)
        return true;
    /* room for group 0 and the one group of each kind (re has no other group) */
    if (!tz->md)
        tz->md = pcre2_match_data_create(T_COUNT, NULL);
    if (!tz->mc)
        tz->mc = pcre2_match_context_create(NULL);
    if (!tz->md || !tz->mc)
        return false;
    pcre2_set_match_limit(tz->mc, 1000000);
    pcre2_set_depth_limit(tz->mc, 10000);
    return true;
}

static void tokenizer_free(tokenizer *tz)
{
    /* (the search of every byte leaves PCRE2's backtracking frames in its
     * match data, which is not kept) */
    if (tz->md && tz->mc && tz->fast)
        kept_match_give(tz->md, tz->mc);
    else {
        pcre2_match_data_free(tz->md);
        pcre2_match_context_free(tz->mc);
    }
    tz->md = NULL;
    tz->mc = NULL;
}

/* --- the common tokens, read without PCRE2 ---------------------------------------- */

/* A call of the JIT code costs 100 to 450 cycles a token, most of what the
 * scan spends, while most tokens have one of a few plain shapes: a link, 第
 * 44/493 号, 1990 年 12 月 2 日, 决议.  The readers below take those shapes
 * only where the pattern's first match is forced (no quantifier there can give
 * back, no later alternative is reached) and give the same end; for anything
 * else they answer "unsure" and the JIT code is asked.  They read valid UTF-8
 * only.  They follow `alternatives` and class_kinds: keep them in step.
 *
 * A text ends with a NUL (rg_text), which no reader takes for a space, a digit
 * or any byte of a word: where a reader looks at one byte at a time, it may
 * look at the end, n, as at any other place (never past it), and stops there
 * without a test of its own. */
enum { QUICK_UNSURE = -1, QUICK_NONE = -2 /* no alternative of the class matches */ };

static inline bool quick_digit(const unsigned char *s, size_t p, size_t n)
{
    return s[p] >= '0' && s[p] <= '9';
}

/* Whether the word w stands at p.  Words of three bytes or fewer (a Chinese
 * character, most of them) are compared byte by byte, each read only when the
 * ones before matched: none reads past the NUL at the end. */
static inline bool quick_is(const unsigned char *s, size_t p, size_t n, const char *w)
{
    size_t l = strlen(w);
    if (l <= 3)
        return s[p] == (unsigned char)w[0] &&
               (l < 2 || (s[p + 1] == (unsigned char)w[1] &&
                          (l < 3 || s[p + 2] == (unsigned char)w[2])));
    return n - p >= l && !memcmp(s + p, w, l);
}

/* A full-width digit (U+FF10 to U+FF19: EF BC 90-99) at p. */
static inline bool quick_fw_digit(const unsigned char *s, size_t p, size_t n)
{
    return s[p] == 0xEF && s[p + 1] == 0xBC && s[p + 2] >= 0x90 && s[p + 2] <= 0x99;
}

/* A digit (D: ASCII or full-width) at *q: its value, *q moved past it; -1
 * (and *q as it was) when there is none. */
static inline int quick_d(const unsigned char *s, size_t *q, size_t n)
{
    size_t p = *q;
    if (quick_digit(s, p, n)) {
        *q = p + 1;
        return s[p] - '0';
    }
    if (quick_fw_digit(s, p, n)) {
        *q = p + 3;
        return s[p + 2] - 0x90;
    }
    return -1;
}

/* the length of the space a byte may start: most bytes start none */
static const unsigned char space_lead[256] = {['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1,
                                              ['\r'] = 1, [' '] = 1,   [0xC2] = 2, [0xE3] = 3};

static size_t quick_spaces_run(const unsigned char *s, size_t p, size_t n)
{
#if defined(__SSE2__)
    /* sixteen bytes at a time: the bytes each space covers (ASCII, E3 80 80,
     * C2 A0, told from the bytes at p, p + 1 and p + 2), and the run's end the
     * first byte none covers, with no test on each (a loop's exit on the run's
     * length was mostly mispredicted).  Sixteen bytes hold sixteen spaces at
     * most, so RUN is not passed; a run to the sixteenth byte is read below. */
    if (n - p >= 18) {
        __m128i v0 = _mm_loadu_si128((const __m128i *)(s + p));
        __m128i v1 = _mm_loadu_si128((const __m128i *)(s + p + 1));
        __m128i v2 = _mm_loadu_si128((const __m128i *)(s + p + 2));
        __m128i c = _mm_sub_epi8(v0, _mm_set1_epi8('\t')); /* \t to \r: 0 to 4 */
        __m128i ws = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(c, _mm_set1_epi8(4)), c),
                                  _mm_cmpeq_epi8(v0, _mm_set1_epi8(' ')));
        __m128i b80 = _mm_set1_epi8((char)0x80);
        __m128i ideo = _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(v0, _mm_set1_epi8((char)0xE3)),
                                                   _mm_cmpeq_epi8(v1, b80)),
                                     _mm_cmpeq_epi8(v2, b80));
        __m128i nbsp = _mm_and_si128(_mm_cmpeq_epi8(v0, _mm_set1_epi8((char)0xC2)),
                                     _mm_cmpeq_epi8(v1, _mm_set1_epi8((char)0xA0)));
        __m128i two = _mm_or_si128(ideo, nbsp); /* a space's first two bytes */
        __m128i cover = _mm_or_si128(_mm_or_si128(ws, two),
                                     _mm_or_si128(_mm_slli_si128(two, 1), _mm_slli_si128(ideo, 2)));
        unsigned run = (unsigned)__builtin_ctz(~(unsigned)_mm_movemask_epi8(cover));
        if (run < 16)
            return p + run;
    }
#endif
    for (int k = 0; p < n; k++) {
        size_t l = space_lead[s[p]];
        if (!l || (l == 3 && !(n - p >= 3 && s[p + 1] == 0x80 && s[p + 2] == 0x80)) ||
            (l == 2 && !(n - p >= 2 && s[p + 1] == 0xA0)))
            break;
        if (k == 16)
            return SIZE_MAX;
        p += l;
    }
    return p;
}

/* After p, a run of spaces and line breaks (ASCII, U+3000, U+00A0: all of SP)
 * that SPS takes whole: the place after it, or SIZE_MAX when it is longer
 * than RUN. */
static inline size_t quick_spaces(const unsigned char *s, size_t p, size_t n)
{
    /* most runs are none, or one ASCII space, before a byte that starts no space
     * (as the NUL at the end does not): past the one space if any (by
     * arithmetic, as which of the two it is follows the text), one test */
    size_t q = p + (s[p] == ' ');
    if (!space_lead[s[q]])
        return q;
    return quick_spaces_run(s, p, n);
}

/* PARTSEP at t ([、和及与與至到~～], 以及, HY): its length, 0 when there is
 * none, SIZE_MAX at a space that SPS takes and quick_spaces() does not.
 * *range when it says "to" (as parse_ref() reads it). */
static size_t quick_partsep(const unsigned char *s, size_t t, size_t n, bool *range)
{
    uint32_t c = s[t];
    if (c < 0x80) {
        *range = part_to(c);
        return *range;
    }
    size_t l = rg_utf8_seqlen(s + t, n - t);
    if (!l)
        return SIZE_MAX;
    c = rg_utf8_decode(s + t, l);
    if (rg_is_space(c))
        return SIZE_MAX;
    *range = part_to(c);
    if (*range || c == 0x3001 || c == 0x548C || c == 0x53CA || c == 0x4E0E || c == 0x8207)
        return l;
    if (c == 0x4EE5 && quick_is(s, t + l, n, "及")) /* 以及 */
        return l + 3;
    return 0;
}

/* After a reference at q, spaces r - q and the capital at r: its parts
 * (43/78 H, 43/78 H 号, 43/78 A 至 C 号) in parts[0..*np), read and spread
 * as parse_ref() does, or none when PART's lookahead fails at r (43/78 HA);
 * the token's end in *e.  Unsure where a space may stand that SPS takes and
 * quick_spaces() does not, or a full-width capital. */
__attribute__((noinline)) static int quick_parts(const unsigned char *s, size_t q, size_t r,
                                                 size_t n, size_t *e, char *parts, size_t *np)
{
    size_t end = q, k = 0;
    bool range = false;
    for (;;) {
        /* PART's (?![A-Za-z0-9/\x{ff21}-\x{ff3a}]) after the capital at r */
        unsigned char x = r + 1 < n ? s[r + 1] : 0;
        if ((x >= 'A' && x <= 'Z') || (x >= 'a' && x <= 'z') || (x >= '0' && x <= '9') ||
            x == '/' ||
            (n - (r + 1) >= 3 && x == 0xEF && s[r + 2] == 0xBC && s[r + 3] >= 0xA1 &&
             s[r + 3] <= 0xBA))
            break; /* no part here: the token ends after the last one (or at q) */
        add_part(parts, &k, (char)s[r], range);
        end = r + 1;
        /* then 号, or PARTSEP and another part, or nothing more */
        size_t t = quick_spaces(s, end, n);
        if (t == SIZE_MAX || t >= n)
            return QUICK_UNSURE;
        if (quick_is(s, t, n, "号") || quick_is(s, t, n, "號")) {
            *e = t + 3;
            *np = k;
            return T_ITEM;
        }
        size_t l = quick_partsep(s, t, n, &range);
        if (l == SIZE_MAX)
            return QUICK_UNSURE;
        if (!l)
            break;
        r = quick_spaces(s, t + l, n);
        if (r == SIZE_MAX || r >= n)
            return QUICK_UNSURE;
        if (s[r] >= 'A' && s[r] <= 'Z')
            continue;
        /* no part after PARTSEP: the token ends after the last part */
        if (s[r] >= 0x80) {
            size_t cl = rg_utf8_seqlen(s + r, n - r);
            uint32_t c = cl ? rg_utf8_decode(s + r, cl) : 0;
            if (!cl || rg_is_space(c) || (c >= 0xFF21 && c <= 0xFF3A))
                return QUICK_UNSURE;
        }
        break;
    }
    *e = end;
    *np = k;
    return T_ITEM;
}

/* quick_item_end() past the spaces r - q, at no 号. */
__attribute__((noinline)) static int quick_item_end_other(const unsigned char *s, size_t q,
                                                          size_t r, size_t n, size_t *e,
                                                          char *parts, size_t *np)
{
    /* a character after them that is no other space (SPS), digit (BRK D, D),
     * slash (SL), capital (PART) or 号: the token ends at q */
    uint32_t c = s[r];
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z')
            return quick_parts(s, q, r, n, e, parts, np);
        if ((c >= '0' && c <= '9') || c == '/' || rg_is_space(c))
            return QUICK_UNSURE;
    } else {
        size_t l = rg_utf8_seqlen(s + r, n - r);
        if (!l)
            return QUICK_UNSURE;
        c = rg_utf8_decode(s + r, l);
        if (rg_is_space(c) || (c >= 0xFF10 && c <= 0xFF19) || c == 0xFF0F ||
            (c >= 0xFF21 && c <= 0xFF3A))
            return QUICK_UNSURE;
    }
    *e = q;
    return T_ITEM;
}

/* Whether what follows a reference at q is 号, or a character that neither
 * SPS, BRK, D, SL nor PART can take, or parts (quick_parts(): parts[0..*np)). */
static inline int quick_item_end(const unsigned char *s, size_t q, size_t n, size_t *e,
                                 char *parts, size_t *np)
{
    /* spaces (none, or a run SPS takes) and 号: BRK finds no digit after them,
     * the lookahead no slash, PART no capital */
    size_t r = quick_spaces(s, q, n);
    if (r == SIZE_MAX || r >= n)
        return QUICK_UNSURE;
    if (quick_is(s, r, n, "号") || quick_is(s, r, n, "號")) {
        *e = r + 3;
        return T_ITEM;
    }
    return quick_item_end_other(s, q, r, n, e, parts, np);
}

/* After p, 1 to 4 ASCII digits that NUM4 takes whole (no fifth digit; the
 * caller sees that no digit follows the spaces after them, so BRK D fails):
 * the place after them, or SIZE_MAX; their value in *v. */
static size_t quick_num4(const unsigned char *s, size_t p, size_t n, long *v)
{
    /* five digits at most are looked at: a fifth makes too many */
    size_t k = 0;
    long x = 0;
    for (unsigned d; k < 5 && (d = s[p + k] - (unsigned)'0') <= 9; k++)
        x = x * 10 + d;
    *v = x;
    return k >= 1 && k <= 4 ? p + k : SIZE_MAX;
}

/* Whether the character at r is a space quick_spaces() does not take (or not
 * one character): the pattern's SPS might, so the reader is unsure. */
static inline bool quick_odd_space(const unsigned char *s, size_t r, size_t n)
{
    size_t l = rg_utf8_seqlen(s + r, n - r);
    return !l || rg_is_space(rg_utf8_decode(s + r, l));
}

/* quick_num4() for digits ASCII or full-width (D), mixed, read one by one. */
__attribute__((noinline)) static size_t quick_num4_mixed(const unsigned char *s, size_t p,
                                                         size_t n, long *v)
{
    size_t q = p;
    int k = 0;
    long x = 0;
    for (int d; k < 5 && (d = quick_d(s, &q, n)) >= 0; k++)
        x = x * 10 + d;
    *v = x;
    return k >= 1 && k <= 4 ? q : SIZE_MAX;
}

/* quick_num4() for digits ASCII or full-width (D), their value in *v (as
 * read_digits() reads them).  Most are ASCII with no full-width digit after
 * them, read as quick_num4() reads them. */
static inline size_t quick_num4_d(const unsigned char *s, size_t p, size_t n, long *v)
{
    size_t q = quick_num4(s, p, n, v);
    /* ASCII only (or five ASCII digits: too many either way); the byte EF first,
     * as most numbers end before a byte of another lead */
    if (q != SIZE_MAX ? q >= n || s[q] != 0xEF || !quick_fw_digit(s, q, n)
                      : quick_digit(s, p, n))
        return q;
    return quick_num4_mixed(s, p, n, v);
}

/* The reference of a token quick_item() read, as parse_ref() reads it: the
 * gaps are spaces that rg_skip_spaces() takes too, with no digit after them for
 * read_digits() to join, and its np parts in tz->parts.  A slash, year or
 * Roman shape, a and b as read; nref refs (one a part), 0 when parse_ref()
 * would find the numbers out of range. */
static void quick_ref(tokenizer *tz, rg_shape shape, bool e_prefix, bool s_prefix, long a, long b,
                      size_t np)
{
    rg_ref *r = &tz->ref;
    memset(r, 0, sizeof *r);
    r->shape = shape;
    if (e_prefix)
        memcpy(r->prefix, "ES", 3);
    else if (s_prefix)
        memcpy(r->prefix, "S", 2);
    r->a = a;
    r->b = b;
    tz->ref_known = true;
    tz->nparts = np;
    bool valid;
    if (shape == RG_SHAPE_SLASH)
        valid = slash_ok(a, b);
    else if (shape == RG_SHAPE_YEAR)
        valid = year_ok(b);
    else
        valid = b != 0; /* a Roman numeral rg_roman_value() rejects */
    tz->nref = !valid ? 0 : np ? np : 1;
}

/* Whether the character at q (q < n, where quick_spaces() stopped) can go on
 * neither a number (D) nor a run of spaces (SPS takes some that quick_spaces()
 * does not: their leads C2, E1 to E3 and EF, which full-width digits and forms
 * share). */
static bool quick_stops(const unsigned char *s, size_t q)
{
    unsigned char c = s[q];
    if (c < 0x80)
        return !(c >= '0' && c <= '9') && !rg_is_space(c);
    return c != 0xC2 && (c < 0xE1 || c > 0xE3) && c != 0xEF;
}

/* T_ITEM's second branch after NUM4 SPS, at q (an LP): LP SPS (?:YEAR|[IVXL]{1,7})
 * SPS RP, then 号 or a character SPS cannot take; the number before it is a,
 * the capital before LP part (0: none).  Apart from quick_item(): the
 * shape is rarer, and the code inlined there made the common path slower. */
__attribute__((noinline)) static int quick_paren(tokenizer *tz, size_t q, long a, size_t *e,
                                                 char part)
{
    const unsigned char *s = (const unsigned char *)tz->text;
    size_t n = tz->len;
    q = quick_spaces(s, q + (s[q] == '(' ? 1 : 3), n);
    if (q == SIZE_MAX)
        return QUICK_UNSURE;
    rg_shape shape = RG_SHAPE_ROMAN;
    long b;
    size_t k = 0;
    while (k < 8 && q + k < n &&
           (s[q + k] == 'I' || s[q + k] == 'V' || s[q + k] == 'X' || s[q + k] == 'L'))
        k++;
    if (k > 7) {
        return QUICK_UNSURE;
    } else if (k) {
        b = rg_roman_value((const char *)s + q, k);
        q += k;
    } else {
        if (n - q < 4 || !quick_digit(s, q, n) || !quick_digit(s, q + 1, n) ||
            !quick_digit(s, q + 2, n) || !quick_digit(s, q + 3, n))
            return QUICK_UNSURE;
        b = (s[q] - '0') * 1000 + (s[q + 1] - '0') * 100 + (s[q + 2] - '0') * 10 +
            (s[q + 3] - '0');
        shape = RG_SHAPE_YEAR;
        q += 4;
    }
    q = quick_spaces(s, q, n);
    if (q == SIZE_MAX || q >= n || !(s[q] == ')' || quick_is(s, q, n, "）")))
        return QUICK_UNSURE;
    q += s[q] == ')' ? 1 : 3;
    /* then (?:SPS [号號])?, unless SPS may go on past the spaces seen */
    size_t r = quick_spaces(s, q, n);
    if (r == SIZE_MAX || r >= n)
        return QUICK_UNSURE;
    if (quick_is(s, r, n, "号") || quick_is(s, r, n, "號")) {
        *e = r + 3;
    } else {
        if (quick_odd_space(s, r, n))
            return QUICK_UNSURE;
        *e = q;
    }
    quick_ref(tz, shape, false, false, a, b, part != 0);
    if (part) {
        /* 217 A(III), its one part; parse_ref() takes no year with a part */
        tz->parts[0] = part;
        if (shape == RG_SHAPE_YEAR)
            tz->nref = 0;
    }
    return T_ITEM;
}

/* T_ITEM's second branch after NUM4 SPS, at q (an ASCII capital): UP SPS LP
 * and the rest as quick_paren() reads them, the capital the reference's part
 * (217 A(III)).  With no LP after the capital and its spaces (1 A/78/1, a
 * footnote's number before a symbol) no alternative of the class matches:
 * the first branch wants SL there, the second UP SPS LP or LP, the two after
 * it CN, which the number's first digit is not (or LP after CN{2,5}), T_DATE
 * four digits and 年, and T_FURN and T_HEADCN a line start that
 * quick_token() has ruled out.  Apart: the shapes are rare. */
__attribute__((noinline)) static int quick_item_upper(tokenizer *tz, size_t q, long a, size_t *e)
{
    const unsigned char *s = (const unsigned char *)tz->text;
    size_t n = tz->len;
    size_t r = quick_spaces(s, q + 1, n);
    if (r == SIZE_MAX || r >= n)
        return QUICK_UNSURE;
    if (s[r] == '(' || quick_is(s, r, n, "（"))
        return quick_paren(tz, r, a, e, (char)s[q]);
    /* a space SPS takes and quick_spaces() does not, before LP: unsure */
    if (s[r] >= 0x80 && quick_odd_space(s, r, n))
        return QUICK_UNSURE;
    return QUICK_NONE;
}

/* After the number at p (ending at a_end) and spaces, at q a digit (议程项目
 * 69⏎⏎2016 年…): BRK may join the two runs of digits into NUM4 or YEAR when
 * the spaces hold a line break, which is taken to be so.  No alternative of the class matches when none of the
 * readings can go on: after the second run a character that is no D, space,
 * SL, LP or capital, and not 年 after four digits in all.  (The first run's
 * digits alone leave spaces and a digit, no SL, LP or capital; a reading that
 * ends inside the second run a digit.  CN, T_FURN and T_HEADCN as in
 * quick_item_upper().)  Else unsure; apart, as it is rare. */
__attribute__((noinline)) static int quick_item_broken(const tokenizer *tz, size_t p,
                                                       size_t a_end, size_t q)
{
    const unsigned char *s = (const unsigned char *)tz->text;
    size_t n = tz->len, r = q;
    for (size_t i = p; i < a_end; i++)
        if (!quick_digit(s, i, n))
            return QUICK_UNSURE; /* a full-width digit among them */
    while (quick_digit(s, r, n))
        r++;
    if (r >= n || !quick_stops(s, r) || s[r] == '/' || s[r] == '(' ||
        (s[r] >= 'A' && s[r] <= 'Z') ||
        ((a_end - p) + (r - q) == 4 && quick_is(s, r, n, "年")))
        return QUICK_UNSURE;
    return QUICK_NONE;
}

/* quick_item() from p, past the prefix S- or ES- when special (e_prefix: ES-). */
__attribute__((always_inline)) static inline int quick_item_from(tokenizer *tz, size_t p,
                                                                 bool special, bool e_prefix,
                                                                 size_t *e)
{
    const unsigned char *s = (const unsigned char *)tz->text;
    size_t n = tz->len;
    long a, b;
    size_t a_end = quick_num4_d(s, p, n, &a), q;
    if (a_end == SIZE_MAX || (q = quick_spaces(s, a_end, n)) == SIZE_MAX || q >= n)
        return QUICK_UNSURE;
    if (s[q] == '/' || quick_is(s, q, n, "／")) {
        /* NUM4 SPS SL SPS NUM4 */
        size_t b_at = quick_spaces(s, q + (s[q] == '/' ? 1 : 3), n), b_end;
        if (b_at == SIZE_MAX || (b_end = quick_num4_d(s, b_at, n, &b)) == SIZE_MAX)
            return QUICK_UNSURE;
        size_t np = 0;
        int k = quick_item_end(s, b_end, n, e, tz->parts, &np);
        if (k == T_ITEM)
            quick_ref(tz, RG_SHAPE_SLASH, e_prefix, special, a, b, np);
        return k;
    }
    if (special)
        return QUICK_UNSURE;
    if (s[q] >= 'A' && s[q] <= 'Z')
        return quick_item_upper(tz, q, a, e);
    if (s[q] >= '0' && s[q] <= '9') /* after spaces (most often with a line break) */
        return quick_item_broken(tz, p, a_end, q);
    if (!(s[q] == '(' || quick_is(s, q, n, "（")))
        return QUICK_UNSURE;
    return quick_paren(tz, q, a, e, 0);
}

/* quick_item() at an E or S: (?:(?:E SPS)?S SPS HY SPS)?, taken whole, else no
 * first branch.  Apart: the prefix is rare, and its tests made the common path
 * slower. */
__attribute__((noinline)) static int quick_item_prefixed(tokenizer *tz, size_t p, size_t *e)
{
    const unsigned char *s = (const unsigned char *)tz->text;
    size_t n = tz->len;
    bool e_prefix = s[p] == 'E';
    size_t q = p;
    if (s[q] == 'E' && (q = quick_spaces(s, q + 1, n)) == SIZE_MAX)
        return QUICK_UNSURE;
    if (q >= n || s[q] != 'S' || (q = quick_spaces(s, q + 1, n)) == SIZE_MAX || q >= n ||
        s[q] != '-' || (q = quick_spaces(s, q + 1, n)) == SIZE_MAX)
        return QUICK_UNSURE;
    return quick_item_from(tz, q, true, e_prefix, e);
}

/* T_ITEM's first two branches from p (after 第 and its spaces, if any): "44/493",
 * "46 / 136", "S-10/2", "1325（2000）", "2625(XXV)", then 号 or a character none of the rest
 * can take.  prefix: S- and ES- may open it.  The token's reference goes to
 * tz->ref (quick_ref()).  Always inlined: the call and the registers it saves
 * cost about 20 instructions a token, and GCC would not inline it. */
__attribute__((always_inline)) static inline int quick_item(tokenizer *tz, size_t p, bool prefix,
                                                            size_t *e)
{
    const unsigned char *s = (const unsigned char *)tz->text;
    if (prefix && p < tz->len && (s[p] == 'E' || s[p] == 'S'))
        return quick_item_prefixed(tz, p, e);
    return quick_item_from(tz, p, false, false, e);
}

/* the ASCII of [A-Za-z0-9./-] (NOTAFTER) */
#define R2(c) [c] = 1, [c + 1] = 1
#define R10(c) R2(c), R2(c + 2), R2(c + 4), R2(c + 6), R2(c + 8)
#define R26(c) R10(c), R10(c + 10), R2(c + 20), R2(c + 22), R2(c + 24)
static const bool not_after_ascii[128] = {R10('0'), R26('A'), R26('a'),
                                          ['.'] = 1, ['/'] = 1, ['-'] = 1};
/* a symbol's parts: 1 [A-Za-z0-9], 2 '-' */
static const unsigned char symbol_byte[256] = {R10('0'), R26('A'), R26('a'), ['-'] = 2};
#undef R2
#undef R10
#undef R26

/* NOTAFTER: the character before p is none of [A-Za-z0-9./-] or a full-width
 * digit.  Inlined: most characters before 第 are Chinese, whose last byte is
 * mostly outside a full-width digit's 90-99. */
static inline bool quick_not_after(const unsigned char *s, size_t p)
{
    if (p == 0)
        return true;
    unsigned c = s[p - 1];
    if (c < 0x80)
        return !not_after_ascii[c];
    return c < 0x90 || c > 0x99 || !(p >= 3 && s[p - 3] == 0xEF && s[p - 2] == 0xBC);
}

/* 1990 年 12 月 2 日 at p (a digit, not '0'): T_DATE's first branch; its year,
 * month and day in ymd (in ASCII digits, or D when wide, as parse_date() reads
 * them).  The caller has read YEAR SPS 年 (four digits and no fifth, their
 * value year): q is the place after 年.  QUICK_NONE when no digit follows 年
 * or 月 and their spaces. */
__attribute__((always_inline)) static inline int quick_date(const unsigned char *s, size_t p,
                                                            size_t q, size_t n, int year,
                                                            size_t *e, int ymd[3], bool wide)
{
    static const char units[3][4] = {"年", "月", "日"};
    /* the lookbehind: no digit, ASCII or full-width, before it */
    if ((p > 0 && s[p - 1] >= '0' && s[p - 1] <= '9') ||
        (p >= 3 && quick_fw_digit(s, p - 3, p)))
        return QUICK_UNSURE;
    int got[3] = {year, 0, 0};
    for (int k = 1; k < 3; k++) {
        /* SPS, then NUM2: one or two digits (a third is no unit, below) */
        if ((q = quick_spaces(s, q, n)) == SIZE_MAX)
            return QUICK_UNSURE;
        int v;
        if (wide) { /* D: ASCII or full-width */
            if ((v = quick_d(s, &q, n)) < 0)
                return QUICK_UNSURE;
            int w = quick_d(s, &q, n);
            if (w >= 0)
                v = v * 10 + w;
        } else {
            /* no digit after 年 or 月 and their spaces (2030 年⏎⏎可持续…): no
             * alternative of the class matches (T_ITEM wants SL, LP or a
             * capital after the year) */
            if (!quick_digit(s, q, n))
                return q < n && quick_stops(s, q) ? QUICK_NONE : QUICK_UNSURE;
            /* a second digit or none (12 月, 2 日) by arithmetic: which follows
             * the text, and a test on it was mostly mispredicted */
            unsigned d0 = s[q] - (unsigned)'0', d1 = s[q + 1] - (unsigned)'0';
            bool two = d1 <= 9;
            v = (int)(d0 + (-(unsigned)two & (d0 * 9 + d1))); /* d0 * 10 + d1 when two */
            q += 1 + two;
        }
        got[k] = v;
        /* spaces and the unit: after one digit, BRK finds no digit after them */
        q = quick_spaces(s, q, n);
        if (q == SIZE_MAX || n - q < 3 || memcmp(s + q, units[k], 3)) /* 3 bytes each */
            return QUICK_UNSURE;
        q += 3;
    }
    memcpy(ymd, got, sizeof got);
    *e = q;
    return T_DATE;
}

/* A date at p, a full-width digit (１９９５ 年 ３ 月 ２ 日): its four digits of
 * the year (D, ASCII or full-width, no fifth) and 年, then quick_date().  No
 * other alternative of the class can match at a full-width digit first: T_FURN
 * and T_HEADCN start with a space or an ASCII digit.  Apart, for it is rare;
 * unsure for the rest (numbers such as ６８／３７). */
__attribute__((noinline)) static int quick_date_wide(tokenizer *tz, size_t p, size_t *e)
{
    const unsigned char *s = (const unsigned char *)tz->text;
    size_t n = tz->len, q = p;
    int year = 0;
    for (int k = 0; k < 4; k++) {
        int v = quick_d(s, &q, n);
        if (v < 0)
            return QUICK_UNSURE;
        year = year * 10 + v;
    }
    size_t r = quick_d(s, &q, n) >= 0 ? SIZE_MAX : quick_spaces(s, q, n);
    if (r == SIZE_MAX || !quick_is(s, r, n, "年"))
        return QUICK_UNSURE;
    return quick_date(s, p, r + 3, n, year, e, tz->date, true);
}

/* After p, a run of spaces and tabs (and returns when cr) that [ \t]{0,16} or
 * [ \t\r]{0,16} takes whole: the place after it, or SIZE_MAX when it is longer
 * (the quantifier stops at 16 and what follows cannot be a space: no match). */
static size_t quick_blanks(const unsigned char *s, size_t p, size_t n, bool cr)
{
    size_t q = p;
    while (q < n && (s[q] == ' ' || s[q] == '\t' || (cr && s[q] == '\r')))
        if (++q - p > 16)
            return SIZE_MAX;
    return q;
}

/* k ASCII digits at p exactly (no more digits follow): the place after them,
 * or SIZE_MAX.  lo..hi: how many may stand there. */
static size_t quick_digits(const unsigned char *s, size_t p, size_t n, size_t lo, size_t hi)
{
    size_t q = p;
    while (q - p <= hi && quick_digit(s, q, n))
        q++;
    return q - p >= lo && q - p <= hi ? q : SIZE_MAX;
}

/* A page footer at p, a digit at a line start: 23-18952 2/4 (T_FURN's first
 * branch) or 2/4 23-18952 (its second, tried when the first cannot start
 * here), both with their (C) and trailing spaces, to the end of the line.
 * Taken only when each quantifier's greedy reading reaches the line's end,
 * which is then the match the JIT code finds first; else unsure. */
static int quick_furn(const unsigned char *s, size_t p, size_t n, size_t *e)
{
    size_t q;
    bool first = n - p >= 3 && quick_digit(s, p, n) && quick_digit(s, p + 1, n) && s[p + 2] == '-';
    if (first) {
        /* [0-9]{2}-[0-9]{5} */
        q = quick_digits(s, p + 3, n, 5, 5);
    } else {
        /* [0-9]{1,3}/[0-9]{1,3}[ \t]{1,16}[0-9]{2}-[0-9]{5} */
        q = quick_digits(s, p, n, 1, 3);
        if (q == SIZE_MAX || q >= n || s[q] != '/' ||
            (q = quick_digits(s, q + 1, n, 1, 3)) == SIZE_MAX)
            return QUICK_UNSURE;
        size_t r = quick_blanks(s, q, n, false);
        if (r == SIZE_MAX || r == q || n - r < 3 || !quick_digit(s, r, n) ||
            !quick_digit(s, r + 1, n) || s[r + 2] != '-')
            return QUICK_UNSURE;
        q = quick_digits(s, r + 3, n, 5, 5);
    }
    if (q == SIZE_MAX)
        return QUICK_UNSURE;
    /* (?:[ \t]{0,16}\(C\))? */
    size_t r = quick_blanks(s, q, n, false);
    if (r == SIZE_MAX)
        return QUICK_UNSURE;
    if (quick_is(s, r, n, "(C)"))
        q = r + 3;
    if (first) {
        /* (?:[ \t]{1,16}[0-9]{1,3}/[0-9]{1,3})?, left out when it does not match */
        r = quick_blanks(s, q, n, false);
        size_t t = r == SIZE_MAX || r == q ? SIZE_MAX : quick_digits(s, r, n, 1, 3);
        if (t != SIZE_MAX && t < n && s[t] == '/') {
            /* the second number greedy (a fourth digit then fails below) */
            size_t u = t + 1;
            while (u - (t + 1) < 3 && quick_digit(s, u, n))
                u++;
            if (u > t + 1)
                q = u;
        }
    }
    /* [ \t\r]{0,16}(?m:$) */
    r = quick_blanks(s, q, n, true);
    if (r == SIZE_MAX || (r < n && s[r] != '\n'))
        return QUICK_UNSURE;
    *e = r;
    return T_FURN;
}

/* Whether T_FURN may match at p, a digit at a line start: its first branch
 * needs [0-9]{2}- there, its second [0-9]{1,3}/[0-9]{1,3}[ \t] (the digit
 * runs read whole, as no quantifier can stop before a digit and go on). */
static bool quick_furn_may(const unsigned char *s, size_t p, size_t n)
{
    size_t q = p;
    while (q - p < 4 && quick_digit(s, q, n))
        q++;
    if (q - p == 2 && q < n && s[q] == '-')
        return true;
    if (q - p > 3 || q >= n || s[q] != '/')
        return false;
    size_t r = ++q;
    while (r - q < 4 && quick_digit(s, r, n))
        r++;
    return r > q && r - q <= 3 && r < n && (s[r] == ' ' || s[r] == '\t');
}

static bool quick_alnum(const unsigned char *s, size_t p, size_t n)
{
    return p < n && symbol_byte[s[p]] == 1;
}

/* A document symbol at p (a capital): T_SYMBOL, the first of its class.  Past
 * its root and first part, every piece of the alternative is optional, so the
 * greedy reading of each is the match the JIT code finds; unsure only where a
 * space it does not take (SPS) may stand before 号. */
static int quick_symbol(const unsigned char *s, size_t p, size_t n, size_t *e)
{
    /* ROOTS (keep the two in step): the capitals before the first slash, which
     * only one of them can be (a slash is no capital) */
    static const char *const roots[] = {
        "A",   "S",    "E",   "ST",   "SC",    "GA",   "CD",    "DP",  "TD",   "UNEP",
        "HRI", "CCPR", "CAT", "CRC",  "CEDAW", "CERD", "CMW",   "CRPD", "ICCD", "FCCC",
        "ECE", "JIU",  "IDB", "PBC",  "ISBA",  "SPLOS", "UNW",  "ICEF", "DC",   "NPT",
        "CCW", "APLC", "BWC", "CTBT", "ITLOS", "OPCW", "UNCTAD"};
    if (!quick_not_after(s, p))
        return QUICK_UNSURE;
    size_t q = p;
    while (q < n && s[q] >= 'A' && s[q] <= 'Z' && q - p < 7)
        q++;
    bool root = false;
    for (size_t i = 0; i < sizeof roots / sizeof *roots && !root; i++)
        root = strlen(roots[i]) == q - p && !memcmp(s + p, roots[i], q - p);
    if (!root)
        return QUICK_UNSURE;
    /* (?:SL [A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9]+)*)+ */
    size_t parts = 0;
    for (;;) {
        size_t r = q < n && s[q] == '/' ? q + 1 : quick_is(s, q, n, "／") ? q + 3 : SIZE_MAX;
        if (r == SIZE_MAX || !quick_alnum(s, r, n))
            break;
        for (r++; r < n && symbol_byte[s[r]]; r++)
            ;
        while (r + 1 < n && s[r] == '.' && quick_alnum(s, r + 1, n))
            for (r += 2; quick_alnum(s, r, n); r++)
                ;
        q = r;
        parts++;
    }
    if (!parts)
        return QUICK_UNSURE;
    /* (?:[ \x{a0}]? LP [0-9]{4} RP)? */
    size_t r = q < n && s[q] == ' ' ? q + 1 : quick_is(s, q, n, "\u00a0") ? q + 2 : q;
    size_t l = r < n && s[r] == '(' ? 1 : quick_is(s, r, n, "（") ? 3 : 0;
    if (l && n - (r + l) >= 4 && quick_digit(s, r + l, n) && quick_digit(s, r + l + 1, n) &&
        quick_digit(s, r + l + 2, n) && quick_digit(s, r + l + 3, n)) {
        size_t t = r + l + 4;
        size_t k = t < n && s[t] == ')' ? 1 : quick_is(s, t, n, "）") ? 3 : 0;
        if (k)
            q = t + k;
    }
    /* (?: SPS [号號] (?:[决決](?:[议議]|定)|文件)? )? */
    r = quick_spaces(s, q, n);
    if (r == SIZE_MAX)
        return QUICK_UNSURE;
    if (quick_is(s, r, n, "号") || quick_is(s, r, n, "號")) {
        q = r + 3;
        if ((quick_is(s, q, n, "决") || quick_is(s, q, n, "決")) &&
            (quick_is(s, q + 3, n, "议") || quick_is(s, q + 3, n, "議") || quick_is(s, q + 3, n, "定")))
            q += 6;
        else if (quick_is(s, q, n, "文件"))
            q += 6;
    } else if (r < n && s[r] >= 0x80) {
        /* a space SPS takes and quick_spaces() does not: the JIT code says */
        if (quick_odd_space(s, r, n))
            return QUICK_UNSURE;
    }
    *e = q;
    return T_SYMBOL;
}

/* A number at p (an ASCII digit, not '0', after no character NOTAFTER
 * refuses) that starts no date: a footer at a line start (T_FURN comes first),
 * else T_ITEM's first branches.  Apart: one digit in ten that starts a token
 * gets here, and inlined, the reading of a reference a second time left no
 * room in rg_scan_run() for what the other classes inline. */
__attribute__((noinline)) static int quick_number(tokenizer *tz, size_t p, size_t *e)
{
    const unsigned char *s = (const unsigned char *)tz->text;
    size_t n = tz->len;
    if (s[p - 1] == '\n') {
        int k = quick_furn(s, p, n, e);
        if (k != QUICK_UNSURE || quick_furn_may(s, p, n))
            return k;
    }
    return quick_item(tz, p, false, e);
}

/* The kind of the token at p (of class cls) in a valid text, its end in *e;
 * QUICK_UNSURE when the JIT code must say. */
static int quick_token(tokenizer *tz, rg_start_class cls, size_t p, size_t *e)
{
    const unsigned char *s = (const unsigned char *)tz->text;
    size_t n = tz->len;
    switch (cls) {
    case RG_START_LINK: {
        /* https?://(?:www\.)?undocs\.org/[!-~]+ : no part can give back */
        size_t q = p + 4; /* "http" (the prefilter's trigger) */
        if (s[q] == 's')
            q++;
        if (!quick_is(s, q, n, "://"))
            return QUICK_UNSURE;
        q += 3;
        if (quick_is(s, q, n, "www."))
            q += 4;
        if (!quick_is(s, q, n, "undocs.org/"))
            return QUICK_UNSURE;
        q += 11;
        size_t from = q;
        q += rg_graphic_span((const char *)s + q, n - q);
        if (q == from)
            return QUICK_UNSURE;
        *e = q;
        return T_LINK;
    }
    case RG_START_DI: {
        /* 第 and spaces: T_ITEM's first branches, if any */
        size_t q = quick_spaces(s, p + 3, n);
        if (!quick_not_after(s, p) || q == SIZE_MAX)
            return QUICK_UNSURE;
        return quick_item(tz, q, true, e);
    }
    case RG_START_DIGIT: {
        if (s[p] == 0xEF)
            return quick_date_wide(tz, p, e);
        /* not '0', a Chinese digit (CN) for T_HEADCN and T_DATE's second branch */
        if (!quick_digit(s, p, n) || s[p] == '0')
            return QUICK_UNSURE;
        /* four digits and 年: at a line start, no footer (T_FURN) has them */
        long v;
        size_t q = quick_num4(s, p, n, &v);
        size_t r = q != SIZE_MAX && q - p == 4 ? quick_spaces(s, q, n) : SIZE_MAX;
        if (r != SIZE_MAX && quick_is(s, r, n, "年"))
            return quick_date(s, p, r + 3, n, (int)v, e, tz->date, false);
        /* 46/136, 1325(2000): no date (a '/' or '(' after the digits and their
         * spaces, no 年); a footer may start so at a line start, and comes first */
        if (p == 0 || !quick_not_after(s, p))
            return QUICK_UNSURE;
        return quick_number(tz, p, e);
    }
    case RG_START_UPPER:
        return quick_symbol(s, p, n, e);
    case RG_START_JUE: {
        /* 决议 (not 决议案: T_OLD), 决定, with no space between (SPS) */
        if (quick_is(s, p + 3, n, "定")) {
            *e = p + 6;
            return T_CLOSER;
        }
        if ((quick_is(s, p + 3, n, "议") || quick_is(s, p + 3, n, "議")) &&
            !quick_is(s, p + 6, n, "案")) {
            *e = p + 6;
            return T_CLOSER;
        }
        /* or with spaces between (决⏎⏎议), which T_OLD does not take */
        size_t q = quick_spaces(s, p + 3, n);
        if (q != SIZE_MAX && q > p + 3 &&
            (quick_is(s, q, n, "议") || quick_is(s, q, n, "議") || quick_is(s, q, n, "定"))) {
            *e = q + 3;
            return T_CLOSER;
        }
        return QUICK_UNSURE;
    }
    default:
        return QUICK_UNSURE;
    }
}

/* The first token at or after pos (positions asked for must not decrease):
 * its kind and place, T_NONE when there is none, or a PCRE2 error code. */
static int next_token(tokenizer *tz, size_t pos, size_t *s, size_t *e)
{
    PCRE2_SPTR subject = (PCRE2_SPTR)tz->text;
    int rc;
    int kind = T_NONE; /* the alternative that matched; T_NONE: group g is kind g */
    if (tz->fast) {
        for (;;) {
            rg_start_class cls;
            size_t start = rg_starts_next(&tz->starts, pos, &cls);
            if (start == SIZE_MAX)
                return T_NONE;
            if (tz->valid) {
                int k = quick_token(tz, cls, start, e);
                if (k > 0) {
                    *s = start;
                    return k;
                }
                if (k == QUICK_NONE) { /* what the JIT code's no match would say */
                    pos = start + 1;
                    continue;
                }
            }
            /* what the readers hand over is set by each of them for its own kind
             * (quick_date(), quick_ref()); the JIT code's tokens have none */
            tz->date[0] = 0;
            tz->ref_known = false;
            rc = PCRE2_ERROR_NOMATCH;
            for (size_t i = 0; i < sizeof class_kinds[0] / sizeof class_kinds[0][0] &&
                               class_kinds[cls][i] != T_NONE && rc == PCRE2_ERROR_NOMATCH;
                 i++) {
                kind = class_kinds[cls][i];
                rc = pcre2_jit_match(tz->at[kind], subject, tz->len, start, tz->options, tz->md,
                                     tz->mc);
            }
            if (rc != PCRE2_ERROR_NOMATCH)
                break;
            pos = start + 1;
        }
    } else {
        tz->date[0] = 0;
        tz->ref_known = false;
        rc = pcre2_match(compiled.re, subject, tz->len, pos, tz->options, tz->md, tz->mc);
        if (rc == PCRE2_ERROR_NOMATCH)
            return T_NONE;
    }
    if (rc < 0)
        return rc;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(tz->md);
    *s = ov[0];
    *e = ov[1];
    if (kind != T_NONE)
        return kind;
    for (int g = 1; g < rc; g++)
        if (ov[2 * g] != PCRE2_UNSET)
            return g;
    return T_NONE;
}

rg_status rg_scan_run(scan *sc, rg_error *err)
{
    pthread_once(&compiled.once, compile_patterns);
    bool fast = false;
    if (!sc->ds->reference) {
        if (!sc->t->valid)
            pthread_once(&compiled.once_at, compile_at);
        fast = sc->t->valid ? compiled.jit_valid : compiled.jit_at;
    }
    if (!fast) { /* the search of every byte */
        pthread_once(&compiled.once_re, compile_re);
        if (!compiled.re)
            return rg_fail(err, RG_ELIB, "%s", compiled.error);
    }
    tokenizer tz;
    if (!tokenizer_init(&tz, sc, fast)) {
        tokenizer_free(&tz);
        return rg_fail(err, RG_ENOMEM, "%s: out of memory", sc->name);
    }
    size_t pos = 0;
    rg_status st = RG_OK;
    while (pos < sc->len && !sc->nomem) {
        size_t s = pos, e = pos;
        int kind = next_token(&tz, pos, &s, &e);
        if (kind == T_NONE)
            break;
        if (kind < 0) {
            PCRE2_UCHAR msg[200];
            pcre2_get_error_message(kind, msg, sizeof msg);
            st = rg_fail(err, RG_ELIB, "%s: byte %zu: PCRE2: %s", sc->name,
                         orig_offset(sc, pos), (const char *)msg);
            break;
        }
        switch (kind) {
        case T_LINK:
            on_link(sc, s, e);
            break;
        case T_FURN:
            pass_over(sc, s, e);
            break;
        case T_SYMBOL:
            on_symbol(sc, s, e);
            break;
        case T_OLD:
            on_item(sc, s, e, true, NULL, 0, NULL);
            break;
        case T_DATE: {
            int y = tz.date[0], m = tz.date[1], d = tz.date[2];
            /* quick_date() read it already: parse_date() would read the same */
            bool known = y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
            if (y ? known : parse_date(sc->text + s, sc->text + e, &y, &m, &d)) {
                sc->have_date = true;
                sc->date_s = s;
                sc->date_e = e;
                format_date(sc->date, y, m, d);
                /* the document's own adoption date: the first date followed by
                 * 第N次全体会议, 第N次会议通过 or 通过的决议 */
                if (!sc->adopted[0] && adoption_after(sc->text + e, sc->text + sc->len))
                    memcpy(sc->adopted, sc->date, sizeof sc->adopted);

            }
            pass_over(sc, s, e);
            break;
        }
        case T_HEADCN: {
            rg_ref refs[MAX_PARTS];
            if (parse_ref(sc->text + s, sc->text + e, refs) == 1) {
                idcand c = {.kind = ID_HEADING, .ref = refs[0], .first = s};
                rg_identity_candidate(sc, &c);
            }
            break;
        }
        case T_ITEM:
            if (!on_item(sc, s, e, false, tz.ref_known ? &tz.ref : NULL, tz.nref,
                         tz.nparts ? tz.parts : NULL)) {
                /* "议程项目 2⏎54/254.": a number that only a line break joined */
                const char *nl = memchr(sc->text + s, '\n', e - s);
                if (nl) {
                    pos = (size_t)(nl - sc->text) + 1;
                    continue;
                }
            }
            break;
        case T_CLOSER:
            on_closer(sc, s, e);
            break;
        default:
            break;
        }
        pos = e > s ? e : s + 1;
    }
    tokenizer_free(&tz);
    if (st == RG_OK)
        break_run(sc);
    return st;
}

