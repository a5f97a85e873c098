/*
 * nw_feedd.c — the loopback feed server of the watch tests and benchmark (libmicrohttpd).
 *
 *   nw_feedd [--port N] [--bind ADDR] [--max-seconds S] [--log FILE] [--crawl-delay SEC]
 *            [--fresh]
 *
 * Prints its port as stdout's first line. Feeds change over time: a global generation G
 * (set with /ctl/gen?set=G) decides what they list, and answers carry validators that
 * depend only on G, so a conditional GET gets 304 until G changes.
 *
 *   /feed/rss/NAME      RSS 2.0, items 1..3+G (the newest 20), ETag and Last-Modified, ttl 1
 *   /feed/atom/NAME     Atom, the same items, Last-Modified only
 *   /feed/json/NAME     JSON Feed, the same items, ETag only
 *   /feed/rdf/NAME      RSS 1.0, the same items, no validators (always 200)
 *   /home               HTML page announcing /feed/rss/home and /feed/atom/home
 *   /sitemap/index.xml  sitemap index: news.xml.gz, index2.xml
 *   /sitemap/index2.xml sitemap index: index.xml (a cycle) and plain.xml
 *   /sitemap/news.xml.gz gzip-compressed news sitemap, items n1..n(2+G)
 *   /sitemap/plain.xml  urlset, items p1..p2
 *   /private/...        a feed that robots.txt disallows
 *   /robots.txt         Disallow: /private/, Crawl-delay (--crawl-delay), Sitemap lines
 *   /a/...              a short article page
 *   /cache/N            a JSON Feed with Cache-Control: max-age=N
 *   /smaxage/N          a JSON Feed with Cache-Control: s-maxage=N (for shared caches only)
 *   /sitemap/creds.xml  sitemap index: a child with user:password@ and /feed/rss/plain
 *   /feed/odd           RSS: items on the host, with user:password@, and on the fullwidth
 *                       spelling of "localhost" (an IDN host) with the request's port
 *   /busy/N             503 with Retry-After: N
 *   /status/NNN         answers NNN
 *   /b/N                benchmark feed: 10 items; with --fresh every answer adds one
 *   /ctl/gen?set=G      sets G (not logged)
 *
 * Every request except /ctl is logged (with --log) as one line, " AUTH" added when it
 * carried an Authorization header:
 *   EPOCH_MS HOST PATH STATUS [AUTH]
 * It stops on SIGTERM or SIGINT, and by itself after --max-seconds (default 300).
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define MAX_BENCH 200000
#define DOC_MAX (256 * 1024)

static volatile sig_atomic_t stopping;
static int generation;
static FILE *log_file;
static double crawl_delay = -1;
static int fresh;
static unsigned *bench_counter;
static const char *extra_name, *extra_value; /* one more header for the next answer */

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static long long epoch_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void http_date(long long t, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

struct doc {
    char buf[DOC_MAX];
    size_t len;
};

static void put(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct doc *d, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(d->buf + d->len, sizeof(d->buf) - d->len, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof(d->buf) - d->len)
        d->len += (size_t)n;
}

static int items_now(int base)
{
    return base + generation;
}

static void feed_doc(struct doc *d, const char *kind, const char *name, const char *host)
{
    int last = items_now(3), first = last > 20 ? last - 19 : 1;

    if (!strcmp(kind, "rss")) {
        put(d,
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed %s</title>"
            "<ttl>1</ttl>",
            name);
        for (int i = last; i >= first; i--)
            put(d,
                "<item><title>%s item %d</title><link>http://%s/a/%s/%d</link>"
                "<guid isPermaLink=\"false\">%s-%d</guid>"
                "<pubDate>Mon, 30 Nov 2026 %02d:%02d:00 GMT</pubDate></item>",
                name, i, host, name, i, name, i, (i / 60) % 24, i % 60);
        put(d, "</channel></rss>");
    } else if (!strcmp(kind, "atom")) {
        put(d, "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Atom %s</title>", name);
        for (int i = last; i >= first; i--)
            put(d,
                "<entry><title>%s item %d</title><id>urn:%s:%d</id>"
                "<link href=\"/a/%s/%d\"/><updated>2026-11-30T00:%02d:00Z</updated></entry>",
                name, i, name, i, name, i, i % 60);
        put(d, "</feed>");
    } else if (!strcmp(kind, "json")) {
        put(d,
            "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"JSON %s\","
            "\"items\":[",
            name);
        for (int i = last; i >= first; i--)
            put(d, "%s{\"id\":\"%s-%d\",\"url\":\"http://%s/a/%s/%d\",\"title\":\"%s item %d\"}",
                i == last ? "" : ",", name, i, host, name, i, name, i);
        put(d, "]}");
    } else {
        put(d,
            "<?xml version=\"1.0\"?><rdf:RDF "
            "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
            "xmlns=\"http://purl.org/rss/1.0/\"><channel><title>RDF %s</title></channel>",
            name);
        for (int i = last; i >= first; i--)
            put(d,
                "<item rdf:about=\"http://%s/a/%s/%d\"><title>%s item %d</title>"
                "<link>http://%s/a/%s/%d</link></item>",
                host, name, i, name, i, host, name, i);
        put(d, "</rdf:RDF>");
    }
}

static void bench_doc(struct doc *d, const char *host, long n, unsigned c)
{
    put(d, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Bench %ld</title>", n);
    for (unsigned i = c + 10; i > c; i--)
        put(d,
            "<item><title>Story %u of feed %ld</title><link>http://%s/a/%ld/%u</link>"
            "<guid>http://%s/a/%ld/%u</guid><pubDate>Mon, 30 Nov 2026 06:00:00 GMT</pubDate>"
            "<description>A short summary of the story, as feeds carry.</description></item>",
            i, n, host, n, i, host, n, i);
    put(d, "</channel></rss>");
}

static size_t gzip_doc(const struct doc *in, unsigned char *out, size_t cap)
{
    z_stream zs;
    size_t n;

    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    zs.next_in = (unsigned char *)in->buf;
    zs.avail_in = (unsigned)in->len;
    zs.next_out = out;
    zs.avail_out = (unsigned)cap;
    n = deflate(&zs, Z_FINISH) == Z_STREAM_END ? zs.total_out : 0;
    deflateEnd(&zs);
    return n;
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned code, const void *body, size_t len,
                              const char *ctype, const char *etag, const char *lm)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret;

    if (!r)
        return MHD_NO;
    if (ctype)
        MHD_add_response_header(r, "Content-Type", ctype);
    if (etag)
        MHD_add_response_header(r, "ETag", etag);
    if (lm)
        MHD_add_response_header(r, "Last-Modified", lm);
    if (extra_name)
        MHD_add_response_header(r, extra_name, extra_value);
    extra_name = NULL;
    ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    static struct doc d;
    static unsigned char gz[DOC_MAX];
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    const char *ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Modified-Since");
    char etag[64], lm[64], kind[16], name[64];
    unsigned code = 200;
    const char *ctype = "application/xml", *use_etag = NULL, *use_lm = NULL;
    const void *body;
    size_t len;
    long n;

    (void)cls, (void)version, (void)upload, (void)upload_size, (void)con_cls;
    if (strcmp(method, "GET"))
        return answer(c, 405, "", 0, NULL, NULL, NULL);
    if (!host)
        host = "localhost";
    if (!strncmp(url, "/ctl/gen", 8)) {
        const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "set");
        if (v)
            generation = atoi(v);
        snprintf(etag, sizeof(etag), "%d\n", generation);
        return answer(c, 200, etag, strlen(etag), "text/plain", NULL, NULL);
    }
    d.len = 0;
    snprintf(etag, sizeof(etag), "\"g%d\"", generation);
    http_date(1700000000LL + generation * 60, lm, sizeof(lm));
    if (sscanf(url, "/feed/%15[a-z]/%63[A-Za-z0-9_-]", kind, name) == 2 ||
        sscanf(url, "/private/feed/%15[a-z]/%63[A-Za-z0-9_-]", kind, name) == 2) {
        feed_doc(&d, kind, name, host);
        if (!strcmp(kind, "rss")) {
            use_etag = etag;
            use_lm = lm;
        } else if (!strcmp(kind, "atom")) {
            use_lm = lm;
        } else if (!strcmp(kind, "json")) {
            use_etag = etag;
            ctype = "application/feed+json";
        }
    } else if (!strcmp(url, "/home")) {
        put(&d, "<!DOCTYPE html><html><head><title>Home</title>"
                "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed/rss/home\">"
                "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/feed/atom/home\">"
                "</head><body><p>Welcome</p></body></html>");
        ctype = "text/html; charset=utf-8";
    } else if (!strcmp(url, "/sitemap/index.xml")) {
        put(&d,
            "<?xml version=\"1.0\"?><sitemapindex "
            "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
            "<sitemap><loc>http://%s/sitemap/news.xml.gz</loc></sitemap>"
            "<sitemap><loc>http://%s/sitemap/index2.xml</loc></sitemap></sitemapindex>",
            host, host);
    } else if (!strcmp(url, "/sitemap/index2.xml")) {
        put(&d,
            "<?xml version=\"1.0\"?><sitemapindex "
            "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
            "<sitemap><loc>http://%s/sitemap/index.xml</loc></sitemap>"
            "<sitemap><loc>/sitemap/plain.xml</loc></sitemap></sitemapindex>",
            host);
    } else if (!strcmp(url, "/sitemap/plain.xml")) {
        put(&d,
            "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
            "<url><loc>http://%s/a/p/1</loc></url><url><loc>http://%s/a/p/2</loc></url>"
            "</urlset>",
            host, host);
    } else if (!strcmp(url, "/sitemap/news.xml.gz")) {
        put(&d, "<?xml version=\"1.0\"?><urlset "
                "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
                "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">");
        for (int i = items_now(2); i >= 1; i--)
            put(&d,
                "<url><loc>http://%s/a/n/%d</loc><news:news><news:publication>"
                "<news:name>Loopback</news:name><news:language>en</news:language>"
                "</news:publication><news:publication_date>2026-11-30T0%d:00:00Z"
                "</news:publication_date><news:title>News %d</news:title></news:news></url>",
                host, i, i % 10, i);
        put(&d, "</urlset>");
        len = gzip_doc(&d, gz, sizeof(gz));
        use_etag = etag;
        if (inm && !strcmp(inm, etag))
            code = 304;
        if (log_file)
            fprintf(log_file, "%lld %s %s %u\n", epoch_ms(), host, url, code), fflush(log_file);
        return answer(c, code, gz, code == 304 ? 0 : len, "application/x-gzip", use_etag, NULL);
    } else if (!strcmp(url, "/robots.txt")) {
        put(&d, "User-agent: otherbot\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\n");
        if (crawl_delay >= 0)
            put(&d, "Crawl-delay: %g\n", crawl_delay);
        put(&d, "\nSitemap: http://%s/sitemap/index.xml\n", host);
        ctype = "text/plain";
    } else if (!strncmp(url, "/a/", 3)) {
        put(&d,
            "<!DOCTYPE html><html><head><title>Story %.200s</title></head><body><article>"
            "<h1>Story %.200s</h1><p>The council met on Monday to discuss the new budget for the "
            "coming year, and members agreed to spend more on schools and roads.</p><p>Several "
            "residents spoke at the meeting, asking for better bus services in the evening and "
            "longer opening hours at the public library.</p></article></body></html>",
            url + 3, url + 3);
        ctype = "text/html; charset=utf-8";
    } else if (sscanf(url, "/cache/%ld", &n) == 1 && n >= 0 && n < 100000) {
        static char cc[32];
        snprintf(cc, sizeof(cc), "max-age=%ld", n);
        feed_doc(&d, "json", "cache", host);
        ctype = "application/feed+json";
        extra_name = "Cache-Control";
        extra_value = cc;
    } else if (sscanf(url, "/smaxage/%ld", &n) == 1 && n >= 0 && n < 100000) {
        static char cc[32];
        snprintf(cc, sizeof(cc), "s-maxage=%ld", n);
        feed_doc(&d, "json", "smaxage", host);
        ctype = "application/feed+json";
        extra_name = "Cache-Control";
        extra_value = cc;
    } else if (!strcmp(url, "/sitemap/creds.xml")) {
        put(&d,
            "<?xml version=\"1.0\"?><sitemapindex "
            "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
            "<sitemap><loc>http://u:s3cret@%s/feed/rss/creds</loc></sitemap>"
            "<sitemap><loc>http://%s/feed/rss/plain</loc></sitemap></sitemapindex>",
            host, host);
    } else if (!strcmp(url, "/feed/odd")) {
        const char *port = strrchr(host, ':');
        /* "localhost" in fullwidth letters: IDNA maps it to plain "localhost". */
        put(&d,
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Odd</title>"
            "<item><title>plain</title><link>http://%s/a/odd/1</link></item>"
            "<item><title>creds</title><link>http://u:s3cret@%s/a/odd/2</link></item>"
            "<item><title>idn</title><link>http://\xef\xbd\x8c\xef\xbd\x8f\xef\xbd\x83"
            "\xef\xbd\x81\xef\xbd\x8c\xef\xbd\x88\xef\xbd\x8f\xef\xbd\x93\xef\xbd\x94%s/a/odd/3"
            "</link></item></channel></rss>",
            host, host, port ? port : "");
    } else if (sscanf(url, "/busy/%ld", &n) == 1 && n >= 0 && n < 100000) {
        static char ra[32];
        snprintf(ra, sizeof(ra), "%ld", n);
        code = 503;
        put(&d, "busy\n");
        ctype = "text/plain";
        extra_name = "Retry-After";
        extra_value = ra;
    } else if (sscanf(url, "/status/%u", &code) == 1) {
        put(&d, "status %u\n", code);
        ctype = "text/plain";
    } else if (sscanf(url, "/b/%ld", &n) == 1 && n >= 0 && n < MAX_BENCH) {
        unsigned cnt = fresh ? ++bench_counter[n] : 0;
        snprintf(etag, sizeof(etag), "\"b%ld-%u\"", n, cnt);
        use_etag = etag;
        if (!fresh && inm && !strcmp(inm, etag))
            code = 304;
        else
            bench_doc(&d, host, n, cnt);
    } else {
        code = 404;
        put(&d, "not found\n");
        ctype = "text/plain";
    }
    if (code == 200 && ((use_etag && inm && !strcmp(inm, use_etag)) ||
                        (use_lm && !inm && ims && !strcmp(ims, use_lm))))
        code = 304;
    if (log_file)
        fprintf(log_file, "%lld %s %s %u%s\n", epoch_ms(), host, url, code,
                MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization") ? " AUTH" : ""),
            fflush(log_file);
    body = d.buf;
    len = code == 304 ? 0 : d.len;
    return answer(c, code, body, len, ctype, use_etag, use_lm);
}

int main(int argc, char **argv)
{
    const char *bind_addr = "127.0.0.1";
    long port = 0, max_seconds = 300;
    struct sockaddr_in addr;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc)
            port = atol(argv[++i]);
        else if (!strcmp(argv[i], "--bind") && i + 1 < argc)
            bind_addr = argv[++i];
        else if (!strcmp(argv[i], "--max-seconds") && i + 1 < argc)
            max_seconds = atol(argv[++i]);
        else if (!strcmp(argv[i], "--crawl-delay") && i + 1 < argc)
            crawl_delay = atof(argv[++i]);
        else if (!strcmp(argv[i], "--fresh"))
            fresh = 1;
        else if (!strcmp(argv[i], "--log") && i + 1 < argc) {
            log_file = fopen(argv[++i], "a");
            if (!log_file) {
                perror(argv[i]);
                return 2;
            }
        } else {
            fprintf(stderr, "usage: nw_feedd [--port N] [--bind ADDR] [--max-seconds S] "
                            "[--log FILE] [--crawl-delay SEC] [--fresh]\n");
            return 2;
        }
    }
    bench_counter = calloc(MAX_BENCH, sizeof(*bench_counter));
    if (!bench_counter)
        return 1;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, bind_addr, &addr.sin_addr) != 1) {
        fprintf(stderr, "nw_feedd: bad --bind %s\n", bind_addr);
        return 2;
    }
    /* One thread: the handler's static buffers and counters need no lock. */
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0,
                         NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &addr,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned int)4000, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "nw_feedd: cannot start on %s:%ld\n", bind_addr, port);
        return 1;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("%u\n", info ? (unsigned)info->port : 0u);
    fflush(stdout);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    for (long t = 0; !stopping && t < max_seconds * 10; t++)
        usleep(100000);
    MHD_stop_daemon(d);
    if (log_file)
        fclose(log_file);
    free(bench_counter);
    return 0;
}
