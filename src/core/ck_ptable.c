/*
 * ck_ptable.c
 *		The cell-key p-table: which perturbation a cell of n units gets for
 *		its cell key.
 *
 * Row h (the headroom n - threshold, capped at D) is a distribution on
 * j in [-min(h, D), D] with mean exactly 0 and variance V.  Among all such
 * distributions it is the one of maximum entropy, the least informative
 * choice: p_j proportional to exp(a j + b j^2), with (a, b) found by Newton's
 * method on the convex dual log Z(a, b) - b V.  Its probabilities are then
 * quantized to integer weights summing to 2^32, corrected so the mean stays
 * exactly 0 in integer arithmetic; the variance moves by at most a few
 * parts in 2^32.  A 32-bit cell key, uniform over the weights, picks j.
 *
 * 0 < V < D makes every row feasible: row h >= 1 can reach any variance
 * below h * D >= D (its two-point extreme), and row 0 is the point mass at
 * 0, so a cell exactly at the threshold is published unperturbed.
 */
#include "ck_core.h"

#include <math.h>
#include <string.h>

/*
 * Maximum-entropy probabilities on [lo, hi] (lo <= 0 < hi) with mean 0 and
 * second moment v.  Returns false if Newton's method does not converge.
 */
static bool
maxent_row(int lo, int hi, double v, double *p)
{
	double		a = 0.0,
				b = 0.0;
	int			iter;

	for (iter = 0; iter < 200; iter++)
	{
		double		m1 = 0,
					m2 = 0,
					m3 = 0,
					m4 = 0,
					z = 0,
					top = -INFINITY;
		double		g1,
					g2,
					h11,
					h12,
					h22,
					det,
					d1,
					d2;
		int			j;

		for (j = lo; j <= hi; j++)
			if (a * j + b * j * j > top)
				top = a * j + b * j * j;
		for (j = lo; j <= hi; j++)
		{
			double		w = exp(a * j + b * j * j - top);

			p[j - lo] = w;
			z += w;
		}
		for (j = lo; j <= hi; j++)
		{
			double		q = p[j - lo] /= z;

			m1 += q * j;
			m2 += q * j * j;
			m3 += q * j * j * j;
			m4 += q * j * j * j * j;
		}
		g1 = m1;
		g2 = m2 - v;
		if (fabs(g1) < 1e-13 && fabs(g2) < 1e-13 * (1 + v))
			return true;
		/* Hessian of the dual: covariance of (j, j^2) */
		h11 = m2 - m1 * m1;
		h12 = m3 - m1 * m2;
		h22 = m4 - m2 * m2;
		det = h11 * h22 - h12 * h12;
		if (!(det > 0))
			return false;
		d1 = -(h22 * g1 - h12 * g2) / det;
		d2 = -(h11 * g2 - h12 * g1) / det;
		/* damp long steps: far from the optimum the quadratic model is poor */
		{
			double		len = sqrt(d1 * d1 + d2 * d2);

			if (len > 2.0)
			{
				d1 *= 2.0 / len;
				d2 *= 2.0 / len;
			}
		}
		a += d1;
		b += d2;
	}
	return false;
}

ck_status
ck_ptable_build(int32_t max_dev, double variance, ck_ptable *t)
{
	int			d = max_dev;
	int			h;

	if (max_dev < 1 || max_dev > CK_PT_MAX_DEV ||
		!(variance > 0) || !(variance < (double) max_dev))
		return CK_ERR_PTABLE;
	memset(t, 0, sizeof(*t));
	t->max_dev = max_dev;
	t->variance = variance;

	/* row 0: a cell exactly at the threshold can only stay where it is */
	t->weight[0][d] = CK_PT_TOTAL;
	t->prob[0][d] = 1.0;

	for (h = 1; h <= d; h++)
	{
		double	   *p = &t->prob[h][d - h];
		uint64_t   *w = &t->weight[h][0];
		int64_t		sum = 0,
					moment = 0;
		int			j;

		if (!maxent_row(-h, d, variance, p))
			return CK_ERR_PTABLE;
		for (j = -h; j <= d; j++)
		{
			w[j + d] = (uint64_t) llround(p[j + h] * (double) CK_PT_TOTAL);
			sum += (int64_t) w[j + d];
		}
		/* the total must be exactly 2^32: the rounding error goes to j = 0 */
		sum -= (int64_t) CK_PT_TOTAL;
		if (sum > 0 && w[d] < (uint64_t) sum)
			return CK_ERR_PTABLE;
		w[d] -= sum;
		for (j = -h; j <= d; j++)
			moment += (int64_t) j * (int64_t) w[j + d];

		/*
		 * The mean must be exactly 0: move single units of weight between 0
		 * and -1 (moment too high) or 0 and +1 (too low).
		 */
		if (w[d] < (uint64_t) (moment < 0 ? -moment : moment))
			return CK_ERR_PTABLE;
		if (moment > 0)
		{
			w[d] -= moment;
			w[d - 1] += moment;
		}
		else if (moment < 0)
		{
			w[d] -= -moment;
			w[d + 1] += -moment;
		}
	}
	return CK_OK;
}

int32_t
ck_ptable_lookup(const ck_ptable *t, uint64_t headroom, uint32_t cell_key)
{
	int			d = t->max_dev;
	int			h = headroom < (uint64_t) d ? (int) headroom : d;
	uint64_t	cum = 0;
	int			j;

	for (j = -h; j < d; j++)
	{
		cum += t->weight[h][j + d];
		if ((uint64_t) cell_key < cum)
			return j;
	}
	return d;
}
