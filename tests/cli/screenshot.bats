#!/usr/bin/env bats
# screenshot.bats: contrib/screenshot -- ansi2svg.py (a capture with SGR
# escapes, as tmux capture-pane -e prints it, to SVG) on small captures,
# and capture.sh end to end against a real host in a private tmux server.

load helpers

setup() {
	setup_dirs
	SHOT="$TESTS_SRCDIR/../contrib/screenshot"
	IN="$BATS_TEST_TMPDIR/in"
	SVG="$BATS_TEST_TMPDIR/out.svg"
}

# capture.sh keeps its tmux server's socket in a directory of its own
# under TMPDIR, which the last test points here; a server it left behind
# (it should leave none) is ended through that socket alone.
teardown() {
	local s
	for s in "$BATS_TEST_TMPDIR"/rexec-shot.*/tmux-*/*; do
		[ -S "$s" ] && tmux -S "$s" kill-server 2>/dev/null || true
	done
}

# svg_of ARGS... : convert the bytes printf makes of ARGS; the SVG in $SVG.
svg_of() {
	printf "$@" >"$IN"
	python3 "$SHOT/ansi2svg.py" <"$IN" >"$SVG"
}

# The cells of $SVG, one tspan a line: "ROW COL TEXT|FILL|ATTRS", rows
# numbered in order of the <text> elements, columns counted from the
# first row's first tspan (x and textLength of a run at column 0: put a
# ruler of plain ASCII there).  A centred tspan (a non-ASCII character)
# gives the column of its cell's left edge, with its width in cells.
cells() {
	python3 - "$SVG" <<'EOF'
import sys
import xml.etree.ElementTree as E
ns = '{http://www.w3.org/2000/svg}'
root = E.parse(sys.argv[1]).getroot()
texts = root.iter(ns + 'text')
first = None
for row, t in enumerate(texts):
	for s in t.findall(ns + 'tspan'):
		x = float(s.get('x'))
		if first is None:
			first = x
			cw = float(s.get('textLength')) / len(s.text)
		attrs = [k for k in ('font-weight', 'font-style',
		    'text-decoration') if s.get(k)]
		attrs = ','.join('%s=%s' % (k, s.get(k)) for k in attrs)
		if s.get('text-anchor') == 'middle':
			col = None
			for w in (1, 2):
				c = (x - first) / cw - w / 2
				if abs(c - round(c)) < 0.01:
					col = '%d/%d' % (round(c), w)
			print(row, col, '%s|%s|%s' % (s.text, s.get('fill', ''), attrs))
		else:
			col = round((x - first) / cw)
			assert abs(float(s.get('textLength')) - len(s.text) * cw) < 0.01
			print(row, col, '%s|%s|%s' % (s.text, s.get('fill', ''), attrs))
EOF
}

# The fill of the picture's background (the first rect).
background() {
	python3 -c '
import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
print(r.find("{http://www.w3.org/2000/svg}rect").get("fill"))' "$SVG"
}

# Background rects other than the picture's: "X WIDTH FILL".
rects() {
	python3 -c '
import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
for e in list(r.iter("{http://www.w3.org/2000/svg}rect"))[1:]:
	print(e.get("x"), e.get("width"), e.get("fill"))' "$SVG"
}

# The picture's width and height.
size() {
	python3 -c '
import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
print(r.get("width"), r.get("height"))' "$SVG"
}

# A colour whose channel $2 (r, g or b) is well above the other two.
dominant() {
	python3 -c '
import sys
h, c = sys.argv[1].lstrip("#"), "rgb".index(sys.argv[2])
v = [int(h[i:i + 2], 16) for i in (0, 2, 4)]
sys.exit(0 if all(v[c] >= v[i] + 64 for i in range(3) if i != c) else 1)' \
	    "$1" "$2"
}

@test "ansi2svg: well-formed SVG, one text a row, the text in its row" {
	svg_of '0123456789\nsecond row\n  third\n'
	python3 -c 'import xml.etree.ElementTree as E; E.parse("'"$SVG"'")'
	run cells
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '0 0 0123456789||' ]
	[ "${lines[1]}" = '1 0 second row||' ]
	[ "${lines[2]}" = '2 2 third||' ]
	[ "${#lines[@]}" -eq 3 ]
	grep -q 'xml:space="preserve"' "$SVG"
	grep -q 'font-family="&quot;DejaVu Sans Mono&quot;, Menlo, Consolas' "$SVG"
}

@test "ansi2svg: a blank row keeps its height; --rows and --cols size it" {
	svg_of 'ab\ncd\nef\n'
	ys3=$(grep -o '<text y="[0-9.]*"' "$SVG" | grep -o '[0-9.]*' | tr '\n' ' ')
	svg_of 'ab\n\nef\n'
	ys2=$(grep -o '<text y="[0-9.]*"' "$SVG" | grep -o '[0-9.]*' | tr '\n' ' ')
	set -- $ys3
	[ "$ys2" = "$1 $3 " ]
	printf 'ab\n' | python3 "$SHOT/ansi2svg.py" --cols 10 --rows 2 >"$SVG"
	read -r w10 h2 <<<"$(size)"
	printf 'ab\n' | python3 "$SHOT/ansi2svg.py" --cols 20 --rows 4 >"$SVG"
	read -r w20 h4 <<<"$(size)"
	[ "$w20" -gt "$w10" ]
	[ "$h4" -gt "$h2" ]
}

@test "ansi2svg: 16, 256 and 24-bit colours, default fg and resets" {
	svg_of '%b\n' '0123456789' \
	    'ab\033[31mred\033[39mdef' \
	    '\033[38;5;196mx\033[0my\033[38;2;18;52;86mz\033[m' \
	    '\033[38:2::18:52:86mc\033[38;5;21mb\033[38;5;244mg'
	run cells
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = '1 0 ab||' ]
	[[ "${lines[2]}" == '1 2 red|#'*'|' ]]
	red=$(echo "${lines[2]}" | sed 's/.*red|\(#[0-9a-f]*\)|.*/\1/')
	dominant "$red" r
	[ "${lines[3]}" = '1 5 def||' ]
	[ "${lines[4]}" = '2 0 x|#ff0000|' ]
	[ "${lines[5]}" = '2 1 y||' ]
	[ "${lines[6]}" = '2 2 z|#123456|' ]
	[ "${lines[7]}" = '3 0 c|#123456|' ]
	[ "${lines[8]}" = '3 1 b|#0000ff|' ]
	[ "${lines[9]}" = '3 2 g|#808080|' ]
}

@test "ansi2svg: backgrounds are rects of their cells, 49 ends one" {
	svg_of '%b\n' '0123456789' 'ab\033[42mgreen\033[49m  \033[104mB\033[0m'
	run rects
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	read -r x1 w1 f1 <<<"${lines[0]}"
	read -r x2 w2 f2 <<<"${lines[1]}"
	dominant "$f1" g
	dominant "$f2" b
	# Five cells from column 2, then one cell from column 9.
	python3 -c "import sys; a, b, c, d = map(float, sys.argv[1:]); \
cw = b / 5; assert abs(c - a - 7 * cw) < 0.01 and abs(d - cw) < 0.01" \
	    "$x1" "$w1" "$x2" "$w2"
}

@test "ansi2svg: bold, dim, italic, underline, reverse and their ends" {
	svg_of '%b\n' '0123456789' \
	    '\033[1mB\033[22mn\033[3mI\033[23m\033[4mU\033[24mn' \
	    '\033[2md\033[0m \033[7mR\033[27m'
	run cells
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = '1 0 B||font-weight=bold' ]
	[ "${lines[2]}" = '1 1 n||' ]
	[ "${lines[3]}" = '1 2 I||font-style=italic' ]
	[ "${lines[4]}" = '1 3 U||text-decoration=underline' ]
	[ "${lines[5]}" = '1 4 n||' ]
	# Dim: a colour between the default fg and the background.
	[[ "${lines[6]}" == '2 0 d|#'*'|' ]]
	# Reverse: the background's colour on a rect of the default fg.
	bg=$(background)
	[ "${lines[7]}" = "2 2 R|$bg|" ]
	run rects
	[ "${#lines[@]}" -eq 1 ]
	[ "${lines[0]##* }" != "$bg" ]
}

@test "ansi2svg: XML special characters are escaped, other escapes skipped" {
	svg_of '%b\n' '0123456789' \
	    '<a href="x">&amp; '"'"'q'"'"'</a>' \
	    '\033]0;title<&>\007\033[2;5H\033(Bkept\033[?25l\001' \
	    '\033[1m\033[>4mB'
	python3 -c 'import xml.etree.ElementTree as E; E.parse("'"$SVG"'")'
	grep -qF '&lt;a href=&quot;x&quot;&gt;&amp;amp;' "$SVG"
	! grep -q 'title' "$SVG"
	run cells
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "1 0 <a href=\"x\">&amp; 'q'</a>||" ]
	[ "${lines[2]}" = '2 0 kept||' ]
	[ "${lines[3]}" = '3 0 B||font-weight=bold' ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "ansi2svg: a wide character takes two cells, a combining mark none" {
	svg_of '%b\n' '0123456789' '日本x' 'e\xcc\x81y' 'a⌛b'
	run cells
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = '1 0/2 日||' ]
	[ "${lines[2]}" = '1 2/2 本||' ]
	[ "${lines[3]}" = '1 4 x||' ]
	[ "${lines[4]}" = $'2 0/1 e\xcc\x81||' ]
	[ "${lines[5]}" = '2 1 y||' ]
	[ "${lines[6]}" = '3 0 a||' ]
	[ "${lines[7]}" = '3 1/2 ⌛||' ]
	[ "${lines[8]}" = '3 3 b||' ]
}

@test "ansi2svg: box-drawing lines are paths that join, not text" {
	svg_of '%b\n' '┌─┐x' '│ │' '└─┘'
	! grep -qE '[┌─┐│└┘]' "$SVG"
	run cells
	[ "${lines[0]}" = '0 0 x||' ]
	# The top edge is one line across the three cells, each side one
	# line down the three rows.
	d=$(grep -o '<path d="[^"]*"' "$SVG")
	[ "$(grep -o 'H' <<<"$d" | wc -l)" -eq 2 ]
	[ "$(grep -o 'V' <<<"$d" | wc -l)" -eq 2 ]
}

@test "ansi2svg: bad arguments get named errors" {
	printf 'x\n' >"$IN"
	run python3 "$SHOT/ansi2svg.py" --cols 0 "$IN"
	[ "$status" -eq 2 ]
	[[ "$output" == *"argument --cols: '0': not between 1 and 1000"* ]]
	run python3 "$SHOT/ansi2svg.py" --rows many "$IN"
	[ "$status" -eq 2 ]
	[[ "$output" == *"argument --rows: 'many': not a number"* ]]
	run python3 "$SHOT/ansi2svg.py" "$BATS_TEST_TMPDIR/none"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ansi2svg.py: $BATS_TEST_TMPDIR/none: No such file or directory"* ]]
	run python3 "$SHOT/ansi2svg.py" --colour "$IN"
	[ "$status" -eq 2 ]
	[[ "$output" == *"unrecognized arguments: --colour"* ]]
}

@test "capture.sh draws a real host with three agents through two viewers, the console and the tiles, as SVG" {
	export TMPDIR="$BATS_TEST_TMPDIR"
	DEADLINE=60 CAPTURE_RAW="$BATS_TEST_TMPDIR/raw" \
	    "$SHOT/capture.sh" >"$SVG" 2>"$BATS_TEST_TMPDIR/err" ||
	    { cat "$BATS_TEST_TMPDIR/err"; false; }
	python3 -c 'import xml.etree.ElementTree as E; E.parse("'"$SVG"'")'
	grep -q '<title>rexec attach with three agents: the console and the tiles</title>' "$SVG"
	# The viewers' status lines count both.
	grep -qF '2 viewers' "$SVG"
	for name in 'Claude Code' Codex 'Gemini CLI' 'package name: (site)' \
	    'make watch' 'running'; do
		grep -qF "$name" "$SVG"
	done
	# Two 80x30 panes in colour and the border between: 30 rows of
	# 161 columns, the tiles' borders naming the live runs, and the
	# agents' coloured console headers as fills.
	[ "$(wc -l <"$BATS_TEST_TMPDIR/raw")" -eq 30 ]
	[ "$(python3 -c '
import re, sys, unicodedata
for line in open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]:
    text = re.sub(r"\x1b\[[0-9;:]*m", "", line)
    print(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text))
' "$BATS_TEST_TMPDIR/raw" | sort -u)" = 161 ]
	grep -qF 'watching src/' "$SVG"
	grep -q $'\033\\[' "$BATS_TEST_TMPDIR/raw"
	[ "$(grep -o 'fill="#[0-9a-f]*"' "$SVG" | sort -u | wc -l)" -ge 5 ]
	# It cleaned up after itself: its directory has gone with its
	# tmux server and host.
	! ls -d "$BATS_TEST_TMPDIR"/rexec-shot.* 2>/dev/null
}

@test "capture.sh names a missing rexec" {
	REXEC="$BATS_TEST_TMPDIR/none" run "$SHOT/capture.sh"
	[ "$status" -eq 1 ]
	[[ "$output" == *"capture.sh: $BATS_TEST_TMPDIR/none: not an executable"* ]]
}

@test "capture.sh says what a host that could not start said" {
	printf '#!/bin/sh\necho "rexec: host: no terminal for you" >&2\nexit 1\n' \
	    >"$BATS_TEST_TMPDIR/fakehost"
	chmod +x "$BATS_TEST_TMPDIR/fakehost"
	export TMPDIR="$BATS_TEST_TMPDIR"
	REXEC="$BATS_TEST_TMPDIR/fakehost" run "$SHOT/capture.sh"
	[ "$status" -eq 1 ]
	[[ "$output" == *"capture.sh: the host did not start"* ]]
	[[ "$output" == *"capture.sh: host: rexec: host: no terminal for you"* ]]
	! ls -d "$BATS_TEST_TMPDIR"/rexec-shot.* 2>/dev/null
}
