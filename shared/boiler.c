/* boiler.c — removal of leftover lines from extracted article text. */
#include "boiler.h"

#include <string.h>

#include "mem.h"

enum nw_status nw_boiler_strip(const char *text, size_t len, const char *title, char **out,
                               size_t *out_len)
{
    (void)title;
    *out = nw_strndup(text ? text : "", text ? len : 0);
    if (!*out)
        return NW_ENOMEM;
    *out_len = strlen(*out);
    return NW_OK;
}
