#!/usr/bin/perl
# The doc-test engine of test/doctest/run (see docs/testing.md).
#
#   doctest.pl script FILE.md            print the psql script of FILE.md's
#                                        ```sql blocks, each after a marker line
#   doctest.pl check  FILE.md OUTPUT     compare psql's OUTPUT with the ```text
#                                        blocks; print a diff per differing
#                                        block; exit 1 if any differs
#   doctest.pl accept FILE.md OUTPUT     rewrite FILE.md with OUTPUT as the
#                                        ```text block of every ```sql block
#   doctest.pl count  FILE.md            print the number of ```sql blocks
#
# The convention: a fenced block whose info string is `sql` is run; the fenced
# block right after it (only blank lines between) is its expected output if
# its info string is `text`.  A ```sql block without one must print nothing.
# Fences may be indented (inside a list item); the indentation is removed.
# Lines are compared without trailing white space, and without leading and
# trailing empty lines.
use strict;
use warnings;

my $MARK = '@@doctest block';

# Read FILE into a list of lines (without newlines)
sub ReadLines
{
	my ($file) = @_;
	open(my $fh, '<:encoding(UTF-8)', $file) or die "cannot read $file: $!\n";
	my @lines = map { s/\r?\n\z//r } <$fh>;
	close($fh);
	return @lines;
}

# Parse the fenced blocks of a markdown file: a list of hashes with the info
# string, the first and last line index (of the fences) and the content
sub Fences
{
	my @lines = @_;
	my @fences;
	for (my $i = 0; $i < @lines; $i++)
	{
		next unless $lines[$i] =~ /^(\s*)(`{3,})\s*([^`\s]*)\s*$/;
		my ($indent, $ticks, $info) = (length($1), $2, $3);
		my $j = $i + 1;
		$j++ while $j < @lines && $lines[$j] !~ /^\s*\Q$ticks\E\s*$/;
		die "unterminated fence at line " . ($i + 1) . "\n" if $j >= @lines;
		# (not s/^ {0,$indent}//: perl 5.36 strips a space with {0,0} on UTF-8 strings)
		my @body = map { my $l = $_; my $n = 0; $n++ while $n < $indent && substr($l, $n, 1) eq ' '; substr($l, $n) } @lines[$i + 1 .. $j - 1];
		push @fences, { info => $info, start => $i, end => $j, indent => $indent, body => \@body };
		$i = $j;
	}
	return @fences;
}

# The ```sql blocks with the index of their output block (or undef)
sub SqlBlocks
{
	my @lines = @_;
	my @fences = Fences(@lines);
	my @blocks;
	for (my $k = 0; $k < @fences; $k++)
	{
		my $f = $fences[$k];
		next unless $f->{info} eq 'sql';
		my $out;
		if ($k + 1 < @fences && $fences[$k + 1]{info} eq 'text')
		{
			my $g = $fences[$k + 1];
			my $between = join('', @lines[$f->{end} + 1 .. $g->{start} - 1]);
			$out = $g if $between =~ /^\s*$/;
		}
		push @blocks, { sql => $f, out => $out };
	}
	return @blocks;
}

# Strip trailing white space of each line and leading/trailing empty lines
sub Normalize
{
	my @l = map { s/\s+\z//r } @_;
	shift @l while @l && $l[0] eq '';
	pop @l while @l && $l[-1] eq '';
	return @l;
}

# Split psql's output into the outputs of the blocks, by the marker lines
sub SplitOutput
{
	my ($file, $n) = @_;
	my @lines = ReadLines($file);
	my @outs;
	my $cur = -1;
	my @pre;
	for my $l (@lines)
	{
		if ($l =~ /^\Q$MARK\E (\d+|end)$/)
		{
			$cur = $1 eq 'end' ? $n : $1;
			$outs[$cur] //= [];
			next;
		}
		if ($cur < 0) { push @pre, $l; }
		elsif ($cur < $n) { push @{$outs[$cur]}, $l; }
		else { push @{$outs[$n]}, $l; }	# after the last block
	}
	return (\@pre, \@outs);
}

my ($cmd, $file, $output) = @ARGV;
die "usage: doctest.pl script|check|accept|count FILE.md [OUTPUT]\n" unless $cmd && $file;
binmode(STDOUT, ':encoding(UTF-8)');
my @lines = ReadLines($file);
my @blocks = SqlBlocks(@lines);

if ($cmd eq 'count')
{
	print scalar(@blocks), "\n";
	exit 0;
}

if ($cmd eq 'script')
{
	for my $b (0 .. $#blocks)
	{
		my $f = $blocks[$b]{sql};
		my @body = @{$f->{body}};
		# the last statement must be complete, or it would swallow the marker
		my @code = grep { !/^\s*(--.*)?$/ } @body;
		if (@code && $code[-1] !~ /;\s*(--.*)?$/ && $code[-1] !~ /^\s*\\/)
		{
			print STDERR "$file:" . ($f->{start} + 1) . ": the block's last statement does not end with ';'\n";
			exit 2;
		}
		print "\\echo '$MARK $b'\n";
		print "$_\n" for @body;
	}
	print "\\echo '$MARK end'\n";
	exit 0;
}

die "missing OUTPUT\n" unless defined $output;
my ($pre, $outs) = SplitOutput($output, scalar(@blocks));

if ($cmd eq 'check')
{
	my $failed = 0;
	if (grep { /\S/ } @$pre)
	{
		print "    before the first block:\n";
		print "      $_\n" for @$pre;
		$failed = 1;
	}
	for my $b (0 .. $#blocks)
	{
		my $blk = $blocks[$b];
		my @want = $blk->{out} ? Normalize(@{$blk->{out}{body}}) : ();
		my @got = Normalize(@{$outs->[$b] // ['(no output: psql stopped before this block)']});
		next if join("\n", @want) eq join("\n", @got);
		$failed = 1;
		my $line = $blk->{sql}{start} + 1;
		print "    $file:$line: block " . ($b + 1) . " of " . scalar(@blocks) . " differs (- doc, + psql):\n";
		# a small line diff: common prefix and suffix, then the rest
		my ($i, $j, $k) = (0, scalar(@want), scalar(@got));
		$i++ while $i < $j && $i < $k && $want[$i] eq $got[$i];
		while ($j > $i && $k > $i && $want[$j - 1] eq $got[$k - 1]) { $j--; $k--; }
		print "      $want[$_]\n" for ($i > 3 ? $i - 3 : 0) .. $i - 1;
		print "    - $want[$_]\n" for $i .. $j - 1;
		print "    + $got[$_]\n" for $i .. $k - 1;
		print "      $want[$_]\n" for $j .. ($j + 2 < $#want ? $j + 2 : $#want);
	}
	if ($outs->[scalar @blocks] && grep { /\S/ } @{$outs->[scalar @blocks]})
	{
		print "    after the last block:\n";
		print "      $_\n" for @{$outs->[scalar @blocks]};
		$failed = 1;
	}
	exit $failed;
}

if ($cmd eq 'accept')
{
	# rewrite from the end, so that earlier line numbers stay valid
	for my $b (reverse 0 .. $#blocks)
	{
		my $blk = $blocks[$b];
		my @got = Normalize(@{$outs->[$b] // []});
		my $pad = ' ' x $blk->{sql}{indent};
		my @new = @got ? ("$pad```text", (map { $_ eq '' ? '' : "$pad$_" } @got), "$pad```") : ();
		if ($blk->{out})
		{
			my ($s, $e) = ($blk->{out}{start}, $blk->{out}{end});
			if (@new) { splice(@lines, $s, $e - $s + 1, @new); }
			else
			{
				# drop the block and the blank lines before it
				$s-- while $s > $blk->{sql}{end} + 1 && $lines[$s - 1] =~ /^\s*$/;
				splice(@lines, $s, $e - $s + 1);
			}
		}
		elsif (@new)
		{
			splice(@lines, $blk->{sql}{end} + 1, 0, '', @new);
		}
	}
	open(my $fh, '>:encoding(UTF-8)', $file) or die "cannot write $file: $!\n";
	print $fh "$_\n" for @lines;
	close($fh);
	exit 0;
}

die "unknown command $cmd\n";
