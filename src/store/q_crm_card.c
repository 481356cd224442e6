/* q_crm_card.c — every SQL text about card layouts (q_crm_card.h). */
#include "store/q_crm_card.h"
#include "store/store.h"
#include "core/arena.h"

static int bind3(struct stmt *s, int64_t type, int64_t category, int64_t user_id)
{
	int rc = store_bind_int(s, 1, type);
	if (!rc)
		rc = store_bind_int(s, 2, category);
	if (!rc)
		rc = store_bind_int(s, 3, user_id);
	return rc;
}

int q_crm_card_get(struct store *st, struct arena *a, int64_t type, int64_t category, int64_t user_id,
		   const char **data)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT data FROM crm_card_config WHERE entity_type_id = $1 AND category_id = $2 AND user_id = $3");
	int rc = bind3(s, type, category, user_id);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		*data = arena_strdup(a, store_col_text(s, 0));
		rc = *data ? STORE_OK : STORE_TOOBIG;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

int q_crm_card_set(struct store *st, int64_t type, int64_t category, int64_t user_id, const char *data,
		   const char *now)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO crm_card_config (entity_type_id, category_id, user_id, data, updated) VALUES ($1, $2, "
		   "$3, $4, $5) ON CONFLICT (entity_type_id, category_id, user_id) DO UPDATE SET data = excluded.data, "
		   "updated = excluded.updated");
	int rc = bind3(s, type, category, user_id);
	if (!rc)
		rc = store_bind_text(s, 4, data);
	if (!rc)
		rc = store_bind_text(s, 5, now);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_card_delete(struct store *st, int64_t type, int64_t category, int64_t user_id)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_card_config WHERE entity_type_id = $1 AND category_id = $2 AND user_id = $3");
	int rc = bind3(s, type, category, user_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_card_delete_personal(struct store *st, int64_t type, int64_t category)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_card_config WHERE entity_type_id = $1 AND category_id = $2 AND user_id <> 0");
	int rc = store_bind_int(s, 1, type);
	if (!rc)
		rc = store_bind_int(s, 2, category);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}
