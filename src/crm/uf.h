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

/* ---- beyond the item paths ---- */

/* The start of every REST call (rest/dispatch.c): this thread's custom-field descriptors are
 * brought up to date (store/q_crm_uf.h) and pending state of an earlier call is dropped. */
void crm_uf_call_begin(struct rest_call *call);
/* crm.item's typed form of a custom field's legacy value v (integers and money as numbers,
 * booleans "Y"/"N", unset dates null, lists element by element): a new reference. */
json_t *crm_uf_item_json(const struct query_field *f, json_t *v);
/* The crm.item name of a custom field, by Bitrix24's rule: names of letters only, and
 * UF_CRM_{n}_{digits or letters}, are camel-cased (UF_CRM_MY_FIELD → ufCrmMyField, UF_CRM_2_163
 * → ufCrm2_163); any other keeps its tail (UF_CRM_1712345 → ufCrm_1712345). buf gets it. */
const char *crm_uf_camel(const char *name, char *buf, size_t n);
/* Does a crm.item client's name mean custom field name? Its camel name in any case, or that
 * with the underscores left out (ufCrm1712345 for ufCrm_1712345, as Bitrix24 decodes it). */
bool crm_uf_name_matches(const char *field_name, const char *input);

/* ---- definitions: crm.{lead,deal,contact,company}.userfield.* ---- */

struct q_crm_uf_def;
/* fields as Bitrix24's crm.X.userfield.add takes them (FIELD_NAME made when absent): *id gets the
 * new field's. One write transaction: the row, the column and its index, the list items. */
int crm_uf_def_add(struct crm_ctx *x, json_t *fields, int64_t *id);
/* Only what is passed changes; USER_TYPE_ID, MULTIPLE and FIELD_NAME cannot (a clear refusal). */
int crm_uf_def_update(struct crm_ctx *x, int64_t id, json_t *fields);
/* The field and all its values; a column-kept field's column is dropped. */
int crm_uf_def_delete(struct crm_ctx *x, int64_t id);
/* Field id of x's type into *d (arena of the call): 0, or the call failed (not found; another
 * type's field: access denied, as Bitrix24 answers). */
int crm_uf_def_load(struct crm_ctx *x, int64_t id, struct q_crm_uf_def *d);
/* A definition as crm.X.userfield.get shows it; lang: labels as that language's strings (the
 * list filtered by LANG), NULL: {lang: text} maps. A new reference. */
json_t *crm_uf_def_json(struct crm_ctx *x, const struct q_crm_uf_def *d, const char *lang);
/* crm.userfield.types: [{ID, title}] of every type. */
json_t *crm_uf_types_json(void);
/* crm.userfield.settings.fields: the SETTINGS of a type ({KEY: {type, title}}); NULL: unknown type. */
json_t *crm_uf_settings_fields_json(const char *type);

#endif
