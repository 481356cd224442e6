/* convert.h — lead conversion (C4); see convert.c. */
#ifndef VORONKA_CRM_CONVERT_H
#define VORONKA_CRM_CONVERT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "crm/item.h"

struct crm_convert_result {
	int64_t contact_id, company_id, deal_id; /* 0: none */
	bool contact_created, company_created, deal_created;
};

/* opts: {"contact": true | false | {fields…} | {"id": N}, "company": …, "deal": …,
 *        "categoryId": N}. x is a lead context. 0, or -1 with the call failed and nothing written. */
int crm_lead_convert(struct crm_ctx *x, int64_t lead_id, json_t *opts, struct crm_convert_result *res);

#endif
