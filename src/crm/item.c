/* item.c — the write and read paths of CRM items (see item.h for what they keep). */
#include "crm/item.h"
#include "crm/access.h"
#include "crm/fields.h"
#include "crm/uf.h"
#include "im/notify.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/util.h"
#include "rest/filter.h"
#include "store/q_crm_category.h"
#include "store/q_crm_event.h"
#include "store/q_crm_item.h"
#include "store/q_crm_search.h"
#include "store/q_crm_stats.h"
#include "store/q_crm_status.h"
#include "store/q_user.h"
#include "store/store.h"
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MONEY_MAX 1e13       /* a double keeps every cent below this */
#define TEXT_MAX_DEFAULT 255 /* bytes of a one-line text field */
#define FM_MAX 50            /* multi-field values of one kind on one item */
#define LINKS_MAX 500        /* contacts of a deal, companies of a contact */
#define MAX_SETS 128

/* ---- errors ---- */

int crm_fail(struct crm_ctx *x, bool not_found, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	enum rest_error e = x->legacy ? ERR_CRM : not_found ? ERR_NOT_FOUND : ERR_ARGUMENT;
	return rest_fail(x->call, e, "%s", msg);
}

int crm_fail_store(struct crm_ctx *x, int rc)
{
	if (rc == STORE_NOTFOUND)
		return crm_fail(x, true, "Not found");
	return rest_fail_store(x->call, rc);
}

int crm_id_param(struct crm_ctx *x, const char *name, int64_t *id)
{
	json_t *v = rest_param(x->call, name);
	if (!v) { /* lower-case names of methods without REST_CI */
		const char *k;
		json_t *e;
		json_object_foreach(x->call->params, k, e) if (!strcasecmp(k, name)) v = e;
	}
	const char *t = v && (json_is_string(v) || json_is_integer(v)) ? rest_json_text(x->call, v) : NULL;
	if (!t || parse_i64(t, id) || *id <= 0)
		return crm_fail(x, false, "ID is not defined or invalid.");
	return 0;
}

int crm_existing_id_param(struct crm_ctx *x, const char *name, int64_t *id)
{
	if (crm_id_param(x, name, id))
		return -1;
	bool ok;
	int rc = q_crm_item_exists(x->call->st, x->t->id, *id, &ok);
	if (rc)
		return crm_fail_store(x, rc);
	return ok ? 0 : crm_fail(x, true, "Not found");
}

static int oom(struct crm_ctx *x)
{
	return rest_fail(x->call, ERR_INTERNAL, "Out of memory");
}

const char *crm_stage_list(const struct crm_type *t, int64_t category_id, char *buf, size_t n)
{
	if (t->id == CRM_LEAD)
		snprintf(buf, n, "STATUS");
	else if (category_id > 0)
		snprintf(buf, n, "DEAL_STAGE_%lld", (long long)category_id);
	else
		snprintf(buf, n, "DEAL_STAGE");
	return buf;
}

/* ---- the pending write ---- */

struct fm_op {
	int64_t id;          /* 0: a new value */
	const char *type_id; /* PHONE, … */
	const char *value_type;
	const char *value;   /* "" with id: delete */
	bool del;
};

struct write {
	struct crm_ctx *x;
	const struct query_entity *e;
	bool is_add;
	int64_t id;
	json_t *before;              /* update: the record before */
	struct query_set sets[MAX_SETS];
	size_t n_sets;
	struct fm_op *fm;
	size_t n_fm, cap_fm;
	/* links of CK_CONTACTS / CK_COMPANIES; has_links: the field was passed */
	bool has_links;
	int64_t *links;
	size_t n_links;
	struct uf_multi {
		const struct query_field *f;
		json_t *values;
	} uf[64];                    /* multiple custom fields passed, stored after the row */
	size_t n_uf;
	bool stage_given;
	const char *stage;           /* the stage asked for (lead STATUS_ID, deal STAGE_ID) */
	bool category_given;
	int64_t category;
	const char *now;
	int64_t uid;
	json_t *fields_in;           /* the fields as the caller passed them */
};

static const struct query_field *field(const struct write *w, const char *name)
{
	return query_field_find(w->e, name);
}

/* Set (or replace) a column value. */
static int put(struct write *w, const char *name, struct query_value v)
{
	const struct query_field *f = field(w, name);
	if (!f)
		return 0; /* the type has no such field */
	for (size_t i = 0; i < w->n_sets; i++)
		if (w->sets[i].field == f) {
			w->sets[i].value = v;
			return 0;
		}
	if (w->n_sets == MAX_SETS)
		return oom(w->x);
	w->sets[w->n_sets++] = (struct query_set){f, v};
	return 0;
}

static const struct query_value *get_set(const struct write *w, const char *name)
{
	const struct query_field *f = field(w, name);
	for (size_t i = 0; f && i < w->n_sets; i++)
		if (w->sets[i].field == f)
			return &w->sets[i].value;
	return NULL;
}

static struct query_value vtext(const char *s)
{
	return (struct query_value){.kind = QV_TEXT, .s = s};
}

static struct query_value vint(int64_t i)
{
	return (struct query_value){.kind = QV_INT, .i = i};
}

/* ---- field checks by kind ---- */

static bool utf8_len_ok(const char *s, size_t max)
{
	return strlen(s) <= max;
}

static int check_exists(struct write *w, const struct query_field *f, int type_id, int64_t id)
{
	bool ok = false;
	int rc = type_id ? q_crm_item_exists(w->x->call->st, type_id, id, &ok) : q_user_exists(w->x->call->st, id, &ok);
	if (rc)
		return crm_fail_store(w->x, rc);
	if (!ok) {
		const struct crm_type *t = crm_type_by_id(type_id);
		return crm_fail(w->x, false, "%s: %s with ID %lld does not exist", f->name, t ? t->title_en : "user",
				(long long)id);
	}
	return 0;
}

static int check_currency(struct write *w, const struct query_field *f, const char *c)
{
	if (!crm_currency_known(c))
		return crm_fail(w->x, false, "Invalid value for the \"%s\" field: '%.20s' is not a known currency",
				f->name, c);
	return 0;
}

static int check_money(struct write *w, const struct query_field *f, struct query_value *v)
{
	if (!isfinite(v->d) || v->d < 0 || v->d > MONEY_MAX)
		return crm_fail(w->x, false, "%s must be a number from 0 to %.0f", f->name, MONEY_MAX);
	v->d = round(v->d * 100) / 100;
	return 0;
}

/* The value of a column the table keeps NOT NULL when the client clears it. */
static struct query_value empty_of(const struct query_field *f)
{
	switch (f->type) {
	case QT_DOUBLE:
		return (struct query_value){.kind = QV_DOUBLE, .d = 0};
	case QT_INT:
		return (struct query_value){.kind = QV_NULL};
	case QT_CHAR:
		return vtext("N");
	default:
		return vtext("");
	}
}

/* ---- multi-fields ---- */

static const char *const fm_value_types[][12] = {
	{"PHONE", "WORK", "MOBILE", "FAX", "HOME", "PAGER", "MAILING", "OTHER", NULL},
	{"EMAIL", "WORK", "HOME", "MAILING", "OTHER", NULL},
	{"WEB", "WORK", "HOME", "FACEBOOK", "VK", "LIVEJOURNAL", "TWITTER", "INSTAGRAM", "OTHER", NULL},
	{"IM", "TELEGRAM", "VK", "SKYPE", "VIBER", "WHATSAPP", "BITRIX24", "OPENLINE", "IMOL", "ICQ", "JABBER", "OTHER"},
	{"LINK", "USER", "OTHER", NULL},
};

static bool fm_type_ok(const char *type_id, const char *vt)
{
	for (size_t i = 0; i < sizeof fm_value_types / sizeof fm_value_types[0]; i++) {
		if (strcmp(fm_value_types[i][0], type_id))
			continue;
		for (size_t j = 1; j < 12 && fm_value_types[i][j]; j++)
			if (!strcmp(fm_value_types[i][j], vt))
				return true;
	}
	return false;
}

/* A loose check: Bitrix24 refuses what is plainly not an address or a number. */
static bool fm_value_ok(const char *type_id, const char *v)
{
	if (!strcmp(type_id, "EMAIL")) {
		const char *at = strchr(v, '@');
		return at && at != v && strchr(at + 1, '.') && !strchr(at + 1, '@') && !strpbrk(v, " \t\r\n<>,;");
	}
	if (!strcmp(type_id, "PHONE")) {
		int digits = 0;
		for (const char *p = v; *p; p++) {
			if (isdigit((unsigned char)*p))
				digits++;
			else if (!strchr("+-() .#*,;extдоб", *p) && !((unsigned char)*p & 0x80))
				return false;
		}
		return digits >= 3;
	}
	return true;
}

/* What search and duplicate checks compare: a phone's digits, an e-mail in lower case. */
static const char *fm_norm(struct arena *a, const char *type_id, const char *v)
{
	size_t n = strlen(v);
	char *o = arena_alloc(a, n + 1), *p = o;
	if (!o)
		return NULL;
	bool phone = !strcmp(type_id, "PHONE");
	for (const char *s = v; *s; s++) {
		if (phone) {
			if (isdigit((unsigned char)*s))
				*p++ = *s;
		} else {
			*p++ = (char)tolower((unsigned char)*s);
		}
	}
	*p = 0;
	return o;
}

static int fm_parse(struct write *w, const char *type_id, json_t *list)
{
	struct rest_call *call = w->x->call;
	if (json_is_object(list)) { /* PHP arrays {"n0": {...}} */
		json_t *arr = rest_own(call, json_array());
		const char *k;
		json_t *v;
		json_object_foreach(list, k, v) json_array_append(arr, v);
		list = arr;
	}
	if (!json_is_array(list))
		return crm_fail(w->x, false, "%s must be a list of {VALUE, VALUE_TYPE}", type_id);
	if (json_array_size(list) > FM_MAX)
		return crm_fail(w->x, false, "%s: at most %d values", type_id, FM_MAX);
	size_t i;
	json_t *el;
	json_array_foreach(list, i, el)
	{
		if (!json_is_object(el))
			return crm_fail(w->x, false, "%s: each value must be an object {VALUE, VALUE_TYPE}", type_id);
		struct fm_op op = {.type_id = type_id};
		json_t *jid = rest_field_ci(el, "ID");
		if (jid && !json_is_null(jid)) {
			const char *t = rest_json_text(call, jid);
			if (!t || parse_i64(t, &op.id) || op.id <= 0)
				return crm_fail(w->x, false, "%s: invalid ID '%.20s'", type_id, t ? t : "");
		}
		json_t *jv = rest_field_ci(el, "VALUE");
		if (jv && (json_is_object(jv) || json_is_array(jv)))
			return crm_fail(w->x, false, "%s: VALUE must be text", type_id);
		const char *value = jv && !json_is_null(jv) ? rest_json_text(call, jv) : "";
		if (!value)
			return oom(w->x);
		json_t *jdel = rest_field_ci(el, "DELETE");
		op.del = (jdel && rest_json_bool(jdel) == 1) || (op.id && !*value);
		if (!op.del) {
			if (!*value)
				continue; /* an empty new value adds nothing */
			if (!utf8_len_ok(value, TEXT_MAX_DEFAULT))
				return crm_fail(w->x, false, "%s: a value is longer than %d bytes", type_id,
						TEXT_MAX_DEFAULT);
			if (!fm_value_ok(type_id, value))
				return crm_fail(w->x, false, "%s: '%.80s' is not a valid %s", type_id, value,
						!strcmp(type_id, "EMAIL") ? "e-mail address" : "value");
			json_t *jt = rest_field_ci(el, "VALUE_TYPE");
			const char *vt = jt && json_is_string(jt) && *json_string_value(jt) ? json_string_value(jt)
				       : !strcmp(type_id, "IM")			   ? "OTHER"
										   : "WORK";
			if (!fm_type_ok(type_id, vt))
				return crm_fail(w->x, false, "%s: unknown VALUE_TYPE '%.30s'", type_id, vt);
			op.value_type = vt;
		}
		op.value = value;
		if (!(w->fm = arena_grow(call->arena, w->fm, w->n_fm, &w->cap_fm, sizeof *w->fm)))
			return oom(w->x);
		w->fm[w->n_fm++] = op;
	}
	return 0;
}

static int fm_apply(struct write *w)
{
	struct store *st = w->x->call->st;
	int type = w->x->t->id;
	for (size_t i = 0; i < w->n_fm; i++) {
		struct fm_op *op = &w->fm[i];
		int rc;
		if (op->del) {
			rc = op->id ? q_crm_fm_delete(st, type, w->id, op->id) : STORE_OK;
		} else {
			const char *norm = fm_norm(w->x->call->arena, op->type_id, op->value);
			if (!norm)
				return oom(w->x);
			rc = op->id && !w->is_add ? q_crm_fm_update(st, type, w->id, op->id, op->value_type, op->value, norm)
						  : q_crm_fm_insert(st, type, w->id, op->type_id, op->value_type,
								    op->value, norm);
		}
		if (rc == STORE_NOTFOUND)
			return crm_fail(w->x, false, "%s: the value with ID %lld does not belong to this item", op->type_id,
					(long long)op->id);
		if (rc)
			return crm_fail_store(w->x, rc);
	}
	if (w->n_fm) {
		int rc = q_crm_item_fm_flags(st, type, w->id);
		if (rc)
			return crm_fail_store(w->x, rc);
	}
	return 0;
}

/* ---- links ---- */

/* The link table's direction for a type's multiple link field. */
struct link_dir {
	int owner_type, linked_type;
	bool reverse; /* the item is the linked side (a company's contacts) */
};

static bool link_dir_of(int type_id, struct link_dir *d)
{
	switch (type_id) {
	case CRM_LEAD:
	case CRM_DEAL:
		*d = (struct link_dir){type_id, CRM_CONTACT, false};
		return true;
	case CRM_CONTACT:
		*d = (struct link_dir){CRM_CONTACT, CRM_COMPANY, false};
		return true;
	case CRM_COMPANY:
		*d = (struct link_dir){CRM_CONTACT, CRM_COMPANY, true};
		return true;
	}
	return false;
}

static int links_parse(struct write *w, const struct query_field *f, json_t *v)
{
	struct rest_call *call = w->x->call;
	w->has_links = true;
	w->n_links = 0;
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return 0;
	if (json_is_object(v)) {
		json_t *arr = rest_own(call, json_array());
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e) json_array_append(arr, e);
		v = arr;
	}
	if (!json_is_array(v)) {
		json_t *arr = rest_own(call, json_array());
		json_array_append(arr, v);
		v = arr;
	}
	if (json_array_size(v) > LINKS_MAX)
		return crm_fail(w->x, false, "%s: at most %d items", f->name, LINKS_MAX);
	w->links = arena_alloc(call->arena, (json_array_size(v) + 1) * sizeof *w->links);
	if (!w->links)
		return oom(w->x);
	struct link_dir d = {0};
	link_dir_of(w->x->t->id, &d);
	int other = d.reverse ? d.owner_type : d.linked_type;
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e)
	{
		const char *t = rest_json_text(call, e);
		int64_t id;
		if (!t || json_is_object(e) || json_is_array(e) || parse_i64(t, &id))
			return crm_fail(w->x, false, "Invalid value for field %s: expected a list of IDs", f->name);
		if (id <= 0)
			continue;
		bool dup = false;
		for (size_t j = 0; j < w->n_links; j++)
			dup |= w->links[j] == id;
		if (dup)
			continue;
		if (check_exists(w, f, other, id))
			return -1;
		w->links[w->n_links++] = id;
	}
	return 0;
}

static int links_apply(struct write *w)
{
	if (!w->has_links)
		return 0;
	struct store *st = w->x->call->st;
	struct link_dir d = {0};
	if (!link_dir_of(w->x->t->id, &d))
		return 0;
	/* A company's former contacts must re-derive their COMPANY_ID once the links change. */
	struct q_crm_link *old = NULL;
	size_t n_old = 0;
	int rc = d.reverse ? q_crm_link_list(st, w->x->call->arena, d.owner_type, w->id, d.linked_type, true, &old, &n_old)
			   : STORE_OK;
	if (!rc)
		rc = q_crm_link_clear(st, d.owner_type, w->id, d.linked_type, d.reverse);
	for (size_t i = 0; !rc && i < w->n_links; i++) {
		int64_t owner = d.reverse ? w->links[i] : w->id, linked = d.reverse ? w->id : w->links[i];
		rc = q_crm_link_add(st, d.owner_type, owner, d.linked_type, linked, (int64_t)(i + 1) * 10,
				    !d.reverse && i == 0);
		if (!rc && d.reverse)
			rc = q_crm_link_sync_primary(st, d.owner_type, owner);
	}
	for (size_t i = 0; !rc && i < n_old; i++)
		rc = q_crm_link_sync_primary(st, d.owner_type, old[i].id);
	if (!rc && !d.reverse)
		rc = q_crm_link_sync_primary(st, d.owner_type, w->id);
	return rc ? crm_fail_store(w->x, rc) : 0;
}

/* ---- collecting the fields of a write ---- */

/* A custom field (UF_…): its module checks and converts the value (crm/uf.h). */
static int take_uf(struct write *w, const struct query_field *f, json_t *v)
{
	struct query_value val;
	json_t *multi = NULL;
	if (crm_uf_value(w->x, f, v, &val, &multi))
		return -1;
	if (!multi)
		return put(w, f->name, val);
	if (w->n_uf == sizeof w->uf / sizeof w->uf[0])
		return crm_fail(w->x, false, "Too many custom fields in one write");
	w->uf[w->n_uf++] = (struct uf_multi){f, multi};
	return 0;
}

static int uf_apply(struct write *w)
{
	for (size_t i = 0; i < w->n_uf; i++)
		if (crm_uf_save_multi(w->x, w->id, w->uf[i].f, w->uf[i].values))
			return -1;
	return 0;
}

static bool required(const struct write *w, const struct query_field *f)
{
	if (!strncmp(f->name, "UF_", 3))
		return crm_uf_required(w->x->t->id, f);
	return w->x->legacy && crm_field_required(w->x->t->id, f->name);
}

static int take_field(struct write *w, const struct query_field *f, json_t *v)
{
	struct crm_ctx *x = w->x;
	if (!strncmp(f->name, "UF_", 3))
		return take_uf(w, f, v);
	const struct crm_field_meta *m = crm_field_meta_of(x->t->id, f);
	switch (m->kind) {
	case CK_FM:
		return fm_parse(w, f->name, v);
	case CK_CONTACTS:
	case CK_COMPANIES:
		return links_parse(w, f, v);
	case CK_FILE:
		return 0; /* files come with the drive; ignored as Bitrix24 ignores unknown input */
	default:
		break;
	}
	struct query_value val;
	if (rest_value_parse(x->call, f, v, &val)) {
		if (x->legacy) /* re-word in the legacy dialect */
			x->call->err = ERR_CRM;
		return -1;
	}
	if (m->kind == CK_STAGE) {
		w->stage_given = val.kind != QV_NULL;
		w->stage = val.kind == QV_TEXT ? val.s : NULL;
		return 0; /* checked with the pipeline, below */
	}
	if (m->kind == CK_CATEGORY) {
		w->category_given = true;
		w->category = val.kind == QV_INT ? val.i : 0;
		return 0;
	}
	if (val.kind == QV_NULL) {
		if ((!strcmp(f->name, "CONTACT_ID") && (x->t->id == CRM_LEAD || x->t->id == CRM_DEAL)) ||
		    (!strcmp(f->name, "COMPANY_ID") && x->t->id == CRM_CONTACT)) {
			w->has_links = true; /* clearing the single link clears the links */
			w->n_links = 0;
			return 0;
		}
		if (crm_field_required(x->t->id, f->name))
			return crm_fail(x, false, "Required field %s is empty", f->name);
		return put(w, f->name, empty_of(f));
	}
	if (val.kind == QV_TEXT) {
		size_t max = m->max_len ? m->max_len : TEXT_MAX_DEFAULT;
		if (f->type == QT_STRING && !utf8_len_ok(val.s, max))
			return crm_fail(x, false, "%s is longer than %zu bytes", f->name, max);
	}
	int type_ref = 0;
	switch (m->kind) {
	case CK_STATUS: {
		char sem;
		int rc = q_crm_status_semantics(x->call->st, m->status, val.s, &sem);
		if (rc == STORE_NOTFOUND)
			return crm_fail(x, false, "%s: '%.50s' is not a value of the %s list", f->name, val.s, m->status);
		if (rc)
			return crm_fail_store(x, rc);
		break;
	}
	case CK_USER:
		if (val.i <= 0)
			return crm_fail(x, false, "%s: invalid user ID", f->name);
		if (check_exists(w, f, 0, val.i))
			return -1;
		break;
	case CK_LEAD:
		type_ref = CRM_LEAD;
		break;
	case CK_CONTACT:
		type_ref = CRM_CONTACT;
		break;
	case CK_COMPANY:
		type_ref = CRM_COMPANY;
		break;
	case CK_CURRENCY:
		if (check_currency(w, f, val.s))
			return -1;
		break;
	default:
		break;
	}
	if (type_ref) {
		if (val.i <= 0) {
			val = empty_of(f);
		} else if (check_exists(w, f, type_ref, val.i)) {
			return -1;
		}
		/* A deal's or lead's CONTACT_ID is its first contact link, a contact's COMPANY_ID its
		 * first company link: the single value stands for the list unless the list came too. */
		bool single_link = (type_ref == CRM_CONTACT && (x->t->id == CRM_LEAD || x->t->id == CRM_DEAL)) ||
				   (type_ref == CRM_COMPANY && x->t->id == CRM_CONTACT);
		if (single_link) {
			if (!w->has_links) {
				w->has_links = true;
				w->links = arena_alloc(x->call->arena, sizeof *w->links);
				if (!w->links)
					return oom(x);
				w->n_links = val.kind == QV_INT ? 1 : 0;
				if (w->n_links)
					w->links[0] = val.i;
			}
			return 0;
		}
	}
	if (f->type == QT_DOUBLE && check_money(w, f, &val))
		return -1;
	if (!strcmp(f->name, "PROBABILITY") && (val.i < 0 || val.i > 100))
		return crm_fail(x, false, "PROBABILITY must be from 0 to 100");
	return put(w, f->name, val);
}

static int collect(struct write *w, json_t *fields)
{
	w->fields_in = fields;
	if (json_is_array(fields) && json_array_size(fields) == 0)
		return 0; /* PHP encodes an empty array as [] */
	if (!json_is_object(fields))
		return crm_fail(w->x, false, "Parameter 'fields' must be an object");
	for (size_t i = 0; i < w->e->n_fields; i++) {
		const struct query_field *f = &w->e->fields[i];
		if ((f->flags & QF_READONLY) && !(f->flags & QF_MULTIPLE))
			continue;
		json_t *v = rest_field_ci(fields, f->name);
		if (!v) {
			if (w->is_add && required(w, f))
				return crm_fail(w->x, false, "Required field %s is not set", f->name);
			continue;
		}
		if (take_field(w, f, v))
			return -1;
	}
	/* CONTACT_IDS follows CONTACT_ID in the descriptors, so when both come the list wins. */
	return 0;
}

/* ---- stages ---- */

/* Pick and check the stage (leads, deals) and set the fields that follow from it. cur_stage /
 * cur_category: the item's before an update (NULL / -1 on add). */
static int settle_stage(struct write *w, const char *cur_stage, int64_t cur_category, char *sem_out)
{
	struct crm_ctx *x = w->x;
	struct store *st = x->call->st;
	int64_t category = w->category_given ? w->category : cur_category >= 0 ? cur_category : 0;
	if (x->t->id == CRM_DEAL) {
		if (!w->is_add && w->category_given && category != cur_category && !x->allow_category)
			return crm_fail(x, false, "CATEGORY_ID cannot be changed: the pipeline of a deal is fixed at creation");
		if (w->is_add || category != cur_category) {
			struct q_crm_category_row cat;
			int rc = q_crm_category_get(st, 2, category, &cat);
			if (rc == STORE_NOTFOUND)
				return crm_fail(x, false, "CATEGORY_ID: pipeline %lld does not exist", (long long)category);
			if (rc)
				return crm_fail_store(x, rc);
			if (put(w, "CATEGORY_ID", vint(category)))
				return -1;
		}
	}
	char list[64];
	crm_stage_list(x->t, category, list, sizeof list);
	const char *stage = w->stage_given ? w->stage : NULL;
	bool moved_pipeline = !w->is_add && x->t->id == CRM_DEAL && category != cur_category;
	if (!stage && !w->is_add && !moved_pipeline) {
		*sem_out = 0;
		return 0; /* the stage stays */
	}
	if (!stage) {
		struct q_crm_status_summary sum;
		int rc = q_crm_status_summary(st, list, &sum);
		if (rc)
			return crm_fail_store(x, rc);
		if (!sum.start_id[0])
			return crm_fail(x, false, "The stage list %s is empty", list);
		stage = arena_strdup(x->call->arena, sum.start_id);
		if (!stage)
			return oom(x);
	}
	char sem;
	int rc = q_crm_status_semantics(st, list, stage, &sem);
	if (rc == STORE_NOTFOUND) {
		if (x->t->id == CRM_DEAL)
			return crm_fail(x, false, "STAGE_ID: '%.50s' is not a stage of pipeline %lld", stage,
					(long long)category);
		return crm_fail(x, false, "STATUS_ID: '%.50s' is not a lead status", stage);
	}
	if (rc)
		return crm_fail_store(x, rc);
	*sem_out = sem;
	if (cur_stage && !strcmp(cur_stage, stage) && !moved_pipeline) {
		*sem_out = 0;
		return 0; /* no move */
	}
	char semtext[2] = {sem, 0};
	const char *s = arena_strdup(x->call->arena, semtext);
	bool final = sem == 'S' || sem == 'F';
	int r = put(w, x->t->stage_field, vtext(stage));
	if (!r && x->t->id == CRM_LEAD) {
		r = put(w, "STATUS_SEMANTIC_ID", vtext(s));
		if (!r)
			r = put(w, "DATE_CLOSED", final ? vtext(w->now) : (struct query_value){.kind = QV_NULL});
	} else if (!r) {
		struct q_crm_status_summary sum;
		int rc2 = q_crm_status_summary(st, list, &sum);
		if (rc2)
			return crm_fail_store(x, rc2);
		r = put(w, "STAGE_SEMANTIC_ID", vtext(s));
		if (!r)
			r = put(w, "CLOSED", vtext(final ? "Y" : "N"));
		if (!r)
			r = put(w, "IS_NEW", vtext(strcmp(stage, sum.start_id) ? "N" : "Y"));
	}
	if (!r)
		r = put(w, "MOVED_TIME", vtext(w->now));
	if (!r && w->uid > 0)
		r = put(w, "MOVED_BY_ID", vint(w->uid));
	w->stage = stage;
	w->category = category;
	return r;
}

/* ---- the side rows every write keeps ---- */

static int64_t cents_of(double d)
{
	return (int64_t)llround(d * 100);
}

static int stats_apply(struct write *w, int64_t cat, const char *stage, double amount, int64_t dn)
{
	if (!stage || !*stage)
		return 0;
	int rc = q_crm_stats_apply(w->x->call->st, w->x->t->id, cat, stage, dn, dn * cents_of(amount));
	return rc ? crm_fail_store(w->x, rc) : 0;
}

/* The text of a record's value for history and comparisons. */
static const char *value_text(struct rest_call *call, json_t *v)
{
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_array(v)) { /* multi-fields "+7 900 (MOBILE), …"; links "3, 5" */
		char *buf = NULL;
		size_t cap = 0, len = 0;
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			char part[600];
			if (json_is_object(e))
				snprintf(part, sizeof part, "%s%s (%s)", i ? ", " : "",
					 json_string_value(json_object_get(e, "VALUE")) ?: "",
					 json_string_value(json_object_get(e, "VALUE_TYPE")) ?: "");
			else
				snprintf(part, sizeof part, "%s%s", i ? ", " : "", rest_json_text(call, e) ?: "");
			size_t pl = strlen(part);
			if (len + pl + 1 > cap) {
				size_t nc = (len + pl + 1) * 2;
				char *g = arena_alloc(call->arena, nc);
				if (!g)
					return NULL;
				if (len)
					memcpy(g, buf, len);
				buf = g;
				cap = nc;
			}
			memcpy(buf + len, part, pl + 1);
			len += pl;
		}
		return buf ? buf : "";
	}
	return rest_json_text(call, v);
}

/* Fields whose changes are not worth a history line: the server's own stamps and values
 * derived from others (the stage's semantics, the contact that mirrors the links). */
static bool history_skips(const struct crm_type *t, const char *name)
{
	static const char *const skip[] = {"DATE_MODIFY", "MODIFY_BY_ID", "MOVED_TIME", "MOVED_BY_ID", "IS_NEW",
					   "CLOSED", "STAGE_SEMANTIC_ID", "STATUS_SEMANTIC_ID", "HAS_PHONE",
					   "HAS_EMAIL", "HAS_IMOL", "DATE_CLOSED", "LAST_ACTIVITY_TIME",
					   "LAST_ACTIVITY_BY", "ID", "DATE_CREATE", "CREATED_BY_ID"};
	for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
		if (!strcmp(skip[i], name))
			return true;
	if ((t->id == CRM_LEAD || t->id == CRM_DEAL) && !strcmp(name, "CONTACT_ID"))
		return true;
	return t->id == CRM_CONTACT && !strcmp(name, "COMPANY_ID");
}

int crm_history_diff(struct crm_ctx *x, int64_t id, json_t *before, json_t *after, const char *now)
{
	struct rest_call *call = x->call;
	int64_t uid = call->auth ? call->auth->user_id : 0;
	const char *k;
	json_t *nv;
	json_object_foreach(after, k, nv)
	{
		if (history_skips(x->t, k))
			continue;
		json_t *ov = json_object_get(before, k);
		const char *o = value_text(call, ov), *n = value_text(call, nv);
		if ((o ? o : "")[0] == 0 && (n ? n : "")[0] == 0)
			continue;
		if (o && n && !strcmp(o, n))
			continue;
		int rc = q_crm_history_add(call->st, x->t->id, id, Q_CRM_HISTORY_UPDATE, k, o, n, uid, now);
		if (rc)
			return crm_fail_store(x, rc);
	}
	/* values that went away entirely (the last phone removed) */
	json_object_foreach(before, k, nv)
	{
		if (json_object_get(after, k) || history_skips(x->t, k))
			continue;
		const char *o = value_text(call, nv);
		if (!o || !*o)
			continue;
		int rc = q_crm_history_add(call->st, x->t->id, id, Q_CRM_HISTORY_UPDATE, k, o, NULL, uid, now);
		if (rc)
			return crm_fail_store(x, rc);
	}
	return 0;
}

static double json_num(struct rest_call *call, json_t *v)
{
	const char *t = value_text(call, v);
	double d = 0;
	if (t && *t)
		parse_double(t, &d);
	return d;
}

static int64_t json_int(struct rest_call *call, json_t *v)
{
	const char *t = value_text(call, v);
	int64_t i = 0;
	if (t && *t)
		parse_i64(t, &i);
	return i;
}

/* After the item row is written: multi-fields, links, statistics, histories, search, event. */
static int finish(struct write *w, char sem)
{
	struct crm_ctx *x = w->x;
	struct rest_call *call = x->call;
	struct store *st = call->st;
	int type = x->t->id;
	if (fm_apply(w) || links_apply(w) || uf_apply(w))
		return -1;
	json_t *after = crm_item_read(x, w->id);
	if (!after)
		return -1;
	if (x->t->stage_field) {
		const char *sf = x->t->stage_field;
		const char *new_stage = value_text(call, json_object_get(after, sf));
		int64_t new_cat = json_int(call, json_object_get(after, "CATEGORY_ID"));
		double new_sum = json_num(call, json_object_get(after, "OPPORTUNITY"));
		if (w->before) {
			const char *old_stage = value_text(call, json_object_get(w->before, sf));
			int64_t old_cat = json_int(call, json_object_get(w->before, "CATEGORY_ID"));
			double old_sum = json_num(call, json_object_get(w->before, "OPPORTUNITY"));
			if (old_cat != new_cat || strcmp(old_stage ? old_stage : "", new_stage ? new_stage : "") ||
			    cents_of(old_sum) != cents_of(new_sum)) {
				if (stats_apply(w, old_cat, old_stage, old_sum, -1) ||
				    stats_apply(w, new_cat, new_stage, new_sum, 1))
					return -1;
			}
		} else if (stats_apply(w, new_cat, new_stage, new_sum, 1)) {
			return -1;
		}
		if (sem) {
			char s[2] = {sem, 0};
			int kind = w->is_add ? 1 : (w->before && json_int(call, json_object_get(w->before, "CATEGORY_ID")) != new_cat) ? 3 : 2;
			int rc = q_crm_stage_history_add(st, type, w->id, kind, new_cat, new_stage, s, w->now);
			if (rc)
				return crm_fail_store(x, rc);
		}
	}
	int rc;
	if (w->is_add) {
		rc = q_crm_history_add(st, type, w->id, x->history_event ? x->history_event : Q_CRM_HISTORY_ADD, "",
				       NULL, NULL, w->uid, w->now);
		if (rc)
			return crm_fail_store(x, rc);
	} else if (crm_history_diff(x, w->id, w->before, after, w->now)) {
		return -1;
	}
	if ((rc = q_crm_search_index(st, type, w->id)) ||
	    (rc = q_crm_event_add(st, type, w->id, w->is_add ? "add" : "update", w->uid)))
		return crm_fail_store(x, rc);
	/* P6: a new responsible, or the responsible of an item moved to another stage, is told, in
	 * this transaction (im/notify.h decides who may hear of it). */
	return im_notify_crm_item(call, type, w->id, w->before, after);
}

static int begin_write(struct write *w, struct crm_ctx *x, bool is_add)
{
	memset(w, 0, sizeof *w);
	w->x = x;
	w->e = q_crm_item_entity(x->t->id);
	w->is_add = is_add;
	w->category = -1;
	char ts[32];
	db_time_utc(time(NULL), ts, sizeof ts);
	w->now = arena_strdup(x->call->arena, ts);
	w->uid = x->call->auth ? x->call->auth->user_id : 0;
	if (!w->now)
		return oom(x);
	return 0;
}

static int stamp(struct write *w)
{
	struct query_value who = w->uid > 0 ? vint(w->uid) : (struct query_value){.kind = QV_NULL};
	if (w->is_add && (put(w, "CREATED_BY_ID", who) || put(w, "DATE_CREATE", vtext(w->now))))
		return -1;
	return put(w, "MODIFY_BY_ID", who) || put(w, "DATE_MODIFY", vtext(w->now)) ? -1 : 0;
}

static int put_uf(void *wp, const struct query_field *f, struct query_value v)
{
	struct write *w = wp;
	return get_set(w, f->name) ? 0 : put(w, f->name, v);
}

/* A lead tied to a company or contact is a repeat lead (IS_RETURN_CUSTOMER), on add and on
 * update; conversion's own linking of the lead does not count. */
static bool repeat_lead(const struct write *w)
{
	const struct query_value *co = get_set(w, "COMPANY_ID");
	return !w->x->converting && ((co && co->kind == QV_INT) || (w->has_links && w->n_links > 0));
}

/* Defaults of a new item that the table's own defaults cannot give. */
static int add_defaults(struct write *w)
{
	struct crm_ctx *x = w->x;
	if (!get_set(w, "ASSIGNED_BY_ID") && w->uid > 0 && put(w, "ASSIGNED_BY_ID", vint(w->uid)))
		return -1;
	if (x->lead_id > 0 && x->t->id != CRM_LEAD && put(w, "LEAD_ID", vint(x->lead_id)))
		return -1;
	if (x->t->id == CRM_DEAL) {
		time_t now = time(NULL);
		char d[16];
		struct tm tm;
		if (!get_set(w, "BEGINDATE")) {
			localtime_r(&now, &tm);
			strftime(d, sizeof d, "%Y-%m-%d", &tm);
			if (put(w, "BEGINDATE", vtext(arena_strdup(x->call->arena, d))))
				return -1;
		}
		if (!get_set(w, "CLOSEDATE")) {
			time_t later = now + 7 * 86400;
			localtime_r(&later, &tm);
			strftime(d, sizeof d, "%Y-%m-%d", &tm);
			if (put(w, "CLOSEDATE", vtext(arena_strdup(x->call->arena, d))))
				return -1;
		}
	}
	if (x->t->id == CRM_LEAD && put(w, "IS_RETURN_CUSTOMER", vtext(repeat_lead(w) ? "Y" : "N")))
		return -1;
	if (crm_uf_defaults(x, w->fields_in, put_uf, w))
		return -1;
	/* Reference-list fields left out take the first value of their list, as Bitrix24 does. */
	for (size_t i = 0; i < w->e->n_fields; i++) {
		const struct query_field *f = &w->e->fields[i];
		const struct crm_field_meta *m = crm_field_meta_of(x->t->id, f);
		if (m->kind != CK_STATUS || !strcmp(f->name, "HONORIFIC") || get_set(w, f->name))
			continue;
		struct q_crm_status_summary sum;
		int rc = q_crm_status_summary(x->call->st, m->status, &sum);
		if (rc)
			return crm_fail_store(x, rc);
		if (sum.start_id[0]) {
			const char *v = arena_strdup(x->call->arena, sum.start_id);
			if (!v || put(w, f->name, vtext(v)))
				return v ? -1 : oom(x);
		}
	}
	return 0;
}

/* A deal or lead without a title is called by its number, as Bitrix24 does. */
static int default_title(struct write *w)
{
	const struct query_value *t = get_set(w, "TITLE");
	if (t && t->kind == QV_TEXT && *t->s)
		return 0;
	if (w->x->t->id == CRM_CONTACT || (w->x->t->id == CRM_COMPANY && w->x->legacy))
		return 0; /* crm.item makes a company without a title; the legacy method refuses it */
	char title[64];
	snprintf(title, sizeof title, "%s #%lld", w->x->t->title_ru, (long long)w->id);
	struct query_set set = {field(w, "TITLE"), vtext(title)};
	int rc = query_update(w->x->call->st, w->x->call->arena, w->e, w->id, &set, 1);
	return rc ? crm_fail_store(w->x, rc) : 0;
}

/* The add right of the new item's entity (its pipeline) at its stage. */
static int may_add(struct write *w)
{
	struct crm_ctx *x = w->x;
	json_t *rec = rest_own(x->call, json_object());
	if (!rec)
		return oom(x);
	json_object_set_new(rec, "CATEGORY_ID", json_integer(w->category > 0 ? w->category : 0));
	if (x->t->stage_field && w->stage)
		json_object_set_new(rec, x->t->stage_field, json_string(w->stage));
	return crm_access_item(x, CRM_OP_ADD, rec, NULL);
}

static int add_body(struct write *w, json_t *fields)
{
	char sem = 0;
	if (collect(w, fields) || add_defaults(w))
		return -1;
	if (w->x->t->stage_field && settle_stage(w, NULL, -1, &sem))
		return -1;
	if (may_add(w))
		return -1;
	if (stamp(w))
		return -1;
	int rc = query_insert(w->x->call->st, w->x->call->arena, w->e, w->sets, w->n_sets, &w->id);
	if (rc)
		return crm_fail_store(w->x, rc);
	if (default_title(w))
		return -1;
	return finish(w, sem);
}

int crm_write_tx(struct crm_ctx *x, int (*body)(struct crm_ctx *x, void *arg), void *arg)
{
	struct store *st = x->call->st;
	int rc = store_tx_begin_write(st);
	if (rc)
		return crm_fail_store(x, rc);
	if (body(x, arg)) {
		store_tx_rollback(st);
		return -1;
	}
	if ((rc = store_tx_commit(st))) {
		store_tx_rollback(st);
		return crm_fail_store(x, rc);
	}
	return 0;
}

struct write_args {
	struct write *w;
	json_t *fields;
	int64_t id;
};

static int add_tx(struct crm_ctx *x, void *arg)
{
	(void)x;
	struct write_args *a = arg;
	return add_body(a->w, a->fields);
}

int crm_item_add(struct crm_ctx *x, json_t *fields, int64_t *id)
{
	struct write w;
	if (begin_write(&w, x, true))
		return -1;
	struct write_args a = {&w, fields, 0};
	if (crm_write_tx(x, add_tx, &a))
		return -1;
	*id = w.id;
	return 0;
}

/* Moving an item to another stage (or pipeline) needs the edit right at the target too. */
static int may_move(struct write *w, int64_t cur_category)
{
	struct crm_ctx *x = w->x;
	json_t *target = w->before;
	if (x->t->id == CRM_DEAL && w->category >= 0 && w->category != cur_category) {
		target = rest_own(x->call, json_deep_copy(w->before));
		if (!target)
			return oom(x);
		json_object_set_new(target, "CATEGORY_ID", json_integer(w->category));
	}
	return crm_access_item(x, CRM_OP_WRITE, target, w->stage);
}

static int update_body(struct write *w, json_t *fields)
{
	struct crm_ctx *x = w->x;
	w->before = crm_item_read(x, w->id);
	if (!w->before || crm_access_item(x, CRM_OP_WRITE, w->before, NULL))
		return -1;
	if (collect(w, fields))
		return -1;
	if (x->t->id == CRM_LEAD && repeat_lead(w) && put(w, "IS_RETURN_CUSTOMER", vtext("Y")))
		return -1;
	char sem = 0;
	if (x->t->stage_field) {
		const char *cur = value_text(x->call, json_object_get(w->before, x->t->stage_field));
		int64_t cat = json_int(x->call, json_object_get(w->before, "CATEGORY_ID"));
		if (settle_stage(w, cur ? cur : "", cat, &sem))
			return -1;
		if (sem && may_move(w, cat))
			return -1;
	}
	if (stamp(w))
		return -1;
	int rc = query_update(x->call->st, x->call->arena, w->e, w->id, w->sets, w->n_sets);
	if (rc)
		return crm_fail_store(x, rc);
	return finish(w, sem);
}

static int update_tx(struct crm_ctx *x, void *arg)
{
	(void)x;
	struct write_args *a = arg;
	return update_body(a->w, a->fields);
}

int crm_item_update(struct crm_ctx *x, int64_t id, json_t *fields)
{
	struct write w;
	if (begin_write(&w, x, false))
		return -1;
	w.id = id;
	struct write_args a = {&w, fields, id};
	return crm_write_tx(x, update_tx, &a);
}

static int delete_body(struct crm_ctx *x, int64_t id)
{
	struct rest_call *call = x->call;
	struct store *st = call->st;
	json_t *before = crm_item_read(x, id);
	if (!before || crm_access_item(x, CRM_OP_DELETE, before, NULL))
		return -1;
	int64_t uid = call->auth ? call->auth->user_id : 0;
	char now[32];
	db_time_utc(time(NULL), now, sizeof now);
	int rc = q_crm_item_delete(st, x->t->id, id);
	if (rc)
		return crm_fail_store(x, rc);
	if (x->t->stage_field) {
		const char *stage = value_text(call, json_object_get(before, x->t->stage_field));
		int64_t cat = json_int(call, json_object_get(before, "CATEGORY_ID"));
		double sum = json_num(call, json_object_get(before, "OPPORTUNITY"));
		if (stage && *stage && (rc = q_crm_stats_apply(st, x->t->id, cat, stage, -1, -cents_of(sum))))
			return crm_fail_store(x, rc);
	}
	const char *title = value_text(call, json_object_get(before, "TITLE"));
	if ((rc = q_crm_history_add(st, x->t->id, id, Q_CRM_HISTORY_DELETE, "", title, NULL, uid, now)) ||
	    (rc = q_crm_search_remove(st, x->t->id, id)) || (rc = q_crm_event_add(st, x->t->id, id, "delete", uid)))
		return crm_fail_store(x, rc);
	return 0;
}

static int delete_tx(struct crm_ctx *x, void *arg)
{
	return delete_body(x, *(int64_t *)arg);
}

int crm_item_delete(struct crm_ctx *x, int64_t id)
{
	return crm_write_tx(x, delete_tx, &id);
}

/* ---- reading ---- */

int crm_item_extras(struct crm_ctx *x, int64_t id, bool want_fm, bool want_links, json_t *row)
{
	struct rest_call *call = x->call;
	const struct query_entity *e = q_crm_item_entity(x->t->id);
	if (want_fm) {
		struct q_crm_fm *fm;
		size_t n;
		int rc = q_crm_fm_list(call->st, call->arena, x->t->id, id, &fm, &n);
		if (rc)
			return crm_fail_store(x, rc);
		for (size_t i = 0; i < n; i++) {
			json_t *arr = json_object_get(row, fm[i].type_id);
			if (!arr) {
				arr = json_array();
				json_object_set_new(row, fm[i].type_id, arr);
			}
			char idbuf[24];
			snprintf(idbuf, sizeof idbuf, "%lld", (long long)fm[i].id);
			json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s}", "ID", idbuf, "VALUE_TYPE",
							     fm[i].value_type, "VALUE", fm[i].value, "TYPE_ID",
							     fm[i].type_id));
		}
	}
	const struct query_field *links = NULL;
	for (size_t i = 0; want_links && i < e->n_fields; i++) {
		const struct crm_field_meta *m = crm_field_meta_of(x->t->id, &e->fields[i]);
		if (m->kind == CK_CONTACTS || m->kind == CK_COMPANIES)
			links = &e->fields[i];
	}
	struct link_dir d = {0};
	if (links && link_dir_of(x->t->id, &d)) {
		struct q_crm_link *l;
		size_t n;
		/* reverse: a company, listing the contacts that link to it */
		int rc = q_crm_link_list(call->st, call->arena, d.owner_type, id, d.linked_type, d.reverse, &l, &n);
		if (rc)
			return crm_fail_store(x, rc);
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_integer(l[i].id));
		json_object_set_new(row, links->name, arr);
	}
	return 0;
}

/* Multi-fields and links of one item into row, for the fields the query selects (all of them
 * when it has no select list). A multi-field not selected is dropped after reading. */
static int add_extras(struct crm_ctx *x, struct query *q, int64_t id, json_t *row)
{
	bool want_fm = false, want_links = false;
	for (size_t i = 0; i < q->ent->n_fields; i++) {
		const struct query_field *f = &q->ent->fields[i];
		if (!(f->flags & QF_MULTIPLE) || (q->select && !query_selects(q, f)))
			continue;
		const struct crm_field_meta *m = crm_field_meta_of(x->t->id, f);
		want_fm |= m->kind == CK_FM;
		want_links |= m->kind == CK_CONTACTS || m->kind == CK_COMPANIES;
	}
	if (crm_item_extras(x, id, want_fm, want_links, row) || crm_uf_read_multi(x, q, id, row))
		return -1;
	for (size_t i = 0; q->select && i < q->ent->n_fields; i++) {
		const struct query_field *f = &q->ent->fields[i];
		if ((f->flags & QF_MULTIPLE) && !query_selects(q, f))
			json_object_del(row, f->name);
	}
	return 0;
}

static json_t *list_row(struct rest_call *call, struct query *q, struct stmt *s, const struct query_field **cols,
			size_t n_cols, void *ctx)
{
	struct crm_ctx *x = ctx;
	json_t *row = rest_row_json(call, q, s, cols, n_cols, NULL);
	if (!row)
		return NULL;
	if (add_extras(x, q, store_col_int(s, 0), row)) {
		json_decref(row);
		return NULL;
	}
	return row;
}

/* A filter on a deal's or lead's CONTACT_ID (a contact's COMPANY_ID) finds the items linked to
 * that contact in any place, not only as the first: the condition moves to the list field. */
static void filter_through_links(struct crm_ctx *x, struct query_cond *c, size_t n)
{
	const char *one = x->t->id == CRM_CONTACT ? "COMPANY_ID" : "CONTACT_ID";
	const char *many = x->t->id == CRM_CONTACT ? "COMPANY_IDS" : "CONTACT_IDS";
	const struct query_entity *e = q_crm_item_entity(x->t->id);
	const struct query_field *from = query_field_find(e, one), *to = query_field_find(e, many);
	if (!from || !to || x->t->id == CRM_COMPANY)
		return;
	for (size_t i = 0; i < n; i++) {
		if (c[i].field == from && c[i].op != QOP_EMPTY && c[i].op != QOP_NOT_EMPTY)
			c[i].field = to;
		else if (!c[i].field)
			filter_through_links(x, c[i].any, c[i].n_any);
	}
}

int crm_item_query(struct crm_ctx *x, struct query *q, json_t *filter, json_t *order, json_t *select)
{
	struct rest_call *call = x->call;
	query_init(q, call->arena, q_crm_item_entity(x->t->id));
	if (rest_filter_parse(call, q, filter) || rest_order_parse(call, q, order) || rest_select_parse(call, q, select)) {
		if (x->legacy)
			call->err = ERR_CRM;
		return -1;
	}
	filter_through_links(x, q->conds, q->n_conds);
	bool none;
	return crm_access_list(x, q, CRM_OP_READ, &none);
}

int crm_item_list(struct crm_ctx *x, json_t *filter, json_t *order, json_t *select)
{
	struct query q;
	if (crm_item_query(x, &q, filter, order, select))
		return -1;
	/* The multi-fields and links are read per row only when selected by name. */
	bool extras = false;
	for (size_t i = 0; q.select && i < q.ent->n_fields; i++)
		if ((q.ent->fields[i].flags & QF_MULTIPLE) && query_selects(&q, &q.ent->fields[i]))
			extras = true;
	return rest_list_run(x->call, &q, extras ? list_row : NULL, x);
}

json_t *crm_item_get(struct crm_ctx *x, int64_t id)
{
	json_t *rec = crm_item_read(x, id);
	return rec && !crm_access_item(x, CRM_OP_READ, rec, NULL) ? rec : NULL;
}

json_t *crm_item_read(struct crm_ctx *x, int64_t id)
{
	struct rest_call *call = x->call;
	struct query q;
	query_init(&q, call->arena, q_crm_item_entity(x->t->id));
	struct query_value *v = arena_alloc(call->arena, sizeof *v);
	if (!v) {
		oom(x);
		return NULL;
	}
	*v = vint(id);
	struct query_cond c = {.field = &q.ent->fields[0], .op = QOP_EQ, .values = v, .n_values = 1};
	if (query_add_cond(&q, &c)) {
		oom(x);
		return NULL;
	}
	size_t n_cols;
	const struct query_field **cols = query_columns(&q, &n_cols);
	struct stmt *s;
	int rc = cols ? query_open(call->st, &q, &s) : STORE_TOOBIG;
	if (rc) {
		crm_fail_store(x, rc);
		return NULL;
	}
	rc = store_step(s);
	json_t *row = NULL;
	if (rc == STORE_ROW)
		row = rest_row_json(call, &q, s, cols, n_cols, NULL);
	store_reset(s);
	if (rc == STORE_OK) {
		crm_fail(x, true, "Not found");
		return NULL;
	}
	if (rc != STORE_ROW) {
		crm_fail_store(x, rc);
		return NULL;
	}
	if (!row) {
		oom(x);
		return NULL;
	}
	rest_own(call, row);
	if (add_extras(x, &q, id, row))
		return NULL;
	return row;
}
