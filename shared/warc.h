/*
 * warc.h — a streaming reader of WARC 1.0 / 1.1 files (ISO 28500; the WARC 1.1 spec).
 *
 * Input is pulled through a read callback in one pass, never seeked: a plain .warc, a
 * .warc.gz whose records are each their own gzip member (the usual layout: Heritrix, wget,
 * warcio, newsworker), or a file compressed as one gzip stream. Memory is bounded whatever
 * the file: the WARC header block is at most opts.max_header bytes, and of each record's
 * block only the first opts.max_block bytes are kept (the rest is read past, never held).
 *
 * Bad input never stops the reader while bytes remain: a record it cannot read ends as an
 * NW_WARC_ERROR event naming its offset, skipped bytes as an NW_WARC_WARNING, and reading
 * goes on at the next record it can find (the next gzip member in a per-record .warc.gz,
 * else the next line that starts with "WARC/"). Only a read error from the callback or a
 * failed allocation is fatal (an NW_WARC_ERROR with fatal set, then NW_WARC_END).
 *
 * Offsets (for provenance and for readers that seek): in a .warc.gz, the file offset of
 * the gzip member in which the record starts (exact for per-record members, the offset
 * CDX indexes use); in a plain .warc, the file offset of the record's "WARC/" line.
 *
 * Pure (no I/O of its own beyond the callback, no globals). One reader per thread.
 */
#ifndef NW_WARC_H
#define NW_WARC_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Reads up to len bytes into buf: returns how many (> 0), 0 at the end, < 0 on error. */
typedef long nw_warc_read_fn(void *ctx, void *buf, size_t len);

struct nw_warc_opts {
    size_t max_block;    /* block bytes kept per record; 0 = 16 MiB */
    size_t max_header;   /* largest WARC header block; 0 = 64 KiB */
    uint64_t max_record; /* a larger Content-Length is refused as bad; 0 = 4 GiB */
};

#define NW_WARC_MAX_FIELDS 128 /* WARC header fields kept per record */

struct nw_warc_field {
    const char *name; /* as written */
    const char *value;
};

/* One record. Everything is borrowed from the reader and valid until the next call. */
struct nw_warc_record {
    uint64_t offset;          /* see above */
    const char *version;      /* "WARC/1.0", "WARC/1.1" */
    const char *type;         /* WARC-Type: "response", "request", "warcinfo", ... */
    const char *record_id;    /* WARC-Record-ID, e.g. "<urn:uuid:...>" */
    const char *date;         /* WARC-Date */
    const char *target_uri;   /* WARC-Target-URI without <> (WARC 1.0 style), or NULL */
    const char *content_type; /* of the block, or NULL */
    uint64_t content_length;  /* the block's declared length */
    const char *block;        /* its first block_len bytes (NUL-terminated) */
    size_t block_len;
    int block_cut; /* 1: the block was longer than opts.max_block and was cut */
    const struct nw_warc_field *fields;
    size_t n_fields;
};

enum nw_warc_event {
    NW_WARC_RECORD,  /* a record is in *rec */
    NW_WARC_ERROR,   /* a record could not be read: see the problem */
    NW_WARC_WARNING, /* something was skipped (garbage between records): see the problem */
    NW_WARC_END,     /* no more input */
};

struct nw_warc_problem {
    enum nw_status status; /* NW_EPARSE, NW_ETOOBIG, NW_EIO, NW_ENOMEM */
    uint64_t offset;       /* of the record (as above) or of the skipped bytes */
    int fatal;             /* the reader stops (I/O error, out of memory) */
    char message[256];
    /* What the bad record's header said, when it got that far ("" if not). */
    char record_id[128];
    char target_uri[1024];
    char type[32];
};

struct nw_warc_reader;

/* A reader pulling from read(ctx). opts may be NULL. NULL on ENOMEM.
 * Free with nw_warc_reader_destroy (NULL-safe); it does not close the source. */
struct nw_warc_reader *nw_warc_reader_create(nw_warc_read_fn *read, void *ctx,
                                             const struct nw_warc_opts *opts);
void nw_warc_reader_destroy(struct nw_warc_reader *r);

/* The next event. *rec is set for NW_WARC_RECORD, *problem filled for ERROR and WARNING.
 * After NW_WARC_END every call returns NW_WARC_END. */
enum nw_warc_event nw_warc_next(struct nw_warc_reader *r, const struct nw_warc_record **rec,
                                struct nw_warc_problem *problem);

/* 1 if the input is gzip-compressed (known after the first nw_warc_next). */
int nw_warc_reader_gzip(const struct nw_warc_reader *r);

/* Bytes of input consumed so far (compressed bytes for a .warc.gz). */
uint64_t nw_warc_reader_consumed(const struct nw_warc_reader *r);

/* The value of header field name (case-insensitive) of rec, or NULL. Borrowed. */
const char *nw_warc_field(const struct nw_warc_record *rec, const char *name);

/* 1 if data (len bytes: the start of a file, plain or gzip) looks like a WARC file:
 * "WARC/1." at the start, or a gzip member (a cheap check of the first inflated bytes). */
int nw_warc_sniff(const void *data, size_t len);

#endif
