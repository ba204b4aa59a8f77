// Page checksum speed: libdb 5.3's own __ham_func4 (looked up in the library past any
// interposer) against Brick's vectorized brick_page_hash, on 16 KiB pages. Built and
// run by tools/bench/page-hash-speed; checks first that both give the same values.
#include "CPageHash.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef uint32_t (*func4)(void *, const void *, uint32_t);

enum { PAGE = 16384, PAGES = 64, ROUNDS = 3000 };

static double seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

int main(void) {
    void *library = dlopen("libdb-5.3.so", RTLD_NOW);
    func4 original = library ? (func4)dlsym(library, "__ham_func4") : NULL;
    if (original == NULL) {
        fprintf(stderr, "page-hash-speed: libdb-5.3.so or its __ham_func4 not found\n");
        return 1;
    }
    unsigned char *pages = malloc((size_t)PAGE * PAGES);
    srand(1);
    for (size_t i = 0; i < (size_t)PAGE * PAGES; i++) pages[i] = (unsigned char)rand();
    for (int p = 0; p < PAGES; p++) {
        if (original(NULL, pages + (size_t)p * PAGE, PAGE) != brick_page_hash(pages + (size_t)p * PAGE, PAGE)) {
            fprintf(stderr, "page-hash-speed: values differ on page %d\n", p);
            return 1;
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        for (int which = 0; which < 2; which++) {
            uint32_t sink = 0;
            double started = seconds();
            for (int r = 0; r < ROUNDS; r++) {
                for (int p = 0; p < PAGES; p++) {
                    const unsigned char *page = pages + (size_t)p * PAGE;
                    sink += which == 0 ? original(NULL, page, PAGE) : brick_page_hash(page, PAGE);
                }
            }
            double elapsed = seconds() - started;
            printf("%-28s %6.2f GB/s (%u)\n", which == 0 ? "libdb __ham_func4" : "brick_page_hash",
                   (double)PAGE * PAGES * ROUNDS / elapsed / 1e9, sink);
        }
    }
    free(pages);
    return 0;
}
