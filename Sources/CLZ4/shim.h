#ifndef PARLEY_CLZ4_SHIM_H
#define PARLEY_CLZ4_SHIM_H

// liblz4's block API. Parley calls only the bounds-checked functions:
// LZ4_compress_default (output capacity given) and LZ4_decompress_safe (known output size).
#include <lz4.h>
#include <stddef.h>
#include <stdint.h>

// Hardware CRC32C (Castagnoli), the one thing here Swift cannot express: the SSE4.2 `crc32`
// instruction. Swift keeps a table-driven implementation for other CPUs and tests the two agree.
// `crc` is the running value in its internal (pre-inverted) form, as in the table version.

#if defined(__x86_64__)
#include <cpuid.h>

static inline int parley_crc32c_hardware_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    return (ecx & bit_SSE4_2) != 0;
}

__attribute__((target("sse4.2")))
static inline uint32_t parley_crc32c_hardware(uint32_t crc, const void *bytes, size_t count) {
    const unsigned char *p = (const unsigned char *)bytes;
    uint64_t c = crc;
    while (count >= 8) {
        uint64_t word;
        __builtin_memcpy(&word, p, 8);
        c = __builtin_ia32_crc32di(c, word);
        p += 8;
        count -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (count > 0) {
        c32 = __builtin_ia32_crc32qi(c32, *p);
        p += 1;
        count -= 1;
    }
    return c32;
}
#else
static inline int parley_crc32c_hardware_available(void) { return 0; }
static inline uint32_t parley_crc32c_hardware(uint32_t crc, const void *bytes, size_t count) {
    (void)bytes; (void)count;
    return crc;
}
#endif

#endif
