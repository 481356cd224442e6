/* notify.h — in-app notifications (P6, Bitrix24's im.notify.*): the one place that creates,
 * marks and deletes them, and the CRM events that make them. The REST methods (rest/im_notify.c)
 * and the CRM write paths (crm/item.c, rest/crm_timeline.c, rest/crm_activity.c) call these;
 * SQL lives in store/q_im_notify.c.
 *
 *   Transactions: every function here runs inside the caller's write transaction and writes the
 *   notification, its live event (store/q_crm_event.h: for the recipient's streams only) and any
 *   replaced ones together, so a refused or rolled-back change leaves no notification behind.
 *
 *   Ownership: a notification belongs to its recipient; the mark and delete functions act on the
 *   calling user's own (rest_caller_id) and cannot reach another user's.
 *
 *   CRM notifications (module "crm") are written in the recipient's language (users.language,
 *   "en" or else Russian) as BB code linking the item's card in the web UI, and carry params
 *   {"entityTypeId","entityId","title", …} so a client can word and link them itself. They go
 *   only to active users who may READ the item (crm/access.h decides, as for any read), never to
 *   the user making the change, and never from imports or the demo filler (im_notify_is_quiet).
 *
 * Functions return 0, or -1 with the call failed (rest_fail); memory comes from call->arena. */
#ifndef VORONKA_IM_NOTIFY_H
#define VORONKA_IM_NOTIFY_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rest/rest.h"

struct arena;

enum im_notify_type { IM_NOTIFY_CONFIRM = 1, IM_NOTIFY_FROM = 2, IM_NOTIFY_SYSTEM = 4 };

#define IM_NOTIFY_EVENTS_MAX 100 /* one live event per changed notification up to this many; more
				  * in one call are told as one event with id 0 ("read them again") */
#define IM_MENTIONS_MAX 50       /* distinct users notified from one comment */

/* A notification to store. Texts may be NULL (""). */
struct im_notify_new {
	int64_t user_id;      /* the recipient */
	int64_t author_id;    /* 0: the system */
	int type;             /* enum im_notify_type */
	const char *module, *event, *tag, *sub_tag, *title, *text;
	json_t *params;       /* borrowed; NULL: none */
};

/* Store n for its recipient. A tag replaces the recipient's earlier notifications with the same
 * tag (Bitrix24's rule). *id gets the new id, or 0 when nothing was sent because the recipient
 * does not exist or is deactivated. */
int im_notify_add(struct rest_call *call, const struct im_notify_new *n, int64_t *id);

/* The caller's own notifications. read_one: one of them read (or unread); skip_confirm leaves
 * confirmations alone (im.notify.read.list). read_from: every unread one with an id >= from_id.
 * read_all: all; *unread gets what stays unread (0 but for a race). */
int im_notify_read_one(struct rest_call *call, int64_t id, bool read, bool skip_confirm);
int im_notify_read_from(struct rest_call *call, int64_t from_id);
int im_notify_read_all(struct rest_call *call, int64_t *unread);
/* Delete one: 0, 1 when the caller has no such notification (the call untouched), or -1. */
int im_notify_delete(struct rest_call *call, int64_t id);
/* Delete the caller's notifications with this tag (is_sub: sub-tag). */
int im_notify_delete_tag(struct rest_call *call, const char *tag, bool is_sub);

/* Is this write one that must notify nobody? Imports (REST_PURPOSE_IMPORT) and internal calls
 * with no request behind them (AUTH_INTERNAL: the import job, the demo filler) would otherwise
 * send one notification per row to the users the rows are assigned to. */
bool im_notify_is_quiet(const struct rest_call *call);

/* After a CRM item was added (before NULL) or updated, in its transaction: the new responsible
 * hears "changeAssignedBy"; on a stage change the responsible hears "changeStage". Records as
 * crm_item_read gives them. */
int im_notify_crm_item(struct rest_call *call, int type_id, int64_t id, json_t *before, json_t *after);
/* After a comment was written: each user mentioned in text ([USER=5]Name[/USER]) and not in
 * old_text (NULL on add) hears "mention", but the author and the caller. */
int im_notify_crm_mentions(struct rest_call *call, int type_id, int64_t item_id, int64_t comment_id,
			   int64_t author_id, const char *text, const char *old_text);
/* After an activity was given a responsible (add, or update to another user): they hear
 * "activity". subject: the activity's. */
int im_notify_crm_activity(struct rest_call *call, int type_id, int64_t item_id, int64_t activity_id,
			   int64_t responsible_id, const char *subject);

/* Parsers of outside text (tests/fuzz/fuzz_mention.c). */
/* The distinct user ids of [USER=n]…[/USER] in text (tag names in any case), in order, at most
 * max of them; returns how many. Linear in the text. */
size_t im_mentions_parse(const char *text, int64_t *ids, size_t max);
/* BB code as HTML (CONVERT_TEXT=Y): the text escaped; [B] [I] [U] [S] pairs, [URL=…]…[/URL] and
 * [URL]…[/URL] with http(s) or site-relative addresses, [USER=n]name[/USER] as the name, line
 * breaks as <br />. Anything else stays as escaped text. NULL when the arena is full. */
char *im_bb_to_html(struct arena *a, const char *text);

#endif
