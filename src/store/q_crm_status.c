/* q_crm_status.c — every SQL text about CRM reference lists and stages (crm_status): the
 * descriptor crm.status.list and crm.status.entity.items are built from, and the fixed
 * statements of the write rules in rest/crm_status.c. */
#include "store/q_crm_status.h"
#include "store/store.h"
#include <stdio.h>
#include <string.h>

#define F (QF_FILTER | QF_SORT)

static const struct query_field crm_status_fields[] = {
	{"ID", "id", QT_INT, F | QF_READONLY, "ID", NULL},
	{"ENTITY_ID", "entity_id", QT_STRING, F | QF_REQUIRED, "Entity ID", NULL},
	{"STATUS_ID", "status_id", QT_STRING, F | QF_REQUIRED, "Status ID", NULL},
	{"NAME", "name", QT_STRING, F | QF_REQUIRED, "Name", NULL},
	{"NAME_INIT", "name_init", QT_STRING, F | QF_READONLY, "Default name", NULL},
	{"SORT", "sort", QT_INT, F, "Sort", NULL},
	{"SYSTEM", "system", QT_BOOL, F | QF_READONLY, "System", NULL},
	{"CATEGORY_ID", "category_id", QT_INT, F | QF_READONLY, "Pipeline", NULL},
	{"COLOR", "color", QT_STRING, F, "Color", NULL},
	{"SEMANTICS", "semantics", QT_STRING, F, "Semantics", NULL},
};

const struct query_entity q_crm_status_entity = {
	"crm_status", "id", crm_status_fields, sizeof crm_status_fields / sizeof crm_status_fields[0], false,
};

static char semantics_of(struct stmt *s, int col)
{
	const char *t = store_col_text(s, col);
	return (*t == 'S' || *t == 'F') ? *t : 'P';
}

int q_crm_status_get(struct store *st, int64_t id, struct q_crm_status_row *out)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT entity_id, status_id, system, semantics, sort FROM crm_status WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		snprintf(out->entity_id, sizeof out->entity_id, "%s", store_col_text(s, 0));
		snprintf(out->status_id, sizeof out->status_id, "%s", store_col_text(s, 1));
		out->is_system = store_col_int(s, 2) != 0;
		out->semantics = semantics_of(s, 3);
		out->sort = store_col_int(s, 4);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

int q_crm_status_taken(struct store *st, const char *entity_id, const char *status_id, int64_t except_id,
		       bool *taken)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT id FROM crm_status WHERE entity_id = $1 AND status_id = $2 AND id <> $3 LIMIT 1");
	int rc;
	if ((rc = store_bind_text(s, 1, entity_id)) || (rc = store_bind_text(s, 2, status_id)) ||
	    (rc = store_bind_int(s, 3, except_id))) {
		store_reset(s);
		return rc;
	}
	rc = store_step(s);
	*taken = rc == STORE_ROW;
	store_reset(s);
	return rc < 0 ? rc : STORE_OK;
}

int q_crm_status_delete(struct store *st, int64_t id)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_status WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	rc = store_exec_stmt(s);
	if (!rc && store_last_changes(st) == 0)
		rc = STORE_NOTFOUND;
	return rc;
}

int q_crm_status_summary(struct store *st, const char *entity_id, struct q_crm_status_summary *out)
{
	memset(out, 0, sizeof *out);
	out->is_ordered = true;
	struct stmt *s;
	STORE_PREP(s, st, "SELECT id, status_id, sort, semantics FROM crm_status WHERE entity_id = $1 ORDER BY sort, id");
	int rc = store_bind_text(s, 1, entity_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	int phase = 0; /* 0 process, 1 success, 2 failure: stages must not go back */
	while ((rc = store_step(s)) == STORE_ROW) {
		char sem = semantics_of(s, 3);
		const char *sid = store_col_text(s, 1);
		int p = sem == 'P' ? 0 : sem == 'S' ? 1 : 2;
		if (p < phase)
			out->is_ordered = false;
		if (p > phase)
			phase = p;
		if (out->n_rows++ == 0)
			out->first_semantics = sem;
		if (sem == 'P' && out->n_process++ == 0)
			snprintf(out->start_id, sizeof out->start_id, "%s", sid);
		if (sem == 'S' && out->n_success++ == 0) {
			snprintf(out->success_id, sizeof out->success_id, "%s", sid);
			out->success_sort = store_col_int(s, 2);
		}
		if (sem == 'F' && out->n_failure++ == 0) {
			snprintf(out->failure_id, sizeof out->failure_id, "%s", sid);
			out->failure_row = store_col_int(s, 0);
		}
	}
	store_reset(s);
	return rc < 0 ? rc : STORE_OK;
}

int q_crm_status_semantics(struct store *st, const char *entity_id, const char *status_id, char *semantics)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT semantics FROM crm_status WHERE entity_id = $1 AND status_id = $2");
	int rc;
	if ((rc = store_bind_text(s, 1, entity_id)) || (rc = store_bind_text(s, 2, status_id))) {
		store_reset(s);
		return rc;
	}
	rc = store_step(s);
	if (rc == STORE_ROW) {
		*semantics = semantics_of(s, 0);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}
