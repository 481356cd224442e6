/* q_crm_stats.c — every SQL text about per-stage statistics: the kept counts and sums
 * (crm_stage_stats) the write path updates in each item's transaction, their rebuild from the
 * items, the filtered count straight from the items (funnels with a filter), and the
 * descriptors crm.stagehistory.list reads crm_stage_history through. */
#include "store/q_crm_stats.h"
#include "store/store.h"
#include "core/arena.h"
#include "core/buf.h"
#include <stdio.h>
#include <string.h>

/* Money in cents, the same rounding on every path (rebuild, filtered count): an item's
 * OPPORTUNITY rounded to the cent, then added as integers, so sums never drift. BIGINT: a 32-bit
 * INTEGER (PostgreSQL's) overflows at 21 million. */
#define CENTS "COALESCE(SUM(CAST(ROUND(opportunity * 100) AS BIGINT)), 0)"

int q_crm_stats_apply(struct store *st, int64_t entity_type_id, int64_t category_id, const char *stage_id, int64_t dn,
		      int64_t dcents)
{
	if (!stage_id || (!dn && !dcents))
		return STORE_OK;
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO crm_stage_stats (entity_type_id, category_id, stage_id, n, sum_cents) VALUES ($1, $2, $3, $4, $5) "
		   "ON CONFLICT (entity_type_id, category_id, stage_id) DO UPDATE SET n = crm_stage_stats.n + excluded.n, "
		   "sum_cents = crm_stage_stats.sum_cents + excluded.sum_cents");
	int rc;
	if ((rc = store_bind_int(s, 1, entity_type_id)) || (rc = store_bind_int(s, 2, category_id)) ||
	    (rc = store_bind_text(s, 3, stage_id)) || (rc = store_bind_int(s, 4, dn)) || (rc = store_bind_int(s, 5, dcents))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

/* Indexed by entityTypeId: the recount of each type with stages (contacts and companies have
 * none). The table names come from here, never from input. */
static const char *const rebuild_sql[] = {
	NULL,
	"INSERT INTO crm_stage_stats (entity_type_id, category_id, stage_id, n, sum_cents) "
	"SELECT 1, 0, status_id, COUNT(*), " CENTS " FROM crm_lead GROUP BY status_id",
	"INSERT INTO crm_stage_stats (entity_type_id, category_id, stage_id, n, sum_cents) "
	"SELECT 2, category_id, stage_id, COUNT(*), " CENTS " FROM crm_deal GROUP BY category_id, stage_id",
};
#define N_STAGED (int64_t)(sizeof rebuild_sql / sizeof rebuild_sql[0])

/* Not a transaction of its own: the caller holds one (a seed, a repair), so that readers never
 * see the table empty. */
int q_crm_stats_rebuild(struct store *st, int64_t entity_type_id)
{
	if (entity_type_id < 1 || entity_type_id >= N_STAGED)
		return STORE_OK;
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_stage_stats WHERE entity_type_id = $1");
	int rc = store_bind_int(s, 1, entity_type_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	if ((rc = store_exec_stmt(s)))
		return rc;
	STORE_PREP(s, st, rebuild_sql[entity_type_id]);
	return store_exec_stmt(s);
}

/* Read (stage_id, n, sum_cents) rows from a prepared, bound statement into an arena array. The
 * statement is reset in every case. */
static int read_rows(struct stmt *s, struct arena *a, struct q_crm_stage_stat **out, size_t *n)
{
	size_t cap = 16;
	struct q_crm_stage_stat *rows = arena_alloc(a, cap * sizeof *rows);
	int rc = rows ? STORE_OK : STORE_TOOBIG;
	while (!rc && (rc = store_step(s)) == STORE_ROW) {
		rc = STORE_OK;
		if (*n == cap) {
			struct q_crm_stage_stat *more = arena_alloc(a, cap * 2 * sizeof *more);
			if (!more) {
				rc = STORE_TOOBIG;
				break;
			}
			memcpy(more, rows, cap * sizeof *rows);
			rows = more;
			cap *= 2;
		}
		struct q_crm_stage_stat *r = &rows[(*n)++];
		store_col_copy(s, 0, r->stage_id, sizeof r->stage_id);
		r->n = store_col_int(s, 1);
		r->sum_cents = store_col_int(s, 2);
	}
	store_reset(s);
	*out = rows;
	return rc;
}

int q_crm_stats_get(struct store *st, struct arena *a, int64_t entity_type_id, int64_t category_id,
		    struct q_crm_stage_stat **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT stage_id, n, sum_cents FROM crm_stage_stats WHERE entity_type_id = $1 AND category_id = $2 AND n <> 0 "
		   "ORDER BY stage_id");
	int rc;
	if ((rc = store_bind_int(s, 1, entity_type_id)) || (rc = store_bind_int(s, 2, category_id))) {
		store_reset(s);
		return rc;
	}
	return read_rows(s, a, out, n);
}

/* ---- the filtered count ---- */

/* Indexed by entityTypeId: the items' table and stage column (identifiers from here, never from
 * input). Leads have no pipelines. */
static const struct {
	const char *table, *stage;
	bool has_category;
} items[] = {
	{NULL, NULL, false},
	{"crm_lead", "status_id", false},
	{"crm_deal", "stage_id", true},
};

/* Which index drives the GROUP BY. The filter's columns are not in the pipeline's covering index,
 * so every plan but the scan reads a table row per index entry; without ANALYZE statistics SQLite
 * picks the pipeline index whatever the filter, which costs seconds on a million deals when the
 * filter is selective (one manager, one month). So the choice is made here from counts the
 * covering indexes give cheaply, and the other conditions are written so that no index serves
 * them ("+col", "col || ''": the same values, no index; PostgreSQL reads them as written). The
 * GROUP BY is on an expression for the same reason: grouping by the stage column lets SQLite
 * walk the stage index in order, a row lookup per item. */
enum drive { DRIVE_SCAN, DRIVE_CATEGORY, DRIVE_ASSIGNED, DRIVE_DATE };
#define SCAN_FACTOR 3 /* a sequential row costs about a third of a looked-up one (measured) */

static const char *cond_form(enum drive d, enum drive mine, const char *plain, const char *unindexed)
{
	return d == mine ? plain : unindexed;
}

/* The conditions after WHERE, $1 first; returns the next placeholder number or -1. */
static int where_text(struct buf *b, int64_t type, const struct q_crm_stats_filter *f, enum drive d)
{
	int rc = items[type].has_category ? buf_puts(b, cond_form(d, DRIVE_CATEGORY, "category_id = $1", "+category_id = $1"))
					  : buf_puts(b, "$1 = 0"); /* keeps $1 in place: the numbering is shared */
	int k = 2;
	if (!rc && f->n_assigned) {
		rc = buf_puts(b, cond_form(d, DRIVE_ASSIGNED, " AND assigned_by_id IN (", " AND +assigned_by_id IN ("));
		for (size_t i = 0; !rc && i < f->n_assigned; i++)
			rc = buf_printf(b, i ? ", $%d" : "$%d", k++);
		if (!rc)
			rc = buf_puts(b, ")");
	}
	const char *col = cond_form(d, DRIVE_DATE, "date_create", "date_create || ''");
	if (!rc && f->created_min)
		rc = buf_printf(b, " AND %s %s $%d", col, f->min_strict ? ">" : ">=", k++);
	if (!rc && f->created_max)
		rc = buf_printf(b, " AND %s %s $%d", col, f->max_strict ? "<" : "<=", k++);
	return rc ? -1 : k;
}

static int count_text(struct buf *b, int64_t type, const struct q_crm_stats_filter *f, enum drive d)
{
	if (buf_printf(b, "SELECT %s || '' AS s, COUNT(*), " CENTS " FROM %s WHERE ", items[type].stage, items[type].table) ||
	    where_text(b, type, f, d) < 0 || buf_puts(b, " GROUP BY s"))
		return -1;
	return 0;
}

/* Bind what where_text numbered: the pipeline, the users, the dates. from: 1 binds $1 (the
 * pipeline) too; 2 starts at the users (the estimates, which have no $1). */
static int filter_bind(struct stmt *s, int64_t category_id, const struct q_crm_stats_filter *f, int from)
{
	int rc = from == 1 ? store_bind_int(s, 1, category_id) : STORE_OK;
	int k = from == 1 ? 2 : 1;
	for (size_t i = 0; !rc && i < f->n_assigned; i++)
		rc = store_bind_int(s, k++, f->assigned[i]);
	if (!rc && f->created_min)
		rc = store_bind_text(s, k++, f->created_min);
	if (!rc && f->created_max)
		rc = store_bind_text(s, k++, f->created_max);
	return rc;
}

/* How many items one condition of f lets through, counted on its covering index alone. */
static int estimate(struct store *st, int64_t type, const struct q_crm_stats_filter *f, enum drive d, int64_t *rows)
{
	struct q_crm_stats_filter only = {0};
	if (d == DRIVE_ASSIGNED) {
		only.assigned = f->assigned;
		only.n_assigned = f->n_assigned;
	} else {
		only = *f;
		only.n_assigned = 0;
	}
	struct buf b;
	buf_init(&b, 4096);
	/* the WHERE of the GROUP BY without its first condition: "… WHERE 1 = 1 AND …", $n from 1 */
	int rc = buf_printf(&b, "SELECT COUNT(*) FROM %s WHERE 1 = 1", items[type].table) ? STORE_TOOBIG : STORE_OK;
	int k = 1;
	if (!rc && only.n_assigned) {
		rc = buf_puts(&b, " AND assigned_by_id IN (") ? STORE_TOOBIG : STORE_OK;
		for (size_t i = 0; !rc && i < only.n_assigned; i++)
			rc = buf_printf(&b, i ? ", $%d" : "$%d", k++) ? STORE_TOOBIG : STORE_OK;
		if (!rc && buf_puts(&b, ")"))
			rc = STORE_TOOBIG;
	}
	if (!rc && only.created_min && buf_printf(&b, " AND date_create %s $%d", only.min_strict ? ">" : ">=", k++))
		rc = STORE_TOOBIG;
	if (!rc && only.created_max && buf_printf(&b, " AND date_create %s $%d", only.max_strict ? "<" : "<=", k++))
		rc = STORE_TOOBIG;
	struct stmt *s = rc ? NULL : store_prepare(st, b.data);
	buf_release(&b);
	if (rc)
		return rc;
	if (!s)
		return STORE_ERROR;
	if ((rc = filter_bind(s, 0, &only, 2))) {
		store_reset(s);
		return rc;
	}
	return store_one_int(s, rows);
}

/* The cheapest plan for f: the least row lookups, the scan counted at a third. */
static int choose_drive(struct store *st, int64_t type, int64_t category_id, const struct q_crm_stats_filter *f,
			enum drive *d)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT COALESCE(SUM(n), 0), COALESCE(SUM(CASE WHEN category_id = $2 THEN n ELSE 0 END), 0) "
		   "FROM crm_stage_stats WHERE entity_type_id = $1");
	int rc;
	if ((rc = store_bind_int(s, 1, type)) || (rc = store_bind_int(s, 2, category_id))) {
		store_reset(s);
		return rc;
	}
	int64_t table = 0, pipeline = 0;
	rc = store_step(s);
	if (rc == STORE_ROW) {
		table = store_col_int(s, 0);
		pipeline = store_col_int(s, 1);
		rc = STORE_OK;
	}
	store_reset(s);
	if (rc)
		return rc;
	int64_t best = table / SCAN_FACTOR, n;
	*d = DRIVE_SCAN;
	if (items[type].has_category && pipeline < best)
		best = pipeline, *d = DRIVE_CATEGORY;
	if (f->n_assigned) {
		if ((rc = estimate(st, type, f, DRIVE_ASSIGNED, &n)))
			return rc;
		if (n < best)
			best = n, *d = DRIVE_ASSIGNED;
	}
	if (f->created_min || f->created_max) {
		if ((rc = estimate(st, type, f, DRIVE_DATE, &n)))
			return rc;
		if (n < best)
			*d = DRIVE_DATE;
	}
	return STORE_OK;
}

int q_crm_stats_count(struct store *st, struct arena *a, int64_t entity_type_id, int64_t category_id,
		      const struct q_crm_stats_filter *f, struct q_crm_stage_stat **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (entity_type_id < 1 || entity_type_id >= N_STAGED)
		return STORE_OK;
	if (f->n_assigned > Q_CRM_STATS_MAX_ASSIGNED)
		return STORE_TOOBIG;
	enum drive d;
	int rc = choose_drive(st, entity_type_id, category_id, f, &d);
	if (rc)
		return rc;
	struct buf b;
	buf_init(&b, 4096);
	rc = count_text(&b, entity_type_id, f, d) ? STORE_TOOBIG : STORE_OK;
	struct stmt *s = rc ? NULL : store_prepare(st, b.data);
	buf_release(&b);
	if (rc)
		return rc;
	if (!s)
		return STORE_ERROR;
	if ((rc = filter_bind(s, category_id, f, 1))) {
		store_reset(s);
		return rc;
	}
	return read_rows(s, a, out, n);
}

/* ---- crm.stagehistory.list ---- */

/* Bitrix24's TYPE_ID: 1 created, 2 moved to an in-progress stage, 3 moved to a final stage, 5
 * moved to another pipeline. The write path records 1 created, 2 moved, 3 pipeline changed
 * (migration 6), so the kind of a move is read from the stage's semantics here. */
#define HISTORY_TYPE                                                                                                   \
	"(CASE type_id WHEN 3 THEN 5 WHEN 2 THEN (CASE WHEN stage_semantic_id IN ('S', 'F') THEN 3 ELSE 2 END) "      \
	"ELSE type_id END)"

#define HF (QF_FILTER | QF_SORT | QF_READONLY | QF_NUMBER)
#define HT (QF_FILTER | QF_SORT | QF_READONLY)

/* ENTITY_TYPE_ID is the handler's own condition: hidden, and not open to the caller's filter. */
static const struct query_field history_lead_fields[] = {
	{"ID", "id", QT_INT, HF, "ID", NULL},
	{"TYPE_ID", HISTORY_TYPE, QT_INT, HF, "Type", NULL},
	{"OWNER_ID", "owner_id", QT_INT, HF, "Lead", NULL},
	{"CREATED_TIME", "created_time", QT_DATETIME, HT, "Moved at", NULL},
	{"STATUS_SEMANTIC_ID", "stage_semantic_id", QT_STRING, HT, "Status semantics", NULL},
	{"STATUS_ID", "stage_id", QT_STRING, HT, "Status", NULL},
	{"ENTITY_TYPE_ID", "entity_type_id", QT_INT, QF_HIDDEN | QF_READONLY, "Entity type", NULL},
};

static const struct query_field history_deal_fields[] = {
	{"ID", "id", QT_INT, HF, "ID", NULL},
	{"TYPE_ID", HISTORY_TYPE, QT_INT, HF, "Type", NULL},
	{"OWNER_ID", "owner_id", QT_INT, HF, "Deal", NULL},
	{"CREATED_TIME", "created_time", QT_DATETIME, HT, "Moved at", NULL},
	{"CATEGORY_ID", "category_id", QT_INT, HF, "Pipeline", NULL},
	{"STAGE_SEMANTIC_ID", "stage_semantic_id", QT_STRING, HT, "Stage semantics", NULL},
	{"STAGE_ID", "stage_id", QT_STRING, HT, "Stage", NULL},
	{"ENTITY_TYPE_ID", "entity_type_id", QT_INT, QF_HIDDEN | QF_READONLY, "Entity type", NULL},
};

const struct query_entity q_crm_stage_history_lead_entity = {
	"crm_stage_history", "id", history_lead_fields, sizeof history_lead_fields / sizeof history_lead_fields[0], false,
};
const struct query_entity q_crm_stage_history_deal_entity = {
	"crm_stage_history", "id", history_deal_fields, sizeof history_deal_fields / sizeof history_deal_fields[0], false,
};
