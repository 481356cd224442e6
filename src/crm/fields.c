/* fields.c — the CRM field facts table (fields.h). */
#include "crm/fields.h"
#include "crm/crm.h"
#include "crm/uf.h"
#include "store/q_crm_item.h"
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LONG_TEXT 65535 /* comments and other free text; the request body limit caps the rest */

static const struct crm_field_meta table[] = {
	{CRM_LEAD, "STATUS_ID", CK_STAGE, "STATUS", 50, "stageId"},
	{CRM_LEAD, "STATUS_SEMANTIC_ID", CK_PLAIN, NULL, 0, "stageSemanticId"},
	{CRM_LEAD, "STATUS_DESCRIPTION", CK_PLAIN, NULL, LONG_TEXT, "statusDescription"},
	{CRM_DEAL, "STAGE_ID", CK_STAGE, "DEAL_STAGE", 50, NULL},
	{CRM_DEAL, "TYPE_ID", CK_STATUS, "DEAL_TYPE", 50, NULL},
	{CRM_DEAL, "CATEGORY_ID", CK_CATEGORY, NULL, 0, NULL},
	{CRM_CONTACT, "TYPE_ID", CK_STATUS, "CONTACT_TYPE", 50, NULL},
	{CRM_COMPANY, "COMPANY_TYPE", CK_STATUS, "COMPANY_TYPE", 50, "typeId"},
	{CRM_COMPANY, "INDUSTRY", CK_STATUS, "INDUSTRY", 50, NULL},
	{CRM_COMPANY, "EMPLOYEES", CK_STATUS, "EMPLOYEES", 50, NULL},
	{CRM_COMPANY, "CONTACT_ID", CK_CONTACTS, NULL, 0, "contactIds"},
	{CRM_CONTACT, "COMPANY_IDS", CK_COMPANIES, NULL, 0, NULL},
	{0, "SOURCE_ID", CK_STATUS, "SOURCE", 50, NULL},
	{0, "HONORIFIC", CK_STATUS, "HONORIFIC", 50, NULL},
	{0, "ASSIGNED_BY_ID", CK_USER, NULL, 0, NULL},
	{0, "CREATED_BY_ID", CK_USER, NULL, 0, "createdBy"},
	{0, "MODIFY_BY_ID", CK_USER, NULL, 0, "updatedBy"},
	{0, "MOVED_BY_ID", CK_USER, NULL, 0, "movedBy"},
	{0, "LAST_ACTIVITY_BY", CK_USER, NULL, 0, NULL},
	{0, "DATE_CREATE", CK_PLAIN, NULL, 0, "createdTime"},
	{0, "DATE_MODIFY", CK_PLAIN, NULL, 0, "updatedTime"},
	{0, "COMPANY_ID", CK_COMPANY, NULL, 0, NULL},
	{0, "CONTACT_ID", CK_CONTACT, NULL, 0, NULL},
	{0, "CONTACT_IDS", CK_CONTACTS, NULL, 0, NULL},
	{0, "LEAD_ID", CK_LEAD, NULL, 0, NULL},
	{0, "CURRENCY_ID", CK_CURRENCY, NULL, 3, NULL},
	{0, "PHOTO", CK_FILE, NULL, 0, NULL},
	{0, "LOGO", CK_FILE, NULL, 0, NULL},
	{0, "PHONE", CK_FM, NULL, 0, NULL},
	{0, "EMAIL", CK_FM, NULL, 0, NULL},
	{0, "WEB", CK_FM, NULL, 0, NULL},
	{0, "IM", CK_FM, NULL, 0, NULL},
	{0, "LINK", CK_FM, NULL, 0, NULL},
	{0, "COMMENTS", CK_PLAIN, NULL, LONG_TEXT, NULL},
	{0, "SOURCE_DESCRIPTION", CK_PLAIN, NULL, LONG_TEXT, NULL},
	{0, "ADDITIONAL_INFO", CK_PLAIN, NULL, LONG_TEXT, NULL},
	{0, "BANKING_DETAILS", CK_PLAIN, NULL, LONG_TEXT, NULL},
	{0, "ADDRESS_LEGAL", CK_PLAIN, NULL, LONG_TEXT, NULL},
	{0, "ADDRESS", CK_PLAIN, NULL, 1024, NULL},
	{0, "REG_ADDRESS", CK_PLAIN, NULL, 1024, NULL},
	{0, "BIRTHDATE", CK_PLAIN, NULL, 0, "birthdate"},
	{0, "BEGINDATE", CK_PLAIN, NULL, 0, "begindate"},
	{0, "CLOSEDATE", CK_PLAIN, NULL, 0, "closedate"},
};

static const struct crm_field_meta *meta_lookup(int type_id, const char *name);

/* Every standard field's facts, found once per type: reads look them up per field and per row. */
#define MAX_STD_FIELDS 128
static const struct crm_field_meta *meta_cache[5][MAX_STD_FIELDS];
static pthread_once_t meta_once = PTHREAD_ONCE_INIT;

static void meta_init(void)
{
	for (int t = 1; t <= 4; t++) {
		const struct query_entity *e = q_crm_item_static_entity(t);
		for (size_t i = 0; e && i < e->n_fields && i < MAX_STD_FIELDS; i++)
			meta_cache[t][i] = meta_lookup(t, e->fields[i].name);
	}
}

const struct crm_field_meta *crm_field_meta_of(int type_id, const struct query_field *f)
{
	const struct query_entity *e = type_id >= 1 && type_id <= 4 ? q_crm_item_static_entity(type_id) : NULL;
	if (e && f >= e->fields && f < e->fields + e->n_fields && (size_t)(f - e->fields) < MAX_STD_FIELDS) {
		pthread_once(&meta_once, meta_init);
		return meta_cache[type_id][f - e->fields];
	}
	return meta_lookup(type_id, f->name);
}

const struct crm_field_meta *crm_field_meta(int type_id, const char *name)
{
	return meta_lookup(type_id, name);
}

static const struct crm_field_meta *meta_lookup(int type_id, const char *name)
{
	const struct crm_field_meta *any = NULL;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		if (strcmp(table[i].name, name))
			continue;
		if (table[i].type_id == type_id)
			return &table[i];
		if (table[i].type_id == 0 && !any)
			any = &table[i];
	}
	static const struct crm_field_meta plain = {0, "", CK_PLAIN, NULL, 0, NULL};
	return any ? any : &plain;
}

const char *crm_field_type_name(int type_id, const struct query_field *f, const struct crm_field_meta *m)
{
	static const char *const kinds[] = {
		[CK_STATUS] = "crm_status", [CK_STAGE] = "crm_status", [CK_USER] = "user",
		[CK_LEAD] = "crm_lead",	    [CK_CONTACT] = "crm_contact", [CK_COMPANY] = "crm_company",
		[CK_CONTACTS] = "crm_contact", [CK_COMPANIES] = "crm_company", [CK_CURRENCY] = "crm_currency",
		[CK_CATEGORY] = "crm_category", [CK_FM] = "crm_multifield", [CK_FILE] = "file",
	};
	(void)type_id;
	if (m->kind != CK_PLAIN && kinds[m->kind])
		return kinds[m->kind];
	static const char *const types[] = {
		[QT_INT] = "integer", [QT_DOUBLE] = "double", [QT_STRING] = "string", [QT_CHAR] = "char",
		[QT_BOOL] = "boolean", [QT_DATE] = "date", [QT_DATETIME] = "datetime",
	};
	return types[f->type];
}

int crm_field_required(int type_id, const char *name)
{
	return type_id == CRM_COMPANY && !strcmp(name, "TITLE");
}

int crm_field_immutable(int type_id, const char *name)
{
	return type_id == CRM_DEAL && !strcmp(name, "CATEGORY_ID");
}

const char *crm_field_camel(int type_id, const char *name, char *buf, size_t n)
{
	if (!strncmp(name, "UF_", 3)) /* custom fields: Bitrix24's own rule (crm/uf.h) */
		return crm_uf_camel(name, buf, n);
	const struct crm_field_meta *m = crm_field_meta(type_id, name);
	if (m->camel) {
		snprintf(buf, n, "%s", m->camel);
		return buf;
	}
	size_t o = 0;
	bool up = false;
	for (const char *p = name; *p && o + 1 < n; p++) {
		if (*p == '_') {
			up = true;
			continue;
		}
		buf[o++] = up ? (char)toupper((unsigned char)*p) : (char)tolower((unsigned char)*p);
		up = false;
	}
	buf[o] = 0;
	return buf;
}

const struct query_field *crm_field_by_camel(int type_id, const char *camel)
{
	const struct query_entity *e = q_crm_item_entity(type_id);
	if (!e)
		return NULL;
	char buf[64];
	for (size_t i = 0; i < e->n_fields; i++) {
		const char *name = e->fields[i].name;
		if (!strncmp(name, "UF_", 3) ? crm_uf_name_matches(name, camel)
					     : !strcasecmp(crm_field_camel(type_id, name, buf, sizeof buf), camel))
			return &e->fields[i];
	}
	return NULL;
}

const char *crm_field_upper(int type_id, const char *name, char *buf, size_t n)
{
	const struct crm_field_meta *m = crm_field_meta(type_id, name);
	if (!m->camel) {
		snprintf(buf, n, "%s", name);
		return buf;
	}
	/* a renamed field: crm.item's own upper form, "createdTime" → "CREATED_TIME" */
	size_t o = 0;
	for (const char *p = m->camel; *p && o + 2 < n; p++) {
		if (isupper((unsigned char)*p) && p != m->camel)
			buf[o++] = '_';
		buf[o++] = (char)toupper((unsigned char)*p);
	}
	buf[o] = 0;
	return buf;
}

const struct query_field *crm_item_field(int type_id, const char *name)
{
	const struct query_entity *e = q_crm_item_entity(type_id);
	if (!e || !name || !*name)
		return NULL;
	const struct query_field *f = crm_field_by_camel(type_id, name);
	if (f)
		return f;
	char buf[64];
	for (size_t i = 0; i < e->n_fields; i++)
		if (crm_field_meta(type_id, e->fields[i].name)->camel &&
		    !strcasecmp(crm_field_upper(type_id, e->fields[i].name, buf, sizeof buf), name))
			return &e->fields[i];
	return query_field_find(e, name);
}

/* ISO 4217 codes in circulation (2024): what CURRENCY_ID accepts. A currencies module with
 * rates (crm.currency.*) would take this list's place. */
static const char currencies[][4] = {
	"AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD",
	"BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY",
	"COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP",
	"GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR",
	"IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
	"LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
	"MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK",
	"PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD",
	"SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY",
	"TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF",
	"XPF", "YER", "ZAR", "ZMW", "ZWL",
};

static int cmp_code(const void *a, const void *b)
{
	return strcmp(a, b);
}

bool crm_currency_known(const char *code)
{
	if (strlen(code) != 3)
		return false;
	return bsearch(code, currencies, sizeof currencies / sizeof currencies[0], sizeof currencies[0], cmp_code) != NULL;
}
