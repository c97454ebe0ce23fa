/* timerwheel.c - per-thread hierarchical timer wheels: O(1) schedule and cancel, timers never fire early. */
#include <string.h>
#include "weir/element.h"
#include "router_priv.h"

/*
 * Four levels of 256 slots; a tick is 2^10 ns (about 1 us). Level L holds
 * timers due between 256^L and 256^(L+1) ticks from now, in slot
 * (tick >> 8L) & 255; when level L-1 wraps, the current slot of level L is
 * cascaded down. A timer goes in the slot of the first tick at or after
 * its expiry, so it never fires early (and at most a tick late, plus the
 * loop's latency). Timers further than 2^32 ticks (73 minutes) wait in the
 * last level and are re-filed as they cascade. Bitmaps of non-empty slots
 * let the clock skip empty stretches and find the next expiry quickly.
 */

static struct weir_thread *
timer_thread(const struct weir_timer *t)
{
	struct weir_router *r = t->owner->router;
	unsigned i = (unsigned)t->thread < r->nthreads ? (unsigned)t->thread : 0;
	return &r->threads[i];
}

static inline uint64_t
tick_of(int64_t ns)
{
	return ns <= 0 ? 0 : ((uint64_t)ns + WEIR_TICK_NS - 1) >> WEIR_TICK_SHIFT;
}

static void
slot_link(struct weir_thread *th, struct weir_timer *t, unsigned level, unsigned slot)
{
	struct weir_timer **head = &th->wheel[level][slot];

	t->next = *head;
	if (*head)
		(*head)->pprev = &t->next;
	*head = t;
	t->pprev = head;
	t->level = (uint8_t)level;
	t->slot = (uint8_t)slot;
	th->wheel_bits[level][slot >> 6] |= 1ull << (slot & 63);
}

static void
slot_unlink(struct weir_thread *th, struct weir_timer *t)
{
	*t->pprev = t->next;
	if (t->next)
		t->next->pprev = t->pprev;
	if (t->level != WEIR_WHEEL_FIRING && th->wheel[t->level][t->slot] == NULL)
		th->wheel_bits[t->level][t->slot >> 6] &= ~(1ull << (t->slot & 63));
	t->pprev = NULL;
	t->next = NULL;
}

/* Files t by its expiry relative to th's clock. */
static void
wheel_insert(struct weir_thread *th, struct weir_timer *t)
{
	uint64_t tick = tick_of(t->expiry_ns), delta;
	unsigned level;

	if (tick < th->cur_tick)
		tick = th->cur_tick;
	delta = tick - th->cur_tick;
	if (delta >= (1ull << 32)) {
		delta = (1ull << 32) - 1;
		tick = th->cur_tick + delta;
	}
	for (level = 0; level < WEIR_WHEEL_LEVELS - 1; level++)
		if (delta < (1ull << (WEIR_WHEEL_BITS * (level + 1))))
			break;
	slot_link(th, t, level, (unsigned)(tick >> (WEIR_WHEEL_BITS * level)) & (WEIR_WHEEL_SLOTS - 1));
}

void
weir_timer_init(struct weir_timer *t, struct weir_element *owner,
		void (*fn)(struct weir_timer *t, void *arg), void *arg)
{
	*t = (struct weir_timer){ .fn = fn, .arg = arg, .owner = owner,
				  .thread = owner ? owner->home_thread : 0 };
}

void
weir_timer_schedule_at(struct weir_timer *t, int64_t when_ns)
{
	struct weir_thread *th = timer_thread(t);

	if (t->pprev)
		slot_unlink(th, t);
	else if (th->ntimers++ == 0)
		th->cur_tick = (uint64_t)weir_time_ns() >> WEIR_TICK_SHIFT; /* empty: reset the clock */
	t->expiry_ns = when_ns;
	wheel_insert(th, t);
}

void
weir_timer_schedule_after(struct weir_timer *t, int64_t delta_ns)
{
	weir_timer_schedule_at(t, weir_time_ns() + delta_ns);
}

void
weir_timer_unschedule(struct weir_timer *t)
{
	if (!t->pprev)
		return;
	struct weir_thread *th = timer_thread(t);
	slot_unlink(th, t);
	th->ntimers--;
}

/* Re-files the timers of level `level`'s slot for the clock now at `tick`. */
static void
cascade(struct weir_thread *th, unsigned level, uint64_t tick)
{
	unsigned slot = (unsigned)(tick >> (WEIR_WHEEL_BITS * level)) & (WEIR_WHEEL_SLOTS - 1);
	struct weir_timer *t = th->wheel[level][slot];

	th->wheel[level][slot] = NULL;
	th->wheel_bits[level][slot >> 6] &= ~(1ull << (slot & 63));
	while (t) {
		struct weir_timer *next = t->next;
		t->pprev = NULL;
		wheel_insert(th, t);
		t = next;
	}
}

/* First set bit of a level's bitmap at or after `from` (0..255), or 256. */
static unsigned
next_slot(const uint64_t bits[WEIR_WHEEL_SLOTS / 64], unsigned from)
{
	for (unsigned w = from >> 6; w < WEIR_WHEEL_SLOTS / 64; w++) {
		uint64_t m = bits[w];
		if (w == from >> 6)
			m &= ~0ull << (from & 63);
		if (m)
			return w * 64 + (unsigned)__builtin_ctzll(m);
	}
	return WEIR_WHEEL_SLOTS;
}

/*
 * Fires the level-0 slot of a tick the clock has passed. Its timers move to
 * th->firing first, where they stay properly linked: a callback may cancel
 * or reschedule any of them (a rescheduled timer lands at a later tick).
 */
static int
fire_slot(struct weir_thread *th, unsigned slot)
{
	struct weir_timer *t = th->wheel[0][slot];
	int fired = 0;

	th->wheel[0][slot] = NULL;
	th->wheel_bits[0][slot >> 6] &= ~(1ull << (slot & 63));
	th->firing = t;
	if (t)
		t->pprev = &th->firing;
	for (struct weir_timer *x = t; x; x = x->next)
		x->level = WEIR_WHEEL_FIRING;
	while ((t = th->firing) != NULL) {
		slot_unlink(th, t);
		th->ntimers--;
		t->fn(t, t->arg);
		fired++;
	}
	return fired;
}

int
weir_thread_run_timers(struct weir_thread *th, int64_t now)
{
	uint64_t now_tick = now <= 0 ? 0 : (uint64_t)now >> WEIR_TICK_SHIFT;
	int fired = 0;

	while (th->ntimers && th->cur_tick <= now_tick) {
		uint64_t cur = th->cur_tick;
		unsigned idx = (unsigned)cur & (WEIR_WHEEL_SLOTS - 1);

		if (idx == 0)
			for (unsigned l = 1; l < WEIR_WHEEL_LEVELS; l++) {
				cascade(th, l, cur);
				if (((cur >> (WEIR_WHEEL_BITS * l)) & (WEIR_WHEEL_SLOTS - 1)) != 0)
					break;
			}
		if (th->wheel[0][idx]) {
			th->cur_tick = cur + 1; /* reschedules from callbacks land after cur */
			fired += fire_slot(th, idx);
			continue;
		}
		/* skip to the next busy slot or the next wrap, whichever is first */
		uint64_t next = cur - idx + next_slot(th->wheel_bits[0], idx);
		th->cur_tick = next < now_tick + 1 ? next : now_tick + 1;
	}
	return fired;
}

/* A lower bound of the next expiry (exact for timers due within 256 ticks). */
int64_t
weir_thread_next_timer(const struct weir_thread *th)
{
	uint64_t best = UINT64_MAX;

	if (th->ntimers == 0)
		return INT64_MAX;
	for (unsigned l = 0; l < WEIR_WHEEL_LEVELS; l++) {
		unsigned shift = WEIR_WHEEL_BITS * l;
		uint64_t base = th->cur_tick >> shift;
		unsigned cur = (unsigned)base & (WEIR_WHEEL_SLOTS - 1);
		unsigned k = next_slot(th->wheel_bits[l], l == 0 ? cur : cur + 1 > 255 ? 256 : cur + 1);
		uint64_t when;

		if (k == WEIR_WHEEL_SLOTS) /* wrap: slots before cur (and cur itself above 0) */
			k = next_slot(th->wheel_bits[l], 0) + WEIR_WHEEL_SLOTS;
		if (k >= 2 * WEIR_WHEEL_SLOTS)
			continue;
		/* level 0: the slot's tick; above: when that slot cascades */
		when = (base - cur + k) << shift;
		if (when < best)
			best = when;
	}
	if (best == UINT64_MAX)
		return INT64_MAX;
	return best > (uint64_t)INT64_MAX >> WEIR_TICK_SHIFT ? INT64_MAX
							       : (int64_t)(best << WEIR_TICK_SHIFT);
}
