/*
 * scan.h - a document being read, shared by the files of that stage (not
 * part of the library's interface):
 *
 *   extract.c   the pattern and the tokens; the scan of a segment, which turns
 *               them into references (raws) and identity candidates
 *   identity.c  the citing document's own id, body and session
 *   document.c  a segment's references resolved, placed and written; what a
 *               thread keeps from one document to the next; rg_doc itself
 *   stream.c    files and standard input, read whole or in segments by
 *               worker threads
 */
#ifndef RG_SCAN_H
#define RG_SCAN_H

#include "internal.h"

#include <string.h>

#define HEAD_BYTES 65536 /* the opening of a document, where its identity stands */

/* A reference found by the scan, before the document's identity is known. */
typedef struct raw {
    size_t s, e;       /* surface, UTF-8 offsets in the text */
    rg_ref ref;
    rg_body word;      /* the body word in force */
    rg_type type;
    char date[11];
    size_t list;
    rg_form form;
    const char *symbol; /* for symbols: canonical symbol (arena) */
} raw;

/* A candidate for the document's own identity. */
typedef enum { ID_SYMBOL_LINE, ID_TITLE, ID_HEADING } id_kind;
typedef struct idcand {
    id_kind kind;
    const char *symbol; /* ID_SYMBOL_LINE */
    rg_ref ref;         /* ID_TITLE, ID_HEADING */
    rg_body word;
    size_t count, first;
} idcand;

struct rg_doc {
    char *file;
    rg_buf records;     /* read with opt->records: the records of its mentions */
    int records_format; /* their format, or -1 */
    const char *id, *body, *date;
    int session;
    rg_arena arena;
    rg_mention *mentions;
    size_t nmentions, mcap;
    rg_link *links;
    size_t nlinks, lcap;
    char **warnings;
    size_t nwarnings, wcap;
};

/* What the segments of one document share: how it is read, its identity
 * (settled by the first segment, read-only after), what goes on from one
 * segment to the next (changed only in rg_place_segment(), one segment at a time,
 * in order), and the reading's own record (invalid bytes, NULs, warnings:
 * changed only by the thread that reads the input). */
typedef struct docscan {
    const char *name;
    rg_doc *doc;
    bool reference;      /* scan the whole text, without the prefilter */
    bool context;        /* give each mention its sentence */
    bool records;        /* mentions become records (opt->records), not kept */
    bool streamed;       /* the document is handed on segment by segment */
    bool links;          /* keep its hyperlinks, and what it cites for them */
    /* identity */
    bool identified;
    idcand *ids;         /* candidates, from the first segment */
    size_t nids, icap;
    rg_body own;         /* its body */
    rg_strmap self;      /* the ids that name it */
    uint64_t self_bits[32]; /* their self_bit()s: most ids cited are not hashed */
    rg_record_doc rdoc;  /* what its records share */
    /* in order */
    size_t lists;        /* enumerations in the segments placed so far */
    size_t lines;        /* lines in the segments placed so far */
    rg_para_state ps;    /* paragraphs */
    rg_strmap cited;     /* the ids it cites, for its links */
    rg_arena cited_names;
    char adopted[11];    /* its own adoption date, when a segment found one */
    size_t nbad, skip0;  /* invalid UTF-8 bytes reported; byte-order mark */
    size_t nuls;         /* NUL bytes read as spaces */
    size_t ncuts, first_cut; /* segments cut where no quiet point was found */
    size_t nconv;        /* bad sequences of a converted stream */
    rg_buf warn;         /* the reading's warnings, before they go to the document */
    bool nomem;
} docscan;

/* A reference resolved, before its paragraph and its place in the document
 * are known: what its record is written from, filled in step by step
 * (prepare_segment(), then rg_place_segment() adds the lines and lists before
 * the segment, and the paragraph's label and verb), so that the records are
 * written from these as they stand.  r.id may be idbuf, and r.date the
 * raw's: a segment's mentions and raws do not move once prepared. */
typedef struct prep {
    rg_record_src r;    /* line and list within the segment until rg_place_segment() */
    char idbuf[32];     /* r.id when shorter (most are), not copied to the arena */
    const rg_para *pa;  /* its paragraph (rg_place_segment()) */
} prep;

/* One segment of a document being read: a stretch of text that begins at a
 * line start after a clause end, so that no enumeration, date or body word
 * reaches across its edges. */
typedef struct scan {
    docscan *ds;
    const char *name;
    const rg_text *t;
    const char *text;
    size_t len;
    size_t base;        /* UTF-8 offset of the segment in the document */
    size_t col0;        /* characters before it on its first line (0: it starts a line) */
    size_t orig_base;   /* converted text: the input's bytes before it */
    raw *raws;
    size_t nraws, rcap;
    raw *aside; /* symbols alone on their lines (page headers), in text order */
    size_t naside, acap;
    /* enumeration state */
    size_t pend_start;  /* raws[pend_start..nraws) await a closing word */
    size_t pend_group;  /* raws[pend_group..nraws) are the last item token's refs */
    bool run_active;
    size_t run_end;     /* end of the last token of the current enumeration */
    size_t list;        /* enumerations so far in the segment */
    rg_body run_body;
    /* the last date not yet given to a reference */
    bool have_date;
    size_t date_s, date_e;
    char date[11];
    char adopted[11];   /* the first adoption date of the segment */
    /* what the segment found, resolved */
    rg_arena arena;     /* its strings */
    rg_link *links;     /* its hyperlinks (offsets in the segment until placed) */
    size_t nlinks, lcap;
    prep *ms;
    size_t nms, mcap;
    rg_strmap cites;    /* the ids it cites (and their bases), for the links */
    struct cite {
        const char *id;
        size_t len;
        uint64_t hash;
    } *cite_list;       /* the same, in the order first cited */
    size_t ncites, cite_cap;
    size_t lines;       /* line breaks in the segment */
    rg_para *paras;     /* its paragraphs (rg_place_segment()) */
    size_t nparas, pcap;
    size_t list_base, line_base; /* enumerations and lines before it */
    rg_buf out;         /* its records */
    bool nomem;
} scan;

/* The original byte offset of a position of the segment. */
static inline size_t orig_offset(const scan *sc, size_t local)
{
    if (sc->t->orig) /* converted text, mapped back */
        return sc->orig_base + rg_text_orig_offset(sc->t, local);
    return sc->t->skip + sc->base + local;
}

/* The next of the raws and the symbols kept aside, in text order (a raw
 * before a symbol at the same place), from *ri and *ai; NULL after the last.
 * The two lists are read so, not merged: most raws come after the first
 * symbol kept aside (a page header), and would have to move. */
static inline const raw *next_raw(const scan *sc, size_t *ri, size_t *ai)
{
    if (*ri < sc->nraws && (*ai == sc->naside || sc->raws[*ri].s <= sc->aside[*ai].s))
        return &sc->raws[(*ri)++];
    if (*ai < sc->naside)
        return &sc->aside[(*ai)++];
    return NULL;
}

/* One of 2048 bits for an id, from its length and last bytes (where the ids a
 * document cites differ from its own), for a look-up that most often needs no
 * hash. */
static inline unsigned self_bit(const char *id, size_t n)
{
    uint64_t w = 0;
    if (n >= 8)
        memcpy(&w, id + n - 8, 8);
    else
        memcpy(&w, id, n);
    return (unsigned)(((w ^ n) * 0x9E3779B97F4A7C15ULL) >> 53);
}

/* Whether id[0..n) names the document itself. */
static inline bool names_self(const docscan *ds, const char *id, size_t n)
{
    unsigned b = self_bit(id, n);
    if (!(ds->self_bits[b / 64] & (uint64_t)1 << (b % 64)))
        return false;
    return rg_strmap_get_h(&ds->self, id, n, rg_str_hash(id, n)) >= 0;
}

/* --- extract.c --------------------------------------------------------------- */

/* Step one of a segment: its tokens read into raws, links and identity
 * candidates. */
rg_status rg_scan_run(scan *sc, rg_error *err);
/* The pattern compiled and the words indexed (rg_match_body()), once. */
void rg_scan_init(void);
/* The compiled patterns, freed (rg_cleanup()). */
void rg_scan_cleanup(void);
/* PCRE2's match data and context, kept by a thread from one text to the next
 * (what they are is extract.c's business: pcre2.h is included there alone). */
typedef struct rg_match_room {
    void *md, *mc;
} rg_match_room;
/* The match data of a room, freed. */
void rg_scan_match_free(rg_match_room *k);

const char *rg_skip_spaces(const char *p, const char *end);
/* A positional Chinese numeral at p (五, 十六, 二十一, 七十八): the end of what
 * was read, or p. */
const char *rg_read_positional(const char *p, const char *end, long *val);
/* The length of the body word (大会, 安理会...) at p, or 0; *body its body. */
size_t rg_match_body(const char *p, const char *end, rg_body *body);
bool rg_only_spaces(const char *s, const char *end);
bool rg_is_clause_end(uint32_t c);
const char *rg_skip_meeting_number(const char *p, const char *end);

/* --- identity.c -------------------------------------------------------------- */

/* A candidate for the document's identity, counted (after the first segment:
 * ignored). */
void rg_identity_candidate(scan *sc, const idcand *c);
/* Settles the document's identity from the first segment's candidates. */
rg_status rg_decide_identity(scan *sc, const rg_read_options *opt, rg_error *err);

/* --- document.c -------------------------------------------------------------- */

rg_doc *rg_doc_new(const char *name, const rg_read_options *opt);
void rg_docscan_init(docscan *ds, const char *name, rg_doc *d, const rg_read_options *opt);
void rg_docscan_free(docscan *ds);
void rg_scan_reset(scan *sc, docscan *ds, const rg_text *t, size_t base);
void rg_scan_free(scan *sc);
/* The memory a scan holds. */
size_t rg_scan_bytes(const scan *sc);
/* The three steps of a segment: rg_prepare_scan() (its scan, the identity
 * after the first, prepare_segment()) beside the others, rg_place_segment()
 * in order, rg_emit_segment() beside the others again; rg_do_segment() all
 * three in this thread. */
rg_status rg_prepare_scan(scan *sc, const rg_read_options *opt, rg_error *err);
rg_status rg_place_segment(scan *sc, rg_error *err);
rg_status rg_emit_segment(scan *sc, rg_error *err);
rg_status rg_do_segment(scan *sc, const rg_read_options *opt, rg_error *err);
/* A whole text as one segment; records to fn when it is given, else kept. */
rg_status rg_read_whole(docscan *ds, const rg_text *t, const rg_read_options *opt,
                        rg_records_fn fn, void *ctx, rg_error *err);
/* The document's last words: the reading's warnings, its adoption date, its
 * links checked against what it cites. */
rg_status rg_finish_doc(docscan *ds, rg_error *err);
/* This thread's room for its match data; NULL when there is none. */
rg_match_room *rg_kept_match(void);
/* A reading buffer of at least need bytes (*cap: its size), and back. */
char *rg_kept_buf_take(size_t need, size_t *cap);
void rg_kept_buf_give(char *buf, size_t cap);

#endif
