/* q_crm_category.h — the SQL of deal pipelines (crm_category, D1–D4): the descriptor the filter
 * engine builds crm.dealcategory.list from, and the fixed statements of rest/crm_category.c.
 * Pipeline 0 is the default one: its row exists from migration 4 and is never deleted. All
 * return 0 or a negative store code; a lookup that finds nothing returns STORE_NOTFOUND. Text
 * out-parameters are copied into the caller's buffers or its arena. */
#ifndef VORONKA_Q_CRM_CATEGORY_H
#define VORONKA_Q_CRM_CATEGORY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store/query.h"

struct store;
struct arena;

extern const struct query_entity q_crm_category_entity; /* crm_category, as crm.dealcategory.list shows it */

#define Q_CRM_CATEGORY_NAME_MAX 256 /* bytes of a name buffer (add/update refuse longer names) */

/* One pipeline. */
struct q_crm_category_row {
	int64_t id;                          /* 0: the default pipeline */
	int64_t entity_type_id;              /* 2: deals (the only kind so far) */
	char name[Q_CRM_CATEGORY_NAME_MAX];
	int64_t sort;
	bool is_default;                     /* the row of pipeline 0 */
	bool is_locked;                      /* Bitrix24's IS_LOCKED; always false here */
	char created_at[32];                 /* "YYYY-MM-DD hh:mm:ss" UTC */
};
int q_crm_category_get(struct store *st, int64_t entity_type_id, int64_t id, struct q_crm_category_row *out);
/* Every pipeline of a kind, by sort then id (the default included): an arena array in *rows. */
int q_crm_category_all(struct store *st, struct arena *a, int64_t entity_type_id, struct q_crm_category_row **rows,
		       size_t *n);
/* A new pipeline; *id gets its number. created_at is the caller's clock. */
int q_crm_category_insert(struct store *st, int64_t entity_type_id, const char *name, int64_t sort,
			  const char *created_at, int64_t *id);
/* name NULL or has_sort false: that column is left as it is. STORE_NOTFOUND if no such row. */
int q_crm_category_update(struct store *st, int64_t entity_type_id, int64_t id, const char *name, bool has_sort,
			  int64_t sort);
int q_crm_category_delete(struct store *st, int64_t entity_type_id, int64_t id);

/* The stage list of deal pipeline id (crm_status, ENTITY_ID DEAL_STAGE_{id}): a copy of the
 * factory DEAL_STAGE stages with the C{id}: prefix (insert), or all of it removed (delete). */
int q_crm_category_stages_insert(struct store *st, int64_t id);
int q_crm_category_stages_delete(struct store *st, int64_t id);

/* The number of deals in pipeline id: deleting a pipeline that holds deals is refused. */
int q_crm_category_deal_count(struct store *st, int64_t id, int64_t *n);

#endif
