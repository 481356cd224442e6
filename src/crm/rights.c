/* rights.c — CRM access rights: loading a user's roles and departments once per request, and
 * every decision from memory afterwards (rights.h has the model). Each role's cells are sorted by
 * (entity, op, stage) and searched; a level is resolved inside each role first (stage → entity →
 * the pipelines' default) and the maximum over roles taken after, so one role's "inherit" never
 * borrows another role's stage cell (R7). */
#include "crm/rights.h"
#include "core/arena.h"
#include "core/util.h"
#include "store/q_crm_perms.h"
#include "store/query.h"
#include "store/store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PIPELINE_PREFIX "DEAL_C"
#define PIPELINE_PREFIX_LEN 6
#define ENTITY_LEVEL "-" /* the stage key of an entity's own level */

struct rcell {
	const char *entity;
	int op;
	const char *stage; /* ENTITY_LEVEL or a stage code */
	char level;
};

struct rrole {
	int64_t id;
	struct rcell *cells; /* sorted by cell_cmp */
	size_t n;
};

struct idset {
	const int64_t *ids; /* ascending */
	size_t n;
	bool everyone;      /* it holds every user there is: "has a responsible" says the same */
};

struct crm_rights {
	int64_t user_id;
	bool is_admin;
	bool settings;
	struct rrole *roles;
	size_t n_roles;
	struct idset depts[2]; /* [0] own departments, [1] with every department below them */
	struct idset users[2]; /* their members and the user */
	int64_t self;          /* the one-element set before departments are loaded */
};

/* ---- names ---- */

static const char *const op_names[CRM_OP__COUNT] = {"READ", "ADD", "WRITE", "DELETE", "EXPORT", "IMPORT"};

const char *crm_op_name(enum crm_op op)
{
	return (unsigned)op < CRM_OP__COUNT ? op_names[op] : NULL;
}

int crm_op_parse(const char *name)
{
	for (int i = 0; name && i < CRM_OP__COUNT; i++)
		if (!strcasecmp(op_names[i], name))
			return i;
	return -1;
}

#define ALL_OPS ((1u << CRM_OP__COUNT) - 1)
#define RW_OPS ((1u << CRM_OP_READ) | (1u << CRM_OP_WRITE))
#define OWNER_LEVELS "ADFOX"

/* The editor's rows; a pipeline's row is the separate `pipeline` below. */
static const struct crm_rights_entity_info entities[] = {
	{"LEAD", ALL_OPS, OWNER_LEVELS, "STATUS"},
	{"DEAL", ALL_OPS, OWNER_LEVELS, NULL},
	{"CONTACT", ALL_OPS, OWNER_LEVELS, NULL},
	{"COMPANY", ALL_OPS, OWNER_LEVELS, NULL},
	{"QUOTE", ALL_OPS, OWNER_LEVELS, NULL},
	{"INVOICE", ALL_OPS, OWNER_LEVELS, NULL},
	/* forms and robots have no responsible: one can see or change them, or not */
	{"WEBFORM", RW_OPS, "X", NULL},
	{"ROBOT_LEAD", RW_OPS, "X", NULL},
	{"ROBOT_DEAL", RW_OPS, "X", NULL},
};
static const struct crm_rights_entity_info pipeline = {PIPELINE_PREFIX, ALL_OPS, OWNER_LEVELS, "DEAL_STAGE"};

const struct crm_rights_entity_info *crm_rights_entities(size_t *n)
{
	*n = sizeof entities / sizeof entities[0];
	return entities;
}

/* "DEAL_C12" → 12; -1 unless the rest is a canonical non-negative number. */
static int64_t pipeline_id(const char *entity)
{
	if (strncmp(entity, PIPELINE_PREFIX, PIPELINE_PREFIX_LEN) != 0)
		return -1;
	const char *d = entity + PIPELINE_PREFIX_LEN;
	size_t len = strlen(d);
	if (!len || len > 18 || (len > 1 && d[0] == '0') || strspn(d, "0123456789") != len)
		return -1;
	int64_t v;
	return parse_i64(d, &v) == 0 ? v : -1;
}

const struct crm_rights_entity_info *crm_rights_entity_info(const char *entity, int64_t *category_id)
{
	*category_id = -1;
	if (!entity)
		return NULL;
	for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++)
		if (!strcmp(entities[i].name, entity))
			return &entities[i];
	*category_id = pipeline_id(entity);
	return *category_id >= 0 ? &pipeline : NULL;
}

const char *crm_rights_entity(int type_id, int64_t category_id, char *buf, size_t n)
{
	static const char *const names[] = {[1] = "LEAD", [3] = "CONTACT", [4] = "COMPANY"};
	int w;
	if (type_id == 2)
		w = snprintf(buf, n, PIPELINE_PREFIX "%lld", (long long)(category_id > 0 ? category_id : 0));
	else if (type_id == 1 || type_id == 3 || type_id == 4)
		w = snprintf(buf, n, "%s", names[type_id]);
	else
		return NULL;
	return w > 0 && (size_t)w < n ? buf : NULL;
}

/* ---- cells ---- */

static int cell_cmp(const void *a, const void *b)
{
	const struct rcell *x = a, *y = b;
	int c = strcmp(x->entity, y->entity);
	if (c)
		return c;
	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	return strcmp(x->stage, y->stage);
}

static const struct rcell *find(const struct rrole *ro, const char *entity, int op, const char *stage)
{
	struct rcell key = {entity, op, stage, 0};
	return ro->n ? bsearch(&key, ro->cells, ro->n, sizeof key, cell_cmp) : NULL;
}

/* The level one role gives: the stage's cell, else the entity's, else (a pipeline) the role's
 * DEAL row, else none. */
static char role_level(const struct rrole *ro, const char *entity, int op, const char *stage)
{
	const struct rcell *c = NULL;
	if (stage && strcmp(stage, ENTITY_LEVEL))
		c = find(ro, entity, op, stage);
	if (!c)
		c = find(ro, entity, op, ENTITY_LEVEL);
	if (!c && pipeline_id(entity) >= 0)
		c = find(ro, "DEAL", op, ENTITY_LEVEL);
	return c ? c->level : CRM_LEVEL_NONE;
}

/* Levels compare as characters: 0 < A < D < F < O < X. */
static char max_level(char a, char b)
{
	return (unsigned char)a > (unsigned char)b ? a : b;
}

static bool level_valid(char c)
{
	return c == 0 || (c && strchr(OWNER_LEVELS, c));
}

/* Spread cells over their roles (roles[] already holds the ids) and sort each role's. */
static int distribute(struct arena *a, struct crm_rights *r, const struct q_crm_perm_cell *cells, size_t n)
{
	size_t *count = arena_alloc(a, (r->n_roles + 1) * sizeof *count);
	struct rcell *all = arena_alloc(a, (n ? n : 1) * sizeof *all);
	if (!count || !all)
		return STORE_TOOBIG;
	for (size_t pass = 0; pass < 2; pass++) {
		size_t off = 0;
		for (size_t i = 0; i < r->n_roles; i++) {
			if (pass == 1) { /* second pass: give each role its slice, then fill it */
				r->roles[i].cells = all + off;
				r->roles[i].n = 0;
			}
			off += count[i];
		}
		for (size_t k = 0; k < n; k++) {
			int op = crm_op_parse(cells[k].op);
			if (op < 0 || !level_valid(cells[k].level))
				continue; /* a cell of an op or level this build does not know: ignored */
			for (size_t i = 0; i < r->n_roles; i++) {
				if (r->roles[i].id != cells[k].role_id)
					continue;
				if (pass == 0) {
					count[i]++;
				} else {
					struct rrole *ro = &r->roles[i];
					ro->cells[ro->n++] =
						(struct rcell){cells[k].entity, op, cells[k].stage, cells[k].level};
				}
				break;
			}
		}
	}
	for (size_t i = 0; i < r->n_roles; i++)
		if (r->roles[i].n > 1)
			qsort(r->roles[i].cells, r->roles[i].n, sizeof(struct rcell), cell_cmp);
	return STORE_OK;
}

static struct crm_rights *rights_new(struct arena *a, int64_t user_id, bool is_admin)
{
	struct crm_rights *r = arena_alloc(a, sizeof *r);
	if (!r)
		return NULL;
	r->user_id = user_id;
	r->is_admin = is_admin;
	r->settings = is_admin;
	r->self = user_id;
	for (int i = 0; i < 2; i++)
		r->users[i] = (struct idset){&r->self, user_id > 0 ? 1 : 0, false};
	return r;
}

int crm_rights_of_cells(struct arena *a, const struct q_crm_perm_cell *cells, size_t n, bool settings,
			struct crm_rights **out)
{
	struct crm_rights *r = rights_new(a, 0, false);
	if (!r)
		return STORE_TOOBIG;
	r->settings = settings;
	r->roles = arena_alloc(a, sizeof *r->roles);
	if (!r->roles)
		return STORE_TOOBIG;
	r->n_roles = 1;
	r->roles[0].id = n ? cells[0].role_id : 0;
	int rc = distribute(a, r, cells, n);
	if (rc)
		return rc;
	*out = r;
	return STORE_OK;
}

/* Does any cell of the user's roles hold one of these levels? */
static bool uses_level(const struct crm_rights *r, const char *levels)
{
	for (size_t i = 0; i < r->n_roles; i++)
		for (size_t k = 0; k < r->roles[i].n; k++)
			if (r->roles[i].cells[k].level && strchr(levels, r->roles[i].cells[k].level))
				return true;
	return false;
}

static int load_set(struct store *st, struct arena *a, struct crm_rights *r, bool with_sub)
{
	int64_t *ids, n_all;
	size_t n;
	int rc = q_crm_perms_depts(st, a, r->user_id, with_sub, &ids, &n);
	if (rc)
		return rc;
	r->depts[with_sub] = (struct idset){ids, n, false};
	if ((rc = q_crm_perms_dept_users(st, a, r->user_id, with_sub, &ids, &n)) ||
	    (rc = q_crm_perms_user_count(st, &n_all)))
		return rc;
	/* the head of the whole company: every item with a responsible (the foreign key keeps
	 * assigned_by_id pointing at an existing user), without listing anyone */
	r->users[with_sub] = (struct idset){ids, n, (int64_t)n == n_all};
	return STORE_OK;
}

int crm_rights_load(struct store *st, struct arena *a, int64_t user_id, bool is_admin, struct crm_rights **out)
{
	struct crm_rights *r = rights_new(a, user_id, is_admin);
	if (!r)
		return STORE_TOOBIG;
	*out = r;
	if (is_admin || user_id <= 0)
		return STORE_OK; /* an administrator holds everything; no user holds nothing */
	struct q_crm_role *roles;
	struct q_crm_perm_cell *cells;
	size_t n_roles, n_cells;
	int rc = q_crm_perms_user_roles(st, a, user_id, &roles, &n_roles);
	if (rc)
		return rc;
	if (!n_roles)
		return STORE_OK;
	r->roles = arena_alloc(a, n_roles * sizeof *r->roles);
	if (!r->roles)
		return STORE_TOOBIG;
	r->n_roles = n_roles;
	for (size_t i = 0; i < n_roles; i++) {
		r->roles[i].id = roles[i].id;
		r->settings = r->settings || roles[i].settings;
	}
	if ((rc = q_crm_perms_user_cells(st, a, user_id, &cells, &n_cells)) || (rc = distribute(a, r, cells, n_cells)))
		return rc;
	/* the department sets cost a query each (and the sub-department one may list thousands of
	 * users): only when a level needs them */
	if (uses_level(r, "D") && (rc = load_set(st, a, r, false)))
		return rc;
	if (uses_level(r, "FO") && (rc = load_set(st, a, r, true)))
		return rc;
	return STORE_OK;
}

/* ---- questions ---- */

bool crm_rights_is_admin(const struct crm_rights *r)
{
	return r && r->is_admin;
}

int64_t crm_rights_user(const struct crm_rights *r)
{
	return r ? r->user_id : 0;
}

bool crm_rights_can_settings(const struct crm_rights *r)
{
	return r && (r->is_admin || r->settings);
}

char crm_rights_level(const struct crm_rights *r, const char *entity, enum crm_op op, const char *stage)
{
	if (!r || !entity || (unsigned)op >= CRM_OP__COUNT)
		return CRM_LEVEL_NONE;
	if (r->is_admin)
		return CRM_LEVEL_ALL;
	char best = CRM_LEVEL_NONE;
	for (size_t i = 0; i < r->n_roles; i++)
		best = max_level(best, role_level(&r->roles[i], entity, (int)op, stage));
	return best;
}

char crm_rights_max(const struct crm_rights *r, const char *entity, enum crm_op op)
{
	char best = crm_rights_level(r, entity, op, NULL);
	if (!r || r->is_admin || !entity)
		return best;
	bool all_pipelines = !strcmp(entity, "DEAL");
	for (size_t i = 0; i < r->n_roles; i++) {
		const struct rrole *ro = &r->roles[i];
		for (size_t k = 0; k < ro->n; k++) {
			const struct rcell *c = &ro->cells[k];
			if (c->op != (int)op)
				continue;
			if (all_pipelines ? pipeline_id(c->entity) >= 0 : !strcmp(c->entity, entity))
				best = max_level(best, c->level);
		}
	}
	return best;
}

static bool in_set(const struct idset *s, int64_t id)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->ids[mid] == id)
			return true;
		if (s->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Does an item with this responsible and OPENED flag fall within level? */
static bool level_covers(const struct crm_rights *r, char level, int64_t assigned_by_id, bool opened)
{
	switch (level) {
	case CRM_LEVEL_ALL:
		return true;
	case CRM_LEVEL_OPEN:
		return opened || (assigned_by_id > 0 && in_set(&r->users[1], assigned_by_id));
	case CRM_LEVEL_SUBDEPARTMENTS:
		return assigned_by_id > 0 && in_set(&r->users[1], assigned_by_id);
	case CRM_LEVEL_DEPARTMENT:
		return assigned_by_id > 0 && in_set(&r->users[0], assigned_by_id);
	case CRM_LEVEL_OWN:
		return assigned_by_id > 0 && assigned_by_id == r->user_id;
	default:
		return false;
	}
}

bool crm_rights_item_allowed(const struct crm_rights *r, const char *entity, enum crm_op op, const char *stage,
			     int64_t assigned_by_id, bool opened)
{
	char level = crm_rights_level(r, entity, op, stage);
	if (op == CRM_OP_ADD || op == CRM_OP_IMPORT)
		return level != CRM_LEVEL_NONE;
	return level_covers(r, level, assigned_by_id, opened);
}

void crm_rights_dept_users(const struct crm_rights *r, bool with_sub, const int64_t **ids, size_t *n)
{
	*ids = r->users[with_sub ? 1 : 0].ids;
	*n = r->users[with_sub ? 1 : 0].n;
}

void crm_rights_depts(const struct crm_rights *r, bool with_sub, const int64_t **ids, size_t *n)
{
	*ids = r->depts[with_sub ? 1 : 0].ids;
	*n = r->depts[with_sub ? 1 : 0].n;
}

bool crm_rights_explicit(const struct crm_rights *r, const char *entity, enum crm_op op, const char *stage,
			 char *level)
{
	for (size_t i = 0; r && i < r->n_roles; i++) {
		const struct rcell *c = find(&r->roles[i], entity, (int)op, stage ? stage : ENTITY_LEVEL);
		if (c) {
			*level = c->level;
			return true;
		}
	}
	return false;
}

/* ---- the list filter ---- */

/* A pipeline with cells for the op (or, for a single-level entity, the entity itself). */
struct lpipe {
	int64_t id;
	char level; /* its own level, the pipelines' default resolved */
};

/* A stage whose level differs from its pipeline's. */
struct lstage {
	const char *stage;
	char level;
	int pipe; /* index into pipes; -1: the entity's (single mode) */
};

struct lbuild {
	const struct crm_rights *r;
	struct query *q;
	struct arena *a;
	const struct query_field *assigned, *opened, *stage, *category, *link;
	bool use_link; /* the department sets go by subquery: their ids would bind too many values */
	struct lpipe *pipes;
	size_t n_pipes;
	struct lstage *stages;
	size_t n_stages;
	char deflt; /* the level of everything not listed: the entity's, or the pipelines' default */
};

static struct query_value *int_values(struct arena *a, const int64_t *ids, size_t n)
{
	struct query_value *v = arena_alloc(a, (n ? n : 1) * sizeof *v);
	for (size_t i = 0; v && i < n; i++)
		v[i] = (struct query_value){.kind = QV_INT, .i = ids[i]};
	return v;
}

/* Members of an OR group, added one by one (at most a handful). */
#define MAX_MEMBERS 8
struct members {
	struct query_cond m[MAX_MEMBERS];
	size_t n;
};

static int member(struct members *ms, const struct query_field *f, enum query_op op, struct query_value *v, size_t n)
{
	if (!f || !v || ms->n == MAX_MEMBERS)
		return f ? STORE_TOOBIG : STORE_ERROR;
	ms->m[ms->n++] = (struct query_cond){.field = f, .op = n == 1 && op == QOP_IN ? QOP_EQ : op, .values = v,
					     .n_values = n};
	return STORE_OK;
}

/* "the responsible is one of the set's users". */
static int users_member(struct lbuild *b, struct members *ms, int which)
{
	const struct idset *u = &b->r->users[which], *d = &b->r->depts[which];
	if (u->everyone) /* the values are not read; the engine wants one */
		return member(ms, b->assigned, QOP_NOT_EMPTY, int_values(b->a, &b->r->user_id, 1), 1);
	if (!b->use_link || !b->link || !d->n)
		return member(ms, b->assigned, QOP_IN, int_values(b->a, u->ids, u->n), u->n);
	/* many users: the departments' subquery, and the user, who may belong to none of them */
	int rc = member(ms, b->link, QOP_IN, int_values(b->a, d->ids, d->n), d->n);
	if (rc)
		return rc;
	return member(ms, b->assigned, QOP_EQ, int_values(b->a, &b->r->user_id, 1), 1);
}

/* P(level): the members that let an item through at that level (none for no access). */
static int level_members(struct lbuild *b, char level, struct members *ms)
{
	switch (level) {
	case CRM_LEVEL_OPEN: {
		struct query_value *y = arena_alloc(b->a, sizeof *y);
		if (y)
			*y = (struct query_value){.kind = QV_TEXT, .s = "Y"};
		int rc = member(ms, b->opened, QOP_EQ, y, 1);
		return rc ? rc : users_member(b, ms, 1);
	}
	case CRM_LEVEL_SUBDEPARTMENTS:
		return users_member(b, ms, 1);
	case CRM_LEVEL_DEPARTMENT:
		return users_member(b, ms, 0);
	case CRM_LEVEL_OWN:
		return member(ms, b->assigned, QOP_EQ, int_values(b->a, &b->r->user_id, 1), 1);
	default:
		return STORE_OK;
	}
}

static int add_group(struct lbuild *b, const struct members *ms)
{
	struct query_cond *any = arena_alloc(b->a, (ms->n ? ms->n : 1) * sizeof *any);
	if (!any)
		return STORE_TOOBIG;
	memcpy(any, ms->m, ms->n * sizeof *any);
	struct query_cond g = {.field = NULL, .any = any, .n_any = ms->n}; /* no member: "1 = 0" */
	return query_add_cond(b->q, &g);
}

/* The stage codes (as values) of the overridden stages picked by want(). */
static struct query_value *stage_values(struct lbuild *b, bool (*want)(const struct lbuild *, const struct lstage *, char),
					char level, size_t *n)
{
	struct query_value *v = arena_alloc(b->a, (b->n_stages ? b->n_stages : 1) * sizeof *v);
	*n = 0;
	for (size_t i = 0; v && i < b->n_stages; i++)
		if (want(b, &b->stages[i], level))
			v[(*n)++] = (struct query_value){.kind = QV_TEXT, .s = b->stages[i].stage};
	return v;
}

static bool stage_at_level(const struct lbuild *b, const struct lstage *s, char level)
{
	return s->level == level;
}

/* Is the stage's pipeline at level (the entity's own, in single mode)? */
static bool stage_in_pipe_at(const struct lbuild *b, const struct lstage *s, char level)
{
	return (s->pipe < 0 ? b->deflt : b->pipes[s->pipe].level) == level;
}

/* The pipelines whose own level is (or, with differ, is not) level. */
static struct query_value *pipe_values(struct lbuild *b, char level, bool differ, size_t *n)
{
	struct query_value *v = arena_alloc(b->a, (b->n_pipes ? b->n_pipes : 1) * sizeof *v);
	*n = 0;
	for (size_t i = 0; v && i < b->n_pipes; i++)
		if ((b->pipes[i].level == level) != differ)
			v[(*n)++] = (struct query_value){.kind = QV_INT, .i = b->pipes[i].id};
	return v;
}

/* The conjuncts for one level L in use (see rights.h for the shape). */
static int level_conds(struct lbuild *b, char level)
{
	struct members ms = {.n = 0};
	size_t n;
	int rc;
	/* the items at L because their pipeline (or the entity) is at L, less overridden stages */
	struct query_value *pv = pipe_values(b, level, level == b->deflt, &n);
	if (!pv)
		return STORE_TOOBIG;
	if (level == b->deflt || n) {
		if (n && (rc = member(&ms, b->category, level == b->deflt ? QOP_IN : QOP_NOT_IN, pv, n)))
			return rc;
		struct query_value *sv = stage_values(b, stage_in_pipe_at, level, &n);
		if (n && (rc = member(&ms, b->stage, QOP_IN, sv, n)))
			return rc;
		if ((rc = level_members(b, level, &ms)) || (rc = add_group(b, &ms)))
			return rc;
	}
	/* the items at L because their stage is */
	ms.n = 0;
	struct query_value *sv = stage_values(b, stage_at_level, level, &n);
	if (!sv)
		return STORE_TOOBIG;
	if (!n)
		return STORE_OK;
	if ((rc = member(&ms, b->stage, QOP_NOT_IN, sv, n)) || (rc = level_members(b, level, &ms)))
		return rc;
	return add_group(b, &ms);
}

/* Remember stage of pipeline pipe (entity name) when its level differs from the pipeline's. */
static int note_stage(struct lbuild *b, const char *entity, enum crm_op op, const char *stage, int pipe, size_t *cap)
{
	for (size_t i = 0; i < b->n_stages; i++)
		if (!strcmp(b->stages[i].stage, stage))
			return STORE_OK;
	char level = crm_rights_level(b->r, entity, op, stage);
	if (level == (pipe < 0 ? b->deflt : b->pipes[pipe].level))
		return STORE_OK;
	if (b->n_stages == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct lstage *s = arena_alloc(b->a, ncap * sizeof *s);
		if (!s)
			return STORE_TOOBIG;
		if (b->n_stages)
			memcpy(s, b->stages, b->n_stages * sizeof *s);
		b->stages = s;
		*cap = ncap;
	}
	b->stages[b->n_stages++] = (struct lstage){stage, level, pipe};
	return STORE_OK;
}

/* The pipelines (multi) with a cell for op, and every overridden stage. */
static int gather(struct lbuild *b, const char *entity, enum crm_op op, bool multi)
{
	size_t cap_p = 0, cap_s = 0;
	for (size_t i = 0; i < b->r->n_roles; i++) {
		const struct rrole *ro = &b->r->roles[i];
		for (size_t k = 0; k < ro->n; k++) {
			const struct rcell *c = &ro->cells[k];
			int64_t pid = multi ? pipeline_id(c->entity) : -1;
			if (c->op != (int)op || (multi ? pid < 0 : strcmp(c->entity, entity)))
				continue;
			int pipe = -1;
			if (multi) {
				size_t j;
				for (j = 0; j < b->n_pipes && b->pipes[j].id != pid; j++)
					;
				if (j == b->n_pipes) {
					if (j == cap_p) {
						size_t ncap = cap_p ? cap_p * 2 : 8;
						struct lpipe *p = arena_alloc(b->a, ncap * sizeof *p);
						if (!p)
							return STORE_TOOBIG;
						if (j)
							memcpy(p, b->pipes, j * sizeof *p);
						b->pipes = p;
						cap_p = ncap;
					}
					b->pipes[j] = (struct lpipe){pid, crm_rights_level(b->r, c->entity, op, NULL)};
					b->n_pipes++;
				}
				pipe = (int)j;
			}
			if (strcmp(c->stage, ENTITY_LEVEL) && b->stage) {
				int rc = note_stage(b, c->entity, op, c->stage, pipe, &cap_s);
				if (rc)
					return rc;
			}
		}
	}
	return STORE_OK;
}

int crm_rights_list_conds(const struct crm_rights *r, struct query *q, const char *entity, enum crm_op op,
			  bool *none)
{
	*none = false;
	if (!r || r->is_admin)
		return STORE_OK;
	bool multi = entity && !strcmp(entity, "DEAL");
	struct lbuild b = {.r = r, .q = q, .a = q->arena};
	b.assigned = query_field_find(q->ent, "ASSIGNED_BY_ID");
	b.opened = query_field_find(q->ent, "OPENED");
	b.stage = query_field_find(q->ent, "STAGE_ID");
	if (!b.stage)
		b.stage = query_field_find(q->ent, "STATUS_ID");
	b.category = query_field_find(q->ent, "CATEGORY_ID");
	const char *link = q_crm_perms_dept_link(q->ent->table);
	if (link) {
		struct query_field *f = arena_alloc(b.a, sizeof *f);
		if (!f)
			return STORE_TOOBIG;
		*f = (struct query_field){"ASSIGNED_BY_ID", "ud.department_id", QT_INT, QF_FILTER | QF_MULTIPLE | QF_HIDDEN,
					  "Responsible's department", link};
		b.link = f;
	}
	b.deflt = crm_rights_level(r, entity, op, NULL);
	int rc = gather(&b, entity, op, multi);
	if (rc)
		return rc;
	/* the levels in use, lowest first; 'X' needs no condition */
	char used[8] = {0};
	size_t n_used = 0;
	static const char order[] = {CRM_LEVEL_NONE, 'A', 'D', 'F', 'O', 'X'};
	for (size_t i = 0; i < sizeof order; i++) {
		bool in = order[i] == b.deflt;
		for (size_t k = 0; !in && k < b.n_pipes; k++)
			in = b.pipes[k].level == order[i];
		for (size_t k = 0; !in && k < b.n_stages; k++)
			in = b.stages[k].level == order[i];
		if (in)
			used[n_used++] = order[i];
	}
	if (n_used == 1 && used[0] == CRM_LEVEL_NONE)
		*none = true;
	/* each level in use puts its set into at most two conditions */
	size_t binds = 0;
	for (size_t i = 0; i < n_used; i++) {
		const struct idset *u = used[i] == 'D' ? &r->users[0] : used[i] == 'F' || used[i] == 'O' ? &r->users[1] : NULL;
		binds += u && !u->everyone ? 2 * u->n : 0;
	}
	b.use_link = binds > CRM_RIGHTS_BIND_BUDGET;
	for (size_t i = 0; i < n_used; i++)
		if (used[i] != CRM_LEVEL_ALL && (rc = level_conds(&b, used[i])))
			return rc;
	return STORE_OK;
}
