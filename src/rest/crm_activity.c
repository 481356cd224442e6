/* crm_activity.c — the crm.activity.* methods and crm.activity.communication.fields (C6,
 * reference §6.2): meetings, calls, tasks, e-mails and provider activities of a CRM item, with
 * their communications (the phone, e-mail or person each one is with).
 *
 * Writes check each field against a table (types, ranges, lengths, defaults), derive what
 * Bitrix24 derives (STATUS from COMPLETED, DEADLINE from END_TIME then START_TIME, the
 * communication's TYPE from the activity's), stamp AUTHOR_ID / EDITOR_ID / CREATED /
 * LAST_UPDATED, and in one transaction write the row, its communications and the owner item's
 * LAST_ACTIVITY_TIME / LAST_ACTIVITY_BY. OWNER_TYPE_ID, OWNER_ID and TYPE_ID are fixed at
 * creation. IS_READ (Y/N) is Voronka's: the UI's unread mark. */
#include "rest/rest.h"
#include "rest/crm_owned.h"
#include "crm/access.h"
#include "rest/filter.h"
#include "core/arena.h"
#include "core/util.h"
#include "crm/crm.h"
#include "im/notify.h"
#include "store/q_crm_activity.h"
#include "store/q_crm_item.h"
#include "store/q_crm_timeline.h"
#include "store/q_user.h"
#include "store/store.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SETTINGS_MAX (64u << 10) /* bytes of SETTINGS as JSON */
#define COMMS_MAX 100            /* communications of one activity */
#define COMM_VALUE_MAX 255       /* characters of a communication's VALUE */
#define N_SETS 48                /* more than the descriptor has fields */

enum act_type { ACT_MEETING = 1, ACT_CALL = 2, ACT_TASK = 3, ACT_EMAIL = 4, ACT_PROVIDER = 6 };

enum af_flags {
	AF_REQUIRED = 1 << 0,  /* crm.activity.fields isRequired */
	AF_READONLY = 1 << 1,  /* set by the server */
	AF_IMMUTABLE = 1 << 2, /* fixed at creation: update ignores it */
	AF_MULTIPLE = 1 << 3,
	AF_PLAIN = 1 << 4,     /* written as given after the checks of its row (the rest have own code) */
	AF_BYTES = 1 << 5,     /* max counts bytes, not characters */
};

/* Every field: what crm.activity.fields says of it and what the write path checks. */
static const struct act_field {
	const char *name;
	const char *type;   /* crm.activity.fields `type` */
	unsigned flags;     /* enum af_flags */
	int64_t min, max;   /* integers: the range; text: the longest value (characters unless AF_BYTES) */
	const char *def;    /* what an empty value stands for; NULL: SQL NULL */
} act_fields[] = {
	{"ID", "integer", AF_READONLY, 0, 0, NULL},
	{"OWNER_ID", "integer", AF_IMMUTABLE, 0, 0, NULL},
	{"OWNER_TYPE_ID", "crm_enum_ownertype", AF_IMMUTABLE, 0, 0, NULL},
	{"TYPE_ID", "crm_enum_activitytype", AF_REQUIRED | AF_IMMUTABLE, 0, 0, NULL},
	{"PROVIDER_ID", "string", AF_PLAIN, 0, 100, ""},
	{"PROVIDER_TYPE_ID", "string", AF_PLAIN, 0, 100, ""},
	{"ASSOCIATED_ENTITY_ID", "integer", AF_READONLY, 0, 0, NULL},
	{"SUBJECT", "string", AF_REQUIRED, 0, 255, ""},
	{"CREATED", "datetime", AF_READONLY, 0, 0, NULL},
	{"LAST_UPDATED", "datetime", AF_READONLY, 0, 0, NULL},
	{"START_TIME", "datetime", AF_PLAIN, 0, 0, NULL},
	{"END_TIME", "datetime", AF_PLAIN, 0, 0, NULL},
	{"DEADLINE", "datetime", AF_PLAIN, 0, 0, NULL},
	{"COMPLETED", "char", 0, 0, 0, "N"},
	{"STATUS", "crm_enum_activitystatus", 0, 1, 3, "1"},
	{"RESPONSIBLE_ID", "user", AF_REQUIRED, 0, 0, NULL},
	{"PRIORITY", "crm_enum_activitypriority", AF_PLAIN, 1, 3, "2"},
	{"NOTIFY_TYPE", "crm_enum_activitynotifytype", AF_PLAIN, 0, 3, "0"},
	{"NOTIFY_VALUE", "integer", AF_PLAIN, 0, 1000000, "0"},
	{"DESCRIPTION", "string", AF_PLAIN | AF_BYTES, 0, 1 << 20, ""},
	{"DESCRIPTION_TYPE", "crm_enum_contenttype", AF_PLAIN, 1, 3, "1"},
	{"DIRECTION", "crm_enum_activitydirection", AF_PLAIN, 0, 2, "0"},
	{"LOCATION", "string", AF_PLAIN, 0, 255, ""},
	{"SETTINGS", "object", 0, 0, 0, NULL},
	{"ORIGINATOR_ID", "string", AF_PLAIN, 0, 255, ""},
	{"ORIGIN_ID", "string", AF_PLAIN, 0, 255, ""},
	{"AUTHOR_ID", "user", AF_READONLY, 0, 0, NULL},
	{"EDITOR_ID", "user", AF_READONLY, 0, 0, NULL},
	{"IS_READ", "char", AF_PLAIN, 0, 0, "N"},
	{"COMMUNICATIONS", "crm_activity_communication", AF_REQUIRED | AF_MULTIPLE, 0, 0, NULL}, /* no column */
};
#define N_ACT_FIELDS (sizeof act_fields / sizeof act_fields[0])

static const struct query_field *afield(const char *name)
{
	return query_field_find(&q_crm_activity_entity, name);
}

static int oom(struct rest_call *call)
{
	return rest_fail(call, ERR_INTERNAL, "Out of memory");
}

static bool is_empty(json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
	       (json_is_array(v) && json_array_size(v) == 0);
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}


/* ---- the write path ---- */

/* One add or update being built. */
struct act_write {
	bool is_add;
	struct query_set sets[N_SETS];
	size_t n;
	int64_t owner_type, owner_id, type_id; /* add: from the fields; update: the row's */
	int64_t responsible;                   /* to check exists; 0: not changed */
	bool comms_given;
	struct q_crm_comm *comms;
	size_t n_comms;
};

/* Set a column's value (once: a later set of the same field replaces the earlier). */
static void put(struct act_write *w, const char *name, struct query_value v)
{
	const struct query_field *f = afield(name);
	for (size_t i = 0; i < w->n; i++)
		if (w->sets[i].field == f) {
			w->sets[i].value = v;
			return;
		}
	if (f && w->n < N_SETS)
		w->sets[w->n++] = (struct query_set){f, v};
}

static struct query_value text_value(const char *s)
{
	return s ? (struct query_value){.kind = QV_TEXT, .s = s} : (struct query_value){.kind = QV_NULL};
}

static struct query_value int_value(int64_t i)
{
	return (struct query_value){.kind = QV_INT, .i = i};
}

/* The value an empty input stands for, in the field's type. */
static struct query_value default_of(const struct query_field *f, const struct act_field *a)
{
	if (!a->def)
		return text_value(NULL);
	if (f->type == QT_INT) {
		int64_t i = 0;
		parse_i64(a->def, &i);
		return int_value(i);
	}
	return text_value(a->def);
}

/* A field of the AF_PLAIN kind: parsed in its type, then its range or length. */
static int plain_value(struct rest_call *call, const struct act_field *a, json_t *v, struct query_value *out)
{
	const struct query_field *f = afield(a->name);
	if (rest_value_parse(call, f, v, out))
		return -1;
	if (out->kind == QV_NULL) {
		*out = default_of(f, a);
		return 0;
	}
	if (f->type == QT_INT && (out->i < a->min || out->i > a->max))
		return rest_fail(call, ERR_ARGUMENT, "The field %s is invalid: expected %" PRId64 " to %" PRId64, a->name,
				 a->min, a->max);
	if (f->type == QT_STRING && a->max) {
		size_t len = a->flags & AF_BYTES ? strlen(out->s) : utf8_chars(out->s);
		if (len > (size_t)a->max)
			return rest_fail(call, ERR_ARGUMENT, "The field %s is longer than %" PRId64 " %s", a->name, a->max,
					 a->flags & AF_BYTES ? "bytes" : "characters");
	}
	return 0;
}

static int plain_fields(struct rest_call *call, json_t *fields, struct act_write *w)
{
	for (size_t i = 0; i < N_ACT_FIELDS; i++) {
		const struct act_field *a = &act_fields[i];
		json_t *v = (a->flags & AF_PLAIN) ? rest_field_ci(fields, a->name) : NULL;
		struct query_value qv;
		if (!v)
			continue;
		if (plain_value(call, a, v, &qv))
			return -1;
		put(w, a->name, qv);
	}
	return 0;
}

static const struct act_field *act_field(const char *name)
{
	for (size_t i = 0; i < N_ACT_FIELDS; i++)
		if (!strcmp(act_fields[i].name, name))
			return &act_fields[i];
	return NULL;
}

/* The value a plain field gets in this write, as text (NULL: not set or SQL NULL). */
static const char *set_text(const struct act_write *w, const char *name, bool *is_set)
{
	const struct query_field *f = afield(name);
	for (size_t i = 0; i < w->n; i++)
		if (w->sets[i].field == f) {
			*is_set = true;
			return w->sets[i].value.kind == QV_TEXT ? w->sets[i].value.s : NULL;
		}
	*is_set = false;
	return NULL;
}

static bool valid_type(int64_t t)
{
	static const int64_t types[] = {ACT_MEETING, ACT_CALL, ACT_TASK, ACT_EMAIL, ACT_PROVIDER};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (types[i] == t)
			return true;
	return false;
}

/* add: OWNER_TYPE_ID, OWNER_ID and TYPE_ID. */
static int owner_fields(struct rest_call *call, json_t *fields, struct act_write *w)
{
	w->owner_type = rest_pos_int(rest_field_ci(fields, "OWNER_TYPE_ID"));
	if (!crm_type_by_id(w->owner_type))
		return rest_fail(call, ERR_ARGUMENT, "The field OWNER_TYPE_ID is not defined or invalid.");
	w->owner_id = rest_pos_int(rest_field_ci(fields, "OWNER_ID"));
	if (!w->owner_id)
		return rest_fail(call, ERR_ARGUMENT, "The field OWNER_ID is not defined or invalid.");
	w->type_id = rest_pos_int(rest_field_ci(fields, "TYPE_ID"));
	if (!valid_type(w->type_id))
		return rest_fail(call, ERR_ARGUMENT, "The field TYPE_ID is not defined or invalid.");
	put(w, "OWNER_TYPE_ID", int_value(w->owner_type));
	put(w, "OWNER_ID", int_value(w->owner_id));
	put(w, "TYPE_ID", int_value(w->type_id));
	return 0;
}

/* SUBJECT: required on add, never empty. */
static int subject_field(struct rest_call *call, json_t *fields, struct act_write *w)
{
	json_t *v = rest_field_ci(fields, "SUBJECT");
	if (!v && !w->is_add)
		return 0;
	const char *s = v && !json_is_object(v) && !json_is_array(v) ? rest_json_text(call, v) : NULL;
	if (!s || !s[strspn(s, " \t\r\n")])
		return rest_fail(call, ERR_ARGUMENT, "The field SUBJECT is not defined or empty.");
	if (utf8_chars(s) > (size_t)act_field("SUBJECT")->max)
		return rest_fail(call, ERR_ARGUMENT, "The field SUBJECT is longer than %" PRId64 " characters",
				 act_field("SUBJECT")->max);
	put(w, "SUBJECT", text_value(s));
	return 0;
}

/* RESPONSIBLE_ID: a user (checked in the transaction); the caller when add has none. */
static int responsible_field(struct rest_call *call, json_t *fields, struct act_write *w)
{
	json_t *v = rest_field_ci(fields, "RESPONSIBLE_ID");
	if (!v && !w->is_add)
		return 0;
	w->responsible = v ? rest_pos_int(v) : rest_caller_id(call);
	if (!w->responsible)
		return rest_fail(call, ERR_ARGUMENT, "The field RESPONSIBLE_ID is not defined or invalid.");
	put(w, "RESPONSIBLE_ID", int_value(w->responsible));
	return 0;
}

/* COMPLETED and STATUS move together: STATUS is 2 when completed, 1 otherwise; a STATUS given
 * alone (3: auto-completed) sets COMPLETED. */
static int status_fields(struct rest_call *call, json_t *fields, struct act_write *w)
{
	json_t *c = rest_field_ci(fields, "COMPLETED"), *s = rest_field_ci(fields, "STATUS");
	if (c && !is_empty(c)) {
		int b = rest_json_bool(c);
		if (b < 0)
			return rest_fail(call, ERR_ARGUMENT, "The field COMPLETED is invalid: expected Y or N");
		put(w, "COMPLETED", text_value(b ? "Y" : "N"));
		put(w, "STATUS", int_value(b ? 2 : 1));
		return 0;
	}
	if (s && !is_empty(s)) {
		int64_t st = rest_pos_int(s);
		if (st < 1 || st > 3)
			return rest_fail(call, ERR_ARGUMENT, "The field STATUS is invalid: expected 1 to 3");
		put(w, "COMPLETED", text_value(st >= 2 ? "Y" : "N"));
		put(w, "STATUS", int_value(st));
		return 0;
	}
	if (w->is_add || c || s) { /* add, or an empty value: not completed */
		put(w, "COMPLETED", text_value("N"));
		put(w, "STATUS", int_value(1));
	}
	return 0;
}

/* SETTINGS: an object, kept as JSON. */
static int settings_field(struct rest_call *call, json_t *fields, struct act_write *w)
{
	json_t *v = rest_field_ci(fields, "SETTINGS");
	if (!v && !w->is_add)
		return 0;
	if (is_empty(v)) {
		put(w, "SETTINGS", text_value("{}"));
		return 0;
	}
	if (!json_is_object(v))
		return rest_fail(call, ERR_ARGUMENT, "The field SETTINGS is invalid: expected an object");
	char *s = json_dumps(v, JSON_COMPACT);
	const char *text = s ? arena_strdup(call->arena, s) : NULL;
	size_t len = s ? strlen(s) : 0;
	free(s);
	if (!text)
		return oom(call);
	if (len > SETTINGS_MAX)
		return rest_fail(call, ERR_ARGUMENT, "The field SETTINGS is longer than %u bytes", SETTINGS_MAX);
	put(w, "SETTINGS", text_value(text));
	return 0;
}

/* DEADLINE, when not given: END_TIME, then START_TIME (the values after this write). */
static void deadline_field(struct act_write *w, const struct q_crm_activity_brief *row)
{
	bool has_deadline, has_start, has_end;
	set_text(w, "DEADLINE", &has_deadline);
	const char *start = set_text(w, "START_TIME", &has_start);
	const char *end = set_text(w, "END_TIME", &has_end);
	if (has_deadline || (!w->is_add && !has_start && !has_end))
		return;
	if (!has_start && row && *row->start_time)
		start = row->start_time;
	if (!has_end && row && *row->end_time)
		end = row->end_time;
	put(w, "DEADLINE", text_value(end ? end : start));
}

/* ---- communications ---- */

static const char *default_comm_type(int64_t type_id)
{
	return type_id == ACT_CALL ? "PHONE" : type_id == ACT_EMAIL ? "EMAIL" : "";
}

/* One communication {VALUE, ENTITY_ID, ENTITY_TYPE_ID, TYPE}; the item defaults to the owner. */
static int comm_parse(struct rest_call *call, const struct act_write *w, json_t *o, struct q_crm_comm *c)
{
	static const char *const types[] = {"", "PHONE", "EMAIL"};
	if (!json_is_object(o))
		return rest_fail(call, ERR_ARGUMENT, "The field COMMUNICATIONS is not defined or invalid.");
	json_t *v = rest_field_ci(o, "VALUE");
	c->value = v && !json_is_object(v) && !json_is_array(v) ? rest_json_text(call, v) : "";
	if (!c->value)
		c->value = "";
	if (utf8_chars(c->value) > COMM_VALUE_MAX)
		return rest_fail(call, ERR_ARGUMENT, "COMMUNICATIONS: VALUE is longer than %d characters", COMM_VALUE_MAX);
	json_t *et = rest_field_ci(o, "ENTITY_TYPE_ID"), *ei = rest_field_ci(o, "ENTITY_ID");
	c->entity_type_id = is_empty(et) ? w->owner_type : rest_pos_int(et);
	c->entity_id = is_empty(ei) ? w->owner_id : rest_pos_int(ei);
	if (!crm_type_by_id(c->entity_type_id) || !c->entity_id || is_empty(et) != is_empty(ei))
		return rest_fail(call, ERR_ARGUMENT, "COMMUNICATIONS: ENTITY_TYPE_ID and ENTITY_ID must name a CRM item");
	json_t *t = rest_field_ci(o, "TYPE");
	const char *type = is_empty(t) ? default_comm_type(w->type_id) : json_string_value(t);
	c->type = NULL;
	for (size_t i = 0; type && i < sizeof types / sizeof types[0]; i++)
		if (!strcasecmp(type, types[i]))
			c->type = types[i];
	if (!c->type)
		return rest_fail(call, ERR_ARGUMENT, "COMMUNICATIONS: TYPE must be PHONE, EMAIL or empty");
	if ((w->type_id == ACT_CALL || w->type_id == ACT_EMAIL) && !*c->value)
		return rest_fail(call, ERR_ARGUMENT, "COMMUNICATIONS: VALUE is empty");
	if (!strcmp(c->type, "EMAIL") && *c->value && !strchr(c->value, '@'))
		return rest_fail(call, ERR_ARGUMENT, "COMMUNICATIONS: '%.80s' is not an e-mail address", c->value);
	return 0;
}

/* COMMUNICATIONS: required (not empty) for meetings, calls and e-mails; one at most for meetings
 * and calls, as Bitrix24 has it. Needs w->type_id and the owner. */
static int comms_field(struct rest_call *call, json_t *fields, struct act_write *w)
{
	json_t *v = rest_field_ci(fields, "COMMUNICATIONS");
	if (!v && !w->is_add)
		return 0;
	w->comms_given = true;
	w->n_comms = 0;
	size_t n = is_empty(v) ? 0 : json_is_array(v) ? json_array_size(v) : json_is_object(v) ? json_object_size(v) : 1;
	if (n > COMMS_MAX)
		return rest_fail(call, ERR_ARGUMENT, "COMMUNICATIONS: at most %d", COMMS_MAX);
	if (n == 0 && (w->type_id == ACT_MEETING || w->type_id == ACT_CALL || w->type_id == ACT_EMAIL))
		return rest_fail(call, ERR_ARGUMENT, "The field COMMUNICATIONS is not defined or invalid.");
	if (n > 1 && (w->type_id == ACT_MEETING || w->type_id == ACT_CALL))
		return rest_fail(call, ERR_ARGUMENT, "The only one communication is allowed for activity of specified type.");
	if (n == 0)
		return 0;
	w->comms = arena_alloc(call->arena, n * sizeof *w->comms);
	if (!w->comms)
		return oom(call);
	if (json_is_array(v)) {
		size_t i;
		json_t *o;
		json_array_foreach(v, i, o)
		{
			if (comm_parse(call, w, o, &w->comms[w->n_comms++]))
				return -1;
		}
		return 0;
	}
	/* one object: a communication itself, or a PHP map of them */
	if (json_is_object(v) && !rest_field_ci(v, "VALUE") && !rest_field_ci(v, "ENTITY_ID")) {
		const char *k;
		json_t *o;
		json_object_foreach(v, k, o)
		{
			if (comm_parse(call, w, o, &w->comms[w->n_comms++]))
				return -1;
		}
		return 0;
	}
	w->n_comms = 1;
	return comm_parse(call, w, v, &w->comms[0]);
}

/* ---- checks inside the transaction ---- */

static int item_exists(struct rest_call *call, int64_t type, int64_t id, const char *what)
{
	bool exists;
	int rc = q_crm_item_exists(call->st, type, id, &exists);
	if (rc)
		return rest_fail_store(call, rc);
	if (!exists)
		return rest_fail(call, ERR_NOT_FOUND, "%s: the item (%s %" PRId64 ") is not found.", what,
				 crm_type_by_id(type) ? crm_type_by_id(type)->lower : "?", id);
	return 0;
}

static int references_exist(struct rest_call *call, const struct act_write *w)
{
	if (w->responsible) {
		bool exists;
		int rc = q_user_exists(call->st, w->responsible, &exists);
		if (rc)
			return rest_fail_store(call, rc);
		if (!exists)
			return rest_fail(call, ERR_ARGUMENT, "The field RESPONSIBLE_ID is not defined or invalid.");
	}
	for (size_t i = 0; i < w->n_comms; i++) {
		const struct q_crm_comm *c = &w->comms[i];
		bool same = c->entity_type_id == w->owner_type && c->entity_id == w->owner_id;
		if (!same && item_exists(call, c->entity_type_id, c->entity_id, "COMMUNICATIONS"))
			return -1;
	}
	return 0;
}

static int write_comms(struct rest_call *call, int64_t id, const struct act_write *w)
{
	if (!w->comms_given)
		return 0;
	int rc = w->is_add ? 0 : q_crm_activity_comm_clear(call->st, id);
	for (size_t i = 0; !rc && i < w->n_comms; i++)
		rc = q_crm_activity_comm_add(call->st, id, &w->comms[i]);
	return rc ? rest_fail_store(call, rc) : 0;
}

/* The fields every write reads the same way (after the owner and type are known). */
static int common_fields(struct rest_call *call, json_t *fields, struct act_write *w)
{
	if (plain_fields(call, fields, w) || subject_field(call, fields, w) || responsible_field(call, fields, w) ||
	    status_fields(call, fields, w) || settings_field(call, fields, w) || comms_field(call, fields, w))
		return -1;
	return 0;
}

static struct query_value who(struct rest_call *call)
{
	return rest_caller_id(call) ? int_value(rest_caller_id(call)) : text_value(NULL);
}

static int activity_add_tx(struct rest_call *call, struct act_write *w, int64_t *id)
{
	if (item_exists(call, w->owner_type, w->owner_id, "OWNER_ID") ||
	    crm_access_owner(call, w->owner_type, w->owner_id, CRM_OP_WRITE) || references_exist(call, w))
		return -1;
	int rc = query_insert(call->st, call->arena, &q_crm_activity_entity, w->sets, w->n, id);
	if (rc)
		return rest_fail_store(call, rc);
	bool unused;
	const char *now = set_text(w, "CREATED", &unused);
	if (write_comms(call, *id, w) || rest_crm_touch_owner(call, w->owner_type, w->owner_id, now))
		return -1;
	/* P6: a responsible other than the caller is told (im/notify.h) */
	return im_notify_crm_activity(call, w->owner_type, w->owner_id, *id, w->responsible,
				      set_text(w, "SUBJECT", &unused));
}

/* An activity given to a new responsible by an update: they are told (P6), with its subject as
 * it is now. */
static int tell_responsible(struct rest_call *call, int64_t id, const struct act_write *w, int64_t was)
{
	if (!w->responsible || w->responsible == was || w->responsible == rest_caller_id(call))
		return 0;
	bool given;
	const char *subject = set_text(w, "SUBJECT", &given);
	json_t *by_id = given ? NULL : rest_own(call, json_object());
	if (!given && (!by_id || rest_crm_activity_records(call, &id, 1, by_id)))
		return by_id ? -1 : oom(call);
	if (!given)
		subject = json_string_value(json_object_get(json_object_iter_value(json_object_iter(by_id)), "SUBJECT"));
	return im_notify_crm_activity(call, w->owner_type, w->owner_id, id, w->responsible, subject);
}

int rest_crm_activity_add(struct rest_call *call)
{
	json_t *fields = rest_write_fields(call);
	struct act_write *w = arena_alloc(call->arena, sizeof *w);
	const char *now = rest_now_db(call);
	if (!w || !now)
		return oom(call);
	w->is_add = true;
	if (owner_fields(call, fields, w) || common_fields(call, fields, w))
		return -1;
	bool has_provider;
	const char *provider = set_text(w, "PROVIDER_ID", &has_provider);
	if (w->type_id == ACT_PROVIDER && (!provider || !*provider))
		return rest_fail(call, ERR_ARGUMENT, "The custom activity without provider is not supported in current context.");
	deadline_field(w, NULL);
	put(w, "ASSOCIATED_ENTITY_ID", int_value(0));
	put(w, "AUTHOR_ID", who(call));
	put(w, "EDITOR_ID", who(call));
	put(w, "CREATED", text_value(now));
	put(w, "LAST_UPDATED", text_value(now));
	int64_t id = 0;
	if (rest_tx_begin(call) || rest_tx_end(call, activity_add_tx(call, w, &id)))
		return -1;
	call->result = json_integer(id);
	return 0;
}

static int activity_update_tx(struct rest_call *call, int64_t id, json_t *fields, struct act_write *w,
			      const char *now)
{
	struct q_crm_activity_brief row;
	int rc = q_crm_activity_brief(call->st, id, &row);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Activity is not found.");
	if (rc)
		return rest_fail_store(call, rc);
	w->owner_type = row.owner_type_id;
	w->owner_id = row.owner_id;
	w->type_id = row.type_id;
	if (crm_access_owner(call, row.owner_type_id, row.owner_id, CRM_OP_WRITE))
		return -1;
	if (common_fields(call, fields, w) || references_exist(call, w))
		return -1;
	bool has_provider;
	const char *provider = set_text(w, "PROVIDER_ID", &has_provider);
	if (w->type_id == ACT_PROVIDER && has_provider && (!provider || !*provider))
		return rest_fail(call, ERR_ARGUMENT, "The custom activity without provider is not supported in current context.");
	deadline_field(w, &row);
	put(w, "EDITOR_ID", who(call));
	put(w, "LAST_UPDATED", text_value(now));
	rc = query_update(call->st, call->arena, &q_crm_activity_entity, id, w->sets, w->n);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Activity is not found.");
	if (rc)
		return rest_fail_store(call, rc);
	return write_comms(call, id, w) || rest_crm_touch_owner(call, w->owner_type, w->owner_id, now) ||
		       tell_responsible(call, id, w, row.responsible_id)
		       ? -1
		       : 0;
}

int rest_crm_activity_update(struct rest_call *call)
{
	int64_t id;
	if (rest_id_param(call, &id))
		return -1;
	json_t *fields = rest_write_fields(call);
	struct act_write *w = arena_alloc(call->arena, sizeof *w);
	const char *now = rest_now_db(call);
	if (!w || !now)
		return oom(call);
	if (rest_tx_begin(call) || rest_tx_end(call, activity_update_tx(call, id, fields, w, now)))
		return -1;
	call->result = json_true();
	return 0;
}

static int activity_delete_tx(struct rest_call *call, int64_t id, const char *now)
{
	struct q_crm_activity_brief row;
	int rc = q_crm_activity_brief(call->st, id, &row);
	if (!rc && crm_access_owner(call, row.owner_type_id, row.owner_id, CRM_OP_WRITE))
		return -1;
	if (!rc)
		rc = q_crm_activity_delete(call->st, id);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Activity is not found.");
	if (rc)
		return rest_fail_store(call, rc);
	return rest_crm_touch_owner(call, row.owner_type_id, row.owner_id, now);
}

int rest_crm_activity_delete(struct rest_call *call)
{
	int64_t id;
	if (rest_id_param(call, &id))
		return -1;
	const char *now = rest_now_db(call);
	if (!now)
		return oom(call);
	if (rest_tx_begin(call) || rest_tx_end(call, activity_delete_tx(call, id, now)))
		return -1;
	call->result = json_true();
	return 0;
}

/* ---- reading ---- */

static json_t *comms_json(struct rest_call *call, int64_t activity_id)
{
	struct q_crm_comm *c;
	size_t n;
	if (q_crm_activity_comms(call->st, call->arena, activity_id, &c, &n))
		return NULL;
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		char id[24], act[24], eid[24], etype[24];
		snprintf(id, sizeof id, "%" PRId64, c[i].id);
		snprintf(act, sizeof act, "%" PRId64, activity_id);
		snprintf(eid, sizeof eid, "%" PRId64, c[i].entity_id);
		snprintf(etype, sizeof etype, "%" PRId64, c[i].entity_type_id);
		json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "ID", id, "ACTIVITY_ID", act, "TYPE",
						     c[i].type, "VALUE", c[i].value, "ENTITY_ID", eid, "ENTITY_TYPE_ID",
						     etype));
	}
	return out;
}

/* SETTINGS as a JSON value; an empty one is [] as PHP shows an empty array. */
static json_t *settings_json(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);
	if (!json_is_object(v) || json_object_size(v) == 0) {
		json_decref(v);
		return json_array();
	}
	return v;
}

/* A row as Bitrix24 shows it; ctx (bool *) asks for COMMUNICATIONS too. */
static json_t *activity_row(struct rest_call *call, struct query *q, struct stmt *s, const struct query_field **cols,
			    size_t n_cols, void *ctx)
{
	(void)q;
	json_t *row = json_object();
	for (size_t i = 0; i < n_cols; i++) {
		int col = (int)i + 1;
		json_t *v = strcmp(cols[i]->name, "SETTINGS") ? rest_field_json(call, cols[i], s, col)
							       : settings_json(store_col_text(s, col));
		json_object_set_new(row, cols[i]->name, v);
	}
	if (ctx && *(bool *)ctx) {
		json_t *c = comms_json(call, store_col_int(s, 0));
		if (!c) {
			json_decref(row);
			rest_fail(call, ERR_INTERNAL, "Internal server error");
			return NULL;
		}
		json_object_set_new(row, "COMMUNICATIONS", c);
	}
	return row;
}

/* Defined here for the merged timeline (crm_timeline.c): every field and COMMUNICATIONS of the
 * activities with these ids, into by_id keyed by the id as text. */
int rest_crm_activity_records(struct rest_call *call, const int64_t *ids, size_t n, json_t *by_id)
{
	if (n == 0)
		return 0;
	struct query q;
	query_init(&q, call->arena, &q_crm_activity_entity);
	struct query_value *v = arena_alloc(call->arena, n * sizeof *v);
	if (!v)
		return oom(call);
	for (size_t i = 0; i < n; i++)
		v[i] = int_value(ids[i]);
	struct query_cond c = {.field = afield("ID"), .op = n == 1 ? QOP_EQ : QOP_IN, .values = v, .n_values = n};
	if (query_add_cond(&q, &c))
		return oom(call);
	size_t n_cols;
	const struct query_field **cols = query_columns(&q, &n_cols);
	struct stmt *s;
	int rc = cols ? query_open(call->st, &q, &s) : STORE_TOOBIG;
	if (rc)
		return rest_fail_store(call, rc);
	bool with_comms = true;
	while ((rc = store_step(s)) == STORE_ROW) {
		char key[24];
		snprintf(key, sizeof key, "%" PRId64, store_col_int(s, 0));
		json_t *row = activity_row(call, &q, s, cols, n_cols, &with_comms);
		if (!row || json_object_set_new(by_id, key, row)) {
			store_reset(s);
			return call->err_desc ? -1 : oom(call);
		}
	}
	store_reset(s);
	return rc < 0 ? rest_fail_store(call, rc) : 0;
}

int rest_crm_activity_get(struct rest_call *call)
{
	int64_t id;
	if (rest_id_param(call, &id))
		return -1;
	json_t *by_id = rest_own(call, json_object());
	if (!by_id)
		return oom(call);
	if (rest_crm_activity_records(call, &id, 1, by_id))
		return -1;
	json_t *row = json_object_iter_value(json_object_iter(by_id));
	if (!row)
		return rest_fail(call, ERR_NOT_FOUND, "Activity is not found.");
	if (crm_access_record(call, row, "OWNER_TYPE_ID", "OWNER_ID", CRM_OP_READ))
		return -1;
	call->result = json_incref(row);
	return 0;
}

/* Does select name COMMUNICATIONS? (it has no column: the engine skips it) */
static bool selects_comms(json_t *select)
{
	if (json_is_string(select))
		return !strcasecmp(json_string_value(select), "COMMUNICATIONS");
	size_t i;
	json_t *v;
	const char *k;
	if (json_is_array(select)) {
		json_array_foreach(select, i, v)
		{
			if (json_is_string(v) && !strcasecmp(json_string_value(v), "COMMUNICATIONS"))
				return true;
		}
	} else if (json_is_object(select)) {
		json_object_foreach(select, k, v)
		{
			if (json_is_string(v) && !strcasecmp(json_string_value(v), "COMMUNICATIONS"))
				return true;
		}
	}
	return false;
}

int rest_crm_activity_list(struct rest_call *call)
{
	struct query q;
	query_init(&q, call->arena, &q_crm_activity_entity);
	json_t *select = rest_param(call, "SELECT");
	if (rest_filter_parse(call, &q, rest_param(call, "FILTER")) || rest_order_parse(call, &q, rest_param(call, "ORDER")) ||
	    rest_select_parse(call, &q, select))
		return -1;
	bool with_comms = selects_comms(select);
	if (crm_access_owned(call, &q, "OWNER_TYPE_ID", "OWNER_ID", CRM_OP_READ))
		return -1;
	return rest_list_run(call, &q, activity_row, &with_comms);
}

static json_t *field_desc(const char *type, unsigned flags, const char *title)
{
	return json_pack("{s:s,s:b,s:b,s:b,s:b,s:b,s:s}", "type", type, "isRequired", (flags & AF_REQUIRED) != 0,
			 "isReadOnly", (flags & AF_READONLY) != 0, "isImmutable", (flags & AF_IMMUTABLE) != 0,
			 "isMultiple", (flags & AF_MULTIPLE) != 0, "isDynamic", 0, "title", title);
}

int rest_crm_activity_fields(struct rest_call *call)
{
	json_t *out = json_object();
	for (size_t i = 0; i < N_ACT_FIELDS; i++) {
		const struct act_field *a = &act_fields[i];
		const struct query_field *f = afield(a->name);
		json_object_set_new(out, a->name, field_desc(a->type, a->flags, f ? f->title : "Communication Channel"));
	}
	call->result = out;
	return 0;
}

int rest_crm_activity_communication_fields(struct rest_call *call)
{
	static const struct {
		const char *name, *type, *title;
		unsigned flags;
	} comm_fields[] = {
		{"ID", "integer", "ID", AF_READONLY},
		{"ACTIVITY_ID", "integer", "Activity", AF_READONLY},
		{"ENTITY_ID", "integer", "Entity ID", 0},
		{"ENTITY_TYPE_ID", "integer", "Entity Type", 0},
		{"TYPE", "string", "Type", 0},
		{"VALUE", "string", "Value", 0},
	};
	json_t *out = json_object();
	for (size_t i = 0; i < sizeof comm_fields / sizeof comm_fields[0]; i++)
		json_object_set_new(out, comm_fields[i].name,
				    field_desc(comm_fields[i].type, comm_fields[i].flags, comm_fields[i].title));
	call->result = out;
	return 0;
}
