/*
 * fuzz_extract.c - libFuzzer target: the extractor and everything after it.
 *
 * The bytes are a document (rg_doc_read_buffer, encoding detected).  When it
 * is read, its records are written in both formats, its graph is built and
 * the lineage from the document to the first few items it cites is computed.
 * Invariants checked (a violation traps):
 *   - every mention lies within the input: offset + length <= size;
 *   - line >= 1, col >= 1;
 *   - mentions come in non-decreasing offset order;
 *   - for valid UTF-8 input without a byte-order mark: the surface is the
 *     input's bytes at [offset, offset + length), and line/col are the line
 *     number ('\n' counted) and the character column of offset;
 *   - the document and every cited id are nodes of the graph; a chain found
 *     runs from the document to the item, over nodes of the graph;
 *   - the fast path (the prefilter) finds what the reference scan of the
 *     whole text finds (rg_read_options.reference, with .context set so that
 *     the context code runs too): the same document id and the same mentions,
 *     field by field.
 *
 * Built with libFuzzer by scripts/fuzz, or with tests/fuzz/replay.c as a
 * plain program by tests/fuzz-regress.sh.
 */
#include "resgraph.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c)                                                                                  \
    do {                                                                                          \
        if (!(c)) {                                                                               \
            fprintf(stderr, "fuzz_extract: invariant violated: %s (%s:%d)\n", #c, __FILE__,      \
                    __LINE__);                                                                    \
            __builtin_trap();                                                                     \
        }                                                                                         \
    } while (0)

#define MAX_LINEAGE 8

static FILE *devnull;

/* Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF), no NUL byte. */
static bool valid_utf8(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint8_t c = s[i];
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

static size_t utf8_chars(const uint8_t *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += (s[i] & 0xC0) != 0x80;
    return k;
}

static bool same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The mentions of the fast path (a) and of the reference scan (b) agree. */
static void compare_reference(const rg_doc *a, const rg_doc *b)
{
    size_t na = rg_doc_mention_count(a), nb = rg_doc_mention_count(b);
    bool same = same_str(rg_doc_id(a), rg_doc_id(b)) && na == nb;
    size_t i = 0;
    for (; same && i < na; i++) {
        const rg_mention *x = rg_doc_mention(a, i), *y = rg_doc_mention(b, i);
        same = same_str(x->id, y->id) && x->type == y->type && same_str(x->body, y->body) &&
               same_str(x->date, y->date) && same_str(x->surface, y->surface) &&
               x->form == y->form && x->offset == y->offset && x->length == y->length &&
               x->line == y->line && x->col == y->col && x->list == y->list &&
               same_str(x->para, y->para) && same_str(x->verb, y->verb);
    }
    if (same)
        return;
    fprintf(stderr, "fuzz_extract: the prefilter and the reference scan differ (document %s / %s, "
                    "%zu / %zu mentions, first difference at mention %zu)\n",
            rg_doc_id(a), rg_doc_id(b), na, nb, i ? i - 1 : 0);
    for (size_t k = 0; k < (na > nb ? na : nb); k++) {
        const rg_mention *x = k < na ? rg_doc_mention(a, k) : NULL;
        const rg_mention *y = k < nb ? rg_doc_mention(b, k) : NULL;
        fprintf(stderr,
                "  %zu fast: %s @%zu+%zu \"%s\" date %s list %zu | "
                "reference: %s @%zu+%zu \"%s\" date %s list %zu\n",
                k, x ? x->id : "-", x ? x->offset : 0, x ? x->length : 0, x ? x->surface : "",
                x && x->date ? x->date : "-", x ? x->list : 0, y ? y->id : "-",
                y ? y->offset : 0, y ? y->length : 0, y ? y->surface : "",
                y && y->date ? y->date : "-", y ? y->list : 0);
    }
    CHECK(!"prefilter == reference scan");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull) {
        devnull = fopen("/dev/null", "w");
        if (!devnull)
            abort();
    }
    static const uint8_t empty[1];
    if (!data)
        data = empty;
    rg_doc *doc = NULL;
    rg_error err;
    if (rg_doc_read_buffer("fuzz.txt", (const char *)data, size, NULL, &doc, &err) != RG_OK) {
        CHECK(doc == NULL);
        return 0;
    }
    CHECK(doc != NULL);
    CHECK(rg_doc_id(doc) != NULL);

    bool plain = size < 3 || memcmp(data, "\xEF\xBB\xBF", 3) != 0;
    plain = plain && valid_utf8(data, size);
    size_t n = rg_doc_mention_count(doc);
    size_t prev = 0, line = 1, lstart = 0, cur = 0;
    for (size_t i = 0; i < n; i++) {
        const rg_mention *m = rg_doc_mention(doc, i);
        CHECK(m->id && m->surface);
        CHECK(m->offset <= size && m->length <= size - m->offset);
        CHECK(m->line >= 1 && m->col >= 1);
        CHECK(m->offset >= prev);
        prev = m->offset;
        if (plain) {
            CHECK(strlen(m->surface) == m->length);
            CHECK(memcmp(m->surface, data + m->offset, m->length) == 0);
            for (; cur < m->offset; cur++)
                if (data[cur] == '\n') {
                    line++;
                    lstart = cur + 1;
                }
            CHECK(m->line == line);
            CHECK(m->col == utf8_chars(data + lstart, m->offset - lstart) + 1);
        }
    }
    for (size_t i = 0; i < rg_doc_link_count(doc); i++) {
        const rg_link *k = rg_doc_link(doc, i);
        CHECK(k->target && k->url);
        CHECK(k->offset <= size);
        CHECK(k->line >= 1);
    }
    for (size_t i = 0; i < rg_doc_warning_count(doc); i++)
        CHECK(rg_doc_warning(doc, i) != NULL);

    rg_read_options ref = {.reference = 1, .context = 1};
    rg_doc *rdoc = NULL;
    CHECK(rg_doc_read_buffer("fuzz.txt", (const char *)data, size, &ref, &rdoc, &err) == RG_OK);
    compare_reference(doc, rdoc);
    rg_doc_free(rdoc);

    rg_records_begin(devnull, RG_RECORDS_TSV, &err);
    CHECK(rg_records_write(devnull, RG_RECORDS_JSONL, doc, &err) == RG_OK);
    CHECK(rg_records_write(devnull, RG_RECORDS_TSV, doc, &err) == RG_OK);

    rg_graph *g = NULL;
    if (rg_graph_build(&doc, 1, &g, &err) == RG_OK) {
        size_t nn = rg_graph_node_count(g);
        long from = rg_graph_find(g, rg_doc_id(doc));
        CHECK(from >= 0 && (size_t)from < nn);
        const char *done[MAX_LINEAGE];
        size_t ndone = 0;
        for (size_t i = 0; i < n && ndone < MAX_LINEAGE; i++) {
            const char *id = rg_doc_mention(doc, i)->id;
            long to = rg_graph_find(g, id);
            CHECK(to >= 0 && (size_t)to < nn);
            bool seen = false;
            for (size_t k = 0; k < ndone && !seen; k++)
                seen = strcmp(done[k], id) == 0;
            if (seen)
                continue;
            done[ndone++] = id;
            rg_chain *ch = NULL;
            if (rg_lineage(g, (size_t)from, (size_t)to, &ch, &err) == RG_OK) {
                CHECK(ch && ch->len >= 1 && ch->count);
                CHECK(ch->nodes[0] == (size_t)from && ch->nodes[ch->len - 1] == (size_t)to);
                for (size_t k = 0; k < ch->len; k++)
                    CHECK(ch->nodes[k] < nn);
                rg_chain_free(ch);
            }
        }
        rg_graph_free(g);
    }
    rg_doc_free(doc);
    return 0;
}
