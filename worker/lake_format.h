/*
 * lake_format.h — one lake file being written, in one of the lake's formats:
 *
 *   jsonl.zst  newline-delimited JSON compressed with libzstd. Records are gathered into
 *              blocks of NW_LAKE_ZSTD_BLOCK bytes; each block is one zstd frame (frames
 *              concatenate: zstdcat, DuckDB and any zstd reader read the file whole).
 *   avro       an Avro object container file written by avro-c, deflate codec, the
 *              writer schema (schemas/<kind>.v1.avsc, built into the binary) in its header.
 *
 * A codec (struct nw_lake_codec) holds what the files share: the zstd context and the
 * parsed Avro schemas. A file (struct nw_lake_file) owns the descriptor it is given, and
 * at most one block of records in memory. Single-threaded.
 */
#ifndef NW_LAKE_FORMAT_H
#define NW_LAKE_FORMAT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define NW_LAKE_ZSTD_BLOCK ((size_t)256 * 1024)
#define NW_LAKE_AVRO_BLOCK ((size_t)256 * 1024)

enum nw_lake_format { NW_LAKE_JSONL_ZST, NW_LAKE_AVRO };
enum nw_lake_kind { NW_LAKE_ARTICLES, NW_LAKE_ERRORS, NW_LAKE_JOBS, NW_LAKE_NKINDS };

struct nw_lake_codec;
struct nw_lake_file;

/* "articles", "errors", "jobs". */
const char *nw_lake_kind_name(enum nw_lake_kind kind);
/* "jsonl.zst" or "avro": the file name extension. */
const char *nw_lake_format_ext(enum nw_lake_format format);

/* A codec for the format: zstd_level for jsonl.zst; avro_codec for Avro (the block codec
 * avro-c writes: "snappy", "deflate" or "null"). NULL on failure, reason in errstr.
 * Free with nw_lake_codec_destroy (after its files). */
struct nw_lake_codec *nw_lake_codec_create(enum nw_lake_format format, int zstd_level,
                                           const char *avro_codec, char *errstr,
                                           size_t errstr_size);
void nw_lake_codec_destroy(struct nw_lake_codec *codec);

/* Starts a file of `kind` on fd (opened for writing, empty; the file takes it over and
 * closes it in nw_lake_file_destroy, also on failure). path is for messages. avro_block:
 * the Avro block buffer (0: NW_LAKE_AVRO_BLOCK); avro-c cannot write a record larger than
 * its block, so such a record gets a file of its own (see NW_ETOOBIG below). */
struct nw_lake_file *nw_lake_file_open(struct nw_lake_codec *codec, enum nw_lake_kind kind, int fd,
                                       const char *path, size_t avro_block, char *errstr,
                                       size_t errstr_size);

/* Appends record (borrowed). NW_ETOOBIG (Avro) when the encoded record needs a block
 * of nw_lake_file_needed bytes, more than this file's: nothing written, the file is still
 * usable. NW_EINVAL when the record does not fit the kind's Avro
 * schema (the file is still usable), NW_EIO when a write failed (errno-based message,
 * "No space left on device"; the file is then broken: destroy it), NW_ENOMEM. */
enum nw_status nw_lake_file_append(struct nw_lake_file *f, const json_t *record, char *errstr,
                                   size_t errstr_size);

/* The Avro block size the last NW_ETOOBIG record needs. */
size_t nw_lake_file_needed(const struct nw_lake_file *f);

/* Bytes the file has (written plus buffered), for rotation. */
uint64_t nw_lake_file_bytes(const struct nw_lake_file *f);

/* Writes everything out and fsyncs the file. The descriptor stays open (a lock on it is
 * kept until nw_lake_file_destroy). NW_EIO on any write or fsync failure. */
enum nw_status nw_lake_file_finish(struct nw_lake_file *f, char *errstr, size_t errstr_size);

/* Closes the descriptor and frees. NULL-safe. */
void nw_lake_file_destroy(struct nw_lake_file *f);

#endif
