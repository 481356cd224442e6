/* q_crm_item.h — the SQL of CRM items: leads, deals, contacts and companies (crm_lead, crm_deal,
 * crm_contact, crm_company, migration 6), their multi-fields (crm_fm), links (crm_entity_link)
 * and history. The descriptors give the filter engine each type's fields with Bitrix24's names;
 * the fixed statements serve the write path in crm/item.c. All return 0 or a negative store
 * code; lookups that find nothing return STORE_NOTFOUND. */
#ifndef VORONKA_Q_CRM_ITEM_H
#define VORONKA_Q_CRM_ITEM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store/query.h"

struct store;
struct arena;

/* The descriptor of a type (1–4), or NULL. */
const struct query_entity *q_crm_item_entity(int64_t entity_type_id);
/* Does item id of the type exist? (false for an unknown type) */
int q_crm_item_exists(struct store *st, int64_t entity_type_id, int64_t id, bool *exists);

#endif
