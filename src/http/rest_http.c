/* rest_http.c — /rest/…: the URL forms, who is calling (webhook or session), the parameters from
 * the query and the body merged into one tree, dispatch, and the envelope on the wire. */
#include "http/http.h"
#include "auth/auth.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/util.h"
#include "rest/params.h"
#include "rest/rest.h"
#include "store/store.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct mp_state { /* multipart parts collected by MHD's post processor */
	struct http_req *r;
	json_t *params;
	char *key;         /* the part being read */
	bool is_file;
	char *filename;
	struct buf value;
	char err[PARAMS_ERRLEN];
	bool failed;
	struct params_index ix; /* `[]` indexes of this body */
};

static void mp_flush(struct mp_state *m)
{
	if (!m->key || m->failed)
		return;
	json_t *v;
	if (m->is_file) {
		/* A file part becomes ["name", "<base64>"], Bitrix24's fileData convention. */
		size_t b64n = sodium_base64_ENCODED_LEN(m->value.len, sodium_base64_VARIANT_ORIGINAL);
		char *b64 = malloc(b64n);
		if (!b64)
			abort();
		sodium_bin2base64(b64, b64n, (const unsigned char *)(m->value.data ? m->value.data : ""), m->value.len,
				  sodium_base64_VARIANT_ORIGINAL);
		v = json_pack("[s,s]", m->filename ? m->filename : "file", b64);
		free(b64);
	} else {
		if (!utf8_valid(m->value.data ? m->value.data : "", m->value.len)) {
			snprintf(m->err, sizeof m->err, "Parameter value is not valid UTF-8");
			m->failed = true;
			return;
		}
		v = json_stringn_nocheck(m->value.data ? m->value.data : "", m->value.len);
	}
	if (params_set_ix(&m->ix, m->params, m->key, strlen(m->key), v, m->err))
		m->failed = true;
	free(m->key);
	free(m->filename);
	m->key = m->filename = NULL;
	buf_reset(&m->value);
}

static enum MHD_Result mp_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
			       const char *content_type, const char *transfer_encoding, const char *data,
			       uint64_t off, size_t size)
{
	struct mp_state *m = cls;
	if (m->failed)
		return MHD_NO;
	if (!m->key || off == 0 || strcmp(m->key, key) != 0) {
		mp_flush(m);
		m->key = strdup(key);
		m->filename = filename ? strdup(filename) : NULL;
		m->is_file = filename != NULL;
	}
	if (size && buf_append(&m->value, data, size)) {
		snprintf(m->err, sizeof m->err, "Multipart part is too large");
		m->failed = true;
		return MHD_NO;
	}
	return MHD_YES;
}

static int parse_multipart(struct http_req *r, json_t *params, char *err)
{
	struct mp_state m = {.r = r, .params = params};
	buf_init(&m.value, r->srv->cfg.max_body);
	struct MHD_PostProcessor *pp = MHD_create_post_processor(r->conn, 64 * 1024, mp_iter, &m);
	int rc = 0;
	if (!pp) {
		snprintf(err, PARAMS_ERRLEN, "Malformed multipart body");
		rc = -1;
	} else {
		if (MHD_post_process(pp, r->body.data ? r->body.data : "", r->body.len) != MHD_YES && !m.failed)
			snprintf(m.err, sizeof m.err, "Malformed multipart body"), m.failed = true;
		MHD_destroy_post_processor(pp);
		mp_flush(&m);
		if (m.failed) {
			snprintf(err, PARAMS_ERRLEN, "%s", m.err);
			rc = -1;
		}
	}
	free(m.key);
	free(m.filename);
	buf_release(&m.value);
	params_index_release(&m.ix);
	return rc;
}

/* Query and body into one tree; the body wins on a clash. */
static int collect_params(struct http_req *r, json_t *params, char *err)
{
	const char *q = http_query(r);
	if (*q && params_parse_urlencoded(params, q, strlen(q), err))
		return -1;
	if (r->body.len == 0)
		return 0;
	const char *ct = http_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!ct)
		ct = "";
	json_t *body = NULL;
	if (!strncasecmp(ct, "application/json", 16) ||
	    (!*ct && r->body.data[strspn(r->body.data, " \t\r\n")] == '{')) {
		body = params_parse_json(r->body.data, r->body.len, err);
		if (!body)
			return -1;
	} else if (!strncasecmp(ct, "multipart/form-data", 19)) {
		body = json_object();
		if (parse_multipart(r, body, err)) {
			json_decref(body);
			return -1;
		}
	} else { /* application/x-www-form-urlencoded, or anything unlabelled */
		body = json_object();
		if (params_parse_urlencoded(body, r->body.data, r->body.len, err)) {
			json_decref(body);
			return -1;
		}
	}
	params_merge(params, body);
	json_decref(body);
	return 0;
}

static void decref_cb(void *p)
{
	json_decref(p);
}

/* Split /rest/[api/]{user_id}/{secret}/{method}[.json|/] or /rest/{method}[.json]. */
static int parse_path(struct http_req *r, char **method, int64_t *uid, char **secret)
{
	const char *p = r->path + strlen("/rest/");
	if (!strncmp(p, "api/", 4))
		p += 4;
	char *copy = arena_strdup(r->arena, p);
	size_t n = strlen(copy);
	if (n && copy[n - 1] == '/') /* the trailing slash of the official PHP sample */
		copy[--n] = 0;
	char *seg[4];
	int ns = 0;
	for (char *s = copy, *save = NULL; ns < 4 && (s = strtok_r(s, "/", &save)); s = NULL)
		seg[ns++] = s;
	*uid = 0;
	*secret = NULL;
	if (ns == 3) {
		if (parse_i64(seg[0], uid) || *uid <= 0)
			return -1;
		*secret = seg[1];
		*method = seg[2];
	} else if (ns == 1) {
		*method = seg[0];
	} else {
		return -1;
	}
	char *dot = strrchr(*method, '.');
	if (dot && (!strcasecmp(dot, ".json") || !strcasecmp(dot, ".xml")))
		*dot = 0;
	return **method ? 0 : -1;
}

enum MHD_Result http_rest(struct http_req *r)
{
	char *method, *secret;
	int64_t uid;
	if (parse_path(r, &method, &uid, &secret))
		return http_send_error(r, ERR_METHOD_NOT_FOUND, "Method not found!");
	struct store *st = server_store(r->srv);
	if (!st)
		return http_send_error(r, ERR_INTERNAL, "The database is unavailable");

	json_t *params = json_object();
	char err[PARAMS_ERRLEN];
	if (collect_params(r, params, err)) {
		json_decref(params);
		return http_send_error(r, ERR_ARGUMENT, err);
	}
	json_t *lp = params_listify(params);
	if (lp != params)
		json_decref(params);
	params = lp;
	arena_defer(r->arena, decref_cb, params);

	struct rest_auth auth = {0};
	char scopes[512];
	int rc;
	if (secret) {
		rc = auth_webhook_check(st, uid, secret, &auth, scopes, sizeof scopes);
		if (rc == AUTH_DENIED)
			return http_send_error(r, ERR_NO_AUTH, "Wrong authorization data");
		if (rc)
			return http_send_error(r, ERR_INTERNAL, "The database is unavailable");
	} else {
		const char *cookie = http_cookie(r, AUTH_COOKIE);
		char csrf[AUTH_TOKEN_HEX + 1];
		if (!cookie) {
			/* OAuth applications are not supported yet: an `auth` token cannot match. */
			if (json_object_get(params, "auth") || json_object_get(params, "access_token"))
				return http_send_error(r, ERR_INVALID_TOKEN, "Unable to authorize user with this token");
			return http_send_error(r, ERR_NO_AUTH, "Authorization required");
		}
		rc = auth_session_check(st, cookie, &auth, csrf);
		if (rc == AUTH_DENIED)
			return http_send_error(r, ERR_NO_AUTH, "The session has expired; sign in again");
		if (rc)
			return http_send_error(r, ERR_INTERNAL, "The database is unavailable");
		/* Every REST call made with the cookie carries the CSRF token, reads too: a GET can
		 * write through user.add?…, and SameSite=Lax still sends the cookie on a top-level GET. */
		const char *sent = http_header(r, "X-CSRF-Token");
		if (!sent)
			sent = json_string_value(json_object_get(params, "sessid"));
		if (!sent || auth_csrf_check(csrf, sent))
			return http_send_error(r, ERR_CSRF, "Invalid CSRF token");
	}
	r->user_id = auth.user_id;

	struct rest_call call = {.arena = r->arena, .st = st, .srv = r->srv, .auth = &auth};
	rc = rest_dispatch(&call, method, params);
	int status;
	json_t *env = rest_envelope(&call, &status);
	if (rc)
		log_info("rest: %s by user %lld: %s %s", method, (long long)auth.user_id, rest_error_code(call.err),
			 call.err_desc);
	if (call.result)
		json_decref(call.result);
	return http_send_json(r, status, env);
}
