/* cmd_fetch.c — placeholder while the fetch command is written (replaced by its owner). */
#include <stdio.h>

#include "commands.h"

int nw_cmd_fetch(struct nw_config *cfg, int argc, char **argv)
{
    fprintf(stderr, "newsworker fetch: not implemented yet\n");
    return NW_EXIT_USAGE;
}
