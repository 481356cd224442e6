/* q_crm_import.h — the SQL of CRM imports (crm/import.c). An import is a set of rows of `jobs`
 * of kind "crm.import" (no table of its own): one record listing its batch jobs, and the batch
 * jobs, each of which replaces its own payload (the rows it was given) with its result (counts
 * and per-row errors) in the transaction that completes it. These two statements are that
 * replacement and the light read of a batch that import.status makes. Both return 0 or a
 * negative store code; STORE_NOTFOUND when there is no such crm.import job. */
#ifndef VORONKA_Q_CRM_IMPORT_H
#define VORONKA_Q_CRM_IMPORT_H
#include <stdint.h>

struct store;
struct arena;

/* One batch job as import.status needs it. Strings are arena copies. */
struct q_crm_import_batch {
	const char *state;      /* queued | done | failed */
	int64_t attempts;       /* claims so far: > 0 while queued means it is running or retrying */
	const char *last_error;
	const char *result;     /* the payload once done (its result), "" before */
};

int q_crm_import_set_result(struct store *st, int64_t job_id, const char *result);
int q_crm_import_batch_get(struct store *st, struct arena *a, int64_t job_id, struct q_crm_import_batch *out);

#endif
