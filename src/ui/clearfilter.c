/*
 * clearfilter.c: the escapes that would wipe the shared console, found
 * in a run's output.
 *
 * The console pane is one vt fed with every run's output in turn, so a
 * run that clears its screen, erases the scrollback or resets the
 * terminal would take earlier runs' lines with it.  This filter reads
 * the output as a terminal's parser would (escape, CSI with parameters
 * and intermediates, the C1 CSI as UTF-8) and hands it on in pieces:
 * text to pass as it is, and the few sequences the console treats on
 * its own:
 *
 * - ED 2 (ESC[2J, also DECSED ESC[?2J): clear the whole screen;
 * - ED 0 (ESC[J, ESC[0J): clear below the cursor, which from the home
 *   position is a clear of the whole screen (the caller knows where
 *   the cursor is);
 * - ED 3 (ESC[3J): erase the scrollback, dropped: nothing is passed;
 * - RIS (ESC c): a full reset.
 *
 * A sequence may be split anywhere between two calls: its start is held
 * until it is whole.  A CSI longer than the filter holds is not one of
 * the above (they are short) and is passed on as it comes.  C0 controls
 * inside a CSI are done by a terminal as they come and pass at once;
 * CAN and SUB end the sequence, ESC starts another.  Nothing else is
 * changed, so every other sequence reaches the vt byte for byte.
 */
#include "rexec.h"

#include <stdlib.h>
#include <string.h>

#include "ui/ui_int.h"

/* The bytes of one CSI held at most. */
#define CLEARFILTER_HOLD	64

enum clearfilter_state {
	CF_GROUND,
	CF_C2,		/* 0xc2 seen: a C1 control may follow */
	CF_ESC,		/* ESC seen */
	CF_CSI,		/* in a CSI, held */
	CF_CSI_PASS	/* in a CSI too long to hold: passed on */
};

struct clearfilter {
	enum clearfilter_state	 state;
	char			 held[CLEARFILTER_HOLD];
	size_t			 nheld;
};

static void	clearfilter_flush(struct clearfilter *, clearfilter_cb,
		    void *);
static void	clearfilter_csi(struct clearfilter *, clearfilter_cb,
		    void *);

struct clearfilter *
clearfilter_new(void)
{
	return (xcalloc(1, sizeof(struct clearfilter)));
}

void
clearfilter_free(struct clearfilter *cf)
{
	free(cf);
}

/* Forget a sequence begun: what follows starts afresh. */
void
clearfilter_reset(struct clearfilter *cf)
{
	cf->state = CF_GROUND;
	cf->nheld = 0;
}

/* Pass what is held as it is. */
static void
clearfilter_flush(struct clearfilter *cf, clearfilter_cb cb, void *arg)
{
	if (cf->nheld > 0)
		cb(CLEARFILTER_TEXT, cf->held, cf->nheld, arg);
	cf->nheld = 0;
}

/*
 * A whole CSI is held, its final byte last: an ED the console treats on
 * its own, or anything else, passed on.
 */
static void
clearfilter_csi(struct clearfilter *cf, clearfilter_cb cb, void *arg)
{
	const char	*p, *end = cf->held + cf->nheld - 1;
	unsigned int	 n = 0;

	/* After the introducer (ESC [ or 0xc2 0x9b), an optional '?'. */
	p = cf->held + 2;
	if (p < end && *p == '?')
		p++;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (n < 1000)
			n = n * 10 + (unsigned int)(*p - '0');
	}
	/* Only the first parameter counts; no intermediates or markers. */
	for (; p < end; p++) {
		if ((*p < '0' || *p > '9') && *p != ';' && *p != ':')
			goto pass;
	}
	if (*end != 'J')
		goto pass;
	cf->nheld = 0;
	switch (n) {
	case 0:
		cb(CLEARFILTER_BELOW, NULL, 0, arg);
		return;
	case 2:
		cb(CLEARFILTER_SCREEN, NULL, 0, arg);
		return;
	case 3:
		return;
	}
	cf->nheld = (size_t)(end - cf->held) + 1;
pass:
	clearfilter_flush(cf, cb, arg);
}

/*
 * Read len bytes of a run's output; text and what the console does on
 * its own come out of cb, in order.
 */
void
clearfilter_feed(struct clearfilter *cf, const char *buf, size_t len,
    clearfilter_cb cb, void *arg)
{
	size_t		 i, start = 0;
	unsigned char	 c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)buf[i];
		switch (cf->state) {
		case CF_GROUND:
			if (c != 0x1b && c != 0xc2)
				continue;
			if (i > start)
				cb(CLEARFILTER_TEXT, buf + start, i - start,
				    arg);
			cf->held[0] = (char)c;
			cf->nheld = 1;
			cf->state = c == 0x1b ? CF_ESC : CF_C2;
			start = i + 1;
			continue;
		case CF_C2:
			if (c == 0x9b) {
				cf->held[cf->nheld++] = (char)c;
				cf->state = CF_CSI;
				start = i + 1;
				continue;
			}
			break;
		case CF_ESC:
			if (c == '[') {
				cf->held[cf->nheld++] = (char)c;
				cf->state = CF_CSI;
				start = i + 1;
				continue;
			}
			if (c == 'c') {
				cf->nheld = 0;
				cf->state = CF_GROUND;
				cb(CLEARFILTER_RESET, NULL, 0, arg);
				start = i + 1;
				continue;
			}
			break;
		case CF_CSI:
			if (c == 0x18 || c == 0x1a) {	/* CAN, SUB */
				cf->held[cf->nheld++] = (char)c;
				clearfilter_flush(cf, cb, arg);
				cf->state = CF_GROUND;
				start = i + 1;
				continue;
			}
			if (c == 0x1b || c == 0xc2)
				break;
			if (c < 0x20 || c == 0x7f) {
				cb(CLEARFILTER_TEXT, buf + i, 1, arg);
				start = i + 1;
				continue;
			}
			if (cf->nheld == sizeof cf->held) {
				clearfilter_flush(cf, cb, arg);
				cf->state = CF_CSI_PASS;
				start = i;
				i--;	/* again, passed */
				continue;
			}
			cf->held[cf->nheld++] = (char)c;
			start = i + 1;
			if (c >= 0x40 && c <= 0x7e) {
				cf->state = CF_GROUND;
				clearfilter_csi(cf, cb, arg);
			}
			continue;
		case CF_CSI_PASS:
			if (c == 0x1b || c == 0xc2) {
				if (i > start)
					cb(CLEARFILTER_TEXT, buf + start,
					    i - start, arg);
				start = i;
				cf->state = CF_GROUND;
				i--;
			} else if ((c >= 0x40 && c <= 0x7e) || c == 0x18 ||
			    c == 0x1a)
				cf->state = CF_GROUND;
			continue;
		}
		/*
		 * Not a sequence the console treats: what is held goes on as
		 * it is and this byte is read again from the ground state.
		 */
		clearfilter_flush(cf, cb, arg);
		cf->state = CF_GROUND;
		start = i;
		i--;
	}
	if (cf->state == CF_GROUND || cf->state == CF_CSI_PASS) {
		if (len > start)
			cb(CLEARFILTER_TEXT, buf + start, len - start, arg);
	}
}
