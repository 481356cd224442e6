/* q_crm_card.h — card layouts (crm_card_config, migration 10): per item type and pipeline, the
 * common one (user 0) and users' own. All return 0 or a negative store code. */
#ifndef VORONKA_Q_CRM_CARD_H
#define VORONKA_Q_CRM_CARD_H
#include <stdint.h>

struct store;
struct arena;

/* The layout of user_id (0: common); STORE_NOTFOUND when there is none. *data: arena JSON text. */
int q_crm_card_get(struct store *st, struct arena *a, int64_t type, int64_t category, int64_t user_id,
		   const char **data);
int q_crm_card_set(struct store *st, int64_t type, int64_t category, int64_t user_id, const char *data,
		   const char *now);
/* Remove one layout (reset), or with every_user every personal one of the type and pipeline
 * (forceCommonScopeForAll). */
int q_crm_card_delete(struct store *st, int64_t type, int64_t category, int64_t user_id);
int q_crm_card_delete_personal(struct store *st, int64_t type, int64_t category);

#endif
