/* q_crm_stats.h — per-stage counts and sums (crm_stage_stats, migration 6): the kanban's column
 * headers and the funnels without scanning every item. The CRM write path (crm/item.c) applies
 * each item's change in the same transaction as the item itself; seeding and repair rebuild
 * the table from the items. Money is counted in integer cents. All return 0 or a negative
 * store code. */
#ifndef VORONKA_Q_CRM_STATS_H
#define VORONKA_Q_CRM_STATS_H
#include <stddef.h>
#include <stdint.h>

struct store;
struct arena;

/* Add dn items and dcents to a stage (negative to take away). Leads use category 0. */
int q_crm_stats_apply(struct store *st, int64_t entity_type_id, int64_t category_id, const char *stage_id, int64_t dn,
		      int64_t dcents);
/* Recount a type's rows from its items (after bulk loads). */
int q_crm_stats_rebuild(struct store *st, int64_t entity_type_id);

struct q_crm_stage_stat {
	char stage_id[64];
	int64_t n;
	int64_t sum_cents;
};
/* Every stage of a pipeline that has items: an arena array. */
int q_crm_stats_get(struct store *st, struct arena *a, int64_t entity_type_id, int64_t category_id,
		    struct q_crm_stage_stat **out, size_t *n);

#endif
