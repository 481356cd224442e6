/* fuzz_json.c — libFuzzer target for JSON bodies (rest/params.c: params_parse_json), then what
 * rest_http.c and dispatch.c do with the tree: merged over an (empty) query tree, lists made of
 * 0..n-1 maps, top-level names upper-cased. The nesting limit is the production one
 * (PARAMS_JSON_MAX_DEPTH); every tree is released, so LeakSanitizer stays quiet. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[PARAMS_ERRLEN];
	err[0] = 0;
	json_t *body = params_parse_json((const char *)data, size, err);
	if (!body) {
		if (!err[0] || !memchr(err, 0, sizeof err))
			abort(); /* failed without saying why */
		return 0;
	}
	if (!json_is_object(body))
		abort(); /* the contract: an object or NULL */
	json_t *params = json_object();
	params_merge(params, body);
	json_decref(body);
	json_t *lp = params_listify(params);
	if (lp != params)
		json_decref(params);
	params = lp;
	params_upper_keys(params);
	char *text = json_dumps(params, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text)
		abort();
	free(text);
	json_decref(params);
	return 0;
}
