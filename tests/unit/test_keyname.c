/*
 * test_keyname.c: key names (src/keyname.c), parsed and then typed
 * through a real vt, so the bytes are the ones a run would receive.
 */
#include "rexec.h"

#include <stdint.h>

#include <xkbcommon/xkbcommon-keysyms.h>

#include "keyname.h"
#include "unit.h"
#include "vt.h"

static char	wbuf[256];
static size_t	wlen;

static void
collect(const char *buf, size_t len, void *arg)
{
	(void)arg;
	ck_assert_uint_le(wlen + len, sizeof(wbuf));
	memcpy(wbuf + wlen, buf, len);
	wlen += len;
}

/* The bytes name types into vt, which must be exactly len bytes of want. */
static void
types(struct vt *vt, const char *name, const char *want, size_t len)
{
	struct keyname	k;

	ck_assert_msg(keyname_parse(name, &k) == 0, "%s: not parsed", name);
	wlen = 0;
	vt_key(vt, k.keysym, k.ascii, k.mods, k.unicode);
	ck_assert_msg(wlen == len && memcmp(wbuf, want, len) == 0,
	    "%s: %zu bytes, want %zu", name, wlen, len);
}

#define TYPES(vt, name, want)	types(vt, name, want, sizeof(want) - 1)

static void
unknown(const char *name)
{
	struct keyname	k;

	memset(&k, 0xaa, sizeof k);
	ck_assert_msg(keyname_parse(name, &k) == -1, "%s: parsed", name);
	ck_assert_uint_eq(k.keysym, 0);
	ck_assert_uint_eq(k.mods, 0);
}

START_TEST(test_fields)
{
	struct keyname	k;

	ck_assert_int_eq(keyname_parse("Up", &k), 0);
	ck_assert_uint_eq(k.keysym, XKB_KEY_Up);
	ck_assert_uint_eq(k.ascii, XKB_KEY_NoSymbol);
	ck_assert_uint_eq(k.mods, 0);
	ck_assert_uint_eq(k.unicode, VT_NO_UNICODE);

	ck_assert_int_eq(keyname_parse("C-c", &k), 0);
	ck_assert_uint_eq(k.keysym, XKB_KEY_c);
	ck_assert_uint_eq(k.ascii, 'c');
	ck_assert_uint_eq(k.mods, VT_MOD_CTRL);
	ck_assert_uint_eq(k.unicode, VT_NO_UNICODE);

	ck_assert_int_eq(keyname_parse("M-x", &k), 0);
	ck_assert_uint_eq(k.keysym, XKB_KEY_x);
	ck_assert_uint_eq(k.ascii, 'x');
	ck_assert_uint_eq(k.mods, VT_MOD_ALT);
	ck_assert_uint_eq(k.unicode, 'x');

	ck_assert_int_eq(keyname_parse("PageDown", &k), 0);
	ck_assert_uint_eq(k.keysym, XKB_KEY_Next);
	ck_assert_int_eq(keyname_parse("F12", &k), 0);
	ck_assert_uint_eq(k.keysym, XKB_KEY_F12);
	ck_assert_int_eq(keyname_parse("Space", &k), 0);
	ck_assert_uint_eq(k.keysym, XKB_KEY_space);
	ck_assert_uint_eq(k.unicode, ' ');

	/* Latin-1 keysyms are the code point, the rest 0x01000000 + it. */
	ck_assert_int_eq(keyname_parse("\xc3\xa9", &k), 0);	/* é */
	ck_assert_uint_eq(k.keysym, XKB_KEY_eacute);
	ck_assert_uint_eq(k.ascii, XKB_KEY_NoSymbol);
	ck_assert_uint_eq(k.unicode, 0xe9);
	ck_assert_int_eq(keyname_parse("\xe2\x82\xac", &k), 0);	/* € */
	ck_assert_uint_eq(k.keysym, 0x010020ac);
	ck_assert_uint_eq(k.unicode, 0x20ac);
	ck_assert_int_eq(keyname_parse("\xf0\x9f\x98\x80", &k), 0);
	ck_assert_uint_eq(k.unicode, 0x1f600);
}
END_TEST

START_TEST(test_case_and_prefixes)
{
	struct keyname	a, b;

	/* Named keys ignore ASCII case; single characters do not. */
	ck_assert_int_eq(keyname_parse("enter", &a), 0);
	ck_assert_int_eq(keyname_parse("ENTER", &b), 0);
	ck_assert_uint_eq(a.keysym, XKB_KEY_Return);
	ck_assert_uint_eq(b.keysym, XKB_KEY_Return);
	ck_assert_int_eq(keyname_parse("pagEUp", &a), 0);
	ck_assert_uint_eq(a.keysym, XKB_KEY_Prior);
	ck_assert_int_eq(keyname_parse("f1", &a), 0);
	ck_assert_uint_eq(a.keysym, XKB_KEY_F1);
	ck_assert_int_eq(keyname_parse("a", &a), 0);
	ck_assert_int_eq(keyname_parse("A", &b), 0);
	ck_assert_uint_ne(a.keysym, b.keysym);

	/* C-A is C-a: a terminal cannot tell them apart. */
	ck_assert_int_eq(keyname_parse("C-A", &a), 0);
	ck_assert_int_eq(keyname_parse("C-a", &b), 0);
	ck_assert_mem_eq(&a, &b, sizeof a);
	ck_assert_int_eq(keyname_parse("c-a", &a), 0);
	ck_assert_mem_eq(&a, &b, sizeof a);

	/* M-C-x and C-M-x are one key; m- is M-. */
	ck_assert_int_eq(keyname_parse("M-C-a", &a), 0);
	ck_assert_int_eq(keyname_parse("C-M-a", &b), 0);
	ck_assert_mem_eq(&a, &b, sizeof a);
	ck_assert_uint_eq(a.mods, VT_MOD_CTRL | VT_MOD_ALT);
	ck_assert_int_eq(keyname_parse("m-Enter", &a), 0);
	ck_assert_uint_eq(a.mods, VT_MOD_ALT);
	ck_assert_uint_eq(a.keysym, XKB_KEY_Return);

	/* Aliases. */
	ck_assert_int_eq(keyname_parse("Return", &a), 0);
	ck_assert_uint_eq(a.keysym, XKB_KEY_Return);
	ck_assert_int_eq(keyname_parse("Esc", &a), 0);
	ck_assert_uint_eq(a.keysym, XKB_KEY_Escape);
	ck_assert_int_eq(keyname_parse("PgUp", &a), 0);
	ck_assert_uint_eq(a.keysym, XKB_KEY_Prior);
	ck_assert_int_eq(keyname_parse("PgDn", &a), 0);
	ck_assert_uint_eq(a.keysym, XKB_KEY_Next);

	/* The letters C, M and - are keys of their own. */
	ck_assert_int_eq(keyname_parse("C", &a), 0);
	ck_assert_uint_eq(a.unicode, 'C');
	ck_assert_int_eq(keyname_parse("-", &a), 0);
	ck_assert_int_eq(keyname_parse("M--", &a), 0);
	ck_assert_uint_eq(a.unicode, '-');
	ck_assert_uint_eq(a.mods, VT_MOD_ALT);
}
END_TEST

START_TEST(test_unknown)
{
	struct keyname	k;

	ck_assert_int_eq(keyname_parse(NULL, &k), -1);
	unknown("");
	unknown("Foo");
	unknown("F0");
	unknown("F13");
	unknown("Ente");
	unknown("Enter ");
	unknown("ab");
	unknown("\t");			/* controls are not characters: Tab */
	unknown("\x7f");
	unknown("\xc2\x85");		/* C1 NEL */
	unknown("\xff");		/* invalid UTF-8 */
	unknown("\xc3");		/* cut short */
	unknown("\xed\xa0\x80");	/* a surrogate */
	unknown("C-");
	unknown("M-");
	unknown("C-1");
	unknown("C-Up");
	unknown("C-ab");
	unknown("C-\xc3\xa9");
	unknown("C-C-a");
	unknown("M-M-x");
	unknown("M-C-");
	unknown("M-Foo");
	unknown("S-Tab");
}
END_TEST

/* Every name of the table parses and types something. */
START_TEST(test_table)
{
	struct vt	*vt = vt_new(20, 5, 0, collect, NULL);
	struct keyname	 k;
	const char	*name;
	unsigned int	 i;
	char		*m;

	for (i = 0; (name = keyname_at(i)) != NULL; i++) {
		ck_assert_msg(keyname_parse(name, &k) == 0, "%s", name);
		wlen = 0;
		ck_assert_msg(vt_key(vt, k.keysym, k.ascii, k.mods,
		    k.unicode) == 1 && wlen > 0, "%s types nothing", name);
		if (asprintf(&m, "M-%s", name) == -1)
			abort();
		ck_assert_msg(keyname_parse(m, &k) == 0, "%s", m);
		ck_assert_uint_eq(k.mods, VT_MOD_ALT);
		free(m);
	}
	ck_assert_uint_ge(i, 27);	/* Enter ... F12, Space */
	ck_assert_ptr_null(keyname_at(i + 1));
	vt_free(vt);
}
END_TEST

START_TEST(test_bytes)
{
	struct vt	*vt = vt_new(20, 5, 0, collect, NULL);

	TYPES(vt, "Up", "\033[A");
	TYPES(vt, "Down", "\033[B");
	TYPES(vt, "Right", "\033[C");
	TYPES(vt, "Left", "\033[D");
	TYPES(vt, "Enter", "\r");
	TYPES(vt, "Tab", "\t");
	TYPES(vt, "BTab", "\033[Z");
	TYPES(vt, "Escape", "\033");
	TYPES(vt, "Backspace", "\177");
	TYPES(vt, "Home", "\033[H");
	TYPES(vt, "End", "\033[F");
	TYPES(vt, "PageUp", "\033[5~");
	TYPES(vt, "PageDown", "\033[6~");
	TYPES(vt, "Insert", "\033[2~");
	TYPES(vt, "Delete", "\033[3~");
	TYPES(vt, "F1", "\033OP");
	TYPES(vt, "F4", "\033OS");
	TYPES(vt, "F5", "\033[15~");
	TYPES(vt, "F12", "\033[24~");
	TYPES(vt, "Space", " ");
	TYPES(vt, "y", "y");
	TYPES(vt, "\xc3\xa9", "\xc3\xa9");
	TYPES(vt, "C-a", "\001");
	TYPES(vt, "C-c", "\003");
	TYPES(vt, "C-z", "\032");
	TYPES(vt, "C-@", "\0");
	TYPES(vt, "C-Space", "\0");
	TYPES(vt, "C-[", "\033");
	TYPES(vt, "C-\\", "\034");
	TYPES(vt, "C-]", "\035");
	TYPES(vt, "C-^", "\036");
	TYPES(vt, "C-_", "\037");
	TYPES(vt, "M-x", "\033x");
	TYPES(vt, "M-Enter", "\033\r");
	TYPES(vt, "M-C-a", "\033\001");
	TYPES(vt, "M-Backspace", "\033\177");
	vt_free(vt);
}
END_TEST

/* Cursor keys follow the run's modes: DECCKM gives SS3 forms. */
START_TEST(test_bytes_follow_modes)
{
	struct vt	*vt = vt_new(20, 5, 0, collect, NULL);

	TYPES(vt, "Up", "\033[A");
	vt_feed(vt, "\033[?1h", 5);
	TYPES(vt, "Up", "\033OA");
	TYPES(vt, "Down", "\033OB");
	TYPES(vt, "Right", "\033OC");
	TYPES(vt, "Left", "\033OD");
	TYPES(vt, "Enter", "\r");
	vt_feed(vt, "\033[?1l", 5);
	TYPES(vt, "Up", "\033[A");
	vt_free(vt);
}
END_TEST

static Suite *
keyname_suite(void)
{
	Suite	*s = suite_create("keyname");
	TCase	*tc = tcase_create("keyname");

	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_case_and_prefixes);
	tcase_add_test(tc, test_unknown);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_bytes);
	tcase_add_test(tc, test_bytes_follow_modes);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(keyname_suite)
