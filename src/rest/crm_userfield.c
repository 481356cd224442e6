/* crm_userfield.c — custom fields of CRM items over REST (issue 6, U1–U10, D5):
 *
 *   crm.{lead,deal,contact,company}.userfield.{add,get,list,update,delete}   Bitrix24's methods
 *   crm.userfield.{types,fields,enumeration.fields,settings.fields}         descriptions
 *   voronka.crm.deal.userfield.pipeline.{get,set}                           which custom fields a
 *                                                                            deal pipeline's card shows
 *
 * The definitions, their checks and storage are crm/uf.c's and store/q_crm_uf.c's; this file reads
 * parameters and rights. Creating, changing and deleting fields, and setting a pipeline's fields,
 * need the right to change CRM settings (crm/rights.h: portal administrators and roles with
 * "allow changing settings"); reading them is open to every CRM user, as crm.X.fields is.
 * Refusals speak the legacy dialect (the empty error code) except for rights (ACCESS_DENIED),
 * unknown ids (NOT_FOUND) and duplicates (ERROR_CORE). */
#include "rest/rest.h"
#include "rest/filter.h"
#include "core/arena.h"
#include "core/util.h"
#include "crm/item.h"
#include "crm/rights.h"
#include "crm/uf.h"
#include "store/q_crm_category.h"
#include "store/q_crm_uf.h"
#include "store/store.h"
#include <string.h>
#include <strings.h>

static struct crm_ctx ctx_of(struct rest_call *call, int type_id, bool legacy)
{
	return (struct crm_ctx){.call = call, .t = crm_type_by_id(type_id), .legacy = legacy};
}

/* U1: creating and changing fields need the settings right. */
static int require_settings(struct rest_call *call)
{
	struct crm_rights *r;
	int rc = crm_rights_load(call->st, call->arena, call->auth->user_id, call->auth->is_admin, &r);
	if (rc)
		return rest_fail_store(call, rc);
	if (!crm_rights_can_settings(r))
		return rest_fail(call, ERR_ACCESS_DENIED,
				 "Access denied: custom fields need the permission to change CRM settings");
	return 0;
}

static json_t *fields_param(struct rest_call *call)
{
	return rest_param(call, "FIELDS");
}

/* ---- crm.X.userfield.* ---- */

static int do_add(struct rest_call *call, int type_id)
{
	struct crm_ctx x = ctx_of(call, type_id, true);
	if (require_settings(call))
		return -1;
	json_t *fields = fields_param(call);
	if (!fields)
		return crm_fail(&x, false, "Parameter 'fields' must be array.");
	int64_t id;
	if (crm_uf_def_add(&x, fields, &id))
		return -1;
	call->result = json_integer(id);
	return 0;
}

static int do_get(struct rest_call *call, int type_id)
{
	struct crm_ctx x = ctx_of(call, type_id, true);
	int64_t id;
	struct q_crm_uf_def d;
	if (crm_id_param(&x, "ID", &id) || crm_uf_def_load(&x, id, &d))
		return -1;
	call->result = crm_uf_def_json(&x, &d, NULL);
	return call->result ? 0 : rest_fail(call, ERR_INTERNAL, "Out of memory");
}

/* LANG of a list's filter: labels as that language's text. Taken out of the filter (it is no
 * field); *lang NULL when absent. */
static json_t *filter_lang(struct rest_call *call, json_t *filter, const char **lang)
{
	*lang = NULL;
	if (!json_is_object(filter))
		return filter;
	json_t *copy = rest_own(call, json_deep_copy(filter));
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(copy, tmp, k, v)
	{
		if (strcasecmp(k, "LANG"))
			continue;
		const char *s = json_string_value(v);
		if (s && strlen(s) >= 2 && strlen(s) <= 5)
			*lang = arena_strdup(call->arena, s);
		json_object_del(copy, k);
	}
	return copy;
}

static int do_list(struct rest_call *call, int type_id)
{
	struct crm_ctx x = ctx_of(call, type_id, true);
	const char *lang;
	json_t *filter = filter_lang(call, rest_param(call, "FILTER"), &lang);
	struct query q;
	query_init(&q, call->arena, &q_crm_uf_field_entity);
	struct query_value *tv = arena_alloc(call->arena, sizeof *tv);
	if (!tv)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	*tv = (struct query_value){.kind = QV_INT, .i = type_id};
	struct query_cond c = {.field = query_field_find(q.ent, "ENTITY_TYPE_ID"), .op = QOP_EQ, .values = tv, .n_values = 1};
	if (query_add_cond(&q, &c))
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	if (rest_filter_parse(call, &q, filter) || rest_order_parse(call, &q, rest_param(call, "ORDER"))) {
		call->err = ERR_CRM;
		return -1;
	}
	if (!q.n_order && (query_add_order(&q, query_field_find(q.ent, "SORT"), false) ||
			   query_add_order(&q, query_field_find(q.ent, "ID"), false)))
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	if (query_add_select(&q, &q.ent->fields[0]))
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	struct stmt *s;
	int rc = query_open(call->st, &q, &s);
	if (rc)
		return rest_fail_store(call, rc);
	int64_t ids[Q_CRM_UF_PER_TYPE];
	size_t n = 0;
	while ((rc = store_step(s)) == STORE_ROW)
		if (n < Q_CRM_UF_PER_TYPE)
			ids[n++] = store_col_int(s, 0);
	store_reset(s);
	if (rc < 0)
		return rest_fail_store(call, rc);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		struct q_crm_uf_def d;
		if ((rc = q_crm_uf_get(call->st, call->arena, ids[i], &d))) {
			json_decref(out);
			return rest_fail_store(call, rc);
		}
		json_array_append_new(out, crm_uf_def_json(&x, &d, lang));
	}
	call->result = out;
	return 0;
}

static int do_update(struct rest_call *call, int type_id)
{
	struct crm_ctx x = ctx_of(call, type_id, true);
	int64_t id;
	if (require_settings(call) || crm_id_param(&x, "ID", &id))
		return -1;
	json_t *fields = fields_param(call);
	if (!fields)
		return crm_fail(&x, false, "Parameter 'fields' must be array.");
	if (crm_uf_def_update(&x, id, fields))
		return -1;
	call->result = json_true();
	return 0;
}

static int do_delete(struct rest_call *call, int type_id)
{
	struct crm_ctx x = ctx_of(call, type_id, true);
	int64_t id;
	if (require_settings(call) || crm_id_param(&x, "ID", &id) || crm_uf_def_delete(&x, id))
		return -1;
	call->result = json_true();
	return 0;
}

#define FAMILY(t, T)                                                                                                   \
	int rest_crm_##t##_userfield_add(struct rest_call *call) { return do_add(call, T); }                           \
	int rest_crm_##t##_userfield_get(struct rest_call *call) { return do_get(call, T); }                           \
	int rest_crm_##t##_userfield_list(struct rest_call *call) { return do_list(call, T); }                         \
	int rest_crm_##t##_userfield_update(struct rest_call *call) { return do_update(call, T); }                     \
	int rest_crm_##t##_userfield_delete(struct rest_call *call) { return do_delete(call, T); }

FAMILY(lead, CRM_LEAD)
FAMILY(deal, CRM_DEAL)
FAMILY(contact, CRM_CONTACT)
FAMILY(company, CRM_COMPANY)

/* ---- descriptions ---- */

int rest_crm_userfield_types(struct rest_call *call)
{
	call->result = crm_uf_types_json();
	return 0;
}

/* What a definition has: crm.userfield.fields (Bitrix24's answer, field for field). */
static const struct {
	const char *name, *type, *title;
	unsigned flags; /* 1 read-only, 2 immutable, 4 multiple */
} def_fields[] = {
	{"ID", "int", "ID", 1},
	{"ENTITY_ID", "string", "Object", 2},
	{"FIELD_NAME", "string", "Code", 2},
	{"USER_TYPE_ID", "string", "Data Type", 2},
	{"XML_ID", "string", "External ID (XML ID)", 0},
	{"SORT", "int", "Sorting", 0},
	{"MULTIPLE", "char", "Multiple", 2},
	{"MANDATORY", "char", "Mandatory", 0},
	{"SHOW_FILTER", "char", "Show in list filter", 0},
	{"SHOW_IN_LIST", "char", "Show in list", 0},
	{"EDIT_IN_LIST", "char", "Allow user editing", 0},
	{"IS_SEARCHABLE", "char", "Field values are searchable", 0},
	{"EDIT_FORM_LABEL", "string", "Label in edit form", 0},
	{"LIST_COLUMN_LABEL", "string", "Header in list", 0},
	{"LIST_FILTER_LABEL", "string", "Filter label in list", 0},
	{"ERROR_MESSAGE", "string", "Error message", 0},
	{"HELP_MESSAGE", "string", "Help", 0},
	{"LIST", "uf_enum_element", "List elements", 4},
	{"SETTINGS", "object", "Additional settings (dependent on type)", 0},
};

int rest_crm_userfield_fields(struct rest_call *call)
{
	json_t *out = json_object();
	for (size_t i = 0; i < sizeof def_fields / sizeof def_fields[0]; i++) {
		json_t *d = json_pack("{s:s,s:s}", "type", def_fields[i].type, "title", def_fields[i].title);
		if (def_fields[i].flags & 1)
			json_object_set_new(d, "isReadOnly", json_true());
		if (def_fields[i].flags & 2)
			json_object_set_new(d, "isImmutable", json_true());
		if (def_fields[i].flags & 4)
			json_object_set_new(d, "isMultiple", json_true());
		json_object_set_new(out, def_fields[i].name, d);
	}
	call->result = out;
	return 0;
}

int rest_crm_userfield_enumeration_fields(struct rest_call *call)
{
	call->result = json_pack("{s:{s:s,s:s,s:b},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s}}",
				 "ID", "type", "int", "title", "ID", "isReadOnly", 1, "SORT", "type", "int", "title",
				 "Sorting", "VALUE", "type", "string", "title", "Value", "DEF", "type", "string", "title",
				 "Default Value", "XML_ID", "type", "string", "title", "External ID", "DEL", "type",
				 "string", "title", "Element Deletion Flag");
	return call->result ? 0 : rest_fail(call, ERR_INTERNAL, "Out of memory");
}

int rest_crm_userfield_settings_fields(struct rest_call *call)
{
	const char *type = rest_param_str(call, "TYPE");
	if (!type || !*type)
		return rest_fail(call, ERR_CRM, "Parameter 'type' is not specified or empty.");
	call->result = crm_uf_settings_fields_json(type);
	return call->result ? 0 : rest_fail(call, ERR_CRM, "Invalid custom type specified: '%.40s'", type);
}

/* ---- D5: the custom fields of a deal pipeline's card ---- */

static json_t *pparam(struct rest_call *call, const char *name)
{
	return call->params ? rest_field_ci(call->params, name) : NULL;
}

/* categoryId of an existing deal pipeline: 0 and *id, or the call failed. */
static int category_param(struct rest_call *call, int64_t *id)
{
	json_t *v = pparam(call, "categoryId");
	const char *s = v && (json_is_string(v) || json_is_integer(v)) ? rest_json_text(call, v) : NULL;
	if (!s || parse_i64(s, id) || *id < 0)
		return rest_fail(call, ERR_ARGUMENT, "Required parameter 'categoryId' is not set or not a pipeline ID");
	struct q_crm_category_row row;
	int rc = q_crm_category_get(call->st, CRM_DEAL, *id, &row);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Pipeline %lld does not exist", (long long)*id);
	return rc ? rest_fail_store(call, rc) : 0;
}

int rest_voronka_crm_deal_userfield_pipeline_get(struct rest_call *call)
{
	int64_t cat;
	if (category_param(call, &cat))
		return -1;
	const char **names;
	size_t n, n_all;
	bool configured;
	int rc = q_crm_uf_pipeline_get(call->st, call->arena, cat, &names, &n, &configured);
	if (rc)
		return rest_fail_store(call, rc);
	const struct q_crm_uf_def *all = q_crm_uf_cached_all(CRM_DEAL, &n_all);
	json_t *available = json_array(), *shown = json_array();
	for (size_t i = 0; i < n_all; i++) {
		json_array_append_new(available, json_string(all[i].field_name));
		if (!configured)
			json_array_append_new(shown, json_string(all[i].field_name));
	}
	for (size_t i = 0; configured && i < n; i++)
		if (q_crm_uf_cached(CRM_DEAL, names[i])) /* a field deleted meanwhile is gone */
			json_array_append_new(shown, json_string(names[i]));
	call->result = json_pack("{s:I,s:b,s:o,s:o}", "categoryId", (json_int_t)cat, "configured", configured, "fields",
				 shown, "available", available);
	return call->result ? 0 : rest_fail(call, ERR_INTERNAL, "Out of memory");
}

struct pipeline_args {
	int64_t category;
	bool reset;
	const char **names;
	size_t n;
};

static int pipeline_tx(struct crm_ctx *x, void *arg)
{
	struct pipeline_args *a = arg;
	int rc = a->reset ? q_crm_uf_pipeline_reset(x->call->st, a->category)
			  : q_crm_uf_pipeline_set(x->call->st, a->category, a->names, a->n);
	return rc ? crm_fail_store(x, rc) : 0;
}

int rest_voronka_crm_deal_userfield_pipeline_set(struct rest_call *call)
{
	struct crm_ctx x = ctx_of(call, CRM_DEAL, false);
	struct pipeline_args a = {0};
	if (require_settings(call) || category_param(call, &a.category))
		return -1;
	json_t *reset = pparam(call, "reset");
	a.reset = reset && rest_json_bool(reset) == 1;
	json_t *fields = pparam(call, "fields");
	if (!a.reset) {
		if (json_is_string(fields) && !*json_string_value(fields))
			fields = NULL; /* fields= from a form: an empty set */
		if (fields && !json_is_array(fields))
			return rest_fail(call, ERR_ARGUMENT, "fields must be a list of custom field names (UF_CRM_…)");
		size_t cap = json_array_size(fields);
		a.names = arena_alloc(call->arena, (cap ? cap : 1) * sizeof *a.names);
		if (!a.names)
			return rest_fail(call, ERR_INTERNAL, "Out of memory");
		size_t i;
		json_t *v;
		json_array_foreach(fields, i, v)
		{
			const char *name = json_string_value(v);
			size_t n_all;
			const struct q_crm_uf_def *all = q_crm_uf_cached_all(CRM_DEAL, &n_all), *d = NULL;
			for (size_t k = 0; name && k < n_all; k++)
				if (!strcasecmp(all[k].field_name, name))
					d = &all[k];
			if (!d)
				return rest_fail(call, ERR_ARGUMENT, "fields: '%.60s' is not a custom field of deals",
						 name ? name : "");
			bool dup = false;
			for (size_t k = 0; k < a.n; k++)
				dup |= !strcmp(a.names[k], d->field_name);
			if (!dup)
				a.names[a.n++] = d->field_name;
		}
	}
	if (crm_write_tx(&x, pipeline_tx, &a))
		return -1;
	call->result = json_true();
	return 0;
}
