/* bare.c — the baseline of crm.deal.get in bench/crm/run.sh: libmicrohttpd and SQLite alone. Any
 * GET with ?id=N (or ID=N) reads that row of crm_deal and answers it in crm.deal.get's shape:
 * {"result": {"ID": "1", "TITLE": …, every column upper-cased, as text or null}, "time": {…}},
 * or {"error": "NOT_FOUND"} with 400. Same threading model as src/http/server.c (MHD's polling
 * thread with epoll and a pool of one thread per core, the answer queued on the second call of the
 * handler) and one read-only connection per thread with its statement prepared once. What voronka
 * adds on top of this (parameter parsing, auth, dispatch, the field table, the envelope) is its
 * own cost.
 *
 *   bare PORT DB_FILE      (runs until SIGINT/SIGTERM) */
#include <jansson.h>
#include <microhttpd.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <unistd.h>

static const char *db_path;
static volatile sig_atomic_t stop;

/* One connection and statement per MHD thread, opened on its first request. */
static __thread sqlite3 *db;
static __thread sqlite3_stmt *get_stmt;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static int open_db(void)
{
	if (get_stmt)
		return 0;
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(db, 5000);
	return sqlite3_prepare_v3(db, "SELECT * FROM crm_deal WHERE id = ?1", -1, SQLITE_PREPARE_PERSISTENT, &get_stmt,
				  NULL) == SQLITE_OK ? 0 : -1;
}

/* The row as crm.deal.get shows it: upper-case names, values as text, NULL as null. */
static json_t *read_row(int64_t id)
{
	sqlite3_bind_int64(get_stmt, 1, id);
	json_t *row = NULL;
	if (sqlite3_step(get_stmt) == SQLITE_ROW) {
		row = json_object();
		int n = sqlite3_column_count(get_stmt);
		for (int i = 0; i < n; i++) {
			char name[64];
			const char *c = sqlite3_column_name(get_stmt, i);
			size_t k = 0;
			for (; c[k] && k + 1 < sizeof name; k++)
				name[k] = (char)(c[k] >= 'a' && c[k] <= 'z' ? c[k] - 32 : c[k]);
			name[k] = 0;
			const unsigned char *v = sqlite3_column_text(get_stmt, i);
			json_object_set_new(row, name, v ? json_string((const char *)v) : json_null());
		}
	}
	sqlite3_reset(get_stmt);
	return row;
}

static enum MHD_Result answer(struct MHD_Connection *conn, int status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return MHD_NO;
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	static int started; /* any non-NULL marker: the headers call has been seen */
	(void)cls, (void)url, (void)method, (void)version, (void)upload_data;
	if (!*con_cls) {
		*con_cls = &started;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	double t0 = now();
	const char *id = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "id");
	if (!id)
		id = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "ID");
	if (open_db())
		return answer(conn, 500, json_pack("{s:s}", "error", "INTERNAL_SERVER_ERROR"));
	json_t *row = id ? read_row(strtoll(id, NULL, 10)) : NULL;
	if (!row)
		return answer(conn, 400, json_pack("{s:s,s:s}", "error", "NOT_FOUND", "error_description", "Not found"));
	double t1 = now();
	json_t *time = json_pack("{s:f,s:f,s:f,s:f,s:s,s:s,s:I,s:f}", "start", t0, "finish", t1, "duration", t1 - t0,
				 "processing", t1 - t0, "date_start", "2026-01-01T00:00:00+00:00", "date_finish",
				 "2026-01-01T00:00:00+00:00", "operating_reset_at", (json_int_t)t1 + 600, "operating", 0.0);
	return answer(conn, 200, json_pack("{s:o,s:o}", "result", row, "time", time));
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s PORT DB_FILE\n", argv[0]);
		return 2;
	}
	db_path = argv[2];
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = cores > 0 ? (unsigned)cores : 2;
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, (uint16_t)strtoul(argv[1], NULL, 10), NULL,
		NULL, on_request, NULL, MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT, 1000u,
		MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "cannot listen on port %s\n", argv[1]);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop)
		pause();
	MHD_stop_daemon(d);
	return 0;
}
