/*
 * commands.h — the subcommands of the newsworker binary. main.c parses the common options
 * (-c, -o, --help, --version), builds the configuration and hands each command its own
 * remaining arguments. Each returns the process exit code: 0 done, 1 runtime failure,
 * 2 usage or config error.
 */
#ifndef NW_COMMANDS_H
#define NW_COMMANDS_H

#include "config.h"

#define NW_EXIT_OK 0
#define NW_EXIT_FAILURE 1
#define NW_EXIT_USAGE 2

int nw_cmd_extract(struct nw_config *cfg, int argc, char **argv);
int nw_cmd_fetch(struct nw_config *cfg, int argc, char **argv);
int nw_cmd_run(struct nw_config *cfg, int argc, char **argv);
int nw_cmd_watch(struct nw_config *cfg, int argc, char **argv);

#endif
