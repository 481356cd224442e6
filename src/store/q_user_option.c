/* q_user_option.c — every SQL text about user_option (q_user_option.h). */
#include "store/q_user_option.h"
#include "store/store.h"

int q_user_option_set(struct store *st, int64_t app_id, int64_t user_id, const char *name, const char *value,
		      const char *now)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO user_option (app_id, user_id, name, value, updated) VALUES ($1, $2, $3, $4, $5) "
		   "ON CONFLICT (app_id, user_id, name) DO UPDATE SET value = excluded.value, updated = excluded.updated");
	int rc = store_bind_int(s, 1, app_id);
	rc = rc ? rc : store_bind_int(s, 2, user_id);
	rc = rc ? rc : store_bind_text(s, 3, name);
	rc = rc ? rc : store_bind_text(s, 4, value);
	rc = rc ? rc : store_bind_text(s, 5, now);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

/* Walk the rows of s (name, value), binds already made. */
static int walk(struct stmt *s, q_user_option_fn fn, void *ctx, int *rows)
{
	int rc;
	*rows = 0;
	while ((rc = store_step(s)) == STORE_ROW) {
		(*rows)++;
		rc = fn(ctx, store_col_text(s, 0), store_col_text(s, 1));
		if (rc)
			break;
	}
	store_reset(s);
	return rc;
}

int q_user_option_each(struct store *st, int64_t app_id, int64_t user_id, q_user_option_fn fn, void *ctx)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT name, value FROM user_option WHERE app_id = $1 AND user_id = $2 ORDER BY name");
	int rc = store_bind_int(s, 1, app_id);
	rc = rc ? rc : store_bind_int(s, 2, user_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	int rows;
	return walk(s, fn, ctx, &rows);
}

int q_user_option_get(struct store *st, int64_t app_id, int64_t user_id, const char *name, q_user_option_fn fn,
		      void *ctx)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT name, value FROM user_option WHERE app_id = $1 AND user_id = $2 AND name = $3");
	int rc = store_bind_int(s, 1, app_id);
	rc = rc ? rc : store_bind_int(s, 2, user_id);
	rc = rc ? rc : store_bind_text(s, 3, name);
	if (rc) {
		store_reset(s);
		return rc;
	}
	int rows;
	rc = walk(s, fn, ctx, &rows);
	return rc ? rc : rows ? STORE_OK : STORE_NOTFOUND;
}
