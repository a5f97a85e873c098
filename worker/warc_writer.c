/* warc_writer.c — WARC/1.1 files of fetched exchanges: records, rotation, atomic files. */
#include "warc_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "mem.h"
#include "warc_build.h"
#include "warc_recover.h"

#ifndef NW_VERSION
#define NW_VERSION "0"
#endif

struct nw_warc_writer {
    char *base_dir; /* fetch.warc_dir, or OUTPUT_DIR/warc */
    int lake;       /* base_dir is a lake root: dt=/hour= below it */
    uint64_t max_bytes;
    size_t max_record;
    char host[64];
    char user_agent[256];
    int robots;
    unsigned seq;

    /* The open file (fd < 0: none). */
    int fd;
    char dir[3400];
    char name[256];
    char hidden[4096];
    char final[4096];
    uint64_t bytes;
    int hour; /* the lake hour (yday * 24 + hour) the file belongs to */
    char warcinfo_id[64];
    struct nw_buf out; /* one exchange's records, gzipped */
};

/* mkdir -p; 0 or -1 with errno. */
static int make_dirs(const char *path)
{
    char tmp[4096];
    size_t len = strlen(path);

    if (len == 0 || len >= sizeof(tmp))
        return errno = ENAMETOOLONG, -1;
    memcpy(tmp, path, len + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

static void record_id(char out[64])
{
    unsigned char r[16];
    size_t got = 0;

    while (got < sizeof(r)) {
        ssize_t n = getrandom(r + got, sizeof(r) - got, 0);
        if (n <= 0) {
            /* No entropy source: time and a counter still make ids unique per process. */
            static unsigned long counter;
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            unsigned long long mix = (unsigned long long)ts.tv_nsec ^
                                     ((unsigned long long)ts.tv_sec << 20) ^ (++counter << 40);
            for (size_t i = got; i < sizeof(r); i++, mix = mix * 6364136223846793005ULL + 1)
                r[i] = (unsigned char)(mix >> 56);
            break;
        }
        got += (size_t)n;
    }
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40); /* version 4 */
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, 64,
             "<urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x>",
             r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
             r[14], r[15]);
}

static void warc_date(time_t t, char out[32])
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

struct nw_warc_writer *nw_warc_writer_create(const struct nw_config *cfg, char *errstr,
                                             size_t errstr_size)
{
    struct nw_warc_writer *w = nw_calloc(1, sizeof(*w));
    const char *lake_dir = nw_config_get(cfg, "output.dir");
    const char *dir = nw_config_get(cfg, "fetch.warc_dir");
    const char *ua = nw_config_get(cfg, "fetch.user_agent");
    size_t max_body = (size_t)nw_config_get_int(cfg, "fetch.max_body_bytes");

    if (!w) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    w->fd = -1;
    w->max_bytes = (uint64_t)nw_config_get_int(cfg, "fetch.warc_max_bytes");
    w->robots = nw_config_get_bool(cfg, "fetch.robots");
    snprintf(w->user_agent, sizeof(w->user_agent), "%s", ua ? ua : "");
    if (gethostname(w->host, sizeof(w->host)) != 0 || !w->host[0])
        snprintf(w->host, sizeof(w->host), "localhost");
    w->host[sizeof(w->host) - 1] = '\0';
    /* A host name goes into file names: keep it to safe characters. */
    for (char *p = w->host; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '.'))
            *p = '_';
    if (lake_dir && *lake_dir) {
        size_t n = strlen(lake_dir) + sizeof("/warc");
        w->base_dir = nw_malloc(n);
        if (w->base_dir)
            snprintf(w->base_dir, n, "%s/warc", lake_dir);
        w->lake = 1;
    } else {
        w->base_dir = nw_strdup(dir && *dir ? dir : ".");
    }
    if (!w->base_dir) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto fail;
    }
    if (strlen(w->base_dir) > 3000) {
        nw_fail(NW_ECONFIG, errstr, errstr_size, "%s: the directory name is too long",
                w->lake ? "output.dir" : "fetch.warc_dir");
        goto fail;
    }
    if (make_dirs(w->base_dir) != 0) {
        nw_fail(NW_ECONFIG, errstr, errstr_size, "%s: cannot create %s: %s",
                w->lake ? "output.dir" : "fetch.warc_dir", w->base_dir, strerror(errno));
        goto fail;
    }
    /* Files an earlier run of this worker left open (killed) get their final names, so
     * the records that name them resolve. */
    nw_warc_recover(w->base_dir, w->lake, w->host);
    /* One exchange: a body of fetch.max_body_bytes, its headers and the request, gzipped
     * (deflate output of incompressible data is barely larger than its input). */
    w->max_record = max_body + max_body / 8 + (4u << 20);
    nw_buf_init(&w->out, w->max_record);
    return w;
fail:
    nw_warc_writer_destroy(w);
    return NULL;
}

/* Writes all of data at the end of the open file. */
static enum nw_status write_all(struct nw_warc_writer *w, const char *data, size_t len,
                                char *errstr, size_t errstr_size)
{
    while (len > 0) {
        ssize_t n = write(w->fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return nw_fail(NW_EIO, errstr, errstr_size, "%s: write: %s", w->hidden,
                           strerror(n < 0 ? errno : EIO));
        data += n;
        len -= (size_t)n;
        w->bytes += (uint64_t)n;
    }
    return NW_OK;
}

enum nw_status nw_warc_writer_close(struct nw_warc_writer *w, char *errstr, size_t errstr_size)
{
    enum nw_status result = NW_OK;
    int dfd;

    if (!w || w->fd < 0)
        return NW_OK;
    if (fsync(w->fd) != 0)
        result = nw_fail(NW_EIO, errstr, errstr_size, "%s: fsync: %s", w->hidden, strerror(errno));
    if (close(w->fd) != 0 && !result)
        result = nw_fail(NW_EIO, errstr, errstr_size, "%s: close: %s", w->hidden, strerror(errno));
    w->fd = -1;
    if (!result && rename(w->hidden, w->final) != 0)
        result = nw_fail(NW_EIO, errstr, errstr_size, "rename %s: %s", w->hidden, strerror(errno));
    if (!result) {
        /* The rename is durable once the directory is. */
        dfd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || fsync(dfd) != 0)
            result = nw_fail(NW_EIO, errstr, errstr_size, "%s: fsync: %s", w->dir, strerror(errno));
        if (dfd >= 0)
            close(dfd);
    }
    if (!result)
        NW_LOG_INFO("warc", "closed %s (%llu bytes)", w->final, (unsigned long long)w->bytes);
    return result;
}

void nw_warc_writer_destroy(struct nw_warc_writer *w)
{
    char errstr[512];

    if (!w)
        return;
    if (nw_warc_writer_close(w, errstr, sizeof(errstr)))
        NW_LOG_ERROR("warc", "%s", errstr);
    nw_buf_fini(&w->out);
    nw_free(w->base_dir);
    nw_free(w);
}

static int lake_hour(time_t t)
{
    struct tm tm;

    gmtime_r(&t, &tm);
    return (tm.tm_year * 366 + tm.tm_yday) * 24 + tm.tm_hour;
}

/* Opens a new file and writes its warcinfo record. */
static enum nw_status open_file(struct nw_warc_writer *w, time_t now, char *errstr,
                                size_t errstr_size)
{
    enum nw_status result;
    struct tm tm;
    char stamp[32], date[32], info[1024];
    struct nw_warc_header fields[1];
    struct nw_warc_block block = {0};
    int n;

    gmtime_r(&now, &tm);
    if (w->lake) {
        n = snprintf(w->dir, sizeof(w->dir), "%s/dt=%04d-%02d-%02d/hour=%02d", w->base_dir,
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour);
        if (make_dirs(w->dir) != 0)
            return nw_fail(NW_EIO, errstr, errstr_size, "cannot create %s: %s", w->dir,
                           strerror(errno));
    } else {
        n = snprintf(w->dir, sizeof(w->dir), "%s", w->base_dir);
    }
    (void)n;
    strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
    snprintf(w->name, sizeof(w->name), "newsworker-%s-%s-%ld-%05u.warc.gz", stamp, w->host,
             (long)getpid(), w->seq++);
    snprintf(w->final, sizeof(w->final), "%s/%s", w->dir, w->name);
    snprintf(w->hidden, sizeof(w->hidden), "%s/.%s.part", w->dir, w->name);
    w->fd = open(w->hidden, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0)
        return nw_fail(NW_EIO, errstr, errstr_size, "%s: %s", w->hidden, strerror(errno));
    w->bytes = 0;
    w->hour = lake_hour(now);
    record_id(w->warcinfo_id);
    warc_date(now, date);
    snprintf(info, sizeof(info),
             "software: newsworker/%s\r\nformat: WARC File Format 1.1\r\n"
             "conformsTo: http://iipc.github.io/warc-specifications/specifications/"
             "warc-format/warc-1.1/\r\nhostname: %s\r\nhttp-header-user-agent: %s\r\n"
             "robots: %s\r\n",
             NW_VERSION, w->host, w->user_agent, w->robots ? "obey" : "ignore");
    fields[0] = (struct nw_warc_header){"WARC-Filename", w->name};
    block.head = info;
    block.head_len = strlen(info);
    nw_buf_reset(&w->out);
    result = nw_warc_build(&w->out, "warcinfo", w->warcinfo_id, date, fields, 1,
                           "application/warc-fields", &block, 1);
    if (!result)
        result = write_all(w, w->out.data, w->out.len, errstr, errstr_size);
    else
        nw_fail(result, errstr, errstr_size, "warcinfo record: %s", nw_status_message(result));
    if (result) {
        close(w->fd);
        w->fd = -1;
        unlink(w->hidden);
    }
    return result;
}

/* The length of the HTTP header block at the start of msg (through its blank line), or
 * len if there is none (a response cut inside its headers: all of it is "head"). Interim
 * 1xx responses are part of the head. */
static size_t http_head_len(const char *msg, size_t len)
{
    size_t start = 0;

    for (;;) {
        const char *p = msg + start, *end = msg + len;
        size_t head = len;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl)
                break;
            if (nl == p || (nl == p + 1 && p[0] == '\r')) {
                head = (size_t)(nl + 1 - msg);
                break;
            }
            p = nl + 1;
        }
        if (head < len && len - start >= 10 && !memcmp(msg + start, "HTTP/", 5) &&
            msg[start + 9] == '1' && len - head >= 5 && !memcmp(msg + head, "HTTP/", 5)) {
            start = head; /* "HTTP/1.1 100 Continue" then the real response */
            continue;
        }
        return head;
    }
}

enum nw_status nw_warc_writer_write(struct nw_warc_writer *w, const struct nw_warc_hop *hops,
                                    size_t n, struct nw_warc_ref *ref, char *errstr,
                                    size_t errstr_size)
{
    enum nw_status result = NW_OK;
    time_t now = time(NULL);

    if (n == 0)
        return NW_OK;
    if (w->fd >= 0 && w->lake && lake_hour(now) != w->hour) {
        result = nw_warc_writer_close(w, errstr, errstr_size);
        if (result)
            return result;
    }
    if (w->fd < 0) {
        result = open_file(w, now, errstr, errstr_size);
        if (result)
            return result;
    }
    for (size_t i = 0; i < n && !result; i++) {
        const struct nw_warc_hop *h = &hops[i];
        char req_id[64], resp_id[64], date[32];
        uint64_t resp_offset;
        struct nw_warc_header rq[4], rs[5];
        struct nw_warc_block rb = {.head = h->request, .head_len = h->request_len};
        int has_response = h->response && h->response_len > 0;

        record_id(req_id);
        record_id(resp_id);
        warc_date(h->when.tv_sec ? h->when.tv_sec : now, date);
        rq[0] = (struct nw_warc_header){"WARC-Target-URI", h->url};
        rq[1] = (struct nw_warc_header){"WARC-IP-Address", h->ip && *h->ip ? h->ip : NULL};
        rq[2] = (struct nw_warc_header){"WARC-Warcinfo-ID", w->warcinfo_id};
        rq[3] = (struct nw_warc_header){"WARC-Concurrent-To", has_response ? resp_id : NULL};
        nw_buf_reset(&w->out);
        result = nw_warc_build(&w->out, "request", req_id, date, rq, 4,
                               "application/http;msgtype=request", &rb, 1);
        resp_offset = w->bytes + w->out.len;
        if (!result && has_response) {
            size_t head = http_head_len(h->response, h->response_len);
            struct nw_warc_block sb = {.head = h->response,
                                       .head_len = head,
                                       .body = h->response + head,
                                       .body_len = h->response_len - head,
                                       .payload_digest = 1};
            rs[0] = rq[0];
            rs[1] = rq[1];
            rs[2] = rq[2];
            rs[3] = (struct nw_warc_header){"WARC-Concurrent-To", req_id};
            rs[4] = (struct nw_warc_header){"WARC-Truncated", h->truncated};
            result = nw_warc_build(&w->out, "response", resp_id, date, rs, 5,
                                   "application/http;msgtype=response", &sb, 1);
        }
        if (result) {
            nw_fail(result, errstr, errstr_size, "%s: cannot build its WARC records: %s",
                    h->url ? h->url : "?", nw_status_message(result));
            break;
        }
        result = write_all(w, w->out.data, w->out.len, errstr, errstr_size);
        if (!result && has_response && ref) {
            snprintf(ref->file, sizeof(ref->file), "%s", w->final);
            ref->offset = resp_offset;
            snprintf(ref->record_id, sizeof(ref->record_id), "%s", resp_id);
        }
    }
    if (nw_buf_reset(&w->out), w->out.cap > (8u << 20)) {
        /* A huge exchange does not keep its buffer. */
        nw_buf_fini(&w->out);
        nw_buf_init(&w->out, w->max_record);
    }
    if (result) {
        /* A failed write leaves a file of unknown end: close it as it is (its records
         * before the failure stay readable) and begin a new one next time. */
        char ignored[256];
        nw_warc_writer_close(w, ignored, sizeof(ignored));
        return result;
    }
    if (w->bytes >= w->max_bytes)
        result = nw_warc_writer_close(w, errstr, errstr_size);
    return result;
}
