/* notifier.h - empty notifiers: let pull-driving tasks sleep until packets exist upstream. */
#ifndef WEIR_NOTIFIER_H
#define WEIR_NOTIFIER_H

#include "weir/common.h"

struct weir_task;
struct weir_element;

#define WEIR_NOTIFIER_MAX_LISTENERS 16

/*
 * Click's empty notifier. An element whose output is pulled (Queue, FromDump
 * in pull mode) owns one: active means "a pull may return packets". When it
 * goes from inactive to active it schedules every listener task.
 * A puller (Unqueue, ToDump, ReplayUnqueue) finds the notifier upstream with
 * weir_notifier_upstream(), registers its task, and unschedules itself when a
 * pull returns nothing and the notifier is inactive.
 */
struct weir_notifier {
	bool active;
	int nlisteners;
	struct weir_task *listeners[WEIR_NOTIFIER_MAX_LISTENERS];
};

void weir_notifier_init(struct weir_notifier *n, bool active);
/* Whether packets may be available (any thread). */
static inline bool
weir_notifier_active(const struct weir_notifier *n)
{
	return __atomic_load_n(&n->active, __ATOMIC_ACQUIRE);
}
/* Set active; schedules listeners when it was inactive. */
void weir_notifier_wake(struct weir_notifier *n);
void weir_notifier_sleep(struct weir_notifier *n);
/* Returns 0, or -ENOSPC when the listener table is full. */
int weir_notifier_add_listener(struct weir_notifier *n, struct weir_task *t);
/*
 * The notifier feeding input `port` of e: follows the connection upstream,
 * through elements with one input and no notifier of their own, to the first
 * element whose class->notifier returns one. NULL when there is none (then
 * the puller must keep polling).
 */
struct weir_notifier *weir_notifier_upstream(struct weir_element *e, int port);

#endif
