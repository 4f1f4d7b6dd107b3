/*
 * test_uirun.c: a run as the viewer knows it (src/ui/uirun.c), filled
 * from the host's "run" events: what each event says is taken, what it
 * leaves out stays as it was, fields of the wrong type are ignored, and
 * what a human reads is escaped.
 */
#include "rexec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "unit.h"
#include "ui/ui_int.h"

static json_t *
event(const char *text)
{
	json_error_t	 err;
	json_t		*o = json_loads(text, 0, &err);

	ck_assert_msg(o != NULL, "%s", err.text);
	return (o);
}

/* Apply one event (JSON text) to ur. */
static int
update(struct ui_run *ur, const char *text, const char *home)
{
	json_t	*o = event(text);
	int	 r = ui_run_update(ur, o, home);

	json_decref(o);
	return (r);
}

START_TEST(test_queued)
{
	struct ui_run	*ur = ui_run_new(3);

	update(ur, "{\"event\":\"run\",\"seq\":3,\"state\":\"queued\","
	    "\"waiting_for_input\":false,\"detached\":false,"
	    "\"whoami\":\"Claude Code\",\"dir\":\"/home/u/proj\","
	    "\"argv\":[\"grep\",\"-v\",\"a b\",\"x.txt\"],"
	    "\"cols\":100,\"rows\":30}", "/home/u");
	ck_assert_uint_eq(ur->seq, 3);
	ck_assert_int_eq(ur->started, 0);
	ck_assert_int_eq(ur->ended, 0);
	ck_assert_str_eq(ur->whoami, "Claude Code");
	ck_assert_str_eq(ur->dir, "~/proj");
	ck_assert_str_eq(ur->cmd, "grep -v 'a b' x.txt");
	ck_assert_uint_eq(ur->cols, 100);
	ck_assert_uint_eq(ur->rows, 30);
	/* Not started: no banner, no clock. */
	ck_assert_ptr_null(ur->banner);
	ck_assert(ui_run_duration(ur, 1e9) < 0);
	ui_run_free(ur);
}
END_TEST

START_TEST(test_running_then_ended)
{
	struct ui_run	*ur = ui_run_new(7);

	update(ur, "{\"event\":\"run\",\"seq\":7,\"state\":\"running\","
	    "\"waiting_for_input\":true,\"detached\":false,\"whoami\":\"w\","
	    "\"dir\":\"/srv\",\"argv\":[\"make\"],\"cols\":80,\"rows\":24,"
	    "\"start\":\"2026-11-27T18:43:08.250Z\"}", NULL);
	ck_assert_int_eq(ur->started, 1);
	ck_assert_int_eq(ur->waiting, 1);
	ck_assert_str_eq(ur->banner,
	    "[2026-11-27T18:43:08Z] w:/srv $ make");
	/* The clock, from the start to the wall clock given. */
	ck_assert(ui_run_duration(ur, ur->start + 2.5) > 2.49);
	ck_assert(ui_run_duration(ur, ur->start + 2.5) < 2.51);
	ck_assert(ur->start - ui_run_time("2026-11-27T18:43:08Z") > 0.249);

	/* An event with a field left out leaves that field alone. */
	update(ur, "{\"event\":\"run\",\"seq\":7,\"state\":\"detached\","
	    "\"detached\":true}", NULL);
	ck_assert_int_eq(ur->detached, 1);
	ck_assert_int_eq(ur->waiting, 1);
	ck_assert_str_eq(ur->cmd, "make");

	update(ur, "{\"event\":\"run\",\"seq\":7,\"state\":\"ended\","
	    "\"waiting_for_input\":false,\"detached\":true,\"exit\":143,"
	    "\"signal\":15,\"error\":\"aborted\",\"duration_ms\":5250}", NULL);
	ck_assert_int_eq(ur->ended, 1);
	ck_assert_int_eq(ur->waiting, 0);
	ck_assert_int_eq(ur->exit_code, 143);
	ck_assert_int_eq(ur->signal, 15);
	ck_assert_str_eq(ur->error, "aborted");
	/* Once ended, the duration is the host's, whatever the clock. */
	ck_assert(ui_run_duration(ur, ur->start + 100) > 5.24);
	ck_assert(ui_run_duration(ur, ur->start + 100) < 5.26);
	ui_run_free(ur);
}
END_TEST

START_TEST(test_null_fields)
{
	struct ui_run	*ur = ui_run_new(1);

	update(ur, "{\"state\":\"ended\",\"exit\":0,\"signal\":null,"
	    "\"error\":null,\"duration_ms\":12}", NULL);
	ck_assert_int_eq(ur->ended, 1);
	ck_assert_int_eq(ur->started, 1);
	ck_assert_int_eq(ur->signal, 0);
	ck_assert_ptr_null(ur->error);
	ui_run_free(ur);
}
END_TEST

START_TEST(test_wrong_types_ignored)
{
	struct ui_run	*ur = ui_run_new(2);

	update(ur, "{\"state\":\"running\",\"whoami\":\"w\",\"dir\":\"/\","
	    "\"argv\":[\"true\"],\"cols\":80,\"rows\":24}", NULL);
	update(ur, "{\"state\":5,\"whoami\":7,\"dir\":[],\"argv\":\"x\","
	    "\"cols\":-1,\"rows\":\"24\",\"start\":\"yesterday\","
	    "\"exit\":\"0\",\"duration_ms\":-5}", NULL);
	ck_assert_int_eq(ur->started, 1);
	ck_assert_int_eq(ur->ended, 0);
	ck_assert_str_eq(ur->whoami, "w");
	ck_assert_str_eq(ur->dir, "/");
	ck_assert_str_eq(ur->cmd, "true");
	ck_assert_uint_eq(ur->cols, 80);
	ck_assert_uint_eq(ur->rows, 24);
	ck_assert(ur->start == 0);
	ck_assert(ur->duration < 0);
	ui_run_free(ur);
}
END_TEST

START_TEST(test_escaped)
{
	struct ui_run	*ur = ui_run_new(4);

	/* A title sequence in every string a human reads. */
	update(ur, "{\"state\":\"running\",\"whoami\":\"w\\u001b]2;X\\u0007\","
	    "\"dir\":\"/tmp/\\u001b[31m\",\"argv\":[\"echo\","
	    "\"\\u001b]52;c;SGk=\\u0007\"],\"start\":\"2026-01-02T03:04:05Z\"}",
	    NULL);
	ck_assert_str_eq(ur->whoami, "$'w\\e]2;X\\a'");
	ck_assert_str_eq(ur->dir, "$'/tmp/\\e[31m'");
	ck_assert_str_eq(ur->cmd, "echo $'\\e]52;c;SGk=\\a'");
	ck_assert_ptr_nonnull(ur->banner);
	ck_assert_ptr_null(strchr(ur->banner, '\033'));
	ck_assert_ptr_null(strchr(ur->banner, '\a'));
	ui_run_free(ur);
}
END_TEST

START_TEST(test_dir_home)
{
	char	*s;

	s = ui_run_dir("/home/u", "/home/u");
	ck_assert_str_eq(s, "~");
	free(s);
	s = ui_run_dir("/home/user2/x", "/home/u");
	ck_assert_str_eq(s, "/home/user2/x");
	free(s);
	s = ui_run_dir("/home/u/x", NULL);
	ck_assert_str_eq(s, "/home/u/x");
	free(s);
	ck_assert(ui_run_time("not a time") < 0);
	ck_assert(ui_run_time(NULL) < 0);
}
END_TEST

static Suite *
uirun_suite(void)
{
	Suite	*s = suite_create("uirun");
	TCase	*tc = tcase_create("uirun");

	tcase_add_test(tc, test_queued);
	tcase_add_test(tc, test_running_then_ended);
	tcase_add_test(tc, test_null_fields);
	tcase_add_test(tc, test_wrong_types_ignored);
	tcase_add_test(tc, test_escaped);
	tcase_add_test(tc, test_dir_home);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(uirun_suite)
