/*
 * ttyfilter.h: a recording's bytes made safe for the human's terminal
 * (rexec replay).
 *
 * A run's output was written for the run's own PTY.  Played back on the
 * human's terminal as it is, part of it acts on that terminal instead of
 * drawing on it: OSC 52 sets the clipboard, OSC 0/2 the title, and a
 * query (DSR, DA, DECRQM, DECRQSS, ENQ) makes the terminal answer with
 * bytes that land in the human's shell as typed input once the replay
 * ends.  The filter passes what draws a screen and drops the rest.
 *
 * Kept:
 * - Text, as UTF-8.  Invalid UTF-8 becomes U+FFFD (one per maximal
 *   invalid subsequence, as utf8.c decodes), so the output is always
 *   valid UTF-8.
 * - C0 controls that draw: BS, HT, LF, VT, FF, CR, and SO/SI (they pick
 *   the G1/G0 character set, which line drawing uses).
 * - CSI with no private marker and no intermediate: cursor movement
 *   (A-H, I, Z, `, a, d, e, f), erase and edit (J with 0-2, K, L, M, P,
 *   X, @, b), scrolling (S, and T with at most one parameter: with more
 *   it is xterm's mouse tracking), the scroll region (r), SGR (m, the
 *   only one that may use ':' sub-parameters), save and restore cursor
 *   (s, u), and SM/RM (h, l) of insert mode (4) only.
 * - CSI ? h/l (DECSET/DECRST) of the modes a full-screen program's
 *   screen needs: 1 (cursor keys, which vim pairs with its screen),
 *   6 (origin), 7 (autowrap), 25 (cursor shown), 47, 1047, 1048, 1049
 *   (alternate screen, saved cursor); CSI ? J and ? K (selective erase).
 * - ESC 7, ESC 8, ESC D, ESC E, ESC M, ESC = and ESC >, character set
 *   designation (ESC ( ) * + - . / and a final), and ESC # 3-6, 8
 *   (double-size lines, the alignment pattern).
 * - C1 controls U+0080..U+009F act as their ESC forms, whether they come
 *   as UTF-8 (C2 80..C2 9F) or as a lone byte 0x80..0x9F that is not part
 *   of a UTF-8 character; what is kept is written in the 7-bit form
 *   (0x9b as ESC [), so the output never holds a C1 control.
 *
 * Dropped, whole, with everything inside them:
 * - Every OSC (clipboard, title, colours, hyperlinks, notifications),
 *   DCS (DECRQSS, sixel, tmux passthrough), SOS, PM and APC, however
 *   long: a string is dropped as it streams, never held.  One that never
 *   ends swallows the rest, as it would on a terminal; printing it as
 *   text instead would show what the run meant to hide.
 * - Queries and reports: CSI n (DSR), c (DA, and > c, = c), $ p
 *   (DECRQM), x (DECREQTPARM), ESC Z (DECID), ENQ (the answerback).
 * - Everything else that is not drawing: CSI t (window operations, which
 *   report or resize), CSI i (media copy), CSI g and ESC H (tab stops,
 *   which would outlive the replay), CSI 3 J (it erases the human's
 *   scrollback), every CSI with a private marker but those above
 *   (> m, > u, ...) or an intermediate (DECSCUSR, DECSTR, ...), the
 *   other DEC modes: mouse reporting (9, 1000-1003, 1005, 1006, 1015,
 *   1016), focus events (1004), bracketed paste (2004: a replay never
 *   reads a paste, and a cut recording would leave the shell receiving
 *   paste brackets), 132 columns (3), synchronized output (2026) and
 *   the rest; SM/RM but 4 (LNM, KAM and SRM change what the keyboard
 *   sends), ESC c (a full reset clears the human's scrollback), ESC %
 *   (it leaves UTF-8 mode), ESC SP F/G (8-bit replies), single and
 *   locking shifts but SO/SI, and any other ESC sequence.
 * - BEL (it draws nothing; a replay of a failing build would ring on
 *   every line), NUL, DEL and the other C0 controls.
 * - An unknown or unfinished sequence: a sequence is held until its
 *   final byte and written whole or not at all, never in part.  CAN,
 *   SUB, ESC, a C1 control or a non-ASCII character cancels an ESC or
 *   CSI sequence as in a terminal (the character then acts on its own),
 *   and one longer than TTYFILTER_MAX_SEQ is dropped up to its final
 *   byte.  A C0 control inside a sequence acts at once, as a terminal
 *   does, so a kept one is written before the sequence it sat in.
 *
 * The decisions follow the DEC parser's states (vt100.net), as
 * agentview.c's filter does; that filter renders text and cannot serve
 * here, since it keeps no sequence's bytes.
 *
 * The output is the same however the input is chunked (a sequence split
 * across two feeds is held, then written whole); the filter is O(n) in
 * its input and holds at most TTYFILTER_MAX_SEQ bytes of a sequence
 * plus a fixed output buffer, whatever it is fed.  Its output fed
 * through a fresh filter comes out unchanged.
 */
#ifndef TTYFILTER_H
#define TTYFILTER_H

#include <stddef.h>

/*
 * The longest ESC or CSI sequence kept, introducer and final included.
 * A fuzzing build may lower it (-DTTYFILTER_MAX_SEQ=...).
 */
#ifndef TTYFILTER_MAX_SEQ
#define TTYFILTER_MAX_SEQ	256
#endif

/*
 * Receives the filtered bytes in order (never 0 of them); the calls
 * concatenated are the output.  Called from ttyfilter_feed(), whenever
 * its buffer fills and once at its end, and from ttyfilter_finish().
 * It must not call back into the filter.
 */
typedef void (*ttyfilter_emit_cb)(const char *buf, size_t len, void *arg);

struct ttyfilter;

struct ttyfilter *ttyfilter_new(ttyfilter_emit_cb, void *arg);
void	ttyfilter_feed(struct ttyfilter *, const void *buf, size_t len);
/*
 * End of input: a UTF-8 character cut short becomes U+FFFD and an
 * unfinished sequence is dropped.  The filter is then ready for a new
 * stream.
 */
void	ttyfilter_finish(struct ttyfilter *);
void	ttyfilter_free(struct ttyfilter *);

#endif
