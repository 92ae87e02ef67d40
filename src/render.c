/*
 * render.c - the citation graph drawn with Graphviz (cgraph and gvc).
 *
 * Builds a cgraph graph from the citation graph: one node per document,
 * labelled with its short id and adoption date, placed in the row of its
 * year (a labelled time axis runs down the left, newest at the top); the
 * lineage chain and its root highlighted; inferred edges dashed; every node
 * a link to its document on undocs.org with a tooltip.  gvc lays it out and
 * renders it in process.  Text that comes from documents is cleaned before it
 * becomes an attribute, so no quote, backslash or control character can break
 * the DOT or the SVG.  This is the only file that includes the Graphviz
 * headers.
 */
#include "internal.h"

#include <gvc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define C_CHAIN "#1f4e9c"
#define C_CHAIN_FILL "#dce8f8"
#define C_ROOT_FILL "#f5d76e"
#define C_ROOT "#8a6d00"
#define C_OTHER "#9a9a9a"
#define C_EDGE "#c4c4c4"
#define C_AXIS "#777777"

/* Graphviz reports problems through one global function; collect them. */
static pthread_mutex_t gv_lock = PTHREAD_MUTEX_INITIALIZER;
static rg_buf gv_errors;

/* Graphviz 2.43's pango text layout keeps a pointer to the last font name it
 * measured, and that name belongs to the context's font dictionary: once a
 * context is freed, the next drawing in the same process reads freed memory.
 * So one context serves the process, freed by rg_cleanup(). */
static GVC_t *context;

void rg_render_cleanup(void)
{
    pthread_mutex_lock(&gv_lock);
    if (context) {
        gvFreeContext(context);
        context = NULL;
    }
    pthread_mutex_unlock(&gv_lock);
}

/* Graphviz sends a message in pieces ("Error", ": ", "...\n") and ends each
 * with a newline: the newlines become "; " between messages and none is kept
 * at the end, so that resgraph's message stays one line. */
static bool gv_line_ended;

static int on_gv_error(char *msg)
{
    for (; *msg; msg++) {
        if (*msg == '\n' || *msg == '\r') {
            gv_line_ended = gv_errors.len > 0;
            continue;
        }
        if (gv_line_ended)
            rg_buf_add(&gv_errors, "; ", 2);
        gv_line_ended = false;
        rg_buf_add(&gv_errors, msg, 1);
    }
    return 0;
}

/* Object ids in the order objects are made.  cgraph's own discipline uses the
 * address of a name's string as its object's id, and keeps subgraphs in id
 * order: the rows of years would come out (and be laid out) in an order that
 * depends on where malloc put the strings, which differs from run to run.
 * Here a name's id is 2n for the n-th name met, an anonymous object's is odd. */
typedef struct ids {
    rg_strmap index; /* name -> its number */
    rg_arena names;
    char **by_number;
    size_t n, cap;
    IDTYPE anonymous;
} ids;

static void *ids_open(Agraph_t *g, Agdisc_t *disc)
{
    (void)g;
    (void)disc;
    ids *st = calloc(1, sizeof *st);
    if (st)
        st->anonymous = 1;
    return st;
}

static long ids_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
    ids *st = state;
    (void)objtype;
    if (!str) {
        *id = st->anonymous;
        st->anonymous += 2;
        return 1;
    }
    long known = rg_strmap_get(&st->index, str);
    if (known >= 0) {
        *id = 2 * (IDTYPE)(known + 1);
        return 1;
    }
    if (!createflag)
        return 0;
    char *kept = rg_arena_strdup(&st->names, str);
    size_t found;
    if (!kept || !rg_grow(&st->by_number, &st->cap, st->n + 1, sizeof *st->by_number) ||
        !rg_strmap_put(&st->index, kept, st->n, &found))
        return 0;
    st->by_number[st->n] = kept;
    *id = 2 * (IDTYPE)(++st->n);
    return 1;
}

static long ids_alloc(void *state, int objtype, IDTYPE request)
{
    (void)state;
    (void)objtype;
    return !(request & 1); /* no anonymous id may be asked for */
}

static void ids_free(void *state, int objtype, IDTYPE id)
{
    (void)state;
    (void)objtype;
    (void)id; /* names live until the graph is closed */
}

static char *ids_print(void *state, int objtype, IDTYPE id)
{
    ids *st = state;
    (void)objtype;
    return id % 2 == 0 && id / 2 >= 1 && id / 2 <= st->n ? st->by_number[id / 2 - 1] : NULL;
}

static void ids_close(void *state)
{
    ids *st = state;
    if (!st)
        return;
    rg_strmap_free(&st->index);
    rg_arena_free(&st->names);
    free(st->by_number);
    free(st);
}

static void ids_register(void *state, int objtype, void *obj)
{
    (void)state;
    (void)objtype;
    (void)obj;
}

static Agiddisc_t id_disc = {ids_open, ids_map, ids_alloc, ids_free, ids_print, ids_close,
                             ids_register};

/* Text for an escString attribute: whitespace runs become one space, control
 * characters go, backslashes are doubled (\N, \n would be interpreted), and
 * long text is cut at a character boundary. */
static char *clean_text(rg_arena *a, const char *s, size_t max)
{
    rg_buf b = {0};
    bool space = false;
    size_t chars = 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t l = rg_utf8_seqlen(p + i, n - i);
        if (l == 0) {
            i++;
            continue;
        }
        uint32_t c = rg_utf8_decode(p + i, l);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000 || c == 0xA0) {
            space = b.len > 0;
            i += l;
            continue;
        }
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
            i += l;
            continue;
        }
        if (space)
            rg_buf_add(&b, " ", 1);
        space = false;
        if (++chars > max) {
            rg_buf_puts(&b, "…");
            break;
        }
        if (c == '\\')
            rg_buf_add(&b, "\\\\", 2);
        else
            rg_buf_add(&b, s + i, l);
        i += l;
    }
    char *out = rg_arena_strdup(a, b.data ? b.data : "");
    rg_buf_free(&b);
    return out;
}

/* A long symbol broken at its slashes into lines of about 14 characters
 * ("A/AC.292/2023/" "INF/5"), with Graphviz's \n between them. */
static void wrap_label(const char *label, char *out, size_t n)
{
    size_t o = 0, line = 0;
    for (const char *p = label; *p && o + 4 < n; p++) {
        out[o++] = *p;
        line++;
        if (*p == '/' && line >= 10 && strlen(p + 1) > 3) {
            out[o++] = '\\';
            out[o++] = 'n';
            line = 0;
        }
    }
    out[o] = '\0';
}

/* Text inside an HTML-like label. */
static void html_escape(rg_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': rg_buf_puts(b, "&amp;"); break;
        case '<': rg_buf_puts(b, "&lt;"); break;
        case '>': rg_buf_puts(b, "&gt;"); break;
        case '"': rg_buf_puts(b, "&quot;"); break;
        default: rg_buf_add(b, s, 1);
        }
    }
}

static void set(void *obj, const char *name, const char *value)
{
    agsafeset(obj, (char *)name, (char *)value, "");
}

static int cmp_year_desc(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x < y) - (x > y);
}

/* The drawing's title and legend, as an HTML-like label. */
static void set_legend(Agraph_t *ag, const rg_graph *g, const rg_render_options *opt)
{
    rg_buf b = {0};
    rg_buf_puts(&b, "<TABLE BORDER=\"0\" CELLSPACING=\"2\" CELLPADDING=\"2\">");
    if (opt->chain && opt->chain->len > 0) {
        const rg_chain *c = opt->chain;
        rg_buf_puts(&b, "<TR><TD COLSPAN=\"4\"><FONT POINT-SIZE=\"16\"><B>Lineage of ");
        html_escape(&b, rg_graph_node_id(g, c->nodes[0]));
        rg_buf_puts(&b, " back to ");
        html_escape(&b, rg_graph_node_id(g, c->nodes[c->len - 1]));
        /* a count of hundreds of digits is shown by its magnitude */
        char shown[40];
        size_t digits = strlen(c->count);
        if (c->count[0] != '~' && digits > 15)
            snprintf(shown, sizeof shown, "about %c.%.3se+%zu", c->count[0], c->count + 1,
                     digits - 1);
        else if (c->count[0] == '~')
            snprintf(shown, sizeof shown, "about %s", c->count + 1);
        else
            snprintf(shown, sizeof shown, "%s", c->count);
        rg_buf_printf(&b, "</B></FONT></TD></TR><TR><TD COLSPAN=\"4\">"
                          "<FONT POINT-SIZE=\"11\" COLOR=\"#555555\">%zu documents in the longest "
                          "chain; %s distinct chains</FONT></TD></TR>",
                      c->len, shown);
    }
    rg_buf_puts(&b, "<TR><TD COLSPAN=\"4\"><TABLE BORDER=\"0\" CELLSPACING=\"10\"><TR>"
                    "<TD><FONT COLOR=\"" C_CHAIN "\" POINT-SIZE=\"11\">━━  lineage chain</FONT></TD>"
                    "<TD><FONT COLOR=\"" C_OTHER "\" POINT-SIZE=\"11\">──  cites</FONT></TD>"
                    "<TD><FONT COLOR=\"" C_OTHER "\" POINT-SIZE=\"11\">╌╌  succeeds (inferred "
                    "from a chronological recital)</FONT></TD>"
                    "<TD BORDER=\"1\" STYLE=\"ROUNDED\" COLOR=\"" C_CHAIN "\">"
                    "<FONT POINT-SIZE=\"11\"> split / merge </FONT></TD>"
                    "<TD BGCOLOR=\"" C_ROOT_FILL "\" BORDER=\"1\" COLOR=\"" C_ROOT "\">"
                    "<FONT POINT-SIZE=\"11\">  root  </FONT></TD>"
                    "</TR></TABLE></TD></TR></TABLE>");
    if (b.data) {
        Agsym_t *sym = agattr(ag, AGRAPH, "label", "");
        char *html = agstrdup_html(ag, b.data);
        agxset(ag, sym, html);
        agstrfree(ag, html);
    }
    rg_buf_free(&b);
}

static rg_status build(Agraph_t *ag, const rg_graph *g, const rg_render_options *opt,
                       bool by_year, rg_arena *a, rg_error *err)
{
    size_t n = rg_graph_node_count(g), m = rg_graph_edge_count(g);
    if (by_year) {
        set(ag, "rankdir", "TB");
        set(ag, "newrank", "true");
        set(ag, "concentrate", "true"); /* a document citing its whole series: one trunk */
        set(ag, "ranksep", "0.28");
        set(ag, "nodesep", "0.25");
    } else {
        set(ag, "overlap", "prism");
        set(ag, "outputorder", "edgesfirst");
        set(ag, "splines", "false");
    }
    set(ag, "fontname", "Helvetica,Arial,sans-serif");
    set(ag, "labelloc", "t");
    set(ag, "bgcolor", "white");
    set(ag, "pad", "0.3");
    agattr(ag, AGNODE, "shape", "box");
    agattr(ag, AGNODE, "style", "rounded,filled");
    agattr(ag, AGNODE, "fillcolor", "white");
    agattr(ag, AGNODE, "color", C_OTHER);
    agattr(ag, AGNODE, "fontname", "Helvetica,Arial,sans-serif");
    agattr(ag, AGNODE, "fontsize", "11");
    agattr(ag, AGNODE, "margin", "0.10,0.03");
    agattr(ag, AGNODE, "height", "0.3");
    agattr(ag, AGEDGE, "color", C_EDGE);
    agattr(ag, AGEDGE, "arrowsize", "0.55");
    agattr(ag, AGEDGE, "penwidth", "0.8");
    set_legend(ag, g, opt);

    /* which nodes and edges are on the chain */
    char *on_chain = calloc(n ? n : 1, 1);
    size_t *next = malloc((n ? n : 1) * sizeof *next);
    int *years = malloc((n ? n : 1) * sizeof *years);
    Agnode_t **nodes = calloc(n ? n : 1, sizeof *nodes);
    if (!on_chain || !next || !years || !nodes) {
        free(on_chain);
        free(next);
        free(years);
        free(nodes);
        return rg_fail(err, RG_ENOMEM, "out of memory");
    }
    const rg_chain *c = opt->chain;
    if (c)
        for (size_t i = 0; i < c->len; i++) {
            on_chain[c->nodes[i]] = 1;
            next[c->nodes[i]] = i + 1 < c->len ? c->nodes[i + 1] : SIZE_MAX;
        }
    long root = opt->root ? rg_graph_find(g, opt->root) : -1;
    /* where the lineage splits and merges: a double border and a word in the tooltip */
    rg_branch *br = NULL;
    size_t nbr = 0;
    if (c && c->len > 1 &&
        rg_branches(g, c->nodes[0], c->nodes[c->len - 1], &br, &nbr, NULL) != RG_OK)
        nbr = 0;

    /* the time axis: one row per year that has a document, newest first */
    size_t ny = 0;
    for (size_t v = 0; v < n && by_year; v++)
        if (rg_graph_node(g, v)->year)
            years[ny++] = rg_graph_node(g, v)->year;
    qsort(years, ny, sizeof *years, cmp_year_desc);
    size_t nuniq = 0;
    for (size_t i = 0; i < ny; i++)
        if (nuniq == 0 || years[nuniq - 1] != years[i])
            years[nuniq++] = years[i];
    Agnode_t *prev_axis = NULL;
    for (size_t i = 0; i < nuniq; i++) {
        char name[32], label[16];
        snprintf(name, sizeof name, "year%d", years[i]);
        snprintf(label, sizeof label, "%d", years[i]);
        Agraph_t *row = agsubg(ag, name, 1);
        set(row, "rank", "same");
        snprintf(name, sizeof name, "axis:%d", years[i]);
        Agnode_t *axis = agnode(row, name, 1);
        set(axis, "label", label);
        set(axis, "shape", "plaintext");
        set(axis, "style", "");
        set(axis, "fontcolor", C_AXIS);
        set(axis, "fontsize", "12");
        if (prev_axis) {
            Agedge_t *e = agedge(ag, prev_axis, axis, NULL, 1);
            set(e, "style", "invis");
        }
        prev_axis = axis;
    }

    for (size_t v = 0; v < n; v++) {
        const rg_node_info *nv = rg_graph_node(g, v);
        Agraph_t *home = ag;
        if (nv->year && by_year) {
            char name[32];
            snprintf(name, sizeof name, "year%d", nv->year);
            home = agsubg(ag, name, 0);
        }
        Agnode_t *an = agnode(home, (char *)nv->id, 1);
        nodes[v] = an;
        char label[600], tip[800], when[32];
        if (nv->date)
            snprintf(when, sizeof when, "%s", nv->date);
        else if (nv->year)
            snprintf(when, sizeof when, "%d", nv->year);
        else
            when[0] = '\0';
        const char *shown = clean_text(a, nv->label, 120);
        char wrapped[400];
        wrap_label(shown ? shown : "", wrapped, sizeof wrapped);
        snprintf(label, sizeof label, "%s%s%s", wrapped, when[0] ? "\\n" : "", when);
        set(an, "label", label);
        int tl = snprintf(tip, sizeof tip, "%s (%s %s%s%s)", nv->id, nv->body, nv->type,
                          when[0] ? ", " : "", when);
        for (size_t b = 0; b < nbr && tl > 0 && (size_t)tl < sizeof tip; b++) {
            if (br[b].node != v)
                continue;
            tl += snprintf(tip + tl, sizeof tip - (size_t)tl, "; %s", br[b].merge ? "joins" : "the line splits after it:");
            for (size_t k = 0; k < br[b].nlines && (size_t)tl < sizeof tip; k++)
                tl += snprintf(tip + tl, sizeof tip - (size_t)tl, " %s",
                               rg_graph_node(g, br[b].lines[k])->label);
            set(an, "peripheries", "2");
        }
        set(an, "tooltip", clean_text(a, tip, 300));
        if (nv->url[0]) {
            set(an, "URL", nv->url);
            set(an, "target", "_blank");
        }
        if ((long)v == root) {
            set(an, "fillcolor", C_ROOT_FILL);
            set(an, "color", C_ROOT);
            set(an, "penwidth", "2");
            set(an, "fontname", "Helvetica-Bold,Arial Bold,sans-serif");
        } else if (on_chain[v] && c && v == c->nodes[0]) {
            set(an, "fillcolor", C_CHAIN);
            set(an, "fontcolor", "white");
            set(an, "color", C_CHAIN);
            set(an, "penwidth", "2");
            set(an, "fontname", "Helvetica-Bold,Arial Bold,sans-serif");
        } else if (on_chain[v]) {
            set(an, "fillcolor", C_CHAIN_FILL);
            set(an, "color", C_CHAIN);
            set(an, "penwidth", "1.6");
        }
    }

    for (size_t k = 0; k < m; k++) {
        rg_edge_info edge = rg_graph_edge(g, k);
        const rg_edge_info *ed = &edge;
        Agedge_t *e = agedge(ag, nodes[ed->from], nodes[ed->to], NULL, 1);
        bool chain_edge = on_chain[ed->from] && next[ed->from] == ed->to;
        if (chain_edge && c) {
            /* the chain's own edge of the kind it took */
            for (size_t i = 0; i + 1 < c->len; i++)
                if (c->nodes[i] == ed->from && c->kinds[i] != ed->kind)
                    chain_edge = false;
        }
        if (ed->kind == RG_SUCCEEDS)
            set(e, "style", "dashed");
        if (chain_edge) {
            set(e, "color", C_CHAIN);
            set(e, "penwidth", "2.2");
            set(e, "arrowsize", "0.7");
            set(e, "weight", "10");
        } else {
            set(e, "constraint", ed->kind == RG_SUCCEEDS ? "true" : "false");
        }
        char tip[1600], where[600] = "";
        if (ed->file)
            snprintf(where, sizeof where, " (%s, line %zu%s)", ed->file, ed->line,
                     ed->weight > 1 ? ", and more" : "");
        snprintf(tip, sizeof tip, "%s %s %s%s%s%s", rg_graph_node(g, ed->from)->label,
                 ed->kind == RG_CITES ? "cites" : "succeeds (inferred)",
                 rg_graph_node(g, ed->to)->label,
                 ed->context || ed->surface ? ": " : "",
                 ed->context ? ed->context : ed->surface ? ed->surface : "", where);
        set(e, "tooltip", clean_text(a, tip, 400));
    }
    rg_branches_free(br, nbr);
    free(on_chain);
    free(next);
    free(years);
    free(nodes);
    return RG_OK;
}

rg_status rg_render(const rg_graph *g, const rg_render_options *opt, FILE *out, rg_error *err)
{
    const char *format = opt->format ? opt->format : "svg";
    const char *engine = opt->engine ? opt->engine : "dot";
    size_t n = rg_graph_node_count(g);
    if (strcmp(engine, "dot") && strcmp(engine, "sfdp"))
        return rg_fail(err, RG_EUSAGE, "unknown layout engine '%s' (dot or sfdp)", engine);
    if (!strcmp(engine, "dot") && n > RG_RENDER_MAX_DOT)
        return rg_fail(err, RG_EUSAGE,
                       "the graph has %zu documents, too many to lay out by year with dot "
                       "(at most %d): draw it with --engine sfdp, or narrow it with --focus ID "
                       "--depth N, --reduce, or fewer inputs",
                       n, RG_RENDER_MAX_DOT);
    if (n > RG_RENDER_MAX_SFDP)
        return rg_fail(err, RG_EUSAGE,
                       "the graph has %zu documents, too many to draw (at most %d): narrow it "
                       "with --focus ID --depth N, or export it for Gephi (export --format gexf)",
                       n, RG_RENDER_MAX_SFDP);
    pthread_mutex_lock(&gv_lock);
    rg_buf_free(&gv_errors);
    gv_line_ended = false;
    agseterr(AGWARN);
    agusererrf old = agseterrf(on_gv_error);
    rg_arena a = {0};
    rg_status st = RG_OK;
    if (!context)
        context = gvContext();
    GVC_t *gvc = context;
    Agdisc_t disc = {&AgMemDisc, &id_disc, &AgIoDisc};
    Agraph_t *ag = gvc ? agopen("lineage", Agstrictdirected, &disc) : NULL;
    if (!gvc || !ag) {
        st = rg_fail(err, RG_ELIB, "Graphviz could not start: %s",
                     gv_errors.data ? gv_errors.data : "no context");
        goto done;
    }
    st = build(ag, g, opt, strcmp(engine, "dot") == 0, &a, err);
    if (st != RG_OK)
        goto done;
    if (strcmp(format, "dot") == 0) {
        if (agwrite(ag, out) != 0 || fflush(out) != 0 || ferror(out))
            st = rg_write_failed(err, "the DOT");
        goto done;
    }
    if (strcmp(format, "svg") && strcmp(format, "pdf") && strcmp(format, "ps"))
        set(ag, "size", "300,300"); /* bitmaps: scale a huge drawing down to what cairo draws */
    if (gvLayout(gvc, ag, engine) != 0) {
        st = rg_fail(err, RG_ELIB, "Graphviz could not lay the graph out with %s: %s", engine,
                     gv_errors.data ? gv_errors.data : "unknown error");
        goto done;
    }
    /* into memory, then out: Graphviz's own writer exits the process on a short write */
    char *data = NULL;
    unsigned int size = 0;
    if (gvRenderData(gvc, ag, format, &data, &size) != 0 || !data)
        st = rg_fail(err, RG_EUSAGE,
                     "Graphviz cannot render '%s' here%s%s (svg, png and pdf come with the "
                     "graphviz package)",
                     format, gv_errors.data ? ": " : "", gv_errors.data ? gv_errors.data : "");
    else if (fwrite(data, 1, size, out) != size || fflush(out) != 0)
        st = rg_write_failed(err, "the drawing");
    if (data)
        gvFreeRenderData(data);
    gvFreeLayout(gvc, ag);
done:
    if (ag)
        agclose(ag);
    agseterrf(old);
    rg_buf_free(&gv_errors);
    pthread_mutex_unlock(&gv_lock);
    rg_arena_free(&a);
    return st;
}
