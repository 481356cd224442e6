/* types.c — the table of CRM item types (crm.h). */
#include "crm/crm.h"
#include <stddef.h>
#include <strings.h>

static const struct crm_type types[] = {
	{CRM_LEAD, "LEAD", "lead", "L", "Лид", "Lead", "STATUS_ID", false},
	{CRM_DEAL, "DEAL", "deal", "D", "Сделка", "Deal", "STAGE_ID", true},
	{CRM_CONTACT, "CONTACT", "contact", "C", "Контакт", "Contact", NULL, false},
	{CRM_COMPANY, "COMPANY", "company", "CO", "Компания", "Company", NULL, false},
};
#define N_TYPES (int)(sizeof types / sizeof types[0])

const struct crm_type *crm_type_by_id(int64_t id)
{
	for (int i = 0; i < N_TYPES; i++)
		if (types[i].id == id)
			return &types[i];
	return NULL;
}

const struct crm_type *crm_type_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (int i = 0; i < N_TYPES; i++)
		if (!strcasecmp(types[i].lower, name))
			return &types[i];
	return NULL;
}

const struct crm_type *crm_types(int *n)
{
	*n = N_TYPES;
	return types;
}
