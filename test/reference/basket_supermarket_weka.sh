#!/usr/bin/env bash
# Reference for sql/basket_supermarket.sql, computed independently of crm by
# Weka's Apriori (Debian's weka 3.6.14-3, run with Java 17) on Weka's
# supermarket.arff (test/load/supermarket_arff.sh): 4,627 baskets, the
# departments bought ('name=t') and the basket total ('total=low' /
# 'total=high') as items.
#
#   java -cp weka.jar weka.associations.Apriori -t supermarket.arff \
#       -N 100000 -C 0.0 -M 0.2 -U 1.0 -D 0.05 -I
#
# lowers the support from 1 by steps of 0.05 to 0.2, i.e. 925 baskets
# (Weka rounds 0.2 x 4627 = 925.4 to the nearest count), and prints every
# large itemset with its count (-I) and the rules found.  Writes, under
# test/reference/:
#   - supermarket_weka_itemsets.csv: the itemsets of 1 to 3 items (labels
#     joined by '|', in Weka's order), size, count;
#   - supermarket_weka_rules.csv: the rules with one or two items in the
#     antecedent and one in the consequent (crm's rules): antecedent,
#     consequent, the antecedent's count, the rule's count, and the
#     confidence as Weka prints it (2 decimals).
# Run: test/reference/basket_supermarket_weka.sh (needs java; downloads
# Debian's weka package file into ~/.cache/crm/weka, no installation)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/crm/weka
mkdir -p "$cache"
"$root/test/load/supermarket_arff.sh" > "$cache/supermarket.arff.tmp"
mv "$cache/supermarket.arff.tmp" "$cache/supermarket.arff"
if [ ! -f "$cache/weka.jar" ]; then
	work=$(mktemp -d "$cache/jar.XXXXXX")
	(cd "$work" && apt-get download -qq weka=3.6.14-3 >/dev/null)
	dpkg-deb --fsys-tarfile "$work"/weka_*.deb | tar -x -C "$work" ./usr/share/java/weka-3.6.14.jar
	mv "$work/usr/share/java/weka-3.6.14.jar" "$cache/weka.jar"
	rm -rf "$work"
fi
out=$cache/apriori.txt
java -Xmx1g -cp "$cache/weka.jar" weka.associations.Apriori -t "$cache/supermarket.arff" \
	-N 100000 -C 0.0 -M 0.2 -U 1.0 -D 0.05 -I > "$out"
grep -E 'Minimum support|cycles performed|Size of set' "$out"
java -version 2>&1 | head -1

# an itemset as Weka prints it ("a=t b c=t 1234": labels end in =t, =low or
# =high) to "label|label|...,count"
awk '
	function itemset(s,    n, parts, i, out) {
		gsub(/=t /, "=t|", s); gsub(/=low /, "=low|", s); gsub(/=high /, "=high|", s)
		n = split(s, parts, "|")
		out = parts[1]
		for (i = 2; i < n; i++) out = out "|" parts[i]
		size = n - 1
		count = parts[n]
		return out
	}
	BEGIN { print "itemset,size,count" }
	/^Large Itemsets L\(/ { level = substr($3, 3, 1) + 0; next }
	/^Size of set|^$/ { next }
	/^Best rules found/ { level = 0 }
	level >= 1 && level <= 3 { s = itemset($0); printf "\"%s\",%d,%d\n", s, size, count }
' "$out" > "$root/test/reference/supermarket_weka_itemsets.csv"
awk '
	function itemset(s,    n, parts, i, out) {
		gsub(/=t /, "=t|", s); gsub(/=low /, "=low|", s); gsub(/=high /, "=high|", s)
		n = split(s, parts, "|")
		out = parts[1]
		for (i = 2; i < n; i++) out = out "|" parts[i]
		size = n - 1
		count = parts[n]
		return out
	}
	BEGIN { print "antecedent,consequent,antecedent_count,count,confidence" }
	/==>/ {
		line = $0
		sub(/^ *[0-9]+\. /, "", line)
		conf = line; sub(/.*conf:\(/, "", conf); sub(/\).*/, "", conf)
		sub(/ +conf:.*/, "", line)
		split(line, sides, " ==> ")
		a = itemset(sides[1]); na = size; ca = count
		c = itemset(sides[2]); nc = size; cc = count
		if (na <= 2 && nc == 1)
			printf "\"%s\",\"%s\",%d,%d,%s\n", a, c, ca, cc, conf
	}
' "$out" > "$root/test/reference/supermarket_weka_rules.csv"
wc -l "$root"/test/reference/supermarket_weka_*.csv
