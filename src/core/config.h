/* config.h — the server's settings: defaults, then the config file (`key = value` lines, # for
 * comments), then VORONKA_* environment variables, then command-line flags, each overriding the
 * one before. Read once at start; read-only afterwards, so every thread may read it. */
#ifndef VORONKA_CONFIG_H
#define VORONKA_CONFIG_H
#include <stddef.h>

#define CONFIG_PATH 1024

struct config {
	char data_dir[CONFIG_PATH];    /* data: the SQLite file, TLS pair, uploads */
	char listen_host[64];          /* 127.0.0.1 by default: opening wider is a decision */
	int listen_port;               /* 8080 */
	char tls_cert[CONFIG_PATH];    /* PEM; with tls_key, the server speaks HTTPS only */
	char tls_key[CONFIG_PATH];
	char web_root[CONFIG_PATH];    /* static files of the UI */
	char access_log[CONFIG_PATH];  /* file, "-" for stderr, "" for none */
	size_t max_body;               /* bytes of a request body; more is answered 413 */
	size_t max_header;             /* bytes of request line + headers; more is 431 (a GET batch
					* of 50 commands needs tens of kilobytes) */
	unsigned request_timeout;      /* seconds a connection may stay idle mid-request */
	unsigned max_connections;      /* concurrent connections; more are refused at accept */
	unsigned threads;              /* HTTP worker threads; 0 = one per core */
	unsigned job_workers;          /* job queue threads; 0 = no jobs run in this process */
	unsigned session_secure;       /* 1: cookies marked Secure (set automatically under TLS) */
};

void config_defaults(struct config *c);
/* Returns 0, or -1 with a message in err (256 bytes) naming the line. */
int config_load_file(struct config *c, const char *path, char *err);
int config_set(struct config *c, const char *key, const char *value, char *err);
void config_from_env(struct config *c);
/* The SQLite file inside data_dir; out holds CONFIG_PATH + 32 bytes. */
void config_db_path(const struct config *c, char *out, size_t n);
/* "host:port" → the two fields. */
int config_set_listen(struct config *c, const char *addr, char *err);

#endif
