/* static.c — files of the UI from web_root: GET and HEAD only, no path may leave the folder,
 * a content type by extension, gzip for text, long caching for the UI's hashed bundles. */
#include "http/http.h"
#include "core/arena.h"
#include "core/buf.h"
#include "rest/rest.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define STATIC_MAX (16u << 20)
/* Vite names every bundle under dist/assets/ by a hash of its content: a changed file gets a new
 * name, so browsers may keep these for a year without asking again. */
#define HASHED_PREFIX "/dist/assets/"

static const struct {
	const char *ext, *type;
	bool text;
} types[] = {
	{".html", "text/html; charset=utf-8", true},
	{".css", "text/css; charset=utf-8", true},
	{".js", "text/javascript; charset=utf-8", true},
	{".mjs", "text/javascript; charset=utf-8", true},
	{".json", "application/json; charset=utf-8", true},
	{".svg", "image/svg+xml", true},
	{".txt", "text/plain; charset=utf-8", true},
	{".png", "image/png", false},
	{".jpg", "image/jpeg", false},
	{".ico", "image/x-icon", false},
	{".woff2", "font/woff2", false},
};

enum MHD_Result http_static(struct http_req *r)
{
	const char *p = r->path;
	/* No "..", no hidden files, no backslashes: nothing outside web_root, nothing private; nor
	 * the UI's build tooling (web/node_modules), which is no part of the served app. */
	if (strstr(p, "..") || strstr(p, "/.") || strchr(p, '\\') || p[0] != '/' || strstr(p, "/node_modules/"))
		return http_send_error(r, ERR_METHOD_NOT_FOUND, "Not found");
	char *path = arena_printf(r->arena, "%s%s", r->srv->cfg.web_root, p);
	struct stat sb;
	if (!path || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || (size_t)sb.st_size > STATIC_MAX)
		return http_send_error(r, ERR_METHOD_NOT_FOUND, "Not found");
	FILE *f = fopen(path, "rb");
	if (!f)
		return http_send_error(r, ERR_METHOD_NOT_FOUND, "Not found");
	char *data = arena_alloc(r->arena, (size_t)sb.st_size + 1);
	size_t n = data ? fread(data, 1, (size_t)sb.st_size, f) : 0;
	fclose(f);
	if (!data || n != (size_t)sb.st_size)
		return http_send_error(r, ERR_INTERNAL, "Cannot read the file");
	const char *type = "application/octet-stream";
	bool text = false;
	const char *dot = strrchr(p, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (!strcasecmp(dot, types[i].ext)) {
			type = types[i].type;
			text = types[i].text;
		}
	struct http_resp resp = {.status = 200, .content_type = type, .body = data,
				 .len = strcmp(r->method, "HEAD") ? n : 0, .compress = text,
				 .cache = strncmp(p, HASHED_PREFIX, strlen(HASHED_PREFIX))
						  ? "public, max-age=300"
						  : "public, max-age=31536000, immutable"};
	return http_send(r, &resp);
}
