/* test_s3_xml.c — fields read from S3's XML answers (errors, multipart upload ids). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "s3_xml.h"

static void test_error_fields(void **state)
{
    const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<Error><Code>SlowDown</Code><Message>Please reduce\nyour request "
                      "rate.</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>";
    char code[64], msg[64], root[16];

    (void)state;
    assert_int_equal(nw_s3_xml_root(xml, strlen(xml), root, sizeof(root)), NW_OK);
    assert_string_equal(root, "Error");
    assert_int_equal(nw_s3_xml_text(xml, strlen(xml), "Error", "Code", code, sizeof(code)), NW_OK);
    assert_string_equal(code, "SlowDown");
    assert_int_equal(nw_s3_xml_text(xml, strlen(xml), "Error", "Message", msg, sizeof(msg)), NW_OK);
    /* the newline becomes a space: the text goes into one log line */
    assert_string_equal(msg, "Please reduce your request rate.");
}

static void test_upload_id_with_namespace(void **state)
{
    const char *xml = "<InitiateMultipartUploadResult "
                      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>b</Bucket>"
                      "<Key>k</Key><UploadId>abc.DEF-123_~</UploadId>"
                      "</InitiateMultipartUploadResult>";
    char id[64];

    (void)state;
    assert_int_equal(nw_s3_xml_text(xml, strlen(xml), "InitiateMultipartUploadResult", "UploadId",
                                    id, sizeof(id)),
                     NW_OK);
    assert_string_equal(id, "abc.DEF-123_~");
}

static void test_missing_and_truncated(void **state)
{
    const char *xml = "<Error><Code>AccessDenied</Code></Error>";
    char out[7];

    (void)state;
    assert_int_equal(nw_s3_xml_text(xml, strlen(xml), "Error", "Message", out, sizeof(out)),
                     NW_EINVAL);
    assert_string_equal(out, "");
    assert_int_equal(nw_s3_xml_text(xml, strlen(xml), "Other", "Code", out, sizeof(out)),
                     NW_EINVAL);
    assert_int_equal(nw_s3_xml_text(xml, strlen(xml), "Error", "Code", out, sizeof(out)), NW_OK);
    assert_string_equal(out, "Access"); /* cut to fit, still terminated */
}

static void test_not_xml(void **state)
{
    const char *html = "<html><body>502 Bad Gateway";
    char out[32];

    (void)state;
    assert_int_equal(nw_s3_xml_text("", 0, "Error", "Code", out, sizeof(out)), NW_EPARSE);
    assert_int_equal(nw_s3_xml_text("oops", 4, "Error", "Code", out, sizeof(out)), NW_EPARSE);
    assert_int_equal(nw_s3_xml_root(html, strlen(html), out, sizeof(out)), NW_EPARSE);
    assert_int_equal(nw_s3_xml_text(NULL, 0, "Error", "Code", out, sizeof(out)), NW_EPARSE);
}

static void test_no_external_entities(void **state)
{
    const char *xml = "<!DOCTYPE Error [<!ENTITY ext SYSTEM \"file:///etc/hostname\">]>"
                      "<Error><Code>X&ext;</Code></Error>";
    char out[64];

    (void)state;
    /* an external entity is never loaded: the code is not the file's content */
    if (nw_s3_xml_text(xml, strlen(xml), "Error", "Code", out, sizeof(out)) == NW_OK)
        assert_string_equal(out, "X");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_fields),
        cmocka_unit_test(test_upload_id_with_namespace),
        cmocka_unit_test(test_missing_and_truncated),
        cmocka_unit_test(test_not_xml),
        cmocka_unit_test(test_no_external_entities),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
