/* jobs.h — the persistent job queue that robots, mail polling, reminders and mailings use.
 *
 * A job is a row (store table `jobs`): kind, JSON payload, due time, attempts and a lease.
 * Worker threads (each with its own store connection) claim due jobs by taking a lease in one
 * write transaction, so two workers — or two Voronka processes on one database — never run the
 * same job at once. A handler runs inside the transaction that marks its job done: its database
 * effects and the completion commit together, so after a crash (kill -9 included) every due job
 * still runs, and its effects land exactly once. A job whose lease ran out (its worker died) is
 * claimed again. A failing handler is retried with backoff up to max_attempts, then marked failed.
 *
 * Kinds are a table in jobs/kinds.c: { "name", handler }. A handler returns 0, or -1 with a
 * message in err; it must not commit or roll back the transaction it is given. */
#ifndef VORONKA_JOBS_H
#define VORONKA_JOBS_H
#include <stddef.h>
#include <stdint.h>

struct store;
struct jobs;

typedef int (*job_handler)(struct store *st, int64_t job_id, const char *payload, char *err, size_t err_n);

/* Start n worker threads on the database at db_path. */
int jobs_start(struct jobs **out, const char *db_path, unsigned n_workers);
/* Stop claiming; wait for the jobs running now to finish; join the threads. */
void jobs_stop(struct jobs *j);
/* Queue a job due at due_at (Unix time). Works inside the caller's transaction. */
int jobs_enqueue(struct store *st, const char *kind, const char *payload, int64_t due_at, int64_t *id);
/* Is this a known kind? */
int jobs_kind_known(const char *kind);

#endif
