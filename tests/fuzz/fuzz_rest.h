/* fuzz_rest.h — what the targets that call REST methods share (fuzz_crm.c, fuzz_uf.c): an
 * in-memory database with the current schema and an administrator, a call through rest_dispatch()
 * as that administrator with the checks that make a finding, and the fuzzed bytes as the JSON
 * value rest_http.c would have parsed. Included once per target, so its statics are the target's. */
#ifndef VORONKA_FUZZ_REST_H
#define VORONKA_FUZZ_REST_H
#include "core/arena.h"
#include "core/log.h"
#include "rest/params.h"
#include "rest/rest.h"
#include "store/q_user.h"
#include "store/store.h"
#include <stdint.h>
#include <stdlib.h>

#define REQ_ARENA_CEILING (256u << 20) /* as src/http/server.c gives every request */

static struct store *st;

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

static void close_store(void)
{
	store_close(st);
}

static void decref_cb(void *p)
{
	json_decref(p);
}

/* The database every call of the target runs on; aborts when it cannot be made. */
static void fuzz_open_store(void)
{
	json_object_seed(1);
	log_set_level(LOG_ERROR + 1);
	int version;
	int64_t id;
	if (store_open(&st, ":memory:") || store_migrate(st, &version) ||
	    q_user_insert(st, "admin@example.com", "admin@example.com", NULL, "Ada", "Admin", true, &id))
		abort();
	atexit(close_store);
}

/* Run method with params (stolen) as the administrator; abort on a finding. *id (may be NULL)
 * gets an integer result, else 0. */
static void run_call(const char *method, json_t *params, int64_t *id)
{
	static const struct rest_auth auth = {.kind = AUTH_INTERNAL, .user_id = 1, .is_admin = true};
	struct arena *a = arena_new(REQ_ARENA_CEILING);
	arena_defer(a, decref_cb, params);
	struct rest_call c = {.arena = a, .st = st, .auth = &auth, .total = -1};
	int rc = rest_dispatch(&c, method, params);
	if (rc && !c.err_desc)
		abort(); /* failed without an answer */
	if (rc && c.err == ERR_INTERNAL)
		abort(); /* something the database refused, or a broken invariant */
	if (store_tx_commit(st) == STORE_OK)
		abort(); /* a transaction was left open */
	if (id)
		*id = !rc && json_is_integer(c.result) ? json_integer_value(c.result) : 0;
	json_decref(c.result);
	arena_free(a);
}

/* The fuzzed bytes as a parameter value, maps with keys 0..n-1 made lists as rest_http.c does;
 * NULL when they are not JSON. */
static json_t *fuzz_json(const uint8_t *data, size_t size)
{
	char err[PARAMS_ERRLEN];
	json_t *v = params_parse_json((const char *)data, size, err);
	if (!v)
		return NULL;
	json_t *lv = params_listify(v);
	if (lv != v)
		json_decref(v);
	return lv;
}

#endif
