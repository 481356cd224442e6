/* q_crm_item.c — every SQL text about CRM items (see q_crm_item.h). */
#include "store/q_crm_item.h"
#include "store/q_crm_uf.h"
#include "store/store.h"
#include "core/arena.h"
#include <string.h>

#define F (QF_FILTER | QF_SORT)

/* Field groups the four types share, in the order the API lists them. */
#define ADDRESS_FIELDS(P, C, T) \
	{P "ADDRESS", C "address", QT_STRING, F, T "Address", NULL}, \
	{P "ADDRESS_2", C "address_2", QT_STRING, F, T "Address (line 2)", NULL}, \
	{P "ADDRESS_CITY", C "address_city", QT_STRING, F, T "City", NULL}, \
	{P "ADDRESS_POSTAL_CODE", C "address_postal_code", QT_STRING, F, T "Postal code", NULL}, \
	{P "ADDRESS_REGION", C "address_region", QT_STRING, F, T "Region", NULL}, \
	{P "ADDRESS_PROVINCE", C "address_province", QT_STRING, F, T "Province", NULL}, \
	{P "ADDRESS_COUNTRY", C "address_country", QT_STRING, F, T "Country", NULL}, \
	{P "ADDRESS_COUNTRY_CODE", C "address_country_code", QT_STRING, F, T "Country code", NULL},

#define OPEN_COMMENTS_FIELDS \
	{"OPENED", "opened", QT_CHAR, F, "Available to everyone", NULL}, \
	{"COMMENTS", "comments", QT_STRING, F, "Comment", NULL},

#define HAS_FIELDS \
	{"HAS_PHONE", "has_phone", QT_CHAR, F | QF_READONLY, "Has phone", NULL}, \
	{"HAS_EMAIL", "has_email", QT_CHAR, F | QF_READONLY, "Has e-mail", NULL}, \
	{"HAS_IMOL", "has_imol", QT_CHAR, F | QF_READONLY, "Has open channel", NULL},

#define STAMP_FIELDS \
	{"ASSIGNED_BY_ID", "assigned_by_id", QT_INT, F, "Responsible person", NULL}, \
	{"CREATED_BY_ID", "created_by_id", QT_INT, F | QF_READONLY, "Created by", NULL}, \
	{"MODIFY_BY_ID", "modify_by_id", QT_INT, F | QF_READONLY, "Modified by", NULL}, \
	{"DATE_CREATE", "date_create", QT_DATETIME, F | QF_READONLY, "Created on", NULL}, \
	{"DATE_MODIFY", "date_modify", QT_DATETIME, F | QF_READONLY, "Modified on", NULL}, \
	{"ORIGINATOR_ID", "originator_id", QT_STRING, F, "External source", NULL}, \
	{"ORIGIN_ID", "origin_id", QT_STRING, F, "Item ID in data source", NULL}, \
	{"UTM_SOURCE", "utm_source", QT_STRING, F, "UTM source", NULL}, \
	{"UTM_MEDIUM", "utm_medium", QT_STRING, F, "UTM medium", NULL}, \
	{"UTM_CAMPAIGN", "utm_campaign", QT_STRING, F, "UTM campaign", NULL}, \
	{"UTM_CONTENT", "utm_content", QT_STRING, F, "UTM content", NULL}, \
	{"UTM_TERM", "utm_term", QT_STRING, F, "UTM term", NULL}, \
	{"LAST_ACTIVITY_TIME", "last_activity_time", QT_DATETIME, F | QF_READONLY, "Last activity", NULL}, \
	{"LAST_ACTIVITY_BY", "last_activity_by", QT_INT, F | QF_READONLY, "Last activity by", NULL},

#define FM_FIELDS(TYPE) \
	{"PHONE", "value", QT_STRING, QF_FILTER | QF_MULTIPLE | QF_NOSTAR, "Phone", "SELECT entity_id FROM crm_fm WHERE entity_type_id = " TYPE " AND type_id = 'PHONE' AND"}, \
	{"EMAIL", "value", QT_STRING, QF_FILTER | QF_MULTIPLE | QF_NOSTAR, "E-mail", "SELECT entity_id FROM crm_fm WHERE entity_type_id = " TYPE " AND type_id = 'EMAIL' AND"}, \
	{"WEB", "value", QT_STRING, QF_FILTER | QF_MULTIPLE | QF_NOSTAR, "Website", "SELECT entity_id FROM crm_fm WHERE entity_type_id = " TYPE " AND type_id = 'WEB' AND"}, \
	{"IM", "value", QT_STRING, QF_FILTER | QF_MULTIPLE | QF_NOSTAR, "Messenger", "SELECT entity_id FROM crm_fm WHERE entity_type_id = " TYPE " AND type_id = 'IM' AND"}, \
	{"LINK", "value", QT_STRING, QF_FILTER | QF_MULTIPLE | QF_NOSTAR, "Link", "SELECT entity_id FROM crm_fm WHERE entity_type_id = " TYPE " AND type_id = 'LINK' AND"},

static const struct query_field crm_lead_fields[] = {
	{"ID", "id", QT_INT, F | QF_READONLY, "ID", NULL},
	{"TITLE", "title", QT_STRING, F, "Lead name", NULL},
	{"HONORIFIC", "honorific", QT_STRING, F, "Salutation", NULL},
	{"NAME", "name", QT_STRING, F, "First name", NULL},
	{"SECOND_NAME", "second_name", QT_STRING, F, "Second name", NULL},
	{"LAST_NAME", "last_name", QT_STRING, F, "Last name", NULL},
	{"BIRTHDATE", "birthdate", QT_DATE, F, "Date of birth", NULL},
	{"COMPANY_TITLE", "company_title", QT_STRING, F, "Company name", NULL},
	{"SOURCE_ID", "source_id", QT_STRING, F, "Source", NULL},
	{"SOURCE_DESCRIPTION", "source_description", QT_STRING, F, "Source information", NULL},
	{"STATUS_ID", "status_id", QT_STRING, F, "Status", NULL},
	{"STATUS_DESCRIPTION", "status_description", QT_STRING, F, "Status information", NULL},
	{"STATUS_SEMANTIC_ID", "status_semantic_id", QT_STRING, F | QF_READONLY, "Status semantics", NULL},
	{"POST", "post", QT_STRING, F, "Position", NULL},
	ADDRESS_FIELDS("", "", "")
	{"CURRENCY_ID", "currency_id", QT_STRING, F, "Currency", NULL},
	{"OPPORTUNITY", "opportunity", QT_DOUBLE, F, "Total", NULL},
	{"IS_MANUAL_OPPORTUNITY", "is_manual_opportunity", QT_CHAR, F, "Manual total", NULL},
	{"COMPANY_ID", "company_id", QT_INT, F, "Company", NULL},
	{"CONTACT_ID", "contact_id", QT_INT, F, "Contact", NULL},
	{"CONTACT_IDS", "linked_id", QT_INT, QF_FILTER | QF_MULTIPLE | QF_NOSTAR, "Contacts", "SELECT owner_id FROM crm_entity_link WHERE owner_type_id = 1 AND linked_type_id = 3 AND"},
	{"IS_RETURN_CUSTOMER", "is_return_customer", QT_CHAR, F | QF_READONLY, "Repeat lead", NULL},
	{"DATE_CLOSED", "date_closed", QT_DATETIME, F | QF_READONLY, "Closed on", NULL},
	{"MOVED_BY_ID", "moved_by_id", QT_INT, F | QF_READONLY, "Stage changed by", NULL},
	{"MOVED_TIME", "moved_time", QT_DATETIME, F | QF_READONLY, "Stage changed on", NULL},
	OPEN_COMMENTS_FIELDS
	HAS_FIELDS
	STAMP_FIELDS
	FM_FIELDS("1")
};

static const struct query_field crm_deal_fields[] = {
	{"ID", "id", QT_INT, F | QF_READONLY, "ID", NULL},
	{"TITLE", "title", QT_STRING, F, "Name", NULL},
	{"TYPE_ID", "type_id", QT_STRING, F, "Type", NULL},
	{"CATEGORY_ID", "category_id", QT_INT, F, "Pipeline", NULL},
	{"STAGE_ID", "stage_id", QT_STRING, F, "Stage", NULL},
	{"STAGE_SEMANTIC_ID", "stage_semantic_id", QT_STRING, F | QF_READONLY, "Stage group", NULL},
	{"IS_NEW", "is_new", QT_CHAR, F | QF_READONLY, "New deal", NULL},
	{"IS_RECURRING", "is_recurring", QT_CHAR, F, "Recurring deal", NULL},
	{"IS_RETURN_CUSTOMER", "is_return_customer", QT_CHAR, F, "Repeat deal", NULL},
	{"IS_REPEATED_APPROACH", "is_repeated_approach", QT_CHAR, F, "Repeat inquiry", NULL},
	{"PROBABILITY", "probability", QT_INT, F, "Probability", NULL},
	{"CURRENCY_ID", "currency_id", QT_STRING, F, "Currency", NULL},
	{"OPPORTUNITY", "opportunity", QT_DOUBLE, F, "Total", NULL},
	{"IS_MANUAL_OPPORTUNITY", "is_manual_opportunity", QT_CHAR, F, "Manual total", NULL},
	{"TAX_VALUE", "tax_value", QT_DOUBLE, F, "Tax rate", NULL},
	{"COMPANY_ID", "company_id", QT_INT, F, "Company", NULL},
	{"CONTACT_ID", "contact_id", QT_INT, F, "Contact", NULL},
	{"CONTACT_IDS", "linked_id", QT_INT, QF_FILTER | QF_MULTIPLE | QF_NOSTAR, "Contacts", "SELECT owner_id FROM crm_entity_link WHERE owner_type_id = 2 AND linked_type_id = 3 AND"},
	{"QUOTE_ID", "quote_id", QT_INT, F | QF_READONLY, "Quote", NULL},
	{"BEGINDATE", "begindate", QT_DATE, F, "Start date", NULL},
	{"CLOSEDATE", "closedate", QT_DATE, F, "End date", NULL},
	{"CLOSED", "closed", QT_CHAR, F | QF_READONLY, "Closed", NULL},
	{"SOURCE_ID", "source_id", QT_STRING, F, "Source", NULL},
	{"SOURCE_DESCRIPTION", "source_description", QT_STRING, F, "Source information", NULL},
	{"LEAD_ID", "lead_id", QT_INT, F | QF_READONLY, "Lead", NULL},
	{"ADDITIONAL_INFO", "additional_info", QT_STRING, F, "Additional information", NULL},
	{"LOCATION_ID", "location_id", QT_STRING, F, "Location", NULL},
	{"MOVED_BY_ID", "moved_by_id", QT_INT, F | QF_READONLY, "Stage changed by", NULL},
	{"MOVED_TIME", "moved_time", QT_DATETIME, F | QF_READONLY, "Stage changed on", NULL},
	OPEN_COMMENTS_FIELDS
	STAMP_FIELDS
};

static const struct query_field crm_contact_fields[] = {
	{"ID", "id", QT_INT, F | QF_READONLY, "ID", NULL},
	{"HONORIFIC", "honorific", QT_STRING, F, "Salutation", NULL},
	{"NAME", "name", QT_STRING, F, "First name", NULL},
	{"SECOND_NAME", "second_name", QT_STRING, F, "Second name", NULL},
	{"LAST_NAME", "last_name", QT_STRING, F, "Last name", NULL},
	{"PHOTO", "photo", QT_INT, F | QF_READONLY, "Photo", NULL},
	{"BIRTHDATE", "birthdate", QT_DATE, F, "Date of birth", NULL},
	{"TYPE_ID", "type_id", QT_STRING, F, "Contact type", NULL},
	{"SOURCE_ID", "source_id", QT_STRING, F, "Source", NULL},
	{"SOURCE_DESCRIPTION", "source_description", QT_STRING, F, "Source information", NULL},
	{"POST", "post", QT_STRING, F, "Position", NULL},
	ADDRESS_FIELDS("", "", "")
	{"EXPORT", "export", QT_CHAR, F, "Included in export", NULL},
	{"COMPANY_ID", "company_id", QT_INT, F, "Company", NULL},
	{"COMPANY_IDS", "linked_id", QT_INT, QF_FILTER | QF_MULTIPLE | QF_NOSTAR, "Companies", "SELECT owner_id FROM crm_entity_link WHERE owner_type_id = 3 AND linked_type_id = 4 AND"},
	{"LEAD_ID", "lead_id", QT_INT, F | QF_READONLY, "Lead", NULL},
	{"ORIGIN_VERSION", "origin_version", QT_STRING, F, "Original version", NULL},
	OPEN_COMMENTS_FIELDS
	HAS_FIELDS
	STAMP_FIELDS
	FM_FIELDS("3")
};

static const struct query_field crm_company_fields[] = {
	{"ID", "id", QT_INT, F | QF_READONLY, "ID", NULL},
	{"TITLE", "title", QT_STRING, F, "Company name", NULL},
	{"COMPANY_TYPE", "company_type", QT_STRING, F, "Company type", NULL},
	{"LOGO", "logo", QT_INT, F | QF_READONLY, "Logo", NULL},
	ADDRESS_FIELDS("", "", "")
	ADDRESS_FIELDS("REG_", "reg_", "Legal ")
	{"ADDRESS_LEGAL", "address_legal", QT_STRING, F, "Legal address", NULL},
	{"BANKING_DETAILS", "banking_details", QT_STRING, F, "Payment details", NULL},
	{"INDUSTRY", "industry", QT_STRING, F, "Industry", NULL},
	{"EMPLOYEES", "employees", QT_STRING, F, "Employees", NULL},
	{"CURRENCY_ID", "currency_id", QT_STRING, F, "Currency", NULL},
	{"REVENUE", "revenue", QT_DOUBLE, F, "Annual revenue", NULL},
	{"IS_MY_COMPANY", "is_my_company", QT_CHAR, F, "My company", NULL},
	{"CONTACT_ID", "owner_id", QT_INT, QF_FILTER | QF_MULTIPLE | QF_NOSTAR, "Contacts", "SELECT linked_id FROM crm_entity_link WHERE owner_type_id = 3 AND linked_type_id = 4 AND"},
	{"LEAD_ID", "lead_id", QT_INT, F | QF_READONLY, "Lead", NULL},
	{"ORIGIN_VERSION", "origin_version", QT_STRING, F, "Original version", NULL},
	OPEN_COMMENTS_FIELDS
	HAS_FIELDS
	STAMP_FIELDS
	FM_FIELDS("4")
};

#define ENTITY(t) {"crm_" #t, "id", crm_##t##_fields, sizeof crm_##t##_fields / sizeof crm_##t##_fields[0], false}
static const struct query_entity entities[] = {
	{NULL, NULL, NULL, 0, false}, ENTITY(lead), ENTITY(deal), ENTITY(contact), ENTITY(company),
};

const struct query_entity *q_crm_item_static_entity(int64_t entity_type_id)
{
	if (entity_type_id < 1 || entity_type_id > 4)
		return NULL;
	return &entities[entity_type_id];
}

const struct query_entity *q_crm_item_entity(int64_t entity_type_id)
{
	if (entity_type_id < 1 || entity_type_id > 4)
		return NULL;
	const struct query_entity *e = q_crm_uf_entity((int)entity_type_id);
	return e ? e : &entities[entity_type_id];
}

/* Indexed by entityTypeId; the table names are the only SQL identifiers chosen at run time, and
 * they come from this table, never from input. */
static const char *const exists_sql[] = {
	NULL,
	"SELECT 1 FROM crm_lead WHERE id = $1",
	"SELECT 1 FROM crm_deal WHERE id = $1",
	"SELECT 1 FROM crm_contact WHERE id = $1",
	"SELECT 1 FROM crm_company WHERE id = $1",
};

int q_crm_item_exists(struct store *st, int64_t entity_type_id, int64_t id, bool *exists)
{
	*exists = false;
	if (entity_type_id < 1 || entity_type_id > 4)
		return STORE_OK;
	struct stmt *s;
	STORE_PREP(s, st, exists_sql[entity_type_id]);
	int rc = store_bind_int(s, 1, id);
	if (!rc) {
		rc = store_step(s);
		if (rc == STORE_ROW) {
			*exists = true;
			rc = STORE_OK;
		}
	}
	store_reset(s);
	return rc;
}


/* ---- statement tables ---- */

#define PER_TYPE(lead, deal, contact, company) {NULL, lead, deal, contact, company}

static const char *const delete_sql[] = PER_TYPE(
	"DELETE FROM crm_lead WHERE id = $1", "DELETE FROM crm_deal WHERE id = $1",
	"DELETE FROM crm_contact WHERE id = $1", "DELETE FROM crm_company WHERE id = $1");

static const char *const fm_flags_sql[] = PER_TYPE(
	"UPDATE crm_lead SET has_phone = $2, has_email = $3, has_imol = $4 WHERE id = $1", NULL,
	"UPDATE crm_contact SET has_phone = $2, has_email = $3, has_imol = $4 WHERE id = $1",
	"UPDATE crm_company SET has_phone = $2, has_email = $3, has_imol = $4 WHERE id = $1");

/* Run one statement with $1 = a and (if has_b) $2 = b; *changes gets the rows touched. */
static int exec_ids(struct store *st, const char *sql, int64_t a, bool has_b, int64_t b, int64_t *changes)
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
	rc = store_exec_stmt(s);
	if (!rc && changes)
		*changes = store_last_changes(st);
	return rc;
}

/* What else goes when an item goes: (sql, binds type then id) run in order. */
static const char *const cascade_sql[] = {
	"DELETE FROM crm_fm WHERE entity_type_id = $1 AND entity_id = $2",
	"DELETE FROM crm_entity_link WHERE owner_type_id = $1 AND owner_id = $2",
	"DELETE FROM crm_entity_link WHERE linked_type_id = $1 AND linked_id = $2",
	"DELETE FROM crm_product_row WHERE owner_type_id = $1 AND owner_id = $2",
	"DELETE FROM crm_timeline_comment WHERE entity_type_id = $1 AND entity_id = $2",
	"DELETE FROM crm_activity WHERE owner_type_id = $1 AND owner_id = $2",
	/* custom fields kept beside the row (multiple ones, files): the files' rows first */
	("DELETE FROM crm_uf_file WHERE id IN (SELECT v.value_int FROM crm_uf_value v JOIN crm_uf_field f ON f.id = "
	 "v.field_id WHERE v.entity_type_id = $1 AND v.entity_id = $2 AND f.storage = 'file')"),
	"DELETE FROM crm_uf_value WHERE entity_type_id = $1 AND entity_id = $2",
};

/* References other items keep to a deleted one, by its type: cleared, then the single-valued
 * contact/company columns are re-derived from the links that remain. */
static const char *const clear_refs_company[] = {
	"UPDATE crm_lead SET company_id = NULL WHERE company_id = $1",
	"UPDATE crm_deal SET company_id = NULL WHERE company_id = $1",
	"UPDATE crm_contact SET company_id = (SELECT linked_id FROM crm_entity_link WHERE owner_type_id = 3 AND "
	"owner_id = crm_contact.id AND linked_type_id = 4 ORDER BY is_primary DESC, sort, linked_id LIMIT 1) "
	"WHERE company_id = $1",
};
static const char *const clear_refs_contact[] = {
	"UPDATE crm_lead SET contact_id = (SELECT linked_id FROM crm_entity_link WHERE owner_type_id = 1 AND "
	"owner_id = crm_lead.id AND linked_type_id = 3 ORDER BY is_primary DESC, sort, linked_id LIMIT 1) "
	"WHERE contact_id = $1",
	"UPDATE crm_deal SET contact_id = (SELECT linked_id FROM crm_entity_link WHERE owner_type_id = 2 AND "
	"owner_id = crm_deal.id AND linked_type_id = 3 ORDER BY is_primary DESC, sort, linked_id LIMIT 1) "
	"WHERE contact_id = $1",
};
static const char *const clear_refs_lead[] = {
	"UPDATE crm_deal SET lead_id = NULL WHERE lead_id = $1",
	"UPDATE crm_contact SET lead_id = NULL WHERE lead_id = $1",
	"UPDATE crm_company SET lead_id = NULL WHERE lead_id = $1",
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

int q_crm_item_delete(struct store *st, int64_t entity_type_id, int64_t id)
{
	if (entity_type_id < 1 || entity_type_id > 4)
		return STORE_NOTFOUND;
	int64_t n = 0;
	int rc = exec_ids(st, delete_sql[entity_type_id], id, false, 0, &n);
	if (rc)
		return rc;
	if (n == 0)
		return STORE_NOTFOUND;
	for (size_t i = 0; i < N_OF(cascade_sql); i++)
		if ((rc = exec_ids(st, cascade_sql[i], entity_type_id, true, id, NULL)))
			return rc;
	const char *const *refs = NULL;
	size_t n_refs = 0;
	if (entity_type_id == 4)
		refs = clear_refs_company, n_refs = N_OF(clear_refs_company);
	else if (entity_type_id == 3)
		refs = clear_refs_contact, n_refs = N_OF(clear_refs_contact);
	else if (entity_type_id == 1)
		refs = clear_refs_lead, n_refs = N_OF(clear_refs_lead);
	for (size_t i = 0; i < n_refs; i++)
		if ((rc = exec_ids(st, refs[i], id, false, 0, NULL)))
			return rc;
	return STORE_OK;
}

int q_crm_item_fm_flags(struct store *st, int64_t entity_type_id, int64_t id)
{
	if (entity_type_id < 1 || entity_type_id > 4 || !fm_flags_sql[entity_type_id])
		return STORE_OK;
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT COALESCE(MAX(type_id = 'PHONE'), 0), COALESCE(MAX(type_id = 'EMAIL'), 0), "
		   "COALESCE(MAX(type_id = 'IM' AND value_type IN ('OPENLINE', 'IMOL')), 0) FROM crm_fm WHERE "
		   "entity_type_id = $1 AND entity_id = $2");
	int rc = store_bind_int(s, 1, entity_type_id);
	if (!rc)
		rc = store_bind_int(s, 2, id);
	bool has[3] = {false, false, false};
	if (!rc && (rc = store_step(s)) == STORE_ROW) {
		for (int i = 0; i < 3; i++)
			has[i] = store_col_int(s, i) != 0;
		rc = STORE_OK;
	}
	store_reset(s);
	if (rc)
		return rc;
	STORE_PREP(s, st, fm_flags_sql[entity_type_id]);
	rc = store_bind_int(s, 1, id);
	for (int i = 0; !rc && i < 3; i++)
		rc = store_bind_text(s, i + 2, has[i] ? "Y" : "N");
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

/* Which item columns hold values of which reference list. DEAL_STAGE_{n} lists are matched by
 * prefix below. */
static const struct {
	const char *entity_id;
	const char *sql;
} usage_sql[] = {
	{"STATUS", "SELECT COUNT(*) FROM crm_lead WHERE status_id = $1"},
	{"SOURCE", "SELECT (SELECT COUNT(*) FROM crm_lead WHERE source_id = $1) + (SELECT COUNT(*) FROM crm_deal WHERE "
		   "source_id = $1) + (SELECT COUNT(*) FROM crm_contact WHERE source_id = $1)"},
	{"CONTACT_TYPE", "SELECT COUNT(*) FROM crm_contact WHERE type_id = $1"},
	{"COMPANY_TYPE", "SELECT COUNT(*) FROM crm_company WHERE company_type = $1"},
	{"INDUSTRY", "SELECT COUNT(*) FROM crm_company WHERE industry = $1"},
	{"EMPLOYEES", "SELECT COUNT(*) FROM crm_company WHERE employees = $1"},
	{"DEAL_TYPE", "SELECT COUNT(*) FROM crm_deal WHERE type_id = $1"},
	{"DEAL_STAGE", "SELECT COUNT(*) FROM crm_deal WHERE stage_id = $1"},
	{"HONORIFIC", "SELECT (SELECT COUNT(*) FROM crm_lead WHERE honorific = $1) + (SELECT COUNT(*) FROM crm_contact "
		      "WHERE honorific = $1)"},
};

int q_crm_status_usage(struct store *st, const char *entity_id, const char *status_id, int64_t *n)
{
	*n = 0;
	const char *sql = NULL;
	for (size_t i = 0; i < N_OF(usage_sql); i++)
		if (!strcmp(entity_id, usage_sql[i].entity_id))
			sql = usage_sql[i].sql;
	if (!sql && !strncmp(entity_id, "DEAL_STAGE_", 11)) /* stage ids are unique across pipelines */
		sql = "SELECT COUNT(*) FROM crm_deal WHERE stage_id = $1";
	if (!sql)
		return STORE_OK;
	struct stmt *s;
	STORE_PREP(s, st, sql);
	int rc = store_bind_text(s, 1, status_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_one_int(s, n);
}

/* ---- multi-fields ---- */

int q_crm_fm_list(struct store *st, struct arena *a, int64_t entity_type_id, int64_t id, struct q_crm_fm **out,
		  size_t *n)
{
	*out = NULL;
	*n = 0;
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT id, type_id, value_type, value FROM crm_fm WHERE entity_type_id = $1 AND entity_id = $2 "
		   "ORDER BY type_id, id");
	int rc = store_bind_int(s, 1, entity_type_id);
	if (!rc)
		rc = store_bind_int(s, 2, id);
	size_t cap = 0;
	while (!rc && (rc = store_step(s)) == STORE_ROW) {
		if (*n == cap && !(*out = arena_grow(a, *out, *n, &cap, sizeof **out))) {
			rc = STORE_TOOBIG;
			break;
		}
		struct q_crm_fm *f = &(*out)[(*n)++];
		f->id = store_col_int(s, 0);
		store_col_copy(s, 1, f->type_id, sizeof f->type_id);
		store_col_copy(s, 2, f->value_type, sizeof f->value_type);
		f->value = arena_strdup(a, store_col_text(s, 3));
		if (!f->value) {
			rc = STORE_TOOBIG;
			break;
		}
		rc = STORE_OK;
	}
	store_reset(s);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int q_crm_fm_insert(struct store *st, int64_t entity_type_id, int64_t id, const char *type_id, const char *value_type,
		    const char *value, const char *value_norm)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO crm_fm (entity_type_id, entity_id, type_id, value_type, value, value_norm) VALUES ($1, "
		   "$2, $3, $4, $5, $6)");
	int rc = store_bind_int(s, 1, entity_type_id);
	if (!rc)
		rc = store_bind_int(s, 2, id);
	if (!rc)
		rc = store_bind_text(s, 3, type_id);
	if (!rc)
		rc = store_bind_text(s, 4, value_type);
	if (!rc)
		rc = store_bind_text(s, 5, value);
	if (!rc)
		rc = store_bind_text(s, 6, value_norm);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_fm_update(struct store *st, int64_t entity_type_id, int64_t id, int64_t fm_id, const char *value_type,
		    const char *value, const char *value_norm)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "UPDATE crm_fm SET value_type = $4, value = $5, value_norm = $6 WHERE id = $3 AND "
		   "entity_type_id = $1 AND entity_id = $2");
	int rc = store_bind_int(s, 1, entity_type_id);
	if (!rc)
		rc = store_bind_int(s, 2, id);
	if (!rc)
		rc = store_bind_int(s, 3, fm_id);
	if (!rc)
		rc = store_bind_text(s, 4, value_type);
	if (!rc)
		rc = store_bind_text(s, 5, value);
	if (!rc)
		rc = store_bind_text(s, 6, value_norm);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

int q_crm_fm_delete(struct store *st, int64_t entity_type_id, int64_t id, int64_t fm_id)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_fm WHERE id = $3 AND entity_type_id = $1 AND entity_id = $2");
	int rc = store_bind_int(s, 1, entity_type_id);
	if (!rc)
		rc = store_bind_int(s, 2, id);
	if (!rc)
		rc = store_bind_int(s, 3, fm_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_changed(st, s);
}

/* ---- links ---- */

int q_crm_link_list(struct store *st, struct arena *a, int64_t owner_type, int64_t owner_id, int64_t linked_type,
		    bool reverse, struct q_crm_link **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct stmt *s;
	if (reverse)
		STORE_PREP(s, st,
			   "SELECT owner_id, sort, is_primary FROM crm_entity_link WHERE owner_type_id = $1 AND "
			   "linked_id = $2 AND linked_type_id = $3 ORDER BY sort, owner_id");
	else
		STORE_PREP(s, st,
			   "SELECT linked_id, sort, is_primary FROM crm_entity_link WHERE owner_type_id = $1 AND "
			   "owner_id = $2 AND linked_type_id = $3 ORDER BY sort, linked_id");
	int rc = store_bind_int(s, 1, owner_type);
	if (!rc)
		rc = store_bind_int(s, 2, owner_id);
	if (!rc)
		rc = store_bind_int(s, 3, linked_type);
	size_t cap = 0;
	while (!rc && (rc = store_step(s)) == STORE_ROW) {
		if (*n == cap && !(*out = arena_grow(a, *out, *n, &cap, sizeof **out))) {
			rc = STORE_TOOBIG;
			break;
		}
		struct q_crm_link *l = &(*out)[(*n)++];
		l->id = store_col_int(s, 0);
		l->sort = store_col_int(s, 1);
		l->is_primary = store_col_text(s, 2)[0] == 'Y';
		rc = STORE_OK;
	}
	store_reset(s);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int q_crm_link_clear(struct store *st, int64_t owner_type, int64_t owner_id, int64_t linked_type, bool reverse)
{
	struct stmt *s;
	if (reverse)
		STORE_PREP(s, st,
			   "DELETE FROM crm_entity_link WHERE owner_type_id = $1 AND linked_id = $2 AND linked_type_id = $3");
	else
		STORE_PREP(s, st,
			   "DELETE FROM crm_entity_link WHERE owner_type_id = $1 AND owner_id = $2 AND linked_type_id = $3");
	int rc = store_bind_int(s, 1, owner_type);
	if (!rc)
		rc = store_bind_int(s, 2, owner_id);
	if (!rc)
		rc = store_bind_int(s, 3, linked_type);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_link_add(struct store *st, int64_t owner_type, int64_t owner_id, int64_t linked_type, int64_t linked_id,
		   int64_t sort, bool is_primary)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO crm_entity_link (owner_type_id, owner_id, linked_type_id, linked_id, sort, is_primary) "
		   "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (owner_type_id, owner_id, linked_type_id, linked_id) DO "
		   "UPDATE SET sort = excluded.sort, is_primary = excluded.is_primary");
	int rc = store_bind_int(s, 1, owner_type);
	if (!rc)
		rc = store_bind_int(s, 2, owner_id);
	if (!rc)
		rc = store_bind_int(s, 3, linked_type);
	if (!rc)
		rc = store_bind_int(s, 4, linked_id);
	if (!rc)
		rc = store_bind_int(s, 5, sort);
	if (!rc)
		rc = store_bind_text(s, 6, is_primary ? "Y" : "N");
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

static const char *const sync_primary_sql[] = PER_TYPE(
	"UPDATE crm_lead SET contact_id = (SELECT linked_id FROM crm_entity_link WHERE owner_type_id = 1 AND "
	"owner_id = $1 AND linked_type_id = 3 ORDER BY is_primary DESC, sort, linked_id LIMIT 1) WHERE id = $1",
	"UPDATE crm_deal SET contact_id = (SELECT linked_id FROM crm_entity_link WHERE owner_type_id = 2 AND "
	"owner_id = $1 AND linked_type_id = 3 ORDER BY is_primary DESC, sort, linked_id LIMIT 1) WHERE id = $1",
	"UPDATE crm_contact SET company_id = (SELECT linked_id FROM crm_entity_link WHERE owner_type_id = 3 AND "
	"owner_id = $1 AND linked_type_id = 4 ORDER BY is_primary DESC, sort, linked_id LIMIT 1) WHERE id = $1",
	NULL);

int q_crm_link_sync_primary(struct store *st, int64_t owner_type, int64_t owner_id)
{
	if (owner_type < 1 || owner_type > 4 || !sync_primary_sql[owner_type])
		return STORE_OK;
	return exec_ids(st, sync_primary_sql[owner_type], owner_id, false, 0, NULL);
}

/* ---- history ---- */

static const struct query_field crm_history_fields[] = {
	{"ID", "id", QT_INT, F | QF_READONLY | QF_NUMBER, "ID", NULL},
	{"ENTITY_TYPE_ID", "entity_type_id", QT_INT, F | QF_NUMBER, "Item type", NULL},
	{"ENTITY_ID", "entity_id", QT_INT, F | QF_NUMBER, "Item", NULL},
	{"EVENT_TYPE", "event_type", QT_INT, F | QF_NUMBER, "Event: 1 created, 2 changed, 3 deleted, 4 converted", NULL},
	{"FIELD", "field", QT_STRING, F, "Field", NULL},
	{"OLD_VALUE", "old_value", QT_STRING, QF_FILTER, "Old value", NULL},
	{"NEW_VALUE", "new_value", QT_STRING, QF_FILTER, "New value", NULL},
	{"USER_ID", "user_id", QT_INT, F | QF_NUMBER, "Changed by", NULL},
	{"CREATED", "created", QT_DATETIME, F, "When", NULL},
};

const struct query_entity q_crm_history_entity = {
	"crm_history", "id", crm_history_fields, N_OF(crm_history_fields), false,
};

int q_crm_history_add(struct store *st, int64_t entity_type_id, int64_t id, int event_type, const char *field,
		      const char *old_value, const char *new_value, int64_t user_id, const char *created)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO crm_history (entity_type_id, entity_id, event_type, field, old_value, new_value, user_id, "
		   "created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
	int rc = store_bind_int(s, 1, entity_type_id);
	if (!rc)
		rc = store_bind_int(s, 2, id);
	if (!rc)
		rc = store_bind_int(s, 3, event_type);
	if (!rc)
		rc = store_bind_text(s, 4, field ? field : "");
	if (!rc)
		rc = store_bind_text(s, 5, old_value);
	if (!rc)
		rc = store_bind_text(s, 6, new_value);
	if (!rc)
		rc = user_id > 0 ? store_bind_int(s, 7, user_id) : store_bind_null(s, 7);
	if (!rc)
		rc = store_bind_text(s, 8, created);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_stage_history_add(struct store *st, int64_t entity_type_id, int64_t id, int type_id, int64_t category_id,
			    const char *stage_id, const char *semantic_id, const char *created)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO crm_stage_history (entity_type_id, owner_id, type_id, category_id, stage_id, "
		   "stage_semantic_id, created_time) VALUES ($1, $2, $3, $4, $5, $6, $7)");
	int rc = store_bind_int(s, 1, entity_type_id);
	if (!rc)
		rc = store_bind_int(s, 2, id);
	if (!rc)
		rc = store_bind_int(s, 3, type_id);
	if (!rc)
		rc = store_bind_int(s, 4, category_id);
	if (!rc)
		rc = store_bind_text(s, 5, stage_id);
	if (!rc)
		rc = store_bind_text(s, 6, semantic_id);
	if (!rc)
		rc = store_bind_text(s, 7, created);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

/* ---- product rows ---- */

int q_crm_product_rows_list(struct store *st, struct arena *a, int64_t owner_type, int64_t owner_id,
			    struct q_crm_product_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT id, product_id, product_name, price, price_exclusive, price_netto, price_brutto, quantity, "
		   "discount_type_id, discount_rate, discount_sum, tax_rate, tax_included, customized, measure_code, "
		   "measure_name, sort FROM crm_product_row WHERE owner_type_id = $1 AND owner_id = $2 ORDER BY sort, id");
	int rc = store_bind_int(s, 1, owner_type);
	if (!rc)
		rc = store_bind_int(s, 2, owner_id);
	size_t cap = 0;
	while (!rc && (rc = store_step(s)) == STORE_ROW) {
		if (*n == cap && !(*out = arena_grow(a, *out, *n, &cap, sizeof **out))) {
			rc = STORE_TOOBIG;
			break;
		}
		struct q_crm_product_row *r = &(*out)[(*n)++];
		r->id = store_col_int(s, 0);
		r->product_id = store_col_int(s, 1);
		r->product_name = arena_strdup(a, store_col_text(s, 2));
		r->price = store_col_double(s, 3);
		r->price_exclusive = store_col_double(s, 4);
		r->price_netto = store_col_double(s, 5);
		r->price_brutto = store_col_double(s, 6);
		r->quantity = store_col_double(s, 7);
		r->discount_type_id = store_col_int(s, 8);
		r->discount_rate = store_col_double(s, 9);
		r->discount_sum = store_col_double(s, 10);
		r->has_tax_rate = !store_col_isnull(s, 11);
		r->tax_rate = store_col_double(s, 11);
		r->tax_included = store_col_text(s, 12)[0] == 'Y';
		r->customized = store_col_text(s, 13)[0] == 'Y';
		r->measure_code = store_col_int(s, 14);
		r->measure_name = arena_strdup(a, store_col_text(s, 15));
		r->sort = store_col_int(s, 16);
		if (!r->product_name || !r->measure_name) {
			rc = STORE_TOOBIG;
			break;
		}
		rc = STORE_OK;
	}
	store_reset(s);
	return rc == STORE_ROW ? STORE_OK : rc;
}

int q_crm_product_rows_clear(struct store *st, int64_t owner_type, int64_t owner_id)
{
	return exec_ids(st, "DELETE FROM crm_product_row WHERE owner_type_id = $1 AND owner_id = $2", owner_type, true,
			owner_id, NULL);
}

int q_crm_product_row_insert(struct store *st, int64_t owner_type, int64_t owner_id, const struct q_crm_product_row *r,
			     int64_t *id)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO crm_product_row (owner_type_id, owner_id, product_id, product_name, price, "
		   "price_exclusive, price_netto, price_brutto, quantity, discount_type_id, discount_rate, discount_sum, "
		   "tax_rate, tax_included, customized, measure_code, measure_name, sort) VALUES ($1, $2, $3, $4, $5, $6, "
		   "$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id");
	int rc = 0;
	int i = 1;
	rc = rc ? rc : store_bind_int(s, i++, owner_type);
	rc = rc ? rc : store_bind_int(s, i++, owner_id);
	rc = rc ? rc : store_bind_int(s, i++, r->product_id);
	rc = rc ? rc : store_bind_text(s, i++, r->product_name);
	rc = rc ? rc : store_bind_double(s, i++, r->price);
	rc = rc ? rc : store_bind_double(s, i++, r->price_exclusive);
	rc = rc ? rc : store_bind_double(s, i++, r->price_netto);
	rc = rc ? rc : store_bind_double(s, i++, r->price_brutto);
	rc = rc ? rc : store_bind_double(s, i++, r->quantity);
	rc = rc ? rc : store_bind_int(s, i++, r->discount_type_id);
	rc = rc ? rc : store_bind_double(s, i++, r->discount_rate);
	rc = rc ? rc : store_bind_double(s, i++, r->discount_sum);
	rc = rc ? rc : (r->has_tax_rate ? store_bind_double(s, i++, r->tax_rate) : store_bind_null(s, i++));
	rc = rc ? rc : store_bind_text(s, i++, r->tax_included ? "Y" : "N");
	rc = rc ? rc : store_bind_text(s, i++, r->customized ? "Y" : "N");
	rc = rc ? rc : store_bind_int(s, i++, r->measure_code);
	rc = rc ? rc : store_bind_text(s, i++, r->measure_name);
	rc = rc ? rc : store_bind_int(s, i++, r->sort);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_one_int(s, id);
}

int q_crm_product_brief(struct store *st, struct arena *a, int64_t id, const char **name, double *price)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT name, price FROM crm_product WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		*name = arena_strdup(a, store_col_text(s, 0));
		*price = store_col_double(s, 1);
		rc = *name ? STORE_OK : STORE_TOOBIG;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

int q_crm_deal_count_in_category(struct store *st, int64_t category_id, int64_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT COUNT(*) FROM crm_deal WHERE category_id = $1");
	int rc = store_bind_int(s, 1, category_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_one_int(s, n);
}
