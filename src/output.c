/*
 * output.c - output files that are either complete or not there.
 *
 * Everything is written to a temporary file in the destination's directory
 * and renamed over the destination only once it has been written, flushed
 * and closed without error.  A failed or interrupted run therefore leaves
 * no half-written file and the previous output intact.  An existing path
 * that is not a regular file (a device, a pipe) is written in place.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct rg_output {
    FILE *f;
    char *path; /* NULL for stdout */
    char *tmp;
    char *direct; /* a device or pipe written in place */
    char *buf;    /* f's buffer, when it has one of ours */
};

/* The buffer of an output file: a write per few kilobytes of output costs
 * less than many small ones (stdio's own buffer is a few kilobytes).  Not
 * much more: stdio copies into the buffer what does not fill it.  (extract
 * writes the records of small documents, about 13 KB each, a few at a time
 * from their own buffers, about as much as this one holds: cmd_extract.c.) */
#define OUT_BUFFER (64u << 10)

static void give_buffer(rg_output *o)
{
    o->buf = malloc(OUT_BUFFER);
    if (o->buf && setvbuf(o->f, o->buf, _IOFBF, OUT_BUFFER) != 0) {
        free(o->buf);
        o->buf = NULL;
    }
}

/* Temporary files still open, removed if the process is interrupted. */
#define MAX_PENDING 16
static char *volatile pending[MAX_PENDING];

static void remove_pending(int sig)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i])
            unlink(pending[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void remove_at_exit(void)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i])
            unlink(pending[i]);
}

/* The signals that interrupt a run, blocked while a temporary file is made and
 * recorded, so that none is left behind. */
static void block_signals(sigset_t *old)
{
    static bool installed;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, old);
    if (!installed) {
        installed = true;
        signal(SIGINT, remove_pending);
        signal(SIGTERM, remove_pending);
        signal(SIGHUP, remove_pending);
        atexit(remove_at_exit); /* a library that exits the process on an error */
    }
}

static void track(char *tmp, bool on)
{
    for (int i = 0; i < MAX_PENDING; i++) {
        if (on && !pending[i]) {
            pending[i] = tmp;
            return;
        }
        if (!on && pending[i] == tmp) {
            pending[i] = NULL;
            return;
        }
    }
}

rg_status rg_output_open(const char *path, rg_output **out, rg_error *err)
{
    *out = NULL;
    rg_output *o = calloc(1, sizeof *o);
    if (!o)
        return rg_fail(err, RG_ENOMEM, "out of memory");
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        *out = o;
        return RG_OK;
    }
    struct stat stt;
    if (stat(path, &stt) == 0 && S_ISDIR(stt.st_mode)) {
        free(o);
        return rg_fail(err, RG_EOUTPUT, "%s: is a directory", path);
    }
    if (stat(path, &stt) == 0 && !S_ISREG(stt.st_mode)) {
        /* a device or a pipe (/dev/null, /dev/stdout, a FIFO): write to it as it is */
        o->f = fopen(path, "wb");
        if (!o->f) {
            int e = errno;
            free(o);
            return rg_fail(err, RG_EOUTPUT, "%s: cannot write: %s", path, strerror(e));
        }
        o->direct = strdup(path);
        if (!o->direct) {
            fclose(o->f);
            free(o);
            return rg_fail(err, RG_ENOMEM, "out of memory");
        }
        give_buffer(o);
        *out = o;
        return RG_OK;
    }
    size_t n = strlen(path);
    o->path = strdup(path);
    o->tmp = malloc(n + 16);
    if (!o->path || !o->tmp) {
        free(o->path);
        free(o->tmp);
        free(o);
        return rg_fail(err, RG_ENOMEM, "out of memory");
    }
    /* .NAME.XXXXXX beside NAME */
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    memcpy(o->tmp, path, dir);
    snprintf(o->tmp + dir, n + 16 - dir, ".%s.XXXXXX", path + dir);
    sigset_t old;
    block_signals(&old);
    int fd = mkstemp(o->tmp);
    if (fd >= 0)
        track(o->tmp, true);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (fd < 0) {
        int e = errno;
        free(o->path);
        free(o->tmp);
        free(o);
        return rg_fail(err, RG_EOUTPUT, "%s: cannot write: %s", path, strerror(e));
    }
    /* mkstemp makes 0600; give the file the usual permissions */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        track(o->tmp, false);
        free(o->path);
        free(o->tmp);
        free(o);
        return rg_fail(err, RG_EOUTPUT, "%s: cannot write: %s", path, strerror(e));
    }
    give_buffer(o);
    *out = o;
    return RG_OK;
}

FILE *rg_output_file(rg_output *o)
{
    return o->f;
}

rg_status rg_output_commit(rg_output *o, rg_error *err)
{
    rg_status st = RG_OK;
    if (o->direct) {
        int e = 0;
        if (fflush(o->f) != 0 || ferror(o->f))
            e = errno ? errno : EIO;
        if (fclose(o->f) != 0 && !e)
            e = errno;
        if (e)
            st = rg_fail(err, RG_EOUTPUT, "%s: cannot write: %s", o->direct, strerror(e));
        free(o->direct);
        free(o->buf);
        free(o);
        return st;
    }
    if (!o->path) {
        if (fflush(o->f) != 0 || ferror(o->f))
            st = rg_fail(err, RG_EOUTPUT, "cannot write to standard output: %s", strerror(errno));
        free(o);
        return st;
    }
    int e = 0;
    if (fflush(o->f) != 0 || ferror(o->f))
        e = errno ? errno : EIO;
    if (fclose(o->f) != 0 && !e)
        e = errno;
    if (!e && rename(o->tmp, o->path) != 0)
        e = errno;
    if (e) {
        unlink(o->tmp);
        st = rg_fail(err, RG_EOUTPUT, "%s: cannot write: %s", o->path, strerror(e));
    }
    track(o->tmp, false);
    free(o->path);
    free(o->tmp);
    free(o->buf);
    free(o);
    return st;
}

void rg_output_abort(rg_output *o)
{
    if (!o)
        return;
    if (o->direct) {
        fclose(o->f);
        free(o->direct);
    } else if (o->path) {
        fclose(o->f);
        unlink(o->tmp);
        track(o->tmp, false);
    } else {
        fflush(o->f);
    }
    free(o->path);
    free(o->tmp);
    free(o->buf);
    free(o);
}
