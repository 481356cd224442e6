/* q_crm_activity.h — the SQL of CRM activities (C6): calls, meetings, to-dos, e-mails
 * (crm_activity, migration 6) and their communications (crm_activity_communication). The
 * descriptor is what crm.activity.list filters, sorts and shows; inserts and updates of the
 * activity row go through the engine (query_insert / query_update over the descriptor), the rest
 * through the fixed statements below. All return 0 or a negative store code; lookups that find
 * nothing return STORE_NOTFOUND. */
#ifndef VORONKA_Q_CRM_ACTIVITY_H
#define VORONKA_Q_CRM_ACTIVITY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store/query.h"

struct store;
struct arena;

extern const struct query_entity q_crm_activity_entity; /* crm_activity, as crm.activity.list shows it */

/* What an update needs to know of the row it changes. Times are stored text ("" when unset). */
struct q_crm_activity_brief {
	int64_t owner_type_id;
	int64_t owner_id;
	int64_t type_id;
	int64_t responsible_id; /* 0: none */
	char start_time[24];
	char end_time[24];
};
int q_crm_activity_brief(struct store *st, int64_t id, struct q_crm_activity_brief *out);
/* The row and its communications. */
int q_crm_activity_delete(struct store *st, int64_t id);

/* One communication (crm.activity.communication.fields). */
struct q_crm_comm {
	int64_t id;
	int64_t entity_type_id;
	int64_t entity_id;
	const char *type;  /* PHONE, EMAIL or "" */
	const char *value;
};
int q_crm_activity_comm_clear(struct store *st, int64_t activity_id);
int q_crm_activity_comm_add(struct store *st, int64_t activity_id, const struct q_crm_comm *c);
/* An activity's communications in id order; texts and the array from the arena. */
int q_crm_activity_comms(struct store *st, struct arena *a, int64_t activity_id, struct q_crm_comm **out, size_t *n);

#endif
