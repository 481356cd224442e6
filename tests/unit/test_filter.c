/* test_filter.c — the filter / order / select engine: parsing of every operator, refusals that
 * name the field, the SQL generated and its bound values, and lists run against an in-memory
 * SQLite with the real schema. */
#include "unit.h"
#include "core/arena.h"
#include "rest/filter.h"
#include "rest/rest.h"
#include "store/q_user.h"
#include "store/query.h"
#include "store/store.h"
#include <stdlib.h>

static struct store *db(void)
{
	static struct store *st;
	if (!st) {
		int v;
		if (store_open(&st, ":memory:") || store_migrate(st, &v)) {
			printf("cannot open the test database\n");
			exit(2);
		}
	}
	return st;
}

static struct rest_auth admin_auth = {.kind = AUTH_INTERNAL, .user_id = 1, .is_admin = true};

/* A call with parameters from JSON text; released with done(). */
static struct rest_call *call_new(const char *params)
{
	struct rest_call *c = calloc(1, sizeof *c);
	c->arena = arena_new(64 << 20);
	c->st = db();
	c->auth = &admin_auth;
	json_error_t e;
	c->params = rest_own(c, json_loads(params ? params : "{}", 0, &e));
	c->total = -1;
	return c;
}

static void done(struct rest_call *c)
{
	if (c->result)
		json_decref(c->result);
	arena_free(c->arena);
	free(c);
}

/* Parse filter text against an entity; returns the call (check ->err_desc) and fills q. */
static struct rest_call *parse(const struct query_entity *e, const char *filter, struct query *q, int *rc)
{
	struct rest_call *c = call_new(NULL);
	json_error_t je;
	json_t *f = rest_own(c, json_loads(filter, JSON_DECODE_ANY, &je));
	query_init(q, c->arena, e);
	*rc = rest_filter_parse(c, q, f);
	return c;
}

/* The WHERE … part of the generated SELECT (up to ORDER BY). */
static const char *where_of(struct rest_call *c, struct query *q)
{
	char *sql = query_sql_select(q);
	if (!sql)
		return "(null)";
	char *w = strstr(sql, " WHERE ");
	char *o = strstr(sql, " ORDER BY ");
	if (!w)
		return "";
	return arena_strndup(c->arena, w + 7, o ? (size_t)(o - w - 7) : strlen(w + 7));
}

#define WHERE_IS(entity, filter, expect)                                                                               \
	do {                                                                                                           \
		struct query q_;                                                                                       \
		int rc_;                                                                                               \
		struct rest_call *c_ = parse(entity, filter, &q_, &rc_);                                              \
		CHECK_INT(rc_, 0);                                                                                     \
		CHECK_STR(where_of(c_, &q_), expect);                                                                  \
		done(c_);                                                                                              \
	} while (0)

TEST(operators_sql)
{
	const struct query_entity *u = &q_user_entity;
	WHERE_IS(u, "{\"ID\": 5}", "id = $1");
	WHERE_IS(u, "{\"=ID\": 5}", "id = $1");
	WHERE_IS(u, "{\"!ID\": 5}", "(id IS NULL OR id <> $1)");
	WHERE_IS(u, "{\"!=ID\": 5}", "(id IS NULL OR id <> $1)");
	WHERE_IS(u, "{\">ID\": 5}", "id > $1");
	WHERE_IS(u, "{\">=ID\": \"5\"}", "id >= $1");
	WHERE_IS(u, "{\"<ID\": 5}", "id < $1");
	WHERE_IS(u, "{\"<=ID\": 5}", "id <= $1");
	WHERE_IS(u, "{\"@ID\": [1, 2, 3]}", "id IN ($1, $2, $3)");
	WHERE_IS(u, "{\"@ID\": \"1,2\"}", "id IN ($1, $2)");
	WHERE_IS(u, "{\"!@ID\": [1, 2]}", "(id IS NULL OR id NOT IN ($1, $2))");
	WHERE_IS(u, "{\"ID\": [1, 2]}", "id IN ($1, $2)");
	WHERE_IS(u, "{\"!ID\": [1, 2]}", "(id IS NULL OR id NOT IN ($1, $2))");
	WHERE_IS(u, "{\"ID\": []}", "1 = 0");
	WHERE_IS(u, "{\"%NAME\": \"x\"}", "LOWER(name) LIKE LOWER($1) ESCAPE '\\'");
	WHERE_IS(u, "{\"!%NAME\": \"x\"}", "(name IS NULL OR NOT (LOWER(name) LIKE LOWER($1) ESCAPE '\\'))");
	WHERE_IS(u, "{\"=%NAME\": \"x%\"}", "LOWER(name) LIKE LOWER($1) ESCAPE '\\'");
	WHERE_IS(u, "{\"%=NAME\": \"x%\"}", "LOWER(name) LIKE LOWER($1) ESCAPE '\\'");
	WHERE_IS(u, "{\"!=%NAME\": \"x%\"}", "(name IS NULL OR NOT (LOWER(name) LIKE LOWER($1) ESCAPE '\\'))");
	WHERE_IS(u, "{\"!%=NAME\": \"x%\"}", "(name IS NULL OR NOT (LOWER(name) LIKE LOWER($1) ESCAPE '\\'))");
	WHERE_IS(u, "{\"%NAME\": [\"a\", \"b\"]}",
		 "(LOWER(name) LIKE LOWER($1) ESCAPE '\\' OR LOWER(name) LIKE LOWER($2) ESCAPE '\\')");
	WHERE_IS(u, "{\"NAME\": \"\"}", "(name IS NULL OR name = '')");
	WHERE_IS(u, "{\"!NAME\": \"\"}", "(name IS NOT NULL AND name <> '')");
	WHERE_IS(u, "{\"ID\": null}", "(id IS NULL OR id = 0)");
	WHERE_IS(u, "{\"NAME\": \"Iva%\"}", "LOWER(name) LIKE LOWER($1) ESCAPE '\\'");
	WHERE_IS(&q_department_entity, "{\"NAME\": \"Iva%\"}", "name = $1");
	WHERE_IS(u, "{\"UF_DEPARTMENT\": 3}", "id IN (SELECT user_id FROM user_departments WHERE department_id = $1)");
	WHERE_IS(u, "{\"!UF_DEPARTMENT\": 3}",
		 "id NOT IN (SELECT user_id FROM user_departments WHERE department_id = $1)");
	WHERE_IS(u, "{\"UF_DEPARTMENT\": [3, 4]}",
		 "id IN (SELECT user_id FROM user_departments WHERE department_id IN ($1, $2))");
	WHERE_IS(u, "{\"UF_DEPARTMENT\": \"\"}",
		 "id NOT IN (SELECT user_id FROM user_departments WHERE department_id IS NOT NULL)");
	WHERE_IS(u, "{\"ID\": 1, \"%LAST_NAME\": \"ov\"}", "id = $1 AND LOWER(last_name) LIKE LOWER($2) ESCAPE '\\'");
	WHERE_IS(u, "{}", "");
	WHERE_IS(u, "[]", "");
}

TEST(bound_values)
{
	struct query q;
	int rc;
	struct rest_call *c = parse(&q_user_entity,
				    "{\"%NAME\": \"50%_\\\\x\", \"=%LAST_NAME\": \"Iv_n%\", \"ACTIVE\": \"Y\", "
				    "\">=DATE_REGISTER\": \"2024-01-02T03:04:05+00:00\", \"<PERSONAL_BIRTHDAY\": \"2000-05-06\", "
				    "\"!ID\": \"7\"}",
				    &q, &rc);
	CHECK_INT(rc, 0);
	CHECK(query_sql_select(&q) != NULL);
	CHECK_INT(q.n_binds, 6);
	if (q.n_binds == 6) {
		CHECK_STR(q.binds[0]->s, "%50\\%\\_\\\\x%");
		CHECK_STR(q.binds[1]->s, "Iv\\_n%");
		CHECK_INT(q.binds[2]->kind, QV_INT);
		CHECK_INT(q.binds[2]->i, 1);
		CHECK_STR(q.binds[3]->s, "2024-01-02 03:04:05");
		CHECK_STR(q.binds[4]->s, "2000-05-06");
		CHECK_INT(q.binds[5]->i, 7);
	}
	done(c);

	c = parse(&q_user_entity, "{\"ACTIVE\": true, \"!ACTIVE\": false}", &q, &rc);
	CHECK_INT(rc, 0);
	query_sql_select(&q);
	CHECK_INT(q.n_binds, 2);
	if (q.n_binds == 2) {
		CHECK_INT(q.binds[0]->i, 1);
		CHECK_INT(q.binds[1]->i, 0);
	}
	done(c);
}

#define REFUSED(entity, filter, needle)                                                                                \
	do {                                                                                                           \
		struct query q_;                                                                                       \
		int rc_;                                                                                               \
		struct rest_call *c_ = parse(entity, filter, &q_, &rc_);                                              \
		CHECK_INT(rc_, -1);                                                                                    \
		CHECK_INT(c_->err, ERR_ARGUMENT);                                                                      \
		CHECK_HAS(c_->err_desc, needle);                                                                       \
		done(c_);                                                                                              \
	} while (0)

TEST(refusals_name_the_field)
{
	const struct query_entity *u = &q_user_entity;
	REFUSED(u, "{\"FOO\": 1}", "FOO");
	REFUSED(u, "{\">=NO_SUCH\": 1}", "NO_SUCH");
	REFUSED(u, "{\"ID\": \"abc\"}", "ID");
	REFUSED(u, "{\">ID\": \"1.5\"}", "ID");
	REFUSED(u, "{\"@ID\": [1, \"x\"]}", "ID");
	REFUSED(u, "{\">DATE_REGISTER\": \"yesterday\"}", "DATE_REGISTER");
	REFUSED(u, "{\"PERSONAL_BIRTHDAY\": \"2024-13-01\"}", "PERSONAL_BIRTHDAY");
	REFUSED(u, "{\"ACTIVE\": \"maybe\"}", "ACTIVE");
	REFUSED(u, "{\"%ID\": \"1\"}", "ID");
	REFUSED(u, "{\">ID\": [1, 2]}", "ID");
	REFUSED(u, "{\"NAME\": {\"a\": 1}}", "NAME");
	REFUSED(u, "{\"PERSONAL_PHOTO\": \"x\"}", "PERSONAL_PHOTO"); /* not filterable */
	REFUSED(u, "[1]", "filter");
	REFUSED(u, "\"ID=5\"", "filter");
}

static const char *order_of(const char *order, int *rc, int *err)
{
	static char out[512];
	struct rest_call *c = call_new(NULL);
	json_error_t je;
	struct query q;
	query_init(&q, c->arena, &q_user_entity);
	*rc = rest_order_parse(c, &q, rest_own(c, json_loads(order, JSON_DECODE_ANY, &je)));
	*err = c->err;
	const char *sql = query_sql_select(&q);
	const char *o = sql ? strstr(sql, "ORDER BY ") : NULL;
	snprintf(out, sizeof out, "%s", o ? o + 9 : "");
	done(c);
	return out;
}

TEST(order)
{
	int rc, err;
	CHECK_STR(order_of("{}", &rc, &err), "id ASC");
	CHECK_STR(order_of("{\"NAME\": \"DESC\"}", &rc, &err), "name DESC, id ASC");
	CHECK_STR(order_of("{\"name\": \"desc\", \"LAST_NAME\": \"Asc\"}", &rc, &err), "name DESC, last_name ASC, id ASC");
	CHECK_STR(order_of("{\"ID\": \"DESC\", \"NAME\": \"ASC\"}", &rc, &err), "id DESC");
	order_of("{\"FOO\": \"ASC\"}", &rc, &err);
	CHECK_INT(rc, -1);
	CHECK_INT(err, ERR_ARGUMENT);
	order_of("{\"NAME\": \"sideways\"}", &rc, &err);
	CHECK_INT(rc, -1);
	order_of("[\"NAME\"]", &rc, &err);
	CHECK_INT(rc, -1);
}

TEST(select_list)
{
	struct rest_call *c = call_new(NULL);
	json_error_t je;
	struct query q;
	query_init(&q, c->arena, &q_user_entity);
	CHECK_INT(rest_select_parse(c, &q, rest_own(c, json_loads("[\"NAME\", \"nope\", \"ID\", \"NAME\"]", 0, &je))), 0);
	size_t n;
	const struct query_field **cols = query_columns(&q, &n);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(cols[0]->name, "NAME");
		CHECK_STR(cols[1]->name, "ID");
	}
	CHECK_HAS(query_sql_select(&q), "SELECT id, name, id FROM users");

	query_init(&q, c->arena, &q_user_entity);
	CHECK_INT(rest_select_parse(c, &q, rest_own(c, json_loads("[\"UF_*\"]", 0, &je))), 0);
	CHECK(query_selects(&q, query_field_find(&q_user_entity, "UF_DEPARTMENT")));
	CHECK(!query_selects(&q, query_field_find(&q_user_entity, "NAME")));
	CHECK(!query_selects(&q, query_field_find(&q_user_entity, "UF_DEPARTMENT_NAME")));

	query_init(&q, c->arena, &q_user_entity);
	CHECK_INT(rest_select_parse(c, &q, NULL), 0);
	CHECK(query_selects(&q, query_field_find(&q_user_entity, "EMAIL")));
	CHECK(!query_selects(&q, query_field_find(&q_user_entity, "IS_ADMIN")));
	done(c);
}

/* ---- against the database ---- */

static int64_t uid(const char *email, const char *name, const char *last)
{
	int64_t id = 0;
	CHECK_INT(q_user_insert(db(), email, email, NULL, name, last, false, &id), 0);
	return id;
}

static int64_t n_rows(const char *filter, int64_t start, int64_t *total)
{
	struct query q;
	int rc;
	struct rest_call *c = parse(&q_user_entity, filter, &q, &rc);
	CHECK_INT(rc, 0);
	c->start = start;
	rc = rest_list_run(c, &q, NULL, NULL);
	CHECK_INT(rc, 0);
	if (rc)
		printf("  %s\n", c->err_desc);
	int64_t n = c->result ? (int64_t)json_array_size(c->result) : -1;
	if (total)
		*total = c->total;
	done(c);
	return n;
}

static void seed_once(void)
{
	static int seeded;
	if (seeded++)
		return;
	uid("admin@example.com", "Админ", "Главный");                    /* 1 */
	uid("ivan@example.com", "Иван", "Петров");                       /* 2 */
	uid("percent@example.com", "50% off", "Sale");                    /* 3 */
	uid("five@example.com", "500 off", "Sale");                       /* 4 */
	uid("under_score@example.com", "a_b", "Under");                   /* 5 */
	uid("axb@example.com", "axb", "Under");                           /* 6 */
	int64_t root, sales;
	CHECK_INT(q_department_insert(db(), "ООО «Тест»", 0, 1, 100, &root), 0);
	CHECK_INT(q_department_insert(db(), "Отдел продаж", root, 2, 200, &sales), 0);
	CHECK_INT(q_department_add_user(db(), sales, 2), 0);
	CHECK_INT(q_department_add_user(db(), root, 1), 0);
}

TEST(run_against_sqlite)
{
	seed_once();
	int64_t total;
	CHECK_INT(n_rows("{}", 0, &total), 6);
	CHECK_INT(total, 6);
	CHECK_INT(n_rows("{\"ID\": 2}", 0, NULL), 1);
	CHECK_INT(n_rows("{\"!ID\": 2}", 0, NULL), 5);
	CHECK_INT(n_rows("{\"@ID\": [1, 2, 99]}", 0, NULL), 2);
	CHECK_INT(n_rows("{\"!@ID\": [1, 2]}", 0, NULL), 4);
	CHECK_INT(n_rows("{\">ID\": 4}", 0, NULL), 2);
	CHECK_INT(n_rows("{\"<=ID\": 4}", 0, NULL), 4);
	/* % and _ typed by the user are literal */
	CHECK_INT(n_rows("{\"%NAME\": \"50%\"}", 0, NULL), 1);
	CHECK_INT(n_rows("{\"%NAME\": \" off\"}", 0, NULL), 2);
	CHECK_INT(n_rows("{\"%NAME\": \"a_b\"}", 0, NULL), 1);
	CHECK_INT(n_rows("{\"!%NAME\": \"off\"}", 0, NULL), 4);
	CHECK_INT(n_rows("{\"=%EMAIL\": \"%@example.com\"}", 0, NULL), 6);
	CHECK_INT(n_rows("{\"=%EMAIL\": \"under_%\"}", 0, NULL), 1);
	CHECK_INT(n_rows("{\"!=%EMAIL\": \"i%\"}", 0, NULL), 5);
	CHECK_INT(n_rows("{\"NAME\": \"Ив%\"}", 0, NULL), 1);
	CHECK_INT(n_rows("{\"%LAST_NAME\": \"етр\"}", 0, NULL), 1);
	CHECK_INT(n_rows("{\"%NAME\": \"AXB\"}", 0, NULL), 1); /* any case (ASCII) */
	CHECK_INT(n_rows("{\"SECOND_NAME\": \"\"}", 0, NULL), 6);
	CHECK_INT(n_rows("{\"!SECOND_NAME\": \"\"}", 0, NULL), 0);
	CHECK_INT(n_rows("{\"LAST_LOGIN\": \"\"}", 0, NULL), 6);
	CHECK_INT(n_rows("{\"UF_DEPARTMENT\": 2}", 0, NULL), 1);
	CHECK_INT(n_rows("{\"!UF_DEPARTMENT\": 2}", 0, NULL), 5);
	CHECK_INT(n_rows("{\"UF_DEPARTMENT\": \"\"}", 0, NULL), 4);
	CHECK_INT(n_rows("{\"UF_DEPARTMENT_NAME\": \"Отдел продаж\"}", 0, NULL), 1);
	CHECK_INT(n_rows("{\"ACTIVE\": \"Y\"}", 0, NULL), 6);
	CHECK_INT(n_rows("{\"ACTIVE\": false}", 0, NULL), 0);
	CHECK_INT(n_rows("{\">=DATE_REGISTER\": \"2000-01-01\"}", 0, NULL), 6);
	CHECK_INT(n_rows("{\"<DATE_REGISTER\": \"2000-01-01T00:00:00Z\"}", 0, NULL), 0);
	CHECK_INT(n_rows("{\"ID\": []}", 0, NULL), 0);
}

TEST(search_words)
{
	seed_once();
	struct rest_call *c = call_new(NULL);
	struct query q;
	query_init(&q, c->arena, &q_user_entity);
	const struct query_field *f[] = {query_field_find(&q_user_entity, "NAME"),
					 query_field_find(&q_user_entity, "LAST_NAME")};
	CHECK_INT(query_add_search(&q, f, 2, "Иван  Петров"), 0);
	c->start = 0;
	CHECK_INT(rest_list_run(c, &q, NULL, NULL), 0);
	CHECK_INT(c->total, 1);
	done(c);
}

TEST(paging)
{
	seed_once();
	static int added;
	if (!added++)
		for (int i = 0; i < 120; i++) {
			char email[64];
			snprintf(email, sizeof email, "bulk%03d@example.com", i);
			uid(email, "Bulk", "User");
		}
	int64_t total;
	CHECK_INT(n_rows("{\"NAME\": \"Bulk\"}", 0, &total), 50);
	CHECK_INT(total, 120);
	CHECK_INT(n_rows("{\"NAME\": \"Bulk\"}", 100, &total), 20);
	CHECK_INT(total, 120);
	CHECK_INT(n_rows("{\"NAME\": \"Bulk\"}", 500, &total), 0);
	CHECK_INT(total, 120);

	/* start=-1: no count, a full page, and has_more */
	struct query q;
	int rc;
	struct rest_call *c = parse(&q_user_entity, "{\"NAME\": \"Bulk\"}", &q, &rc);
	c->start = -1;
	CHECK_INT(rest_list_run(c, &q, NULL, NULL), 0);
	CHECK_INT(c->total, -1);
	CHECK_INT(json_array_size(c->result), 50);
	CHECK(c->has_more);
	/* the rows: legacy strings, ACTIVE a boolean, dates ISO 8601 */
	json_t *r0 = json_array_get(c->result, 0);
	CHECK(json_is_string(json_object_get(r0, "ID")));
	CHECK(json_is_true(json_object_get(r0, "ACTIVE")));
	CHECK_STR(json_string_value(json_object_get(r0, "NAME")), "Bulk");
	const char *reg = json_string_value(json_object_get(r0, "DATE_REGISTER"));
	CHECK(reg && strlen(reg) == 25 && reg[10] == 'T');
	CHECK_STR(json_string_value(json_object_get(r0, "LAST_LOGIN")), "");
	CHECK(!json_object_get(r0, "IS_ADMIN"));
	done(c);
}

TEST(writes)
{
	struct rest_call *c = call_new(NULL);
	const struct query_entity *d = &q_department_entity;
	int64_t root;
	CHECK_INT(q_department_root(db(), &root), 0);
	struct query_set sets[] = {
		{query_field_find(d, "NAME"), {.kind = QV_TEXT, .s = "Склад"}},
		{query_field_find(d, "PARENT"), {.kind = QV_INT, .i = root}},
		{query_field_find(d, "SORT"), {.kind = QV_INT, .i = 700}},
	};
	int64_t id = 0;
	CHECK_INT(query_insert(db(), c->arena, d, sets, 3, &id), 0);
	CHECK(id > 0);
	struct query_set upd = {query_field_find(d, "NAME"), {.kind = QV_TEXT, .s = "Логистика"}};
	CHECK_INT(query_update(db(), c->arena, d, id, &upd, 1), 0);
	CHECK_INT(query_update(db(), c->arena, d, 99999, &upd, 1), STORE_NOTFOUND);
	char name[64];
	CHECK_INT(q_department_name(db(), id, name, sizeof name), 0);
	CHECK_STR(name, "Логистика");

	/* the department row format: SORT a number, PARENT a string, no UF_HEAD when unset */
	struct query q;
	query_init(&q, c->arena, d);
	json_error_t je;
	CHECK_INT(rest_filter_parse(c, &q, rest_own(c, json_loads("{\"NAME\": \"Логистика\"}", 0, &je))), 0);
	c->start = 0;
	CHECK_INT(rest_list_run(c, &q, NULL, NULL), 0);
	json_t *r = json_array_get(c->result, 0);
	CHECK(json_is_integer(json_object_get(r, "SORT")));
	CHECK(json_is_string(json_object_get(r, "PARENT")));
	CHECK(json_is_string(json_object_get(r, "ID")));
	CHECK(!json_object_get(r, "UF_HEAD"));
	done(c);
}

UNIT_MAIN()
