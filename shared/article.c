/* article.c — life cycle of struct nw_article. */
#include "article.h"

#include <string.h>

#include "mem.h"
#include "record.h"

void nw_article_init(struct nw_article *art)
{
    memset(art, 0, sizeof(*art));
}

void nw_article_fini(struct nw_article *art)
{
    if (!art)
        return;
    nw_free(art->url);
    nw_free(art->final_url);
    nw_free(art->canonical_url);
    nw_free(art->domain);
    nw_free(art->fetched_at);
    nw_free(art->http.content_type);
    nw_free(art->http.charset);
    nw_free(art->http.etag);
    nw_free(art->http.last_modified);
    nw_free(art->title);
    json_decref(art->authors);
    nw_free(art->published_at);
    nw_free(art->modified_at);
    nw_free(art->site_name);
    nw_free(art->description);
    nw_free(art->image);
    nw_free(art->section);
    json_decref(art->tags);
    nw_free(art->declared_language);
    nw_free(art->language);
    nw_free(art->text);
    json_decref(art->entities);
    json_decref(art->dateline);
    json_decref(art->quotes);
    json_decref(art->amounts);
    json_decref(art->keywords);
    nw_free(art->summary);
    json_decref(art->job);
    json_decref(art->warc);
    json_decref(art->warnings);
    memset(art, 0, sizeof(*art));
}

enum nw_status nw_article_setn(char **field, const char *value, size_t len)
{
    char *copy = NULL;

    if (value) {
        copy = nw_strndup(value, len);
        if (!copy)
            return NW_ENOMEM;
    }
    nw_free(*field);
    *field = copy;
    return NW_OK;
}

enum nw_status nw_article_set(char **field, const char *value)
{
    return nw_article_setn(field, value, value ? strlen(value) : 0);
}

enum nw_status nw_article_warn(struct nw_article *art, const char *note)
{
    if (!art->warnings) {
        art->warnings = json_array();
        if (!art->warnings)
            return NW_ENOMEM;
    }
    /* nw_json_string repairs invalid UTF-8, so only a failed allocation fails here. */
    return json_array_append_new(art->warnings, nw_json_string(note)) ? NW_ENOMEM : NW_OK;
}
