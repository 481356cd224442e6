/* filter.h — Bitrix24's `filter`, `order` and `select` (reference §1.7) parsed against an entity
 * descriptor (store/query.h) into a struct query, and the run of a list method's page. Every
 * list handler is then: query_init, rest_filter_parse, rest_order_parse, rest_select_parse,
 * rest_list_run.
 *
 * Errors answer the call: an unknown field or a value of the wrong type fails it with
 * ERR_ARGUMENT naming the field, and the function returns -1 (handlers return that as is).
 * Everything is allocated from call->arena. */
#ifndef VORONKA_FILTER_H
#define VORONKA_FILTER_H
#include <jansson.h>
#include <stdbool.h>
#include "rest/rest.h"
#include "store/query.h"

struct stmt;

/* A filter object {"<op><FIELD>": value, …}; NULL or an empty value adds nothing. A filter that
 * is not an object (a list, a string) fails the call. */
int rest_filter_parse(struct rest_call *call, struct query *q, json_t *filter);
/* One "<op><FIELD>" key. strict: an unknown field fails the call; otherwise it returns 1 and
 * adds nothing (top-level parameters of older clients, among which SDK telemetry). */
int rest_filter_key(struct rest_call *call, struct query *q, const char *key, json_t *value, bool strict);
/* An order object {"FIELD": "ASC"|"DESC", …} in the order given (direction case-insensitive).
 * The builder adds the key ascending as the last term, and uses it alone when none is given. */
int rest_order_parse(struct rest_call *call, struct query *q, json_t *order);
/* A select list: names, "*" (every standard field), "UF_*" (every UF_ field). Unknown names
 * are skipped, as Bitrix24 does. NULL or empty: every field. */
int rest_select_parse(struct rest_call *call, struct query *q, json_t *select);

/* A REST value converted to field's type for storing or comparing. Empty text and null become
 * QV_NULL; wrong types fail the call naming the field. */
int rest_value_parse(struct rest_call *call, const struct query_field *f, json_t *v, struct query_value *out);

/* One field of the current row (column col of s) in Bitrix24's wire format: legacy strings for
 * numbers, true/false for QT_BOOL, ISO 8601 with offset for dates, "" for unset dates. */
json_t *rest_field_json(struct rest_call *call, const struct query_field *f, struct stmt *s, int col);
/* A stored "YYYY-MM-DD hh:mm:ss" UTC (or "YYYY-MM-DD") as ISO 8601 in the server's zone; ""
 * when empty. Returns arena text. */
const char *rest_db_time_iso(struct rest_call *call, const char *db);

/* Called for each row of a page: return a new object to append (NULL fails the call with
 * ERR_INTERNAL unless the callback failed it already). */
typedef json_t *(*rest_row_fn)(struct rest_call *call, struct query *q, struct stmt *s, const struct query_field **cols,
			       size_t n_cols, void *ctx);
/* The default row: every column of the SELECT, keyed by field name. */
json_t *rest_row_json(struct rest_call *call, struct query *q, struct stmt *s, const struct query_field **cols,
		      size_t n_cols, void *ctx);
/* Run q as a page of a REST_LIST method: call->start >= 0 counts (call->total) and takes
 * REST_PAGE rows from that offset; start = -1 takes REST_PAGE rows without counting (total -1,
 * has_more set). call->result becomes the array of rows. row NULL: rest_row_json. */
int rest_list_run(struct rest_call *call, struct query *q, rest_row_fn row, void *ctx);

#endif
