/* q_crm_search.h — the full-text index over leads, deals, contacts and companies (P10): titles,
 * names, company titles, phones (also as bare digits) and e-mails. SQLite FTS5 (crm_search,
 * migration 6); the write path (crm/item.c) re-indexes an item in the same transaction as its
 * change. All return 0 or a negative store code. */
#ifndef VORONKA_Q_CRM_SEARCH_H
#define VORONKA_Q_CRM_SEARCH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct arena;

/* Rebuild one item's entry from its current row and multi-fields (removes it if the item is gone). */
int q_crm_search_index(struct store *st, int64_t entity_type_id, int64_t entity_id);
int q_crm_search_remove(struct store *st, int64_t entity_type_id, int64_t entity_id);
/* Index every item of a type from scratch (after bulk loads). */
int q_crm_search_rebuild(struct store *st, int64_t entity_type_id);

/* One found item. Texts are arena copies. */
struct q_crm_search_hit {
	int64_t entity_type_id;
	int64_t entity_id;
	const char *title;        /* TITLE, or the person's name; "" when the item has neither */
	const char *subtitle;     /* a lead's person and company, a contact's post and company, a deal's
				   * client; "" when none */
	const char *matched_type; /* "PHONE" or "EMAIL": a multi-field the query matched; NULL if none did */
	const char *matched;      /* that value as stored; NULL if none */
};
#define Q_CRM_SEARCH_MAX_HITS 50
#define Q_CRM_SEARCH_MAX_CANDIDATES 2000 /* best matches judged when hits are filtered */
#define Q_CRM_SEARCH_MAX_WORDS 16 /* words of a query beyond these are ignored */
/* The items matching text, best first (bm25, a title counting more than the rest): every word of
 * text as a prefix, in any case; text that looks like a phone number also by its digits (with
 * or without the leading 7/8). The text is always data, never FTS syntax: quotes, operators,
 * brackets and asterisks are searched for as text. types: a bit per entityTypeId (1 << 1 leads,
 * 1 << 2 deals, 1 << 3 contacts, 1 << 4 companies); 0 means all. At most limit hits (capped at
 * Q_CRM_SEARCH_MAX_HITS), in an arena array. Text with no word gives no hits. */
int q_crm_search_find(struct store *st, struct arena *a, const char *text, unsigned types, int64_t limit,
		      struct q_crm_search_hit **out, size_t *n);
/* The same, keeping only the matches keep() accepts (the caller's rights), judged best first
 * among the best Q_CRM_SEARCH_MAX_CANDIDATES, until limit are kept. */
int q_crm_search_find_kept(struct store *st, struct arena *a, const char *text, unsigned types, int64_t limit,
			   bool (*keep)(void *ctx, int64_t entity_type_id, int64_t entity_id), void *ctx,
			   struct q_crm_search_hit **out, size_t *n);

#endif
