/*
 * fuzz_citations.c - libFuzzer target: citations files (JSON Lines as
 * `resgraph extract` writes them) and the graph analysis over what they say.
 *
 * rg_builder_add_citations() takes a path: the bytes are written to one
 * memory file (memfd_create, else a temporary file under /dev/shm or /tmp)
 * created once and rewritten for each input.  The graph is then built and
 * analysed: lineage from node 0 to the last node, the global main path,
 * generations, and the transitive reduction when the graph has at most
 * 2,000 nodes.
 */
#define _GNU_SOURCE /* memfd_create */
#include "resgraph.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHECK(c)                                                                                  \
    do {                                                                                          \
        if (!(c)) {                                                                               \
            fprintf(stderr, "fuzz_citations: invariant violated: %s (%s:%d)\n", #c, __FILE__,    \
                    __LINE__);                                                                    \
            __builtin_trap();                                                                     \
        }                                                                                         \
    } while (0)

#define MAX_ANALYSED 2000

static int fd = -1;
static char path[64];
static char tmp_path[64];

static void remove_tmp(void)
{
    if (tmp_path[0])
        unlink(tmp_path);
}

static void open_file(void)
{
#ifdef MFD_CLOEXEC
    fd = memfd_create("fuzz-citations", MFD_CLOEXEC);
    if (fd >= 0) {
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        if (access(path, R_OK) == 0)
            return;
        close(fd);
        fd = -1;
    }
#endif
    const char *dirs[] = {"/dev/shm", "/tmp"};
    for (size_t i = 0; i < 2 && fd < 0; i++) {
        snprintf(tmp_path, sizeof tmp_path, "%s/fuzz-citations-XXXXXX", dirs[i]);
        fd = mkstemp(tmp_path);
    }
    if (fd < 0) {
        perror("fuzz_citations: cannot create a temporary file");
        abort();
    }
    snprintf(path, sizeof path, "%s", tmp_path);
    atexit(remove_tmp);
}

static void write_all(const uint8_t *data, size_t size)
{
    if (ftruncate(fd, 0) != 0)
        abort();
    size_t done = 0;
    while (done < size) {
        ssize_t w = pwrite(fd, data + done, size - done, (off_t)done);
        if (w <= 0)
            abort();
        done += (size_t)w;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd < 0)
        open_file();
    write_all(data, size);

    rg_error err;
    rg_builder *b = NULL;
    if (rg_builder_new(&b, &err) != RG_OK)
        return 0;
    if (rg_builder_add_citations(b, path, &err) != RG_OK) {
        rg_builder_free(b);
        return 0;
    }
    rg_graph *g = NULL;
    if (rg_builder_build(b, &g, &err) != RG_OK) /* frees b */
        return 0;
    size_t n = rg_graph_node_count(g);
    size_t m = rg_graph_edge_count(g);
    for (size_t v = 0; v < n; v++)
        CHECK(rg_graph_node_id(g, v) != NULL);
    if (n > 0) {
        rg_chain *ch = NULL;
        if (rg_lineage(g, 0, n - 1, &ch, &err) == RG_OK) {
            CHECK(ch && ch->len >= 1 && ch->count);
            CHECK(ch->nodes[0] == 0 && ch->nodes[ch->len - 1] == n - 1);
            for (size_t k = 0; k < ch->len; k++)
                CHECK(ch->nodes[k] < n);
            rg_chain_free(ch);
        }
    }
    if (n <= MAX_ANALYSED) {
        rg_path *p = NULL;
        if (rg_main_path(g, RG_MAIN_GLOBAL, &p, &err) == RG_OK) {
            CHECK(p != NULL);
            for (size_t k = 0; k < p->len; k++)
                CHECK(p->nodes[k] < n);
            rg_path_free(p);
        }
        size_t *gen = NULL;
        if (rg_generations(g, &gen, &err) == RG_OK) {
            CHECK(gen != NULL);
            for (size_t v = 0; v < n; v++)
                CHECK(gen[v] < n);
            free(gen);
        }
        unsigned char *keep = NULL;
        if (rg_reduction(g, &keep, &err) == RG_OK) {
            CHECK(keep != NULL);
            for (size_t e = 0; e < m; e++)
                CHECK(keep[e] <= 1);
            free(keep);
        }
    }
    rg_graph_free(g);
    return 0;
}
