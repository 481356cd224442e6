/* q_crm_event.h — the change log the events stream (P9) reads: one row per added, changed or
 * deleted CRM item, written by the write path (crm/item.c) in the item's transaction, and one
 * per notification added, read, unread or deleted (im/notify.c, P6: recipient_id set), read by
 * every server process (so several processes sharing PostgreSQL all see every change). All
 * return 0 or a negative store code.
 *
 * Ids only grow: the trim never deletes the newest row, so a reader's cursor (the last id it
 * saw, the SSE Last-Event-ID) stays meaningful. On SQLite writers are serialised, so ids commit
 * in order and "id > cursor" misses nothing; a PostgreSQL backend must read up to the oldest
 * transaction still in flight instead (sequence values can commit out of order). */
#ifndef VORONKA_Q_CRM_EVENT_H
#define VORONKA_Q_CRM_EVENT_H
#include <stddef.h>
#include <stdint.h>

struct store;

#define Q_CRM_EVENT_KEEP 100000       /* rows kept at least… */
#define Q_CRM_EVENT_MAX_AGE 86400     /* …and none older than a day beyond them */
#define Q_CRM_EVENT_TRIM_EVERY 512    /* the write path trims once per this many events */

/* One row of crm_event. */
struct q_crm_event {
	int64_t id;
	int64_t entity_type_id;
	int64_t entity_id;
	char action[8];      /* add | update | delete */
	int64_t user_id;     /* 0: the system */
	int64_t recipient_id; /* 0: a CRM change (entity_type_id, entity_id); else a notification event
			       * (P6): entity_id is the notification, for this user's streams only */
};

/* action: "add", "update" or "delete". user_id 0: the system. Every Q_CRM_EVENT_TRIM_EVERY
 * events it also trims the table (q_crm_event_trim), in the same transaction. */
int q_crm_event_add(struct store *st, int64_t entity_type_id, int64_t entity_id, const char *action, int64_t user_id);
/* A notification event (P6) for recipient's streams only: notify_id 0 means "several changed,
 * read them again" (im.notify.read.all). action: add | read | unread | delete. Trims as above. */
int q_crm_event_notify(struct store *st, int64_t recipient_id, int64_t notify_id, const char *action,
		       int64_t user_id);
/* Up to max events with id > after_id, oldest first, into out; *n gets how many. */
int q_crm_event_since(struct store *st, int64_t after_id, struct q_crm_event *out, size_t max, size_t *n);
/* The newest id and the oldest one kept (both 0 when the table is empty). */
int q_crm_event_bounds(struct store *st, int64_t *first_id, int64_t *last_id);
/* Delete every row but the newest `keep`, and rows created before `before` (UTC db time,
 * "YYYY-MM-DD hh:mm:ss"); the newest row always stays. */
int q_crm_event_trim(struct store *st, int64_t keep, const char *before);

#endif
