/* fuzz_form.c — libFuzzer target for the PHP-style form parser (rest/params.c) on arbitrary bytes.
 * It runs what rest_http.c runs on a request: the query string and the urlencoded body parsed into
 * two trees, the body merged over the query, maps with keys 0..n-1 turned into lists, and the
 * top-level names upper-cased (REST_CI methods). The input is split at its first '\n' (query before
 * it, body after it; no '\n': the whole input is the body). The limits are the production ones
 * (PARAMS_MAX_VARS, PARAMS_MAX_DEPTH are compile-time constants of params.h); every tree is
 * released, so LeakSanitizer stays quiet. */
#include "rest/params.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	return 0;
}

/* One parse as collect_params() does it; a failure must leave err a terminated message. */
static json_t *parse(const char *s, size_t n)
{
	char err[PARAMS_ERRLEN];
	json_t *root = json_object();
	err[0] = 0;
	if (params_parse_urlencoded(root, s, n, err)) {
		if (!err[0] || !memchr(err, 0, sizeof err))
			abort(); /* failed without saying why */
		json_decref(root);
		return NULL;
	}
	return root;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	json_t *query = nl ? parse(s, (size_t)(nl - s)) : json_object();
	json_t *body = nl ? parse(nl + 1, size - (size_t)(nl - s) - 1) : parse(s, size);
	if (query && body) {
		params_merge(query, body);
		json_t *lp = params_listify(query);
		if (lp != query)
			json_decref(query);
		query = lp;
		params_upper_keys(query); /* as dispatch does; a no-op when the root became a list */
		/* The tree must serialise: every key and string is valid UTF-8. */
		char *text = json_dumps(query, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!text)
			abort();
		free(text);
	}
	json_decref(query);
	json_decref(body);

	/* The decoder on its own: never longer than its input, always terminated. */
	if (size < 4096) {
		char *copy = malloc(size + 1);
		if (!copy)
			abort();
		memcpy(copy, data, size);
		copy[size] = 0;
		long n = params_url_decode(copy, size, 1);
		if (n > (long)size || (n >= 0 && copy[n] != 0))
			abort();
		free(copy);
	}
	return 0;
}
