/* convert.c — lead conversion (C4): a lead becomes a contact and/or a company and/or a deal in one
 * transaction. The new items copy what the lead knows (names, communications, address, source,
 * amount, product rows, responsible), carry LEAD_ID back to it and are linked to each other (the
 * deal to the company and the contact, the contact to the company); the lead moves to its
 * success status and points at the contact and company. Existing items may be chosen instead of
 * new ones. Bitrix24's REST has no conversion call: this is voronka.crm.lead.convert. */
#include "crm/convert.h"
#include "crm/item.h"
#include "core/arena.h"
#include "core/util.h"
#include "store/q_crm_item.h"
#include "store/q_crm_status.h"
#include "store/store.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Lead fields each new item copies (when the target type has the field). */
static const char *const contact_copy[] = {
	"HONORIFIC", "NAME", "SECOND_NAME", "LAST_NAME", "BIRTHDATE", "POST", "ADDRESS", "ADDRESS_2", "ADDRESS_CITY",
	"ADDRESS_POSTAL_CODE", "ADDRESS_REGION", "ADDRESS_PROVINCE", "ADDRESS_COUNTRY", "ADDRESS_COUNTRY_CODE",
	"SOURCE_ID", "SOURCE_DESCRIPTION", "ASSIGNED_BY_ID", "OPENED", "COMMENTS", "UTM_SOURCE", "UTM_MEDIUM",
	"UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM", NULL,
};
static const char *const company_copy[] = {
	"ADDRESS", "ADDRESS_2", "ADDRESS_CITY", "ADDRESS_POSTAL_CODE", "ADDRESS_REGION", "ADDRESS_PROVINCE",
	"ADDRESS_COUNTRY", "ADDRESS_COUNTRY_CODE", "ASSIGNED_BY_ID", "OPENED", "COMMENTS", "CURRENCY_ID", "UTM_SOURCE",
	"UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM", NULL,
};
static const char *const deal_copy[] = {
	"TITLE", "OPPORTUNITY", "CURRENCY_ID", "IS_MANUAL_OPPORTUNITY", "SOURCE_ID", "SOURCE_DESCRIPTION",
	"ASSIGNED_BY_ID", "OPENED", "COMMENTS", "UTM_SOURCE", "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM",
	NULL,
};
static const char *const fm_types[] = {"PHONE", "EMAIL", "WEB", "IM", NULL};

static void copy_fields(json_t *dst, json_t *lead, const char *const *names)
{
	for (size_t i = 0; names[i]; i++) {
		json_t *v = json_object_get(lead, names[i]);
		if (v && !json_is_null(v) && !(json_is_string(v) && !*json_string_value(v)))
			json_object_set(dst, names[i], v);
	}
}

/* The lead's communications as new values (their row IDs dropped). */
static void copy_fm(json_t *dst, json_t *lead)
{
	for (size_t i = 0; fm_types[i]; i++) {
		json_t *list = json_object_get(lead, fm_types[i]);
		if (!json_is_array(list) || !json_array_size(list))
			continue;
		json_t *out = json_array();
		size_t j;
		json_t *e;
		json_array_foreach(list, j, e)
			json_array_append_new(out, json_pack("{s:O,s:O}", "VALUE", json_object_get(e, "VALUE"), "VALUE_TYPE",
							     json_object_get(e, "VALUE_TYPE")));
		json_object_set_new(dst, fm_types[i], out);
	}
}

/* The caller's choice for one target: -1 skip, 0 create, >0 an existing item's ID. overrides
 * gets the fields object when one was given. */
static int choice(struct crm_ctx *x, json_t *opts, const char *name, int type_id, int64_t *out, json_t **overrides)
{
	*overrides = NULL;
	*out = -1;
	json_t *v = json_object_get(opts, name);
	if (!v || json_is_null(v))
		return 0;
	if (json_is_object(v)) {
		json_t *id = json_object_get(v, "id");
		if (!id)
			id = json_object_get(v, "ID");
		if (id) {
			const char *t = rest_json_text(x->call, id);
			if (!t || parse_i64(t, out) || *out <= 0)
				return crm_fail(x, false, "%s.id must be the ID of an existing item", name);
			bool ok;
			int rc = q_crm_item_exists(x->call->st, type_id, *out, &ok);
			if (rc)
				return crm_fail_store(x, rc);
			if (!ok)
				return crm_fail(x, true, "%s %lld does not exist", name, (long long)*out);
			return 0;
		}
		*overrides = v;
		*out = 0;
		return 0;
	}
	int b = rest_json_bool(v);
	if (b < 0)
		return crm_fail(x, false, "%s must be true, false, {fields…} or {\"id\": N}", name);
	*out = b ? 0 : -1;
	return 0;
}

static void merge(json_t *dst, json_t *overrides)
{
	if (!overrides)
		return;
	const char *k;
	json_t *v;
	json_object_foreach(overrides, k, v)
		if (strcasecmp(k, "id"))
			json_object_set(dst, k, v);
}

static int add_item(struct rest_call *call, int type_id, int64_t lead_id, json_t *fields, int64_t *id)
{
	struct crm_ctx x = {.call = call, .t = crm_type_by_id(type_id), .allow_category = true, .lead_id = lead_id,
			    .history_event = Q_CRM_HISTORY_CONVERT};
	return crm_item_add(&x, fields, id);
}

static int copy_rows(struct crm_ctx *x, int64_t lead_id, int64_t deal_id)
{
	struct q_crm_product_row *rows;
	size_t n;
	int rc = q_crm_product_rows_list(x->call->st, x->call->arena, CRM_LEAD, lead_id, &rows, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		int64_t id;
		rc = q_crm_product_row_insert(x->call->st, CRM_DEAL, deal_id, &rows[i], &id);
	}
	return rc ? crm_fail_store(x, rc) : 0;
}

static int convert_body(struct crm_ctx *x, int64_t lead_id, json_t *opts, struct crm_convert_result *res)
{
	struct rest_call *call = x->call;
	json_t *lead = crm_item_read(x, lead_id);
	if (!lead)
		return -1;
	const char *sem = json_string_value(json_object_get(lead, "STATUS_SEMANTIC_ID"));
	if (sem && !strcmp(sem, "S"))
		return crm_fail(x, false, "The lead %lld is already converted", (long long)lead_id);
	json_t *o_contact, *o_company, *o_deal;
	int64_t contact, company, deal;
	if (choice(x, opts, "contact", CRM_CONTACT, &contact, &o_contact) ||
	    choice(x, opts, "company", CRM_COMPANY, &company, &o_company) ||
	    choice(x, opts, "deal", CRM_DEAL, &deal, &o_deal))
		return -1;
	if (contact < 0 && company < 0 && deal < 0)
		return crm_fail(x, false, "Nothing to convert into: ask for a contact, a company or a deal");
	if (company == 0) {
		json_t *f = rest_own(call, json_object());
		copy_fields(f, lead, company_copy);
		const char *title = json_string_value(json_object_get(lead, "COMPANY_TITLE"));
		if (!title || !*title)
			title = json_string_value(json_object_get(lead, "TITLE"));
		json_object_set_new(f, "TITLE", json_string(title && *title ? title : "Компания"));
		if (contact < 0) /* no contact to hold them: the company keeps the communications */
			copy_fm(f, lead);
		merge(f, o_company);
		if (add_item(call, CRM_COMPANY, lead_id, f, &company))
			return -1;
		res->company_created = true;
	}
	if (contact == 0) {
		json_t *f = rest_own(call, json_object());
		copy_fields(f, lead, contact_copy);
		copy_fm(f, lead);
		if (company > 0)
			json_object_set_new(f, "COMPANY_IDS", json_pack("[I]", (json_int_t)company));
		merge(f, o_contact);
		if (add_item(call, CRM_CONTACT, lead_id, f, &contact))
			return -1;
		res->contact_created = true;
	}
	if (deal == 0) {
		json_t *f = rest_own(call, json_object());
		copy_fields(f, lead, deal_copy);
		if (company > 0)
			json_object_set_new(f, "COMPANY_ID", json_integer(company));
		if (contact > 0)
			json_object_set_new(f, "CONTACT_IDS", json_pack("[I]", (json_int_t)contact));
		json_t *cat = json_object_get(opts, "categoryId");
		if (cat)
			json_object_set(f, "CATEGORY_ID", cat);
		merge(f, o_deal);
		if (add_item(call, CRM_DEAL, lead_id, f, &deal) || copy_rows(x, lead_id, deal))
			return -1;
		res->deal_created = true;
	}
	/* the lead: its success status and its new contact and company */
	struct q_crm_status_summary sum;
	int rc = q_crm_status_summary(call->st, "STATUS", &sum);
	if (rc)
		return crm_fail_store(x, rc);
	json_t *f = rest_own(call, json_pack("{s:s}", "STATUS_ID", sum.success_id));
	if (company > 0)
		json_object_set_new(f, "COMPANY_ID", json_integer(company));
	if (contact > 0)
		json_object_set_new(f, "CONTACT_IDS", json_pack("[I]", (json_int_t)contact));
	x->converting = true;
	rc = crm_item_update(x, lead_id, f);
	x->converting = false;
	if (rc)
		return -1;
	char now[32];
	db_time_utc(time(NULL), now, sizeof now);
	int64_t uid = call->auth ? call->auth->user_id : 0;
	const struct {
		const char *field;
		int64_t id;
	} made[] = {{"CONTACT_ID", contact}, {"COMPANY_ID", company}, {"DEAL_ID", deal}};
	for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
		if (made[i].id <= 0)
			continue;
		char v[24];
		snprintf(v, sizeof v, "%lld", (long long)made[i].id);
		if ((rc = q_crm_history_add(call->st, CRM_LEAD, lead_id, Q_CRM_HISTORY_CONVERT, made[i].field, NULL, v, uid,
					    now)))
			return crm_fail_store(x, rc);
	}
	res->contact_id = contact > 0 ? contact : 0;
	res->company_id = company > 0 ? company : 0;
	res->deal_id = deal > 0 ? deal : 0;
	return 0;
}

struct convert_args {
	int64_t lead_id;
	json_t *opts;
	struct crm_convert_result *res;
};

static int convert_tx(struct crm_ctx *x, void *arg)
{
	struct convert_args *a = arg;
	return convert_body(x, a->lead_id, a->opts, a->res);
}

int crm_lead_convert(struct crm_ctx *x, int64_t lead_id, json_t *opts, struct crm_convert_result *res)
{
	memset(res, 0, sizeof *res);
	if (!json_is_object(opts))
		return crm_fail(x, false, "Conversion options must be an object");
	struct convert_args a = {lead_id, opts, res};
	return crm_write_tx(x, convert_tx, &a);
}
