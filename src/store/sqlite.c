/* sqlite.c — the SQLite backend of store.h: WAL mode, a busy timeout, a prepared-statement
 * cache keyed by SQL text, $n placeholders mapped to SQLite's parameter indexes, nested
 * transactions as savepoints, and the time spent in the database for /metrics. */
#include "store/store.h"
#include "core/log.h"
#include "core/util.h"
#include <locale.h>
#include <sqlite3.h>
#include <wctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE 256      /* statements kept per connection; beyond, the oldest go */
#define BUSY_TIMEOUT_MS 10000

struct stmt {
	sqlite3_stmt *h;
	struct store *st;
	char *sql;      /* the cache key */
	uint64_t hash;  /* of sql, compared before the text */
	int n_map;      /* entries in map */
	int *map;       /* map[n] = SQLite index of "$n" (0 if absent) */
	unsigned long last_use;
};

struct store {
	sqlite3 *db;
	struct stmt *cache[STMT_CACHE];
	int n_cache;
	unsigned long clock; /* use counter for eviction */
	int tx_depth;        /* 0: none; >1: savepoints */
	int64_t data_version; /* PRAGMA data_version last seen: it moves when another connection commits */
	double time_spent;
	char errmsg[256];
};

/* The process-wide data version (store_data_version): bumped by every write transaction one of
 * our connections commits (SQLite calls the hook only for transactions that wrote). */
static _Atomic uint64_t data_version = 1;

static int on_commit(void *ctx)
{
	(void)ctx;
	data_version++;
	return 0; /* 0: let the commit proceed */
}

uint64_t store_data_version(struct store *st)
{
	/* Commits of other processes (a `voronka seed` beside the server) show only in this
	 * connection's PRAGMA data_version. */
	struct stmt *s = store_prepare(st, "PRAGMA data_version");
	if (s) {
		if (store_step(s) == STORE_ROW) {
			int64_t v = store_col_int(s, 0);
			if (v != st->data_version) { /* also on a connection's first look: it may be late */
				data_version++;
				st->data_version = v;
			}
		}
		store_reset(s);
	}
	return data_version;
}

const char *store_backend_name(void)
{
	return "sqlite";
}

static int map_rc(struct store *st, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_ROW:
		return STORE_ROW;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		snprintf(st->errmsg, sizeof st->errmsg, "database is busy");
		return STORE_BUSY;
	case SQLITE_CONSTRAINT:
		snprintf(st->errmsg, sizeof st->errmsg, "%s", sqlite3_errmsg(st->db));
		return STORE_CONSTRAINT;
	case SQLITE_TOOBIG:
		snprintf(st->errmsg, sizeof st->errmsg, "value too big");
		return STORE_TOOBIG;
	default:
		snprintf(st->errmsg, sizeof st->errmsg, "%s", sqlite3_errmsg(st->db));
		return STORE_ERROR;
	}
}

/* lower(): SQLite's own folds ASCII only, so "иван" would not find "Иван". This one folds every
 * letter Unicode knows (towlower in the C.UTF-8 locale), as PostgreSQL's lower() does. */
static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;
static void utf8_locale_init(void)
{
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static void sql_lower(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s = sqlite3_value_text(argv[0]);
	if (!s) {
		sqlite3_result_null(ctx);
		return;
	}
	int n = sqlite3_value_bytes(argv[0]);
	unsigned char *out = sqlite3_malloc(n * 2 + 1), *o = out;
	if (!out) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	for (int i = 0; i < n;) {
		unsigned c = s[i];
		int k = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
		if (k < 0 || i + k >= n) {
			*o++ = s[i++]; /* not UTF-8: copy the byte */
			continue;
		}
		unsigned cp = k == 0 ? c : c & (0x3F >> k);
		for (int j = 1; j <= k; j++)
			cp = (cp << 6) | (s[i + j] & 0x3F);
		wint_t lc = utf8_locale ? towlower_l((wint_t)cp, utf8_locale) : (wint_t)cp;
		if (lc < 0x80) {
			*o++ = (unsigned char)lc;
		} else if (lc < 0x800) {
			*o++ = (unsigned char)(0xC0 | (lc >> 6));
			*o++ = (unsigned char)(0x80 | (lc & 0x3F));
		} else if (lc < 0x10000) {
			*o++ = (unsigned char)(0xE0 | (lc >> 12));
			*o++ = (unsigned char)(0x80 | ((lc >> 6) & 0x3F));
			*o++ = (unsigned char)(0x80 | (lc & 0x3F));
		} else {
			*o++ = (unsigned char)(0xF0 | (lc >> 18));
			*o++ = (unsigned char)(0x80 | ((lc >> 12) & 0x3F));
			*o++ = (unsigned char)(0x80 | ((lc >> 6) & 0x3F));
			*o++ = (unsigned char)(0x80 | (lc & 0x3F));
		}
		i += k + 1;
	}
	sqlite3_result_text(ctx, (char *)out, (int)(o - out), sqlite3_free);
}

int store_open(struct store **out, const char *path)
{
	struct store *st = calloc(1, sizeof *st);
	if (!st)
		abort();
	int rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		log_error("store: cannot open %s: %s", path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
		sqlite3_close(st->db);
		free(st);
		return STORE_ERROR;
	}
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	pthread_once(&utf8_once, utf8_locale_init);
	sqlite3_commit_hook(st->db, on_commit, NULL);
	sqlite3_create_function(st->db, "lower", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_lower, NULL, NULL);
	sqlite3_extended_result_codes(st->db, 1);
	/* WAL lets readers run beside the one writer; NORMAL sync is durable across process
	 * crashes (not power loss of the last commits), which is the trade SQLite recommends. */
	rc = store_exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
			    "PRAGMA temp_store=MEMORY;"
			    /* Reads through the page cache of the kernel (no pread per page), and 32 MiB
			     * of SQLite's own cache per connection: a list page touches hundreds of pages
			     * of a million-row table. */
			    "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-32768;");
	if (rc) {
		log_error("store: cannot configure %s: %s", path, st->errmsg);
		store_close(st);
		return rc;
	}
	*out = st;
	return STORE_OK;
}

static void stmt_free(struct stmt *s)
{
	sqlite3_finalize(s->h);
	free(s->sql);
	free(s->map);
	free(s);
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->n_cache; i++)
		stmt_free(st->cache[i]);
	sqlite3_close(st->db);
	free(st);
}

int store_exec(struct store *st, const char *sql)
{
	char *err = NULL;
	double t0 = now_mono();
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, &err);
	st->time_spent += now_mono() - t0;
	if (rc != SQLITE_OK) {
		int r = map_rc(st, rc);
		snprintf(st->errmsg, sizeof st->errmsg, "%s", err ? err : sqlite3_errmsg(st->db));
		sqlite3_free(err);
		return r;
	}
	return STORE_OK;
}

int store_ping(struct store *st)
{
	return store_exec(st, "SELECT 1");
}

static uint64_t sql_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

struct stmt *store_prepare(struct store *st, const char *sql)
{
	st->clock++;
	uint64_t hash = sql_hash(sql);
	for (int i = 0; i < st->n_cache; i++) {
		struct stmt *s = st->cache[i];
		if (s->hash == hash && strcmp(s->sql, sql) == 0) {
			sqlite3_reset(s->h);
			sqlite3_clear_bindings(s->h);
			s->last_use = st->clock;
			return s;
		}
	}
	sqlite3_stmt *h;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &h, NULL);
	if (rc != SQLITE_OK) {
		map_rc(st, rc);
		log_error("store: prepare failed: %s in: %.200s", st->errmsg, sql);
		return NULL;
	}
	struct stmt *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->h = h;
	s->st = st;
	s->sql = strdup(sql);
	s->hash = hash;
	if (!s->sql)
		abort();
	int np = sqlite3_bind_parameter_count(h);
	for (int i = 1; i <= np; i++) {
		const char *name = sqlite3_bind_parameter_name(h, i);
		int64_t n;
		if (!name || name[0] != '$' || parse_i64(name + 1, &n) || n < 1 || n > 100000) {
			log_error("store: placeholder %s is not $n in: %.200s", name ? name : "?", sql);
			stmt_free(s);
			return NULL;
		}
		if (n >= s->n_map) {
			int nm = (int)n + 1;
			int *m = realloc(s->map, sizeof(int) * (size_t)nm);
			if (!m)
				abort();
			memset(m + s->n_map, 0, sizeof(int) * (size_t)(nm - s->n_map));
			s->map = m;
			s->n_map = nm;
		}
		s->map[n] = i;
	}
	if (st->n_cache == STMT_CACHE) {
		int oldest = 0;
		for (int i = 1; i < st->n_cache; i++)
			if (st->cache[i]->last_use < st->cache[oldest]->last_use)
				oldest = i;
		stmt_free(st->cache[oldest]);
		st->cache[oldest] = st->cache[--st->n_cache];
	}
	s->last_use = st->clock;
	st->cache[st->n_cache++] = s;
	return s;
}

static int idx(struct stmt *s, int n)
{
	return n > 0 && n < s->n_map ? s->map[n] : 0;
}

#define BIND(call)                                                                                                     \
	do {                                                                                                           \
		int i_ = idx(s, n);                                                                                    \
		if (!i_) {                                                                                             \
			snprintf(s->st->errmsg, sizeof s->st->errmsg, "no placeholder $%d", n);                       \
			return STORE_ERROR;                                                                            \
		}                                                                                                      \
		int rc_ = (call);                                                                                      \
		return rc_ == SQLITE_OK ? STORE_OK : map_rc(s->st, rc_);                                               \
	} while (0)

int store_bind_int(struct stmt *s, int n, int64_t v)
{
	BIND(sqlite3_bind_int64(s->h, i_, v));
}

int store_bind_double(struct stmt *s, int n, double v)
{
	BIND(sqlite3_bind_double(s->h, i_, v));
}

int store_bind_textn(struct stmt *s, int n, const char *v, size_t len)
{
	if (!v)
		return store_bind_null(s, n);
	BIND(sqlite3_bind_text64(s->h, i_, v, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

int store_bind_text(struct stmt *s, int n, const char *v)
{
	if (!v)
		return store_bind_null(s, n);
	return store_bind_textn(s, n, v, strlen(v));
}

int store_bind_null(struct stmt *s, int n)
{
	BIND(sqlite3_bind_null(s->h, i_));
}

int store_step(struct stmt *s)
{
	double t0 = now_mono();
	int rc = sqlite3_step(s->h);
	s->st->time_spent += now_mono() - t0;
	if (rc == SQLITE_ROW)
		return STORE_ROW;
	if (rc == SQLITE_DONE)
		return STORE_OK;
	int r = map_rc(s->st, rc);
	sqlite3_reset(s->h);
	return r;
}

int store_exec_stmt(struct stmt *s)
{
	int rc;
	while ((rc = store_step(s)) == STORE_ROW)
		;
	sqlite3_reset(s->h);
	return rc;
}

void store_col_copy(struct stmt *s, int i, char *dst, size_t n)
{
	if (dst && n)
		snprintf(dst, n, "%s", store_col_text(s, i));
}

int store_one_ints(struct stmt *s, int64_t *out, int n)
{
	int rc = store_step(s);
	if (rc == STORE_ROW) {
		for (int i = 0; i < n; i++)
			out[i] = store_col_int(s, i); /* NULL reads 0 */
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	sqlite3_reset(s->h);
	return rc;
}

int store_one_int(struct stmt *s, int64_t *out)
{
	return store_one_ints(s, out, 1);
}

int store_exec_changed(struct store *st, struct stmt *s)
{
	int rc = store_exec_stmt(s);
	if (!rc && store_last_changes(st) == 0)
		rc = STORE_NOTFOUND;
	return rc;
}

void store_reset(struct stmt *s)
{
	sqlite3_reset(s->h);
}

int store_col_count(struct stmt *s)
{
	return sqlite3_column_count(s->h);
}

const char *store_col_name(struct stmt *s, int i)
{
	return sqlite3_column_name(s->h, i);
}

bool store_col_isnull(struct stmt *s, int i)
{
	return sqlite3_column_type(s->h, i) == SQLITE_NULL;
}

int64_t store_col_int(struct stmt *s, int i)
{
	return sqlite3_column_int64(s->h, i);
}

double store_col_double(struct stmt *s, int i)
{
	return sqlite3_column_double(s->h, i);
}

const char *store_col_text(struct stmt *s, int i)
{
	const char *t = (const char *)sqlite3_column_text(s->h, i);
	return t ? t : "";
}

int store_tx_begin(struct store *st)
{
	char sql[64];
	if (st->tx_depth == 0)
		snprintf(sql, sizeof sql, "BEGIN");
	else
		snprintf(sql, sizeof sql, "SAVEPOINT sp%d", st->tx_depth);
	int rc = store_exec(st, sql);
	if (rc == STORE_OK)
		st->tx_depth++;
	return rc;
}

int store_tx_begin_write(struct store *st)
{
	if (st->tx_depth > 0)
		return store_tx_begin(st);
	int rc = store_exec(st, "BEGIN IMMEDIATE");
	if (rc == STORE_OK)
		st->tx_depth++;
	return rc;
}

int store_tx_commit(struct store *st)
{
	char sql[64];
	if (st->tx_depth <= 0)
		return STORE_ERROR;
	if (st->tx_depth == 1)
		snprintf(sql, sizeof sql, "COMMIT");
	else
		snprintf(sql, sizeof sql, "RELEASE sp%d", st->tx_depth - 1);
	int rc = store_exec(st, sql);
	if (rc == STORE_OK)
		st->tx_depth--;
	return rc;
}

int store_tx_rollback(struct store *st)
{
	char sql[80];
	if (st->tx_depth <= 0)
		return STORE_ERROR;
	if (st->tx_depth == 1)
		snprintf(sql, sizeof sql, "ROLLBACK");
	else
		snprintf(sql, sizeof sql, "ROLLBACK TO sp%d; RELEASE sp%d", st->tx_depth - 1, st->tx_depth - 1);
	int rc = store_exec(st, sql);
	st->tx_depth--; /* even on failure the transaction is over for the caller */
	return rc;
}

int64_t store_last_changes(struct store *st)
{
	return sqlite3_changes64(st->db);
}

const char *store_errmsg(struct store *st)
{
	return st->errmsg;
}

double store_time_spent(struct store *st)
{
	return st->time_spent;
}
