/* crm_product.c — the crm.product.* methods: the product catalogue that deal product rows
 * (C8) pick from. One table (crm_product) read through the filter engine; writes check NAME
 * (required), PRICE (a non-negative number, rounded to cents), CURRENCY_ID (three upper-case
 * letters) and the integer fields, and stamp CREATED_BY / MODIFIED_BY and the dates. Unknown and
 * read-only fields of add and update are ignored, as Bitrix24 does; only fields passed change. */
#include "rest/rest.h"
#include "rest/filter.h"
#include "core/arena.h"
#include "core/util.h"
#include "store/q_crm_product.h"
#include "store/store.h"
#include <math.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define PRODUCT_PRICE_MAX 1e13 /* above this a double no longer keeps every cent */

static const struct query_field *pfield(const char *name)
{
	return query_field_find(&q_crm_product_entity, name);
}

/* The value an empty field stands for: the column's default (NULL for nullable columns). */
static struct query_value default_of(const char *name)
{
	if (!strcmp(name, "ACTIVE"))
		return (struct query_value){.kind = QV_TEXT, .s = "Y"};
	if (!strcmp(name, "VAT_INCLUDED"))
		return (struct query_value){.kind = QV_TEXT, .s = "N"};
	if (!strcmp(name, "CURRENCY_ID"))
		return (struct query_value){.kind = QV_TEXT, .s = "RUB"};
	if (!strcmp(name, "PRICE"))
		return (struct query_value){.kind = QV_DOUBLE, .d = 0};
	if (!strcmp(name, "SORT"))
		return (struct query_value){.kind = QV_INT, .i = 100};
	if (!strcmp(name, "XML_ID"))
		return (struct query_value){.kind = QV_TEXT, .s = ""};
	return (struct query_value){.kind = QV_NULL};
}

/* One writable field's value, checked: 0 and *out, or the call failed. */
static int product_value(struct rest_call *call, const struct query_field *f, json_t *v, struct query_value *out)
{
	if (rest_value_parse(call, f, v, out))
		return -1;
	if (!strcmp(f->name, "NAME")) {
		if (out->kind == QV_NULL)
			return rest_fail(call, ERR_ARGUMENT, "NAME is not defined");
		return 0;
	}
	if (out->kind == QV_NULL) {
		*out = default_of(f->name);
		return 0;
	}
	if (!strcmp(f->name, "PRICE")) {
		if (!isfinite(out->d) || out->d < 0 || out->d > PRODUCT_PRICE_MAX)
			return rest_fail(call, ERR_ARGUMENT, "PRICE must be a number from 0 to %.0f", PRODUCT_PRICE_MAX);
		out->d = round(out->d * 100) / 100;
	} else if (!strcmp(f->name, "CURRENCY_ID")) {
		const char *c = out->s;
		if (strlen(c) != 3 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' || c[2] < 'A' || c[2] > 'Z')
			return rest_fail(call, ERR_ARGUMENT, "CURRENCY_ID must be three upper-case letters (ISO 4217), not '%.20s'",
					 c);
	} else if (!strcmp(f->name, "SORT")) {
		if (out->i < -2147483647 || out->i > 2147483647)
			return rest_fail(call, ERR_ARGUMENT, "SORT is out of range");
	} else if (f->type == QT_INT && out->i < 0) {
		return rest_fail(call, ERR_ARGUMENT, "%s must not be negative", f->name);
	}
	return 0;
}

/* The writable fields present in the request, then the server's stamps. sets holds n_fields. */
static int product_sets(struct rest_call *call, bool is_add, struct query_set *sets, size_t *n)
{
	json_t *fields = rest_write_fields(call);
	const struct query_entity *e = &q_crm_product_entity;
	*n = 0;
	for (size_t i = 0; i < e->n_fields; i++) {
		const struct query_field *f = &e->fields[i];
		if (f->flags & QF_READONLY)
			continue;
		json_t *v = rest_field_ci(fields, f->name);
		if (!v) {
			if (is_add && (f->flags & QF_REQUIRED))
				return rest_fail(call, ERR_ARGUMENT, "%s is not defined", f->name);
			continue;
		}
		sets[*n].field = f;
		if (product_value(call, f, v, &sets[*n].value))
			return -1;
		(*n)++;
	}
	char ts[32];
	db_time_utc(time(NULL), ts, sizeof ts);
	const char *now = arena_strdup(call->arena, ts);
	if (!now)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	int64_t uid = call->auth ? call->auth->user_id : 0;
	struct query_value who = uid > 0 ? (struct query_value){.kind = QV_INT, .i = uid} : (struct query_value){.kind = QV_NULL};
	if (is_add) {
		sets[(*n)++] = (struct query_set){pfield("CREATED_BY"), who};
		sets[(*n)++] = (struct query_set){pfield("DATE_CREATE"), {.kind = QV_TEXT, .s = now}};
	}
	sets[(*n)++] = (struct query_set){pfield("MODIFIED_BY"), who};
	sets[(*n)++] = (struct query_set){pfield("TIMESTAMP_X"), {.kind = QV_TEXT, .s = now}};
	return 0;
}

/* The ID parameter: 0 and *id, or the call failed. */
static int product_id_param(struct rest_call *call, int64_t *id)
{
	int r = rest_param_int(call, "ID", id);
	if (r < 0)
		return -1;
	if (r == 1 || *id <= 0)
		return rest_fail(call, ERR_ARGUMENT, "ID is not defined or invalid.");
	return 0;
}

int rest_crm_product_fields(struct rest_call *call)
{
	json_t *out = json_object();
	for (size_t i = 0; i < q_crm_product_entity.n_fields; i++) {
		const struct query_field *f = &q_crm_product_entity.fields[i];
		const char *type = "string";
		if (!strcmp(f->name, "CURRENCY_ID"))
			type = "crm_currency";
		else if (f->type == QT_INT)
			type = "integer";
		else if (f->type == QT_DOUBLE)
			type = "double";
		else if (f->type == QT_CHAR)
			type = "char";
		else if (f->type == QT_DATETIME)
			type = "datetime";
		json_t *d = json_object();
		json_object_set_new(d, "type", json_string(type));
		json_object_set_new(d, "isRequired", json_boolean(f->flags & QF_REQUIRED));
		json_object_set_new(d, "isReadOnly", json_boolean(f->flags & QF_READONLY));
		json_object_set_new(d, "isImmutable", json_false());
		json_object_set_new(d, "isMultiple", json_false());
		json_object_set_new(d, "isDynamic", json_false());
		json_object_set_new(d, "title", json_string(f->title));
		json_object_set_new(out, f->name, d);
	}
	call->result = out;
	return 0;
}

int rest_crm_product_add(struct rest_call *call)
{
	struct query_set sets[32];
	size_t n;
	if (product_sets(call, true, sets, &n))
		return -1;
	int64_t id;
	int rc = query_insert(call->st, call->arena, &q_crm_product_entity, sets, n, &id);
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_integer(id);
	return 0;
}

int rest_crm_product_get(struct rest_call *call)
{
	int64_t id;
	if (product_id_param(call, &id))
		return -1;
	struct query q;
	query_init(&q, call->arena, &q_crm_product_entity);
	struct query_value *v = arena_alloc(call->arena, sizeof *v);
	if (!v)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	*v = (struct query_value){.kind = QV_INT, .i = id};
	struct query_cond c = {.field = pfield("ID"), .op = QOP_EQ, .values = v, .n_values = 1};
	if (query_add_cond(&q, &c))
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	size_t n_cols;
	const struct query_field **cols = query_columns(&q, &n_cols);
	struct stmt *s;
	int rc = cols ? query_open(call->st, &q, &s) : STORE_TOOBIG;
	if (rc)
		return rest_fail_store(call, rc);
	rc = store_step(s);
	json_t *row = NULL;
	if (rc == STORE_ROW)
		row = rest_row_json(call, &q, s, cols, n_cols, NULL);
	store_reset(s);
	if (rc == STORE_OK)
		return rest_fail(call, ERR_NOT_FOUND, "Not found");
	if (rc != STORE_ROW)
		return rest_fail_store(call, rc);
	if (!row)
		return call->err_desc ? -1 : rest_fail(call, ERR_INTERNAL, "Out of memory");
	call->result = row;
	return 0;
}

int rest_crm_product_list(struct rest_call *call)
{
	struct query q;
	query_init(&q, call->arena, &q_crm_product_entity);
	if (rest_filter_parse(call, &q, rest_param(call, "FILTER")) || rest_order_parse(call, &q, rest_param(call, "ORDER")) ||
	    rest_select_parse(call, &q, rest_param(call, "SELECT")))
		return -1;
	return rest_list_run(call, &q, NULL, NULL);
}

int rest_crm_product_update(struct rest_call *call)
{
	int64_t id;
	if (product_id_param(call, &id))
		return -1;
	struct query_set sets[32];
	size_t n;
	if (product_sets(call, false, sets, &n))
		return -1;
	int rc = query_update(call->st, call->arena, &q_crm_product_entity, id, sets, n);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Not found");
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_true();
	return 0;
}

int rest_crm_product_delete(struct rest_call *call)
{
	int64_t id;
	if (product_id_param(call, &id))
		return -1;
	int rc = q_crm_product_delete(call->st, id);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Not found");
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_true();
	return 0;
}
