/* q_jobs.h — the SQL of the persistent job queue (table `jobs`, migration 1) and of the test
 * kinds' log (table `job_test_log`, migration 2). Callers: jobs/queue.c, jobs/kinds.c,
 * rest/voronka_job.c. Every function takes the calling thread's connection and returns STORE_OK
 * or a negative store code; none of them begins or ends a transaction (the caller decides).
 *
 * Lease protocol: a claim sets lease_owner (unique per claim) and lease_until; the completion
 * and failure updates only touch a row whose lease_owner is still the caller's and whose state is
 * still 'queued', so a worker that lost its lease (it ran past lease_until and another worker
 * took the job) finds STORE_NOTFOUND and must roll back. */
#ifndef VORONKA_Q_JOBS_H
#define VORONKA_Q_JOBS_H
#include <stdbool.h>
#include <stdint.h>

struct store;

/* One row of `jobs`. The strings are malloc'd copies, freed by q_job_release(); a zeroed
 * struct is valid to release. Claims fill id, kind, payload, attempts and max_attempts only. */
struct q_job {
	int64_t id;
	char *kind;
	char *payload;
	char *state;        /* queued | done | failed */
	int64_t attempts;   /* claims so far, this one included */
	int64_t max_attempts;
	int64_t due_at;     /* Unix time */
	char *last_error;
	char *created_at;   /* "YYYY-MM-DD hh:mm:ss" UTC */
	char *finished_at;  /* NULL until done or failed */
};

void q_job_release(struct q_job *j);

/* New queued job; *id gets its id. */
int q_jobs_insert(struct store *st, const char *kind, const char *payload, int64_t due_at, int64_t *id);
/* Lease the oldest due job (state queued, due_at <= now, lease_until < now) to owner until
 * lease_until, counting the attempt. STORE_NOTFOUND when nothing is due. Run it inside a write
 * transaction. */
int q_jobs_claim(struct store *st, const char *owner, int64_t now, int64_t lease_until, struct q_job *out);
/* Is a job claimable now? A read, so idle workers need not take the write lock to find out. */
int q_jobs_due_exists(struct store *st, int64_t now, bool *yes);
/* Does owner still hold the job's lease (state queued)? STORE_NOTFOUND if not. */
int q_jobs_lease_held(struct store *st, int64_t id, const char *owner);
/* The job ran: state done. STORE_NOTFOUND if owner no longer holds the lease. */
int q_jobs_mark_done(struct store *st, int64_t id, const char *owner);
/* The attempt failed: record err and either queue it again at due_at (lease released) or, when
 * give_up, mark it failed. STORE_NOTFOUND if owner no longer holds the lease. */
int q_jobs_mark_retry(struct store *st, int64_t id, const char *owner, const char *err, int64_t due_at,
		      bool give_up);
/* One job by id; STORE_NOTFOUND if none. */
int q_jobs_get(struct store *st, int64_t id, struct q_job *out);

/* The test kinds' log (jobs/kinds.c): one row per effect of voronka.test.record. */
int q_jobs_test_log_add(struct store *st, int64_t job_id, const char *payload);
int q_jobs_test_log_count(struct store *st, int64_t job_id, int64_t *n);

#endif
