/* params.c — PHP-style parameter parsing (parse_str), JSON bodies, merging, key case. */
#include "rest/params.h"
#include "core/util.h"
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, const char *msg)
{
	snprintf(err, PARAMS_ERRLEN, "%s", msg);
	return -1;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

long params_url_decode(char *s, size_t n, int plus_space)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int h, l;
			if (i + 2 >= n)
				return -1;
			h = hexval((unsigned char)s[i + 1]);
			l = hexval((unsigned char)s[i + 2]);
			if (h < 0 || l < 0)
				return -1;
			s[o++] = (char)(h * 16 + l);
			i += 2;
		} else if (s[i] == '+' && plus_space) {
			s[o++] = ' ';
		} else {
			s[o++] = s[i];
		}
	}
	s[o] = 0;
	return (long)o;
}

/* The next index for `a[]`: one past the largest integer key, as PHP does. NULL when the largest
 * is already INT64_MAX (PHP refuses the element: "the next element is already occupied"). */
static char *next_index(json_t *obj, char *tmp, size_t n)
{
	long long max = -1;
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
	{
		int64_t i;
		if (parse_i64(k, &i) == 0 && i > max)
			max = i;
	}
	if (max == INT64_MAX)
		return NULL;
	snprintf(tmp, n, "%lld", max + 1);
	return tmp;
}

void params_index_release(struct params_index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		json_decref(ix->obj[i]);
	free(ix->obj);
	free(ix->next);
	memset(ix, 0, sizeof *ix);
}

/* The slot of obj in the index (most recent first: `a[]=…&a[]=…` hits at once); -1 if absent. */
static long ix_find(struct params_index *ix, json_t *obj)
{
	for (size_t i = ix->n; i-- > 0;)
		if (ix->obj[i] == obj)
			return (long)i;
	return -1;
}

/* After obj[key] was set: keep the remembered next index past an explicit integer key. */
static void ix_note(struct params_index *ix, json_t *obj, const char *key)
{
	int64_t i;
	long slot;
	if (!ix || parse_i64(key, &i) != 0 || (slot = ix_find(ix, obj)) < 0)
		return;
	if (i != INT64_MAX && i + 1 > ix->next[slot])
		ix->next[slot] = i + 1;
	else if (i == INT64_MAX)
		ix->next[slot] = INT64_MAX;
}

/* The next `[]` index of obj: remembered per parse so that n appends cost n, not n² (each full
 * scan of the keys is done once per object). NULL when none is left. */
static char *ix_next(struct params_index *ix, json_t *obj, char *tmp, size_t n)
{
	long slot = ix ? ix_find(ix, obj) : -1;
	if (slot < 0) {
		if (!next_index(obj, tmp, n))
			return NULL;
		if (!ix)
			return tmp;
		if (ix->n == ix->cap) {
			ix->cap = ix->cap ? ix->cap * 2 : 16;
			ix->obj = realloc(ix->obj, ix->cap * sizeof *ix->obj);
			ix->next = realloc(ix->next, ix->cap * sizeof *ix->next);
			if (!ix->obj || !ix->next)
				abort();
		}
		int64_t v;
		parse_i64(tmp, &v);
		ix->obj[ix->n] = json_incref(obj); /* held, so its address cannot be reused */
		ix->next[ix->n] = v;
		slot = (long)ix->n++;
	}
	if (ix->next[slot] == INT64_MAX)
		return NULL;
	snprintf(tmp, n, "%lld", (long long)ix->next[slot]);
	ix->next[slot]++;
	return tmp;
}

int params_set(json_t *root, const char *key, size_t klen, json_t *value, char *err)
{
	return params_set_ix(NULL, root, key, klen, value, err);
}

int params_set_ix(struct params_index *ix, json_t *root, const char *key, size_t klen, json_t *value, char *err)
{
	/* The base name runs up to the first '['; each [..] after it is one level. */
	const char *end = key + klen;
	const char *br = memchr(key, '[', klen);
	size_t base_len = br ? (size_t)(br - key) : klen;
	while (base_len && key[0] == ' ') { /* PHP drops leading spaces of the name */
		key++;
		base_len--;
	}
	if (base_len == 0) {
		json_decref(value);
		return fail(err, "Malformed parameter name: empty name");
	}
	if (!utf8_valid(key, (size_t)(end - key))) {
		json_decref(value);
		return fail(err, "Parameter name is not valid UTF-8");
	}
	char *seg = strndup(key, base_len);
	if (!seg)
		abort();
	json_t *node = root;
	const char *p = key + base_len;
	int depth = 0;
	char idx[32];
	for (;;) {
		if (p >= end) { /* the last segment gets the value */
			json_object_set_new(node, seg, value);
			ix_note(ix, node, seg);
			free(seg);
			return 0;
		}
		if (*p != '[') {
			free(seg);
			json_decref(value);
			return fail(err, "Malformed parameter name: text after ']'");
		}
		const char *close = memchr(p, ']', (size_t)(end - p));
		if (!close) {
			free(seg);
			json_decref(value);
			return fail(err, "Malformed parameter name: '[' without ']'");
		}
		if (++depth > PARAMS_MAX_DEPTH) {
			free(seg);
			json_decref(value);
			return fail(err, "Parameter name nested too deeply");
		}
		json_t *child = json_object_get(node, seg);
		if (!json_is_object(child)) {
			child = json_object();
			json_object_set_new(node, seg, child);
			ix_note(ix, node, seg);
		}
		free(seg);
		node = child;
		size_t sl = (size_t)(close - p - 1);
		if (sl == 0) {
			const char *next = ix_next(ix, node, idx, sizeof idx);
			if (!next) {
				json_decref(value);
				return fail(err, "Cannot add element: the next index is already taken");
			}
			seg = strdup(next);
		} else {
			seg = strndup(p + 1, sl);
		}
		if (!seg)
			abort();
		p = close + 1;
	}
}

int params_parse_urlencoded(json_t *root, const char *s, size_t n, char *err)
{
	char *copy = malloc(n + 1);
	if (!copy)
		abort();
	memcpy(copy, s, n);
	copy[n] = 0;
	int rc = 0, vars = 0;
	struct params_index ix = {0};
	char *p = copy, *stop = copy + n;
	while (p < stop) {
		char *amp = memchr(p, '&', (size_t)(stop - p));
		char *pe = amp ? amp : stop;
		*pe = 0;
		if (pe == p) {
			p = pe + 1;
			continue;
		}
		if (++vars > PARAMS_MAX_VARS) {
			rc = fail(err, "Too many parameters");
			break;
		}
		/* The name ends at the first '=' outside brackets, so that an unencoded
		 * filter[>=DATE]=… still parses (PHP would split inside the brackets). */
		char *eq = NULL;
		int in_br = 0;
		for (char *c = p; c < pe && !eq; c++) {
			if (*c == '[')
				in_br = 1;
			else if (*c == ']')
				in_br = 0;
			else if (*c == '=' && !in_br)
				eq = c;
		}
		if (!eq && in_br) /* an unclosed bracket: fall back to the first '=' */
			eq = memchr(p, '=', (size_t)(pe - p));
		char *val = eq ? eq + 1 : pe;
		size_t klen_raw = (size_t)((eq ? eq : pe) - p);
		if (eq)
			*eq = 0;
		long kl = params_url_decode(p, klen_raw, 1);
		long vl = params_url_decode(val, (size_t)(pe - val), 1);
		if (kl < 0 || vl < 0) {
			rc = fail(err, "Malformed percent-encoding in parameters");
			break;
		}
		if (!utf8_valid(val, (size_t)vl)) {
			rc = fail(err, "Parameter value is not valid UTF-8");
			break;
		}
		json_t *v = json_stringn_nocheck(val, (size_t)vl);
		if (params_set_ix(&ix, root, p, (size_t)kl, v, err)) {
			rc = -1;
			break;
		}
		p = pe + 1;
	}
	params_index_release(&ix);
	free(copy);
	return rc;
}

json_t *params_parse_json(const char *s, size_t n, char *err)
{
	json_error_t je;
	/* jansson refuses invalid UTF-8 and nesting past its own depth limit (2048); we check a
	 * tighter depth first without recursion so no input can exhaust the stack. */
	long depth = 0, maxd = 0;
	int in_str = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > maxd)
				maxd = depth;
			if (maxd > PARAMS_JSON_MAX_DEPTH) {
				fail(err, "JSON nested too deeply");
				return NULL;
			}
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	json_t *j = json_loadb(s, n, 0, &je);
	if (!j) {
		snprintf(err, PARAMS_ERRLEN, "Invalid JSON: %.100s (line %d, column %d)", je.text, je.line, je.column);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		fail(err, "The JSON body must be an object");
		return NULL;
	}
	return j;
}

void params_merge(json_t *dst, json_t *src)
{
	const char *k;
	json_t *v;
	json_object_foreach(src, k, v)
	{
		json_object_set(dst, k, v);
	}
}

json_t *params_listify(json_t *node)
{
	if (json_is_array(node)) {
		size_t i;
		json_t *v;
		json_array_foreach(node, i, v)
		{
			json_t *nv = params_listify(v);
			if (nv != v)
				json_array_set_new(node, i, nv);
		}
		return node;
	}
	if (!json_is_object(node))
		return node;
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(node, tmp, k, v)
	{
		json_t *nv = params_listify(v);
		if (nv != v)
			json_object_set_new(node, k, nv);
	}
	size_t n = json_object_size(node);
	if (n == 0)
		return node;
	/* A list when the keys, in insertion order, are exactly 0..n-1. */
	size_t expect = 0;
	json_object_foreach(node, k, v)
	{
		char want[24];
		snprintf(want, sizeof want, "%zu", expect++);
		if (strcmp(k, want) != 0)
			return node;
	}
	json_t *arr = json_array();
	json_object_foreach(node, k, v)
	{
		json_array_append(arr, v);
	}
	return arr;
}

void params_upper_keys(json_t *root)
{
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(root, tmp, k, v)
	{
		int has_lower = 0;
		for (const char *c = k; *c; c++)
			if (islower((unsigned char)*c))
				has_lower = 1;
		if (!has_lower)
			continue;
		char *up = strdup(k);
		if (!up)
			abort();
		str_upper(up);
		if (!json_object_get(root, up))
			json_object_set(root, up, v);
		free(up);
		json_object_del(root, k);
	}
}
