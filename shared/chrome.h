/*
 * chrome.h — site chrome lines: the navigation, consent, sharing and footer lines that a
 * tool which copied an article's text out of a page left above and below it ("Skip to
 * main content", "Accept all cookies", "World / Asia / Pakistan", "By Jane Roe | March 3,
 * 2024", "Related: ...", "Privacy Policy | Terms of Use"). A line is judged by its shape
 * and its interface vocabulary alone; textdoc.c asks only about the lines at the edges of
 * a plain text, where a short line of this kind is never the story. Nothing is allocated.
 */
#ifndef NW_CHROME_H
#define NW_CHROME_H

#include <stddef.h>

/* True if s (n bytes, one trimmed line, UTF-8) is site chrome. */
int nw_chrome_line(const char *s, size_t n);

#endif
