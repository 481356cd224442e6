/* params.h — the parameter tree of a REST call. GET query strings, urlencoded and multipart
 * bodies and JSON bodies all become one jansson object, the way PHP's parse_str builds $_REQUEST
 * (which real Bitrix24 relies on): `fields[EMAIL][0][VALUE]=x` becomes
 * {"fields":{"EMAIL":[{"VALUE":"x"}]}}, `a[]=1&a[]=2` appends, and a map whose keys are 0..n-1
 * becomes a list. Values from form encodings are strings; JSON keeps its types.
 *
 * Outside input: every function here checks lengths, nesting and UTF-8 and reports a message in
 * err (a caller-provided buffer of PARAMS_ERRLEN bytes) instead of guessing. Limits follow PHP's
 * max_input_vars and max_input_nesting_level, raised for batches of 50 commands. */
#ifndef VORONKA_PARAMS_H
#define VORONKA_PARAMS_H
#include <jansson.h>
#include <stddef.h>

#define PARAMS_ERRLEN 160
#define PARAMS_MAX_VARS 20000   /* name=value pairs in one encoding */
#define PARAMS_MAX_DEPTH 64     /* brackets in one key */
#define PARAMS_JSON_MAX_DEPTH 512 /* nesting of a JSON body */

/* Parse an application/x-www-form-urlencoded string (or a query string) into root (an object),
 * later values replacing earlier ones as PHP does. Returns 0, or -1 with err set. */
int params_parse_urlencoded(json_t *root, const char *s, size_t n, char *err);
/* Set one decoded PHP-style key to value (stolen) in root. Returns 0, or -1 with err set. */
int params_set(json_t *root, const char *key, size_t klen, json_t *value, char *err);
/* Remembers, during one parse, the next `[]` index of each object it appended to, so that
 * `a[]=…` repeated n times costs O(n) instead of O(n²). Zero-initialise; release after. */
struct params_index {
	json_t **obj;       /* held references */
	long long *next;    /* next index of obj[i] */
	size_t n, cap;
};
void params_index_release(struct params_index *ix);
/* params_set with an index shared across the calls of one parse (ix may be NULL). */
int params_set_ix(struct params_index *ix, json_t *root, const char *key, size_t klen, json_t *value, char *err);
/* Parse a JSON body; it must be an object. Returns a new reference or NULL with err set. */
json_t *params_parse_json(const char *s, size_t n, char *err);
/* Copy every top-level member of src into dst, replacing (the body wins over the query). */
void params_merge(json_t *dst, json_t *src);
/* Turn maps with keys "0".."n-1" into lists, recursively; returns the (possibly new) node. */
json_t *params_listify(json_t *node);
/* Upper-case the top-level names (REST_CI methods); on a clash the upper-case spelling wins. */
void params_upper_keys(json_t *root);
/* Percent-decode in place ('+' is a space when plus_space); returns the new length, or -1. */
long params_url_decode(char *s, size_t n, int plus_space);

#endif
