/*
 * privacy.h
 *		Glue shared by the privacy fmgr files: the DBA-held settings
 *		(privacy_settings.c), the secret (privacy_secret.c) and the mapping
 *		of core status codes to ereport.
 *
 * The analyst is assumed to be an adversary: every threshold an argument
 * can set is checked against the DBA's setting here, and the secret is only
 * ever handed out as a derived SipHash key, never as SQL-visible data.
 */
#ifndef VIEWSTATS_PRIVACY_H
#define VIEWSTATS_PRIVACY_H

#include "postgres.h"

#include "pg_compat.h"

#include "fmgr.h"

#include "core/ck_core.h"

/* ---- settings (privacy_settings.c) ---- */

extern int	viewstats_min_group_size;
extern int	viewstats_ptable_max_deviation;
extern double viewstats_ptable_variance;
extern double viewstats_dp_max_epsilon;
extern double viewstats_dp_max_delta;

extern void viewstats_define_gucs(void);

/* A min_group_size argument: NULL (22004) and < 1 (22023) refused. */
extern int32 viewstats_threshold_value(Datum d, bool isnull);
extern int32 viewstats_threshold_arg(FunctionCallInfo fcinfo, int argno);

/*
 * The threshold in force: the DBA's viewstats.min_group_size, or an
 * argument (has_arg) that raises it; lowering it raises 42501.
 */
extern int32 viewstats_threshold(bool has_arg, int32 arg);

/* epsilon and delta arguments: NULL (22004), invalid (22023) refused */
extern double viewstats_epsilon_arg(FunctionCallInfo fcinfo, int argno);
extern double viewstats_delta_arg(FunctionCallInfo fcinfo, int argno);

/* epsilon and delta within the DBA's caps, else 42501 */
extern void viewstats_check_dp_caps(double epsilon, double delta);

/* The p-table for the current settings, rebuilt when they change. */
extern const ck_ptable *viewstats_ptable(void);

/* ---- the secret (privacy_secret.c) ---- */

/*
 * The record-key PRF key derived from this database's secret, read from
 * the extension's privacy_secret table next to the function fn_oid, and
 * cached until the table changes.
 */
extern ck_sipkey viewstats_record_key(Oid fn_oid);

/* ---- restricted mode (src/restricted/bound.c, hooks.c) ---- */

/*
 * Wait until every privacy budget spend this session started is written
 * (it runs beside the query); raises the refusal if one was not.  Called
 * before dp_count's first result and at the end of each query.
 */
extern void vs_budget_settle(void);

/*
 * Contribution bounding of one dp_count call in a restricted session: each
 * unit counts in its L groups of smallest priority.  A group's state keeps
 * the call's table of units and the group's key hash.
 */
typedef struct VsBound VsBound;
typedef struct VsBoundGroup
{
	VsBound    *bound;
	uint64		key;			/* the group key's hash */
	uint64		dropped;		/* its pairs reported not held */
} VsBoundGroup;

/*
 * At a group's first row: NULL in a direct session (nothing is bounded);
 * *slot is the call's own (NULL at first).
 */
extern VsBoundGroup *viewstats_restricted_group(FunctionCallInfo fcinfo,
												void **slot,
												MemoryContext aggcxt);

/* A unit of the group: offer the pair (unit, group) to the unit's L smallest. */
extern void viewstats_restricted_offer(VsBoundGroup *g, uint64 unit);

/* Apply the offers still waiting (before a final function counts). */
extern void viewstats_restricted_flush(VsBoundGroup *g);

/* In the final function, once every row was offered: does the unit count here? */
extern bool viewstats_restricted_counts(void *g, uint64 unit);

/* ---- errors ---- */

/* ereport for a core status that is not CK_OK; never returns */
pg_noreturn extern void viewstats_ck_report(ck_status st);

#endif							/* VIEWSTATS_PRIVACY_H */
