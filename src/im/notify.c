/* notify.c — in-app notifications (notify.h): storing, marking and deleting them with their live
 * events, the CRM notifications (who hears what, in which words), and the two parsers of outside
 * text they need (mentions, and BB code to HTML). */
#include "im/notify.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/util.h"
#include "crm/access.h"
#include "crm/crm.h"
#include "crm/item.h"
#include "store/q_crm_event.h"
#include "store/q_im_notify.h"
#include "store/store.h"
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static int oom(struct rest_call *call)
{
	return rest_fail(call, ERR_INTERNAL, "Out of memory");
}

/* ---- the live events: one row of crm_event per change, for the recipient's streams ---- */

static int tell(struct rest_call *call, int64_t recipient, int64_t id, const char *action)
{
	int rc = q_crm_event_notify(call->st, recipient, id, action, rest_caller_id(call));
	return rc ? rest_fail_store(call, rc) : 0;
}

/* n ids changed (the first shown of them in ids): one event each, or one with id 0 when there
 * are more than a client should re-read one by one. */
static int tell_many(struct rest_call *call, int64_t recipient, const int64_t *ids, size_t n, const char *action)
{
	if (n > IM_NOTIFY_EVENTS_MAX)
		return tell(call, recipient, 0, action);
	for (size_t i = 0; i < n; i++)
		if (tell(call, recipient, ids[i], action))
			return -1;
	return 0;
}

/* ---- storing ---- */

/* Store n for a recipient already known to be there. */
static int store_new(struct rest_call *call, const struct im_notify_new *n, int64_t *id)
{
	struct q_im_notify row = {.user_id = n->user_id, .author_id = n->author_id, .notify_type = n->type,
				  .module = n->module, .event = n->event, .tag = n->tag, .sub_tag = n->sub_tag,
				  .title = n->title, .text = n->text};
	db_time_utc(time(NULL), row.created, sizeof row.created);
	if (n->params) {
		char *p = json_dumps(n->params, JSON_COMPACT);
		row.params = p ? arena_strdup(call->arena, p) : NULL;
		free(p);
		if (!row.params)
			return oom(call);
	}
	int rc;
	if (n->tag && *n->tag) { /* the tag's earlier notifications of this recipient go */
		int64_t gone[IM_NOTIFY_EVENTS_MAX];
		size_t n_gone;
		rc = q_im_notify_delete_tag(call->st, n->user_id, n->tag, false, gone, IM_NOTIFY_EVENTS_MAX, &n_gone);
		if (rc)
			return rest_fail_store(call, rc);
		if (tell_many(call, n->user_id, gone, n_gone, "delete"))
			return -1;
	}
	rc = q_im_notify_insert(call->st, &row, id);
	if (rc)
		return rest_fail_store(call, rc);
	return tell(call, n->user_id, *id, "add");
}

/* The recipient as a notification needs them: 0 and *u, 1 when there is no such active user. */
static int recipient(struct rest_call *call, int64_t user_id, struct q_im_notify_user *u)
{
	int rc = user_id > 0 ? q_im_notify_user(call->st, user_id, u) : STORE_NOTFOUND;
	if (rc == STORE_NOTFOUND)
		return 1;
	if (rc)
		return rest_fail_store(call, rc);
	return u->is_active ? 0 : 1;
}

int im_notify_add(struct rest_call *call, const struct im_notify_new *n, int64_t *id)
{
	*id = 0;
	struct q_im_notify_user u;
	int rc = recipient(call, n->user_id, &u);
	if (rc)
		return rc < 0 ? -1 : 0;
	return store_new(call, n, id);
}

/* ---- read marks and deletions of the caller's own ---- */

int im_notify_read_one(struct rest_call *call, int64_t id, bool read, bool skip_confirm)
{
	int64_t me = rest_caller_id(call);
	bool changed;
	int rc = q_im_notify_mark_one(call->st, me, id, read, skip_confirm, &changed);
	if (rc)
		return rest_fail_store(call, rc);
	return changed ? tell(call, me, id, read ? "read" : "unread") : 0;
}

int im_notify_read_from(struct rest_call *call, int64_t from_id)
{
	int64_t me = rest_caller_id(call), ids[IM_NOTIFY_EVENTS_MAX];
	size_t n;
	int rc = q_im_notify_mark_from(call->st, me, from_id, ids, IM_NOTIFY_EVENTS_MAX, &n);
	if (rc)
		return rest_fail_store(call, rc);
	return tell_many(call, me, ids, n, "read");
}

int im_notify_read_all(struct rest_call *call, int64_t *unread)
{
	int64_t me = rest_caller_id(call), n, total;
	int rc = q_im_notify_mark_all(call->st, me, &n);
	rc = rc ? rc : q_im_notify_counts(call->st, me, &total, unread);
	if (rc)
		return rest_fail_store(call, rc);
	return n ? tell(call, me, 0, "read") : 0; /* id 0: all of them */
}

int im_notify_delete(struct rest_call *call, int64_t id)
{
	int64_t me = rest_caller_id(call);
	int rc = q_im_notify_delete_one(call->st, me, id);
	if (rc == STORE_NOTFOUND)
		return 1;
	if (rc)
		return rest_fail_store(call, rc);
	return tell(call, me, id, "delete");
}

int im_notify_delete_tag(struct rest_call *call, const char *tag, bool is_sub)
{
	int64_t me = rest_caller_id(call), ids[IM_NOTIFY_EVENTS_MAX];
	size_t n;
	int rc = q_im_notify_delete_tag(call->st, me, tag, is_sub, ids, IM_NOTIFY_EVENTS_MAX, &n);
	if (rc)
		return rest_fail_store(call, rc);
	return tell_many(call, me, ids, n, "delete");
}

/* ---- CRM notifications ---- */

bool im_notify_is_quiet(const struct rest_call *call)
{
	return call->purpose == REST_PURPOSE_IMPORT || !call->auth || call->auth->kind == AUTH_INTERNAL;
}

/* The words of each CRM event per item type: {1} is the item's title linked to its card, {2}
 * the stage's name or the activity's subject. */
static const struct crm_words {
	const char *event;
	int type_id;
	const char *ru, *en;
} crm_words[] = {
	{"changeAssignedBy", CRM_LEAD, "Вам назначен лид «{1}»",
	 "You have been assigned the lead \"{1}\""},
	{"changeAssignedBy", CRM_DEAL, "Вам назначена сделка «{1}»",
	 "You have been assigned the deal \"{1}\""},
	{"changeAssignedBy", CRM_CONTACT, "Вам назначен контакт «{1}»",
	 "You have been assigned the contact \"{1}\""},
	{"changeAssignedBy", CRM_COMPANY, "Вам назначена компания «{1}»",
	 "You have been assigned the company \"{1}\""},
	{"changeStage", CRM_LEAD, "Лид «{1}» переведён на стадию «{2}»",
	 "The lead \"{1}\" moved to the stage \"{2}\""},
	{"changeStage", CRM_DEAL, "Сделка «{1}» переведена на стадию «{2}»",
	 "The deal \"{1}\" moved to the stage \"{2}\""},
	{"mention", CRM_LEAD, "упомянул(а) вас в комментарии к лиду «{1}»",
	 "mentioned you in a comment on the lead \"{1}\""},
	{"mention", CRM_DEAL, "упомянул(а) вас в комментарии к сделке «{1}»",
	 "mentioned you in a comment on the deal \"{1}\""},
	{"mention", CRM_CONTACT, "упомянул(а) вас в комментарии к контакту «{1}»",
	 "mentioned you in a comment on the contact \"{1}\""},
	{"mention", CRM_COMPANY, "упомянул(а) вас в комментарии к компании «{1}»",
	 "mentioned you in a comment on the company \"{1}\""},
	{"activity", CRM_LEAD, "Вам назначено дело «{2}» по лиду «{1}»",
	 "You have been assigned the activity \"{2}\" on the lead \"{1}\""},
	{"activity", CRM_DEAL, "Вам назначено дело «{2}» по сделке «{1}»",
	 "You have been assigned the activity \"{2}\" on the deal \"{1}\""},
	{"activity", CRM_CONTACT, "Вам назначено дело «{2}» по контакту «{1}»",
	 "You have been assigned the activity \"{2}\" on the contact \"{1}\""},
	{"activity", CRM_COMPANY, "Вам назначено дело «{2}» по компании «{1}»",
	 "You have been assigned the activity \"{2}\" on the company \"{1}\""},
};

static const struct crm_words *words_of(const char *event, int type_id)
{
	for (size_t i = 0; i < sizeof crm_words / sizeof crm_words[0]; i++)
		if (crm_words[i].type_id == type_id && !strcmp(crm_words[i].event, event))
			return &crm_words[i];
	return NULL;
}

/* Text put inside BB code: brackets become parentheses, so that a title like "[/URL]" cannot
 * close or open markup (the exact title travels in params). */
static void put_plain(struct buf *b, const char *s, int *rc)
{
	for (; *s && !*rc; s++) {
		char c = *s == '[' ? '(' : *s == ']' ? ')' : *s;
		*rc = buf_append(b, &c, 1);
	}
}

static void put_raw(struct buf *b, const char *s, int *rc)
{
	if (!*rc)
		*rc = buf_append(b, s, strlen(s));
}

/* The template with {1} as [URL=card]title[/URL] and {2} as extra, in the arena. */
static char *crm_text(struct rest_call *call, const char *tmpl, const struct crm_type *t, int64_t id,
		      const char *title, const char *extra)
{
	struct buf b;
	buf_init(&b, 1u << 16);
	int rc = 0;
	char url[96];
	/* The web UI's card over the type's list (web/src/router.js: #/{type}/list?open={type}/{id}). */
	snprintf(url, sizeof url, "[URL=/#/%s/list?open=%s/%" PRId64 "]", t->lower, t->lower, id);
	for (const char *p = tmpl; *p && !rc;) {
		if (!strncmp(p, "{1}", 3)) {
			put_raw(&b, url, &rc);
			put_plain(&b, title, &rc);
			put_raw(&b, "[/URL]", &rc);
			p += 3;
		} else if (!strncmp(p, "{2}", 3)) {
			put_plain(&b, extra ? extra : "", &rc);
			p += 3;
		} else {
			rc = buf_append(&b, p++, 1);
		}
	}
	char *out = rc ? NULL : arena_strdup(call->arena, b.len ? b.data : "");
	buf_release(&b);
	return out;
}

static int64_t rec_int(json_t *rec, const char *name)
{
	json_t *v = json_object_get(rec, name);
	int64_t i = 0;
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v))
		parse_i64(json_string_value(v), &i);
	return i;
}

static const char *rec_text(json_t *rec, const char *name)
{
	const char *s = json_string_value(json_object_get(rec, name));
	return s ? s : "";
}

/* What people call the item: its TITLE, a contact's name, else "Сделка #5". */
static const char *item_title(struct rest_call *call, const struct crm_type *t, int64_t id, json_t *rec)
{
	const char *title = rec_text(rec, "TITLE");
	if (*title)
		return title;
	const char *name = rec_text(rec, "NAME"), *last = rec_text(rec, "LAST_NAME");
	if (*name || *last)
		return arena_printf(call->arena, "%s%s%s", name, *name && *last ? " " : "", last);
	return arena_printf(call->arena, "%s #%" PRId64, t->title_ru, id);
}

/* One CRM notification being sent. */
struct crm_note {
	const struct crm_type *t;
	int64_t item_id;
	json_t *record;       /* the item as it is now (rights are judged on it) */
	const char *title;    /* item_title() */
	int64_t author_id;    /* who caused it */
	const char *event;    /* a crm_words event */
	const char *extra;    /* {2}: a stage name, an activity subject */
	const char *tag;      /* replaces the recipient's earlier one of the same kind */
	json_t *params;       /* entityTypeId, entityId, title and the event's own */
};

/* May this user read the item? Their own rights, loaded as the events stream loads a stream's:
 * the caller's rights say nothing about what the recipient may see. */
static int may_read(struct rest_call *call, int64_t user_id, bool is_admin, const struct crm_note *n, bool *ok)
{
	struct crm_rights *r;
	int rc = crm_rights_load(call->st, call->arena, user_id, is_admin, &r);
	if (rc)
		return rest_fail_store(call, rc);
	struct rest_auth auth = {.kind = AUTH_INTERNAL, .user_id = user_id, .is_admin = is_admin};
	struct rest_call as = {.arena = call->arena, .st = call->st, .srv = call->srv, .auth = &auth, .crm_rights = r};
	struct crm_ctx x = {.call = &as, .t = n->t};
	*ok = crm_access_item(&x, CRM_OP_READ, n->record, NULL) == 0; /* a refusal fails `as` alone */
	return 0;
}

static int crm_send(struct rest_call *call, int64_t user_id, const struct crm_note *n)
{
	if (user_id <= 0 || user_id == rest_caller_id(call) || user_id == n->author_id)
		return 0; /* no one is told of their own doing */
	struct q_im_notify_user u;
	int rc = recipient(call, user_id, &u);
	if (rc)
		return rc < 0 ? -1 : 0;
	bool ok = false;
	if (may_read(call, user_id, u.is_admin, n, &ok))
		return -1;
	if (!ok)
		return 0; /* the item is hidden from them: not a word of it */
	const struct crm_words *w = words_of(n->event, n->t->id);
	const char *text = w ? crm_text(call, strcmp(u.language, "en") ? w->ru : w->en, n->t, n->item_id, n->title,
					n->extra)
			     : NULL;
	if (!text)
		return oom(call);
	char sub_tag[64];
	snprintf(sub_tag, sizeof sub_tag, "CRM|%s|%" PRId64, n->t->name, n->item_id);
	struct im_notify_new nn = {.user_id = user_id, .author_id = n->author_id,
				   .type = n->author_id > 0 ? IM_NOTIFY_FROM : IM_NOTIFY_SYSTEM, .module = "crm",
				   .event = n->event, .tag = n->tag, .sub_tag = sub_tag, .title = "", .text = text,
				   .params = n->params};
	int64_t id;
	return store_new(call, &nn, &id);
}

/* The note's common part: the item's type, id, record, title, params and tag. */
static int note_init(struct rest_call *call, struct crm_note *n, int type_id, int64_t id, json_t *record,
		     const char *event)
{
	n->t = crm_type_by_id(type_id);
	if (!n->t)
		return 1; /* not an item type: nothing to tell */
	n->item_id = id;
	n->record = record;
	n->title = item_title(call, n->t, id, record);
	n->author_id = rest_caller_id(call);
	n->event = event;
	n->tag = arena_printf(call->arena, "CRM|%s|%" PRId64 "|%s", n->t->name, id, event);
	n->params = rest_own(call, json_pack("{s:i,s:I,s:s}", "entityTypeId", type_id, "entityId", (json_int_t)id,
					     "title", n->title ? n->title : ""));
	return n->title && n->tag && n->params ? 0 : oom(call);
}

/* The item as it is now, read in the caller's transaction (no rights asked: each recipient's
 * are, in crm_send). */
static json_t *item_now(struct rest_call *call, int type_id, int64_t id)
{
	struct crm_ctx x = {.call = call, .t = crm_type_by_id(type_id)};
	return x.t ? crm_item_read(&x, id) : NULL;
}

/* The stage the item was moved to by this write; NULL when it was not moved (or was just made). */
static const char *moved_to(const struct crm_type *t, json_t *before, json_t *after)
{
	const char *sf = t->stage_field;
	if (!sf || !before)
		return NULL;
	const char *was = rec_text(before, sf), *now = rec_text(after, sf);
	return *now && strcmp(was, now) ? now : NULL;
}

static int stage_note(struct rest_call *call, struct crm_note *n, const char *now, json_t *after, int64_t resp)
{
	char list[40], name[256];
	crm_stage_list(n->t, rec_int(after, "CATEGORY_ID"), list, sizeof list);
	int rc = q_im_notify_stage_name(call->st, list, now, name, sizeof name);
	if (rc)
		return rest_fail_store(call, rc);
	n->extra = arena_strdup(call->arena, *name ? name : now);
	n->event = "changeStage";
	n->tag = arena_printf(call->arena, "CRM|%s|%" PRId64 "|changeStage", n->t->name, n->item_id);
	if (!n->extra || !n->tag || json_object_set_new(n->params, "stageId", json_string(now)))
		return oom(call);
	return crm_send(call, resp, n);
}

int im_notify_crm_item(struct rest_call *call, int type_id, int64_t id, json_t *before, json_t *after)
{
	const struct crm_type *t = crm_type_by_id(type_id);
	if (!t || im_notify_is_quiet(call))
		return 0;
	int64_t resp = rec_int(after, "ASSIGNED_BY_ID");
	bool reassigned = resp != (before ? rec_int(before, "ASSIGNED_BY_ID") : 0);
	const char *stage = reassigned ? NULL : moved_to(t, before, after);
	/* This runs on every write, and most change neither: nothing is prepared for those. */
	if (!reassigned && !stage)
		return 0;
	struct crm_note n = {0};
	int rc = note_init(call, &n, type_id, id, after, "changeAssignedBy");
	if (rc)
		return rc < 0 ? -1 : 0;
	if (reassigned)
		return crm_send(call, resp, &n); /* a new responsible: being given it says it all */
	return stage_note(call, &n, stage, after, resp);
}

int im_notify_crm_mentions(struct rest_call *call, int type_id, int64_t item_id, int64_t comment_id,
			   int64_t author_id, const char *text, const char *old_text)
{
	if (im_notify_is_quiet(call))
		return 0;
	int64_t ids[IM_MENTIONS_MAX], old[IM_MENTIONS_MAX];
	size_t n = im_mentions_parse(text, ids, IM_MENTIONS_MAX);
	size_t n_old = old_text ? im_mentions_parse(old_text, old, IM_MENTIONS_MAX) : 0;
	struct crm_note note = {0};
	for (size_t i = 0; i < n; i++) {
		bool was = false;
		for (size_t j = 0; j < n_old && !was; j++)
			was = old[j] == ids[i];
		if (was)
			continue; /* mentioned before this edit: told then */
		if (!note.t) { /* the item is read once, on the first mention to send */
			json_t *rec = item_now(call, type_id, item_id);
			if (!rec)
				return -1;
			int rc = note_init(call, &note, type_id, item_id, rec, "mention");
			if (rc)
				return rc < 0 ? -1 : 0;
			note.author_id = author_id;
			note.tag = arena_printf(call->arena, "CRM|COMMENT|%" PRId64 "|mention", comment_id);
			if (!note.tag || json_object_set_new(note.params, "commentId", json_integer(comment_id)))
				return oom(call);
		}
		if (crm_send(call, ids[i], &note))
			return -1;
	}
	return 0;
}

int im_notify_crm_activity(struct rest_call *call, int type_id, int64_t item_id, int64_t activity_id,
			   int64_t responsible_id, const char *subject)
{
	if (im_notify_is_quiet(call) || responsible_id <= 0 || responsible_id == rest_caller_id(call))
		return 0;
	json_t *rec = item_now(call, type_id, item_id);
	if (!rec)
		return -1;
	struct crm_note n = {0};
	int rc = note_init(call, &n, type_id, item_id, rec, "activity");
	if (rc)
		return rc < 0 ? -1 : 0;
	n.extra = subject ? subject : "";
	n.tag = arena_printf(call->arena, "CRM|ACTIVITY|%" PRId64 "|activity", activity_id);
	if (!n.tag || json_object_set_new(n.params, "activityId", json_integer(activity_id)) ||
	    json_object_set_new(n.params, "subject", json_string(n.extra)))
		return oom(call);
	return crm_send(call, responsible_id, &n);
}

/* ---- parsers of outside text ---- */

/* Does s start with the tag name (ASCII, any case)? */
static bool starts_ci(const char *s, const char *name)
{
	return strncasecmp(s, name, strlen(name)) == 0;
}

size_t im_mentions_parse(const char *text, int64_t *ids, size_t max)
{
	size_t n = 0;
	if (!text)
		return 0;
	const char *close = NULL; /* the next "[/USER]" at or after p; found again only once passed */
	for (const char *p = strchr(text, '['); p && n < max; p = strchr(p + 1, '[')) {
		if (!starts_ci(p, "[USER="))
			continue;
		const char *d = p + 6;
		size_t k = strspn(d, "0123456789");
		if (k == 0 || k > 18 || d[k] != ']')
			continue;
		if (!close || close < d + k) {
			close = strcasestr(d + k, "[/USER]");
			if (!close)
				break; /* no closing tag after here: no more mentions */
		}
		int64_t id;
		char num[20];
		memcpy(num, d, k);
		num[k] = 0;
		if (parse_i64(num, &id) || id <= 0)
			continue;
		bool dup = false;
		for (size_t i = 0; i < n && !dup; i++)
			dup = ids[i] == id;
		if (!dup)
			ids[n++] = id;
	}
	return n;
}

#define BB_DEPTH 8             /* nested markup converted; deeper stays text */
#define BB_OUT_MAX (16u << 20) /* bytes of HTML: escaping grows a text at most sixfold */

/* The HTML writer's state. no_close[i]: pair i has no closing tag in [from, end), so that a text
 * full of unclosed openings is searched once per pair and level, not once per opening. */
struct bb {
	struct buf out;
	int rc;
	struct {
		const char *from, *end;
	} no_close[7]; /* the pairs of bb_pairs, then [USER=n] */
};

static const struct bb_pair {
	const char *open, *close, *html_open, *html_close;
} bb_pairs[] = {
	{"[B]", "[/B]", "<b>", "</b>"},	    {"[I]", "[/I]", "<i>", "</i>"},
	{"[U]", "[/U]", "<u>", "</u>"},	    {"[S]", "[/S]", "<s>", "</s>"},
	{"[URL]", "[/URL]", NULL, "</a>"}, {"[URL=", "[/URL]", NULL, "</a>"},
};

static void bb_put(struct bb *b, const char *s, size_t n)
{
	if (!b->rc)
		b->rc = buf_append(&b->out, s, n);
}

static void bb_escape(struct bb *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': bb_put(b, "&amp;", 5); break;
		case '<': bb_put(b, "&lt;", 4); break;
		case '>': bb_put(b, "&gt;", 4); break;
		case '"': bb_put(b, "&quot;", 6); break;
		case '\'': bb_put(b, "&#39;", 5); break;
		case '\n': bb_put(b, "<br />", 6); break;
		default: bb_put(b, &s[i], 1);
		}
	}
}

/* An address we link to: http(s) or this site's own path; no scripts, no other schemes, no
 * spaces or control characters (a line break would become markup). */
static bool url_ok(const char *s, size_t n)
{
	if (n == 0 || memchr(s, '"', n) || memchr(s, '<', n) || memchr(s, '>', n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return false;
	if (s[0] == '/')
		return n == 1 || s[1] != '/';
	return (n > 7 && !strncasecmp(s, "http://", 7)) || (n > 8 && !strncasecmp(s, "https://", 8));
}

/* The first case-insensitive occurrence of needle in [s, end), or NULL. */
static const char *find_ci(const char *s, const char *end, const char *needle)
{
	size_t k = strlen(needle);
	for (const char *p = s; p + k <= end; p++) {
		p = memchr(p, '[', (size_t)(end - p));
		if (!p || p + k > end)
			return NULL;
		if (!strncasecmp(p, needle, k))
			return p;
	}
	return NULL;
}

static void bb_convert(struct bb *b, const char *s, const char *end, int depth);

#define BB_USER 6 /* no_close's slot of [USER=n] */

/* The closing tag of kind i in [from, end), remembering where there is none. */
static const char *find_close(struct bb *b, size_t i, const char *from, const char *end, const char *tag)
{
	if (b->no_close[i].from && from >= b->no_close[i].from && end <= b->no_close[i].end)
		return NULL;
	const char *close = find_ci(from, end, tag);
	if (!close) {
		b->no_close[i].from = from;
		b->no_close[i].end = end;
	}
	return close;
}

/* [B]…[/B] and the like at p: 0 when it is not one (p is then plain text), else bytes used. */
static size_t bb_pair_at(struct bb *b, const char *p, const char *end, int depth)
{
	for (size_t i = 0; i < sizeof bb_pairs / sizeof bb_pairs[0]; i++) {
		const struct bb_pair *pr = &bb_pairs[i];
		size_t ko = strlen(pr->open);
		if ((size_t)(end - p) < ko || strncasecmp(p, pr->open, ko))
			continue;
		const char *inner = p + ko, *addr = NULL;
		size_t n_addr = 0;
		if (pr->open[ko - 1] == '=') { /* [URL=addr] */
			const char *rb = memchr(inner, ']', (size_t)(end - inner));
			if (!rb)
				return 0;
			addr = inner;
			n_addr = (size_t)(rb - inner);
			inner = rb + 1;
		}
		const char *close = find_close(b, i, inner, end, pr->close);
		if (!close)
			return 0;
		if (!pr->html_open) { /* a link: its address given, or its text */
			if (!addr) {
				addr = inner;
				n_addr = (size_t)(close - inner);
			}
			if (!url_ok(addr, n_addr))
				return 0;
			bb_put(b, "<a href=\"", 9);
			bb_escape(b, addr, n_addr);
			bb_put(b, "\" target=\"_blank\">", 18);
		} else {
			bb_put(b, pr->html_open, strlen(pr->html_open));
		}
		bb_convert(b, inner, close, depth + 1);
		bb_put(b, pr->html_close, strlen(pr->html_close));
		return (size_t)(close + strlen(pr->close) - p);
	}
	return 0;
}

/* [USER=n]name[/USER] at p: the name alone; 0 when it is not one. */
static size_t bb_user_at(struct bb *b, const char *p, const char *end, int depth)
{
	if ((size_t)(end - p) < 6 || strncasecmp(p, "[USER=", 6))
		return 0;
	const char *rb = memchr(p + 6, ']', (size_t)(end - p - 6));
	if (!rb || rb == p + 6 || strspn(p + 6, "0123456789") != (size_t)(rb - p - 6))
		return 0;
	const char *close = find_close(b, BB_USER, rb + 1, end, "[/USER]");
	if (!close)
		return 0;
	bb_convert(b, rb + 1, close, depth + 1);
	return (size_t)(close + 7 - p);
}

static void bb_convert(struct bb *b, const char *s, const char *end, int depth)
{
	const char *plain = s, *p = s;
	while (p < end && !b->rc && (p = memchr(p, '[', (size_t)(end - p)))) {
		bb_escape(b, plain, (size_t)(p - plain)); /* the text before comes before any markup */
		plain = p;
		size_t used = 0;
		if (depth < BB_DEPTH) {
			used = bb_pair_at(b, p, end, depth);
			if (!used)
				used = bb_user_at(b, p, end, depth);
		}
		p += used ? used : 1;
		if (used)
			plain = p;
	}
	bb_escape(b, plain, (size_t)(end - plain));
}

char *im_bb_to_html(struct arena *a, const char *text)
{
	struct bb b = {.rc = 0};
	buf_init(&b.out, BB_OUT_MAX);
	size_t n = text ? strlen(text) : 0;
	if (n)
		bb_convert(&b, text, text + n, 0);
	char *out = b.rc ? NULL : arena_strndup(a, b.out.len ? b.out.data : "", b.out.len);
	buf_release(&b.out);
	return out;
}
