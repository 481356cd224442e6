/* crm_category.c — deal pipelines (D1–D4): crm.dealcategory.* (the legacy API, UPPER_CASE records)
 * and crm.category.* (the current one, camelCase inside {category}/{categories}; entityTypeId 2
 * only so far). Pipeline 0 is the default: renamed, never deleted; its stages are DEAL_STAGE.
 * A new pipeline n gets a copy of the factory stages as DEAL_STAGE_{n} ("C{n}:NEW", …) in the
 * transaction that creates it; deleting it removes them, and is refused while it holds deals. */
#include "rest/rest.h"
#include "crm/rights.h"
#include "store/q_crm_perms.h"
#include "rest/filter.h"
#include "core/arena.h"
#include "core/util.h"
#include "store/q_crm_category.h"
#include "store/store.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DEAL_TYPE_ID 2 /* Bitrix24's CRM type id of deals: the only kind with pipelines so far */

static const struct query_field *cfield(const char *name)
{
	return query_field_find(&q_crm_category_entity, name);
}

/* A value by name, any case (SDKs send id, docs write ID; entityTypeId, fields). */
static json_t *pget(json_t *obj, const char *name)
{
	const char *k;
	json_t *v;
	if (!json_is_object(obj))
		return NULL;
	json_object_foreach(obj, k, v)
	{
		if (!strcasecmp(k, name))
			return v;
	}
	return NULL;
}

/* An integer parameter: 0 and *out; 1 if absent; -1 (the call failed) if not an integer. */
static int int_value(struct rest_call *call, json_t *v, const char *name, int64_t *out)
{
	if (!v || json_is_null(v))
		return 1;
	const char *t = rest_json_text(call, v);
	if (!t || json_is_object(v) || json_is_array(v) || parse_i64(t, out))
		return rest_fail(call, ERR_ARGUMENT, "%s must be an integer", name);
	return 0;
}

/* The pipeline's number (id or ID): 0 and *id, or the call failed. */
static int id_param(struct rest_call *call, int64_t *id)
{
	int r = int_value(call, pget(call->params, "ID"), "ID", id);
	if (r < 0)
		return -1;
	if (r == 1 || *id < 0)
		return rest_fail(call, ERR_ARGUMENT, "ID is not defined or invalid.");
	return 0;
}

static int load(struct rest_call *call, int64_t id, struct q_crm_category_row *row)
{
	int rc = q_crm_category_get(call->st, DEAL_TYPE_ID, id, row);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "The pipeline %lld is not found", (long long)id);
	return rc ? rest_fail_store(call, rc) : 0;
}

/* ---- the rules, shared by both APIs ---- */

static int check_name(struct rest_call *call, const char *name)
{
	if (!name || !*name)
		return rest_fail(call, ERR_ARGUMENT, "NAME is not defined");
	if (strlen(name) >= Q_CRM_CATEGORY_NAME_MAX)
		return rest_fail(call, ERR_ARGUMENT, "NAME is at most %d bytes", Q_CRM_CATEGORY_NAME_MAX - 1);
	return 0;
}

/* The fields of an add or update: name (NULL when absent) and sort (*has_sort). */
static int read_fields(struct rest_call *call, json_t *fields, const char **name, bool *has_sort, int64_t *sort)
{
	*name = NULL;
	*has_sort = false;
	if (fields && !json_is_object(fields))
		return rest_fail(call, ERR_ARGUMENT, "fields must be an object");
	json_t *n = pget(fields, "NAME");
	if (n && !json_is_null(n)) {
		if (json_is_object(n) || json_is_array(n))
			return rest_fail(call, ERR_ARGUMENT, "NAME must be a text value");
		*name = rest_json_text(call, n);
		if (check_name(call, *name))
			return -1;
	}
	int r = int_value(call, pget(fields, "SORT"), "SORT", sort);
	if (r < 0)
		return -1;
	if (r == 0 && (*sort < -2147483647 || *sort > 2147483647))
		return rest_fail(call, ERR_ARGUMENT, "SORT is out of range");
	*has_sort = r == 0;
	return 0;
}


/* A new pipeline with its stage list, in one transaction. */
static int category_add(struct rest_call *call, const char *name, bool has_sort, int64_t sort, int64_t *id)
{
	if (check_name(call, name))
		return -1;
	char now[32];
	db_time_utc(time(NULL), now, sizeof now);
	if (rest_tx_begin(call))
		return -1;
	int rc = q_crm_category_insert(call->st, DEAL_TYPE_ID, name, has_sort ? sort : 500, now, id);
	if (!rc)
		rc = q_crm_category_stages_insert(call->st, *id);
	return rest_tx_end(call, rc ? rest_fail_store(call, rc) : 0);
}

static int category_update(struct rest_call *call, int64_t id, const char *name, bool has_sort, int64_t sort)
{
	if (rest_tx_begin(call))
		return -1;
	int rc = q_crm_category_update(call->st, DEAL_TYPE_ID, id, name, has_sort, sort);
	if (rc == STORE_NOTFOUND)
		return rest_tx_end(call, rest_fail(call, ERR_NOT_FOUND, "The pipeline %lld is not found", (long long)id));
	return rest_tx_end(call, rc ? rest_fail_store(call, rc) : 0);
}

/* Delete pipeline id and its stages; the default one and one holding deals are refused. */
static int category_delete(struct rest_call *call, int64_t id)
{
	if (id == 0)
		return rest_fail(call, ERR_CORE, "The default pipeline (ID 0) cannot be deleted; it can only be renamed");
	if (rest_tx_begin(call))
		return -1;
	struct q_crm_category_row row;
	if (load(call, id, &row))
		return rest_tx_end(call, -1);
	int64_t n_deals;
	int rc = q_crm_category_deal_count(call->st, id, &n_deals);
	if (rc)
		return rest_tx_end(call, rest_fail_store(call, rc));
	if (n_deals > 0)
		return rest_tx_end(call, rest_fail(call, ERR_CORE, "The pipeline %lld holds %lld deals: move or delete them first",
					      (long long)id, (long long)n_deals));
	rc = q_crm_category_stages_delete(call->st, id);
	if (!rc)
		rc = q_crm_category_delete(call->st, DEAL_TYPE_ID, id);
	/* a pipeline made later under this number starts from the roles' defaults */
	char entity[CRM_RIGHTS_ENTITY_MAX];
	if (!rc)
		rc = q_crm_perms_forget(call->st, crm_rights_entity(DEAL_TYPE_ID, id, entity, sizeof entity), NULL);
	return rest_tx_end(call, rc ? rest_fail_store(call, rc) : 0);
}

/* ---- crm.dealcategory.* (legacy) ---- */

/* A record as crm.dealcategory.get shows it: numbers as strings, IS_LOCKED Y/N. */
static json_t *legacy_record(struct rest_call *call, const struct q_crm_category_row *r)
{
	char id[24], sort[24];
	snprintf(id, sizeof id, "%lld", (long long)r->id);
	snprintf(sort, sizeof sort, "%lld", (long long)r->sort);
	return json_pack("{s:s,s:s,s:s,s:s,s:s}", "ID", id, "CREATED_DATE", rest_db_time_iso(call, r->created_at),
			 "NAME", r->name, "IS_LOCKED", r->is_locked ? "Y" : "N", "SORT", sort);
}

int rest_crm_dealcategory_fields(struct rest_call *call)
{
	json_t *out = json_object();
	for (size_t i = 0; i < q_crm_category_entity.n_fields; i++) {
		const struct query_field *f = &q_crm_category_entity.fields[i];
		if (f->flags & QF_HIDDEN)
			continue;
		const char *type = f->type == QT_INT ? "integer" : f->type == QT_CHAR ? "char"
				 : f->type == QT_DATETIME ? "datetime" : "string";
		json_t *d = json_object();
		json_object_set_new(d, "type", json_string(type));
		json_object_set_new(d, "isRequired", json_boolean(f->flags & QF_REQUIRED));
		json_object_set_new(d, "isReadOnly", json_boolean(f->flags & QF_READONLY));
		json_object_set_new(d, "isImmutable", json_false());
		json_object_set_new(d, "isMultiple", json_false());
		json_object_set_new(d, "isDynamic", json_false());
		json_object_set_new(d, "title", json_string(f->title));
		json_object_set_new(out, f->name, d);
	}
	call->result = out;
	return 0;
}

static int add_cond(struct rest_call *call, struct query *q, const char *field, enum query_op op, int64_t i)
{
	struct query_value *v = arena_alloc(call->arena, sizeof *v);
	if (!v)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	*v = (struct query_value){.kind = QV_INT, .i = i};
	struct query_cond c = {.field = cfield(field), .op = op, .values = v, .n_values = 1};
	return query_add_cond(q, &c) ? rest_fail(call, ERR_INTERNAL, "Out of memory") : 0;
}

/* crm.dealcategory.list(order, filter, select, start): the pipelines other than the default
 * one, as Bitrix24 lists them. */
int rest_crm_dealcategory_list(struct rest_call *call)
{
	struct query q;
	query_init(&q, call->arena, &q_crm_category_entity);
	if (add_cond(call, &q, "ENTITY_TYPE_ID", QOP_EQ, DEAL_TYPE_ID) || add_cond(call, &q, "ID", QOP_GT, 0))
		return -1;
	if (rest_filter_parse(call, &q, rest_param(call, "FILTER")) ||
	    rest_order_parse(call, &q, rest_param(call, "ORDER")) || rest_select_parse(call, &q, rest_param(call, "SELECT")))
		return -1;
	return rest_list_run(call, &q, NULL, NULL);
}

int rest_crm_dealcategory_get(struct rest_call *call)
{
	int64_t id;
	struct q_crm_category_row row;
	if (id_param(call, &id) || load(call, id, &row))
		return -1;
	call->result = legacy_record(call, &row);
	return 0;
}

int rest_crm_dealcategory_add(struct rest_call *call)
{
	json_t *fields = rest_param(call, "FIELDS");
	const char *name;
	bool has_sort;
	int64_t sort, id;
	if (read_fields(call, fields ? fields : call->params, &name, &has_sort, &sort) ||
	    category_add(call, name, has_sort, sort, &id))
		return -1;
	call->result = json_integer(id);
	return 0;
}

int rest_crm_dealcategory_update(struct rest_call *call)
{
	int64_t id, sort;
	const char *name;
	bool has_sort;
	if (id_param(call, &id) || read_fields(call, rest_param(call, "FIELDS"), &name, &has_sort, &sort) ||
	    category_update(call, id, name, has_sort, sort))
		return -1;
	call->result = json_true();
	return 0;
}

int rest_crm_dealcategory_delete(struct rest_call *call)
{
	int64_t id;
	if (id_param(call, &id) || category_delete(call, id))
		return -1;
	call->result = json_true();
	return 0;
}

/* crm.dealcategory.stage.list(id): crm.status.list of the pipeline's stage list, by SORT. */
int rest_crm_dealcategory_stage_list(struct rest_call *call)
{
	int64_t id;
	struct q_crm_category_row row;
	if (id_param(call, &id) || load(call, id, &row))
		return -1;
	char entity[40];
	if (id == 0)
		snprintf(entity, sizeof entity, "DEAL_STAGE");
	else
		snprintf(entity, sizeof entity, "DEAL_STAGE_%lld", (long long)id);
	json_t *p = rest_own(call, json_pack("{s:{s:s},s:{s:s}}", "FILTER", "ENTITY_ID", entity, "ORDER", "SORT", "ASC"));
	if (!p)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	call->params = p;
	return rest_crm_status_list(call);
}

int rest_crm_dealcategory_default_get(struct rest_call *call)
{
	struct q_crm_category_row row;
	if (load(call, 0, &row))
		return -1;
	call->result = json_pack("{s:i,s:s}", "ID", 0, "NAME", row.name);
	return 0;
}

/* crm.dealcategory.default.set(NAME): rename the default pipeline. */
int rest_crm_dealcategory_default_set(struct rest_call *call)
{
	json_t *v = pget(call->params, "NAME");
	if (!v || json_is_object(v) || json_is_array(v))
		return rest_fail(call, ERR_ARGUMENT, "NAME is not defined");
	const char *name = rest_json_text(call, v);
	if (check_name(call, name) || category_update(call, 0, name, false, 0))
		return -1;
	call->result = json_true();
	return 0;
}

/* ---- crm.category.* (current) ---- */

/* entityTypeId: only 2 (deals) so far. */
static int entity_type_param(struct rest_call *call)
{
	int64_t t;
	int r = int_value(call, pget(call->params, "entityTypeId"), "entityTypeId", &t);
	if (r < 0)
		return -1;
	if (r == 1)
		return rest_fail(call, ERR_ARGUMENT, "entityTypeId is not defined");
	if (t != DEAL_TYPE_ID)
		return rest_fail(call, ERR_ARGUMENT, "entityTypeId %lld has no pipelines here: only deals (2) do",
				 (long long)t);
	return 0;
}

static json_t *camel_record(const struct q_crm_category_row *r)
{
	return json_pack("{s:I,s:s,s:I,s:I,s:s,s:s,s:s}", "id", (json_int_t)r->id, "name", r->name, "sort",
			 (json_int_t)r->sort, "entityTypeId", (json_int_t)r->entity_type_id, "isDefault",
			 r->is_default ? "Y" : "N", "originId", "", "originatorId", "");
}

/* Answer {"category": {…}} for pipeline id. */
static int answer_category(struct rest_call *call, int64_t id)
{
	struct q_crm_category_row row;
	if (load(call, id, &row))
		return -1;
	call->result = json_pack("{s:o}", "category", camel_record(&row));
	return 0;
}

int rest_crm_category_fields(struct rest_call *call)
{
	if (entity_type_param(call))
		return -1;
	static const struct {
		const char *name, *type, *title;
		bool is_required, is_readonly;
	} fields[] = {
		{"id", "integer", "ID", false, true},
		{"name", "string", "Name", true, false},
		{"sort", "integer", "Sort", false, false},
		{"entityTypeId", "integer", "Entity type", false, true},
		{"isDefault", "boolean", "Default", false, true},
		{"originId", "string", "Origin ID", false, true},
		{"originatorId", "string", "Originator ID", false, true},
	};
	json_t *out = json_object();
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		json_object_set_new(out, fields[i].name,
				    json_pack("{s:s,s:b,s:b,s:b,s:b,s:s}", "type", fields[i].type, "isRequired",
					      fields[i].is_required, "isReadOnly", fields[i].is_readonly, "isImmutable", 0,
					      "isMultiple", 0, "title", fields[i].title));
	call->result = json_pack("{s:o}", "fields", out);
	return 0;
}

/* crm.category.list(entityTypeId): every pipeline, the default included, by sort. */
int rest_crm_category_list(struct rest_call *call)
{
	if (entity_type_param(call))
		return -1;
	struct q_crm_category_row *rows;
	size_t n;
	int rc = q_crm_category_all(call->st, call->arena, DEAL_TYPE_ID, &rows, &n);
	if (rc)
		return rest_fail_store(call, rc);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, camel_record(&rows[i]));
	call->result = json_pack("{s:o}", "categories", arr);
	call->total = (int64_t)n;
	return 0;
}

int rest_crm_category_get(struct rest_call *call)
{
	int64_t id;
	if (entity_type_param(call) || id_param(call, &id))
		return -1;
	return answer_category(call, id);
}

int rest_crm_category_add(struct rest_call *call)
{
	const char *name;
	bool has_sort;
	int64_t sort, id;
	if (entity_type_param(call) || read_fields(call, pget(call->params, "fields"), &name, &has_sort, &sort) ||
	    category_add(call, name, has_sort, sort, &id))
		return -1;
	return answer_category(call, id);
}

int rest_crm_category_update(struct rest_call *call)
{
	int64_t id, sort;
	const char *name;
	bool has_sort;
	if (entity_type_param(call) || id_param(call, &id) ||
	    read_fields(call, pget(call->params, "fields"), &name, &has_sort, &sort) ||
	    category_update(call, id, name, has_sort, sort))
		return -1;
	return answer_category(call, id);
}

int rest_crm_category_delete(struct rest_call *call)
{
	int64_t id;
	if (entity_type_param(call) || id_param(call, &id) || category_delete(call, id))
		return -1;
	call->result = json_null();
	return 0;
}
