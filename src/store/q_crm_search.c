/* q_crm_search.c — the full-text index of CRM items (P10) over SQLite FTS5: one crm_search row
 * per item (title: what the item is called; body: the other names, company, post and the
 * multi-fields, phones also as bare digits), crm_search_map from (type, id) to that row, and the
 * search itself, which turns a user's words into an FTS5 expression that can only ever be a
 * list of quoted prefix terms. The unicode61 tokenizer folds case (Cyrillic too) and splits
 * e-mails and formatted phones into words, the same way on both sides. */
#include "store/q_crm_search.h"
#include "store/store.h"
#include "core/arena.h"
#include "core/buf.h"
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define N_TYPES 5                 /* entityTypeId 1..4 index the tables below */
#define TITLE_MAX (16 * 1024)     /* bytes of a title or subtitle kept */
#define BODY_MAX (1024 * 1024)    /* bytes of indexed body: an item with more is indexed as far as it fits */
#define REBUILD_BATCH 256         /* ids read at a time while rebuilding */
#define DIGITS_MAX 32             /* a phone's digits beyond these are not a phone */

/* The FTS rowid of an item: derived from (type, id), so it is known without a lookup, never
 * collides, and gives both back (rowid & 7, rowid >> 3) to a search that reads no stored column;
 * crm_search_map records it for the backends whose index is a plain table. Every entry is
 * inserted with it (entry_insert). */
static int64_t search_rowid(int64_t type, int64_t id)
{
	return id * 8 + type;
}

static bool type_ok(int64_t type)
{
	return type >= 1 && type < N_TYPES;
}

/* Indexed by entityTypeId: an item's texts in seven roles — title, name, second name, last name,
 * company, post (indexed) and context (shown, not indexed: a deal's client, a contact's company). */
static const char *const text_sql[N_TYPES] = {
	NULL,
	"SELECT title, name, second_name, last_name, company_title, '', '' FROM crm_lead WHERE id = $1",
	"SELECT d.title, '', '', '', '', '', COALESCE(c.title, TRIM(COALESCE(p.name, '') || ' ' || COALESCE(p.last_name, ''))) "
	"FROM crm_deal d LEFT JOIN crm_company c ON c.id = d.company_id LEFT JOIN crm_contact p ON p.id = d.contact_id "
	"WHERE d.id = $1",
	"SELECT '', x.name, x.second_name, x.last_name, '', x.post, COALESCE(c.title, '') FROM crm_contact x "
	"LEFT JOIN crm_company c ON c.id = x.company_id WHERE x.id = $1",
	"SELECT title, '', '', '', '', '', '' FROM crm_company WHERE id = $1",
};
enum { T_TITLE, T_NAME, T_SECOND, T_LAST, T_COMPANY, T_POST, T_CONTEXT };

/* Indexed by entityTypeId: the next batch of ids, for rebuilds. */
static const char *const ids_sql[N_TYPES] = {
	NULL,
	"SELECT id FROM crm_lead WHERE id > $1 ORDER BY id LIMIT $2",
	"SELECT id FROM crm_deal WHERE id > $1 ORDER BY id LIMIT $2",
	"SELECT id FROM crm_contact WHERE id > $1 ORDER BY id LIMIT $2",
	"SELECT id FROM crm_company WHERE id > $1 ORDER BY id LIMIT $2",
};

/* What one item reads as. The buffers have ceilings; text past them is left out (a giant
 * comment-like title is still found by its beginning) rather than failing the item's write. */
struct item_text {
	struct buf title, subtitle, body;
	bool is_cut;
	bool is_index; /* for the index (ё folded), not for showing */
};

static void text_init(struct item_text *t, bool is_index)
{
	t->is_index = is_index;
	buf_init(&t->title, TITLE_MAX);
	buf_init(&t->subtitle, TITLE_MAX);
	buf_init(&t->body, BODY_MAX);
	t->is_cut = false;
}

static void text_release(struct item_text *t)
{
	buf_release(&t->title);
	buf_release(&t->subtitle);
	buf_release(&t->body);
}

static const char *text_of(const struct buf *b)
{
	return b->data ? b->data : "";
}

/* Ё and ё as Е and е, in place (each is two bytes in UTF-8 either way): Russian is written with
 * and without the dots, and unicode61 folds case but not this letter, so both the index and the
 * query fold it. */
static void fold_yo(char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned char c = (unsigned char)p[i], d = (unsigned char)p[i + 1];
		if (c == 0xD1 && d == 0x91) /* ё → е */
			p[i] = (char)0xD0, p[i + 1] = (char)0xB5;
		else if (c == 0xD0 && d == 0x81) /* Ё → Е */
			p[i + 1] = (char)0x95;
	}
}

/* Append s after sep (when b is not empty); nothing for an empty s. */
static void put(struct item_text *t, struct buf *b, const char *sep, const char *s)
{
	if (!s || !*s)
		return;
	size_t from = b->len;
	if ((b->len && buf_puts(b, sep)) || buf_puts(b, s))
		t->is_cut = true;
	else if (t->is_index)
		fold_yo(b->data + from, b->len - from);
}

/* The digits of s into out (n bytes); 0 if there are more than fit. */
static size_t digits_of(const char *s, char *out, size_t n)
{
	size_t k = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			continue;
		if (k + 1 >= n)
			return 0;
		out[k++] = *s;
	}
	out[k] = 0;
	return k;
}

/* The national part of a Russian number (the last ten digits of 7XXXXXXXXXX or 8XXXXXXXXXX, or
 * ten digits as they are), or NULL. */
static const char *national(const char *d, size_t n)
{
	if (n == 11 && (d[0] == '7' || d[0] == '8'))
		return d + 1;
	return n == 10 ? d : NULL;
}

/* A phone in the body: as written (its digit groups become words) and as bare digits, and for a
 * Russian number also as 10 digits, +7… and 8…, so that any way of typing it finds it. */
static void put_phone(struct item_text *t, const char *value)
{
	char d[DIGITS_MAX], v[DIGITS_MAX + 2];
	put(t, &t->body, "\n", value);
	size_t n = digits_of(value, d, sizeof d);
	if (!n)
		return;
	put(t, &t->body, " ", d);
	const char *nat = national(d, n);
	if (!nat)
		return;
	put(t, &t->body, " ", nat);
	for (const char *p = "78"; *p; p++) {
		snprintf(v, sizeof v, "%c%s", *p, nat);
		if (strcmp(v, d))
			put(t, &t->body, " ", v);
	}
}

/* Compose title, subtitle and body from the current row of text_sql. */
static void compose(struct item_text *t, struct stmt *s)
{
	const char *c[7];
	for (int i = 0; i < 7; i++)
		c[i] = store_col_text(s, i);
	struct buf names;
	buf_init(&names, TITLE_MAX);
	bool cut = false;
	for (int i = T_NAME; i <= T_LAST; i++)
		if (*c[i] && ((names.len && buf_puts(&names, " ")) || buf_puts(&names, c[i])))
			cut = true;
	t->is_cut |= cut;
	const char *who = text_of(&names);
	if (*c[T_TITLE]) {
		put(t, &t->title, " ", c[T_TITLE]);
		put(t, &t->body, "\n", who);
		put(t, &t->subtitle, ", ", who);
	} else {
		put(t, &t->title, " ", who);
	}
	put(t, &t->body, "\n", c[T_COMPANY]);
	put(t, &t->body, "\n", c[T_POST]);
	put(t, &t->subtitle, ", ", c[T_POST]);
	put(t, &t->subtitle, ", ", c[T_COMPANY]);
	put(t, &t->subtitle, ", ", c[T_CONTEXT]);
	buf_release(&names);
}

/* Read an item's texts; STORE_NOTFOUND when it does not exist. */
static int text_load(struct store *st, int64_t type, int64_t id, struct item_text *t)
{
	struct stmt *s;
	STORE_PREP(s, st, text_sql[type]);
	int rc = store_bind_int(s, 1, id);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		compose(t, s);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

/* The multi-fields that are searched: phones, e-mails, sites, messengers. */
static int fm_open(struct store *st, int64_t type, int64_t id, struct stmt **out)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT type_id, value FROM crm_fm WHERE entity_type_id = $1 AND entity_id = $2 "
		   "AND type_id IN ('PHONE', 'EMAIL', 'WEB', 'IM') ORDER BY id");
	int rc;
	if ((rc = store_bind_int(s, 1, type)) || (rc = store_bind_int(s, 2, id))) {
		store_reset(s);
		return rc;
	}
	*out = s;
	return STORE_OK;
}

static int fm_load(struct store *st, int64_t type, int64_t id, struct item_text *t)
{
	struct stmt *s;
	int rc = fm_open(st, type, id, &s);
	if (rc)
		return rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		if (!strcmp(store_col_text(s, 0), "PHONE"))
			put_phone(t, store_col_text(s, 1));
		else
			put(t, &t->body, "\n", store_col_text(s, 1));
	}
	store_reset(s);
	return rc;
}

/* The map row of an item: *rowid, or STORE_NOTFOUND. */
static int map_get(struct store *st, int64_t type, int64_t id, int64_t *rowid)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT search_rowid FROM crm_search_map WHERE entity_type_id = $1 AND entity_id = $2");
	int rc;
	if ((rc = store_bind_int(s, 1, type)) || (rc = store_bind_int(s, 2, id))) {
		store_reset(s);
		return rc;
	}
	return store_one_int(s, rowid);
}

static int entry_update(struct store *st, int64_t rowid, const struct item_text *t)
{
	struct stmt *s;
	STORE_PREP(s, st, "UPDATE crm_search SET title = $2, body = $3 WHERE rowid = $1");
	int rc;
	if ((rc = store_bind_int(s, 1, rowid)) || (rc = store_bind_text(s, 2, text_of(&t->title))) ||
	    (rc = store_bind_text(s, 3, text_of(&t->body)))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

static int entry_insert(struct store *st, int64_t type, int64_t id, const struct item_text *t)
{
	int64_t rowid = search_rowid(type, id);
	struct stmt *s;
	STORE_PREP(s, st,
		   "INSERT INTO crm_search (rowid, entity_type_id, entity_id, title, body) VALUES ($1, $2, $3, $4, $5)");
	int rc;
	if ((rc = store_bind_int(s, 1, rowid)) || (rc = store_bind_int(s, 2, type)) || (rc = store_bind_int(s, 3, id)) ||
	    (rc = store_bind_text(s, 4, text_of(&t->title))) || (rc = store_bind_text(s, 5, text_of(&t->body)))) {
		store_reset(s);
		return rc;
	}
	if ((rc = store_exec_stmt(s)))
		return rc;
	STORE_PREP(s, st, "INSERT INTO crm_search_map (entity_type_id, entity_id, search_rowid) VALUES ($1, $2, $3)");
	if ((rc = store_bind_int(s, 1, type)) || (rc = store_bind_int(s, 2, id)) || (rc = store_bind_int(s, 3, rowid))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_crm_search_index(struct store *st, int64_t entity_type_id, int64_t entity_id)
{
	if (!type_ok(entity_type_id))
		return STORE_OK;
	struct item_text t;
	text_init(&t, true);
	int rc = text_load(st, entity_type_id, entity_id, &t);
	if (rc == STORE_NOTFOUND) {
		text_release(&t);
		return q_crm_search_remove(st, entity_type_id, entity_id);
	}
	if (!rc)
		rc = fm_load(st, entity_type_id, entity_id, &t);
	int64_t rowid = 0;
	int found = rc ? rc : map_get(st, entity_type_id, entity_id, &rowid);
	if (!rc && found == STORE_OK)
		rc = entry_update(st, rowid, &t);
	else if (!rc && found == STORE_NOTFOUND)
		rc = entry_insert(st, entity_type_id, entity_id, &t);
	else if (!rc)
		rc = found;
	text_release(&t);
	return rc;
}

int q_crm_search_remove(struct store *st, int64_t entity_type_id, int64_t entity_id)
{
	int64_t rowid;
	int rc = map_get(st, entity_type_id, entity_id, &rowid);
	if (rc == STORE_NOTFOUND)
		return STORE_OK;
	if (rc)
		return rc;
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM crm_search WHERE rowid = $1");
	if ((rc = store_bind_int(s, 1, rowid))) {
		store_reset(s);
		return rc;
	}
	if ((rc = store_exec_stmt(s)))
		return rc;
	STORE_PREP(s, st, "DELETE FROM crm_search_map WHERE entity_type_id = $1 AND entity_id = $2");
	if ((rc = store_bind_int(s, 1, entity_type_id)) || (rc = store_bind_int(s, 2, entity_id))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

/* Drop every entry of a type. */
static int clear_type(struct store *st, int64_t type)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "DELETE FROM crm_search WHERE rowid IN (SELECT search_rowid FROM crm_search_map WHERE entity_type_id = $1)");
	int rc = store_bind_int(s, 1, type);
	if (rc) {
		store_reset(s);
		return rc;
	}
	if ((rc = store_exec_stmt(s)))
		return rc;
	STORE_PREP(s, st, "DELETE FROM crm_search_map WHERE entity_type_id = $1");
	if ((rc = store_bind_int(s, 1, type))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

/* The next ids after `after`: ids are copied out before indexing them, so that no statement is
 * stepped while others run on the connection. */
static int next_ids(struct store *st, int64_t type, int64_t after, int64_t *ids, size_t *n)
{
	*n = 0;
	struct stmt *s;
	STORE_PREP(s, st, ids_sql[type]);
	int rc;
	if ((rc = store_bind_int(s, 1, after)) || (rc = store_bind_int(s, 2, REBUILD_BATCH))) {
		store_reset(s);
		return rc;
	}
	while ((rc = store_step(s)) == STORE_ROW && *n < REBUILD_BATCH)
		ids[(*n)++] = store_col_int(s, 0);
	store_reset(s);
	return rc < 0 ? rc : STORE_OK;
}

/* Not a transaction of its own: the caller (a seed, a repair) holds one. */
int q_crm_search_rebuild(struct store *st, int64_t entity_type_id)
{
	if (!type_ok(entity_type_id))
		return STORE_OK;
	int rc = clear_type(st, entity_type_id);
	int64_t ids[REBUILD_BATCH], after = 0;
	size_t n = REBUILD_BATCH;
	while (!rc && n == REBUILD_BATCH) {
		rc = next_ids(st, entity_type_id, after, ids, &n);
		for (size_t i = 0; !rc && i < n; i++)
			rc = q_crm_search_index(st, entity_type_id, ids[i]);
		if (n)
			after = ids[n - 1];
	}
	return rc;
}

/* ---- the search ---- */

/* Does a word hold anything the tokenizer keeps (an ASCII letter or digit, or any non-ASCII
 * character)? A word of bare punctuation would be an empty phrase. */
static bool has_token(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		if (c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
			return true;
	}
	return false;
}

/* A word as an FTS5 string with a prefix star: "..."*, its quotes doubled. Inside a string FTS5
 * sees no operators, columns or brackets, so user text can never become syntax. */
static int put_term(struct buf *b, const char *w, size_t n)
{
	if (b->len && buf_puts(b, " "))
		return -1;
	if (buf_puts(b, "\""))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (buf_append(b, w[i] == '"' ? "\"\"" : &w[i], w[i] == '"' ? 2 : 1))
			return -1;
	return buf_puts(b, "\"*");
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Phone-like text: only digits and the signs phones are written with, and at least three digits. */
static bool phone_like(const char *text, char *d, size_t n)
{
	for (const char *p = text; *p; p++)
		if (!strchr("0123456789+-(). \t", *p))
			return false;
	return digits_of(text, d, n) >= 3;
}

/* The FTS5 expression for text into b (empty when text has no word). */
static int match_text(struct buf *b, const char *text)
{
	struct buf words;
	buf_init(&words, 8192);
	int n_words = 0, rc = 0;
	for (const char *p = text; *p && n_words < Q_CRM_SEARCH_MAX_WORDS && !rc;) {
		while (is_space(*p))
			p++;
		const char *w = p;
		while (*p && !is_space(*p))
			p++;
		if (p > w && has_token(w, (size_t)(p - w))) {
			rc = put_term(&words, w, (size_t)(p - w));
			n_words++;
		}
	}
	if (words.len)
		fold_yo(words.data, words.len);
	char d[DIGITS_MAX];
	if (!rc && n_words && phone_like(text, d, sizeof d))
		rc = buf_printf(b, "(%s) OR \"%s\"*", words.data, d);
	else if (!rc && n_words)
		rc = buf_puts(b, words.data);
	buf_release(&words);
	return rc ? STORE_TOOBIG : STORE_OK;
}

/* ASCII lower-case copy into the arena (e-mails are compared this way). */
static char *ascii_lower(struct arena *a, const char *s)
{
	char *o = arena_strdup(a, s);
	for (char *p = o; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return o;
}

/* Does the stored phone hold the typed digits (also when typed with 8 or 7 before the
 * national part)? */
static bool phone_matches(const char *value, const char *q)
{
	char d[DIGITS_MAX];
	size_t n = digits_of(value, d, sizeof d);
	if (!n)
		return false;
	if (strstr(d, q))
		return true;
	const char *nat = national(d, n);
	return nat && (q[0] == '7' || q[0] == '8') && q[1] && !strncmp(nat, q + 1, strlen(q + 1));
}

/* Does an e-mail hold one of the words of the (lower-cased) query? */
static bool email_matches(struct arena *a, const char *value, const char *lq)
{
	const char *v = ascii_lower(a, value);
	if (!v)
		return false;
	for (const char *p = lq; *p;) {
		while (is_space(*p))
			p++;
		const char *w = p;
		while (*p && !is_space(*p))
			p++;
		if (p > w && memmem(v, strlen(v), w, (size_t)(p - w)))
			return true;
	}
	return false;
}

/* The phone or e-mail of a hit that the query matched, if any. */
static int hit_matched(struct store *st, struct arena *a, struct q_crm_search_hit *h, const char *text)
{
	char d[DIGITS_MAX];
	bool by_phone = phone_like(text, d, sizeof d);
	const char *lq = ascii_lower(a, text);
	struct stmt *s;
	int rc = lq ? fm_open(st, h->entity_type_id, h->entity_id, &s) : STORE_TOOBIG;
	if (rc)
		return rc;
	while (!h->matched && (rc = store_step(s)) == STORE_ROW) {
		const char *type = store_col_text(s, 0), *value = store_col_text(s, 1);
		bool hit = !strcmp(type, "PHONE") ? by_phone && phone_matches(value, d)
						  : !strcmp(type, "EMAIL") && email_matches(a, value, lq);
		if (!hit)
			continue;
		h->matched_type = !strcmp(type, "PHONE") ? "PHONE" : "EMAIL";
		h->matched = arena_strdup(a, value);
		if (!h->matched)
			rc = STORE_TOOBIG;
	}
	store_reset(s);
	return rc < 0 ? rc : STORE_OK;
}

/* Title and subtitle of a hit from the item itself; STORE_NOTFOUND if it is gone. */
static int hit_texts(struct store *st, struct arena *a, struct q_crm_search_hit *h)
{
	struct item_text t;
	text_init(&t, false);
	int rc = text_load(st, h->entity_type_id, h->entity_id, &t);
	if (!rc) {
		h->title = arena_strdup(a, text_of(&t.title));
		h->subtitle = arena_strdup(a, text_of(&t.subtitle));
		if (!h->title || !h->subtitle)
			rc = STORE_TOOBIG;
	}
	text_release(&t);
	return rc;
}

/* The type and id of an entry come from its rowid (search_rowid), which the doclists hold: no
 * read of the entry's stored columns per match. */
#define ROW_TYPE "(rowid & 7)"

/* How many entries of the asked types match. Cheap: it walks the doclists only. */
static int count_matches(struct store *st, const char *match, unsigned types, int64_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st,
		   "SELECT COUNT(*) FROM crm_search WHERE crm_search MATCH $1 AND (($2 >> " ROW_TYPE ") & 1) = 1");
	int rc;
	if ((rc = store_bind_text(s, 1, match)) || (rc = store_bind_int(s, 2, types))) {
		store_reset(s);
		return rc;
	}
	return store_one_int(s, n);
}

/* The best (type, id) pairs. Ranked by bm25 (the title weighs four times the body; rowid breaks
 * ties) while at most RANK_MAX entries match; ranking reads every match's sizes, which costs
 * about a second per 200,000, and a top bar wants an answer while the user types. Past that
 * (a word as common as «ООО» or a first letter) the newest items come first. */
#define RANK_MAX 20000
static int find_ids(struct store *st, const char *match, unsigned types, int64_t limit, struct q_crm_search_hit *hits,
		    size_t *n)
{
	int64_t total;
	int rc = count_matches(st, match, types, &total);
	if (rc || !total)
		return rc;
	struct stmt *s;
	if (total <= RANK_MAX)
		STORE_PREP(s, st,
			   "SELECT rowid FROM crm_search WHERE crm_search MATCH $1 AND (($2 >> " ROW_TYPE ") & 1) = 1 "
			   "ORDER BY bm25(crm_search, 0.0, 0.0, 4.0, 1.0), rowid LIMIT $3");
	else
		STORE_PREP(s, st,
			   "SELECT rowid FROM crm_search WHERE crm_search MATCH $1 AND (($2 >> " ROW_TYPE ") & 1) = 1 "
			   "ORDER BY rowid DESC LIMIT $3");
	if ((rc = store_bind_text(s, 1, match)) || (rc = store_bind_int(s, 2, types)) ||
	    (rc = store_bind_int(s, 3, limit))) {
		store_reset(s);
		return rc;
	}
	while ((rc = store_step(s)) == STORE_ROW && *n < (size_t)limit) {
		int64_t rowid = store_col_int(s, 0);
		hits[*n].entity_type_id = rowid & 7;
		hits[*n].entity_id = rowid >> 3;
		(*n)++;
	}
	store_reset(s);
	return rc < 0 ? rc : STORE_OK;
}

int q_crm_search_find(struct store *st, struct arena *a, const char *text, unsigned types, int64_t limit,
		      struct q_crm_search_hit **out, size_t *n)
{
	return q_crm_search_find_kept(st, a, text, types, limit, NULL, NULL, out, n);
}

int q_crm_search_find_kept(struct store *st, struct arena *a, const char *text, unsigned types, int64_t limit,
			   bool (*keep)(void *ctx, int64_t entity_type_id, int64_t entity_id), void *ctx,
			   struct q_crm_search_hit **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!types)
		types = (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4);
	if (limit > Q_CRM_SEARCH_MAX_HITS)
		limit = Q_CRM_SEARCH_MAX_HITS;
	if (limit < 1 || !text)
		return STORE_OK;
	/* With a judge, more candidates are read (best first) so that hidden ones do not crowd out
	 * the caller's own further down. */
	int64_t want = keep ? Q_CRM_SEARCH_MAX_CANDIDATES : limit;
	struct buf m;
	buf_init(&m, 16384);
	int rc = match_text(&m, text);
	if (rc || !m.len) {
		buf_release(&m);
		return rc;
	}
	struct q_crm_search_hit *hits = arena_alloc(a, (size_t)want * sizeof *hits);
	size_t k = 0;
	rc = hits ? find_ids(st, m.data, types, want, hits, &k) : STORE_TOOBIG;
	buf_release(&m);
	/* Each hit's texts come from its row, so what is shown is current even if the index lags. */
	size_t kept = 0;
	for (size_t i = 0; !rc && i < k && kept < (size_t)limit; i++) {
		struct q_crm_search_hit h = hits[i];
		if (keep && !keep(ctx, h.entity_type_id, h.entity_id))
			continue;
		rc = hit_texts(st, a, &h);
		if (rc == STORE_NOTFOUND) {
			rc = STORE_OK;
			continue;
		}
		if (!rc)
			rc = hit_matched(st, a, &h, text);
		if (!rc)
			hits[kept++] = h;
	}
	if (rc)
		return rc;
	*out = hits;
	*n = kept;
	return STORE_OK;
}
