/* user.c — the user.* methods, profile, user.access and access.name (P1): lists through the filter
 * engine (rest/filter.h) over q_user_entity, writes through the domain (user/user.h) and the
 * descriptor. Records go out as Bitrix24 writes them: strings for numbers, ACTIVE true/false,
 * UF_DEPARTMENT a list of integers, dates ISO 8601 with the server's offset. */
#include "rest/rest.h"
#include "rest/filter.h"
#include "core/arena.h"
#include "core/util.h"
#include "store/q_user.h"
#include "store/store.h"
#include "user/user.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define USER_MAX_DEPARTMENTS 64 /* memberships read back per user */
#define USER_ONLINE_SECONDS (24 * 60) /* Bitrix24's default "online" window */
#define TREE_MAX_DEPTH 64 /* walks up the department tree stop here, whatever the data */

static const struct query_field *ufield(const char *name)
{
	return query_field_find(&q_user_entity, name);
}

/* ---- reading: the query from user.get / user.search parameters ---- */

/* Top-level parameters that are not filter keys. */
static bool reserved_param(const char *k)
{
	static const char *const names[] = {"FILTER", "SORT", "ORDER", "ADMIN_MODE", "START", "SELECT", "AUTH",
					    "SESSID", "ACCESS_TOKEN"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(k, names[i]))
			return true;
	return false;
}

static int add_search(struct rest_call *call, struct query *q, json_t *v, bool with_departments)
{
	const struct query_field *fields[] = {ufield("NAME"), ufield("LAST_NAME"), ufield("SECOND_NAME"),
					      ufield("EMAIL"), ufield("WORK_POSITION"), ufield("UF_DEPARTMENT_NAME")};
	size_t n = sizeof fields / sizeof fields[0] - (with_departments ? 0 : 1);
	const char *text = v ? rest_json_text(call, v) : NULL;
	if (!text || !*text)
		return 0;
	if (query_add_search(q, fields, n, text))
		return rest_fail(call, ERR_ARGUMENT, "The search text is too long");
	return 0;
}

/* One filter key, with the pseudo-fields of user.get and user.search. */
static int user_filter_key(struct rest_call *call, struct query *q, const char *k, json_t *v, bool strict)
{
	if (!strcasecmp(k, "NAME_SEARCH"))
		return add_search(call, q, v, false);
	if (!strcasecmp(k, "FIND"))
		return add_search(call, q, v, true);
	if (!strcasecmp(k, "IS_ONLINE"))
		return 0; /* presence is not tracked precisely enough to filter on */
	return rest_filter_key(call, q, k, v, strict);
}

static int user_order(struct rest_call *call, struct query *q)
{
	json_t *sort = rest_param(call, "SORT");
	json_t *order = rest_param(call, "ORDER");
	if (json_is_object(order))
		return rest_order_parse(call, q, order);
	const char *dir = order ? rest_json_text(call, order) : NULL;
	const char *field = sort ? rest_json_text(call, sort) : NULL;
	if (json_is_object(sort)) /* sort={FIELD: DIR}: some clients swap the two */
		return rest_order_parse(call, q, sort);
	if ((!field || !*field) && (!dir || !*dir))
		return 0;
	json_t *o = rest_own(call, json_object());
	if (!o)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	json_object_set_new(o, field && *field ? field : "ID", json_string(dir && *dir ? dir : "ASC"));
	return rest_order_parse(call, q, o);
}

static int user_query(struct rest_call *call, struct query *q)
{
	query_init(q, call->arena, &q_user_entity);
	json_t *filter = rest_param(call, "FILTER");
	if (filter && !json_is_null(filter) && !(json_is_string(filter) && !*json_string_value(filter)) &&
	    !(json_is_array(filter) && !json_array_size(filter))) {
		if (!json_is_object(filter))
			return rest_fail(call, ERR_ARGUMENT, "Parameter 'FILTER' must be an object");
		const char *k;
		json_t *v;
		json_object_foreach(filter, k, v)
		{
			if (user_filter_key(call, q, k, v, true) < 0)
				return -1;
		}
	}
	/* older clients put the filter at the top level: user.get?ID=5, UF_DEPARTMENT=1 */
	const char *k;
	json_t *v;
	json_object_foreach(call->params, k, v)
	{
		if (reserved_param(k))
			continue;
		if (user_filter_key(call, q, k, v, false) < 0)
			return -1;
	}
	if (user_order(call, q))
		return -1;
	return rest_select_parse(call, q, rest_param(call, "SELECT"));
}

/* ---- writing the record ---- */

static bool is_online(const char *last_activity)
{
	char tmp[40];
	time_t t;
	if (!last_activity || !*last_activity)
		return false;
	snprintf(tmp, sizeof tmp, "%.19sZ", last_activity);
	return parse_iso8601(tmp, &t) == 0 && time(NULL) - t < USER_ONLINE_SECONDS;
}

static json_t *user_row(struct rest_call *call, struct query *q, struct stmt *s, const struct query_field **cols,
			size_t n_cols, void *ctx)
{
	(void)ctx;
	json_t *row = json_object();
	if (!row)
		return NULL;
	int64_t id = store_col_int(s, 0);
	const char *last_activity = NULL;
	for (size_t i = 0; i < n_cols; i++)
		if (!strcmp(cols[i]->name, "LAST_ACTIVITY_DATE"))
			last_activity = store_col_text(s, (int)i + 1);
	bool online = is_online(last_activity);
	for (size_t fi = 0; fi < q->ent->n_fields; fi++) {
		const struct query_field *f = &q->ent->fields[fi];
		if (!query_selects(q, f))
			continue;
		if (!strcmp(f->name, "IS_ONLINE")) {
			json_object_set_new(row, f->name, json_string(online ? "Y" : "N"));
			continue;
		}
		if (!strcmp(f->name, "UF_DEPARTMENT")) {
			int64_t ids[USER_MAX_DEPARTMENTS];
			size_t n;
			int rc = q_user_departments(call->st, id, ids, USER_MAX_DEPARTMENTS, &n);
			if (rc) {
				json_decref(row);
				rest_fail_store(call, rc);
				return NULL;
			}
			json_t *arr = json_array();
			for (size_t i = 0; i < n; i++)
				json_array_append_new(arr, json_integer(ids[i]));
			json_object_set_new(row, f->name, arr);
			continue;
		}
		for (size_t i = 0; i < n_cols; i++)
			if (cols[i] == f) {
				json_object_set_new(row, f->name, rest_field_json(call, f, s, (int)i + 1));
				break;
			}
	}
	return row;
}

int rest_user_get(struct rest_call *call)
{
	struct query q;
	if (user_query(call, &q))
		return -1;
	return rest_list_run(call, &q, user_row, NULL);
}

int rest_user_search(struct rest_call *call)
{
	struct query q;
	if (user_query(call, &q))
		return -1;
	return rest_list_run(call, &q, user_row, NULL);
}

/* One user's record, as user.get shows it; ERR_NOT_FOUND if there is none. */
static int user_record(struct rest_call *call, int64_t id, json_t **out)
{
	struct query q;
	query_init(&q, call->arena, &q_user_entity);
	struct query_value *v = arena_alloc(call->arena, sizeof *v);
	if (!v)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	v->kind = QV_INT;
	v->i = id;
	struct query_cond c = {.field = ufield("ID"), .op = QOP_EQ, .values = v, .n_values = 1};
	q.limit = 1;
	if (query_add_cond(&q, &c))
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	size_t n_cols;
	const struct query_field **cols = query_columns(&q, &n_cols);
	struct stmt *s;
	int rc = cols ? query_open(call->st, &q, &s) : STORE_TOOBIG;
	if (rc)
		return rest_fail_store(call, rc);
	rc = store_step(s);
	if (rc != STORE_ROW) {
		store_reset(s);
		return rc == STORE_OK ? rest_fail(call, ERR_NOT_FOUND, "User not found") : rest_fail_store(call, rc);
	}
	*out = user_row(call, &q, s, cols, n_cols, NULL);
	store_reset(s);
	return *out ? 0 : (call->err_desc ? -1 : rest_fail(call, ERR_INTERNAL, "Out of memory"));
}

int rest_user_current(struct rest_call *call)
{
	json_t *row;
	if (user_record(call, call->auth->user_id, &row))
		return -1;
	call->result = row;
	return 0;
}

int rest_user_fields(struct rest_call *call)
{
	json_t *out = json_object();
	for (size_t i = 0; i < q_user_entity.n_fields; i++) {
		const struct query_field *f = &q_user_entity.fields[i];
		if (!(f->flags & QF_HIDDEN))
			json_object_set_new(out, f->name, json_string(f->title));
	}
	call->result = out;
	return 0;
}

/* ---- add / update ---- */

static bool email_valid(const char *e)
{
	const char *at = strchr(e, '@');
	if (!at || at == e || !at[1] || strchr(at + 1, '@') || strlen(e) > 254)
		return false;
	for (const char *p = e; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == ',' || *p == ';' || *p == '<' || *p == '>')
			return false;
	return strchr(at + 1, '.') != NULL;
}

/* The fields that take one of a few values (each list ends with NULL). LANGUAGE_ID is the
 * user's language, which the server's own texts for them (notifications) are written in. */
static const struct {
	const char *field;
	const char *values[4];
	const char *says;
} user_enums[] = {
	{"PERSONAL_GENDER", {"", "M", "F", NULL}, "M, F or empty"},
	{"USER_TYPE", {"employee", "extranet", "email", NULL}, "employee, extranet or email"},
	{"LANGUAGE_ID", {"ru", "en", NULL}, "ru or en"},
};

/* Check one value against its field's own rules and make it storable (NOT NULL columns). */
static int user_value(struct rest_call *call, const struct query_field *f, json_t *v, struct query_value *out)
{
	if (rest_value_parse(call, f, v, out))
		return -1;
	if (out->kind == QV_NULL) {
		if (f->type == QT_INT || f->type == QT_BOOL) {
			out->kind = QV_INT;
			out->i = 0;
		} else if (f->type != QT_DATETIME) {
			out->kind = QV_TEXT;
			out->s = "";
		}
	}
	for (size_t i = 0; i < sizeof user_enums / sizeof *user_enums; i++) {
		if (strcmp(f->name, user_enums[i].field) || out->kind != QV_TEXT)
			continue;
		for (const char *const *ok = user_enums[i].values; *ok; ok++)
			if (!strcmp(out->s, *ok))
				return 0;
		return rest_fail(call, ERR_ARGUMENT, "%s must be %s", f->name, user_enums[i].says);
	}
	return 0;
}

/* UF_DEPARTMENT as ids, each an existing department. *n = 0 for an empty list. */
static int department_ids(struct rest_call *call, json_t *v, int64_t *ids, size_t max, size_t *n)
{
	*n = 0;
	json_t *one = NULL;
	if (!json_is_array(v)) {
		one = rest_own(call, json_array());
		if (!one)
			return rest_fail(call, ERR_INTERNAL, "Out of memory");
		json_array_append(one, v);
		v = one;
	}
	const struct query_field *f = ufield("UF_DEPARTMENT");
	size_t i;
	json_t *item;
	json_array_foreach(v, i, item)
	{
		struct query_value qv;
		if (rest_value_parse(call, f, item, &qv))
			return -1;
		if (qv.kind == QV_NULL || qv.i == 0)
			continue;
		if (*n == max)
			return rest_fail(call, ERR_ARGUMENT, "Too many departments in UF_DEPARTMENT");
		int64_t parent;
		int rc = q_department_parent(call->st, qv.i, &parent);
		if (rc == STORE_NOTFOUND)
			return rest_fail(call, ERR_ARGUMENT, "UF_DEPARTMENT: department %lld does not exist",
					 (long long)qv.i);
		if (rc)
			return rest_fail_store(call, rc);
		ids[(*n)++] = qv.i;
	}
	return 0;
}

static int set_departments(struct rest_call *call, int64_t user_id, const int64_t *ids, size_t n)
{
	int rc = q_user_departments_clear(call->st, user_id);
	for (size_t i = 0; !rc && i < n; i++)
		rc = department_add_user(call->st, ids[i], user_id);
	return rc ? rest_fail_store(call, rc) : 0;
}

/* Collect the storable fields of params into sets (unknown and read-only names are skipped, as
 * Bitrix24 does). admin: may the caller change QF_ADMIN fields? */
static int collect_sets(struct rest_call *call, json_t *fields, bool admin, struct query_set *sets, size_t *n)
{
	*n = 0;
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v)
	{
		const struct query_field *f = ufield(k);
		if (!f || (f->flags & (QF_READONLY | QF_NOCOL | QF_MULTIPLE)) || !strcmp(f->name, "EMAIL"))
			continue;
		if ((f->flags & QF_ADMIN) && !admin)
			return rest_fail(call, ERR_ACCESS_DENIED, "Only administrators may change %s", f->name);
		if (*n == q_user_entity.n_fields)
			break;
		sets[*n].field = f;
		if (user_value(call, f, v, &sets[*n].value))
			return -1;
		(*n)++;
	}
	return 0;
}

static int user_add(struct rest_call *call, int64_t *id)
{
	json_t *fields = rest_write_fields(call);
	json_t *ev = json_object_get(fields, "EMAIL");
	const char *email = ev ? rest_json_text(call, ev) : NULL;
	if (!email || !*email || !email_valid(email))
		return rest_fail(call, ERR_ARGUMENT, "wrong_email: a valid EMAIL is required");
	bool taken;
	int rc = q_user_email_taken(call->st, email, 0, &taken);
	if (rc)
		return rest_fail_store(call, rc);
	if (taken)
		return rest_fail(call, ERR_ARGUMENT, "User with this email already exists");

	struct query_set *sets = arena_alloc(call->arena, q_user_entity.n_fields * sizeof *sets);
	if (!sets)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	size_t n;
	if (collect_sets(call, fields, true, sets, &n))
		return -1;
	int64_t deps[USER_MAX_DEPARTMENTS];
	size_t n_deps = 0;
	json_t *dv = json_object_get(fields, "UF_DEPARTMENT");
	if (dv && department_ids(call, dv, deps, USER_MAX_DEPARTMENTS, &n_deps))
		return -1;
	if (n_deps == 0) { /* an intranet user belongs somewhere: the company itself */
		rc = q_department_root(call->st, &deps[0]);
		if (rc == STORE_OK)
			n_deps = 1;
		else if (rc != STORE_NOTFOUND)
			return rest_fail_store(call, rc);
	}

	rc = q_user_insert(call->st, email, email, NULL, "", "", false, id);
	if (rc == STORE_CONSTRAINT)
		return rest_fail(call, ERR_ARGUMENT, "User with this email already exists");
	if (!rc)
		rc = query_update(call->st, call->arena, &q_user_entity, *id, sets, n);
	if (rc)
		return rest_fail_store(call, rc);
	return set_departments(call, *id, deps, n_deps);
}

int rest_user_add(struct rest_call *call)
{
	int rc = store_tx_begin_write(call->st);
	if (rc)
		return rest_fail_store(call, rc);
	int64_t id;
	if (user_add(call, &id)) {
		store_tx_rollback(call->st);
		return -1;
	}
	rc = store_tx_commit(call->st);
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_integer(id);
	return 0;
}

/* Would this change leave the portal without an active administrator? */
static int last_admin_check(struct rest_call *call, int64_t id, const struct query_set *sets, size_t n)
{
	bool is_admin, is_active;
	int rc = q_user_flags(call->st, id, &is_admin, &is_active);
	if (rc)
		return rest_fail_store(call, rc);
	if (!is_admin || !is_active)
		return 0;
	bool demoted = false;
	for (size_t i = 0; i < n; i++)
		if ((!strcmp(sets[i].field->name, "IS_ADMIN") || !strcmp(sets[i].field->name, "ACTIVE")) &&
		    sets[i].value.i == 0)
			demoted = true;
	if (!demoted)
		return 0;
	int64_t admins;
	rc = q_user_active_admins(call->st, &admins);
	if (rc)
		return rest_fail_store(call, rc);
	if (admins <= 1)
		return rest_fail(call, ERR_ARGUMENT, "The last active administrator cannot be deactivated or demoted");
	return 0;
}

static int user_update(struct rest_call *call, int64_t id)
{
	json_t *fields = rest_write_fields(call);
	bool admin = call->auth->is_admin;
	bool exists;
	int rc = q_user_exists(call->st, id, &exists);
	if (rc)
		return rest_fail_store(call, rc);
	if (!exists)
		return rest_fail(call, ERR_NOT_FOUND, "User not found");
	if (!admin && id != call->auth->user_id)
		return rest_fail(call, ERR_ACCESS_DENIED, "Access denied: only administrators may change other users");

	struct query_set *sets = arena_alloc(call->arena, q_user_entity.n_fields * sizeof *sets);
	if (!sets)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	size_t n;
	if (collect_sets(call, fields, admin, sets, &n))
		return -1;
	if (last_admin_check(call, id, sets, n))
		return -1;

	json_t *ev = json_object_get(fields, "EMAIL");
	if (ev) {
		if (!admin)
			return rest_fail(call, ERR_ACCESS_DENIED, "Only administrators may change EMAIL");
		const char *email = rest_json_text(call, ev);
		if (!email || !email_valid(email))
			return rest_fail(call, ERR_ARGUMENT, "wrong_email: EMAIL is not a valid address");
		bool taken;
		rc = q_user_email_taken(call->st, email, id, &taken);
		if (rc)
			return rest_fail_store(call, rc);
		if (taken)
			return rest_fail(call, ERR_ARGUMENT, "User with this email already exists");
		struct q_user_brief old;
		rc = q_user_brief(call->st, id, &old);
		if (!rc)
			rc = q_user_sync_login(call->st, id, old.email, email);
		if (rc)
			return rest_fail_store(call, rc);
		sets[n].field = ufield("EMAIL");
		sets[n].value = (struct query_value){.kind = QV_TEXT, .s = email};
		n++;
	}
	rc = query_update(call->st, call->arena, &q_user_entity, id, sets, n);
	if (!rc)
		rc = q_user_touch(call->st, id);
	if (rc)
		return rest_fail_store(call, rc);

	json_t *dv = json_object_get(fields, "UF_DEPARTMENT");
	if (dv) {
		if (!admin)
			return rest_fail(call, ERR_ACCESS_DENIED, "Only administrators may change UF_DEPARTMENT");
		int64_t deps[USER_MAX_DEPARTMENTS];
		size_t n_deps;
		if (department_ids(call, dv, deps, USER_MAX_DEPARTMENTS, &n_deps) ||
		    set_departments(call, id, deps, n_deps))
			return -1;
	}
	return 0;
}

int rest_user_update(struct rest_call *call)
{
	int64_t id;
	int r = rest_param_int(call, "ID", &id);
	if (r < 0)
		return -1;
	if (r == 1 || id <= 0)
		return rest_fail(call, ERR_ARGUMENT, "ID is required");
	int rc = store_tx_begin_write(call->st);
	if (rc)
		return rest_fail_store(call, rc);
	if (user_update(call, id)) {
		store_tx_rollback(call->st);
		return -1;
	}
	rc = store_tx_commit(call->st);
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_true();
	return 0;
}

/* ---- profile, user.access, access.name ---- */

int rest_profile(struct rest_call *call)
{
	struct q_user_brief u;
	int rc = q_user_brief(call->st, call->auth->user_id, &u);
	if (rc)
		return rest_fail_store(call, rc);
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)call->auth->user_id);
	json_t *out = json_pack("{s:s,s:b,s:s,s:s,s:s}", "ID", id, "ADMIN", u.is_admin, "NAME", u.name, "LAST_NAME",
				u.last_name, "PERSONAL_GENDER", u.gender);
	if (!out)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	if (*u.photo) /* Bitrix24 leaves the key out when there is no photo */
		json_object_set_new(out, "PERSONAL_PHOTO", json_string(u.photo));
	json_object_set_new(out, "TIME_ZONE", json_string(u.time_zone));
	call->result = out;
	return 0;
}

/* "D15" → 15 after the prefix; -1 if the rest is not a positive number. */
static int64_t code_id(const char *s)
{
	int64_t v;
	return parse_i64(s, &v) == 0 && v > 0 ? v : -1;
}

/* Is department dep the same as, or below, ancestor? */
static int department_within(struct store *st, int64_t dep, int64_t ancestor, bool *within)
{
	*within = false;
	for (int depth = 0; dep > 0 && depth < TREE_MAX_DEPTH; depth++) {
		if (dep == ancestor) {
			*within = true;
			return 0;
		}
		int rc = q_department_parent(st, dep, &dep);
		if (rc)
			return rc == STORE_NOTFOUND ? 0 : rc;
	}
	return 0;
}

/* Does the user hold one access code? */
static int holds_code(struct rest_call *call, int64_t me, const char *code, bool *yes)
{
	struct store *st = call->st;
	*yes = false;
	int64_t ids[USER_MAX_DEPARTMENTS];
	size_t n;
	int rc;
	if (!strcmp(code, "*") || !strcmp(code, "AU") || !strcmp(code, "G2")) {
		*yes = true;
	} else if (code[0] == 'G') {
		*yes = code_id(code + 1) == 1 && call->auth->is_admin;
	} else if (code[0] == 'U') {
		*yes = code_id(code + 1) == me;
	} else if (!strncmp(code, "DR", 2) || code[0] == 'D') {
		bool recursive = code[1] == 'R';
		int64_t target = code_id(code + (recursive ? 2 : 1));
		if (target < 0)
			return 0;
		if ((rc = q_user_departments(st, me, ids, USER_MAX_DEPARTMENTS, &n)))
			return rc;
		for (size_t i = 0; i < n && !*yes; i++) {
			if (ids[i] == target)
				*yes = true;
			else if (recursive && (rc = department_within(st, ids[i], target, yes)))
				return rc;
		}
	} else if (!strncmp(code, "IU", 2)) {
		int64_t target = code_id(code + 2);
		if (target == me) {
			*yes = true;
			return 0;
		}
		if (target < 0 || (rc = q_user_departments(st, target, ids, USER_MAX_DEPARTMENTS, &n)))
			return target < 0 ? 0 : rc;
		for (size_t i = 0; i < n && !*yes; i++) { /* the heads up the tree supervise */
			int64_t dep = ids[i];
			for (int depth = 0; dep > 0 && depth < TREE_MAX_DEPTH && !*yes; depth++) {
				int64_t head;
				if ((rc = q_department_head(st, dep, &head)) || (rc = q_department_parent(st, dep, &dep)))
					return rc == STORE_NOTFOUND ? 0 : rc;
				*yes = head == me;
			}
		}
	} else if (!strncmp(code, "SG", 2)) {
		char *us = strchr(code, '_');
		if (!us || strlen(us) != 2)
			return 0;
		char num[24];
		snprintf(num, sizeof num, "%.*s", (int)(us - code - 2), code + 2);
		int64_t group = code_id(num);
		char role;
		if (group < 0)
			return 0;
		rc = q_workgroup_role(st, group, me, &role);
		if (rc)
			return rc == STORE_NOTFOUND ? 0 : rc;
		*yes = us[1] == 'K' || (us[1] == 'E' && (role == 'A' || role == 'E')) || (us[1] == 'A' && role == 'A');
	}
	return 0;
}

/* ACCESS as a list of strings: a single string is a list of one (user.access allows it). */
static json_t *access_list(struct rest_call *call, bool allow_string)
{
	json_t *a = rest_param(call, "ACCESS");
	if (json_is_string(a) && allow_string && *json_string_value(a)) {
		json_t *one = rest_own(call, json_array());
		if (one)
			json_array_append(one, a);
		return one;
	}
	if (json_is_object(a)) { /* ACCESS[x]=… from a form, keys not 0..n-1 */
		json_t *vals = rest_own(call, json_array());
		const char *k;
		json_t *v;
		json_object_foreach(a, k, v) json_array_append(vals, v);
		return vals;
	}
	return json_is_array(a) && json_array_size(a) ? a : NULL;
}

int rest_user_access(struct rest_call *call)
{
	json_t *list = access_list(call, true);
	if (call->auth->is_admin || !list) {
		call->result = json_boolean(call->auth->is_admin);
		return 0;
	}
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		const char *code = json_string_value(v);
		bool yes;
		if (!code)
			continue;
		int rc = holds_code(call, call->auth->user_id, code, &yes);
		if (rc)
			return rest_fail_store(call, rc);
		if (yes) {
			call->result = json_true();
			return 0;
		}
	}
	call->result = json_false();
	return 0;
}

static const char *full_name(struct rest_call *call, const struct q_user_brief *u)
{
	if (!*u->name && !*u->last_name)
		return arena_strdup(call->arena, u->email);
	if (!*u->name || !*u->last_name)
		return arena_strdup(call->arena, *u->name ? u->name : u->last_name);
	return arena_printf(call->arena, "%s %s", u->name, u->last_name);
}

/* The name of one code, or NULL (and 0) when it names nothing that exists. */
static int code_name(struct rest_call *call, const char *code, json_t **out)
{
	struct store *st = call->st;
	const char *name = NULL, *provider = "", *provider_id = "other";
	char buf[256];
	int rc = 0;
	*out = NULL;
	if (!strcmp(code, "AU")) {
		name = "Все авторизованные пользователи";
	} else if (!strcmp(code, "G2")) {
		name = "Все посетители";
	} else if (!strcmp(code, "CR")) {
		name = "Автор";
	} else if (!strcmp(code, "G1")) {
		name = "Администраторы", provider = "Группы пользователей", provider_id = "group";
	} else if (code[0] == 'U' || !strncmp(code, "IU", 2)) {
		bool iu = code[0] == 'I';
		struct q_user_brief u;
		int64_t id = code_id(code + (iu ? 2 : 1));
		if (id < 0)
			return 0;
		rc = q_user_brief(st, id, &u);
		if (rc)
			return rc == STORE_NOTFOUND ? 0 : rc;
		name = full_name(call, &u);
		if (iu) {
			name = arena_printf(call->arena, "%s и руководители", name);
			provider = "Сотрудники и отделы", provider_id = "intranet";
		} else {
			provider = "Пользователи", provider_id = "user";
		}
	} else if (code[0] == 'D') {
		bool recursive = code[1] == 'R';
		int64_t id = code_id(code + (recursive ? 2 : 1));
		if (id < 0)
			return 0;
		rc = q_department_name(st, id, buf, sizeof buf);
		if (rc)
			return rc == STORE_NOTFOUND ? 0 : rc;
		name = recursive ? arena_printf(call->arena, "%s (с подотделами)", buf) : arena_strdup(call->arena, buf);
		provider = "Сотрудники и отделы", provider_id = "intranet";
	} else if (!strncmp(code, "SG", 2)) {
		const char *us = strchr(code, '_');
		if (!us || strlen(us) != 2 || !strchr("AEK", us[1]))
			return 0;
		char num[24];
		snprintf(num, sizeof num, "%.*s", (int)(us - code - 2), code + 2);
		int64_t id = code_id(num);
		if (id < 0)
			return 0;
		rc = q_workgroup_name(st, id, buf, sizeof buf);
		if (rc)
			return rc == STORE_NOTFOUND ? 0 : rc;
		const char *who = us[1] == 'A' ? "владелец" : us[1] == 'E' ? "модераторы" : "все участники";
		name = arena_printf(call->arena, "%s: %s", buf, who);
		provider = "Группы и проекты", provider_id = "socnetgroup";
	} else {
		return 0;
	}
	if (!name)
		return STORE_TOOBIG;
	*out = json_pack("{s:s,s:s,s:s}", "provider", provider, "name", name, "provider_id", provider_id);
	return 0;
}

int rest_access_name(struct rest_call *call)
{
	json_t *list = access_list(call, false);
	if (!list) {
		call->result = json_false();
		return 0;
	}
	json_t *out = rest_own(call, json_object());
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		const char *code = json_string_value(v);
		json_t *item;
		if (!code)
			continue;
		int rc = code_name(call, code, &item);
		if (rc)
			return rest_fail_store(call, rc);
		if (item)
			json_object_set_new(out, code, item);
	}
	/* none of them exist: PHP's empty array */
	call->result = json_object_size(out) ? json_incref(out) : json_array();
	return 0;
}
