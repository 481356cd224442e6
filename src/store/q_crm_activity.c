/* q_crm_activity.c — every SQL text about activities and their communications (see
 * q_crm_activity.h). The descriptor follows the order of Bitrix24's crm.activity.get record. */
#include "store/q_crm_activity.h"
#include "store/store.h"
#include "core/arena.h"
#include <string.h>

#define F (QF_FILTER | QF_SORT)

static const struct query_field activity_fields[] = {
	{"ID", "id", QT_INT, F | QF_READONLY, "ID", NULL},
	{"OWNER_ID", "owner_id", QT_INT, F, "Owner ID", NULL},
	{"OWNER_TYPE_ID", "owner_type_id", QT_INT, F, "Owner Type", NULL},
	{"TYPE_ID", "type_id", QT_INT, F | QF_REQUIRED, "Type", NULL},
	{"PROVIDER_ID", "provider_id", QT_STRING, F, "Provider ID", NULL},
	{"PROVIDER_TYPE_ID", "provider_type_id", QT_STRING, F, "Provider Type", NULL},
	{"ASSOCIATED_ENTITY_ID", "associated_entity_id", QT_INT, F | QF_READONLY,
	 "ID of the entity associated with the activity", NULL},
	{"SUBJECT", "subject", QT_STRING, F | QF_REQUIRED, "Subject", NULL},
	{"CREATED", "created", QT_DATETIME, F | QF_READONLY, "Creation Date", NULL},
	{"LAST_UPDATED", "last_updated", QT_DATETIME, F | QF_READONLY, "Last Updated", NULL},
	{"START_TIME", "start_time", QT_DATETIME, F, "Start", NULL},
	{"END_TIME", "end_time", QT_DATETIME, F, "Deadline", NULL},
	{"DEADLINE", "deadline", QT_DATETIME, F, "Due Date", NULL},
	{"COMPLETED", "completed", QT_CHAR, F, "Completed", NULL},
	{"STATUS", "status", QT_INT, F, "Status", NULL},
	{"RESPONSIBLE_ID", "responsible_id", QT_INT, F, "Responsible", NULL},
	{"PRIORITY", "priority", QT_INT, F, "Priority", NULL},
	{"NOTIFY_TYPE", "notify_type", QT_INT, F, "Notification Type", NULL},
	{"NOTIFY_VALUE", "notify_value", QT_INT, F, "Notification Parameter", NULL},
	{"DESCRIPTION", "description", QT_STRING, QF_FILTER, "Description", NULL},
	{"DESCRIPTION_TYPE", "description_type", QT_INT, F, "Description Type", NULL},
	{"DIRECTION", "direction", QT_INT, F, "Direction", NULL},
	{"LOCATION", "location", QT_STRING, F, "Location", NULL},
	{"SETTINGS", "settings", QT_STRING, 0, "Settings", NULL},
	{"ORIGINATOR_ID", "originator_id", QT_STRING, F, "External Source", NULL},
	{"ORIGIN_ID", "origin_id", QT_STRING, F, "External Code", NULL},
	{"AUTHOR_ID", "author_id", QT_INT, F | QF_READONLY, "Created By", NULL},
	{"EDITOR_ID", "editor_id", QT_INT, F | QF_READONLY, "Edited By", NULL},
	{"IS_READ", "is_read", QT_CHAR, F, "Read", NULL}, /* Voronka's: the UI's unread mark */
};

const struct query_entity q_crm_activity_entity = {
	"crm_activity", "id", activity_fields, sizeof activity_fields / sizeof activity_fields[0], false,
};

int q_crm_activity_brief(struct store *st, int64_t id, struct q_crm_activity_brief *out)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT owner_type_id, owner_id, type_id, responsible_id, start_time, end_time "
		   "FROM crm_activity WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		out->owner_type_id = store_col_int(s, 0);
		out->owner_id = store_col_int(s, 1);
		out->type_id = store_col_int(s, 2);
		out->responsible_id = store_col_isnull(s, 3) ? 0 : store_col_int(s, 3);
		store_col_copy(s, 4, out->start_time, sizeof out->start_time);
		store_col_copy(s, 5, out->end_time, sizeof out->end_time);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

int q_crm_activity_comm_clear(struct store *st, int64_t activity_id)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_activity_communication WHERE activity_id = $1");
	int rc = store_bind_int(s, 1, activity_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_activity_delete(struct store *st, int64_t id)
{
	/* The foreign key cascades too; deleting first keeps it right on a connection without it. */
	int rc = q_crm_activity_comm_clear(st, id);
	if (rc)
		return rc;
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_activity WHERE id = $1");
	rc = store_bind_int(s, 1, id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

int q_crm_activity_comm_add(struct store *st, int64_t activity_id, const struct q_crm_comm *c)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO crm_activity_communication (activity_id, entity_type_id, entity_id, type, value) "
		   "VALUES ($1, $2, $3, $4, $5)");
	int rc = store_bind_int(s, 1, activity_id);
	if (!rc)
		rc = store_bind_int(s, 2, c->entity_type_id);
	if (!rc)
		rc = store_bind_int(s, 3, c->entity_id);
	if (!rc)
		rc = store_bind_text(s, 4, c->type ? c->type : "");
	if (!rc)
		rc = store_bind_text(s, 5, c->value ? c->value : "");
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_activity_comms(struct store *st, struct arena *a, int64_t activity_id, struct q_crm_comm **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT id, entity_type_id, entity_id, type, value FROM crm_activity_communication "
		   "WHERE activity_id = $1 ORDER BY id");
	int rc = store_bind_int(s, 1, activity_id);
	size_t cap = 0;
	while (!rc && (rc = store_step(s)) == STORE_ROW) {
		rc = STORE_OK;
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			struct q_crm_comm *r = arena_alloc(a, ncap * sizeof *r);
			if (!r) {
				rc = STORE_TOOBIG;
				break;
			}
			if (*n)
				memcpy(r, *out, *n * sizeof *r);
			*out = r;
			cap = ncap;
		}
		struct q_crm_comm *c = &(*out)[*n];
		c->id = store_col_int(s, 0);
		c->entity_type_id = store_col_int(s, 1);
		c->entity_id = store_col_int(s, 2);
		c->type = arena_strdup(a, store_col_text(s, 3));
		c->value = arena_strdup(a, store_col_text(s, 4));
		if (!c->type || !c->value) {
			rc = STORE_TOOBIG;
			break;
		}
		(*n)++;
	}
	store_reset(s);
	return rc;
}
