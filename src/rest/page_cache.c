/* page_cache.c — the per-process table of list counts and paging anchors (page_cache.h). */
#include "rest/page_cache.h"
#include "core/arena.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 1024          /* entries; evicted least recently used */
#define TEXT_MAX 256        /* a text order value longer than this is not cached */

struct entry {
	uint64_t key, version;
	int64_t offset;     /* -1: a count */
	int64_t count;
	struct query_anchor a; /* text values point into text[] */
	char text[QUERY_MAX_ORDER + 1][TEXT_MAX];
	uint64_t used;
	bool live;
};

static struct entry slots[SLOTS];
static uint64_t clock_;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

uint64_t page_cache_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* The slot for (key, offset): the same one if present, else a free or the least recently used. */
static struct entry *slot_for(uint64_t key, int64_t offset)
{
	struct entry *victim = &slots[0];
	for (size_t i = 0; i < SLOTS; i++) {
		struct entry *e = &slots[i];
		if (e->live && e->key == key && e->offset == offset)
			return e;
		if (!e->live)
			victim = e;
		else if (victim->live && e->used < victim->used)
			victim = e;
	}
	return victim;
}

bool page_cache_count_get(uint64_t key, uint64_t version, int64_t *count)
{
	bool hit = false;
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < SLOTS && !hit; i++) {
		struct entry *e = &slots[i];
		if (e->live && e->key == key && e->offset == -1 && e->version == version) {
			*count = e->count;
			e->used = ++clock_;
			hit = true;
		}
	}
	pthread_mutex_unlock(&mu);
	return hit;
}

void page_cache_count_put(uint64_t key, uint64_t version, int64_t count)
{
	pthread_mutex_lock(&mu);
	struct entry *e = slot_for(key, -1);
	e->key = key;
	e->version = version;
	e->offset = -1;
	e->count = count;
	e->a.n = 0;
	e->used = ++clock_;
	e->live = true;
	pthread_mutex_unlock(&mu);
}

bool page_cache_anchor_get(uint64_t key, uint64_t version, int64_t offset, int64_t *at, struct query_anchor *a,
			   struct arena *arena)
{
	struct entry *best = NULL;
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < SLOTS; i++) {
		struct entry *e = &slots[i];
		if (e->live && e->key == key && e->version == version && e->offset > 0 && e->offset <= offset &&
		    (!best || e->offset > best->offset))
			best = e;
	}
	bool ok = best != NULL;
	if (ok) {
		best->used = ++clock_;
		*at = best->offset;
		*a = best->a;
		for (int i = 0; i < a->n && ok; i++)
			if (a->v[i].kind == QV_TEXT && !(a->v[i].s = arena_strdup(arena, best->text[i])))
				ok = false;
	}
	pthread_mutex_unlock(&mu);
	return ok;
}

void page_cache_anchor_put(uint64_t key, uint64_t version, int64_t offset, const struct query_anchor *a)
{
	for (int i = 0; i < a->n; i++)
		if (a->v[i].kind == QV_TEXT && strlen(a->v[i].s) >= TEXT_MAX)
			return;
	pthread_mutex_lock(&mu);
	struct entry *e = slot_for(key, offset);
	e->key = key;
	e->version = version;
	e->offset = offset;
	e->a = *a;
	for (int i = 0; i < a->n; i++)
		if (a->v[i].kind == QV_TEXT) {
			memcpy(e->text[i], a->v[i].s, strlen(a->v[i].s) + 1);
			e->a.v[i].s = NULL; /* re-pointed into text[] by get */
		}
	e->used = ++clock_;
	e->live = true;
	pthread_mutex_unlock(&mu);
}
