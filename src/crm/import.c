/* import.c — CRM import from CSV (P10): the CSV reader, the start (decode, map columns to
 * fields, cut the rows into batches and queue them), the job that adds a batch's rows, and the
 * status that sums the batches up.
 *
 * An import is jobs of kind "crm.import" and nothing else (the schema has no table for it): the
 * start queues one batch job per IMPORT_BATCH rows (each holding its rows as ready crm.X.add
 * fields) and then one record job listing them, whose id is the import's jobId. A batch job
 * runs in the queue's write transaction: each row through crm.X.add (in a savepoint of its own,
 * so a refused row leaves no trace), then it writes its result — counts and per-row errors —
 * over its payload, and all of it commits with the job's completion. A crash re-runs the batch
 * from the start and nothing is added twice. Progress is therefore visible batch by batch, and
 * the write lock is never held longer than one batch. */
#include "crm/io.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/util.h"
#include "jobs/jobs.h"
#include "store/q_crm_import.h"
#include "store/q_jobs.h"
#include "store/q_user.h"
#include "store/store.h"
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IMPORT_KIND "crm.import"
#define IMPORT_BATCH_MIN 100      /* rows per batch job: small enough to show progress… */
#define IMPORT_BATCH_MAX 2000     /* …and to hold the write lock briefly; about 100 batches */
#define IMPORT_ROW_ARENA (16u << 20)
#define IMPORT_SCOPES_MAX 512

/* ---- CSV reading ---- */

struct csv_state {
	struct buf text;              /* the cells of the row being read, each NUL-terminated */
	size_t off[CSV_MAX_COLS];     /* where each cell starts in text */
	size_t lens[CSV_MAX_COLS];
	const char *cells[CSV_MAX_COLS];
	size_t n;                     /* cells so far */
};

/* A quoted cell from s[*i] (just past the opening quote) to its closing quote. */
static int csv_quoted(struct csv_state *cs, const char *s, size_t n, size_t *i, size_t row, char *err, size_t err_n)
{
	for (;;) {
		if (*i >= n) {
			snprintf(err, err_n, "Row %zu: a quoted cell is not closed", row);
			return -1;
		}
		const char *q = memchr(s + *i, '"', n - *i);
		size_t k = q ? (size_t)(q - (s + *i)) : n - *i;
		if (k && buf_append(&cs->text, s + *i, k))
			goto too_big;
		*i += k;
		if (!q)
			continue; /* reports the unclosed quote */
		if (*i + 1 < n && s[*i + 1] == '"') { /* a doubled quote is one quote */
			if (buf_append(&cs->text, "\"", 1))
				goto too_big;
			*i += 2;
			continue;
		}
		(*i)++;
		return 0;
	}
too_big:
	snprintf(err, err_n, "Row %zu is longer than %u bytes", row, CSV_MAX_ROW);
	return -1;
}

/* One record from s[*i]: its cells into cs. */
static int csv_record(struct csv_state *cs, const char *s, size_t n, size_t *i, char delim, size_t row, char *err,
		      size_t err_n)
{
	char stops[] = {delim, '\r', '\n', 0};
	buf_reset(&cs->text);
	cs->n = 0;
	for (;;) {
		if (cs->n == CSV_MAX_COLS) {
			snprintf(err, err_n, "Row %zu has more than %d columns", row, CSV_MAX_COLS);
			return -1;
		}
		cs->off[cs->n] = cs->text.len;
		if (*i < n && s[*i] == '"') {
			(*i)++;
			if (csv_quoted(cs, s, n, i, row, err, err_n))
				return -1;
		}
		/* Unquoted text, or what follows a closing quote (kept, as spreadsheets do). */
		size_t k = 0;
		while (*i + k < n && !memchr(stops, s[*i + k], 3))
			k++;
		if ((k && buf_append(&cs->text, s + *i, k)) || buf_append(&cs->text, "", 1)) {
			snprintf(err, err_n, "Row %zu is longer than %u bytes", row, CSV_MAX_ROW);
			return -1;
		}
		*i += k;
		cs->lens[cs->n] = cs->text.len - 1 - cs->off[cs->n];
		cs->n++;
		if (*i < n && s[*i] == delim) {
			(*i)++;
			continue;
		}
		break;
	}
	if (*i < n && s[*i] == '\r')
		(*i)++;
	if (*i < n && s[*i] == '\n')
		(*i)++;
	for (size_t c = 0; c < cs->n; c++)
		cs->cells[c] = cs->text.data + cs->off[c];
	return 0;
}

int csv_parse(const char *text, size_t n, char delim, csv_row_fn fn, void *ctx, char *err, size_t err_n)
{
	if (!strchr(",;\t|", delim) || !delim) {
		snprintf(err, err_n, "The delimiter must be a comma, a semicolon, a tab or |");
		return -1;
	}
	struct csv_state *cs = malloc(sizeof *cs);
	if (!cs)
		abort();
	buf_init(&cs->text, CSV_MAX_ROW);
	size_t i = n >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
	int rc = 0;
	for (size_t row = 1; i < n && !rc; row++) {
		size_t at = i;
		rc = csv_record(cs, text, n, &i, delim, row, err, err_n);
		bool blank = cs->n == 1 && cs->lens[0] == 0 && text[at] != '"';
		if (!rc && !blank)
			rc = fn(ctx, row, cs->cells, cs->lens, cs->n);
	}
	buf_release(&cs->text);
	free(cs);
	return rc;
}

char csv_sniff_delimiter(const char *text, size_t n)
{
	static const char cand[] = {';', ',', '\t'};
	size_t count[3] = {0};
	bool quoted = false;
	size_t i = n >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
	for (; i < n; i++) {
		char c = text[i];
		if (c == '"')
			quoted = !quoted; /* a doubled quote toggles twice: no harm */
		else if (!quoted && (c == '\n' || c == '\r'))
			break;
		for (size_t k = 0; !quoted && k < 3; k++)
			count[k] += c == cand[k];
	}
	size_t best = 0;
	for (size_t k = 1; k < 3; k++)
		if (count[k] > count[best])
			best = k;
	return count[best] ? cand[best] : ',';
}

/* ---- the start ---- */

/* The file as UTF-8: as it is, or converted from Windows-1251. */
static int import_decode(struct rest_call *call, const struct crm_import_spec *spec, const char **text, size_t *n)
{
	const char *enc = spec->encoding && *spec->encoding ? spec->encoding : "auto";
	bool is_utf8 = utf8_valid(spec->data, spec->len);
	bool want_1251 = !strcasecmp(enc, "windows-1251") || !strcasecmp(enc, "cp1251") || !strcasecmp(enc, "win-1251");
	if (!want_1251 && strcasecmp(enc, "auto") && strcasecmp(enc, "utf-8") && strcasecmp(enc, "utf8"))
		return rest_fail(call, ERR_ARGUMENT, "encoding must be UTF-8 or Windows-1251");
	if (memchr(spec->data, 0, spec->len))
		return rest_fail(call, ERR_ARGUMENT, "The file holds a NUL byte: it is not a CSV text");
	if (!want_1251 && is_utf8) {
		*text = spec->data;
		*n = spec->len;
		return 0;
	}
	if (!want_1251 && strcasecmp(enc, "auto"))
		return rest_fail(call, ERR_ARGUMENT, "The file is not valid UTF-8; pass encoding=windows-1251 if it is");
	/* Windows-1251 (what Excel in Russian saves "CSV" as): every byte is at most 3 in UTF-8. */
	size_t cap = spec->len * 3 + 1;
	char *out = arena_alloc(call->arena, cap);
	if (!out)
		return rest_fail(call, ERR_ARGUMENT, "The file is too large to convert");
	iconv_t cd = iconv_open("UTF-8", "CP1251");
	if (cd == (iconv_t)-1)
		return rest_fail(call, ERR_INTERNAL, "Windows-1251 is not available on this server");
	char *in = (char *)spec->data, *o = out;
	size_t in_left = spec->len, out_left = cap - 1;
	size_t r = iconv(cd, &in, &in_left, &o, &out_left);
	iconv_close(cd);
	if (r == (size_t)-1)
		return rest_fail(call, ERR_ARGUMENT, "The file is neither UTF-8 nor Windows-1251");
	*o = 0;
	*text = out;
	*n = (size_t)(o - out);
	return 0;
}

/* What a column becomes. */
struct col_plan {
	const char *field;  /* NULL: the column is not imported */
	bool is_multi;      /* a multi-field: values split, each {VALUE, VALUE_TYPE: WORK} */
	bool is_list;       /* another multiple field: values split into a list */
};

struct import_ctx {
	struct rest_call *call;
	const struct crm_import_spec *spec;
	json_t *fields;            /* crm.X.fields */
	struct col_plan *plan;     /* per column, CSV_MAX_COLS */
	size_t n_plan;
	bool has_plan;
	json_t *batches;           /* [[row, fields], …] per batch, a list of lists */
	json_t *cur;               /* the batch being filled */
	size_t batch_rows;         /* rows per batch */
	int64_t total;
	int64_t first_data_row;
};

/* The field of crm.X.fields named name (any case): its canonical key, or NULL. */
static const char *field_key(json_t *fields, const char *name)
{
	const char *k;
	json_t *d;
	json_object_foreach(fields, k, d)
		if (!strcasecmp(k, name))
			return k;
	return NULL;
}

/* A field whose code or title is the header text (trimmed, ASCII case ignored). */
static const char *field_by_header(json_t *fields, const char *h)
{
	const char *k = field_key(fields, h);
	if (k)
		return k;
	json_t *d;
	json_object_foreach(fields, k, d) {
		static const char *const labels[] = {"title", "listLabel", "formLabel"};
		for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
			const char *t = json_string_value(json_object_get(d, labels[i]));
			if (t && *t && !strcasecmp(t, h))
				return k;
		}
	}
	return NULL;
}

static bool field_flag(json_t *fields, const char *key, const char *flag)
{
	return json_is_true(json_object_get(json_object_get(fields, key), flag));
}

/* A copy of s (n bytes) without surrounding blanks. */
static char *trimmed(struct arena *a, const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

/* Plan column col for FIELD (as the caller named it). */
static int plan_set(struct import_ctx *x, size_t col, const char *name, bool from_mapping)
{
	struct rest_call *call = x->call;
	const char *key = field_key(x->fields, name);
	if (!key)
		return from_mapping ? rest_fail(call, ERR_ARGUMENT, "mapping: crm.%s.fields has no field %s",
						x->spec->type->lower, name)
				    : 0;
	if (field_flag(x->fields, key, "isReadOnly"))
		return from_mapping ? rest_fail(call, ERR_ARGUMENT, "mapping: %s is read-only", key) : 0;
	const char *type = json_string_value(json_object_get(json_object_get(x->fields, key), "type"));
	bool multi = type && !strcmp(type, "crm_multifield");
	x->plan[col] = (struct col_plan){key, multi, !multi && field_flag(x->fields, key, "isMultiple")};
	if (col + 1 > x->n_plan)
		x->n_plan = col + 1;
	return 0;
}

/* The column a mapping key names: a header's text, or a 0-based index. */
static int mapping_column(struct import_ctx *x, const char *key, const char *const *cells, const size_t *lens,
			  size_t n, size_t *col)
{
	for (size_t i = 0; cells && i < n; i++) {
		char *h = trimmed(x->call->arena, cells[i], lens[i]);
		if (h && (!strcmp(h, key) || !strcasecmp(h, key))) {
			*col = i;
			return 0;
		}
	}
	int64_t v;
	if (parse_i64(key, &v) == 0 && v >= 0 && v < CSV_MAX_COLS) {
		*col = (size_t)v;
		return 0;
	}
	return rest_fail(x->call, ERR_ARGUMENT, "mapping: the file has no column \"%.100s\"", key);
}

/* The column plan, from the mapping or else from the header row (cells may be NULL). */
static int import_plan(struct import_ctx *x, const char *const *cells, const size_t *lens, size_t n)
{
	json_t *m = x->spec->mapping;
	x->has_plan = true;
	if (json_is_array(m)) {
		size_t i;
		json_t *v;
		json_array_foreach(m, i, v) {
			const char *f = json_string_value(v);
			if (i >= CSV_MAX_COLS)
				break;
			if (f && *f && plan_set(x, i, f, true))
				return -1;
		}
	} else if (json_is_object(m) && json_object_size(m) > 0) {
		const char *k;
		json_t *v;
		json_object_foreach(m, k, v) {
			const char *f = json_string_value(v);
			size_t col = 0;
			if (!f || !*f)
				continue;
			if (mapping_column(x, k, cells, lens, n, &col) || plan_set(x, col, f, true))
				return -1;
		}
	} else if (m && !json_is_null(m) && !(json_is_string(m) && !*json_string_value(m)) &&
		   !(json_is_object(m) || json_is_array(m))) {
		return rest_fail(x->call, ERR_ARGUMENT, "mapping must be an object {column: FIELD} or a list of fields");
	} else if (!cells) {
		return rest_fail(x->call, ERR_ARGUMENT, "Without a header row the mapping is required");
	} else {
		for (size_t i = 0; i < n; i++) {
			char *h = trimmed(x->call->arena, cells[i], lens[i]);
			const char *key = h && *h ? field_by_header(x->fields, h) : NULL;
			if (key && plan_set(x, i, key, false))
				return -1;
		}
	}
	for (size_t i = 0; i < x->n_plan; i++)
		if (x->plan[i].field)
			return 0;
	return rest_fail(x->call, ERR_ARGUMENT,
			 "No column of the file is mapped to a field of crm.%s.fields: pass a mapping such as "
			 "{\"Name\": \"TITLE\"}",
			 x->spec->type->lower);
}

/* Append one multi-value cell's parts (split at , ; and line breaks) to list. */
static void split_values(json_t *list, const char *s, size_t n, bool is_multi)
{
	const char *end = s + n;
	while (s < end) {
		size_t k = 0;
		while (s + k < end && !strchr(",;\r\n", s[k]))
			k++;
		const char *p = s;
		size_t m = k;
		while (m && isspace((unsigned char)*p))
			p++, m--;
		while (m && isspace((unsigned char)p[m - 1]))
			m--;
		if (m) {
			json_t *v = json_stringn(p, m);
			if (is_multi)
				v = json_pack("{s:o,s:s}", "VALUE", v, "VALUE_TYPE", "WORK");
			json_array_append_new(list, v);
		}
		s += k + 1;
	}
}

/* One data row as crm.X.add fields; NULL when every mapped cell is empty. */
static json_t *row_fields(struct import_ctx *x, const char *const *cells, const size_t *lens, size_t n)
{
	json_t *f = json_object();
	for (size_t i = 0; i < n && i < x->n_plan; i++) {
		const struct col_plan *p = &x->plan[i];
		const char *c = cells[i];
		size_t len = lens[i];
		while (len && isspace((unsigned char)*c))
			c++, len--;
		while (len && isspace((unsigned char)c[len - 1]))
			len--;
		/* A formula neutralised by an export ('=…, '+7…) comes back as it was. */
		if (len >= 2 && c[0] == '\'' && strchr("=+-@", c[1]))
			c++, len--;
		if (!p->field || !len)
			continue;
		if (p->is_multi || p->is_list) {
			json_t *list = json_object_get(f, p->field);
			if (!json_is_array(list)) {
				list = json_array();
				json_object_set_new(f, p->field, list);
			}
			split_values(list, c, len, p->is_multi);
		} else {
			json_object_set_new(f, p->field, json_stringn(c, len));
		}
	}
	if (json_object_size(f) == 0) {
		json_decref(f);
		return NULL;
	}
	return f;
}

static int import_row(void *ctx, size_t row, const char *const *cells, const size_t *lens, size_t n)
{
	struct import_ctx *x = ctx;
	if (!x->has_plan) {
		if (import_plan(x, x->spec->has_header ? cells : NULL, lens, n))
			return -1;
		if (x->spec->has_header) /* the header names columns; it is no data */
			return 0;
	}
	json_t *f = row_fields(x, cells, lens, n);
	if (!f) /* ";;;;" lines that spreadsheets leave at the end */
		return 0;
	if (++x->total > CRM_IMPORT_MAX_ROWS) {
		json_decref(f);
		return rest_fail(x->call, ERR_ARGUMENT, "An import takes at most %d rows", CRM_IMPORT_MAX_ROWS);
	}
	if (!x->cur || json_array_size(x->cur) >= x->batch_rows) {
		x->cur = json_array();
		json_array_append_new(x->batches, x->cur);
	}
	json_array_append_new(x->cur, json_pack("[I,o]", (json_int_t)row, f));
	return 0;
}

/* Queue the batches, then the record that lists them; one transaction. */
static int import_enqueue(struct import_ctx *x, int64_t *job_id)
{
	struct rest_call *call = x->call;
	const struct rest_auth *auth = call->auth;
	json_t *list = rest_own(call, json_array());
	int rc = store_tx_begin_write(call->st);
	if (rc)
		return rest_fail_store(call, rc);
	int64_t now = now_unix();
	size_t i;
	json_t *rows;
	json_array_foreach(x->batches, i, rows) {
		json_t *p = json_pack("{s:b,s:i,s:I,s:s,s:O}", "batch", 1, "type", x->spec->type->id, "user",
				      (json_int_t)auth->user_id, "scopes", auth->scopes ? auth->scopes : "", "rows", rows);
		char *text = p ? json_dumps(p, JSON_COMPACT) : NULL;
		json_decref(p);
		int64_t id;
		rc = text ? jobs_enqueue(call->st, IMPORT_KIND, text, now, &id) : STORE_TOOBIG;
		free(text);
		if (rc)
			break;
		json_int_t first = json_integer_value(json_array_get(json_array_get(rows, 0), 0));
		json_array_append_new(list, json_pack("[I,I,I]", (json_int_t)id, (json_int_t)json_array_size(rows), first));
	}
	if (!rc) {
		json_t *rec = json_pack("{s:b,s:i,s:I,s:I,s:O}", "import", 1, "type", x->spec->type->id, "user",
					(json_int_t)auth->user_id, "total", (json_int_t)x->total, "batches", list);
		char *text = rec ? json_dumps(rec, JSON_COMPACT) : NULL;
		json_decref(rec);
		rc = text ? jobs_enqueue(call->st, IMPORT_KIND, text, now, job_id) : STORE_TOOBIG;
		free(text);
	}
	if (!rc)
		rc = store_tx_commit(call->st);
	if (rc) {
		store_tx_rollback(call->st);
		return rest_fail_store(call, rc);
	}
	return 0;
}

int crm_import_start(struct rest_call *call, const struct crm_import_spec *spec, int64_t *job_id)
{
	if (spec->len > CRM_IMPORT_MAX_BYTES)
		return rest_fail(call, ERR_ARGUMENT, "The file is larger than %u MB", CRM_IMPORT_MAX_BYTES >> 20);
	const char *text = NULL;
	size_t n = 0;
	if (import_decode(call, spec, &text, &n))
		return -1;
	struct import_ctx x = {.call = call, .spec = spec};
	char method[64];
	snprintf(method, sizeof method, "crm.%s.fields", spec->type->lower);
	if (crm_io_call(call, call->arena, method, rest_own(call, json_object()), &x.fields, NULL))
		return -1;
	rest_own(call, x.fields);
	x.plan = arena_alloc(call->arena, CSV_MAX_COLS * sizeof *x.plan);
	if (!x.plan)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	x.batches = rest_own(call, json_array());
	/* About a hundred batches whatever the size: progress moves in steps of ~1%, and a batch
	 * holds the write lock for well under a second. */
	size_t estimate = n / 64 + 1;
	x.batch_rows = estimate / 100;
	if (x.batch_rows < IMPORT_BATCH_MIN)
		x.batch_rows = IMPORT_BATCH_MIN;
	if (x.batch_rows > IMPORT_BATCH_MAX)
		x.batch_rows = IMPORT_BATCH_MAX;
	char delim = spec->delimiter ? spec->delimiter : csv_sniff_delimiter(text, n);
	char err[200];
	int rc = csv_parse(text, n, delim, import_row, &x, err, sizeof err);
	if (rc == -1 && !call->err_desc)
		return rest_fail(call, ERR_ARGUMENT, "%s", err);
	if (rc)
		return -1;
	if (!x.has_plan && import_plan(&x, NULL, NULL, 0))
		return -1;
	if (x.total == 0)
		return rest_fail(call, ERR_ARGUMENT, "The file has no rows to import");
	return import_enqueue(&x, job_id);
}

/* ---- the job ---- */

/* Which of the row's fields does the error text name? The longest such name, or NULL. */
static const char *error_field(json_t *fields, const char *desc)
{
	const char *best = NULL, *k;
	json_t *v;
	json_object_foreach(fields, k, v) {
		size_t n = strlen(k);
		for (const char *p = strstr(desc, k); p; p = strstr(p + 1, k)) {
			bool left = p == desc || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
			bool right = !(isalnum((unsigned char)p[n]) || p[n] == '_');
			if (left && right && (!best || n > strlen(best)))
				best = k;
		}
	}
	return best;
}

struct batch_result {
	int64_t added, failed;
	json_t *errors;
};

static void batch_error(struct batch_result *res, int64_t row, json_t *fields, const char *desc)
{
	res->failed++;
	json_t *e = json_pack("{s:I,s:s}", "row", (json_int_t)row, "error", desc);
	if (!e) /* not UTF-8: cannot happen with our own texts, but never drop a failure */
		e = json_pack("{s:I,s:s}", "row", (json_int_t)row, "error", "The row was refused");
	const char *f = fields ? error_field(fields, desc) : NULL;
	if (f)
		json_object_set_new(e, "field", json_string(f));
	json_array_append_new(res->errors, e);
}

/* Add one row as the import's user; a refusal is the row's error, a database failure the
 * batch's (-1: the job is retried). */
static int batch_row(struct store *st, const struct rest_auth *auth, const char *method, json_t *item,
		     struct batch_result *res, char *err, size_t err_n)
{
	int64_t row = json_integer_value(json_array_get(item, 0));
	json_t *fields = json_array_get(item, 1);
	struct arena *a = arena_new(IMPORT_ROW_ARENA);
	struct rest_call call = {.arena = a, .st = st, .auth = auth, .purpose = REST_PURPOSE_IMPORT};
	json_t *params = json_pack("{s:O}", "FIELDS", fields);
	int rc = store_tx_begin(st); /* a savepoint inside the job's transaction */
	if (rc) {
		snprintf(err, err_n, "row %lld: cannot begin: %s", (long long)row, store_errmsg(st));
	} else if (rest_dispatch(&call, method, params) == 0) {
		rc = store_tx_commit(st);
		if (rc)
			snprintf(err, err_n, "row %lld: cannot commit: %s", (long long)row, store_errmsg(st));
		else
			res->added++;
	} else {
		store_tx_rollback(st);
		const char *desc = call.err_desc && *call.err_desc ? call.err_desc : "The row was refused";
		if (call.err == ERR_INTERNAL || call.err == ERR_BUSY) {
			snprintf(err, err_n, "row %lld: %s", (long long)row, desc);
			rc = -1;
		} else {
			batch_error(res, row, fields, desc);
		}
	}
	if (call.result)
		json_decref(call.result);
	json_decref(params);
	arena_free(a);
	return rc ? -1 : 0;
}

/* Every row of a batch; the result then replaces the payload. */
static int batch_run(struct store *st, int64_t job_id, json_t *p, char *err, size_t err_n)
{
	const struct crm_type *type = crm_type_by_id(json_integer_value(json_object_get(p, "type")));
	json_int_t user = json_integer_value(json_object_get(p, "user"));
	json_t *rows = json_object_get(p, "rows");
	if (!type || !json_is_array(rows)) {
		snprintf(err, err_n, "crm.import: a batch without type or rows");
		return -1;
	}
	bool is_admin = false, is_active = false;
	int rc = q_user_flags(st, user, &is_admin, &is_active);
	if (rc && rc != STORE_NOTFOUND) {
		snprintf(err, err_n, "crm.import: cannot read user %lld: %s", (long long)user, store_errmsg(st));
		return -1;
	}
	char scopes[IMPORT_SCOPES_MAX];
	const char *sc = json_string_value(json_object_get(p, "scopes"));
	snprintf(scopes, sizeof scopes, "%s", sc ? sc : "");
	/* The rows are added as the user who started the import, with the rights and the webhook
	 * scopes they had: AUTH_INTERNAL marks that no request is behind it. */
	struct rest_auth auth = {.kind = AUTH_INTERNAL, .user_id = user, .is_admin = is_admin, .scopes = scopes};
	char method[64];
	snprintf(method, sizeof method, "crm.%s.add", type->lower);
	struct batch_result res = {.errors = json_array()};
	size_t i;
	json_t *item;
	rc = 0;
	json_array_foreach(rows, i, item) {
		if (!is_active)
			batch_error(&res, json_integer_value(json_array_get(item, 0)), NULL,
				    "The user who started the import is deactivated or deleted");
		else if ((rc = batch_row(st, &auth, method, item, &res, err, err_n)))
			break;
	}
	json_t *out = rc ? NULL : json_pack("{s:b,s:I,s:I,s:I,s:o}", "result", 1, "n", (json_int_t)json_array_size(rows),
					    "added", (json_int_t)res.added, "failed", (json_int_t)res.failed, "errors",
					    res.errors);
	if (rc)
		json_decref(res.errors);
	char *text = out ? json_dumps(out, JSON_COMPACT) : NULL;
	json_decref(out);
	if (!rc && !text) {
		snprintf(err, err_n, "crm.import: cannot encode the result");
		rc = -1;
	}
	if (!rc && (rc = q_crm_import_set_result(st, job_id, text)))
		snprintf(err, err_n, "crm.import: cannot save the result: %s", store_errmsg(st));
	free(text);
	return rc ? -1 : 0;
}

int crm_import_job(struct store *st, int64_t job_id, const char *payload, char *err, size_t err_n)
{
	json_error_t jerr;
	json_t *p = json_loads(payload ? payload : "", 0, &jerr);
	if (!json_is_object(p)) {
		json_decref(p);
		snprintf(err, err_n, "crm.import: the payload is not a JSON object");
		return -1;
	}
	int rc = 0;
	/* The import's record runs as a job too, doing nothing: it only lists the batches. */
	if (json_object_get(p, "batch"))
		rc = batch_run(st, job_id, p, err, err_n);
	else if (!json_object_get(p, "import") && !json_object_get(p, "result"))
		snprintf(err, err_n, "crm.import: neither a batch nor an import"), rc = -1;
	json_decref(p);
	return rc;
}

/* ---- the status ---- */

struct import_sum {
	int64_t done, added, failed;
	bool started, pending;
	json_t *errors;
};

static int sum_batch(struct rest_call *call, json_t *b, struct import_sum *s)
{
	int64_t id = json_integer_value(json_array_get(b, 0));
	int64_t n = json_integer_value(json_array_get(b, 1));
	int64_t first = json_integer_value(json_array_get(b, 2));
	struct q_crm_import_batch qb;
	int rc = q_crm_import_batch_get(call->st, call->arena, id, &qb);
	if (rc == STORE_NOTFOUND) { /* purged from the queue: its outcome is not known any more */
		qb = (struct q_crm_import_batch){.state = "failed", .last_error = "the batch job was removed"};
		rc = 0;
	}
	if (rc)
		return rest_fail_store(call, rc);
	if (!strcmp(qb.state, "queued")) {
		s->pending = true;
		s->started |= qb.attempts > 0;
		return 0;
	}
	s->started = true;
	s->done += n;
	if (strcmp(qb.state, "done") != 0) {
		s->failed += n;
		const char *why = arena_printf(call->arena, "%lld rows from row %lld on were not imported: %s",
					       (long long)n, (long long)first, qb.last_error);
		json_array_append_new(s->errors, json_pack("{s:I,s:s}", "row", (json_int_t)first, "error",
							   why ? why : "These rows were not imported"));
		return 0;
	}
	json_t *r = rest_own(call, json_loads(qb.result, 0, NULL));
	s->added += json_integer_value(json_object_get(r, "added"));
	s->failed += json_integer_value(json_object_get(r, "failed"));
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(r, "errors"), i, e)
		if (json_array_size(s->errors) < CRM_IMPORT_MAX_ERRORS)
			json_array_append(s->errors, e);
	return 0;
}

int crm_import_status(struct rest_call *call, int64_t job_id)
{
	struct q_job job;
	int rc = q_jobs_get(call->st, job_id, &job);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Import %lld is not found", (long long)job_id);
	if (rc)
		return rest_fail_store(call, rc);
	json_t *p = strcmp(job.kind, IMPORT_KIND) ? NULL : rest_own(call, json_loads(job.payload, 0, NULL));
	q_job_release(&job);
	if (!json_object_get(p, "import"))
		return rest_fail(call, ERR_NOT_FOUND, "Import %lld is not found", (long long)job_id);
	if (json_integer_value(json_object_get(p, "user")) != call->auth->user_id && !call->auth->is_admin)
		return rest_fail(call, ERR_ACCESS_DENIED, "Access denied: the import was started by another user");
	struct import_sum s = {.errors = json_array()};
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(p, "batches"), i, b)
		if (sum_batch(call, b, &s)) {
			json_decref(s.errors);
			return -1;
		}
	const char *state = !s.pending ? "done" : s.started ? "running" : "queued";
	call->result = json_pack("{s:I,s:O,s:s,s:O,s:I,s:I,s:I,s:o}", "jobId", (json_int_t)job_id, "entityTypeId",
				 json_object_get(p, "type"), "state", state, "total", json_object_get(p, "total"), "done",
				 (json_int_t)s.done, "added", (json_int_t)s.added, "failed", (json_int_t)s.failed, "errors",
				 s.errors);
	if (!call->result)
		return rest_fail(call, ERR_INTERNAL, "The status cannot be shown");
	return 0;
}
