#!/usr/bin/perl
# report.pl LOGDIR: summarize valgrind logs (one per process). Each error is
# a block starting with its kind ("Invalid read of size 4", "Conditional
# jump or move depends on uninitialised value(s)", ...). Errors with a
# viewstats frame in their stack fail the run; the others are counted.
use strict;
use warnings;

my $dir = shift or die "usage: report.pl LOGDIR\n";
my (%kinds, @ours, $files);
for my $log (glob "$dir/valgrind.*.log")
{
	$files++;
	open my $fh, '<', $log or die "$log: $!";
	my ($block, $kind) = ('', undef);
	my $flush = sub {
		return unless defined $kind;
		$kinds{$kind}++;
		push @ours, "$log:\n$block" if $block =~ /viewstats\.so|\bsrc\/(core\/)?\w+\.c/;
		($block, $kind) = ('', undef);
	};
	while (my $line = <$fh>)
	{
		if ($line =~ /^==\d+== (\S.*)$/ && $line !~ /^==\d+== +(at|by|Address|Uninitialised|Block|in) /)
		{
			my $text = $1;
			# a new error starts with its description
			if ($text =~ /^(Invalid|Conditional jump|Use of uninitialised|Syscall param|Mismatched|Source and destination|Argument|Invalid free)/)
			{
				$flush->();
				($kind = $text) =~ s/ of size \d+| at 0x[0-9A-F]+.*//;
			}
		}
		$block .= $line if defined $kind;
		$flush->() if $line =~ /^\}$/;    # end of a generated suppression
	}
	$flush->();
	close $fh;
}
$files //= 0;
my $total = 0;
$total += $_ for values %kinds;
print "valgrind: $files processes traced, $total errors not suppressed\n";
printf "  %5d  %s\n", $kinds{$_}, $_ for sort keys %kinds;
if (@ours)
{
	print "FAIL: ", scalar(@ours), " errors with viewstats code in the stack:\n";
	print "$_\n" for @ours;
	exit 1;
}
print "no error involves viewstats code\n";
exit 0;
