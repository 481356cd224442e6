/* q_user.h — the SQL of users, departments and work groups (P1, P2): the entity descriptors the
 * filter engine reads (store/query.h) and the fixed statements the domain (user/user.c) and the
 * REST handlers (rest/user.c, rest/department.c) run. All return 0 or a negative store code;
 * lookups that find nothing return STORE_NOTFOUND. Text out-parameters are copied into the
 * caller's buffers (never pointers into a statement). */
#ifndef VORONKA_Q_USER_H
#define VORONKA_Q_USER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store/query.h"

struct store;

extern const struct query_entity q_user_entity;       /* users, as user.get shows them */
extern const struct query_entity q_department_entity; /* departments, as department.get shows them */

/* users */
int q_user_insert(struct store *st, const char *login, const char *email, const char *password_hash,
		  const char *name, const char *last_name, bool is_admin, int64_t *id);
int q_user_set_password(struct store *st, int64_t id, const char *password_hash);
int q_user_find_login(struct store *st, const char *login, int64_t *id);
/* Another user (not except_id) already has this e-mail or login? *taken set. */
int q_user_email_taken(struct store *st, const char *email, int64_t except_id, bool *taken);
int q_user_flags(struct store *st, int64_t id, bool *is_admin, bool *is_active);
int q_user_count(struct store *st, int64_t *n);
int q_user_active_admins(struct store *st, int64_t *n);
/* The e-mail changed: the login follows when it was the old e-mail. Also stamps timestamp_x. */
int q_user_sync_login(struct store *st, int64_t id, const char *old_email, const char *new_email);
int q_user_touch(struct store *st, int64_t id); /* timestamp_x = now */
/* The columns the demo company fills beyond the name. */
int q_user_set_work(struct store *st, int64_t id, const char *position, const char *gender, const char *phone_inner,
		    const char *company);
/* Text fields for profile and access names: name, last_name, personal_gender, personal_photo,
 * time_zone, email, each into a buffer of n bytes (any may be NULL). */
struct q_user_brief {
	char name[128], last_name[128], gender[8], photo[512], time_zone[64], email[256];
	bool is_admin;
};
int q_user_brief(struct store *st, int64_t id, struct q_user_brief *out);

/* departments of a user, in id order; *n set to the number written (at most max) */
int q_user_departments(struct store *st, int64_t user_id, int64_t *ids, size_t max, size_t *n);
int q_user_departments_clear(struct store *st, int64_t user_id);

/* departments */
int q_department_insert(struct store *st, const char *name, int64_t parent_id, int64_t head_id, int sort,
			int64_t *id);
int q_department_add_user(struct store *st, int64_t department_id, int64_t user_id);
/* parent 0 for the root; STORE_NOTFOUND if there is no such department */
int q_department_parent(struct store *st, int64_t id, int64_t *parent_id);
int q_department_root(struct store *st, int64_t *id);
int q_department_name(struct store *st, int64_t id, char *name, size_t n);
int q_department_head(struct store *st, int64_t id, int64_t *head_id); /* 0: none */
int q_department_set_head(struct store *st, int64_t id, int64_t head_id);
int q_department_children(struct store *st, int64_t id, int64_t *n);
int q_department_delete(struct store *st, int64_t id);
int q_user_exists(struct store *st, int64_t id, bool *exists);

/* work groups: the member's role letter (A owner, E moderator, K member); STORE_NOTFOUND if the
 * user is not a member or the group does not exist */
int q_workgroup_role(struct store *st, int64_t group_id, int64_t user_id, char *role);
int q_workgroup_name(struct store *st, int64_t group_id, char *name, size_t n);

#endif
