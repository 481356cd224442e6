/* crm_item.c — the universal crm.item.{fields,add,get,list,update,delete} over leads, deals,
 * contacts and companies (entityTypeId 1–4). The records are those of crm/item.c, the one write
 * and read path the legacy crm.lead.* and friends use too; this file only translates:
 *
 *   names   camelCase in and out (crm/fields.h: crm_item_field accepts the camel name, crm.item's
 *           upperName and the legacy name), the five multi-fields as one `fm`;
 *   values  typed JSON out: integers and money as numbers, Y/N as the strings "Y"/"N" (what
 *           Bitrix24's crm.item answers: its docs, "Value formats"), unset dates as null,
 *           fm as [{id, valueType, value, typeId}], linked ids as [numbers];
 *   shapes  {item}, {items} with total/next, {fields}, delete → [].
 *
 * Errors use ERROR_ARGUMENT / NOT_FOUND (crm_ctx.legacy = false). */
#include "rest/rest.h"
#include "rest/filter.h"
#include "core/arena.h"
#include "core/util.h"
#include "crm/crm.h"
#include "crm/fields.h"
#include "crm/item.h"
#include "crm/uf.h"
#include "store/q_crm_item.h"
#include "store/store.h"
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#define FILTER_DEPTH 8 /* nested filter groups: deeper input is refused, never recursed into */

/* ---- parameters ---- */

/* A member of obj by name in any case (SDKs send entityTypeId, ENTITYTYPEID, id, ID). */
static json_t *pget(json_t *obj, const char *name)
{
	return json_is_object(obj) ? rest_field_ci(obj, name) : NULL;
}

static int int_value(struct rest_call *call, json_t *v, const char *name, int64_t *out)
{
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return 1;
	const char *t = rest_json_text(call, v);
	if (!t || json_is_object(v) || json_is_array(v) || parse_i64(t, out))
		return rest_fail(call, ERR_ARGUMENT, "Parameter '%s' must be an integer", name);
	return 0;
}

/* entityTypeId: a context for one of the four types, or the call failed as Bitrix24 words it. */
static int ctx_param(struct rest_call *call, struct crm_ctx *x)
{
	int64_t t;
	int r = int_value(call, pget(call->params, "entityTypeId"), "entityTypeId", &t);
	if (r < 0)
		return -1;
	if (r == 1)
		return rest_fail(call, ERR_ARGUMENT, "Required parameter 'entityTypeId' is not set");
	const struct crm_type *type = crm_type_by_id(t);
	if (!type) /* Bitrix24 takes any other number for a smart process that does not exist */
		return rest_fail(call, ERR_NOT_FOUND, "Smart process not found");
	/* crm.item.update may move a deal to another pipeline: categoryId is writable here */
	*x = (struct crm_ctx){.call = call, .t = type, .legacy = false, .allow_category = true};
	return 0;
}

/* id of an existing item: 0 and *id, or the call failed (NOT_FOUND when there is none). */
static int id_param(struct crm_ctx *x, int64_t *id)
{
	struct rest_call *call = x->call;
	int r = int_value(call, pget(call->params, "id"), "id", id);
	if (r < 0)
		return -1;
	if (r == 1)
		return rest_fail(call, ERR_ARGUMENT, "Required parameter 'id' is not set");
	bool exists = false;
	int rc = *id > 0 ? q_crm_item_exists(call->st, x->t->id, *id, &exists) : STORE_OK;
	if (rc)
		return rest_fail_store(call, rc);
	return exists ? 0 : rest_fail(call, ERR_NOT_FOUND, "Item not found");
}

/* ---- records out: legacy → crm.item ---- */

/* Money and other doubles as JSON numbers; whole values without a fraction, as Bitrix24 does. */
static json_t *number_json(double d)
{
	if (isfinite(d) && d == floor(d) && fabs(d) < 1e15)
		return json_integer((json_int_t)d);
	return json_real(d);
}

static json_t *int_json(json_t *v)
{
	int64_t i;
	if (json_is_integer(v))
		return json_incref(v);
	if (json_is_string(v) && !parse_i64(json_string_value(v), &i))
		return json_integer(i);
	return json_null();
}

/* One value of the legacy record (strings for numbers, "" for unset dates) as crm.item types it. */
static json_t *typed_json(const struct query_field *f, const struct crm_field_meta *m, json_t *v)
{
	if (json_is_null(v)) /* Bitrix24 answers 0 for an unset company or contact of an item */
		return (m->kind == CK_COMPANY || m->kind == CK_CONTACT) ? json_integer(0) : json_null();
	if (json_is_array(v)) { /* linked items: ids */
		json_t *out = json_array();
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) json_array_append_new(out, int_json(e));
		return out;
	}
	double d;
	switch (f->type) {
	case QT_INT:
		return int_json(v);
	case QT_DOUBLE:
		if (json_is_number(v))
			return number_json(json_number_value(v));
		return json_is_string(v) && !parse_double(json_string_value(v), &d) ? number_json(d) : json_null();
	case QT_BOOL:
		return json_string(json_is_true(v) ? "Y" : "N");
	case QT_DATE:
	case QT_DATETIME:
		return json_is_string(v) && !*json_string_value(v) ? json_null() : json_incref(v);
	default:
		return json_incref(v);
	}
}

/* The multi-field rows of a legacy record ({ID, VALUE_TYPE, VALUE, TYPE_ID}) appended to fm. */
static void fm_json(json_t *fm, json_t *rows)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_t *id = int_json(json_object_get(r, "ID"));
		json_t *o = json_pack("{s:o,s:O,s:O,s:O}", "id", id, "valueType", json_object_get(r, "VALUE_TYPE"),
				      "value", json_object_get(r, "VALUE"), "typeId", json_object_get(r, "TYPE_ID"));
		if (o)
			json_array_append_new(fm, o);
	}
}

/* A type's fields with their crm.item names and facts, worked out once per call: a list converts
 * fifty rows of some fifty fields, and each lookup is a scan of the facts table. */
struct names {
	int type_id;
	const struct query_entity *e;
	const char **camel;                 /* by descriptor index */
	const struct crm_field_meta **meta; /* by descriptor index */
};

static int names_init(struct rest_call *call, int type_id, struct names *nm)
{
	nm->type_id = type_id;
	nm->e = q_crm_item_entity(type_id);
	nm->camel = arena_alloc(call->arena, nm->e->n_fields * sizeof *nm->camel);
	nm->meta = arena_alloc(call->arena, nm->e->n_fields * sizeof *nm->meta);
	if (!nm->camel || !nm->meta)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	char buf[64];
	/* useOriginalUfNames=Y: custom fields keep their UF_CRM_… names */
	json_t *orig = pget(call->params, "useOriginalUfNames");
	bool uf_orig = orig && rest_json_bool(orig) == 1;
	for (size_t i = 0; i < nm->e->n_fields; i++) {
		const char *name = nm->e->fields[i].name;
		nm->meta[i] = crm_field_meta(type_id, name);
		bool keep = uf_orig && !strncmp(name, "UF_", 3);
		nm->camel[i] = arena_strdup(call->arena, keep ? name : crm_field_camel(type_id, name, buf, sizeof buf));
		if (!nm->camel[i])
			return rest_fail(call, ERR_INTERNAL, "Out of memory");
	}
	return 0;
}

/* A legacy record (crm_item_read, or a list row with its extras) as a crm.item item. Fields the
 * record lacks (not selected) are left out; with_fm adds `fm` even when it is empty. */
static json_t *item_json(const struct names *nm, json_t *rec, bool with_fm, bool with_type)
{
	json_t *out = json_object();
	json_t *fm = with_fm ? json_array() : NULL;
	for (size_t i = 0; i < nm->e->n_fields; i++) {
		const struct query_field *f = &nm->e->fields[i];
		json_t *v = json_object_get(rec, f->name);
		if (!v)
			continue;
		if (nm->meta[i]->kind == CK_FM) {
			if (fm)
				fm_json(fm, v);
			continue;
		}
		if (!strncmp(f->name, "UF_", 3)) { /* custom fields: typed by their own kind (crm/uf.h) */
			json_object_set_new(out, nm->camel[i], crm_uf_item_json(f, v));
			continue;
		}
		json_object_set_new(out, nm->camel[i], typed_json(f, nm->meta[i], v));
	}
	if (fm)
		json_object_set_new(out, "fm", fm);
	if (with_type)
		json_object_set_new(out, "entityTypeId", json_integer(nm->type_id));
	return out;
}

/* {item: …} of a stored item: the whole record, as crm.item.get shows it. */
/* checked: a get asks the read right; after the caller's own add or update the item is shown as
 * written, even if it went where the caller may no longer read it (a move to another stage). */
static int answer_item(struct crm_ctx *x, int64_t id, bool checked)
{
	struct names nm;
	json_t *rec = checked ? crm_item_get(x, id) : crm_item_read(x, id);
	if (!rec || names_init(x->call, x->t->id, &nm))
		return -1;
	x->call->result = json_pack("{s:o}", "item", item_json(&nm, rec, true, true));
	return x->call->result ? 0 : rest_fail(x->call, ERR_INTERNAL, "Out of memory");
}

/* ---- records in: crm.item → legacy ---- */

static const char *const fm_types[] = {"PHONE", "EMAIL", "WEB", "IM", "LINK"};

static const char *fm_type_of(const char *s)
{
	for (size_t i = 0; s && i < sizeof fm_types / sizeof fm_types[0]; i++)
		if (!strcasecmp(fm_types[i], s))
			return fm_types[i];
	return NULL;
}

static bool all_digits(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* The item's multi-field value fm_id ({ID, VALUE_TYPE, VALUE, TYPE_ID} of its record), or NULL
 * when it has none such. */
static json_t *fm_owned(json_t *before, int64_t fm_id)
{
	for (size_t t = 0; before && t < sizeof fm_types / sizeof fm_types[0]; t++) {
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(before, fm_types[t]), i, r)
		{
			int64_t id;
			const char *s = json_string_value(json_object_get(r, "ID"));
			if (s && !parse_i64(s, &id) && id == fm_id)
				return r;
		}
	}
	return NULL;
}

struct fm_in {
	struct crm_ctx *x;
	int64_t item_id;  /* update: the item; 0 on add */
	json_t *before;   /* update: its record, read when a value names an id */
	json_t *out;      /* the legacy fields being built */
};

/* One value of fm: {typeId, valueType, value[, id]} under key (an id, "n0", or NULL in a list).
 * A known id changes that value (an empty value deletes it); any other id adds a new one, as
 * Bitrix24 documents for crm.item.update. */
static int fm_value_in(struct fm_in *in, const char *key, json_t *el)
{
	struct crm_ctx *x = in->x;
	struct rest_call *call = x->call;
	if (!json_is_object(el))
		return rest_fail(call, ERR_ARGUMENT, "fm: each value must be an object {typeId, valueType, value}");
	int64_t id = 0;
	if (all_digits(key) && parse_i64(key, &id))
		id = 0;
	if (!id && int_value(call, pget(el, "id"), "fm.id", &id) < 0)
		return -1;
	json_t *owned = NULL; /* the stored value this one changes */
	if (id > 0 && in->item_id) {
		if (!in->before && !(in->before = crm_item_read(x, in->item_id)))
			return -1;
		owned = fm_owned(in->before, id);
	}
	if (!owned)
		id = 0; /* not a value of this item: a new one */
	const char *type = fm_type_of(json_string_value(json_object_get(owned, "TYPE_ID")));
	json_t *jt = pget(el, "typeId");
	if (!type && !(type = fm_type_of(json_string_value(jt))))
		return rest_fail(call, ERR_ARGUMENT, "fm: typeId must be one of PHONE, EMAIL, WEB, IM, LINK");
	json_t *row = rest_own(call, json_object());
	if (!row)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	if (id)
		json_object_set_new(row, "ID", json_integer(id));
	json_t *v = pget(el, "value"), *vt = pget(el, "valueType");
	if (!vt && owned) /* a changed value keeps its kind (MOBILE, …) unless told otherwise */
		vt = json_object_get(owned, "VALUE_TYPE");
	json_object_set(row, "VALUE", v ? v : json_null());
	if (vt)
		json_object_set(row, "VALUE_TYPE", vt);
	json_t *list = json_object_get(in->out, type);
	if (!list) {
		list = json_array();
		json_object_set_new(in->out, type, list);
	}
	json_array_append(list, row);
	return 0;
}

static int fm_in(struct fm_in *in, json_t *fm)
{
	if (!fm || json_is_null(fm) || (json_is_string(fm) && !*json_string_value(fm)))
		return 0;
	if (json_is_array(fm)) {
		size_t i;
		json_t *el;
		json_array_foreach(fm, i, el) if (fm_value_in(in, NULL, el)) return -1;
		return 0;
	}
	if (!json_is_object(fm))
		return rest_fail(in->x->call, ERR_ARGUMENT, "fm must be a list of {typeId, valueType, value}");
	const char *k;
	json_t *el;
	json_object_foreach(fm, k, el) if (fm_value_in(in, k, el)) return -1;
	return 0;
}

/* fields of an add (item_id 0) or update as the legacy record crm/item.c takes. Unknown fields
 * are ignored, as Bitrix24 ignores them; the multi-fields come only through fm (phone, email
 * and the like are answer-only copies in crm.item). */
static json_t *fields_in(struct crm_ctx *x, json_t *fields, int64_t item_id)
{
	struct rest_call *call = x->call;
	if (!json_is_object(fields)) {
		rest_fail(call, ERR_ARGUMENT, "Parameter 'fields' must be an object");
		return NULL;
	}
	json_t *out = rest_own(call, json_object());
	if (!out) {
		rest_fail(call, ERR_INTERNAL, "Out of memory");
		return NULL;
	}
	struct fm_in in = {.x = x, .item_id = item_id, .out = out};
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v)
	{
		if (!strcasecmp(k, "fm")) {
			if (fm_in(&in, v))
				return NULL;
			continue;
		}
		const struct query_field *f = crm_item_field(x->t->id, k);
		if (!f || crm_field_meta(x->t->id, f->name)->kind == CK_FM)
			continue;
		if (item_id && f == &q_crm_item_entity(x->t->id)->fields[0]) {
			rest_fail(call, ERR_ARGUMENT, "Setting value for Primary ID is not allowed, it is read-only field");
			return NULL;
		}
		json_object_set(out, f->name, v);
	}
	return out;
}

/* ---- filter, order, select: crm.item names → the legacy names of the shared engine ---- */

/* One "<op><name>" condition: the operator prefix kept, the name translated. */
static int cond_in(struct crm_ctx *x, struct query *q, const char *key, json_t *value)
{
	struct rest_call *call = x->call;
	size_t n_op = strspn(key, "!=%@<>"); /* the engine's operators are these characters */
	const struct query_field *f = crm_item_field(x->t->id, key + n_op);
	if (!f)
		return rest_fail(call, ERR_ARGUMENT, "Invalid filter: field '%.100s' is not allowed in filter", key + n_op);
	const char *k = arena_printf(call->arena, "%.*s%s", (int)n_op, key, f->name);
	if (!k)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	return rest_filter_key(call, q, k, value, true) < 0 ? -1 : 0;
}

static int filter_in(struct crm_ctx *x, struct query *q, json_t *filter, int depth);

/* One member of a logic OR group added to the group's conditions (any, *n of *cap). A member is a
 * single condition or a sub-filter (its conditions ANDed); one that matches every row makes the
 * whole group match every row (*all). */
static int or_member(struct crm_ctx *x, struct query *q, const char *key, json_t *v, int depth, struct query_cond **any,
		     size_t *n, size_t *cap, bool *all)
{
	struct rest_call *call = x->call;
	struct query tmp;
	query_init(&tmp, call->arena, q->ent);
	int r = all_digits(key) ? filter_in(x, &tmp, v, depth + 1) : cond_in(x, &tmp, key, v);
	if (r)
		return -1;
	if (tmp.n_conds == 0) {
		*all = true;
		return 0;
	}
	/* several conditions in one member: they hold together (an AND group inside the OR) */
	struct query_cond and_group = {.field = NULL, .any = tmp.conds, .n_any = tmp.n_conds, .all = true};
	const struct query_cond *c = tmp.n_conds > 1 ? &and_group : &tmp.conds[0];
	/* an OR inside an OR is the same OR: its members join this group */
	size_t add = c->field || c->all ? 1 : c->n_any;
	if (*n + add > *cap) {
		size_t nc = (*n + add) * 2;
		struct query_cond *g = arena_alloc(call->arena, nc * sizeof *g);
		if (!g)
			return rest_fail(call, ERR_ARGUMENT, "The filter is too big");
		if (*n)
			memcpy(g, *any, *n * sizeof *g);
		*any = g;
		*cap = nc;
	}
	if (c->field || c->all)
		(*any)[(*n)++] = *c;
	else
		for (size_t i = 0; i < c->n_any; i++)
			(*any)[(*n)++] = c->any[i];
	return 0;
}

static int or_group(struct crm_ctx *x, struct query *q, json_t *group, int depth)
{
	struct query_cond *any = NULL;
	size_t n = 0, cap = 0;
	bool all = false;
	const char *k;
	json_t *v;
	json_object_foreach(group, k, v)
	{
		if (strcasecmp(k, "logic") && or_member(x, q, k, v, depth, &any, &n, &cap, &all))
			return -1;
	}
	if (all || n == 0)
		return 0;
	struct query_cond c = {.field = NULL, .any = any, .n_any = n};
	if (query_add_cond(q, &c))
		return rest_fail(x->call, ERR_ARGUMENT, "The filter has too many conditions");
	return 0;
}

/* A filter object: conditions ANDed; numeric keys hold sub-filters (Bitrix24's nested groups),
 * "logic": "OR" makes the object's members alternatives. */
static int filter_in(struct crm_ctx *x, struct query *q, json_t *filter, int depth)
{
	struct rest_call *call = x->call;
	if (!filter || json_is_null(filter) || (json_is_string(filter) && !*json_string_value(filter)))
		return 0;
	if (depth > FILTER_DEPTH)
		return rest_fail(call, ERR_ARGUMENT, "Invalid filter: groups are nested more than %d deep", FILTER_DEPTH);
	if (json_is_array(filter)) { /* {"0": {…}, "1": {…}} arrives as a list: ANDed sub-filters */
		size_t i;
		json_t *el;
		json_array_foreach(filter, i, el)
		{
			if (!json_is_object(el) && !json_is_null(el))
				return rest_fail(call, ERR_ARGUMENT, "Invalid filter: a nested group must be an object");
			if (filter_in(x, q, el, depth + 1))
				return -1;
		}
		return 0;
	}
	if (!json_is_object(filter))
		return rest_fail(call, ERR_ARGUMENT, "Parameter 'filter' must be an object");
	json_t *logic = pget(filter, "logic");
	if (logic && json_is_string(logic) && !strcasecmp(json_string_value(logic), "OR"))
		return or_group(x, q, filter, depth);
	const char *k;
	json_t *v;
	json_object_foreach(filter, k, v)
	{
		if (!strcasecmp(k, "logic"))
			continue;
		if (all_digits(k) ? filter_in(x, q, v, depth + 1) : cond_in(x, q, k, v))
			return -1;
	}
	return 0;
}

static json_t *order_in(struct crm_ctx *x, json_t *order)
{
	struct rest_call *call = x->call;
	if (!json_is_object(order) || json_object_size(order) == 0)
		return order; /* absent, empty, or wrong: the engine answers */
	json_t *out = rest_own(call, json_object());
	const char *k;
	json_t *v;
	json_object_foreach(order, k, v)
	{
		const struct query_field *f = crm_item_field(x->t->id, k);
		if (!f || !(f->flags & QF_SORT)) {
			rest_fail(call, ERR_ARGUMENT, "Invalid order: field '%.100s' is not allowed in order", k);
			return NULL;
		}
		json_object_set(out, f->name, v);
	}
	return out;
}

/* What a list row carries beside the columns. */
struct list_ctx {
	struct crm_ctx *x;
	struct names names;
	bool with_fm;                 /* fm: every multi-field */
	const struct query_field *links; /* contactIds / companyIds, when selected */
	bool with_type;               /* entityTypeId: select absent or "*" */
};

static int select_add(json_t *sel, const char *name)
{
	return json_array_append_new(sel, json_string(name));
}

/* select in crm.item names as the engine's list; notes fm, links and entityTypeId in lc. The key
 * is always selected: SDKs page by the last item's id. */
static json_t *select_in(struct list_ctx *lc, json_t *select)
{
	struct rest_call *call = lc->x->call;
	int t = lc->x->t->id;
	const struct query_entity *e = q_crm_item_entity(t);
	json_t *out = rest_own(call, json_array());
	json_t *names = select;
	bool all = !select || json_is_null(select) || (json_is_string(select) && !*json_string_value(select)) ||
		   (json_is_array(select) && json_array_size(select) == 0);
	if (json_is_string(select) && !all) {
		names = rest_own(call, json_array());
		json_array_append(names, select);
	} else if (json_is_object(select)) { /* a PHP list that lost its order */
		names = rest_own(call, json_array());
		const char *k;
		json_t *v;
		json_object_foreach(select, k, v) json_array_append(names, v);
	}
	select_add(out, "ID");
	size_t i;
	json_t *v;
	json_array_foreach(all ? NULL : names, i, v)
	{
		const char *name = json_string_value(v);
		if (!name)
			continue;
		if (!strcmp(name, "*")) {
			all = true;
		} else if (!strcasecmp(name, "fm")) {
			lc->with_fm = true;
		} else {
			const struct query_field *f = crm_item_field(t, name);
			const struct crm_field_meta *m = f ? crm_field_meta(t, f->name) : NULL;
			if (!f || m->kind == CK_FM)
				continue; /* unknown names are dropped, as Bitrix24 drops them */
			if (m->kind == CK_CONTACTS || m->kind == CK_COMPANIES)
				lc->links = f;
			select_add(out, f->name);
		}
	}
	if (all) {
		select_add(out, "*");
		select_add(out, "UF_*"); /* crm.item's "*" holds the custom fields (legacy "*" does not) */
		lc->with_fm = lc->with_type = true;
		for (size_t j = 0; j < e->n_fields; j++) {
			const struct crm_field_meta *m = crm_field_meta(t, e->fields[j].name);
			if (m->kind == CK_CONTACTS || m->kind == CK_COMPANIES) {
				lc->links = &e->fields[j];
				select_add(out, e->fields[j].name);
			}
		}
	}
	return out;
}

/* The multi-fields and links of one listed item into its legacy record. */
static int row_extras(struct list_ctx *lc, int64_t id, json_t *rec)
{
	return crm_item_extras(lc->x, id, lc->with_fm, lc->links != NULL, rec);
}

static json_t *list_row(struct rest_call *call, struct query *q, struct stmt *s, const struct query_field **cols,
			size_t n_cols, void *ctx)
{
	struct list_ctx *lc = ctx;
	json_t *rec = rest_row_json(call, q, s, cols, n_cols, NULL);
	if (!rec)
		return NULL;
	json_t *item = NULL;
	/* multiple custom fields live beside the row (crm/uf.h) */
	if (!row_extras(lc, store_col_int(s, 0), rec) && !crm_uf_read_multi(lc->x, q, store_col_int(s, 0), rec))
		item = item_json(&lc->names, rec, lc->with_fm, lc->with_type);
	json_decref(rec);
	return item;
}

/* ---- the methods ---- */

int rest_crm_item_fields(struct rest_call *call)
{
	struct crm_ctx x;
	if (ctx_param(call, &x))
		return -1;
	int t = x.t->id;
	const struct query_entity *e = q_crm_item_entity(t);
	json_t *legacy = rest_own(call, crm_fields_json(call, t));
	json_t *out = json_object();
	bool fm_done = false;
	char camel[64], upper[64];
	const char *k;
	json_t *d;
	json_object_foreach(legacy, k, d)
	{
		const struct query_field *f = query_field_find(e, k);
		const struct crm_field_meta *m = crm_field_meta(t, k);
		if (m->kind == CK_FM) {
			if (!fm_done)
				json_object_set_new(out, "fm",
						    json_pack("{s:s,s:b,s:b,s:b,s:b,s:b,s:s,s:s}", "type", "crm_multifield",
							      "isRequired", 0, "isReadOnly", 0, "isImmutable", 0,
							      "isMultiple", 1, "isDynamic", 0, "title", "Multi-fields",
							      "upperName", "FM"));
			fm_done = true;
			continue;
		}
		json_t *nd = json_deep_copy(d);
		if (f && (f->type == QT_CHAR || f->type == QT_BOOL))
			json_object_set_new(nd, "type", json_string("boolean"));
		if (m->kind == CK_CATEGORY) /* crm.item.update moves a deal between pipelines */
			json_object_set_new(nd, "isImmutable", json_false());
		if (t == CRM_CONTACT && !strcmp(k, "COMPANY_ID"))
			json_object_set_new(nd, "isDeprecated", json_true()); /* companyIds replaces it */
		json_object_set_new(nd, "upperName", json_string(crm_field_upper(t, k, upper, sizeof upper)));
		json_object_set_new(out, crm_field_camel(t, k, camel, sizeof camel), nd);
	}
	call->result = json_pack("{s:o}", "fields", out);
	return 0;
}

int rest_crm_item_add(struct rest_call *call)
{
	struct crm_ctx x;
	if (ctx_param(call, &x))
		return -1;
	json_t *fields = pget(call->params, "fields");
	if (!fields || json_is_null(fields) || (json_is_array(fields) && json_array_size(fields) == 0))
		fields = rest_own(call, json_object()); /* no required fields: an empty item is made */
	json_t *legacy = fields_in(&x, fields, 0);
	int64_t id;
	if (!legacy || crm_item_add(&x, legacy, &id))
		return -1;
	return answer_item(&x, id, false);
}

int rest_crm_item_get(struct rest_call *call)
{
	struct crm_ctx x;
	int64_t id;
	if (ctx_param(call, &x) || id_param(&x, &id))
		return -1;
	return answer_item(&x, id, true);
}

int rest_crm_item_update(struct rest_call *call)
{
	struct crm_ctx x;
	int64_t id;
	if (ctx_param(call, &x) || id_param(&x, &id))
		return -1;
	json_t *fields = pget(call->params, "fields");
	if (json_is_array(fields) && json_array_size(fields) == 0)
		fields = rest_own(call, json_object());
	if (!fields)
		return rest_fail(call, ERR_ARGUMENT, "Required parameter 'fields' is not set");
	json_t *legacy = fields_in(&x, fields, id);
	if (!legacy || crm_item_update(&x, id, legacy))
		return -1;
	return answer_item(&x, id, false);
}

int rest_crm_item_delete(struct rest_call *call)
{
	struct crm_ctx x;
	int64_t id;
	if (ctx_param(call, &x) || id_param(&x, &id) || crm_item_delete(&x, id))
		return -1;
	call->result = json_array(); /* Bitrix24 answers [] */
	return 0;
}

int rest_crm_item_list(struct rest_call *call)
{
	struct crm_ctx x;
	if (ctx_param(call, &x))
		return -1;
	struct list_ctx lc = {.x = &x};
	if (names_init(call, x.t->id, &lc.names))
		return -1;
	json_t *select = select_in(&lc, pget(call->params, "select"));
	json_t *order = pget(call->params, "order");
	if (order && !(order = order_in(&x, order)))
		return -1;
	struct query q;
	if (!select || crm_item_query(&x, &q, NULL, order, select) ||
	    filter_in(&x, &q, pget(call->params, "filter"), 0))
		return call->err_desc ? -1 : rest_fail(call, ERR_INTERNAL, "Out of memory");
	if (rest_list_run(call, &q, list_row, &lc))
		return -1;
	call->result = json_pack("{s:o}", "items", call->result);
	return 0;
}
