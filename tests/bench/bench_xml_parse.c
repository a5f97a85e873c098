/*
 * bench_xml_parse.c — the yardstick of the whole-process comparison: a program that only
 * reads each FILE given and parses it with libxml2's HTML parser (htmlReadMemory, the
 * options bench_extract uses), then frees the tree. Prints one line: pages and bytes
 * parsed. bench_whole.sh times it, as a whole process, against `newsworker extract` over
 * the same decompressed pages.
 *
 * Usage: bench_xml_parse FILE...
 */
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_pages.h"

#define MAX_PAGE_BYTES (64u * 1024u * 1024u)

int main(int argc, char **argv)
{
    size_t pages = 0, bytes = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: bench_xml_parse FILE...\n");
        return 2;
    }
    xmlInitParser();
    for (int i = 1; i < argc; i++) {
        size_t len = 0;
        char *data = bench_read_file(argv[i], MAX_PAGE_BYTES, &len);
        if (!data) {
            fprintf(stderr, "bench_xml_parse: cannot read %s\n", argv[i]);
            return 1;
        }
        htmlDocPtr doc = htmlReadMemory(data, (int)len, NULL, "UTF-8",
                                        HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                            HTML_PARSE_NONET | HTML_PARSE_RECOVER);
        if (doc) {
            pages++;
            bytes += len;
        }
        xmlFreeDoc(doc);
        free(data);
    }
    xmlCleanupParser();
    printf("bench_xml_parse: %zu pages, %zu bytes parsed\n", pages, bytes);
    return 0;
}
