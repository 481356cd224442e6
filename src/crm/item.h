/* item.h — the one write path and the one read path of CRM items (leads, deals, contacts,
 * companies). The legacy methods (crm.deal.add, …), the universal crm.item.*, conversion,
 * import and the demo data all come through here, so every rule is kept in one place:
 *
 *   validation  each passed field against its kind (crm/fields.h): reference-list values, users,
 *               linked items, currencies, stages of the item's own pipeline, lengths, ranges;
 *   defaults    responsible = caller, first stage, dates, titles "Сделка #5";
 *   derived     stage semantics, CLOSED, IS_NEW, moved-by/time, HAS_PHONE/HAS_EMAIL;
 *   side rows   multi-fields, links, per-stage statistics, stage history, field history,
 *               the search index and the change event for the live stream;
 *
 * all in one transaction: a refused write leaves nothing behind.
 *
 * Errors answer the call (rest_fail) in the dialect of the caller: the legacy methods answer
 * with Bitrix24's empty error code, crm.item with ERROR_ARGUMENT / NOT_FOUND. Functions return
 * 0, or -1 when the call failed. */
#ifndef VORONKA_CRM_ITEM_H
#define VORONKA_CRM_ITEM_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "crm/crm.h"
#include "rest/rest.h"

struct query;

struct crm_ctx {
	struct rest_call *call;
	const struct crm_type *t;
	bool legacy;         /* crm.lead.* and friends: Bitrix24's empty error code */
	bool allow_category; /* crm.item.update and conversion may move a deal to another pipeline */
	int history_event;   /* 0: the usual; Q_CRM_HISTORY_CONVERT for items made by conversion */
	int64_t lead_id;     /* add: the lead this item is converted from (LEAD_ID, read-only to clients) */
	bool converting;     /* the lead's own update by conversion: linking it does not make it a repeat lead */
};

/* Run body in one write transaction (a savepoint inside another): committed when it returns 0,
 * rolled back entirely when it fails the call. */
int crm_write_tx(struct crm_ctx *x, int (*body)(struct crm_ctx *x, void *arg), void *arg);

/* fields: Bitrix24 names (upper case, any case accepted). *id gets the new item. */
int crm_item_add(struct crm_ctx *x, json_t *fields, int64_t *id);
/* Only the fields passed change; unknown fields are ignored. */
int crm_item_update(struct crm_ctx *x, int64_t id, json_t *fields);
int crm_item_delete(struct crm_ctx *x, int64_t id);
/* crm_item_read, for a client: the caller must have the read right on the item ("Access
 * denied." otherwise). */
json_t *crm_item_get(struct crm_ctx *x, int64_t id);
/* The whole record as crm.X.get shows it (multi-fields and links included); NULL when the call
 * failed (Not found among others). The object is owned by the call. No rights are asked: the
 * write paths read with it before they judge. */
json_t *crm_item_read(struct crm_ctx *x, int64_t id);
/* The multi-fields (PHONE: [{ID, VALUE_TYPE, VALUE, TYPE_ID}], …) and the list of linked items
 * (CONTACT_IDS, COMPANY_IDS, a company's CONTACT_ID) of one item, added to row. */
int crm_item_extras(struct crm_ctx *x, int64_t id, bool fm, bool links, json_t *row);
/* A page of a list: filter, order and select in Bitrix24's grammar. */
int crm_item_list(struct crm_ctx *x, json_t *filter, json_t *order, json_t *select);
/* Prepare q over the type with filter/order/select parsed (for callers that run it themselves). */
int crm_item_query(struct crm_ctx *x, struct query *q, json_t *filter, json_t *order, json_t *select);

/* A positive integer parameter (the item's ID) by name in any case: 0 and *id, or the call failed
 * with Bitrix24's "ID is not defined or invalid.". */
int crm_id_param(struct crm_ctx *x, const char *name, int64_t *id);
/* The same, and the item of x's type must exist ("Not found"). */
int crm_existing_id_param(struct crm_ctx *x, const char *name, int64_t *id);

/* Fail the call in x's dialect. not_found picks "Not found" codes. */
int crm_fail(struct crm_ctx *x, bool not_found, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int crm_fail_store(struct crm_ctx *x, int store_rc);

/* The reference list holding the stages of an item: "STATUS" for leads, "DEAL_STAGE" or
 * "DEAL_STAGE_{n}" for deals. buf gets it. */
const char *crm_stage_list(const struct crm_type *t, int64_t category_id, char *buf, size_t n);

/* crm.X.fields of a type: Bitrix24's field descriptors (type, flags, title, statusType). */
json_t *crm_fields_json(struct rest_call *call, int type_id);

/* Record the current user's change in the item's history with the old and new record. */
int crm_history_diff(struct crm_ctx *x, int64_t id, json_t *before, json_t *after, const char *now);

#endif
