/*
 * s3.h — uploading closed lake files to an S3-compatible bucket (output.s3.*).
 *
 * Every request is signed by libcurl's built-in AWS Signature Version 4
 * (CURLOPT_AWS_SIGV4 "aws:amz:<region>:s3") with the payload's SHA-256 in
 * x-amz-content-sha256 (and x-amz-security-token for temporary credentials). A file up to
 * output.s3.part_size goes in one PUT; a larger one as a multipart upload
 * (CreateMultipartUpload, UploadPart per part, CompleteMultipartUpload; AbortMultipartUpload
 * when it fails), each part read from the file in turn and streamed, so memory stays
 * small whatever the file size. Each request is retried after 500/502/503/504, 429,
 * 503 SlowDown, a RequestTimeout, a timeout or a connection error, up to output.s3.retries
 * times with exponential backoff and jitter; a 4xx such as 403 fails at once with S3's
 * error Code and Message and the key in errstr. Every request has a total timeout, a
 * connect timeout and a low-speed abort.
 *
 * Credentials and region come from the output.s3.* keys, else from AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION / AWS_DEFAULT_REGION (no instance
 * profile, no ~/.aws files).
 *
 * The module never touches the local file beyond reading it: removing it after a
 * confirmed upload is the caller's decision (nw_s3_keep_local tells what output.s3.keep_local
 * asks for).
 *
 * Blocking and single-threaded: an nw_s3 is used by one thread at a time (it holds one
 * curl easy handle, whose connection is reused between requests).
 */
#ifndef NW_S3_H
#define NW_S3_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "status.h"

struct nw_s3;

/* Counters since create, for logs and metrics. */
struct nw_s3_stats {
    uint64_t files;    /* uploads confirmed */
    uint64_t failures; /* nw_s3_put_file calls that failed */
    uint64_t requests; /* HTTP requests sent, retries included */
    uint64_t retries;  /* requests repeated after a retryable failure */
    uint64_t bytes;    /* payload bytes of confirmed uploads */
};

/* True when output.s3.bucket is set, i.e. closed lake files are to be uploaded. */
int nw_s3_enabled(const struct nw_config *cfg);

/* A new uploader for the bucket in cfg. NULL with NW_ECONFIG's message in errstr (naming
 * the key) when output.s3.bucket is unset, the endpoint is not an http(s) URL, the bucket
 * name cannot be addressed, no access key or secret is found, or the backoff bounds are
 * inverted; NULL with a message on allocation or libcurl failure. Nothing is sent.
 * Caller frees with nw_s3_destroy. */
struct nw_s3 *nw_s3_create(const struct nw_config *cfg, char *errstr, size_t errstr_size);

/* NULL-safe. */
void nw_s3_destroy(struct nw_s3 *s3);

/* Start-up check of endpoint, bucket, region and credentials: lists
 * <prefix>_newsworker_check_ (ListObjectsV2, max-keys=1: a prefix that holds no object, so
 * the answer is small and never truncated; retried like any request). NW_OK when S3 answers, and
 * also when it answers AccessDenied (credentials allowed to write but not to list cannot be checked
 * without writing: a warning is logged and uploads will tell). NW_ECONFIG when the answer shows a
 * configuration error: unknown access key, wrong secret (SignatureDoesNotMatch), no such bucket,
 * wrong region, bad token (exit 2). NW_ENETWORK, NW_ETIMEOUT or NW_EHTTP when S3 could not be
 * reached or kept failing after the retries. */
enum nw_status nw_s3_check(struct nw_s3 *s3, char *errstr, size_t errstr_size);

/* Uploads the file at local_path as object output.s3.prefix + key (key: the lake-relative
 * path, e.g. "articles/dt=2026-12-06/hour=13/articles+news.urls+0+42.avro"; leading '/'
 * dropped). Blocks until S3 confirms (NW_OK) or the retries run out. Errors: NW_EIO (the
 * file cannot be read, or changed size while uploading), NW_EINVAL (empty or too long
 * key), NW_ETOOBIG (more than 10000 parts at output.s3.part_size), NW_EDENIED (401/403),
 * NW_EHTTP (other refusals, or retries exhausted on 5xx), NW_ETIMEOUT, NW_ENETWORK,
 * NW_ENOMEM. errstr names the key and carries S3's error Code and Message. A failed
 * multipart upload is aborted. The same key uploaded again replaces the object (a replay
 * after a crash rewrites the same names). */
enum nw_status nw_s3_put_file(struct nw_s3 *s3, const char *local_path, const char *key,
                              char *errstr, size_t errstr_size);

/* Called with each key (after output.s3.prefix) of a listing; non-zero stops it. */
typedef int nw_s3_key_fn(void *ctx, const char *key);

/* Lists the objects whose key (after output.s3.prefix) starts with key_prefix
 * (ListObjectsV2, 1000 keys a page, following continuation tokens) and calls fn for each.
 * Errors as for nw_s3_put_file; NW_EPARSE when an answer is not a listing. */
enum nw_status nw_s3_list(struct nw_s3 *s3, const char *key_prefix, nw_s3_key_fn *fn, void *ctx,
                          char *errstr, size_t errstr_size);

/* Deletes the object output.s3.prefix + key (DeleteObject; an object already gone is
 * NW_OK). Retried like an upload. */
enum nw_status nw_s3_delete(struct nw_s3 *s3, const char *key, char *errstr, size_t errstr_size);

/* output.s3.keep_local: whether the caller keeps a file after its confirmed upload. */
int nw_s3_keep_local(const struct nw_s3 *s3);

/* The object's URL for a key (after the prefix), for log lines: "s3://bucket/prefix/key".
 * Writes into out (truncated to fit) and returns out. */
const char *nw_s3_object_name(const struct nw_s3 *s3, const char *key, char *out, size_t out_size);

/* Counters since create. */
void nw_s3_get_stats(const struct nw_s3 *s3, struct nw_s3_stats *stats);

#endif
