/*
 * cli.h - what the command line's files share (not part of the library).
 *
 * main.c holds the command table, option parsing, input expansion and the
 * messages; each cmd_*.c holds the subcommands of one area.  Commands only
 * parse, call the library, print and return exit codes.
 */
#ifndef RG_CLI_H
#define RG_CLI_H

#include "resgraph.h"

#include <stdbool.h>
#include <stdio.h>

#define DEFAULT_ROOT "A/RES/36/103"
#define MAX_CITATIONS_FILES 64

/* Options of all commands; each command says which it accepts. */
typedef struct opts {
    const char *format, *output, *root, *from, *doc_id, *encoding;
    const char *main_path, *focus, *engine;
    const char *citations[MAX_CITATIONS_FILES];
    int ncitations;
    long max_chains, depth;
    bool all, reduce, reference, exact, help;
    bool context; /* the graph keeps each citation's sentence (render's tooltips) */
} opts;

/* Option keys for `allowed`: f format, o output, r root, F from, D doc-id,
 * E encoding, q quiet, h help, C citations, A all, M max-chains, P main-path,
 * R reduce, X focus, d depth, e engine, S reference, x exact. */
int parse_options(int argc, char **argv, const char *allowed, opts *o, int *first);

extern bool quiet;
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
int error(rg_status st, const char *fmt, ...);
int fail(const rg_error *err);
void warn(const char *msg);
int exit_code(rg_status st);

/* FILE arguments expanded: directories read recursively in name order. */
typedef struct inputs {
    char **paths;
    long long *sizes; /* of regular files; -1 for standard input and the others, -2
                         for a regular file found in a directory (not measured) */
    size_t n, cap;
    /* the paths' strings, in blocks freed together (not a malloc() each) */
    struct path_block *blocks;
    char *room;
    size_t left;
} inputs;

int collect(int argc, char **argv, inputs *in);
void free_inputs(inputs *in);

void print_doc_warnings(const rg_doc *doc);
/* Reads the documents and citations files and builds the graph. */
int load_graph(int argc, char **argv, const opts *o, rg_graph **g);
/* The node of an id given by the user ("36/103" ...), or an error exit code. */
int resolve_id(const rg_graph *g, const char *given, const char *what, long *v);
void json_string(FILE *f, const char *s);
/* An output file or stdout, opened, written by fn, committed; 0 or an exit code. */
int write_output(const char *path, rg_status (*fn)(FILE *, void *, rg_error *), void *ctx);
/* An error of writing to path ("-" or NULL: standard output) as a message. */
int write_failed(const char *path, const rg_error *err);
/* For such an fn: RG_EOUTPUT with a message when f had a write error, else RG_OK. */
rg_status output_status(FILE *f, rg_error *err);

int cmd_extract(int argc, char **argv);
int cmd_check_links(int argc, char **argv);
int cmd_lineage(int argc, char **argv);
int cmd_cites(int argc, char **argv);
int cmd_cited_by(int argc, char **argv);
int cmd_generations(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif
