/*
 * keyname.h: key names as agents write them ("Up", "C-c", "M-x", "F5")
 * and what vt_key() needs to type them.
 *
 * This module owns the list of key names (DESIGN.md section 4.1); the
 * client checks names with it before it sends them and the host turns
 * them into vt_key() arguments with it, so both agree on one table.  It
 * knows nothing of terminals, modes or bytes: libtsm's keyboard path
 * (vt_key()) decides what each key sends in the run's current modes.
 *
 * A name is, after at most one "C-" and one "M-" prefix in either order:
 * - a named key: Enter Tab Escape Backspace Up Down Left Right Home End
 *   PageUp PageDown Insert Delete F1 ... F12 Space BTab (Shift-Tab), or
 *   one of the aliases Return Esc PgUp PgDn; ASCII case is ignored
 *   ("enter", "PAGEUP");
 * - after "C-": one of a-z (A-Z mean the same), @ [ \ ] ^ _ or Space, the
 *   keys that type the ASCII controls (C-a ^A ... C-z ^Z, C-@ and
 *   C-Space NUL, C-[ ESC, C-\ C-] C-^ C-_ 0x1c..0x1f);
 * - otherwise a single printable character (one code point of valid
 *   UTF-8, not a control character), which types itself; case matters.
 * The prefixes are "C-" (Ctrl) and "M-" (Meta, i.e. Alt: ESC first);
 * "c-" and "m-" are accepted too.  "M-" goes with every key ("M-x",
 * "M-Enter", "M-C-a"); "C-" only with the characters above.
 */
#ifndef KEYNAME_H
#define KEYNAME_H

#include <stdint.h>

/* One key, as vt_key() takes it (see vt.h). */
struct keyname {
	uint32_t	keysym;		/* XKB_KEY_* */
	uint32_t	ascii;		/* ASCII twin for Ctrl, or XKB_KEY_NoSymbol */
	unsigned int	mods;		/* VT_MOD_* */
	uint32_t	unicode;	/* the character typed, or VT_NO_UNICODE */
};

int		 keyname_parse(const char *, struct keyname *);
const char	*keyname_at(unsigned int);

#endif
