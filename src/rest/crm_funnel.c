/* crm_funnel.c — sales funnels (D8, D9), kanban column headers and crm.stagehistory.list.
 *
 * A funnel is a pipeline's stages in their order (crm_status: STATUS for leads, DEAL_STAGE for
 * the default deal pipeline, DEAL_STAGE_{n} for pipeline n; by SORT) with the count, sum and
 * share of the items in each. The counts come from crm_stage_stats, which the write path keeps
 * in each item's transaction, so a funnel of a million deals reads a handful of rows; with a
 * filter (ASSIGNED_BY_ID, a DATE_CREATE range) they are counted from the items by GROUP BY.
 *
 * The two modes of Bitrix24's funnel page (admin manual, «Воронки продаж»):
 *   - classic: each stage counted alone — the items that are in it now;
 *   - conversion: a stage counts every item that reached it, read from where items are now:
 *     an in-progress stage counts its items, those of every later in-progress stage and the
 *     won ones; the success stage counts the won ones; a failure stage only its own (a lost item
 *     is not counted as having reached the stages before it: where it failed is not known from
 *     its current stage). So the first stage holds every item not lost, and the column shrinks
 *     towards the success stage.
 * Shares are percentages of all the pipeline's items (in work, won and lost); the totals split
 * them into in work (P), won (S) and lost (F), and the conversion is won / all. */
#include "rest/rest.h"
#include "rest/filter.h"
#include "core/arena.h"
#include "crm/access.h"
#include "store/q_crm_item.h"
#include "core/util.h"
#include "crm/crm.h"
#include "store/q_crm_category.h"
#include "store/q_crm_stats.h"
#include "store/q_crm_status.h"
#include "store/store.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_COMPARE 20 /* pipelines in one voronka.crm.funnel.compare */

enum funnel_mode { MODE_CLASSIC, MODE_CONVERSION };

static const struct {
	const char *name;
	enum funnel_mode mode;
} modes[] = {
	{"classic", MODE_CLASSIC},
	{"conversion", MODE_CONVERSION},
};

/* One column of a funnel. */
struct stage {
	const char *id, *name, *color; /* color NULL when the stage has none */
	char semantics;                /* 'P', 'S' or 'F' */
	int64_t n, cents;              /* items in it now and their OPPORTUNITY in cents */
};

struct funnel {
	struct stage *stages;
	size_t n_stages, cap;
};

static int oom(struct rest_call *call)
{
	return rest_fail(call, ERR_INTERNAL, "Out of memory");
}

/* ---- parameters ---- */

static json_t *param(struct rest_call *call, const char *name)
{
	return rest_field_ci(call->params, name);
}

/* An integer parameter: 0 and *out; 1 if absent; -1 (the call failed) if not an integer. */
static int int_param(struct rest_call *call, json_t *v, const char *name, int64_t *out)
{
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return 1;
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	const char *t = json_is_string(v) ? json_string_value(v) : NULL;
	if (!t || parse_i64(t, out))
		return rest_fail(call, ERR_ARGUMENT, "%s must be an integer", name);
	return 0;
}

/* entityTypeId: 1 (leads) or 2 (deals), the types with stages. */
static int type_param(struct rest_call *call, bool required, int64_t *type)
{
	int r = int_param(call, param(call, "entityTypeId"), "entityTypeId", type);
	if (r < 0)
		return -1;
	if (r == 1) {
		if (required)
			return rest_fail(call, ERR_ARGUMENT, "entityTypeId is not defined");
		*type = CRM_DEAL;
	}
	if (*type != CRM_LEAD && *type != CRM_DEAL)
		return rest_fail(call, ERR_ARGUMENT, "entityTypeId %lld is not supported: only leads (1) and deals (2) have stages",
				 (long long)*type);
	return 0;
}

/* A deal pipeline that exists (its name into *name), or 0 for leads. */
static int category_check(struct rest_call *call, int64_t type, int64_t category, const char **name)
{
	*name = NULL;
	if (type == CRM_LEAD) {
		if (category != 0)
			return rest_fail(call, ERR_ARGUMENT, "Leads have no pipelines: categoryId must be 0");
		return 0;
	}
	struct q_crm_category_row *row = arena_alloc(call->arena, sizeof *row);
	if (!row)
		return oom(call);
	int rc = q_crm_category_get(call->st, CRM_DEAL, category, row);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Pipeline %lld not found", (long long)category);
	if (rc)
		return rest_fail_store(call, rc);
	*name = row->name;
	return 0;
}

static int mode_param(struct rest_call *call, enum funnel_mode *mode)
{
	*mode = MODE_CLASSIC;
	json_t *v = param(call, "mode");
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return 0;
	const char *s = json_string_value(v);
	for (size_t i = 0; s && i < sizeof modes / sizeof modes[0]; i++)
		if (!strcasecmp(s, modes[i].name)) {
			*mode = modes[i].mode;
			return 0;
		}
	return rest_fail(call, ERR_ARGUMENT, "mode must be classic or conversion");
}

/* The DATE_CREATE bounds a filter may set: which end and whether it is strict. */
static const struct {
	const char *key;
	bool is_max, is_strict;
} date_keys[] = {
	{">=DATE_CREATE", false, false},
	{">DATE_CREATE", false, true},
	{"<=DATE_CREATE", true, false},
	{"<DATE_CREATE", true, true},
};

static const struct query_field date_field = {"DATE_CREATE", NULL, QT_DATETIME, QF_FILTER, "Created", NULL};
static const struct query_field assigned_field = {"ASSIGNED_BY_ID", NULL, QT_INT, QF_FILTER, "Responsible", NULL};

static int filter_assigned(struct rest_call *call, json_t *v, struct q_crm_stats_filter *f)
{
	size_t n = json_is_array(v) ? json_array_size(v) : 1;
	if (n > Q_CRM_STATS_MAX_ASSIGNED)
		return rest_fail(call, ERR_ARGUMENT, "ASSIGNED_BY_ID: at most %d values", Q_CRM_STATS_MAX_ASSIGNED);
	int64_t *ids = arena_alloc(call->arena, (n ? n : 1) * sizeof *ids);
	if (!ids)
		return oom(call);
	for (size_t i = 0; i < n; i++) {
		struct query_value qv;
		if (rest_value_parse(call, &assigned_field, json_is_array(v) ? json_array_get(v, i) : v, &qv))
			return -1;
		if (qv.kind != QV_INT)
			return rest_fail(call, ERR_ARGUMENT, "ASSIGNED_BY_ID must be a user ID or a list of them");
		ids[i] = qv.i;
	}
	f->assigned = ids;
	f->n_assigned = n;
	if (!n) /* an empty list matches no one */
		f->n_assigned = 1, ids[0] = 0;
	return 0;
}

static int filter_date(struct rest_call *call, size_t k, json_t *v, struct q_crm_stats_filter *f)
{
	struct query_value qv;
	if (rest_value_parse(call, &date_field, v, &qv))
		return -1;
	if (qv.kind != QV_TEXT)
		return rest_fail(call, ERR_ARGUMENT, "%s must be a date", date_keys[k].key);
	if (date_keys[k].is_max) {
		f->created_max = qv.s;
		f->max_strict = date_keys[k].is_strict;
	} else {
		f->created_min = qv.s;
		f->min_strict = date_keys[k].is_strict;
	}
	return 0;
}

/* filter: {ASSIGNED_BY_ID: id | [ids], ">=DATE_CREATE": date, "<=DATE_CREATE": date, …}.
 * *has gets whether anything was asked (otherwise the kept counts answer). */
static int filter_param(struct rest_call *call, struct q_crm_stats_filter *f, bool *has)
{
	memset(f, 0, sizeof *f);
	*has = false;
	json_t *v = param(call, "filter");
	if (!v || json_is_null(v) || (json_is_array(v) && !json_array_size(v)) ||
	    (json_is_string(v) && !*json_string_value(v)))
		return 0;
	if (!json_is_object(v))
		return rest_fail(call, ERR_ARGUMENT, "filter must be an object");
	const char *key;
	json_t *x;
	json_object_foreach(v, key, x)
	{
		const char *k = key;
		if (*k == '=' || *k == '@')
			k++;
		if (!strcasecmp(k, "ASSIGNED_BY_ID")) {
			if (filter_assigned(call, x, f))
				return -1;
			*has = true;
			continue;
		}
		size_t i = 0;
		while (i < sizeof date_keys / sizeof date_keys[0] && strcasecmp(key, date_keys[i].key))
			i++;
		if (i == sizeof date_keys / sizeof date_keys[0])
			return rest_fail(call, ERR_ARGUMENT,
					 "Unknown filter field %.60s: funnels filter on ASSIGNED_BY_ID and DATE_CREATE (>=, >, <=, <)",
					 key);
		if (filter_date(call, i, x, f))
			return -1;
		*has = true;
	}
	return 0;
}

/* ---- building a funnel ---- */

static struct stage *stage_add(struct rest_call *call, struct funnel *fu)
{
	if (fu->n_stages == fu->cap) {
		size_t cap = fu->cap ? fu->cap * 2 : 16;
		struct stage *more = arena_alloc(call->arena, cap * sizeof *more);
		if (!more)
			return NULL;
		if (fu->n_stages)
			memcpy(more, fu->stages, fu->n_stages * sizeof *more);
		fu->stages = more;
		fu->cap = cap;
	}
	struct stage *s = &fu->stages[fu->n_stages++];
	memset(s, 0, sizeof *s);
	s->semantics = 'P';
	return s;
}

static const char *status_entity(struct rest_call *call, int64_t type, int64_t category)
{
	if (type == CRM_LEAD)
		return "STATUS";
	if (category == 0)
		return "DEAL_STAGE";
	return arena_printf(call->arena, "DEAL_STAGE_%lld", (long long)category);
}

/* The pipeline's stages in order, from the reference list (through the filter engine). */
static int stages_load(struct rest_call *call, int64_t type, int64_t category, struct funnel *fu)
{
	const struct query_entity *e = &q_crm_status_entity;
	struct query q;
	query_init(&q, call->arena, e);
	struct query_value *v = arena_alloc(call->arena, sizeof *v);
	const char *entity = status_entity(call, type, category);
	if (!v || !entity)
		return oom(call);
	*v = (struct query_value){.kind = QV_TEXT, .s = entity};
	struct query_cond c = {.field = query_field_find(e, "ENTITY_ID"), .op = QOP_EQ, .values = v, .n_values = 1};
	static const char *const cols[] = {"STATUS_ID", "NAME", "COLOR", "SEMANTICS"};
	int rc = query_add_cond(&q, &c);
	for (size_t i = 0; !rc && i < sizeof cols / sizeof cols[0]; i++)
		rc = query_add_select(&q, query_field_find(e, cols[i]));
	if (!rc)
		rc = query_add_order(&q, query_field_find(e, "SORT"), false);
	struct stmt *s;
	if (!rc)
		rc = query_open(call->st, &q, &s);
	if (rc)
		return rest_fail_store(call, rc);
	while ((rc = store_step(s)) == STORE_ROW) {
		struct stage *st = stage_add(call, fu);
		if (!st) {
			store_reset(s);
			return oom(call);
		}
		st->id = arena_strdup(call->arena, store_col_text(s, 1));
		st->name = arena_strdup(call->arena, store_col_text(s, 2));
		st->color = store_col_isnull(s, 3) ? NULL : arena_strdup(call->arena, store_col_text(s, 3));
		const char *sem = store_col_text(s, 4);
		st->semantics = (*sem == 'S' || *sem == 'F') ? *sem : 'P';
		if (!st->id || !st->name) {
			store_reset(s);
			return oom(call);
		}
	}
	store_reset(s);
	return rc < 0 ? rest_fail_store(call, rc) : 0;
}

/* Put the counted rows into their stages. Items in a stage the list no longer has (removed
 * while it held items) still count: they get a column of their own at the end, in progress. */
static int stages_fill(struct rest_call *call, struct funnel *fu, const struct q_crm_stage_stat *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < fu->n_stages && strcmp(fu->stages[k].id, rows[i].stage_id))
			k++;
		struct stage *st;
		if (k < fu->n_stages) {
			st = &fu->stages[k];
		} else {
			st = stage_add(call, fu);
			if (!st || !(st->id = arena_strdup(call->arena, rows[i].stage_id)))
				return oom(call);
			st->name = st->id;
		}
		st->n += rows[i].n;
		st->cents += rows[i].sum_cents;
	}
	return 0;
}

/* The per-stage rows of a caller who does not see every item: counted from the items the rights
 * let through (their conditions in SQL, crm/access.h), with the funnel's own filter. */
struct visible_rows {
	struct rest_call *call;
	struct q_crm_stage_stat *rows;
	size_t n, cap;
};

static int visible_row(void *ctx, const char *stage, int64_t count, int64_t cents)
{
	struct visible_rows *v = ctx;
	if (!(v->rows = arena_grow(v->call->arena, v->rows, v->n, &v->cap, sizeof *v->rows)))
		return STORE_TOOBIG;
	struct q_crm_stage_stat *r = &v->rows[v->n++];
	snprintf(r->stage_id, sizeof r->stage_id, "%s", stage);
	r->n = count;
	r->sum_cents = cents;
	return 0;
}

static int add_eq(struct query *q, const char *field, struct query_value v)
{
	struct query_value *pv = arena_alloc(q->arena, sizeof *pv);
	if (!pv)
		return STORE_TOOBIG;
	*pv = v;
	struct query_cond c = {.field = query_field_find(q->ent, field), .op = QOP_EQ, .values = pv, .n_values = 1};
	return c.field ? query_add_cond(q, &c) : STORE_ERROR;
}

static int funnel_load_visible(struct rest_call *call, int64_t type, int64_t category, const struct q_crm_stats_filter *f,
			       struct funnel *fu)
{
	struct crm_ctx x = {.call = call, .t = crm_type_by_id(type)};
	struct query q;
	query_init(&q, call->arena, q_crm_item_static_entity(type));
	int rc = type == CRM_DEAL ? add_eq(&q, "CATEGORY_ID", (struct query_value){.kind = QV_INT, .i = category}) : 0;
	static const struct q_crm_stats_filter no_filter;
	if (!f) /* the kanban headers: no filter of their own */
		f = &no_filter;
	if (!rc && f->n_assigned) {
		struct query_value *vals = arena_alloc(call->arena, f->n_assigned * sizeof *vals);
		if (!vals)
			return oom(call);
		for (size_t i = 0; i < f->n_assigned; i++)
			vals[i] = (struct query_value){.kind = QV_INT, .i = f->assigned[i]};
		struct query_cond c = {.field = query_field_find(q.ent, "ASSIGNED_BY_ID"), .op = QOP_IN, .values = vals,
				       .n_values = f->n_assigned};
		rc = query_add_cond(&q, &c);
	}
	const char *bounds[2] = {f->created_min, f->created_max};
	enum query_op ops[2] = {f->min_strict ? QOP_GT : QOP_GE, f->max_strict ? QOP_LT : QOP_LE};
	for (int i = 0; !rc && i < 2; i++) {
		if (!bounds[i])
			continue;
		struct query_value *pv = arena_alloc(call->arena, sizeof *pv);
		if (!pv)
			return oom(call);
		*pv = (struct query_value){.kind = QV_TEXT, .s = bounds[i]};
		struct query_cond c = {.field = query_field_find(q.ent, "DATE_CREATE"), .op = ops[i], .values = pv,
				       .n_values = 1};
		rc = query_add_cond(&q, &c);
	}
	if (rc)
		return rest_fail_store(call, rc);
	bool none;
	if (crm_access_list(&x, &q, CRM_OP_READ, &none))
		return -1;
	struct visible_rows v = {.call = call};
	if (!none) {
		rc = query_group_sums(call->st, &q, query_field_find(q.ent, x.t->stage_field),
				      query_field_find(q.ent, "OPPORTUNITY"), visible_row, &v);
		if (rc)
			return rest_fail_store(call, rc);
	}
	return stages_fill(call, fu, v.rows, v.n);
}

static int funnel_load(struct rest_call *call, int64_t type, int64_t category, const struct q_crm_stats_filter *f,
		       bool filtered, struct funnel *fu)
{
	memset(fu, 0, sizeof *fu);
	if (stages_load(call, type, category, fu))
		return -1;
	struct q_crm_stage_stat *rows;
	size_t n;
	if (!crm_access_sees_all(call, (int)type, category))
		return call->err_desc ? -1 : funnel_load_visible(call, type, category, f, fu);
	int rc = filtered ? q_crm_stats_count(call->st, call->arena, type, category, f, &rows, &n)
			  : q_crm_stats_get(call->st, call->arena, type, category, &rows, &n);
	if (rc)
		return rest_fail_store(call, rc);
	return stages_fill(call, fu, rows, n);
}

static double percent(int64_t part, int64_t whole)
{
	return whole ? round((double)part * 10000.0 / (double)whole) / 100.0 : 0.0;
}

static json_t *money(int64_t cents)
{
	return json_real((double)cents / 100.0);
}

static json_t *count_sum(int64_t n, int64_t cents)
{
	json_t *o = json_object();
	json_object_set_new(o, "count", json_integer(n));
	json_object_set_new(o, "sum", money(cents));
	return o;
}

/* A stage as the kanban header shows it: code, name, colour, semantics, count, sum. */
static json_t *stage_json(const struct stage *s)
{
	char sem[2] = {s->semantics, 0};
	json_t *o = json_object();
	json_object_set_new(o, "STATUS_ID", json_string(s->id));
	json_object_set_new(o, "NAME", json_string(s->name));
	json_object_set_new(o, "COLOR", s->color ? json_string(s->color) : json_null());
	json_object_set_new(o, "SEMANTICS", json_string(sem));
	json_object_set_new(o, "count", json_integer(s->n));
	json_object_set_new(o, "sum", money(s->cents));
	return o;
}

struct totals {
	int64_t n[3], cents[3]; /* in work, won, lost */
	int64_t all_n, all_cents;
};

static int sem_index(char semantics)
{
	return semantics == 'S' ? 1 : semantics == 'F' ? 2 : 0;
}

/* Conversion mode: what reached stage i (see the top of the file). */
static void reached(const struct funnel *fu, size_t i, int64_t *n, int64_t *cents)
{
	const struct stage *s = &fu->stages[i];
	*n = s->n;
	*cents = s->cents;
	if (s->semantics != 'P')
		return;
	for (size_t k = 0; k < fu->n_stages; k++) {
		const struct stage *o = &fu->stages[k];
		if (k != i && ((o->semantics == 'P' && k > i) || o->semantics == 'S')) {
			*n += o->n;
			*cents += o->cents;
		}
	}
}

static json_t *funnel_json(const struct funnel *fu, enum funnel_mode mode)
{
	struct totals t = {0};
	for (size_t i = 0; i < fu->n_stages; i++) {
		int k = sem_index(fu->stages[i].semantics);
		t.n[k] += fu->stages[i].n;
		t.cents[k] += fu->stages[i].cents;
		t.all_n += fu->stages[i].n;
		t.all_cents += fu->stages[i].cents;
	}
	json_t *out = json_object(), *stages = json_array();
	for (size_t i = 0; i < fu->n_stages; i++) {
		json_t *o = stage_json(&fu->stages[i]);
		json_object_set_new(o, "share", json_real(percent(fu->stages[i].n, t.all_n)));
		if (mode == MODE_CONVERSION) {
			int64_t n, cents;
			reached(fu, i, &n, &cents);
			json_object_set_new(o, "reached", json_integer(n));
			json_object_set_new(o, "reachedSum", money(cents));
			json_object_set_new(o, "reachedShare", json_real(percent(n, t.all_n)));
		}
		json_array_append_new(stages, o);
	}
	json_object_set_new(out, "mode", json_string(mode == MODE_CONVERSION ? "conversion" : "classic"));
	json_object_set_new(out, "stages", stages);
	json_object_set_new(out, "total", count_sum(t.all_n, t.all_cents));
	json_object_set_new(out, "inWork", count_sum(t.n[0], t.cents[0]));
	json_object_set_new(out, "won", count_sum(t.n[1], t.cents[1]));
	json_object_set_new(out, "lost", count_sum(t.n[2], t.cents[2]));
	json_object_set_new(out, "conversion", json_real(percent(t.n[1], t.all_n)));
	return out;
}

/* One funnel, checked and computed, as its JSON object (owned by the call) or NULL (failed). */
static json_t *funnel_one(struct rest_call *call, int64_t type, int64_t category, enum funnel_mode mode,
			  const struct q_crm_stats_filter *f, bool filtered)
{
	const char *name;
	struct funnel fu;
	if (category_check(call, type, category, &name) || funnel_load(call, type, category, f, filtered, &fu))
		return NULL;
	json_t *out = rest_own(call, funnel_json(&fu, mode));
	if (!out) {
		oom(call);
		return NULL;
	}
	json_object_set_new(out, "entityTypeId", json_integer(type));
	json_object_set_new(out, "categoryId", json_integer(category));
	json_object_set_new(out, "categoryName", name ? json_string(name) : json_null());
	json_object_set_new(out, "filtered", json_boolean(filtered));
	return out;
}

/* The parameters every funnel method shares. */
struct funnel_params {
	int64_t type;
	enum funnel_mode mode;
	struct q_crm_stats_filter filter;
	bool filtered;
};

static int funnel_params(struct rest_call *call, struct funnel_params *p)
{
	if (type_param(call, false, &p->type) || mode_param(call, &p->mode) || filter_param(call, &p->filter, &p->filtered))
		return -1;
	return 0;
}

/* voronka.crm.funnel.get(entityTypeId = 2, categoryId = 0, mode = classic, filter). */
int rest_voronka_crm_funnel_get(struct rest_call *call)
{
	struct funnel_params p;
	int64_t category = 0;
	if (funnel_params(call, &p) || int_param(call, param(call, "categoryId"), "categoryId", &category) < 0)
		return -1;
	json_t *out = funnel_one(call, p.type, category, p.mode, &p.filter, p.filtered);
	if (!out)
		return -1;
	call->result = json_incref(out);
	return 0;
}

/* The pipelines to compare: categoryIds as given, else every deal pipeline by sort. */
static int compare_ids(struct rest_call *call, int64_t type, int64_t **ids, size_t *n)
{
	json_t *v = param(call, "categoryIds");
	if (v && !json_is_null(v) && !(json_is_string(v) && !*json_string_value(v))) {
		if (!json_is_array(v))
			v = rest_own(call, json_pack("[O]", v));
		*n = json_array_size(v);
		if (!*n || *n > MAX_COMPARE)
			return rest_fail(call, ERR_ARGUMENT, "categoryIds must list 1 to %d pipelines", MAX_COMPARE);
		*ids = arena_alloc(call->arena, *n * sizeof **ids);
		if (!*ids)
			return oom(call);
		for (size_t i = 0; i < *n; i++)
			if (int_param(call, json_array_get(v, i), "categoryIds", &(*ids)[i]))
				return call->err_desc ? -1 : rest_fail(call, ERR_ARGUMENT, "categoryIds must be integers");
		return 0;
	}
	if (type == CRM_LEAD) {
		*ids = arena_alloc(call->arena, sizeof **ids);
		*n = 1;
		return *ids ? 0 : oom(call);
	}
	struct q_crm_category_row *rows;
	int rc = q_crm_category_all(call->st, call->arena, CRM_DEAL, &rows, n);
	if (rc)
		return rest_fail_store(call, rc);
	if (*n > MAX_COMPARE)
		*n = MAX_COMPARE;
	*ids = arena_alloc(call->arena, (*n ? *n : 1) * sizeof **ids);
	if (!*ids)
		return oom(call);
	for (size_t i = 0; i < *n; i++)
		(*ids)[i] = rows[i].id;
	return 0;
}

/* voronka.crm.funnel.compare(entityTypeId = 2, categoryIds, mode, filter): side by side (D9). */
int rest_voronka_crm_funnel_compare(struct rest_call *call)
{
	struct funnel_params p;
	int64_t *ids = NULL;
	size_t n = 0;
	if (funnel_params(call, &p) || compare_ids(call, p.type, &ids, &n))
		return -1;
	json_t *list = rest_own(call, json_array());
	if (!list)
		return oom(call);
	for (size_t i = 0; i < n; i++) {
		json_t *one = funnel_one(call, p.type, ids[i], p.mode, &p.filter, p.filtered);
		if (!one)
			return -1;
		json_array_append(list, one);
	}
	call->result = json_pack("{sO}", "funnels", list);
	return call->result ? 0 : oom(call);
}

/* voronka.crm.kanban.headers(entityTypeId = 2, categoryId = 0): every column's count and sum. */
int rest_voronka_crm_kanban_headers(struct rest_call *call)
{
	int64_t type, category = 0;
	const char *name;
	if (type_param(call, false, &type) || int_param(call, param(call, "categoryId"), "categoryId", &category) < 0 ||
	    category_check(call, type, category, &name))
		return -1;
	struct funnel fu;
	if (funnel_load(call, type, category, NULL, false, &fu))
		return -1;
	json_t *out = json_array();
	for (size_t i = 0; i < fu.n_stages; i++)
		json_array_append_new(out, stage_json(&fu.stages[i]));
	call->result = out;
	return 0;
}

/* ---- crm.stagehistory.list ---- */

/* crm.stagehistory.list(entityTypeId, order, filter, select, start) → {items: […]}, paged by 50. */
int rest_crm_stagehistory_list(struct rest_call *call)
{
	int64_t type;
	if (type_param(call, true, &type))
		return -1;
	const struct query_entity *e = type == CRM_LEAD ? &q_crm_stage_history_lead_entity : &q_crm_stage_history_deal_entity;
	struct query q;
	query_init(&q, call->arena, e);
	struct query_value *v = arena_alloc(call->arena, sizeof *v);
	if (!v)
		return oom(call);
	*v = (struct query_value){.kind = QV_INT, .i = type};
	struct query_cond c = {.field = query_field_find(e, "ENTITY_TYPE_ID"), .op = QOP_EQ, .values = v, .n_values = 1};
	if (query_add_cond(&q, &c))
		return oom(call);
	if (rest_filter_parse(call, &q, param(call, "filter")) || rest_order_parse(call, &q, param(call, "order")) ||
	    rest_select_parse(call, &q, param(call, "select")) ||
	    crm_access_owned(call, &q, "ENTITY_TYPE_ID", "OWNER_ID", CRM_OP_READ) || rest_list_run(call, &q, NULL, NULL))
		return -1;
	json_t *items = call->result;
	call->result = json_pack("{so}", "items", items);
	return call->result ? 0 : oom(call);
}
