/* cmd_watch.c — `newsworker watch`: feed and sitemap monitoring (not built yet). */
#include <stdio.h>

#include "commands.h"

int nw_cmd_watch(struct nw_config *cfg, int argc, char **argv)
{
    fprintf(stderr, "newsworker watch: feed monitoring is not implemented in this version; "
                    "feed URLs can be given to `newsworker fetch` meanwhile\n");
    return NW_EXIT_USAGE;
}
