/* unit.h - the smallest table-driven test harness: CHECK and a summary.
 * A test program prints "not ok" lines for failures and exits 1 if any. */
#ifndef LME_UNIT_H
#define LME_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed, unit_passed;

#define CHECK(cond, ...) do { \
	if (cond) unit_passed++; \
	else { unit_failed++; printf("not ok %s:%d: ", __FILE__, __LINE__); \
	       printf(__VA_ARGS__); printf("\n"); } \
} while (0)

#define CHECK_STR(got, want, label) do { \
	const char *g_ = (got), *w_ = (want); \
	CHECK((g_ == NULL && w_ == NULL) || (g_ && w_ && strcmp(g_, w_) == 0), \
	      "%s: got \"%s\", want \"%s\"", (label), g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

static inline int unit_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, unit_passed, unit_failed);
	return unit_failed != 0;
}

#endif
