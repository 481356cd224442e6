/* server.c — libmicrohttpd glue: daemon options and limits, the per-request state, routing,
 * answers (with gzip), the per-thread store connection, /healthz, the access log. */
#include "http/http.h"
#include "http/io_http.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/util.h"
#include "core/version.h"
#include "rest/rest.h"
#include "store/store.h"
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#define REQ_ARENA_CEILING (256u << 20) /* per request; bodies are bounded by max_body before this */
#define GZIP_MIN 1024                  /* smaller answers are not worth compressing */

/* ---- one store connection per HTTP thread ---- */

struct worker {
	struct store *st;
	struct server *srv;
	double db_seen; /* store_time_spent already reported to metrics */
};

static pthread_key_t worker_key;
static pthread_once_t worker_once = PTHREAD_ONCE_INIT;

static void worker_free(void *p)
{
	struct worker *w = p;
	store_close(w->st);
	free(w);
}

static void worker_key_init(void)
{
	if (pthread_key_create(&worker_key, worker_free))
		abort();
}

static struct worker *this_worker(struct server *srv)
{
	pthread_once(&worker_once, worker_key_init);
	struct worker *w = pthread_getspecific(worker_key);
	if (w)
		return w;
	struct store *st;
	if (store_open(&st, srv->db_path))
		return NULL;
	w = calloc(1, sizeof *w);
	if (!w)
		abort();
	w->st = st;
	w->srv = srv;
	pthread_setspecific(worker_key, w);
	return w;
}

struct store *server_store(struct server *srv)
{
	struct worker *w = this_worker(srv);
	return w ? w->st : NULL;
}

/* ---- request helpers ---- */

const char *http_header(struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *http_client_ip(struct http_req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	static const char unknown[] = "-";
	if (!ci || !ci->client_addr)
		return unknown;
	char *ip = arena_alloc(r->arena, 64);
	if (!ip)
		return unknown;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, 64);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, 64);
	else
		return unknown;
	return ip;
}

const char *http_query(struct http_req *r)
{
	const char *q = r->uri ? strchr(r->uri, '?') : NULL;
	return q ? q + 1 : "";
}

static bool accepts_gzip(struct http_req *r)
{
	const char *ae = http_header(r, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	return ae && strcasestr(ae, "gzip");
}

/* gzip into a malloc'd buffer; NULL if it failed or did not help. */
static void *gzip_body(const void *in, size_t n, size_t *out_n)
{
	z_stream z = {0};
	if (deflateInit2(&z, 5, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	size_t cap = deflateBound(&z, n);
	unsigned char *out = malloc(cap);
	if (!out)
		abort();
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	deflateEnd(&z);
	if (rc != Z_STREAM_END || z.total_out >= n) {
		free(out);
		return NULL;
	}
	*out_n = z.total_out;
	return out;
}

enum MHD_Result http_send(struct http_req *r, struct http_resp *resp)
{
	struct MHD_Response *mr;
	void *gz = NULL;
	size_t gz_n = 0;
	if (resp->compress && resp->len >= GZIP_MIN && accepts_gzip(r))
		gz = gzip_body(resp->body, resp->len, &gz_n);
	if (gz)
		mr = MHD_create_response_from_buffer(gz_n, gz, MHD_RESPMEM_MUST_FREE);
	else
		mr = MHD_create_response_from_buffer(resp->len, (void *)resp->body, MHD_RESPMEM_MUST_COPY);
	if (!mr)
		return MHD_NO;
	if (resp->content_type)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
	if (gz)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	if (resp->compress)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	MHD_add_response_header(mr, MHD_HTTP_HEADER_CACHE_CONTROL, resp->cache ? resp->cache : "no-store");
	MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
	for (int i = 0; i < resp->n_headers; i++)
		MHD_add_response_header(mr, resp->headers[i][0], resp->headers[i][1]);
	enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)resp->status, mr);
	MHD_destroy_response(mr);
	r->answered = true;
	r->status = resp->status;
	r->bytes_out = gz ? gz_n : resp->len;
	return ret;
}

enum MHD_Result http_send_json(struct http_req *r, int status, json_t *j)
{
	/* Keep the real Unicode (not \u escapes): smaller, and every JSON client reads it. 15
	 * significant digits print a money value rounded to cents as 555.56, not 555.55999999999995,
	 * and still tell apart every number a decimal of 15 digits can hold. */
	char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(j);
	if (!text)
		return MHD_NO;
	struct http_resp resp = {.status = status, .content_type = "application/json; charset=utf-8",
				 .body = text, .len = strlen(text), .compress = true};
	enum MHD_Result ret = http_send(r, &resp);
	free(text);
	return ret;
}

enum MHD_Result http_send_error(struct http_req *r, int e, const char *desc)
{
	char path[512];
	snprintf(path, sizeof path, "%s", r->path ? r->path : "-");
	http_mask_secrets(path);
	log_info("http: %s %s: %s %s", r->method, path, rest_error_code((enum rest_error)e), desc);
	return http_send_json(r, rest_error_status((enum rest_error)e), rest_error_envelope((enum rest_error)e, desc));
}

enum MHD_Result http_redirect(struct http_req *r, const char *location, const char *set_cookie)
{
	struct http_resp resp = {.status = 303, .content_type = "text/plain; charset=utf-8", .body = "", .len = 0};
	resp.headers[resp.n_headers][0] = MHD_HTTP_HEADER_LOCATION;
	resp.headers[resp.n_headers++][1] = location;
	if (set_cookie) {
		resp.headers[resp.n_headers][0] = MHD_HTTP_HEADER_SET_COOKIE;
		resp.headers[resp.n_headers++][1] = set_cookie;
	}
	return http_send(r, &resp);
}

enum MHD_Result http_healthz(struct http_req *r)
{
	struct store *st = server_store(r->srv);
	int db_ok = st && store_ping(st) == STORE_OK;
	json_t *j = json_pack("{s:s,s:s,s:s}", "status", db_ok ? "ok" : "error", "version", VORONKA_VERSION, "database",
			      db_ok ? "ok" : "unavailable");
	return http_send_json(r, db_ok ? 200 : 503, j);
}

/* ---- routing ---- */

typedef enum MHD_Result (*route_fn)(struct http_req *r);
static const struct route {
	const char *method; /* NULL: any */
	const char *path;   /* exact, or a prefix when it ends with '/' */
	route_fn fn;
} routes[] = {
	{NULL, "/rest/", http_rest},
	{"GET", "/healthz", http_healthz},
	{"GET", "/metrics", http_metrics},
	{"GET", "/login", http_login_page},
	{"POST", "/login", http_login_post},
	{"POST", "/logout", http_logout},
	{"GET", "/", http_index},
	{"GET", "/crm/export/", http_crm_export},
	{"GET", "/events", http_events},
	{"GET", "/events/", http_events},
};

static enum MHD_Result route(struct http_req *r)
{
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const struct route *rt = &routes[i];
		if (rt->method && strcmp(rt->method, r->method) != 0)
			continue;
		size_t n = strlen(rt->path);
		bool prefix = n > 1 && rt->path[n - 1] == '/';
		if (prefix ? strncmp(r->path, rt->path, n) == 0 : strcmp(r->path, rt->path) == 0)
			return rt->fn(r);
	}
	/* Everything else read-only is a file of the UI under web/. */
	if (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"))
		return http_static(r);
	return http_send_error(r, ERR_METHOD_NOT_FOUND, "Not found");
}

/* ---- libmicrohttpd callbacks ---- */

/* Called with the raw request target before MHD parses it: the only place the query string is
 * seen exactly as sent (MHD hands the handler its own decoding). Its return value becomes the
 * connection's per-request pointer. */
static void *uri_log_cb(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct server *srv = cls;
	struct http_req *r = calloc(1, sizeof *r);
	if (!r)
		abort();
	r->srv = srv;
	r->conn = conn;
	r->arena = arena_new(REQ_ARENA_CEILING);
	r->uri = arena_strdup(r->arena, uri ? uri : "");
	r->t0 = now_mono();
	buf_init(&r->body, srv->cfg.max_body);
	return r;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	size_t *total = cls;
	*total += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct http_req *r = *con_cls;
	if (!r) /* no URI log call happened (should not): make the state now */
		*con_cls = r = uri_log_cb(cls, url, conn);
	if (!r->started) {
		r->started = true;
		r->method = arena_strdup(r->arena, method);
		r->path = arena_strdup(r->arena, url);
		size_t hb = strlen(r->uri);
		MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, &hb);
		if (hb > r->srv->cfg.max_header)
			return http_send_error(r, ERR_HEADERS_TOO_LARGE, "Request line and headers are too large");
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		int64_t len;
		if (cl && parse_i64(cl, &len) == 0 && (uint64_t)len > r->srv->cfg.max_body) {
			/* Refuse before reading it; MHD closes the connection after this answer. */
			r->body_too_big = true;
			return http_send_error(r, ERR_TOO_LARGE, "Request body is too large");
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->answered && !r->body_too_big && buf_append(&r->body, upload_data, *upload_size))
			r->body_too_big = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->answered)
		return MHD_YES;
	if (r->body_too_big)
		return http_send_error(r, ERR_TOO_LARGE, "Request body is too large");
	return route(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct http_req *r = *con_cls;
	if (!r)
		return;
	double dt = now_mono() - r->t0;
	if (r->started) {
		metrics_observe(srv->metrics, r->method, r->status ? r->status : 499, dt);
		struct worker *w = pthread_getspecific(worker_key);
		if (w) {
			double spent = store_time_spent(w->st);
			metrics_add_db(srv->metrics, spent - w->db_seen);
			w->db_seen = spent;
		}
	}
	if (srv->access_log && r->started) {
		/* Never log a webhook's secret: the secret in /rest/{id}/{secret}/… is replaced by *** */
		char path[512];
		snprintf(path, sizeof path, "%s", r->path ? r->path : "-");
		http_mask_secrets(path);
		char ts[40];
		iso8601_local(time(NULL), ts, sizeof ts);
		fprintf(srv->access_log, "%s %s %s \"%s %s\" %d %zu %.1fms user=%lld%s\n", ts, http_client_ip(r),
			srv->tls ? "https" : "http", r->method ? r->method : "-", path, r->status ? r->status : 499,
			r->bytes_out, dt * 1000, (long long)r->user_id,
			toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
		fflush(srv->access_log);
	}
	buf_release(&r->body);
	arena_free(r->arena);
	free(r);
	*con_cls = NULL;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b;
	buf_init(&b, 1 << 20);
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		if (buf_append(&b, tmp, n)) {
			buf_release(&b);
			fclose(f);
			return NULL;
		}
	fclose(f);
	return buf_detach(&b, NULL);
}

int server_start(struct server *srv)
{
	if (rest_table_check())
		return -1;
	config_db_path(&srv->cfg, srv->db_path, sizeof srv->db_path);
	srv->metrics = metrics_new();
	if (!strcmp(srv->cfg.access_log, "-"))
		srv->access_log = stderr;
	else if (srv->cfg.access_log[0]) {
		srv->access_log = fopen(srv->cfg.access_log, "a");
		if (!srv->access_log) {
			log_error("cannot open access log %s: %s", srv->cfg.access_log, strerror(errno));
			return -1;
		}
	}
	unsigned threads = srv->cfg.threads;
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 2;
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv->cfg.listen_port)};
	if (inet_pton(AF_INET, srv->cfg.listen_host, &sa.sin_addr) != 1) {
		log_error("listen address %s is not an IPv4 address", srv->cfg.listen_host);
		return -1;
	}
	/* Suspend/resume: an events stream waits off the pool threads (http/events.c). */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_ITC |
			 MHD_ALLOW_SUSPEND_RESUME;
	if (srv->cfg.tls_cert[0] && srv->cfg.tls_key[0]) {
		srv->tls_cert_pem = slurp(srv->cfg.tls_cert);
		srv->tls_key_pem = slurp(srv->cfg.tls_key);
		if (!srv->tls_cert_pem || !srv->tls_key_pem) {
			log_error("cannot read the TLS pair %s / %s", srv->cfg.tls_cert, srv->cfg.tls_key);
			return -1;
		}
		flags |= MHD_USE_TLS;
		srv->tls = true;
	}
	/* MHD's own buffer must hold the request line and headers we accept (a GET batch of 50
	 * commands); past it MHD itself answers 414/431. */
	size_t mem = srv->cfg.max_header + (16u << 10);
	struct MHD_OptionItem tls_opts[] = {
		{MHD_OPTION_HTTPS_MEM_CERT, 0, srv->tls_cert_pem},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, srv->tls_key_pem},
		{MHD_OPTION_END, 0, NULL},
	};
	srv->daemon = MHD_start_daemon(
		/* the logger first: MHD reports through it from the next option on (and masks nothing
		 * before it) */
		flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, http_io_mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_URI_LOG_CALLBACK, uri_log_cb, srv,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT, srv->cfg.max_connections,
		MHD_OPTION_CONNECTION_TIMEOUT, srv->cfg.request_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, mem,
		/* No LISTENING_ADDRESS_REUSE: MHD's default, SO_REUSEADDR alone, restarts at once after a
		 * stop; SO_REUSEPORT would let a second server bind the same port and split the traffic. */
		MHD_OPTION_ARRAY, srv->tls ? tls_opts : tls_opts + 2,
		MHD_OPTION_END);
	if (!srv->daemon) {
		log_error("cannot listen on %s:%d", srv->cfg.listen_host, srv->cfg.listen_port);
		return -1;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (di)
		srv->cfg.listen_port = di->port;
	log_info("listening on %s://%s:%d (%u threads)", srv->tls ? "https" : "http", srv->cfg.listen_host,
		 srv->cfg.listen_port, threads);
	return 0;
}

void server_stop(struct server *srv)
{
	if (srv->daemon) {
		/* Stop accepting; requests in flight finish, then the threads (and their store
		 * connections, closed by the thread-key destructor) end. */
		MHD_quiesce_daemon(srv->daemon);
		/* Events streams never finish by themselves: end them (MHD must not stop with one
		 * suspended). */
		http_events_stop();
		/* Give requests in flight up to 5 s to be answered before the threads stop. */
		for (int i = 0; i < 500; i++) {
			const union MHD_DaemonInfo *di =
				MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
			if (!di || di->num_connections == 0)
				break;
			usleep(10000);
		}
		MHD_stop_daemon(srv->daemon);
		srv->daemon = NULL;
	}
	if (srv->access_log && srv->access_log != stderr)
		fclose(srv->access_log);
	srv->access_log = NULL;
	metrics_free(srv->metrics);
	srv->metrics = NULL;
	free(srv->tls_cert_pem);
	free(srv->tls_key_pem);
}
