/*
 * pb_ledger.h
 *		Pure C core of the privacy budget ledger: amounts of epsilon as exact
 *		fixed-point integers, how a float8 becomes one, and whether a spend
 *		fits what is left.
 *
 * No PostgreSQL header may be included here or in pb_ledger.c: the unit
 * tests link the core on its own.  The fmgr layer (src/privacy_budget.c)
 * stores amounts as numeric text and turns pb_status codes into ereport.
 *
 * Why fixed point: adding float8 epsilons drifts (0.1 added ten times is
 * 0.9999999999999999, and three times exceeds 0.3), so a ledger kept in
 * float8 would refuse honest spends or, with a tolerance, allow more than
 * the budget.  An amount here is an integer number of units of 10^-12
 * epsilon, and sums and comparisons are exact.
 *
 * How a float8 becomes units: it is read as the shortest decimal that
 * converts back to the same float8 (what PostgreSQL prints: 0.1 is "0.1",
 * not 0.1000000000000000055511151231257827), then rounded to a multiple of
 * 10^-12 - up for a spend, so a spend is never recorded as less than the
 * analyst asked for, and down for a budget, so the budget is never more
 * than the DBA set.
 */
#ifndef PB_LEDGER_H
#define PB_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

/* An amount of epsilon in units of 10^-12; never negative. */
typedef int64_t pb_units;

#define PB_UNIT_DIGITS		12	/* decimals kept */
#define PB_UNITS_PER_EPSILON INT64_C(1000000000000)
/* Largest budget or spend: 10^6 epsilon (10^18 units, below 2^63) */
#define PB_MAX_EPSILON		1000000
#define PB_MAX_UNITS		(INT64_C(1000000) * PB_UNITS_PER_EPSILON)
/* Room for "1000000.000000000000" and a terminator, with margin */
#define PB_FORMAT_LEN		32

typedef enum pb_status
{
	PB_OK = 0,
	PB_ERR_NOT_FINITE,			/* NaN or an infinity */
	PB_ERR_NEGATIVE,			/* below zero */
	PB_ERR_ZERO,				/* a spend of nothing */
	PB_ERR_RANGE,				/* above PB_MAX_EPSILON */
	PB_ERR_SYNTAX,				/* not a plain decimal number */
	PB_INSUFFICIENT				/* the spend exceeds what is left */
} pb_status;

typedef enum pb_rounding
{
	PB_ROUND_DOWN,				/* budgets */
	PB_ROUND_UP					/* spends */
} pb_rounding;

/*
 * A decimal string as units: optional leading '+', digits with an optional
 * '.', an optional exponent (e or E, optional sign, digits).  Exact: no
 * floating point is involved.  A value with more than 12 decimals is
 * rounded as asked.  Negative values, "NaN" and "Infinity" are refused.
 */
extern pb_status pb_parse(const char *s, pb_rounding r, pb_units *out);

/*
 * A float8 as units, by its shortest round-trip decimal (see above).
 * Refuses NaN and infinities, negative values and values above
 * PB_MAX_EPSILON; -0.0 is 0.
 */
extern pb_status pb_from_double(double x, pb_rounding r, pb_units *out);

/* The amount to charge for spending epsilon: as above, rounded up, > 0. */
extern pb_status pb_spend_amount(double epsilon, pb_units *out);

/* A budget the DBA sets: rounded down, 0 allowed. */
extern pb_status pb_budget_amount(double budget, pb_units *out);

/* Units as a decimal with 12 decimals ("0.100000000000"): numeric input. */
extern void pb_format(pb_units u, char buf[PB_FORMAT_LEN]);

/* Units as the nearest float8 (correctly rounded). */
extern double pb_to_double(pb_units u);

/* What is left: budget - spent, or 0 when spent exceeds a lowered budget. */
extern pb_units pb_remaining(pb_units budget, pb_units spent);

/*
 * The spend decision: PB_OK and *new_spent = spent + amount when amount
 * fits in what is left, else PB_INSUFFICIENT and *new_spent = spent.
 * Inputs outside 0 .. PB_MAX_UNITS, or amount 0, give PB_ERR_RANGE or
 * PB_ERR_ZERO and spend nothing.
 */
extern pb_status pb_spend(pb_units budget, pb_units spent, pb_units amount,
						  pb_units *new_spent);

#endif							/* PB_LEDGER_H */
