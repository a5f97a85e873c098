/* cmd_run.c — placeholder while the run command is written (replaced by its owner). */
#include <stdio.h>

#include "commands.h"

int nw_cmd_run(struct nw_config *cfg, int argc, char **argv)
{
    fprintf(stderr, "newsworker run: not implemented yet\n");
    return NW_EXIT_USAGE;
}
