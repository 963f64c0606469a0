#ifndef TLSAUTOPSY_ALLOCATOR_H
#define TLSAUTOPSY_ALLOCATOR_H

/* jemalloc's settings for this program, as written (see allocator.c). */
const char *tlsautopsy_allocator_settings(void);

#endif
