/* queue.c — the job queue's workers (jobs.h): start and stop, the claim / run / retry cycle, and
 * enqueueing. Each worker owns one store connection and loops: claim one due job in a short write
 * transaction (a lease plus attempts+1), then run its handler in a second write transaction that
 * also marks the job done, so the handler's effects and the completion commit together. Idle
 * workers sleep on a condition variable that jobs_enqueue() and jobs_stop() signal.
 *
 * Tuning for tests and operators (read once by jobs_start): VORONKA_JOB_LEASE (seconds a claim
 * holds, default 60) and VORONKA_JOB_BACKOFF_MAX (ceiling of the retry delay, default 3600). */
#include "jobs/jobs.h"
#include "jobs/kinds.h"
#include "core/log.h"
#include "core/util.h"
#include "store/q_jobs.h"
#include "store/store.h"
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define JOBS_LEASE_S 60          /* a claim outlives any sane handler; past it the job is claimable */
#define JOBS_BACKOFF_MAX_S 3600  /* retries wait 2^attempts seconds, never more than an hour */
#define JOBS_MAX_WORKERS 64
#define IDLE_WAIT_MS 200         /* how long an idle worker sleeps before looking again */
#define ERROR_WAIT_MS 1000       /* after a database error, look again more slowly */
#define JOBS_ERRLEN 512          /* a handler's message; longer ones are cut */

struct jobs;

/* One thread and its connection. */
struct jobs_worker {
	struct jobs *j;
	unsigned index;
	pthread_t thread;
	bool is_started;     /* the thread exists and must be joined */
	struct store *st;    /* this worker's own connection, used only by its thread */
	uint64_t n_claims;   /* claims made, to make each lease owner unique */
};

struct jobs {
	unsigned n_workers;
	struct jobs_worker *workers;
	bool is_stopping;          /* guarded by wake_mu: workers claim nothing more once set */
	int64_t lease_s;
	int64_t backoff_max_s;
	char instance[160];        /* "host:pid:nonce": this process in lease owners */
};

/* The wake-up signal is process-wide because jobs_enqueue() is given a store connection, not a
 * struct jobs: every worker of every queue in the process waits on one condition variable, and a
 * generation counter tells them something was queued. */
static pthread_mutex_t wake_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cv;         /* on CLOCK_MONOTONIC, set up by wake_init */
static pthread_once_t wake_once = PTHREAD_ONCE_INIT;
static uint64_t wake_gen;              /* guarded by wake_mu; bumped by every enqueue */
static unsigned n_queues;              /* guarded by wake_mu; queues started, for lease owners */

static void wake_init(void)
{
	pthread_condattr_t attr;
	if (pthread_condattr_init(&attr) || pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) ||
	    pthread_cond_init(&wake_cv, &attr))
		abort();
	pthread_condattr_destroy(&attr);
}

static void wake_all(void)
{
	pthread_once(&wake_once, wake_init);
	pthread_mutex_lock(&wake_mu);
	wake_gen++;
	pthread_cond_broadcast(&wake_cv);
	pthread_mutex_unlock(&wake_mu);
}

/* Sleep up to ms, or until an enqueue after generation gen, or until the queue stops. */
static void idle_wait(struct jobs *j, uint64_t gen, long ms)
{
	struct timespec dl;
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += ms / 1000;
	dl.tv_nsec += (ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&wake_mu);
	while (!j->is_stopping && wake_gen == gen)
		if (pthread_cond_timedwait(&wake_cv, &wake_mu, &dl) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&wake_mu);
}

static int64_t backoff(const struct jobs *j, int64_t attempts)
{
	if (attempts < 0)
		attempts = 0;
	int64_t d = attempts >= 30 ? INT64_MAX : (int64_t)1 << attempts;
	return d > j->backoff_max_s ? j->backoff_max_s : d;
}

/* Record a failed attempt in its own transaction: retry later, or give up. If even that fails,
 * the lease runs out and the job is claimed again, which is also a retry. */
static void record_failure(struct jobs_worker *w, const struct q_job *job, const char *owner, const char *err,
			   bool is_permanent)
{
	struct jobs *j = w->j;
	struct store *st = w->st;
	bool give_up = is_permanent || job->attempts >= job->max_attempts;
	int64_t due = now_unix() + backoff(j, job->attempts);
	if (give_up)
		log_error("jobs: job %" PRId64 " (%s) failed for good after %" PRId64 " attempt(s): %s", job->id,
			  job->kind, job->attempts, err);
	else
		log_warn("jobs: job %" PRId64 " (%s) attempt %" PRId64 "/%" PRId64 " failed, retry in %" PRId64
			 " s: %s", job->id, job->kind, job->attempts, job->max_attempts, due - now_unix(), err);
	int rc = store_tx_begin_write(st);
	if (rc) {
		log_error("jobs: job %" PRId64 ": cannot record the failure: %s", job->id, store_errmsg(st));
		return;
	}
	rc = q_jobs_mark_retry(st, job->id, owner, err, due, give_up);
	if (rc == STORE_OK)
		rc = store_tx_commit(st);
	if (rc) {
		if (rc == STORE_NOTFOUND)
			log_warn("jobs: job %" PRId64 " lost its lease before its failure was recorded", job->id);
		else
			log_error("jobs: job %" PRId64 ": cannot record the failure: %s", job->id, store_errmsg(st));
		store_tx_rollback(st);
	}
}

/* Run a claimed job: its handler and its completion in one write transaction. */
static void run_job(struct jobs_worker *w, const struct q_job *job, const char *owner)
{
	struct store *st = w->st;
	char err[JOBS_ERRLEN] = "";
	const struct job_kind *k = jobs_kind_find(job->kind);
	if (!k) {
		snprintf(err, sizeof err, "unknown job kind '%s'", job->kind);
		record_failure(w, job, owner, err, true);
		return;
	}
	double t0 = now_mono();
	int rc = store_tx_begin_write(st);
	if (rc) {
		snprintf(err, sizeof err, "cannot begin the job's transaction: %s", store_errmsg(st));
		record_failure(w, job, owner, err, false);
		return;
	}
	/* If the lease was lost while this worker waited for the write lock (another worker has the
	 * job now), the handler must not even run: its outside effects, mail say, would double. */
	rc = q_jobs_lease_held(st, job->id, owner);
	if (rc == STORE_NOTFOUND) {
		log_warn("jobs: job %" PRId64 " (%s) lost its lease before it ran; another worker has it", job->id,
			 job->kind);
		store_tx_rollback(st);
		return;
	}
	if (rc) {
		snprintf(err, sizeof err, "cannot check the job's lease: %s", store_errmsg(st));
		store_tx_rollback(st);
		record_failure(w, job, owner, err, false);
		return;
	}
	if (k->handler(st, job->id, job->payload, err, sizeof err)) {
		if (!err[0])
			snprintf(err, sizeof err, "the handler failed without saying why");
		store_tx_rollback(st); /* its effects go with it */
		record_failure(w, job, owner, err, false);
		return;
	}
	/* The lease is checked again by the update itself (a PostgreSQL backend runs handlers beside
	 * each other; SQLite's write lock has kept everyone out since the check above). */
	rc = q_jobs_mark_done(st, job->id, owner);
	if (rc == STORE_NOTFOUND) {
		log_warn("jobs: job %" PRId64 " (%s) lost its lease while it ran; its effects are undone", job->id,
			 job->kind);
		store_tx_rollback(st);
		return;
	}
	if (rc == STORE_OK)
		rc = store_tx_commit(st);
	if (rc) {
		snprintf(err, sizeof err, "cannot complete the job: %s", store_errmsg(st));
		store_tx_rollback(st);
		record_failure(w, job, owner, err, false);
		return;
	}
	log_debug("jobs: job %" PRId64 " (%s) done in %.3f s (attempt %" PRId64 ")", job->id, job->kind,
		  now_mono() - t0, job->attempts);
}

/* Claim and run one due job. 1: a job was handled; 0: nothing due; -1: a database error. */
static int work_one(struct jobs_worker *w)
{
	struct jobs *j = w->j;
	struct store *st = w->st;
	int64_t now = now_unix();
	bool is_due;
	int rc = q_jobs_due_exists(st, now, &is_due);
	if (rc) {
		log_error("jobs: worker %u: cannot look for due jobs: %s", w->index, store_errmsg(st));
		return -1;
	}
	if (!is_due)
		return 0;
	char owner[sizeof j->instance + 48];
	snprintf(owner, sizeof owner, "%s:w%u:%" PRIu64, j->instance, w->index, ++w->n_claims);
	rc = store_tx_begin_write(st);
	if (rc) {
		log_warn("jobs: worker %u: cannot begin a claim: %s", w->index, store_errmsg(st));
		return -1;
	}
	struct q_job job;
	now = now_unix(); /* the write lock may have taken a while */
	rc = q_jobs_claim(st, owner, now, now + j->lease_s, &job);
	if (rc == STORE_NOTFOUND) { /* another worker or process was first */
		store_tx_rollback(st);
		return 0;
	}
	if (rc) {
		log_error("jobs: worker %u: cannot claim a job: %s", w->index, store_errmsg(st));
		store_tx_rollback(st);
		return -1;
	}
	/* Every earlier attempt was claimed and never finished: its worker died each time (say the
	 * handler crashes the process). Stop here instead of crashing forever. */
	bool is_exhausted = job.attempts > job.max_attempts;
	if (is_exhausted) {
		log_error("jobs: job %" PRId64 " (%s) failed for good: its worker died during each of %" PRId64
			  " attempts", job.id, job.kind, job.max_attempts);
		rc = q_jobs_mark_retry(st, job.id, owner, "the worker died during each attempt", now, true);
		if (rc)
			log_error("jobs: job %" PRId64 ": cannot mark it failed: %s", job.id, store_errmsg(st));
	}
	if (rc == STORE_OK)
		rc = store_tx_commit(st);
	if (rc) {
		log_error("jobs: worker %u: cannot commit the claim of job %" PRId64 ": %s", w->index, job.id,
			  store_errmsg(st));
		store_tx_rollback(st);
		q_job_release(&job);
		return -1;
	}
	if (!is_exhausted)
		run_job(w, &job, owner);
	q_job_release(&job);
	return 1;
}

static void *worker_main(void *arg)
{
	struct jobs_worker *w = arg;
	struct jobs *j = w->j;
	for (;;) {
		pthread_mutex_lock(&wake_mu);
		bool is_stopping = j->is_stopping;
		uint64_t gen = wake_gen;
		pthread_mutex_unlock(&wake_mu);
		if (is_stopping)
			break;
		int rc = work_one(w);
		if (rc == 1)
			continue; /* there may be more */
		idle_wait(j, gen, rc < 0 ? ERROR_WAIT_MS : IDLE_WAIT_MS);
	}
	return NULL;
}

/* A positive integer from the environment, within [lo, hi]; def when unset or invalid. */
static int64_t env_seconds(const char *name, int64_t def, int64_t lo, int64_t hi)
{
	const char *s = getenv(name);
	int64_t v;
	if (!s || !*s)
		return def;
	if (parse_i64(s, &v) || v < lo || v > hi) {
		log_warn("jobs: %s=%s is not a number of seconds in %" PRId64 "..%" PRId64 "; using %" PRId64, name,
			 s, lo, hi, def);
		return def;
	}
	return v;
}

int jobs_start(struct jobs **out, const char *db_path, unsigned n_workers)
{
	*out = NULL;
	pthread_once(&wake_once, wake_init);
	if (n_workers > JOBS_MAX_WORKERS) {
		log_warn("jobs: %u workers asked, %d started", n_workers, JOBS_MAX_WORKERS);
		n_workers = JOBS_MAX_WORKERS;
	}
	struct jobs *j = calloc(1, sizeof *j);
	struct jobs_worker *workers = calloc(n_workers ? n_workers : 1, sizeof *workers);
	if (!j || !workers)
		abort();
	j->workers = workers;
	j->n_workers = n_workers;
	j->lease_s = env_seconds("VORONKA_JOB_LEASE", JOBS_LEASE_S, 1, 7 * 86400);
	j->backoff_max_s = env_seconds("VORONKA_JOB_BACKOFF_MAX", JOBS_BACKOFF_MAX_S, 0, 7 * 86400);
	char host[64];
	if (gethostname(host, sizeof host))
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = 0;
	/* pid alone repeats across restarts (a container's server is often pid 1): add the clock,
	 * and the queue's number for several queues in one process (the unit tests) */
	pthread_mutex_lock(&wake_mu);
	unsigned q = ++n_queues;
	pthread_mutex_unlock(&wake_mu);
	snprintf(j->instance, sizeof j->instance, "%s:%ld:%.6f:q%u", host, (long)getpid(), now_wall(), q);

	int rc = 0;
	for (unsigned i = 0; i < n_workers; i++) {
		workers[i].j = j;
		workers[i].index = i;
		rc = store_open(&workers[i].st, db_path);
		if (rc) {
			log_error("jobs: worker %u cannot open %s", i, db_path);
			goto fail;
		}
	}
	/* Workers take no signals: they go to the threads that wait for them, and a handler's sleep
	 * or busy wait is never cut short. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (unsigned i = 0; i < n_workers; i++) {
		int err = pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);
		if (err) {
			log_error("jobs: cannot start worker %u: %s", i, strerror(err));
			rc = -1;
			break;
		}
		workers[i].is_started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		goto fail;
	log_info("jobs: %u worker(s), lease %" PRId64 " s", n_workers, j->lease_s);
	*out = j;
	return 0;
fail:
	jobs_stop(j);
	return rc;
}

void jobs_stop(struct jobs *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&wake_mu);
	j->is_stopping = true;
	pthread_cond_broadcast(&wake_cv);
	pthread_mutex_unlock(&wake_mu);
	/* A worker finishes the job it is running, then sees is_stopping. */
	for (unsigned i = 0; i < j->n_workers; i++) {
		struct jobs_worker *w = &j->workers[i];
		if (w->is_started) {
			int err = pthread_join(w->thread, NULL);
			if (err)
				log_error("jobs: cannot join worker %u: %s", i, strerror(err));
		}
		store_close(w->st);
	}
	free(j->workers);
	free(j);
}

int jobs_enqueue(struct store *st, const char *kind, const char *payload, int64_t due_at, int64_t *id)
{
	if (!jobs_kind_known(kind)) {
		log_error("jobs: cannot queue a job of unknown kind '%s'", kind ? kind : "(null)");
		return STORE_ERROR;
	}
	int64_t new_id;
	int rc = q_jobs_insert(st, kind, payload ? payload : "{}", due_at, &new_id);
	if (rc)
		return rc;
	if (id)
		*id = new_id;
	/* Wake idle workers now. Inside the caller's transaction the row is not visible until the
	 * commit; a worker that looks too early finds it on its next look, IDLE_WAIT_MS later. */
	wake_all();
	return STORE_OK;
}
