/* q_crm_timeline.c — every SQL text about timeline comments, the merged timeline page and the
 * owner's last-activity stamp (see q_crm_timeline.h). */
#include "store/q_crm_timeline.h"
#include "store/store.h"
#include "core/arena.h"
#include <string.h>

#define F (QF_FILTER | QF_SORT)

/* Bitrix24 sorts comments by ID, CREATED and AUTHOR_ID only; IS_PINNED is Voronka's. */
static const struct query_field comment_fields[] = {
	{"ID", "id", QT_INT, F | QF_READONLY, "ID", NULL},
	{"CREATED", "created", QT_DATETIME, F | QF_READONLY, "Date Added", NULL},
	{"ENTITY_ID", "entity_id", QT_INT, QF_FILTER | QF_REQUIRED, "ID of the entity to which the comment is linked", NULL},
	{"ENTITY_TYPE", "entity_type_id", QT_INT, QF_FILTER | QF_REQUIRED, "Type of the entity to which the comment is linked",
	 NULL},
	{"AUTHOR_ID", "author_id", QT_INT, F, "Author", NULL},
	{"COMMENT", "comment", QT_STRING, QF_FILTER, "Comment Text", NULL},
	{"FILES", "files", QT_STRING, 0, "List of Files", NULL},
	{"IS_PINNED", "is_pinned", QT_CHAR, F | QF_READONLY, "Pinned", NULL},
};

const struct query_entity q_crm_timeline_comment_entity = {
	"crm_timeline_comment", "id", comment_fields, sizeof comment_fields / sizeof comment_fields[0], false,
};

static int bind_opt_int(struct stmt *s, int idx, int64_t v)
{
	return v > 0 ? store_bind_int(s, idx, v) : store_bind_null(s, idx);
}

int q_crm_timeline_comment_brief(struct store *st, struct arena *a, int64_t id, struct q_crm_comment_brief *out)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT entity_type_id, entity_id, author_id, files FROM crm_timeline_comment WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		out->entity_type_id = store_col_int(s, 0);
		out->entity_id = store_col_int(s, 1);
		out->author_id = store_col_isnull(s, 2) ? 0 : store_col_int(s, 2);
		out->files = arena_strdup(a, store_col_text(s, 3));
		rc = out->files ? STORE_OK : STORE_TOOBIG;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

int q_crm_timeline_comment_insert(struct store *st, int64_t entity_type_id, int64_t entity_id, int64_t author_id,
				  const char *comment, const char *files, const char *now, int64_t *id)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO crm_timeline_comment (entity_type_id, entity_id, author_id, comment, files, created, updated) "
		   "VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id");
	int rc = store_bind_int(s, 1, entity_type_id);
	if (!rc)
		rc = store_bind_int(s, 2, entity_id);
	if (!rc)
		rc = bind_opt_int(s, 3, author_id);
	if (!rc)
		rc = store_bind_text(s, 4, comment);
	if (!rc)
		rc = store_bind_text(s, 5, files);
	if (!rc)
		rc = store_bind_text(s, 6, now);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		*id = store_col_int(s, 0);
		rc = store_exec_stmt(s); /* finish the statement so the row is written */
	} else if (rc == STORE_OK) {
		rc = STORE_ERROR;
	}
	store_reset(s);
	return rc;
}

int q_crm_timeline_comment_update(struct store *st, int64_t id, const char *comment, const char *files,
				  const char *now)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "UPDATE crm_timeline_comment SET comment = COALESCE($2, comment), files = COALESCE($3, files), "
		   "updated = $4 WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (!rc)
		rc = store_bind_text(s, 2, comment);
	if (!rc)
		rc = store_bind_text(s, 3, files);
	if (!rc)
		rc = store_bind_text(s, 4, now);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

int q_crm_timeline_comment_delete(struct store *st, int64_t id)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_timeline_comment WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

int q_crm_timeline_comment_pin(struct store *st, int64_t id, bool pinned)
{
	struct stmt *s;
	STORE_PREP(s, st, "UPDATE crm_timeline_comment SET is_pinned = $2 WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (!rc)
		rc = store_bind_text(s, 2, pinned ? "Y" : "N");
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

/* Indexed by entityTypeId: the only table names chosen at run time, and they come from here,
 * never from input. */
static const char *const touch_sql[] = {
	NULL,
	"UPDATE crm_lead SET last_activity_time = $2, last_activity_by = $3 WHERE id = $1",
	"UPDATE crm_deal SET last_activity_time = $2, last_activity_by = $3 WHERE id = $1",
	"UPDATE crm_contact SET last_activity_time = $2, last_activity_by = $3 WHERE id = $1",
	"UPDATE crm_company SET last_activity_time = $2, last_activity_by = $3 WHERE id = $1",
};

int q_crm_timeline_touch_owner(struct store *st, int64_t entity_type_id, int64_t entity_id, const char *now,
			       int64_t user_id)
{
	if (entity_type_id < 1 || entity_type_id >= (int64_t)(sizeof touch_sql / sizeof touch_sql[0]))
		return STORE_NOTFOUND;
	struct stmt *s;
	STORE_PREP(s, st, touch_sql[entity_type_id]);
	int rc = store_bind_int(s, 1, entity_id);
	if (!rc)
		rc = store_bind_text(s, 2, now);
	if (!rc)
		rc = bind_opt_int(s, 3, user_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

int q_crm_timeline_count(struct store *st, int64_t entity_type_id, int64_t entity_id, int64_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT (SELECT COUNT(*) FROM crm_timeline_comment WHERE entity_type_id = $1 AND entity_id = $2) + "
		   "(SELECT COUNT(*) FROM crm_activity WHERE owner_type_id = $1 AND owner_id = $2)");
	int rc = store_bind_int(s, 1, entity_type_id);
	if (!rc)
		rc = store_bind_int(s, 2, entity_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_one_int(s, n);
}

/* kind 0 is a comment, 1 an activity; pin is 1 only for pinned comments. Both branches use the
 * owner indexes (crm_timeline_comment_owner, crm_activity_owner). */
int q_crm_timeline_page(struct store *st, struct arena *a, int64_t entity_type_id, int64_t entity_id, int64_t offset,
			int64_t limit, struct q_crm_timeline_entry **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (limit <= 0)
		return STORE_OK;
	struct q_crm_timeline_entry *e = arena_alloc(a, (size_t)limit * sizeof *e);
	if (!e)
		return STORE_TOOBIG;
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT kind, id FROM ("
		   "SELECT 0 AS kind, id, created, CASE WHEN is_pinned = 'Y' THEN 1 ELSE 0 END AS pin "
		   "FROM crm_timeline_comment WHERE entity_type_id = $1 AND entity_id = $2 "
		   "UNION ALL "
		   "SELECT 1 AS kind, id, created, 0 AS pin FROM crm_activity WHERE owner_type_id = $1 AND owner_id = $2"
		   ") t ORDER BY pin DESC, created DESC, kind DESC, id DESC LIMIT $3 OFFSET $4");
	int rc = store_bind_int(s, 1, entity_type_id);
	if (!rc)
		rc = store_bind_int(s, 2, entity_id);
	if (!rc)
		rc = store_bind_int(s, 3, limit);
	if (!rc)
		rc = store_bind_int(s, 4, offset);
	while (!rc && (rc = store_step(s)) == STORE_ROW) {
		if (*n < (size_t)limit) {
			e[*n].is_activity = store_col_int(s, 0) == 1;
			e[*n].id = store_col_int(s, 1);
			(*n)++;
		}
		rc = STORE_OK;
	}
	store_reset(s);
	if (rc)
		return rc;
	*out = e;
	return STORE_OK;
}
