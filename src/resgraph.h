/*
 * resgraph.h - the one public header of libresgraph.
 *
 * resgraph reads UN texts, finds every reference to another UN text, and turns
 * the references into a citation graph: documents are nodes, citations are
 * edges from the citing text to the cited one.  The pipeline has one module
 * per stage:
 *
 *   text.c     read a file, detect its encoding, keep a map to original bytes
 *   extract.c  find the references (PCRE2); identity.c the citing document's
 *              own id; document.c resolve and place them; stream.c read files
 *              and standard input, whole or in segments
 *   ids.c      canonical identifiers, labels, links, years
 *   records.c  citation records as JSON Lines / TSV, and reading them back
 *   graph.c    the citation graph (igraph), its attributes and igraph writers
 *   lineage.c  chains, counts and other DAG analysis over the graph
 *   render.c   DOT and SVG through Graphviz cgraph/gvc
 *   export.c   graph files for other tools
 *   output.c   atomic output files (temporary file, then rename)
 *
 * Conventions, kept everywhere:
 * - Every exported name starts with rg_ (RG_ for macros and constants).
 * - A function that can fail returns rg_status and, when err is not NULL,
 *   fills *err with a message that names the file and the place.  The library
 *   never prints and never exits.
 * - Ownership: every rg_X_new()/rg_X_read() has exactly one rg_X_free().
 *   Pointers returned by accessors belong to the object they came from and
 *   stay valid until that object is freed.  All strings are UTF-8.
 * - Byte offsets always point into the original bytes of the input file,
 *   whatever its encoding; lines and columns are 1-based, columns count
 *   characters.
 */
#ifndef RESGRAPH_H
#define RESGRAPH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RG_VERSION "0.1.0"

/* Status codes.  The command line maps each to its exit code (see README). */
typedef enum rg_status {
    RG_OK = 0,
    RG_ENOTFOUND = 1, /* a requested id or path is not in the graph */
    RG_EUSAGE = 2,    /* bad option or argument */
    RG_EINPUT = 3,    /* an input file is missing, unreadable or malformed */
    RG_EOUTPUT = 4,   /* an output cannot be written */
    RG_ELIB = 5,      /* igraph, Graphviz or PCRE2 reported an error */
    RG_ENOMEM = 6,    /* out of memory */
    RG_ESKIPPED = 7,  /* an input is not text (binary): skipped */
    RG_ELARGE = 8     /* rg_read_options.small_only: a file to stream, not read */
} rg_status;

typedef struct rg_error {
    rg_status status;
    char msg[1024];
    int errnum; /* the system's error number when a write failed (RG_EOUTPUT), else 0 */
} rg_error;

/* ------------------------------------------------------------------------ */
/* Citations                                                                 */

typedef enum rg_type {
    RG_RESOLUTION = 0,
    RG_DECISION = 1,
    RG_DOCUMENT = 2
} rg_type;

/* How the reference stands in the text. */
typedef enum rg_form {
    RG_FORM_TEXT = 0,   /* 第 36/103 号决议 */
    RG_FORM_SYMBOL = 1, /* A/78/265 */
    RG_FORM_LINK = 2    /* https://undocs.org/ch/A/78/265 standing in the text */
} rg_form;

/* One mention of a cited item.  Read-only; owned by its rg_doc. */
typedef struct rg_mention {
    const char *id;      /* canonical id: A/RES/36/103, A/RES/43/78[H], A/78/265 */
    rg_type type;
    const char *body;    /* GA, SC, ECOSOC, HRC, CHR, Secretariat, other */
    const char *date;    /* adoption date given by the text, YYYY-MM-DD, or NULL */
    const char *surface; /* the exact text of the reference */
    rg_form form;
    size_t offset;       /* byte offset of the surface in the original file */
    size_t length;       /* its length in original bytes */
    size_t line, col;    /* 1-based; col counts characters */
    size_t list;         /* enumeration it belongs to, numbered from 1 in the document */
    const char *para;    /* paragraph: P3 (preambular), O1 (operative), F2 (footnote), or NULL */
    const char *verb;    /* the verb opening its clause (回顾, 重申, 支持 ...), or NULL */
    const char *context; /* the sentence it stands in, line breaks folded, cut to about
                            160 characters around it; NULL unless asked for */
} rg_mention;

/* A hyperlink line of the text (https://undocs.org/<lang>/<symbol>). */
typedef struct rg_link {
    const char *target;  /* the symbol the link points to, canonical */
    const char *url;     /* the link as printed */
    size_t offset, line;
    int matched;         /* 1 when a text reference of the document cites it */
} rg_link;

/* The formats of citation records (extract's output). */
typedef enum rg_record_format { RG_RECORDS_JSONL = 0, RG_RECORDS_TSV = 1 } rg_record_format;

typedef struct rg_read_options {
    const char *doc_id;   /* the citing document's id, overriding the one found */
    const char *encoding; /* input encoding for files that cannot be detected */
    int reference;        /* scan the whole text, without the prefilter: slower, the
                             reference the fast path is checked against */
    int context;          /* fill rg_mention.context (costs time and memory) */
    int records;          /* write each mention's record (in records_format) as it is
                             found, where the document is read, instead of keeping the
                             mention: see rg_doc_records() and rg_doc_stream() */
    rg_record_format records_format;
    int no_links;         /* leave out the hyperlink lines (rg_doc_link_count() is 0),
                             and the work of matching them to references */
    int small_only;       /* rg_doc_read() leaves a regular file larger than
                             RG_WHOLE_BYTES unread and fails with RG_ELARGE, for the
                             caller to stream it (rg_doc_stream()) */
} rg_read_options;

/* A document read and scanned: its identity, mentions, links and warnings. */
typedef struct rg_doc rg_doc;

/* Files up to this size are read whole; larger ones, and pipes, in segments. */
#define RG_WHOLE_BYTES (4u << 20)

/* Reads path and extracts its citations.  A binary file fails with RG_EINPUT. */
rg_status rg_doc_read(const char *path, const rg_read_options *opt, rg_doc **out,
                      rg_error *err);
/* Same from memory; name is used in messages and as the fallback id. */
rg_status rg_doc_read_buffer(const char *name, const char *data, size_t len,
                             const rg_read_options *opt, rg_doc **out, rg_error *err);
void rg_doc_free(rg_doc *doc);

/* Reads a document in segments, with up to `threads` threads (rg_threads()
 * for one per processor), and hands fn the records of each segment's mentions
 * (opt->records must be set), in order and in the caller's thread: memory
 * stays bounded whatever the size of the input (a pipe of gigabytes).  The
 * bytes live during the call only; rg_doc_id(doc) is settled before the first.
 * *out receives the document without its mentions (identity, links, warnings). */
typedef rg_status (*rg_records_fn)(void *ctx, const rg_doc *doc, const char *records,
                                   size_t len, rg_error *err);
rg_status rg_doc_stream(const char *path, const rg_read_options *opt, int threads,
                        rg_records_fn fn, void *ctx, rg_doc **out, rg_error *err);

/* Reads many files with up to `threads` threads (rg_threads() for one per
 * processor) and calls fn once per path, in the order of the paths and in the
 * caller's thread: with the document, or with NULL and the error when the path
 * could not be read.  The document is freed when fn returns (fn may take its
 * records first).  Stops at, and returns, the first status other than RG_OK
 * that fn returns. */
typedef rg_status (*rg_doc_fn)(void *ctx, size_t i, rg_doc *doc, const rg_error *err);
rg_status rg_docs_each(const char *const *paths, size_t n, const rg_read_options *opt,
                       int threads, rg_doc_fn fn, void *ctx);
int rg_threads(void);

const char *rg_doc_id(const rg_doc *doc);     /* its own symbol, else the file's name */
const char *rg_doc_file(const rg_doc *doc);   /* the path it was read from */
const char *rg_doc_body(const rg_doc *doc);   /* GA, SC, ... */
int rg_doc_session(const rg_doc *doc);        /* session number, 0 when unknown */
const char *rg_doc_date(const rg_doc *doc);   /* adoption date, or NULL */
size_t rg_doc_mention_count(const rg_doc *doc); /* 0 when read with opt->records */
const rg_mention *rg_doc_mention(const rg_doc *doc, size_t i);
size_t rg_doc_link_count(const rg_doc *doc);
const rg_link *rg_doc_link(const rg_doc *doc, size_t i);
size_t rg_doc_warning_count(const rg_doc *doc);
const char *rg_doc_warning(const rg_doc *doc, size_t i);
/* The records of the document's mentions when it was read with opt->records
 * (*len bytes), else NULL. */
const char *rg_doc_records(const rg_doc *doc, size_t *len);
/* The same records moved out of the document, which is left with none, when
 * it was read with them in fmt (else false): the caller writes them when it
 * likes (rg_records_put_many()), and gives the buffer of cap bytes back with
 * rg_records_release(), for the records of the documents read next.
 * *records is NULL when there are none. */
int rg_doc_records_take(rg_doc *doc, rg_record_format fmt, char **records, size_t *len,
                         size_t *cap);
void rg_records_release(char *records, size_t cap);

/* ------------------------------------------------------------------------ */
/* Identifiers                                                               */

/* Canonical form of an id given by a user: "36/103", "43/78 H", "A/RES/43/78[H]",
 * "1325 (2000)", "S/RES/1325(2000)", "A/78/265".  Writes at most n bytes. */
rg_status rg_id_canonical(const char *in, char *out, size_t n, rg_error *err);
/* Short label for people: A/RES/43/78[H] -> "43/78 H". */
void rg_id_label(const char *id, char *out, size_t n);
/* https://undocs.org/ch/<symbol>; a part links to its base document. */
void rg_id_url(const char *id, char *out, size_t n);
/* A file name made from an id, never a path: A/C.1/78/L.11 -> A-C.1-78-L.11,
 * A/RES/43/78[H] -> A-RES-43-78-H; only letters, digits, '.', '-', '_', '(' and
 * ')' remain, and it never starts with a dot. */
void rg_id_filename(const char *id, char *out, size_t n);

/* ------------------------------------------------------------------------ */
/* Citation records (extract output)                                         */

/* Writes the header line (TSV only; nothing for JSON Lines). */
rg_status rg_records_begin(FILE *out, rg_record_format fmt, rg_error *err);
/* Writes one record per mention of doc, in document order (the records made
 * when it was read, if it was read with opt->records in this format). */
rg_status rg_records_write(FILE *out, rg_record_format fmt, const rg_doc *doc, rg_error *err);
/* Writes records as rg_doc_stream() hands them on. */
rg_status rg_records_put(FILE *out, const char *records, size_t len, rg_error *err);
/* Writes the n buffers of records after what out holds, straight from them
 * (rg_records_put() copies what fits into out's buffer). */
rg_status rg_records_put_many(FILE *out, const char *const *records, const size_t *len, size_t n,
                              rg_error *err);

/* ------------------------------------------------------------------------ */
/* The citation graph                                                        */

typedef struct rg_graph rg_graph;

typedef enum rg_edge_kind {
    RG_CITES = 0,    /* the text cites the item */
    RG_SUCCEEDS = 1  /* inferred: listed right after the item in a chronological recital */
} rg_edge_kind;

/* Builds the graph of the documents' citations: one node per canonical id. */
rg_status rg_graph_build(rg_doc *const *docs, size_t ndocs, rg_graph **out, rg_error *err);

/* A graph built from several sources: documents read and citations files
 * (JSON Lines as `extract` writes them; "doc" and "id" are required, the other
 * fields optional; "kind": "succeeds" marks an inferred edge). */
typedef struct rg_builder rg_builder;

rg_status rg_builder_new(rg_builder **out, rg_error *err);
rg_status rg_builder_add_doc(rg_builder *b, const rg_doc *doc, rg_error *err);
/* path "-" reads standard input. */
rg_status rg_builder_add_citations(rg_builder *b, const char *path, rg_error *err);
/* Builds the graph and frees the builder, whatever the outcome. */
rg_status rg_builder_build(rg_builder *b, rg_graph **out, rg_error *err);
void rg_builder_free(rg_builder *b);
void rg_graph_free(rg_graph *g);

size_t rg_graph_node_count(const rg_graph *g);
size_t rg_graph_edge_count(const rg_graph *g);
/* Index of the node with canonical id, or -1. */
long rg_graph_find(const rg_graph *g, const char *id);
const char *rg_graph_node_id(const rg_graph *g, size_t v);
const char *rg_graph_node_label(const rg_graph *g, size_t v);
const char *rg_graph_node_date(const rg_graph *g, size_t v); /* or NULL */
int rg_graph_node_year(const rg_graph *g, size_t v);         /* 0 when unknown */
int rg_graph_node_is_source(const rg_graph *g, size_t v);    /* a document that was read */
/* The part of g within `depth` citation steps of node v, in either direction. */
rg_status rg_graph_focus(const rg_graph *g, size_t v, size_t depth, rg_graph **out,
                         rg_error *err);
/* g with only the edges of its transitive reduction: the backbone a diagram shows. */
rg_status rg_graph_reduce(const rg_graph *g, rg_graph **out, rg_error *err);
/* (The graphs these two return read the strings of g: free them before g.) */

/* Problems found while building: cycles, whose edges are left out of the analysis. */
size_t rg_graph_warning_count(const rg_graph *g);
const char *rg_graph_warning(const rg_graph *g, size_t i);

/* ------------------------------------------------------------------------ */
/* Lineage                                                                   */

/* The longest path from one node back to the root, and how many paths there are. */
typedef struct rg_chain {
    size_t *nodes;        /* from ... root */
    rg_edge_kind *kinds;  /* kinds[i]: the edge from nodes[i] to nodes[i+1] */
    size_t len;           /* number of nodes */
    char *count;          /* number of distinct paths in decimal, exact; or, when
                             approximate is set, written "~2.497e+30102" */
    int approximate;      /* the count passed 2^1024 and exactness was not asked */
} rg_chain;

/* RG_ENOTFOUND with a message when root cannot be reached from `from`. */
rg_status rg_lineage(const rg_graph *g, size_t from, size_t root, rg_chain **out,
                     rg_error *err);
/* The chains of several nodes back to one root, in one pass over the graph:
 * out[i] is NULL when from[i] does not reach the root.  Counts past 2^1024 are
 * approximate unless exact is set (then GMP sums numbers of any size). */
rg_status rg_lineage_many(const rg_graph *g, size_t root, const size_t *from, size_t nfrom,
                          int exact, rg_chain **out, rg_error *err);
void rg_chain_free(rg_chain *c);

/* Calls fn for each distinct chain from `from` to root (nodes from ... root),
 * in order of the heads' ids, stopping early when fn returns non-zero. */
rg_status rg_chains_each(const rg_graph *g, size_t from, size_t root,
                         int (*fn)(void *ctx, const size_t *nodes, size_t len), void *ctx,
                         rg_error *err);

/* Main path analysis (Pajek): search path count (SPC) edge weights, the
 * number of source-to-sink paths through each edge, and the main path that
 * follows them: locally (greedy, the heaviest edge at each step) or globally
 * (the source-to-sink path with the largest total weight). */
typedef enum rg_main_kind { RG_MAIN_LOCAL = 0, RG_MAIN_GLOBAL = 1 } rg_main_kind;

typedef struct rg_path {
    size_t *nodes;
    size_t len;
    char **spc;           /* spc[i]: weight of the edge nodes[i] -> nodes[i+1]: exact
                             digits, or "~1.23e+4567" when beyond 2^53 */
    char *total;          /* sum of the weights along the path, the same way */
} rg_path;

rg_status rg_main_path(const rg_graph *g, rg_main_kind kind, rg_path **out, rg_error *err);
void rg_path_free(rg_path *p);

/* The transitive reduction: keep[e] is 1 for the edges no longer path replaces
 * (the backbone a diagram should show), for every edge e of the graph. */
rg_status rg_reduction(const rg_graph *g, unsigned char **keep, rg_error *err);

/* Where a lineage splits and joins: over the documents on some chain from
 * `from` to root, a split is an item continued by two or more texts that do
 * not cite one another; a merge is a text that cites two or more such lines. */
typedef struct rg_branch {
    size_t node;          /* the item split after, or the text that merges */
    size_t *lines;        /* the texts continuing it, or the lines merged */
    size_t nlines;
    int merge;            /* 0: split, 1: merge */
} rg_branch;

rg_status rg_branches(const rg_graph *g, size_t from, size_t root, rg_branch **out, size_t *n,
                      rg_error *err);
void rg_branches_free(rg_branch *b, size_t n);

/* Topological generations: gen[v] is 0 for what cites nothing in the graph,
 * else one more than the largest generation among what v cites. */
rg_status rg_generations(const rg_graph *g, size_t **gen, rg_error *err);

/* The documents v cites directly or not (cited = 1), or that cite it (0). */
rg_status rg_reach(const rg_graph *g, size_t v, int cited, size_t **nodes, size_t *n,
                   rg_error *err);

/* ------------------------------------------------------------------------ */
/* Drawings and graph files                                                  */

typedef struct rg_render_options {
    const char *format;     /* "svg", "png", "pdf" or "dot" (whatever gvc can render) */
    const char *engine;     /* "dot" (the default: rows by year) or "sfdp" (large graphs) */
    const rg_chain *chain;  /* highlighted, may be NULL */
    const char *root;       /* canonical id of the root, may be NULL */
} rg_render_options;

#define RG_RENDER_MAX_DOT 2000    /* nodes the dot layout takes */
#define RG_RENDER_MAX_SFDP 50000  /* nodes the sfdp layout takes */

/* Lays the graph out with Graphviz and writes it to out.  A graph too large
 * for the engine is refused with RG_EUSAGE and a message saying what to do. */
rg_status rg_render(const rg_graph *g, const rg_render_options *opt, FILE *out, rg_error *err);

typedef enum rg_export_format {
    RG_EXPORT_GRAPHML = 0, /* GraphML with typed attributes */
    RG_EXPORT_GML,         /* GML */
    RG_EXPORT_PAJEK,       /* Pajek .net, UTF-8 with byte-order mark */
    RG_EXPORT_GEXF,        /* GEXF 1.3, each node's year as its start */
    RG_EXPORT_CYTOSCAPE,   /* Cytoscape.js JSON (elements) */
    RG_EXPORT_NODELINK,    /* networkx node-link JSON */
    RG_EXPORT_EDGELIST,    /* plain edge list: citing TAB cited TAB kind */
    RG_EXPORT_NEO4J        /* Neo4j admin-import CSV: two files, see rg_export_neo4j() */
} rg_export_format;

/* The format named "graphml", "gml", "pajek", "gexf", "cytoscape", "node-link",
 * "edgelist" or "neo4j"; -1 when the name is unknown. */
int rg_export_format_by_name(const char *name);
/* Writes a one-file format. */
rg_status rg_export(const rg_graph *g, rg_export_format fmt, FILE *out, rg_error *err);
/* Neo4j admin-import CSV: nodes.csv and edges.csv with typed headers. */
rg_status rg_export_neo4j(const rg_graph *g, FILE *nodes, FILE *edges, rg_error *err);

/* ------------------------------------------------------------------------ */
/* Output files                                                              */

/* An output written to a temporary file beside its path and renamed over it on
 * commit, so that a failed run leaves the previous file intact.  A path of
 * NULL or "-" writes to stdout. */
typedef struct rg_output rg_output;

rg_status rg_output_open(const char *path, rg_output **out, rg_error *err);
FILE *rg_output_file(rg_output *o);
/* Flushes, checks for write errors, renames; frees o in every case. */
rg_status rg_output_commit(rg_output *o, rg_error *err);
/* Removes the temporary file; frees o. */
void rg_output_abort(rg_output *o);

/* Releases the library's process-wide state (compiled patterns).  Optional. */
void rg_cleanup(void);

#endif
