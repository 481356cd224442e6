/* uf.h — custom (user) fields of CRM items, UF_CRM_* (issue 6: U1–U10, D5): the contract between
 * the item paths (crm/item.c, rest/crm_entity.c, rest/crm_item.c) and the module that owns the
 * field definitions, their storage and their types (crm/uf.c, store/q_crm_uf.c).
 *
 * A custom field appears in the type's descriptor (q_crm_item_entity) like a standard one, named
 * UF_CRM_…; a single-valued field is a column of the item's table (so filter and order use an
 * index), a multiple one lives in a side table and is flagged QF_MULTIPLE. The hooks below are
 * what the item paths call for fields whose name starts with "UF_". All return 0, or -1 with the
 * call failed in x's dialect. */
#ifndef VORONKA_CRM_UF_H
#define VORONKA_CRM_UF_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "crm/item.h"
#include "store/query.h"

/* Check a written value v of custom field f and convert it: a single-valued field gives *out
 * (stored in its column); a multiple one gives *multi (a JSON list owned by the call, stored by
 * crm_uf_save_multi after the item row is written). */
int crm_uf_value(struct crm_ctx *x, const struct query_field *f, json_t *v, struct query_value *out, json_t **multi);
/* Store the values of multiple field f of item id (replacing what it had). */
int crm_uf_save_multi(struct crm_ctx *x, int64_t id, const struct query_field *f, json_t *values);
/* Must the field have a value (on add, and never cleared on update)? */
bool crm_uf_required(int type_id, const struct query_field *f);
/* The values of the multiple custom fields of item id into row (for those q selects; q NULL:
 * all), as the API shows them. */
int crm_uf_read_multi(struct crm_ctx *x, struct query *q, int64_t id, json_t *row);
/* The *.fields descriptor of custom field f (type, isRequired, isMultiple, isDynamic: true,
 * listLabel, formLabel, filterLabel, settings, items for enumerations). */
json_t *crm_uf_describe(struct crm_ctx *x, const struct query_field *f);
/* Default values of custom fields on add (date "now", enumeration default, …) for those the
 * caller did not pass: calls put(name, value) for each. */
int crm_uf_defaults(struct crm_ctx *x, json_t *fields,
		    int (*put)(void *w, const struct query_field *f, struct query_value v), void *w);

#endif
