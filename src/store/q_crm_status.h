/* q_crm_status.h — the SQL of CRM reference lists (crm_status, L1/L3): the descriptor the filter
 * engine builds crm.status.list from, and the fixed statements of rest/crm_status.c. All return
 * 0 or a negative store code; lookups that find nothing return STORE_NOTFOUND. Text
 * out-parameters are copied into the caller's buffers (never pointers into a statement). */
#ifndef VORONKA_Q_CRM_STATUS_H
#define VORONKA_Q_CRM_STATUS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store/query.h"

struct store;

extern const struct query_entity q_crm_status_entity; /* crm_status, as crm.status.list shows it */

#define Q_CRM_STATUS_ID_MAX 64 /* bytes of a STATUS_ID / ENTITY_ID buffer (the API allows 50) */

/* One row, as the write rules need it. */
struct q_crm_status_row {
	char entity_id[Q_CRM_STATUS_ID_MAX];
	char status_id[Q_CRM_STATUS_ID_MAX];
	bool is_system;
	char semantics; /* 'P' (NULL or 'P' in the table), 'S' or 'F' */
	int64_t sort;
};
int q_crm_status_get(struct store *st, int64_t id, struct q_crm_status_row *out);
/* Does the list hold this STATUS_ID on a row other than except_id (0: any)? */
int q_crm_status_taken(struct store *st, const char *entity_id, const char *status_id, int64_t except_id,
		       bool *taken);
int q_crm_status_delete(struct store *st, int64_t id);
/* Is status_id a value of list entity_id? *semantics gets 'P', 'S' or 'F'; STORE_NOTFOUND if not. */
int q_crm_status_semantics(struct store *st, const char *entity_id, const char *status_id, char *semantics);

/* A stage list walked in its order (sort, then id): what its invariants and SEMANTIC_INFO need. */
struct q_crm_status_summary {
	int64_t n_rows, n_process, n_success, n_failure;
	char first_semantics;                     /* of the first row by sort; 0 when the list is empty */
	char start_id[Q_CRM_STATUS_ID_MAX];       /* the first process stage */
	char success_id[Q_CRM_STATUS_ID_MAX];     /* the first success stage */
	char failure_id[Q_CRM_STATUS_ID_MAX];     /* the first failure stage */
	int64_t failure_row;                      /* its row id (others with F are "apology"); 0 none */
	int64_t success_sort;                     /* FINAL_SORT */
	bool is_ordered;                          /* every process stage before the success, before failures */
};
int q_crm_status_summary(struct store *st, const char *entity_id, struct q_crm_status_summary *out);

#endif
