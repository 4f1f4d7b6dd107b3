/*
 * agentview.h: the text an agent receives (DESIGN.md section 5).
 *
 * The agent view turns the raw bytes of a PTY into plain text, streaming:
 * it renders like a terminal of unlimited width that keeps all of its
 * history, so a progress bar redrawn 500 times yields its last state once.
 * The output is identical however the input is chunked, is always valid
 * UTF-8, and holds no ESC and no C1 control.  Work is O(n) and memory is
 * bounded whatever the input (see the limits below).
 *
 * Rendering rules:
 * - Escape sequences are parsed as the DEC/ECMA-48 parser does and
 *   removed: CSI (parameters, intermediates, private markers), OSC, DCS,
 *   SOS, PM, APC (ended by BEL, ST = ESC \ or U+009C, or cancelled by
 *   CAN, SUB, ESC + anything but '\' or another C1), every other ESC +
 *   intermediates + final, and the C1 controls U+0080..U+009F, which act
 *   as their ESC forms (U+009B is CSI, U+0085 NEL and so on).  C0
 *   controls inside a sequence are executed, as a terminal does.  A
 *   non-ASCII character inside an ESC or CSI sequence cancels the
 *   sequence and is printed.
 * - LF and NEL (ESC E) go to column 0 of the next line (a bare LF from a
 *   pipe means a new line), IND (ESC D) to the same column of it; at the
 *   bottom a new line is added.  VT and FF act exactly as LF (also under
 *   cr_newline), as in a terminal.  CR goes to column 0 and what follows
 *   overwrites; so CRLF is one newline.  BS moves left, never past
 *   column 0.  TAB stays a literal tab and takes one column.  Other C0
 *   and DEL are dropped.
 * - The window is the last `window` lines; the cursor is always inside it.
 *   CSI A/B (up/down) and RI (ESC M, up) keep the column, CSI E/F go to
 *   column 0 (down/up); all stop at the window's top and bottom (where
 *   LF and IND add a line); CSI C/D (right/left), G (column) move within
 *   the line (and CSI e, a, ` as B, C, G).  Lines that leave the top of
 *   the window are final and are emitted.  CSI K 0/1/2 erase in line,
 *   CSI X erases characters, CSI P deletes and CSI @ inserts characters.
 *   CSI J, CSI H and every other sequence (SGR, modes, titles,
 *   hyperlinks) change nothing: clearing the screen never erases history.
 * - Moving or writing past the end of a line pads it with spaces;
 *   trailing spaces of every line go; empty lines stay.  The text ends
 *   with a newline only where the output's last line was ended.
 * - Invalid UTF-8 becomes one U+FFFD per maximal invalid subsequence.
 * - Widths are libtsm's (tsm_ucs4_get_width).  A wide character takes
 *   two columns.  Writing over either half of a wide character removes
 *   the whole character: its other half becomes a space (as xterm does);
 *   erasing or deleting one half does the same.  A zero-width character
 *   (combining mark, ZWJ, variation selector) joins the character left
 *   of the cursor (padding with a space if the cursor is past the end);
 *   at column 0 it takes a column of its own.  A cell keeps at most
 *   AGENTVIEW_CLUSTER_BYTES of UTF-8; further marks on it are dropped, as
 *   are marks once AGENTVIEW_MAX_CLUSTERS cells hold marks.
 * - cr_newline (the original crate's `cr = newline`): a CR ends the line
 *   as LF does; CRs and an LF (VT, FF) directly after a CR add nothing, so
 *   CRLF and the PTY's CR CR LF are one newline, and "a\rb" is two lines.
 *
 * Limits (each bounds memory or the work one input byte can cause):
 * - AGENTVIEW_MAX_STRING: an OSC, DCS, SOS, PM or APC swallows at most
 *   this many bytes; past it the sequence is dropped and the filter
 *   resumes in text with the byte that went over.
 * - AGENTVIEW_MAX_SEQ: the same for an ESC or CSI sequence; at most
 *   AGENTVIEW_MAX_PARAMS parameters count, values saturate.
 * - AGENTVIEW_MAX_LINE: a line never holds more columns; when it would,
 *   every line above it and then the first half of it become final
 *   (emitted without a newline), and the held rest starts at column 0
 *   for CR, BS and cursor moves from then on.  Text that never moves
 *   back over such a line comes out the same.
 * - AGENTVIEW_MAX_PAD: a cursor move right stops at this column, or at
 *   the end of the line's text if that is further, and so does the
 *   column that IND, RI, CSI A and B keep on the line they reach (a PTY
 *   is rarely wider than a few hundred columns; this bounds the spaces
 *   one short sequence can add).
 * - AGENTVIEW_MAX_HELD: when the lines held in the window use more cells
 *   than this, the oldest lines above the cursor become final early.
 * - AGENTVIEW_MAX_WINDOW: larger windows are clamped to it (and a window
 *   of 0 means AGENTVIEW_DEFAULT_WINDOW).
 * Memory is thus at most about (MAX_HELD + 2 * MAX_LINE) * 4 bytes of
 * cells plus the mark pool and a 64 KiB output buffer: a few MiB for any
 * input, however long its lines or however many.
 */
#ifndef AGENTVIEW_H
#define AGENTVIEW_H

#include <stddef.h>

#define AGENTVIEW_DEFAULT_WINDOW	200
#define AGENTVIEW_DEFAULT_MAX_OUTPUT	65536

/*
 * The limits may be lowered at build time (-DAGENTVIEW_MAX_LINE=...) so
 * that a fuzzing build reaches them with small inputs.
 */
#ifndef AGENTVIEW_MAX_STRING
#define AGENTVIEW_MAX_STRING	4096
#endif
#ifndef AGENTVIEW_MAX_SEQ
#define AGENTVIEW_MAX_SEQ	1024
#endif
#ifndef AGENTVIEW_MAX_PARAMS
#define AGENTVIEW_MAX_PARAMS	16
#endif
#ifndef AGENTVIEW_MAX_LINE
#define AGENTVIEW_MAX_LINE	262144
#endif
#ifndef AGENTVIEW_MAX_PAD
#define AGENTVIEW_MAX_PAD	4096
#endif
#ifndef AGENTVIEW_MAX_HELD
#define AGENTVIEW_MAX_HELD	1048576
#endif
#ifndef AGENTVIEW_MAX_WINDOW
#define AGENTVIEW_MAX_WINDOW	65536
#endif
#ifndef AGENTVIEW_CLUSTER_BYTES
#define AGENTVIEW_CLUSTER_BYTES	32
#endif
#ifndef AGENTVIEW_MAX_CLUSTERS
#define AGENTVIEW_MAX_CLUSTERS	65536
#endif

struct agentview_opts {
	int	 cr_newline;	/* 1: every CR is a newline (the original crate) */
	size_t	 window;	/* lines the cursor may move within (>= 1) */
};

/*
 * Receives final text in order, each call valid UTF-8 on its own; the
 * calls concatenated are the agent text.  Called from agentview_feed()
 * (once at its end, and whenever 64 KiB of final text gather),
 * agentview_tail() and agentview_finish().  It must not call back into
 * the agent view.
 *
 * Nothing final is held back: when agentview_feed() returns, the text
 * emitted so far is exactly the prefix of the agent text that can no
 * longer change, whatever follows.  The rest is agentview_tail().
 */
typedef void (*agentview_emit_cb)(const char *text, size_t len, void *arg);

struct agentview;

struct agentview *agentview_new(const struct agentview_opts *,
	    agentview_emit_cb, void *arg);
void	agentview_feed(struct agentview *, const void *buf, size_t len);
void	agentview_finish(struct agentview *);	/* end of input: emit everything left */
void	agentview_free(struct agentview *);

/*
 * The text that can still change -- the lines of the cursor window, not
 * yet emitted -- exactly as agentview_finish() would emit it if the input
 * ended now: a cut-short UTF-8 sequence as U+FFFD, no trailing spaces, a
 * newline after every line but the last (so it ends with one only where
 * the last line was ended), valid UTF-8.  After any agentview_feed(), the
 * text emitted so far followed by the tail is thus the agent text of the
 * input so far, finished.  *buf gets it NUL-terminated, in memory the
 * caller frees; its length is returned (0 after agentview_finish()).  The
 * view does not change: feeding goes on and the final text is the same.
 * Costs O(the held cells), never O(all the text).
 */
size_t	agentview_tail(struct agentview *, char **buf);

#endif
