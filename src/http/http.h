/* http.h — the HTTP side on libmicrohttpd: the server, one request's state, answers, and the
 * route handlers' signature. The flow of a request (docs/ARCHITECTURE.md tells it in full):
 *
 *   MHD accept → uri_log_cb (new struct http_req with its arena and the raw URI)
 *   → on_request, called several times: first the headers (limits are checked), then the body
 *     in pieces (buffered up to max_body), then once more with nothing, when the route runs and
 *     queues the answer (never earlier: queuing on the first call breaks keep-alive)
 *   → on_completed: access log, metrics, arena freed.
 *
 * Each HTTP thread has its own store connection (server_store()), opened on first use. */
#ifndef VORONKA_HTTP_H
#define VORONKA_HTTP_H
#include <microhttpd.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/buf.h"
#include "core/config.h"

struct arena;
struct store;
struct jobs;

struct metrics; /* metrics.c */

struct server {
	struct config cfg;
	char db_path[CONFIG_PATH + 32];
	struct MHD_Daemon *daemon;
	bool tls;
	char *tls_cert_pem, *tls_key_pem; /* kept for MHD's lifetime */
	FILE *access_log;                 /* NULL: none */
	struct metrics *metrics;
	struct jobs *jobs;                /* the job queue's workers, when job_workers > 0 */
};

struct http_req {
	struct server *srv;
	struct MHD_Connection *conn;
	struct arena *arena;
	char *uri;           /* the raw request target, query included (from MHD's URI log hook) */
	const char *method;  /* GET, POST, … */
	const char *path;    /* the path as MHD decoded it */
	struct buf body;     /* the request body, up to cfg.max_body */
	bool started;        /* the headers call has been seen */
	bool body_too_big;
	bool answered;       /* a response has been queued */
	double t0;           /* monotonic start, for latency */
	int status;          /* the status sent, for the access log and metrics */
	size_t bytes_out;
	int64_t user_id;     /* who it ran as, for the access log (0: nobody) */
};

#define HTTP_MAX_HEADERS 6
struct http_resp {
	int status;
	const char *content_type;
	const void *body;   /* copied by http_send */
	size_t len;
	bool compress;      /* gzip when the client accepts it and it is worth it */
	const char *cache;  /* Cache-Control, NULL for no-store */
	int n_headers;
	const char *headers[HTTP_MAX_HEADERS][2];
};

enum MHD_Result http_send(struct http_req *r, struct http_resp *resp);
enum MHD_Result http_send_json(struct http_req *r, int status, json_t *j); /* steals j */
enum MHD_Result http_send_error(struct http_req *r, int rest_error, const char *desc);
enum MHD_Result http_redirect(struct http_req *r, const char *location, const char *set_cookie);
const char *http_header(struct http_req *r, const char *name);
const char *http_cookie(struct http_req *r, const char *name);
const char *http_client_ip(struct http_req *r);
/* The query string of the raw URI (without '?'), or "" */
const char *http_query(struct http_req *r);
/* This thread's database connection (opened on first use); NULL if it cannot be opened. */
struct store *server_store(struct server *srv);

int server_start(struct server *srv);
void server_stop(struct server *srv);

/* Route handlers (one file per family). */
enum MHD_Result http_rest(struct http_req *r);      /* /rest/… (rest_http.c) */
enum MHD_Result http_static(struct http_req *r);    /* web/ files (static.c) */
enum MHD_Result http_metrics(struct http_req *r);   /* /metrics (metrics.c) */
enum MHD_Result http_healthz(struct http_req *r);   /* /healthz (server.c) */
enum MHD_Result http_login_page(struct http_req *r);  /* GET /login (session.c) */
enum MHD_Result http_login_post(struct http_req *r);  /* POST /login */
enum MHD_Result http_logout(struct http_req *r);      /* POST /logout */
enum MHD_Result http_index(struct http_req *r);       /* GET / */

/* metrics.c */
struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);
void metrics_observe(struct metrics *m, const char *method, int status, double seconds);
void metrics_add_db(struct metrics *m, double seconds);

#endif
