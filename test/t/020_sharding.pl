# Sharding over postgres_fdw, as README's "Sharding" section sets it up.
#
# A coordinator and two shard clusters. The README's SQL blocks of that
# section are run as written (blocks marked "run on: every shard" on each
# shard, "run on: the coordinator" on the coordinator), with only the
# shards' host and port substituted, and the plan the README shows is
# compared with the real one. Then the viewing log is loaded through the
# coordinator, and every streak aggregate grouped by viewer must be pushed
# down whole to the shards (the Remote SQL carries it) and give exactly
# what a single node gives. Without the `extensions` option nothing is
# shipped, and the answers still agree.  The sharded answers are also
# checked against a plain-SQL oracle of the days (ViewstatsOracle.pm), not
# only against the single node's.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use ViewstatsOracle;

# ---- the README's sharding blocks -------------------------------------------

my $readme = $ENV{VS_README} // '../README.md';
open(my $fh, '<', $readme) or BAIL_OUT("cannot read $readme: $!");
my @lines = <$fh>;
close($fh);
chomp(@lines);

# Blocks of the "## Sharding" section: { on => 'every shard'|'the coordinator',
# sql => text, expected => text or undef }.
my (@blocks, $in_section, $run_on);
for (my $i = 0; $i < @lines; $i++)
{
	$in_section = ($lines[$i] eq '## Sharding') if $lines[$i] =~ /^## /;
	next unless $in_section;
	if ($lines[$i] =~ /^<!--\s*run on:\s*(every shard|the coordinator)\b/)
	{
		$run_on = $1;
		next;
	}
	next unless $lines[$i] =~ /^```(\w*)\s*$/;
	my $lang = $1;
	my @body;
	push @body, $lines[$i] while ++$i < @lines && $lines[$i] !~ /^```/;
	if ($lang eq 'sql' && defined $run_on)
	{
		push @blocks, { on => $run_on, sql => join("\n", @body) };
		$run_on = undef;
	}
	elsif ($lang eq 'text' && @blocks && !defined $blocks[-1]{expected})
	{
		$blocks[-1]{expected} = join("\n", @body);
	}
}
my @shard_blocks = grep { $_->{on} eq 'every shard' } @blocks;
my @coord_blocks = grep { $_->{on} eq 'the coordinator' } @blocks;
ok(@shard_blocks >= 1 && @coord_blocks >= 3,
	'README has the shard setup, the coordinator setup, the plan and the safe-count form');

# psql in aligned format, as the README shows output; trailing blanks dropped.
sub aligned
{
	my ($node, $db, $sql) = @_;
	my ($out, $err);
	$node->psql($db, $sql, stdout => \$out, stderr => \$err, on_error_die => 1,
		extra_params => [ '-P', 'format=aligned', '-P', 'tuples_only=off' ]);
	$out =~ s/[ \t]+$//mg;
	return $out;
}

# ---- the clusters -------------------------------------------------------------

my @shards;
for my $n (1, 2)
{
	my $node = PostgreSQL::Test::Cluster->new("shard_$n");
	$node->init;
	$node->start;
	$node->safe_psql('postgres', 'CREATE DATABASE analytics');
	$node->safe_psql('analytics', $_->{sql}) for @shard_blocks;
	push @shards, $node;
}
my $coord = PostgreSQL::Test::Cluster->new('coordinator');
$coord->init;
$coord->start;

# The README's coordinator blocks, with the shards' real addresses.
my $setup = $coord_blocks[0]{sql};
for my $n (1, 2)
{
	my ($host, $port) = ($shards[ $n - 1 ]->host, $shards[ $n - 1 ]->port);
	$setup =~ s/host 'shard-$n', port '5432'/host '$host', port '$port'/
	  or BAIL_OUT("README's coordinator block has no host 'shard-$n', port '5432'");
}
$coord->safe_psql('postgres', $setup);
is( $coord->safe_psql('postgres',
		q{SELECT count(*) FROM pg_foreign_server WHERE 'extensions=viewstats' = ANY (srvoptions)}),
	'2', 'both foreign servers name viewstats in their extensions option');

my $plan_block = $coord_blocks[1];
is(aligned($coord, 'postgres', $plan_block->{sql}), $plan_block->{expected} . "\n",
	"the plan the README shows is the coordinator's plan");

# ---- data, through the coordinator; the same rows on a single node ------------

# Deterministic: 600 viewers, 3 titles, 45 days around the month boundary,
# each viewer-title with its own density, and some duplicate days.
my $rows = q{
	SELECT v, t, date '2017-11-10' + d
	FROM generate_series(1, 600) AS v, generate_series(1, 3) AS t, generate_series(0, 44) AS d
	WHERE (hashint4(v * 7919 + t * 104729 + d) & 1023) < 200 + (hashint4(v * 31 + t) & 511)
	   OR (v % 97 = 0 AND t = 1 AND d BETWEEN 13 AND 30)
};
$coord->safe_psql('postgres', qq{
	INSERT INTO views $rows;
	INSERT INTO views SELECT * FROM views WHERE viewer_id % 13 = 0;
	CREATE TABLE views_single AS SELECT * FROM views;
	ANALYZE views;
	ANALYZE views_single;
});
my $total = $coord->safe_psql('postgres', 'SELECT count(*) FROM views_single');
cmp_ok($total, '>', 10000, "$total views loaded");
my @per_shard = map { $_->safe_psql('analytics', 'SELECT count(DISTINCT viewer_id) FROM views') } @shards;
ok($per_shard[0] > 100 && $per_shard[1] > 100 && $per_shard[0] + $per_shard[1] == 600,
	"viewers hashed across the shards (@per_shard)");
is( $shards[0]->safe_psql('analytics', 'SELECT count(*) FROM views')
	  + $shards[1]->safe_psql('analytics', 'SELECT count(*) FROM views'),
	$total, 'every row landed on exactly one shard');

# ---- push-down and equality with the single node -------------------------------

my %queries = (
	'longest_streak' => 'SELECT viewer_id, title_id, longest_streak(day) FROM %s GROUP BY viewer_id, title_id',
	'longest_streak with a gap' =>
	  'SELECT viewer_id, title_id, longest_streak(day, 1) FROM %s GROUP BY viewer_id, title_id',
	'current_streak' =>
	  q{SELECT viewer_id, title_id, current_streak(day, date '2017-12-10') FROM %s GROUP BY viewer_id, title_id},
	'dayset_agg' => 'SELECT viewer_id, title_id, dayset_agg(day) FROM %s GROUP BY viewer_id, title_id',
	'per viewer over all titles' =>
	  q{SELECT viewer_id, longest_streak(day), current_streak(day, date '2017-12-10', 1), day_count(dayset_agg(day)) FROM %s GROUP BY viewer_id},);
my %aggregate_of = (
	'longest_streak' => 'longest_streak',
	'longest_streak with a gap' => 'longest_streak',
	'current_streak' => 'current_streak',
	'dayset_agg' => 'dayset_agg',
	'per viewer over all titles' => 'current_streak',);

sub run_sorted
{
	my ($sql) = @_;
	return $coord->safe_psql('postgres',
		"SET enable_partitionwise_aggregate = on; SELECT * FROM ($sql) AS q ORDER BY 1, 2");
}

for my $name (sort keys %queries)
{
	my $sharded = sprintf($queries{$name}, 'views');
	my $plan = $coord->safe_psql('postgres',
		"SET enable_partitionwise_aggregate = on; EXPLAIN (VERBOSE, COSTS OFF) $sharded");
	my $agg = $aggregate_of{$name};
	my @remote = ($plan =~ /Remote SQL: (.*)/g);
	ok( @remote == 2 && (grep { /public\.\Q$agg\E\(day/ && /GROUP BY/ } @remote) == 2
		  && $plan !~ /^\s*(->\s*)?(Hash|Group|Mixed)Aggregate/m,
		"$name: pushed down whole to both shards")
	  or diag($plan);
	my $got = run_sorted($sharded);
	is($got, run_sorted(sprintf($queries{$name}, 'views_single')), "$name: same as a single node");
}

# The sharded streaks and daysets against the plain-SQL oracle.
ViewstatsOracle::create($coord, 'postgres');
is( $coord->safe_psql('postgres', q{
		SET enable_partitionwise_aggregate = on;
		SELECT count(*) FILTER (WHERE s.longest = oracle.longest_streak(o.days) AND s.ds::text = oracle.dayset_text(o.days))
		       || ' of ' || count(*)
		FROM (SELECT viewer_id, title_id, longest_streak(day) AS longest, dayset_agg(day) AS ds
		      FROM views GROUP BY viewer_id, title_id) AS s
		JOIN (SELECT viewer_id, title_id, array_agg(day) AS days FROM views_single
		      GROUP BY viewer_id, title_id) AS o USING (viewer_id, title_id)}),
	$coord->safe_psql('postgres',
		q{SELECT count(*) || ' of ' || count(*) FROM (SELECT DISTINCT viewer_id, title_id FROM views_single) AS g}),
	'sharded longest_streak and dayset_agg equal the plain-SQL oracle for every viewer and title');

# The safe-count form from the README: per-viewer rows from the shards, the
# count on the coordinator.
my $safe_form = $coord_blocks[2]{sql};
like($safe_form, qr/FROM views\b/, 'README shows the safe-count form over views');
(my $single_form = $safe_form) =~ s/FROM views\b/FROM views_single/;
my $form_out = $coord->safe_psql('postgres', "SET enable_partitionwise_aggregate = on; $safe_form");
is($form_out, $coord->safe_psql('postgres', $single_form), 'safe-count form: same as a single node');
like($form_out, qr/^1\|\d+\n2\|\d+\n3\|\d+$/, 'safe-count form: a count per title');
my $form_plan = $coord->safe_psql('postgres',
	"SET enable_partitionwise_aggregate = on; EXPLAIN (VERBOSE, COSTS OFF) $safe_form");
# (the filter on the streak goes along, as a HAVING clause)
is(scalar(grep { /public\.longest_streak\(day\)/ && /GROUP BY 1, 2/ } ($form_plan =~ /Remote SQL: (.*)/g)),
	2, 'safe-count form: the per-viewer streaks run on the shards')
  or diag($form_plan);

{
	my $counts = q{
		SELECT title_id, suppressed_count(viewer_id), perturbed_count(viewer_id)
		FROM (SELECT viewer_id, title_id, longest_streak(day) AS streak
		      FROM %s GROUP BY viewer_id, title_id) AS per_viewer
		WHERE streak >= 7 GROUP BY title_id ORDER BY title_id};
	my $sharded = $coord->safe_psql('postgres',
		'SET enable_partitionwise_aggregate = on; ' . sprintf($counts, 'views'));
	is($sharded, $coord->safe_psql('postgres', sprintf($counts, 'views_single')),
		'safe counts over pushed-down per-viewer rows: same as a single node');
	unlike($sharded, qr/\|\|/, 'safe counts: every title published');
}

# ---- without the extensions option nothing is shipped ----------------------------

$coord->safe_psql('postgres', 'ALTER SERVER shard_1 OPTIONS (DROP extensions)');
my $local_plan = $coord->safe_psql('postgres',
	'SET enable_partitionwise_aggregate = on; EXPLAIN (VERBOSE, COSTS OFF) '
	  . sprintf($queries{longest_streak}, 'views'));
my @remote = ($local_plan =~ /Remote SQL: (.*)/g);
is(scalar(grep { /longest_streak/ } @remote), 1,
	'without the extensions option, shard_1 is sent no viewstats aggregate')
  or diag($local_plan);
is( run_sorted(sprintf($queries{longest_streak}, 'views')),
	run_sorted(sprintf($queries{longest_streak}, 'views_single')),
	'and the answers still agree (aggregated on the coordinator)');

$_->stop for ($coord, @shards);
done_testing();
