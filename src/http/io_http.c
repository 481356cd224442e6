/* io_http.c — GET /crm/export/…: the CRM export as a download (crm/export.c writes it to an
 * unlinked temporary file, MHD sends that file with sendfile), and the authentication that it
 * shares with GET /events: a webhook in the path, as /rest/{user}/{secret}/… has it, or the
 * session cookie. */
#include "http/io_http.h"
#include "auth/auth.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/util.h"
#include "crm/io.h"
#include "rest/params.h"
#include "store/store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum MHD_Result http_io_error(struct http_req *r, int e, const char *desc)
{
	return http_send_error(r, e, desc); /* it masks the webhook secret in the path it logs */
}

/* The prefixes after which a path holds {user}/{secret}. */
static const char *const secret_paths[] = {"/rest/api/", "/rest/", "/events/", "/crm/export/"};

void http_mask_secrets(char *s)
{
	for (size_t i = 0; i < sizeof secret_paths / sizeof secret_paths[0]; i++) {
		size_t plen = strlen(secret_paths[i]);
		for (char *p = strstr(s, secret_paths[i]); p; p = strstr(p + 1, secret_paths[i])) {
			char *u = p + plen;
			size_t digits = strspn(u, "0123456789");
			if (!digits || u[digits] != '/')
				continue;
			char *sec = u + digits + 1;
			size_t n = strcspn(sec, "/'\" ?\n");
			if (n <= 3)
				continue;
			memcpy(sec, "***", 3);
			memmove(sec + 3, sec + n, strlen(sec + n) + 1);
		}
	}
}

void http_io_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char line[1024];
	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = 0;
	http_mask_secrets(line);
	log_warn("mhd: %s", line);
}

int http_io_split(struct http_req *r, const char *tail, int64_t *user, char **secret, char **rest)
{
	*user = 0;
	*secret = NULL;
	*rest = arena_strdup(r->arena, tail);
	if (!*rest)
		return -1;
	if (!(**rest >= '0' && **rest <= '9'))
		return 0; /* no webhook: the cookie decides */
	char *s1 = strchr(*rest, '/');
	if (!s1)
		return -1;
	*s1 = 0;
	if (parse_i64(*rest, user) || *user <= 0)
		return -1;
	*secret = s1 + 1;
	char *s2 = strchr(*secret, '/');
	if (s2) {
		*s2 = 0;
		*rest = s2 + 1;
	} else {
		*rest = *secret + strlen(*secret);
	}
	return **secret ? 0 : -1;
}

int http_io_auth(struct http_req *r, int64_t hook_user, const char *hook_secret, struct rest_auth *auth, char *scopes,
		 size_t n, enum MHD_Result *ret)
{
	struct store *st = server_store(r->srv);
	memset(auth, 0, sizeof *auth);
	if (!st) {
		*ret = http_io_error(r, ERR_INTERNAL, "The database is unavailable");
		return -1;
	}
	int rc;
	if (hook_secret) {
		rc = auth_webhook_check(st, hook_user, hook_secret, auth, scopes, n);
		if (rc == AUTH_DENIED)
			*ret = http_io_error(r, ERR_NO_AUTH, "Wrong authorization data");
	} else {
		const char *cookie = http_cookie(r, AUTH_COOKIE);
		char csrf[AUTH_TOKEN_HEX + 1];
		if (!cookie) {
			*ret = http_io_error(r, ERR_NO_AUTH, "Authorization required");
			return -1;
		}
		/* No CSRF token here: these GETs change nothing, and another site cannot read them. */
		rc = auth_session_check(st, cookie, auth, csrf);
		if (rc == AUTH_DENIED)
			*ret = http_io_error(r, ERR_NO_AUTH, "The session has expired; sign in again");
	}
	if (rc && rc != AUTH_DENIED)
		*ret = http_io_error(r, ERR_INTERNAL, "The database is unavailable");
	if (rc)
		return -1;
	r->user_id = auth->user_id;
	return 0;
}

bool http_io_scope_ok(const struct rest_auth *auth, const char *scope)
{
	if (!auth->scopes || !*auth->scopes)
		return true;
	size_t n = strlen(scope);
	for (const char *p = auth->scopes; *p;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (len == n && !strncasecmp(p, scope, n))
			return true;
		if (!c)
			break;
		p = c + 1;
	}
	return false;
}

static void decref_cb(void *p)
{
	json_decref(p);
}

/* A member of the query by name in any case. */
static json_t *query_get(json_t *q, const char *name)
{
	const char *k;
	json_t *v;
	json_object_foreach(q, k, v)
		if (!strcasecmp(k, name))
			return v;
	return NULL;
}

/* "deal.xlsx" → the type and the format. */
static int export_target(const char *name, struct crm_export_spec *spec)
{
	const char *dot = strrchr(name, '.');
	if (!dot || dot == name || dot - name > 16)
		return -1;
	char type[24];
	snprintf(type, sizeof type, "%.*s", (int)(dot - name), name);
	spec->type = crm_type_by_name(type);
	return spec->type && crm_io_format_parse(dot + 1, &spec->format) == 0 ? 0 : -1;
}

/* The query's filter, order, select and delimiter into spec. */
static int export_query(struct http_req *r, struct crm_export_spec *spec, char *err)
{
	json_t *q = json_object();
	const char *qs = http_query(r);
	if (*qs && params_parse_urlencoded(q, qs, strlen(qs), err)) {
		json_decref(q);
		return -1;
	}
	json_t *lq = params_listify(q);
	if (lq != q)
		json_decref(q);
	arena_defer(r->arena, decref_cb, lq);
	spec->filter = query_get(lq, "filter");
	spec->order = query_get(lq, "order");
	spec->select = query_get(lq, "select");
	const char *d = json_string_value(query_get(lq, "delimiter"));
	spec->delimiter = ';';
	if (d && (!strcasecmp(d, "tab") || !strcmp(d, "\t")))
		spec->delimiter = '\t';
	else if (d && strlen(d) == 1 && strchr(",;|", d[0]))
		spec->delimiter = d[0];
	else if (d && *d) {
		snprintf(err, PARAMS_ERRLEN, "delimiter must be one of ; , | or tab");
		return -1;
	}
	return 0;
}

/* The file as the answer; MHD closes fd when it is sent. */
static enum MHD_Result send_file(struct http_req *r, const struct crm_export_spec *spec, int fd, int64_t size,
				 int64_t rows)
{
	struct MHD_Response *mr = MHD_create_response_from_fd64((uint64_t)size, fd);
	if (!mr) {
		close(fd);
		return MHD_NO;
	}
	char disp[128], nrows[24];
	snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", crm_export_filename(r->arena, spec));
	snprintf(nrows, sizeof nrows, "%lld", (long long)rows);
	MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, crm_io_content_type(spec->format));
	MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disp);
	MHD_add_response_header(mr, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(mr, "X-Voronka-Rows", nrows);
	enum MHD_Result ret = MHD_queue_response(r->conn, MHD_HTTP_OK, mr);
	MHD_destroy_response(mr);
	r->answered = true;
	r->status = MHD_HTTP_OK;
	r->bytes_out = (size_t)size;
	return ret;
}

enum MHD_Result http_crm_export(struct http_req *r)
{
	int64_t hook_user;
	char *secret, *name;
	struct crm_export_spec spec = {0};
	if (http_io_split(r, r->path + strlen("/crm/export/"), &hook_user, &secret, &name) ||
	    export_target(name, &spec))
		return http_io_error(r, ERR_METHOD_NOT_FOUND,
				       "Not found: /crm/export/{lead|deal|contact|company}.{csv|xlsx}");
	struct rest_auth auth;
	char scopes[512];
	enum MHD_Result ret;
	if (http_io_auth(r, hook_user, secret, &auth, scopes, sizeof scopes, &ret))
		return ret;
	char err[PARAMS_ERRLEN];
	if (export_query(r, &spec, err))
		return http_io_error(r, ERR_ARGUMENT, err);
	struct rest_call call = {.arena = r->arena, .st = server_store(r->srv), .srv = r->srv, .auth = &auth};
	int fd;
	int64_t size, rows;
	if (crm_export_file(&call, &spec, &fd, &size, &rows))
		return http_io_error(r, call.err, call.err_desc);
	return send_file(r, &spec, fd, size, rows);
}
