/* store.h — the storage interface. Every SQL statement in Voronka runs through it, and every
 * SQL text lives under src/store/ (the query files beside this header), so that a PostgreSQL
 * backend can stand behind the same calls without touching the modules.
 *
 * SQL dialect rules (both SQLite and PostgreSQL take them as written):
 *   - placeholders are $1, $2, … and store_bind_*() take the same numbers;
 *   - RETURNING for generated ids; INSERT … ON CONFLICT (…) DO UPDATE for upserts;
 *   - lower-case unquoted identifiers, none of them reserved words (users, not user);
 *   - dates are TEXT "YYYY-MM-DD hh:mm:ss" in UTC, which sorts and compares as text.
 *
 * A struct store is one connection, owned by one thread (each HTTP worker and each job worker
 * opens its own); it caches prepared statements by SQL text. A struct stmt obtained from
 * store_prepare() stays owned by the cache: use it, then store_reset() or let the next
 * store_prepare() of the same text reset it. All calls return STORE_OK (0) or a negative code;
 * store_step() also returns STORE_ROW. */
#ifndef VORONKA_STORE_H
#define VORONKA_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum store_rc {
	STORE_OK = 0,
	STORE_ROW = 1,          /* store_step(): a row is ready */
	STORE_BUSY = -1,        /* the database stayed locked past the busy timeout */
	STORE_CONSTRAINT = -2,  /* a unique, foreign-key or check constraint refused the change */
	STORE_NOTFOUND = -3,    /* the row asked for does not exist */
	STORE_ERROR = -4,       /* anything else: the message is in store_errmsg() */
	STORE_TOOBIG = -5,      /* a value or query over its limit */
};

struct store;
struct stmt;

/* Open (creating if needed) the database at path; applies pragmas. */
int store_open(struct store **out, const char *path);
void store_close(struct store *st);
/* Apply the numbered migrations not yet applied; returns the schema version in *version. */
int store_migrate(struct store *st, int *version);
int store_schema_version(struct store *st, int *version);
int store_latest_version(void);

struct stmt *store_prepare(struct store *st, const char *sql);
int store_bind_int(struct stmt *s, int idx, int64_t v);
int store_bind_double(struct stmt *s, int idx, double v);
int store_bind_text(struct stmt *s, int idx, const char *v); /* NULL binds SQL NULL */
int store_bind_textn(struct stmt *s, int idx, const char *v, size_t n);
int store_bind_null(struct stmt *s, int idx);
int store_step(struct stmt *s);
/* Step a statement that returns no rows (or whose rows are ignored) and reset it. */
int store_exec_stmt(struct stmt *s);
void store_reset(struct stmt *s);
int store_col_count(struct stmt *s);
const char *store_col_name(struct stmt *s, int i);
bool store_col_isnull(struct stmt *s, int i);
int64_t store_col_int(struct stmt *s, int i);
double store_col_double(struct stmt *s, int i);
const char *store_col_text(struct stmt *s, int i); /* "" for NULL; valid until the next step */

/* Is the database reachable? (/healthz) */
int store_ping(struct store *st);
/* For the query files (q_*.c): prepare or return STORE_ERROR from the calling function. */
#define STORE_PREP(s, st, sql)                                                                                         \
	do {                                                                                                           \
		(s) = store_prepare((st), (sql));                                                                      \
		if (!(s))                                                                                              \
			return STORE_ERROR;                                                                            \
	} while (0)
/* Copy column i as text into dst (n bytes, cut if longer); dst may be NULL. */
void store_col_copy(struct stmt *s, int i, char *dst, size_t n);
/* Run (and reset) a statement that yields one integer; STORE_NOTFOUND without a row. */
int store_one_int(struct stmt *s, int64_t *out);
/* The same for a row of n integers (columns 0..n-1). */
int store_one_ints(struct stmt *s, int64_t *out, int n);
/* Run (and reset) a statement expected to change rows; STORE_NOTFOUND when it changed none. */
int store_exec_changed(struct store *st, struct stmt *s);
/* Run SQL text with no parameters (DDL, pragmas). */
int store_exec(struct store *st, const char *sql);
/* Transactions. begin_write takes the write lock at once (SQLite BEGIN IMMEDIATE), so that
 * read-then-write sequences do not deadlock under concurrency. */
int store_tx_begin(struct store *st);
int store_tx_begin_write(struct store *st);
int store_tx_commit(struct store *st);
int store_tx_rollback(struct store *st);
int64_t store_last_changes(struct store *st);
/* A number that changes whenever any committed write may have changed what a query returns (our
 * own connections' commits, and other processes' as this connection sees them). Caches of query
 * results (list counts, paging anchors) are valid while it stays the same. */
uint64_t store_data_version(struct store *st);
const char *store_errmsg(struct store *st);
/* Seconds spent inside the database by this connection, for /metrics. */
double store_time_spent(struct store *st);
const char *store_backend_name(void);

#endif
