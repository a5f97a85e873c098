/* warc.c — streaming WARC reader: gzip members, record framing, resynchronisation. */
#include "warc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "buf.h"
#include "mem.h"

#define IN_SIZE 65536
#define OUT_SIZE 262144
#define DEFAULT_MAX_BLOCK ((size_t)16 << 20)
#define DEFAULT_MAX_HEADER ((size_t)64 << 10)
#define DEFAULT_MAX_RECORD ((uint64_t)4 << 30)

/* What the byte layer ran into (beyond a clean end). */
enum stream_fault { F_NONE, F_CORRUPT, F_TRUNCATED, F_IO, F_NOMEM };

struct nw_warc_reader {
    nw_warc_read_fn *read;
    void *ctx;
    struct nw_warc_opts opts;

    /* Raw input. */
    unsigned char in[IN_SIZE];
    size_t in_pos, in_len;
    uint64_t in_base; /* file offset of in[0] */
    int in_eof;

    /* gzip state: gz < 0 unknown, 0 plain, 1 gzip. */
    int gz;
    z_stream zs;
    int zs_ready;
    int member_open;       /* inside a member whose end has not come */
    uint64_t member_start; /* file offset of the current (or last) member */
    enum stream_fault fault;
    uint64_t fault_offset;

    /* Decoded bytes; in gzip mode they always belong to one member (out_member). */
    unsigned char out[OUT_SIZE];
    size_t out_pos, out_len;
    uint64_t out0; /* offset of out[0]: in the member (gzip), in the file (plain) */
    uint64_t out_member;

    /* Garbage skipped and not yet reported. */
    uint64_t skipped, skipped_at;
    int quiet_skip;  /* the skip follows a reported error: not reported again */
    int member_rest; /* the skip is the rest of a gzip member, dropped uninflated */
    int per_record;  /* the last record filled its gzip member alone */
    int ended;

    /* The record being returned. */
    struct nw_buf header;
    struct nw_buf block;
    struct nw_warc_field fields[NW_WARC_MAX_FIELDS];
    struct nw_warc_record rec;
};

static voidpf zalloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return nw_calloc(items, size);
}

static void zfree(voidpf opaque, voidpf ptr)
{
    (void)opaque;
    nw_free(ptr);
}

struct nw_warc_reader *nw_warc_reader_create(nw_warc_read_fn *read, void *ctx,
                                             const struct nw_warc_opts *opts)
{
    struct nw_warc_reader *r = nw_calloc(1, sizeof(*r));

    if (!r)
        return NULL;
    r->read = read;
    r->ctx = ctx;
    if (opts)
        r->opts = *opts;
    if (!r->opts.max_block)
        r->opts.max_block = DEFAULT_MAX_BLOCK;
    if (!r->opts.max_header)
        r->opts.max_header = DEFAULT_MAX_HEADER;
    if (!r->opts.max_record)
        r->opts.max_record = DEFAULT_MAX_RECORD;
    r->gz = -1;
    nw_buf_init(&r->header, r->opts.max_header);
    nw_buf_init(&r->block, r->opts.max_block);
    return r;
}

void nw_warc_reader_destroy(struct nw_warc_reader *r)
{
    if (!r)
        return;
    if (r->zs_ready)
        inflateEnd(&r->zs);
    nw_buf_fini(&r->header);
    nw_buf_fini(&r->block);
    nw_free(r);
}

int nw_warc_reader_gzip(const struct nw_warc_reader *r)
{
    return r->gz == 1;
}

uint64_t nw_warc_reader_consumed(const struct nw_warc_reader *r)
{
    return r->in_base + r->in_pos;
}

/* ---- raw input -------------------------------------------------------------------------- */

/* Makes at least need bytes of raw input available at in_pos if the file has them.
 * Returns the bytes available (may be fewer at the end); -1 on a read error. */
static long in_avail(struct nw_warc_reader *r, size_t need)
{
    while (r->in_len - r->in_pos < need && !r->in_eof) {
        long n;
        if (r->in_pos > 0) {
            memmove(r->in, r->in + r->in_pos, r->in_len - r->in_pos);
            r->in_base += r->in_pos;
            r->in_len -= r->in_pos;
            r->in_pos = 0;
        }
        n = r->read(r->ctx, r->in + r->in_len, sizeof(r->in) - r->in_len);
        if (n < 0) {
            r->fault = F_IO;
            r->fault_offset = r->in_base + r->in_len;
            return -1;
        }
        if (n == 0)
            r->in_eof = 1;
        r->in_len += (size_t)n;
    }
    return (long)(r->in_len - r->in_pos);
}

static int is_gzip_magic(const unsigned char *p)
{
    return p[0] == 0x1f && p[1] == 0x8b && p[2] == 0x08;
}

/* Finds the next gzip member in the raw input (counting what it skips as garbage) and
 * opens it. 1 when open, 0 at the end of the file, -1 on a fault. */
static int member_begin(struct nw_warc_reader *r)
{
    for (;;) {
        long n = in_avail(r, 3);
        if (n < 0)
            return -1;
        if (n < 3) {
            if (n > 0) {
                if (!r->skipped)
                    r->skipped_at = r->in_base + r->in_pos;
                r->skipped += (uint64_t)n;
                r->in_pos = r->in_len;
            }
            return 0;
        }
        /* Scan the buffered bytes for the magic. */
        {
            const unsigned char *p = r->in + r->in_pos, *end = r->in + r->in_len - 2;
            const unsigned char *hit = NULL;
            for (const unsigned char *q = p; q < end; q++) {
                q = memchr(q, 0x1f, (size_t)(end - q));
                if (!q)
                    break;
                if (is_gzip_magic(q)) {
                    hit = q;
                    break;
                }
            }
            size_t skip = hit ? (size_t)(hit - p) : (size_t)(end - p);
            if (skip) {
                if (!r->skipped)
                    r->skipped_at = r->in_base + r->in_pos;
                r->skipped += skip;
                r->in_pos += skip;
            }
            if (!hit)
                continue;
        }
        if (!r->zs_ready) {
            r->zs.zalloc = zalloc;
            r->zs.zfree = zfree;
            int zr = inflateInit2(&r->zs, 15 + 16);
            if (zr != Z_OK) {
                r->fault = F_NOMEM;
                return -1;
            }
            r->zs_ready = 1;
        } else if (inflateReset(&r->zs) != Z_OK) {
            r->fault = F_NOMEM;
            return -1;
        }
        r->member_open = 1;
        r->member_start = r->in_base + r->in_pos;
        r->out0 = 0;
        r->out_member = r->member_start;
        return 1;
    }
}

/* Inflates more of the open member into out[out_len..]. 1 if bytes came or the member
 * ended, -1 on a fault (the member is then closed). */
static int member_inflate(struct nw_warc_reader *r)
{
    for (;;) {
        long n = in_avail(r, 1);
        int zr;
        size_t before = r->out_len;
        if (n < 0)
            return -1;
        r->zs.next_in = r->in + r->in_pos;
        r->zs.avail_in = (uInt)(r->in_len - r->in_pos);
        r->zs.next_out = r->out + r->out_len;
        r->zs.avail_out = (uInt)(sizeof(r->out) - r->out_len);
        zr = inflate(&r->zs, Z_NO_FLUSH);
        r->in_pos = r->in_len - r->zs.avail_in;
        r->out_len = sizeof(r->out) - r->zs.avail_out;
        if (zr == Z_STREAM_END) {
            r->member_open = 0;
            return 1;
        }
        if (zr == Z_MEM_ERROR) {
            r->fault = F_NOMEM;
            r->member_open = 0;
            return -1;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            r->fault = F_CORRUPT;
            r->fault_offset = r->member_start;
            r->member_open = 0;
            return -1;
        }
        if (r->out_len > before)
            return 1;
        if (n == 0 || (zr == Z_BUF_ERROR && r->in_eof && r->in_pos == r->in_len)) {
            r->fault = F_TRUNCATED;
            r->fault_offset = r->member_start;
            r->member_open = 0;
            return -1;
        }
    }
}

/* Moves the unread decoded bytes to the front of out. */
static void out_compact(struct nw_warc_reader *r)
{
    if (r->out_pos == 0)
        return;
    memmove(r->out, r->out + r->out_pos, r->out_len - r->out_pos);
    r->out0 += r->out_pos;
    r->out_len -= r->out_pos;
    r->out_pos = 0;
}

/* Makes at least need decoded bytes available at out_pos, never across a gzip member
 * end while some are buffered (a record starts at a member start). With stop, not
 * across a member end at all. Returns the bytes available (fewer at an end), -1 on a
 * fault (r->fault says which). */
static long avail(struct nw_warc_reader *r, size_t need, int stop)
{
    if (need > sizeof(r->out))
        need = sizeof(r->out);
    while (r->out_len - r->out_pos < need) {
        if (r->gz < 0) {
            long n = in_avail(r, 3);
            if (n < 0)
                return -1;
            r->gz = n >= 3 && is_gzip_magic(r->in + r->in_pos);
        }
        if (sizeof(r->out) - r->out_len < need || r->out_pos == r->out_len)
            out_compact(r);
        if (!r->gz) {
            long n = in_avail(r, 1);
            if (n < 0)
                return -1;
            if (n == 0)
                break;
            size_t take =
                (size_t)n < sizeof(r->out) - r->out_len ? (size_t)n : sizeof(r->out) - r->out_len;
            memcpy(r->out + r->out_len, r->in + r->in_pos, take);
            r->in_pos += take;
            r->out_len += take;
            continue;
        }
        if (!r->member_open) {
            int m;
            if (r->out_pos < r->out_len || stop)
                break; /* the member ended: what is buffered is all of it */
            r->out_pos = r->out_len = 0;
            m = member_begin(r);
            if (m < 0)
                return -1;
            if (m == 0)
                break;
        }
        if (member_inflate(r) < 0)
            return -1;
    }
    return (long)(r->out_len - r->out_pos);
}

/* Position of the next decoded byte: (member offset, offset in member) in gzip mode. */
static uint64_t pos_here(const struct nw_warc_reader *r)
{
    return r->gz == 1 ? r->out_member : r->out0 + r->out_pos;
}

static int at_member_start(const struct nw_warc_reader *r)
{
    return r->gz == 1 && r->out0 + r->out_pos == 0;
}

/* Drops the rest of the current gzip member without inflating it: the next read starts
 * at the next member's magic. */
static void member_abandon(struct nw_warc_reader *r)
{
    r->out_pos = r->out_len = 0;
    r->member_open = 0;
}

/* ---- record framing --------------------------------------------------------------------- */

static void problem_set(struct nw_warc_problem *p, enum nw_status status, uint64_t offset,
                        const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem_set(struct nw_warc_problem *p, enum nw_status status, uint64_t offset,
                        const char *fmt, ...)
{
    va_list ap;

    p->status = status;
    p->offset = offset;
    p->fatal = 0;
    va_start(ap, fmt);
    vsnprintf(p->message, sizeof(p->message), fmt, ap);
    va_end(ap);
}

/* The problem for a byte-layer fault. */
static void fault_problem(struct nw_warc_reader *r, struct nw_warc_problem *p, uint64_t offset,
                          const char *what)
{
    switch (r->fault) {
    case F_CORRUPT:
        problem_set(p, NW_EPARSE, offset, "%s: corrupt gzip data in the member at offset %llu",
                    what, (unsigned long long)r->fault_offset);
        break;
    case F_TRUNCATED:
        problem_set(p, NW_EPARSE, offset, "%s: the gzip member at offset %llu is truncated", what,
                    (unsigned long long)r->fault_offset);
        break;
    case F_IO:
        problem_set(p, NW_EIO, offset, "%s: read error at offset %llu", what,
                    (unsigned long long)r->fault_offset);
        p->fatal = 1;
        break;
    case F_NOMEM:
    default:
        problem_set(p, NW_ENOMEM, offset, "%s: out of memory", what);
        p->fatal = 1;
        break;
    }
    if (p->fatal)
        r->ended = 1;
    r->fault = F_NONE;
}

static int starts_warc(const unsigned char *p, size_t n)
{
    return n >= 5 && !memcmp(p, "WARC/", 5);
}

/* Skips to the next "WARC/" at a line start (or at a gzip member start); what is not
 * blank is counted as skipped garbage. 1 when found, 0 at the end, -1 on a fault. */
static int find_record(struct nw_warc_reader *r)
{
    int line_start = 1;

    for (;;) {
        long n = avail(r, 5, 0);
        const unsigned char *p;
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        p = r->out + r->out_pos;
        if ((line_start || at_member_start(r)) && starts_warc(p, (size_t)n))
            return 1;
        if (at_member_start(r) && r->per_record) {
            /* In a file of one record per member, a member that does not start a record
             * is dropped whole, without inflating the rest of it (a gzip bomb). */
            if (!r->skipped)
                r->skipped_at = r->out_member;
            r->skipped += (uint64_t)n;
            r->member_rest = 1;
            member_abandon(r);
            continue;
        }
        /* Skip to the next newline in the buffered bytes in one step. */
        {
            const unsigned char *nl = memchr(p, '\n', (size_t)n);
            size_t skip = nl ? (size_t)(nl - p) + 1 : (size_t)n;
            int blank = 1;
            for (size_t i = 0; i < skip && blank; i++)
                blank = p[i] == '\r' || p[i] == '\n';
            if (!blank) {
                if (!r->skipped)
                    r->skipped_at = r->gz == 1 ? r->out_member : r->out0 + r->out_pos;
                r->skipped += skip;
            }
            r->out_pos += skip;
            line_start = nl != NULL;
        }
    }
}

/* Reads one header line (through its LF) into r->header. 1 done, 0 if the input ended
 * first, -1 on a fault, -2 if the header block is too large. */
static int read_line(struct nw_warc_reader *r)
{
    for (;;) {
        long n = avail(r, 1, 0);
        const unsigned char *p, *nl;
        size_t take;
        if (n <= 0)
            return (int)n;
        p = r->out + r->out_pos;
        nl = memchr(p, '\n', (size_t)n);
        take = nl ? (size_t)(nl - p) + 1 : (size_t)n;
        if (nw_buf_append(&r->header, p, take))
            return -2;
        r->out_pos += take;
        if (nl)
            return 1;
    }
}

/* Splits r->header (raw lines) into fields in place. 0, or -1 if malformed. */
static int parse_fields(struct nw_warc_reader *r, char *err, size_t err_size)
{
    char *p = r->header.data, *end = r->header.data + r->header.len;
    struct nw_warc_field *last = NULL;
    size_t n = 0;
    char *line_end;

    line_end = memchr(p, '\n', (size_t)(end - p));
    *line_end = '\0';
    if (line_end > p && line_end[-1] == '\r')
        line_end[-1] = '\0';
    r->rec.version = p;
    if (strncmp(p, "WARC/1.", 7) != 0 && strncmp(p, "WARC/0.", 7) != 0) {
        snprintf(err, err_size, "unsupported version line '%.40s'", p);
        return -1;
    }
    p = line_end + 1;
    while (p < end) {
        char *colon, *v, *e;
        line_end = memchr(p, '\n', (size_t)(end - p));
        if (!line_end)
            line_end = end;
        *line_end = '\0';
        if (line_end > p && line_end[-1] == '\r')
            line_end[-1] = '\0';
        if (*p == '\0')
            break; /* the blank line */
        if ((*p == ' ' || *p == '\t') && last) {
            /* A continuation line: joined to the previous value with one space. */
            char *q = p;
            while (*q == ' ' || *q == '\t')
                q++;
            size_t vlen = strlen(last->value), qlen = strlen(q);
            char *dst = (char *)last->value + vlen;
            /* The value and this line are adjacent in the buffer: move q down. */
            if (qlen) {
                *dst++ = ' ';
                memmove(dst, q, qlen + 1);
            }
            p = line_end + 1;
            continue;
        }
        colon = strchr(p, ':');
        if (!colon || colon == p) {
            snprintf(err, err_size, "malformed header line '%.60s'", p);
            return -1;
        }
        *colon = '\0';
        v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        e = v + strlen(v);
        while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
            *--e = '\0';
        if (n < NW_WARC_MAX_FIELDS) {
            r->fields[n].name = p;
            r->fields[n].value = v;
            last = &r->fields[n];
            n++;
        } else {
            last = NULL;
        }
        p = line_end + 1;
    }
    r->rec.fields = r->fields;
    r->rec.n_fields = n;
    return 0;
}

const char *nw_warc_field(const struct nw_warc_record *rec, const char *name)
{
    for (size_t i = 0; i < rec->n_fields; i++)
        if (!strcasecmp(rec->fields[i].name, name))
            return rec->fields[i].value;
    return NULL;
}

/* Content-Length as an unsigned decimal; -1 if it is not one (or overflows). */
static int parse_length(const char *s, uint64_t *out)
{
    uint64_t v = 0;

    if (!s || !*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* Reads len block bytes, keeping the first max_block. Returns the bytes read (< len when
 * the input or, with stop, the member ended first); -1 on a fault. */
static long long read_block(struct nw_warc_reader *r, uint64_t len, int stop)
{
    uint64_t got = 0;

    while (got < len) {
        long n = avail(r, 1, stop);
        size_t take, keep;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        take = (uint64_t)n < len - got ? (size_t)n : (size_t)(len - got);
        keep = r->block.max - r->block.len;
        if (keep > take)
            keep = take;
        if (keep && nw_buf_append(&r->block, r->out + r->out_pos, keep)) {
            r->fault = F_NOMEM;
            return -1;
        }
        r->out_pos += take;
        got += take;
    }
    return (long long)got;
}

/* Consumes the CRLF CRLF after a block (whatever blank bytes are there, up to 4). */
static void read_trailer(struct nw_warc_reader *r)
{
    for (int i = 0; i < 4; i++) {
        long n = avail(r, 1, 1);
        if (n <= 0)
            return;
        if (r->out[r->out_pos] != '\r' && r->out[r->out_pos] != '\n')
            return;
        r->out_pos++;
    }
}

static enum nw_warc_event skipped_warning(struct nw_warc_reader *r, struct nw_warc_problem *p)
{
    if (r->member_rest)
        problem_set(p, NW_EPARSE, r->skipped_at,
                    "skipped the rest of the gzip member at offset %llu: not a WARC record",
                    (unsigned long long)r->skipped_at);
    else
        problem_set(p, NW_EPARSE, r->skipped_at, "skipped %llu bytes that are not WARC records",
                    (unsigned long long)r->skipped);
    r->skipped = 0;
    r->member_rest = 0;
    return NW_WARC_WARNING;
}

enum nw_warc_event nw_warc_next(struct nw_warc_reader *r, const struct nw_warc_record **rec,
                                struct nw_warc_problem *problem)
{
    uint64_t offset, start;
    int member_record, m;
    long long got;
    size_t line_at = 0;
    const char *cl;
    char err[200];

    *rec = NULL;
    memset(problem, 0, sizeof(*problem));
    if (r->ended)
        return NW_WARC_END;
    if (r->fault != F_NONE) {
        /* A fault after the last record's end (read_trailer, the member check). */
        fault_problem(r, problem, pos_here(r), "after the record");
        return problem->fatal ? NW_WARC_ERROR : NW_WARC_WARNING;
    }
    m = find_record(r);
    if (r->skipped && !r->quiet_skip)
        return skipped_warning(r, problem);
    r->skipped = 0;
    r->member_rest = 0;
    r->quiet_skip = 0;
    if (m < 0) {
        fault_problem(r, problem, pos_here(r), "reading");
        return NW_WARC_ERROR;
    }
    if (m == 0) {
        r->ended = 1;
        return NW_WARC_END;
    }
    offset = pos_here(r);
    start = r->out0 + r->out_pos; /* decoded position, to see that a bad record moved on */
    member_record = at_member_start(r);
    nw_buf_reset(&r->header);
    nw_buf_reset(&r->block);
    memset(&r->rec, 0, sizeof(r->rec));
    r->rec.offset = offset;
    /* The header block: lines up to the blank one. */
    for (;;) {
        int lr = read_line(r);
        size_t line_len;
        if (lr == -2) {
            problem_set(problem, NW_ETOOBIG, offset,
                        "the WARC header block is larger than %zu bytes", r->header.max);
            goto bad;
        }
        if (lr < 0) {
            fault_problem(r, problem, offset, "record header");
            goto bad_fault;
        }
        if (lr == 0) {
            problem_set(problem, NW_EPARSE, offset,
                        "truncated record: the input ends inside its header");
            goto bad;
        }
        /* The line just read is blank: the header block ends. */
        line_len = r->header.len - line_at;
        if ((line_len == 1 && r->header.data[line_at] == '\n') ||
            (line_len == 2 && r->header.data[line_at] == '\r'))
            break;
        line_at = r->header.len;
    }
    if (parse_fields(r, err, sizeof(err))) {
        problem_set(problem, NW_EPARSE, offset, "%s", err);
        goto bad;
    }
    r->rec.type = nw_warc_field(&r->rec, "WARC-Type");
    r->rec.record_id = nw_warc_field(&r->rec, "WARC-Record-ID");
    r->rec.date = nw_warc_field(&r->rec, "WARC-Date");
    r->rec.target_uri = nw_warc_field(&r->rec, "WARC-Target-URI");
    r->rec.content_type = nw_warc_field(&r->rec, "Content-Type");
    if (r->rec.target_uri && r->rec.target_uri[0] == '<') {
        /* WARC 1.0 drafts (and some writers) put the URI in angle brackets. */
        char *t = (char *)r->rec.target_uri + 1;
        size_t tl = strlen(t);
        if (tl && t[tl - 1] == '>')
            t[tl - 1] = '\0';
        r->rec.target_uri = t;
    }
    copy_str(problem->record_id, sizeof(problem->record_id), r->rec.record_id);
    copy_str(problem->target_uri, sizeof(problem->target_uri), r->rec.target_uri);
    copy_str(problem->type, sizeof(problem->type), r->rec.type);
    cl = nw_warc_field(&r->rec, "Content-Length");
    if (!cl) {
        problem_set(problem, NW_EPARSE, offset, "the mandatory Content-Length field is missing");
        goto bad;
    }
    if (parse_length(cl, &r->rec.content_length)) {
        problem_set(problem, NW_EPARSE, offset, "Content-Length '%.40s' is not a length", cl);
        goto bad;
    }
    if (r->rec.content_length > r->opts.max_record) {
        problem_set(problem, NW_ETOOBIG, offset,
                    "Content-Length %llu is larger than the %llu bytes a record may have",
                    (unsigned long long)r->rec.content_length,
                    (unsigned long long)r->opts.max_record);
        goto bad;
    }
    got = read_block(r, r->rec.content_length, member_record);
    if (got >= 0 && (uint64_t)got < r->rec.content_length && member_record) {
        /* The record's member ended first: a writer that split the record into several
         * members goes on in the next one; a new record there means a wrong length. */
        long n = avail(r, 5, 0);
        if (n < 0)
            got = -1;
        else if (n > 0 && !(at_member_start(r) && starts_warc(r->out + r->out_pos, (size_t)n))) {
            long long more = read_block(r, r->rec.content_length - (uint64_t)got, 0);
            got = more < 0 ? -1 : got + more;
        } else {
            problem_set(problem, NW_EPARSE, offset,
                        "Content-Length %llu runs past the end of the record's gzip member "
                        "(%lld bytes)",
                        (unsigned long long)r->rec.content_length, got);
            r->quiet_skip = 1;
            return NW_WARC_ERROR;
        }
    }
    if (got < 0) {
        fault_problem(r, problem, offset, "record block");
        goto bad_fault;
    }
    if ((uint64_t)got < r->rec.content_length) {
        problem_set(problem, NW_EPARSE, offset,
                    "truncated record: Content-Length %llu but the input ends after %lld bytes",
                    (unsigned long long)r->rec.content_length, got);
        r->quiet_skip = 1;
        return NW_WARC_ERROR;
    }
    read_trailer(r);
    if (member_record) {
        /* A record that began a member should end it: anything else left in the member
         * that is not another record is dropped without inflating it (a gzip bomb after a
         * short record costs nothing). */
        long n = avail(r, 5, 1);
        r->per_record = n == 0;
        if (n > 0 && !starts_warc(r->out + r->out_pos, (size_t)n) && r->out[r->out_pos] != '\r' &&
            r->out[r->out_pos] != '\n') {
            r->skipped_at = r->out_member;
            r->skipped = (uint64_t)n;
            r->member_rest = 1;
            member_abandon(r);
        }
        /* n < 0: the member is damaged after its record (a cut gzip trailer): the record
         * is whole, the fault is reported as a warning by the next call. */
    }
    if (!r->rec.record_id || !r->rec.date || !r->rec.type) {
        problem_set(problem, NW_EPARSE, offset, "the mandatory %s field is missing",
                    !r->rec.record_id ? "WARC-Record-ID"
                    : !r->rec.date    ? "WARC-Date"
                                      : "WARC-Type");
        return NW_WARC_ERROR;
    }
    r->rec.block = nw_buf_str(&r->block);
    r->rec.block_len = r->block.len;
    r->rec.block_cut = r->block.len < r->rec.content_length;
    *rec = &r->rec;
    return NW_WARC_RECORD;
bad:
    /* The record cannot be framed: go on at the next member (gzip) or "WARC/" line. */
    if (r->gz == 1 && member_record)
        member_abandon(r);
    else if (r->out0 + r->out_pos == start && r->out_pos < r->out_len)
        r->out_pos++; /* nothing was consumed (a first line over the header limit): step
                       * past this "WARC/" so the search for the next record moves on */
    r->quiet_skip = 1;
    return NW_WARC_ERROR;
bad_fault:
    if (r->gz == 1)
        member_abandon(r);
    r->quiet_skip = 1;
    return NW_WARC_ERROR;
}

int nw_warc_sniff(const void *data, size_t len)
{
    const unsigned char *p = data;
    unsigned char head[8];
    z_stream zs = {0};
    int ok;

    if (len >= 7 && !memcmp(p, "WARC/1.", 7))
        return 1;
    if (len < 3 || !is_gzip_magic(p))
        return 0;
    zs.zalloc = zalloc;
    zs.zfree = zfree;
    if (inflateInit2(&zs, 15 + 16) != Z_OK)
        return 0;
    zs.next_in = (Bytef *)p;
    zs.avail_in = (uInt)(len > (1u << 20) ? (1u << 20) : len);
    zs.next_out = head;
    zs.avail_out = 7;
    inflate(&zs, Z_SYNC_FLUSH);
    ok = zs.avail_out == 0 && !memcmp(head, "WARC/1.", 7);
    inflateEnd(&zs);
    return ok;
}
