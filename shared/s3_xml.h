/*
 * s3_xml.h — reading the few fields newsworker needs from S3's XML answers: the error
 * document (<Error><Code>SlowDown</Code><Message>...</Message></Error>), the UploadId of
 * InitiateMultipartUploadResult, and the root element's name (CompleteMultipartUpload
 * may answer 200 with an <Error> body), and the keys of a ListObjectsV2 answer.
 *
 * The body comes from the network and is hostile: it is parsed by libxml2 with no
 * network access and no external entities; the caller bounds its size. Names are
 * compared without their namespace (S3 puts everything in its 2006-03-01 namespace).
 * Pure: no I/O, no global state beyond libxml2's own.
 */
#ifndef NW_S3_XML_H
#define NW_S3_XML_H

#include <stddef.h>

#include "status.h"

/* Copies the name of the document's root element into out (truncated to fit, always
 * NUL-terminated). NW_EPARSE if xml is not a well-formed XML document. */
enum nw_status nw_s3_xml_root(const char *xml, size_t len, char *out, size_t out_size);

/* If the document's root element is named `root`, copies the text of its first child
 * element named `element` into out (truncated to fit, NUL-terminated, control characters
 * replaced by spaces so it is safe in a log line). NW_EPARSE for a document that is not
 * XML, NW_EINVAL when the root or the element is not there (out is then ""). */
enum nw_status nw_s3_xml_text(const char *xml, size_t len, const char *root, const char *element,
                              char *out, size_t out_size);

/* Called for each object key of a ListObjectsV2 answer, in order; a non-zero return
 * stops the walk. */
typedef int nw_s3_xml_key_fn(void *ctx, const char *key);

/* Reads a ListObjectsV2 answer (<ListBucketResult>): calls fn with the text of every
 * <Contents><Key>, sets *truncated from <IsTruncated> (1 for "true") and copies
 * <NextContinuationToken> into token ("" when absent). NW_EPARSE for a document that is
 * not XML, NW_EINVAL when the root is not ListBucketResult or the answer is truncated
 * without a token that fits in token_size. */
enum nw_status nw_s3_xml_list(const char *xml, size_t len, nw_s3_xml_key_fn *fn, void *ctx,
                              int *truncated, char *token, size_t token_size);

#endif
