/*
 * The command's memory allocator: jemalloc (Debian's libjemalloc2), linked in place of glibc's
 * malloc, and its settings, which jemalloc reads from this symbol when it starts (the
 * MALLOC_CONF environment variable still overrides them).
 *
 * Records are made on a shard's thread and freed on the reading thread. glibc's allocator
 * either keeps an arena per thread, each holding what the other freed (more memory), or, with
 * one arena, takes its lock on every call from either thread (slower); jemalloc's per-thread
 * caches do neither.
 *
 * - narenas:1: one arena for all threads, so memory freed by one thread is reused by the other.
 * - tcache_max:1024, lg_tcache_nslots_mul:-1: each thread caches blocks up to 1 KiB only, half
 *   as many of each size as by default (what a flow allocates is mostly smaller); 2.6 MB less
 *   resident at the peak of 500,000 flows with two threads, at the same speed.
 * - dirty_decay_ms:0, muzzy_decay_ms:0: pages freed go back to the system at once, so the
 *   resident peak is what is in use, not what was once used.
 */
#include "allocator.h"

const char *malloc_conf = "narenas:1,tcache_max:1024,lg_tcache_nslots_mul:-1,dirty_decay_ms:0,muzzy_decay_ms:0";

const char *tlsautopsy_allocator_settings(void) { return malloc_conf; }

