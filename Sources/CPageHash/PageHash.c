// The page checksum in 64-byte blocks. For bytes b_0 .. b_{n-1} the value is
// sum b_i * 33^(n-1-i) mod 2^32. Lane k of 64 accumulators takes byte k of every
// block: acc_k = acc_k * 33^64 + b_k. After the last whole block, the lanes
// combine as sum acc_k * 33^(63-k), and the remaining bytes follow one at a time.
// Unsigned 32-bit arithmetic wraps, which is exactly the modulo 2^32.
#include "CPageHash.h"

#include <stddef.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

// PREFETCH_DISTANCE: how far ahead of the block being hashed the cache line is asked for.
// A page read in place is touched first by this loop; asking 4 KiB ahead starts the
// next memory page's load (and its address translation) before the loop gets there,
// and past a page's end it starts the next page of the file, the next of an overflow
// chain most often. A prefetch never faults, whatever the address.
enum { BLOCK = 64, PREFETCH_DISTANCE = 4096 };

static uint64_t library_calls;

/// 33^(63-k) mod 2^32 for k in 0..63, and 33^64 mod 2^32.
static uint32_t lane_weight[BLOCK];
static uint32_t block_multiplier;

static void build_tables(void) {
    uint32_t power = 1;
    for (int k = BLOCK - 1; k >= 0; k--) {
        lane_weight[k] = power;
        power *= 33u;
    }
    block_multiplier = power;
}

static inline __attribute__((always_inline))
uint32_t hash_blocks(const uint8_t *p, size_t blocks, const uint32_t *weight, uint32_t multiplier) {
    uint32_t acc[BLOCK] = {0};
    for (size_t j = 0; j < blocks; j++) {
        const uint8_t *block = p + j * BLOCK;
        __builtin_prefetch(block + PREFETCH_DISTANCE);
        for (int k = 0; k < BLOCK; k++) {
            acc[k] = acc[k] * multiplier + block[k];
        }
    }
    uint32_t h = 0;
    for (int k = 0; k < BLOCK; k++) {
        h += acc[k] * weight[k];
    }
    return h;
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static uint32_t hash_blocks_avx2(const uint8_t *p, size_t blocks, const uint32_t *weight, uint32_t multiplier) {
    return hash_blocks(p, blocks, weight, multiplier);
}

/// AVX2 needs the CPU flag and the OS saving the YMM registers (OSXSAVE, XCR0 bits 1-2).
static int detect_avx2(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & bit_OSXSAVE) || !(c & bit_AVX)) return 0;
    unsigned xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & 6u) != 6u) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & bit_AVX2) != 0;
}
#endif

static uint32_t hash_blocks_portable(const uint8_t *p, size_t blocks, const uint32_t *weight, uint32_t multiplier) {
    return hash_blocks(p, blocks, weight, multiplier);
}

/// 0 until checked, then 1 (portable) or 2 (AVX2).
static int variant;

static int choose_variant(void) {
    int chosen = 1;
#if defined(__x86_64__)
    if (detect_avx2()) chosen = 2;
#endif
    build_tables();
    __atomic_store_n(&variant, chosen, __ATOMIC_RELEASE);
    return chosen;
}

/// Chooses the variant and fills the tables when the executable is loaded, before any
/// thread can hash a page, so the tables are never written while being read.
__attribute__((constructor))
static void choose_variant_at_load(void) {
    choose_variant();
}

uint32_t brick_page_hash_reference(const void *data, uint32_t len) {
    const uint8_t *p = data;
    uint32_t h = 0;
    for (uint32_t i = 0; i < len; i++) {
        h = h * 33u + p[i];
    }
    return h;
}

uint32_t brick_page_hash(const void *data, uint32_t len) {
    const uint8_t *p = data;
    size_t blocks = len / BLOCK;
    uint32_t h = 0;
    if (blocks > 0) {
        int which = __atomic_load_n(&variant, __ATOMIC_ACQUIRE);
        if (which == 0) which = choose_variant();
#if defined(__x86_64__)
        if (which == 2) {
            h = hash_blocks_avx2(p, blocks, lane_weight, block_multiplier);
        } else
#endif
        {
            h = hash_blocks_portable(p, blocks, lane_weight, block_multiplier);
        }
    }
    for (size_t i = blocks * BLOCK; i < len; i++) {
        h = h * 33u + p[i];
    }
    return h;
}

uint64_t brick_page_hash_library_calls(void) {
    return __atomic_load_n(&library_calls, __ATOMIC_RELAXED);
}

/// Interposes libdb 5.3's own function of this name (an exported symbol it calls through
/// its PLT) with the same result; the first argument, a DB handle, is unused there too.
uint32_t __ham_func4(void *dbp, const void *key, uint32_t len);

uint32_t __ham_func4(void *dbp, const void *key, uint32_t len) {
    (void)dbp;
    __atomic_fetch_add(&library_calls, 1, __ATOMIC_RELAXED);
    return brick_page_hash(key, len);
}
