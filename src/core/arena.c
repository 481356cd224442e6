/* arena.c — chunked bump allocator with a ceiling and deferred destructors. */
#include "core/arena.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define ARENA_CHUNK 16384

struct chunk {
	struct chunk *next;
	size_t used, size;
	max_align_t data[]; /* payload; aligned for any type */
};

struct deferred {
	struct deferred *next;
	void (*fn)(void *);
	void *p;
};

struct arena {
	struct chunk *head;      /* current chunk; older ones follow */
	struct deferred *defers; /* newest first */
	size_t total, ceiling;   /* bytes taken from malloc, and the most we may take */
};

struct arena *arena_new(size_t ceiling)
{
	struct arena *a = calloc(1, sizeof *a);
	if (!a)
		abort();
	a->ceiling = ceiling;
	return a;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (struct deferred *d = a->defers; d; d = d->next)
		d->fn(d->p);
	struct chunk *c = a->head;
	while (c) {
		struct chunk *n = c->next;
		free(c);
		c = n;
	}
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (n == 0)
		n = 16;
	if (!a->head || a->head->size - a->head->used < n) {
		size_t sz = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		if (a->total + sz > a->ceiling)
			return NULL;
		struct chunk *c = malloc(sizeof *c + sz);
		if (!c)
			abort();
		c->size = sz;
		c->used = 0;
		/* A big one-off block goes behind the current chunk so its free space stays usable. */
		if (a->head && sz == n && a->head->size - a->head->used > 1024) {
			c->next = a->head->next;
			a->head->next = c;
			c->used = n;
			a->total += sz;
			memset(c->data, 0, n);
			return c->data;
		}
		c->next = a->head;
		a->head = c;
		a->total += sz;
	}
	void *p = (char *)a->head->data + a->head->used;
	a->head->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return NULL;
	char *p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

int arena_defer(struct arena *a, void (*fn)(void *), void *p)
{
	struct deferred *d = arena_alloc(a, sizeof *d);
	if (!d) {
		fn(p);
		return -1;
	}
	d->fn = fn;
	d->p = p;
	d->next = a->defers;
	a->defers = d;
	return 0;
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}

void *arena_grow(struct arena *a, void *arr, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return arr;
	size_t nc = *cap ? *cap * 2 : 8;
	if (nc > SIZE_MAX / elem)
		return NULL;
	void *g = arena_alloc(a, nc * elem);
	if (!g)
		return NULL;
	if (n)
		memcpy(g, arr, n * elem);
	*cap = nc;
	return g;
}
