/* voronka_webhook.c — inbound webhooks managed over REST: voronka.webhook.add (the secret is
 * shown in its answer and never again), .list (never secrets) and .delete (revokes). Everyone
 * manages their own; administrators anyone's. A webhook limited to some scopes cannot create
 * one with more: that would let a leaked narrow webhook widen itself. */
#include "rest/rest.h"
#include "auth/auth.h"
#include "core/arena.h"
#include "rest/filter.h"
#include "store/q_auth.h"
#include "store/store.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SCOPE_LIST_MAX 400 /* what auth_webhook_create accepts */
#define TITLE_MAX 200

/* A parameter by its documented upper-case name, or in lower case as SDKs often send it. */
static json_t *param(struct rest_call *call, const char *upper)
{
	json_t *v = rest_param(call, upper);
	if (v)
		return v;
	char lower[32];
	size_t n = strlen(upper);
	if (n >= sizeof lower)
		return NULL;
	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)(upper[i] >= 'A' && upper[i] <= 'Z' ? upper[i] - 'A' + 'a' : upper[i]);
	return rest_param(call, lower);
}

static bool scope_known(const char *name, size_t n)
{
	for (int s = SCOPE_NONE + 1; s < SCOPE__COUNT; s++) {
		const char *k = rest_scope_name((enum rest_scope)s);
		if (strlen(k) == n && !strncasecmp(k, name, n))
			return true;
	}
	return n == 10 && !strncasecmp(name, "user_basic", 10); /* the read side of user.* */
}

/* Is name (n bytes) in the comma-separated list? */
static bool in_list(const char *list, const char *name, size_t n)
{
	for (const char *p = list; p && *p;) {
		size_t k = strcspn(p, ",");
		if (k == n && !strncasecmp(p, name, n))
			return true;
		p += k + (p[k] == ',');
	}
	return false;
}

/* SCOPE as a list ["crm","user"] or a text "crm,user" → "crm,user", each name checked. */
static int read_scopes(struct rest_call *call, char *out, size_t out_n)
{
	json_t *v = param(call, "SCOPE");
	size_t len = 0;
	out[0] = 0;
	if (!v || json_is_null(v))
		return 0;
	json_t *list = v;
	if (!json_is_array(v)) {
		const char *s = rest_json_text(call, v);
		if (!s)
			return rest_fail(call, ERR_ARGUMENT, "SCOPE must be a list of scopes or a comma-separated text");
		list = rest_own(call, json_array());
		for (const char *p = s; *p;) {
			size_t k = strcspn(p, ",");
			json_array_append_new(list, json_stringn(p, k));
			p += k + (p[k] == ',');
		}
	}
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item)
	{
		const char *s = json_string_value(item);
		if (!s)
			return rest_fail(call, ERR_ARGUMENT, "SCOPE must be a list of scopes or a comma-separated text");
		s += strspn(s, " \t");
		size_t n = strlen(s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (!n)
			continue;
		if (!scope_known(s, n))
			return rest_fail(call, ERR_ARGUMENT, "Unknown scope '%.*s'", (int)(n > 64 ? 64 : n), s);
		if (in_list(out, s, n))
			continue;
		if (len + n + 2 > out_n)
			return rest_fail(call, ERR_ARGUMENT, "SCOPE is too long");
		if (len)
			out[len++] = ',';
		for (size_t k = 0; k < n; k++)
			out[len++] = (char)(s[k] >= 'A' && s[k] <= 'Z' ? s[k] - 'A' + 'a' : s[k]);
		out[len] = 0;
	}
	return 0;
}

/* A webhook with limited scopes may hand out only what it has itself. */
static int check_scopes_within(struct rest_call *call, const char *wanted)
{
	const char *have = call->auth->scopes;
	if (call->auth->kind != AUTH_WEBHOOK || !have || !*have)
		return 0;
	if (!*wanted)
		return rest_fail(call, ERR_INSUFFICIENT_SCOPE,
				 "A webhook limited to '%s' cannot create a webhook with every scope", have);
	for (const char *p = wanted; *p;) {
		size_t k = strcspn(p, ",");
		if (!in_list(have, p, k))
			return rest_fail(call, ERR_INSUFFICIENT_SCOPE, "The calling webhook has no scope '%.*s'", (int)k, p);
		p += k + (p[k] == ',');
	}
	return 0;
}

static json_t *scopes_json(const char *scopes)
{
	json_t *a = json_array();
	for (const char *p = scopes; *p;) {
		size_t k = strcspn(p, ",");
		json_array_append_new(a, json_stringn(p, k));
		p += k + (p[k] == ',');
	}
	return a;
}

int rest_voronka_webhook_add(struct rest_call *call)
{
	char scopes[SCOPE_LIST_MAX + 1];
	int64_t uid = call->auth->user_id, id;
	int rc = rest_param_int(call, "USER_ID", &uid);
	if (rc == 1)
		rc = rest_param_int(call, "user_id", &uid);
	if (rc < 0)
		return -1;
	if (rc == 1)
		uid = call->auth->user_id;
	if (uid != call->auth->user_id && !call->auth->is_admin)
		return rest_fail(call, ERR_ACCESS_DENIED, "Only administrators may create webhooks for other users");
	if (uid <= 0)
		return rest_fail(call, ERR_ARGUMENT, "USER_ID must be a user's ID");
	if (read_scopes(call, scopes, sizeof scopes) || check_scopes_within(call, scopes))
		return -1;
	json_t *tv = param(call, "TITLE");
	const char *title = tv && !json_is_null(tv) ? rest_json_text(call, tv) : "";
	if (!title)
		return rest_fail(call, ERR_ARGUMENT, "TITLE must be a text");
	if (strlen(title) > TITLE_MAX)
		return rest_fail(call, ERR_ARGUMENT, "TITLE is longer than %d bytes", TITLE_MAX);

	char secret[AUTH_WEBHOOK_SECRET + 1];
	rc = auth_webhook_create(call->st, uid, scopes, title, &id, secret);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "User %lld not found", (long long)uid);
	if (rc)
		return rest_fail_store(call, rc);
	char url[96];
	snprintf(url, sizeof url, "/rest/%lld/%s/", (long long)uid, secret);
	call->result = json_pack("{s:I,s:I,s:s,s:s,s:o,s:s}", "ID", (json_int_t)id, "USER_ID", (json_int_t)uid, "URL",
				 url, "SECRET", secret, "SCOPE", scopes_json(scopes), "TITLE", title);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(url, sizeof url);
	return call->result ? 0 : rest_fail(call, ERR_INTERNAL, "Out of memory");
}

struct list_ctx {
	struct rest_call *call;
	json_t *out;
};

static void list_row(void *p, const struct q_auth_webhook *w)
{
	struct list_ctx *c = p;
	const char *created = rest_db_time_iso(c->call, w->created_at);
	json_array_append_new(c->out, json_pack("{s:I,s:I,s:s,s:o,s:s}", "ID", (json_int_t)w->id, "USER_ID",
						(json_int_t)w->user_id, "TITLE", w->title, "SCOPE",
						scopes_json(w->scopes), "DATE_CREATE", created ? created : ""));
}

int rest_voronka_webhook_list(struct rest_call *call)
{
	/* Administrators see everyone's, or one user's with USER_ID; others only their own. */
	int64_t uid = call->auth->is_admin ? 0 : call->auth->user_id;
	if (call->auth->is_admin) {
		int rc = rest_param_int(call, "USER_ID", &uid);
		if (rc < 0)
			return -1;
		if (rc == 1)
			uid = 0;
	}
	struct list_ctx c = {call, json_array()};
	call->result = c.out;
	int rc = q_auth_webhook_list(call->st, uid, list_row, &c);
	if (rc)
		return rest_fail_store(call, rc);
	return 0;
}

int rest_voronka_webhook_delete(struct rest_call *call)
{
	int64_t id, owner;
	int rc = rest_param_int(call, "ID", &id);
	if (rc == 1)
		rc = rest_param_int(call, "id", &id);
	if (rc < 0)
		return -1;
	if (rc == 1 || id <= 0)
		return rest_fail(call, ERR_ARGUMENT, "ID is not defined or invalid.");
	rc = q_auth_webhook_owner(call->st, id, &owner);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Webhook %lld not found", (long long)id);
	if (rc)
		return rest_fail_store(call, rc);
	if (owner != call->auth->user_id && !call->auth->is_admin)
		return rest_fail(call, ERR_ACCESS_DENIED, "Access denied.");
	rc = auth_webhook_revoke(call->st, id);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Webhook %lld not found", (long long)id);
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_true();
	return 0;
}
