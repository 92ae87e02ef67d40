/*
 * unit.c - tests of libresgraph's API.
 *
 * A small harness: each test is a function that records checks; the run
 * ends with the line "N passed, N failed" (checks, not tests) and exits 1 on
 * any failure.  Tests read the bundled example and write only under a
 * temporary directory.
 */
#define _DEFAULT_SOURCE /* wait4() */
#include "resgraph.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int passed, failed;
static const char *current;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            printf("FAIL %s: %s:%d: %s\n", current, __FILE__, __LINE__, #cond);                   \
        }                                                                                          \
    } while (0)

#define CHECK_STR(got, want)                                                                       \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        if (g_ && w_ && strcmp(g_, w_) == 0) {                                                     \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            printf("FAIL %s: %s:%d: %s is \"%s\", expected \"%s\"\n", current, __FILE__, __LINE__, \
                   #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");                                  \
        }                                                                                          \
    } while (0)

#define SEED "tests/fixtures/A-C.1-78-L.11.zh.txt"

static char tmpdir[256];

static rg_doc *read_text(const char *text)
{
    rg_doc *d = NULL;
    rg_error err = {0};
    if (rg_doc_read_buffer("t.txt", text, strlen(text), NULL, &d, &err) != RG_OK)
        printf("  (read failed: %s)\n", err.msg);
    return d;
}

static void test_canonical_ids(void)
{
    static const char *const cases[][2] = {
        {"36/103", "A/RES/36/103"},
        {"A/RES/36/103", "A/RES/36/103"},
        {"43/78 H", "A/RES/43/78[H]"},
        {"43/78H", "A/RES/43/78[H]"},
        {"A/RES/43/78[H]", "A/RES/43/78[H]"},
        {"A/RES/43/78 H", "A/RES/43/78[H]"},
        {"1325 (2000)", "S/RES/1325(2000)"},
        {"S/RES/1325 (2000)", "S/RES/1325(2000)"},
        {"2625 (XXV)", "A/RES/2625(XXV)"},
        {"217 A (III)", "A/RES/217(III)[A]"},
        {"S-10/2", "A/RES/S-10/2"},
        {"ES-11/1", "A/RES/ES-11/1"},
        {"2006/46", "E/RES/2006/46"},
        {"３６／１０３", "A/RES/36/103"},
        {"A/78/265", "A/78/265"},
        {"A/54/L.81/Rev.l", "A/54/L.81/Rev.1"},
        {"A/C.1/78/L.11", "A/C.1/78/L.11"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[256];
        rg_error err = {0};
        CHECK(rg_id_canonical(cases[i][0], out, sizeof out, &err) == RG_OK);
        CHECK_STR(out, cases[i][1]);
    }
    char out[256];
    rg_error err = {0};
    CHECK(rg_id_canonical("hello", out, sizeof out, &err) == RG_EUSAGE);
    CHECK(strstr(err.msg, "hello") != NULL);
    CHECK(rg_id_canonical("", out, sizeof out, &err) == RG_EUSAGE);
}

static void test_labels_and_links(void)
{
    char out[256];
    rg_id_label("A/RES/43/78[H]", out, sizeof out);
    CHECK_STR(out, "43/78 H");
    rg_id_label("A/RES/217(III)[A]", out, sizeof out);
    CHECK_STR(out, "217 A (III)");
    rg_id_label("S/RES/1325(2000)", out, sizeof out);
    CHECK_STR(out, "1325 (2000)");
    rg_id_label("A/DEC/62/557", out, sizeof out);
    CHECK_STR(out, "decision 62/557");
    rg_id_label("A/78/265", out, sizeof out);
    CHECK_STR(out, "A/78/265");
    rg_id_url("A/RES/43/78[H]", out, sizeof out);
    CHECK_STR(out, "https://undocs.org/ch/A/RES/43/78");
    rg_id_filename("A/C.1/78/L.11", out, sizeof out);
    CHECK_STR(out, "A-C.1-78-L.11");
    rg_id_filename("A/RES/43/78[H]", out, sizeof out);
    CHECK_STR(out, "A-RES-43-78-H");
    rg_id_filename("S/RES/1325(2000)", out, sizeof out);
    CHECK_STR(out, "S-RES-1325(2000)");
    rg_id_filename("../../etc/passwd", out, sizeof out);
    CHECK_STR(out, "etc-passwd");
    rg_id_filename("/", out, sizeof out);
    CHECK_STR(out, "document");
}

static void test_seed_extraction(void)
{
    rg_doc *d = NULL;
    rg_error err = {0};
    CHECK(rg_doc_read(SEED, NULL, &d, &err) == RG_OK);
    if (!d)
        return;
    CHECK_STR(rg_doc_id(d), "A/C.1/78/L.11");
    CHECK_STR(rg_doc_body(d), "GA");
    CHECK(rg_doc_session(d) == 78);
    size_t res = 0, dated = 0, docs = 0;
    for (size_t i = 0; i < rg_doc_mention_count(d); i++) {
        const rg_mention *m = rg_doc_mention(d, i);
        res += m->type == RG_RESOLUTION;
        dated += m->date != NULL;
        docs += m->type == RG_DOCUMENT;
    }
    CHECK(res == 27);
    CHECK(dated == 26);
    CHECK(docs == 2);
    CHECK(rg_doc_mention_count(d) == 29);
    /* offsets point into the file: the surface is there */
    FILE *f = fopen(SEED, "rb");
    CHECK(f != NULL);
    if (f) {
        for (size_t i = 0; i < rg_doc_mention_count(d); i++) {
            const rg_mention *m = rg_doc_mention(d, i);
            char buf[256] = "";
            fseek(f, (long)m->offset, SEEK_SET);
            size_t n = fread(buf, 1, m->length < sizeof buf - 1 ? m->length : sizeof buf - 1, f);
            buf[n] = '\0';
            CHECK_STR(buf, m->surface);
        }
        fclose(f);
    }
    /* the footnote links point to last year's documents */
    size_t stale = 0;
    for (size_t i = 0; i < rg_doc_link_count(d); i++)
        if (!rg_doc_link(d, i)->matched) {
            stale++;
            const char *t = rg_doc_link(d, i)->target;
            CHECK(!strcmp(t, "A/77/275") || !strcmp(t, "A/AC.292/2022/INF/4"));
        }
    CHECK(stale == 2);
    CHECK(rg_doc_link_count(d) == 30);
    rg_doc_free(d);
}

/* A document read with its records writes them as they are, and refuses the
 * other format (its mentions went into the records) rather than write nothing. */
static void test_records_as_read(void)
{
    static const char text[] = "回顾其第 36/103 号决议，";
    rg_read_options ro = {.records = 1, .records_format = RG_RECORDS_JSONL};
    rg_doc *d = NULL;
    rg_error err = {0};
    CHECK(rg_doc_read_buffer("r.txt", text, sizeof text - 1, &ro, &d, &err) == RG_OK);
    if (!d)
        return;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK(rg_records_write(f, RG_RECORDS_JSONL, d, &err) == RG_OK);
    CHECK(rg_records_write(f, RG_RECORDS_TSV, d, &err) == RG_EUSAGE);
    CHECK(strstr(err.msg, "r.txt") != NULL);
    fclose(f);
    CHECK(buf && strstr(buf, "\"id\":\"A/RES/36/103\"") != NULL);
    free(buf);
    rg_doc_free(d);
}

static void test_encodings(void)
{
    /* 回顾第 36/103 号决议 in GB18030 and in UTF-16LE with a byte-order mark */
    static const char gb[] = "\xbb\xd8\xb9\xcb\xb5\xda 36/103 \xba\xc5\xbe\xf6\xd2\xe9";
    rg_doc *d = NULL;
    rg_error err = {0};
    CHECK(rg_doc_read_buffer("gb.txt", gb, sizeof gb - 1, NULL, &d, &err) == RG_OK);
    if (d) {
        CHECK(rg_doc_mention_count(d) == 1);
        if (rg_doc_mention_count(d) == 1) {
            const rg_mention *m = rg_doc_mention(d, 0);
            CHECK_STR(m->id, "A/RES/36/103");
            CHECK(m->offset == 4); /* 回顾 is four bytes in GB18030 */
            CHECK(m->length == sizeof gb - 1 - 4);
        }
        rg_doc_free(d);
    }
    const char *u8 = "回顾第 36/103 号决议";
    unsigned char u16[128];
    size_t n = 0;
    u16[n++] = 0xFF;
    u16[n++] = 0xFE;
    /* 回 U+56DE 顾 U+987E 第 U+7B2C, then ASCII, then 号 U+53F7 决 U+51B3 议 U+8BAE */
    static const unsigned cps[] = {0x56DE, 0x987E, 0x7B2C, ' ', '3', '6', '/', '1', '0', '3',
                                   ' ',    0x53F7, 0x51B3, 0x8BAE};
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
        u16[n++] = (unsigned char)(cps[i] & 0xFF);
        u16[n++] = (unsigned char)(cps[i] >> 8);
    }
    (void)u8;
    CHECK(rg_doc_read_buffer("u16.txt", (const char *)u16, n, NULL, &d, &err) == RG_OK);
    if (d) {
        CHECK(rg_doc_mention_count(d) == 1);
        if (rg_doc_mention_count(d) == 1) {
            CHECK(rg_doc_mention(d, 0)->offset == 6); /* BOM + 回顾 */
            CHECK(rg_doc_mention(d, 0)->length == n - 6);
        }
        rg_doc_free(d);
    }
    /* binary input is refused, empty input gives nothing */
    static const char bin[] = "PK\x03\x04\x00\x00\x01";
    CHECK(rg_doc_read_buffer("x.zip", bin, sizeof bin - 1, NULL, &d, &err) == RG_ESKIPPED);
    CHECK(strstr(err.msg, "x.zip") != NULL);
    CHECK(rg_doc_read_buffer("empty.txt", "", 0, NULL, &d, &err) == RG_OK);
    if (d) {
        CHECK(rg_doc_mention_count(d) == 0);
        rg_doc_free(d);
    }
    /* invalid UTF-8: a warning with its offset, the rest still read */
    static const char bad[] = "\xff回顾第 36/103 号决议";
    CHECK(rg_doc_read_buffer("bad.txt", bad, sizeof bad - 1, NULL, &d, &err) == RG_OK);
    if (d) {
        CHECK(rg_doc_mention_count(d) == 1);
        CHECK(rg_doc_warning_count(d) == 1);
        if (rg_doc_warning_count(d))
            CHECK(strstr(rg_doc_warning(d, 0), "byte 0") != NULL);
        rg_doc_free(d);
    }
}

static void test_missing_file(void)
{
    rg_doc *d = NULL;
    rg_error err = {0};
    CHECK(rg_doc_read("no/such/file.txt", NULL, &d, &err) == RG_EINPUT);
    CHECK(d == NULL);
    CHECK(strstr(err.msg, "no/such/file.txt") != NULL);
}

static void test_seed_lineage(void)
{
    rg_doc *d = NULL;
    rg_error err = {0};
    if (rg_doc_read(SEED, NULL, &d, &err) != RG_OK) {
        CHECK(!"seed readable");
        return;
    }
    rg_graph *g = NULL;
    CHECK(rg_graph_build(&d, 1, &g, &err) == RG_OK);
    if (!g) {
        rg_doc_free(d);
        return;
    }
    CHECK(rg_graph_node_count(g) == 29);
    CHECK(rg_graph_edge_count(g) == 53); /* 28 citations, 25 inferred successions */
    long from = rg_graph_find(g, "A/C.1/78/L.11"), root = rg_graph_find(g, "A/RES/36/103");
    CHECK(from >= 0 && root >= 0);
    rg_chain *c = NULL;
    CHECK(rg_lineage(g, (size_t)from, (size_t)root, &c, &err) == RG_OK);
    if (c) {
        CHECK(c->len == 27);
        CHECK_STR(c->count, "26");
        CHECK_STR(rg_graph_node_id(g, c->nodes[1]), "A/RES/77/36");
        CHECK_STR(rg_graph_node_id(g, c->nodes[2]), "A/RES/76/19");
        CHECK_STR(rg_graph_node_id(g, c->nodes[25]), "A/RES/43/78[H]");
        CHECK(c->kinds[0] == RG_CITES);
        CHECK(c->kinds[1] == RG_SUCCEEDS);
        rg_chain_free(c);
    }
    /* a root the document does not reach */
    long doc = rg_graph_find(g, "A/78/265");
    CHECK(rg_lineage(g, (size_t)doc, (size_t)root, &c, &err) == RG_ENOTFOUND);
    CHECK(strstr(err.msg, "A/78/265") != NULL);
    rg_graph_free(g);
    rg_doc_free(d);
}

static void test_order_independent(void)
{
    const char *a = "A/RES/70/1\n回顾其第 60/1 号决议，\n";
    const char *b = "A/RES/71/1\n回顾其第 70/1 号和第 60/1 号决议，\n";
    rg_doc *d1[2] = {read_text(a), read_text(b)};
    rg_doc *d2[2] = {d1[1], d1[0]};
    rg_graph *g1 = NULL, *g2 = NULL;
    rg_error err = {0};
    CHECK(rg_graph_build(d1, 2, &g1, &err) == RG_OK);
    CHECK(rg_graph_build(d2, 2, &g2, &err) == RG_OK);
    if (g1 && g2) {
        char p1[512], p2[512];
        snprintf(p1, sizeof p1, "%s/g1.graphml", tmpdir);
        snprintf(p2, sizeof p2, "%s/g2.graphml", tmpdir);
        FILE *f1 = fopen(p1, "w"), *f2 = fopen(p2, "w");
        CHECK(rg_export(g1, RG_EXPORT_GRAPHML, f1, &err) == RG_OK);
        CHECK(rg_export(g2, RG_EXPORT_GRAPHML, f2, &err) == RG_OK);
        fclose(f1);
        fclose(f2);
        char cmd[1200];
        snprintf(cmd, sizeof cmd, "cmp -s %s %s", p1, p2);
        CHECK(system(cmd) == 0);
    }
    rg_graph_free(g1);
    rg_graph_free(g2);
    rg_doc_free(d1[0]);
    rg_doc_free(d1[1]);
}

/* Items with a topic between them (关于裁军的) share their closing word but are
 * no line of resolutions: no item succeeds the one before it. */
static void test_topic_no_succession(void)
{
    const char *texts[2] = {"A/RES/60/10\n回顾其第 53/70 号、第 54/49 号决议，\n",
                            "A/RES/60/10\n回顾其第 53/70 号、关于裁军的第 54/49 号决议，\n"};
    size_t edges[2] = {3, 2}; /* two citations, and a succession in the list only */
    for (int i = 0; i < 2; i++) {
        rg_doc *d = read_text(texts[i]);
        rg_graph *g = NULL;
        rg_error err = {0};
        CHECK(d && rg_doc_mention_count(d) == 2);
        CHECK(rg_graph_build(&d, 1, &g, &err) == RG_OK);
        if (g)
            CHECK(rg_graph_edge_count(g) == edges[i]);
        rg_graph_free(g);
        rg_doc_free(d);
    }
}

static void test_output_atomic(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/out.txt", tmpdir);
    FILE *f = fopen(path, "w");
    fputs("previous\n", f);
    fclose(f);
    rg_output *o = NULL;
    rg_error err = {0};
    CHECK(rg_output_open(path, &o, &err) == RG_OK);
    if (o) {
        fputs("half-written", rg_output_file(o));
        rg_output_abort(o);
    }
    char buf[64] = "";
    f = fopen(path, "r");
    CHECK(f && fgets(buf, sizeof buf, f));
    if (f)
        fclose(f);
    CHECK_STR(buf, "previous\n");
    CHECK(rg_output_open(path, &o, &err) == RG_OK);
    if (o) {
        fputs("new\n", rg_output_file(o));
        CHECK(rg_output_commit(o, &err) == RG_OK);
    }
    f = fopen(path, "r");
    CHECK(f && fgets(buf, sizeof buf, f));
    if (f)
        fclose(f);
    CHECK_STR(buf, "new\n");
    /* no temporary file left behind */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | grep -c '^\\.out') -eq 0", tmpdir);
    CHECK(system(cmd) == 0);
    CHECK(rg_output_open("/nonexistent-dir/x.svg", &o, &err) == RG_EOUTPUT);
    CHECK(strstr(err.msg, "/nonexistent-dir/x.svg") != NULL);
}

static void test_render_hostile_text(void)
{
    /* a file-name id full of characters that mean something in DOT and XML */
    const char *text = "回顾其第 36/103 号决议，\n";
    rg_doc *d = NULL;
    rg_error err = {0};
    CHECK(rg_doc_read_buffer("a\"b<c>&d\\e\\N.txt", text, strlen(text), NULL, &d, &err) == RG_OK);
    rg_graph *g = NULL;
    if (d)
        CHECK(rg_graph_build(&d, 1, &g, &err) == RG_OK);
    if (g) {
        char path[512], cmd[1200];
        snprintf(path, sizeof path, "%s/hostile.svg", tmpdir);
        FILE *f = fopen(path, "w");
        rg_render_options ro = {.format = "svg"};
        CHECK(rg_render(g, &ro, f, &err) == RG_OK);
        fclose(f);
        snprintf(cmd, sizeof cmd, "xmllint --noout %s", path);
        CHECK(system(cmd) == 0);
        snprintf(path, sizeof path, "%s/hostile.graphml", tmpdir);
        f = fopen(path, "w");
        CHECK(rg_export(g, RG_EXPORT_GRAPHML, f, &err) == RG_OK);
        fclose(f);
        snprintf(cmd, sizeof cmd, "xmllint --noout %s", path);
        CHECK(system(cmd) == 0);
        FILE *null = fopen("/dev/null", "w");
        rg_render_options bad = {.format = "nonesuch"};
        CHECK(rg_render(g, &bad, null, &err) == RG_EUSAGE);
        CHECK(strstr(err.msg, "nonesuch") != NULL);
        rg_render_options engine = {.format = "svg", .engine = "neato"};
        CHECK(rg_render(g, &engine, null, &err) == RG_EUSAGE);
        CHECK(strstr(err.msg, "neato") != NULL);
        fclose(null);
    }
    rg_graph_free(g);
    rg_doc_free(d);
}

static rg_status discard_records(void *ctx, const rg_doc *doc, const char *records, size_t len,
                                 rg_error *err)
{
    *(size_t *)ctx += len;
    return RG_OK;
}

/* The peak RSS in MB of a child that streams path with 8 threads; -1 when
 * the reading fails. */
static long stream_peak_mb(const char *path)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        rg_read_options opt = {.records = 1};
        rg_doc *d = NULL;
        rg_error err = {0};
        size_t bytes = 0;
        rg_status st = rg_doc_stream(path, &opt, 8, discard_records, &bytes, &d, &err);
        rg_doc_free(d);
        _exit(st == RG_OK && bytes > 0 ? 0 : 1);
    }
    int status = 0;
    struct rusage ru = {0};
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        return -1;
    return ru.ru_maxrss / 1024;
}

/* A text of one long enumeration (a reference every 35 bytes: 30 MB a
 * segment with its records), after `sparse` lines of ordinary text. */
static bool write_dense(const char *path, int sparse)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    for (int i = 0; i < sparse; i++)
        fputs("这是填充文字，说明。\n", f);
    unsigned x = 3;
    for (int i = 0; i < 16 * 80000; i++) {
        x = x * 1103515245u + 12345u;
        fprintf(f, "大会回顾第 %u/%u 号决议、\n", 1 + (x >> 16) % 78, 1 + (x >> 8) % 300);
    }
    return fclose(f) == 0;
}

/* The segments in flight of a stream are bounded by the memory the segment
 * done last took: a stream that opens with a megabyte of ordinary text and
 * goes on as one long enumeration must take about what the enumeration alone
 * takes, not let as many dense segments fly as the ordinary opening allowed. */
static void test_stream_memory_dense_after_sparse(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return; /* (the sanitizer's own memory hides the figure) */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return;
#endif
#endif
    char path[512];
    snprintf(path, sizeof path, "%s/dense.txt", tmpdir);
    CHECK(write_dense(path, 0));
    long dense = stream_peak_mb(path);
    CHECK(write_dense(path, 40000));
    long mixed = stream_peak_mb(path);
    unlink(path);
    CHECK(dense > 0 && mixed > 0);
    if (mixed > dense + dense / 2)
        printf("note: %s: %ld MB, %ld MB without the opening\n", current, mixed, dense);
    CHECK(mixed <= dense + dense / 2);
}

static const struct {
    const char *name;
    void (*fn)(void);
} tests[] = {
    {"canonical_ids", test_canonical_ids},
    {"labels_and_links", test_labels_and_links},
    {"seed_extraction", test_seed_extraction},
    {"encodings", test_encodings},
    {"missing_file", test_missing_file},
    {"seed_lineage", test_seed_lineage},
    {"order_independent", test_order_independent},
    {"topic_no_succession", test_topic_no_succession},
    {"output_atomic", test_output_atomic},
    {"render_hostile_text", test_render_hostile_text},
    {"records_as_read", test_records_as_read},
    {"stream_memory_dense_after_sparse", test_stream_memory_dense_after_sparse},
};

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/resgraph-unit.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    for (size_t i = 0; i < sizeof tests / sizeof *tests; i++) {
        current = tests[i].name;
        tests[i].fn();
    }
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        printf("note: could not remove %s\n", tmpdir);
    rg_cleanup();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
