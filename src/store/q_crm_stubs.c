/* q_crm_stubs.c — TEMPORARY: empty bodies of q_crm_stats.h, q_crm_search.h and q_crm_event.h
 * until their modules land (each helper deletes its part of this file). */
#include "store/q_crm_stats.h"
#include "store/q_crm_search.h"
#include "store/q_crm_event.h"
#include "store/store.h"

/* stats */
int q_crm_stats_apply(struct store *st, int64_t t, int64_t c, const char *s, int64_t dn, int64_t dc)
{
	(void)st; (void)t; (void)c; (void)s; (void)dn; (void)dc;
	return STORE_OK;
}
int q_crm_stats_rebuild(struct store *st, int64_t t)
{
	(void)st; (void)t;
	return STORE_OK;
}
int q_crm_stats_get(struct store *st, struct arena *a, int64_t t, int64_t c, struct q_crm_stage_stat **out, size_t *n)
{
	(void)st; (void)a; (void)t; (void)c;
	*out = NULL;
	*n = 0;
	return STORE_OK;
}
/* search */
int q_crm_search_index(struct store *st, int64_t t, int64_t id)
{
	(void)st; (void)t; (void)id;
	return STORE_OK;
}
int q_crm_search_remove(struct store *st, int64_t t, int64_t id)
{
	(void)st; (void)t; (void)id;
	return STORE_OK;
}
int q_crm_search_rebuild(struct store *st, int64_t t)
{
	(void)st; (void)t;
	return STORE_OK;
}
/* event */
int q_crm_event_add(struct store *st, int64_t t, int64_t id, const char *action, int64_t u)
{
	(void)st; (void)t; (void)id; (void)action; (void)u;
	return STORE_OK;
}
