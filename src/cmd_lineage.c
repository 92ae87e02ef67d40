/*
 * cmd_lineage.c - the commands that question the graph: lineage, cites,
 * cited-by and generations.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char usage_lineage[] =
    "usage: resgraph lineage [--root ID] [--from ID] [--format text|json] [--all]\n"
    "                        [--max-chains N] [--main-path local|global] [--exact] [-o FILE]\n"
    "                        [-q] [--doc-id ID] [--encoding ENC] [--citations FILE]...\n"
    "                        [FILE...]\n"
    "Prints the lineage chain (the longest path of citations) from each document read,\n"
    "or from --from, back to the root (default " DEFAULT_ROOT "), how many distinct chains\n"
    "there are (exactly up to 2^1024, beyond approximately unless --exact), and where\n"
    "the lineage splits and merges.  --all lists the chains while\n"
    "there are at most --max-chains of them (default 100).  --main-path adds the main path\n"
    "of the whole graph by search path count (Pajek): local (greedy) or global (heaviest).\n"
    "--citations reads a citations file written by 'resgraph extract' (JSON Lines).\n"
    "IDs may be short: 36/103, 43/78 H, 1325 (2000).  Dates: the text gives the date, or\n"
    "only the year where that is all that is known; JSON gives \"date\" and \"year\", each\n"
    "null when unknown.\n";

/* The date column of the text outputs: the date, else only the year where
 * that is all that is known (a document's own year from its symbol), else
 * empty.  JSON gives the two apart (json_date_year). */
static void when(const rg_graph *g, size_t v, char *buf, size_t n)
{
    const char *date = rg_graph_node_date(g, v);
    if (date)
        snprintf(buf, n, "%s", date);
    else if (rg_graph_node_year(g, v))
        snprintf(buf, n, "%d", rg_graph_node_year(g, v));
    else
        buf[0] = '\0';
}

/* The first columns of a row of the text outputs: number, label, date (when()),
 * padded only where a column follows (more), so that no line ends in spaces. */
static void row_start(FILE *f, size_t i, const char *label, const char *date, bool more)
{
    if (more)
        fprintf(f, "%3zu  %-16s %-11s ", i + 1, label, date);
    else if (*date)
        fprintf(f, "%3zu  %-16s %s", i + 1, label, date);
    else
        fprintf(f, "%3zu  %s", i + 1, label);
}

/* A node's "date" and "year" members for JSON: null where the value is not
 * known.  (A year of 0 written as a number would read as a real year, and a
 * year written in "date" as a date.) */
static void json_date_year(FILE *f, const rg_graph *g, size_t v)
{
    const char *date = rg_graph_node_date(g, v);
    int year = rg_graph_node_year(g, v);
    fputs(",\"date\":", f);
    if (date)
        json_string(f, date);
    else
        fputs("null", f);
    if (year)
        fprintf(f, ",\"year\":%d", year);
    else
        fputs(",\"year\":null", f);
}

typedef struct job {
    const rg_graph *g;
    const opts *o;
    size_t root;
    size_t *from;
    size_t nfrom;
    rg_chain **chains;
    rg_path *main_path;
    bool json;
} job;

typedef struct list_ctx {
    FILE *f;
    const rg_graph *g;
    bool json;
    size_t n;
} list_ctx;

static int print_one_chain(void *ctx, const size_t *nodes, size_t len)
{
    list_ctx *l = ctx;
    if (l->json) {
        fputs(l->n ? ",[" : "[", l->f);
        for (size_t i = 0; i < len; i++) {
            if (i)
                fputc(',', l->f);
            json_string(l->f, rg_graph_node_id(l->g, nodes[i]));
        }
        fputc(']', l->f);
    } else {
        fprintf(l->f, "%5zu  ", l->n + 1);
        for (size_t i = 0; i < len; i++)
            fprintf(l->f, "%s%s", i ? " → " : "", rg_graph_node_label(l->g, nodes[i]));
        fputc('\n', l->f);
    }
    l->n++;
    return 0;
}

/* Chains are listed only while there are at most --max-chains of them. */
static bool few_chains(const rg_chain *c, long max)
{
    return !c->approximate && strlen(c->count) < 19 && strtoll(c->count, NULL, 10) <= max;
}

static void print_branches(FILE *f, const job *j, size_t from)
{
    const rg_graph *g = j->g;
    rg_branch *b = NULL;
    size_t nb = 0;
    rg_error err = {0};
    rg_status st = rg_branches(g, from, j->root, &b, &nb, &err);
    if (j->json) {
        fputs(",\"branches\":", f);
        if (st != RG_OK) {
            fputs("null", f);
            return;
        }
        fputc('[', f);
        for (size_t i = 0; i < nb; i++) {
            fprintf(f, "%s{\"kind\":\"%s\",\"at\":", i ? "," : "", b[i].merge ? "merge" : "split");
            json_string(f, rg_graph_node_id(g, b[i].node));
            fputs(",\"lines\":[", f);
            for (size_t k = 0; k < b[i].nlines; k++) {
                if (k)
                    fputc(',', f);
                json_string(f, rg_graph_node_id(g, b[i].lines[k]));
            }
            fputs("]}", f);
        }
        fputc(']', f);
    } else if (st != RG_OK) {
        fprintf(f, "splits and merges: not computed (%s)\n", err.msg);
    } else if (nb == 0) {
        fputs("splits and merges: none\n", f);
    } else {
        fputs("splits and merges:\n", f);
        for (size_t i = 0; i < nb; i++) {
            char w[16];
            when(g, b[i].merge ? b[i].node : b[i].lines[0], w, sizeof w);
            fprintf(f, "  %.4s  ", w);
            if (b[i].merge)
                fprintf(f, "%s joins ", rg_graph_node_label(g, b[i].node));
            else
                fprintf(f, "after %s the line splits: ", rg_graph_node_label(g, b[i].node));
            for (size_t k = 0; k < b[i].nlines; k++)
                fprintf(f, "%s%s", k ? (k + 1 == b[i].nlines && b[i].merge ? " and " : ", ") : "",
                        rg_graph_node_label(g, b[i].lines[k]));
            fputc('\n', f);
        }
    }
    rg_branches_free(b, nb);
}

static void print_chain(FILE *f, const job *j, const rg_chain *c)
{
    const rg_graph *g = j->g;
    char w[16];
    if (j->json) {
        fputs("{\"from\":", f);
        json_string(f, rg_graph_node_id(g, c->nodes[0]));
        fputs(",\"root\":", f);
        json_string(f, rg_graph_node_id(g, c->nodes[c->len - 1]));
        /* the count as a string: it can pass any number type (2^99998 and more) */
        fprintf(f, ",\"length\":%zu,\"chains\":\"%s\",\"chains_exact\":%s,\"chain\":[", c->len,
                c->count, c->approximate ? "false" : "true");
        for (size_t i = 0; i < c->len; i++) {
            size_t v = c->nodes[i];
            fputs(i ? ",{\"id\":" : "{\"id\":", f);
            json_string(f, rg_graph_node_id(g, v));
            fputs(",\"label\":", f);
            json_string(f, rg_graph_node_label(g, v));
            json_date_year(f, g, v);
            fputs(",\"via\":", f);
            if (i == 0)
                fputs("null,\"inferred\":false}", f);
            else
                fprintf(f, "\"%s\",\"inferred\":%s}",
                        c->kinds[i - 1] == RG_CITES ? "cites" : "succeeds",
                        c->kinds[i - 1] == RG_CITES ? "false" : "true");
        }
        fputc(']', f);
        print_branches(f, j, c->nodes[0]);
        if (j->o->all && few_chains(c, j->o->max_chains)) {
            fputs(",\"all\":[", f);
            list_ctx l = {f, g, true, 0};
            rg_chains_each(g, c->nodes[0], j->root, print_one_chain, &l, NULL);
            fputc(']', f);
        }
        fputs("}\n", f);
        return;
    }
    fprintf(f, "lineage of %s back to %s\n", rg_graph_node_id(g, c->nodes[0]),
            rg_graph_node_id(g, c->nodes[c->len - 1]));
    fprintf(f, "longest chain: %zu documents\n", c->len);
    if (c->approximate)
        fprintf(f, "distinct chains: %s (approximately: more than 2^1024; --exact counts them "
                   "exactly)\n",
                c->count);
    else
        fprintf(f, "distinct chains: %s\n", c->count);
    print_branches(f, j, c->nodes[0]);
    fputc('\n', f);
    for (size_t i = 0; i < c->len; i++) {
        size_t v = c->nodes[i];
        when(g, v, w, sizeof w);
        const char *via = i == 0 ? "" : c->kinds[i - 1] == RG_CITES ? "cites" : "succeeds (inferred)";
        row_start(f, i, rg_graph_node_label(g, v), w, *via);
        fprintf(f, "%s\n", via);
    }
    if (j->o->all) {
        if (few_chains(c, j->o->max_chains)) {
            fprintf(f, "\nall %s chains:\n", c->count);
            list_ctx l = {f, g, false, 0};
            rg_chains_each(g, c->nodes[0], j->root, print_one_chain, &l, NULL);
        } else {
            fprintf(f, "\n%s chains: more than --max-chains %ld, not listed (raise --max-chains "
                       "to list them)\n",
                    c->count, j->o->max_chains);
        }
    }
}

static void print_main_path(FILE *f, const job *j)
{
    const rg_graph *g = j->g;
    const rg_path *p = j->main_path;
    if (j->json) {
        fprintf(f, "{\"main_path\":\"%s\",\"length\":%zu,\"total_spc\":", j->o->main_path, p->len);
        json_string(f, p->total);
        fputs(",\"path\":[", f);
        for (size_t i = 0; i < p->len; i++) {
            fputs(i ? ",{\"id\":" : "{\"id\":", f);
            json_string(f, rg_graph_node_id(g, p->nodes[i]));
            fputs(",\"spc\":", f);
            if (i + 1 < p->len)
                json_string(f, p->spc[i]);
            else
                fputs("null", f);
            fputc('}', f);
        }
        fputs("]}\n", f);
        return;
    }
    fprintf(f, "main path (%s, by search path count): %zu documents, total SPC %s\n",
            j->o->main_path, p->len, p->total);
    for (size_t i = 0; i < p->len; i++) {
        char w[16];
        when(g, p->nodes[i], w, sizeof w);
        row_start(f, i, rg_graph_node_label(g, p->nodes[i]), w, i + 1 < p->len);
        if (i + 1 < p->len)
            fprintf(f, "SPC %s to the next", p->spc[i]);
        fputc('\n', f);
    }
}

static rg_status write_lineage(FILE *f, void *ctx, rg_error *err)
{
    job *j = ctx;
    size_t printed = 0;
    for (size_t i = 0; i < j->nfrom; i++) {
        if (!j->chains[i])
            continue;
        if (printed++ && !j->json)
            fputc('\n', f);
        print_chain(f, j, j->chains[i]);
    }
    if (j->main_path) {
        if (printed && !j->json)
            fputc('\n', f);
        print_main_path(f, j);
    }
    return output_status(f, err);
}

int cmd_lineage(int argc, char **argv)
{
    opts o = {0};
    int first, rc = parse_options(argc, argv, "rFfohqDECAMPx", &o, &first);
    if (rc >= 0)
        return rc;
    if (o.help)
        return fputs(usage_lineage, stdout), 0;
    job j = {.o = &o};
    if (o.format && !strcmp(o.format, "json"))
        j.json = true;
    else if (o.format && strcmp(o.format, "text"))
        return error(RG_EUSAGE, "lineage: unknown format '%s' (text or json)", o.format);
    rg_main_kind mk = RG_MAIN_GLOBAL;
    if (o.main_path && !strcmp(o.main_path, "local"))
        mk = RG_MAIN_LOCAL;
    else if (o.main_path && strcmp(o.main_path, "global"))
        return error(RG_EUSAGE, "lineage: --main-path is local or global, not '%s'", o.main_path);
    rg_graph *g = NULL;
    if ((rc = load_graph(argc - first, argv + first, &o, &g)))
        goto done;
    j.g = g;
    long root, from = -1;
    if ((rc = resolve_id(g, o.root ? o.root : DEFAULT_ROOT, "root", &root)) ||
        (o.from && (rc = resolve_id(g, o.from, "--from", &from))))
        goto done;
    j.root = (size_t)root;
    /* chains from --from, else from every document read, in id order */
    size_t n = rg_graph_node_count(g);
    j.from = malloc((n ? n : 1) * sizeof *j.from);
    j.chains = calloc(n ? n : 1, sizeof *j.chains);
    if (!j.from || !j.chains) {
        rc = error(RG_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t v = 0; v < n; v++)
        if (from >= 0 ? (long)v == from : rg_graph_node_is_source(g, v))
            j.from[j.nfrom++] = v;
    rg_error err = {0};
    if (rg_lineage_many(g, j.root, j.from, j.nfrom, o.exact, j.chains, &err) != RG_OK) {
        rc = fail(&err);
        goto done;
    }
    for (size_t i = 0; i < j.nfrom; i++)
        if (!j.chains[i])
            rc = error(RG_ENOTFOUND, "%s does not lead back to %s: no chain of citations "
                                     "connects them",
                       rg_graph_node_id(g, j.from[i]), rg_graph_node_id(g, j.root));
    if (o.main_path && rg_main_path(g, mk, &j.main_path, &err) != RG_OK) {
        rc = fail(&err);
        goto done;
    }
    int wrc = write_output(o.output, write_lineage, &j);
    if (wrc)
        rc = wrc;
done:
    for (size_t i = 0; j.chains && i < j.nfrom; i++)
        rg_chain_free(j.chains[i]);
    free(j.chains);
    free(j.from);
    rg_path_free(j.main_path);
    rg_graph_free(g);
    return rc;
}

/* --- cites, cited-by --------------------------------------------------------------- */

typedef struct reach_job {
    const rg_graph *g;
    size_t *nodes;
    size_t n;
    bool json;
} reach_job;

static rg_status write_nodes(FILE *f, void *ctx, rg_error *err)
{
    reach_job *r = ctx;
    if (r->json)
        fputc('[', f);
    for (size_t i = 0; i < r->n; i++) {
        size_t v = r->nodes[i];
        if (r->json) {
            fputs(i ? ",{\"id\":" : "{\"id\":", f);
            json_string(f, rg_graph_node_id(r->g, v));
            fputs(",\"label\":", f);
            json_string(f, rg_graph_node_label(r->g, v));
            json_date_year(f, r->g, v);
            fputc('}', f);
        } else {
            char w[16];
            when(r->g, v, w, sizeof w);
            fprintf(f, "%s\t%s\t%s\n", rg_graph_node_id(r->g, v), rg_graph_node_label(r->g, v), w);
        }
    }
    if (r->json)
        fputs("]\n", f);
    return output_status(f, err);
}

static int reach_command(int argc, char **argv, int cited, const char *usage)
{
    opts o = {0};
    int first, rc = parse_options(argc, argv, "fohqDEC", &o, &first);
    if (rc >= 0)
        return rc;
    if (o.help)
        return fputs(usage, stdout), 0;
    if (first >= argc)
        return error(RG_EUSAGE, "%s: give an ID (try 'resgraph %s --help')", argv[0], argv[0]);
    reach_job r = {0};
    if (o.format && !strcmp(o.format, "json"))
        r.json = true;
    else if (o.format && strcmp(o.format, "text"))
        return error(RG_EUSAGE, "%s: unknown format '%s' (text or json)", argv[0], o.format);
    rg_graph *g = NULL;
    long v;
    rg_error err = {0};
    if (!(rc = load_graph(argc - first - 1, argv + first + 1, &o, &g)) &&
        !(rc = resolve_id(g, argv[first], "id", &v))) {
        r.g = g;
        if (rg_reach(g, (size_t)v, cited, &r.nodes, &r.n, &err) != RG_OK)
            rc = fail(&err);
        else
            rc = write_output(o.output, write_nodes, &r);
    }
    free(r.nodes);
    rg_graph_free(g);
    return rc;
}

static const char usage_cites[] =
    "usage: resgraph cites ID [--format text|json] [-o FILE] [-q] [--doc-id ID]\n"
    "                      [--encoding ENC] [--citations FILE]... [FILE...]\n"
    "Lists what ID cites, directly or through other texts: id, label, date\n"
    "(or only the year where that is all that is known).  JSON gives \"date\"\n"
    "and \"year\", each null when unknown.\n";

static const char usage_cited_by[] =
    "usage: resgraph cited-by ID [--format text|json] [-o FILE] [-q] [--doc-id ID]\n"
    "                         [--encoding ENC] [--citations FILE]... [FILE...]\n"
    "Lists what cites ID, directly or through other texts: id, label, date\n"
    "(or only the year where that is all that is known).  JSON gives \"date\"\n"
    "and \"year\", each null when unknown.\n";

int cmd_cites(int argc, char **argv)
{
    return reach_command(argc, argv, 1, usage_cites);
}

int cmd_cited_by(int argc, char **argv)
{
    return reach_command(argc, argv, 0, usage_cited_by);
}

/* --- generations ------------------------------------------------------------------------ */

typedef struct gen_job {
    const rg_graph *g;
    size_t *gen;
    size_t *order;
} gen_job;

static const size_t *sort_gen;

static int cmp_gen(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    if (sort_gen[x] != sort_gen[y])
        return sort_gen[x] < sort_gen[y] ? -1 : 1;
    return (x > y) - (x < y);
}

static rg_status write_generations(FILE *f, void *ctx, rg_error *err)
{
    gen_job *j = ctx;
    for (size_t i = 0; i < rg_graph_node_count(j->g); i++) {
        size_t v = j->order[i];
        char w[16];
        when(j->g, v, w, sizeof w);
        fprintf(f, "%zu\t%s\t%s\t%s\n", j->gen[v], rg_graph_node_id(j->g, v),
                rg_graph_node_label(j->g, v), w);
    }
    return output_status(f, err);
}

int cmd_generations(int argc, char **argv)
{
    opts o = {0};
    int first, rc = parse_options(argc, argv, "ohqDEC", &o, &first);
    if (rc >= 0)
        return rc;
    if (o.help)
        return fputs("usage: resgraph generations [-o FILE] [-q] [--doc-id ID] [--encoding ENC]\n"
                     "                            [--citations FILE]... [FILE...]\n"
                     "Prints each document's topological generation: 0 for what cites nothing\n"
                     "in the graph, else one more than the highest generation it cites.\n"
                     "Columns: generation, id, label, date (or only the year where that is all\n"
                     "that is known; empty when neither is).\n",
                     stdout),
               0;
    rg_graph *g = NULL;
    gen_job j = {0};
    rg_error err = {0};
    if (!(rc = load_graph(argc - first, argv + first, &o, &g))) {
        j.g = g;
        size_t n = rg_graph_node_count(g);
        if (rg_generations(g, &j.gen, &err) != RG_OK) {
            rc = fail(&err);
        } else if (!(j.order = malloc((n ? n : 1) * sizeof *j.order))) {
            rc = error(RG_ENOMEM, "out of memory");
        } else {
            for (size_t v = 0; v < n; v++)
                j.order[v] = v;
            sort_gen = j.gen;
            qsort(j.order, n, sizeof *j.order, cmp_gen);
            rc = write_output(o.output, write_generations, &j);
        }
    }
    free(j.gen);
    free(j.order);
    rg_graph_free(g);
    return rc;
}
