/* lake_format.c — lake files in jsonl.zst (libzstd) and Avro (avro-c). See lake_format.h. */
#include "lake_format.h"

#include <avro.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "lake_schemas.h" /* generated from the schemas folder (worker/CMakeLists.txt) */
#include "mem.h"
#include "record.h"

#define JSON_FIELDS_MAX 16

struct avro_kind {
    avro_schema_t schema;
    avro_value_iface_t *iface;
    /* Fields holding free-form JSON as text ("newsworker.json": true in the .avsc), as
     * "Record.field". */
    char *json_fields[JSON_FIELDS_MAX];
    size_t njson;
};

struct nw_lake_codec {
    enum nw_lake_format format;
    int zstd_level;
    char avro_codec[16]; /* avro-c's codec name */
    ZSTD_CCtx *cctx;
    void *zbuf; /* compressed output of one block */
    size_t zbuf_size;
    struct avro_kind avro[NW_LAKE_NKINDS];
};

struct nw_lake_file {
    struct nw_lake_codec *codec;
    enum nw_lake_kind kind;
    int fd;
    char *path;
    uint64_t written;
    /* jsonl.zst */
    char *block;
    size_t block_len;
    /* avro */
    FILE *fp;
    avro_file_writer_t writer;
    avro_value_t value;
    int have_value;
    size_t block_size, needed;
};

const char *nw_lake_kind_name(enum nw_lake_kind kind)
{
    static const char *const names[] = {"articles", "errors", "jobs"};
    return kind < NW_LAKE_NKINDS ? names[kind] : "?";
}

const char *nw_lake_format_ext(enum nw_lake_format format)
{
    return format == NW_LAKE_AVRO ? "avro" : "jsonl.zst";
}

/* ---- Avro schemas -------------------------------------------------------------------- */

static void collect_json_fields(struct avro_kind *k, json_t *type)
{
    json_t *fields, *f;
    size_t i;

    if (json_is_array(type)) { /* a union */
        json_array_foreach(type, i, f) collect_json_fields(k, f);
        return;
    }
    if (!json_is_object(type))
        return;
    if (json_object_get(type, "items"))
        collect_json_fields(k, json_object_get(type, "items"));
    fields = json_object_get(type, "fields");
    json_array_foreach(fields, i, f)
    {
        const char *rec = json_string_value(json_object_get(type, "name"));
        const char *name = json_string_value(json_object_get(f, "name"));
        if (json_is_true(json_object_get(f, "newsworker.json")) && rec && name &&
            k->njson < JSON_FIELDS_MAX) {
            size_t n = strlen(rec) + strlen(name) + 2;
            char *s = nw_malloc(n);
            if (s) {
                snprintf(s, n, "%s.%s", rec, name);
                k->json_fields[k->njson++] = s;
            }
        }
        collect_json_fields(k, json_object_get(f, "type"));
    }
}

static enum nw_status load_avro(struct avro_kind *k, const unsigned char *text, size_t len,
                                const char *name, char *errstr, size_t errstr_size)
{
    json_error_t jerr;
    json_t *doc;

    if (avro_schema_from_json_length((const char *)text, len, &k->schema))
        return nw_fail(NW_ECONFIG, errstr, errstr_size, "Avro schema %s: %s", name,
                       avro_strerror());
    k->iface = avro_generic_class_from_schema(k->schema);
    if (!k->iface)
        return nw_fail(NW_ENOMEM, errstr, errstr_size, "Avro schema %s: %s", name, avro_strerror());
    doc = json_loadb((const char *)text, len, 0, &jerr);
    if (!doc)
        return nw_fail(NW_ECONFIG, errstr, errstr_size, "Avro schema %s: %s", name, jerr.text);
    collect_json_fields(k, doc);
    json_decref(doc);
    return NW_OK;
}

struct nw_lake_codec *nw_lake_codec_create(enum nw_lake_format format, int zstd_level,
                                           const char *avro_codec, char *errstr, size_t errstr_size)
{
    struct nw_lake_codec *c = nw_calloc(1, sizeof(*c));
    static const struct {
        const unsigned char *text;
        size_t len;
        const char *name;
    } avsc[NW_LAKE_NKINDS] = {
        {nw_avsc_article, sizeof(nw_avsc_article), "article.v1.avsc"},
        {nw_avsc_error, sizeof(nw_avsc_error), "error.v1.avsc"},
        {nw_avsc_url_job, sizeof(nw_avsc_url_job), "url-job.v1.avsc"},
    };

    if (!c) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    c->format = format;
    c->zstd_level = zstd_level;
    snprintf(c->avro_codec, sizeof(c->avro_codec), "%s", avro_codec ? avro_codec : "snappy");
    if (format == NW_LAKE_JSONL_ZST) {
        c->cctx = ZSTD_createCCtx();
        c->zbuf_size = ZSTD_compressBound(NW_LAKE_ZSTD_BLOCK);
        c->zbuf = nw_malloc(c->zbuf_size);
        if (!c->cctx || !c->zbuf ||
            ZSTD_isError(ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_compressionLevel, zstd_level)) ||
            ZSTD_isError(ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_checksumFlag, 1))) {
            nw_fail(NW_ENOMEM, errstr, errstr_size, "cannot set up zstd");
            goto fail;
        }
        return c;
    }
    for (int k = 0; k < NW_LAKE_NKINDS; k++)
        if (load_avro(&c->avro[k], avsc[k].text, avsc[k].len, avsc[k].name, errstr, errstr_size))
            goto fail;
    return c;
fail:
    nw_lake_codec_destroy(c);
    return NULL;
}

void nw_lake_codec_destroy(struct nw_lake_codec *c)
{
    if (!c)
        return;
    ZSTD_freeCCtx(c->cctx);
    nw_free(c->zbuf);
    for (int k = 0; k < NW_LAKE_NKINDS; k++) {
        if (c->avro[k].iface)
            avro_value_iface_decref(c->avro[k].iface);
        if (c->avro[k].schema)
            avro_schema_decref(c->avro[k].schema);
        for (size_t i = 0; i < c->avro[k].njson; i++)
            nw_free(c->avro[k].json_fields[i]);
    }
    nw_free(c);
}

/* ---- JSON to Avro values -------------------------------------------------------------- */

static int is_json_field(const struct avro_kind *k, const char *rec, const char *field)
{
    size_t rl = strlen(rec);

    for (size_t i = 0; i < k->njson; i++) {
        const char *s = k->json_fields[i];
        if (!strncmp(s, rec, rl) && s[rl] == '.' && !strcmp(s + rl + 1, field))
            return 1;
    }
    return 0;
}

static enum nw_status set_json_text(avro_value_t *v, const json_t *j)
{
    avro_value_t branch;
    char *text;
    int rc;

    if (avro_value_get_type(v) == AVRO_UNION) {
        if (json_is_null(j))
            return avro_value_set_branch(v, 0, &branch) || avro_value_set_null(&branch) ? NW_EINVAL
                                                                                        : NW_OK;
        if (avro_value_set_branch(v, 1, &branch))
            return NW_EINVAL;
        v = &branch;
    }
    text = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
    if (!text)
        return NW_ENOMEM;
    rc = avro_value_set_string_len(v, text, strlen(text) + 1);
    free(text);
    return rc ? NW_EINVAL : NW_OK;
}

/* Fills v (of its schema's type) from j; path names the field for messages. */
static enum nw_status fill(const struct avro_kind *k, avro_value_t *v, const json_t *j,
                           const char *path, char *errstr, size_t errstr_size)
{
    avro_value_t child;
    enum nw_status result = NW_OK;

    switch (avro_value_get_type(v)) {
    case AVRO_NULL:
        if (!json_is_null(j))
            goto mismatch;
        return avro_value_set_null(v) ? NW_EINVAL : NW_OK;
    case AVRO_BOOLEAN:
        if (!json_is_boolean(j))
            goto mismatch;
        return avro_value_set_boolean(v, json_is_true(j)) ? NW_EINVAL : NW_OK;
    case AVRO_INT32:
        if (!json_is_integer(j))
            goto mismatch;
        return avro_value_set_int(v, (int32_t)json_integer_value(j)) ? NW_EINVAL : NW_OK;
    case AVRO_INT64:
        if (!json_is_integer(j))
            goto mismatch;
        return avro_value_set_long(v, (int64_t)json_integer_value(j)) ? NW_EINVAL : NW_OK;
    case AVRO_DOUBLE:
        if (!json_is_number(j))
            goto mismatch;
        return avro_value_set_double(v, json_number_value(j)) ? NW_EINVAL : NW_OK;
    case AVRO_FLOAT:
        if (!json_is_number(j))
            goto mismatch;
        return avro_value_set_float(v, (float)json_number_value(j)) ? NW_EINVAL : NW_OK;
    case AVRO_STRING:
        if (!json_is_string(j))
            goto mismatch;
        /* avro-c takes the size with the terminating NUL. */
        return avro_value_set_string_len(v, json_string_value(j), json_string_length(j) + 1)
                   ? NW_EINVAL
                   : NW_OK;
    case AVRO_UNION: {
        /* ["null", T]: null takes branch 0, anything else the first other branch. */
        size_t n = avro_schema_union_size(avro_value_get_schema(v));
        int want_null = json_is_null(j);
        for (size_t b = 0; b < n; b++) {
            avro_schema_t bs = avro_schema_union_branch(avro_value_get_schema(v), (int)b);
            if (is_avro_null(bs) != want_null)
                continue;
            if (avro_value_set_branch(v, (int)b, &child))
                return NW_EINVAL;
            return fill(k, &child, j, path, errstr, errstr_size);
        }
        goto mismatch;
    }
    case AVRO_ARRAY: {
        size_t i;
        const json_t *item;
        if (!json_is_array(j))
            goto mismatch;
        json_array_foreach(j, i, item)
        {
            if (avro_value_append(v, &child, NULL))
                return NW_ENOMEM;
            result = fill(k, &child, item, path, errstr, errstr_size);
            if (result)
                return result;
        }
        return NW_OK;
    }
    case AVRO_RECORD: {
        size_t n = 0;
        const char *rec = avro_schema_name(avro_value_get_schema(v));
        if (!json_is_object(j))
            goto mismatch;
        avro_value_get_size(v, &n);
        for (size_t i = 0; i < n; i++) {
            const char *name = NULL;
            const json_t *fj;
            if (avro_value_get_by_index(v, i, &child, &name))
                return NW_EINVAL;
            fj = json_object_get(j, name);
            if (is_json_field(k, rec, name)) {
                result = set_json_text(&child, fj ? fj : json_null());
            } else if (!fj && avro_value_get_type(&child) == AVRO_UNION) {
                result = fill(k, &child, json_null(), name, errstr, errstr_size);
            } else if (!fj) {
                return nw_fail(NW_EINVAL, errstr, errstr_size,
                               "record lacks the field %s.%s that the Avro schema requires", rec,
                               name);
            } else {
                result = fill(k, &child, fj, name, errstr, errstr_size);
            }
            if (result)
                return result;
        }
        return NW_OK;
    }
    default:
        return nw_fail(NW_EINVAL, errstr, errstr_size, "field %s: unsupported Avro type", path);
    }
mismatch:
    return nw_fail(NW_EINVAL, errstr, errstr_size, "field %s: the value does not fit its Avro type",
                   path);
}

/* ---- files ----------------------------------------------------------------------------- */

static enum nw_status write_all(struct nw_lake_file *f, const void *data, size_t len, char *errstr,
                                size_t errstr_size)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = write(f->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return nw_fail(NW_EIO, errstr, errstr_size, "%s: %s", f->path, strerror(errno));
        p += n;
        len -= (size_t)n;
        f->written += (uint64_t)n;
    }
    return NW_OK;
}

static enum nw_status zstd_flush_block(struct nw_lake_file *f, char *errstr, size_t errstr_size)
{
    struct nw_lake_codec *c = f->codec;
    size_t z;

    if (f->block_len == 0)
        return NW_OK;
    z = ZSTD_compress2(c->cctx, c->zbuf, c->zbuf_size, f->block, f->block_len);
    if (ZSTD_isError(z))
        return nw_fail(NW_EIO, errstr, errstr_size, "%s: zstd: %s", f->path, ZSTD_getErrorName(z));
    f->block_len = 0;
    return write_all(f, c->zbuf, z, errstr, errstr_size);
}

struct nw_lake_file *nw_lake_file_open(struct nw_lake_codec *codec, enum nw_lake_kind kind, int fd,
                                       const char *path, size_t avro_block, char *errstr,
                                       size_t errstr_size)
{
    struct nw_lake_file *f = nw_calloc(1, sizeof(*f));

    if (!f || !(f->path = nw_strdup(path))) {
        nw_free(f);
        close(fd);
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    f->codec = codec;
    f->kind = kind;
    f->fd = fd;
    if (codec->format == NW_LAKE_JSONL_ZST) {
        f->block = nw_malloc(NW_LAKE_ZSTD_BLOCK);
        if (!f->block) {
            nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
            goto fail;
        }
        return f;
    }
    f->fp = fdopen(fd, "wb");
    if (!f->fp) {
        nw_fail(NW_EIO, errstr, errstr_size, "%s: %s", path, strerror(errno));
        goto fail;
    }
    f->block_size = avro_block > NW_LAKE_AVRO_BLOCK ? avro_block : NW_LAKE_AVRO_BLOCK;
    if (avro_file_writer_create_with_codec_fp(f->fp, path, 0, codec->avro[kind].schema, &f->writer,
                                              codec->avro_codec, f->block_size)) {
        nw_fail(NW_EIO, errstr, errstr_size, "%s: avro: %s", path, avro_strerror());
        f->writer = NULL;
        goto fail;
    }
    if (avro_generic_value_new(codec->avro[kind].iface, &f->value)) {
        nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        goto fail;
    }
    f->have_value = 1;
    return f;
fail:
    nw_lake_file_destroy(f);
    return NULL;
}

enum nw_status nw_lake_file_append(struct nw_lake_file *f, const json_t *record, char *errstr,
                                   size_t errstr_size)
{
    enum nw_status result = NW_OK;

    if (f->codec->format == NW_LAKE_JSONL_ZST) {
        char *line = nw_record_dump(record);
        size_t len;
        if (!line)
            return nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
        len = strlen(line);
        /* A record larger than a block is a block (a frame) of its own. */
        if (f->block_len + len + 1 > NW_LAKE_ZSTD_BLOCK)
            result = zstd_flush_block(f, errstr, errstr_size);
        if (!result && len + 1 > NW_LAKE_ZSTD_BLOCK) {
            struct nw_lake_codec *c = f->codec;
            size_t bound = ZSTD_compressBound(len + 1);
            char *z = nw_malloc(bound);
            line[len] = '\n';
            if (!z) {
                result = nw_fail(NW_ENOMEM, errstr, errstr_size, "out of memory");
            } else {
                size_t zn = ZSTD_compress2(c->cctx, z, bound, line, len + 1);
                result = ZSTD_isError(zn) ? nw_fail(NW_EIO, errstr, errstr_size, "zstd: %s",
                                                    ZSTD_getErrorName(zn))
                                          : write_all(f, z, zn, errstr, errstr_size);
                nw_free(z);
            }
        } else if (!result) {
            memcpy(f->block + f->block_len, line, len);
            f->block[f->block_len + len] = '\n';
            f->block_len += len + 1;
        }
        free(line);
        return result;
    }
    avro_value_reset(&f->value);
    result = fill(&f->codec->avro[f->kind], &f->value, record, "(record)", errstr, errstr_size);
    if (result)
        return result;
    {
        size_t size = 0;
        /* avro-c refuses a record larger than its block (with room for the framing). */
        if (avro_value_sizeof(&f->value, &size) == 0 && size + 1024 > f->block_size) {
            f->needed = size + size / 8 + 65536;
            return nw_fail(NW_ETOOBIG, errstr, errstr_size,
                           "record of %zu bytes needs a bigger Avro block", size);
        }
    }
    if (avro_file_writer_append_value(f->writer, &f->value)) {
        int e = errno;
        return nw_fail(NW_EIO, errstr, errstr_size, "%s: avro: %s%s%s", f->path, avro_strerror(),
                       e ? ": " : "", e ? strerror(e) : "");
    }
    if (ferror(f->fp))
        return nw_fail(NW_EIO, errstr, errstr_size, "%s: %s", f->path, strerror(errno));
    return NW_OK;
}

size_t nw_lake_file_needed(const struct nw_lake_file *f)
{
    return f->needed;
}

uint64_t nw_lake_file_bytes(const struct nw_lake_file *f)
{
    if (f->codec->format == NW_LAKE_JSONL_ZST)
        return f->written + f->block_len;
    {
        long pos = ftell(f->fp);
        return pos > 0 ? (uint64_t)pos : 0;
    }
}

enum nw_status nw_lake_file_finish(struct nw_lake_file *f, char *errstr, size_t errstr_size)
{
    enum nw_status result = NW_OK;

    if (f->codec->format == NW_LAKE_JSONL_ZST) {
        result = zstd_flush_block(f, errstr, errstr_size);
        if (result)
            return result;
    } else {
        int rc = avro_file_writer_close(f->writer);
        f->writer = NULL;
        if (rc)
            return nw_fail(NW_EIO, errstr, errstr_size, "%s: avro: %s", f->path, avro_strerror());
        if (fflush(f->fp) != 0 || ferror(f->fp))
            return nw_fail(NW_EIO, errstr, errstr_size, "%s: %s", f->path, strerror(errno));
    }
    if (fsync(f->fd) != 0)
        return nw_fail(NW_EIO, errstr, errstr_size, "%s: fsync: %s", f->path, strerror(errno));
    return NW_OK;
}

void nw_lake_file_destroy(struct nw_lake_file *f)
{
    if (!f)
        return;
    if (f->writer)
        avro_file_writer_close(f->writer);
    if (f->have_value)
        avro_value_decref(&f->value);
    if (f->fp)
        fclose(f->fp); /* closes fd */
    else if (f->fd >= 0)
        close(f->fd);
    nw_free(f->block);
    nw_free(f->path);
    nw_free(f);
}
