/* q_crm_product.h — the SQL of the product catalogue (crm_product, migration 5): the descriptor
 * crm.product.list / get are built from, and the one fixed statement the handlers need beside
 * the engine's insert and update. All return 0 or a negative store code; STORE_NOTFOUND when
 * there is no such row.
 *
 * Money: PRICE is a REAL column rounded to cents on write (rest/crm_product.c) and shown with two
 * decimals ("1500.00"); doubles hold every cent exactly enough up to 10^13. Sums over many rows
 * (deal product rows, C8) should add integer cents, not these doubles. */
#ifndef VORONKA_Q_CRM_PRODUCT_H
#define VORONKA_Q_CRM_PRODUCT_H
#include <stdint.h>
#include "store/query.h"

struct store;

extern const struct query_entity q_crm_product_entity; /* crm_product, as crm.product.list shows it */

int q_crm_product_delete(struct store *st, int64_t id);

#endif
