/* kinds.h — the jobs module's private view of its table of kinds (kinds.c), used by queue.c.
 * Adding a kind: a row in kinds.c and its handler (jobs.h says what a handler may do). */
#ifndef VORONKA_JOBS_KINDS_H
#define VORONKA_JOBS_KINDS_H
#include "jobs/jobs.h"

struct job_kind {
	const char *name;     /* what jobs.kind holds: "module.what", e.g. "voronka.test.record" */
	job_handler handler;
};

/* The kind of this name, or NULL. */
const struct job_kind *jobs_kind_find(const char *name);

#endif
