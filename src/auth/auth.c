/* auth.c — who a caller is: argon2id passwords, sign-in with throttling, browser sessions with
 * their CSRF token, and inbound webhooks. Tokens and secrets are random (libsodium), stored only
 * as BLAKE2b hashes, and compared in constant time. The SQL is in store/q_auth.c. */
#include "auth/auth.h"
#include "core/log.h"
#include "core/util.h"
#include "store/q_auth.h"
#include "store/store.h"
#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define HASH_BYTES 32                    /* BLAKE2b-256 of a token or secret */
#define HASH_HEX (2 * HASH_BYTES + 1)
#define THROTTLE_MAX 5                   /* failures in THROTTLE_WINDOW that lock a login or address */
#define THROTTLE_WINDOW (15 * 60)
#define THROTTLE_LOCK (15 * 60)
#define THROTTLE_KEY 320                 /* 'login:' + a login, cut to this many bytes */
#define LOGIN_MAX 254                    /* longer logins cannot exist (e-mail limit) */
#define PASSWORD_MAX 4096                /* argon2 takes any length; refuse absurd ones early */
#define SCOPES_MAX 400                   /* fits the 512-byte buffer rest_http.c passes */
#define TITLE_MAX 200

/* ---- passwords ---- */

/* A hash of a password nobody knows, verified against when the login does not exist, so that
 * an unknown login costs the same time as a wrong password. Made once per process. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static bool dummy_ok;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
	char pw[33];
	auth_random_hex(pw, 16);
	dummy_ok = auth_password_hash(pw, dummy_hash) == 0;
	sodium_memzero(pw, sizeof pw);
}

int auth_init(void)
{
	if (sodium_init() < 0)
		return -1;
	pthread_once(&dummy_once, dummy_init);
	return dummy_ok ? 0 : -1;
}

int auth_password_hash(const char *password, char *out)
{
	if (!password)
		return -1;
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		log_error("auth: cannot hash a password (out of memory?)");
		return -1;
	}
	return 0;
}

int auth_password_verify(const char *hash, const char *password)
{
	if (!hash || !*hash || !password)
		return AUTH_DENIED;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 0 : AUTH_DENIED;
}

void auth_random_hex(char *out, size_t nbytes)
{
	unsigned char raw[64];
	size_t done = 0;
	/* in chunks, so any nbytes works without a variable-length array */
	while (done < nbytes) {
		size_t n = nbytes - done < sizeof raw ? nbytes - done : sizeof raw;
		randombytes_buf(raw, n);
		sodium_bin2hex(out + 2 * done, 2 * n + 1, raw, n);
		done += n;
	}
	out[2 * nbytes] = 0;
	sodium_memzero(raw, sizeof raw);
}

/* hex BLAKE2b-256 of a token or secret: what the tables keep */
static void token_hash(const char *token, char out[HASH_HEX])
{
	unsigned char h[HASH_BYTES];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, HASH_HEX, h, sizeof h);
}

static bool is_hex_token(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!isxdigit((unsigned char)s[n]) || n >= AUTH_TOKEN_HEX)
			return false;
	return n == AUTH_TOKEN_HEX;
}

static void now_db(char *out, size_t n, int64_t plus)
{
	db_time_utc((time_t)(now_unix() + plus), out, n);
}

/* ---- sign-in ---- */

/* Keys of login_failures: the login in lower case, and the client address. */
static void throttle_keys(const char *login, const char *ip, char *kl, size_t kl_n, char *ki, size_t ki_n)
{
	snprintf(kl, kl_n, "login:%.*s", LOGIN_MAX, login);
	str_lower(kl);
	snprintf(ki, ki_n, "ip:%s", ip && *ip ? ip : "-");
}

/* Is either key locked? *retry_after gets the longer wait. */
static int throttle_check(struct store *st, const char *kl, const char *ki, int64_t now, int64_t *retry_after)
{
	int64_t l1, l2;
	int rc = q_auth_lock_get(st, kl, &l1);
	if (rc)
		return rc;
	rc = q_auth_lock_get(st, ki, &l2);
	if (rc)
		return rc;
	int64_t until = l1 > l2 ? l1 : l2;
	if (until > now) {
		*retry_after = until - now;
		return AUTH_THROTTLED;
	}
	return 0;
}

static int throttle_fail(struct store *st, const char *kl, const char *ki, int64_t now)
{
	int64_t n, until;
	int rc = q_auth_failure_add(st, kl, now, THROTTLE_WINDOW, THROTTLE_MAX, THROTTLE_LOCK, &n, &until);
	if (rc)
		return rc;
	if (until > now)
		log_warn("auth: sign-in locked for %s after %lld failures", kl, (long long)n);
	/* An address gets more room than a login: an office behind one NAT shares it. */
	rc = q_auth_failure_add(st, ki, now, THROTTLE_WINDOW, THROTTLE_MAX * 4, THROTTLE_LOCK, &n, &until);
	if (rc)
		return rc;
	if (until > now)
		log_warn("auth: sign-in locked for %s after %lld failures", ki, (long long)n);
	return 0;
}

int auth_login(struct store *st, const char *login, const char *password, const char *ip, int64_t *user_id,
	       int64_t *retry_after)
{
	char kl[THROTTLE_KEY], ki[80];
	char hash[crypto_pwhash_STRBYTES + 1] = "";
	int64_t now = now_unix(), id = 0;
	bool active = false;
	int rc;

	*user_id = 0;
	*retry_after = 0;
	if (!login)
		login = "";
	if (!password)
		password = "";
	throttle_keys(login, ip, kl, sizeof kl, ki, sizeof ki);
	rc = throttle_check(st, kl, ki, now, retry_after);
	if (rc)
		return rc;

	bool known = false;
	if (*login && strlen(login) <= LOGIN_MAX) {
		rc = q_auth_user_by_login(st, login, &id, hash, sizeof hash, &active);
		if (rc && rc != STORE_NOTFOUND)
			return rc;
		known = rc == STORE_OK && active && hash[0];
	}
	/* Verify even when there is nobody to sign in, so that the time taken does not tell. */
	bool ok;
	if (strlen(password) > PASSWORD_MAX) {
		ok = false;
	} else if (known) {
		ok = auth_password_verify(hash, password) == 0;
	} else {
		pthread_once(&dummy_once, dummy_init);
		(void)auth_password_verify(dummy_ok ? dummy_hash : NULL, password);
		ok = false;
	}
	sodium_memzero(hash, sizeof hash);

	if (!ok) {
		rc = throttle_fail(st, kl, ki, now);
		return rc ? rc : AUTH_DENIED;
	}
	if ((rc = q_auth_failure_clear(st, kl)) || (rc = q_auth_failure_clear(st, ki)))
		return rc;
	rc = q_auth_failure_purge(st, now - THROTTLE_WINDOW - THROTTLE_LOCK);
	if (rc)
		return rc;
	char ts[32];
	now_db(ts, sizeof ts, 0);
	rc = q_auth_touch_login(st, id, ts);
	if (rc)
		return rc;
	*user_id = id;
	return 0;
}

/* ---- sessions ---- */

int auth_session_create(struct store *st, int64_t user_id, char *token, char *csrf)
{
	char h[HASH_HEX], created[32], expires[32];
	auth_random_hex(token, AUTH_TOKEN_HEX / 2);
	auth_random_hex(csrf, AUTH_TOKEN_HEX / 2);
	token_hash(token, h);
	now_db(created, sizeof created, 0);
	now_db(expires, sizeof expires, AUTH_SESSION_TTL);
	int rc = q_auth_session_purge(st, created); /* cheap: keeps the table to live sessions */
	if (rc)
		return rc;
	return q_auth_session_insert(st, h, user_id, csrf, created, expires);
}

int auth_session_check(struct store *st, const char *token, struct rest_auth *out, char *csrf)
{
	char h[HASH_HEX], now[32];
	int64_t uid;
	bool is_admin, active;
	if (!token || !is_hex_token(token))
		return AUTH_DENIED;
	token_hash(token, h);
	now_db(now, sizeof now, 0);
	int rc = q_auth_session_find(st, h, now, &uid, csrf, AUTH_TOKEN_HEX + 1);
	if (rc == STORE_NOTFOUND)
		return AUTH_DENIED;
	if (rc)
		return rc;
	rc = q_auth_user_flags(st, uid, &is_admin, &active);
	if (rc == STORE_NOTFOUND || (!rc && !active))
		return AUTH_DENIED;
	if (rc)
		return rc;
	*out = (struct rest_auth){.kind = AUTH_SESSION, .user_id = uid, .is_admin = is_admin};
	return 0;
}

int auth_session_destroy(struct store *st, const char *token)
{
	char h[HASH_HEX];
	if (!token || !is_hex_token(token))
		return AUTH_DENIED;
	token_hash(token, h);
	int rc = q_auth_session_delete(st, h);
	return rc == STORE_NOTFOUND ? AUTH_DENIED : rc;
}

int auth_csrf_check(const char *expected, const char *got)
{
	if (!expected || !got || strlen(expected) != AUTH_TOKEN_HEX || strlen(got) != AUTH_TOKEN_HEX)
		return AUTH_DENIED;
	return sodium_memcmp(expected, got, AUTH_TOKEN_HEX) == 0 ? 0 : AUTH_DENIED;
}

/* ---- webhooks ---- */

struct hook_match {
	char hash[HASH_HEX];
	int64_t id;          /* 0: none matched yet */
	char *scopes;
	size_t scopes_n;
	bool too_long;
};

static int hook_compare(void *ctx, int64_t id, const char *secret_hash, const char *scopes)
{
	struct hook_match *m = ctx;
	if (strlen(secret_hash) != HASH_HEX - 1 || sodium_memcmp(secret_hash, m->hash, HASH_HEX - 1) != 0)
		return 0;
	m->id = id;
	size_t n = strlen(scopes);
	/* a cut list could read as another scope (user_basic → user): refuse instead */
	if (n >= m->scopes_n)
		m->too_long = true;
	else
		memcpy(m->scopes, scopes, n + 1);
	return 1;
}

int auth_webhook_check(struct store *st, int64_t user_id, const char *secret, struct rest_auth *out,
		       char *scopes_buf, size_t scopes_n)
{
	struct hook_match m = {.scopes = scopes_buf, .scopes_n = scopes_n};
	bool is_admin, active;
	size_t n = secret ? strlen(secret) : 0;
	if (!n || n > 64 || user_id <= 0 || !scopes_n)
		return AUTH_DENIED;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)secret[i]))
			return AUTH_DENIED;
	token_hash(secret, m.hash);
	int rc = q_auth_webhook_each_live(st, user_id, hook_compare, &m);
	if (rc)
		return rc;
	if (!m.id)
		return AUTH_DENIED;
	if (m.too_long) {
		log_error("auth: webhook %lld: its scope list does not fit", (long long)m.id);
		return STORE_TOOBIG;
	}
	rc = q_auth_user_flags(st, user_id, &is_admin, &active);
	if (rc == STORE_NOTFOUND || (!rc && !active))
		return AUTH_DENIED;
	if (rc)
		return rc;
	*out = (struct rest_auth){
		.kind = AUTH_WEBHOOK, .user_id = user_id, .is_admin = is_admin, .scopes = scopes_buf, .webhook_id = m.id};
	return 0;
}

/* "CRM, user ,crm" → "crm,user": lower case, no blanks, no repeats. Names are [a-z0-9_]. */
static int normalize_scopes(const char *in, char *out, size_t n)
{
	size_t len = 0;
	out[0] = 0;
	for (const char *p = in; *p;) {
		p += strspn(p, " \t,");
		size_t k = strcspn(p, ",");
		size_t e = k;
		while (e && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		if (e) {
			char name[64];
			if (e >= sizeof name)
				return -1;
			for (size_t i = 0; i < e; i++) {
				char c = (char)tolower((unsigned char)p[i]);
				if (!(isalnum((unsigned char)c) || c == '_'))
					return -1;
				name[i] = c;
			}
			name[e] = 0;
			bool dup = false;
			for (const char *q = out; *q;) {
				size_t ql = strcspn(q, ",");
				if (ql == e && !memcmp(q, name, e))
					dup = true;
				q += ql + (q[ql] == ',');
			}
			if (!dup) {
				if (len + e + 2 > n)
					return -1;
				if (len)
					out[len++] = ',';
				memcpy(out + len, name, e + 1);
				len += e;
			}
		}
		p += k;
	}
	return 0;
}

int auth_webhook_create(struct store *st, int64_t user_id, const char *scopes, const char *title, int64_t *id,
			char *secret)
{
	static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	char norm[SCOPES_MAX + 1], h[HASH_HEX], ts[32];
	bool is_admin, active;
	if (normalize_scopes(scopes ? scopes : "", norm, sizeof norm))
		return STORE_CONSTRAINT;
	if (!title)
		title = "";
	if (strlen(title) > TITLE_MAX || !utf8_valid(title, strlen(title)))
		return STORE_TOOBIG;
	int rc = q_auth_user_flags(st, user_id, &is_admin, &active);
	if (rc)
		return rc; /* STORE_NOTFOUND: no such user */
	for (int i = 0; i < AUTH_WEBHOOK_SECRET; i++)
		secret[i] = alnum[randombytes_uniform(sizeof alnum - 1)];
	secret[AUTH_WEBHOOK_SECRET] = 0;
	token_hash(secret, h);
	now_db(ts, sizeof ts, 0);
	rc = q_auth_webhook_insert(st, user_id, h, norm, title, ts, id);
	if (rc)
		sodium_memzero(secret, AUTH_WEBHOOK_SECRET + 1);
	return rc;
}

int auth_webhook_revoke(struct store *st, int64_t id)
{
	char ts[32];
	now_db(ts, sizeof ts, 0);
	return q_auth_webhook_revoke(st, id, ts);
}
