/*
 * export.c - the citation graph as files for other tools.
 *
 * Chooses the writer for each format.  GraphML is written by igraph's own
 * writer (graph.c holds igraph); the node attributes are id, label, type,
 * body, session, date, year and url, the edge attributes kind (cites or
 * succeeds), surface, line and weight.
 */
#include "internal.h"

#include <string.h>

int rg_export_format_by_name(const char *name)
{
    return strcmp(name, "graphml") == 0 ? (int)RG_EXPORT_GRAPHML : -1;
}

rg_status rg_export(const rg_graph *g, rg_export_format fmt, FILE *out, rg_error *err)
{
    switch (fmt) {
    case RG_EXPORT_GRAPHML:
        return rg_graph_write_igraph(g, "graphml", out, err);
    default:
        return rg_fail(err, RG_EUSAGE, "unknown export format");
    }
}

rg_status rg_export_neo4j(const rg_graph *g, FILE *nodes, FILE *edges, rg_error *err)
{
    return rg_fail(err, RG_EUSAGE, "unknown export format 'neo4j'");
}
