/* q_user_option.h — an application's saved options (user_option, migration 12): per user
 * (user.option.*) and portal-wide (app.option.*, user 0). Values are JSON texts. All return 0
 * or a negative store code. */
#ifndef VORONKA_Q_USER_OPTION_H
#define VORONKA_Q_USER_OPTION_H
#include <stdint.h>

struct store;

/* Save one option (insert or replace). */
int q_user_option_set(struct store *st, int64_t app_id, int64_t user_id, const char *name, const char *value,
		      const char *now);

/* Each saved option of (app, user), by name, with its JSON text; each returns 0 to go on, or
 * a negative code that ends the walk and is returned. */
typedef int (*q_user_option_fn)(void *ctx, const char *name, const char *value);
int q_user_option_each(struct store *st, int64_t app_id, int64_t user_id, q_user_option_fn fn, void *ctx);

/* One option: fn is called once if it exists; STORE_NOTFOUND otherwise. */
int q_user_option_get(struct store *st, int64_t app_id, int64_t user_id, const char *name, q_user_option_fn fn,
		      void *ctx);

#endif
