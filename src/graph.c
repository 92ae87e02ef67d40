/*
 * graph.c - the citation graph, built with igraph.
 *
 * A builder takes citations from documents read (rg_doc) or from citations
 * files (JSON Lines written by `extract`), and makes one node per canonical
 * id and one edge per (citing, cited, kind): repeated mentions merge into an
 * edge whose weight counts them and which keeps the list of their places.
 * Two kinds of edges: `cites`, read from the text, and `succeeds`, inferred
 * from a recital that lists the citing body's own resolutions in
 * chronological order (each item succeeds the one listed before it).  Nodes
 * are numbered in the order of their ids and edges sorted, so the same
 * citations give the same graph whatever the order they came in.
 *
 * igraph checks that the graph is acyclic and orders it topologically; a
 * cycle (a text citing a later one, an erratum) is reported with its nodes,
 * and its edges are left out of the analysis.  The algorithms over the
 * ordered graph live in lineage.c, which receives plain arrays.  Edges are
 * kept as parallel arrays of 32-bit numbers: a graph of three million
 * citations fits in a few hundred megabytes.  This is the only file that
 * includes igraph.h.
 */
#include "internal.h"

#include <igraph.h>
#include <pthread.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NO_PLACE UINT32_MAX

typedef struct place {
    const char *file, *surface, *para, *verb, *context, *form;
    uint64_t offset;
    uint32_t line, col;
} place;

struct rg_graph {
    rg_arena arena;
    rg_node_info *nodes;
    size_t n, m;
    /* edges sorted by (from, to, kind) */
    uint32_t *efrom, *eto, *eweight;
    uint8_t *ekind;
    /* the places of edge e: places[eplace[eplace_start[e] .. eplace_start[e+1])];
     * NULL when no citation came with its place */
    uint32_t *eplace_start, *eplace;
    place *places;
    size_t nplaces;
    igraph_t ig;
    bool ig_ok;
    rg_csr csr;
    uint32_t *acyclic_head; /* the CSR's heads when cycles were left out */
    uint8_t *acyclic_kind;
    uint32_t *acyclic_edge;
    char **warnings;
    size_t nwarnings;
    bool borrowed; /* a part of another graph: its strings and places are that graph's */
};

/* --- igraph's errors become ours ---------------------------------------------- */

static _Thread_local char ig_msg[512];

static void on_igraph_error(const char *reason, const char *file, int line, igraph_error_t e)
{
    snprintf(ig_msg, sizeof ig_msg, "%s (%s)", reason, igraph_strerror(e));
    IGRAPH_FINALLY_FREE();
}

static void on_igraph_warning(const char *reason, const char *file, int line)
{
    /* igraph's warnings (a missing attribute) are not the user's business */
}

static pthread_once_t ig_once = PTHREAD_ONCE_INIT;

static void ig_init(void)
{
    igraph_set_error_handler(on_igraph_error);
    igraph_set_warning_handler(on_igraph_warning);
}

static rg_status ig_fail(rg_error *err, const char *what, igraph_error_t e)
{
    if (e == IGRAPH_ENOMEM)
        return rg_fail(err, RG_ENOMEM, "out of memory while %s", what);
    return rg_fail(err, RG_ELIB, "igraph failed while %s: %s", what,
                   ig_msg[0] ? ig_msg : igraph_strerror(e));
}

/* --- the builder -------------------------------------------------------------- */

typedef struct cite {
    uint32_t from, to, place, kind;
} cite;

/* One item of the enumeration being read, for the succession inference. */
typedef struct gitem {
    uint32_t node, place;
    const char *date;
} gitem;

struct rg_builder {
    rg_arena arena;
    rg_strmap index;       /* id -> number in order of first appearance */
    const char **ids;
    size_t nids, idcap;
    /* per node, grown with ids */
    uint8_t *source;
    const char **doc_date, **doc_body, **doc_file;
    int *doc_session;
    size_t infocap;
    cite *cites;
    size_t ncites, ccap;
    place *places;
    size_t nplaces, pcap;
    /* (node, date) pairs of cited items, to pick each node's date */
    struct node_date {
        uint32_t v;
        const char *date;
    } *dates;
    size_t ndates, dcap;
    /* the enumeration being read */
    gitem *group;
    size_t ngroup, gcap;
    uint32_t gdoc;
    size_t glist;
    const char *last_file; /* interned file name of the last place */
    const char *last_doc;  /* a citations file repeats its doc: skip the lookup */
    uint32_t last_doc_node;
    rg_buf warnings;       /* one per line */
};

rg_status rg_builder_new(rg_builder **out, rg_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return rg_fail(err, RG_ENOMEM, "out of memory");
    (*out)->gdoc = UINT32_MAX;
    return RG_OK;
}

void rg_builder_free(rg_builder *b)
{
    if (!b)
        return;
    rg_strmap_free(&b->index);
    free(b->ids);
    free(b->source);
    free(b->doc_date);
    free(b->doc_body);
    free(b->doc_file);
    free(b->doc_session);
    rg_buf_free(&b->warnings);
    free(b->cites);
    free(b->places);
    free(b->dates);
    free(b->group);
    rg_arena_free(&b->arena);
    free(b);
}

/* The node of id, added if new; UINT32_MAX when out of memory. */
static uint32_t intern(rg_builder *b, const char *id)
{
    long v = rg_strmap_get(&b->index, id);
    if (v >= 0)
        return (uint32_t)v;
    if (b->nids >= UINT32_MAX - 1)
        return UINT32_MAX;
    const char *copy = rg_arena_strdup(&b->arena, id);
    size_t found;
    if (!copy || !rg_strmap_put(&b->index, copy, b->nids, &found) ||
        !rg_grow(&b->ids, &b->idcap, b->nids + 1, sizeof *b->ids))
        return UINT32_MAX;
    if (b->nids + 1 > b->infocap) {
        size_t cap = b->idcap;
        uint8_t *s = realloc(b->source, cap);
        if (s)
            b->source = s;
        const char **dd = realloc(b->doc_date, cap * sizeof *dd);
        if (dd)
            b->doc_date = dd;
        const char **db = realloc(b->doc_body, cap * sizeof *db);
        if (db)
            b->doc_body = db;
        const char **df = realloc(b->doc_file, cap * sizeof *df);
        if (df)
            b->doc_file = df;
        int *ds = realloc(b->doc_session, cap * sizeof *ds);
        if (ds)
            b->doc_session = ds;
        if (!s || !dd || !db || !ds || !df)
            return UINT32_MAX;
        b->infocap = cap;
    }
    b->ids[b->nids] = copy;
    b->source[b->nids] = 0;
    b->doc_date[b->nids] = NULL;
    b->doc_body[b->nids] = NULL;
    b->doc_file[b->nids] = NULL;
    b->doc_session[b->nids] = 0;
    return (uint32_t)b->nids++;
}

static const char *keep(rg_builder *b, const char *s, bool *nomem)
{
    if (!s)
        return NULL;
    const char *c = rg_arena_strdup(&b->arena, s);
    if (!c)
        *nomem = true;
    return c;
}

static const char *form_name(const char *form)
{
    /* a static name, so places need not copy it */
    if (!form)
        return NULL;
    return !strcmp(form, "symbol") ? "symbol" : !strcmp(form, "link") ? "link" : "text";
}

static uint32_t add_place(rg_builder *b, const char *file, const char *surface, const char *para,
                          const char *verb, const char *context, const char *form, size_t line,
                          size_t col, size_t offset, bool *nomem)
{
    if (!rg_grow(&b->places, &b->pcap, b->nplaces + 1, sizeof *b->places) ||
        b->nplaces >= NO_PLACE) {
        *nomem = true;
        return NO_PLACE;
    }
    if (file && (!b->last_file || strcmp(b->last_file, file) != 0))
        b->last_file = keep(b, file, nomem);
    place *p = &b->places[b->nplaces];
    p->file = file ? b->last_file : NULL;
    p->surface = keep(b, surface, nomem);
    p->para = keep(b, para, nomem);
    p->verb = keep(b, verb, nomem);
    p->context = keep(b, context, nomem);
    p->form = form_name(form);
    p->line = (uint32_t)line;
    p->col = (uint32_t)col;
    p->offset = offset;
    return (uint32_t)b->nplaces++;
}

static bool add_cite(rg_builder *b, uint32_t from, uint32_t to, uint32_t pl, rg_edge_kind kind)
{
    if (from == to)
        return true; /* a text naming itself */
    if (!rg_grow(&b->cites, &b->ccap, b->ncites + 1, sizeof *b->cites))
        return false;
    b->cites[b->ncites++] = (cite){from, to, pl, (uint32_t)kind};
    return true;
}

/* Order of two cited items: by their dates when both are given, else by
 * session (or year) and number.  -1, 0, 1, or 2 when they cannot be compared. */
static void order_key(const char *id, long *k1, long *k2)
{
    *k1 = *k2 = -1;
    const char *p = strstr(id, "/RES/");
    if (!p)
        p = strstr(id, "/DEC/");
    if (!p)
        return;
    p += 5;
    if (*p < '0' || *p > '9')
        return;
    char *end;
    long a = strtol(p, &end, 10);
    if (*end == '/') {
        *k1 = a;
        *k2 = strtol(end + 1, NULL, 10);
    } else if (*end == '(') {
        *k1 = strncmp(id, "S/", 2) == 0 ? rg_id_year(id) : rg_id_session(id);
        *k2 = a;
    }
}

static int chrono_cmp(rg_builder *b, const gitem *x, const gitem *y)
{
    if (x->date && y->date) {
        int c = strcmp(x->date, y->date);
        return c < 0 ? -1 : c > 0;
    }
    long a1, a2, b1, b2;
    order_key(b->ids[x->node], &a1, &a2);
    order_key(b->ids[y->node], &b1, &b2);
    if (a1 < 0 || b1 < 0)
        return 2;
    if (a1 != b1)
        return a1 < b1 ? -1 : 1;
    if (a2 != b2)
        return a2 < b2 ? -1 : 1;
    return 0;
}

/* The enumeration just read is over: each item listed after an earlier one
 * succeeds it, when the whole list is in chronological order. */
static bool flush_group(rg_builder *b)
{
    size_t k = b->ngroup;
    b->ngroup = 0;
    for (size_t i = 0; i + 1 < k; i++)
        if (chrono_cmp(b, &b->group[i], &b->group[i + 1]) == 1)
            return true;
    for (size_t i = 0; i + 1 < k; i++)
        if (chrono_cmp(b, &b->group[i], &b->group[i + 1]) == -1 &&
            !add_cite(b, b->group[i + 1].node, b->group[i].node, b->group[i + 1].place,
                      RG_SUCCEEDS))
            return false;
    return true;
}

/* Feeds one citation to the inference: own-body resolutions of one list. */
static bool feed_group(rg_builder *b, uint32_t doc, size_t list, uint32_t node, uint32_t pl,
                       const char *date)
{
    if (b->ngroup && (b->gdoc != doc || b->glist != list) && !flush_group(b))
        return false;
    b->gdoc = doc;
    b->glist = list;
    if (!rg_grow(&b->group, &b->gcap, b->ngroup + 1, sizeof *b->group))
        return false;
    b->group[b->ngroup++] = (gitem){node, pl, date};
    return true;
}

static bool add_date(rg_builder *b, uint32_t v, const char *date)
{
    if (!rg_grow(&b->dates, &b->dcap, b->ndates + 1, sizeof *b->dates))
        return false;
    b->dates[b->ndates].v = v;
    b->dates[b->ndates].date = date;
    b->ndates++;
    return true;
}

rg_status rg_builder_add_doc(rg_builder *b, const rg_doc *doc, rg_error *err)
{
    bool nomem = false;
    uint32_t from = intern(b, rg_doc_id(doc));
    if (from == UINT32_MAX)
        return rg_fail(err, RG_ENOMEM, "out of memory while building the graph");
    /* a document read from two files: the file first in name order tells its date,
     * body and session, whatever the order of reading */
    const char *file = rg_doc_file(doc);
    bool first = !b->doc_file[from];
    if (!first) {
        bool earlier = strcmp(file, b->doc_file[from]) < 0;
        rg_buf_printf(&b->warnings, "%s is read from two files, %s and %s; the first tells its "
                                    "date\n",
                      rg_doc_id(doc), earlier ? file : b->doc_file[from],
                      earlier ? b->doc_file[from] : file);
        first = earlier;
    }
    b->source[from] = 1;
    if (first) {
        b->doc_file[from] = keep(b, file, &nomem);
        b->doc_date[from] = rg_doc_date(doc) ? keep(b, rg_doc_date(doc), &nomem) : NULL;
        b->doc_body[from] = rg_doc_body(doc); /* a static name */
        b->doc_session[from] = rg_doc_session(doc);
    }
    for (size_t i = 0; i < rg_doc_mention_count(doc) && !nomem; i++) {
        const rg_mention *m = rg_doc_mention(doc, i);
        uint32_t to = intern(b, m->id);
        if (to == UINT32_MAX) {
            nomem = true;
            break;
        }
        uint32_t pl = add_place(b, rg_doc_file(doc), m->surface, m->para, m->verb, m->context,
                                m->form == RG_FORM_SYMBOL ? "symbol"
                                : m->form == RG_FORM_LINK ? "link"
                                                          : "text",
                                m->line, m->col, m->offset, &nomem);
        const char *date = m->date ? keep(b, m->date, &nomem) : NULL;
        if (nomem || !add_cite(b, from, to, pl, RG_CITES) || (date && !add_date(b, to, date))) {
            nomem = true;
            break;
        }
        if (m->list && m->type == RG_RESOLUTION && !strcmp(m->body, rg_doc_body(doc)) &&
            !feed_group(b, from, m->list, to, pl, date))
            nomem = true;
    }
    if (!nomem && b->ngroup && !flush_group(b))
        nomem = true;
    if (nomem)
        return rg_fail(err, RG_ENOMEM, "out of memory while building the graph");
    return RG_OK;
}

/* One record of a citations file (see records.c). */
static rg_status add_record(void *ctx, const rg_citation *c, rg_error *err)
{
    rg_builder *b = ctx;
    bool nomem = false;
    uint32_t from;
    if (b->last_doc && !strcmp(b->last_doc, c->doc)) {
        from = b->last_doc_node;
    } else {
        from = intern(b, c->doc);
        if (from == UINT32_MAX)
            return rg_fail(err, RG_ENOMEM, "out of memory while building the graph");
        b->last_doc = b->ids[from];
        b->last_doc_node = from;
        b->source[from] = 1;
        if (!b->doc_body[from]) {
            rg_body db = rg_id_body(c->doc);
            b->doc_body[from] = rg_body_name(db == RG_BODY_NONE ? RG_BODY_GA : db);
            b->doc_session[from] = rg_id_session(c->doc);
        }
    }
    uint32_t to = intern(b, c->id);
    if (to == UINT32_MAX)
        return rg_fail(err, RG_ENOMEM, "out of memory while building the graph");
    rg_edge_kind kind = c->kind && !strcmp(c->kind, "succeeds") ? RG_SUCCEEDS : RG_CITES;
    uint32_t pl = NO_PLACE;
    if (c->surface || c->file || c->line > 0)
        pl = add_place(b, c->file, c->surface, c->para, c->verb, NULL, c->form,
                       c->line > 0 ? (size_t)c->line : 0,
                       c->col > 0 ? (size_t)c->col : 0, c->offset > 0 ? (size_t)c->offset : 0,
                       &nomem);
    const char *date = c->date ? keep(b, c->date, &nomem) : NULL;
    if (nomem || !add_cite(b, from, to, pl, kind) || (date && !add_date(b, to, date)))
        return rg_fail(err, RG_ENOMEM, "out of memory while building the graph");
    if (kind == RG_CITES && c->list > 0) {
        rg_type type = c->type ? (!strcmp(c->type, "resolution")   ? RG_RESOLUTION
                                  : !strcmp(c->type, "decision") ? RG_DECISION
                                                                 : RG_DOCUMENT)
                               : rg_id_type(c->id);
        const char *body = c->body ? c->body : rg_body_name(rg_id_body(c->id));
        if (type == RG_RESOLUTION && !strcmp(body, b->doc_body[from]) &&
            !feed_group(b, from, (size_t)c->list, to, pl, date))
            return rg_fail(err, RG_ENOMEM, "out of memory while building the graph");
    } else if (b->ngroup && !flush_group(b)) {
        return rg_fail(err, RG_ENOMEM, "out of memory while building the graph");
    }
    return RG_OK;
}

rg_status rg_builder_add_citations(rg_builder *b, const char *path, rg_error *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return rg_fail(err, RG_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    b->last_doc = NULL;
    rg_status st = rg_citations_read(f, path, add_record, b, err);
    if (f != stdin)
        fclose(f);
    if (st == RG_OK && b->ngroup && !flush_group(b))
        st = rg_fail(err, RG_ENOMEM, "out of memory while building the graph");
    return st;
}

/* --- from the builder to the graph --------------------------------------------- */

static const char *const *sort_ids_base;

static int cmp_node_by_id(const void *a, const void *b)
{
    return strcmp(sort_ids_base[*(const uint32_t *)a], sort_ids_base[*(const uint32_t *)b]);
}

static const place *cmp_places;

/* Citations of one citing node: by head, kind, then place (file, offset). */
static int cmp_cite(const void *pa, const void *pb)
{
    const cite *a = pa, *b = pb;
    if (a->to != b->to)
        return a->to < b->to ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->place == b->place)
        return 0;
    if (a->place == NO_PLACE || b->place == NO_PLACE)
        return a->place == NO_PLACE ? 1 : -1;
    const place *x = &cmp_places[a->place], *y = &cmp_places[b->place];
    int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");
    if (c)
        return c;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    return a->place < b->place ? -1 : 1;
}

static int cmp_node_date(const void *pa, const void *pb)
{
    const struct node_date *a = pa, *b = pb;
    if (a->v != b->v)
        return a->v < b->v ? -1 : 1;
    return strcmp(a->date, b->date);
}

static void add_warning(rg_graph *g, const char *msg)
{
    char **w = realloc(g->warnings, (g->nwarnings + 1) * sizeof *w);
    if (!w)
        return;
    g->warnings = w;
    char *s = rg_arena_strdup(&g->arena, msg);
    if (s)
        g->warnings[g->nwarnings++] = s;
}

/* Topological order; edges inside cycles are reported and left out. */
static rg_status order_graph(rg_graph *g, rg_error *err)
{
    igraph_bool_t dag;
    igraph_error_t e = igraph_is_dag(&g->ig, &dag);
    if (e)
        return ig_fail(err, "checking for cycles", e);
    rg_csr *c = &g->csr;
    c->n = g->n;
    c->m = g->m;
    c->out_start = calloc(g->n + 1, sizeof *c->out_start);
    c->topo = malloc((g->n ? g->n : 1) * sizeof *c->topo);
    if (!c->out_start || !c->topo)
        return rg_fail(err, RG_ENOMEM, "out of memory");
    c->out_head = g->eto;
    c->out_kind = g->ekind;
    igraph_t acyclic;
    const igraph_t *order_of = &g->ig;
    if (!dag) {
        igraph_vector_int_t memb, csize, drop;
        igraph_integer_t ncomp;
        if ((e = igraph_vector_int_init(&memb, 0)))
            return ig_fail(err, "finding cycles", e);
        if ((e = igraph_vector_int_init(&csize, 0))) {
            igraph_vector_int_destroy(&memb);
            return ig_fail(err, "finding cycles", e);
        }
        if ((e = igraph_vector_int_init(&drop, 0)) ||
            (e = igraph_connected_components(&g->ig, &memb, &csize, &ncomp, IGRAPH_STRONG))) {
            igraph_vector_int_destroy(&memb);
            igraph_vector_int_destroy(&csize);
            return ig_fail(err, "finding cycles", e);
        }
        g->acyclic_head = malloc((g->m ? g->m : 1) * sizeof *g->acyclic_head);
        g->acyclic_kind = malloc((g->m ? g->m : 1) * sizeof *g->acyclic_kind);
        g->acyclic_edge = malloc((g->m ? g->m : 1) * sizeof *g->acyclic_edge);
        size_t kept = 0;
        for (size_t i = 0; g->acyclic_head && g->acyclic_kind && g->acyclic_edge && i < g->m;
             i++) {
            if (VECTOR(memb)[g->efrom[i]] == VECTOR(memb)[g->eto[i]]) {
                if ((e = igraph_vector_int_push_back(&drop, (igraph_integer_t)i)))
                    break;
                continue;
            }
            g->acyclic_head[kept] = g->eto[i];
            g->acyclic_kind[kept] = g->ekind[i];
            g->acyclic_edge[kept] = (uint32_t)i;
            c->out_start[g->efrom[i] + 1]++;
            kept++;
        }
        /* one message per cycle, its nodes in id order */
        for (igraph_integer_t k = 0; k < ncomp && !e; k++) {
            if (VECTOR(csize)[k] < 2)
                continue;
            rg_buf b = {0};
            rg_buf_printf(&b, "cycle among %" IGRAPH_PRId " documents:", VECTOR(csize)[k]);
            size_t shown = 0;
            for (size_t v = 0; v < g->n; v++)
                if (VECTOR(memb)[v] == k && shown++ < 10)
                    rg_buf_printf(&b, " %s", g->nodes[v].id);
            if (shown > 10)
                rg_buf_printf(&b, " and %zu more", shown - 10);
            rg_buf_puts(&b, "; the citations among them are left out of the analysis");
            if (b.data)
                add_warning(g, b.data);
            rg_buf_free(&b);
        }
        igraph_vector_int_destroy(&memb);
        igraph_vector_int_destroy(&csize);
        if (!g->acyclic_head || !g->acyclic_kind || !g->acyclic_edge) {
            igraph_vector_int_destroy(&drop);
            return rg_fail(err, RG_ENOMEM, "out of memory");
        }
        c->out_head = g->acyclic_head;
        c->out_kind = g->acyclic_kind;
        c->out_edge = g->acyclic_edge;
        c->m = kept;
        if (!e)
            e = igraph_copy(&acyclic, &g->ig);
        if (!e) {
            igraph_es_t es;
            igraph_es_vector(&es, &drop);
            e = igraph_delete_edges(&acyclic, es);
            igraph_es_destroy(&es);
            if (e)
                igraph_destroy(&acyclic);
        }
        igraph_vector_int_destroy(&drop);
        if (e)
            return ig_fail(err, "leaving out cycles", e);
        order_of = &acyclic;
    } else {
        for (size_t i = 0; i < g->m; i++)
            c->out_start[g->efrom[i] + 1]++;
    }
    for (size_t v = 0; v < g->n; v++)
        c->out_start[v + 1] += c->out_start[v];
    igraph_vector_int_t topo;
    e = igraph_vector_int_init(&topo, 0);
    if (!e)
        e = igraph_topological_sorting(order_of, &topo, IGRAPH_OUT);
    if (!dag)
        igraph_destroy(&acyclic);
    if (e) {
        igraph_vector_int_destroy(&topo);
        return ig_fail(err, "ordering the graph", e);
    }
    for (size_t i = 0; i < g->n; i++)
        c->topo[i] = (size_t)VECTOR(topo)[i];
    igraph_vector_int_destroy(&topo);
    return RG_OK;
}

/* igraph's structure over g's edges, checked for cycles and ordered. */
static rg_status attach_igraph(rg_graph *g, const char *what, rg_error *err)
{
    igraph_vector_int_t el;
    igraph_error_t ie = igraph_vector_int_init(&el, (igraph_integer_t)(2 * g->m));
    if (ie)
        return ig_fail(err, what, ie);
    for (size_t i = 0; i < g->m; i++) {
        VECTOR(el)[2 * i] = (igraph_integer_t)g->efrom[i];
        VECTOR(el)[2 * i + 1] = (igraph_integer_t)g->eto[i];
    }
    ie = igraph_create(&g->ig, &el, (igraph_integer_t)g->n, IGRAPH_DIRECTED);
    igraph_vector_int_destroy(&el);
    if (ie)
        return ig_fail(err, what, ie);
    g->ig_ok = true;
    return order_graph(g, err);
}

static rg_status node_attributes(rg_graph *g, rg_builder *b, const uint32_t *order,
                                 const uint32_t *rank, rg_error *err)
{
    /* the most frequent date the texts give each cited item (ties: the earliest) */
    for (size_t i = 0; i < b->ndates; i++)
        b->dates[i].v = rank[b->dates[i].v];
    if (b->ndates)
        qsort(b->dates, b->ndates, sizeof *b->dates, cmp_node_date);
    for (size_t i = 0; i < b->ndates;) {
        size_t j = i, best = i, bestn = 0;
        while (j < b->ndates && b->dates[j].v == b->dates[i].v) {
            size_t k = j;
            while (k < b->ndates && b->dates[k].v == b->dates[j].v &&
                   !strcmp(b->dates[k].date, b->dates[j].date))
                k++;
            if (k - j > bestn) {
                bestn = k - j;
                best = j;
            }
            j = k;
        }
        g->nodes[b->dates[i].v].date = b->dates[best].date;
        i = j;
    }
    for (size_t v = 0; v < g->n; v++) {
        rg_node_info *nv = &g->nodes[v];
        uint32_t old = order[v];
        const char *id = b->ids[old];
        char buf[512];
        nv->id = id;
        nv->source = b->source[old];
        if (b->doc_date[old])
            nv->date = b->doc_date[old];
        rg_id_label(id, buf, sizeof buf);
        nv->label = rg_arena_strdup(&g->arena, buf);
        rg_type t = rg_id_type(id);
        nv->type = t == RG_RESOLUTION ? "resolution" : t == RG_DECISION ? "decision" : "document";
        if (b->doc_body[old]) {
            nv->body = b->doc_body[old];
        } else {
            rg_body bd = rg_id_body(id);
            nv->body = bd == RG_BODY_NONE ? (!strncmp(id, "ST/", 3) ? "Secretariat" : "other")
                                          : rg_body_name(bd);
        }
        nv->session = b->doc_session[old] ? b->doc_session[old] : rg_id_session(id);
        if (nv->date)
            nv->year = atoi(nv->date);
        else if (rg_id_year(id))
            nv->year = rg_id_year(id);
        else if (nv->session && strchr(id, '/'))
            nv->year = 1945 + nv->session;
        if (strchr(id, '/')) {
            rg_id_url(id, buf, sizeof buf);
            nv->url = rg_arena_strdup(&g->arena, buf);
        } else {
            nv->url = "";
        }
        if (!nv->label || !nv->url)
            return rg_fail(err, RG_ENOMEM, "out of memory");
    }
    return RG_OK;
}

rg_status rg_builder_build(rg_builder *b, rg_graph **out, rg_error *err)
{
    *out = NULL;
    pthread_once(&ig_once, ig_init);
    rg_graph *g = calloc(1, sizeof *g);
    uint32_t *order = NULL, *rank = NULL, *start = NULL;
    cite *sorted = NULL;
    rg_status st = RG_OK;
    if (!g) {
        rg_builder_free(b);
        return rg_fail(err, RG_ENOMEM, "out of memory while building the graph");
    }
#define NOMEM()                                                                                    \
    do {                                                                                           \
        st = rg_fail(err, RG_ENOMEM, "out of memory while building the graph");                   \
        goto done;                                                                                 \
    } while (0)
    /* the builder's strings and places now belong to the graph */
    g->arena = b->arena;
    b->arena.head = NULL;
    g->places = b->places;
    g->nplaces = b->nplaces;
    b->places = NULL;
    for (const char *p = b->warnings.data; p && *p;) {
        const char *nl = strchr(p, '\n');
        char line[1024];
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), p);
        add_warning(g, line);
        p += n + (nl ? 1 : 0);
    }
    cmp_places = g->places;

    /* nodes in id order */
    size_t n = b->nids;
    g->n = n;
    order = malloc((n ? n : 1) * sizeof *order);
    rank = malloc((n ? n : 1) * sizeof *rank);
    g->nodes = calloc(n ? n : 1, sizeof *g->nodes);
    start = calloc(n + 1, sizeof *start);
    if (!order || !rank || !g->nodes || !start)
        NOMEM();
    for (size_t v = 0; v < n; v++)
        order[v] = (uint32_t)v;
    sort_ids_base = b->ids;
    qsort(order, n, sizeof *order, cmp_node_by_id);
    for (size_t v = 0; v < n; v++)
        rank[order[v]] = (uint32_t)v;

    /* citations grouped by citing node (a counting sort), then sorted within */
    size_t nc = b->ncites;
    sorted = malloc((nc ? nc : 1) * sizeof *sorted);
    if (!sorted)
        NOMEM();
    /* A succession is inferred only for items whose own text was not read:
     * what a text we read cites, we know. */
    size_t kept = 0;
    for (size_t i = 0; i < nc; i++) {
        cite x = b->cites[i];
        if (x.kind == RG_SUCCEEDS && b->source[x.from])
            continue;
        x.from = rank[x.from];
        x.to = rank[x.to];
        start[x.from + 1]++;
        b->cites[kept++] = x;
    }
    nc = kept;
    for (size_t v = 0; v < n; v++)
        start[v + 1] += start[v];
    for (size_t i = 0; i < nc; i++)
        sorted[start[b->cites[i].from]++] = b->cites[i];
    free(b->cites);
    b->cites = NULL;
    for (size_t v = n; v > 0; v--)
        start[v] = start[v - 1];
    start[0] = 0;
    size_t m = 0;
    for (size_t v = 0; v < n; v++) {
        cite *lo = sorted + start[v], *hi = sorted + start[v + 1];
        if (hi - lo > 1)
            qsort(lo, (size_t)(hi - lo), sizeof *lo, cmp_cite);
        for (cite *p = lo; p < hi; p++)
            if (p == lo || p->to != p[-1].to || p->kind != p[-1].kind)
                m++;
    }
    g->m = m;
    g->efrom = malloc((m ? m : 1) * sizeof *g->efrom);
    g->eto = malloc((m ? m : 1) * sizeof *g->eto);
    g->eweight = malloc((m ? m : 1) * sizeof *g->eweight);
    g->ekind = malloc(m ? m : 1);
    if (!g->efrom || !g->eto || !g->eweight || !g->ekind)
        NOMEM();
    size_t with_place = 0; /* inferred edges share the places of their items */
    for (size_t i = 0; i < nc; i++)
        with_place += sorted[i].place != NO_PLACE;
    if (with_place) {
        g->eplace_start = malloc((m + 1) * sizeof *g->eplace_start);
        g->eplace = malloc(with_place * sizeof *g->eplace);
        if (!g->eplace_start || !g->eplace)
            NOMEM();
    }
    size_t e = 0, np = 0;
    for (size_t i = 0; i < nc; i++) {
        const cite *p = &sorted[i];
        bool same = i > 0 && p->from == sorted[i - 1].from && p->to == sorted[i - 1].to &&
                    p->kind == sorted[i - 1].kind;
        if (!same) {
            g->efrom[e] = p->from;
            g->eto[e] = p->to;
            g->ekind[e] = (uint8_t)p->kind;
            g->eweight[e] = 0;
            if (g->eplace_start)
                g->eplace_start[e] = (uint32_t)np;
            e++;
        }
        g->eweight[e - 1]++;
        if (g->eplace && p->place != NO_PLACE)
            g->eplace[np++] = p->place;
    }
    if (g->eplace_start)
        g->eplace_start[m] = (uint32_t)np;
    free(sorted);
    sorted = NULL;

    st = node_attributes(g, b, order, rank, err);
    if (st != RG_OK)
        goto done;

    st = attach_igraph(g, "building the graph", err);
done:
#undef NOMEM
    free(order);
    free(rank);
    free(start);
    free(sorted);
    rg_builder_free(b);
    if (st != RG_OK) {
        rg_graph_free(g);
        return st;
    }
    *out = g;
    return RG_OK;
}

rg_status rg_graph_build(rg_doc *const *docs, size_t ndocs, rg_graph **out, rg_error *err)
{
    rg_builder *b;
    rg_status st = rg_builder_new(&b, err);
    for (size_t i = 0; st == RG_OK && i < ndocs; i++)
        st = rg_builder_add_doc(b, docs[i], err);
    if (st != RG_OK) {
        rg_builder_free(b);
        return st;
    }
    return rg_builder_build(b, out, err);
}

void rg_graph_free(rg_graph *g)
{
    if (!g)
        return;
    if (g->ig_ok)
        igraph_destroy(&g->ig);
    free(g->nodes);
    free(g->efrom);
    free(g->eto);
    free(g->eweight);
    free(g->ekind);
    free(g->eplace_start);
    free(g->eplace);
    if (!g->borrowed)
        free(g->places);
    free(g->csr.out_start);
    free(g->csr.topo);
    free(g->acyclic_head);
    free(g->acyclic_kind);
    free(g->acyclic_edge);
    free(g->warnings);
    rg_arena_free(&g->arena);
    free(g);
}

size_t rg_graph_node_count(const rg_graph *g) { return g->n; }
size_t rg_graph_edge_count(const rg_graph *g) { return g->m; }
const rg_node_info *rg_graph_node(const rg_graph *g, size_t v) { return &g->nodes[v]; }
const rg_csr *rg_graph_csr(const rg_graph *g) { return &g->csr; }
const char *rg_graph_node_id(const rg_graph *g, size_t v) { return g->nodes[v].id; }
const char *rg_graph_node_label(const rg_graph *g, size_t v) { return g->nodes[v].label; }
const char *rg_graph_node_date(const rg_graph *g, size_t v) { return g->nodes[v].date; }
int rg_graph_node_year(const rg_graph *g, size_t v) { return g->nodes[v].year; }
int rg_graph_node_is_source(const rg_graph *g, size_t v) { return g->nodes[v].source; }
size_t rg_graph_warning_count(const rg_graph *g) { return g->nwarnings; }
const char *rg_graph_warning(const rg_graph *g, size_t i) { return g->warnings[i]; }

rg_edge_info rg_graph_edge(const rg_graph *g, size_t e)
{
    rg_edge_info x = {.from = g->efrom[e], .to = g->eto[e], .kind = (rg_edge_kind)g->ekind[e],
                      .weight = g->eweight[e]};
    if (g->eplace_start && g->eplace_start[e] < g->eplace_start[e + 1]) {
        const place *p = &g->places[g->eplace[g->eplace_start[e]]];
        x.surface = p->surface;
        x.file = p->file;
        x.line = p->line;
        x.para = p->para;
        x.verb = p->verb;
        x.context = p->context;
        x.form = p->form;
    }
    return x;
}

size_t rg_graph_edge_places(const rg_graph *g, size_t e, rg_place_info *out, size_t max)
{
    if (!g->eplace_start)
        return 0;
    size_t lo = g->eplace_start[e], hi = g->eplace_start[e + 1];
    for (size_t i = lo; i < hi && i - lo < max; i++) {
        const place *p = &g->places[g->eplace[i]];
        out[i - lo] = (rg_place_info){p->file, p->surface, p->para, p->verb, p->context, p->line,
                                      p->col, (size_t)p->offset};
    }
    return hi - lo;
}

long rg_graph_find(const rg_graph *g, const char *id)
{
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(g->nodes[mid].id, id);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* --- reachability ------------------------------------------------------------------ */

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

rg_status rg_reach(const rg_graph *g, size_t v, int cited, size_t **out, size_t *n, rg_error *err)
{
    *out = NULL;
    *n = 0;
    igraph_vector_int_t res;
    igraph_error_t e = igraph_vector_int_init(&res, 0);
    if (!e)
        e = igraph_subcomponent(&g->ig, &res, (igraph_integer_t)v, cited ? IGRAPH_OUT : IGRAPH_IN);
    if (e) {
        igraph_vector_int_destroy(&res);
        return ig_fail(err, "following citations", e);
    }
    size_t k = (size_t)igraph_vector_int_size(&res);
    size_t *nodes = malloc((k ? k : 1) * sizeof *nodes);
    if (!nodes) {
        igraph_vector_int_destroy(&res);
        return rg_fail(err, RG_ENOMEM, "out of memory");
    }
    size_t c = 0;
    for (size_t i = 0; i < k; i++)
        if ((size_t)VECTOR(res)[i] != v)
            nodes[c++] = (size_t)VECTOR(res)[i];
    igraph_vector_int_destroy(&res);
    if (c > 1)
        qsort(nodes, c, sizeof *nodes, cmp_size); /* in id order */
    *out = nodes;
    *n = c;
    return RG_OK;
}

/* --- parts of a graph ---------------------------------------------------------------- */

/* The nodes with keep_node set and the edges between them with keep_edge set
 * (all when NULL).  The new graph reads the strings of g. */
static rg_status subgraph(const rg_graph *g, const unsigned char *keep_node,
                          const unsigned char *keep_edge, rg_graph **out, rg_error *err)
{
    *out = NULL;
    rg_graph *h = calloc(1, sizeof *h);
    uint32_t *map = malloc((g->n ? g->n : 1) * sizeof *map);
    rg_status st = RG_OK;
    if (!h || !map) {
        free(h);
        free(map);
        return rg_fail(err, RG_ENOMEM, "out of memory");
    }
    for (size_t v = 0; v < g->n; v++)
        map[v] = keep_node[v] ? (uint32_t)h->n++ : UINT32_MAX;
    for (size_t e = 0; e < g->m; e++)
        if (map[g->efrom[e]] != UINT32_MAX && map[g->eto[e]] != UINT32_MAX &&
            (!keep_edge || keep_edge[e]))
            h->m++;
    h->nodes = malloc((h->n ? h->n : 1) * sizeof *h->nodes);
    h->efrom = malloc((h->m ? h->m : 1) * sizeof *h->efrom);
    h->eto = malloc((h->m ? h->m : 1) * sizeof *h->eto);
    h->eweight = malloc((h->m ? h->m : 1) * sizeof *h->eweight);
    h->ekind = malloc(h->m ? h->m : 1);
    if (g->eplace_start) {
        h->eplace_start = malloc((h->m + 1) * sizeof *h->eplace_start);
        h->eplace = malloc((g->eplace_start[g->m] ? g->eplace_start[g->m] : 1) *
                           sizeof *h->eplace);
    }
    if (!h->nodes || !h->efrom || !h->eto || !h->eweight || !h->ekind ||
        (g->eplace_start && (!h->eplace_start || !h->eplace))) {
        st = rg_fail(err, RG_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t v = 0; v < g->n; v++)
        if (map[v] != UINT32_MAX)
            h->nodes[map[v]] = g->nodes[v];
    h->places = g->places; /* borrowed */
    size_t k = 0, np = 0;
    for (size_t e = 0; e < g->m; e++) {
        if (map[g->efrom[e]] == UINT32_MAX || map[g->eto[e]] == UINT32_MAX ||
            (keep_edge && !keep_edge[e]))
            continue;
        h->efrom[k] = map[g->efrom[e]];
        h->eto[k] = map[g->eto[e]];
        h->ekind[k] = g->ekind[e];
        h->eweight[k] = g->eweight[e];
        if (h->eplace_start) {
            h->eplace_start[k] = (uint32_t)np;
            for (uint32_t i = g->eplace_start[e]; i < g->eplace_start[e + 1]; i++)
                h->eplace[np++] = g->eplace[i];
        }
        k++;
    }
    if (h->eplace_start)
        h->eplace_start[h->m] = (uint32_t)np;
    st = attach_igraph(h, "building a part of the graph", err);
done:
    free(map);
    if (st != RG_OK) {
        h->places = NULL;
        rg_graph_free(h);
        return st;
    }
    h->borrowed = true;
    *out = h;
    return RG_OK;
}

rg_status rg_graph_focus(const rg_graph *g, size_t v, size_t depth, rg_graph **out, rg_error *err)
{
    *out = NULL;
    igraph_vector_int_list_t lists;
    igraph_error_t e = igraph_vector_int_list_init(&lists, 0);
    if (!e) {
        e = igraph_neighborhood(&g->ig, &lists, igraph_vss_1((igraph_integer_t)v),
                                (igraph_integer_t)depth, IGRAPH_ALL, 0);
        if (e)
            igraph_vector_int_list_destroy(&lists);
    }
    if (e)
        return ig_fail(err, "finding the neighbourhood", e);
    unsigned char *keep = calloc(g->n ? g->n : 1, 1);
    if (!keep) {
        igraph_vector_int_list_destroy(&lists);
        return rg_fail(err, RG_ENOMEM, "out of memory");
    }
    igraph_vector_int_t *around = igraph_vector_int_list_get_ptr(&lists, 0);
    for (igraph_integer_t i = 0; i < igraph_vector_int_size(around); i++)
        keep[VECTOR(*around)[i]] = 1;
    igraph_vector_int_list_destroy(&lists);
    rg_status st = subgraph(g, keep, NULL, out, err);
    free(keep);
    return st;
}

rg_status rg_graph_reduce(const rg_graph *g, rg_graph **out, rg_error *err)
{
    *out = NULL;
    unsigned char *keep_edge = NULL;
    rg_status st = rg_reduction(g, &keep_edge, err);
    if (st != RG_OK)
        return st;
    unsigned char *all = malloc(g->n ? g->n : 1);
    if (!all) {
        free(keep_edge);
        return rg_fail(err, RG_ENOMEM, "out of memory");
    }
    memset(all, 1, g->n ? g->n : 1);
    st = subgraph(g, all, keep_edge, out, err);
    free(all);
    free(keep_edge);
    return st;
}
