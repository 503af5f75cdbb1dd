/*
 * pb_ledger.c
 *		Exact accounting for the privacy budget ledger (see pb_ledger.h).
 *
 * Amounts are integers (units of 10^-12 epsilon).  The only conversions
 * are between them and decimal text, done digit by digit, and from a
 * float8 through its shortest round-trip decimal; the rounding direction
 * is always the caller's explicit choice.
 */
#include "pb_ledger.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Mantissa digits kept while parsing; the rest only matter as "nonzero". */
#define MANT_LIMIT	(UINT64_MAX / 10 - 9)

pb_status
pb_parse(const char *s, pb_rounding r, pb_units *out)
{
	const char *p = s;
	uint64_t	mant = 0;
	bool		sticky = false; /* a nonzero digit did not fit in mant */
	bool		negative = false;
	bool		any = false;
	long		exp10 = 0;
	long		shift;
	uint64_t	q;

	*out = 0;
	if (*p == '+' || *p == '-')
		negative = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++)
	{
		any = true;
		if (mant <= MANT_LIMIT)
			mant = mant * 10 + (uint64_t) (*p - '0');
		else
		{
			sticky |= *p != '0';
			exp10++;
		}
	}
	if (*p == '.')
	{
		for (p++; *p >= '0' && *p <= '9'; p++)
		{
			any = true;
			if (mant <= MANT_LIMIT)
			{
				mant = mant * 10 + (uint64_t) (*p - '0');
				exp10--;
			}
			else
				sticky |= *p != '0';
		}
	}
	if (!any)
		return PB_ERR_SYNTAX;
	if (*p == 'e' || *p == 'E')
	{
		bool		eneg = false;
		long		e = 0;

		p++;
		if (*p == '+' || *p == '-')
			eneg = *p++ == '-';
		if (!(*p >= '0' && *p <= '9'))
			return PB_ERR_SYNTAX;
		for (; *p >= '0' && *p <= '9'; p++)
			if (e < 100000)		/* far beyond any amount either way */
				e = e * 10 + (*p - '0');
		exp10 += eneg ? -e : e;
	}
	if (*p != '\0')
		return PB_ERR_SYNTAX;
	if (mant == 0 && !sticky)
		return PB_OK;
	if (negative)
		return PB_ERR_NEGATIVE;

	/* value = mant * 10^exp10 epsilon = mant * 10^shift units */
	shift = exp10 + PB_UNIT_DIGITS;
	if (shift >= 0)
	{
		if (shift > 18)
			return PB_ERR_RANGE;
		q = mant;
		for (; shift > 0; shift--)
		{
			if (q > (uint64_t) PB_MAX_UNITS / 10)
				return PB_ERR_RANGE;
			q *= 10;
		}
	}
	else
	{
		uint64_t	rem;

		if (shift < -19)
		{
			q = 0;
			rem = 1;			/* mant > 0 or sticky: something is cut */
		}
		else
		{
			uint64_t	div = 1;

			for (; shift < 0; shift++)
				div *= 10;
			q = mant / div;
			rem = mant % div;
		}
		if (r == PB_ROUND_UP && (rem != 0 || sticky))
			q++;
	}
	if (q > (uint64_t) PB_MAX_UNITS)
		return PB_ERR_RANGE;
	*out = (pb_units) q;
	return PB_OK;
}

pb_status
pb_from_double(double x, pb_rounding r, pb_units *out)
{
	char		buf[40];
	int			prec;

	*out = 0;
	if (isnan(x) || isinf(x))
		return PB_ERR_NOT_FINITE;
	if (x == 0)
		return PB_OK;			/* -0.0 too */
	if (x < 0)
		return PB_ERR_NEGATIVE;
	if (x > PB_MAX_EPSILON)
		return PB_ERR_RANGE;
	/* the shortest of 1 .. 17 significant digits that reads back as x */
	for (prec = 1; prec <= 17; prec++)
	{
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	return pb_parse(buf, r, out);
}

pb_status
pb_spend_amount(double epsilon, pb_units *out)
{
	pb_status	st = pb_from_double(epsilon, PB_ROUND_UP, out);

	if (st == PB_OK && *out == 0)
		return PB_ERR_ZERO;
	return st;
}

pb_status
pb_budget_amount(double budget, pb_units *out)
{
	return pb_from_double(budget, PB_ROUND_DOWN, out);
}

void
pb_format(pb_units u, char buf[PB_FORMAT_LEN])
{
	snprintf(buf, PB_FORMAT_LEN, "%" PRId64 ".%012" PRId64,
			 u / PB_UNITS_PER_EPSILON, u % PB_UNITS_PER_EPSILON);
}

double
pb_to_double(pb_units u)
{
	char		buf[PB_FORMAT_LEN];

	pb_format(u, buf);
	return strtod(buf, NULL);
}

pb_units
pb_remaining(pb_units budget, pb_units spent)
{
	return spent >= budget ? 0 : budget - spent;
}

pb_status
pb_spend(pb_units budget, pb_units spent, pb_units amount,
		 pb_units *new_spent)
{
	*new_spent = spent;
	if (budget < 0 || spent < 0 || amount < 0 ||
		budget > PB_MAX_UNITS || spent > PB_MAX_UNITS || amount > PB_MAX_UNITS)
		return PB_ERR_RANGE;
	if (amount == 0)
		return PB_ERR_ZERO;
	if (amount > pb_remaining(budget, spent))
		return PB_INSUFFICIENT;
	*new_spent = spent + amount;
	return PB_OK;
}
