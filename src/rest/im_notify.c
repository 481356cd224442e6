/* im_notify.c — Bitrix24's notification methods (P6): im.notify.get, im.notify.history.search,
 * im.notify.read / read.list / read.all, im.notify.delete, im.notify.personal.add /
 * system.add / im.notify, and im.counters.get (its NOTIFY count; Voronka has no chats, so the
 * chat counters are 0). The rules (who gets what, tags, live events) are im/notify.c's.
 *
 * Every method acts for the calling user on their own notifications: reads filter by them,
 * marks and deletes name them in SQL, so another user's notification is "not found", never
 * shown. Sending (personal.add, system.add, im.notify) may address any active user, as in
 * Bitrix24. Voronka keeps one notification stream per user instead of a system chat: the
 * recipient's user id stands for its `chat_id`. */
#include "rest/rest.h"
#include "core/arena.h"
#include "core/util.h"
#include "im/notify.h"
#include "rest/filter.h"
#include "store/q_im_notify.h"
#include "store/q_user.h"
#include "store/store.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define IM_PAGE_MAX 50           /* LIMIT's default and ceiling (Bitrix24's) */
#define IM_MESSAGE_MAX 65536     /* bytes of MESSAGE */
#define IM_TAG_MAX 255           /* bytes of TAG, SUB_TAG, GROUP_TAG */
#define IM_ATTACH_MAX (30 * 1024) /* Bitrix24's ceiling on ATTACH */
#define IM_IDS_MAX 1000          /* IDS of one im.notify.read.list */
#define IM_SEARCH_TYPES_MAX 50   /* SEARCH_TYPES entries */
#define IM_SEARCH_AUTHORS_MAX 100
#define IM_SEARCH_TEXT_MIN 3     /* characters of SEARCH_TEXT when nothing else narrows */
#define IM_USER_DEPTS_MAX 64

static int oom(struct rest_call *call)
{
	return rest_fail(call, ERR_INTERNAL, "Out of memory");
}

/* The calling user: 0, or -1 with the call failed (an internal call without a user). */
static int me(struct rest_call *call, int64_t *uid)
{
	*uid = rest_caller_id(call);
	return *uid > 0 ? 0 : rest_fail(call, ERR_ACCESS_DENIED, "Access denied: a user is required");
}

/* A parameter given with a value (not absent, null or ""). */
static json_t *given(struct rest_call *call, const char *name)
{
	json_t *v = rest_param(call, name);
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return NULL;
	return v;
}

/* A given parameter as text (numbers printed); NULL when absent, a list or an object. */
static const char *given_text(struct rest_call *call, const char *name)
{
	json_t *v = given(call, name);
	return v && !json_is_object(v) && !json_is_array(v) ? rest_json_text(call, v) : NULL;
}

/* LAST_ID: 0 when absent; a number, or LAST_ID_STRING. */
static int last_id_param(struct rest_call *call, int64_t *last_id)
{
	*last_id = 0;
	json_t *v = given(call, "LAST_ID");
	if (!v)
		return 0;
	if (json_is_integer(v)) {
		*last_id = json_integer_value(v);
		return 0;
	}
	const char *s = rest_json_text(call, v);
	if (!s || parse_i64(s, last_id))
		return rest_fail(call, ERR_IM_LAST_ID_STRING, "Last notification ID can't be string");
	return 0;
}

/* LIMIT: 1..50, anything else 50. */
static int64_t limit_param(struct rest_call *call)
{
	int64_t n = rest_pos_int(rest_param(call, "LIMIT"));
	return n > 0 && n < IM_PAGE_MAX ? n : IM_PAGE_MAX;
}

static bool is_yes(json_t *v)
{
	return rest_json_bool(v) == 1;
}

/* ---- the rows as Bitrix24 shows them ---- */

static json_t *row_json(struct rest_call *call, const struct q_im_notify *r, bool convert)
{
	const char *text = convert ? im_bb_to_html(call->arena, r->text) : r->text;
	const char *setting = arena_printf(call->arena, "%s|%s", r->module, r->event);
	if (!text || !setting)
		return NULL;
	json_t *params = r->params ? json_loads(r->params, 0, NULL) : NULL;
	return json_pack("{s:I,s:I,s:I,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "id", (json_int_t)r->id, "chat_id",
			 (json_int_t)r->user_id, "author_id", (json_int_t)r->author_id, "date",
			 rest_db_time_iso(call, r->created), "notify_type", r->notify_type, "notify_module", r->module,
			 "notify_event", r->event, "notify_tag", r->tag, "notify_sub_tag", r->sub_tag, "notify_title",
			 r->title, "setting_name", setting, "text", text, "notify_read", r->is_read ? "Y" : "N", "params",
			 json_is_object(params) ? params : (json_decref(params), json_null()));
}

/* A stable colour per user, from Bitrix24's palette. */
static const char *user_color(int64_t id)
{
	static const char *const palette[] = {"#df532d", "#4ba984", "#ab7761", "#29619b", "#728f7a",
					      "#ba9c7b", "#e8a441", "#556574", "#909090", "#5e5f5e",
					      "#1eb4aa", "#f76187"};
	return palette[(uint64_t)id % (sizeof palette / sizeof palette[0])];
}

/* "1990-05-15" as Bitrix24's "15-05"; NULL when there is none. */
static const char *birthday(struct rest_call *call, const char *b)
{
	if (strlen(b) < 10 || b[4] != '-' || b[7] != '-')
		return NULL;
	return arena_printf(call->arena, "%.2s-%.2s", b + 8, b + 5);
}

static json_t *phones_json(const struct q_im_notify_user *u)
{
	json_t *p = json_object();
	if (*u->work_phone)
		json_object_set_new(p, "work_phone", json_string(u->work_phone));
	if (*u->mobile)
		json_object_set_new(p, "personal_mobile", json_string(u->mobile));
	if (*u->inner_phone)
		json_object_set_new(p, "inner_phone", json_string(u->inner_phone));
	if (json_object_size(p))
		return p;
	json_decref(p);
	return json_false();
}

/* One author as the `users` list shows them; NULL when the user is gone (left out). */
static json_t *user_json(struct rest_call *call, int64_t id)
{
	struct q_im_notify_user u;
	if (q_im_notify_user(call->st, id, &u))
		return NULL;
	int64_t depts[IM_USER_DEPTS_MAX];
	size_t n_depts = 0;
	q_user_departments(call->st, id, depts, IM_USER_DEPTS_MAX, &n_depts);
	json_t *d = json_array();
	for (size_t i = 0; i < n_depts; i++)
		json_array_append_new(d, json_integer(depts[i]));
	const char *full = arena_printf(call->arena, "%s%s%s", u.name, *u.name && *u.last_name ? " " : "", u.last_name);
	const char *bday = birthday(call, u.birthday);
	const char *seen = *u.last_activity ? rest_db_time_iso(call, u.last_activity) : NULL;
	bool extranet = !strcmp(u.user_type, "extranet");
	return json_pack("{s:I,s:b,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:b,s:b,s:b,s:b,s:s,s:s,s:b,s:o,s:b,s:b,s:b,"
			 "s:o,s:o,s:n,s:s,s:s,s:s}",
			 "id", (json_int_t)id, "active", u.is_active, "name", full ? full : "", "first_name", u.name,
			 "last_name", u.last_name, "work_position", u.position, "color", user_color(id), "avatar", u.photo,
			 "avatar_hr", u.photo, "gender", strcmp(u.gender, "F") ? "M" : "F", "birthday",
			 bday ? json_string(bday) : json_false(), "extranet", extranet, "network", 0, "bot", 0,
			 "connector", 0, "external_auth_id", "default", "status", "online", "idle", 0,
			 "last_activity_date", seen ? json_string(seen) : json_false(), "mobile_last_date", 0,
			 "desktop_last_date", 0, "absent", 0, "departments", d, "phones", phones_json(&u), "bot_data",
			 "type", extranet ? "extranet" : "user", "website", u.www, "email", u.email);
}

/* The rows and their authors into result's "notifications" and "users". */
static int rows_into(struct rest_call *call, json_t *result, const struct q_im_notify *rows, size_t n, bool convert)
{
	json_t *list = json_array(), *users = json_array();
	json_object_set_new(result, "notifications", list);
	json_object_set_new(result, "users", users);
	for (size_t i = 0; i < n; i++) {
		json_t *row = row_json(call, &rows[i], convert);
		if (!row || json_array_append_new(list, row))
			return oom(call);
		bool seen = rows[i].author_id <= 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = rows[j].author_id == rows[i].author_id;
		json_t *u = seen ? NULL : user_json(call, rows[i].author_id);
		if (u)
			json_array_append_new(users, u);
	}
	return 0;
}

/* ---- im.notify.get ---- */

/* LAST_ID and LAST_TYPE, checked: both or neither. */
static int cursor_params(struct rest_call *call, int64_t *last_id, int64_t *last_type)
{
	if (last_id_param(call, last_id))
		return -1;
	json_t *t = given(call, "LAST_TYPE");
	if (!given(call, "LAST_ID") != !t)
		return rest_fail(call, ERR_IM_LAST_ID_AND_TYPE, "Parameters LAST_ID and LAST_TYPE should be used together.");
	*last_type = t ? rest_pos_int(t) : 0;
	return 0;
}

/* The page: confirmations first, then the rest, as far as the limit goes. A cursor in the
 * confirmation stage (LAST_TYPE 1) continues there and then starts the rest from the top; one
 * in the regular stage (3, and any other value) continues the rest. */
static int get_page(struct rest_call *call, int64_t uid, int64_t last_id, int64_t last_type, int64_t limit,
		    struct q_im_notify **rows, size_t *n)
{
	struct q_im_notify_filter f = {.user_id = uid, .limit = limit};
	struct q_im_notify *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	bool in_confirms = !last_id || last_type == 1, has_confirm = false;
	int rc = in_confirms ? q_im_notify_has_confirm(call->st, uid, &has_confirm) : 0;
	if (!rc && has_confirm) {
		f.confirm = 1;
		f.before_id = last_id;
		rc = q_im_notify_list(call->st, call->arena, &f, &a, &na);
	}
	if (!rc && (int64_t)na < limit) {
		f.confirm = 0;
		f.before_id = in_confirms ? 0 : last_id;
		f.limit = limit - (int64_t)na;
		rc = q_im_notify_list(call->st, call->arena, &f, &b, &nb);
	}
	if (rc)
		return rest_fail_store(call, rc);
	*rows = arena_alloc(call->arena, (na + nb + 1) * sizeof **rows);
	if (!*rows)
		return oom(call);
	if (na)
		memcpy(*rows, a, na * sizeof *a);
	if (nb)
		memcpy(*rows + na, b, nb * sizeof *b);
	*n = na + nb;
	return 0;
}

int rest_im_notify_get(struct rest_call *call)
{
	int64_t uid, last_id = 0, last_type = 0, total, unread;
	if (me(call, &uid) || cursor_params(call, &last_id, &last_type))
		return -1;
	struct q_im_notify *rows;
	size_t n = 0;
	if (get_page(call, uid, last_id, last_type, limit_param(call), &rows, &n))
		return -1;
	int rc = q_im_notify_counts(call->st, uid, &total, &unread);
	if (rc)
		return rest_fail_store(call, rc);
	json_t *result = rest_own(call, json_object());
	if (!result)
		return oom(call);
	/* Bitrix24 leaves the counts and chat out for a user with no notifications at all. */
	if (total > 0) {
		json_object_set_new(result, "total_count", json_integer(total));
		json_object_set_new(result, "total_unread_count", json_integer(unread));
		json_object_set_new(result, "chat_id", json_integer(uid));
	}
	if (rows_into(call, result, rows, n, is_yes(rest_param(call, "CONVERT_TEXT"))))
		return -1;
	call->result = json_incref(result);
	return 0;
}

/* ---- im.notify.history.search ---- */

/* A list parameter of strings or numbers; NULL and *n 0 when absent; -1 when not a list. */
static json_t *list_param(struct rest_call *call, const char *name, size_t max, size_t *n)
{
	json_t *v = given(call, name);
	*n = 0;
	if (!v)
		return NULL;
	if (!json_is_array(v)) {
		rest_fail(call, ERR_ARGUMENT, "%s must be an array", name);
		return NULL;
	}
	*n = json_array_size(v);
	if (*n > max) {
		rest_fail(call, ERR_ARGUMENT, "%s: at most %zu values", name, max);
		return NULL;
	}
	return v;
}

/* ISO 8601 (or a date) as stored time; -1 with ERROR_ARGUMENT naming the parameter. */
static int date_param(struct rest_call *call, const char *name, const char *s, time_t *t)
{
	if (!s || parse_iso8601(s, t))
		return rest_fail(call, ERR_ARGUMENT, "%s: expected a date in ISO 8601 (RFC 3339)", name);
	return 0;
}

static const char *db_time(struct rest_call *call, time_t t)
{
	char buf[32];
	db_time_utc(t, buf, sizeof buf);
	return arena_strdup(call->arena, buf);
}

/* SEARCH_DATE: that calendar day, in the offset the date is written in. */
static int search_day(struct rest_call *call, const char *s, struct q_im_notify_filter *f)
{
	time_t from;
	if (!s || strlen(s) < 10)
		return date_param(call, "SEARCH_DATE", NULL, &from);
	const char *zone = strlen(s) > 19 ? s + 19 : "";
	zone += strspn(zone, ".0123456789"); /* fractions of a second */
	const char *midnight = arena_printf(call->arena, "%.10sT00:00:00%s", s, zone);
	if (!midnight)
		return oom(call);
	if (date_param(call, "SEARCH_DATE", midnight, &from))
		return -1;
	f->from = db_time(call, from);
	f->to = db_time(call, from + 86400);
	return f->from && f->to ? 0 : oom(call);
}

/* The types: SEARCH_TYPE and the SEARCH_TYPES list, each "MODULE" or "MODULE|EVENT". */
static int search_types(struct rest_call *call, struct q_im_notify_filter *f)
{
	size_t n;
	json_t *list = list_param(call, "SEARCH_TYPES", IM_SEARCH_TYPES_MAX, &n);
	if (!list && call->err_desc)
		return -1;
	const char **types = arena_alloc(call->arena, (n + 1) * sizeof *types);
	if (!types)
		return oom(call);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(list, i));
		if (s && *s)
			types[k++] = s;
	}
	const char *one = given_text(call, "SEARCH_TYPE");
	if (one)
		types[k++] = one;
	f->types = types;
	f->n_types = k;
	return 0;
}

static int search_authors(struct rest_call *call, struct q_im_notify_filter *f)
{
	size_t n;
	json_t *list = list_param(call, "SEARCH_AUTHORS", IM_SEARCH_AUTHORS_MAX, &n);
	if (!list && call->err_desc)
		return -1;
	int64_t *ids = arena_alloc(call->arena, (n + 1) * sizeof *ids);
	if (!ids)
		return oom(call);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(list, i);
		int64_t id = json_is_integer(v) ? json_integer_value(v) : rest_pos_int(v);
		ids[f->n_authors++] = id; /* 0: the system's */
	}
	f->authors = ids;
	return 0;
}

/* The search's filter from its parameters; *narrowed: something besides the text narrows it. */
static int search_filter(struct rest_call *call, struct q_im_notify_filter *f, bool *narrowed)
{
	if (search_types(call, f) || search_authors(call, f))
		return -1;
	const char *day = rest_param_str(call, "SEARCH_DATE");
	json_t *from_v = given(call, "SEARCH_DATE_FROM"), *to_v = given(call, "SEARCH_DATE_TO");
	bool has_day = given(call, "SEARCH_DATE") != NULL, has_range = from_v && to_v;
	if (has_day && search_day(call, day, f))
		return -1;
	if (!has_day && has_range) {
		time_t from, to;
		if (date_param(call, "SEARCH_DATE_FROM", rest_json_text(call, from_v), &from) ||
		    date_param(call, "SEARCH_DATE_TO", rest_json_text(call, to_v), &to))
			return -1;
		f->from = db_time(call, from);
		f->to = db_time(call, to + 1); /* the end is included */
		if (!f->from || !f->to)
			return oom(call);
	}
	const char *tag = given_text(call, "GROUP_TAG");
	if (tag && strlen(tag) > IM_TAG_MAX)
		return rest_fail(call, ERR_ARGUMENT, "GROUP_TAG is longer than %d bytes", IM_TAG_MAX);
	f->tag = tag;
	*narrowed = f->n_types || f->n_authors || has_day || has_range;
	return 0;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int rest_im_notify_history_search(struct rest_call *call)
{
	int64_t uid, last_id;
	if (me(call, &uid) || last_id_param(call, &last_id))
		return -1;
	struct q_im_notify_filter f = {.user_id = uid, .confirm = -1, .limit = limit_param(call)};
	bool narrowed = false;
	if (search_filter(call, &f, &narrowed))
		return -1;
	const char *text = rest_param_str(call, "SEARCH_TEXT");
	text = text ? text + strspn(text, " \t\r\n") : "";
	if (!narrowed && utf8_chars(text) < IM_SEARCH_TEXT_MIN)
		return rest_fail(call, ERR_IM_SEARCH_TEXT, "SEARCH_TEXT can't be less than 3 symbols");
	f.text = *text ? text : NULL;
	f.before_id = last_id;
	struct q_im_notify *rows;
	size_t n;
	int64_t total = 0;
	int rc = q_im_notify_list(call->st, call->arena, &f, &rows, &n);
	if (!rc && last_id <= 0) /* the total comes with the first page only */
		rc = q_im_notify_count(call->st, call->arena, &f, &total);
	if (rc)
		return rest_fail_store(call, rc);
	json_t *result = rest_own(call, json_object());
	if (!result)
		return oom(call);
	json_object_set_new(result, "chat_id", json_integer(uid));
	if (last_id <= 0)
		json_object_set_new(result, "total_results", json_integer(total));
	if (rows_into(call, result, rows, n, is_yes(rest_param(call, "CONVERT_TEXT"))))
		return -1;
	call->result = json_incref(result);
	return 0;
}

/* ---- read marks ---- */

int rest_im_notify_read(struct rest_call *call)
{
	int64_t uid, id = rest_pos_int(rest_param(call, "ID"));
	if (me(call, &uid))
		return -1;
	if (!id)
		return rest_fail(call, ERR_IM_PARAMS, "Notification ID can't be empty");
	bool only = is_yes(rest_param(call, "ONLY_CURRENT"));
	if (rest_tx_begin(call))
		return -1;
	int failed = only ? im_notify_read_one(call, id, true, false) : im_notify_read_from(call, id);
	if (rest_tx_end(call, failed))
		return -1;
	call->result = json_true();
	return 0;
}

int rest_im_notify_read_list(struct rest_call *call)
{
	int64_t uid;
	if (me(call, &uid))
		return -1;
	json_t *ids = rest_param(call, "IDS");
	if (!json_is_array(ids) || !json_array_size(ids))
		return rest_fail(call, ERR_IM_PARAMS, "No IDS param or it is not an array");
	if (json_array_size(ids) > IM_IDS_MAX)
		return rest_fail(call, ERR_IM_PARAMS, "IDS: at most %d identifiers", IM_IDS_MAX);
	json_t *action = rest_param(call, "ACTION");
	bool read = !action || rest_json_bool(action) != 0; /* Y by default; N marks unread */
	if (rest_tx_begin(call))
		return -1;
	int failed = 0;
	for (size_t i = 0; i < json_array_size(ids) && !failed; i++) {
		int64_t id = rest_pos_int(json_array_get(ids, i));
		if (id)
			failed = im_notify_read_one(call, id, read, true);
	}
	if (rest_tx_end(call, failed))
		return -1;
	call->result = json_true();
	return 0;
}

int rest_im_notify_read_all(struct rest_call *call)
{
	int64_t uid, unread = 0;
	if (me(call, &uid) || rest_tx_begin(call) || rest_tx_end(call, im_notify_read_all(call, &unread)))
		return -1;
	call->result = json_pack("{s:b,s:I}", "result", 1, "newCounter", (json_int_t)unread);
	return 0;
}

/* ---- delete ---- */

int rest_im_notify_delete(struct rest_call *call)
{
	int64_t uid, id = rest_pos_int(rest_param(call, "ID"));
	if (me(call, &uid))
		return -1;
	const char *tag = given_text(call, "TAG"), *sub = given_text(call, "SUB_TAG");
	if (!id && !tag && !sub)
		return rest_fail(call, ERR_IM_PARAMS, "Error deleting notification");
	if (rest_tx_begin(call))
		return -1;
	int rc = id ? im_notify_delete(call, id) : im_notify_delete_tag(call, tag ? tag : sub, !tag);
	if (rest_tx_end(call, rc < 0))
		return -1;
	if (rc > 0) /* not the caller's, or not there */
		return rest_fail(call, ERR_IM_PARAMS, "Error deleting notification");
	call->result = json_true();
	return 0;
}

/* ---- sending ---- */

/* ATTACH: an object or list, or its JSON text, at most 30 KB; kept in params. */
static int attach_param(struct rest_call *call, json_t **params)
{
	json_t *v = given(call, "ATTACH");
	*params = NULL;
	if (!v)
		return 0;
	json_t *a = json_is_string(v) ? rest_own(call, json_loads(json_string_value(v), 0, NULL)) : v;
	if (!json_is_object(a) && !json_is_array(a))
		return rest_fail(call, ERR_IM_ATTACH_ERROR, "Incorrect attach params");
	char *text = json_dumps(a, JSON_COMPACT);
	size_t n = text ? strlen(text) : 0;
	free(text);
	if (!n)
		return oom(call);
	if (n > IM_ATTACH_MAX)
		return rest_fail(call, ERR_IM_ATTACH_OVERSIZE, "You have exceeded the maximum allowable size of attach");
	*params = rest_own(call, json_pack("{s:O}", "ATTACH", a));
	return *params ? 0 : oom(call);
}

/* A text parameter of at most max bytes; NULL when absent. */
static int text_param(struct rest_call *call, const char *name, size_t max, const char **out)
{
	*out = given_text(call, name);
	if (*out && strlen(*out) > max)
		return rest_fail(call, ERR_ARGUMENT, "%s is longer than %zu bytes", name, max);
	return 0;
}

/* MESSAGE, trimmed at both ends (Bitrix24 does), not empty. */
static int message_param(struct rest_call *call, const char **out)
{
	const char *m;
	if (text_param(call, "MESSAGE", IM_MESSAGE_MAX, &m))
		return -1;
	m = m ? m + strspn(m, " \t\r\n") : "";
	size_t n = strlen(m);
	while (n && strchr(" \t\r\n", m[n - 1]))
		n--;
	if (!n)
		return rest_fail(call, ERR_IM_MESSAGE_EMPTY, "Message can't be empty");
	*out = arena_strndup(call->arena, m, n);
	return *out ? 0 : oom(call);
}

/* Send what the parameters say, of this type: the new id, or false when the recipient is not an
 * active user (Bitrix24: "if the notification was not created, it may return false"). */
static int notify_send(struct rest_call *call, enum im_notify_type type)
{
	int64_t uid;
	if (me(call, &uid))
		return -1;
	struct im_notify_new n = {.user_id = rest_pos_int(rest_param(call, "USER_ID")), .type = type,
				  .author_id = type == IM_NOTIFY_SYSTEM ? 0 : uid, .module = "rest",
				  .event = "rest_notify", .title = ""};
	if (!n.user_id)
		return rest_fail(call, ERR_IM_USER_ID_EMPTY, "User ID can't be empty");
	if (message_param(call, &n.text) || text_param(call, "TAG", IM_TAG_MAX, &n.tag) ||
	    text_param(call, "SUB_TAG", IM_TAG_MAX, &n.sub_tag) || attach_param(call, &n.params))
		return -1;
	int64_t id;
	if (rest_tx_begin(call) || rest_tx_end(call, im_notify_add(call, &n, &id)))
		return -1;
	call->result = id ? json_integer(id) : json_false();
	return 0;
}

int rest_im_notify_personal_add(struct rest_call *call)
{
	return notify_send(call, IM_NOTIFY_FROM);
}

int rest_im_notify_system_add(struct rest_call *call)
{
	return notify_send(call, IM_NOTIFY_SYSTEM);
}

/* im.notify: TYPE USER (the default) or SYSTEM. Bitrix24 keeps it for applications and refuses
 * it to a signed-in browser session. */
int rest_im_notify(struct rest_call *call)
{
	if (call->auth && call->auth->kind == AUTH_SESSION)
		return rest_fail(call, ERR_IM_WRONG_AUTH_TYPE, "Access for this method not allowed by session authorization.");
	const char *type = rest_param_str(call, "TYPE");
	return notify_send(call, type && !strcasecmp(type, "SYSTEM") ? IM_NOTIFY_SYSTEM : IM_NOTIFY_FROM);
}

/* ---- im.counters.get ---- */

int rest_im_counters_get(struct rest_call *call)
{
	int64_t uid, unread;
	if (me(call, &uid))
		return -1;
	int rc = q_im_notify_unread(call->st, uid, &unread);
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_pack("{s:{},s:{},s:{},s:{s:I,s:i,s:i,s:i,s:I}}", "CHAT", "DIALOG", "LINES", "TYPE", "ALL",
				 (json_int_t)unread, "CHAT", 0, "DIALOG", 0, "LINES", 0, "NOTIFY", (json_int_t)unread);
	return 0;
}
