/*
 * test_agentview.c: the text an agent receives (src/agentview.c).
 *
 * Every case goes through feed(), which renders the input three ways --
 * whole, one byte at a time, and in seeded random chunks -- and fails
 * unless all three give the same text, each emit is valid UTF-8 on its
 * own, and no ESC or C1 control got through.  The tail cases go through
 * tail_check(), which checks agentview_tail() at every chunk boundary
 * against a fresh view fed the input so far and finished.
 */
#include "rexec.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agentview.h"
#include "utf8.h"
#include "xmalloc.h"
#include "unit.h"

struct sink {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	size_t	 calls;
};

static void
sink_emit(const char *text, size_t len, void *arg)
{
	struct sink	*s = arg;

	ck_assert_uint_gt(len, 0);
	if (!utf8_valid(text, len))
		ck_abort_msg("emit of %zu bytes is not valid UTF-8", len);
	if (s->len + len + 1 > s->cap) {
		s->cap = (s->len + len + 1) * 2;
		s->buf = xrealloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, text, len);
	s->len += len;
	s->buf[s->len] = '\0';
	s->calls++;
}

static uint32_t
rnd(uint32_t *state)
{
	*state = *state * 1103515245U + 12345U;
	return (*state >> 8);
}

/*
 * Render in with chunks of the given mode: 0 whole, 1 one byte, else a
 * seed for random chunk sizes (1..mode-dependent).
 */
static char *
render_mode(const char *in, size_t len, int cr_newline, size_t window,
    uint32_t mode, size_t *outlen)
{
	struct agentview_opts	 o = { cr_newline, window };
	struct agentview	*av;
	struct sink		 s = { NULL, 0, 0, 0 };
	size_t			 off = 0, k;
	uint32_t		 seed = mode;

	av = agentview_new(&o, sink_emit, &s);
	while (off < len) {
		if (mode == 0)
			k = len;
		else if (mode == 1)
			k = 1;
		else
			k = 1 + rnd(&seed) % (seed % 3 == 0 ? 3 : 40);
		if (k > len - off)
			k = len - off;
		agentview_feed(av, in + off, k);
		off += k;
	}
	agentview_finish(av);
	agentview_free(av);
	if (s.buf == NULL)
		s.buf = xstrdup("");
	*outlen = s.len;
	return (s.buf);
}

static void
check_clean(const char *out, size_t len)
{
	size_t	i;

	ck_assert(utf8_valid(out, len));
	for (i = 0; i < len; i++) {
		if (out[i] == '\x1b')
			ck_abort_msg("ESC in output at %zu", i);
		if ((uint8_t)out[i] == 0xc2 && i + 1 < len &&
		    (uint8_t)out[i + 1] >= 0x80 && (uint8_t)out[i + 1] < 0xa0)
			ck_abort_msg("C1 in output at %zu", i);
	}
}

/* Render whole, bytewise and in random chunks; all must agree. */
static char *
feed_opts(const char *in, size_t len, int cr_newline, size_t window,
    size_t *outlen)
{
	static const uint32_t	 modes[] = { 1, 2, 7, 1234, 99991 };
	char			*whole, *other;
	size_t			 wlen, olen, i;

	whole = render_mode(in, len, cr_newline, window, 0, &wlen);
	check_clean(whole, wlen);
	for (i = 0; i < nitems(modes); i++) {
		other = render_mode(in, len, cr_newline, window, modes[i],
		    &olen);
		if (olen != wlen || memcmp(whole, other, wlen) != 0)
			ck_abort_msg("chunking %u changes the output:\n"
			    "whole: \"%s\"\nchunked: \"%s\"", modes[i], whole,
			    other);
		free(other);
	}
	*outlen = wlen;
	return (whole);
}

static void
expect_opts(const char *in, size_t inlen, const char *want, size_t wantlen,
    int cr_newline, size_t window)
{
	char	*out;
	size_t	 len;

	out = feed_opts(in, inlen, cr_newline, window, &len);
	if (len != wantlen || memcmp(out, want, len) != 0)
		ck_abort_msg("input \"%s\"\nwant \"%s\"\ngot  \"%s\"", in, want,
		    out);
	free(out);
}

/* String literals, so that NUL bytes count. */
#define EXPECT(in, want)						\
	expect_opts(in, sizeof(in) - 1, want, sizeof(want) - 1, 0, 0)
#define EXPECT_W(in, want, w)						\
	expect_opts(in, sizeof(in) - 1, want, sizeof(want) - 1, 0, w)
#define EXPECT_NL(in, want)						\
	expect_opts(in, sizeof(in) - 1, want, sizeof(want) - 1, 1, 0)

/* A growing string for building long inputs. */
struct str {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static void
str_add(struct str *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

#define STR_ADD(b, lit)	str_add(b, lit, sizeof(lit) - 1)

static void
str_addf(struct str *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
str_addf(struct str *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	str_add(b, s, (size_t)n);
	free(s);
}

static void
expect_str(const struct str *in, const char *want, int cr_newline)
{
	expect_opts(in->s, in->len, want, strlen(want), cr_newline, 0);
}

/* --- Escape sequences go ------------------------------------------ */

START_TEST(test_csi_sgr)
{
	EXPECT("\x1b[1;31mred\x1b[0m plain \x1b[38;2;255;0;0mrgb\x1b[m "
	    "\x1b[38:5:196msub\x1b[0;4:3m", "red plain rgb sub");
}
END_TEST

START_TEST(test_csi_private_and_intermediates)
{
	EXPECT("\x1b[?25l\x1b[?1049hA\x1b[?2004h\x1b[>4;1mB\x1b[=5u"
	    "\x1b[2 qC\x1b[!pD\x1b[0\"qE\x1b[?1K\x1b[?2J", "ABCDE");
}
END_TEST

START_TEST(test_csi_split_across_chunks)
{
	struct agentview	*av;
	struct sink		 s = { NULL, 0, 0, 0 };
	static const char	*parts[] = { "a\x1b", "[", "3", "1", ";1",
	    "mb\xc3", "\xa9", "\x1b]0;ti", "tle\x1b", "\\c\xf0\x9f",
	    "\x98", "\x80", "\r", "\n" };
	size_t			 i;

	av = agentview_new(NULL, sink_emit, &s);
	for (i = 0; i < nitems(parts); i++)
		agentview_feed(av, parts[i], strlen(parts[i]));
	agentview_finish(av);
	agentview_free(av);
	ck_assert_str_eq(s.buf, "ab\xc3\xa9" "c\xf0\x9f\x98\x80\n");
	free(s.buf);
}
END_TEST

START_TEST(test_osc_titles)
{
	EXPECT("\x1b]0;user@host: ~/proj\x07$ ls\n\x1b]2;vim\x1b\\x\n"
	    "\x1b]1;icon\xc2\x9cy\n", "$ ls\nx\ny\n");
}
END_TEST

START_TEST(test_osc8_hyperlinks)
{
	EXPECT("\x1b]8;;file://host/home/u/a.txt\x1b\\a.txt\x1b]8;;\x1b\\  "
	    "\x1b]8;id=1;https://example.com/?q=a;b\x07link\x1b]8;;\x07\n",
	    "a.txt  link\n");
}
END_TEST

START_TEST(test_dcs_sos_pm_apc)
{
	EXPECT("\x1bPq#0;2;0;0;0#0~~@@vv\x1b\\A\x1bXsos text\x1b\\B"
	    "\x1b^pm\x07" "C\x1b_Gf=100;AAAA\x1b\\D\xc2\x90" "dcs\xc2\x9c" "E",
	    "ABCDE");
}
END_TEST

START_TEST(test_other_esc_sequences)
{
	EXPECT("\x1b(B\x1b)0A\x1b#8B\x1b F\x1b" "7C\x1b" "8\x1b=D\x1b>\x1b" "cE"
	    "\x1b%GF\x1b\\", "ABCDEF");
}
END_TEST

START_TEST(test_c1_controls)
{
	/* U+009B is CSI, U+009D OSC, U+009C ST, U+0090 DCS, U+0085 NEL. */
	EXPECT("\xc2\x9b" "31mA\xc2\x9d" "0;t\xc2\x9c" "B\xc2\x90x\xc2\x9c"
	    "C\xc2\x85" "D\xc2\x80\xc2\x81\xc2\x9f" "apc\x07" "E", "ABC\nDE");
	/* Raw 8-bit C1 bytes are invalid UTF-8, so U+FFFD. */
	EXPECT("a\x9b" "31mb", "a\xef\xbf\xbd" "31mb");
}
END_TEST

START_TEST(test_controls_inside_sequences)
{
	/* C0 inside CSI is executed; CAN and SUB cancel; ESC restarts. */
	EXPECT("\x1b[1\n2mA", "\nA");
	EXPECT("\x1b[12\x1b[31mA\x1b[1\x18" "B\x1b[3\x1a" "C", "ABC");
	EXPECT("\x1b]0;title\x1b[1mC\x1b]0;t\x18" "D", "CD");
	EXPECT("\x1b(\x1b" "cA", "A");
	/* A non-ASCII character cancels an ESC or CSI and is printed. */
	EXPECT("\x1b[1\xc3\xa9x\x1b\xc3\xa9y", "\xc3\xa9x\xc3\xa9y");
	/* DEL is ignored inside sequences. */
	EXPECT("\x1b[3\x7f" "1mA", "A");
}
END_TEST

START_TEST(test_unterminated_string_bound)
{
	struct str	 in = { NULL, 0, 0 }, want = { NULL, 0, 0 };
	size_t		 i, payload = 5000;

	/* The payload byte number MAX_STRING + 1 resumes the text. */
	STR_ADD(&in, "\x1b]0;");
	for (i = 2; i < payload; i++)
		STR_ADD(&in, "x");
	STR_ADD(&in, "\nend");
	for (i = AGENTVIEW_MAX_STRING + 1; i <= payload; i++)
		STR_ADD(&want, "x");
	STR_ADD(&want, "\nend");
	expect_str(&in, want.s, 0);
	free(in.s);
	free(want.s);

	/* A DCS that never ends does not eat the rest of a long output. */
	memset(&in, 0, sizeof(in));
	STR_ADD(&in, "\x1bP");
	for (i = 0; i < 1000; i++)
		STR_ADD(&in, "line of text\n");
	{
		char	*out;
		size_t	 len;

		out = feed_opts(in.s, in.len, 0, 0, &len);
		ck_assert_uint_gt(len, 13000 - AGENTVIEW_MAX_STRING - 13);
		ck_assert_uint_lt(len, 13000 - AGENTVIEW_MAX_STRING + 13);
		ck_assert(strstr(out, "line of text\nline of text\n") != NULL);
		free(out);
	}
	free(in.s);
}
END_TEST

START_TEST(test_unterminated_csi_bound)
{
	struct str	 in = { NULL, 0, 0 };
	int		 i;

	STR_ADD(&in, "\x1b[");
	for (i = 0; i < 600; i++)
		STR_ADD(&in, "1;");
	STR_ADD(&in, "A");
	/* Parameter byte number MAX_SEQ + 1 is text again. */
	expect_str(&in, in.s + 2 + AGENTVIEW_MAX_SEQ, 0);
	free(in.s);

	memset(&in, 0, sizeof(in));
	STR_ADD(&in, "\x1b");
	for (i = 0; i < 1100; i++)
		STR_ADD(&in, " ");
	STR_ADD(&in, "Fz");
	/* Intermediate number MAX_SEQ + 1 is text again. */
	expect_str(&in, in.s + 1 + AGENTVIEW_MAX_SEQ, 0);
	free(in.s);
}
END_TEST

START_TEST(test_many_params)
{
	EXPECT("abcdef\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;"
	    "20;21;22D|", "abcde|");
	EXPECT("abc\x1b[99999999999999999999D|", "|bc");
}
END_TEST

/* --- Rendering ----------------------------------------------------- */

START_TEST(test_cr_overwrites)
{
	EXPECT("hello world\rHELLO", "HELLO world");
	EXPECT("hello\r\n", "hello\n");
	EXPECT("abc\r", "abc");
	EXPECT("a\r\nb\r\n\r\nc", "a\nb\n\nc");
}
END_TEST

START_TEST(test_backspace)
{
	EXPECT("abc\b\bX", "aXc");
	EXPECT("\b\bab", "ab");
	EXPECT("ab\b\b\b\bc", "cb");
	EXPECT("ab\b \b", "a");
}
END_TEST

START_TEST(test_erase_in_line)
{
	EXPECT("abcdef\x1b[3D\x1b[K", "abc");
	EXPECT("abcdef\x1b[3D\x1b[0K", "abc");
	EXPECT("abcdef\x1b[3D\x1b[1K", "    ef");
	EXPECT("abcdef\x1b[2KX", "      X");
	EXPECT("abcdef\r\x1b[2K", "");
	EXPECT("abcdef\x1b[9KX", "abcdefX");
	EXPECT("abc\x1b[5C\x1b[1Kx", "        x");
}
END_TEST

START_TEST(test_cursor_horizontal)
{
	EXPECT("abc\x1b[10G|", "abc      |");
	EXPECT("abcdef\x1b[1G\x1b[2CX", "abXdef");
	EXPECT("ab\x1b[5C|", "ab     |");
	EXPECT("ab\x1b[C\x1b[0C|", "ab  |");
	EXPECT("abcdef\x1b[99DX", "Xbcdef");
	EXPECT("ab\x1b[Gx", "xb");
	EXPECT("ab\x1b[5`x\x1b[2ay", "ab  x  y");
	EXPECT("abc\x1b[1000000000C", "abc");
}
END_TEST

START_TEST(test_pad_past_end)
{
	EXPECT("a\x1b[5C", "a");
	EXPECT("a\x1b[5C\n", "a\n");
	EXPECT("a\x1b[5Cb", "a     b");
	EXPECT("\x1b[3Gx", "  x");
	EXPECT("ab\n\x1b[A\x1b[6C!", "ab    !\n");
}
END_TEST

START_TEST(test_cursor_vertical)
{
	EXPECT("one\ntwo\nthree\x1b[2A\rONE\x1b[2B\x1b[1GTHREE",
	    "ONE\ntwo\nTHREE");
	EXPECT("a\nb\nc\x1b[2FX\x1b[EY", "X\nY\nc");
	EXPECT("a\nb\nc\x1b[2A\x1b[1B\rZ", "a\nZ\nc");
	EXPECT("a\nbb\x1b[AX", "a X\nbb");
	/* LF on a line that is not the last one moves down, no new line. */
	EXPECT("1\n2\n3\n\x1b[3A\n\nx", "1\n2\nx\n");
	/* RI (ESC M) and IND (ESC D) keep the column. */
	EXPECT("a\nb\x1bMX\x1b" "Dc", "aX\nb c");
}
END_TEST

/* --- Line controls: NEL, IND, RI, VT, FF ---------------------------- */

START_TEST(test_nel)
{
	/* ESC E and U+0085: column 0 of the next line. */
	EXPECT("abc\x1b" "Ed", "abc\nd");
	EXPECT("abc\xc2\x85" "d", "abc\nd");
	/* At the last line a line is added (and so the text is ended). */
	EXPECT("abc\x1b" "E", "abc\n");
	EXPECT("abc\xc2\x85", "abc\n");
	/* Above the last line it moves down and adds none. */
	EXPECT("1\n2\n3\x1b[2A\x1b" "Ex", "1\nx\n3");
	EXPECT("1\n2\n3\x1b[2A\xc2\x85x", "1\nx\n3");
	EXPECT_W("1\n2\x1b" "E3", "1\n2\n3", 1);
}
END_TEST

START_TEST(test_ind)
{
	/* ESC D and U+0084 at column 5: text goes on at column 5. */
	EXPECT("abcde\x1b" "Dfg", "abcde\n     fg");
	EXPECT("abcde\xc2\x84" "fg", "abcde\n     fg");
	/* At the last line a line is added, empty until written. */
	EXPECT("abc\x1b" "D", "abc\n");
	EXPECT("abc\xc2\x84", "abc\n");
	EXPECT("abc\x1b" "D\x1b" "D\rx", "abc\n\nx");
	EXPECT_W("1\n2\x1b" "D3", "1\n2\n 3", 2);
	EXPECT_W("ab\xc2\x84" "cd", "ab\n  cd", 1);
	/* Above the last line it moves down, keeping the column. */
	EXPECT("12345\nab\x1b[A\x1b" "DX", "12345\nabX");
	EXPECT("12345\nabcdef\r\x1b[2C\x1b[A\xc2\x84X", "12345\nabXdef");
	EXPECT("x\n\nabcdef\x1b[2A\xc2\x84X", "x\n      X\nabcdef");
	/* The padding is spaces; trailing spaces still go. */
	EXPECT("abcde\x1b" "D \x1b" "Dx", "abcde\n\n      x");
	EXPECT("abcde\x1b" "D\x1b[K\n", "abcde\n\n");
	/* A CR or LF after it goes to column 0 as always. */
	EXPECT("abc\x1b" "D\rX", "abc\nX");
	EXPECT("abc\xc2\x84\nX", "abc\n\nX");
	/* Inside a CSI, U+0084 ends the sequence and still acts. */
	EXPECT("ab\x1b[3\xc2\x84" "c", "ab\n  c");
	/* cr = newline: IND is not a CR or LF, so it adds its own line. */
	EXPECT_NL("ab\x1b" "Dc\r\n", "ab\n  c\n");
	EXPECT_NL("a\r\x1b" "Db", "a\n\nb");
}
END_TEST

START_TEST(test_ri)
{
	/* ESC M and U+008D: up one line, same column, then overwrite. */
	EXPECT("abcdef\nxyz\x1bMQ", "abcQef\nxyz");
	EXPECT("abcdef\nxyz\xc2\x8dQ", "abcQef\nxyz");
	/* Past the end of the line above: padded. */
	EXPECT("a\nbcd\x1bMX", "a  X\nbcd");
	EXPECT("a\nbcd\xc2\x8dX", "a  X\nbcd");
	/* At the top of the window it stops, as CSI A does. */
	EXPECT("abc\x1bMX", "abcX");
	EXPECT("abc\xc2\x8dX", "abcX");
	EXPECT_W("1\n2\n3\x1bM\x1bM\x1bMX", "1\n2X\n3", 2);
	EXPECT_W("1\n2\n3\xc2\x8d\xc2\x8d\xc2\x8dX", "1\n2X\n3", 2);
	EXPECT_W("1\n2\x1bMX", "1\n2X", 1);
	/* RI then IND come back to where they were. */
	EXPECT("ab\ncd\x1bM\x1b" "D!", "ab\ncd!");
	EXPECT("ab\ncd\xc2\x8d\xc2\x84!", "ab\ncd!");
}
END_TEST

START_TEST(test_vt_ff)
{
	/* VT and FF are LF: column 0 of the next line. */
	EXPECT("abc\vd", "abc\nd");
	EXPECT("abc\fd", "abc\nd");
	EXPECT("abc\v", "abc\n");
	EXPECT("abc\f", "abc\n");
	EXPECT("a\r\vb\r\fc", "a\nb\nc");
	/* Above the last line they move down and add none. */
	EXPECT("1\n2\n3\n\x1b[3A\v\fx", "1\n2\nx\n");
	EXPECT_W("1\n2\v3\f4", "1\n2\n3\n4", 1);
	/* Inside a sequence they are executed. */
	EXPECT("\x1b[1\v2mA\x1b[3\f1mB", "\nA\nB");
	/* cr = newline: after a CR they add nothing, as LF. */
	EXPECT_NL("a\r\vb\r\fc\v", "a\nb\nc\n");
	EXPECT_NL("a\v\vb", "a\n\nb");
}
END_TEST

START_TEST(test_raw_c1_bytes)
{
	/* Raw 8-bit 0x84, 0x85, 0x8d are invalid UTF-8: U+FFFD, no move. */
	EXPECT("abcde\x84" "fg", "abcde\xef\xbf\xbd" "fg");
	EXPECT("a\x85" "b\x8d" "c", "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c");
	EXPECT("ab\n\x8dX", "ab\n\xef\xbf\xbdX");
}
END_TEST

START_TEST(test_vertical_column_bounded)
{
	struct str	 in = { NULL, 0, 0 }, want = { NULL, 0, 0 };
	size_t		 i, n = AGENTVIEW_MAX_PAD + 100;

	/*
	 * From a line longer than AGENTVIEW_MAX_PAD, IND, RI and CSI A keep
	 * the column only as far as that or the new line's text.
	 */
	STR_ADD(&in, "top\n");
	for (i = 0; i < n; i++)
		STR_ADD(&in, "a");
	STR_ADD(&in, "\x1b" "Dx\x1bM\x1bM\x1bMy");
	STR_ADD(&want, "top");
	for (i = 3; i < AGENTVIEW_MAX_PAD; i++)
		STR_ADD(&want, " ");
	STR_ADD(&want, "y\n");
	for (i = 0; i < n; i++)
		STR_ADD(&want, "a");
	STR_ADD(&want, "\n");
	for (i = 0; i < AGENTVIEW_MAX_PAD; i++)
		STR_ADD(&want, " ");
	STR_ADD(&want, "x");
	expect_str(&in, want.s, 0);
	free(in.s);
	free(want.s);

	/* Many INDs from a long line add short lines, not long ones. */
	memset(&in, 0, sizeof(in));
	for (i = 0; i < n; i++)
		STR_ADD(&in, "b");
	for (i = 0; i < 1000; i++)
		STR_ADD(&in, "\x1b" "Dz\b");
	{
		char	*out;
		size_t	 len;

		out = feed_opts(in.s, in.len, 0, 0, &len);
		ck_assert_uint_eq(len, n + 1000 * (AGENTVIEW_MAX_PAD + 2));
		free(out);
	}
	free(in.s);
}
END_TEST

START_TEST(test_moves_stop_at_window_edges)
{
	EXPECT_W("l1\nl2\nl3\nl4\x1b[10A\rX", "l1\nX2\nl3\nl4", 3);
	EXPECT_W("a\nb\nc\x1b[5A\rX", "a\nX\nc", 2);
	EXPECT_W("a\nb\nc\x1b[5A\rX", "a\nb\nX", 1);
	EXPECT("a\nb\x1b[A\x1b[5B\rZ", "a\nZ");
	EXPECT("a\x1b[3A\x1b[5F\x1b[9EX", "X");
}
END_TEST

START_TEST(test_window_default_200)
{
	struct str	 in = { NULL, 0, 0 }, want = { NULL, 0, 0 };
	int		 i;

	for (i = 0; i < 300; i++)
		str_addf(&in, "line %d\n", i);
	/*
	 * The cursor is on line 300 (empty); the window is lines 101..300,
	 * so up 250 stops at line 101.
	 */
	STR_ADD(&in, "\x1b[250AX");
	for (i = 0; i < 300; i++)
		str_addf(&want, i == 101 ? "Xine %d\n" : "line %d\n", i);
	expect_str(&in, want.s, 0);
	free(in.s);
	free(want.s);
}
END_TEST

START_TEST(test_lines_become_final_in_order)
{
	struct agentview_opts	 o = { 0, 3 };
	struct agentview	*av;
	struct sink		 s = { NULL, 0, 0, 0 };

	av = agentview_new(&o, sink_emit, &s);
	agentview_feed(av, "1\n2\n3\n", 6);
	ck_assert_uint_eq(s.len, 2);
	ck_assert_str_eq(s.buf, "1\n");
	agentview_feed(av, "4\n5", 3);
	ck_assert_str_eq(s.buf, "1\n2\n");
	agentview_finish(av);
	ck_assert_str_eq(s.buf, "1\n2\n3\n4\n5");
	agentview_feed(av, "more", 4);
	agentview_finish(av);
	ck_assert_str_eq(s.buf, "1\n2\n3\n4\n5");
	agentview_free(av);
	free(s.buf);
}
END_TEST

START_TEST(test_clear_screen_keeps_history)
{
	EXPECT("line1\nline2\n\x1b[2J\x1b[Hline3\n\x1b[3J\x1b[J\x1b[1J",
	    "line1\nline2\nline3\n");
	EXPECT("a\n\x1b[H\x1b[2J\x1b[?1049hb\x1b[?1049l\n", "a\nb\n");
}
END_TEST

START_TEST(test_trailing_spaces_go)
{
	EXPECT("a   \nb \t \n   \nc", "a\nb \t\n\nc");
	EXPECT("   x", "   x");
}
END_TEST

START_TEST(test_empty_lines_stay)
{
	EXPECT("a\n\n\nb\n", "a\n\n\nb\n");
	EXPECT("\n\n", "\n\n");
}
END_TEST

START_TEST(test_final_newline_only_if_ended)
{
	EXPECT("a\nb", "a\nb");
	EXPECT("a\nb\n", "a\nb\n");
	EXPECT("", "");
	EXPECT("\n", "\n");
	EXPECT("\x1b[31m", "");
}
END_TEST

START_TEST(test_tab_literal)
{
	EXPECT("a\tb\r\x1b[2C|", "a\t|");
	EXPECT("col1\tcol2\tcol3\n", "col1\tcol2\tcol3\n");
}
END_TEST

START_TEST(test_c0_and_del_dropped)
{
	EXPECT("a\x01" "b\x07" "c\x7f" "d\x0e\x0f" "e\x1c\x1f", "abcde");
	EXPECT("a\vb\fc", "a\nb\nc");
}
END_TEST

START_TEST(test_nul_bytes)
{
	EXPECT("ab\0\0cd\0\n\0", "abcd\n");
}
END_TEST

START_TEST(test_invalid_utf8)
{
	/* Unicode 15 table 3-8 and its neighbours. */
	EXPECT("\x61\xf1\x80\x80\xe1\x80\xc2\x62\x80\x63\x80\xbf\x64",
	    "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "b\xef\xbf\xbd"
	    "c\xef\xbf\xbd\xef\xbf\xbd" "d");
	EXPECT("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	EXPECT("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
	EXPECT("\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	EXPECT("\xf4\x90\x80\x80",
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	EXPECT("\xf5\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	EXPECT("a\xe2\x82", "a\xef\xbf\xbd");
	EXPECT("a\xe2\x82\n", "a\xef\xbf\xbd\n");
	EXPECT("\xe2\x82\x1b[31mx", "\xef\xbf\xbdx");
	EXPECT("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbd",
	    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbd");
}
END_TEST

START_TEST(test_wide_characters)
{
	/* 日 and 本 take two columns each. */
	EXPECT("\xe6\x97\xa5\xe6\x9c\xac\r|", "| \xe6\x9c\xac");
	EXPECT("\xe6\x97\xa5\xe6\x9c\xac\r\x1b[1C|", " |\xe6\x9c\xac");
	EXPECT("ab\r\xe6\x97\xa5", "\xe6\x97\xa5");
	EXPECT("abc\r\xe6\x97\xa5", "\xe6\x97\xa5" "c");
	EXPECT("\xe6\x97\xa5\xe6\x9c\xac\r\x1b[1C\xe4\xb8\xad",
	    " \xe4\xb8\xad");
	EXPECT("\xe6\x97\xa5\xe6\x9c\xac\x1b[2D|", "\xe6\x97\xa5|");
	EXPECT("\xe6\x97\xa5x\x1b[2G\x1b[1Ky", " yx");
	/* Erase from the right half of a wide character removes it. */
	EXPECT("x\xe6\x97\xa5\xe6\x9c\xac\x1b[3D\x1b[K", "x");
	EXPECT("a\xe6\x97\xa5\r\x1b[1C\x1b[K", "a");
	/* Emoji are wide; a progress of wide characters redraws cleanly. */
	EXPECT("\xf0\x9f\x98\x80\xf0\x9f\x98\x80\rab", "ab\xf0\x9f\x98\x80");
}
END_TEST

START_TEST(test_wide_delete_insert_erase)
{
	EXPECT("\xe6\x97\xa5" "ab\r\x1b[1C\x1b[P", " ab");
	EXPECT("a\xe6\x97\xa5" "b\r\x1b[1C\x1b[P", "a b");
	EXPECT("a\xe6\x97\xa5" "b\r\x1b[2C\x1b[@", "a   b");
	EXPECT("a\xe6\x97\xa5" "b\r\x1b[2C\x1b[X", "a  b");
}
END_TEST

START_TEST(test_zero_width_characters)
{
	/* e + COMBINING ACUTE stays one column. */
	EXPECT("e\xcc\x81tude\r\x1b[1CX", "e\xcc\x81Xude");
	EXPECT("e\xcc\x81\rX", "X");
	EXPECT("a\xcc\x81\xcc\x82" "b", "a\xcc\x81\xcc\x82" "b");
	/* At column 0 a mark takes a column of its own. */
	EXPECT("\xcc\x81" "a", "\xcc\x81" "a");
	/* Man ZWJ woman ZWJ girl survives byte for byte. */
	EXPECT("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d"
	    "\xf0\x9f\x91\xa7!", "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91"
	    "\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7!");
	/* A mark after a wide character joins it. */
	EXPECT("\xe6\x97\xa5\xef\xb8\x8f|", "\xe6\x97\xa5\xef\xb8\x8f|");
	/* Past the end of the line, a mark joins a padding space. */
	EXPECT("a\x1b[2C\xcc\x81", "a  \xcc\x81");
	/* Hindi: the vowel signs stay attached. */
	EXPECT("\xe0\xa4\xa8\xe0\xa4\xae\xe0\xa4\xb8\xe0\xa5\x8d\xe0\xa4\xa4"
	    "\xe0\xa5\x87\n", "\xe0\xa4\xa8\xe0\xa4\xae\xe0\xa4\xb8\xe0\xa5"
	    "\x8d\xe0\xa4\xa4\xe0\xa5\x87\n");
}
END_TEST

START_TEST(test_too_many_marks)
{
	struct str	 in = { NULL, 0, 0 }, want = { NULL, 0, 0 };
	int		 i;

	/* A cell keeps at most AGENTVIEW_CLUSTER_BYTES of UTF-8. */
	STR_ADD(&in, "a");
	STR_ADD(&want, "a");
	for (i = 0; i < 100; i++) {
		STR_ADD(&in, "\xcc\x81");
		if (1 + 2 * (i + 1) <= AGENTVIEW_CLUSTER_BYTES)
			STR_ADD(&want, "\xcc\x81");
	}
	STR_ADD(&in, "b");
	STR_ADD(&want, "b");
	expect_str(&in, want.s, 0);
	free(in.s);
	free(want.s);
}
END_TEST

START_TEST(test_erase_delete_insert_chars)
{
	EXPECT("abcdef\r\x1b[2X", "  cdef");
	EXPECT("abcdef\r\x1b[2P", "cdef");
	EXPECT("abcdef\r\x1b[P", "bcdef");
	EXPECT("abcdef\r\x1b[2@", "  abcdef");
	EXPECT("abcdef\r\x1b[2C\x1b[99P", "ab");
	EXPECT("abc\x1b[5@x", "abcx");
}
END_TEST

/* --- Realistic streams -------------------------------------------- */

START_TEST(test_tqdm_bar)
{
	struct str	 in = { NULL, 0, 0 };
	int		 i;

	for (i = 0; i <= 100; i += 5)
		str_addf(&in, "\r%3d%%|%-20.*s| %d/100 [00:%02d<00:00, 49.50it/s]",
		    i, i / 5, "####################", i, i / 10);
	STR_ADD(&in, "\n");
	expect_str(&in, "100%|####################| 100/100 "
	    "[00:10<00:00, 49.50it/s]\n", 0);
	free(in.s);
}
END_TEST

START_TEST(test_pip_bar)
{
	struct str	 in = { NULL, 0, 0 };
	int		 i;

	STR_ADD(&in, "Collecting requests\n  Downloading requests-2.31.0-py3"
	    "-none-any.whl (62 kB)\n");
	for (i = 0; i <= 62; i += 2)
		str_addf(&in, "\r\x1b[2K     \x1b[38;5;197m%.*s\x1b[0m\x1b[38;5;"
		    "237m%.*s\x1b[0m \x1b[32m%d.0/62.0 kB\x1b[0m \x1b[31m1.2 MB/s"
		    "\x1b[0m eta \x1b[36m0:00:00\x1b[0m", i / 2,
		    "################################", 31 - i / 2,
		    "--------------------------------", i);
	STR_ADD(&in, "\n\x1b[?25hInstalling collected packages: requests\n");
	expect_str(&in, "Collecting requests\n  Downloading requests-2.31.0-"
	    "py3-none-any.whl (62 kB)\n     ############################### "
	    "62.0/62.0 kB 1.2 MB/s eta 0:00:00\nInstalling collected packages"
	    ": requests\n", 0);
	free(in.s);
}
END_TEST

START_TEST(test_npm_spinner)
{
	/* npm's spinner: frames separated by BS, then erased. */
	EXPECT("\x1b[?25l\xe2\xa0\x8b\b\xe2\xa0\x99\b\xe2\xa0\xb9\b\xe2\xa0"
	    "\xb8\b \b\x1b[?25h\nadded 5 packages in 2s\n",
	    "\nadded 5 packages in 2s\n");
	EXPECT("|\b/\b-\b\\\b\x1b[1G\x1b[0Kdone\n", "done\n");
	EXPECT("[..................] / idealTree: sill\x1b[0K\r"
	    "[#########.........] - reify: timing\x1b[0K\r\x1b[K"
	    "up to date, audited 1 package in 300ms\n",
	    "up to date, audited 1 package in 300ms\n");
}
END_TEST

START_TEST(test_git_receiving_objects)
{
	EXPECT("Cloning into 'repo'...\nremote: Enumerating objects: 100, done."
	    "\nReceiving objects:  45% (45/100)\rReceiving objects:  90% "
	    "(90/100)\rReceiving objects: 100% (100/100), 1.20 MiB | 2.00 MiB/s"
	    ", done.\nResolving deltas:   0% (0/3)\rResolving deltas: 100% "
	    "(3/3), done.\n",
	    "Cloning into 'repo'...\nremote: Enumerating objects: 100, done.\n"
	    "Receiving objects: 100% (100/100), 1.20 MiB | 2.00 MiB/s, done.\n"
	    "Resolving deltas: 100% (3/3), done.\n");
	/* Over the PTY with ONLCR the newline comes as CR LF. */
	EXPECT("Receiving objects:  45% (45/100)\rReceiving objects: 100% "
	    "(100/100), done.\r\n", "Receiving objects: 100% (100/100), "
	    "done.\n");
}
END_TEST

START_TEST(test_docker_pull)
{
	struct str	 in = { NULL, 0, 0 };
	static const char *layers[] = { "a1b2", "c3d4", "e5f6" };
	int		 step, i;

	STR_ADD(&in, "latest: Pulling from library/alpine\n");
	for (i = 0; i < 3; i++)
		str_addf(&in, "%s: Pulling fs layer \n", layers[i]);
	/* Each update: up to the layer, erase, rewrite, back down. */
	for (step = 0; step <= 10; step++)
		for (i = 0; i < 3; i++) {
			str_addf(&in, "\x1b[%dA\r\x1b[2K%s: Downloading [%.*s>%*s]"
			    "  %d.%dMB/3.4MB\r\x1b[%dB", 3 - i, layers[i], step * 4,
			    "========================================",
			    40 - step * 4, "", step * 3 / 10, step * 3 % 10,
			    3 - i);
		}
	for (i = 0; i < 3; i++)
		str_addf(&in, "\x1b[%dA\r\x1b[2K%s: Pull complete\r\x1b[%dB",
		    3 - i, layers[i], 3 - i);
	STR_ADD(&in, "Digest: sha256:abc\nStatus: Downloaded newer image\n");
	expect_str(&in, "latest: Pulling from library/alpine\na1b2: Pull "
	    "complete\nc3d4: Pull complete\ne5f6: Pull complete\nDigest: sha256:"
	    "abc\nStatus: Downloaded newer image\n", 0);
	free(in.s);
}
END_TEST

START_TEST(test_multiline_redraw_erase_up)
{
	/* rich/pip live display: erase lines upward, redraw. */
	EXPECT("task 1 [  0%]\ntask 2 [  0%]\n"
	    "\x1b[2K\x1b[1A\x1b[2K\x1b[1A\x1b[2Ktask 1 [ 50%]\ntask 2 [ 10%]\n"
	    "\x1b[2K\x1b[1A\x1b[2K\x1b[1A\x1b[2Ktask 1 [100%]\ntask 2 [100%]\n",
	    "task 1 [100%]\ntask 2 [100%]\n");
}
END_TEST

START_TEST(test_cargo_bar)
{
	EXPECT("   Compiling foo v0.1.0\n    Building [=====>     ] 5/10: foo"
	    "\r\x1b[K   Compiling bar v0.1.0\n    Building [==========] 10/10: "
	    "bar\r\x1b[K    Finished dev [unoptimized] target(s) in 1.2s\n",
	    "   Compiling foo v0.1.0\n   Compiling bar v0.1.0\n    Finished dev"
	    " [unoptimized] target(s) in 1.2s\n");
}
END_TEST

START_TEST(test_pytest_colours)
{
	EXPECT("\x1b[1m============================= test session starts ======="
	    "=======================\x1b[0m\r\nplatform linux -- Python 3.11.2"
	    "\r\ncollected 3 items\r\n\r\ntests/test_a.py \x1b[32m.\x1b[0m"
	    "\x1b[31mF\x1b[0m\x1b[32m.\x1b[0m\x1b[31m                        "
	    "[100%]\x1b[0m\r\n\r\n\x1b[31m\x1b[1m_____ test_b _____\x1b[0m\r\n"
	    "\x1b[1m\x1b[31mE       assert 1 == 2\x1b[0m\r\n\x1b[31m========= "
	    "\x1b[31m\x1b[1m1 failed\x1b[0m, \x1b[32m2 passed\x1b[0m\x1b[31m in"
	    " 0.03s\x1b[0m\x1b[31m =========\x1b[0m\r\n",
	    "============================= test session starts ================="
	    "=============\nplatform linux -- Python 3.11.2\ncollected 3 items\n"
	    "\ntests/test_a.py .F.                        [100%]\n\n_____ test_b "
	    "_____\nE       assert 1 == 2\n========= 1 failed, 2 passed in 0.03s"
	    " =========\n");
}
END_TEST

START_TEST(test_huge_single_line)
{
	struct str	 in = { NULL, 0, 0 };
	char		*out, *block;
	size_t		 len, n = 3 * AGENTVIEW_MAX_LINE + 12345, i;

	/* One line far past the limit comes out whole. */
	block = xmalloc(n);
	for (i = 0; i < n; i++)
		block[i] = 'a' + i % 26;
	str_add(&in, block, n);
	STR_ADD(&in, "\nnext\n");
	out = feed_opts(in.s, in.len, 0, 0, &len);
	ck_assert_uint_eq(len, in.len);
	ck_assert(memcmp(out, in.s, len) == 0);
	free(out);
	free(in.s);
	free(block);
}
END_TEST

START_TEST(test_huge_line_streams)
{
	struct agentview	*av;
	struct sink		 s = { NULL, 0, 0, 0 };
	char			 buf[4096], *end;
	size_t			 i;

	/* 16 MiB with no newline: most of it is out before the end. */
	memset(buf, 'x', sizeof(buf));
	av = agentview_new(NULL, sink_emit, &s);
	for (i = 0; i < 4096; i++)
		agentview_feed(av, buf, sizeof(buf));
	ck_assert_uint_ge(s.len, 16 * 1024 * 1024 - AGENTVIEW_MAX_LINE);
	agentview_feed(av, "\rEND", 4);
	agentview_finish(av);
	/* CR went back to the start of the held rest of the line. */
	ck_assert_uint_eq(s.len, 16 * 1024 * 1024);
	end = strstr(s.buf, "END");
	ck_assert_ptr_nonnull(end);
	ck_assert_uint_ge(end - s.buf, s.len - AGENTVIEW_MAX_LINE);
	ck_assert_ptr_null(strstr(end + 1, "END"));
	ck_assert_uint_eq(strspn(s.buf, "x"), (size_t)(end - s.buf));
	agentview_free(av);
	free(s.buf);
}
END_TEST

START_TEST(test_huge_line_then_cr)
{
	struct str	 in = { NULL, 0, 0 };
	char		*out, *end;
	size_t		 len, i;

	/*
	 * Past AGENTVIEW_MAX_LINE the line is cut where it would be cut one
	 * character at a time, so a CR lands in the same column however
	 * the input is chunked (feed_opts checks that).
	 */
	for (i = 0; i < AGENTVIEW_MAX_LINE + AGENTVIEW_MAX_LINE / 3; i++)
		STR_ADD(&in, "y");
	STR_ADD(&in, "\rEND\x1b[K\n\xe6\x97\xa5");
	for (i = 0; i < AGENTVIEW_MAX_LINE; i++)
		STR_ADD(&in, "\xe6\x97\xa5");
	STR_ADD(&in, "\r|\x1b[1C\x1b[K");
	out = feed_opts(in.s, in.len, 0, 0, &len);
	end = strstr(out, "END\n");
	ck_assert_ptr_nonnull(end);
	ck_assert_uint_eq(strspn(out, "y"), (size_t)(end - out));
	ck_assert_uint_eq(end - out, AGENTVIEW_MAX_LINE / 2);
	ck_assert(utf8_valid(out, len));
	ck_assert_int_eq(out[len - 1], '|');
	free(out);
	free(in.s);
}
END_TEST

START_TEST(test_many_lines)
{
	struct str	 in = { NULL, 0, 0 };
	int		 i;

	for (i = 0; i < 20000; i++)
		str_addf(&in, "%d: some output line\n", i);
	expect_str(&in, in.s, 0);
	free(in.s);
}
END_TEST

START_TEST(test_wide_long_line)
{
	struct str	 in = { NULL, 0, 0 };
	char		*out;
	size_t		 len, i;

	/* Wide characters across the split point stay whole. */
	for (i = 0; i < AGENTVIEW_MAX_LINE; i++)
		STR_ADD(&in, "\xe6\x97\xa5");
	out = feed_opts(in.s, in.len, 0, 0, &len);
	ck_assert_uint_eq(len, in.len);
	ck_assert(memcmp(out, in.s, len) == 0);
	free(out);
	free(in.s);
}
END_TEST

START_TEST(test_far_cursor_moves_bounded)
{
	struct str	 in = { NULL, 0, 0 };
	char		*out;
	size_t		 len;
	int		 i;

	for (i = 0; i < 200; i++)
		STR_ADD(&in, "\x1b[999999999C\x1b[999999999Gx");
	out = feed_opts(in.s, in.len, 0, 0, &len);
	ck_assert_uint_le(len, 200 * (AGENTVIEW_MAX_PAD + 1));
	ck_assert_uint_ge(len, AGENTVIEW_MAX_PAD + 1);
	free(out);
	free(in.s);
}
END_TEST

/* --- cr = newline --------------------------------------------------- */

START_TEST(test_cr_newline_mode)
{
	EXPECT_NL("a\rb\r\nc\n", "a\nb\nc\n");
	EXPECT_NL("progress 1\rprogress 2\r\n", "progress 1\nprogress 2\n");
	EXPECT_NL("x\r\r\ny\r\n\r\nz", "x\ny\n\nz");
	EXPECT_NL("a\n\nb", "a\n\nb");
	EXPECT_NL("\x1b[31mred\x1b[0m\r\n", "red\n");
	/* The other rules still hold. */
	EXPECT_NL("ab\bc\x1b[K\n", "ac\n");
}
END_TEST

/* --- API edges ------------------------------------------------------ */

START_TEST(test_null_and_defaults)
{
	struct agentview	*av;
	struct agentview_opts	 o = { 0, 0 };

	agentview_free(NULL);
	av = agentview_new(&o, NULL, NULL);
	agentview_feed(av, "abc\n", 4);
	agentview_feed(av, NULL, 0);
	agentview_finish(av);
	agentview_free(av);
	EXPECT_W("a\nb", "a\nb", AGENTVIEW_MAX_WINDOW * 4);
}
END_TEST

/* --- The tail: what can still change -------------------------------- */

static int
mem_eq(const char *a, const char *b, size_t n)
{
	return (n == 0 || memcmp(a, b, n) == 0);
}

/* No line of the tail ends with a space; nothing unclean gets through. */
static void
check_tail_lines(const char *tail, size_t len)
{
	size_t	i;

	if (!utf8_valid(tail, len) || strlen(tail) != len)
		ck_abort_msg("tail \"%s\" is not clean", tail);
	for (i = 0; i < len; i++) {
		if (tail[i] == '\x1b' || ((uint8_t)tail[i] == 0xc2 &&
		    i + 1 < len && (uint8_t)tail[i + 1] >= 0x80 &&
		    (uint8_t)tail[i + 1] < 0xa0))
			ck_abort_msg("ESC or C1 in tail at %zu", i);
	}
	for (i = 0; i < len; i++)
		if (tail[i] == ' ' && (i + 1 == len || tail[i + 1] == '\n'))
			ck_abort_msg("trailing space in tail \"%s\"", tail);
}

/*
 * At a chunk boundary k: the text emitted so far followed by the tail must
 * be the text of a fresh view fed in[0:k] and finished, and what was
 * emitted a prefix of the final text of all of in.
 */
static void
tail_at(struct agentview *av, const struct sink *s, const char *in, size_t k,
    int cr_newline, size_t window, const char *final, size_t finallen)
{
	char	*tail, *want;
	size_t	 tlen, wlen;

	tlen = agentview_tail(av, &tail);
	check_tail_lines(tail, tlen);
	want = render_mode(in, k, cr_newline, window, 0, &wlen);
	if (s->len + tlen != wlen || !mem_eq(s->buf, want, s->len) ||
	    !mem_eq(tail, want + s->len, tlen))
		ck_abort_msg("at %zu of \"%s\": emitted \"%s\" + tail \"%s\", "
		    "want \"%s\"", k, in, s->buf != NULL ? s->buf : "", tail,
		    want);
	if (s->len > finallen || !mem_eq(s->buf, final, s->len))
		ck_abort_msg("at %zu: emitted text is not final", k);
	free(want);
	free(tail);
}

/*
 * Feed in chunks of 1..maxchunk bytes (seeded), checking the tail at every
 * boundary; the tails taken must not change the final text.
 */
static void
tail_chunks(const char *in, size_t len, int cr_newline, size_t window,
    uint32_t seed, size_t maxchunk)
{
	struct agentview_opts	 o = { cr_newline, window };
	struct agentview	*av;
	struct sink		 s = { NULL, 0, 0, 0 };
	char			*final, *tail;
	size_t			 finallen, off = 0, k;

	final = render_mode(in, len, cr_newline, window, 0, &finallen);
	av = agentview_new(&o, sink_emit, &s);
	tail_at(av, &s, in, 0, cr_newline, window, final, finallen);
	while (off < len) {
		k = maxchunk <= 1 ? 1 : 1 + rnd(&seed) % maxchunk;
		if (k > len - off)
			k = len - off;
		agentview_feed(av, in + off, k);
		off += k;
		tail_at(av, &s, in, off, cr_newline, window, final, finallen);
	}
	agentview_finish(av);
	ck_assert_uint_eq(agentview_tail(av, &tail), 0);
	ck_assert_str_eq(tail, "");
	free(tail);
	ck_assert_uint_eq(s.len, finallen);
	ck_assert(mem_eq(s.buf, final, finallen));
	agentview_free(av);
	free(s.buf);
	free(final);
}

/* Every byte boundary, and two random chunkings. */
static void
tail_check(const char *in, size_t len, int cr_newline, size_t window)
{
	tail_chunks(in, len, cr_newline, window, 0, 1);
	tail_chunks(in, len, cr_newline, window, 7, 7);
	tail_chunks(in, len, cr_newline, window, 99991, 40);
}

#define TAIL(in)	tail_check(in, sizeof(in) - 1, 0, 0)
#define TAIL_W(in, w)	tail_check(in, sizeof(in) - 1, 0, w)
#define TAIL_NL(in, w)	tail_check(in, sizeof(in) - 1, 1, w)

START_TEST(test_tail_basics)
{
	struct agentview	*av;
	struct agentview_opts	 o = { 0, 2 };
	struct sink		 s = { NULL, 0, 0, 0 };
	char			*tail;

	av = agentview_new(&o, sink_emit, &s);
	ck_assert_uint_eq(agentview_tail(av, &tail), 0);
	ck_assert_str_eq(tail, "");
	free(tail);
	agentview_feed(av, "one  \ntwo\nthree   ", 18);
	/* "one" left the window of 2: final, emitted. */
	ck_assert_str_eq(s.buf, "one\n");
	ck_assert_uint_eq(agentview_tail(av, &tail), 9);
	ck_assert_str_eq(tail, "two\nthree");
	free(tail);
	agentview_feed(av, "\n", 1);
	ck_assert_str_eq(s.buf, "one\ntwo\n");
	ck_assert_uint_eq(agentview_tail(av, &tail), 6);
	ck_assert_str_eq(tail, "three\n");
	free(tail);
	agentview_finish(av);
	ck_assert_str_eq(s.buf, "one\ntwo\nthree\n");
	agentview_free(av);
	free(s.buf);
}
END_TEST

START_TEST(test_tail_progress_bar)
{
	struct agentview	*av;
	struct sink		 s = { NULL, 0, 0, 0 };
	struct str		 in = { NULL, 0, 0 };
	char			*tail, frame[16];
	int			 i, n;

	/* A bar redrawn 500 times: the tail is its current frame only. */
	av = agentview_new(NULL, sink_emit, &s);
	agentview_feed(av, "Downloading\n", 12);
	for (i = 1; i <= 500; i++) {
		n = snprintf(frame, sizeof(frame), "\r%3d%%", i / 5);
		agentview_feed(av, frame, n);
		str_add(&in, frame, n);
		ck_assert_uint_eq(agentview_tail(av, &tail), 12 + 4);
		ck_assert_str_eq(tail + 12, frame + 1);
		ck_assert(strncmp(tail, "Downloading\n", 12) == 0);
		free(tail);
	}
	ck_assert_uint_eq(s.len, 0);
	agentview_finish(av);
	ck_assert_str_eq(s.buf, "Downloading\n100%");
	agentview_free(av);
	free(s.buf);

	/* The same at every boundary, with windows of 1 and 2. */
	tail_check(in.s, in.len, 0, 1);
	tail_check(in.s, in.len, 0, 2);
	free(in.s);
}
END_TEST

START_TEST(test_tail_window_bounds_cost)
{
	struct agentview_opts	 o = { 0, 3 };
	struct agentview	*av;
	char			*tail, line[32];
	int			 i, n;

	/* 100000 lines later the tail is still the last 3 lines. */
	av = agentview_new(&o, NULL, NULL);
	for (i = 0; i < 100000; i++) {
		n = snprintf(line, sizeof(line), "line %d\n", i);
		agentview_feed(av, line, n);
	}
	agentview_feed(av, "last", 4);
	agentview_tail(av, &tail);
	ck_assert_str_eq(tail, "line 99998\nline 99999\nlast");
	free(tail);
	agentview_free(av);
}
END_TEST

START_TEST(test_tail_cursor_moves)
{
	TAIL("a\nb\nc\x1b[2AX\x1b[2Bd\n");
	TAIL("l1\nl2\nl3\n\x1b[3A\x1b[Kn1\n\x1b[Kn2\n\x1b[K\x1b[1Bend");
	TAIL("row\x1b[5C|\x1b[1A\x1b[1A^\x1b[9Bv\x1b[E*\x1b[F+\x1b[3G#");
	TAIL("abc\x1b[2D\x1b[K\x1b[1@x\x1b[1P\x1b[2X\x1b[1K\x1b[2Ky");
	TAIL("a\x1b" "Db\x1bMc\x1b" "Ed\x0b" "e\x0c" "f\x08\x08g\tt ");
	TAIL_W("top\nmid\nbot\x1b[2A\x1b[2Cx\x1b[1By", 2);
	TAIL_W("top\nmid\nbot\x1b[2A\x1b[2Cx\x1b[1By", 1);
}
END_TEST

START_TEST(test_tail_wide_and_marks)
{
	TAIL("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\rX\x1b[3CY");
	TAIL("a\xe6\x97\xa5" "b\x1b[2D\x1b[1PZ\x1b[1@\xe6\x97\xa5");
	TAIL("e\xcc\x81\xcc\x88 \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd\r\xcc\x81x");
	TAIL("\xe6\x97\xa5\x1b[1D\xef\xbf\xbd\x1b[2D\xe2\x82");
	TAIL("ab\xcc\x81" "c\x1b[2D\xe2\x82");
	/* A cut-short character on either half of a wide character. */
	TAIL("\xe6\x97\xa5\xe6\x97\xa5\x1b[3D\xf0\x9f");
	TAIL("\xe6\x97\xa5\xe6\x97\xa5Z\x1b[3D\xf0\x9f");
}
END_TEST

START_TEST(test_tail_invalid_utf8)
{
	TAIL("a\xff\xc3(b\xe2\x82\n\xed\xa0\x80\xf4\x90\x80\x80\xc0\xaf");
	TAIL("ends mid-character \xf0\x9f\x98");
	TAIL("\xe2\x82\r\xe2");
	TAIL("padded\x1b[9C\xe2\x82");
	TAIL("  \x1b[20C\xc3");
}
END_TEST

START_TEST(test_tail_split_sequences)
{
	/* In an OSC a cut-short character is swallowed; elsewhere printed. */
	TAIL("x\x1b]0;title\xe2\x82");
	TAIL("x\x1b[\xe2\x82");
	TAIL("x\x1b(\xe2");
	TAIL("x\x1b]0;t\x1b\xe2");
	TAIL("a\x1b[1;31mred\x1b[0m\x1b]8;;u\x07link\x1b]8;;\x1b\\\r\n\xc2\x9b" "2Kb");
}
END_TEST

START_TEST(test_tail_string_limit)
{
	struct str	in = { NULL, 0, 0 };
	size_t		n, i;

	/*
	 * A cut-short character after a string near its limit: swallowed
	 * while the string may still grow, printed once it is too long.
	 */
	for (n = AGENTVIEW_MAX_STRING - 3; n <= AGENTVIEW_MAX_STRING; n++) {
		in.len = 0;
		STR_ADD(&in, "a\x1b]");
		for (i = 0; i < n; i++)
			STR_ADD(&in, "x");
		STR_ADD(&in, "\xe2\x82");
		tail_chunks(in.s, in.len, 0, 0, 0, 1);
		tail_chunks(in.s, in.len, 0, 0, 5, 300);
	}
	free(in.s);
}
END_TEST

START_TEST(test_tail_cr_newline)
{
	TAIL_NL("a\rb\r\r\nc\r\n\r\nd\r", 0);
	TAIL_NL("a\rb\r\r\nc\r\n\r\nd\r", 1);
	TAIL_NL("x\x1b[1Ay\r\xe2\x82", 2);
}
END_TEST

START_TEST(test_tail_long_lines)
{
	struct str	 in = { NULL, 0, 0 };
	size_t		 i;

	/*
	 * Lines past AGENTVIEW_MAX_LINE give their first half to the output
	 * early; emitted + tail still adds up.  Boundaries are sparse here:
	 * each check renders the whole prefix afresh.
	 */
	STR_ADD(&in, "before\n");
	for (i = 0; i < AGENTVIEW_MAX_LINE + 1000; i++) {
		if (i % 7 == 0)
			STR_ADD(&in, "\xe6\x97\xa5");
		else
			STR_ADD(&in, "y");
	}
	STR_ADD(&in, "   \rEND\x1b[K\n");
	for (i = 0; i < AGENTVIEW_MAX_LINE / 2 + 10; i++)
		STR_ADD(&in, "z ");
	STR_ADD(&in, "\x1b[1A\r^\xe2\x82");
	tail_chunks(in.s, in.len, 0, 0, 42, 60000);
	tail_chunks(in.s, in.len, 0, 2, 43, 90000);
	free(in.s);
}
END_TEST

static Suite *
agentview_suite(void)
{
	Suite	*s = suite_create("agentview");
	TCase	*tc;

	tc = tcase_create("escapes");
	tcase_add_test(tc, test_csi_sgr);
	tcase_add_test(tc, test_csi_private_and_intermediates);
	tcase_add_test(tc, test_csi_split_across_chunks);
	tcase_add_test(tc, test_osc_titles);
	tcase_add_test(tc, test_osc8_hyperlinks);
	tcase_add_test(tc, test_dcs_sos_pm_apc);
	tcase_add_test(tc, test_other_esc_sequences);
	tcase_add_test(tc, test_c1_controls);
	tcase_add_test(tc, test_controls_inside_sequences);
	tcase_add_test(tc, test_unterminated_string_bound);
	tcase_add_test(tc, test_unterminated_csi_bound);
	tcase_add_test(tc, test_many_params);
	suite_add_tcase(s, tc);

	tc = tcase_create("render");
	tcase_add_test(tc, test_cr_overwrites);
	tcase_add_test(tc, test_backspace);
	tcase_add_test(tc, test_erase_in_line);
	tcase_add_test(tc, test_cursor_horizontal);
	tcase_add_test(tc, test_pad_past_end);
	tcase_add_test(tc, test_cursor_vertical);
	tcase_add_test(tc, test_moves_stop_at_window_edges);
	tcase_add_test(tc, test_nel);
	tcase_add_test(tc, test_ind);
	tcase_add_test(tc, test_ri);
	tcase_add_test(tc, test_vt_ff);
	tcase_add_test(tc, test_raw_c1_bytes);
	tcase_add_test(tc, test_vertical_column_bounded);
	tcase_add_test(tc, test_window_default_200);
	tcase_add_test(tc, test_lines_become_final_in_order);
	tcase_add_test(tc, test_clear_screen_keeps_history);
	tcase_add_test(tc, test_trailing_spaces_go);
	tcase_add_test(tc, test_empty_lines_stay);
	tcase_add_test(tc, test_final_newline_only_if_ended);
	tcase_add_test(tc, test_tab_literal);
	tcase_add_test(tc, test_c0_and_del_dropped);
	tcase_add_test(tc, test_nul_bytes);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_wide_characters);
	tcase_add_test(tc, test_wide_delete_insert_erase);
	tcase_add_test(tc, test_zero_width_characters);
	tcase_add_test(tc, test_too_many_marks);
	tcase_add_test(tc, test_erase_delete_insert_chars);
	tcase_add_test(tc, test_cr_newline_mode);
	tcase_add_test(tc, test_null_and_defaults);
	suite_add_tcase(s, tc);

	tc = tcase_create("tail");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_tail_basics);
	tcase_add_test(tc, test_tail_progress_bar);
	tcase_add_test(tc, test_tail_window_bounds_cost);
	tcase_add_test(tc, test_tail_cursor_moves);
	tcase_add_test(tc, test_tail_wide_and_marks);
	tcase_add_test(tc, test_tail_invalid_utf8);
	tcase_add_test(tc, test_tail_split_sequences);
	tcase_add_test(tc, test_tail_string_limit);
	tcase_add_test(tc, test_tail_cr_newline);
	tcase_add_test(tc, test_tail_long_lines);
	suite_add_tcase(s, tc);

	tc = tcase_create("streams");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_tqdm_bar);
	tcase_add_test(tc, test_pip_bar);
	tcase_add_test(tc, test_npm_spinner);
	tcase_add_test(tc, test_git_receiving_objects);
	tcase_add_test(tc, test_docker_pull);
	tcase_add_test(tc, test_multiline_redraw_erase_up);
	tcase_add_test(tc, test_cargo_bar);
	tcase_add_test(tc, test_pytest_colours);
	tcase_add_test(tc, test_huge_single_line);
	tcase_add_test(tc, test_huge_line_streams);
	tcase_add_test(tc, test_huge_line_then_cr);
	tcase_add_test(tc, test_many_lines);
	tcase_add_test(tc, test_wide_long_line);
	tcase_add_test(tc, test_far_cursor_moves_bounded);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(agentview_suite)
