/*
 * cmd_extract.c — `newsworker extract [--text] FILE...`: the offline pipeline.
 *
 * A file is HTML (plain or gzip), text (--text), or a web archive: a file that starts
 * with a WARC record ("WARC/1.", plain or in a gzip member) is read as one, whatever its
 * name, in one streaming pass (shared/warc.h), and gives one record per HTML response
 * (shared/warc_page.h), in file order; broken records give error records (stage "warc")
 * naming the file and offset, and reading goes on past them.
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "article.h"
#include "buf.h"
#include "commands.h"
#include "log.h"
#include "mem.h"
#include "process.h"
#include "record.h"
#include "sink.h"
#include "lake_s3.h"
#include "sink_lake.h"
#include "url.h"
#include "warc.h"
#include "warc_input.h"

/* Compressed files are read whole; this bounds what one input may occupy in memory. */
#define READ_MAX ((size_t)1 << 30)

/* Reads the rest of f (after what buf already holds) into buf. */
static enum nw_status read_all(FILE *f, const char *path, struct nw_buf *buf, char *errstr,
                               size_t errstr_size)
{
    enum nw_status result = NW_OK;
    char chunk[65536];
    struct stat st;
    size_t n;

    /* A regular file's size is known: the rest of it is read straight into the buffer, one
     * allocation and one copy (a large fread bypasses stdio's own buffer). A file too large
     * for the buffer, or one that grew, goes through the chunks below, as any stream does. */
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > buf->len &&
        nw_buf_reserve(buf, (size_t)st.st_size - buf->len) == NW_OK) {
        n = fread(buf->data + buf->len, 1, (size_t)st.st_size - buf->len, f);
        buf->len += n;
        buf->data[buf->len] = '\0';
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        result = nw_buf_append(buf, chunk, n);
        if (result) {
            nw_fail(result, errstr, errstr_size, "%s: %s", path, nw_status_message(result));
            goto out;
        }
    }
    if (ferror(f))
        result = nw_fail(NW_EIO, errstr, errstr_size, "%s: read error", path);
out:
    return result;
}

/* art: what processing found before it failed (the record's "meta"), or NULL. */
static json_t *error_record(const char *url, const char *stage, enum nw_status status,
                            const char *message, const struct nw_article *art)
{
    struct nw_error_info info = {.url = url,
                                 .stage = stage,
                                 .code = nw_status_name(status),
                                 .message = message,
                                 .attempts = 1,
                                 .article = art};
    return nw_record_error(&info);
}

/* Where records go: the JSONL stream (output.file) or the lake (output.dir). */
struct out {
    struct nw_sink_file *sink;
    struct nw_lake *lake;
    struct nw_lake_s3 *lake_s3; /* with output.s3.bucket: uploads the closed files */
};

static enum nw_status out_write(struct out *o, const json_t *rec, int is_error)
{
    char errstr[512];
    enum nw_status result;

    if (!o->lake)
        return nw_sink_file_write(o->sink, rec);
    result = nw_lake_write(o->lake, rec, is_error ? NW_LAKE_ERRORS : NW_LAKE_ARTICLES, -1, 0,
                           errstr, sizeof(errstr));
    if (result)
        NW_LOG_ERROR("extract", "output.dir: %s", errstr);
    return result;
}

/* nw_extract_write_fn for web archives: the record's schema says its kind. */
static enum nw_status out_write_record(void *ctx, const json_t *rec)
{
    const char *schema = json_string_value(json_object_get(rec, "schema"));

    return out_write(ctx, rec, schema && !strcmp(schema, NW_ERROR_SCHEMA));
}

/* ---- one input ------------------------------------------------------------------------ */

/* Processes one input into one record (a web archive: one per page); returns 0, or -1 if
 * the input could not be read. buf: the input buffer, emptied here and reused from one input
 * to the next, so that its memory is allocated (and faulted in) once for the largest input,
 * not once per input. */
static int extract_one(struct nw_processor *proc, struct out *sink, struct nw_buf *buf,
                       const char *path, int is_text, size_t max_body)
{
    enum nw_status result;
    struct nw_article art;
    const char *stage = "read";
    char errstr[512] = "", *url = NULL, *resolved;
    char head[65536];
    size_t head_len;
    json_t *rec = NULL;
    int failed_read = 0;
    FILE *f = NULL;

    nw_article_init(&art);
    nw_buf_reset(buf);
    /* The record names the file by its absolute path, without "." or ".." segments. */
    resolved = strcmp(path, "-") ? realpath(path, NULL) : NULL;
    result = nw_url_from_path(resolved ? resolved : strcmp(path, "-") ? path : "/dev/stdin", &url);
    free(resolved);
    if (result) {
        snprintf(errstr, sizeof(errstr), "%s: cannot form a file URL", path);
        goto out;
    }
    f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        result = nw_fail(NW_EIO, errstr, sizeof(errstr), "%s: %s", path, strerror(errno));
        failed_read = 1;
        goto out;
    }
    head_len = fread(head, 1, sizeof(head), f);
    if (nw_warc_sniff(head, head_len)) {
        failed_read =
            nw_extract_warc(proc, out_write_record, sink, path, url, f, head, head_len, max_body);
        goto done;
    }
    result = nw_buf_append(buf, head, head_len);
    if (result)
        nw_fail(result, errstr, sizeof(errstr), "%s: %s", path, nw_status_message(result));
    else
        result = read_all(f, path, buf, errstr, sizeof(errstr));
    if (result) {
        failed_read = 1;
        goto out;
    }
    {
        struct nw_input in = {
            .data = nw_buf_str(buf), .len = buf->len, .is_text = is_text, .url = url};
        result = nw_processor_run(proc, &in, &art, &stage, errstr, sizeof(errstr));
    }
out:
    if (result) {
        NW_LOG_WARN("extract", "%s: %s failed: %s", path, stage, errstr);
        rec = error_record(url ? url : path, stage, result, errstr, &art);
    } else {
        rec = nw_record_article(&art);
    }
    if (!rec || out_write(sink, rec, result != NW_OK)) {
        NW_LOG_ERROR("extract", "%s: cannot write the record", path);
        failed_read = 1;
    }
done:
    if (f && f != stdin)
        fclose(f);
    json_decref(rec);
    nw_article_fini(&art);
    nw_free(url);
    return failed_read ? -1 : 0;
}

/* The pages of one run allocate and free the same large blocks (the parse tree, the text,
 * the record) over and over. With glibc's defaults a block above its mmap threshold is
 * mapped and unmapped each time, and the heap top is trimmed and grown again, so every
 * page pays its page faults anew. Blocks up to EXTRACT_MMAP_MAX come from the heap and
 * up to EXTRACT_TRIM_MAX of freed heap stays with the process for the next page: memory
 * stays bounded by the largest page (plus that much), and the faults are paid once.
 * The first EXTRACT_HUGE_HEAP of heap is grown at once and marked for transparent huge
 * pages (where the kernel offers them on request, as Debian's default "madvise"): a run
 * then takes about a quarter of the page faults (4500 -> 1200 over the 90 extraction-dev
 * pages), each a costly trap on a virtual machine, for about 2 MiB more resident memory. */
#define EXTRACT_MMAP_MAX (32 << 20)
#define EXTRACT_TRIM_MAX (64 << 20)
#define EXTRACT_TOP_PAD (16 << 20)
#define EXTRACT_HUGE_HEAP (24 << 20)
#define HUGE_ALIGN (2 << 20)

static void tune_allocator(void)
{
#ifdef __GLIBC__
    (void)mallopt(M_MMAP_THRESHOLD, EXTRACT_MMAP_MAX);
    (void)mallopt(M_TRIM_THRESHOLD, EXTRACT_TRIM_MAX);
    (void)mallopt(M_TOP_PAD, EXTRACT_TOP_PAD);
#ifdef MADV_HUGEPAGE
    {
        /* the block comes from the heap (it is below the mmap threshold) and goes back to
         * it (below the trim threshold), so the advice stays on the heap's pages */
        char *p = malloc(EXTRACT_HUGE_HEAP);
        if (p) {
            uintptr_t a = ((uintptr_t)p + HUGE_ALIGN - 1) & ~(uintptr_t)(HUGE_ALIGN - 1);
            uintptr_t e = ((uintptr_t)p + EXTRACT_HUGE_HEAP) & ~(uintptr_t)(HUGE_ALIGN - 1);
            if (e > a)
                (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
            free(p);
        }
    }
#endif
#endif
}

int nw_cmd_extract(struct nw_config *cfg, int argc, char **argv)
{
    struct nw_processor *proc = NULL;
    struct out sink = {0};
    struct nw_buf buf;
    int is_text = 0, n_files = 0, failures = 0, code = NW_EXIT_OK;
    size_t max_body = (size_t)nw_config_get_int(cfg, "extract.max_html_bytes");
    char errstr[512];

    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--text"))
            is_text = 1;
        else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "newsworker extract: unknown option '%s'\n", argv[i]);
            return NW_EXIT_USAGE;
        } else
            n_files++;
    }
    if (!n_files) {
        fprintf(stderr, "usage: newsworker extract [--text] FILE... ('-' is stdin)\n");
        return NW_EXIT_USAGE;
    }
    tune_allocator();
    proc = nw_processor_create(cfg, errstr, sizeof(errstr));
    if (!proc) {
        fprintf(stderr, "newsworker extract: %s\n", errstr);
        return NW_EXIT_FAILURE;
    }
    /* Records go where fetch's do without a broker: output.dir if set, else output.file
     * (stdout by default). */
    if (nw_lake_configured(cfg)) {
        enum nw_status status = NW_OK;
        if (nw_config_is_set(cfg, "output.file")) {
            fprintf(stderr, "newsworker extract: output.file and output.dir exclude each other\n");
            code = NW_EXIT_USAGE;
            goto out;
        }
        sink.lake = nw_lake_create(cfg, NULL, &status, errstr, sizeof(errstr));
        if (!sink.lake) {
            fprintf(stderr, "newsworker extract: %s\n", errstr);
            code = status == NW_ECONFIG ? NW_EXIT_USAGE : NW_EXIT_FAILURE;
            goto out;
        }
        sink.lake_s3 = nw_lake_s3_attach(sink.lake, cfg, &status, errstr, sizeof(errstr));
        if (!sink.lake_s3 && status) {
            fprintf(stderr, "newsworker extract: %s\n", errstr);
            code = status == NW_ECONFIG ? NW_EXIT_USAGE : NW_EXIT_FAILURE;
            goto out;
        }
    } else {
        sink.sink = nw_sink_file_create(nw_config_get(cfg, "output.file"), errstr, sizeof(errstr));
        if (!sink.sink) {
            fprintf(stderr, "newsworker extract: %s\n", errstr);
            code = NW_EXIT_FAILURE;
            goto out;
        }
    }
    nw_buf_init(&buf, READ_MAX);
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--text"))
            continue;
        if (extract_one(proc, &sink, &buf, argv[i], is_text, max_body))
            failures++;
    }
    nw_buf_fini(&buf);
    if (sink.lake && nw_lake_close_all(sink.lake, errstr, sizeof(errstr)) != NW_OK) {
        fprintf(stderr, "newsworker extract: output.dir: %s\n", errstr);
        code = NW_EXIT_FAILURE;
    }
    if (failures) {
        fprintf(stderr, "newsworker extract: %d of %d inputs could not be read or written\n",
                failures, n_files);
        code = NW_EXIT_FAILURE;
    }
out:
    nw_sink_file_destroy(sink.sink);
    nw_lake_destroy(sink.lake);
    nw_lake_s3_destroy(sink.lake_s3);
    nw_processor_destroy(proc);
    return code;
}
