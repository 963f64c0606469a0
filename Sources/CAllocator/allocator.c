/* The command runs on jemalloc (linked with the executable's module, see Package.swift: the
   tests that link that module run on it too); the fuzz build (AddressSanitizer brings its own
   allocator) and the micro-benchmarks run on glibc's. This file holds what differs.

   Why jemalloc: a flow's record is a tree of a few dozen small arrays and strings made on a
   shard's thread and freed on the reading thread. glibc's allocator spent about 8 % of the
   cycles of the handshake benchmark (hs200k) in malloc, free, malloc_usable_size (which Swift
   calls for every array it allocates) and consolidation; on jemalloc the command takes 10 to
   18 % less time there (README, Speed). jemalloc keeps more memory of its own (its metadata,
   size classes, a cache per thread): with the settings below the peak stays within the bound.
   The shards' thread caches are left alone: emptying each into the arena after every batch
   (so that a thread of Dispatch's pool idling with a cache would hold none) made two-thread
   runs 8 to 20 % slower for 1.0 to 1.5 MB less at the peak (README, Speed and memory). */

#include <stddef.h>
#include <malloc.h>
#include "allocator.h"

/* jemalloc's settings, read by jemalloc (when linked) before its first allocation.
   narenas:1      one arena for all threads: a record is made on a shard's thread and freed
                  on the reading thread, and each arena would keep its own free pages (the
                  peak with two threads grows by several MB with an arena per core).
   dirty_decay_ms:0, muzzy_decay_ms:0
                  pages left free go back to the system at once, so that the peak tracks what
                  is in use (a second's delay measured no faster, and 0.3 MB more at the peak
                  on 500,000 flows with two threads). */
const char *malloc_conf = "narenas:1,dirty_decay_ms:0,muzzy_decay_ms:0";

/* jemalloc's control interface, when jemalloc is linked; a weak reference is null otherwise. */
extern int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen)
    __attribute__((weak));

void autopsy_release_free_memory(void) {
    if (mallctl != NULL) {
        /* "arena.<MALLCTL_ARENAS_ALL>.purge": every arena's unused dirty pages, now. */
        (void)mallctl("arena.4096.purge", NULL, NULL, NULL, 0);
    } else {
        (void)malloc_trim(0);
    }
}
