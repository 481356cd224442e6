/* crm_timeline.c — the crm.timeline.comment.* methods (C6, reference §6.1), Voronka's pins
 * (voronka.crm.timeline.comment.pin / unpin: Bitrix24 has no REST for them) and the merged
 * timeline of one item the card shows (voronka.crm.timeline.list).
 *
 * A comment belongs to one item (ENTITY_TYPE "deal" + ENTITY_ID), which must exist when it is
 * written. FILES arrive as Bitrix24's [["name","base64"],…] (or {"fileData":[…]}); until a drive
 * exists only their name, size and kind are kept (the `files` JSON column) and the URLs are
 * empty. Every write also stamps the item's LAST_ACTIVITY_TIME / LAST_ACTIVITY_BY, in the same
 * transaction. Only the author or an administrator may change or delete a comment. */
#include "rest/rest.h"
#include "rest/crm_owned.h"
#include "crm/access.h"
#include "rest/filter.h"
#include "core/arena.h"
#include "core/util.h"
#include "crm/crm.h"
#include "im/notify.h"
#include "store/q_crm_item.h"
#include "store/q_crm_timeline.h"
#include "store/q_user.h"
#include "store/store.h"
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define COMMENT_MAX (1u << 20)      /* bytes of COMMENT */
#define FILES_MAX_BYTES (10u << 20) /* decoded bytes of all the files of one comment */
#define FILES_MAX_COUNT 100         /* files on one comment */
#define FILE_NAME_MAX 255           /* bytes of a file name */
#define B64_SPACE " \t\r\n"         /* line breaks that encoders put into base64, ignored */

/* The records of activities by id, keyed by the id as text (crm_activity.c: the activity's row
 * format lives there; the merged timeline below needs it). */

static const struct query_field *cfield(const char *name)
{
	return query_field_find(&q_crm_timeline_comment_entity, name);
}

static int oom(struct rest_call *call)
{
	return rest_fail(call, ERR_INTERNAL, "Out of memory");
}


/* ---- files ---- */

struct file_kind {
	bool is_image; /* a GIF, PNG or JPEG whose size we could read */
	uint32_t width, height;
};

static uint32_t be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
	return be16(p) << 16 | be16(p + 2);
}

/* JPEG: walk the segments to the first frame header (SOF0..SOF15 but DHT, JPG and DAC). */
static void sniff_jpeg(const unsigned char *b, size_t n, struct file_kind *k)
{
	size_t i = 2;
	while (i + 9 < n && b[i] == 0xFF) {
		unsigned m = b[i + 1];
		if (m == 0xFF) { /* fill byte */
			i++;
			continue;
		}
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			*k = (struct file_kind){true, be16(b + i + 7), be16(b + i + 5)};
			return;
		}
		uint32_t len = be16(b + i + 2);
		if (len < 2)
			return;
		i += 2 + len;
	}
}

/* Bitrix24 shows type "image" with the picture's size for images, "file" otherwise. */
static void sniff(const unsigned char *b, size_t n, struct file_kind *k)
{
	*k = (struct file_kind){0};
	if (n >= 10 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6)))
		*k = (struct file_kind){true, (uint32_t)b[6] | (uint32_t)b[7] << 8, (uint32_t)b[8] | (uint32_t)b[9] << 8};
	else if (n >= 24 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8) && !memcmp(b + 12, "IHDR", 4))
		*k = (struct file_kind){true, be32(b + 16), be32(b + 20)};
	else if (n >= 4 && b[0] == 0xFF && b[1] == 0xD8)
		sniff_jpeg(b, n, k);
}

struct files_ctx {
	json_t *out;             /* the new list of file objects */
	json_t *old;             /* the comment's current list (update), or NULL */
	size_t total;            /* decoded bytes so far */
	int64_t next_id;         /* ids count up within one comment: there is no drive to number them */
	const char *now;
	int64_t author_id;
	const char *author_name; /* looked up at the first upload */
};

/* The decoded size of base64 text, from its length without spaces and padding. */
static size_t b64_decoded_len(const char *b64, size_t len)
{
	size_t chars = 0, pad = 0;
	for (size_t i = 0; i < len; i++) {
		if (strchr(B64_SPACE, b64[i]))
			continue;
		chars++;
		pad += b64[i] == '=';
	}
	chars -= pad;
	return chars / 4 * 3 + (chars % 4 ? chars % 4 - 1 : 0);
}

static int file_decode(struct rest_call *call, struct files_ctx *fc, const char *name, const char *b64, size_t *size,
		       struct file_kind *kind)
{
	size_t len = strlen(b64);
	size_t want = b64_decoded_len(b64, len);
	if (fc->total + want > FILES_MAX_BYTES)
		return rest_fail(call, ERR_ARGUMENT, "FILES: the files of one comment may hold at most %u bytes",
				 FILES_MAX_BYTES);
	unsigned char *bin = arena_alloc(call->arena, want + 1);
	if (!bin)
		return oom(call);
	size_t got = 0;
	/* Padding is optional in what clients send: try the padded alphabet, then the bare one. */
	if (sodium_base642bin(bin, want + 1, b64, len, B64_SPACE, &got, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 &&
	    sodium_base642bin(bin, want + 1, b64, len, B64_SPACE, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0)
		return rest_fail(call, ERR_ARGUMENT, "FILES: the content of '%.100s' is not valid base64", name);
	sniff(bin, got, kind);
	*size = got;
	fc->total += got;
	return 0;
}

static const char *author_name(struct rest_call *call, int64_t uid)
{
	struct q_user_brief b;
	if (uid <= 0 || q_user_brief(call->st, uid, &b))
		return "";
	const char *s = arena_printf(call->arena, "%s%s%s", b.name, *b.name && *b.last_name ? " " : "", b.last_name);
	return s ? s : "";
}

/* A new upload: ["name", "base64"]. The name loses any folder part a client put in it. */
static int file_upload(struct rest_call *call, struct files_ctx *fc, json_t *pair)
{
	const char *name = json_string_value(json_array_get(pair, 0));
	const char *b64 = json_string_value(json_array_get(pair, 1));
	if (json_array_size(pair) != 2 || !name || !b64)
		return rest_fail(call, ERR_ARGUMENT, "FILES: each file is [\"name\", \"base64 content\"]");
	const char *slash = strrchr(name, '/'), *bslash = strrchr(name, '\\');
	if (slash || bslash)
		name = (slash > bslash ? slash : bslash) + 1;
	if (!*name)
		return rest_fail(call, ERR_ARGUMENT, "FILES: a file has no name");
	if (strlen(name) > FILE_NAME_MAX)
		return rest_fail(call, ERR_ARGUMENT, "FILES: the file name '%.40s…' is longer than %d bytes", name,
				 FILE_NAME_MAX);
	size_t size = 0;
	struct file_kind k = {0};
	if (file_decode(call, fc, name, b64, &size, &k))
		return -1;
	if (!fc->author_name)
		fc->author_name = author_name(call, fc->author_id);
	json_t *f = json_pack("{s:I,s:s,s:I,s:s,s:s,s:I,s:s}", "id", (json_int_t)fc->next_id++, "name", name, "size",
			      (json_int_t)size, "type", k.is_image ? "image" : "file", "date", fc->now, "authorId",
			      (json_int_t)fc->author_id, "authorName", fc->author_name);
	if (!f)
		return oom(call);
	if (k.is_image) {
		json_object_set_new(f, "width", json_integer(k.width));
		json_object_set_new(f, "height", json_integer(k.height));
	}
	return json_array_append_new(fc->out, f) ? oom(call) : 0;
}

/* An id of a file the comment has: it stays (update). */
static int file_keep(struct rest_call *call, struct files_ctx *fc, int64_t id)
{
	size_t i;
	json_t *f;
	json_array_foreach(fc->out, i, f)
	{
		if (json_integer_value(json_object_get(f, "id")) == id)
			return 0; /* named twice */
	}
	json_array_foreach(fc->old, i, f)
	{
		if (json_integer_value(json_object_get(f, "id")) != id)
			continue;
		size_t size = (size_t)json_integer_value(json_object_get(f, "size"));
		if (fc->total + size > FILES_MAX_BYTES)
			return rest_fail(call, ERR_ARGUMENT, "FILES: the files of one comment may hold at most %u bytes",
					 FILES_MAX_BYTES);
		fc->total += size;
		return json_array_append(fc->out, f) ? oom(call) : 0;
	}
	return rest_fail(call, ERR_ARGUMENT, "FILES: file %" PRId64 " is not attached to this comment", id);
}

static int file_entry(struct rest_call *call, struct files_ctx *fc, json_t *e)
{
	if (json_array_size(fc->out) >= FILES_MAX_COUNT)
		return rest_fail(call, ERR_ARGUMENT, "FILES: at most %d files", FILES_MAX_COUNT);
	if (json_is_object(e) && rest_field_ci(e, "fileData"))
		e = rest_field_ci(e, "fileData");
	if (json_is_array(e))
		return file_upload(call, fc, e);
	int64_t id = rest_pos_int(e);
	if (id && fc->old)
		return file_keep(call, fc, id);
	return rest_fail(call, ERR_ARGUMENT, "FILES: each file is [\"name\", \"base64 content\"]");
}

/* ["name", "base64"] given alone instead of a list of them. */
static bool single_pair(json_t *v)
{
	int64_t n;
	const char *first = json_string_value(json_array_get(v, 0));
	return json_array_size(v) == 2 && first && json_is_string(json_array_get(v, 1)) && parse_i64(first, &n) != 0;
}

/* FILES as the JSON text to store: 0 and *text, or the call failed. old: the current list on
 * update (ids in FILES keep those files; every other file goes), NULL on add. */
static int files_parse(struct rest_call *call, json_t *v, json_t *old, const char *now, const char **text)
{
	struct files_ctx fc = {.out = rest_own(call, json_array()), .old = old, .next_id = 1, .now = now,
			       .author_id = rest_caller_id(call)};
	if (!fc.out)
		return oom(call);
	size_t i;
	json_t *f;
	json_array_foreach(old, i, f)
	{
		int64_t id = json_integer_value(json_object_get(f, "id"));
		if (id >= fc.next_id)
			fc.next_id = id + 1;
	}
	bool empty = !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v));
	if (empty) {
		/* no files: on update, every file goes */
	} else if (json_is_array(v) && !single_pair(v)) {
		json_array_foreach(v, i, f)
		{
			if (file_entry(call, &fc, f))
				return -1;
		}
	} else if (json_is_object(v) && !rest_field_ci(v, "fileData")) { /* a PHP map of files */
		const char *k;
		json_object_foreach(v, k, f)
		{
			if (file_entry(call, &fc, f))
				return -1;
		}
	} else if (file_entry(call, &fc, v)) {
		return -1;
	}
	char *s = json_dumps(fc.out, JSON_COMPACT);
	*text = s ? arena_strdup(call->arena, s) : NULL;
	free(s);
	return *text ? 0 : oom(call);
}

/* The stored list as Bitrix24 shows FILES: {"<id>": {id, date, type, name, size, image?,
 * authorId, authorName, urlPreview, urlShow, urlDownload}}; URLs stay empty until a drive. */
static json_t *files_json(struct rest_call *call, const char *text)
{
	json_t *out = json_object();
	json_t *list = json_loads(text ? text : "[]", 0, NULL);
	size_t i;
	json_t *f;
	json_array_foreach(list, i, f)
	{
		json_int_t id = json_integer_value(json_object_get(f, "id"));
		const char *type = json_string_value(json_object_get(f, "type"));
		json_t *o = json_pack("{s:I,s:s,s:s,s:O,s:O}", "id", id, "date",
				      rest_db_time_iso(call, json_string_value(json_object_get(f, "date"))), "type",
				      type ? type : "file", "name", json_object_get(f, "name"), "size",
				      json_object_get(f, "size"));
		if (!o)
			continue;
		if (type && !strcmp(type, "image"))
			json_object_set_new(o, "image", json_pack("{s:O,s:O}", "width", json_object_get(f, "width"),
								  "height", json_object_get(f, "height")));
		json_object_set_new(o, "authorId", json_integer(json_integer_value(json_object_get(f, "authorId"))));
		json_object_set(o, "authorName", json_object_get(f, "authorName"));
		json_object_set_new(o, "urlPreview", json_string(""));
		json_object_set_new(o, "urlShow", json_string(""));
		json_object_set_new(o, "urlDownload", json_string(""));
		char key[24];
		snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT, id);
		json_object_set_new(out, key, o);
	}
	json_decref(list);
	return out;
}

/* ---- records ---- */

/* A row as Bitrix24 shows it: ENTITY_TYPE as its lower-case name, FILES as an object. */
static json_t *comment_row(struct rest_call *call, struct query *q, struct stmt *s, const struct query_field **cols,
			   size_t n_cols, void *ctx)
{
	(void)q;
	(void)ctx;
	json_t *row = json_object();
	for (size_t i = 0; i < n_cols; i++) {
		const struct query_field *f = cols[i];
		int col = (int)i + 1;
		json_t *v;
		if (!strcmp(f->name, "ENTITY_TYPE")) {
			const struct crm_type *t = crm_type_by_id(store_col_int(s, col));
			v = json_string(t ? t->lower : "");
		} else if (!strcmp(f->name, "FILES")) {
			v = files_json(call, store_col_text(s, col));
		} else {
			v = rest_field_json(call, f, s, col);
		}
		json_object_set_new(row, f->name, v);
	}
	return row;
}

/* The comments with these ids, into by_id keyed by the id as text (missing ones are absent). */
static int comment_records(struct rest_call *call, const int64_t *ids, size_t n, json_t *by_id)
{
	if (n == 0)
		return 0;
	struct query q;
	query_init(&q, call->arena, &q_crm_timeline_comment_entity);
	struct query_value *v = arena_alloc(call->arena, n * sizeof *v);
	if (!v)
		return oom(call);
	for (size_t i = 0; i < n; i++)
		v[i] = (struct query_value){.kind = QV_INT, .i = ids[i]};
	struct query_cond c = {.field = cfield("ID"), .op = n == 1 ? QOP_EQ : QOP_IN, .values = v, .n_values = n};
	if (query_add_cond(&q, &c))
		return oom(call);
	size_t n_cols;
	const struct query_field **cols = query_columns(&q, &n_cols);
	struct stmt *s;
	int rc = cols ? query_open(call->st, &q, &s) : STORE_TOOBIG;
	if (rc)
		return rest_fail_store(call, rc);
	while ((rc = store_step(s)) == STORE_ROW) {
		char key[24];
		snprintf(key, sizeof key, "%" PRId64, store_col_int(s, 0));
		json_t *row = comment_row(call, &q, s, cols, n_cols, NULL);
		if (!row || json_object_set_new(by_id, key, row)) {
			store_reset(s);
			return oom(call);
		}
	}
	store_reset(s);
	return rc < 0 ? rest_fail_store(call, rc) : 0;
}

/* ---- checks ---- */

/* COMMENT: text, not blank, at most COMMENT_MAX bytes. */
static int comment_text(struct rest_call *call, json_t *v, const char **out)
{
	const char *s = v && !json_is_object(v) && !json_is_array(v) ? rest_json_text(call, v) : NULL;
	if (!s || !s[strspn(s, " \t\r\n")])
		return rest_fail(call, ERR_ARGUMENT, "Empty comment.");
	if (strlen(s) > COMMENT_MAX)
		return rest_fail(call, ERR_ARGUMENT, "COMMENT is longer than %u bytes", COMMENT_MAX);
	*out = s;
	return 0;
}

/* The item named by type id and id exists (inside the write transaction). */
static int owner_exists(struct rest_call *call, int64_t type, int64_t id)
{
	bool exists;
	int rc = q_crm_item_exists(call->st, type, id, &exists);
	if (rc)
		return rest_fail_store(call, rc);
	if (!exists)
		return rest_fail(call, ERR_NOT_FOUND, "The owner item (%s %" PRId64 ") is not found.",
				 crm_type_by_id(type) ? crm_type_by_id(type)->lower : "?", id);
	return 0;
}

/* update / delete may name the owner (ownerTypeId, ownerId); a comment of another item is not found. */
static int owner_matches(struct rest_call *call, const struct q_crm_comment_brief *b)
{
	json_t *t = rest_param(call, "OWNERTYPEID"), *o = rest_param(call, "OWNERID");
	bool t_given = t && !json_is_null(t), o_given = o && !json_is_null(o);
	if ((t_given && rest_pos_int(t) != b->entity_type_id) || (o_given && rest_pos_int(o) != b->entity_id))
		return rest_fail(call, ERR_NOT_FOUND, "Not found.");
	return 0;
}

static int may_change(struct rest_call *call, const struct q_crm_comment_brief *b)
{
	if ((call->auth && call->auth->is_admin) || (b->author_id && b->author_id == rest_caller_id(call)))
		return 0;
	return rest_fail(call, ERR_ACCESS_DENIED, "Access denied.");
}

int rest_crm_touch_owner(struct rest_call *call, int64_t type, int64_t id, const char *now)
{
	int rc = q_crm_timeline_touch_owner(call->st, type, id, now, rest_caller_id(call));
	return rc && rc != STORE_NOTFOUND ? rest_fail_store(call, rc) : 0;
}

/* ---- methods ---- */

static const struct {
	const char *name;
	const char *type;
	bool is_required, is_readonly, is_immutable, is_multiple;
} comment_meta[] = {
	{"ID", "integer", false, true, false, false},
	{"CREATED", "datetime", false, true, false, false},
	{"ENTITY_ID", "integer", true, false, true, false},
	{"ENTITY_TYPE", "string", true, false, true, false},
	{"AUTHOR_ID", "integer", false, false, true, false},
	{"COMMENT", "string", false, false, false, false},
	{"FILES", "attached_diskfile", false, false, false, true},
	{"IS_PINNED", "char", false, true, false, false}, /* Voronka's */
};

int rest_crm_timeline_comment_fields(struct rest_call *call)
{
	json_t *out = json_object();
	for (size_t i = 0; i < sizeof comment_meta / sizeof comment_meta[0]; i++) {
		const struct query_field *f = cfield(comment_meta[i].name);
		json_object_set_new(out, comment_meta[i].name,
				    json_pack("{s:s,s:b,s:b,s:b,s:b,s:b,s:s}", "type", comment_meta[i].type, "isRequired",
					      comment_meta[i].is_required, "isReadOnly", comment_meta[i].is_readonly,
					      "isImmutable", comment_meta[i].is_immutable, "isMultiple",
					      comment_meta[i].is_multiple, "isDynamic", 0, "title", f ? f->title : ""));
	}
	call->result = out;
	return 0;
}

struct comment_new {
	int64_t type, entity_id, author_id;
	const char *comment;
	json_t *files;
};

static int comment_add_tx(struct rest_call *call, const struct comment_new *c, const char *now, int64_t *id)
{
	if (owner_exists(call, c->type, c->entity_id) || crm_access_owner(call, c->type, c->entity_id, CRM_OP_READ))
		return -1;
	if (c->author_id != rest_caller_id(call)) {
		bool exists;
		int rc = q_user_exists(call->st, c->author_id, &exists);
		if (rc)
			return rest_fail_store(call, rc);
		if (!exists)
			return rest_fail(call, ERR_ARGUMENT, "AUTHOR_ID: there is no user %" PRId64, c->author_id);
	}
	const char *files;
	if (files_parse(call, c->files, NULL, now, &files))
		return -1;
	int rc = q_crm_timeline_comment_insert(call->st, c->type, c->entity_id, c->author_id, c->comment, files, now, id);
	if (rc)
		return rest_fail_store(call, rc);
	/* P6: the users mentioned ([USER=5]…[/USER]) who may read the item are told */
	if (im_notify_crm_mentions(call, c->type, c->entity_id, *id, c->author_id, c->comment, NULL))
		return -1;
	return rest_crm_touch_owner(call, c->type, c->entity_id, now);
}

int rest_crm_timeline_comment_add(struct rest_call *call)
{
	json_t *fields = rest_write_fields(call);
	struct comment_new c = {0};
	const char *type_name = json_string_value(rest_field_ci(fields, "ENTITY_TYPE"));
	const struct crm_type *t = crm_type_by_name(type_name);
	if (!t)
		return rest_fail(call, ERR_ARGUMENT, "ENTITY_TYPE is not defined or invalid.");
	c.type = t->id;
	c.entity_id = rest_pos_int(rest_field_ci(fields, "ENTITY_ID"));
	if (!c.entity_id)
		return rest_fail(call, ERR_ARGUMENT, "ENTITY_ID is not defined or invalid.");
	if (comment_text(call, rest_field_ci(fields, "COMMENT"), &c.comment))
		return -1;
	json_t *author = rest_field_ci(fields, "AUTHOR_ID");
	c.author_id = rest_caller_id(call);
	if (author && !json_is_null(author) && !(json_is_string(author) && !*json_string_value(author))) {
		c.author_id = rest_pos_int(author);
		if (!c.author_id)
			return rest_fail(call, ERR_ARGUMENT, "AUTHOR_ID is invalid.");
	}
	c.files = rest_field_ci(fields, "FILES");
	const char *now = rest_now_db(call);
	if (!now)
		return oom(call);
	int64_t id = 0;
	if (rest_tx_begin(call) || rest_tx_end(call, comment_add_tx(call, &c, now, &id)))
		return -1;
	call->result = json_integer(id);
	return 0;
}

/* One comment as the API shows it (*row NULL when there is none), owned by the call. */
static int comment_by_id(struct rest_call *call, int64_t id, json_t **row)
{
	json_t *by_id = rest_own(call, json_object());
	if (!by_id)
		return oom(call);
	if (comment_records(call, &id, 1, by_id))
		return -1;
	*row = json_object_iter_value(json_object_iter(by_id));
	return 0;
}

int rest_crm_timeline_comment_get(struct rest_call *call)
{
	int64_t id;
	if (rest_id_param(call, &id))
		return -1;
	json_t *row;
	if (comment_by_id(call, id, &row))
		return -1;
	if (!row)
		return rest_fail(call, ERR_NOT_FOUND, "Not found.");
	if (crm_access_record(call, row, "ENTITY_TYPE", "ENTITY_ID", CRM_OP_READ))
		return -1;
	call->result = json_incref(row);
	return 0;
}

/* ENTITY_TYPE in a value of the filter: "deal" → 2 (the column holds the type id). */
static json_t *type_value(struct rest_call *call, json_t *v)
{
	if (json_is_array(v)) {
		json_t *out = json_array();
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			json_t *m = type_value(call, e);
			if (!m) {
				json_decref(out);
				return NULL;
			}
			json_array_append_new(out, m);
		}
		return out;
	}
	const char *s = json_string_value(v);
	if (!s || !*s)
		return json_incref(v); /* numbers and empty values: as they are */
	const struct crm_type *t = crm_type_by_name(s);
	if (!t) {
		rest_fail(call, ERR_ARGUMENT, "Unknown ENTITY_TYPE '%.40s' in filter: use lead, deal, contact or company", s);
		return NULL;
	}
	return json_integer(t->id);
}

/* A copy of the filter with ENTITY_TYPE's values (under any operator) as type ids. */
static json_t *filter_types(struct rest_call *call, json_t *filter)
{
	if (!json_is_object(filter))
		return filter; /* the engine answers for empty and malformed filters */
	json_t *out = rest_own(call, json_object());
	if (!out)
		return NULL;
	const char *k;
	json_t *v;
	json_object_foreach(filter, k, v)
	{
		if (strcasecmp(k + strspn(k, "!=<>%@"), "ENTITY_TYPE")) {
			json_object_set(out, k, v);
			continue;
		}
		json_t *nv = type_value(call, v);
		if (!nv)
			return NULL;
		json_object_set_new(out, k, nv);
	}
	return out;
}

int rest_crm_timeline_comment_list(struct rest_call *call)
{
	struct query q;
	query_init(&q, call->arena, &q_crm_timeline_comment_entity);
	json_t *filter = filter_types(call, rest_param(call, "FILTER"));
	if (!filter && call->err_desc)
		return -1;
	if (rest_filter_parse(call, &q, filter) || rest_order_parse(call, &q, rest_param(call, "ORDER")) ||
	    rest_select_parse(call, &q, rest_param(call, "SELECT")) ||
	    crm_access_owned(call, &q, "ENTITY_TYPE", "ENTITY_ID", CRM_OP_READ))
		return -1;
	return rest_list_run(call, &q, comment_row, NULL);
}

/* The comment to change, checked: it exists, belongs to the owner named, the caller may. */
static int comment_for_change(struct rest_call *call, int64_t id, struct q_crm_comment_brief *b)
{
	int rc = q_crm_timeline_comment_brief(call->st, call->arena, id, b);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Not found.");
	if (rc)
		return rest_fail_store(call, rc);
	return owner_matches(call, b) || may_change(call, b) ||
			       crm_access_owner(call, b->entity_type_id, b->entity_id, CRM_OP_READ)
		       ? -1
		       : 0;
}

/* The stored text of comment id ("" when it has none). */
static int stored_text(struct rest_call *call, int64_t id, const char **text)
{
	json_t *row;
	if (comment_by_id(call, id, &row))
		return -1;
	const char *t = json_string_value(json_object_get(row, "COMMENT"));
	*text = t ? t : "";
	return 0;
}

static int comment_update_tx(struct rest_call *call, int64_t id, const char *comment, json_t *files_v,
			     const char *now)
{
	struct q_crm_comment_brief b;
	if (comment_for_change(call, id, &b))
		return -1;
	const char *files = NULL;
	if (files_v) {
		json_t *old = rest_own(call, json_loads(b.files, 0, NULL));
		if (files_parse(call, files_v, old ? old : rest_own(call, json_array()), now, &files))
			return -1;
	}
	const char *old_text = NULL; /* before the edit: only the mentions it adds are news (P6) */
	if (comment && stored_text(call, id, &old_text))
		return -1;
	int rc = q_crm_timeline_comment_update(call->st, id, comment, files, now);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Not found.");
	if (rc)
		return rest_fail_store(call, rc);
	if (comment && im_notify_crm_mentions(call, b.entity_type_id, b.entity_id, id, b.author_id, comment, old_text))
		return -1;
	return rest_crm_touch_owner(call, b.entity_type_id, b.entity_id, now);
}

int rest_crm_timeline_comment_update(struct rest_call *call)
{
	int64_t id;
	if (rest_id_param(call, &id))
		return -1;
	json_t *fields = rest_write_fields(call);
	json_t *cv = rest_field_ci(fields, "COMMENT"), *fv = rest_field_ci(fields, "FILES");
	if (!cv && !fv)
		return rest_fail(call, ERR_ARGUMENT, "Nothing to update: give fields[COMMENT] or fields[FILES].");
	const char *comment = NULL;
	if (cv && comment_text(call, cv, &comment))
		return -1;
	const char *now = rest_now_db(call);
	if (!now)
		return oom(call);
	if (rest_tx_begin(call) || rest_tx_end(call, comment_update_tx(call, id, comment, fv, now)))
		return -1;
	call->result = json_integer(id);
	return 0;
}

static int comment_delete_tx(struct rest_call *call, int64_t id, const char *now)
{
	struct q_crm_comment_brief b;
	if (comment_for_change(call, id, &b))
		return -1;
	int rc = q_crm_timeline_comment_delete(call->st, id);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Not found.");
	if (rc)
		return rest_fail_store(call, rc);
	return rest_crm_touch_owner(call, b.entity_type_id, b.entity_id, now);
}

int rest_crm_timeline_comment_delete(struct rest_call *call)
{
	int64_t id;
	if (rest_id_param(call, &id))
		return -1;
	const char *now = rest_now_db(call);
	if (!now)
		return oom(call);
	if (rest_tx_begin(call) || rest_tx_end(call, comment_delete_tx(call, id, now)))
		return -1;
	call->result = json_null(); /* Bitrix24 answers null */
	return 0;
}

static int comment_pin(struct rest_call *call, bool pinned)
{
	int64_t id;
	if (rest_id_param(call, &id))
		return -1;
	struct q_crm_comment_brief b;
	int rc = q_crm_timeline_comment_brief(call->st, call->arena, id, &b);
	if (!rc && crm_access_owner(call, b.entity_type_id, b.entity_id, CRM_OP_WRITE))
		return -1;
	if (!rc)
		rc = q_crm_timeline_comment_pin(call->st, id, pinned);
	if (rc == STORE_NOTFOUND)
		return rest_fail(call, ERR_NOT_FOUND, "Not found.");
	if (rc)
		return rest_fail_store(call, rc);
	call->result = json_true();
	return 0;
}

int rest_voronka_crm_timeline_comment_pin(struct rest_call *call)
{
	return comment_pin(call, true);
}

int rest_voronka_crm_timeline_comment_unpin(struct rest_call *call)
{
	return comment_pin(call, false);
}

/* ---- the merged timeline ---- */

/* One element: {type, id, created, …the record}. */
static json_t *timeline_element(const struct q_crm_timeline_entry *e, json_t *record)
{
	json_t *el = json_pack("{s:s,s:I,s:O}", "type", e->is_activity ? "activity" : "comment", "id", (json_int_t)e->id,
			       "created", json_object_get(record, "CREATED"));
	if (el)
		json_object_update_missing(el, record);
	return el;
}

static int timeline_records(struct rest_call *call, const struct q_crm_timeline_entry *e, size_t n, json_t *comments,
			    json_t *activities)
{
	int64_t *cid = arena_alloc(call->arena, (n ? n : 1) * sizeof *cid);
	int64_t *aid = arena_alloc(call->arena, (n ? n : 1) * sizeof *aid);
	if (!cid || !aid)
		return oom(call);
	size_t nc = 0, na = 0;
	for (size_t i = 0; i < n; i++) {
		if (e[i].is_activity)
			aid[na++] = e[i].id;
		else
			cid[nc++] = e[i].id;
	}
	if (comment_records(call, cid, nc, comments))
		return -1;
	return na ? rest_crm_activity_records(call, aid, na, activities) : 0;
}

int rest_voronka_crm_timeline_list(struct rest_call *call)
{
	int64_t type = rest_pos_int(rest_param(call, "entityTypeId"));
	int64_t owner = rest_pos_int(rest_param(call, "entityId"));
	if (!crm_type_by_id(type))
		return rest_fail(call, ERR_ARGUMENT, "entityTypeId is not defined or invalid: 1 lead, 2 deal, 3 contact, 4 company");
	if (!owner)
		return rest_fail(call, ERR_ARGUMENT, "entityId is not defined or invalid.");
	if (owner_exists(call, type, owner) || crm_access_owner(call, type, owner, CRM_OP_READ))
		return -1;
	int64_t offset = call->start > 0 ? call->start : 0;
	int64_t limit = call->start >= 0 ? REST_PAGE : REST_PAGE + 1; /* one more tells of a next page */
	call->total = -1;
	int rc = call->start >= 0 ? q_crm_timeline_count(call->st, type, owner, &call->total) : 0;
	struct q_crm_timeline_entry *e = NULL;
	size_t n = 0;
	if (!rc)
		rc = q_crm_timeline_page(call->st, call->arena, type, owner, offset, limit, &e, &n);
	if (rc)
		return rest_fail_store(call, rc);
	if (n > REST_PAGE) {
		call->has_more = true;
		n = REST_PAGE;
	}
	json_t *comments = rest_own(call, json_object()), *activities = rest_own(call, json_object());
	if (!comments || !activities)
		return oom(call);
	if (timeline_records(call, e, n, comments, activities))
		return -1;
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		char key[24];
		snprintf(key, sizeof key, "%" PRId64, e[i].id);
		json_t *rec = json_object_get(e[i].is_activity ? activities : comments, key);
		json_t *el = rec ? timeline_element(&e[i], rec) : NULL;
		if (el)
			json_array_append_new(out, el);
	}
	call->result = out;
	return 0;
}
