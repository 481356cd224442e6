/* crm_link.c — the link methods between CRM items: crm.deal.contact.*, crm.lead.contact.*,
 * crm.contact.company.* and crm.company.contact.* (fields, items.get, items.set, items.delete,
 * add, delete). A link change is an item change: it goes through crm_item_update with the
 * item's list field (CONTACT_IDS, COMPANY_IDS, a company's CONTACT_ID), so history, events and
 * the single-valued CONTACT_ID / COMPANY_ID stay right. The primary link is kept first. */
#include "rest/rest.h"
#include "core/arena.h"
#include "core/util.h"
#include "crm/crm.h"
#include "crm/access.h"
#include "crm/item.h"
#include "store/q_crm_item.h"
#include "store/store.h"
#include <stdlib.h>
#include <string.h>

struct link_family {
	int owner;         /* the item whose links change */
	int other;         /* the type of the linked items */
	const char *key;   /* CONTACT_ID / COMPANY_ID inside the items */
	const char *field; /* the owner's list field given to crm_item_update */
	bool reverse;      /* stored as other → owner (a company's contacts) */
};

static const struct link_family deal_contact = {CRM_DEAL, CRM_CONTACT, "CONTACT_ID", "CONTACT_IDS", false};
static const struct link_family lead_contact = {CRM_LEAD, CRM_CONTACT, "CONTACT_ID", "CONTACT_IDS", false};
static const struct link_family contact_company = {CRM_CONTACT, CRM_COMPANY, "COMPANY_ID", "COMPANY_IDS", false};
static const struct link_family company_contact = {CRM_COMPANY, CRM_CONTACT, "CONTACT_ID", "CONTACT_ID", true};

#define LINKS_MAX 500

struct link_item {
	int64_t id, sort;
	bool primary;
};

static struct crm_ctx ctx_of(struct rest_call *call, const struct link_family *lf)
{
	return (struct crm_ctx){.call = call, .t = crm_type_by_id(lf->owner), .legacy = true};
}

static int load(struct crm_ctx *x, const struct link_family *lf, int64_t id, struct link_item **out, size_t *n)
{
	struct q_crm_link *l;
	size_t cnt;
	int owner_type = lf->reverse ? lf->other : lf->owner, linked_type = lf->reverse ? lf->owner : lf->other;
	int rc = q_crm_link_list(x->call->st, x->call->arena, owner_type, id, linked_type, lf->reverse, &l, &cnt);
	if (rc)
		return crm_fail_store(x, rc);
	*out = arena_alloc(x->call->arena, (cnt + LINKS_MAX + 1) * sizeof **out);
	if (!*out)
		return rest_fail(x->call, ERR_INTERNAL, "Out of memory");
	for (size_t i = 0; i < cnt; i++)
		(*out)[i] = (struct link_item){l[i].id, l[i].sort, l[i].is_primary || (!lf->reverse && i == 0)};
	*n = cnt;
	return 0;
}

static int by_primary_then_sort(const void *a, const void *b)
{
	const struct link_item *x = a, *y = b;
	if (x->primary != y->primary)
		return x->primary ? -1 : 1;
	return x->sort < y->sort ? -1 : x->sort > y->sort ? 1 : (x->id > y->id) - (x->id < y->id);
}

/* Write the list back through the item's write path. */
static int save(struct crm_ctx *x, const struct link_family *lf, int64_t id, struct link_item *items, size_t n)
{
	if (n > 1) /* qsort must not see the NULL of an empty list */
		qsort(items, n, sizeof *items, by_primary_then_sort);
	json_t *ids = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ids, json_integer(items[i].id));
	json_t *fields = rest_own(x->call, json_object());
	json_object_set_new(fields, lf->field, ids);
	if (crm_item_update(x, id, fields))
		return -1;
	x->call->result = json_true();
	return 0;
}

/* One {CONTACT_ID, SORT, IS_PRIMARY} item. */
static int parse_item(struct crm_ctx *x, const struct link_family *lf, json_t *v, struct link_item *out)
{
	if (!json_is_object(v))
		return crm_fail(x, false, "Each item must be an object with %s", lf->key);
	const char *t = rest_json_text(x->call, rest_field_ci(v, lf->key));
	if (!t || parse_i64(t, &out->id) || out->id <= 0)
		return crm_fail(x, false, "%s is not defined or invalid.", lf->key);
	out->sort = 10;
	json_t *s = rest_field_ci(v, "SORT");
	const char *st = s ? rest_json_text(x->call, s) : NULL;
	if (st && *st && parse_i64(st, &out->sort))
		return crm_fail(x, false, "SORT must be an integer");
	json_t *p = rest_field_ci(v, "IS_PRIMARY");
	out->primary = p && rest_json_bool(p) == 1;
	return 0;
}

static int do_fields(struct rest_call *call, const struct link_family *lf)
{
	json_t *out = json_object();
	struct {
		const char *name, *type, *title;
		bool required;
	} f[] = {
		{lf->key, "integer", lf->other == CRM_CONTACT ? "Contact" : "Company", true},
		{"SORT", "integer", "Sort", false},
		{"ROLE_ID", "integer", "Role", false},
		{"IS_PRIMARY", "char", "Primary", false},
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		json_object_set_new(out, f[i].name,
				    json_pack("{s:s,s:b,s:b,s:b,s:b,s:b,s:s}", "type", f[i].type, "isRequired",
					      f[i].required, "isReadOnly", !strcmp(f[i].name, "ROLE_ID"), "isImmutable", 0,
					      "isMultiple", 0, "isDynamic", 0, "title", f[i].title));
	call->result = out;
	return 0;
}

static int do_items_get(struct rest_call *call, const struct link_family *lf)
{
	struct crm_ctx x = ctx_of(call, lf);
	int64_t id;
	struct link_item *items;
	size_t n;
	if (crm_existing_id_param(&x, "ID", &id) || crm_access_item_id(&x, CRM_OP_READ, id) ||
	    load(&x, lf, id, &items, &n))
		return -1;
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, json_pack("{s:I,s:I,s:i,s:s}", lf->key, (json_int_t)items[i].id, "SORT",
						     (json_int_t)items[i].sort, "ROLE_ID", 0, "IS_PRIMARY",
						     items[i].primary ? "Y" : "N"));
	call->result = out;
	return 0;
}

static int do_items_set(struct rest_call *call, const struct link_family *lf)
{
	struct crm_ctx x = ctx_of(call, lf);
	int64_t id;
	if (crm_existing_id_param(&x, "ID", &id))
		return -1;
	json_t *items = rest_param(call, "ITEMS");
	if (json_is_object(items)) { /* PHP lists {"0": {...}} */
		json_t *arr = rest_own(call, json_array());
		const char *k;
		json_t *v;
		json_object_foreach(items, k, v) json_array_append(arr, v);
		items = arr;
	}
	if (items && !json_is_array(items))
		return crm_fail(&x, false, "Parameter 'items' must be a list");
	size_t n = items ? json_array_size(items) : 0;
	if (n > LINKS_MAX)
		return crm_fail(&x, false, "At most %d items", LINKS_MAX);
	struct link_item *list = arena_alloc(call->arena, (n + 1) * sizeof *list);
	if (!list)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	for (size_t i = 0; i < n; i++)
		if (parse_item(&x, lf, json_array_get(items, i), &list[i]))
			return -1;
	return save(&x, lf, id, list, n);
}

static int do_items_delete(struct rest_call *call, const struct link_family *lf)
{
	struct crm_ctx x = ctx_of(call, lf);
	int64_t id;
	if (crm_existing_id_param(&x, "ID", &id))
		return -1;
	return save(&x, lf, id, NULL, 0);
}

static int do_add(struct rest_call *call, const struct link_family *lf)
{
	struct crm_ctx x = ctx_of(call, lf);
	int64_t id;
	struct link_item *items, it;
	size_t n;
	if (crm_existing_id_param(&x, "ID", &id) || load(&x, lf, id, &items, &n))
		return -1;
	if (parse_item(&x, lf, rest_param(call, "FIELDS"), &it))
		return -1;
	if (n >= LINKS_MAX)
		return crm_fail(&x, false, "At most %d items", LINKS_MAX);
	size_t i = 0;
	while (i < n && items[i].id != it.id)
		i++;
	if (it.primary)
		for (size_t j = 0; j < n; j++)
			items[j].primary = false;
	items[i] = it;
	return save(&x, lf, id, items, i == n ? n + 1 : n);
}

static int do_delete(struct rest_call *call, const struct link_family *lf)
{
	struct crm_ctx x = ctx_of(call, lf);
	int64_t id;
	struct link_item *items, it;
	size_t n, m = 0;
	if (crm_existing_id_param(&x, "ID", &id) || load(&x, lf, id, &items, &n))
		return -1;
	if (parse_item(&x, lf, rest_param(call, "FIELDS"), &it))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (items[i].id != it.id)
			items[m++] = items[i];
	if (m == n)
		return crm_fail(&x, true, "The %s %lld is not linked", lf->key, (long long)it.id);
	return save(&x, lf, id, items, m);
}

#define LINKS(p, lf)                                                                                                   \
	int rest_##p##_fields(struct rest_call *call) { return do_fields(call, &lf); }                                 \
	int rest_##p##_items_get(struct rest_call *call) { return do_items_get(call, &lf); }                           \
	int rest_##p##_items_set(struct rest_call *call) { return do_items_set(call, &lf); }                           \
	int rest_##p##_items_delete(struct rest_call *call) { return do_items_delete(call, &lf); }                     \
	int rest_##p##_add(struct rest_call *call) { return do_add(call, &lf); }                                       \
	int rest_##p##_delete(struct rest_call *call) { return do_delete(call, &lf); }

LINKS(crm_deal_contact, deal_contact)
LINKS(crm_lead_contact, lead_contact)
LINKS(crm_contact_company, contact_company)
LINKS(crm_company_contact, company_contact)
