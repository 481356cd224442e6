/* dispatch.c — the method table, the checks common to every method, errors and the envelope. */
#include "rest/rest.h"
#include "rest/params.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/util.h"
#include "crm/access.h"
#include "crm/uf.h"
#include "store/store.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>

static const struct rest_method methods[] = {
#define REST_METHOD(name, fn, scope, flags) {name, fn, scope, flags},
#include "rest/methods.def"
#undef REST_METHOD
};
#define N_METHODS (sizeof methods / sizeof methods[0])

static const struct {
	const char *code;
	int status;
} errors[] = {
#define REST_ERROR(e, code, status) {code, status},
#include "rest/errors.def"
#undef REST_ERROR
};

static const char *const scope_names[SCOPE__COUNT] = {
	[SCOPE_NONE] = "", [SCOPE_USER] = "user", [SCOPE_DEPARTMENT] = "department",
	[SCOPE_CRM] = "crm", [SCOPE_VORONKA] = "voronka", [SCOPE_IM] = "im",
};

const char *rest_scope_name(enum rest_scope s)
{
	return scope_names[s];
}

int rest_table_check(void)
{
	for (size_t i = 1; i < N_METHODS; i++)
		if (strcasecmp(methods[i - 1].name, methods[i].name) >= 0) {
			log_error("rest: methods.def is not sorted at %s", methods[i].name);
			return -1;
		}
	return 0;
}

static int cmp_method(const void *key, const void *elem)
{
	return strcasecmp(key, ((const struct rest_method *)elem)->name);
}

const struct rest_method *rest_method_find(const char *name)
{
	return bsearch(name, methods, N_METHODS, sizeof methods[0], cmp_method);
}

const struct rest_method *rest_methods_all(size_t *n)
{
	*n = N_METHODS;
	return methods;
}

const char *rest_error_code(enum rest_error e)
{
	return errors[e].code;
}

int rest_error_status(enum rest_error e)
{
	return errors[e].status;
}

int rest_fail(struct rest_call *call, enum rest_error e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	call->err = e;
	call->err_desc = arena_vprintf(call->arena, fmt, ap);
	va_end(ap);
	if (!call->err_desc)
		call->err_desc = "";
	if (call->result) {
		json_decref(call->result);
		call->result = NULL;
	}
	return -1;
}

int rest_fail_store(struct rest_call *call, int rc)
{
	switch (rc) {
	case STORE_NOTFOUND:
		return rest_fail(call, ERR_NOT_FOUND, "Not found");
	case STORE_BUSY:
		log_warn("rest: %s: database busy", call->method ? call->method->name : "?");
		return rest_fail(call, ERR_BUSY, "The database is busy; try again");
	case STORE_CONSTRAINT:
		return rest_fail(call, ERR_CORE, "The change conflicts with existing data: %s", store_errmsg(call->st));
	case STORE_TOOBIG:
		return rest_fail(call, ERR_ARGUMENT, "A value is too big");
	default:
		log_error("rest: %s: database error: %s", call->method ? call->method->name : "?",
			  store_errmsg(call->st));
		return rest_fail(call, ERR_INTERNAL, "Internal server error");
	}
}

int rest_tx_begin(struct rest_call *call)
{
	int rc = store_tx_begin_write(call->st);
	return rc ? rest_fail_store(call, rc) : 0;
}

int rest_tx_end(struct rest_call *call, int failed)
{
	if (failed) {
		store_tx_rollback(call->st);
		return -1;
	}
	int rc = store_tx_commit(call->st);
	return rc ? rest_fail_store(call, rc) : 0;
}

static void decref_cb(void *p)
{
	json_decref(p);
}

json_t *rest_own(struct rest_call *call, json_t *j)
{
	if (j)
		arena_defer(call->arena, decref_cb, j);
	return j;
}

/* Does the webhook's scope list allow this method's scope? */
static bool scope_allowed(const struct rest_auth *auth, enum rest_scope s)
{
	if (s == SCOPE_NONE || !auth->scopes || !*auth->scopes)
		return true;
	const char *name = scope_names[s];
	size_t n = strlen(name);
	for (const char *p = auth->scopes; *p;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (len == n && strncasecmp(p, name, n) == 0)
			return true;
		/* user_basic grants the read side of user.* as in Bitrix24 */
		if (s == SCOPE_USER && len == 10 && strncasecmp(p, "user_basic", 10) == 0)
			return true;
		if (!c)
			break;
		p = c + 1;
	}
	return false;
}

int rest_dispatch(struct rest_call *call, const char *name, json_t *params)
{
	call->t_start = now_wall();
	call->total = -1;
	call->start = 0;
	const struct rest_method *m = rest_method_find(name);
	if (!m)
		return rest_fail(call, ERR_METHOD_NOT_FOUND, "Method not found!");
	call->method = m;
	if (!call->auth || call->auth->kind == AUTH_NONE)
		return rest_fail(call, ERR_NO_AUTH, "Authorization required");
	if (!scope_allowed(call->auth, m->scope))
		return rest_fail(call, ERR_INSUFFICIENT_SCOPE, "The request requires higher privileges than provided by the webhook token");
	if ((m->flags & REST_ADMIN) && !call->auth->is_admin)
		return rest_fail(call, ERR_ACCESS_DENIED, "Access denied: only administrators may call %s", m->name);
	if ((m->flags & REST_SETTINGS) && !call->auth->is_admin && !crm_access_settings(call))
		return call->err_desc ? -1
				      : rest_fail(call, ERR_ACCESS_DENIED,
						  "Access denied: %s needs the right to change CRM settings", m->name);
	if (call->in_batch && (m->flags & REST_NOBATCH))
		return rest_fail(call, ERR_BATCH_METHOD, "Method is not allowed for batch usage");
	if (m->flags & REST_CI)
		params_upper_keys(params);
	call->params = params;
	if (m->flags & REST_LIST) {
		int64_t start = 0;
		json_t *sv = json_object_get(params, "start");
		if (!sv)
			sv = json_object_get(params, "START");
		const char *st = sv ? rest_json_text(call, sv) : NULL;
		/* Bitrix24 reads start leniently: anything not a number is 0. */
		if (!st || parse_i64(st, &start) != 0 || start < -1)
			start = 0;
		call->start = start;
	}
	crm_uf_call_begin(call); /* this thread's custom-field descriptors, up to date (crm/uf.h) */
	double t0 = now_mono();
	/* A list reads its page and its total in one read transaction: both see the same snapshot,
	 * and SQLite takes its WAL read lock once instead of once per statement. */
	bool snapshot = (m->flags & REST_LIST) && call->st && store_tx_begin(call->st) == STORE_OK;
	int rc = m->fn(call);
	if (snapshot)
		store_tx_commit(call->st);
	call->t_processing = now_mono() - t0;
	if (rc && !call->err_desc) /* a handler that failed without saying why */
		rest_fail(call, ERR_INTERNAL, "Internal server error");
	if (!rc && !call->result)
		call->result = json_null();
	return rc ? -1 : 0;
}

json_t *rest_time_object(double t_start, double t_finish, double processing, bool with_operating)
{
	char ds[40], df[40];
	iso8601_local((time_t)t_start, ds, sizeof ds);
	iso8601_local((time_t)t_finish, df, sizeof df);
	json_t *t = json_pack("{s:f,s:f,s:f,s:f,s:s,s:s}", "start", t_start, "finish", t_finish, "duration",
			      t_finish - t_start, "processing", processing, "date_start", ds, "date_finish", df);
	if (with_operating) {
		/* Per-method execution budgets are not enforced on a self-hosted server; b24jssdk reads
		 * these two to throttle itself, and 0 tells it there is no pressure. */
		json_object_set_new(t, "operating_reset_at", json_integer((json_int_t)t_finish + 600));
		json_object_set_new(t, "operating", json_real(0));
	}
	return t;
}

json_t *rest_error_envelope(enum rest_error e, const char *desc)
{
	return json_pack("{s:s,s:s}", "error", errors[e].code, "error_description", desc ? desc : "");
}

json_t *rest_envelope(struct rest_call *call, int *status)
{
	if (call->err_desc) {
		*status = errors[call->err].status;
		return rest_error_envelope(call->err, call->err_desc);
	}
	*status = 200;
	json_t *env = json_object();
	json_object_set_new(env, "result", call->result ? call->result : json_null());
	call->result = NULL;
	if (call->method && (call->method->flags & REST_LIST) && call->total >= 0) {
		json_object_set_new(env, "total", json_integer(call->total));
		if (call->start >= 0 && call->start + REST_PAGE < call->total)
			json_object_set_new(env, "next", json_integer(call->start + REST_PAGE));
	}
	json_object_set_new(env, "time", rest_time_object(call->t_start, now_wall(), call->t_processing, true));
	return env;
}

/* ---- parameter helpers ---- */

int64_t rest_pos_int(json_t *v)
{
	int64_t n;
	if (json_is_integer(v))
		n = json_integer_value(v);
	else if (!json_is_string(v) || parse_i64(json_string_value(v), &n))
		return 0;
	return n > 0 ? n : 0;
}

int rest_id_param(struct rest_call *call, int64_t *id)
{
	*id = rest_pos_int(rest_param(call, "ID"));
	return *id ? 0 : rest_fail(call, ERR_ARGUMENT, "ID is not defined or invalid.");
}

int64_t rest_caller_id(struct rest_call *call)
{
	return call->auth && call->auth->user_id > 0 ? call->auth->user_id : 0;
}

const char *rest_now_db(struct rest_call *call)
{
	char ts[32];
	db_time_utc(time(NULL), ts, sizeof ts);
	return arena_strdup(call->arena, ts);
}

json_t *rest_param(struct rest_call *call, const char *name)
{
	return call->params ? json_object_get(call->params, name) : NULL;
}

const char *rest_json_text(struct rest_call *call, json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_value(v);
	case JSON_INTEGER:
		return arena_printf(call->arena, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_REAL:
		return arena_printf(call->arena, "%.17g", json_real_value(v));
	case JSON_TRUE:
		return "1";
	case JSON_FALSE:
		return "0";
	default:
		return NULL;
	}
}

const char *rest_param_str(struct rest_call *call, const char *name)
{
	json_t *v = rest_param(call, name);
	return v ? rest_json_text(call, v) : NULL;
}

int rest_param_int(struct rest_call *call, const char *name, int64_t *out)
{
	json_t *v = rest_param(call, name);
	if (!v || json_is_null(v))
		return 1;
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	const char *s = rest_json_text(call, v);
	if (!s || parse_i64(s, out) != 0) {
		rest_fail(call, ERR_ARGUMENT, "Parameter '%s' must be an integer", name);
		return -1;
	}
	return 0;
}

json_t *rest_write_fields(struct rest_call *call)
{
	json_t *f = rest_param(call, "FIELDS");
	return json_is_object(f) ? f : call->params;
}

json_t *rest_field_ci(json_t *fields, const char *name)
{
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v)
	{
		if (!strcasecmp(k, name))
			return v;
	}
	return NULL;
}

int rest_json_bool(json_t *v)
{
	if (json_is_true(v))
		return 1;
	if (json_is_false(v))
		return 0;
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	if (!json_is_string(v))
		return -1;
	const char *s = json_string_value(v);
	if (!strcasecmp(s, "Y") || !strcasecmp(s, "true") || !strcmp(s, "1"))
		return 1;
	if (!strcasecmp(s, "N") || !strcasecmp(s, "false") || !strcmp(s, "0") || !*s)
		return 0;
	return -1;
}
