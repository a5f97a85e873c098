/*
 * warc_writer.h — web archive files: every HTTP exchange as WARC/1.1 records.
 *
 * With fetch.warc = true the fetcher (fetch.c, through warc_capture.h) hands each
 * exchange here: a `request` record (the request head as sent) and a `response` record
 * (status line, header fields and body exactly as received on the wire: a chunked body
 * keeps its chunk framing, a gzip/br body stays compressed, so WARC-Payload-Digest is
 * over those bytes, as wget and Heritrix write it), each hop of a redirect chain its own
 * pair, tied together by WARC-Concurrent-To, with WARC-Target-URI, WARC-Date,
 * WARC-Record-ID (urn:uuid), WARC-IP-Address, WARC-Warcinfo-ID and sha1 base32 block and
 * payload digests. A body a limit cut short is marked WARC-Truncated (length, time,
 * disconnect or unspecified). Each file starts with a `warcinfo` record; each record is
 * its own gzip member.
 *
 * Files: named newsworker-YYYYMMDDHHMMSS-HOST-PID-SEQ.warc.gz, written under a hidden name
 * (".NAME.part") and, when closed (it reached fetch.warc_max_bytes, or the writer is
 * destroyed), fsynced, renamed to NAME, and the directory fsynced: a reader never sees
 * a half-written file under a final name. The directory is fetch.warc_dir, or, when the
 * configuration has an output.dir (the data-lake sink), OUTPUT_DIR/warc/dt=YYYY-MM-DD/
 * hour=HH/ of the file's opening hour (a new file is begun when the hour changes).
 * A file may pass fetch.warc_max_bytes by the one exchange that crossed it.
 * A file a killed run left open is finished when the next writer starts (warc_recover.h).
 *
 * Single-threaded: all calls from the thread that created it (the fetcher's).
 */
#ifndef NW_WARC_WRITER_H
#define NW_WARC_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "status.h"

struct nw_warc_writer;

/* One hop of an exchange: what was sent and what came back. */
struct nw_warc_hop {
    const char *url;      /* the target URI of this request */
    const char *ip;       /* the peer address, or NULL */
    struct timespec when; /* when the request was sent */
    const char *request;  /* request head (and body) as sent */
    size_t request_len;
    const char *response; /* status line, header fields and body as received */
    size_t response_len;
    const char *truncated; /* NULL, or the WARC-Truncated reason ("length", "time", ...) */
};

/* Where the response record of an exchange went. */
struct nw_warc_ref {
    char file[4096]; /* the file's final name (visible once the file is closed) */
    uint64_t offset; /* of the response record's gzip member */
    char record_id[64];
};

/* A writer from fetch.warc_dir, fetch.warc_max_bytes and output.dir (if that key exists).
 * Creates the directory. NULL with a message on failure. Destroy with
 * nw_warc_writer_destroy (NULL-safe), which closes and renames the open file. */
struct nw_warc_writer *nw_warc_writer_create(const struct nw_config *cfg, char *errstr,
                                             size_t errstr_size);
void nw_warc_writer_destroy(struct nw_warc_writer *w);

/* Writes n hops (a request and a response record each; a hop with no response gets only
 * its request record). ref (may be NULL) receives the last response record's place.
 * NW_EIO with a message when the file cannot be written (the exchange is lost from the
 * archive; the fetch itself goes on). */
enum nw_status nw_warc_writer_write(struct nw_warc_writer *w, const struct nw_warc_hop *hops,
                                    size_t n, struct nw_warc_ref *ref, char *errstr,
                                    size_t errstr_size);

/* Closes the open file now (fsync, rename, fsync of the directory); the next write opens
 * a new one. NW_EIO on failure. */
enum nw_status nw_warc_writer_close(struct nw_warc_writer *w, char *errstr, size_t errstr_size);

#endif
