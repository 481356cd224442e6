/* crm_owned.h — what the methods of records that belong to CRM items (timeline comments,
 * activities) share: the owner's "last activity" stamp, and the activity records the merged
 * timeline shows. */
#ifndef VORONKA_CRM_OWNED_H
#define VORONKA_CRM_OWNED_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "rest/rest.h"

/* Stamp the owner item's LAST_ACTIVITY_TIME/BY with now and the caller; an owner deleted since
 * (its records outlive it) is no error. 0, or -1 with the call failed. (crm_timeline.c) */
int rest_crm_touch_owner(struct rest_call *call, int64_t type, int64_t id, const char *now);
/* The activities ids[0..n) as crm.activity.get shows them, into by_id keyed by ID. (crm_activity.c) */
int rest_crm_activity_records(struct rest_call *call, const int64_t *ids, size_t n, json_t *by_id);

#endif
