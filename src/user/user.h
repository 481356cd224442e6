/* user.h — users (P1), departments and work groups (P2): the domain rules, without HTTP or JSON.
 * The SQL lives in store/q_user.c. All functions return 0 or a negative store code
 * (STORE_NOTFOUND, STORE_CONSTRAINT, …). */
#ifndef VORONKA_USER_H
#define VORONKA_USER_H
#include <stdbool.h>
#include <stdint.h>

struct store;

/* Create a user who can sign in: login is the e-mail; password hashed with argon2id
 * (NULL: cannot sign in until one is set). */
int user_create_simple(struct store *st, const char *email, const char *name, const char *last_name,
		       const char *password, bool is_admin, int64_t *id);
int user_set_password(struct store *st, int64_t id, const char *password);
/* By login or e-mail (case-insensitive). */
int user_find_by_login(struct store *st, const char *login, int64_t *id);
int user_is_admin(struct store *st, int64_t id, bool *is_admin, bool *is_active);

int department_create(struct store *st, const char *name, int64_t parent_id, int64_t head_id, int sort,
		      int64_t *id);
int department_add_user(struct store *st, int64_t department_id, int64_t user_id);

/* The demo company: a department tree with heads and a dozen users (password "demo" each),
 * printed to stdout. Idempotent: does nothing when users beyond the first exist. */
int demo_company_seed(struct store *st);

#endif
