/* voronka_crm_role.c — the CRM role editor over REST (R1–R7, D7, U1; Bitrix24 has no REST for
 * it): voronka.crm.role.list/get/add/update/delete, voronka.crm.role.assignments.get/set, and
 * voronka.crm.rights.get (the caller's effective matrix, for the UI to hide what it may not do).
 * Everything but rights.get needs the "allow changing settings" right or a portal administrator
 * (checked here through crm/rights.h: the dispatcher's REST_ADMIN flag knows only administrators).
 * The matrix as JSON: {"DEAL_C0": {"READ": {"-": "X", "C0:NEW"…: "A"}, …}, …}; levels are "" (none),
 * "A", "D", "F", "O", "X", and in a role's matrix "INHERIT" for a cell without a value of its own. */
#include "rest/rest.h"
#include "core/arena.h"
#include "core/util.h"
#include "crm/rights.h"
#include "store/q_crm_category.h"
#include "store/q_crm_perms.h"
#include "store/q_crm_status.h"
#include "store/q_user.h"
#include "store/store.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DEAL_TYPE_ID 2
#define INHERIT "INHERIT"
#define LEVEL_INHERIT '-' /* a parsed "INHERIT": remove the cell */
#define ACCESS_CODE_MAX 32

/* A parameter (or a member of fields) by name in any case. */
static json_t *pget(json_t *obj, const char *name)
{
	return json_is_object(obj) ? rest_field_ci(obj, name) : NULL;
}

/* The caller's rights; NULL when the call failed. */
static struct crm_rights *caller_rights(struct rest_call *call)
{
	struct crm_rights *r;
	int rc = crm_rights_load(call->st, call->arena, call->auth->user_id, call->auth->is_admin, &r);
	if (rc) {
		rest_fail_store(call, rc);
		return NULL;
	}
	return r;
}

/* Roles are read and changed only with the settings right (R5). */
static int require_settings(struct rest_call *call)
{
	struct crm_rights *r = caller_rights(call);
	if (!r)
		return -1;
	if (!crm_rights_can_settings(r))
		return rest_fail(call, ERR_ACCESS_DENIED,
				 "Access denied: CRM roles need the permission to change settings");
	return 0;
}

/* An integer member: 0 and *out; 1 absent; -1 (the call failed) not a positive integer. */
static int positive_int(struct rest_call *call, json_t *v, const char *name, int64_t *out)
{
	if (!v || json_is_null(v))
		return 1;
	const char *t = json_is_object(v) || json_is_array(v) ? NULL : rest_json_text(call, v);
	if (!t || parse_i64(t, out) || *out <= 0)
		return rest_fail(call, ERR_ARGUMENT, "%s must be a positive integer", name);
	return 0;
}

static int tx_end(struct rest_call *call, int failed)
{
	if (failed) {
		store_tx_rollback(call->st);
		return -1;
	}
	int rc = store_tx_commit(call->st);
	return rc ? rest_fail_store(call, rc) : 0;
}

/* ---- the matrix as JSON ---- */

static json_t *level_json(char level)
{
	char s[2] = {level, 0};
	return json_string(s);
}

/* The stages of leads and pipelines, looked up by list name. */
struct stage_lists {
	struct q_crm_perm_stage *rows;
	size_t n;
};

static void stage_range(const struct stage_lists *sl, const char *list, size_t *from, size_t *to)
{
	size_t i = 0;
	while (i < sl->n && strcmp(sl->rows[i].list, list))
		i++;
	*from = i;
	while (i < sl->n && !strcmp(sl->rows[i].list, list))
		i++;
	*to = i;
}

/* One entity's operations. editor: a role's cells as stored ("INHERIT" where none); otherwise
 * the resolved levels. */
static json_t *entity_json(const struct crm_rights *r, const struct crm_rights_entity_info *info, const char *entity,
			   const char *list, const struct stage_lists *sl, bool editor)
{
	json_t *out = json_object();
	bool pipeline = !strncmp(entity, "DEAL_C", 6);
	size_t from = 0, to = 0;
	if (list)
		stage_range(sl, list, &from, &to);
	for (int op = 0; op < CRM_OP__COUNT; op++) {
		if (!(info->ops & (1u << op)))
			continue;
		json_t *cells = json_object();
		char lv;
		if (!editor)
			json_object_set_new(cells, "-", level_json(crm_rights_level(r, entity, op, NULL)));
		else if (crm_rights_explicit(r, entity, op, NULL, &lv))
			json_object_set_new(cells, "-", level_json(lv));
		else
			json_object_set_new(cells, "-", pipeline ? json_string(INHERIT) : level_json(0));
		for (size_t i = from; i < to; i++) {
			const char *stage = sl->rows[i].status_id;
			json_t *v;
			if (!editor)
				v = level_json(crm_rights_level(r, entity, op, stage));
			else
				v = crm_rights_explicit(r, entity, op, stage, &lv) ? level_json(lv) : json_string(INHERIT);
			json_object_set_new(cells, stage, v);
		}
		json_object_set_new(out, crm_op_name(op), cells);
	}
	return out;
}

/* Every entity in the editor's order, each pipeline after DEAL (D7: they appear by themselves). */
static json_t *matrix_json(struct rest_call *call, const struct crm_rights *r, bool editor)
{
	struct q_crm_category_row *pipes;
	size_t n_pipes, n_ent;
	struct stage_lists sl;
	int rc = q_crm_category_all(call->st, call->arena, DEAL_TYPE_ID, &pipes, &n_pipes);
	if (!rc)
		rc = q_crm_perms_stages(call->st, call->arena, &sl.rows, &sl.n);
	if (rc) {
		rest_fail_store(call, rc);
		return NULL;
	}
	const struct crm_rights_entity_info *ents = crm_rights_entities(&n_ent);
	json_t *out = json_object();
	for (size_t i = 0; i < n_ent; i++) {
		json_object_set_new(out, ents[i].name, entity_json(r, &ents[i], ents[i].name, ents[i].stage_list, &sl, editor));
		if (strcmp(ents[i].name, "DEAL"))
			continue;
		for (size_t k = 0; k < n_pipes; k++) {
			char name[CRM_RIGHTS_ENTITY_MAX], list[48];
			int64_t cat;
			crm_rights_entity(DEAL_TYPE_ID, pipes[k].id, name, sizeof name);
			if (pipes[k].id > 0)
				snprintf(list, sizeof list, "DEAL_STAGE_%lld", (long long)pipes[k].id);
			else
				snprintf(list, sizeof list, "DEAL_STAGE");
			json_object_set_new(out, name, entity_json(r, crm_rights_entity_info(name, &cat), name, list, &sl, editor));
		}
	}
	return out;
}

static json_t *role_json(const struct q_crm_role *ro)
{
	return json_pack("{s:I,s:s,s:s,s:s}", "ID", (json_int_t)ro->id, "NAME", ro->name, "CODE", ro->code, "SETTINGS",
			 ro->settings ? "Y" : "N");
}

/* ---- reading PERMS ---- */

/* A level's text → 0 / 'A'… / LEVEL_INHERIT; -1 (the call failed) when it is none of them. */
static int parse_level(struct rest_call *call, const struct crm_rights_entity_info *info, const char *entity, json_t *v,
		       bool may_inherit, char *out)
{
	const char *t = json_is_string(v) ? json_string_value(v) : NULL;
	if (t && (!*t || !strcasecmp(t, "NONE"))) {
		*out = CRM_LEVEL_NONE;
		return 0;
	}
	if (t && !strcasecmp(t, INHERIT)) {
		if (!may_inherit)
			return rest_fail(call, ERR_ARGUMENT,
					 "INHERIT is a level of stages and of pipelines (DEAL_C{n}), not of %s's own cell", entity);
		*out = LEVEL_INHERIT;
		return 0;
	}
	if (t && strlen(t) == 1 && strchr(info->levels, t[0] & ~0x20)) {
		*out = (char)(t[0] & ~0x20);
		return 0;
	}
	return rest_fail(call, ERR_ARGUMENT, "Unknown level '%.20s' for %s: one of \"\" (none), %s%s",
			 t ? t : "(not text)", entity, !strcmp(info->levels, "X") ? "X" : "A, D, F, O, X",
			 may_inherit ? ", INHERIT" : "");
}

/* Is stage a stage of this entity (its list: STATUS, DEAL_STAGE or DEAL_STAGE_{n})? */
static int check_stage(struct rest_call *call, const struct crm_rights_entity_info *info, int64_t cat,
		       const char *entity, const char *stage)
{
	if (!info->stage_list)
		return rest_fail(call, ERR_ARGUMENT, "%s has no stages (stage '%.60s')", entity, stage);
	char list[48], sem;
	if (cat > 0)
		snprintf(list, sizeof list, "DEAL_STAGE_%lld", (long long)cat);
	else
		snprintf(list, sizeof list, "%s", info->stage_list);
	int rc = q_crm_status_semantics(call->st, list, stage, &sem);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_ARGUMENT, "'%.60s' is not a stage of %s", stage, entity);
	return rc ? rest_fail_store(call, rc) : 0;
}

/* Store (or, INHERIT, remove) one cell after checking it. */
static int apply_cell(struct rest_call *call, int64_t role_id, const struct crm_rights_entity_info *info, int64_t cat,
		      const char *entity, const char *op, const char *stage, json_t *v)
{
	bool entity_cell = !strcmp(stage, "-");
	if (!entity_cell && check_stage(call, info, cat, entity, stage))
		return -1;
	char level = CRM_LEVEL_NONE;
	if (parse_level(call, info, entity, v, !entity_cell || cat >= 0, &level))
		return -1;
	int rc = level == LEVEL_INHERIT ? q_crm_role_cell_clear(call->st, role_id, entity, op, stage)
					: q_crm_role_cell_set(call->st, role_id, entity, op, stage, level);
	return rc ? rest_fail_store(call, rc) : 0;
}

/* One entity's {OP: {stage: level} | level}. */
static int apply_entity(struct rest_call *call, int64_t role_id, const char *key, json_t *ops)
{
	char entity[CRM_RIGHTS_ENTITY_MAX];
	int64_t cat;
	snprintf(entity, sizeof entity, "%s", key);
	str_upper(entity);
	const struct crm_rights_entity_info *info = strlen(key) < sizeof entity ? crm_rights_entity_info(entity, &cat) : NULL;
	if (!info)
		return rest_fail(call, ERR_ARGUMENT,
				 "Unknown entity '%.40s': LEAD, DEAL, DEAL_C{pipeline}, CONTACT, COMPANY, QUOTE, INVOICE, "
				 "WEBFORM, ROBOT_LEAD, ROBOT_DEAL",
				 key);
	if (cat >= 0) {
		struct q_crm_category_row row;
		int rc = q_crm_category_get(call->st, DEAL_TYPE_ID, cat, &row);
		if (rc == STORE_NOTFOUND)
			return rest_fail(call, ERR_ARGUMENT, "There is no deal pipeline %lld (%s)", (long long)cat, entity);
		if (rc)
			return rest_fail_store(call, rc);
	}
	if (!json_is_object(ops))
		return rest_fail(call, ERR_ARGUMENT, "PERMS[%s] must be an object {OPERATION: {stage: level}}", entity);
	const char *opk;
	json_t *cells;
	json_object_foreach(ops, opk, cells)
	{
		int op = crm_op_parse(opk);
		if (op < 0 || !(info->ops & (1u << op)))
			return rest_fail(call, ERR_ARGUMENT, "Unknown operation '%.40s' for %s: %s", opk, entity,
					 info->ops == (1u << CRM_OP_READ | 1u << CRM_OP_WRITE)
						 ? "READ, WRITE"
						 : "READ, ADD, WRITE, DELETE, EXPORT, IMPORT");
		const char *name = crm_op_name(op);
		if (!json_is_object(cells)) { /* {"READ": "X"}: the entity's own cell */
			if (apply_cell(call, role_id, info, cat, entity, name, "-", cells))
				return -1;
			continue;
		}
		const char *stage;
		json_t *v;
		json_object_foreach(cells, stage, v)
		{
			if (apply_cell(call, role_id, info, cat, entity, name, stage, v))
				return -1;
		}
	}
	return 0;
}

static int apply_perms(struct rest_call *call, int64_t role_id, json_t *perms)
{
	if (!perms || json_is_null(perms))
		return 0;
	if (!json_is_object(perms))
		return rest_fail(call, ERR_ARGUMENT, "PERMS must be an object {ENTITY: {OPERATION: {stage: level}}}");
	const char *k;
	json_t *v;
	json_object_foreach(perms, k, v)
	{
		if (apply_entity(call, role_id, k, v))
			return -1;
	}
	return 0;
}

/* NAME (required on add) and SETTINGS (-1 when absent) of fields. */
static int read_role_fields(struct rest_call *call, json_t *fields, bool is_add, const char **name, int *settings)
{
	*name = NULL;
	*settings = -1;
	json_t *n = pget(fields, "NAME");
	if (n && !json_is_null(n)) {
		if (!json_is_string(n))
			return rest_fail(call, ERR_ARGUMENT, "NAME must be a text value");
		*name = json_string_value(n);
		if (!**name)
			return rest_fail(call, ERR_ARGUMENT, "NAME is not defined");
		if (strlen(*name) >= Q_CRM_ROLE_NAME_MAX)
			return rest_fail(call, ERR_ARGUMENT, "NAME is at most %d bytes", Q_CRM_ROLE_NAME_MAX - 1);
	} else if (is_add) {
		return rest_fail(call, ERR_ARGUMENT, "NAME is not defined");
	}
	json_t *s = pget(fields, "SETTINGS");
	if (s && !json_is_null(s) && (*settings = rest_json_bool(s)) < 0)
		return rest_fail(call, ERR_ARGUMENT, "SETTINGS must be Y or N");
	return 0;
}

static json_t *fields_param(struct rest_call *call)
{
	json_t *f = pget(call->params, "FIELDS");
	return json_is_object(f) ? f : call->params;
}

static int role_param(struct rest_call *call, struct q_crm_role *ro)
{
	int64_t id;
	int r = positive_int(call, pget(call->params, "ID"), "ID", &id);
	if (r < 0)
		return -1;
	if (r == 1)
		return rest_fail(call, ERR_ARGUMENT, "ID is not defined or invalid.");
	int rc = q_crm_role_get(call->st, id, ro);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "The role %lld is not found", (long long)id);
	return rc ? rest_fail_store(call, rc) : 0;
}

/* ---- the methods ---- */

/* voronka.crm.role.list → [{ID, NAME, CODE, SETTINGS, ACCESS_CODES}] by ID. */
int rest_voronka_crm_role_list(struct rest_call *call)
{
	if (require_settings(call))
		return -1;
	struct q_crm_role *roles;
	struct q_crm_role_relation *rel;
	size_t n, n_rel;
	int rc = q_crm_role_list(call->st, call->arena, &roles, &n);
	if (!rc)
		rc = q_crm_role_relations(call->st, call->arena, &rel, &n_rel);
	if (rc)
		return rest_fail_store(call, rc);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *ro = role_json(&roles[i]), *codes = json_array();
		for (size_t k = 0; k < n_rel; k++)
			if (rel[k].role_id == roles[i].id)
				json_array_append_new(codes, json_string(rel[k].access_code));
		json_object_set_new(ro, "ACCESS_CODES", codes);
		json_array_append_new(out, ro);
	}
	call->result = out;
	return 0;
}

/* voronka.crm.role.get {ID} → {ID, NAME, CODE, SETTINGS, PERMS}. */
int rest_voronka_crm_role_get(struct rest_call *call)
{
	struct q_crm_role ro;
	if (require_settings(call) || role_param(call, &ro))
		return -1;
	struct q_crm_perm_cell *cells;
	size_t n;
	struct crm_rights *r;
	int rc = q_crm_role_cells(call->st, call->arena, ro.id, &cells, &n);
	if (!rc)
		rc = crm_rights_of_cells(call->arena, cells, n, ro.settings, &r);
	if (rc)
		return rest_fail_store(call, rc);
	json_t *perms = matrix_json(call, r, true);
	if (!perms)
		return -1;
	json_t *out = role_json(&ro);
	json_object_set_new(out, "PERMS", perms);
	call->result = out;
	return 0;
}

/* voronka.crm.role.add {fields: {NAME, SETTINGS, PERMS, COPY_FROM}} → the new ID. COPY_FROM
 * starts from another role's cells (R1 "copy"); PERMS is applied over them. */
int rest_voronka_crm_role_add(struct rest_call *call)
{
	if (require_settings(call))
		return -1;
	json_t *fields = fields_param(call);
	const char *name;
	int settings;
	int64_t from = 0;
	if (read_role_fields(call, fields, true, &name, &settings))
		return -1;
	int r = positive_int(call, pget(fields, "COPY_FROM"), "COPY_FROM", &from);
	if (r < 0)
		return -1;
	char now[32];
	db_time_utc(time(NULL), now, sizeof now);
	int rc = store_tx_begin_write(call->st);
	if (rc)
		return rest_fail_store(call, rc);
	struct q_crm_role src;
	if (r == 0 && (rc = q_crm_role_get(call->st, from, &src)))
		return tx_end(call, rc == STORE_NOTFOUND ? rest_fail(call, ERR_ARGUMENT, "COPY_FROM: there is no role %lld",
								   (long long)from)
							 : rest_fail_store(call, rc));
	if (settings < 0)
		settings = r == 0 ? src.settings : 0;
	int64_t id;
	rc = q_crm_role_insert(call->st, name, settings, now, &id);
	if (!rc && r == 0)
		rc = q_crm_role_cells_copy(call->st, from, id);
	if (rc)
		return tx_end(call, rest_fail_store(call, rc));
	if (apply_perms(call, id, pget(fields, "PERMS")))
		return tx_end(call, -1);
	if (tx_end(call, 0))
		return -1;
	call->result = json_integer(id);
	return 0;
}

/* voronka.crm.role.update {ID, fields: {NAME?, SETTINGS?, PERMS?}} → true. PERMS changes only
 * the cells it names ("INHERIT" removes one). */
int rest_voronka_crm_role_update(struct rest_call *call)
{
	struct q_crm_role ro;
	if (require_settings(call) || role_param(call, &ro))
		return -1;
	json_t *fields = fields_param(call);
	const char *name;
	int settings;
	if (read_role_fields(call, fields, false, &name, &settings))
		return -1;
	int rc = store_tx_begin_write(call->st);
	if (rc)
		return rest_fail_store(call, rc);
	if ((name || settings >= 0) && (rc = q_crm_role_update(call->st, ro.id, name, settings)))
		return tx_end(call, rest_fail_store(call, rc));
	if (apply_perms(call, ro.id, pget(fields, "PERMS")))
		return tx_end(call, -1);
	if (tx_end(call, 0))
		return -1;
	call->result = json_true();
	return 0;
}

/* voronka.crm.role.delete {ID} → true; refused while the role is assigned to anyone, default
 * role or not: taking rights away from people silently is what the refusal prevents. */
int rest_voronka_crm_role_delete(struct rest_call *call)
{
	struct q_crm_role ro;
	if (require_settings(call) || role_param(call, &ro))
		return -1;
	int rc = store_tx_begin_write(call->st);
	if (rc)
		return rest_fail_store(call, rc);
	int64_t n;
	if ((rc = q_crm_role_relation_count(call->st, ro.id, &n)))
		return tx_end(call, rest_fail_store(call, rc));
	if (n > 0)
		return tx_end(call, rest_fail(call, ERR_CORE,
					      "The role %lld is assigned to %lld access codes: remove its assignments first",
					      (long long)ro.id, (long long)n));
	if ((rc = q_crm_role_delete(call->st, ro.id)))
		return tx_end(call, rest_fail_store(call, rc));
	if (tx_end(call, 0))
		return -1;
	call->result = json_true();
	return 0;
}

/* voronka.crm.role.assignments.get → [{ACCESS_CODE, ROLE_ID}] by role, then code. */
int rest_voronka_crm_role_assignments_get(struct rest_call *call)
{
	if (require_settings(call))
		return -1;
	struct q_crm_role_relation *rel;
	size_t n;
	int rc = q_crm_role_relations(call->st, call->arena, &rel, &n);
	if (rc)
		return rest_fail_store(call, rc);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, json_pack("{s:s,s:I}", "ACCESS_CODE", rel[i].access_code, "ROLE_ID",
						     (json_int_t)rel[i].role_id));
	call->result = out;
	return 0;
}

/* "D15" → 15 after the prefix; -1 unless the rest is a positive number. */
static int64_t code_number(const char *s, size_t len)
{
	char buf[24];
	int64_t v;
	if (!len || len >= sizeof buf || strspn(s, "0123456789") < len)
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	return parse_i64(buf, &v) == 0 && v > 0 ? v : -1;
}

/* Check an access code and write its stored form into out: AU, U{n}, D{n}, DR{n}, SG{n}_K|_E|_A
 * (SG{n} alone means every member: SG{n}_K). What it names must exist. */
static int access_code(struct rest_call *call, const char *code, char *out)
{
	size_t len = strlen(code);
	int64_t id = -1;
	int rc = 0;
	bool exists = false;
	if (!strcmp(code, "AU")) {
		snprintf(out, ACCESS_CODE_MAX, "AU");
		return 0;
	}
	if (!strncmp(code, "SG", 2)) {
		const char *us = strchr(code, '_');
		size_t digits = us ? (size_t)(us - code - 2) : len - 2;
		char who = us ? us[1] : 'K';
		id = code_number(code + 2, digits);
		if (id > 0 && (!us || (strlen(us) == 2 && strchr("KEA", who)))) {
			snprintf(out, ACCESS_CODE_MAX, "SG%lld_%c", (long long)id, who);
			rc = q_crm_perms_workgroup_exists(call->st, id, &exists);
		} else {
			id = -1;
		}
	} else if (!strncmp(code, "DR", 2) || code[0] == 'D') {
		size_t skip = code[1] == 'R' ? 2 : 1;
		id = code_number(code + skip, len - skip);
		if (id > 0) {
			char name[8];
			snprintf(out, ACCESS_CODE_MAX, "%s%lld", skip == 2 ? "DR" : "D", (long long)id);
			rc = q_department_name(call->st, id, name, sizeof name);
			exists = rc == 0;
			rc = rc == STORE_NOTFOUND ? 0 : rc;
		}
	} else if (code[0] == 'U') {
		id = code_number(code + 1, len - 1);
		if (id > 0) {
			snprintf(out, ACCESS_CODE_MAX, "U%lld", (long long)id);
			rc = q_user_exists(call->st, id, &exists);
		}
	}
	if (rc)
		return rest_fail_store(call, rc);
	if (id <= 0)
		return rest_fail(call, ERR_ARGUMENT,
				 "Unknown access code '%.40s': AU, U{user}, D{department}, DR{department}, SG{group}[_K|_E|_A]",
				 code);
	if (!exists)
		return rest_fail(call, ERR_ARGUMENT, "The access code '%.40s' names nothing that exists", code);
	return 0;
}

/* voronka.crm.role.assignments.set {ASSIGNMENTS: [{ACCESS_CODE, ROLE_ID}]} → true: the whole
 * list is replaced ([] removes every assignment). */
int rest_voronka_crm_role_assignments_set(struct rest_call *call)
{
	if (require_settings(call))
		return -1;
	json_t *list = pget(call->params, "ASSIGNMENTS");
	if (json_is_object(list) && !json_object_size(list))
		list = rest_own(call, json_array());
	if (!json_is_array(list))
		return rest_fail(call, ERR_ARGUMENT, "ASSIGNMENTS must be a list of {ACCESS_CODE, ROLE_ID} ([] removes all)");
	int rc = store_tx_begin_write(call->st);
	if (!rc)
		rc = q_crm_role_relations_clear(call->st);
	if (rc)
		return tx_end(call, rest_fail_store(call, rc));
	size_t i;
	json_t *a;
	json_array_foreach(list, i, a)
	{
		json_t *c = pget(a, "ACCESS_CODE");
		int64_t role_id;
		char code[ACCESS_CODE_MAX];
		struct q_crm_role ro;
		if (!json_is_string(c))
			return tx_end(call, rest_fail(call, ERR_ARGUMENT, "ASSIGNMENTS[%zu]: ACCESS_CODE is not defined", i));
		int r = positive_int(call, pget(a, "ROLE_ID"), "ROLE_ID", &role_id);
		if (r == 1)
			r = rest_fail(call, ERR_ARGUMENT, "ASSIGNMENTS[%zu]: ROLE_ID is not defined", i);
		if (r || access_code(call, json_string_value(c), code))
			return tx_end(call, -1);
		rc = q_crm_role_get(call->st, role_id, &ro);
		if (rc == STORE_NOTFOUND)
			return tx_end(call, rest_fail(call, ERR_ARGUMENT, "ASSIGNMENTS[%zu]: there is no role %lld", i,
						      (long long)role_id));
		if (!rc)
			rc = q_crm_role_relation_add(call->st, code, role_id);
		if (rc)
			return tx_end(call, rest_fail_store(call, rc));
	}
	if (tx_end(call, 0))
		return -1;
	call->result = json_true();
	return 0;
}

/* voronka.crm.rights.get {USER_ID?} → {USER_ID, ADMIN, SETTINGS, PERMS}: the caller's effective
 * matrix (the maximum over the roles held, inheritance resolved). Another user's (USER_ID) only
 * for administrators and holders of the settings right. */
int rest_voronka_crm_rights_get(struct rest_call *call)
{
	struct crm_rights *r = caller_rights(call);
	if (!r)
		return -1;
	int64_t uid = call->auth->user_id;
	int p = positive_int(call, pget(call->params, "USER_ID"), "USER_ID", &uid);
	if (p < 0)
		return -1;
	if (p == 0 && uid != call->auth->user_id) {
		bool is_admin, active;
		if (!crm_rights_can_settings(r))
			return rest_fail(call, ERR_ACCESS_DENIED,
					 "Access denied: another user's rights need the permission to change settings");
		int rc = q_user_flags(call->st, uid, &is_admin, &active);
		if (rc == STORE_NOTFOUND)
			return rest_fail(call, ERR_NOT_FOUND, "The user %lld is not found", (long long)uid);
		if (!rc)
			rc = crm_rights_load(call->st, call->arena, uid, is_admin, &r);
		if (rc)
			return rest_fail_store(call, rc);
	}
	json_t *perms = matrix_json(call, r, false);
	if (!perms)
		return -1;
	call->result = json_pack("{s:I,s:s,s:s,s:o}", "USER_ID", (json_int_t)uid, "ADMIN",
				 crm_rights_is_admin(r) ? "Y" : "N", "SETTINGS", crm_rights_can_settings(r) ? "Y" : "N",
				 "PERMS", perms);
	return 0;
}
