/* page_cache.h — what makes deep pages of big lists cheap (rest_list_run uses it):
 *
 *   counts   the `total` of a list, by the query's text and values;
 *   anchors  the position (order values and key) of the row before an offset, so that page
 *            `start=N` is an indexed seek after the anchor instead of counting off N rows. A
 *            client paging through a list leaves, with each page, the anchor of the next one.
 *
 * Every entry carries the store's data version (store_data_version) of the moment it was
 * made and is used only while that version holds: any committed write makes it stale, so
 * answers are always those the database gives now. One small table per process, under a mutex. */
#ifndef VORONKA_PAGE_CACHE_H
#define VORONKA_PAGE_CACHE_H
#include <stdbool.h>
#include <stdint.h>
#include "store/query.h"

struct arena;

bool page_cache_count_get(uint64_t key, uint64_t version, int64_t *count);
void page_cache_count_put(uint64_t key, uint64_t version, int64_t count);
/* The anchor at the greatest offset ≤ offset: true, *at and *a (text in the arena). */
bool page_cache_anchor_get(uint64_t key, uint64_t version, int64_t offset, int64_t *at, struct query_anchor *a,
			   struct arena *arena);
void page_cache_anchor_put(uint64_t key, uint64_t version, int64_t offset, const struct query_anchor *a);

/* FNV-1a over bytes, continuing from h (start with PAGE_CACHE_SEED). */
#define PAGE_CACHE_SEED 1469598103934665603ULL
uint64_t page_cache_hash(uint64_t h, const void *p, size_t n);

#endif
