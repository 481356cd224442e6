/* events.c — GET /events: the live events stream (P9, a Voronka extension; Bitrix24 has none).
 * Each added, changed or deleted CRM item is a row of crm_event (written by the item's own
 * transaction); this file sends them to browsers as Server-Sent Events:
 *
 *   id: 42
 *   event: crm
 *   data: {"entityTypeId":2,"id":5,"action":"update","userId":1}
 *
 * and each notification added, read, unread or deleted (P6, im/notify.c) to its recipient's
 * streams only, decided from the row's recipient_id alone (no query per stream):
 *
 *   id: 43
 *   event: notify
 *   data: {"id":7,"action":"add","userId":5}
 *
 * Threads: MHD's pool threads are few (one per core), so no stream may hold one while it waits.
 * A stream is an MHD response read through sse_read(); when it has nothing to send it suspends
 * its connection and returns 0 bytes, which frees the pool thread. One poller thread per process
 * reads crm_event every SSE_POLL_MS, appends the new events to each stream's buffer and resumes
 * the connections that have something to send. The poller reads once per distinct cursor (the
 * last id a stream has), and nearly every stream shares the newest one, so a hundred open tabs
 * cost one query per poll, not a hundred. A stream that resumes with Last-Event-ID simply starts
 * with an older cursor and catches up from the table, SSE_BATCH events per poll.
 *
 * Locking: ev.mu guards the client list and every field of every client. sse_read() suspends
 * while holding it, so that the poller cannot miss a suspension; the poller resumes after
 * releasing it (MHD takes its own locks inside both calls). */
#include "http/io_http.h"
#include "core/arena.h"
#include "crm/access.h"
#include "store/q_user.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/util.h"
#include "rest/params.h"
#include "store/q_crm_event.h"
#include "store/store.h"
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SSE_POLL_MS 250            /* how often the poller looks at crm_event */
#define SSE_HEARTBEAT_S 15         /* a comment line after this much silence keeps proxies open */
#define SSE_BATCH 500              /* events read per cursor per poll */
#define SSE_MAX_CURSORS 32         /* distinct cursors served per poll; others wait one poll */
#define SSE_OUT_MAX (1u << 20)     /* bytes waiting for a client that does not read; past it the
				    * stream ends and the client reconnects with Last-Event-ID */
#define SSE_BLOCK 16384            /* MHD's read size */
#define SSE_RETRY_MS 3000          /* the reconnection delay we ask browsers for */

struct sse_client {
	struct sse_client *next;
	struct MHD_Connection *conn;
	int64_t user_id;      /* whom the stream is for: the rights filter asks about it */
	bool wants_crm;       /* the webhook's scopes allow crm: CRM changes */
	bool wants_notify;    /* …allow im: the user's notification events */
	struct arena *rights_arena; /* holds rights: the user's CRM rights, reloaded every few seconds */
	struct crm_rights *rights;
	double rights_at;
	int64_t cursor;       /* the last event id queued for it */
	struct buf out;       /* bytes not yet read by MHD */
	size_t out_pos;       /* how much of out MHD has read */
	double last_queued;   /* monotonic time bytes were last queued, for the heartbeat */
	bool is_suspended;    /* sse_read suspended the connection; only the poller resumes it */
	bool is_closing;      /* end the stream once out is drained */
	bool is_gone;         /* MHD released the response: the poller frees the client */
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;            /* wakes the poller early when stopping */
	struct sse_client *clients;
	bool is_running;              /* the poller thread exists */
	bool is_stopping;             /* http_events_stop() was called: no new streams */
	pthread_t thread;
	char db_path[CONFIG_PATH + 32];
} ev = {.mu = PTHREAD_MUTEX_INITIALIZER};

static pthread_once_t ev_once = PTHREAD_ONCE_INIT;

static void ev_init(void)
{
	pthread_condattr_t attr;
	if (pthread_condattr_init(&attr) || pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) ||
	    pthread_cond_init(&ev.cv, &attr))
		abort();
	pthread_condattr_destroy(&attr);
}

static void client_free(struct sse_client *c)
{
	arena_free(c->rights_arena);
	buf_release(&c->out);
	free(c);
}

/* Drop the clients MHD is done with. Called with ev.mu held. */
static void reap_gone(void)
{
	for (struct sse_client **pp = &ev.clients; *pp;) {
		struct sse_client *c = *pp;
		if (c->is_gone) {
			*pp = c->next;
			client_free(c);
		} else {
			pp = &c->next;
		}
	}
}

/* Queue bytes for a client; a client that has too much waiting is closed instead. ev.mu held. */
static void client_queue(struct sse_client *c, const char *s, size_t n)
{
	if (c->is_closing)
		return;
	if (c->out_pos == c->out.len) { /* all read: start the buffer over */
		buf_reset(&c->out);
		c->out_pos = 0;
	} else if (c->out_pos >= c->out.len / 2) {
		/* Mostly read: drop the read part, so that only unread bytes count against the
		 * ceiling of a client that reads steadily but never quite catches up. */
		memmove(c->out.data, c->out.data + c->out_pos, c->out.len - c->out_pos);
		c->out.len -= c->out_pos;
		c->out.data[c->out.len] = 0;
		c->out_pos = 0;
	}
	if (buf_append(&c->out, s, n)) {
		log_warn("events: a stream of user %" PRId64 " does not read; closing it", c->user_id);
		c->is_closing = true;
		return;
	}
	c->last_queued = now_mono();
}

/* One event in SSE form into out (n bytes); 0 when it must not be sent. */
static size_t event_format(const struct q_crm_event *e, char *out, size_t n)
{
	/* The action comes from our own write path; anything but a lower-case word is skipped
	 * rather than written into the stream's framing. */
	if (!e->action[0] || strspn(e->action, "abcdefghijklmnopqrstuvwxyz") != strlen(e->action))
		return 0;
	int k;
	if (e->recipient_id > 0) /* a notification: its id, what happened, whose it is */
		k = snprintf(out, n,
			     "id: %" PRId64 "\nevent: notify\ndata: {\"id\":%" PRId64 ",\"action\":\"%s\",\"userId\":%" PRId64
			     "}\n\n",
			     e->id, e->entity_id, e->action, e->recipient_id);
	else
		k = snprintf(out, n,
			     "id: %" PRId64 "\nevent: crm\ndata: {\"entityTypeId\":%" PRId64 ",\"id\":%" PRId64
			     ",\"action\":\"%s\",\"userId\":%" PRId64 "}\n\n",
			     e->id, e->entity_type_id, e->entity_id, e->action, e->user_id);
	return k > 0 && (size_t)k < n ? (size_t)k : 0;
}

#define SSE_RIGHTS_TTL 5.0 /* seconds a stream's rights are kept before they are read again */

/* May the stream's user see this event? A notification event goes to its recipient alone (the
 * row says whose it is: no query). For a CRM change, the user's CRM rights (crm/access.h) judge
 * the item as it is now; a deletion carries no data but the ID, and goes to everyone so that
 * screens drop it. */
static bool client_may_see(struct store *st, struct sse_client *c, const struct q_crm_event *e)
{
	if (e->recipient_id > 0) /* a notification event: its recipient's, nobody else's */
		return c->wants_notify && e->recipient_id == c->user_id;
	if (!c->wants_crm)
		return false;
	if (!strcmp(e->action, "delete"))
		return true;
	double now = now_mono();
	if (!c->rights || now - c->rights_at > SSE_RIGHTS_TTL) {
		arena_free(c->rights_arena);
		c->rights_arena = arena_new(SSE_OUT_MAX);
		c->rights = NULL;
		bool is_admin = false, active = false;
		if (q_user_flags(st, c->user_id, &is_admin, &active) ||
		    crm_rights_load(st, c->rights_arena, c->user_id, is_admin && active, &c->rights))
			return false;
		c->rights_at = now;
	}
	if (crm_rights_is_admin(c->rights))
		return true;
	struct arena *a = arena_new(SSE_OUT_MAX);
	struct rest_auth auth = {.kind = AUTH_INTERNAL, .user_id = c->user_id};
	struct rest_call call = {.arena = a, .st = st, .auth = &auth, .crm_rights = c->rights};
	struct crm_ctx x = {.call = &call, .t = crm_type_by_id(e->entity_type_id)};
	bool ok = x.t && crm_access_can(&x, CRM_OP_READ, e->entity_id);
	arena_free(a);
	return ok;
}

/* Give the events read after `cursor` to every stream at that cursor, each only those of
 * items its user may see (the cursor still moves past the others). ev.mu held. */
static void deliver(struct store *st, int64_t cursor, const struct q_crm_event *evs, size_t n)
{
	char line[256];
	for (struct sse_client *c = ev.clients; c; c = c->next) {
		if (c->is_gone || c->is_closing || c->cursor != cursor)
			continue;
		for (size_t i = 0; i < n; i++) {
			if (!client_may_see(st, c, &evs[i]))
				continue;
			size_t k = event_format(&evs[i], line, sizeof line);
			if (k)
				client_queue(c, line, k);
		}
		c->cursor = evs[n - 1].id;
	}
}

/* The distinct cursors behind `last`, at most max. ev.mu held. */
static size_t lagging_cursors(int64_t last, int64_t *out, size_t max)
{
	size_t n = 0;
	for (struct sse_client *c = ev.clients; c && n < max; c = c->next) {
		if (c->is_gone || c->is_closing || c->cursor >= last)
			continue;
		bool seen = false;
		for (size_t i = 0; i < n && !seen; i++)
			seen = out[i] == c->cursor;
		if (!seen)
			out[n++] = c->cursor;
	}
	return n;
}

/* Read what the lagging streams miss and hand it to them. */
static void poll_events(struct store *st, struct q_crm_event *buf)
{
	int64_t first, last;
	if (q_crm_event_bounds(st, &first, &last)) {
		log_warn("events: cannot read crm_event: %s", store_errmsg(st));
		return;
	}
	int64_t cursors[SSE_MAX_CURSORS];
	pthread_mutex_lock(&ev.mu);
	size_t n_cursors = lagging_cursors(last, cursors, SSE_MAX_CURSORS);
	pthread_mutex_unlock(&ev.mu);
	for (size_t i = 0; i < n_cursors; i++) {
		size_t n;
		if (q_crm_event_since(st, cursors[i], buf, SSE_BATCH, &n)) {
			log_warn("events: cannot read crm_event: %s", store_errmsg(st));
			return;
		}
		if (n == 0)
			continue;
		pthread_mutex_lock(&ev.mu);
		deliver(st, cursors[i], buf, n);
		pthread_mutex_unlock(&ev.mu);
	}
}

/* Heartbeats, then the connections to resume (those suspended with something to do) into
 * out; returns how many. ev.mu held. */
static size_t tick_clients(struct MHD_Connection **out, size_t max)
{
	size_t n = 0;
	double now = now_mono();
	for (struct sse_client *c = ev.clients; c; c = c->next) {
		if (c->is_gone)
			continue;
		if (now - c->last_queued >= SSE_HEARTBEAT_S)
			client_queue(c, ": ping\n\n", 8);
		bool has_work = c->out_pos < c->out.len || c->is_closing;
		if (c->is_suspended && has_work && n < max) {
			c->is_suspended = false;
			out[n++] = c->conn;
		}
	}
	return n;
}

static size_t n_clients(void)
{
	size_t n = 0;
	for (struct sse_client *c = ev.clients; c; c = c->next)
		n++;
	return n;
}

/* Resume what tick_clients() collected; outside ev.mu (see the top of the file). */
static void wake_clients(void)
{
	pthread_mutex_lock(&ev.mu);
	size_t cap = n_clients();
	struct MHD_Connection **conns = cap ? malloc(cap * sizeof *conns) : NULL;
	if (cap && !conns)
		abort();
	size_t n = cap ? tick_clients(conns, cap) : 0;
	pthread_mutex_unlock(&ev.mu);
	for (size_t i = 0; i < n; i++)
		MHD_resume_connection(conns[i]);
	free(conns);
}

/* Sleep one poll, or less when stopping. Returns true when the poller must end. */
static bool poller_wait(void)
{
	struct timespec dl;
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_nsec += SSE_POLL_MS * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&ev.mu);
	while (!ev.is_stopping)
		if (pthread_cond_timedwait(&ev.cv, &ev.mu, &dl) == ETIMEDOUT)
			break;
	bool stop = ev.is_stopping;
	reap_gone();
	pthread_mutex_unlock(&ev.mu);
	return stop;
}

static void *poller_main(void *arg)
{
	(void)arg;
	struct store *st = NULL;
	struct q_crm_event *buf = malloc(SSE_BATCH * sizeof *buf);
	if (!buf)
		abort();
	while (!poller_wait()) {
		pthread_mutex_lock(&ev.mu);
		bool idle = ev.clients == NULL;
		pthread_mutex_unlock(&ev.mu);
		if (idle)
			continue;
		if (!st && store_open(&st, ev.db_path)) {
			log_warn("events: cannot open the database %s", ev.db_path);
			st = NULL;
			continue;
		}
		poll_events(st, buf);
		wake_clients();
	}
	free(buf);
	store_close(st);
	return NULL;
}

/* Start the poller with the first stream. ev.mu held. */
static int poller_start(struct server *srv)
{
	if (ev.is_running)
		return 0;
	snprintf(ev.db_path, sizeof ev.db_path, "%s", srv->db_path);
	/* The poller takes no signals: SIGTERM belongs to main's sigwait. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int err = pthread_create(&ev.thread, NULL, poller_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		log_error("events: cannot start the poller: %s", strerror(err));
		return -1;
	}
	ev.is_running = true;
	return 0;
}

/* MHD asks for the next bytes of a stream (on a pool thread). */
static ssize_t sse_read(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	struct sse_client *c = cls;
	pthread_mutex_lock(&ev.mu);
	size_t avail = c->out.len - c->out_pos;
	if (avail) {
		size_t n = avail < max ? avail : max;
		memcpy(out, c->out.data + c->out_pos, n);
		c->out_pos += n;
		pthread_mutex_unlock(&ev.mu);
		return (ssize_t)n;
	}
	if (c->is_closing) {
		pthread_mutex_unlock(&ev.mu);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	/* Nothing to send: leave MHD's loop until the poller has something. */
	MHD_suspend_connection(c->conn);
	c->is_suspended = true;
	pthread_mutex_unlock(&ev.mu);
	return 0;
}

/* MHD released the response: the connection is over. */
static void sse_free(void *cls)
{
	struct sse_client *c = cls;
	pthread_mutex_lock(&ev.mu);
	c->is_gone = true;
	if (!ev.is_running) /* no poller to reap it (stopped, or never started) */
		reap_gone();
	pthread_mutex_unlock(&ev.mu);
}

/* Where the stream starts: Last-Event-ID (header, or lastEventId in the query for clients
 * that cannot send headers), else now. *reset when the client's cursor is no longer in the
 * table (trimmed, or from another database): it must reload what it shows. */
static int start_cursor(struct http_req *r, struct store *st, int64_t *cursor, bool *reset)
{
	int64_t first, last;
	int rc = q_crm_event_bounds(st, &first, &last);
	if (rc)
		return rc;
	*cursor = last;
	*reset = false;
	const char *h = http_header(r, "Last-Event-ID");
	json_t *q = NULL;
	if (!h || !*h) {
		const char *qs = http_query(r);
		char err[PARAMS_ERRLEN];
		q = json_object();
		if (*qs && params_parse_urlencoded(q, qs, strlen(qs), err) == 0)
			h = json_string_value(json_object_get(q, "lastEventId"));
	}
	int64_t given;
	if (h && *h && parse_i64(h, &given) == 0 && given >= 0) {
		if (given > last || (first > 0 && given < first - 1))
			*reset = true;
		else
			*cursor = given;
	}
	json_decref(q);
	return STORE_OK;
}

/* Register the stream and answer with it. */
static enum MHD_Result sse_answer(struct http_req *r, const struct rest_auth *auth, int64_t cursor, bool reset)
{
	struct sse_client *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->conn = r->conn;
	c->user_id = auth->user_id;
	c->wants_crm = http_io_scope_ok(auth, "crm");
	c->wants_notify = http_io_scope_ok(auth, "im");
	c->cursor = cursor;
	buf_init(&c->out, SSE_OUT_MAX);
	char head[160];
	int k = snprintf(head, sizeof head, "retry: %d\n: voronka events from %" PRId64 "\n\n%s", SSE_RETRY_MS, cursor,
			 reset ? "event: reset\ndata: {}\n\n" : "");
	pthread_mutex_lock(&ev.mu);
	if (ev.is_stopping || poller_start(r->srv)) {
		pthread_mutex_unlock(&ev.mu);
		client_free(c);
		return http_io_error(r, ERR_BUSY, "The server is stopping; reconnect shortly");
	}
	client_queue(c, head, (size_t)k);
	c->next = ev.clients;
	ev.clients = c;
	pthread_mutex_unlock(&ev.mu);

	struct MHD_Response *mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, SSE_BLOCK, sse_read, c, sse_free);
	if (!mr) {
		pthread_mutex_lock(&ev.mu);
		c->is_gone = true;
		if (!ev.is_running)
			reap_gone();
		pthread_mutex_unlock(&ev.mu);
		return MHD_NO;
	}
	MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream; charset=utf-8");
	MHD_add_response_header(mr, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(mr, "X-Accel-Buffering", "no"); /* nginx must not hold events back */
	MHD_add_response_header(mr, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ret = MHD_queue_response(r->conn, MHD_HTTP_OK, mr);
	MHD_destroy_response(mr); /* MHD keeps its own reference; sse_free runs when it lets go */
	r->answered = true;
	r->status = MHD_HTTP_OK;
	return ret;
}

enum MHD_Result http_events(struct http_req *r)
{
	pthread_once(&ev_once, ev_init);
	int64_t hook_user = 0;
	char *secret = NULL, *rest = NULL;
	const char *tail = r->path + strlen("/events");
	if (*tail == '/')
		tail++;
	if (*tail && (http_io_split(r, tail, &hook_user, &secret, &rest) || !secret || *rest))
		return http_io_error(r, ERR_METHOD_NOT_FOUND, "Not found");
	struct rest_auth auth;
	char scopes[512];
	enum MHD_Result ret;
	if (http_io_auth(r, hook_user, secret, &auth, scopes, sizeof scopes, &ret))
		return ret;
	if (!http_io_scope_ok(&auth, "crm") && !http_io_scope_ok(&auth, "im"))
		return http_io_error(r, ERR_INSUFFICIENT_SCOPE,
				       "The request requires higher privileges than provided by the webhook token");
	struct store *st = server_store(r->srv);
	int64_t cursor;
	bool reset;
	if (!st || start_cursor(r, st, &cursor, &reset))
		return http_io_error(r, ERR_INTERNAL, "The database is unavailable");
	return sse_answer(r, &auth, cursor, reset);
}

void http_events_stop(void)
{
	pthread_once(&ev_once, ev_init);
	pthread_mutex_lock(&ev.mu);
	ev.is_stopping = true;
	pthread_cond_broadcast(&ev.cv);
	bool was_running = ev.is_running;
	pthread_mutex_unlock(&ev.mu);
	if (was_running)
		pthread_join(ev.thread, NULL);
	/* Every stream ends; suspended ones are resumed so that MHD can finish them (it must not
	 * be stopped with a suspended connection). */
	pthread_mutex_lock(&ev.mu);
	ev.is_running = false;
	size_t cap = n_clients();
	struct MHD_Connection **conns = cap ? malloc(cap * sizeof *conns) : NULL;
	if (cap && !conns)
		abort();
	size_t n = 0;
	for (struct sse_client *c = ev.clients; c; c = c->next) {
		c->is_closing = true;
		if (c->is_suspended && !c->is_gone) {
			c->is_suspended = false;
			conns[n++] = c->conn;
		}
	}
	reap_gone();
	pthread_mutex_unlock(&ev.mu);
	for (size_t i = 0; i < n; i++)
		MHD_resume_connection(conns[i]);
	free(conns);
}
