/*
 * cmd_draw.c - the commands that write the graph out: render and export.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage_render[] =
    "usage: resgraph render [--format svg|dot] [-o FILE] [--root ID] [--from ID] FILE...\n"
    "Draws the citation graph with Graphviz: one row per year, the lineage chain from\n"
    "--from (default: the document with the longest chain) to the root highlighted.\n";

/* The chain to highlight: from --from, else the longest of the documents read. */
static rg_chain *chain_to_show(const rg_graph *g, long from, long root)
{
    rg_chain *best = NULL;
    for (size_t v = 0; v < rg_graph_node_count(g); v++) {
        if (from >= 0 ? (long)v != from : !rg_graph_node_is_source(g, v))
            continue;
        rg_chain *c;
        if (rg_lineage(g, v, (size_t)root, &c, NULL) != RG_OK)
            continue;
        if (!best || c->len > best->len) {
            rg_chain_free(best);
            best = c;
        } else {
            rg_chain_free(c);
        }
    }
    return best;
}

int cmd_render(int argc, char **argv)
{
    opts o = {0};
    int first, rc = parse_options(argc, argv, "rFfohqDECRXde", &o, &first);
    if (rc >= 0)
        return rc;
    if (o.help)
        return fputs(usage_render, stdout), 0;
    const char *format = o.format ? o.format : "svg";
    if (strcmp(format, "svg") && strcmp(format, "dot"))
        return error(RG_EUSAGE, "render: unknown format '%s' (svg or dot)", format);
    docs ds = {0};
    rg_graph *g = NULL;
    if ((rc = load_graph(argc - first, argv + first, &o, &ds, &g))) {
        free_docs(&ds);
        rg_graph_free(g);
        return rc;
    }
    long from = -1, root = -1;
    char rootid[256] = "";
    rg_error err = {0};
    if (rg_id_canonical(o.root ? o.root : DEFAULT_ROOT, rootid, sizeof rootid, &err) != RG_OK ||
        (o.from && (rc = resolve_id(g, o.from, "--from", &from)))) {
        free_docs(&ds);
        rg_graph_free(g);
        return rc ? rc : fail(&err);
    }
    root = rg_graph_find(g, rootid);
    if (root < 0 && o.root) {
        free_docs(&ds);
        rg_graph_free(g);
        return error(RG_ENOTFOUND, "root %s is not in the graph", rootid);
    }
    rg_chain *c = root >= 0 ? chain_to_show(g, from, root) : NULL;
    if (!c && o.from)
        warn("no chain leads from --from to the root; nothing is highlighted");
    rg_render_options ro = {.format = format, .chain = c, .root = root >= 0 ? rootid : NULL};
    rg_output *out;
    rg_status st = rg_output_open(o.output, &out, &err);
    if (st == RG_OK) {
        st = rg_render(g, &ro, rg_output_file(out), &err);
        if (st == RG_OK)
            st = rg_output_commit(out, &err);
        else
            rg_output_abort(out);
    }
    rg_chain_free(c);
    free_docs(&ds);
    rg_graph_free(g);
    return st == RG_OK ? 0 : fail(&err);
}

static const char usage_export[] =
    "usage: resgraph export --format FORMAT [-o FILE] FILE...\n"
    "Writes the citation graph for other tools.  FORMAT: graphml, gml, pajek, gexf,\n"
    "cytoscape, node-link, edgelist, or neo4j (then -o names a directory that receives\n"
    "nodes.csv and edges.csv).  Node attributes: id, label, type, body, session, date,\n"
    "year, url; edge attributes: kind (cites or succeeds), weight, surface, line, para, verb.\n";

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
    int first, rc = parse_options(argc, argv, "fohqDECR", &o, &first);
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
    docs ds = {0};
    rg_graph *g = NULL;
    if ((rc = load_graph(argc - first, argv + first, &o, &ds, &g))) {
        free_docs(&ds);
        rg_graph_free(g);
        return rc;
    }
    if (fmt == RG_EXPORT_NEO4J) {
        rc = export_neo4j(g, o.output);
        free_docs(&ds);
        rg_graph_free(g);
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
    free_docs(&ds);
    rg_graph_free(g);
    return st == RG_OK ? 0 : fail(&err);
}
