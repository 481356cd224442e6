/* user_option.c — an application's saved options, as Bitrix24 keeps them:
 *   user.option.set {options: {name: value}} / user.option.get {option?}: the caller's own;
 *   app.option.set (administrators) / app.option.get: the application's, the same for everyone.
 * Values keep the JSON type they were given (a form parameter arrives as a string, a JSON body
 * keeps numbers, booleans, arrays and objects) and come back as they went in. There is no delete
 * in Bitrix24: an option set to "" stays, empty.
 *
 * The application is the caller's: Bitrix24 refuses these methods outside an application
 * (an inbound webhook is not one), and so do we. The web UI signed in with a session is our one
 * application so far (app 0); when OAuth applications come, each gets its own app_id. The UI keeps
 * the list columns and filter presets a manager chose here, so they follow the user to any
 * browser. */
#include "rest/rest.h"
#include "core/arena.h"
#include "store/q_user_option.h"
#include "store/store.h"
#include <string.h>

#define OPTION_NAME_MAX 255
#define OPTION_VALUE_MAX (64 * 1024) /* bytes of JSON text per value */
#define OPTIONS_PER_CALL 100
#define APP_UI 0                     /* the web UI's app_id */

/* The options of a set call: the `options` object, else the call's own parameters (Bitrix24
 * takes {"data": "value"} as well), without the transport's. */
static const char *const transport_params[] = {"auth", "sessid", "access_token"};

static bool is_transport(const char *name)
{
	for (size_t i = 0; i < sizeof transport_params / sizeof *transport_params; i++)
		if (!strcmp(name, transport_params[i]))
			return true;
	return false;
}

/* 0 with *app set, or -1 with the call failed: only an application may keep options. */
static int app_of(struct rest_call *call, int64_t *app)
{
	if (call->auth->kind != AUTH_SESSION && call->auth->kind != AUTH_INTERNAL)
		return rest_fail(call, ERR_ACCESS_DENIED, "Access denied! Application context required");
	if (rest_caller_id(call) <= 0)
		return rest_fail(call, ERR_ACCESS_DENIED, "Access denied! User authorization required");
	*app = APP_UI;
	return 0;
}

static int options_set(struct rest_call *call, int64_t user_id)
{
	int64_t app;
	if (app_of(call, &app))
		return -1;
	json_t *opts = rest_param(call, "options");
	if (!opts)
		opts = call->params;
	if (!json_is_object(opts))
		return rest_fail(call, ERR_ARGUMENT, "Argument 'options' is null or empty");
	size_t n = 0;
	const char *k;
	json_t *v;
	json_object_foreach(opts, k, v) {
		if (opts == call->params && is_transport(k))
			continue;
		if (!*k || strlen(k) > OPTION_NAME_MAX)
			return rest_fail(call, ERR_ARGUMENT, "Option names are 1 to %d characters", OPTION_NAME_MAX);
		n++;
	}
	if (n == 0)
		return rest_fail(call, ERR_ARGUMENT, "Argument 'options' is null or empty");
	if (n > OPTIONS_PER_CALL)
		return rest_fail(call, ERR_ARGUMENT, "At most %d options at once", OPTIONS_PER_CALL);
	const char *now = rest_now_db(call);
	if (rest_tx_begin(call))
		return -1;
	int rc = 0;
	json_object_foreach(opts, k, v) {
		if (opts == call->params && is_transport(k))
			continue;
		/* JSON_ENCODE_ANY: a value may be a bare string, number or null, not only a document. */
		char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		if (!text) {
			rc = rest_fail(call, ERR_INTERNAL, "Out of memory");
			break;
		}
		size_t len = strlen(text);
		int src = len > OPTION_VALUE_MAX ? STORE_TOOBIG : q_user_option_set(call->st, app, user_id, k, text, now);
		free(text);
		if (src == STORE_TOOBIG) {
			rc = rest_fail(call, ERR_ARGUMENT, "The value of '%s' is over %d KiB", k, OPTION_VALUE_MAX / 1024);
			break;
		}
		if (src) {
			rc = rest_fail_store(call, src);
			break;
		}
	}
	if (rest_tx_end(call, rc))
		return -1;
	call->result = json_true();
	return 0;
}

/* Collects options into an object, each value parsed back from its JSON text. */
static int collect(void *ctx, const char *name, const char *value)
{
	json_t *v = json_loads(value, JSON_DECODE_ANY, NULL);
	if (!v)
		return STORE_ERROR; /* only our own json_dumps wrote it */
	return json_object_set_new((json_t *)ctx, name, v) ? STORE_ERROR : STORE_OK;
}

static int options_get(struct rest_call *call, int64_t user_id)
{
	int64_t app;
	if (app_of(call, &app))
		return -1;
	json_t *one = rest_param(call, "option");
	json_t *all = rest_own(call, json_object());
	if (!all)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	if (one && !json_is_null(one)) {
		const char *name = json_string_value(one);
		if (!name)
			return rest_fail(call, ERR_ARGUMENT, "option must be a string");
		int rc = q_user_option_get(call->st, app, user_id, name, collect, all);
		if (rc && rc != STORE_NOTFOUND)
			return rest_fail_store(call, rc);
		json_t *v = json_object_get(all, name);
		call->result = v ? json_incref(v) : json_null(); /* no such option: null, as Bitrix24 */
		return 0;
	}
	int rc = q_user_option_each(call->st, app, user_id, collect, all);
	if (rc)
		return rest_fail_store(call, rc);
	/* PHP writes an empty associative array as []: Bitrix24 answers so when nothing is saved. */
	call->result = json_object_size(all) ? json_incref(all) : json_array();
	return 0;
}

int rest_user_option_set(struct rest_call *call) { return options_set(call, rest_caller_id(call)); }
int rest_user_option_get(struct rest_call *call) { return options_get(call, rest_caller_id(call)); }
int rest_app_option_set(struct rest_call *call) { return options_set(call, 0); }
int rest_app_option_get(struct rest_call *call) { return options_get(call, 0); }
