/* sqlbench.c — the raw SQLite side of bench/crm/run.sh: the query behind each measured REST call,
 * run straight against the same database file with the same random parameters, by as many threads
 * as the HTTP load has connections (one read-only connection each, statements prepared once). Every
 * row is stepped and every column read as text, as the server must to answer it.
 *
 *   sqlbench DB count                      the number of deals
 *   sqlbench DB lua                        the parameter lists as Lua (for the wrk scripts)
 *   sqlbench DB SECONDS THREADS CASE [OFFSET]
 *        prints "rate p50_ms p99_ms": queries a second, and the median and 99th percentile
 *
 * CASE: get (a deal by a random id), page (50 deals of a random stage and manager by DATE_MODIFY
 * DESC, plus one to know about a next page), page_count (the same page and its COUNT), first and
 * deep (50 deals by ID at offset 0 or OFFSET, with the COUNT of all), kanban (a pipeline's stage
 * list with the kept per-stage counts and sums), kanban_scan (the same counted from the deals). */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum params { P_ID, P_STAGE_USER, P_NONE, P_OFFSET, P_CATEGORY };

static const struct bench_case {
	const char *name;
	const char *sql;
	const char *count_sql; /* NULL: no count */
	enum params params;
} cases[] = {
	{"get", "SELECT * FROM crm_deal WHERE id = ?1", NULL, P_ID},
	{"page", "SELECT * FROM crm_deal WHERE stage_id = ?1 AND assigned_by_id = ?2 ORDER BY date_modify DESC, id ASC LIMIT 51",
	 NULL, P_STAGE_USER},
	{"page_count", "SELECT * FROM crm_deal WHERE stage_id = ?1 AND assigned_by_id = ?2 ORDER BY date_modify DESC, id ASC LIMIT 50",
	 "SELECT COUNT(*) FROM crm_deal WHERE stage_id = ?1 AND assigned_by_id = ?2", P_STAGE_USER},
	{"first", "SELECT * FROM crm_deal ORDER BY id ASC LIMIT 50", "SELECT COUNT(*) FROM crm_deal", P_NONE},
	{"deep", "SELECT * FROM crm_deal ORDER BY id ASC LIMIT 50 OFFSET ?1", "SELECT COUNT(*) FROM crm_deal", P_OFFSET},
	{"kanban",
	 "SELECT s.status_id, s.name, s.color, s.semantics, COALESCE(t.n, 0), COALESCE(t.sum_cents, 0) FROM crm_status s "
	 "LEFT JOIN crm_stage_stats t ON t.entity_type_id = 2 AND t.category_id = ?1 AND t.stage_id = s.status_id "
	 "WHERE s.entity_id = ?2 ORDER BY s.sort, s.id",
	 NULL, P_CATEGORY},
	{"kanban_scan", "SELECT stage_id, COUNT(*), SUM(opportunity) FROM crm_deal WHERE category_id = ?1 GROUP BY stage_id",
	 NULL, P_CATEGORY},
};

/* The parameter domain, shared by every thread (read once at start). */
static struct {
	char stages[64][64];
	int n_stages;
	long long users[256];
	int n_users;
	long long cats[32];
	int n_cats;
	long long max_id, offset;
} dom;

static const char *db_path;
static const struct bench_case *bc;
static double deadline;

struct worker {
	pthread_t th;
	unsigned seed;
	double *lat; /* seconds per query */
	size_t n, cap;
	int failed;
};

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "sqlbench: %s: %s\n", what, db ? sqlite3_errmsg(db) : "cannot open");
	return 1;
}

static int load_domain(sqlite3 *db)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "SELECT stage_id FROM crm_stage_stats WHERE entity_type_id = 2 ORDER BY category_id, stage_id",
			       -1, &s, NULL))
		return die(db, "stages");
	while (sqlite3_step(s) == SQLITE_ROW && dom.n_stages < 64)
		snprintf(dom.stages[dom.n_stages++], sizeof dom.stages[0], "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(db, "SELECT id FROM users WHERE active = 1 ORDER BY id", -1, &s, NULL))
		return die(db, "users");
	while (sqlite3_step(s) == SQLITE_ROW && dom.n_users < 256)
		dom.users[dom.n_users++] = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(db, "SELECT id FROM crm_category WHERE entity_type_id = 2 ORDER BY sort, id", -1, &s, NULL))
		return die(db, "pipelines");
	while (sqlite3_step(s) == SQLITE_ROW && dom.n_cats < 32)
		dom.cats[dom.n_cats++] = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(id), 0) FROM crm_deal", -1, &s, NULL))
		return die(db, "max id");
	if (sqlite3_step(s) == SQLITE_ROW)
		dom.max_id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return dom.n_stages && dom.n_users && dom.n_cats && dom.max_id ? 0 : die(db, "no deals seeded");
}

static int bind_params(sqlite3_stmt *s, struct worker *w)
{
	if (!sqlite3_bind_parameter_count(s)) /* a COUNT of everything */
		return 0;
	switch (bc->params) {
	case P_ID:
		return sqlite3_bind_int64(s, 1, 1 + (long long)(rand_r(&w->seed) % dom.max_id));
	case P_STAGE_USER:
		return sqlite3_bind_text(s, 1, dom.stages[rand_r(&w->seed) % dom.n_stages], -1, SQLITE_STATIC) ||
		       sqlite3_bind_int64(s, 2, dom.users[rand_r(&w->seed) % dom.n_users]);
	case P_OFFSET:
		return sqlite3_bind_int64(s, 1, dom.offset);
	case P_CATEGORY: {
		long long c = dom.cats[rand_r(&w->seed) % dom.n_cats];
		char entity[40];
		if (c)
			snprintf(entity, sizeof entity, "DEAL_STAGE_%lld", c);
		else
			snprintf(entity, sizeof entity, "DEAL_STAGE");
		return sqlite3_bind_int64(s, 1, c) ||
		       (sqlite3_bind_parameter_count(s) > 1 && sqlite3_bind_text(s, 2, entity, -1, SQLITE_TRANSIENT));
	}
	default:
		return 0;
	}
}

static volatile size_t sink; /* the bytes read, so that reading them is not optimised away */

/* Step every row and read every column, as an answer needs. */
static int drain(sqlite3_stmt *s)
{
	int rc, n = sqlite3_column_count(s);
	size_t bytes = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		for (int i = 0; i < n; i++) {
			const unsigned char *t = sqlite3_column_text(s, i);
			bytes += t ? (size_t)sqlite3_column_bytes(s, i) : 0;
		}
	sqlite3_reset(s);
	sink += bytes;
	return rc == SQLITE_DONE ? 0 : rc;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	sqlite3 *db;
	sqlite3_stmt *page = NULL, *count = NULL;
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) ||
	    sqlite3_prepare_v3(db, bc->sql, -1, SQLITE_PREPARE_PERSISTENT, &page, NULL) ||
	    (bc->count_sql && sqlite3_prepare_v3(db, bc->count_sql, -1, SQLITE_PREPARE_PERSISTENT, &count, NULL))) {
		die(db, "prepare");
		w->failed = 1;
		return NULL;
	}
	sqlite3_busy_timeout(db, 5000);
	while (mono() < deadline) {
		double t0 = mono();
		/* The page and its count in one read transaction, as the server's list does. */
		int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		if (!rc && count && !(rc = bind_params(count, w)))
			rc = drain(count);
		if (!rc && !(rc = bind_params(page, w)))
			rc = drain(page);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		if (rc) {
			w->failed = 1;
			break;
		}
		if (w->n == w->cap) {
			w->cap = w->cap ? w->cap * 2 : 4096;
			w->lat = realloc(w->lat, w->cap * sizeof *w->lat);
			if (!w->lat)
				abort();
		}
		w->lat[w->n++] = mono() - t0;
	}
	sqlite3_finalize(page);
	sqlite3_finalize(count);
	sqlite3_close(db);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int print_lua(void)
{
	printf("maxid = %lld\nstages = {", dom.max_id);
	for (int i = 0; i < dom.n_stages; i++)
		printf("%s\"%s\"", i ? ", " : "", dom.stages[i]);
	printf("}\nusers = {");
	for (int i = 0; i < dom.n_users; i++)
		printf("%s%lld", i ? ", " : "", dom.users[i]);
	printf("}\ncats = {");
	for (int i = 0; i < dom.n_cats; i++)
		printf("%s%lld", i ? ", " : "", dom.cats[i]);
	printf("}\n");
	return 0;
}

static int run(int seconds, int threads)
{
	struct worker *w = calloc((size_t)threads, sizeof *w);
	if (!w)
		return 1;
	double t0 = mono();
	deadline = t0 + seconds;
	for (int i = 0; i < threads; i++) {
		w[i].seed = 12345u + (unsigned)i * 7919u;
		pthread_create(&w[i].th, NULL, work, &w[i]);
	}
	size_t total = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(w[i].th, NULL);
		total += w[i].n;
	}
	double elapsed = mono() - t0;
	double *all = malloc((total ? total : 1) * sizeof *all);
	size_t k = 0;
	int failed = 0;
	for (int i = 0; i < threads; i++) {
		memcpy(all + k, w[i].lat, w[i].n * sizeof *all);
		k += w[i].n;
		failed |= w[i].failed;
		free(w[i].lat);
	}
	free(w);
	if (failed || !total) {
		free(all);
		fprintf(stderr, "sqlbench: %s failed\n", bc->name);
		return 1;
	}
	qsort(all, total, sizeof *all, cmp_double);
	printf("%.1f %.3f %.3f\n", (double)total / elapsed, all[total / 2] * 1e3, all[total * 99 / 100] * 1e3);
	free(all);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: sqlbench DB count | lua | SECONDS THREADS CASE [OFFSET]\n");
		return 2;
	}
	db_path = argv[1];
	sqlite3 *db;
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL))
		return die(db, db_path);
	if (!strcmp(argv[2], "count")) {
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM crm_deal", -1, &s, NULL) || sqlite3_step(s) != SQLITE_ROW)
			return die(db, "count");
		printf("%lld\n", sqlite3_column_int64(s, 0));
		sqlite3_finalize(s);
		sqlite3_close(db);
		return 0;
	}
	int rc = load_domain(db);
	sqlite3_close(db);
	if (rc)
		return rc;
	if (!strcmp(argv[2], "lua"))
		return print_lua();
	if (argc < 5)
		return 2;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (!strcmp(cases[i].name, argv[4]))
			bc = &cases[i];
	if (!bc) {
		fprintf(stderr, "sqlbench: no case %s\n", argv[4]);
		return 2;
	}
	dom.offset = argc > 5 ? strtoll(argv[5], NULL, 10) : 500000;
	return run(atoi(argv[2]), atoi(argv[3]));
}
