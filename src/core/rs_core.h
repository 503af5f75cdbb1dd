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

#endif							/* RS_CORE_H */
