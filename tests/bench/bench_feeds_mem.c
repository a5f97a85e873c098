/*
 * bench_feeds_mem.c — peak memory and time of the feed parser (feeds.h) on large generated
 * documents, and its speed on realistic feeds.
 *
 *   bench_feeds_mem CASE [--write FILE]
 *
 * CASE is one of:
 *   dense    a 50 MB sitemap of small elements (<a/> repeated), gzip-compressed (~51 KB)
 *   sitemap  a plain 1M-URL sitemap (~45 MB)
 *   json     a ~41 MB JSON Feed (280,000 items)
 *   rss      a realistic RSS 2.0 feed (50 items with descriptions, ~60 KB) parsed 400 times
 *   atom     a realistic Atom feed (50 entries with content, ~70 KB) parsed 400 times
 *
 * Prints one line: the case, the input bytes, items read, the process's peak RSS before the
 * parse (the generated input is held in memory, as `watch` holds a fetched body) and after
 * it (getrusage ru_maxrss), and the parse time. Run each case in its own process so the
 * peaks do not mix. Limits are watch's defaults: watch.max_feed_bytes 50 MiB,
 * watch.max_items 50,000. With --write FILE the document is written to FILE instead (for
 * serving it to `newsworker watch`).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <zlib.h>

#include "feeds.h"

struct doc {
    char *data;
    size_t len, cap;
};

static void put(struct doc *d, const char *s, size_t n)
{
    if (d->len + n > d->cap) {
        d->cap = (d->len + n) * 2;
        d->data = realloc(d->data, d->cap);
        if (!d->data) {
            perror("realloc");
            exit(1);
        }
    }
    memcpy(d->data + d->len, s, n);
    d->len += n;
}

static void puts_(struct doc *d, const char *s)
{
    put(d, s, strlen(s));
}

static long peak_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Appends the gzip form of `head`, `unit` repeated until the plain text reaches `target`
 * bytes, and `tail`, compressing as it goes (the plain text is never held). */
static void gen_gzip_repeat(struct doc *d, const char *head, const char *unit, size_t target,
                            const char *tail)
{
    char out[65536], in[65536];
    size_t plain = 0, unit_len = strlen(unit), fill = 0, room;
    z_stream zs;

    while (fill + unit_len <= sizeof(in)) {
        memcpy(in + fill, unit, unit_len);
        fill += unit_len;
    }
    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        exit(1);
    for (int phase = 0; phase < 3; phase++) {
        const char *src = phase == 0 ? head : phase == 2 ? tail : in;
        int more = 1;
        while (more) {
            size_t n = phase == 1 ? fill : strlen(src);
            if (phase == 1) {
                room = target - strlen(tail) - plain;
                if (n > room)
                    n = room / unit_len * unit_len;
                more = n == fill && n > 0;
            } else {
                more = 0;
            }
            zs.next_in = (Bytef *)(uintptr_t)src;
            zs.avail_in = (uInt)n;
            plain += n;
            do {
                zs.next_out = (Bytef *)out;
                zs.avail_out = sizeof(out);
                deflate(&zs, phase == 2 ? Z_FINISH : Z_NO_FLUSH);
                put(d, out, sizeof(out) - zs.avail_out);
            } while (zs.avail_out == 0);
        }
    }
    deflateEnd(&zs);
}

static void gen_dense(struct doc *d)
{
    gen_gzip_repeat(d, "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">", "<a/>",
                    50u * 1024 * 1024, "</urlset>");
}

static void gen_sitemap(struct doc *d)
{
    char line[128];

    puts_(d, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (int i = 0; i < 1000000; i++) {
        int n = snprintf(line, sizeof(line), "<url><loc>https://ex.test/a/%07d</loc></url>\n", i);
        put(d, line, (size_t)n);
    }
    puts_(d, "</urlset>\n");
}

static void gen_json(struct doc *d)
{
    char item[512];

    puts_(d, "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"Big\", "
             "\"items\": [\n");
    for (int i = 0; i < 280000; i++) {
        int n = snprintf(item, sizeof(item),
                         "%s{\"id\": \"item-%d\", \"url\": \"https://ex.test/a/%07d\", "
                         "\"title\": \"Item number %d of the big feed\", "
                         "\"date_published\": \"2026-11-30T00:00:00Z\"}\n",
                         i ? "," : "", i, i, i);
        put(d, item, (size_t)n);
    }
    puts_(d, "]}\n");
}

static const char *lorem = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do "
                           "eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim "
                           "ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut "
                           "aliquip ex ea commodo consequat. ";

static void gen_rss(struct doc *d)
{
    char buf[1024];

    puts_(d, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" "
             "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
             "xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel>\n"
             "<title>Example News</title><link>https://ex.test/</link>"
             "<description>All the news</description><ttl>15</ttl>"
             "<atom:link href=\"https://ex.test/rss\" rel=\"self\"/>\n");
    for (int i = 0; i < 50; i++) {
        snprintf(buf, sizeof(buf),
                 "<item><title>Headline number %d: something happened today</title>"
                 "<link>https://ex.test/news/2026/11/30/story-%d.html?utm_source=rss&amp;"
                 "utm_medium=feed</link><guid isPermaLink=\"false\">story-%d</guid>"
                 "<pubDate>Mon, 30 Nov 2026 %02d:%02d:00 +0100</pubDate>"
                 "<dc:creator>Jane Doe</dc:creator><category>World</category>"
                 "<description><![CDATA[<p>",
                 i, i, i, i % 24, i % 60);
        puts_(d, buf);
        for (int k = 0; k < 2; k++)
            puts_(d, lorem);
        puts_(d, "</p>]]></description></item>\n");
    }
    puts_(d, "</channel></rss>\n");
}

static void gen_atom(struct doc *d)
{
    char buf[1024];

    puts_(d, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
             "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Example Atom</title>"
             "<id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>"
             "<updated>2026-11-30T18:30:02Z</updated>"
             "<link href=\"https://ex.test/\"/><author><name>Ex</name></author>\n");
    for (int i = 0; i < 50; i++) {
        snprintf(buf, sizeof(buf),
                 "<entry><title type=\"html\">Entry &lt;b&gt;%d&lt;/b&gt;</title>"
                 "<link rel=\"alternate\" type=\"text/html\" href=\"https://ex.test/e/%d\"/>"
                 "<link rel=\"enclosure\" href=\"https://ex.test/e/%d.mp3\" length=\"1\"/>"
                 "<id>tag:ex.test,2026:%d</id><updated>2026-11-30T18:%02d:02Z</updated>"
                 "<published>2026-11-30T17:%02d:02+01:00</published>"
                 "<summary>Short summary of entry %d.</summary><content type=\"html\">",
                 i, i, i, i, i % 60, i % 60, i);
        puts_(d, buf);
        for (int k = 0; k < 3; k++)
            puts_(d, "&lt;p&gt;Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed "
                     "do eiusmod tempor incididunt ut labore et dolore magna aliqua.&lt;/p&gt;");
        puts_(d, "</content></entry>\n");
    }
    puts_(d, "</feed>\n");
}

int main(int argc, char **argv)
{
    struct doc d = {0};
    struct nw_feed_limits lim = {52428800, 50000, 100};
    struct nw_feed *f = NULL;
    char err[256] = "";
    const char *name = argc > 1 ? argv[1] : "";
    int repeat = 1, r = 0;
    size_t items = 0;
    long before;
    double t0, ms;

    if (!strcmp(name, "dense"))
        gen_dense(&d);
    else if (!strcmp(name, "sitemap"))
        gen_sitemap(&d);
    else if (!strcmp(name, "json"))
        gen_json(&d);
    else if (!strcmp(name, "rss"))
        gen_rss(&d), repeat = 400;
    else if (!strcmp(name, "atom"))
        gen_atom(&d), repeat = 400;
    else {
        fprintf(stderr, "usage: %s dense|sitemap|json|rss|atom [--write FILE]\n", argv[0]);
        return 2;
    }
    if (argc > 3 && !strcmp(argv[2], "--write")) {
        FILE *fp = fopen(argv[3], "wb");
        if (!fp || fwrite(d.data, 1, d.len, fp) != d.len || fclose(fp)) {
            perror(argv[3]);
            return 1;
        }
        free(d.data);
        return 0;
    }
    before = peak_kb();
    t0 = now_ms();
    for (int i = 0; i < repeat; i++) {
        r = nw_feed_parse(d.data, d.len, "https://ex.test/doc", NULL, &lim, &f, err, sizeof(err));
        items = r == 0 ? f->n_items : 0;
        nw_feed_destroy(f);
        f = NULL;
    }
    ms = (now_ms() - t0) / repeat;
    printf("%-8s input %9zu bytes, %6zu items, status %d, peak RSS %6.1f MB before the parse, "
           "%6.1f MB after, %9.3f ms per parse%s%s\n",
           name, d.len, items, r, before / 1024.0, peak_kb() / 1024.0, ms, r ? ": " : "",
           r ? err : "");
    free(d.data);
    return 0;
}
