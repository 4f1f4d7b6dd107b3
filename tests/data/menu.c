/*
 * menu.c: a small full-screen menu for the CLI tests (tests/cli/long.bats),
 * not a test itself.  Up and Down move the selection (curses keypad mode,
 * so the terminal is in application cursor mode and cursor keys arrive as
 * ESC O A), Enter prints "chose <item>" after leaving curses and exits 0,
 * q exits 1.  The selected line starts with "> ".
 */
#include <curses.h>
#include <locale.h>
#include <stdio.h>

static const char *const items[] = { "apple", "banana", "cherry", "damson" };
#define NITEMS	((int)(sizeof(items) / sizeof(items[0])))

static void
draw(int sel)
{
	int	i;

	erase();
	mvaddstr(0, 0, "pick a fruit (Up, Down, Enter; q quits)");
	for (i = 0; i < NITEMS; i++)
		mvprintw(i + 2, 0, "%s %s", i == sel ? ">" : " ", items[i]);
	move(sel + 2, 0);
	refresh();
}

int
main(void)
{
	int	sel = 0, ch;

	setlocale(LC_ALL, "");
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	for (;;) {
		draw(sel);
		ch = getch();
		if (ch == KEY_UP && sel > 0)
			sel--;
		else if (ch == KEY_DOWN && sel < NITEMS - 1)
			sel++;
		else if (ch == '\r' || ch == '\n' || ch == KEY_ENTER)
			break;
		else if (ch == 'q' || ch == ERR) {
			endwin();
			return (1);
		}
	}
	endwin();
	printf("chose %s\n", items[sel]);
	return (0);
}
