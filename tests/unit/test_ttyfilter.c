/*
 * test_ttyfilter.c: what rexec replay lets through to the human's
 * terminal (src/ttyfilter.c).
 *
 * Every case goes through filter(), which runs the input whole, one byte
 * at a time and in seeded random chunks, and fails unless all three give
 * the same output, the output is valid UTF-8 with no string introducer
 * and no C1 control, and the output filtered again comes out unchanged.
 */
#include "rexec.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttyfilter.h"
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
sink_emit(const char *buf, size_t len, void *arg)
{
	struct sink	*s = arg;

	ck_assert_uint_gt(len, 0);
	if (s->len + len + 1 > s->cap) {
		s->cap = (s->len + len + 1) * 2;
		s->buf = xrealloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, buf, len);
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
 * Filter in, cut at the offsets in cuts[0..ncuts) (ascending), into s
 * (which the caller frees).
 */
static void
run_cuts(const char *in, size_t len, const size_t *cuts, size_t ncuts,
    struct sink *s)
{
	struct ttyfilter	*tf;
	size_t			 i, off = 0;

	memset(s, 0, sizeof(*s));
	tf = ttyfilter_new(sink_emit, s);
	for (i = 0; i <= ncuts; i++) {
		size_t	 to = i < ncuts ? cuts[i] : len;

		ttyfilter_feed(tf, in + off, to - off);
		off = to;
	}
	ttyfilter_finish(tf);
	ttyfilter_free(tf);
	if (s->buf == NULL)
		s->buf = xstrdup("");
}

/* Filter in, fed in chunks: 0 whole, 1 one byte, else a seed. */
static void
run_mode(const char *in, size_t len, uint32_t mode, struct sink *s)
{
	struct ttyfilter	*tf;
	size_t			 off = 0, k;
	uint32_t		 seed = mode;

	memset(s, 0, sizeof(*s));
	tf = ttyfilter_new(sink_emit, s);
	while (off < len) {
		if (mode == 0)
			k = len;
		else if (mode == 1)
			k = 1;
		else
			k = 1 + rnd(&seed) % 7;
		if (k > len - off)
			k = len - off;
		ttyfilter_feed(tf, in + off, k);
		off += k;
	}
	ttyfilter_finish(tf);
	ttyfilter_free(tf);
	if (s->buf == NULL)
		s->buf = xstrdup("");
}

static void
same(const struct sink *a, const struct sink *b, const char *what)
{
	if (a->len != b->len || memcmp(a->buf, b->buf, a->len) != 0)
		ck_abort_msg("%s: %zu bytes \"%s\" against %zu \"%s\"", what,
		    a->len, a->buf, b->len, b->buf);
}

/* Nothing that acts on a terminal by itself is in the output. */
static void
check_clean(const char *out, size_t len)
{
	size_t	i;

	ck_assert_msg(utf8_valid(out, len), "output is not valid UTF-8");
	for (i = 0; i < len; i++) {
		uint8_t	c = (uint8_t)out[i];

		if (c == 0x1b) {
			ck_assert_uint_lt(i + 1, len);
			ck_assert_msg(strchr("]P_^X\\", out[i + 1]) == NULL,
			    "ESC %c in the output", out[i + 1]);
		}
		if (c == 0xc2 && i + 1 < len)
			ck_assert_msg((uint8_t)out[i + 1] >= 0xa0,
			    "C1 control in the output");
		ck_assert_msg(c >= 0x20 || (c != 0 &&
		    strchr("\b\t\n\v\f\r\016\017\033", c) != NULL),
		    "control 0x%02x in the output", c);
		ck_assert_msg(c != 0x7f, "DEL in the output");
	}
}

/* The output of in, checked as the header comment says; caller frees. */
static char *
filter(const char *in, size_t len, size_t *outlen)
{
	struct sink	whole, bytes, chunks, again;
	uint32_t	seed;

	run_mode(in, len, 0, &whole);
	run_mode(in, len, 1, &bytes);
	same(&whole, &bytes, "byte by byte");
	free(bytes.buf);
	for (seed = 2; seed < 6; seed++) {
		run_mode(in, len, seed * 7919, &chunks);
		same(&whole, &chunks, "random chunks");
		free(chunks.buf);
	}
	check_clean(whole.buf, whole.len);
	run_mode(whole.buf, whole.len, 0, &again);
	same(&whole, &again, "filtered twice");
	free(again.buf);
	*outlen = whole.len;
	return (whole.buf);
}

static void
expect_n(const char *in, size_t inlen, const char *want, size_t wantlen)
{
	char	*out;
	size_t	 len;

	out = filter(in, inlen, &len);
	if (len != wantlen || memcmp(out, want, len) != 0)
		ck_abort_msg("in \"%s\": got %zu bytes \"%s\", want %zu "
		    "\"%s\"", in, len, out, wantlen, want);
	free(out);
}

/* Literals, so sizeof counts NUL bytes inside them. */
#define EXPECT(in, want) \
	expect_n((in), sizeof(in) - 1, (want), sizeof(want) - 1)
/* Sequences kept as they are. */
#define KEEP(in)	EXPECT(in, in)
/* Sequences dropped whole: text around them stays. */
#define DROP(seq)	EXPECT("a" seq "b", "ab")

/* --- Kept ---------------------------------------------------------- */

START_TEST(test_text_kept)
{
	KEEP("plain text, 100%");
	KEEP("caf\xc3\xa9 \xe2\x96\x88 \xe4\xb8\xad \xf0\x9f\x98\x80");
	/* UTF-8 whose continuation bytes are 0x90, 0x9b, 0x9d is text. */
	KEEP("\xc3\x90\xc3\x9b\xc3\x9d \xe2\x80\x9b \xf0\x9d\x90\x80");
	KEEP("\xc2\xa0\xc2\xbf");
}
END_TEST

START_TEST(test_invalid_utf8_replaced)
{
	EXPECT("a\xff" "b", "a\xef\xbf\xbd" "b");
	EXPECT("a\xe4\xb8" "b", "a\xef\xbf\xbd" "b");
	EXPECT("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
	/* A lone 0x80 after one is a C1 control (PAD), dropped. */
	EXPECT("\xc0\x80", "\xef\xbf\xbd");
	/* Cut short at the end of the input. */
	EXPECT("ok\xe4\xb8", "ok\xef\xbf\xbd");
}
END_TEST

START_TEST(test_c0_that_draw_kept)
{
	KEEP("a\bb\tc\nd\re\vf\fg");
	KEEP("\r\n");
	/* SO/SI with a DEC graphics G1: line drawing. */
	KEEP("\033)0\016lqk\017");
}
END_TEST

START_TEST(test_sgr_kept)
{
	KEEP("\033[m\033[0m\033[1;31mred\033[0m");
	KEEP("\033[38;5;196m\033[48;2;10;20;30m\033[38:2::1:2:3m");
	KEEP("\033[4:3m\033[58;5;1m\033[1;2;3;4;5;6;7;8;9;10;11;12;13;14m");
}
END_TEST

START_TEST(test_cursor_and_erase_kept)
{
	KEEP("\033[A\033[2B\033[3C\033[4D\033[E\033[F\033[5G\033[H");
	KEEP("\033[5;10H\033[;H\033[5;10f\033[3d\033[2e\033[7`\033[2a");
	KEEP("\033[J\033[0J\033[1J\033[2J\033[K\033[1K\033[2K");
	KEEP("\033[L\033[2M\033[3P\033[4@\033[5X\033[S\033[2T\033[3b");
	KEEP("\033[I\033[2Z\033[2;20r\033[r\033[s\033[u");
	KEEP("\033[?J\033[?1K");
	KEEP("\0337\0338\033D\033E\033M\033=\033>");
}
END_TEST

START_TEST(test_charsets_kept)
{
	KEEP("\033(B\033(0\033)0\033*B\033+A\033-A\033.A\033/A");
	KEEP("\033#8\033#3\033#4\033#5\033#6");
}
END_TEST

START_TEST(test_screen_modes_kept)
{
	KEEP("\033[?1049h\033[?1049l\033[?25l\033[?25h");
	KEEP("\033[?7l\033[?7h\033[?1h\033[?1l\033[?6h\033[?47h\033[?1047l");
	KEEP("\033[?1048h\033[?1049;25h\033[4h\033[4l");
}
END_TEST

/* --- Dropped ------------------------------------------------------- */

START_TEST(test_osc_dropped)
{
	/* The clipboard, the title, colours, hyperlinks; BEL or ST. */
	DROP("\033]52;c;SGVsbG8=\a");
	DROP("\033]52;c;SGVsbG8=\033\\");
	DROP("\033]0;PWNED\a");
	DROP("\033]2;PWNED\033\\");
	DROP("\033]2;caf\xc3\xa9 \xe4\xb8\xad\a");
	DROP("\033]10;?\a\033]11;?\033\\\033]4;1;?\a\033]4;1;#ff0000\a");
	DROP("\033]104\a\033]112\a");
	DROP("\033]777;notify;t;b\a\033]9;hi\a\033]1337;File=a\a");
	EXPECT("\033]8;;http://example.org/\033\\link\033]8;;\033\\",
	    "link");
	/* Control characters inside the string are part of it. */
	DROP("\033]2;a\nb\rc\bd\a");
	/* CAN and SUB cancel a string; what follows is text. */
	EXPECT("\033]2;x\030y", "y");
	EXPECT("\033]2;x\032y", "y");
}
END_TEST

START_TEST(test_dcs_apc_pm_sos_dropped)
{
	/* DECRQSS, XTGETTCAP, sixel. */
	DROP("\033P$qm\033\\");
	DROP("\033P+q544e\033\\");
	DROP("\033Pq#0;2;0;0;0#1!6~-\033\\");
	/* tmux passthrough of an OSC 52, ESC doubled inside. */
	DROP("\033Ptmux;\033\033]52;c;SGVsbG8=\a\033\\");
	DROP("\033_Gf=24,s=1,v=1;AAAA\033\\");
	DROP("\033^private\033\\");
	DROP("\033Xsos\033\\");
	/* An ESC that is not ST ends the string and starts a sequence. */
	EXPECT("\033]2;x\033[1mb", "\033[1mb");
	/* ST on its own is nothing. */
	DROP("\033\\");
}
END_TEST

START_TEST(test_queries_dropped)
{
	DROP("\033[6n");
	DROP("\033[5n");
	DROP("\033[?6n");
	DROP("\033[c");
	DROP("\033[0c");
	DROP("\033[>c");
	DROP("\033[>0c");
	DROP("\033[=c");
	DROP("\033[?1$p");
	DROP("\033[4$p");
	DROP("\033[?u");
	DROP("\033[>q");
	DROP("\033[?996n");
	DROP("\033[x");
	DROP("\033Z");
	/* ENQ: the answerback. */
	DROP("\005");
	/* Window operations report and resize. */
	DROP("\033[14t");
	DROP("\033[18t");
	DROP("\033[8;100;300t");
	DROP("\033[22;0;0t");
}
END_TEST

START_TEST(test_reporting_modes_dropped)
{
	DROP("\033[?1000h");
	DROP("\033[?1002h");
	DROP("\033[?1003h");
	DROP("\033[?1006h");
	DROP("\033[?1015h");
	DROP("\033[?1005h");
	DROP("\033[?9h");
	DROP("\033[?1004h");
	DROP("\033[?2004h");
	DROP("\033[?2004l");
	DROP("\033[?2026h");
	DROP("\033[?3h");
	DROP("\033[?5h");
	DROP("\033[?h");
	/* One mode not kept drops the whole list. */
	DROP("\033[?1049;1000h");
	/* Modes that change what the keyboard sends. */
	DROP("\033[20h");
	DROP("\033[2h");
	DROP("\033[12l");
	DROP("\033[>4;1m");
	DROP("\033[>1u");
	DROP("\033[=1;1u");
	DROP("\033[<u");
	/* xterm's highlight mouse tracking is CSI T with five parameters. */
	DROP("\033[1;1;1;1;1T");
}
END_TEST

START_TEST(test_other_controls_dropped)
{
	DROP("\a");
	DROP("\0");
	DROP("\177");
	DROP("\001\002\003\004\006\020\021\022\023\024\025\026\027\031");
	DROP("\034\035\036\037");
	/* The scrollback, tabs, a full reset, printing, cursor style. */
	DROP("\033[3J");
	DROP("\033[2;3J");
	DROP("\033[g");
	DROP("\033[3g");
	DROP("\033H");
	DROP("\033c");
	DROP("\033[i");
	DROP("\033[5i");
	DROP("\033[2 q");
	DROP("\033[!p");
	DROP("\033[1\"q");
	DROP("\033[q");
	/* Leaving UTF-8 mode, 8-bit replies, shifts. */
	DROP("\033%@");
	DROP("\033%G");
	DROP("\033 G");
	DROP("\033 F");
	DROP("\033N");
	DROP("\033O");
	DROP("\033n");
	DROP("\033o");
	DROP("\033~");
	DROP("\0336");
	DROP("\0339");
	DROP("\033#9");
	/* ':' belongs to SGR only. */
	DROP("\033[1:2H");
	/* Unknown finals. */
	DROP("\033[5y");
	DROP("\033[~");
	DROP("\033[200~");
}
END_TEST

START_TEST(test_c1_8bit)
{
	/* Lone bytes 0x80..0x9f act as their ESC forms. */
	EXPECT("a\2331;31mb", "a\033[1;31mb");
	DROP("\2336n");
	DROP("\233c");
	DROP("\23552;c;SGVsbG8=\a");
	DROP("\2352;title\234");
	DROP("\220$qm\234");
	DROP("\237apc\234");
	DROP("\236pm\234");
	DROP("\230sos\234");
	DROP("\232");
	DROP("\210");
	DROP("\216");
	DROP("\234");
	EXPECT("a\204b\205c\215d", "a\033Db\033Ec\033Md");
	/* One that ends a UTF-8 character cut short. */
	EXPECT("\340\2331m", "\xef\xbf\xbd\033[1m");
	EXPECT("\340\235" "2;x\a", "\xef\xbf\xbd");
	/* A C1 control ends a string and acts. */
	EXPECT("\033]2;x\2331mb", "\033[1mb");
}
END_TEST

START_TEST(test_c1_utf8)
{
	/* U+0080..U+009F as UTF-8: the same controls. */
	EXPECT("a\302\2331;31mb", "a\033[1;31mb");
	DROP("\302\2336n");
	DROP("\302\233>c");
	DROP("\302\23552;c;SGVsbG8=\a");
	DROP("\302\2352;title\302\234");
	DROP("\302\220$qm\302\234");
	DROP("\302\237apc\302\234");
	DROP("\302\236pm\302\234");
	DROP("\302\230sos\302\234");
	DROP("\302\232");
	DROP("\302\200\302\201\302\202\302\203\302\206\302\207\302\210");
	EXPECT("a\302\204b\302\205c\302\215d", "a\033Db\033Ec\033Md");
	/* A C1 control cancels a sequence and acts. */
	EXPECT("\033[1\302\2332mx", "\033[2mx");
	EXPECT("\033(\302\2356;x\302\234y", "y");
}
END_TEST

START_TEST(test_unfinished_dropped)
{
	EXPECT("text\033", "text");
	EXPECT("text\033[", "text");
	EXPECT("text\033[1;3", "text");
	EXPECT("text\033[?104", "text");
	EXPECT("text\033(", "text");
	EXPECT("text\033]52;c;SGVs", "text");
	EXPECT("text\033P$q", "text");
	EXPECT("text\302", "text\xef\xbf\xbd");
	EXPECT("text\302\233", "text");
}
END_TEST

START_TEST(test_cancel_and_controls_inside)
{
	/* CAN and SUB cancel; ESC starts over. */
	EXPECT("\033[1\030m", "m");
	EXPECT("\033[1\032m", "m");
	EXPECT("\033[1\033[2m", "\033[2m");
	EXPECT("\033\033[2m", "\033[2m");
	/* A non-ASCII character cancels and is printed. */
	EXPECT("\033[1\303\251m", "\303\251m");
	EXPECT("\033(\303\251", "\303\251");
	/* A C0 control inside acts first; DEL is ignored. */
	EXPECT("\033[1\r;31m", "\r\033[1;31m");
	EXPECT("\033[1\a;31m", "\033[1;31m");
	EXPECT("\033[1\177;31m", "\033[1;31m");
	EXPECT("\033\n7", "\n\0337");
	EXPECT("\033(\bB", "\b\033(B");
	/* An intermediate out of place, a marker out of place. */
	DROP("\033[1 m");
	DROP("\033[1?h");
	DROP("\033[??25h");
	DROP("\033[1 ;m");
	DROP("\033(( B");
	/* A dropped sequence goes on to its own final. */
	EXPECT("\033[>1;2;3mX", "X");
	EXPECT("\033[ 1 2 3qX", "X");
	EXPECT("\033%  @X", "X");
}
END_TEST

/* A CSI longer than TTYFILTER_MAX_SEQ is dropped up to its final. */
START_TEST(test_long_csi_dropped)
{
	char	in[3 * TTYFILTER_MAX_SEQ], *out;
	size_t	n, len;

	/* The longest that is kept. */
	n = 0;
	in[n++] = '\033';
	in[n++] = '[';
	for (; n < TTYFILTER_MAX_SEQ - 1; n++)
		in[n] = n % 2 ? ';' : '1';
	in[n++] = 'm';
	out = filter(in, n, &len);
	ck_assert_uint_eq(len, n);
	ck_assert(memcmp(out, in, n) == 0);
	free(out);

	/* One byte more. */
	n = 0;
	in[n++] = '\033';
	in[n++] = '[';
	for (; n < TTYFILTER_MAX_SEQ; n++)
		in[n] = n % 2 ? ';' : '1';
	memcpy(in + n, "mok", 3);
	out = filter(in, n + 3, &len);
	ck_assert_str_eq(out, "ok");
	free(out);

	/* Far longer. */
	n = 0;
	in[n++] = '\033';
	in[n++] = '[';
	while (n < sizeof(in) - 3)
		in[n++] = '7';
	memcpy(in + n, "Hok", 3);
	out = filter(in, n + 3, &len);
	ck_assert_str_eq(out, "ok");
	free(out);
}
END_TEST

/*
 * A sample with one of every family: every way to cut it in two and in
 * three gives the output of the whole.
 */
START_TEST(test_every_split)
{
	static const char	 in[] =
	    "\033]52;c;SGVsbG8=\a\033]2;t\033\\\033[6n\033[c"
	    "\033P$qm\033\\\033[1;31mr\303\251d\033[0m\r\n"
	    "\302\2336n\2332J\302\235" "0;x\302\234\033[?1049h\033[?1000h"
	    "\033(0q\033(B\033[5;1H\033[K\344\270\255\377\340\233m"
	    "\033[38:2::1:2:3mz\033_apc\033\\\033[3Je";
	size_t			 len = sizeof(in) - 1, i, j, cuts[2];
	struct sink		 whole, s;

	run_mode(in, len, 0, &whole);
	check_clean(whole.buf, whole.len);
	ck_assert_str_eq(whole.buf,
	    "\033[1;31mr\303\251d\033[0m\r\n\033[2J\033[?1049h"
	    "\033(0q\033(B\033[5;1H\033[K\344\270\255\357\277\275"
	    "\357\277\275\033[m\033[38:2::1:2:3mze");
	for (i = 0; i <= len; i++) {
		cuts[0] = i;
		run_cuts(in, len, cuts, 1, &s);
		same(&whole, &s, "one cut");
		free(s.buf);
		for (j = i; j <= len; j++) {
			cuts[1] = j;
			run_cuts(in, len, cuts, 2, &s);
			same(&whole, &s, "two cuts");
			free(s.buf);
		}
	}
	free(whole.buf);
}
END_TEST

static size_t
heap_in_use(void)
{
	return (mallinfo2().uordblks);
}

/*
 * Strings and sequences that never end are dropped as they stream: 64 MiB
 * of them emit nothing and take no memory.
 */
START_TEST(test_endless_bounded)
{
	static const char	*opens[] = { "\033]52;c;", "\033P", "\302\235",
				    "\033_", "\233", "\033[>" };
	struct ttyfilter	*tf;
	struct sink		 s;
	char			*chunk;
	size_t			 i, k, before, chunklen = 1 << 16;

	chunk = xmalloc(chunklen);
	for (i = 0; i < nitems(opens); i++) {
		memset(&s, 0, sizeof(s));
		tf = ttyfilter_new(sink_emit, &s);
		ttyfilter_feed(tf, "a", 1);
		ttyfilter_feed(tf, opens[i], strlen(opens[i]));
		/* Digits for a CSI, base64-like text for a string. */
		memset(chunk, i >= 4 ? '1' : 'Q', chunklen);
		before = heap_in_use();
		for (k = 0; k < 1024; k++)
			ttyfilter_feed(tf, chunk, chunklen);
		ck_assert_uint_le(heap_in_use(), before + 4096);
		ck_assert_uint_eq(s.len, 1);
		ttyfilter_feed(tf, i >= 4 ? "mb" : "\033\\b", i >= 4 ? 2 : 3);
		ttyfilter_finish(tf);
		ttyfilter_free(tf);
		ck_assert_str_eq(s.buf, "ab");
		free(s.buf);
	}
	free(chunk);
}
END_TEST

/* Large text comes out in several emits, whole and in order. */
START_TEST(test_large_text)
{
	char	*in, *out;
	size_t	 i, n = 100000, len;

	in = xmalloc(n);
	for (i = 0; i < n; i++)
		in[i] = i % 80 == 79 ? '\n' : (char)('a' + i % 26);
	out = filter(in, n, &len);
	ck_assert_uint_eq(len, n);
	ck_assert(memcmp(out, in, n) == 0);
	free(out);
	free(in);
}
END_TEST

START_TEST(test_finish_resets)
{
	struct ttyfilter	*tf;
	struct sink		 s = { NULL, 0, 0, 0 };

	ttyfilter_free(NULL);
	tf = ttyfilter_new(sink_emit, &s);
	ttyfilter_feed(tf, NULL, 0);
	ttyfilter_feed(tf, "\033]2;x", 5);
	ttyfilter_finish(tf);
	/* A new stream: the string does not go on. */
	ttyfilter_feed(tf, "y\033[1", 4);
	ttyfilter_finish(tf);
	ttyfilter_feed(tf, "m", 1);
	ttyfilter_finish(tf);
	ttyfilter_free(tf);
	ck_assert_str_eq(s.buf, "ym");
	ck_assert_uint_eq(s.calls, 2);
	free(s.buf);
}
END_TEST

static Suite *
ttyfilter_suite(void)
{
	Suite	*s = suite_create("ttyfilter");
	TCase	*tc;

	tc = tcase_create("kept");
	tcase_add_test(tc, test_text_kept);
	tcase_add_test(tc, test_invalid_utf8_replaced);
	tcase_add_test(tc, test_c0_that_draw_kept);
	tcase_add_test(tc, test_sgr_kept);
	tcase_add_test(tc, test_cursor_and_erase_kept);
	tcase_add_test(tc, test_charsets_kept);
	tcase_add_test(tc, test_screen_modes_kept);
	suite_add_tcase(s, tc);

	tc = tcase_create("dropped");
	tcase_add_test(tc, test_osc_dropped);
	tcase_add_test(tc, test_dcs_apc_pm_sos_dropped);
	tcase_add_test(tc, test_queries_dropped);
	tcase_add_test(tc, test_reporting_modes_dropped);
	tcase_add_test(tc, test_other_controls_dropped);
	tcase_add_test(tc, test_c1_8bit);
	tcase_add_test(tc, test_c1_utf8);
	tcase_add_test(tc, test_unfinished_dropped);
	tcase_add_test(tc, test_cancel_and_controls_inside);
	tcase_add_test(tc, test_long_csi_dropped);
	suite_add_tcase(s, tc);

	tc = tcase_create("stream");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_every_split);
	tcase_add_test(tc, test_endless_bounded);
	tcase_add_test(tc, test_large_text);
	tcase_add_test(tc, test_finish_resets);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(ttyfilter_suite)
