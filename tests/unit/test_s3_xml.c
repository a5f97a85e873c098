/* test_s3_xml.c — fields read from S3's XML answers (errors, multipart upload ids, listings). */
#include <stdarg.h>
#include <stdio.h>
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

struct keys {
    char got[8][64];
    int n, stop_at;
};

static int on_key(void *ctx, const char *key)
{
    struct keys *k = ctx;

    if (k->n < 8)
        snprintf(k->got[k->n], sizeof(k->got[0]), "%s", key);
    k->n++;
    return k->stop_at && k->n >= k->stop_at;
}

static void test_list_keys_and_token(void **state)
{
    static const char xml[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<Name>lake</Name><Prefix>articles/</Prefix><KeyCount>2</KeyCount>"
        "<IsTruncated>true</IsTruncated>"
        "<Contents><Key>articles/dt=2026-12-06/hour=14/articles+t+0+0000000005.avro</Key>"
        "<Size>10</Size></Contents>"
        "<Contents><ETag>\"x\"</ETag><Key>articles/a&amp;b.jsonl.zst</Key></Contents>"
        "<Contents><Size>3</Size></Contents>" /* no Key: skipped */
        "<NextContinuationToken>1/abc+=</NextContinuationToken></ListBucketResult>";
    struct keys k = {0};
    char token[64];
    int truncated = 0;

    (void)state;
    assert_int_equal(nw_s3_xml_list(xml, strlen(xml), on_key, &k, &truncated, token, sizeof(token)),
                     NW_OK);
    assert_int_equal(k.n, 2);
    assert_string_equal(k.got[0], "articles/dt=2026-12-06/hour=14/articles+t+0+0000000005.avro");
    assert_string_equal(k.got[1], "articles/a&b.jsonl.zst");
    assert_int_equal(truncated, 1);
    assert_string_equal(token, "1/abc+=");

    /* the callback stops the walk */
    memset(&k, 0, sizeof(k));
    k.stop_at = 1;
    assert_int_equal(nw_s3_xml_list(xml, strlen(xml), on_key, &k, &truncated, token, sizeof(token)),
                     NW_OK);
    assert_int_equal(k.n, 1);

    /* a token that does not fit cannot be followed */
    memset(&k, 0, sizeof(k));
    assert_int_equal(nw_s3_xml_list(xml, strlen(xml), on_key, &k, &truncated, token, 4), NW_EINVAL);

    /* nor one holding a control character (found by fuzz_s3_xml: a newline from mixed
     * content): an opaque token cannot be cleaned, so the listing is refused */
    {
        static const char nl[] = "<ListBucketResult><IsTruncated>true</IsTruncated>"
                                 "<NextContinuationToken>1<x/>\n2</NextContinuationToken>"
                                 "</ListBucketResult>";
        token[0] = 'x';
        assert_int_equal(
            nw_s3_xml_list(nl, strlen(nl), on_key, &k, &truncated, token, sizeof(token)),
            NW_EINVAL);
        assert_null(memchr(token, '\n', strnlen(token, sizeof(token))));
    }
}

static void test_list_last_page_and_bad(void **state)
{
    static const char last[] = "<ListBucketResult><IsTruncated>false</IsTruncated>"
                               "<Contents><Key>errors/x</Key></Contents></ListBucketResult>";
    static const char trunc_no_token[] =
        "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>";
    static const char err[] = "<Error><Code>NoSuchBucket</Code></Error>";
    struct keys k = {0};
    char token[64];
    int truncated = 1;

    (void)state;
    assert_int_equal(
        nw_s3_xml_list(last, strlen(last), on_key, &k, &truncated, token, sizeof(token)), NW_OK);
    assert_int_equal(truncated, 0);
    assert_string_equal(token, "");
    assert_int_equal(k.n, 1);
    assert_int_equal(nw_s3_xml_list(trunc_no_token, strlen(trunc_no_token), on_key, &k, &truncated,
                                    token, sizeof(token)),
                     NW_EINVAL);
    assert_int_equal(nw_s3_xml_list(err, strlen(err), on_key, &k, &truncated, token, sizeof(token)),
                     NW_EINVAL);
    assert_int_equal(nw_s3_xml_list("<List", 5, on_key, &k, &truncated, token, sizeof(token)),
                     NW_EPARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_fields),
        cmocka_unit_test(test_upload_id_with_namespace),
        cmocka_unit_test(test_missing_and_truncated),
        cmocka_unit_test(test_not_xml),
        cmocka_unit_test(test_no_external_entities),
        cmocka_unit_test(test_list_keys_and_token),
        cmocka_unit_test(test_list_last_page_and_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
