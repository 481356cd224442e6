/* test_rights.c — CRM access rights (crm/rights.c, store/q_crm_perms.c) on an in-memory database
 * with a department tree three levels deep (root → A, B → A1, A2, B1), two users in each
 * department, a user in none and a work group. Every decision is checked three ways against a
 * model written here from the tree alone: crm_rights_level, crm_rights_item_allowed for every
 * item, and the list filter (crm_rights_list_conds) run as SQL over real lead and deal rows.
 * Covered: every level × every operation, stages inheriting, the maximum over several roles,
 * department vs department-with-sub-departments assignments, work groups, heads who are not
 * members, several pipelines (one created after the roles), administrators, the settings flag,
 * and the two shapes a large department set takes: "has a responsible" for the whole company, a
 * subquery over CRM_RIGHTS_BIND_BUDGET bound values. */
#include "unit.h"
#include "core/arena.h"
#include "core/log.h"
#include "crm/rights.h"
#include "store/q_crm_category.h"
#include "store/q_crm_item.h"
#include "store/q_crm_perms.h"
#include "store/q_user.h"
#include "store/query.h"
#include "store/store.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { D_ROOT, D_A, D_B, D_A1, D_A2, D_B1, N_DEPTS };
static const int parent_of[N_DEPTS] = {-1, D_ROOT, D_ROOT, D_A, D_A, D_B};
#define PER_DEPT 2
#define MAX_USERS 1000
#define BIG (CRM_RIGHTS_BIND_BUDGET / 2 + 40) /* users: over the budget with one condition of 2 */
#define MAX_ITEMS 4000

struct world {
	struct store *st;
	int64_t dep[N_DEPTS];
	int64_t user[N_DEPTS][PER_DEPT];
	int64_t head[N_DEPTS];    /* B1's head is a member of B, not of B1 */
	int64_t loner, admin;     /* in no department; a portal administrator */
	int64_t group, g_owner, g_moder, g_member;
	int64_t pipe[4];          /* deal pipelines: 0 and three added */
	int n_pipes;
	/* every user's department index (-1: none), for the model; extra departments beyond the
	 * tree (the large one) are N_DEPTS and have root as parent */
	int64_t uid[MAX_USERS];
	int udep[MAX_USERS];
	int n_users;
	int64_t big_dep;
};

static struct world W;
static char ts[] = "2026-01-01 00:00:00";

static int64_t add_user(const char *login, int dep_index)
{
	int64_t id = 0;
	char email[64];
	snprintf(email, sizeof email, "%s@example.com", login);
	CHECK(q_user_insert(W.st, email, email, NULL, login, "", false, &id) == 0);
	if (dep_index >= 0)
		CHECK(q_department_add_user(W.st, dep_index < N_DEPTS ? W.dep[dep_index] : W.big_dep, id) == 0);
	W.uid[W.n_users] = id;
	W.udep[W.n_users++] = dep_index;
	return id;
}

static void exec(const char *sql)
{
	int rc = store_exec(W.st, sql);
	if (rc)
		printf("  SQL failed: %s: %s\n", sql, store_errmsg(W.st));
	CHECK(rc == 0);
}

/* A fresh database with the tree, the users, a work group and one added pipeline. The default
 * roles stay, but their assignment (AU → Manager) is removed: each test assigns what it means. */
static void world(void)
{
	int v;
	log_set_level(LOG_ERROR); /* the migrations' lines, once per test */
	if (W.st)
		store_close(W.st);
	memset(&W, 0, sizeof W);
	CHECK(store_open(&W.st, ":memory:") == 0 && store_migrate(W.st, &v) == 0);
	for (int d = 0; d < N_DEPTS; d++) {
		char name[16];
		snprintf(name, sizeof name, "dep%d", d);
		CHECK(q_department_insert(W.st, name, parent_of[d] < 0 ? 0 : W.dep[parent_of[d]], 0, 500, &W.dep[d]) == 0);
	}
	for (int d = 0; d < N_DEPTS; d++)
		for (int k = 0; k < PER_DEPT; k++) {
			char login[16];
			snprintf(login, sizeof login, "u%d_%d", d, k);
			W.user[d][k] = add_user(login, d);
		}
	for (int d = 0; d < N_DEPTS; d++) {
		W.head[d] = d == D_B1 ? W.user[D_B][1] : W.user[d][0];
		CHECK(q_department_set_head(W.st, W.dep[d], W.head[d]) == 0);
	}
	W.loner = add_user("loner", -1);
	CHECK(q_user_insert(W.st, "admin@example.com", "admin@example.com", NULL, "Admin", "", true, &W.admin) == 0);
	/* work group 1: owner in A1, a moderator in B1, a member in A2 */
	W.g_owner = W.user[D_A1][1], W.g_moder = W.user[D_B1][1], W.g_member = W.user[D_A2][1];
	char sql[512];
	snprintf(sql, sizeof sql,
		 "INSERT INTO workgroups (id, name, date_create) VALUES (7, 'Проект', '%s');"
		 "INSERT INTO workgroup_members (group_id, user_id, role) VALUES (7, %lld, 'A'), (7, %lld, 'E'), (7, %lld, 'K');",
		 ts, (long long)W.g_owner, (long long)W.g_moder, (long long)W.g_member);
	exec(sql);
	W.group = 7;
	CHECK(q_crm_role_relations_clear(W.st) == 0);
	W.pipe[0] = 0;
	W.n_pipes = 1;
}

static int64_t add_pipeline(void)
{
	int64_t id = 0;
	CHECK(q_crm_category_insert(W.st, 2, "Опт", 500, ts, &id) == 0 && q_crm_category_stages_insert(W.st, id) == 0);
	W.pipe[W.n_pipes++] = id;
	return id;
}

/* ---- the model: what each level means, from the tree alone ---- */

static int dep_of(int64_t user)
{
	for (int i = 0; i < W.n_users; i++)
		if (W.uid[i] == user)
			return W.udep[i];
	return -1;
}

static bool under(int d, int ancestor)
{
	for (; d >= 0; d = d < N_DEPTS ? parent_of[d] : D_ROOT)
		if (d == ancestor)
			return true;
	return false;
}

/* Does the viewer's own department set (member or head; with_sub: and below) hold the owner? */
static bool model_in(int64_t viewer, int64_t owner, bool with_sub)
{
	if (owner <= 0)
		return false;
	if (owner == viewer)
		return true;
	int od = dep_of(owner);
	if (od < 0)
		return false;
	for (int d = 0; d <= N_DEPTS; d++) {
		if (d == N_DEPTS && !W.big_dep)
			break;
		bool mine = dep_of(viewer) == d || (d < N_DEPTS && W.head[d] == viewer);
		if (mine && (with_sub ? under(od, d) : od == d))
			return true;
	}
	return false;
}

static bool model_covers(int64_t viewer, char level, int64_t owner, bool opened)
{
	switch (level) {
	case 'X':
		return true;
	case 'O':
		return opened || model_in(viewer, owner, true);
	case 'F':
		return model_in(viewer, owner, true);
	case 'D':
		return model_in(viewer, owner, false);
	case 'A':
		return owner > 0 && owner == viewer;
	default:
		return false;
	}
}

/* ---- items ---- */

static const char *const lead_stages[] = {"NEW", "IN_PROCESS", "JUNK"};

static void insert_item(int type, int64_t category, const char *stage, int64_t owner, bool opened)
{
	struct stmt *s = store_prepare(
		W.st, type == 1 ? "INSERT INTO crm_lead (title, status_id, opened, assigned_by_id, date_create, date_modify) "
				  "VALUES ('t', $1, $2, $3, $4, $4)"
				: "INSERT INTO crm_deal (title, stage_id, opened, assigned_by_id, date_create, date_modify, "
				  "category_id) VALUES ('t', $1, $2, $3, $4, $4, $5)");
	CHECK(s != NULL);
	if (!s)
		return;
	store_bind_text(s, 1, stage);
	store_bind_text(s, 2, opened ? "Y" : "N");
	if (owner > 0)
		store_bind_int(s, 3, owner);
	else
		store_bind_null(s, 3);
	store_bind_text(s, 4, ts);
	if (type == 2)
		store_bind_int(s, 5, category);
	CHECK(store_exec_stmt(s) == 0);
}

/* Every owner (and none) × opened × each stage given. */
static void insert_items(int type, int64_t category, const char *const *stages, size_t n_stages)
{
	exec("BEGIN");
	for (size_t k = 0; k < n_stages; k++)
		for (int i = -1; i < W.n_users; i++)
			for (int o = 0; o < 2; o++)
				insert_item(type, category, stages[k], i < 0 ? 0 : W.uid[i], o);
	exec("COMMIT");
}

struct item {
	int64_t id, category, owner;
	char stage[64];
	bool opened;
};

static size_t load_items(int type, struct item *out)
{
	struct stmt *s = store_prepare(W.st, type == 1 ? "SELECT id, 0, assigned_by_id, status_id, opened FROM crm_lead"
						       : "SELECT id, category_id, assigned_by_id, stage_id, opened FROM crm_deal");
	size_t n = 0;
	while (s && n < MAX_ITEMS && store_step(s) == STORE_ROW) {
		out[n].id = store_col_int(s, 0);
		out[n].category = store_col_int(s, 1);
		out[n].owner = store_col_int(s, 2);
		store_col_copy(s, 3, out[n].stage, sizeof out[n].stage);
		out[n].opened = store_col_text(s, 4)[0] == 'Y';
		n++;
	}
	if (s)
		store_reset(s);
	return n;
}

static struct crm_rights *rights_of(struct arena *a, int64_t user, bool is_admin)
{
	struct crm_rights *r = NULL;
	int rc = crm_rights_load(W.st, a, user, is_admin, &r);
	CHECK(rc == 0 && r);
	return r;
}

static struct item items[MAX_ITEMS];
static bool listed[MAX_ITEMS * 2];

/* The list filter of (entity, op) run over the type's rows must return exactly the items the
 * model lets through, and crm_rights_item_allowed must agree item by item. category >= 0 limits
 * the query to one pipeline first (as kanban does). Returns how many are visible. */
static int check_all(struct crm_rights *r, int type, const char *entity, enum crm_op op, int64_t category)
{
	struct arena *a = arena_new(64 << 20);
	size_t n = load_items(type, items);
	struct query q;
	query_init(&q, a, q_crm_item_entity(type));
	if (category >= 0) {
		struct query_value *v = arena_alloc(a, sizeof *v);
		v->kind = QV_INT, v->i = category;
		struct query_cond c = {.field = query_field_find(q.ent, "CATEGORY_ID"), .op = QOP_EQ, .values = v, .n_values = 1};
		CHECK(query_add_cond(&q, &c) == 0);
	}
	bool none;
	int rc = crm_rights_list_conds(r, &q, entity, op, &none);
	CHECK(rc == 0);
	struct stmt *s = NULL;
	rc = query_open(W.st, &q, &s);
	if (rc)
		printf("  query failed: %s\n", store_errmsg(W.st));
	CHECK(rc == 0);
	memset(listed, 0, sizeof listed);
	int n_listed = 0;
	while (s && store_step(s) == STORE_ROW) {
		int64_t id = store_col_int(s, 0);
		if (id > 0 && id < (int64_t)(sizeof listed))
			listed[id] = true;
		n_listed++;
	}
	if (s)
		store_reset(s);
	int64_t viewer = crm_rights_user(r);
	int visible = 0, wrong_list = 0, wrong_item = 0;
	for (size_t i = 0; i < n; i++) {
		if (category >= 0 && items[i].category != category)
			continue;
		char ent[CRM_RIGHTS_ENTITY_MAX];
		crm_rights_entity(type, items[i].category, ent, sizeof ent);
		char level = crm_rights_level(r, ent, op, items[i].stage);
		bool want = crm_rights_is_admin(r) || model_covers(viewer, level, items[i].owner, items[i].opened);
		bool allowed = crm_rights_item_allowed(r, ent, op, items[i].stage, items[i].owner, items[i].opened);
		bool want_allowed = (op == CRM_OP_ADD || op == CRM_OP_IMPORT) ? level != 0 : want;
		if (allowed != want_allowed && wrong_item++ < 3)
			printf("  item %lld (%s %s owner %lld open %d) level '%c': allowed %d, model %d\n",
			       (long long)items[i].id, ent, items[i].stage, (long long)items[i].owner, items[i].opened,
			       level ? level : '0', allowed, want_allowed);
		if (listed[items[i].id] != want && wrong_list++ < 3)
			printf("  %s %s: item %lld (%s owner %lld open %d) level '%c': listed %d, model %d\n", entity,
			       crm_op_name(op), (long long)items[i].id, items[i].stage, (long long)items[i].owner,
			       items[i].opened, level ? level : '0', listed[items[i].id], want);
		visible += want;
	}
	CHECK_INT(wrong_item, 0);
	CHECK_INT(wrong_list, 0);
	CHECK_INT(n_listed, visible);
	CHECK(!none || visible == 0); /* "nothing at all" is never said of a visible item */
	arena_free(a);
	return visible;
}

/* A role holding these cells ({entity, op, stage, level} ×n), assigned to code. */
struct cell {
	const char *entity, *op, *stage;
	char level;
};

static int64_t role(const char *name, bool settings, const struct cell *cells, size_t n, const char *code)
{
	int64_t id = 0;
	CHECK(q_crm_role_insert(W.st, name, settings, ts, &id) == 0);
	for (size_t i = 0; i < n; i++)
		CHECK(q_crm_role_cell_set(W.st, id, cells[i].entity, cells[i].op, cells[i].stage, cells[i].level) == 0);
	if (code)
		CHECK(q_crm_role_relation_add(W.st, code, id) == 0);
	return id;
}

static const char *code_u(int64_t id)
{
	static char buf[4][32];
	static int k;
	char *b = buf[k++ % 4];
	snprintf(b, 32, "U%lld", (long long)id);
	return b;
}

static const char levels[] = {0, 'A', 'D', 'F', 'O', 'X'};

/* ---- the tests ---- */

TEST(every_level_and_operation)
{
	world();
	insert_items(1, 0, lead_stages, 3);
	/* a member of a middle department, the head of a leaf, a head who is not a member of the
	 * department they head (B1, member of B), a user in no department */
	int64_t viewers[] = {W.user[D_A][1], W.user[D_A1][0], W.user[D_B][1], W.loner};
	int64_t rid = role("T", false, NULL, 0, NULL);
	for (size_t v = 0; v < sizeof viewers / sizeof viewers[0]; v++) {
		CHECK(q_crm_role_relations_clear(W.st) == 0 && q_crm_role_relation_add(W.st, code_u(viewers[v]), rid) == 0);
		for (size_t l = 0; l < sizeof levels; l++)
			for (int op = 0; op < CRM_OP__COUNT; op++) {
				for (int o = 0; o < CRM_OP__COUNT; o++)
					CHECK(q_crm_role_cell_clear(W.st, rid, "LEAD", crm_op_name(o), "-") == 0);
				CHECK(q_crm_role_cell_set(W.st, rid, "LEAD", crm_op_name(op), "-", levels[l]) == 0);
				struct arena *a = arena_new(16 << 20);
				struct crm_rights *r = rights_of(a, viewers[v], false);
				for (int o = 0; o < CRM_OP__COUNT; o++)
					CHECK_INT(crm_rights_level(r, "LEAD", o, NULL), o == op ? levels[l] : 0);
				CHECK_INT(crm_rights_level(r, "LEAD", op, "NEW"), levels[l]); /* inherited */
				CHECK_INT(crm_rights_level(r, "CONTACT", op, NULL), 0);
				CHECK(!crm_rights_can_settings(r));
				int seen = check_all(r, 1, "LEAD", op, -1);
				int total = 3 * (W.n_users + 1) * 2;
				if (levels[l] == 'X')
					CHECK_INT(seen, total);
				if (levels[l] == 0)
					CHECK_INT(seen, 0);
				if (levels[l] == 'A')
					CHECK_INT(seen, 3 * 2);
				arena_free(a);
			}
	}
}

TEST(levels_are_ordered)
{
	world();
	insert_items(1, 0, lead_stages, 1);
	int64_t viewer = W.user[D_A][0];
	int64_t rid = role("T", false, NULL, 0, code_u(viewer));
	int prev = -1;
	for (size_t l = 0; l < sizeof levels; l++) {
		CHECK(q_crm_role_cell_set(W.st, rid, "LEAD", "READ", "-", levels[l]) == 0);
		struct arena *a = arena_new(16 << 20);
		int seen = check_all(rights_of(a, viewer, false), 1, "LEAD", CRM_OP_READ, -1);
		CHECK(seen > prev); /* each level sees strictly more here */
		prev = seen;
		arena_free(a);
	}
}

TEST(stages_inherit_unless_set)
{
	world();
	insert_items(1, 0, lead_stages, 3);
	int64_t viewer = W.user[D_A][1];
	struct cell cells[] = {
		{"LEAD", "READ", "-", 'A'}, {"LEAD", "READ", "NEW", 'X'}, {"LEAD", "READ", "JUNK", 0},
		{"LEAD", "WRITE", "-", 0},  {"LEAD", "WRITE", "IN_PROCESS", 'D'},
	};
	role("Stages", false, cells, 5, code_u(viewer));
	struct arena *a = arena_new(16 << 20);
	struct crm_rights *r = rights_of(a, viewer, false);
	CHECK_INT(crm_rights_level(r, "LEAD", CRM_OP_READ, "NEW"), 'X');
	CHECK_INT(crm_rights_level(r, "LEAD", CRM_OP_READ, "IN_PROCESS"), 'A'); /* inherits */
	CHECK_INT(crm_rights_level(r, "LEAD", CRM_OP_READ, "PROCESSED"), 'A');
	CHECK_INT(crm_rights_level(r, "LEAD", CRM_OP_READ, "JUNK"), 0);
	CHECK_INT(crm_rights_level(r, "LEAD", CRM_OP_READ, NULL), 'A');
	CHECK_INT(crm_rights_max(r, "LEAD", CRM_OP_READ), 'X');
	CHECK_INT(crm_rights_level(r, "LEAD", CRM_OP_WRITE, "NEW"), 0);
	CHECK_INT(crm_rights_level(r, "LEAD", CRM_OP_WRITE, "IN_PROCESS"), 'D');
	CHECK_INT(crm_rights_max(r, "LEAD", CRM_OP_WRITE), 'D');
	/* moving an own lead from NEW to IN_PROCESS: WRITE at both; neither is allowed at NEW */
	CHECK(!crm_rights_item_allowed(r, "LEAD", CRM_OP_WRITE, "NEW", viewer, true));
	CHECK(crm_rights_item_allowed(r, "LEAD", CRM_OP_WRITE, "IN_PROCESS", viewer, true));
	CHECK(crm_rights_item_allowed(r, "LEAD", CRM_OP_WRITE, "IN_PROCESS", W.user[D_A][0], false));
	CHECK(!crm_rights_item_allowed(r, "LEAD", CRM_OP_WRITE, "IN_PROCESS", W.user[D_A1][0], false));
	char lv;
	CHECK(crm_rights_explicit(r, "LEAD", CRM_OP_READ, "NEW", &lv) && lv == 'X');
	CHECK(!crm_rights_explicit(r, "LEAD", CRM_OP_READ, "IN_PROCESS", &lv));
	int seen = check_all(r, 1, "LEAD", CRM_OP_READ, -1);
	CHECK_INT(seen, (W.n_users + 1) * 2 + 2); /* every NEW lead, own IN_PROCESS ones */
	check_all(r, 1, "LEAD", CRM_OP_WRITE, -1);
	check_all(r, 1, "LEAD", CRM_OP_DELETE, -1); /* nothing */
	arena_free(a);
}

TEST(maximum_over_roles_resolves_inherit_first)
{
	world();
	insert_items(1, 0, lead_stages, 3);
	int64_t viewer = W.user[D_A][1];
	struct cell all[] = {{"LEAD", "READ", "-", 'X'}};
	struct cell own[] = {{"LEAD", "READ", "-", 'A'}, {"LEAD", "READ", "NEW", 'D'}};
	int64_t r1 = role("All", false, all, 1, code_u(viewer));
	role("Own", false, own, 2, code_u(viewer));
	struct arena *a = arena_new(16 << 20);
	struct crm_rights *r = rights_of(a, viewer, false);
	/* role 1 inherits X at NEW; role 2 says D there: the maximum is X, not the explicit D */
	CHECK_INT(crm_rights_level(r, "LEAD", CRM_OP_READ, "NEW"), 'X');
	CHECK_INT(crm_rights_level(r, "LEAD", CRM_OP_READ, "JUNK"), 'X');
	arena_free(a);
	/* role 1 at D everywhere, role 2 F at NEW and none at JUNK */
	CHECK(q_crm_role_cell_set(W.st, r1, "LEAD", "READ", "-", 'D') == 0);
	struct cell more[] = {{"LEAD", "READ", "-", 'A'}, {"LEAD", "READ", "NEW", 'F'}, {"LEAD", "READ", "JUNK", 0}};
	role("More", true, more, 3, "D" /* not a valid code: matches nobody */);
	role("More2", false, more, 3, code_u(viewer));
	a = arena_new(16 << 20);
	r = rights_of(a, viewer, false);
	CHECK_INT(crm_rights_level(r, "LEAD", CRM_OP_READ, "NEW"), 'F');
	CHECK_INT(crm_rights_level(r, "LEAD", CRM_OP_READ, "IN_PROCESS"), 'D');
	CHECK_INT(crm_rights_level(r, "LEAD", CRM_OP_READ, "JUNK"), 'D'); /* role 1 inherits D */
	CHECK(!crm_rights_can_settings(r)); /* the settings role is not held */
	check_all(r, 1, "LEAD", CRM_OP_READ, -1);
	arena_free(a);
}

/* Which of these users hold role rid (CONTACT READ X) when it is assigned to code alone? */
static void check_holders(int64_t rid, const char *code, const int64_t *users, const bool *holds, size_t n)
{
	CHECK(q_crm_role_relations_clear(W.st) == 0 && q_crm_role_relation_add(W.st, code, rid) == 0);
	for (size_t i = 0; i < n; i++) {
		struct arena *a = arena_new(16 << 20);
		char got = crm_rights_level(rights_of(a, users[i], false), "CONTACT", CRM_OP_READ, NULL);
		if ((got == 'X') != holds[i])
			printf("  %s: user %lld holds %d, expected %d\n", code, (long long)users[i], got == 'X', holds[i]);
		CHECK((got == 'X') == holds[i]);
		arena_free(a);
	}
}

static int64_t holder_role(void)
{
	struct cell x[] = {{"CONTACT", "READ", "-", 'X'}};
	return role("Holder", false, x, 1, NULL);
}

TEST(department_and_subdepartment_assignments)
{
	world();
	int64_t rid = holder_role();
	int64_t users[] = {W.user[D_ROOT][1], W.user[D_A][1], W.user[D_A1][1], W.user[D_A2][0], W.user[D_B][0],
			   W.user[D_B1][0], W.loner};
	char code[32];
	snprintf(code, sizeof code, "D%lld", (long long)W.dep[D_A]);
	check_holders(rid, code, users, (bool[]){0, 1, 0, 0, 0, 0, 0}, 7);
	snprintf(code, sizeof code, "DR%lld", (long long)W.dep[D_A]);
	check_holders(rid, code, users, (bool[]){0, 1, 1, 1, 0, 0, 0}, 7);
	snprintf(code, sizeof code, "DR%lld", (long long)W.dep[D_B]);
	check_holders(rid, code, users, (bool[]){0, 0, 0, 0, 1, 1, 0}, 7);
	snprintf(code, sizeof code, "DR%lld", (long long)W.dep[D_ROOT]);
	check_holders(rid, code, users, (bool[]){1, 1, 1, 1, 1, 1, 0}, 7);
	check_holders(rid, "AU", users, (bool[]){1, 1, 1, 1, 1, 1, 1}, 7);
	check_holders(rid, code_u(W.loner), users, (bool[]){0, 0, 0, 0, 0, 0, 1}, 7);
}

TEST(work_group_assignments)
{
	world();
	int64_t rid = holder_role();
	int64_t users[] = {W.g_owner, W.g_moder, W.g_member, W.user[D_A1][0]};
	check_holders(rid, "SG7_K", users, (bool[]){1, 1, 1, 0}, 4);
	check_holders(rid, "SG7_E", users, (bool[]){1, 1, 0, 0}, 4);
	check_holders(rid, "SG7_A", users, (bool[]){1, 0, 0, 0}, 4);
	check_holders(rid, "SG8_K", users, (bool[]){0, 0, 0, 0}, 4);
}

/* The model's department sets, ascending. */
static size_t model_set(int64_t viewer, bool with_sub, int64_t *out)
{
	size_t n = 0;
	for (int i = 0; i < W.n_users; i++)
		if (model_in(viewer, W.uid[i], with_sub))
			out[n++] = W.uid[i]; /* uid is ascending: users were inserted in id order */
	return n;
}

TEST(department_user_sets)
{
	world();
	struct cell cells[] = {{"LEAD", "READ", "-", 'D'}, {"LEAD", "WRITE", "-", 'F'}};
	role("Sets", false, cells, 2, "AU");
	int64_t viewers[] = {W.user[D_ROOT][0], W.user[D_A][1], W.user[D_A1][0], W.user[D_B][1], W.user[D_B1][0], W.loner};
	for (size_t v = 0; v < sizeof viewers / sizeof viewers[0]; v++) {
		struct arena *a = arena_new(16 << 20);
		struct crm_rights *r = rights_of(a, viewers[v], false);
		for (int sub = 0; sub < 2; sub++) {
			int64_t want[MAX_USERS];
			size_t n_want = model_set(viewers[v], sub, want), n;
			const int64_t *ids;
			crm_rights_dept_users(r, sub, &ids, &n);
			bool same = n == n_want && !memcmp(ids, want, n * sizeof *ids);
			if (!same)
				printf("  viewer %lld sub %d: %zu users, expected %zu\n", (long long)viewers[v], sub, n, n_want);
			CHECK(same);
		}
		arena_free(a);
	}
	/* B's head (a member of B) heads B1 too: B1's members are in their D set */
	struct arena *a = arena_new(16 << 20);
	struct crm_rights *r = rights_of(a, W.user[D_B][1], false);
	const int64_t *ids;
	size_t n;
	crm_rights_depts(r, false, &ids, &n);
	CHECK(n == 2 && ids[0] == W.dep[D_B] && ids[1] == W.dep[D_B1]);
	crm_rights_depts(r, true, &ids, &n);
	CHECK(n == 2);
	CHECK(crm_rights_item_allowed(r, "LEAD", CRM_OP_READ, "NEW", W.user[D_B1][0], false));
	CHECK(!crm_rights_item_allowed(r, "LEAD", CRM_OP_READ, "NEW", W.user[D_A][0], true));
	/* the root's head sees the whole tree at F */
	r = rights_of(a, W.user[D_ROOT][0], false);
	crm_rights_depts(r, true, &ids, &n);
	CHECK_INT(n, N_DEPTS);
	CHECK(crm_rights_item_allowed(r, "LEAD", CRM_OP_WRITE, "NEW", W.user[D_B1][1], false));
	CHECK(!crm_rights_item_allowed(r, "LEAD", CRM_OP_WRITE, "NEW", W.loner, true));
	arena_free(a);
}

TEST(pipelines_and_their_stages)
{
	world();
	int64_t p1 = add_pipeline(), p2 = add_pipeline();
	char p1e[32], p1won[32], p1new[32];
	snprintf(p1e, sizeof p1e, "DEAL_C%lld", (long long)p1);
	snprintf(p1won, sizeof p1won, "C%lld:WON", (long long)p1);
	snprintf(p1new, sizeof p1new, "C%lld:NEW", (long long)p1);
	int64_t viewer = W.user[D_A][1];
	struct cell cells[] = {
		{"DEAL", "READ", "-", 'A'},  {p1e, "READ", "-", 'X'},        {p1e, "READ", p1won, 0},
		{"DEAL_C0", "READ", "WON", 'F'}, {"DEAL_C0", "READ", "LOSE", 'O'}, {"DEAL", "WRITE", "-", 'D'},
		{p1e, "WRITE", p1new, 'A'},
	};
	role("Pipes", false, cells, 7, code_u(viewer));
	int64_t p3 = add_pipeline(); /* made after the role: takes the role's DEAL row */
	for (int k = 0; k < W.n_pipes; k++) {
		char st[3][32];
		const char *stages[3] = {st[0], st[1], st[2]};
		const char *names[3] = {"NEW", "WON", "LOSE"};
		for (int i = 0; i < 3; i++)
			if (W.pipe[k])
				snprintf(st[i], sizeof st[i], "C%lld:%s", (long long)W.pipe[k], names[i]);
			else
				snprintf(st[i], sizeof st[i], "%s", names[i]);
		insert_items(2, W.pipe[k], stages, 3);
	}
	struct arena *a = arena_new(16 << 20);
	struct crm_rights *r = rights_of(a, viewer, false);
	char e[32];
	CHECK_INT(crm_rights_level(r, "DEAL_C0", CRM_OP_READ, "NEW"), 'A');
	CHECK_INT(crm_rights_level(r, "DEAL_C0", CRM_OP_READ, "WON"), 'F');
	CHECK_INT(crm_rights_level(r, p1e, CRM_OP_READ, p1new), 'X');
	CHECK_INT(crm_rights_level(r, p1e, CRM_OP_READ, p1won), 0);
	snprintf(e, sizeof e, "DEAL_C%lld", (long long)p2);
	CHECK_INT(crm_rights_level(r, e, CRM_OP_READ, NULL), 'A');
	snprintf(e, sizeof e, "DEAL_C%lld", (long long)p3);
	CHECK_INT(crm_rights_level(r, e, CRM_OP_READ, NULL), 'A');
	CHECK_INT(crm_rights_level(r, e, CRM_OP_WRITE, NULL), 'D');
	CHECK_INT(crm_rights_max(r, "DEAL", CRM_OP_READ), 'X');
	CHECK_INT(crm_rights_max(r, "DEAL", CRM_OP_DELETE), 0);
	for (int op = 0; op < CRM_OP__COUNT; op++)
		check_all(r, 2, "DEAL", op, -1);
	for (int k = 0; k < W.n_pipes; k++) { /* one pipeline at a time, as kanban asks */
		crm_rights_entity(2, W.pipe[k], e, sizeof e);
		check_all(r, 2, e, CRM_OP_READ, W.pipe[k]);
		check_all(r, 2, e, CRM_OP_WRITE, W.pipe[k]);
	}
	arena_free(a);
}

TEST(administrators_and_no_roles)
{
	world();
	insert_items(1, 0, lead_stages, 1);
	struct arena *a = arena_new(16 << 20);
	struct crm_rights *r = rights_of(a, W.admin, true);
	CHECK(crm_rights_is_admin(r) && crm_rights_can_settings(r));
	for (int op = 0; op < CRM_OP__COUNT; op++)
		CHECK_INT(crm_rights_level(r, "DEAL_C42", op, "C42:NEW"), 'X');
	CHECK(crm_rights_item_allowed(r, "LEAD", CRM_OP_DELETE, "NEW", 0, false));
	struct query q;
	bool none;
	query_init(&q, a, q_crm_item_entity(1));
	CHECK(crm_rights_list_conds(r, &q, "LEAD", CRM_OP_READ, &none) == 0 && q.n_conds == 0 && !none);
	CHECK_INT(check_all(r, 1, "LEAD", CRM_OP_READ, -1), (W.n_users + 1) * 2);
	/* a user holding no role: nothing, and the list says so */
	r = rights_of(a, W.loner, false);
	CHECK_INT(crm_rights_level(r, "LEAD", CRM_OP_READ, NULL), 0);
	query_init(&q, a, q_crm_item_entity(1));
	CHECK(crm_rights_list_conds(r, &q, "LEAD", CRM_OP_READ, &none) == 0 && none);
	CHECK_INT(check_all(r, 1, "LEAD", CRM_OP_READ, -1), 0);
	/* the default Manager role, assigned to everyone as migration 8 does */
	CHECK(q_crm_role_relation_add(W.st, "AU", 4) == 0);
	r = rights_of(a, W.loner, false);
	CHECK_INT(crm_rights_level(r, "DEAL_C0", CRM_OP_WRITE, "WON"), 'A');
	CHECK_INT(crm_rights_level(r, "WEBFORM", CRM_OP_READ, NULL), 'X');
	CHECK_INT(crm_rights_level(r, "ROBOT_DEAL", CRM_OP_WRITE, NULL), 0);
	CHECK_INT(check_all(r, 1, "LEAD", CRM_OP_READ, -1), 2);
	arena_free(a);
}

TEST(settings_flag)
{
	world();
	char code[32];
	snprintf(code, sizeof code, "DR%lld", (long long)W.dep[D_A]);
	role("Config", true, NULL, 0, code);
	struct arena *a = arena_new(16 << 20);
	CHECK(crm_rights_can_settings(rights_of(a, W.user[D_A2][1], false)));
	CHECK(!crm_rights_can_settings(rights_of(a, W.user[D_B][1], false)));
	/* the default Administrator role (id 1) carries it */
	CHECK(q_crm_role_relation_add(W.st, code_u(W.loner), 1) == 0);
	CHECK(crm_rights_can_settings(rights_of(a, W.loner, false)));
	arena_free(a);
}

TEST(large_department_uses_a_subquery)
{
	world();
	CHECK(q_department_insert(W.st, "Big", W.dep[D_ROOT], 0, 500, &W.big_dep) == 0);
	exec("BEGIN");
	for (int i = 0; i < BIG; i++) {
		char login[16];
		snprintf(login, sizeof login, "big%d", i);
		add_user(login, N_DEPTS);
	}
	exec("COMMIT");
	insert_items(1, 0, lead_stages, 1);
	int64_t viewer = W.uid[W.n_users - 1];
	struct cell cells[] = {{"LEAD", "READ", "-", 'F'}, {"LEAD", "EXPORT", "-", 'O'}, {"LEAD", "WRITE", "-", 'D'}};
	role("Big", false, cells, 3, code_u(viewer));
	struct arena *a = arena_new(16 << 20);
	struct crm_rights *r = rights_of(a, viewer, false);
	const int64_t *ids;
	size_t n;
	crm_rights_dept_users(r, true, &ids, &n);
	CHECK_INT(n, BIG);
	CHECK_INT(check_all(r, 1, "LEAD", CRM_OP_READ, -1), (BIG) * 2);
	check_all(r, 1, "LEAD", CRM_OP_EXPORT, -1);
	check_all(r, 1, "LEAD", CRM_OP_WRITE, -1);
	struct query q;
	bool none;
	query_init(&q, a, q_crm_item_entity(1));
	CHECK(crm_rights_list_conds(r, &q, "LEAD", CRM_OP_READ, &none) == 0);
	CHECK_HAS(query_sql_select(&q), "JOIN user_departments");
	CHECK(q.n_binds < 10); /* the departments, not the users, are bound */
	arena_free(a);
}

TEST(whole_company_needs_no_list)
{
	world();
	W.n_users--; /* the loner (added last) leaves, so the tree holds every user there is */
	char sql[128];
	snprintf(sql, sizeof sql, "DELETE FROM users WHERE id IN (%lld, %lld)", (long long)W.loner, (long long)W.admin);
	exec(sql);
	insert_items(1, 0, lead_stages, 2);
	int64_t ceo = W.user[D_ROOT][0];
	struct cell cells[] = {{"LEAD", "READ", "-", 'F'}, {"LEAD", "WRITE", "-", 'D'}};
	role("Head", false, cells, 2, "AU");
	struct arena *a = arena_new(16 << 20);
	struct crm_rights *r = rights_of(a, ceo, false);
	CHECK_INT(check_all(r, 1, "LEAD", CRM_OP_READ, -1), W.n_users * 2 * 2); /* all but the unassigned */
	check_all(r, 1, "LEAD", CRM_OP_WRITE, -1);
	struct query q;
	bool none;
	query_init(&q, a, q_crm_item_entity(1));
	CHECK(crm_rights_list_conds(r, &q, "LEAD", CRM_OP_READ, &none) == 0);
	CHECK_HAS(query_sql_select(&q), "assigned_by_id IS NOT NULL");
	CHECK_INT(q.n_binds, 0);
	/* a member of A sees A's members only, by a list */
	r = rights_of(a, W.user[D_A][1], false);
	check_all(r, 1, "LEAD", CRM_OP_READ, -1);
	arena_free(a);
}

TEST(names_and_entities)
{
	int64_t cat;
	char buf[CRM_RIGHTS_ENTITY_MAX];
	CHECK(crm_rights_entity_info("DEAL_C5", &cat) && cat == 5);
	CHECK(crm_rights_entity_info("DEAL_C0", &cat) && cat == 0);
	CHECK(!crm_rights_entity_info("DEAL_C05", &cat) && !crm_rights_entity_info("DEAL_C", &cat));
	CHECK(!crm_rights_entity_info("DEAL_C-1", &cat) && !crm_rights_entity_info("lead", &cat));
	CHECK(crm_rights_entity_info("DEAL", &cat) && cat == -1);
	CHECK_STR(crm_rights_entity_info("WEBFORM", &cat)->levels, "X");
	CHECK_STR(crm_rights_entity(2, 7, buf, sizeof buf), "DEAL_C7");
	CHECK_STR(crm_rights_entity(2, 0, buf, sizeof buf), "DEAL_C0");
	CHECK_STR(crm_rights_entity(1, 0, buf, sizeof buf), "LEAD");
	CHECK(!crm_rights_entity(9, 0, buf, sizeof buf));
	CHECK_INT(crm_op_parse("export"), CRM_OP_EXPORT);
	CHECK_INT(crm_op_parse("AUTOMATION"), -1);
	CHECK_STR(crm_op_name(CRM_OP_IMPORT), "IMPORT");
}

UNIT_MAIN()
