/* session.c — signing in and out in a browser: the sign-in page (Russian or English, by
 * Accept-Language), the form post that sets the session cookie, logout (CSRF-checked), and the
 * index page: the web UI's built page (web/dist/index.html) with the CSRF token and the user put
 * in. Every value printed into HTML is escaped. */
#include "http/http.h"
#include "auth/auth.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/util.h"
#include "rest/params.h"
#include "rest/rest.h"
#include "store/q_user.h"
#include "store/store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The start of every page this file writes (the lang attribute is its one argument). The empty
 * icon stops browsers asking for /favicon.ico, a 404 in every console. */
#define PAGE_HEAD                                                                                          \
	"<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"                                     \
	"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><link rel=\"icon\" href=\"data:,\">"

#define PAGE_MAX (64u << 10) /* our pages are a few kilobytes */
#define NEXT_MAX 1024        /* longer `next` targets fall back to "/" */

/* Pages are strict: no scripts at all, styles only inline, forms only to ourselves, no framing;
 * the one image is the empty data: icon of PAGE_HEAD. */
#define PAGE_CSP                                                                                                       \
	"default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "                         \
	"frame-ancestors 'none'; base-uri 'none'"

enum lang { LANG_RU, LANG_EN };

static const struct texts {
	const char *html_lang;
	const char *title;        /* <title> and the heading of the sign-in page */
	const char *login;
	const char *password;
	const char *submit;
	const char *wrong;        /* wrong login or password */
	const char *throttled;    /* followed by the number of minutes and min */
	const char *min;
	const char *unavailable;
	const char *signed_in_as; /* the index page: "signed in as" NAME */
	const char *logout;
} texts[] = {
	[LANG_RU] = {"ru", "Вход в Воронку", "Логин или e-mail", "Пароль", "Войти",
		     "Неверный логин или пароль.",
		     "Слишком много неудачных попыток входа. Попробуйте снова через ", " мин.",
		     "Сервис временно недоступен. Попробуйте позже.", "вы вошли как", "Выйти"},
	[LANG_EN] = {"en", "Sign in to Voronka", "Login or e-mail", "Password", "Sign in",
		     "Wrong login or password.",
		     "Too many failed sign-in attempts. Try again in ", " min.",
		     "The service is unavailable for now. Try again later.", "signed in as", "Sign out"},
};

/* The language the browser prefers among ours: the highest q of ru* and en*, Russian on a tie
 * or when it names neither. */
static enum lang pick_lang(struct http_req *r)
{
	const char *al = http_header(r, MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
	double q_ru = -1, q_en = -1;
	for (const char *p = al; p && *p;) {
		p += strspn(p, " \t,");
		size_t n = strcspn(p, ",");
		size_t tag = strcspn(p, ";, \t");
		if (tag > n)
			tag = n;
		double q = 1;
		const char *qp = memchr(p, ';', n);
		if (qp) {
			const char *v = strstr(qp, "q=");
			if (v && v < p + n) {
				char num[16];
				size_t k = strcspn(v + 2, ",; \t");
				if (k < sizeof num) {
					memcpy(num, v + 2, k);
					num[k] = 0;
					if (parse_double(num, &q) || q < 0 || q > 1)
						q = 0;
				}
			}
		}
		bool ru = tag >= 2 && !strncasecmp(p, "ru", 2) && (tag == 2 || p[2] == '-');
		bool en = tag >= 2 && !strncasecmp(p, "en", 2) && (tag == 2 || p[2] == '-');
		if (ru && q > q_ru)
			q_ru = q;
		if (en && q > q_en)
			q_en = q;
		p += n;
	}
	return q_en > q_ru && q_en > 0 ? LANG_EN : LANG_RU;
}

/* Append s with & < > " ' escaped. */
static int put_escaped(struct buf *b, const char *s)
{
	int bad = 0;
	for (const char *p = s ? s : ""; *p && !bad;) {
		size_t n = strcspn(p, "&<>\"'");
		if (n)
			bad = buf_append(b, p, n);
		p += n;
		if (!*p || bad)
			break;
		switch (*p++) {
		case '&': bad = buf_puts(b, "&amp;"); break;
		case '<': bad = buf_puts(b, "&lt;"); break;
		case '>': bad = buf_puts(b, "&gt;"); break;
		case '"': bad = buf_puts(b, "&quot;"); break;
		default: bad = buf_puts(b, "&#39;"); break;
		}
	}
	return bad;
}

static const char page_style[] =
	"<style>"
	"*{box-sizing:border-box}"
	"body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;"
	"font:16px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#eef2f6;color:#1c2733}"
	"main{width:100%;max-width:360px;margin:16px;padding:32px;background:#fff;border-radius:12px;"
	"box-shadow:0 4px 24px rgba(28,39,51,.12)}"
	"h1{margin:0 0 24px;font-size:22px;font-weight:600}"
	"label{display:block;margin:0 0 16px;font-size:14px;color:#525c69}"
	"input{display:block;width:100%;margin-top:6px;padding:10px 12px;font:inherit;color:inherit;"
	"border:1px solid #c6cdd3;border-radius:8px}"
	"input:focus{outline:2px solid #0b66c3;border-color:transparent}"
	"button{width:100%;padding:11px;font:inherit;font-weight:600;color:#fff;background:#0b66c3;border:0;"
	"border-radius:8px;cursor:pointer}"
	"button:hover{background:#0a58a8}"
	".err{margin:0 0 16px;padding:10px 12px;border-radius:8px;background:#ffe8e8;color:#a50d0d;font-size:14px}"
	"</style>";

static enum MHD_Result send_page(struct http_req *r, int status, struct buf *b, const char *retry_after)
{
	struct http_resp resp = {.status = status, .content_type = "text/html; charset=utf-8", .body = b->data,
				 .len = b->len, .compress = true};
	resp.headers[resp.n_headers][0] = "Content-Security-Policy";
	resp.headers[resp.n_headers++][1] = PAGE_CSP;
	resp.headers[resp.n_headers][0] = "X-Frame-Options";
	resp.headers[resp.n_headers++][1] = "DENY";
	resp.headers[resp.n_headers][0] = "Referrer-Policy";
	resp.headers[resp.n_headers++][1] = "same-origin";
	if (retry_after) {
		resp.headers[resp.n_headers][0] = MHD_HTTP_HEADER_RETRY_AFTER;
		resp.headers[resp.n_headers++][1] = retry_after;
	}
	enum MHD_Result ret = http_send(r, &resp);
	buf_release(b);
	return ret;
}

/* The sign-in page, with an error message (already localised, plain text) or none. */
static enum MHD_Result login_page(struct http_req *r, int status, const char *message, const char *login,
				  const char *next, const char *retry_after)
{
	const struct texts *t = &texts[pick_lang(r)];
	struct buf b;
	buf_init(&b, PAGE_MAX);
	int bad = buf_printf(&b, PAGE_HEAD "<meta name=\"referrer\" content=\"same-origin\"><title>",
			     t->html_lang);
	bad |= put_escaped(&b, t->title);
	bad |= buf_puts(&b, "</title>");
	bad |= buf_puts(&b, page_style);
	bad |= buf_puts(&b, "</head><body><main><h1>");
	bad |= put_escaped(&b, t->title);
	bad |= buf_puts(&b, "</h1>");
	if (message) {
		bad |= buf_puts(&b, "<p class=\"err\" role=\"alert\">");
		bad |= put_escaped(&b, message);
		bad |= buf_puts(&b, "</p>");
	}
	bad |= buf_puts(&b, "<form method=\"post\" action=\"/login\"><label>");
	bad |= put_escaped(&b, t->login);
	bad |= buf_puts(&b, "<input name=\"login\" type=\"text\" autocomplete=\"username\" autocapitalize=\"none\" "
			    "spellcheck=\"false\" maxlength=\"254\" required");
	bad |= buf_puts(&b, login && *login ? " value=\"" : " autofocus");
	if (login && *login) {
		bad |= put_escaped(&b, login);
		bad |= buf_puts(&b, "\"");
	}
	bad |= buf_puts(&b, "></label><label>");
	bad |= put_escaped(&b, t->password);
	bad |= buf_printf(&b, "<input name=\"password\" type=\"password\" autocomplete=\"current-password\" "
			      "required%s></label>",
			  login && *login ? " autofocus" : "");
	bad |= buf_puts(&b, "<input type=\"hidden\" name=\"next\" value=\"");
	bad |= put_escaped(&b, next);
	bad |= buf_puts(&b, "\"><button type=\"submit\">");
	bad |= put_escaped(&b, t->submit);
	bad |= buf_puts(&b, "</button></form></main></body></html>\n");
	if (bad) {
		buf_release(&b);
		return http_send_error(r, ERR_INTERNAL, "The page is too large");
	}
	return send_page(r, status, &b, retry_after);
}

/* `next` is followed only when it is a path on this server: "/x", never "//host" or "/\host"
 * (which browsers read as another host), never a scheme, nothing that is not printable ASCII. */
static const char *local_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > NEXT_MAX)
		return "/";
	for (const char *p = next; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '\\')
			return "/";
	return next;
}

static void decref_cb(void *p)
{
	json_decref(p);
}

/* A form or query string as a jansson object (released with the request), or NULL if malformed. */
static json_t *form_params(struct http_req *r, const char *s, size_t n)
{
	char err[PARAMS_ERRLEN];
	json_t *p = json_object();
	if (!p)
		abort();
	if (arena_defer(r->arena, decref_cb, p)) /* over the ceiling: already released */
		return NULL;
	if (n && params_parse_urlencoded(p, s, n, err)) {
		log_info("http: %s %s: %s", r->method, r->path, err);
		return NULL;
	}
	return p;
}

static const char *form_str(json_t *form, const char *key)
{
	return form ? json_string_value(json_object_get(form, key)) : NULL;
}

/* A cross-site form post announces another origin: refuse it. No Origin (older browsers,
 * curl, tests) is let through; the session cookie is SameSite=Lax and logout also needs the
 * CSRF token. */
static bool cross_origin(struct http_req *r)
{
	const char *origin = http_header(r, "Origin");
	const char *host = http_header(r, MHD_HTTP_HEADER_HOST);
	if (!origin || !strcmp(origin, "null"))
		return origin != NULL;
	const char *p = strstr(origin, "://");
	if (!p || !host)
		return true;
	return strcasecmp(p + 3, host) != 0;
}

static bool cookie_secure(struct http_req *r)
{
	return r->srv->tls || r->srv->cfg.session_secure;
}

/* The caller's session from the cookie: 0 and *auth filled, AUTH_DENIED, or a store code. */
static int current_session(struct http_req *r, struct store *st, struct rest_auth *auth, char *csrf)
{
	const char *cookie = http_cookie(r, AUTH_COOKIE);
	if (!cookie)
		return AUTH_DENIED;
	return auth_session_check(st, cookie, auth, csrf);
}

enum MHD_Result http_login_page(struct http_req *r)
{
	const char *q = http_query(r);
	json_t *form = form_params(r, q, strlen(q));
	return login_page(r, 200, NULL, NULL, local_next(form_str(form, "next")), NULL);
}

enum MHD_Result http_login_post(struct http_req *r)
{
	const struct texts *t = &texts[pick_lang(r)];
	if (cross_origin(r))
		return http_send_error(r, ERR_CSRF, "Cross-origin sign-in refused");
	json_t *form = form_params(r, r->body.data ? r->body.data : "", r->body.len);
	const char *login = form_str(form, "login");
	const char *password = form_str(form, "password");
	const char *next = local_next(form_str(form, "next"));
	struct store *st = server_store(r->srv);
	if (!st)
		return login_page(r, 503, t->unavailable, login, next, NULL);

	int64_t uid, retry;
	int rc = auth_login(st, login, password, http_client_ip(r), &uid, &retry);
	if (rc == AUTH_THROTTLED) {
		int64_t minutes = (retry + 59) / 60;
		char *msg = arena_printf(r->arena, "%s%lld%s", t->throttled, (long long)(minutes > 0 ? minutes : 1), t->min);
		char *ra = arena_printf(r->arena, "%lld", (long long)retry);
		return login_page(r, 429, msg ? msg : t->wrong, login, next, ra);
	}
	if (rc == AUTH_DENIED) {
		log_info("http: sign-in refused from %s", http_client_ip(r));
		return login_page(r, 401, t->wrong, login, next, NULL);
	}
	if (rc) {
		log_error("http: sign-in: database error %d: %s", rc, store_errmsg(st));
		return login_page(r, 503, t->unavailable, login, next, NULL);
	}

	char token[AUTH_TOKEN_HEX + 1], csrf[AUTH_TOKEN_HEX + 1];
	rc = auth_session_create(st, uid, token, csrf);
	if (rc) {
		log_error("http: sign-in: cannot create a session: %s", store_errmsg(st));
		return login_page(r, 503, t->unavailable, login, next, NULL);
	}
	char *cookie = arena_printf(r->arena, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s", AUTH_COOKIE, token,
				    AUTH_SESSION_TTL, cookie_secure(r) ? "; Secure" : "");
	sodium_memzero(token, sizeof token);
	if (!cookie)
		return http_send_error(r, ERR_INTERNAL, "Out of memory");
	r->user_id = uid;
	log_info("http: user %lld signed in from %s", (long long)uid, http_client_ip(r));
	return http_redirect(r, next, cookie);
}

enum MHD_Result http_logout(struct http_req *r)
{
	struct store *st = server_store(r->srv);
	if (!st)
		return http_send_error(r, ERR_INTERNAL, "The database is unavailable");
	struct rest_auth auth;
	char csrf[AUTH_TOKEN_HEX + 1];
	int rc = current_session(r, st, &auth, csrf);
	if (rc && rc != AUTH_DENIED)
		return http_send_error(r, ERR_INTERNAL, "The database is unavailable");
	if (rc == 0) {
		const char *sent = http_header(r, "X-CSRF-Token");
		if (!sent) {
			json_t *form = form_params(r, r->body.data ? r->body.data : "", r->body.len);
			sent = form_str(form, "csrf");
		}
		if (!sent || auth_csrf_check(csrf, sent))
			return http_send_error(r, ERR_CSRF, "Invalid CSRF token");
		rc = auth_session_destroy(st, http_cookie(r, AUTH_COOKIE));
		if (rc && rc != AUTH_DENIED)
			return http_send_error(r, ERR_INTERNAL, "The database is unavailable");
		r->user_id = auth.user_id;
	}
	/* Signed out (or never signed in): forget the cookie either way. */
	char *cookie = arena_printf(r->arena, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s", AUTH_COOKIE,
				    cookie_secure(r) ? "; Secure" : "");
	return http_redirect(r, "/login", cookie);
}

/* The SPA's page, built by Vite into web_root/dist (scripts/demo.sh and scripts/test.sh build it):
 * scripts and styles from our own origin only, API calls and the events stream to ourselves. */
#define SPA_CSP                                                                                                        \
	"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "      \
	"connect-src 'self'; font-src 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'none'; "       \
	"base-uri 'none'"
#define SPA_INDEX "/dist/index.html"
#define SPA_MAX (256u << 10) /* the built page is under a kilobyte: it only names its bundles */

/* The built index.html into the arena, NUL-terminated; NULL when it is missing (the UI is not
 * built) or unreadable. */
static char *spa_read(struct http_req *r, size_t *len)
{
	char *path = arena_printf(r->arena, "%s%s", r->srv->cfg.web_root, SPA_INDEX);
	FILE *f = path ? fopen(path, "rb") : NULL;
	if (!f)
		return NULL;
	char *data = arena_alloc(r->arena, SPA_MAX + 1);
	size_t n = data ? fread(data, 1, SPA_MAX + 1, f) : 0;
	bool bad = ferror(f) || n > SPA_MAX;
	fclose(f);
	if (!data || bad || n == 0)
		return NULL;
	data[n] = 0;
	*len = n;
	return data;
}

/* "Voronka — signed in as NAME" and the sign-out form: the whole page when the UI is not built,
 * the <noscript> part of the UI's page otherwise. */
static int put_who(struct buf *b, const struct texts *t, const char *name, const char *csrf)
{
	int bad = buf_puts(b, "<main><h1>Voronka</h1><p>Voronka — ");
	bad |= put_escaped(b, t->signed_in_as);
	bad |= buf_puts(b, " <strong>");
	bad |= put_escaped(b, name ? name : "");
	bad |= buf_printf(b, "</strong></p><form method=\"post\" action=\"/logout\">"
			     "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button type=\"submit\">",
			 csrf /* hex: nothing to escape */);
	bad |= put_escaped(b, t->logout);
	bad |= buf_puts(b, "</button></form></main>");
	return bad;
}

static enum MHD_Result spa_send(struct http_req *r, struct buf *b)
{
	struct http_resp resp = {.status = 200, .content_type = "text/html; charset=utf-8", .body = b->data,
				 .len = b->len, .compress = true};
	resp.headers[resp.n_headers][0] = "Content-Security-Policy";
	resp.headers[resp.n_headers++][1] = SPA_CSP;
	resp.headers[resp.n_headers][0] = "X-Frame-Options";
	resp.headers[resp.n_headers++][1] = "DENY";
	resp.headers[resp.n_headers][0] = "Referrer-Policy";
	resp.headers[resp.n_headers++][1] = "same-origin";
	enum MHD_Result ret = http_send(r, &resp);
	buf_release(b);
	return ret;
}

/* The SPA's page with what it needs before its first request, right after <head>: the CSRF token
 * (hex), the user's id and admin flag (a number, Y/N) and the language the browser prefers (the
 * UI's own saved choice wins); then, right after <body>, the no-script fallback. Only the user's
 * name comes from a user, and put_who escapes it. */
static enum MHD_Result spa_page(struct http_req *r, const char *html, size_t len, const char *csrf,
				int64_t user_id, bool is_admin, const char *name)
{
	const struct texts *t = &texts[pick_lang(r)];
	const char *head = strstr(html, "<head>");
	size_t at_head = head ? (size_t)(head - html) + strlen("<head>") : 0;
	const char *body = strstr(html + at_head, "<body>");
	size_t at_body = body ? (size_t)(body - html) + strlen("<body>") : len;
	struct buf b;
	buf_init(&b, SPA_MAX + PAGE_MAX);
	int bad = buf_append(&b, html, at_head);
	bad |= buf_printf(&b, "<meta name=\"csrf-token\" content=\"%s\"><meta name=\"voronka-user\" content=\"%lld\">"
			      "<meta name=\"voronka-admin\" content=\"%s\"><meta name=\"voronka-lang\" content=\"%s\">",
			  csrf, (long long)user_id, is_admin ? "Y" : "N", t->html_lang);
	bad |= buf_append(&b, html + at_head, at_body - at_head);
	bad |= buf_puts(&b, "<noscript>");
	bad |= put_who(&b, t, name, csrf);
	bad |= buf_puts(&b, "</noscript>");
	bad |= buf_append(&b, html + at_body, len - at_body);
	if (bad) {
		buf_release(&b);
		return http_send_error(r, ERR_INTERNAL, "The page is too large");
	}
	return spa_send(r, &b);
}

/* The page when web_root/dist has no UI: who is signed in, and the sign-out button. */
static enum MHD_Result plain_index(struct http_req *r, const char *csrf, const char *name)
{
	const struct texts *t = &texts[pick_lang(r)];
	struct buf b;
	buf_init(&b, PAGE_MAX);
	int bad = buf_printf(&b, PAGE_HEAD "<meta name=\"csrf-token\" content=\"%s\"><title>Voronka</title>",
			     t->html_lang, csrf /* hex: nothing to escape */);
	bad |= buf_puts(&b, page_style);
	bad |= buf_puts(&b, "</head><body>");
	bad |= put_who(&b, t, name, csrf);
	bad |= buf_puts(&b, "</body></html>\n");
	if (bad) {
		buf_release(&b);
		return http_send_error(r, ERR_INTERNAL, "The page is too large");
	}
	return send_page(r, 200, &b, NULL);
}

/* "/": the web UI for a signed-in user, the sign-in page for anyone else. */
enum MHD_Result http_index(struct http_req *r)
{
	struct store *st = server_store(r->srv);
	if (!st)
		return http_send_error(r, ERR_INTERNAL, "The database is unavailable");
	struct rest_auth auth;
	char csrf[AUTH_TOKEN_HEX + 1];
	int rc = current_session(r, st, &auth, csrf);
	if (rc == AUTH_DENIED)
		return http_redirect(r, "/login", NULL);
	if (rc)
		return http_send_error(r, ERR_INTERNAL, "The database is unavailable");
	r->user_id = auth.user_id;

	struct q_user_brief u;
	rc = q_user_brief(st, auth.user_id, &u);
	if (rc)
		return http_send_error(r, ERR_INTERNAL, "The database is unavailable");
	const char *name = u.email;
	if (u.name[0] || u.last_name[0])
		name = arena_printf(r->arena, "%s%s%s", u.name, u.name[0] && u.last_name[0] ? " " : "", u.last_name);
	size_t spa_len;
	const char *spa = spa_read(r, &spa_len);
	if (spa)
		return spa_page(r, spa, spa_len, csrf, auth.user_id, u.is_admin, name);
	return plain_index(r, csrf, name);
}
