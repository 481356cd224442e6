/* q_im_notify.h — every SQL text about notifications (P6, Bitrix24's im.notify.*): the im_notify
 * table (migration 13), and the few facts about users and stages a notification's text needs.
 * The domain (im/notify.c) decides who gets what; these functions only store and read. All
 * return 0 or a negative store code; texts given back come from the arena passed.
 *
 * Every function that reads or changes notifications takes the recipient: no statement here
 * touches another user's rows, so a caller cannot reach them by passing someone else's id. */
#ifndef VORONKA_Q_IM_NOTIFY_H
#define VORONKA_Q_IM_NOTIFY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct arena;

/* One notification. */
struct q_im_notify {
	int64_t id;
	int64_t user_id;      /* the recipient */
	int64_t author_id;    /* 0: the system */
	char created[24];     /* "YYYY-MM-DD hh:mm:ss" UTC */
	int notify_type;      /* 1 confirm, 2 from a user, 4 system */
	const char *module;   /* "crm", "rest" */
	const char *event;    /* "changeAssignedBy", "mention", "rest_notify", … */
	const char *tag;      /* "" when none */
	const char *sub_tag;
	const char *title;
	const char *text;     /* BB code */
	const char *params;   /* a JSON object's text; NULL: none */
	bool is_read;
};

/* Insert n (its id and is_read are ignored: new ones are unread); *id gets the new id. */
int q_im_notify_insert(struct store *st, const struct q_im_notify *n, int64_t *id);

/* What a page or a search asks of one user's notifications, newest first. */
struct q_im_notify_filter {
	int64_t user_id;             /* the recipient: always set */
	int64_t before_id;           /* > 0: ids below it only (keyset paging) */
	int confirm;                 /* -1 every type; 1 confirmations only; 0 all but confirmations */
	const char *text;            /* words found in the title or text, any case; NULL: any */
	const char *const *types;    /* each "module" or "module|event"; any of them matches */
	size_t n_types;
	const int64_t *authors;      /* any of these authors */
	size_t n_authors;
	const char *from, *to;       /* created in [from, to) (db time); NULL: open */
	const char *tag;             /* the tag equal to this; NULL: any */
	int64_t limit;               /* rows of a page */
};
/* A page: up to f->limit rows into *out (arena), *n of them. */
int q_im_notify_list(struct store *st, struct arena *a, const struct q_im_notify_filter *f, struct q_im_notify **out,
		     size_t *n);
/* How many rows the filter matches (its before_id and limit ignored). */
int q_im_notify_count(struct store *st, struct arena *a, const struct q_im_notify_filter *f, int64_t *n);
/* All of a user's notifications, and the unread ones (the bell). */
int q_im_notify_counts(struct store *st, int64_t user_id, int64_t *total, int64_t *unread);
int q_im_notify_unread(struct store *st, int64_t user_id, int64_t *unread);
/* Has the user any confirmation (type 1)? Pages ask before looking for them. */
int q_im_notify_has_confirm(struct store *st, int64_t user_id, bool *has);

/* Mark one notification read (read true) or unread; skip_confirm leaves confirmations as they
 * are. *changed: it was the other way before. A missing or foreign id changes nothing. */
int q_im_notify_mark_one(struct store *st, int64_t user_id, int64_t id, bool read, bool skip_confirm, bool *changed);
/* Mark read every unread notification with an id >= from_id: up to max changed ids into ids,
 * *n counts them all. */
int q_im_notify_mark_from(struct store *st, int64_t user_id, int64_t from_id, int64_t *ids, size_t max, size_t *n);
/* Mark read all of them; *n gets how many changed. */
int q_im_notify_mark_all(struct store *st, int64_t user_id, int64_t *n);

/* Delete one; STORE_NOTFOUND when the user has no such notification. */
int q_im_notify_delete_one(struct store *st, int64_t user_id, int64_t id);
/* Delete those with this tag (is_sub: this sub_tag): up to max ids into ids, *n counts all. */
int q_im_notify_delete_tag(struct store *st, int64_t user_id, const char *tag, bool is_sub, int64_t *ids, size_t max,
			   size_t *n);

/* What a notification needs to know of a user (its recipient, or an author in `users`). */
struct q_im_notify_user {
	char name[128], last_name[128], email[256], language[8];
	char gender[8], birthday[32], photo[512], position[256], www[256];
	char work_phone[64], inner_phone[64], mobile[64], user_type[16], last_activity[24];
	bool is_active, is_admin;
};
/* STORE_NOTFOUND when there is no such user. */
int q_im_notify_user(struct store *st, int64_t id, struct q_im_notify_user *out);
/* The name of a stage (status_id in the reference list `list`: "STATUS", "DEAL_STAGE_3"); "" when
 * unknown. */
int q_im_notify_stage_name(struct store *st, const char *list, const char *status_id, char *out, size_t n);

#endif
