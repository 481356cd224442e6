/* config.c — settings from defaults, file, environment, flags (in that order). */
#include "core/config.h"
#include "core/util.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->data_dir, sizeof c->data_dir, "data");
	snprintf(c->listen_host, sizeof c->listen_host, "127.0.0.1");
	c->listen_port = 8080;
	snprintf(c->web_root, sizeof c->web_root, "web");
	snprintf(c->access_log, sizeof c->access_log, "-");
	c->max_body = 64u << 20;
	c->max_header = 64u << 10;
	c->request_timeout = 60;
	c->max_connections = 1000;
	c->threads = 0;
	c->job_workers = 2;
}

enum ctype { C_STR, C_SIZE, C_UINT };
static const struct {
	const char *key;
	enum ctype type;
	size_t off, size;
} keys[] = {
#define S(k, f) {k, C_STR, offsetof(struct config, f), sizeof(((struct config *)0)->f)}
#define Z(k, f) {k, C_SIZE, offsetof(struct config, f), 0}
#define U(k, f) {k, C_UINT, offsetof(struct config, f), 0}
	S("data", data_dir),
	S("tls_cert", tls_cert),
	S("tls_key", tls_key),
	S("web_root", web_root),
	S("access_log", access_log),
	Z("max_body", max_body),
	Z("max_header", max_header),
	U("request_timeout", request_timeout),
	U("max_connections", max_connections),
	U("threads", threads),
	U("job_workers", job_workers),
	U("session_secure", session_secure),
#undef S
#undef Z
#undef U
};

int config_set_listen(struct config *c, const char *addr, char *err)
{
	const char *colon = strrchr(addr, ':');
	int64_t port;
	if (!colon || parse_i64(colon + 1, &port) || port < 0 || port > 65535 ||
	    (size_t)(colon - addr) >= sizeof c->listen_host) {
		snprintf(err, 256, "listen must be HOST:PORT, not '%s'", addr);
		return -1;
	}
	memcpy(c->listen_host, addr, (size_t)(colon - addr));
	c->listen_host[colon - addr] = 0;
	c->listen_port = (int)port;
	return 0;
}

int config_set(struct config *c, const char *key, const char *value, char *err)
{
	if (!strcmp(key, "listen"))
		return config_set_listen(c, value, err);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strcmp(keys[i].key, key) != 0)
			continue;
		char *field = (char *)c + keys[i].off;
		int64_t v = 0;
		if (keys[i].type != C_STR && (parse_i64(value, &v) || v < 0)) {
			snprintf(err, 256, "%s must be a non-negative number, not '%s'", key, value);
			return -1;
		}
		switch (keys[i].type) {
		case C_STR:
			if (strlen(value) >= keys[i].size) {
				snprintf(err, 256, "%s is too long", key);
				return -1;
			}
			memcpy(field, value, strlen(value) + 1);
			break;
		case C_SIZE:
			*(size_t *)field = (size_t)v;
			break;
		case C_UINT:
			*(unsigned *)field = (unsigned)v;
			break;
		}
		return 0;
	}
	snprintf(err, 256, "unknown setting '%s'", key);
	return -1;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

int config_load_file(struct config *c, const char *path, char *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, 256, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	char line[2048];
	int no = 0, rc = 0;
	while (fgets(line, sizeof line, f)) {
		no++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, 256, "%s:%d: expected key = value", path, no);
			rc = -1;
			break;
		}
		*eq = 0;
		char e2[256];
		if (config_set(c, trim(s), trim(eq + 1), e2)) {
			snprintf(err, 256, "%.120s:%d: %.120s", path, no, e2);
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

void config_from_env(struct config *c)
{
	static const char *const names[] = {"listen", "data", "tls_cert", "tls_key", "web_root", "access_log",
					    "max_body", "max_header", "request_timeout", "max_connections",
					    "threads", "job_workers", "session_secure"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char env[64] = "VORONKA_";
		size_t o = 8;
		for (const char *p = names[i]; *p && o < sizeof env - 1; p++)
			env[o++] = (char)toupper((unsigned char)*p);
		env[o] = 0;
		const char *v = getenv(env);
		char err[256];
		if (v && config_set(c, names[i], v, err))
			fprintf(stderr, "voronka: ignoring %s: %s\n", env, err);
	}
}

void config_db_path(const struct config *c, char *out, size_t n)
{
	snprintf(out, n, "%s/voronka.db", c->data_dir);
}
