/* q_user.c — every SQL text about users, departments and work groups: the descriptors the
 * filter engine builds lists from, and the fixed statements of user/user.c and the handlers. */
#include "store/q_user.h"
#include "store/store.h"
#include "core/util.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

#define F (QF_FILTER | QF_SORT)

static const struct query_field user_fields[] = {
	{"ID", "id", QT_INT, F | QF_READONLY, "ID", NULL},
	{"XML_ID", "xml_id", QT_STRING, F | QF_ADMIN, "External code", NULL},
	{"ACTIVE", "active", QT_BOOL, F | QF_ADMIN, "Activity", NULL},
	{"NAME", "name", QT_STRING, F, "First Name", NULL},
	{"LAST_NAME", "last_name", QT_STRING, F, "Last Name", NULL},
	{"SECOND_NAME", "second_name", QT_STRING, F, "Middle Name", NULL},
	{"EMAIL", "email", QT_STRING, F | QF_REQUIRED | QF_ADMIN, "E-Mail", NULL},
	{"LAST_LOGIN", "last_login", QT_DATETIME, F | QF_READONLY, "Last Login", NULL},
	{"DATE_REGISTER", "date_register", QT_DATETIME, F | QF_READONLY, "Registration Date", NULL},
	{"TIME_ZONE", "time_zone", QT_STRING, F, "TIME_ZONE", NULL},
	{"LANGUAGE_ID", "language", QT_STRING, F, "Language", NULL}, /* ru | en: notifications' language */
	{"IS_ONLINE", "", QT_CHAR, QF_NOCOL | QF_READONLY, "IS_ONLINE", NULL},
	{"TIMESTAMP_X", "timestamp_x", QT_DATETIME, F | QF_READONLY, "TIMESTAMP_X", NULL},
	{"LAST_ACTIVITY_DATE", "last_activity_date", QT_DATETIME, F | QF_READONLY, "LAST_ACTIVITY_DATE", NULL},
	{"PERSONAL_GENDER", "personal_gender", QT_STRING, F, "Gender", NULL},
	{"PERSONAL_PROFESSION", "personal_profession", QT_STRING, F, "Profession", NULL},
	{"PERSONAL_WWW", "personal_www", QT_STRING, F, "Homepage", NULL},
	{"PERSONAL_BIRTHDAY", "personal_birthday", QT_DATE, F, "Birthday", NULL},
	{"PERSONAL_PHOTO", "personal_photo", QT_STRING, QF_READONLY, "Photo", NULL},
	{"PERSONAL_PHONE", "personal_phone", QT_STRING, F, "Personal Phone", NULL},
	{"PERSONAL_MOBILE", "personal_mobile", QT_STRING, F, "Personal Mobile", NULL},
	{"PERSONAL_CITY", "personal_city", QT_STRING, F, "City of Residence", NULL},
	{"WORK_PHONE", "work_phone", QT_STRING, F, "Company Phone", NULL},
	{"WORK_COMPANY", "work_company", QT_STRING, F, "Company", NULL},
	{"WORK_POSITION", "work_position", QT_STRING, F, "Position", NULL},
	{"UF_EMPLOYMENT_DATE", "uf_employment_date", QT_DATE, F, "Employment Date", NULL},
	{"UF_DEPARTMENT", "department_id", QT_INT, QF_FILTER | QF_MULTIPLE | QF_ADMIN, "Departments",
	 "SELECT user_id FROM user_departments WHERE"},
	{"UF_PHONE_INNER", "uf_phone_inner", QT_STRING, F, "Internal Phone", NULL},
	{"UF_SKYPE", "uf_skype", QT_STRING, F, "Skype", NULL},
	{"USER_TYPE", "user_type", QT_STRING, F | QF_ADMIN, "USER_TYPE", NULL},
	/* filter-only and Voronka's own */
	{"UF_DEPARTMENT_NAME", "d.name", QT_STRING, QF_FILTER | QF_MULTIPLE | QF_HIDDEN | QF_READONLY, "Department name",
	 "SELECT ud.user_id FROM user_departments ud JOIN departments d ON d.id = ud.department_id WHERE"},
	{"IS_ADMIN", "is_admin", QT_BOOL, F | QF_HIDDEN | QF_ADMIN, "Administrator", NULL},
};

const struct query_entity q_user_entity = {
	"users", "id", user_fields, sizeof user_fields / sizeof user_fields[0], true,
};

static const struct query_field department_fields[] = {
	{"ID", "id", QT_INT, F | QF_READONLY, "ID", NULL},
	{"NAME", "name", QT_STRING, F | QF_REQUIRED, "Department Name", NULL},
	{"SORT", "sort", QT_INT, F | QF_NUMBER, "Sorting Order", NULL},
	{"PARENT", "parent_id", QT_INT, F | QF_OMIT_NULL, "Parent Department", NULL},
	{"UF_HEAD", "head_id", QT_INT, F | QF_OMIT_NULL, "Manager", NULL},
};

const struct query_entity q_department_entity = {
	"departments", "id", department_fields, sizeof department_fields / sizeof department_fields[0], false,
};

static void now_db(char *ts, size_t n)
{
	db_time_utc(time(NULL), ts, n);
}

/* ---- users ---- */

int q_user_insert(struct store *st, const char *login, const char *email, const char *password_hash,
		  const char *name, const char *last_name, bool is_admin, int64_t *id)
{
	struct stmt *s;
	char ts[32];
	now_db(ts, sizeof ts);
	STORE_PREP(s, st,
	     "INSERT INTO users (login, email, password_hash, name, last_name, is_admin, date_register, timestamp_x) "
	     "VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id");
	int rc;
	if ((rc = store_bind_text(s, 1, login)) || (rc = store_bind_text(s, 2, email)) ||
	    (rc = store_bind_text(s, 3, password_hash)) || (rc = store_bind_text(s, 4, name ? name : "")) ||
	    (rc = store_bind_text(s, 5, last_name ? last_name : "")) || (rc = store_bind_int(s, 6, is_admin)) ||
	    (rc = store_bind_text(s, 7, ts))) {
		store_reset(s);
		return rc;
	}
	rc = store_step(s);
	if (rc == STORE_ROW) {
		*id = store_col_int(s, 0);
		rc = store_exec_stmt(s);
	} else if (rc == STORE_OK) {
		rc = STORE_ERROR;
	}
	store_reset(s);
	return rc;
}

int q_user_set_password(struct store *st, int64_t id, const char *password_hash)
{
	struct stmt *s;
	char ts[32];
	now_db(ts, sizeof ts);
	STORE_PREP(s, st, "UPDATE users SET password_hash = $1, timestamp_x = $2 WHERE id = $3");
	int rc;
	if ((rc = store_bind_text(s, 1, password_hash)) || (rc = store_bind_text(s, 2, ts)) ||
	    (rc = store_bind_int(s, 3, id))) {
		store_reset(s);
		return rc;
	}
	rc = store_exec_stmt(s);
	if (!rc && store_last_changes(st) == 0)
		rc = STORE_NOTFOUND;
	return rc;
}

int q_user_find_login(struct store *st, const char *login, int64_t *id)
{
	struct stmt *s;
	STORE_PREP(s, st,
	     "SELECT id FROM users WHERE LOWER(login) = LOWER($1) OR LOWER(email) = LOWER($1) "
	     "ORDER BY CASE WHEN LOWER(login) = LOWER($1) THEN 0 ELSE 1 END, id LIMIT 1");
	int rc = store_bind_text(s, 1, login);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_one_int(s, id);
}

int q_user_email_taken(struct store *st, const char *email, int64_t except_id, bool *taken)
{
	struct stmt *s;
	STORE_PREP(s, st,
	     "SELECT id FROM users WHERE (LOWER(email) = LOWER($1) OR LOWER(login) = LOWER($1)) AND id <> $2 LIMIT 1");
	int rc;
	if ((rc = store_bind_text(s, 1, email)) || (rc = store_bind_int(s, 2, except_id))) {
		store_reset(s);
		return rc;
	}
	int64_t id;
	rc = store_one_int(s, &id);
	*taken = rc == STORE_OK;
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int q_user_flags(struct store *st, int64_t id, bool *is_admin, bool *is_active)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT is_admin, active FROM users WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		if (is_admin)
			*is_admin = store_col_int(s, 0) != 0;
		if (is_active)
			*is_active = store_col_int(s, 1) != 0;
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

int q_user_exists(struct store *st, int64_t id, bool *exists)
{
	int rc = q_user_flags(st, id, NULL, NULL);
	*exists = rc == STORE_OK;
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int q_user_count(struct store *st, int64_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT COUNT(*) FROM users");
	return store_one_int(s, n);
}

int q_user_active_admins(struct store *st, int64_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT COUNT(*) FROM users WHERE is_admin = 1 AND active = 1");
	return store_one_int(s, n);
}

int q_user_sync_login(struct store *st, int64_t id, const char *old_email, const char *new_email)
{
	struct stmt *s;
	STORE_PREP(s, st, "UPDATE users SET login = $1 WHERE id = $2 AND LOWER(login) = LOWER($3)");
	int rc;
	if ((rc = store_bind_text(s, 1, new_email)) || (rc = store_bind_int(s, 2, id)) ||
	    (rc = store_bind_text(s, 3, old_email))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_user_touch(struct store *st, int64_t id)
{
	struct stmt *s;
	char ts[32];
	now_db(ts, sizeof ts);
	STORE_PREP(s, st, "UPDATE users SET timestamp_x = $1 WHERE id = $2");
	int rc;
	if ((rc = store_bind_text(s, 1, ts)) || (rc = store_bind_int(s, 2, id))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_user_set_work(struct store *st, int64_t id, const char *position, const char *gender, const char *phone_inner,
		    const char *company)
{
	struct stmt *s;
	STORE_PREP(s, st,
	     "UPDATE users SET work_position = $1, personal_gender = $2, uf_phone_inner = $3, work_company = $4 "
	     "WHERE id = $5");
	int rc;
	if ((rc = store_bind_text(s, 1, position ? position : "")) || (rc = store_bind_text(s, 2, gender ? gender : "")) ||
	    (rc = store_bind_text(s, 3, phone_inner ? phone_inner : "")) ||
	    (rc = store_bind_text(s, 4, company ? company : "")) || (rc = store_bind_int(s, 5, id))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_user_brief(struct store *st, int64_t id, struct q_user_brief *out)
{
	struct stmt *s;
	STORE_PREP(s, st,
	     "SELECT name, last_name, personal_gender, personal_photo, time_zone, email, is_admin FROM users "
	     "WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		store_col_copy(s, 0, out->name, sizeof out->name);
		store_col_copy(s, 1, out->last_name, sizeof out->last_name);
		store_col_copy(s, 2, out->gender, sizeof out->gender);
		store_col_copy(s, 3, out->photo, sizeof out->photo);
		store_col_copy(s, 4, out->time_zone, sizeof out->time_zone);
		store_col_copy(s, 5, out->email, sizeof out->email);
		out->is_admin = store_col_int(s, 6) != 0;
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

int q_user_departments(struct store *st, int64_t user_id, int64_t *ids, size_t max, size_t *n)
{
	struct stmt *s;
	*n = 0;
	STORE_PREP(s, st, "SELECT department_id FROM user_departments WHERE user_id = $1 ORDER BY department_id");
	int rc = store_bind_int(s, 1, user_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	while ((rc = store_step(s)) == STORE_ROW)
		if (*n < max)
			ids[(*n)++] = store_col_int(s, 0);
	store_reset(s);
	return rc;
}

int q_user_departments_clear(struct store *st, int64_t user_id)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM user_departments WHERE user_id = $1");
	int rc = store_bind_int(s, 1, user_id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

/* ---- departments ---- */

int q_department_insert(struct store *st, const char *name, int64_t parent_id, int64_t head_id, int sort,
			int64_t *id)
{
	struct stmt *s;
	STORE_PREP(s, st, "INSERT INTO departments (name, parent_id, head_id, sort) VALUES ($1, $2, $3, $4) RETURNING id");
	int rc;
	if ((rc = store_bind_text(s, 1, name)) ||
	    (rc = parent_id > 0 ? store_bind_int(s, 2, parent_id) : store_bind_null(s, 2)) ||
	    (rc = head_id > 0 ? store_bind_int(s, 3, head_id) : store_bind_null(s, 3)) ||
	    (rc = store_bind_int(s, 4, sort))) {
		store_reset(s);
		return rc;
	}
	rc = store_step(s);
	if (rc == STORE_ROW) {
		*id = store_col_int(s, 0);
		rc = store_exec_stmt(s);
	} else if (rc == STORE_OK) {
		rc = STORE_ERROR;
	}
	store_reset(s);
	return rc;
}

int q_department_add_user(struct store *st, int64_t department_id, int64_t user_id)
{
	struct stmt *s;
	STORE_PREP(s, st,
	     "INSERT INTO user_departments (user_id, department_id) VALUES ($1, $2) "
	     "ON CONFLICT (user_id, department_id) DO NOTHING");
	int rc;
	if ((rc = store_bind_int(s, 1, user_id)) || (rc = store_bind_int(s, 2, department_id))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_department_parent(struct store *st, int64_t id, int64_t *parent_id)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT parent_id FROM departments WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_one_int(s, parent_id);
}

int q_department_root(struct store *st, int64_t *id)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT id FROM departments WHERE parent_id IS NULL ORDER BY id LIMIT 1");
	return store_one_int(s, id);
}

int q_department_name(struct store *st, int64_t id, char *name, size_t n)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT name FROM departments WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		store_col_copy(s, 0, name, n);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

int q_department_head(struct store *st, int64_t id, int64_t *head_id)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT head_id FROM departments WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_one_int(s, head_id);
}

int q_department_set_head(struct store *st, int64_t id, int64_t head_id)
{
	struct stmt *s;
	STORE_PREP(s, st, "UPDATE departments SET head_id = $1 WHERE id = $2");
	int rc;
	if ((rc = head_id > 0 ? store_bind_int(s, 1, head_id) : store_bind_null(s, 1)) || (rc = store_bind_int(s, 2, id))) {
		store_reset(s);
		return rc;
	}
	return store_exec_stmt(s);
}

int q_department_children(struct store *st, int64_t id, int64_t *n)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT COUNT(*) FROM departments WHERE parent_id = $1");
	int rc = store_bind_int(s, 1, id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	return store_one_int(s, n);
}

int q_department_delete(struct store *st, int64_t id)
{
	struct stmt *s;
	STORE_PREP(s, st, "DELETE FROM departments WHERE id = $1");
	int rc = store_bind_int(s, 1, id);
	if (rc) {
		store_reset(s);
		return rc;
	}
	rc = store_exec_stmt(s);
	if (!rc && store_last_changes(st) == 0)
		rc = STORE_NOTFOUND;
	return rc;
}

/* ---- work groups ---- */

int q_workgroup_role(struct store *st, int64_t group_id, int64_t user_id, char *role)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT role FROM workgroup_members WHERE group_id = $1 AND user_id = $2");
	int rc;
	if ((rc = store_bind_int(s, 1, group_id)) || (rc = store_bind_int(s, 2, user_id))) {
		store_reset(s);
		return rc;
	}
	rc = store_step(s);
	if (rc == STORE_ROW) {
		*role = store_col_text(s, 0)[0];
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}

int q_workgroup_name(struct store *st, int64_t group_id, char *name, size_t n)
{
	struct stmt *s;
	STORE_PREP(s, st, "SELECT name FROM workgroups WHERE id = $1");
	int rc = store_bind_int(s, 1, group_id);
	if (!rc)
		rc = store_step(s);
	if (rc == STORE_ROW) {
		store_col_copy(s, 0, name, n);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
	}
	store_reset(s);
	return rc;
}
