#!/bin/sh
# vg.sh: run a program under valgrind memcheck and judge its logs.
#
#   vg.sh PROGRAM [ARG...]            run it, then report (automake's
#                                     LOG_COMPILER for `make check-valgrind`)
#   vg.sh --exec NAME PROGRAM [ARG...]
#                                     become valgrind (the caller's pid is
#                                     valgrind's, so signals reach it);
#                                     judge the logs later with --report
#   vg.sh --report NAME...            judge the logs of NAME (a glob may
#                                     name several); prints one summary line
#
# Valgrind's own output goes to $VG_LOG_DIR/NAME.<pid>.log, one file per
# process (forked children get their own), so a TAP program's stdout stays
# clean.  A run is clean when every process that reached its end reports no
# error (invalid reads and writes, uninitialised values, definite or
# indirect leaks) and the program left no descriptor of its own open at
# exit.  A forked child that exec'd something else leaves a log without a
# summary, and is not checked further (--trace-children=no: the programs
# the host runs are not ours).  Exit status: the program's, or 99 when
# memcheck found something.  The verdict and the offending logs go to
# stdout as TAP comments after a run, to stderr for --report.
set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${VALGRIND:=valgrind}"
: "${VG_LOG_DIR:=$PWD/valgrind-logs}"
vg_status=99

# Check runs each test in a forked child by default; in one process the
# leak check at exit covers every test, and valgrind starts once.
CK_FORK=no
export CK_FORK

usage() {
	echo "usage: vg.sh PROGRAM [ARG...] | --exec NAME PROGRAM [ARG...] | --report NAME..." >&2
	exit 2
}

# A program built with ASan cannot run under valgrind: say so plainly.
refuse_asan() {
	if ldd "$1" 2>/dev/null | grep -q 'libasan'; then
		echo "vg.sh: $1 is built with AddressSanitizer (--enable-sanitizers); valgrind cannot run ASan binaries" >&2
		exit 1
	fi
}

run_valgrind() {
	name=$1
	shift
	mkdir -p "$VG_LOG_DIR" || exit 1
	exec "$VALGRIND" --tool=memcheck \
	    --leak-check=full --show-leak-kinds=definite,indirect,possible \
	    --errors-for-leak-kinds=definite,indirect \
	    --error-exitcode=$vg_status --track-fds=yes --num-callers=30 \
	    --trace-children=no --suppressions="$here/rexec.supp" \
	    --log-file="$VG_LOG_DIR/$name.%p.log" ${VG_FLAGS:-} "$@"
}

# report NAME...: one line of totals on stdout; 1 if anything is wrong.
report() {
	logs=
	for n in "$@"; do
		for f in "$VG_LOG_DIR"/$n.*.log; do
			[ -f "$f" ] && logs="$logs $f"
		done
	done
	if [ -z "$logs" ]; then
		echo "memcheck: $*: no valgrind log in $VG_LOG_DIR"
		return 1
	fi
	# shellcheck disable=SC2086
	awk -v names="$*" '
	function num(s) { gsub(/,/, "", s); return s + 0 }
	FNR == 1 {
		nf++
		file[nf] = FILENAME
		pid[nf] = $1
		gsub(/=/, "", pid[nf])
		pending = 0
	}
	pending {
		if ($0 !~ /<inherited from parent>/)
			fds[nf]++
		pending = 0
	}
	/== Parent PID: / { ppid[nf] = $NF }
	/== Open (file descriptor|AF_[A-Z0-9]+ socket) / { pending = 1 }
	/== ERROR SUMMARY: / { summary[nf] = 1; errors[nf] = num($4) }
	/== +definitely lost: / { definite[nf] = num($4) }
	/== +indirectly lost: / { indirect[nf] = num($4) }
	END {
		for (i = 1; i <= nf; i++)
			ours[pid[i]] = 1
		bad = 0
		for (i = 1; i <= nf; i++) {
			child = (ppid[i] in ours)
			if (!summary[i]) {
				if (child)
					continue	# it exec()ed another program
				printf("memcheck: %s: no summary (killed?)\n",
				    file[i]) > "/dev/stderr"
				bad = 1
				continue
			}
			procs++
			e += errors[i]
			d += definite[i]
			ind += indirect[i]
			if (!child)
				f += fds[i]
			if (errors[i] || definite[i] || indirect[i] ||
			    (!child && fds[i])) {
				print file[i] > "/dev/stderr"
				bad = 1
			}
		}
		printf("memcheck: %s: %d process%s, %d errors, definitely " \
		    "lost %d bytes, indirectly lost %d bytes, %d fds left " \
		    "open\n", names, procs, procs == 1 ? "" : "es", e, d,
		    ind, f)
		exit bad
	}' $logs 2>"$VG_LOG_DIR/.bad.$$"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		while read -r f; do
			case $f in
			/*) echo "---- $f" >&2; cat "$f" >&2 ;;
			*) echo "$f" >&2 ;;
			esac
		done <"$VG_LOG_DIR/.bad.$$"
	fi
	rm -f "$VG_LOG_DIR/.bad.$$"
	return "$rc"
}

[ $# -ge 1 ] || usage
case $1 in
--exec)
	[ $# -ge 3 ] || usage
	name=$2
	shift 2
	refuse_asan "$1"
	run_valgrind "$name" "$@"
	;;
--report)
	[ $# -ge 2 ] || usage
	shift
	report "$@"
	exit $?
	;;
-*)
	usage
	;;
esac

refuse_asan "$1"
name=$(basename "$1")
mkdir -p "$VG_LOG_DIR" || exit 1
rm -f "$VG_LOG_DIR/$name".*.log
(run_valgrind "$name" "$@")
status=$?
# The verdict follows the program's TAP as comments, so that the harness
# keeps it in order in the test's .log.
verdict="$VG_LOG_DIR/.verdict.$$"
report "$name" >"$verdict" 2>&1
rc=$?
sed 's/^/# /' "$verdict"
rm -f "$verdict"
if [ "$rc" -ne 0 ]; then
	echo "# memcheck: $name: valgrind found errors (exit $status)"
	status=$vg_status
fi
exit "$status"
