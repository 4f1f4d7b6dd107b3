/*
 * keyname.c: key names to XKB keysyms and modifiers (see keyname.h).
 *
 * The named keys are one table, as config.c's keys are: adding a key is
 * adding a row.  The parser peels off the C- and M- prefixes, then looks
 * the rest up in the table, or takes it as one character.  It never
 * produces bytes itself: keys go through libtsm (vt_key()), so Up is
 * ESC [ A or ESC O A as the run's cursor-key mode says.
 */
#include "rexec.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <xkbcommon/xkbcommon-keysyms.h>

#include "keyname.h"
#include "utf8.h"
#include "vt.h"

struct keyname_entry {
	const char	*name;
	uint32_t	 keysym;
	uint32_t	 unicode;	/* VT_NO_UNICODE: the keysym says it all */
};

/*
 * Every named key.  BTab is Shift-Tab (tmux's name); Return, Esc, PgUp
 * and PgDn, after the names DESIGN.md lists, are aliases.
 */
static const struct keyname_entry keyname_table[] = {
	{ "Enter",	XKB_KEY_Return,		VT_NO_UNICODE },
	{ "Tab",	XKB_KEY_Tab,		VT_NO_UNICODE },
	{ "Escape",	XKB_KEY_Escape,		VT_NO_UNICODE },
	{ "Backspace",	XKB_KEY_BackSpace,	VT_NO_UNICODE },
	{ "Up",		XKB_KEY_Up,		VT_NO_UNICODE },
	{ "Down",	XKB_KEY_Down,		VT_NO_UNICODE },
	{ "Left",	XKB_KEY_Left,		VT_NO_UNICODE },
	{ "Right",	XKB_KEY_Right,		VT_NO_UNICODE },
	{ "Home",	XKB_KEY_Home,		VT_NO_UNICODE },
	{ "End",	XKB_KEY_End,		VT_NO_UNICODE },
	{ "PageUp",	XKB_KEY_Prior,		VT_NO_UNICODE },
	{ "PageDown",	XKB_KEY_Next,		VT_NO_UNICODE },
	{ "Insert",	XKB_KEY_Insert,		VT_NO_UNICODE },
	{ "Delete",	XKB_KEY_Delete,		VT_NO_UNICODE },
	{ "F1",		XKB_KEY_F1,		VT_NO_UNICODE },
	{ "F2",		XKB_KEY_F2,		VT_NO_UNICODE },
	{ "F3",		XKB_KEY_F3,		VT_NO_UNICODE },
	{ "F4",		XKB_KEY_F4,		VT_NO_UNICODE },
	{ "F5",		XKB_KEY_F5,		VT_NO_UNICODE },
	{ "F6",		XKB_KEY_F6,		VT_NO_UNICODE },
	{ "F7",		XKB_KEY_F7,		VT_NO_UNICODE },
	{ "F8",		XKB_KEY_F8,		VT_NO_UNICODE },
	{ "F9",		XKB_KEY_F9,		VT_NO_UNICODE },
	{ "F10",	XKB_KEY_F10,		VT_NO_UNICODE },
	{ "F11",	XKB_KEY_F11,		VT_NO_UNICODE },
	{ "F12",	XKB_KEY_F12,		VT_NO_UNICODE },
	{ "Space",	XKB_KEY_space,		' ' },
	{ "BTab",	XKB_KEY_ISO_Left_Tab,	VT_NO_UNICODE },
	{ "Return",	XKB_KEY_Return,		VT_NO_UNICODE },
	{ "Esc",	XKB_KEY_Escape,		VT_NO_UNICODE },
	{ "PgUp",	XKB_KEY_Prior,		VT_NO_UNICODE },
	{ "PgDn",	XKB_KEY_Next,		VT_NO_UNICODE },
};

/*
 * What C- goes with besides the letters, and the ASCII twin libtsm 4.0.2
 * wants for it: its Ctrl map knows space (not @) for NUL, ~ (not ^) for
 * RS and / (not _) for US, the keys a human presses for them.
 */
static const struct {
	char		name;
	uint32_t	ascii;
} keyname_ctrl_punct[] = {
	{ '@', ' ' },		/* NUL */
	{ '[', '[' },		/* ESC */
	{ '\\', '\\' },		/* FS */
	{ ']', ']' },		/* GS */
	{ '^', '~' },		/* RS */
	{ '_', '/' },		/* US */
};

/* The i-th name of the table, for lists and tests; NULL past the end. */
const char *
keyname_at(unsigned int i)
{
	if (i >= nitems(keyname_table))
		return (NULL);
	return (keyname_table[i].name);
}

/* The one code point s holds if it is a single printable character. */
static int
keyname_char(const char *s, uint32_t *cp)
{
	struct utf8_decoder	d;
	uint32_t		out[2];
	size_t			len = strlen(s), i;
	int			n = 0;

	if (len == 0 || len > 4 || !utf8_valid(s, len))
		return (-1);
	utf8_decoder_init(&d);
	for (i = 0; i < len; i++) {
		if (utf8_decode_byte(&d, (uint8_t)s[i], out) == 1) {
			*cp = out[0];
			n++;
		}
	}
	if (n != 1)
		return (-1);
	if (*cp < 0x20 || (*cp >= 0x7f && *cp < 0xa0))
		return (-1);
	return (0);
}

/*
 * The XKB keysym of a character: Latin-1 keysyms are the code points,
 * the rest are 0x01000000 + the code point.
 */
static uint32_t
keyname_char_keysym(uint32_t cp)
{
	if (cp < 0x100)
		return (cp);
	return (0x01000000U | cp);
}

static int
keyname_ctrl(const char *s, struct keyname *out)
{
	uint32_t	c;
	size_t		i;

	if (strcasecmp(s, "Space") == 0)
		s = "@";		/* Ctrl-Space types NUL, as C-@ */
	if (s[0] == '\0' || s[1] != '\0')
		return (-1);
	c = (unsigned char)s[0];
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';		/* a terminal cannot tell them apart */
	if (c < 'a' || c > 'z') {
		for (i = 0; i < nitems(keyname_ctrl_punct); i++) {
			if (keyname_ctrl_punct[i].name == (char)c)
				break;
		}
		if (i == nitems(keyname_ctrl_punct))
			return (-1);
		c = keyname_ctrl_punct[i].ascii;
	}
	out->keysym = c;	/* Latin-1 keysyms are their characters */
	out->ascii = c;
	out->mods |= VT_MOD_CTRL;
	out->unicode = VT_NO_UNICODE;
	return (0);
}

static int
keyname_base(const char *s, struct keyname *out)
{
	const struct keyname_entry	*e;
	uint32_t			 cp;
	size_t				 i;

	for (i = 0; i < nitems(keyname_table); i++) {
		e = &keyname_table[i];
		if (strcasecmp(e->name, s) == 0) {
			out->keysym = e->keysym;
			out->ascii = e->unicode != VT_NO_UNICODE ? e->unicode :
			    XKB_KEY_NoSymbol;
			out->unicode = e->unicode;
			return (0);
		}
	}
	if (keyname_char(s, &cp) != 0)
		return (-1);
	out->keysym = keyname_char_keysym(cp);
	out->ascii = cp < 0x80 ? cp : XKB_KEY_NoSymbol;
	out->unicode = cp;
	return (0);
}

/*
 * Parse one key name into *out.  Returns 0, or -1 when the name is not
 * one (out is then left zeroed).
 */
int
keyname_parse(const char *name, struct keyname *out)
{
	const char	*s = name;
	int		 ctrl = 0, r;

	memset(out, 0, sizeof *out);
	if (name == NULL)
		return (-1);
	/* A prefix needs something after it: "M-" alone is not a key. */
	while ((s[0] == 'C' || s[0] == 'c' || s[0] == 'M' || s[0] == 'm') &&
	    s[1] == '-' && s[2] != '\0') {
		if (s[0] == 'C' || s[0] == 'c') {
			if (ctrl)
				goto fail;
			ctrl = 1;
		} else {
			if (out->mods & VT_MOD_ALT)
				goto fail;
			out->mods |= VT_MOD_ALT;
		}
		s += 2;
	}
	r = ctrl ? keyname_ctrl(s, out) : keyname_base(s, out);
	if (r == 0)
		return (0);
fail:
	memset(out, 0, sizeof *out);
	return (-1);
}
