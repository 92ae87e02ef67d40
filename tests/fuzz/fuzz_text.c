/*
 * fuzz_text.c - libFuzzer target: reading text in the encodings resgraph knows.
 *
 * The first byte chooses the encoding option (none: detected, UTF-16LE,
 * UTF-16BE, GB18030, UTF-8, and Big5, Shift_JIS, CP1258 and UTF-32, whose
 * characters are measured through iconv), the rest is the text.  Checks that every
 * mention and link maps back into the text's bytes: offset + length <= the
 * text's size, and that lines and columns count from 1.  When an encoding is
 * named and the whole text converts from it cleanly (iconv, no U+0000), each
 * mention's original bytes [offset, offset + length) must convert to exactly
 * its surface.
 */
#include "resgraph.h"

#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c)                                                                                  \
    do {                                                                                          \
        if (!(c)) {                                                                               \
            fprintf(stderr, "fuzz_text: invariant violated: %s (%s:%d)\n", #c, __FILE__,         \
                    __LINE__);                                                                    \
            __builtin_trap();                                                                     \
        }                                                                                         \
    } while (0)

static const char *const encodings[] = {NULL,     "UTF-16LE",  "UTF-16BE", "GB18030", "UTF-8",
                                         "BIG5",   "SHIFT_JIS", "CP1258",   "UTF-32"};
#define NENC (sizeof encodings / sizeof *encodings)

/* s[0..n) converted from enc to UTF-8 into a new buffer; false when any byte
 * does not convert (or on any other failure). */
static bool decode(const char *enc, const uint8_t *s, size_t n, char **out, size_t *outlen)
{
    *out = NULL;
    iconv_t cd = iconv_open("UTF-8", enc);
    if (cd == (iconv_t)-1)
        return false;
    size_t cap = 4 * n + 16;
    char *buf = malloc(cap);
    char *in = (char *)s, *o = buf;
    size_t inleft = n, oleft = cap;
    bool ok = buf && iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1 && inleft == 0 &&
              iconv(cd, NULL, NULL, &o, &oleft) != (size_t)-1;
    iconv_close(cd);
    if (!ok) {
        free(buf);
        return false;
    }
    *out = buf;
    *outlen = cap - oleft;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    rg_read_options opt = {.doc_id = NULL, .encoding = encodings[data[0] % NENC]};
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    rg_doc *doc = NULL;
    rg_error err;
    if (rg_doc_read_buffer("fuzz.txt", text, len, &opt, &doc, &err) != RG_OK) {
        CHECK(doc == NULL);
        return 0;
    }
    CHECK(doc != NULL);
    bool exact = false;
    if (opt.encoding) {
        char *all;
        size_t alllen;
        if (decode(opt.encoding, (const uint8_t *)text, len, &all, &alllen)) {
            exact = memchr(all, 0, alllen) == NULL;
            free(all);
        }
    }
    for (size_t i = 0; i < rg_doc_mention_count(doc); i++) {
        const rg_mention *m = rg_doc_mention(doc, i);
        CHECK(m->id && m->surface);
        CHECK(m->offset <= len && m->length <= len - m->offset);
        CHECK(m->line >= 1 && m->col >= 1);
        if (exact) {
            char *orig = NULL;
            size_t olen = 0;
            bool ok = decode(opt.encoding, (const uint8_t *)text + m->offset, m->length, &orig,
                             &olen);
            if (!ok || olen != strlen(m->surface) || memcmp(orig, m->surface, olen) != 0)
                fprintf(stderr, "fuzz_text: %s: mention %zu (offset %zu, length %zu): surface "
                                "\"%s\", original bytes %s \"%.*s\"\n",
                        opt.encoding, i, m->offset, m->length, m->surface,
                        ok ? "read as" : "do not convert", ok ? (int)olen : 0, ok ? orig : "");
            CHECK(ok && olen == strlen(m->surface) && memcmp(orig, m->surface, olen) == 0);
            free(orig);
        }
    }
    for (size_t i = 0; i < rg_doc_link_count(doc); i++) {
        const rg_link *k = rg_doc_link(doc, i);
        CHECK(k->offset <= len);
        CHECK(k->line >= 1);
    }
    rg_doc_free(doc);
    return 0;
}
