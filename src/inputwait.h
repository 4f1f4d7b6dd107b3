/*
 * inputwait.h: is a run's foreground process blocked reading its terminal?
 */
#ifndef INPUTWAIT_H
#define INPUTWAIT_H

#include <sys/types.h>

int	inputwait_check(pid_t, int);

#endif
