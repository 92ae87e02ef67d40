/*
 * main.c - the resgraph command line: a thin shell over libresgraph.
 *
 * Parses options, expands directories into files, reads the documents,
 * calls the library, prints, and maps statuses to exit codes.  One
 * cmd_<name>() per subcommand, listed in one table.  Nothing here knows how
 * a citation is found or how a graph is drawn.
 */
#include "resgraph.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_ROOT "A/RES/36/103"

/* Exit codes, one per rg_status (see README). */
static int exit_code(rg_status st)
{
    return st == RG_ESKIPPED ? 0 : (int)st;
}

static bool quiet;

static int error(rg_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("resgraph: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return exit_code(st);
}

static int fail(const rg_error *err)
{
    return error(err->status, "%s", err->msg);
}

static void warn(const char *msg)
{
    if (!quiet)
        fprintf(stderr, "resgraph: warning: %s\n", msg);
}

/* --- inputs ------------------------------------------------------------------ */

typedef struct inputs {
    char **paths;
    size_t n, cap;
} inputs;

static bool add_path(inputs *in, const char *p)
{
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 16;
        char **np = realloc(in->paths, cap * sizeof *np);
        if (!np)
            return false;
        in->paths = np;
        in->cap = cap;
    }
    in->paths[in->n] = strdup(p);
    return in->paths[in->n++] != NULL;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory's regular files, recursively, in name order; hidden ones skipped. */
static rg_status add_dir(inputs *in, const char *dir, rg_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return error(RG_EINPUT, "%s: cannot open directory: %s", dir, strerror(errno)),
               RG_EINPUT;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_name);
    rg_status st = RG_OK;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *p = malloc(len);
        if (!p || !names[i]) {
            free(p);
            st = RG_ENOMEM;
            continue;
        }
        snprintf(p, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
        struct stat sb;
        if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            rg_status s2 = add_dir(in, p, err);
            if (s2 != RG_OK)
                st = s2;
        } else if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode)) {
            if (!add_path(in, p))
                st = RG_ENOMEM;
        }
        free(p);
        free(names[i]);
    }
    free(names);
    return st;
}

static void free_inputs(inputs *in)
{
    for (size_t i = 0; i < in->n; i++)
        free(in->paths[i]);
    free(in->paths);
}

/* Expands the command line's FILE arguments.  A missing input is an error. */
static int collect(int argc, char **argv, inputs *in)
{
    if (argc == 0)
        return error(RG_EUSAGE, "no input files (try 'resgraph --help')");
    rg_error err = {0};
    for (int i = 0; i < argc; i++) {
        struct stat sb;
        if (strcmp(argv[i], "-") != 0 && stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
            rg_status st = add_dir(in, argv[i], &err);
            if (st != RG_OK)
                return exit_code(st);
        } else if (!add_path(in, argv[i])) {
            return error(RG_ENOMEM, "out of memory");
        }
    }
    return 0;
}

typedef struct docs {
    rg_doc **v;
    size_t n;
} docs;

static void free_docs(docs *d)
{
    for (size_t i = 0; i < d->n; i++)
        rg_doc_free(d->v[i]);
    free(d->v);
}

static void print_doc_warnings(const rg_doc *doc)
{
    for (size_t i = 0; i < rg_doc_warning_count(doc); i++)
        warn(rg_doc_warning(doc, i));
}

/* Reads every input for a graph.  Any unreadable input fails the command:
 * a graph missing a document would be wrong without saying so. */
static int read_all(const inputs *in, const rg_read_options *ro, docs *out)
{
    out->v = calloc(in->n ? in->n : 1, sizeof *out->v);
    out->n = 0;
    if (!out->v)
        return error(RG_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < in->n; i++) {
        rg_error err = {0};
        rg_doc *doc;
        rg_status st = rg_doc_read(in->paths[i], ro, &doc, &err);
        if (st == RG_ESKIPPED) {
            warn(err.msg);
            continue;
        }
        if (st != RG_OK) {
            rc = fail(&err);
            continue;
        }
        print_doc_warnings(doc);
        out->v[out->n++] = doc;
    }
    if (rc == 0 && out->n == 0)
        rc = error(RG_EINPUT, "no readable document among the inputs");
    return rc;
}

static int resolve_id(const rg_graph *g, const char *given, const char *what, long *v)
{
    char id[256];
    rg_error err = {0};
    if (rg_id_canonical(given, id, sizeof id, &err) != RG_OK)
        return fail(&err);
    *v = rg_graph_find(g, id);
    if (*v < 0) {
        *v = rg_graph_find(g, given); /* a file-name id */
        if (*v < 0)
            return error(RG_ENOTFOUND, "%s %s is not in the graph: no document read is or cites it",
                         what, id);
    }
    return 0;
}

/* --- options ------------------------------------------------------------------------- */

typedef struct opts {
    const char *format, *output, *root, *from, *doc_id, *encoding;
    int help;
} opts;

enum { OPT_DOC_ID = 256, OPT_ENCODING };

static const struct option long_options[] = {
    {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
    {"root", required_argument, NULL, 'r'},   {"from", required_argument, NULL, 'F'},
    {"doc-id", required_argument, NULL, OPT_DOC_ID},
    {"encoding", required_argument, NULL, OPT_ENCODING},
    {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Parses the options a subcommand accepts (allowed: letters of short names
 * and 'D' for --doc-id, 'E' for --encoding).  Returns -1 to go on, else an
 * exit code. */
static int parse_options(int argc, char **argv, const char *allowed, opts *o, int *first)
{
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+f:o:r:F:qh", long_options, NULL)) != -1) {
        char key = c == OPT_DOC_ID ? 'D' : c == OPT_ENCODING ? 'E' : (char)c;
        if (c == '?' || c == ':' || !strchr(allowed, key)) {
            const char *bad = argv[optind - 1];
            if (c == '?' && optopt && optopt < 256)
                return error(RG_EUSAGE, "%s: unknown option -%c (try 'resgraph %s --help')",
                             argv[0], optopt, argv[0]);
            return error(RG_EUSAGE, "%s: unknown or incomplete option %s (try 'resgraph %s --help')",
                         argv[0], bad, argv[0]);
        }
        switch (key) {
        case 'f': o->format = optarg; break;
        case 'o': o->output = optarg; break;
        case 'r': o->root = optarg; break;
        case 'F': o->from = optarg; break;
        case 'D': o->doc_id = optarg; break;
        case 'E': o->encoding = optarg; break;
        case 'q': quiet = true; break;
        case 'h': o->help = 1; break;
        }
    }
    *first = optind;
    return -1;
}

/* --- subcommands ------------------------------------------------------------------------ */

static const char usage_extract[] =
    "usage: resgraph extract [--format jsonl|tsv] [-o FILE] [--doc-id ID] [--encoding ENC] FILE...\n"
    "Prints one record per citation, in document order (JSON Lines by default).\n"
    "FILE may be a directory (read recursively) or - for standard input.\n";

static int cmd_extract(int argc, char **argv)
{
    opts o = {0};
    int first, rc = parse_options(argc, argv, "fohqDE", &o, &first);
    if (rc >= 0)
        return rc;
    if (o.help)
        return fputs(usage_extract, stdout), 0;
    rg_record_format fmt = RG_RECORDS_JSONL;
    if (o.format && !strcmp(o.format, "tsv"))
        fmt = RG_RECORDS_TSV;
    else if (o.format && strcmp(o.format, "jsonl") && strcmp(o.format, "json"))
        return error(RG_EUSAGE, "extract: unknown format '%s' (jsonl or tsv)", o.format);
    inputs in = {0};
    if ((rc = collect(argc - first, argv + first, &in))) {
        free_inputs(&in);
        return rc;
    }
    if (o.doc_id && in.n > 1) {
        free_inputs(&in);
        return error(RG_EUSAGE, "extract: --doc-id names one document; give one FILE");
    }
    rg_error err = {0};
    rg_output *out;
    if (rg_output_open(o.output, &out, &err) != RG_OK) {
        free_inputs(&in);
        return fail(&err);
    }
    FILE *f = rg_output_file(out);
    rg_read_options ro = {.doc_id = o.doc_id, .encoding = o.encoding};
    rg_status wst = rg_records_begin(f, fmt, &err);
    for (size_t i = 0; i < in.n && wst == RG_OK; i++) {
        rg_doc *doc;
        rg_error rerr = {0};
        rg_status st = rg_doc_read(in.paths[i], &ro, &doc, &rerr);
        if (st == RG_ESKIPPED) {
            warn(rerr.msg);
            continue;
        }
        if (st != RG_OK) {
            rc = fail(&rerr);
            continue;
        }
        print_doc_warnings(doc);
        wst = rg_records_write(f, fmt, doc, &err);
        rg_doc_free(doc);
    }
    free_inputs(&in);
    if (wst != RG_OK) {
        rg_output_abort(out);
        return fail(&err);
    }
    if (rg_output_commit(out, &err) != RG_OK)
        return fail(&err);
    return rc;
}

static const char usage_lineage[] =
    "usage: resgraph lineage [--root ID] [--from ID] [--format text|json] FILE...\n"
    "Prints the lineage chain (the longest path of citations) from each document read,\n"
    "or from --from, back to the root (default " DEFAULT_ROOT "), and how many distinct\n"
    "chains there are.  IDs may be short: 36/103, 43/78 H, 1325 (2000).\n";

static void print_chain_text(FILE *f, const rg_graph *g, const rg_chain *c)
{
    fprintf(f, "lineage of %s back to %s\n", rg_graph_node_id(g, c->nodes[0]),
            rg_graph_node_id(g, c->nodes[c->len - 1]));
    fprintf(f, "longest chain: %zu documents\n", c->len);
    fprintf(f, "distinct chains: %s\n\n", c->count);
    for (size_t i = 0; i < c->len; i++) {
        size_t v = c->nodes[i];
        const char *date = rg_graph_node_date(g, v);
        char when[16] = "";
        if (date)
            snprintf(when, sizeof when, "%s", date);
        else if (rg_graph_node_year(g, v))
            snprintf(when, sizeof when, "%d", rg_graph_node_year(g, v));
        const char *via = i == 0 ? "" : c->kinds[i - 1] == RG_CITES ? "cites" : "succeeds (inferred)";
        fprintf(f, "%3zu  %-16s %-11s %s\n", i + 1, rg_graph_node_label(g, v), when, via);
    }
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void print_chain_json(FILE *f, const rg_graph *g, const rg_chain *c)
{
    fputs("{\"from\":", f);
    json_string(f, rg_graph_node_id(g, c->nodes[0]));
    fputs(",\"root\":", f);
    json_string(f, rg_graph_node_id(g, c->nodes[c->len - 1]));
    fprintf(f, ",\"length\":%zu,\"chains\":%s,\"chain\":[", c->len, c->count);
    for (size_t i = 0; i < c->len; i++) {
        size_t v = c->nodes[i];
        fputs(i ? ",{\"id\":" : "{\"id\":", f);
        json_string(f, rg_graph_node_id(g, v));
        fputs(",\"label\":", f);
        json_string(f, rg_graph_node_label(g, v));
        fputs(",\"date\":", f);
        if (rg_graph_node_date(g, v))
            json_string(f, rg_graph_node_date(g, v));
        else
            fputs("null", f);
        fprintf(f, ",\"year\":%d,\"via\":", rg_graph_node_year(g, v));
        if (i == 0)
            fputs("null,\"inferred\":false}", f);
        else
            fprintf(f, "\"%s\",\"inferred\":%s}", c->kinds[i - 1] == RG_CITES ? "cites" : "succeeds",
                    c->kinds[i - 1] == RG_CITES ? "false" : "true");
    }
    fputs("]}\n", f);
}

/* Reads the inputs and builds the graph: the common start of graph commands. */
static int load_graph(int argc, char **argv, const opts *o, docs *ds, rg_graph **g)
{
    inputs in = {0};
    int rc = collect(argc, argv, &in);
    rg_read_options ro = {.doc_id = o->doc_id, .encoding = o->encoding};
    if (!rc)
        rc = read_all(&in, &ro, ds);
    free_inputs(&in);
    if (rc)
        return rc;
    rg_error err = {0};
    if (rg_graph_build(ds->v, ds->n, g, &err) != RG_OK)
        return fail(&err);
    for (size_t i = 0; i < rg_graph_warning_count(*g); i++)
        warn(rg_graph_warning(*g, i));
    return 0;
}

static int cmd_lineage(int argc, char **argv)
{
    opts o = {0};
    int first, rc = parse_options(argc, argv, "rFfohqDE", &o, &first);
    if (rc >= 0)
        return rc;
    if (o.help)
        return fputs(usage_lineage, stdout), 0;
    bool json = false;
    if (o.format && !strcmp(o.format, "json"))
        json = true;
    else if (o.format && strcmp(o.format, "text"))
        return error(RG_EUSAGE, "lineage: unknown format '%s' (text or json)", o.format);
    docs ds = {0};
    rg_graph *g = NULL;
    if ((rc = load_graph(argc - first, argv + first, &o, &ds, &g))) {
        free_docs(&ds);
        rg_graph_free(g);
        return rc;
    }
    long root, from = -1;
    if ((rc = resolve_id(g, o.root ? o.root : DEFAULT_ROOT, "root", &root)) ||
        (o.from && (rc = resolve_id(g, o.from, "--from", &from)))) {
        free_docs(&ds);
        rg_graph_free(g);
        return rc;
    }
    /* the chains: from --from, else from every document read, in id order */
    size_t n = rg_graph_node_count(g);
    rg_error err = {0};
    rg_output *out;
    if (rg_output_open(o.output, &out, &err) != RG_OK) {
        free_docs(&ds);
        rg_graph_free(g);
        return fail(&err);
    }
    FILE *f = rg_output_file(out);
    size_t printed = 0;
    for (size_t v = 0; v < n; v++) {
        if (from >= 0 ? (long)v != from : !rg_graph_node_is_source(g, v))
            continue;
        rg_chain *c;
        rg_error lerr = {0};
        rg_status st = rg_lineage(g, v, (size_t)root, &c, &lerr);
        if (st != RG_OK) {
            rc = fail(&lerr);
            continue;
        }
        if (json) {
            print_chain_json(f, g, c);
        } else {
            if (printed)
                fputc('\n', f);
            print_chain_text(f, g, c);
        }
        printed++;
        rg_chain_free(c);
    }
    if (rg_output_commit(out, &err) != RG_OK)
        rc = fail(&err);
    free_docs(&ds);
    rg_graph_free(g);
    return rc;
}

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

static int cmd_render(int argc, char **argv)
{
    opts o = {0};
    int first, rc = parse_options(argc, argv, "rFfohqDE", &o, &first);
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

static int cmd_export(int argc, char **argv)
{
    opts o = {0};
    int first, rc = parse_options(argc, argv, "fohqDE", &o, &first);
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

static const char usage_check_links[] =
    "usage: resgraph check-links FILE...\n"
    "Checks that every hyperlink line (https://undocs.org/<lang>/<symbol>) points to a\n"
    "document the text cites.  Prints each link that does not; exits 1 if there is one.\n";

static int cmd_check_links(int argc, char **argv)
{
    opts o = {0};
    int first, rc = parse_options(argc, argv, "hqDE", &o, &first);
    if (rc >= 0)
        return rc;
    if (o.help)
        return fputs(usage_check_links, stdout), 0;
    inputs in = {0};
    if ((rc = collect(argc - first, argv + first, &in))) {
        free_inputs(&in);
        return rc;
    }
    rg_read_options ro = {.doc_id = o.doc_id, .encoding = o.encoding};
    size_t total = 0, stale = 0;
    for (size_t i = 0; i < in.n; i++) {
        rg_doc *doc;
        rg_error err = {0};
        rg_status st = rg_doc_read(in.paths[i], &ro, &doc, &err);
        if (st == RG_ESKIPPED) {
            warn(err.msg);
            continue;
        }
        if (st != RG_OK) {
            rc = fail(&err);
            continue;
        }
        for (size_t k = 0; k < rg_doc_link_count(doc); k++) {
            const rg_link *l = rg_doc_link(doc, k);
            total++;
            if (!l->matched) {
                stale++;
                printf("%s:%zu: link to %s matches no reference in the text (%s)\n",
                       rg_doc_file(doc), l->line, l->target, l->url);
            }
        }
        rg_doc_free(doc);
    }
    free_inputs(&in);
    printf("%zu links, %zu matching a reference, %zu not\n", total, total - stale, stale);
    if (fflush(stdout) != 0)
        return error(RG_EOUTPUT, "cannot write to standard output");
    return rc ? rc : stale ? (int)RG_ENOTFOUND : 0;
}

/* --- main ------------------------------------------------------------------------------- */

static const struct command {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} commands[] = {
    {"extract", cmd_extract, "print every citation found in the texts"},
    {"lineage", cmd_lineage, "the longest chain of citations back to a root, and their number"},
    {"render", cmd_render, "draw the citation graph (SVG or DOT, through Graphviz)"},
    {"export", cmd_export, "write the citation graph for other tools (GraphML)"},
    {"check-links", cmd_check_links, "report hyperlinks that point to nothing the text cites"},
};

static void usage(FILE *f)
{
    fputs("usage: resgraph COMMAND [OPTIONS] FILE...\n\n"
          "resgraph reads UN texts (Chinese first), turns every reference to another UN text\n"
          "into a citation, and builds, measures and draws the citation graph.\n\ncommands:\n",
          f);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fputs("\n'resgraph COMMAND --help' tells more.  Exit codes: 0 done, 1 not found (a root not\n"
          "reached, a stale link), 2 usage, 3 unreadable input, 4 output not written,\n"
          "5 library error, 6 out of memory.\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return RG_EUSAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("resgraph %s\n", RG_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name)) {
            int rc = commands[i].run(argc - 1, argv + 1);
            rg_cleanup();
            return rc;
        }
    return error(RG_EUSAGE, "unknown command '%s' (try 'resgraph --help')", argv[1]);
}
