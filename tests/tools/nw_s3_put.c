/*
 * nw_s3_put.c — test driver for worker/s3.c: uploads files the way the lake sink does when
 * a lake file is closed, with the configuration from -o options (and NEWSWORKER_*
 * variables, and the AWS_* credentials variables).
 *
 *   nw_s3_put [-o key=value]... [--check] [LOCAL KEY]...
 *
 * --check runs nw_s3_check first. Each LOCAL file is uploaded under KEY (after
 * output.s3.prefix) and, as the lake sink does, removed once the upload is confirmed
 * unless output.s3.keep_local=true; a file whose upload failed is always kept.
 * Prints "files=N failures=N requests=N retries=N bytes=N" on stdout at the end.
 * Exit: 0 all uploaded, 1 an upload or the check failed at run time, 2 configuration
 * refused (by nw_s3_create or, for credentials and bucket, by nw_s3_check).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "s3.h"

extern char **environ;

static int usage(void)
{
    fprintf(stderr, "usage: nw_s3_put [-o key=value]... [--check] [LOCAL KEY]...\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct nw_config *cfg = nw_config_create();
    struct nw_s3 *s3 = NULL;
    struct nw_s3_stats st;
    enum nw_log_level level;
    char errstr[2048];
    int check = 0, rc = 0, first_file = argc;

    if (!cfg)
        return 1;
    if (nw_config_load_env(cfg, environ, NULL, 0, errstr, sizeof(errstr)) != NW_OK) {
        fprintf(stderr, "nw_s3_put: %s\n", errstr);
        rc = 2;
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            if (nw_config_set_pair(cfg, argv[++i], errstr, sizeof(errstr)) != NW_OK) {
                fprintf(stderr, "nw_s3_put: %s\n", errstr);
                rc = 2;
                goto out;
            }
        } else if (strcmp(argv[i], "--check") == 0) {
            check = 1;
        } else if (argv[i][0] == '-') {
            rc = usage();
            goto out;
        } else {
            first_file = i;
            break;
        }
    }
    if (nw_log_level_parse(nw_config_get(cfg, "log.level"), &level) == 0)
        nw_log_set_level(level);
    s3 = nw_s3_create(cfg, errstr, sizeof(errstr));
    if (!s3) {
        fprintf(stderr, "nw_s3_put: %s\n", errstr);
        rc = 2;
        goto out;
    }
    if (check) {
        enum nw_status result = nw_s3_check(s3, errstr, sizeof(errstr));
        if (result != NW_OK) {
            fprintf(stderr, "nw_s3_put: %s\n", errstr);
            rc = result == NW_ECONFIG ? 2 : 1;
            goto out;
        }
    }
    if ((argc - first_file) % 2 != 0) {
        rc = usage();
        goto out;
    }
    for (int i = first_file; i + 1 < argc; i += 2) {
        const char *local = argv[i], *key = argv[i + 1];

        if (nw_s3_put_file(s3, local, key, errstr, sizeof(errstr)) != NW_OK) {
            fprintf(stderr, "nw_s3_put: %s\n", errstr);
            rc = 1;
            continue;
        }
        if (!nw_s3_keep_local(s3) && unlink(local) != 0)
            perror(local);
    }
out:
    nw_s3_get_stats(s3, &st);
    printf("files=%" PRIu64 " failures=%" PRIu64 " requests=%" PRIu64 " retries=%" PRIu64
           " bytes=%" PRIu64 "\n",
           st.files, st.failures, st.requests, st.retries, st.bytes);
    nw_s3_destroy(s3);
    nw_config_destroy(cfg);
    return rc;
}
