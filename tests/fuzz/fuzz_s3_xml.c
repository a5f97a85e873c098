/*
 * fuzz_s3_xml.c — libFuzzer target for S3's XML answers (an endpoint we are configured to
 * trust can still be broken, or a proxy in between can answer anything). Reads the root
 * name and the fields the uploader uses; out buffers must stay NUL-terminated and clean
 * of control characters. See tests/CMakeLists.txt for how it is built.
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
    return 0;
}

#include "replay_main.h"
