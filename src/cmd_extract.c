/*
 * cmd_extract.c - the commands that read texts: extract and check-links.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static const char usage_extract[] =
    "usage: resgraph extract [--format jsonl|tsv] [-o FILE] [--doc-id ID] [--encoding ENC]\n"
    "                        [--reference] [-q] FILE...\n"
    "Prints one record per citation, in document order (JSON Lines by default).\n"
    "FILE may be a directory (read recursively) or - for standard input.\n"
    "--reference scans every byte without the prefilter (slower; for checking).\n"
    "-q (--quiet) silences warnings, and skips checking each hyperlink against the\n"
    "references of its text (check-links still does that).\n";

/* Documents' records held to be written together, straight from their
 * buffers (stdio would copy each small document's records once more, into its
 * own buffer); about as much as the output's buffer holds (output.c) makes
 * one write. */
#define HELD_RECORDS 16
#define HELD_BYTES (64u << 10)

typedef struct extract_job {
    FILE *f;
    char *held[HELD_RECORDS]; /* records taken from their documents */
    size_t held_len[HELD_RECORDS], held_cap[HELD_RECORDS];
    int nheld;
    size_t held_bytes;
    rg_record_format fmt;
    const rg_read_options *ro;
    const char *const *paths; /* of the run of files read in parallel */
    int rc;                   /* exit code for unreadable inputs */
    size_t read;              /* documents read, whatever they held */
    rg_error err;             /* a write error */
} extract_job;

static rg_status stream_doc(extract_job *j, const char *path);

/* The records held, written (a failure told in *err); their buffers go back. */
static rg_status write_held(extract_job *j, rg_error *err)
{
    if (!j->nheld)
        return RG_OK;
    rg_status st = rg_records_put_many(j->f, (const char *const *)j->held, j->held_len,
                                       (size_t)j->nheld, err);
    for (int k = 0; k < j->nheld; k++)
        rg_records_release(j->held[k], j->held_cap[k]);
    j->nheld = 0;
    j->held_bytes = 0;
    return st;
}

/* One document's records; an unreadable input is reported and the rest go on.
 * A large file found in a directory (its size was not asked for) is streamed
 * here, in its place. */
static rg_status write_doc(void *ctx, size_t i, rg_doc *doc, const rg_error *rerr)
{
    extract_job *j = ctx;
    if (!doc) {
        if (rerr->status == RG_ELARGE)
            return stream_doc(j, j->paths[i]);
        if (rerr->status == RG_ESKIPPED)
            warn(rerr->msg);
        else
            j->rc = fail(rerr);
        return RG_OK;
    }
    print_doc_warnings(doc);
    j->read++;
    char *records;
    size_t len, cap;
    if (rg_doc_records_take(doc, j->fmt, &records, &len, &cap)) {
        if (!len) {
            rg_records_release(records, cap);
            return RG_OK;
        }
        j->held[j->nheld] = records;
        j->held_len[j->nheld] = len;
        j->held_cap[j->nheld++] = cap;
        j->held_bytes += len;
        return j->nheld == HELD_RECORDS || j->held_bytes >= HELD_BYTES ? write_held(j, &j->err)
                                                                        : RG_OK;
    }
    rg_status st = write_held(j, &j->err);
    return st == RG_OK ? rg_records_write(j->f, j->fmt, doc, &j->err) : st;
}

/* stdin, and files read in segments, are streamed: records go out as they are
 * found, and memory stays bounded (a document read whole holds its records) */

static bool streamed(const inputs *in, size_t i)
{
    return !strcmp(in->paths[i], "-") || in->sizes[i] > (long long)RG_WHOLE_BYTES;
}

static rg_status write_records(void *ctx, const rg_doc *doc, const char *records, size_t len,
                               rg_error *err)
{
    extract_job *j = ctx;
    return rg_records_put(j->f, records, len, err);
}

/* A document streamed; a failure to write or to find memory stops the run. */
static rg_status stream_doc(extract_job *j, const char *path)
{
    rg_status hst = write_held(j, &j->err); /* the records before its own */
    if (hst != RG_OK)
        return hst;
    rg_doc *doc = NULL;
    rg_error rerr = {0};
    rg_status st = rg_doc_stream(path, j->ro, rg_threads(), write_records, j, &doc, &rerr);
    rg_status wst = RG_OK;
    if (st == RG_EOUTPUT || st == RG_ENOMEM) {
        j->err = rerr;
        wst = st;
    } else {
        wst = write_doc(j, 0, doc, &rerr);
    }
    rg_doc_free(doc);
    return wst;
}

int cmd_extract(int argc, char **argv)
{
#ifdef __GLIBC__
    /* Memory freed by one document is wanted by the next: by default glibc hands
     * what is free at the top of a heap back to the system past 128 KB, and the
     * next document faults the same pages in again (a tenth of the time of
     * reading 20,000 files).  Keep up to 4 MB.  (Only here: it also stops glibc
     * from raising the size above which it maps blocks on their own, which the
     * graph commands' large arrays need.) */
    mallopt(M_TRIM_THRESHOLD, 4 << 20);
#endif
    opts o = {0};
    int first, rc = parse_options(argc, argv, "fohqDES", &o, &first);
    if (rc >= 0)
        return rc;
    if (o.help)
        return fputs(usage_extract, stdout), 0;
    rg_record_format fmt = RG_RECORDS_JSONL;
    if (o.format && !strcmp(o.format, "tsv"))
        fmt = RG_RECORDS_TSV;
    else if (o.format && strcmp(o.format, "jsonl") && strcmp(o.format, "json"))
        return error(RG_EUSAGE, "extract: unknown format '%s' (jsonl or tsv)", o.format);
    if (argc == first)
        return error(RG_EUSAGE, "extract: no input files (try 'resgraph extract --help')");
    inputs in = {0};
    int collected = collect(argc - first, argv + first, &in);
    if (collected && collected != RG_EINPUT) {
        free_inputs(&in);
        return collected;
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
    rg_read_options ro = {.doc_id = o.doc_id, .encoding = o.encoding, .reference = o.reference,
                          .records = 1, .records_format = fmt, .no_links = quiet};
    rg_read_options small = ro;
    small.small_only = 1;
    extract_job j = {.f = rg_output_file(out), .fmt = fmt, .ro = &ro};
    rg_status wst = rg_records_begin(j.f, fmt, &j.err);
    /* in input order: runs of ordinary files read in parallel, big ones streamed */
    for (size_t i = 0; i < in.n && wst == RG_OK;) {
        size_t k = i;
        while (k < in.n && !streamed(&in, k))
            k++;
        if (k > i) {
            j.paths = (const char *const *)in.paths + i;
            wst = rg_docs_each(j.paths, k - i, &small, rg_threads(), write_doc, &j);
        }
        if (wst == RG_OK && k < in.n)
            wst = stream_doc(&j, in.paths[k++]);
        i = k;
    }
    free_inputs(&in);
    /* the records held go out, before an abort too (as those in stdio's buffer
     * do), where a failure to write them does not hide the first one */
    rg_error later = {0};
    rg_status hst = write_held(&j, wst == RG_OK ? &j.err : &later);
    if (wst == RG_OK)
        wst = hst;
    if (wst != RG_OK) {
        rg_output_abort(out);
        return j.err.msg[0] ? write_failed(o.output, &j.err) : error(wst, "out of memory");
    }
    /* A run that read nothing because every input failed has no records to give:
     * the previous output stays, as it does for the graph commands.  (With one
     * readable input among them, its records are written.) */
    if ((j.rc || collected) && !j.read) {
        rg_output_abort(out);
        return j.rc ? j.rc : collected;
    }
    if (rg_output_commit(out, &err) != RG_OK)
        return fail(&err);
    return j.rc ? j.rc : collected; /* the records of the readable inputs are out */
}

static const char usage_check_links[] =
    "usage: resgraph check-links [-q] [--doc-id ID] [--encoding ENC] FILE...\n"
    "Checks that every hyperlink line (https://undocs.org/<lang>/<symbol>) points to a\n"
    "document the text cites.  Prints each link that does not; exits 1 if there is one.\n";

int cmd_check_links(int argc, char **argv)
{
    opts o = {0};
    int first, rc = parse_options(argc, argv, "hqDE", &o, &first);
    if (rc >= 0)
        return rc;
    if (o.help)
        return fputs(usage_check_links, stdout), 0;
    if (argc == first)
        return error(RG_EUSAGE, "check-links: no input files");
    inputs in = {0};
    if ((rc = collect(argc - first, argv + first, &in))) {
        free_inputs(&in);
        return rc;
    }
    if (o.doc_id && in.n > 1) {
        free_inputs(&in);
        return error(RG_EUSAGE, "check-links: --doc-id names one document; give one FILE");
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
