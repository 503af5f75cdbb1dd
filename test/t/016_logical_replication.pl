# viewstats in databases that publish with logical replication.
#
# Nothing may fail: CREATE EXTENSION, ALTER EXTENSION UPDATE (from 0.1.0 and
# 0.2.0) and rotate_privacy_secret() in a database with a FOR ALL TABLES
# publication, and a subscriber that has viewstats too.
#
# The secret table is a table, and PostgreSQL before 19 cannot leave one
# table out of FOR ALL TABLES (nor out of FOR TABLES IN SCHEMA of its
# schema), so such a publication does publish the secret.  What the
# extension does with that, each checked here with a publisher and a
# subscriber:
#  - pg_publication_tables lists the secret table under FOR ALL TABLES and
#    under FOR TABLES IN SCHEMA of the extension's schema, and not under a
#    table list or another schema;
#  - every write of a secret into a published table warns, naming the
#    publications;
#  - a subscriber that receives the secret adopts it (the one-row table
#    takes the publisher's row instead of failing on its unique index),
#    rotations included, so a replica never publishes a second, independent
#    perturbation of the same counts;
#  - a subscriber to a table list keeps a secret of its own.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $pub = PostgreSQL::Test::Cluster->new('publisher');
$pub->init(allows_streaming => 'logical');
$pub->start;
my $sub = PostgreSQL::Test::Cluster->new('subscriber');
$sub->init;
$sub->start;

my $secret_sql = q{SELECT count(*) || ' ' || md5(string_agg(secret::text, ',')) FROM privacy_secret};
my $counts_sql = q{
	SELECT md5(string_agg(title || ':' || coalesce(p::text, '-'), ',' ORDER BY title))
	FROM (SELECT title, perturbed_count(viewer) AS p FROM views GROUP BY title) s};
my $published_sql = q{
	SELECT coalesce(string_agg(pubname, ',' ORDER BY pubname), 'none')
	FROM pg_publication_tables WHERE tablename = 'privacy_secret'};
my $views_sql = q{
	CREATE TABLE views (viewer int, title int, PRIMARY KEY (viewer, title));
};

# ---- a FOR ALL TABLES publication first, then the extension ----
$pub->safe_psql('postgres', 'CREATE DATABASE app');
$pub->safe_psql('app', 'CREATE PUBLICATION everything FOR ALL TABLES');
my ($rc, $stdout, $stderr) = $pub->psql('app', 'CREATE EXTENSION viewstats');
is($rc, 0, 'CREATE EXTENSION works in a database with a FOR ALL TABLES publication')
  or diag($stderr);
like($stderr, qr/WARNING:  the viewstats privacy secret is published\nDETAIL:  Publication "everything" publishes table public\.privacy_secret/,
	'and warns that the new secret is published');
like($pub->safe_psql('app', $secret_sql), qr/^1 /, 'with one secret');
is($pub->safe_psql('app', $published_sql), 'everything',
	'pg_publication_tables lists the secret table under FOR ALL TABLES');
($rc, $stdout, $stderr) = $pub->psql('app', 'SELECT rotate_privacy_secret()');
is($rc, 0, 'rotate_privacy_secret() works there') or diag($stderr);
like($stderr, qr/WARNING:  the viewstats privacy secret is published/, 'and warns');
$pub->safe_psql('app', $views_sql . q{
	INSERT INTO views SELECT v, t FROM generate_series(1, 40) t, generate_series(1, 10 + t) v;
});

# ---- updates in such databases ----
for my $from ('0.1.0', '0.2.0')
{
	my $db = 'from_' . ($from =~ tr/./_/r);
	$pub->safe_psql('postgres', "CREATE DATABASE $db");
	if ($from eq '0.1.0')
	{
		$pub->safe_psql($db, 'CREATE PUBLICATION everything FOR ALL TABLES');
		$pub->safe_psql($db, "CREATE EXTENSION viewstats VERSION '$from'");
	}
	else
	{
		# a 0.2.0 database that starts publishing everything later
		$pub->safe_psql($db, "CREATE EXTENSION viewstats VERSION '$from'");
		$pub->safe_psql($db, 'CREATE PUBLICATION everything FOR ALL TABLES');
	}
	my $before = $from eq '0.1.0' ? '' : $pub->safe_psql($db, $secret_sql);
	($rc, $stdout, $stderr) = $pub->psql($db, 'ALTER EXTENSION viewstats UPDATE');
	is($rc, 0, "ALTER EXTENSION UPDATE from $from under a FOR ALL TABLES publication") or diag($stderr);
	like($pub->safe_psql($db, $secret_sql), qr/^1 /, "one secret after the update from $from");
	is($pub->safe_psql($db, $secret_sql), $before, "the update from $from keeps the secret")
	  if $from eq '0.2.0';
	($rc, $stdout, $stderr) = $pub->psql($db, 'SELECT rotate_privacy_secret()');
	is($rc, 0, "rotate_privacy_secret() after the update from $from") or diag($stderr);
}

# ---- which publications list the secret table ----
$pub->safe_psql('app', q{
	CREATE PUBLICATION views_only FOR TABLE views;
	CREATE PUBLICATION public_schema FOR TABLES IN SCHEMA public;
});
is($pub->safe_psql('app', $published_sql), 'everything,public_schema',
	'FOR ALL TABLES and FOR TABLES IN SCHEMA of its schema list it; a table list does not');
$pub->safe_psql('postgres', 'CREATE DATABASE own_schema');
$pub->safe_psql('own_schema', q{
	CREATE SCHEMA viewstats;
	CREATE EXTENSION viewstats SCHEMA viewstats;
	CREATE PUBLICATION public_schema FOR TABLES IN SCHEMA public;
});
is($pub->safe_psql('own_schema', $published_sql), 'none',
	'with viewstats in a schema of its own, FOR TABLES IN SCHEMA public leaves it out');

# ---- a subscriber with viewstats, subscribed to everything ----
my $connstr = $pub->connstr . ' dbname=app';
$sub->safe_psql('postgres', 'CREATE DATABASE app');
$sub->safe_psql('app', 'CREATE EXTENSION viewstats;' . $views_sql);
my $own = $sub->safe_psql('app', $secret_sql);
isnt($own, $pub->safe_psql('app', $secret_sql), 'the subscriber starts with a secret of its own');
$sub->safe_psql('app', "CREATE SUBSCRIPTION everything CONNECTION '$connstr' PUBLICATION everything");
$sub->poll_query_until('app', q{
	SELECT count(*) = 0 FROM pg_subscription_rel WHERE srsubstate NOT IN ('r', 's')})
  or die 'the initial sync did not finish';
$pub->wait_for_catchup('everything');
is($sub->safe_psql('app', 'SELECT count(*) FROM views'),
	$pub->safe_psql('app', 'SELECT count(*) FROM views'), 'the rows replicated');
is($sub->safe_psql('app', $secret_sql), $pub->safe_psql('app', $secret_sql),
	'the subscriber adopted the published secret (one row, no conflict)');
is($sub->safe_psql('app', $counts_sql), $pub->safe_psql('app', $counts_sql),
	'and publishes the same perturbed counts');

# a session there with the key cached follows a rotation on the publisher
my $session = $sub->background_psql('app');
is($session->query_safe($counts_sql), $pub->safe_psql('app', $counts_sql), 'a subscriber session caches the key');
$pub->safe_psql('app', 'SELECT rotate_privacy_secret()');
$pub->wait_for_catchup('everything');
is($sub->safe_psql('app', $secret_sql), $pub->safe_psql('app', $secret_sql),
	'a rotation on the publisher reaches the subscriber');
is($session->query_safe($counts_sql), $pub->safe_psql('app', $counts_sql),
	'and the subscriber session drops its cached key');
$session->quit;
is($sub->safe_psql('app', q{SELECT count(*) FROM pg_stat_subscription_stats WHERE apply_error_count + sync_error_count > 0}),
	'0', 'no apply or sync errors on the subscriber');

# ---- a subscriber to a table list keeps its own secret ----
$sub->safe_psql('postgres', 'CREATE DATABASE listed');
$sub->safe_psql('listed', 'CREATE EXTENSION viewstats;' . $views_sql);
my $listed_secret = $sub->safe_psql('listed', $secret_sql);
$sub->safe_psql('listed', "CREATE SUBSCRIPTION views_only CONNECTION '$connstr' PUBLICATION views_only");
$sub->poll_query_until('listed', q{
	SELECT count(*) = 0 FROM pg_subscription_rel WHERE srsubstate NOT IN ('r', 's')})
  or die 'the initial sync did not finish';
$pub->safe_psql('app', 'SELECT rotate_privacy_secret()');
$pub->wait_for_catchup('views_only');
is($sub->safe_psql('listed', 'SELECT count(*) FROM views'),
	$pub->safe_psql('app', 'SELECT count(*) FROM views'), 'a table list replicates its rows');
is($sub->safe_psql('listed', $secret_sql), $listed_secret, 'and leaves the subscriber its own secret');

$sub->stop;
$pub->stop;
done_testing();
