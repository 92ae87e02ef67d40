/*
 * cmd_draw.c - the commands that write the graph out: render and export.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage_render[] =
    "usage: resgraph render [--format svg|png|pdf|dot] [-o FILE] [--root ID] [--from ID]\n"
    "                       [--engine dot|sfdp] [--reduce] [--focus ID [--depth N]] [-q]\n"
    "                       [--doc-id ID] [--encoding ENC] [--citations FILE]... [FILE...]\n"
    "Draws the citation graph with Graphviz: one row per year (engine dot), the lineage\n"
    "chain from --from (default: the document with the longest chain) to the root\n"
    "highlighted, inferred edges dashed, each document a link to undocs.org.  --reduce\n"
    "draws the transitive reduction (the backbone); --focus draws what lies within\n"
    "--depth citation steps (default 1) of one document.  dot takes up to 2000\n"
    "documents, sfdp up to 50000 (without the year rows).  When -o names a directory,\n"
    "the file in it is named after the document drawn (A/C.1/78/L.11: A-C.1-78-L.11.svg).\n";

/* The graph to draw or write: g narrowed by --focus and --reduce.  *part is
 * the graph to use; it is g itself or a part to free (before g). */
static int narrow(const rg_graph *g, const opts *o, rg_graph **part)
{
    *part = (rg_graph *)g;
    rg_error err = {0};
    if (o->focus) {
        long v;
        int rc = resolve_id(g, o->focus, "--focus", &v);
        if (rc)
            return rc;
        if (rg_graph_focus(g, (size_t)v, (size_t)o->depth, part, &err) != RG_OK) {
            *part = (rg_graph *)g;
            return fail(&err);
        }
    }
    if (o->reduce) {
        rg_graph *r;
        if (rg_graph_reduce(*part, &r, &err) != RG_OK)
            return fail(&err);
        /* the reduction reads the strings of g, which outlives it */
        if (*part != g)
            rg_graph_free(*part);
        *part = r;
    }
    return 0;
}

/* The chain to highlight: from --from, else the longest of the documents read. */
static rg_chain *chain_to_show(const rg_graph *g, long from, long root)
{
    size_t n = rg_graph_node_count(g), k = 0;
    size_t *froms = malloc((n ? n : 1) * sizeof *froms);
    rg_chain **chains = calloc(n ? n : 1, sizeof *chains);
    rg_chain *best = NULL;
    if (froms && chains) {
        for (size_t v = 0; v < n; v++)
            if (from >= 0 ? (long)v == from : rg_graph_node_is_source(g, v))
                froms[k++] = v;
        if (rg_lineage_many(g, (size_t)root, froms, k, 0, chains, NULL) == RG_OK)
            for (size_t i = 0; i < k; i++) {
                if (chains[i] && (!best || chains[i]->len > best->len)) {
                    rg_chain_free(best);
                    best = chains[i];
                } else {
                    rg_chain_free(chains[i]);
                }
            }
    }
    free(froms);
    free(chains);
    return best;
}

/* -o naming a directory: the file is named after the document drawn, from
 * its id (A/C.1/78/L.11 -> DIR/A-C.1-78-L.11.svg). */
static const char *output_path(const char *o, const char *id, const char *ext, char *buf,
                               size_t n)
{
    struct stat sb;
    size_t len = o ? strlen(o) : 0;
    if (!o || !(len && (o[len - 1] == '/' || (stat(o, &sb) == 0 && S_ISDIR(sb.st_mode)))))
        return o;
    char name[256];
    rg_id_filename(id ? id : "graph", name, sizeof name);
    snprintf(buf, n, "%s%s%s.%s", o, o[len - 1] == '/' ? "" : "/", name, ext);
    return buf;
}

typedef struct render_job {
    const rg_graph *g;
    rg_render_options ro;
} render_job;

static rg_status write_render(FILE *f, void *ctx, rg_error *err)
{
    render_job *j = ctx;
    return rg_render(j->g, &j->ro, f, err);
}

int cmd_render(int argc, char **argv)
{
    opts o = {0};
    int first, rc = parse_options(argc, argv, "rFfohqDECRXde", &o, &first);
    if (rc >= 0)
        return rc;
    if (o.help)
        return fputs(usage_render, stdout), 0;
    rg_graph *g = NULL, *part = NULL;
    rg_chain *c = NULL;
    render_job j = {.ro = {.format = o.format ? o.format : "svg", .engine = o.engine}};
    o.context = true; /* the tooltips quote the citing sentence */
    if ((rc = load_graph(argc - first, argv + first, &o, &g)) || (rc = narrow(g, &o, &part)))
        goto done;
    j.g = part;
    long from = -1;
    char rootid[256] = "";
    rg_error err = {0};
    if (rg_id_canonical(o.root ? o.root : DEFAULT_ROOT, rootid, sizeof rootid, &err) != RG_OK) {
        rc = fail(&err);
        goto done;
    }
    if (o.from && (rc = resolve_id(part, o.from, "--from", &from)))
        goto done;
    long root = rg_graph_find(part, rootid);
    if (root < 0 && o.root) {
        rc = error(RG_ENOTFOUND, "root %s is not in the graph", rootid);
        goto done;
    }
    if (root >= 0)
        c = chain_to_show(part, from, root);
    if (!c && o.from)
        warn("no chain leads from --from to the root; nothing is highlighted");
    j.ro.chain = c;
    j.ro.root = root >= 0 ? rootid : NULL;
    char path[4096];
    rc = write_output(output_path(o.output, c ? rg_graph_node_id(part, c->nodes[0]) : NULL,
                                  j.ro.format, path, sizeof path),
                      write_render, &j);
done:
    rg_chain_free(c);
    if (part != g)
        rg_graph_free(part);
    rg_graph_free(g);
    return rc;
}

static const char usage_export[] =
    "usage: resgraph export --format FORMAT [-o FILE] [--reduce] [--focus ID [--depth N]]\n"
    "                       [-q] [--doc-id ID] [--encoding ENC] [--citations FILE]...\n"
    "                       [FILE...]\n"
    "Writes the citation graph for other tools.  FORMAT: graphml, gml, pajek, gexf,\n"
    "cytoscape, node-link, edgelist, or neo4j (then -o names a directory that receives\n"
    "nodes.csv and edges.csv).  Node attributes: id, label, type, body, session, date,\n"
    "year, url; edge attributes: kind (cites or succeeds), weight (the mentions merged\n"
    "into the edge), and of its first mention surface, file, line, para, verb and form\n"
    "(text or symbol); unknown values are left out.  pajek and edgelist carry only kind\n"
    "and weight.\n";

/* Neo4j's two files, written completely before either replaces an old one. */
static int export_neo4j(const rg_graph *g, const char *dir)
{
    if (!dir || !strcmp(dir, "-"))
        return error(RG_EUSAGE, "export: neo4j writes two files: give -o DIRECTORY");
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return error(RG_EOUTPUT, "%s: cannot create directory: %s", dir, strerror(errno));
    size_t n = strlen(dir) + 16;
    char *pn = malloc(n), *pe = malloc(n);
    if (!pn || !pe) {
        free(pn);
        free(pe);
        return error(RG_ENOMEM, "out of memory");
    }
    snprintf(pn, n, "%s/nodes.csv", dir);
    snprintf(pe, n, "%s/edges.csv", dir);
    rg_error err = {0};
    rg_output *on = NULL, *oe = NULL;
    rg_status st = rg_output_open(pn, &on, &err);
    if (st == RG_OK)
        st = rg_output_open(pe, &oe, &err);
    if (st == RG_OK)
        st = rg_export_neo4j(g, rg_output_file(on), rg_output_file(oe), &err);
    if (st == RG_OK) {
        st = rg_output_commit(on, &err);
        on = NULL;
        if (st == RG_OK)
            st = rg_output_commit(oe, &err);
        else
            rg_output_abort(oe);
        oe = NULL;
    }
    rg_output_abort(on);
    rg_output_abort(oe);
    free(pn);
    free(pe);
    return st == RG_OK ? 0 : fail(&err);
}

int cmd_export(int argc, char **argv)
{
    opts o = {0};
    int first, rc = parse_options(argc, argv, "fohqDECRXd", &o, &first);
    if (rc >= 0)
        return rc;
    if (o.help)
        return fputs(usage_export, stdout), 0;
    if (!o.format)
        return error(RG_EUSAGE, "export: give --format (try 'resgraph export --help')");
    int fmt = rg_export_format_by_name(o.format);
    if (fmt < 0)
        return error(RG_EUSAGE, "export: unknown format '%s' (try 'resgraph export --help')",
                     o.format);
    rg_graph *full = NULL, *g = NULL;
    if ((rc = load_graph(argc - first, argv + first, &o, &full)) ||
        (rc = narrow(full, &o, &g))) {
        if (g != full)
            rg_graph_free(g);
        rg_graph_free(full);
        return rc;
    }
    if (fmt == RG_EXPORT_NEO4J) {
        rc = export_neo4j(g, o.output);
        if (g != full)
            rg_graph_free(g);
        rg_graph_free(full);
        return rc;
    }
    rg_error err = {0};
    rg_output *out;
    rg_status st = rg_output_open(o.output, &out, &err);
    if (st == RG_OK) {
        st = rg_export(g, (rg_export_format)fmt, rg_output_file(out), &err);
        if (st == RG_OK)
            st = rg_output_commit(out, &err);
        else
            rg_output_abort(out);
    }
    if (st == RG_EOUTPUT && err.errnum) {
        rc = write_failed(o.output, &err);
        if (g != full)
            rg_graph_free(g);
        rg_graph_free(full);
        return rc;
    }
    if (g != full)
        rg_graph_free(g);
    rg_graph_free(full);
    return st == RG_OK ? 0 : fail(&err);
}
