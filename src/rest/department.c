/* department.c — the department.* methods (P2): the company structure as a tree under one root
 * (the company). Lists go through the filter engine over q_department_entity; writes keep the
 * tree a tree (a parent must exist, no cycles, the root stays the root, a department with
 * sub-departments is not deleted). */
#include "rest/rest.h"
#include "rest/filter.h"
#include "core/arena.h"
#include "core/util.h"
#include "store/q_user.h"
#include "store/store.h"
#include "user/user.h"
#include <string.h>
#include <strings.h>

#define TREE_MAX_DEPTH 64 /* walks up the tree stop here, whatever the data */

static const struct query_field *dfield(const char *name)
{
	return query_field_find(&q_department_entity, name);
}

static bool reserved_param(const char *k)
{
	static const char *const names[] = {"FILTER", "ORDER", "START", "SELECT", "AUTH", "SESSID", "ACCESS_TOKEN"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(k, names[i]))
			return true;
	return false;
}

/* department.get(sort, order, ID, NAME, SORT, PARENT, UF_HEAD, START). Upper-cased, `sort` (the
 * field to order by) and SORT (a filter on the sort value) share a name: a field name is the
 * former, anything else the latter. */
int rest_department_get(struct rest_call *call)
{
	struct query q;
	query_init(&q, call->arena, &q_department_entity);
	json_t *sort = rest_param(call, "SORT");
	const char *sort_text = json_is_string(sort) ? json_string_value(sort) : NULL;
	const struct query_field *sort_field = sort_text ? query_field_find(q.ent, sort_text) : NULL;

	if (rest_filter_parse(call, &q, rest_param(call, "FILTER")))
		return -1;
	const char *k;
	json_t *v;
	json_object_foreach(call->params, k, v)
	{
		if (reserved_param(k) || (sort_field && !strcmp(k, "SORT")))
			continue;
		if (rest_filter_key(call, &q, k, v, false) < 0)
			return -1;
	}
	json_t *order = rest_param(call, "ORDER");
	if (json_is_object(order)) {
		if (rest_order_parse(call, &q, order))
			return -1;
	} else {
		const char *dir = order ? rest_json_text(call, order) : NULL;
		if (sort_field || (dir && *dir)) {
			json_t *o = rest_own(call, json_object());
			if (!o)
				return rest_fail(call, ERR_INTERNAL, "Out of memory");
			json_object_set_new(o, sort_field ? sort_field->name : "ID", json_string(dir && *dir ? dir : "ASC"));
			if (rest_order_parse(call, &q, o))
				return -1;
		}
	}
	if (rest_select_parse(call, &q, rest_param(call, "SELECT")))
		return -1;
	return rest_list_run(call, &q, NULL, NULL);
}

int rest_department_fields(struct rest_call *call)
{
	json_t *out = json_object();
	for (size_t i = 0; i < q_department_entity.n_fields; i++)
		json_object_set_new(out, q_department_entity.fields[i].name, json_string(q_department_entity.fields[i].title));
	call->result = out;
	return 0;
}

/* An integer field of the request: 0 and *out; 1 when absent; -1 when the call failed. Empty
 * text and null read as 0 (no parent, no head). */
static int int_field(struct rest_call *call, json_t *fields, const char *name, int64_t *out)
{
	json_t *v = json_object_get(fields, name);
	if (!v)
		return 1;
	struct query_value qv;
	if (rest_value_parse(call, dfield(name), v, &qv))
		return -1;
	*out = qv.kind == QV_NULL ? 0 : qv.i;
	return 0;
}

static int head_check(struct rest_call *call, int64_t head)
{
	if (head <= 0)
		return 0;
	bool exists;
	int rc = q_user_exists(call->st, head, &exists);
	if (rc)
		return rest_fail_store(call, rc);
	return exists ? 0 : rest_fail(call, ERR_CORE, "UF_HEAD: user %lld does not exist", (long long)head);
}

static int parent_check(struct rest_call *call, int64_t parent)
{
	int64_t pp;
	int rc = q_department_parent(call->st, parent, &pp);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_CORE, "Parent department %lld not found", (long long)parent);
	return rc ? rest_fail_store(call, rc) : 0;
}

static int department_add(struct rest_call *call, int64_t *id)
{
	json_t *fields = rest_write_fields(call);
	json_t *nv = json_object_get(fields, "NAME");
	const char *name = nv ? rest_json_text(call, nv) : NULL;
	if (!name || !*name)
		return rest_fail(call, ERR_CORE, "The department name is not provided.");
	int64_t sort = 500, parent = 0, head = 0;
	int r;
	if ((r = int_field(call, fields, "SORT", &sort)) < 0 || (r = int_field(call, fields, "UF_HEAD", &head)) < 0)
		return -1;
	r = int_field(call, fields, "PARENT", &parent);
	if (r < 0)
		return -1;
	int64_t root;
	int rc = q_department_root(call->st, &root);
	if (rc && rc != STORE_NOTFOUND)
		return rest_fail_store(call, rc);
	bool has_root = rc == STORE_OK;
	if (r == 1 && has_root)
		parent = root; /* no PARENT: under the company */
	if (parent <= 0 && has_root)
		return rest_fail(call, ERR_CORE, "There can only be one top-level department in the company structure");
	if (parent > 0 && parent_check(call, parent))
		return -1;
	if (head_check(call, head))
		return -1;
	if (sort < -2147483647 || sort > 2147483647)
		return rest_fail(call, ERR_ARGUMENT, "SORT is out of range");
	rc = department_create(call->st, name, parent, head, (int)sort, id);
	return rc ? rest_fail_store(call, rc) : 0;
}

int rest_department_add(struct rest_call *call)
{
	int rc = store_tx_begin_write(call->st);
	if (rc)
		return rest_fail_store(call, rc);
	int64_t id;
	if (department_add(call, &id)) {
		store_tx_rollback(call->st);
		return -1;
	}
	rc = store_tx_commit(call->st);
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_integer(id);
	return 0;
}

/* The ID parameter: 0 and *id, or the call failed. */
static int department_id(struct rest_call *call, int64_t *id, int64_t *parent)
{
	int r = rest_param_int(call, "ID", id);
	if (r < 0)
		return -1;
	if (r == 1 || *id <= 0)
		return rest_fail(call, ERR_ARGUMENT, "ID is required");
	int rc = q_department_parent(call->st, *id, parent);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_CORE, "Department not found");
	return rc ? rest_fail_store(call, rc) : 0;
}

static int department_update(struct rest_call *call)
{
	int64_t id, cur_parent;
	if (department_id(call, &id, &cur_parent))
		return -1;
	json_t *fields = rest_write_fields(call);
	struct query_set sets[4];
	size_t n = 0;

	json_t *nv = json_object_get(fields, "NAME");
	if (nv) {
		const char *name = rest_json_text(call, nv);
		if (!name || !*name)
			return rest_fail(call, ERR_CORE, "The department name is not provided.");
		sets[n++] = (struct query_set){dfield("NAME"), {.kind = QV_TEXT, .s = name}};
	}
	int64_t v;
	int r = int_field(call, fields, "SORT", &v);
	if (r < 0)
		return -1;
	if (r == 0)
		sets[n++] = (struct query_set){dfield("SORT"), {.kind = QV_INT, .i = v}};

	r = int_field(call, fields, "UF_HEAD", &v);
	if (r < 0 || (r == 0 && head_check(call, v)))
		return -1;
	if (r == 0)
		sets[n++] = (struct query_set){dfield("UF_HEAD"), {.kind = v > 0 ? QV_INT : QV_NULL, .i = v}};

	r = int_field(call, fields, "PARENT", &v);
	if (r < 0)
		return -1;
	if (r == 0 && v != cur_parent) {
		if (cur_parent == 0)
			return rest_fail(call, ERR_CORE, "The top-level department cannot be moved");
		if (v <= 0)
			return rest_fail(call, ERR_CORE, "There can only be one top-level department in the company structure");
		if (parent_check(call, v))
			return -1;
		/* the new parent must not be the department itself or below it */
		int64_t up = v;
		for (int depth = 0; up > 0 && depth < TREE_MAX_DEPTH; depth++) {
			if (up == id)
				return rest_fail(call, ERR_CORE, "A department cannot be moved under itself or its sub-department");
			int rc = q_department_parent(call->st, up, &up);
			if (rc)
				return rest_fail_store(call, rc);
		}
		sets[n++] = (struct query_set){dfield("PARENT"), {.kind = QV_INT, .i = v}};
	}
	int rc = query_update(call->st, call->arena, &q_department_entity, id, sets, n);
	return rc ? rest_fail_store(call, rc) : 0;
}

int rest_department_update(struct rest_call *call)
{
	int rc = store_tx_begin_write(call->st);
	if (rc)
		return rest_fail_store(call, rc);
	if (department_update(call)) {
		store_tx_rollback(call->st);
		return -1;
	}
	rc = store_tx_commit(call->st);
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_true();
	return 0;
}

static int department_delete(struct rest_call *call)
{
	int64_t id, parent, children;
	if (department_id(call, &id, &parent))
		return -1;
	if (parent == 0)
		return rest_fail(call, ERR_CORE, "The top-level department (the company) cannot be deleted");
	int rc = q_department_children(call->st, id, &children);
	if (rc)
		return rest_fail_store(call, rc);
	if (children > 0)
		return rest_fail(call, ERR_CORE,
				 "The department has %lld sub-department(s): delete or move them first", (long long)children);
	rc = q_department_delete(call->st, id);
	return rc ? rest_fail_store(call, rc) : 0;
}

int rest_department_delete(struct rest_call *call)
{
	int rc = store_tx_begin_write(call->st);
	if (rc)
		return rest_fail_store(call, rc);
	if (department_delete(call)) {
		store_tx_rollback(call->st);
		return -1;
	}
	rc = store_tx_commit(call->st);
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_true();
	return 0;
}
