/*
 * warc_capture.h — the fetcher's hook into web archiving: records what one curl transfer
 * sent and received, byte for byte, and hands it to the WARC writer (warc_writer.h).
 *
 * It uses curl's debug callback (CURLOPT_DEBUGFUNCTION with CURLOPT_VERBOSE): request
 * headers as sent (CURLINFO_HEADER_OUT, DATA_OUT), response header lines and body bytes
 * as read from the connection (CURLINFO_HEADER_IN, DATA_IN), before curl removes the
 * chunked framing or the content coding, so the archive holds the message as received on
 * the wire; a new request head begins a new hop (a redirect, or curl's own retry on a
 * reused connection); CURLINFO_PRIMARY_IP gives each hop's WARC-IP-Address. With a
 * capture attached the transfer speaks HTTP/1.1, whose messages are what a WARC response
 * record holds (an HTTP/2 exchange has no such wire form).
 *
 * The fetcher's use, all from its thread:
 *   xfer setup     nw_warc_capture_attach(&x->warc, easy, max_body)
 *   each attempt   nw_warc_capture_reset(x->warc)
 *   attempt ended  nw_warc_capture_flush(x->warc, writer, rc)   (writes its hops)
 *   result         nw_warc_capture_ref(x->warc) -> file, offset, record id of the last
 *                  response written, for the records' "warc" field
 *   xfer free      nw_warc_capture_destroy(x->warc)
 *
 * Bounds: the response body is kept up to max_body bytes as received (beyond, the
 * response is marked WARC-Truncated: length), headers up to 256 KiB each way, at most
 * NW_WARC_CAPTURE_MAX_HOPS hops.
 */
#ifndef NW_WARC_CAPTURE_H
#define NW_WARC_CAPTURE_H

#include <curl/curl.h>
#include <stddef.h>

#include "status.h"
#include "warc_writer.h"

#define NW_WARC_CAPTURE_MAX_HOPS 64

struct nw_warc_capture;

/* Creates a capture and attaches it to easy (sets the debug callback, VERBOSE and
 * HTTP/1.1). *out is set on success; NW_ENOMEM / NW_EINTERNAL otherwise. */
enum nw_status nw_warc_capture_attach(struct nw_warc_capture **out, CURL *easy, size_t max_body);
void nw_warc_capture_destroy(struct nw_warc_capture *c);

/* Forgets the hops of the previous attempt (the last written ref is kept). NULL-safe. */
void nw_warc_capture_reset(struct nw_warc_capture *c);

/* Writes the attempt's hops; rc is how curl ended the transfer (a body cut by a timeout,
 * a reset or a limit is marked WARC-Truncated). A write failure is logged, and the fetch
 * goes on. NULL-safe (c or w). */
void nw_warc_capture_flush(struct nw_warc_capture *c, struct nw_warc_writer *w, CURLcode rc);

/* The last response record written for this transfer, or NULL if none. Borrowed. */
const struct nw_warc_ref *nw_warc_capture_ref(const struct nw_warc_capture *c);

#endif
