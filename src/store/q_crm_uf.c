/* q_crm_uf.c — every SQL text about CRM custom fields, and the per-thread descriptor cache (see
 * q_crm_uf.h). */
#include "store/q_crm_uf.h"
#include "store/q_crm_item.h"
#include "store/store.h"
#include "core/arena.h"
#include "core/log.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define F (QF_FILTER | QF_SORT)
#define CACHE_ARENA (16u << 20) /* one thread's definitions: 4 × 64 fields with their items */
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Indexed by entityTypeId: the only table names chosen at run time, never from input. */
static const char *const item_tables[] = {NULL, "crm_lead", "crm_deal", "crm_contact", "crm_company"};

static const struct {
	const char *name;     /* crm_uf_field.storage */
	enum query_type type; /* how the engine compares and shows a value */
	const char *sql_type; /* the column's type */
	const char *value_col; /* the typed column of crm_uf_value */
} storages[QUF__COUNT] = {
	[QUF_INT] = {"int", QT_INT, "INTEGER", "value_int"},
	[QUF_REAL] = {"real", QT_DOUBLE, "REAL", "value_num"},
	[QUF_TEXT] = {"text", QT_STRING, "TEXT", "value_text"},
	[QUF_DATE] = {"date", QT_DATE, "TEXT", "value_text"},
	[QUF_DATETIME] = {"datetime", QT_DATETIME, "TEXT", "value_text"},
	[QUF_BOOL] = {"bool", QT_BOOL, "INTEGER", "value_int"},
	[QUF_FILE] = {"file", QT_INT, "INTEGER", "value_int"},
};

const char *q_crm_uf_storage_name(enum q_crm_uf_storage s)
{
	return s < QUF__COUNT ? storages[s].name : "text";
}

static enum q_crm_uf_storage storage_of(const char *name)
{
	for (int i = 0; i < QUF__COUNT; i++)
		if (!strcmp(storages[i].name, name))
			return (enum q_crm_uf_storage)i;
	return QUF_TEXT;
}

static bool type_ok(int t)
{
	return t >= 1 && t <= 4;
}

/* The store's own check of a name that becomes an SQL identifier: "UF_" then [A-Z0-9_]. */
static bool name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n < 4 || n > Q_CRM_UF_NAME_MAX || strncmp(name, "UF_", 3))
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

/* The column of a field: its name in lower case. */
static void column_of(const char *name, char *out, size_t n)
{
	size_t i = 0;
	for (; name[i] && i + 1 < n; i++)
		out[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] - 'A' + 'a') : name[i];
	out[i] = 0;
}

static int bind_text_or_null(struct stmt *s, int i, const char *v)
{
	return v ? store_bind_text(s, i, v) : store_bind_null(s, i);
}

/* ---- definitions ---- */

#define DEF_COLS                                                                                                       \
	"id, entity_type_id, field_name, user_type_id, storage, is_side, xml_id, sort, multiple, mandatory, "          \
	"show_filter, show_in_list, edit_in_list, is_searchable, settings, labels"

static int read_def(struct stmt *s, struct arena *a, struct q_crm_uf_def *d)
{
	memset(d, 0, sizeof *d);
	d->id = store_col_int(s, 0);
	d->entity_type_id = (int)store_col_int(s, 1);
	store_col_copy(s, 2, d->field_name, sizeof d->field_name);
	store_col_copy(s, 3, d->user_type_id, sizeof d->user_type_id);
	d->storage = storage_of(store_col_text(s, 4));
	d->side = store_col_int(s, 5) != 0;
	d->xml_id = store_col_isnull(s, 6) ? NULL : arena_strdup(a, store_col_text(s, 6));
	d->sort = store_col_int(s, 7);
	d->multiple = store_col_text(s, 8)[0] == 'Y';
	d->mandatory = store_col_text(s, 9)[0] == 'Y';
	d->show_filter = store_col_text(s, 10)[0] ? store_col_text(s, 10)[0] : 'N';
	d->show_in_list = store_col_text(s, 11)[0] == 'Y';
	d->edit_in_list = store_col_text(s, 12)[0] == 'Y';
	d->is_searchable = store_col_text(s, 13)[0] == 'Y';
	d->settings = arena_strdup(a, store_col_text(s, 14));
	d->labels = arena_strdup(a, store_col_text(s, 15));
	if ((!d->xml_id && !store_col_isnull(s, 6)) || !d->settings || !d->labels)
		return STORE_TOOBIG;
	return STORE_OK;
}

/* Items read in field order, to be handed to their definitions. */
struct items_read {
	struct q_crm_uf_item *it;
	int64_t *field_id;
	size_t n, cap;
};

static int items_step(struct stmt *s, struct arena *a, struct items_read *r)
{
	int rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		if (r->n == r->cap) {
			size_t nc = r->cap ? r->cap * 2 : 16;
			struct q_crm_uf_item *g = arena_alloc(a, nc * sizeof *g);
			int64_t *gf = arena_alloc(a, nc * sizeof *gf);
			if (!g || !gf) {
				store_reset(s);
				return STORE_TOOBIG;
			}
			if (r->n) {
				memcpy(g, r->it, r->n * sizeof *g);
				memcpy(gf, r->field_id, r->n * sizeof *gf);
			}
			r->it = g;
			r->field_id = gf;
			r->cap = nc;
		}
		struct q_crm_uf_item *it = &r->it[r->n];
		r->field_id[r->n] = store_col_int(s, 1);
		it->id = store_col_int(s, 0);
		it->value = arena_strdup(a, store_col_text(s, 2));
		it->def = store_col_text(s, 3)[0] == 'Y';
		it->sort = store_col_int(s, 4);
		it->xml_id = arena_strdup(a, store_col_text(s, 5));
		if (!it->value || !it->xml_id) {
			store_reset(s);
			return STORE_TOOBIG;
		}
		r->n++;
	}
	store_reset(s);
	return rc;
}

/* Point each definition at its items (r is ordered by field id, then sort, id). */
static void items_hand_out(struct items_read *r, struct q_crm_uf_def *defs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t lo = 0, hi = r->n;
		while (lo < hi) { /* the first item of the field */
			size_t mid = (lo + hi) / 2;
			if (r->field_id[mid] < defs[i].id)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t end = lo;
		while (end < r->n && r->field_id[end] == defs[i].id)
			end++;
		defs[i].items = end > lo ? &r->it[lo] : NULL;
		defs[i].n_items = end - lo;
	}
}

int q_crm_uf_list(struct store *st, struct arena *a, int entity_type_id, struct q_crm_uf_def **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct stmt *s;
	if (entity_type_id)
		STORE_PREP(s, st, "SELECT " DEF_COLS " FROM crm_uf_field WHERE entity_type_id = $1 ORDER BY sort, id");
	else
		STORE_PREP(s, st, "SELECT " DEF_COLS " FROM crm_uf_field ORDER BY entity_type_id, sort, id");
	int rc = entity_type_id ? store_bind_int(s, 1, entity_type_id) : STORE_OK;
	size_t cap = 0;
	while (!rc && (rc = store_step(s)) == STORE_ROW) {
		if (*n == cap && !(*out = arena_grow(a, *out, *n, &cap, sizeof **out))) {
			rc = STORE_TOOBIG;
			break;
		}
		rc = read_def(s, a, &(*out)[(*n)++]);
	}
	store_reset(s);
	if (rc < 0)
		return rc;
	if (entity_type_id)
		STORE_PREP(s, st,
			   "SELECT e.id, e.field_id, e.value, e.def, e.sort, e.xml_id FROM crm_uf_enum e JOIN crm_uf_field f "
			   "ON f.id = e.field_id WHERE f.entity_type_id = $1 ORDER BY e.field_id, e.sort, e.id");
	else
		STORE_PREP(s, st,
			   "SELECT id, field_id, value, def, sort, xml_id FROM crm_uf_enum ORDER BY field_id, sort, id");
	rc = entity_type_id ? store_bind_int(s, 1, entity_type_id) : STORE_OK;
	struct items_read r = {0};
	if (!rc)
		rc = items_step(s, a, &r);
	if (rc)
		return rc;
	items_hand_out(&r, *out, *n);
	return STORE_OK;
}

int q_crm_uf_get(struct store *st, struct arena *a, int64_t id, struct q_crm_uf_def *out)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT " DEF_COLS " FROM crm_uf_field WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW)
		rc = read_def(s, a, out);
	else if (rc == STORE_OK)
		rc = STORE_NOTFOUND;
	store_reset(s);
	if (rc)
		return rc;
	STORE_PREP(s, st,
		   "SELECT id, field_id, value, def, sort, xml_id FROM crm_uf_enum WHERE field_id = $1 ORDER BY sort, id");
	struct items_read r = {0};
	rc = store_bind_int(s, 1, id);
	if (!rc)
		rc = items_step(s, a, &r);
	if (rc)
		return rc;
	out->items = r.it;
	out->n_items = r.n;
	return STORE_OK;
}

int q_crm_uf_name_exists(struct store *st, int entity_type_id, const char *field_name, bool *exists)
{
	*exists = false;
	struct stmt *s;
	STORE_PREP(s, st, "SELECT 1 FROM crm_uf_field WHERE entity_type_id = $1 AND field_name = $2");
	int rc = store_bind_int(s, 1, entity_type_id);
	if (!rc)
		rc = store_bind_text(s, 2, field_name);
	if (!rc && (rc = store_step(s)) == STORE_ROW) {
		*exists = true;
		rc = STORE_OK;
	}
	store_reset(s);
	return rc;
}

int q_crm_uf_count(struct store *st, int entity_type_id, int64_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT COUNT(*) FROM crm_uf_field WHERE entity_type_id = $1");
	int rc = store_bind_int(s, 1, entity_type_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_one_int(s, n);
}

static const char *yn(bool b)
{
	return b ? "Y" : "N";
}

/* The column and its index of a field kept in the item table. */
static int column_add(struct store *st, const struct q_crm_uf_def *d)
{
	char col[Q_CRM_UF_NAME_MAX + 1], sql[256];
	column_of(d->field_name, col, sizeof col);
	snprintf(sql, sizeof sql, "ALTER TABLE %s ADD COLUMN %s %s", item_tables[d->entity_type_id], col,
		 storages[d->storage].sql_type);
	int rc = store_exec(st, sql);
	if (rc)
		return rc;
	snprintf(sql, sizeof sql, "CREATE INDEX crm_uf_ix_%lld ON %s (%s)", (long long)d->id,
		 item_tables[d->entity_type_id], col);
	return store_exec(st, sql);
}

static int column_drop(struct store *st, const struct q_crm_uf_def *d)
{
	char col[Q_CRM_UF_NAME_MAX + 1], sql[256];
	column_of(d->field_name, col, sizeof col);
	snprintf(sql, sizeof sql, "DROP INDEX IF EXISTS crm_uf_ix_%lld", (long long)d->id);
	int rc = store_exec(st, sql);
	if (rc)
		return rc;
	snprintf(sql, sizeof sql, "ALTER TABLE %s DROP COLUMN %s", item_tables[d->entity_type_id], col);
	return store_exec(st, sql);
}

/* The next id of a counter of crm_uf_state (ids are never given twice). */
static int next_id(struct store *st, const char *sql, int64_t *id)
{
	struct stmt *s;
	STORE_PREP(s, st, sql);
	return store_one_int(s, id);
}

int q_crm_uf_create(struct store *st, struct q_crm_uf_def *d, const char *created_at)
{
	if (!type_ok(d->entity_type_id) || !name_ok(d->field_name) || d->storage >= QUF__COUNT)
		return STORE_ERROR;
	int rc = next_id(st, "UPDATE crm_uf_state SET last_field_id = last_field_id + 1 WHERE id = 1 RETURNING last_field_id",
			 &d->id);
	if (rc)
		return rc;
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO crm_uf_field (id, entity_type_id, field_name, user_type_id, storage, is_side, xml_id, "
		   "sort, multiple, mandatory, show_filter, show_in_list, edit_in_list, is_searchable, settings, labels, "
		   "created_at) VALUES ($17, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)");
	char sf[2] = {d->show_filter ? d->show_filter : 'N', 0};
	int i = 1;
	rc = rc ? rc : store_bind_int(s, i++, d->entity_type_id);
	rc = rc ? rc : store_bind_text(s, i++, d->field_name);
	rc = rc ? rc : store_bind_text(s, i++, d->user_type_id);
	rc = rc ? rc : store_bind_text(s, i++, storages[d->storage].name);
	rc = rc ? rc : store_bind_int(s, i++, d->side);
	rc = rc ? rc : bind_text_or_null(s, i++, d->xml_id);
	rc = rc ? rc : store_bind_int(s, i++, d->sort);
	rc = rc ? rc : store_bind_text(s, i++, yn(d->multiple));
	rc = rc ? rc : store_bind_text(s, i++, yn(d->mandatory));
	rc = rc ? rc : store_bind_text(s, i++, sf);
	rc = rc ? rc : store_bind_text(s, i++, yn(d->show_in_list));
	rc = rc ? rc : store_bind_text(s, i++, yn(d->edit_in_list));
	rc = rc ? rc : store_bind_text(s, i++, yn(d->is_searchable));
	rc = rc ? rc : store_bind_text(s, i++, d->settings ? d->settings : "{}");
	rc = rc ? rc : store_bind_text(s, i++, d->labels ? d->labels : "{}");
	rc = rc ? rc : store_bind_text(s, i++, created_at);
	rc = rc ? rc : store_bind_int(s, i++, d->id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	if ((rc = store_exec_stmt(s)))
		return rc;
	return d->side ? STORE_OK : column_add(st, d);
}

int q_crm_uf_update(struct store *st, const struct q_crm_uf_def *d)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "UPDATE crm_uf_field SET xml_id = $2, sort = $3, mandatory = $4, show_filter = $5, show_in_list = $6, "
		   "edit_in_list = $7, is_searchable = $8, settings = $9, labels = $10 WHERE id = $1");
	char sf[2] = {d->show_filter ? d->show_filter : 'N', 0};
	int rc = 0, i = 1;
	rc = rc ? rc : store_bind_int(s, i++, d->id);
	rc = rc ? rc : bind_text_or_null(s, i++, d->xml_id);
	rc = rc ? rc : store_bind_int(s, i++, d->sort);
	rc = rc ? rc : store_bind_text(s, i++, yn(d->mandatory));
	rc = rc ? rc : store_bind_text(s, i++, sf);
	rc = rc ? rc : store_bind_text(s, i++, yn(d->show_in_list));
	rc = rc ? rc : store_bind_text(s, i++, yn(d->edit_in_list));
	rc = rc ? rc : store_bind_text(s, i++, yn(d->is_searchable));
	rc = rc ? rc : store_bind_text(s, i++, d->settings ? d->settings : "{}");
	rc = rc ? rc : store_bind_text(s, i++, d->labels ? d->labels : "{}");
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

/* Run sql with $1 = a (and $2 = b when has_b). */
static int exec_ids(struct store *st, const char *sql, int64_t a, bool has_b, int64_t b)
{
	struct stmt *s;
	STORE_PREP(s, st, sql);
	int rc = store_bind_int(s, 1, a);
	if (!rc && has_b)
		rc = store_bind_int(s, 2, b);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_uf_delete(struct store *st, const struct q_crm_uf_def *d)
{
	if (!type_ok(d->entity_type_id) || !name_ok(d->field_name))
		return STORE_ERROR;
	int rc;
	if (d->side) {
		if (d->storage == QUF_FILE &&
		    (rc = exec_ids(st, "DELETE FROM crm_uf_file WHERE id IN (SELECT value_int FROM crm_uf_value WHERE "
				       "field_id = $1)", d->id, false, 0)))
			return rc;
		rc = exec_ids(st, "DELETE FROM crm_uf_value WHERE field_id = $1", d->id, false, 0);
	} else {
		rc = column_drop(st, d);
	}
	if (rc || (rc = exec_ids(st, "DELETE FROM crm_uf_enum WHERE field_id = $1", d->id, false, 0)))
		return rc;
	if (d->entity_type_id == 2) {
		struct stmt *s;
		STORE_PREP(s, st, "DELETE FROM crm_uf_pipeline WHERE field_name = $1");
		if ((rc = store_bind_text(s, 1, d->field_name))) {
			store_reset(s);
			return rc;
		}
		if ((rc = store_exec_stmt(s)))
			return rc;
	}
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_uf_field WHERE id = $1");
	if ((rc = store_bind_int(s, 1, d->id))) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

int q_crm_uf_item_insert(struct store *st, int64_t field_id, const struct q_crm_uf_item *it, int64_t *id)
{
	int rc = next_id(st, "UPDATE crm_uf_state SET last_enum_id = last_enum_id + 1 WHERE id = 1 RETURNING last_enum_id",
			 id);
	if (rc)
		return rc;
	struct stmt *s;
	STORE_PREP(s, st, "INSERT INTO crm_uf_enum (id, field_id, value, def, sort, xml_id) VALUES ($6, $1, $2, $3, $4, $5)");
	rc = store_bind_int(s, 1, field_id);
	if (!rc)
		rc = store_bind_text(s, 2, it->value);
	if (!rc)
		rc = store_bind_text(s, 3, yn(it->def));
	if (!rc)
		rc = store_bind_int(s, 4, it->sort);
	if (!rc)
		rc = store_bind_text(s, 5, it->xml_id);
	if (!rc)
		rc = store_bind_int(s, 6, *id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_uf_item_update(struct store *st, int64_t field_id, int64_t item_id, const char *value, const char *xml_id,
			 bool has_sort, int64_t sort, int def)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "UPDATE crm_uf_enum SET value = COALESCE($3, value), xml_id = COALESCE($4, xml_id), sort = CASE WHEN "
		   "$5 = 1 THEN $6 ELSE sort END, def = CASE WHEN $7 < 0 THEN def WHEN $7 = 1 THEN 'Y' ELSE 'N' END "
		   "WHERE id = $2 AND field_id = $1");
	int rc = 0, i = 1;
	rc = rc ? rc : store_bind_int(s, i++, field_id);
	rc = rc ? rc : store_bind_int(s, i++, item_id);
	rc = rc ? rc : bind_text_or_null(s, i++, value);
	rc = rc ? rc : bind_text_or_null(s, i++, xml_id);
	rc = rc ? rc : store_bind_int(s, i++, has_sort);
	rc = rc ? rc : store_bind_int(s, i++, sort);
	rc = rc ? rc : store_bind_int(s, i++, def);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

int q_crm_uf_item_delete(struct store *st, const struct q_crm_uf_def *d, int64_t item_id)
{
	if (!type_ok(d->entity_type_id) || !name_ok(d->field_name))
		return STORE_ERROR;
	int rc;
	if (d->side) {
		rc = exec_ids(st, "DELETE FROM crm_uf_value WHERE field_id = $1 AND value_int = $2", d->id, true, item_id);
	} else {
		char col[Q_CRM_UF_NAME_MAX + 1], sql[256];
		column_of(d->field_name, col, sizeof col);
		snprintf(sql, sizeof sql, "UPDATE %s SET %s = NULL WHERE %s = $1", item_tables[d->entity_type_id], col,
			 col);
		rc = exec_ids(st, sql, item_id, false, 0);
	}
	if (rc)
		return rc;
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_uf_enum WHERE id = $1 AND field_id = $2");
	rc = store_bind_int(s, 1, item_id);
	if (!rc)
		rc = store_bind_int(s, 2, d->id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

int q_crm_uf_item_single_def(struct store *st, int64_t field_id, int64_t keep_id)
{
	return exec_ids(st, "UPDATE crm_uf_enum SET def = 'N' WHERE field_id = $1 AND id <> $2", field_id, true, keep_id);
}

int q_crm_uf_touch(struct store *st)
{
	return store_exec(st, "UPDATE crm_uf_state SET version = version + 1 WHERE id = 1");
}

int q_crm_uf_version(struct store *st, int64_t *version)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT version FROM crm_uf_state WHERE id = 1");
	return store_one_int(s, version);
}

static const struct query_field uf_field_fields[] = {
	{"ID", "id", QT_INT, F | QF_READONLY, "ID", NULL},
	{"ENTITY_TYPE_ID", "entity_type_id", QT_INT, QF_FILTER | QF_HIDDEN, "Item type", NULL},
	{"FIELD_NAME", "field_name", QT_STRING, F, "Code", NULL},
	{"USER_TYPE_ID", "user_type_id", QT_STRING, F, "Data type", NULL},
	{"XML_ID", "xml_id", QT_STRING, F, "External ID", NULL},
	{"SORT", "sort", QT_INT, F, "Sorting", NULL},
	{"MULTIPLE", "multiple", QT_CHAR, F, "Multiple", NULL},
	{"MANDATORY", "mandatory", QT_CHAR, F, "Mandatory", NULL},
	{"SHOW_FILTER", "show_filter", QT_STRING, F, "Show in list filter", NULL},
	{"SHOW_IN_LIST", "show_in_list", QT_CHAR, F, "Show in list", NULL},
	{"EDIT_IN_LIST", "edit_in_list", QT_CHAR, F, "Allow user editing", NULL},
	{"IS_SEARCHABLE", "is_searchable", QT_CHAR, F, "Field values are searchable", NULL},
};

const struct query_entity q_crm_uf_field_entity = {
	"crm_uf_field", "id", uf_field_fields, N_OF(uf_field_fields), false,
};

/* ---- values ---- */

int q_crm_uf_values_of(struct store *st, struct arena *a, int entity_type_id, int64_t entity_id,
		       struct q_crm_uf_value **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT v.field_id, v.value_int, v.value_num, v.value_text, f.name, f.size FROM crm_uf_value v LEFT "
		   "JOIN crm_uf_file f ON f.id = v.value_int WHERE v.entity_type_id = $1 AND v.entity_id = $2 ORDER BY "
		   "v.field_id, v.n");
	int rc = store_bind_int(s, 1, entity_type_id);
	if (!rc)
		rc = store_bind_int(s, 2, entity_id);
	size_t cap = 0;
	while (!rc && (rc = store_step(s)) == STORE_ROW) {
		if (*n == cap && !(*out = arena_grow(a, *out, *n, &cap, sizeof **out))) {
			rc = STORE_TOOBIG;
			break;
		}
		struct q_crm_uf_value *v = &(*out)[(*n)++];
		v->field_id = store_col_int(s, 0);
		v->is_null = store_col_isnull(s, 1) && store_col_isnull(s, 2) && store_col_isnull(s, 3);
		v->i = store_col_int(s, 1);
		v->d = store_col_double(s, 2);
		v->s = arena_strdup(a, store_col_text(s, 3));
		v->file_name = store_col_isnull(s, 4) ? NULL : arena_strdup(a, store_col_text(s, 4));
		v->file_size = store_col_int(s, 5);
		if (!v->s || (!v->file_name && !store_col_isnull(s, 4))) {
			rc = STORE_TOOBIG;
			break;
		}
		rc = STORE_OK;
	}
	store_reset(s);
	return rc == STORE_ROW ? STORE_OK : rc;
}

static const char *const value_insert_sql[] = {
	"INSERT INTO crm_uf_value (entity_type_id, entity_id, field_id, n, value_int) VALUES ($1, $2, $3, $4, $5)",
	"INSERT INTO crm_uf_value (entity_type_id, entity_id, field_id, n, value_num) VALUES ($1, $2, $3, $4, $5)",
	"INSERT INTO crm_uf_value (entity_type_id, entity_id, field_id, n, value_text) VALUES ($1, $2, $3, $4, $5)",
};

int q_crm_uf_values_set(struct store *st, const struct q_crm_uf_def *d, int64_t entity_id, const struct query_value *v,
			size_t n)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_uf_value WHERE entity_type_id = $1 AND entity_id = $2 AND field_id = $3");
	int rc = store_bind_int(s, 1, d->entity_type_id);
	if (!rc)
		rc = store_bind_int(s, 2, entity_id);
	if (!rc)
		rc = store_bind_int(s, 3, d->id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	if ((rc = store_exec_stmt(s)))
		return rc;
	const char *col = storages[d->storage].value_col;
	const char *sql = !strcmp(col, "value_int") ? value_insert_sql[0]
			  : !strcmp(col, "value_num") ? value_insert_sql[1]
						      : value_insert_sql[2];
	for (size_t i = 0; i < n; i++) {
		STORE_PREP(s, st, sql);
		int k = 1;
		rc = store_bind_int(s, k++, d->entity_type_id);
		rc = rc ? rc : store_bind_int(s, k++, entity_id);
		rc = rc ? rc : store_bind_int(s, k++, d->id);
		rc = rc ? rc : store_bind_int(s, k++, (int64_t)i);
		if (!rc) {
			switch (v[i].kind) {
			case QV_INT:
				rc = store_bind_int(s, k, v[i].i);
				break;
			case QV_DOUBLE:
				rc = store_bind_double(s, k, v[i].d);
				break;
			case QV_TEXT:
				rc = store_bind_text(s, k, v[i].s);
				break;
			default:
				rc = store_bind_null(s, k);
			}
		}
		if (rc) {
			store_reset(s);
			return rc;
		}
		if ((rc = store_exec_stmt(s)))
			return rc;
	}
	return STORE_OK;
}

static const char *const max_id_sql[] = {
	NULL,
	"SELECT COALESCE(MAX(id), 0) FROM crm_lead",
	"SELECT COALESCE(MAX(id), 0) FROM crm_deal",
	"SELECT COALESCE(MAX(id), 0) FROM crm_contact",
	"SELECT COALESCE(MAX(id), 0) FROM crm_company",
};

int q_crm_uf_max_item_id(struct store *st, int entity_type_id, int64_t *id)
{
	*id = 0;
	if (!type_ok(entity_type_id))
		return STORE_NOTFOUND;
	struct stmt *s;
	STORE_PREP(s, st, max_id_sql[entity_type_id]);
	return store_one_int(s, id);
}

/* ---- files ---- */

int q_crm_uf_file_add(struct store *st, const char *name, int64_t size, const char *created_at, int64_t *id)
{
	struct stmt *s;
	STORE_PREP(s, st, "INSERT INTO crm_uf_file (name, size, created_at) VALUES ($1, $2, $3) RETURNING id");
	int rc = store_bind_text(s, 1, name);
	if (!rc)
		rc = store_bind_int(s, 2, size);
	if (!rc)
		rc = store_bind_text(s, 3, created_at);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_one_int(s, id);
}

int q_crm_uf_file_owned(struct store *st, const struct q_crm_uf_def *d, int64_t entity_id, int64_t file_id, bool *owned)
{
	*owned = false;
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT 1 FROM crm_uf_value WHERE entity_type_id = $1 AND entity_id = $2 AND field_id = $3 AND "
		   "value_int = $4");
	int rc = store_bind_int(s, 1, d->entity_type_id);
	rc = rc ? rc : store_bind_int(s, 2, entity_id);
	rc = rc ? rc : store_bind_int(s, 3, d->id);
	rc = rc ? rc : store_bind_int(s, 4, file_id);
	if (!rc && (rc = store_step(s)) == STORE_ROW) {
		*owned = true;
		rc = STORE_OK;
	}
	store_reset(s);
	return rc;
}

int q_crm_uf_files_prune(struct store *st, const struct q_crm_uf_def *d, int64_t entity_id, const int64_t *keep,
			 size_t n)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT value_int FROM crm_uf_value WHERE entity_type_id = $1 AND entity_id = $2 AND field_id = $3");
	int rc = store_bind_int(s, 1, d->entity_type_id);
	rc = rc ? rc : store_bind_int(s, 2, entity_id);
	rc = rc ? rc : store_bind_int(s, 3, d->id);
	int64_t gone[Q_CRM_UF_PER_TYPE * 2];
	size_t n_gone = 0;
	while (!rc && (rc = store_step(s)) == STORE_ROW) {
		int64_t id = store_col_int(s, 0);
		bool kept = false;
		for (size_t i = 0; i < n; i++)
			kept |= keep[i] == id;
		if (!kept && n_gone < N_OF(gone))
			gone[n_gone++] = id;
		rc = STORE_OK;
	}
	store_reset(s);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n_gone; i++)
		if ((rc = exec_ids(st, "DELETE FROM crm_uf_file WHERE id = $1", gone[i], false, 0)))
			return rc;
	return STORE_OK;
}

/* ---- per-pipeline field sets ---- */

int q_crm_uf_pipeline_get(struct store *st, struct arena *a, int64_t category_id, const char ***names, size_t *n,
			  bool *configured)
{
	*names = NULL;
	*n = 0;
	*configured = false;
	struct stmt *s;
	STORE_PREP(s, st, "SELECT field_name FROM crm_uf_pipeline WHERE category_id = $1 ORDER BY sort, field_name");
	int rc = store_bind_int(s, 1, category_id);
	size_t cap = 0;
	while (!rc && (rc = store_step(s)) == STORE_ROW) {
		rc = STORE_OK;
		*configured = true;
		const char *name = store_col_text(s, 0);
		if (!*name) /* the marker of a configured set */
			continue;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			const char **g = arena_alloc(a, nc * sizeof *g);
			if (!g) {
				rc = STORE_TOOBIG;
				break;
			}
			if (*n)
				memcpy(g, *names, *n * sizeof *g);
			*names = g;
			cap = nc;
		}
		if (!((*names)[(*n)++] = arena_strdup(a, name))) {
			rc = STORE_TOOBIG;
			break;
		}
	}
	store_reset(s);
	return rc == STORE_ROW ? STORE_OK : rc;
}

static int pipeline_put(struct store *st, int64_t category_id, const char *name, int64_t sort)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO crm_uf_pipeline (category_id, field_name, sort) VALUES ($1, $2, $3) ON CONFLICT "
		   "(category_id, field_name) DO UPDATE SET sort = excluded.sort");
	int rc = store_bind_int(s, 1, category_id);
	if (!rc)
		rc = store_bind_text(s, 2, name);
	if (!rc)
		rc = store_bind_int(s, 3, sort);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_uf_pipeline_set(struct store *st, int64_t category_id, const char *const *names, size_t n)
{
	int rc = q_crm_uf_pipeline_reset(st, category_id);
	if (!rc)
		rc = pipeline_put(st, category_id, "", 0);
	for (size_t i = 0; !rc && i < n; i++)
		rc = pipeline_put(st, category_id, names[i], (int64_t)(i + 1) * 10);
	return rc;
}

int q_crm_uf_pipeline_reset(struct store *st, int64_t category_id)
{
	return exec_ids(st, "DELETE FROM crm_uf_pipeline WHERE category_id = $1", category_id, false, 0);
}

/* ---- the descriptor cache ---- */

struct uf_cache {
	struct arena *a;                 /* owns everything below, the cache itself included */
	int64_t version;                 /* of crm_uf_state when it was read */
	struct query_entity ent[5];      /* by type: standard + custom fields (n_fields 0: none) */
	struct q_crm_uf_def *defs;       /* every type's, by type, sort, id */
	size_t n_defs;
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *p)
{
	struct uf_cache *c = p;
	if (c)
		arena_free(c->a);
}

static void cache_key_init(void)
{
	if (pthread_key_create(&cache_key, cache_free))
		abort();
}

static struct uf_cache *cache_now(void)
{
	pthread_once(&cache_once, cache_key_init);
	return pthread_getspecific(cache_key);
}

/* The descriptor entry of custom field d. */
static int field_of(struct arena *a, const struct q_crm_uf_def *d, struct query_field *f)
{
	f->name = d->field_name;
	f->title = d->field_name;
	f->type = storages[d->storage].type;
	if (d->side) {
		f->column = storages[d->storage].value_col;
		f->flags = QF_MULTIPLE | (d->storage == QUF_FILE ? 0 : QF_FILTER);
		f->link = arena_printf(a, "SELECT entity_id FROM crm_uf_value WHERE field_id = %lld AND", (long long)d->id);
		return f->link ? STORE_OK : STORE_TOOBIG;
	}
	char *col = arena_alloc(a, Q_CRM_UF_NAME_MAX + 1);
	if (!col)
		return STORE_TOOBIG;
	column_of(d->field_name, col, Q_CRM_UF_NAME_MAX + 1);
	f->column = col;
	f->flags = F;
	f->link = NULL;
	return STORE_OK;
}

static int cache_entity(struct uf_cache *c, int t)
{
	const struct query_entity *base = q_crm_item_static_entity(t);
	size_t n_uf = 0;
	for (size_t i = 0; i < c->n_defs; i++)
		n_uf += c->defs[i].entity_type_id == t && name_ok(c->defs[i].field_name);
	if (!n_uf || !base)
		return STORE_OK;
	struct query_field *fields = arena_alloc(c->a, (base->n_fields + n_uf) * sizeof *fields);
	if (!fields)
		return STORE_TOOBIG;
	memcpy(fields, base->fields, base->n_fields * sizeof *fields);
	size_t k = base->n_fields;
	for (size_t i = 0; i < c->n_defs; i++) {
		const struct q_crm_uf_def *d = &c->defs[i];
		if (d->entity_type_id != t || !name_ok(d->field_name))
			continue;
		int rc = field_of(c->a, d, &fields[k++]);
		if (rc)
			return rc;
	}
	c->ent[t] = *base;
	c->ent[t].fields = fields;
	c->ent[t].n_fields = k;
	return STORE_OK;
}

static int cache_build(struct store *st, struct uf_cache **out)
{
	struct arena *a = arena_new(CACHE_ARENA);
	struct uf_cache *c = arena_alloc(a, sizeof *c);
	if (!c) {
		arena_free(a);
		return STORE_TOOBIG;
	}
	c->a = a;
	/* The version and the definitions from one snapshot. */
	int rc = store_tx_begin(st);
	if (!rc) {
		rc = q_crm_uf_version(st, &c->version);
		if (!rc)
			rc = q_crm_uf_list(st, a, 0, &c->defs, &c->n_defs);
		int rc2 = store_tx_commit(st);
		if (rc2)
			store_tx_rollback(st);
		rc = rc ? rc : rc2;
	}
	for (int t = 1; !rc && t <= 4; t++)
		rc = cache_entity(c, t);
	if (rc) {
		arena_free(a);
		return rc;
	}
	*out = c;
	return STORE_OK;
}

int q_crm_uf_refresh(struct store *st, struct arena *retire)
{
	if (!st)
		return STORE_OK;
	struct uf_cache *cur = cache_now();
	int64_t v;
	int rc = q_crm_uf_version(st, &v);
	if (rc) {
		log_warn("store: custom fields: cannot read their version: %s", store_errmsg(st));
		return rc;
	}
	if (cur && cur->version == v)
		return STORE_OK;
	struct uf_cache *c;
	if ((rc = cache_build(st, &c))) {
		log_warn("store: custom fields: cannot load their definitions: %s", store_errmsg(st));
		return rc;
	}
	if (pthread_setspecific(cache_key, c)) {
		cache_free(c);
		return STORE_ERROR;
	}
	/* Descriptors of the old cache may still be held by this request (batch, nested calls):
	 * it goes with the request's arena (arena_defer runs it at once only past the ceiling). */
	if (cur && retire)
		arena_defer(retire, cache_free, cur);
	else if (cur)
		cache_free(cur);
	return STORE_OK;
}

const struct query_entity *q_crm_uf_entity(int entity_type_id)
{
	struct uf_cache *c = cache_now();
	if (!c || !type_ok(entity_type_id) || !c->ent[entity_type_id].n_fields)
		return NULL;
	return &c->ent[entity_type_id];
}

const struct q_crm_uf_def *q_crm_uf_cached(int entity_type_id, const char *field_name)
{
	struct uf_cache *c = cache_now();
	for (size_t i = 0; c && i < c->n_defs; i++)
		if (c->defs[i].entity_type_id == entity_type_id && !strcmp(c->defs[i].field_name, field_name))
			return &c->defs[i];
	return NULL;
}

const struct q_crm_uf_def *q_crm_uf_cached_all(int entity_type_id, size_t *n)
{
	struct uf_cache *c = cache_now();
	*n = 0;
	const struct q_crm_uf_def *first = NULL;
	for (size_t i = 0; c && i < c->n_defs; i++)
		if (c->defs[i].entity_type_id == entity_type_id) {
			if (!first)
				first = &c->defs[i];
			(*n)++;
		}
	return first;
}
