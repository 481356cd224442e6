/* q_portal.c — SQL of the portal settings. */
#include "store/q_portal.h"
#include "store/store.h"

int q_portal_each(struct store *st, void (*fn)(const char *key, const char *value, void *ctx), void *ctx)
{
	struct stmt *s = store_prepare(st, "SELECT key, value FROM portal_settings ORDER BY key");
	if (!s)
		return STORE_ERROR;
	int rc;
	while ((rc = store_step(s)) == STORE_ROW)
		fn(store_col_text(s, 0), store_col_text(s, 1), ctx);
	store_reset(s);
	return rc;
}

int q_portal_set(struct store *st, const char *key, const char *value)
{
	struct stmt *s = store_prepare(st, "INSERT INTO portal_settings (key, value) VALUES ($1, $2) "
					   "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	if (!s)
		return STORE_ERROR;
	int rc = store_bind_text(s, 1, key);
	if (!rc)
		rc = store_bind_text(s, 2, value);
	if (!rc)
		rc = store_exec_stmt(s);
	return rc;
}
