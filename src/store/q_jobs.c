/* q_jobs.c — the SQL of the job queue (q_jobs.h): insert, claim with a lease, completion,
 * retry bookkeeping, lookup, and the test kinds' log. The claim is one UPDATE … RETURNING over
 * the jobs_due index, so taking the oldest due job and leasing it is a single statement. */
#include "store/q_jobs.h"
#include "store/store.h"
#include "core/util.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *dup_or_abort(const char *s)
{
	char *d = strdup(s);
	if (!d)
		abort();
	return d;
}

void q_job_release(struct q_job *j)
{
	free(j->kind);
	free(j->payload);
	free(j->state);
	free(j->last_error);
	free(j->created_at);
	free(j->finished_at);
	memset(j, 0, sizeof *j);
}

int q_jobs_insert(struct store *st, const char *kind, const char *payload, int64_t due_at, int64_t *id)
{
	char now[32];
	db_time_utc(time(NULL), now, sizeof now);
	struct stmt *s = store_prepare(st, "INSERT INTO jobs (kind, payload, due_at, created_at) "
					   "VALUES ($1, $2, $3, $4) RETURNING id");
	if (!s)
		return STORE_ERROR;
	int rc;
	if ((rc = store_bind_text(s, 1, kind)) || (rc = store_bind_text(s, 2, payload)) ||
	    (rc = store_bind_int(s, 3, due_at)) || (rc = store_bind_text(s, 4, now)))
		goto out;
	rc = store_step(s);
	if (rc != STORE_ROW) {
		if (rc == STORE_OK)
			rc = STORE_ERROR;
		goto out;
	}
	*id = store_col_int(s, 0);
	rc = store_exec_stmt(s); /* run the statement to its end */
out:
	store_reset(s);
	return rc;
}

int q_jobs_claim(struct store *st, const char *owner, int64_t now, int64_t lease_until, struct q_job *out)
{
	memset(out, 0, sizeof *out);
	/* The outer conditions repeat the inner ones: under PostgreSQL's READ COMMITTED a second
	 * claimer blocked on the row re-checks them against the first claimer's update and takes
	 * nothing (SQLite's BEGIN IMMEDIATE already serialises claims). */
	struct stmt *s = store_prepare(
		st, "UPDATE jobs SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 "
		    "WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND due_at <= $3 AND lease_until < $3 "
		    "ORDER BY due_at, id LIMIT 1) AND state = 'queued' AND lease_until < $3 "
		    "RETURNING id, kind, payload, attempts, max_attempts");
	if (!s)
		return STORE_ERROR;
	int rc;
	if ((rc = store_bind_text(s, 1, owner)) || (rc = store_bind_int(s, 2, lease_until)) ||
	    (rc = store_bind_int(s, 3, now)))
		goto out;
	rc = store_step(s);
	if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
		goto out;
	}
	if (rc != STORE_ROW)
		goto out;
	out->id = store_col_int(s, 0);
	out->kind = dup_or_abort(store_col_text(s, 1));
	out->payload = dup_or_abort(store_col_text(s, 2));
	out->attempts = store_col_int(s, 3);
	out->max_attempts = store_col_int(s, 4);
	rc = store_exec_stmt(s);
	if (rc)
		q_job_release(out);
out:
	store_reset(s);
	return rc;
}

int q_jobs_due_exists(struct store *st, int64_t now, bool *yes)
{
	*yes = false;
	struct stmt *s = store_prepare(st, "SELECT 1 FROM jobs WHERE state = 'queued' AND due_at <= $1 "
					   "AND lease_until < $1 LIMIT 1");
	if (!s)
		return STORE_ERROR;
	int rc = store_bind_int(s, 1, now);
	if (rc)
		goto out;
	rc = store_step(s);
	if (rc == STORE_ROW) {
		*yes = true;
		rc = STORE_OK;
	}
out:
	store_reset(s); /* ends the read, so the snapshot does not pin the WAL */
	return rc;
}

/* Steps an UPDATE guarded by the lease; STORE_NOTFOUND when it touched nothing. */
static int exec_guarded(struct store *st, struct stmt *s)
{
	int rc = store_exec_stmt(s);
	if (rc)
		return rc;
	return store_last_changes(st) == 1 ? STORE_OK : STORE_NOTFOUND;
}

int q_jobs_lease_held(struct store *st, int64_t id, const char *owner)
{
	struct stmt *s = store_prepare(st, "SELECT 1 FROM jobs WHERE id = $1 AND lease_owner = $2 AND state = 'queued'");
	if (!s)
		return STORE_ERROR;
	int rc;
	if ((rc = store_bind_int(s, 1, id)) || (rc = store_bind_text(s, 2, owner)))
		goto out;
	rc = store_step(s);
	if (rc == STORE_ROW)
		rc = STORE_OK;
	else if (rc == STORE_OK)
		rc = STORE_NOTFOUND;
out:
	store_reset(s);
	return rc;
}

int q_jobs_mark_done(struct store *st, int64_t id, const char *owner)
{
	char now[32];
	db_time_utc(time(NULL), now, sizeof now);
	struct stmt *s = store_prepare(st, "UPDATE jobs SET state = 'done', finished_at = $3, lease_until = 0 "
					   "WHERE id = $1 AND lease_owner = $2 AND state = 'queued'");
	if (!s)
		return STORE_ERROR;
	int rc;
	if ((rc = store_bind_int(s, 1, id)) || (rc = store_bind_text(s, 2, owner)) ||
	    (rc = store_bind_text(s, 3, now))) {
		store_reset(s);
		return rc;
	}
	return exec_guarded(st, s);
}

int q_jobs_mark_retry(struct store *st, int64_t id, const char *owner, const char *err, int64_t due_at,
		      bool give_up)
{
	char now[32];
	db_time_utc(time(NULL), now, sizeof now);
	struct stmt *s = store_prepare(
		st, "UPDATE jobs SET last_error = $3, due_at = $4, lease_until = 0, "
		    "state = CASE WHEN $5 = 1 THEN 'failed' ELSE 'queued' END, "
		    "finished_at = CASE WHEN $5 = 1 THEN $6 ELSE NULL END "
		    "WHERE id = $1 AND lease_owner = $2 AND state = 'queued'");
	if (!s)
		return STORE_ERROR;
	int rc;
	if ((rc = store_bind_int(s, 1, id)) || (rc = store_bind_text(s, 2, owner)) ||
	    (rc = store_bind_text(s, 3, err)) || (rc = store_bind_int(s, 4, due_at)) ||
	    (rc = store_bind_int(s, 5, give_up ? 1 : 0)) || (rc = store_bind_text(s, 6, now))) {
		store_reset(s);
		return rc;
	}
	return exec_guarded(st, s);
}

int q_jobs_get(struct store *st, int64_t id, struct q_job *out)
{
	memset(out, 0, sizeof *out);
	struct stmt *s = store_prepare(st, "SELECT id, kind, payload, state, attempts, max_attempts, due_at, "
					   "last_error, created_at, finished_at FROM jobs WHERE id = $1");
	if (!s)
		return STORE_ERROR;
	int rc = store_bind_int(s, 1, id);
	if (rc)
		goto out;
	rc = store_step(s);
	if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
		goto out;
	}
	if (rc != STORE_ROW)
		goto out;
	out->id = store_col_int(s, 0);
	out->kind = dup_or_abort(store_col_text(s, 1));
	out->payload = dup_or_abort(store_col_text(s, 2));
	out->state = dup_or_abort(store_col_text(s, 3));
	out->attempts = store_col_int(s, 4);
	out->max_attempts = store_col_int(s, 5);
	out->due_at = store_col_int(s, 6);
	out->last_error = dup_or_abort(store_col_text(s, 7));
	out->created_at = dup_or_abort(store_col_text(s, 8));
	out->finished_at = store_col_isnull(s, 9) ? NULL : dup_or_abort(store_col_text(s, 9));
	rc = STORE_OK;
out:
	store_reset(s);
	return rc;
}

int q_jobs_test_log_add(struct store *st, int64_t job_id, const char *payload)
{
	char now[32];
	db_time_utc(time(NULL), now, sizeof now);
	struct stmt *s = store_prepare(st, "INSERT INTO job_test_log (job_id, payload, created_at) VALUES ($1, $2, $3)");
	if (!s)
		return STORE_ERROR;
	int rc;
	if ((rc = store_bind_int(s, 1, job_id)) || (rc = store_bind_text(s, 2, payload)) ||
	    (rc = store_bind_text(s, 3, now))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_jobs_test_log_count(struct store *st, int64_t job_id, int64_t *n)
{
	struct stmt *s = store_prepare(st, "SELECT COUNT(*) FROM job_test_log WHERE job_id = $1");
	if (!s)
		return STORE_ERROR;
	int rc = store_bind_int(s, 1, job_id);
	if (rc)
		goto out;
	rc = store_step(s);
	if (rc == STORE_ROW) {
		*n = store_col_int(s, 0);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_ERROR;
	}
out:
	store_reset(s);
	return rc;
}
