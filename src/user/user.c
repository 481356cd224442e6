/* user.c — users and the company structure: creating users who can sign in, passwords, the
 * administrator flag, departments and their members. The SQL is in store/q_user.c; the demo
 * company is in demo.c. */
#include "user/user.h"
#include "auth/auth.h"
#include "store/q_user.h"
#include "store/store.h"
#include <sodium.h>
#include <string.h>

int user_create_simple(struct store *st, const char *email, const char *name, const char *last_name,
		       const char *password, bool is_admin, int64_t *id)
{
	char hash[crypto_pwhash_STRBYTES];
	const char *h = NULL;
	if (!email || !*email)
		return STORE_CONSTRAINT;
	if (password) {
		if (auth_password_hash(password, hash))
			return STORE_ERROR;
		h = hash;
	}
	bool taken;
	int rc = q_user_email_taken(st, email, 0, &taken);
	if (rc)
		return rc;
	if (taken)
		return STORE_CONSTRAINT;
	rc = q_user_insert(st, email, email, h, name, last_name, is_admin, id);
	sodium_memzero(hash, sizeof hash);
	return rc;
}

int user_set_password(struct store *st, int64_t id, const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	if (!password)
		return q_user_set_password(st, id, NULL);
	if (auth_password_hash(password, hash))
		return STORE_ERROR;
	int rc = q_user_set_password(st, id, hash);
	sodium_memzero(hash, sizeof hash);
	return rc;
}

int user_find_by_login(struct store *st, const char *login, int64_t *id)
{
	if (!login || !*login)
		return STORE_NOTFOUND;
	return q_user_find_login(st, login, id);
}

int user_is_admin(struct store *st, int64_t id, bool *is_admin, bool *is_active)
{
	return q_user_flags(st, id, is_admin, is_active);
}

int department_create(struct store *st, const char *name, int64_t parent_id, int64_t head_id, int sort,
		      int64_t *id)
{
	if (!name || !*name)
		return STORE_CONSTRAINT;
	int64_t other;
	int rc = parent_id > 0 ? q_department_parent(st, parent_id, &other) : q_department_root(st, &other);
	if (parent_id > 0 && rc)
		return rc; /* STORE_NOTFOUND: no such parent */
	if (parent_id <= 0 && rc != STORE_NOTFOUND)
		return rc ? rc : STORE_CONSTRAINT; /* one top-level department: the company */
	return q_department_insert(st, name, parent_id, head_id, sort, id);
}

int department_add_user(struct store *st, int64_t department_id, int64_t user_id)
{
	return q_department_add_user(st, department_id, user_id);
}
