/* demo_crm.c — the demo company's CRM (`voronka init --demo`) and bulk bench data (`voronka
 * seed`); see demo_crm.h.
 *
 * The demo goes through rest_dispatch() with internal authentication, as an import script would
 * go through the API: it is a client of the REST layer rather than a domain module beneath it, so
 * that everything an API client's writes cause (history, stage stats, search, events) is caused
 * here by the same code. Only what the API cannot express is done in the store directly: moving
 * the rows back in time (the API stamps every change "now"). The seed, on the other hand, must
 * load a million rows in seconds and writes the tables itself (store/q_crm_seed.c). */
#include "user/demo_crm.h"
#include "user/user.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/util.h"
#include "rest/rest.h"
#include "store/q_crm_category.h"
#include "store/q_crm_search.h"
#include "store/q_crm_seed.h"
#include "store/q_crm_stats.h"
#include "store/store.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY 86400
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define DEMO_SEED 0x766f726f6e6b61ULL /* "voronka": the same demo on every machine */
#define CALL_ARENA (8u << 20)         /* one internal call's memory; the demo's are small */
#define MAX_WARNINGS 8                /* failed calls logged one by one; then only counted */

/* ---- a small deterministic PRNG (splitmix64) ---- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* lo..hi, both included */
static int64_t rng_between(struct rng *r, int64_t lo, int64_t hi)
{
	return hi <= lo ? lo : lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static bool rng_chance(struct rng *r, int percent)
{
	return rng_between(r, 0, 99) < percent;
}

#define PICK(r, arr) ((arr)[rng_between((r), 0, (int64_t)N_OF(arr) - 1)])

/* ---- the people and companies of the demo ---- */

struct name {
	const char *ru, *lat; /* the name, and its Latin spelling for e-mail addresses */
};

static const struct name male_names[] = {
	{"Александр", "alexander"}, {"Андрей", "andrey"}, {"Алексей", "alexey"}, {"Владимир", "vladimir"},
	{"Дмитрий", "dmitry"}, {"Евгений", "evgeny"}, {"Игорь", "igor"}, {"Константин", "konstantin"},
	{"Максим", "maxim"}, {"Николай", "nikolay"}, {"Олег", "oleg"}, {"Павел", "pavel"}, {"Роман", "roman"},
	{"Сергей", "sergey"}, {"Виктор", "viktor"}, {"Юрий", "yuri"}, {"Артём", "artem"}, {"Денис", "denis"},
	{"Кирилл", "kirill"}, {"Михаил", "mikhail"}, {"Илья", "ilya"}, {"Станислав", "stanislav"},
};
static const struct name female_names[] = {
	{"Анна", "anna"}, {"Екатерина", "ekaterina"}, {"Елена", "elena"}, {"Ирина", "irina"}, {"Марина", "marina"},
	{"Наталья", "natalia"}, {"Ольга", "olga"}, {"Светлана", "svetlana"}, {"Татьяна", "tatiana"},
	{"Юлия", "yulia"}, {"Дарья", "daria"}, {"Ксения", "ksenia"}, {"Виктория", "viktoria"}, {"Алина", "alina"},
	{"Евгения", "evgenia"}, {"Людмила", "lyudmila"}, {"Вера", "vera"}, {"Надежда", "nadezhda"},
};
/* Patronymics: the masculine and the feminine form. */
static const struct patronymic {
	const char *m, *f;
} patronymics[] = {
	{"Александрович", "Александровна"}, {"Андреевич", "Андреевна"}, {"Викторович", "Викторовна"},
	{"Владимирович", "Владимировна"}, {"Дмитриевич", "Дмитриевна"}, {"Игоревич", "Игоревна"},
	{"Николаевич", "Николаевна"}, {"Олегович", "Олеговна"}, {"Павлович", "Павловна"},
	{"Сергеевич", "Сергеевна"}, {"Юрьевич", "Юрьевна"}, {"Михайлович", "Михайловна"},
	{"Петрович", "Петровна"}, {"Геннадьевич", "Геннадьевна"}, {"Анатольевич", "Анатольевна"},
};
/* Masculine surnames; every one of them takes -а for the feminine (Иванов, Иванова). */
static const struct name surnames[] = {
	{"Иванов", "ivanov"}, {"Смирнов", "smirnov"}, {"Кузнецов", "kuznetsov"}, {"Попов", "popov"},
	{"Васильев", "vasiliev"}, {"Петров", "petrov"}, {"Соколов", "sokolov"}, {"Михайлов", "mikhailov"},
	{"Новиков", "novikov"}, {"Фёдоров", "fedorov"}, {"Морозов", "morozov"}, {"Волков", "volkov"},
	{"Алексеев", "alekseev"}, {"Лебедев", "lebedev"}, {"Семёнов", "semenov"}, {"Егоров", "egorov"},
	{"Павлов", "pavlov"}, {"Козлов", "kozlov"}, {"Степанов", "stepanov"}, {"Николаев", "nikolaev"},
	{"Орлов", "orlov"}, {"Андреев", "andreev"}, {"Макаров", "makarov"}, {"Никитин", "nikitin"},
	{"Захаров", "zakharov"}, {"Зайцев", "zaitsev"}, {"Соловьёв", "soloviev"}, {"Борисов", "borisov"},
	{"Яковлев", "yakovlev"}, {"Григорьев", "grigoriev"}, {"Романов", "romanov"}, {"Воробьёв", "vorobiev"},
	{"Сергеев", "sergeev"}, {"Кузьмин", "kuzmin"}, {"Фролов", "frolov"}, {"Александров", "aleksandrov"},
	{"Дмитриев", "dmitriev"}, {"Королёв", "korolev"}, {"Гусев", "gusev"}, {"Киселёв", "kiselev"},
	{"Ильин", "ilyin"}, {"Максимов", "maksimov"}, {"Поляков", "polyakov"}, {"Сорокин", "sorokin"},
	{"Виноградов", "vinogradov"}, {"Ковалёв", "kovalev"}, {"Белов", "belov"}, {"Медведев", "medvedev"},
	{"Антонов", "antonov"}, {"Тарасов", "tarasov"}, {"Жуков", "zhukov"}, {"Баранов", "baranov"},
	{"Филиппов", "filippov"}, {"Комаров", "komarov"}, {"Давыдов", "davydov"}, {"Беляев", "belyaev"},
	{"Герасимов", "gerasimov"}, {"Богданов", "bogdanov"}, {"Осипов", "osipov"}, {"Сидоров", "sidorov"},
	{"Матвеев", "matveev"}, {"Титов", "titov"}, {"Марков", "markov"}, {"Миронов", "mironov"},
	{"Крылов", "krylov"}, {"Куликов", "kulikov"}, {"Карпов", "karpov"}, {"Власов", "vlasov"},
	{"Мельников", "melnikov"}, {"Денисов", "denisov"}, {"Гаврилов", "gavrilov"}, {"Тихонов", "tikhonov"},
	{"Казаков", "kazakov"}, {"Афанасьев", "afanasiev"}, {"Данилов", "danilov"}, {"Савельев", "saveliev"},
	{"Тимофеев", "timofeev"}, {"Фомин", "fomin"}, {"Чернов", "chernov"}, {"Абрамов", "abramov"},
};
static const char *const posts[] = {
	"Генеральный директор", "Коммерческий директор", "Финансовый директор", "Главный инженер",
	"Руководитель отдела закупок", "Менеджер по закупкам", "Специалист по снабжению", "Главный бухгалтер",
	"Директор по развитию", "Руководитель ИТ-отдела", "Офис-менеджер", "Заместитель директора",
};
static const char *const mail_hosts[] = {"mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru"};
static const char *const sources[] = {"CALL", "EMAIL", "WEB", "ADVERTISING", "PARTNER", "RECOMMENDATION",
				      "TRADE_SHOW", "WEBFORM", "CALLBACK"};

/* The demo's clients. Invented names: any likeness to a real company is chance. */
static const struct demo_company {
	const char *title, *short_name, *industry, *type, *city, *area, *domain;
	int revenue_mln; /* a year, millions of roubles */
} companies[] = {
	{"ООО «ТехноСфера»", "ТехноСфера", "IT", "CUSTOMER", "Москва", "495", "tehnosfera.ru", 420},
	{"АО «Уралмашкомплект»", "Уралмашкомплект", "MANUFACTURING", "CUSTOMER", "Екатеринбург", "343", "uralmashkomplekt.ru", 2300},
	{"ООО «Балтийская логистика»", "Балтийская логистика", "DELIVERY", "CUSTOMER", "Санкт-Петербург", "812", "baltlogistic.ru", 760},
	{"ООО «СибТелеком»", "СибТелеком", "TELECOM", "CUSTOMER", "Новосибирск", "383", "sibtelecom.ru", 1150},
	{"ООО «Волга-Агро»", "Волга-Агро", "OTHER", "CUSTOMER", "Самара", "846", "volga-agro.ru", 640},
	{"ПАО «Первый Региональный Банк»", "Первый Региональный Банк", "BANKING", "CUSTOMER", "Москва", "495", "pr-bank.ru", 9800},
	{"ООО «КонсалтПро»", "КонсалтПро", "CONSULTING", "PARTNER", "Москва", "499", "konsaltpro.ru", 95},
	{"ООО «Мебельная фабрика Кедр»", "МФ Кедр", "MANUFACTURING", "SUPPLIER", "Кострома", "4942", "mf-kedr.ru", 310},
	{"ООО «Горизонт Девелопмент»", "Горизонт Девелопмент", "OTHER", "CUSTOMER", "Казань", "843", "gorizont-dev.ru", 1800},
	{"ООО «ДатаЛайн Системс»", "ДатаЛайн Системс", "IT", "PARTNER", "Санкт-Петербург", "812", "dataline-sys.ru", 530},
	{"АО «Завод Энергомаш»", "Энергомаш", "MANUFACTURING", "CUSTOMER", "Челябинск", "351", "energomash-zavod.ru", 4100},
	{"ООО «Торговый дом Русский хлеб»", "ТД Русский хлеб", "OTHER", "CUSTOMER", "Воронеж", "473", "td-rushleb.ru", 870},
	{"ООО «Логистик Групп»", "Логистик Групп", "DELIVERY", "CUSTOMER", "Нижний Новгород", "831", "logistic-group.ru", 690},
	{"ООО «Аптечная сеть Здоровье»", "Аптеки Здоровье", "OTHER", "CUSTOMER", "Ростов-на-Дону", "863", "apteka-zdorovie.ru", 1500},
	{"ГБУЗ «Городская клиническая больница № 7»", "ГКБ № 7", "GOVERNMENT", "CUSTOMER", "Москва", "495", "gkb7-med.ru", 0},
	{"ООО «ИнвестФинанс»", "ИнвестФинанс", "FINANCE", "CUSTOMER", "Москва", "495", "investfinans.ru", 2600},
	{"ООО «СтройИнвест»", "СтройИнвест", "OTHER", "CUSTOMER", "Краснодар", "861", "stroyinvest23.ru", 1200},
	{"ООО «Кинотеатры Премьер»", "Кинотеатры Премьер", "ENTERTAINMENT", "CUSTOMER", "Екатеринбург", "343", "premier-kino.ru", 380},
	{"Благотворительный фонд «Доброе дело»", "Фонд Доброе дело", "NOTPROFIT", "OTHER", "Москва", "495", "dobroe-delo.org", 0},
	{"ООО «Автоцентр Магистраль»", "Автоцентр Магистраль", "OTHER", "CUSTOMER", "Тюмень", "3452", "magistral-auto.ru", 2900},
	{"ООО «ПромЭлектро»", "ПромЭлектро", "MANUFACTURING", "SUPPLIER", "Пермь", "342", "promelectro.ru", 740},
	{"ООО «Северный ветер»", "Северный ветер", "DELIVERY", "CUSTOMER", "Мурманск", "8152", "sever-veter.ru", 210},
	{"ООО «Веб-студия Пиксель»", "Пиксель", "IT", "PARTNER", "Томск", "3822", "pixel-studio.ru", 45},
	{"АО «Телеком-Регион»", "Телеком-Регион", "TELECOM", "CUSTOMER", "Уфа", "347", "telecom-region.ru", 1900},
	{"ООО «Агрохолдинг Черноземье»", "Черноземье", "OTHER", "CUSTOMER", "Белгород", "4722", "chernozemie-agro.ru", 3300},
	{"ООО «Ресторанная группа Самовар»", "Самовар", "ENTERTAINMENT", "CUSTOMER", "Санкт-Петербург", "812", "samovar-rest.ru", 560},
	{"ООО «МедТехника»", "МедТехника", "OTHER", "CUSTOMER", "Новосибирск", "383", "medtehnika-nsk.ru", 430},
	{"ООО «Юридическое бюро Право»", "Бюро Право", "CONSULTING", "PARTNER", "Москва", "495", "pravo-bureau.ru", 60},
	{"ООО «ЛесПромТорг»", "ЛесПромТорг", "MANUFACTURING", "CUSTOMER", "Архангельск", "8182", "lesprom-torg.ru", 980},
	{"ООО «Сеть гипермаркетов Корзина»", "Корзина", "OTHER", "CUSTOMER", "Казань", "843", "korzina-market.ru", 7400},
	{"ООО «Кредитный союз Опора»", "Опора", "FINANCE", "CUSTOMER", "Самара", "846", "opora-credit.ru", 340},
	{"ООО «ЭкоВода»", "ЭкоВода", "MANUFACTURING", "SUPPLIER", "Владимир", "4922", "ecovoda.ru", 150},
	{"ООО «Транспортная компания Вектор»", "ТК Вектор", "DELIVERY", "CUSTOMER", "Омск", "3812", "tk-vektor.ru", 820},
	{"ООО «Облачные решения»", "Облачные решения", "IT", "CUSTOMER", "Москва", "495", "cloud-resh.ru", 270},
	{"ООО «Гостиничный комплекс Волна»", "ГК Волна", "ENTERTAINMENT", "CUSTOMER", "Сочи", "862", "volna-hotel.ru", 650},
	{"МАОУ «Средняя школа № 45»", "Школа № 45", "GOVERNMENT", "CUSTOMER", "Ярославль", "4852", "school45-yar.ru", 0},
	{"ООО «Стальконструкция»", "Стальконструкция", "MANUFACTURING", "CUSTOMER", "Липецк", "4742", "stalkon.ru", 1300},
	{"ООО «ФинКонсалт»", "ФинКонсалт", "CONSULTING", "CUSTOMER", "Екатеринбург", "343", "finkonsalt.ru", 120},
	{"ООО «Альфа-Трейд»", "Альфа-Трейд", "OTHER", "COMPETITOR", "Калининград", "4012", "alfa-trade39.ru", 500},
	{"ООО «Энергосбыт Сервис»", "Энергосбыт Сервис", "OTHER", "CUSTOMER", "Иркутск", "3952", "energosbyt-servis.ru", 2100},
};

/* What deals are about, per pipeline in the demo's order (the default one, wholesale, service),
 * with the range of their amounts in thousands of roubles. */
static const struct deal_kind {
	const char *type_id;
	int min_k, max_k;
	const char *products[8];
} deal_kinds[] = {
	{"SALE", 60, 2500, {"Внедрение CRM", "Лицензии CRM на 25 пользователей", "Интеграция с 1С", "Разработка корпоративного сайта",
			    "Настройка IP-телефонии", "Обучение сотрудников", "Аудит бизнес-процессов", "Поставка серверного оборудования"}},
	{"GOODS", 300, 12000, {"Оптовая партия ноутбуков", "Поставка офисной мебели", "Партия сетевого оборудования",
			       "Поставка расходных материалов", "Оптовая партия мониторов", "Поставка источников бесперебойного питания",
			       "Партия МФУ", "Поставка серверных стоек"}},
	{"SERVICE", 15, 600, {"Годовое сервисное обслуживание", "Ремонт оборудования", "Техническая поддержка 24/7",
			      "Выездная диагностика", "Продление гарантии", "Профилактика серверной", "Абонентское обслуживание",
			      "Замена комплектующих"}},
};

static const char *const lead_titles[] = {
	"Заявка с сайта", "Входящий звонок", "Запрос коммерческого предложения", "Заявка с выставки «Связь-2026»",
	"Обратный звонок", "Заявка из CRM-формы", "Письмо на info@", "Рекомендация клиента",
};
static const char *const prospect_roots[] = {"Гранит", "Меридиан", "Атлант", "Прогресс", "Спектр", "Импульс",
					     "Феникс", "Альянс", "Орион", "Квант", "Магнит", "Радуга", "Лидер",
					     "Вершина", "Континент", "Кристалл", "Эталон", "Партнёр"};
static const char *const prospect_tails[] = {"", "-Трейд", " Плюс", "-Строй", " Групп", "-Сервис", "Снаб", "Пром"};

static const char *const call_subjects[] = {
	"Первичный звонок", "Уточнить потребности клиента", "Согласовать коммерческое предложение",
	"Напомнить об оплате счёта", "Обсудить условия договора", "Договориться о встрече", "Узнать решение по КП",
};
static const char *const meeting_subjects[] = {
	"Встреча в офисе клиента", "Презентация решения", "Подписание договора", "Демонстрация продукта",
	"Переговоры по условиям поставки",
};
static const char *const comments[] = {
	"Клиент просит скидку 5% при оплате до конца месяца.",
	"Отправил коммерческое предложение, ждём обратной связи.",
	"Согласовали техническое задание, готовим договор.",
	"Клиент сравнивает с предложением конкурента, просит пересчитать доставку.",
	"Юристы клиента вносят правки в договор.",
	"Оплата ожидается на следующей неделе, счёт выставлен.",
	"ЛПР — финансовый директор, встреча назначена.",
	"Запросили образцы и сертификаты соответствия.",
	"Бюджет утверждён, ждём решения тендерной комиссии.",
	"Клиент доволен пилотом, обсуждаем расширение.",
};

/* Logins of the demo company's sales people (user/demo.c), who own the CRM's records. */
static const char *const sales_logins[] = {
	"alexey.vasiliev@demo.voronka.local", "dmitry.novikov@demo.voronka.local", "sergey.smirnov@demo.voronka.local",
	"elena.popova@demo.voronka.local", "mikhail.lebedev@demo.voronka.local", "olga.kuznetsova@demo.voronka.local",
	"ivan.petrov@demo.voronka.local",
};

/* ---- pipelines and how their items spread over the stages ---- */

#define MAX_PIPELINES 16
#define MAX_STAGES 64

struct pipeline {
	int64_t id;
	const struct q_crm_seed_stage *stages; /* a slice of the stage array */
	size_t n;                              /* at most MAX_STAGES are used */
	double w[MAX_STAGES];                  /* how many items sit in each stage, relatively */
	double total;
};

/* Most items in the early stages, fewer further on; a share won, a smaller share lost (the
 * first failure stage: the others, "analysis of the loss", get a few). */
static void pipeline_weigh(struct pipeline *p)
{
	double process = 100;
	bool had_failure = false;
	p->total = 0;
	for (size_t i = 0; i < p->n; i++) {
		char sem = p->stages[i].semantics;
		if (sem == 'P') {
			p->w[i] = process;
			process *= 0.72;
		} else if (sem == 'S') {
			p->w[i] = 45;
		} else {
			p->w[i] = had_failure ? 6 : 25;
			had_failure = true;
		}
		p->total += p->w[i];
	}
}

/* Split the stages (ordered by pipeline) into pipelines. */
static size_t pipelines_group(const struct q_crm_seed_stage *all, size_t n, struct pipeline *out)
{
	size_t np = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && all[j].category_id == all[i].category_id)
			j++;
		if (np < MAX_PIPELINES) {
			struct pipeline *p = &out[np++];
			p->id = all[i].category_id;
			p->stages = all + i;
			p->n = j - i < MAX_STAGES ? j - i : MAX_STAGES;
			pipeline_weigh(p);
		}
		i = j;
	}
	return np;
}

static size_t pipeline_pick_stage(struct rng *r, const struct pipeline *p)
{
	double x = (double)(rng_next(r) >> 11) / 9007199254740992.0 * p->total;
	for (size_t i = 0; i < p->n; i++) {
		if (x < p->w[i])
			return i;
		x -= p->w[i];
	}
	return 0;
}

/* The number of "in progress" stages at the start of a pipeline. */
static size_t pipeline_n_process(const struct pipeline *p)
{
	size_t k = 0;
	while (k < p->n && p->stages[k].semantics == 'P')
		k++;
	return k;
}

/* ---- time ---- */

/* A moment of a working day (09:00–19:00 Moscow, UTC+3) days_ago days back (ahead, when
 * negative). Today's moment must not lie in the future unless a future day was asked for. */
static time_t work_time(struct rng *r, time_t now, int64_t days_ago)
{
	time_t day = now - (time_t)days_ago * DAY;
	day -= day % DAY;
	time_t t = day + (time_t)rng_between(r, 6 * 3600, 16 * 3600);
	return days_ago >= 0 && t > now ? now - (time_t)rng_between(r, 60, 3600) : t;
}

static void db_time(time_t t, char *out, size_t n)
{
	db_time_utc(t, out, n);
}

/* The API's input form: ISO 8601 with the offset. */
static void iso_time(time_t t, char *out, size_t n)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
}

static void day_text(time_t t, char *out, size_t n)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d", &tm);
}

/* ---- calling the API from inside ---- */

struct demo {
	struct store *st;
	struct rng rng;
	time_t now;
	int64_t admin_id;
	int64_t users[N_OF(sales_logins)]; /* the sales people found; the administrator if none */
	size_t n_users;
	int n_failed;
	int64_t company_ids[N_OF(companies)];
	size_t n_companies;
	struct demo_contact {
		int64_t id;
		int company; /* index in companies[], -1: a private person */
		char name[160];
		char phone[32];
	} contacts[128];
	size_t n_contacts;
	struct pipeline pipes[MAX_PIPELINES];
	size_t n_pipes;
	int n_leads, n_deals, n_activities, n_comments;
	bool has_activity, has_comment; /* the optional methods exist */
};

static void demo_warn(struct demo *d, const char *method, const char *err)
{
	if (++d->n_failed <= MAX_WARNINGS)
		log_warn("demo: %s failed: %s", method, err);
}

/* Run one method as user_id, falling back to the administrator when the user may not; returns
 * the result (a new reference) or NULL after a warning. Takes params. */
static json_t *demo_call(struct demo *d, int64_t user_id, const char *method, json_t *params)
{
	json_t *result = NULL;
	if (!params)
		return NULL;
	for (int attempt = 0; attempt < 2; attempt++) {
		bool as_admin = attempt == 1 || user_id == d->admin_id;
		struct rest_auth auth = {.kind = AUTH_INTERNAL, .user_id = as_admin ? d->admin_id : user_id,
					 .is_admin = as_admin};
		struct rest_call call = {.arena = arena_new(CALL_ARENA), .st = d->st, .auth = &auth};
		if (!call.arena)
			break;
		int rc = rest_dispatch(&call, method, params);
		if (!rc) {
			result = call.result;
			call.result = NULL;
		} else if (as_admin) {
			demo_warn(d, method, call.err_desc ? call.err_desc : "?"); /* before the arena goes */
		}
		if (call.result)
			json_decref(call.result);
		arena_free(call.arena);
		if (!rc || as_admin)
			break;
	}
	json_decref(params);
	return result;
}

/* A write made at `when`: the call, then the history rows it wrote dated back to then. */
static json_t *demo_write(struct demo *d, int64_t user_id, const char *method, json_t *params, time_t when)
{
	struct q_crm_seed_mark mark;
	if (q_crm_seed_mark(d->st, &mark)) {
		json_decref(params);
		demo_warn(d, method, store_errmsg(d->st));
		return NULL;
	}
	json_t *r = demo_call(d, user_id, method, params);
	char t[32];
	db_time(when, t, sizeof t);
	if (r && q_crm_seed_backdate_since(d->st, &mark, t))
		demo_warn(d, method, store_errmsg(d->st));
	return r;
}

/* The id an add returned: 123, "123" or {"category": {"id": 123}} / {"item": …}. */
static int64_t result_id(json_t *r)
{
	int64_t id = 0;
	if (json_is_integer(r))
		id = json_integer_value(r);
	else if (json_is_string(r) && parse_i64(json_string_value(r), &id))
		id = 0;
	else if (json_is_object(r) && json_object_size(r) == 1)
		id = result_id(json_incref(json_object_get(json_object_iter_value(json_object_iter(r)), "id")));
	json_decref(r);
	return id;
}

static int64_t demo_add(struct demo *d, int64_t user_id, const char *method, json_t *params, time_t when)
{
	return result_id(demo_write(d, user_id, method, params, when));
}

static int64_t demo_user(struct demo *d)
{
	return d->users[rng_between(&d->rng, 0, (int64_t)d->n_users - 1)];
}

static bool method_missing(const char *method)
{
	if (rest_method_find(method))
		return false;
	log_warn("demo: %s is not available yet: that part of the demo CRM is left out", method);
	return true;
}

/* ---- the parts of the demo ---- */

static json_t *multi(const char *value, const char *type)
{
	return json_pack("[{s:s,s:s}]", "VALUE", value, "VALUE_TYPE", type);
}

static void mobile_phone(struct rng *r, char *out, size_t n)
{
	snprintf(out, n, "+7 9%02d %03d-%02d-%02d", (int)rng_between(r, 0, 99), (int)rng_between(r, 100, 999),
		 (int)rng_between(r, 10, 99), (int)rng_between(r, 10, 99));
}

static int demo_pipelines(struct demo *d, struct arena *a)
{
	static const char *const names[] = {"Оптовые продажи", "Сервис"};
	struct q_crm_category_row *rows;
	size_t n;
	int rc = q_crm_category_all(d->st, a, 2, &rows, &n);
	for (size_t i = n; !rc && i < 1 + N_OF(names); i++)
		json_decref(demo_call(d, d->admin_id, "crm.category.add",
				      json_pack("{s:i,s:{s:s,s:i}}", "entityTypeId", 2, "fields", "name", names[i - 1],
						"sort", (int)(100 * (i + 1)))));
	struct q_crm_seed_stage *stages;
	if (!rc)
		rc = q_crm_seed_deal_stages(d->st, a, &stages, &n);
	if (!rc)
		d->n_pipes = pipelines_group(stages, n, d->pipes);
	return rc;
}

static void demo_companies(struct demo *d)
{
	for (size_t i = 0; i < N_OF(companies); i++) {
		const struct demo_company *c = &companies[i];
		char phone[40], email[80], web[80];
		snprintf(phone, sizeof phone, "+7 (%s) %03d-%02d-%02d", c->area, (int)rng_between(&d->rng, 200, 999),
			 (int)rng_between(&d->rng, 10, 99), (int)rng_between(&d->rng, 10, 99));
		snprintf(email, sizeof email, "info@%s", c->domain);
		snprintf(web, sizeof web, "https://%s", c->domain);
		time_t when = work_time(&d->rng, d->now, rng_between(&d->rng, 170, 185));
		json_t *f = json_pack("{s:s,s:s,s:s,s:s,s:f,s:s,s:s,s:o,s:o,s:o,s:I}", "TITLE", c->title, "COMPANY_TYPE",
				      c->type, "INDUSTRY", c->industry, "ADDRESS_CITY", c->city, "REVENUE",
				      (double)c->revenue_mln * 1e6, "CURRENCY_ID", "RUB", "OPENED", "Y", "PHONE",
				      multi(phone, "WORK"), "EMAIL", multi(email, "WORK"), "WEB", multi(web, "WORK"),
				      "ASSIGNED_BY_ID", (json_int_t)demo_user(d));
		int64_t id = demo_add(d, d->users[i % d->n_users], "crm.company.add", json_pack("{s:o}", "fields", f), when);
		if (!id)
			continue;
		char t[32];
		db_time(when, t, sizeof t);
		q_crm_seed_backdate_item(d->st, 4, id, t, t);
		d->company_ids[d->n_companies++] = id;
	}
}

/* A person: names, and the e-mail built from their Latin spelling. */
struct person {
	const char *name, *second_name;
	char last_name[64], email[128];
};

static void person_make(struct rng *r, struct person *p, const char *domain)
{
	bool female = rng_chance(r, 45);
	const struct name *first = female ? &PICK(r, female_names) : &PICK(r, male_names);
	const struct patronymic *pat = &PICK(r, patronymics);
	const struct name *last = &PICK(r, surnames);
	p->name = first->ru;
	p->second_name = female ? pat->f : pat->m;
	snprintf(p->last_name, sizeof p->last_name, "%s%s", last->ru, female ? "а" : "");
	if (domain)
		snprintf(p->email, sizeof p->email, "%s.%s%s@%s", first->lat, last->lat, female ? "a" : "", domain);
	else
		snprintf(p->email, sizeof p->email, "%s.%s%s%d@%s", first->lat, last->lat, female ? "a" : "",
			 (int)rng_between(r, 70, 99), PICK(r, mail_hosts));
}

static void demo_contacts(struct demo *d, size_t n)
{
	for (size_t i = 0; i < n && i < N_OF(d->contacts); i++) {
		/* Two or three people at most companies; the last ones are private clients. */
		int company = i < n * 85 / 100 && d->n_companies ? (int)(i % d->n_companies) : -1;
		struct person p;
		person_make(&d->rng, &p, company >= 0 ? companies[company].domain : NULL);
		struct demo_contact *c = &d->contacts[d->n_contacts];
		mobile_phone(&d->rng, c->phone, sizeof c->phone);
		time_t when = work_time(&d->rng, d->now, rng_between(&d->rng, 120, 178));
		json_t *f = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:I}", "NAME", p.name, "SECOND_NAME",
				      p.second_name, "LAST_NAME", p.last_name, "POST", company >= 0 ? PICK(&d->rng, posts) : "",
				      "TYPE_ID", "CLIENT", "SOURCE_ID", PICK(&d->rng, sources), "PHONE",
				      multi(c->phone, "MOBILE"), "EMAIL", multi(p.email, company >= 0 ? "WORK" : "HOME"),
				      "ASSIGNED_BY_ID", (json_int_t)demo_user(d));
		if (f && company >= 0)
			json_object_set_new(f, "COMPANY_ID", json_integer(d->company_ids[company]));
		if (f)
			json_object_set_new(f, "OPENED", json_string("Y"));
		int64_t id = demo_add(d, demo_user(d), "crm.contact.add", json_pack("{s:o}", "fields", f), when);
		if (!id)
			continue;
		char t[32];
		db_time(when, t, sizeof t);
		q_crm_seed_backdate_item(d->st, 3, id, t, t);
		c->id = id;
		c->company = company;
		snprintf(c->name, sizeof c->name, "%s %s", p.name, p.last_name);
		d->n_contacts++;
	}
}

/* Move an item (lead or deal) stage by stage to stage `target` of p, from its creation at t0 to
 * t1; returns the time of the last move. */
static time_t demo_walk(struct demo *d, const char *method, const char *field, int64_t id, int64_t user,
			const struct pipeline *p, size_t target, time_t t0, time_t t1)
{
	size_t np = pipeline_n_process(p);
	size_t path[MAX_STAGES], n = 0;
	/* The last stage in progress it passes: a won item went through all of them, a lost one
	 * dropped out somewhere. */
	size_t last_process = target;
	if (target >= np)
		last_process = !np ? 0 : p->stages[target].semantics == 'S' ? np - 1
					: (size_t)rng_between(&d->rng, 0, (int64_t)np - 1);
	for (size_t k = 1; k <= last_process && k < np; k++)
		path[n++] = k;
	if (target >= np)
		path[n++] = target;
	time_t when = t0;
	for (size_t i = 0; i < n; i++) {
		when = t0 + (t1 - t0) * (time_t)(i + 1) / (time_t)n;
		json_t *r = demo_write(d, user, method,
				       json_pack("{s:I,s:{s:s}}", "id", (json_int_t)id, "fields", field,
						 p->stages[path[i]].stage_id),
				       when);
		if (!r)
			break;
		json_decref(r);
	}
	return when;
}

static void demo_leads(struct demo *d, struct arena *a, int n)
{
	struct q_crm_seed_stage *statuses;
	size_t n_st;
	if (q_crm_seed_lead_statuses(d->st, a, &statuses, &n_st) || !n_st)
		return;
	struct pipeline p = {.id = 0, .stages = statuses, .n = n_st < MAX_STAGES ? n_st : MAX_STAGES};
	pipeline_weigh(&p);
	for (int i = 0; i < n; i++) {
		struct person who;
		person_make(&d->rng, &who, NULL);
		char phone[32], company[96], title[160];
		mobile_phone(&d->rng, phone, sizeof phone);
		snprintf(company, sizeof company, "ООО «%s%s»", PICK(&d->rng, prospect_roots), PICK(&d->rng, prospect_tails));
		size_t kind = (size_t)rng_between(&d->rng, 0, N_OF(deal_kinds) - 1);
		snprintf(title, sizeof title, "%s: %s", PICK(&d->rng, lead_titles), PICK(&d->rng, deal_kinds[kind].products));
		int64_t user = demo_user(d);
		time_t t0 = work_time(&d->rng, d->now, rng_between(&d->rng, 0, 180));
		double amount = (double)rng_between(&d->rng, deal_kinds[kind].min_k, deal_kinds[kind].max_k / 2) * 1000;
		json_t *f = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:f,s:s,s:o,s:o,s:I,s:s}", "TITLE", title, "NAME",
				      who.name, "SECOND_NAME", who.second_name, "LAST_NAME", who.last_name, "COMPANY_TITLE",
				      company, "POST", PICK(&d->rng, posts), "SOURCE_ID", PICK(&d->rng, sources), "STATUS_ID",
				      statuses[0].stage_id, "OPPORTUNITY", amount, "CURRENCY_ID", "RUB", "PHONE",
				      multi(phone, "MOBILE"), "EMAIL", multi(who.email, "WORK"), "ASSIGNED_BY_ID",
				      (json_int_t)user, "OPENED", "Y");
		int64_t id = demo_add(d, user, "crm.lead.add", json_pack("{s:o}", "fields", f), t0);
		if (!id)
			continue;
		size_t target = pipeline_pick_stage(&d->rng, &p);
		time_t t1 = t0 + (time_t)rng_between(&d->rng, 1, 20) * DAY;
		time_t last = target ? demo_walk(d, "crm.lead.update", "STATUS_ID", id, user, &p, target, t0,
						 t1 < d->now ? t1 : d->now - 600)
				     : t0;
		char c0[32], c1[32];
		db_time(t0, c0, sizeof c0);
		db_time(last, c1, sizeof c1);
		q_crm_seed_backdate_item(d->st, 1, id, c0, c1);
		d->n_leads++;
	}
}

/* A call or a meeting about a deal, done at `when` (or planned, when in the future). */
static void demo_activity(struct demo *d, int64_t deal, int64_t user, const struct demo_contact *c, time_t when)
{
	bool call = rng_chance(&d->rng, 65);
	bool done = when < d->now;
	char start[40], end[40];
	iso_time(when, start, sizeof start);
	iso_time(when + (call ? 15 * 60 : 3600), end, sizeof end);
	json_t *f = json_pack("{s:i,s:I,s:i,s:s,s:s,s:s,s:s,s:i,s:i,s:I,s:s,s:i}", "OWNER_TYPE_ID", 2, "OWNER_ID",
			      (json_int_t)deal, "TYPE_ID", call ? 2 : 1, "SUBJECT",
			      call ? PICK(&d->rng, call_subjects) : PICK(&d->rng, meeting_subjects), "START_TIME", start,
			      "END_TIME", end, "COMPLETED", done ? "Y" : "N", "PRIORITY", 2, "DIRECTION", call ? 2 : 0,
			      "RESPONSIBLE_ID", (json_int_t)user, "DESCRIPTION",
			      call ? "Звонок клиенту по сделке" : "Встреча с клиентом", "DESCRIPTION_TYPE", 1);
	if (f && c)
		json_object_set_new(f, "COMMUNICATIONS",
				    json_pack("[{s:s,s:I,s:i}]", "VALUE", c->phone, "ENTITY_ID", (json_int_t)c->id,
					      "ENTITY_TYPE_ID", 3));
	if (f && !call)
		json_object_set_new(f, "LOCATION", json_string("Офис клиента"));
	time_t created = done ? when - 3600 : d->now - (time_t)rng_between(&d->rng, 3600, 3 * DAY);
	int64_t id = demo_add(d, user, "crm.activity.add", json_pack("{s:o}", "fields", f), created);
	if (!id)
		return;
	char t[32];
	db_time(created, t, sizeof t);
	q_crm_seed_backdate_activity(d->st, id, t);
	d->n_activities++;
}

static void demo_comment(struct demo *d, int64_t deal, int64_t user, time_t when)
{
	json_t *p = json_pack("{s:{s:I,s:s,s:s,s:I}}", "fields", "ENTITY_ID", (json_int_t)deal, "ENTITY_TYPE", "deal",
			      "COMMENT", PICK(&d->rng, comments), "AUTHOR_ID", (json_int_t)user);
	int64_t id = demo_add(d, user, "crm.timeline.comment.add", p, when);
	if (!id)
		return;
	char t[32];
	db_time(when, t, sizeof t);
	q_crm_seed_backdate_comment(d->st, id, t);
	d->n_comments++;
}

/* The client of a deal: a company and one of its people, or a private person. */
static const struct demo_contact *deal_client(struct demo *d, int *company)
{
	if (!d->n_contacts)
		return NULL;
	const struct demo_contact *c = &d->contacts[rng_between(&d->rng, 0, (int64_t)d->n_contacts - 1)];
	*company = c->company;
	return c;
}

/* After the deal's life from t0 to its last move t1: calls, meetings and comments. */
static void demo_deal_timeline(struct demo *d, int64_t id, int64_t user, const struct demo_contact *c, time_t t0,
			       time_t t1, bool closed)
{
	int n_act = rng_chance(&d->rng, 70) ? (int)rng_between(&d->rng, 1, 3) : 0;
	for (int i = 0; d->has_activity && i < n_act; i++)
		demo_activity(d, id, user, c, t0 + (t1 - t0) * (i + 1) / (n_act + 1));
	if (d->has_activity && !closed && rng_chance(&d->rng, 60)) /* the next step, planned */
		demo_activity(d, id, user, c, work_time(&d->rng, d->now, -rng_between(&d->rng, 1, 14)));
	int n_com = rng_chance(&d->rng, 45) ? (int)rng_between(&d->rng, 1, 2) : 0;
	for (int i = 0; d->has_comment && i < n_com; i++)
		demo_comment(d, id, user, t0 + (t1 - t0) * (2 * i + 1) / (2 * n_com + 1) + 600);
}

static void demo_deal(struct demo *d, size_t pipe_no, const struct pipeline *p)
{
	const struct deal_kind *k = &deal_kinds[pipe_no < N_OF(deal_kinds) ? pipe_no : 0];
	int company = -1;
	const struct demo_contact *c = deal_client(d, &company);
	const char *product = k->products[rng_between(&d->rng, 0, N_OF(k->products) - 1)];
	char title[200], begin[16], close[16];
	snprintf(title, sizeof title, "%s — %s", product, company >= 0 ? companies[company].short_name : c ? c->name : "");
	int64_t user = demo_user(d);
	time_t t0 = work_time(&d->rng, d->now, rng_between(&d->rng, 0, 180));
	size_t target = pipeline_pick_stage(&d->rng, p);
	bool closed = p->stages[target].semantics != 'P';
	time_t t1 = t0 + (time_t)rng_between(&d->rng, closed ? 5 : 0, closed ? 75 : 40) * DAY;
	if (t1 >= d->now)
		t1 = d->now - (time_t)rng_between(&d->rng, 600, 6 * 3600);
	if (t1 < t0)
		t1 = t0;
	day_text(t0, begin, sizeof begin);
	day_text(closed ? t1 : t0 + (time_t)rng_between(&d->rng, 20, 90) * DAY, close, sizeof close);
	/* Amounts look like prices: round to 500 roubles. */
	double amount = (double)(rng_between(&d->rng, k->min_k * 2, k->max_k * 2)) * 500;
	json_t *f = json_pack("{s:s,s:s,s:I,s:s,s:f,s:s,s:s,s:I,s:s,s:s,s:s,s:s}", "TITLE", title, "TYPE_ID", k->type_id,
			      "CATEGORY_ID", (json_int_t)p->id, "STAGE_ID", p->stages[0].stage_id, "OPPORTUNITY", amount,
			      "CURRENCY_ID", "RUB", "IS_MANUAL_OPPORTUNITY", "Y", "ASSIGNED_BY_ID", (json_int_t)user,
			      "SOURCE_ID", PICK(&d->rng, sources), "BEGINDATE", begin, "CLOSEDATE", close, "OPENED", "Y");
	if (f && company >= 0)
		json_object_set_new(f, "COMPANY_ID", json_integer(d->company_ids[company]));
	if (f && c)
		json_object_set_new(f, "CONTACT_IDS", json_pack("[I]", (json_int_t)c->id));
	int64_t id = demo_add(d, user, "crm.deal.add", json_pack("{s:o}", "fields", f), t0);
	if (!id)
		return;
	time_t last = target ? demo_walk(d, "crm.deal.update", "STAGE_ID", id, user, p, target, t0, t1) : t0;
	demo_deal_timeline(d, id, user, c, t0, last, closed);
	char c0[32], c1[32];
	db_time(t0, c0, sizeof c0);
	db_time(last, c1, sizeof c1);
	q_crm_seed_backdate_item(d->st, 2, id, c0, c1);
	d->n_deals++;
}

static void demo_deals(struct demo *d, int n)
{
	/* Half of the deals in the default pipeline, the rest shared by the others. */
	for (int i = 0; i < n && d->n_pipes; i++) {
		size_t pipe = d->n_pipes == 1 || rng_chance(&d->rng, 50)
				      ? 0 : (size_t)rng_between(&d->rng, 1, (int64_t)d->n_pipes - 1);
		demo_deal(d, pipe, &d->pipes[pipe]);
	}
}

static void demo_find_users(struct demo *d)
{
	d->n_users = 0;
	for (size_t i = 0; i < N_OF(sales_logins); i++) {
		int64_t id;
		if (user_find_by_login(d->st, sales_logins[i], &id) == STORE_OK)
			d->users[d->n_users++] = id;
	}
	if (!d->n_users)
		d->users[d->n_users++] = d->admin_id;
}

/* Has the CRM any item yet? */
static int crm_is_empty(struct store *st, bool *empty)
{
	*empty = true;
	for (int64_t t = 1; t <= 4; t++) {
		int64_t n;
		int rc = q_crm_seed_count(st, t, &n);
		if (rc)
			return rc;
		if (n)
			*empty = false;
	}
	return STORE_OK;
}

static int demo_fill(struct demo *d, struct arena *a)
{
	int rc = demo_pipelines(d, a);
	if (rc)
		return rc;
	demo_find_users(d);
	if (!method_missing("crm.company.add"))
		demo_companies(d);
	if (!method_missing("crm.contact.add"))
		demo_contacts(d, 100);
	if (!method_missing("crm.lead.add"))
		demo_leads(d, a, 200);
	d->has_activity = !method_missing("crm.activity.add");
	d->has_comment = !method_missing("crm.timeline.comment.add");
	if (!method_missing("crm.deal.add"))
		demo_deals(d, 300);
	return STORE_OK;
}

int demo_crm_fill(struct store *st, int64_t admin_id)
{
	bool empty;
	int rc = crm_is_empty(st, &empty);
	if (rc)
		return rc;
	if (!empty) {
		printf("Demo CRM: the CRM already holds items; nothing added\n");
		return STORE_OK;
	}
	struct demo *d = calloc(1, sizeof *d);
	struct arena *a = arena_new(4u << 20);
	if (!d || !a) {
		free(d);
		if (a)
			arena_free(a);
		return STORE_ERROR;
	}
	*d = (struct demo){.st = st, .rng = {DEMO_SEED}, .now = (time_t)now_unix(), .admin_id = admin_id};
	double t0 = now_mono();
	/* One transaction for all: each call's own becomes a savepoint, and the disk is synced once. */
	rc = store_tx_begin_write(st);
	if (!rc) {
		rc = demo_fill(d, a);
		rc = rc ? (store_tx_rollback(st), rc) : store_tx_commit(st);
	}
	if (!rc)
		printf("Demo CRM: %zu pipelines, %zu companies, %zu contacts, %d leads, %d deals, %d activities, "
		       "%d comments (%.1f s)\n",
		       d->n_pipes, d->n_companies, d->n_contacts, d->n_leads, d->n_deals, d->n_activities, d->n_comments,
		       now_mono() - t0);
	if (d->n_failed)
		log_warn("demo: %d API calls failed (the first %d are logged above)", d->n_failed,
			 d->n_failed < MAX_WARNINGS ? d->n_failed : MAX_WARNINGS);
	arena_free(a);
	free(d);
	return rc;
}

/* ---- voronka seed: bulk data for benchmarks ---- */

#define SEED_CHUNK 100000       /* rows per transaction: big enough to be fast, small enough for the WAL */
#define SEED_USERS 30           /* active users the seeded items are spread over */
#define SEED_SPAN (365 * DAY)   /* items are created over the last year */

struct seed {
	struct store *st;
	struct arena *a;
	struct rng rng;
	time_t now;
	double t0;
	int64_t *users;
	size_t n_users;
	struct pipeline pipes[MAX_PIPELINES];
	size_t n_pipes;
	struct pipeline lead_statuses;
	int64_t *company_ids, *contact_ids, *contact_company; /* arena arrays */
	int64_t n_companies, n_contacts;
};

static int seed_pipelines(struct store *st, struct arena *a)
{
	static const char *const names[] = {"Оптовые продажи", "Сервис"};
	struct q_crm_category_row *rows;
	size_t n;
	int rc = q_crm_category_all(st, a, 2, &rows, &n);
	if (rc || n >= 1 + N_OF(names))
		return rc;
	char now[32];
	db_time((time_t)now_unix(), now, sizeof now);
	if ((rc = store_tx_begin_write(st)))
		return rc;
	for (size_t i = n; !rc && i < 1 + N_OF(names); i++) {
		int64_t id;
		rc = q_crm_category_insert(st, 2, names[i - 1], (int64_t)(100 * (i + 1)), now, &id);
		if (!rc)
			rc = q_crm_category_stages_insert(st, id);
	}
	return rc ? (store_tx_rollback(st), rc) : store_tx_commit(st);
}

/* Make the portal have SEED_USERS active users (they cannot sign in: no password). */
static int seed_users(struct store *st, struct arena *a)
{
	int64_t *ids;
	size_t n;
	int rc = q_crm_seed_user_ids(st, a, &ids, &n);
	if (rc || n >= SEED_USERS)
		return rc;
	struct rng r = {DEMO_SEED + 1};
	if ((rc = store_tx_begin_write(st)))
		return rc;
	for (int i = 1; !rc && n < SEED_USERS && i < 10 * SEED_USERS; i++) {
		struct person p;
		char email[64];
		int64_t id;
		person_make(&r, &p, NULL);
		snprintf(email, sizeof email, "seed.user%02d@voronka.local", i);
		rc = user_create_simple(st, email, p.name, p.last_name, NULL, false, &id);
		if (rc == STORE_CONSTRAINT) /* made by an earlier seed */
			rc = STORE_OK;
		else if (!rc)
			n++;
	}
	return rc ? (store_tx_rollback(st), rc) : store_tx_commit(st);
}

static int64_t seed_user(struct seed *s)
{
	return s->users[rng_between(&s->rng, 0, (int64_t)s->n_users - 1)];
}

/* A creation time over the last year and a later change; *when gets the creation. */
static void seed_dates(struct seed *s, char *created, char *modified, time_t *when)
{
	time_t c = s->now - (time_t)rng_between(&s->rng, 0, SEED_SPAN);
	time_t m = c + (time_t)rng_between(&s->rng, 0, (int64_t)(s->now - c));
	db_time(c, created, 32);
	db_time(m, modified, 32);
	if (when)
		*when = c;
}

static int seed_fm(struct store *st, int64_t type, int64_t id, const char *phone, const char *email)
{
	char digits[32];
	size_t n = 0;
	for (const char *p = phone; *p && n + 1 < sizeof digits; p++)
		if (*p >= '0' && *p <= '9')
			digits[n++] = *p;
	digits[n] = 0;
	int rc = q_crm_seed_fm_insert(st, type, id, "PHONE", "WORK", phone, digits);
	if (!rc && email)
		rc = q_crm_seed_fm_insert(st, type, id, "EMAIL", "WORK", email, email);
	return rc;
}

static int seed_company(struct seed *s, int64_t i)
{
	char title[160], created[32], modified[32], phone[40], email[64];
	const struct demo_company *city = &PICK(&s->rng, companies);
	snprintf(title, sizeof title, "ООО «%s%s»", PICK(&s->rng, prospect_roots), PICK(&s->rng, prospect_tails));
	snprintf(phone, sizeof phone, "+7 (%s) %03d-%02d-%02d", city->area, (int)rng_between(&s->rng, 200, 999),
		 (int)rng_between(&s->rng, 10, 99), (int)rng_between(&s->rng, 10, 99));
	snprintf(email, sizeof email, "info@company%lld.example.ru", (long long)i + 1);
	seed_dates(s, created, modified, NULL);
	struct q_crm_seed_company r = {
		.c = {seed_user(s), created, modified, NULL}, .title = title, .company_type = "CUSTOMER",
		.industry = city->industry, .city = city->city, .revenue = (double)rng_between(&s->rng, 1, 5000) * 1e6,
		.has_phone = 1, .has_email = 1,
	};
	int64_t id;
	int rc = q_crm_seed_company_insert(s->st, &r, &id);
	if (!rc)
		rc = seed_fm(s->st, 4, id, phone, email);
	s->company_ids[i] = id;
	return rc;
}

static int seed_contact(struct seed *s, int64_t i)
{
	struct person p;
	char created[32], modified[32], phone[32];
	person_make(&s->rng, &p, NULL);
	mobile_phone(&s->rng, phone, sizeof phone);
	seed_dates(s, created, modified, NULL);
	int64_t company = rng_chance(&s->rng, 80) ? s->company_ids[rng_between(&s->rng, 0, s->n_companies - 1)] : 0;
	struct q_crm_seed_contact r = {
		.c = {seed_user(s), created, modified, PICK(&s->rng, sources)}, .name = p.name,
		.second_name = p.second_name, .last_name = p.last_name, .post = company ? PICK(&s->rng, posts) : "",
		.type_id = "CLIENT", .company_id = company, .has_phone = 1, .has_email = 1,
	};
	int64_t id;
	int rc = q_crm_seed_contact_insert(s->st, &r, &id);
	if (!rc)
		rc = seed_fm(s->st, 3, id, phone, p.email);
	if (!rc && company)
		rc = q_crm_seed_link_insert(s->st, 3, id, 4, company, 1);
	s->contact_ids[i] = id;
	s->contact_company[i] = company;
	return rc;
}

static int seed_deal(struct seed *s, int64_t i)
{
	size_t pipe = s->n_pipes == 1 || rng_chance(&s->rng, 50) ? 0 : (size_t)rng_between(&s->rng, 1, (int64_t)s->n_pipes - 1);
	const struct pipeline *p = &s->pipes[pipe];
	const struct deal_kind *k = &deal_kinds[pipe < N_OF(deal_kinds) ? pipe : 0];
	size_t stage = pipeline_pick_stage(&s->rng, p);
	char title[160], created[32], modified[32];
	snprintf(title, sizeof title, "%s №%lld", k->products[rng_between(&s->rng, 0, N_OF(k->products) - 1)],
		 (long long)i + 1);
	time_t t0;
	seed_dates(s, created, modified, &t0);
	int64_t contact = 0, company = 0;
	if (rng_chance(&s->rng, 85)) {
		int64_t j = rng_between(&s->rng, 0, s->n_contacts - 1);
		contact = s->contact_ids[j];
		company = s->contact_company[j];
	}
	struct q_crm_seed_deal r = {
		.c = {seed_user(s), created, modified, PICK(&s->rng, sources)}, .title = title, .type_id = k->type_id,
		.stage = &p->stages[stage], .is_first_stage = stage == 0,
		.opportunity = (double)rng_between(&s->rng, k->min_k * 2, k->max_k * 2) * 500,
		.company_id = company, .contact_id = contact,
	};
	/* Begun the day it was made; closed the day of its last change, or planned to close in one
	 * to three months. */
	char begin[16], close[16];
	day_text(t0, begin, sizeof begin);
	if (p->stages[stage].semantics == 'P')
		day_text(t0 + (time_t)rng_between(&s->rng, 30, 90) * DAY, close, sizeof close);
	else
		snprintf(close, sizeof close, "%.10s", modified);
	r.begindate = begin;
	r.closedate = close;
	int64_t id;
	int rc = q_crm_seed_deal_insert(s->st, &r, &id);
	if (!rc && contact)
		rc = q_crm_seed_link_insert(s->st, 2, id, 3, contact, 1);
	return rc;
}

static int seed_lead(struct seed *s, int64_t i)
{
	struct person p;
	char title[200], company[96], created[32], modified[32], phone[32];
	person_make(&s->rng, &p, NULL);
	mobile_phone(&s->rng, phone, sizeof phone);
	const struct deal_kind *k = &PICK(&s->rng, deal_kinds);
	snprintf(title, sizeof title, "%s: %s", PICK(&s->rng, lead_titles), PICK(&s->rng, k->products));
	snprintf(company, sizeof company, "ООО «%s%s»", PICK(&s->rng, prospect_roots), PICK(&s->rng, prospect_tails));
	seed_dates(s, created, modified, NULL);
	struct q_crm_seed_lead r = {
		.c = {seed_user(s), created, modified, PICK(&s->rng, sources)}, .title = title, .name = p.name,
		.last_name = p.last_name, .company_title = company,
		.status = &s->lead_statuses.stages[pipeline_pick_stage(&s->rng, &s->lead_statuses)],
		.opportunity = (double)rng_between(&s->rng, k->min_k, k->max_k) * 1000, .has_phone = 1,
	};
	(void)i;
	int64_t id;
	int rc = q_crm_seed_lead_insert(s->st, &r, &id);
	if (!rc)
		rc = seed_fm(s->st, 1, id, phone, NULL);
	return rc;
}

/* A load at least as big as the table goes in without the table's indexes, which are built
 * again at the end (sorting once beats nine random B-tree inserts a row, by about 4x), all in one
 * transaction. Smaller loads go in SEED_CHUNK rows a transaction with the indexes in place. */
static int seed_begin(struct seed *s, int64_t type, int64_t n, struct q_crm_seed_indexes *saved, bool *bulk)
{
	int64_t have = 0;
	saved->n = 0;
	int rc = type ? q_crm_seed_count(s->st, type, &have) : STORE_OK;
	*bulk = !rc && type && n >= SEED_CHUNK && n >= have;
	if (rc || !*bulk)
		return rc;
	if ((rc = store_tx_begin_write(s->st)))
		return rc;
	if ((rc = q_crm_seed_indexes_drop(s->st, s->a, type, saved)))
		store_tx_rollback(s->st);
	return rc;
}

static int seed_end(struct seed *s, int rc, const struct q_crm_seed_indexes *saved, bool bulk)
{
	if (!bulk)
		return rc;
	if (!rc) {
		rc = q_crm_seed_indexes_create(s->st, saved);
		printf("  %zu indexes built again (%.1f s)\n", saved->n, now_mono() - s->t0);
	}
	return rc ? (store_tx_rollback(s->st), rc) : store_tx_commit(s->st);
}

/* n rows of one kind (type: the item type whose indexes may be set aside, 0 none), with
 * progress on stdout. */
static int seed_rows(struct seed *s, const char *what, int64_t type, int64_t n, int (*row)(struct seed *, int64_t))
{
	struct q_crm_seed_indexes saved;
	bool bulk;
	int rc = seed_begin(s, type, n, &saved, &bulk);
	for (int64_t done = 0; !rc && done < n;) {
		int64_t end = done + SEED_CHUNK < n ? done + SEED_CHUNK : n;
		if (!bulk && (rc = store_tx_begin_write(s->st)))
			break;
		for (; !rc && done < end; done++)
			rc = row(s, done);
		if (!bulk)
			rc = rc ? (store_tx_rollback(s->st), rc) : store_tx_commit(s->st);
		if (n >= SEED_CHUNK || done == n)
			printf("  %-9s %10lld of %lld  (%.1f s)\n", what, (long long)done, (long long)n, now_mono() - s->t0);
		fflush(stdout);
	}
	rc = seed_end(s, rc, &saved, bulk);
	if (rc)
		fprintf(stderr, "voronka: seeding %s failed: %s\n", what, store_errmsg(s->st));
	return rc;
}

/* The derived tables, once for all the new rows: stage stats (one transaction, so that readers
 * never see them empty) and the search index. */
static int seed_rebuild(struct seed *s, const struct demo_crm_seed_opts *o)
{
	int rc = store_tx_begin_write(s->st);
	if (!rc && !(rc = q_crm_stats_rebuild(s->st, 1)))
		rc = q_crm_stats_rebuild(s->st, 2);
	if (!rc)
		rc = store_tx_commit(s->st);
	else if (rc != STORE_BUSY)
		store_tx_rollback(s->st);
	printf("  stage stats rebuilt (%.1f s)\n", now_mono() - s->t0);
	if (rc || o->skip_search) {
		if (!rc)
			printf("  search index left as it was (--no-search)\n");
		return rc;
	}
	for (int64_t t = 1; !rc && t <= 4; t++) {
		if ((rc = store_tx_begin_write(s->st)))
			break;
		rc = q_crm_search_rebuild(s->st, t);
		rc = rc ? (store_tx_rollback(s->st), rc) : store_tx_commit(s->st);
	}
	printf("  search index rebuilt (%.1f s)\n", now_mono() - s->t0);
	return rc;
}

static int seed_prepare(struct seed *s, struct arena *a, const struct demo_crm_seed_opts *o)
{
	struct q_crm_seed_stage *stages;
	size_t n;
	int rc = q_crm_seed_tune(s->st);
	if (!rc)
		rc = seed_pipelines(s->st, a);
	if (!rc)
		rc = seed_users(s->st, a);
	if (!rc)
		rc = q_crm_seed_user_ids(s->st, a, &s->users, &s->n_users);
	if (!rc)
		rc = q_crm_seed_deal_stages(s->st, a, &stages, &n);
	if (rc)
		return rc;
	s->n_pipes = pipelines_group(stages, n, s->pipes);
	if ((rc = q_crm_seed_lead_statuses(s->st, a, &stages, &n)))
		return rc;
	s->lead_statuses = (struct pipeline){.stages = stages, .n = n < MAX_STAGES ? n : MAX_STAGES};
	pipeline_weigh(&s->lead_statuses);
	if (!s->n_users || !s->n_pipes || (o->n_leads && !n))
		return STORE_NOTFOUND;
	/* Clients: a company for every 50 deals and a contact for every 20, within bounds. */
	int64_t base = o->n_deals > o->n_leads ? o->n_deals : o->n_leads;
	s->n_companies = base / 50 < 10 ? 10 : base / 50 > 20000 ? 20000 : base / 50;
	s->n_contacts = base / 20 < 20 ? 20 : base / 20 > 50000 ? 50000 : base / 20;
	s->company_ids = arena_alloc(a, (size_t)s->n_companies * sizeof(int64_t));
	s->contact_ids = arena_alloc(a, (size_t)s->n_contacts * sizeof(int64_t));
	s->contact_company = arena_alloc(a, (size_t)s->n_contacts * sizeof(int64_t));
	return s->company_ids && s->contact_ids && s->contact_company ? STORE_OK : STORE_TOOBIG;
}

int demo_crm_seed(struct store *st, const struct demo_crm_seed_opts *o)
{
	struct arena *a = arena_new(64u << 20);
	if (!a)
		return STORE_ERROR;
	struct seed s = {.st = st, .a = a, .rng = {DEMO_SEED + (uint64_t)o->n_deals}, .now = (time_t)now_unix(),
			 .t0 = now_mono()};
	int rc = seed_prepare(&s, a, o);
	if (rc == STORE_NOTFOUND)
		fprintf(stderr, "voronka: no users, pipelines or stages to seed with\n");
	else if (!rc)
		printf("Seeding %lld deals and %lld leads over %zu pipelines and %zu users\n", (long long)o->n_deals,
		       (long long)o->n_leads, s.n_pipes, s.n_users);
	if (!rc)
		rc = seed_rows(&s, "companies", 4, s.n_companies, seed_company);
	if (!rc)
		rc = seed_rows(&s, "contacts", 3, s.n_contacts, seed_contact);
	if (!rc)
		rc = seed_rows(&s, "deals", 2, o->n_deals, seed_deal);
	if (!rc)
		rc = seed_rows(&s, "leads", 1, o->n_leads, seed_lead);
	if (!rc)
		rc = seed_rebuild(&s, o);
	if (!rc)
		printf("Seeded %lld deals, %lld leads, %lld companies, %lld contacts in %.1f s\n", (long long)o->n_deals,
		       (long long)o->n_leads, (long long)s.n_companies, (long long)s.n_contacts, now_mono() - s.t0);
	arena_free(a);
	return rc;
}
