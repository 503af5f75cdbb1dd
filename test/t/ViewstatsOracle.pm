# Plain-SQL oracles for the TAP tests: what a stored dayset or a streak must
# be, computed from the days themselves with no viewstats function, so a
# test compares viewstats with an independent answer and not only with
# itself (before and after a restart, a dump, an update, a shard).
package ViewstatsOracle;

use strict;
use warnings;

# Creates, in database $db of $node, the schema oracle with:
#   oracle.dayset_text(date[]): the text form a dayset of those days must
#     have, '{first/last,day,...}', from islands of consecutive days (day
#     minus its rank is constant along an island); NULLs and duplicates
#     ignored;
#   oracle.longest_streak(date[]): the longest run of consecutive days (0 if
#     none).
sub create
{
	my ($node, $db) = @_;
	$node->safe_psql($db, q{
		CREATE SCHEMA oracle;
		CREATE FUNCTION oracle.islands(days date[], OUT f date, OUT l date, OUT n bigint)
		RETURNS SETOF record LANGUAGE sql IMMUTABLE AS $$
			SELECT min(d), max(d), count(*)
			FROM (SELECT d, d - (row_number() OVER (ORDER BY d))::int AS grp
			      FROM (SELECT DISTINCT d FROM unnest(days) AS u(d) WHERE d IS NOT NULL) AS x) AS y
			GROUP BY grp
		$$;
		CREATE FUNCTION oracle.dayset_text(days date[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
			SELECT '{' || coalesce(string_agg(CASE WHEN f = l THEN f::text ELSE f || '/' || l END,
			                                  ',' ORDER BY f), '') || '}'
			FROM oracle.islands(days)
		$$;
		CREATE FUNCTION oracle.longest_streak(days date[]) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
			SELECT coalesce(max(n), 0) FROM oracle.islands(days)
		$$;
	});
	return;
}

1;
