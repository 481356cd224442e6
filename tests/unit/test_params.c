/* test_params.c — PHP-style parameter parsing: keys, brackets, lists, encodings, limits, JSON. */
#include "rest/params.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;
#define EXPECT(cond, ...)                                                                                              \
	do {                                                                                                           \
		if (cond)                                                                                              \
			passed++;                                                                                      \
		else {                                                                                                 \
			failed++;                                                                                      \
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                                         \
			printf(__VA_ARGS__);                                                                           \
			printf("\n");                                                                                  \
		}                                                                                                      \
	} while (0)

/* Parse a form string and compare the listified tree, as compact JSON, with want. */
static void form(const char *in, const char *want)
{
	json_t *root = json_object();
	char err[PARAMS_ERRLEN] = "";
	int rc = params_parse_urlencoded(root, in, strlen(in), err);
	json_t *l = params_listify(root);
	if (l != root)
		json_decref(root);
	char *got = json_dumps(l, JSON_COMPACT | JSON_PRESERVE_ORDER);
	EXPECT(rc == 0 && !strcmp(got, want), "%s → %s (want %s) %s", in, got, want, err);
	free(got);
	json_decref(l);
}

static void form_error(const char *in, size_t n, const char *want_in_err)
{
	json_t *root = json_object();
	char err[PARAMS_ERRLEN] = "";
	int rc = params_parse_urlencoded(root, in, n, err);
	EXPECT(rc == -1 && strstr(err, want_in_err), "%.40s: rc %d err '%s'", in, rc, err);
	json_decref(root);
}

int main(void)
{
	form("a=1&b=2", "{\"a\":\"1\",\"b\":\"2\"}");
	form("fields[TITLE]=x&fields[PHONE][0][VALUE]=1", "{\"fields\":{\"TITLE\":\"x\",\"PHONE\":[{\"VALUE\":\"1\"}]}}");
	form("filter%5B%3EID%5D=5", "{\"filter\":{\">ID\":\"5\"}}");
	form("filter[>=DATE_CREATE]=2024-01-01&filter[!@ID][]=1&filter[!@ID][]=2",
	     "{\"filter\":{\">=DATE_CREATE\":\"2024-01-01\",\"!@ID\":[\"1\",\"2\"]}}");
	form("select[]=ID&select[]=TITLE", "{\"select\":[\"ID\",\"TITLE\"]}");
	form("a=x+y%26z", "{\"a\":\"x y&z\"}");
	form("a=1&a=2", "{\"a\":\"2\"}");                      /* later wins, as in PHP */
	form("a[5]=x&a[]=y", "{\"a\":{\"5\":\"x\",\"6\":\"y\"}}"); /* [] continues after the largest */
	form("a[1]=x&a[0]=y", "{\"a\":{\"1\":\"x\",\"0\":\"y\"}}"); /* not 0..n-1 in order: a map */
	form("a[]=1&a[5]=x&a[]=2", "{\"a\":{\"0\":\"1\",\"5\":\"x\",\"6\":\"2\"}}"); /* remembered index */
	form("a[]=1&a[]=2&b[x][]=3&a[]=4&b[x][]=5", "{\"a\":[\"1\",\"2\",\"4\"],\"b\":{\"x\":[\"3\",\"5\"]}}");
	form("a[]=1&a=s&a[]=2", "{\"a\":[\"2\"]}"); /* a scalar replaced the list: a new list */
	form("&&a=&b", "{\"a\":\"\",\"b\":\"\"}");
	form("cmd[x]=user.get%3FID%3D1", "{\"cmd\":{\"x\":\"user.get?ID=1\"}}");
	form("name=%D0%92%D0%BE%D1%80%D0%BE%D0%BD%D0%BA%D0%B0", "{\"name\":\"Воронка\"}");

	form_error("a[b=1", 5, "without ']'");
	form_error("[x]=1", 5, "empty name");
	form_error("a[x]y=1", 7, "after ']'");
	form_error("a=%zz", 5, "percent");
	form_error("a=%4", 4, "percent");
	form_error("a=\xff", 3, "UTF-8");
	form_error("a%ff=1", 6, "UTF-8");
	{
		char deep[2048] = "a";
		for (int i = 0; i < 100; i++)
			strcat(deep, "[x]"); /* banned-ok: bounded test buffer */
		strcat(deep, "=1");     /* banned-ok */
		form_error(deep, strlen(deep), "deeply");
	}
	{
		size_t n = (PARAMS_MAX_VARS + 10) * 4;
		char *many = malloc(n + 1), *p = many;
		for (int i = 0; i < PARAMS_MAX_VARS + 10; i++) {
			memcpy(p, "a=1&", 4);
			p += 4;
		}
		*p = 0;
		form_error(many, n, "Too many");
		free(many);
	}

	/* JSON bodies */
	char err[PARAMS_ERRLEN];
	json_t *j = params_parse_json("{\"filter\":{\">ID\":5}}", 20, err);
	EXPECT(j && json_integer_value(json_object_get(json_object_get(j, "filter"), ">ID")) == 5, "json");
	json_decref(j);
	EXPECT(!params_parse_json("[1]", 3, err) && strstr(err, "object"), "%s", err);
	EXPECT(!params_parse_json("{\"a\":", 5, err) && strstr(err, "Invalid JSON"), "%s", err);
	EXPECT(!params_parse_json("{\"a\":\"\xff\"}", 9, err), "invalid UTF-8 in JSON");
	{
		size_t n = 200000;
		char *deep = malloc(n * 2 + 1);
		memset(deep, '[', n);
		memset(deep + n, ']', n);
		EXPECT(!params_parse_json(deep, n * 2, err) && strstr(err, "deeply"), "%s", err);
		free(deep);
	}
	/* brackets inside strings do not count as depth */
	{
		const char *s = "{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}";
		j = params_parse_json(s, strlen(s), err);
		EXPECT(j != NULL, "%s", err);
		json_decref(j);
	}

	/* merge and key case */
	json_t *a = json_pack("{s:s,s:s}", "id", "1", "Fields", "q");
	json_t *b = json_pack("{s:s}", "id", "2");
	params_merge(a, b);
	params_upper_keys(a);
	EXPECT(!strcmp(json_string_value(json_object_get(a, "ID")), "2") && json_object_get(a, "FIELDS") &&
		       !json_object_get(a, "id"),
	       "merge/upper");
	json_decref(a);
	json_decref(b);

	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
