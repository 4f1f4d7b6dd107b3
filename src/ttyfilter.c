/*
 * ttyfilter.c: a recording's bytes made safe for the human's terminal.
 *
 * Owns the decision of which terminal controls rexec replay lets through;
 * the list and the reasons are in ttyfilter.h.  It must never write part
 * of a sequence, never let a string (OSC, DCS, SOS, PM, APC) or a query
 * through, never hold more than one ESC or CSI sequence, and never write
 * anywhere but through the emit callback.
 *
 * Bytes go through utf8.c's decoder first, so that C1 controls are seen
 * in their UTF-8 form; a lone byte 0x80..0x9f, which the decoder would
 * turn into U+FFFD, is taken as the C1 control it is in an 8-bit stream.
 * Code points then walk the DEC parser's states, reduced to what a
 * filter needs: a sequence that may be kept is held (in its 7-bit form)
 * until its final byte decides; one that cannot be kept is skipped
 * without being held; a string is skipped to its end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ttyfilter.h"
#include "utf8.h"
#include "xmalloc.h"

#define TF_OUT		4096
#define TF_PARAM_MAX	100000U

#define C0_BEL		0x07
#define C0_CAN		0x18
#define C0_SUB		0x1a
#define C0_ESC		0x1b
#define C1_ST		0x9c

enum tf_state {
	TF_GROUND,
	TF_ESC,		/* after ESC, held: ESC and at most one intermediate */
	TF_CSI,		/* after CSI, held: ESC [, '?' and parameters */
	TF_SKIP,	/* an ESC or CSI sequence being dropped */
	TF_STR,		/* inside OSC, DCS, SOS, PM or APC */
	TF_STR_ESC	/* ESC inside a string: ST or a new sequence */
};

struct ttyfilter {
	ttyfilter_emit_cb	 emit;
	void			*arg;

	struct utf8_decoder	 dec;
	enum tf_state		 state;
	uint32_t		 skip_final;	/* TF_SKIP: lowest final byte */
	char			 seq[TTYFILTER_MAX_SEQ];
	size_t			 seqlen;

	char			 out[TF_OUT];
	size_t			 outlen;
};

static void	tf_flush(struct ttyfilter *);
static void	tf_put(struct ttyfilter *, const void *, size_t);
static void	tf_hold(struct ttyfilter *, uint32_t);
static void	tf_skip(struct ttyfilter *, uint32_t);
static void	tf_put_seq(struct ttyfilter *, uint32_t);
static void	tf_c0(struct ttyfilter *, uint32_t);
static int	tf_oneof(const char *, uint32_t);
static void	tf_esc_final(struct ttyfilter *, uint32_t);
static int	tf_esc_inter(uint32_t);
static int	tf_esc_keep(uint32_t, uint32_t);
static int	tf_each_param(const char *, size_t, int (*)(unsigned int));
static int	tf_dec_mode(unsigned int);
static int	tf_ansi_mode(unsigned int);
static int	tf_erase(unsigned int);
static int	tf_csi_keep(const char *, size_t, uint32_t);
static int	tf_in_seq_control(struct ttyfilter *, uint32_t);
static int	tf_in_esc(struct ttyfilter *, uint32_t);
static int	tf_in_csi(struct ttyfilter *, uint32_t);
static int	tf_in_skip(struct ttyfilter *, uint32_t);
static int	tf_in_str(struct ttyfilter *, uint32_t);
static void	tf_cp(struct ttyfilter *, uint32_t);

struct ttyfilter *
ttyfilter_new(ttyfilter_emit_cb emit, void *arg)
{
	struct ttyfilter	*tf;

	tf = xcalloc(1, sizeof(*tf));
	tf->emit = emit;
	tf->arg = arg;
	utf8_decoder_init(&tf->dec);
	tf->state = TF_GROUND;
	return (tf);
}

void
ttyfilter_free(struct ttyfilter *tf)
{
	free(tf);
}

void
ttyfilter_feed(struct ttyfilter *tf, const void *buf, size_t len)
{
	const uint8_t	*p = buf, *end, *q;
	uint32_t	 cp[2];
	int		 i, n;

	if (len == 0)
		return;
	end = p + len;
	while (p < end) {
		/* Most of a recording is printable ASCII: copy it in runs. */
		if (tf->state == TF_GROUND &&
		    !utf8_decoder_pending(&tf->dec)) {
			for (q = p; q < end && *q >= 0x20 && *q < 0x7f; q++)
				;
			if (q != p) {
				tf_put(tf, p, (size_t)(q - p));
				p = q;
				continue;
			}
		}
		if (*p >= 0x80 && *p < 0xa0 &&
		    !utf8_decoder_pending(&tf->dec)) {
			/* A lone 8-bit C1 control. */
			tf_cp(tf, *p++);
			continue;
		}
		n = utf8_decode_byte(&tf->dec, *p, cp);
		/* A cut-short character, then a lone C1 byte (see above). */
		if (n == 2 && *p >= 0x80 && *p < 0xa0)
			cp[1] = *p;
		p++;
		for (i = 0; i < n; i++)
			tf_cp(tf, cp[i]);
	}
	tf_flush(tf);
}

void
ttyfilter_finish(struct ttyfilter *tf)
{
	uint32_t	cp[1];

	if (utf8_decode_finish(&tf->dec, cp) == 1)
		tf_cp(tf, cp[0]);
	tf->state = TF_GROUND;
	tf->seqlen = 0;
	tf_flush(tf);
}

static void
tf_flush(struct ttyfilter *tf)
{
	if (tf->outlen != 0)
		tf->emit(tf->out, tf->outlen, tf->arg);
	tf->outlen = 0;
}

static void
tf_put(struct ttyfilter *tf, const void *buf, size_t len)
{
	const char	*p = buf;
	size_t		 k;

	while (len > 0) {
		if (tf->outlen == TF_OUT)
			tf_flush(tf);
		k = TF_OUT - tf->outlen;
		if (k > len)
			k = len;
		memcpy(tf->out + tf->outlen, p, k);
		tf->outlen += k;
		p += k;
		len -= k;
	}
}

/* Write the held sequence and its final byte f: the sequence is kept. */
static void
tf_put_seq(struct ttyfilter *tf, uint32_t f)
{
	char	b = (char)f;

	tf_put(tf, tf->seq, tf->seqlen);
	tf_put(tf, &b, 1);
}

/*
 * Add c to the held sequence; one that would outgrow the buffer is
 * dropped up to its final byte instead.
 */
static void
tf_hold(struct ttyfilter *tf, uint32_t c)
{
	if (tf->seqlen == sizeof(tf->seq) - 1) {
		tf_skip(tf, tf->state == TF_CSI ? 0x40 : 0x30);
		return;
	}
	tf->seq[tf->seqlen++] = (char)c;
}

/* Drop the sequence under way up to its final byte (0x30 ESC, 0x40 CSI). */
static void
tf_skip(struct ttyfilter *tf, uint32_t lowest_final)
{
	tf->state = TF_SKIP;
	tf->skip_final = lowest_final;
	tf->seqlen = 0;
}

/* A C0 control, in text or inside a sequence: only those that draw. */
static void
tf_c0(struct ttyfilter *tf, uint32_t c)
{
	char	b = (char)c;

	switch (c) {
	case '\b':
	case '\t':
	case '\n':
	case '\v':
	case '\f':
	case '\r':
	case 0x0e:	/* SO */
	case 0x0f:	/* SI */
		tf_put(tf, &b, 1);
		break;
	default:
		/* BEL, ENQ (answerback), NUL and the rest. */
		break;
	}
}

/* Whether c is one of the ASCII characters in set. */
static int
tf_oneof(const char *set, uint32_t c)
{
	return (c != 0 && c < 0x80 && strchr(set, (int)c) != NULL);
}

/* ESC + final with no intermediate, or a C1 control (final = C1 - 0x40). */
static void
tf_esc_final(struct ttyfilter *tf, uint32_t f)
{
	char	seq[2] = { C0_ESC, (char)f };

	tf->state = TF_GROUND;
	tf->seqlen = 0;
	switch (f) {
	case '[':
		tf->state = TF_CSI;
		memcpy(tf->seq, seq, 2);
		tf->seqlen = 2;
		break;
	case ']':
	case 'P':
	case 'X':
	case '^':
	case '_':
		tf->state = TF_STR;
		break;
	default:
		if (tf_esc_keep(0, f))
			tf_put(tf, seq, 2);
		break;
	}
}

/* Whether an intermediate can begin a kept ESC sequence. */
static int
tf_esc_inter(uint32_t c)
{
	return (tf_oneof("()*+-./#", c));
}

/* Whether ESC [intermediate] final draws (inter 0: none). */
static int
tf_esc_keep(uint32_t inter, uint32_t f)
{
	if (inter == 0)
		return (tf_oneof("78DEM=>", f));
	if (inter == '#')
		return (tf_oneof("34568", f));
	/* Character set designation: any final names a set. */
	return (tf_esc_inter(inter));
}

/*
 * Whether every parameter of a CSI (empty ones are 0) passes ok; a ':'
 * sub-parameter fails.
 */
static int
tf_each_param(const char *p, size_t len, int (*ok)(unsigned int))
{
	const char	*end = p + len;
	unsigned int	 v = 0;

	for (;; p++) {
		if (p == end || *p == ';') {
			if (!ok(v))
				return (0);
			if (p == end)
				return (1);
			v = 0;
		} else if (*p >= '0' && *p <= '9') {
			if (v < TF_PARAM_MAX)
				v = v * 10 + (unsigned int)(*p - '0');
		} else
			return (0);
	}
}

/* DEC private modes a screen needs (CSI ? h/l). */
static int
tf_dec_mode(unsigned int m)
{
	switch (m) {
	case 1:		/* DECCKM, cursor keys */
	case 6:		/* DECOM, origin */
	case 7:		/* DECAWM, autowrap */
	case 25:	/* DECTCEM, cursor shown */
	case 47:	/* alternate screen */
	case 1047:
	case 1048:	/* save cursor */
	case 1049:	/* both */
		return (1);
	}
	return (0);
}

/* ANSI modes (CSI h/l): insert mode only. */
static int
tf_ansi_mode(unsigned int m)
{
	return (m == 4);
}

/* Erase in display or line, but never the scrollback (ED 3). */
static int
tf_erase(unsigned int m)
{
	return (m <= 2);
}

/*
 * Whether a CSI draws.  body is what came between CSI and the final f:
 * an optional '?', then digits, ';' and ':' (anything else was skipped).
 */
static int
tf_csi_keep(const char *body, size_t len, uint32_t f)
{
	if (len > 0 && body[0] == '?') {
		if (f == 'h' || f == 'l')
			return (tf_each_param(body + 1, len - 1, tf_dec_mode));
		if (f == 'J' || f == 'K')
			return (tf_each_param(body + 1, len - 1, tf_erase));
		return (0);
	}
	if (f != 'm' && memchr(body, ':', len) != NULL)
		return (0);
	switch (f) {
	case 'J':
		return (tf_each_param(body, len, tf_erase));
	case 'T':
		/* With more parameters it starts xterm's mouse tracking. */
		return (memchr(body, ';', len) == NULL);
	case 'h':
	case 'l':
		return (tf_each_param(body, len, tf_ansi_mode));
	}
	return (tf_oneof("ABCDEFGHIKLMPSXZ@`abdefmrsu", f));
}

/*
 * DEL and C0 controls inside an ESC or CSI sequence: DEL is ignored, a C0
 * control acts at once as in a terminal; ESC, CAN and SUB end the
 * sequence (0), as does any code point of U+0080 or more.
 */
static int
tf_in_seq_control(struct ttyfilter *tf, uint32_t cp)
{
	if (cp == 0x7f)
		return (1);
	if (cp < 0x20 && cp != C0_ESC && cp != C0_CAN && cp != C0_SUB) {
		tf_c0(tf, cp);
		return (1);
	}
	return (0);
}

/* A code point after ESC: 1 when used, 0 when it acts on its own. */
static int
tf_in_esc(struct ttyfilter *tf, uint32_t cp)
{
	if (cp >= 0x20 && cp < 0x30) {
		/* The kept ones have one intermediate at most. */
		if (tf->seqlen == 1 && tf_esc_inter(cp))
			tf_hold(tf, cp);
		else
			tf_skip(tf, 0x30);
		return (1);
	}
	if (cp >= 0x30 && cp < 0x7f) {
		if (tf->seqlen == 1) {
			tf_esc_final(tf, cp);
			return (1);
		}
		if (tf_esc_keep((uint8_t)tf->seq[1], cp))
			tf_put_seq(tf, cp);
		tf->state = TF_GROUND;
		tf->seqlen = 0;
		return (1);
	}
	return (tf_in_seq_control(tf, cp));
}

/* A code point inside a CSI sequence (as tf_in_esc). */
static int
tf_in_csi(struct ttyfilter *tf, uint32_t cp)
{
	if ((cp >= '0' && cp <= ';') || (cp == '?' && tf->seqlen == 2)) {
		tf_hold(tf, cp);
		return (1);
	}
	if (cp >= 0x40 && cp < 0x7f) {
		if (tf_csi_keep(tf->seq + 2, tf->seqlen - 2, cp))
			tf_put_seq(tf, cp);
		tf->state = TF_GROUND;
		tf->seqlen = 0;
		return (1);
	}
	if (cp >= 0x20 && cp < 0x40) {
		/*
		 * Intermediates and private markers other than a leading
		 * '?' (or one out of place) mark what is never kept.
		 */
		tf_skip(tf, 0x40);
		return (1);
	}
	return (tf_in_seq_control(tf, cp));
}

/* A code point of a sequence being dropped (as tf_in_esc). */
static int
tf_in_skip(struct ttyfilter *tf, uint32_t cp)
{
	if (cp >= 0x20 && cp < 0x7f) {
		if (cp >= tf->skip_final)
			tf->state = TF_GROUND;
		return (1);
	}
	return (tf_in_seq_control(tf, cp));
}

/* A code point inside OSC, DCS, SOS, PM or APC (as tf_in_esc). */
static int
tf_in_str(struct ttyfilter *tf, uint32_t cp)
{
	if (cp == C0_ESC) {
		tf->state = TF_STR_ESC;
		return (1);
	}
	if (cp == C0_BEL || cp == C1_ST) {
		tf->state = TF_GROUND;
		return (1);
	}
	return (cp != C0_CAN && cp != C0_SUB && (cp < 0x80 || cp >= 0xa0));
}

/* One code point through the state machine. */
static void
tf_cp(struct ttyfilter *tf, uint32_t cp)
{
	char	buf[4];

	switch (tf->state) {
	case TF_GROUND:
		break;
	case TF_ESC:
		if (tf_in_esc(tf, cp))
			return;
		break;
	case TF_CSI:
		if (tf_in_csi(tf, cp))
			return;
		break;
	case TF_SKIP:
		if (tf_in_skip(tf, cp))
			return;
		break;
	case TF_STR:
		if (tf_in_str(tf, cp))
			return;
		break;
	case TF_STR_ESC:
		if (cp == '\\') {
			tf->state = TF_GROUND;
			return;
		}
		/* ESC that is not ST ends the string and starts anew. */
		tf->state = TF_ESC;
		tf->seq[0] = C0_ESC;
		tf->seqlen = 1;
		if (tf_in_esc(tf, cp))
			return;
		break;
	}

	/* Ground, or a sequence ended by this code point. */
	tf->state = TF_GROUND;
	tf->seqlen = 0;
	if (cp >= 0xa0 || (cp >= 0x20 && cp < 0x7f))
		tf_put(tf, buf, utf8_encode_cp(cp, buf));
	else if (cp == C0_ESC) {
		tf->state = TF_ESC;
		tf->seq[0] = C0_ESC;
		tf->seqlen = 1;
	} else if (cp >= 0x80 && cp < 0xa0)
		tf_esc_final(tf, cp - 0x40);
	else if (cp < 0x20)
		tf_c0(tf, cp);
}
