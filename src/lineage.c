/*
 * lineage.c - chains back to a root, over the ordered citation graph.
 *
 * Works on the plain arrays graph.c derives from igraph (rg_csr): a
 * topological order and the out-edges of each node.  The lineage chain is the
 * longest path from a node to the root; the number of distinct paths is
 * counted exactly (GMP), never enumerated: a series where every text recalls
 * all earlier ones has 2^(n-2) of them.  Each algorithm is one pass over the
 * topological order.  This is the only file that includes gmp.h.
 */
#include "internal.h"

#include <gmp.h>
#include <stdlib.h>
#include <string.h>

rg_status rg_lineage(const rg_graph *g, size_t from, size_t root, rg_chain **out, rg_error *err)
{
    *out = NULL;
    const rg_csr *c = rg_graph_csr(g);
    size_t n = c->n;
    /* dist[v]: edges of the longest path from v to root, -1 if root is out of reach */
    long *dist = malloc((n ? n : 1) * sizeof *dist);
    mpz_t *count = malloc((n ? n : 1) * sizeof *count);
    if (!dist || !count) {
        free(dist);
        free(count);
        return rg_fail(err, RG_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        dist[i] = -1;
        mpz_init(count[i]);
    }
    dist[root] = 0;
    mpz_set_ui(count[root], 1);
    /* cited before citing: the reverse of the topological order */
    for (size_t k = n; k-- > 0;) {
        size_t v = c->topo[k];
        if (v == root)
            continue;
        size_t prev = SIZE_MAX;
        for (size_t e = c->out_start[v]; e < c->out_start[v + 1]; e++) {
            size_t w = c->out_head[e];
            if (dist[w] < 0 || w == prev)
                continue; /* parallel edges of two kinds make one path */
            prev = w;
            if (dist[w] + 1 > dist[v])
                dist[v] = dist[w] + 1;
            mpz_add(count[v], count[v], count[w]);
        }
    }
    rg_status st = RG_OK;
    rg_chain *ch = NULL;
    if (dist[from] < 0) {
        st = rg_fail(err, RG_ENOTFOUND, "%s does not lead back to %s: no chain of citations "
                                        "connects them",
                     rg_graph_node_id(g, from), rg_graph_node_id(g, root));
        goto done;
    }
    ch = calloc(1, sizeof *ch);
    size_t len = (size_t)dist[from] + 1;
    if (ch) {
        ch->nodes = malloc(len * sizeof *ch->nodes);
        ch->kinds = malloc(len * sizeof *ch->kinds);
        ch->count = mpz_get_str(NULL, 10, count[from]);
    }
    if (!ch || !ch->nodes || !ch->kinds || !ch->count) {
        rg_chain_free(ch);
        ch = NULL;
        st = rg_fail(err, RG_ENOMEM, "out of memory");
        goto done;
    }
    /* walk down the longest path; at a tie, the first head in id order, and a
     * citation before an inferred succession */
    size_t v = from;
    ch->nodes[0] = v;
    ch->len = 1;
    while (v != root) {
        size_t next = SIZE_MAX;
        rg_edge_kind kind = RG_CITES;
        for (size_t e = c->out_start[v]; e < c->out_start[v + 1]; e++) {
            size_t w = c->out_head[e];
            if (dist[w] == dist[v] - 1) {
                next = w;
                kind = c->out_kind[e];
                break;
            }
        }
        ch->kinds[ch->len - 1] = kind;
        ch->nodes[ch->len++] = next;
        v = next;
    }
    ch->kinds[ch->len - 1] = RG_CITES;
done:
    for (size_t i = 0; i < n; i++)
        mpz_clear(count[i]);
    free(count);
    free(dist);
    *out = ch;
    return st;
}

void rg_chain_free(rg_chain *c)
{
    if (!c)
        return;
    free(c->nodes);
    free(c->kinds);
    if (c->count) {
        void (*freefunc)(void *, size_t);
        mp_get_memory_functions(NULL, NULL, &freefunc);
        freefunc(c->count, strlen(c->count) + 1);
    }
    free(c);
}
