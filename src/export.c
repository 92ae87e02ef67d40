/*
 * export.c - the citation graph as files for other tools.
 *
 * Our own writers, so that integers stay integers: GraphML, GML, Pajek, GEXF,
 * Cytoscape.js JSON, networkx node-link JSON, a plain edge list, and the two
 * CSV files of Neo4j's admin import.  Every format carries the same attributes
 * (nodes: id, label, type, body, session, date, year, url; edges: kind,
 * weight, surface, file, line, para, verb, form) and leaves out unknown ones (NULL
 * or empty text, a session, year or line of 0).  Text from documents goes
 * through one escaping helper per syntax; invalid UTF-8 becomes U+FFFD in
 * every format.  The output depends on the graph alone: same graph, same bytes.
 */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const format_names[] = {"graphml",   "gml",       "pajek",    "gexf",
                                           "cytoscape", "node-link", "edgelist", "neo4j"};

int rg_export_format_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof format_names / sizeof *format_names; i++)
        if (strcmp(name, format_names[i]) == 0)
            return (int)i;
    return -1;
}

/* --- attributes ------------------------------------------------------------------ */

typedef struct attr {
    const char *name;
    bool integer;
} attr;

enum { N_ID, N_LABEL, N_TYPE, N_BODY, N_SESSION, N_DATE, N_YEAR, N_URL, NODE_ATTRS };
static const attr node_attrs[NODE_ATTRS] = {{"id", false},   {"label", false},  {"type", false},
                                            {"body", false}, {"session", true}, {"date", false},
                                            {"year", true},  {"url", false}};

enum { E_KIND, E_WEIGHT, E_SURFACE, E_FILE, E_LINE, E_PARA, E_VERB, E_FORM, EDGE_ATTRS };
static const attr edge_attrs[EDGE_ATTRS] = {{"kind", false},    {"weight", true}, {"surface", false},
                                            {"file", false},    {"line", true},   {"para", false},
                                            {"verb", false},    {"form", false}};

typedef struct val {
    const char *s; /* text attributes */
    long n;        /* integer attributes */
} val;

static const char *kind_name(rg_edge_kind k)
{
    return k == RG_CITES ? "cites" : "succeeds";
}

/* Attribute k of node i (or of edge i): false when it is unknown. */
static bool value(const rg_graph *g, bool edge, size_t i, int k, val *v)
{
    *v = (val){NULL, 0};
    if (edge) {
        rg_edge_info e = rg_graph_edge(g, i);
        switch (k) {
        case E_KIND: v->s = kind_name(e.kind); break;
        case E_WEIGHT: v->n = (long)e.weight; return true;
        case E_SURFACE: v->s = e.surface; break;
        case E_FILE: v->s = e.file; break;
        case E_LINE: v->n = (long)e.line; return v->n != 0;
        case E_PARA: v->s = e.para; break;
        case E_VERB: v->s = e.verb; break;
        default: v->s = e.form; break;
        }
    } else {
        const rg_node_info *n = rg_graph_node(g, i);
        switch (k) {
        case N_ID: v->s = n->id; break;
        case N_LABEL: v->s = n->label; break;
        case N_TYPE: v->s = n->type; break;
        case N_BODY: v->s = n->body; break;
        case N_SESSION: v->n = n->session; return v->n != 0;
        case N_DATE: v->s = n->date; break;
        case N_YEAR: v->n = n->year; return v->n != 0;
        default: v->s = n->url; break;
        }
    }
    return v->s && *v->s;
}

/* True when two edges join the same nodes (with different kinds): a multigraph. */
static bool has_parallel_edges(const rg_graph *g)
{
    for (size_t e = 1; e < rg_graph_edge_count(g); e++) {
        rg_edge_info a = rg_graph_edge(g, e - 1), b = rg_graph_edge(g, e);
        if (a.from == b.from && a.to == b.to)
            return true;
    }
    return false;
}

/* --- output: a buffer spilled to the file as it fills ------------------------------ */

typedef struct out {
    rg_buf b;
    FILE *f;
    int err; /* errno of a failed write, or 0 */
} out;

static void spill(out *o, bool all)
{
    if (o->b.failed || o->b.len == 0 || (!all && o->b.len < 65536))
        return;
    errno = 0;
    if (!o->err && fwrite(o->b.data, 1, o->b.len, o->f) != o->b.len)
        o->err = errno ? errno : EIO;
    o->b.len = 0;
}

static rg_status finish(out *o, const char *what, rg_error *err)
{
    spill(o, true);
    bool nomem = o->b.failed;
    rg_buf_free(&o->b);
    if (nomem)
        return rg_fail(err, RG_ENOMEM, "out of memory writing %s", what);
    if (o->err || ferror(o->f)) {
        errno = o->err ? o->err : EIO;
        return rg_write_failed(err, what);
    }
    return RG_OK;
}

/* --- text: one escaping helper per syntax ------------------------------------------ */

/* The next character of *s; an invalid byte reads as U+FFFD. */
static uint32_t next_char(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    size_t n = rg_utf8_seqlen(p, 4); /* stops at the NUL: it is no continuation byte */
    *s += n ? n : 1;
    return n ? rg_utf8_decode(p, n) : 0xFFFD;
}

static void put_char(rg_buf *b, uint32_t c)
{
    char u[4];
    size_t n = 0;
    if (c < 0x80) {
        u[n++] = (char)c;
    } else if (c < 0x800) {
        u[n++] = (char)(0xC0 | c >> 6);
        u[n++] = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        u[n++] = (char)(0xE0 | c >> 12);
        u[n++] = (char)(0x80 | (c >> 6 & 0x3F));
        u[n++] = (char)(0x80 | (c & 0x3F));
    } else {
        u[n++] = (char)(0xF0 | c >> 18);
        u[n++] = (char)(0x80 | (c >> 12 & 0x3F));
        u[n++] = (char)(0x80 | (c >> 6 & 0x3F));
        u[n++] = (char)(0x80 | (c & 0x3F));
    }
    rg_buf_add(b, u, n);
}

/* XML text and attribute values: markup characters as entities, tab and line
 * breaks as references (attribute normalization would eat them), characters
 * XML 1.0 forbids left out. */
static void xml_text(rg_buf *b, const char *s)
{
    while (*s) {
        uint32_t c = next_char(&s);
        const char *e = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;"
                      : c == '"' ? "&quot;" : c == '\'' ? "&apos;" : NULL;
        if (e)
            rg_buf_puts(b, e);
        else if (c == '\t' || c == '\n' || c == '\r')
            rg_buf_printf(b, "&#%u;", (unsigned)c);
        else if (c >= 0x20 && c != 0xFFFE && c != 0xFFFF)
            put_char(b, c);
    }
}

/* A JSON string; U+2028 and U+2029 escaped too, for JavaScript. */
static void json_text(rg_buf *b, const char *s)
{
    rg_buf_add(b, "\"", 1);
    while (*s) {
        uint32_t c = next_char(&s);
        const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
                      : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
        if (e)
            rg_buf_puts(b, e);
        else if (c < 0x20 || c == 0x2028 || c == 0x2029)
            rg_buf_printf(b, "\\u%04x", (unsigned)c);
        else
            put_char(b, c);
    }
    rg_buf_add(b, "\"", 1);
}

/* A GML string: ASCII only, so everything else, the quote and the ampersand
 * are character references, which networkx's read_gml turns back. */
static void gml_text(rg_buf *b, const char *s)
{
    rg_buf_add(b, "\"", 1);
    while (*s) {
        uint32_t c = next_char(&s);
        if (c == '"' || c == '&')
            rg_buf_puts(b, c == '"' ? "&quot;" : "&amp;");
        else if (c >= 0x20 && c < 0x7F)
            put_char(b, c);
        else
            rg_buf_printf(b, "&#%u;", (unsigned)c);
    }
    rg_buf_add(b, "\"", 1);
}

/* A Pajek label.  Pajek has no escapes: a double quote is written ', a
 * backslash / (shlex-based readers such as networkx's take it for one), line
 * breaks and other controls as spaces. */
static void pajek_text(rg_buf *b, const char *s)
{
    rg_buf_add(b, "\"", 1);
    while (*s) {
        uint32_t c = next_char(&s);
        put_char(b, c == '"' ? '\'' : c == '\\' ? '/' : c < 0x20 || c == 0x7F ? ' ' : c);
    }
    rg_buf_add(b, "\"", 1);
}

/* An edge-list field: tab, line breaks and backslash as \t, \n, \r, \\. */
static void tsv_text(rg_buf *b, const char *s)
{
    while (*s) {
        uint32_t c = next_char(&s);
        const char *e = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n"
                      : c == '\r' ? "\\r" : NULL;
        if (e)
            rg_buf_puts(b, e);
        else
            put_char(b, c);
    }
}

/* A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line
 * break, quotes doubled. */
static void csv_text(rg_buf *b, const char *s)
{
    bool quote = s[strcspn(s, ",\"\r\n")] != '\0';
    if (quote)
        rg_buf_add(b, "\"", 1);
    while (*s) {
        uint32_t c = next_char(&s);
        if (c == '"')
            rg_buf_add(b, "\"", 1);
        put_char(b, c);
    }
    if (quote)
        rg_buf_add(b, "\"", 1);
}

typedef void (*escaper)(rg_buf *, const char *);

static void put_value(rg_buf *b, const attr *a, const val *v, escaper esc)
{
    if (a->integer)
        rg_buf_printf(b, "%ld", v->n);
    else
        esc(b, v->s);
}

/* --- the formats ------------------------------------------------------------------ */

static void write_graphml(out *o, const rg_graph *g)
{
    rg_buf *b = &o->b;
    val v;
    rg_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
                   "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
                   "    xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
                   "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    for (int k = 0; k < NODE_ATTRS; k++)
        rg_buf_printf(b, "  <key id=\"%s\" for=\"node\" attr.name=\"%s\" attr.type=\"%s\"/>\n",
                      node_attrs[k].name, node_attrs[k].name, node_attrs[k].integer ? "int" : "string");
    for (int k = 0; k < EDGE_ATTRS; k++)
        rg_buf_printf(b, "  <key id=\"%s\" for=\"edge\" attr.name=\"%s\" attr.type=\"%s\"/>\n",
                      edge_attrs[k].name, edge_attrs[k].name, edge_attrs[k].integer ? "int" : "string");
    rg_buf_puts(b, "  <graph id=\"G\" edgedefault=\"directed\">\n");
    for (size_t i = 0; i < rg_graph_node_count(g); i++) {
        rg_buf_printf(b, "    <node id=\"n%zu\">\n", i);
        for (int k = 0; k < NODE_ATTRS; k++)
            if (value(g, false, i, k, &v)) {
                rg_buf_printf(b, "      <data key=\"%s\">", node_attrs[k].name);
                put_value(b, &node_attrs[k], &v, xml_text);
                rg_buf_puts(b, "</data>\n");
            }
        rg_buf_puts(b, "    </node>\n");
        spill(o, false);
    }
    for (size_t i = 0; i < rg_graph_edge_count(g); i++) {
        rg_edge_info e = rg_graph_edge(g, i);
        rg_buf_printf(b, "    <edge id=\"e%zu\" source=\"n%zu\" target=\"n%zu\">\n", i, e.from, e.to);
        for (int k = 0; k < EDGE_ATTRS; k++)
            if (value(g, true, i, k, &v)) {
                rg_buf_printf(b, "      <data key=\"%s\">", edge_attrs[k].name);
                put_value(b, &edge_attrs[k], &v, xml_text);
                rg_buf_puts(b, "</data>\n");
            }
        rg_buf_puts(b, "    </edge>\n");
        spill(o, false);
    }
    rg_buf_puts(b, "  </graph>\n</graphml>\n");
}

/* GEXF 1.3 for Gephi.  Node ids are the canonical ids; each node with a year
 * starts on the first of January of that year, so that Gephi's timeline plays
 * the series growing (nodes without a year are always there).  Edges carry
 * GEXF's own kind and weight (a double in GEXF, and a column of Gephi's own);
 * the other attributes are declared with numeric ids, as Gephi's own columns
 * id, label and weight must not be redeclared. */
static void write_gexf(out *o, const rg_graph *g)
{
    rg_buf *b = &o->b;
    val v;
    rg_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<gexf xmlns=\"http://gexf.net/1.3\" version=\"1.3\">\n"
                   "  <meta>\n    <creator>resgraph " RG_VERSION "</creator>\n"
                   "    <description>UN documents and the citations between them</description>\n"
                   "  </meta>\n"
                   "  <graph defaultedgetype=\"directed\" mode=\"dynamic\" timeformat=\"date\">\n"
                   "    <attributes class=\"node\">\n");
    for (int k = N_TYPE; k < NODE_ATTRS; k++)
        rg_buf_printf(b, "      <attribute id=\"%d\" title=\"%s\" type=\"%s\"/>\n", k,
                      node_attrs[k].name, node_attrs[k].integer ? "integer" : "string");
    rg_buf_puts(b, "    </attributes>\n    <attributes class=\"edge\">\n");
    for (int k = 0; k < EDGE_ATTRS; k++)
        if (k != E_WEIGHT)
            rg_buf_printf(b, "      <attribute id=\"%d\" title=\"%s\" type=\"%s\"/>\n", k,
                          edge_attrs[k].name, edge_attrs[k].integer ? "integer" : "string");
    rg_buf_printf(b, "    </attributes>\n    <nodes count=\"%zu\">\n", rg_graph_node_count(g));
    for (size_t i = 0; i < rg_graph_node_count(g); i++) {
        const rg_node_info *n = rg_graph_node(g, i);
        rg_buf_puts(b, "      <node id=\"");
        xml_text(b, n->id);
        if (value(g, false, i, N_LABEL, &v)) {
            rg_buf_puts(b, "\" label=\"");
            xml_text(b, v.s);
        }
        if (n->year)
            rg_buf_printf(b, "\" start=\"%04d-01-01", n->year);
        rg_buf_puts(b, "\">\n        <attvalues>\n");
        for (int k = N_TYPE; k < NODE_ATTRS; k++)
            if (value(g, false, i, k, &v)) {
                rg_buf_printf(b, "          <attvalue for=\"%d\" value=\"", k);
                put_value(b, &node_attrs[k], &v, xml_text);
                rg_buf_puts(b, "\"/>\n");
            }
        rg_buf_puts(b, "        </attvalues>\n      </node>\n");
        spill(o, false);
    }
    rg_buf_printf(b, "    </nodes>\n    <edges count=\"%zu\">\n", rg_graph_edge_count(g));
    for (size_t i = 0; i < rg_graph_edge_count(g); i++) {
        rg_edge_info e = rg_graph_edge(g, i);
        rg_buf_printf(b, "      <edge id=\"%zu\" source=\"", i);
        xml_text(b, rg_graph_node(g, e.from)->id);
        rg_buf_puts(b, "\" target=\"");
        xml_text(b, rg_graph_node(g, e.to)->id);
        rg_buf_printf(b, "\" kind=\"%s\" weight=\"%zu\">\n        <attvalues>\n", kind_name(e.kind),
                      e.weight);
        for (int k = 0; k < EDGE_ATTRS; k++)
            if (k != E_WEIGHT && value(g, true, i, k, &v)) {
                rg_buf_printf(b, "          <attvalue for=\"%d\" value=\"", k);
                put_value(b, &edge_attrs[k], &v, xml_text);
                rg_buf_puts(b, "\"/>\n");
            }
        rg_buf_puts(b, "        </attvalues>\n      </edge>\n");
        spill(o, false);
    }
    rg_buf_puts(b, "    </edges>\n  </graph>\n</gexf>\n");
}

/* GML as networkx reads it: the unique canonical id is the node's `label`
 * (networkx names nodes by it), the short label is `name`. */
static void write_gml(out *o, const rg_graph *g)
{
    rg_buf *b = &o->b;
    val v;
    rg_buf_printf(b, "Creator \"resgraph %s\"\ngraph [\n  directed 1\n%s", RG_VERSION,
                  has_parallel_edges(g) ? "  multigraph 1\n" : "");
    for (size_t i = 0; i < rg_graph_node_count(g); i++) {
        rg_buf_printf(b, "  node [\n    id %zu\n", i);
        for (int k = 0; k < NODE_ATTRS; k++)
            if (value(g, false, i, k, &v)) {
                rg_buf_printf(b, "    %s ", k == N_ID ? "label" : k == N_LABEL ? "name" : node_attrs[k].name);
                put_value(b, &node_attrs[k], &v, gml_text);
                rg_buf_puts(b, "\n");
            }
        rg_buf_puts(b, "  ]\n");
        spill(o, false);
    }
    for (size_t i = 0; i < rg_graph_edge_count(g); i++) {
        rg_edge_info e = rg_graph_edge(g, i);
        rg_buf_printf(b, "  edge [\n    source %zu\n    target %zu\n", e.from, e.to);
        for (int k = 0; k < EDGE_ATTRS; k++)
            if (value(g, true, i, k, &v)) {
                rg_buf_printf(b, "    %s ", edge_attrs[k].name);
                put_value(b, &edge_attrs[k], &v, gml_text);
                rg_buf_puts(b, "\n");
            }
        rg_buf_puts(b, "  ]\n");
        spill(o, false);
    }
    rg_buf_puts(b, "]\n");
}

/* Pajek .net, UTF-8 with a byte-order mark (Pajek reads Chinese only so).
 * Vertices are labelled with their short label, or their id where two short
 * labels are the same (readers such as networkx name vertices by label). */
static void write_pajek(out *o, const rg_graph *g)
{
    rg_buf *b = &o->b;
    size_t n = rg_graph_node_count(g);
    bool *dup = calloc(n ? n : 1, sizeof *dup);
    rg_strmap seen = {0};
    bool ok = dup != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        size_t first;
        const char *label = rg_graph_node(g, i)->label;
        ok = !label || rg_strmap_put(&seen, label, i, &first);
        if (ok && label && first != i)
            dup[first] = dup[i] = true;
    }
    rg_strmap_free(&seen);
    if (!ok) {
        free(dup);
        o->b.failed = true;
        return;
    }
    rg_buf_printf(b, "\xEF\xBB\xBF*Network resgraph\n*Vertices %zu\n", n);
    for (size_t i = 0; i < n; i++) {
        const rg_node_info *v = rg_graph_node(g, i);
        rg_buf_printf(b, "%zu ", i + 1);
        pajek_text(b, dup[i] || !v->label ? v->id : v->label);
        rg_buf_puts(b, "\n");
        spill(o, false);
    }
    free(dup);
    rg_buf_puts(b, "*Arcs\n");
    for (size_t i = 0; i < rg_graph_edge_count(g); i++) {
        rg_edge_info e = rg_graph_edge(g, i);
        rg_buf_printf(b, "%zu %zu %zu l \"%s\"\n", e.from + 1, e.to + 1, e.weight, kind_name(e.kind));
        spill(o, false);
    }
}

/* `,"name":value` for each known attribute of node or edge i from attribute `from` on. */
static void json_attrs(rg_buf *b, const rg_graph *g, bool edge, size_t i, int from)
{
    const attr *as = edge ? edge_attrs : node_attrs;
    val v;
    for (int k = from; k < (edge ? EDGE_ATTRS : NODE_ATTRS); k++)
        if (value(g, edge, i, k, &v)) {
            rg_buf_printf(b, ",\"%s\":", as[k].name);
            put_value(b, &as[k], &v, json_text);
        }
}

/* Cytoscape.js elements, and networkx node-link data (networkx 3.6's default
 * "edges"; a multigraph keyed by kind when two nodes are joined by both kinds).
 * One element per line. */
static void write_json(out *o, const rg_graph *g, bool cytoscape)
{
    rg_buf *b = &o->b;
    bool multi = has_parallel_edges(g);
    if (cytoscape)
        rg_buf_puts(b, "{\"elements\":{\"nodes\":[");
    else
        rg_buf_printf(b, "{\"directed\":true,\"multigraph\":%s,\"graph\":{},\"nodes\":[",
                      multi ? "true" : "false");
    for (size_t i = 0; i < rg_graph_node_count(g); i++) {
        rg_buf_puts(b, i ? ",\n" : "\n");
        rg_buf_puts(b, cytoscape ? "{\"data\":{\"id\":" : "{\"id\":");
        json_text(b, rg_graph_node(g, i)->id);
        json_attrs(b, g, false, i, N_LABEL);
        rg_buf_puts(b, cytoscape ? "}}" : "}");
        spill(o, false);
    }
    rg_buf_puts(b, "\n],\"edges\":[");
    for (size_t i = 0; i < rg_graph_edge_count(g); i++) {
        rg_edge_info e = rg_graph_edge(g, i);
        rg_buf_puts(b, i ? ",\n" : "\n");
        if (cytoscape)
            rg_buf_printf(b, "{\"data\":{\"id\":\"e%zu\",", i);
        else
            rg_buf_puts(b, "{");
        rg_buf_puts(b, "\"source\":");
        json_text(b, rg_graph_node(g, e.from)->id);
        rg_buf_puts(b, ",\"target\":");
        json_text(b, rg_graph_node(g, e.to)->id);
        if (multi && !cytoscape)
            rg_buf_printf(b, ",\"key\":\"%s\"", kind_name(e.kind));
        json_attrs(b, g, true, i, 0);
        rg_buf_puts(b, cytoscape ? "}}" : "}");
        spill(o, false);
    }
    rg_buf_puts(b, cytoscape ? "\n]}}\n" : "\n]}\n");
}

static void write_edgelist(out *o, const rg_graph *g)
{
    rg_buf *b = &o->b;
    rg_buf_puts(b, "# citing\tcited\tkind\tweight\n");
    for (size_t i = 0; i < rg_graph_edge_count(g); i++) {
        rg_edge_info e = rg_graph_edge(g, i);
        tsv_text(b, rg_graph_node(g, e.from)->id);
        rg_buf_puts(b, "\t");
        tsv_text(b, rg_graph_node(g, e.to)->id);
        rg_buf_printf(b, "\t%s\t%zu\n", kind_name(e.kind), e.weight);
        spill(o, false);
    }
}

rg_status rg_export(const rg_graph *g, rg_export_format fmt, FILE *f, rg_error *err)
{
    if ((unsigned)fmt >= sizeof format_names / sizeof *format_names)
        return rg_fail(err, RG_EUSAGE, "unknown export format");
    if (fmt == RG_EXPORT_NEO4J)
        return rg_fail(err, RG_EUSAGE, "neo4j writes two files: use rg_export_neo4j()");
    out o = {.f = f};
    switch (fmt) {
    case RG_EXPORT_GRAPHML: write_graphml(&o, g); break;
    case RG_EXPORT_GML: write_gml(&o, g); break;
    case RG_EXPORT_PAJEK: write_pajek(&o, g); break;
    case RG_EXPORT_GEXF: write_gexf(&o, g); break;
    case RG_EXPORT_CYTOSCAPE: write_json(&o, g, true); break;
    case RG_EXPORT_NODELINK: write_json(&o, g, false); break;
    default: write_edgelist(&o, g); break;
    }
    return finish(&o, format_names[fmt], err);
}

/* Neo4j admin import: typed headers, one row per node or edge, RFC 4180 quoting
 * (fields with line breaks need --multiline-fields).  A node's :LABEL is its
 * type, an edge's :TYPE its kind, in Neo4j's letter case. */
rg_status rg_export_neo4j(const rg_graph *g, FILE *nodes, FILE *edges, rg_error *err)
{
    out on = {.f = nodes}, oe = {.f = edges};
    val v;
    for (int k = 0; k < NODE_ATTRS; k++)
        rg_buf_printf(&on.b, "%s%s,", node_attrs[k].name,
                      k == N_ID ? ":ID" : node_attrs[k].integer ? ":int" : "");
    rg_buf_puts(&on.b, ":LABEL\n");
    for (size_t i = 0; i < rg_graph_node_count(g); i++) {
        for (int k = 0; k < NODE_ATTRS; k++) {
            if (value(g, false, i, k, &v))
                put_value(&on.b, &node_attrs[k], &v, csv_text);
            rg_buf_puts(&on.b, ",");
        }
        const char *type = value(g, false, i, N_TYPE, &v) ? v.s : "document";
        rg_buf_printf(&on.b, "%c%s\n", toupper((unsigned char)type[0]), type + 1);
        spill(&on, false);
    }
    rg_buf_puts(&oe.b, ":START_ID,:END_ID,:TYPE");
    for (int k = E_WEIGHT; k < EDGE_ATTRS; k++)
        rg_buf_printf(&oe.b, ",%s%s", edge_attrs[k].name, edge_attrs[k].integer ? ":int" : "");
    rg_buf_puts(&oe.b, "\n");
    for (size_t i = 0; i < rg_graph_edge_count(g); i++) {
        rg_edge_info e = rg_graph_edge(g, i);
        csv_text(&oe.b, rg_graph_node(g, e.from)->id);
        rg_buf_puts(&oe.b, ",");
        csv_text(&oe.b, rg_graph_node(g, e.to)->id);
        rg_buf_puts(&oe.b, e.kind == RG_CITES ? ",CITES" : ",SUCCEEDS");
        for (int k = E_WEIGHT; k < EDGE_ATTRS; k++) {
            rg_buf_puts(&oe.b, ",");
            if (value(g, true, i, k, &v))
                put_value(&oe.b, &edge_attrs[k], &v, csv_text);
        }
        rg_buf_puts(&oe.b, "\n");
        spill(&oe, false);
    }
    rg_status sn = finish(&on, "nodes.csv", err);
    rg_status se = finish(&oe, "edges.csv", sn == RG_OK ? err : NULL);
    return sn != RG_OK ? sn : se;
}
