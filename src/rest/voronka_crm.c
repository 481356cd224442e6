/* voronka_crm.c — CRM methods Bitrix24's REST lacks, under our prefix: lead conversion
 * (voronka.crm.lead.convert) and the field history of an item (voronka.crm.history.list). */
#include "rest/rest.h"
#include "rest/filter.h"
#include "core/arena.h"
#include "crm/access.h"
#include "crm/convert.h"
#include "crm/item.h"
#include "store/q_crm_item.h"
#include <string.h>

/* voronka.crm.lead.convert {id, contact, company, deal, categoryId} →
 * {contactId, companyId, dealId} (null for what was not asked). */
int rest_voronka_crm_lead_convert(struct rest_call *call)
{
	struct crm_ctx x = {.call = call, .t = crm_type_by_id(CRM_LEAD)};
	int64_t id;
	int r = rest_param_int(call, "id", &id);
	if (r < 0)
		return -1;
	if (r == 1 || id <= 0)
		return rest_fail(call, ERR_ARGUMENT, "id is not defined or invalid");
	struct crm_convert_result res;
	if (crm_lead_convert(&x, id, call->params, &res))
		return -1;
	json_t *out = json_object();
	json_object_set_new(out, "contactId", res.contact_id ? json_integer(res.contact_id) : json_null());
	json_object_set_new(out, "companyId", res.company_id ? json_integer(res.company_id) : json_null());
	json_object_set_new(out, "dealId", res.deal_id ? json_integer(res.deal_id) : json_null());
	call->result = out;
	return 0;
}

/* voronka.crm.history.list {entityTypeId, id, filter?, order?, start} → the change records of
 * one item, newest first unless ordered otherwise. The item may be deleted (its history stays). */
int rest_voronka_crm_history_list(struct rest_call *call)
{
	int64_t type, id;
	int r1 = rest_param_int(call, "entityTypeId", &type);
	if (r1 < 0)
		return -1;
	int r2 = rest_param_int(call, "id", &id);
	if (r2 < 0)
		return -1;
	if (r1 == 1 || !crm_type_by_id(type))
		return rest_fail(call, ERR_ARGUMENT, "entityTypeId must be 1 (lead), 2 (deal), 3 (contact) or 4 (company)");
	if (r2 == 1 || id <= 0)
		return rest_fail(call, ERR_ARGUMENT, "id is not defined or invalid");
	/* the item's readers read its history; a deleted item's, only those who see every item */
	if (crm_access_owner(call, type, id, CRM_OP_READ))
		return -1;
	struct query q;
	query_init(&q, call->arena, &q_crm_history_entity);
	json_t *filter = rest_param(call, "filter");
	if (rest_filter_parse(call, &q, filter) || rest_order_parse(call, &q, rest_param(call, "order")))
		return -1;
	struct query_value *v = arena_alloc(call->arena, 2 * sizeof *v);
	if (!v)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	v[0] = (struct query_value){.kind = QV_INT, .i = type};
	v[1] = (struct query_value){.kind = QV_INT, .i = id};
	struct query_cond c1 = {.field = query_field_find(q.ent, "ENTITY_TYPE_ID"), .op = QOP_EQ, .values = &v[0],
				.n_values = 1};
	struct query_cond c2 = {.field = query_field_find(q.ent, "ENTITY_ID"), .op = QOP_EQ, .values = &v[1],
				.n_values = 1};
	if (query_add_cond(&q, &c1) || query_add_cond(&q, &c2))
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	if (!q.n_order && query_add_order(&q, q.ent->fields, true))
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	return rest_list_run(call, &q, NULL, NULL);
}
