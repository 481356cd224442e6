/* fuzz_uf.c — libFuzzer target for custom fields (crm/uf.c): the values written to a field of
 * every type (text, numbers, dates in two formats, money, links, list items, users, CRM bindings,
 * files as base64), the definitions given to crm.deal.userfield.add / update (names, settings,
 * labels, list items, regular expressions) and filters on custom fields. The first byte picks the
 * target, the second the field; the rest is a JSON value parsed as rest_http.c does. Calls run
 * through rest_dispatch() on an in-memory database with the current schema.
 *
 * Findings: a crash, undefined behaviour, a refusal without an answer, INTERNAL_SERVER_ERROR, a
 * transaction left open, and a definition change that leaves the field count growing (a field
 * the fuzzer made is deleted again). */
#include "fuzz_rest.h"
#include <stdio.h>
#include <string.h>

/* The fields made at start: name, type, extra definition (JSON). */
static const char *const fields[][3] = {
	{"S", "string", "{\"SETTINGS\":{\"MAX_LENGTH\":20,\"REGEXP\":\"/^[a-zа-я0-9 ]*$/i\"}}"},
	{"I", "integer", "{\"SETTINGS\":{\"MIN_VALUE\":-5,\"MAX_VALUE\":1000}}"},
	{"D", "double", "{}"},
	{"B", "boolean", "{}"},
	{"E", "enumeration", "{\"LIST\":[{\"VALUE\":\"a\"},{\"VALUE\":\"b\",\"DEF\":\"Y\"}]}"},
	{"DT", "date", "{\"SETTINGS\":{\"DEFAULT_VALUE\":{\"TYPE\":\"NOW\"}}}"},
	{"DTT", "datetime", "{}"},
	{"M", "money", "{}"},
	{"U", "url", "{}"},
	{"A", "address", "{}"},
	{"F", "file", "{\"SETTINGS\":{\"MAX_ALLOWED_SIZE\":100,\"EXTENSIONS\":\"txt, pdf\"}}"},
	{"FM", "file", "{\"MULTIPLE\":\"Y\"}"},
	{"EMP", "employee", "{}"},
	{"C", "crm", "{\"SETTINGS\":{\"DEAL\":\"Y\",\"COMPANY\":\"Y\"}}"},
	{"C1", "crm", "{\"SETTINGS\":{\"CONTACT\":\"Y\"}}"},
	{"ST", "crm_status", "{\"SETTINGS\":{\"ENTITY_TYPE\":\"SOURCE\"}}"},
	{"IB", "iblock_element", "{}"},
	{"MS", "string", "{\"MULTIPLE\":\"Y\"}"},
	{"MI", "integer", "{\"MULTIPLE\":\"Y\"}"},
	{"ME", "enumeration", "{\"MULTIPLE\":\"Y\",\"LIST\":\"x\\ny\\nz\"}"},
	{"MD", "date", "{\"MULTIPLE\":\"Y\"}"},
};
#define N_FIELDS (sizeof fields / sizeof fields[0])

enum target { T_VALUE, T_ADD_VALUE, T_DEF_ADD, T_DEF_UPDATE, T_FILTER, T_ITEM, T__COUNT };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_open_store();
	int64_t id;
	for (size_t i = 0; i < N_FIELDS; i++) {
		json_t *def = json_loads(fields[i][2], 0, NULL);
		if (!def)
			abort();
		json_object_set_new(def, "FIELD_NAME", json_string(fields[i][0]));
		json_object_set_new(def, "USER_TYPE_ID", json_string(fields[i][1]));
		run_call("crm.deal.userfield.add", json_pack("{s:o}", "fields", def), &id);
		if (!id)
			abort();
	}
	run_call("crm.company.add", json_pack("{s:{s:s}}", "fields", "TITLE", "ООО"), NULL);
	run_call("crm.contact.add", json_pack("{s:{s:s}}", "fields", "NAME", "Иван"), NULL);
	run_call("crm.deal.add", json_pack("{s:{s:s}}", "fields", "TITLE", "Сделка"), &id);
	if (id != 1)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	enum target t = (enum target)(data[0] % T__COUNT);
	char name[32];
	snprintf(name, sizeof name, "UF_CRM_%s", fields[data[1] % N_FIELDS][0]);
	json_t *v = fuzz_json(data + 2, size - 2);
	if (!v)
		return 0;
	int64_t id = 0;
	switch (t) {
	case T_VALUE:
		run_call("crm.deal.update", json_pack("{s:i,s:{s:o}}", "id", 1, "fields", name, v), NULL);
		break;
	case T_ADD_VALUE:
		run_call("crm.deal.add", json_pack("{s:{s:s,s:o}}", "fields", "TITLE", "f", name, v), &id);
		if (id)
			run_call("crm.deal.delete", json_pack("{s:I}", "id", (json_int_t)id), NULL);
		break;
	case T_DEF_ADD: /* what the fuzzer makes goes again, so the count stays */
		run_call("crm.deal.userfield.add", json_pack("{s:o}", "fields", v), &id);
		if (id)
			run_call("crm.deal.userfield.delete", json_pack("{s:I}", "id", (json_int_t)id), NULL);
		break;
	case T_DEF_UPDATE:
		run_call("crm.deal.userfield.update", json_pack("{s:i,s:o}", "id", 1 + data[1] % N_FIELDS, "fields", v),
			 NULL);
		/* a field made mandatory would refuse the later targets' writes: undo it */
		run_call("crm.deal.userfield.update",
			 json_pack("{s:i,s:{s:s}}", "id", 1 + data[1] % N_FIELDS, "fields", "MANDATORY", "N"), NULL);
		break;
	case T_FILTER:
		run_call("crm.deal.list", json_pack("{s:o,s:[ss]}", "filter", v, "select", "*", "UF_*"), NULL);
		break;
	default:
		run_call("crm.item.update",
			 json_pack("{s:i,s:i,s:o}", "entityTypeId", 2, "id", 1, "fields", v), NULL);
		break;
	}
	return 0;
}
