/* query.c — builds SELECT / COUNT / INSERT / UPDATE text from an entity descriptor and a parsed
 * query (query.h). Identifiers come from the descriptor only; values always go through $n. The
 * text is portable between SQLite and PostgreSQL: LOWER() on both sides of LIKE (SQLite's LIKE
 * ignores ASCII case already, PostgreSQL's does not), ESCAPE '\', COALESCE-free NULL tests. */
#include "store/query.h"
#include "store/store.h"
#include "core/arena.h"
#include "core/buf.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

void query_init(struct query *q, struct arena *a, const struct query_entity *e)
{
	memset(q, 0, sizeof *q);
	q->arena = a;
	q->ent = e;
	q->limit = -1;
}

const struct query_field *query_field_find(const struct query_entity *e, const char *name)
{
	for (size_t i = 0; i < e->n_fields; i++)
		if (strcasecmp(e->fields[i].name, name) == 0)
			return &e->fields[i];
	return NULL;
}

/* Conditions in c, groups counted by their members (against QUERY_MAX_CONDS). */
static size_t cond_weight(const struct query_cond *c)
{
	if (c->field && c->op == QOP_IN_QUERY && c->sub)
		return 1 + c->sub->n_total_conds;
	if (c->field)
		return 1;
	size_t w = 0;
	for (size_t i = 0; i < c->n_any; i++)
		w += cond_weight(&c->any[i]);
	return w ? w : 1;
}

int query_add_cond(struct query *q, const struct query_cond *c)
{
	size_t weight = cond_weight(c);
	if (q->n_total_conds + weight > QUERY_MAX_CONDS)
		return STORE_TOOBIG;
	if (q->n_conds == q->cap_conds) {
		size_t cap = q->cap_conds ? q->cap_conds * 2 : 8;
		struct query_cond *n = arena_alloc(q->arena, cap * sizeof *n);
		if (!n)
			return STORE_TOOBIG;
		if (q->n_conds)
			memcpy(n, q->conds, q->n_conds * sizeof *n);
		q->conds = n;
		q->cap_conds = cap;
	}
	q->conds[q->n_conds++] = *c;
	q->n_total_conds += weight;
	return STORE_OK;
}

int query_add_order(struct query *q, const struct query_field *f, bool desc)
{
	if (q->n_order == QUERY_MAX_ORDER)
		return STORE_TOOBIG;
	for (size_t i = 0; i < q->n_order; i++)
		if (q->order[i].field == f)
			return STORE_OK; /* the first mention wins, as in a PHP array */
	q->order[q->n_order].field = f;
	q->order[q->n_order].desc = desc;
	q->n_order++;
	return STORE_OK;
}

int query_add_select(struct query *q, const struct query_field *f)
{
	for (size_t i = 0; i < q->n_select; i++)
		if (q->select[i] == f)
			return STORE_OK;
	if (q->n_select >= q->ent->n_fields)
		return STORE_TOOBIG;
	if (!q->select) {
		q->select = arena_alloc(q->arena, q->ent->n_fields * sizeof *q->select);
		if (!q->select)
			return STORE_TOOBIG;
	}
	q->select[q->n_select++] = f;
	return STORE_OK;
}

bool query_selects(const struct query *q, const struct query_field *f)
{
	if (!q->select)
		return !(f->flags & (QF_HIDDEN | QF_NOSTAR));
	for (size_t i = 0; i < q->n_select; i++)
		if (q->select[i] == f)
			return true;
	return false;
}

char *query_like_escape(struct arena *a, const char *s, bool keep_percent)
{
	size_t n = strlen(s);
	char *out = arena_alloc(a, n * 2 + 1);
	if (!out)
		return NULL;
	char *o = out;
	for (; *s; s++) {
		if (*s == '\\' || *s == '_' || (*s == '%' && !keep_percent))
			*o++ = '\\';
		*o++ = *s;
	}
	*o = 0;
	return out;
}

int query_add_search(struct query *q, const struct query_field *const *fields, size_t n_fields, const char *text)
{
	const char *p = text;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		const char *w = p;
		while (*p && *p != ' ' && *p != '\t' && *p != ',')
			p++;
		char *word = arena_strndup(q->arena, w, (size_t)(p - w));
		char *esc = word ? query_like_escape(q->arena, word, false) : NULL;
		struct query_value *v = arena_alloc(q->arena, sizeof *v);
		struct query_cond *any = arena_alloc(q->arena, n_fields * sizeof *any);
		if (!esc || !v || !any)
			return STORE_TOOBIG;
		v->kind = QV_TEXT;
		v->s = arena_printf(q->arena, "%%%s%%", esc);
		if (!v->s)
			return STORE_TOOBIG;
		for (size_t i = 0; i < n_fields; i++) {
			any[i].field = fields[i];
			any[i].op = QOP_LIKE_RAW; /* the pattern is already escaped and wrapped */
			any[i].values = v;
			any[i].n_values = 1;
		}
		struct query_cond group = {.field = NULL, .any = any, .n_any = n_fields};
		int rc = query_add_cond(q, &group);
		if (rc)
			return rc;
	}
	return STORE_OK;
}

/* ---- the builder ---- */

struct build {
	bool page;                     /* a SELECT of rows (not a count): page_noindex applies */
	struct query *q;               /* the statement's query: its binds take every placeholder */
	const struct query_entity *ent; /* the entity the conditions being written are about */
	struct buf sql;
	int failed;
};

static void put(struct build *b, const char *s)
{
	if (!b->failed && buf_puts(&b->sql, s))
		b->failed = 1;
}

static void placeholder(struct build *b, const struct query_value *v)
{
	struct query *q = b->q;
	if (q->n_binds == q->cap_binds && q->cap_binds < QUERY_MAX_BINDS) {
		/* Most queries bind a handful of values: start small, as every byte of the arena is
		 * zeroed. */
		int cap = q->cap_binds ? q->cap_binds * 2 : 16;
		if (cap > QUERY_MAX_BINDS)
			cap = QUERY_MAX_BINDS;
		const struct query_value **g = arena_alloc(q->arena, (size_t)cap * sizeof *g);
		if (!g) {
			b->failed = 1;
			return;
		}
		if (q->n_binds)
			memcpy(g, q->binds, (size_t)q->n_binds * sizeof *g);
		q->binds = g;
		q->cap_binds = cap;
	}
	if (q->n_binds >= q->cap_binds) {
		b->failed = 1;
		return;
	}
	q->binds[q->n_binds++] = v;
	char tmp[16];
	snprintf(tmp, sizeof tmp, "$%d", q->n_binds);
	put(b, tmp);
}

static bool is_numeric(enum query_type t)
{
	return t == QT_INT || t == QT_DOUBLE || t == QT_BOOL;
}

/* One condition on an expression `col` (a column, or a link's value column). Negative
 * operators on a plain column also accept NULL rows: "not equal to 5" includes unset ones. */
static void cond_on(struct build *b, const struct query_field *f, const char *col, enum query_op op,
		    const struct query_value *vals, size_t n)
{
	static const char *const cmp[] = {[QOP_LT] = " < ", [QOP_LE] = " <= ", [QOP_GT] = " > ", [QOP_GE] = " >= "};
	switch (op) {
	case QOP_EQ:
	case QOP_LT:
	case QOP_LE:
	case QOP_GT:
	case QOP_GE:
		put(b, col);
		put(b, op == QOP_EQ ? " = " : cmp[op]);
		placeholder(b, &vals[0]);
		break;
	case QOP_NE:
		put(b, "(");
		put(b, col);
		put(b, " IS NULL OR ");
		put(b, col);
		put(b, " <> ");
		placeholder(b, &vals[0]);
		put(b, ")");
		break;
	case QOP_IN:
	case QOP_NOT_IN:
		if (op == QOP_NOT_IN) {
			put(b, "(");
			put(b, col);
			put(b, " IS NULL OR ");
		}
		put(b, col);
		put(b, op == QOP_IN ? " IN (" : " NOT IN (");
		for (size_t i = 0; i < n; i++) {
			if (i)
				put(b, ", ");
			placeholder(b, &vals[i]);
		}
		put(b, op == QOP_NOT_IN ? "))" : ")");
		break;
	case QOP_LIKE:
	case QOP_LIKE_RAW:
		put(b, "LOWER(");
		put(b, col);
		put(b, ") LIKE LOWER(");
		placeholder(b, &vals[0]);
		put(b, ") ESCAPE '\\'");
		break;
	case QOP_NOT_LIKE:
	case QOP_NOT_LIKE_RAW:
		put(b, "(");
		put(b, col);
		put(b, " IS NULL OR NOT (LOWER(");
		put(b, col);
		put(b, ") LIKE LOWER(");
		placeholder(b, &vals[0]);
		put(b, ") ESCAPE '\\'))");
		break;
	case QOP_EMPTY:
		put(b, "(");
		put(b, col);
		put(b, " IS NULL OR ");
		put(b, col);
		put(b, is_numeric(f->type) ? " = 0)" : " = '')");
		break;
	case QOP_NOT_EMPTY:
		put(b, "(");
		put(b, col);
		put(b, " IS NOT NULL AND ");
		put(b, col);
		put(b, is_numeric(f->type) ? " <> 0)" : " <> '')");
		break;
	case QOP_NONE:
	case QOP_IN_QUERY: /* written by sub_sql, never here */
		put(b, "1 = 0");
		break;
	}
}

/* The positive form of a negative operator, for link fields (NOT IN (subquery of positives)). */
static enum query_op positive(enum query_op op, bool *negated)
{
	*negated = true;
	switch (op) {
	case QOP_NE:
		return QOP_EQ;
	case QOP_NOT_IN:
		return QOP_IN;
	case QOP_NOT_LIKE:
		return QOP_LIKE;
	case QOP_NOT_LIKE_RAW:
		return QOP_LIKE_RAW;
	case QOP_EMPTY:
		return QOP_NOT_EMPTY;
	default:
		*negated = false;
		return op;
	}
}

static void cond_sql(struct build *b, const struct query_cond *c);

/* col IN (SELECT key FROM sub's table WHERE sub's conditions): the sub's values are bound as
 * placeholders of the outer statement, in writing order. */
static void sub_sql(struct build *b, const struct query_field *f, const struct query *sub)
{
	if (!sub || (f->flags & (QF_NOCOL | QF_MULTIPLE))) {
		b->failed = 1;
		return;
	}
	put(b, f->column);
	put(b, " IN (SELECT ");
	put(b, sub->ent->pk);
	put(b, " FROM ");
	put(b, sub->ent->table);
	const struct query_entity *outer = b->ent;
	b->ent = sub->ent;
	for (size_t i = 0; i < sub->n_conds; i++) {
		put(b, i ? " AND " : " WHERE ");
		cond_sql(b, &sub->conds[i]);
	}
	b->ent = outer;
	put(b, ")");
}

static void cond_sql(struct build *b, const struct query_cond *c)
{
	if (!c->field) {
		put(b, "(");
		for (size_t i = 0; i < c->n_any; i++) {
			if (i)
				put(b, c->all ? " AND " : " OR ");
			cond_sql(b, &c->any[i]);
		}
		if (!c->n_any)
			put(b, c->all ? "1 = 1" : "1 = 0");
		put(b, ")");
		return;
	}
	const struct query_field *f = c->field;
	if (c->op == QOP_IN_QUERY) {
		sub_sql(b, f, c->sub);
		return;
	}
	if (!(f->flags & QF_MULTIPLE) || !f->link) {
		char col[128];
		/* SQLite would use this column's index and then sort every match; a unary plus keeps
		 * the condition and lets the ORDER BY's index drive (PostgreSQL reads it the same way). */
		if (c->page_noindex && b->page && snprintf(col, sizeof col, "+%s", f->column) < (int)sizeof col)
			cond_on(b, f, col, c->op, c->values, c->n_values);
		else
			cond_on(b, f, f->column, c->op, c->values, c->n_values);
		return;
	}
	if (c->op == QOP_NONE) {
		put(b, "1 = 0");
		return;
	}
	bool negated;
	enum query_op op = positive(c->op, &negated);
	put(b, b->ent->pk);
	put(b, negated ? " NOT IN (" : " IN (");
	put(b, f->link);
	put(b, " ");
	/* inside the link, NULL values do not exist: compare plainly */
	if (op == QOP_NOT_EMPTY) {
		put(b, f->column);
		put(b, " IS NOT NULL");
	} else {
		cond_on(b, f, f->column, op, c->values, c->n_values);
	}
	put(b, ")");
}

static int build_begin(struct build *b, struct query *q)
{
	b->q = q;
	b->ent = q->ent;
	b->failed = 0;
	b->page = false;
	buf_init(&b->sql, QUERY_MAX_SQL);
	q->n_binds = 0;
	return 0;
}

static bool has_column(const struct query_field *f);

int query_order_terms(const struct query *q, const struct query_field **f, bool *desc)
{
	int n = 0;
	for (size_t i = 0; i < q->n_order; i++) {
		const struct query_field *o = q->order[i].field;
		if (!has_column(o))
			continue;
		f[n] = o;
		desc[n++] = q->order[i].desc;
		if (strcmp(o->column, q->ent->pk) == 0)
			return n; /* the key is unique: nothing after it changes the order */
	}
	for (size_t i = 0; i < q->ent->n_fields; i++)
		if (strcmp(q->ent->fields[i].column, q->ent->pk) == 0 && has_column(&q->ent->fields[i])) {
			f[n] = &q->ent->fields[i];
			desc[n++] = false;
			return n;
		}
	return 0; /* no field is the key: no keyset paging */
}

/* Rows after the anchor in the order: (t1 > a1) OR (t1 = a1 AND t2 > a2) OR …, with < for
 * descending terms. SQLite sorts NULL first ascending and last descending, so a descending
 * term also lets NULL rows through (an anchor itself never holds NULL). */
static void seek_sql(struct build *b, const struct query_anchor *a)
{
	const struct query_field *f[QUERY_MAX_ORDER + 1];
	bool desc[QUERY_MAX_ORDER + 1];
	int n = query_order_terms(b->q, f, desc);
	if (n != a->n) {
		b->failed = 1;
		return;
	}
	put(b, "(");
	for (int i = 0; i < n; i++) {
		put(b, i ? " OR (" : "(");
		for (int j = 0; j < i; j++) {
			put(b, f[j]->column);
			put(b, " = ");
			placeholder(b, &a->v[j]);
			put(b, " AND ");
		}
		if (desc[i]) {
			put(b, "(");
			put(b, f[i]->column);
			put(b, " < ");
			placeholder(b, &a->v[i]);
			put(b, " OR ");
			put(b, f[i]->column);
			put(b, " IS NULL))");
		} else {
			put(b, f[i]->column);
			put(b, " > ");
			placeholder(b, &a->v[i]);
			put(b, ")");
		}
	}
	put(b, ")");
}

static void where_sql(struct build *b)
{
	struct query *q = b->q;
	size_t i;
	for (i = 0; i < q->n_conds; i++) {
		put(b, i ? " AND " : " WHERE ");
		cond_sql(b, &q->conds[i]);
	}
	if (q->seek) {
		put(b, i ? " AND " : " WHERE ");
		seek_sql(b, q->seek);
	}
}

bool query_read_anchor(struct query *q, struct stmt *s, struct query_anchor *a)
{
	const struct query_field *f[QUERY_MAX_ORDER + 1];
	bool desc[QUERY_MAX_ORDER + 1];
	int n = query_order_terms(q, f, desc);
	size_t n_cols;
	if (!n || !query_columns(q, &n_cols))
		return false;
	int base = 1 + (int)n_cols; /* after the key and the selected columns */
	a->n = n;
	for (int i = 0; i < n; i++) {
		int c = base + i;
		if (store_col_isnull(s, c))
			return false;
		struct query_value *v = &a->v[i];
		memset(v, 0, sizeof *v);
		if (f[i]->type == QT_INT || f[i]->type == QT_BOOL) {
			v->kind = QV_INT;
			v->i = store_col_int(s, c);
		} else if (f[i]->type == QT_DOUBLE) {
			v->kind = QV_DOUBLE;
			v->d = store_col_double(s, c);
		} else {
			v->kind = QV_TEXT;
			v->s = arena_strdup(q->arena, store_col_text(s, c));
			if (!v->s)
				return false;
		}
	}
	return true;
}

static char *build_end(struct build *b)
{
	char *out = NULL;
	if (!b->failed && b->sql.len)
		out = arena_strndup(b->q->arena, b->sql.data, b->sql.len);
	buf_release(&b->sql);
	return out;
}

static bool has_column(const struct query_field *f)
{
	return !(f->flags & (QF_NOCOL | QF_MULTIPLE));
}

const struct query_field **query_columns(struct query *q, size_t *n)
{
	const struct query_field **cols = arena_alloc(q->arena, (q->ent->n_fields + 1) * sizeof *cols);
	*n = 0;
	if (!cols)
		return NULL;
	if (q->select) {
		for (size_t i = 0; i < q->n_select; i++)
			if (has_column(q->select[i]))
				cols[(*n)++] = q->select[i];
	} else {
		for (size_t i = 0; i < q->ent->n_fields; i++)
			if (has_column(&q->ent->fields[i]) && !(q->ent->fields[i].flags & (QF_HIDDEN | QF_NOSTAR)))
				cols[(*n)++] = &q->ent->fields[i];
	}
	return cols;
}

char *query_sql_select(struct query *q)
{
	struct build b;
	if (build_begin(&b, q))
		return NULL;
	b.page = true;
	size_t n;
	const struct query_field **cols = query_columns(q, &n);
	if (!cols)
		b.failed = 1;
	put(&b, "SELECT ");
	put(&b, q->ent->pk);
	for (size_t i = 0; i < n; i++) {
		put(&b, ", ");
		put(&b, cols[i]->column);
	}
	if (q->anchor_cols) {
		const struct query_field *f[QUERY_MAX_ORDER + 1];
		bool desc[QUERY_MAX_ORDER + 1];
		int nt = query_order_terms(q, f, desc);
		for (int i = 0; i < nt; i++) {
			put(&b, ", ");
			put(&b, f[i]->column);
		}
	}
	put(&b, " FROM ");
	put(&b, q->ent->table);
	where_sql(&b);
	put(&b, " ORDER BY ");
	bool pk_seen = false;
	for (size_t i = 0; i < q->n_order; i++) {
		const struct query_field *f = q->order[i].field;
		if (!has_column(f))
			continue;
		put(&b, f->column);
		put(&b, q->order[i].desc ? " DESC, " : " ASC, ");
		if (strcmp(f->column, q->ent->pk) == 0) {
			pk_seen = true;
			break; /* the key is unique: nothing after it changes the order */
		}
	}
	if (!pk_seen) {
		put(&b, q->ent->pk);
		put(&b, " ASC");
	} else if (!b.failed) {
		b.sql.len -= 2; /* drop the trailing ", " */
		b.sql.data[b.sql.len] = 0;
	}
	char tmp[64];
	if (q->limit >= 0) {
		snprintf(tmp, sizeof tmp, " LIMIT %lld", (long long)q->limit);
		put(&b, tmp);
	}
	if (q->offset > 0) {
		if (q->limit < 0) /* SQLite needs a LIMIT before OFFSET; PostgreSQL refuses -1 */
			put(&b, " LIMIT 9223372036854775807");
		snprintf(tmp, sizeof tmp, " OFFSET %lld", (long long)q->offset);
		put(&b, tmp);
	}
	return build_end(&b);
}

int query_group_sums(struct store *st, struct query *q, const struct query_field *group,
		     const struct query_field *money,
		     int (*fn)(void *ctx, const char *value, int64_t count, int64_t cents), void *ctx)
{
	if (!has_column(group) || !has_column(money))
		return STORE_ERROR;
	struct build b;
	if (build_begin(&b, q))
		return STORE_TOOBIG;
	put(&b, "SELECT ");
	put(&b, group->column);
	put(&b, ", COUNT(*), COALESCE(SUM(CAST(ROUND(");
	put(&b, money->column);
	put(&b, " * 100) AS INTEGER)), 0) FROM ");
	put(&b, q->ent->table);
	where_sql(&b);
	put(&b, " GROUP BY ");
	put(&b, group->column);
	char *sql = build_end(&b);
	if (!sql)
		return STORE_TOOBIG;
	struct stmt *s = store_prepare(st, sql);
	if (!s)
		return STORE_ERROR;
	int rc = query_bind(q, s);
	while (!rc && (rc = store_step(s)) == STORE_ROW)
		rc = fn(ctx, store_col_text(s, 0), store_col_int(s, 1), store_col_int(s, 2));
	store_reset(s);
	return rc == STORE_ROW ? STORE_OK : rc;
}

char *query_sql_count(struct query *q)
{
	struct build b;
	if (build_begin(&b, q))
		return NULL;
	put(&b, "SELECT COUNT(*) FROM ");
	put(&b, q->ent->table);
	where_sql(&b);
	return build_end(&b);
}

static int bind_value(struct stmt *s, int n, const struct query_value *v)
{
	switch (v->kind) {
	case QV_INT:
		return store_bind_int(s, n, v->i);
	case QV_DOUBLE:
		return store_bind_double(s, n, v->d);
	case QV_TEXT:
		return store_bind_text(s, n, v->s);
	default:
		return store_bind_null(s, n);
	}
}

int query_bind(struct query *q, struct stmt *s)
{
	for (int i = 0; i < q->n_binds; i++) {
		int rc = bind_value(s, i + 1, q->binds[i]);
		if (rc)
			return rc;
	}
	return STORE_OK;
}

int query_open(struct store *st, struct query *q, struct stmt **out)
{
	char *sql = query_sql_select(q);
	if (!sql)
		return STORE_TOOBIG;
	struct stmt *s = store_prepare(st, sql);
	if (!s)
		return STORE_ERROR;
	int rc = query_bind(q, s);
	if (rc) {
		store_reset(s);
		return rc;
	}
	*out = s;
	return STORE_OK;
}

int query_count(struct store *st, struct query *q, int64_t *total)
{
	char *sql = query_sql_count(q);
	if (!sql)
		return STORE_TOOBIG;
	struct stmt *s = store_prepare(st, sql);
	if (!s)
		return STORE_ERROR;
	int rc = query_bind(q, s);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		*total = store_col_int(s, 0);
		rc = STORE_OK;
	}
	store_reset(s);
	return rc;
}

/* ---- writes ---- */

int query_insert(struct store *st, struct arena *a, const struct query_entity *e, const struct query_set *sets,
		 size_t n, int64_t *id)
{
	struct query q;
	query_init(&q, a, e);
	struct build b;
	if (build_begin(&b, &q))
		return STORE_TOOBIG;
	put(&b, "INSERT INTO ");
	put(&b, e->table);
	put(&b, " (");
	for (size_t i = 0; i < n; i++) {
		if (!has_column(sets[i].field))
			return buf_release(&b.sql), STORE_ERROR;
		if (i)
			put(&b, ", ");
		put(&b, sets[i].field->column);
	}
	put(&b, ") VALUES (");
	for (size_t i = 0; i < n; i++) {
		if (i)
			put(&b, ", ");
		placeholder(&b, &sets[i].value);
	}
	put(&b, ") RETURNING ");
	put(&b, e->pk);
	char *sql = build_end(&b);
	if (!sql)
		return STORE_TOOBIG;
	struct stmt *s = store_prepare(st, sql);
	if (!s)
		return STORE_ERROR;
	int rc = query_bind(&q, s);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		*id = store_col_int(s, 0);
		rc = store_exec_stmt(s); /* finish the statement so the row is written */
	} else if (rc == STORE_OK) {
		rc = STORE_ERROR;
	}
	store_reset(s);
	return rc;
}

int query_update(struct store *st, struct arena *a, const struct query_entity *e, int64_t id,
		 const struct query_set *sets, size_t n)
{
	if (n == 0)
		return STORE_OK;
	struct query q;
	query_init(&q, a, e);
	struct build b;
	if (build_begin(&b, &q))
		return STORE_TOOBIG;
	struct query_value *key = arena_alloc(a, sizeof *key);
	if (!key)
		return buf_release(&b.sql), STORE_TOOBIG;
	key->kind = QV_INT;
	key->i = id;
	put(&b, "UPDATE ");
	put(&b, e->table);
	put(&b, " SET ");
	for (size_t i = 0; i < n; i++) {
		if (!has_column(sets[i].field))
			return buf_release(&b.sql), STORE_ERROR;
		if (i)
			put(&b, ", ");
		put(&b, sets[i].field->column);
		put(&b, " = ");
		placeholder(&b, &sets[i].value);
	}
	put(&b, " WHERE ");
	put(&b, e->pk);
	put(&b, " = ");
	placeholder(&b, key);
	char *sql = build_end(&b);
	if (!sql)
		return STORE_TOOBIG;
	struct stmt *s = store_prepare(st, sql);
	if (!s)
		return STORE_ERROR;
	int rc = query_bind(&q, s);
	if (!rc)
		rc = store_exec_stmt(s);
	else
		store_reset(s);
	if (!rc && store_last_changes(st) == 0)
		rc = STORE_NOTFOUND;
	return rc;
}
