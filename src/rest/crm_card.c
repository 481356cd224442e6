/* crm_card.c — card layouts (C2): crm.item.details.configuration.{get,set,reset,
 * forceCommonScopeForAll} and the legacy crm.{lead,deal,contact,company}.details.configuration.*
 * over one table (store/q_crm_card.h). A layout is Bitrix24's list of sections, each
 * {name, title, type: "section", elements: [{name, title?, optionFlags?}]}, kept per item type and
 * deal pipeline: a common one (scope C) that changing settings may edit (R5), and each user's own
 * (scope P), which wins over the common one when present. */
#include "rest/rest.h"
#include "core/arena.h"
#include "core/util.h"
#include "crm/access.h"
#include "crm/crm.h"
#include "store/q_crm_card.h"
#include "store/store.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define CARD_SECTIONS_MAX 50
#define CARD_ELEMENTS_MAX 500  /* over all sections */
#define CARD_NAME_MAX 100
#define CARD_TITLE_MAX 255

struct card_target {
	int type;
	int64_t category; /* deals: the pipeline; 0 otherwise */
	int64_t user_id;  /* 0: the common layout */
	bool common;
};

/* A parameter by name in any case (the legacy methods upper-case theirs). */
static json_t *param_ci(struct rest_call *call, const char *name)
{
	const char *k;
	json_t *v;
	json_object_foreach(call->params, k, v) if (!strcasecmp(k, name)) return v;
	return NULL;
}

static int int_of(struct rest_call *call, json_t *v, const char *name, int64_t *out)
{
	const char *t = v ? rest_json_text(call, v) : NULL;
	if (!t || json_is_object(v) || json_is_array(v) || parse_i64(t, out) || *out < 0)
		return rest_fail(call, ERR_ARGUMENT, "%s is not a valid number", name);
	return 0;
}

/* type_id 0: crm.item.* (entityTypeId given); else a legacy family. */
static int target_params(struct rest_call *call, int type_id, struct card_target *t)
{
	memset(t, 0, sizeof *t);
	int64_t type = type_id;
	if (!type && int_of(call, param_ci(call, "entityTypeId"), "entityTypeId", &type))
		return -1;
	if (!crm_type_by_id(type))
		return rest_fail(call, ERR_ARGUMENT, "entityTypeId must be 1 (lead), 2 (deal), 3 (contact) or 4 (company)");
	t->type = (int)type;
	json_t *scope = param_ci(call, "scope");
	const char *sc = scope && json_is_string(scope) ? json_string_value(scope) : "P";
	if (strcasecmp(sc, "P") && strcasecmp(sc, "C"))
		return rest_fail(call, ERR_ARGUMENT, "scope must be P (personal) or C (common)");
	t->common = !strcasecmp(sc, "C");
	t->user_id = call->auth ? call->auth->user_id : 0;
	json_t *uid = param_ci(call, "userId");
	if (uid && !json_is_null(uid) && int_of(call, uid, "userId", &t->user_id))
		return -1;
	json_t *extras = param_ci(call, "extras");
	if (extras && json_is_object(extras)) {
		json_t *cat = json_object_get(extras, "categoryId");
		if (!cat)
			cat = json_object_get(extras, "dealCategoryId");
		if (cat && t->type == CRM_DEAL && int_of(call, cat, "categoryId", &t->category))
			return -1;
	}
	if (t->common)
		t->user_id = 0;
	return 0;
}

/* Writing the common layout, or another user's, is changing settings. */
static int may_write(struct rest_call *call, const struct card_target *t)
{
	int64_t me = call->auth ? call->auth->user_id : 0;
	if ((t->common || t->user_id != me) && !crm_access_settings(call))
		return call->err_desc ? -1 : rest_fail(call, ERR_ACCESS_DENIED, "Access denied.");
	return 0;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= CARD_NAME_MAX && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

/* The layout checked and rebuilt from what is known (unknown members dropped). */
static json_t *clean_layout(struct rest_call *call, json_t *data)
{
	if (json_is_object(data)) { /* a PHP list {"0": {...}} */
		json_t *arr = rest_own(call, json_array());
		const char *k;
		json_t *v;
		json_object_foreach(data, k, v) json_array_append(arr, v);
		data = arr;
	}
	if (!json_is_array(data) || json_array_size(data) > CARD_SECTIONS_MAX) {
		rest_fail(call, ERR_ARGUMENT, "data must be a list of at most %d sections", CARD_SECTIONS_MAX);
		return NULL;
	}
	json_t *out = rest_own(call, json_array());
	size_t elements = 0, i;
	json_t *sec;
	json_array_foreach(data, i, sec)
	{
		json_t *name = json_object_get(sec, "name"), *title = json_object_get(sec, "title");
		json_t *els = json_object_get(sec, "elements");
		if (!json_is_object(sec) || !json_is_string(name) || !name_ok(json_string_value(name))) {
			rest_fail(call, ERR_ARGUMENT, "section %zu: name must be a code of letters, digits and _", i + 1);
			return NULL;
		}
		if (title && (!json_is_string(title) || strlen(json_string_value(title)) > CARD_TITLE_MAX)) {
			rest_fail(call, ERR_ARGUMENT, "section %zu: title must be text of at most %d bytes", i + 1,
				  CARD_TITLE_MAX);
			return NULL;
		}
		if (json_is_object(els)) {
			json_t *arr = rest_own(call, json_array());
			const char *k;
			json_t *v;
			json_object_foreach(els, k, v) json_array_append(arr, v);
			els = arr;
		}
		if (els && !json_is_array(els)) {
			rest_fail(call, ERR_ARGUMENT, "section %zu: elements must be a list", i + 1);
			return NULL;
		}
		json_t *s = json_pack("{s:O,s:s,s:s,s:[]}", "name", name, "title", title ? json_string_value(title) : "",
				      "type", "section", "elements");
		json_array_append_new(out, s);
		json_t *outels = json_object_get(s, "elements");
		size_t j;
		json_t *el;
		json_array_foreach(els, j, el)
		{
			json_t *en = json_object_get(el, "name"), *et = json_object_get(el, "title");
			json_t *fl = json_object_get(el, "optionFlags");
			if (++elements > CARD_ELEMENTS_MAX) {
				rest_fail(call, ERR_ARGUMENT, "At most %d fields in a layout", CARD_ELEMENTS_MAX);
				return NULL;
			}
			if (!json_is_object(el) || !json_is_string(en) || !name_ok(json_string_value(en))) {
				rest_fail(call, ERR_ARGUMENT, "section %zu, field %zu: name must be a field code", i + 1, j + 1);
				return NULL;
			}
			if (et && (!json_is_string(et) || strlen(json_string_value(et)) > CARD_TITLE_MAX)) {
				rest_fail(call, ERR_ARGUMENT, "section %zu, field %zu: title must be text of at most %d bytes",
					  i + 1, j + 1, CARD_TITLE_MAX);
				return NULL;
			}
			json_t *e = json_pack("{s:O}", "name", en);
			if (et)
				json_object_set(e, "title", et);
			if (fl && (json_is_integer(fl) || json_is_string(fl)))
				json_object_set_new(e, "optionFlags", json_string(rest_json_text(call, fl)));
			json_array_append_new(outels, e);
		}
	}
	return out;
}

static int do_get(struct rest_call *call, int type_id)
{
	struct card_target t;
	if (target_params(call, type_id, &t))
		return -1;
	const char *data = NULL;
	int rc = q_crm_card_get(call->st, call->arena, t.type, t.category, t.user_id, &data);
	if (rc == STORE_NOTFOUND && !t.common) /* no layout of one's own: the common one */
		rc = q_crm_card_get(call->st, call->arena, t.type, t.category, 0, &data);
	if (rc == STORE_NOTFOUND) {
		call->result = json_null();
		return 0;
	}
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_loads(data, 0, NULL);
	return call->result ? 0 : rest_fail(call, ERR_INTERNAL, "A stored layout is unreadable");
}

static int do_set(struct rest_call *call, int type_id)
{
	struct card_target t;
	if (target_params(call, type_id, &t) || may_write(call, &t))
		return -1;
	json_t *layout = clean_layout(call, param_ci(call, "data"));
	if (!layout)
		return -1;
	char *text = json_dumps(layout, JSON_COMPACT);
	if (!text)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	char now[32];
	db_time_utc(time(NULL), now, sizeof now);
	int rc = q_crm_card_set(call->st, t.type, t.category, t.user_id, text, now);
	free(text);
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_true();
	return 0;
}

static int do_reset(struct rest_call *call, int type_id)
{
	struct card_target t;
	if (target_params(call, type_id, &t) || may_write(call, &t))
		return -1;
	int rc = q_crm_card_delete(call->st, t.type, t.category, t.user_id);
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_true();
	return 0;
}

static int do_force_common(struct rest_call *call, int type_id)
{
	struct card_target t;
	if (target_params(call, type_id, &t))
		return -1;
	t.common = true;
	if (may_write(call, &t))
		return -1;
	int rc = q_crm_card_delete_personal(call->st, t.type, t.category);
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_true();
	return 0;
}

#define CARD(p, T)                                                                                                     \
	int rest_##p##_details_configuration_get(struct rest_call *call) { return do_get(call, T); }                   \
	int rest_##p##_details_configuration_set(struct rest_call *call) { return do_set(call, T); }                   \
	int rest_##p##_details_configuration_reset(struct rest_call *call) { return do_reset(call, T); }               \
	int rest_##p##_details_configuration_forcecommonscopeforall(struct rest_call *call)                            \
	{                                                                                                              \
		return do_force_common(call, T);                                                                       \
	}

CARD(crm_item, 0)
CARD(crm_lead, CRM_LEAD)
CARD(crm_deal, CRM_DEAL)
CARD(crm_contact, CRM_CONTACT)
CARD(crm_company, CRM_COMPANY)
