#!/usr/bin/env bats
# render.bats: `rexec render` -- raw terminal bytes in, the final screen out.

load helpers

setup() {
	setup_dirs
	IN="$BATS_TEST_TMPDIR/in"
}

# Render the bytes printf makes of its arguments.
render_of() {
	local size=("${@:1:4}")
	shift 4
	printf "$@" >"$IN"
	rx render "${size[@]}" <"$IN"
}

@test "a progress bar shows its final state once" {
	{
		printf 'building\r\n'
		for i in 0 1 2 3 4 5 6 7 8 9 10; do
			printf '\r\033[1;32m%-10s\033[0m %3d%%\033[K' \
			    "$(printf '%*s' "$i" '' | tr ' ' '#')" $((i * 10))
		done
		printf '\r\ndone'
	} >"$IN"
	rx render --cols 20 --rows 3 <"$IN"
	[ "$status" -eq 0 ]
	[ "$output" = $'building\n########## 100%\ndone' ]
	[ -z "$stderr_out" ]
}

@test "a long line wraps at 20 columns" {
	render_of --cols 20 --rows 3 'abcdefghijklmnopqrstuvwxyz'
	[ "$status" -eq 0 ]
	[ "$output" = $'abcdefghijklmnopqrst\nuvwxyz' ]
}

@test "only the last rows stay on the screen" {
	render_of --cols 20 --rows 3 'l1\r\nl2\r\nl3\r\nl4\r\nl5'
	[ "$status" -eq 0 ]
	[ "$output" = $'l3\nl4\nl5' ]
}

@test "the text ends every row with a newline and drops empty rows" {
	printf 'a  \r\n\r\nb' | "$REXEC" render --cols 20 --rows 3 \
	    >"$BATS_TEST_TMPDIR/out"
	printf 'a\n\nb\n' | cmp - "$BATS_TEST_TMPDIR/out"
	: >"$IN"
	rx render --cols 20 --rows 3 <"$IN"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "the default size is 80x24" {
	printf '%0100d' 0 >"$IN"
	rx render <"$IN"
	[ "$status" -eq 0 ]
	[ "${#output}" -eq 101 ]
	[ "${output:80:1}" = $'\n' ]
	seq -f 'line %g' 1 30 | sed 's/$/\r/' >"$IN"
	rx render <"$IN"
	[ "$(printf '%s\n' "$output" | head -n 1)" = 'line 8' ]
}

@test "cursor moves, erases and the alternate screen are applied" {
	render_of --cols 20 --rows 3 'hello\033[2D\033[Kp!\r\n\033[?1049hFULL\033[?1049lok'
	[ "$status" -eq 0 ]
	[ "$output" = $'help!\nok' ]
}

@test "titles, clipboard and queries leave nothing on the screen" {
	render_of --cols 20 --rows 3 'a\033]0;title\007b\033]52;c;aGk=\007c\033[6nd\033[c'
	[ "$status" -eq 0 ]
	[ "$output" = 'abcd' ]
}

@test "wide characters and invalid UTF-8 come out as valid UTF-8" {
	render_of --cols 20 --rows 3 '\xe4\xb8\xad\xf0\x9f\x98\x80x\xffy'
	[ "$status" -eq 0 ]
	[ "$output" = $'\xe4\xb8\xad\xf0\x9f\x98\x80x\xef\xbf\xbdy' ]
}

@test "usage: --cols and --rows must be numbers from 2 to 1000" {
	: >"$IN"
	rx render --cols x <"$IN"
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == 'rexec: --cols: not a number: "x"'* ]]
	[[ "$stderr_out" == *'usage: rexec render [--cols C] [--rows R]'* ]]
	[ -z "$output" ]
	rx render --cols 1 <"$IN"
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == 'rexec: --cols: not between 2 and 1000: "1"'* ]]
	rx render --rows 1001 <"$IN"
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == 'rexec: --rows: not between 2 and 1000: "1001"'* ]]
	rx render --rows=-3 <"$IN"
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == 'rexec: --rows: not a number: "-3"'* ]]
	rx render --cols 2 --rows 1000 <"$IN"
	[ "$status" -eq 0 ]
}

@test "usage: a missing value, an unknown option, a stray argument" {
	: >"$IN"
	rx render --rows <"$IN"
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == 'rexec: --rows: needs an argument'* ]]
	rx render --bogus <"$IN"
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == 'rexec: unknown option: --bogus'* ]]
	rx render extra <"$IN"
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == 'rexec: unexpected argument: "extra"'* ]]
}
