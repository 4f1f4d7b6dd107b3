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

/* The whole file, NUL-terminated; its length in *lenp if not NULL. */
static inline char *
unit_slurp(const char *path, size_t *lenp)
{
	FILE	*f = fopen(path, "r");
	char	*buf;
	long	 len;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	ck_assert_int_ge(len, 0);
	rewind(f);
	buf = malloc(len + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	if (lenp != NULL)
		*lenp = len;
	return (buf);
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
