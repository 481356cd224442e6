/* voronka_crm_io.c — CRM import and export over REST (P10, Voronka extensions):
 *   voronka.crm.export         the export as a base64 file in the answer (browsers download the
 *                              same file from GET /crm/export/…, which streams it instead);
 *   voronka.crm.import.start   a CSV file and a column mapping → {jobId};
 *   voronka.crm.import.status  jobId → progress and per-row errors.
 * Parameter names are read in any case (entityTypeId, ENTITYTYPEID). The work is crm/io.h's. */
#include "rest/rest.h"
#include "core/arena.h"
#include "core/util.h"
#include "crm/io.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define EXPORT_REST_MAX (16u << 20) /* bytes of a file answered inline; larger: GET /crm/export/ */

/* A top-level parameter by name, any case. */
static json_t *param(struct rest_call *call, const char *name)
{
	json_t *exact = rest_param(call, name);
	if (exact || !call->params)
		return exact;
	const char *key;
	json_t *v;
	json_object_foreach(call->params, key, v)
		if (!strcasecmp(key, name))
			return v;
	return NULL;
}

static const char *param_str(struct rest_call *call, const char *name)
{
	json_t *v = param(call, name);
	return v && !json_is_null(v) ? rest_json_text(call, v) : NULL;
}

/* entityTypeId: 1–4, or a type's name ("deal"). */
static int param_type(struct rest_call *call, const struct crm_type **out)
{
	const char *s = param_str(call, "entityTypeId");
	int64_t id;
	*out = NULL;
	if (s && parse_i64(s, &id) == 0)
		*out = crm_type_by_id(id);
	else if (s)
		*out = crm_type_by_name(s);
	if (!*out)
		return rest_fail(call, ERR_ARGUMENT, "entityTypeId must be 1 (lead), 2 (deal), 3 (contact) or 4 (company)");
	return 0;
}

/* delimiter: ";", ",", "\t" (or "tab"), "|"; absent or "auto": *out = 0. */
static int param_delimiter(struct rest_call *call, char *out)
{
	const char *s = param_str(call, "delimiter");
	*out = 0;
	if (!s || !*s || !strcasecmp(s, "auto"))
		return 0;
	if (!strcasecmp(s, "tab") || !strcmp(s, "\\t"))
		s = "\t";
	if (strlen(s) != 1 || !strchr(",;\t|", s[0]))
		return rest_fail(call, ERR_ARGUMENT, "delimiter must be one of ; , | or tab");
	*out = s[0];
	return 0;
}

/* voronka.crm.export — entityTypeId, format (csv | xlsx), filter, order (ID only), select,
 * delimiter (CSV) → {name, contentType, rows, size, content: base64}. */
int rest_voronka_crm_export(struct rest_call *call)
{
	struct crm_export_spec spec = {.delimiter = ';'};
	const char *fmt = param_str(call, "format");
	if (param_type(call, &spec.type) || param_delimiter(call, &spec.delimiter))
		return -1;
	if (!spec.delimiter)
		spec.delimiter = ';';
	if (crm_io_format_parse(fmt && *fmt ? fmt : "csv", &spec.format))
		return rest_fail(call, ERR_ARGUMENT, "format must be csv or xlsx");
	spec.filter = param(call, "filter");
	spec.order = param(call, "order");
	spec.select = param(call, "select");
	int fd;
	int64_t size, rows;
	if (crm_export_file(call, &spec, &fd, &size, &rows))
		return -1;
	if (size > EXPORT_REST_MAX) {
		close(fd);
		return rest_fail(call, ERR_ARGUMENT,
				 "The export is %lld bytes, over %u MB: download it from GET /crm/export/ instead",
				 (long long)size, EXPORT_REST_MAX >> 20);
	}
	unsigned char *data = arena_alloc(call->arena, (size_t)size + 1);
	size_t b64n = sodium_base64_ENCODED_LEN((size_t)size, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = arena_alloc(call->arena, b64n);
	ssize_t got = data && b64 ? pread(fd, data, (size_t)size, 0) : -1;
	close(fd);
	if (got != (ssize_t)size)
		return rest_fail(call, ERR_INTERNAL, "Cannot read the export back");
	sodium_bin2base64(b64, b64n, data, (size_t)size, sodium_base64_VARIANT_ORIGINAL);
	call->result = json_pack("{s:s,s:s,s:I,s:I,s:s}", "name", crm_export_filename(call->arena, &spec), "contentType",
				 crm_io_content_type(spec.format), "rows", (json_int_t)rows, "size", (json_int_t)size,
				 "content", b64);
	return call->result ? 0 : rest_fail(call, ERR_INTERNAL, "Out of memory");
}

/* The file of an import: csv (text), or content (base64), or file / fileData (Bitrix24's
 * ["name", "base64"]). */
static int import_data(struct rest_call *call, const char **data, size_t *len)
{
	const char *csv = param_str(call, "csv");
	if (csv) {
		*data = csv;
		*len = strlen(csv);
		return 0;
	}
	json_t *f = param(call, "content");
	if (!f)
		f = param(call, "file");
	if (!f)
		f = param(call, "fileData");
	if (json_is_array(f))
		f = json_array_get(f, 1);
	const char *b64 = json_string_value(f);
	if (!b64)
		return rest_fail(call, ERR_ARGUMENT, "Give the file as csv (text) or content (base64)");
	size_t n = strlen(b64);
	if (n / 4 * 3 > CRM_IMPORT_MAX_BYTES + 3)
		return rest_fail(call, ERR_ARGUMENT, "The file is larger than %u MB", CRM_IMPORT_MAX_BYTES >> 20);
	unsigned char *out = arena_alloc(call->arena, n / 4 * 3 + 4);
	if (!out)
		return rest_fail(call, ERR_INTERNAL, "Out of memory");
	if (sodium_base642bin(out, n / 4 * 3 + 3, b64, n, " \t\r\n", len, NULL, sodium_base64_VARIANT_ORIGINAL))
		return rest_fail(call, ERR_ARGUMENT, "content is not valid base64");
	out[*len] = 0;
	*data = (const char *)out;
	return 0;
}

/* voronka.crm.import.start — entityTypeId, csv | content, encoding, delimiter, mapping,
 * skipHeader (Y by default) → {jobId}. */
int rest_voronka_crm_import_start(struct rest_call *call)
{
	struct crm_import_spec spec = {.has_header = true};
	if (param_type(call, &spec.type) || param_delimiter(call, &spec.delimiter) ||
	    import_data(call, &spec.data, &spec.len))
		return -1;
	spec.encoding = param_str(call, "encoding");
	spec.mapping = param(call, "mapping");
	json_t *sh = param(call, "skipHeader");
	if (sh && !json_is_null(sh)) {
		int b = rest_json_bool(sh);
		if (b < 0)
			return rest_fail(call, ERR_ARGUMENT, "skipHeader must be Y or N");
		spec.has_header = b == 1;
	}
	int64_t job_id;
	if (crm_import_start(call, &spec, &job_id))
		return -1;
	call->result = json_pack("{s:I}", "jobId", (json_int_t)job_id);
	return 0;
}

/* voronka.crm.import.status — jobId → {jobId, entityTypeId, state, total, done, added,
 * failed, errors}. */
int rest_voronka_crm_import_status(struct rest_call *call)
{
	const char *s = param_str(call, "jobId");
	int64_t id;
	if (!s || parse_i64(s, &id) || id <= 0)
		return rest_fail(call, ERR_ARGUMENT, "jobId is required and must be a positive integer");
	return crm_import_status(call, id);
}
