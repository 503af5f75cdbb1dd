/*
 * privacy_budget.h
 *		The per-role epsilon ledger behind restricted mode: the interface the
 *		restricted-mode code calls (implemented in privacy_budget.c).
 *
 * A role's budget is the total epsilon it may spend, all sessions together
 * (set_privacy_budget).  A spend is durable before viewstats_budget_spend
 * returns: it survives the caller's ROLLBACK, an error after the answer, a
 * crash and a restart, and two sessions cannot both spend the last epsilon.
 */
#ifndef VIEWSTATS_PRIVACY_BUDGET_H
#define VIEWSTATS_PRIVACY_BUDGET_H

#include "postgres.h"

/*
 * Spend epsilon (> 0, finite) from roleid's budget, committed independently
 * of the current transaction.  If the remaining budget is smaller, nothing
 * is spent and it raises 42501 (insufficient privilege) naming the
 * remaining budget.  A role without a budget has none to spend.
 */
extern void viewstats_budget_spend(Oid roleid, double epsilon);

/*
 * The same in two steps, so the spend is written while the query runs:
 * _begin starts the worker (it raises if none can start, and for an
 * invalid epsilon); _end waits for it and raises as viewstats_budget_spend
 * does.  Until _end returns no answer may be released.  _abandon stops
 * waiting: a worker that has not written the spend yet leaves it
 * unwritten.  The request lives in TopMemoryContext and a session-lifetime
 * DSM mapping until _end or _abandon.
 */
typedef struct VsPendingSpend VsPendingSpend;
extern VsPendingSpend *viewstats_budget_spend_begin(Oid roleid, double epsilon);
extern void viewstats_budget_spend_end(VsPendingSpend *pending);
extern void viewstats_budget_spend_abandon(VsPendingSpend *pending);

/* What roleid may still spend: 0 when it has no budget. */
extern double viewstats_budget_remaining(Oid roleid);

#endif							/* VIEWSTATS_PRIVACY_BUDGET_H */
