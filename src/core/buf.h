/* buf.h — a growable byte buffer with a ceiling named at init (curl's dynbuf).
 * Invariants: data is NUL-terminated whenever len > 0 or after any append; len <= max.
 * Appending past the ceiling fails with -1 and leaves the buffer unchanged: callers turn that
 * into an error answer, never into an unbounded allocation. Owned by whoever called buf_init;
 * buf_release frees the storage. */
#ifndef VORONKA_BUF_H
#define VORONKA_BUF_H
#include <stddef.h>

struct buf {
	char *data;  /* NULL until the first append */
	size_t len;  /* bytes used, not counting the NUL */
	size_t cap;  /* bytes allocated */
	size_t max;  /* ceiling for len */
};

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the storage to the caller (who must free() it); the buffer is left empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
