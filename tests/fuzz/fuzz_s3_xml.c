/*
 * fuzz_s3_xml.c — libFuzzer target for S3's XML answers (an endpoint we are configured to
 * trust can still be broken, or a proxy in between can answer anything). Reads the root
 * name, the fields the uploader uses and a listing's keys; out buffers must stay NUL-terminated and
 * clean of control characters. See tests/CMakeLists.txt for how it is built.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "s3_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *out, size_t out_size)
{
    size_t n = strnlen(out, out_size);

    if (n >= out_size)
        abort();
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)out[i] < 0x20)
            abort();
    }
}

static int on_key(void *ctx, const char *key)
{
    size_t *n = ctx;

    if (!key || !key[0])
        abort(); /* empty keys are skipped */
    (*n)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *xml = (const char *)data;
    char small[8], big[512];

    nw_s3_xml_root(xml, size, small, sizeof(small));
    check(small, sizeof(small));
    nw_s3_xml_text(xml, size, "Error", "Code", small, sizeof(small));
    check(small, sizeof(small));
    nw_s3_xml_text(xml, size, "Error", "Message", big, sizeof(big));
    check(big, sizeof(big));
    nw_s3_xml_text(xml, size, "InitiateMultipartUploadResult", "UploadId", big, sizeof(big));
    check(big, sizeof(big));
    {
        size_t n = 0;
        int truncated = 0;
        if (nw_s3_xml_list(xml, size, on_key, &n, &truncated, small, sizeof(small)) == NW_OK) {
            check(small, sizeof(small));
            if (truncated && !small[0])
                abort(); /* a truncated listing is only OK with a token to follow */
        }
    }
    return 0;
}

#include "replay_main.h"
