/*
 * bench_produce — producer records per second alone, with newsworker's producer settings
 * (idempotent, zstd, linger.ms 5, key + schema/content-type headers, delivery reports).
 *
 *   bench_produce BOOTSTRAP TOPIC COUNT RECORD_FILE
 *
 * RECORD_FILE holds one record (e.g. an article record line); it is sent COUNT times with
 * distinct keys. Prints records/s and MB/s counted at the last delivery report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

static long delivered, failed;

static void on_dr(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
    if (msg->err)
        failed++;
    else
        delivered++;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    static char value[1 << 20];
    char errstr[512], key[48];
    rd_kafka_conf_t *conf;
    rd_kafka_t *rk;
    size_t len;
    long count;
    double t0, t1;
    FILE *f;

    if (argc != 5) {
        fprintf(stderr, "usage: bench_produce BOOTSTRAP TOPIC COUNT RECORD_FILE\n");
        return 2;
    }
    count = strtol(argv[3], NULL, 10);
    f = fopen(argv[4], "rb");
    if (!f || count <= 0) {
        fprintf(stderr, "bench_produce: bad count or file\n");
        return 2;
    }
    len = fread(value, 1, sizeof(value), f);
    fclose(f);
    while (len && (value[len - 1] == '\n'))
        len--;
    conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], NULL, 0);
    rd_kafka_conf_set(conf, "enable.idempotence", "true", NULL, 0);
    rd_kafka_conf_set(conf, "compression.codec", "zstd", NULL, 0);
    rd_kafka_conf_set(conf, "linger.ms", "5", NULL, 0);
    rd_kafka_conf_set_dr_msg_cb(conf, on_dr);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!rk) {
        fprintf(stderr, "bench_produce: %s\n", errstr);
        return 1;
    }
    t0 = now_s();
    for (long i = 0; i < count; i++) {
        rd_kafka_resp_err_t err;
        snprintf(key, sizeof(key), "%040ld", i);
        for (;;) {
            rd_kafka_headers_t *h = rd_kafka_headers_new(2);
            rd_kafka_header_add(h, "schema", -1, "newsworker.article/1", -1);
            rd_kafka_header_add(h, "content-type", -1, "application/json", -1);
            err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(argv[2]),
                                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                    RD_KAFKA_V_KEY(key, strlen(key)), RD_KAFKA_V_VALUE(value, len),
                                    RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_END);
            if (!err)
                break;
            rd_kafka_headers_destroy(h);
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                fprintf(stderr, "bench_produce: %s\n", rd_kafka_err2str(err));
                return 1;
            }
            rd_kafka_poll(rk, 10);
        }
        rd_kafka_poll(rk, 0);
    }
    rd_kafka_flush(rk, 60000);
    t1 = now_s();
    printf("producer alone: %ld records of %zu bytes in %.2f s: %.0f records/s, %.1f MB/s "
           "(%ld failed)\n",
           delivered, len, t1 - t0, (double)delivered / (t1 - t0),
           (double)delivered * (double)len / (t1 - t0) / 1e6, failed);
    rd_kafka_destroy(rk);
    return failed ? 1 : 0;
}
