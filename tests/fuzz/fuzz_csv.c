/* fuzz_csv.c — libFuzzer target for the CSV reader of CRM imports (crm/import.c: csv_parse,
 * csv_sniff_delimiter). The first byte picks the delimiter (or the sniffer does), the rest is the
 * file. Beyond "no crash, no leak, no undefined behaviour" it checks what the importer relies on:
 * row numbers only grow, every cell is NUL-terminated at its length, a row has 1..CSV_MAX_COLS
 * cells, and the parse is a fixed point of writing: the rows written back fully quoted (as
 * RFC 4180 says) read back as the same rows. The limits are the production ones. */
#include "crm/io.h"
#include "core/buf.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Undefined behaviour is a finding: without this UBSan prints and carries on, and libFuzzer
 * (and tests/run.sh) would count the run as passed. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

struct seen {
	size_t last_row;
	struct buf out;  /* the rows written back, every cell quoted */
	char delim;
};

static int on_row(void *ctx, size_t row, const char *const *cells, const size_t *lens, size_t n)
{
	struct seen *s = ctx;
	if (row <= s->last_row || n == 0 || n > CSV_MAX_COLS)
		abort();
	s->last_row = row;
	for (size_t i = 0; i < n; i++) {
		if (cells[i][lens[i]] != 0)
			abort(); /* not terminated where its length says */
		if (i && buf_append(&s->out, &s->delim, 1))
			abort();
		if (buf_append(&s->out, "\"", 1))
			abort();
		for (size_t k = 0; k < lens[i]; k++)
			if (buf_append(&s->out, cells[i][k] == '"' ? "\"\"" : &cells[i][k], cells[i][k] == '"' ? 2 : 1))
				abort();
		if (buf_append(&s->out, "\"", 1))
			abort();
	}
	if (buf_append(&s->out, "\r\n", 2))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const char delims[] = {',', ';', '\t', '|'};
	const char *text = (const char *)data + 1;
	size_t n = size - 1;
	char d = data[0] < 4 * 48 ? delims[data[0] % 4] : csv_sniff_delimiter(text, n);
	if (!strchr(",;\t", d) && d != '|')
		abort(); /* the sniffer answers a delimiter the parser takes */
	char err[200];
	err[0] = 0;
	struct seen a = {.delim = d};
	buf_init(&a.out, 64u << 20);
	int rc = csv_parse(text, n, d, on_row, &a, err, sizeof err);
	if (rc != 0 && (rc != -1 || !err[0] || !memchr(err, 0, sizeof err)))
		abort(); /* failed without saying why */
	/* Written back and read again: the same rows, byte for byte. */
	struct seen b = {.delim = d};
	buf_init(&b.out, 64u << 20);
	rc = csv_parse(a.out.data ? a.out.data : "", a.out.len, d, on_row, &b, err, sizeof err);
	if (rc != 0 || a.out.len != b.out.len || (a.out.len && memcmp(a.out.data, b.out.data, a.out.len)))
		abort();
	buf_release(&a.out);
	buf_release(&b.out);
	return 0;
}
