/* unit.h — the unit tests' whole framework: CHECK macros that count and report, and a main that
 * runs every TEST registered in the file and prints "N passed, N failed" as its last line (the
 * line tests/run.sh reads). A test file:
 *
 *     #include "unit.h"
 *     TEST(parses_ints) { CHECK(parse(...) == 0); CHECK_STR(out, "5"); }
 *     UNIT_MAIN()
 *
 * A test passes when none of its checks failed. Checks report file:line and go on. */
#ifndef VORONKA_UNIT_H
#define VORONKA_UNIT_H
#include <stdio.h>
#include <string.h>

#define UNIT_MAX_TESTS 256

struct unit_test {
	const char *name;
	void (*fn)(void);
};

static struct unit_test unit_tests[UNIT_MAX_TESTS];
static int unit_n_tests;
static int unit_failed_checks; /* in the running test */

#define TEST(name)                                                                                                     \
	static void test_##name(void);                                                                                 \
	__attribute__((constructor)) static void unit_register_##name(void)                                           \
	{                                                                                                              \
		if (unit_n_tests < UNIT_MAX_TESTS)                                                                     \
			unit_tests[unit_n_tests++] = (struct unit_test){#name, test_##name};                           \
	}                                                                                                              \
	static void test_##name(void)

#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			unit_failed_checks++;                                                                          \
			printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);                              \
		}                                                                                                      \
	} while (0)

#define CHECK_INT(a, b)                                                                                                \
	do {                                                                                                           \
		long long a_ = (long long)(a), b_ = (long long)(b);                                                    \
		if (a_ != b_) {                                                                                        \
			unit_failed_checks++;                                                                          \
			printf("  %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_);                 \
		}                                                                                                      \
	} while (0)

#define CHECK_STR(a, b)                                                                                                \
	do {                                                                                                           \
		const char *a_ = (a), *b_ = (b);                                                                       \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                               \
			unit_failed_checks++;                                                                          \
			printf("  %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, a_ ? a_ : "(null)",  \
			       b_ ? b_ : "(null)");                                                                    \
		}                                                                                                      \
	} while (0)

/* a contains b */
#define CHECK_HAS(a, b)                                                                                                \
	do {                                                                                                           \
		const char *a_ = (a), *b_ = (b);                                                                       \
		if (!a_ || !b_ || !strstr(a_, b_)) {                                                                   \
			unit_failed_checks++;                                                                          \
			printf("  %s:%d: %s == \"%s\", expected to contain \"%s\"\n", __FILE__, __LINE__, #a,           \
			       a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                                 \
		}                                                                                                      \
	} while (0)

#define UNIT_MAIN()                                                                                                    \
	int main(int argc, char **argv)                                                                                \
	{                                                                                                              \
		int passed = 0, failed = 0;                                                                            \
		const char *only = argc > 1 ? argv[1] : NULL;                                                          \
		for (int i = 0; i < unit_n_tests; i++) {                                                               \
			if (only && !strstr(unit_tests[i].name, only))                                                 \
				continue;                                                                              \
			unit_failed_checks = 0;                                                                        \
			unit_tests[i].fn();                                                                            \
			if (unit_failed_checks) {                                                                      \
				failed++;                                                                              \
				printf("FAIL %s\n", unit_tests[i].name);                                               \
			} else {                                                                                       \
				passed++;                                                                              \
				printf("ok   %s\n", unit_tests[i].name);                                               \
			}                                                                                              \
		}                                                                                                      \
		printf("%d passed, %d failed\n", passed, failed);                                                     \
		return failed ? 1 : 0;                                                                                 \
	}

#endif
