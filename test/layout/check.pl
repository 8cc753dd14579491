#!/usr/bin/perl
# The layout rules of DESIGN.md that a machine can check, on the source tree
# (run by test/layout/run; prints "test layout/NAME ... ok|FAILED" lines):
#   include_cycles  no header or source file reaches itself through the
#                   project's own #include "..." lines
#   file_sizes      no C file or header over the limit (1,000 lines, plus
#                   10 % slack: "~1,000")
#   domain_folders  every C file, header and SQL file sits in a domain folder
#                   src/<domain>/ named in the Makefile's CRM_DOMAINS (the
#                   committed upgrade scripts in src/upgrade/ aside)
#   domain_prefixes the C files and headers of a domain folder other than
#                   common are named after it (summary_*, clv_*, ...) or
#                   after one of its parts listed in %PARTS below
#   doc_images      every image README.md and docs/*.md show exists, and every
#                   plot in docs/img/ is shown by a page and drawn by
#                   test/plots/render (a gnuplot output "$out/NAME.svg"), so
#                   `make demo` redraws what the docs show
use strict;
use warnings;

my $root = shift // '.';
my $max_lines = 1100;
# parts of a domain whose files carry the part's name instead of the domain's
my %PARTS = (retention => [qw(cohort survival)], survey => [qw(pls)]);
my $failed = 0;

# the domains of the Makefile
open my $mk, '<', "$root/Makefile" or die "cannot read Makefile: $!";
my @domains;
while (<$mk>) { @domains = split ' ', $1 if /^CRM_DOMAINS\s*=\s*(.*)$/; }
close $mk;
my %is_domain = map { $_ => 1 } @domains;

my @files = sort grep { -f } glob("$root/src/*/*.[ch]"), glob("$root/src/*.[ch]"),
  glob("$root/src/*/*.sql"), glob("$root/src/*.sql");

# report one check
sub Verdict
{
	my ($name, @problems) = @_;
	printf "test layout/%-20s ... %s\n", $name, @problems ? 'FAILED' : 'ok';
	print "    $_\n" for @problems;
	$failed = 1 if @problems;
}

# include graph of the project's own files, by base name
my %path_of = map { (m{([^/]+)$})[0] => $_ } grep { /\.[ch]$/ } @files;
my %includes;
for my $f (grep { /\.[ch]$/ } @files)
{
	my ($base) = $f =~ m{([^/]+)$};
	open my $fh, '<', $f or die "$f: $!";
	while (<$fh>)
	{
		push @{ $includes{$base} }, $1 if /^\s*#\s*include\s+"([^"]+)"/ && exists $path_of{$1};
	}
	close $fh;
}
my (%state, @stack, @cycles);
# depth-first search that records every back edge as a cycle
sub Visit
{
	my ($node) = @_;
	$state{$node} = 1;
	push @stack, $node;
	for my $next (@{ $includes{$node} // [] })
	{
		if (($state{$next} // 0) == 1)
		{
			my @at = grep { $stack[$_] eq $next } 0 .. $#stack;
			push @cycles, join(' -> ', @stack[$at[0] .. $#stack], $next);
		}
		elsif (!$state{$next})
		{
			Visit($next);
		}
	}
	pop @stack;
	$state{$node} = 2;
}
Visit($_) for sort keys %path_of;
Verdict('include_cycles', @cycles);

my @big;
for my $f (grep { /\.[ch]$/ } @files)
{
	open my $fh, '<', $f or die "$f: $!";
	my $n = 0;
	$n++ while <$fh>;
	close $fh;
	(my $rel = $f) =~ s{^\Q$root\E/}{};
	push @big, "$rel: $n lines (limit $max_lines)" if $n > $max_lines;
}
Verdict('file_sizes', @big);

my (@outside, @misnamed);
for my $f (@files)
{
	(my $rel = $f) =~ s{^\Q$root\E/}{};
	my ($domain, $name) = $rel =~ m{^src/([^/]+)/([^/]+)$};
	next if defined $domain && $domain eq 'upgrade' && $name =~ /^crm--[^-]+--[^-]+\.sql$/;
	if (!defined $domain || !$is_domain{$domain})
	{
		push @outside, "$rel is not in a domain folder of CRM_DOMAINS";
		next;
	}
	next if $domain eq 'common' || $name !~ /\.[ch]$/;
	my @prefixes = ($domain, @{ $PARTS{$domain} // [] });
	push @misnamed, "$rel: not named $domain* or after a part of $domain"
	  unless grep { $name =~ /^\Q$_\E([_.]|$)/ } @prefixes;
}
Verdict('domain_folders', @outside);
Verdict('domain_prefixes', @misnamed);

# the images the docs show, the plots in docs/img/ and the ones the demo draws
my (@images, %shown);
for my $doc (grep { -f } "$root/README.md", sort glob("$root/docs/*.md"))
{
	open my $fh, '<', $doc or die "$doc: $!";
	(my $rel = $doc) =~ s{^\Q$root\E/}{};
	(my $dir = $rel) =~ s{[^/]*$}{};
	while (my $line = <$fh>)
	{
		while ($line =~ /!\[[^\]]*\]\(([^)\s]+)\)/g)
		{
			my $target = $1;
			next if $target =~ m{^[a-z]+://};
			my $path = "$dir$target";
			1 while $path =~ s{[^/]+/\.\./}{};
			$shown{$path} = 1;
			push @images, "$rel shows $target, which does not exist" unless -f "$root/$path";
		}
	}
	close $fh;
}
# the demo draws with test/plots/render and the per-domain scripts it sources
my $render = '';
for my $script ("$root/test/plots/render", sort glob("$root/test/plots/render_*.sh"))
{
	open my $fh, '<', $script or next;
	local $/;
	$render .= <$fh>;
	close $fh;
}
for my $svg (sort glob("$root/docs/img/*.svg"))
{
	my ($name) = $svg =~ m{([^/]+)$};
	push @images, "docs/img/$name is shown by no page" unless $shown{"docs/img/$name"};
	push @images, "docs/img/$name is not drawn by test/plots/render or a render_*.sh" unless index($render, "\$out/$name\"") >= 0;
}
Verdict('doc_images', @images);
exit $failed;
