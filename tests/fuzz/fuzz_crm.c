/* fuzz_crm.c — libFuzzer target for the CRM write path (crm/item.c and the methods over it): the
 * first byte picks a method (add, update, list of the four item types, links, product rows,
 * conversion), the rest is a JSON value given as its fields / rows / items / filter, parsed as
 * rest_http.c does. The call runs through rest_dispatch() for real on an in-memory database with
 * the current schema, an administrator and one item of each type.
 *
 * Findings: a crash, undefined behaviour, a refusal without an answer, an INTERNAL_SERVER_ERROR
 * (the write path built something the database refused), and an open transaction left behind
 * (a refused write must roll back all it did). */
#include "fuzz_rest.h"
#include <string.h>

/* How the fuzzed value is placed in each method's parameters. */
enum slot { AS_FIELDS, AS_UPDATE, AS_FILTER, AS_ROWS, AS_ITEMS, AS_CONVERT, AS_OPTIONS };

static const struct {
	const char *method;
	enum slot slot;
} targets[] = {
	{"crm.deal.add", AS_FIELDS},	      {"crm.lead.add", AS_FIELDS},
	{"crm.contact.add", AS_FIELDS},	      {"crm.company.add", AS_FIELDS},
	{"crm.deal.update", AS_UPDATE},	      {"crm.lead.update", AS_UPDATE},
	{"crm.contact.update", AS_UPDATE},    {"crm.company.update", AS_UPDATE},
	{"crm.deal.list", AS_FILTER},	      {"crm.contact.list", AS_FILTER},
	{"crm.deal.productrows.set", AS_ROWS}, {"crm.deal.contact.items.set", AS_ITEMS},
	{"voronka.crm.lead.convert", AS_CONVERT},
	/* Not the CRM, but the same kind of outside JSON kept and given back: a user's options. */
	{"user.option.set", AS_OPTIONS},
};
#define N_TARGETS (sizeof targets / sizeof targets[0])

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_open_store();
	static const char *const seed[][2] = {
		{"crm.company.add", "{\"fields\":{\"TITLE\":\"ООО Ромашка\"}}"},
		{"crm.contact.add", "{\"fields\":{\"NAME\":\"Иван\",\"PHONE\":[{\"VALUE\":\"+7 900 1\"}]}}"},
		{"crm.deal.add", "{\"fields\":{\"TITLE\":\"Сделка\",\"CONTACT_IDS\":[1],\"COMPANY_ID\":1}}"},
		{"crm.lead.add", "{\"fields\":{\"TITLE\":\"Лид\",\"NAME\":\"Анна\"}}"},
	};
	for (size_t i = 0; i < sizeof seed / sizeof seed[0]; i++) {
		json_t *p = json_loads(seed[i][1], 0, NULL);
		int64_t id;
		if (!p)
			abort();
		run_call(seed[i][0], p, &id);
		if (id != 1)
			abort(); /* each type's first item */
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned pick = data[0] % N_TARGETS;
	json_t *v = fuzz_json(data + 1, size - 1);
	if (!v)
		return 0;
	json_t *params = json_object();
	switch (targets[pick].slot) {
	case AS_FIELDS:
		json_object_set_new(params, "fields", v);
		break;
	case AS_UPDATE:
		json_object_set_new(params, "id", json_integer(1));
		json_object_set_new(params, "fields", v);
		break;
	case AS_FILTER:
		json_object_set_new(params, "filter", v);
		json_object_set_new(params, "select", json_pack("[sss]", "*", "PHONE", "CONTACT_IDS"));
		break;
	case AS_ROWS:
		json_object_set_new(params, "id", json_integer(1));
		json_object_set_new(params, "rows", v);
		break;
	case AS_ITEMS:
		json_object_set_new(params, "id", json_integer(1));
		json_object_set_new(params, "items", v);
		break;
	case AS_CONVERT:
		json_object_set_new(params, "id", json_integer(1));
		json_object_set_new(params, "deal", v);
		json_object_set_new(params, "contact", json_true());
		break;
	case AS_OPTIONS:
		json_object_set_new(params, "options", v);
		break;
	}
	run_call(targets[pick].method, params, NULL);
	return 0;
}
