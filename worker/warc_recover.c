/* warc_recover.c — finishing the WARC files a killed worker left open (see warc_recover.h). */
#include "warc_recover.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "log.h"

#define PART_PREFIX ".newsworker-"
#define PART_SUFFIX ".warc.gz.part"

/* Reads the writer's host and PID out of a leftover's name
 * (".newsworker-STAMP-HOST-PID-SEQ.warc.gz.part"; HOST may hold '-'). 0, or -1 if the
 * name is not one of the writer's. */
static int parse_name(const char *name, char *host, size_t host_size, long *pid)
{
    size_t len = strlen(name), plen = strlen(PART_PREFIX), slen = strlen(PART_SUFFIX);
    const char *start, *end, *seq, *p;
    char *stop;

    if (len <= plen + slen || strncmp(name, PART_PREFIX, plen) != 0 ||
        strcmp(name + len - slen, PART_SUFFIX) != 0)
        return -1;
    start = name + plen; /* STAMP-HOST-PID-SEQ */
    end = name + len - slen;
    if (end - start < 15 || start[14] != '-')
        return -1;
    for (p = start; p < start + 14; p++)
        if (*p < '0' || *p > '9')
            return -1;
    start += 15; /* HOST-PID-SEQ */
    for (seq = end; seq > start && seq[-1] != '-'; seq--)
        ;
    if (seq <= start)
        return -1;
    for (p = seq - 1; p > start && p[-1] != '-'; p--)
        ;
    if (p <= start || (size_t)(p - 1 - start) >= host_size)
        return -1;
    errno = 0;
    *pid = strtol(p, &stop, 10);
    if (errno || stop != seq - 1 || *pid <= 0)
        return -1;
    memcpy(host, start, (size_t)(p - 1 - start));
    host[p - 1 - start] = '\0';
    return 0;
}

/* 1 if the process that wrote the file may still be writing it. */
static int writer_alive(long pid)
{
    if (pid == (long)getpid())
        return 0; /* this process has not opened a file yet: an earlier run with our PID */
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* The length of the run of whole gzip members at the start of fd's file; -1 on a read
 * error. A member cut short or damaged ends the run. */
static off_t whole_members(int fd)
{
    unsigned char in[65536], out[65536];
    z_stream zs;
    off_t good = 0, at = 0; /* at: file offset of in[0] */

    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 15 + 16) != Z_OK)
        return -1;
    for (;;) {
        ssize_t n = read(fd, in, sizeof(in));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            good = -1;
            break;
        }
        if (n == 0)
            break;
        zs.next_in = in;
        zs.avail_in = (uInt)n;
        while (zs.avail_in > 0) {
            int rc;
            zs.next_out = out;
            zs.avail_out = sizeof(out);
            rc = inflate(&zs, Z_NO_FLUSH);
            if (rc == Z_STREAM_END) {
                good = at + (off_t)(zs.next_in - in);
                inflateReset(&zs);
            } else if (rc != Z_OK && !(rc == Z_BUF_ERROR && zs.avail_in == 0)) {
                goto done; /* damaged: keep what came before this member */
            }
        }
        at += n;
    }
done:
    inflateEnd(&zs);
    return good;
}

static void sync_dir(const char *dir)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (dfd < 0 || fsync(dfd) != 0)
        NW_LOG_WARN("warc", "%s: fsync: %s", dir, strerror(errno));
    if (dfd >= 0)
        close(dfd);
}

/* Finishes one leftover. 1 if renamed, 0 otherwise. */
static int recover_file(const char *dir, const char *name)
{
    char hidden[4096], final[4096];
    struct stat st;
    off_t keep;
    int fd, n;

    n = snprintf(hidden, sizeof(hidden), "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof(hidden))
        return 0;
    /* The final name: without the leading '.' and the ".part". */
    snprintf(final, sizeof(final), "%s/%.*s", dir, (int)(strlen(name) - 1 - 5), name + 1);
    if (access(final, F_OK) == 0) {
        NW_LOG_WARN("warc", "left %s as it is: %s exists", hidden, final);
        return 0;
    }
    fd = open(hidden, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        NW_LOG_WARN("warc", "cannot recover %s: %s", hidden,
                    fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return 0;
    }
    keep = whole_members(fd);
    if (keep < 0) {
        NW_LOG_WARN("warc", "cannot recover %s: read: %s", hidden, strerror(errno));
        close(fd);
        return 0;
    }
    if (keep == 0) {
        close(fd);
        if (unlink(hidden) == 0)
            NW_LOG_INFO("warc", "removed %s: a killed worker left it with no whole record", hidden);
        sync_dir(dir);
        return 0;
    }
    if ((keep < st.st_size && ftruncate(fd, keep) != 0) || fsync(fd) != 0) {
        NW_LOG_WARN("warc", "cannot recover %s: %s", hidden, strerror(errno));
        close(fd);
        return 0;
    }
    close(fd);
    if (rename(hidden, final) != 0) {
        NW_LOG_WARN("warc", "cannot recover %s: rename: %s", hidden, strerror(errno));
        return 0;
    }
    sync_dir(dir);
    NW_LOG_INFO("warc",
                "recovered %s, left open by a worker that is gone: %lld of %lld bytes kept "
                "(whole records)",
                final, (long long)keep, (long long)st.st_size);
    return 1;
}

/* Recovers the leftovers in dir (levels 0), or in its dt=DATE (levels 2) then hour=HH
 * (levels 1) subfolders. Returns the number of files renamed. */
static int recover_in(const char *dir, int levels, const char *host)
{
    static const char *const prefix[] = {"", "hour=", "dt="};
    DIR *d = opendir(dir);
    struct dirent *e;
    int renamed = 0;

    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL) {
        char path[4096], owner[256];
        long pid;
        int n;
        if (levels > 0) {
            if (strncmp(e->d_name, prefix[levels], strlen(prefix[levels])) != 0)
                continue;
            n = snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            if (n > 0 && (size_t)n < sizeof(path))
                renamed += recover_in(path, levels - 1, host);
            continue;
        }
        if (parse_name(e->d_name, owner, sizeof(owner), &pid) != 0 || strcmp(owner, host) != 0)
            continue;
        if (writer_alive(pid)) {
            NW_LOG_INFO("warc", "left %s/%s: its worker (pid %ld) is running", dir, e->d_name, pid);
            continue;
        }
        renamed += recover_file(dir, e->d_name);
    }
    closedir(d);
    return renamed;
}

int nw_warc_recover(const char *dir, int lake, const char *host)
{
    return recover_in(dir, lake ? 2 : 0, host);
}
