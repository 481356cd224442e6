/* q_crm_seed.h — the SQL of bulk CRM loads (`voronka seed`) and of the demo data's finishing
 * touches (user/demo_crm.c). Seeding skips the REST write path on purpose: a million deals must
 * load in well under a minute, so rows go in through one prepared INSERT each, reused inside a few
 * big transactions the caller opens, and the derived tables (crm_stage_stats, crm_search) are
 * rebuilt once at the end by their own modules.
 *
 * Text arguments are borrowed for the length of the call. All return 0 or a negative store code. */
#ifndef VORONKA_Q_CRM_SEED_H
#define VORONKA_Q_CRM_SEED_H
#include <stddef.h>
#include <stdint.h>

struct store;
struct arena;

/* A stage of a deal pipeline or a lead status, as seeding picks them. */
struct q_crm_seed_stage {
	int64_t category_id; /* the deal pipeline; 0 for the default one and for lead statuses */
	char stage_id[64];   /* STAGE_ID / STATUS_ID: "NEW", "C3:WON" */
	char semantics;      /* 'P' in progress, 'S' success, 'F' failure */
};
/* Every stage of every deal pipeline (DEAL_STAGE and DEAL_STAGE_{n} of existing pipelines), by
 * pipeline then sort: an arena array. */
int q_crm_seed_deal_stages(struct store *st, struct arena *a, struct q_crm_seed_stage **out, size_t *n);
/* The lead statuses (STATUS), by sort. */
int q_crm_seed_lead_statuses(struct store *st, struct arena *a, struct q_crm_seed_stage **out, size_t *n);
/* The ids of active users, by id: an arena array. */
int q_crm_seed_user_ids(struct store *st, struct arena *a, int64_t **out, size_t *n);
/* Items of a type (1 lead, 2 deal, 3 contact, 4 company). */
int q_crm_seed_count(struct store *st, int64_t entity_type_id, int64_t *n);
/* A bigger page cache for the connection (bulk loads touch every index page). */
int q_crm_seed_tune(struct store *st);

/* A bulk load into a big share of a table is faster without its secondary indexes: inserting
 * rows with random keys into nine B-trees costs several times building each from sorted rows once.
 * drop removes the indexes of a CRM item table (1–4) and keeps their definitions in *saved (an
 * arena array); create builds them again. Both belong inside the caller's one transaction, so
 * that nobody sees, and no crash leaves, the table without them. */
struct q_crm_seed_indexes {
	char **sql; /* CREATE INDEX texts, as the migrations made them */
	size_t n;
};
int q_crm_seed_indexes_drop(struct store *st, struct arena *a, int64_t entity_type_id, struct q_crm_seed_indexes *saved);
int q_crm_seed_indexes_create(struct store *st, const struct q_crm_seed_indexes *saved);

/* The fields every bulk row carries. */
struct q_crm_seed_common {
	int64_t assigned_by_id;  /* also CREATED_BY_ID and MODIFY_BY_ID */
	const char *date_create; /* "YYYY-MM-DD hh:mm:ss" UTC */
	const char *date_modify;
	const char *source_id;   /* crm_status SOURCE, or "" */
};

struct q_crm_seed_company {
	struct q_crm_seed_common c;
	const char *title, *company_type, *industry, *city;
	double revenue;
	int has_phone, has_email; /* 0/1: the caller adds the crm_fm rows */
};
int q_crm_seed_company_insert(struct store *st, const struct q_crm_seed_company *r, int64_t *id);

struct q_crm_seed_contact {
	struct q_crm_seed_common c;
	const char *name, *second_name, *last_name, *post, *type_id, *city;
	int64_t company_id; /* 0: none (a link row is the caller's) */
	int has_phone, has_email;
};
int q_crm_seed_contact_insert(struct store *st, const struct q_crm_seed_contact *r, int64_t *id);

struct q_crm_seed_deal {
	struct q_crm_seed_common c;
	const char *title, *type_id;
	const struct q_crm_seed_stage *stage; /* its pipeline, STAGE_ID and semantics */
	int is_first_stage;                    /* IS_NEW */
	double opportunity;                    /* RUB */
	int64_t company_id, contact_id;        /* 0: none */
	const char *begindate, *closedate;     /* "YYYY-MM-DD" */
};
int q_crm_seed_deal_insert(struct store *st, const struct q_crm_seed_deal *r, int64_t *id);

struct q_crm_seed_lead {
	struct q_crm_seed_common c;
	const char *title, *name, *last_name, *company_title;
	const struct q_crm_seed_stage *status;
	double opportunity;
	int has_phone;
};
int q_crm_seed_lead_insert(struct store *st, const struct q_crm_seed_lead *r, int64_t *id);

/* A multi-field value (PHONE / EMAIL) of an item; value_norm as crm_fm wants it (digits of a
 * phone, a lower-cased e-mail). */
int q_crm_seed_fm_insert(struct store *st, int64_t entity_type_id, int64_t entity_id, const char *type_id,
			 const char *value_type, const char *value, const char *value_norm);
/* A row of crm_entity_link: a deal's contact (2 → 3), a contact's company (3 → 4). */
int q_crm_seed_link_insert(struct store *st, int64_t owner_type_id, int64_t owner_id, int64_t linked_type_id,
			   int64_t linked_id, int is_primary);

/* The demo data's history: items are made through the API (so history, stage stats, search and
 * events are written as for any client), then moved back in time, since the API stamps every
 * change "now". A mark remembers where the history tables end before a call; backdate_since
 * then dates every history and stage-history row written after the mark. */
struct q_crm_seed_mark {
	int64_t history;       /* the last crm_history id */
	int64_t stage_history; /* the last crm_stage_history id */
};
int q_crm_seed_mark(struct store *st, struct q_crm_seed_mark *m);
int q_crm_seed_backdate_since(struct store *st, const struct q_crm_seed_mark *m, const char *when);
/* The item's own dates (and its last move and activity, when it has them). */
int q_crm_seed_backdate_item(struct store *st, int64_t entity_type_id, int64_t id, const char *date_create,
			     const char *date_modify);
int q_crm_seed_backdate_activity(struct store *st, int64_t id, const char *created);
int q_crm_seed_backdate_comment(struct store *st, int64_t id, const char *created);

#endif
