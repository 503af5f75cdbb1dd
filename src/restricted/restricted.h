/*
 * restricted.h
 *		Restricted mode: the access level the server enforces for analysts
 *		who write their own SQL against personal tables.
 *
 * The pieces, one file each:
 *	labels.c	the "viewstats" security label provider and the cached label
 *				look-ups (personal tables and their unit column, restricted
 *				roles); labelling a unit column installs the gate policies
 *	session.c	whether this session is restricted (decided by the login role)
 *				and viewstats.access_level()
 *	validator.c the allow-list of query shapes a restricted session may run
 *				over personal tables, and the rewrites that go with it
 *				(suppressed groups vanish); marks what it accepted
 *	hooks.c		post_parse_analyze, planner, executor and ProcessUtility hooks
 *	channels.c	row counts from planner statistics, pg_stat_* and sizes
 *	gate.c		the row security gate on personal tables (fails closed for a
 *				scan no validator accepted) and the validator's marker
 *	timing.c	bounds on what one personal row adds to a query's duration:
 *				public joins many-to-one, planner settings the server's
 *
 * The decisions that need no PostgreSQL headers (rule names, the epsilon a
 * query costs) live in core/rs_core.c.
 */
#ifndef VIEWSTATS_RESTRICTED_H
#define VIEWSTATS_RESTRICTED_H

#include "postgres.h"

#include "pg_compat.h"

#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"
#include "utils/timestamp.h"

#include "core/rs_core.h"

/* ---- labels.c ---- */

#define VS_LABEL_PROVIDER	"viewstats"
#define VS_LABEL_UNIT		"privacy_unit"
#define VS_LABEL_RESTRICTED "restricted"

extern void vs_labels_init(void);

/* The unit column of a personal table, or InvalidAttrNumber if public. */
extern AttrNumber vs_personal_unit(Oid relid);

/* Is roleid (a login role) restricted: labelled, or a member of a role that is */
extern bool vs_role_is_restricted(Oid roleid);

/*
 * Does relid have the policy name?  (pg_restore recreates the label's
 * policies after the label made them: hooks.c lets that pass.)
 */
extern bool vs_policy_exists(Oid relid, const char *name);

/* Bumped whenever cached labels may have changed (invalidation callbacks) */
extern uint64 vs_label_generation;

/* ---- session.c ---- */

/* Did this backend load the library before its first query? */
extern bool vs_loaded_at_start;

extern bool vs_session_restricted(void);

/* When this session last became restricted (0 if never) */
extern TimestampTz vs_restricted_since;

extern void vs_session_reset(void);

/* ---- timing.c ---- */

/*
 * A query level over personal rows (its personal source at range table
 * index prti): each public FROM item must be joined on a unique key.
 */
extern void vs_check_public_joins(Query *q, Index prti);

/*
 * Plan with the server's planner settings: returns a GUC nest level for
 * vs_planner_settings_pop (-1 if the session changed none).
 */
extern int	vs_planner_settings_push(void);
extern void vs_planner_settings_pop(int level);

/* ---- gate.c ---- */

extern Oid	vs_gate_func_oid(void);
extern Oid	vs_marker_func_oid(void);
extern Oid	vs_extension_schema(void);

/* ---- validator.c ---- */

/*
 * Where a query is being analysed, for the rule that personal tables are
 * read by top-level statements only.
 */
typedef struct VsNesting
{
	int			depth;			/* executor, planner or utility nesting */
	NodeTag		utility;		/* the utility statement we are inside, or 0 */
} VsNesting;

extern VsNesting vs_nesting;

/* Check (and rewrite in place) a query analysed in a restricted session. */
extern void vs_validate_toplevel(Query *query);

/* The lifting and channel checks, on every query planned in a restricted session */
extern void vs_check_planned(Query *query);

/* Does the query read a personal table, directly or through views? */
extern bool vs_query_reads_personal(Query *query);

/* A copy of a view's query */
extern Query *vs_view_query(Oid relid);

/* The epsilon a query spends: see rs_query_cost */
typedef struct VsCost
{
	double		eps_single;
	double		eps_bounded;
} VsCost;

/* viewstats.max_groups_contributed, the L of contribution bounding */
extern int	vs_max_groups_contributed;

/*
 * The planner side: strip markers and gates of validated scans, sum costs,
 * and drop DISTINCT from dp_count calls (it changes nothing they count).
 */
extern void vs_strip_validated(Query *query, VsCost *cost);

/* Is funcid one of viewstats' dp_count aggregates? */
extern bool vs_func_is_dp_count(Oid funcid);

/* ---- bound.c ---- */

/*
 * Before the first row: refuse group keys that cannot be hashed to 64 bits
 * (42501 would say a rule; this is 0A000, a type without the function).
 */
struct AggState;
extern void vs_bound_check_keys(struct AggState *as);

/* UPPERREL_GROUP_AGG of a level with dp_count: plain or hashed, in one piece */
struct PlannerInfo;
struct RelOptInfo;
extern void vs_bound_paths(struct PlannerInfo *root, struct RelOptInfo *grouped,
						   struct RelOptInfo *input, void *extra);

/* After ExecutorStart: dp_count's hash aggregations never spill groups */
struct PlanState;
extern void vs_bound_prepare(struct PlanState *ps);

/* ---- channels.c ---- */

/* Refuse row counts and sizes read from catalogs and statistics. */
extern void vs_check_channels(Query *query);

/* ---- hooks.c ---- */

extern void vs_hooks_init(void);

/* ---- errors ---- */

#define VS_ERRCODE_RESTRICTED	ERRCODE_INSUFFICIENT_PRIVILEGE

/*
 * A refusal: 42501, the caller's message (and hint), and the rule broken
 * as the detail, so every refusal names its rule the same way.
 */
#define REFUSE(rule, ...) \
	ereport(ERROR, \
			(errcode(VS_ERRCODE_RESTRICTED), \
			 __VA_ARGS__, \
			 errdetail("Rule: %s.", rs_rule_name(rule))))

/* A backend-local hash table keyed by Oid, in TopMemoryContext */
extern struct HTAB *vs_oid_hash_create(const char *name, Size entrysize);

#endif							/* VIEWSTATS_RESTRICTED_H */
