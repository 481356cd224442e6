/* auth.h — who a caller is: passwords (argon2id via libsodium), browser sessions with their CSRF
 * token, sign-in with throttling of failures, and inbound webhooks. Secrets are never stored:
 * sessions and webhooks keep a hash of their token, and every comparison of a secret is constant
 * time (sodium_memcmp). The SQL lives in store/q_auth.c.
 *
 * All functions take the calling thread's store connection and return 0 on success, AUTH_DENIED
 * when the credentials do not match, AUTH_THROTTLED when sign-in is locked for a while, or a
 * negative store code. */
#ifndef VORONKA_AUTH_H
#define VORONKA_AUTH_H
#include <stddef.h>
#include <stdint.h>
#include <sodium.h>
#include "rest/rest.h"

struct store;

enum { AUTH_DENIED = 1, AUTH_THROTTLED = 2 };

#define AUTH_TOKEN_HEX 64            /* random tokens: 32 bytes as hex */
#define AUTH_SESSION_TTL (14 * 86400) /* a browser session lasts two weeks */
#define AUTH_COOKIE "voronka_sid"

int auth_init(void); /* sodium_init(); call once at start */
/* argon2id, interactive limits; out holds crypto_pwhash_STRBYTES. */
int auth_password_hash(const char *password, char *out);
int auth_password_verify(const char *hash, const char *password); /* 0 match, AUTH_DENIED */
/* hex of nbytes random bytes; out holds 2*nbytes+1 */
void auth_random_hex(char *out, size_t nbytes);

/* Sign-in by login or e-mail. On success *user_id is set and the failure counters cleared. */
int auth_login(struct store *st, const char *login, const char *password, const char *ip, int64_t *user_id,
	       int64_t *retry_after);
/* New session: token (for the cookie) and csrf, each AUTH_TOKEN_HEX+1 bytes. */
int auth_session_create(struct store *st, int64_t user_id, char *token, char *csrf);
/* The session of a cookie token: fills *out (kind AUTH_SESSION) and csrf. AUTH_DENIED if none. */
int auth_session_check(struct store *st, const char *token, struct rest_auth *out, char *csrf);
int auth_session_destroy(struct store *st, const char *token);
/* Constant-time check of a CSRF token sent by the UI against the session's. 0 if equal. */
int auth_csrf_check(const char *expected, const char *got);

/* Webhook /rest/{user_id}/{secret}/…: fills *out (kind AUTH_WEBHOOK, scopes copied into the
 * caller's buffer scopes_buf of scopes_n bytes). AUTH_DENIED for a wrong, revoked or inactive one. */
int auth_webhook_check(struct store *st, int64_t user_id, const char *secret, struct rest_auth *out,
		       char *scopes_buf, size_t scopes_n);
/* Create one; the secret (shown once) goes to secret (AUTH_WEBHOOK_SECRET+1 bytes). */
#define AUTH_WEBHOOK_SECRET 16
int auth_webhook_create(struct store *st, int64_t user_id, const char *scopes, const char *title, int64_t *id,
			char *secret);
int auth_webhook_revoke(struct store *st, int64_t id);

#endif
