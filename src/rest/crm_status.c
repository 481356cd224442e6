/* crm_status.c — the crm.status.* methods (L1/L3): Bitrix24's reference lists (lead statuses,
 * sources, contact and company types, industries, deal types) and the stages of the default deal
 * pipeline, one table (crm_status) read through the filter engine. Writes keep each stage list
 * (STATUS, DEAL_STAGE) whole: at least one in-progress stage, first by SORT; exactly one success
 * stage; at least one failure stage; in that order. System items are renamed and recoloured,
 * never deleted, and keep their STATUS_ID (and, for the finals, their SEMANTICS). The stages of
 * deal pipeline n > 0 are the list DEAL_STAGE_{n} (rest/crm_category.c creates and removes it):
 * the DEAL_STAGE rules with STATUS_ID prefixed "C{n}:". */
#include "rest/rest.h"
#include "crm/rights.h"
#include "store/q_crm_perms.h"
#include "rest/filter.h"
#include "core/arena.h"
#include "store/q_crm_category.h"
#include "store/q_crm_status.h"
#include "store/q_crm_item.h"
#include "store/store.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The lists this server knows, as crm.status.entity.types shows them. */
struct status_type {
	const char *id;        /* ENTITY_ID */
	const char *name;      /* as the Russian edition of Bitrix24 names the list */
	bool is_stage;         /* has SEMANTICS, EXTRA and SEMANTIC_INFO, and the stage invariants */
	int entity_type_id;    /* the CRM type whose stages these are (1 lead, 2 deal); 0 none */
	size_t max_len;        /* of a STATUS_ID: Bitrix24 allows 21 for lead, 22 for deal stages, 50 else */
	bool is_code;          /* STATUS_ID limited to [A-Za-z0-9_-] (stage ids travel in URLs and filters) */
	/* The factory final stages (system items, so their STATUS_ID never changes): they keep their
	 * SEMANTICS, so the list always has its success and failure ends. Other system stages may
	 * change theirs (a process stage made a failure and back). */
	const char *const *finals;
};

static const char *const status_finals[] = {"CONVERTED", "JUNK", NULL};
static const char *const deal_stage_finals[] = {"WON", "LOSE", "APOLOGY", NULL};

static const struct status_type status_types[] = {
	{"STATUS", "Статусы", true, 1, 21, true, status_finals},
	{"SOURCE", "Источники", false, 0, 50, false, NULL},
	{"CONTACT_TYPE", "Тип контакта", false, 0, 50, false, NULL},
	{"COMPANY_TYPE", "Тип компании", false, 0, 50, false, NULL},
	{"INDUSTRY", "Сфера деятельности", false, 0, 50, false, NULL},
	{"DEAL_TYPE", "Тип сделки", false, 0, 50, false, NULL},
	{"DEAL_STAGE", "Стадии сделки", true, 2, 22, true, deal_stage_finals},
	{"EMPLOYEES", "Кол-во сотрудников", false, 0, 50, false, NULL},
	{"HONORIFIC", "Обращения", false, 0, 50, false, NULL},
};
#define N_TYPES (sizeof status_types / sizeof status_types[0])

static const struct status_type *status_type_find(const char *id)
{
	for (size_t i = 0; id && i < N_TYPES; i++)
		if (!strcmp(status_types[i].id, id))
			return &status_types[i];
	return NULL;
}

/* n for "DEAL_STAGE_{n}" with n > 0 (a pipeline's stage list), else 0. */
static int64_t deal_category_of(const char *id)
{
	static const char pre[] = "DEAL_STAGE_";
	if (!id || strncmp(id, pre, sizeof pre - 1))
		return 0;
	int64_t n = 0;
	const char *p = id + sizeof pre - 1;
	if (!*p || *p == '0')
		return 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || n > 100000000)
			return 0;
		n = n * 10 + (*p - '0');
	}
	return n;
}

/* The type of a list, the stage lists of pipelines included (buf holds those: DEAL_STAGE's
 * rules under the id DEAL_STAGE_{n}). Whether pipeline n exists is the caller's question. */
static const struct status_type *status_type_any(const char *id, struct status_type *buf)
{
	const struct status_type *t = status_type_find(id);
	if (t || !deal_category_of(id))
		return t;
	*buf = *status_type_find("DEAL_STAGE");
	buf->id = id;
	return buf;
}

/* The part of a STATUS_ID after the pipeline's "C{n}:" prefix (all of it for other lists). */
static const char *status_id_suffix(const struct status_type *t, const char *sid)
{
	int64_t n = deal_category_of(t->id);
	char pre[32];
	snprintf(pre, sizeof pre, "C%lld:", (long long)n);
	return n && !strncmp(sid, pre, strlen(pre)) ? sid + strlen(pre) : sid;
}

static bool is_factory_final(const struct status_type *t, const char *status_id)
{
	status_id = status_id_suffix(t, status_id);
	for (const char *const *f = t->finals; f && *f; f++)
		if (!strcmp(*f, status_id))
			return true;
	return false;
}

static const struct query_field *sfield(const char *name)
{
	return query_field_find(&q_crm_status_entity, name);
}

/* ---- reading ---- */

/* What the row callback needs: each stage list's summary, for EXTRA.SEMANTICS "apology". */
struct status_rows {
	struct q_crm_status_summary sum[N_TYPES];
	char pipeline_id[Q_CRM_STATUS_ID_MAX];  /* the DEAL_STAGE_{n} list pipeline_sum is of; "" none */
	struct q_crm_status_summary pipeline_sum;
};

static int rows_init(struct rest_call *call, struct status_rows *r)
{
	r->pipeline_id[0] = 0;
	for (size_t i = 0; i < N_TYPES; i++) {
		memset(&r->sum[i], 0, sizeof r->sum[i]);
		if (!status_types[i].is_stage)
			continue;
		int rc = q_crm_status_summary(call->st, status_types[i].id, &r->sum[i]);
		if (rc)
			return rest_fail_store(call, rc);
	}
	return 0;
}

/* A record as Bitrix24 shows it: numbers as strings, SYSTEM Y/N, EXTRA for stages. */
static json_t *status_row(struct rest_call *call, struct query *q, struct stmt *s, const struct query_field **cols,
			  size_t n_cols, void *ctx)
{
	(void)q;
	struct status_rows *rows = ctx;
	json_t *row = json_object();
	const char *entity = NULL, *semantics = NULL;
	json_t *color = NULL;
	for (size_t i = 0; i < n_cols; i++) {
		int col = (int)i + 1;
		json_t *v;
		if (!strcmp(cols[i]->name, "SYSTEM"))
			v = json_string(store_col_int(s, col) ? "Y" : "N");
		else
			v = rest_field_json(call, cols[i], s, col);
		if (!strcmp(cols[i]->name, "ENTITY_ID"))
			entity = arena_strdup(call->arena, store_col_text(s, col));
		else if (!strcmp(cols[i]->name, "SEMANTICS"))
			semantics = store_col_isnull(s, col) ? "" : arena_strdup(call->arena, store_col_text(s, col));
		else if (!strcmp(cols[i]->name, "COLOR"))
			color = v;
		json_object_set_new(row, cols[i]->name, v);
	}
	struct status_type buf;
	const struct status_type *t = status_type_any(entity, &buf);
	if (t && t->is_stage && semantics) {
		const struct q_crm_status_summary *sum;
		if (t != &buf) {
			sum = &rows->sum[t - status_types];
		} else {
			if (strcmp(rows->pipeline_id, t->id)) {
				int rc = q_crm_status_summary(call->st, t->id, &rows->pipeline_sum);
				if (rc) {
					json_decref(row);
					rest_fail_store(call, rc);
					return NULL;
				}
				snprintf(rows->pipeline_id, sizeof rows->pipeline_id, "%s", t->id);
			}
			sum = &rows->pipeline_sum;
		}
		const char *sem = "process";
		if (*semantics == 'S')
			sem = "success";
		else if (*semantics == 'F')
			sem = store_col_int(s, 0) == sum->failure_row ? "failure" : "apology";
		json_t *extra = json_object();
		json_object_set_new(extra, "SEMANTICS", json_string(sem));
		json_object_set(extra, "COLOR", color ? color : json_null());
		json_object_set_new(row, "EXTRA", extra);
	}
	return row;
}

/* Run q and answer every row (no paging: Bitrix24's crm.status.list has none). */
static int run_all(struct rest_call *call, struct query *q, rest_row_fn row, void *ctx, json_t **out)
{
	json_t *arr = rest_own(call, json_array());
	if (!arr)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	size_t n_cols;
	const struct query_field **cols = query_columns(q, &n_cols);
	struct stmt *s;
	int rc = cols ? query_open(call->st, q, &s) : STORE_TOOBIG;
	if (rc)
		return rc == STORE_TOOBIG ? rest_fail(call, ERR_ARGUMENT, "The filter is too big") : rest_fail_store(call, rc);
	while ((rc = store_step(s)) == STORE_ROW) {
		json_t *r = row(call, q, s, cols, n_cols, ctx);
		if (!r) {
			store_reset(s);
			return call->err_desc ? -1 : rest_fail(call, ERR_INTERNAL, "Out of memory");
		}
		json_array_append_new(arr, r);
	}
	store_reset(s);
	if (rc < 0)
		return rest_fail_store(call, rc);
	*out = arr;
	return 0;
}

static int add_eq(struct rest_call *call, struct query *q, const char *field, struct query_value val)
{
	struct query_value *v = arena_alloc(call->arena, sizeof *v);
	if (!v)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	*v = val;
	struct query_cond c = {.field = sfield(field), .op = QOP_EQ, .values = v, .n_values = 1};
	return query_add_cond(q, &c) ? rest_fail(call, ERR_INTERNAL, "Out of memory") : 0;
}

int rest_crm_status_list(struct rest_call *call)
{
	struct query q;
	query_init(&q, call->arena, &q_crm_status_entity);
	if (rest_filter_parse(call, &q, rest_param(call, "FILTER")) || rest_order_parse(call, &q, rest_param(call, "ORDER")))
		return -1;
	struct status_rows rows;
	json_t *out;
	if (rows_init(call, &rows) || run_all(call, &q, status_row, &rows, &out))
		return -1;
	call->result = json_incref(out);
	return 0;
}

/* The ID parameter (the numeric row id, not STATUS_ID): 0 and *id, or the call failed. */
static int status_id_param(struct rest_call *call, int64_t *id)
{
	int r = rest_param_int(call, "ID", id);
	if (r < 0)
		return -1;
	if (r == 1 || *id <= 0)
		return rest_fail(call, ERR_ARGUMENT, "ID is not defined or invalid.");
	return 0;
}

int rest_crm_status_get(struct rest_call *call)
{
	int64_t id;
	if (status_id_param(call, &id))
		return -1;
	struct query q;
	query_init(&q, call->arena, &q_crm_status_entity);
	if (add_eq(call, &q, "ID", (struct query_value){.kind = QV_INT, .i = id}))
		return -1;
	struct status_rows rows;
	json_t *out;
	if (rows_init(call, &rows) || run_all(call, &q, status_row, &rows, &out))
		return -1;
	if (json_array_size(out) == 0)
		return rest_fail(call, ERR_NOT_FOUND, "Not found");
	call->result = json_incref(json_array_get(out, 0));
	return 0;
}

int rest_crm_status_fields(struct rest_call *call)
{
	json_t *out = json_object();
	for (size_t i = 0; i < q_crm_status_entity.n_fields; i++) {
		const struct query_field *f = &q_crm_status_entity.fields[i];
		json_t *d = json_object();
		const char *type = f->type == QT_INT ? "integer" : f->type == QT_BOOL ? "char" : "string";
		json_object_set_new(d, "type", json_string(type));
		json_object_set_new(d, "isRequired", json_boolean(f->flags & QF_REQUIRED));
		json_object_set_new(d, "isReadOnly", json_boolean(f->flags & QF_READONLY));
		json_object_set_new(d, "isImmutable", json_boolean(!strcmp(f->name, "ENTITY_ID")));
		json_object_set_new(d, "isMultiple", json_false());
		json_object_set_new(d, "isDynamic", json_false());
		json_object_set_new(d, "title", json_string(f->title));
		json_object_set_new(out, f->name, d);
	}
	call->result = out;
	return 0;
}

/* SEMANTIC_INFO of a stage list, set on o. */
static int semantic_info(struct rest_call *call, const char *entity, json_t *o)
{
	struct q_crm_status_summary sum;
	int rc = q_crm_status_summary(call->st, entity, &sum);
	if (rc)
		return rest_fail_store(call, rc);
	json_t *info = json_object();
	json_object_set_new(info, "START_FIELD", json_string(sum.start_id));
	json_object_set_new(info, "FINAL_SUCCESS_FIELD", json_string(sum.success_id));
	json_object_set_new(info, "FINAL_UNSUCCESS_FIELD", json_string(sum.failure_id));
	json_object_set_new(info, "FINAL_SORT", json_integer(sum.success_sort));
	json_object_set_new(o, "SEMANTIC_INFO", info);
	return 0;
}

/* The stage lists of the deal pipelines other than the default one, appended to out. */
static int pipeline_types(struct rest_call *call, json_t *out)
{
	struct q_crm_category_row *cats;
	size_t n;
	int rc = q_crm_category_all(call->st, call->arena, 2, &cats, &n);
	if (rc)
		return rest_fail_store(call, rc);
	for (size_t i = 0; i < n; i++) {
		if (cats[i].id == 0)
			continue;
		long long id = (long long)cats[i].id;
		char *eid = arena_printf(call->arena, "DEAL_STAGE_%lld", id);
		char *name = arena_printf(call->arena, "Стадии сделки (%s)", cats[i].name);
		char *prefix = arena_printf(call->arena, "C%lld", id);
		char *scope = arena_printf(call->arena, "category_%lld", id);
		char *cid = arena_printf(call->arena, "%lld", id);
		if (!eid || !name || !prefix || !scope || !cid)
			return rest_fail(call, ERR_INTERNAL, "Out of memory");
		json_t *o = json_object();
		json_object_set_new(o, "ID", json_string(eid));
		json_object_set_new(o, "NAME", json_string(name));
		json_object_set_new(o, "PARENT_ID", json_string("DEAL_STAGE"));
		if (semantic_info(call, eid, o)) {
			json_decref(o);
			return -1;
		}
		json_object_set_new(o, "PREFIX", json_string(prefix));
		json_object_set_new(o, "FIELD_ATTRIBUTE_SCOPE", json_string(scope));
		json_object_set_new(o, "ENTITY_TYPE_ID", json_integer(2));
		json_object_set_new(o, "CATEGORY_ID", json_string(cid));
		json_array_append_new(out, o);
	}
	return 0;
}

int rest_crm_status_entity_types(struct rest_call *call)
{
	json_t *out = rest_own(call, json_array());
	if (!out)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	for (size_t i = 0; i < N_TYPES; i++) {
		const struct status_type *t = &status_types[i];
		json_t *o = json_object();
		json_object_set_new(o, "ID", json_string(t->id));
		json_object_set_new(o, "NAME", json_string(t->name));
		if (t->is_stage) {
			if (semantic_info(call, t->id, o)) {
				json_decref(o);
				return -1;
			}
			if (t->entity_type_id == 2) {
				json_object_set_new(o, "PREFIX", json_string(""));
				json_object_set_new(o, "FIELD_ATTRIBUTE_SCOPE", json_string(""));
			}
			json_object_set_new(o, "ENTITY_TYPE_ID", json_integer(t->entity_type_id));
			if (t->entity_type_id == 2)
				json_object_set_new(o, "CATEGORY_ID", json_integer(0));
		}
		json_array_append_new(out, o);
	}
	if (pipeline_types(call, out))
		return -1;
	call->result = json_incref(out);
	return 0;
}

/* crm.status.entity.items(entityId): {NAME, SORT, STATUS_ID} by SORT; an unknown list is empty. */
int rest_crm_status_entity_items(struct rest_call *call)
{
	const char *entity = rest_param_str(call, "ENTITYID");
	if (!entity || !*entity)
		return rest_fail(call, ERR_ARGUMENT, "entityId is not defined");
	struct query q;
	query_init(&q, call->arena, &q_crm_status_entity);
	if (add_eq(call, &q, "ENTITY_ID", (struct query_value){.kind = QV_TEXT, .s = entity}))
		return -1;
	if (query_add_order(&q, sfield("SORT"), false) || query_add_select(&q, sfield("NAME")) ||
	    query_add_select(&q, sfield("SORT")) || query_add_select(&q, sfield("STATUS_ID")))
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	json_t *out;
	if (run_all(call, &q, rest_row_json, NULL, &out))
		return -1;
	call->result = json_incref(out);
	return 0;
}

/* ---- writing ---- */

/* A text field: 0 and *out (NULL for null or absent, "" for empty); -1 if not text. */
static int text_field(struct rest_call *call, json_t *fields, const char *name, const char **out)
{
	json_t *v = rest_field_ci(fields, name);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_object(v) || json_is_array(v))
		return rest_fail(call, ERR_ARGUMENT, "%s must be a text value", name);
	*out = rest_json_text(call, v);
	return 0;
}

static int check_status_id(struct rest_call *call, const struct status_type *t, const char *sid)
{
	if (!sid || !*sid)
		return rest_fail(call, ERR_ARGUMENT, "STATUS_ID is not defined");
	sid = status_id_suffix(t, sid);
	if (!*sid)
		return rest_fail(call, ERR_ARGUMENT, "STATUS_ID is not defined");
	if (strlen(sid) > t->max_len)
		return rest_fail(call, ERR_ARGUMENT, "STATUS_ID of %s is at most %zu characters", t->id, t->max_len);
	for (const char *p = sid; t->is_code && *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '-'))
			return rest_fail(call, ERR_ARGUMENT, "STATUS_ID of %s may hold only letters A-Z, digits, _ and -",
					 t->id);
	return 0;
}

static int check_unique(struct rest_call *call, const struct status_type *t, const char *sid, int64_t except)
{
	bool taken;
	int rc = q_crm_status_taken(call->st, t->id, sid, except, &taken);
	if (rc)
		return rest_fail_store(call, rc);
	return taken ? rest_fail(call, ERR_CORE, "STATUS_ID '%s' already exists in %s", sid, t->id) : 0;
}

/* COLOR: "#RGB" or "#RRGGBB"; empty clears it. */
static int color_value(struct rest_call *call, const char *c, struct query_value *out)
{
	if (!c || !*c) {
		*out = (struct query_value){.kind = QV_NULL};
		return 0;
	}
	size_t n = strlen(c);
	bool ok = c[0] == '#' && (n == 4 || n == 7);
	for (size_t i = 1; ok && i < n; i++)
		ok = (c[i] >= '0' && c[i] <= '9') || (c[i] >= 'a' && c[i] <= 'f') || (c[i] >= 'A' && c[i] <= 'F');
	if (!ok)
		return rest_fail(call, ERR_ARGUMENT, "COLOR must be #RRGGBB, not '%s'", c);
	*out = (struct query_value){.kind = QV_TEXT, .s = c};
	return 0;
}

/* SEMANTICS: "" or "P" in progress (stored NULL, as Bitrix24 shows it), "S", "F" (stage lists only). */
static int semantics_value(struct rest_call *call, const struct status_type *t, const char *v, struct query_value *out)
{
	*out = (struct query_value){.kind = QV_NULL};
	if (!v || !*v || !strcasecmp(v, "P"))
		return 0;
	if (strcasecmp(v, "S") && strcasecmp(v, "F"))
		return rest_fail(call, ERR_ARGUMENT, "SEMANTICS must be empty (in progress), S (success) or F (failure)");
	if (!t->is_stage)
		return rest_fail(call, ERR_ARGUMENT, "%s is not a stage list: SEMANTICS must be empty", t->id);
	*out = (struct query_value){.kind = QV_TEXT, .s = (v[0] == 's' || v[0] == 'S') ? "S" : "F"};
	return 0;
}

static int sort_value(struct rest_call *call, json_t *fields, bool *given, int64_t *sort)
{
	json_t *v = rest_field_ci(fields, "SORT");
	*given = false;
	if (!v)
		return 0;
	struct query_value qv;
	if (rest_value_parse(call, sfield("SORT"), v, &qv))
		return -1;
	if (qv.kind == QV_NULL)
		return 0;
	if (qv.i < -2147483647 || qv.i > 2147483647)
		return rest_fail(call, ERR_ARGUMENT, "SORT is out of range");
	*given = true;
	*sort = qv.i;
	return 0;
}

/* After a change inside the write transaction: does the stage list still hold together? */
static int check_stages(struct rest_call *call, const struct status_type *t)
{
	if (!t->is_stage)
		return 0;
	struct q_crm_status_summary sum;
	int rc = q_crm_status_summary(call->st, t->id, &sum);
	if (rc)
		return rest_fail_store(call, rc);
	if (sum.n_process == 0)
		return rest_fail(call, ERR_CORE, "%s must keep at least one in-progress stage", t->id);
	if (sum.n_success != 1)
		return rest_fail(call, ERR_CORE, "%s must have exactly one success stage (SEMANTICS S)", t->id);
	if (sum.n_failure == 0)
		return rest_fail(call, ERR_CORE, "%s must keep at least one failure stage (SEMANTICS F)", t->id);
	if (sum.first_semantics != 'P')
		return rest_fail(call, ERR_CORE, "The first stage of %s by SORT must be an in-progress one", t->id);
	if (!sum.is_ordered)
		return rest_fail(call, ERR_CORE,
				 "Stages of %s must be sorted: in-progress ones, then the success stage, then failure stages",
				 t->id);
	return 0;
}

/* For DEAL_STAGE_{n}: sid with the "C{n}:" prefix, added when missing (as Bitrix24 does). */
static const char *with_prefix(struct rest_call *call, const struct status_type *t, const char *sid)
{
	int64_t n = deal_category_of(t->id);
	if (!n || !sid || !*sid || status_id_suffix(t, sid) != sid)
		return sid;
	const char *p = arena_printf(call->arena, "C%lld:%s", (long long)n, sid);
	return p ? p : sid;
}

static int status_add(struct rest_call *call, int64_t *id)
{
	json_t *fields = rest_write_fields(call);
	const char *entity, *sid, *name, *color, *sem;
	if (text_field(call, fields, "ENTITY_ID", &entity) || text_field(call, fields, "STATUS_ID", &sid) ||
	    text_field(call, fields, "NAME", &name) || text_field(call, fields, "COLOR", &color) ||
	    text_field(call, fields, "SEMANTICS", &sem))
		return -1;
	if (!entity || !*entity)
		return rest_fail(call, ERR_ARGUMENT, "ENTITY_ID is not defined");
	struct status_type buf;
	const struct status_type *t = status_type_any(entity, &buf);
	int64_t category = deal_category_of(entity);
	if (t == &buf) {
		struct q_crm_category_row cat;
		int rc = q_crm_category_get(call->st, 2, category, &cat);
		if (rc == STORE_NOTFOUND)
			t = NULL;
		else if (rc)
			return rest_fail_store(call, rc);
	}
	if (!t)
		return rest_fail(call, ERR_ARGUMENT,
				 "ENTITY_ID '%s' is not a known list (STATUS, SOURCE, CONTACT_TYPE, COMPANY_TYPE, INDUSTRY, "
				 "DEAL_TYPE, DEAL_STAGE, DEAL_STAGE_{n} of an existing pipeline n)",
				 entity);
	sid = with_prefix(call, t, sid);
	if (check_status_id(call, t, sid))
		return -1;
	if (!name || !*name)
		return rest_fail(call, ERR_ARGUMENT, "NAME is not defined");
	bool has_sort;
	int64_t sort = 10;
	struct query_value cv, sv;
	if (sort_value(call, fields, &has_sort, &sort) || color_value(call, color, &cv) ||
	    semantics_value(call, t, sem, &sv))
		return -1;
	if (check_unique(call, t, sid, 0))
		return -1;
	struct query_set sets[] = {
		{sfield("ENTITY_ID"), {.kind = QV_TEXT, .s = t->id}},
		{sfield("STATUS_ID"), {.kind = QV_TEXT, .s = sid}},
		{sfield("NAME"), {.kind = QV_TEXT, .s = name}},
		{sfield("SORT"), {.kind = QV_INT, .i = sort}},
		{sfield("COLOR"), cv},
		{sfield("SEMANTICS"), sv},
		{sfield("CATEGORY_ID"), category ? (struct query_value){.kind = QV_INT, .i = category}
						 : (struct query_value){.kind = QV_NULL}},
	};
	int rc = query_insert(call->st, call->arena, &q_crm_status_entity, sets, sizeof sets / sizeof sets[0], id);
	if (rc)
		return rest_fail_store(call, rc);
	return check_stages(call, t);
}

static int status_update(struct rest_call *call)
{
	int64_t id;
	if (status_id_param(call, &id))
		return -1;
	struct q_crm_status_row cur;
	int rc = q_crm_status_get(call->st, id, &cur);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Not found");
	if (rc)
		return rest_fail_store(call, rc);
	struct status_type buf;
	const struct status_type *t = status_type_any(cur.entity_id, &buf);
	if (!t)
		return rest_fail(call, ERR_CORE, "The list %s cannot be changed", cur.entity_id);
	json_t *fields = rest_write_fields(call);
	const char *sid, *name, *color, *sem;
	if (text_field(call, fields, "STATUS_ID", &sid) || text_field(call, fields, "NAME", &name) ||
	    text_field(call, fields, "COLOR", &color) || text_field(call, fields, "SEMANTICS", &sem))
		return -1;
	sid = with_prefix(call, t, sid);
	struct query_set sets[5];
	size_t n = 0;
	if (sid && strcmp(sid, cur.status_id)) {
		if (cur.is_system)
			return rest_fail(call, ERR_CORE, "%s is a system item of %s: its STATUS_ID cannot be changed",
					 cur.status_id, t->id);
		if (check_status_id(call, t, sid) || check_unique(call, t, sid, id))
			return -1;
		sets[n++] = (struct query_set){sfield("STATUS_ID"), {.kind = QV_TEXT, .s = sid}};
	}
	if (rest_field_ci(fields, "NAME")) {
		if (!name || !*name)
			return rest_fail(call, ERR_ARGUMENT, "NAME cannot be empty");
		sets[n++] = (struct query_set){sfield("NAME"), {.kind = QV_TEXT, .s = name}};
	}
	bool has_sort;
	int64_t sort;
	if (sort_value(call, fields, &has_sort, &sort))
		return -1;
	if (has_sort)
		sets[n++] = (struct query_set){sfield("SORT"), {.kind = QV_INT, .i = sort}};
	if (rest_field_ci(fields, "COLOR")) {
		struct query_value cv;
		if (color_value(call, color, &cv))
			return -1;
		sets[n++] = (struct query_set){sfield("COLOR"), cv};
	}
	if (rest_field_ci(fields, "SEMANTICS")) {
		struct query_value sv;
		if (semantics_value(call, t, sem, &sv))
			return -1;
		char now = sv.kind == QV_NULL ? 'P' : sv.s[0];
		if (cur.is_system && is_factory_final(t, cur.status_id) && now != cur.semantics)
			return rest_fail(call, ERR_CORE, "%s is a system final stage of %s: its SEMANTICS cannot be changed",
					 cur.status_id, t->id);
		sets[n++] = (struct query_set){sfield("SEMANTICS"), sv};
	}
	rc = query_update(call->st, call->arena, &q_crm_status_entity, id, sets, n);
	if (rc)
		return rest_fail_store(call, rc);
	return check_stages(call, t);
}

static int status_delete(struct rest_call *call)
{
	int64_t id;
	if (status_id_param(call, &id))
		return -1;
	struct q_crm_status_row cur;
	int rc = q_crm_status_get(call->st, id, &cur);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Not found");
	if (rc)
		return rest_fail_store(call, rc);
	if (cur.is_system)
		return rest_fail(call, ERR_CORE, "%s is a system item of %s and cannot be deleted", cur.status_id,
				 cur.entity_id);
	int64_t used;
	if ((rc = q_crm_status_usage(call->st, cur.entity_id, cur.status_id, &used)))
		return rest_fail_store(call, rc);
	if (used > 0)
		return rest_fail(call, ERR_CORE, "%s of %s is used by %lld item(s); move them elsewhere first",
				 cur.status_id, cur.entity_id, (long long)used);
	rc = q_crm_status_delete(call->st, id);
	if (rc)
		return rest_fail_store(call, rc);
	/* a stage made later under this code starts from its entity's level in every role */
	char entity[CRM_RIGHTS_ENTITY_MAX];
	const char *rights_entity = NULL;
	if (!strcmp(cur.entity_id, "STATUS"))
		rights_entity = "LEAD";
	else if (!strcmp(cur.entity_id, "DEAL_STAGE"))
		rights_entity = crm_rights_entity(2, 0, entity, sizeof entity);
	else if (!strncmp(cur.entity_id, "DEAL_STAGE_", 11))
		rights_entity = crm_rights_entity(2, deal_category_of(cur.entity_id), entity, sizeof entity);
	if (rights_entity && (rc = q_crm_perms_forget(call->st, rights_entity, cur.status_id)))
		return rest_fail_store(call, rc);
	struct status_type buf;
	const struct status_type *t = status_type_any(cur.entity_id, &buf);
	return t ? check_stages(call, t) : 0;
}

/* Each write in one write transaction: the stage checks see the change and undo it. */
static int in_write_tx(struct rest_call *call, int (*fn)(struct rest_call *, int64_t *), int64_t *id)
{
	int rc = store_tx_begin_write(call->st);
	if (rc)
		return rest_fail_store(call, rc);
	if (fn(call, id)) {
		store_tx_rollback(call->st);
		return -1;
	}
	rc = store_tx_commit(call->st);
	return rc ? rest_fail_store(call, rc) : 0;
}

static int update_fn(struct rest_call *call, int64_t *id)
{
	(void)id;
	return status_update(call);
}

static int delete_fn(struct rest_call *call, int64_t *id)
{
	(void)id;
	return status_delete(call);
}

int rest_crm_status_add(struct rest_call *call)
{
	int64_t id;
	if (in_write_tx(call, status_add, &id))
		return -1;
	call->result = json_integer(id);
	return 0;
}

int rest_crm_status_update(struct rest_call *call)
{
	if (in_write_tx(call, update_fn, NULL))
		return -1;
	call->result = json_true();
	return 0;
}

int rest_crm_status_delete(struct rest_call *call)
{
	if (in_write_tx(call, delete_fn, NULL))
		return -1;
	call->result = json_true();
	return 0;
}
