/* crm.h — the CRM's item types and the facts every CRM module shares about them. The four
 * item types of Bitrix24's "classic" CRM (reference §3.7) are rows of one table here; code that
 * must tell them apart looks the type up instead of switching on numbers.
 *
 * Type ids are Bitrix24's entityTypeId: 1 lead, 2 deal, 3 contact, 4 company. */
#ifndef VORONKA_CRM_H
#define VORONKA_CRM_H
#include <stdbool.h>
#include <stdint.h>

enum crm_type_id { CRM_LEAD = 1, CRM_DEAL = 2, CRM_CONTACT = 3, CRM_COMPANY = 4 };

struct crm_type {
	int id;               /* entityTypeId */
	const char *name;     /* "LEAD": crm.status ENTITY_ID prefixes, bizproc document ids */
	const char *lower;    /* "lead": method names (crm.lead.*), timeline ENTITY_TYPE */
	const char *abbr;     /* "L" */
	const char *title_ru; /* "Лид" */
	const char *title_en; /* "Lead" */
	const char *stage_field; /* "STATUS_ID" / "STAGE_ID"; NULL: no stages */
	bool has_categories;  /* deals: pipelines */
};

/* NULL when unknown. */
const struct crm_type *crm_type_by_id(int64_t id);
/* By lower or upper name ("deal", "DEAL"); NULL when unknown. */
const struct crm_type *crm_type_by_name(const char *name);
/* The four types, in id order. */
const struct crm_type *crm_types(int *n);

#endif
