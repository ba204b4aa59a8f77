// Berkeley DB's page checksum (the "func4" hash: h = h * 33 + byte over the page),
// computed in blocks so the compiler can vectorize it. The executables export a
// function named __ham_func4 so libdb's calls through its PLT land here; see
// docs/DESIGN.md "Page checksum".
#ifndef BRICK_PAGE_HASH_H
#define BRICK_PAGE_HASH_H

#include <stdint.h>

/// The page checksum of `len` bytes at `data`: the same value as libdb 5.3's
/// `__ham_func4`, the sum of byte i times 33^(len-1-i), modulo 2^32.
uint32_t brick_page_hash(const void *data, uint32_t len);

/// The same value by the byte-at-a-time definition, for tests and measurements.
uint32_t brick_page_hash_reference(const void *data, uint32_t len);

/// How many times libdb has called the exported `__ham_func4` in this process.
uint64_t brick_page_hash_library_calls(void);

#endif
