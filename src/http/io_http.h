/* io_http.h — the HTTP endpoints of CRM import/export and live events (P9, P10) that are not
 * REST calls: GET /crm/export/… (a file download) and GET /events (a text/event-stream). Both
 * authenticate as REST does — a webhook in the path or the session cookie — but need no CSRF
 * token: they change nothing, and a cross-site page cannot read what they answer. */
#ifndef VORONKA_IO_HTTP_H
#define VORONKA_IO_HTTP_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "http/http.h"
#include "rest/rest.h"

/* Who is calling: the webhook hook_user/hook_secret when hook_secret is set, else the session
 * cookie. 0 and *auth filled (scopes copied into scopes, n bytes); otherwise the error answer
 * has been queued and the MHD result to return is in *ret. */
int http_io_auth(struct http_req *r, int64_t hook_user, const char *hook_secret, struct rest_auth *auth, char *scopes,
		 size_t n, enum MHD_Result *ret);
/* http_send_error without the path (and so the webhook secret) in the log line. */
enum MHD_Result http_io_error(struct http_req *r, int e, const char *desc);
/* Does the webhook's scope list (auth->scopes, "" = all) name `scope`? */
bool http_io_scope_ok(const struct rest_auth *auth, const char *scope);
/* Split what follows a route's prefix into [{user}/{secret}/]rest: 0 and the parts (arena
 * copies; *secret NULL without a webhook), -1 when malformed. */
int http_io_split(struct http_req *r, const char *tail, int64_t *user, char **secret, char **rest);

/* MHD's own error messages (MHD_OPTION_EXTERNAL_LOGGER) into our log, with the webhook secret
 * of any URL in them masked: MHD names the URL when a client leaves mid-answer, which is how
 * every events stream ends. */
void http_io_mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* GET /crm/export/[{user}/{secret}/]{lead|deal|contact|company}.{csv|xlsx}?filter…&order…&select…
 * (io_http.c) */
enum MHD_Result http_crm_export(struct http_req *r);
/* GET /events, /events/{user}/{secret} (events.c) */
enum MHD_Result http_events(struct http_req *r);
/* End every open stream and stop the poller; called by server_stop before the daemon stops
 * (MHD must not be stopped with suspended connections). */
void http_events_stop(void);

/* Replace every webhook secret in s (a log line or a path: /rest/{user}/{secret}/…, and the same
 * form under /rest/api/, /events/, /crm/export/) by ***, in place. The one masker of logs. */
void http_mask_secrets(char *s);

#endif
