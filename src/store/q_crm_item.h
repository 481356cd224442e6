/* q_crm_item.h — the SQL of CRM items: leads, deals, contacts and companies (crm_lead, crm_deal,
 * crm_contact, crm_company, migration 6), their multi-fields (crm_fm), links (crm_entity_link)
 * and history. The descriptors give the filter engine each type's fields with Bitrix24's names;
 * the fixed statements serve the write path in crm/item.c. All return 0 or a negative store
 * code; lookups that find nothing return STORE_NOTFOUND. */
#ifndef VORONKA_Q_CRM_ITEM_H
#define VORONKA_Q_CRM_ITEM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store/query.h"

struct store;
struct arena;

/* The descriptor of a type (1–4) with its custom fields (store/q_crm_uf.h: this thread's cache,
 * refreshed at the start of each REST call), or NULL. */
const struct query_entity *q_crm_item_entity(int64_t entity_type_id);
/* The standard fields alone (what the custom-field cache extends). */
const struct query_entity *q_crm_item_static_entity(int64_t entity_type_id);
/* Does item id of the type exist? (false for an unknown type) */
int q_crm_item_exists(struct store *st, int64_t entity_type_id, int64_t id, bool *exists);

#endif

/* Run-time table choice: the SQL of a statement family for each type, indexed by entityTypeId.
 * Only these fixed texts ever reach the database; input never names a table. */

/* ---- items ---- */
/* Remove the row of an item and everything that hangs on it: multi-fields, links, product rows,
 * timeline comments, activities; references to it from other items are cleared. History rows
 * stay (the item's history outlives it). STORE_NOTFOUND if there was no row. */
int q_crm_item_delete(struct store *st, int64_t entity_type_id, int64_t id);
/* has_phone / has_email / has_imol from the item's multi-fields. */
int q_crm_item_fm_flags(struct store *st, int64_t entity_type_id, int64_t id);
/* How many items use a reference-list value (crm.status.delete refuses values in use). */
int q_crm_status_usage(struct store *st, const char *entity_id, const char *status_id, int64_t *n);

/* ---- multi-fields (crm_fm) ---- */
struct q_crm_fm {
	int64_t id;
	char type_id[8];     /* PHONE, EMAIL, WEB, IM, LINK */
	char value_type[32];
	const char *value;   /* arena text */
};
/* Every multi-field of an item, by type then id: an arena array. */
int q_crm_fm_list(struct store *st, struct arena *a, int64_t entity_type_id, int64_t id, struct q_crm_fm **out,
		  size_t *n);
int q_crm_fm_insert(struct store *st, int64_t entity_type_id, int64_t id, const char *type_id, const char *value_type,
		    const char *value, const char *value_norm);
/* Change or remove row fm_id of this item (STORE_NOTFOUND if it is not the item's). */
int q_crm_fm_update(struct store *st, int64_t entity_type_id, int64_t id, int64_t fm_id, const char *value_type,
		    const char *value, const char *value_norm);
int q_crm_fm_delete(struct store *st, int64_t entity_type_id, int64_t id, int64_t fm_id);

/* ---- links (crm_entity_link) ---- */
struct q_crm_link {
	int64_t id;          /* the other item */
	int64_t sort;
	bool is_primary;
};
/* The items linked to owner (owner_type → linked_type), by sort then id: an arena array. With
 * reverse, the owners that link to `owner` instead (a company's contacts). */
int q_crm_link_list(struct store *st, struct arena *a, int64_t owner_type, int64_t owner_id, int64_t linked_type,
		    bool reverse, struct q_crm_link **out, size_t *n);
int q_crm_link_clear(struct store *st, int64_t owner_type, int64_t owner_id, int64_t linked_type, bool reverse);
int q_crm_link_add(struct store *st, int64_t owner_type, int64_t owner_id, int64_t linked_type, int64_t linked_id,
		   int64_t sort, bool is_primary);
/* Keep the single-valued columns (crm_deal.contact_id, crm_lead.contact_id, crm_contact.company_id)
 * equal to the primary (else first) link of that owner. */
int q_crm_link_sync_primary(struct store *st, int64_t owner_type, int64_t owner_id);

/* ---- history ---- */
enum { Q_CRM_HISTORY_ADD = 1, Q_CRM_HISTORY_UPDATE = 2, Q_CRM_HISTORY_DELETE = 3, Q_CRM_HISTORY_CONVERT = 4 };
int q_crm_history_add(struct store *st, int64_t entity_type_id, int64_t id, int event_type, const char *field,
		      const char *old_value, const char *new_value, int64_t user_id, const char *created);
extern const struct query_entity q_crm_history_entity; /* voronka.crm.history.list */
/* crm_stage_history: type_id 1 created, 2 moved, 3 pipeline changed. */
int q_crm_stage_history_add(struct store *st, int64_t entity_type_id, int64_t id, int type_id, int64_t category_id,
			    const char *stage_id, const char *semantic_id, const char *created);

/* ---- product rows (crm_product_row) ---- */
struct q_crm_product_row {
	int64_t id, product_id, discount_type_id, measure_code, sort;
	const char *product_name, *measure_name; /* arena text */
	double price, price_exclusive, price_netto, price_brutto, quantity, discount_rate, discount_sum, tax_rate;
	bool has_tax_rate, tax_included, customized;
};
int q_crm_product_rows_list(struct store *st, struct arena *a, int64_t owner_type, int64_t owner_id,
			    struct q_crm_product_row **out, size_t *n);
int q_crm_product_rows_clear(struct store *st, int64_t owner_type, int64_t owner_id);
int q_crm_product_row_insert(struct store *st, int64_t owner_type, int64_t owner_id, const struct q_crm_product_row *r,
			     int64_t *id);
/* A product's name and price (for rows that name only PRODUCT_ID). */
int q_crm_product_brief(struct store *st, struct arena *a, int64_t id, const char **name, double *price);

/* The number of deals in a pipeline (a pipeline holding deals is not deleted). */
int q_crm_deal_count_in_category(struct store *st, int64_t category_id, int64_t *n);
