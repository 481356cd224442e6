/* arena.h — per-request memory. Everything a request allocates (parsed parameters, query
 * builders, the response body) comes from its arena and is released at once when the request
 * completes; handlers never call free(). Objects with their own destructor (jansson trees)
 * are registered with arena_defer() and destroyed, newest first, by arena_free().
 *
 * An arena has a ceiling: arena_alloc() returns NULL past it, and callers answer with an error
 * instead of growing without bound. Out of memory below the ceiling aborts (as Redis does).
 * Not thread-safe: one arena belongs to one request, handled by one thread at a time. */
#ifndef VORONKA_ARENA_H
#define VORONKA_ARENA_H
#include <stddef.h>
#include <stdarg.h>

struct arena;

struct arena *arena_new(size_t ceiling);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);          /* zeroed; NULL over the ceiling */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
/* Run fn(p) when the arena is freed. Returns 0, or -1 over the ceiling (fn is then run now). */
int arena_defer(struct arena *a, void (*fn)(void *), void *p);
size_t arena_used(const struct arena *a);

/* Room for more in an arena array holding n elements of elem bytes in *cap slots: the array
 * itself when it has room, else a copy with twice the slots (8 at first; the old one stays with
 * the arena). NULL when the arena is exhausted. */
void *arena_grow(struct arena *a, void *arr, size_t n, size_t *cap, size_t elem);

#endif
