/*
 * main.c - the resgraph command line: a thin shell over libresgraph.
 *
 * The command table, option parsing, input expansion (directories are read
 * recursively in name order), reading documents and citations files into a
 * graph, messages and exit codes.  The subcommands live in cmd_*.c.  Nothing
 * here knows how a citation is found or how a graph is drawn.
 */
#define _DEFAULT_SOURCE /* readdir()'s d_type, beyond POSIX */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool quiet;

/* Exit codes, one per rg_status (see README); a skipped binary file is not a failure. */
int exit_code(rg_status st)
{
    return st == RG_ESKIPPED ? 0 : (int)st;
}

int error(rg_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("resgraph: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return exit_code(st);
}

int fail(const rg_error *err)
{
    return error(err->status, "%s", err->msg);
}

void warn(const char *msg)
{
    if (!quiet)
        fprintf(stderr, "resgraph: warning: %s\n", msg);
}

/* --- inputs ------------------------------------------------------------------------ */

/* The paths' strings go into blocks of this size (or of one longer path): a
 * directory of 20,000 files took a malloc() and a free() a path, and two more
 * for its name and the path joined before it was copied. */
#define PATH_BLOCK ((size_t)32 << 10)

typedef struct path_block {
    struct path_block *next;
    char s[];
} path_block;

/* n bytes for a path, held until free_inputs(); NULL when out of memory. */
static char *path_room(inputs *in, size_t n)
{
    if (n > in->left) {
        size_t size = n > PATH_BLOCK ? n : PATH_BLOCK;
        path_block *b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->next = in->blocks;
        in->blocks = b;
        in->room = b->s;
        in->left = size;
    }
    char *r = in->room;
    in->room += n;
    in->left -= n;
    return r;
}

/* p: from path_room(); size: of a regular file, else -1 */
static bool add_path(inputs *in, char *p, long long size)
{
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 16;
        char **np = realloc(in->paths, cap * sizeof *np);
        long long *ns = np ? realloc(in->sizes, cap * sizeof *ns) : NULL;
        if (np)
            in->paths = np;
        if (!ns)
            return false;
        in->sizes = ns;
        in->cap = cap;
    }
    in->sizes[in->n] = size;
    in->paths[in->n++] = p;
    return true;
}

/* A directory's entry: its type ('f', 'd' or '?') and name, at `at` in the
 * names read; key, the name's first eight bytes as a number (zeros after its
 * end), which orders most names without a look at the strings. */
typedef struct dir_name {
    uint64_t key;
    size_t at;
} dir_name;

static uint64_t name_key(const char *s)
{
    uint64_t k = 0;
    bool end = false;
    for (int i = 0; i < 8; i++) {
        unsigned char c = end ? 0 : (unsigned char)s[i];
        end |= c == 0;
        k = k << 8 | c;
    }
    return k;
}

/* a before b in strcmp()'s order of their names (unsigned bytes, as the keys) */
static bool name_before(const dir_name *a, const dir_name *b, const char *names)
{
    if (a->key != b->key)
        return a->key < b->key;
    return strcmp(names + a->at + 1, names + b->at + 1) < 0;
}

/* A merge sort of the n entries at a, with room for n / 2 of them at tmp:
 * qsort()'s call of a comparison through a pointer, and strcmp() on names that
 * mostly differ in their first bytes, took most of the time of listing a
 * directory of many files. */
static void sort_names(dir_name *a, dir_name *tmp, size_t n, const char *names)
{
    if (n <= 8) {
        for (size_t i = 1; i < n; i++) {
            dir_name x = a[i];
            size_t j = i;
            for (; j > 0 && name_before(&x, &a[j - 1], names); j--)
                a[j] = a[j - 1];
            a[j] = x;
        }
        return;
    }
    size_t h = n / 2;
    sort_names(a, tmp, h, names);
    sort_names(a + h, tmp, n - h, names);
    if (!name_before(&a[h], &a[h - 1], names))
        return; /* in order already */
    memcpy(tmp, a, h * sizeof *a);
    size_t i = 0, j = h, k = 0; /* k < j: the entries of the second half not yet taken stay */
    while (i < h && j < n)
        a[k++] = name_before(&a[j], &tmp[i], names) ? a[j++] : tmp[i++];
    while (i < h)
        a[k++] = tmp[i++];
}

/* A directory's regular files, recursively, in name order; hidden ones skipped. */
static int add_dir(inputs *in, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return error(RG_EINPUT, "%s: cannot open directory: %s", dir, strerror(errno));
    char *names = NULL; /* the entries' types and names, one after another */
    size_t len = 0, room = 0;
    dir_name *ents = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        size_t nl = strlen(de->d_name);
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            dir_name *ne = realloc(ents, cap * sizeof *ne);
            if (!ne) {
                rc = error(RG_ENOMEM, "out of memory");
                break;
            }
            ents = ne;
        }
        if (room - len < nl + 2) {
            room = room * 2 + nl + 4096;
            char *nn = realloc(names, room);
            if (!nn) {
                rc = error(RG_ENOMEM, "out of memory");
                break;
            }
            names = nn;
        }
        /* the entry's type goes before its name: a stat() per file would cost
         * more than reading a small one, and in this thread, before any is read */
        char *e = names + len;
#ifdef _DIRENT_HAVE_D_TYPE
        e[0] = de->d_type == DT_REG ? 'f' : de->d_type == DT_DIR ? 'd' : '?';
#else
        e[0] = '?';
#endif
        memcpy(e + 1, de->d_name, nl + 1);
        ents[n].key = name_key(de->d_name);
        ents[n++].at = len;
        len += nl + 2;
    }
    closedir(d);
    dir_name *tmp = n > 1 ? malloc((n / 2) * sizeof *tmp) : NULL;
    if (n > 1 && !tmp && !rc)
        rc = error(RG_ENOMEM, "out of memory");
    if (tmp)
        sort_names(ents, tmp, n, names);
    free(tmp);
    size_t dl = strlen(dir);
    bool slash = dl && dir[dl - 1] == '/';
    for (size_t i = 0; i < n && rc != RG_ENOMEM; i++) {
        const char *name = names + ents[i].at + 1;
        size_t nl = strlen(name);
        /* the path joined in its place among the inputs' (without snprintf: one per file) */
        char *p = path_room(in, dl + !slash + nl + 1);
        if (!p) {
            rc = error(RG_ENOMEM, "out of memory");
            break;
        }
        memcpy(p, dir, dl);
        if (!slash)
            p[dl] = '/';
        memcpy(p + dl + !slash, name, nl + 1);
        /* a regular file's size is left to the reader (-2); a link, or an
         * entry of a file system that gives no type, is asked (stat follows
         * links) */
        struct stat sb;
        char type = name[-1];
        bool known = type != '?' || stat(p, &sb) == 0;
        bool is_dir = type == 'd' || (type == '?' && known && S_ISDIR(sb.st_mode));
        bool is_reg = type == 'f' || (type == '?' && known && S_ISREG(sb.st_mode));
        if (known && is_dir) {
            int r2 = add_dir(in, p);
            if (r2)
                rc = r2;
        } else if (known && is_reg && !add_path(in, p, type == 'f' ? -2 : (long long)sb.st_size)) {
            rc = error(RG_ENOMEM, "out of memory");
        }
    }
    free(names);
    free(ents);
    return rc;
}

void free_inputs(inputs *in)
{
    for (path_block *b = in->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(in->paths);
    free(in->sizes);
    memset(in, 0, sizeof *in);
}

int collect(int argc, char **argv, inputs *in)
{
    int rc = 0; /* an unreadable directory is reported; the other inputs are still taken */
    for (int i = 0; i < argc; i++) {
        struct stat sb;
        bool known = strcmp(argv[i], "-") != 0 && stat(argv[i], &sb) == 0;
        if (known && S_ISDIR(sb.st_mode)) {
            int r = add_dir(in, argv[i]);
            if (r == RG_ENOMEM)
                return r;
            if (r)
                rc = r;
        } else {
            size_t l = strlen(argv[i]) + 1;
            char *p = path_room(in, l);
            if (!p || !add_path(in, memcpy(p, argv[i], l),
                                known && S_ISREG(sb.st_mode) ? (long long)sb.st_size : -1))
                return error(RG_ENOMEM, "out of memory");
        }
    }
    return rc;
}

void print_doc_warnings(const rg_doc *doc)
{
    for (size_t i = 0; i < rg_doc_warning_count(doc); i++)
        warn(rg_doc_warning(doc, i));
}

typedef struct load_job {
    rg_builder *b;
    int rc;
    size_t ndocs;
} load_job;

static rg_status add_doc(void *ctx, size_t i, rg_doc *doc, const rg_error *rerr)
{
    load_job *j = ctx;
    if (!doc) {
        if (rerr->status == RG_ESKIPPED) {
            warn(rerr->msg);
            return RG_OK;
        }
        j->rc = fail(rerr);
        return rerr->status;
    }
    print_doc_warnings(doc);
    rg_error err = {0};
    if (rg_builder_add_doc(j->b, doc, &err) != RG_OK) {
        j->rc = fail(&err);
        return err.status;
    }
    j->ndocs++;
    return RG_OK;
}

/* Reads documents and citations files into a graph.  Any unreadable input
 * fails the command: a graph missing a document would be wrong without
 * saying so. */
int load_graph(int argc, char **argv, const opts *o, rg_graph **g)
{
    *g = NULL;
    if (argc == 0 && o->ncitations == 0)
        return error(RG_EUSAGE, "no input files (try 'resgraph --help')");
    inputs in = {0};
    int rc = collect(argc, argv, &in);
    if (!rc && o->doc_id && in.n > 1)
        rc = error(RG_EUSAGE, "--doc-id names one document; give one FILE");
    rg_error err = {0};
    rg_builder *b = NULL;
    if (!rc && rg_builder_new(&b, &err) != RG_OK)
        rc = fail(&err);
    rg_read_options ro = {.doc_id = o->doc_id, .encoding = o->encoding, .context = o->context,
                          .no_links = quiet};
    load_job j = {.b = b};
    if (!rc && rg_docs_each((const char *const *)in.paths, in.n, &ro, rg_threads(), add_doc, &j) !=
                   RG_OK)
        rc = j.rc ? j.rc : error(RG_ENOMEM, "out of memory");
    rc = rc ? rc : j.rc;
    free_inputs(&in);
    for (int i = 0; !rc && i < o->ncitations; i++)
        if (rg_builder_add_citations(b, o->citations[i], &err) != RG_OK)
            rc = fail(&err);
    if (!rc && j.ndocs == 0 && o->ncitations == 0)
        rc = error(RG_EINPUT, "no readable document among the inputs");
    if (rc) {
        rg_builder_free(b);
        return rc;
    }
    if (rg_builder_build(b, g, &err) != RG_OK)
        return fail(&err);
    for (size_t i = 0; i < rg_graph_warning_count(*g); i++)
        warn(rg_graph_warning(*g, i));
    return 0;
}

int resolve_id(const rg_graph *g, const char *given, const char *what, long *v)
{
    char id[256];
    rg_error err = {0};
    *v = rg_graph_find(g, given); /* as given: a file-name id, a citations file's id */
    if (*v >= 0)
        return 0;
    if (rg_id_canonical(given, id, sizeof id, &err) != RG_OK)
        return fail(&err);
    *v = rg_graph_find(g, id);
    if (*v < 0)
        return error(RG_ENOTFOUND, "%s %s is not in the graph: no document read is or cites it",
                     what, id);
    return 0;
}

void json_string(FILE *f, const char *s)
{
    putc('"', f);
    while (s && *s) {
        size_t n = 0; /* a run that needs no escape goes out whole */
        while (s[n] && s[n] != '"' && s[n] != '\\' && (unsigned char)s[n] >= 0x20)
            n++;
        fwrite(s, 1, n, f);
        s += n;
        if (!*s)
            break;
        unsigned char c = (unsigned char)*s++;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else
            fprintf(f, "\\u%04x", c);
    }
    putc('"', f);
}

int write_output(const char *path, rg_status (*fn)(FILE *, void *, rg_error *), void *ctx)
{
    rg_error err = {0};
    rg_output *out;
    rg_status st = rg_output_open(path, &out, &err);
    if (st == RG_OK) {
        st = fn(rg_output_file(out), ctx, &err);
        if (st == RG_OK)
            st = rg_output_commit(out, &err);
        else
            rg_output_abort(out);
    }
    return st == RG_OK ? 0 : write_failed(path, &err);
}

rg_status output_status(FILE *f, rg_error *err)
{
    if (!ferror(f))
        return RG_OK;
    err->status = RG_EOUTPUT;
    err->errnum = errno ? errno : EIO;
    snprintf(err->msg, sizeof err->msg, "cannot write: %s", strerror(err->errnum));
    return RG_EOUTPUT;
}

int write_failed(const char *path, const rg_error *err)
{
    if (err->status != RG_EOUTPUT || !err->errnum)
        return fail(err);
    if (!path || !strcmp(path, "-"))
        return error(RG_EOUTPUT, "cannot write to standard output: %s", strerror(err->errnum));
    return error(RG_EOUTPUT, "%s: cannot write: %s", path, strerror(err->errnum));
}

/* --- options ------------------------------------------------------------------------- */

enum {
    OPT_DOC_ID = 256, OPT_ENCODING, OPT_CITATIONS, OPT_ALL, OPT_MAX_CHAINS, OPT_MAIN_PATH,
    OPT_REDUCE, OPT_FOCUS, OPT_DEPTH, OPT_ENGINE, OPT_REFERENCE, OPT_EXACT
};

static const struct option long_options[] = {
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"root", required_argument, NULL, 'r'},
    {"from", required_argument, NULL, 'F'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"doc-id", required_argument, NULL, OPT_DOC_ID},
    {"encoding", required_argument, NULL, OPT_ENCODING},
    {"citations", required_argument, NULL, OPT_CITATIONS},
    {"all", no_argument, NULL, OPT_ALL},
    {"max-chains", required_argument, NULL, OPT_MAX_CHAINS},
    {"main-path", required_argument, NULL, OPT_MAIN_PATH},
    {"reduce", no_argument, NULL, OPT_REDUCE},
    {"focus", required_argument, NULL, OPT_FOCUS},
    {"depth", required_argument, NULL, OPT_DEPTH},
    {"engine", required_argument, NULL, OPT_ENGINE},
    {"reference", no_argument, NULL, OPT_REFERENCE},
    {"exact", no_argument, NULL, OPT_EXACT},
    {NULL, 0, NULL, 0},
};

static const char option_keys[][2] = {
    [OPT_DOC_ID - 256] = "D",     [OPT_ENCODING - 256] = "E", [OPT_CITATIONS - 256] = "C",
    [OPT_ALL - 256] = "A",        [OPT_MAX_CHAINS - 256] = "M", [OPT_MAIN_PATH - 256] = "P",
    [OPT_REDUCE - 256] = "R",     [OPT_FOCUS - 256] = "X",    [OPT_DEPTH - 256] = "d",
    [OPT_ENGINE - 256] = "e",     [OPT_REFERENCE - 256] = "S", [OPT_EXACT - 256] = "x",
};

static bool number_arg(const char *s, long *v)
{
    char *end;
    errno = 0;
    *v = strtol(s, &end, 10);
    return *s && !*end && !errno && *v >= 0;
}

int parse_options(int argc, char **argv, const char *allowed, opts *o, int *first)
{
    optind = 1;
    opterr = 0;
    o->max_chains = 100;
    o->depth = 1;
    int c;
    bool depth_given = false;
    /* the leading ':' has getopt tell a missing value (':') from an unknown option
     * ('?'), which it would otherwise report as the short key of a long option:
     * "--format" at the end of the line said "unknown option -f" */
    int li; /* the long option matched, if one was */
    while ((li = -1, c = getopt_long(argc, argv, ":f:o:r:F:qh", long_options, &li)) != -1) {
        char key = c >= 256 ? option_keys[c - 256][0] : (char)c;
        if (c == ':')
            return error(RG_EUSAGE, "%s: option %s needs a value (try 'resgraph %s --help')",
                         argv[0], argv[optind - 1], argv[0]);
        if (c == '?') {
            if (optopt && optopt < 256)
                return error(RG_EUSAGE, "%s: unknown option -%c (try 'resgraph %s --help')",
                             argv[0], optopt, argv[0]);
            return error(RG_EUSAGE,
                         "%s: unknown or incomplete option %s (try 'resgraph %s --help')", argv[0],
                         argv[optind - 1], argv[0]);
        }
        if (!strchr(allowed, key)) {
            /* named as given, not by its value (argv[optind - 1] once it took one) */
            char name[32];
            if (li >= 0)
                snprintf(name, sizeof name, "--%s", long_options[li].name);
            else
                snprintf(name, sizeof name, "-%c", c);
            return error(RG_EUSAGE, "%s: option %s does not apply here (try 'resgraph %s --help')",
                         argv[0], name, argv[0]);
        }
        switch (key) {
        case 'f': o->format = optarg; break;
        case 'o': o->output = optarg; break;
        case 'r': o->root = optarg; break;
        case 'F': o->from = optarg; break;
        case 'D': o->doc_id = optarg; break;
        case 'E': o->encoding = optarg; break;
        case 'q': quiet = true; break;
        case 'h': o->help = true; break;
        case 'A': o->all = true; break;
        case 'S': o->reference = true; break;
        case 'x': o->exact = true; break;
        case 'R': o->reduce = true; break;
        case 'P': o->main_path = optarg; break;
        case 'X': o->focus = optarg; break;
        case 'e': o->engine = optarg; break;
        case 'C':
            if (o->ncitations == MAX_CITATIONS_FILES)
                return error(RG_EUSAGE, "%s: at most %d --citations files", argv[0],
                             MAX_CITATIONS_FILES);
            o->citations[o->ncitations++] = optarg;
            break;
        case 'M':
            if (!number_arg(optarg, &o->max_chains))
                return error(RG_EUSAGE, "%s: --max-chains takes a number, not '%s'", argv[0],
                             optarg);
            break;
        case 'd':
            if (!number_arg(optarg, &o->depth))
                return error(RG_EUSAGE, "%s: --depth takes a number, not '%s'", argv[0], optarg);
            depth_given = true;
            break;
        }
    }
    /* --depth counts steps from the document of --focus: alone it would be
     * ignored, and the whole graph drawn as if it had been obeyed */
    if (depth_given && !o->focus && !o->help)
        return error(RG_EUSAGE, "%s: --depth needs --focus ID (try 'resgraph %s --help')", argv[0],
                     argv[0]);
    *first = optind;
    return -1;
}

/* --- main ------------------------------------------------------------------------------- */

static const struct command {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} commands[] = {
    {"extract", cmd_extract, "print every citation found in the texts"},
    {"lineage", cmd_lineage, "the longest chain of citations back to a root, their number, "
                             "splits and merges, main paths"},
    {"cites", cmd_cites, "what a document cites, directly or not"},
    {"cited-by", cmd_cited_by, "what cites a document, directly or not"},
    {"generations", cmd_generations, "each document's generation in the citation graph"},
    {"render", cmd_render, "draw the citation graph (SVG, PNG, PDF or DOT, through Graphviz)"},
    {"export", cmd_export, "write the citation graph for other tools"},
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
    /* records sent to a file or a pipe go out 64 KB at a time (see OUT_BUFFER
     * in output.c); set before anything is written */
    static char out_buffer[64 << 10];
    if (!isatty(STDOUT_FILENO))
        setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
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
