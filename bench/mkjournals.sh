#!/bin/sh
# bench/mkjournals.sh OUTDIR: journals for bench/grep.sh, made from real
# runs.  A private host (its journal cap raised to 32 MiB a run) runs, through
# `rexec run`, what agents run all day:
#   a build            make -k of this project's sources with cc -v (and one
#                      file with real compile errors)
#   test suites        the Check unit tests of the build directory, verbose,
#                      and bats --tap of one CLI test file when bats is there
#   progress bars      dd status=progress, a \r redraw loop
#   listings, failures ls -lR /usr/include, commands that fail, a child
#                      killed by SIGSEGV (the shell says "Segmentation fault")
# The journal of that session is then replicated, its runs renumbered (seq
# and id rewritten), into sessions of GREP_BENCH_SESSION_MB (16) megabytes,
# one an hour back from now, until OUTDIR holds GREP_BENCH_MB (1024)
# megabytes.  OUTDIR is made if needed and should not be in the source tree.
#
# Environment: REXEC, GREP_BENCH_MB, GREP_BENCH_SESSION_MB, CC.
set -eu
. "$(dirname "$0")/common.sh"
MB=${GREP_BENCH_MB:-1024}
SESSION_MB=${GREP_BENCH_SESSION_MB:-16}
[ $# -eq 1 ] || { echo "usage: mkjournals.sh OUTDIR" >&2; exit 2; }
out=$1
mkdir -p "$out"
srcdir=$(cd "$here/.." && pwd)
builddir=$(cd "$(dirname "$REXEC")/.." && pwd)

printf '[journal]\nmax_output = 33554432\n' >"$REXEC_CONFIG"
start_host

run() {
	who=$1
	shift
	REXEC_WHOAMI=$who "$REXEC" run --timeout 600 -- "$@" >/dev/null 2>&1 || :
}

# A build: this project's sources, verbose, and a file that does not compile.
mkdir -p "$tmp/proj"
cat >"$tmp/proj/broken.c" <<'EOF'
#include <stdio.h>
int
main(void)
{
	printf("%d\n", undeclared_count);
	return (missing_function(1, 2));
}
EOF
cflags="-I$builddir -I$srcdir/src $(pkg-config --cflags jansson ncursesw libtsm inih 2>/dev/null || :)"
{
	printf 'all:'
	for f in "$srcdir"/src/*.c; do
		printf ' %s.o' "$(basename "$f" .c)"
	done
	printf ' broken.o\n%%.o: %s/src/%%.c\n\t%s -v -Wall -Wextra %s -fsyntax-only $<\n' \
	    "$srcdir" "${CC:-cc}" "$cflags"
	printf 'broken.o: broken.c\n\t%s -v -Wall -c broken.c -o /dev/null\n' "${CC:-cc}"
} >"$tmp/proj/Makefile"
run claude-code make -k -C "$tmp/proj"

# Test suites: the unit tests (built here if they are not yet), verbose.
units="test_utf8 test_textmatch test_config test_journal test_agentview test_request"
for u in $units; do
	[ -x "$builddir/tests/unit/$u" ] ||
		make -C "$builddir" -s "tests/unit/$u" >/dev/null 2>&1 || :
	[ -x "$builddir/tests/unit/$u" ] &&
		run codex env CK_VERBOSITY=verbose \
		    "$builddir/tests/unit/$u"
done
if command -v bats >/dev/null 2>&1; then
	run codex env REXEC="$REXEC" bats --tap "$srcdir/tests/cli/usage.bats"
fi

# Progress bars and long listings; failures.
run gemini dd if=/dev/zero of=/dev/null bs=64k count=400000 status=progress
run gemini sh -c 'i=0; while [ $i -le 100 ]; do
	printf "\rdownloading %3d%% [%-50.*s]" $i $((i / 2)) \
	    "##################################################"
	i=$((i + 1)); sleep 0.005; done; echo'
run claude-code ls -lR /usr/include
run claude-code sh -c 'ls /no/such/dir; cat /etc/hostname /no/such/file; git status'
run codex sh -c 'sh -c "kill -SEGV \$\$"; echo "exit status $?"'
run gemini "${CC:-cc}" -v --version

kill "$host_pid"
wait "$host_pid" 2>/dev/null || :
host_pid=
base=$(ls "$REXEC_JOURNAL_DIR"/*.jsonl | head -n 1)
[ -s "$base" ] || { echo "mkjournals.sh: no journal written" >&2; exit 1; }

# Replicate: each session holds copies of the base runs, renumbered.
now=$(date +%s)
want=$((MB * 1024 * 1024))
per=$((SESSION_MB * 1024 * 1024))
done_bytes=0
k=1
while [ "$done_bytes" -lt "$want" ]; do
	name=$(date -u -d "@$((now - k * 3600))" +%Y-%m-%d-%H:%M:%S)
	left=$((want - done_bytes))
	[ "$left" -lt "$per" ] && per=$left
	LC_ALL=C awk -v limit="$per" -v tag="s$k" '
	{ base[n++] = $0 }
	END {
		seq = 0
		for (bytes = 0; bytes < limit; ) {
			for (i = 0; i < n && bytes < limit; i++) {
				l = base[i]
				seq++
				a = index(l, ",\"id\":\"")
				b = index(l, ",\"start\":")
				if (a > 0 && b > a)
					l = substr(l, 1, a - 1) ",\"id\":\"" tag "-" seq \
					    "\",\"seq\":" seq substr(l, b)
				print l
				bytes += length(l) + 1
			}
		}
	}' "$base" >"$out/$name.jsonl"
	done_bytes=$((done_bytes + $(wc -c <"$out/$name.jsonl")))
	k=$((k + 1))
done
chmod 700 "$out"
chmod 600 "$out"/*.jsonl
echo "mkjournals.sh: $(ls "$out" | wc -l) sessions, $((done_bytes / 1048576)) MiB, from $(wc -l <"$base") runs ($(($(wc -c <"$base") / 1024)) KiB) in $out"
