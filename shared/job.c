/* job.c — url job lines: a bare URL or a JSON object. */
#include "job.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "mem.h"
#include "url.h"

void nw_job_fini(struct nw_job *job)
{
    if (!job)
        return;
    nw_free(job->url);
    nw_free(job->html);
    nw_free(job->text);
    nw_free(job->warc_file);
    json_decref(job->meta);
    json_decref(job->raw);
    memset(job, 0, sizeof(*job));
}

/* Checks that url is an absolute http, https or file URL. */
static enum nw_status check_url(const char *url, char *errstr, size_t errstr_size)
{
    enum nw_status result;
    char *scheme = NULL;

    if (strlen(url) > NW_URL_MAX_BYTES)
        return nw_fail(NW_EINVAL, errstr, errstr_size, "URL is %zu bytes, over the %d-byte limit",
                       strlen(url), NW_URL_MAX_BYTES);
    result = nw_url_scheme(url, &scheme);
    nw_free(scheme);
    if (result == NW_EUNSUPPORTED)
        return nw_fail(NW_EINVAL, errstr, errstr_size,
                       "url '%.200s' has a scheme other than http, https or file", url);
    if (result == NW_ENOMEM)
        return result;
    if (result)
        return nw_fail(NW_EINVAL, errstr, errstr_size, "'%.200s' is not an absolute URL", url);
    return NW_OK;
}

static enum nw_status copy_string_field(json_t *obj, const char *key, char **out, size_t *out_len,
                                        char *errstr, size_t errstr_size)
{
    json_t *v = json_object_get(obj, key);

    if (!v || json_is_null(v))
        return NW_OK;
    if (!json_is_string(v))
        return nw_fail(NW_EINVAL, errstr, errstr_size, "job field '%s' must be a string", key);
    *out = nw_strndup(json_string_value(v), json_string_length(v));
    if (!*out)
        return NW_ENOMEM;
    if (out_len)
        *out_len = strlen(*out); /* an embedded NUL ends the content */
    return NW_OK;
}

/* "warc": {"file": "...", "offset": N}. Other keys in it are ignored (passed through). */
static enum nw_status parse_warc(json_t *v, struct nw_job *job, char *errstr, size_t errstr_size)
{
    json_t *file = json_object_get(v, "file"), *offset = json_object_get(v, "offset");

    if (!json_is_object(v))
        return nw_fail(NW_EINVAL, errstr, errstr_size, "job field 'warc' must be an object");
    if (!json_is_string(file) || json_string_length(file) == 0)
        return nw_fail(NW_EINVAL, errstr, errstr_size,
                       "job field 'warc' has no string field 'file'");
    if (json_string_length(file) > NW_JOB_WARC_FILE_MAX ||
        strlen(json_string_value(file)) != json_string_length(file))
        return nw_fail(NW_EINVAL, errstr, errstr_size,
                       "job field 'warc.file' is over %d bytes or holds a NUL",
                       NW_JOB_WARC_FILE_MAX);
    if (!json_is_integer(offset) || json_integer_value(offset) < 0)
        return nw_fail(NW_EINVAL, errstr, errstr_size,
                       "job field 'warc.offset' must be an integer >= 0");
    job->warc_offset = (unsigned long long)json_integer_value(offset);
    job->warc_file = nw_strdup(json_string_value(file));
    return job->warc_file ? NW_OK : NW_ENOMEM;
}

static enum nw_status parse_object(const char *s, size_t len, struct nw_job *job, char *errstr,
                                   size_t errstr_size)
{
    enum nw_status result;
    json_error_t jerr;
    json_t *obj, *v;

    /* DECODE_ANY: a JSON string or array is valid JSON, just not a job; say so. */
    obj = json_loadb(s, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!obj)
        return nw_fail(NW_EINVAL, errstr, errstr_size, "invalid JSON at column %d: %s", jerr.column,
                       jerr.text);
    job->raw = obj;
    if (!json_is_object(obj))
        return nw_fail(NW_EINVAL, errstr, errstr_size, "a JSON job must be an object");
    v = json_object_get(obj, "warc");
    if (v && !json_is_null(v)) {
        result = parse_warc(v, job, errstr, errstr_size);
        if (result)
            return result;
    }
    v = json_object_get(obj, "url");
    if (job->warc_file && (!v || json_is_null(v))) {
        /* the archived record's WARC-Target-URI names the page */
    } else if (!json_is_string(v) || json_string_length(v) == 0) {
        return nw_fail(NW_EINVAL, errstr, errstr_size, "job has no string field 'url'");
    } else {
        job->url = nw_strdup(json_string_value(v));
        if (!job->url)
            return NW_ENOMEM;
    }
    v = json_object_get(obj, "meta");
    if (v && !json_is_null(v)) {
        if (!json_is_object(v))
            return nw_fail(NW_EINVAL, errstr, errstr_size, "job field 'meta' must be an object");
        job->meta = json_incref(v);
    }
    v = json_object_get(obj, "priority");
    if (v && !json_is_null(v)) {
        if (!json_is_integer(v) || json_integer_value(v) < INT_MIN ||
            json_integer_value(v) > INT_MAX)
            return nw_fail(NW_EINVAL, errstr, errstr_size,
                           "job field 'priority' must be a 32-bit integer");
        job->priority = (int)json_integer_value(v);
    }
    result = copy_string_field(obj, "html", &job->html, &job->html_len, errstr, errstr_size);
    if (!result)
        result = copy_string_field(obj, "text", &job->text, &job->text_len, errstr, errstr_size);
    if (!result && job->warc_file && (job->html || job->text))
        result = nw_fail(NW_EINVAL, errstr, errstr_size,
                         "a job gives at most one of 'html', 'text' and 'warc'");
    return result;
}

enum nw_status nw_job_parse(const char *line, size_t len, size_t max_bytes, struct nw_job *job,
                            char *errstr, size_t errstr_size)
{
    enum nw_status result;

    memset(job, 0, sizeof(*job));
    if (len > max_bytes)
        return nw_fail(NW_ETOOBIG, errstr, errstr_size, "job of %zu bytes exceeds %zu", len,
                       max_bytes);
    while (len && isspace((unsigned char)*line)) {
        line++;
        len--;
    }
    while (len && isspace((unsigned char)line[len - 1]))
        len--;
    if (!len)
        return nw_fail(NW_EINVAL, errstr, errstr_size, "empty job line");
    if (memchr(line, '\0', len))
        return nw_fail(NW_EINVAL, errstr, errstr_size, "job line contains a NUL byte");
    if (line[0] == '{' || line[0] == '[' || line[0] == '"') {
        result = parse_object(line, len, job, errstr, errstr_size);
    } else {
        job->url = nw_strndup(line, len);
        result = job->url ? NW_OK : NW_ENOMEM;
        if (!result) {
            job->raw = json_object();
            if (!job->raw || json_object_set_new(job->raw, "url", json_stringn(line, len)))
                result = nw_fail(NW_EINVAL, errstr, errstr_size, "job is not valid UTF-8");
        }
    }
    if (!result && job->url)
        result = check_url(job->url, errstr, errstr_size);
    if (result)
        nw_job_fini(job);
    return result;
}

char *nw_job_url_of_bad_line(const char *line)
{
    const char *s = line + strspn(line, " \t\r\n");
    size_t n = strlen(s);
    json_t *o, *url;
    char *out = NULL;

    while (n > 0 && strchr(" \t\r\n", s[n - 1]))
        n--;
    if (n > 0 && s[0] == '{') {
        o = json_loadb(s, n, JSON_DECODE_ANY, NULL);
        url = json_object_get(o, "url");
        if (json_is_string(url) && json_string_length(url) > 0)
            out = nw_strndup(json_string_value(url), json_string_length(url));
        json_decref(o);
        return out;
    }
    if (n > 3 && !memchr(s, ' ', n) && !memchr(s, '\t', n) && strstr(s, "://"))
        out = nw_strndup(s, n);
    return out;
}
