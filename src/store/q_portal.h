/* q_portal.h — SQL of the portal settings (P5): one row per key in portal_settings. */
#ifndef VORONKA_Q_PORTAL_H
#define VORONKA_Q_PORTAL_H
struct store;
/* Calls fn(key, value, ctx) for every stored setting. */
int q_portal_each(struct store *st, void (*fn)(const char *key, const char *value, void *ctx), void *ctx);
int q_portal_set(struct store *st, const char *key, const char *value);
#endif
