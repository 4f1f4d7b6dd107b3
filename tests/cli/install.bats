#!/usr/bin/env bats
# install.bats: make install DESTDIR=... puts the program, the man pages,
# the completions, the systemd user unit and the example configuration where
# configure said, each of them works from there, and make uninstall takes
# every file away again.  Installing only copies what make check has built
# already (install depends on all, which is up to date by then).

load helpers

: "${BUILDDIR:?BUILDDIR must name the build directory (make check sets it)}"
: "${SRCDIR:?SRCDIR must name the source directory (make check sets it)}"

# make in the build directory, apart from the make check that runs us.
bmake() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory \
		-C "$BUILDDIR" "$@"
}

setup_file() {
	export DEST="$BATS_FILE_TMPDIR/dest"
	bmake install DESTDIR="$DEST" >"$BATS_FILE_TMPDIR/install.log" 2>&1 || {
		cat "$BATS_FILE_TMPDIR/install.log" >&3
		return 1
	}
}

setup() {
	setup_dirs
	# bindir=..., mandir=..., man_pages=...: what make install used.
	eval "$(bmake print-install-dirs | sed -n 's/^\([a-z_]*\)=\(.*\)$/\1='"'"'\2'"'"'/p')"
	[ -n "$bindir" ] && [ -n "$mandir" ] && [ -n "$docdir" ]
	[ -n "$man_pages" ]
	IREXEC="$DEST$bindir/rexec"
}

teardown() {
	stop_host
}

@test "make install DESTDIR puts the program in bindir and it runs" {
	[ -x "$IREXEC" ]
	run "$IREXEC" --version
	[ "$status" -eq 0 ]
	[ "$output" = "$("$REXEC" --version)" ]
	[[ "$output" == "rexec "[0-9]* ]]
}

@test "the installed program runs a host and a command" {
	REXEC="$IREXEC"
	export REXEC_WHOAMI=tester
	start_host
	rx run -- sh -c 'echo installed; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = "installed" ]
	rx status --json
	[ "$(jq -r .pid <<<"$output")" = "$HOST_PID" ]
	stop_host
	rx log 1
	[ "$output" = "installed" ]
}

@test "every man page of the build is installed and reads with man -l" {
	command -v man >/dev/null || skip "man is not installed (apt-get install man-db)"
	local page n=0 sect base text
	for page in $man_pages; do
		base=${page##*/}
		sect=${base##*.}
		[ -f "$DEST$mandir/man$sect/$base" ] ||
			{ echo "not installed: $mandir/man$sect/$base"; false; }
		cmp "$SRCDIR/$page" "$DEST$mandir/man$sect/$base"
		text=$(MANPAGER=cat MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l \
			"$DEST$mandir/man$sect/$base" 2>"$BATS_TEST_TMPDIR/man.err")
		[ ! -s "$BATS_TEST_TMPDIR/man.err" ] ||
			{ echo "$base:"; cat "$BATS_TEST_TMPDIR/man.err"; false; }
		# The page's title line and its NAME section.
		grep -q '^NAME$' <<<"$text"
		grep -Eiq "^${base%.*}\(" <<<"$text"
		n=$((n + 1))
	done
	[ "$n" -ge 2 ]
}

@test "man --warnings would catch a broken page" {
	command -v man >/dev/null || skip "man is not installed (apt-get install man-db)"
	# The check above is not blind: an unknown macro is reported.
	printf '.Dd x\n.Dt BAD 1\n.Os\n.Sh NAME\n.Nm bad\n.Nd page\n.Foo bar\n' \
		>"$BATS_TEST_TMPDIR/bad.1"
	MANPAGER=cat MANWIDTH=80 man --warnings -l "$BATS_TEST_TMPDIR/bad.1" \
		>/dev/null 2>"$BATS_TEST_TMPDIR/man.err"
	grep -q "Foo" "$BATS_TEST_TMPDIR/man.err"
}

@test "the bash completion is installed as rexec in its directory and loads" {
	[ -n "$bashcompletiondir" ] || skip "configured with --with-bash-completion-dir=no"
	f="$DEST$bashcompletiondir/rexec"
	cmp "$SRCDIR/contrib/completions/rexec.bash" "$f"
	run bash --norc -c 'source "$1" && complete -p rexec' bash "$f"
	[ "$status" -eq 0 ]
	[ "$output" = "complete -F _rexec rexec" ]
}

@test "the zsh completion is installed as _rexec in its directory and loads" {
	[ -n "$zshcompletiondir" ] || skip "configured with --with-zsh-completion-dir=no"
	f="$DEST$zshcompletiondir/_rexec"
	cmp "$SRCDIR/contrib/completions/_rexec" "$f"
	command -v zsh >/dev/null || skip "zsh is not installed (apt-get install zsh)"
	mkdir -p "$BATS_TEST_TMPDIR/zdot"
	run env ZDOTDIR="$BATS_TEST_TMPDIR/zdot" zsh -f -c \
		'fpath=("$1" $fpath); autoload -U compinit; compinit -u -D;
		 print -r -- $_comps[rexec]' zsh "$DEST$zshcompletiondir"
	[ "$status" -eq 0 ]
	[ "$output" = "_rexec" ]
}

@test "the systemd user unit is installed and names the installed program" {
	[ -n "$systemduserunitdir" ] || skip "configured with --with-systemduserunitdir=no"
	unit="$DEST$systemduserunitdir/rexec.service"
	[ -f "$unit" ]
	! grep -q '@bindir@' "$unit"
	exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
	[ "$exec_start" = "$bindir/rexec host --headless --text" ]
	grep -qx 'WantedBy=default.target' "$unit"
	grep -qx 'Documentation=man:rexec(1) man:rexec.ini(5)' "$unit"
}

@test "systemd-analyze verify --user accepts the unit" {
	[ -n "$systemduserunitdir" ] || skip "configured with --with-systemduserunitdir=no"
	command -v systemd-analyze >/dev/null ||
		skip "systemd-analyze is not installed (apt-get install systemd)"
	# The unit as installed, its ExecStart pointing into DESTDIR (verify
	# checks that the program exists) and man finding the installed pages
	# (verify checks Documentation=).
	mkdir -p "$BATS_TEST_TMPDIR/units" "$BATS_TEST_TMPDIR/xdg"
	chmod 700 "$BATS_TEST_TMPDIR/xdg"
	sed "s|^ExecStart=$bindir/|ExecStart=$DEST$bindir/|" \
		"$DEST$systemduserunitdir/rexec.service" \
		>"$BATS_TEST_TMPDIR/units/rexec.service"
	grep -q "^ExecStart=$DEST$bindir/rexec " "$BATS_TEST_TMPDIR/units/rexec.service"
	run env XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/xdg" MANPATH="$DEST$mandir" \
		SYSTEMD_LOG_LEVEL=notice \
		systemd-analyze verify --user "$BATS_TEST_TMPDIR/units/rexec.service"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# And it is not blind: a bad setting is reported.
	sed 's/^KillMode=.*/KillMode=bogus/' "$BATS_TEST_TMPDIR/units/rexec.service" \
		>"$BATS_TEST_TMPDIR/rexec.service"
	mv "$BATS_TEST_TMPDIR/rexec.service" "$BATS_TEST_TMPDIR/units/rexec.service"
	run env XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/xdg" MANPATH="$DEST$mandir" \
		systemd-analyze verify --user "$BATS_TEST_TMPDIR/units/rexec.service"
	[[ "$output" == *"bogus"* ]]
}

@test "the unit's ExecStart line runs a host whose console is agent text" {
	[ -n "$systemduserunitdir" ] || skip "configured with --with-systemduserunitdir=no"
	exec_start=$(sed -n 's/^ExecStart=//p' "$DEST$systemduserunitdir/rexec.service")
	read -ra argv <<<"$exec_start"
	[ "${argv[0]}" = "$bindir/rexec" ]
	argv[0]="$DEST${argv[0]}"
	export REXEC_WHOAMI=tester
	REXEC="$IREXEC"
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	export REXEC_CONFIG="$BATS_TEST_TMPDIR/rexec.ini"
	"${argv[@]}" >"$BATS_TEST_TMPDIR/console" 2>"$BATS_TEST_TMPDIR/host.err" 3>&- &
	HOST_PID=$!
	wait_for host_answers
	rx run -- printf '\033[1;32mgreen\033[0m and \033[4mplain\033[0m\n'
	[ "$status" -eq 0 ]
	wait_for grep -q 'green and plain' "$BATS_TEST_TMPDIR/console"
	stop_host
	# The banner and the text, with no escape byte anywhere.
	grep -q 'tester:.*printf' "$BATS_TEST_TMPDIR/console"
	! grep -q $'\033' "$BATS_TEST_TMPDIR/console"
}

@test "the example configuration is installed in docdir and loads" {
	f="$DEST$docdir/rexec.ini.example"
	cmp "$SRCDIR/contrib/rexec.ini.example" "$f"
	run "$IREXEC" host --config "$f" --print-config
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"($f)"* ]]
}

@test "make uninstall DESTDIR removes every file make install put there" {
	d="$BATS_TEST_TMPDIR/dest2"
	run bmake install DESTDIR="$d"
	[ "$status" -eq 0 ]
	# The same files as the first install.
	diff <(cd "$DEST" && find . ! -type d | sort) \
		<(cd "$d" && find . ! -type d | sort)
	[ "$(cd "$d" && find . ! -type d | wc -l)" -ge 5 ]
	run bmake uninstall DESTDIR="$d"
	[ "$status" -eq 0 ]
	run find "$d" ! -type d
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}
