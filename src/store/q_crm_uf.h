/* q_crm_uf.h — the SQL of CRM custom fields, UF_CRM_… (issue 6; migration 9): their definitions
 * (crm_uf_field), enumeration items (crm_uf_enum), the values of multiple fields and of files
 * (crm_uf_value, crm_uf_file), the per-pipeline field sets of deals (crm_uf_pipeline), the DDL
 * that gives a single-valued field its own column and index in the item table, and the
 * per-thread cache of item descriptors that q_crm_item_entity() serves.
 *
 * Storage. A single-valued field is a real column of crm_lead / crm_deal / crm_contact /
 * crm_company named like the field in lower case (UF_CRM_17 → uf_crm_17), typed to fit, with an
 * index crm_uf_ix_{id}: filter and order use it as they use a standard column. A multiple field,
 * and every file field, keeps its values in crm_uf_value (one row a value, typed columns, indexed
 * by field and value) and is described to the filter engine as QF_MULTIPLE with a link subquery.
 * Deleting a field drops its index and its column (SQLite ≥ 3.35; the table is rewritten once),
 * so a name can be used again and no stale values stay behind.
 *
 * Identifiers. The only identifiers put into SQL text at run time are the item table (from a
 * fixed table by type), the column (the field's name, checked here again: "UF_" then [A-Z0-9_],
 * at most 50 bytes) and numbers (field ids). Values are always bound.
 *
 * The cache. Definitions change rarely and may change in another process sharing the database:
 * crm_uf_state holds a version bumped by every definition change (q_crm_uf_touch, in the same
 * transaction). q_crm_uf_refresh(), called at the start of each REST call, compares it with the
 * calling thread's cache and rebuilds the cache when it moved; the cache it replaces is released
 * with the arena given (the request's), so every descriptor a request got stays valid for the
 * whole request. Each thread has its own cache (no locks); a thread that never refreshed sees the
 * standard descriptors only. The cache of a thread is freed when the thread ends.
 *
 * All functions return 0 or a negative store code; lookups that find nothing STORE_NOTFOUND. */
#ifndef VORONKA_Q_CRM_UF_H
#define VORONKA_Q_CRM_UF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store/query.h"

struct store;
struct arena;

#define Q_CRM_UF_NAME_MAX 50   /* bytes of FIELD_NAME (Bitrix24's limit) */
#define Q_CRM_UF_TYPE_MAX 32   /* bytes of USER_TYPE_ID, with its terminator */
#define Q_CRM_UF_PER_TYPE 64   /* custom fields of one item type: item.c writes at most 128 columns */

/* How a field's values are kept and compared (crm_uf_field.storage). */
enum q_crm_uf_storage {
	QUF_INT,      /* INTEGER: integer, enumeration (the item ID), employee, iblock_* */
	QUF_REAL,     /* REAL: double */
	QUF_TEXT,     /* TEXT: string, url, address, money ("100.00|RUB"), crm ("D_5"), crm_status */
	QUF_DATE,     /* TEXT "YYYY-MM-DD" */
	QUF_DATETIME, /* TEXT "YYYY-MM-DD hh:mm:ss" UTC */
	QUF_BOOL,     /* INTEGER 0 / 1 */
	QUF_FILE,     /* crm_uf_file ids in crm_uf_value.value_int; never filtered */
	QUF__COUNT
};
const char *q_crm_uf_storage_name(enum q_crm_uf_storage s);

struct q_crm_uf_item {
	int64_t id;
	const char *value;
	bool def;            /* DEF = Y: the default value */
	int64_t sort;
	const char *xml_id;
};

struct q_crm_uf_def {
	int64_t id;
	int entity_type_id;                        /* 1 lead, 2 deal, 3 contact, 4 company */
	char field_name[Q_CRM_UF_NAME_MAX + 1];    /* UF_CRM_… */
	char user_type_id[Q_CRM_UF_TYPE_MAX];      /* string, integer, enumeration, … */
	enum q_crm_uf_storage storage;
	bool side;                                 /* values in crm_uf_value, not a column */
	const char *xml_id;                        /* NULL: none */
	int64_t sort;
	bool multiple, mandatory, show_in_list, edit_in_list, is_searchable;
	char show_filter;                          /* N, I (exact), E (mask), S (substring) */
	const char *settings;                      /* JSON object text: the type's SETTINGS */
	const char *labels;                        /* JSON object text: {EDIT_FORM_LABEL: {ru, en}, …} */
	struct q_crm_uf_item *items;               /* enumeration items by sort, id */
	size_t n_items;
};

/* ---- definitions (each change: then q_crm_uf_touch in the same transaction) ---- */

/* Every definition of a type (0: of every type), by type, sort, id, with their items: an arena
 * array. */
int q_crm_uf_list(struct store *st, struct arena *a, int entity_type_id, struct q_crm_uf_def **out, size_t *n);
int q_crm_uf_get(struct store *st, struct arena *a, int64_t id, struct q_crm_uf_def *out);
/* Is the name taken for the type? */
int q_crm_uf_name_exists(struct store *st, int entity_type_id, const char *field_name, bool *exists);
int q_crm_uf_count(struct store *st, int entity_type_id, int64_t *n);
/* A new field: its row (d->id set) and, for a column-kept one, its column and index. */
int q_crm_uf_create(struct store *st, struct q_crm_uf_def *d, const char *created_at);
/* The attributes that may change: XML_ID, SORT, MANDATORY, SHOW_*, EDIT_IN_LIST, IS_SEARCHABLE,
 * SETTINGS, labels. */
int q_crm_uf_update(struct store *st, const struct q_crm_uf_def *d);
/* The field, its items, its values (files included), its pipeline entries, its index and column. */
int q_crm_uf_delete(struct store *st, const struct q_crm_uf_def *d);
int q_crm_uf_item_insert(struct store *st, int64_t field_id, const struct q_crm_uf_item *it, int64_t *id);
/* value NULL / xml_id NULL: kept. STORE_NOTFOUND if the item is not the field's. */
int q_crm_uf_item_update(struct store *st, int64_t field_id, int64_t item_id, const char *value, const char *xml_id,
			 bool has_sort, int64_t sort, int def);
/* The item, and every value that chose it (items' values become empty). */
int q_crm_uf_item_delete(struct store *st, const struct q_crm_uf_def *d, int64_t item_id);
/* Every item of a single-valued field but keep_id loses DEF (one default). */
int q_crm_uf_item_single_def(struct store *st, int64_t field_id, int64_t keep_id);
/* Bump the definitions' version: every thread's cache rebuilds on its next call. */
int q_crm_uf_touch(struct store *st);
int q_crm_uf_version(struct store *st, int64_t *version);

/* crm.X.userfield.list: the definitions table for the filter engine (ENTITY_TYPE_ID is hidden: the
 * method's own condition). */
extern const struct query_entity q_crm_uf_field_entity;

/* ---- values of side-kept fields ---- */

struct q_crm_uf_value {
	int64_t field_id;
	bool is_null;        /* the typed column of the field's storage is NULL */
	int64_t i;
	double d;
	const char *s;       /* arena text; "" when NULL */
	const char *file_name; /* QUF_FILE: the file's name (arena), NULL when the file row is gone */
	int64_t file_size;
};
/* Every side value of an item, by field then position: an arena array. */
int q_crm_uf_values_of(struct store *st, struct arena *a, int entity_type_id, int64_t entity_id,
		       struct q_crm_uf_value **out, size_t *n);
/* Replace the values of field d of an item by v[0..n) (QV_INT, QV_DOUBLE or QV_TEXT as the
 * storage wants). */
int q_crm_uf_values_set(struct store *st, const struct q_crm_uf_def *d, int64_t entity_id, const struct query_value *v,
			size_t n);

/* The highest item id of a type now (0 when none): a row inserted after this has a greater id. */
int q_crm_uf_max_item_id(struct store *st, int entity_type_id, int64_t *id);

/* ---- files (names and sizes only: no content is stored yet) ---- */
int q_crm_uf_file_add(struct store *st, const char *name, int64_t size, const char *created_at, int64_t *id);
/* Is file_id a value of field d of the item now? */
int q_crm_uf_file_owned(struct store *st, const struct q_crm_uf_def *d, int64_t entity_id, int64_t file_id, bool *owned);
/* Remove the file rows of field d of the item that are not among keep[0..n). */
int q_crm_uf_files_prune(struct store *st, const struct q_crm_uf_def *d, int64_t entity_id, const int64_t *keep,
			 size_t n);

/* ---- per-pipeline field sets of deals (D5) ---- */
/* The names shown by pipeline category_id, in order; *configured false: never set (all shown). */
int q_crm_uf_pipeline_get(struct store *st, struct arena *a, int64_t category_id, const char ***names, size_t *n,
			  bool *configured);
/* Replace the set (n may be 0: a pipeline showing none). */
int q_crm_uf_pipeline_set(struct store *st, int64_t category_id, const char *const *names, size_t n);
/* Back to "all fields". */
int q_crm_uf_pipeline_reset(struct store *st, int64_t category_id);

/* ---- the descriptor cache (see above) ---- */
/* Rebuild this thread's cache if the version moved; the replaced one is freed with retire (NULL:
 * at once). A failure keeps the old cache and is logged, never fatal. */
int q_crm_uf_refresh(struct store *st, struct arena *retire);
/* The cached descriptor of a type with its custom fields; NULL when it has none (or the thread
 * has no cache): the standard descriptor is then the whole truth. */
const struct query_entity *q_crm_uf_entity(int entity_type_id);
/* The cached definition of a type's field by name; NULL if none. */
const struct q_crm_uf_def *q_crm_uf_cached(int entity_type_id, const char *field_name);
/* The cached definitions of a type, by sort, id. */
const struct q_crm_uf_def *q_crm_uf_cached_all(int entity_type_id, size_t *n);

#endif
