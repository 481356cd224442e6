/* access.c — the CRM paths' questions to the rights (access.h). */
#include "crm/access.h"
#include "core/arena.h"
#include "core/util.h"
#include "store/q_crm_item.h"
#include "store/q_crm_status.h"
#include "store/query.h"
#include "store/store.h"
#include <stdio.h>
#include <string.h>

struct crm_rights *crm_access_rights(struct rest_call *call)
{
	if (call->crm_rights)
		return call->crm_rights;
	const struct rest_auth *a = call->auth;
	bool admin = !a || a->is_admin || a->user_id <= 0;
	int rc = crm_rights_load(call->st, call->arena, a ? a->user_id : 0, admin, &call->crm_rights);
	if (rc) {
		rest_fail_store(call, rc);
		return NULL;
	}
	return call->crm_rights;
}

int crm_access_denied(struct crm_ctx *x)
{
	if (x->legacy)
		return rest_fail(x->call, ERR_CRM, "Access denied.");
	return rest_fail(x->call, ERR_ACCESS_DENIED, "Access denied.");
}

static int64_t record_int(json_t *record, const char *name)
{
	json_t *v = json_object_get(record, name);
	if (json_is_integer(v))
		return json_integer_value(v);
	int64_t i = 0;
	if (json_is_string(v) && *json_string_value(v))
		parse_i64(json_string_value(v), &i);
	return i;
}

const char *crm_access_entity(struct crm_ctx *x, json_t *record, char *buf, size_t n)
{
	return crm_rights_entity(x->t->id, x->t->id == CRM_DEAL ? record_int(record, "CATEGORY_ID") : 0, buf, n);
}

/* The operation the rights judge: an export's reads are EXPORT, an import's adds IMPORT. */
static enum crm_op effective_op(struct crm_ctx *x, enum crm_op op)
{
	if (op == CRM_OP_READ && x->call->purpose == REST_PURPOSE_EXPORT)
		return CRM_OP_EXPORT;
	if (op == CRM_OP_ADD && x->call->purpose == REST_PURPOSE_IMPORT)
		return CRM_OP_IMPORT;
	return op;
}

int crm_access_item(struct crm_ctx *x, enum crm_op op, json_t *record, const char *stage)
{
	struct crm_rights *r = crm_access_rights(x->call);
	if (!r)
		return -1;
	if (crm_rights_is_admin(r))
		return 0;
	char ent[CRM_RIGHTS_ENTITY_MAX];
	crm_access_entity(x, record, ent, sizeof ent);
	if (!stage && x->t->stage_field)
		stage = json_string_value(json_object_get(record, x->t->stage_field));
	json_t *opened = json_object_get(record, "OPENED");
	bool is_open = opened && ((json_is_string(opened) && !strcmp(json_string_value(opened), "Y")) ||
				  json_is_true(opened));
	enum crm_op eop = effective_op(x, op);
	if (!crm_rights_item_allowed(r, ent, eop, stage, record_int(record, "ASSIGNED_BY_ID"), is_open))
		return crm_access_denied(x);
	/* an import's add needs the add right too, an export's read the read right */
	if (eop != op && !crm_rights_item_allowed(r, ent, op, stage, record_int(record, "ASSIGNED_BY_ID"), is_open))
		return crm_access_denied(x);
	return 0;
}

int crm_access_item_id(struct crm_ctx *x, enum crm_op op, int64_t id)
{
	struct crm_rights *r = crm_access_rights(x->call);
	if (!r)
		return -1;
	json_t *rec = crm_item_read(x, id);
	if (!rec)
		return -1;
	return crm_rights_is_admin(r) ? 0 : crm_access_item(x, op, rec, NULL);
}

bool crm_access_can(struct crm_ctx *x, enum crm_op op, int64_t id)
{
	struct crm_rights *r = crm_access_rights(x->call);
	if (!r)
		return false;
	if (crm_rights_is_admin(r))
		return true;
	enum rest_error err = x->call->err;
	const char *desc = x->call->err_desc;
	bool ok = crm_access_item_id(x, op, id) == 0;
	x->call->err = err; /* a question leaves the call as it was */
	x->call->err_desc = desc;
	return ok;
}

/* An ordered page of a restricted list: the rights' "responsible is one of these N users"
 * condition would make SQLite read every such item through the responsible's index and sort
 * them (a second on a million deals); with the order's own index it reads newest first and
 * stops at the page. Counts keep the index. Small sets keep it too: their items are few. */
#define NOINDEX_MIN_USERS 3

static void steer(struct query_cond *c, size_t n, const struct query_field *assigned)
{
	for (size_t i = 0; i < n; i++) {
		if (!c[i].field)
			steer(c[i].any, c[i].n_any, assigned);
		else if (c[i].field == assigned && c[i].op == QOP_IN && c[i].n_values >= NOINDEX_MIN_USERS)
			c[i].page_noindex = true;
	}
}

int crm_access_list(struct crm_ctx *x, struct query *q, enum crm_op op, bool *none)
{
	*none = false;
	struct crm_rights *r = crm_access_rights(x->call);
	if (!r)
		return -1;
	if (crm_rights_is_admin(r))
		return 0;
	const char *ent = x->t->id == CRM_DEAL ? "DEAL" : x->t->name;
	enum crm_op eop = effective_op(x, op);
	size_t first = q->n_conds;
	int rc = crm_rights_list_conds(r, q, ent, eop, none);
	if (!rc && eop != op && !*none)
		rc = crm_rights_list_conds(r, q, ent, op, none);
	if (rc)
		return rc == STORE_TOOBIG ? rest_fail(x->call, ERR_ARGUMENT, "The filter is too big") : crm_fail_store(x, rc);
	bool ordered = false;
	for (size_t i = 0; i < q->n_order; i++)
		ordered |= strcmp(q->order[i].field->column, q->ent->pk) != 0;
	if (ordered)
		steer(q->conds + first, q->n_conds - first, query_field_find(q->ent, "ASSIGNED_BY_ID"));
	return 0;
}

bool crm_access_sees_all(struct rest_call *call, int type_id, int64_t category)
{
	struct crm_rights *r = crm_access_rights(call);
	if (!r)
		return false;
	if (crm_rights_is_admin(r))
		return true;
	char ent[CRM_RIGHTS_ENTITY_MAX];
	const char *e = type_id == CRM_DEAL && category < 0 ? "DEAL"
							    : crm_rights_entity(type_id, category < 0 ? 0 : category, ent, sizeof ent);
	if (!e)
		return false;
	/* 'X' at the entity and no stage below it: crm_rights_max gives the highest anywhere, so
	 * both must agree that nothing is lower. */
	struct query probe;
	bool none;
	query_init(&probe, call->arena, q_crm_item_static_entity(type_id));
	return crm_rights_list_conds(r, &probe, e, CRM_OP_READ, &none) == 0 && !none && probe.n_conds == 0;
}

int crm_access_owned(struct rest_call *call, struct query *q, const char *type_field, const char *id_field,
		     enum crm_op op)
{
	struct crm_rights *r = crm_access_rights(call);
	if (!r)
		return -1;
	if (crm_rights_is_admin(r))
		return 0;
	const struct query_field *tf = query_field_find(q->ent, type_field), *idf = query_field_find(q->ent, id_field);
	if (!tf || !idf)
		return rest_fail(call, ERR_INTERNAL, "Internal server error");
	for (int t = CRM_LEAD; t <= CRM_COMPANY; t++) {
		struct crm_ctx x = {.call = call, .t = crm_type_by_id(t)};
		struct query *sub = arena_alloc(call->arena, sizeof *sub);
		struct query_value *tv = arena_alloc(call->arena, sizeof *tv);
		struct query_cond *any = arena_alloc(call->arena, 2 * sizeof *any);
		if (!sub || !tv || !any)
			return rest_fail(call, ERR_INTERNAL, "Out of memory");
		query_init(sub, call->arena, q_crm_item_static_entity(t));
		bool none;
		if (crm_access_list(&x, sub, op, &none))
			return -1;
		if (!none && sub->n_conds == 0)
			continue; /* the whole type is visible */
		*tv = (struct query_value){.kind = QV_INT, .i = t};
		any[0] = (struct query_cond){.field = tf, .op = QOP_NE, .values = tv, .n_values = 1};
		any[1] = (struct query_cond){.field = idf, .op = QOP_IN_QUERY, .sub = sub};
		struct query_cond group = {.field = NULL, .any = any, .n_any = none ? 1 : 2};
		int rc = query_add_cond(q, &group);
		if (rc)
			return rc == STORE_TOOBIG ? rest_fail(call, ERR_ARGUMENT, "The filter is too big")
						  : rest_fail_store(call, rc);
	}
	return 0;
}

int crm_access_owner(struct rest_call *call, int64_t type, int64_t id, enum crm_op op)
{
	struct crm_rights *r = crm_access_rights(call);
	if (!r)
		return -1;
	if (crm_rights_is_admin(r))
		return 0;
	struct crm_ctx x = {.call = call, .t = crm_type_by_id(type)};
	if (!x.t)
		return 0; /* not a CRM item type: nothing of ours to judge */
	return crm_access_item_id(&x, op, id);
}

int crm_access_record(struct rest_call *call, json_t *record, const char *type_key, const char *id_key,
		      enum crm_op op)
{
	json_t *tv = json_object_get(record, type_key);
	int64_t type = record_int(record, type_key);
	if (json_is_string(tv) && !type) {
		const struct crm_type *t = crm_type_by_name(json_string_value(tv));
		type = t ? t->id : 0;
	}
	return crm_access_owner(call, type, record_int(record, id_key), op);
}

bool crm_access_settings(struct rest_call *call)
{
	struct crm_rights *r = crm_access_rights(call);
	return r && (crm_rights_is_admin(r) || crm_rights_can_settings(r));
}
