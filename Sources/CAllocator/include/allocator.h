#ifndef TLSAUTOPSY_ALLOCATOR_H
#define TLSAUTOPSY_ALLOCATOR_H

/* The allocator's side of tlsautopsy's memory bound (see allocator.c). */

/* Gives free memory back to the system: jemalloc purges its arenas' unused pages when the
   program runs on it (the command and its tests do), glibc trims its heap otherwise (the
   fuzz build, the micro-benchmarks). Cheap enough for once a capture second, not for every packet. */
void autopsy_release_free_memory(void);

#endif
