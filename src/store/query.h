/* query.h — the shared filter / order / select engine behind every list method (users and
 * departments now, CRM entities later). An entity is described once (struct query_entity: its
 * table and its fields, each with a REST name, an SQL column and a type); a struct query holds
 * parsed conditions, order terms and paging, and the builder turns it into SQL text with $n
 * placeholders plus the values to bind.
 *
 * Safety: identifiers in the SQL come only from the descriptor, never from input; every value
 * from outside is bound. LIKE values are escaped (% and _ become literal) and compared with
 * ESCAPE '\', so a user typing "50%" finds "50%", not everything.
 *
 * Memory: a query and everything in it (conditions, values, the SQL text) live in the arena
 * given to query_init(); nothing is freed by hand. Functions that can fail return 0 or a
 * negative store code (STORE_TOOBIG when the arena or a limit below is exhausted).
 *
 * The REST side (rest/filter.h) parses Bitrix24's `filter`, `order` and `select` into this
 * structure; domain code may also fill it directly. */
#ifndef VORONKA_QUERY_H
#define VORONKA_QUERY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct store;
struct stmt;

#define QUERY_MAX_CONDS 200    /* conditions (including OR members) in one query */
#define QUERY_MAX_VALUES 1000  /* values in one IN list */
#define QUERY_MAX_BINDS 2000   /* placeholders in one statement: SQLite allows 32766 */
#define QUERY_MAX_ORDER 16     /* order terms */
#define QUERY_MAX_SQL 65536    /* bytes of generated SQL */

enum query_type {
	QT_INT,      /* INTEGER column; REST reads and writes decimal text or numbers */
	QT_DOUBLE,   /* REAL column */
	QT_STRING,   /* TEXT */
	QT_CHAR,     /* TEXT 'Y' / 'N' (Bitrix24's "char" booleans) */
	QT_BOOL,     /* INTEGER 0 / 1; REST shows true / false */
	QT_DATE,     /* TEXT "YYYY-MM-DD" ('' when unset) */
	QT_DATETIME, /* TEXT "YYYY-MM-DD hh:mm:ss" UTC (NULL or '' when unset) */
};

enum query_field_flags {
	QF_FILTER = 1 << 0,    /* may appear in a filter */
	QF_SORT = 1 << 1,      /* may appear in an order */
	QF_READONLY = 1 << 2,  /* add/update ignore it (ID, dates set by the server) */
	QF_MULTIPLE = 1 << 3,  /* many values per row, held in a link table (see link) */
	QF_REQUIRED = 1 << 4,  /* add refuses a record without it */
	QF_HIDDEN = 1 << 5,    /* not shown by `select *` nor by *.fields */
	QF_NUMBER = 1 << 6,    /* QT_INT shown as a JSON number, not the legacy string */
	QF_OMIT_NULL = 1 << 7, /* a NULL value leaves the key out of the record */
	QF_NOCOL = 1 << 8,     /* no column: computed by the entity's handler (IS_ONLINE) */
	QF_ADMIN = 1 << 9,     /* only administrators may change it */
	QF_NOSTAR = 1 << 10,   /* left out of the default select and of "*", but selectable by name
				* and listed by *.fields (CRM multi-fields: PHONE, EMAIL, CONTACT_IDS) */
};

struct query_field {
	const char *name;   /* the REST name, upper case: "LAST_NAME" */
	const char *column; /* the SQL column; for QF_MULTIPLE the value column inside link */
	enum query_type type;
	unsigned flags;     /* enum query_field_flags */
	const char *title;  /* for *.fields */
	/* QF_MULTIPLE: the start of a subquery selecting the owner ids, ending in WHERE, e.g.
	 * "SELECT user_id FROM user_departments WHERE"; the builder appends a condition on column
	 * and tests the entity's key against it: "id IN (SELECT … WHERE department_id = $1)". */
	const char *link;
};

struct query_entity {
	const char *table;  /* FROM */
	const char *pk;     /* the key column, "id": the default order and the final tie-breaker */
	const struct query_field *fields;
	size_t n_fields;
	/* A filter value with no operator that contains '%' is a LIKE pattern (user.get's
	 * {"NAME":"Iva%"}); entities without this compare such values literally. */
	bool eq_wildcards;
};

enum query_op {
	QOP_EQ,          /* =  (an array: IN) */
	QOP_NE,          /* !, != (an array: NOT IN); NULLs count as different */
	QOP_LT, QOP_LE, QOP_GT, QOP_GE,
	QOP_IN,          /* @ */
	QOP_NOT_IN,      /* !@ */
	QOP_LIKE,        /* %: substring; the value's own % and _ are literal */
	QOP_NOT_LIKE,    /* !% */
	QOP_LIKE_RAW,    /* =% or %=: the client's % are wildcards; _ is literal */
	QOP_NOT_LIKE_RAW,/* !=% or !%= */
	QOP_EMPTY,       /* NULL, '' (text) or 0 (numbers): what an empty filter value asks */
	QOP_NOT_EMPTY,
	QOP_NONE,        /* matches nothing (an empty IN list) */
	QOP_IN_QUERY,    /* the field's value is a key of the rows another query matches (sub) */
};

enum query_value_kind { QV_INT, QV_DOUBLE, QV_TEXT, QV_NULL };

/* For the LIKE operators the value is the final pattern, already escaped and wrapped in % as
 * its operator asks (rest/filter.c does it; query_like_escape helps). */
struct query_value {
	enum query_value_kind kind;
	int64_t i;
	double d;
	const char *s; /* QV_TEXT; arena-owned */
};

struct query_cond {
	const struct query_field *field; /* NULL: a group of the members in any[] */
	enum query_op op;
	struct query_value *values;      /* one, or the IN list */
	size_t n_values;
	struct query_cond *any;          /* group members: conditions or groups themselves */
	size_t n_any;
	bool all;                        /* a group: AND of the members (else OR); an empty AND is true */
	const struct query *sub;         /* QOP_IN_QUERY: its conditions select the keys (its values
					  * are bound in the outer statement) */
	bool page_noindex;               /* in a page (not a count) the column is written +col, so the
					  * planner walks the index of the order instead of this one */
};

struct query_order {
	const struct query_field *field;
	bool desc;
};

/* A position in a query's order: the values of its effective order terms (query_order_terms) of
 * one row, the key last. Keyset paging continues after it with an indexed seek instead of
 * counting off an OFFSET. */
struct query_anchor {
	struct query_value v[QUERY_MAX_ORDER + 1];
	int n;
};

struct query {
	struct arena *arena;
	const struct query_entity *ent;
	struct query_cond *conds;          /* ANDed */
	size_t n_conds, cap_conds;
	size_t n_total_conds;              /* including OR members, against QUERY_MAX_CONDS */
	struct query_order order[QUERY_MAX_ORDER];
	size_t n_order;
	const struct query_field **select; /* NULL: every field without QF_HIDDEN */
	size_t n_select;
	int64_t limit;                     /* -1: none */
	int64_t offset;                    /* 0: none */
	const struct query_anchor *seek;   /* rows strictly after this position only */
	bool anchor_cols;                  /* SELECT appends the order terms' columns (query_read_anchor) */
	/* Filled by the builder: the values in placeholder order ($1 is binds[0]). */
	const struct query_value **binds;
	int n_binds, cap_binds;            /* grown by doubling up to QUERY_MAX_BINDS */
};

void query_init(struct query *q, struct arena *a, const struct query_entity *e);
/* The field called name (ASCII case-insensitive), or NULL. */
const struct query_field *query_field_find(const struct query_entity *e, const char *name);

/* Append a condition (copied; its values are kept by pointer and must live in the arena). */
int query_add_cond(struct query *q, const struct query_cond *c);
int query_add_order(struct query *q, const struct query_field *f, bool desc);
/* Add a field to the select list (duplicates are ignored). */
int query_add_select(struct query *q, const struct query_field *f);
/* Free-text search: each word of text must be found (substring, any case) in one of fields. */
int query_add_search(struct query *q, const struct query_field *const *fields, size_t n_fields, const char *text);
/* Does the select list include f? (true for every non-hidden field when there is no list) */
bool query_selects(const struct query *q, const struct query_field *f);

/* The SQL text. SELECT: the key first (column 0), then each selected field that has a column,
 * in the order query_columns() reports; ORDER BY the order terms then the key; LIMIT/OFFSET.
 * COUNT: SELECT COUNT(*) with the same WHERE. Both record q->binds. NULL over a limit. */
char *query_sql_select(struct query *q);
char *query_sql_count(struct query *q);
/* The fields behind the SELECT's columns 1..n (column 0 is the key). */
const struct query_field **query_columns(struct query *q, size_t *n);
int query_bind(struct query *q, struct stmt *s);

/* The effective order: the order terms that have columns up to the key, then the key ascending
 * if it was not among them. Returns the count (≤ QUERY_MAX_ORDER + 1). */
int query_order_terms(const struct query *q, const struct query_field **f, bool *desc);
/* With anchor_cols set, the anchor of the current row of s (a statement of query_open). Text is
 * copied into the arena. Returns false when a value is NULL (such a row cannot anchor a seek). */
bool query_read_anchor(struct query *q, struct stmt *s, struct query_anchor *a);

/* Per value of `group` (a column field) among the rows q matches: the row count and the sum of
 * `money` (a REAL column of amounts) in integer cents. Each group is given to fn (its value as
 * text); a non-zero return from fn stops and is returned. */
int query_group_sums(struct store *st, struct query *q, const struct query_field *group,
		     const struct query_field *money,
		     int (*fn)(void *ctx, const char *value, int64_t count, int64_t cents), void *ctx);

/* Prepare, bind: a statement ready to step (owned by the store's cache). */
int query_open(struct store *st, struct query *q, struct stmt **out);
int query_count(struct store *st, struct query *q, int64_t *total);

/* Writes. Each set names a field with a column and the value to store. */
struct query_set {
	const struct query_field *field;
	struct query_value value;
};
/* INSERT … RETURNING key. */
int query_insert(struct store *st, struct arena *a, const struct query_entity *e, const struct query_set *sets,
		 size_t n, int64_t *id);
/* UPDATE … WHERE key = id; STORE_NOTFOUND if no such row. */
int query_update(struct store *st, struct arena *a, const struct query_entity *e, int64_t id,
		 const struct query_set *sets, size_t n);

/* Escape % _ and \ for a LIKE … ESCAPE '\' pattern; keep_percent leaves % as a wildcard. */
char *query_like_escape(struct arena *a, const char *s, bool keep_percent);

#endif
