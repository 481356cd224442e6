/* q_crm_event.h — the change log the events stream (P9) reads: one row per added, changed or
 * deleted CRM item, written by the write path (crm/item.c) in the item's transaction, read by
 * every server process (so several processes sharing PostgreSQL all see every change). All
 * return 0 or a negative store code. */
#ifndef VORONKA_Q_CRM_EVENT_H
#define VORONKA_Q_CRM_EVENT_H
#include <stdint.h>

struct store;

/* action: "add", "update" or "delete". user_id 0: the system. */
int q_crm_event_add(struct store *st, int64_t entity_type_id, int64_t entity_id, const char *action, int64_t user_id);

#endif
