/*
 * nw_httpd.c — the loopback HTTP server of the integration tests (libmicrohttpd).
 *
 *   nw_httpd --root DIR [--port N] [--bind ADDR] [--max-seconds S] [--log FILE]
 *
 * Prints the port it listens on as stdout's first line, then serves the files under DIR
 * plus routes that misbehave on request:
 *
 *   /status/NNN            answers with status NNN
 *   /slow?ms=N             headers at once, then the body trickled over N ms
 *   /reset                 resets the connection (TCP RST) without an answer
 *   /redirect-loop         redirects to itself forever
 *   /redirect?to=URL       302 to URL
 *   /huge?mb=N[&chunked=1] N MiB of HTML, with Content-Length or chunked
 *   /gzip-bomb?mb=N        Content-Encoding: gzip, a small body that inflates to N MiB
 *   /wrong-charset         declares UTF-8 in the header, sends Windows-1252 bytes
 *   /retry-after?key=K[&code=503|429][&n=1]
 *                          the first n requests for K get code with Retry-After: 1,
 *                          later ones an article page
 *   /robots.txt            DIR/robots.txt, or rules disallowing /private/
 *   /hits?key=K            how many requests /retry-after saw for K (text)
 *   /inflight-max          most /slow responses in progress at once since the last ask
 *   /article               a short article page
 *   /article/NAME          the same page under any name (for distinct URLs)
 *   /sleep?ms=N            the article page after N ms (a slow or, long enough, hanging host)
 *
 * With --log FILE every request is appended to FILE as "MS PATH" (MS: wall-clock
 * milliseconds at its arrival), so a test can check which paths were asked for and when.
 *
 * It stops on SIGTERM or SIGINT, and by itself after --max-seconds (default 300), so a
 * test that dies never leaves a server behind for long.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define MAX_FILE_BYTES (64u << 20)
#define MAX_SLOW_MS 120000L
#define MAX_HUGE_MB 4096L
#define MAX_BOMB_MB 1024L
#define HIT_KEYS 256

static volatile sig_atomic_t stopping;
static const char *root_dir;

/* ---- request log and sleeping answers (politeness and scheduling tests) ---------------- */

static FILE *request_log;
static pthread_mutex_t request_log_lock = PTHREAD_MUTEX_INITIALIZER;

static void log_request(const char *url)
{
    struct timespec ts;

    if (!request_log)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    pthread_mutex_lock(&request_log_lock);
    fprintf(request_log, "%lld %s\n", (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, url);
    fflush(request_log);
    pthread_mutex_unlock(&request_log_lock);
}

/* Sleeps ms in slices, so a stopping server does not wait for it. */
static void sleep_ms(long ms)
{
    while (ms > 0 && !stopping) {
        long slice = ms < 50 ? ms : 50;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = slice * 1000000L};
        nanosleep(&ts, NULL);
        ms -= slice;
    }
}

static struct {
    pthread_mutex_t lock;
    char key[HIT_KEYS][64];
    int hits[HIT_KEYS];
    int used;
} hits = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Counts a request for key; returns the count including this one (0: peek only). */
static int hit(const char *key, int add)
{
    int n = 0, i;

    pthread_mutex_lock(&hits.lock);
    for (i = 0; i < hits.used; i++)
        if (!strcmp(hits.key[i], key))
            break;
    if (i == hits.used && add && hits.used < HIT_KEYS) {
        snprintf(hits.key[i], sizeof(hits.key[i]), "%s", key);
        hits.hits[i] = 0;
        hits.used++;
    }
    if (i < hits.used) {
        hits.hits[i] += add;
        n = hits.hits[i];
    }
    pthread_mutex_unlock(&hits.lock);
    return n;
}

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static long arg_long(struct MHD_Connection *c, const char *name, long def, long min, long max)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
    char *end;
    long n;

    if (!v || !*v)
        return def;
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno || *end)
        return def;
    return n < min ? min : n > max ? max : n;
}

static enum MHD_Result send_buffer(struct MHD_Connection *c, unsigned int status, const char *type,
                                   const void *data, size_t len, enum MHD_ResponseMemoryMode mode)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, mode);
    enum MHD_Result ret;

    if (!r)
        return MHD_NO;
    if (type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned int status, const char *s)
{
    return send_buffer(c, status, "text/plain; charset=utf-8", s, strlen(s), MHD_RESPMEM_MUST_COPY);
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *location)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;

    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, location);
    ret = MHD_queue_response(c, MHD_HTTP_FOUND, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- generated bodies ----------------------------------------------------------------- */

static const char article_html[] =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Harbour reopens after storm repairs</title></head><body>"
    "<header><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav></header>"
    "<article><h1>Harbour reopens after storm repairs</h1>"
    "<p>The harbour of the old port town reopened on Monday after three months of repairs "
    "to the sea wall that a winter storm had broken in two places.</p>"
    "<p>Fishing boats queued at the entrance before dawn, and the harbour master said the "
    "first ferry would sail on Wednesday if the weather held.</p>"
    "<p>Engineers used granite from the original quarry so that the new wall would match "
    "the old one, a choice that added two weeks to the work.</p>"
    "</article><footer>Copyright The Port Gazette</footer></body></html>";

/* Windows-1252 text behind a header that claims UTF-8 (0xE9 = e acute, 0xFC = u umlaut,
 * 0x93/0x94 = curly quotes): the decoder must not pass the invalid bytes on. */
static const char wrong_charset_html[] =
    "<!DOCTYPE html><html><head><title>Caf\xe9 owners in Z\xfcrich protest rent rise"
    "</title></head><body><article><h1>Caf\xe9 owners in Z\xfcrich protest rent rise</h1>"
    "<p>Owners of more than forty caf\xe9s in Z\xfcrich closed their doors for an hour on "
    "Tuesday to protest against a rent rise that they say threatens the old town.</p>"
    "<p>\x93We cannot pay twice as much for the same room,\x94 said one owner, who has run "
    "her caf\xe9 near the lake for twenty years.</p>"
    "<p>The city council will debate the landlords' association's proposal next month, "
    "and a decision is expected before the summer.</p></article></body></html>";

static unsigned char *bomb;
static size_t bomb_len;
static long bomb_mb;

/* gzip of mb MiB of one repeated HTML line: about 1000:1, made once at start-up. */
static int make_bomb(long mb)
{
    static const char line[] =
        "<p>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</p>\n";
    static char block[65536];
    z_stream zs;
    size_t cap;
    long long left = (long long)mb << 20;
    int rc = Z_OK;

    for (size_t i = 0; i < sizeof(block); i++)
        block[i] = line[i % (sizeof(line) - 1)];
    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    cap = (size_t)(left / 256) + 65536;
    bomb = malloc(cap);
    if (!bomb) {
        deflateEnd(&zs);
        return -1;
    }
    zs.next_out = bomb;
    zs.avail_out = (unsigned)cap;
    while (rc != Z_STREAM_END) {
        if (zs.avail_in == 0 && left > 0) {
            size_t n = left > (long long)sizeof(block) ? sizeof(block) : (size_t)left;
            left -= (long long)n;
            zs.next_in = (unsigned char *)block;
            zs.avail_in = (unsigned)n;
        }
        rc = deflate(&zs, left > 0 ? Z_NO_FLUSH : Z_FINISH);
        if (rc == Z_STREAM_ERROR || zs.avail_out == 0) {
            deflateEnd(&zs);
            free(bomb);
            bomb = NULL;
            return -1;
        }
    }
    bomb_len = cap - zs.avail_out;
    bomb_mb = mb;
    deflateEnd(&zs);
    return 0;
}

struct slow_state {
    long chunks_left;
    long pause_ms;
    int counted; /* still counted in inflight.now */
};

/* Slow responses in progress, and the most seen at once: lets a test check the client's
 * concurrency limits without timing anything. A response counts from its request's arrival
 * until the reader hands out its end of stream, before the last bytes reach the client:
 * libmicrohttpd frees the response (slow_done) only later, after the client may already have
 * the whole body and have started its next request, so counting until then over-counts. */
static struct {
    pthread_mutex_t lock;
    int now, max;
} inflight = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void slow_uncount(struct slow_state *st)
{
    pthread_mutex_lock(&inflight.lock);
    if (st->counted) {
        inflight.now--;
        st->counted = 0;
    }
    pthread_mutex_unlock(&inflight.lock);
}

static void slow_done(void *cls)
{
    slow_uncount(cls);
    free(cls);
}

static ssize_t slow_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct slow_state *st = cls;
    static const char piece[] = "<p>slow slow slow slow slow slow slow slow slow slow</p>\n";
    struct timespec ts;

    (void)pos;
    if (stopping)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    if (st->chunks_left <= 0) {
        slow_uncount(st);
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    ts.tv_sec = st->pause_ms / 1000;
    ts.tv_nsec = (st->pause_ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
    st->chunks_left--;
    if (max > sizeof(piece) - 1)
        max = sizeof(piece) - 1;
    memcpy(buf, piece, max);
    return (ssize_t)max;
}

static enum MHD_Result slow(struct MHD_Connection *c)
{
    long ms = arg_long(c, "ms", 2000, 0, MAX_SLOW_MS);
    struct slow_state *st = calloc(1, sizeof(*st));
    struct MHD_Response *r;
    enum MHD_Result ret;

    if (!st)
        return MHD_NO;
    st->chunks_left = 20;
    st->pause_ms = ms / 20;
    st->counted = 1;
    pthread_mutex_lock(&inflight.lock);
    if (++inflight.now > inflight.max)
        inflight.max = inflight.now;
    pthread_mutex_unlock(&inflight.lock);
    r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, slow_reader, st, slow_done);
    if (!r) {
        slow_done(st);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
    ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static ssize_t huge_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    uint64_t total = *(uint64_t *)cls;
    size_t n;

    if (stopping)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    if (pos >= total)
        return MHD_CONTENT_READER_END_OF_STREAM;
    n = total - pos < max ? (size_t)(total - pos) : max;
    for (size_t i = 0; i < n; i++)
        buf[i] = (pos + i) % 64 == 63 ? '\n' : 'x';
    return (ssize_t)n;
}

static enum MHD_Result huge(struct MHD_Connection *c)
{
    long mb = arg_long(c, "mb", 64, 1, MAX_HUGE_MB);
    int chunked = arg_long(c, "chunked", 0, 0, 1) == 1;
    uint64_t *total = malloc(sizeof(*total));
    struct MHD_Response *r;
    enum MHD_Result ret;

    if (!total)
        return MHD_NO;
    *total = (uint64_t)mb << 20;
    r = MHD_create_response_from_callback(chunked ? MHD_SIZE_UNKNOWN : *total, 65536, huge_reader,
                                          total, free);
    if (!r) {
        free(total);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
    ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result gzip_bomb(struct MHD_Connection *c)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    if (!bomb)
        return send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "no bomb\n");
    r = MHD_create_response_from_buffer(bomb_len, bomb, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result reset(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    struct linger lg = {.l_onoff = 1, .l_linger = 0};

    /* Linger 0: close() sends RST instead of FIN, as a crashed or hostile peer would. */
    if (info)
        setsockopt(info->connect_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    return MHD_NO;
}

static enum MHD_Result retry_after(struct MHD_Connection *c)
{
    const char *key = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "key");
    long code = arg_long(c, "code", 503, 400, 599);
    long refusals = arg_long(c, "n", 1, 0, 1000);
    struct MHD_Response *r;
    enum MHD_Result ret;

    if (hit(key ? key : "", 1) > refusals)
        return send_buffer(c, MHD_HTTP_OK, "text/html; charset=utf-8", article_html,
                           sizeof(article_html) - 1, MHD_RESPMEM_PERSISTENT);
    r = MHD_create_response_from_buffer(12, (void *)"come back\n\n\n", MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
    ret = MHD_queue_response(c, (unsigned int)code, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- files ---------------------------------------------------------------------------- */

static const char *content_type_of(const char *path)
{
    const char *dot = strrchr(path, '.');

    if (!dot)
        return "application/octet-stream";
    if (!strcmp(dot, ".html") || !strcmp(dot, ".htm"))
        return "text/html; charset=utf-8";
    if (!strcmp(dot, ".txt") || !strcmp(dot, ".expect"))
        return "text/plain; charset=utf-8";
    if (!strcmp(dot, ".json"))
        return "application/json";
    if (!strcmp(dot, ".xml"))
        return "application/xml";
    if (!strcmp(dot, ".gz"))
        return "application/gzip";
    return "application/octet-stream";
}

/* Only plain relative names: letters, digits, '-', '_', '.', '/', and no "..". */
static int safe_path(const char *url)
{
    if (url[0] != '/' || strstr(url, "..") || strlen(url) > 512)
        return 0;
    for (const char *p = url + 1; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.' || *p == '/'))
            return 0;
    return 1;
}

static enum MHD_Result serve_file(struct MHD_Connection *c, const char *url)
{
    char path[1024], etag[64], modified[64];
    struct stat st;
    struct MHD_Response *r;
    struct tm tm;
    enum MHD_Result ret;
    int fd;

    if (!safe_path(url))
        return send_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
    snprintf(path, sizeof(path), "%s%s", root_dir, url);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return send_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > (off_t)MAX_FILE_BYTES) {
        close(fd);
        return send_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
    }
    r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    snprintf(etag, sizeof(etag), "\"%llx-%llx\"", (unsigned long long)st.st_size,
             (unsigned long long)st.st_mtime);
    gmtime_r(&st.st_mtime, &tm);
    strftime(modified, sizeof(modified), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type_of(path));
    MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
    MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, modified);
    ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- dispatch ------------------------------------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    static int first_call;
    const char *to;

    (void)cls;
    (void)version;
    (void)upload_data;
    /* MHD calls once for the headers, then again; answer on the second call. */
    if (*con_cls == NULL) {
        *con_cls = &first_call;
        return MHD_YES;
    }
    *upload_data_size = 0;
    log_request(url);
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n");

    if (!strncmp(url, "/status/", 8)) {
        char *end;
        long code = strtol(url + 8, &end, 10);
        char body[64];
        if (*end || code < 100 || code > 599)
            return send_text(c, MHD_HTTP_BAD_REQUEST, "bad status\n");
        snprintf(body, sizeof(body), "status %ld\n", code);
        return send_text(c, (unsigned int)code, body);
    }
    if (!strcmp(url, "/slow"))
        return slow(c);
    if (!strcmp(url, "/reset"))
        return reset(c);
    if (!strcmp(url, "/redirect-loop"))
        return redirect(c, "/redirect-loop");
    if (!strcmp(url, "/redirect")) {
        to = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "to");
        return redirect(c, to ? to : "/");
    }
    if (!strcmp(url, "/huge"))
        return huge(c);
    if (!strcmp(url, "/gzip-bomb"))
        return gzip_bomb(c);
    if (!strcmp(url, "/wrong-charset"))
        return send_buffer(c, MHD_HTTP_OK, "text/html; charset=utf-8", wrong_charset_html,
                           sizeof(wrong_charset_html) - 1, MHD_RESPMEM_PERSISTENT);
    if (!strcmp(url, "/retry-after"))
        return retry_after(c);
    if (!strcmp(url, "/hits")) {
        const char *key = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "key");
        char body[32];
        snprintf(body, sizeof(body), "%d\n", hit(key ? key : "", 0));
        return send_text(c, MHD_HTTP_OK, body);
    }
    if (!strcmp(url, "/inflight-max")) {
        char body[32];
        pthread_mutex_lock(&inflight.lock);
        snprintf(body, sizeof(body), "%d\n", inflight.max);
        inflight.max = inflight.now;
        pthread_mutex_unlock(&inflight.lock);
        return send_text(c, MHD_HTTP_OK, body);
    }
    if (!strcmp(url, "/sleep")) {
        sleep_ms(arg_long(c, "ms", 1000, 0, MAX_SLOW_MS));
        return send_buffer(c, MHD_HTTP_OK, "text/html; charset=utf-8", article_html,
                           sizeof(article_html) - 1, MHD_RESPMEM_PERSISTENT);
    }
    if (!strncmp(url, "/article/", 9))
        return send_buffer(c, MHD_HTTP_OK, "text/html; charset=utf-8", article_html,
                           sizeof(article_html) - 1, MHD_RESPMEM_PERSISTENT);
    if (!strcmp(url, "/article"))
        return send_buffer(c, MHD_HTTP_OK, "text/html; charset=utf-8", article_html,
                           sizeof(article_html) - 1, MHD_RESPMEM_PERSISTENT);
    if (!strcmp(url, "/robots.txt")) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/robots.txt", root_dir);
        if (access(path, R_OK) == 0)
            return serve_file(c, url);
        return send_text(c, MHD_HTTP_OK,
                         "User-agent: *\nDisallow: /private/\nDisallow: /status/\n"
                         "\nUser-agent: badbot\nDisallow: /\n");
    }
    return serve_file(c, url);
}

static void usage(void)
{
    fprintf(stderr, "usage: nw_httpd --root DIR [--port N] [--bind ADDR] [--max-seconds S] "
                    "[--bomb-mb N] [--log FILE]\n");
}

int main(int argc, char **argv)
{
    struct MHD_Daemon *d;
    struct sigaction sa;
    struct sockaddr_in addr = {.sin_family = AF_INET};
    const union MHD_DaemonInfo *info;
    const char *bind_addr = "127.0.0.1";
    long port = 0, max_seconds = 300, mb = 64;
    long long waited_ms = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) {
            usage();
            return 2;
        }
        if (!strcmp(a, "--root"))
            root_dir = argv[++i];
        else if (!strcmp(a, "--port"))
            port = strtol(argv[++i], NULL, 10);
        else if (!strcmp(a, "--bind"))
            bind_addr = argv[++i];
        else if (!strcmp(a, "--max-seconds"))
            max_seconds = strtol(argv[++i], NULL, 10);
        else if (!strcmp(a, "--bomb-mb"))
            mb = strtol(argv[++i], NULL, 10);
        else if (!strcmp(a, "--log")) {
            request_log = fopen(argv[++i], "a");
            if (!request_log) {
                fprintf(stderr, "nw_httpd: cannot open %s\n", argv[i]);
                return 2;
            }
        } else {
            usage();
            return 2;
        }
    }
    if (!root_dir || port < 0 || port > 65535 || max_seconds < 1 || mb < 1 || mb > MAX_BOMB_MB) {
        usage();
        return 2;
    }
    if (inet_pton(AF_INET, bind_addr, &addr.sin_addr) != 1) {
        fprintf(stderr, "nw_httpd: --bind needs an IPv4 address\n");
        return 2;
    }
    addr.sin_port = htons((uint16_t)port);
    if (make_bomb(mb))
        fprintf(stderr, "nw_httpd: cannot build the gzip bomb; /gzip-bomb answers 500\n");

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0,
        NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)512, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "nw_httpd: cannot start the server on %s:%ld\n", bind_addr, port);
        return 1;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    if (!info || !info->port) {
        fprintf(stderr, "nw_httpd: cannot learn the bound port\n");
        MHD_stop_daemon(d);
        return 1;
    }
    printf("%u\n", (unsigned)info->port);
    fflush(stdout);
    fprintf(stderr, "nw_httpd: serving %s on http://%s:%u/ for at most %ld s\n", root_dir,
            bind_addr, (unsigned)info->port, max_seconds);

    while (!stopping && waited_ms < max_seconds * 1000LL) {
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 100 * 1000000L};
        nanosleep(&ts, NULL);
        waited_ms += 100;
    }
    MHD_stop_daemon(d);
    free(bomb);
    fprintf(stderr, "nw_httpd: stopped (%s)\n", stopping ? "signal" : "time limit");
    return 0;
}
