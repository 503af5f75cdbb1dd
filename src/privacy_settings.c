/*
 * privacy_settings.c
 *		The settings a DBA holds over the privacy-safe counts, and the
 *		checks that keep an analyst from going below them.
 *
 * Every setting is PGC_SUSET: only a superuser (or a role granted SET on
 * it) can change it, in postgresql.conf, ALTER SYSTEM, ALTER ROLE/DATABASE
 * or SET.  The "viewstats" prefix is reserved once the library loads, so a
 * misspelt name is an error, and a placeholder an analyst SET before the
 * load is checked against PGC_SUSET when the real setting is defined
 * (PostgreSQL then keeps the default and warns).
 *
 * Arguments may only make a call stricter: a min_group_size argument may
 * raise the threshold, epsilon and delta may stay below their caps.
 */
#include "privacy.h"

#include "utils/float.h"
#include "utils/guc.h"

int			viewstats_min_group_size = 10;
int			viewstats_ptable_max_deviation = 2;
double		viewstats_ptable_variance = 1.0;
double		viewstats_dp_max_epsilon = 1.0;
double		viewstats_dp_max_delta = 1e-5;

void
viewstats_define_gucs(void)
{
	DefineCustomIntVariable("viewstats.min_group_size",
							"Smallest number of distinct units a published count may describe.",
							"suppressed_count, perturbed_count, dp_count, suppress and suppress_cells "
							"never publish a count of fewer units; a function argument may raise it "
							"for one call, never lower it.",
							&viewstats_min_group_size,
							10, 1, 1000000000,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("viewstats.ptable_max_deviation",
							"Largest perturbation perturbed_count adds or subtracts (D).",
							NULL,
							&viewstats_ptable_max_deviation,
							2, 1, CK_PT_MAX_DEV,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
	DefineCustomRealVariable("viewstats.ptable_variance",
							 "Variance of perturbed_count's perturbation (V); must be below "
							 "viewstats.ptable_max_deviation.",
							 NULL,
							 &viewstats_ptable_variance,
							 1.0, 1e-6, CK_PT_MAX_DEV,
							 PGC_SUSET, 0,
							 NULL, NULL, NULL);
	DefineCustomRealVariable("viewstats.dp_max_epsilon",
							 "Largest epsilon a dp_count call may spend.",
							 NULL,
							 &viewstats_dp_max_epsilon,
							 1.0, CK_EPSILON_MIN, CK_EPSILON_MAX,
							 PGC_SUSET, 0,
							 NULL, NULL, NULL);
	DefineCustomRealVariable("viewstats.dp_max_delta",
							 "Largest delta a dp_count call may use.",
							 NULL,
							 &viewstats_dp_max_delta,
							 1e-5, 1e-300, 0.5,
							 PGC_SUSET, 0,
							 NULL, NULL, NULL);
#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("viewstats");
#else
	EmitWarningsOnPlaceholders("viewstats");
#endif
}

int32
viewstats_threshold_value(Datum d, bool isnull)
{
	int32		t;

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("min_group_size must not be null")));
	t = DatumGetInt32(d);
	if (t < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_group_size must be at least 1"),
				 errdetail("min_group_size was %d.", t)));
	return t;
}

int32
viewstats_threshold_arg(FunctionCallInfo fcinfo, int argno)
{
	return viewstats_threshold_value(PG_GETARG_DATUM(argno), PG_ARGISNULL(argno));
}

int32
viewstats_threshold(bool has_arg, int32 arg)
{
	if (!has_arg)
		return viewstats_min_group_size;
	if (arg < viewstats_min_group_size)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("min_group_size %d is below viewstats.min_group_size (%d)",
						arg, viewstats_min_group_size),
				 errhint("An argument may raise the minimum group size for one call, "
						 "never lower it; only a superuser can change viewstats.min_group_size.")));
	return arg;
}

double
viewstats_epsilon_arg(FunctionCallInfo fcinfo, int argno)
{
	double		eps;
	ck_epsilon	e;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("epsilon must not be null")));
	eps = PG_GETARG_FLOAT8(argno);
	if (ck_epsilon_exact(eps, &e) != CK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("epsilon must be a finite number from %s to %s",
						float8out_internal(CK_EPSILON_MIN),
						float8out_internal(CK_EPSILON_MAX)),
				 errdetail("epsilon was %s.", float8out_internal(eps))));
	return eps;
}

double
viewstats_delta_arg(FunctionCallInfo fcinfo, int argno)
{
	double		delta;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("delta must not be null")));
	delta = PG_GETARG_FLOAT8(argno);
	if (ck_delta_check(delta) != CK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("delta must be greater than 0 and less than 1"),
				 errdetail("delta was %s.", float8out_internal(delta))));
	return delta;
}

void
viewstats_check_dp_caps(double epsilon, double delta)
{
	if (epsilon > viewstats_dp_max_epsilon)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("epsilon %s exceeds viewstats.dp_max_epsilon (%s)",
						float8out_internal(epsilon),
						float8out_internal(viewstats_dp_max_epsilon)),
				 errhint("Use a smaller epsilon; only a superuser can change viewstats.dp_max_epsilon.")));
	if (delta > viewstats_dp_max_delta)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("delta %s exceeds viewstats.dp_max_delta (%s)",
						float8out_internal(delta),
						float8out_internal(viewstats_dp_max_delta)),
				 errhint("Use a smaller delta; only a superuser can change viewstats.dp_max_delta.")));
}

const ck_ptable *
viewstats_ptable(void)
{
	static ck_ptable table;
	static bool valid = false;

	if (valid && table.max_dev == viewstats_ptable_max_deviation &&
		table.variance == viewstats_ptable_variance)
		return &table;
	valid = false;
	if (!(viewstats_ptable_variance < viewstats_ptable_max_deviation))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("viewstats.ptable_variance must be less than viewstats.ptable_max_deviation"),
				 errdetail("viewstats.ptable_variance is %s, viewstats.ptable_max_deviation is %d.",
						   float8out_internal(viewstats_ptable_variance),
						   viewstats_ptable_max_deviation),
				 errhint("A superuser must change one of them.")));
	if (ck_ptable_build(viewstats_ptable_max_deviation,
						viewstats_ptable_variance, &table) != CK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no p-table for viewstats.ptable_max_deviation %d and viewstats.ptable_variance %s",
						viewstats_ptable_max_deviation,
						float8out_internal(viewstats_ptable_variance))));
	valid = true;
	return &table;
}

void
viewstats_ck_report(ck_status st)
{
	switch (st)
	{
		case CK_ERR_NOMEM:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
			break;
		case CK_ERR_TOO_LARGE:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many distinct units in one in-memory unit set"),
					 errdetail_plural("An in-memory set holds at most %llu unit; a larger group is spilled to disk before it gets there.",
									  "An in-memory set holds at most %llu units; a larger group is spilled to disk before it gets there.",
									  (unsigned long) CK_SET_MAX,
									  (unsigned long long) CK_SET_MAX)));
			break;
		case CK_ERR_BAD_FORMAT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid serialized viewstats unit set")));
			break;
		case CK_ERR_BAD_VERSION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("unsupported serialized viewstats unit set version")));
			break;
		case CK_ERR_NEGATIVE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a count to suppress must not be negative")));
			break;
		case CK_ERR_RANDOM:
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not generate random numbers")));
			break;
		case CK_ERR_EPSILON:
		case CK_ERR_DELTA:
		case CK_ERR_PTABLE:
			/* arguments and settings are checked before the core sees them */
		case CK_OK:
			break;
	}
	elog(ERROR, "unexpected privacy core status %d", (int) st);
	pg_unreachable();
}
