// Counts heap allocations made on the engine's I/O threads (named
// "iocp-tcp-io-N"), for the benchmark's allocations-per-message figure.
// Preloaded into the service:
//   LD_PRELOAD=malloc-count.so node dist/cli.js ...
// and prints "io-thread allocations: N" to stderr when the process exits.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

static atomic_ulong io_allocations;
static __thread int thread_kind;  // 0 unknown, 1 I/O thread, 2 other

static void count(void) {
  if (thread_kind == 0) {
    char name[16] = "";
    prctl(PR_GET_NAME, name, 0, 0, 0);
    // Named once it runs; until then (thread start-up) it counts as other.
    if (strncmp(name, "iocp-tcp-io-", 12) == 0) thread_kind = 1;
    else if (name[0] != '\0' && strncmp(name, "node", 4) != 0) thread_kind = 2;
  }
  if (thread_kind == 1) atomic_fetch_add_explicit(&io_allocations, 1, memory_order_relaxed);
}

#define NEXT(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

void* malloc(size_t size) {
  static void* (*next)(size_t);
  if (!next) next = NEXT(malloc);
  count();
  return next(size);
}

void* calloc(size_t n, size_t size) {
  static void* (*next)(size_t, size_t);
  // dlsym itself may calloc: serve that from a static block.
  static char early[256];
  static int resolving;
  if (!next) {
    if (resolving) return early;
    resolving = 1;
    next = NEXT(calloc);
    resolving = 0;
  }
  count();
  return next(n, size);
}

void* realloc(void* p, size_t size) {
  static void* (*next)(void*, size_t);
  if (!next) next = NEXT(realloc);
  count();
  return next(p, size);
}

__attribute__((destructor)) static void report(void) {
  fprintf(stderr, "io-thread allocations: %lu\n", atomic_load(&io_allocations));
}
