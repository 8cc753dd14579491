#!/usr/bin/perl
# Validate a PGXN META.json against the PGXN Meta Spec v1.0.x (the text at
# pgxn.org/spec/, RFC 1 of PGXN): required keys, the type of every value
# (String, List, Map, Term, Tag, URI, Version, Version Range, License
# String), the allowed subkeys of each map, custom keys only as x_*.
# Written for crm because the spec's own validator (Perl's
# PGXN::Meta::Validator) is packaged neither by Debian nor on npm.
#
#   perl validate_meta.pl [--dist DIR] META.json
#
# With --dist DIR, the paths the document names (provides' file and docfile,
# no_index) must also exist under DIR, the unpacked distribution.  Prints
# "META.json is OK" and exits 0, or prints one line per problem (with the
# path of the offending value) and exits 1.  Uses only core Perl (JSON::PP).
use strict;
use warnings;
use B ();
use JSON::PP ();

my $dist;
if (@ARGV && $ARGV[0] eq '--dist')
{
	shift(@ARGV);
	$dist = shift(@ARGV);
}
die "usage: $0 [--dist DIR] META.json\n" unless @ARGV == 1;
my $file = $ARGV[0];

open(my $fh, '<:raw', $file) or die "$file: $!\n";
my $text = do { local $/; <$fh> };
close($fh);
my $meta = eval { JSON::PP->new->utf8->decode($text) };
if (!defined $meta)
{
	print "$file is invalid: not JSON: $@";
	exit 1;
}

my @errors;

# Record one problem at a path of the document
sub Fail
{
	my ($path, $message) = @_;
	push(@errors, ($path eq "" ? "(top level)" : $path) . ": $message");
	return 0;
}

# Whether a decoded value is a JSON string (not a number, array, object, null)
sub IsJsonString
{
	my ($v) = @_;
	return 0 if !defined $v || ref $v;
	my $flags = B::svref_2object(\$v)->FLAGS;
	return ($flags & B::SVp_POK) && !($flags & (B::SVp_IOK | B::SVp_NOK));
}

# Whether a decoded value is a JSON number
sub IsJsonNumber
{
	my ($v) = @_;
	return 0 if !defined $v || ref $v;
	my $flags = B::svref_2object(\$v)->FLAGS;
	return ($flags & (B::SVp_IOK | B::SVp_NOK)) ? 1 : 0;
}

# String: a non-empty sequence of characters
sub CheckString
{
	my ($path, $v) = @_;
	return Fail($path, 'must be a string') unless IsJsonString($v);
	return Fail($path, 'must not be empty') unless length($v) > 0;
	return 1;
}

# Term: a string of at least 2 characters without /, \, control or space characters
sub CheckTerm
{
	my ($path, $v) = @_;
	CheckString($path, $v) or return 0;
	return Fail($path, "term \"$v\" must be at least 2 characters long") if length($v) < 2;
	return Fail($path, "term \"$v\" must not contain /, \\, space or control characters")
		if $v =~ m{[/\\\s[:cntrl:]]};
	return 1;
}

# Tag: a string of fewer than 256 characters without /, \ or control characters
sub CheckTag
{
	my ($path, $v) = @_;
	CheckString($path, $v) or return 0;
	return Fail($path, "tag \"$v\" must be shorter than 256 characters") if length($v) >= 256;
	return Fail($path, "tag \"$v\" must not contain /, \\ or control characters") if $v =~ m{[/\\[:cntrl:]]};
	return 1;
}

# URI: a scheme and a non-empty rest without spaces
sub CheckUri
{
	my ($path, $v) = @_;
	CheckString($path, $v) or return 0;
	return Fail($path, "\"$v\" is not a URI") unless $v =~ m{^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$};
	return 1;
}

# Version: a semantic version, MAJOR.MINOR.PATCH with an optional pre-release
# (with or without the dash of SemVer 2.0.0) and build metadata
sub CheckVersion
{
	my ($path, $v) = @_;
	CheckString($path, $v) or return 0;
	my $num = qr/(?:0|[1-9][0-9]*)/;
	my $ids = qr/[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*/;
	return Fail($path, "\"$v\" is not a semantic version (MAJOR.MINOR.PATCH)")
		unless $v =~ m{^$num\.$num\.$num(?:-?$ids)?(?:\+$ids)?$};
	return 1;
}

# Version Range: 0 (any version), a Version (at least it), or comma-separated
# comparisons (<, <=, >, >=, ==, !=) with a Version each
sub CheckVersionRange
{
	my ($path, $v) = @_;
	if (IsJsonNumber($v))
	{
		return Fail($path, 'a numeric version range must be 0') unless $v == 0;
		return 1;
	}
	CheckString($path, $v) or return 0;
	return 1 if $v eq '0';
	my $ok = 1;
	foreach my $part (split(/,/, $v, -1))
	{
		my ($op, $version) = $part =~ m{^\s*(<=|>=|==|!=|<|>)?\s*(\S+)\s*$};
		if (!defined $version)
		{
			$ok = Fail($path, "\"$v\" is not a version range");
			next;
		}
		$ok = 0 unless CheckVersion($path, $version);
	}
	return $ok;
}

# A path relative to the distribution root, in unix form; with --dist it must exist
sub CheckPath
{
	my ($path, $v, $kind) = @_;
	CheckString($path, $v) or return 0;
	return Fail($path, "\"$v\" must be relative to the distribution root")
		if $v =~ m{^/} || $v =~ m{\\} || grep { $_ eq '..' } split(m{/}, $v);
	if (defined $dist)
	{
		return Fail($path, "\"$v\" is not a file of the distribution") if $kind eq 'file' && !-f "$dist/$v";
		return Fail($path, "\"$v\" is not a directory of the distribution") if $kind eq 'directory' && !-d "$dist/$v";
	}
	return 1;
}

# A List (a string counts as a list of one), each element checked by $check;
# with $min_one the list must not be empty
sub CheckList
{
	my ($path, $v, $check, $min_one) = @_;
	return $check->("$path", $v) if IsJsonString($v);
	return Fail($path, 'must be a list') unless ref $v eq 'ARRAY';
	return Fail($path, 'must list at least one element') if $min_one && !@$v;
	my $ok = 1;
	for my $i (0 .. $#$v)
	{
		$ok = 0 unless $check->("$path\[$i\]", $v->[$i]);
	}
	return $ok;
}

# A Map whose keys are all known (a hash of key => checker) or custom (x_*);
# the keys listed in $required must be present
sub CheckMap
{
	my ($path, $v, $known, $required) = @_;
	return Fail($path, 'must be a map') unless ref $v eq 'HASH';
	my $ok = 1;
	foreach my $key (@{ $required || [] })
	{
		$ok = Fail($path, "missing required key \"$key\"") unless exists $v->{$key};
	}
	foreach my $key (sort keys %$v)
	{
		my $sub = $path eq '' ? $key : "$path.$key";
		if (exists $known->{$key})
		{
			$ok = 0 unless $known->{$key}->($sub, $v->{$key});
		}
		elsif ($key !~ /^x_/i)
		{
			$ok = Fail($sub, "unknown key (custom keys must start with x_)");
		}
	}
	return $ok;
}

# License strings valid in the List form of "license"
my %license_strings = map { $_ => 1 } qw(agpl_3 apache_1_1 apache_2_0 artistic_1 artistic_2
	bsd freebsd gfdl_1_2 gfdl_1_3 gpl_1 gpl_2 gpl_3 lgpl_2_1 lgpl_3_0 mit mozilla_1_0
	mozilla_1_1 openssl perl_5 postgresql qpl_1_0 ssleay sun zlib open_source restricted
	unrestricted unknown);

# license: a Map of license name => URI, or a List of one or more License Strings
sub CheckLicense
{
	my ($path, $v) = @_;
	if (ref $v eq 'HASH')
	{
		return Fail($path, 'must name at least one license') unless %$v;
		my $ok = 1;
		foreach my $name (sort keys %$v)
		{
			$ok = 0 unless CheckString("$path.$name", $name) && CheckUri("$path.$name", $v->{$name});
		}
		return $ok;
	}
	return CheckList($path, $v, sub {
		my ($p, $s) = @_;
		CheckString($p, $s) or return 0;
		return Fail($p, "\"$s\" is not a license string of the spec") unless $license_strings{$s};
		return 1;
	}, 1);
}

# provides: a Map of extension name (Term) => { file, version, abstract, docfile }
sub CheckProvides
{
	my ($path, $v) = @_;
	return Fail($path, 'must be a map') unless ref $v eq 'HASH';
	return Fail($path, 'must describe at least one extension') unless %$v;
	my $ok = 1;
	foreach my $extension (sort keys %$v)
	{
		$ok = 0 unless CheckTerm("$path (extension name)", $extension);
		$ok = 0 unless CheckMap("$path.$extension", $v->{$extension}, {
			file => sub { CheckPath(@_, 'file') },
			version => \&CheckVersion,
			abstract => \&CheckString,
			docfile => sub { CheckPath(@_, 'file') },
		}, [qw(file version)]);
	}
	return $ok;
}

# prereqs: phase => relationship => { extension name => Version Range }
sub CheckPrereqs
{
	my ($path, $v) = @_;
	my $relations = sub {
		my ($p, $r) = @_;
		return Fail($p, 'must be a map') unless ref $r eq 'HASH';
		my $ok = 1;
		foreach my $name (sort keys %$r)
		{
			$ok = 0 unless CheckTerm("$p (prerequisite name)", $name) && CheckVersionRange("$p.$name", $r->{$name});
		}
		return $ok;
	};
	my %relationships = map { $_ => $relations } qw(requires recommends suggests conflicts);
	my $phase = sub { CheckMap($_[0], $_[1], \%relationships) };
	return CheckMap($path, $v, { map { $_ => $phase } qw(configure build test runtime develop) });
}

# resources: homepage, bugtracker { web, mailto }, repository { url, web, type }
sub CheckResources
{
	my ($path, $v) = @_;
	return CheckMap($path, $v, {
		homepage => \&CheckUri,
		bugtracker => sub {
			CheckMap($_[0], $_[1], {
				web => \&CheckUri,
				mailto => sub {
					my ($p, $s) = @_;
					CheckString($p, $s) or return 0;
					return Fail($p, "\"$s\" is not an email address") unless $s =~ /^[^@\s]+@[^@\s]+$/;
					return 1;
				},
			});
		},
		repository => sub {
			CheckMap($_[0], $_[1], {
				url => \&CheckUri,
				web => \&CheckUri,
				type => sub {
					my ($p, $s) = @_;
					CheckString($p, $s) or return 0;
					return Fail($p, "\"$s\" must be lower case") unless $s eq lc($s);
					return 1;
				},
			});
		},
	});
}

CheckMap('', $meta, {
	name => \&CheckTerm,
	abstract => \&CheckString,
	description => \&CheckString,
	version => \&CheckVersion,
	maintainer => sub { CheckList($_[0], $_[1], \&CheckString, 1) },
	license => \&CheckLicense,
	provides => \&CheckProvides,
	prereqs => \&CheckPrereqs,
	generated_by => \&CheckString,
	'meta-spec' => sub {
		CheckMap($_[0], $_[1], {
			version => sub {
				my ($p, $s) = @_;
				CheckString($p, $s) or return 0;
				return Fail($p, "spec version \"$s\" is not 1.0.x, the one this validator knows")
					unless $s =~ /^1\.0\.[0-9]+$/;
				return 1;
			},
			url => \&CheckUri,
		}, ['version']);
	},
	tags => sub { CheckList($_[0], $_[1], \&CheckTag, 0) },
	no_index => sub {
		CheckMap($_[0], $_[1], {
			file => sub { CheckList($_[0], $_[1], sub { CheckPath(@_, 'file') }, 0) },
			directory => sub { CheckList($_[0], $_[1], sub { CheckPath(@_, 'directory') }, 0) },
		});
	},
	release_status => sub {
		my ($p, $s) = @_;
		CheckString($p, $s) or return 0;
		return Fail($p, "\"$s\" is not one of stable, testing, unstable") unless $s =~ /^(stable|testing|unstable)$/;
		return 1;
	},
	resources => \&CheckResources,
}, [qw(name abstract version maintainer license provides meta-spec)]);

if (@errors)
{
	print "$file is invalid:\n";
	print "  $_\n" foreach @errors;
	exit 1;
}
print "$file is OK\n";
exit 0;
