/* kinds.c — the table of job kinds: { "name", handler }, sorted by name, and the handlers that
 * belong to no other module. Today those are the two test kinds, which exist for integrators and
 * the test suites (voronka.job.add is admin-only): voronka.test.record writes one log row per run
 * so that a test can count runs, and voronka.test.fail always fails so that retries show. */
#include "jobs/kinds.h"
#include "crm/io.h"
#include "core/util.h"
#include "store/q_jobs.h"
#include "store/store.h"
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define TEST_MAX_SLEEP_MS 600000 /* a test job may hold its worker ten minutes at most */

static void sleep_ms(int64_t ms)
{
	struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* voronka.test.record — payload {"sleep_ms": N} (optional): sleep N ms inside the job's
 * transaction (so a test can kill -9 the server mid-run), then log (job_id, payload). The log
 * row commits with the job's completion, or not at all. */
static int test_record(struct store *st, int64_t job_id, const char *payload, char *err, size_t err_n)
{
	json_error_t jerr;
	json_t *root = payload && *payload ? json_loads(payload, JSON_DECODE_ANY, &jerr) : NULL;
	if (root && json_is_object(root)) {
		json_t *v = json_object_get(root, "sleep_ms");
		int64_t ms = 0;
		if (json_is_integer(v))
			ms = json_integer_value(v);
		else if (json_is_string(v) && parse_i64(json_string_value(v), &ms)) /* form-encoded: text */
			ms = 0;
		if (ms > 0)
			sleep_ms(ms > TEST_MAX_SLEEP_MS ? TEST_MAX_SLEEP_MS : ms);
	}
	json_decref(root);
	int rc = q_jobs_test_log_add(st, job_id, payload ? payload : "");
	if (rc) {
		snprintf(err, err_n, "cannot write the test log: %s", store_errmsg(st));
		return -1;
	}
	return 0;
}

/* voronka.test.fail — always fails, after writing a log row that the failure must roll back. */
static int test_fail(struct store *st, int64_t job_id, const char *payload, char *err, size_t err_n)
{
	if (q_jobs_test_log_add(st, job_id, payload ? payload : "")) {
		snprintf(err, err_n, "cannot write the test log: %s", store_errmsg(st));
		return -1;
	}
	snprintf(err, err_n, "voronka.test.fail always fails");
	return -1;
}

static const struct job_kind kinds[] = {
	/* name                   handler */
	{"crm.import",          crm_import_job},
	{"voronka.test.fail",   test_fail},
	{"voronka.test.record", test_record},
};

const struct job_kind *jobs_kind_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

int jobs_kind_known(const char *kind)
{
	return jobs_kind_find(kind) != NULL;
}
