/* filter.c — Bitrix24's filter / order / select grammar over an entity descriptor, value
 * coercion per field type, the wire format of a field, and the run of one page of a list. */
#include "rest/filter.h"
#include "rest/page_cache.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/util.h"
#include "store/store.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Operator prefixes, longest first so that "!=%" is not read as "!" + "=%FIELD". */
static const struct {
	const char *prefix;
	enum query_op op;
} prefixes[] = {
	{"!=%", QOP_NOT_LIKE_RAW}, {"!%=", QOP_NOT_LIKE_RAW}, {"!=", QOP_NE}, {"!%", QOP_NOT_LIKE},
	{"!@", QOP_NOT_IN}, {">=", QOP_GE}, {"<=", QOP_LE}, {"=%", QOP_LIKE_RAW}, {"%=", QOP_LIKE_RAW},
	{"!", QOP_NE}, {"=", QOP_EQ}, {">", QOP_GT}, {"<", QOP_LT}, {"%", QOP_LIKE}, {"@", QOP_IN},
};

static const char *type_name(enum query_type t)
{
	switch (t) {
	case QT_INT:
		return "an integer";
	case QT_DOUBLE:
		return "a number";
	case QT_BOOL:
	case QT_CHAR:
		return "Y or N";
	case QT_DATE:
		return "a date (YYYY-MM-DD)";
	case QT_DATETIME:
		return "a date and time (ISO 8601)";
	default:
		return "a string";
	}
}

static int bad_value(struct rest_call *call, const struct query_field *f, const char *text)
{
	return rest_fail(call, ERR_ARGUMENT, "Invalid value '%.80s' for field %s: expected %s", text ? text : "",
			 f->name, type_name(f->type));
}

int rest_value_parse(struct rest_call *call, const struct query_field *f, json_t *v, struct query_value *out)
{
	memset(out, 0, sizeof *out);
	if (!v || json_is_null(v)) {
		out->kind = QV_NULL;
		return 0;
	}
	if (json_is_object(v) || json_is_array(v))
		return rest_fail(call, ERR_ARGUMENT, "Invalid value for field %s: expected %s, not a list", f->name,
				 type_name(f->type));
	const char *s = rest_json_text(call, v);
	if (!s)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	if (!*s) {
		out->kind = QV_NULL;
		return 0;
	}
	switch (f->type) {
	case QT_INT:
		out->kind = QV_INT;
		if (json_is_integer(v))
			out->i = json_integer_value(v);
		else if (parse_i64(s, &out->i))
			return bad_value(call, f, s);
		return 0;
	case QT_DOUBLE:
		out->kind = QV_DOUBLE;
		if (parse_double(s, &out->d))
			return bad_value(call, f, s);
		return 0;
	case QT_BOOL:
	case QT_CHAR: {
		int b = rest_json_bool(v);
		if (b < 0)
			return bad_value(call, f, s);
		if (f->type == QT_BOOL) {
			out->kind = QV_INT;
			out->i = b;
		} else {
			out->kind = QV_TEXT;
			out->s = b ? "Y" : "N";
		}
		return 0;
	}
	case QT_DATE:
	case QT_DATETIME: {
		time_t t;
		if (!json_is_string(v) || parse_iso8601(s, &t))
			return bad_value(call, f, s);
		char buf[32];
		if (f->type == QT_DATE && strlen(s) == 10) {
			out->s = arena_strdup(call->arena, s); /* a calendar date stays that date */
		} else if (f->type == QT_DATE) {
			struct tm tm;
			localtime_r(&t, &tm);
			strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
			out->s = arena_strdup(call->arena, buf);
		} else {
			db_time_utc(t, buf, sizeof buf);
			out->s = arena_strdup(call->arena, buf);
		}
		out->kind = QV_TEXT;
		return out->s ? 0 : rest_fail(call, ERR_INTERNAL, "Out of memory");
	}
	default:
		out->kind = QV_TEXT;
		out->s = s;
		return 0;
	}
}

static bool is_like(enum query_op op)
{
	return op == QOP_LIKE || op == QOP_NOT_LIKE || op == QOP_LIKE_RAW || op == QOP_NOT_LIKE_RAW;
}

static bool is_text_type(enum query_type t)
{
	return t == QT_STRING || t == QT_CHAR || t == QT_DATE || t == QT_DATETIME;
}

static int oom(struct rest_call *call)
{
	return rest_fail(call, ERR_ARGUMENT, "The filter is too big");
}

/* A LIKE value: the final pattern for the operator. */
static int like_value(struct rest_call *call, const struct query_field *f, enum query_op op, json_t *v,
		      struct query_value *out)
{
	const char *s = rest_json_text(call, v);
	if (!s || json_is_object(v) || json_is_array(v))
		return rest_fail(call, ERR_ARGUMENT, "Invalid value for field %s: expected a string", f->name);
	bool raw = op == QOP_LIKE_RAW || op == QOP_NOT_LIKE_RAW;
	char *esc = query_like_escape(call->arena, s, raw);
	if (!esc)
		return oom(call);
	out->kind = QV_TEXT;
	out->s = raw ? esc : arena_printf(call->arena, "%%%s%%", esc);
	return out->s ? 0 : oom(call);
}

static int add_cond(struct rest_call *call, struct query *q, const struct query_cond *c)
{
	if (query_add_cond(q, c))
		return rest_fail(call, ERR_ARGUMENT, "The filter has too many conditions");
	return 0;
}

/* Split "1,2,3" given to @ / !@ as a string, as the PHP side of Bitrix24 tolerates. */
static json_t *split_list(struct rest_call *call, const char *s)
{
	json_t *arr = rest_own(call, json_array());
	const char *p = s;
	while (arr) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		while (n && *p == ' ')
			p++, n--;
		while (n && p[n - 1] == ' ')
			n--;
		if (n)
			json_array_append_new(arr, json_stringn(p, n));
		if (!c)
			break;
		p = c + 1;
	}
	return arr;
}

static int field_cond(struct rest_call *call, struct query *q, const struct query_field *f, enum query_op op,
		      bool explicit_op, json_t *value)
{
	if (!(f->flags & QF_FILTER))
		return rest_fail(call, ERR_ARGUMENT, "Field %s cannot be used in a filter", f->name);
	struct query_cond c = {.field = f, .op = op};

	if ((op == QOP_IN || op == QOP_NOT_IN) && json_is_string(value) && strchr(json_string_value(value), ','))
		value = split_list(call, json_string_value(value));

	if (json_is_array(value)) {
		size_t n = json_array_size(value);
		if (n > QUERY_MAX_VALUES)
			return rest_fail(call, ERR_ARGUMENT, "Too many values for field %s", f->name);
		if (is_like(op)) { /* each pattern may match: an OR group */
			c.field = NULL;
			c.any = arena_alloc(call->arena, (n ? n : 1) * sizeof *c.any);
			if (!c.any)
				return oom(call);
			for (size_t i = 0; i < n; i++) {
				struct query_value *v = arena_alloc(call->arena, sizeof *v);
				if (!v || like_value(call, f, op, json_array_get(value, i), v))
					return v ? -1 : oom(call);
				c.any[i] = (struct query_cond){.field = f, .op = op, .values = v, .n_values = 1};
			}
			c.n_any = n;
			if (n == 0)
				return 0;
			return add_cond(call, q, &c);
		}
		switch (op) {
		case QOP_EQ:
		case QOP_IN:
			c.op = QOP_IN;
			break;
		case QOP_NE:
		case QOP_NOT_IN:
			c.op = QOP_NOT_IN;
			break;
		default:
			return rest_fail(call, ERR_ARGUMENT, "Field %s: a list of values needs =, !, @ or !@", f->name);
		}
		if (n == 0) {
			if (c.op == QOP_NOT_IN)
				return 0; /* not in nothing: every row */
			c.op = QOP_NONE;
			return add_cond(call, q, &c);
		}
		c.values = arena_alloc(call->arena, n * sizeof *c.values);
		if (!c.values)
			return oom(call);
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			if (rest_value_parse(call, f, json_array_get(value, i), &c.values[k]))
				return -1;
			if (c.values[k].kind != QV_NULL) /* empty items in a form-encoded list */
				k++;
		}
		c.n_values = k;
		if (k == 0) {
			if (c.op == QOP_NOT_IN)
				return 0;
			c.op = QOP_NONE;
		}
		return add_cond(call, q, &c);
	}

	if (json_is_object(value))
		return rest_fail(call, ERR_ARGUMENT, "Invalid value for field %s: expected %s", f->name,
				 type_name(f->type));

	const char *text = value ? rest_json_text(call, value) : NULL;
	bool empty = !value || json_is_null(value) || (text && !*text);

	if (is_like(op)) {
		if (!is_text_type(f->type))
			return rest_fail(call, ERR_ARGUMENT, "Field %s is not text: it cannot be searched with %%",
					 f->name);
		if (empty)
			return 0; /* a substring of everything */
		c.values = arena_alloc(call->arena, sizeof *c.values);
		if (!c.values)
			return oom(call);
		if (like_value(call, f, op, value, c.values))
			return -1;
		c.n_values = 1;
		return add_cond(call, q, &c);
	}

	if (empty) {
		switch (op) {
		case QOP_EQ:
		case QOP_IN:
			c.op = QOP_EMPTY;
			break;
		case QOP_NE:
		case QOP_NOT_IN:
			c.op = QOP_NOT_EMPTY;
			break;
		default:
			return bad_value(call, f, "");
		}
		return add_cond(call, q, &c);
	}

	/* user.get's {"NAME":"Iva%"}: a pattern without an operator */
	if (!explicit_op && op == QOP_EQ && q->ent->eq_wildcards && f->type == QT_STRING && text && strchr(text, '%')) {
		c.op = QOP_LIKE_RAW;
		c.values = arena_alloc(call->arena, sizeof *c.values);
		if (!c.values || like_value(call, f, QOP_LIKE_RAW, value, c.values))
			return c.values ? -1 : oom(call);
		c.n_values = 1;
		return add_cond(call, q, &c);
	}

	c.values = arena_alloc(call->arena, sizeof *c.values);
	if (!c.values)
		return oom(call);
	if (rest_value_parse(call, f, value, c.values))
		return -1;
	c.n_values = 1;
	if (op == QOP_IN)
		c.op = QOP_EQ;
	else if (op == QOP_NOT_IN)
		c.op = QOP_NE;
	return add_cond(call, q, &c);
}

int rest_filter_key(struct rest_call *call, struct query *q, const char *key, json_t *value, bool strict)
{
	enum query_op op = QOP_EQ;
	bool explicit_op = false;
	const char *name = key;
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		size_t n = strlen(prefixes[i].prefix);
		if (strncmp(key, prefixes[i].prefix, n) == 0) {
			op = prefixes[i].op;
			explicit_op = true;
			name = key + n;
			break;
		}
	}
	const struct query_field *f = query_field_find(q->ent, name);
	if (!f) {
		if (!strict)
			return 1;
		return rest_fail(call, ERR_ARGUMENT, "Unknown field in filter: %.100s", name);
	}
	return field_cond(call, q, f, op, explicit_op, value);
}

int rest_filter_parse(struct rest_call *call, struct query *q, json_t *filter)
{
	if (!filter || json_is_null(filter))
		return 0;
	if (json_is_string(filter) && !*json_string_value(filter))
		return 0; /* filter= from a form: no filter */
	if (json_is_array(filter) && json_array_size(filter) == 0)
		return 0; /* PHP's empty array */
	if (!json_is_object(filter))
		return rest_fail(call, ERR_ARGUMENT, "Parameter 'filter' must be an object");
	const char *k;
	json_t *v;
	json_object_foreach(filter, k, v)
	{
		if (rest_filter_key(call, q, k, v, true) < 0)
			return -1;
	}
	return 0;
}

int rest_order_parse(struct rest_call *call, struct query *q, json_t *order)
{
	if (!order || json_is_null(order))
		return 0;
	if (json_is_string(order) && !*json_string_value(order))
		return 0;
	if (json_is_array(order) && json_array_size(order) == 0)
		return 0;
	if (!json_is_object(order))
		return rest_fail(call, ERR_ARGUMENT, "Parameter 'order' must be an object {FIELD: ASC|DESC}");
	const char *k;
	json_t *v;
	json_object_foreach(order, k, v)
	{
		const struct query_field *f = query_field_find(q->ent, k);
		if (!f)
			return rest_fail(call, ERR_ARGUMENT, "Unknown field in order: %.100s", k);
		if (!(f->flags & QF_SORT))
			return rest_fail(call, ERR_ARGUMENT, "Field %s cannot be used for sorting", f->name);
		const char *dir = json_is_string(v) ? json_string_value(v) : NULL;
		bool desc;
		if (dir && (!strcasecmp(dir, "ASC") || !*dir))
			desc = false;
		else if (dir && !strcasecmp(dir, "DESC"))
			desc = true;
		else
			return rest_fail(call, ERR_ARGUMENT, "Invalid sort direction for %s: use ASC or DESC", f->name);
		if (query_add_order(q, f, desc))
			return rest_fail(call, ERR_ARGUMENT, "Too many order terms");
	}
	return 0;
}

static int select_all(struct rest_call *call, struct query *q, bool uf)
{
	for (size_t i = 0; i < q->ent->n_fields; i++) {
		const struct query_field *f = &q->ent->fields[i];
		if (f->flags & (QF_HIDDEN | QF_NOSTAR))
			continue;
		if ((strncmp(f->name, "UF_", 3) == 0) != uf)
			continue;
		if (query_add_select(q, f))
			return oom(call);
	}
	return 0;
}

int rest_select_parse(struct rest_call *call, struct query *q, json_t *select)
{
	if (!select || json_is_null(select))
		return 0;
	if (json_is_string(select)) {
		if (!*json_string_value(select))
			return 0;
		json_t *one = rest_own(call, json_array());
		if (!one)
			return oom(call);
		json_array_append(one, select);
		select = one;
	}
	if (json_is_object(select)) { /* a PHP list that lost its order: take the values */
		json_t *vals = rest_own(call, json_array());
		const char *k;
		json_t *v;
		json_object_foreach(select, k, v) json_array_append(vals, v);
		select = vals;
	}
	if (!json_is_array(select))
		return rest_fail(call, ERR_ARGUMENT, "Parameter 'select' must be a list of field names");
	if (json_array_size(select) == 0)
		return 0;
	size_t i;
	json_t *v;
	json_array_foreach(select, i, v)
	{
		const char *name = json_string_value(v);
		if (!name)
			continue;
		if (!strcmp(name, "*")) {
			if (select_all(call, q, false))
				return -1;
		} else if (!strcasecmp(name, "UF_*")) {
			if (select_all(call, q, true))
				return -1;
		} else {
			const struct query_field *f = query_field_find(q->ent, name);
			if (f && !(f->flags & QF_HIDDEN) && query_add_select(q, f))
				return oom(call);
		}
	}
	if (!q->select) /* nothing known asked for: the key alone */
		if (query_add_select(q, &q->ent->fields[0]))
			return oom(call);
	return 0;
}

/* ---- output ---- */

const char *rest_db_time_iso(struct rest_call *call, const char *db)
{
	if (!db || !*db)
		return "";
	char tmp[40];
	time_t t;
	if (strlen(db) == 10) { /* a calendar date: midnight in the server's zone */
		if (parse_iso8601(db, &t))
			return arena_strdup(call->arena, db);
	} else {
		snprintf(tmp, sizeof tmp, "%.19sZ", db); /* stored in UTC */
		if (parse_iso8601(tmp, &t))
			return arena_strdup(call->arena, db);
	}
	iso8601_local(t, tmp, sizeof tmp);
	return arena_strdup(call->arena, tmp);
}

json_t *rest_field_json(struct rest_call *call, const struct query_field *f, struct stmt *s, int col)
{
	bool null = store_col_isnull(s, col);
	switch (f->type) {
	case QT_INT:
		if (null)
			return json_null();
		if (f->flags & QF_NUMBER)
			return json_integer(store_col_int(s, col));
		return json_string(store_col_text(s, col));
	case QT_DOUBLE:
		if (null)
			return json_null();
		if (f->flags & QF_NUMBER)
			return json_real(store_col_double(s, col));
		{
			char tmp[64];
			snprintf(tmp, sizeof tmp, "%.2f", store_col_double(s, col));
			return json_string(tmp);
		}
	case QT_BOOL:
		return json_boolean(!null && store_col_int(s, col) != 0);
	case QT_DATE:
	case QT_DATETIME: {
		const char *iso = rest_db_time_iso(call, store_col_text(s, col));
		return json_string(iso ? iso : "");
	}
	default:
		if (null)
			return json_null();
		return json_string(store_col_text(s, col));
	}
}

json_t *rest_row_json(struct rest_call *call, struct query *q, struct stmt *s, const struct query_field **cols,
		      size_t n_cols, void *ctx)
{
	(void)q;
	(void)ctx;
	json_t *row = json_object();
	for (size_t i = 0; i < n_cols; i++) {
		if ((cols[i]->flags & QF_OMIT_NULL) && store_col_isnull(s, (int)i + 1))
			continue;
		/* field names are ours, plain ASCII: no need to check them as UTF-8 each row */
		json_object_set_new_nocheck(row, cols[i]->name, rest_field_json(call, cols[i], s, (int)i + 1));
	}
	return row;
}

/* The cache key of a list query: its SQL (without paging) and the values bound to it. */
static bool list_key(struct query *q, uint64_t *key)
{
	q->limit = -1;
	q->offset = 0;
	q->seek = NULL;
	q->anchor_cols = false;
	const char *sql = query_sql_select(q);
	if (!sql)
		return false;
	uint64_t h = page_cache_hash(PAGE_CACHE_SEED, sql, strlen(sql));
	for (int i = 0; i < q->n_binds; i++) {
		const struct query_value *v = q->binds[i];
		h = page_cache_hash(h, &v->kind, sizeof v->kind);
		if (v->kind == QV_INT)
			h = page_cache_hash(h, &v->i, sizeof v->i);
		else if (v->kind == QV_DOUBLE)
			h = page_cache_hash(h, &v->d, sizeof v->d);
		else if (v->kind == QV_TEXT)
			h = page_cache_hash(h, v->s, strlen(v->s) + 1);
	}
	*key = h;
	return true;
}

static int list_fail(struct rest_call *call, int rc)
{
	return rc == STORE_TOOBIG ? rest_fail(call, ERR_ARGUMENT, "The filter is too big") : rest_fail_store(call, rc);
}

int rest_list_run(struct rest_call *call, struct query *q, rest_row_fn row, void *ctx)
{
	if (!row)
		row = rest_row_json;
	int64_t start = call->start;
	/* Counted pages: the total, and the page by a keyset seek from a remembered anchor when the
	 * order allows (page_cache.h), else by OFFSET — reading one row more in front to leave the
	 * anchor of this page for the next time. */
	uint64_t key = 0, version = 0;
	bool cached = false, before = false, anchors = false;
	struct query_anchor seek;
	if (start >= 0) {
		cached = list_key(q, &key);
		version = cached ? store_data_version(call->st) : 0;
		int64_t total;
		if (!cached || !page_cache_count_get(key, version, &total)) {
			int rc = query_count(call->st, q, &total);
			if (rc)
				return list_fail(call, rc);
			if (cached)
				page_cache_count_put(key, version, total);
		}
		call->total = total;
		q->offset = start;
		q->limit = REST_PAGE;
		const struct query_field *terms[QUERY_MAX_ORDER + 1];
		bool desc[QUERY_MAX_ORDER + 1];
		anchors = cached && start > 0 && start < total && query_order_terms(q, terms, desc) > 0;
		if (anchors) {
			int64_t at;
			q->anchor_cols = true;
			if (page_cache_anchor_get(key, version, start, &at, &seek, call->arena)) {
				q->seek = &seek;
				q->offset = start - at;
			} else {
				before = true;
				q->offset = start - 1;
				q->limit = REST_PAGE + 1;
			}
		}
	} else {
		call->total = -1;
		q->offset = 0;
		q->limit = REST_PAGE + 1; /* one more tells whether there is a next page */
	}
	json_t *out = rest_own(call, json_array());
	if (!out)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	if (start >= 0 && start >= call->total) {
		call->result = json_incref(out);
		return 0;
	}
	size_t n_cols;
	const struct query_field **cols = query_columns(q, &n_cols);
	struct stmt *s;
	int rc = cols ? query_open(call->st, q, &s) : STORE_TOOBIG;
	if (rc)
		return list_fail(call, rc);
	int64_t n = 0;
	struct query_anchor a;
	while ((rc = store_step(s)) == STORE_ROW) {
		if (before) { /* the row in front of the page: the anchor of `start` */
			before = false;
			if (query_read_anchor(q, s, &a))
				page_cache_anchor_put(key, version, start, &a);
			continue;
		}
		if (start < 0 && n == REST_PAGE) {
			call->has_more = true;
			break;
		}
		json_t *r = row(call, q, s, cols, n_cols, ctx);
		if (!r) {
			store_reset(s);
			return call->err_desc ? -1 : rest_fail(call, ERR_INTERNAL, "Internal server error");
		}
		json_array_append_new(out, r);
		n++;
		if (anchors && n == REST_PAGE && query_read_anchor(q, s, &a)) /* where the next page starts */
			page_cache_anchor_put(key, version, start + REST_PAGE, &a);
	}
	store_reset(s);
	if (rc < 0)
		return rest_fail_store(call, rc);
	call->result = json_incref(out);
	return 0;
}
