/*
 * stream.c - files and standard input, read into documents.
 *
 * A file of up to RG_WHOLE_BYTES is read whole and scanned as one segment.  A
 * longer one, or a stream, is read in segments cut at quiet points (a line
 * start after a clause end, where no enumeration, date or body word reaches
 * across), which worker threads scan and resolve beside one another while the
 * reader goes on; the segments are placed in order, and their records handed
 * on in order, so that memory stays bounded whatever the input's length.
 */
#include "scan.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (1u << 20)       /* bytes read at a time */

#define SEGMENT_MAX (2 * CHUNK) /* a stretch without a quiet point is cut at this length */

/* Whether the text at p, after a line that ends a clause, may still belong to
 * that line's tokens: a link that backs the reference before it (on_link()),
 * or the words of an adoption after a date (adoption_after(): a body word,
 * 通过, 第N次).  True when the text ends before that is known. */
static bool may_continue(const char *p, const char *end)
{
    uint32_t c;
    while (p < end) {
        size_t l = rg_cp_at(p, end, &c);
        if (!(rg_is_space(c) || c == 0 || c == '(' || c == 0xFF08))
            break;
        p += l;
    }
    if (end - p < 16)
        return true;
    rg_body b;
    if (!memcmp(p, "http", 4) || !memcmp(p, "通过", 6) || rg_match_body(p, end, &b))
        return true;
    if (memcmp(p, "第", 3))
        return false;
    p = rg_skip_meeting_number(p + 3, end);
    return end - p < 3 || !memcmp(p, "次", 3); /* (or the end may cut it) */
}

/* The start of the line after the newline at buf[nl], when that line ends a
 * clause: its last character, spaces aside, is a clause end, and it is no
 * page furniture (which the words of the text run across); else 0. */
static size_t after_clause_end(const char *buf, size_t from, size_t nl, size_t len)
{
    size_t e = nl;
    while (e > from && (buf[e - 1] == ' ' || buf[e - 1] == '\r' || buf[e - 1] == '\t'))
        e--;
    if (e == from)
        return 0;
    size_t q = e - 1;
    while (q > from && e - q < 4 && ((unsigned char)buf[q] & 0xC0) == 0x80)
        q--;
    uint32_t c;
    if (rg_cp_at(buf + q, buf + e, &c) != e - q || !rg_is_clause_end(c))
        return 0;
    size_t ls = rg_line_start(buf, 0, q);
    /* the line as the scanner sees it: NULs are spaces there, and a link after
     * any spaces is furniture */
    if (memchr(buf + ls, '\0', nl - ls))
        return 0;
    const char *p = buf + ls;
    for (size_t l; p < buf + nl && (l = rg_cp_at(p, buf + nl, &c)) && rg_is_space(c);)
        p += l;
    if (rg_is_furniture_line(p, buf + nl) || may_continue(buf + nl + 1, buf + len))
        return 0;
    return nl + 1;
}

/* A quiet point of buf[from..len): the start of a line after a line that ends
 * a clause (，。； , ; and the others of rg_is_clause_end()), the last one; 0 when
 * there is none.  No enumeration, date or body word reaches across it, nor
 * does any token: tokens run across a line break only inside spaces. */
static size_t quiet_point(const char *buf, size_t from, size_t len)
{
    for (size_t p = len; p > from + 1; p--) {
        if (buf[p - 2] != '\n')
            continue;
        size_t at = after_clause_end(buf, from, p - 2, len);
        if (at)
            return at;
    }
    return 0;
}

/* Where to cut buf[from..len) when it has no quiet point, so that memory stays
 * bounded: the last line start in its second half, else the last character
 * boundary, after a space when one is near.  Sets *midline when the cut is
 * inside a line.  The cut leaves at least one byte for the next segment (the
 * input may end at len: then nothing is cut). */
static size_t forced_cut(const char *buf, size_t from, size_t len, bool *midline)
{
    size_t half = from + (len - from) / 2;
    for (size_t p = len - 1; p > half; p--)
        if (buf[p - 1] == '\n') {
            *midline = false;
            return p;
        }
    *midline = true;
    size_t near = len - (len - half) / 16;
    for (size_t p = len - 1; p > near; p--)
        if (buf[p - 1] == ' ')
            return p;
    size_t p = len - 1; /* the next segment starts with the last character read */
    while (p > half && ((unsigned char)buf[p] & 0xC0) == 0x80)
        p--;
    return p;
}

/* A reading buffer: a segment's worth at first, then doubled as rg_grow() does. */
static bool grow_to(char **buf, size_t *cap, size_t need)
{
    if (*cap == 0) {
        size_t first = need > CHUNK + 1 ? need : CHUNK + 1;
        if (!(*buf = malloc(first)))
            return false;
        *cap = first;
        return true;
    }
    return rg_grow(buf, cap, need, 1);
}

/* A segment in flight: its bytes, kept from one use to the next, and its scan. */
typedef struct slot {
    char *buf;
    size_t cap;
    rg_text t;
    scan sc;
    rg_status st;
    rg_error err;
    bool prepared; /* step one ran (st says how) */
    bool done;     /* all three steps ran (st says how) */
    bool skipped;  /* not handed on: an earlier segment failed */
    size_t est;    /* the memory it may take (segment_bytes()) */
} slot;

/* The segments of a streamed document: the caller's thread reads them and
 * hands their records on in order.  Workers take them in turn for step one;
 * the next segment in order whose step one is done is placed by whichever
 * worker finds it so, which then writes its records.  A worker never waits
 * for the segment before its own: it takes another, or places one.
 *
 * Memory stays bounded by what is in flight: one segment more than there are
 * workers, at most NSLOTS, and no more than would take FLIGHT_BYTES by their
 * texts and the references these hold (two segments at least).  What a
 * segment takes depends on how dense its references are, not on its text
 * alone: 2 MB of one long enumeration, a reference every 35 bytes, take 30 MB
 * with their raws, resolved references and records; 1 MB of ordinary text a
 * few.  The buffers of a slot are kept from one use to the next, and a
 * segment takes the first free slot, so that a slot is used only when as many
 * segments fly. */
#define NSLOTS 8
#define FLIGHT_BYTES (48u << 20)
/* What a slash before a digit, or an opening parenthesis, foretells: a
 * reference's raw, resolved reference and record take about 470 bytes, and in
 * ordinary text (links, symbols) two of three such slashes give no record. */
#define MARK_BYTES 256

typedef struct pipeline {
    docscan *ds;
    const rg_read_options *opt;
    slot slots[NSLOTS];
    size_t nslots;  /* the slots that may be used */
    unsigned char slot_of[NSLOTS]; /* segment j's slot: slots[slot_of[j % NSLOTS]] */
    size_t read;    /* segments read */
    size_t taken;   /* segments a worker has taken */
    size_t placed;  /* segments placed, in order */
    bool placing;   /* a worker is placing segment `placed` */
    size_t out;     /* segments handed on */
    bool last;      /* every segment has been read */
    bool stop;      /* a step failed: no more work */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    rg_records_fn fn;
    void *ctx;
} pipeline;

/* The slot of segment j, one in flight (at most nslots are: their j % NSLOTS
 * differ). */
static slot *seg_slot(pipeline *pl, size_t j)
{
    return &pl->slots[pl->slot_of[j % NSLOTS]];
}

static void *segment_worker(void *arg)
{
    pipeline *pl = arg;
    pthread_mutex_lock(&pl->lock);
    for (;;) {
        slot *next = pl->placed < pl->taken ? seg_slot(pl, pl->placed) : NULL;
        if (!pl->placing && next && next->prepared) {
            /* the next segment in order: placed (steps two and three) here */
            size_t j = pl->placed;
            pl->placing = true;
            rg_status st = next->st;
            next->skipped = pl->stop;
            if (st == RG_OK && !next->skipped) {
                pthread_mutex_unlock(&pl->lock);
                st = rg_place_segment(&next->sc, &next->err);
                pthread_mutex_lock(&pl->lock);
            }
            pl->placed = j + 1;
            pl->placing = false;
            pthread_cond_broadcast(&pl->changed);
            if (st == RG_OK && !next->skipped) {
                pthread_mutex_unlock(&pl->lock);
                st = rg_emit_segment(&next->sc, &next->err);
                pthread_mutex_lock(&pl->lock);
            }
            next->st = st;
            next->done = true;
            if (st != RG_OK)
                pl->stop = true;
            pthread_cond_broadcast(&pl->changed);
            continue;
        }
        if (!pl->stop && pl->taken < pl->read) {
            /* step one of the next segment read */
            size_t j = pl->taken++;
            slot *s = seg_slot(pl, j);
            pthread_mutex_unlock(&pl->lock);
            rg_status st = rg_prepare_scan(&s->sc, pl->opt, &s->err);
            pthread_mutex_lock(&pl->lock);
            s->st = st;
            s->prepared = true;
            pthread_cond_broadcast(&pl->changed);
            continue;
        }
        /* nothing to take, and nothing to place now: done when no segment
         * will be read (what is left to place, its worker places) */
        if (pl->stop || pl->last)
            break;
        pthread_cond_wait(&pl->changed, &pl->lock);
    }
    pthread_mutex_unlock(&pl->lock);
    return NULL;
}

/* Hands on the next segment in order, waiting for it when `wait`; false when
 * it is not done (or was never taken). */
static bool hand_on(pipeline *pl, bool wait, rg_status *st, rg_error *err)
{
    slot *o = seg_slot(pl, pl->out);
    pthread_mutex_lock(&pl->lock);
    while (wait && !o->done && !(pl->stop && pl->out >= pl->taken))
        pthread_cond_wait(&pl->changed, &pl->lock);
    bool done = o->done;
    pthread_mutex_unlock(&pl->lock);
    if (!done)
        return false;
    pl->out++;
    if (*st != RG_OK || o->skipped)
        return true;
    if (o->st != RG_OK) {
        *st = o->st;
        *err = o->err;
    } else if (pl->fn) {
        if (o->sc.out.len)
            *st = pl->fn(pl->ctx, pl->ds->doc, o->sc.out.data, o->sc.out.len, err);
    } else if (pl->ds->records) { /* the document keeps its records */
        rg_buf_add(&pl->ds->doc->records, o->sc.out.data, o->sc.out.len);
        if (pl->ds->doc->records.failed)
            *st = rg_fail(err, RG_ENOMEM, "%s: out of memory", pl->ds->name);
    }
    if (*st != RG_OK) {
        pthread_mutex_lock(&pl->lock);
        pl->stop = true;
        pthread_cond_broadcast(&pl->changed);
        pthread_mutex_unlock(&pl->lock);
    }
    return true;
}

/* The slashes before a digit and the opening parentheses in s[0..n): the
 * marks of references (43/78, 1325(2000)). */
static size_t count_marks(const char *s, size_t n)
{
    size_t c = 0;
    const char *end = s + n;
    for (const char *p = s; (p = memchr(p, '/', (size_t)(end - p))); p++)
        c += p + 1 < end && p[1] >= '0' && p[1] <= '9';
    for (const char *p = s; (p = memchr(p, '(', (size_t)(end - p))); p++)
        c++;
    return c;
}

#define SAMPLE 4096 /* bytes of each of the four stretches segment_bytes() reads */

/* The memory a segment of text s[0..n) may take: its text, and its
 * references foretold by their marks, counted in four stretches of SAMPLE
 * bytes spread over a longer text, as dense as they are. */
static size_t segment_bytes(const char *s, size_t n)
{
    size_t marks = 0;
    if (n <= 4 * SAMPLE) {
        marks = count_marks(s, n);
    } else {
        for (size_t k = 0; k < 4; k++)
            marks += count_marks(s + (n - SAMPLE) / 3 * k, SAMPLE);
        marks = marks * (n / 4) / SAMPLE;
    }
    return n + marks * MARK_BYTES;
}

/* Whether segment j, which may take `est`, may fly beside the segments in
 * flight (read and not handed on): together they would take no more than
 * FLIGHT_BYTES, or there are fewer than two.  (The reading thread's own
 * counts: it reads every segment, and hands each on.)  Asked before j is read,
 * with what the segment before took, so that j does not take a slot of its
 * own only to wait, and again when its text is known. */
static bool room_for(const pipeline *pl, size_t j, size_t est)
{
    if (j - pl->out < 2)
        return true;
    for (size_t k = pl->out; k < j; k++)
        est += pl->slots[pl->slot_of[k % NSLOTS]].est;
    return est <= FLIGHT_BYTES;
}

/* The first slot that no segment in flight holds, for segment j (fewer than
 * nslots are in flight). */
static unsigned char free_slot(const pipeline *pl, size_t j)
{
    unsigned busy = 0;
    for (size_t k = pl->out; k < j; k++)
        busy |= 1u << pl->slot_of[k % NSLOTS];
    unsigned char i = 0;
    while (busy >> i & 1)
        i++;
    return i;
}

/* Reads into buf[*have..cap - 1) until it is full or the input ends. */
static rg_status fill(int fd, const char *path, char *buf, size_t cap, size_t *have, bool *eof,
                      rg_error *err)
{
    while (!*eof && *have < cap - 1) {
        ssize_t got = read(fd, buf + *have, cap - 1 - *have);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            *eof = true;
            return rg_fail(err, RG_EINPUT, "%s: cannot read: %s", path,
                           e == EISDIR ? "is a directory" : strerror(e));
        }
        if (got == 0)
            *eof = true;
        *have += (size_t)got;
    }
    return RG_OK;
}

/* Whether the opening of a stream may be read in segments: plain UTF-8, not
 * binary (anything else is read whole and converted).  *checked: the bytes up
 * to its last line break when they are valid UTF-8, else 0. */
static bool plain_opening(const char *buf, size_t have, const rg_read_options *opt,
                          size_t *checked)
{
    const unsigned char *u = (const unsigned char *)buf;
    *checked = 0;
    if ((opt && opt->encoding) || (have >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) ||
                                                 (u[0] == 0xFE && u[1] == 0xFF))))
        return false;
    /* the chunk up to its last line break: the end may cut a character */
    size_t upto = rg_line_start(buf, 0, have);
    if (rg_utf8_valid(buf, upto ? upto : have))
        *checked = upto;
    else if (rg_text_mostly_invalid(u, have))
        return false; /* GB18030, most likely */
    size_t first_nul;
    return !rg_text_binary(u, have, &first_nul);
}

/* The text of a segment cut from the stream at offset base: its invalid UTF-8
 * reported (with offsets in the file), its NUL bytes read as spaces.  The
 * bytes of buf before `checked`, a line start, are known to be valid UTF-8
 * (plain_opening() read them): they are not checked again, when the segment
 * holds them all or ends at a line break among them (no character is cut). */
static void segment_text(docscan *ds, rg_text *seg, char *buf, size_t cut, bool first,
                         size_t base, size_t checked)
{
    memset(seg, 0, sizeof *seg);
    size_t skip = first && cut >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0;
    if (first)
        ds->skip0 = skip;
    seg->utf8 = buf + skip;
    seg->len = cut - skip;
    seg->utf8[seg->len] = '\0';
    seg->encoding = "UTF-8";
    seg->skip = ds->skip0;
    size_t known = skip;
    if (checked && (cut >= checked || buf[cut - 1] == '\n'))
        known = cut < checked ? cut : checked;
    seg->valid = rg_utf8_valid(buf + known, cut - known);
    if (!seg->valid)
        rg_text_warn_invalid((const unsigned char *)seg->utf8, seg->len, ds->skip0 + base,
                             ds->name, &ds->warn, &ds->nbad);
    rg_text_nuls(seg->utf8, seg->len, ds->skip0 + base, ds->name, &ds->warn, &ds->nuls);
}

/* The rest of the input after buf[0..have), then all of it as one text (in
 * whatever encoding it is) and one segment. */
static rg_status read_rest_whole(docscan *ds, int f, char **buf, size_t *cap, size_t have,
                                 bool eof, const rg_read_options *opt, rg_records_fn fn,
                                 void *ctx, rg_error *err)
{
    rg_status st = RG_OK;
    while (st == RG_OK && !eof) {
        if (!grow_to(buf, cap, 2 * *cap))
            st = rg_fail(err, RG_ENOMEM, "%s: out of memory", ds->name);
        else
            st = fill(f, ds->name, *buf, *cap, &have, &eof, err);
    }
    rg_text t;
    if (st == RG_OK && (st = rg_text_load_in_place(ds->name, *buf, have,
                                                   opt ? opt->encoding : NULL, &t, &ds->warn,
                                                   err)) == RG_OK) {
        st = rg_read_whole(ds, &t, opt, fn, ctx, err);
        rg_text_free(&t);
    }
    return st;
}

/* A file of known size read whole, in a buffer its size. */
static rg_status read_file_whole(docscan *ds, int f, size_t size, const rg_read_options *opt,
                                 rg_records_fn fn, void *ctx, rg_error *err)
{
    size_t cap, have = 0; /* its size exactly: most files are small */
    bool eof = false;
    char *buf = rg_kept_buf_take(size + 2, &cap);
    /* read to its size: a read more to see the end would cost as much as a
     * small file's text (what the file gains after fstat() is not read) */
    rg_status st = buf ? fill(f, ds->name, buf, size + 1, &have, &eof, err)
                       : rg_fail(err, RG_ENOMEM, "%s: out of memory", ds->name);
    if (st == RG_OK && have == size)
        eof = true;
    if (st == RG_OK)
        st = read_rest_whole(ds, f, &buf, &cap, have, eof, opt, fn, ctx, err);
    if (st == RG_OK)
        st = rg_finish_doc(ds, err);
    rg_kept_buf_give(buf, cap);
    rg_docscan_free(ds);
    return st;
}

/* Reads a document in segments: memory stays bounded by the longest stretch
 * between quiet points, not the document.  Falls back to reading it whole when
 * it is not plain UTF-8 (a byte-order mark of UTF-16, GB18030, --encoding). */
/* The encoding of a stream that is not plain UTF-8 when it can be read in
 * segments, into enc: GB18030 or UTF-16, whose line breaks can be found in the
 * bytes (*skip: its byte-order mark).  False: it is read whole (another
 * encoding, or not text: rg_text_load_in_place() says what it is). */
static bool stream_encoding(const char *buf, size_t have, const rg_read_options *opt,
                            char enc[32], size_t *skip)
{
    if (rg_text_converted(buf, have, opt ? opt->encoding : NULL, enc, skip))
        return rg_text_cuttable(enc);
    size_t first_nul;
    if ((opt && opt->encoding) || rg_text_binary((const unsigned char *)buf, have, &first_nul) ||
        !rg_text_gb18030_opening(buf, have))
        return false;
    snprintf(enc, 32, "GB18030");
    return true;
}

/* How take_converted() cuts what it converts. */
typedef enum {
    TAKE_QUIET,  /* at its last quiet point, if any */
    TAKE_CUT,    /* there, else where forced_cut() says */
    TAKE_ALL,    /* all of it (the end of the input) */
    TAKE_FORCED, /* all of it, a cut inside a line (no line break in SEGMENT_MAX bytes) */
} take_how;

/* The segment of a converted stream in s->buf[skip..end) (at byte `at` of the
 * input): converted into s->t and cut as `how` says; *cut receives the bytes
 * of s->buf it takes.  False when there is no cut (or *st is an error).  Each
 * bad byte is told of once, by the conversion of the segment that takes it. */
static bool take_converted(docscan *ds, const char *enc, slot *s, size_t skip, size_t end,
                           size_t at, size_t from, take_how how, bool *midline, size_t *cut,
                           rg_status *st, rg_error *err)
{
    rg_buf quiet = {0};
    size_t seen = ds->nconv; /* (a first reading, whose warnings are not told) */
    rg_text t;
    *st = rg_text_convert(ds->name, s->buf + skip, end - skip, enc, at + skip, &seen, &t, &quiet,
                          err);
    rg_buf_free(&quiet);
    if (*st != RG_OK)
        return false;
    size_t u = how == TAKE_ALL || how == TAKE_FORCED ? t.len : quiet_point(t.utf8, from, t.len);
    bool forced = how == TAKE_FORCED;
    if (!u && how == TAKE_CUT && t.len > from + 1) {
        u = forced_cut(t.utf8, from, t.len, midline);
        forced = true;
    }
    if (!u) {
        rg_text_free(&t);
        return false;
    }
    if (how == TAKE_FORCED)
        *midline = true;
    size_t used = skip + rg_text_orig_offset(&t, u);
    if (forced && ds->ncuts++ == 0)
        ds->first_cut = at + used;
    if (seen != ds->nconv) { /* again, for the warnings of its own bytes only */
        rg_text_free(&t);
        if ((*st = rg_text_convert(ds->name, s->buf + skip, used - skip, enc, at + skip,
                                   &ds->nconv, &t, &ds->warn, err)) != RG_OK)
            return false;
        u = t.len;
    }
    t.len = u;
    t.utf8[u] = '\0';
    s->t = t;
    *cut = used;
    return true;
}

/* The next segment of a converted stream (enc) from s->buf[skip..*have), at
 * byte `at` of the input, into s->t: up to the last quiet point, or a cut
 * where SEGMENT_MAX bytes hold none (leaving a character at least), or all of
 * it at the end; reads more into s->buf as needed.  *cut receives the bytes
 * of s->buf it takes. */
static rg_status convert_segment(docscan *ds, int f, const char *enc, slot *s, size_t *have,
                                 bool *eof, size_t skip, size_t at, bool first, size_t *cut,
                                 bool *midline, rg_error *err)
{
    rg_status st = RG_OK;
    size_t from = first ? HEAD_BYTES : 0;
    for (;;) {
        if (*eof) {
            if (*have > skip && take_converted(ds, enc, s, skip, *have, at, from, TAKE_ALL,
                                               midline, cut, &st, err))
                return RG_OK;
            if (st != RG_OK)
                return st;
            /* nothing left that gives text: an empty segment */
            memset(&s->t, 0, sizeof s->t);
            s->t.utf8 = s->buf + skip;
            s->t.utf8[0] = '\0';
            s->t.encoding = enc;
            s->t.valid = true;
            *cut = *have;
            return RG_OK;
        }
        bool full = *have >= SEGMENT_MAX; /* no more is read for it */
        size_t end = skip + rg_text_last_break(enc, s->buf + skip, *have - skip);
        if (end > skip && take_converted(ds, enc, s, skip, end, at, from,
                                         full ? TAKE_CUT : TAKE_QUIET, midline, cut, &st, err))
            return RG_OK;
        if (st != RG_OK)
            return st;
        if (full) { /* no cut by lines: after the last whole character but one */
            end = skip + rg_text_whole_chars(enc, s->buf + skip, *have - 1 - skip);
            if (end > skip && take_converted(ds, enc, s, skip, end, at, from, TAKE_FORCED, midline,
                                             cut, &st, err))
                return RG_OK;
            return st != RG_OK ? st
                               : rg_fail(err, RG_EINPUT, "%s: byte %zu: no %s character in %u MB",
                                         ds->name, at + skip, enc, SEGMENT_MAX >> 20);
        }
        /* no quiet point yet: read more into a larger buffer */
        if (!grow_to(&s->buf, &s->cap, 2 * s->cap))
            return rg_fail(err, RG_ENOMEM, "%s: out of memory", ds->name);
        if ((st = fill(f, ds->name, s->buf, s->cap, have, eof, err)) != RG_OK)
            return st;
    }
}

static rg_status read_stream(int f, size_t size, const char *path, const rg_read_options *opt,
                             rg_doc *d, int threads, rg_records_fn fn, void *ctx, rg_error *err)
{
    docscan ds;
    rg_docscan_init(&ds, path, d, opt);
    ds.streamed = fn != NULL;
    rg_scan_init(); /* quiet_point() knows the body words */
    if (size && size <= RG_WHOLE_BYTES)
        return read_file_whole(&ds, f, size, opt, fn, ctx, err);
    pipeline *pl = calloc(1, sizeof *pl);
    size_t carrycap = 0, ncarry = 0;
    char *carry = NULL; /* what follows a cut, for the next segment */
    if (!pl) {
        rg_docscan_free(&ds);
        return rg_fail(err, RG_ENOMEM, "%s: out of memory", path);
    }
    pl->ds = &ds;
    pl->opt = opt;
    pl->fn = fn;
    pl->ctx = ctx;
    pthread_mutex_init(&pl->lock, NULL);
    pthread_cond_init(&pl->changed, NULL);
    int nwant = threads < NSLOTS ? threads : NSLOTS - 1;
    pthread_t tid[NSLOTS];
    int nworkers = 0;
    pl->nslots = nwant > 0 ? (size_t)nwant + 1 : 1;
    size_t base = 0; /* UTF-8 bytes of earlier segments */
    size_t col0 = 0; /* characters before the next segment on its first line */
    char conv_enc[32];
    const char *conv = NULL; /* a converted stream's encoding (conv_enc) */
    size_t conv_skip = 0, src = 0; /* its byte-order mark; the bytes before the segment */
    size_t checked = 0; /* the opening's bytes known to be valid UTF-8 (plain_opening()) */
    rg_status st = RG_OK;
    bool eof = false;
    for (size_t j = 0; st == RG_OK && !eof; j++) {
        /* a free slot (its last segment has been handed on), and room for
         * a segment as large as the last one */
        while (st == RG_OK && (pl->out + pl->nslots <= j ||
                               (j && !room_for(pl, j, pl->slots[pl->slot_of[(j - 1) % NSLOTS]].est))))
            hand_on(pl, true, &st, err);
        if (st != RG_OK)
            break;
        pl->slot_of[j % NSLOTS] = free_slot(pl, j);
        slot *s = seg_slot(pl, j);
        if (s->t.orig) /* a converted segment's text is its own */
            rg_text_free(&s->t);
        size_t have = ncarry;
        size_t want = CHUNK + 1; /* (files of up to RG_WHOLE_BYTES went to read_file_whole()) */
        if (!grow_to(&s->buf, &s->cap, ncarry >= want ? ncarry + 1 : want)) {
            st = rg_fail(err, RG_ENOMEM, "%s: out of memory", path);
            break;
        }
        if (ncarry)
            memcpy(s->buf, carry, ncarry);
        if ((st = fill(f, path, s->buf, s->cap, &have, &eof, err)) != RG_OK)
            break;
        if (j == 0 && (eof || !plain_opening(s->buf, have, opt, &checked))) {
            if (eof || !stream_encoding(s->buf, have, opt, conv_enc, &conv_skip)) {
                /* a short text, or one that is read and converted whole */
                st = read_rest_whole(&ds, f, &s->buf, &s->cap, have, eof, opt, fn, ctx, err);
                break;
            }
            conv = conv_enc; /* GB18030 or UTF-16, converted segment by segment */
        }
        /* the segment: up to the last quiet point, or all of it at the end; the
         * document's opening is one segment of at least HEAD_BYTES */
        size_t cut = have;
        bool midline = false;
        if (conv)
            st = convert_segment(&ds, f, conv, s, &have, &eof, j == 0 ? conv_skip : 0, src, j == 0,
                                 &cut, &midline, err);
        while (!conv && !eof) {
            size_t from = j == 0 ? (HEAD_BYTES < have ? HEAD_BYTES : have) : 0;
            if ((cut = quiet_point(s->buf, from, have)) != 0)
                break;
            if (have >= SEGMENT_MAX && have > from + 1) {
                cut = forced_cut(s->buf, from, have, &midline);
                if (ds.ncuts++ == 0) /* its byte in the input (the first segment's buffer holds all) */
                    ds.first_cut = j == 0 ? cut : ds.skip0 + base + cut;
                break;
            }
            /* no quiet point yet: read more into a larger buffer */
            cut = have;
            if (!grow_to(&s->buf, &s->cap, 2 * s->cap))
                st = rg_fail(err, RG_ENOMEM, "%s: out of memory", path);
            else
                st = fill(f, path, s->buf, s->cap, &have, &eof, err);
            if (st != RG_OK)
                break;
            cut = have;
        }
        if (st != RG_OK)
            break;
        /* what follows the cut waits for the next segment */
        ncarry = have - cut;
        if (ncarry && !grow_to(&carry, &carrycap, ncarry + 1)) {
            st = rg_fail(err, RG_ENOMEM, "%s: out of memory", path);
            break;
        }
        if (ncarry)
            memcpy(carry, s->buf + cut, ncarry);
        if (!conv)
            segment_text(&ds, &s->t, s->buf, cut, j == 0, base, j == 0 ? checked : 0);
        rg_scan_reset(&s->sc, &ds, &s->t, base);
        s->sc.col0 = col0;
        s->sc.orig_base = conv ? src + (j == 0 ? conv_skip : 0) : 0;
        src += cut;
        /* the column where the next segment starts, when the cut is inside a line */
        if (midline) {
            size_t from = rg_line_start(s->t.utf8, 0, s->t.len);
            col0 = (from ? 0 : col0) + rg_utf8_count(s->t.utf8 + from, s->t.len - from);
        } else {
            col0 = 0;
        }
        s->prepared = s->done = s->skipped = false;
        s->est = segment_bytes(s->t.utf8, s->t.len);
        base += s->t.len;
        if (j == 0 || nworkers == 0) {
            /* in this thread; the first segment settles the document's identity
             * before any other is read */
            s->st = rg_do_segment(&s->sc, opt, &s->err);
            s->done = true;
            pl->placed = pl->taken = pl->read = j + 1;
            if (s->st == RG_OK && j == 0 && threads > 1 && (!eof || ncarry))
                for (; nworkers < nwant; nworkers++)
                    if (pthread_create(&tid[nworkers], NULL, segment_worker, pl) != 0)
                        break;
        } else {
            /* room for what it may take among the segments in flight */
            while (st == RG_OK && !room_for(pl, j, s->est))
                hand_on(pl, true, &st, err);
            if (st != RG_OK)
                break;
            pthread_mutex_lock(&pl->lock);
            pl->read = j + 1;
            pthread_cond_broadcast(&pl->changed);
            pthread_mutex_unlock(&pl->lock);
        }
        /* what is ready goes on */
        while (st == RG_OK && pl->out < pl->read && hand_on(pl, false, &st, err))
            ;
        pthread_mutex_lock(&pl->lock);
        bool stop = pl->stop;
        pthread_mutex_unlock(&pl->lock);
        if (stop)
            break; /* a worker failed: its status comes with its segment */
    }
    /* the segments still in flight, in order */
    pthread_mutex_lock(&pl->lock);
    pl->last = true;
    if (st != RG_OK)
        pl->stop = true;
    pthread_cond_broadcast(&pl->changed);
    pthread_mutex_unlock(&pl->lock);
    while (pl->out < pl->read && hand_on(pl, true, &st, err))
        ;
    for (int t = 0; t < nworkers; t++)
        pthread_join(tid[t], NULL);
    rg_text_warn_more_invalid(path, &ds.warn, ds.nbad);
    if (ds.nuls > 1)
        rg_buf_printf(&ds.warn, "%s: %zu more NUL bytes read as spaces\n", path, ds.nuls - 1);
    if (conv)
        rg_text_warn_more_converted(path, conv, &ds.warn, ds.nconv);
    if (ds.ncuts)
        rg_buf_printf(&ds.warn,
                      "%s: byte %zu: no line ends a clause in %u MB of text; the text is cut "
                      "there%s to keep memory bounded, and a reference across a cut may be "
                      "missed or misread\n",
                      path, ds.first_cut, SEGMENT_MAX >> 20,
                      ds.ncuts > 1 ? " and at other such places" : "");
    if (st == RG_OK)
        st = rg_finish_doc(&ds, err);
    for (int k = 0; k < NSLOTS; k++) {
        rg_scan_free(&pl->slots[k].sc);
        if (pl->slots[k].t.orig)
            rg_text_free(&pl->slots[k].t);
        free(pl->slots[k].buf);
    }
    pthread_mutex_destroy(&pl->lock);
    pthread_cond_destroy(&pl->changed);
    free(pl);
    free(carry);
    rg_docscan_free(&ds);
    return st;
}

/* The input and, for a regular file, its size (else 0). */
static rg_status open_input(const char *path, int *fd, size_t *size, rg_error *err)
{
    *size = 0;
    *fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
    if (*fd < 0)
        return rg_fail(err, RG_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(*fd, &sb) == 0 && S_ISREG(sb.st_mode))
        *size = (size_t)sb.st_size;
    return RG_OK;
}

rg_status rg_doc_read(const char *path, const rg_read_options *opt, rg_doc **out, rg_error *err)
{
    return rg_doc_stream(path, opt, 1, NULL, NULL, out, err);
}

rg_status rg_doc_stream(const char *path, const rg_read_options *opt, int threads, rg_records_fn fn,
                        void *ctx, rg_doc **out, rg_error *err)
{
    *out = NULL;
    if (fn && !(opt && opt->records))
        return rg_fail(err, RG_EUSAGE, "%s: streaming needs records (rg_read_options.records)", path);
    rg_doc *d = rg_doc_new(path, opt);
    if (!d)
        return rg_fail(err, RG_ENOMEM, "%s: out of memory", path);
    int fd;
    size_t size;
    rg_status st = open_input(path, &fd, &size, err);
    if (st == RG_OK && !fn && opt && opt->small_only && size > RG_WHOLE_BYTES) {
        st = rg_fail(err, RG_ELARGE, "%s: larger than %u MB: to be streamed", path,
                     RG_WHOLE_BYTES >> 20);
        if (fd != 0)
            close(fd);
    } else if (st == RG_OK) {
        st = read_stream(fd, size, path, opt, d, fn ? threads : 1, fn, ctx, err);
        if (fd != 0)
            close(fd);
    }
    if (st != RG_OK) {
        rg_doc_free(d);
        return st;
    }
    *out = d;
    return RG_OK;
}

