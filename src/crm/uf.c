/* uf.c — custom fields of CRM items, UF_CRM_… (uf.h; issue 6): the types and their settings, the
 * check of every written value, the values' wire format, defaults, and the definitions'
 * methods. Storage and the descriptor cache are store/q_crm_uf.c's.
 *
 * The type table says for each USER_TYPE_ID how values are kept (a column of the item table,
 * typed; or rows of crm_uf_value for multiple fields and files), how one value is checked, and
 * which SETTINGS it has (the settings table: key, kind, default, bounds). A definition's
 * settings are stored normalized (every key of its type present), so readers need no defaults. */
#include "crm/uf.h"
#include "crm/fields.h"
#include "core/arena.h"
#include "core/util.h"
#include "rest/filter.h"
#include "store/q_crm_item.h"
#include "store/q_crm_status.h"
#include "store/q_crm_uf.h"
#include "store/q_user.h"
#include "store/store.h"
#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define UF_TEXT_MAX 65535      /* bytes of a string value: the request body limit caps the rest */
#define UF_URL_MAX 2048
#define UF_ADDRESS_MAX 1024
#define UF_VALUES_MAX 100      /* values of one multiple field on one item */
#define UF_LABEL_MAX 255
#define UF_ITEMS_MAX 1000      /* list items of one enumeration */
#define UF_ITEM_VALUE_MAX 255
#define UF_FILE_NAME_MAX 255
#define UF_REGEXP_MAX 255
#define MONEY_MAX 1e13         /* a double keeps every cent below this */
#define B64_SPACE " \t\r\n"

struct uf_in;
typedef int (*uf_check_fn)(struct uf_in *in, json_t *v, struct query_value *out);

struct uf_type {
	const char *id;          /* USER_TYPE_ID */
	const char *title;       /* crm.userfield.types */
	enum q_crm_uf_storage storage;
	bool single_only;        /* boolean: Bitrix24 refuses MULTIPLE */
	uf_check_fn check;       /* one non-empty value; NULL for files (their own path) */
};

/* One value being written, or a definition's default being checked. */
struct uf_in {
	struct crm_ctx *x;
	const struct q_crm_uf_def *d;
	json_t *settings;        /* d's SETTINGS, parsed */
};

/* ---- small helpers ---- */

static int oom(struct crm_ctx *x)
{
	return rest_fail(x->call, ERR_INTERNAL, "Out of memory");
}

static json_t *own(struct crm_ctx *x, json_t *j)
{
	return rest_own(x->call, j);
}

/* A JSON object of text, owned by the call; an empty object for text that is not one. */
static json_t *parse_obj(struct crm_ctx *x, const char *text)
{
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	if (!json_is_object(j)) {
		json_decref(j);
		j = json_object();
	}
	return own(x, j);
}

static int64_t set_int(json_t *settings, const char *key)
{
	json_t *v = json_object_get(settings, key);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

static double set_num(json_t *settings, const char *key)
{
	json_t *v = json_object_get(settings, key);
	return json_is_number(v) ? json_number_value(v) : 0;
}

static const char *set_str(json_t *settings, const char *key)
{
	const char *s = json_string_value(json_object_get(settings, key));
	return s ? s : "";
}

static bool set_yes(json_t *settings, const char *key)
{
	return !strcmp(set_str(settings, key), "Y");
}

/* A value that stands for "none": null, "", [] or {}. */
static bool is_empty(json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
	       (json_is_array(v) && json_array_size(v) == 0) || (json_is_object(v) && json_object_size(v) == 0);
}

static bool is_scalar(json_t *v)
{
	return json_is_string(v) || json_is_number(v) || json_is_boolean(v);
}

/* Characters of UTF-8 text. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* ---- dates ---- */

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Is the "YYYY-MM-DD" at the start of s a day of the calendar? (parse_iso8601 takes 02-31 and
 * rolls it into March.) */
static bool calendar_ok(const char *s)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = 0, m = 0, d = 0;
	for (int i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1)
		return false;
	return d <= days[m - 1] + (m == 2 && leap(y));
}

/* "DD.MM.YYYY[ hh:mm[:ss]]" (the site format of Russian portals, what imports carry) as ISO
 * into buf; s itself when it is not that. */
static const char *ru_date_iso(const char *s, char *buf, size_t n)
{
	size_t len = strlen(s);
	if (len < 10 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != '.' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]) || s[5] != '.')
		return s;
	for (int i = 6; i < 10; i++)
		if (!isdigit((unsigned char)s[i]))
			return s;
	snprintf(buf, n, "%.4s-%.2s-%.2s%s%s", s + 6, s + 3, s, len > 10 ? "T" : "", len > 10 ? s + 11 : "");
	return buf;
}

/* ---- checks of one value, by type ---- */

/* "Invalid value 'v' for field F: expected …" */
static int bad_value(struct uf_in *in, json_t *v, const char *expected)
{
	const char *s = is_scalar(v) ? rest_json_text(in->x->call, v) : "(a list)";
	return crm_fail(in->x, false, "Invalid value '%.80s' for field %s: expected %s", s ? s : "", in->d->field_name,
			expected);
}

static int check_text_common(struct uf_in *in, json_t *v, const char **out, size_t max)
{
	if (!is_scalar(v))
		return crm_fail(in->x, false, "Invalid value for field %s: expected text", in->d->field_name);
	const char *s = rest_json_text(in->x->call, v);
	if (!s)
		return oom(in->x);
	if (strlen(s) > max)
		return crm_fail(in->x, false, "%s is longer than %zu bytes", in->d->field_name, max);
	*out = s;
	return 0;
}

/* Patterns and values are UTF-8 whatever the process's locale: [а-я] is a range of letters. */
static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;
static void utf8_locale_init(void)
{
	utf8_locale = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t utf8_use(void)
{
	pthread_once(&utf8_once, utf8_locale_init);
	return utf8_locale ? uselocale(utf8_locale) : (locale_t)0;
}

static void utf8_done(locale_t old)
{
	if (old)
		uselocale(old);
}

/* One UTF-8 code point at s: its value, *len its bytes (1 for a stray byte). */
static unsigned utf8_cp(const char *s, int *len)
{
	unsigned c = (unsigned char)s[0];
	int k = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
	for (int j = 1; k > 0 && j <= k; j++)
		if (((unsigned char)s[j] & 0xC0) != 0x80)
			k = -1;
	if (k <= 0) {
		*len = 1;
		return c;
	}
	unsigned cp = c & (0x3F >> k);
	for (int j = 1; j <= k; j++)
		cp = (cp << 6) | ((unsigned char)s[j] & 0x3F);
	*len = k + 1;
	return cp;
}

static int utf8_put(char *out, size_t cap, size_t *o, unsigned cp)
{
	char b[4];
	int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	if (n == 1)
		b[0] = (char)cp;
	else if (n == 2)
		b[0] = (char)(0xC0 | (cp >> 6)), b[1] = (char)(0x80 | (cp & 0x3F));
	else if (n == 3)
		b[0] = (char)(0xE0 | (cp >> 12)), b[1] = (char)(0x80 | ((cp >> 6) & 0x3F)), b[2] = (char)(0x80 | (cp & 0x3F));
	else
		b[0] = (char)(0xF0 | (cp >> 18)), b[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), b[3] = (char)(0x80 | (cp & 0x3F));
	if (*o + (size_t)n >= cap)
		return -1;
	memcpy(out + *o, b, (size_t)n);
	*o += (size_t)n;
	return 0;
}

/* glibc's C.UTF-8 refuses ranges of letters beyond ASCII ([а-я]: "invalid collation character"):
 * such a range inside a bracket expression is written out letter by letter. */
static int expand_ranges(const char *p, char *out, size_t cap)
{
	size_t o = 0;
	bool in_br = false;
	while (*p) {
		int k;
		if (!in_br && *p == '\\' && p[1]) {
			if (o + 2 >= cap)
				return -1;
			out[o++] = *p++;
			out[o++] = *p++;
			continue;
		}
		if (!in_br && *p == '[') {
			in_br = true;
			out[o++] = *p++;
			if (*p == '^' && o + 1 < cap)
				out[o++] = *p++;
			if (*p == ']' && o + 1 < cap)
				out[o++] = *p++;
			continue;
		}
		if (in_br && *p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) { /* [:alpha:] */
			const char *end = strstr(p + 2, (char[]){p[1], ']', 0});
			size_t n = end ? (size_t)(end - p) + 2 : strlen(p);
			if (o + n >= cap)
				return -1;
			memcpy(out + o, p, n);
			o += n;
			p += n;
			continue;
		}
		if (in_br && *p == ']')
			in_br = false;
		unsigned c = utf8_cp(p, &k);
		if (in_br && p[k] == '-' && p[k + 1] && p[k + 1] != ']') {
			int k2;
			unsigned d = utf8_cp(p + k + 1, &k2);
			if (c >= 0x80 || d >= 0x80) {
				if (d < c || d - c > 1024)
					return -1;
				for (unsigned cp = c; cp <= d; cp++)
					if (utf8_put(out, cap, &o, cp))
						return -1;
				p += k + 1 + k2;
				continue;
			}
		}
		if (o + (size_t)k >= cap)
			return -1;
		memcpy(out + o, p, (size_t)k);
		o += (size_t)k;
		p += k;
	}
	out[o] = 0;
	return 0;
}

/* Bitrix24's REGEXP is a PCRE between delimiters ("/^[0-9]+$/i"); POSIX extended takes the
 * patterns people write there. Called inside utf8_use(). */
static int regexp_compile(const char *re, regex_t *rx)
{
	char pat[UF_REGEXP_MAX + 1];
	int flags = REG_EXTENDED | REG_NOSUB;
	size_t n = strlen(re);
	if (n > UF_REGEXP_MAX)
		return -1;
	const char *end = n > 1 && re[0] == '/' ? strrchr(re + 1, '/') : NULL;
	if (end) {
		snprintf(pat, sizeof pat, "%.*s", (int)(end - re - 1), re + 1);
		if (strchr(end + 1, 'i'))
			flags |= REG_ICASE;
	} else {
		snprintf(pat, sizeof pat, "%s", re);
	}
	/* What keeps matching cheap on glibc: no back-references (they backtrack) and bounded
	 * repetitions whose counts multiply to little (nested ones expand into that many states). */
	double product = 1;
	for (const char *p = pat; *p; p++) {
		if (*p == '\\' && p[1] >= '1' && p[1] <= '9')
			return -1;
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '{') {
			const char *close = strchr(p, '}');
			if (!close)
				continue; /* regcomp judges it */
			const char *comma = memchr(p, ',', (size_t)(close - p));
			/* {n}, {n,m}: the upper count; {n,}: the lower one */
			const char *num = comma && comma + 1 < close ? comma + 1 : p + 1;
			product *= 1 + strtod(num, NULL);
		}
	}
	if (product > 4096)
		return -1;
	char wide[4096];
	if (expand_ranges(pat, wide, sizeof wide))
		return -1;
	return regcomp(rx, wide, flags) ? -1 : 0;
}

static int check_string(struct uf_in *in, json_t *v, struct query_value *out)
{
	const char *s;
	if (check_text_common(in, v, &s, UF_TEXT_MAX))
		return -1;
	int64_t min = set_int(in->settings, "MIN_LENGTH"), max = set_int(in->settings, "MAX_LENGTH");
	size_t chars = utf8_chars(s);
	if (max > 0 && chars > (size_t)max)
		return crm_fail(in->x, false, "%s is longer than %lld characters", in->d->field_name, (long long)max);
	if (min > 0 && chars < (size_t)min)
		return crm_fail(in->x, false, "%s is shorter than %lld characters", in->d->field_name, (long long)min);
	const char *re = set_str(in->settings, "REGEXP");
	if (*re) {
		regex_t rx;
		locale_t old = utf8_use();
		int r = 0;
		if (regexp_compile(re, &rx) == 0) {
			r = regexec(&rx, s, 0, NULL, 0);
			regfree(&rx);
		}
		utf8_done(old);
		if (r)
			return crm_fail(in->x, false, "Invalid value for field %s: it does not match the pattern %.100s",
					in->d->field_name, re);
	}
	*out = (struct query_value){.kind = QV_TEXT, .s = s};
	return 0;
}

static int check_integer(struct uf_in *in, json_t *v, struct query_value *out)
{
	int64_t i;
	const char *s = is_scalar(v) ? rest_json_text(in->x->call, v) : NULL;
	if (json_is_integer(v))
		i = json_integer_value(v);
	else if (json_is_real(v) && json_real_value(v) == floor(json_real_value(v)) && fabs(json_real_value(v)) < 9e15)
		i = (int64_t)json_real_value(v);
	else if (!s || json_is_boolean(v) || parse_i64(s, &i))
		return bad_value(in, v, "an integer");
	int64_t min = set_int(in->settings, "MIN_VALUE"), max = set_int(in->settings, "MAX_VALUE");
	if (min && i < min)
		return crm_fail(in->x, false, "%s must be at least %lld", in->d->field_name, (long long)min);
	if (max && i > max)
		return crm_fail(in->x, false, "%s must be at most %lld", in->d->field_name, (long long)max);
	*out = (struct query_value){.kind = QV_INT, .i = i};
	return 0;
}

/* A number from JSON or text; "1,5" (a decimal comma) as 1.5. */
static int number_of(struct crm_ctx *x, json_t *v, double *d)
{
	if (json_is_number(v)) {
		*d = json_number_value(v);
		return isfinite(*d) ? 0 : -1;
	}
	const char *s = json_string_value(v);
	if (!s)
		return -1;
	char buf[64];
	if (strlen(s) < sizeof buf && strchr(s, ',') && !strchr(s, '.')) {
		snprintf(buf, sizeof buf, "%s", s);
		*strchr(buf, ',') = '.';
		s = buf;
	}
	(void)x;
	return parse_double(s, d) || !isfinite(*d) ? -1 : 0;
}

static int check_double(struct uf_in *in, json_t *v, struct query_value *out)
{
	double d;
	if (json_is_boolean(v) || number_of(in->x, v, &d))
		return bad_value(in, v, "a number");
	double min = set_num(in->settings, "MIN_VALUE"), max = set_num(in->settings, "MAX_VALUE");
	if (min != 0 && d < min)
		return crm_fail(in->x, false, "%s must be at least %g", in->d->field_name, min);
	if (max != 0 && d > max)
		return crm_fail(in->x, false, "%s must be at most %g", in->d->field_name, max);
	double scale = pow(10, (double)set_int(in->settings, "PRECISION"));
	if (fabs(d) < 1e15 / scale)
		d = round(d * scale) / scale;
	*out = (struct query_value){.kind = QV_DOUBLE, .d = d};
	return 0;
}

static int check_boolean(struct uf_in *in, json_t *v, struct query_value *out)
{
	int b = rest_json_bool(v);
	if (b < 0)
		return bad_value(in, v, "1 or 0 (Y or N)");
	*out = (struct query_value){.kind = QV_INT, .i = b};
	return 0;
}

/* "100.50|RUB"; a bare number takes RUB, Bitrix24's base currency here. */
static int check_money(struct uf_in *in, json_t *v, struct query_value *out)
{
	if (!is_scalar(v) || json_is_boolean(v))
		return bad_value(in, v, "an amount and a currency such as 100.50|RUB");
	const char *s = rest_json_text(in->x->call, v);
	if (!s)
		return oom(in->x);
	const char *bar = strchr(s, '|');
	char amount[64], cur[8] = "RUB";
	size_t na = bar ? (size_t)(bar - s) : strlen(s);
	if (na >= sizeof amount)
		return bad_value(in, v, "an amount and a currency such as 100.50|RUB");
	snprintf(amount, sizeof amount, "%.*s", (int)na, s);
	if (bar) {
		if (strlen(bar + 1) != 3)
			return bad_value(in, v, "an amount and a currency such as 100.50|RUB");
		snprintf(cur, sizeof cur, "%s", bar + 1);
		for (char *p = cur; *p; p++)
			*p = (char)toupper((unsigned char)*p);
	}
	json_t *jn = json_string(amount);
	double d;
	int r = number_of(in->x, jn, &d);
	json_decref(jn);
	if (!*amount) {
		*out = (struct query_value){.kind = QV_NULL};
		return 0;
	}
	if (r || fabs(d) > MONEY_MAX)
		return bad_value(in, v, "an amount and a currency such as 100.50|RUB");
	if (!crm_currency_known(cur))
		return crm_fail(in->x, false, "%s: '%s' is not a known currency", in->d->field_name, cur);
	const char *t = arena_printf(in->x->call->arena, "%.2f|%s", round(d * 100) / 100, cur);
	if (!t)
		return oom(in->x);
	*out = (struct query_value){.kind = QV_TEXT, .s = t};
	return 0;
}

static int check_url(struct uf_in *in, json_t *v, struct query_value *out)
{
	const char *s;
	if (check_text_common(in, v, &s, UF_URL_MAX))
		return -1;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ')
			return bad_value(in, v, "a link without spaces");
	/* a link is opened by whoever views the card: only schemes that navigate */
	const char *colon = strchr(s, ':'), *slash = strchr(s, '/');
	if (colon && (!slash || colon < slash)) {
		static const char *const ok[] = {"http:", "https:", "ftp:", "mailto:", "tel:"};
		bool known = false;
		for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
			known |= !strncasecmp(s, ok[i], strlen(ok[i]));
		if (!known && strspn(s, "0123456789.") != (size_t)(colon - s)) /* host:port is fine */
			return bad_value(in, v, "a link (http, https, ftp, mailto or tel)");
	}
	*out = (struct query_value){.kind = QV_TEXT, .s = s};
	return 0;
}

static int check_address(struct uf_in *in, json_t *v, struct query_value *out)
{
	const char *s;
	if (check_text_common(in, v, &s, UF_ADDRESS_MAX))
		return -1;
	*out = (struct query_value){.kind = QV_TEXT, .s = s};
	return 0;
}

/* An item by its ID; or, for imports, by its VALUE or XML_ID. */
static int check_enum(struct uf_in *in, json_t *v, struct query_value *out)
{
	const char *s = is_scalar(v) ? rest_json_text(in->x->call, v) : NULL;
	if (!s || json_is_boolean(v))
		return bad_value(in, v, "the ID of a list item");
	int64_t id = 0;
	bool numeric = json_is_integer(v) ? (id = json_integer_value(v), true) : parse_i64(s, &id) == 0;
	for (size_t i = 0; i < in->d->n_items; i++) {
		const struct q_crm_uf_item *it = &in->d->items[i];
		if ((numeric && it->id == id) || (!numeric && (!strcmp(it->value, s) || !strcmp(it->xml_id, s)))) {
			*out = (struct query_value){.kind = QV_INT, .i = it->id};
			return 0;
		}
	}
	return crm_fail(in->x, false, "%s: there is no list item with ID '%.80s'", in->d->field_name, s);
}

/* Dates: ISO 8601 or DD.MM.YYYY, as the engine parses them for this field's type. */
static int check_date(struct uf_in *in, json_t *v, struct query_value *out)
{
	const char *s = json_string_value(v);
	bool is_date = in->d->storage == QUF_DATE;
	if (!s)
		return bad_value(in, v, is_date ? "a date (YYYY-MM-DD)" : "a date and time (ISO 8601)");
	char buf[64];
	s = ru_date_iso(s, buf, sizeof buf);
	if (strlen(s) < 10 || !calendar_ok(s))
		return bad_value(in, v, is_date ? "a date (YYYY-MM-DD)" : "a date and time (ISO 8601)");
	struct query_field f = {.name = in->d->field_name, .type = is_date ? QT_DATE : QT_DATETIME};
	json_t *js = json_string(s);
	int rc = js ? rest_value_parse(in->x->call, &f, js, out) : oom(in->x);
	json_decref(js);
	if (rc && in->x->legacy)
		in->x->call->err = ERR_CRM;
	return rc;
}

static int positive_id(struct uf_in *in, json_t *v, int64_t *id, const char *what)
{
	const char *s = is_scalar(v) && !json_is_boolean(v) ? rest_json_text(in->x->call, v) : NULL;
	if (json_is_integer(v))
		*id = json_integer_value(v);
	else if (!s || parse_i64(s, id))
		return bad_value(in, v, what);
	if (*id <= 0)
		return bad_value(in, v, what);
	return 0;
}

static int check_employee(struct uf_in *in, json_t *v, struct query_value *out)
{
	int64_t id;
	if (positive_id(in, v, &id, "a user ID"))
		return -1;
	bool active = false;
	int rc = q_user_flags(in->x->call->st, id, NULL, &active);
	if (rc == STORE_NOTFOUND || (!rc && !active))
		return crm_fail(in->x, false, "%s: user with ID %lld does not exist or has been dismissed",
				in->d->field_name, (long long)id);
	if (rc)
		return crm_fail_store(in->x, rc);
	*out = (struct query_value){.kind = QV_INT, .i = id};
	return 0;
}

static int check_iblock(struct uf_in *in, json_t *v, struct query_value *out)
{
	int64_t id;
	if (positive_id(in, v, &id, "an ID"))
		return -1;
	*out = (struct query_value){.kind = QV_INT, .i = id};
	return 0;
}

static int check_status(struct uf_in *in, json_t *v, struct query_value *out)
{
	const char *s;
	if (check_text_common(in, v, &s, 50))
		return -1;
	char sem;
	const char *list = set_str(in->settings, "ENTITY_TYPE");
	int rc = q_crm_status_semantics(in->x->call->st, list, s, &sem);
	if (rc == STORE_NOTFOUND)
		return crm_fail(in->x, false, "%s: '%.50s' is not a value of the %s list", in->d->field_name, s, list);
	if (rc)
		return crm_fail_store(in->x, rc);
	*out = (struct query_value){.kind = QV_TEXT, .s = s};
	return 0;
}

/* The bindings of a crm field: settings key, value prefix, type. */
static const struct {
	const char *key;
	const char *prefix;
	int type_id;
} crm_binds[] = {
	{"LEAD", "L", CRM_LEAD}, {"DEAL", "D", CRM_DEAL}, {"CONTACT", "C", CRM_CONTACT}, {"COMPANY", "CO", CRM_COMPANY},
};
#define N_BINDS (sizeof crm_binds / sizeof crm_binds[0])

/* "D_12" (several types allowed) or 12 (one type): the item must exist. Stored as Bitrix24 keeps
 * it: the bare ID when one type is allowed, the prefixed form otherwise. */
static int check_crm(struct uf_in *in, json_t *v, struct query_value *out)
{
	const char *s = is_scalar(v) && !json_is_boolean(v) ? rest_json_text(in->x->call, v) : NULL;
	if (!s)
		return bad_value(in, v, "an item such as D_12");
	int allowed = -1, n_allowed = 0;
	for (size_t i = 0; i < N_BINDS; i++)
		if (set_yes(in->settings, crm_binds[i].key))
			allowed = (int)i, n_allowed++;
	int which = -1;
	int64_t id = 0;
	const char *us = strchr(s, '_');
	if (us) {
		for (size_t i = 0; i < N_BINDS; i++)
			if (strlen(crm_binds[i].prefix) == (size_t)(us - s) && !strncasecmp(s, crm_binds[i].prefix, (size_t)(us - s)))
				which = (int)i;
		if (which < 0 || parse_i64(us + 1, &id) || id <= 0)
			return bad_value(in, v, "an item such as D_12");
		if (!set_yes(in->settings, crm_binds[which].key))
			return crm_fail(in->x, false, "%s: items of type %s cannot be bound here", in->d->field_name,
					crm_binds[which].key);
	} else {
		if (json_is_integer(v) ? (id = json_integer_value(v)) <= 0 : (parse_i64(s, &id) || id <= 0))
			return bad_value(in, v, "an item such as D_12");
		if (n_allowed != 1)
			return bad_value(in, v, "an item with its type, such as D_12 or C_5");
		which = allowed;
	}
	bool exists = false;
	int rc = q_crm_item_exists(in->x->call->st, crm_binds[which].type_id, id, &exists);
	if (rc)
		return crm_fail_store(in->x, rc);
	if (!exists)
		return crm_fail(in->x, false, "%s: %s with ID %lld does not exist", in->d->field_name,
				crm_type_by_id(crm_binds[which].type_id)->title_en, (long long)id);
	const char *t = n_allowed == 1 ? arena_printf(in->x->call->arena, "%lld", (long long)id)
				       : arena_printf(in->x->call->arena, "%s_%lld", crm_binds[which].prefix, (long long)id);
	if (!t)
		return oom(in->x);
	*out = (struct query_value){.kind = QV_TEXT, .s = t};
	return 0;
}

static const struct uf_type types[] = {
	{"string", "String", QUF_TEXT, false, check_string},
	{"integer", "Integer", QUF_INT, false, check_integer},
	{"double", "Number", QUF_REAL, false, check_double},
	{"boolean", "Yes/No", QUF_BOOL, true, check_boolean},
	{"enumeration", "List", QUF_INT, false, check_enum},
	{"datetime", "Date/Time", QUF_DATETIME, false, check_date},
	{"date", "Date", QUF_DATE, false, check_date},
	{"money", "Money", QUF_TEXT, false, check_money},
	{"url", "Link", QUF_TEXT, false, check_url},
	{"address", "Address", QUF_TEXT, false, check_address},
	{"file", "File", QUF_FILE, false, NULL},
	{"employee", "Binding to User", QUF_INT, false, check_employee},
	{"crm_status", "Binding to CRM Directories", QUF_TEXT, false, check_status},
	/* Lists (iblocks) come with business processes: until then the IDs are kept unchecked. */
	{"iblock_section", "Binding to Information Block Sections", QUF_INT, false, check_iblock},
	{"iblock_element", "Binding to Information Block Elements", QUF_INT, false, check_iblock},
	{"crm", "Binding to CRM Entities", QUF_TEXT, false, check_crm},
};

static const struct uf_type *type_of(const char *id)
{
	for (size_t i = 0; id && i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(types[i].id, id))
			return &types[i];
	return NULL;
}

/* ---- settings ---- */

enum set_kind {
	S_INT,      /* an integer within [min, max] */
	S_NUM,      /* a number */
	S_STR,      /* text */
	S_YN,       /* Y / N */
	S_CHOICE,   /* one of choices ("A|B|C") */
	S_BOOL01,   /* 0 / 1: ≥ 1 is 1, ≤ 0 is 0 */
	S_DATEDEF,  /* {TYPE: NONE|NOW|FIXED, VALUE} */
	S_LIST,     /* a list of text (file EXTENSIONS) */
};

struct uf_setting {
	const char *type;
	const char *key;
	enum set_kind kind;
	const char *def;
	int64_t min, max;
	const char *choices;
	const char *title;      /* crm.userfield.settings.fields */
};

#define BIG INT64_MAX
static const struct uf_setting settings_table[] = {
	{"string", "SIZE", S_INT, "20", 1, 1000, NULL, "Input field size"},
	{"string", "ROWS", S_INT, "1", 1, 100, NULL, "Rows of the input field"},
	{"string", "REGEXP", S_STR, "", 0, 0, NULL, "Regular expression to check"},
	{"string", "MIN_LENGTH", S_INT, "0", 0, UF_TEXT_MAX, NULL, "Minimum length"},
	{"string", "MAX_LENGTH", S_INT, "0", 0, UF_TEXT_MAX, NULL, "Maximum length"},
	{"string", "DEFAULT_VALUE", S_STR, "", 0, 0, NULL, "Default value"},
	{"integer", "SIZE", S_INT, "20", 1, 1000, NULL, "Input field size"},
	{"integer", "MIN_VALUE", S_INT, "0", -BIG, BIG, NULL, "Minimum value"},
	{"integer", "MAX_VALUE", S_INT, "0", -BIG, BIG, NULL, "Maximum value"},
	{"integer", "DEFAULT_VALUE", S_STR, "", 0, 0, NULL, "Default value"},
	{"double", "PRECISION", S_INT, "2", 0, 12, NULL, "Precision"},
	{"double", "SIZE", S_INT, "20", 1, 1000, NULL, "Input field size"},
	{"double", "MIN_VALUE", S_NUM, "0", 0, 0, NULL, "Minimum value"},
	{"double", "MAX_VALUE", S_NUM, "0", 0, 0, NULL, "Maximum value"},
	{"double", "DEFAULT_VALUE", S_STR, "", 0, 0, NULL, "Default value"},
	{"boolean", "DEFAULT_VALUE", S_BOOL01, "0", 0, 1, NULL, "Default value"},
	{"boolean", "DISPLAY", S_CHOICE, "CHECKBOX", 0, 0, "CHECKBOX|RADIO|DROPDOWN", "Appearance"},
	{"boolean", "LABEL_CHECKBOX", S_STR, "", 0, 0, NULL, "Checkbox label"},
	{"enumeration", "DISPLAY", S_CHOICE, "LIST", 0, 0, "LIST|UI|CHECKBOX|DIALOG", "Appearance"},
	{"enumeration", "LIST_HEIGHT", S_INT, "1", 1, 100, NULL, "List height"},
	{"enumeration", "CAPTION_NO_VALUE", S_STR, "", 0, 0, NULL, "Caption for no value"},
	{"enumeration", "SHOW_NO_VALUE", S_YN, "Y", 0, 0, NULL, "Show the empty value"},
	{"date", "DEFAULT_VALUE", S_DATEDEF, "", 0, 0, NULL, "Default value"},
	{"datetime", "DEFAULT_VALUE", S_DATEDEF, "", 0, 0, NULL, "Default value"},
	{"datetime", "USE_SECOND", S_YN, "Y", 0, 0, NULL, "Use seconds"},
	{"datetime", "USE_TIMEZONE", S_YN, "N", 0, 0, NULL, "Use the time zone"},
	{"money", "DEFAULT_VALUE", S_STR, "", 0, 0, NULL, "Default value"},
	{"url", "POPUP", S_YN, "Y", 0, 0, NULL, "Open in a new window"},
	{"url", "SIZE", S_INT, "20", 1, 1000, NULL, "Input field size"},
	{"url", "MIN_LENGTH", S_INT, "0", 0, UF_URL_MAX, NULL, "Minimum length"},
	{"url", "MAX_LENGTH", S_INT, "0", 0, UF_URL_MAX, NULL, "Maximum length"},
	{"url", "DEFAULT_VALUE", S_STR, "", 0, 0, NULL, "Default value"},
	{"url", "ROWS", S_INT, "1", 1, 100, NULL, "Rows of the input field"},
	{"address", "SHOW_MAP", S_YN, "Y", 0, 0, NULL, "Show the map"},
	{"file", "SIZE", S_INT, "20", 1, 1000, NULL, "Input field size"},
	{"file", "LIST_WIDTH", S_INT, "0", 0, 10000, NULL, "Preview width in lists"},
	{"file", "LIST_HEIGHT", S_INT, "0", 0, 10000, NULL, "Preview height in lists"},
	{"file", "MAX_SHOW_SIZE", S_INT, "0", 0, BIG, NULL, "Largest file shown"},
	{"file", "MAX_ALLOWED_SIZE", S_INT, "0", 0, BIG, NULL, "Largest file accepted, bytes (0: any)"},
	{"file", "EXTENSIONS", S_LIST, "", 0, 0, NULL, "Extensions accepted (empty: any)"},
	{"file", "TARGET_BLANK", S_YN, "Y", 0, 0, NULL, "Open in a new window"},
	{"crm", "LEAD", S_YN, "N", 0, 0, NULL, "Leads"},
	{"crm", "CONTACT", S_YN, "N", 0, 0, NULL, "Contacts"},
	{"crm", "COMPANY", S_YN, "N", 0, 0, NULL, "Companies"},
	{"crm", "DEAL", S_YN, "N", 0, 0, NULL, "Deals"},
	{"crm_status", "ENTITY_TYPE", S_STR, "", 0, 0, NULL, "Reference list"},
	{"iblock_section", "IBLOCK_TYPE_ID", S_STR, "", 0, 0, NULL, "List type"},
	{"iblock_section", "IBLOCK_ID", S_INT, "0", 0, BIG, NULL, "List"},
	{"iblock_section", "DEFAULT_VALUE", S_STR, "", 0, 0, NULL, "Default value"},
	{"iblock_section", "DISPLAY", S_CHOICE, "LIST", 0, 0, "LIST|DIALOG|UI|CHECKBOX", "Appearance"},
	{"iblock_section", "LIST_HEIGHT", S_INT, "5", 1, 100, NULL, "List height"},
	{"iblock_section", "ACTIVE_FILTER", S_YN, "N", 0, 0, NULL, "Active sections only"},
	{"iblock_element", "IBLOCK_TYPE_ID", S_STR, "", 0, 0, NULL, "List type"},
	{"iblock_element", "IBLOCK_ID", S_INT, "0", 0, BIG, NULL, "List"},
	{"iblock_element", "DEFAULT_VALUE", S_STR, "", 0, 0, NULL, "Default value"},
	{"iblock_element", "DISPLAY", S_CHOICE, "LIST", 0, 0, "LIST|DIALOG|UI|CHECKBOX", "Appearance"},
	{"iblock_element", "LIST_HEIGHT", S_INT, "5", 1, 100, NULL, "List height"},
	{"iblock_element", "ACTIVE_FILTER", S_YN, "N", 0, 0, NULL, "Active elements only"},
};
#define N_SETTINGS (sizeof settings_table / sizeof settings_table[0])

static int set_fail(struct crm_ctx *x, const struct uf_setting *s, const char *why)
{
	return crm_fail(x, false, "SETTINGS.%s: %s", s->key, why);
}

static bool choice_ok(const char *choices, const char *v)
{
	size_t n = strlen(v);
	for (const char *p = choices; p && *p;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && !strncmp(p, v, n))
			return true;
		p = bar ? bar + 1 : NULL;
	}
	return false;
}

/* A date field's DEFAULT_VALUE: {TYPE, VALUE}; a bare date stands for FIXED. */
static int set_datedef(struct crm_ctx *x, const struct uf_setting *s, const char *type_id, json_t *v, json_t **out)
{
	const char *t = "NONE", *val = "";
	if (json_is_string(v) && *json_string_value(v)) {
		t = "FIXED";
		val = json_string_value(v);
	} else if (json_is_object(v)) {
		json_t *jt = rest_field_ci(v, "TYPE"), *jv = rest_field_ci(v, "VALUE");
		t = json_is_string(jt) && *json_string_value(jt) ? json_string_value(jt) : "NONE";
		val = json_is_string(jv) ? json_string_value(jv) : "";
	} else if (v && !is_empty(v)) {
		return set_fail(x, s, "expected {TYPE: NONE|NOW|FIXED, VALUE}");
	}
	char up[8];
	snprintf(up, sizeof up, "%s", t);
	for (char *p = up; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (!choice_ok("NONE|NOW|FIXED", up))
		return set_fail(x, s, "TYPE must be NONE, NOW or FIXED");
	if (!strcmp(up, "FIXED")) {
		char buf[64];
		const char *iso = ru_date_iso(val, buf, sizeof buf);
		time_t tt;
		if (strlen(iso) < 10 || !calendar_ok(iso) || parse_iso8601(iso, &tt))
			return set_fail(x, s, strcmp(type_id, "date") ? "VALUE must be a date and time" : "VALUE must be a date");
	} else {
		val = "";
	}
	*out = json_pack("{s:s,s:s}", "TYPE", up, "VALUE", val);
	return *out ? 0 : oom(x);
}

/* File EXTENSIONS: a list, "jpg, png", or {jpg: …} as Bitrix24 stores it; lower case, no dots. */
static int set_list(struct crm_ctx *x, const struct uf_setting *s, json_t *v, json_t **out)
{
	json_t *list = json_array();
	json_t *src = NULL;
	if (json_is_string(v))
		src = own(x, json_pack("[s]", json_string_value(v)));
	else if (json_is_array(v))
		src = v;
	else if (json_is_object(v)) {
		src = own(x, json_array());
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e) json_array_append_new(src, json_string(k));
	} else if (v && !is_empty(v)) {
		json_decref(list);
		return set_fail(x, s, "expected a list of extensions");
	}
	size_t i;
	json_t *e;
	json_array_foreach(src, i, e)
	{
		const char *t = json_string_value(e);
		for (const char *p = t; p && *p;) {
			while (*p == ' ' || *p == ',' || *p == '.')
				p++;
			size_t n = strcspn(p, " ,");
			if (n && n < 16) {
				char ext[16];
				snprintf(ext, sizeof ext, "%.*s", (int)n, p);
				for (char *c = ext; *c; c++)
					*c = (char)tolower((unsigned char)*c);
				json_array_append_new(list, json_string(ext));
			}
			p += n;
		}
	}
	*out = list;
	return 0;
}

/* One setting: given (the client's), else current (stored), else the default. */
static int set_one(struct crm_ctx *x, const struct uf_setting *s, const char *type_id, json_t *v, json_t **out)
{
	*out = NULL;
	if (!v) {
		switch (s->kind) {
		case S_INT:
		case S_BOOL01: {
			int64_t i = 0;
			parse_i64(s->def, &i);
			*out = json_integer(i);
			return 0;
		}
		case S_NUM:
			*out = json_real(0);
			return 0;
		case S_DATEDEF:
			return set_datedef(x, s, type_id, NULL, out);
		case S_LIST:
			*out = json_array();
			return 0;
		default:
			*out = json_string(s->def);
			return 0;
		}
	}
	switch (s->kind) {
	case S_INT: {
		int64_t i;
		const char *t = is_scalar(v) ? rest_json_text(x->call, v) : NULL;
		if (json_is_integer(v))
			i = json_integer_value(v);
		else if (is_empty(v))
			parse_i64(s->def, &i);
		else if (!t || json_is_boolean(v) || parse_i64(t, &i))
			return set_fail(x, s, "expected an integer");
		if (i < s->min || i > s->max)
			return set_fail(x, s, "out of range");
		*out = json_integer(i);
		return 0;
	}
	case S_BOOL01: {
		int b = rest_json_bool(v);
		int64_t i;
		if (b < 0 && json_is_string(v) && !parse_i64(json_string_value(v), &i))
			b = i >= 1;
		if (b < 0)
			return set_fail(x, s, "expected 1 or 0");
		*out = json_integer(b);
		return 0;
	}
	case S_NUM: {
		double d = 0;
		if (!is_empty(v) && (json_is_boolean(v) || number_of(x, v, &d)))
			return set_fail(x, s, "expected a number");
		*out = json_real(d);
		return 0;
	}
	case S_YN: {
		int b = is_empty(v) ? !strcmp(s->def, "Y") : rest_json_bool(v);
		if (b < 0)
			return set_fail(x, s, "expected Y or N");
		*out = json_string(b ? "Y" : "N");
		return 0;
	}
	case S_CHOICE: {
		const char *t = json_string_value(v);
		char up[32];
		snprintf(up, sizeof up, "%s", t && *t ? t : s->def);
		for (char *p = up; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if (!choice_ok(s->choices, up))
			return set_fail(x, s, s->choices);
		*out = json_string(up);
		return 0;
	}
	case S_DATEDEF:
		return set_datedef(x, s, type_id, v, out);
	case S_LIST:
		return set_list(x, s, v, out);
	case S_STR: {
		const char *t = is_empty(v) ? "" : is_scalar(v) ? rest_json_text(x->call, v) : NULL;
		if (!t)
			return set_fail(x, s, "expected text");
		if (strlen(t) > 1024)
			return set_fail(x, s, "too long");
		*out = json_string(t);
		return 0;
	}
	}
	return set_fail(x, s, "unknown");
}

/* The SETTINGS of a definition of type t: given (the client's object, may be NULL) over current
 * (the stored ones, NULL on add) over the defaults; checked, normalized. *out is owned by the
 * call. */
static int settings_norm(struct crm_ctx *x, const struct uf_type *t, json_t *given, json_t *current, json_t **out)
{
	if (given && !json_is_object(given) && !is_empty(given))
		return crm_fail(x, false, "SETTINGS must be an object");
	json_t *o = own(x, json_object());
	if (!o)
		return oom(x);
	for (size_t i = 0; i < N_SETTINGS; i++) {
		const struct uf_setting *s = &settings_table[i];
		if (strcmp(s->type, t->id))
			continue;
		json_t *v = json_is_object(given) ? rest_field_ci(given, s->key) : NULL;
		if (!v && current)
			v = json_object_get(current, s->key);
		json_t *nv;
		if (set_one(x, s, t->id, v, &nv))
			return -1;
		if (!nv || json_object_set_new(o, s->key, nv))
			return oom(x);
	}
	if (!strcmp(t->id, "crm")) { /* none chosen: leads, as Bitrix24 does */
		bool any = false;
		for (size_t i = 0; i < N_BINDS; i++)
			any |= set_yes(o, crm_binds[i].key);
		if (!any)
			json_object_set_new(o, "LEAD", json_string("Y"));
	}
	if (!strcmp(t->id, "string")) {
		int64_t min = set_int(o, "MIN_LENGTH"), max = set_int(o, "MAX_LENGTH");
		if (max > 0 && min > max)
			return crm_fail(x, false, "SETTINGS.MIN_LENGTH is greater than SETTINGS.MAX_LENGTH");
		regex_t rx;
		const char *re = set_str(o, "REGEXP");
		locale_t old = utf8_use();
		int bad_re = *re && regexp_compile(re, &rx);
		if (*re && !bad_re)
			regfree(&rx);
		utf8_done(old);
		if (bad_re)
			return crm_fail(x, false, "SETTINGS.REGEXP: '%.100s' is not a regular expression", re);
	}
	if (!strcmp(t->id, "crm_status")) {
		const char *list = set_str(o, "ENTITY_TYPE");
		struct q_crm_status_summary sum;
		int rc = *list ? q_crm_status_summary(x->call->st, list, &sum) : STORE_NOTFOUND;
		if (rc && rc != STORE_NOTFOUND)
			return crm_fail_store(x, rc);
		if (rc || !sum.start_id[0])
			return crm_fail(x, false, "SETTINGS.ENTITY_TYPE: '%.50s' is not a reference list", list);
	}
	*out = o;
	return 0;
}

/* ---- a field's definition behind a descriptor field ---- */

static const struct q_crm_uf_def *def_of(struct crm_ctx *x, const struct query_field *f)
{
	return q_crm_uf_cached(x->t->id, f->name);
}

static const struct query_field *field_of(int type_id, const char *name)
{
	const struct query_entity *e = q_crm_item_entity(type_id);
	return e ? query_field_find(e, name) : NULL;
}

static int in_init(struct crm_ctx *x, const struct q_crm_uf_def *d, struct uf_in *in)
{
	in->x = x;
	in->d = d;
	in->settings = parse_obj(x, d->settings);
	return in->settings ? 0 : oom(x);
}

/* ---- files ---- */

/* The decoded size of base64 text, checking that it is base64. -1: not. */
static int64_t b64_size(struct crm_ctx *x, const char *b64)
{
	size_t len = strlen(b64);
	unsigned char *bin = arena_alloc(x->call->arena, len / 4 * 3 + 4);
	if (!bin)
		return -2;
	size_t got = 0;
	/* Padding is optional in what clients send: try the padded alphabet, then the bare one. */
	if (sodium_base642bin(bin, len / 4 * 3 + 4, b64, len, B64_SPACE, &got, NULL, sodium_base64_VARIANT_ORIGINAL) &&
	    sodium_base642bin(bin, len / 4 * 3 + 4, b64, len, B64_SPACE, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL_NO_PADDING))
		return -1;
	return (int64_t)got;
}

static bool ext_ok(json_t *exts, const char *name)
{
	if (json_array_size(exts) == 0)
		return true;
	const char *dot = strrchr(name, '.');
	size_t i;
	json_t *e;
	json_array_foreach(exts, i, e) if (dot && !strcasecmp(dot + 1, json_string_value(e))) return true;
	return false;
}

/* A new upload ["name", "base64"]: checked, its row made; appended to list as {id}. */
static int file_upload(struct uf_in *in, json_t *pair, json_t *list)
{
	struct crm_ctx *x = in->x;
	const char *name = json_string_value(json_array_get(pair, 0));
	const char *b64 = json_string_value(json_array_get(pair, 1));
	if (json_array_size(pair) != 2 || !name || !b64)
		return crm_fail(x, false, "%s: a file is {\"fileData\": [\"name\", \"base64 content\"]}", in->d->field_name);
	const char *slash = strrchr(name, '/'), *bslash = strrchr(name, '\\');
	if (slash || bslash)
		name = (slash > bslash ? slash : bslash) + 1;
	if (!*name || strlen(name) > UF_FILE_NAME_MAX)
		return crm_fail(x, false, "%s: a file needs a name of at most %d bytes", in->d->field_name, UF_FILE_NAME_MAX);
	int64_t size = b64_size(x, b64);
	if (size == -2)
		return oom(x);
	if (size < 0)
		return crm_fail(x, false, "%s: the content of '%.100s' is not valid base64", in->d->field_name, name);
	int64_t max = set_int(in->settings, "MAX_ALLOWED_SIZE");
	if (max > 0 && size > max)
		return crm_fail(x, false, "%s: the file '%.100s' is %lld bytes, over the limit of %lld bytes",
				in->d->field_name, name, (long long)size, (long long)max);
	if (!ext_ok(json_object_get(in->settings, "EXTENSIONS"), name))
		return crm_fail(x, false, "%s: files of this type are not accepted ('%.100s')", in->d->field_name, name);
	char now[32];
	db_time_utc(time(NULL), now, sizeof now);
	int64_t id;
	int rc = q_crm_uf_file_add(x->call->st, name, size, now, &id);
	if (rc)
		return crm_fail_store(x, rc);
	return json_array_append_new(list, json_pack("{s:I,s:b}", "id", (json_int_t)id, "kept", 0)) ? oom(x) : 0;
}

/* ["name", "base64"] given alone rather than a list of them. */
static bool single_pair(json_t *v)
{
	int64_t n;
	const char *first = json_string_value(json_array_get(v, 0));
	return json_array_size(v) == 2 && first && json_is_string(json_array_get(v, 1)) && parse_i64(first, &n) != 0;
}

/* One file value: an upload ({fileData: […]} or […]), a file the item has ({id} or an ID) which
 * stays, or {id, remove: Y} / {id, del: Y} which goes (it is left out). */
static int file_value(struct uf_in *in, json_t *e, json_t *list)
{
	if (json_is_object(e) && rest_field_ci(e, "fileData"))
		return file_upload(in, rest_field_ci(e, "fileData"), list);
	if (json_is_array(e))
		return file_upload(in, e, list);
	json_t *jid = json_is_object(e) ? rest_field_ci(e, "id") : e;
	int64_t id;
	const char *s = is_scalar(jid) ? rest_json_text(in->x->call, jid) : NULL;
	if (!s || parse_i64(s, &id) || id <= 0)
		return crm_fail(in->x, false, "%s: a file is {\"fileData\": [\"name\", \"base64 content\"]}",
				in->d->field_name);
	if (json_is_object(e)) {
		json_t *rm = rest_field_ci(e, "remove");
		if (!rm)
			rm = rest_field_ci(e, "del");
		if (rm && rest_json_bool(rm) == 1)
			return 0;
	}
	return json_array_append_new(list, json_pack("{s:I,s:b}", "id", (json_int_t)id, "kept", 1)) ? oom(in->x) : 0;
}

/* ---- values in: the hooks of the write path ---- */

/* The list of a multiple (or side-kept) field's values: a list, PHP's {"0": …}, or one value. */
static json_t *as_list(struct crm_ctx *x, const struct q_crm_uf_def *d, json_t *v)
{
	if (is_empty(v))
		return own(x, json_array());
	if (d->storage == QUF_FILE && (single_pair(v) || (json_is_object(v) && rest_field_ci(v, "fileData")) ||
				       (json_is_object(v) && rest_field_ci(v, "id"))))
		return own(x, json_pack("[O]", v));
	if (json_is_array(v))
		return v;
	if (json_is_object(v)) {
		json_t *arr = own(x, json_array());
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e) json_array_append(arr, e);
		return arr;
	}
	return own(x, json_pack("[O]", v));
}

static json_t *value_json(const struct query_value *v)
{
	switch (v->kind) {
	case QV_INT:
		return json_integer(v->i);
	case QV_DOUBLE:
		return json_real(v->d);
	case QV_TEXT:
		return json_string(v->s);
	default:
		return json_null();
	}
}

static int required_empty(struct crm_ctx *x, const struct q_crm_uf_def *d)
{
	return crm_fail(x, false, "Required field %s is empty", d->field_name);
}

static int side_values(struct uf_in *in, json_t *v, json_t **multi)
{
	struct crm_ctx *x = in->x;
	const struct q_crm_uf_def *d = in->d;
	const struct uf_type *t = type_of(d->user_type_id);
	json_t *list = as_list(x, d, v);
	if (!list)
		return oom(x);
	if (json_array_size(list) > UF_VALUES_MAX)
		return crm_fail(x, false, "%s: at most %d values", d->field_name, UF_VALUES_MAX);
	if (!d->multiple && json_array_size(list) > 1)
		return crm_fail(x, false, "%s takes one value, not a list", d->field_name);
	json_t *out = own(x, json_array());
	if (!out)
		return oom(x);
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		if (is_empty(e))
			continue;
		if (d->storage == QUF_FILE) {
			if (file_value(in, e, out))
				return -1;
			continue;
		}
		struct query_value qv;
		if (!t || t->check(in, e, &qv))
			return t ? -1 : crm_fail(x, false, "%s: unknown type", d->field_name);
		if (qv.kind != QV_NULL && json_array_append_new(out, value_json(&qv)))
			return oom(x);
	}
	if (d->mandatory && json_array_size(out) == 0)
		return required_empty(x, d);
	*multi = out;
	return 0;
}

int crm_uf_value(struct crm_ctx *x, const struct query_field *f, json_t *v, struct query_value *out, json_t **multi)
{
	*multi = NULL;
	*out = (struct query_value){.kind = QV_NULL};
	const struct q_crm_uf_def *d = def_of(x, f);
	const struct uf_type *t = d ? type_of(d->user_type_id) : NULL;
	if (!d || !t)
		return crm_fail(x, false, "%s: no such custom field", f->name);
	struct uf_in in;
	if (in_init(x, d, &in))
		return -1;
	if (d->side)
		return side_values(&in, v, multi);
	if (json_is_array(v) && json_array_size(v) == 1) /* [x] for a single value, as forms send it */
		v = json_array_get(v, 0);
	if (json_is_array(v) || json_is_object(v)) {
		if (!is_empty(v))
			return crm_fail(x, false, "%s takes one value, not a list", d->field_name);
		v = NULL;
	}
	if (d->storage == QUF_BOOL && is_empty(v)) { /* a yes/no field is never empty: no means 0 */
		*out = (struct query_value){.kind = QV_INT, .i = 0};
		return 0;
	}
	if (is_empty(v))
		return d->mandatory ? required_empty(x, d) : 0;
	if (t->check(&in, v, out))
		return -1;
	if (out->kind == QV_NULL && d->mandatory)
		return required_empty(x, d);
	return 0;
}

/* The values of a side field in a JSON list (from side_values, or the defaults) stored. */
static int save_side(struct crm_ctx *x, int64_t id, const struct q_crm_uf_def *d, json_t *values)
{
	struct store *st = x->call->st;
	size_t n = json_array_size(values);
	struct query_value *qv = arena_alloc(x->call->arena, (n ? n : 1) * sizeof *qv);
	int64_t *keep = arena_alloc(x->call->arena, (n ? n : 1) * sizeof *keep);
	if (!qv || !keep)
		return oom(x);
	size_t i;
	json_t *e;
	json_array_foreach(values, i, e)
	{
		if (d->storage == QUF_FILE) {
			int64_t fid = json_integer_value(json_object_get(e, "id"));
			if (json_is_true(json_object_get(e, "kept"))) {
				bool owned;
				int rc = q_crm_uf_file_owned(st, d, id, fid, &owned);
				if (rc)
					return crm_fail_store(x, rc);
				if (!owned)
					return crm_fail(x, false, "%s: file %lld is not a value of this field",
							d->field_name, (long long)fid);
			}
			keep[i] = fid;
			qv[i] = (struct query_value){.kind = QV_INT, .i = fid};
		} else if (json_is_integer(e)) {
			qv[i] = (struct query_value){.kind = QV_INT, .i = json_integer_value(e)};
		} else if (json_is_real(e)) {
			qv[i] = (struct query_value){.kind = QV_DOUBLE, .d = json_real_value(e)};
		} else {
			qv[i] = (struct query_value){.kind = QV_TEXT, .s = json_string_value(e) ? json_string_value(e) : ""};
		}
	}
	int rc = d->storage == QUF_FILE ? q_crm_uf_files_prune(st, d, id, keep, n) : STORE_OK;
	if (!rc)
		rc = q_crm_uf_values_set(st, d, id, qv, n);
	return rc ? crm_fail_store(x, rc) : 0;
}

int crm_uf_save_multi(struct crm_ctx *x, int64_t id, const struct query_field *f, json_t *values)
{
	const struct q_crm_uf_def *d = def_of(x, f);
	if (!d)
		return crm_fail(x, false, "%s: no such custom field", f->name);
	return save_side(x, id, d, values);
}

/* ---- defaults ---- */

/* Default values of multiple fields wait here for the new item's id: the write path calls
 * crm_uf_defaults before the row exists and offers no later hook for values kept beside the row,
 * so they are stored when the new item is first read back (crm_uf_read_multi, in the same
 * transaction). The guards make a stale entry harmless: the same call and context, the same type,
 * and an id above the highest one of the type when the defaults were made. Dropped at the start
 * of every REST call. */
static _Thread_local struct uf_stash {
	const struct crm_ctx *x;
	const struct rest_call *call;
	int type_id;
	int64_t above_id;
	size_t n;
	struct {
		const struct q_crm_uf_def *d;
		json_t *values; /* owned by the call */
	} e[Q_CRM_UF_PER_TYPE];
} stash;

/* The default of field d: 1 and the values in *list (a JSON list owned by the call, one value for a
 * single field); 0 when it has none; -1 when the call failed. */
static int default_of(struct crm_ctx *x, const struct q_crm_uf_def *d, json_t **list)
{
	struct uf_in in;
	if (in_init(x, d, &in))
		return -1;
	const struct uf_type *t = type_of(d->user_type_id);
	json_t *out = own(x, json_array());
	if (!t || !out)
		return t ? oom(x) : 0;
	*list = out;
	if (!strcmp(t->id, "enumeration")) {
		for (size_t i = 0; i < d->n_items; i++)
			if (d->items[i].def && (d->multiple || json_array_size(out) == 0))
				json_array_append_new(out, json_integer(d->items[i].id));
		return json_array_size(out) > 0;
	}
	json_t *dv = json_object_get(in.settings, "DEFAULT_VALUE");
	struct query_value qv = {.kind = QV_NULL};
	if (d->storage == QUF_DATE || d->storage == QUF_DATETIME) {
		const char *type = set_str(dv, "TYPE");
		char buf[32];
		time_t now = time(NULL);
		if (!strcmp(type, "NOW") && d->storage == QUF_DATE) {
			struct tm tm;
			localtime_r(&now, &tm);
			strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
			qv = (struct query_value){.kind = QV_TEXT, .s = arena_strdup(x->call->arena, buf)};
		} else if (!strcmp(type, "NOW")) {
			db_time_utc(now, buf, sizeof buf);
			qv = (struct query_value){.kind = QV_TEXT, .s = arena_strdup(x->call->arena, buf)};
		} else if (!strcmp(type, "FIXED")) {
			if (check_date(&in, json_object_get(dv, "VALUE"), &qv))
				return -1;
		}
		if (qv.kind == QV_TEXT && !qv.s)
			return oom(x);
	} else if (d->storage == QUF_BOOL) {
		qv = (struct query_value){.kind = QV_INT, .i = set_int(in.settings, "DEFAULT_VALUE") != 0};
	} else if (dv && !is_empty(dv) && t->check) {
		if (t->check(&in, dv, &qv))
			return -1;
	}
	if (qv.kind == QV_NULL)
		return 0;
	json_array_append_new(out, value_json(&qv));
	return 1;
}

int crm_uf_defaults(struct crm_ctx *x, json_t *fields,
		    int (*put)(void *w, const struct query_field *f, struct query_value v), void *w)
{
	stash.n = 0;
	stash.x = NULL;
	size_t n;
	const struct q_crm_uf_def *defs = q_crm_uf_cached_all(x->t->id, &n);
	for (size_t i = 0; i < n; i++) {
		const struct q_crm_uf_def *d = &defs[i];
		const struct query_field *f = field_of(x->t->id, d->field_name);
		if (!f || (json_is_object(fields) && rest_field_ci(fields, d->field_name)))
			continue;
		json_t *list;
		int r = default_of(x, d, &list);
		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		if (!d->side) {
			json_t *e = json_array_get(list, 0);
			struct query_value qv = json_is_integer(e)  ? (struct query_value){.kind = QV_INT, .i = json_integer_value(e)}
						: json_is_real(e) ? (struct query_value){.kind = QV_DOUBLE, .d = json_real_value(e)}
								  : (struct query_value){.kind = QV_TEXT, .s = json_string_value(e)};
			if (put(w, f, qv))
				return -1;
			continue;
		}
		if (stash.n == 0) {
			int rc = q_crm_uf_max_item_id(x->call->st, x->t->id, &stash.above_id);
			if (rc)
				return crm_fail_store(x, rc);
		}
		stash.e[stash.n].d = d;
		stash.e[stash.n++].values = list;
	}
	if (stash.n) {
		stash.x = x;
		stash.call = x->call;
		stash.type_id = x->t->id;
	}
	return 0;
}

bool crm_uf_required(int type_id, const struct query_field *f)
{
	const struct q_crm_uf_def *d = q_crm_uf_cached(type_id, f->name);
	if (!d || !d->mandatory || d->storage == QUF_BOOL)
		return false;
	/* A mandatory field with a default is filled by it (crm_uf_defaults), not refused. */
	if (!strcmp(d->user_type_id, "enumeration")) {
		for (size_t i = 0; i < d->n_items; i++)
			if (d->items[i].def)
				return false;
		return true;
	}
	json_t *s = json_loads(d->settings, 0, NULL);
	json_t *dv = json_object_get(s, "DEFAULT_VALUE");
	bool has = json_is_object(dv) ? strcmp(set_str(dv, "TYPE"), "NONE") != 0 : !is_empty(dv);
	json_decref(s);
	return !has;
}

/* ---- values out ---- */

static json_t *file_json(const struct q_crm_uf_value *v)
{
	/* No file store yet: the name and size that were uploaded, and no URLs to fetch them. */
	return json_pack("{s:I,s:s,s:I,s:s,s:s}", "id", (json_int_t)v->i, "name", v->file_name ? v->file_name : "",
			 "size", (json_int_t)v->file_size, "showUrl", "", "downloadUrl", "");
}

/* One side value as the legacy methods show it (as the columns show theirs). */
static json_t *side_json(struct crm_ctx *x, const struct q_crm_uf_def *d, const struct q_crm_uf_value *v)
{
	char tmp[64];
	switch (d->storage) {
	case QUF_INT:
	case QUF_BOOL:
		snprintf(tmp, sizeof tmp, "%lld", (long long)v->i);
		return json_string(tmp);
	case QUF_REAL:
		snprintf(tmp, sizeof tmp, "%.2f", v->d);
		return json_string(tmp);
	case QUF_DATE:
	case QUF_DATETIME: {
		const char *iso = rest_db_time_iso(x->call, v->s);
		return json_string(iso ? iso : "");
	}
	case QUF_FILE:
		return file_json(v);
	default:
		return json_string(v->s);
	}
}

int crm_uf_read_multi(struct crm_ctx *x, struct query *q, int64_t id, json_t *row)
{
	int type = x->t->id;
	if (stash.n && stash.x == x && stash.call == x->call && stash.type_id == type && id > stash.above_id) {
		size_t n = stash.n;
		stash.n = 0;
		for (size_t i = 0; i < n; i++)
			if (save_side(x, id, stash.e[i].d, stash.e[i].values))
				return -1;
	}
	size_t n;
	const struct q_crm_uf_def *defs = q_crm_uf_cached_all(type, &n);
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		const struct query_field *f = defs[i].side ? field_of(type, defs[i].field_name) : NULL;
		any |= f && (!q || query_selects(q, f));
	}
	if (!any)
		return 0;
	struct q_crm_uf_value *vals;
	size_t nv;
	int rc = q_crm_uf_values_of(x->call->st, x->call->arena, type, id, &vals, &nv);
	if (rc)
		return crm_fail_store(x, rc);
	for (size_t i = 0; i < n; i++) {
		const struct q_crm_uf_def *d = &defs[i];
		const struct query_field *f = d->side ? field_of(type, d->field_name) : NULL;
		if (!f || (q && !query_selects(q, f)))
			continue;
		json_t *out = d->multiple ? json_array() : json_null();
		for (size_t k = 0; k < nv; k++) {
			if (vals[k].field_id != d->id || vals[k].is_null)
				continue;
			json_t *e = side_json(x, d, &vals[k]);
			if (d->multiple) {
				json_array_append_new(out, e);
			} else {
				json_decref(out);
				out = e;
			}
		}
		json_object_set_new(row, d->field_name, out);
	}
	return 0;
}

/* A label in the portal's languages, Russian first; "" when none. */
static const char *label_text(json_t *labels, const char *key)
{
	json_t *m = json_object_get(labels, key);
	static const char *const order[] = {"ru", "en"};
	for (size_t i = 0; i < 2; i++) {
		const char *s = json_string_value(json_object_get(m, order[i]));
		if (s && *s)
			return s;
	}
	const char *k;
	json_t *v;
	json_object_foreach(m, k, v) if (json_string_value(v) && *json_string_value(v)) return json_string_value(v);
	return "";
}

json_t *crm_uf_describe(struct crm_ctx *x, const struct query_field *f)
{
	const struct q_crm_uf_def *d = def_of(x, f);
	if (!d)
		return json_pack("{s:s,s:b,s:b,s:b,s:b,s:b,s:s}", "type", "string", "isRequired", 0, "isReadOnly", 0,
				 "isImmutable", 0, "isMultiple", 0, "isDynamic", 1, "title", f->name);
	json_t *labels = parse_obj(x, d->labels);
	json_t *settings = parse_obj(x, d->settings);
	const char *form = label_text(labels, "EDIT_FORM_LABEL");
	const char *list = label_text(labels, "LIST_COLUMN_LABEL");
	const char *filter = label_text(labels, "LIST_FILTER_LABEL");
	json_t *o = json_pack("{s:s,s:b,s:b,s:b,s:b,s:b,s:s,s:s,s:s,s:s,s:O}", "type", d->user_type_id, "isRequired",
			      d->mandatory, "isReadOnly", 0, "isImmutable", 0, "isMultiple", d->multiple, "isDynamic", 1,
			      "title", d->field_name, "listLabel", *list ? list : *form ? form : d->field_name, "formLabel",
			      *form ? form : d->field_name, "filterLabel", *filter ? filter : *form ? form : d->field_name,
			      "settings", settings ? settings : json_object());
	if (o && !strcmp(d->user_type_id, "enumeration")) {
		json_t *items = json_array();
		for (size_t i = 0; i < d->n_items; i++) {
			char id[24];
			snprintf(id, sizeof id, "%lld", (long long)d->items[i].id);
			json_array_append_new(items, json_pack("{s:s,s:s}", "ID", id, "VALUE", d->items[i].value));
		}
		json_object_set_new(o, "items", items);
	}
	return o;
}

/* ---- crm.item ---- */

static json_t *typed_one(const struct query_field *f, json_t *v)
{
	double dd;
	int64_t i;
	if (json_is_object(v) || json_is_null(v))
		return json_incref(v);
	switch (f->type) {
	case QT_INT:
		if (json_is_integer(v))
			return json_incref(v);
		return json_is_string(v) && !parse_i64(json_string_value(v), &i) ? json_integer(i) : json_null();
	case QT_DOUBLE:
		if (json_is_number(v))
			dd = json_number_value(v);
		else if (!json_is_string(v) || parse_double(json_string_value(v), &dd))
			return json_null();
		return dd == floor(dd) && fabs(dd) < 1e15 ? json_integer((json_int_t)dd) : json_real(dd);
	case QT_BOOL:
		return json_string(json_is_true(v) || (json_is_string(v) && !strcmp(json_string_value(v), "1")) ? "Y" : "N");
	case QT_DATE:
	case QT_DATETIME:
		return json_is_string(v) && !*json_string_value(v) ? json_null() : json_incref(v);
	default:
		return json_incref(v);
	}
}

json_t *crm_uf_item_json(const struct query_field *f, json_t *v)
{
	if (!json_is_array(v))
		return typed_one(f, v);
	json_t *out = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e) json_array_append_new(out, typed_one(f, e));
	return out;
}

/* Bitrix24 camel-cases only names it can decode back: letters and underscores alone, or
 * UF_CRM_{1-4 digits}_ followed by digits and underscores or by letters and underscores. */
static bool camel_plain(const char *name)
{
	if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == strlen(name))
		return true;
	if (strncmp(name, "UF_CRM_", 7))
		return false;
	const char *p = name + 7;
	size_t nd = strspn(p, "0123456789");
	if (nd < 1 || nd > 4 || p[nd] != '_' || !p[nd + 1])
		return false;
	p += nd + 1;
	size_t len = strlen(p);
	return strspn(p, "0123456789_") == len || strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == len;
}

const char *crm_uf_camel(const char *name, char *buf, size_t n)
{
	if (!n)
		return buf;
	size_t o = 0;
	if (!camel_plain(name)) {
		const char *head = !strncmp(name, "UF_CRM_", 7) ? "ufCrm_" : !strncmp(name, "UF_CRM", 6) ? "ufCrm" : "uf";
		size_t skip = !strncmp(name, "UF_CRM_", 7) ? 7 : !strncmp(name, "UF_CRM", 6) ? 6 : 3;
		snprintf(buf, n, "%s%s", head, strlen(name) >= skip ? name + skip : "");
		return buf;
	}
	bool up = false;
	for (size_t i = 0; name[i] && o + 1 < n; i++) {
		char c = name[i];
		/* an underscore between two digits stays: UF_CRM_2_163 → ufCrm2_163 */
		if (c == '_' && i > 0 && isdigit((unsigned char)name[i - 1]) && isdigit((unsigned char)name[i + 1])) {
			buf[o++] = '_';
			continue;
		}
		if (c == '_') {
			up = true;
			continue;
		}
		char out = up && o > 0 ? (char)toupper((unsigned char)c) : (char)tolower((unsigned char)c);
		buf[o++] = out;
		up = false;
	}
	buf[o] = 0;
	return buf;
}

/* a and b equal ignoring ASCII case and underscores */
static bool loose_eq(const char *a, const char *b)
{
	for (;;) {
		while (*a == '_')
			a++;
		while (*b == '_')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		a++, b++;
	}
}

bool crm_uf_name_matches(const char *field_name, const char *input)
{
	char camel[Q_CRM_UF_NAME_MAX + 8];
	crm_uf_camel(field_name, camel, sizeof camel);
	return !strcasecmp(camel, input) || (!strncasecmp(input, "uf", 2) && loose_eq(camel, input));
}

/* ---- the start of a call ---- */

void crm_uf_call_begin(struct rest_call *call)
{
	stash.n = 0;
	stash.x = NULL;
	stash.call = NULL;
	if (call->st)
		q_crm_uf_refresh(call->st, call->arena);
}

/* ---- definitions ---- */

static const char *const label_keys[] = {"EDIT_FORM_LABEL", "LIST_COLUMN_LABEL", "LIST_FILTER_LABEL", "ERROR_MESSAGE",
					 "HELP_MESSAGE"};
#define N_LABELS (sizeof label_keys / sizeof label_keys[0])
static const char *const portal_langs[] = {"ru", "en"};

static bool lang_ok(const char *k)
{
	size_t n = strlen(k);
	if (n < 2 || n > 5)
		return false;
	for (const char *p = k; *p; p++)
		if (!islower((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

/* One label: a string for every language, or a {lang: text} map; missing portal languages take
 * fill. */
static int label_one(struct crm_ctx *x, const char *key, json_t *v, const char *fill, json_t **out)
{
	json_t *m = json_object();
	if (!m)
		return oom(x);
	if (!v || is_scalar(v) || json_is_null(v)) {
		const char *s = !v || json_is_null(v) ? "" : rest_json_text(x->call, v);
		if (!s || strlen(s) > UF_LABEL_MAX) {
			json_decref(m);
			return s ? crm_fail(x, false, "%s is longer than %d bytes", key, UF_LABEL_MAX) : oom(x);
		}
		for (size_t i = 0; i < 2; i++)
			json_object_set_new(m, portal_langs[i], json_string(s));
	} else if (json_is_object(v)) {
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e)
		{
			const char *s = is_scalar(e) ? rest_json_text(x->call, e) : json_is_null(e) ? "" : NULL;
			if (!lang_ok(k) || !s || strlen(s) > UF_LABEL_MAX) {
				json_decref(m);
				return crm_fail(x, false, "%s: expected text or {language: text} of at most %d bytes", key,
						UF_LABEL_MAX);
			}
			json_object_set_new(m, k, json_string(s));
		}
		for (size_t i = 0; i < 2; i++)
			if (!json_object_get(m, portal_langs[i]))
				json_object_set_new(m, portal_langs[i], json_string(fill));
	} else {
		json_decref(m);
		return crm_fail(x, false, "%s: expected text or {language: text}", key);
	}
	*out = m;
	return 0;
}

/* The labels of a definition: the five keys given, else current (update), else LABEL (add; on
 * update LABEL fills the three titles not given). Bitrix24 fills every label from LABEL on add. */
static int labels_norm(struct crm_ctx *x, json_t *fields, json_t *current, bool is_add, const char **out)
{
	json_t *o = own(x, json_object());
	json_t *jl = rest_field_ci(fields, "LABEL");
	const char *label = is_scalar(jl) ? rest_json_text(x->call, jl) : "";
	if (!o || !label)
		return oom(x);
	for (size_t i = 0; i < N_LABELS; i++) {
		json_t *v = rest_field_ci(fields, label_keys[i]);
		json_t *m;
		if (v) {
			if (label_one(x, label_keys[i], v, is_add ? label : "", &m))
				return -1;
		} else if (!is_add && json_object_get(current, label_keys[i]) && !(jl && i < 3)) {
			m = json_incref(json_object_get(current, label_keys[i]));
		} else if (label_one(x, label_keys[i], json_string_value(jl) || json_is_number(jl) ? jl : NULL, "", &m)) {
			return -1;
		}
		json_object_set_new(o, label_keys[i], m);
	}
	char *text = json_dumps(o, JSON_COMPACT);
	*out = text ? arena_strdup(x->call->arena, text) : NULL;
	free(text);
	return *out ? 0 : oom(x);
}

static int yn_param(struct crm_ctx *x, json_t *fields, const char *key, bool *out)
{
	json_t *v = rest_field_ci(fields, key);
	if (!v)
		return 1;
	int b = rest_json_bool(v);
	if (b < 0)
		return crm_fail(x, false, "%s must be Y or N", key);
	*out = b;
	return 0;
}

/* Bitrix24's normal form of a name: upper case, UF_CRM_ in front. */
static int field_name_norm(struct crm_ctx *x, const char *in, char *out, size_t n)
{
	char up[128];
	if (strlen(in) >= sizeof up)
		return crm_fail(x, false, "Field name is too long (more than %d characters).", Q_CRM_UF_NAME_MAX);
	snprintf(up, sizeof up, "%s", in);
	for (char *p = up; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	const char *tail = !strncmp(up, "UF_CRM_", 7) ? up + 7 : !strncmp(up, "UF_", 3) ? up + 3 : up;
	char full[160];
	snprintf(full, sizeof full, "UF_CRM_%s", tail);
	if (!*tail)
		return crm_fail(x, false, "The 'FIELD_NAME' field is not found.");
	if (strlen(full) > Q_CRM_UF_NAME_MAX)
		return crm_fail(x, false, "Field name is too long (more than %d characters).", Q_CRM_UF_NAME_MAX);
	if (strspn(full, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(full))
		return crm_fail(x, false, "Field name contains invalid characters. Allowed characters are: A-Z, 0-9, and _.");
	snprintf(out, n, "%s", full);
	return 0;
}

/* A name as the field editor makes one: UF_CRM_ and the time, the next free second if taken. */
static int field_name_new(struct crm_ctx *x, char *out, size_t n)
{
	int64_t t = now_unix();
	for (int i = 0; i < 1000; i++) {
		snprintf(out, n, "UF_CRM_%lld", (long long)(t + i));
		bool taken;
		int rc = q_crm_uf_name_exists(x->call->st, x->t->id, out, &taken);
		if (rc)
			return crm_fail_store(x, rc);
		if (!taken)
			return 0;
	}
	return crm_fail(x, false, "Cannot make a free field name");
}

static const char *random_xml_id(struct crm_ctx *x)
{
	unsigned char b[16];
	randombytes_buf(b, sizeof b);
	char hex[33];
	for (size_t i = 0; i < sizeof b; i++)
		snprintf(hex + 2 * i, 3, "%02x", b[i]);
	return arena_strdup(x->call->arena, hex);
}

/* The attributes shared by add and update (all optional): XML_ID, SORT, MANDATORY, SHOW_FILTER,
 * SHOW_IN_LIST, EDIT_IN_LIST, IS_SEARCHABLE. */
static int def_attributes(struct crm_ctx *x, json_t *fields, struct q_crm_uf_def *d)
{
	json_t *v = rest_field_ci(fields, "XML_ID");
	if (v) {
		const char *s = is_empty(v) ? NULL : is_scalar(v) ? rest_json_text(x->call, v) : "";
		if (s && (!*s || strlen(s) > 255))
			return crm_fail(x, false, "XML_ID must be text of at most 255 bytes");
		d->xml_id = s;
	}
	if ((v = rest_field_ci(fields, "SORT"))) {
		const char *s = is_scalar(v) ? rest_json_text(x->call, v) : NULL;
		int64_t sort;
		if (!s || parse_i64(s, &sort) || sort <= 0 || sort > 2147483647)
			return crm_fail(x, false, "SORT must be an integer greater than zero");
		d->sort = sort;
	}
	if (yn_param(x, fields, "MANDATORY", &d->mandatory) < 0 ||
	    yn_param(x, fields, "SHOW_IN_LIST", &d->show_in_list) < 0 ||
	    yn_param(x, fields, "EDIT_IN_LIST", &d->edit_in_list) < 0 ||
	    yn_param(x, fields, "IS_SEARCHABLE", &d->is_searchable) < 0)
		return -1;
	if ((v = rest_field_ci(fields, "SHOW_FILTER"))) {
		const char *s = json_string_value(v);
		int b = rest_json_bool(v);
		if (s && strlen(s) == 1 && strchr("NIES", toupper((unsigned char)*s)))
			d->show_filter = (char)toupper((unsigned char)*s);
		else if (b >= 0)
			d->show_filter = b ? 'E' : 'N'; /* Y: by mask, as Bitrix24 takes it */
		else
			return crm_fail(x, false, "SHOW_FILTER must be N, I, E or S (or Y)");
	}
	return 0;
}

/* ---- list items ---- */

struct items_edit {
	struct q_crm_uf_def *d;        /* the field (id set) */
	const char **xml_ids;          /* the field's XML_IDs as they will be */
	size_t n_xml, cap_xml;
	int64_t first_def;             /* the first item made default by this request (single fields) */
};

static int xml_taken(struct items_edit *ie, const char *xml_id)
{
	for (size_t i = 0; i < ie->n_xml; i++)
		if (ie->xml_ids[i] && !strcmp(ie->xml_ids[i], xml_id))
			return 1;
	return 0;
}

static int xml_add(struct crm_ctx *x, struct items_edit *ie, const char *xml_id)
{
	if (ie->n_xml == ie->cap_xml) {
		size_t nc = ie->cap_xml ? ie->cap_xml * 2 : 32;
		const char **g = arena_alloc(x->call->arena, nc * sizeof *g);
		if (!g)
			return oom(x);
		if (ie->n_xml)
			memcpy(g, ie->xml_ids, ie->n_xml * sizeof *g);
		ie->xml_ids = g;
		ie->cap_xml = nc;
	}
	ie->xml_ids[ie->n_xml++] = xml_id;
	return 0;
}

/* The LIST of an add or update: a list of {ID, VALUE, SORT, DEF, XML_ID, DEL}, or text with one
 * value a line. */
static json_t *items_list(struct crm_ctx *x, json_t *v)
{
	if (json_is_string(v)) {
		json_t *arr = own(x, json_array());
		const char *p = json_string_value(v);
		while (arr && *p) {
			size_t n = strcspn(p, "\r\n");
			const char *s = p;
			size_t len = n;
			while (len && isspace((unsigned char)*s))
				s++, len--;
			while (len && isspace((unsigned char)s[len - 1]))
				len--;
			if (len)
				json_array_append_new(arr, json_pack("{s:s%}", "VALUE", s, len));
			p += n;
			p += strspn(p, "\r\n");
		}
		return arr;
	}
	if (json_is_object(v)) {
		json_t *arr = own(x, json_array());
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e) json_array_append(arr, e);
		return arr;
	}
	return v;
}

static int item_text(struct crm_ctx *x, json_t *el, const char *key, size_t max, const char **out)
{
	json_t *v = rest_field_ci(el, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	const char *s = is_scalar(v) ? rest_json_text(x->call, v) : NULL;
	if (!s || strlen(s) > max)
		return crm_fail(x, false, "LIST: %s must be text of at most %zu bytes", key, max);
	*out = s;
	return 0;
}

/* One element of LIST: a new item, a change of one, or a deletion (DEL: Y). */
static int item_apply(struct crm_ctx *x, struct items_edit *ie, json_t *el, bool is_add)
{
	struct store *st = x->call->st;
	if (!json_is_object(el))
		return crm_fail(x, false, "LIST: each item must be an object {VALUE, SORT, DEF, XML_ID}");
	const char *value, *xml_id;
	if (item_text(x, el, "VALUE", UF_ITEM_VALUE_MAX, &value) || item_text(x, el, "XML_ID", 255, &xml_id))
		return -1;
	int64_t id = 0, sort = 500;
	bool has_sort = false;
	json_t *jid = rest_field_ci(el, "ID"), *jsort = rest_field_ci(el, "SORT"), *jdef = rest_field_ci(el, "DEF"),
	       *jdel = rest_field_ci(el, "DEL");
	if (jid && !is_empty(jid) && !is_add) {
		const char *s = is_scalar(jid) ? rest_json_text(x->call, jid) : NULL;
		if (!s || parse_i64(s, &id) || id <= 0)
			return crm_fail(x, false, "LIST: ID must be a positive integer");
	}
	if (jsort && !is_empty(jsort)) {
		const char *s = is_scalar(jsort) ? rest_json_text(x->call, jsort) : NULL;
		if (!s || parse_i64(s, &sort) || sort < 0 || sort > 2147483647)
			return crm_fail(x, false, "LIST: SORT must be an integer of at least 0");
		has_sort = true;
	}
	int def = jdef ? rest_json_bool(jdef) : -1;
	if (jdef && def < 0)
		return crm_fail(x, false, "LIST: DEF must be Y or N");
	bool del = jdel && rest_json_bool(jdel) == 1;
	if (id) {
		bool mine = false;
		for (size_t i = 0; i < ie->d->n_items; i++)
			mine |= ie->d->items[i].id == id;
		if (!mine)
			return rest_fail(x->call, ERR_NOT_FOUND, "LIST: item %lld is not an item of this field",
					 (long long)id);
		int rc;
		if (del) {
			rc = q_crm_uf_item_delete(st, ie->d, id);
		} else {
			if (value && !*value)
				value = NULL; /* an empty VALUE changes nothing */
			if (xml_id) {
				const char *cur = NULL;
				for (size_t i = 0; i < ie->d->n_items; i++)
					if (ie->d->items[i].id == id)
						cur = ie->d->items[i].xml_id;
				if (strcmp(cur ? cur : "", xml_id) && xml_taken(ie, xml_id))
					return rest_fail(x->call, ERR_CORE, "List element with value XML_ID='%.100s' already exists",
							 xml_id);
				if (xml_add(x, ie, xml_id))
					return -1;
			}
			rc = q_crm_uf_item_update(st, ie->d->id, id, value, xml_id, has_sort, sort, def);
		}
		if (rc)
			return crm_fail_store(x, rc);
		if (def == 1 && !del && !ie->first_def)
			ie->first_def = id;
		return 0;
	}
	if (del || !value || !*value)
		return 0; /* an item without a value is skipped, as Bitrix24 skips it */
	if (!xml_id && !(xml_id = random_xml_id(x)))
		return oom(x);
	if (xml_taken(ie, xml_id))
		return rest_fail(x->call, ERR_CORE, "List element with value XML_ID='%.100s' already exists", xml_id);
	if (xml_add(x, ie, xml_id))
		return -1;
	struct q_crm_uf_item it = {.value = value, .def = def == 1 && (ie->d->multiple || !ie->first_def), .sort = sort,
				   .xml_id = xml_id};
	int rc = q_crm_uf_item_insert(st, ie->d->id, &it, &id);
	if (rc)
		return crm_fail_store(x, rc);
	if (it.def && !ie->first_def)
		ie->first_def = id;
	return 0;
}

static int items_apply(struct crm_ctx *x, struct q_crm_uf_def *d, json_t *list_param, bool is_add)
{
	json_t *list = items_list(x, list_param);
	if (is_empty(list))
		return 0;
	if (!json_is_array(list))
		return crm_fail(x, false, "LIST must be a list of items {VALUE, SORT, DEF, XML_ID}");
	if (json_array_size(list) + d->n_items > UF_ITEMS_MAX)
		return crm_fail(x, false, "LIST: at most %d items", UF_ITEMS_MAX);
	struct items_edit ie = {.d = d};
	for (size_t i = 0; i < d->n_items; i++)
		if (xml_add(x, &ie, d->items[i].xml_id))
			return -1;
	size_t i;
	json_t *el;
	json_array_foreach(list, i, el) if (item_apply(x, &ie, el, is_add)) return -1;
	if (!d->multiple && ie.first_def) { /* one default for a single field: the first one given */
		int rc = q_crm_uf_item_single_def(x->call->st, d->id, ie.first_def);
		if (rc)
			return crm_fail_store(x, rc);
	}
	return 0;
}

/* ---- add, update, delete ---- */

struct def_args {
	json_t *fields;
	int64_t id;
};

static int add_body(struct crm_ctx *x, void *arg)
{
	struct def_args *a = arg;
	json_t *fields = a->fields;
	struct store *st = x->call->st;
	struct q_crm_uf_def d = {.entity_type_id = x->t->id, .sort = 100, .show_filter = 'N', .edit_in_list = true};
	json_t *jt = rest_field_ci(fields, "USER_TYPE_ID");
	const char *tid = json_string_value(jt);
	if (!tid || !*tid)
		return crm_fail(x, false, "The 'USER_TYPE_ID' field is not found.");
	const struct uf_type *t = type_of(tid);
	if (!t)
		return crm_fail(x, false, "Invalid custom type specified: '%.40s'", tid);
	snprintf(d.user_type_id, sizeof d.user_type_id, "%s", t->id);
	json_t *jn = rest_field_ci(fields, "FIELD_NAME");
	if (jn && !is_empty(jn)) {
		if (!json_is_string(jn))
			return crm_fail(x, false, "FIELD_NAME must be text");
		if (field_name_norm(x, json_string_value(jn), d.field_name, sizeof d.field_name))
			return -1;
	} else if (field_name_new(x, d.field_name, sizeof d.field_name)) {
		return -1;
	}
	if (yn_param(x, fields, "MULTIPLE", &d.multiple) < 0 || def_attributes(x, fields, &d))
		return -1;
	if (d.multiple && t->single_only)
		return crm_fail(x, false, "A %s field cannot be multiple", t->id);
	d.storage = t->storage;
	d.side = d.multiple || t->storage == QUF_FILE;
	json_t *settings;
	if (settings_norm(x, t, rest_field_ci(fields, "SETTINGS"), NULL, &settings))
		return -1;
	char *stext = json_dumps(settings, JSON_COMPACT);
	d.settings = stext ? arena_strdup(x->call->arena, stext) : NULL;
	free(stext);
	if (!d.settings || labels_norm(x, fields, NULL, true, &d.labels))
		return d.settings ? -1 : oom(x);
	/* a default must be a value the field takes */
	json_t *dl;
	if (strcmp(t->id, "enumeration") && default_of(x, &d, &dl) < 0)
		return -1;
	bool taken;
	int64_t count;
	int rc = q_crm_uf_name_exists(st, d.entity_type_id, d.field_name, &taken);
	if (!rc)
		rc = q_crm_uf_count(st, d.entity_type_id, &count);
	if (rc)
		return crm_fail_store(x, rc);
	if (taken)
		return rest_fail(x->call, ERR_CORE, "A custom field named %s already exists", d.field_name);
	if (count >= Q_CRM_UF_PER_TYPE)
		return crm_fail(x, false, "At most %d custom fields per item type", Q_CRM_UF_PER_TYPE);
	char now[32];
	db_time_utc(time(NULL), now, sizeof now);
	if ((rc = q_crm_uf_create(st, &d, now)))
		return crm_fail_store(x, rc);
	json_t *list = rest_field_ci(fields, "LIST");
	if (!strcmp(t->id, "enumeration") && list && items_apply(x, &d, list, true))
		return -1;
	if ((rc = q_crm_uf_touch(st)))
		return crm_fail_store(x, rc);
	a->id = d.id;
	return 0;
}

static int fields_param_ok(struct crm_ctx *x, json_t *fields)
{
	if (json_is_array(fields) && json_array_size(fields) == 0)
		return 0;
	if (!json_is_object(fields))
		return crm_fail(x, false, "Parameter 'fields' must be array.");
	return 0;
}

int crm_uf_def_add(struct crm_ctx *x, json_t *fields, int64_t *id)
{
	if (fields_param_ok(x, fields))
		return -1;
	if (!json_is_object(fields))
		return crm_fail(x, false, "The 'USER_TYPE_ID' field is not found.");
	struct def_args a = {fields, 0};
	if (crm_write_tx(x, add_body, &a))
		return -1;
	*id = a.id;
	return 0;
}

int crm_uf_def_load(struct crm_ctx *x, int64_t id, struct q_crm_uf_def *d)
{
	int rc = q_crm_uf_get(x->call->st, x->call->arena, id, d);
	if (rc == STORE_NOTFOUND) /* Bitrix24 answers this one with its own code, legacy or not */
		return rest_fail(x->call, ERR_NOT_FOUND, "The entity with ID '%lld' is not found", (long long)id);
	if (rc)
		return crm_fail_store(x, rc);
	if (d->entity_type_id != x->t->id)
		return rest_fail(x->call, ERR_ACCESS_DENIED, "Access denied.");
	return 0;
}

/* Refuse a change of what is fixed at creation; the same value again is fine. */
static int immutable(struct crm_ctx *x, json_t *fields, const struct q_crm_uf_def *d)
{
	json_t *v = rest_field_ci(fields, "USER_TYPE_ID");
	if (v && !is_empty(v) && (!json_is_string(v) || strcmp(json_string_value(v), d->user_type_id)))
		return crm_fail(x, false, "USER_TYPE_ID cannot be changed after the field is created (it is %s)",
				d->user_type_id);
	bool multiple = d->multiple;
	int r = yn_param(x, fields, "MULTIPLE", &multiple);
	if (r < 0)
		return -1;
	if (r == 0 && multiple != d->multiple)
		return crm_fail(x, false, "MULTIPLE cannot be changed after the field is created (it is %s)",
				d->multiple ? "Y" : "N");
	if ((v = rest_field_ci(fields, "FIELD_NAME")) && !is_empty(v)) {
		char name[Q_CRM_UF_NAME_MAX + 1];
		if (!json_is_string(v) || field_name_norm(x, json_string_value(v), name, sizeof name) ||
		    strcmp(name, d->field_name))
			return crm_fail(x, false, "FIELD_NAME cannot be changed after the field is created (it is %s)",
					d->field_name);
	}
	return 0;
}

static int update_body(struct crm_ctx *x, void *arg)
{
	struct def_args *a = arg;
	struct q_crm_uf_def d;
	if (crm_uf_def_load(x, a->id, &d) || immutable(x, a->fields, &d) || def_attributes(x, a->fields, &d))
		return -1;
	const struct uf_type *t = type_of(d.user_type_id);
	if (!t)
		return crm_fail(x, false, "Invalid custom type specified: '%.40s'", d.user_type_id);
	json_t *settings;
	if (settings_norm(x, t, rest_field_ci(a->fields, "SETTINGS"), parse_obj(x, d.settings), &settings))
		return -1;
	char *stext = json_dumps(settings, JSON_COMPACT);
	d.settings = stext ? arena_strdup(x->call->arena, stext) : NULL;
	free(stext);
	if (!d.settings || labels_norm(x, a->fields, parse_obj(x, d.labels), false, &d.labels))
		return d.settings ? -1 : oom(x);
	json_t *dl;
	if (strcmp(t->id, "enumeration") && default_of(x, &d, &dl) < 0)
		return -1;
	int rc = q_crm_uf_update(x->call->st, &d);
	if (rc)
		return crm_fail_store(x, rc);
	json_t *list = rest_field_ci(a->fields, "LIST");
	if (!strcmp(t->id, "enumeration") && list && items_apply(x, &d, list, false))
		return -1;
	if ((rc = q_crm_uf_touch(x->call->st)))
		return crm_fail_store(x, rc);
	return 0;
}

int crm_uf_def_update(struct crm_ctx *x, int64_t id, json_t *fields)
{
	if (fields_param_ok(x, fields))
		return -1;
	if (!json_is_object(fields))
		return 0; /* nothing to change */
	struct def_args a = {fields, id};
	return crm_write_tx(x, update_body, &a);
}

static int delete_body(struct crm_ctx *x, void *arg)
{
	struct def_args *a = arg;
	struct q_crm_uf_def d;
	if (crm_uf_def_load(x, a->id, &d))
		return -1;
	int rc = q_crm_uf_delete(x->call->st, &d);
	if (!rc)
		rc = q_crm_uf_touch(x->call->st);
	return rc ? crm_fail_store(x, rc) : 0;
}

int crm_uf_def_delete(struct crm_ctx *x, int64_t id)
{
	struct def_args a = {NULL, id};
	return crm_write_tx(x, delete_body, &a);
}

/* ---- definitions out ---- */

static json_t *label_out(json_t *labels, const char *key, const char *lang)
{
	json_t *m = json_object_get(labels, key);
	if (!lang)
		return m ? json_incref(m) : json_pack("{s:s,s:s}", "ru", "", "en", "");
	const char *s = json_string_value(json_object_get(m, lang));
	bool nullable = !strcmp(key, "ERROR_MESSAGE") || !strcmp(key, "HELP_MESSAGE");
	return s && *s ? json_string(s) : nullable ? json_null() : json_string("");
}

json_t *crm_uf_def_json(struct crm_ctx *x, const struct q_crm_uf_def *d, const char *lang)
{
	char id[24], sort[24], sf[2] = {d->show_filter, 0}, entity[32];
	snprintf(id, sizeof id, "%lld", (long long)d->id);
	snprintf(sort, sizeof sort, "%lld", (long long)d->sort);
	const struct crm_type *t = crm_type_by_id(d->entity_type_id);
	snprintf(entity, sizeof entity, "CRM_%s", t ? t->name : "");
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s?,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:O}", "ID", id, "ENTITY_ID", entity,
			      "FIELD_NAME", d->field_name, "USER_TYPE_ID", d->user_type_id, "XML_ID", d->xml_id, "SORT",
			      sort, "MULTIPLE", d->multiple ? "Y" : "N", "MANDATORY", d->mandatory ? "Y" : "N",
			      "SHOW_FILTER", sf, "SHOW_IN_LIST", d->show_in_list ? "Y" : "N", "EDIT_IN_LIST",
			      d->edit_in_list ? "Y" : "N", "IS_SEARCHABLE", d->is_searchable ? "Y" : "N", "SETTINGS",
			      parse_obj(x, d->settings));
	if (!o)
		return NULL;
	json_t *labels = parse_obj(x, d->labels);
	for (size_t i = 0; i < N_LABELS; i++)
		json_object_set_new(o, label_keys[i], label_out(labels, label_keys[i], lang));
	if (!strcmp(d->user_type_id, "enumeration")) {
		json_t *list = json_array();
		for (size_t i = 0; i < d->n_items; i++) {
			const struct q_crm_uf_item *it = &d->items[i];
			char iid[24], isort[24];
			snprintf(iid, sizeof iid, "%lld", (long long)it->id);
			snprintf(isort, sizeof isort, "%lld", (long long)it->sort);
			json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:s}", "ID", iid, "SORT", isort, "VALUE",
							      it->value, "DEF", it->def ? "Y" : "N", "XML_ID", it->xml_id));
		}
		json_object_set_new(o, "LIST", list);
	}
	return o;
}

json_t *crm_uf_types_json(void)
{
	json_t *out = json_array();
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		json_array_append_new(out, json_pack("{s:s,s:s}", "ID", types[i].id, "title", types[i].title));
	return out;
}

json_t *crm_uf_settings_fields_json(const char *type)
{
	const struct uf_type *t = type_of(type);
	if (!t)
		return NULL;
	static const char *const kind_types[] = {[S_INT] = "int",	 [S_NUM] = "double", [S_STR] = "string",
						 [S_YN] = "char",	 [S_CHOICE] = "string", [S_BOOL01] = "int",
						 [S_DATEDEF] = "object", [S_LIST] = "array"};
	json_t *out = json_object();
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (!strcmp(settings_table[i].type, t->id))
			json_object_set_new(out, settings_table[i].key,
					    json_pack("{s:s,s:s}", "type", kind_types[settings_table[i].kind], "title",
						      settings_table[i].title));
	return out;
}
