/* main.c — the voronka command line: one table of commands, each with its own --help.
 *
 *   voronka serve   --data DIR --listen ADDR:PORT [--config FILE]
 *   voronka init    --data DIR [--admin-email E --admin-password P] [--demo] [--tls]
 *   voronka user    add|passwd …
 *   voronka webhook add|revoke …
 *   voronka migrate --data DIR
 *   voronka seed    --data DIR --deals N [--leads N] [--no-search]
 *   voronka version
 *
 * Settings come from defaults, then --config FILE, then VORONKA_* variables, then flags. */
#include "auth/auth.h"
#include "auth/tls.h"
#include "core/config.h"
#include "core/log.h"
#include "core/util.h"
#include "core/version.h"
#include "http/http.h"
#include "jobs/jobs.h"
#include "store/store.h"
#include "user/demo_crm.h"
#include "user/user.h"
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage; /* printed by --help */
};

/* Options every command that touches a database accepts. */
struct common {
	struct config cfg;
	const char *config_file;
};

enum { OPT_DATA = 1000, OPT_LISTEN, OPT_CONFIG, OPT_HELP, OPT_EMAIL, OPT_PASSWORD, OPT_DEMO, OPT_TLS,
       OPT_USER, OPT_SCOPE, OPT_TITLE, OPT_NAME, OPT_LAST_NAME, OPT_ADMIN, OPT_ID, OPT_DEALS, OPT_LEADS,
       OPT_NO_SEARCH };

static const struct option long_opts[] = {
	{"data", required_argument, NULL, OPT_DATA},
	{"listen", required_argument, NULL, OPT_LISTEN},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"help", no_argument, NULL, OPT_HELP},
	{"admin-email", required_argument, NULL, OPT_EMAIL},
	{"admin-password", required_argument, NULL, OPT_PASSWORD},
	{"email", required_argument, NULL, OPT_EMAIL},
	{"password", required_argument, NULL, OPT_PASSWORD},
	{"demo", no_argument, NULL, OPT_DEMO},
	{"tls", no_argument, NULL, OPT_TLS},
	{"user", required_argument, NULL, OPT_USER},
	{"scope", required_argument, NULL, OPT_SCOPE},
	{"title", required_argument, NULL, OPT_TITLE},
	{"name", required_argument, NULL, OPT_NAME},
	{"last-name", required_argument, NULL, OPT_LAST_NAME},
	{"admin", no_argument, NULL, OPT_ADMIN},
	{"id", required_argument, NULL, OPT_ID},
	{"deals", required_argument, NULL, OPT_DEALS},
	{"leads", required_argument, NULL, OPT_LEADS},
	{"no-search", no_argument, NULL, OPT_NO_SEARCH},
	{NULL, 0, NULL, 0},
};

struct opts {
	struct common c;
	const char *listen, *email, *password, *scope, *title, *name, *last_name;
	int64_t user, id, deals, leads;
	bool demo, tls, admin, help, no_search;
	int n_args;
	char **args; /* positional arguments after the options */
};

static int parse_opts(int argc, char **argv, struct opts *o, const char *usage)
{
	memset(o, 0, sizeof *o);
	config_defaults(&o->c.cfg);
	optind = 1;
	opterr = 0;
	int ch;
	char err[256];
	while ((ch = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (ch) {
		case OPT_DATA: snprintf(o->c.cfg.data_dir, sizeof o->c.cfg.data_dir, "%s", optarg); break;
		case OPT_LISTEN: o->listen = optarg; break;
		case OPT_CONFIG: o->c.config_file = optarg; break;
		case OPT_EMAIL: o->email = optarg; break;
		case OPT_PASSWORD: o->password = optarg; break;
		case OPT_DEMO: o->demo = true; break;
		case OPT_TLS: o->tls = true; break;
		case OPT_SCOPE: o->scope = optarg; break;
		case OPT_TITLE: o->title = optarg; break;
		case OPT_NAME: o->name = optarg; break;
		case OPT_LAST_NAME: o->last_name = optarg; break;
		case OPT_ADMIN: o->admin = true; break;
		case OPT_NO_SEARCH: o->no_search = true; break;
		case OPT_DEALS:
		case OPT_LEADS:
			if (parse_i64(optarg, ch == OPT_DEALS ? &o->deals : &o->leads) || (ch == OPT_DEALS ? o->deals : o->leads) < 0) {
				fprintf(stderr, "voronka: --%s needs a number\n", ch == OPT_DEALS ? "deals" : "leads");
				return -1;
			}
			break;
		case OPT_USER:
		case OPT_ID: {
			int64_t v;
			if (parse_i64(optarg, &v) || v <= 0) {
				fprintf(stderr, "voronka: --%s needs a positive number\n", ch == OPT_USER ? "user" : "id");
				return -1;
			}
			*(ch == OPT_USER ? &o->user : &o->id) = v;
			break;
		}
		case 'h':
		case OPT_HELP: o->help = true; break;
		default:
			fprintf(stderr, "voronka: unknown option %s\n%s", argv[optind - 1], usage);
			return -1;
		}
	}
	o->args = argv + optind;
	o->n_args = argc - optind;
	if (o->help) {
		fputs(usage, stdout);
		return 1;
	}
	/* The data folder from the flag wins over the file and the environment; keep it. */
	char data[CONFIG_PATH];
	snprintf(data, sizeof data, "%s", o->c.cfg.data_dir);
	bool data_flag = false;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--data") || !strncmp(argv[i], "--data=", 7))
			data_flag = true;
	/* Without --config, the data folder's own voronka.conf (written by init --tls) applies. */
	char auto_conf[CONFIG_PATH + 32];
	if (!o->c.config_file) {
		const char *env_data = getenv("VORONKA_DATA");
		snprintf(auto_conf, sizeof auto_conf, "%s/voronka.conf", data_flag || !env_data ? data : env_data);
		if (access(auto_conf, R_OK) == 0)
			o->c.config_file = auto_conf;
	}
	if (o->c.config_file && config_load_file(&o->c.cfg, o->c.config_file, err)) {
		fprintf(stderr, "voronka: %s\n", err);
		return -1;
	}
	config_from_env(&o->c.cfg);
	if (data_flag)
		snprintf(o->c.cfg.data_dir, sizeof o->c.cfg.data_dir, "%s", data);
	if (o->listen && config_set_listen(&o->c.cfg, o->listen, err)) {
		fprintf(stderr, "voronka: %s\n", err);
		return -1;
	}
	return 0;
}

/* Open the database of the data folder and bring its schema up to date. */
static int open_db(struct config *cfg, struct store **st, bool create)
{
	char path[CONFIG_PATH + 32];
	config_db_path(cfg, path, sizeof path);
	if (!create && access(path, F_OK) != 0) {
		fprintf(stderr, "voronka: no database at %s (run `voronka init --data %s` first)\n", path, cfg->data_dir);
		return -1;
	}
	if (store_open(st, path)) {
		fprintf(stderr, "voronka: cannot open %s\n", path);
		return -1;
	}
	int version;
	if (store_migrate(*st, &version)) {
		fprintf(stderr, "voronka: cannot migrate %s: %s\n", path, store_errmsg(*st));
		store_close(*st);
		return -1;
	}
	return 0;
}

/* ---- serve ---- */

static const char serve_usage[] =
	"usage: voronka serve --data DIR [--listen ADDR:PORT] [--config FILE]\n"
	"Serve the web UI and the REST API. SIGTERM or SIGINT stop it cleanly: requests in flight\n"
	"finish, running jobs finish, the database closes.\n"
	"Settings (config file `key = value`, or VORONKA_KEY in the environment):\n"
	"  listen, data, tls_cert, tls_key, web_root, access_log, max_body, max_header,\n"
	"  request_timeout, max_connections, threads, job_workers, session_secure\n";

static int cmd_serve(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(argc, argv, &o, serve_usage);
	if (rc)
		return rc > 0 ? 0 : 2;
	struct server srv = {.cfg = o.c.cfg};
	struct store *st;
	if (open_db(&srv.cfg, &st, false))
		return 1;
	store_close(st);
	/* Block the stop signals in every thread; main waits for them with sigwait below. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (server_start(&srv))
		return 1;
	if (srv.cfg.job_workers && jobs_start(&srv.jobs, srv.db_path, srv.cfg.job_workers)) {
		server_stop(&srv);
		return 1;
	}
	printf("Voronka %s serving %s on %s://%s:%d/\n", VORONKA_VERSION, srv.cfg.data_dir, srv.tls ? "https" : "http",
	       srv.cfg.listen_host, srv.cfg.listen_port);
	fflush(stdout);
	int sig = 0;
	sigwait(&set, &sig);
	log_info("signal %d: stopping", sig);
	server_stop(&srv);
	if (srv.jobs)
		jobs_stop(srv.jobs);
	log_info("stopped");
	return 0;
}

/* ---- init ---- */

static const char init_usage[] =
	"usage: voronka init --data DIR [--admin-email E --admin-password P] [--demo] [--tls]\n"
	"Create the database in DIR and the first administrator. Without --admin-password a password\n"
	"is generated and printed. --demo adds a demo company (departments and users) and its CRM\n"
	"(pipelines, companies, contacts, leads, deals, calls, meetings, comments). --tls makes a\n"
	"self-signed certificate for 127.0.0.1/localhost and sets the server to HTTPS.\n";

static int write_config_tls(const char *dir)
{
	char path[CONFIG_PATH + 32];
	snprintf(path, sizeof path, "%s/voronka.conf", dir);
	FILE *f = fopen(path, "a");
	if (!f)
		return -1;
	fprintf(f, "# written by voronka init --tls\ntls_cert = %s/tls-cert.pem\ntls_key = %s/tls-key.pem\n", dir, dir);
	return fclose(f);
}

static int cmd_init(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(argc, argv, &o, init_usage);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (mkdir(o.c.cfg.data_dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "voronka: cannot create %s: %s\n", o.c.cfg.data_dir, strerror(errno));
		return 1;
	}
	struct store *st;
	if (open_db(&o.c.cfg, &st, true))
		return 1;
	const char *email = o.email ? o.email : "admin@voronka.local";
	char generated[24];
	const char *password = o.password;
	if (!password) {
		auth_random_hex(generated, 8);
		password = generated;
	}
	int64_t id;
	rc = user_find_by_login(st, email, &id);
	if (rc == STORE_NOTFOUND) {
		rc = user_create_simple(st, email, "Администратор", "", password, true, &id);
		if (rc) {
			fprintf(stderr, "voronka: cannot create the administrator: %s\n", store_errmsg(st));
			store_close(st);
			return 1;
		}
		printf("Administrator: %s\nPassword: %s\n", email, password);
		/* The company is the root of the structure; its first member and head is the
		 * administrator (the demo company makes its own root). */
		int64_t dep;
		if (!o.demo && department_create(st, "Моя компания", 0, id, 500, &dep) == STORE_OK &&
		    department_add_user(st, dep, id) != STORE_OK)
			fprintf(stderr, "voronka: cannot add the administrator to the company: %s\n", store_errmsg(st));
	} else if (rc == STORE_OK) {
		printf("Administrator %s already exists (id %lld); password unchanged.\n", email, (long long)id);
	} else {
		fprintf(stderr, "voronka: %s\n", store_errmsg(st));
		store_close(st);
		return 1;
	}
	if (o.demo && demo_company_seed(st)) {
		fprintf(stderr, "voronka: cannot create the demo company: %s\n", store_errmsg(st));
		store_close(st);
		return 1;
	}
	/* The CRM part of the demo is a nicety: when it cannot be made, init still succeeds. */
	if (o.demo && demo_crm_fill(st, id))
		fprintf(stderr, "voronka: warning: the demo CRM data was not added: %s\n", store_errmsg(st));
	store_close(st);
	if (o.tls) {
		char cert[CONFIG_PATH + 32], key[CONFIG_PATH + 32];
		snprintf(cert, sizeof cert, "%s/tls-cert.pem", o.c.cfg.data_dir);
		snprintf(key, sizeof key, "%s/tls-key.pem", o.c.cfg.data_dir);
		if (access(cert, F_OK) != 0) {
			if (tls_make_self_signed(cert, key, "localhost") || write_config_tls(o.c.cfg.data_dir)) {
				fprintf(stderr, "voronka: cannot make the TLS pair in %s\n", o.c.cfg.data_dir);
				return 1;
			}
			printf("TLS: self-signed certificate %s (serve with --config %s/voronka.conf)\n", cert,
			       o.c.cfg.data_dir);
		}
	}
	return 0;
}

/* ---- migrate, version ---- */

static const char migrate_usage[] = "usage: voronka migrate --data DIR\nApply the schema migrations not yet applied.\n";

static int cmd_migrate(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(argc, argv, &o, migrate_usage);
	if (rc)
		return rc > 0 ? 0 : 2;
	struct store *st;
	if (open_db(&o.c.cfg, &st, false))
		return 1;
	int v;
	store_schema_version(st, &v);
	printf("schema version %d (latest %d)\n", v, store_latest_version());
	store_close(st);
	return 0;
}

/* ---- seed ---- */

static const char seed_usage[] =
	"usage: voronka seed --data DIR --deals N [--leads N] [--no-search]\n"
	"Add N made-up deals (and leads) to an initialised portal, for benchmarks: bulk inserts over\n"
	"three pipelines and 30 users (made if missing), with companies and contacts, dates over the\n"
	"last year; then the stage counts and the search index are rebuilt (--no-search leaves the\n"
	"index alone: faster, but search misses the new rows).\n";

static int cmd_seed(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(argc, argv, &o, seed_usage);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (!o.deals && !o.leads) {
		fputs(seed_usage, stderr);
		return 2;
	}
	struct store *st;
	if (open_db(&o.c.cfg, &st, false))
		return 1;
	struct demo_crm_seed_opts so = {.n_deals = o.deals, .n_leads = o.leads, .skip_search = o.no_search};
	rc = demo_crm_seed(st, &so);
	store_close(st);
	return rc ? 1 : 0;
}

static int cmd_version(int argc, char **argv)
{
	printf("voronka %s (storage: %s, schema %d)\n", VORONKA_VERSION, store_backend_name(), store_latest_version());
	return 0;
}

/* ---- user ---- */

static const char user_usage[] =
	"usage: voronka user add --data DIR --email E [--password P] [--name N] [--last-name L] [--admin]\n"
	"       voronka user passwd --data DIR (--id ID | --email E) --password P\n";

static int cmd_user(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(argc, argv, &o, user_usage);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (o.n_args < 1) {
		fputs(user_usage, stderr);
		return 2;
	}
	struct store *st;
	if (open_db(&o.c.cfg, &st, false))
		return 1;
	int64_t id = o.id;
	if (!strcmp(o.args[0], "add")) {
		char generated[24];
		const char *pw = o.password;
		if (!o.email) {
			fputs(user_usage, stderr);
			rc = 2;
			goto out;
		}
		if (!pw) {
			auth_random_hex(generated, 8);
			pw = generated;
		}
		rc = user_create_simple(st, o.email, o.name ? o.name : "", o.last_name ? o.last_name : "", pw, o.admin,
					&id);
		if (rc) {
			fprintf(stderr, "voronka: cannot add %s: %s\n", o.email,
				rc == STORE_CONSTRAINT ? "the e-mail is taken" : store_errmsg(st));
			rc = 1;
			goto out;
		}
		printf("User %lld: %s\nPassword: %s\n", (long long)id, o.email, pw);
	} else if (!strcmp(o.args[0], "passwd")) {
		if (!o.password || (!id && !o.email)) {
			fputs(user_usage, stderr);
			rc = 2;
			goto out;
		}
		if (!id && user_find_by_login(st, o.email, &id)) {
			fprintf(stderr, "voronka: no user %s\n", o.email);
			rc = 1;
			goto out;
		}
		rc = user_set_password(st, id, o.password);
		if (rc) {
			fprintf(stderr, "voronka: cannot set the password: %s\n",
				rc == STORE_NOTFOUND ? "no such user" : store_errmsg(st));
			rc = 1;
			goto out;
		}
		printf("Password of user %lld changed.\n", (long long)id);
	} else {
		fputs(user_usage, stderr);
		rc = 2;
	}
out:
	store_close(st);
	return rc;
}

/* ---- webhook ---- */

static const char webhook_usage[] =
	"usage: voronka webhook add --data DIR --user ID [--scope user,department,crm] [--title T]\n"
	"       voronka webhook revoke --data DIR --id ID\n"
	"add prints the inbound webhook URL: /rest/{user}/{secret}/{method} acts as that user.\n";

static int cmd_webhook(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(argc, argv, &o, webhook_usage);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (o.n_args < 1) {
		fputs(webhook_usage, stderr);
		return 2;
	}
	struct store *st;
	if (open_db(&o.c.cfg, &st, false))
		return 1;
	if (!strcmp(o.args[0], "add") && o.user) {
		int64_t id;
		char secret[AUTH_WEBHOOK_SECRET + 1];
		rc = auth_webhook_create(st, o.user, o.scope ? o.scope : "", o.title ? o.title : "", &id, secret);
		if (rc) {
			fprintf(stderr, "voronka: cannot create the webhook: %s\n",
				rc == STORE_CONSTRAINT || rc == STORE_NOTFOUND ? "no such user" : store_errmsg(st));
			rc = 1;
		} else {
			bool tls = o.c.cfg.tls_cert[0] != 0;
			printf("Webhook %lld for user %lld\n%s://%s:%d/rest/%lld/%s/\n", (long long)id, (long long)o.user,
			       tls ? "https" : "http", o.c.cfg.listen_host, o.c.cfg.listen_port, (long long)o.user, secret);
		}
	} else if (!strcmp(o.args[0], "revoke") && o.id) {
		rc = auth_webhook_revoke(st, o.id);
		if (rc) {
			fprintf(stderr, "voronka: cannot revoke webhook %lld\n", (long long)o.id);
			rc = 1;
		} else {
			printf("Webhook %lld revoked.\n", (long long)o.id);
		}
	} else {
		fputs(webhook_usage, stderr);
		rc = 2;
	}
	store_close(st);
	return rc;
}

static const struct cmd commands[] = {
	{"serve", cmd_serve, serve_usage},
	{"init", cmd_init, init_usage},
	{"user", cmd_user, user_usage},
	{"webhook", cmd_webhook, webhook_usage},
	{"migrate", cmd_migrate, migrate_usage},
	{"seed", cmd_seed, seed_usage},
	{"version", cmd_version, "usage: voronka version\n"},
};

static void usage(FILE *f)
{
	fputs("usage: voronka COMMAND [options]   (voronka COMMAND --help for more)\ncommands:\n", f);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %s\n", commands[i].name);
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(0, NULL);
	/* Without TZ, glibc stats /etc/localtime on every local-time conversion (a list page of
	 * deals has hundreds of dates). Naming the same file once makes it read it once. */
	if (!getenv("TZ"))
		setenv("TZ", ":/etc/localtime", 0);
	tzset();
	if (auth_init()) {
		fputs("voronka: libsodium failed to initialise\n", stderr);
		return 1;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "voronka: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
