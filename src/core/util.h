/* util.h — small helpers shared by every module: clocks, ISO 8601 dates, strict number parsing,
 * UTF-8 validation, constant-time comparison lives in auth/ (libsodium). */
#ifndef VORONKA_UTIL_H
#define VORONKA_UTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

double now_wall(void);      /* Unix time, seconds, µs precision */
double now_mono(void);      /* monotonic seconds, for durations */
int64_t now_unix(void);
/* "2024-06-13T18:23:54+02:00" in the server's local time zone; out holds >= 32 bytes. */
void iso8601_local(time_t t, char *out, size_t n);
/* "2024-06-13 18:23:54" in UTC: the form dates are stored in, which sorts as text. */
void db_time_utc(time_t t, char *out, size_t n);
/* Parse ISO 8601 ("YYYY-MM-DD", "YYYY-MM-DDThh:mm[:ss][Z|±hh:mm]") into Unix time. 0 or -1. */
int parse_iso8601(const char *s, time_t *out);
/* Whole string must be a decimal integer in range. 0 or -1. */
int parse_i64(const char *s, int64_t *out);
int parse_double(const char *s, double *out);
bool utf8_valid(const char *s, size_t n);
/* ASCII case-insensitive equality */
bool str_ieq(const char *a, const char *b);
void str_upper(char *s);
void str_lower(char *s);

#endif
