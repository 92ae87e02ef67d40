/*
 * document.c - a document's references resolved, placed and written, segment
 * by segment, and the document (rg_doc) that holds what was found.
 *
 * A segment is scanned (extract.c), then read in three steps:
 * prepare_segment() resolves its references (ids, bodies, places within the
 * segment) and may run beside the others; rg_place_segment() gives it its
 * paragraphs and its place in the document, one segment at a time and in
 * order; rg_emit_segment() writes its records (or keeps its mentions), beside
 * the others again.  A whole text is one segment (rg_read_whole()); stream.c
 * cuts longer ones.
 */
#include "scan.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RG_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RG_ASAN 1
#endif
#ifdef RG_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* --- warnings and contexts ------------------------------------------------------- */

static void add_warning(rg_doc *d, const char *msg, size_t n, bool *nomem)
{
    if (!rg_grow(&d->warnings, &d->wcap, d->nwarnings + 1, sizeof *d->warnings)) {
        *nomem = true;
        return;
    }
    char *w = rg_arena_strndup(&d->arena, msg, n);
    if (!w) {
        *nomem = true;
        return;
    }
    d->warnings[d->nwarnings++] = w;
}

static bool sentence_end(uint32_t c)
{
    return c == 0x3002 || c == 0xFF1B || c == ';' || c == 0xFF01 || c == 0xFF1F || c == '!' ||
           c == '?';
}

#define CONTEXT_CHARS 80 /* on each side of the mention */

/* The sentence around [s, e) within [lo, hi): line breaks inside Chinese text
 * vanish, other whitespace runs become one space, long sentences are cut. */
static char *context_of(rg_arena *a, const char *text, size_t lo, size_t hi, size_t s, size_t e)
{
    size_t from = s, to = e;
    bool cut_start = false, cut_end = false;
    for (int n = 0; from > lo; n++) {
        size_t q = from - 1;
        while (q > lo && ((unsigned char)text[q] & 0xC0) == 0x80)
            q--;
        uint32_t c;
        rg_cp_at(text + q, text + from, &c);
        if (sentence_end(c))
            break;
        if (n == CONTEXT_CHARS) {
            cut_start = true;
            break;
        }
        from = q;
    }
    for (int n = 0; to < hi; n++) {
        if (n == CONTEXT_CHARS) {
            cut_end = true;
            break;
        }
        uint32_t c;
        to += rg_cp_at(text + to, text + hi, &c);
        if (sentence_end(c))
            break;
    }
    rg_buf b = {0};
    if (cut_start)
        rg_buf_puts(&b, "…");
    uint32_t prev = 0;
    for (size_t i = from; i < to;) {
        uint32_t c;
        size_t l = rg_cp_at(text + i, text + to, &c);
        if (rg_is_space(c)) {
            size_t j = i;
            while (j < to) {
                size_t l2 = rg_cp_at(text + j, text + to, &c);
                if (!rg_is_space(c))
                    break;
                j += l2;
            }
            uint32_t next = 0;
            if (j < to)
                rg_cp_at(text + j, text + to, &next);
            /* a line break inside Chinese text is no space */
            if (prev && next && (prev < 0x2E80 || next < 0x2E80))
                rg_buf_add(&b, " ", 1);
            i = j;
            continue;
        }
        if (c >= 0x20 && c != 0x7F)
            rg_buf_add(&b, text + i, l);
        prev = c;
        i += l;
    }
    if (cut_end)
        rg_buf_puts(&b, "…");
    char *out = b.data ? rg_arena_strdup(a, b.data) : NULL;
    rg_buf_free(&b);
    return out;
}

/* The context of the mention at [s, e) of a segment, within its paragraph pa
 * (pend: after the segment's last paragraph). */
static char *mention_context(rg_arena *a, const scan *sc, const rg_para *pa, const rg_para *pend,
                             size_t s, size_t e)
{
    size_t lo = pa && pa->start > sc->base ? pa->start - sc->base : 0;
    size_t hi = pa && pa + 1 < pend ? pa[1].start - sc->base : sc->len;
    return context_of(a, sc->text, lo < s ? lo : s, hi > e ? hi : e, s, e);
}

/* --- references resolved, segment by segment ----------------------------------------- */

/* The line (from 0) and column of a position of the segment, moved forward
 * (for the links: the mentions' are counted by rg_lines_cols()). */
typedef struct cursor {
    size_t at, line, col;
} cursor;

static void advance(const scan *sc, cursor *c, size_t pos)
{
    if (pos <= c->at)
        return;
    size_t chars, lines = rg_count_lines_chars(sc->text + c->at, pos - c->at, &chars);
    if (lines) {
        c->line += lines;
        c->col = 1;
    }
    c->col += chars;
    c->at = pos;
}

/* An id the segment cites (length n, rg_str_hash h), for the links: its base
 * too (a part links to its base). */
static bool note_cited(scan *sc, const char *id, size_t n, uint64_t h, bool has_part)
{
    for (int k = 0; k < 1 + has_part; k++) {
        if (k) {
            n -= 3; /* A/RES/43/78[H] -> A/RES/43/78 */
            h = rg_str_hash(id, n);
        }
        if (rg_strmap_get_h(&sc->cites, id, n, h) >= 0)
            continue;
        char *kept = rg_arena_strndup(&sc->arena, id, n);
        size_t found;
        if (!kept || !rg_strmap_put_h(&sc->cites, kept, n, h, 0, &found) ||
            !rg_grow(&sc->cite_list, &sc->cite_cap, sc->ncites + 1, sizeof *sc->cite_list))
            return false;
        sc->cite_list[sc->ncites++] = (struct cite){kept, n, h};
    }
    return true;
}

/* rg_lines_cols() reads a mention's place from its line, and writes its column after it */
_Static_assert(offsetof(rg_record_src, col) == offsetof(rg_record_src, line) + sizeof(size_t),
               "a record's col follows its line");

static rg_status prepare_segment(scan *sc, rg_error *err)
{
    docscan *ds = sc->ds;
    cursor cur = {0, 0, 1 + sc->col0};
    size_t li = 0; /* links given their lines */
    size_t ri = 0, ai = 0;
    /* room for a mention of each (those naming the document are not) */
    if (!rg_grow(&sc->ms, &sc->mcap, sc->nms + sc->nraws + sc->naside, sizeof *sc->ms))
        return rg_fail(err, RG_ENOMEM, "%s: out of memory", sc->name);
    /* what the loop reads of sc, in locals: a store to a mention (a char
     * array among them) could change sc for all the compiler knows */
    const raw *const raws = sc->raws, *const aside = sc->aside;
    const size_t nraws = sc->nraws, naside = sc->naside, nlinks = sc->nlinks;
    rg_link *const links = sc->links;
    const bool converted = sc->t->orig != NULL; /* orig_offset()'s test */
    const size_t shift = sc->t->skip + sc->base;
    const rg_body own = ds->own;
    const bool cites = ds->links;
    size_t nms = sc->nms;
    prep *const ms = sc->ms;
    size_t aside_s = naside ? aside[0].s : SIZE_MAX; /* where the next kept aside is */
    const char *const text = sc->text;
    for (;;) {
        /* next_raw(), on the locals */
        const raw *r = NULL;
        if (ri < nraws && raws[ri].s <= aside_s) {
            r = &raws[ri++];
        } else if (ai < naside) {
            r = &aside[ai++];
            aside_s = ai < naside ? aside[ai].s : SIZE_MAX;
        }
        /* the links up to the reference (they come in text order, as do the raws) */
        size_t upto = r ? r->s : sc->len;
        for (; li < nlinks && links[li].offset <= upto; li++) {
            rg_link *k = &links[li];
            advance(sc, &cur, k->offset);
            k->line = cur.line;
            k->offset = orig_offset(sc, k->offset);
        }
        if (!r)
            break;
        char buf[256];
        const char *id = buf, *kept_id = NULL; /* kept_id: in the segment's arena already */
        size_t idl;
        rg_body body;
        bool has_part;
        if (r->form != RG_FORM_TEXT) {
            idl = strlen(r->symbol);
            if (idl < sizeof buf) {
                id = kept_id = r->symbol;
            } else {
                idl = sizeof buf - 1;
                memcpy(buf, r->symbol, idl);
                buf[idl] = '\0';
            }
            body = rg_id_body(id);
            has_part = idl > 3 && id[idl - 1] == ']' && id[idl - 3] == '[';
        } else {
            body = rg_ref_body(&r->ref, r->word, own);
            idl = rg_ref_id(&r->ref, body, r->type, buf, sizeof buf);
            has_part = r->ref.part != 0; /* the id ends with it: A/RES/43/78[H] */
        }
        if (names_self(ds, id, idl) || (has_part && names_self(ds, id, idl - 3)))
            continue; /* the document naming itself */
        if (cites && !note_cited(sc, id, idl, rg_str_hash(id, idl), has_part)) {
            sc->nms = nms;
            return rg_fail(err, RG_ENOMEM, "%s: out of memory", sc->name);
        }
        prep *p = &ms[nms]; /* every field is set here (no memset) */
        rg_record_src *m = &p->r;
        p->pa = NULL; /* rg_place_segment() gives it, and the paragraph's label and verb */
        if (kept_id) {
            m->id = kept_id;
        } else if (idl < sizeof p->idbuf) {
            memcpy(p->idbuf, buf, sizeof p->idbuf); /* (buf is longer) */
            m->id = p->idbuf;
        } else if (!(m->id = rg_arena_strndup(&sc->arena, id, idl))) {
            sc->nms = nms;
            return rg_fail(err, RG_ENOMEM, "%s: out of memory", sc->name);
        }
        m->id_len = (uint32_t)idl; /* (at most 255) */
        /* a symbol's raw has its type, rg_id_type() of it, already */
        m->type = (uint8_t)(r->form == RG_FORM_TEXT || kept_id ? r->type : rg_id_type(id));
        if (r->form != RG_FORM_TEXT && body == RG_BODY_NONE) {
            m->body = !strncmp(id, "ST/", 3) ? "Secretariat" : "other";
            m->body_len = (uint8_t)strlen(m->body);
        } else { /* its name and length from a table: no test of whether it is the last's */
            m->body = rg_body_names[body].s;
            m->body_len = (uint8_t)rg_body_names[body].n;
        }
        /* every date is format_date()'s YYYY-MM-DD */
        bool dated = r->date[0] != 0;
        m->date = dated ? r->date : NULL;
        m->date_len = dated ? sizeof r->date - 1 : 0;
        m->form = (uint8_t)r->form;
        m->surface = text + r->s; /* the text itself: its length is given */
        m->surface_len = (uint32_t)(r->e - r->s);
        m->list = r->form == RG_FORM_TEXT ? r->list : 0;
        if (converted) {
            m->offset = orig_offset(sc, r->s);
            m->length = orig_offset(sc, r->e) - m->offset;
        } else {
            m->offset = shift + r->s;
            m->length = r->e - r->s;
        }
        m->line = r->s; /* its line and column below, all in one pass */
        nms++;
    }
    sc->lines = rg_lines_cols(text, sc->len, 1 + sc->col0, nms ? &ms[sc->nms].r.line : NULL,
                              nms - sc->nms, sizeof *ms);
    sc->nms = nms;
    /* a link whose target the segment cites is matched already */
    for (size_t i = 0; i < sc->nlinks; i++)
        sc->links[i].matched = rg_strmap_get(&sc->cites, sc->links[i].target) >= 0;
    return RG_OK;
}

/* The length of a paragraph's label or verb, a few bytes: a loop in line is
 * quicker than a call for them. */
static inline uint8_t short_len(const char *s)
{
    uint8_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* The label and verb of paragraph pa (none without), and their lengths:
 * labels are shorter than 16 bytes, verbs a few characters. */
static inline void para_words(const rg_para *pa, const char **para, uint8_t *para_len,
                              const char **verb, uint8_t *verb_len)
{
    *para = pa && pa->label[0] ? pa->label : NULL;
    *verb = pa && pa->verb[0] ? pa->verb : NULL;
    *para_len = *para ? short_len(*para) : 0;
    *verb_len = *verb ? short_len(*verb) : 0;
}

rg_status rg_place_segment(scan *sc, rg_error *err)
{
    docscan *ds = sc->ds;
    rg_doc *d = ds->doc;
    if (!rg_paragraphs_feed(&ds->ps, sc->text, sc->len, sc->base, &sc->paras, &sc->pcap,
                            &sc->nparas))
        return rg_fail(err, RG_ENOMEM, "%s: out of memory", sc->name);
    sc->list_base = ds->lists;
    sc->line_base = ds->lines;
    ds->lists += sc->list;
    ds->lines += sc->lines;
    /* each mention's paragraph, and its place in the document; what
     * consecutive mentions share (a paragraph's label and verb) is looked up
     * and measured when it changes, which is when the test of the next
     * paragraph's start finds it at or before the mention */
    const rg_para *pa = sc->nparas ? sc->paras : NULL, *pend = sc->paras + sc->nparas;
    const rg_para *const plast = sc->nparas ? pend - 1 : NULL; /* (pa stays NULL without) */
    prep *const ms = sc->ms;
    const char *const text = sc->text;
    const size_t nms = sc->nms, base = sc->base, line_base = sc->line_base + 1,
                 list_base = sc->list_base;
    const char *para = NULL, *verb = NULL;
    uint8_t para_len = 0, verb_len = 0;
    para_words(pa, &para, &para_len, &verb, &verb_len); /* the first's, and when it changes */
    for (size_t i = 0; i < nms; i++) {
        rg_record_src *r = &ms[i].r;
        size_t at = base + (size_t)(r->surface - text);
        if (pa != plast && pa[1].start <= at) { /* on to the paragraph it is in */
            do
                pa++;
            while (pa != plast && pa[1].start <= at);
            para_words(pa, &para, &para_len, &verb, &verb_len);
        }
        ms[i].pa = pa;
        r->para = para;
        r->verb = verb;
        r->para_len = para_len;
        r->verb_len = verb_len;
        r->line += line_base;
        r->list = r->list ? list_base + r->list : 0;
    }
    if (!ds->adopted[0])
        memcpy(ds->adopted, sc->adopted, sizeof ds->adopted);
    /* what it cites joins what the document cites: the first segment's become
     * the document's as they are */
    if (ds->links && ds->cited.n == 0) {
        rg_strmap_free(&ds->cited);
        ds->cited = sc->cites;
        memset(&sc->cites, 0, sizeof sc->cites);
        rg_arena_take(ds->streamed ? &ds->cited_names : &d->arena, &sc->arena);
        sc->ncites = 0;
    }
    for (size_t i = 0; i < sc->ncites; i++) {
        const struct cite *c = &sc->cite_list[i];
        size_t found;
        if (rg_strmap_get_h(&ds->cited, c->id, c->len, c->hash) >= 0)
            continue;
        char *kept = rg_arena_strndup(&ds->cited_names, c->id, c->len);
        if (!kept || !rg_strmap_put_h(&ds->cited, kept, c->len, c->hash, 0, &found))
            return rg_fail(err, RG_ENOMEM, "%s: out of memory", sc->name);
    }
    /* its links join the document's: a streamed document keeps only those it
     * has not cited yet, so that memory does not grow with the pages; another
     * keeps them all, with the segment's strings (which go to the document) */
    for (size_t i = 0; i < sc->nlinks; i++) {
        rg_link k = sc->links[i];
        k.line += sc->line_base + 1;
        if (ds->streamed) {
            if (k.matched || rg_strmap_get(&ds->cited, k.target) >= 0)
                continue;
            k.target = rg_arena_strdup(&d->arena, k.target);
            k.url = rg_arena_strdup(&d->arena, k.url);
            if (!k.target || !k.url)
                return rg_fail(err, RG_ENOMEM, "%s: out of memory", sc->name);
        }
        if (!rg_grow(&d->links, &d->lcap, d->nlinks + 1, sizeof *d->links))
            return rg_fail(err, RG_ENOMEM, "%s: out of memory", sc->name);
        d->links[d->nlinks++] = k; /* matched: the segment cites its target */
    }
    if (!ds->streamed)
        rg_arena_take(&d->arena, &sc->arena);
    return RG_OK;
}

/* rg_emit_segment() when mentions become records: each is written at once, as
 * prepare_segment() and rg_place_segment() made it, with its strings where they
 * are (the segment's, the surface the text itself) and their lengths given. */
static rg_status emit_records(scan *sc, rg_error *err)
{
    docscan *ds = sc->ds;
    /* (a record has no context: opt->context serves kept mentions) */
    if (sc->nms)
        rg_record_append(&sc->out, &ds->rdoc, &sc->ms[0].r, sc->nms, sizeof *sc->ms,
                         sc->t->valid);
    if (sc->out.failed)
        return rg_fail(err, RG_ENOMEM, "%s: out of memory", sc->name);
    return RG_OK;
}

rg_status rg_emit_segment(scan *sc, rg_error *err)
{
    docscan *ds = sc->ds;
    rg_doc *d = ds->doc;
    if (ds->records)
        return emit_records(sc, err);
    if (!rg_grow(&d->mentions, &d->mcap, d->nmentions + sc->nms, sizeof *d->mentions))
        return rg_fail(err, RG_ENOMEM, "%s: out of memory", sc->name);
    rg_arena *a = &d->arena; /* the strings of kept mentions */
    const char *last_para = NULL, *last_verb = NULL; /* shared by consecutive mentions */
    const rg_para *pend = sc->paras + sc->nparas;
    for (size_t i = 0; i < sc->nms; i++) {
        const prep *p = &sc->ms[i];
        const rg_para *pa = p->pa;
        rg_mention *m = &d->mentions[d->nmentions];
        const rg_record_src *r = &p->r;
        size_t ps = (size_t)(r->surface - sc->text), pe = ps + r->surface_len;
        /* every field is set below (no memset) */
        m->context = NULL;
        m->type = (rg_type)r->type;
        m->body = r->body;
        m->form = (rg_form)r->form;
        m->offset = r->offset;
        m->length = r->length;
        m->line = r->line;
        m->col = r->col;
        m->list = r->list;
        /* in the document's arena since rg_place_segment(), or copied there */
        m->id = r->id != p->idbuf ? r->id : rg_arena_strndup(a, p->idbuf, r->id_len);
        m->date = r->date ? rg_arena_strndup(a, r->date, r->date_len) : NULL;
        m->surface = rg_arena_strndup(a, sc->text + ps, pe - ps);
        m->para = m->verb = NULL;
        if (r->para) {
            if (!last_para || strcmp(last_para, r->para))
                last_para = rg_arena_strdup(a, r->para);
            m->para = last_para;
        }
        if (r->verb) {
            if (!last_verb || strcmp(last_verb, r->verb))
                last_verb = rg_arena_strdup(a, r->verb);
            m->verb = last_verb;
        }
        bool lost = !m->id || !m->surface || (r->date && !m->date) ||
                    (pa && pa->label[0] && !m->para) || (pa && pa->verb[0] && !m->verb);
        if (ds->context) {
            m->context = mention_context(a, sc, pa, pend, ps, pe);
            lost |= !m->context;
        }
        if (lost)
            return rg_fail(err, RG_ENOMEM, "%s: out of memory", sc->name);
        d->nmentions++;
    }
    return RG_OK;
}

/* The reading's warnings, in the order they were found, to the document. */
static void flush_warnings(docscan *ds)
{
    for (const char *p = ds->warn.data; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        add_warning(ds->doc, p, n, &ds->nomem);
        p += n + (nl ? 1 : 0);
    }
    ds->warn.len = 0;
    if (ds->warn.data)
        ds->warn.data[0] = '\0';
}

/* After the last segment: the links the text does not cite, and the warnings. */
rg_status rg_finish_doc(docscan *ds, rg_error *err)
{
    rg_doc *d = ds->doc;
    flush_warnings(ds);
    if (ds->adopted[0])
        d->date = rg_arena_strdup(&d->arena, ds->adopted);
    for (size_t i = 0; i < d->nlinks; i++) {
        rg_link *k = &d->links[i];
        if (!k->matched)
            k->matched = rg_strmap_get(&ds->cited, k->target) >= 0 || !strcmp(k->target, d->id);
        if (!k->matched) {
            char msg[512];
            int n = snprintf(msg, sizeof msg, "%s:%zu: link to %s matches no reference in the text",
                             ds->name, k->line, k->target);
            add_warning(d, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1, &ds->nomem);
        }
    }
    if (ds->nomem)
        return rg_fail(err, RG_ENOMEM, "%s: out of memory", ds->name);
    return RG_OK;
}

/* A segment ready for a new stretch of text (what it holds is kept for reuse). */
void rg_scan_reset(scan *sc, docscan *ds, const rg_text *t, size_t base)
{
    sc->ds = ds;
    sc->name = ds->name;
    sc->t = t;
    sc->text = t->utf8;
    sc->len = t->len;
    sc->base = base;
    sc->nraws = sc->naside = sc->nlinks = sc->nms = sc->ncites = 0;
    sc->pend_start = sc->pend_group = 0;
    sc->run_active = sc->have_date = false;
    sc->run_end = sc->list = sc->lines = 0;
    sc->run_body = RG_BODY_NONE;
    sc->date[0] = sc->adopted[0] = '\0';
    rg_arena_free(&sc->arena);
    /* the room of its lists and maps is kept: a segment holds about as many as the last */
    rg_strmap_clear(&sc->cites);
    sc->nparas = 0;
    sc->out.len = 0;
    sc->out.failed = false;
    sc->nomem = false;
    /* room for what a text of this length usually holds, at once; a failure
     * here is no error (rg_grow() is asked again as they fill) */
    size_t guess = t->len / 128 + 16;
    if (rg_grow(&sc->raws, &sc->rcap, guess, sizeof *sc->raws) &&
        rg_grow(&sc->ms, &sc->mcap, guess, sizeof *sc->ms) && ds->records)
        rg_grow(&sc->out.data, &sc->out.cap, t->len + t->len / 2 + 1, 1);
}

void rg_scan_free(scan *sc)
{
    free(sc->raws);
    free(sc->aside);
    free(sc->links);
    free(sc->ms);
    free(sc->cite_list);
    free(sc->paras);
    rg_arena_free(&sc->arena);
    rg_strmap_free(&sc->cites);
    rg_buf_free(&sc->out);
    memset(sc, 0, sizeof *sc);
}

/* The memory a scan holds. */
size_t rg_scan_bytes(const scan *sc)
{
    return sc->rcap * sizeof *sc->raws + sc->acap * sizeof *sc->aside +
           sc->lcap * sizeof *sc->links + sc->mcap * sizeof *sc->ms +
           sc->cite_cap * sizeof *sc->cite_list + sc->pcap * sizeof *sc->paras +
           sc->cites.cap * sizeof *sc->cites.e + sc->out.cap + rg_arena_bytes(&sc->arena);
}

/* --- what a thread keeps from one document to the next ------------------------------ */

/* Documents are mostly small and many, and a thread reads them one after
 * another: the room of a whole document's scan, the buffer its bytes are read
 * into and its identity's room are kept for the next one (they cost a dozen
 * allocations a document otherwise, and as many frees), and so is PCRE2's
 * match data, which extract.c takes and gives back.  What holds more than
 * KEEP_BYTES is freed at once; the rest when the thread ends, or (the main
 * thread's) by rg_cleanup(). */
#define KEEP_BYTES (1u << 20)

typedef struct kept {
    rg_match_room match;
    scan sc;
    bool sc_busy; /* sc is in use */
    char *buf;
    size_t cap;
    idcand *ids; /* a docscan's candidates and the map of its own ids */
    size_t icap;
    rg_strmap self;
} kept;

static pthread_key_t kept_key; /* (its destructor frees a thread's at its end) */
static pthread_once_t kept_once = PTHREAD_ONCE_INIT;
static bool kept_ready;
static _Thread_local kept *my_kept; /* the same, at hand */

static void kept_free(void *p)
{
    kept *k = p;
    if (!k)
        return;
    my_kept = NULL;
    rg_scan_match_free(&k->match);
    rg_scan_free(&k->sc);
    free(k->buf);
    free(k->ids);
    rg_strmap_free(&k->self);
    free(k);
}

static void kept_init(void)
{
    kept_ready = pthread_key_create(&kept_key, kept_free) == 0;
}

/* This thread's, made on first use; NULL when there is none (no memory). */
static kept *thread_kept(void)
{
    if (my_kept)
        return my_kept;
    pthread_once(&kept_once, kept_init);
    if (!kept_ready)
        return NULL;
    kept *k = calloc(1, sizeof *k);
    if (k && pthread_setspecific(kept_key, k) != 0) {
        free(k);
        k = NULL;
    }
    return my_kept = k;
}

/* What the calling thread keeps, freed (rg_cleanup()). */
static void kept_release(void)
{
    pthread_once(&kept_once, kept_init);
    if (!kept_ready)
        return;
    kept_free(pthread_getspecific(kept_key));
    pthread_setspecific(kept_key, NULL);
}

rg_match_room *rg_kept_match(void)
{
    kept *k = thread_kept();
    return k ? &k->match : NULL;
}

/* A scan for a whole document: the one kept (busy until given back), else
 * *spare, emptied. */
static scan *kept_scan_take(scan *spare)
{
    kept *k = thread_kept();
    if (k && !k->sc_busy) {
        k->sc_busy = true;
        return &k->sc;
    }
    memset(spare, 0, sizeof *spare);
    return spare;
}

static void kept_scan_give(scan *sc)
{
    kept *k = thread_kept();
    bool mine = k && sc == &k->sc;
    if (mine)
        k->sc_busy = false;
    if (!mine || rg_scan_bytes(sc) > KEEP_BYTES)
        rg_scan_free(sc); /* (emptied: the kept one stays usable) */
    else
        rg_arena_free(&sc->arena);
}

/* The buffers of documents' records, once the documents are freed: the
 * records of small documents are written, and their documents freed, by
 * another thread than the one that read them, so a thread's own keeping does
 * not serve; a few such buffers, of small documents, wait here for the next
 * ones (4 MB at most). */
#define POOL_BUFFERS 16
#define POOL_BYTES (256u << 10)

static struct {
    pthread_mutex_t lock;
    size_t n;
    rg_buf bufs[POOL_BUFFERS];
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void pool_take(rg_buf *b)
{
    pthread_mutex_lock(&pool.lock);
    if (pool.n)
        *b = pool.bufs[--pool.n];
    pthread_mutex_unlock(&pool.lock);
}

/* b is emptied, its buffer kept or freed. */
static void pool_give(rg_buf *b)
{
    if (b->data && !b->failed && b->cap <= POOL_BYTES) {
        pthread_mutex_lock(&pool.lock);
        bool room = pool.n < POOL_BUFFERS;
        if (room) {
            b->len = 0;
            pool.bufs[pool.n++] = *b;
        }
        pthread_mutex_unlock(&pool.lock);
        if (room) {
            memset(b, 0, sizeof *b);
            return;
        }
    }
    rg_buf_free(b);
}

static void pool_free(void)
{
    pthread_mutex_lock(&pool.lock);
    while (pool.n)
        rg_buf_free(&pool.bufs[--pool.n]);
    pthread_mutex_unlock(&pool.lock);
}

void rg_cleanup(void)
{
    rg_render_cleanup();
    kept_release();
    pool_free();
    rg_scan_cleanup();
    rg_text_cleanup();
}

/* A reading buffer of at least need bytes: the one kept when it is large
 * enough.  Under AddressSanitizer the bytes past need are poisoned, so that a
 * read past the text is caught as in a buffer of the text's size (it would
 * find an earlier document's bytes). */
char *rg_kept_buf_take(size_t need, size_t *cap)
{
    kept *k = thread_kept();
    if (k && k->buf && k->cap >= need) {
        char *b = k->buf;
        *cap = k->cap;
        k->buf = NULL;
        k->cap = 0;
#ifdef RG_ASAN
        ASAN_POISON_MEMORY_REGION(b + need, *cap - need);
#endif
        return b;
    }
    *cap = need;
    return malloc(need);
}

void rg_kept_buf_give(char *buf, size_t cap)
{
#ifdef RG_ASAN
    if (buf)
        ASAN_UNPOISON_MEMORY_REGION(buf, cap);
#endif
    kept *k = thread_kept();
    if (k && buf && cap <= KEEP_BYTES && (!k->buf || k->cap < cap)) {
        free(k->buf);
        k->buf = buf;
        k->cap = cap;
        return;
    }
    free(buf);
}

/* A docscan's room for candidates and its own ids: what is kept, if any. */
static void kept_ids_take(docscan *ds)
{
    kept *k = thread_kept();
    if (!k)
        return;
    ds->ids = k->ids;
    ds->icap = k->icap;
    ds->self = k->self;
    k->ids = NULL;
    k->icap = 0;
    memset(&k->self, 0, sizeof k->self);
}

static void kept_ids_give(docscan *ds)
{
    kept *k = thread_kept();
    if (k && !k->ids && !k->self.e && ds->icap * sizeof *ds->ids <= KEEP_BYTES &&
        ds->self.cap * sizeof *ds->self.e <= KEEP_BYTES) {
        rg_strmap_clear(&ds->self);
        k->ids = ds->ids;
        k->icap = ds->icap;
        k->self = ds->self;
    } else {
        free(ds->ids);
        rg_strmap_free(&ds->self);
    }
    ds->ids = NULL;
    ds->icap = 0;
    memset(&ds->self, 0, sizeof ds->self);
}

/* Steps one and the first segment's identity. */
rg_status rg_prepare_scan(scan *sc, const rg_read_options *opt, rg_error *err)
{
    rg_status st = rg_scan_run(sc, err);
    if (st == RG_OK && sc->nomem)
        st = rg_fail(err, RG_ENOMEM, "%s: out of memory", sc->name);
    if (st == RG_OK && !sc->ds->identified)
        st = rg_decide_identity(sc, opt, err);
    if (st == RG_OK)
        st = prepare_segment(sc, err);
    return st;
}

/* All three steps, in this thread. */
rg_status rg_do_segment(scan *sc, const rg_read_options *opt, rg_error *err)
{
    rg_status st = rg_prepare_scan(sc, opt, err);
    if (st == RG_OK)
        st = rg_place_segment(sc, err);
    if (st == RG_OK)
        st = rg_emit_segment(sc, err);
    return st;
}

void rg_docscan_init(docscan *ds, const char *name, rg_doc *d, const rg_read_options *opt)
{
    memset(ds, 0, sizeof *ds);
    ds->name = name;
    ds->doc = d;
    ds->reference = opt && opt->reference;
    ds->context = opt && opt->context;
    ds->links = !(opt && opt->no_links);
    ds->records = d->records_format >= 0;
    rg_para_init(&ds->ps);
    kept_ids_take(ds);
}

void rg_docscan_free(docscan *ds)
{
    kept_ids_give(ds);
    rg_buf_free(&ds->warn);
    rg_strmap_free(&ds->cited);
    rg_arena_free(&ds->cited_names);
    rg_record_doc_free(&ds->rdoc);
}

/* A document and its file's name, in one allocation. */
rg_doc *rg_doc_new(const char *name, const rg_read_options *opt)
{
    size_t n = strlen(name) + 1;
    rg_doc *d = malloc(sizeof *d + n); /* (glibc's calloc() takes the slow way) */
    if (!d)
        return NULL;
    memset(d, 0, sizeof *d);
    d->file = (char *)(d + 1);
    memcpy(d->file, name, n);
    d->records_format = opt && opt->records ? (int)opt->records_format : -1;
    return d;
}

/* A whole text as one segment. */
rg_status rg_read_whole(docscan *ds, const rg_text *t, const rg_read_options *opt,
                            rg_records_fn fn, void *ctx, rg_error *err)
{
    scan spare, *sc = kept_scan_take(&spare);
    if (!sc->out.data && ds->records && !fn)
        pool_take(&sc->out); /* (which the document takes) */
    rg_scan_reset(sc, ds, t, 0);
    sc->col0 = sc->orig_base = 0;
    rg_status st = rg_do_segment(sc, opt, err);
    if (st == RG_OK && fn && sc->out.len)
        st = fn(ctx, ds->doc, sc->out.data, sc->out.len, err);
    else if (st == RG_OK && ds->records) { /* the document keeps its records */
        rg_buf_free(&ds->doc->records);
        ds->doc->records = sc->out;
        memset(&sc->out, 0, sizeof sc->out);
    }
    kept_scan_give(sc);
    return st;
}

/* --- public ------------------------------------------------------------------ */

rg_status rg_doc_read_buffer(const char *name, const char *data, size_t len,
                             const rg_read_options *opt, rg_doc **out, rg_error *err)
{
    *out = NULL;
    rg_doc *d = rg_doc_new(name, opt);
    if (!d)
        return rg_fail(err, RG_ENOMEM, "%s: out of memory", name);
    docscan ds;
    rg_docscan_init(&ds, name, d, opt);
    rg_text t;
    rg_status st = rg_text_load(name, data, len, opt ? opt->encoding : NULL, &t, &ds.warn, err);
    if (st == RG_OK) {
        st = rg_read_whole(&ds, &t, opt, NULL, NULL, err);
        if (st == RG_OK)
            st = rg_finish_doc(&ds, err);
        rg_text_free(&t);
    }
    rg_docscan_free(&ds);
    if (st != RG_OK) {
        rg_doc_free(d);
        return st;
    }
    *out = d;
    return RG_OK;
}

void rg_doc_free(rg_doc *d)
{
    if (!d)
        return;
    pool_give(&d->records);
    free(d->mentions);
    free(d->links);
    free(d->warnings);
    rg_arena_free(&d->arena);
    free(d);
}

const char *rg_doc_id(const rg_doc *d) { return d->id; }
const char *rg_doc_file(const rg_doc *d) { return d->file; }
const char *rg_doc_body(const rg_doc *d) { return d->body; }
int rg_doc_session(const rg_doc *d) { return d->session; }
const char *rg_doc_date(const rg_doc *d) { return d->date; }
size_t rg_doc_mention_count(const rg_doc *d) { return d->nmentions; }
const rg_mention *rg_doc_mention(const rg_doc *d, size_t i) { return &d->mentions[i]; }
size_t rg_doc_link_count(const rg_doc *d) { return d->nlinks; }
const rg_link *rg_doc_link(const rg_doc *d, size_t i) { return &d->links[i]; }
size_t rg_doc_warning_count(const rg_doc *d) { return d->nwarnings; }
const char *rg_doc_warning(const rg_doc *d, size_t i) { return d->warnings[i]; }

const char *rg_doc_records(const rg_doc *d, size_t *len)
{
    *len = d->records.len;
    return d->records_format >= 0 ? (d->records.data ? d->records.data : "") : NULL;
}

int rg_doc_records_take(rg_doc *d, rg_record_format fmt, char **records, size_t *len,
                         size_t *cap)
{
    if (d->records_format != (int)fmt || d->records.failed)
        return 0;
    *records = d->records.data;
    *len = d->records.len;
    *cap = d->records.cap;
    memset(&d->records, 0, sizeof d->records);
    return 1;
}

void rg_records_release(char *records, size_t cap)
{
    rg_buf b = {.data = records, .cap = cap};
    pool_give(&b);
}

int rg_doc_records_format(const rg_doc *d) { return d->records_format; }

size_t rg_doc_bytes(const rg_doc *d)
{
    return sizeof *d + d->records.cap + d->mcap * sizeof *d->mentions +
           d->lcap * sizeof *d->links + d->wcap * sizeof *d->warnings + rg_arena_bytes(&d->arena);
}

