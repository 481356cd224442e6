/* q_crm_product.c — every SQL text about the product catalogue (crm_product): the descriptor
 * of crm.product.* (Bitrix24's field names, legacy string output) and the delete. */
#include "store/q_crm_product.h"
#include "store/store.h"

#define F (QF_FILTER | QF_SORT)

static const struct query_field crm_product_fields[] = {
	{"ID", "id", QT_INT, F | QF_READONLY, "ID", NULL},
	{"NAME", "name", QT_STRING, F | QF_REQUIRED, "Name", NULL},
	{"DESCRIPTION", "description", QT_STRING, F, "Description", NULL},
	{"ACTIVE", "active", QT_CHAR, F, "Active", NULL},
	{"PRICE", "price", QT_DOUBLE, F, "Price", NULL},
	{"CURRENCY_ID", "currency_id", QT_STRING, F, "Currency", NULL},
	{"VAT_ID", "vat_id", QT_INT, F, "VAT rate", NULL},
	{"VAT_INCLUDED", "vat_included", QT_CHAR, F, "VAT included", NULL},
	{"MEASURE", "measure", QT_INT, F, "Unit of measurement", NULL},
	{"SECTION_ID", "section_id", QT_INT, F, "Section", NULL},
	{"SORT", "sort", QT_INT, F, "Sort", NULL},
	{"XML_ID", "xml_id", QT_STRING, F, "External code", NULL},
	{"CREATED_BY", "created_by", QT_INT, F | QF_READONLY, "Created by", NULL},
	{"MODIFIED_BY", "modified_by", QT_INT, F | QF_READONLY, "Modified by", NULL},
	{"DATE_CREATE", "date_create", QT_DATETIME, F | QF_READONLY, "Created", NULL},
	{"TIMESTAMP_X", "timestamp_x", QT_DATETIME, F | QF_READONLY, "Modified", NULL},
};

const struct query_entity q_crm_product_entity = {
	"crm_product", "id", crm_product_fields, sizeof crm_product_fields / sizeof crm_product_fields[0], false,
};

int q_crm_product_delete(struct store *st, int64_t id)
{
	struct stmt *s = store_prepare(st, "DELETE FROM crm_product WHERE id = $1");
	if (!s)
		return STORE_ERROR;
	int rc = store_bind_int(s, 1, id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	rc = store_exec_stmt(s);
	if (!rc && store_last_changes(st) == 0)
		rc = STORE_NOTFOUND;
	return rc;
}
