/*
 * reaper.c: every process a run starts ends with the run.
 *
 * A run's command is a session leader on its own PTY and the kill sequence
 * signals its process group, but a process can leave the group (setsid, a
 * double fork) and would outlive its run.  Two mechanisms catch it:
 *
 *  - The host is a child subreaper (PR_SET_CHILD_SUBREAPER): whatever is
 *    orphaned below it is reparented to the host, not to init, so it shows
 *    up among the host's own children (/proc/self/task/ * /children).  Each
 *    such orphan belongs to the run whose REXEC_SEQ it carries; one that
 *    dropped the variable belongs to the runs that were going when it
 *    started, and ends with the last of them.  The run's kill sequence
 *    signals its orphans with its group, and once the run is done its
 *    orphans get SIGTERM, then SIGKILL after kill_grace.
 *  - Where the host has a delegated cgroup (systemd's Delegate=yes marks it
 *    with the user.delegate or trusted.delegate attribute), each run's
 *    command starts in a cgroup of its own, run-<host pid>-<seq>, which
 *    nothing inside can leave; the same signals go to its members and
 *    cgroup.kill ends them.
 *
 * The host never reaps a run's leader before the run is done: its zombie
 * keeps the pid, and so the process group id, from being reused, so a
 * signal to the group can never reach a stranger's group.  Orphans are
 * signalled while they are unreaped children of the host, for the same
 * reason.
 */
#include "rexec.h"

#include <sys/prctl.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "paths.h"
#include "reaper.h"

/* How long an ended run's orphans are looked for after SIGKILL. */
#define REAPER_LINGER	1.0
#define REAPER_RESWEEP	0.2
/* /proc's start times count clock ticks: allow a tick either side. */
#define REAPER_SLACK	0.02

struct reaper_run {
	unsigned int		 seq;
	double			 start;		/* CLOCK_BOOTTIME seconds */
	double			 end;		/* 0 while the run goes */
	char			*cgroup;	/* its own cgroup, or NULL */
	int			 procs_fd;	/* cgroup.procs, until spawned */
	int			 stage;		/* 0 live, 1 TERM sent, 2 KILL */
	size_t			 found;		/* orphans seen at the last sweep */
	double			 kill_at;	/* monotonic */
	double			 next;		/* next sweep, once killed */
	TAILQ_ENTRY(reaper_run)	 link;
};
TAILQ_HEAD(reaper_runs, reaper_run);

struct reaper {
	double			 grace;
	reaper_child_cb		 kind;
	void			*arg;
	char			*cgroot;	/* the host's delegated cgroup */
	long			 hz;
	struct reaper_runs	 runs;
};

static double
boot_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* Read a small file whole into buf (NUL-terminated); length or -1. */
static ssize_t
read_small(const char *path, char *buf, size_t size)
{
	ssize_t	n, got = 0;
	int	fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	while ((size_t)got < size - 1) {
		n = read(fd, buf + got, size - 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	return (got);
}

static int
write_str(const char *path, const char *s)
{
	int	fd, r;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return (-1);
	r = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return (r);
}

/* The cgroup v2 mount point, from mountinfo. */
static char *
cgroup2_mount(void)
{
	FILE	*f;
	char	*line = NULL, *sep, mnt[4096], *found = NULL;
	size_t	 size = 0;

	if ((f = fopen("/proc/self/mountinfo", "re")) == NULL)
		return (NULL);
	while (found == NULL && getline(&line, &size, f) != -1) {
		if ((sep = strstr(line, " - cgroup2 ")) == NULL)
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1)
			found = xstrdup(mnt);
	}
	free(line);
	fclose(f);
	return (found);
}

/*
 * The host's own cgroup directory when it was delegated to it, else NULL:
 * a cgroup nobody handed over is not the host's to divide.
 */
static char *
delegated_cgroup(void)
{
	char	 buf[4096], val[8], *path, *mnt, *dir = NULL;
	ssize_t	 n;

	if (read_small("/proc/self/cgroup", buf, sizeof buf) <= 0)
		return (NULL);
	if (strncmp(buf, "0::", 3) == 0)
		path = buf + 3;
	else if ((path = strstr(buf, "\n0::")) != NULL)
		path += 4;
	else
		return (NULL);
	path[strcspn(path, "\n")] = '\0';
	if ((mnt = cgroup2_mount()) == NULL)
		return (NULL);
	xasprintf(&dir, "%s%s", mnt, strcmp(path, "/") == 0 ? "" : path);
	free(mnt);
	if (((n = getxattr(dir, "trusted.delegate", val, sizeof val)) == 1 ||
	    (n = getxattr(dir, "user.delegate", val, sizeof val)) == 1) &&
	    val[0] == '1' && access(dir, W_OK) == 0)
		return (dir);
	free(dir);
	return (NULL);
}

/* Cgroups a host that died left behind: what is in them ends now. */
static void
reaper_clean_cgroups(struct reaper *rp)
{
	DIR		*d;
	struct dirent	*e;
	char		*path, *kill_path;
	long		 pid;

	if ((d = opendir(rp->cgroot)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (sscanf(e->d_name, "run-%ld-", &pid) != 1 ||
		    pid == (long)getpid() || kill((pid_t)pid, 0) == 0)
			continue;
		path = paths_join(rp->cgroot, e->d_name);
		kill_path = paths_join(path, "cgroup.kill");
		(void)write_str(kill_path, "1");
		(void)rmdir(path);
		free(kill_path);
		free(path);
	}
	closedir(d);
}

/*
 * Become the subreaper of everything the host starts; grace is the kill
 * sequence's [run] kill_grace, and kind tells a live run's leader from
 * the rest of the host's children.  *msg, when set, is worth telling the human.
 */
struct reaper *
reaper_new(double grace, reaper_child_cb kind, void *arg, char **msg)
{
	struct reaper	*rp = xcalloc(1, sizeof *rp);

	*msg = NULL;
	rp->grace = grace;
	rp->kind = kind;
	rp->arg = arg;
	rp->hz = sysconf(_SC_CLK_TCK);
	if (rp->hz <= 0)
		rp->hz = 100;
	TAILQ_INIT(&rp->runs);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1)
		xasprintf(msg, "PR_SET_CHILD_SUBREAPER: %s: a process that "
		    "leaves its run's group may outlive it", strerror(errno));
	if ((rp->cgroot = delegated_cgroup()) != NULL)
		reaper_clean_cgroups(rp);
	return (rp);
}

const char *
reaper_cgroup(const struct reaper *rp)
{
	return (rp->cgroot);
}

static struct reaper_run *
reaper_find(struct reaper *rp, unsigned int seq)
{
	struct reaper_run	*rr;

	if (rp == NULL)
		return (NULL);
	TAILQ_FOREACH(rr, &rp->runs, link) {
		if (rr->seq == seq)
			return (rr);
	}
	return (NULL);
}

/* The pids of the host's children, in a new array; -1 without the list. */
static ssize_t
reaper_children(pid_t **out)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[300], buf[16384], *cp, *end;
	pid_t		*pids = NULL;
	size_t		 n = 0, size = 0;
	long		 v;
	int		 any = 0;

	if ((d = opendir("/proc/self/task")) == NULL)
		return (-1);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/children",
		    e->d_name);
		if (read_small(path, buf, sizeof buf) == -1)
			continue;
		any = 1;
		for (cp = buf;; cp = end) {
			v = strtol(cp, &end, 10);
			if (end == cp)
				break;
			if (n == size) {
				size = size ? size * 2 : 16;
				pids = xreallocarray(pids, size, sizeof *pids);
			}
			pids[n++] = (pid_t)v;
		}
	}
	closedir(d);
	if (!any) {
		free(pids);
		return (-1);
	}
	*out = pids;
	return ((ssize_t)n);
}

/* When pid started, in CLOCK_BOOTTIME seconds; -1 if it is gone. */
static double
proc_start(const struct reaper *rp, pid_t pid)
{
	char			 path[64], buf[1024], *cp;
	unsigned long long	 ticks;
	int			 i;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if (read_small(path, buf, sizeof buf) <= 0 ||
	    (cp = strrchr(buf, ')')) == NULL)
		return (-1);
	/* Field 22 is the start time; the ')' ends field 2. */
	for (i = 3; i <= 22 && cp != NULL; i++)
		cp = strchr(cp + 1, ' ');
	if (cp == NULL || sscanf(cp + 1, "%llu", &ticks) != 1)
		return (-1);
	return ((double)ticks / rp->hz);
}

/* The REXEC_SEQ pid was started with, or 0. */
static unsigned int
proc_seq(pid_t pid)
{
	static const char	 key[] = "REXEC_SEQ=";
	char			 path[64], buf[8192], *cp, *end;
	size_t			 keep = 0;
	ssize_t			 n;
	unsigned long		 v;
	int			 fd;
	unsigned int		 seq = 0;

	snprintf(path, sizeof path, "/proc/%ld/environ", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (0);
	/* Entries are NUL-terminated; one cut by the buffer is carried. */
	while ((n = read(fd, buf + keep, sizeof buf - 1 - keep)) > 0) {
		n += keep;
		buf[n] = '\0';
		for (cp = buf; cp < buf + n; cp += strlen(cp) + 1) {
			if (cp + strlen(cp) == buf + n)
				break;	/* unfinished: carry it */
			if (strncmp(cp, key, sizeof key - 1) != 0)
				continue;
			v = strtoul(cp + sizeof key - 1, &end, 10);
			if (*end == '\0' && v > 0 && v <= ~0U)
				seq = (unsigned int)v;
		}
		keep = buf + n - cp;
		if (keep >= sizeof buf / 2)
			keep = 0;	/* an entry too long to be ours */
		memmove(buf, cp, keep);
	}
	close(fd);
	return (seq);
}

/*
 * The run an orphan ends with: the one it names, else the only live run
 * of those going when it started, else the last of those to end.  NULL
 * when it is nobody's, or when several live runs could be its own (it
 * then waits for all but one to end).
 */
static struct reaper_run *
reaper_owner(struct reaper *rp, pid_t pid)
{
	struct reaper_run	*rr, *live = NULL, *last = NULL;
	unsigned int		 seq;
	double			 t;
	int			 nlive = 0;

	if ((seq = proc_seq(pid)) != 0 && (rr = reaper_find(rp, seq)) != NULL)
		return (rr);
	if ((t = proc_start(rp, pid)) < 0)
		return (NULL);
	TAILQ_FOREACH(rr, &rp->runs, link) {
		if (t < rr->start - REAPER_SLACK ||
		    (rr->end > 0 && t > rr->end + REAPER_SLACK))
			continue;
		if (rr->end == 0) {
			live = rr;
			nlive++;
		} else if (last == NULL || rr->end > last->end)
			last = rr;
	}
	if (nlive == 1)
		return (live);
	return (nlive == 0 ? last : NULL);
}

/* Signal one orphan and, if it leads one, its process group. */
static void
orphan_signal(pid_t pid, int sig)
{
	if (getpgid(pid) == pid)
		(void)kill(-pid, sig);
	(void)kill(pid, sig);
}

/*
 * Look at every orphan: count it against the run it ends with, and signal
 * it, with sig if that run is only, or with NULL with its run's stage (an
 * orphan of a run still going is left alone).
 */
static void
reaper_sweep(struct reaper *rp, struct reaper_run *only, int sig)
{
	struct reaper_run	*rr;
	pid_t			*pids = NULL;
	ssize_t			 n, i;

	TAILQ_FOREACH(rr, &rp->runs, link)
		rr->found = 0;
	if ((n = reaper_children(&pids)) <= 0)
		return;
	for (i = 0; i < n; i++) {
		/* A run's leader is its run's to signal. */
		if (rp->kind(pids[i], rp->arg) != REAPER_OTHER ||
		    (rr = reaper_owner(rp, pids[i])) == NULL)
			continue;
		rr->found++;
		if (only != NULL && rr == only)
			orphan_signal(pids[i], sig);
		else if (only == NULL && rr->stage != 0)
			orphan_signal(pids[i], rr->stage == 1 ? SIGTERM :
			    SIGKILL);
	}
	free(pids);
}

/* Signal every member of rr's cgroup; SIGKILL through cgroup.kill. */
static void
cgroup_signal(struct reaper_run *rr, int sig)
{
	char	*path, buf[65536], *cp, *end;
	long	 pid;

	if (rr->cgroup == NULL)
		return;
	if (sig == SIGKILL) {
		path = paths_join(rr->cgroup, "cgroup.kill");
		if (write_str(path, "1") == 0) {
			free(path);
			return;
		}
		free(path);
	}
	path = paths_join(rr->cgroup, "cgroup.procs");
	if (read_small(path, buf, sizeof buf) > 0) {
		for (cp = buf; (pid = strtol(cp, &end, 10)) > 0 && end != cp;
		    cp = end)
			(void)kill((pid_t)pid, sig);
	}
	free(path);
}

/*
 * A run is about to start: its record, and its cgroup when the host has
 * one to divide.  Returns the fd of the cgroup's cgroup.procs, which the
 * child writes itself into before it execs (so nothing it starts is ever
 * outside), or -1.
 */
int
reaper_run_begin(struct reaper *rp, unsigned int seq)
{
	struct reaper_run	*rr;
	char			 name[64], *procs;

	if (rp == NULL)
		return (-1);
	rr = xcalloc(1, sizeof *rr);
	rr->seq = seq;
	rr->start = boot_now();
	rr->procs_fd = -1;
	TAILQ_INSERT_TAIL(&rp->runs, rr, link);
	if (rp->cgroot == NULL)
		return (-1);
	snprintf(name, sizeof name, "run-%ld-%u", (long)getpid(), seq);
	rr->cgroup = paths_join(rp->cgroot, name);
	if (mkdir(rr->cgroup, 0755) == -1 && errno != EEXIST) {
		free(rr->cgroup);
		rr->cgroup = NULL;
		return (-1);
	}
	procs = paths_join(rr->cgroup, "cgroup.procs");
	rr->procs_fd = open(procs, O_WRONLY | O_CLOEXEC);
	free(procs);
	return (rr->procs_fd);
}

void
reaper_run_spawned(struct reaper *rp, unsigned int seq)
{
	struct reaper_run	*rr;

	if ((rr = reaper_find(rp, seq)) != NULL && rr->procs_fd != -1) {
		close(rr->procs_fd);
		rr->procs_fd = -1;
	}
}

/* The run's kill sequence signals its group: its escapees get the same. */
void
reaper_signal(struct reaper *rp, unsigned int seq, int sig)
{
	struct reaper_run	*rr;

	if ((rr = reaper_find(rp, seq)) == NULL)
		return;
	cgroup_signal(rr, sig);
	reaper_sweep(rp, rr, sig);
}

/*
 * The run is done: what it left behind gets SIGTERM now and SIGKILL after
 * the grace, whatever it does with its signals.
 */
void
reaper_run_end(struct reaper *rp, unsigned int seq, double now)
{
	struct reaper_run	*rr;

	if ((rr = reaper_find(rp, seq)) == NULL || rr->end > 0)
		return;
	rr->end = boot_now();
	rr->stage = 1;
	rr->kill_at = now + rp->grace;
	rr->next = now;
	reaper_timers(rp, now);
}

static void
reaper_drop(struct reaper *rp, struct reaper_run *rr)
{
	TAILQ_REMOVE(&rp->runs, rr, link);
	if (rr->procs_fd != -1)
		close(rr->procs_fd);
	free(rr->cgroup);
	free(rr);
}

/*
 * Ended runs' orphans: the next step of their kill sequence, with one look
 * at the host's children for all the runs that are due.
 */
void
reaper_timers(struct reaper *rp, double now)
{
	struct reaper_run	*rr, *next;
	int			 due = 0;

	if (rp == NULL)
		return;
	TAILQ_FOREACH(rr, &rp->runs, link) {
		if (rr->stage == 0 || now < rr->next)
			continue;
		due = 1;
		if (rr->stage == 1 && now >= rr->kill_at)
			rr->stage = 2;
		cgroup_signal(rr, rr->stage == 1 ? SIGTERM : SIGKILL);
		if (rr->cgroup != NULL && rmdir(rr->cgroup) == 0) {
			free(rr->cgroup);
			rr->cgroup = NULL;
		}
		rr->next = rr->stage == 1 ? rr->kill_at : now + REAPER_RESWEEP;
	}
	if (!due)
		return;
	reaper_sweep(rp, NULL, 0);
	for (rr = TAILQ_FIRST(&rp->runs); rr != NULL; rr = next) {
		next = TAILQ_NEXT(rr, link);
		if (rr->stage == 2 && rr->found == 0 && rr->cgroup == NULL &&
		    now >= rr->kill_at + REAPER_LINGER)
			reaper_drop(rp, rr);
	}
}

double
reaper_deadline(const struct reaper *rp)
{
	const struct reaper_run	*rr;
	double			 d = -1;

	if (rp == NULL)
		return (-1);
	TAILQ_FOREACH(rr, &rp->runs, link) {
		if (rr->stage != 0 && (d < 0 || rr->next < d))
			d = rr->next;
	}
	return (d);
}

/* waitid's view of an exit, as a waitpid status. */
static int
siginfo_status(const siginfo_t *si)
{
	switch (si->si_code) {
	case CLD_EXITED:
		return ((si->si_status & 0xff) << 8);
	case CLD_DUMPED:
		return ((si->si_status & 0x7f) | 0x80);
	default:
		return (si->si_status & 0x7f);
	}
}

/*
 * Collect the host's exited children.  A live run's leader is only looked
 * at (its zombie stays until its run is done, see reaper_release); every
 * other child is reaped, and an ended run's orphans that just appeared
 * (their parent died) get that run's signal.  exited hears of each.
 * Without /proc's children lists every child is reaped as it exits.
 */
void
reaper_reap(struct reaper *rp, reaper_exit_cb exited)
{
	siginfo_t	 si;
	pid_t		*pids = NULL, pid;
	ssize_t		 n, i;
	int		 status;

	if ((n = reaper_children(&pids)) == -1) {
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			exited(pid, status, rp->arg);
		return;
	}
	for (i = 0; i < n; i++) {
		switch (rp->kind(pids[i], rp->arg)) {
		case REAPER_HELD:
			break;
		case REAPER_LEADER:
			memset(&si, 0, sizeof si);
			if (waitid(P_PID, pids[i], &si, WEXITED | WNOHANG |
			    WNOWAIT) == 0 && si.si_pid == pids[i])
				exited(pids[i], siginfo_status(&si), rp->arg);
			break;
		default:
			if (waitpid(pids[i], &status, WNOHANG) == pids[i])
				exited(pids[i], status, rp->arg);
			break;
		}
	}
	free(pids);
	reaper_sweep(rp, NULL, 0);
}

/* A run is done with its leader: let its zombie go. */
void
reaper_release(pid_t pid)
{
	int	status;

	if (pid > 0)
		(void)waitpid(pid, &status, WNOHANG);
}

/* The host stops: nothing a run left behind outlives it. */
void
reaper_free(struct reaper *rp)
{
	struct reaper_run	*rr;
	struct timespec		 tick = { 0, 10 * 1000 * 1000 };
	int			 tries;

	if (rp == NULL)
		return;
	TAILQ_FOREACH(rr, &rp->runs, link) {
		if (rr->stage == 0)
			rr->end = boot_now();
		rr->stage = 2;
		cgroup_signal(rr, SIGKILL);
	}
	reaper_sweep(rp, NULL, 0);
	while ((rr = TAILQ_FIRST(&rp->runs)) != NULL) {
		/* The loop is over: a moment for the killed to go. */
		for (tries = 0; rr->cgroup != NULL && tries < 100; tries++) {
			if (rmdir(rr->cgroup) == 0 || errno != EBUSY)
				break;
			(void)nanosleep(&tick, NULL);
		}
		reaper_drop(rp, rr);
	}
	free(rp->cgroot);
	free(rp);
}
