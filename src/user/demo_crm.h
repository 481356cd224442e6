/* demo_crm.h — CRM data for the demo company and for benchmarks.
 *
 *   demo_crm_fill()  `voronka init --demo`: a believable Russian sales department's CRM (three
 *                    pipelines, ~40 companies, ~100 contacts, ~200 leads, ~300 deals, calls,
 *                    meetings and comments over the last six months), made through the REST
 *                    dispatcher like any API client's, so history, stage stats, the search index
 *                    and events are written by the same code. Deterministic (a fixed PRNG seed;
 *                    dates relative to today). A part whose REST method does not exist yet is
 *                    skipped with a warning; idempotent: a CRM that holds items is left alone.
 *   demo_crm_seed()  `voronka seed`: N deals (and leads) loaded by bulk INSERTs in a few big
 *                    transactions, then the stage stats and the search index rebuilt.
 *
 * Both print what they did to stdout and return 0 or a negative store code. */
#ifndef VORONKA_DEMO_CRM_H
#define VORONKA_DEMO_CRM_H
#include <stdbool.h>
#include <stdint.h>

struct store;

/* admin_id: the administrator made by init, who adds the pipelines. */
int demo_crm_fill(struct store *st, int64_t admin_id);

struct demo_crm_seed_opts {
	int64_t n_deals;     /* deals to add */
	int64_t n_leads;     /* leads to add */
	bool skip_search;    /* leave the full-text index as it is (faster; search misses the new rows) */
};
int demo_crm_seed(struct store *st, const struct demo_crm_seed_opts *o);

#endif
