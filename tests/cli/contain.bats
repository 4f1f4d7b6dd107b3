#!/usr/bin/env bats
# contain.bats: what a run can reach must stay inside the run: a host
# started with its standard fds closed never reads a run's output as
# requests, and every process a run starts ends with it.

load helpers

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
}

teardown() {
	stop_host
	if [ -n "${CG:-}" ] && [ -d "$CG" ]; then
		# What the host left is the test's to remove.
		find "$CG" -mindepth 1 -maxdepth 1 -type d -name 'run-*' \
			-exec sh -c 'echo 1 >"$1/cgroup.kill"; until rmdir "$1"; do sleep 0.05; done' sh {} \;
		wait_for rmdir "$CG"
	fi
}

# The journal holds at least N lines.
journal_lines() {
	[ "$(wc -l <"$(journal_file)")" -ge "$1" ]
}

@test "contain: a host started with fds 0-2 closed never takes a run's output as a request" {
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	export REXEC_CONFIG="$BATS_TEST_TMPDIR/rexec.ini"
	# As cron or a careless supervisor starts it: nothing on 0, 1 or 2.
	"$REXEC" host --headless <&- >&- 2>&- 3>&- &
	HOST_PID=$!
	wait_for host_answers
	local pwned="$BATS_TEST_TMPDIR/pwned"
	local req
	req=$(jq -cn --arg f "$pwned" '{whoami:"x",dir:"/tmp",exec:["touch",$f]}')
	rx run -- printf '%s\n' "$req"
	[ "$status" -eq 0 ]
	[ "$output" = "$req" ]
	# A request the run's output smuggled in would come before this one
	# in the FIFO and take its number.
	rx run --json -- true
	[ "$status" -eq 0 ]
	[ "$(jq -r .seq <<<"$output")" = 2 ]
	wait_for journal_lines 2
	[ "$(jq -r .whoami "$(journal_file)" | sort -u)" = tester ]
	[ ! -e "$pwned" ]
	# The host's own fds 0-2 are /dev/null, not its files.
	local fd
	for fd in 0 1 2; do
		[ "$(readlink "/proc/$HOST_PID/fd/$fd")" = /dev/null ]
	done
}

# pid is gone (or is no longer the process the test started).
proc_gone() {
	! kill -0 "$1" 2>/dev/null || ! grep -q "$2" "/proc/$1/cmdline" 2>/dev/null
}

# The pid a run wrote to a file, once it is there.
pid_in() {
	wait_for test -s "$1"
	cat "$1"
}

@test "contain: a process that leaves the run's group with setsid and ignores signals ends with the run" {
	start_host
	local pf="$BATS_TEST_TMPDIR/escapee.pid"
	rx run -- sh -c "setsid sh -c 'echo \$\$ >\"$pf\"; trap \"\" HUP TERM; exec sleep 61' &
		while [ ! -s \"$pf\" ]; do sleep 0.01; done; sleep 0.3"
	[ "$status" -eq 0 ]
	local pid
	pid=$(pid_in "$pf")
	wait_for proc_gone "$pid" 61
	# Its run answered as usual.
	[ "$(tail -n 1 "$(journal_file)" | jq -r .exit)" = 0 ]
}

@test "contain: a double-forked daemon that drops REXEC_SEQ and its terminal ends with the run" {
	start_host
	local pf="$BATS_TEST_TMPDIR/daemon.pid"
	rx run -- sh -c "env -u REXEC_SEQ setsid sh -c '(trap \"\" HUP TERM; echo \$\$ >/dev/null; exec sleep 62) &
		echo \$! >\"$pf\"' </dev/null >/dev/null 2>&1 &
		while [ ! -s \"$pf\" ]; do sleep 0.01; done"
	[ "$status" -eq 0 ]
	local pid
	pid=$(pid_in "$pf")
	wait_for proc_gone "$pid" 62
}

@test "contain: an escapee lives as long as its detached run, and goes when the run is killed" {
	start_host
	local pf="$BATS_TEST_TMPDIR/server.pid"
	rx run --yield 0.3 -- sh -c "setsid sh -c 'echo \$\$ >\"$pf\"; trap \"\" HUP TERM; exec sleep 63' </dev/null >/dev/null 2>&1 &
		exec sleep 600"
	[ "$status" -eq 75 ]
	local pid
	pid=$(pid_in "$pf")
	# The run goes on past its kill_grace and linger, and so does what
	# it started.
	rx wait 1 --timeout 1
	[ "$status" -eq 75 ]
	rx status --json
	[ "$(jq -r '.detached[0].seq' <<<"$output")" = 1 ]
	kill -0 "$pid"
	grep -q 63 "/proc/$pid/cmdline"
	rx kill 1
	wait_for proc_gone "$pid" 63
}

# Field N of /proc/PID/stat (3 is the state, 4 the parent).
stat_field() {
	sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f$(($2 - 2))
}

@test "contain: a run's leader stays the host's zombie until its run is done, so its group id is never reused" {
	printf '[run]\nkill_grace = 0.3\nlinger = 60\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	local lf="$BATS_TEST_TMPDIR/leader.pid"
	# The leader exits at once; its background child keeps the PTY.
	rx run --yield 0.3 -- sh -c "echo \$\$ >\"$lf\"; trap \"\" HUP; sleep 120 & exit 0"
	[ "$status" -eq 75 ]
	local pid
	pid=$(pid_in "$lf")
	wait_for test "$(stat_field "$pid" 3)" = Z
	[ "$(stat_field "$pid" 4)" = "$HOST_PID" ]
	[ "$(stat_field "$pid" 5)" = "$pid" ]
	rx kill 1
	wait_for proc_gone "$pid" sh
}

# The cgroup v2 mount point, from this process's mount table.
cgroup2_mount() {
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") {
		if ($(i + 1) == "cgroup2") print $5; break } }' /proc/self/mountinfo |
		head -n 1
}

@test "contain: a host with a delegated cgroup gives each run its own, which goes with the run" {
	[ "$(id -u)" = 0 ] || skip "needs root to make a cgroup"
	local mnt
	mnt=$(cgroup2_mount)
	[ -n "$mnt" ] || skip "no cgroup v2 mount"
	CG="$mnt/rexec-test-$$-$BATS_TEST_NUMBER"
	mkdir "$CG" || skip "cannot make a cgroup under $mnt"
	# As systemd marks a unit's cgroup with Delegate=yes.
	python3 -c 'import os, sys; os.setxattr(sys.argv[1], "trusted.delegate", b"1")' "$CG" ||
		skip "cannot mark $CG delegated"
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	export REXEC_CONFIG="$BATS_TEST_TMPDIR/rexec.ini"
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" host --headless' sh "$CG" "$REXEC" \
		>"$BATS_TEST_TMPDIR/console" 2>"$BATS_TEST_TMPDIR/host.err" 3>&- &
	HOST_PID=$!
	wait_for host_answers
	local pf="$BATS_TEST_TMPDIR/server.pid"
	rx run --yield 0.3 -- sh -c "env -u REXEC_SEQ setsid sh -c 'echo \$\$ >\"$pf\"; trap \"\" HUP TERM; exec sleep 64' </dev/null >/dev/null 2>&1 &
		exec sleep 600"
	[ "$status" -eq 75 ]
	local pid run_cg="$CG/run-$HOST_PID-1"
	pid=$(pid_in "$pf")
	[ -d "$run_cg" ]
	grep -qxF "$pid" "$run_cg/cgroup.procs"
	rx kill 1
	wait_for proc_gone "$pid" 64
	wait_for test ! -e "$run_cg"
}

# The host's resident memory, in KiB.
host_rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$HOST_PID/status"
}

# How many of the host's fds are unlinked files in the spool directory.
stashed_stdins() {
	local n=0 fd t
	for fd in /proc/"$HOST_PID"/fd/*; do
		t=$(readlink "$fd" 2>/dev/null) || continue
		case "$t" in "$REXEC_RUNTIME_DIR"/spool/*"(deleted)") n=$((n + 1)) ;; esac
	done
	echo "$n"
}

stdins_stashed() {
	[ "$(stashed_stdins)" -eq "$1" ]
}

@test "contain: queued spooled requests keep their stdin in files, not in the host's memory, and it arrives whole" {
	printf '[host]\nmax_parallel = 1\n[run]\nkill_grace = 0.3\nlinger = 0.5\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	local gate="$BATS_TEST_TMPDIR/gate" input="$BATS_TEST_TMPDIR/input" i
	head -c 6000000 /dev/urandom | base64 -w 100 >"$input"
	local want
	want=$(sha256sum <"$input" | cut -d' ' -f1)
	# One run holds the only slot; five spooled requests queue behind it.
	"$REXEC" run -- sh -c "while [ ! -e '$gate' ]; do sleep 0.02; done" &
	local holder=$!
	for i in 1 2 3 4 5; do
		"$REXEC" run --read-stdin -- sha256sum <"$input" >"$BATS_TEST_TMPDIR/out.$i" &
	done
	WAIT_SECONDS=120 wait_for stdins_stashed 5
	# 5 x 8 MiB of stdin are queued; the host holds none of it (ASan
	# keeps what is freed in quarantine: its size says nothing there).
	if ! ldd "$REXEC" 2>/dev/null | grep -q libasan; then
		[ "$(host_rss_kb)" -lt 32768 ]
	fi
	touch "$gate"
	wait "$holder"
	for i in 1 2 3 4 5; do
		WAIT_SECONDS=120 wait_for test -s "$BATS_TEST_TMPDIR/out.$i"
		[ "$(cut -d' ' -f1 "$BATS_TEST_TMPDIR/out.$i")" = "$want" ]
	done
	[ "$(stashed_stdins)" -eq 0 ]
}
