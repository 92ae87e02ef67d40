/*
 * paragraphs.c - where a mention stands: which paragraph, opened by which verb.
 *
 * A UN resolution is a subject (大会，), preambular paragraphs that each open
 * with a verb (回顾, 重申, 注意到 …), and numbered operative paragraphs (1. 决定 …);
 * footnotes sit at the foot of pages.  Text taken from a PDF breaks lines
 * anywhere, marks paragraph starts with an indent, and interleaves page
 * headers, footers, link lines and footnotes with the body; text taken from
 * a web page may hold a whole resolution on one line.  This file cuts such
 * text into paragraphs labelled P1, P2 … (preamble), O1, O2 … (operative),
 * F1 … (footnotes), each with its opening verb.  It reads layout only: it
 * finds no citation.
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2 1
#endif

/* Verbs that open clauses, longest first where one begins another. */
static const char *const verbs[] = {
    "满意地注意到", "赞赏地注意到", "关切地注意到", "遗憾地注意到", "严重关切地注意到",
    "表示注意到", "表示关切", "表示遗憾", "表示赞赏", "表示感谢", "表示支持", "表示",
    "深表关切", "严重关切", "深为关切", "深感关切", "强调指出", "着重指出", "再次强调",
    "强烈谴责", "注意到", "认识到", "意识到", "考虑到", "审议了", "回顾", "忆及", "重申",
    "欢迎", "铭记", "确认", "承认", "深信", "相信", "申明", "赞赏", "感谢", "决定",
    "促请", "敦促", "吁请", "呼吁", "鼓励", "邀请", "支持", "赞同", "核可", "核准",
    "授权", "建议", "要求", "谴责", "宣布", "强调", "指出", "纪念", "覆按", "复查",
    "欣见", "赞扬", "称赞", "认为", "深感", "痛惜", "警告", "请", "见", "注意",
    "同意", "通过", "提及", "参照", "根据", "重申", "坚信", "希望", "期待",
    /* traditional */
    "注意到", "認識到", "意識到", "考慮到", "審議了", "回顧", "重申", "歡迎", "銘記",
    "確認", "承認", "深信", "決定", "促請", "敦促", "籲請", "呼籲", "鼓勵", "邀請",
    "支持", "贊同", "核可", "授權", "建議", "要求", "譴責", "宣佈", "強調", "表示關切",
};

static const char *const prefixes[] = {"又", "还", "還", "并", "並", "亦", "也", "同时",
                                       "同時", "再次", "进一步", "進一步"};

typedef struct subject {
    const char *s;
    size_t len;
} subject;
#define S(w) {w, sizeof w - 1}
static const subject subjects[] = {
    S("大会"),       S("大會"),       S("安全理事会"), S("安全理事會"),
    S("经济及社会理事会"), S("經濟及社會理事會"), S("人权理事会"), S("人權理事會"),
    S("人权委员会"), S("人權委員會"), S("联合国大会"), S("聯合國大會"),
};

static bool is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x3000 || c == 0xA0 ||
           c == 0xFEFF;
}

/* The characters of is_space(), tested as bytes: U+00A0, U+3000 and U+FEFF
 * have one encoding each (C2 A0, E3 80 80, EF BB BF), so that a Chinese
 * character needs no decoding to be told from them.  By lead byte: 1 an ASCII
 * space, 2 maybe the lead of one of those, 0 no space. */
static const unsigned char space_lead[256] = {
    [' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\f'] = 1, [0xC2] = 2, [0xE3] = 2, [0xEF] = 2,
};

static inline const char *skip_space(const char *p, const char *end)
{
    while (p < end) {
        const unsigned char *u = (const unsigned char *)p;
        unsigned k = space_lead[u[0]];
        if (k == 0)
            break;
        if (k == 1) {
            p++;
            continue;
        }
        size_t n = (size_t)(end - p);
        if (u[0] == 0xC2 && n >= 2 && u[1] == 0xA0)
            p += 2;
        else if (u[0] == 0xE3 && n >= 3 && u[1] == 0x80 && u[2] == 0x80)
            p += 3;
        else if (u[0] == 0xEF && n >= 3 && u[1] == 0xBB && u[2] == 0xBF)
            p += 3;
        else
            break;
    }
    return p;
}

static bool starts_with(const char *p, const char *end, const char *w)
{
    size_t n = strlen(w);
    return (size_t)(end - p) >= n && memcmp(p, w, n) == 0;
}

/* The words that may open a clause, the prefixes (又, 还 …) and the verbs,
 * as (bytes, length), chained by a key of their first character, so that a
 * position is compared with the few words that start like it.  Within a
 * chain the prefixes come first, as a prefix is tried before the verbs (the
 * verb after it, if any, is the clause's); among the prefixes and among the
 * verbs the longer words come first and words of one length keep the order
 * of their list, so that the first verb found at a position is the longest
 * there, the first listed among equals. */
#define NVERBS (sizeof verbs / sizeof *verbs)
#define NPREFIXES (sizeof prefixes / sizeof *prefixes)
#define NWORDS (NVERBS + NPREFIXES) /* the verbs, then the prefixes */
#define KEYS 4096
#define WORD_HEAD 24 /* bytes of a word compared at once: the longest verb's */

typedef struct word {
    /* bytes 0-7, 8-15 and 16-23 of the word (as far as it goes), and masks of
     * them, as memcpy() loads them: with 24 bytes of text loaded, one test
     * settles a word of any length up to that, with no test of its length
     * (whose outcome would be no better than a toss along a chain of words
     * of two or three lengths) */
    uint64_t lead[3], mask[3];
    const char *s;
    uint16_t next; /* the next word + 1 of the chain, 0: none */
    uint8_t len;
    bool plain; /* a verb that the test of its first WORD_HEAD bytes settles */
} word;

typedef struct words {
    uint16_t head[KEYS]; /* first word + 1 of each key, 0: none */
    word w[NWORDS];
} words;

static words openers;
_Static_assert(NWORDS < 65535, "words: room for the lists");

/* The key: the low six bits of the second and third bytes (the first is E4-E9
 * for most Chinese characters), in fewer instructions than with the first. */
static unsigned key_of(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return ((unsigned)(u[1] & 0x3F) << 6 | (u[2] & 0x3F)) % KEYS;
}

/* Bytes [from, from + 8) of a word of n bytes, those past its end zero, and
 * the mask of those within it. */
static void word_part(const char *s, size_t n, size_t from, uint64_t *lead, uint64_t *mask)
{
    unsigned char bytes[8] = {0}, ones[8] = {0};
    size_t m = n > from ? (n - from < 8 ? n - from : 8) : 0;
    memcpy(bytes, s + from, m);
    memset(ones, 0xFF, m);
    memcpy(lead, bytes, 8);
    memcpy(mask, ones, 8);
}

static pthread_once_t words_once = PTHREAD_ONCE_INIT;

static void index_all(void)
{
    words *ws = &openers;
    memset(ws, 0, sizeof *ws);
    for (size_t i = 0; i < NWORDS; i++) {
        word *w = &ws->w[i];
        bool verb = i < NVERBS;
        w->s = verb ? verbs[i] : prefixes[i - NVERBS];
        w->len = (uint8_t)strlen(w->s);
        w->plain = verb && w->len <= WORD_HEAD;
        for (int k = 0; k < 3; k++)
            word_part(w->s, w->len, 8 * (size_t)k, &w->lead[k], &w->mask[k]);
        /* after the prefixes as long or longer, or after the prefixes and
         * the verbs as long or longer */
        uint16_t *link = &ws->head[key_of(w->s)];
        while (*link && (verb ? *link > NVERBS || ws->w[*link - 1].len >= w->len
                              : ws->w[*link - 1].len >= w->len && *link > NVERBS))
            link = &ws->w[*link - 1].next;
        w->next = *link;
        *link = (uint16_t)(i + 1);
    }
}

/* Whether word w is at p, avail bytes before the end. */
static bool word_at(const word *w, const char *p, size_t avail)
{
    return w->len <= avail && !memcmp(p, w->s, w->len);
}

static const char *verb_find(const char *p, const char *end);

/* The verb opening the clause at p (after 又, 还 …), or NULL. */
static inline const char *verb_at(const char *p, const char *end)
{
    if (end - p < 3 || (unsigned char)*p < 0xE0)
        return NULL; /* every verb and prefix starts with a three-byte character */
    return verb_find(p, end);
}

/* verb_find() from word i + 1 of the chain at p on: each word compared by
 * memcmp(), the verb after a prefix read.  Where the text ends within
 * WORD_HEAD bytes, or after a prefix or a longer verb, as few do. */
__attribute__((noinline)) static const char *verb_from(const char *p, const char *end,
                                                       unsigned i)
{
    size_t avail = (size_t)(end - p);
    for (; i; i = openers.w[i - 1].next) {
        const word *w = &openers.w[i - 1];
        if (!word_at(w, p, avail))
            continue;
        if (i <= NVERBS)
            return w->s;
        const char *v = verb_at(p + w->len, end);
        if (v)
            return v;
    }
    return NULL;
}

/* verb_at() where a word may start at p.  Out of line and with few values,
 * so that its registers need no saving: the chain's first word found by a
 * test of 24 bytes a word, the rest left to verb_from(). */
__attribute__((noinline)) static const char *verb_find(const char *p, const char *end)
{
    unsigned i = openers.head[key_of(p)];
    if (end - p < WORD_HEAD)
        return verb_from(p, end, i);
    uint64_t h0, h1, h2;
    memcpy(&h0, p, 8);
    memcpy(&h1, p + 8, 8);
    memcpy(&h2, p + 16, 8);
    for (; i; i = openers.w[i - 1].next) {
        const word *w = &openers.w[i - 1];
        if (((h0 & w->mask[0]) ^ w->lead[0]) | ((h1 & w->mask[1]) ^ w->lead[1]) |
            ((h2 & w->mask[2]) ^ w->lead[2]))
            continue;
        return w->plain ? w->s : verb_from(p, end, i);
    }
    return NULL;
}

/* "1." "1．" "12、" at p (p < end, at a digit): the operative number, and where
 * the text after it starts. */
static inline int number_at(const char *p, const char *end, const char **after)
{
    /* up to three digits, tested one by one rather than counted in a loop */
    int n = *p++ - '0';
    unsigned d;
    if (p < end && (d = (unsigned)((unsigned char)*p - '0')) < 10) {
        n = n * 10 + (int)d;
        p++;
        if (p < end && (d = (unsigned)((unsigned char)*p - '0')) < 10) {
            n = n * 10 + (int)d;
            p++;
        }
    }
    if (n == 0)
        return 0;
    if (p < end && *p == '.' && !(p + 1 < end && p[1] >= '0' && p[1] <= '9'))
        p++;
    else if (starts_with(p, end, "．") || starts_with(p, end, "、"))
        p += 3;
    else
        return 0;
    *after = skip_space(p, end);
    return *after < end ? n : 0;
}

/* A footnote line: "1 见 A/78/265。", "2 A/AC.292/…" (a number, a space, text). */
static int footnote_at(const char *p, const char *end, const char **after)
{
    int n = 0, digits = 0;
    while (p < end && *p >= '0' && *p <= '9' && digits < 3) {
        n = n * 10 + (*p - '0');
        p++;
        digits++;
    }
    if (!digits || p >= end || (*p != ' ' && *p != '\t'))
        return 0;
    *after = skip_space(p, end);
    return *after < end ? n : 0;
}

/* Three bytes as one number, in the order that a load of four bytes gives
 * them on a little-endian machine, where no shifts are needed to join them. */
#define TRI(a, b, c) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16)

static inline uint32_t tri_bytes(const unsigned char *u)
{
    return TRI(u[0], u[1], u[2]);
}

/* tri_bytes(u) where u[3] may be read too. */
static inline uint32_t tri_at(const unsigned char *u)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint32_t w;
    memcpy(&w, u, 4);
    return w & 0xFFFFFF;
#else
    return tri_bytes(u);
#endif
}

/* tri_bytes(u - 3) where u[-4] may be read too. */
static inline uint32_t tri_before(const unsigned char *u)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint32_t w;
    memcpy(&w, u - 4, 4);
    return w >> 8;
#else
    return tri_bytes(u - 3);
#endif
}

/* The first characters of the subjects (E5 A4 A7 大 …), and the first three
 * bytes of "[编辑]" ([ E7 BC), at bits 2-5 of their third byte, which tell them
 * apart; 0 (no character) elsewhere. */
static const uint32_t subject_first[16] = {
    [0xA7 >> 2 & 15] = TRI(0xE5, 0xA4, 0xA7), [0x89 >> 2 & 15] = TRI(0xE5, 0xAE, 0x89),
    [0x8F >> 2 & 15] = TRI(0xE7, 0xBB, 0x8F), [0x93 >> 2 & 15] = TRI(0xE7, 0xB6, 0x93),
    [0xBA >> 2 & 15] = TRI(0xE4, 0xBA, 0xBA), [0x94 >> 2 & 15] = TRI(0xE8, 0x81, 0x94),
    [0xAF >> 2 & 15] = TRI(0xE8, 0x81, 0xAF), [0xBC >> 2 & 15] = TRI('[', 0xE7, 0xBC),
};

/* Whether a subject may open at p: 大 安 经 經 人 联 聯, or [编, in one look-up,
 * as most lines open otherwise. */
static inline bool subject_may(const char *p, const char *end)
{
    if (end - p < 3)
        return false;
    const unsigned char *u = (const unsigned char *)p;
    /* the three bytes by one load, but for a line of three bytes */
    uint32_t first = end - p >= 4 ? tri_at(u) : tri_bytes(u);
    return subject_first[first >> 18 & 15] == first;
}

/* The subject that opens a resolution at p, where subject_may(): "大会，",
 * "安全理事会," or the word alone on its line; where the text after it (and its
 * comma) starts, or NULL.  Out of line, as few lines are asked; a pointer is
 * returned rather than written through one, so that the caller's opening
 * may stay in registers. */
__attribute__((noinline)) static const char *subject_at(const char *p, const char *end)
{
    if (starts_with(p, end, "[编辑]"))
        p += strlen("[编辑]");
    size_t avail = (size_t)(end - p);
    for (size_t i = 0; i < sizeof subjects / sizeof *subjects; i++)
        if (subjects[i].len <= avail && p[0] == subjects[i].s[0] &&
            !memcmp(p, subjects[i].s, subjects[i].len)) {
            const char *q = skip_space(p + subjects[i].len, end);
            if (starts_with(q, end, "，") || starts_with(q, end, ","))
                return q + (*q == ',' ? 1 : 3);
            if (q == end)
                return q;
        }
    return NULL;
}

/* subject_at() wherever a subject may be (most lines are told by subject_may()). */
static inline bool is_subject(const char *p, const char *end, const char **after)
{
    const char *e = subject_may(p, end) ? subject_at(p, end) : NULL;
    if (!e)
        return false;
    *after = e;
    return true;
}

/* The bytes of a symbol or footer line, as bits: 1 those that may stand
 * anywhere in it (ASCII letters, digits, . ( ) / - and the space), 2 / and -,
 * 4 \r and \t (only among the spaces that end the line); 0 anything else,
 * any byte of a non-ASCII character among them. */
#define R2(c) [c] = 1, [c + 1] = 1
#define R10(c) R2(c), R2(c + 2), R2(c + 4), R2(c + 6), R2(c + 8)
#define R26(c) R10(c), R10(c + 10), R2(c + 20), R2(c + 22), R2(c + 24)
static const unsigned char footer_byte[256] = {
    R10('0'), R26('A'), R26('a'), ['.'] = 1, ['('] = 1, [')'] = 1, [' '] = 1,
    ['/'] = 1 | 2, ['-'] = 1 | 2, ['\r'] = 4, ['\t'] = 4,
};
#undef R2
#undef R10
#undef R26

/* rg_is_furniture_line() of a line whose spaces before p are skipped, p < end;
 * newline: *end is the line's '\n', which ends the scan of its bytes as well as
 * a test of end would; the bytes up to limit (end or later) may be read. */
static inline bool furniture_from(const char *p, const char *end, bool newline,
                                  const char *limit)
{
    size_t n = (size_t)(end - p);
    /* a link or a rule, told by the first byte before any comparison */
    if (*p == 'h' && n >= 8 && !memcmp(p, "https://", 8))
        return true; /* the common form first */
    if (*p == 'h' && n >= 7 && !memcmp(p, "http://", 7))
        return true;
    if (*p == '_' && n >= 3 && p[1] == '_' && p[2] == '_')
        return true;
    /* only ASCII letters, digits and / . - ( ) and spaces: a symbol or a footer */
#if defined(__SSE2__)
    /* a line that opens with ASCII and is none (a date, a number, 1991 年 …)
     * mostly has a Chinese character within its first 16 bytes: their high
     * bits, read at once, tell it before the loop */
    if (limit - p >= 16) {
        unsigned high = (unsigned)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)p));
        if (n < 16)
            high &= (1u << n) - 1;
        if (high)
            return false;
    }
#else
    (void)limit;
#endif
    /* one test of a byte's bits in the loop, whose bits are gathered */
    unsigned seen = 0, b = 0;
    const char *q = p;
    if (newline)
        while ((b = footer_byte[(unsigned char)*q]) & 1) { /* '\n' has no bit */
            seen |= b;
            q++;
        }
    else
        while (q < end && ((b = footer_byte[(unsigned char)*q]) & 1)) {
            seen |= b;
            q++;
        }
    if (q < end) {
        if (b == 0)
            return false;
        /* \r or \t: the spaces that end the line are cut rather than scanned
         * first, as most lines fail long before their end */
        for (; q < end; q++)
            if (*q != ' ' && *q != '\r' && *q != '\t')
                return false;
    }
    return seen & 2; /* a slash or a dash */
}

/* Lines that belong to the page, not the text: links, symbols, footers, rules. */
bool rg_is_furniture_line(const char *p, const char *end)
{
    p = skip_space(p, end);
    return p == end || furniture_from(p, end, false, end);
}

#define LONG_LINE 400 /* bytes: a line this long holds many paragraphs */

static bool ends_paragraph(uint32_t c)
{
    return c == 0xFF0C || c == ',' || c == 0xFF1B || c == ';' || c == 0x3002 || c == 0xFF1A ||
           c == ':' || c == '.';
}

/* The bytes of the spaces cut from a line's end before its last character is
 * read, and the ASCII characters of ends_paragraph(). */
static const unsigned char trailing_space[256] = {[' '] = 1, ['\r'] = 1, ['\t'] = 1};
static const bool clause_end_ascii[128] = {[','] = 1, [';'] = 1, [':'] = 1, ['.'] = 1};
/* The three-byte characters of ends_paragraph(), by the low six bits of their
 * last bytes, which differ: "，" (EF BC 8C), "；" (EF BC 9B), "。" (E3 80 82),
 * "：" (EF BC 9A); 0 (no character) elsewhere. */
static const uint32_t clause_end3[64] = {
    [0x8C & 0x3F] = TRI(0xEF, 0xBC, 0x8C), [0x9B & 0x3F] = TRI(0xEF, 0xBC, 0x9B),
    [0x82 & 0x3F] = TRI(0xE3, 0x80, 0x82), [0x9A & 0x3F] = TRI(0xEF, 0xBC, 0x9A),
};

/* One call's paragraphs and the scanner state it carries on. */
typedef struct state {
    rg_para *v;
    size_t n, cap;
    bool failed;
    size_t base;       /* offset of the segment in the text */
    rg_para_state *ps; /* what goes on from segment to segment */
    size_t body;       /* the body's last paragraph: v[body - 1], or ps->body_label and
                          ps->body_verb when 0 (none in this segment yet), copied there
                          at the end rather than at every paragraph */
} state;

/* Labels are copied whole: every one is a buffer of this size (rg_para's,
 * rg_para_state's or make_label()'s), so no strlen() is needed. */
#define LABEL_SIZE sizeof ((rg_para *)0)->label
_Static_assert(sizeof ((rg_para_state *)0)->label == LABEL_SIZE &&
                   sizeof ((rg_para_state *)0)->body_label == LABEL_SIZE,
               "labels: one size");
static const char no_label[LABEL_SIZE];

/* label: a LABEL_SIZE buffer, or NULL for none (for make_label() to write
 * into the paragraph, rather than into a buffer copied there); the paragraph,
 * or NULL when out of memory. */
static rg_para *push(state *s, size_t start, const char *label, const char *verb)
{
    /* one test while there is room: after a failure there is none (n == cap) */
    if (s->n == s->cap && (s->failed || !rg_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v))) {
        s->failed = true;
        return NULL;
    }
    rg_para *p = &s->v[s->n++];
    p->start = s->base + start;
    memcpy(p->label, label ? label : no_label, LABEL_SIZE);
    p->verb = verb ? verb : "";
    return p;
}

/* A paragraph of the body starts: the one to resume after footnotes. */
static rg_para *push_body(state *s, size_t start, const char *label, const char *verb)
{
    rg_para *p = push(s, start, label, verb);
    s->body = s->n;
    return p;
}

/* The numbers 0-99 as strings, each in four bytes (copied whole, with no
 * test of whether one digit or two: the labels climb past 9 in most
 * resolutions). */
#define DEC1(d) {(char)('0' + (d))}
#define DEC2(t, d) {(char)('0' + (t)), (char)('0' + (d))}
#define DECS(t)                                                                           \
    DEC2(t, 0), DEC2(t, 1), DEC2(t, 2), DEC2(t, 3), DEC2(t, 4), DEC2(t, 5), DEC2(t, 6),   \
        DEC2(t, 7), DEC2(t, 8), DEC2(t, 9)
static const char small_dec[100][4] = {
    DEC1(0), DEC1(1), DEC1(2), DEC1(3), DEC1(4), DEC1(5), DEC1(6), DEC1(7), DEC1(8), DEC1(9),
    DECS(1), DECS(2), DECS(3), DECS(4), DECS(5), DECS(6), DECS(7), DECS(8), DECS(9),
};
#undef DEC1
#undef DEC2
#undef DECS
_Static_assert(LABEL_SIZE >= 5, "labels: room for a kind and four bytes");

/* "P12", "O3", "F1" into a LABEL_SIZE buffer */
static void make_label(char *out, char kind, int n)
{
    *out++ = kind;
    if (n >= 0 && n < 100) { /* the numbers of paragraphs and notes, all but a few */
        memcpy(out, small_dec[n], 4);
        return;
    }
    *rg_put_dec(out, n > 0 ? (size_t)n : 0) = '\0';
}

/* What may open a paragraph at p, read once: the line's tests that decide
 * whether one starts there and start_at(), which labels it, ask the same. */
typedef struct opening {
    const char *p, *end;
    bool subject;            /* 大会， … */
    const char *subject_end; /* after the subject and its comma */
    int num;                 /* an operative number (number_at), or 0 */
    const char *num_end;     /* the text after it */
    bool verb_read;          /* verb_at(p) is read only when asked for */
    const char *verb;
} opening;

static inline void read_opening(opening *o, const char *p, const char *end)
{
    o->p = p;
    o->end = end;
    /* a number or a subject, told by the first byte: most lines open with a
     * Chinese character, which no number does, and no subject opens with a digit */
    if ((unsigned char)*p >= '0' && (unsigned char)*p <= '9') {
        o->subject = false;
        o->num = number_at(p, end, &o->num_end);
    } else {
        o->subject = is_subject(p, end, &o->subject_end);
        o->num = 0;
    }
    o->verb_read = false;
    o->verb = NULL;
}

static const char *opening_verb(opening *o)
{
    if (!o->verb_read) {
        o->verb = verb_at(o->p, o->end);
        o->verb_read = true;
    }
    return o->verb;
}

static void start_subject(state *s, const char *text, const char *p, const char *end,
                          const char *subject_end);

/* A paragraph starts at o->p (the text after an indent or a boundary).  Kept
 * inline, as a third of the lines open one: a call cost about 1.6M instructions
 * a run of 8 MB more (the subject, which few lines open with, is out of line). */
__attribute__((always_inline)) static inline void start_at(state *s, const char *text,
                                                           opening *o)
{
    if (o->subject) {
        start_subject(s, text, o->p, o->end, o->subject_end);
        return;
    }
    rg_para_state *ps = s->ps;
    const char *p = o->p, *end = o->end;
    rg_para *pa;
    int num = o->num;
    if (num && ps->in_body && (num == ps->last_op + 1 || num == 1)) {
        ps->operative = true;
        ps->last_op = num;
        if ((pa = push_body(s, (size_t)(p - text), NULL, verb_at(o->num_end, end))))
            make_label(pa->label, 'O', num);
        return;
    }
    if (!ps->in_body || ps->operative)
        return; /* header lines; sub-paragraphs of an operative paragraph */
    int n = ++ps->preamble;
    if ((pa = push_body(s, (size_t)(p - text), NULL, opening_verb(o))))
        make_label(pa->label, 'P', n);
}

/* start_at() of a subject at p, its comma (if any) before subject_end.  The
 * opening is passed by its fields, not its address, so that the caller's may
 * stay in registers. */
__attribute__((noinline)) static void start_subject(state *s, const char *text, const char *p,
                                                    const char *end, const char *subject_end)
{
    rg_para_state *ps = s->ps;
    ps->in_body = true;
    ps->operative = false;
    ps->preamble = 0;
    ps->last_op = 0;
    push_body(s, (size_t)(p - text), NULL, NULL);
    /* "大会, 回顾其…" on one line: the first recital starts after it */
    const char *after = skip_space(subject_end, end);
    if (after < end) {
        opening next;
        read_opening(&next, after, end);
        if (opening_verb(&next))
            start_at(s, text, &next);
    }
}

void rg_para_init(rg_para_state *ps)
{
    memset(ps, 0, sizeof *ps);
    ps->verb = ps->body_verb = "";
    ps->ended = true; /* as if a sentence had just ended */
}

/* The newlines of the 64 bytes at s as bits. */
static inline uint64_t newlines64(const char *s)
{
#if defined(__SSE2__)
    __m128i nl = _mm_set1_epi8('\n');
    uint64_t m[4];
    for (int i = 0; i < 4; i++)
        m[i] = (unsigned)_mm_movemask_epi8(
            _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + 16 * i)), nl));
    return m[0] | m[1] << 16 | m[2] << 32 | m[3] << 48;
#else
    uint64_t m = 0;
    for (int i = 0; i < 64; i++)
        m |= (uint64_t)(s[i] == '\n') << i;
    return m;
#endif
}

/* A block of 64 bytes that holds a newline: its newlines as bits, and where
 * it starts. */
typedef struct line_block {
    uint64_t nls;
    const char *at;
} line_block;

/* The blocks among the n blocks of 64 bytes at s that hold a newline, into
 * out[] (one more written); how many.  The loop over the lines then moves
 * from a block to the next by loads rather than by a test a line: whether a
 * line is its block's last is no better than a toss, as most blocks hold one
 * line and its empty line, and a fifth of them none. */
static size_t newline_blocks(const char *s, size_t n, line_block *out)
{
    line_block *o = out;
    for (const char *stop = s + 64 * n; s < stop; s += 64) {
        uint64_t m = newlines64(s);
        o->nls = m;
        o->at = s;
        o += m != 0;
    }
    return (size_t)(o - out);
}

#ifdef HAVE_AVX2
/* newline_blocks() by 32 bytes a comparison, where the processor has AVX2. */
__attribute__((target("avx2"))) static size_t newline_blocks_avx2(const char *s, size_t n,
                                                                  line_block *out)
{
    __m256i nl = _mm256_set1_epi8('\n');
    line_block *o = out;
    for (const char *stop = s + 64 * n; s < stop; s += 64) {
        uint32_t lo = (uint32_t)_mm256_movemask_epi8(
            _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)s), nl));
        uint32_t hi = (uint32_t)_mm256_movemask_epi8(
            _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(s + 32)), nl));
        uint64_t m = lo | (uint64_t)hi << 32;
        o->nls = m;
        o->at = s;
        o += m != 0;
    }
    return (size_t)(o - out);
}
#endif

#define BLOCKS 64 /* of 64 bytes, whose newlines are found in one call */

/* The blocks from *from on that hold a newline, of up to BLOCKS read, into
 * out[], then one of none (its at: where the bytes read end), and *from moved
 * past those read.  The text's end counts as a newline, so that the last line
 * ends there with or without one: the last block, shorter than 64 bytes
 * (maybe empty), is read from a copy so as not to read past the end, and
 * comes alone. */
static void line_blocks(const char *text, size_t *from, size_t len, line_block *out)
{
    size_t at = *from, n = (len - at) / 64, k;
    if (n == 0) {
        char tail[64] = {0};
        if (len > at)
            memcpy(tail, text + at, len - at);
        out[0].nls = newlines64(tail) | (uint64_t)1 << (len - at);
        out[0].at = text + at;
        k = 1;
        n = 1;
    } else {
        if (n > BLOCKS)
            n = BLOCKS;
#ifdef HAVE_AVX2
        if (rg_cpu_avx2())
            k = newline_blocks_avx2(text + at, n, out);
        else
#endif
            k = newline_blocks(text + at, n, out);
    }
    out[k].nls = 0;
    out[k].at = text + at + 64 * n;
    *from = at + 64 * n;
}

/* When the block's last newline is taken (*nls is 0), the next block's: by
 * loads, not a test (whether a line is its block's last is no better than a
 * toss); at the end of the blocks at hand that is the block of none, which
 * the caller's test of *nls finds. */
static inline void next_block_if_taken(const line_block **block, uint64_t *nls)
{
    uint64_t taken = *nls == 0;
    *block += taken;
    *nls |= (*block)->nls & -taken;
}

bool rg_paragraphs_feed(rg_para_state *ps, const char *text, size_t len, size_t base,
                        rg_para **v, size_t *cap, size_t *count)
{
    pthread_once(&words_once, index_all); /* for verb_at() */
    state s = {.v = *v, .cap = *cap, .base = base, .ps = ps};
    /* the paragraph in force where the segment starts */
    push(&s, 0, ps->label, ps->verb);
    bool ended = ps->ended; /* the previous text line ended a clause */
    /* the lines' ends: the newlines of a block of 64 bytes as bits, found
     * together and taken one by one, instead of a memchr() a line (most lines
     * are short, and half of them empty) */
    line_block blocks[BLOCKS + 1];
    const line_block *block = blocks;
    if (len == 0)
        goto done; /* (text may be NULL) */
    size_t from = 0;
    line_blocks(text, &from, len, blocks);
    uint64_t nls = blocks[0].nls; /* the block's newlines not yet taken */
    /* the next line's start, as a pointer rather than an offset from text (an
     * addition fewer a line) */
    const char *line_at = text;
    /* the lines starting below this offset have 8 bytes to compare with a link */
    size_t links_below = len >= 8 ? len - 7 : 0;
    for (;;) {
        while (!nls) {
            /* the blocks at hand are taken: the end of the text, tested here
             * rather than at each line (the last block, which holds the
             * newline that len counts as, comes alone from line_blocks()) */
            if (from > len)
                goto done;
            line_blocks(text, &from, len, blocks);
            block = blocks;
            nls = blocks[0].nls;
        }
        uint64_t bit = nls & -nls;
        const char *line = line_at, *end = block->at + (unsigned)__builtin_ctzll(bit);
        nls ^= bit;
        /* an empty line after it, as half of the lines are, taken now (in the
         * block: else it comes round as an empty line), by arithmetic */
        uint64_t empty_after = nls & bit << 1;
        nls ^= empty_after;
        line_at = end + 1 + (empty_after != 0);
        next_block_if_taken(&block, &nls);
        if (end == line) /* an empty line: furniture */
            continue;
        /* most lines open with a character, or an indent of one space and a
         * character (no space: a non-zero byte of space_lead[] is the first of one) */
        /* a link line (a third of those that open with ASCII): furniture, told
         * before the indent is looked for */
        if (*line == 'h' && end - line >= 8 && !memcmp(line, "https://", 8)) {
            /* links come in runs, one a line (the references of a page): the
             * lines after it that open with one are passed here, by their
             * first bytes and their newlines alone (about 15 instructions a
             * line fewer than a turn of the loop); when the blocks at hand
             * run out, the loop finds more and takes the line from there */
            while (nls && (size_t)(line_at - text) < links_below &&
                   !memcmp(line_at, "https://", 8)) {
                line_at = block->at + __builtin_ctzll(nls) + 1;
                nls &= nls - 1;
                next_block_if_taken(&block, &nls);
            }
            continue;
        }
        const char *p = line;
        if (space_lead[(unsigned char)*p])
            p = *p == ' ' && end - p >= 2 && !space_lead[(unsigned char)p[1]] ? p + 1
                                                                             : skip_space(p, end);
        /* furniture: blank, or (ASCII first) a link, a rule, a symbol or a footer */
        if (p == end ||
            ((unsigned char)*p < 0x80 && furniture_from(p, end, end < text + len, text + len))) {
            if (end - p >= 3 && *p == '_' && starts_with(p, end, "___")) {
                ps->in_notes = true;
                ps->notes = 0;
            }
            continue;
        }
        bool indented = p > line;
        bool subject_line = false;
        const char *after;
        /* footnotes below a rule: F1, F2 …; the body resumes after them */
        if (ps->in_notes) {
            int fn = footnote_at(p, end, &after);
            if (fn && fn > ps->notes) {
                ps->notes = fn;
                char label[LABEL_SIZE] = "";
                make_label(label, 'F', fn);
                push(&s, (size_t)(p - text), label, verb_at(after, end));
                goto next;
            }
            if (!indented && s.n && s.v[s.n - 1].label[0] == 'F')
                goto next; /* a footnote's second line */
            ps->in_notes = false;
            /* (copied first: the push may move s.v) */
            char label[LABEL_SIZE];
            memcpy(label, s.body ? s.v[s.body - 1].label : ps->body_label, LABEL_SIZE);
            push(&s, (size_t)(p - text), label, s.body ? s.v[s.body - 1].verb : ps->body_verb);
        }
        /* a line that goes on with a clause (most that open none) opens a
         * paragraph only with a subject or the next operative number: told
         * from its first bytes, with no opening read */
        if (!ended && ((unsigned char)*p < '0' || (unsigned char)*p > '9') && end - p < LONG_LINE &&
            !subject_may(p, end))
            goto next;
        opening o;
        read_opening(&o, p, end);
        if (o.subject && skip_space(o.subject_end, end) == end)
            subject_line = true; /* "大会，" alone: the next line opens the first recital */
        if (ended && (indented || o.num || o.subject || opening_verb(&o)))
            start_at(&s, text, &o);
        else if (o.subject || (ps->in_body && o.num && o.num == ps->last_op + 1))
            start_at(&s, text, &o);
        /* boundaries inside a long line (a web page's text on one line): "，" or ","
         * and a space, then a verb or a number; a space, then a subject ("… 大会,
         * 回顾其…") */
        for (const char *q = end - p >= LONG_LINE ? p : end; q < end;) {
            uint32_t c;
            q += rg_cp_at(q, end, &c);
            if (q >= end || !(ends_paragraph(c) || is_space(c)))
                continue;
            const char *r = skip_space(q, end);
            if (r >= end || (r == q && !is_space(c)))
                continue;
            opening at;
            read_opening(&at, r, end);
            if (at.subject) {
                start_at(&s, text, &at); /* opens P1 too when a verb follows */
                q = at.subject_end;
                continue;
            }
            if (ends_paragraph(c) && (opening_verb(&at) || at.num))
                start_at(&s, text, &at);
            q = r;
        }
        if (subject_line) {
            ended = true; /* as after "，" */
            continue;
        }
    next:
        /* the line's last character decides whether the next line may open a
         * paragraph: whether it ends a clause (ends_paragraph()) is read from
         * its bytes, as only "，" "；" "。" "：" of the non-ASCII characters do */
        {
            const char *e = end;
            /* no test of e > p: *p is no space (skip_space() has passed them) */
            while (trailing_space[(unsigned char)e[-1]])
                e--;
            const unsigned char *u = (const unsigned char *)e;
            uint32_t t = 0;
            if (u[-1] < 0x80) {
                ended = clause_end_ascii[u[-1]];
            } else if (e - p >= 4 && (t = tri_before(u)) == clause_end3[u[-1] & 0x3F]) {
                ended = true; /* (the last three bytes by one load: four are there) */
            } else if (e - p >= 4 && (t & TRI(0xF0, 0xC0, 0xC0)) == TRI(0xE0, 0x80, 0x80) &&
                       u[-3] != 0xE0 && u[-3] != 0xED) {
                ended = false; /* another three-byte character, always valid from these lead bytes */
            } else {
                const char *q = e - 1;
                while (q > p && ((unsigned char)*q & 0xC0) == 0x80)
                    q--;
                uint32_t c;
                rg_cp_at(q, e, &c);
                ended = ends_paragraph(c);
            }
        }
    }
done:
    ps->ended = ended;
    if (s.body) {
        memcpy(ps->body_label, s.v[s.body - 1].label, LABEL_SIZE);
        ps->body_verb = s.v[s.body - 1].verb;
    }
    *v = s.v;
    *cap = s.cap;
    if (s.failed)
        return false;
    /* the paragraph in force at the end goes on into the next segment */
    memcpy(ps->label, s.v[s.n - 1].label, LABEL_SIZE);
    ps->verb = s.v[s.n - 1].verb;
    *count = s.n;
    return true;
}
