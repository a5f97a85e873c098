/* test_route.c — routing rules (shared/route.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "route.h"

static struct nw_route *parse_ok(const char *text)
{
    struct nw_route *route = NULL;
    char errstr[256] = "";

    assert_int_equal(nw_route_parse(text, strlen(text), "rules", &route, errstr, sizeof(errstr)),
                     NW_OK);
    assert_non_null(route);
    return route;
}

static void parse_bad(const char *text, const char *expect_in_message)
{
    struct nw_route *route = (struct nw_route *)1;
    char errstr[256] = "";

    assert_int_equal(nw_route_parse(text, strlen(text), "rules", &route, errstr, sizeof(errstr)),
                     NW_ECONFIG);
    assert_null(route);
    if (!strstr(errstr, expect_in_message))
        fail_msg("message '%s' lacks '%s'", errstr, expect_in_message);
}

static json_t *record(void)
{
    json_error_t err;
    json_t *rec = json_loads(
        "{\"schema\":\"newsworker.article/1\",\"id\":\"ab\",\"domain\":\"news.example.com\","
        "\"language\":\"de\",\"tags\":[\"Politics\"],"
        "\"entities\":{\"persons\":[{\"name\":\"Ada Lovelace\",\"count\":2}],"
        "\"organizations\":[{\"name\":\"UN\",\"count\":1}],"
        "\"locations\":[{\"name\":\"Pakistan\",\"count\":3,\"code\":\"PK\"}]},"
        "\"keywords\":[{\"term\":\"election\",\"score\":0.5}]}",
        0, &err);
    assert_non_null(rec);
    return rec;
}

static size_t topics_for(const struct nw_route *route, const json_t *rec, const char **topics)
{
    return nw_route_topics(route, rec, "news.articles", topics, 16);
}

static void test_no_rules(void **state)
{
    const char *topics[16];
    json_t *rec = record();

    assert_int_equal(topics_for(NULL, rec, topics), 1);
    assert_string_equal(topics[0], "news.articles");
    json_decref(rec);
}

static void test_each_field(void **state)
{
    struct nw_route *route = parse_ok("# routing\n"
                                      "language=de -> news.articles.de\n"
                                      "language=fr -> news.articles.fr\n"
                                      "  entity = pakistan   ->   news.watch.pakistan  # loc\n"
                                      "entity=PK -> news.watch.pk\n"
                                      "entity=Ada Lovelace -> news.people\n"
                                      "entity=Nobody -> news.nobody\n"
                                      "domain=example.com -> news.example\n"
                                      "domain=ample.com -> news.wrong\n"
                                      "keyword=ELECTION -> news.kw\n"
                                      "keyword=politics -> news.tags\n"
                                      "\n");
    const char *topics[16];
    const char *want[] = {"news.articles", "news.articles.de", "news.watch.pakistan",
                          "news.watch.pk", "news.people",      "news.example",
                          "news.kw",       "news.tags"};
    json_t *rec = record();
    size_t n = topics_for(route, rec, topics);

    assert_int_equal(nw_route_count(route), 10);
    assert_int_equal(n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < n; i++)
        assert_string_equal(topics[i], want[i]);
    json_decref(rec);
    nw_route_destroy(route);
}

static void test_suppress_and_dedupe(void **state)
{
    struct nw_route *route = parse_ok("language=de -> news.de, !output\n"
                                      "domain=example.com -> news.de news.x\n"
                                      "language=en -> !output\n");
    const char *topics[16];
    json_t *rec = record();
    size_t n = topics_for(route, rec, topics);

    assert_int_equal(n, 2);
    assert_string_equal(topics[0], "news.de");
    assert_string_equal(topics[1], "news.x");
    /* an English record matching only a suppressing rule goes nowhere */
    json_object_set_new(rec, "language", json_string("en"));
    json_object_set_new(rec, "domain", json_string("other.org"));
    assert_int_equal(topics_for(route, rec, topics), 0);
    json_decref(rec);
    nw_route_destroy(route);
}

static void test_hostile_record_shapes(void **state)
{
    struct nw_route *route = parse_ok("entity=x -> a\nkeyword=x -> b\nlanguage=x -> c\n"
                                      "domain=x -> d\n");
    const char *topics[16];
    json_error_t err;
    json_t *rec = json_loads("{\"entities\":[1,2],\"keywords\":{\"term\":\"x\"},\"tags\":[1,{}],"
                             "\"language\":5,\"domain\":null}",
                             0, &err);

    assert_non_null(rec);
    assert_int_equal(topics_for(route, rec, topics), 1);
    json_decref(rec);
    nw_route_destroy(route);
}

static void test_bad_rules(void **state)
{
    parse_bad("language=de news.de\n", "rules:1:");
    parse_bad("\n\nlanguage=de -> \n", "rules:3: no topic");
    parse_bad("# c\ncolour=red -> t\n", "rules:2: unknown field 'colour'");
    parse_bad("language= -> t\n", "empty value");
    parse_bad("language -> t\n", "FIELD=VALUE");
    parse_bad("language=de -> bad/topic\n", "bad topic name");
    parse_bad("language=de -> ..\n", "bad topic name");
    parse_bad("language=de -> t\nlanguage=fr -> t$\n", "rules:2:");
}

static void test_limits(void **state)
{
    char line[2048];
    struct nw_route *route = NULL;
    char errstr[256];

    memset(line, 'a', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    memcpy(line, "keyword=", 8);
    parse_bad(line, "longer than");
    /* too many distinct topics */
    {
        static char many[64 * 40];
        size_t pos = 0;
        for (int i = 0; i < 64; i++)
            pos += (size_t)snprintf(many + pos, sizeof(many) - pos, "keyword=k -> t%d\n", i);
        assert_int_equal(nw_route_parse(many, pos, "rules", &route, errstr, sizeof(errstr)),
                         NW_ECONFIG);
        assert_non_null(strstr(errstr, "distinct topics"));
    }
}

static void test_load_file(void **state)
{
    char path[] = "/tmp/test_route_XXXXXX";
    struct nw_route *route = NULL;
    char errstr[256];
    FILE *f;
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs("language=de -> news.de\nbogus\n", f);
    fclose(f);
    assert_int_equal(nw_route_load_file(path, &route, errstr, sizeof(errstr)), NW_ECONFIG);
    assert_non_null(strstr(errstr, ":2:"));
    assert_non_null(strstr(errstr, path));
    remove(path);
    assert_int_equal(nw_route_load_file(path, &route, errstr, sizeof(errstr)), NW_EIO);
}

static void collect(const char *topic, void *ctx)
{
    (*(int *)ctx)++;
}

static void test_foreach_topic(void **state)
{
    struct nw_route *route = parse_ok("language=de -> a, b\nlanguage=fr -> b c !output\n");
    int n = 0;

    nw_route_foreach_topic(route, collect, &n);
    assert_int_equal(n, 3);
    nw_route_destroy(route);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_rules),
        cmocka_unit_test(test_each_field),
        cmocka_unit_test(test_suppress_and_dedupe),
        cmocka_unit_test(test_hostile_record_shapes),
        cmocka_unit_test(test_bad_rules),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_foreach_topic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
