/* batch.c — `batch`: up to 50 commands "method?query" run in order under the caller's auth, with
 * `halt` and `$result[cmd][field]…` references to earlier results, answered in Bitrix24's
 * result / result_error / result_total / result_next / result_time maps. */
#include "rest/rest.h"
#include "rest/params.h"
#include "core/arena.h"
#include "core/util.h"
#include <stdio.h>
#include <string.h>

struct batch {
	json_t *result, *result_error, *result_total, *result_next, *result_time;
};

/* Look up $result[a][b]… (already split into the path after "$result") in the results so far. */
static json_t *ref_lookup(struct batch *b, const char *map, const char *p, const char **end)
{
	json_t *node = !strcmp(map, "result")		? b->result
		       : !strcmp(map, "result_total") ? b->result_total
		       : !strcmp(map, "result_next")  ? b->result_next
						      : b->result_error;
	while (*p == '[') {
		const char *c = strchr(p, ']');
		if (!c)
			break;
		char key[256];
		size_t n = (size_t)(c - p - 1);
		if (n >= sizeof key)
			return NULL;
		memcpy(key, p + 1, n);
		key[n] = 0;
		int64_t i;
		if (json_is_array(node) && parse_i64(key, &i) == 0)
			node = json_array_get(node, (size_t)i);
		else if (json_is_object(node))
			node = json_object_get(node, key);
		else
			node = NULL;
		p = c + 1;
	}
	*end = p;
	return node;
}

/* Substitute references inside one string value; returns a new value or NULL to keep it. */
static json_t *substitute(struct rest_call *call, struct batch *b, const char *s)
{
	static const char *const maps[] = {"result_total", "result_next", "result_error", "result"};
	if (!strstr(s, "$result"))
		return NULL;
	char *out = arena_strdup(call->arena, "");
	const char *p = s;
	while (*p) {
		const char *d = strstr(p, "$result");
		if (!d) {
			out = arena_printf(call->arena, "%s%s", out, p);
			break;
		}
		const char *map = NULL;
		for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
			if (!strncmp(d + 1, maps[i], strlen(maps[i])) && d[1 + strlen(maps[i])] == '[') {
				map = maps[i];
				break;
			}
		if (!map) {
			out = arena_printf(call->arena, "%s%.*s", out, (int)(d - p + 7), p);
			p = d + 7;
			continue;
		}
		const char *end;
		json_t *v = ref_lookup(b, map, d + 1 + strlen(map), &end);
		/* A value that is one whole reference to a list or map takes that value itself. */
		if (d == s && !*end && (json_is_array(v) || json_is_object(v)))
			return json_deep_copy(v);
		const char *text = v ? rest_json_text(call, v) : NULL;
		out = arena_printf(call->arena, "%s%.*s%s", out, (int)(d - p), p, text ? text : "");
		p = end;
	}
	return json_string(out);
}

static void substitute_tree(struct rest_call *call, struct batch *b, json_t *node)
{
	if (json_is_object(node)) {
		const char *k;
		json_t *v;
		json_object_foreach(node, k, v)
		{
			if (json_is_string(v)) {
				json_t *nv = substitute(call, b, json_string_value(v));
				if (nv)
					json_object_set_new(node, k, nv);
			} else {
				substitute_tree(call, b, v);
			}
		}
	} else if (json_is_array(node)) {
		size_t i;
		json_t *v;
		json_array_foreach(node, i, v)
		{
			if (json_is_string(v)) {
				json_t *nv = substitute(call, b, json_string_value(v));
				if (nv)
					json_array_set_new(node, i, nv);
			} else {
				substitute_tree(call, b, v);
			}
		}
	}
}

/* PHP serialises an empty array as []: do the same for the empty maps. */
static json_t *php_map(json_t *m)
{
	if (json_object_size(m) == 0) {
		json_decref(m);
		return json_array();
	}
	return m;
}

static int run_one(struct rest_call *call, struct batch *b, const char *key, const char *cmd)
{
	struct rest_call sub = {.arena = call->arena, .st = call->st, .srv = call->srv, .auth = call->auth,
				.in_batch = true};
	const char *q = strchr(cmd, '?');
	char *name = q ? arena_strndup(call->arena, cmd, (size_t)(q - cmd)) : arena_strdup(call->arena, cmd);
	json_t *params = rest_own(call, json_object());
	char err[PARAMS_ERRLEN];
	int rc;
	if (q && params_parse_urlencoded(params, q + 1, strlen(q + 1), err)) {
		sub.t_start = now_wall();
		rc = rest_fail(&sub, ERR_ARGUMENT, "%s", err);
	} else {
		json_t *lp = params_listify(params);
		if (lp != params)
			params = rest_own(call, lp);
		substitute_tree(call, b, params);
		rc = rest_dispatch(&sub, name, params);
	}
	double fin = now_wall();
	if (rc) {
		json_object_set_new(b->result_error, key, rest_error_envelope(sub.err, sub.err_desc));
	} else {
		json_object_set_new(b->result, key, sub.result ? sub.result : json_null());
		sub.result = NULL;
		if (sub.method && (sub.method->flags & REST_LIST) && sub.total >= 0) {
			json_object_set_new(b->result_total, key, json_integer(sub.total));
			if (sub.start >= 0 && sub.start + REST_PAGE < sub.total)
				json_object_set_new(b->result_next, key, json_integer(sub.start + REST_PAGE));
		}
	}
	json_object_set_new(b->result_time, key, rest_time_object(sub.t_start, fin, sub.t_processing, false));
	return rc;
}

int rest_batch(struct rest_call *call)
{
	json_t *cmd = rest_param(call, "cmd");
	if (!cmd)
		cmd = rest_param(call, "CMD");
	if (!json_is_object(cmd) && !json_is_array(cmd))
		return rest_fail(call, ERR_ARGUMENT, "Parameter 'cmd' must be an array of commands");
	size_t n = json_is_object(cmd) ? json_object_size(cmd) : json_array_size(cmd);
	if (n > REST_MAX_BATCH)
		return rest_fail(call, ERR_BATCH_LENGTH, "Max batch length exceeded: %d commands at most", REST_MAX_BATCH);
	json_t *hv = rest_param(call, "halt");
	if (!hv)
		hv = rest_param(call, "HALT");
	bool halt = hv && rest_json_bool(hv) == 1;

	struct batch b = {json_object(), json_object(), json_object(), json_object(), json_object()};
	if (json_is_object(cmd)) {
		const char *k;
		json_t *v;
		json_object_foreach(cmd, k, v)
		{
			const char *c = json_is_string(v) ? json_string_value(v) : "";
			if (run_one(call, &b, k, c) && halt)
				break;
		}
	} else {
		size_t i;
		json_t *v;
		json_array_foreach(cmd, i, v)
		{
			char k[24];
			snprintf(k, sizeof k, "%zu", i);
			const char *c = json_is_string(v) ? json_string_value(v) : "";
			if (run_one(call, &b, k, c) && halt)
				break;
		}
	}
	if (json_is_array(cmd)) { /* an array of commands gets arrays of results, as PHP gives */
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++) {
			char k[24];
			snprintf(k, sizeof k, "%zu", i);
			json_t *v = json_object_get(b.result, k);
			if (v)
				json_array_append(arr, v);
		}
		if (json_array_size(arr) == json_object_size(b.result)) {
			json_decref(b.result);
			b.result = arr;
		} else {
			json_decref(arr);
		}
	}
	call->result = json_pack("{s:o,s:o,s:o,s:o,s:o}", "result", json_is_object(b.result) ? php_map(b.result) : b.result,
				 "result_error", php_map(b.result_error), "result_total", php_map(b.result_total),
				 "result_next", php_map(b.result_next), "result_time", php_map(b.result_time));
	return 0;
}
