/*
 * export.c - the citation graph as files for other tools.
 *
 * Chooses the writer for each format.  GraphML is written by igraph's own
 * writer (graph.c holds igraph); the node attributes are id, label, type,
 * body, session, date, year and url, the edge attributes kind (cites or
 * succeeds), surface, line and weight.
 */
#include "internal.h"

rg_status rg_export(const rg_graph *g, rg_export_format fmt, FILE *out, rg_error *err)
{
    switch (fmt) {
    case RG_EXPORT_GRAPHML:
        return rg_graph_write_igraph(g, "graphml", out, err);
    }
    return rg_fail(err, RG_EUSAGE, "unknown export format");
}
