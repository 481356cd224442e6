/* crm_productrows.c — crm.deal.productrows.get/set and crm.lead.productrows.get/set (C8): the
 * goods and services of a deal or lead, each row a product of the catalogue (crm.product.*) or
 * free text, with quantity, discount and tax. `set` replaces all rows; unless the item's total
 * is manual (IS_MANUAL_OPPORTUNITY = Y) its OPPORTUNITY becomes the sum of the rows, written
 * through the item's write path so history, kanban sums and events follow — all in one
 * transaction with the rows.
 *
 * Prices (Bitrix24's meaning): PRICE is the final price of one unit (after discount, with tax);
 * PRICE_EXCLUSIVE after discount without tax; PRICE_NETTO before discount without tax;
 * PRICE_BRUTTO before discount with tax. A row gives PRICE (or takes the product's), and the
 * others are derived from DISCOUNT_TYPE_ID (1 money, 2 percent), DISCOUNT_RATE / DISCOUNT_SUM
 * and TAX_RATE. */
#include "rest/rest.h"
#include "core/arena.h"
#include "core/util.h"
#include "crm/crm.h"
#include "crm/access.h"
#include "crm/item.h"
#include "store/q_crm_item.h"
#include "store/store.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define ROWS_MAX 500
#define MONEY_MAX 1e13
#define QTY_MAX 1e9

static double cents(double d)
{
	return round(d * 100) / 100;
}

static json_t *row_json(const struct crm_type *t, int64_t owner, const struct q_crm_product_row *r)
{
	char buf[32];
	json_t *o = json_object();
#define S(k, fmt, v)                                                                                                   \
	do {                                                                                                           \
		snprintf(buf, sizeof buf, fmt, v);                                                                     \
		json_object_set_new(o, k, json_string(buf));                                                           \
	} while (0)
	S("ID", "%lld", (long long)r->id);
	S("OWNER_ID", "%lld", (long long)owner);
	json_object_set_new(o, "OWNER_TYPE", json_string(t->abbr));
	S("PRODUCT_ID", "%lld", (long long)r->product_id);
	json_object_set_new(o, "PRODUCT_NAME", json_string(r->product_name));
	/* Bitrix24 sends prices as numbers in this method */
	json_object_set_new(o, "PRICE", json_real(r->price));
	json_object_set_new(o, "PRICE_EXCLUSIVE", json_real(r->price_exclusive));
	json_object_set_new(o, "PRICE_NETTO", json_real(r->price_netto));
	json_object_set_new(o, "PRICE_BRUTTO", json_real(r->price_brutto));
	json_object_set_new(o, "PRICE_ACCOUNT", json_string(""));
	json_object_set_new(o, "QUANTITY", json_real(r->quantity));
	json_object_set_new(o, "DISCOUNT_TYPE_ID", json_integer(r->discount_type_id));
	json_object_set_new(o, "DISCOUNT_RATE", json_real(r->discount_rate));
	json_object_set_new(o, "DISCOUNT_SUM", json_real(r->discount_sum));
	json_object_set_new(o, "TAX_RATE", r->has_tax_rate ? json_real(r->tax_rate) : json_null());
	json_object_set_new(o, "TAX_INCLUDED", json_string(r->tax_included ? "Y" : "N"));
	json_object_set_new(o, "CUSTOMIZED", json_string(r->customized ? "Y" : "N"));
	json_object_set_new(o, "MEASURE_CODE", json_integer(r->measure_code));
	json_object_set_new(o, "MEASURE_NAME", json_string(r->measure_name));
	json_object_set_new(o, "SORT", json_integer(r->sort));
#undef S
	return o;
}

static int do_get(struct rest_call *call, int type_id)
{
	struct crm_ctx x = {.call = call, .t = crm_type_by_id(type_id), .legacy = true};
	int64_t id;
	if (crm_existing_id_param(&x, "ID", &id) || crm_access_item_id(&x, CRM_OP_READ, id))
		return -1;
	struct q_crm_product_row *rows;
	size_t n;
	int rc = q_crm_product_rows_list(call->st, call->arena, type_id, id, &rows, &n);
	if (rc)
		return crm_fail_store(&x, rc);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, row_json(x.t, id, &rows[i]));
	call->result = out;
	return 0;
}

/* A number member of a row: 0 and *out (def when absent), or the call failed. */
static int num(struct crm_ctx *x, json_t *row, const char *name, double def, double lo, double hi, double *out,
	       bool *given)
{
	json_t *v = rest_field_ci(row, name);
	const char *t = v && !json_is_null(v) ? rest_json_text(x->call, v) : NULL;
	if (given)
		*given = t && *t;
	if (!t || !*t) {
		*out = def;
		return 0;
	}
	if (json_is_object(v) || json_is_array(v) || parse_double(t, out) || !isfinite(*out) || *out < lo || *out > hi)
		return crm_fail(x, false, "%s: '%.30s' must be a number from %g to %g", name, t, lo, hi);
	return 0;
}

static int parse_row(struct crm_ctx *x, json_t *v, size_t i, struct q_crm_product_row *r)
{
	if (!json_is_object(v))
		return crm_fail(x, false, "Row %zu must be an object", i + 1);
	memset(r, 0, sizeof *r);
	double d;
	bool has_price, has_tax;
	if (num(x, v, "PRODUCT_ID", 0, 0, 9e15, &d, NULL))
		return -1;
	r->product_id = (int64_t)d;
	json_t *jn = rest_field_ci(v, "PRODUCT_NAME");
	r->product_name = jn && !json_is_null(jn) ? rest_json_text(x->call, jn) : "";
	if (!r->product_name || strlen(r->product_name) > 255)
		return crm_fail(x, false, "Row %zu: PRODUCT_NAME is longer than 255 bytes", i + 1);
	if (num(x, v, "PRICE", 0, 0, MONEY_MAX, &r->price, &has_price) ||
	    num(x, v, "QUANTITY", 1, 0, QTY_MAX, &r->quantity, NULL) ||
	    num(x, v, "DISCOUNT_TYPE_ID", 2, 1, 2, &d, NULL))
		return -1;
	r->discount_type_id = (int64_t)d;
	if (num(x, v, "DISCOUNT_RATE", 0, 0, 100, &r->discount_rate, NULL) ||
	    num(x, v, "DISCOUNT_SUM", 0, 0, MONEY_MAX, &r->discount_sum, NULL) ||
	    num(x, v, "TAX_RATE", 0, 0, 100, &r->tax_rate, &has_tax) || num(x, v, "MEASURE_CODE", 796, 0, 1e9, &d, NULL))
		return -1;
	r->has_tax_rate = has_tax;
	r->measure_code = (int64_t)d;
	if (num(x, v, "SORT", 10 * (double)(i + 1), -2e9, 2e9, &d, NULL))
		return -1;
	r->sort = (int64_t)d;
	json_t *m = rest_field_ci(v, "MEASURE_NAME");
	r->measure_name = m && json_is_string(m) && *json_string_value(m) ? json_string_value(m) : "шт";
	json_t *ti = rest_field_ci(v, "TAX_INCLUDED");
	r->tax_included = ti && rest_json_bool(ti) == 1;
	r->customized = true;
	if (r->product_id > 0) { /* the catalogue fills what the row leaves out */
		const char *name;
		double price;
		int rc = q_crm_product_brief(x->call->st, x->call->arena, r->product_id, &name, &price);
		if (rc == STORE_NOTFOUND)
			return crm_fail(x, false, "Row %zu: product %lld does not exist", i + 1, (long long)r->product_id);
		if (rc)
			return crm_fail_store(x, rc);
		if (!*r->product_name)
			r->product_name = name;
		if (!has_price)
			r->price = price;
	} else if (!*r->product_name) {
		return crm_fail(x, false, "Row %zu: PRODUCT_ID or PRODUCT_NAME is required", i + 1);
	}
	/* derive the other prices from the final one */
	double tax = r->has_tax_rate ? r->tax_rate / 100 : 0;
	r->price = cents(r->price);
	r->price_exclusive = cents(r->price / (1 + tax));
	if (r->discount_type_id == 1) {
		r->price_netto = cents(r->price_exclusive + r->discount_sum);
		r->discount_rate = r->price_netto > 0 ? cents(r->discount_sum / r->price_netto * 100) : 0;
	} else {
		r->price_netto = r->discount_rate < 100 ? cents(r->price_exclusive / (1 - r->discount_rate / 100))
							 : r->price_exclusive;
		r->discount_sum = cents(r->price_netto - r->price_exclusive);
	}
	r->price_brutto = cents(r->price_netto * (1 + tax));
	return 0;
}

static int set_body(struct crm_ctx *x, int64_t id, json_t *rows)
{
	struct rest_call *call = x->call;
	size_t n = json_array_size(rows);
	int rc = q_crm_product_rows_clear(call->st, x->t->id, id);
	if (rc)
		return crm_fail_store(x, rc);
	double total = 0;
	for (size_t i = 0; i < n; i++) {
		struct q_crm_product_row r;
		int64_t row_id;
		if (parse_row(x, json_array_get(rows, i), i, &r))
			return -1;
		if ((rc = q_crm_product_row_insert(call->st, x->t->id, id, &r, &row_id)))
			return crm_fail_store(x, rc);
		total += r.price * r.quantity;
	}
	if (total > MONEY_MAX)
		return crm_fail(x, false, "The sum of the rows is too big");
	/* The item's total follows the rows unless it was set by hand. */
	json_t *item = crm_item_read(x, id);
	if (!item)
		return -1;
	json_t *manual = json_object_get(item, "IS_MANUAL_OPPORTUNITY");
	if (manual && json_is_string(manual) && !strcmp(json_string_value(manual), "Y"))
		return 0;
	json_t *fields = rest_own(call, json_pack("{s:f}", "OPPORTUNITY", cents(total)));
	return crm_item_update(x, id, fields);
}

struct set_args {
	int64_t id;
	json_t *rows;
};

static int set_tx(struct crm_ctx *x, void *arg)
{
	struct set_args *a = arg;
	return set_body(x, a->id, a->rows);
}

static int do_set(struct rest_call *call, int type_id)
{
	struct crm_ctx x = {.call = call, .t = crm_type_by_id(type_id), .legacy = true};
	int64_t id;
	if (crm_existing_id_param(&x, "ID", &id) || crm_access_item_id(&x, CRM_OP_WRITE, id))
		return -1;
	json_t *rows = rest_param(call, "ROWS");
	if (json_is_object(rows)) { /* PHP lists {"0": {...}} */
		json_t *arr = rest_own(call, json_array());
		const char *k;
		json_t *v;
		json_object_foreach(rows, k, v) json_array_append(arr, v);
		rows = arr;
	}
	if (!rows || json_is_null(rows) || (json_is_string(rows) && !*json_string_value(rows)))
		rows = rest_own(call, json_array()); /* no rows: clear them */
	if (!json_is_array(rows))
		return crm_fail(&x, false, "Parameter 'rows' must be a list");
	if (json_array_size(rows) > ROWS_MAX)
		return crm_fail(&x, false, "At most %d rows", ROWS_MAX);
	struct set_args a = {id, rows};
	if (crm_write_tx(&x, set_tx, &a))
		return -1;
	call->result = json_true();
	return 0;
}

int rest_crm_deal_productrows_get(struct rest_call *call)
{
	return do_get(call, CRM_DEAL);
}

int rest_crm_deal_productrows_set(struct rest_call *call)
{
	return do_set(call, CRM_DEAL);
}

int rest_crm_lead_productrows_get(struct rest_call *call)
{
	return do_get(call, CRM_LEAD);
}

int rest_crm_lead_productrows_set(struct rest_call *call)
{
	return do_set(call, CRM_LEAD);
}
