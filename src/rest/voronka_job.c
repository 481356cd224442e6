/* voronka_job.c — the job queue over REST, for integrators and tests (administrators only):
 * voronka.job.add queues a job of a known kind, voronka.job.get shows one. Parameter names are
 * read case-insensitively (KIND or kind), as the legacy Bitrix24 methods read theirs. */
#include "rest/rest.h"
#include "core/util.h"
#include "jobs/jobs.h"
#include "store/q_jobs.h"
#include "store/store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define JOB_MAX_PAYLOAD (256 * 1024)          /* a payload is a job's arguments, not its data */
#define JOB_MAX_DELAY (10LL * 366 * 86400)    /* ten years ahead is far enough */

/* A top-level parameter by name, any case. */
static json_t *param(struct rest_call *call, const char *name)
{
	const char *key;
	json_t *v;
	json_t *exact = rest_param(call, name);
	if (exact || !call->params)
		return exact;
	json_object_foreach(call->params, key, v)
		if (strcasecmp(key, name) == 0)
			return v;
	return NULL;
}

/* "YYYY-MM-DD hh:mm:ss" (UTC, as stored) to ISO 8601 in the server's zone, into out (40 bytes).
 * Text that does not parse is passed through. */
static const char *db_date_iso(const char *db, char *out, size_t n)
{
	char utc[40];
	time_t t;
	snprintf(utc, sizeof utc, "%.19sZ", db);
	if (strlen(db) != 19 || parse_iso8601(utc, &t))
		return db;
	iso8601_local(t, out, n);
	return out;
}

/* voronka.job.add — KIND (a known kind), PAYLOAD (text, or an object or list that is stored as
 * its JSON; default {}), DELAY (seconds from now) or DUE_AT (ISO 8601). Result: the new job's id. */
int rest_voronka_job_add(struct rest_call *call)
{
	json_t *kv = param(call, "KIND");
	const char *kind = kv ? json_string_value(kv) : NULL;
	if (!kind || !*kind)
		return rest_fail(call, ERR_ARGUMENT, "Parameter 'KIND' is required");
	if (!jobs_kind_known(kind))
		return rest_fail(call, ERR_ARGUMENT, "Unknown job kind '%s'", kind);

	json_t *pv = param(call, "PAYLOAD");
	const char *payload = "{}";
	if (json_is_string(pv)) {
		payload = json_string_value(pv);
	} else if (json_is_object(pv) || json_is_array(pv)) {
		char *s = json_dumps(pv, JSON_COMPACT);
		if (!s)
			return rest_fail(call, ERR_ARGUMENT, "Parameter 'PAYLOAD' cannot be encoded as JSON");
		payload = rest_json_text(call, rest_own(call, json_string(s)));
		free(s);
		if (!payload)
			return rest_fail(call, ERR_INTERNAL, "Internal server error");
	} else if (pv && !json_is_null(pv)) {
		return rest_fail(call, ERR_ARGUMENT, "Parameter 'PAYLOAD' must be a text or a JSON object");
	}
	if (strlen(payload) > JOB_MAX_PAYLOAD)
		return rest_fail(call, ERR_ARGUMENT, "Parameter 'PAYLOAD' is longer than %d bytes", JOB_MAX_PAYLOAD);

	int64_t now = now_unix(), due = now;
	json_t *dv = param(call, "DELAY");
	json_t *av = param(call, "DUE_AT");
	if (dv && !json_is_null(dv) && av && !json_is_null(av))
		return rest_fail(call, ERR_ARGUMENT, "Give either 'DELAY' or 'DUE_AT', not both");
	if (dv && !json_is_null(dv)) {
		int64_t delay;
		const char *s = json_is_integer(dv) ? NULL : rest_json_text(call, dv);
		if (json_is_integer(dv))
			delay = json_integer_value(dv);
		else if (!s || parse_i64(s, &delay))
			return rest_fail(call, ERR_ARGUMENT, "Parameter 'DELAY' must be a number of seconds");
		if (delay < 0 || delay > JOB_MAX_DELAY)
			return rest_fail(call, ERR_ARGUMENT, "Parameter 'DELAY' must be between 0 and %lld seconds",
					 JOB_MAX_DELAY);
		due = now + delay;
	} else if (av && !json_is_null(av)) {
		time_t t;
		const char *s = json_string_value(av);
		if (!s || parse_iso8601(s, &t))
			return rest_fail(call, ERR_ARGUMENT, "Parameter 'DUE_AT' must be an ISO 8601 date");
		due = (int64_t)t;
	}

	int64_t id;
	int rc = jobs_enqueue(call->st, kind, payload, due, &id);
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_integer(id);
	return 0;
}

/* voronka.job.get — ID. Result: ID, KIND, PAYLOAD, STATE (queued | done | failed), ATTEMPTS,
 * DUE_AT, LAST_ERROR, CREATED_AT, FINISHED_AT (null until it ends), and for the test kinds RUNS:
 * the effects of the job that committed (exactly 1 once a voronka.test.record job is done). */
int rest_voronka_job_get(struct rest_call *call)
{
	json_t *iv = param(call, "ID");
	int64_t id;
	const char *s = iv && !json_is_integer(iv) ? rest_json_text(call, iv) : NULL;
	if (json_is_integer(iv))
		id = json_integer_value(iv);
	else if (!s || parse_i64(s, &id))
		return rest_fail(call, ERR_ARGUMENT, "Parameter 'ID' is required and must be an integer");

	struct q_job job;
	int rc = q_jobs_get(call->st, id, &job);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Job %lld is not found", (long long)id);
	if (rc)
		return rest_fail_store(call, rc);
	int64_t runs = -1;
	if (strncmp(job.kind, "voronka.test.", 13) == 0) {
		rc = q_jobs_test_log_count(call->st, id, &runs);
		if (rc) {
			q_job_release(&job);
			return rest_fail_store(call, rc);
		}
	}
	char due[40], created[40], finished[40];
	iso8601_local((time_t)job.due_at, due, sizeof due);
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)job.id);
	json_t *r = json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s}", "ID", ids, "KIND", job.kind, "PAYLOAD",
			      job.payload, "STATE", job.state, "ATTEMPTS", (json_int_t)job.attempts, "DUE_AT", due,
			      "LAST_ERROR", job.last_error, "CREATED_AT",
			      db_date_iso(job.created_at, created, sizeof created));
	if (r) {
		json_object_set_new(r, "FINISHED_AT",
				    job.finished_at ? json_string(db_date_iso(job.finished_at, finished, sizeof finished))
						    : json_null());
		if (runs >= 0)
			json_object_set_new(r, "RUNS", json_integer(runs));
	}
	q_job_release(&job);
	if (!r) /* json_pack refuses text that is not UTF-8 */
		return rest_fail(call, ERR_INTERNAL, "Job %lld cannot be shown", (long long)id);
	call->result = r;
	return 0;
}
