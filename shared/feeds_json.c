/* feeds_json.c — JSON Feed 1.0 / 1.1 as a stream of yajl events: items are added as their
 * objects close, so memory is the kept items plus yajl's token buffer, never the document's
 * tree. */
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "feeds_int.h"
#include "mem.h"

#define MAX_DEPTH 64 /* nested arrays and objects followed; deeper is refused */

enum top_key { T_OTHER, T_VERSION, T_TITLE, T_ITEMS };
enum item_key { I_OTHER, I_URL, I_EXTERNAL_URL, I_ID, I_TITLE, I_PUBLISHED, I_MODIFIED };

struct json_parser {
    struct nw_feeds_run *run;
    yajl_handle h;
    int depth;      /* open arrays and objects */
    int started;    /* the top-level value began */
    int top_closed; /* the top-level object ended */
    int not_object; /* the document is not a JSON object */
    int version;    /* 1 jsonfeed version seen, -1 another version */
    int in_items;   /* inside the top-level "items" array */
    int in_item;    /* inside one of its objects */
    int stopped;
    enum top_key top;
    enum item_key key;
    char *url, *external_url, *id, *title, *published, *modified;
    int url_bad; /* the item's url or external_url was refused */
    char error[160];
};

static void item_reset(struct json_parser *j)
{
    nw_free(j->url);
    nw_free(j->external_url);
    nw_free(j->id);
    nw_free(j->title);
    nw_free(j->published);
    nw_free(j->modified);
    j->url = j->external_url = j->id = j->title = j->published = j->modified = NULL;
    j->url_bad = 0;
}

static int open_container(struct json_parser *j, int is_map)
{
    if (!j->started && !is_map) {
        j->not_object = 1;
        return 0;
    }
    j->started = 1;
    if (++j->depth > MAX_DEPTH) {
        snprintf(j->error, sizeof(j->error), "nested deeper than %d levels", MAX_DEPTH);
        return 0;
    }
    if (is_map && j->in_items && j->depth == 3)
        j->in_item = 1;
    else if (!is_map && j->depth == 2 && j->top == T_ITEMS)
        j->in_items = 1;
    return 1;
}

static int on_start_map(void *ctx)
{
    return open_container(ctx, 1);
}

static int on_start_array(void *ctx)
{
    return open_container(ctx, 0);
}

static int close_container(struct json_parser *j)
{
    if (j->in_item && j->depth == 3) {
        struct nw_feeds_run *run = j->run;
        char *url = NULL, *date;
        j->in_item = 0;
        /* url, else external_url; a url that could not be kept drops the item. */
        if (nw_feeds_full(run)) {
            run->feed->dropped++;
        } else if (!j->url_bad) {
            url = j->url ? j->url : j->external_url;
            if (url == j->url)
                j->url = NULL;
            else
                j->external_url = NULL;
        }
        date = j->published ? nw_feeds_date_copy(j->published, strlen(j->published)) : NULL;
        if (!date && j->modified)
            date = nw_feeds_date_copy(j->modified, strlen(j->modified));
        nw_feeds_add_item(run, url, j->id, j->title, date);
        j->id = j->title = NULL;
        item_reset(j);
    } else if (j->in_items && j->depth == 2) {
        j->in_items = 0;
    }
    if (--j->depth == 0)
        j->top_closed = 1;
    return !j->run->oom;
}

static int on_end(void *ctx)
{
    return close_container(ctx);
}

static int key_is(const unsigned char *k, size_t n, const char *name)
{
    return n == strlen(name) && !memcmp(k, name, n);
}

static int on_key(void *ctx, const unsigned char *k, size_t n)
{
    struct json_parser *j = ctx;

    if (j->depth == 1) {
        j->top = key_is(k, n, "version") ? T_VERSION
                 : key_is(k, n, "title") ? T_TITLE
                 : key_is(k, n, "items") ? T_ITEMS
                                         : T_OTHER;
    } else if (j->in_item && j->depth == 3) {
        j->key = key_is(k, n, "url")              ? I_URL
                 : key_is(k, n, "external_url")   ? I_EXTERNAL_URL
                 : key_is(k, n, "id")             ? I_ID
                 : key_is(k, n, "title")          ? I_TITLE
                 : key_is(k, n, "date_published") ? I_PUBLISHED
                 : key_is(k, n, "date_modified")  ? I_MODIFIED
                                                  : I_OTHER;
    }
    return 1;
}

/* Keeps a copy in *slot if it is empty: URLs whole (nw_feeds_keep_url judges them), other
 * strings folded and bounded. */
static void keep(struct json_parser *j, char **slot, const char *s, size_t n, size_t max)
{
    (void)j;
    if (!*slot)
        *slot = nw_feeds_clean_copy(s, n, max);
}

/* URLs are judged whole where they stand (a NUL or control byte refuses them). */
static void keep_url(struct json_parser *j, char **slot, const char *s, size_t n)
{
    if (*slot || j->url_bad || nw_feeds_full(j->run))
        return;
    *slot = nw_feeds_keep_url(j->run, j->run->base, s, n);
    if (!*slot)
        j->url_bad = 1;
}

static int on_scalar_text(struct json_parser *j, const char *s, size_t n, int is_string)
{
    if (!j->started) {
        j->not_object = 1;
        return 0;
    }
    if (j->depth == 1 && is_string) {
        if (j->top == T_VERSION && !j->version)
            j->version = n > 29 && !memcmp(s, "https://jsonfeed.org/version/", 29) ? 1 : -1;
        else if (j->top == T_TITLE && !j->run->feed->title)
            j->run->feed->title = nw_feeds_clean_copy(s, n, NW_FEEDS_MAX_TITLE);
        if (j->version < 0) {
            snprintf(j->error, sizeof(j->error), "not a JSON Feed: version is not jsonfeed.org's");
            return 0;
        }
    } else if (j->in_item && j->depth == 3) {
        switch (j->key) {
        case I_URL:
            if (is_string)
                keep_url(j, &j->url, s, n);
            break;
        case I_EXTERNAL_URL:
            if (is_string)
                keep_url(j, &j->external_url, s, n);
            break;
        case I_ID: /* a string in 1.1; 1.0 feeds also wrote numbers */
            keep(j, &j->id, s, n, NW_FEEDS_MAX_GUID);
            break;
        case I_TITLE:
            if (is_string)
                keep(j, &j->title, s, n, NW_FEEDS_MAX_TITLE);
            break;
        case I_PUBLISHED:
            if (is_string && n <= NW_FEEDS_MAX_DATE)
                keep(j, &j->published, s, n, NW_FEEDS_MAX_DATE);
            break;
        case I_MODIFIED:
            if (is_string && n <= NW_FEEDS_MAX_DATE)
                keep(j, &j->modified, s, n, NW_FEEDS_MAX_DATE);
            break;
        case I_OTHER:
            break;
        }
    }
    return !j->run->oom;
}

static int on_string(void *ctx, const unsigned char *s, size_t n)
{
    return on_scalar_text(ctx, (const char *)s, n, 1);
}

static int on_number(void *ctx, const char *s, size_t n)
{
    return on_scalar_text(ctx, s, n, 0);
}

static int on_null(void *ctx)
{
    return on_scalar_text(ctx, "", 0, 0);
}

static int on_bool(void *ctx, int b)
{
    (void)b;
    return on_scalar_text(ctx, "", 0, 0);
}

static void note_error(struct json_parser *j, const unsigned char *data, size_t len)
{
    unsigned char *msg;

    if (j->error[0])
        return;
    msg = yajl_get_error(j->h, 0, data, len);
    snprintf(j->error, sizeof(j->error), "%s", msg ? (const char *)msg : "JSON syntax error");
    if (msg)
        yajl_free_error(j->h, msg);
}

static int json_feed(void *state, const char *data, size_t len)
{
    struct json_parser *j = state;

    if (j->stopped)
        return 1;
    if (yajl_parse(j->h, (const unsigned char *)data, len) != yajl_status_ok) {
        note_error(j, (const unsigned char *)data, len);
        j->stopped = 1;
    }
    return j->stopped || j->run->oom;
}

static enum nw_status json_finish(void *state)
{
    struct json_parser *j = state;
    struct nw_feeds_run *run = j->run;

    if (!j->stopped && yajl_complete_parse(j->h) != yajl_status_ok) {
        note_error(j, NULL, 0);
        j->stopped = 1;
    }
    if (run->oom)
        return NW_ENOMEM;
    if (j->not_object)
        return nw_fail(NW_EPARSE, run->errstr, run->errstr_size, "not a JSON Feed: not an object");
    if (j->version <= 0)
        return nw_fail(NW_EPARSE, run->errstr, run->errstr_size, "not a JSON Feed: %s",
                       j->version < 0 || !j->stopped ? "no jsonfeed version" : j->error);
    if (j->stopped && !j->top_closed)
        nw_feeds_partial(run, "JSON parsing stopped: %s", j->error);
    return NW_OK;
}

static void json_destroy(void *state)
{
    struct json_parser *j = state;

    if (!j)
        return;
    if (j->h)
        yajl_free(j->h);
    item_reset(j);
    nw_free(j);
}

enum nw_status nw_feeds_json_create(struct nw_feeds_run *run, struct nw_feeds_parser *out)
{
    static const yajl_callbacks callbacks = {
        .yajl_null = on_null,
        .yajl_boolean = on_bool,
        .yajl_number = on_number,
        .yajl_string = on_string,
        .yajl_start_map = on_start_map,
        .yajl_map_key = on_key,
        .yajl_end_map = on_end,
        .yajl_start_array = on_start_array,
        .yajl_end_array = on_end,
    };
    struct json_parser *j = nw_calloc(1, sizeof(*j));

    if (!j)
        return NW_ENOMEM;
    j->run = run;
    j->h = yajl_alloc(&callbacks, NULL, j);
    if (!j->h) {
        json_destroy(j);
        return NW_ENOMEM;
    }
    yajl_config(j->h, yajl_allow_trailing_garbage, 1);
    run->feed->kind = NW_FEED_JSON;
    out->state = j;
    out->feed = json_feed;
    out->finish = json_finish;
    out->destroy = json_destroy;
    return NW_OK;
}
