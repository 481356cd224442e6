/* q_crm_search.h — the full-text index over leads, deals, contacts and companies (P10): titles,
 * names, company titles, phones (also as bare digits) and e-mails. SQLite FTS5 (crm_search,
 * migration 6); the write path (crm/item.c) re-indexes an item in the same transaction as its
 * change. All return 0 or a negative store code. */
#ifndef VORONKA_Q_CRM_SEARCH_H
#define VORONKA_Q_CRM_SEARCH_H
#include <stddef.h>
#include <stdint.h>

struct store;
struct arena;

/* Rebuild one item's entry from its current row and multi-fields (removes it if the item is gone). */
int q_crm_search_index(struct store *st, int64_t entity_type_id, int64_t entity_id);
int q_crm_search_remove(struct store *st, int64_t entity_type_id, int64_t entity_id);
/* Index every item of a type from scratch (after bulk loads). */
int q_crm_search_rebuild(struct store *st, int64_t entity_type_id);

#endif
