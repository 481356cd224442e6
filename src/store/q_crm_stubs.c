/* q_crm_stubs.c — TEMPORARY: the empty body of q_crm_event.h until the events module lands. */
#include "store/q_crm_event.h"
#include "store/store.h"

int q_crm_event_add(struct store *st, int64_t t, int64_t id, const char *action, int64_t u)
{
	(void)st; (void)t; (void)id; (void)action; (void)u;
	return STORE_OK;
}
