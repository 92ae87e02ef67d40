/*
 * identity.c - whose document this is: its symbol, body and session, and the
 * ids that name it (so that its references to itself are dropped).
 *
 * The scan of the first segment (extract.c) hands over candidates: a symbol
 * alone on a line, a title's lone reference among the first 30 lines, a
 * resolution heading such as "54/254."; the most frequent symbol wins, and
 * --doc-id overrides them all.
 */
#include "scan.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The first 第 (E7 AC AC) in [p, end), or NULL.  第 is frequent (第5条, 第
 * 54/254号决议), but its first byte more so: the lead byte of a sixteenth of
 * the ideographs, where a memchr() for it stopped every few characters.  So
 * sixteen places are tested a step, each against the three bytes at it. */
static const char *next_di(const char *p, const char *end)
{
#if defined(__SSE2__)
    for (; end - p >= 18; p += 16) {
        __m128i a = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), _mm_set1_epi8((char)0xE7));
        __m128i b = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + 1)),
                                   _mm_set1_epi8((char)0xAC));
        __m128i c = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + 2)),
                                   _mm_set1_epi8((char)0xAC));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(a, _mm_and_si128(b, c)));
        if (m)
            return p + __builtin_ctz(m);
    }
#endif
    for (; end - p >= 3; p++)
        if (!memcmp(p, "第", 3))
            return p;
    return NULL;
}

/* 第七十八届会议 near the top gives the session. */
static int session_heading(const char *text, size_t len)
{
    size_t lim = len < 4096 ? len : 4096;
    const char *end = text + lim;
    for (const char *p = text; (p = next_di(p, end)); p += 3) {
        long v;
        const char *q = rg_read_positional(p + 3, end, &v);
        if (q == p + 3)
            continue;
        if (end - q >= 9 && (!memcmp(q, "届会议", 9) || !memcmp(q, "屆會議", 9)))
            return (int)v;
    }
    return 0;
}

/* "大会，" standing alone opens a resolution: the adopting body. */
static rg_body subject_body(const char *text, size_t len)
{
    size_t lim = len < 8192 ? len : 8192;
    const char *end = text + lim;
    for (const char *p = text; p < end;) {
        rg_body b;
        size_t n = rg_match_body(p, end, &b);
        if (n && b != RG_BODY_OWN) {
            const char *q = rg_skip_spaces(p + n, end);
            uint32_t c;
            if (q < end) {
                rg_cp_at(q, end, &c);
                if (c == 0xFF0C || c == ',')
                    return b;
            }
            p += n;
            continue;
        }
        uint32_t c;
        p += rg_cp_at(p, end, &c);
    }
    return RG_BODY_NONE;
}

static bool title_line(scan *sc, const raw *r)
{
    /* a line of the first few (the caller stops past them) that holds nothing
     * but this reference: its ends found from the reference (a walk over the
     * lines from the text's start took a memchr() for each) */
    size_t ls = rg_line_start(sc->text, 0, r->s);
    const char *nl = memchr(sc->text + r->e, '\n', sc->len - r->e);
    const char *le = nl ? nl : sc->text + sc->len;
    const char *p = sc->text + ls, *end = sc->text + r->s;
    while (p < end) {
        p = rg_skip_spaces(p, end);
        rg_body b;
        size_t n =
            (size_t)(end - p) >= 9 && (!memcmp(p, "联合国", 9) || !memcmp(p, "聯合國", 9)) ? 9 : 0;
        if (!n)
            n = rg_match_body(p, end, &b);
        if (!n)
            break;
        p += n;
    }
    return p >= end && rg_only_spaces(sc->text + r->e, le);
}

void rg_identity_candidate(scan *sc, const idcand *c)
{
    docscan *ds = sc->ds;
    if (ds->identified)
        return; /* the identity comes from the document's opening */
    for (size_t i = 0; i < ds->nids; i++) {
        idcand *o = &ds->ids[i];
        if (o->kind != c->kind)
            continue;
        bool same = c->kind == ID_SYMBOL_LINE ? strcmp(o->symbol, c->symbol) == 0
                                              : memcmp(&o->ref, &c->ref, sizeof c->ref) == 0;
        if (same) {
            o->count++;
            return;
        }
    }
    if (!rg_grow(&ds->ids, &ds->icap, ds->nids + 1, sizeof *ds->ids)) {
        sc->nomem = true;
        return;
    }
    ds->ids[ds->nids] = *c;
    ds->ids[ds->nids].count = 1;
    ds->nids++;
}

/* s into out[0..n), cut if it must be (snprintf "%s" without the formatting). */
static void copy_str(char *out, size_t n, const char *s)
{
    size_t l = strlen(s);
    if (l >= n)
        l = n - 1;
    memcpy(out, s, l);
    out[l] = '\0';
}

/* The end of the first `lines` lines of s[0..n) (after their line breaks), or n. */
static size_t lines_end(const char *s, size_t n, int lines)
{
    size_t i = 0;
#if defined(__SSE2__)
    /* sixteen bytes at a time: the opening lines are short, and a call of
     * memchr() a line cost more than reading them */
    for (; n - i >= 16; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
        for (; m; m &= m - 1)
            if (--lines == 0)
                return i + (size_t)__builtin_ctz(m) + 1;
    }
#endif
    for (; i < n; i++)
        if (s[i] == '\n' && --lines == 0)
            return i + 1;
    return n;
}

static void add_self_bit(docscan *ds, const char *id, size_t n)
{
    unsigned b = self_bit(id, n);
    ds->self_bits[b / 64] |= (uint64_t)1 << (b % 64);
}

/* Decides the document's id, body and session from the candidates found in
 * its opening (a symbol alone on a line, the most frequent; a title among the
 * first 30 lines; a heading such as 54/254.), and the set of ids that name it. */
rg_status rg_decide_identity(scan *sc, const rg_read_options *opt, rg_error *err)
{
    docscan *ds = sc->ds;
    rg_doc *d = ds->doc;
    /* titles: the first lines' lone references */
    size_t title_limit = lines_end(sc->text, sc->len, 30);
    size_t ri = 0, ai = 0;
    const raw *prev = NULL, *r = next_raw(sc, &ri, &ai);
    while (r) {
        if (r->s >= title_limit) /* the rest are past the first lines */
            break;                     /* (next_raw() gives them in text order) */
        const raw *next = next_raw(sc, &ri, &ai);
        if (r->form == RG_FORM_TEXT && (!next || next->list != r->list) &&
            (!prev || prev->list != r->list) && title_line(sc, r)) {
            idcand c = {.kind = ID_TITLE, .ref = r->ref, .word = r->word, .first = r->s};
            rg_identity_candidate(sc, &c);
        }
        prev = r;
        r = next;
    }
    const idcand *best = NULL;
    for (size_t i = 0; i < ds->nids; i++) {
        const idcand *c = &ds->ids[i];
        if (!best || c->kind < best->kind ||
            (c->kind == best->kind && (c->count > best->count ||
                                       (c->count == best->count && c->first < best->first))))
            best = c;
    }
    rg_body own = RG_BODY_NONE;
    char idbuf[256];
    if (opt && opt->doc_id) {
        if (rg_id_canonical(opt->doc_id, idbuf, sizeof idbuf, NULL) != RG_OK)
            copy_str(idbuf, sizeof idbuf, opt->doc_id);
        own = rg_id_body(idbuf);
    } else if (best && best->kind == ID_SYMBOL_LINE) {
        copy_str(idbuf, sizeof idbuf, best->symbol);
        own = rg_id_body(idbuf);
    }
    if (own == RG_BODY_NONE)
        own = subject_body(sc->text, sc->len);
    if (own == RG_BODY_NONE && best && best->kind == ID_TITLE && best->word != RG_BODY_OWN)
        own = best->word;
    if (own == RG_BODY_NONE)
        own = RG_BODY_GA;
    if (!(opt && opt->doc_id) && !(best && best->kind == ID_SYMBOL_LINE)) {
        if (best) {
            rg_body b = rg_ref_body(&best->ref, best->word, own);
            rg_ref_id(&best->ref, b, RG_RESOLUTION, idbuf, sizeof idbuf);
        } else {
            /* the file's name without directory and extension */
            const char *base = strrchr(sc->name, '/');
            base = base ? base + 1 : sc->name;
            copy_str(idbuf, sizeof idbuf, base);
            char *dot = strchr(idbuf, '.');
            if (dot && dot != idbuf)
                *dot = '\0';
        }
    }
    ds->own = own;
    /* its names: with the segment's strings, which the document takes (but a
     * streamed document's segments keep theirs only while they are read) */
    rg_arena *names = ds->streamed ? &d->arena : &sc->arena;
    d->id = rg_arena_strdup(names, idbuf);
    d->body = rg_body_name(own);
    d->session = rg_id_session(idbuf);
    if (!d->session)
        d->session = session_heading(sc->text, sc->len);
    if (!d->id)
        return rg_fail(err, RG_ENOMEM, "%s: out of memory", sc->name);
    /* every candidate names the document itself: a compilation has many headings */
    size_t found;
    bool ok = rg_strmap_put(&ds->self, d->id, 0, &found);
    add_self_bit(ds, d->id, strlen(d->id));
    for (size_t i = 0; i < ds->nids && ok; i++) {
        const idcand *c = &ds->ids[i];
        char alias[256];
        if (c->kind == ID_SYMBOL_LINE && c != best)
            continue;
        if (c == best && !(opt && opt->doc_id))
            continue; /* its alias is the id itself, put already */
        if (c->kind == ID_SYMBOL_LINE)
            copy_str(alias, sizeof alias, c->symbol);
        else
            rg_ref_id(&c->ref, rg_ref_body(&c->ref, c->word, own), RG_RESOLUTION, alias,
                      sizeof alias);
        const char *kept = rg_arena_strdup(names, alias);
        ok = kept && rg_strmap_put(&ds->self, kept, i + 1, &found);
        if (ok)
            add_self_bit(ds, kept, strlen(kept));
    }
    ds->identified = true;
    if (ok && ds->records)
        ok = rg_record_doc_init(&ds->rdoc, d->records_format, d->id, d->file);
    return ok ? RG_OK : rg_fail(err, RG_ENOMEM, "%s: out of memory", sc->name);
}

