#ifndef TLSAUTOPSY_ALLOCATOR_H
#define TLSAUTOPSY_ALLOCATOR_H

/* The allocator's side of tlsautopsy's memory bound (see allocator.c). */

/* Gives free memory back to the system: jemalloc purges its arenas' unused pages when the
   program runs on it (the command and its tests do), glibc trims its heap otherwise (the
   fuzz build, the micro-benchmarks). Cheap enough for once a capture second, not for every packet. */
void autopsy_release_free_memory(void);

/* Empties the calling thread's cache of freed blocks into the shared arena (jemalloc;
   nothing under glibc). For the shards' threads, after each batch: Dispatch runs a shard's
   batches on any thread of its pool, and each thread that ever ran one would otherwise keep
   a cache of its own while idle (several MB over the eight threads of a run). */
void autopsy_flush_thread_cache(void);

#endif
