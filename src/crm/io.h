/* io.h — CRM files (P10): export of leads, deals, contacts and companies to CSV or XLSX, import
 * from CSV as a background job, and the CSV reader and writer both use.
 *
 * Both directions go through the REST dispatcher with the caller's own rest_auth: an export
 * pages crm.X.list, an import calls crm.X.add once per row. Rights, validation, history and live
 * events are therefore exactly those of any API client, and this module holds no SQL and no rule
 * of its own about items (hence the one exception to "domain modules do not call rest/").
 *
 * Memory: functions taking a rest_call allocate from call->arena, except the pages of an export,
 * each of which gets an arena of its own that is freed before the next (an export of a million
 * rows must not grow the request's arena). Files are unlinked temporary files: the descriptor is
 * the only handle, and closing it frees the disk. */
#ifndef VORONKA_CRM_IO_H
#define VORONKA_CRM_IO_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "crm/crm.h"
#include "rest/rest.h"

struct arena;
struct store;

/* Run a REST method with call's auth (and store) on a call of its own over arena a. 0 and
 * *result (a new reference; has_more as a start=-1 list sets it, may be NULL), or -1 with `call`
 * failed with the method's own error. params is borrowed. (export.c) */
int crm_io_call(struct rest_call *call, struct arena *a, const char *method, json_t *params, json_t **result,
		bool *has_more);

/* ---- CSV reading (import.c) ---- */

#define CSV_MAX_COLS 1000           /* columns in one row */
#define CSV_MAX_ROW (4u << 20)      /* bytes of one row's cells */

/* Called for each row: cells[i] is NUL-terminated and lens[i] long (a cell may hold a NUL byte
 * of the input); row is the 1-based number of the record in the file (blank lines count, as
 * spreadsheet rows do, but are not passed). Non-zero stops the parse and is returned. */
typedef int (*csv_row_fn)(void *ctx, size_t row, const char *const *cells, const size_t *lens, size_t n);

/* RFC 4180 and what spreadsheets write beyond it: an optional UTF-8 BOM, CRLF, LF or CR line
 * ends, quoted cells with doubled quotes and embedded delimiters and line breaks, text after a
 * closing quote kept literally. delim is one of , ; TAB |. Returns 0; -1 with a message in err
 * (an unclosed quote, a row over the limits); or fn's non-zero value. */
int csv_parse(const char *text, size_t n, char delim, csv_row_fn fn, void *ctx, char *err, size_t err_n);
/* The delimiter of the first record: the most frequent of ; , TAB outside quotes (';' on a tie,
 * ',' when there is none). */
char csv_sniff_delimiter(const char *text, size_t n);

/* ---- export (export.c) ---- */

enum crm_io_format { CRM_IO_CSV, CRM_IO_XLSX };

#define CRM_EXPORT_XLSX_MAX_ROWS 1048575 /* an XLSX sheet's rows, less the header */

struct crm_export_spec {
	const struct crm_type *type;
	enum crm_io_format format;
	char delimiter;   /* CSV: ';' (what Excel expects where the decimal mark is a comma) */
	json_t *filter;   /* borrowed, as crm.X.list takes them; NULL: none */
	json_t *order;    /* only ID ASC or DESC: pages are cut by ID (keyset), never by offset */
	json_t *select;   /* NULL or empty: every standard field plus the multi-fields */
};

/* "csv" / "xlsx" (any case). 0, or -1 when neither. */
int crm_io_format_parse(const char *s, enum crm_io_format *out);
const char *crm_io_content_type(enum crm_io_format f);
/* "leads.csv", "companies.xlsx", … */
const char *crm_export_filename(struct arena *a, const struct crm_export_spec *spec);
/* Write the export into a new unlinked temporary file. 0 and *fd (the caller closes it), *size in
 * bytes and *rows (without the header); or -1 with the call failed (the inner method's own
 * error, for instance ACCESS_DENIED or an unknown filter field). */
int crm_export_file(struct rest_call *call, const struct crm_export_spec *spec, int *fd, int64_t *size,
		    int64_t *rows);

/* ---- import (import.c) ---- */

#define CRM_IMPORT_MAX_BYTES (16u << 20) /* of the file, after decoding */
#define CRM_IMPORT_MAX_ROWS 100000
#define CRM_IMPORT_MAX_ERRORS 1000       /* per-row errors kept and shown */

struct crm_import_spec {
	const struct crm_type *type;
	const char *data;       /* the file's bytes (any encoding below) */
	size_t len;
	const char *encoding;   /* NULL or "auto": UTF-8 when valid, else Windows-1251; "utf-8";
				 * "windows-1251" (or "cp1251") */
	char delimiter;         /* 0: sniffed */
	json_t *mapping;        /* borrowed: {header or column index: FIELD} or [FIELD, …] by
				 * index; NULL: headers that name a field (code or title) */
	bool has_header;        /* the first row names the columns (default) */
};

/* Check the file and the mapping, then queue the job "crm.import" that adds the rows in batches
 * as the caller. 0 and *job_id (what import.status takes), or -1 with the call failed. */
int crm_import_start(struct rest_call *call, const struct crm_import_spec *spec, int64_t *job_id);
/* {jobId, entityTypeId, state: queued|running|done, total, done, added, failed, errors:[{row,
 * field?, error}]} of an import the caller started (administrators: any). 0 and call->result,
 * or -1 with the call failed (NOT_FOUND for another kind of job). */
int crm_import_status(struct rest_call *call, int64_t job_id);
/* The job kind "crm.import" (jobs/kinds.c). */
int crm_import_job(struct store *st, int64_t job_id, const char *payload, char *err, size_t err_n);

#endif
