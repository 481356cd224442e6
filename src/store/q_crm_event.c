/* q_crm_event.c — every SQL text about crm_event (q_crm_event.h): the write path's insert with
 * its amortised trim, the events stream's reads. The table has only its key: every read and the
 * trim go by id, and ids grow with time, so "older than a day" is a prefix of the id order. */
#include "store/q_crm_event.h"
#include "store/store.h"
#include "core/util.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

/* One row; recipient_id 0 stores NULL (a CRM change for every stream). */
static int event_insert(struct store *st, int64_t entity_type_id, int64_t entity_id, const char *action,
			int64_t user_id, int64_t recipient_id)
{
	char now[32];
	db_time_utc(time(NULL), now, sizeof now);
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO crm_event (entity_type_id, entity_id, action, user_id, created, recipient_id) "
		   "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
	int rc = store_bind_int(s, 1, entity_type_id);
	rc = rc ? rc : store_bind_int(s, 2, entity_id);
	rc = rc ? rc : store_bind_text(s, 3, action);
	rc = rc ? rc : (user_id > 0 ? store_bind_int(s, 4, user_id) : store_bind_null(s, 4));
	rc = rc ? rc : store_bind_text(s, 5, now);
	rc = rc ? rc : (recipient_id > 0 ? store_bind_int(s, 6, recipient_id) : store_bind_null(s, 6));
	if (rc) {
		store_reset(s);
		return rc;
	}
	int64_t id;
	rc = store_one_int(s, &id);
	if (rc)
		return rc;
	/* Trimming on the write path keeps the table bounded without a timer, and works the same for
	 * every process sharing the database; once in a few hundred writes costs next to nothing. */
	if (id % Q_CRM_EVENT_TRIM_EVERY != 0)
		return STORE_OK;
	char before[32];
	db_time_utc(time(NULL) - Q_CRM_EVENT_MAX_AGE, before, sizeof before);
	return q_crm_event_trim(st, Q_CRM_EVENT_KEEP, before);
}

int q_crm_event_add(struct store *st, int64_t entity_type_id, int64_t entity_id, const char *action, int64_t user_id)
{
	return event_insert(st, entity_type_id, entity_id, action, user_id, 0);
}

int q_crm_event_notify(struct store *st, int64_t recipient_id, int64_t notify_id, const char *action,
		       int64_t user_id)
{
	if (recipient_id <= 0)
		return STORE_OK; /* nobody's stream: nothing to say */
	return event_insert(st, 0, notify_id, action, user_id, recipient_id);
}

int q_crm_event_since(struct store *st, int64_t after_id, struct q_crm_event *out, size_t max, size_t *n)
{
	*n = 0;
	if (max == 0)
		return STORE_OK;
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT id, entity_type_id, entity_id, action, user_id, recipient_id FROM crm_event WHERE id > $1 "
		   "ORDER BY id LIMIT $2");
	int rc = store_bind_int(s, 1, after_id);
	rc = rc ? rc : store_bind_int(s, 2, (int64_t)max);
	while (!rc && (rc = store_step(s)) == STORE_ROW) {
		struct q_crm_event *e = &out[(*n)++];
		e->id = store_col_int(s, 0);
		e->entity_type_id = store_col_int(s, 1);
		e->entity_id = store_col_int(s, 2);
		store_col_copy(s, 3, e->action, sizeof e->action);
		e->user_id = store_col_int(s, 4); /* NULL reads 0 */
		e->recipient_id = store_col_int(s, 5);
		rc = *n < max ? STORE_OK : STORE_ROW;
	}
	store_reset(s);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int q_crm_event_bounds(struct store *st, int64_t *first_id, int64_t *last_id)
{
	struct stmt *s;
	/* Two subqueries: SQLite answers a lone MIN() or MAX() from the key's ends, but scans the
	 * table for both in one SELECT. */
	STORE_PREP(s, st,
		   "SELECT COALESCE((SELECT MIN(id) FROM crm_event), 0), COALESCE((SELECT MAX(id) FROM crm_event), 0)");
	int64_t v[2] = {0, 0};
	int rc = store_one_ints(s, v, 2);
	*first_id = v[0];
	*last_id = v[1];
	return rc;
}

int q_crm_event_trim(struct store *st, int64_t keep, const char *before)
{
	struct stmt *s;
	/* The first row young enough to keep is found walking the key upwards; after the previous
	 * trim only rows about to go lie below it, so the walk is short. */
	STORE_PREP(s, st,
		   "DELETE FROM crm_event WHERE id <= (SELECT COALESCE(MAX(id), 0) FROM crm_event) - $1 "
		   "OR id < (SELECT id FROM crm_event WHERE created >= $2 ORDER BY id LIMIT 1) "
		   "OR id < (SELECT COALESCE(MAX(id), 0) FROM crm_event) AND NOT EXISTS "
		   "(SELECT 1 FROM crm_event WHERE created >= $2)");
	int rc = store_bind_int(s, 1, keep);
	rc = rc ? rc : store_bind_text(s, 2, before);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}
