/* bare.c — the baseline of bench/rest/run.sh: libmicrohttpd alone, answering every request with a
 * fixed body (the bytes voronka answered to user.get?ID=1, read from a file) and the headers
 * voronka sends with it. Same threading model as src/http/server.c: MHD's internal polling thread
 * with epoll and a pool of one thread per core, the response queued on the second call of the
 * handler (queuing on the first breaks keep-alive for bodies) and built per request by copying
 * the bytes, as http_send() does. What voronka adds on top of this is its own cost.
 *
 *   bare PORT BODY_FILE [POOL_BYTES]      (runs until SIGINT/SIGTERM)
 *
 * POOL_BYTES sets MHD_OPTION_CONNECTION_MEMORY_LIMIT (default: MHD's own, 32 KiB): run.sh also
 * measures bare with voronka's pool (max_header + 64 KiB), since MHD clears the whole pool
 * between the requests of a keep-alive connection. */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *body;
static size_t body_len;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
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
	if (*upload_size) { /* a body: drop it, as the answer does not depend on it */
		*upload_size = 0;
		return MHD_YES;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(body_len, body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: %s PORT BODY_FILE [POOL_BYTES]\n", argv[0]);
		return 2;
	}
	FILE *f = fopen(argv[2], "rb");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	body = malloc(n > 0 ? (size_t)n : 1);
	body_len = n > 0 ? fread(body, 1, (size_t)n, f) : 0;
	fclose(f);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = cores > 0 ? (unsigned)cores : 2;
	size_t pool = argc == 4 ? (size_t)strtoul(argv[3], NULL, 10) : 0;
	struct MHD_OptionItem pool_opt[] = {
		{MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)pool, NULL},
		{MHD_OPTION_END, 0, NULL},
	};
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, (uint16_t)strtoul(argv[1], NULL, 10), NULL, NULL,
		on_request, NULL, MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT, 1000u,
		MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
		MHD_OPTION_ARRAY, pool ? pool_opt : pool_opt + 1, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "cannot listen on port %s\n", argv[1]);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop)
		pause();
	MHD_stop_daemon(d);
	free(body);
	return 0;
}
