/* export.c — CRM export to CSV or XLSX (P10). One export is: crm.X.fields for the column titles,
 * then crm.X.list page after page (start=-1, cut by an ">ID" filter: a keyset, so page 2000
 * costs what page 1 does and rows added meanwhile neither repeat nor shift), each row written to
 * an unlinked temporary file as it arrives. Memory stays one page whatever the size.
 *
 * Cells: multi-fields (PHONE, EMAIL, …) become their values joined with ", "; lists the same;
 * true/false "Y"/"N". CSV is UTF-8 with a BOM (Excel then reads Cyrillic right), ';' between
 * cells by default, CRLF, quoted as RFC 4180 says. A cell that a spreadsheet would run as a
 * formula (starting with = + - @ TAB CR) is neutralised: in CSV a leading apostrophe, in XLSX it
 * is written as a string cell, which Excel never evaluates. Numbers of numeric fields are left
 * alone (-5 is not a formula) and are number cells in XLSX. */
#include "crm/io.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/util.h"
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define EXPORT_PAGE_ARENA (64u << 20)  /* one page of 50 rows; rows are bounded by the store */
#define EXPORT_CELL_MAX (1u << 20)     /* a joined multi-value cell */
#define XLSX_STR_MAX 32767             /* Excel's longest cell text */

static const char *const plurals[] = {
	[CRM_LEAD] = "leads", [CRM_DEAL] = "deals", [CRM_CONTACT] = "contacts", [CRM_COMPANY] = "companies",
};

static const struct {
	const char *ext;
	const char *content_type;
} formats[] = {
	[CRM_IO_CSV] = {"csv", "text/csv; charset=utf-8"},
	[CRM_IO_XLSX] = {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
};

int crm_io_format_parse(const char *s, enum crm_io_format *out)
{
	for (size_t i = 0; s && i < sizeof formats / sizeof formats[0]; i++)
		if (!strcasecmp(s, formats[i].ext)) {
			*out = (enum crm_io_format)i;
			return 0;
		}
	return -1;
}

const char *crm_io_content_type(enum crm_io_format f)
{
	return formats[f].content_type;
}

const char *crm_export_filename(struct arena *a, const struct crm_export_spec *spec)
{
	return arena_printf(a, "%s.%s", plurals[spec->type->id], formats[spec->format].ext);
}

/* ---- running methods as the caller ---- */

int crm_io_call(struct rest_call *call, struct arena *a, const char *method, json_t *params, json_t **result,
		   bool *has_more)
{
	struct rest_call inner = {.arena = a, .st = call->st, .srv = call->srv, .auth = call->auth,
				  .purpose = call->purpose};
	/* The inner call's error text lives in a; rest_fail copies it into the caller's arena. */
	if (rest_dispatch(&inner, method, params))
		return rest_fail(call, inner.err, "%s", inner.err_desc ? inner.err_desc : "");
	*result = inner.result;
	if (has_more)
		*has_more = inner.has_more;
	return 0;
}

/* ---- the output: CSV or XLSX ---- */

struct sink {
	enum crm_io_format format;
	char delim;
	FILE *csv;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold;
	uint32_t row;    /* the row being written (0: the header) */
	bool is_failed;  /* a write failed: the export fails at its end */
};

/* Would a spreadsheet take this text for a formula? */
static bool is_formula_like(const char *s)
{
	return s[0] && strchr("=+-@\t\r", s[0]) != NULL;
}

static void csv_cell(struct sink *k, size_t col, const char *s, bool is_number)
{
	FILE *f = k->csv;
	if (col)
		fputc(k->delim, f);
	bool neutralise = !is_number && is_formula_like(s);
	char specials[] = {'"', '\r', '\n', k->delim, 0};
	bool quote = neutralise || s[strcspn(s, specials)] != 0;
	if (quote)
		fputc('"', f);
	if (neutralise)
		fputc('\'', f);
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, "\"");
		fwrite(p, 1, n, f);
		p += n;
		if (*p == '"') {
			fputs("\"\"", f);
			p++;
		}
	}
	if (quote)
		fputc('"', f);
}

/* The longest prefix of s within max bytes that ends on a character boundary. */
static size_t utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

static void xlsx_cell(struct sink *k, struct arena *a, size_t col, const char *s, bool is_number, bool is_header)
{
	lxw_error e;
	double d;
	if (is_number && parse_double(s, &d) == 0 && isfinite(d)) {
		e = worksheet_write_number(k->ws, k->row, (lxw_col_t)col, d, NULL);
	} else {
		size_t n = utf8_cut(s, XLSX_STR_MAX);
		const char *text = s[n] ? arena_strndup(a, s, n) : s;
		if (!text) {
			k->is_failed = true;
			return;
		}
		/* A string cell: whatever it starts with, Excel shows it and never evaluates it. */
		e = worksheet_write_string(k->ws, k->row, (lxw_col_t)col, text, is_header ? k->bold : NULL);
	}
	if (e != LXW_NO_ERROR) {
		log_warn("export: xlsx cell %u:%zu: %s", k->row, col, lxw_strerror(e));
		k->is_failed = true;
	}
}

static void sink_cell(struct sink *k, struct arena *a, size_t col, const char *s, bool is_number, bool is_header)
{
	if (k->format == CRM_IO_CSV)
		csv_cell(k, col, s, is_number);
	else
		xlsx_cell(k, a, col, s, is_number, is_header);
}

static void sink_row_end(struct sink *k)
{
	if (k->format == CRM_IO_CSV)
		fputs("\r\n", k->csv);
	k->row++;
}

/* ---- cells from the API's values ---- */

/* One scalar as text: strings as they are, numbers printed, booleans Y/N, null "". */
static const char *scalar_text(struct arena *a, json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_value(v);
	case JSON_INTEGER:
		return arena_printf(a, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_REAL:
		return arena_printf(a, "%.15g", json_real_value(v));
	case JSON_TRUE:
		return "Y";
	case JSON_FALSE:
		return "N";
	case JSON_NULL:
		return "";
	default: {
		/* An object (an address, say): its JSON, which at least loses nothing. */
		char *s = json_dumps(v, JSON_COMPACT);
		char *out = s ? arena_strdup(a, s) : NULL;
		free(s);
		return out;
	}
	}
}

/* A cell's text; lists (multi-fields: their VALUE) joined with ", ". NULL when out of memory. */
static const char *cell_text(struct arena *a, json_t *v)
{
	if (!v)
		return "";
	if (!json_is_array(v))
		return scalar_text(a, v);
	struct buf b;
	buf_init(&b, EXPORT_CELL_MAX);
	size_t i;
	json_t *item;
	int bad = 0;
	json_array_foreach(v, i, item) {
		json_t *inner = json_is_object(item) ? json_object_get(item, "VALUE") : NULL;
		const char *t = scalar_text(a, inner ? inner : item);
		if (!t || !*t)
			continue;
		if (b.len)
			bad |= buf_puts(&b, ", ");
		bad |= buf_puts(&b, t);
	}
	const char *out = bad ? NULL : arena_strdup(a, b.len ? b.data : "");
	buf_release(&b);
	return out;
}

/* ---- columns ---- */

struct export_ctx {
	struct rest_call *call;
	const struct crm_export_spec *spec;
	json_t *fields;        /* crm.X.fields: titles, types, which are multi-fields */
	const char **cols;     /* the columns, by field name (arena of the call) */
	bool *is_num;          /* column i is a numeric field */
	size_t n_cols;
	struct sink sink;
	int64_t rows;
};

/* The member of obj named name in any case, and its exact key in *key. */
static json_t *get_ci(json_t *obj, const char *name, const char **key)
{
	json_t *v = json_object_get(obj, name);
	if (v) {
		if (key)
			*key = name;
		return v;
	}
	const char *k;
	json_object_foreach(obj, k, v)
		if (!strcasecmp(k, name)) {
			if (key)
				*key = k;
			return v;
		}
	return NULL;
}

static const char *field_title(struct export_ctx *x, const char *name)
{
	json_t *d = json_object_get(x->fields, name);
	static const char *const keys[] = {"listLabel", "formLabel", "title"};
	for (size_t i = 0; d && i < sizeof keys / sizeof keys[0]; i++) {
		const char *t = json_string_value(json_object_get(d, keys[i]));
		if (t && *t)
			return t;
	}
	return name;
}

static const char *field_type(struct export_ctx *x, const char *name)
{
	const char *t = json_string_value(json_object_get(json_object_get(x->fields, name), "type"));
	return t ? t : "";
}

static bool is_multifield(struct export_ctx *x, const char *name)
{
	return !strcmp(field_type(x, name), "crm_multifield");
}

/* Does the select list hold a wildcard ("*", "UF_*")? An empty one stands for "*". */
static bool select_is_wild(json_t *select)
{
	if (!json_is_array(select) || json_array_size(select) == 0)
		return true;
	size_t i;
	json_t *v;
	json_array_foreach(select, i, v) {
		const char *s = json_string_value(v);
		if (s && strchr(s, '*'))
			return true;
	}
	return false;
}

/* What crm.X.list is asked to select: the caller's list, or by default every standard field,
 * the user fields and the multi-fields (which "*" leaves out, as in Bitrix24). */
static json_t *list_select(struct export_ctx *x)
{
	json_t *sel = x->spec->select;
	if (json_is_array(sel) && json_array_size(sel) > 0)
		return json_incref(sel);
	json_t *out = json_pack("[s,s]", "*", "UF_*");
	const char *k;
	json_t *d;
	json_object_foreach(x->fields, k, d)
		if (is_multifield(x, k))
			json_array_append_new(out, json_string(k));
	return out;
}

static bool has_col(struct export_ctx *x, const char *name)
{
	for (size_t i = 0; i < x->n_cols; i++)
		if (!strcmp(x->cols[i], name))
			return true;
	return false;
}

static void add_col(struct export_ctx *x, const char *name)
{
	if (!has_col(x, name))
		x->cols[x->n_cols++] = name;
}

/* Would "*" (and the default select) show this field when there is no row to look at? */
static bool shown_by_default(struct export_ctx *x, const char *name)
{
	json_t *d = json_object_get(x->fields, name);
	bool multiple = json_is_true(json_object_get(d, "isMultiple"));
	return !multiple || is_multifield(x, name);
}

/* The columns: an explicit select in its order; otherwise the fields' order (of those the first
 * row has, or every default one for an empty export), then any other key the rows carry. */
static int export_columns(struct export_ctx *x, json_t *first_row, json_t *select)
{
	struct arena *a = x->call->arena;
	size_t cap = json_object_size(x->fields) + json_object_size(first_row) + json_array_size(select) + 1;
	x->cols = arena_alloc(a, cap * sizeof *x->cols);
	x->is_num = arena_alloc(a, cap * sizeof *x->is_num);
	if (!x->cols || !x->is_num)
		return rest_fail(x->call, ERR_INTERNAL, "Out of memory");
	if (!select_is_wild(select)) {
		size_t i;
		json_t *v;
		json_array_foreach(select, i, v) {
			const char *name = json_string_value(v), *key = name;
			if (!name || (!get_ci(x->fields, name, &key) && !first_row))
				continue;
			if (!first_row || get_ci(first_row, key, &key))
				add_col(x, key);
		}
	} else {
		const char *k;
		json_t *d;
		json_object_foreach(x->fields, k, d)
			if (first_row ? json_object_get(first_row, k) != NULL : shown_by_default(x, k))
				add_col(x, k);
		json_object_foreach(first_row, k, d)
			add_col(x, k);
	}
	for (size_t i = 0; i < x->n_cols; i++) {
		const char *t = field_type(x, x->cols[i]);
		x->is_num[i] = !strcmp(t, "integer") || !strcmp(t, "double");
	}
	return 0;
}

static void write_header(struct export_ctx *x)
{
	for (size_t i = 0; i < x->n_cols; i++)
		sink_cell(&x->sink, x->call->arena, i, field_title(x, x->cols[i]), false, true);
	sink_row_end(&x->sink);
}

static int write_row(struct export_ctx *x, struct arena *a, json_t *row)
{
	if (x->spec->format == CRM_IO_XLSX && x->rows >= CRM_EXPORT_XLSX_MAX_ROWS)
		return rest_fail(x->call, ERR_ARGUMENT,
				 "An XLSX sheet holds at most %d rows: export to CSV or narrow the filter",
				 CRM_EXPORT_XLSX_MAX_ROWS);
	for (size_t i = 0; i < x->n_cols; i++) {
		const char *t = cell_text(a, json_object_get(row, x->cols[i]));
		if (!t)
			return rest_fail(x->call, ERR_INTERNAL, "Out of memory");
		sink_cell(&x->sink, a, i, t, x->is_num[i], false);
	}
	sink_row_end(&x->sink);
	x->rows++;
	return 0;
}

/* ---- paging ---- */

/* The sort direction: ID ascending unless order is {ID: DESC}. Any other order cannot be paged
 * by key, and an offset would cost a scan per page: it is refused. */
static int export_order(struct rest_call *call, json_t *order, bool *desc)
{
	*desc = false;
	if (!order || json_is_null(order) || (json_is_array(order) && json_array_size(order) == 0) ||
	    (json_is_string(order) && !*json_string_value(order)))
		return 0;
	if (!json_is_object(order))
		return rest_fail(call, ERR_ARGUMENT, "order must be an object such as {\"ID\": \"DESC\"}");
	const char *k;
	json_t *v;
	json_object_foreach(order, k, v) {
		const char *dir = json_string_value(v);
		if (strcasecmp(k, "ID") != 0 || !dir || (strcasecmp(dir, "ASC") && strcasecmp(dir, "DESC")))
			return rest_fail(call, ERR_ARGUMENT, "An export is sorted by ID only: order[ID]=ASC or DESC");
		*desc = !strcasecmp(dir, "DESC");
	}
	return 0;
}

/* An integer from a JSON number or decimal text. */
static int json_i64(json_t *v, int64_t *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	const char *s = json_string_value(v);
	return s ? parse_i64(s, out) : -1;
}

/* A copy of the caller's filter without its bounds on ID in the paging direction, which become
 * the starting cursor instead (the page filter's own ">ID" would clash with them). */
static int export_filter(struct rest_call *call, json_t *filter, bool desc, json_t **out, int64_t *cursor,
			 bool *has_cursor)
{
	*has_cursor = false;
	if (!filter || json_is_null(filter) || (json_is_array(filter) && json_array_size(filter) == 0) ||
	    (json_is_string(filter) && !*json_string_value(filter))) {
		*out = rest_own(call, json_object());
		return 0;
	}
	if (!json_is_object(filter))
		return rest_fail(call, ERR_ARGUMENT, "filter must be an object");
	json_t *f = rest_own(call, json_deep_copy(filter));
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(f, tmp, k, v) {
		size_t op = strspn(k, "<>=!%@");
		int64_t n;
		if (strcasecmp(k + op, "ID") != 0 || json_i64(v, &n))
			continue;
		int64_t bound;
		if (!desc && op == 1 && k[0] == '>')
			bound = n;
		else if (!desc && op == 2 && !strncmp(k, ">=", 2))
			bound = n - 1;
		else if (desc && op == 1 && k[0] == '<')
			bound = n;
		else if (desc && op == 2 && !strncmp(k, "<=", 2))
			bound = n + 1;
		else
			continue;
		if (!*has_cursor || (desc ? bound < *cursor : bound > *cursor))
			*cursor = bound;
		*has_cursor = true;
		json_object_del(f, k);
	}
	*out = f;
	return 0;
}

/* One page's parameters: the filter plus the cursor, ID order, the select, start=-1. */
static json_t *page_params(json_t *filter, bool desc, int64_t cursor, bool has_cursor, json_t *select)
{
	json_t *f = json_copy(filter);
	if (has_cursor)
		json_object_set_new(f, desc ? "<ID" : ">ID", json_integer(cursor));
	return json_pack("{s:o,s:{s:s},s:O,s:i}", "FILTER", f, "ORDER", "ID", desc ? "DESC" : "ASC", "SELECT", select,
			 "start", -1);
}

/* Write one page's rows; the cursor moves to the last row's ID. *n_rows: rows in the page. */
static int export_page(struct export_ctx *x, struct arena *a, json_t *rows, int64_t *cursor, size_t *n_rows)
{
	size_t i;
	json_t *row;
	*n_rows = json_array_size(rows);
	json_array_foreach(rows, i, row) {
		int64_t id;
		if (json_i64(json_object_get(row, "ID"), &id))
			return rest_fail(x->call, ERR_INTERNAL, "A row of the list has no ID");
		if (write_row(x, a, row))
			return -1;
		*cursor = id;
	}
	return 0;
}

/* Every page of the list into the sink. */
static int export_rows(struct export_ctx *x)
{
	struct rest_call *call = x->call;
	bool desc, has_cursor;
	int64_t cursor = 0;
	json_t *filter = NULL;
	if (export_order(call, x->spec->order, &desc) ||
	    export_filter(call, x->spec->filter, desc, &filter, &cursor, &has_cursor))
		return -1;
	json_t *select = rest_own(call, list_select(x));
	char method[64];
	snprintf(method, sizeof method, "crm.%s.list", x->spec->type->lower);
	for (bool first = true;; first = false) {
		struct arena *a = arena_new(EXPORT_PAGE_ARENA);
		json_t *params = page_params(filter, desc, cursor, has_cursor, select);
		json_t *rows = NULL;
		bool more = false;
		int rc = params ? crm_io_call(call, a, method, params, &rows, &more) : rest_fail(call, ERR_INTERNAL, "Out of memory");
		json_decref(params);
		if (!rc && !json_is_array(rows))
			rc = rest_fail(call, ERR_INTERNAL, "%s answered no list", method);
		if (!rc && first) {
			rc = export_columns(x, json_array_get(rows, 0), x->spec->select);
			if (!rc)
				write_header(x);
		}
		size_t n = 0;
		int64_t before = cursor;
		if (!rc)
			rc = export_page(x, a, rows, &cursor, &n);
		json_decref(rows);
		arena_free(a);
		if (rc)
			return -1;
		/* A full page may have a successor; the cursor must move, or the list ignored it. */
		if (n == 0 || (n < REST_PAGE && !more))
			return 0;
		if (has_cursor && cursor == before)
			return rest_fail(call, ERR_INTERNAL, "%s did not page by ID", method);
		has_cursor = true;
	}
}

/* ---- files ---- */

/* A new temporary file: its descriptor, its path in path (n bytes). */
static int tmp_open(char *path, size_t n)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, n, "%s/voronka-export-XXXXXX", dir && *dir ? dir : "/tmp");
	return mkstemp(path);
}

static int export_csv(struct export_ctx *x, int *fd)
{
	char path[512];
	*fd = tmp_open(path, sizeof path);
	if (*fd < 0)
		return rest_fail(x->call, ERR_INTERNAL, "Cannot create a temporary file: %s", strerror(errno));
	unlink(path); /* the descriptor is the file now: it vanishes when closed, even after a crash */
	int dfd = dup(*fd);
	FILE *f = dfd >= 0 ? fdopen(dfd, "w") : NULL;
	if (!f) {
		if (dfd >= 0)
			close(dfd);
		close(*fd);
		return rest_fail(x->call, ERR_INTERNAL, "Cannot write a temporary file: %s", strerror(errno));
	}
	x->sink.csv = f;
	fputs("\xEF\xBB\xBF", f);
	int rc = export_rows(x);
	bool io_failed = ferror(f) != 0;
	if (fclose(f) != 0)
		io_failed = true;
	if (!rc && io_failed)
		rc = rest_fail(x->call, ERR_INTERNAL, "Cannot write the export: %s", strerror(errno));
	if (rc)
		close(*fd);
	return rc;
}

static int export_xlsx(struct export_ctx *x, int *fd)
{
	char path[512];
	int tfd = tmp_open(path, sizeof path);
	if (tfd < 0)
		return rest_fail(x->call, ERR_INTERNAL, "Cannot create a temporary file: %s", strerror(errno));
	close(tfd); /* libxlsxwriter writes by name; mkstemp reserved the name for us */
	const char *dir = getenv("TMPDIR");
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)(dir && *dir ? dir : "/tmp")};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, plurals[x->spec->type->id]) : NULL;
	lxw_format *bold = wb ? workbook_add_format(wb) : NULL;
	if (!ws || !bold) {
		if (wb)
			lxw_workbook_free(wb);
		unlink(path);
		return rest_fail(x->call, ERR_INTERNAL, "Cannot start the XLSX file");
	}
	format_set_bold(bold);
	worksheet_freeze_panes(ws, 1, 0);
	x->sink.wb = wb;
	x->sink.ws = ws;
	x->sink.bold = bold;
	int rc = export_rows(x);
	if (!rc && x->n_cols > 0)
		worksheet_autofilter(ws, 0, 0, (lxw_row_t)x->rows, (lxw_col_t)(x->n_cols - 1));
	if (rc) {
		lxw_workbook_free(wb);
		unlink(path);
		return -1;
	}
	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR || x->sink.is_failed) {
		unlink(path);
		return rest_fail(x->call, ERR_INTERNAL, "Cannot write the XLSX file: %s", lxw_strerror(e));
	}
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	unlink(path);
	if (*fd < 0)
		return rest_fail(x->call, ERR_INTERNAL, "Cannot read the XLSX file: %s", strerror(errno));
	return 0;
}

int crm_export_file(struct rest_call *call, const struct crm_export_spec *spec, int *fd, int64_t *size, int64_t *rows)
{
	struct export_ctx x = {.call = call, .spec = spec};
	call->purpose = REST_PURPOSE_EXPORT; /* the list pages ask the export right */
	x.sink.format = spec->format;
	x.sink.delim = spec->delimiter ? spec->delimiter : ';';
	char method[64];
	snprintf(method, sizeof method, "crm.%s.fields", spec->type->lower);
	json_t *params = rest_own(call, json_object());
	if (crm_io_call(call, call->arena, method, params, &x.fields, NULL))
		return -1;
	rest_own(call, x.fields);
	if (!json_is_object(x.fields))
		return rest_fail(call, ERR_INTERNAL, "%s answered no fields", method);
	int rc = spec->format == CRM_IO_CSV ? export_csv(&x, fd) : export_xlsx(&x, fd);
	if (rc)
		return -1;
	struct stat sb;
	if (fstat(*fd, &sb)) {
		close(*fd);
		return rest_fail(call, ERR_INTERNAL, "Cannot read the export: %s", strerror(errno));
	}
	*size = (int64_t)sb.st_size;
	*rows = x.rows;
	return 0;
}
