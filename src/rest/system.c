/* system.c — the transport's own methods: server.time, methods, method.get, scope, app.info. */
#include "rest/rest.h"
#include "crm/access.h"
#include "core/util.h"
#include "core/version.h"
#include <string.h>
#include <strings.h>

static bool available(struct rest_call *call, const struct rest_method *m)
{
	if ((m->flags & REST_ADMIN) && !call->auth->is_admin)
		return false;
	if ((m->flags & REST_SETTINGS) && !call->auth->is_admin && !crm_access_settings(call))
		return false;
	const char *sc = call->auth->scopes;
	if (m->scope == SCOPE_NONE || !sc || !*sc)
		return true;
	const char *name = rest_scope_name(m->scope);
	size_t n = strlen(name);
	for (const char *p = sc; (p = strcasestr(p, name)); p += n)
		if ((p == sc || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

int rest_server_time(struct rest_call *call)
{
	char s[40];
	iso8601_local(time(NULL), s, sizeof s);
	call->result = json_string(s);
	return 0;
}

/* methods: the names the caller may call; full=true lists every method; scope=x one scope's. */
int rest_methods(struct rest_call *call)
{
	json_t *fv = rest_param(call, "full");
	bool full = fv && rest_json_bool(fv) == 1;
	const char *scope = rest_param_str(call, "scope");
	size_t n;
	const struct rest_method *all = rest_methods_all(&n);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		if (scope && *scope && strcasecmp(scope, rest_scope_name(all[i].scope)) != 0)
			continue;
		if (!full && !available(call, &all[i]))
			continue;
		json_array_append_new(out, json_string(all[i].name));
	}
	call->result = out;
	return 0;
}

int rest_method_get(struct rest_call *call)
{
	const char *name = rest_param_str(call, "name");
	if (!name)
		name = rest_param_str(call, "NAME");
	if (!name || !*name)
		return rest_fail(call, ERR_ARGUMENT, "Parameter 'name' is required");
	const struct rest_method *m = rest_method_find(name);
	call->result = json_pack("{s:b,s:b}", "isExisting", m != NULL, "isAvailable", m && available(call, m));
	return 0;
}

int rest_scope(struct rest_call *call)
{
	json_t *fv = rest_param(call, "full");
	bool full = fv && rest_json_bool(fv) == 1;
	json_t *out = json_array();
	for (int s = SCOPE_NONE + 1; s < SCOPE__COUNT; s++) {
		struct rest_method probe = {"", NULL, (enum rest_scope)s, 0};
		if (full || available(call, &probe))
			json_array_append_new(out, json_string(rest_scope_name((enum rest_scope)s)));
	}
	call->result = out;
	return 0;
}

/* app.info: a webhook is not an application; answer as a local, installed, paid-up one so that
 * SDKs that check the licence before work carry on. */
int rest_app_info(struct rest_call *call)
{
	call->result = json_pack("{s:i,s:s,s:s,s:s,s:b,s:s,s:n,s:s}", "ID", 0, "CODE", "voronka", "VERSION",
				 VORONKA_VERSION, "STATUS", "L", "INSTALLED", 1, "PAYMENT_EXPIRED", "N", "DAYS",
				 "LICENSE", "selfhosted");
	return 0;
}
