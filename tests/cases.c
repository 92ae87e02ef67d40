/*
 * cases.c - runs the extractor's data-file cases.
 *
 * usage: build/cases FILE.cases...
 *
 * A case file holds many cases, each an input text and the records the
 * extractor must give for it, nothing more and nothing less:
 *
 *   === what the case shows
 *   --- options doc-id=A/RES/60/1 encoding=GB18030 file=NAME
 *   --- input
 *   回顾其第 53/70 号和第 54/49 号决议，
 *   --- expect
 *   A/RES/53/70   resolution   GA   -   第 53/70 号
 *   A/RES/54/49   resolution   GA   -   第 54/49 号决议
 *
 * Expect lines are id, type, body, date (- when none) and surface, separated
 * by tabs; a surface writes a line break as \n.  An optional sixth column
 * line:col checks the place.  `--- options` may name a file (relative to the
 * case file) to read instead of the input text, and `doc` (the citing
 * document's id the extractor must find).  An empty expect section means no
 * record at all: the negative cases.  Each case runs twice, with the
 * extractor's prefilter and as its reference scan of every byte: both must
 * give the expected records.  Prints each failure with both record lists,
 * then "N passed, N failed".
 */
#include "resgraph.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct text {
    char *data;
    size_t len, cap;
} text;

static void append(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->data = realloc(t->data, t->cap);
        if (!t->data) {
            perror("cases");
            exit(2);
        }
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    text t = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        append(&t, buf, n);
    fclose(f);
    if (!t.data)
        append(&t, "", 0);
    *len = t.len;
    return t.data;
}

/* Surface with line breaks, tabs and backslashes escaped as in expect lines. */
static void escape(text *t, const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            append(t, "\\n", 2);
        else if (*s == '\t')
            append(t, "\\t", 2);
        else if (*s == '\r')
            append(t, "\\r", 2);
        else if (*s == '\\')
            append(t, "\\\\", 2);
        else
            append(t, s, 1);
    }
}

static const char *type_name(rg_type t)
{
    return t == RG_DECISION ? "decision" : t == RG_DOCUMENT ? "document" : "resolution";
}

typedef struct kase {
    char name[256];
    char opt_doc_id[256], opt_encoding[64], opt_file[512], opt_doc[256];
    text input, expect;
    int line; /* of the === line */
} kase;

static int passed, failed;

/* Drops trailing spaces of each line and trailing empty lines. */
static void normalise(text *t)
{
    text o = {0};
    append(&o, "", 0);
    const char *p = t->data ? t->data : "";
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        size_t k = n;
        while (k > 0 && (p[k - 1] == ' ' || p[k - 1] == '\r'))
            k--;
        if (k > 0) {
            append(&o, p, k);
            append(&o, "\n", 1);
        }
        p += n + (nl ? 1 : 0);
    }
    free(t->data);
    *t = o;
}

static void run_case_mode(const char *casefile, kase *k, int reference, text *got_out,
                          char *docid, size_t docid_n)
{
    rg_read_options ro = {.reference = reference};
    if (k->opt_doc_id[0])
        ro.doc_id = k->opt_doc_id;
    if (k->opt_encoding[0])
        ro.encoding = k->opt_encoding;
    rg_doc *doc = NULL;
    rg_error err = {0};
    rg_status st;
    char name[1200];
    if (k->opt_file[0]) {
        char path[1200];
        const char *slash = strrchr(casefile, '/');
        int dir = slash ? (int)(slash - casefile) + 1 : 0;
        snprintf(path, sizeof path, "%.*s%s", dir, casefile, k->opt_file);
        snprintf(name, sizeof name, "%s", path);
        st = rg_doc_read(path, &ro, &doc, &err);
    } else {
        snprintf(name, sizeof name, "case.txt");
        st = rg_doc_read_buffer(name, k->input.data ? k->input.data : "", k->input.len, &ro, &doc,
                                &err);
    }
    text got = {0};
    append(&got, "", 0);
    docid[0] = '\0';
    if (doc)
        snprintf(docid, docid_n, "%s", rg_doc_id(doc));
    bool want_place = strchr(k->expect.data ? k->expect.data : "", ':') != NULL;
    if (st != RG_OK) {
        append(&got, "error: ", 7);
        append(&got, err.msg, strlen(err.msg));
        append(&got, "\n", 1);
    } else {
        for (size_t i = 0; i < rg_doc_mention_count(doc); i++) {
            const rg_mention *m = rg_doc_mention(doc, i);
            char head[512];
            snprintf(head, sizeof head, "%s\t%s\t%s\t%s\t", m->id, type_name(m->type), m->body,
                     m->date ? m->date : "-");
            append(&got, head, strlen(head));
            escape(&got, m->surface);
            if (want_place) {
                snprintf(head, sizeof head, "\t%zu:%zu", m->line, m->col);
                append(&got, head, strlen(head));
            }
            append(&got, "\n", 1);
        }
    }
    normalise(&got);
    *got_out = got;
    rg_doc_free(doc);
}

/* Runs a case with the prefilter and as the reference scan: both must give
 * the expected records. */
static void run_case(const char *casefile, kase *k)
{
    text got, ref;
    char docid[256], refid[256];
    run_case_mode(casefile, k, 0, &got, docid, sizeof docid);
    run_case_mode(casefile, k, 1, &ref, refid, sizeof refid);
    normalise(&k->expect);
    bool ok = strcmp(got.data, k->expect.data) == 0 && strcmp(ref.data, got.data) == 0 &&
              strcmp(docid, refid) == 0;
    if (ok && k->opt_doc[0] && strcmp(docid, k->opt_doc) != 0)
        ok = false;
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL %s:%d: %s\n", casefile, k->line, k->name);
        if (k->opt_doc[0])
            printf("  document: expected %s, got %s\n", k->opt_doc, docid);
        if (strcmp(ref.data, got.data) != 0)
            printf("  the prefilter and the reference scan differ; reference:\n%s", ref.data);
        printf("  expected:\n");
        for (char *p = k->expect.data; *p;) {
            char *nl = strchr(p, '\n');
            printf("    %.*s\n", (int)(nl - p), p);
            p = nl + 1;
        }
        printf("  got:\n");
        for (char *p = got.data; *p;) {
            char *nl = strchr(p, '\n');
            printf("    %.*s\n", (int)(nl - p), p);
            p = nl + 1;
        }
    }
    free(got.data);
    free(ref.data);
}

static void parse_options(kase *k, const char *s)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *tok = strtok(buf, " \t\n"); tok; tok = strtok(NULL, " \t\n")) {
        char *eq = strchr(tok, '=');
        if (!eq)
            continue;
        *eq = '\0';
        const char *v = eq + 1;
        if (!strcmp(tok, "doc-id"))
            snprintf(k->opt_doc_id, sizeof k->opt_doc_id, "%s", v);
        else if (!strcmp(tok, "encoding"))
            snprintf(k->opt_encoding, sizeof k->opt_encoding, "%s", v);
        else if (!strcmp(tok, "file"))
            snprintf(k->opt_file, sizeof k->opt_file, "%s", v);
        else if (!strcmp(tok, "doc"))
            snprintf(k->opt_doc, sizeof k->opt_doc, "%s", v);
    }
}

static void free_case(kase *k)
{
    free(k->input.data);
    free(k->expect.data);
    memset(k, 0, sizeof *k);
}

static void run_file(const char *path)
{
    size_t len;
    char *data = read_file(path, &len);
    if (!data) {
        printf("FAIL %s: cannot read\n", path);
        failed++;
        return;
    }
    kase k;
    memset(&k, 0, sizeof k);
    enum { NONE, INPUT, EXPECT } sec = NONE;
    bool have = false;
    int lineno = 0;
    for (char *p = data; *p;) {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        char line[4096];
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line - 1 ? n : sizeof line - 1), p);
        if (!strncmp(line, "=== ", 4)) {
            if (have)
                run_case(path, &k);
            free_case(&k);
            have = true;
            snprintf(k.name, sizeof k.name, "%.200s", line + 4);
            k.line = lineno;
            sec = NONE;
        } else if (!strncmp(line, "--- options", 11)) {
            parse_options(&k, line + 11);
        } else if (!strcmp(line, "--- input")) {
            sec = INPUT;
        } else if (!strcmp(line, "--- expect")) {
            sec = EXPECT;
        } else if (sec == INPUT) {
            append(&k.input, p, n);
            append(&k.input, "\n", 1);
        } else if (sec == EXPECT && line[0] != '#') {
            append(&k.expect, p, n);
            append(&k.expect, "\n", 1);
        }
        p += n + (nl ? 1 : 0);
    }
    if (have)
        run_case(path, &k);
    free_case(&k);
    free(data);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        run_file(argv[i]);
    rg_cleanup();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
