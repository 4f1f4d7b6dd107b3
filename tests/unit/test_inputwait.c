/*
 * test_inputwait.c: is a run waiting for terminal input (src/inputwait.c),
 * asked of real processes on a fresh PTY, as the host asks it.
 */
#include "rexec.h"

#include <sys/syscall.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "inputwait.h"
#include "mono.h"
#include "unit.h"

/* How long a test waits for its processes to settle. */
#define SETTLE_WAIT	10.0

static int	master = -1;
static pid_t	child = -1;

/* Run sh -c script on a new PTY; the child leads its own session. */
static void
spawn(const char *script)
{
	struct winsize	ws = { 24, 80, 0, 0 };

	child = forkpty(&master, NULL, NULL, &ws);
	ck_assert_int_ne(child, -1);
	if (child == 0) {
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
}

static void
teardown(void)
{
	if (child > 0) {
		kill(-child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	if (master != -1)
		close(master);
}

/* Poll the check until it says want, up to SETTLE_WAIT seconds. */
static int
check_until(int want)
{
	struct timespec	ts = { 0, 20 * 1000 * 1000 };
	double		deadline = mono_now() + SETTLE_WAIT;
	int		got;

	while ((got = inputwait_check(child, master)) != want &&
	    mono_now() < deadline)
		nanosleep(&ts, NULL);
	return (got);
}

/* The file path holds the child's pid once it has written it. */
static pid_t
await_pid(const char *path)
{
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };
	double		 deadline = mono_now() + SETTLE_WAIT;
	FILE		*f;
	long		 pid = -1;

	while (pid <= 0 && mono_now() < deadline) {
		if ((f = fopen(path, "r")) != NULL) {
			if (fscanf(f, "%ld", &pid) != 1)
				pid = -1;
			fclose(f);
		}
		if (pid <= 0)
			nanosleep(&ts, NULL);
	}
	ck_assert_int_gt(pid, 0);
	return ((pid_t)pid);
}

/* Is pid asleep in clock_nanosleep (sleep(1))? */
static int
sleeping(pid_t pid)
{
	char	 path[64], state;
	FILE	*f;
	long	 nr = -1;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (0);
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = '?';
	fclose(f);
	snprintf(path, sizeof path, "/proc/%ld/syscall", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (0);
	if (fscanf(f, "%ld", &nr) != 1)
		nr = -1;
	fclose(f);
	return (state == 'S' && nr == SYS_clock_nanosleep);
}

/* A prompt in the first process's child, not in the first process. */
START_TEST(test_child_reads)
{
	spawn("sh -c 'printf \"name? \"; read x'; echo after");
	ck_assert_int_eq(check_until(1), 1);
}
END_TEST

/*
 * A grandchild asleep in sleep(1) waits for nothing: the walk reaches it
 * and says no.
 */
START_TEST(test_child_sleeps)
{
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };
	char		*tmp, *path, *script;
	pid_t		 pid;
	double		 deadline;

	tmp = unit_tmpdir();
	xasprintf(&path, "%s/pid", tmp);
	xasprintf(&script, "sh -c 'echo $$ >%s.tmp; mv %s.tmp %s; "
	    "exec sleep 60'; echo after", path, path, path);
	spawn(script);
	pid = await_pid(path);
	deadline = mono_now() + SETTLE_WAIT;
	while (!sleeping(pid) && mono_now() < deadline)
		nanosleep(&ts, NULL);
	ck_assert(sleeping(pid));
	ck_assert_int_eq(inputwait_check(child, master), 0);
	unit_rmtree(tmp);
	free(script);
	free(path);
	free(tmp);
}
END_TEST

static Suite *
inputwait_suite(void)
{
	Suite	*s = suite_create("inputwait");
	TCase	*tc = tcase_create("inputwait");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_child_reads);
	tcase_add_test(tc, test_child_sleeps);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(inputwait_suite)
