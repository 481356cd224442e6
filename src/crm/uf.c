/* uf.c — custom fields (uf.h). Until the custom-fields module lands there are none: no
 * descriptor holds a UF_ field, so none of these is ever reached with one. */
#include "crm/uf.h"

int crm_uf_value(struct crm_ctx *x, const struct query_field *f, json_t *v, struct query_value *out, json_t **multi)
{
	(void)v;
	(void)out;
	*multi = NULL;
	return crm_fail(x, false, "%s: custom fields are not supported yet", f->name);
}

int crm_uf_save_multi(struct crm_ctx *x, int64_t id, const struct query_field *f, json_t *values)
{
	(void)x, (void)id, (void)f, (void)values;
	return 0;
}

bool crm_uf_required(int type_id, const struct query_field *f)
{
	(void)type_id, (void)f;
	return false;
}

int crm_uf_read_multi(struct crm_ctx *x, struct query *q, int64_t id, json_t *row)
{
	(void)x, (void)q, (void)id, (void)row;
	return 0;
}

json_t *crm_uf_describe(struct crm_ctx *x, const struct query_field *f)
{
	(void)x;
	return json_pack("{s:s,s:b,s:b,s:b,s:b,s:b,s:s}", "type", "string", "isRequired", 0, "isReadOnly", 0,
			 "isImmutable", 0, "isMultiple", 0, "isDynamic", 1, "title", f->name);
}

int crm_uf_defaults(struct crm_ctx *x, json_t *fields,
		    int (*put)(void *w, const struct query_field *f, struct query_value v), void *w)
{
	(void)x, (void)fields, (void)put, (void)w;
	return 0;
}
