/* voronka_portal.c — portal settings (P5): company name, currency, working days and hours,
 * holidays, time zone, default language. Bitrix24 keeps these in its admin pages with no REST
 * method, so they are ours: voronka.portal.settings.get (everyone) and .set (administrators). */
#include "rest/rest.h"
#include "core/util.h"
#include "store/q_portal.h"
#include "store/store.h"
#include <ctype.h>
#include <stdlib.h>
#include <strings.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef const char *(*check_fn)(struct rest_call *call, json_t *v, const char **out);

struct setting {
	const char *name;   /* the REST name; stored lower-case */
	const char *dflt;   /* JSON text of the default */
	check_fn check;     /* validates v, sets *out to the JSON text to store; returns an error */
};

static const char *as_json(struct rest_call *call, json_t *v, const char **out)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!s)
		return "cannot encode";
	*out = rest_json_text(call, rest_own(call, json_string(s)));
	free(s);
	return NULL;
}

static const char *check_text(struct rest_call *call, json_t *v, const char **out)
{
	if (!json_is_string(v) || !*json_string_value(v) || strlen(json_string_value(v)) > 255)
		return "must be a text of 1 to 255 characters";
	return as_json(call, v, out);
}

static const char *check_currency(struct rest_call *call, json_t *v, const char **out)
{
	const char *s = json_string_value(v);
	if (!s || strlen(s) != 3 || !isupper((unsigned char)s[0]) || !isupper((unsigned char)s[1]) ||
	    !isupper((unsigned char)s[2]))
		return "must be an ISO 4217 code such as RUB";
	return as_json(call, v, out);
}

static const char *check_tz(struct rest_call *call, json_t *v, const char **out)
{
	const char *s = json_string_value(v);
	char path[300];
	if (!s || !*s || strstr(s, "..") || s[0] == '/' || strlen(s) > 64)
		return "must be an IANA time zone such as Europe/Moscow";
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", s);
	if (access(path, R_OK) != 0)
		return "is not a known time zone";
	return as_json(call, v, out);
}

static const char *check_lang(struct rest_call *call, json_t *v, const char **out)
{
	const char *s = json_string_value(v);
	if (!s || (strcmp(s, "ru") && strcmp(s, "en")))
		return "must be ru or en";
	return as_json(call, v, out);
}

static const char *check_hhmm(struct rest_call *call, json_t *v, const char **out)
{
	const char *s = json_string_value(v);
	if (!s || strlen(s) != 5 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]) || (s[0] - '0') * 10 + (s[1] - '0') > 23 ||
	    s[3] > '5')
		return "must be a time HH:MM";
	return as_json(call, v, out);
}

static const char *check_days(struct rest_call *call, json_t *v, const char **out)
{
	static const char *const days[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
	size_t i;
	json_t *d;
	if (!json_is_array(v))
		return "must be a list of MO, TU, WE, TH, FR, SA, SU";
	json_array_foreach(v, i, d)
	{
		const char *s = json_string_value(d);
		bool known = false;
		for (size_t k = 0; s && k < 7; k++)
			known |= !strcmp(s, days[k]);
		if (!known)
			return "must be a list of MO, TU, WE, TH, FR, SA, SU";
	}
	return as_json(call, v, out);
}

static const char *check_holidays(struct rest_call *call, json_t *v, const char **out)
{
	size_t i;
	json_t *d;
	if (!json_is_array(v))
		return "must be a list of dates DD.MM (every year) or YYYY-MM-DD";
	json_array_foreach(v, i, d)
	{
		const char *s = json_string_value(d);
		time_t t;
		int dd, mm;
		char tail;
		bool ok = s && ((strlen(s) == 5 && sscanf(s, "%2d.%2d%c", &dd, &mm, &tail) == 2 && dd >= 1 &&
				 dd <= 31 && mm >= 1 && mm <= 12) ||
				(strlen(s) == 10 && parse_iso8601(s, &t) == 0));
		if (!ok)
			return "must be a list of dates DD.MM (every year) or YYYY-MM-DD";
	}
	return as_json(call, v, out);
}

static const struct setting settings[] = {
	{"COMPANY_NAME", "\"Моя компания\"", check_text},
	{"CURRENCY", "\"RUB\"", check_currency},
	{"TIME_ZONE", "\"Europe/Moscow\"", check_tz},
	{"LANGUAGE", "\"ru\"", check_lang},
	{"WORK_DAYS", "[\"MO\",\"TU\",\"WE\",\"TH\",\"FR\"]", check_days},
	{"WORK_TIME_START", "\"09:00\"", check_hhmm},
	{"WORK_TIME_END", "\"18:00\"", check_hhmm},
	{"HOLIDAYS", "[\"01.01\",\"02.01\",\"07.01\",\"23.02\",\"08.03\",\"01.05\",\"09.05\",\"12.06\",\"04.11\"]",
	 check_holidays},
};
#define N_SETTINGS (sizeof settings / sizeof settings[0])

static void put(const char *key, const char *value, void *ctx)
{
	json_t *out = ctx;
	char up[64];
	snprintf(up, sizeof up, "%s", key);
	str_upper(up);
	if (!json_object_get(out, up))
		return; /* a key this version no longer knows */
	json_t *v = json_loads(value, JSON_DECODE_ANY, NULL);
	if (v)
		json_object_set_new(out, up, v);
}

int rest_voronka_portal_settings_get(struct rest_call *call)
{
	json_t *out = json_object();
	for (size_t i = 0; i < N_SETTINGS; i++)
		json_object_set_new(out, settings[i].name, json_loads(settings[i].dflt, JSON_DECODE_ANY, NULL));
	int rc = q_portal_each(call->st, put, out);
	if (rc) {
		json_decref(out);
		return rest_fail_store(call, rc);
	}
	call->result = out;
	return 0;
}

int rest_voronka_portal_settings_set(struct rest_call *call)
{
	json_t *fields = rest_param(call, "fields");
	if (!fields)
		fields = rest_param(call, "FIELDS");
	if (!json_is_object(fields) || json_object_size(fields) == 0)
		return rest_fail(call, ERR_ARGUMENT, "Parameter 'fields' must be a map of settings");
	const char *stored[N_SETTINGS] = {0};
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v)
	{
		size_t i = 0;
		while (i < N_SETTINGS && strcasecmp(settings[i].name, k) != 0)
			i++;
		if (i == N_SETTINGS)
			return rest_fail(call, ERR_ARGUMENT, "Unknown setting '%s'", k);
		const char *err = settings[i].check(call, v, &stored[i]);
		if (err)
			return rest_fail(call, ERR_ARGUMENT, "Setting %s %s", settings[i].name, err);
	}
	int rc = store_tx_begin_write(call->st);
	for (size_t i = 0; !rc && i < N_SETTINGS; i++) {
		if (!stored[i])
			continue;
		char low[64];
		snprintf(low, sizeof low, "%s", settings[i].name);
		str_lower(low);
		rc = q_portal_set(call->st, low, stored[i]);
	}
	if (rc) {
		store_tx_rollback(call->st);
		return rest_fail_store(call, rc);
	}
	rc = store_tx_commit(call->st);
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_true();
	return 0;
}
