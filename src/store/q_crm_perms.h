/* q_crm_perms.h — the SQL of CRM access rights (R1–R8, migration 8): roles (crm_role), their
 * explicit cells (crm_role_perm), their assignments to access codes (crm_role_relation), and the
 * per-request facts crm/rights.c decides with: which roles a user holds (directly, through a
 * department or a parent department, through a work group), the user's departments with or
 * without their sub-departments, and the users of those departments. The list filter's subquery
 * for very large departments is here too (q_crm_perms_dept_link), as all SQL text is.
 *
 * All functions return 0 or a negative store code; lookups that find nothing return
 * STORE_NOTFOUND. Arrays and text come from the arena given. */
#ifndef VORONKA_Q_CRM_PERMS_H
#define VORONKA_Q_CRM_PERMS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct arena;

#define Q_CRM_ROLE_NAME_MAX 256 /* bytes of a role name with its NUL */

/* One stored cell of a role. */
struct q_crm_perm_cell {
	int64_t role_id;
	const char *entity; /* "LEAD", "DEAL", "DEAL_C5", "CONTACT", … (arena text) */
	const char *op;     /* "READ", … */
	const char *stage;  /* "-": the entity's level; else a STATUS_ID / STAGE_ID */
	char level;         /* 0 none, 'A', 'D', 'F', 'O', 'X' */
};

struct q_crm_role {
	int64_t id;
	char name[Q_CRM_ROLE_NAME_MAX];
	char code[16];      /* ADMIN, DIRECTOR, HEAD, MANAGER; "" for added roles */
	bool settings;      /* "allow changing settings" */
	char created_at[32];
};

/* ---- the decision's inputs (one request) ---- */

/* The roles user_id holds through any access code (AU, U{id}, D{dep}, DR{dep or a parent},
 * SG{group}_K/_E/_A), by id: an arena array. */
int q_crm_perms_user_roles(struct store *st, struct arena *a, int64_t user_id, struct q_crm_role **out, size_t *n);
/* Every cell of those roles: an arena array, in no particular order. */
int q_crm_perms_user_cells(struct store *st, struct arena *a, int64_t user_id, struct q_crm_perm_cell **out,
			   size_t *n);
/* The user's departments (member of, or head of) — with_sub: and every department below them —
 * ascending: an arena array. */
int q_crm_perms_depts(struct store *st, struct arena *a, int64_t user_id, bool with_sub, int64_t **out, size_t *n);
/* The users who are members of those departments, and user_id itself, ascending, distinct. */
int q_crm_perms_dept_users(struct store *st, struct arena *a, int64_t user_id, bool with_sub, int64_t **out,
			   size_t *n);
/* How many users exist (a department set holding all of them needs no list). */
int q_crm_perms_user_count(struct store *st, int64_t *n);
/* Forget every cell of entity (stage NULL) or of one stage of it, in every role: call when a
 * pipeline (DEAL_C{n}) or a stage is deleted, so that a pipeline or stage made later under the
 * same number or code starts from the roles' defaults instead of the old cells. */
int q_crm_perms_forget(struct store *st, const char *entity, const char *stage);
/* For the list filter of very large departments: the start of a subquery selecting the ids of
 * items of `table` (a CRM item table: crm_lead, crm_deal, crm_contact, crm_company) whose
 * responsible is a member of some departments, ending in WHERE; the filter engine appends
 * "ud.department_id IN (…)" (query.h, QF_MULTIPLE's link). NULL for any other table. */
const char *q_crm_perms_dept_link(const char *table);

/* ---- roles ---- */

/* Every role, by id: an arena array. */
int q_crm_role_list(struct store *st, struct arena *a, struct q_crm_role **out, size_t *n);
int q_crm_role_get(struct store *st, int64_t id, struct q_crm_role *out);
int q_crm_role_insert(struct store *st, const char *name, bool settings, const char *created_at, int64_t *id);
/* name NULL / settings < 0: left as they are. STORE_NOTFOUND if no such role. */
int q_crm_role_update(struct store *st, int64_t id, const char *name, int settings);
int q_crm_role_delete(struct store *st, int64_t id); /* its cells and assignments go with it */

/* A role's stored cells: an arena array, in no particular order. */
int q_crm_role_cells(struct store *st, struct arena *a, int64_t role_id, struct q_crm_perm_cell **out, size_t *n);
/* Store one cell (level 0: "none", which is stored: it overrides a default). */
int q_crm_role_cell_set(struct store *st, int64_t role_id, const char *entity, const char *op, const char *stage,
			char level);
/* Remove one cell (back to inheriting); no error when there was none. */
int q_crm_role_cell_clear(struct store *st, int64_t role_id, const char *entity, const char *op, const char *stage);
/* Copy every cell of role `from` into role `to` (which has none yet). */
int q_crm_role_cells_copy(struct store *st, int64_t from, int64_t to);

/* ---- assignments ---- */

struct q_crm_role_relation {
	const char *access_code; /* arena text */
	int64_t role_id;
};
/* Every assignment, by role then access code: an arena array. */
int q_crm_role_relations(struct store *st, struct arena *a, struct q_crm_role_relation **out, size_t *n);
int q_crm_role_relations_clear(struct store *st);
/* Add one (a repeat is not an error). */
int q_crm_role_relation_add(struct store *st, const char *access_code, int64_t role_id);
int q_crm_role_relation_count(struct store *st, int64_t role_id, int64_t *n);
/* Does work group id exist? */
int q_crm_perms_workgroup_exists(struct store *st, int64_t id, bool *exists);

/* ---- stage lists (for the matrix) ---- */

struct q_crm_perm_stage {
	const char *list;      /* crm_status ENTITY_ID: STATUS, DEAL_STAGE, DEAL_STAGE_{n} (arena text) */
	const char *status_id; /* the stage's code */
};
/* The stages of leads and of every deal pipeline, by list, then sort, then id: an arena array. */
int q_crm_perms_stages(struct store *st, struct arena *a, struct q_crm_perm_stage **out, size_t *n);

#endif
