/* q_auth.c — every SQL text of sign-in: password hashes, failed sign-ins, sessions, webhooks.
 * The decisions (hashing, constant-time comparison, throttling limits) are in auth/auth.c. */
#include "store/q_auth.h"
#include "store/store.h"
#include <stdio.h>

/* ---- users ---- */

int q_auth_user_by_login(struct store *st, const char *login, int64_t *id, char *hash, size_t hash_n,
			 bool *is_active)
{
	struct stmt *s;
	STORE_PREP(s, st,
	     "SELECT id, password_hash, active FROM users WHERE LOWER(login) = LOWER($1) OR LOWER(email) = LOWER($1) "
	     "ORDER BY CASE WHEN LOWER(login) = LOWER($1) THEN 0 ELSE 1 END, id LIMIT 1");
	int rc = store_bind_text(s, 1, login);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		*id = store_col_int(s, 0);
		store_col_copy(s, 1, hash, hash_n);
		*is_active = store_col_int(s, 2) != 0;
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

int q_auth_user_flags(struct store *st, int64_t id, bool *is_admin, bool *is_active)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT is_admin, active FROM users WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		*is_admin = store_col_int(s, 0) != 0;
		*is_active = store_col_int(s, 1) != 0;
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

int q_auth_touch_login(struct store *st, int64_t id, const char *now_db)
{
	struct stmt *s;
	STORE_PREP(s, st, "UPDATE users SET last_login = $1, last_activity_date = $1 WHERE id = $2");
	int rc;
	if ((rc = store_bind_text(s, 1, now_db)) || (rc = store_bind_int(s, 2, id))) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

/* ---- throttling ---- */

int q_auth_lock_get(struct store *st, const char *key, int64_t *locked_until)
{
	struct stmt *s;
	*locked_until = 0;
	STORE_PREP(s, st, "SELECT locked_until FROM login_failures WHERE key = $1");
	int rc = store_bind_text(s, 1, key);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		*locked_until = store_col_int(s, 0);
		rc = STORE_OK;
	}
	store_reset(s);
	return rc;
}

int q_auth_failure_add(struct store *st, const char *key, int64_t now, int64_t window, int64_t max_failures,
		       int64_t lock, int64_t *failures, int64_t *locked_until)
{
	struct stmt *s;
	/* One statement, so that two threads counting failures of the same key never lose one.
	 * In DO UPDATE every login_failures.x is the row as it was before the update. */
	STORE_PREP(s, st,
	     "INSERT INTO login_failures (key, failures, window_start, locked_until) "
	     "VALUES ($1, 1, $2, CASE WHEN $4 <= 1 THEN $2 + $5 ELSE 0 END) "
	     "ON CONFLICT (key) DO UPDATE SET "
	     "failures = CASE WHEN login_failures.window_start <= $2 - $3 THEN 1 ELSE login_failures.failures + 1 END, "
	     "window_start = CASE WHEN login_failures.window_start <= $2 - $3 THEN $2 "
	     "ELSE login_failures.window_start END, "
	     "locked_until = CASE WHEN (CASE WHEN login_failures.window_start <= $2 - $3 THEN 1 "
	     "ELSE login_failures.failures + 1 END) >= $4 THEN $2 + $5 ELSE login_failures.locked_until END "
	     "RETURNING failures, locked_until");
	int rc;
	if ((rc = store_bind_text(s, 1, key)) || (rc = store_bind_int(s, 2, now)) || (rc = store_bind_int(s, 3, window)) ||
	    (rc = store_bind_int(s, 4, max_failures)) || (rc = store_bind_int(s, 5, lock))) {
		store_reset(s);
		return rc;
	}
	rc = store_step(s);
	if (rc == STORE_ROW) {
		*failures = store_col_int(s, 0);
		*locked_until = store_col_int(s, 1);
		rc = store_exec_stmt(s);
	} else if (rc == STORE_OK) {
		rc = STORE_ERROR;
	}
	store_reset(s);
	return rc;
}

int q_auth_failure_clear(struct store *st, const char *key)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM login_failures WHERE key = $1");
	int rc = store_bind_text(s, 1, key);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_auth_failure_purge(struct store *st, int64_t before)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM login_failures WHERE window_start < $1 AND locked_until < $1");
	int rc = store_bind_int(s, 1, before);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

/* ---- sessions ---- */

int q_auth_session_insert(struct store *st, const char *token_hash, int64_t user_id, const char *csrf,
			  const char *created_at, const char *expires_at)
{
	struct stmt *s;
	STORE_PREP(s, st,
	     "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)");
	int rc;
	if ((rc = store_bind_text(s, 1, token_hash)) || (rc = store_bind_int(s, 2, user_id)) ||
	    (rc = store_bind_text(s, 3, csrf)) || (rc = store_bind_text(s, 4, created_at)) ||
	    (rc = store_bind_text(s, 5, expires_at))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_auth_session_find(struct store *st, const char *token_hash, const char *now_db, int64_t *user_id, char *csrf,
			size_t csrf_n)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT user_id, csrf FROM sessions WHERE token_hash = $1 AND expires_at > $2");
	int rc;
	if ((rc = store_bind_text(s, 1, token_hash)) || (rc = store_bind_text(s, 2, now_db))) {
		store_reset(s);
		return rc;
	}
	rc = store_step(s);
	if (rc == STORE_ROW) {
		*user_id = store_col_int(s, 0);
		store_col_copy(s, 1, csrf, csrf_n);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

int q_auth_session_delete(struct store *st, const char *token_hash)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM sessions WHERE token_hash = $1");
	int rc = store_bind_text(s, 1, token_hash);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

int q_auth_session_purge(struct store *st, const char *now_db)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM sessions WHERE expires_at <= $1");
	int rc = store_bind_text(s, 1, now_db);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

/* ---- webhooks ---- */

int q_auth_webhook_insert(struct store *st, int64_t user_id, const char *secret_hash, const char *scopes,
			  const char *title, const char *created_at, int64_t *id)
{
	struct stmt *s;
	STORE_PREP(s, st,
	     "INSERT INTO webhooks (user_id, secret_hash, scopes, title, created_at) VALUES ($1, $2, $3, $4, $5) "
	     "RETURNING id");
	int rc;
	if ((rc = store_bind_int(s, 1, user_id)) || (rc = store_bind_text(s, 2, secret_hash)) ||
	    (rc = store_bind_text(s, 3, scopes)) || (rc = store_bind_text(s, 4, title)) ||
	    (rc = store_bind_text(s, 5, created_at))) {
		store_reset(s);
		return rc;
	}
	rc = store_step(s);
	if (rc == STORE_ROW) {
		*id = store_col_int(s, 0);
		rc = store_exec_stmt(s);
	} else if (rc == STORE_OK) {
		rc = STORE_ERROR;
	}
	store_reset(s);
	return rc;
}

int q_auth_webhook_each_live(struct store *st, int64_t user_id,
			     int (*fn)(void *ctx, int64_t id, const char *secret_hash, const char *scopes), void *ctx)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT id, secret_hash, scopes FROM webhooks WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id");
	int rc = store_bind_int(s, 1, user_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	while ((rc = store_step(s)) == STORE_ROW)
		if (fn(ctx, store_col_int(s, 0), store_col_text(s, 1), store_col_text(s, 2))) {
			rc = STORE_OK;
			break;
		}
	store_reset(s);
	return rc;
}

int q_auth_webhook_revoke(struct store *st, int64_t id, const char *now_db)
{
	struct stmt *s;
	STORE_PREP(s, st, "UPDATE webhooks SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL");
	int rc;
	if ((rc = store_bind_text(s, 1, now_db)) || (rc = store_bind_int(s, 2, id))) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

int q_auth_webhook_owner(struct store *st, int64_t id, int64_t *user_id)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT user_id FROM webhooks WHERE id = $1 AND revoked_at IS NULL");
	int rc = store_bind_int(s, 1, id);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		*user_id = store_col_int(s, 0);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

int q_auth_webhook_list(struct store *st, int64_t user_id, void (*fn)(void *ctx, const struct q_auth_webhook *w),
			void *ctx)
{
	struct stmt *s;
	STORE_PREP(s, st,
	     "SELECT id, user_id, scopes, title, created_at FROM webhooks "
	     "WHERE revoked_at IS NULL AND ($1 = 0 OR user_id = $1) ORDER BY id");
	int rc = store_bind_int(s, 1, user_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	while ((rc = store_step(s)) == STORE_ROW) {
		struct q_auth_webhook w = {
			.id = store_col_int(s, 0),
			.user_id = store_col_int(s, 1),
			.scopes = store_col_text(s, 2),
			.title = store_col_text(s, 3),
			.created_at = store_col_text(s, 4),
		};
		fn(ctx, &w);
	}
	store_reset(s);
	return rc;
}
