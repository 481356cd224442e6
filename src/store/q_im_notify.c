/* q_im_notify.c — every SQL text about notifications (q_im_notify.h). Pages and searches go
 * through the shared query builder (store/query.h) over the descriptor below, so their optional
 * conditions are bound values, never text; the rest are fixed statements. Every statement names
 * the recipient (user_id), which leads both indexes: im_notify_user (user_id, id) for pages newest
 * first, and the partial im_notify_unread for the bell's count. */
#include "store/q_im_notify.h"
#include "store/query.h"
#include "store/store.h"
#include "core/arena.h"
#include <string.h>

/* The columns, in the order a page reads them (column 0 is the key, then these). */
enum { C_ID = 1, C_USER, C_AUTHOR, C_CREATED, C_TYPE, C_MODULE, C_EVENT, C_TAG, C_SUB_TAG, C_TITLE, C_TEXT,
       C_READ, C_PARAMS };

static const struct query_field notify_fields[] = {
	{"ID", "id", QT_INT, QF_FILTER | QF_SORT, "ID", NULL},
	{"USER_ID", "user_id", QT_INT, QF_FILTER, "Recipient", NULL},
	{"AUTHOR_ID", "author_id", QT_INT, QF_FILTER, "Author", NULL},
	{"DATE", "created", QT_DATETIME, QF_FILTER, "Date", NULL},
	{"NOTIFY_TYPE", "notify_type", QT_INT, QF_FILTER, "Type", NULL},
	{"MODULE", "module", QT_STRING, QF_FILTER, "Module", NULL},
	{"EVENT", "event", QT_STRING, QF_FILTER, "Event", NULL},
	{"TAG", "tag", QT_STRING, QF_FILTER, "Tag", NULL},
	{"SUB_TAG", "sub_tag", QT_STRING, QF_FILTER, "Sub-tag", NULL},
	{"TITLE", "title", QT_STRING, QF_FILTER, "Title", NULL},
	{"TEXT", "text", QT_STRING, QF_FILTER, "Text", NULL},
	{"IS_READ", "is_read", QT_INT, QF_FILTER, "Read", NULL},
	{"PARAMS", "params", QT_STRING, 0, "Parameters", NULL},
};

static const struct query_entity notify_entity = {
	"im_notify", "id", notify_fields, sizeof notify_fields / sizeof notify_fields[0], false,
};

#define FIELD(c) (&notify_fields[(c) - 1])

int q_im_notify_insert(struct store *st, const struct q_im_notify *n, int64_t *id)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO im_notify (user_id, author_id, created, notify_type, module, event, tag, sub_tag, title, "
		   "text, is_read, params) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11) RETURNING id");
	int rc = store_bind_int(s, 1, n->user_id);
	rc = rc ? rc : store_bind_int(s, 2, n->author_id > 0 ? n->author_id : 0);
	rc = rc ? rc : store_bind_text(s, 3, n->created);
	rc = rc ? rc : store_bind_int(s, 4, n->notify_type);
	rc = rc ? rc : store_bind_text(s, 5, n->module ? n->module : "");
	rc = rc ? rc : store_bind_text(s, 6, n->event ? n->event : "");
	rc = rc ? rc : store_bind_text(s, 7, n->tag ? n->tag : "");
	rc = rc ? rc : store_bind_text(s, 8, n->sub_tag ? n->sub_tag : "");
	rc = rc ? rc : store_bind_text(s, 9, n->title ? n->title : "");
	rc = rc ? rc : store_bind_text(s, 10, n->text ? n->text : "");
	rc = rc ? rc : store_bind_text(s, 11, n->params); /* NULL binds NULL */
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_one_int(s, id);
}

/* ---- pages and searches ---- */

static struct query_value *int_value(struct arena *a, int64_t i)
{
	struct query_value *v = arena_alloc(a, sizeof *v);
	if (v)
		*v = (struct query_value){.kind = QV_INT, .i = i};
	return v;
}

static struct query_value *text_value(struct arena *a, const char *s)
{
	struct query_value *v = arena_alloc(a, sizeof *v);
	const char *copy = arena_strdup(a, s);
	if (!v || !copy)
		return NULL;
	*v = (struct query_value){.kind = QV_TEXT, .s = copy};
	return v;
}

static int add_int(struct query *q, int col, enum query_op op, int64_t i)
{
	struct query_value *v = int_value(q->arena, i);
	if (!v)
		return STORE_TOOBIG;
	struct query_cond c = {.field = FIELD(col), .op = op, .values = v, .n_values = 1};
	return query_add_cond(q, &c);
}

static int add_text(struct query *q, int col, enum query_op op, const char *s)
{
	struct query_value *v = text_value(q->arena, s);
	if (!v)
		return STORE_TOOBIG;
	struct query_cond c = {.field = FIELD(col), .op = op, .values = v, .n_values = 1};
	return query_add_cond(q, &c);
}

/* "module" or "module|event" as one condition (a group of two for the pair); into c. */
static int type_cond(struct arena *a, const char *type, struct query_cond *c)
{
	const char *bar = strchr(type, '|');
	char *module = bar ? arena_strndup(a, type, (size_t)(bar - type)) : arena_strdup(a, type);
	struct query_value *mv = module ? text_value(a, module) : NULL;
	if (!mv)
		return STORE_TOOBIG;
	struct query_cond m = {.field = FIELD(C_MODULE), .op = QOP_EQ, .values = mv, .n_values = 1};
	if (!bar) {
		*c = m;
		return STORE_OK;
	}
	struct query_value *ev = text_value(a, bar + 1);
	struct query_cond *pair = arena_alloc(a, 2 * sizeof *pair);
	if (!ev || !pair)
		return STORE_TOOBIG;
	pair[0] = m;
	pair[1] = (struct query_cond){.field = FIELD(C_EVENT), .op = QOP_EQ, .values = ev, .n_values = 1};
	*c = (struct query_cond){.field = NULL, .any = pair, .n_any = 2, .all = true};
	return STORE_OK;
}

static int add_types(struct query *q, const struct q_im_notify_filter *f)
{
	if (!f->n_types)
		return STORE_OK;
	struct query_cond *any = arena_alloc(q->arena, f->n_types * sizeof *any);
	if (!any)
		return STORE_TOOBIG;
	for (size_t i = 0; i < f->n_types; i++) {
		int rc = type_cond(q->arena, f->types[i], &any[i]);
		if (rc)
			return rc;
	}
	struct query_cond group = {.field = NULL, .any = any, .n_any = f->n_types};
	return query_add_cond(q, &group);
}

static int add_authors(struct query *q, const struct q_im_notify_filter *f)
{
	if (!f->n_authors)
		return STORE_OK;
	struct query_value *v = arena_alloc(q->arena, f->n_authors * sizeof *v);
	if (!v)
		return STORE_TOOBIG;
	for (size_t i = 0; i < f->n_authors; i++)
		v[i] = (struct query_value){.kind = QV_INT, .i = f->authors[i]};
	struct query_cond c = {.field = FIELD(C_AUTHOR), .op = QOP_IN, .values = v, .n_values = f->n_authors};
	return query_add_cond(q, &c);
}

/* q over f's rows; paged: keyset, newest first, limited. */
static int build(struct query *q, struct arena *a, const struct q_im_notify_filter *f, bool paged)
{
	static const struct query_field *const searched[] = {&notify_fields[C_TITLE - 1], &notify_fields[C_TEXT - 1]};
	query_init(q, a, &notify_entity);
	int rc = add_int(q, C_USER, QOP_EQ, f->user_id);
	if (!rc && paged && f->before_id > 0)
		rc = add_int(q, C_ID, QOP_LT, f->before_id);
	if (!rc && f->confirm >= 0)
		rc = add_int(q, C_TYPE, f->confirm ? QOP_EQ : QOP_NE, 1);
	if (!rc && f->text && *f->text)
		rc = query_add_search(q, searched, 2, f->text);
	if (!rc)
		rc = add_types(q, f);
	if (!rc)
		rc = add_authors(q, f);
	if (!rc && f->from)
		rc = add_text(q, C_CREATED, QOP_GE, f->from);
	if (!rc && f->to)
		rc = add_text(q, C_CREATED, QOP_LT, f->to);
	if (!rc && f->tag)
		rc = add_text(q, C_TAG, QOP_EQ, f->tag);
	if (!rc && paged) {
		/* ids grow with the creation time: id order is Bitrix24's "date, then id" order */
		rc = query_add_order(q, FIELD(C_ID), true);
		q->limit = f->limit;
	}
	return rc;
}

static const char *col_dup(struct arena *a, struct stmt *s, int col)
{
	return arena_strdup(a, store_col_text(s, col));
}

static int read_row(struct arena *a, struct stmt *s, struct q_im_notify *r)
{
	r->id = store_col_int(s, C_ID);
	r->user_id = store_col_int(s, C_USER);
	r->author_id = store_col_int(s, C_AUTHOR);
	store_col_copy(s, C_CREATED, r->created, sizeof r->created);
	r->notify_type = (int)store_col_int(s, C_TYPE);
	r->module = col_dup(a, s, C_MODULE);
	r->event = col_dup(a, s, C_EVENT);
	r->tag = col_dup(a, s, C_TAG);
	r->sub_tag = col_dup(a, s, C_SUB_TAG);
	r->title = col_dup(a, s, C_TITLE);
	r->text = col_dup(a, s, C_TEXT);
	r->is_read = store_col_int(s, C_READ) != 0;
	r->params = store_col_isnull(s, C_PARAMS) ? NULL : col_dup(a, s, C_PARAMS);
	if (!r->module || !r->event || !r->tag || !r->sub_tag || !r->title || !r->text ||
	    (!store_col_isnull(s, C_PARAMS) && !r->params))
		return STORE_TOOBIG;
	return STORE_OK;
}

int q_im_notify_list(struct store *st, struct arena *a, const struct q_im_notify_filter *f, struct q_im_notify **out,
		     size_t *n)
{
	*n = 0;
	*out = NULL;
	if (f->limit <= 0)
		return STORE_OK;
	struct query q;
	int rc = build(&q, a, f, true);
	struct q_im_notify *rows = rc ? NULL : arena_alloc(a, (size_t)f->limit * sizeof *rows);
	if (rc || !rows)
		return rc ? rc : STORE_TOOBIG;
	struct stmt *s;
	if ((rc = query_open(st, &q, &s)))
		return rc;
	while ((rc = store_step(s)) == STORE_ROW && *n < (size_t)f->limit) {
		if ((rc = read_row(a, s, &rows[*n])))
			break;
		(*n)++;
	}
	store_reset(s);
	*out = rows;
	return rc == STORE_ROW ? STORE_OK : rc;
}

int q_im_notify_count(struct store *st, struct arena *a, const struct q_im_notify_filter *f, int64_t *n)
{
	struct query q;
	int rc = build(&q, a, f, false);
	return rc ? rc : query_count(st, &q, n);
}

int q_im_notify_counts(struct store *st, int64_t user_id, int64_t *total, int64_t *unread)
{
	struct stmt *s;
	/* Two subqueries, each answered from its own index: the user's range of im_notify_user, and
	 * the partial index of the unread ones (its WHERE is written as the index's). */
	STORE_PREP(s, st,
		   "SELECT (SELECT COUNT(*) FROM im_notify WHERE user_id = $1), "
		   "(SELECT COUNT(*) FROM im_notify WHERE user_id = $1 AND is_read = 0)");
	int rc = store_bind_int(s, 1, user_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	int64_t v[2] = {0, 0};
	rc = store_one_ints(s, v, 2);
	*total = v[0];
	*unread = v[1];
	return rc;
}

int q_im_notify_unread(struct store *st, int64_t user_id, int64_t *unread)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT COUNT(*) FROM im_notify WHERE user_id = $1 AND is_read = 0");
	int rc = store_bind_int(s, 1, user_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_one_int(s, unread);
}

int q_im_notify_has_confirm(struct store *st, int64_t user_id, bool *has)
{
	struct stmt *s;
	/* notify_type = 1 written as the partial index's own condition, so that it serves */
	STORE_PREP(s, st, "SELECT COUNT(*) FROM (SELECT 1 FROM im_notify WHERE user_id = $1 AND notify_type = 1 LIMIT 1) t");
	int64_t n = 0;
	int rc = store_bind_int(s, 1, user_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	rc = store_one_int(s, &n);
	*has = n > 0;
	return rc;
}

/* ---- read marks ---- */

int q_im_notify_mark_one(struct store *st, int64_t user_id, int64_t id, bool read, bool skip_confirm, bool *changed)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "UPDATE im_notify SET is_read = $3 WHERE id = $2 AND user_id = $1 AND is_read <> $3 "
		   "AND notify_type <> $4");
	int rc = store_bind_int(s, 1, user_id);
	rc = rc ? rc : store_bind_int(s, 2, id);
	rc = rc ? rc : store_bind_int(s, 3, read ? 1 : 0);
	rc = rc ? rc : store_bind_int(s, 4, skip_confirm ? 1 : -1); /* -1: no type is -1, none skipped */
	if (rc) {
		store_reset(s);
		return rc;
	}
	rc = store_exec_changed(st, s);
	*changed = rc == STORE_OK;
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

/* Step a statement that RETURNING ids: up to max into ids, *n counts all; resets it. */
static int collect_ids(struct stmt *s, int64_t *ids, size_t max, size_t *n)
{
	*n = 0;
	int rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		if (*n < max)
			ids[*n] = store_col_int(s, 0);
		(*n)++;
	}
	store_reset(s);
	return rc;
}

int q_im_notify_mark_from(struct store *st, int64_t user_id, int64_t from_id, int64_t *ids, size_t max, size_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st, "UPDATE im_notify SET is_read = 1 WHERE user_id = $1 AND id >= $2 AND is_read = 0 RETURNING id");
	int rc = store_bind_int(s, 1, user_id);
	rc = rc ? rc : store_bind_int(s, 2, from_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return collect_ids(s, ids, max, n);
}

int q_im_notify_mark_all(struct store *st, int64_t user_id, int64_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st, "UPDATE im_notify SET is_read = 1 WHERE user_id = $1 AND is_read = 0");
	int rc = store_bind_int(s, 1, user_id);
	rc = rc ? rc : store_exec_stmt(s);
	if (!rc)
		*n = store_last_changes(st);
	return rc;
}

/* ---- deletes ---- */

int q_im_notify_delete_one(struct store *st, int64_t user_id, int64_t id)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM im_notify WHERE id = $2 AND user_id = $1");
	int rc = store_bind_int(s, 1, user_id);
	rc = rc ? rc : store_bind_int(s, 2, id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

int q_im_notify_delete_tag(struct store *st, int64_t user_id, const char *tag, bool is_sub, int64_t *ids, size_t max,
			   size_t *n)
{
	struct stmt *s;
	if (is_sub)
		STORE_PREP(s, st, "DELETE FROM im_notify WHERE user_id = $1 AND sub_tag = $2 RETURNING id");
	else
		STORE_PREP(s, st, "DELETE FROM im_notify WHERE user_id = $1 AND tag = $2 RETURNING id");
	int rc = store_bind_int(s, 1, user_id);
	rc = rc ? rc : store_bind_text(s, 2, tag);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return collect_ids(s, ids, max, n);
}

/* ---- facts for the texts ---- */

int q_im_notify_user(struct store *st, int64_t id, struct q_im_notify_user *out)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT name, last_name, email, language, personal_gender, personal_birthday, personal_photo, "
		   "work_position, personal_www, work_phone, uf_phone_inner, personal_mobile, user_type, "
		   "COALESCE(last_activity_date, ''), active, is_admin FROM users WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	rc = rc ? rc : store_step(s);
	if (rc == STORE_ROW) {
		struct {
			char *dst;
			size_t n;
		} cols[] = {
			{out->name, sizeof out->name},		 {out->last_name, sizeof out->last_name},
			{out->email, sizeof out->email},	 {out->language, sizeof out->language},
			{out->gender, sizeof out->gender},	 {out->birthday, sizeof out->birthday},
			{out->photo, sizeof out->photo},	 {out->position, sizeof out->position},
			{out->www, sizeof out->www},		 {out->work_phone, sizeof out->work_phone},
			{out->inner_phone, sizeof out->inner_phone}, {out->mobile, sizeof out->mobile},
			{out->user_type, sizeof out->user_type}, {out->last_activity, sizeof out->last_activity},
		};
		for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
			store_col_copy(s, (int)i, cols[i].dst, cols[i].n);
		out->is_active = store_col_int(s, 14) != 0;
		out->is_admin = store_col_int(s, 15) != 0;
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

int q_im_notify_stage_name(struct store *st, const char *list, const char *status_id, char *out, size_t n)
{
	if (n)
		out[0] = 0;
	struct stmt *s;
	STORE_PREP(s, st, "SELECT name FROM crm_status WHERE entity_id = $1 AND status_id = $2");
	int rc = store_bind_text(s, 1, list);
	rc = rc ? rc : store_bind_text(s, 2, status_id);
	rc = rc ? rc : store_step(s);
	if (rc == STORE_ROW) {
		store_col_copy(s, 0, out, n);
		rc = STORE_OK;
	}
	store_reset(s);
	return rc;
}
