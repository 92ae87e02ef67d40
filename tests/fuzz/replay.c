/*
 * replay.c - runs a fuzz target's LLVMFuzzerTestOneInput without libFuzzer.
 *
 * usage: replay-NAME FILE...
 *
 * Linked with one of tests/fuzz/fuzz_*.c and a plain (or sanitizer) build of
 * the library, it feeds the files to the target in child processes (64 to a
 * child; the inputs of a child that fails are run again one to a child), so
 * that a crash, a trap or a sanitizer report fails only the inputs that cause
 * it.  Prints "FAIL FILE (...)" for each failing input, then "N passed,
 * N failed"; exits 1 when any input failed.  REPLAY_NOFORK=1 runs the inputs
 * in this process instead, naming each on stderr first (for a debugger);
 * REPLAY_TIMEOUT sets the seconds allowed per input (default 60).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BATCH 64 /* inputs per child process */

static int read_file(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fclose(f);
            return -1;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) {
            if (ferror(f)) {
                free(buf);
                fclose(f);
                return -1;
            }
            break;
        }
        cap *= 2;
        uint8_t *nb = realloc(buf, cap);
        if (!nb)
            free(buf);
        buf = nb;
    }
    fclose(f);
    *data = buf;
    *size = n;
    return 0;
}

/* Feeds files[0..n) to the target in a child process; returns 0 when all passed, else
 * describes the failure in why. */
static int run_batch(char **files, int n, unsigned timeout, char *why, size_t whyn)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, whyn, "fork: %s", strerror(errno));
        return 1;
    }
    if (pid == 0) {
        alarm(timeout * (unsigned)n);
        for (int i = 0; i < n; i++) {
            uint8_t *data;
            size_t size;
            if (read_file(files[i], &data, &size) != 0) {
                fprintf(stderr, "replay: %s: cannot read: %s\n", files[i], strerror(errno));
                exit(3);
            }
            LLVMFuzzerTestOneInput(data, size);
            free(data);
        }
        exit(0); /* LeakSanitizer, when linked in, checks here */
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            snprintf(why, whyn, "waitpid: %s", strerror(errno));
            return 1;
        }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFSIGNALED(status))
        snprintf(why, whyn, "%s",
                 WTERMSIG(status) == SIGALRM ? "timeout" : strsignal(WTERMSIG(status)));
    else
        snprintf(why, whyn, "exit status %d", WEXITSTATUS(status));
    return 1;
}

int main(int argc, char **argv)
{
    const char *nf = getenv("REPLAY_NOFORK");
    int nofork = nf && *nf && strcmp(nf, "0") != 0;
    const char *to = getenv("REPLAY_TIMEOUT");
    unsigned timeout = to && atoi(to) > 0 ? (unsigned)atoi(to) : 60;
    size_t passed = 0, failed = 0;
    char why[128];
    if (nofork) {
        for (int i = 1; i < argc; i++) {
            uint8_t *data;
            size_t size;
            if (read_file(argv[i], &data, &size) != 0) {
                printf("FAIL %s (cannot read: %s)\n", argv[i], strerror(errno));
                failed++;
                continue;
            }
            fprintf(stderr, "replay: %s\n", argv[i]);
            LLVMFuzzerTestOneInput(data, size);
            free(data);
            passed++;
        }
    } else {
        /* Batches of inputs in one child each; a batch that fails is run again one
         * input at a time, to name the inputs that fail. */
        for (int i = 1; i < argc; i += BATCH) {
            int n = argc - i < BATCH ? argc - i : BATCH;
            if (run_batch(argv + i, n, timeout, why, sizeof why) == 0) {
                passed += (size_t)n;
                continue;
            }
            for (int k = 0; k < n; k++) {
                if (run_batch(argv + i + k, 1, timeout, why, sizeof why) == 0) {
                    passed++;
                } else {
                    printf("FAIL %s (%s)\n", argv[i + k], why);
                    failed++;
                }
            }
        }
    }
    printf("%zu passed, %zu failed\n", passed, failed);
    return failed ? 1 : 0;
}
