/* q_crm_import.c — every SQL text of CRM imports (q_crm_import.h): a batch job's result written
 * over its payload, and a batch read without its rows (a queued batch's payload is its data, up
 * to megabytes, which a status poll must not read). */
#include "store/q_crm_import.h"
#include "store/store.h"
#include "core/arena.h"

int q_crm_import_set_result(struct store *st, int64_t job_id, const char *result)
{
	struct stmt *s;
	STORE_PREP(s, st, "UPDATE jobs SET payload = $2 WHERE id = $1 AND kind = 'crm.import'");
	int rc = store_bind_int(s, 1, job_id);
	rc = rc ? rc : store_bind_text(s, 2, result);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

int q_crm_import_batch_get(struct store *st, struct arena *a, int64_t job_id, struct q_crm_import_batch *out)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT state, attempts, last_error, CASE WHEN state = 'done' THEN payload ELSE '' END "
		   "FROM jobs WHERE id = $1 AND kind = 'crm.import'");
	int rc = store_bind_int(s, 1, job_id);
	rc = rc ? rc : store_step(s);
	if (rc == STORE_ROW) {
		out->state = arena_strdup(a, store_col_text(s, 0));
		out->attempts = store_col_int(s, 1);
		out->last_error = arena_strdup(a, store_col_text(s, 2));
		out->result = arena_strdup(a, store_col_text(s, 3));
		rc = out->state && out->last_error && out->result ? STORE_OK : STORE_TOOBIG;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}
