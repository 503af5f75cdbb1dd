/*
 * ck_suppress.c
 *		Primary and complementary suppression of one table row of counts.
 *
 * Primary suppression hides every cell with 0 < n < t.  A single hidden cell
 * could be recovered as the row total minus the published cells, and hidden
 * cells summing to less than t give away a total below the threshold, so
 * complementary suppression then hides the smallest remaining non-zero
 * cells until neither holds.  Every remaining non-zero cell is at least t,
 * so one step always suffices when any cell remains.
 *
 * A cell whose count is unknown (a NULL input, say a count suppressed
 * upstream) is a hidden cell like any other: were it ignored, it would be
 * the row total minus the published cells.  Its value is unknown, so it
 * adds nothing to the hidden sum, which errs toward hiding more.
 *
 * Cells are told apart only by their value, never by their position: equal
 * cells are hidden together or not at all.  A tie broken by the order of
 * the cells (a window's ORDER BY) would let a row published twice, in two
 * orders, show each of the tied cells once, and give the hidden one back.
 */
#include "ck_core.h"

#include "dayset_core.h"

#include <stdlib.h>

typedef struct cell_ref
{
	int64_t		n;
	int64_t		idx;
} cell_ref;

/* a + b, stopping at INT64_MAX; both non-negative */
static inline int64_t
add_sat(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static int
cmp_cell(const void *a, const void *b)
{
	const cell_ref *x = a;
	const cell_ref *y = b;

	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

ck_status
ck_suppress(const int64_t *n, const bool *unknown, int64_t m, int64_t t,
			bool *suppressed)
{
	cell_ref   *cand;
	int64_t		ncand = 0;
	int64_t		hidden = 0;
	int64_t		hidden_sum = 0;
	int64_t		i,
				next;

	for (i = 0; i < m; i++)
	{
		if (unknown != NULL && unknown[i])
		{
			suppressed[i] = true;
			hidden++;
			continue;
		}
		if (n[i] < 0)
			return CK_ERR_NEGATIVE;
		suppressed[i] = n[i] > 0 && n[i] < t;
		if (suppressed[i])
		{
			hidden++;
			hidden_sum = add_sat(hidden_sum, n[i]);
		}
		else if (n[i] > 0)
			ncand++;
	}
	if (hidden == 0 || ncand == 0 || (hidden >= 2 && hidden_sum >= t))
		return CK_OK;

	cand = ds_alloc((size_t) ncand * sizeof(cell_ref));
	if (cand == NULL)
		return CK_ERR_NOMEM;
	ncand = 0;
	for (i = 0; i < m; i++)
		if (!suppressed[i] && n[i] > 0)
		{
			cand[ncand].n = n[i];
			cand[ncand].idx = i;
			ncand++;
		}
	qsort(cand, (size_t) ncand, sizeof(cell_ref), cmp_cell);

	/* hide whole ties, smallest first, while the row is still revealing */
	for (i = 0; i < ncand && (hidden == 1 || hidden_sum < t); i = next)
	{
		for (next = i; next < ncand && cand[next].n == cand[i].n; next++)
		{
			suppressed[cand[next].idx] = true;
			hidden++;
			hidden_sum = add_sat(hidden_sum, cand[next].n);
		}
	}
	ds_free(cand);
	return CK_OK;
}
