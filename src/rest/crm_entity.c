/* crm_entity.c — the legacy CRM item methods crm.{lead,deal,contact,company}.{fields,add,get,
 * list,update,delete}: Bitrix24's string-typed records over the one write/read path in
 * crm/item.c. The four families differ only in their type, so each handler is one line over a
 * shared body; the methods table names each. */
#include "rest/rest.h"
#include "crm/crm.h"
#include "crm/fields.h"
#include "crm/item.h"
#include "crm/uf.h"
#include "store/q_crm_item.h"
#include <string.h>

static struct crm_ctx ctx_of(struct rest_call *call, int type_id)
{
	return (struct crm_ctx){.call = call, .t = crm_type_by_id(type_id), .legacy = true};
}

json_t *crm_fields_json(struct rest_call *call, int type_id)
{
	const struct query_entity *e = q_crm_item_entity(type_id);
	json_t *out = json_object();
	for (size_t i = 0; i < e->n_fields; i++) {
		const struct query_field *f = &e->fields[i];
		if (f->flags & QF_HIDDEN)
			continue;
		if (!strncmp(f->name, "UF_", 3)) {
			struct crm_ctx x = {.call = call, .t = crm_type_by_id(type_id)};
			json_object_set_new(out, f->name, crm_uf_describe(&x, f));
			continue;
		}
		const struct crm_field_meta *m = crm_field_meta(type_id, f->name);
		json_t *d = json_object();
		json_object_set_new(d, "type", json_string(crm_field_type_name(type_id, f, m)));
		json_object_set_new(d, "isRequired", json_boolean(crm_field_required(type_id, f->name)));
		json_object_set_new(d, "isReadOnly", json_boolean((f->flags & QF_READONLY) || m->kind == CK_FILE));
		json_object_set_new(d, "isImmutable", json_boolean(crm_field_immutable(type_id, f->name)));
		json_object_set_new(d, "isMultiple", json_boolean(f->flags & QF_MULTIPLE));
		json_object_set_new(d, "isDynamic", json_false());
		json_object_set_new(d, "title", json_string(f->title));
		if (m->kind == CK_STATUS || m->kind == CK_STAGE)
			json_object_set_new(d, "statusType", json_string(m->status));
		if (m->kind == CK_COMPANY || m->kind == CK_CONTACT || m->kind == CK_LEAD) {
			int parent = m->kind == CK_COMPANY ? CRM_COMPANY : m->kind == CK_CONTACT ? CRM_CONTACT : CRM_LEAD;
			json_object_set_new(d, "settings", json_pack("{s:i}", "parentEntityTypeId", parent));
		}
		if ((type_id == CRM_LEAD || type_id == CRM_DEAL) && !strcmp(f->name, "CONTACT_ID"))
			json_object_set_new(d, "isDeprecated", json_true());
		json_object_set_new(out, f->name, d);
	}
	return out;
}

static int do_fields(struct rest_call *call, int type_id)
{
	call->result = crm_fields_json(call, type_id);
	return 0;
}

static int do_add(struct rest_call *call, int type_id)
{
	struct crm_ctx x = ctx_of(call, type_id);
	int64_t id;
	json_t *fields = rest_param(call, "FIELDS");
	if (!fields)
		return crm_fail(&x, false, "Parameter 'fields' must be array.");
	if (crm_item_add(&x, fields, &id))
		return -1;
	call->result = json_integer(id);
	return 0;
}

static int do_get(struct rest_call *call, int type_id)
{
	struct crm_ctx x = ctx_of(call, type_id);
	int64_t id;
	if (crm_id_param(&x, "ID", &id))
		return -1;
	json_t *row = crm_item_get(&x, id);
	if (!row)
		return -1;
	call->result = json_incref(row);
	return 0;
}

static int do_list(struct rest_call *call, int type_id)
{
	struct crm_ctx x = ctx_of(call, type_id);
	/* No select is Bitrix24's "*": the standard fields, without custom ones (UF_* asks for those). */
	json_t *select = rest_param(call, "SELECT");
	if (!select || json_is_null(select) || (json_is_array(select) && !json_array_size(select)) ||
	    (json_is_string(select) && !*json_string_value(select)))
		select = rest_own(call, json_pack("[s]", "*"));
	return crm_item_list(&x, rest_param(call, "FILTER"), rest_param(call, "ORDER"), select);
}

static int do_update(struct rest_call *call, int type_id)
{
	struct crm_ctx x = ctx_of(call, type_id);
	int64_t id;
	if (crm_id_param(&x, "ID", &id))
		return -1;
	json_t *fields = rest_param(call, "FIELDS");
	if (!fields)
		return crm_fail(&x, false, "Parameter 'fields' must be array.");
	if (crm_item_update(&x, id, fields))
		return -1;
	call->result = json_true();
	return 0;
}

static int do_delete(struct rest_call *call, int type_id)
{
	struct crm_ctx x = ctx_of(call, type_id);
	int64_t id;
	if (crm_id_param(&x, "ID", &id) || crm_item_delete(&x, id))
		return -1;
	call->result = json_true();
	return 0;
}

#define FAMILY(t, T)                                                                                                   \
	int rest_crm_##t##_fields(struct rest_call *call) { return do_fields(call, T); }                               \
	int rest_crm_##t##_add(struct rest_call *call) { return do_add(call, T); }                                     \
	int rest_crm_##t##_get(struct rest_call *call) { return do_get(call, T); }                                     \
	int rest_crm_##t##_list(struct rest_call *call) { return do_list(call, T); }                                   \
	int rest_crm_##t##_update(struct rest_call *call) { return do_update(call, T); }                               \
	int rest_crm_##t##_delete(struct rest_call *call) { return do_delete(call, T); }

FAMILY(lead, CRM_LEAD)
FAMILY(deal, CRM_DEAL)
FAMILY(contact, CRM_CONTACT)
FAMILY(company, CRM_COMPANY)
