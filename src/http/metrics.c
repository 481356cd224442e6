/* metrics.c — /metrics in Prometheus text format: requests by method and status, a latency
 * histogram, seconds spent in the database. Counters are atomics: every HTTP thread updates
 * them without a lock. */
#include "http/http.h"
#include "core/buf.h"
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const methods[] = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "OTHER"};
#define N_METHODS (sizeof methods / sizeof methods[0])
#define N_STATUS 600
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define N_BUCKETS (sizeof buckets / sizeof buckets[0])

struct metrics {
	atomic_ulong requests[N_METHODS][N_STATUS];
	atomic_ulong latency[N_BUCKETS + 1]; /* the last one is +Inf */
	atomic_ulong latency_sum_us;
	atomic_ulong db_us;
};

struct metrics *metrics_new(void)
{
	struct metrics *m = calloc(1, sizeof *m);
	if (!m)
		abort();
	return m;
}

void metrics_free(struct metrics *m)
{
	free(m);
}

void metrics_observe(struct metrics *m, const char *method, int status, double seconds)
{
	size_t mi = N_METHODS - 1;
	for (size_t i = 0; i < N_METHODS - 1; i++)
		if (!strcmp(method, methods[i]))
			mi = i;
	if (status < 0 || status >= N_STATUS)
		status = 0;
	atomic_fetch_add(&m->requests[mi][status], 1);
	size_t b = 0;
	while (b < N_BUCKETS && seconds > buckets[b])
		b++;
	atomic_fetch_add(&m->latency[b], 1);
	atomic_fetch_add(&m->latency_sum_us, (unsigned long)(seconds * 1e6));
}

void metrics_add_db(struct metrics *m, double seconds)
{
	if (seconds > 0)
		atomic_fetch_add(&m->db_us, (unsigned long)(seconds * 1e6));
}

enum MHD_Result http_metrics(struct http_req *r)
{
	struct metrics *m = r->srv->metrics;
	struct buf b;
	buf_init(&b, 4u << 20);
	buf_puts(&b, "# HELP voronka_http_requests_total HTTP requests by method and status.\n"
		     "# TYPE voronka_http_requests_total counter\n");
	for (size_t i = 0; i < N_METHODS; i++)
		for (int s = 0; s < N_STATUS; s++) {
			unsigned long v = atomic_load(&m->requests[i][s]);
			if (v)
				buf_printf(&b, "voronka_http_requests_total{method=\"%s\",status=\"%d\"} %lu\n", methods[i], s, v);
		}
	buf_puts(&b, "# HELP voronka_http_request_duration_seconds Time from request to answer.\n"
		     "# TYPE voronka_http_request_duration_seconds histogram\n");
	unsigned long cum = 0;
	for (size_t i = 0; i <= N_BUCKETS; i++) {
		cum += atomic_load(&m->latency[i]);
		if (i < N_BUCKETS)
			buf_printf(&b, "voronka_http_request_duration_seconds_bucket{le=\"%g\"} %lu\n", buckets[i], cum);
		else
			buf_printf(&b, "voronka_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cum);
	}
	buf_printf(&b, "voronka_http_request_duration_seconds_sum %.6f\n", atomic_load(&m->latency_sum_us) / 1e6);
	buf_printf(&b, "voronka_http_request_duration_seconds_count %lu\n", cum);
	buf_printf(&b, "# HELP voronka_db_seconds_total Time spent inside the database.\n"
		       "# TYPE voronka_db_seconds_total counter\nvoronka_db_seconds_total %.6f\n",
		   atomic_load(&m->db_us) / 1e6);
	struct http_resp resp = {.status = 200, .content_type = "text/plain; version=0.0.4; charset=utf-8",
				 .body = b.data ? b.data : "", .len = b.len, .compress = true};
	enum MHD_Result ret = http_send(r, &resp);
	buf_release(&b);
	return ret;
}
