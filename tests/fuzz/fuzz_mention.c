/* fuzz_mention.c — libFuzzer target for the two parsers of outside text in im/notify.c: the
 * mention parser (im_mentions_parse: [USER=5]Name[/USER] in a CRM comment, which decides who is
 * notified) and the BB code to HTML converter of im.notify.get's CONVERT_TEXT=Y (im_bb_to_html,
 * over texts any user can send with im.notify.personal.add). Neither is reached by the other
 * targets: fuzz_crm does not write comments, and no target reads notifications.
 *
 * Findings: a crash or undefined behaviour; a mention that is not a positive id or comes twice, or
 * more than asked for; HTML with markup other than what the converter emits (<b> <i> <u> <s>
 * <br /> <a href="…" target="_blank"> and their ends), or a link to anything but http(s) or a
 * site path. The production limits hold: the text is cut at 64 KiB, as im.notify.personal.add
 * cuts MESSAGE. */
#include "core/arena.h"
#include "im/notify.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TEXT_MAX 65536
#define MAX_IDS 8 /* small, so that the cap is reached too */

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

static void check_mentions(const char *text)
{
	int64_t ids[MAX_IDS];
	size_t n = im_mentions_parse(text, ids, MAX_IDS);
	if (n > MAX_IDS)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (ids[i] <= 0)
			abort();
		for (size_t j = 0; j < i; j++)
			if (ids[j] == ids[i])
				abort();
	}
}

/* The markup the converter may write, each allowed where a '<' starts. */
static const char *const allowed[] = {"<b>", "</b>", "<i>", "</i>", "<u>", "</u>", "<s>", "</s>", "<br />", "</a>"};

static void check_link(const char *p)
{
	const char *addr = p + strlen("<a href=\"");
	const char *q = strchr(addr, '"');
	if (!q || strncmp(q, "\" target=\"_blank\">", 18))
		abort();
	size_t n = (size_t)(q - addr);
	bool ok = (n > 0 && addr[0] == '/' && (n == 1 || addr[1] != '/')) || !strncasecmp(addr, "http://", 7) ||
		  !strncasecmp(addr, "https://", 8);
	if (!ok || memchr(addr, '<', n) || memchr(addr, '>', n))
		abort();
}

static void check_html(const char *text)
{
	struct arena *a = arena_new(64u << 20);
	if (!a)
		abort();
	char *html = im_bb_to_html(a, text);
	if (!html)
		abort(); /* the ceiling is far above six times the input */
	for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
		bool ok = false;
		for (size_t i = 0; i < sizeof allowed / sizeof allowed[0] && !ok; i++)
			ok = !strncmp(p, allowed[i], strlen(allowed[i]));
		if (!ok && !strncmp(p, "<a href=\"", 9)) {
			check_link(p);
			ok = true;
		}
		if (!ok)
			abort();
	}
	arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > TEXT_MAX)
		size = TEXT_MAX;
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = 0;
	check_mentions(text);
	check_html(text);
	free(text);
	return 0;
}
