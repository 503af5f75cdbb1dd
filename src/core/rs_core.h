/*
 * rs_core.h
 *		Pure C core of restricted mode: the catalogue of rules a restricted
 *		query can break, and what a query costs in epsilon.
 *
 * No PostgreSQL header may be included here or in rs_core.c: the unit tests
 * link the core on its own.  The validator (src/restricted/validator.c)
 * decides which rule a query tree breaks; it names the rule with the names
 * below, so the README, the tests and the errors share one list.
 */
#ifndef RS_CORE_H
#define RS_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum rs_rule
{
	RS_RULE_NOT_TOP_LEVEL = 0,	/* personal tables read from a nested context */
	RS_RULE_NOT_SELECT,			/* INSERT/UPDATE/DELETE/MERGE touching personal */
	RS_RULE_PERSONAL_OUTPUT,	/* personal values reach the output */
	RS_RULE_EXACT_AGGREGATE,	/* count, sum, ... over personal rows */
	RS_RULE_UNIT_USE,			/* the unit outside a safe count or a per-unit GROUP BY */
	RS_RULE_SAFE_COUNT_ARG,		/* a safe count of anything but the unit column */
	RS_RULE_PARAMETER,			/* epsilon/delta not a valid constant */
	RS_RULE_NO_SAFE_COUNT,		/* an aggregation over personal rows without a safe count */
	RS_RULE_PERSONAL_JOIN,		/* two personal sources in one query level */
	RS_RULE_SHAPE,				/* sublinks, LATERAL, CTEs, set operations, ... */
	RS_RULE_ROW_ORDER,			/* ORDER BY/LIMIT/OFFSET/DISTINCT on personal rows */
	RS_RULE_WINDOW,				/* window functions over personal rows */
	RS_RULE_SET_RETURNING,		/* set-returning functions, VALUES, TABLESAMPLE */
	RS_RULE_FUNCTION,			/* a function that may leak through errors or side effects */
	RS_RULE_VIEW,				/* a view or function body over personal tables */
	RS_RULE_CHANNEL,			/* EXPLAIN ANALYZE, COPY, cursors, statistics */
	RS_RULE_LIFT,				/* SET, SET ROLE, LOAD, labels, extension DDL */
	RS_RULE_SETUP,				/* the session or role is not set up for restricted mode */
	RS_RULE_TIMING,				/* amplifiers of the time a personal row adds */
	RS_NRULES
} rs_rule;

/* A short stable name, e.g. "unit-use", shown in every refusal. */
extern const char *rs_rule_name(rs_rule rule);

/*
 * What a query costs: the epsilon of its dp_count calls whose units fall in
 * one group each, plus L times that of the others (each unit kept in at
 * most L groups).  False if a part is negative or not finite, or L < 1.
 */
extern bool rs_query_cost(double eps_single, double eps_bounded,
						  int max_groups_contributed, double *cost);

/*
 * Contribution bounding.  Each (unit, group) pair of one dp_count call has a
 * priority computed from the unit and the group key alone (p), and the
 * group key's own 64-bit hash (g) to break ties; a unit counts in the L
 * groups of smallest (p, g).  Which groups those are depends on nothing but
 * the unit's own pairs: not on the order rows come in, nor on other units.
 *
 * A unit's held set is its smallest pairs so far, ascending, at most L of
 * them.  Offering every pair of the unit (repeats allowed, in any order)
 * leaves exactly its min(L, groups) smallest distinct pairs; then a pair
 * counts if and only if it is in the held set.
 */
typedef struct rs_prio
{
	uint64_t	p;
	uint64_t	g;
	void	   *tag;			/* the caller's, carried along (its group) */
} rs_prio;

/* By p, then g; tags are not compared. */
extern int	rs_prio_cmp(rs_prio a, rs_prio b);

typedef enum rs_offer
{
	RS_HELD_ADDED,				/* x is held, nothing dropped */
	RS_HELD_SWAPPED,			/* x is held, *dropped no longer is */
	RS_HELD_REJECTED,			/* x is not held: L smaller pairs are */
	RS_HELD_REPEAT				/* x was held already */
} rs_offer;

/*
 * Offer x to held[0..*n): kept if among the L smallest distinct pairs.  The
 * array must have room for min(*n + 1, L) pairs.  Offering each distinct
 * pair of a unit once, every pair that does not end up held is reported
 * once: REJECTED when offered, or as *dropped when SWAPPED out.
 */
extern rs_offer rs_held_offer(rs_prio *held, uint32_t *n, uint32_t L,
							  rs_prio x, rs_prio *dropped);

/* Once every pair of the unit was offered: does pair x count? */
extern bool rs_held_counts(const rs_prio *held, uint32_t n, rs_prio x);

#endif							/* RS_CORE_H */
