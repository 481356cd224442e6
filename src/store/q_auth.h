/* q_auth.h — the SQL of sign-in (P3): the users' password hashes, failed sign-ins for throttling,
 * browser sessions and inbound webhooks. auth/auth.c decides; these only read and write rows.
 * All return 0 or a negative store code; lookups that find nothing return STORE_NOTFOUND. Text
 * out-parameters are copied into the caller's buffers (never pointers into a statement).
 * Secrets never reach this layer: sessions and webhooks are stored and found by hash. */
#ifndef VORONKA_Q_AUTH_H
#define VORONKA_Q_AUTH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* The user who signs in with this login or e-mail (ASCII case-insensitive; the login wins over
 * another user's e-mail). hash gets password_hash ("" when NULL: cannot sign in). */
int q_auth_user_by_login(struct store *st, const char *login, int64_t *id, char *hash, size_t hash_n,
			 bool *is_active);
int q_auth_user_flags(struct store *st, int64_t id, bool *is_admin, bool *is_active);
int q_auth_touch_login(struct store *st, int64_t id, const char *now_db); /* users.last_login */

/* Throttling. One row per key ('login:<name>' or 'ip:<address>'). */
int q_auth_lock_get(struct store *st, const char *key, int64_t *locked_until); /* 0 when no row */
/* Count one failure at now: a window older than window seconds starts again at 1; reaching
 * max_failures locks the key until now + lock seconds. Reports the key's new state. */
int q_auth_failure_add(struct store *st, const char *key, int64_t now, int64_t window, int64_t max_failures,
		       int64_t lock, int64_t *failures, int64_t *locked_until);
int q_auth_failure_clear(struct store *st, const char *key);
/* Drop rows whose window and lock both ended before `before`. */
int q_auth_failure_purge(struct store *st, int64_t before);

/* Sessions; times are "YYYY-MM-DD hh:mm:ss" UTC. */
int q_auth_session_insert(struct store *st, const char *token_hash, int64_t user_id, const char *csrf,
			  const char *created_at, const char *expires_at);
/* The live session (expires_at after now) with this hash: its user and csrf (csrf_n bytes). */
int q_auth_session_find(struct store *st, const char *token_hash, const char *now_db, int64_t *user_id, char *csrf,
			size_t csrf_n);
int q_auth_session_delete(struct store *st, const char *token_hash);
int q_auth_session_purge(struct store *st, const char *now_db); /* expired ones */

/* Webhooks. */
int q_auth_webhook_insert(struct store *st, int64_t user_id, const char *secret_hash, const char *scopes,
			  const char *title, const char *created_at, int64_t *id);
/* Calls fn for each webhook of user_id that is not revoked; fn returns nonzero to stop. */
int q_auth_webhook_each_live(struct store *st, int64_t user_id,
			     int (*fn)(void *ctx, int64_t id, const char *secret_hash, const char *scopes), void *ctx);
/* STORE_NOTFOUND when there is no such webhook or it is revoked already. */
int q_auth_webhook_revoke(struct store *st, int64_t id, const char *now_db);
/* Owner of a webhook that is not revoked; STORE_NOTFOUND otherwise. */
int q_auth_webhook_owner(struct store *st, int64_t id, int64_t *user_id);

/* One webhook as voronka.webhook.list shows it (never the secret nor its hash). */
struct q_auth_webhook {
	int64_t id;
	int64_t user_id;
	const char *scopes;     /* comma-separated; "" = every scope */
	const char *title;
	const char *created_at; /* "YYYY-MM-DD hh:mm:ss" UTC */
};
/* Live webhooks, in id order: of user_id, or of everyone when user_id is 0. The struct's
 * strings are valid only during the call of fn. */
int q_auth_webhook_list(struct store *st, int64_t user_id, void (*fn)(void *ctx, const struct q_auth_webhook *w),
			void *ctx);

#endif
