/* q_crm_perms.c — every SQL text about CRM access rights (migration 8): roles, their cells and
 * assignments, and the per-request facts of a user (roles held, departments, their members).
 * The department walks are recursive CTEs, which SQLite and PostgreSQL both take; UNION (not
 * UNION ALL) makes a cycle in a damaged tree end instead of looping. */
#include "store/q_crm_perms.h"
#include "store/store.h"
#include "core/arena.h"
#include <stdio.h>
#include <string.h>

/* Make room for one more element in an arena array (doubling; the old block is left to the
 * arena). 0, or STORE_TOOBIG over the arena's ceiling. */
static int grow(struct arena *a, void **arr, size_t elem, size_t n, size_t *cap)
{
	if (n < *cap)
		return STORE_OK;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p = arena_alloc(a, ncap * elem);
	if (!p)
		return STORE_TOOBIG;
	if (n)
		memcpy(p, *arr, n * elem);
	*arr = p;
	*cap = ncap;
	return STORE_OK;
}

/* Step s to its end, collecting column 0 as integers. */
static int collect_ints(struct stmt *s, struct arena *a, int64_t **out, size_t *n)
{
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	while ((rc = store_step(s)) == STORE_ROW) {
		if ((rc = grow(a, (void **)out, sizeof **out, *n, &cap)))
			break;
		(*out)[(*n)++] = store_col_int(s, 0);
	}
	store_reset(s);
	return rc;
}

/* The access codes user $1 ($2: the same id as text, since PostgreSQL types each parameter once)
 * holds, as the CTE `codes` (R6): every user (AU), the user (U5), each
 * department they are a member of (D3), it and every parent of it with its sub-departments
 * (DR3), and their work groups: SG7_K for any member, _E for moderators and the owner, _A for
 * the owner (Bitrix24's letters, as user.access reads them). */
#define USER_CODES                                                                                                     \
	"WITH RECURSIVE up(id) AS ("                                                                                   \
	" SELECT department_id FROM user_departments WHERE user_id = $1"                                               \
	" UNION SELECT d.parent_id FROM departments d JOIN up ON d.id = up.id WHERE d.parent_id IS NOT NULL),"          \
	" codes(code) AS ("                                                                                            \
	" SELECT 'AU' UNION ALL SELECT 'U' || $2"                                                                       \
	" UNION ALL SELECT 'D' || CAST(department_id AS TEXT) FROM user_departments WHERE user_id = $1"                \
	" UNION ALL SELECT 'DR' || CAST(id AS TEXT) FROM up"                                                           \
	" UNION ALL SELECT 'SG' || CAST(m.group_id AS TEXT) || '_' || k.column1"                                       \
	"  FROM workgroup_members m, (VALUES ('K'), ('E'), ('A')) AS k WHERE m.user_id = $1"                           \
	"  AND (k.column1 = 'K' OR (k.column1 = 'E' AND m.role IN ('A', 'E')) OR (k.column1 = 'A' AND m.role = 'A')))"
#define USER_ROLE_IDS "SELECT role_id FROM crm_role_relation WHERE access_code IN (SELECT code FROM codes)"

#define ROLE_COLS "id, name, code, settings, created_at"

static void read_role(struct stmt *s, struct q_crm_role *r)
{
	r->id = store_col_int(s, 0);
	store_col_copy(s, 1, r->name, sizeof r->name);
	store_col_copy(s, 2, r->code, sizeof r->code);
	r->settings = store_col_int(s, 3) != 0;
	store_col_copy(s, 4, r->created_at, sizeof r->created_at);
}

static int collect_roles(struct stmt *s, struct arena *a, struct q_crm_role **out, size_t *n)
{
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	while ((rc = store_step(s)) == STORE_ROW) {
		if ((rc = grow(a, (void **)out, sizeof **out, *n, &cap)))
			break;
		read_role(s, &(*out)[(*n)++]);
	}
	store_reset(s);
	return rc;
}

/* Cells: role_id, entity, op, stage, level. */
static int collect_cells(struct stmt *s, struct arena *a, struct q_crm_perm_cell **out, size_t *n)
{
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	while ((rc = store_step(s)) == STORE_ROW) {
		if ((rc = grow(a, (void **)out, sizeof **out, *n, &cap)))
			break;
		struct q_crm_perm_cell *c = &(*out)[(*n)++];
		c->role_id = store_col_int(s, 0);
		c->entity = arena_strdup(a, store_col_text(s, 1));
		c->op = arena_strdup(a, store_col_text(s, 2));
		c->stage = arena_strdup(a, store_col_text(s, 3));
		c->level = store_col_text(s, 4)[0];
		if (!c->entity || !c->op || !c->stage) {
			rc = STORE_TOOBIG;
			break;
		}
	}
	store_reset(s);
	return rc;
}

static int bind_user(struct stmt *s, int64_t user_id)
{
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)user_id);
	int rc = store_bind_int(s, 1, user_id);
	return rc ? rc : store_bind_text(s, 2, text);
}

int q_crm_perms_user_roles(struct store *st, struct arena *a, int64_t user_id, struct q_crm_role **out, size_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st, USER_CODES " SELECT " ROLE_COLS " FROM crm_role WHERE id IN (" USER_ROLE_IDS ") ORDER BY id");
	int rc = bind_user(s, user_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return collect_roles(s, a, out, n);
}

int q_crm_perms_user_cells(struct store *st, struct arena *a, int64_t user_id, struct q_crm_perm_cell **out,
			   size_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   USER_CODES " SELECT role_id, entity, op, stage, level FROM crm_role_perm WHERE role_id IN (" USER_ROLE_IDS
			      ")");
	int rc = bind_user(s, user_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return collect_cells(s, a, out, n);
}

/* The user's own departments (member or head) as the CTE `mine`; SUBTREE adds `sub`: those and
 * every department below them. */
#define MINE "SELECT department_id FROM user_departments WHERE user_id = $1 UNION SELECT id FROM departments WHERE head_id = $1"
#define SUBTREE "WITH RECURSIVE sub(id) AS (" MINE " UNION SELECT d.id FROM departments d JOIN sub ON d.parent_id = sub.id) "

int q_crm_perms_depts(struct store *st, struct arena *a, int64_t user_id, bool with_sub, int64_t **out, size_t *n)
{
	struct stmt *s;
	if (with_sub)
		STORE_PREP(s, st, SUBTREE "SELECT id FROM sub ORDER BY id");
	else
		STORE_PREP(s, st, MINE " ORDER BY 1");
	int rc = store_bind_int(s, 1, user_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return collect_ints(s, a, out, n);
}

int q_crm_perms_dept_users(struct store *st, struct arena *a, int64_t user_id, bool with_sub, int64_t **out,
			   size_t *n)
{
	struct stmt *s;
	if (with_sub)
		STORE_PREP(s, st,
			   SUBTREE "SELECT user_id FROM user_departments WHERE department_id IN (SELECT id FROM sub)"
				   " UNION SELECT id FROM users WHERE id = $1 ORDER BY 1");
	else
		STORE_PREP(s, st,
			   "SELECT user_id FROM user_departments WHERE department_id IN (" MINE ")"
			   " UNION SELECT id FROM users WHERE id = $1 ORDER BY 1");
	int rc = store_bind_int(s, 1, user_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return collect_ints(s, a, out, n);
}

int q_crm_perms_user_count(struct store *st, int64_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT COUNT(*) FROM users");
	return store_one_int(s, n);
}

int q_crm_perms_forget(struct store *st, const char *entity, const char *stage)
{
	struct stmt *s;
	if (stage)
		STORE_PREP(s, st, "DELETE FROM crm_role_perm WHERE entity = $1 AND stage = $2");
	else
		STORE_PREP(s, st, "DELETE FROM crm_role_perm WHERE entity = $1");
	int rc = store_bind_text(s, 1, entity);
	if (!rc && stage)
		rc = store_bind_text(s, 2, stage);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

const char *q_crm_perms_dept_link(const char *table)
{
	/* One fixed text per item table: the table name comes from an entity descriptor, and only
	 * these literals ever reach the database. A join (not a nested IN) because the engine closes
	 * exactly one parenthesis after the appended condition. */
	static const struct {
		const char *table, *link;
	} links[] = {
		{"crm_lead", "SELECT t.id FROM crm_lead t JOIN user_departments ud ON ud.user_id = t.assigned_by_id WHERE"},
		{"crm_deal", "SELECT t.id FROM crm_deal t JOIN user_departments ud ON ud.user_id = t.assigned_by_id WHERE"},
		{"crm_contact",
		 "SELECT t.id FROM crm_contact t JOIN user_departments ud ON ud.user_id = t.assigned_by_id WHERE"},
		{"crm_company",
		 "SELECT t.id FROM crm_company t JOIN user_departments ud ON ud.user_id = t.assigned_by_id WHERE"},
	};
	for (size_t i = 0; table && i < sizeof links / sizeof links[0]; i++)
		if (!strcmp(links[i].table, table))
			return links[i].link;
	return NULL;
}

/* ---- roles ---- */

int q_crm_role_list(struct store *st, struct arena *a, struct q_crm_role **out, size_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT " ROLE_COLS " FROM crm_role ORDER BY id");
	return collect_roles(s, a, out, n);
}

int q_crm_role_get(struct store *st, int64_t id, struct q_crm_role *out)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT " ROLE_COLS " FROM crm_role WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		read_role(s, out);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

int q_crm_role_insert(struct store *st, const char *name, bool settings, const char *created_at, int64_t *id)
{
	struct stmt *s;
	STORE_PREP(s, st, "INSERT INTO crm_role (name, settings, created_at) VALUES ($1, $2, $3) RETURNING id");
	int rc;
	if ((rc = store_bind_text(s, 1, name)) || (rc = store_bind_int(s, 2, settings)) ||
	    (rc = store_bind_text(s, 3, created_at))) {
		store_reset(s);
		return rc;
	}
	rc = store_step(s);
	if (rc == STORE_ROW) {
		*id = store_col_int(s, 0);
		rc = store_exec_stmt(s);
	} else if (rc == STORE_OK) {
		rc = STORE_ERROR;
	}
	store_reset(s);
	return rc;
}

int q_crm_role_update(struct store *st, int64_t id, const char *name, int settings)
{
	struct stmt *s;
	/* COALESCE keeps a column whose new value is NULL: one statement for every combination */
	STORE_PREP(s, st, "UPDATE crm_role SET name = COALESCE($2, name), settings = COALESCE($3, settings) WHERE id = $1");
	int rc;
	if ((rc = store_bind_int(s, 1, id)) || (rc = store_bind_text(s, 2, name)) ||
	    (rc = settings < 0 ? store_bind_null(s, 3) : store_bind_int(s, 3, settings))) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

int q_crm_role_delete(struct store *st, int64_t id)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_role WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

int q_crm_role_cells(struct store *st, struct arena *a, int64_t role_id, struct q_crm_perm_cell **out, size_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT role_id, entity, op, stage, level FROM crm_role_perm WHERE role_id = $1");
	int rc = store_bind_int(s, 1, role_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return collect_cells(s, a, out, n);
}

int q_crm_role_cell_set(struct store *st, int64_t role_id, const char *entity, const char *op, const char *stage,
			char level)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO crm_role_perm (role_id, entity, op, stage, level) VALUES ($1, $2, $3, $4, $5)"
		   " ON CONFLICT (role_id, entity, op, stage) DO UPDATE SET level = excluded.level");
	char lv[2] = {level, 0};
	int rc;
	if ((rc = store_bind_int(s, 1, role_id)) || (rc = store_bind_text(s, 2, entity)) ||
	    (rc = store_bind_text(s, 3, op)) || (rc = store_bind_text(s, 4, stage)) || (rc = store_bind_text(s, 5, lv))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_role_cell_clear(struct store *st, int64_t role_id, const char *entity, const char *op, const char *stage)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_role_perm WHERE role_id = $1 AND entity = $2 AND op = $3 AND stage = $4");
	int rc;
	if ((rc = store_bind_int(s, 1, role_id)) || (rc = store_bind_text(s, 2, entity)) ||
	    (rc = store_bind_text(s, 3, op)) || (rc = store_bind_text(s, 4, stage))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_role_cells_copy(struct store *st, int64_t from, int64_t to)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO crm_role_perm (role_id, entity, op, stage, level)"
		   " SELECT $2, entity, op, stage, level FROM crm_role_perm WHERE role_id = $1");
	int rc;
	if ((rc = store_bind_int(s, 1, from)) || (rc = store_bind_int(s, 2, to))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

/* ---- assignments ---- */

int q_crm_role_relations(struct store *st, struct arena *a, struct q_crm_role_relation **out, size_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT access_code, role_id FROM crm_role_relation ORDER BY role_id, access_code");
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	while ((rc = store_step(s)) == STORE_ROW) {
		if ((rc = grow(a, (void **)out, sizeof **out, *n, &cap)))
			break;
		struct q_crm_role_relation *r = &(*out)[(*n)++];
		r->access_code = arena_strdup(a, store_col_text(s, 0));
		r->role_id = store_col_int(s, 1);
		if (!r->access_code) {
			rc = STORE_TOOBIG;
			break;
		}
	}
	store_reset(s);
	return rc;
}

int q_crm_role_relations_clear(struct store *st)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_role_relation");
	return store_exec_stmt(s);
}

int q_crm_role_relation_add(struct store *st, const char *access_code, int64_t role_id)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO crm_role_relation (access_code, role_id) VALUES ($1, $2)"
		   " ON CONFLICT (access_code, role_id) DO NOTHING");
	int rc;
	if ((rc = store_bind_text(s, 1, access_code)) || (rc = store_bind_int(s, 2, role_id))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_role_relation_count(struct store *st, int64_t role_id, int64_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT COUNT(*) FROM crm_role_relation WHERE role_id = $1");
	int rc = store_bind_int(s, 1, role_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_one_int(s, n);
}

int q_crm_perms_workgroup_exists(struct store *st, int64_t id, bool *exists)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT COUNT(*) FROM workgroups WHERE id = $1");
	int64_t n = 0;
	int rc = store_bind_int(s, 1, id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	rc = store_one_int(s, &n);
	*exists = n > 0;
	return rc;
}

/* ---- stage lists ---- */

int q_crm_perms_stages(struct store *st, struct arena *a, struct q_crm_perm_stage **out, size_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT entity_id, status_id FROM crm_status WHERE entity_id IN ('STATUS', 'DEAL_STAGE')"
		   " OR entity_id LIKE 'DEAL\\_STAGE\\_%' ESCAPE '\\' ORDER BY entity_id, sort, id");
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	while ((rc = store_step(s)) == STORE_ROW) {
		if ((rc = grow(a, (void **)out, sizeof **out, *n, &cap)))
			break;
		struct q_crm_perm_stage *r = &(*out)[(*n)++];
		r->list = arena_strdup(a, store_col_text(s, 0));
		r->status_id = arena_strdup(a, store_col_text(s, 1));
		if (!r->list || !r->status_id) {
			rc = STORE_TOOBIG;
			break;
		}
	}
	store_reset(s);
	return rc;
}
