/*
 * unit.h: what every Check test program shares: a main() that runs one
 * suite and a few helpers for temporary files.
 */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh private directory under $TMPDIR; removed by unit_rmtree. */
static inline char *
unit_tmpdir(void)
{
	const char	*base = getenv("TMPDIR");
	char		*path;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	if (asprintf(&path, "%s/rexec-unit.XXXXXX", base) == -1)
		abort();
	if (mkdtemp(path) == NULL)
		abort();
	return (path);
}

static inline void
unit_rmtree(const char *path)
{
	char	*cmd;

	if (asprintf(&cmd, "rm -rf '%s'", path) == -1)
		abort();
	if (system(cmd) != 0)
		abort();
	free(cmd);
}

static inline void
unit_write(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

#define UNIT_MAIN(suite_fn)						\
int									\
main(void)								\
{									\
	SRunner	*sr = srunner_create(suite_fn());			\
	int	 failed;						\
									\
	srunner_run_all(sr, CK_ENV);					\
	failed = srunner_ntests_failed(sr);				\
	srunner_free(sr);						\
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);		\
}

#endif
