/* q_crm_timeline.h — the SQL of a CRM item's timeline (C6): comments (crm_timeline_comment,
 * migration 6), the merged page of comments and activities the card shows, and the owner's
 * LAST_ACTIVITY_TIME / LAST_ACTIVITY_BY stamp that every comment and activity write leaves.
 * All return 0 or a negative store code; lookups that find nothing return STORE_NOTFOUND.
 *
 * Comments keep their files as JSON text in `files` (a list of {id, name, size, type, width,
 * height, date, authorId, authorName}) until a drive exists; rest/crm_timeline.c owns that format. */
#ifndef VORONKA_Q_CRM_TIMELINE_H
#define VORONKA_Q_CRM_TIMELINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store/query.h"

struct store;
struct arena;

/* crm_timeline_comment as crm.timeline.comment.list shows it (ENTITY_TYPE is the type id; the
 * REST side turns it into "deal" and back). */
extern const struct query_entity q_crm_timeline_comment_entity;

/* The facts about a comment the write path checks: its owner, its author (0: none) and files. */
struct q_crm_comment_brief {
	int64_t entity_type_id;
	int64_t entity_id;
	int64_t author_id;
	char *files; /* the files JSON, from the arena given */
};
int q_crm_timeline_comment_brief(struct store *st, struct arena *a, int64_t id, struct q_crm_comment_brief *out);
/* author_id 0 stores NULL; now is "YYYY-MM-DD hh:mm:ss" UTC (created and updated). */
int q_crm_timeline_comment_insert(struct store *st, int64_t entity_type_id, int64_t entity_id, int64_t author_id,
				  const char *comment, const char *files, const char *now, int64_t *id);
/* comment or files NULL: kept as they are. */
int q_crm_timeline_comment_update(struct store *st, int64_t id, const char *comment, const char *files,
				  const char *now);
int q_crm_timeline_comment_delete(struct store *st, int64_t id);
int q_crm_timeline_comment_pin(struct store *st, int64_t id, bool pinned);

/* Stamp the owner item's last_activity_time / last_activity_by (user_id 0 stores NULL). The table
 * comes from a fixed list by type id; an unknown type or a missing item is STORE_NOTFOUND. */
int q_crm_timeline_touch_owner(struct store *st, int64_t entity_type_id, int64_t entity_id, const char *now,
			       int64_t user_id);

/* The merged timeline of one item: pinned comments first, then comments and activities newest
 * first (ties: activities before comments, higher id first). */
struct q_crm_timeline_entry {
	bool is_activity;
	int64_t id;
};
int q_crm_timeline_count(struct store *st, int64_t entity_type_id, int64_t entity_id, int64_t *n);
/* At most limit entries from offset, into an arena array. */
int q_crm_timeline_page(struct store *st, struct arena *a, int64_t entity_type_id, int64_t entity_id, int64_t offset,
			int64_t limit, struct q_crm_timeline_entry **out, size_t *n);

#endif
