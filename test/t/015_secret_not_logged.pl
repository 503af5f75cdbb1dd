# The privacy secret never reaches the server log, even with every logging
# switch a DBA might turn on: auto_explain on every statement, nested ones
# included, triggers too (the view's trigger that stores a new secret), with
# their parameters logged in full (auto_explain.log_parameter_max_length,
# PostgreSQL 16 and later), and log_statement = 'all'.  A nested
# statement with a parameter of our own shows that parameters would be
# logged, so the check cannot pass for want of logging.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('secret_log');
$node->init;
$node->append_conf('postgresql.conf', "log_statement = 'all'\nlog_min_messages = debug1\n");
$node->start;

my $version = $node->safe_psql('postgres', 'SHOW server_version_num');
my $logs_parameters = $version >= 160000;

# Every statement, nested ones too, explained in the log.
my $logging = q{
	LOAD 'auto_explain';
	SET auto_explain.log_min_duration = 0;
	SET auto_explain.log_nested_statements = on;
	SET auto_explain.log_analyze = on;
	SET auto_explain.log_verbose = on;
	SET auto_explain.log_triggers = on;
};
$logging .= "SET auto_explain.log_parameter_max_length = -1;\n" if $logs_parameters;

my $marker = 'parameter-marker-5b1f0c';
$node->safe_psql('postgres', qq{
	CREATE EXTENSION viewstats;
	CREATE FUNCTION probe(p text) RETURNS bigint LANGUAGE plpgsql AS \$\$
	BEGIN
		RETURN (SELECT count(*) FROM pg_class WHERE relname = p);
	END \$\$;
});

my $offset = -s $node->logfile;
$node->safe_psql('postgres', $logging . qq{
	SELECT probe('$marker');
	SELECT rotate_privacy_secret();
	INSERT INTO privacy_secret DEFAULT VALUES;
	SELECT rotate_privacy_secret();
});
my $secret = $node->safe_psql('postgres', q{SELECT encode(secret, 'hex') FROM privacy_secret});
like($secret, qr/^[0-9a-f]{64}$/, 'a 32-byte secret after the rotations');
# the secret's four parts as setval would take them
my @parts = split / /, $node->safe_psql('postgres', q{
	SELECT s0.last_value || ' ' || s1.last_value || ' ' || s2.last_value || ' ' || s3.last_value
	FROM privacy_secret_0 s0, privacy_secret_1 s1, privacy_secret_2 s2, privacy_secret_3 s3});
is(scalar(@parts), 4, 'four parts');

my $log = slurp_file($node->logfile, $offset);
like($log, qr/INSERT INTO privacy_secret DEFAULT VALUES/, 'log_statement logged the INSERT into the view');
like($log, qr/Trigger privacy_secret_store/, 'and auto_explain its trigger');
if ($logs_parameters)
{
	like($log, qr/\Q$marker\E/, 'parameters of nested statements are logged');
}
else
{
	pass("PostgreSQL $version: auto_explain logs no parameters");
}
unlike(lc($log), qr/\Q$secret\E/, 'the secret is not in the log');
is(scalar(grep { index($log, $_) >= 0 } @parts), 0, 'nor any of its parts in decimal');

$node->stop;
done_testing();
