/*
 * text.c - a document's bytes as UTF-8 text, and the way back to the bytes.
 *
 * Detects the encoding (UTF-8 with or without byte-order mark, UTF-16 with a
 * byte-order mark, GB18030, or what the caller names), converts with iconv
 * when needed, refuses binary files, and warns about invalid UTF-8 without
 * losing the rest.  Every offset the library reports is mapped back to the
 * original bytes through rg_text_orig_offset().  This file must not look at
 * what the text says.
 */
#include "internal.h"

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2 1
#endif

#define CHECKPOINT_EVERY 64 /* characters between two offset checkpoints */
#define MAX_WARNINGS 5
#define GB_OPENING (1u << 20) /* the bytes that must read as GB18030 for a text to be it */
#define BINARY_PROBE 65536u   /* the opening of a text rg_text_binary() looks at */

/* How the length of a source character is known: by its first bytes, or
 * (other encodings) measured by iconv when the text is converted. */
enum { SRC_UTF16LE, SRC_UTF16BE, SRC_GB18030, SRC_MEASURED };

static int src_kind(const char *enc)
{
    return !strcmp(enc, "UTF-16LE")  ? SRC_UTF16LE
           : !strcmp(enc, "UTF-16BE") ? SRC_UTF16BE
           : !strcmp(enc, "GB18030")  ? SRC_GB18030
                                      : SRC_MEASURED;
}

static size_t gb_opening(const char *buf, size_t n);

static bool has_prefix(const char *d, size_t n, const char *p, size_t pn)
{
    return n >= pn && memcmp(d, p, pn) == 0;
}

/* Length in bytes of the source character at s (at most n), for the kinds
 * known by their bytes (1 for the others: they are measured). */
static size_t src_char_len(int kind, const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (kind == SRC_UTF16LE || kind == SRC_UTF16BE) {
        if (n < 2)
            return n;
        unsigned hi = kind == SRC_UTF16LE ? s[1] : s[0];
        return (hi >= 0xD8 && hi <= 0xDB && n >= 4) ? 4 : 2;
    }
    if (kind == SRC_GB18030) {
        if (s[0] < 0x80)
            return 1;
        if (n >= 4 && s[1] >= 0x30 && s[1] <= 0x39)
            return 4;
        return n >= 2 ? 2 : 1;
    }
    return 1;
}

/* The code points iconv writes (through cd, to UTF-32LE) for exactly s[0..k),
 * flushed: what a decoder holds back (a letter that a mark may follow) too;
 * -1 when s[0..k) is not whole characters. */
static int code_points(iconv_t cd, const unsigned char *s, size_t k, uint32_t *first)
{
    char *in = (char *)s, out[32], *o = out;
    size_t inleft = k, oleft = sizeof out;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1 || inleft ||
        iconv(cd, NULL, NULL, &o, &oleft) == (size_t)-1)
        return -1;
    int n = (int)((sizeof out - oleft) / 4);
    if (n > 0)
        memcpy(first, out, 4);
    return n;
}

/* Whether the encoding writes ASCII as itself, one byte a character. */
static bool ascii_as_itself(iconv_t cd)
{
    uint32_t c = 0;
    return code_points(cd, (const unsigned char *)"A", 1, &c) == 1 && c == 'A';
}

/* The length of the first character of s[0..n): the longest stretch of at
 * most 4 bytes that reads as one code point (so that a letter and the mark
 * composed with it are one).  1 when none does (a replaced byte: its place is
 * known otherwise). */
static size_t measured_len(iconv_t cd, const unsigned char *s, size_t n)
{
    size_t best = 1;
    uint32_t c;
    for (size_t k = 1; k <= 4 && k <= n; k++) {
        int got = code_points(cd, s, k, &c);
        if (got == 1)
            best = k;
        else if (got > 1)
            break;
    }
    return best;
}

/* How iconv reads exactly s[0..k) through cd (to UTF-32LE): the code points
 * it writes at once in *now, and in all once flushed as the return; -1 with
 * errno EILSEQ (a bad byte) or EINVAL (the start of a longer character). */
static int reading(iconv_t cd, const unsigned char *s, size_t k, int *now)
{
    char *in = (char *)s, out[32], *o = out;
    size_t inleft = k, oleft = sizeof out;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1)
        return -1;
    *now = (int)((sizeof out - oleft) / 4);
    if (iconv(cd, NULL, NULL, &o, &oleft) == (size_t)-1)
        return -1;
    return (int)((sizeof out - oleft) / 4);
}

/* The length of a character of a measured encoding, known by its first byte
 * where the decoder allows: then measured_len() gives that length for every
 * whole character, and the lockstep walk need not ask iconv (a dozen calls a
 * character) for each. */
typedef struct {
    unsigned char len[256];      /* by first byte: 1..3; 0 starts no character */
    unsigned char (*pair2)[256 / 8]; /* pairs that read as two code points, by first
                                      * byte then second (NULL: none) */
} lead_table;

static bool bit(const unsigned char *set, unsigned b)
{
    return set[b / 8] >> (b % 8) & 1;
}

static bool learn_leads(iconv_t cd, lead_table *tab);

/* The tables learnt, by encoding: learning one takes some 70,000 calls of
 * iconv (2 ms), more than converting a small text, and a directory of them
 * would learn it for each.  Freed by rg_cleanup(). */
#define LEAD_TABLES 8
static struct {
    pthread_mutex_t lock;
    size_t n;
    struct {
        char enc[32];
        bool ok;
        lead_table tab;
    } e[LEAD_TABLES];
} learnt = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* enc's table in *tab, learnt through cd unless it was before; false when
 * its lengths are not fixed by the first byte.  *owned: tab's pairs are the
 * caller's to free (the table could not be kept), else the cache's. */
static bool lead_table_of(const char *enc, iconv_t cd, lead_table *tab, bool *owned)
{
    *owned = false;
    pthread_mutex_lock(&learnt.lock);
    for (size_t i = 0; i < learnt.n; i++)
        if (!strcmp(learnt.e[i].enc, enc)) {
            *tab = learnt.e[i].tab;
            bool ok = learnt.e[i].ok;
            pthread_mutex_unlock(&learnt.lock);
            return ok;
        }
    pthread_mutex_unlock(&learnt.lock);
    bool ok = learn_leads(cd, tab);
    if (!ok) {
        free(tab->pair2);
        tab->pair2 = NULL;
    }
    pthread_mutex_lock(&learnt.lock);
    bool kept = false;
    if (learnt.n < LEAD_TABLES && strlen(enc) < sizeof learnt.e[0].enc) {
        kept = true; /* unless another thread kept it meanwhile */
        for (size_t i = 0; i < learnt.n; i++)
            kept &= strcmp(learnt.e[i].enc, enc) != 0;
    }
    if (kept) {
        strcpy(learnt.e[learnt.n].enc, enc);
        learnt.e[learnt.n].ok = ok;
        learnt.e[learnt.n].tab = *tab;
        learnt.n++;
    }
    pthread_mutex_unlock(&learnt.lock);
    *owned = !kept;
    return ok;
}

void rg_text_cleanup(void)
{
    pthread_mutex_lock(&learnt.lock);
    while (learnt.n)
        free(learnt.e[--learnt.n].tab.pair2);
    pthread_mutex_unlock(&learnt.lock);
}

/* Learns the table by reading every byte, every pair, and every triple that
 * begins as a longer character, through cd.  False when the lengths are not
 * fixed by the first byte, or when a character reads as no code point or is
 * held back until the next (CP1258 and TCVN compose a letter with the mark
 * that follows it, and shift states read as nothing): measured_len() may then
 * join a character with the next, and only it knows. */
static bool learn_leads(iconv_t cd, lead_table *tab)
{
    memset(tab, 0, sizeof *tab);
    for (unsigned b = 0; b < 256; b++) {
        unsigned char s[3] = {(unsigned char)b};
        int now, all = reading(cd, s, 1, &now);
        if (all >= 0) {
            if (all != 1 || now != 1)
                return false;
            tab->len[b] = 1;
            continue;
        }
        unsigned char longer[256 / 8] = {0};
        int two = 0, three = 0, nlonger = 0;
        for (unsigned c = 0; c < 256; c++) {
            s[1] = (unsigned char)c;
            all = reading(cd, s, 2, &now);
            if (all < 0 && errno == EINVAL) {
                longer[c / 8] |= (unsigned char)(1u << (c % 8));
                nlonger++;
            } else if (all == 2 && now == 2) { /* Big5-HKSCS: 0x8862 is U+00CA U+0304 */
                if (!tab->pair2 && !(tab->pair2 = calloc(256, sizeof *tab->pair2)))
                    return false;
                tab->pair2[b][c / 8] |= (unsigned char)(1u << (c % 8));
                two++;
            } else if (all >= 0) {
                if (all != 1 || now != 1)
                    return false;
                two++;
            }
        }
        if (nlonger && two)
            return false;
        for (unsigned c = 0; c < 256 && nlonger; c++) {
            if (!bit(longer, c))
                continue;
            s[1] = (unsigned char)c;
            for (unsigned d = 0; d < 256; d++) {
                s[2] = (unsigned char)d;
                all = reading(cd, s, 3, &now);
                if (all < 0 && errno == EINVAL)
                    return false;
                if (all >= 0 && (all != 1 || now != 1))
                    return false;
                three += all == 1;
            }
        }
        tab->len[b] = (unsigned char)(nlonger ? (three ? 3 : 0) : two ? 2 : 0);
    }
    return true;
}

static bool add_checkpoint(rg_text *t, size_t *cap, size_t u, size_t o)
{
    if (!rg_grow(&t->cp_utf8, cap, t->ncp + 1, sizeof *t->cp_utf8))
        return false;
    /* cp_orig grows in step with cp_utf8 */
    size_t *no = realloc(t->cp_orig, *cap * sizeof *no);
    if (!no)
        return false;
    t->cp_orig = no;
    t->cp_utf8[t->ncp] = u;
    t->cp_orig[t->ncp] = o;
    t->ncp++;
    return true;
}

/* Converts src from enc to UTF-8.  Bytes that do not convert become U+FFFD
 * and a warning (at + its place; *first_bad: the place of the first, SIZE_MAX
 * for none).  Records offset checkpoints at each restart and every
 * CHECKPOINT_EVERY characters. */
static rg_status convert(const char *name, const unsigned char *src, size_t n, const char *enc,
                         size_t at, size_t *seen, size_t *first_bad, rg_text *t, rg_buf *warnings,
                         rg_error *err)
{
    if (first_bad)
        *first_bad = SIZE_MAX;
    iconv_t cd = iconv_open("UTF-8", enc);
    if (cd == (iconv_t)-1)
        return rg_fail(err, RG_EUSAGE, "%s: unknown encoding '%s'", name, enc);
    int kind = src_kind(enc);
    rg_buf out = {0};
    size_t cpcap = 0, nwarn = seen ? *seen : 0;
    size_t pos = 0;
    rg_status st = RG_OK;
    /* Segments of convertible input, separated by bad bytes. */
    size_t *seg_u = NULL, *seg_o = NULL, nseg = 0, segcap = 0;
    while (pos <= n) {
        if (!rg_grow(&seg_u, &segcap, nseg + 1, sizeof *seg_u)) {
            st = RG_ENOMEM;
            break;
        }
        size_t *so = realloc(seg_o, segcap * sizeof *so);
        if (!so) {
            st = RG_ENOMEM;
            break;
        }
        seg_o = so;
        seg_u[nseg] = out.len;
        seg_o[nseg] = pos;
        nseg++;
        if (pos == n)
            break;
        char *in = (char *)src + pos;
        size_t inleft = n - pos;
        int bad = 0;
        while (inleft > 0) {
            char chunk[8192];
            char *o = chunk;
            size_t oleft = sizeof chunk;
            size_t r = iconv(cd, &in, &inleft, &o, &oleft);
            rg_buf_add(&out, chunk, sizeof chunk - oleft);
            if (r == (size_t)-1 && errno != E2BIG) {
                bad = 1;
                break;
            }
        }
        pos = (size_t)((const unsigned char *)in - src);
        if (!bad)
            continue;
        /* EILSEQ or EINVAL: skip one source character, write U+FFFD. */
        if (first_bad && *first_bad == SIZE_MAX)
            *first_bad = pos;
        if (nwarn < MAX_WARNINGS)
            rg_buf_printf(warnings, "%s: byte %zu: invalid %s sequence, replaced by U+FFFD\n",
                          name, at + pos, enc);
        nwarn++;
        size_t skip = src_char_len(kind, src + pos, n - pos);
        if (skip == 0)
            skip = 1;
        /* A bad byte is one unit; a truncated character is the rest. */
        if (errno == EILSEQ && kind == SRC_GB18030)
            skip = 1;
        rg_buf_add(&out, "\xEF\xBF\xBD", 3);
        pos += skip;
        iconv(cd, NULL, NULL, NULL, NULL);
        if (!rg_grow(&seg_u, &segcap, nseg + 1, sizeof *seg_u)) {
            st = RG_ENOMEM;
            break;
        }
        so = realloc(seg_o, segcap * sizeof *so);
        if (!so) {
            st = RG_ENOMEM;
            break;
        }
        seg_o = so;
        /* the replacement stands for [pos - skip, pos) */
        seg_u[nseg] = out.len - 3;
        seg_o[nseg] = pos - skip;
        nseg++;
    }
    iconv_close(cd);
    if (seen)
        *seen = nwarn; /* the caller tells of the rest (rg_text_warn_more_converted()) */
    else if (nwarn > MAX_WARNINGS)
        rg_buf_printf(warnings, "%s: %zu more invalid %s sequences\n", name, nwarn - MAX_WARNINGS,
                      enc);
    if (st == RG_OK && out.failed)
        st = RG_ENOMEM;
    if (st != RG_OK) {
        free(seg_u);
        free(seg_o);
        rg_buf_free(&out);
        return rg_fail(err, st, "%s: out of memory while converting from %s", name, enc);
    }
    /* Walk each segment in lockstep: one source character, one code point.  The
     * characters of other encodings are measured as iconv reads them, or known
     * by their first byte where the table learnt allows (each pair of Big5-HKSCS
     * that reads as two code points is the first's; the second adds no bytes). */
    iconv_t measure = (iconv_t)-1;
    bool ascii = false; /* ASCII stands for itself, one byte a character */
    lead_table tab;
    bool leads = false, owned = false; /* tab holds; its pairs are this call's */
    tab.pair2 = NULL;
    if (st == RG_OK && kind == SRC_MEASURED && out.len) {
        measure = iconv_open("UTF-32LE", enc);
        if (measure == (iconv_t)-1 || !(t->srclen = malloc(out.len)))
            st = RG_ENOMEM;
        else {
            ascii = ascii_as_itself(measure);
            leads = lead_table_of(enc, measure, &tab, &owned);
        }
    }
    for (size_t s = 0; s < nseg && st == RG_OK; s++) {
        size_t uend = s + 1 < nseg ? seg_u[s + 1] : out.len;
        size_t oend = s + 1 < nseg ? seg_o[s + 1] : n;
        size_t ncp = t->ncp;
        bool fast = leads;
    again:;
        size_t u = seg_u[s], o = seg_o[s];
        size_t count = 0;
        bool second = false; /* the code point is the second of a pair */
        while (u < uend) {
            if (count % CHECKPOINT_EVERY == 0 && !add_checkpoint(t, &cpcap, u, o)) {
                st = RG_ENOMEM;
                break;
            }
            const unsigned char *c = (const unsigned char *)out.data + u;
            size_t ul = rg_utf8_seqlen(c, out.len - u);
            size_t ol = src_char_len(kind, src + o, n - o);
            if (t->srclen) {
                size_t known = fast && o < n && memcmp(c, "\xEF\xBF\xBD", 3) ? tab.len[src[o]] : 0;
                if (known > n - o)
                    known = 0;
                if (o >= n)
                    ol = 0;
                else if (second)
                    ol = 0, second = false;
                else if (ascii && *c < 0x80 && src[o] == *c)
                    ol = 1;
                else if (known) {
                    ol = known;
                    second = ol == 2 && tab.pair2 && bit(tab.pair2[src[o]], src[o + 1]);
                } else
                    ol = measured_len(measure, src + o, n - o);
                t->srclen[u] = (unsigned char)ol;
            }
            u += ul ? ul : 1;
            o += ol;
            count++;
        }
        if (st == RG_OK && fast && o != oend) {
            /* the table lost step with what iconv read: measure this segment */
            t->ncp = ncp;
            fast = false;
            goto again;
        }
    }
    if (owned)
        free(tab.pair2);
    if (measure != (iconv_t)-1)
        iconv_close(measure);
    free(seg_u);
    free(seg_o);
    if (st == RG_OK && !add_checkpoint(t, &cpcap, out.len, n))
        st = RG_ENOMEM;
    if (st != RG_OK) {
        rg_buf_free(&out);
        rg_text_free(t);
        return rg_fail(err, st, "%s: out of memory", name);
    }
    if (!out.data)
        rg_buf_add(&out, "", 0);
    t->utf8 = out.data;
    t->len = out.len;
    t->valid = rg_utf8_valid(t->utf8, t->len);
    t->encoding = kind == SRC_GB18030   ? "GB18030"
                  : kind == SRC_UTF16LE ? "UTF-16LE"
                  : kind == SRC_UTF16BE ? "UTF-16BE"
                                        : "converted";
    t->src_kind = kind;
    t->orig = malloc(n ? n : 1);
    if (!t->orig) {
        rg_text_free(t);
        return rg_fail(err, RG_ENOMEM, "%s: out of memory", name);
    }
    memcpy(t->orig, src, n);
    t->orig_len = n;
    return RG_OK;
}

/* Counts invalid UTF-8 sequences and non-ASCII characters. */
static void utf8_scan(const unsigned char *s, size_t n, size_t *invalid, size_t *nonascii,
                      size_t *first_bad)
{
    *invalid = *nonascii = 0;
    *first_bad = SIZE_MAX;
    for (size_t i = 0; i < n;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t l = rg_utf8_seqlen(s + i, n - i);
        (*nonascii)++;
        if (l == 0) {
            if (*first_bad == SIZE_MAX)
                *first_bad = i;
            (*invalid)++;
            i++;
        } else {
            i += l;
        }
    }
}

#define WARN_PIECE 4096 /* bytes that rg_text_warn_invalid() checks together, to a line break */

void rg_text_warn_invalid(const unsigned char *s, size_t n, size_t base, const char *name,
                          rg_buf *warnings, size_t *seen)
{
    /* in pieces that end at a line break, which no character runs across: a
     * piece the validator passes holds nothing to report, and only the others
     * are read a character at a time (a text has few bad bytes, often at its
     * end, where a cut left half a character) */
    for (size_t i = 0; i < n;) {
        const unsigned char *nl =
            n - i > WARN_PIECE ? memchr(s + i + WARN_PIECE, '\n', n - i - WARN_PIECE) : NULL;
        size_t e = nl ? (size_t)(nl - s) + 1 : n;
        if (rg_utf8_valid((const char *)s + i, e - i)) {
            i = e;
            continue;
        }
        while (i < e) {
            size_t l = s[i] < 0x80 ? 1 : rg_utf8_seqlen(s + i, e - i);
            if (l == 0) {
                if (*seen < MAX_WARNINGS)
                    rg_buf_printf(warnings, "%s: byte %zu: invalid UTF-8, ignored\n", name,
                                  base + i);
                (*seen)++;
                l = 1;
            }
            i += l;
        }
    }
}

void rg_text_warn_more_invalid(const char *name, rg_buf *warnings, size_t seen)
{
    if (seen > MAX_WARNINGS)
        rg_buf_printf(warnings, "%s: %zu more invalid UTF-8 bytes\n", name, seen - MAX_WARNINGS);
}

bool rg_text_mostly_invalid(const unsigned char *s, size_t n)
{
    size_t invalid, nonascii, first_bad;
    utf8_scan(s, n, &invalid, &nonascii, &first_bad);
    return invalid > 0 && invalid * 2 > nonascii;
}


#define NUL_STRETCH 512 /* bytes find_nul() tests together */

#ifdef HAVE_AVX2
/* The start of the first stretch of NUL_STRETCH bytes of s[0..n) that holds a
 * NUL, else of the last bytes, fewer than that: the stretch folded by its
 * minimum, an instruction for each 32 bytes. */
__attribute__((target("avx2"))) static const char *nul_stretch_avx2(const char *s, size_t n)
{
    const char *p = s;
    for (; n - (size_t)(p - s) >= NUL_STRETCH; p += NUL_STRETCH) {
        __m256i m = _mm256_loadu_si256((const __m256i *)p);
        for (int b = 32; b < NUL_STRETCH; b += 32)
            m = _mm256_min_epu8(m, _mm256_loadu_si256((const __m256i *)(p + b)));
        if (_mm256_movemask_epi8(_mm256_cmpeq_epi8(m, _mm256_setzero_si256())))
            break;
    }
    return p;
}
#endif

/* The first NUL byte of s[0..n), or NULL.  Text holds none, as a rule, and
 * memchr() tests each 32 bytes on its own: with AVX2 the stretches without
 * one are passed over at a fraction of that, and memchr() reads only the
 * stretch that holds it, or the last bytes. */
static const char *find_nul(const char *s, size_t n)
{
#ifdef HAVE_AVX2
    if (rg_cpu_avx2()) {
        const char *p = nul_stretch_avx2(s, n);
        return memchr(p, 0, n - (size_t)(p - s));
    }
#endif
    return memchr(s, 0, n);
}

bool rg_text_binary(const unsigned char *s, size_t n, size_t *first_nul)
{
    /* NUL bytes are rare in text and everywhere in binary formats: more than
     * one in a hundred bytes of the opening makes a file binary */
    size_t probe = n < BINARY_PROBE ? n : BINARY_PROBE, nuls = 0;
    *first_nul = SIZE_MAX;
    for (const unsigned char *p = s;
         (p = (const unsigned char *)find_nul((const char *)p, probe - (size_t)(p - s))); p++) {
        if (*first_nul == SIZE_MAX)
            *first_nul = (size_t)(p - s);
        nuls++;
    }
    return nuls > 0 && (nuls * 100 > probe || probe < 16);
}

void rg_text_nuls(char *s, size_t n, size_t base, const char *name, rg_buf *warnings,
                  size_t *seen)
{
    for (char *p = s; (p = (char *)find_nul(p, n - (size_t)(p - s))); p++) {
        if ((*seen)++ == 0)
            rg_buf_printf(warnings, "%s: byte %zu: NUL byte, read as a space\n", name,
                          base + (size_t)(p - s));
        *p = ' ';
    }
}

bool rg_text_converted(const char *data, size_t len, const char *named, char enc[32], size_t *bom)
{
    *bom = 0;
    if (named && *named) {
        if (!strcasecmp(named, "UTF-8") || !strcasecmp(named, "UTF8"))
            return false;
        snprintf(enc, 32, "%s", named);
        for (char *p = enc; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 'a' + 'A');
        if (strcmp(enc, "GBK") == 0 || strcmp(enc, "GB2312") == 0)
            snprintf(enc, 32, "GB18030"); /* GB18030 is a superset */
        if (!strcmp(enc, "UTF-16") || !strcmp(enc, "UTF-32")) {
            /* the byte order named, as the byte-order mark says (iconv's default:
             * big-endian), so that the characters can be measured one by one */
            bool wide = enc[4] == '3';
            bool le = wide ? has_prefix(data, len, "\xFF\xFE\0\0", 4)
                           : has_prefix(data, len, "\xFF\xFE", 2);
            bool be = wide ? has_prefix(data, len, "\0\0\xFE\xFF", 4)
                           : has_prefix(data, len, "\xFE\xFF", 2);
            *bom = le || be ? (wide ? 4 : 2) : 0;
            snprintf(enc + 6, 32 - 6, "%s", le ? "LE" : "BE");
        }
        return true;
    }
    if (has_prefix(data, len, "\xFF\xFE", 2) || has_prefix(data, len, "\xFE\xFF", 2)) {
        *bom = 2;
        snprintf(enc, 32, "%s", data[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE");
        return true;
    }
    return false;
}

static rg_status load(const char *name, const char *data, size_t len, const char *encoding,
                      rg_text *t, rg_buf *warnings, bool in_place, rg_error *err)
{
    memset(t, 0, sizeof *t);
    const unsigned char *s = (const unsigned char *)data;
    char enc[32];
    size_t bom;
    if (rg_text_converted(data, len, encoding, enc, &bom)) {
        t->skip = bom;
        rg_status st = convert(name, s + bom, len - bom, enc, bom, NULL, NULL, t, warnings, err);
        if (st == RG_OK)
            for (size_t i = 0; i < t->ncp; i++)
                t->cp_orig[i] += bom;
        return st;
    }
    if (has_prefix(data, len, "\xEF\xBB\xBF", 3))
        t->skip = 3;
    const unsigned char *body = s + t->skip;
    size_t n = len - t->skip;
    size_t first_nul = 0; /* the NUL bytes read as spaces are looked for from there */
    if (!encoding && rg_text_binary(body, n, &first_nul))
        return rg_fail(err, RG_ESKIPPED,
                       "%s: binary file (NUL byte at offset %zu), skipped; "
                       "for UTF-16 without a byte-order mark give --encoding",
                       name, first_nul + (size_t)(body - s));
    size_t invalid = 0, nonascii = 0, first_bad = SIZE_MAX;
    t->valid = rg_utf8_valid((const char *)body, n);
    if (!t->valid)
        utf8_scan(body, n, &invalid, &nonascii, &first_bad);
    if (!encoding && invalid > 0 && invalid * 2 > nonascii) {
        /* Mostly not UTF-8: legacy Chinese text is GB18030 (GBK, GB2312), converted
         * from its first byte (what looked like a byte-order mark is GB18030 too).
         * Its opening must read as GB18030, as for a stream: a bad byte after that
         * is a warning. */
        t->skip = 0;
        rg_buf w = {0};
        size_t bad;
        rg_status st = convert(name, s, len, "GB18030", 0, NULL, &bad, t, &w, err);
        bool gb = st == RG_OK && (bad == SIZE_MAX || bad >= gb_opening(data, len));
        if (gb && w.len)
            rg_buf_add(warnings, w.data, w.len);
        rg_buf_free(&w);
        if (gb)
            return RG_OK;
        if (st == RG_OK)
            rg_text_free(t);
        memset(t, 0, sizeof *t);
        if (st == RG_ENOMEM)
            return st;
        return rg_fail(err, RG_EINPUT,
                       "%s: not UTF-8 (invalid byte at offset %zu) and not GB18030 either "
                       "(invalid at offset %zu); give --encoding",
                       name, first_bad + (size_t)(body - s), bad);
    }
    if (invalid > 0) {
        /* Report the first few places; the rest of the text is still read. */
        size_t seen = 0;
        rg_text_warn_invalid(body, n, t->skip, name, warnings, &seen);
        rg_text_warn_more_invalid(name, warnings, seen);
    }
    if (in_place) {
        t->utf8 = (char *)body; /* the caller's buffer, with room for the NUL */
        t->borrowed = true;
    } else {
        t->utf8 = malloc(n + 1);
        if (!t->utf8)
            return rg_fail(err, RG_ENOMEM, "%s: out of memory (%zu bytes)", name, n);
        memcpy(t->utf8, body, n);
    }
    t->utf8[n] = '\0';
    /* the probe saw the opening: none before its first NUL, or before its end
     * (all of a short text) when it found none */
    size_t nuls = 0, from = encoding ? 0 : first_nul < BINARY_PROBE ? first_nul : BINARY_PROBE;
    if (from < n)
        rg_text_nuls(t->utf8 + from, n - from, t->skip + from, name, warnings, &nuls);
    if (nuls > 1)
        rg_buf_printf(warnings, "%s: %zu more NUL bytes read as spaces\n", name, nuls - 1);
    t->len = n;
    t->encoding = "UTF-8";
    return RG_OK;
}

rg_status rg_text_load(const char *name, const char *data, size_t len, const char *encoding,
                       rg_text *t, rg_buf *warnings, rg_error *err)
{
    return load(name, data, len, encoding, t, warnings, false, err);
}

rg_status rg_text_load_in_place(const char *name, char *data, size_t len, const char *encoding,
                                rg_text *t, rg_buf *warnings, rg_error *err)
{
    return load(name, data, len, encoding, t, warnings, true, err);
}

rg_status rg_text_convert(const char *name, const char *data, size_t len, const char *enc,
                          size_t at, size_t *seen, rg_text *t, rg_buf *warnings, rg_error *err)
{
    memset(t, 0, sizeof *t);
    return convert(name, (const unsigned char *)data, len, enc, at, seen, NULL, t, warnings, err);
}

void rg_text_warn_more_converted(const char *name, const char *enc, rg_buf *warnings, size_t seen)
{
    if (seen > MAX_WARNINGS)
        rg_buf_printf(warnings, "%s: %zu more invalid %s sequences\n", name, seen - MAX_WARNINGS,
                      enc);
}

/* The end of the last whole GB18030 character of buf[0..n), read from its start. */
static size_t gb18030_whole(const char *buf, size_t n)
{
    const unsigned char *u = (const unsigned char *)buf;
    size_t p = 0;
    while (p < n) {
        size_t l = 1; /* ASCII, or a byte that does not convert (iconv skips it alone) */
        if (u[p] >= 0x81 && u[p] <= 0xFE) {
            if (p + 1 >= n)
                break;
            unsigned b = u[p + 1];
            if (b >= 0x30 && b <= 0x39) {
                if (p + 3 >= n)
                    break;
                if (u[p + 2] >= 0x81 && u[p + 2] <= 0xFE && u[p + 3] >= 0x30 && u[p + 3] <= 0x39)
                    l = 4;
            } else if ((b >= 0x40 && b <= 0x7E) || (b >= 0x80 && b <= 0xFE)) {
                l = 2;
            }
        }
        p += l;
    }
    return p;
}

/* Whether a text in an encoding measured by iconv (Big5, Shift_JIS, EUC-KR,
 * CP1258 ...) may be cut after any line break and each piece converted on its
 * own, as GB18030 is: every byte below 0x80 reads alone as one character (so
 * the encoding has no shift states, like ISO-2022's ESC, UTF-7's + or HZ's ~,
 * and is not UTF-32; Shift_JIS reads 0x5C as the yen sign), the line break as
 * itself (not EBCDIC), and no other byte takes a line break as the rest of
 * its character. */
static bool line_safe(const char *enc)
{
    iconv_t cd = iconv_open("UTF-32LE", enc);
    if (cd == (iconv_t)-1)
        return false;
    bool safe = true;
    uint32_t c;
    for (unsigned b = 0; b < 0x80 && safe; b++) {
        unsigned char one = (unsigned char)b;
        safe = code_points(cd, &one, 1, &c) == 1 && (b != '\n' || c == b);
    }
    for (unsigned b = 0x80; b < 0x100 && safe; b++) {
        unsigned char two[2] = {(unsigned char)b, '\n'};
        safe = code_points(cd, two, 2, &c) != 1;
    }
    iconv_close(cd);
    return safe;
}

bool rg_text_cuttable(const char *enc)
{
    return src_kind(enc) != SRC_MEASURED || line_safe(enc);
}

size_t rg_text_last_break(const char *enc, const char *buf, size_t n)
{
    const unsigned char *u = (const unsigned char *)buf;
    int kind = src_kind(enc);
    if (kind == SRC_GB18030 || kind == SRC_MEASURED) { /* 0x0A is no part of another character */
        for (size_t p = n; p > 0; p--)
            if (u[p - 1] == '\n')
                return p;
        return 0;
    }
    for (size_t p = n & ~(size_t)1; p >= 2; p -= 2)
        if (kind == SRC_UTF16LE ? (u[p - 2] == '\n' && u[p - 1] == 0)
                                : (u[p - 2] == 0 && u[p - 1] == '\n'))
            return p;
    return 0;
}

size_t rg_text_whole_chars(const char *enc, const char *buf, size_t n)
{
    int kind = src_kind(enc);
    if (kind == SRC_GB18030)
        return gb18030_whole(buf, n);
    if (kind == SRC_MEASURED) {
        /* before a byte below 0x80 that follows one: no lead byte is below
         * 0x80, so the first ends a character (a trail byte may be below it)
         * and the second starts one (no composing mark is below it either) */
        const unsigned char *m = (const unsigned char *)buf;
        for (size_t p = n; p > 1; p--)
            if (m[p - 1] < 0x80 && m[p - 2] < 0x80)
                return p - 1;
        return 0;
    }
    /* UTF-16: not between the two halves of a pair */
    const unsigned char *u = (const unsigned char *)buf;
    size_t p = n & ~(size_t)1;
    if (p >= 2 && (u[kind == SRC_UTF16LE ? p - 1 : p - 2] & 0xFC) == 0xD8)
        p -= 2;
    return p;
}

/* The opening of a text that must read as GB18030 for it to be GB18030: its
 * first megabyte, up to its last line break (or whole character).  n bytes
 * of exactly a megabyte may be the first chunk of a stream, whose end can cut
 * a character: they are cut back too. */
static size_t gb_opening(const char *buf, size_t n)
{
    if (n < GB_OPENING)
        return n;
    size_t upto = rg_text_last_break("GB18030", buf, GB_OPENING);
    return upto ? upto : gb18030_whole(buf, GB_OPENING);
}

bool rg_text_gb18030_opening(const char *buf, size_t n)
{
    rg_text t = {0};
    rg_buf w = {0};
    rg_error e = {0};
    size_t upto = gb_opening(buf, n), bad = SIZE_MAX;
    bool clean = upto && convert("", (const unsigned char *)buf, upto, "GB18030", 0, NULL, &bad, &t,
                                 &w, &e) == RG_OK;
    if (clean)
        rg_text_free(&t);
    rg_buf_free(&w);
    return clean && bad == SIZE_MAX;
}

void rg_text_free(rg_text *t)
{
    if (!t->borrowed)
        free(t->utf8);
    free(t->orig);
    free(t->cp_utf8);
    free(t->cp_orig);
    free(t->srclen);
    memset(t, 0, sizeof *t);
}

size_t rg_text_orig_offset(const rg_text *t, size_t u)
{
    if (!t->orig)
        return u + t->skip;
    /* The last checkpoint at or before u, then walk in lockstep. */
    size_t lo = 0, hi = t->ncp;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (t->cp_utf8[mid] <= u)
            lo = mid;
        else
            hi = mid;
    }
    size_t cu = t->cp_utf8[lo], co = t->cp_orig[lo];
    size_t base = t->skip; /* cp_orig already includes it */
    while (cu < u && cu < t->len) {
        size_t ul = rg_utf8_seqlen((unsigned char *)t->utf8 + cu, t->len - cu);
        size_t rel = co - base;
        co += t->srclen ? t->srclen[cu] : src_char_len(t->src_kind, t->orig + rel, t->orig_len - rel);
        cu += ul ? ul : 1;
    }
    return co;
}
