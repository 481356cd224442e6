/* test_jobs.c — the job queue (src/jobs/) on a file-backed temporary database: every job runs
 * exactly once with two workers and with two queues (as two processes would) on one database;
 * a failing kind is retried, its effects rolled back, then marked failed; a future job waits;
 * a job leased by a dead worker is run again once its lease ends; a job whose workers died on
 * every attempt is given up; a job queued in a rolled-back transaction never runs; jobs_stop
 * is prompt; and a process killed with SIGKILL mid-job leaves every effect exactly once. */
#include "jobs/jobs.h"
#include "core/log.h"
#include "core/util.h"
#include "store/q_jobs.h"
#include "store/store.h"
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

static int passed, failed;
#define CHECK(cond, ...)                                                                                               \
	do {                                                                                                           \
		if (cond)                                                                                              \
			passed++;                                                                                      \
		else {                                                                                                 \
			failed++;                                                                                      \
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                                         \
			printf(__VA_ARGS__);                                                                           \
			printf("\n");                                                                                  \
		}                                                                                                      \
	} while (0)

#define N_BULK 200
#define WAIT_S 60.0 /* generous: a loaded machine must not fail the suite */

static char dir[256], db_path[300];
static struct store *st; /* the test's own connection */

static void msleep(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int64_t enqueue(const char *kind, const char *payload, int64_t due)
{
	int64_t id = 0;
	int rc = jobs_enqueue(st, kind, payload, due, &id);
	CHECK(rc == 0 && id > 0, "enqueue %s: rc %d %s", kind, rc, store_errmsg(st));
	return id;
}

/* The job's state (into state, 16 bytes), attempts and test-log rows. */
static int job_info(int64_t id, char *state, int64_t *attempts, int64_t *runs)
{
	struct q_job j;
	int rc = q_jobs_get(st, id, &j);
	if (rc)
		return rc;
	snprintf(state, 16, "%s", j.state);
	if (attempts)
		*attempts = j.attempts;
	q_job_release(&j);
	return runs ? q_jobs_test_log_count(st, id, runs) : 0;
}

/* Wait until every job in ids[0..n) has left state queued; 0, or -1 on timeout. */
static int wait_finished(const int64_t *ids, int n, double timeout)
{
	double t0 = now_mono();
	for (int i = 0; i < n;) {
		char state[16];
		if (job_info(ids[i], state, NULL, NULL) == 0 && strcmp(state, "queued") != 0) {
			i++;
			continue;
		}
		if (now_mono() - t0 > timeout)
			return -1;
		msleep(10);
	}
	return 0;
}

/* Every job ran once: state done, one log row, and one attempt unless may_retry. */
static void check_once(const int64_t *ids, int n, const char *what, bool may_retry)
{
	int n_bad = 0;
	for (int i = 0; i < n; i++) {
		char state[16] = "";
		int64_t attempts = -1, runs = -1;
		int rc = job_info(ids[i], state, &attempts, &runs);
		if (rc || strcmp(state, "done") || runs != 1 || attempts < 1 || (!may_retry && attempts != 1)) {
			if (n_bad++ < 5)
				printf("  %s: job %lld: rc %d state %s attempts %lld runs %lld\n", what,
				       (long long)ids[i], rc, state, (long long)attempts, (long long)runs);
		}
	}
	CHECK(n_bad == 0, "%s: %d of %d jobs did not run exactly once", what, n_bad, n);
}

static void test_bulk_two_workers(void)
{
	int64_t ids[N_BULK];
	for (int i = 0; i < N_BULK; i++)
		ids[i] = enqueue("voronka.test.record", i % 20 == 0 ? "{\"sleep_ms\":5}" : "{}", now_unix());
	struct jobs *j;
	double t0 = now_mono();
	int rc = jobs_start(&j, db_path, 2);
	CHECK(rc == 0, "jobs_start: %d", rc);
	if (rc)
		return;
	rc = wait_finished(ids, N_BULK, WAIT_S);
	CHECK(rc == 0, "the bulk jobs did not finish in %.0f s", WAIT_S);
	printf("  %d jobs, 2 workers: %.3f s\n", N_BULK, now_mono() - t0);
	check_once(ids, N_BULK, "two workers", false);
	t0 = now_mono();
	jobs_stop(j);
	CHECK(now_mono() - t0 < 1.0, "jobs_stop took %.3f s", now_mono() - t0);
}

/* Two queues on one database, as two Voronka processes would run: the lease keeps them apart. */
static void test_bulk_two_queues(void)
{
	struct jobs *a, *b;
	int rc = jobs_start(&a, db_path, 2);
	CHECK(rc == 0, "jobs_start a: %d", rc);
	if (rc)
		return;
	rc = jobs_start(&b, db_path, 2);
	CHECK(rc == 0, "jobs_start b: %d", rc);
	if (rc) {
		jobs_stop(a);
		return;
	}
	/* queued while the workers run, so that they race for each one */
	int64_t ids[N_BULK];
	double t0 = now_mono();
	for (int i = 0; i < N_BULK; i++)
		ids[i] = enqueue("voronka.test.record", "{}", now_unix());
	rc = wait_finished(ids, N_BULK, WAIT_S);
	CHECK(rc == 0, "the jobs of two queues did not finish in %.0f s", WAIT_S);
	printf("  %d jobs, two queues of 2 workers: %.3f s\n", N_BULK, now_mono() - t0);
	check_once(ids, N_BULK, "two queues", false);
	jobs_stop(a);
	jobs_stop(b);
}

/* A failing kind: retried (immediately: VORONKA_JOB_BACKOFF_MAX=0) up to max_attempts, its log
 * row rolled back each time, then failed with the handler's message. A future job stays. */
static void test_retry_and_future(void)
{
	int64_t fail_id = enqueue("voronka.test.fail", "{}", now_unix());
	int64_t future_id = enqueue("voronka.test.record", "{}", now_unix() + 3600);
	struct jobs *j;
	int rc = jobs_start(&j, db_path, 2);
	CHECK(rc == 0, "jobs_start: %d", rc);
	if (rc)
		return;
	rc = wait_finished(&fail_id, 1, WAIT_S);
	CHECK(rc == 0, "the failing job did not end");
	msleep(300); /* time for the future job to run, were it going to */
	jobs_stop(j);

	struct q_job f;
	rc = q_jobs_get(st, fail_id, &f);
	CHECK(rc == 0, "get fail job: %d", rc);
	if (rc == 0) {
		CHECK(!strcmp(f.state, "failed"), "state %s", f.state);
		CHECK(f.attempts == f.max_attempts && f.attempts == 5, "attempts %lld of %lld", (long long)f.attempts,
		      (long long)f.max_attempts);
		CHECK(strstr(f.last_error, "always fails") != NULL, "last_error '%s'", f.last_error);
		CHECK(f.finished_at != NULL, "finished_at not set");
		q_job_release(&f);
	}
	int64_t runs = -1;
	CHECK(q_jobs_test_log_count(st, fail_id, &runs) == 0 && runs == 0, "failed attempts left %lld log rows",
	      (long long)runs);

	char state[16] = "";
	int64_t attempts = -1;
	runs = -1;
	rc = job_info(future_id, state, &attempts, &runs);
	CHECK(rc == 0 && !strcmp(state, "queued") && attempts == 0 && runs == 0,
	      "future job: rc %d state %s attempts %lld runs %lld", rc, state, (long long)attempts, (long long)runs);
}

/* A worker that died holding a lease: the job runs again once the lease has passed
 * (the test takes a one-second lease), and the dead worker's completion would be refused. */
static void test_dead_worker_lease(void)
{
	int64_t id = enqueue("voronka.test.record", "{}", now_unix());
	struct q_job c;
	int64_t now = now_unix();
	int rc = store_tx_begin_write(st);
	CHECK(rc == 0, "begin: %d", rc);
	rc = q_jobs_claim(st, "dead-worker", now, now + 1, &c);
	CHECK(rc == 0 && c.id == id, "claim: rc %d id %lld want %lld", rc, (long long)c.id, (long long)id);
	CHECK(store_tx_commit(st) == 0, "commit: %s", store_errmsg(st));
	if (rc == 0)
		q_job_release(&c);

	struct jobs *j;
	double t0 = now_mono();
	rc = jobs_start(&j, db_path, 2);
	CHECK(rc == 0, "jobs_start: %d", rc);
	if (rc)
		return;
	rc = wait_finished(&id, 1, WAIT_S);
	double took = now_mono() - t0;
	jobs_stop(j);
	CHECK(rc == 0, "the job of a dead worker never ran again");
	printf("  re-run after a dead worker's lease: %.3f s\n", took);

	char state[16] = "";
	int64_t attempts = -1, runs = -1;
	rc = job_info(id, state, &attempts, &runs);
	CHECK(rc == 0 && !strcmp(state, "done") && attempts == 2 && runs == 1,
	      "rc %d state %s attempts %lld runs %lld", rc, state, (long long)attempts, (long long)runs);
	/* the dead worker comes back to life: its completion is refused */
	CHECK(store_tx_begin_write(st) == 0, "begin");
	rc = q_jobs_mark_done(st, id, "dead-worker");
	CHECK(rc == STORE_NOTFOUND, "a stale lease completed a job: %d", rc);
	CHECK(store_tx_rollback(st) == 0, "rollback");
}

/* Workers died during every attempt (claims never completed): the next claim gives up. */
static void test_exhausted_by_crashes(void)
{
	int64_t id = enqueue("voronka.test.record", "{}", now_unix());
	for (int i = 0; i < 5; i++) {
		struct q_job c;
		int64_t now = now_unix();
		CHECK(store_tx_begin_write(st) == 0, "begin");
		int rc = q_jobs_claim(st, "crashing-worker", now, 0, &c); /* lease already over */
		CHECK(rc == 0 && c.id == id, "claim %d: rc %d", i, rc);
		CHECK(store_tx_commit(st) == 0, "commit");
		if (rc == 0)
			q_job_release(&c);
	}
	struct jobs *j;
	int rc = jobs_start(&j, db_path, 1);
	CHECK(rc == 0, "jobs_start: %d", rc);
	if (rc)
		return;
	rc = wait_finished(&id, 1, WAIT_S);
	jobs_stop(j);
	char state[16] = "";
	int64_t attempts = -1, runs = -1;
	CHECK(rc == 0 && job_info(id, state, &attempts, &runs) == 0 && !strcmp(state, "failed") && runs == 0,
	      "state %s attempts %lld runs %lld", state, (long long)attempts, (long long)runs);
}

/* jobs_enqueue in the caller's transaction: rolled back, the job never was. Committed, it runs,
 * and the wake-up makes that quick. */
static void test_enqueue_in_transaction(void)
{
	struct jobs *j;
	int rc = jobs_start(&j, db_path, 2);
	CHECK(rc == 0, "jobs_start: %d", rc);
	if (rc)
		return;
	msleep(50); /* let the workers go idle */
	CHECK(store_tx_begin_write(st) == 0, "begin");
	int64_t gone = enqueue("voronka.test.record", "{}", now_unix());
	CHECK(store_tx_rollback(st) == 0, "rollback");
	struct q_job g;
	CHECK(q_jobs_get(st, gone, &g) == STORE_NOTFOUND, "a rolled-back job exists");

	double worst = 0;
	for (int i = 0; i < 5; i++) {
		msleep(30);
		double t0 = now_mono();
		int64_t id = enqueue("voronka.test.record", "{}", now_unix());
		rc = wait_finished(&id, 1, WAIT_S);
		CHECK(rc == 0, "job %lld did not run", (long long)id);
		if (now_mono() - t0 > worst)
			worst = now_mono() - t0;
	}
	printf("  enqueue to done, idle workers, worst of 5: %.3f s\n", worst);
	CHECK(jobs_enqueue(st, "no.such.kind", "{}", now_unix(), NULL) != 0, "an unknown kind was queued");
	double t0 = now_mono();
	jobs_stop(j);
	CHECK(now_mono() - t0 < 0.5, "jobs_stop of idle workers took %.3f s", now_mono() - t0);
	jobs_stop(NULL);
	CHECK(jobs_start(&j, "/nonexistent/dir/x.db", 2) != 0 && j == NULL, "jobs_start on a bad path");
}

/* A child process runs the queue and is killed with SIGKILL mid-run; then this process finishes
 * the queue. Jobs in flight in the child left nothing (their transaction never committed) and
 * are run again once the child's one-second leases pass. */
static void test_kill9_child(void)
{
	enum { N = 100 };
	int64_t ids[N];
	for (int i = 0; i < N; i++)
		ids[i] = enqueue("voronka.test.record", "{\"sleep_ms\":15}", now_unix());
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		CHECK(0, "fork failed");
		return;
	}
	if (pid == 0) { /* the child: never touches the parent's connection */
		struct jobs *cj;
		setenv("VORONKA_JOB_LEASE", "1", 1);
		if (jobs_start(&cj, db_path, 2))
			_exit(3);
		for (;;)
			pause();
	}
	msleep(400);
	CHECK(kill(pid, SIGKILL) == 0, "kill");
	int status;
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status), "the child did not die of SIGKILL");
	int n_done = 0;
	for (int i = 0; i < N; i++) {
		char state[16] = "";
		if (job_info(ids[i], state, NULL, NULL) == 0 && !strcmp(state, "done"))
			n_done++;
	}
	printf("  kill -9 of a child process with %d/%d jobs done\n", n_done, N);
	CHECK(n_done > 0 && n_done < N, "the kill did not land mid-run: %d done", n_done);
	struct jobs *j;
	double t0 = now_mono();
	int rc = jobs_start(&j, db_path, 2);
	CHECK(rc == 0, "jobs_start: %d", rc);
	if (rc)
		return;
	rc = wait_finished(ids, N, WAIT_S);
	CHECK(rc == 0, "the jobs left by the killed child did not finish");
	printf("  the rest finished in %.3f s\n", now_mono() - t0);
	jobs_stop(j);
	check_once(ids, N, "after kill -9", true);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	setenv("VORONKA_JOB_BACKOFF_MAX", "0", 1);
	snprintf(dir, sizeof dir, "%s/voronka-test-jobs-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(db_path, sizeof db_path, "%s/voronka.db", dir);
	int version = 0;
	if (store_open(&st, db_path) || store_migrate(st, &version)) {
		printf("cannot create %s\n", db_path);
		return 1;
	}
	CHECK(jobs_kind_known("voronka.test.record") && jobs_kind_known("voronka.test.fail") &&
		      !jobs_kind_known("nope") && !jobs_kind_known(NULL),
	      "kinds");

	double t0 = now_mono();
	test_bulk_two_workers();
	test_bulk_two_queues();
	test_retry_and_future();
	test_dead_worker_lease();
	test_exhausted_by_crashes();
	test_enqueue_in_transaction();
	test_kill9_child();
	printf("  total %.3f s\n", now_mono() - t0);

	store_close(st);
	char p[400];
	const char *files[] = {"voronka.db", "voronka.db-wal", "voronka.db-shm"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
