/* registry.c - element classes registered by name; lookup and name suggestions. */
#include <stdlib.h>
#include <string.h>
#include "weir/element.h"

/* Classes register from constructors before main(), single-threaded. */
static const struct weir_element_class **classes;
static size_t nclasses, capclasses;
static bool sorted;

void
weir_element_class_register(const struct weir_element_class *cls)
{
	if (nclasses == capclasses) {
		size_t cap = capclasses ? capclasses * 2 : 64;
		const struct weir_element_class **c = realloc(classes, cap * sizeof(*c));
		if (!c)
			abort();
		classes = c;
		capclasses = cap;
	}
	classes[nclasses++] = cls;
	sorted = false;
}

static int
class_cmp(const void *a, const void *b)
{
	const struct weir_element_class *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

static void
registry_sort(void)
{
	if (!sorted && nclasses)
		qsort(classes, nclasses, sizeof(*classes), class_cmp);
	sorted = true;
}

const struct weir_element_class *
weir_element_class_find(const char *name)
{
	registry_sort();
	size_t lo = 0, hi = nclasses;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, classes[mid]->name);
		if (c == 0)
			return classes[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t
weir_element_class_count(void)
{
	return nclasses;
}

const struct weir_element_class *
weir_element_class_at(size_t i)
{
	registry_sort();
	return i < nclasses ? classes[i] : NULL;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Edit distance, case-insensitive substitutions cost less than others. */
static unsigned
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return ~0u;
	unsigned row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j * 2;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];
		row[0] = (unsigned)i * 2;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned sub = a[i - 1] == b[j - 1] ? 0
				       : lower(a[i - 1]) == lower(b[j - 1]) ? 1 : 2;
			unsigned best = diag + sub;
			if (up + 2 < best)
				best = up + 2;
			if (row[j - 1] + 2 < best)
				best = row[j - 1] + 2;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

const char *
weir_element_class_suggest(const char *name)
{
	registry_sort();
	const char *best = NULL;
	unsigned bestd = ~0u;
	for (size_t i = 0; i < nclasses; i++) {
		unsigned d = edit_distance(name, classes[i]->name);
		if (d < bestd) {
			bestd = d;
			best = classes[i]->name;
		}
	}
	/* at most about a third of the name wrong (distance counts 2 per edit) */
	size_t len = strlen(name);
	if (best && bestd <= 2 * (len / 3 + 1))
		return best;
	return NULL;
}
