/*
 * utf8.c - the vector UTF-8 helpers against plain loops.
 *
 * rg_utf8_valid() decides which compiled patterns read a text: those compiled
 * without PCRE2_MATCH_INVALID_UTF must never see invalid UTF-8, so each vector
 * validator (SSSE3, AVX2: those the processor has) must agree with the
 * definition everywhere.  Checked on every
 * sequence of one to four bytes drawn from the bytes where UTF-8's rules
 * change (across the edges of 16- and 32-byte blocks and of the AVX2 way's
 * steps of four blocks, with ASCII or Chinese around it, and at the end of
 * the text), then on random texts, then on a long valid text cut short or
 * spoilt at each place.
 * rg_utf8_count(), rg_count_lines(), rg_count_lines_chars() (each way),
 * rg_lines_cols() and rg_graphic_span() against byte loops on the same texts.
 * Prints "N passed, N failed".
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long passed, failed;

/* The definition: RFC 3629, as rg_utf8_seqlen() reads one sequence. */
static bool valid_ref(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t l = s[i] < 0x80 ? 1 : rg_utf8_seqlen(s + i, n - i);
        if (l == 0)
            return false;
        i += l;
    }
    return true;
}

static size_t count_ref(const unsigned char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += (s[i] & 0xC0) != 0x80;
    return c;
}

/* rg_lines_cols() at every step-th place of s[0..n) and its end (each place
 * twice: one that does not move on), against a byte loop. */
static bool lines_cols_ok(const unsigned char *s, size_t n, size_t step)
{
    enum { MAX = 2 * 80000 };
    static size_t lc[MAX][2], want[MAX][2];
    size_t np = 0, line = 0, col = 3; /* (a first line that starts 2 characters in) */
    for (size_t i = 0; i <= n && np + 2 <= MAX; i++) {
        if (i % step == 0 || i == n) {
            for (int k = 0; k < 2; k++, np++) {
                lc[np][0] = i;
                want[np][0] = line;
                want[np][1] = col;
            }
        }
        if (i < n) {
            if (s[i] == '\n') {
                line++;
                col = 1;
            } else {
                col += (s[i] & 0xC0) != 0x80;
            }
        }
    }
    if (rg_lines_cols((const char *)s, n, 3, &lc[0][0], np, sizeof lc[0]) != line)
        return false;
    for (size_t i = 0; i < np; i++)
        if (lc[i][0] != want[i][0] || lc[i][1] != want[i][1])
            return false;
    return true;
}

static void check(const unsigned char *s, size_t n)
{
    bool valid = valid_ref(s, n);
    bool ok = rg_utf8_valid((const char *)s, n) == valid &&
              rg_utf8_count((const char *)s, n) == count_ref(s, n);
    for (int way = 0; way < 3; way++) {
        int got = rg_utf8_valid_by(way, (const char *)s, n);
        ok = ok && (got < 0 || got == valid); /* each way this processor has */
    }
    size_t after, lines = rg_count_lines((const char *)s, n, &after), want = 0, want_after = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n') {
            want++;
            want_after = i + 1;
        }
    ok = ok && lines == want && after == want_after;
    size_t want_chars = count_ref(s + want_after, n - want_after);
    for (int way = 0; way < 3; way++) {
        size_t got_lines, got_chars;
        if (rg_count_lines_chars_by(way, (const char *)s, n, &got_lines, &got_chars))
            ok = ok && got_lines == want && got_chars == want_chars;
    }
    ok = ok && rg_count_lines_chars((const char *)s, n, &after) == want && after == want_chars;
    ok = ok && lines_cols_ok(s, n, n % 2 ? 1 + n * 7 % 67 : 64 + n % 300);
    size_t span = 0;
    while (span < n && s[span] >= '!' && s[span] <= '~')
        span++;
    ok = ok && rg_graphic_span((const char *)s, n) == span;
    if (ok) {
        passed++;
        return;
    }
    if (failed++ < 10) {
        printf("FAIL: valid %d (expected %d) on", rg_utf8_valid((const char *)s, n),
               valid_ref(s, n));
        for (size_t i = 0; i < n; i++)
            printf(" %02x", s[i]);
        printf("\n");
    }
}

/* Only the validators, where the others have nothing new to see. */
static void check_valid(const unsigned char *s, size_t n)
{
    bool valid = valid_ref(s, n), ok = rg_utf8_valid((const char *)s, n) == valid;
    for (int way = 0; way < 3; way++) {
        int got = rg_utf8_valid_by(way, (const char *)s, n);
        ok = ok && (got < 0 || got == valid);
    }
    if (ok) {
        passed++;
        return;
    }
    if (failed++ < 10) {
        printf("FAIL: valid %d (expected %d) on", rg_utf8_valid((const char *)s, n), valid);
        for (size_t i = 0; i < n; i++)
            printf(" %02x", s[i]);
        printf("\n");
    }
}

int main(void)
{
    static const unsigned char bytes[] = {0x00, 0x0A, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0,
                                          0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED,
                                          0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xFF};
    const size_t nb = sizeof bytes;
    static char around[2][200];
    memset(around[0], 'a', 199);
    for (size_t i = 0; i + 3 < sizeof around[1]; i += 3)
        memcpy(around[1] + i, "第", 3);
    unsigned char buf[400];
    for (size_t len = 1; len <= 4; len++) {
        size_t total = 1;
        for (size_t k = 0; k < len; k++)
            total *= nb;
        for (size_t c = 0; c < total; c++) {
            unsigned char seq[4];
            for (size_t k = 0, x = c; k < len; k++, x /= nb)
                seq[k] = bytes[x % nb];
            static const size_t offsets[] = {0,  13, 14, 15, 16, 17, 29, 30,  31,  32,  33,
                                             45, 62, 63, 64, 65, 96, 97, 157, 158, 159, 160, 163};
            for (int a = 0; a < (len < 4 ? 2 : 1); a++)
                for (size_t o = 0; o < sizeof offsets / sizeof *offsets; o++)
                    for (int tail = 0; tail < 3; tail++) {
                        size_t off = offsets[o];
                        size_t cl = strlen(around[a]), n = off < cl ? off : cl;
                        if (a == 1)
                            n -= n % 3; /* whole characters */
                        memcpy(buf, around[a], n);
                        memcpy(buf + n, seq, len);
                        n += len;
                        if (tail) { /* to the next block, or past the next four */
                            size_t tl = tail == 1 ? 21 : 180;
                            memcpy(buf + n, around[a], tl);
                            n += tl;
                        }
                        if (off < 96 && tail < 2)
                            check(buf, n);
                        else
                            check_valid(buf, n);
                    }
        }
    }
    srand(7);
    for (long t = 0; t < 300000; t++) {
        size_t n = (size_t)rand() % 150;
        for (size_t i = 0; i < n;) {
            int r = rand() % 10;
            if (r < 6 && i + 3 <= n) {
                memcpy(buf + i, "第", 3);
                i += 3;
            } else if (r < 8) {
                buf[i++] = r == 6 ? '\n' : 'a';
            } else {
                buf[i++] = (unsigned char)rand();
            }
        }
        check(buf, n);
    }
    /* long texts: the vector counters are folded every 4080 bytes */
    static unsigned char big[70000];
    for (int t = 0; t < 40; t++) {
        size_t n = t < 2 ? sizeof big : t < 20 ? 4000 + (size_t)t * 7 : (size_t)rand() % sizeof big;
        for (size_t i = 0; i < n; i++) {
            int r = rand() % 8;
            big[i] = t < 2   ? "\na"[t] /* every byte counted: counters at their limit */
                     : r == 0 ? '\n'
                     : r < 3  ? 0xE7
                     : r < 6  ? 0x9B
                              : (unsigned char)rand();
        }
        check(big, n);
    }
    /* line breaks far apart or none (the counts go back block by block to
     * the last), of every length to 700, each text alone in its allocation
     * so that a read past either end is one a sanitizer sees */
    for (int t = 0; t < 20000; t++) {
        size_t n = (size_t)t % 701;
        static const int every[] = {0, 400, 90, 30, 8};
        int e = every[t / 701 % 5];
        unsigned char *text = malloc(n ? n : 1);
        if (!text)
            return 1;
        for (size_t i = 0; i < n; i++) {
            int r = rand();
            text[i] = e && r % e == 0 ? '\n' : "a\xE7\x9B\xBF\x80"[r / 8 % 5];
        }
        check(text, n);
        free(text);
    }
    /* runs of ASCII and of other characters, long enough for steps of either
     * kind and for several of the AVX2 way's runs of 2 KB; each place spoilt
     * by a lead byte, a continuation byte, a byte never in UTF-8 */
    static unsigned char text[6000], spoilt[6000];
    size_t tn = 0;
    while (tn + 8 < sizeof text) {
        int r = rand() % 4, run = rand() % (r == 0 ? 300 : 100);
        for (int k = 0; k < run && tn + 8 < sizeof text; k++) {
            const char *c = r == 0 ? "a" : r == 1 ? "\xC3\xA9" : r == 2 ? "第" : "\xF0\x9F\x98\x80";
            memcpy(text + tn, c, strlen(c));
            tn += strlen(c);
        }
    }
    for (size_t n = 0; n <= tn; n++)
        check_valid(text, n);
    for (size_t i = 0; i < tn; i++)
        for (int b = 0; b < 3; b++) {
            memcpy(spoilt, text, tn);
            spoilt[i] = "\xE4\x80\xFF"[b];
            check_valid(spoilt, tn);
        }
    printf("%ld passed, %ld failed\n", passed, failed);
    return failed != 0;
}
