#!/usr/bin/env bats
# manlint.bats: the man pages in the source tree render with no warnings
# from groff or man, and every one of them is installed (dist_man_MANS).
# The sources only: what an install puts in place is tested elsewhere.

load helpers

MAN_DIR="$TESTS_SRCDIR/../man"

man_pages() {
	ls "$MAN_DIR"/*.[1-9]
}

@test "manlint: rexec-protocol(7) is there and has every section it promises" {
	local page="$MAN_DIR/rexec-protocol.7" s
	[ -f "$page" ]
	for s in NAME SYNOPSIS DESCRIPTION FILES FRAMING REQUEST \
	    "CONTROL LINES" REPLIES SPOOLING "LONG RUNS" ERRORS LIVENESS \
	    EXAMPLES "SEE ALSO"; do
		grep -qx "\\.Sh $s" "$page" || { echo "no section $s" >&2; false; }
	done
}

@test "manlint: groff -ww -Tutf8 renders every page with no warning" {
	local page err
	for page in $(man_pages); do
		err=$(groff -ww -mandoc -Tutf8 -z "$page" 2>&1)
		[ -z "$err" ] || { echo "$page: $err" >&2; false; }
	done
}

@test "manlint: man --warnings renders every page with no warning" {
	local page err
	for page in $(man_pages); do
		err=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
		[ -z "$err" ] || { echo "$page: $err" >&2; false; }
	done
}

@test "manlint: the lint sees a warning when there is one" {
	printf '.Dd x\n.Dt X 7\n.Os\n.Sh NAME\n.Nm x\n.Nd y\n.Xyz\n' >"$BATS_TEST_TMPDIR/bad.7"
	[ -n "$(groff -ww -mandoc -Tutf8 -z "$BATS_TEST_TMPDIR/bad.7" 2>&1)" ]
	[ -n "$(MANWIDTH=80 man --warnings -l "$BATS_TEST_TMPDIR/bad.7" 2>&1 >/dev/null)" ]
}

@test "manlint: every page in man/ is in dist_man_MANS" {
	local page mans
	mans=$(sed -n '/^dist_man_MANS *=/,/[^\\]$/p' "$TESTS_SRCDIR/../Makefile.am")
	for page in $(man_pages); do
		grep -q "man/${page##*/}" <<<"$mans" ||
		    { echo "${page##*/} is not in dist_man_MANS" >&2; false; }
	done
}
