#!/usr/bin/perl
# Expand an SQL template once per model type (used by the Makefile).
#
#   perl expand_template.pl TEMPLATE TYPES_FILE [TYPE ...]
#
# TEMPLATE: a 2-line header comment, then SQL with @NAME@ placeholders.
# TYPES_FILE: a header line of |-separated column names, then one line per
# type (lines starting with # are comments).  Every column NAME gives
# @NAME@; PARAMS ("r, alpha, a, b") also gives @SIGNATURE@ ("r float8, ..."),
# @ARGTYPES@ ("float8, ...") and @NPARAMS@.  With TYPE arguments only those
# types (in that order) are expanded, otherwise all of them in file order.
use strict;
use warnings;

my ($template_file, $types_file, @only) = @ARGV;
die "usage: $0 TEMPLATE TYPES_FILE [TYPE ...]\n" unless defined $types_file;

open(my $t, '<', $template_file) or die "$template_file: $!\n";
my @lines = <$t>;
close($t);
my $template = join('', @lines[2 .. $#lines]);

open(my $f, '<', $types_file) or die "$types_file: $!\n";
my @rows = grep { !/^\s*(#|$)/ } <$f>;
close($f);
chomp(@rows);
my @columns = split(/\|/, shift(@rows));
my %types;
my @order;
foreach my $row (@rows)
{
	my @values = split(/\|/, $row, -1);
	die "$types_file: wrong number of columns in: $row\n" unless @values == @columns;
	my %fields;
	@fields{@columns} = @values;
	if (defined $fields{PARAMS})
	{
		my @params = split(/, /, $fields{PARAMS});
		$fields{SIGNATURE} = join(', ', map { "$_ float8" } @params);
		$fields{ARGTYPES} = join(', ', map { 'float8' } @params);
		$fields{NPARAMS} = scalar(@params);
	}
	$types{$fields{TYPE}} = \%fields;
	push(@order, $fields{TYPE});
}
foreach my $type (@only ? @only : @order)
{
	my $fields = $types{$type} or die "$types_file: no type $type\n";
	(my $out = $template) =~ s/@([A-Z]+)@/defined $fields->{$1} ? $fields->{$1} : die "$template_file: no \@$1\@\n"/ge;
	print $out;
}
