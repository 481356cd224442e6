/* demo.c — the demo company for `voronka init --demo`: ООО «Воронка» with a sales department of
 * two teams, marketing and accounting, each with a head, and a dozen employees who sign in with
 * the password "demo". Idempotent: a portal with users beyond the first is left alone. */
#include "user/user.h"
#include "store/q_user.h"
#include "store/store.h"
#include <stdio.h>

#define DEMO_COMPANY "ООО «Воронка»"
#define DEMO_PASSWORD "demo"

enum { D_ROOT, D_SALES, D_SALES_ACTIVE, D_SALES_KEY, D_MARKETING, D_ACCOUNTING, D__COUNT };

static const struct {
	const char *name;
	int parent; /* index in this table; -1 for the company */
	int sort;
} demo_departments[D__COUNT] = {
	[D_ROOT] = {DEMO_COMPANY, -1, 100},
	[D_SALES] = {"Отдел продаж", D_ROOT, 200},
	[D_SALES_ACTIVE] = {"Группа активных продаж", D_SALES, 210},
	[D_SALES_KEY] = {"Группа по работе с ключевыми клиентами", D_SALES, 220},
	[D_MARKETING] = {"Маркетинг", D_ROOT, 300},
	[D_ACCOUNTING] = {"Бухгалтерия", D_ROOT, 400},
};

static const struct {
	const char *login, *name, *last_name, *position, *gender, *phone;
	int department;
	bool is_head;
} demo_users[] = {
	{"ivan.petrov", "Иван", "Петров", "Коммерческий директор", "M", "101", D_SALES, true},
	{"sergey.smirnov", "Сергей", "Смирнов", "Руководитель группы активных продаж", "M", "111", D_SALES_ACTIVE, true},
	{"alexey.vasiliev", "Алексей", "Васильев", "Менеджер по продажам", "M", "112", D_SALES_ACTIVE, false},
	{"dmitry.novikov", "Дмитрий", "Новиков", "Менеджер по продажам", "M", "113", D_SALES_ACTIVE, false},
	{"olga.kuznetsova", "Ольга", "Кузнецова", "Руководитель группы ключевых клиентов", "F", "121", D_SALES_KEY, true},
	{"elena.popova", "Елена", "Попова", "Менеджер по работе с ключевыми клиентами", "F", "122", D_SALES_KEY, false},
	{"mikhail.lebedev", "Михаил", "Лебедев", "Менеджер по работе с ключевыми клиентами", "M", "123", D_SALES_KEY, false},
	{"anna.sokolova", "Анна", "Соколова", "Директор по маркетингу", "F", "201", D_MARKETING, true},
	{"maria.volkova", "Мария", "Волкова", "Интернет-маркетолог", "F", "202", D_MARKETING, false},
	{"nikita.fedorov", "Никита", "Фёдоров", "Дизайнер", "M", "203", D_MARKETING, false},
	{"tatiana.morozova", "Татьяна", "Морозова", "Главный бухгалтер", "F", "301", D_ACCOUNTING, true},
	{"natalia.egorova", "Наталья", "Егорова", "Бухгалтер", "F", "302", D_ACCOUNTING, false},
};
#define N_DEMO_USERS (sizeof demo_users / sizeof demo_users[0])

/* The company root: the existing one, or a new one headed by the first user. */
static int demo_root(struct store *st, int64_t *root)
{
	int rc = q_department_root(st, root);
	if (rc != STORE_NOTFOUND)
		return rc;
	bool exists; /* the administrator made by init heads the company */
	rc = q_user_exists(st, 1, &exists);
	if (!rc)
		rc = department_create(st, DEMO_COMPANY, 0, exists ? 1 : 0, demo_departments[D_ROOT].sort, root);
	if (!rc && exists)
		rc = department_add_user(st, *root, 1);
	return rc;
}

static int demo_seed(struct store *st)
{
	int64_t dep[D__COUNT];
	int rc = demo_root(st, &dep[D_ROOT]);
	if (rc)
		return rc;
	for (int i = D_ROOT + 1; i < D__COUNT; i++) {
		rc = department_create(st, demo_departments[i].name, dep[demo_departments[i].parent], 0,
				       demo_departments[i].sort, &dep[i]);
		if (rc)
			return rc;
	}
	printf("Demo company %s: %zu users, password \"%s\"\n", DEMO_COMPANY, N_DEMO_USERS, DEMO_PASSWORD);
	for (size_t i = 0; i < N_DEMO_USERS; i++) {
		char email[128];
		int64_t id;
		snprintf(email, sizeof email, "%s@demo.voronka.local", demo_users[i].login);
		rc = user_create_simple(st, email, demo_users[i].name, demo_users[i].last_name, DEMO_PASSWORD, false,
					&id);
		if (!rc)
			rc = q_user_set_work(st, id, demo_users[i].position, demo_users[i].gender, demo_users[i].phone,
					     DEMO_COMPANY);
		if (!rc)
			rc = department_add_user(st, dep[demo_users[i].department], id);
		if (rc)
			return rc;
		if (demo_users[i].is_head) {
			rc = q_department_set_head(st, dep[demo_users[i].department], id);
			if (rc)
				return rc;
		}
		printf("  %-40s %s %s, %s\n", email, demo_users[i].name, demo_users[i].last_name,
		       demo_users[i].position);
	}
	return STORE_OK;
}

int demo_company_seed(struct store *st)
{
	int64_t n;
	int rc = q_user_count(st, &n);
	if (rc)
		return rc;
	if (n > 1) {
		printf("Demo company: the portal already has users; nothing added\n");
		return STORE_OK;
	}
	rc = store_tx_begin_write(st);
	if (rc)
		return rc;
	rc = demo_seed(st);
	if (rc) {
		store_tx_rollback(st);
		return rc;
	}
	return store_tx_commit(st);
}
