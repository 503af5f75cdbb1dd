# viewstats in databases that publish with logical replication (issue 13,
# finding 1).
#
# Nothing may fail, and the secret never leaves through a publication
# unless the DBA copies it.  It lives in four sequences, and PostgreSQL 15
# to 18 publish no sequence (FOR ALL TABLES and FOR TABLES IN SCHEMA list
# tables) and decode no sequence change.  Checked with a publisher and a
# subscriber, every oracle plain SQL:
#  - CREATE EXTENSION, ALTER EXTENSION UPDATE (from 0.1.0 and 0.2.0) and
#    rotate_privacy_secret() work under a FOR ALL TABLES publication, and
#    the update from 0.2.0 keeps the secret;
#  - pg_publication_tables lists no relation of the secret under FOR ALL
#    TABLES or FOR TABLES IN SCHEMA of the extension's schema (and does
#    list the extension's table privacy_budget, so the query can see one);
#  - the publication's own stream (pgoutput through a slot made before
#    CREATE EXTENSION) never carries the secret: CREATE EXTENSION writes a
#    first secret into the 0.2.0 table, which is published, and the 0.3.0
#    script must draw another instead of moving that one, also when it
#    runs in a subtransaction;
#  - a subscriber to everything keeps its own secret, so its perturbed
#    counts differ from the publisher's on most groups, and a rotation on
#    the publisher does not reach it;
#  - after the DBA copies the secret (COPY out of the view on one, into it
#    on the other, as README shows), both publish the same counts.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $pub = PostgreSQL::Test::Cluster->new('publisher');
$pub->init(allows_streaming => 'logical');
$pub->start;
my $sub = PostgreSQL::Test::Cluster->new('subscriber');
$sub->init;
$sub->start;

my $secret_sql = q{SELECT count(*) || ' ' || md5(string_agg(secret::text, ',')) FROM privacy_secret};
my $hex_sql = q{SELECT encode(secret, 'hex') FROM privacy_secret};
my $counts_sql = q{
	SELECT string_agg(title || ':' || coalesce(p::text, '-'), ',' ORDER BY title)
	FROM (SELECT title, perturbed_count(viewer) AS p FROM views GROUP BY title) s};
my $published_sql = q{
	SELECT coalesce(string_agg(pubname || ' ' || tablename, ',' ORDER BY pubname, tablename), 'none')
	FROM pg_publication_tables WHERE tablename LIKE 'privacy%'};
my $views_sql = q{
	CREATE TABLE views (viewer int, title int, PRIMARY KEY (viewer, title));
};

# groups whose counts differ, of two "title:count,..." lists of the same titles
sub differing
{
	my ($x, $y) = @_;
	my %a = map { split /:/ } split /,/, $x;
	my %b = map { split /:/ } split /,/, $y;
	die 'not the same groups' unless join(',', sort keys %a) eq join(',', sort keys %b);
	return scalar grep { $a{$_} ne $b{$_} } keys %a;
}

# ---- a FOR ALL TABLES publication first, then the extension ----
$pub->safe_psql('postgres', 'CREATE DATABASE app');
$pub->safe_psql('app', q{
	CREATE PUBLICATION everything FOR ALL TABLES;
	SELECT pg_create_logical_replication_slot('watch', 'pgoutput');
});
my ($rc, $stdout, $stderr) = $pub->psql('app', 'CREATE EXTENSION viewstats');
is($rc, 0, 'CREATE EXTENSION works in a database with a FOR ALL TABLES publication')
  or diag($stderr);
is($stderr, '', 'without a warning');
like($pub->safe_psql('app', $secret_sql), qr/^1 /, 'with one secret');
my @secrets = ($pub->safe_psql('app', $hex_sql));
($rc, $stdout, $stderr) = $pub->psql('app', 'SELECT rotate_privacy_secret()');
is($rc, 0, 'rotate_privacy_secret() works there') or diag($stderr);
push @secrets, $pub->safe_psql('app', $hex_sql);
isnt($secrets[1], $secrets[0], 'and changes the secret');
$pub->safe_psql('app', $views_sql . q{
	INSERT INTO views SELECT v, t FROM generate_series(1, 60) t, generate_series(1, 10 + t) v;
});

# The stream a subscriber of "everything" would receive: the 0.2.0 table's
# first secret is in it (a positive control: the query does see published
# rows), no secret of the sequences is, in whole or in 8-byte part.
sub stream_check
{
	my ($db, @secrets) = @_;
	my $stream = $pub->safe_psql($db, q{
		SELECT encode(string_agg(data, ''::bytea), 'hex')
		FROM pg_logical_slot_peek_binary_changes('watch', NULL, NULL,
			'proto_version', '1', 'publication_names', 'everything')});
	like(pack('H*', $stream), qr/privacy_secret/,
		"$db: the stream carries the 0.2.0 table CREATE EXTENSION wrote its first secret into");
	# pgoutput sends bytea as text (\x and hex digits), binary values as
	# they are: look for the hex digits in the stream, and in its hex
	my $raw = pack('H*', $stream);
	for my $i (0 .. $#secrets)
	{
		my @parts = $secrets[$i] =~ /(.{16})/g;
		is(scalar(grep { index($raw, $_) >= 0 || index($stream, $_) >= 0 } @parts), 0,
			"$db: no 8-byte part of secret $i is in the publication's stream");
	}
	$pub->safe_psql($db, q{SELECT pg_drop_replication_slot('watch')});
}
stream_check('app', @secrets);

# The same when CREATE EXTENSION runs in a subtransaction (psql's
# ON_ERROR_ROLLBACK makes one for every statement).
$pub->safe_psql('postgres', 'CREATE DATABASE in_savepoint');
$pub->safe_psql('in_savepoint', q{
	CREATE PUBLICATION everything FOR ALL TABLES;
	SELECT pg_create_logical_replication_slot('watch', 'pgoutput');
});
$pub->safe_psql('in_savepoint', 'BEGIN; SAVEPOINT s; CREATE EXTENSION viewstats; RELEASE SAVEPOINT s; COMMIT;');
stream_check('in_savepoint', $pub->safe_psql('in_savepoint', $hex_sql));

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
	is($pub->safe_psql($db, $published_sql), 'everything privacy_budget',
		"after the update from $from, only privacy_budget is published");
	($rc, $stdout, $stderr) = $pub->psql($db, 'SELECT rotate_privacy_secret()');
	is($rc, 0, "rotate_privacy_secret() after the update from $from") or diag($stderr);
}

# ---- which publications list a relation of the secret ----
$pub->safe_psql('app', q{
	CREATE PUBLICATION views_only FOR TABLE views;
	CREATE PUBLICATION public_schema FOR TABLES IN SCHEMA public;
});
is($pub->safe_psql('app', $published_sql), 'everything privacy_budget,public_schema privacy_budget',
	'FOR ALL TABLES and FOR TABLES IN SCHEMA of its schema list the extension\'s table privacy_budget, no relation of the secret');
is($pub->safe_psql('app', q{
	SELECT count(*) FROM pg_publication_tables
	WHERE tablename IN (SELECT c.relname FROM pg_class c JOIN pg_depend d ON d.objid = c.oid
	                    WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e'
	                      AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'viewstats')
	                      AND c.relkind <> 'r')}),
	'0', 'nor any other relation of the extension but its tables');

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
$pub->safe_psql('app', 'INSERT INTO views SELECT v, 61 FROM generate_series(1, 30) v');
$pub->wait_for_catchup('everything');
is($sub->safe_psql('app', 'SELECT count(*) FROM views'),
	$pub->safe_psql('app', 'SELECT count(*) FROM views'), 'the rows replicated');
is($sub->safe_psql('app', $secret_sql), $own, 'the subscriber kept its own secret');
my $pub_counts = $pub->safe_psql('app', $counts_sql);
my $sub_counts = $sub->safe_psql('app', $counts_sql);
my $n = differing($pub_counts, $sub_counts);
cmp_ok($n, '>=', 20, "so its perturbed counts differ on most of the 61 groups ($n)");

# a rotation on the publisher does not reach it
$pub->safe_psql('app', 'SELECT rotate_privacy_secret()');
$pub->safe_psql('app', 'INSERT INTO views SELECT v, 62 FROM generate_series(1, 30) v');
$pub->wait_for_catchup('everything');
is($sub->safe_psql('app', 'SELECT count(*) FROM views WHERE title = 62'), '30', 'later rows replicated');
is($sub->safe_psql('app', $secret_sql), $own, 'a rotation on the publisher does not reach the subscriber');

# the DBA decides: a copy of the publisher's secret, through the view
my $session = $sub->background_psql('app');
$session->query_safe($counts_sql);    # a session with the old key cached
# README's pipeline: COPY out of the view on one, COPY into it on the other
my ($copy_out, $copy_err) = ('', '');
IPC::Run::run(
	[ 'psql', '-XAt', '-d', $pub->connstr('app'), '-c', 'COPY (SELECT secret FROM privacy_secret) TO STDOUT' ],
	'|', [ 'psql', '-X', '-d', $sub->connstr('app'), '-c', 'COPY privacy_secret FROM STDIN' ],
	'>', \$copy_out, '2>', \$copy_err)
  or die "the copy failed: $copy_err";
is($copy_out, "COPY 1\n", 'COPY into the view stores one secret');
is($sub->safe_psql('app', $secret_sql), $pub->safe_psql('app', $secret_sql), 'the DBA copied the secret');
is($sub->safe_psql('app', $counts_sql), $pub->safe_psql('app', $counts_sql),
	'and both publish the same perturbed counts');
is($session->query_safe($counts_sql), $pub->safe_psql('app', $counts_sql),
	'a subscriber session with the old key cached follows the copy');
$session->quit;
is($sub->safe_psql('app', q{SELECT count(*) FROM pg_stat_subscription_stats WHERE apply_error_count + sync_error_count > 0}),
	'0', 'no apply or sync errors on the subscriber');

$sub->stop;
$pub->stop;
done_testing();
