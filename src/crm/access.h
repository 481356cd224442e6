/* access.h — how the CRM paths ask the rights (crm/rights.h, the one decision point): the
 * caller's rights loaded once per call, a decision on one item from its record, the conditions
 * that keep a list to what the caller may see, and the refusal in the caller's dialect.
 *
 * Every path over items goes through these: crm_item_get/list/add/update/delete (and so the
 * legacy methods, crm.item, conversion, links, product rows, export, import, the demo), the
 * timeline and activities of an item, its history, kanban headers, funnels, search and the
 * events stream. */
#ifndef VORONKA_CRM_ACCESS_H
#define VORONKA_CRM_ACCESS_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "crm/item.h"
#include "crm/rights.h"

struct query;

/* The caller's rights (loaded on first use, kept in the call); NULL when they could not be read
 * (the call failed). Internal calls without a user act as an administrator. */
struct crm_rights *crm_access_rights(struct rest_call *call);
/* The rights entity of an item record of x's type ("DEAL_C3" from its CATEGORY_ID). */
const char *crm_access_entity(struct crm_ctx *x, json_t *record, char *buf, size_t n);
/* May the caller do op on the item whose record (as crm_item_read gives it) is this? stage:
 * the stage to judge at (NULL: the record's own). On refusal the call fails with "Access
 * denied." and -1 is returned; 0 when allowed. */
int crm_access_item(struct crm_ctx *x, enum crm_op op, json_t *record, const char *stage);
/* The same for an item known by its ID only (it must exist: else "Not found"). */
int crm_access_item_id(struct crm_ctx *x, enum crm_op op, int64_t id);
/* The same as a question: true when allowed; a refusal, a missing item or a failed read is
 * false, and the call is left as it was (for filtering search hits, events). */
bool crm_access_can(struct crm_ctx *x, enum crm_op op, int64_t id);
/* Keep q (a list of x's type) to the items the caller may op: SQL conditions, so paging,
 * `total` and sums stay right. *none: the caller may see nothing. */
int crm_access_list(struct crm_ctx *x, struct query *q, enum crm_op op, bool *none);
/* May the caller do op on item id of type (for records that belong to it: comments, activities,
 * product rows, history)? 0, or -1 with the call failed (ACCESS_DENIED, or NOT_FOUND). */
int crm_access_owner(struct rest_call *call, int64_t type, int64_t id, enum crm_op op);
/* The same for a record as the API shows it, whose owner is in its type_key / id_key members
 * (a type given as an id or as a lower-case name: "deal"). */
int crm_access_record(struct rest_call *call, json_t *record, const char *type_key, const char *id_key,
		      enum crm_op op);
/* Keep q (a list of records that belong to items: comments, activities, history rows) to the
 * records of items the caller may op: type_field holds the item's entityTypeId, id_field its
 * ID. For each item type the caller does not see whole: (type ≠ t OR id IN (the items of t the
 * rights let through)), all in SQL. */
int crm_access_owned(struct rest_call *call, struct query *q, const char *type_field, const char *id_field,
		     enum crm_op op);
/* Does the caller see every item of the type (no condition needed: the fast paths of kanban
 * headers and funnels may read the kept totals)? category -1: every pipeline. */
bool crm_access_sees_all(struct rest_call *call, int type_id, int64_t category);
/* May the caller change CRM settings (pipelines, reference lists, products, roles, custom
 * fields): an administrator, or a role with "allow changing settings" (R5)? */
bool crm_access_settings(struct rest_call *call);
/* Fail the call with Bitrix24's refusal. */
int crm_access_denied(struct crm_ctx *x);

#endif
