/* q_crm_stats.h — per-stage counts and sums (crm_stage_stats, migration 6): the kanban's column
 * headers and the funnels without scanning every item. The CRM write path (crm/item.c) applies
 * each item's change in the same transaction as the item itself; seeding and repair rebuild
 * the table from the items. Money is counted in integer cents. All return 0 or a negative
 * store code. */
#ifndef VORONKA_Q_CRM_STATS_H
#define VORONKA_Q_CRM_STATS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store/query.h"

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

/* What a filtered funnel counts (voronka.crm.funnel.get with a filter): the items themselves,
 * grouped by stage, instead of the kept rows. Every member is optional. */
#define Q_CRM_STATS_MAX_ASSIGNED 50 /* ASSIGNED_BY_ID values in one filter */
struct q_crm_stats_filter {
	const int64_t *assigned;  /* ASSIGNED_BY_ID IN (…); n_assigned 0: anyone */
	size_t n_assigned;
	const char *created_min;  /* DATE_CREATE lower bound, "YYYY-MM-DD hh:mm:ss" UTC; NULL: none */
	bool min_strict;          /* > rather than >= */
	const char *created_max;  /* upper bound; NULL: none */
	bool max_strict;          /* < rather than <= */
};
/* The rows q_crm_stats_get would give, counted from the items that pass f (GROUP BY stage over
 * the indexed columns). STORE_TOOBIG over Q_CRM_STATS_MAX_ASSIGNED. */
int q_crm_stats_count(struct store *st, struct arena *a, int64_t entity_type_id, int64_t category_id,
		      const struct q_crm_stats_filter *f, struct q_crm_stage_stat **out, size_t *n);

/* crm.stagehistory.list (crm_stage_history): leads show STATUS_ID / STATUS_SEMANTIC_ID, deals
 * CATEGORY_ID / STAGE_ID / STAGE_SEMANTIC_ID; TYPE_ID in Bitrix24's codes (1 created, 2 moved
 * to an in-progress stage, 3 to a final one, 5 to another pipeline). Both hold a hidden
 * ENTITY_TYPE_ID the handler filters on. */
extern const struct query_entity q_crm_stage_history_lead_entity;
extern const struct query_entity q_crm_stage_history_deal_entity;

#endif
