/* fuzz_filter.c — libFuzzer target for the filter engine (rest/filter.c over store/query.c): the
 * input is a user.get call's parameters — a JSON body when it starts with '{', else a query
 * string — parsed as rest_http.c does (listified, names upper-cased as dispatch does for REST_CI
 * methods), then `FILTER`, the top-level filter keys of older clients, `ORDER`, `SELECT` and
 * `START` go through the parsers into a struct query against the users descriptor, and the page
 * runs for real on an in-memory database with the current schema and one user. The SQL the
 * builder makes must always be SQL SQLite accepts: an ERR_INTERNAL answer is a finding.
 * Limits are the production ones: the per-request arena ceiling of server.c, the params and query
 * limits (compile-time constants). Everything is freed per input; LeakSanitizer stays quiet. */
#include "core/arena.h"
#include "core/log.h"
#include "core/util.h"
#include "rest/filter.h"
#include "rest/params.h"
#include "rest/rest.h"
#include "store/q_user.h"
#include "store/store.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REQ_ARENA_CEILING (256u << 20) /* as src/http/server.c gives every request */

static struct store *st;

static void close_store(void)
{
	store_close(st);
}

/* Undefined behaviour is a finding: without this UBSan prints and carries on, and libFuzzer
 * (and tests/run.sh) would count the run as passed. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	json_object_seed(1); /* a fixed hash seed: a crash found once reproduces */
	log_set_level(LOG_ERROR + 1); /* the refused inputs are expected; keep the output readable */
	int version;
	int64_t id;
	if (store_open(&st, ":memory:") || store_migrate(st, &version) ||
	    q_user_insert(st, "admin@example.com", "admin@example.com", NULL, "Ada", "Admin", true, &id))
		abort();
	atexit(close_store);
	return 0;
}

static void decref_cb(void *p)
{
	json_decref(p);
}

static json_t *parse_params(const uint8_t *data, size_t size)
{
	char err[PARAMS_ERRLEN];
	json_t *params;
	if (size && data[0] == '{') {
		params = params_parse_json((const char *)data, size, err);
		if (!params)
			return NULL;
	} else {
		params = json_object();
		if (params_parse_urlencoded(params, (const char *)data, size, err)) {
			json_decref(params);
			return NULL;
		}
	}
	json_t *lp = params_listify(params);
	if (lp != params)
		json_decref(params);
	params = lp;
	if (!json_is_object(params)) { /* "0=x": a list at the top; user.get reads nothing from it */
		json_decref(params);
		return NULL;
	}
	params_upper_keys(params);
	return params;
}

/* What user.get (rest/user.c, user_query) reads, with the engine's public functions. */
static bool reserved(const char *k)
{
	static const char *const names[] = {"FILTER", "SORT", "ORDER", "ADMIN_MODE", "START", "SELECT"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(k, names[i]))
			return true;
	return false;
}

static int run_query(struct rest_call *call, json_t *params)
{
	struct query q;
	query_init(&q, call->arena, &q_user_entity);
	json_t *filter = json_object_get(params, "FILTER");
	if (json_is_object(filter) && rest_filter_parse(call, &q, filter))
		return -1;
	const char *k;
	json_t *v;
	json_object_foreach(params, k, v)
	{
		if (!reserved(k) && rest_filter_key(call, &q, k, v, false) < 0)
			return -1;
	}
	if (rest_order_parse(call, &q, json_object_get(params, "ORDER")))
		return -1;
	if (rest_select_parse(call, &q, json_object_get(params, "SELECT")))
		return -1;
	int64_t start = 0;
	const char *sv = json_object_get(params, "START") ? rest_json_text(call, json_object_get(params, "START")) : NULL;
	if (!sv || parse_i64(sv, &start) != 0 || start < -1) /* as dispatch.c reads it */
		start = 0;
	call->start = start;
	return rest_list_run(call, &q, NULL, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *params = parse_params(data, size);
	if (!params)
		return 0;
	struct arena *a = arena_new(REQ_ARENA_CEILING);
	arena_defer(a, decref_cb, params);
	struct rest_auth auth = {.kind = AUTH_INTERNAL, .user_id = 1, .is_admin = true};
	struct rest_call call = {.arena = a, .st = st, .auth = &auth, .params = params, .total = -1};
	int rc = run_query(&call, params);
	if (rc) {
		if (!call.err_desc)
			abort(); /* failed without an answer */
		if (call.err == ERR_INTERNAL)
			abort(); /* the builder made SQL the database refused */
	} else {
		if (!json_is_array(call.result) || json_array_size(call.result) > REST_PAGE)
			abort();
	}
	json_decref(call.result);
	arena_free(a);
	return 0;
}
