/*
 * lineage.c - what a researcher asks of a citation DAG.
 *
 * Works on the plain arrays graph.c derives from igraph (rg_csr): a
 * topological order (citing before cited) and the out-edges of each node,
 * sorted by head.  Every algorithm is a pass over that order:
 *
 *   - the lineage chain: the longest path from a node back to the root, and
 *     the number of distinct paths, counted exactly with GMP (never
 *     enumerated: a series where every text recalls all earlier ones has
 *     2^(n-2) of them); counts are freed as soon as no node still needs them,
 *     so memory stays small on long series;
 *   - main path analysis as Pajek defines it: SPC weights, the number of
 *     source-to-sink paths through each edge, in a floating representation
 *     with a 64-bit exponent (exact below 2^53, approximate beyond and said
 *     so), and the local and global main paths;
 *   - the transitive reduction, splits and merges of a lineage, generations.
 *
 * Parallel edges of two kinds between the same nodes are one step of a path.
 * At a tie, the head first in id order wins, and a citation beats an
 * inferred succession.  This is the only file that includes gmp.h.
 */
#include "internal.h"

#include <gmp.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CSR_EDGE(c, i) ((c)->out_edge ? (size_t)(c)->out_edge[i] : (size_t)(i))

/* m * 2^e with m in [0.5, 1), or zero: path counts of any size. */
typedef struct bf {
    double m;
    long e;
} bf;

static bf bf_make(double m, long e)
{
    if (m == 0)
        return (bf){0, 0};
    int k;
    m = frexp(m, &k);
    return (bf){m, e + k};
}

/* The sum of two normalised numbers lies in [0.5, 2) and their product in
 * [0.25, 1): one step renormalises either, exactly (a power of two). */
static bf bf_add(bf a, bf b)
{
    if (a.m == 0)
        return b;
    if (b.m == 0)
        return a;
    if (a.e < b.e) {
        bf t = a;
        a = b;
        b = t;
    }
    long d = a.e - b.e;
    if (d > 200)
        return a;
    double m = a.m + (d ? ldexp(b.m, -(int)d) : b.m);
    if (m >= 1)
        return (bf){m * 0.5, a.e + 1};
    return (bf){m, a.e};
}

static bf bf_mul(bf a, bf b)
{
    if (a.m == 0 || b.m == 0)
        return (bf){0, 0};
    double m = a.m * b.m;
    if (m < 0.5)
        return (bf){m * 2, a.e + b.e - 1};
    return (bf){m, a.e + b.e};
}

static int bf_cmp(bf a, bf b)
{
    if (a.m == 0 || b.m == 0)
        return (a.m > 0) - (b.m > 0);
    if (a.e != b.e)
        return a.e < b.e ? -1 : 1;
    return (a.m > b.m) - (a.m < b.m);
}

/* Exact digits below 2^53, else "~d.dde+N". */
static char *bf_str(bf x)
{
    char buf[64];
    if (x.m == 0)
        snprintf(buf, sizeof buf, "0");
    else if (x.e <= 53)
        snprintf(buf, sizeof buf, "%.0f", ldexp(x.m, (int)x.e));
    else {
        double l = log10(x.m) + (double)x.e * log10(2.0);
        double ip = floor(l);
        snprintf(buf, sizeof buf, "~%.3fe+%.0f", pow(10.0, l - ip), ip);
    }
    return strdup(buf);
}

/* --- chains ---------------------------------------------------------------------- */

static void free_gmp_string(char *s)
{
    void (*freefunc)(void *, size_t);
    mp_get_memory_functions(NULL, NULL, &freefunc);
    freefunc(s, strlen(s) + 1);
}

void rg_chain_free(rg_chain *c)
{
    if (!c)
        return;
    free(c->nodes);
    free(c->kinds);
    free(c->count);
    free(c);
}

/* dist[v]: edges of the longest path from v to root, -1 when out of reach. */
static long *distances(const rg_csr *c, size_t root)
{
    long *dist = malloc((c->n ? c->n : 1) * sizeof *dist);
    if (!dist)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        dist[i] = -1;
    dist[root] = 0;
    for (size_t k = c->n; k-- > 0;) {
        size_t v = c->topo[k];
        if (v == root)
            continue;
        for (size_t e = c->out_start[v]; e < c->out_start[v + 1]; e++) {
            long d = dist[c->out_head[e]];
            if (d >= 0 && d + 1 > dist[v])
                dist[v] = d + 1;
        }
    }
    return dist;
}

static rg_chain *walk_chain(const rg_csr *c, const long *dist, size_t from, size_t root)
{
    rg_chain *ch = calloc(1, sizeof *ch);
    size_t len = (size_t)dist[from] + 1;
    if (!ch)
        return NULL;
    ch->nodes = malloc(len * sizeof *ch->nodes);
    ch->kinds = malloc(len * sizeof *ch->kinds);
    if (!ch->nodes || !ch->kinds) {
        rg_chain_free(ch);
        return NULL;
    }
    size_t v = from;
    ch->nodes[0] = v;
    ch->len = 1;
    while (v != root) {
        size_t next = v;
        rg_edge_kind kind = RG_CITES;
        for (size_t e = c->out_start[v]; e < c->out_start[v + 1]; e++)
            if (dist[c->out_head[e]] == dist[v] - 1) {
                next = c->out_head[e];
                kind = (rg_edge_kind)c->out_kind[e];
                break;
            }
        ch->kinds[ch->len - 1] = kind;
        ch->nodes[ch->len++] = next;
        v = next;
    }
    ch->kinds[ch->len - 1] = RG_CITES;
    return ch;
}

#define EXACT_BITS 1024 /* counts beyond 2^1024 are approximate unless asked */

rg_status rg_lineage_many(const rg_graph *g, size_t root, const size_t *from, size_t nfrom,
                          int exact, rg_chain **out, rg_error *err)
{
    const rg_csr *c = rg_graph_csr(g);
    size_t n = c->n;
    for (size_t i = 0; i < nfrom; i++)
        out[i] = NULL;
    long *dist = distances(c, root);
    /* wanted: reached from one of the from-nodes and reaching the root */
    unsigned char *want = calloc(n ? n : 1, 1);
    size_t *stack = malloc((n ? n : 1) * sizeof *stack);
    uint32_t *needed = calloc(n ? n : 1, sizeof *needed); /* wanted nodes citing v, still to run */
    unsigned char *keep = calloc(n ? n : 1, 1);
    mpz_t *count = malloc((n ? n : 1) * sizeof *count);
    unsigned char *live = calloc(n ? n : 1, 1);
    bf *approx = NULL;
    rg_status st = RG_OK;
    if (!dist || !want || !stack || !needed || !keep || !count || !live) {
        st = rg_fail(err, RG_ENOMEM, "out of memory");
        goto done;
    }
    size_t top = 0;
    for (size_t i = 0; i < nfrom; i++) {
        keep[from[i]] = 1;
        if (dist[from[i]] >= 0 && !want[from[i]]) {
            want[from[i]] = 1;
            stack[top++] = from[i];
        }
    }
    while (top) {
        size_t v = stack[--top];
        for (size_t e = c->out_start[v]; e < c->out_start[v + 1]; e++) {
            size_t w = c->out_head[e];
            if (dist[w] >= 0 && !want[w]) {
                want[w] = 1;
                stack[top++] = w;
            }
        }
    }
    for (size_t v = 0; v < n; v++) {
        if (!want[v])
            continue;
        size_t prev = SIZE_MAX;
        for (size_t e = c->out_start[v]; e < c->out_start[v + 1]; e++) {
            size_t w = c->out_head[e];
            if (want[w] && w != prev)
                needed[w]++;
            prev = w;
        }
    }
    /* The counts in floating form first (cheap), then exactly with GMP for the
     * nodes whose count is below 2^EXACT_BITS, or for all when asked: the exact
     * counts of a long series are 100,000-bit numbers, and summing those is
     * most of the work.  A node's count bounds those of what it cites. */
    approx = malloc((n ? n : 1) * sizeof *approx);
    if (!approx) {
        st = rg_fail(err, RG_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t k = n; k-- > 0;) {
        size_t v = c->topo[k];
        if (!want[v])
            continue;
        approx[v] = v == root ? bf_make(1, 0) : (bf){0, 0};
        size_t prev = SIZE_MAX;
        for (size_t e = c->out_start[v]; v != root && e < c->out_start[v + 1]; e++) {
            size_t w = c->out_head[e];
            if (want[w] && w != prev)
                approx[v] = bf_add(approx[v], approx[w]);
            prev = w;
        }
    }
    for (size_t k = n; k-- > 0;) {
        size_t v = c->topo[k];
        if (!want[v] || (!exact && approx[v].e > EXACT_BITS))
            continue;
        mpz_init(count[v]);
        live[v] = 1;
        if (v == root) {
            mpz_set_ui(count[v], 1);
            continue;
        }
        size_t prev = SIZE_MAX;
        for (size_t e = c->out_start[v]; e < c->out_start[v + 1]; e++) {
            size_t w = c->out_head[e];
            if (!want[w] || w == prev)
                continue;
            prev = w;
            mpz_add(count[v], count[v], count[w]);
            if (--needed[w] == 0 && !keep[w]) {
                mpz_clear(count[w]);
                live[w] = 0;
            }
        }
    }
    for (size_t i = 0; i < nfrom; i++) {
        size_t f = from[i];
        if (dist[f] < 0 || out[i])
            continue;
        out[i] = walk_chain(c, dist, f, root);
        if (out[i] && live[f]) {
            char *digits = mpz_get_str(NULL, 10, count[f]);
            out[i]->count = digits ? strdup(digits) : NULL;
            if (digits)
                free_gmp_string(digits);
        } else if (out[i]) {
            out[i]->count = bf_str(approx[f]);
            out[i]->approximate = 1;
        }
        if (!out[i] || !out[i]->count) {
            st = rg_fail(err, RG_ENOMEM, "out of memory");
            break;
        }
    }
done:
    if (live)
        for (size_t v = 0; v < n; v++)
            if (live[v])
                mpz_clear(count[v]);
    free(live);
    free(approx);
    free(count);
    free(keep);
    free(needed);
    free(stack);
    free(want);
    free(dist);
    if (st != RG_OK)
        for (size_t i = 0; i < nfrom; i++) {
            rg_chain_free(out[i]);
            out[i] = NULL;
        }
    return st;
}

rg_status rg_lineage(const rg_graph *g, size_t from, size_t root, rg_chain **out, rg_error *err)
{
    rg_status st = rg_lineage_many(g, root, &from, 1, 0, out, err);
    if (st == RG_OK && !*out)
        st = rg_fail(err, RG_ENOTFOUND,
                     "%s does not lead back to %s: no chain of citations connects them",
                     rg_graph_node_id(g, from), rg_graph_node_id(g, root));
    return st;
}

rg_status rg_chains_each(const rg_graph *g, size_t from, size_t root,
                         int (*fn)(void *ctx, const size_t *nodes, size_t len), void *ctx,
                         rg_error *err)
{
    const rg_csr *c = rg_graph_csr(g);
    long *dist = distances(c, root);
    size_t *path = malloc((c->n + 1) * sizeof *path);
    size_t *edge = malloc((c->n + 1) * sizeof *edge); /* next edge to try at each depth */
    if (!dist || !path || !edge) {
        free(dist);
        free(path);
        free(edge);
        return rg_fail(err, RG_ENOMEM, "out of memory");
    }
    rg_status st = RG_OK;
    if (dist[from] < 0) {
        st = rg_fail(err, RG_ENOTFOUND, "%s does not lead back to %s", rg_graph_node_id(g, from),
                     rg_graph_node_id(g, root));
    } else {
        size_t depth = 0;
        path[0] = from;
        edge[0] = c->out_start[from];
        while (true) {
            size_t v = path[depth];
            if (v == root) {
                if (fn(ctx, path, depth + 1))
                    break;
                if (depth == 0)
                    break;
                depth--;
                continue;
            }
            size_t e = edge[depth];
            /* the next head that reaches the root, once per head */
            while (e < c->out_start[v + 1] &&
                   (dist[c->out_head[e]] < 0 ||
                    (e > c->out_start[v] && c->out_head[e] == c->out_head[e - 1])))
                e++;
            if (e >= c->out_start[v + 1]) {
                if (depth == 0)
                    break;
                depth--;
                continue;
            }
            edge[depth] = e + 1;
            size_t w = c->out_head[e];
            path[++depth] = w;
            edge[depth] = c->out_start[w];
        }
    }
    free(dist);
    free(path);
    free(edge);
    return st;
}

/* --- main path analysis ------------------------------------------------------------ */

void rg_path_free(rg_path *p)
{
    if (!p)
        return;
    if (p->spc)
        for (size_t i = 0; i < p->len; i++)
            free(p->spc[i]);
    free(p->spc);
    free(p->total);
    free(p->nodes);
    free(p);
}

rg_status rg_main_path(const rg_graph *g, rg_main_kind kind, rg_path **out, rg_error *err)
{
    *out = NULL;
    const rg_csr *c = rg_graph_csr(g);
    size_t n = c->n;
    bf *down = malloc((n ? n : 1) * sizeof *down); /* paths from the sources to v */
    bf *up = malloc((n ? n : 1) * sizeof *up);     /* paths from v to the sinks */
    bf *best = malloc((n ? n : 1) * sizeof *best); /* global: heaviest continuation */
    size_t *next = malloc((n ? n : 1) * sizeof *next);
    size_t *height = calloc(n ? n : 1, sizeof *height); /* longest path on to a sink */
    unsigned char *cited = calloc(n ? n : 1, 1);
    rg_path *p = calloc(1, sizeof *p);
    rg_status st = RG_OK;
    if (!down || !up || !best || !next || !height || !cited || !p) {
        st = rg_fail(err, RG_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t v = 0; v < n; v++)
        for (size_t e = c->out_start[v]; e < c->out_start[v + 1]; e++)
            cited[c->out_head[e]] = 1;
    for (size_t v = 0; v < n; v++)
        down[v] = cited[v] ? (bf){0, 0} : bf_make(1, 0);
    for (size_t k = 0; k < n; k++) {
        size_t v = c->topo[k];
        for (size_t e = c->out_start[v]; e < c->out_start[v + 1]; e++)
            if (e == c->out_start[v] || c->out_head[e] != c->out_head[e - 1])
                down[c->out_head[e]] = bf_add(down[c->out_head[e]], down[v]);
    }
    for (size_t k = n; k-- > 0;) {
        size_t v = c->topo[k];
        bf s = {0, 0};
        best[v] = (bf){0, 0};
        next[v] = SIZE_MAX;
        for (size_t e = c->out_start[v]; e < c->out_start[v + 1]; e++) {
            size_t w = c->out_head[e];
            if (e > c->out_start[v] && w == c->out_head[e - 1])
                continue;
            s = bf_add(s, up[w]);
            if (height[w] + 1 > height[v])
                height[v] = height[w] + 1;
            /* the heavier step: local looks at this edge, global at the rest too; at a
             * tie, the longer way on */
            bf spc = bf_mul(down[v], up[w]);
            bf cand = kind == RG_MAIN_GLOBAL ? bf_add(spc, best[w]) : spc;
            int cmp = next[v] == SIZE_MAX ? 1 : bf_cmp(cand, best[v]);
            if (cmp > 0 || (cmp == 0 && height[w] > height[next[v]])) {
                best[v] = cand;
                next[v] = w;
            }
        }
        up[v] = c->out_start[v] == c->out_start[v + 1] ? bf_make(1, 0) : s;
    }
    /* start: the source with the heaviest first step (local) or path (global) */
    size_t start = SIZE_MAX;
    for (size_t v = 0; v < n; v++) {
        if (cited[v] || next[v] == SIZE_MAX)
            continue;
        int cmp = start == SIZE_MAX ? 1 : bf_cmp(best[v], best[start]);
        if (cmp > 0 || (cmp == 0 && height[v] > height[start]))
            start = v;
    }
    if (start == SIZE_MAX) {
        st = rg_fail(err, RG_ENOTFOUND, "the graph has no citation: no main path");
        goto done;
    }
    size_t len = 1;
    for (size_t v = start; next[v] != SIZE_MAX; v = next[v])
        len++;
    p->nodes = malloc(len * sizeof *p->nodes);
    p->spc = calloc(len, sizeof *p->spc);
    if (!p->nodes || !p->spc) {
        st = rg_fail(err, RG_ENOMEM, "out of memory");
        goto done;
    }
    bf total = {0, 0};
    size_t v = start;
    for (size_t i = 0; i < len; i++, v = next[v]) {
        p->nodes[i] = v;
        p->len = i + 1;
        if (next[v] != SIZE_MAX) {
            bf spc = bf_mul(down[v], up[next[v]]);
            total = bf_add(total, spc);
            if (!(p->spc[i] = bf_str(spc))) {
                st = rg_fail(err, RG_ENOMEM, "out of memory");
                goto done;
            }
        }
    }
    if (!(p->total = bf_str(total)))
        st = rg_fail(err, RG_ENOMEM, "out of memory");
done:
    free(down);
    free(up);
    free(best);
    free(next);
    free(height);
    free(cited);
    if (st != RG_OK) {
        rg_path_free(p);
        p = NULL;
    }
    *out = p;
    return st;
}

/* --- transitive reduction --------------------------------------------------------- */

#define MAX_REDUCE 20000 /* nodes: the reachability bitsets take n^2/8 bytes */

/* Reduction over the nodes with in[v] set (all when in is NULL): keep[e] for
 * each CSR edge between two of them. */
static rg_status reduce(const rg_graph *g, const unsigned char *in, unsigned char *keep,
                        rg_error *err)
{
    const rg_csr *c = rg_graph_csr(g);
    size_t n = c->n;
    /* number the nodes taken, oldest first (reverse topological order) */
    size_t *pos = malloc((n ? n : 1) * sizeof *pos);
    if (!pos)
        return rg_fail(err, RG_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = n; i-- > 0;) {
        size_t v = c->topo[i];
        pos[v] = (!in || in[v]) ? k++ : SIZE_MAX;
    }
    if (k > MAX_REDUCE) {
        free(pos);
        return rg_fail(err, RG_EUSAGE,
                       "the transitive reduction of %zu documents is too large to compute here "
                       "(at most %d); narrow the graph first",
                       k, MAX_REDUCE);
    }
    size_t words = (k + 63) / 64;
    uint64_t *reach = calloc(k * words + 1, sizeof *reach);
    size_t *heads = malloc((n ? n : 1) * sizeof *heads);
    if (!reach || !heads) {
        free(pos);
        free(reach);
        free(heads);
        return rg_fail(err, RG_ENOMEM, "out of memory for the transitive reduction");
    }
    for (size_t i = n; i-- > 0;) {
        size_t v = c->topo[i];
        if (pos[v] == SIZE_MAX)
            continue;
        uint64_t *acc = reach + pos[v] * words;
        /* heads nearest first: the newest, that is the largest number */
        size_t nh = 0;
        for (size_t e = c->out_start[v]; e < c->out_start[v + 1]; e++)
            if (pos[c->out_head[e]] != SIZE_MAX)
                heads[nh++] = e;
        for (size_t a = 1; a < nh; a++) { /* insertion sort, by position descending */
            size_t x = heads[a], b = a;
            while (b > 0 && pos[c->out_head[heads[b - 1]]] < pos[c->out_head[x]]) {
                heads[b] = heads[b - 1];
                b--;
            }
            heads[b] = x;
        }
        for (size_t h = 0; h < nh; h++) {
            size_t e = heads[h];
            size_t w = pos[c->out_head[e]];
            if (acc[w / 64] >> (w % 64) & 1) {
                /* another kind of edge to the same head stays with it */
                keep[e] = h > 0 && c->out_head[heads[h - 1]] == c->out_head[e] ? keep[heads[h - 1]]
                                                                              : 0;
                continue;
            }
            keep[e] = 1;
            const uint64_t *rw = reach + w * words;
            for (size_t q = 0; q < words; q++)
                acc[q] |= rw[q];
            acc[w / 64] |= (uint64_t)1 << (w % 64);
        }
    }
    free(pos);
    free(reach);
    free(heads);
    return RG_OK;
}

rg_status rg_reduction(const rg_graph *g, unsigned char **out, rg_error *err)
{
    const rg_csr *c = rg_graph_csr(g);
    size_t m = rg_graph_edge_count(g);
    unsigned char *keep_csr = calloc(c->m ? c->m : 1, 1);
    unsigned char *keep = calloc(m ? m : 1, 1);
    if (!keep_csr || !keep) {
        free(keep_csr);
        free(keep);
        return rg_fail(err, RG_ENOMEM, "out of memory");
    }
    rg_status st = reduce(g, NULL, keep_csr, err);
    for (size_t i = 0; st == RG_OK && i < c->m; i++)
        keep[CSR_EDGE(c, i)] = keep_csr[i];
    free(keep_csr);
    if (st != RG_OK) {
        free(keep);
        keep = NULL;
    }
    *out = keep;
    return st;
}

/* --- splits and merges ---------------------------------------------------------------- */

void rg_branches_free(rg_branch *b, size_t n)
{
    for (size_t i = 0; b && i < n; i++)
        free(b[i].lines);
    free(b);
}

static const rg_graph *cmp_graph;

/* Texts in order of date (or year), then id. */
static int cmp_by_date(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    const rg_node_info *nx = rg_graph_node(cmp_graph, x), *ny = rg_graph_node(cmp_graph, y);
    char kx[16], ky[16];
    snprintf(kx, sizeof kx, "%s", nx->date ? nx->date : "");
    snprintf(ky, sizeof ky, "%s", ny->date ? ny->date : "");
    if (!kx[0])
        snprintf(kx, sizeof kx, "%04d", nx->year);
    if (!ky[0])
        snprintf(ky, sizeof ky, "%04d", ny->year);
    int c = strcmp(kx, ky);
    return c ? c : (x > y) - (x < y);
}

rg_status rg_branches(const rg_graph *g, size_t from, size_t root, rg_branch **out, size_t *nout,
                      rg_error *err)
{
    *out = NULL;
    *nout = 0;
    const rg_csr *c = rg_graph_csr(g);
    size_t n = c->n;
    long *dist = distances(c, root);
    unsigned char *in = calloc(n ? n : 1, 1);
    unsigned char *keep = calloc(c->m ? c->m : 1, 1);
    size_t *stack = malloc((n ? n : 1) * sizeof *stack);
    size_t *indeg = calloc(n ? n : 1, sizeof *indeg);
    rg_status st = RG_OK;
    rg_branch *v_out = NULL;
    size_t nb = 0, cap = 0;
    if (!dist || !in || !keep || !stack || !indeg) {
        st = rg_fail(err, RG_ENOMEM, "out of memory");
        goto done;
    }
    if (dist[from] < 0)
        goto done;
    /* the lineage: nodes reached from `from` that reach the root */
    size_t top = 0;
    in[from] = 1;
    stack[top++] = from;
    while (top) {
        size_t v = stack[--top];
        for (size_t e = c->out_start[v]; e < c->out_start[v + 1]; e++) {
            size_t w = c->out_head[e];
            if (dist[w] >= 0 && !in[w]) {
                in[w] = 1;
                stack[top++] = w;
            }
        }
    }
    if ((st = reduce(g, in, keep, err)) != RG_OK)
        goto done;
    /* in the backbone: two kept edges into one item make a split after it,
     * two kept edges out of one text make a merge */
    for (size_t v = 0; v < n; v++) {
        if (!in[v])
            continue;
        size_t prev = SIZE_MAX;
        for (size_t e = c->out_start[v]; e < c->out_start[v + 1]; e++)
            if (keep[e] && in[c->out_head[e]] && c->out_head[e] != prev) {
                indeg[c->out_head[e]]++;
                prev = c->out_head[e];
            }
    }
    for (size_t k = n; k-- > 0;) { /* oldest first */
        size_t v = c->topo[k];
        if (!in[v])
            continue;
        for (int merge = 1; merge >= 0; merge--) { /* it joins lines, then lines leave it */
            size_t cnt = 0;
            if (merge) {
                size_t prev = SIZE_MAX;
                for (size_t e = c->out_start[v]; e < c->out_start[v + 1]; e++)
                    if (keep[e] && in[c->out_head[e]] && c->out_head[e] != prev) {
                        stack[cnt++] = c->out_head[e];
                        prev = c->out_head[e];
                    }
            } else if (indeg[v] >= 2) {
                for (size_t u = 0; u < n; u++) {
                    if (!in[u])
                        continue;
                    for (size_t e = c->out_start[u]; e < c->out_start[u + 1]; e++)
                        if (keep[e] && c->out_head[e] == v) {
                            stack[cnt++] = u;
                            break;
                        }
                }
            }
            if (cnt < 2)
                continue;
            if (!rg_grow(&v_out, &cap, nb + 1, sizeof *v_out)) {
                st = rg_fail(err, RG_ENOMEM, "out of memory");
                goto done;
            }
            rg_branch *b = &v_out[nb];
            b->lines = malloc(cnt * sizeof *b->lines);
            if (!b->lines) {
                st = rg_fail(err, RG_ENOMEM, "out of memory");
                goto done;
            }
            cmp_graph = g;
            qsort(stack, cnt, sizeof *stack, cmp_by_date);
            memcpy(b->lines, stack, cnt * sizeof *stack);
            b->nlines = cnt;
            b->node = v;
            b->merge = merge;
            nb++;
        }
    }
done:
    free(dist);
    free(in);
    free(keep);
    free(stack);
    free(indeg);
    if (st != RG_OK) {
        rg_branches_free(v_out, nb);
        return st;
    }
    *out = v_out;
    *nout = nb;
    return RG_OK;
}

/* --- generations -------------------------------------------------------------------------- */

rg_status rg_generations(const rg_graph *g, size_t **out, rg_error *err)
{
    const rg_csr *c = rg_graph_csr(g);
    size_t *gen = calloc(c->n ? c->n : 1, sizeof *gen);
    if (!gen)
        return rg_fail(err, RG_ENOMEM, "out of memory");
    for (size_t k = c->n; k-- > 0;) {
        size_t v = c->topo[k];
        for (size_t e = c->out_start[v]; e < c->out_start[v + 1]; e++)
            if (gen[c->out_head[e]] + 1 > gen[v])
                gen[v] = gen[c->out_head[e]] + 1;
    }
    *out = gen;
    return RG_OK;
}
