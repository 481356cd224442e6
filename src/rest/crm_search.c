/* crm_search.c — voronka.crm.search: the UI's top-bar search over leads, deals, contacts and
 * companies (P10). Bitrix24 has no such REST method, so it is a Voronka extension. The index and
 * the ranking live in store/q_crm_search.c; this file checks the parameters and shapes the
 * answer: [{entityTypeId, id, type, title, subtitle, match}], best first. */
#include "rest/rest.h"
#include "crm/access.h"
#include "core/arena.h"
#include "core/util.h"
#include "crm/crm.h"
#include "store/q_crm_search.h"
#include "store/store.h"
#include <string.h>

#define SEARCH_DEFAULT_LIMIT 20
#define SEARCH_MAX_QUERY 1000 /* bytes of query text: a top bar never sends more */

/* entityTypeIds: one id or a list, each a type with a search index (1..4) → a bit mask. */
static int types_param(struct rest_call *call, unsigned *mask)
{
	*mask = 0;
	json_t *v = rest_field_ci(call->params, "entityTypeIds");
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return 0;
	size_t n = json_is_array(v) ? json_array_size(v) : 1;
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_is_array(v) ? json_array_get(v, i) : v;
		const char *t = rest_json_text(call, x);
		int64_t id;
		if (!t || json_is_object(x) || json_is_array(x) || parse_i64(t, &id) || !crm_type_by_id(id))
			return rest_fail(call, ERR_ARGUMENT,
					 "entityTypeIds must list CRM types: 1 lead, 2 deal, 3 contact, 4 company");
		*mask |= 1u << id;
	}
	return 0;
}

static int limit_param(struct rest_call *call, int64_t *limit)
{
	*limit = SEARCH_DEFAULT_LIMIT;
	json_t *v = rest_field_ci(call->params, "limit");
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return 0;
	const char *t = rest_json_text(call, v);
	if (!t || json_is_real(v) || parse_i64(t, limit) || *limit < 1)
		return rest_fail(call, ERR_ARGUMENT, "limit must be an integer from 1 to %d", Q_CRM_SEARCH_MAX_HITS);
	if (*limit > Q_CRM_SEARCH_MAX_HITS)
		*limit = Q_CRM_SEARCH_MAX_HITS;
	return 0;
}

static int query_param(struct rest_call *call, const char **text)
{
	json_t *v = rest_field_ci(call->params, "query");
	if (!v || json_is_null(v))
		return rest_fail(call, ERR_ARGUMENT, "query is not defined");
	*text = json_is_object(v) || json_is_array(v) ? NULL : rest_json_text(call, v);
	if (!*text)
		return rest_fail(call, ERR_ARGUMENT, "query must be text");
	if (strlen(*text) > SEARCH_MAX_QUERY)
		return rest_fail(call, ERR_ARGUMENT, "query is longer than %d bytes", SEARCH_MAX_QUERY);
	return 0;
}

/* One hit as the top bar shows it; an item with neither title nor name is "Сделка #12". */
static json_t *hit_json(struct rest_call *call, const struct q_crm_search_hit *h)
{
	const struct crm_type *t = crm_type_by_id(h->entity_type_id);
	const char *title = h->title;
	if (!*title)
		title = arena_printf(call->arena, "%s #%lld", t ? t->title_ru : "", (long long)h->entity_id);
	json_t *o = json_object();
	json_object_set_new(o, "entityTypeId", json_integer(h->entity_type_id));
	json_object_set_new(o, "id", json_integer(h->entity_id));
	json_object_set_new(o, "type", json_string(t ? t->name : ""));
	json_object_set_new(o, "title", json_string(title ? title : ""));
	json_object_set_new(o, "subtitle", json_string(h->subtitle));
	json_object_set_new(o, "match", h->matched ? json_pack("{ssss}", "type", h->matched_type, "value", h->matched)
						  : json_null());
	return o;
}

/* voronka.crm.search(query, entityTypeIds, limit) → the best matches first. */
static bool may_read(void *ctx, int64_t type, int64_t id)
{
	struct rest_call *call = ctx;
	struct crm_ctx x = {.call = call, .t = crm_type_by_id(type)};
	return x.t && crm_access_can(&x, CRM_OP_READ, id);
}

int rest_voronka_crm_search(struct rest_call *call)
{
	const char *text = NULL;
	unsigned types = 0;
	int64_t limit = 0;
	if (query_param(call, &text) || types_param(call, &types) || limit_param(call, &limit))
		return -1;
	struct q_crm_search_hit *hits;
	size_t n;
	/* A caller who may not see everything gets the hits the rights let through: each is judged
	 * like a card (crm/access.h), best first, until the limit is reached. */
	bool all = true;
	for (int t = 1; t <= 4 && all; t++)
		all = crm_access_sees_all(call, t, -1);
	if (call->err_desc)
		return -1;
	int rc = q_crm_search_find_kept(call->st, call->arena, text, types, limit, all ? NULL : may_read, call, &hits, &n);
	if (rc)
		return rest_fail_store(call, rc);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, hit_json(call, &hits[i]));
	call->result = out;
	return 0;
}
