/* hash.h — SHA-256 (OpenSSL libcrypto) as lower-case hex. */
#ifndef NW_HASH_H
#define NW_HASH_H

#include <stddef.h>

/* Writes the 64 hex digits of SHA-256(data) and a NUL into out. */
void nw_sha256_hex(const void *data, size_t len, char out[65]);

#endif
