/*
 * graph.c - the citation graph, built with igraph.
 *
 * One node per canonical id; one edge per (citing, cited, kind), with the
 * mentions it stands for counted in its weight.  Two kinds of edges:
 * `cites`, read from the text, and `succeeds`, inferred from a recital that
 * lists the citing body's own resolutions in chronological order (each item
 * succeeds the one listed before it).  Nodes are numbered in the order of
 * their ids and edges sorted, so the same documents give the same graph
 * whatever the order they were read in.
 *
 * igraph checks that the graph is acyclic and orders it topologically; a
 * cycle (a text citing a later one, an erratum) is reported and its edges are
 * left out of the analysis.  The algorithms over the ordered graph live in
 * lineage.c, which receives plain arrays.  This is the only file that
 * includes igraph.h.
 */
#include "internal.h"

#include <igraph.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct rg_graph {
    rg_arena arena;
    rg_node_info *nodes;
    size_t n;
    rg_edge_info *edges;
    size_t m;
    igraph_t ig;
    bool ig_ok;
    bool attrs_set;
    rg_csr csr;
    char **warnings;
    size_t nwarnings;
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
    igraph_set_attribute_table(&igraph_cattribute_table);
}

static rg_status ig_fail(rg_error *err, const char *what, igraph_error_t e)
{
    if (e == IGRAPH_ENOMEM)
        return rg_fail(err, RG_ENOMEM, "out of memory while %s", what);
    return rg_fail(err, RG_ELIB, "igraph failed while %s: %s", what,
                   ig_msg[0] ? ig_msg : igraph_strerror(e));
}

/* --- building ------------------------------------------------------------------ */

typedef struct raw_edge {
    size_t from, to;
    rg_edge_kind kind;
    const char *surface, *file;
    size_t line, offset;
} raw_edge;

static int cmp_raw_edge(const void *pa, const void *pb)
{
    const raw_edge *a = pa, *b = pb;
    if (a->from != b->from)
        return a->from < b->from ? -1 : 1;
    if (a->to != b->to)
        return a->to < b->to ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    int c = strcmp(a->file, b->file);
    if (c)
        return c;
    return a->offset < b->offset ? -1 : a->offset > b->offset;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* (node, date) pairs, to pick each node's most frequent date */
typedef struct node_date {
    size_t v;
    const char *date;
} node_date;

static int cmp_node_date(const void *pa, const void *pb)
{
    const node_date *a = pa, *b = pb;
    if (a->v != b->v)
        return a->v < b->v ? -1 : 1;
    return strcmp(a->date, b->date);
}

/* Order of two cited items for the succession inference: by their dates when
 * both are given, else by session (or year) and number.  Returns -1, 0, 1, or
 * 2 when they cannot be compared. */
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
    long a = strtol(p, (char **)&p, 10);
    if (*p == '/') {
        *k1 = a;
        *k2 = strtol(p + 1, NULL, 10);
    } else if (*p == '(') {
        long y = rg_id_year(id);
        *k1 = strncmp(id, "S/", 2) == 0 ? y : rg_id_session(id);
        *k2 = a;
    }
}

static int chrono_cmp(const rg_mention *x, const rg_mention *y)
{
    if (x->date && y->date)
        return strcmp(x->date, y->date) < 0 ? -1 : strcmp(x->date, y->date) > 0;
    long a1, a2, b1, b2;
    order_key(x->id, &a1, &a2);
    order_key(y->id, &b1, &b2);
    if (a1 < 0 || b1 < 0)
        return 2;
    if (a1 != b1)
        return a1 < b1 ? -1 : 1;
    if (a2 != b2)
        return a2 < b2 ? -1 : 1;
    return 0;
}

static bool push_edge(raw_edge **e, size_t *n, size_t *cap, raw_edge x)
{
    if (!rg_grow(e, cap, *n + 1, sizeof **e))
        return false;
    (*e)[(*n)++] = x;
    return true;
}

/* Adds the `succeeds` edges of one enumeration m[0..k) of doc. */
static bool infer_succession(const rg_doc *doc, const rg_mention *const *m, size_t k,
                             const rg_strmap *index, raw_edge **e, size_t *n, size_t *cap)
{
    for (size_t i = 0; i + 1 < k; i++) {
        int c = chrono_cmp(m[i], m[i + 1]);
        if (c == 1)
            return true; /* not in chronological order: nothing to infer */
    }
    for (size_t i = 0; i + 1 < k; i++) {
        if (chrono_cmp(m[i], m[i + 1]) != -1)
            continue;
        raw_edge x = {
            .from = (size_t)rg_strmap_get(index, m[i + 1]->id),
            .to = (size_t)rg_strmap_get(index, m[i]->id),
            .kind = RG_SUCCEEDS,
            .surface = m[i + 1]->surface,
            .file = rg_doc_file(doc),
            .line = m[i + 1]->line,
            .offset = m[i + 1]->offset,
        };
        if (x.from != x.to && !push_edge(e, n, cap, x))
            return false;
    }
    return true;
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
    bool *keep = malloc((g->m ? g->m : 1) * sizeof *keep);
    if (!keep)
        return rg_fail(err, RG_ENOMEM, "out of memory");
    for (size_t i = 0; i < g->m; i++)
        keep[i] = true;
    igraph_t acyclic;
    const igraph_t *order_of = &g->ig;
    if (!dag) {
        igraph_vector_int_t memb, csize;
        igraph_integer_t ncomp;
        if ((e = igraph_vector_int_init(&memb, 0)) ||
            (e = igraph_vector_int_init(&csize, 0))) {
            free(keep);
            return ig_fail(err, "finding cycles", e);
        }
        e = igraph_connected_components(&g->ig, &memb, &csize, &ncomp, IGRAPH_STRONG);
        if (e) {
            igraph_vector_int_destroy(&memb);
            igraph_vector_int_destroy(&csize);
            free(keep);
            return ig_fail(err, "finding cycles", e);
        }
        igraph_vector_int_t drop;
        igraph_vector_int_init(&drop, 0);
        for (size_t i = 0; i < g->m; i++)
            if (VECTOR(memb)[g->edges[i].from] == VECTOR(memb)[g->edges[i].to]) {
                keep[i] = false;
                igraph_vector_int_push_back(&drop, (igraph_integer_t)i);
            }
        /* one message per cycle, its nodes in id order */
        for (igraph_integer_t c = 0; c < ncomp; c++) {
            if (VECTOR(csize)[c] < 2)
                continue;
            rg_buf b = {0};
            rg_buf_printf(&b, "cycle among %" IGRAPH_PRId " documents:", VECTOR(csize)[c]);
            size_t shown = 0;
            for (size_t v = 0; v < g->n; v++)
                if (VECTOR(memb)[v] == c) {
                    if (shown++ < 10)
                        rg_buf_printf(&b, " %s", g->nodes[v].id);
                }
            if (shown > 10)
                rg_buf_printf(&b, " and %zu more", shown - 10);
            rg_buf_puts(&b, "; the citations among them are left out of the lineage");
            if (b.data)
                add_warning(g, b.data);
            rg_buf_free(&b);
        }
        igraph_vector_int_destroy(&memb);
        igraph_vector_int_destroy(&csize);
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
        if (e) {
            free(keep);
            return ig_fail(err, "leaving out cycles", e);
        }
        order_of = &acyclic;
    }
    igraph_vector_int_t topo;
    e = igraph_vector_int_init(&topo, 0);
    if (!e)
        e = igraph_topological_sorting(order_of, &topo, IGRAPH_OUT);
    if (!dag)
        igraph_destroy(&acyclic);
    if (e) {
        igraph_vector_int_destroy(&topo);
        free(keep);
        return ig_fail(err, "ordering the graph", e);
    }
    rg_csr *c = &g->csr;
    c->n = g->n;
    c->out_start = calloc(g->n + 1, sizeof *c->out_start);
    c->out_head = malloc((g->m ? g->m : 1) * sizeof *c->out_head);
    c->out_kind = malloc((g->m ? g->m : 1) * sizeof *c->out_kind);
    c->topo = malloc((g->n ? g->n : 1) * sizeof *c->topo);
    if (!c->out_start || !c->out_head || !c->out_kind || !c->topo) {
        igraph_vector_int_destroy(&topo);
        free(keep);
        return rg_fail(err, RG_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < g->m; i++) /* edges are sorted by tail */
        if (keep[i]) {
            c->out_head[c->m] = g->edges[i].to;
            c->out_kind[c->m] = g->edges[i].kind;
            c->m++;
            c->out_start[g->edges[i].from + 1]++;
        }
    for (size_t v = 0; v < g->n; v++)
        c->out_start[v + 1] += c->out_start[v];
    for (size_t i = 0; i < g->n; i++)
        c->topo[i] = (size_t)VECTOR(topo)[i];
    igraph_vector_int_destroy(&topo);
    free(keep);
    return RG_OK;
}

rg_status rg_graph_build(rg_doc *const *docs, size_t ndocs, rg_graph **out, rg_error *err)
{
    *out = NULL;
    pthread_once(&ig_once, ig_init);
    rg_graph *g = calloc(1, sizeof *g);
    if (!g)
        return rg_fail(err, RG_ENOMEM, "out of memory");
    rg_strmap index = {0};
    const char **ids = NULL;
    size_t nids = 0, idcap = 0;
    raw_edge *re = NULL;
    size_t nre = 0, recap = 0;
    node_date *nd = NULL;
    size_t nnd = 0, ndcap = 0;
    const rg_mention **list = NULL;
    size_t listcap = 0;
    rg_status st = RG_OK;
#define NOMEM()                                                                                    \
    do {                                                                                           \
        st = rg_fail(err, RG_ENOMEM, "out of memory while building the graph");                   \
        goto done;                                                                                 \
    } while (0)

    /* nodes: every document and everything cited, numbered in id order */
    for (size_t d = 0; d < ndocs; d++) {
        size_t nm = rg_doc_mention_count(docs[d]);
        for (size_t i = 0; i <= nm; i++) {
            const char *id = i == nm ? rg_doc_id(docs[d]) : rg_doc_mention(docs[d], i)->id;
            size_t found;
            if (!rg_strmap_put(&index, id, nids, &found))
                NOMEM();
            if (found == nids) {
                if (!rg_grow(&ids, &idcap, nids + 1, sizeof *ids))
                    NOMEM();
                ids[nids++] = id;
            }
        }
    }
    qsort(ids, nids, sizeof *ids, cmp_str);
    rg_strmap_free(&index);
    for (size_t v = 0; v < nids; v++) {
        size_t found;
        if (!rg_strmap_put(&index, ids[v], v, &found))
            NOMEM();
    }
    g->n = nids;
    g->nodes = calloc(nids ? nids : 1, sizeof *g->nodes);
    if (!g->nodes)
        NOMEM();

    /* edges: citations, then the successions they imply */
    for (size_t d = 0; d < ndocs; d++) {
        const rg_doc *doc = docs[d];
        size_t from = (size_t)rg_strmap_get(&index, rg_doc_id(doc));
        g->nodes[from].source = true;
        size_t nm = rg_doc_mention_count(doc);
        size_t k = 0;
        for (size_t i = 0; i < nm; i++) {
            const rg_mention *m = rg_doc_mention(doc, i);
            size_t to = (size_t)rg_strmap_get(&index, m->id);
            if (m->date) {
                if (!rg_grow(&nd, &ndcap, nnd + 1, sizeof *nd))
                    NOMEM();
                nd[nnd++] = (node_date){to, m->date};
            }
            if (to != from) {
                raw_edge x = {from, to, RG_CITES, m->surface, rg_doc_file(doc), m->line, m->offset};
                if (!push_edge(&re, &nre, &recap, x))
                    NOMEM();
            }
            /* the enumeration's own-body resolutions, in text order */
            if (m->list && m->type == RG_RESOLUTION && !strcmp(m->body, rg_doc_body(doc))) {
                if (k > 0 && list[k - 1]->list != m->list) {
                    if (!infer_succession(doc, list, k, &index, &re, &nre, &recap))
                        NOMEM();
                    k = 0;
                }
                if (!rg_grow(&list, &listcap, k + 1, sizeof *list))
                    NOMEM();
                list[k++] = m;
            }
        }
        if (k > 1 && !infer_succession(doc, list, k, &index, &re, &nre, &recap))
            NOMEM();
    }
    qsort(re, nre, sizeof *re, cmp_raw_edge);
    g->edges = malloc((nre ? nre : 1) * sizeof *g->edges);
    if (!g->edges)
        NOMEM();
    for (size_t i = 0; i < nre;) {
        size_t j = i;
        while (j < nre && re[j].from == re[i].from && re[j].to == re[i].to &&
               re[j].kind == re[i].kind)
            j++;
        g->edges[g->m++] = (rg_edge_info){
            .from = re[i].from, .to = re[i].to, .kind = re[i].kind, .weight = j - i,
            .surface = rg_arena_strdup(&g->arena, re[i].surface),
            .file = rg_arena_strdup(&g->arena, re[i].file), .line = re[i].line};
        if (!g->edges[g->m - 1].surface || !g->edges[g->m - 1].file)
            NOMEM();
        i = j;
    }

    /* node attributes */
    qsort(nd, nnd, sizeof *nd, cmp_node_date);
    for (size_t i = 0; i < nnd;) {
        size_t j = i, best = i, bestn = 0;
        while (j < nnd && nd[j].v == nd[i].v) {
            size_t k = j;
            while (k < nnd && nd[k].v == nd[j].v && !strcmp(nd[k].date, nd[j].date))
                k++;
            if (k - j > bestn) {
                bestn = k - j;
                best = j;
            }
            j = k;
        }
        g->nodes[nd[i].v].date = rg_arena_strdup(&g->arena, nd[best].date);
        i = j;
    }
    for (size_t d = 0; d < ndocs; d++) {
        size_t v = (size_t)rg_strmap_get(&index, rg_doc_id(docs[d]));
        rg_node_info *nv = &g->nodes[v];
        if (rg_doc_date(docs[d]))
            nv->date = rg_arena_strdup(&g->arena, rg_doc_date(docs[d]));
        nv->body = rg_doc_body(docs[d]);
        if (rg_doc_session(docs[d]))
            nv->session = rg_doc_session(docs[d]);
    }
    for (size_t v = 0; v < nids; v++) {
        rg_node_info *nv = &g->nodes[v];
        char buf[512];
        nv->id = rg_arena_strdup(&g->arena, ids[v]);
        rg_id_label(ids[v], buf, sizeof buf);
        nv->label = rg_arena_strdup(&g->arena, buf);
        rg_type t = rg_id_type(ids[v]);
        nv->type = t == RG_RESOLUTION ? "resolution" : t == RG_DECISION ? "decision" : "document";
        if (!nv->body) {
            rg_body b = rg_id_body(ids[v]);
            nv->body = b == RG_BODY_NONE ? (!strncmp(ids[v], "ST/", 3) ? "Secretariat" : "other")
                                         : rg_body_name(b);
        }
        if (!nv->session)
            nv->session = rg_id_session(ids[v]);
        if (nv->date)
            nv->year = atoi(nv->date);
        else if (rg_id_year(ids[v]))
            nv->year = rg_id_year(ids[v]);
        else if (nv->session && strchr(ids[v], '/'))
            nv->year = 1945 + nv->session;
        if (strchr(ids[v], '/')) {
            rg_id_url(ids[v], buf, sizeof buf);
            nv->url = rg_arena_strdup(&g->arena, buf);
        } else {
            nv->url = "";
        }
        if (!nv->id || !nv->label || !nv->url)
            NOMEM();
    }

    /* igraph: the structure; attributes are set when a writer needs them */
    igraph_vector_int_t el;
    igraph_error_t e = igraph_vector_int_init(&el, (igraph_integer_t)(2 * g->m));
    if (e) {
        st = ig_fail(err, "building the graph", e);
        goto done;
    }
    for (size_t i = 0; i < g->m; i++) {
        VECTOR(el)[2 * i] = (igraph_integer_t)g->edges[i].from;
        VECTOR(el)[2 * i + 1] = (igraph_integer_t)g->edges[i].to;
    }
    e = igraph_create(&g->ig, &el, (igraph_integer_t)g->n, IGRAPH_DIRECTED);
    igraph_vector_int_destroy(&el);
    if (e) {
        st = ig_fail(err, "building the graph", e);
        goto done;
    }
    g->ig_ok = true;
    st = order_graph(g, err);

done:
#undef NOMEM
    rg_strmap_free(&index);
    free(ids);
    free(re);
    free(nd);
    free(list);
    if (st != RG_OK) {
        rg_graph_free(g);
        return st;
    }
    *out = g;
    return RG_OK;
}

void rg_graph_free(rg_graph *g)
{
    if (!g)
        return;
    if (g->ig_ok)
        igraph_destroy(&g->ig);
    free(g->nodes);
    free(g->edges);
    free(g->csr.out_start);
    free(g->csr.out_head);
    free(g->csr.out_kind);
    free(g->csr.topo);
    free(g->warnings);
    rg_arena_free(&g->arena);
    free(g);
}

size_t rg_graph_node_count(const rg_graph *g) { return g->n; }
size_t rg_graph_edge_count(const rg_graph *g) { return g->m; }
const rg_node_info *rg_graph_node(const rg_graph *g, size_t v) { return &g->nodes[v]; }
rg_edge_info rg_graph_edge(const rg_graph *g, size_t e) { return g->edges[e]; }
const rg_csr *rg_graph_csr(const rg_graph *g) { return &g->csr; }
const char *rg_graph_node_id(const rg_graph *g, size_t v) { return g->nodes[v].id; }
const char *rg_graph_node_label(const rg_graph *g, size_t v) { return g->nodes[v].label; }
const char *rg_graph_node_date(const rg_graph *g, size_t v) { return g->nodes[v].date; }
int rg_graph_node_year(const rg_graph *g, size_t v) { return g->nodes[v].year; }
int rg_graph_node_is_source(const rg_graph *g, size_t v) { return g->nodes[v].source; }
size_t rg_graph_warning_count(const rg_graph *g) { return g->nwarnings; }
const char *rg_graph_warning(const rg_graph *g, size_t i) { return g->warnings[i]; }

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

/* --- igraph's writers ---------------------------------------------------------------- */

static igraph_error_t set_attributes(rg_graph *g)
{
    igraph_error_t e;
    for (size_t v = 0; v < g->n; v++) {
        const rg_node_info *nv = &g->nodes[v];
        igraph_integer_t i = (igraph_integer_t)v;
        if ((e = SETVAS(&g->ig, "id", i, nv->id)) || (e = SETVAS(&g->ig, "label", i, nv->label)) ||
            (e = SETVAS(&g->ig, "type", i, nv->type)) || (e = SETVAS(&g->ig, "body", i, nv->body)) ||
            (e = SETVAN(&g->ig, "session", i, nv->session)) ||
            (e = SETVAS(&g->ig, "date", i, nv->date ? nv->date : "")) ||
            (e = SETVAN(&g->ig, "year", i, nv->year)) || (e = SETVAS(&g->ig, "url", i, nv->url)))
            return e;
    }
    for (size_t k = 0; k < g->m; k++) {
        const rg_edge_info *ed = &g->edges[k];
        igraph_integer_t i = (igraph_integer_t)k;
        if ((e = SETEAS(&g->ig, "kind", i, ed->kind == RG_CITES ? "cites" : "succeeds")) ||
            (e = SETEAS(&g->ig, "surface", i, ed->surface)) ||
            (e = SETEAN(&g->ig, "line", i, (double)ed->line)) ||
            (e = SETEAN(&g->ig, "weight", i, (double)ed->weight)))
            return e;
    }
    return IGRAPH_SUCCESS;
}

rg_status rg_graph_write_igraph(const rg_graph *cg, const char *format, FILE *out, rg_error *err)
{
    rg_graph *g = (rg_graph *)cg; /* attributes are a cache of what the graph holds */
    igraph_error_t e;
    if (!g->attrs_set) {
        if ((e = set_attributes(g)))
            return ig_fail(err, "setting attributes", e);
        g->attrs_set = true;
    }
    if (strcmp(format, "graphml") == 0)
        e = igraph_write_graph_graphml(&g->ig, out, true);
    else
        return rg_fail(err, RG_EUSAGE, "igraph cannot write '%s'", format);
    if (e)
        return ig_fail(err, "writing GraphML", e);
    return RG_OK;
}
