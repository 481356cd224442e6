/* rights.h — CRM access rights (R1–R8, D7, A11, U1): the model and the one decision point that
 * every CRM path asks (card, list, kanban, funnels, search, export, REST get/list/update/delete).
 *
 * The model. A role is a matrix: entity × operation (× stage) → level.
 *   entities   LEAD; DEAL_C{n} for deal pipeline n (DEAL_C0 the default one) plus DEAL, the
 *              role's default for every pipeline; CONTACT, COMPANY, QUOTE, INVOICE; WEBFORM;
 *              ROBOT_LEAD and ROBOT_DEAL (A11: reading or changing robots of leads / deals).
 *   operations READ, ADD, WRITE (edit, and moving to a stage), DELETE, EXPORT, IMPORT; WEBFORM
 *              and ROBOT_* have READ and WRITE only.
 *   levels     ordered, each including the ones before it (so the maximum is the character
 *              order, as Bitrix24 compares them):
 *                0   none
 *                'A' own: the item's ASSIGNED_BY_ID is the user
 *                'D' own + own department: ASSIGNED_BY_ID is a member of a department the user
 *                    is a member or the head of
 *                'F' + sub-departments: … of those departments or any department below them
 *                'O' all open: 'F' plus every item with OPENED = Y
 *                'X' all
 *              WEBFORM and ROBOT_* take only none and 'X'.
 *   stages     leads (STATUS_ID) and each pipeline's deals (STAGE_ID) may have a level per stage;
 *              a stage without one inherits the entity's (R4: "Наследовать", the default).
 *   storage    only explicit cells are stored (store/q_crm_perms.h). Absent: a stage inherits
 *              its entity; DEAL_C{n} takes the role's DEAL row; anything else is none. So a
 *              pipeline or stage created later is in every role's matrix at once (D7).
 *   settings   a role flag, "allow changing settings" (R5, U1): roles, custom fields,
 *              pipelines, reference lists, robots.
 *   holding    roles are assigned to access codes (R6): AU (everyone), U{user}, D{dep} (its
 *              members), DR{dep} (members of it and of every department below), SG{group}_K /
 *              _E / _A (work group members / moderators / owner). A user holding several roles
 *              gets, cell by cell, the maximum of what each role resolves to (R7) — resolved
 *              first, so a role's "inherit" gives that role's entity level, never another
 *              role's stage. Portal administrators (users.is_admin) hold everything.
 *
 * Use: once per request, crm_rights_load(); then ask it as often as needed — every question is
 * answered from memory (binary searches), nothing is cached across requests, so a change of
 * roles, assignments or departments holds from the next request on. Everything lives in the
 * arena given to crm_rights_load(). */
#ifndef VORONKA_CRM_RIGHTS_H
#define VORONKA_CRM_RIGHTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct arena;
struct query;
struct q_crm_perm_cell;

enum crm_op {
	CRM_OP_READ,
	CRM_OP_ADD,
	CRM_OP_WRITE,
	CRM_OP_DELETE,
	CRM_OP_EXPORT,
	CRM_OP_IMPORT,
	CRM_OP__COUNT
};

#define CRM_LEVEL_NONE 0
#define CRM_LEVEL_OWN 'A'
#define CRM_LEVEL_DEPARTMENT 'D'
#define CRM_LEVEL_SUBDEPARTMENTS 'F'
#define CRM_LEVEL_OPEN 'O'
#define CRM_LEVEL_ALL 'X'

/* The list filter binds the users of the department sets as values while they add up to at
 * most this many (the engine allows QUERY_MAX_BINDS in a statement, and a set may be needed in
 * two conditions per level); above it the sets go by a subquery on user_departments. */
#define CRM_RIGHTS_BIND_BUDGET 1500

#define CRM_RIGHTS_ENTITY_MAX 32 /* bytes of an entity name buffer: "DEAL_C9223372036854775807" fits */

struct crm_rights;

/* ---- loading ---- */

/* The rights of user_id for this request: the roles the user holds (directly, through their
 * departments and the parents of those for DR codes, through work groups), their cells, the
 * user's departments and those with their sub-departments, and the members of both (only when
 * some cell of the user's roles needs them: levels D, F or O). An administrator's needs no
 * query. Returns 0 or a negative store code. */
int crm_rights_load(struct store *st, struct arena *a, int64_t user_id, bool is_admin, struct crm_rights **out);
/* The rights one role's cells give (role.get shows a role's matrix through it): no user, no
 * departments. */
int crm_rights_of_cells(struct arena *a, const struct q_crm_perm_cell *cells, size_t n, bool settings,
			struct crm_rights **out);

/* ---- questions ---- */

bool crm_rights_is_admin(const struct crm_rights *r);
int64_t crm_rights_user(const struct crm_rights *r);
/* R5: may the user change CRM settings (roles, custom fields, pipelines, lists, robots)? */
bool crm_rights_can_settings(const struct crm_rights *r);

/* The level of op on entity ("LEAD", "DEAL_C5", "CONTACT", …; "DEAL" asks the pipelines'
 * default row) at stage (NULL: the entity's own level), inheritance resolved, the maximum over
 * the user's roles: 'X', 'O', 'F', 'D', 'A' or 0. An unknown entity or op is 0. */
char crm_rights_level(const struct crm_rights *r, const char *entity, enum crm_op op, const char *stage);
/* The highest level of op anywhere in entity: at any stage, and for "DEAL" in any pipeline.
 * "May the user do op on some item at all?" (menus, buttons, refusing a list up front). */
char crm_rights_max(const struct crm_rights *r, const char *entity, enum crm_op op);
/* May the user do op on one item, given the item's stage (NULL for entities without stages),
 * responsible (0: none) and OPENED flag? ADD and IMPORT ask only that the level is not none
 * (Bitrix24 checks no ownership when creating); the others match the level against the item.
 * Moving an item to another stage is WRITE at its current stage and WRITE at the target one. */
bool crm_rights_item_allowed(const struct crm_rights *r, const char *entity, enum crm_op op, const char *stage,
			     int64_t assigned_by_id, bool opened);
/* The users of the user's own departments (with_sub: and of every department below them), the
 * user included, ascending. Owned by r. Filled when some level of the user's roles is D, F or O;
 * otherwise (and for administrators) it holds the user alone. */
void crm_rights_dept_users(const struct crm_rights *r, bool with_sub, const int64_t **ids, size_t *n);
/* The department ids behind those sets (member or head; with_sub: and below), ascending. */
void crm_rights_depts(const struct crm_rights *r, bool with_sub, const int64_t **ids, size_t *n);

/* ---- the list filter ---- */

/* Add to q (an item list: crm_lead, crm_deal, crm_contact or crm_company, whose descriptor has
 * ASSIGNED_BY_ID, OPENED and, for leads and deals, STATUS_ID / STAGE_ID and CATEGORY_ID) the
 * conditions that keep only the items the user may op: entity "LEAD", "CONTACT", "COMPANY";
 * "DEAL" for a list over every pipeline; "DEAL_C{n}" only when q is already limited to
 * pipeline n (kanban). Nothing is added for an administrator or where every level is 'X'.
 * *none is set when the user may op no item at all (a condition that matches nothing is then
 * added, so running q is still right; callers may skip it). Returns 0 or a negative store code.
 *
 * The shape (no engine change needed: top-level ANDs of OR groups, each member one field):
 *   one level L for the whole entity            →  P(L)
 *   levels per pipeline / stage                 →  AND over each level L ≠ 'X' in use of
 *       (STAGE_ID NOT IN (stages at L) OR P(L))
 *       (CATEGORY_ID NOT IN (pipelines at L) OR STAGE_ID IN (their overridden stages) OR P(L))
 *   where P('A') = ASSIGNED_BY_ID = me; P('D'|'F') = ASSIGNED_BY_ID IN (the set's users);
 *   a set holding every user (the company's head) is ASSIGNED_BY_ID not empty; sets over
 *   CRM_RIGHTS_BIND_BUDGET bound values go as ID IN (SELECT … JOIN user_departments … WHERE
 *   department_id IN (…)) OR ASSIGNED_BY_ID = me; P('O') = OPENED = 'Y' OR P('F'); P(none) = false.
 * ASSIGNED_BY_ID = me and ASSIGNED_BY_ID IN (…) use the (assigned_by_id, date_modify) indexes. */
int crm_rights_list_conds(const struct crm_rights *r, struct query *q, const char *entity, enum crm_op op,
			  bool *none);

/* ---- names ---- */

/* "READ" … ; NULL for an unknown op. */
const char *crm_op_name(enum crm_op op);
/* The op called name (any case), or -1. */
int crm_op_parse(const char *name);
/* The rights entity of an item: "LEAD", "DEAL_C{category_id}", "CONTACT", "COMPANY" for CRM
 * types 1–4, written into buf (CRM_RIGHTS_ENTITY_MAX bytes); NULL for another type. */
const char *crm_rights_entity(int type_id, int64_t category_id, char *buf, size_t n);

/* What an entity admits (the role editor's validation and layout). */
struct crm_rights_entity_info {
	const char *name;     /* "LEAD", "DEAL" (the pipelines' default), "DEAL_C" (any pipeline), … */
	unsigned ops;         /* bit (1 << op) for each operation it has */
	const char *levels;   /* the levels it takes besides none: "ADFOX" or "X" */
	const char *stage_list; /* the crm_status list of its stages ("STATUS"); "DEAL_STAGE" for
				 * pipelines (DEAL_STAGE_{n} for n > 0); NULL: no stages */
};
/* The description of entity (a pipeline's DEAL_C{n} gives the "DEAL_C" row and *category_id =
 * n; otherwise *category_id = -1); NULL when unknown. */
const struct crm_rights_entity_info *crm_rights_entity_info(const char *entity, int64_t *category_id);
/* The fixed entities in the editor's order (without the per-pipeline "DEAL_C" row): LEAD, DEAL,
 * CONTACT, COMPANY, QUOTE, INVOICE, WEBFORM, ROBOT_LEAD, ROBOT_DEAL. */
const struct crm_rights_entity_info *crm_rights_entities(size_t *n);
/* Does r have a stored cell here (in any of its roles)? *level gets it. For the role editor,
 * which shows the cells without one as "INHERIT". */
bool crm_rights_explicit(const struct crm_rights *r, const char *entity, enum crm_op op, const char *stage,
			 char *level);

#endif
