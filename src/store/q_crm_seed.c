/* q_crm_seed.c — every SQL text of bulk CRM loads and of the demo data's back-dating (see
 * q_crm_seed.h). The statements are prepared once per connection (the store caches them by text)
 * and only re-bound per row. */
#include "store/q_crm_seed.h"
#include "store/store.h"
#include "core/arena.h"
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Read (stage, semantics, category) rows into a growing arena array. */
static int read_stages(struct stmt *s, struct arena *a, struct q_crm_seed_stage **out, size_t *n)
{
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	while ((rc = store_step(s)) == STORE_ROW) {
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct q_crm_seed_stage *r = arena_alloc(a, ncap * sizeof *r);
			if (!r) {
				store_reset(s);
				return STORE_TOOBIG;
			}
			if (*n)
				memcpy(r, *out, *n * sizeof *r);
			*out = r;
			cap = ncap;
		}
		struct q_crm_seed_stage *r = &(*out)[(*n)++];
		r->category_id = store_col_int(s, 0);
		store_col_copy(s, 1, r->stage_id, sizeof r->stage_id);
		const char *sem = store_col_text(s, 2);
		r->semantics = (sem[0] == 'S' || sem[0] == 'F') ? sem[0] : 'P';
	}
	store_reset(s);
	return rc < 0 ? rc : STORE_OK;
}

int q_crm_seed_deal_stages(struct store *st, struct arena *a, struct q_crm_seed_stage **out, size_t *n)
{
	struct stmt *s;
	/* The default pipeline's list has no category_id; the others carry theirs. Stage lists of
	 * pipelines since deleted are left out by the join. */
	STORE_PREP(s, st,
	     "SELECT COALESCE(s.category_id, 0), s.status_id, COALESCE(s.semantics, 'P') FROM crm_status s "
	     "JOIN crm_category c ON c.id = COALESCE(s.category_id, 0) AND c.entity_type_id = 2 "
	     "WHERE s.entity_id = 'DEAL_STAGE' OR (s.entity_id LIKE 'DEAL_STAGE_%' AND s.category_id IS NOT NULL) "
	     "ORDER BY c.sort, c.id, s.sort, s.id");
	return read_stages(s, a, out, n);
}

int q_crm_seed_lead_statuses(struct store *st, struct arena *a, struct q_crm_seed_stage **out, size_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st,
	     "SELECT 0, status_id, COALESCE(semantics, 'P') FROM crm_status WHERE entity_id = 'STATUS' ORDER BY sort, id");
	return read_stages(s, a, out, n);
}

int q_crm_seed_user_ids(struct store *st, struct arena *a, int64_t **out, size_t *n)
{
	struct stmt *s;
	int64_t total;
	*out = NULL;
	*n = 0;
	STORE_PREP(s, st, "SELECT COUNT(*) FROM users WHERE active = 1");
	int rc = store_one_int(s, &total);
	if (rc)
		return rc;
	int64_t *ids = arena_alloc(a, (size_t)(total + 1) * sizeof *ids);
	if (!ids)
		return STORE_TOOBIG;
	STORE_PREP(s, st, "SELECT id FROM users WHERE active = 1 ORDER BY id");
	while ((rc = store_step(s)) == STORE_ROW && *n < (size_t)total)
		ids[(*n)++] = store_col_int(s, 0);
	store_reset(s);
	*out = ids;
	return rc < 0 ? rc : STORE_OK;
}

/* Indexed by entityTypeId; table names come from this table only. */
static const char *const count_sql[] = {
	NULL,
	"SELECT COUNT(*) FROM crm_lead",
	"SELECT COUNT(*) FROM crm_deal",
	"SELECT COUNT(*) FROM crm_contact",
	"SELECT COUNT(*) FROM crm_company",
};

int q_crm_seed_count(struct store *st, int64_t entity_type_id, int64_t *n)
{
	*n = 0;
	if (entity_type_id < 1 || entity_type_id > 4)
		return STORE_NOTFOUND;
	struct stmt *s;
	STORE_PREP(s, st, count_sql[entity_type_id]);
	return store_one_int(s, n);
}

int q_crm_seed_tune(struct store *st)
{
	/* 512 MiB of page cache (a negative size is KiB): a million deals with nine indexes stay
	 * in memory while they load instead of being re-read from the file; helper threads let
	 * SQLite sort for CREATE INDEX on several cores. */
	return store_exec(st, "PRAGMA cache_size = -524288; PRAGMA threads = 4");
}

/* Indexed by entityTypeId: the tables whose indexes a bulk load may set aside. */
static const char *const item_tables[] = {NULL, "crm_lead", "crm_deal", "crm_contact", "crm_company"};

/* The index definitions come from SQLite's catalogue (a PostgreSQL backend reads
 * pg_indexes.indexdef the same way): the SQL run again is the migrations' own text, never input.
 * Indexes without SQL (those of PRIMARY KEY and UNIQUE) stay. */
int q_crm_seed_indexes_drop(struct store *st, struct arena *a, int64_t entity_type_id, struct q_crm_seed_indexes *saved)
{
	saved->sql = NULL;
	saved->n = 0;
	if (entity_type_id < 1 || entity_type_id > 4)
		return STORE_NOTFOUND;
	struct stmt *s;
	STORE_PREP(s, st, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL "
			  "ORDER BY name");
	int rc = store_bind_text(s, 1, item_tables[entity_type_id]);
	char *names[64];
	char **sql = arena_alloc(a, 64 * sizeof *sql);
	if (!sql)
		rc = STORE_TOOBIG;
	/* More than 64 is more than a table of ours has: the rest would stay in place. */
	while (rc == STORE_OK && saved->n < 64 && (rc = store_step(s)) == STORE_ROW) {
		names[saved->n] = arena_printf(a, "DROP INDEX %s", store_col_text(s, 0));
		sql[saved->n] = arena_strdup(a, store_col_text(s, 1));
		rc = names[saved->n] && sql[saved->n] ? STORE_OK : STORE_TOOBIG;
		if (!rc)
			saved->n++;
	}
	store_reset(s);
	if (rc < 0)
		return rc;
	saved->sql = sql;
	for (size_t i = 0; i < saved->n; i++)
		if ((rc = store_exec(st, names[i])))
			return rc;
	return STORE_OK;
}

int q_crm_seed_indexes_create(struct store *st, const struct q_crm_seed_indexes *saved)
{
	for (size_t i = 0; i < saved->n; i++) {
		int rc = store_exec(st, saved->sql[i]);
		if (rc)
			return rc;
	}
	return STORE_OK;
}

/* Bind the common head: $1 assigned (also created and modified by), $2 and $3 the dates, and
 * $4 the source when the table has one. */
static int bind_common(struct stmt *s, const struct q_crm_seed_common *c, bool has_source)
{
	int rc;
	if ((rc = store_bind_int(s, 1, c->assigned_by_id)) || (rc = store_bind_text(s, 2, c->date_create)) ||
	    (rc = store_bind_text(s, 3, c->date_modify)))
		return rc;
	return has_source ? store_bind_text(s, 4, c->source_id ? c->source_id : "") : STORE_OK;
}

/* Step an INSERT … RETURNING id. */
static int insert_id(struct stmt *s, int64_t *id)
{
	int rc = store_step(s);
	if (rc == STORE_ROW) {
		if (id)
			*id = store_col_int(s, 0);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_ERROR;
	}
	store_reset(s);
	return rc;
}

static const char *yn(int v)
{
	return v ? "Y" : "N";
}

int q_crm_seed_company_insert(struct store *st, const struct q_crm_seed_company *r, int64_t *id)
{
	struct stmt *s;
	/* crm_company has no source column: the common head stops at $3. */
	STORE_PREP(s, st,
	     "INSERT INTO crm_company (assigned_by_id, created_by_id, modify_by_id, date_create, date_modify, "
	     "title, company_type, industry, address_city, revenue, currency_id, has_phone, has_email, opened) "
	     "VALUES ($1, $1, $1, $2, $3, $4, $5, $6, $7, $8, 'RUB', $9, $10, 'Y') RETURNING id");
	int rc = bind_common(s, &r->c, false);
	if (!rc && !(rc = store_bind_text(s, 4, r->title)) && !(rc = store_bind_text(s, 5, r->company_type)) &&
	    !(rc = store_bind_text(s, 6, r->industry)) && !(rc = store_bind_text(s, 7, r->city ? r->city : "")) &&
	    !(rc = store_bind_double(s, 8, r->revenue)) && !(rc = store_bind_text(s, 9, yn(r->has_phone))))
		rc = store_bind_text(s, 10, yn(r->has_email));
	if (rc) {
		store_reset(s);
		return rc;
	}
	return insert_id(s, id);
}

int q_crm_seed_contact_insert(struct store *st, const struct q_crm_seed_contact *r, int64_t *id)
{
	struct stmt *s;
	STORE_PREP(s, st,
	     "INSERT INTO crm_contact (assigned_by_id, created_by_id, modify_by_id, date_create, date_modify, "
	     "source_id, name, second_name, last_name, post, type_id, address_city, company_id, has_phone, "
	     "has_email, opened, export) "
	     "VALUES ($1, $1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'Y', 'Y') RETURNING id");
	int rc = bind_common(s, &r->c, true);
	if (!rc && !(rc = store_bind_text(s, 5, r->name)) &&
	    !(rc = store_bind_text(s, 6, r->second_name ? r->second_name : "")) &&
	    !(rc = store_bind_text(s, 7, r->last_name)) && !(rc = store_bind_text(s, 8, r->post ? r->post : "")) &&
	    !(rc = store_bind_text(s, 9, r->type_id ? r->type_id : "")) &&
	    !(rc = store_bind_text(s, 10, r->city ? r->city : "")) &&
	    !(rc = r->company_id ? store_bind_int(s, 11, r->company_id) : store_bind_null(s, 11)) &&
	    !(rc = store_bind_text(s, 12, yn(r->has_phone))))
		rc = store_bind_text(s, 13, yn(r->has_email));
	if (rc) {
		store_reset(s);
		return rc;
	}
	return insert_id(s, id);
}

int q_crm_seed_deal_insert(struct store *st, const struct q_crm_seed_deal *r, int64_t *id)
{
	struct stmt *s;
	/* A closed stage (S or F) closes the deal; its close date is then the day it moved there. */
	STORE_PREP(s, st,
	     "INSERT INTO crm_deal (assigned_by_id, created_by_id, modify_by_id, date_create, date_modify, "
	     "source_id, title, type_id, category_id, stage_id, stage_semantic_id, is_new, currency_id, "
	     "opportunity, is_manual_opportunity, company_id, contact_id, begindate, closedate, closed, "
	     "moved_by_id, moved_time, opened) "
	     "VALUES ($1, $1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'RUB', $11, 'Y', $12, $13, $14, $15, "
	     "CASE WHEN $9 = 'P' THEN 'N' ELSE 'Y' END, $1, $3, 'Y') RETURNING id");
	char sem[2] = {r->stage->semantics, 0};
	int rc = bind_common(s, &r->c, true);
	if (!rc && !(rc = store_bind_text(s, 5, r->title)) && !(rc = store_bind_text(s, 6, r->type_id ? r->type_id : "")) &&
	    !(rc = store_bind_int(s, 7, r->stage->category_id)) && !(rc = store_bind_text(s, 8, r->stage->stage_id)) &&
	    !(rc = store_bind_text(s, 9, sem)) && !(rc = store_bind_text(s, 10, yn(r->is_first_stage))) &&
	    !(rc = store_bind_double(s, 11, r->opportunity)) &&
	    !(rc = r->company_id ? store_bind_int(s, 12, r->company_id) : store_bind_null(s, 12)) &&
	    !(rc = r->contact_id ? store_bind_int(s, 13, r->contact_id) : store_bind_null(s, 13)) &&
	    !(rc = store_bind_text(s, 14, r->begindate ? r->begindate : "")))
		rc = store_bind_text(s, 15, r->closedate ? r->closedate : "");
	if (rc) {
		store_reset(s);
		return rc;
	}
	return insert_id(s, id);
}

int q_crm_seed_lead_insert(struct store *st, const struct q_crm_seed_lead *r, int64_t *id)
{
	struct stmt *s;
	STORE_PREP(s, st,
	     "INSERT INTO crm_lead (assigned_by_id, created_by_id, modify_by_id, date_create, date_modify, "
	     "source_id, title, name, last_name, company_title, status_id, status_semantic_id, currency_id, "
	     "opportunity, is_manual_opportunity, has_phone, moved_by_id, moved_time, opened) "
	     "VALUES ($1, $1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'RUB', $11, 'Y', $12, $1, $3, 'Y') RETURNING id");
	char sem[2] = {r->status->semantics, 0};
	int rc = bind_common(s, &r->c, true);
	if (!rc && !(rc = store_bind_text(s, 5, r->title)) && !(rc = store_bind_text(s, 6, r->name)) &&
	    !(rc = store_bind_text(s, 7, r->last_name)) &&
	    !(rc = store_bind_text(s, 8, r->company_title ? r->company_title : "")) &&
	    !(rc = store_bind_text(s, 9, r->status->stage_id)) && !(rc = store_bind_text(s, 10, sem)) &&
	    !(rc = store_bind_double(s, 11, r->opportunity)))
		rc = store_bind_text(s, 12, yn(r->has_phone));
	if (rc) {
		store_reset(s);
		return rc;
	}
	return insert_id(s, id);
}

int q_crm_seed_fm_insert(struct store *st, int64_t entity_type_id, int64_t entity_id, const char *type_id,
			 const char *value_type, const char *value, const char *value_norm)
{
	struct stmt *s;
	STORE_PREP(s, st,
	     "INSERT INTO crm_fm (entity_type_id, entity_id, type_id, value_type, value, value_norm) "
	     "VALUES ($1, $2, $3, $4, $5, $6)");
	int rc;
	if ((rc = store_bind_int(s, 1, entity_type_id)) || (rc = store_bind_int(s, 2, entity_id)) ||
	    (rc = store_bind_text(s, 3, type_id)) || (rc = store_bind_text(s, 4, value_type)) ||
	    (rc = store_bind_text(s, 5, value)) || (rc = store_bind_text(s, 6, value_norm))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_seed_link_insert(struct store *st, int64_t owner_type_id, int64_t owner_id, int64_t linked_type_id,
			   int64_t linked_id, int is_primary)
{
	struct stmt *s;
	STORE_PREP(s, st,
	     "INSERT INTO crm_entity_link (owner_type_id, owner_id, linked_type_id, linked_id, sort, is_primary) "
	     "VALUES ($1, $2, $3, $4, 10, $5) ON CONFLICT (owner_type_id, owner_id, linked_type_id, linked_id) DO NOTHING");
	int rc;
	if ((rc = store_bind_int(s, 1, owner_type_id)) || (rc = store_bind_int(s, 2, owner_id)) ||
	    (rc = store_bind_int(s, 3, linked_type_id)) || (rc = store_bind_int(s, 4, linked_id)) ||
	    (rc = store_bind_text(s, 5, yn(is_primary)))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

/* Indexed by entityTypeId. Leads and deals also carry the time of their last stage move; an item
 * with activities or comments, the time of the last one (its own change, in the demo). */
static const char *const backdate_sql[] = {
	NULL,
	"UPDATE crm_lead SET date_create = $2, date_modify = $3, "
	"moved_time = CASE WHEN moved_time IS NULL THEN NULL ELSE $3 END, "
	"last_activity_time = CASE WHEN last_activity_time IS NULL THEN NULL ELSE $3 END WHERE id = $1",
	"UPDATE crm_deal SET date_create = $2, date_modify = $3, "
	"moved_time = CASE WHEN moved_time IS NULL THEN NULL ELSE $3 END, "
	"last_activity_time = CASE WHEN last_activity_time IS NULL THEN NULL ELSE $3 END WHERE id = $1",
	"UPDATE crm_contact SET date_create = $2, date_modify = $3, "
	"last_activity_time = CASE WHEN last_activity_time IS NULL THEN NULL ELSE $3 END WHERE id = $1",
	"UPDATE crm_company SET date_create = $2, date_modify = $3, "
	"last_activity_time = CASE WHEN last_activity_time IS NULL THEN NULL ELSE $3 END WHERE id = $1",
};

/* Run an UPDATE whose $1 is an id and $2 (and $3) are text. */
static int exec_id_text(struct store *st, const char *sql, int64_t id, const char *a2, const char *a3)
{
	struct stmt *s;
	STORE_PREP(s, st, sql);
	int rc = store_bind_int(s, 1, id);
	if (!rc)
		rc = store_bind_text(s, 2, a2);
	if (!rc && a3)
		rc = store_bind_text(s, 3, a3);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_seed_backdate_item(struct store *st, int64_t entity_type_id, int64_t id, const char *date_create,
			     const char *date_modify)
{
	if (entity_type_id < 1 || entity_type_id > 4)
		return STORE_NOTFOUND;
	return exec_id_text(st, backdate_sql[entity_type_id], id, date_create, date_modify);
}

int q_crm_seed_mark(struct store *st, struct q_crm_seed_mark *m)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT COALESCE(MAX(id), 0) FROM crm_history");
	int rc = store_one_int(s, &m->history);
	if (rc)
		return rc;
	STORE_PREP(s, st, "SELECT COALESCE(MAX(id), 0) FROM crm_stage_history");
	return store_one_int(s, &m->stage_history);
}

int q_crm_seed_backdate_since(struct store *st, const struct q_crm_seed_mark *m, const char *when)
{
	int rc = exec_id_text(st, "UPDATE crm_history SET created = $2 WHERE id > $1", m->history, when, NULL);
	if (!rc)
		rc = exec_id_text(st, "UPDATE crm_stage_history SET created_time = $2 WHERE id > $1", m->stage_history,
				  when, NULL);
	return rc;
}

int q_crm_seed_backdate_activity(struct store *st, int64_t id, const char *created)
{
	return exec_id_text(st, "UPDATE crm_activity SET created = $2, last_updated = $2 WHERE id = $1", id, created,
			    NULL);
}

int q_crm_seed_backdate_comment(struct store *st, int64_t id, const char *created)
{
	return exec_id_text(st, "UPDATE crm_timeline_comment SET created = $2, updated = $2 WHERE id = $1", id,
			    created, NULL);
}
