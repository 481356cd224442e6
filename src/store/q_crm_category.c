/* q_crm_category.c — every SQL text about deal pipelines (crm_category) and the stage lists a
 * pipeline owns in crm_status (DEAL_STAGE_{n}): the descriptor crm.dealcategory.list is built
 * from, and the fixed statements of the rules in rest/crm_category.c. */
#include "store/q_crm_category.h"
#include "store/store.h"
#include "store/q_crm_item.h"
#include "core/arena.h"
#include <stdio.h>
#include <string.h>

#define F (QF_FILTER | QF_SORT)

static const struct query_field crm_category_fields[] = {
	{"ID", "id", QT_INT, F | QF_READONLY, "ID", NULL},
	{"CREATED_DATE", "created_at", QT_DATETIME, F | QF_READONLY, "Created", NULL},
	{"NAME", "name", QT_STRING, F | QF_REQUIRED, "Name", NULL},
	{"IS_LOCKED", "is_locked", QT_CHAR, F | QF_READONLY, "Locked", NULL},
	{"SORT", "sort", QT_INT, F, "Sort", NULL},
	{"ENTITY_TYPE_ID", "entity_type_id", QT_INT, F | QF_READONLY | QF_HIDDEN, "Entity type", NULL},
};

const struct query_entity q_crm_category_entity = {
	"crm_category", "id", crm_category_fields, sizeof crm_category_fields / sizeof crm_category_fields[0], false,
};

#define COLS "id, entity_type_id, name, sort, is_default, is_locked, created_at"

static void read_row(struct stmt *s, struct q_crm_category_row *out)
{
	out->id = store_col_int(s, 0);
	out->entity_type_id = store_col_int(s, 1);
	snprintf(out->name, sizeof out->name, "%s", store_col_text(s, 2));
	out->sort = store_col_int(s, 3);
	out->is_default = store_col_int(s, 4) != 0;
	out->is_locked = store_col_text(s, 5)[0] == 'Y';
	snprintf(out->created_at, sizeof out->created_at, "%s", store_col_text(s, 6));
}

int q_crm_category_get(struct store *st, int64_t entity_type_id, int64_t id, struct q_crm_category_row *out)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT " COLS " FROM crm_category WHERE entity_type_id = $1 AND id = $2");
	int rc = store_bind_int(s, 1, entity_type_id);
	if (!rc)
		rc = store_bind_int(s, 2, id);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		read_row(s, out);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

int q_crm_category_all(struct store *st, struct arena *a, int64_t entity_type_id, struct q_crm_category_row **rows,
		       size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct stmt *s;
	STORE_PREP(s, st, "SELECT " COLS " FROM crm_category WHERE entity_type_id = $1 ORDER BY sort, id");
	int rc = store_bind_int(s, 1, entity_type_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	size_t cap = 0;
	while ((rc = store_step(s)) == STORE_ROW) {
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct q_crm_category_row *r = arena_alloc(a, ncap * sizeof *r);
			if (!r) {
				store_reset(s);
				return STORE_TOOBIG;
			}
			if (*n)
				memcpy(r, *rows, *n * sizeof *r);
			*rows = r;
			cap = ncap;
		}
		read_row(s, &(*rows)[(*n)++]);
	}
	store_reset(s);
	return rc < 0 ? rc : STORE_OK;
}

int q_crm_category_insert(struct store *st, int64_t entity_type_id, const char *name, int64_t sort,
			  const char *created_at, int64_t *id)
{
	struct stmt *s;
	STORE_PREP(s, st,
	     "INSERT INTO crm_category (entity_type_id, name, sort, is_default, is_locked, created_at) "
	     "VALUES ($1, $2, $3, 0, 'N', $4) RETURNING id");
	int rc;
	if ((rc = store_bind_int(s, 1, entity_type_id)) || (rc = store_bind_text(s, 2, name)) ||
	    (rc = store_bind_int(s, 3, sort)) || (rc = store_bind_text(s, 4, created_at))) {
		store_reset(s);
		return rc;
	}
	rc = store_step(s);
	if (rc == STORE_ROW) {
		*id = store_col_int(s, 0);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_ERROR;
	}
	store_reset(s);
	return rc;
}

int q_crm_category_update(struct store *st, int64_t entity_type_id, int64_t id, const char *name, bool has_sort,
			  int64_t sort)
{
	struct stmt *s;
	STORE_PREP(s, st,
	     "UPDATE crm_category SET name = COALESCE($3, name), sort = CASE WHEN $4 = 1 THEN $5 ELSE sort END "
	     "WHERE entity_type_id = $1 AND id = $2");
	int rc;
	if ((rc = store_bind_int(s, 1, entity_type_id)) || (rc = store_bind_int(s, 2, id)) ||
	    (rc = store_bind_text(s, 3, name)) || (rc = store_bind_int(s, 4, has_sort ? 1 : 0)) ||
	    (rc = store_bind_int(s, 5, sort))) {
		store_reset(s);
		return rc;
	}
	rc = store_exec_stmt(s);
	if (!rc && store_last_changes(st) == 0)
		rc = STORE_NOTFOUND;
	return rc;
}

int q_crm_category_delete(struct store *st, int64_t entity_type_id, int64_t id)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_category WHERE entity_type_id = $1 AND id = $2 AND is_default = 0");
	int rc;
	if ((rc = store_bind_int(s, 1, entity_type_id)) || (rc = store_bind_int(s, 2, id))) {
		store_reset(s);
		return rc;
	}
	rc = store_exec_stmt(s);
	if (!rc && store_last_changes(st) == 0)
		rc = STORE_NOTFOUND;
	return rc;
}

int q_crm_category_stages_insert(struct store *st, int64_t id)
{
	char entity[32], prefix[32];
	snprintf(entity, sizeof entity, "DEAL_STAGE_%lld", (long long)id);
	snprintf(prefix, sizeof prefix, "C%lld:", (long long)id);
	struct stmt *s;
	STORE_PREP(s, st,
	     "INSERT INTO crm_status (entity_id, status_id, name, name_init, sort, system, category_id, color, "
	     "semantics) SELECT $1, $2 || status_id, name_init, name_init, sort, 1, $3, color, semantics "
	     "FROM crm_status WHERE entity_id = 'DEAL_STAGE' AND system = 1 ORDER BY sort, id");
	int rc;
	if ((rc = store_bind_text(s, 1, entity)) || (rc = store_bind_text(s, 2, prefix)) ||
	    (rc = store_bind_int(s, 3, id))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_category_stages_delete(struct store *st, int64_t id)
{
	char entity[32];
	snprintf(entity, sizeof entity, "DEAL_STAGE_%lld", (long long)id);
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_status WHERE entity_id = $1");
	int rc = store_bind_text(s, 1, entity);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_category_deal_count(struct store *st, int64_t id, int64_t *n)
{
	return q_crm_deal_count_in_category(st, id, n);
}
