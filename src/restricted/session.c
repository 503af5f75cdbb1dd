/*
 * session.c
 *		Whether this session is restricted, and viewstats.access_level().
 *
 * The login role decides (the authenticated user, which SET ROLE and SET
 * SESSION AUTHORIZATION do not change): a session is restricted when that
 * role, or any role it is a member of, carries the label 'restricted'.
 * Superusers never are.  The answer is cached until a label, a role or a
 * membership changes (labels.c's invalidation callbacks reset it).
 */
#include "restricted.h"

#include "access/parallel.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "postmaster/bgworker.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(viewstats_access_level);

bool		vs_loaded_at_start = false;
TimestampTz vs_restricted_since = 0;

static int	session_level = -1;	/* -1 unknown, 0 direct, 1 restricted */

void
vs_session_reset(void)
{
	session_level = -1;
}

static Oid
login_role(void)
{
	/* backends and parallel workers (which inherit the leader's) have one */
	if (MyBackendType != B_BACKEND && !IsParallelWorker())
		return InvalidOid;
	return GetAuthenticatedUserId();
}

bool
vs_session_restricted(void)
{
	if (likely(session_level >= 0))
		return session_level == 1;
	if (!IsTransactionState())
		return false;			/* asked outside a transaction: decide later */
	session_level = vs_role_is_restricted(login_role()) ? 1 : 0;
	if (session_level == 1 && vs_restricted_since == 0)
		vs_restricted_since = GetCurrentTimestamp();
	else if (session_level == 0)
		vs_restricted_since = 0;
	return session_level == 1;
}

Datum
viewstats_access_level(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(vs_session_restricted() ? "restricted" : "direct"));
}
