/* fields.h — what the CRM knows about its items' standard fields beyond their storage (the
 * descriptors in store/q_crm_item.c): what a value refers to (a reference list, a user, another
 * item, a currency), how long text may be, and the field's crm.item (camelCase) name. One table
 * serves validation on write, *.fields output and the crm.item name mapping. */
#ifndef VORONKA_CRM_FIELDS_H
#define VORONKA_CRM_FIELDS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store/query.h"

enum crm_field_kind {
	CK_PLAIN,      /* the storage type says it all */
	CK_STATUS,     /* a value of the reference list `status` (STAGE: the pipeline's stage list) */
	CK_STAGE,      /* STATUS_ID of leads, STAGE_ID of deals */
	CK_USER,       /* an employee's ID */
	CK_LEAD, CK_CONTACT, CK_COMPANY, /* another item's ID */
	CK_CONTACTS,   /* several contacts (links) */
	CK_COMPANIES,  /* several companies (links) */
	CK_CURRENCY,   /* ISO 4217 */
	CK_CATEGORY,   /* a deal pipeline */
	CK_FM,         /* a multi-field: PHONE, EMAIL, WEB, IM, LINK */
	CK_FILE,       /* PHOTO, LOGO: not stored yet */
};

struct crm_field_meta {
	int type_id;            /* 0: any type */
	const char *name;
	enum crm_field_kind kind;
	const char *status;     /* CK_STATUS: the list's ENTITY_ID */
	size_t max_len;         /* text: bytes; 0 = the default (255) */
	const char *camel;      /* crm.item name when not the plain camelCase of name */
};

/* The facts about field name of a type (a static default for plain fields). */
const struct crm_field_meta *crm_field_meta(int type_id, const char *name);
/* The same for a field of the type's descriptor, without searching (cached per field). */
const struct crm_field_meta *crm_field_meta_of(int type_id, const struct query_field *f);
/* The *.fields "type" of a field. */
const char *crm_field_type_name(int type_id, const struct query_field *f, const struct crm_field_meta *m);
/* Is it required on add? Is it immutable after add? */
int crm_field_required(int type_id, const char *name);
int crm_field_immutable(int type_id, const char *name);
/* The crm.item name of a field into buf ("ASSIGNED_BY_ID" → "assignedById"). */
const char *crm_field_camel(int type_id, const char *name, char *buf, size_t n);
/* The standard field whose crm.item name is camel (any case of the first letter), or NULL. */
const struct query_field *crm_field_by_camel(int type_id, const char *camel);
/* crm.item's upperName of a field into buf: the legacy name, or for a renamed field the upper
 * case of its camel name (lead STATUS_ID → "STAGE_ID", DATE_CREATE → "CREATED_TIME"). */
const char *crm_field_upper(int type_id, const char *name, char *buf, size_t n);
/* The standard field a crm.item client means by name, in any of the spellings it may use: the
 * camel name ("stageId"), crm.item's upperName ("STAGE_ID", "CREATED_TIME") or the legacy name
 * ("STATUS_ID", "DATE_CREATE"); NULL when the type has none. */
const struct query_field *crm_item_field(int type_id, const char *name);

/* Is code a currency the CRM accepts (ISO 4217, the ones in use)? */
bool crm_currency_known(const char *code);

#endif
